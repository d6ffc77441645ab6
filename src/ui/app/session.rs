//! Clearing the screen, undoing the last clear, and starting a session afresh (replay).
//! The screen mirrors what the engine does on the same command
//! ([`crate::engine::Engine::clear`], [`crate::engine::Engine::undo_clear`]), so that
//! word positions on screen stay the engine's word indices.

use std::collections::{BTreeMap, VecDeque};

use super::window::renumber;
use super::{App, LATENCY_WINDOW, Meter, MetricsSnapshot, WordView};

/// What a clear took off the screen, kept for an undo.
#[derive(Debug, Clone)]
pub(super) struct Cleared {
    /// Every word before the clear (reference words included), in order.
    words: Vec<WordView>,
    /// Words the clear kept (the reference bank, first).
    kept: usize,
    metrics: Option<MetricsSnapshot>,
    latency: BTreeMap<String, VecDeque<f64>>,
}

impl App {
    /// Forgets every session word on screen; the reference bank comes back whole (words
    /// of it that had left the window too), numbered from 0, as in the engine. Words
    /// waiting behind a pause are forgotten with them (the engine has them). The last
    /// clear can be undone ([`App::undo_clear`]).
    pub fn clear(&mut self) {
        for w in std::mem::take(&mut self.backlog) {
            self.add_word(*w);
        }
        let words = std::mem::take(&mut self.words);
        let bank = &self.reference_bank;
        let at = |old: usize| bank.iter().position(|w| w.index == old);
        self.reference_bank = renumber(bank.clone(), |_, old| at(old));
        self.hold(self.reference_bank.clone());
        self.cleared = Some(Cleared {
            words,
            kept: self.reference_bank.len(),
            metrics: self.metrics.take(),
            latency: std::mem::take(&mut self.latency),
        });
        self.map_axes = None;
        self.refresh();
    }

    /// True when a clear can be undone.
    pub fn can_undo(&self) -> bool {
        self.cleared.is_some()
    }

    /// Brings back the words the last clear took, followed by the words said since,
    /// numbered from 0 as the engine renumbers them. False when there is nothing to undo.
    pub fn undo_clear(&mut self) -> bool {
        let Some(c) = self.cleared.take() else {
            return false;
        };
        let (before, first) = (c.words.len(), c.words.first().map_or(0, |w| w.index));
        let since = std::mem::take(&mut self.words)
            .into_iter()
            .filter(|w| w.index >= c.kept);
        let mut words = c.words;
        words.extend(since);
        let len = words.len();
        // Words from before the clear point at words numbered from `first`; words said
        // since, at words numbered from `kept` (and below it, at the reference bank, which
        // leads the words from before the clear).
        let new_index = |at: usize, old: usize| {
            let i = if at >= before && old >= c.kept {
                before + old - c.kept
            } else {
                old.checked_sub(first)?
            };
            (i < len).then_some(i)
        };
        self.hold(renumber(words, new_index));
        self.metrics = self.metrics.take().or(c.metrics);
        for (stage, old) in c.latency {
            let q = self.latency.entry(stage).or_default();
            for ms in old.into_iter().rev() {
                q.push_front(ms);
            }
            while q.len() > LATENCY_WINDOW {
                q.pop_front();
            }
        }
        self.map_axes = None;
        self.refresh();
        true
    }

    /// Starts the screen afresh for a new session (a replay): words, metrics, meters
    /// and the end note go; encoders, chosen layers and the help state stay. `note`
    /// shows until the new session's first message.
    pub fn restart(&mut self, note: &str) {
        self.words.clear();
        self.reference_bank.clear();
        self.left_window = 0;
        self.backlog.clear();
        self.cleared = None;
        self.metrics = None;
        self.latency.clear();
        self.meter = Meter::default();
        self.vad_trace.clear();
        self.dropped = 0;
        self.source = None;
        self.device = None;
        self.prompt_next = 0;
        self.paused = false;
        self.reference_mode = false;
        self.replay = false;
        self.finished = None;
        self.starting = Some(note.to_string());
        self.map_axes = None;
        self.refresh();
    }
}
