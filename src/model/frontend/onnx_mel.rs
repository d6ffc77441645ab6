//! A mel spectrogram computed by an ONNX model (speech_embedding's `melspectrogram.onnx`).

use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use super::Frames;
use crate::error::{Error, Result};
use crate::model::plan::{self, PlanState};

/// Runs a mel ONNX model on `[1, samples]` input and rescales its output.
#[derive(Clone)]
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
    /// [`Error::Model`] if `hop` or `win` is zero, if tract cannot load the model, or if
    /// it has no output.
    pub fn load(
        path: &Path,
        n_mels: usize,
        input_gain: f32,
        scale: f32,
        offset: f32,
        hop: usize,
        win: usize,
    ) -> Result<Self> {
        if hop == 0 || win == 0 || n_mels == 0 {
            return Err(Error::model(
                path,
                "loading the mel model",
                format!("hop {hop}, win {win} and n_mels {n_mels} must all be positive"),
            ));
        }
        let plan = plan::load(path, &[&[Some(1), None]], &[])?;
        if plan.model().outputs.is_empty() {
            return Err(Error::model(
                path,
                "loading the mel model",
                "it has no output",
            ));
        }
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

    /// Checks that `hop`, `win` and `n_mels` (from `manifest`'s `[frontend]`) describe the
    /// model: `frames` frames' worth of samples must give exactly `frames` frames.
    ///
    /// # Errors
    /// [`Error::Manifest`] naming the fields when the model disagrees.
    pub fn check_geometry(&mut self, manifest: &Path, frames: usize) -> Result<()> {
        let n = self.samples_for(frames);
        let file = self
            .path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let got = self.compute(&vec![0.0; n]).map_err(|e| {
            let cause = match &e {
                Error::Model { source, .. } => source.to_string(),
                other => other.to_string(),
            };
            Error::manifest(
                manifest,
                format!(
                    "[frontend] does not describe {file}: {}",
                    first_line(&cause)
                ),
            )
        })?;
        if got.len() != frames {
            return Err(Error::manifest(
                manifest,
                format!(
                    "[frontend] hop = {} and win = {} predict {frames} mel frames for {n} \
                     samples, {file} gives {}: hop or win does not match the mel model",
                    self.hop,
                    self.win,
                    got.len()
                ),
            ));
        }
        Ok(())
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
        let first = out
            .first()
            .ok_or_else(|| Error::model(&self.path, "reading mel frames", "no output"))?;
        let view = first
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

/// The first line of a (possibly multi-line) inference-engine message.
pub(crate) fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default().trim()
}
