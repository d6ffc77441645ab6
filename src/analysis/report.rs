//! What `analyze` finds and the files it writes: `analysis.json` (everything), one CSV per
//! analysis (`silhouette.csv`, `cka.csv`, `pairs.csv`, `identity.csv`), the figures
//! ([`super::plot`]) and `index.html` showing them with the run's settings. The figures
//! are drawn from the same rows the CSV files hold.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::projection::Projected;
use super::stats::Interval;
use super::{PAIR_KINDS, above_random};
use crate::error::{Error, Result};
use crate::event::{LayerMetrics, PairMeans};

/// The whole analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// What it was run on and with.
    pub settings: Settings,
    /// Per encoder, in the order given.
    pub encoders: Vec<EncoderReport>,
}

/// The corpus and the settings of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Word tokens found.
    pub tokens: usize,
    /// Of those, labelled.
    pub labelled: usize,
    /// The lexicon's origin.
    pub lexicon: String,
    /// Text tables for CKA.
    pub tables: Vec<String>,
    /// Word-pair seeds.
    pub seeds: Vec<u64>,
    /// Tokens per word-pair sample.
    pub sample: usize,
    /// Leave-one-out folds of the semantic silhouette (the categories present).
    pub semantic_folds: usize,
    /// Leave-one-out folds of the phonetic silhouette (the groups present).
    pub phonetic_folds: usize,
}

/// One encoder's layers.
#[derive(Debug, Clone, Serialize)]
pub struct EncoderReport {
    /// Its name.
    pub name: String,
    /// Visually grounded.
    pub grounded: bool,
    /// First to last.
    pub layers: Vec<LayerReport>,
}

/// One layer's figures.
#[derive(Debug, Clone, Serialize)]
pub struct LayerReport {
    /// The layer's name.
    pub layer: String,
    /// The probe's metrics over every token (as `run` reports them).
    pub all: LayerMetrics,
    /// Semantic silhouette, leave one category out: mean ± 95 % CI over the folds.
    pub silhouette_semantic: Interval,
    /// Phonetic silhouette, leave one phonetic group out.
    pub silhouette_phonetic: Interval,
    /// Word-pair kinds minus random, one row per seed.
    pub pairs_per_seed: Vec<PairRow>,
    /// The same over the seeds: mean ± 95 % CI per kind (in [`PAIR_KINDS`] order).
    pub pairs_pooled: Vec<Interval>,
    /// Semantic silhouette on the LDA projection (Euclidean, as the paper's final figure).
    pub lda_semantic: ProjectedSilhouette,
    /// Semantic silhouette on the first 8 principal components.
    pub pca_semantic: ProjectedSilhouette,
    /// Phonetic silhouette on the LDA projection.
    pub lda_phonetic: ProjectedSilhouette,
    /// Phonetic silhouette on the first 8 principal components.
    pub pca_phonetic: ProjectedSilhouette,
}

/// A silhouette in a projection fitted on the words it scores: over every word of the
/// kind, and leave one cluster out (mean ± 95 % CI over the folds).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ProjectedSilhouette {
    /// Over every clustered word.
    pub all: Option<f64>,
    /// Over the folds.
    pub folds: Interval,
}

impl ProjectedSilhouette {
    /// Layer `l`'s value from `per_subset` (every word first, then the folds).
    pub fn of(
        per_subset: &[Vec<Projected>],
        l: usize,
        value: fn(&Projected) -> Option<f64>,
    ) -> ProjectedSilhouette {
        let folds: Vec<f64> = per_subset[1..]
            .iter()
            .filter_map(|p| value(&p[l]))
            .collect();
        ProjectedSilhouette {
            all: per_subset.first().and_then(|p| value(&p[l])),
            folds: Interval::of(&folds),
        }
    }
}

/// One seed's pair means above the random baseline, in [`PAIR_KINDS`] order.
#[derive(Debug, Clone, Serialize)]
pub struct PairRow {
    /// The sample's seed.
    pub seed: u64,
    /// Mean cosine of each kind minus that of random pairs.
    pub above_random: Vec<Option<f64>>,
    /// The random pairs' mean cosine.
    pub random: Option<f64>,
}

impl PairRow {
    /// The row of a sample drawn with `seed`.
    pub fn of(seed: u64, pairs: &PairMeans) -> PairRow {
        PairRow {
            seed,
            above_random: PAIR_KINDS
                .iter()
                .map(|&(k, _)| above_random(pairs, k))
                .collect(),
            random: pairs.random.mean,
        }
    }

    /// Each kind over the seeds.
    pub fn pooled(rows: &[PairRow]) -> Vec<Interval> {
        (0..PAIR_KINDS.len())
            .map(|k| {
                Interval::of(
                    &rows
                        .iter()
                        .filter_map(|r| r.above_random[k])
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    }
}

/// A number for a CSV cell: empty when not computable.
fn cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:.6}"))
}

impl Report {
    /// Writes every file into `dir` (made if missing); returns the paths written.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file that could not be written.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut written = Vec::new();
        let mut put = |name: &str, bytes: Vec<u8>| -> Result<()> {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
            written.push(path);
            Ok(())
        };
        let json = serde_json::to_vec_pretty(self).expect("a report serialises");
        put("analysis.json", json)?;
        put(
            "silhouette.csv",
            self.csv(dir, "silhouette.csv", Self::silhouette_rows)?,
        )?;
        put("cka.csv", self.csv(dir, "cka.csv", Self::cka_rows)?)?;
        put("pairs.csv", self.csv(dir, "pairs.csv", Self::pair_rows)?)?;
        put(
            "identity.csv",
            self.csv(dir, "identity.csv", Self::identity_rows)?,
        )?;
        for (name, doc) in super::plot::figures(self) {
            put(&name, doc.to_string().into_bytes())?;
        }
        put("index.html", self.html().into_bytes())?;
        Ok(written)
    }

    fn csv(&self, dir: &Path, name: &str, rows: fn(&Self) -> Vec<Vec<String>>) -> Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in rows(self) {
            w.write_record(&row)
                .map_err(|e| Error::io(dir.join(name), e.into()))?;
        }
        w.into_inner()
            .map_err(|e| Error::io(dir.join(name), e.into_error()))
    }

    /// encoder, layer, kind, space (cosine, lda, pca), all, fold mean, CI low, CI high,
    /// folds.
    pub fn silhouette_rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![
            [
                "encoder", "layer", "kind", "space", "all", "mean", "low", "high", "folds",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for (e, l) in self.layers() {
            let cosine = |all, folds| ProjectedSilhouette { all, folds };
            for (kind, space, p) in [
                (
                    "phonetic",
                    "cosine",
                    cosine(l.all.silhouette_phonetic, l.silhouette_phonetic),
                ),
                (
                    "semantic",
                    "cosine",
                    cosine(l.all.silhouette_semantic, l.silhouette_semantic),
                ),
                ("phonetic", "lda", l.lda_phonetic),
                ("semantic", "lda", l.lda_semantic),
                ("phonetic", "pca", l.pca_phonetic),
                ("semantic", "pca", l.pca_semantic),
            ] {
                rows.push(vec![
                    e.name.clone(),
                    l.layer.clone(),
                    kind.into(),
                    space.into(),
                    cell(p.all),
                    cell(p.folds.mean),
                    cell(p.folds.low),
                    cell(p.folds.high),
                    p.folds.n.to_string(),
                ]);
            }
        }
        rows
    }

    /// encoder, layer, table, CKA, debiased CKA, words.
    pub fn cka_rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![
            ["encoder", "layer", "table", "cka", "cka_debiased", "words"]
                .map(String::from)
                .to_vec(),
        ];
        for (e, l) in self.layers() {
            for (table, cka) in &l.all.cka {
                rows.push(vec![
                    e.name.clone(),
                    l.layer.clone(),
                    table.clone(),
                    cell(*cka),
                    cell(l.all.cka_debiased.get(table).copied().flatten()),
                    l.all.cka_words.get(table).copied().unwrap_or(0).to_string(),
                ]);
            }
        }
        rows
    }

    /// encoder, layer, kind, seed (or `pooled`), mean above random, CI low, CI high.
    pub fn pair_rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![
            [
                "encoder",
                "layer",
                "kind",
                "seed",
                "above_random",
                "low",
                "high",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for (e, l) in self.layers() {
            for (k, (_, kind)) in PAIR_KINDS.iter().enumerate() {
                let head = [e.name.clone(), l.layer.clone(), kind.to_string()];
                for r in &l.pairs_per_seed {
                    let v = [
                        r.seed.to_string(),
                        cell(r.above_random[k]),
                        String::new(),
                        String::new(),
                    ];
                    rows.push([&head[..], &v[..]].concat());
                }
                let p = l.pairs_pooled[k];
                let pooled = ["pooled".into(), cell(p.mean), cell(p.low), cell(p.high)];
                rows.push([&head[..], &pooled[..]].concat());
            }
        }
        rows
    }

    /// encoder, layer, tokens, words, speakers, word silhouette, top-1, top-1 tokens.
    pub fn identity_rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![
            [
                "encoder",
                "layer",
                "tokens",
                "words",
                "speakers",
                "silhouette",
                "top1",
                "top1_tokens",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for (e, l) in self.layers() {
            let w = &l.all.word_identity;
            rows.push(vec![
                e.name.clone(),
                l.layer.clone(),
                w.tokens.to_string(),
                w.words.to_string(),
                w.speakers.to_string(),
                cell(w.silhouette),
                cell(w.top1),
                w.top1_tokens.to_string(),
            ]);
        }
        rows
    }

    /// Every (encoder, layer), in order.
    pub fn layers(&self) -> impl Iterator<Item = (&EncoderReport, &LayerReport)> {
        (self.encoders.iter()).flat_map(|e| e.layers.iter().map(move |l| (e, l)))
    }

    /// The page showing the figures with the settings.
    fn html(&self) -> String {
        let s = &self.settings;
        let figures: String = (super::plot::figures(self).into_iter())
            .map(|(name, _)| format!("<figure><img src=\"{name}\" alt=\"{name}\"></figure>\n"))
            .collect();
        let encoders: Vec<String> = (self.encoders.iter())
            .map(|e| format!("{}{}", e.name, if e.grounded { " (grounded)" } else { "" }))
            .collect();
        format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>groundprobe analyze</title>\n\
             <style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}img{{max-width:100%}}</style>\n\
             </head><body>\n<h1>groundprobe analyze</h1>\n<p>{} word tokens ({} labelled); encoders: {}; \
             lexicon: {}; text tables: {}; word pairs: {} seeds ({}) of {} tokens; silhouette: \
             leave one out over {} semantic categories and {} phonetic groups, mean ± 95&nbsp;% CI \
             (Student t).</p>\n\
             <p>Numbers: <a href=\"analysis.json\">analysis.json</a>, <a href=\"silhouette.csv\">silhouette.csv</a>, \
             <a href=\"cka.csv\">cka.csv</a>, <a href=\"pairs.csv\">pairs.csv</a>, <a href=\"identity.csv\">identity.csv</a>.</p>\n\
             {figures}</body></html>\n",
            s.tokens,
            s.labelled,
            encoders.join(", "),
            s.lexicon,
            s.tables.join(", "),
            s.seeds.len(),
            s.seeds
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            s.sample,
            s.semantic_folds,
            s.phonetic_folds,
        )
    }
}
