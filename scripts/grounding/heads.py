"""Three heads on the chosen (frozen) backbone layer, identical recipe and data, different
targets: grounded (EfficientNet-Lite0 picture vectors), textctl (MiniLM sentence vectors),
randctl (fixed seeded random vectors). Each target table is centred on the training words,
reduced to D dimensions by PCA fitted on the training words and L2-normalised (random: drawn
in D dimensions). Loss: InfoNCE over the training words' targets + cosine regression.
Exports models/grounded/<name>/head.onnx (input x [1,384] -> hidden [1,H], out [1,D])."""
import json

import numpy as np
import onnxruntime as ort
import torch
from torch import nn

from common import CACHE, OUTDIR, SEED, rng, split
from data import TRAIN_FAMILIES, WHISPER_LAYERS, load_many, unit

HP = {"hidden": 256, "out_dim": 128, "epochs": 40, "batch": 256, "lr": 2e-3,
      "weight_decay": 1e-2, "input_dropout": 0.2, "temperature": 0.3, "cos_weight": 3.0}
HEADS = {"whisper-grounded": "pictures", "whisper-textctl": "minilm", "whisper-randctl": "random"}


def chosen_layer():
    c = json.loads((CACHE / "backbone_choice.json").read_text())["chosen"]
    assert c["candidate"] == "whisper-tiny-en", "heads are built for the Whisper backbone"
    return c["layer"]


def targets(kind, words_train, words_all):
    """[len(words_all), D] unit targets, fitted on words_train only."""
    D = HP["out_dim"]
    if kind == "random":
        T = rng("random-targets").standard_normal((len(words_all), D))
        return unit(T).astype(np.float32)
    src = np.load(CACHE / ("pictures.npz" if kind == "pictures" else "minilm_targets.npz"))
    table = dict(zip(src["words"].astype(str), src["table"]))
    A = np.stack([table[w] for w in words_all]).astype(np.float64)
    tr = np.isin(words_all, words_train)
    mu = A[tr].mean(0)
    _, _, Vt = np.linalg.svd(A[tr] - mu, full_matrices=False)
    return unit((A - mu) @ Vt[:D].T).astype(np.float32)


class Head(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32))
        self.drop = nn.Dropout(HP["input_dropout"])
        self.fc1 = nn.Linear(len(mean), HP["hidden"])
        self.act = nn.GELU()
        self.fc2 = nn.Linear(HP["hidden"], HP["out_dim"])

    def forward(self, x):
        h = self.act(self.fc1(self.drop((x - self.mean) / self.std)))
        return h, self.fc2(h)


def train_one(name, kind, X, y, words_train, words_all):
    T_all = targets(kind, words_train, words_all)
    T = torch.from_numpy(T_all[np.isin(words_all, words_train)])
    torch.manual_seed(SEED)
    model = Head(X.mean(0), X.std(0) + 1e-6)
    opt = torch.optim.AdamW(model.parameters(), lr=HP["lr"], weight_decay=HP["weight_decay"])
    steps = HP["epochs"] * int(np.ceil(len(X) / HP["batch"]))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=HP["lr"], total_steps=steps)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    g = torch.Generator().manual_seed(SEED)
    for ep in range(HP["epochs"]):
        model.train()
        perm = torch.randperm(len(X), generator=g)
        tot = 0.0
        for i in range(0, len(X), HP["batch"]):
            b = perm[i:i + HP["batch"]]
            _, out = model(Xt[b])
            o = nn.functional.normalize(out, dim=1)
            logits = o @ T.T / HP["temperature"]
            loss = nn.functional.cross_entropy(logits, yt[b]) + \
                HP["cos_weight"] * (1 - (o * T[yt[b]]).sum(1)).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(b)
        if ep % 10 == 9 or ep == HP["epochs"] - 1:
            print(f"  {name} epoch {ep + 1}: loss {tot / len(X):.3f}", flush=True)
    model.eval()
    return model, T_all


def export(model, name):
    d = OUTDIR / "grounded" / name
    d.mkdir(parents=True, exist_ok=True)
    path = d / "head.onnx"
    x = torch.zeros(1, len(model.mean))
    torch.onnx.export(model, (x,), str(path), input_names=["x"], output_names=["hidden", "out"],
                      opset_version=17, dynamo=False)
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    probe = torch.randn(4, len(model.mean), generator=torch.Generator().manual_seed(1)) * 0.3
    for p in probe:
        h, o = s.run(None, {"x": p[None].numpy()})
        with torch.no_grad():
            th, to = model(p[None])
        assert np.abs(o - to.numpy()).max() < 1e-4 and np.abs(h - th.numpy()).max() < 1e-4
    return path


def main():
    torch.set_num_threads(1)
    layer = chosen_layer()
    li = WHISPER_LAYERS.index(layer)
    sp = split()
    words_train = sp["train_words"]
    words_all = np.array(sorted(sp["train_words"] + sp["heldout_words"]))
    X, w, _ = load_many(TRAIN_FAMILIES)
    keep = np.isin(w, words_train)
    X, w = X[keep, li].astype(np.float32), w[keep]
    tr_sorted = sorted(words_train)
    y = np.array([tr_sorted.index(x) for x in w], dtype=np.int64)
    print(f"layer {layer}: {len(X)} training clips, {len(words_train)} words", flush=True)
    info = {"layer": layer, "hp": HP, "train_clips": int(len(X)), "train_words": len(words_train),
            "heldout_words": sp["heldout_words"]}
    for name, kind in HEADS.items():
        model, T_all = train_one(name, kind, X, y, tr_sorted, words_all)
        export(model, name)
        np.savez(CACHE / f"targets_{name}.npz", words=words_all, table=T_all)
    (CACHE / "heads.json").write_text(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
