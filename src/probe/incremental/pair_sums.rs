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
        self.add_pairs(i, label, 1.0);
    }

    /// Takes the oldest word `o`'s pairs (all with later tokens) out of the sums; the
    /// cosine rows are the leaving word's.
    pub(super) fn evict_pairs(&mut self, o: usize, label: &str) {
        self.add_pairs(o, label, -1.0);
    }

    /// Adds (`sign` 1) or removes (−1) the pairs of word `i` with every other token held
    /// of its word and of its partners; `self.cosines` are word i's.
    fn add_pairs(&mut self, i: usize, label: &str, sign: f64) {
        let first = self.bank.first();
        let same = self.by_label.get(label);
        let partners = self.lexicon.pairs().partners(label);
        let groups = std::iter::once((PairKind::SameWord, same)).chain(
            (partners.iter()).filter_map(|(w, kind)| Some((*kind, Some(self.by_label.get(w)?)))),
        );
        for (kind, tokens) in groups {
            let Some(tokens) = tokens else { continue };
            for (sums, cosines) in self.pairs.iter_mut().zip(&self.cosines) {
                let s = &mut sums[kind.index()];
                for &j in tokens.iter().filter(|&&j| j != i) {
                    s.sum += sign * cosines[j - first];
                    if sign > 0.0 {
                        s.count += 1;
                    } else {
                        s.count -= 1;
                    }
                }
            }
        }
    }
}
