//! The paper's analyses offline, over a labelled corpus's words: every layer's metrics
//! over all words (the probe's, as `run` reports them), with confidence intervals the
//! paper's way —
//! * silhouettes over the semantic categories (and the phonetic groups), computed once per
//!   category (group) with that category's (group's) words left out: mean ± 95 % CI
//!   (Student t) over the folds;
//! * word-pair similarities per kind minus the random-pair baseline, on one seeded sample
//!   of tokens per seed (ChaCha8, so any platform draws the same sample): per seed, and
//!   mean ± 95 % CI over the seeds;
//! * the same silhouettes in the paper's projections — LDA onto the clusters' discriminant
//!   directions, PCA onto 8 components — over all words and per fold ([`projection`]);
//! * CKA with every text table (plain and debiased) and word identity over all words.
//!
//! Each figure is a fresh [`Probe`] over the words of its fold or sample, so the numbers
//! are exactly the probe's (tested against scikit-learn and Kornblith in `probe`).
//! Output files: [`report`]; figures: [`plot`] and [`heatmap`]; the vectors kept between
//! runs: [`cache`].

pub mod cache;
pub mod heatmap;
pub mod plot;
pub mod projection;
pub mod report;
pub mod stats;

use std::sync::Arc;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::event::{LayerMetrics, PairMeans};
use crate::probe::{Entry, Lexicon, PairKind, Probe, TextTable};
use projection::Projected;
use report::{EncoderReport, LayerReport, PairRow, ProjectedSilhouette, Report, Settings};
use stats::Interval;

/// The paper's seeds for its word-pair samples.
pub const PAPER_SEEDS: [u64; 5] = [42, 12, 25, 31, 69];
/// The paper's sample size for word pairs (tokens per seed).
pub const PAPER_SAMPLE: usize = 10_000;

/// One word token of the corpus: its label, speaker and, per encoder, every layer's
/// pooled vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    /// The word (`None`: unlabelled; it still counts in CKA's and pairs' token set).
    pub label: Option<String>,
    /// Who said it, when known (word identity's centroids come from other speakers).
    pub speaker: Option<String>,
    /// Encoder (in [`Encoder`] order) → layer → vector.
    pub vectors: Vec<Vec<Vec<f32>>>,
}

/// An encoder as the analysis sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    /// Its name.
    pub name: String,
    /// Visually grounded.
    pub grounded: bool,
    /// Its layers, first to last.
    pub layers: Vec<String>,
}

/// What to analyse with.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Labels resolve to categories and groups through it.
    pub lexicon: Arc<Lexicon>,
    /// Text tables for CKA.
    pub tables: Vec<Arc<TextTable>>,
    /// One word-pair sample per seed.
    pub seeds: Vec<u64>,
    /// Tokens per sample: at most this many, and at most 80 % of the corpus so that the
    /// seeds draw different samples.
    pub sample: usize,
}

/// Every analysis of every layer of every encoder over `tokens`.
///
/// # Errors
/// [`crate::Error::Config`] if a token's vectors do not fit its encoder's layers.
pub fn analyze(encoders: &[Encoder], tokens: &[Token], inputs: &Inputs) -> Result<Report> {
    let sample = inputs
        .sample
        .min(tokens.len() * 4 / 5)
        .max(tokens.len().min(2));
    let semantic_folds = folds(tokens, &inputs.lexicon, SEMANTIC);
    let phonetic_folds = folds(tokens, &inputs.lexicon, PHONETIC);
    let samples: Vec<Vec<usize>> = (inputs.seeds.iter())
        .map(|&seed| {
            let mut order: Vec<usize> = (0..tokens.len()).collect();
            order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
            order.truncate(sample);
            order.sort_unstable();
            order
        })
        .collect();
    let mut reports = Vec::new();
    for (e, enc) in encoders.iter().enumerate() {
        // Every subset's probe, on as many threads as there are cores (each subset alone:
        // the same figures for any number).
        let all: Vec<usize> = (0..tokens.len()).collect();
        let subsets: Vec<&[usize]> = std::iter::once(&all[..])
            .chain(semantic_folds.iter().map(Vec::as_slice))
            .chain(phonetic_folds.iter().map(Vec::as_slice))
            .chain(samples.iter().map(Vec::as_slice))
            .collect();
        let mut found = in_parallel(&subsets, |which| metrics(e, enc, tokens, which, inputs))?;
        let seed_metrics = found.split_off(found.len() - samples.len());
        let phonetic = found.split_off(found.len() - phonetic_folds.len());
        let semantic = found.split_off(1);
        let all = found.pop().expect("the subset of every token");
        // The projected silhouettes: per kind, over every token then per fold.
        let every: Vec<usize> = (0..tokens.len()).collect();
        let jobs: Vec<(Kind, &[usize])> =
            [(SEMANTIC, &semantic_folds), (PHONETIC, &phonetic_folds)]
                .into_iter()
                .flat_map(|(kind, folds)| {
                    std::iter::once((kind, &every[..]))
                        .chain(folds.iter().map(move |f| (kind, &f[..])))
                })
                .collect();
        let mut projected = in_parallel(&jobs, |&(kind, which)| {
            Ok(projections(e, tokens, which, &inputs.lexicon, kind))
        })?;
        let phonetic_projected = projected.split_off(1 + semantic_folds.len());
        let semantic_projected = projected;
        let layers = (enc.layers.iter().enumerate())
            .map(|(l, name)| {
                let per_fold =
                    |folds: &[Vec<LayerMetrics>], f: fn(&LayerMetrics) -> Option<f64>| {
                        let values: Vec<f64> = folds.iter().filter_map(|m| f(&m[l])).collect();
                        Interval::of(&values)
                    };
                let per_seed: Vec<PairRow> = (inputs.seeds.iter().zip(&seed_metrics))
                    .map(|(&seed, m)| PairRow::of(seed, &m[l].pairs))
                    .collect();
                LayerReport {
                    layer: name.clone(),
                    silhouette_semantic: per_fold(&semantic, |m| m.silhouette_semantic),
                    silhouette_phonetic: per_fold(&phonetic, |m| m.silhouette_phonetic),
                    pairs_pooled: PairRow::pooled(&per_seed),
                    pairs_per_seed: per_seed,
                    all: all[l].clone(),
                    lda_semantic: ProjectedSilhouette::of(&semantic_projected, l, |p| p.lda),
                    pca_semantic: ProjectedSilhouette::of(&semantic_projected, l, |p| p.pca),
                    lda_phonetic: ProjectedSilhouette::of(&phonetic_projected, l, |p| p.lda),
                    pca_phonetic: ProjectedSilhouette::of(&phonetic_projected, l, |p| p.pca),
                }
            })
            .collect();
        reports.push(EncoderReport {
            name: enc.name.clone(),
            grounded: enc.grounded,
            layers,
        });
    }
    Ok(Report {
        settings: Settings {
            tokens: tokens.len(),
            labelled: tokens.iter().filter(|t| t.label.is_some()).count(),
            lexicon: inputs.lexicon.origin().display().to_string(),
            tables: inputs.tables.iter().map(|t| t.name().to_string()).collect(),
            seeds: inputs.seeds.clone(),
            sample,
            semantic_folds: semantic_folds.len(),
            phonetic_folds: phonetic_folds.len(),
        },
        encoders: reports,
    })
}

/// `f` of every item, in order, spread over the machine's cores.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = items.len().div_ceil(threads).max(1);
    let done: Vec<Result<Vec<R>>> = std::thread::scope(|scope| {
        let f = &f;
        let workers: Vec<_> = (items.chunks(chunk))
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Result<Vec<R>>>()))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("an analysis worker panicked"))
            .collect()
    });
    Ok(done
        .into_iter()
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect())
}

/// The probe's metrics of encoder `e` over the tokens `which`, per layer.
fn metrics(
    e: usize,
    enc: &Encoder,
    tokens: &[Token],
    which: &[usize],
    inputs: &Inputs,
) -> Result<Vec<LayerMetrics>> {
    let dims = tokens
        .first()
        .map_or_else(Vec::new, |t| t.vectors[e].iter().map(Vec::len).collect());
    let mut probe = Probe::new(
        enc.layers.clone(),
        dims,
        inputs.lexicon.clone(),
        inputs.tables.clone(),
    )?;
    for &i in which {
        let t = &tokens[i];
        probe.push_spoken(t.label.as_deref(), t.speaker.as_deref(), &t.vectors[e])?;
    }
    Ok(probe.metrics())
}

/// A kind of cluster: a lexicon entry's semantic category or phonetic group.
type Kind = fn(&Entry) -> Option<usize>;
const SEMANTIC: Kind = |e| e.semantic;
const PHONETIC: Kind = |e| e.phonetic;

/// The cluster of `kind` a token's label belongs to.
fn cluster_of(t: &Token, lexicon: &Lexicon, kind: Kind) -> Option<usize> {
    kind(lexicon.get(&t.label.as_deref()?.to_lowercase())?)
}

/// The LDA and PCA silhouettes of encoder `e`'s layers over the tokens `which` that have
/// a cluster of `kind`.
fn projections(
    e: usize,
    tokens: &[Token],
    which: &[usize],
    lexicon: &Lexicon,
    kind: Kind,
) -> Vec<Projected> {
    let clustered: Vec<(usize, usize)> = (which.iter())
        .filter_map(|&i| Some((i, cluster_of(&tokens[i], lexicon, kind)?)))
        .collect();
    let labels: Vec<usize> = clustered.iter().map(|&(_, c)| c).collect();
    let layers = tokens.first().map_or(0, |t| t.vectors[e].len());
    (0..layers)
        .map(|l| {
            let rows: Vec<&[f32]> = (clustered.iter())
                .map(|&(i, _)| tokens[i].vectors[e][l].as_slice())
                .collect();
            projection::projected(&rows, &labels)
        })
        .collect()
}

/// One fold per cluster of `kind` among the tokens: every token but that cluster's.
fn folds(tokens: &[Token], lexicon: &Lexicon, kind: Kind) -> Vec<Vec<usize>> {
    let cluster = |t: &Token| cluster_of(t, lexicon, kind);
    let mut clusters: Vec<usize> = tokens.iter().filter_map(cluster).collect();
    clusters.sort_unstable();
    clusters.dedup();
    (clusters.iter())
        .map(|&c| {
            (0..tokens.len())
                .filter(|&i| cluster(&tokens[i]) != Some(c))
                .collect()
        })
        .collect()
}

/// The kinds of word pair reported against the random baseline, with their names.
pub const PAIR_KINDS: [(PairKind, &str); 4] = [
    (PairKind::SameWord, "same_word"),
    (PairKind::Synonym, "synonym"),
    (PairKind::NearHomophone, "near_homophone"),
    (PairKind::SameCategory, "same_category"),
];

/// A pair kind's mean minus the random pairs' mean (`None` when either has no pair).
pub fn above_random(pairs: &PairMeans, kind: PairKind) -> Option<f64> {
    Some(pairs.get(kind).mean? - pairs.random.mean?)
}
