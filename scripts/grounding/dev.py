"""Development check used to set the head recipe WITHOUT touching the held-out voices: train on
the training families minus a dev slice (flite 'slt' and espeak-ng 'en-029', clean and augmented)
and score the dev slice. Not part of run.sh; prints numbers only."""
import sys

import numpy as np
import torch

import heads
from common import split
from data import TRAIN_FAMILIES, WHISPER_LAYERS, load_many, semantic_groups, silhouette


def is_dev(v):
    return v.startswith("flite:slt") or v.startswith("espeak:en-029")


def main():
    torch.set_num_threads(1)
    only = None
    for kv in sys.argv[1:]:
        k, v = kv.split("=")
        if k == "only":
            only = v.split(",")
            continue
        heads.HP[k] = type(heads.HP[k])(v)
    li = WHISPER_LAYERS.index(heads.chosen_layer())
    sp = split()
    tr = sorted(sp["train_words"])
    words_all = np.array(sorted(sp["train_words"] + sp["heldout_words"]))
    X, w, v = load_many(TRAIN_FAMILIES)
    X = X[:, li].astype(np.float32)
    dev = np.array([is_dev(x) for x in v])
    keep = ~dev & np.isin(w, tr)
    y = np.array([tr.index(x) for x in w[keep]], dtype=np.int64)
    conc = semantic_groups(only=set(tr))
    print("backbone dev sem", round(silhouette(X[dev], w[dev], conc), 4))
    for name, kind in heads.HEADS.items():
        if only and name.split("-")[1] not in only:
            continue
        model, _ = heads.train_one(name, kind, X[keep], y, tr, words_all)
        with torch.no_grad():
            _, o = model(torch.from_numpy(X[dev]))
        print(name, "dev sem", round(silhouette(o.numpy(), w[dev], conc), 4), heads.HP, flush=True)


if __name__ == "__main__":
    main()
