//! A probe's window: the oldest word leaves every running sum it entered, so the metrics
//! are those of the words held, as if only they had been pushed.

use super::Probe;
use crate::error::{Error, Result};
use crate::probe::bank::Bank;

impl Probe {
    /// This probe, holding at most the `window` most recent words (at least 1): each push
    /// past it first takes the oldest word out of the bank and of every metric, in
    /// O(n·d) per layer (one more pass over the bank), so memory and the cost of a word
    /// stay flat in a long session. Words keep their index ([`Probe::first`] is the
    /// oldest held). Exact tie-breaks among word identity's centroids may then differ
    /// from a probe given the held words alone (ids are reused).
    ///
    /// # Errors
    /// [`Error::Config`] if `window` is 0 or the probe holds words already.
    pub fn with_window(mut self, window: usize) -> Result<Self> {
        if window == 0 || !self.is_empty() {
            return Err(Error::Config {
                setting: "probe window",
                reason: if window == 0 {
                    "a window of 0 words".into()
                } else {
                    "set on a probe that holds words".into()
                },
            });
        }
        self.bank = Bank::with_window(self.bank.dims().to_vec(), window);
        Ok(self)
    }

    /// The window, if any: the most words held at once.
    pub fn window(&self) -> Option<usize> {
        self.bank.window()
    }

    /// Index of the oldest word held (0 until a window lets words go).
    pub fn first(&self) -> usize {
        self.bank.first()
    }

    /// Words that have left the window since the probe was made or cleared.
    pub fn evicted(&self) -> usize {
        self.bank.first()
    }

    /// Takes the oldest word out: its cosines and dot products with every word held are
    /// computed once (into the scratch rows), then each sum loses it.
    pub(super) fn evict_oldest(&mut self) {
        let Some(token) = self.tokens.front().cloned() else {
            return;
        };
        let o = self.bank.first();
        self.fill_rows(o, o..self.bank.end());
        if let Some(e) = token.entry.map(|e| &self.lexicon.entries()[e]) {
            if e.semantic.is_some() {
                self.semantic.evict(o, &self.cosines, o);
            }
            if e.phonetic.is_some() {
                self.phonetic.evict(o, &self.cosines, o);
            }
        }
        if let Some(label) = &token.label {
            let selfs = self.selfs(o);
            self.identity.evict(&self.cosines, &selfs, o);
            self.evict_cka(o);
            self.evict_pairs(o, label);
            if let Some(tokens) = self.by_label.get_mut(label) {
                tokens.pop_front();
                if tokens.is_empty() {
                    self.by_label.remove(label);
                }
            }
        }
        self.tokens.pop_front();
        self.dot_first.iter_mut().for_each(|f| {
            f.pop_front();
        });
        self.bank.evict();
    }
}
