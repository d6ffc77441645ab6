//! The three layouts at exactly the sizes they are made for (160×48, 100×30, 80×24),
//! what each must show, a resize switching between them, the help overlay at both ends,
//! and the map's legend (never cut).

#![cfg(feature = "ui")]

mod common;

use std::collections::BTreeMap;

use common::screen::{draw, line_with, script, setup};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use groundprobe::event::{Event, WordEvent};
use groundprobe::probe::Lexicon;
use groundprobe::ui::{self, App, EncoderSetup, Mode, Msg, Screen, Setup, WordGroups};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn scripted() -> App {
    let mut app = App::new(setup(Mode::Demo));
    script(&mut app);
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn each_size_gets_its_layout() {
    let at = |w, h| Screen::of(Rect::new(0, 0, w, h));
    assert_eq!(at(160, 48), Screen::Full);
    assert_eq!(at(200, 60), Screen::Full);
    assert_eq!(at(160, 47), Screen::Pair);
    assert_eq!(at(100, 30), Screen::Pair);
    assert_eq!(at(99, 30), Screen::Essentials);
    assert_eq!(at(80, 24), Screen::Essentials);
}

#[test]
fn at_160x48_everything_is_shown() {
    let s = draw(&scripted(), 160, 48);
    let level = line_with(&s, "level");
    assert!(
        level.contains("words 4") && level.contains("dropped 1234"),
        "{level}"
    );
    assert!(line_with(&s, "bus  chin").contains("bus  chin  truck   chip"));
    let heads = line_with(&s, "UNGROUNDED");
    assert!(heads.contains("GROUNDED  vg-head @proj"), "{heads}");
    assert!(
        heads.contains("UNGROUNDED  speech-embedding @output"),
        "{heads}"
    );
    assert!(line_with(&s, " 1 chin").contains("● sound"));
    // The map with a legend naming categories and sound groups.
    assert!(s.contains("map · speech-embedding / output · PCA"));
    assert!(s.contains("vehicles"), "{s}");
    assert!(s.contains("chi-: chin, chip"), "{s}");
    // Both encoders' metrics, CKA against both text tables.
    assert!(s.contains("CKA vs minilm_l6 | clip · 4 words"));
    let row = line_with(&s, "block1 ");
    for v in [
        "+0.123", "-0.045", "0.62", "0.61", "0.33", "proj", "+0.017", "+0.081", "0.52", "0.58",
    ] {
        assert!(row.contains(v), "{v} not in {row}");
    }
    // Word identity's top-1 between the silhouettes and the CKA.
    assert!(row.find("0.62") < row.find("0.61"), "{row}");
    assert!(line_with(&s, " layer ").contains("top-1"), "{s}");
    // Every stage's latency with p50 and p95.
    assert!(line_with(&s, "stage").contains("p50") && line_with(&s, "stage").contains("p95"));
    let enc = line_with(&s, "encode:speech-embedding");
    assert!(enc.contains("6.2") && enc.contains("4.2"), "{enc}");
    assert!(line_with(&s, "word end → shown").contains("6.7"));
    assert!(line_with(&s, "quit").contains("layer"));
}

#[test]
fn at_100x30_grounded_and_ungrounded_stay_side_by_side() {
    let s = draw(&scripted(), 100, 30);
    assert!(line_with(&s, "level").contains("dropped 1234"), "{s}");
    let heads = line_with(&s, "UNGROUNDED");
    assert!(
        heads.contains("vg-head") && heads.contains("speech-embedding"),
        "{heads}"
    );
    let first = line_with(&s, " 1 chin");
    assert!(first.contains("0.91") && first.contains('●'), "{first}");
    assert!(
        first.contains(" 1 truck") && first.contains("0.71"),
        "{first}"
    );
    let row = line_with(&s, "block1 ");
    for v in [
        "+0.123", "-0.045", "0.62", "0.61", "0.33", "proj", "+0.017", "0.52", "0.58",
    ] {
        assert!(row.contains(v), "{v} not in {row}\n{s}");
    }
    assert!(line_with(&s, " layer ").contains("top-1"), "{s}");
    let latency = line_with(&s, "word end → shown");
    assert!(latency.contains("4.7 / 6.7"), "{latency}");
    assert!(
        latency.contains("encode:speech-embedding 4.2 / 6.2"),
        "{latency}"
    );
    assert!(!s.contains("map ·"), "no room for the map\n{s}");
}

#[test]
fn at_80x24_the_selected_encoders_essentials_are_shown() {
    let mut app = scripted();
    let s = draw(&app, 80, 24);
    assert!(line_with(&s, "latest word").contains("─"), "{s}");
    let latest = line_with(&s, " chip ");
    assert!(latest.contains("  in 01_joe.wav 3.00–3.50 s"), "{latest}");
    let first = line_with(&s, " 1 chin");
    assert!(
        first.contains("0.91") && first.contains("● sound"),
        "{first}"
    );
    assert!(line_with(&s, " 2 truck").contains("0.66"));
    assert!(line_with(&s, "UNGROUNDED").contains("speech-embedding @output"));
    assert!(!s.contains("vg-head"), "one encoder only\n{s}");
    assert!(s.contains("speech-embedding @output · 4 words"), "{s}");
    let sil = line_with(&s, "silhouette");
    assert!(
        sil.contains("phonetic +0.300") && sil.contains("semantic +0.050"),
        "{sil}"
    );
    let identity = line_with(&s, "identity");
    assert!(
        identity.contains("top-1 0.80") && identity.contains("silhouette +0.050"),
        "{identity}"
    );
    let cka = line_with(&s, "CKA");
    assert!(
        cka.contains("minilm_l6 0.70") && cka.contains("clip 0.40"),
        "{cka}"
    );
    assert!(
        line_with(&s, "latency").contains("word end → shown 4.7 / 6.7"),
        "{s}"
    );
    assert!(line_with(&s, "quit").contains("help"));
    assert!(
        s.contains("= same word") && s.contains("◆ sound+meaning"),
        "{s}"
    );
    // Tab: the other encoder's essentials.
    press(&mut app, KeyCode::Tab);
    let s = draw(&app, 80, 24);
    assert!(line_with(&s, " 1 truck").contains("0.71"), "{s}");
    assert!(s.contains("vg-head @proj · 4 words"), "{s}");
    assert!(line_with(&s, "CKA").contains("minilm_l6 0.52"));
}

#[test]
fn a_resize_switches_layout() {
    let app = scripted();
    let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let screen = |t: &mut Terminal<TestBackend>| {
        t.draw(|f| ui::ui(f, &app)).unwrap();
        let buf = t.backend().buffer();
        let area = buf.area;
        let mut s = String::new();
        for y in 0..area.height {
            for x in 0..area.width {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    };
    let s = screen(&mut t);
    assert!(s.contains("map ·") && !s.contains("latest word"));
    t.backend_mut().resize(80, 24);
    let s = screen(&mut t);
    assert!(s.contains("latest word") && !s.contains("map ·"), "{s}");
    assert!(!s.contains("vg-head"));
    t.backend_mut().resize(100, 30);
    let s = screen(&mut t);
    assert!(s.contains("vg-head") && s.contains("latency per word, ms: p50 / p95"));
    assert!(!s.contains("latest word") && !s.contains("map ·"), "{s}");
}

#[test]
fn the_help_scrolls_at_80x24_and_explains_every_mark() {
    let mut app = scripted();
    press(&mut app, KeyCode::Char('?'));
    let first = draw(&app, 80, 24);
    assert!(first.contains("help · lines 1–"), "{first}");
    assert!(first.contains("What you see"));
    let mut seen = first.clone();
    for _ in 0..40 {
        press(&mut app, KeyCode::Down);
        seen.push_str(&draw(&app, 80, 24));
    }
    for needed in [
        "Keys",
        "=  same word",
        "◆  sound+meaning",
        "●  sound",
        "■  meaning",
        "·  neither",
        "?  unknown",
        "u   undo the last clear",
        "r              replay",
        "q, Esc, Ctrl-C quit",
        "MiniLM = ungrounded text, CLIP = grounded text",
    ] {
        assert!(seen.contains(needed), "{needed:?} never shown");
    }
    // At 160x48 it fits whole.
    app.help_scroll = 0;
    let s = draw(&app, 160, 48);
    assert!(
        s.contains("help · Esc closes") && s.contains("q, Esc, Ctrl-C quit"),
        "{s}"
    );
    assert_eq!(ui::render::help_max_scroll(Rect::new(0, 0, 160, 48)), 0);
}

/// A word of the paper's lexicon with one vector at the encoder's one layer.
fn paper_word(index: usize, label: &str) -> Msg {
    let v: Vec<f32> = (0..6)
        .map(|j| (((index + 2) * (j + 5)) % 13) as f32 - 6.0)
        .collect();
    let layers: BTreeMap<String, Vec<f32>> = [("l".to_string(), v)].into_iter().collect();
    Msg::Event(Event::Word(Box::new(WordEvent {
        index,
        file: None,
        start: 0.0,
        end: 0.4,
        label: Some(label.into()),
        prompt: None,
        heard: None,
        neighbours: BTreeMap::new(),
        embeddings: Some([("e".to_string(), layers)].into_iter().collect()),
        truncated: false,
        is_final: true,
        decided_at: 0.0,
        timings_ms: BTreeMap::new(),
    })))
}

#[test]
fn the_legend_names_every_group_and_category_on_the_map_in_full() {
    let lexicon = Lexicon::paper();
    let groups = WordGroups::from_lexicon(&lexicon);
    let mut app = App::new(Setup {
        title: "legend".into(),
        mode: Mode::Free,
        encoders: vec![EncoderSetup {
            name: "e".into(),
            grounded: false,
            layers: vec!["l".into()],
            neighbour_layer: None,
        }],
        prompts: Vec::new(),
        groups: groups.clone(),
        neighbours_shown: 5,
        max_words: None,
    });
    // A word of every phonetic group and every semantic category.
    let mut words: Vec<&str> = Vec::new();
    for e in lexicon.entries() {
        let new_group = e.phonetic.is_some_and(|g| {
            !words
                .iter()
                .any(|w| lexicon.get(w).unwrap().phonetic == Some(g))
        });
        let new_cat = e.semantic.is_some_and(|c| {
            !words
                .iter()
                .any(|w| lexicon.get(w).unwrap().semantic == Some(c))
        });
        if new_group || new_cat {
            words.push(&e.word);
        }
    }
    for (i, w) in words.iter().enumerate() {
        app.apply(paper_word(i, w));
    }
    let s = draw(&app, 160, 48);
    for g in 0..groups.phonetic_groups().len() {
        let label = groups.phonetic_label(g, 3);
        assert!(s.contains(&label), "{label:?} not in the legend\n{s}");
    }
    for c in 0..groups.categories().len() {
        let label = groups.category_label(c);
        assert!(s.contains(&label), "{label:?} not in the legend\n{s}");
    }
    assert!(s.contains("ch-: chin, chip, chuck"), "{s}");
}

#[test]
fn a_provisional_word_shows_at_once_and_a_retracted_one_is_merged_visibly() {
    use groundprobe::event::RetractEvent;
    let mut app = scripted();
    let provisional = |index, label: &str| {
        let Event::Word(mut w) = common::screen::word(index, label, vec![], vec![]) else {
            unreachable!()
        };
        w.is_final = false;
        Msg::Event(Event::Word(w))
    };
    app.apply(provisional(4, "jacket"));
    let s = draw(&app, 80, 24);
    assert!(
        line_with(&s, " jacket ").contains("(provisional)"),
        "shown at once, marked\n{s}"
    );
    assert_eq!(app.words.len(), 5);
    app.apply(Msg::Event(Event::Retract(RetractEvent { index: 4 })));
    let s = draw(&app, 80, 24);
    assert!(
        line_with(&s, " jacket ").contains("merging"),
        "kept on screen until the longer word comes\n{s}"
    );
    assert_eq!(app.words.len(), 5);
    // The merged word takes the provisional word's index and place.
    app.apply(Msg::Event(common::screen::word(
        4,
        "jacket",
        vec![],
        vec![],
    )));
    let s = draw(&app, 80, 24);
    assert!(
        !s.contains("(provisional)") && !s.contains("merging"),
        "{s}"
    );
    assert_eq!(app.words.len(), 5);
    assert_eq!(app.words[4].standing, groundprobe::ui::app::Standing::Final);
}
