"""Evaluation on voices held out of training: the Piper family (clean and augmented) and
FSDD's real speakers (digits). Per encoder (the chosen backbone layer; each head's hidden and
out, run from the exported head.onnx files): concrete-noun semantic silhouette, phonetic
silhouette, cross-voice word identity and picture/target retrieval for the held-out words.
Writes CACHE/results.json."""
import json

import numpy as np
import onnxruntime as ort

from common import CACHE, DIGITS, OUTDIR, read_pictures_tsv
from data import (WHISPER_LAYERS, identity_top1, load, load_many, phon_groups, semantic_groups,
                  silhouette, unit, word_means)
from heads import HEADS, chosen_layer

CENTROIDS = ["espeak", "flite"]


def run_head(name, X):
    s = ort.InferenceSession(str(OUTDIR / "grounded" / name / "head.onnx"),
                             providers=["CPUExecutionProvider"])
    H, O = [], []
    for x in X.astype(np.float32):
        h, o = s.run(None, {"x": x[None]})
        H.append(h[0])
        O.append(o[0])
    return np.array(H), np.array(O)


def retrieval(Q, wq, T, wt):
    """Mean query vector per word vs the candidates' target vectors (cosine)."""
    vocab, M, n = word_means(unit(Q), wq, list(wt))
    have = n > 0
    S = unit(M[have]) @ unit(T).T
    truth = np.array([list(wt).index(w) for w in np.array(vocab)[have]])
    rank = (S > S[np.arange(len(S)), truth][:, None]).sum(1)
    return {"top1": round(float(np.mean(rank == 0)), 4), "top5": round(float(np.mean(rank < 5)), 4),
            "mrr": round(float(np.mean(1 / (rank + 1))), 4), "n": int(have.sum()),
            "chance_top1": round(1 / len(wt), 4)}


def main():
    layer = chosen_layer()
    li = WHISPER_LAYERS.index(layer)
    info = json.loads((CACHE / "heads.json").read_text())
    held = info["heldout_words"]
    pics = read_pictures_tsv()
    sets = {f: load(f) for f in ["piper", "piper_aug", "fsdd"]}
    Xc, wc, _ = load_many(CENTROIDS)
    sets = {k: (v[0][:, li], v[1]) for k, v in sets.items()}
    Xc = Xc[:, li]
    enc = {f"backbone:{layer}": ({k: v[0] for k, v in sets.items()}, Xc)}
    for name in HEADS:
        outs = {k: run_head(name, v[0]) for k, v in sets.items()}
        hc, oc = run_head(name, Xc)
        enc[f"{name}:hidden"] = ({k: v[0] for k, v in outs.items()}, hc)
        enc[f"{name}:out"] = ({k: v[1] for k, v in outs.items()}, oc)
    trained_conc = semantic_groups(only=set(pics) - set(held))
    res = {}
    for e, (feats, C) in enc.items():
        r = {}
        for fam in ["piper", "piper_aug"]:
            X, w = feats[fam], sets[fam][1]
            r[fam] = {
                "semantic_silhouette_trained_concrete": round(silhouette(X, w, trained_conc), 4),
                "semantic_silhouette_all_concrete": round(silhouette(X, w, semantic_groups()), 4),
                "phonetic_silhouette": round(silhouette(X, w, phon_groups()), 4),
                "identity_top1_all_words": round(identity_top1(C, wc, X, w), 4),
            }
        Xf, wf = feats["fsdd"], sets["fsdd"][1]
        r["fsdd"] = {"identity_top1_digits": round(identity_top1(C, wc, Xf, wf, DIGITS), 4),
                     "identity_top1_all_words": round(identity_top1(C, wc, Xf, wf), 4)}
        if e.endswith(":out"):
            t = np.load(CACHE / f"targets_{e.split(':')[0]}.npz")
            tw, T = t["words"].astype(str), t["table"]
            sel = np.isin(tw, held)
            r["heldout_word_retrieval_piper"] = retrieval(feats["piper"], sets["piper"][1], T[sel], tw[sel])
        res[e] = r
        print(e, json.dumps(r), flush=True)
    out = {"layer": layer, "n_heldout_words": len(held),
           "n_trained_concrete_with_pictures": sum(len(v) for v in trained_conc.values()),
           "encoders": res}
    (CACHE / "results.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
