//! The scripted screen of the render tests: a small lexicon, two encoders, three prompts.

use std::path::Path;

use groundprobe::probe::{Lexicon, Relation};
use groundprobe::ui::{EncoderSetup, Mode, Setup, WordGroups};

/// The ungrounded test encoder's layers.
pub const LAYERS: [&str; 3] = ["block1", "block2", "output"];

pub fn lexicon() -> Lexicon {
    Lexicon::parse(
        "bus\tvehicles\t-\ntruck\tvehicles\t-\ntaxi\tvehicles\t-\nchin\t-\tconc_3\n\
         chip\t-\tconc_3\npiano\tmusical_instruments\t-\n",
        Path::new("test.tsv"),
    )
    .unwrap()
}

pub fn groups() -> WordGroups {
    WordGroups::from_lexicon(&lexicon())
}

/// The relation the probe reports between two labelled words (see `Probe::relation`).
pub fn relation(a: &str, b: &str) -> Relation {
    let lex = lexicon();
    let same = |f: fn(&groundprobe::probe::Entry) -> Option<usize>| match (lex.get(a), lex.get(b)) {
        (Some(x), Some(y)) if f(x).is_some() || f(y).is_some() => Some(f(x) == f(y)),
        _ => None,
    };
    Relation {
        same_word: Some(a == b),
        same_phonetic_group: same(|e| e.phonetic),
        same_semantic_category: same(|e| e.semantic),
    }
}

pub fn setup(mode: Mode) -> Setup {
    Setup {
        title: "test".into(),
        mode,
        encoders: vec![
            EncoderSetup {
                name: "speech-embedding".into(),
                grounded: false,
                layers: LAYERS.iter().map(|s| s.to_string()).collect(),
                neighbour_layer: Some(2),
            },
            EncoderSetup {
                name: "vg-head".into(),
                grounded: true,
                layers: vec!["proj".into()],
                neighbour_layer: Some(0),
            },
        ],
        prompts: vec!["piano".into(), "chin".into(), "bus".into()],
        groups: groups(),
        neighbours_shown: 5,
    }
}
