//! The probe's word-pair sums: cosine similarity summed per layer and kind of pair.

use super::Probe;
use crate::event::{PairMean, PairMeans};
use crate::probe::pairs::PairKind;

impl PairMeans {
    /// The entry for `kind`.
    pub fn get(&self, kind: PairKind) -> PairMean {
        match kind {
            PairKind::SameWord => self.same_word,
            PairKind::Synonym => self.synonym,
            PairKind::NearHomophone => self.near_homophone,
            PairKind::SameCategory => self.same_category,
            PairKind::Random => self.random,
        }
    }
}

/// A running sum of cosines and the pairs counted.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PairSum {
    pub(super) sum: f64,
    pub(super) count: usize,
}

impl Probe {
    /// Adds word `i`'s pairs with earlier tokens of the same word and of its partners.
    pub(super) fn push_pairs(&mut self, i: usize, label: &str) {
        let same = self
            .by_label
            .get(label)
            .map(|v| v.as_slice())
            .unwrap_or(&[]);
        let partners = self.lexicon.pairs().partners(label);
        let groups = std::iter::once((PairKind::SameWord, same)).chain(partners.iter().filter_map(
            |(w, kind)| {
                self.by_label
                    .get(w)
                    .map(|tokens| (*kind, tokens.as_slice()))
            },
        ));
        for (kind, tokens) in groups {
            for (sums, cosines) in self.pairs.iter_mut().zip(&self.cosines) {
                let s = &mut sums[kind.index()];
                for &j in tokens {
                    debug_assert!(j < i);
                    s.sum += cosines[j];
                    s.count += 1;
                }
            }
        }
    }
}
