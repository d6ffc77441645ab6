"""Python-side measurement of the recogniser on FSDD (the Rust test
tests/recogniser.rs repeats it in the engine): each whole one-word recording,
resampled 8 -> 16 kHz (scipy resample_poly), Whisper log-mel (mel.py), encoder.onnx
(layer4_ln, unpadded), then the rules of decoder_reference.py on
models/whisper-tiny-en-decoder in onnxruntime (token lookup and projection in numpy on
embedding.f16).

    /work/venvs/whisper/bin/python scripts/whisper/decoder_eval.py [--limit N]

Prints open-vocabulary accuracy (normalised heard text == the digit word), snapped
accuracy (best score among the ten digit words), and how often each stop fired.
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import re
import sys
import time
import wave

import numpy as np
from scipy.signal import resample_poly

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import decoder_reference as ref  # noqa: E402
from convert import ort_session  # noqa: E402
from mel import log_mel  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def normalise(text: str) -> str:
    """As src/model/recogniser/text.rs `normalise`."""
    words = re.sub(r"[^\w']|_", " ", text.lower()).split()
    words = [w.strip("'") for w in words if w.strip("'")]
    return " ".join(ref.DIGITS[int(w)] if len(w) == 1 and w.isdigit() else w for w in words)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fsdd", default=os.path.join(ROOT, "..", "shared", "data", "fsdd", "recordings"))
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    import tokenizers

    dec_dir = os.path.join(ROOT, "models", "whisper-tiny-en-decoder")
    enc = ort_session(os.path.join(ROOT, "models", "whisper-tiny-en", "encoder.onnx"))
    cross = ort_session(os.path.join(dec_dir, "cross.onnx"))
    body = ort_session(os.path.join(dec_dir, "decoder.onnx"))
    tok = tokenizers.Tokenizer.from_file(os.path.join(dec_dir, "tokenizer.json"))
    import tomllib
    spec = tomllib.load(open(os.path.join(dec_dir, "manifest.toml"), "rb"))["recogniser"]
    prompt = [tok.token_to_id(t) for t in spec["prompt"]]
    eot = tok.token_to_id(spec["end"])
    # The token lookup and the output projection, on the float16 embedding (as in Rust).
    e = np.fromfile(os.path.join(dec_dir, spec["embedding"]), "<f2").reshape(
        spec["embedding_shape"]).astype(np.float32)
    vocab = [tok.id_to_token(i) or "" for i in range(eot + 1)]
    boundary = ref.boundary_mask(vocab, eot, 51864)
    digit_forms = [[tok.encode(f, add_special_tokens=False).ids for f in ref.forms(w)]
                   for w in ref.DIGITS]

    files = sorted(glob.glob(os.path.join(args.fsdd, "*.wav")))
    if args.limit:
        files = files[:: max(1, len(files) // args.limit)][: args.limit]
    stops, open_ok, snap_ok, wrong = collections.Counter(), 0, 0, []
    t0 = time.time()
    for path in files:
        digit = int(os.path.basename(path).split("_")[0])
        with wave.open(path) as w:
            x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64) / 32768
            sr = w.getframerate()
        x = resample_poly(x, 16000 // np.gcd(sr, 16000), sr // np.gcd(sr, 16000)).astype(np.float32)
        mel = log_mel(x)
        mel = mel[:, : mel.shape[1] // 2 * 2][None].astype(np.float32)
        frames = enc.run(["layer4_ln"], {"mel": mel})[0]
        kv = cross.run(None, {"enc": frames})[0]
        cache: dict = {}

        def logits(prefixes):
            key = tuple(prefixes[0])
            if len(prefixes) == 1 and key in cache:
                return cache[key][None]
            embeds = e[np.array(prefixes, np.int64)]
            out = body.run(None, {"embeds": embeds, "cross_kv": kv})[0][:, -1, :] @ e.T
            for p, row in zip(prefixes, out):
                cache[tuple(p)] = row
            return out

        g = ref.greedy(logits, prompt, eot, set(spec["suppress"]), set(spec["suppress_at_start"]),
                       spec["max_tokens"])
        text = tok.decode(g["tokens"], skip_special_tokens=True)
        stops[g["stop"]] += 1
        heard = normalise(text)
        open_ok += heard == ref.DIGITS[digit]
        scores = [ref.score(logits, prompt, f, boundary) for f in digit_forms]
        best = int(np.argmax(scores))
        snap_ok += best == digit
        if heard != ref.DIGITS[digit] or best != digit:
            wrong.append((os.path.basename(path), text, ref.DIGITS[best]))
    n = len(files)
    print(json.dumps({"files": n, "open": open_ok / n, "snapped": snap_ok / n,
                      "stops": dict(stops), "seconds": round(time.time() - t0, 1)}))
    for w in wrong[:40]:
        print("  ", w)


if __name__ == "__main__":
    main()
