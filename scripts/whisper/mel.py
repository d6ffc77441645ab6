"""Reference implementation of Whisper's log-mel front end, in plain numpy.

This is the specification the Rust front end is tested against (fixtures
mel_a.npy / mel_b.npy).  It computes exactly what openai-whisper's
`log_mel_spectrogram(audio, n_mels=80, padding=0)` computes, i.e. on the
samples as given, WITHOUT padding them to 30 s:

  1. window: periodic Hann of length N_FFT = 400,
         w[n] = 0.5 - 0.5 * cos(2*pi*n / 400),  n = 0..399
  2. framing as torch.stft(center=True, pad_mode="reflect"): the signal is
     reflect-padded by N_FFT//2 = 200 samples on each side (numpy "reflect",
     i.e. the edge sample is not repeated) and frame t covers padded samples
     [160*t, 160*t + 400).  That gives 1 + len//160 frames; like Whisper we
     DROP THE LAST ONE, leaving n_frames = len(audio) // 160.
  3. power spectrum |rfft(frame * w)|^2, 201 bins (0..8000 Hz in 40 Hz steps)
  4. mel: the 80 x 201 Slaney-style filterbank (Slaney mel scale, "slaney"
     area normalisation), identical to librosa.filters.mel(sr=16000,
     n_fft=400, n_mels=80) and to the "mel_80" matrix in whisper's
     assets/mel_filters.npz
  5. log10(max(mel, 1e-10))
  6. floor at (maximum over this whole input) - 8.0
  7. (x + 4.0) / 4.0

Result: float array [80, n_frames].  Computed in float64 and returned as
float32.  Requires len(audio) > 200 (reflect padding needs it) - in practice
use at least one hop (160 samples) more than that.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
N_MELS = 80


def hann_periodic(n: int = N_FFT) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)


def _hz_to_mel_slaney(f: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz (3 mels per 200 Hz), log above."""
    f = np.asarray(f, dtype=np.float64)
    f_sp = 200.0 / 3.0
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp  # 15
    logstep = np.log(6.4) / 27.0
    lin = f / f_sp
    log = min_log_mel + np.log(np.maximum(f, min_log_hz) / min_log_hz) / logstep
    return np.where(f >= min_log_hz, log, lin)


def _mel_to_hz_slaney(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f_sp = 200.0 / 3.0
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    lin = f_sp * m
    log = min_log_hz * np.exp(logstep * (m - min_log_mel))
    return np.where(m >= min_log_mel, log, lin)


def mel_filterbank(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """[n_mels, n_fft//2 + 1] triangular filters, Slaney scale and normalisation.

    n_mels + 2 points equally spaced on the mel scale from 0 Hz to sr/2 give
    the filters' left edge, centre and right edge; each triangle is scaled by
    2 / (right edge Hz - left edge Hz) so every filter has unit area.
    """
    fft_hz = np.linspace(0.0, sr / 2.0, n_fft // 2 + 1)
    edges_hz = _mel_to_hz_slaney(
        np.linspace(_hz_to_mel_slaney(0.0), _hz_to_mel_slaney(sr / 2.0), n_mels + 2)
    )
    widths = np.diff(edges_hz)
    fb = np.zeros((n_mels, fft_hz.size))
    for i in range(n_mels):
        rising = (fft_hz - edges_hz[i]) / widths[i]
        falling = (edges_hz[i + 2] - fft_hz) / widths[i + 1]
        fb[i] = np.maximum(0.0, np.minimum(rising, falling))
    fb *= (2.0 / (edges_hz[2:] - edges_hz[:-2]))[:, None]
    return fb


def log_mel(audio: np.ndarray) -> np.ndarray:
    """Whisper log-mel of `audio` (16 kHz mono samples), no 30 s padding."""
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim != 1 or x.size <= N_FFT // 2:
        raise ValueError("need 1-d audio longer than 200 samples")
    n_frames = x.size // HOP
    padded = np.pad(x, N_FFT // 2, mode="reflect")
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    frames = padded[idx] * hann_periodic()[None, :]  # [n_frames, 400]
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2  # [n_frames, 201]
    mel = mel_filterbank() @ power.T  # [80, n_frames]
    logm = np.log10(np.maximum(mel, 1e-10))
    logm = np.maximum(logm, logm.max() - 8.0)
    return ((logm + 4.0) / 4.0).astype(np.float32)
