"""Shared paths, word lists, seed and the train/held-out split for scripts/grounding."""
import hashlib
import json
import os
from pathlib import Path

import numpy as np

SEED = 1234
REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("GROUNDING_CACHE", "/work/cache/grounding"))
PAPER = Path(os.environ.get("PAPER_DATA", REPO.parent / "shared/data/paper"))
FSDD = Path(os.environ.get("FSDD_DIR", REPO.parent / "shared/data/fsdd/recordings"))
MODELS = REPO / "models"
OUTDIR = Path(os.environ.get("GROUNDING_OUT", MODELS))  # where heads and text tables are written
WHISPER_ONNX = MODELS / "whisper-tiny-en/encoder.onnx"
SE_MEL_ONNX = MODELS / "speech-embedding/melspectrogram.onnx"
SE_EMB_ONNX = MODELS / "speech-embedding/embedding_model.onnx"

# The paper's concrete-noun categories (the other three are abstract).
CONCRETE = ["musical_instruments", "clothing", "vegetables", "vehicles",
            "building_materials", "organs"]
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
HELDOUT_PICTURE_FRACTION = 0.2


def rng(tag: str) -> np.random.Generator:
    """A generator seeded by SEED and a tag, so every stage is reproducible on its own."""
    h = int(hashlib.sha256(f"{SEED}:{tag}".encode()).hexdigest()[:8], 16)
    return np.random.default_rng(h)


def semantic_categories() -> dict:
    d = json.loads((PAPER / "semantic_categories.json").read_text())
    return {k: v["words"] for k, v in d.items()}


def phonetic_groups() -> dict:
    d = json.loads((PAPER / "phonetic_groups.json").read_text())
    return {k: v["words"] for k, v in d.items()}


def concrete_nouns() -> dict:
    sc = semantic_categories()
    return {k: sc[k] for k in CONCRETE}


def read_pictures_tsv() -> dict:
    """word -> list of picture refs ('emoji:U+1F955' or a path under /usr/share/openclipart/png)."""
    out = {}
    for line in (HERE / "pictures.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _cat, refs = line.split("\t")[:3]
        refs = [r for r in refs.split() if r]
        if refs:
            out[word] = refs
    return out


def split() -> dict:
    """Word split, fixed by SEED before any training: ~20% of the picture words that are not
    lexicon concrete nouns are held out of head training (the lexicon's concrete nouns with
    pictures are always trained: a class will say them)."""
    pics = read_pictures_tsv()
    conc = {w for ws in concrete_nouns().values() for w in ws}
    extra = sorted(w for w in pics if w not in conc)
    r = rng("heldout-words")
    n = int(round(HELDOUT_PICTURE_FRACTION * len(extra)))
    held = sorted(r.permutation(extra)[:n].tolist())
    train = sorted(w for w in pics if w not in set(held))
    return {"train_words": train, "heldout_words": held}


def vocabulary() -> list:
    """Every word that gets speech: lexicon, phonetic groups, digits and picture words."""
    words = set(DIGITS)
    for ws in semantic_categories().values():
        words.update(ws)
    for ws in phonetic_groups().values():
        words.update(ws)
    words.update(read_pictures_tsv())
    return sorted(words)


def sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
