"""Backbone choice by measurement: cross-voice word identity (centroids from the training
voices' clean clips, queries from the held-out Piper family and from FSDD's real speakers)
per candidate and layer, the concrete-noun and phonetic silhouettes on Piper, and CPU cost
per clip. Writes CACHE/backbone_choice.json; the pick is the layer with the best Piper
identity (ties -> cheaper candidate)."""
import json

import numpy as np

from common import CACHE, DIGITS
from data import WHISPER_LAYERS, identity_top1, load, load_many, phon_groups, semantic_groups, silhouette

CENTROIDS = ["espeak", "flite"]


def rows():
    cost = json.loads((CACHE / "features" / "cost.json").read_text())
    out = []
    for bb, layers in [("whisper", WHISPER_LAYERS), ("se", ["output"])]:
        Xc, wc, _ = load_many(CENTROIDS, bb)
        Xq, wq, _ = load("piper", bb)
        Xf, wf, _ = load("fsdd", bb)
        ms = cost[f"piper.{bb}"]["cpu_ms_per_clip"]
        for i, layer in enumerate(layers):
            sel = (lambda X: X[:, i]) if X_is3(Xc) else (lambda X: X)
            out.append({
                "candidate": "whisper-tiny-en" if bb == "whisper" else "speech-embedding",
                "layer": layer, "dim": int(sel(Xc).shape[1]),
                "identity_piper_all_words": round(identity_top1(sel(Xc), wc, sel(Xq), wq), 4),
                "identity_fsdd_all_words": round(identity_top1(sel(Xc), wc, sel(Xf), wf), 4),
                "identity_fsdd_digits": round(identity_top1(sel(Xc), wc, sel(Xf), wf, DIGITS), 4),
                "semantic_silhouette_piper": round(silhouette(sel(Xq), wq, semantic_groups()), 4),
                "phonetic_silhouette_piper": round(silhouette(sel(Xq), wq, phon_groups()), 4),
                "cpu_ms_per_word": ms,
            })
    return out


def X_is3(X):
    return X.ndim == 3


def main():
    r = rows()
    best = max(r, key=lambda x: (x["identity_piper_all_words"], -x["cpu_ms_per_word"]))
    res = {"rows": r, "chosen": best, "n_words": int(len(set(load("piper")[1])))}
    (CACHE / "backbone_choice.json").write_text(json.dumps(res, indent=1))
    for x in r:
        print(x)
    print("chosen:", best["candidate"], best["layer"])


if __name__ == "__main__":
    main()
