"""Backbone features of every clip, mean-pooled over the clip's frames (onnxruntime, 1 thread).

whisper: models/whisper-tiny-en/encoder.onnx on the clip's own log-mel (no 30 s padding);
         all six outputs (embed, layer1..4, layer4_ln) -> [N, 6, 384]
se:      speech_embedding (models/speech-embedding): mel x/10+2, 76-frame windows every
         8 frames (clip zero-padded to one window if shorter), 96-d -> [N, 96]
Writes CACHE/features/<family>.<backbone>.npy and records seconds per clip.
"""
import json
import sys
import time

import numpy as np
import onnxruntime as ort

from common import CACHE, REPO, SE_EMB_ONNX, SE_MEL_ONNX, WHISPER_ONNX

sys.path.insert(0, str(REPO / "scripts/whisper"))
from mel import log_mel  # noqa: E402  the project's reference Whisper front end

WHISPER_LAYERS = ["embed", "layer1", "layer2", "layer3", "layer4", "layer4_ln"]


def session(path):
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    o.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), o, providers=["CPUExecutionProvider"])


class Whisper:
    name = "whisper"

    def __init__(self):
        self.s = session(WHISPER_ONNX)

    def __call__(self, x):
        m = log_mel(x)
        m = m[:, : m.shape[1] // 2 * 2]
        outs = self.s.run(WHISPER_LAYERS, {"mel": m[None]})
        return np.stack([o[0].mean(0) for o in outs])


class SpeechEmbedding:
    name = "se"

    def __init__(self):
        self.mel = session(SE_MEL_ONNX)
        self.emb = session(SE_EMB_ONNX)

    def __call__(self, x):
        need = 76 * 160 + 480
        if len(x) < need:
            pad = need - len(x)
            x = np.pad(x, (pad // 2, pad - pad // 2))
        m = self.mel.run(None, {"input": (x * 32767).astype(np.float32)[None]})[0]
        m = m[0, 0] / 10 + 2  # [frames, 32]
        starts = range(0, max(1, m.shape[0] - 76 + 1), 8)
        win = np.stack([m[s:s + 76] for s in starts])[..., None].astype(np.float32)
        return self.emb.run(None, {"input_1": win})[0].reshape(len(win), 96).mean(0)


def load_speech(fam):
    d = np.load(CACHE / "speech" / f"{fam}.npz")
    a, off = d["audio"], d["offsets"]
    clips = [a[off[i]:off[i + 1]].astype(np.float32) / 32767 for i in range(len(off) - 1)]
    return clips, d["words"].tolist(), d["voices"].tolist()


def run(fam, enc):
    clips, _, _ = load_speech(fam)
    t0 = time.process_time()
    feats = np.stack([enc(x) for x in clips]).astype(np.float32)
    cost = (time.process_time() - t0) / len(clips)
    (CACHE / "features").mkdir(parents=True, exist_ok=True)
    np.save(CACHE / "features" / f"{fam}.{enc.name}.npy", feats)
    secs = sum(len(c) for c in clips) / 16000 / len(clips)
    costs_path = CACHE / "features" / "cost.json"
    costs = json.loads(costs_path.read_text()) if costs_path.exists() else {}
    costs[f"{fam}.{enc.name}"] = {"cpu_ms_per_clip": round(1000 * cost, 2),
                                  "mean_clip_s": round(secs, 3), "clips": len(clips)}
    costs_path.write_text(json.dumps(costs, indent=1))
    print(f"{fam}.{enc.name}: {feats.shape} {1000 * cost:.1f} ms/clip", flush=True)


def main(args):
    # args like espeak:whisper,se flite:whisper
    for a in args:
        fam, encs = a.split(":")
        for e in encs.split(","):
            run(fam, {"whisper": Whisper, "se": SpeechEmbedding}[e]())


if __name__ == "__main__":
    main(sys.argv[1:])
