//! Which semantic category and phonetic group a word belongs to, and the relation between
//! a word and its neighbour that the screen marks.
//!
//! The table comes from the engine's lexicon (for the map's colours and markers); the
//! relation of a neighbour comes with the word event, computed by the probe.

use std::collections::HashMap;

use super::naming;
use crate::probe::{self, Lexicon};

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

/// Word → groups, plus the ordered list of categories and groups (for stable colours),
/// each phonetic group's members and the name they earn it ([`naming`]).
#[derive(Debug, Clone, Default)]
pub struct WordGroups {
    words: HashMap<String, WordGroup>,
    categories: Vec<String>,
    phonetic_groups: Vec<String>,
    members: Vec<Vec<String>>,
    names: Vec<String>,
}

impl WordGroups {
    /// An empty table: every relation is [`Relation::Unknown`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a word (a word in neither a category nor a group still counts as known).
    pub fn insert(&mut self, word: &str, semantic: Option<&str>, phonetic: Option<&str>) {
        let note = |list: &mut Vec<String>, v: Option<&str>| {
            v.map(|v| match list.iter().position(|x| x == v) {
                Some(i) => i,
                None => {
                    list.push(v.to_string());
                    list.len() - 1
                }
            })
        };
        note(&mut self.categories, semantic);
        if let Some(g) = note(&mut self.phonetic_groups, phonetic) {
            self.members.resize(self.phonetic_groups.len(), Vec::new());
            self.names.resize(self.phonetic_groups.len(), String::new());
            self.members[g].push(word.to_lowercase());
            self.names[g] = naming::shared_spelling(&self.members[g])
                .unwrap_or_else(|| self.phonetic_groups[g].clone());
        }
        self.words.insert(
            word.to_lowercase(),
            WordGroup {
                semantic: semantic.map(str::to_string),
                phonetic: phonetic.map(str::to_string),
            },
        );
    }

    /// The categories and groups of every word of a lexicon.
    pub fn from_lexicon(lexicon: &Lexicon) -> Self {
        let mut g = Self::new();
        for e in lexicon.entries() {
            let semantic = e
                .semantic
                .map(|i| lexicon.semantic_categories()[i].as_str());
            let phonetic = e.phonetic.map(|i| lexicon.phonetic_groups()[i].as_str());
            g.insert(&e.word, semantic, phonetic);
        }
        g
    }

    /// What two labelled words share, as the probe says it ([`probe::Probe::relation`]):
    /// unknown for an unlabelled word or one outside the table, or when neither word has
    /// a group (category).
    pub fn relation(&self, a: Option<&str>, b: Option<&str>) -> Relation {
        let (Some(a), Some(b)) = (a, b) else {
            return Relation::Unknown;
        };
        let (ga, gb) = (self.get(a), self.get(b));
        let same = |f: fn(&WordGroup) -> &Option<String>| match (ga, gb) {
            (Some(x), Some(y)) if f(x).is_some() || f(y).is_some() => Some(f(x) == f(y)),
            _ => None,
        };
        Relation::from(probe::Relation {
            same_word: Some(a == b),
            same_phonetic_group: same(|g| &g.phonetic),
            same_semantic_category: same(|g| &g.semantic),
        })
    }

    /// A phonetic group's name for people: the spelling its members share, with the
    /// members that have it (`ch-: chin, chip, chuck`; at most `shown` of them).
    pub fn phonetic_label(&self, group: usize, shown: usize) -> String {
        let Some(name) = self.names.get(group) else {
            return String::new();
        };
        let members = naming::members_with(name, &self.members[group]);
        let more = if members.len() > shown { ", …" } else { "" };
        let listed: Vec<&str> = members.into_iter().take(shown).collect();
        format!("{name}: {}{more}", listed.join(", "))
    }

    /// A phonetic group's name for people: the spelling its members share (`ch-`).
    pub fn phonetic_name(&self, group: usize) -> &str {
        self.names.get(group).map_or("", String::as_str)
    }

    /// A semantic category's name for people (`musical instruments`).
    pub fn category_label(&self, category: usize) -> String {
        self.categories
            .get(category)
            .map(|c| naming::category_name(c))
            .unwrap_or_default()
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
}

impl From<probe::Relation> for Relation {
    fn from(r: probe::Relation) -> Self {
        match (r.same_word, r.same_phonetic_group, r.same_semantic_category) {
            (Some(true), _, _) => Relation::SameWord,
            (_, Some(true), Some(true)) => Relation::Both,
            (_, Some(true), _) => Relation::Phonetic,
            (_, _, Some(true)) => Relation::Semantic,
            (_, Some(false), _) | (_, _, Some(false)) => Relation::Neither,
            _ => Relation::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_the_lexicon() {
        let lex = Lexicon::paper();
        let g = WordGroups::from_lexicon(&lex);
        assert_eq!(
            g.get("violin").and_then(|w| w.semantic.as_deref()),
            Some("musical_instruments")
        );
        assert_eq!(
            g.get("chin").and_then(|w| w.phonetic.as_deref()),
            Some("conc_3")
        );
        assert_eq!(g.categories().len(), lex.semantic_categories().len());
        let chin = g.phonetic_index("conc_3").unwrap();
        assert_eq!(g.phonetic_label(chin, 3), "ch-: chin, chip, chuck, …");
        let music = g.category_index("musical_instruments").unwrap();
        assert_eq!(g.category_label(music), "musical instruments");
    }

    #[test]
    fn relations_from_the_table_match_the_probe() {
        let lex = Lexicon::paper();
        let g = WordGroups::from_lexicon(&lex);
        let mut probe =
            probe::Probe::new(vec!["l".into()], vec![2], std::sync::Arc::new(lex), vec![]).unwrap();
        let words = [
            Some("chin"),
            Some("chip"),
            Some("piano"),
            Some("violin"),
            None,
        ];
        let words = [
            words.as_slice(),
            &[Some("wishful"), Some("zzz"), Some("chin")],
        ]
        .concat();
        for w in &words {
            probe.push(*w, &[[1.0f32, 0.5]]).unwrap();
        }
        for (i, a) in words.iter().enumerate() {
            for (j, b) in words.iter().enumerate() {
                let want = Relation::from(probe.relation(i, j));
                assert_eq!(g.relation(*a, *b), want, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn relations_map_from_the_probe() {
        let r = |w, p, s| {
            Relation::from(probe::Relation {
                same_word: w,
                same_phonetic_group: p,
                same_semantic_category: s,
            })
        };
        assert_eq!(r(Some(true), Some(true), Some(true)), Relation::SameWord);
        assert_eq!(r(Some(false), Some(true), Some(true)), Relation::Both);
        assert_eq!(r(Some(false), Some(true), Some(false)), Relation::Phonetic);
        assert_eq!(r(Some(false), None, Some(true)), Relation::Semantic);
        assert_eq!(r(Some(false), Some(false), Some(false)), Relation::Neither);
        assert_eq!(r(Some(false), None, Some(false)), Relation::Neither);
        assert_eq!(r(Some(false), None, None), Relation::Unknown);
        assert_eq!(r(None, None, None), Relation::Unknown);
    }
}
