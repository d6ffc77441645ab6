//! Reads of the probe about one word: what two words share, and the neighbours of a word
//! that is not in the probe (a provisional word, before it is confirmed).

use super::{Probe, Token};
use crate::event::Relation;
use crate::probe::bank::{Neighbour, dot, top_k};
use crate::probe::lexicon::{Entry, normalise};

impl Probe {
    /// What words `i` and `j` share according to their labels and the lexicon.
    ///
    /// # Panics
    /// If word `i` or `j` is not held.
    pub fn relation(&self, i: usize, j: usize) -> Relation {
        self.relation_of(self.token(i), self.token(j))
    }

    /// As [`Probe::relation`], for a word labelled `label` that is not in the probe.
    ///
    /// # Panics
    /// If word `j` is not held.
    pub fn relation_to(&self, label: Option<&str>, j: usize) -> Relation {
        let label = label.map(normalise).filter(|l| !l.is_empty());
        let entry = label.as_deref().and_then(|l| self.lexicon.index_of(l));
        self.relation_of(&Token { label, entry }, self.token(j))
    }

    /// The `k` words most similar (cosine) at `layer` to a word with these vectors that
    /// is not in the probe, most similar first (ties: earlier word first): exactly the
    /// neighbours [`Probe::push`] then [`Probe::nearest`] would give it. O(n·d).
    ///
    /// # Panics
    /// If `layer` is out of range or the vector's width is not the layer's.
    pub fn nearest_to(&self, layer: usize, vector: &[f32], k: usize) -> Vec<Neighbour> {
        assert_eq!(vector.len(), self.dims()[layer], "layer width");
        let sq = dot(vector, vector);
        let inv = if sq > 0.0 { 1.0 / sq.sqrt() } else { 0.0 };
        let bank = &self.bank;
        // In a full window, the oldest word leaves when this one is pushed.
        let from = bank.first() + usize::from(bank.window() == Some(bank.len()));
        let row: Vec<f64> = (from..bank.end())
            .map(|j| dot(vector, bank.vector(layer, j)) * inv * bank.inv_norm(layer, j))
            .collect();
        top_k(&row, from, usize::MAX, k, |_| true)
    }

    fn relation_of(&self, a: &Token, b: &Token) -> Relation {
        let same_word = match (&a.label, &b.label) {
            (Some(x), Some(y)) => Some(x == y),
            _ => None,
        };
        let entries = self.lexicon.entries();
        let (ea, eb) = (a.entry.map(|e| &entries[e]), b.entry.map(|e| &entries[e]));
        let same = |f: fn(&Entry) -> Option<usize>| match (ea, eb) {
            (Some(x), Some(y)) if f(x).is_some() || f(y).is_some() => Some(f(x) == f(y)),
            _ => None,
        };
        Relation {
            same_word,
            same_phonetic_group: same(|e| e.phonetic),
            same_semantic_category: same(|e| e.semantic),
        }
    }
}
