//! Front ends: audio samples to the feature frames a model takes.

pub mod onnx_mel;
pub mod whisper_mel;

pub use onnx_mel::OnnxMel;
pub use whisper_mel::WhisperMel;

/// A matrix of feature frames, row-major `[frames, bins]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frames {
    /// Values, `frames × bins`.
    pub data: Vec<f32>,
    /// Bins per frame.
    pub bins: usize,
}

impl Frames {
    /// Number of frames.
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.bins).unwrap_or(0)
    }

    /// True when there are no frames.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frame `i`.
    pub fn frame(&self, i: usize) -> &[f32] {
        &self.data[i * self.bins..(i + 1) * self.bins]
    }
}
