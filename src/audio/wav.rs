//! WAV decoding to mono `f32`, streamed: [`WavStream`] reads a file (or stdin) chunk by
//! chunk, never holding more than the chunk asked for; [`read`] decodes a whole short clip
//! on top of it. 8/16/24/32-bit integer or 32-bit float PCM, any channel count (averaged
//! to mono), any rate in [`RATE_RANGE`]. Anything else (A-law, µ-law, 64-bit float, MP3,
//! FLAC, Ogg … named `.wav`) is refused in one sentence saying what it is and how to
//! convert it.
//!
//! ```no_run
//! # fn main() -> groundprobe::error::Result<()> {
//! use groundprobe::audio::wav::WavStream;
//! let mut wav = WavStream::open("talk.wav".as_ref())?;
//! let rate = wav.info().sample_rate;
//! let mut chunk = Vec::new();
//! while wav.read(&mut chunk, 4096)? > 0 {
//!     // … resample `chunk` from `rate` and feed it on …
//!     chunk.clear();
//! }
//! # Ok(()) }
//! ```

mod header;

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

pub use header::{CONVERT_HINT, SampleFormat, WavInfo};
use header::{HeaderError, read_full};

use crate::error::{Error, Result};

/// Lowest and highest sample rates accepted from a file.
pub const RATE_RANGE: std::ops::RangeInclusive<u32> = 4_000..=192_000;

/// Largest chunk of raw bytes decoded per [`WavStream::read`] call.
const MAX_CHUNK_BYTES: u64 = 1 << 20;

/// The path that means standard input.
pub const STDIN: &str = "-";

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

/// A WAV file being decoded chunk by chunk to mono `f32` at its native rate.
pub struct WavStream {
    path: PathBuf,
    reader: Box<dyn Read + Send>,
    info: WavInfo,
    /// Frames read so far.
    frames_read: u64,
    /// Samples (before mixing) at or beyond full scale so far.
    clipped: u64,
    /// Raw bytes of the chunk being decoded (reused).
    bytes: Vec<u8>,
    /// The stream has ended (or failed).
    done: bool,
    /// Set when the data ended before the declared frame count (reported on the next read).
    truncated_at: Option<u64>,
}

impl std::fmt::Debug for WavStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WavStream")
            .field("path", &self.path)
            .field("info", &self.info)
            .field("frames_read", &self.frames_read)
            .finish_non_exhaustive()
    }
}

impl WavStream {
    /// Opens a WAV file and reads its header; [`STDIN`] (`-`) reads standard input.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be opened or read, [`Error::BadAudio`] if it is not
    /// a WAV file this reader decodes (the message says what it is).
    pub fn open(path: &Path) -> Result<Self> {
        if path.as_os_str() == STDIN {
            return Self::from_reader(path, std::io::stdin(), true);
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Self::from_reader(path, file, false)
    }

    /// Reads the header from any byte stream; `path` names it in messages. A `streaming`
    /// source (a pipe) may declare a data length of 0 or `u32::MAX` (as encoders writing to
    /// a pipe do): the audio then runs to the end of the stream. Seeking is never needed.
    ///
    /// # Errors
    /// As [`WavStream::open`].
    pub fn from_reader(
        path: &Path,
        reader: impl Read + Send + 'static,
        streaming: bool,
    ) -> Result<Self> {
        let mut reader: Box<dyn Read + Send> = Box::new(BufReader::with_capacity(1 << 16, reader));
        let info = header::read_header(&mut reader, streaming).map_err(|e| match e {
            HeaderError::Refused(reason) => bad(path, reason),
            HeaderError::Io(e) => Error::io(path, e),
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            info,
            frames_read: 0,
            clipped: 0,
            bytes: Vec::new(),
            done: false,
            truncated_at: None,
        })
    }

    /// What the header says (rate, channels, format, frame count if known).
    pub fn info(&self) -> &WavInfo {
        &self.info
    }

    /// The path given on opening (`-` for stdin).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Frames decoded so far.
    pub fn frames_read(&self) -> u64 {
        self.frames_read
    }

    /// Samples at or beyond full scale so far (counted per channel, before mixing).
    pub fn clipped(&self) -> u64 {
        self.clipped
    }

    /// Decodes up to `max_frames` more frames (at most 1 MiB of file per call), appending
    /// one mono sample per frame to `out`; returns how many were appended, 0 at the end.
    ///
    /// # Errors
    /// [`Error::BadAudio`] for a non-finite sample (naming its position; nothing of that
    /// chunk is appended), or on the call after the data ended short of the frame count
    /// its header declares (the frames that were there have been returned first);
    /// [`Error::Io`] if reading fails.
    pub fn read(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize> {
        if let Some(total) = self.truncated_at.take() {
            return Err(bad(
                &self.path,
                format!(
                    "truncated: the header declares {total} frames, the data ends after {}",
                    self.frames_read
                ),
            ));
        }
        let block = self.info.block_align();
        let left = self.info.frames.map_or(u64::MAX, |f| f - self.frames_read);
        let want = (max_frames as u64)
            .min(left)
            .min(MAX_CHUNK_BYTES / block as u64) as usize;
        if self.done || want == 0 {
            return Ok(0);
        }
        self.bytes.resize(want * block, 0);
        let got =
            read_full(&mut self.reader, &mut self.bytes).map_err(|e| Error::io(&self.path, e))?;
        if got < self.bytes.len() {
            self.done = true;
            self.truncated_at = self.info.frames;
        }
        let frames = got / block;
        let start = out.len();
        out.reserve(frames);
        let channels = self.info.channels as usize;
        let scale = 1.0 / channels as f32;
        for (i, frame) in self.bytes[..frames * block].chunks_exact(block).enumerate() {
            let mut sum = 0.0f32;
            for raw in frame.chunks_exact(block / channels) {
                let s = decode(self.info.format, raw);
                if !s.is_finite() {
                    out.truncate(start);
                    self.done = true;
                    self.truncated_at = None;
                    let at = self.frames_read + i as u64;
                    return Err(bad(
                        &self.path,
                        format!(
                            "sample {at} (at {:.3} s) is not a finite number ({s}); \
                             refusing to analyse corrupt audio",
                            at as f64 / self.info.sample_rate as f64
                        ),
                    ));
                }
                self.clipped += u64::from(s.abs() >= 0.999);
                sum += s;
            }
            out.push(sum * scale);
        }
        self.frames_read += frames as u64;
        Ok(frames)
    }
}

impl WavStream {
    /// Decodes the rest of the stream into one clip (for short clips and tests).
    ///
    /// # Errors
    /// As [`WavStream::read`]; [`Error::BadAudio`] when the stream holds no samples.
    pub fn into_clip(mut self) -> Result<Clip> {
        let known = self
            .info
            .frames
            .unwrap_or(0)
            .saturating_sub(self.frames_read);
        let mut samples = Vec::with_capacity(known.min(1 << 22) as usize);
        while self.read(&mut samples, 1 << 16)? > 0 {}
        if samples.is_empty() {
            return Err(bad(&self.path, "contains no samples"));
        }
        Ok(Clip {
            path: self.path,
            samples,
            sample_rate: self.info.sample_rate,
            clipped: self.clipped as usize,
        })
    }
}

/// One sample of `format` from its little-endian bytes, in [-1, 1] for integers.
fn decode(format: SampleFormat, b: &[u8]) -> f32 {
    match (format, b) {
        (SampleFormat::Float32, &[a, b, c, d]) => f32::from_le_bytes([a, b, c, d]),
        (SampleFormat::Int { .. }, &[a]) => (f32::from(a) - 128.0) / 128.0,
        (SampleFormat::Int { .. }, &[a, b]) => f32::from(i16::from_le_bytes([a, b])) / 32_768.0,
        (SampleFormat::Int { .. }, &[a, b, c]) => {
            i32::from_le_bytes([0, a, b, c]) as f32 / 2_147_483_648.0
        }
        (SampleFormat::Int { .. }, &[a, b, c, d]) => {
            i32::from_le_bytes([a, b, c, d]) as f32 / 2_147_483_648.0
        }
        _ => unreachable!("block_align fixes the sample width"),
    }
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::BadAudio {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Reads a whole WAV file into mono `f32` (for short clips and tests; long files should
/// be streamed with [`WavStream`]).
///
/// # Errors
/// As [`WavStream::open`] and [`WavStream::read`]; [`Error::BadAudio`] when the file
/// holds no samples.
pub fn read(path: &Path) -> Result<Clip> {
    WavStream::open(path)?.into_clip()
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
