//! A sequence encoder's unpooled layer output, kept from its last call (the recogniser
//! decodes from it).

use std::ops::Range;

use tract_onnx::prelude::*;

/// The unpooled output of one layer from the last encode of a sequence encoder.
#[derive(Debug, Clone)]
pub struct LayerFrames<'a> {
    /// Every output frame the model computed, `[frames, width]`: the word and whatever
    /// context before it the call passed.
    pub all: tract_ndarray::ArrayView2<'a, f32>,
    /// The frames that cover the word (the ones pooled into its vector).
    pub word: Range<usize>,
}

impl<'a> LayerFrames<'a> {
    /// The word's own frames, `[word frames, width]`.
    pub fn word(&self) -> tract_ndarray::ArrayView2<'a, f32> {
        self.all.slice_axis_move(
            tract_ndarray::Axis(0),
            tract_ndarray::Slice::from(self.word.clone()),
        )
    }
}
