//! The neighbours panel's lists: the latest word's nearest words under each encoder at
//! that encoder's chosen layer. At the engine's own neighbour layer the engine's list is
//! shown as sent; at any other layer the list is computed here from the vectors the
//! engine sends with every word, as the probe computes it (cosine, most similar first,
//! ties to the earlier word) and with the same relations.

use super::{App, NeighbourView};
use crate::probe::bank::{dot, top_k};

impl App {
    /// Recomputes [`App::nearest`] for the latest word.
    pub(super) fn refresh_nearest(&mut self) {
        self.nearest.clear();
        let Some(at) = self.latest_position() else {
            return;
        };
        for (e, enc) in self.encoders.iter().enumerate() {
            let layer = self.layer_of(e);
            let list = if enc.neighbour_layer == Some(layer) {
                self.words[at].neighbours.get(&enc.name).cloned()
            } else {
                self.nearest_at(&enc.name, layer, at)
            };
            if let Some(list) = list {
                self.nearest.insert(enc.name.clone(), list);
            }
        }
    }

    /// Position in [`App::words`] of the word whose neighbours are shown.
    fn latest_position(&self) -> Option<usize> {
        let session = self.words.iter().rposition(|w| !w.reference);
        session.or(self.words.len().checked_sub(1))
    }

    /// The nearest words to word `at` (a position in [`App::words`]) at `layer` of
    /// encoder `enc`, among the words with a vector there; `None` when word `at` has none.
    fn nearest_at(&self, enc: &str, layer: usize, at: usize) -> Option<Vec<NeighbourView>> {
        let vector = |i: usize| {
            self.words[i]
                .vectors
                .get(enc)
                .and_then(|l| l.get(layer))
                .and_then(Option::as_deref)
        };
        let inv_norm = |v: &[f32]| {
            let sq = dot(v, v);
            if sq > 0.0 { 1.0 / sq.sqrt() } else { 0.0 }
        };
        let q = vector(at)?;
        let qi = inv_norm(q);
        let row: Vec<f64> = (0..self.words.len())
            .map(|i| vector(i).map_or(f64::NEG_INFINITY, |v| dot(q, v) * qi * inv_norm(v)))
            .collect();
        let word = &self.words[at];
        let list = top_k(&row, 0, at, self.neighbours_shown, |i| vector(i).is_some())
            .into_iter()
            .map(|n| {
                let other = &self.words[n.index];
                NeighbourView {
                    index: other.index,
                    label: other.label.clone(),
                    similarity: n.similarity,
                    relation: self
                        .groups
                        .relation(word.label.as_deref(), other.label.as_deref()),
                }
            })
            .collect();
        Some(list)
    }
}
