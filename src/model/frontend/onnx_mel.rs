//! A mel spectrogram computed by an ONNX model (speech_embedding's `melspectrogram.onnx`).

use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use super::Frames;
use crate::error::{Error, Result};
use crate::model::plan::{self, PlanState};

/// Runs a mel ONNX model on `[1, samples]` input and rescales its output.
pub struct OnnxMel {
    path: PathBuf,
    state: PlanState,
    n_mels: usize,
    input_gain: f32,
    scale: f32,
    offset: f32,
    /// Samples per hop.
    pub hop: usize,
    /// Samples per analysis window.
    pub win: usize,
}

impl OnnxMel {
    /// Loads the mel model at `path`.
    ///
    /// # Errors
    /// [`Error::Model`] if tract cannot load it.
    pub fn load(
        path: &Path,
        n_mels: usize,
        input_gain: f32,
        scale: f32,
        offset: f32,
        hop: usize,
        win: usize,
    ) -> Result<Self> {
        let plan = plan::load(path, &[&[Some(1), None]], &[])?;
        let state = plan
            .spawn()
            .map_err(|e| Error::model(path, "starting the model", e))?;
        Ok(Self {
            path: path.to_path_buf(),
            state,
            n_mels,
            input_gain,
            scale,
            offset,
            hop,
            win,
        })
    }

    /// Frames produced for `samples` input samples.
    pub fn frames_for(&self, samples: usize) -> usize {
        if samples < self.win {
            0
        } else {
            (samples - self.win) / self.hop + 1
        }
    }

    /// Samples needed for `frames` frames.
    pub fn samples_for(&self, frames: usize) -> usize {
        self.win + frames.saturating_sub(1) * self.hop
    }

    /// Mel frames of `audio` (at least one window long).
    ///
    /// # Errors
    /// [`Error::Model`] if the model fails or returns an unexpected shape.
    pub fn compute(&mut self, audio: &[f32]) -> Result<Frames> {
        if audio.len() < self.win {
            return Err(Error::model(
                &self.path,
                "computing mel frames",
                format!(
                    "{} samples is shorter than one window ({})",
                    audio.len(),
                    self.win
                ),
            ));
        }
        let gain = self.input_gain;
        let input =
            tract_ndarray::Array2::from_shape_fn((1, audio.len()), |(_, i)| audio[i] * gain);
        let out = plan::run(
            &mut self.state,
            &self.path,
            tvec!(input.into_tensor().into()),
        )?;
        let view = out[0]
            .to_plain_array_view::<f32>()
            .map_err(|e| Error::model(&self.path, "reading mel frames", e))?;
        if view.shape().last() != Some(&self.n_mels) {
            return Err(Error::model(
                &self.path,
                "reading mel frames",
                format!(
                    "output shape {:?} does not end in {} mel bins",
                    view.shape(),
                    self.n_mels
                ),
            ));
        }
        let data = view.iter().map(|&x| x * self.scale + self.offset).collect();
        Ok(Frames {
            data,
            bins: self.n_mels,
        })
    }
}
