//! Word encoders: a front end, a tract model with tapped layer outlets, and mean pooling,
//! all described by a [`Manifest`].

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tract_onnx::prelude::*;

mod faults;
mod frames;
mod windows;

use faults::{layer_fault, model_fault};
pub use frames::LayerFrames;
use windows::{pad_to, pool_outputs, window_starts, windows_input};

use super::frontend::{OnnxMel, WhisperMel};
use super::manifest::{Frontend, InputLayout, Manifest, ModelKind};
use super::plan::{self, PlanState};
use super::seam::{EncoderInfo, WordEncoder, WordVectors};
use crate::error::{Error, Result};

/// A loaded encoder, ready to embed words.
#[derive(Clone)]
pub struct Encoder {
    manifest: Manifest,
    info: EncoderInfo,
    runner: Runner,
    /// The model file (named in errors).
    path: PathBuf,
    /// Each tapped layer's channel axis.
    channel_axes: Vec<Option<usize>>,
    /// A sequence encoder's outputs of its last call and the word's frame range in them,
    /// kept (not copied) for [`Encoder::last_frames`].
    last: Option<(TVec<TValue>, Range<usize>)>,
    /// How long the front end of the last audio encode took.
    front_end: Option<Duration>,
}

#[derive(Clone)]
enum Runner {
    /// Fixed windows of mel frames, batched (speech_embedding).
    Windows {
        mel: OnnxMel,
        state: PlanState,
        window: usize,
        hop: usize,
    },
    /// A head on another encoder's pooled layer vector (the grounded heads).
    Head { state: PlanState, width: usize },
    /// The whole sequence of log-mel frames at once (Whisper's encoder).
    Sequence {
        mel: WhisperMel,
        state: PlanState,
        frame_multiple: usize,
        max_frames: usize,
    },
}

impl Encoder {
    /// Loads the encoder a manifest describes.
    ///
    /// # Errors
    /// [`Error::Manifest`] if it does not describe an encoder this engine can run,
    /// [`Error::Model`] if tract cannot load a model file.
    pub fn load(manifest_path: &Path) -> Result<Self> {
        let manifest = Manifest::load(manifest_path)?;
        Self::from_manifest(manifest)
    }

    /// Builds the encoder from an already loaded manifest.
    ///
    /// # Errors
    /// As [`Encoder::load`].
    pub fn from_manifest(manifest: Manifest) -> Result<Self> {
        if manifest.kind != ModelKind::Encoder {
            return Err(Error::manifest(
                &manifest.path,
                "this manifest does not describe an encoder",
            ));
        }
        let path = manifest.model_path();
        let outlets: Vec<&str> = manifest.layers.iter().map(|l| l.outlet.as_str()).collect();
        let runner = match (&manifest.frontend, &manifest.input) {
            (
                Some(Frontend::OnnxMel {
                    file,
                    n_mels,
                    input_gain,
                    scale,
                    offset,
                    hop: mel_hop,
                    win,
                    ..
                }),
                Some(InputLayout::Windows { window, hop }),
            ) => {
                let mut mel = OnnxMel::load(
                    &manifest.dir.join(file),
                    *n_mels,
                    *input_gain,
                    *scale,
                    *offset,
                    *mel_hop,
                    *win,
                )
                .map_err(|e| model_fault(&manifest.path, "[frontend] file", e))?;
                mel.check_geometry(&manifest.path, *window)?;
                let plan = plan::load(
                    &path,
                    &[&[None, Some(*window), Some(*n_mels), Some(1)]],
                    &outlets,
                )
                .map_err(|e| layer_fault(&manifest, e, "[input] window or [frontend] n_mels"))?;
                let state = spawn(&plan, &path)?;
                Runner::Windows {
                    mel,
                    state,
                    window: *window,
                    hop: *hop,
                }
            }
            (Some(Frontend::Backbone { .. }), Some(InputLayout::Vector)) => {
                let plan = plan::load(&path, &[], &outlets)
                    .map_err(|e| layer_fault(&manifest, e, "the model's input"))?;
                let width = plan
                    .model()
                    .input_fact(0)
                    .ok()
                    .and_then(|f| f.shape.as_concrete().and_then(|s| s.last().copied()))
                    .ok_or_else(|| {
                        Error::manifest(&manifest.path, "a head's input must be [1, width]")
                    })?;
                let state = spawn(&plan, &path)?;
                Runner::Head { state, width }
            }
            (
                Some(Frontend::WhisperLogMel { n_mels }),
                Some(InputLayout::Sequence {
                    frame_multiple,
                    max_frames,
                    ..
                }),
            ) => {
                let plan = plan::load(&path, &[&[Some(1), Some(*n_mels), None]], &outlets)
                    .map_err(|e| layer_fault(&manifest, e, "[frontend] n_mels"))?;
                let state = spawn(&plan, &path)?;
                Runner::Sequence {
                    mel: WhisperMel::new(*n_mels),
                    state,
                    frame_multiple: *frame_multiple,
                    max_frames: *max_frames,
                }
            }
            (f, i) => {
                return Err(Error::manifest(
                    &manifest.path,
                    format!(
                        "front end `{}` with input layout `{}` is not supported by this build",
                        f.as_ref().map_or("none", Frontend::kind_name),
                        i.as_ref().map_or("none", InputLayout::layout_name)
                    ),
                ));
            }
        };
        let channel_axes = manifest.layers.iter().map(|l| l.channel_axis).collect();
        let info = EncoderInfo {
            name: manifest.name.clone(),
            grounded: manifest.grounded,
            layers: manifest.layers.iter().map(|l| l.name.clone()).collect(),
            neighbour_layer: manifest.neighbour_layer_index(),
            backbone: match &manifest.frontend {
                Some(Frontend::Backbone { backbone, layer }) => {
                    Some((backbone.clone(), layer.clone()))
                }
                _ => None,
            },
        };
        Ok(Self {
            manifest,
            info,
            runner,
            path,
            channel_axes,
            last: None,
            front_end: None,
        })
    }

    /// The unpooled frames of `layer` from the last [`Encoder::encode`] or
    /// [`Encoder::encode_in_context`] call, for a sequence encoder whose output of that
    /// layer is `[1, frames, width]` (Whisper's); `None` for other encoders, an unknown layer,
    /// or before the first call.
    pub fn last_frames(&self, layer: &str) -> Option<LayerFrames<'_>> {
        let (outputs, word) = self.last.as_ref()?;
        let ix = self.manifest.layers.iter().position(|l| l.name == layer)?;
        let view = outputs.get(ix)?.to_plain_array_view::<f32>().ok()?;
        let all = view
            .into_dimensionality::<tract_ndarray::Ix3>()
            .ok()?
            .index_axis_move(tract_ndarray::Axis(0), 0);
        let word = word.start.min(all.nrows())..word.end.min(all.nrows());
        Some(LayerFrames { all, word })
    }

    /// The encoder's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The encoder's name.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// Layer names, first to last.
    pub fn layer_names(&self) -> Vec<String> {
        self.manifest
            .layers
            .iter()
            .map(|l| l.name.clone())
            .collect()
    }

    /// Runs a head on its backbone's pooled vector.
    ///
    /// # Errors
    /// [`Error::Model`] if this is not a head, the vector has the wrong width, or
    /// inference fails.
    pub fn encode_vector(&mut self, vector: &[f32]) -> Result<WordVectors> {
        let (path, axes) = (&self.path, &self.channel_axes);
        let Runner::Head { state, width } = &mut self.runner else {
            return Err(Error::model(
                path,
                "encoding a vector",
                "this encoder takes audio",
            ));
        };
        if vector.len() != *width {
            return Err(Error::model(
                path,
                "encoding a vector",
                format!(
                    "backbone vector has {} values, the head takes {width}",
                    vector.len()
                ),
            ));
        }
        let input = tract_ndarray::Array2::from_shape_vec((1, *width), vector.to_vec())
            .map_err(|e| Error::model(path, "encoding a vector", e))?;
        let out = plan::run(state, path, tvec!(input.into_tensor().into()))?;
        pool_outputs(path, &out, axes, None)
    }

    /// Embeds one word's audio (16 kHz mono) on its own (*audio slicing*): one
    /// mean-pooled vector per tapped layer.
    ///
    /// # Errors
    /// [`Error::Model`] if inference fails.
    pub fn encode(&mut self, audio: &[f32]) -> Result<WordVectors> {
        self.encode_in_context(audio, 0..audio.len())
    }

    /// Embeds the word at samples `word` of a longer stretch of audio (*feature slicing*):
    /// the model sees the context, and only frames inside the word are pooled.
    ///
    /// # Errors
    /// [`Error::Model`] if inference fails.
    pub fn encode_in_context(&mut self, audio: &[f32], word: Range<usize>) -> Result<WordVectors> {
        let (path, axes) = (&self.path, &self.channel_axes);
        let word = word.start.min(audio.len())..word.end.min(audio.len());
        match &mut self.runner {
            Runner::Head { .. } => Err(Error::model(
                path,
                "encoding audio",
                "a head takes its backbone's vector (Encoder::encode_vector)",
            )),
            Runner::Windows {
                mel,
                state,
                window,
                hop,
            } => {
                let (window, hop) = (*window, *hop);
                // Cut the context down to the word plus enough on each side for one window.
                let need = mel.samples_for(window);
                let spare = need.saturating_sub(word.len()) / 2;
                let lo = word.start.saturating_sub(spare);
                let hi = (word.end + spare).min(audio.len()).max(lo);
                let padded = pad_to(&audio[lo..hi], need);
                let t = Instant::now();
                let frames = mel.compute(&padded)?;
                self.front_end = Some(t.elapsed());
                let input =
                    windows_input(&frames, &window_starts(frames.len(), window, hop), window);
                let out = plan::run(state, path, tvec!(input.into_tensor().into()))?;
                pool_outputs(path, &out, axes, None)
            }
            Runner::Sequence {
                mel,
                state,
                frame_multiple,
                max_frames,
            } => {
                let hop = super::frontend::whisper_mel::HOP;
                // Keep at most max_frames of context, ending with the word.
                let first = word.end.saturating_sub(*max_frames * hop).min(word.start);
                let t = Instant::now();
                let frames = mel.compute(
                    &audio[first..word.end.max(first + hop * *frame_multiple).min(audio.len())],
                );
                self.front_end = Some(t.elapsed());
                let t = (frames.len() / *frame_multiple) * *frame_multiple;
                if t == 0 {
                    return Err(Error::model(
                        path,
                        "encoding a word",
                        format!("{} samples is too short for this encoder", word.len()),
                    ));
                }
                let bins = frames.bins;
                let input = tract_ndarray::Array3::from_shape_fn((1, bins, t), |(_, b, f)| {
                    frames.frame(f)[b]
                });
                let out = plan::run(state, path, tvec!(input.into_tensor().into()))?;
                // Output frame j covers input frames [2j, 2j + 2): pool those inside the word.
                let stride = *frame_multiple;
                let lo = (word.start - first) / hop / stride;
                let hi = ((word.end - first).div_ceil(hop))
                    .div_ceil(stride)
                    .min(t / stride)
                    .max(lo + 1);
                let pooled = pool_outputs(path, &out, axes, Some(lo..hi));
                self.last = Some((out, lo..hi));
                pooled
            }
        }
    }
}

impl WordEncoder for Encoder {
    fn info(&self) -> &EncoderInfo {
        &self.info
    }

    /// A copy with its own run state over the same plan (a clone is a distinct tract
    /// session), without the last call's frames.
    fn fork(&self) -> Option<Box<dyn WordEncoder>> {
        let mut copy = self.clone();
        copy.last = None;
        Some(Box::new(copy))
    }

    fn encode_in_context(&mut self, audio: &[f32], word: Range<usize>) -> Result<WordVectors> {
        Encoder::encode_in_context(self, audio, word)
    }

    fn encode_vector(&mut self, vector: &[f32]) -> Result<WordVectors> {
        Encoder::encode_vector(self, vector)
    }

    fn last_front_end(&self) -> Option<Duration> {
        self.front_end
    }

    fn last_frames(&self, layer: &str) -> Option<LayerFrames<'_>> {
        Encoder::last_frames(self, layer)
    }
}

fn spawn(plan: &plan::Plan, path: &Path) -> Result<PlanState> {
    plan.spawn()
        .map_err(|e| Error::model(path, "starting the model", e))
}
