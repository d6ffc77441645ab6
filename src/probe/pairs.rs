//! The word-pair analysis's pair lists (after Choi et al. 2024): for each word, its
//! synonyms, near-homophones, category mates and random partners.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

use super::lexicon::{bad_line, content_lines, normalise, read_text};
use crate::error::Result;

const PAPER_PAIRS_TSV: &str = include_str!("../../models/lexicon/paper.pairs.tsv");

/// A kind of word pair in the word-pair analysis (after Choi et al. 2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PairKind {
    /// Two tokens of the same word (from the labels; not listed in pair files).
    SameWord,
    /// WordNet synonyms that do not sound alike (phonetic distance > 0.4).
    Synonym,
    /// Sound-alikes (0 < phonetic distance ≤ 0.4) that are not synonyms.
    NearHomophone,
    /// Two words of one semantic category.
    SameCategory,
    /// Seeded random pairs of unrelated words.
    Random,
}

impl PairKind {
    /// Every kind, in a fixed order (the index of a kind is its position here).
    pub const ALL: [PairKind; 5] = [
        PairKind::SameWord,
        PairKind::Synonym,
        PairKind::NearHomophone,
        PairKind::SameCategory,
        PairKind::Random,
    ];

    /// The name used in pair files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            PairKind::SameWord => "same_word",
            PairKind::Synonym => "synonym",
            PairKind::NearHomophone => "near_homophone",
            PairKind::SameCategory => "same_category",
            PairKind::Random => "random",
        }
    }

    /// Position in [`PairKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    fn from_file_name(s: &str) -> Option<PairKind> {
        PairKind::ALL[1..].iter().copied().find(|k| k.name() == s)
    }
}

impl fmt::Display for PairKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Word-pair lists: for each word, its partners and the kind of each pair.
#[derive(Debug, Clone, Default)]
pub struct WordPairs {
    partners: HashMap<String, Vec<(String, PairKind)>>,
    len: usize,
}

impl WordPairs {
    /// The pairs shipped for the paper's lexicon (`models/lexicon/paper.pairs.tsv`).
    pub fn paper() -> WordPairs {
        WordPairs::parse(PAPER_PAIRS_TSV, Path::new("models/lexicon/paper.pairs.tsv"))
            .expect("the built-in pair list parses (tested)")
    }

    /// Reads a pair file.
    ///
    /// # Errors
    /// [`crate::Error::Io`] if it cannot be read, [`crate::Error::Data`] if it is malformed.
    pub fn load(path: &Path) -> Result<WordPairs> {
        WordPairs::parse(&read_text(path)?, path)
    }

    /// Parses pair-file text; `origin` names it in errors.
    ///
    /// # Errors
    /// [`crate::Error::Data`] naming the line for an unknown kind, a missing word, a word paired
    /// with itself, or extra columns.
    pub fn parse(text: &str, origin: &Path) -> Result<WordPairs> {
        let mut pairs = WordPairs::default();
        for (n, line) in content_lines(text) {
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let [kind, a, b] = cols[..] else {
                return Err(bad_line(origin, n, "expected kind<TAB>word<TAB>word"));
            };
            let kind = PairKind::from_file_name(kind).ok_or_else(|| {
                bad_line(
                    origin,
                    n,
                    &format!(
                        "unknown pair kind {kind:?} (synonym, near_homophone, same_category, random)"
                    ),
                )
            })?;
            let (a, b) = (normalise(a), normalise(b));
            if a.is_empty() || b.is_empty() {
                return Err(bad_line(origin, n, "empty word"));
            }
            if a == b {
                return Err(bad_line(origin, n, &format!("{a:?} paired with itself")));
            }
            pairs.add(a, b, kind);
        }
        Ok(pairs)
    }

    fn add(&mut self, a: String, b: String, kind: PairKind) {
        let list = self.partners.entry(a.clone()).or_default();
        if list.iter().any(|(w, k)| *w == b && *k == kind) {
            return; // listed twice: count once
        }
        list.push((b.clone(), kind));
        self.partners.entry(b).or_default().push((a, kind));
        self.len += 1;
    }

    /// Number of distinct pairs.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The partners of `word` (lower case) and the kind of each pair.
    pub fn partners(&self, word: &str) -> &[(String, PairKind)] {
        self.partners.get(word).map_or(&[], Vec::as_slice)
    }

    /// The kinds of the pair (`a`, `b`), lower-case words; empty if they are not paired.
    pub fn kinds(&self, a: &str, b: &str) -> Vec<PairKind> {
        self.partners(a)
            .iter()
            .filter(|(w, _)| w == b)
            .map(|&(_, k)| k)
            .collect()
    }
}
