//! Where the labels of a source's words come from: nothing, one label for every word (a
//! one-word file), a transcript (aligned to the words by what was heard when the
//! recogniser runs, `engine::align`; else the n-th word gets the n-th label), the session's
//! prompt list (the word the screen asked for), or what the recogniser heard — and, when
//! known, who speaks them.

use std::collections::VecDeque;

/// The labels of one source's words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Labels {
    /// Unlabelled words.
    #[default]
    None,
    /// Every word of the source gets this label (one-word files named `<label>_….wav`).
    Fixed(String),
    /// The n-th word gets the n-th label (a transcript); then none.
    Sequence(VecDeque<String>),
    /// Each word takes the session's next prompt (see [`Prompts`]).
    Prompted,
    /// Each word takes the vocabulary word the recogniser heard it as (none when it heard
    /// no such word, or does not run).
    Heard,
    /// These labels, every word said by one known speaker (word identity across speakers).
    Spoken {
        /// The speaker's name (from a file name or folder).
        speaker: String,
        /// Where the words' labels come from.
        labels: Box<Labels>,
    },
}

impl Labels {
    /// A transcript's labels: its whitespace-separated tokens, lower-cased, in order.
    pub fn transcript(text: &str) -> Labels {
        Labels::Sequence(text.split_whitespace().map(str::to_lowercase).collect())
    }

    /// The same labels, said by `speaker`.
    pub fn by_speaker(self, speaker: impl Into<String>) -> Labels {
        Labels::Spoken {
            speaker: speaker.into(),
            labels: Box::new(self),
        }
    }

    /// The speaker of every word, when known.
    pub fn speaker(&self) -> Option<&str> {
        match self {
            Labels::Spoken { speaker, .. } => Some(speaker),
            _ => None,
        }
    }

    /// True when the words take what the recogniser heard.
    pub fn is_heard(&self) -> bool {
        match self {
            Labels::Heard => true,
            Labels::Spoken { labels, .. } => labels.is_heard(),
            _ => false,
        }
    }

    /// The label [`Labels::take_next`] would give now, taking nothing.
    pub fn peek_next(&self) -> Option<&str> {
        match self {
            Labels::None | Labels::Prompted | Labels::Heard => None,
            Labels::Fixed(l) => Some(l),
            Labels::Sequence(q) => q.front().map(String::as_str),
            Labels::Spoken { labels, .. } => labels.peek_next(),
        }
    }

    /// Transcript labels not taken yet (0 for other rules).
    pub fn remaining(&self) -> usize {
        match self {
            Labels::Sequence(q) => q.len(),
            Labels::Spoken { labels, .. } => labels.remaining(),
            _ => 0,
        }
    }

    /// The words a transcript has left (`None` for other labels).
    pub fn transcript_words(&self) -> Option<&VecDeque<String>> {
        match self {
            Labels::Sequence(words) => Some(words),
            Labels::Spoken { labels, .. } => labels.transcript_words(),
            _ => None,
        }
    }

    /// True for a transcript's labels.
    pub fn is_transcript(&self) -> bool {
        match self {
            Labels::Sequence(_) => true,
            Labels::Spoken { labels, .. } => labels.is_transcript(),
            _ => false,
        }
    }

    /// The next word's label from a source-level rule (`None` for [`Labels::Prompted`],
    /// whose labels come from [`Prompts::take`]).
    pub fn take_next(&mut self) -> Option<String> {
        match self {
            Labels::None | Labels::Prompted | Labels::Heard => None,
            Labels::Fixed(l) => Some(l.clone()),
            Labels::Sequence(q) => q.pop_front(),
            Labels::Spoken { labels, .. } => labels.take_next(),
        }
    }
}

/// The session's prompt list, cycled: the word the screen shows next is the label the
/// next prompted word takes, by construction (one counter, kept by the engine).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompts {
    words: Vec<String>,
    next: usize,
}

impl Prompts {
    /// A cycle over `words` (empty: no prompts).
    pub fn new(words: Vec<String>) -> Self {
        Self { words, next: 0 }
    }

    /// True when there is nothing to prompt.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The label for the word just said, advancing the cycle.
    pub fn take(&mut self) -> Option<String> {
        let word = self.words.get(self.next % self.words.len().max(1))?.clone();
        self.next += 1;
        Some(word)
    }

    /// The label [`Prompts::take`] would give now, taking nothing.
    pub fn peek(&self) -> Option<&str> {
        self.words
            .get(self.next % self.words.len().max(1))
            .map(String::as_str)
    }

    /// Prompts taken so far.
    pub fn taken(&self) -> usize {
        self.next
    }

    /// The next `n` prompts, the first being the one the next word takes.
    pub fn upcoming(&self, n: usize) -> Vec<String> {
        if self.words.is_empty() {
            return Vec::new();
        }
        (0..n)
            .map(|k| self.words[(self.next + k) % self.words.len()].clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_cycle_and_upcoming_starts_with_the_next_label() {
        let mut p = Prompts::new(vec!["a".into(), "b".into(), "c".into()]);
        assert_eq!(p.upcoming(2), ["a", "b"]);
        assert_eq!(p.take().as_deref(), Some("a"));
        assert_eq!(p.take().as_deref(), Some("b"));
        assert_eq!(p.upcoming(3), ["c", "a", "b"]);
        assert_eq!(p.take().as_deref(), Some("c"));
        assert_eq!(p.take().as_deref(), Some("a"));
        assert!(Prompts::default().take().is_none());
    }

    #[test]
    fn transcript_labels_are_taken_in_order_then_run_out() {
        let mut l = Labels::transcript("Piano  violin\nbus");
        assert_eq!(l.take_next().as_deref(), Some("piano"));
        assert_eq!(l.take_next().as_deref(), Some("violin"));
        assert_eq!(l.take_next().as_deref(), Some("bus"));
        assert_eq!(l.take_next(), None);
        let mut s = Labels::Fixed("7".into()).by_speaker("theo");
        assert_eq!(s.speaker(), Some("theo"));
        assert_eq!(s.take_next().as_deref(), Some("7"));
        assert_eq!(Labels::None.speaker(), None);
    }
}
