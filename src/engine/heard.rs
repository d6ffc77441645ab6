//! What the recogniser heard, on the word side: the label a word takes from it (free mode,
//! `--labels heard`), the check of a prompted word against its prompt, and the run's tally
//! of what was heard against the labels words had from elsewhere.

use super::Engine;
use super::listen::{Listener, Listening};
use super::vocabulary::{says, spoken};
use crate::error::Result;
use crate::event::{Hearing, Match};
use crate::labels::Labels;
use crate::model::Recogniser;
use crate::model::recogniser::{Stop, normalise};
use crate::summary::{Percentiles, Recognition};

/// What a prompted word whose heard word is not the prompt is labelled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mismatch {
    /// No label: the word stays out of the labelled metrics (it still has neighbours).
    #[default]
    Drop,
    /// The word it was heard as (none when it matched no vocabulary word).
    Heard,
}

/// Counts over a session's final words.
#[derive(Debug, Clone, Default)]
pub struct HeardTally {
    words: usize,
    exact: usize,
    scored: usize,
    unmatched: usize,
    stops: [usize; 3],
    labelled: usize,
    open_right: usize,
    snapped_right: usize,
    snapped_wrong: usize,
    prompt_mismatches: usize,
    ms: Vec<f64>,
    transcript: Alignment,
}

impl HeardTally {
    /// Counts one final word heard as `h` in `ms` milliseconds; `known` is its label from
    /// its name, transcript or prompt, if any.
    fn record(&mut self, h: &Hearing, ms: f64, known: Option<&str>) {
        self.words += 1;
        self.ms.push(ms);
        match h.how {
            Match::Exact => self.exact += 1,
            Match::Scored => self.scored += 1,
            Match::None => self.unmatched += 1,
        }
        self.stops[match h.stop {
            Stop::End => 0,
            Stop::Repeat => 1,
            Stop::Cap => 2,
        }] += 1;
        if let Some(label) = known {
            self.labelled += 1;
            self.open_right += usize::from(says(&h.text, label));
            match h.word.as_deref() {
                Some(w) if w == label => self.snapped_right += 1,
                Some(_) => self.snapped_wrong += 1,
                None => {}
            }
        }
    }

    /// The summary's figures (`None` when nothing was heard); `context` is the text the
    /// decoder read before each word.
    pub fn summary(&self, context: &str) -> Option<Recognition> {
        if self.words == 0 {
            return None;
        }
        let share = |n: usize| (self.labelled > 0).then(|| n as f64 / self.labelled as f64);
        let stops = ["end", "repeat", "cap"]
            .into_iter()
            .zip(self.stops)
            .map(|(k, n)| (k.to_string(), n))
            .collect();
        Some(Recognition {
            words: self.words,
            exact: self.exact,
            scored: self.scored,
            unmatched: self.unmatched,
            stops,
            labelled: self.labelled,
            open_accuracy: share(self.open_right),
            snapped_accuracy: share(self.snapped_right),
            snapped_wrong: self.snapped_wrong,
            prompt_mismatches: self.prompt_mismatches,
            recognise_ms: Percentiles::of(&self.ms),
            context: context.to_string(),
            transcript: (self.transcript != Alignment::default()).then_some(self.transcript),
        })
    }
}

/// True when a word heard as `h` may be transcript word `label`: its text is the word,
/// one of its words is, or it was snapped to it.
fn heard_as(h: &Hearing, label: &str) -> bool {
    let want = spoken(label);
    says(&h.text, label)
        || h.word.as_deref() == Some(label)
        || normalise(&h.text).split(' ').any(|w| w == want)
}

/// How the transcripts lined up with the words found: a forward pass over each
/// transcript place, by what was heard (`engine/align.rs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Alignment {
    /// Words that took a transcript label and were heard as it.
    pub aligned: usize,
    /// Words that took a transcript label at a confident position although heard as
    /// another word (the transcript is the truth; the recogniser misheard).
    pub misheard: usize,
    /// Words no position was likely enough for: no label (split words, noises, a lost
    /// place).
    pub unaligned: usize,
    /// Transcript words no word took before the place the words reached (missed).
    pub dropped: usize,
    /// Transcript words left when their source ended.
    pub left: usize,
}

/// A word's label and, in prompted mode, its prompt.
pub(super) struct Labelled {
    pub label: Option<String>,
    pub prompt: Option<String>,
}

impl Engine {
    /// Hears every word from now on with `rec` (on this engine's encoders; prompts and the
    /// lexicon are the vocabulary it snaps to).
    ///
    /// # Errors
    /// [`crate::Error::Config`] (setting `recognise`) when the encoder the recogniser reads
    /// is not loaded; [`crate::Error::Data`] if its tokenizer fails on a word.
    pub fn set_recogniser(&mut self, rec: Recogniser, how: Listening) -> Result<()> {
        let listener = Listener::new(
            rec,
            &self.infos,
            &self.config.lexicon,
            &self.config.prompts,
            how,
        )?;
        self.front.set_listener(listener);
        Ok(())
    }

    /// Counts the current source's transcript at its end: the words no word took (aligned)
    /// or whether its count matched the words found (by position).
    pub(super) fn close_transcript(&mut self) {
        let Some(c) = self.current.as_ref().filter(|c| c.labels.is_transcript()) else {
            return;
        };
        if self.recognising() {
            let (dropped, left) = c.transcript.unused(&c.labels);
            let t = &mut self.stats.heard.transcript;
            t.dropped += dropped;
            t.left += left;
        } else {
            (c.transcript).close_positional(c.name.as_deref(), &mut self.stats.positional);
        }
    }

    /// True when words are heard.
    pub fn recognising(&self) -> bool {
        self.front.listener().is_some()
    }

    /// The label of the current source's next word, given what was heard: taken (a final
    /// word, counted in the tally) or peeked (a provisional one). A prompted word heard as
    /// another word takes the label [`Mismatch`] says, never silently the prompt.
    pub(super) fn label_word(&mut self, heard: Option<(&Hearing, f64)>, take: bool) -> Labelled {
        let src = self.current.get_or_insert_with(Default::default);
        let hearing = heard.map(|(h, _)| h);
        // `known`: a label from elsewhere (a prompt, a name), checked against what was
        // heard; `aligned`: a transcript word chosen by what was heard (not a check).
        let (known, prompt, aligned) = if src.labels == Labels::Prompted {
            let p = if take {
                self.prompts.take()
            } else {
                self.prompts.peek().map(str::to_owned)
            };
            (p.clone(), p, None)
        } else if src.labels.is_heard() {
            (None, None, None)
        } else if src.labels.is_transcript() && self.front.listener().is_some() {
            let is = |l: &str| hearing.is_some_and(|h| heard_as(h, l));
            let found = src.transcript.align(&src.labels, is, take);
            if take {
                let t = &mut self.stats.heard.transcript;
                t.aligned += usize::from(found.heard_as_it);
                t.misheard += usize::from(found.label.is_some() && !found.heard_as_it);
                t.unaligned += usize::from(found.label.is_none());
            }
            (None, None, Some(found.label))
        } else if src.labels.is_transcript() {
            (
                src.transcript.by_position(&mut src.labels, take),
                None,
                None,
            )
        } else if take {
            (src.labels.take_next(), None, None)
        } else {
            (src.labels.peek_next().map(str::to_owned), None, None)
        };
        let mismatch = match (&prompt, hearing) {
            (Some(p), Some(h)) => h.word.as_deref() != Some(p.as_str()),
            _ => false,
        };
        let label = match (aligned, hearing) {
            (Some(label), _) => label,
            (None, Some(h)) if src.labels.is_heard() => h.word.clone(),
            (None, Some(h)) if mismatch => match self.config.mismatch {
                Mismatch::Drop => None,
                Mismatch::Heard => h.word.clone(),
            },
            _ => known.clone(),
        };
        if take && let Some((h, ms)) = heard {
            self.stats.heard.record(h, ms, known.as_deref());
            self.stats.heard.prompt_mismatches += usize::from(mismatch);
        }
        Labelled { label, prompt }
    }
}
