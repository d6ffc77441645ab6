//! Fakes behind the engine's seams, so that slicing, labelling and the driver loop can be
//! tested in milliseconds without an ONNX model: an energy VAD, an encoder that records
//! what it was given, a head, and a source that reports dropped samples.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use groundprobe::event::SourceInfo;
use groundprobe::labels::Labels;
use groundprobe::model::{EncoderInfo, VoiceActivity, WordEncoder, WordVectors};
use groundprobe::source::{Pull, Source};

/// Speech wherever a frame's RMS exceeds 0.05.
pub struct EnergyVad;

impl VoiceActivity for EnergyVad {
    fn frame_len(&self) -> usize {
        512
    }
    fn reset(&mut self) {}
    fn process(&mut self, frame: &[f32]) -> groundprobe::Result<f32> {
        let rms = (frame.iter().map(|x| x * x).sum::<f32>() / frame.len() as f32).sqrt();
        Ok(if rms > 0.05 { 0.95 } else { 0.0 })
    }
}

/// What the recording encoder saw for each word: the audio's length and the word's range.
pub type Seen = Arc<Mutex<Vec<(usize, Range<usize>)>>>;

/// An audio encoder with two layers: the word's mean level and its length in seconds.
pub struct RecordingEncoder {
    info: EncoderInfo,
    pub seen: Seen,
}

impl RecordingEncoder {
    pub fn new(name: &str) -> Self {
        Self {
            info: EncoderInfo {
                name: name.into(),
                grounded: false,
                layers: vec!["level".into(), "length".into()],
                neighbour_layer: 1,
                backbone: None,
            },
            seen: Seen::default(),
        }
    }
}

impl WordEncoder for RecordingEncoder {
    fn info(&self) -> &EncoderInfo {
        &self.info
    }
    fn encode_in_context(
        &mut self,
        audio: &[f32],
        word: Range<usize>,
    ) -> groundprobe::Result<WordVectors> {
        self.seen.lock().unwrap().push((audio.len(), word.clone()));
        let w = &audio[word.clone()];
        let level = w.iter().map(|x| x.abs()).sum::<f32>() / w.len().max(1) as f32;
        Ok(WordVectors {
            layers: vec![vec![level, 1.0], vec![w.len() as f32 / 16_000.0, 1.0]],
        })
    }
    fn encode_vector(&mut self, _: &[f32]) -> groundprobe::Result<WordVectors> {
        unreachable!("an audio encoder")
    }
}

/// A head doubling its backbone's `length` vector.
pub struct DoublingHead {
    info: EncoderInfo,
}

impl DoublingHead {
    pub fn on(backbone: &str) -> Self {
        Self {
            info: EncoderInfo {
                name: "head".into(),
                grounded: true,
                layers: vec!["out".into()],
                neighbour_layer: 0,
                backbone: Some((backbone.into(), "length".into())),
            },
        }
    }
}

impl WordEncoder for DoublingHead {
    fn info(&self) -> &EncoderInfo {
        &self.info
    }
    fn encode_in_context(
        &mut self,
        _: &[f32],
        _: Range<usize>,
    ) -> groundprobe::Result<WordVectors> {
        unreachable!("a head")
    }
    fn encode_vector(&mut self, v: &[f32]) -> groundprobe::Result<WordVectors> {
        Ok(WordVectors {
            layers: vec![v.iter().map(|x| 2.0 * x).collect()],
        })
    }
}

/// 16 kHz audio: `words` bursts of a tone (`word_s` long) after `gap_s` of near silence each.
pub fn bursts(words: usize, word_s: f64, gap_s: f64) -> Vec<f32> {
    let n = |s: f64| (s * 16_000.0) as usize;
    let mut out = Vec::new();
    for _ in 0..words {
        out.extend(std::iter::repeat_n(0.001, n(gap_s)));
        out.extend((0..n(word_s)).map(|i| 0.3 * (i as f32 * 0.07).sin()));
    }
    out.extend(std::iter::repeat_n(0.001, n(gap_s)));
    out
}

/// A source handing out `samples` in blocks and claiming `drop_per_block` lost per block.
pub struct LossySource {
    pub samples: Vec<f32>,
    pub pos: usize,
    pub drop_per_block: u64,
    pub dropped: u64,
}

impl Source for LossySource {
    fn info(&self) -> SourceInfo {
        SourceInfo {
            name: "lossy".into(),
            sample_rate: 16_000,
            seconds: None,
            reference: false,
        }
    }
    fn labels(&mut self) -> Labels {
        Labels::None
    }
    fn pull(&mut self, buf: &mut [f32]) -> groundprobe::Result<Pull> {
        if self.pos >= self.samples.len() {
            return Ok(Pull::End);
        }
        let n = buf.len().min(self.samples.len() - self.pos).min(1000);
        buf[..n].copy_from_slice(&self.samples[self.pos..self.pos + n]);
        self.pos += n;
        self.dropped += self.drop_per_block;
        Ok(Pull::Samples(n))
    }
    fn dropped(&self) -> u64 {
        self.dropped
    }
}
