//! The session's words as the word side numbers them: each word's label and speaker by
//! index, holding only the probes' window when they have one.

use std::collections::VecDeque;

/// Labels and speakers of the words held, by index (every word since the session began
/// or was cleared has one; with a window, only the most recent are kept).
#[derive(Debug, Clone, Default)]
pub(super) struct SessionWords {
    first: usize,
    words: VecDeque<(Option<String>, Option<String>)>,
    window: Option<usize>,
}

impl SessionWords {
    /// Empty, keeping at most `window` words (all when `None`).
    pub(super) fn new(window: Option<usize>) -> Self {
        Self {
            window,
            ..Self::default()
        }
    }

    /// Adds a word; returns its index.
    pub(super) fn push(&mut self, label: Option<String>, speaker: Option<String>) -> usize {
        if self.window == Some(self.words.len()) {
            self.words.pop_front();
            self.first += 1;
        }
        self.words.push_back((label, speaker));
        self.len() - 1
    }

    /// Words so far, held or not: the index the next word takes.
    pub(super) fn len(&self) -> usize {
        self.first + self.words.len()
    }

    /// Index of the oldest word held.
    pub(super) fn first(&self) -> usize {
        self.first
    }

    /// Word `i`'s label (`None` also for a word no longer held).
    pub(super) fn label(&self, i: usize) -> Option<String> {
        self.get(i).and_then(|(l, _)| l.clone())
    }

    /// Word `i`'s speaker, as [`SessionWords::label`].
    pub(super) fn speaker(&self, i: usize) -> Option<String> {
        self.get(i).and_then(|(_, s)| s.clone())
    }

    fn get(&self, i: usize) -> Option<&(Option<String>, Option<String>)> {
        self.words.get(i.checked_sub(self.first)?)
    }

    /// Forgets every word; the next is index 0.
    pub(super) fn clear(&mut self) {
        self.words.clear();
        self.first = 0;
    }
}
