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
mod first;
mod greedy;
mod projection;
mod spec;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tract_onnx::prelude::tract_ndarray::ArrayView2;

pub use greedy::{Heard, Stop};
pub use spec::RecogniserSpec;
pub use text::{DIGITS, forms, normalise};

use self::decoder::{CrossKv, Decoder};
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

/// One word being recognised: its cross-attention keys/values and the decoder rows computed
/// so far (shared by recognition and scoring).
pub struct Utterance<'a> {
    rec: &'a mut Recogniser,
    kv: CrossKv,
    /// Context (if any) and prompt tokens.
    prompt: Vec<u32>,
    rows: HashMap<Vec<u32>, Vec<f32>>,
}

impl Utterance<'_> {
    /// Greedy decoding from the prompt (`<|startoftranscript|><|notimestamps|>` for
    /// tiny.en), stopping at end of text, at a repeated n-gram (the repeat dropped) or at the
    /// token cap; the suppressed tokens of the manifest are never emitted.
    ///
    /// # Errors
    /// [`Error::Model`] if tract fails, [`Error::Data`] if the tokenizer does.
    pub fn recognise(&mut self) -> Result<Heard> {
        let rules = Rules {
            prompt: self.prompt.clone(),
            ..self.rec.rules.clone()
        };
        let g = greedy::greedy(&rules, |prefix| self.logits(prefix))?;
        Ok(Heard {
            text: self.rec.text.decode(&g.tokens)?,
            confidence: g.confidence(),
            tokens: g.tokens,
            stop: g.stop,
        })
    }

    /// The decoder's log-probability of each candidate word (forced decoding, no
    /// suppression): log Σ over its [`forms`] of p(form's tokens) × p(a word boundary next).
    /// Higher is likelier; compare candidates of one word, not across words.
    ///
    /// # Errors
    /// As [`Utterance::recognise`].
    pub fn score(&mut self, candidates: &[&str]) -> Result<Vec<f32>> {
        let prompt = self.prompt.clone();
        let room = self.rec.spec.max_positions.saturating_sub(prompt.len());
        let mut all_forms = Vec::with_capacity(candidates.len());
        for word in candidates {
            let mut toks = forms(word)
                .iter()
                .map(|f| self.rec.text.encode(f))
                .collect::<Result<Vec<_>>>()?;
            // A form too long for the positional table cannot be scored: it scores -inf.
            toks.retain(|t| !t.is_empty() && t.len() < room);
            all_forms.push(toks);
        }
        self.form_rows(&prompt, all_forms.iter().flatten())?;
        let mut scores = Vec::with_capacity(candidates.len());
        for word_forms in &all_forms {
            let mut per_form = Vec::with_capacity(word_forms.len());
            for form in word_forms {
                per_form.push(greedy::form_log_prob(form, &self.rec.boundary, |j| {
                    let p: Vec<u32> = prompt.iter().chain(&form[..j]).copied().collect();
                    Ok(self.rows[&p].clone())
                })?);
            }
            scores.push(greedy::log_add(&per_form) as f32);
        }
        Ok(scores)
    }

    /// The decoder's raw logits (one per vocabulary entry) after a token prefix, which
    /// normally starts with the prompt.
    ///
    /// # Errors
    /// As [`Utterance::recognise`].
    pub fn logits(&mut self, prefix: &[u32]) -> Result<Vec<f32>> {
        self.rows(&[prefix.to_vec()]).map(|mut r| r.remove(0))
    }

    /// Logits after each prefix, computing the ones not cached: one body run per length
    /// (its last positions), one projection for all.
    fn rows(&mut self, prefixes: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let mut missing: Vec<&Vec<u32>> = prefixes
            .iter()
            .filter(|p| !self.rows.contains_key(*p))
            .collect();
        missing.sort_by_key(|p| p.len());
        missing.dedup();
        let width = self.rec.decoder.width();
        let mut hidden = Vec::with_capacity(missing.len() * width);
        for group in missing.chunk_by(|a, b| a.len() == b.len()) {
            let batch: Vec<&[u32]> = group.iter().map(|p| p.as_slice()).collect();
            let h = self.rec.decoder.hidden(&batch, &self.kv)?;
            let len = group[0].len();
            for b in 0..group.len() {
                let last = (b * len + len - 1) * width;
                hidden.extend_from_slice(&h[last..last + width]);
            }
        }
        self.keep(missing.into_iter().cloned().collect(), &hidden)?;
        Ok(prefixes.iter().map(|p| self.rows[p].clone()).collect())
    }

    /// Logits after the prompt and every prefix of each form (the forms' own tokens, no
    /// prompt): one body run per length of form (every position of prompt + form), one
    /// projection of the rows not cached.
    fn form_rows<'f>(
        &mut self,
        prompt: &[u32],
        forms: impl Iterator<Item = &'f Vec<u32>>,
    ) -> Result<()> {
        let mut forms: Vec<&Vec<u32>> = forms.collect();
        forms.sort_by_key(|f| f.len());
        forms.dedup();
        let width = self.rec.decoder.width();
        let (mut wanted, mut hidden): (Vec<Vec<u32>>, Vec<f32>) = (Vec::new(), Vec::new());
        for group in forms.chunk_by(|a, b| a.len() == b.len()) {
            let seqs: Vec<Vec<u32>> = group
                .iter()
                .map(|f| prompt.iter().chain(f.iter()).copied().collect())
                .collect();
            let len = seqs[0].len();
            let needs = |p: &[u32], wanted: &[Vec<u32>]| {
                !self.rows.contains_key(p) && !wanted.iter().any(|w| w == p)
            };
            if !seqs
                .iter()
                .any(|s| (prompt.len()..=len).any(|j| needs(&s[..j], &wanted)))
            {
                continue;
            }
            let batch: Vec<&[u32]> = seqs.iter().map(Vec::as_slice).collect();
            let h = self.rec.decoder.hidden(&batch, &self.kv)?;
            for (b, seq) in seqs.iter().enumerate() {
                for j in prompt.len()..=len {
                    if needs(&seq[..j], &wanted) {
                        let row = (b * len + j - 1) * width;
                        hidden.extend_from_slice(&h[row..row + width]);
                        wanted.push(seq[..j].to_vec());
                    }
                }
            }
        }
        self.keep(wanted, &hidden)
    }

    /// Projects hidden rows (one per prefix) and caches the logits by prefix.
    fn keep(&mut self, prefixes: Vec<Vec<u32>>, hidden: &[f32]) -> Result<()> {
        if prefixes.is_empty() {
            return Ok(());
        }
        let logits = self.rec.decoder.project(hidden)?;
        let vocab = logits.len() / prefixes.len();
        for (p, row) in prefixes.into_iter().zip(logits.chunks_exact(vocab)) {
            self.rows.insert(p, row.to_vec());
        }
        Ok(())
    }
}
