//! WAV decoding to mono `f32` with hound: 8/16/24/32-bit integer or 32-bit float PCM,
//! any channel count (averaged to mono), any common sample rate.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Lowest and highest sample rates accepted from a file.
pub const RATE_RANGE: std::ops::RangeInclusive<u32> = 4_000..=192_000;

/// Decoded mono audio at its native rate.
#[derive(Debug, Clone)]
pub struct Clip {
    /// Where it came from.
    pub path: PathBuf,
    /// Mono samples in [-1, 1].
    pub samples: Vec<f32>,
    /// Native sample rate in Hz.
    pub sample_rate: u32,
    /// Samples at or beyond full scale (before mixing to mono).
    pub clipped: usize,
}

impl Clip {
    /// Duration in seconds.
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }
}

/// Reads a WAV file into mono `f32`.
///
/// # Errors
/// [`Error::Wav`] when the file is truncated, not RIFF/WAVE or not PCM; [`Error::BadAudio`]
/// for an unsupported rate, no samples, or non-finite samples.
pub fn read(path: &Path) -> Result<Clip> {
    let wav_err = |source| Error::Wav {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = hound::WavReader::open(path).map_err(wav_err)?;
    let spec = reader.spec();
    let bad = |reason: String| Error::BadAudio {
        path: path.to_path_buf(),
        reason,
    };
    if !RATE_RANGE.contains(&spec.sample_rate) {
        return Err(bad(format!(
            "sample rate {} Hz is outside the supported {}..={} Hz",
            spec.sample_rate,
            RATE_RANGE.start(),
            RATE_RANGE.end()
        )));
    }
    if spec.channels == 0 {
        return Err(bad("header declares zero channels".into()));
    }
    let interleaved: Vec<f32> = match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Float, 32) => reader
            .samples::<f32>()
            .collect::<Result<_, _>>()
            .map_err(wav_err)?,
        (hound::SampleFormat::Int, bits @ 8..=32) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(wav_err)?
        }
        (format, bits) => {
            return Err(bad(format!(
                "unsupported sample format {format:?} with {bits} bits"
            )));
        }
    };
    if interleaved.is_empty() {
        return Err(bad("contains no samples".into()));
    }
    if let Some(i) = interleaved.iter().position(|s| !s.is_finite()) {
        return Err(bad(format!(
            "sample {} is not a finite number ({}); refusing to analyse corrupt audio",
            i / spec.channels as usize,
            interleaved[i]
        )));
    }
    let clipped = interleaved.iter().filter(|s| s.abs() >= 0.999).count();
    let samples = mix_to_mono(&interleaved, spec.channels as usize);
    Ok(Clip {
        path: path.to_path_buf(),
        samples,
        sample_rate: spec.sample_rate,
        clipped,
    })
}

/// Averages interleaved frames of `channels` samples into one mono sample each.
pub fn mix_to_mono(interleaved: &[f32], channels: usize) -> Vec<f32> {
    if channels == 1 {
        return interleaved.to_vec();
    }
    let scale = 1.0 / channels as f32;
    interleaved
        .chunks_exact(channels)
        .map(|f| f.iter().sum::<f32>() * scale)
        .collect()
}

/// Writes mono 16-bit PCM (used by tests and the demo-audio tooling).
///
/// # Errors
/// [`Error::Wav`] when the file cannot be written.
pub fn write_mono_i16(path: &Path, samples: &[f32], sample_rate: u32) -> Result<()> {
    let wav_err = |source| Error::Wav {
        path: path.to_path_buf(),
        source,
    };
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(wav_err)?;
    for &s in samples {
        w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16)
            .map_err(wav_err)?;
    }
    w.finalize().map_err(wav_err)
}
