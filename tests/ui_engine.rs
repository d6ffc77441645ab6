//! The screen driven by a real engine run: the bundled demo clips through Whisper tiny.en
//! and the grounded head on the engine thread (the demo's own path), every message
//! recorded as it arrives — word events and the real `Event::Metrics` after each — and
//! then played into the screen, which must show what the engine found. Also: the
//! neighbours the screen computes at a chosen layer are the engine's, an undone clear
//! leaves the engine as if there had been no clear, and with a window (`--max-words`) the
//! screen holds exactly the engine's words through clears and undos.

#![cfg(feature = "ui")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::screen::{draw, line_with};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use groundprobe::corpus;
use groundprobe::driver::{Control, Driver, thread};
use groundprobe::engine::{Engine, EngineConfig};
use groundprobe::event::{Event, MetricsEvent, WordEvent};
use groundprobe::probe::{Lexicon, TextTable};
use groundprobe::sink::{Memory, Message};
use groundprobe::source::{ClipSource, Pace};
use groundprobe::ui::{App, EncoderSetup, Mode, Relation, Setup, WordGroups};

const UNGROUNDED: &str = "whisper-tiny-en";
const GROUNDED: &str = "whisper-grounded";

fn engine() -> Engine {
    engine_with(None)
}

/// The demo's engine, holding at most `max_words` words (`--max-words`).
fn engine_with(max_words: Option<usize>) -> Engine {
    let tables = ["minilm_l6", "clip"]
        .map(|name| {
            let npy = common::models().join("text").join(format!("{name}.npy"));
            Arc::new(TextTable::load(name, &npy).expect("bundled text table"))
        })
        .to_vec();
    let config = EngineConfig {
        keep_vectors: true,
        text_tables: tables,
        max_words,
        ..EngineConfig::default()
    };
    common::engine(&[UNGROUNDED, "grounded/whisper-grounded"], config)
}

fn clips() -> Vec<ClipSource> {
    corpus::clips(&common::models().join("demo"), Pace::Fast).expect("bundled demo clips")
}

/// The screen's setup for `engine`, as `groundprobe demo` makes it; `engine_layers`
/// false hides the engine's neighbour layer, so the screen computes every list itself.
fn setup_for(engine: &Engine, engine_layers: bool) -> Setup {
    Setup {
        title: "demo".into(),
        mode: Mode::Demo,
        encoders: engine
            .encoders()
            .iter()
            .map(|e| EncoderSetup {
                name: e.name.clone(),
                grounded: e.grounded,
                layers: e.layers.clone(),
                neighbour_layer: engine_layers.then_some(e.neighbour_layer),
            })
            .collect(),
        prompts: Vec::new(),
        groups: WordGroups::from_lexicon(&Lexicon::paper()),
        neighbours_shown: 5,
        max_words: engine.config().max_words,
    }
}

/// A demo run on the engine thread: the setups (engine lists / own lists), the messages
/// in order, and each encoder's neighbour layer.
fn record() -> (Setup, Setup, Vec<Message>, Vec<usize>) {
    let engine = engine();
    let (setup, own) = (setup_for(&engine, true), setup_for(&engine, false));
    let layers = engine
        .encoders()
        .iter()
        .map(|e| e.neighbour_layer)
        .collect();
    let clips = clips();
    let link = thread::spawn(engine, move |driver| {
        for mut clip in clips {
            driver.play(&mut clip)?;
        }
        Ok("demo finished: 3 clips".into())
    })
    .expect("engine thread");
    let mut messages = Vec::new();
    loop {
        let m = link
            .rx
            .recv()
            .expect("the engine thread ends with a Finished message");
        let done = matches!(m, Message::Finished(_));
        messages.push(m);
        if done {
            break;
        }
    }
    link.stop(Duration::from_secs(5));
    (setup, own, messages, layers)
}

fn last_word(messages: &[Message]) -> &WordEvent {
    messages
        .iter()
        .rev()
        .find_map(|m| match m {
            Message::Event(Event::Word(w)) => Some(&**w),
            _ => None,
        })
        .expect("the demo has words")
}

fn last_metrics(messages: &[Message]) -> &MetricsEvent {
    messages
        .iter()
        .rev()
        .find_map(|m| match m {
            Message::Event(Event::Metrics(x)) => Some(&**x),
            _ => None,
        })
        .expect("the engine sends metrics after every word")
}

fn play(setup: Setup, messages: &[Message]) -> App {
    let mut app = App::new(setup);
    app.can_replay = true;
    for m in messages {
        app.apply(m.clone().into());
    }
    app
}

#[test]
fn a_real_demo_run_shows_on_every_layout() {
    let (setup, _, messages, _) = record();
    let words = messages
        .iter()
        .filter(|m| matches!(m, Message::Event(Event::Word(_))))
        .count();
    assert!(words >= 30, "the demo's 35 words, found {words}");
    let app = play(setup, &messages);
    let word = last_word(&messages);
    let label = word.label.as_deref().expect("demo words are labelled");
    let metrics = last_metrics(&messages);
    let figures = |enc: &str, layer: &str| {
        let m = metrics.encoders[enc]
            .iter()
            .find(|l| l.layer == layer)
            .unwrap();
        let cka = |t: &str| format!("{:.2}", m.cka[t].expect("CKA over 35 words"));
        (
            format!(
                "{:+.3}",
                m.silhouette_phonetic.expect("phonetic silhouette")
            ),
            format!(
                "{:+.3}",
                m.silhouette_semantic.expect("semantic silhouette")
            ),
            cka("minilm_l6"),
            cka("clip"),
        )
    };
    let (phon, sem, minilm, clip) = figures(UNGROUNDED, "layer4_ln");

    let s = draw(&app, 160, 48);
    assert!(
        s.contains(&format!("nearest neighbours of “{label}”")),
        "{s}"
    );
    assert!(line_with(&s, "level").contains(&format!("words {words}")));
    assert!(s.contains("demo finished: 3 clips — r"), "{s}");
    let top = |enc: &str| {
        let n = &word.neighbours[enc][0];
        (
            format!(" 1 {}", n.label.as_deref().unwrap()),
            format!("{:.2}", n.similarity),
        )
    };
    let heading = s.lines().position(|l| l.contains("UNGROUNDED")).unwrap();
    let first = s.lines().nth(heading + 1).unwrap();
    for enc in [UNGROUNDED, GROUNDED] {
        let (name, sim) = top(enc);
        assert!(
            first.contains(&name) && first.contains(&sim),
            "{enc}: {first}"
        );
    }
    let row = line_with(&s, "▸layer4_ln");
    for v in [&phon, &sem, &minilm, &clip] {
        assert!(row.contains(v.as_str()), "{v} not in {row}");
    }
    assert!(s.contains("CKA vs minilm_l6 | clip"));

    let s = draw(&app, 100, 30);
    let row = line_with(&s, "▸layer4_ln");
    for v in [&phon, &minilm, &clip] {
        assert!(row.contains(v.as_str()), "{v} not in {row}\n{s}");
    }
    assert!(line_with(&s, "UNGROUNDED").contains(GROUNDED));

    let s = draw(&app, 80, 24);
    let sil = line_with(&s, "silhouette");
    assert!(sil.contains(&phon) && sil.contains(&sem), "{sil}\n{s}");
    let cka = line_with(&s, "CKA");
    assert!(cka.contains(&format!("minilm_l6 {minilm}")) && cka.contains(&format!("clip {clip}")));
    let (name, sim) = top(UNGROUNDED);
    assert!(line_with(&s, &name).contains(&sim), "{s}");
    assert!(line_with(&s, "quit").contains("r  replay"), "{s}");
}

#[test]
fn the_neighbours_at_a_chosen_layer_are_the_engines_and_follow_the_layer() {
    let (_, own, messages, layers) = record();
    let word = last_word(&messages);
    // The screen computes every list itself, at the engine's neighbour layers.
    let mut app = play(own, &messages);
    app.layers = layers;
    app.refresh();
    for enc in [UNGROUNDED, GROUNDED] {
        let ours = &app.nearest[enc];
        let engine = &word.neighbours[enc];
        assert_eq!(ours.len(), engine.len(), "{enc}");
        for (a, b) in ours.iter().zip(engine) {
            assert_eq!((a.index, &a.label), (b.index, &b.label), "{enc}");
            assert!((a.similarity - b.similarity).abs() < 1e-6, "{enc}");
            assert_eq!(a.relation, Relation::from(b.relation), "{enc}");
        }
    }
    // ← moves the ungrounded encoder (selected first? Tab until it is) to layer4.
    while app.selected_encoder().unwrap().name != UNGROUNDED {
        app.on_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    }
    let before = app.nearest[UNGROUNDED].clone();
    app.on_key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
    assert_eq!(app.selected_layer(), Some("layer4"));
    let after = &app.nearest[UNGROUNDED];
    assert_ne!(&before, after, "another layer, other similarities");
    let s = draw(&app, 160, 48);
    assert!(
        line_with(&s, "UNGROUNDED").contains("whisper-tiny-en @layer4 "),
        "{s}"
    );
    let first = &after[0];
    let line = line_with(&s, &format!(" 1 {}", first.label.as_deref().unwrap()));
    assert!(line.contains(&format!("{:.2}", first.similarity)), "{line}");
}

#[test]
fn an_undone_clear_leaves_the_engine_as_if_there_had_been_none() {
    let play_into = |engine: &mut Engine, clip: &mut ClipSource| {
        let mut sink = Memory::new();
        let control = Control::default();
        Driver::new(engine, &mut sink, &control)
            .play(clip)
            .expect("play");
    };
    let mut plain = engine();
    let mut undone = engine();
    let mut a = clips();
    let mut b = clips();
    play_into(&mut plain, &mut a[0]);
    play_into(&mut plain, &mut a[1]);
    play_into(&mut undone, &mut b[0]);
    let first = undone.words();
    undone.clear();
    assert_eq!(undone.words(), 0);
    assert!(undone.metrics().values().flatten().all(|l| l.words == 0));
    play_into(&mut undone, &mut b[1]);
    assert!(undone.undo_clear());
    assert!(!undone.undo_clear(), "one undo per clear");
    assert_eq!(undone.words(), plain.words());
    assert!(undone.words() > first);
    assert_eq!(undone.metrics(), plain.metrics());
    match (undone.metrics_event(), plain.metrics_event()) {
        (Event::Metrics(x), Event::Metrics(y)) => assert_eq!(x.words, y.words),
        _ => panic!("metrics events"),
    }
}

#[test]
fn a_windowed_screen_holds_the_engines_words_through_clear_and_undo() {
    const WINDOW: usize = 8;
    let mut engine = engine_with(Some(WINDOW));
    // One screen shows the engine's lists; the other computes its own from the vectors
    // of the words it holds, which must then be the engine's.
    let mut app = App::new(setup_for(&engine, true));
    let mut own = App::new(setup_for(&engine, false));
    own.layers = engine
        .encoders()
        .iter()
        .map(|e| e.neighbour_layer)
        .collect();
    let mut clips = clips().into_iter();
    let mut play = |engine: &mut Engine, app: &mut App, own: &mut App, step: &str| {
        let mut sink = Memory::new();
        let mut clip = clips.next().expect("a demo clip per step");
        Driver::new(engine, &mut sink, &Control::default())
            .play(&mut clip)
            .expect("play");
        let last = sink.words().last().map(|w| (*w).clone()).expect("words");
        for e in sink.events {
            app.apply_event(e.clone());
            own.apply_event(e);
        }
        let first = engine.probe(0).expect("a probe").first();
        let held: Vec<usize> = app.words.iter().map(|w| w.index).collect();
        assert_eq!(held, (first..engine.words()).collect::<Vec<_>>(), "{step}");
        assert_eq!(held.len(), WINDOW, "{step}");
        for (enc, list) in &last.neighbours {
            for n in list {
                let w = app.words.iter().find(|w| w.index == n.index);
                let w = w.unwrap_or_else(|| panic!("{step}: {enc} neighbour #{} held", n.index));
                assert_eq!(w.label, n.label, "{step}: {enc} #{}", n.index);
            }
            let ours = &own.nearest[enc];
            let theirs: Vec<_> = list.iter().map(|n| (n.index, n.label.clone())).collect();
            let ours: Vec<_> = ours.iter().map(|n| (n.index, n.label.clone())).collect();
            assert_eq!(ours, theirs, "{step}: {enc} lists computed on screen");
        }
    };
    play(
        &mut engine,
        &mut app,
        &mut own,
        "12 words, 4 left the window",
    );
    assert_eq!(app.words_said(), 12);
    let screen = draw(&app, 100, 30);
    assert!(
        line_with(&screen, " words ").contains(" words 12 (last 8) "),
        "{screen}"
    );
    engine.clear();
    app.clear();
    own.clear();
    assert!(app.words.is_empty() && own.words.is_empty());
    play(&mut engine, &mut app, &mut own, "after a clear");
    assert!(engine.undo_clear() && app.undo_clear() && own.undo_clear());
    assert_eq!(app.words.len(), WINDOW, "undone: the window again");
    play(
        &mut engine,
        &mut app,
        &mut own,
        "words after the undo, renumbered",
    );
}
