//! Streaming resampling to the engine rate with rubato's synchronous FFT resampler.
//!
//! Chunks of any size go in; output comes out as soon as a full resampler chunk is
//! available. [`StreamResampler::finish`] flushes the tail so that the total output
//! length is `ceil(input_len × ratio)` and the resampler's delay is trimmed: output sample
//! `k` corresponds to input time `k / out_rate`.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

use crate::error::{Error, Result};

/// Input frames per resampler call.
const CHUNK: usize = 1024;

/// Converts a mono stream from one rate to another; passes samples through when equal.
pub struct StreamResampler {
    from_hz: u32,
    to_hz: u32,
    inner: Option<Fft<f32>>,
    pending: Vec<f32>,
    scratch: Vec<f32>,
    delay_left: usize,
    consumed: u64,
    produced: u64,
}

impl StreamResampler {
    /// A resampler from `from_hz` to `to_hz`.
    ///
    /// # Errors
    /// [`Error::Resample`] if rubato rejects the rates.
    pub fn new(from_hz: u32, to_hz: u32) -> Result<Self> {
        let err = |reason: String| Error::Resample {
            from_hz,
            to_hz,
            reason,
        };
        let inner = if from_hz == to_hz {
            None
        } else {
            let fft = Fft::<f32>::new(from_hz as usize, to_hz as usize, CHUNK, 1, FixedSync::Input)
                .map_err(|e| err(e.to_string()))?;
            Some(fft)
        };
        let delay_left = inner.as_ref().map_or(0, |r| r.output_delay());
        let scratch = vec![0.0; inner.as_ref().map_or(0, |r| r.output_frames_max())];
        Ok(Self {
            from_hz,
            to_hz,
            inner,
            pending: Vec::with_capacity(CHUNK * 2),
            scratch,
            delay_left,
            consumed: 0,
            produced: 0,
        })
    }

    /// Input rate in Hz.
    pub fn from_hz(&self) -> u32 {
        self.from_hz
    }

    /// Feeds `input` and appends whatever output is ready to `out`.
    ///
    /// # Errors
    /// [`Error::Resample`] if rubato fails (it does not for valid buffers).
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<()> {
        self.consumed += input.len() as u64;
        if self.inner.is_none() {
            out.extend_from_slice(input);
            self.produced += input.len() as u64;
            return Ok(());
        }
        self.pending.extend_from_slice(input);
        while self.pending.len() >= CHUNK {
            self.run_chunk(CHUNK, out)?;
            self.pending.drain(..CHUNK);
        }
        Ok(())
    }

    /// Flushes the tail: pads with silence until all input has been converted.
    ///
    /// # Errors
    /// [`Error::Resample`] if rubato fails.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<()> {
        if self.inner.is_none() {
            return Ok(());
        }
        let ratio = self.to_hz as f64 / self.from_hz as f64;
        let target = (self.consumed as f64 * ratio).ceil() as u64;
        while self.produced < target {
            let n = self.pending.len();
            self.pending.resize(CHUNK, 0.0);
            let before = out.len();
            self.run_chunk(n.min(CHUNK), out)?;
            self.pending.clear();
            let over = (self.produced.saturating_sub(target)) as usize;
            out.truncate(out.len() - over.min(out.len() - before));
            self.produced -= over as u64;
        }
        Ok(())
    }

    fn run_chunk(&mut self, valid: usize, out: &mut Vec<f32>) -> Result<()> {
        let (from_hz, to_hz) = (self.from_hz, self.to_hz);
        let err = |reason: String| Error::Resample {
            from_hz,
            to_hz,
            reason,
        };
        let Some(inner) = self.inner.as_mut() else {
            return Ok(());
        };
        let input = InterleavedSlice::new(&self.pending[..CHUNK], 1, CHUNK)
            .map_err(|e| err(e.to_string()))?;
        let frames = self.scratch.len();
        let mut output = InterleavedSlice::new_mut(&mut self.scratch[..], 1, frames)
            .map_err(|e| err(e.to_string()))?;
        let indexing = Indexing {
            input_offset: 0,
            output_offset: 0,
            partial_len: Some(valid),
            active_channels_mask: None,
        };
        let (_, written) = inner
            .process_into_buffer(&input, &mut output, Some(&indexing))
            .map_err(|e| err(e.to_string()))?;
        let skip = self.delay_left.min(written);
        self.delay_left -= skip;
        out.extend_from_slice(&self.scratch[skip..written]);
        self.produced += (written - skip) as u64;
        Ok(())
    }
}

/// Resamples a whole clip in one go (convenience for files and tests).
///
/// # Errors
/// [`Error::Resample`] if rubato rejects the rates.
pub fn resample_all(samples: &[f32], from_hz: u32, to_hz: u32) -> Result<Vec<f32>> {
    let mut r = StreamResampler::new(from_hz, to_hz)?;
    let mut out =
        Vec::with_capacity((samples.len() as f64 * to_hz as f64 / from_hz as f64) as usize + CHUNK);
    r.push(samples, &mut out)?;
    r.finish(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f32, rate: u32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn output_length_is_input_length_times_ratio() {
        for (from, n) in [
            (8_000, 12_345),
            (44_100, 44_100),
            (48_000, 100),
            (22_050, 7),
        ] {
            let out = resample_all(&sine(440.0, from, n), from, 16_000).unwrap();
            let want = (n as f64 * 16_000.0 / from as f64).ceil() as usize;
            assert_eq!(out.len(), want, "from {from} Hz, {n} samples");
        }
    }

    #[test]
    fn a_tone_keeps_its_phase_after_the_delay_is_trimmed() {
        let out = resample_all(&sine(300.0, 8_000, 16_000), 8_000, 16_000).unwrap();
        let want = sine(300.0, 16_000, out.len());
        // Skip the edges, where the FFT resampler sees the implicit zero padding.
        let err = out[2000..30_000]
            .iter()
            .zip(&want[2000..30_000])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(err < 0.01, "max deviation {err}");
    }

    #[test]
    fn chunking_does_not_change_the_result() {
        let x = sine(700.0, 48_000, 30_000);
        let whole = resample_all(&x, 48_000, 16_000).unwrap();
        let mut r = StreamResampler::new(48_000, 16_000).unwrap();
        let mut out = Vec::new();
        for c in x.chunks(333) {
            r.push(c, &mut out).unwrap();
        }
        r.finish(&mut out).unwrap();
        assert_eq!(whole, out);
    }
}
