"""The offline path in plain Python, for `groundprobe run`'s speed to be compared with
(issue 25): onnxruntime (one thread) + numpy + scikit-learn doing what
`groundprobe run --json --encoders speech-embedding --text none` does with a folder of
one-word WAV files labelled by name (`<word>_<voice>_<n>.wav`, the paper's lexicon):

1. read each file and resample it to 16 kHz (scipy's polyphase resampler);
2. Silero VAD on 512-sample frames with the engine's input gain (loudest frame RMS of the
   last 512 ms brought to 0.1, at most x8, rising at most 24 dB/s, the recurrent state
   cleared after 1,024 ms below 0.1) and its hysteresis segmenter (onset 0.5, offset 0.35,
   150 ms hangover, 120 ms shortest word, peak >= 0.6, 160/96 ms padding);
3. every word through speech_embedding (mel model, windows of 76 frames every 8, the
   six tapped layers mean-pooled): scripts/fixtures/speech_embedding.py, which made the
   encoder's test fixtures;
4. per word, its 5 nearest earlier words by cosine at the output layer (the engine's
   incremental neighbours); at the end, per layer, cosine silhouettes over the semantic
   categories and phonetic groups (sklearn.metrics.silhouette_score) and over the words.

It writes one JSON line per word and a summary, like `run --json`, so the word counts
can be checked against groundprobe's. Timing: `time python3 reference.py DIR > out.jsonl`
(scripts/bench/compare.sh runs both).
"""
import argparse
import json
import pathlib
import sys
import wave

import numpy as np
import onnxruntime as ort
from scipy.signal import resample_poly
from sklearn.metrics import silhouette_score

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
sys.path.insert(0, str(ROOT / "scripts" / "fixtures"))
from speech_embedding import SpeechEmbedding  # noqa: E402  (the fixtures' reference)
RATE = 16000
FRAME, CONTEXT = 512, 64
ONSET, OFFSET, HANGOVER_MS, MIN_WORD_MS, MAX_WORD_MS = 0.5, 0.35, 150, 120, 2000
PRE_PAD_MS, POST_PAD_MS, CONFIRM = 160, 96, 0.6
MAX_GAIN, TARGET_RMS, MEMORY_MS, RISE_DB_S, RESET_MS = 8.0, 0.1, 512, 24.0, 1024


def one_thread():
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    return opts


def read(path):
    with wave.open(str(path)) as w:
        rate, ch, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise SystemExit(f"{path}: only 16-bit PCM is read here")
    x = np.frombuffer(raw, np.int16).astype(np.float32).reshape(-1, ch).mean(axis=1) / 32768
    if rate != RATE:
        g = np.gcd(rate, RATE)
        x = resample_poly(x, RATE // g, rate // g).astype(np.float32)
    return x


def frames_of(ms):
    return -(-(ms * RATE // 1000) // FRAME)


def vad_probs(vad, x):
    """Speech probability per frame, with the engine's gain and state reset."""
    n = len(x) // FRAME + (len(x) % FRAME > 0)
    x = np.concatenate([x, np.zeros(n * FRAME - len(x), np.float32)])
    state = np.zeros((2, 1, 128), np.float32)
    inp = np.zeros(CONTEXT + FRAME, np.float32)
    levels = np.zeros(frames_of(MEMORY_MS), np.float32)
    rise = 10 ** (RISE_DB_S * FRAME / RATE / 20)
    gain, quiet, out = MAX_GAIN, 0, []
    for i in range(n):
        f = x[i * FRAME : (i + 1) * FRAME]
        levels[i % len(levels)] = np.sqrt(np.mean(f * f))
        wanted = min(max(TARGET_RMS / max(levels.max(), 1e-6), 1.0), MAX_GAIN)
        gain = min(wanted, gain * rise)
        inp[:CONTEXT] = inp[FRAME:]
        inp[CONTEXT:] = f * gain
        p, state = vad.run(None, {"input": inp[None, :], "state": state})[:2]
        p = float(p.reshape(-1)[0])
        quiet = quiet + 1 if p < 0.1 else 0
        if quiet >= frames_of(RESET_MS):
            state, quiet = np.zeros_like(state), 0
        out.append(p)
    return out


def segments(probs):
    """The engine's hysteresis segmenter: (start, end) samples of each word."""
    words, first = [], None
    ms = lambda v: v * RATE // 1000

    def close(first, last, truncated):
        if (last + 1 - first) * FRAME * 1000 // RATE < MIN_WORD_MS:
            return
        end = (last + 1) * FRAME + (0 if truncated else ms(POST_PAD_MS))
        words.append((max(first * FRAME - ms(PRE_PAD_MS), 0), end))

    for i, p in enumerate(probs):
        if first is None:
            if p >= ONSET:
                first, last, peak = i, i, p
            continue
        last = i if p >= OFFSET else last
        peak = max(peak, p)
        if i + 1 - first >= frames_of(MAX_WORD_MS):
            close(first, i, True)
            first = None
        elif i - last >= frames_of(HANGOVER_MS):
            if peak >= CONFIRM:
                close(first, last, False)
            first = None
    if first is not None:
        close(first, last, False)
    return words


def lexicon():
    words = {}
    for line in (MODELS / "lexicon" / "paper.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            word, category, group = line.split("\t")[:3]
            words[word] = (None if category == "-" else category, None if group == "-" else group)
    return words


def silhouette(vectors, labels):
    keep = [i for i, l in enumerate(labels) if l is not None]
    kinds = {labels[i] for i in keep}
    if len(kinds) < 2 or len(kinds) >= len(keep):
        return None
    return float(silhouette_score(vectors[keep], [labels[i] for i in keep], metric="cosine"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=pathlib.Path)
    args = ap.parse_args()
    lex = lexicon()
    vad_file = MODELS / "silero-vad" / "silero_vad_openvino_16k.onnx"
    vad = ort.InferenceSession(str(vad_file), one_thread(), providers=["CPUExecutionProvider"])
    enc = SpeechEmbedding(one_thread())
    bank, labels, out = [], [], sys.stdout
    for path in sorted(p for p in args.dir.rglob("*") if p.suffix.lower() == ".wav"):
        label = path.name.split("_")[0]
        label = label if label in lex else None
        x = read(path)
        for start, end in segments(vad_probs(vad, x)):
            vectors = list(enc.encode(x[start:end])[1].values())
            bank.append(vectors)
            labels.append(label)
            query = vectors[-1] / (np.linalg.norm(vectors[-1]) or 1)
            earlier = np.array([b[-1] for b in bank[:-1]]).reshape(len(bank) - 1, query.size)
            sims = earlier @ query / np.maximum(np.linalg.norm(earlier, axis=1), 1e-12)
            top = np.argsort(-sims)[:5]
            neighbours = [{"index": int(j), "label": labels[j], "similarity": float(sims[j])} for j in top]
            line = {"type": "word", "index": len(bank) - 1, "file": str(path), "start": start / RATE,
                    "end": end / RATE, "label": label, "neighbours": neighbours}
            out.write(json.dumps(line) + "\n")
    metrics = {}
    for l, layer in enumerate(enc.layers):
        v = np.array([b[l] for b in bank])
        metrics[layer["name"]] = {
            "silhouette_semantic": silhouette(v, [lex[w][0] if w else None for w in labels]),
            "silhouette_phonetic": silhouette(v, [lex[w][1] if w else None for w in labels]),
            "silhouette_word": silhouette(v, labels),
        }
    out.write(json.dumps({"type": "summary", "words": len(bank), "metrics": metrics}) + "\n")


if __name__ == "__main__":
    main()
