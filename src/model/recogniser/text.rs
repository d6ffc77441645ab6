//! Token ids ↔ text (the model's own `tokenizer.json`, through the `tokenizers` crate),
//! the surface forms a lexicon word is scored under, and text normalisation.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Spoken forms of the digits, indexed by value.
pub const DIGITS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// The tokenizer and what the decoder needs from its vocabulary.
pub struct Text {
    tokenizer: tokenizers::Tokenizer,
    path: PathBuf,
}

impl Text {
    /// Loads a Hugging Face `tokenizer.json`.
    ///
    /// # Errors
    /// [`Error::Data`] naming the file if it is not a readable tokenizer.
    pub fn load(path: &Path) -> Result<Self> {
        let tokenizer = tokenizers::Tokenizer::from_file(path).map_err(|e| Error::Data {
            path: path.to_path_buf(),
            reason: format!("not a readable tokenizer: {e}"),
        })?;
        Ok(Self {
            tokenizer,
            path: path.to_path_buf(),
        })
    }

    fn bad(&self, reason: String) -> Error {
        Error::Data {
            path: self.path.clone(),
            reason,
        }
    }

    /// The id of a token given by name (e.g. `<|endoftext|>`), if the vocabulary has it.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.tokenizer.token_to_id(token)
    }

    /// Token ids of `text`, without special tokens.
    ///
    /// # Errors
    /// [`Error::Data`] if the tokenizer fails.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        self.tokenizer
            .encode(text, false)
            .map(|e| e.get_ids().to_vec())
            .map_err(|e| self.bad(format!("encoding {text:?}: {e}")))
    }

    /// The text of token ids, special tokens skipped.
    ///
    /// # Errors
    /// [`Error::Data`] if the tokenizer fails.
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        self.tokenizer
            .decode(ids, true)
            .map_err(|e| self.bad(format!("decoding {ids:?}: {e}")))
    }

    /// For each id below `size`: whether the token cannot continue a word, i.e. it is `end`,
    /// starts with a space (byte-level `Ġ`), or holds no letter or digit (punctuation).
    /// Ids past `end` other than `end` itself (special tokens) are not boundaries.
    pub fn boundaries(&self, end: u32, size: usize) -> Vec<bool> {
        let mut mask = vec![false; size];
        for (id, slot) in mask.iter_mut().enumerate().take(end as usize) {
            if let Some(tok) = self.tokenizer.id_to_token(id as u32) {
                *slot = tok.starts_with('\u{120}') || !tok.chars().any(char::is_alphanumeric);
            }
        }
        if let Some(slot) = mask.get_mut(end as usize) {
            *slot = true;
        }
        mask
    }
}

/// The surface forms a lexicon word is scored under: `" word"`, `" Word"`, and for a digit
/// word also the digit (`" 7"` for `seven`), duplicates removed.
pub fn forms(word: &str) -> Vec<String> {
    let mut first = word.chars();
    let capital: String = first
        .next()
        .map(|c| c.to_uppercase().chain(first).collect())
        .unwrap_or_default();
    let mut out = vec![format!(" {word}"), format!(" {capital}")];
    if let Some(d) = DIGITS.iter().position(|&w| w == word) {
        out.push(format!(" {d}"));
    }
    out.dedup();
    out
}

/// Normalises heard text for matching a lexicon: lower case, punctuation (anything but
/// letters, digits and inner apostrophes) as spaces, whitespace collapsed, and a lone digit
/// spelt out (`"7"` → `"seven"`). `" Seven."` → `"seven"`, `"Hand-shake!"` → `"hand shake"`.
pub fn normalise(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(|w| match w.parse::<usize>() {
            Ok(d) if d < 10 && w.len() == 1 => DIGITS[d].to_string(),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_strips_case_punctuation_and_spells_digits() {
        assert_eq!(normalise(" Seven."), "seven");
        assert_eq!(normalise(" 7"), "seven");
        assert_eq!(normalise("Hand-shake!"), "hand shake");
        assert_eq!(normalise(" don't"), "don't");
        assert_eq!(normalise(" 'quoted' 42"), "quoted 42");
        assert_eq!(normalise(" ..."), "");
    }

    #[test]
    fn forms_cover_case_and_digits() {
        assert_eq!(forms("seven"), vec![" seven", " Seven", " 7"]);
        assert_eq!(forms("window"), vec![" window", " Window"]);
        assert_eq!(forms("7"), vec![" 7"]);
    }
}
