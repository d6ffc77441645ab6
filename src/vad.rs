//! Voice activity with Silero VAD through tract; the recurrent state and the audio
//! context are carried from one frame to the next.

use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use crate::error::{Error, Result};
use crate::model::manifest::{Manifest, ModelKind};
use crate::model::plan::{self, PlanState};

/// Silero VAD: speech probability per frame of [`Vad::frame_len`] samples at 16 kHz.
pub struct Vad {
    path: PathBuf,
    state: PlanState,
    frame: usize,
    context: usize,
    /// Model input: `context` samples of the previous frame, then the new frame.
    input: Vec<f32>,
    rnn: Tensor,
    zero_rnn: Tensor,
}

impl Vad {
    /// Loads the voice-activity model a manifest describes.
    ///
    /// # Errors
    /// [`Error::Manifest`] if the manifest is not a VAD manifest, [`Error::Model`] if tract
    /// cannot load the model.
    pub fn load(manifest_path: &Path) -> Result<Self> {
        let m = Manifest::load(manifest_path)?;
        let (ModelKind::Vad, Some(spec)) = (m.kind, m.vad.as_ref()) else {
            return Err(Error::manifest(
                manifest_path,
                "not a voice-activity manifest (kind = \"vad\" with a [vad] table)",
            ));
        };
        let path = m.model_path();
        let state_shape: Vec<Option<usize>> = spec.state_shape.iter().map(|&d| Some(d)).collect();
        let plan = plan::load(
            &path,
            &[&[Some(1), Some(spec.context + spec.frame)], &state_shape],
            &[],
        )?;
        let state = plan
            .spawn()
            .map_err(|e| Error::model(&path, "starting the model", e))?;
        let rnn = Tensor::zero::<f32>(&spec.state_shape)
            .map_err(|e| Error::model(&path, "allocating state", e))?;
        Ok(Self {
            path,
            state,
            frame: spec.frame,
            context: spec.context,
            input: vec![0.0; spec.context + spec.frame],
            zero_rnn: rnn.clone(),
            rnn,
        })
    }

    /// New samples per frame (512 at 16 kHz: 32 ms).
    pub fn frame_len(&self) -> usize {
        self.frame
    }

    /// Forgets all state (start of a new recording).
    pub fn reset(&mut self) {
        self.input.iter_mut().for_each(|x| *x = 0.0);
        self.rnn = self.zero_rnn.clone();
    }

    /// Speech probability of the next frame (`frame.len()` must be [`Vad::frame_len`]).
    ///
    /// # Errors
    /// [`Error::Model`] if inference fails or the frame has the wrong length.
    pub fn process(&mut self, frame: &[f32]) -> Result<f32> {
        if frame.len() != self.frame {
            return Err(Error::model(
                &self.path,
                "running voice activity",
                format!("frame of {} samples, expected {}", frame.len(), self.frame),
            ));
        }
        let ctx = self.context;
        self.input.copy_within(self.frame.., 0);
        self.input[ctx..].copy_from_slice(frame);
        let x = Tensor::from_shape(&[1, ctx + self.frame], &self.input)
            .map_err(|e| Error::model(&self.path, "building input", e))?;
        let out = plan::run(
            &mut self.state,
            &self.path,
            tvec!(x.into(), self.rnn.clone().into()),
        )?;
        let p = out[0]
            .to_plain_array_view::<f32>()
            .map_err(|e| Error::model(&self.path, "reading output", e))?;
        let prob = p.iter().next().copied().unwrap_or(0.0);
        self.rnn = out[1].clone().into_tensor();
        Ok(prob)
    }
}
