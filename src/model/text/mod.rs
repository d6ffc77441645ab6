//! Text encoders in Rust: a word → its word pieces (the model's own `tokenizer.json`) →
//! the word-piece embedding, looked up here → the transformer body in tract, every layer a
//! named output → one vector per layer, pooled over the word's pieces. So CKA can compare
//! speech with the text encoding of any word, not only of the words in a bundled table.
//!
//! ```no_run
//! # use groundprobe::model::text::{Pooling, TextEncoder};
//! # fn main() -> groundprobe::error::Result<()> {
//! let mut minilm = TextEncoder::load("models/minilm-l6/manifest.toml".as_ref())?;
//! let layers = minilm.embed("saxophone", Pooling::First)?; // one vector per layer
//! let tables = minilm.tables(["cat", "dog"], Pooling::Mean, &[6])?; // for `--text`
//! # Ok(()) }
//! ```

mod pieces;
mod spec;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tract_onnx::prelude::*;

pub use spec::TextSpec;

use self::pieces::Pieces;
use super::manifest::{Manifest, ModelKind};
use super::plan::{self, PlanState};
use super::recogniser::DIGITS;
use crate::error::{Error, Result};
use crate::probe::TextTable;

/// How a word's pieces become one vector per layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pooling {
    /// The first word piece after `[CLS]` (the paper's choice).
    #[default]
    First,
    /// The mean over the word's pieces (`[CLS]` and `[SEP]` left out), as the bundled
    /// `.npy` tables are made.
    Mean,
}

/// A loaded text encoder. One per thread: [`TextEncoder::fork`] shares the loaded weights.
pub struct TextEncoder {
    manifest: Manifest,
    spec: TextSpec,
    tokenizer: Arc<tokenizers::Tokenizer>,
    embedding: Arc<Pieces>,
    state: PlanState,
}

impl TextEncoder {
    /// Loads the text encoder a manifest describes.
    ///
    /// # Errors
    /// [`Error::Manifest`] if it does not describe a text encoder, [`Error::Model`] if
    /// tract cannot load the model or it lacks a layer output, [`Error::Data`] for a bad
    /// tokenizer or embedding file.
    pub fn load(manifest_path: &Path) -> Result<Self> {
        Self::from_manifest(Manifest::load(manifest_path)?)
    }

    /// Builds the encoder from an already loaded (validated) manifest.
    ///
    /// # Errors
    /// As [`TextEncoder::load`].
    pub fn from_manifest(manifest: Manifest) -> Result<Self> {
        let spec = match (manifest.kind, &manifest.text) {
            (ModelKind::Text, Some(spec)) => spec.clone(),
            _ => {
                return Err(Error::manifest(
                    &manifest.path,
                    "this manifest does not describe a text encoder",
                ));
            }
        };
        let tokenizer_path = manifest.dir.join(&spec.tokenizer);
        let tokenizer = tokenizers::Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| Error::data(&tokenizer_path, format!("not a readable tokenizer: {e}")))?;
        let [vocab, width] = spec.embedding_shape;
        let embedding = Pieces::load(&manifest.dir.join(&spec.embedding), vocab, width)?;
        let path = manifest.model_path();
        let outputs: Vec<&str> = spec.layers.iter().map(String::as_str).collect();
        let plan = plan::load(&path, &[&[Some(1), None, Some(width)]], &outputs)?;
        let state = plan
            .spawn()
            .map_err(|e| Error::model(&path, "starting the model", e))?;
        Ok(Self {
            manifest,
            spec,
            tokenizer: Arc::new(tokenizer),
            embedding: Arc::new(embedding),
            state,
        })
    }

    /// An independent encoder for another thread, sharing this one's plan, embedding and
    /// tokenizer.
    pub fn fork(&self) -> TextEncoder {
        TextEncoder {
            manifest: self.manifest.clone(),
            spec: self.spec.clone(),
            tokenizer: Arc::clone(&self.tokenizer),
            embedding: Arc::clone(&self.embedding),
            state: self
                .state
                .plan()
                .spawn()
                .unwrap_or_else(|_| self.state.clone()),
        }
    }

    /// The encoder's name.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// Its layers (the ONNX outputs it taps), first to last.
    pub fn layers(&self) -> &[String] {
        &self.spec.layers
    }

    /// Width of every layer's vectors.
    pub fn width(&self) -> usize {
        self.spec.width
    }

    fn model_path(&self) -> PathBuf {
        self.manifest.model_path()
    }

    /// Token ids of `text` with the model's special tokens (`[CLS] … [SEP]` for BERT).
    ///
    /// # Errors
    /// [`Error::Data`] naming the tokenizer if it fails, or if `text` has no word piece.
    pub fn tokens(&self, text: &str) -> Result<Vec<u32>> {
        let path = self.manifest.dir.join(&self.spec.tokenizer);
        let ids = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| Error::data(&path, format!("encoding {text:?}: {e}")))?
            .get_ids()
            .to_vec();
        if ids.len() < 3 {
            return Err(Error::data(&path, format!("{text:?} has no word piece")));
        }
        Ok(ids)
    }

    /// Every layer's hidden states for `text`: per layer, `tokens × width` values
    /// row-major, special tokens included.
    ///
    /// # Errors
    /// As [`TextEncoder::tokens`]; [`Error::Model`] if the text is longer than the model's
    /// positions or tract fails.
    pub fn hidden(&mut self, text: &str) -> Result<Vec<Vec<f32>>> {
        let ids = self.tokens(text)?;
        let path = self.model_path();
        if ids.len() > self.spec.max_positions {
            return Err(Error::model(
                &path,
                "encoding text",
                format!(
                    "{text:?} is {} tokens, more than the model's {} positions",
                    ids.len(),
                    self.spec.max_positions
                ),
            ));
        }
        let width = self.spec.width;
        let mut rows = Vec::with_capacity(ids.len() * width);
        self.embedding.lookup(&ids, &mut rows)?;
        let input = Tensor::from_shape(&[1, ids.len(), width], &rows)
            .map_err(|e| Error::model(&path, "building the input", e))?;
        let outputs = plan::run(&mut self.state, &path, tvec![input.into()])?;
        outputs
            .iter()
            .zip(&self.spec.layers)
            .map(|(out, layer)| {
                let view = out
                    .to_plain_array_view::<f32>()
                    .map_err(|e| Error::model(&path, "reading a layer output", e))?;
                if view.shape() != [1, ids.len(), width] {
                    return Err(Error::model(
                        &path,
                        "reading a layer output",
                        format!("`{layer}` is {:?}, not [1, tokens, {width}]", view.shape()),
                    ));
                }
                Ok(view.iter().copied().collect())
            })
            .collect()
    }

    /// One vector per layer for `text`, its word pieces pooled.
    ///
    /// # Errors
    /// As [`TextEncoder::hidden`].
    pub fn embed(&mut self, text: &str, pooling: Pooling) -> Result<Vec<Vec<f32>>> {
        let width = self.spec.width;
        let layers = self.hidden(text)?;
        Ok(layers
            .iter()
            .map(|states| {
                // Word pieces sit between the first ([CLS]) and the last ([SEP]) token.
                let pieces: Vec<&[f32]> = states.chunks_exact(width).collect();
                let pieces = &pieces[1..pieces.len() - 1];
                match pooling {
                    Pooling::First => pieces[0].to_vec(),
                    Pooling::Mean => {
                        let mut mean = vec![0.0f64; width];
                        for p in pieces {
                            mean.iter_mut()
                                .zip(*p)
                                .for_each(|(m, &v)| *m += f64::from(v));
                        }
                        let n = pieces.len() as f64;
                        mean.iter().map(|m| (m / n) as f32).collect()
                    }
                }
            })
            .collect())
    }

    /// Text tables of `words` for the layers `layers` (indices into
    /// [`TextEncoder::layers`]), named `<encoder>:<layer>`. A word that is one digit is
    /// encoded as its spoken name (FSDD labels its words `0`..`9`), as the bundled tables
    /// are; repeated words are encoded once.
    ///
    /// # Errors
    /// As [`TextEncoder::embed`]; [`Error::Config`] for a layer index out of range or no
    /// words.
    pub fn tables<'a>(
        &mut self,
        words: impl IntoIterator<Item = &'a str>,
        pooling: Pooling,
        layers: &[usize],
    ) -> Result<Vec<TextTable>> {
        if let Some(&bad) = layers.iter().find(|&&l| l >= self.spec.layers.len()) {
            return Err(Error::Config {
                setting: "text encoder layer",
                reason: format!("layer {bad} of {} layers", self.spec.layers.len()),
            });
        }
        let mut seen = std::collections::HashSet::new();
        let words: Vec<&str> = words.into_iter().filter(|w| seen.insert(*w)).collect();
        let mut data = vec![Vec::with_capacity(words.len() * self.spec.width); layers.len()];
        for word in &words {
            let vectors = self.embed(spoken(word), pooling)?;
            for (rows, &l) in data.iter_mut().zip(layers) {
                rows.extend_from_slice(&vectors[l]);
            }
        }
        layers
            .iter()
            .zip(data)
            .map(|(&l, rows)| {
                let name = format!("{}:{}", self.name(), self.spec.layers[l]);
                TextTable::from_rows(name, &words, rows, self.spec.width)
            })
            .collect()
    }
}

/// The text a label is encoded as: a one-digit label's spoken name, else the label.
fn spoken(label: &str) -> &str {
    match label.as_bytes() {
        [d @ b'0'..=b'9'] => DIGITS[usize::from(d - b'0')],
        _ => label,
    }
}
