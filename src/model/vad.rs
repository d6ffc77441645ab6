//! Voice activity with Silero VAD through tract; the recurrent state and the audio
//! context are carried from one frame to the next.
//!
//! Silero misses quiet speech (FSDD's speaker 'theo' peaks at −34 dBFS and is not detected
//! at all; +20 dB makes every word detectable), so the VAD's input — and only its input —
//! passes through a fast automatic gain: the loudest frame RMS of the last half second is
//! brought up to [`TARGET_RMS`], with the gain bounded by `max_gain` and never below 1.

use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use super::manifest::{Manifest, ModelKind};
use super::plan::{self, PlanState};
use super::seam::VoiceActivity;
use crate::error::{Error, Result};

/// Frame RMS the automatic gain aims for (about −20 dBFS, ordinary speech).
pub const TARGET_RMS: f32 = 0.1;

/// Frames of level history the automatic gain looks at (16 × 32 ms ≈ 0.5 s).
const LEVEL_FRAMES: usize = 16;

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
    levels: [f32; LEVEL_FRAMES],
    next_level: usize,
    max_gain: f32,
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
            levels: [0.0; LEVEL_FRAMES],
            next_level: 0,
            max_gain: 16.0,
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
        self.levels = [0.0; LEVEL_FRAMES];
    }

    /// Sets the largest gain the automatic gain may apply (1 turns it off).
    pub fn set_max_gain(&mut self, max_gain: f32) {
        self.max_gain = max_gain.max(1.0);
    }

    /// The gain the next frame will get, given its RMS level.
    fn gain(&mut self, rms: f32) -> f32 {
        self.levels[self.next_level] = rms;
        self.next_level = (self.next_level + 1) % LEVEL_FRAMES;
        let loudest = self.levels.iter().copied().fold(1e-6, f32::max);
        (TARGET_RMS / loudest).clamp(1.0, self.max_gain)
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
        let rms = (frame.iter().map(|x| x * x).sum::<f32>() / frame.len() as f32).sqrt();
        let gain = self.gain(rms);
        for (dst, &x) in self.input[ctx..].iter_mut().zip(frame) {
            *dst = x * gain;
        }
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

impl VoiceActivity for Vad {
    fn frame_len(&self) -> usize {
        Vad::frame_len(self)
    }

    fn reset(&mut self) {
        Vad::reset(self);
    }

    fn process(&mut self, frame: &[f32]) -> Result<f32> {
        Vad::process(self, frame)
    }
}
