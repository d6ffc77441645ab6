//! Lexicons: which semantic category and phonetic group each word belongs to, and how it
//! is pronounced; plus the word-pair lists of the word-pair analysis.
//!
//! File format (UTF-8, one word a line, tab-separated; `#` starts a comment line):
//!
//! ```text
//! # word  semantic_category  phonetic_group  ARPAbet phones
//! violin  musical_instruments  -  V AY0 AH0 L IH1 N
//! chin    -                    conc_3  CH IH1 N
//! banjo
//! ```
//!
//! Trailing columns may be left out; `-` or an empty column means "none". Words are
//! matched case-insensitively. The paper's lexicon ([`Lexicon::paper`], from
//! `models/lexicon/paper.tsv`) and the Free Spoken Digit Dataset's ([`Lexicon::digits`])
//! are built into the binary.
//!
//! Pair files (`models/lexicon/paper.pairs.tsv`) hold `kind<TAB>word<TAB>word` lines, the
//! kind one of `synonym`, `near_homophone`, `same_category`, `random`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::pairs::WordPairs;
use super::phonetic::{Phone, parse_phones, phone_distance};
use crate::error::{Error, Result};

const PAPER_TSV: &str = include_str!("../../models/lexicon/paper.tsv");
const DIGITS_TSV: &str = include_str!("../../models/lexicon/digits.tsv");

/// A word without a pronunciation in the lexicon: the phonetic distance is not defined
/// for it (it is never guessed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no pronunciation for {word:?}")]
pub struct NoPronunciation {
    /// The word, as asked for.
    pub word: String,
}

/// One word of a lexicon.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The word, lower case.
    pub word: String,
    /// Index into [`Lexicon::semantic_categories`], if the word has a category.
    pub semantic: Option<usize>,
    /// Index into [`Lexicon::phonetic_groups`], if the word has a group.
    pub phonetic: Option<usize>,
    /// Its phones (stress stripped), if known.
    pub phones: Option<Vec<Phone>>,
}

/// Words with their semantic category, phonetic group and pronunciation.
#[derive(Debug, Clone)]
pub struct Lexicon {
    origin: PathBuf,
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
    semantic: Vec<String>,
    phonetic: Vec<String>,
    pairs: WordPairs,
}

impl Lexicon {
    /// The paper's lexicon: 9 semantic categories, 14 phonetic groups, CMU pronunciations,
    /// WordNet synonyms of its words, and its word pairs (built in).
    pub fn paper() -> Lexicon {
        Lexicon::parse(PAPER_TSV, Path::new("models/lexicon/paper.tsv"))
            .expect("the built-in lexicon parses (tested)")
            .with_pairs(WordPairs::paper())
    }

    /// The Free Spoken Digit Dataset's labels `0`..`9`, pronounced "zero".."nine" (no
    /// categories or groups; built in).
    pub fn digits() -> Lexicon {
        Lexicon::parse(DIGITS_TSV, Path::new("models/lexicon/digits.tsv"))
            .expect("the built-in digits lexicon parses (tested)")
    }

    /// Reads a lexicon file (format in the [module docs](self)); it has no pairs until
    /// [`Lexicon::with_pairs`].
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read, [`Error::Data`] if it is malformed.
    pub fn load(path: &Path) -> Result<Lexicon> {
        Lexicon::parse(&read_text(path)?, path)
    }

    /// Parses lexicon text; `origin` names it in errors.
    ///
    /// # Errors
    /// [`Error::Data`] naming the line for a repeated word, an unknown phone, too many
    /// columns; or if there are no words at all.
    pub fn parse(text: &str, origin: &Path) -> Result<Lexicon> {
        let mut lex = Lexicon {
            origin: origin.to_path_buf(),
            entries: Vec::new(),
            index: HashMap::new(),
            semantic: Vec::new(),
            phonetic: Vec::new(),
            pairs: WordPairs::default(),
        };
        let mut first_line = HashMap::new();
        for (n, line) in content_lines(text) {
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            if cols.len() > 4 {
                return Err(bad_line(
                    origin,
                    n,
                    "more than 4 columns (word, semantic category, phonetic group, phones)",
                ));
            }
            let word = normalise(cols[0]);
            if word.is_empty() {
                return Err(bad_line(origin, n, "empty word"));
            }
            if let Some(first) = first_line.insert(word.clone(), n) {
                return Err(bad_line(
                    origin,
                    n,
                    &format!("{word:?} repeated (first on line {first})"),
                ));
            }
            let col = |i: usize| cols.get(i).copied().filter(|c| !c.is_empty() && *c != "-");
            let semantic = col(1).map(|c| intern(&mut lex.semantic, c));
            let phonetic = col(2).map(|c| intern(&mut lex.phonetic, c));
            let phones = match col(3) {
                None => None,
                Some(p) => Some(parse_phones(p).map_err(|bad| {
                    bad_line(origin, n, &format!("{bad:?} is not an ARPAbet phone"))
                })?),
            };
            lex.index.insert(word.clone(), lex.entries.len());
            lex.entries.push(Entry {
                word,
                semantic,
                phonetic,
                phones,
            });
        }
        if lex.entries.is_empty() {
            return Err(Error::data(origin, "no words in the lexicon"));
        }
        Ok(lex)
    }

    /// The same lexicon with these word pairs.
    pub fn with_pairs(mut self, pairs: WordPairs) -> Lexicon {
        self.pairs = pairs;
        self
    }

    /// Where the lexicon came from (a path, or the built-in file's path).
    pub fn origin(&self) -> &Path {
        &self.origin
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no words (never, for a parsed lexicon).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry of `word` (any case, surrounding space ignored).
    pub fn get(&self, word: &str) -> Option<&Entry> {
        self.index_of(word).map(|i| &self.entries[i])
    }

    /// Position of `word` in [`Lexicon::entries`].
    pub fn index_of(&self, word: &str) -> Option<usize> {
        match self.index.get(word) {
            Some(&i) => Some(i),
            None => self.index.get(&normalise(word)).copied(),
        }
    }

    /// Semantic category names, in order of first appearance.
    pub fn semantic_categories(&self) -> &[String] {
        &self.semantic
    }

    /// Phonetic group names, in order of first appearance.
    pub fn phonetic_groups(&self) -> &[String] {
        &self.phonetic
    }

    /// The semantic category of `word`, if it has one.
    pub fn semantic_category(&self, word: &str) -> Option<&str> {
        let c = self.get(word)?.semantic?;
        Some(&self.semantic[c])
    }

    /// The phonetic group of `word`, if it has one.
    pub fn phonetic_group(&self, word: &str) -> Option<&str> {
        let g = self.get(word)?.phonetic?;
        Some(&self.phonetic[g])
    }

    /// The phones of `word`.
    ///
    /// # Errors
    /// [`NoPronunciation`] if the word is not in the lexicon or has no phones.
    pub fn phones(&self, word: &str) -> Result<&[Phone], NoPronunciation> {
        self.get(word)
            .and_then(|e| e.phones.as_deref())
            .ok_or_else(|| NoPronunciation {
                word: word.to_string(),
            })
    }

    /// The paper's phonetic distance between two words (edit distance over phones, stress
    /// stripped, divided by the longer length).
    ///
    /// # Errors
    /// [`NoPronunciation`] naming the first word that has no phones.
    pub fn phonetic_distance(&self, a: &str, b: &str) -> Result<f64, NoPronunciation> {
        Ok(phone_distance(self.phones(a)?, self.phones(b)?))
    }

    /// The word pairs of the word-pair analysis.
    pub fn pairs(&self) -> &WordPairs {
        &self.pairs
    }
}

/// The form words are compared in: trimmed, lower case.
pub fn normalise(word: &str) -> String {
    word.trim().to_lowercase()
}

fn intern(names: &mut Vec<String>, name: &str) -> usize {
    match names.iter().position(|n| n == name) {
        Some(i) => i,
        None => {
            names.push(name.to_string());
            names.len() - 1
        }
    }
}

/// Non-empty, non-comment lines with their 1-based numbers.
pub(super) fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

pub(super) fn bad_line(origin: &Path, line: usize, reason: &str) -> Error {
    Error::data(origin, format!("line {line}: {reason}"))
}

pub(super) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::data(
            path,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::PairKind;

    #[test]
    fn paper_lexicon_has_the_papers_groupings_and_a_pronunciation_for_every_word() {
        let lex = Lexicon::paper();
        assert_eq!(lex.semantic_categories().len(), 9);
        assert_eq!(lex.phonetic_groups().len(), 14);
        assert!(lex.entries().iter().all(|e| e.phones.is_some()));
        assert_eq!(lex.semantic_category("Violin"), Some("musical_instruments"));
        assert_eq!(lex.phonetic_group("chin"), Some("conc_3"));
        let grouped = lex
            .entries()
            .iter()
            .filter(|e| e.semantic.is_some() || e.phonetic.is_some())
            .count();
        assert_eq!(grouped, 189);
        assert!(!lex.pairs().is_empty());
        assert_eq!(
            lex.pairs().kinds("violin", "fiddle"),
            vec![PairKind::Synonym, PairKind::SameCategory]
        );
        // every pair word is in the lexicon, with phones
        for e in lex.entries() {
            for (w, _) in lex.pairs().partners(&e.word) {
                assert!(lex.phones(w).is_ok(), "{w}");
            }
        }
    }

    #[test]
    fn shipped_pairs_respect_the_distance_thresholds() {
        let lex = Lexicon::paper();
        for e in lex.entries() {
            for (w, kind) in lex.pairs().partners(&e.word) {
                let d = lex.phonetic_distance(&e.word, w).unwrap();
                match kind {
                    PairKind::Synonym | PairKind::Random => assert!(d > 0.4, "{} {w}", e.word),
                    PairKind::NearHomophone => assert!(d > 0.0 && d <= 0.4),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn digits_map_labels_to_number_words() {
        let lex = Lexicon::digits();
        assert_eq!(lex.len(), 10);
        let zero: Vec<&str> = lex
            .phones("0")
            .unwrap()
            .iter()
            .map(|p| p.symbol())
            .collect();
        assert_eq!(zero, ["Z", "IH", "R", "OW"]);
        assert!(lex.semantic_categories().is_empty());
        assert!((lex.phonetic_distance("5", "9").unwrap() - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn user_lexicons_allow_missing_columns() {
        let text =
            "# mine\nBanjo\ncat\tanimals\ndog\tanimals\t-\tD AO1 G\n\nkite\t\tg1\tK AY1 T\r\n";
        let lex = Lexicon::parse(text, Path::new("mine.tsv")).unwrap();
        assert_eq!(lex.len(), 4);
        assert_eq!(lex.semantic_category("cat"), Some("animals"));
        assert_eq!(lex.phonetic_group("kite"), Some("g1"));
        assert_eq!(lex.semantic_category("kite"), None);
        let err = lex.phonetic_distance("banjo", "dog").unwrap_err();
        assert_eq!(err.to_string(), "no pronunciation for \"banjo\"");
        assert!(lex.phonetic_distance("dog", "unicorn").is_err());
        assert!((lex.phonetic_distance("dog", "kite").unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn malformed_lexicons_are_errors_naming_file_and_line() {
        let cases = [
            ("cat\nCat\n", "line 2: \"cat\" repeated (first on line 1)"),
            (
                "cat\t-\t-\tK XX T\n",
                "line 1: \"XX\" is not an ARPAbet phone",
            ),
            ("a\tb\tc\tK\textra\n", "line 1: more than 4 columns"),
            ("\t-\n", "line 1: empty word"),
            ("# only a comment\n", "no words"),
        ];
        for (text, want) in cases {
            let err = Lexicon::parse(text, Path::new("x.tsv")).unwrap_err();
            let msg = err.to_string();
            assert!(msg.starts_with("x.tsv: ") && msg.contains(want), "{msg}");
        }
    }

    #[test]
    fn malformed_pair_files_are_errors() {
        for (text, want) in [
            ("synonym\ta\n", "expected kind"),
            ("antonym\ta\tb\n", "unknown pair kind"),
            ("random\ta\tA\n", "paired with itself"),
        ] {
            let msg = WordPairs::parse(text, Path::new("p.tsv"))
                .unwrap_err()
                .to_string();
            assert!(msg.contains(want), "{msg}");
        }
        let p = WordPairs::parse(
            "synonym\ta\tb\nsynonym\tb\ta\nrandom\ta\tc\n",
            Path::new("p"),
        )
        .unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p.kinds("b", "a"), vec![PairKind::Synonym]);
    }

    #[test]
    fn unreadable_files_are_errors_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.tsv");
        assert!(matches!(Lexicon::load(&missing), Err(Error::Io { .. })));
        let binary = dir.path().join("bin.tsv");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        let msg = Lexicon::load(&binary).unwrap_err().to_string();
        assert!(msg.contains("not UTF-8"), "{msg}");
    }
}
