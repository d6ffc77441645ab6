"""Deterministic test audio for the front-end and encoder fixtures."""

from __future__ import annotations

import os
import subprocess
import tempfile
import wave

import numpy as np
from scipy.signal import resample_poly

SAMPLE_RATE = 16000

AUDIO_A_SECONDS = 0.73
AUDIO_A_SEED = 20240612
ESPEAK_WORD = "window"


def make_audio_a() -> np.ndarray:
    """0.73 s (11680 samples) of tones + a chirp + white noise, seeded.

    Everything is a closed-form function of the sample index except the
    noise, which comes from numpy's PCG64 generator with a fixed seed.
    """
    n = int(round(AUDIO_A_SECONDS * SAMPLE_RATE))
    t = np.arange(n) / SAMPLE_RATE
    rng = np.random.default_rng(AUDIO_A_SEED)
    x = (
        0.30 * np.sin(2 * np.pi * 220.0 * t)
        + 0.20 * np.sin(2 * np.pi * 1000.0 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t))
        + 0.10 * np.sin(2 * np.pi * 3150.0 * t) * np.clip(t / 0.3, 0.0, 1.0)
        # linear chirp 300 Hz -> 4000 Hz over the clip
        + 0.10 * np.sin(2 * np.pi * (300.0 * t + 0.5 * (3700.0 / AUDIO_A_SECONDS) * t**2))
        + 0.02 * rng.standard_normal(n)
    )
    return x.astype(np.float32)


def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def make_audio_b(word: str = ESPEAK_WORD) -> np.ndarray:
    """espeak-ng's default voice saying `word`, resampled 22050 -> 16000 Hz.

    `espeak-ng -w` writes 16-bit mono at 22050 Hz; samples are scaled by
    1/32768 and resampled with scipy's resample_poly (up 320, down 441,
    its default Kaiser-windowed FIR).  The exact samples depend on
    the espeak-ng version, which is why the fixture stores them.
    """
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "word.wav")
        subprocess.run(["espeak-ng", "-w", path, word], check=True)
        with wave.open(path, "rb") as w:
            assert w.getnchannels() == 1 and w.getsampwidth() == 2, "expected 16-bit mono"
            sr = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    x = pcm.astype(np.float64) / 32768.0
    if sr != SAMPLE_RATE:
        g = np.gcd(sr, SAMPLE_RATE)
        x = resample_poly(x, SAMPLE_RATE // g, sr // g)
    return x.astype(np.float32)
