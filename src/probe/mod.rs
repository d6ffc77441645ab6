//! The probe: what each encoder's layers know about the words said so far — the analyses
//! of Sauter, Zuidema & de Heer Kloots (2025, arXiv 2509.15837), kept up to date one word
//! at a time.
//!
//! # Engine API
//!
//! One [`Probe`] per encoder, shared read-only inputs behind `Arc`:
//!
//! ```no_run
//! use std::sync::Arc;
//! use groundprobe::probe::{Lexicon, Probe, TextTable};
//! # fn main() -> groundprobe::Result<()> {
//! let lexicon = Arc::new(Lexicon::paper());            // or Lexicon::digits(), Lexicon::load(path)?
//! let bert = Arc::new(TextTable::load("bert6", "bert6.npy".as_ref())?); // + bert6.words.txt
//! let mut probe = Probe::new(
//!     vec!["conv3".into(), "out".into()],              // layer names
//!     vec![96, 96],                                    // layer widths
//!     lexicon.clone(),
//!     vec![bert],                                      // text tables (may be empty)
//! )?;
//! # let (v3, vout) = (vec![0.0f32; 96], vec![0.0f32; 96]);
//! let i = probe.push(Some("violin"), &[v3, vout])?;     // O(n·d) per layer
//! for n in probe.nearest(1, i, 5) {                     // O(n) for the newest word
//!     let rel = probe.relation(i, n.index);              // same group / category?
//!     println!("{:?} {:.3} {:?}", probe.label(n.index), n.similarity, rel);
//! }
//! let metrics = probe.metrics();                        // Vec<LayerMetrics>, serde::Serialize
//! println!("{}", serde_json::to_string(&metrics).unwrap());
//! probe.clear();                                        // forget every word
//! # Ok(()) }
//! ```
//!
//! * [`Probe::push`]`(label: Option<&str>, vectors: &[V]) -> Result<usize>`: labels are
//!   matched to the lexicon case-insensitively; unlabelled words still get neighbours.
//! * [`Probe::nearest`]`(layer, i, k)` / [`Probe::nearest_where`]`(layer, i, k, keep)`.
//! * [`Probe::relation`]`(i, j) -> `[`Relation`] `{ same_word, same_phonetic_group,
//!   same_semantic_category }`, each `Option<bool>` (`None`: not known for a word).
//! * [`Probe::metrics`]`() -> Vec<`[`LayerMetrics`]`>` per layer: `silhouette_semantic`,
//!   `silhouette_phonetic`, `cka` / `cka_debiased` (by table name), word counts, and
//!   `pairs` (mean cosine per [`PairKind`]) and `word_identity` ([`WordIdentity`]:
//!   silhouette over word labels, cross-speaker nearest-centroid top-1). Anything not
//!   computable yet is `None`.
//! * [`Probe::push_spoken`]`(label, speaker, vectors)`: as `push`, with the speaker when
//!   known (word identity's centroids then come from other speakers).
//! * [`Probe::with_window`]`(n)`: hold only the `n` most recent words. Each push past
//!   `n` takes the oldest out of the bank and of every running sum (one more O(n·d) pass
//!   per layer), so memory and a word's cost stay flat and the metrics are exactly those
//!   of the words held; indices stay arrival numbers ([`Probe::first`] is the oldest).
//!
//! # Method
//!
//! * Silhouette: cosine distance, equal to scikit-learn's `silhouette_score(X, labels,
//!   metric="cosine")` ([`silhouette`]); words without a category/group are left out.
//! * Linear CKA, plain and debiased, as Kornblith et al. 2019 ([`cka`]), between a layer
//!   and a text table over the words the table holds (one row per token, in order).
//! * Word pairs after Choi et al. 2024 ([`pairs::WordPairs`]): same word, synonym,
//!   near-homophone, same category, random.
//! * Word identity: silhouette with one cluster per word; nearest-centroid
//!   top-1 with centroids from other speakers' tokens (leave-one-out without speakers).
//! * Phonetic distance: Levenshtein over ARPAbet phones / longer length ([`phonetic`]).
//!
//! # Cost of one [`Probe::push`]
//!
//! With n words so far, layer widths dₗ and text-table widths dₜ: one dot product with
//! every earlier word per layer, O(n·Σdₗ), plus O(n·dₜ) per text table holding the word
//! and O(n) bookkeeping per layer for the silhouettes (per-word per-cluster distance
//! sums, and per-word cosine sums for word identity), the CKA Gram sums and the pair
//! sums. [`Probe::metrics`] costs O(n·(categories + groups + words)) per layer. Memory:
//! the vectors (f32) plus 8·n·(categories + groups + 2·words) bytes per layer, n the
//! words held (all of them, or a window's).

pub mod bank;
pub mod cka;
mod identity;
mod incremental;
pub mod lexicon;
pub mod pairs;
pub mod phonetic;
pub mod silhouette;
pub mod table;

pub use crate::event::{LayerMetrics, PairMean, PairMeans, Relation, WordIdentity};
pub use bank::{Bank, Neighbour};
pub use incremental::Probe;
pub use lexicon::{Entry, Lexicon, NoPronunciation};
pub use pairs::{PairKind, WordPairs};
pub use phonetic::{Phone, phone_distance};
pub use table::TextTable;
