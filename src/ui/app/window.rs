//! The screen's words under a window (`--max-words N`): the screen holds the words the
//! engine's probes hold — the most recent N, the oldest leaving as a final word arrives —
//! so a day-long session keeps flat memory on screen too; and after a clear or an undo it
//! numbers its words as the engine renumbers them (from 0, in order).

use super::{App, Standing, WordView};

impl App {
    /// Drops the words that have left the engine's window now that final word `newest`
    /// is in (a provisional word moves nothing: the engine has not taken it).
    pub(super) fn trim_to_window(&mut self, newest: usize) {
        let Some(n) = self.window else { return };
        let keep_from = (newest + 1).saturating_sub(n);
        let gone = self
            .words
            .iter()
            .take_while(|w| w.index < keep_from)
            .count();
        self.words.drain(..gone);
        self.left_window += gone;
    }

    /// Words of the session so far: those on screen and those that left the window (since
    /// the last clear or undo, as the engine counts them).
    pub fn words_said(&self) -> usize {
        self.session_words().count() + self.left_window
    }

    /// The words the metrics are over, for panel titles: `35 words`, or with a window
    /// that words have left, `last 10 of 35 words` (`None` before the first metrics).
    pub fn metrics_over(&self) -> Option<String> {
        let m = self.metrics.as_ref()?;
        Some(match self.window {
            Some(n) if m.words > n => format!("last {n} of {} words", m.words),
            _ => format!("{} words", m.words),
        })
    }

    /// Shows `words` as the engine holds them after refilling its probes with them, in
    /// order: cut to the window as the refill cuts it.
    pub(super) fn hold(&mut self, words: Vec<WordView>) {
        self.words = words;
        self.left_window = 0;
        if let Some(last) = self
            .words
            .iter()
            .rev()
            .find(|w| w.standing == Standing::Final)
        {
            let last = last.index;
            self.trim_to_window(last);
        }
    }
}

/// `words` numbered 0.. in order, as a refill numbers them; each neighbour is pointed at
/// its word's new number by `new_index(position of the word it belongs to, old number)`,
/// and dropped when that word is gone.
pub(super) fn renumber(
    mut words: Vec<WordView>,
    new_index: impl Fn(usize, usize) -> Option<usize>,
) -> Vec<WordView> {
    for (at, w) in words.iter_mut().enumerate() {
        w.index = at;
        for list in w.neighbours.values_mut() {
            list.retain_mut(|n| match new_index(at, n.index) {
                Some(i) => {
                    n.index = i;
                    true
                }
                None => false,
            });
        }
    }
    words
}
