//! Word encoders: a front end, a tract model with tapped layer outlets, and mean pooling,
//! all described by a [`Manifest`].

use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use super::frontend::OnnxMel;
use super::manifest::{Frontend, InputLayout, Manifest, ModelKind};
use super::plan::{self, PlanState};
use crate::error::{Error, Result};

/// One pooled vector per tapped layer, in manifest order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordVectors {
    /// `layers[i]` is the word's vector at layer `i`.
    pub layers: Vec<Vec<f32>>,
}

/// A loaded encoder, ready to embed words.
pub struct Encoder {
    manifest: Manifest,
    runner: Runner,
}

enum Runner {
    /// Fixed windows of mel frames, batched (speech_embedding).
    Windows {
        mel: OnnxMel,
        state: PlanState,
        window: usize,
        hop: usize,
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
        Ok(Self { manifest, runner })
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

    /// Embeds one word's audio (16 kHz mono): one mean-pooled vector per tapped layer.
    ///
    /// # Errors
    /// [`Error::Model`] if inference fails.
    pub fn encode(&mut self, audio: &[f32]) -> Result<WordVectors> {
        let path = self.manifest.model_path();
        let axes: Vec<Option<usize>> = self
            .manifest
            .layers
            .iter()
            .map(|l| l.channel_axis)
            .collect();
        match &mut self.runner {
            Runner::Windows {
                mel,
                state,
                window,
                hop,
            } => {
                let (window, hop) = (*window, *hop);
                let padded = pad_to(audio, mel.samples_for(window));
                let frames = mel.compute(&padded)?;
                let starts = window_starts(frames.len(), window, hop);
                let bins = frames.bins;
                let mut input =
                    tract_ndarray::Array4::<f32>::zeros((starts.len(), window, bins, 1));
                for (n, &s) in starts.iter().enumerate() {
                    for t in 0..window {
                        for (b, &v) in frames.frame(s + t).iter().enumerate() {
                            input[[n, t, b, 0]] = v;
                        }
                    }
                }
                let out = plan::run(state, &path, tvec!(input.into_tensor().into()))?;
                pool_outputs(&path, &out, &axes)
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

/// Mean over every axis but the channel axis (batch included): one vector per output.
fn pool_outputs(
    path: &PathBuf,
    outputs: &[TValue],
    channel_axes: &[Option<usize>],
) -> Result<WordVectors> {
    let mut layers = Vec::with_capacity(outputs.len());
    for (out, axis) in outputs.iter().zip(channel_axes) {
        let view = out
            .to_plain_array_view::<f32>()
            .map_err(|e| Error::model(path, "reading a layer output", e))?;
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
