//! The scripted screen of the render tests: a small lexicon, two encoders, three prompts,
//! a scripted session, and drawing into ratatui's TestBackend.

use std::collections::BTreeMap;
use std::path::Path;

use groundprobe::event::{Event, NeighbourInfo, SourceInfo, VadFrame, WordEvent};
use groundprobe::probe::{Lexicon, Relation};
use groundprobe::ui::{
    self, App, EncoderSetup, LayerMetrics, MetricsSnapshot, Mode, Msg, Setup, WordGroups,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

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
        max_words: None,
    }
}

pub fn n(index: usize, label: &str, similarity: f32) -> NeighbourInfo {
    NeighbourInfo {
        index,
        label: Some(label.into()),
        similarity,
        relation: Relation {
            same_word: None,
            same_phonetic_group: None,
            same_semantic_category: None,
        },
    }
}

/// A word with neighbours under both encoders and a vector per layer.
pub fn word(
    index: usize,
    label: &str,
    ungrounded: Vec<NeighbourInfo>,
    grounded: Vec<NeighbourInfo>,
) -> Event {
    let relate = |ns: Vec<NeighbourInfo>| -> Vec<NeighbourInfo> {
        ns.into_iter()
            .map(|n| NeighbourInfo {
                relation: relation(label, n.label.as_deref().unwrap_or_default()),
                ..n
            })
            .collect()
    };
    let mut neighbours = BTreeMap::new();
    neighbours.insert("speech-embedding".to_string(), relate(ungrounded));
    neighbours.insert("vg-head".to_string(), relate(grounded));
    let vec_for = |salt: usize| -> Vec<f32> {
        (0..8)
            .map(|j| (((index + 1) * (j + 3) * (salt + 1)) % 11) as f32 - 5.0)
            .collect()
    };
    let mut emb = BTreeMap::new();
    emb.insert(
        "speech-embedding".to_string(),
        LAYERS
            .iter()
            .enumerate()
            .map(|(i, l)| (l.to_string(), vec_for(i)))
            .collect(),
    );
    emb.insert(
        "vg-head".to_string(),
        [("proj".to_string(), vec_for(7))].into_iter().collect(),
    );
    let mut timings_ms = BTreeMap::new();
    timings_ms.insert("encode:speech-embedding".to_string(), 3.2 + index as f64);
    timings_ms.insert("probe:speech-embedding".to_string(), 0.5);
    Event::Word(Box::new(WordEvent {
        index,
        file: Some("models/demo/01_joe.wav".into()),
        start: index as f64,
        end: index as f64 + 0.5,
        label: Some(label.into()),
        prompt: None,
        heard: None,
        neighbours,
        embeddings: Some(emb),
        truncated: false,
        is_final: true,
        decided_at: 0.0,
        timings_ms,
    }))
}

pub fn script(app: &mut App) {
    app.apply(Msg::Event(Event::SourceStarted(SourceInfo {
        name: "models/demo/01_joe.wav".into(),
        sample_rate: 16_000,
        seconds: Some(12.4),
        reference: false,
    })));
    app.apply(Msg::Event(word(0, "bus", vec![], vec![])));
    app.apply(Msg::Event(word(
        1,
        "chin",
        vec![n(0, "bus", 0.41)],
        vec![n(0, "bus", 0.2)],
    )));
    app.apply(Msg::Event(word(
        2,
        "truck",
        vec![n(1, "chin", 0.87), n(0, "bus", 0.55)],
        vec![n(0, "bus", 0.93), n(1, "chin", 0.12)],
    )));
    app.apply(Msg::Event(word(
        3,
        "chip",
        vec![n(1, "chin", 0.91), n(2, "truck", 0.66), n(0, "bus", 0.31)],
        vec![n(2, "truck", 0.71), n(1, "chin", 0.64), n(0, "bus", 0.05)],
    )));
    app.apply(Msg::Event(Event::Vad(VadFrame {
        time: 4.2,
        prob: 0.97,
        rms: 0.1,
        in_word: true,
        dropped: 1234,
    })));
    let layer = |name: &str, p: Option<f32>, s: Option<f32>, cka: [Option<f32>; 2]| LayerMetrics {
        layer: name.into(),
        silhouette_phonetic: p,
        silhouette_semantic: s,
        cka: cka.to_vec(),
        identity_top1: p.map(|p| 0.5 + p),
        identity_silhouette: s,
    };
    app.apply(Msg::Metrics(MetricsSnapshot {
        tables: vec!["minilm_l6".into(), "clip".into()],
        words: 4,
        encoders: [
            (
                "speech-embedding".to_string(),
                vec![
                    layer(
                        "block1",
                        Some(0.123),
                        Some(-0.045),
                        [Some(0.61), Some(0.33)],
                    ),
                    layer("block2", Some(0.2), None, [None, None]),
                    layer("output", Some(0.3), Some(0.05), [Some(0.7), Some(0.4)]),
                ],
            ),
            (
                "vg-head".to_string(),
                vec![layer(
                    "proj",
                    Some(0.017),
                    Some(0.081),
                    [Some(0.52), Some(0.58)],
                )],
            ),
        ]
        .into_iter()
        .collect(),
    }));
}

pub fn draw(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::ui(f, app)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut s = String::new();
    for y in 0..h {
        for x in 0..w {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

pub fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}
