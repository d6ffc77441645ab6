//! Clearing the screen, undoing the last clear, and starting a session afresh (replay).
//! The screen mirrors what the engine does on the same command
//! ([`crate::engine::Engine::clear`], [`crate::engine::Engine::undo_clear`]), so that
//! word positions on screen stay the engine's word indices.

use std::collections::{BTreeMap, VecDeque};

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
    /// Forgets every session word on screen; reference words stay, as in the engine.
    /// Words waiting behind a pause are forgotten with them (the engine has them). The
    /// last clear can be undone ([`App::undo_clear`]).
    pub fn clear(&mut self) {
        for w in std::mem::take(&mut self.backlog) {
            self.add_word(*w);
        }
        let words = std::mem::take(&mut self.words);
        self.words = words.iter().filter(|w| w.reference).cloned().collect();
        self.cleared = Some(Cleared {
            words,
            kept: self.words.len(),
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
    /// numbered on from them as the engine numbers them. False when there is nothing to
    /// undo.
    pub fn undo_clear(&mut self) -> bool {
        let Some(c) = self.cleared.take() else {
            return false;
        };
        let since = self.words.split_off(c.kept.min(self.words.len()));
        let shift = c.words.len() - c.kept;
        let mut words = c.words;
        for mut w in since {
            w.index += shift;
            for n in w.neighbours.values_mut().flatten() {
                if n.index >= c.kept {
                    n.index += shift;
                }
            }
            words.push(w);
        }
        self.words = words;
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
