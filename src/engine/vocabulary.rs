//! The words a heard word may be snapped to (the lexicon's and the prompt list's), and the
//! handful of candidates a near miss is scored against: the words the decoder itself
//! ranks highest for the first token, words spelt alike, and their phonetic neighbours.

use std::collections::HashMap;

use crate::model::Recogniser;
use crate::model::recogniser::{DIGITS, forms, normalise};
use crate::probe::Lexicon;

/// Words the decoder ranks highest by its first token.
const BY_FIRST_TOKEN: usize = 3;
/// Words spelt most like the heard text.
const BY_SPELLING: usize = 2;
/// Spelling at most this far from the heard text (normalised Levenshtein distance).
const SPELLING_DISTANCE: f64 = 0.5;
/// Phonetic neighbours (phone distance, as the paper's near-homophones) added per
/// spelling candidate.
const BY_SOUND: usize = 1;
/// Phone distance of a phonetic neighbour at most.
const SOUND_DISTANCE: f64 = 0.4;
/// Candidates scored at most.
pub const MAX_CANDIDATES: usize = 6;

/// One word a word can be labelled with.
#[derive(Debug, Clone)]
struct Word {
    /// The label (a lexicon word, e.g. `7` in the digits lexicon, or a prompt).
    label: String,
    /// How it is said and written out (`seven`).
    spoken: String,
    /// The first token of each of its written forms (` seven`, ` Seven`, ` 7`).
    first: Vec<u32>,
}

/// The lexicon's words and the prompts, spoken and tokenised once.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    words: Vec<Word>,
    by_spoken: HashMap<String, usize>,
    lexicon: Option<std::sync::Arc<Lexicon>>,
}

impl Vocabulary {
    /// The words of `lexicon` and `prompts` (a prompt already in the lexicon once).
    ///
    /// # Errors
    /// [`crate::Error::Data`] if the recogniser's tokenizer fails on a word.
    pub fn new(
        lexicon: &std::sync::Arc<Lexicon>,
        prompts: &[String],
        rec: &Recogniser,
    ) -> crate::Result<Self> {
        let mut vocab = Vocabulary {
            lexicon: Some(lexicon.clone()),
            ..Vocabulary::default()
        };
        let labels = lexicon
            .entries()
            .iter()
            .map(|e| e.word.clone())
            .chain(prompts.iter().map(|p| p.trim().to_lowercase()));
        for label in labels {
            let spoken = spoken(&label);
            if spoken.is_empty() || vocab.by_spoken.contains_key(&spoken) {
                continue;
            }
            let mut first = Vec::new();
            for form in forms(&spoken) {
                if let Some(&t) = rec.tokenize(&form)?.first()
                    && !first.contains(&t)
                {
                    first.push(t);
                }
            }
            vocab.by_spoken.insert(spoken.clone(), vocab.words.len());
            vocab.words.push(Word {
                label,
                spoken,
                first,
            });
        }
        Ok(vocab)
    }

    /// The spoken words, space-separated, as the decoder's context text.
    pub fn context(&self) -> String {
        let spoken: Vec<&str> = self.words.iter().map(|w| w.spoken.as_str()).collect();
        spoken.join(" ")
    }

    /// The label of a word said exactly as `text` (normalised: `" Seven."` → `7` in the
    /// digits lexicon); a leading article is allowed (`"the dog"` → `dog`).
    pub fn exact(&self, text: &str) -> Option<&str> {
        let norm = normalise(text);
        [norm.as_str(), without_article(&norm)]
            .iter()
            .find_map(|t| self.by_spoken.get(*t))
            .map(|&i| self.words[i].label.as_str())
    }

    /// The label of spoken form `spoken`.
    pub fn label_of(&self, spoken: &str) -> Option<&str> {
        let i = *self.by_spoken.get(spoken)?;
        Some(self.words[i].label.as_str())
    }

    /// Candidates for heard text that is no word here, as spoken forms, at most
    /// [`MAX_CANDIDATES`]: every word when there are that few; else the words whose first
    /// token `first_log_probs` (the decoder's first step) ranks highest, the words spelt
    /// most like the text, and the closest phonetic neighbour of each of those.
    pub fn candidates(&self, text: &str, first_log_probs: &[f32]) -> Vec<&str> {
        if self.words.len() <= MAX_CANDIDATES {
            return self.words.iter().map(|w| w.spoken.as_str()).collect();
        }
        let mut out: Vec<usize> = Vec::with_capacity(MAX_CANDIDATES);
        let first = |w: &Word| {
            w.first
                .iter()
                .filter_map(|&t| first_log_probs.get(t as usize))
                .fold(f32::NEG_INFINITY, |a, &b| a.max(b))
        };
        let mut ranked: Vec<(usize, f32)> = self
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| (i, first(w)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.extend(ranked.iter().take(BY_FIRST_TOKEN).map(|(i, _)| *i));
        let norm = normalise(text);
        if !norm.is_empty() {
            let mut spelt: Vec<(usize, f64)> = self
                .words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, 1.0 - strsim::normalized_levenshtein(&norm, &w.spoken)))
                .filter(|(_, d)| *d <= SPELLING_DISTANCE)
                .collect();
            spelt.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            for &(i, _) in spelt.iter().take(BY_SPELLING) {
                push_new(&mut out, i);
                for j in self.sounding_like(i) {
                    push_new(&mut out, j);
                }
            }
        }
        out.truncate(MAX_CANDIDATES);
        out.iter().map(|&i| self.words[i].spoken.as_str()).collect()
    }

    /// The closest lexicon words in sound to word `i` (phone distance ≤
    /// [`SOUND_DISTANCE`]), at most [`BY_SOUND`].
    fn sounding_like(&self, i: usize) -> Vec<usize> {
        let Some(lexicon) = &self.lexicon else {
            return Vec::new();
        };
        let label = &self.words[i].label;
        let mut near: Vec<(usize, f64)> = self
            .words
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .filter_map(|(j, w)| {
                let d = lexicon.phonetic_distance(label, &w.label).ok()?;
                (d <= SOUND_DISTANCE).then_some((j, d))
            })
            .collect();
        near.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        near.into_iter().take(BY_SOUND).map(|(j, _)| j).collect()
    }
}

fn push_new(out: &mut Vec<usize>, i: usize) {
    if !out.contains(&i) {
        out.push(i);
    }
}

/// True when heard `text` is the word `label` (normalised, a leading article allowed).
pub fn says(text: &str, label: &str) -> bool {
    let norm = normalise(text);
    let want = spoken(label);
    norm == want || without_article(&norm) == want
}

/// Normalised text without a leading article (`the dog` → `dog`).
fn without_article(norm: &str) -> &str {
    ["the ", "a ", "an "]
        .iter()
        .find_map(|a| norm.strip_prefix(a))
        .unwrap_or(norm)
}

/// How a label is said: a lone digit spelt out (`7` → `seven`), else the label, lower case.
pub fn spoken(label: &str) -> String {
    let label = label.trim().to_lowercase();
    match label.parse::<usize>() {
        Ok(d) if d < 10 && label.len() == 1 => DIGITS[d].to_string(),
        _ => label,
    }
}
