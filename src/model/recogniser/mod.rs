//! The recogniser: Whisper tiny.en's text decoder on the frames the Whisper encoder already
//! computed for a word (its final layer, unpooled), greedy decoding with guards, and the
//! decoder's own scores for candidate words (to snap a near miss to the lexicon).
//!
//! ```no_run
//! # use groundprobe::model::{Encoder, Recogniser};
//! # fn main() -> groundprobe::error::Result<()> {
//! # let (mut encoder, audio): (Encoder, Vec<f32>) = todo!();
//! let mut rec = Recogniser::load("models/whisper-tiny-en-decoder/manifest.toml".as_ref())?;
//! encoder.encode(&audio)?;
//! let frames = encoder.last_frames(rec.layer()).expect("a sequence encoder");
//! let mut word = rec.listen(frames.word())?;
//! let heard = word.recognise()?;                   // e.g. " Seven", confidence 0.93
//! let scores = word.score(&["seven", "eleven"])?;  // log-probabilities, higher is likelier
//! # Ok(()) }
//! ```

mod decoder;
mod embedding;
mod greedy;
mod projection;
mod spec;
mod text;
mod utterance;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tract_onnx::prelude::tract_ndarray::ArrayView2;

pub use greedy::{Heard, Stop};
pub use spec::RecogniserSpec;
pub use text::{DIGITS, forms, normalise};
pub use utterance::Utterance;

use self::decoder::Decoder;
use self::greedy::Rules;
use self::text::Text;
use super::manifest::{Manifest, ModelKind};
use crate::error::{Error, Result};

/// A loaded recogniser. One per thread: [`Recogniser::fork`] makes another that shares the
/// loaded weights.
pub struct Recogniser {
    manifest: Manifest,
    spec: RecogniserSpec,
    decoder: Decoder,
    text: Arc<Text>,
    rules: Rules,
    boundary: Arc<Vec<bool>>,
    context: Option<u32>,
}

impl Recogniser {
    /// Loads the recogniser a manifest describes.
    ///
    /// # Errors
    /// [`Error::Manifest`] if it does not describe a recogniser or names an unknown token,
    /// [`Error::Model`] if tract cannot load a model file, [`Error::Data`] for a bad
    /// tokenizer file.
    pub fn load(manifest_path: &Path) -> Result<Self> {
        Self::from_manifest(Manifest::load(manifest_path)?)
    }

    /// Builds the recogniser from an already loaded (validated) manifest.
    ///
    /// # Errors
    /// As [`Recogniser::load`].
    pub fn from_manifest(manifest: Manifest) -> Result<Self> {
        let bad = |reason: String| Error::manifest(&manifest.path, reason);
        let spec = match (manifest.kind, &manifest.recogniser) {
            (ModelKind::Recogniser, Some(spec)) => spec.clone(),
            _ => return Err(bad("this manifest does not describe a recogniser".into())),
        };
        let text = Text::load(&manifest.dir.join(&spec.tokenizer))?;
        let id = |name: &str, field: &str| {
            text.id(name).ok_or_else(|| {
                bad(format!(
                    "[recogniser] {field}: `{name}` is not in the tokenizer"
                ))
            })
        };
        let prompt = spec
            .prompt
            .iter()
            .map(|t| id(t, "prompt"))
            .collect::<Result<Vec<_>>>()?;
        let end = id(&spec.end, "end")?;
        let context = spec
            .context
            .as_deref()
            .map(|c| id(c, "context"))
            .transpose()?;
        let decoder = Decoder::load(&manifest.model_path(), &manifest.dir, &spec)?;
        if (end as usize) >= decoder.vocab() {
            return Err(bad(format!(
                "[recogniser] end: id {end} is outside the decoder's {} logits",
                decoder.vocab()
            )));
        }
        let boundary = Arc::new(text.boundaries(end, decoder.vocab()));
        let rules = Rules {
            prompt,
            end,
            suppress: spec.suppress.clone(),
            suppress_at_start: spec.suppress_at_start.clone(),
            max_tokens: spec.max_tokens,
        };
        Ok(Self {
            manifest,
            spec,
            decoder,
            text: Arc::new(text),
            rules,
            boundary,
            context,
        })
    }

    /// An independent recogniser for another thread, sharing this one's loaded plans,
    /// embedding and tokenizer (only the run states are new).
    pub fn fork(&self) -> Recogniser {
        Recogniser {
            manifest: self.manifest.clone(),
            spec: self.spec.clone(),
            decoder: self.decoder.fork(),
            text: Arc::clone(&self.text),
            rules: self.rules.clone(),
            boundary: Arc::clone(&self.boundary),
            context: self.context,
        }
    }

    /// The recogniser's name.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// Name of the encoder whose frames it reads.
    pub fn encoder(&self) -> &str {
        &self.spec.encoder
    }

    /// The layer of that encoder it reads (unpooled).
    pub fn layer(&self) -> &str {
        &self.spec.layer
    }

    /// Token ids of `text` in the decoder's vocabulary (no special tokens).
    ///
    /// # Errors
    /// [`Error::Data`] if the tokenizer fails.
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>> {
        self.text.encode(text)
    }

    /// Text of token ids (special tokens skipped).
    ///
    /// # Errors
    /// [`Error::Data`] if the tokenizer fails.
    pub fn detokenize(&self, ids: &[u32]) -> Result<String> {
        self.text.decode(ids)
    }

    /// Starts on one word: runs the cross-attention projection of its encoder frames
    /// `[T, width]` once; recognise and score on the returned [`Utterance`].
    ///
    /// # Errors
    /// [`Error::Model`] if the frames have the wrong width or too many rows, or tract fails.
    pub fn listen(&mut self, frames: ArrayView2<'_, f32>) -> Result<Utterance<'_>> {
        self.listen_with_context(frames, "")
    }

    /// How many tokens context text is (as [`Recogniser::listen_with_context`] reads it,
    /// before truncation).
    ///
    /// # Errors
    /// [`Error::Data`] if the tokenizer fails.
    pub fn context_tokens(&self, context: &str) -> Result<usize> {
        if context.trim().is_empty() {
            return Ok(0);
        }
        Ok(self.text.encode(&format!(" {}", context.trim()))?.len())
    }

    /// As [`Recogniser::listen`], with context text the decoder reads before the prompt
    /// (Whisper's previous-text prompt), e.g. the words a prompted session asks for:
    /// `"zero one two"`. It biases both recognition and scores towards those words. Only
    /// the last `max_positions / 2 − 1` context tokens are kept; empty text means none.
    ///
    /// # Errors
    /// As [`Recogniser::listen`]; [`Error::Config`] for context text when the manifest
    /// names no context token.
    pub fn listen_with_context(
        &mut self,
        frames: ArrayView2<'_, f32>,
        context: &str,
    ) -> Result<Utterance<'_>> {
        let mut prompt = Vec::new();
        if !context.trim().is_empty() {
            let Some(start) = self.context else {
                return Err(Error::Config {
                    setting: "recogniser context",
                    reason: format!("{} names no context token", self.manifest.path.display()),
                });
            };
            let text = self.text.encode(&format!(" {}", context.trim()))?;
            let keep = (self.spec.max_positions / 2).saturating_sub(1);
            prompt.push(start);
            prompt.extend_from_slice(&text[text.len().saturating_sub(keep)..]);
        }
        prompt.extend_from_slice(&self.rules.prompt);
        if frames.ncols() != self.spec.width || frames.nrows() == 0 {
            return Err(Error::model(
                self.manifest.model_path(),
                "reading encoder frames",
                format!(
                    "frames are {:?}, the decoder reads [T > 0, {}]",
                    frames.shape(),
                    self.spec.width
                ),
            ));
        }
        let flat: Vec<f32> = frames.iter().copied().collect();
        let kv = self.decoder.cross(&flat)?;
        Ok(Utterance {
            rec: self,
            kv,
            prompt,
            rows: HashMap::new(),
        })
    }

    /// Greedy recognition of one word's encoder frames (see [`Utterance::recognise`]).
    ///
    /// # Errors
    /// As [`Recogniser::listen`].
    pub fn recognise(&mut self, frames: ArrayView2<'_, f32>) -> Result<Heard> {
        self.listen(frames)?.recognise()
    }

    /// The decoder's scores of candidate words (see [`Utterance::score`]).
    ///
    /// # Errors
    /// As [`Recogniser::listen`].
    pub fn score(&mut self, frames: ArrayView2<'_, f32>, candidates: &[&str]) -> Result<Vec<f32>> {
        self.listen(frames)?.score(candidates)
    }

    /// The manifest file (named in errors).
    pub fn path(&self) -> &PathBuf {
        &self.manifest.path
    }
}
