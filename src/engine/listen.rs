//! Hearing each word: the recogniser decodes the frames the Whisper encoder already
//! computed for the word, and the text is matched to the vocabulary — exactly, or, for a
//! near miss, by the decoder's own scores over a handful of candidates (never by spelling
//! alone).

use std::collections::VecDeque;
use std::sync::Arc;

use super::vocabulary::{Vocabulary, spoken};
use crate::error::{Error, Result};
use crate::event::{Hearing, Match};
use crate::model::encoder::LayerFrames;
use crate::model::recogniser::{Stop, normalise};
use crate::model::{EncoderInfo, Recogniser};
use crate::probe::Lexicon;

/// A candidate is taken when the decoder scores it at most this many nats below its own
/// text (probability ratio e^-3 ≈ 1/20); further off, the word stays unmatched.
pub const SNAP_MARGIN: f32 = 3.0;

/// [`Context::Auto`] reads the vocabulary when it is at most this many tokens: the decoder
/// re-reads the context at every step, so a long one costs (the 316-word paper lexicon,
/// truncated to 223 tokens, took the demo's recognition from 123 to 994 ms a word).
pub const AUTO_CONTEXT_TOKENS: usize = 32;

/// The text the decoder reads before each word (Whisper's previous-text prompt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Context {
    /// The vocabulary when it is short (at most [`AUTO_CONTEXT_TOKENS`]), else the prompts
    /// when they are, else none — and then, per source, its transcript when that is short
    /// ([`Listener::expect`]).
    #[default]
    Auto,
    /// None: the decoder hears the word with no expectation.
    None,
    /// The vocabulary's words: biases recognition towards them.
    Vocabulary,
}

/// How words are heard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Listening {
    /// What the decoder reads before each word.
    pub context: Context,
    /// How far below its own text, in nats, a candidate may score and still be taken.
    pub snap_margin: f32,
}

impl Default for Listening {
    fn default() -> Self {
        Self {
            context: Context::Auto,
            snap_margin: SNAP_MARGIN,
        }
    }
}

/// The recogniser, the encoder it reads and the words it snaps to.
pub struct Listener {
    rec: Recogniser,
    /// Index of the encoder whose frames it decodes.
    encoder: usize,
    vocabulary: Arc<Vocabulary>,
    /// The session's context text (empty: none).
    context: String,
    /// The current source's, when [`Context::Auto`] found no session context and the
    /// source has a short transcript (see [`Listener::expect`]).
    source_context: Option<String>,
    mode: Context,
    snap_margin: f32,
}

impl Listener {
    /// A listener on `encoders` (the front's, in order) snapping to the words of `lexicon`
    /// and `prompts`.
    ///
    /// # Errors
    /// [`Error::Config`] (setting `recognise`) when the encoder the recogniser reads is not
    /// loaded or lacks its layer; [`Error::Data`] if the tokenizer fails.
    pub fn new(
        rec: Recogniser,
        encoders: &[EncoderInfo],
        lexicon: &Arc<Lexicon>,
        prompts: &[String],
        how: Listening,
    ) -> Result<Self> {
        let bad = |reason: String| Error::Config {
            setting: "recognise",
            reason,
        };
        let Some(encoder) = encoders.iter().position(|e| e.name == rec.encoder()) else {
            return Err(bad(format!(
                "{} decodes `{}`'s frames: list it in --encoders, or turn recognition off",
                rec.name(),
                rec.encoder()
            )));
        };
        if !encoders[encoder].layers.iter().any(|l| l == rec.layer()) {
            return Err(bad(format!(
                "{} reads layer `{}` of `{}`, which has only {}",
                rec.name(),
                rec.layer(),
                rec.encoder(),
                encoders[encoder].layers.join(", ")
            )));
        }
        let vocabulary = Arc::new(Vocabulary::new(lexicon, prompts, &rec)?);
        let context = match how.context {
            Context::None => String::new(),
            Context::Vocabulary => vocabulary.context(),
            Context::Auto => {
                // The whole vocabulary if short, else the prompts (prompted mode) if short.
                let all = vocabulary.context();
                match short_context(&rec, [all.as_str()])? {
                    Some(text) => text,
                    None => {
                        short_context(&rec, prompts.iter().map(String::as_str))?.unwrap_or_default()
                    }
                }
            }
        };
        Ok(Self {
            rec,
            encoder,
            vocabulary,
            context,
            source_context: None,
            mode: how.context,
            snap_margin: how.snap_margin,
        })
    }

    /// A copy for another thread, sharing the weights and the vocabulary.
    pub fn fork(&self) -> Self {
        Self {
            rec: self.rec.fork(),
            encoder: self.encoder,
            vocabulary: Arc::clone(&self.vocabulary),
            context: self.context.clone(),
            source_context: None,
            mode: self.mode,
            snap_margin: self.snap_margin,
        }
    }

    /// Index of the encoder whose frames it decodes.
    pub fn encoder(&self) -> usize {
        self.encoder
    }

    /// The session's context: the text the decoder reads before each word (empty: none;
    /// a source may have its own, [`Listener::expect`]).
    pub fn context(&self) -> &str {
        &self.context
    }

    /// The words the next source is expected to hold (its transcript; `None`: unknown).
    /// With [`Context::Auto`] and no session context, a short transcript (at most
    /// [`AUTO_CONTEXT_TOKENS`]) is that source's context, as the prompts are a session's.
    pub fn expect(&mut self, words: Option<&VecDeque<String>>) {
        self.source_context = None;
        let Some(words) = words else { return };
        if self.mode != Context::Auto || !self.context.is_empty() {
            return;
        }
        // A transcript the tokenizer cannot read is simply not used as context.
        self.source_context = short_context(&self.rec, words.iter().map(String::as_str))
            .ok()
            .flatten();
    }

    /// The layer of that encoder it reads.
    pub fn layer(&self) -> &str {
        self.rec.layer()
    }

    /// What was said in a word, from its frames of [`Listener::layer`] (`None`: the
    /// encoder kept none, e.g. a word shorter than one frame — nothing is heard).
    ///
    /// # Errors
    /// [`Error::Model`] if the decoder fails, [`Error::Data`] if the tokenizer does.
    pub fn hear(&mut self, frames: Option<LayerFrames<'_>>) -> Result<Hearing> {
        let nothing = Hearing {
            text: String::new(),
            confidence: 0.0,
            word: None,
            how: Match::None,
            stop: Stop::End,
        };
        let Some(frames) = frames.filter(|f| !f.word.is_empty()) else {
            return Ok(nothing);
        };
        let context = self.source_context.as_deref().unwrap_or(&self.context);
        let mut utterance = self.rec.listen_with_context(frames.word(), context)?;
        let heard = utterance.recognise()?;
        let text = heard.text.trim().to_string();
        let mut hearing = Hearing {
            text,
            confidence: heard.confidence,
            word: None,
            how: Match::None,
            stop: heard.stop,
        };
        if let Some(label) = self.vocabulary.exact(&hearing.text) {
            hearing.word = Some(label.to_string());
            hearing.how = Match::Exact;
            return Ok(hearing);
        }
        let first = utterance.first_token_log_probs()?;
        let candidates = self.vocabulary.candidates(&hearing.text, &first);
        if candidates.is_empty() {
            return Ok(hearing);
        }
        let own = normalise(&hearing.text);
        let mut words: Vec<&str> = candidates.clone();
        if !own.is_empty() {
            words.push(&own);
        }
        let scores = utterance.score(&words)?;
        let (best, best_score) = scores[..candidates.len()].iter().enumerate().fold(
            (0, f32::NEG_INFINITY),
            |acc, (i, &s)| {
                if s > acc.1 { (i, s) } else { acc }
            },
        );
        let own_score = scores.get(candidates.len()).copied();
        let close = own_score.is_none_or(|own| best_score >= own - self.snap_margin);
        if best_score.is_finite() && close {
            hearing.word = self
                .vocabulary
                .label_of(candidates[best])
                .map(str::to_string);
            hearing.how = Match::Scored;
        }
        Ok(hearing)
    }
}

/// `words` as the decoder reads them (spoken forms, each once, space-separated), if that
/// is at most [`AUTO_CONTEXT_TOKENS`] tokens and not empty.
///
/// # Errors
/// [`Error::Data`] if the tokenizer fails.
fn short_context<'w>(
    rec: &Recogniser,
    words: impl IntoIterator<Item = &'w str>,
) -> Result<Option<String>> {
    let mut said: Vec<String> = Vec::new();
    for w in words {
        let s = spoken(w);
        if !s.is_empty() && !said.contains(&s) {
            said.push(s);
        }
    }
    let text = said.join(" ");
    let short = !text.is_empty() && rec.context_tokens(&text)? <= AUTO_CONTEXT_TOKENS;
    Ok(short.then_some(text))
}
