//! Which semantic category and phonetic group a word belongs to, and the relation between
//! a word and its neighbour that the screen marks.
//!
//! A stopgap until the probe's lexicon carries these: the table is loaded from a small
//! tab-separated file (`word<TAB>semantic_category<TAB>phonetic_group`, `-` for none, `#`
//! comments), such as `models/demo/words.tsv`. When an event carries a relation, the
//! event wins.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};

/// How a neighbour relates to the word it is a neighbour of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The same word (said again, perhaps by another voice).
    SameWord,
    /// Same phonetic group and same semantic category.
    Both,
    /// Same phonetic group (sounds alike).
    Phonetic,
    /// Same semantic category (means alike).
    Semantic,
    /// Both words are known and share neither.
    Neither,
    /// A label is missing or not in the table.
    Unknown,
}

impl Relation {
    /// The marker alone, for narrow columns.
    pub fn marker(self) -> &'static str {
        match self {
            Relation::SameWord => "=",
            Relation::Both => "◆",
            Relation::Phonetic => "●",
            Relation::Semantic => "■",
            Relation::Neither => "·",
            Relation::Unknown => "?",
        }
    }

    /// A short marker and word for the screen.
    pub fn tag(self) -> &'static str {
        match self {
            Relation::SameWord => "= same word",
            Relation::Both => "◆ sound+meaning",
            Relation::Phonetic => "● sound",
            Relation::Semantic => "■ meaning",
            Relation::Neither => "· neither",
            Relation::Unknown => "  ?",
        }
    }
}

/// A word's groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordGroup {
    /// Semantic category (e.g. `vehicles`).
    pub semantic: Option<String>,
    /// Phonetic group (e.g. `conc_3`).
    pub phonetic: Option<String>,
}

/// Word → groups, plus the ordered list of categories and groups (for stable colours).
#[derive(Debug, Clone, Default)]
pub struct WordGroups {
    words: HashMap<String, WordGroup>,
    categories: Vec<String>,
    phonetic_groups: Vec<String>,
}

impl WordGroups {
    /// An empty table: every relation is [`Relation::Unknown`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a word.
    pub fn insert(&mut self, word: &str, semantic: Option<&str>, phonetic: Option<&str>) {
        let note = |list: &mut Vec<String>, v: Option<&str>| {
            if let Some(v) = v
                && !list.iter().any(|x| x == v)
            {
                list.push(v.to_string());
            }
        };
        note(&mut self.categories, semantic);
        note(&mut self.phonetic_groups, phonetic);
        self.words.insert(
            word.to_lowercase(),
            WordGroup {
                semantic: semantic.map(str::to_string),
                phonetic: phonetic.map(str::to_string),
            },
        );
    }

    /// Parses the tab-separated format described in the module docs.
    ///
    /// # Errors
    /// [`Error::Data`] naming the line that does not have three fields.
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let mut g = Self::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            let [word, sem, pho] = fields[..] else {
                return Err(Error::data(
                    path,
                    format!(
                        "line {}: expected word<TAB>semantic_category<TAB>phonetic_group",
                        n + 1
                    ),
                ));
            };
            let opt = |s: &str| (s != "-" && !s.is_empty()).then(|| s.to_string());
            g.insert(word, opt(sem).as_deref(), opt(pho).as_deref());
        }
        Ok(g)
    }

    /// Loads a table file.
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read, [`Error::Data`] if it is malformed.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(path, &text)
    }

    /// Words in the table.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when the table is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The groups of a word, if known.
    pub fn get(&self, word: &str) -> Option<&WordGroup> {
        self.words.get(&word.to_lowercase())
    }

    /// Position of a semantic category (for its colour).
    pub fn category_index(&self, category: &str) -> Option<usize> {
        self.categories.iter().position(|c| c == category)
    }

    /// Position of a phonetic group (for its marker).
    pub fn phonetic_index(&self, group: &str) -> Option<usize> {
        self.phonetic_groups.iter().position(|c| c == group)
    }

    /// Semantic categories, in first-seen order.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// Phonetic groups, in first-seen order.
    pub fn phonetic_groups(&self) -> &[String] {
        &self.phonetic_groups
    }

    /// How the word labelled `b` relates to the word labelled `a`.
    pub fn relation(&self, a: Option<&str>, b: Option<&str>) -> Relation {
        let (Some(a), Some(b)) = (a, b) else {
            return Relation::Unknown;
        };
        if a.eq_ignore_ascii_case(b) {
            return Relation::SameWord;
        }
        let (Some(ga), Some(gb)) = (self.get(a), self.get(b)) else {
            return Relation::Unknown;
        };
        let same = |x: &Option<String>, y: &Option<String>| x.is_some() && x == y;
        match (
            same(&ga.phonetic, &gb.phonetic),
            same(&ga.semantic, &gb.semantic),
        ) {
            (true, true) => Relation::Both,
            (true, false) => Relation::Phonetic,
            (false, true) => Relation::Semantic,
            (false, false) => Relation::Neither,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_follow_the_table() {
        let text =
            "# comment\nbus\tvehicles\t-\ntruck\tvehicles\t-\nchin\t-\tconc_3\nchip\t-\tconc_3\n";
        let g = WordGroups::parse(Path::new("t.tsv"), text).unwrap();
        assert_eq!(g.len(), 4);
        assert_eq!(g.relation(Some("bus"), Some("truck")), Relation::Semantic);
        assert_eq!(g.relation(Some("chin"), Some("chip")), Relation::Phonetic);
        assert_eq!(g.relation(Some("chin"), Some("bus")), Relation::Neither);
        assert_eq!(g.relation(Some("chin"), Some("Chin")), Relation::SameWord);
        assert_eq!(g.relation(Some("chin"), Some("violin")), Relation::Unknown);
        assert_eq!(g.relation(None, Some("bus")), Relation::Unknown);
        assert_eq!(g.category_index("vehicles"), Some(0));
        assert_eq!(g.phonetic_index("conc_3"), Some(0));
    }

    #[test]
    fn a_short_line_is_an_error_naming_the_line() {
        let e = WordGroups::parse(Path::new("t.tsv"), "bus\tvehicles\n").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
