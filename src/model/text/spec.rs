//! The `[text]` table of a `kind = "text"` manifest: a text encoder whose token embedding
//! is looked up in Rust and whose body tract runs, every layer a named output.
//!
//! ```toml
//! [text]
//! tokenizer = "tokenizer.json"    # Hugging Face tokenizers file
//! tokenizer_sha256 = "…"
//! embedding = "embedding.f32"     # word-piece embedding, raw little-endian …
//! embedding_sha256 = "…"
//! embedding_shape = [30522, 384]  # … [vocab, width], row-major
//! embedding_dtype = "float32"
//! width = 384
//! max_positions = 512             # longest token sequence (with [CLS] and [SEP])
//! layers = ["layer0", "layer1"]   # ONNX outputs, first to last
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::manifest::verify_checksum;

/// Text-encoder specifics.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextSpec {
    /// Tokenizer file (Hugging Face `tokenizer.json`, adding the model's special tokens).
    pub tokenizer: PathBuf,
    /// Its SHA-256, hex.
    pub tokenizer_sha256: String,
    /// Raw little-endian file of the word-piece embedding, row-major.
    pub embedding: PathBuf,
    /// Its SHA-256, hex.
    pub embedding_sha256: String,
    /// Its shape, `[vocab, width]`.
    pub embedding_shape: [usize; 2],
    /// Its element type: `"float32"`.
    pub embedding_dtype: String,
    /// Width of a hidden state.
    pub width: usize,
    /// Longest token sequence the model's positional table holds.
    pub max_positions: usize,
    /// The ONNX outputs to tap, first to last layer (each `[1, tokens, width]`).
    pub layers: Vec<String>,
}

impl TextSpec {
    /// Checks values and the checksums of the files it names (`manifest` is the manifest
    /// file, `dir` its folder).
    ///
    /// # Errors
    /// [`Error::Manifest`] naming the field that is wrong.
    pub fn validate(&self, manifest: &Path, dir: &Path) -> Result<()> {
        let bad = |reason: String| Err(Error::manifest(manifest, format!("[text] {reason}")));
        let [vocab, width] = self.embedding_shape;
        if self.width == 0 || vocab == 0 || width != self.width {
            return bad(format!(
                "embedding_shape {:?} must be [vocab > 0, width = {}]",
                self.embedding_shape, self.width
            ));
        }
        if self.embedding_dtype != "float32" {
            return bad(format!(
                "embedding_dtype `{}` is not supported: \"float32\"",
                self.embedding_dtype
            ));
        }
        if self.max_positions < 3 {
            return bad("max_positions must leave room for a word between [CLS] and [SEP]".into());
        }
        if self.layers.is_empty() {
            return bad("layers must name at least one output".into());
        }
        let mut seen = HashSet::new();
        if let Some(twice) = self.layers.iter().find(|l| !seen.insert(*l)) {
            return bad(format!("layer `{twice}` appears twice"));
        }
        let embedding = dir.join(&self.embedding);
        if let Ok(meta) = std::fs::metadata(&embedding) {
            let want = (vocab * width * 4) as u64;
            if meta.len() != want {
                return bad(format!(
                    "embedding: {} is {} bytes, embedding_shape {vocab} × {width} float32 needs \
                     {want}",
                    embedding.display(),
                    meta.len()
                ));
            }
        }
        verify_checksum(manifest, &embedding, &self.embedding_sha256)?;
        verify_checksum(manifest, &dir.join(&self.tokenizer), &self.tokenizer_sha256)
    }
}
