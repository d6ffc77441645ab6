//! Voice activity with Silero VAD through tract; the recurrent state and the audio
//! context are carried from one frame to the next.
//!
//! Silero misses quiet speech (FSDD's speaker 'theo' peaks at −34 dBFS and is not detected
//! at all; +20 dB makes every word detectable), so the VAD's input — and only its input —
//! passes through an automatic gain ([`VadParams`]): the loudest frame RMS of the last half
//! second is brought up to [`TARGET_RMS`], the gain bounded by a maximum, never below 1,
//! rising slowly and falling at once. Silero's recurrent state is cleared after a second
//! without speech, as its state drifts on long streams.

use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use super::manifest::{Manifest, ModelKind, VadSpec};
use super::plan::{self, PlanState};
use super::seam::VoiceActivity;
use crate::error::{Error, Result};

/// Frame RMS the automatic gain aims for (about −20 dBFS, ordinary speech).
pub const TARGET_RMS: f32 = 0.1;

/// How the VAD conditions its input (the automatic gain) and its recurrent state.
///
/// A fast, large gain lifts a recording's own background (−65…−45 dBFS) into false words
/// when it follows a quieter gap, and lifts the room tail once the half-second level
/// memory has forgotten the word (issue 17). Silero's recurrent state also drifts on long
/// streams until clear words get probabilities below 0.1; clearing it after a stretch of
/// non-speech brings it back. Measured in tests/segment_streams.rs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VadParams {
    /// Largest gain (1 turns the gain off). A new source starts at this gain.
    pub max_gain: f32,
    /// Audio whose loudest frame sets the gain.
    pub level_memory_ms: u32,
    /// Fastest rise of the gain in dB per second of audio; it falls at once.
    /// `f32::INFINITY` lets it jump.
    pub rise_db_per_s: f32,
    /// Clears the recurrent state after this much audio without a frame at or above
    /// [`QUIET_PROB`] (0: never).
    pub reset_after_quiet_ms: u32,
}

/// Speech probability below which a frame counts towards a state reset.
pub const QUIET_PROB: f32 = 0.1;

impl VadParams {
    /// The settings before issue 17: a gain of up to ×16 jumping at once, no reset.
    pub const FAST_GAIN: Self = Self {
        max_gain: 16.0,
        level_memory_ms: 512,
        rise_db_per_s: f32::INFINITY,
        reset_after_quiet_ms: 0,
    };
}

/// ×8 rising at most 24 dB/s keeps FSDD's quiet speakers and most backgrounds down; the
/// reset after 1,024 ms of non-speech ends the drift without touching FSDD (shorter resets
/// miss FSDD words 300 ms apart; measured in tests/segment_streams.rs).
impl Default for VadParams {
    fn default() -> Self {
        Self {
            max_gain: 8.0,
            level_memory_ms: 512,
            rise_db_per_s: 24.0,
            reset_after_quiet_ms: 1024,
        }
    }
}

/// Silero VAD: speech probability per frame of [`Vad::frame_len`] samples at 16 kHz.
#[derive(Clone)]
pub struct Vad {
    path: PathBuf,
    state: PlanState,
    frame: usize,
    context: usize,
    /// Model input: `context` samples of the previous frame, then the new frame.
    input: Vec<f32>,
    rnn: Tensor,
    zero_rnn: Tensor,
    /// Frame RMS levels of the last `params.level_memory_ms` (a ring).
    levels: Vec<f32>,
    next_level: usize,
    params: VadParams,
    /// Largest gain change from one frame to the next allowed by `params.rise_db_per_s`.
    rise_per_frame: f32,
    /// The gain the last frame got.
    last_gain: f32,
    /// Frames since the last one at or above [`QUIET_PROB`] or the last reset.
    quiet_frames: usize,
    /// `params.reset_after_quiet_ms` in frames (0: never).
    reset_frames: usize,
    /// Seconds of audio per frame.
    frame_s: f32,
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
        check_declared(&m, spec)?;
        let plan = plan::load(
            &path,
            &[&[Some(1), Some(spec.context + spec.frame)], &state_shape],
            &[],
        )
        .map_err(|e| vad_fault(&m, spec, e))?;
        check_outputs(&m, spec, &plan)?;
        let state = plan
            .spawn()
            .map_err(|e| Error::model(&path, "starting the model", e))?;
        let rnn = Tensor::zero::<f32>(&spec.state_shape)
            .map_err(|e| Error::model(&path, "allocating state", e))?;
        let mut vad = Self {
            path,
            state,
            frame: spec.frame,
            context: spec.context,
            input: vec![0.0; spec.context + spec.frame],
            zero_rnn: rnn.clone(),
            rnn,
            levels: vec![0.0],
            next_level: 0,
            params: VadParams::default(),
            rise_per_frame: 1.0,
            last_gain: f32::INFINITY,
            quiet_frames: 0,
            reset_frames: 0,
            frame_s: spec.frame as f32 / m.sample_rate.unwrap_or(crate::audio::ENGINE_RATE) as f32,
        };
        vad.set_params(VadParams::default());
        Ok(vad)
    }

    /// New samples per frame (512 at 16 kHz: 32 ms).
    pub fn frame_len(&self) -> usize {
        self.frame
    }

    /// Forgets all state (start of a new recording).
    pub fn reset(&mut self) {
        self.input.iter_mut().for_each(|x| *x = 0.0);
        self.rnn = self.zero_rnn.clone();
        self.levels.iter_mut().for_each(|x| *x = 0.0);
        self.last_gain = self.params.max_gain;
        self.quiet_frames = 0;
    }

    /// Sets the gain and reset behaviour (from the next frame; a maximum below 1 is 1).
    pub fn set_params(&mut self, params: VadParams) {
        let max_gain = params.max_gain.max(1.0);
        self.params = VadParams { max_gain, ..params };
        let frames = |ms: u32| (ms as f32 / 1000.0 / self.frame_s).ceil() as usize;
        self.reset_frames = frames(params.reset_after_quiet_ms);
        let memory = frames(params.level_memory_ms).max(1);
        if memory != self.levels.len() {
            self.levels = vec![0.0; memory];
            self.next_level = 0;
        }
        self.rise_per_frame = 10f32.powf(params.rise_db_per_s.max(0.0) * self.frame_s / 20.0);
        self.last_gain = self.last_gain.min(max_gain);
    }

    /// The gain the next frame will get, given its RMS level.
    fn gain(&mut self, rms: f32) -> f32 {
        self.levels[self.next_level] = rms;
        self.next_level = (self.next_level + 1) % self.levels.len();
        let loudest = self.levels.iter().copied().fold(1e-6, f32::max);
        let wanted = (TARGET_RMS / loudest).clamp(1.0, self.params.max_gain);
        self.last_gain = wanted.min(self.last_gain * self.rise_per_frame);
        self.last_gain
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
        let [p, rnn, ..] = &out[..] else {
            return Err(Error::model(
                &self.path,
                "reading output",
                "fewer than 2 outputs",
            ));
        };
        let p = p
            .to_plain_array_view::<f32>()
            .map_err(|e| Error::model(&self.path, "reading output", e))?;
        let prob = p.iter().next().copied().unwrap_or(0.0);
        self.rnn = rnn.clone().into_tensor();
        self.quiet_frames = if prob < QUIET_PROB {
            self.quiet_frames + 1
        } else {
            0
        };
        if self.reset_frames > 0 && self.quiet_frames >= self.reset_frames {
            self.rnn = self.zero_rnn.clone();
            self.quiet_frames = 0;
        }
        Ok(prob)
    }
}

/// Checks the `[vad]` fields against the inputs and outputs the ONNX file declares: two
/// inputs (audio `[1, context + frame]`, state `state_shape`) and two outputs (speech
/// probability, next state). A file tract cannot parse is left to [`plan::load`].
fn check_declared(m: &Manifest, spec: &VadSpec) -> Result<()> {
    let Ok(model) = tract_onnx::onnx().model_for_path(m.model_path()) else {
        return Ok(());
    };
    let (inputs, outputs) = (model.inputs.len(), model.outputs.len());
    if (inputs, outputs) != (2, 2) {
        return Err(not_a_vad(m, inputs, outputs));
    }
    let declared = |ix: usize| {
        model
            .input_fact(ix)
            .ok()
            .and_then(|f| f.shape.as_concrete_finite().ok().flatten())
            .map(|s| s.to_vec())
    };
    let file = m.file.display();
    if let Some(audio) = declared(0)
        && audio != [1, spec.context + spec.frame]
    {
        return Err(Error::manifest(
            &m.path,
            format!(
                "[vad] context + frame = {} + {} = {}, but {file} takes audio of shape {audio:?}",
                spec.context,
                spec.frame,
                spec.context + spec.frame
            ),
        ));
    }
    if let Some(state) = declared(1)
        && state != spec.state_shape
    {
        return Err(Error::manifest(
            &m.path,
            format!(
                "[vad] state_shape = {:?}, but {file} takes a state of shape {state:?}",
                spec.state_shape
            ),
        ));
    }
    Ok(())
}

/// What `file` takes, said against the `[vad]` fields.
fn vad_fault(m: &Manifest, spec: &VadSpec, e: Error) -> Error {
    let Error::Model { source, .. } = &e else {
        return e;
    };
    let file = m.file.display();
    Error::manifest(
        &m.path,
        format!(
            "[vad] frame = {}, context = {} or state_shape = {:?} does not fit {file}: {}",
            spec.frame,
            spec.context,
            spec.state_shape,
            crate::model::frontend::onnx_mel::first_line(&source.to_string())
        ),
    )
}

fn not_a_vad(m: &Manifest, inputs: usize, outputs: usize) -> Error {
    Error::manifest(
        &m.path,
        format!(
            "`file` {} has {inputs} input(s) and {outputs} output(s); a VAD model takes \
             (audio, state) and gives (speech probability, state)",
            m.file.display()
        ),
    )
}

/// The loaded plan gives a probability and a next state of `state_shape`.
fn check_outputs(m: &Manifest, spec: &VadSpec, plan: &plan::Plan) -> Result<()> {
    let model = plan.model();
    if model.inputs.len() != 2 || model.outputs.len() != 2 {
        return Err(not_a_vad(m, model.inputs.len(), model.outputs.len()));
    }
    let state = model
        .output_fact(1)
        .ok()
        .and_then(|f| f.shape.as_concrete().map(<[usize]>::to_vec));
    if let Some(shape) = state
        && shape != spec.state_shape
    {
        return Err(Error::manifest(
            &m.path,
            format!(
                "[vad] state_shape = {:?} but {} returns a state of {shape:?}",
                spec.state_shape,
                m.file.display()
            ),
        ));
    }
    Ok(())
}

impl VoiceActivity for Vad {
    fn frame_len(&self) -> usize {
        Vad::frame_len(self)
    }

    fn reset(&mut self) {
        Vad::reset(self);
    }

    /// A copy with its own run state over the same plan (a clone is a distinct tract session).
    fn fork(&self) -> Option<Box<dyn VoiceActivity>> {
        Some(Box::new(self.clone()))
    }

    fn process(&mut self, frame: &[f32]) -> Result<f32> {
        Vad::process(self, frame)
    }
}
