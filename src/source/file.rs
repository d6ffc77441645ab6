//! A WAV file (or standard input, `-`) decoded chunk by chunk as it is pulled, so that
//! memory stays flat however long the recording is.

use super::{Pull, Source};
use crate::audio::wav::WavStream;
use crate::error::{Error, Result};
use crate::event::SourceInfo;
use crate::labels::Labels;

/// A streamed WAV file, as fast as the driver pulls.
#[derive(Debug)]
pub struct FileSource {
    stream: WavStream,
    labels: Labels,
    chunk: Vec<f32>,
}

impl FileSource {
    /// Streams an opened WAV file.
    pub fn new(stream: WavStream) -> Self {
        Self {
            stream,
            labels: Labels::None,
            chunk: Vec::new(),
        }
    }

    /// With these labels for its words.
    pub fn with_labels(mut self, labels: Labels) -> Self {
        self.labels = labels;
        self
    }
}

impl Source for FileSource {
    fn info(&self) -> SourceInfo {
        let info = self.stream.info();
        SourceInfo {
            name: self.stream.path().display().to_string(),
            sample_rate: info.sample_rate,
            seconds: info
                .frames
                .map(|f| f as f64 / f64::from(info.sample_rate.max(1))),
            reference: false,
        }
    }

    fn labels(&mut self) -> Labels {
        std::mem::take(&mut self.labels)
    }

    /// Decodes the next `buf.len()` frames (fewer at the end).
    ///
    /// # Errors
    /// [`Error::BadAudio`] for a stream with no samples at all; the stream's: a non-finite sample, data ending before its declared length (after
    /// the frames that were there), or a read error — each naming the file.
    fn pull(&mut self, buf: &mut [f32]) -> Result<Pull> {
        self.chunk.clear();
        let n = self.stream.read(&mut self.chunk, buf.len())?;
        if n == 0 {
            if self.stream.frames_read() == 0 {
                return Err(Error::BadAudio {
                    path: self.stream.path().to_path_buf(),
                    reason: "contains no samples".into(),
                });
            }
            return Ok(Pull::End);
        }
        buf[..n].copy_from_slice(&self.chunk[..n]);
        Ok(Pull::Samples(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::wav;

    #[test]
    fn streams_every_sample_of_a_file_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ramp.wav");
        let x: Vec<f32> = (0..20_000)
            .map(|i| (i % 200) as f32 / 400.0 - 0.25)
            .collect();
        wav::write_mono_i16(&path, &x, 8_000).unwrap();
        let whole = wav::read(&path).unwrap();
        let mut src = FileSource::new(WavStream::open(&path).unwrap())
            .with_labels(Labels::Fixed("ramp".into()));
        let info = src.info();
        assert_eq!((info.sample_rate, info.seconds), (8_000, Some(2.5)));
        assert_eq!(src.labels(), Labels::Fixed("ramp".into()));
        let (mut got, mut buf) = (Vec::new(), [0.0; 3000]);
        while let Pull::Samples(n) = src.pull(&mut buf).unwrap() {
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, whole.samples);
    }
}
