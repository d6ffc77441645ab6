//! The two seams the engine runs models through: voice activity per frame, and word
//! encoders. The tract-backed [`crate::model::Vad`] and [`crate::model::Encoder`] implement
//! them; a new kind of model is one file implementing one of these traits (an ONNX model
//! of a known family needs only a manifest).

use std::ops::Range;
use std::time::Duration;

use super::encoder::LayerFrames;
use crate::error::Result;

/// One pooled vector per tapped layer, in layer order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordVectors {
    /// `layers[i]` is the word's vector at layer `i`.
    pub layers: Vec<Vec<f32>>,
}

/// Speech probability for each frame of 16 kHz audio.
pub trait VoiceActivity: Send {
    /// New samples per frame (512 for Silero: 32 ms).
    fn frame_len(&self) -> usize;
    /// Forgets all state (start of a new recording).
    fn reset(&mut self);
    /// Speech probability of the next frame (`frame.len() == frame_len()`).
    ///
    /// # Errors
    /// When the model fails.
    fn process(&mut self, frame: &[f32]) -> Result<f32>;
    /// An independent copy for another thread, sharing the loaded model (`None` when this
    /// model cannot be copied; parallel runs then refuse to start).
    fn fork(&self) -> Option<Box<dyn VoiceActivity>> {
        None
    }
}

/// What the engine, the summary and the screen need to know of an encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncoderInfo {
    /// Name, as in events and on screen.
    pub name: String,
    /// Trained with a visual grounding objective?
    pub grounded: bool,
    /// Tapped layers, first to last.
    pub layers: Vec<String>,
    /// Index of the layer nearest neighbours are computed at.
    pub neighbour_layer: usize,
    /// For a head: the encoder and layer whose pooled vector it reads.
    pub backbone: Option<(String, String)>,
}

/// A word encoder: audio (or, for a head, a backbone's vector) in, one vector per layer out.
pub trait WordEncoder: Send {
    /// Name, grounding, layers, backbone.
    fn info(&self) -> &EncoderInfo;
    /// Encodes the word at samples `word` of `audio` (16 kHz mono); the rest of `audio` is
    /// context the model may hear (feature slicing) or that is absent (audio slicing).
    ///
    /// # Errors
    /// When the model fails or the word is unusable for it.
    fn encode_in_context(&mut self, audio: &[f32], word: Range<usize>) -> Result<WordVectors>;
    /// Encodes a backbone's pooled vector (heads only).
    ///
    /// # Errors
    /// When this encoder takes audio, or the vector has the wrong width.
    fn encode_vector(&mut self, vector: &[f32]) -> Result<WordVectors>;
    /// How long the front end (log-mel) of the last audio encode took, for encoders with
    /// one (`None` otherwise).
    fn last_front_end(&self) -> Option<Duration> {
        None
    }
    /// The unpooled frames of `layer` from the last audio encode, for a sequence encoder
    /// (what a recogniser decodes); `None` for others.
    fn last_frames(&self, _layer: &str) -> Option<LayerFrames<'_>> {
        None
    }
    /// An independent copy for another thread, sharing the loaded weights (`None` when
    /// this encoder cannot be copied; parallel runs then refuse to start).
    fn fork(&self) -> Option<Box<dyn WordEncoder>> {
        None
    }
}
