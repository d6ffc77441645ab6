//! The probe's metrics read from its running sums: every layer's, and the live view's.

use std::collections::BTreeMap;

use super::Probe;
use crate::event::{LayerMetrics, PairMean, PairMeans, WordIdentity};
use crate::probe::cka::cka_from_stats;
use crate::probe::pairs::PairKind;

impl Probe {
    /// The metrics of every layer, now. O(n·(categories + groups + words)) per layer.
    pub fn metrics(&self) -> Vec<LayerMetrics> {
        (0..self.layer_names.len())
            .map(|l| self.layer_metrics(l, self.identity.metrics(l, true)))
            .collect()
    }

    /// As [`Probe::metrics`], for a view refreshed after every word: O(n·(categories +
    /// groups)) per layer, and word identity's O(n·words) scores recomputed only as often
    /// as a bounded cost per word allows (between refreshes, those of the last one; its
    /// `tokens` says over how many tokens).
    pub fn live_metrics(&mut self) -> Vec<LayerMetrics> {
        let identity = self.identity.live().to_vec();
        identity
            .into_iter()
            .enumerate()
            .map(|(l, id)| self.layer_metrics(l, id))
            .collect()
    }

    /// The metrics of one layer, now, with word identity as given.
    fn layer_metrics(&self, layer: usize, word_identity: WordIdentity) -> LayerMetrics {
        let mut cka = BTreeMap::new();
        let mut cka_debiased = BTreeMap::new();
        let mut cka_words = BTreeMap::new();
        for (table, state) in self.tables.iter().zip(&self.cka) {
            let (xy, xx) = &state.layers[layer];
            let name = table.name().to_string();
            cka.insert(name.clone(), cka_from_stats(xy, xx, &state.yy, false));
            cka_debiased.insert(name.clone(), cka_from_stats(xy, xx, &state.yy, true));
            cka_words.insert(name, state.members.len());
        }
        let mean = |k: PairKind| {
            let s = self.pairs[layer][k.index()];
            PairMean {
                mean: (s.count > 0).then(|| s.sum / s.count as f64),
                pairs: s.count,
            }
        };
        LayerMetrics {
            layer: self.layer_names[layer].clone(),
            words: self.len(),
            semantic_words: self.semantic.len(),
            phonetic_words: self.phonetic.len(),
            silhouette_semantic: self.semantic.score(layer),
            silhouette_phonetic: self.phonetic.score(layer),
            word_identity,
            cka,
            cka_debiased,
            cka_words,
            pairs: PairMeans {
                same_word: mean(PairKind::SameWord),
                synonym: mean(PairKind::Synonym),
                near_homophone: mean(PairKind::NearHomophone),
                same_category: mean(PairKind::SameCategory),
                random: mean(PairKind::Random),
            },
        }
    }
}
