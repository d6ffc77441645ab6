"""`groundprobe analyze`'s analyses in plain Python, for its speed to be compared with
(issue 23): the offline path of scripts/bench/reference.py (onnxruntime, one thread:
Silero VAD, the engine's segmenter, speech_embedding's six tapped layers mean-pooled),
then, per layer, what `groundprobe analyze --encoders speech-embedding --text none` does:

1. cosine silhouettes over all words (sklearn.metrics.silhouette_score), semantic and
   phonetic;
2. the semantic silhouette once per semantic category with its words left out, the
   phonetic one once per phonetic group: mean and 95 % CI (scipy's Student t);
3. per seed, a sample of min(10,000, 80 %) tokens (numpy's generator: not the same sample
   as groundprobe's ChaCha8), and in it the mean cosine over token pairs of one word
   (same word) and of the word pairs models/lexicon/paper.pairs.tsv lists (synonym,
   near-homophone, same category, random), each kind minus random; pooled over seeds
   with a t interval.

Step 3's samples differ from groundprobe's, so its numbers are comparable, not equal;
steps 1–2 are the same computation on the same words. Usage: `time python3 reference.py DIR > out.json` (scripts/analyze/compare.sh).
"""
import argparse
import json
import pathlib
import sys
import time

import numpy as np
from scipy import stats
from sklearn.metrics import silhouette_score

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "bench"))
import reference as offline  # noqa: E402  (the bench's offline path: VAD, segments, encoder)

SEEDS = [42, 12, 25, 31, 69]


def interval(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    m = float(np.mean(values))
    if len(values) < 2:
        return [m, m, m, 1]
    half = float(stats.t.ppf(0.975, len(values) - 1) * np.std(values, ddof=1) / np.sqrt(len(values)))
    return [m, m - half, m + half, len(values)]


def folds(clusters):
    present = sorted({c for c in clusters if c is not None})
    return [[i for i, x in enumerate(clusters) if x != c] for c in present]


def pairs_above_random(v, labels, listed):
    unit = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    sims = unit @ unit.T
    n = len(labels)
    kinds = {"same_word": [], "synonym": [], "near_homophone": [], "same_category": [], "random": []}
    for i in range(n):
        for j in range(i + 1, n):
            a, b = labels[i], labels[j]
            if a is None or b is None:
                continue
            kind = "same_word" if a == b else listed.get((a, b))
            if kind is not None:
                kinds[kind].append(sims[i, j])
    mean = {k: (float(np.mean(s)) if s else None) for k, s in kinds.items()}
    base = mean.pop("random")
    return {k: (m - base if m is not None and base is not None else None) for k, m in mean.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=pathlib.Path)
    args = ap.parse_args()
    started = time.perf_counter()
    lex = offline.lexicon()
    listed = {}
    for line in (offline.MODELS / "lexicon" / "paper.pairs.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            kind, a, b = line.split("\t")[:3]
            listed[(a, b)] = listed[(b, a)] = kind
    vad = offline.ort.InferenceSession(
        str(offline.MODELS / "silero-vad" / "silero_vad_openvino_16k.onnx"),
        offline.one_thread(),
        providers=["CPUExecutionProvider"],
    )
    enc = offline.SpeechEmbedding(offline.one_thread())
    bank, labels = [], []
    for path in sorted(p for p in args.dir.rglob("*") if p.suffix.lower() == ".wav"):
        label = path.name.split("_")[0]
        label = label if label in lex else None
        x = offline.read(path)
        for start, end in offline.segments(offline.vad_probs(vad, x)):
            bank.append(list(enc.encode(x[start:end])[1].values()))
            labels.append(label)
    encoded = time.perf_counter()
    semantic = [lex[w][0] if w else None for w in labels]
    phonetic = [lex[w][1] if w else None for w in labels]
    sample = max(min(10_000, len(bank) * 4 // 5), min(len(bank), 2))
    samples = [np.sort(np.random.default_rng(s).choice(len(bank), sample, replace=False)) for s in SEEDS]
    layers = {}
    for l, layer in enumerate(enc.layers):
        v = np.array([b[l] for b in bank])

        def sil(keep, clusters):
            return offline.silhouette(v[keep], [clusters[i] for i in keep])

        every = list(range(len(bank)))
        per_seed = [pairs_above_random(v[s], [labels[i] for i in s], listed) for s in samples]
        layers[layer["name"]] = {
            "silhouette_semantic": sil(every, semantic),
            "silhouette_phonetic": sil(every, phonetic),
            "semantic_folds": interval([sil(f, semantic) for f in folds(semantic)]),
            "phonetic_folds": interval([sil(f, phonetic) for f in folds(phonetic)]),
            "pairs_pooled": {k: interval([p[k] for p in per_seed]) for k in per_seed[0]},
        }
    done = time.perf_counter()
    json.dump({"words": len(bank), "sample": sample, "encode_seconds": encoded - started,
               "analysis_seconds": done - encoded, "layers": layers}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
