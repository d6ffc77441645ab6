//! The parts of a manifest: what the model is, its front end, input layout, layers to
//! tap, voice-activity specifics, and weights kept beside the ONNX file.

use std::path::PathBuf;

use serde::Deserialize;

/// ONNX external data: the weights in a file beside the ONNX file (which names it), so
/// that parsing reads one tensor at a time and never holds the weights twice.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// The data file, as the ONNX file's tensors name it.
    pub file: PathBuf,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// What a model does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// A word encoder with layers to tap.
    #[default]
    Encoder,
    /// A voice-activity detector.
    Vad,
    /// A speech recogniser (a text decoder) reading an encoder's output.
    Recogniser,
    /// A text encoder (words, not audio) with layers to tap.
    Text,
}

/// Front ends the engine knows.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Frontend {
    /// A mel spectrogram computed by an ONNX model of its own.
    OnnxMel {
        /// The mel model's file.
        file: PathBuf,
        /// Its SHA-256, hex.
        sha256: String,
        /// Mel bins per frame.
        n_mels: usize,
        /// Input samples are multiplied by this first (e.g. 32768 for int16-range input).
        input_gain: f32,
        /// Output is `mel × scale + offset`.
        scale: f32,
        /// See `scale`.
        offset: f32,
        /// Samples per frame hop.
        hop: usize,
        /// Samples per analysis window.
        win: usize,
    },
    /// Whisper's log-mel spectrogram, computed in Rust.
    WhisperLogMel {
        /// Mel bins (80 for Whisper tiny/base).
        n_mels: usize,
    },
    /// A head on another encoder's pooled layer vector.
    Backbone {
        /// Name of the backbone encoder.
        backbone: String,
        /// The backbone layer fed to this model.
        layer: String,
    },
}

/// How frames are fed to the model.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "layout", rename_all = "snake_case")]
pub enum InputLayout {
    /// Fixed windows of `window` frames, every `hop` frames, as a batch: input [N, window, n_mels, 1].
    Windows {
        /// Frames per window.
        window: usize,
        /// Frames between window starts.
        hop: usize,
    },
    /// The whole word at once: input [1, n_mels, T] with T dynamic.
    Sequence {
        /// T must be a multiple of this (Whisper's stride-2 stem: 2).
        frame_multiple: usize,
        /// Longest accepted T.
        max_frames: usize,
        /// Frames of context kept on each side of the word.
        #[serde(default)]
        context_frames: usize,
    },
    /// One vector (a backbone's pooled layer): input [1, d].
    Vector,
}

/// One tapped output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSpec {
    /// Layer name as shown to users.
    pub name: String,
    /// ONNX tensor (outlet) name.
    pub outlet: String,
    /// Axis holding the features; every other axis but the batch is mean-pooled. Default: last.
    pub channel_axis: Option<usize>,
}

/// Voice-activity model details.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VadSpec {
    /// New samples per call.
    pub frame: usize,
    /// Samples of the previous call prepended to each input.
    pub context: usize,
    /// Shape of the recurrent state tensor.
    pub state_shape: Vec<usize>,
}

impl Frontend {
    /// The `kind` string of this front end.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Frontend::OnnxMel { .. } => "onnx_mel",
            Frontend::WhisperLogMel { .. } => "whisper_log_mel",
            Frontend::Backbone { .. } => "backbone",
        }
    }
}

impl InputLayout {
    /// The `layout` string of this input layout.
    pub fn layout_name(&self) -> &'static str {
        match self {
            InputLayout::Windows { .. } => "windows",
            InputLayout::Sequence { .. } => "sequence",
            InputLayout::Vector => "vector",
        }
    }
}
