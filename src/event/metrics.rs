//! The probe's part of the event schema: what two words share, and per-layer metrics.
//! The probe fills these; sinks and the screen read them.

use std::collections::BTreeMap;

use serde::Serialize;

/// What two words of the probe share, from their labels and the lexicon. A group or
/// category field is `None` when it cannot be said: a word is unlabelled or not in the
/// lexicon, or neither word has a group (category). A word with none does not share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Relation {
    /// Both are tokens of the same word.
    pub same_word: Option<bool>,
    /// Both are in one of the lexicon's phonetic groups.
    pub same_phonetic_group: Option<bool>,
    /// Both are in one of the lexicon's semantic categories.
    pub same_semantic_category: Option<bool>,
}

/// Mean cosine similarity over the token pairs of one kind seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairMean {
    /// The mean, `None` before the first pair.
    pub mean: Option<f64>,
    /// Token pairs counted.
    pub pairs: usize,
}

/// The word-pair analysis of one layer: mean cosine similarity per kind of pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairMeans {
    /// Two tokens of one word.
    pub same_word: PairMean,
    /// Synonyms that do not sound alike.
    pub synonym: PairMean,
    /// Sound-alikes that are not synonyms.
    pub near_homophone: PairMean,
    /// Two words of one semantic category.
    pub same_category: PairMean,
    /// Unrelated words (seeded random pairs).
    pub random: PairMean,
}

/// Word identity at one layer: how well the layer tells words apart, whoever says them
/// (any label counts, in the lexicon or not; see [`crate::probe`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WordIdentity {
    /// Labelled tokens.
    pub tokens: usize,
    /// Distinct words among them.
    pub words: usize,
    /// Distinct named speakers; a token without one is its own speaker (leave-one-out).
    pub speakers: usize,
    /// Cosine silhouette with one cluster per word.
    pub silhouette: Option<f64>,
    /// Share of tokens whose nearest word centroid (cosine; centroids from other
    /// speakers' tokens) is their own word.
    pub top1: Option<f64>,
    /// Tokens `top1` is measured on: those whose word has a token by another speaker.
    pub top1_tokens: usize,
}

/// Everything the probe knows about one layer, now. A value that cannot be computed yet
/// (too few labelled words, no word of a text table) is `None` (JSON `null`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerMetrics {
    /// The layer's name.
    pub layer: String,
    /// Words in the probe.
    pub words: usize,
    /// Words that have a semantic category.
    pub semantic_words: usize,
    /// Words that have a phonetic group.
    pub phonetic_words: usize,
    /// Cosine silhouette over the semantic categories.
    pub silhouette_semantic: Option<f64>,
    /// Cosine silhouette over the phonetic groups.
    pub silhouette_phonetic: Option<f64>,
    /// Word identity: silhouette over word labels and cross-speaker nearest-centroid top-1.
    pub word_identity: WordIdentity,
    /// Linear CKA with each text table (by table name), over the words it holds.
    pub cka: BTreeMap<String, Option<f64>>,
    /// Debiased linear CKA with each text table.
    pub cka_debiased: BTreeMap<String, Option<f64>>,
    /// Words used for each table's CKA (those present in it).
    pub cka_words: BTreeMap<String, usize>,
    /// Mean cosine similarity per kind of word pair.
    pub pairs: PairMeans,
}
