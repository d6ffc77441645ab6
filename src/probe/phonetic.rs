//! ARPAbet phones and the paper's phonetic distance between words: Levenshtein distance
//! over phone sequences (stress stripped) divided by the length of the longer sequence,
//! a phone-level word error rate in `[0, 1]`.

use std::fmt;

/// The 39 ARPAbet phones of the CMU Pronouncing Dictionary, without stress.
pub const ARPABET: [&str; 39] = [
    "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH",
    "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH",
    "UW", "V", "W", "Y", "Z", "ZH",
];

/// One ARPAbet phone, stress stripped (an index into [`ARPABET`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(u8);

impl Phone {
    /// Parses one ARPAbet symbol, with or without a stress digit (`AH0`, `ah`, `K`).
    /// Returns `None` for anything that is not one of the 39 phones.
    pub fn parse(symbol: &str) -> Option<Phone> {
        let base = symbol.trim_end_matches(['0', '1', '2']);
        if base.len() == symbol.len().saturating_sub(2) || base.is_empty() {
            return None; // two stress digits, or a digit alone
        }
        ARPABET
            .iter()
            .position(|p| p.eq_ignore_ascii_case(base))
            .map(|i| Phone(i as u8))
    }

    /// The symbol, without stress (`"AH"`).
    pub fn symbol(self) -> &'static str {
        ARPABET[self.0 as usize]
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Parses a space-separated ARPAbet transcription (`"K AE1 T"`); on failure returns the
/// first symbol that is not a phone.
pub fn parse_phones(text: &str) -> Result<Vec<Phone>, String> {
    text.split_whitespace()
        .map(|s| Phone::parse(s).ok_or_else(|| s.to_string()))
        .collect()
}

/// Levenshtein distance (insertions, deletions, substitutions, each cost 1).
pub fn edit_distance(a: &[Phone], b: &[Phone]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, pa) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, pb) in b.iter().enumerate() {
            let sub = diag + usize::from(pa != pb);
            diag = row[j + 1];
            row[j + 1] = sub.min(row[j] + 1).min(diag + 1);
        }
    }
    row[b.len()]
}

/// The paper's phonetic distance: edit distance divided by the longer length, in
/// `[0, 1]`; 0 for two empty sequences.
pub fn phone_distance(a: &[Phone], b: &[Phone]) -> f64 {
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 0.0;
    }
    edit_distance(a, b) as f64 / longer as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<Phone> {
        parse_phones(s).unwrap()
    }

    #[test]
    fn parses_with_and_without_stress() {
        assert_eq!(Phone::parse("AH0"), Phone::parse("ah"));
        assert_eq!(Phone::parse("ZH").unwrap().symbol(), "ZH");
        assert_eq!(Phone::parse("Q"), None);
        assert_eq!(Phone::parse("1"), None);
        assert_eq!(Phone::parse("AH01"), None);
        assert_eq!(Phone::parse(""), None);
        assert_eq!(parse_phones("K AE1 XX T"), Err("XX".to_string()));
    }

    #[test]
    fn distance_is_normalised_levenshtein_without_stress() {
        // chin / chip: one substitution out of three phones.
        assert!((phone_distance(&p("CH IH1 N"), &p("CH IH1 P")) - 1.0 / 3.0).abs() < 1e-12);
        // stress does not count
        assert_eq!(phone_distance(&p("Z IH1 R OW0"), &p("Z IH0 R OW1")), 0.0);
        // kitten / sitting as phones: k→s, e→i, +g = 3 edits over 6
        let a = p("K IH T EH N");
        let b = p("S IH T IH N G");
        assert_eq!(edit_distance(&a, &b), 3);
        assert!((phone_distance(&a, &b) - 0.5).abs() < 1e-12);
        assert_eq!(phone_distance(&[], &[]), 0.0);
        assert_eq!(phone_distance(&p("AH"), &[]), 1.0);
    }
}
