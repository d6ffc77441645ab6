//! The `[recogniser]` table of a `kind = "recogniser"` manifest.
//!
//! ```toml
//! [recogniser]
//! encoder = "whisper-tiny-en"     # the encoder whose output it reads …
//! layer = "layer4_ln"             # … at this layer, frames unpooled
//! cross_file = "cross.onnx"       # encoder frames -> cross-attention keys/values
//! cross_sha256 = "…"
//! tokenizer = "tokenizer.json"    # Hugging Face tokenizers file
//! tokenizer_sha256 = "…"
//! width = 384                     # encoder frame width
//! layers = 4                      # decoder layers (cross_kv holds 2 × layers rows)
//! max_positions = 448             # the decoder's positional table
//! prompt = ["<|startoftranscript|>", "<|notimestamps|>"]
//! end = "<|endoftext|>"
//! context = "<|startofprev|>"    # introduces context text (optional)
//! embedding = "embedding.f16"     # tied token embedding E, raw little-endian float16 …
//! embedding_sha256 = "…"
//! embedding_shape = [51864, 384]  # … [vocab, width], row-major
//! embedding_dtype = "float16"
//! max_tokens = 8                  # text tokens per word at most
//! suppress = [1, 2, 7]            # never emitted
//! suppress_at_start = [220]       # not emitted first
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::manifest::verify_checksum;

/// Recogniser specifics; token names are resolved against the tokenizer on load.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecogniserSpec {
    /// Name of the encoder whose frames the decoder reads.
    pub encoder: String,
    /// That encoder's layer (its final output).
    pub layer: String,
    /// ONNX file turning encoder frames into every layer's cross-attention keys and values.
    pub cross_file: PathBuf,
    /// Its SHA-256, hex.
    pub cross_sha256: String,
    /// Tokenizer file (Hugging Face `tokenizer.json`).
    pub tokenizer: PathBuf,
    /// Its SHA-256, hex.
    pub tokenizer_sha256: String,
    /// Width of an encoder frame.
    pub width: usize,
    /// Decoder layers.
    pub layers: usize,
    /// Longest token sequence the decoder's positional table holds.
    pub max_positions: usize,
    /// Tokens every decoding starts with, by name.
    pub prompt: Vec<String>,
    /// The end-of-text token, by name.
    pub end: String,
    /// The token that introduces context text before the prompt (Whisper's
    /// `<|startofprev|>`), by name; without it no context can be given.
    pub context: Option<String>,
    /// Raw little-endian file of the tied token embedding E, row-major: the token lookup
    /// before the decoder body and the output projection after it (logits = hidden · Eᵀ).
    pub embedding: PathBuf,
    /// Its SHA-256, hex.
    pub embedding_sha256: String,
    /// Its shape, `[vocab, width]`.
    pub embedding_shape: [usize; 2],
    /// Its element type: `"float16"`.
    pub embedding_dtype: String,
    /// Text tokens decoded per word at most.
    pub max_tokens: usize,
    /// Token ids never emitted.
    #[serde(default)]
    pub suppress: Vec<u32>,
    /// Token ids not emitted as the first text token.
    #[serde(default)]
    pub suppress_at_start: Vec<u32>,
}

impl RecogniserSpec {
    /// Checks values and the checksums of the files it names (`manifest` is the manifest
    /// file, `dir` its folder).
    ///
    /// # Errors
    /// [`Error::Manifest`] naming the field that is wrong.
    pub fn validate(&self, manifest: &Path, dir: &Path) -> Result<()> {
        let bad = |reason: &str| Err(Error::manifest(manifest, format!("[recogniser] {reason}")));
        if self.encoder.trim().is_empty() || self.layer.trim().is_empty() {
            return bad("encoder and layer must name the encoder output it reads");
        }
        if self.width == 0 || self.layers == 0 {
            return bad("width and layers must be positive");
        }
        if self.prompt.is_empty() {
            return bad("prompt must hold at least one token");
        }
        if self.max_tokens == 0 || self.prompt.len() + self.max_tokens > self.max_positions {
            return bad("max_tokens must be positive and fit max_positions with the prompt");
        }
        let [vocab, width] = self.embedding_shape;
        if vocab == 0 || width != self.width {
            return bad("embedding_shape must be [vocab > 0, width]");
        }
        if self.embedding_dtype != "float16" {
            return bad("embedding_dtype must be \"float16\"");
        }
        let embedding = dir.join(&self.embedding);
        if let Ok(meta) = std::fs::metadata(&embedding) {
            let want = (vocab * width * 2) as u64;
            if meta.len() != want {
                return Err(Error::manifest(
                    manifest,
                    format!(
                        "[recogniser] embedding: {} is {} bytes, embedding_shape {vocab} × \
                         {width} float16 needs {want}",
                        embedding.display(),
                        meta.len()
                    ),
                ));
            }
        }
        verify_checksum(manifest, &embedding, &self.embedding_sha256)?;
        verify_checksum(manifest, &dir.join(&self.cross_file), &self.cross_sha256)?;
        verify_checksum(manifest, &dir.join(&self.tokenizer), &self.tokenizer_sha256)
    }
}
