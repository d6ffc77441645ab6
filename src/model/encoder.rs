//! Word encoders: a front end, a tract model with tapped layer outlets, and mean pooling,
//! all described by a [`Manifest`].

use std::ops::Range;
use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use super::frontend::{Frames, OnnxMel, WhisperMel};
use super::manifest::{Frontend, InputLayout, Manifest, ModelKind};
use super::plan::{self, PlanState};
use crate::error::{Error, Result};

/// One pooled vector per tapped layer, in manifest order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordVectors {
    /// `layers[i]` is the word's vector at layer `i`.
    pub layers: Vec<Vec<f32>>,
}

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

/// A loaded encoder, ready to embed words.
pub struct Encoder {
    manifest: Manifest,
    runner: Runner,
    /// The model file (named in errors).
    path: PathBuf,
    /// Each tapped layer's channel axis.
    channel_axes: Vec<Option<usize>>,
    /// A sequence encoder's outputs of its last call and the word's frame range in them,
    /// kept (not copied) for [`Encoder::last_frames`].
    last: Option<(TVec<TValue>, Range<usize>)>,
}

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
                let mel = OnnxMel::load(
                    &manifest.dir.join(file),
                    *n_mels,
                    *input_gain,
                    *scale,
                    *offset,
                    *mel_hop,
                    *win,
                )?;
                let plan = plan::load(
                    &path,
                    &[&[None, Some(*window), Some(*n_mels), Some(1)]],
                    &outlets,
                )?;
                let state = spawn(&plan, &path)?;
                Runner::Windows {
                    mel,
                    state,
                    window: *window,
                    hop: *hop,
                }
            }
            (Some(Frontend::Backbone { .. }), Some(InputLayout::Vector)) => {
                let plan = plan::load(&path, &[], &outlets)?;
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
                let plan = plan::load(&path, &[&[Some(1), Some(*n_mels), None]], &outlets)?;
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
        Ok(Self {
            manifest,
            runner,
            path,
            channel_axes,
            last: None,
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

    /// The backbone encoder and layer a head reads, if this encoder is a head.
    pub fn backbone(&self) -> Option<(&str, &str)> {
        match &self.manifest.frontend {
            Some(Frontend::Backbone { backbone, layer }) => Some((backbone, layer)),
            _ => None,
        }
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
                let frames = mel.compute(&padded)?;
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
                let frames = mel.compute(
                    &audio[first..word.end.max(first + hop * *frame_multiple).min(audio.len())],
                );
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

fn spawn(plan: &plan::Plan, path: &Path) -> Result<PlanState> {
    plan.spawn()
        .map_err(|e| Error::model(path, "starting the model", e))
}

/// Centres `audio` in zeros so it is at least `min_len` samples long.
fn pad_to(audio: &[f32], min_len: usize) -> Vec<f32> {
    if audio.len() >= min_len {
        return audio.to_vec();
    }
    let before = (min_len - audio.len()) / 2;
    let mut v = vec![0.0; min_len];
    v[before..before + audio.len()].copy_from_slice(audio);
    v
}

/// Window starts every `hop` frames, plus one flush with the end so the tail is covered.
fn window_starts(frames: usize, window: usize, hop: usize) -> Vec<usize> {
    let last = frames.saturating_sub(window);
    let mut starts: Vec<usize> = (0..=last).step_by(hop).collect();
    if starts.last() != Some(&last) {
        starts.push(last);
    }
    starts
}

/// A batch `[windows, window, bins, 1]` of mel windows starting at `starts`.
fn windows_input(frames: &Frames, starts: &[usize], window: usize) -> tract_ndarray::Array4<f32> {
    let mut input = tract_ndarray::Array4::<f32>::zeros((starts.len(), window, frames.bins, 1));
    for (n, &s) in starts.iter().enumerate() {
        for t in 0..window {
            for (b, &v) in frames.frame(s + t).iter().enumerate() {
                input[[n, t, b, 0]] = v;
            }
        }
    }
    input
}

/// Mean over every axis but the channel axis (batch included): one vector per output.
/// `frames` first restricts axis 1 (time, for sequence outputs `[1, T, C]`) to a range.
fn pool_outputs(
    path: &Path,
    outputs: &[TValue],
    channel_axes: &[Option<usize>],
    frames: Option<Range<usize>>,
) -> Result<WordVectors> {
    let mut layers = Vec::with_capacity(outputs.len());
    for (out, axis) in outputs.iter().zip(channel_axes) {
        let full = out
            .to_plain_array_view::<f32>()
            .map_err(|e| Error::model(path, "reading a layer output", e))?;
        let view = match &frames {
            Some(r) if full.ndim() == 3 && full.shape()[1] > 0 => {
                let t = full.shape()[1];
                let r = r.start.min(t - 1)..r.end.clamp(r.start.min(t - 1) + 1, t);
                full.slice_axis(tract_ndarray::Axis(1), tract_ndarray::Slice::from(r))
            }
            _ => full,
        };
        let axis = axis.unwrap_or(view.ndim() - 1);
        if axis >= view.ndim() {
            return Err(Error::model(
                path,
                "pooling a layer",
                format!(
                    "channel axis {axis} but output has shape {:?}",
                    view.shape()
                ),
            ));
        }
        let channels = view.shape()[axis];
        let count = (view.len() / channels.max(1)) as f32;
        let mut v = vec![0.0f32; channels];
        for (c, lane) in view.axis_iter(tract_ndarray::Axis(axis)).enumerate() {
            v[c] = lane.sum() / count;
        }
        layers.push(v);
    }
    Ok(WordVectors { layers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_whole_word() {
        assert_eq!(window_starts(76, 76, 8), vec![0]);
        assert_eq!(window_starts(90, 76, 8), vec![0, 8, 14]);
        assert_eq!(window_starts(92, 76, 8), vec![0, 8, 16]);
    }

    #[test]
    fn short_audio_is_centred_in_silence() {
        assert_eq!(pad_to(&[1.0, 2.0], 6), vec![0.0, 0.0, 1.0, 2.0, 0.0, 0.0]);
        assert_eq!(pad_to(&[1.0; 8], 6).len(), 8);
    }
}
