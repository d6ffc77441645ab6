//! Lexicon and word-pair list parsing of arbitrary text, then the look-ups the probe makes
//! (phones, groups, phonetic distance) on what parsed.
#![no_main]

use std::path::Path;

use groundprobe::probe::lexicon::{Lexicon, WordPairs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(lex) = Lexicon::parse(text, Path::new("fuzz.tsv")) {
        let words: Vec<String> = lex
            .entries()
            .iter()
            .take(4)
            .map(|e| e.word.clone())
            .collect();
        for a in &words {
            let _ = lex.semantic_category(a);
            let _ = lex.phonetic_group(a);
            for b in &words {
                if let Ok(d) = lex.phonetic_distance(a, b) {
                    assert!((0.0..=1.0).contains(&d), "distance {d}");
                }
            }
        }
    }
    if let Ok(pairs) = WordPairs::parse(text, Path::new("fuzz.pairs.tsv")) {
        let _ = pairs.len();
    }
});
