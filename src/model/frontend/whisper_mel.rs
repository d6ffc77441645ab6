//! Whisper's log-mel front end: 80 Slaney mel bins of the power spectrum (n_fft 400,
//! hop 160, periodic Hann, centred with reflect padding), log10, floored at the input's
//! maximum − 8, then (x + 4) / 4. Never padded to 30 s: the frames are the word's own.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

use super::Frames;

/// FFT size (25 ms at 16 kHz).
pub const N_FFT: usize = 400;
/// Hop between frames (10 ms).
pub const HOP: usize = 160;
const SAMPLE_RATE: f64 = 16_000.0;

/// Computes Whisper log-mel frames; keeps its FFT plan and buffers between calls.
#[derive(Clone)]
pub struct WhisperMel {
    n_mels: usize,
    filters: Vec<f32>,
    window: Vec<f32>,
    fft: Arc<dyn RealToComplex<f32>>,
    frame: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    power: Vec<f32>,
}

impl WhisperMel {
    /// A front end with `n_mels` bins.
    pub fn new(n_mels: usize) -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT);
        let window = (0..N_FFT)
            .map(|k| {
                (0.5 - 0.5 * (2.0 * std::f64::consts::PI * k as f64 / N_FFT as f64).cos()) as f32
            })
            .collect();
        Self {
            n_mels,
            filters: slaney_filterbank(n_mels, N_FFT, SAMPLE_RATE),
            window,
            frame: fft.make_input_vec(),
            spectrum: fft.make_output_vec(),
            power: vec![0.0; N_FFT / 2 + 1],
            fft,
        }
    }

    /// Mel bins per frame.
    pub fn n_mels(&self) -> usize {
        self.n_mels
    }

    /// The mel filterbank, row-major `[n_mels, n_fft/2 + 1]`.
    pub fn filters(&self) -> &[f32] {
        &self.filters
    }

    /// Log-mel frames of 16 kHz `audio`: `audio.len() / 160` frames (none for less than
    /// one hop), row-major `[frames, n_mels]`.
    pub fn compute(&mut self, audio: &[f32]) -> Frames {
        let n_frames = audio.len() / HOP;
        let bins = N_FFT / 2 + 1;
        let mut data = vec![0.0f32; n_frames * self.n_mels];
        let pad = (N_FFT / 2) as isize;
        let n = audio.len() as isize;
        for t in 0..n_frames {
            for (k, slot) in self.frame.iter_mut().enumerate() {
                let i = (t * HOP) as isize + k as isize - pad;
                *slot = audio[reflect(i, n)] * self.window[k];
            }
            // Sizes are fixed by the plan, so this cannot fail.
            let _ = self.fft.process(&mut self.frame, &mut self.spectrum);
            for (p, c) in self.power.iter_mut().zip(&self.spectrum) {
                *p = c.norm_sqr();
            }
            let row = &mut data[t * self.n_mels..(t + 1) * self.n_mels];
            for (m, out) in row.iter_mut().enumerate() {
                let filt = &self.filters[m * bins..(m + 1) * bins];
                let e: f32 = filt.iter().zip(&self.power).map(|(f, p)| f * p).sum();
                *out = e.max(1e-10).log10();
            }
        }
        let max = data.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        for x in &mut data {
            *x = (x.max(max - 8.0) + 4.0) / 4.0;
        }
        Frames {
            data,
            bins: self.n_mels,
        }
    }
}

/// Index into a signal of length `n` with reflect padding (edge sample not repeated).
fn reflect(i: isize, n: isize) -> usize {
    if n == 1 {
        return 0;
    }
    let period = 2 * (n - 1);
    let mut j = i.rem_euclid(period);
    if j >= n {
        j = period - j;
    }
    j as usize
}

fn hz_to_mel(f: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let logstep = (6.4f64).ln() / 27.0;
    if f >= min_log_hz {
        min_log_hz / f_sp + (f / min_log_hz).ln() / logstep
    } else {
        f / f_sp
    }
}

fn mel_to_hz(m: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let min_log_hz = 1000.0;
    let min_log_mel = min_log_hz / f_sp;
    let logstep = (6.4f64).ln() / 27.0;
    if m >= min_log_mel {
        min_log_hz * (logstep * (m - min_log_mel)).exp()
    } else {
        f_sp * m
    }
}

/// Slaney-scale, Slaney-normalised triangular filters from 0 Hz to Nyquist (librosa's
/// `filters.mel(sr, n_fft, n_mels)` defaults), row-major `[n_mels, n_fft/2 + 1]`.
pub fn slaney_filterbank(n_mels: usize, n_fft: usize, sr: f64) -> Vec<f32> {
    let bins = n_fft / 2 + 1;
    let fft_freqs: Vec<f64> = (0..bins).map(|i| i as f64 * sr / n_fft as f64).collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sr / 2.0));
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut w = vec![0.0f32; n_mels * bins];
    for m in 0..n_mels {
        let (left, centre, right) = (mel_f[m], mel_f[m + 1], mel_f[m + 2]);
        let norm = 2.0 / (right - left);
        for (b, &f) in fft_freqs.iter().enumerate() {
            let lower = (f - left) / (centre - left);
            let upper = (right - f) / (right - centre);
            w[m * bins + b] = (lower.min(upper).max(0.0) * norm) as f32;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflect_padding_does_not_repeat_the_edge() {
        let idx: Vec<usize> = (-3..8).map(|i| reflect(i, 5)).collect();
        assert_eq!(idx, vec![3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1]);
    }

    #[test]
    fn one_frame_per_hop_and_floor_eight_below_the_peak() {
        let audio: Vec<f32> = (0..16_000)
            .map(|i| (i as f32 * 0.05).sin() * if i > 8000 { 1e-6 } else { 0.5 })
            .collect();
        let mel = WhisperMel::new(80).compute(&audio);
        assert_eq!(mel.len(), 100);
        let max = mel.data.iter().copied().fold(f32::MIN, f32::max);
        let min = mel.data.iter().copied().fold(f32::MAX, f32::min);
        assert!(
            (max - min - 2.0).abs() < 1e-5,
            "range {min}..{max} should span exactly 8/4"
        );
    }
}
