//! Key handling, without rendering: layer and encoder selection, pause, clear and undo,
//! replay, help and its scrolling, quit.

#![cfg(feature = "ui")]

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use groundprobe::event::{Event, NeighbourInfo, WordEvent};
use groundprobe::ui::{App, Command, EncoderSetup, Mode, Msg, Setup, WordGroups};

fn app() -> App {
    App::new(Setup {
        title: "t".into(),
        mode: Mode::Demo,
        encoders: vec![
            EncoderSetup {
                name: "a".into(),
                grounded: false,
                layers: vec!["l0".into(), "l1".into(), "l2".into()],
                neighbour_layer: Some(2),
            },
            EncoderSetup {
                name: "b".into(),
                grounded: true,
                layers: vec!["m0".into(), "m1".into()],
                neighbour_layer: None,
            },
        ],
        prompts: Vec::new(),
        groups: WordGroups::new(),
        neighbours_shown: 5,
        max_words: None,
    })
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn word(index: usize) -> Msg {
    let mut layers = BTreeMap::new();
    layers.insert("l0".to_string(), vec![index as f32, 1.0]);
    layers.insert("l2".to_string(), vec![1.0, index as f32]);
    let mut neighbours = BTreeMap::new();
    neighbours.insert(
        "a".to_string(),
        (0..index)
            .map(|i| NeighbourInfo {
                index: i,
                label: None,
                similarity: 0.5,
                relation: groundprobe::probe::Relation {
                    same_word: None,
                    same_phonetic_group: None,
                    same_semantic_category: None,
                },
            })
            .collect(),
    );
    Msg::Event(Event::Word(Box::new(WordEvent {
        index,
        file: None,
        start: 0.0,
        end: 0.3,
        label: None,
        prompt: None,
        heard: None,
        neighbours,
        embeddings: Some([("a".to_string(), layers)].into_iter().collect()),
        truncated: false,
        is_final: true,
        decided_at: 0.0,
        timings_ms: BTreeMap::new(),
    })))
}

#[test]
fn arrows_cycle_layers_and_tab_cycles_encoders() {
    let mut a = app();
    assert_eq!(
        a.selected_layer(),
        Some("l2"),
        "starts at the neighbour layer"
    );
    a.on_key(key(KeyCode::Right));
    assert_eq!(a.selected_layer(), Some("l0"), "wraps around");
    a.on_key(key(KeyCode::Right));
    a.on_key(key(KeyCode::Left));
    a.on_key(key(KeyCode::Left));
    assert_eq!(a.selected_layer(), Some("l2"));
    a.on_key(key(KeyCode::Tab));
    assert_eq!(a.selected_encoder().unwrap().name, "b");
    assert_eq!(
        a.selected_layer(),
        Some("m1"),
        "last layer when none is named"
    );
    a.on_key(key(KeyCode::Tab));
    assert_eq!(a.selected_encoder().unwrap().name, "a");
    a.on_key(key(KeyCode::BackTab));
    assert_eq!(a.selected_encoder().unwrap().name, "b");
}

#[test]
fn the_map_follows_the_selected_layer() {
    let mut a = app();
    for i in 0..4 {
        a.apply(word(i));
    }
    assert_eq!(a.map.len(), 4, "l2 has vectors");
    assert!(a.map.iter().filter(|p| p.latest).count() == 1);
    a.on_key(key(KeyCode::Left)); // l1: no vectors sent
    assert!(a.map.is_empty());
    a.on_key(key(KeyCode::Left)); // l0
    assert_eq!(a.map.len(), 4);
}

#[test]
fn space_pauses_the_view_without_losing_words() {
    let mut a = app();
    a.apply(word(0));
    a.on_key(key(KeyCode::Char(' ')));
    assert!(a.paused);
    a.apply(word(1));
    a.apply(word(2));
    assert_eq!(a.words.len(), 1);
    assert_eq!(a.backlog.len(), 2);
    a.on_key(key(KeyCode::Char(' ')));
    assert!(!a.paused);
    assert_eq!(a.words.len(), 3);
    assert_eq!(a.latest().unwrap().index, 2);
}

#[test]
fn c_clears_and_asks_the_engine_to_clear() {
    let mut a = app();
    a.apply(word(0));
    a.apply(word(1));
    assert_eq!(a.on_key(key(KeyCode::Char('c'))), Some(Command::Clear));
    assert!(a.words.is_empty() && a.map.is_empty());
    assert!(!a.quit, "plain c is not Ctrl-C");
}

#[test]
fn help_toggles_and_escape_closes_it_before_quitting() {
    let mut a = app();
    a.on_key(key(KeyCode::Char('?')));
    assert!(a.help);
    a.on_key(key(KeyCode::Esc));
    assert!(!a.help && !a.quit);
    a.on_key(key(KeyCode::Esc));
    assert!(a.quit);
}

#[test]
fn q_and_ctrl_c_quit_and_key_releases_are_ignored() {
    let mut a = app();
    a.on_key(key(KeyCode::Char('q')));
    assert!(a.quit);
    let mut a = app();
    assert_eq!(
        a.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        None
    );
    assert!(a.quit);
    let mut a = app();
    let mut release = key(KeyCode::Char('q'));
    release.kind = KeyEventKind::Release;
    a.on_key(release);
    assert!(!a.quit);
}

#[test]
fn u_undoes_the_last_clear_and_words_since_follow_on() {
    let mut a = app();
    a.apply(word(0));
    a.apply(word(1));
    assert_eq!(
        a.on_key(key(KeyCode::Char('u'))),
        None,
        "nothing to undo yet"
    );
    a.on_key(key(KeyCode::Char('c')));
    a.apply(word(0)); // the engine numbers afresh after a clear
    assert_eq!(a.on_key(key(KeyCode::Char('u'))), Some(Command::UndoClear));
    let indices: Vec<usize> = a.words.iter().map(|w| w.index).collect();
    assert_eq!(indices, [0, 1, 2], "as the engine renumbers them");
    assert_eq!(a.latest().unwrap().index, 2);
    assert_eq!(a.map.len(), 3);
    assert_eq!(
        a.on_key(key(KeyCode::Char('u'))),
        None,
        "one undo per clear"
    );
}

#[test]
fn r_replays_only_a_finished_session_that_can_be_replayed() {
    let mut a = app();
    a.apply(word(0));
    a.on_key(key(KeyCode::Char('r')));
    assert!(!a.replay, "not before the end");
    a.apply(Msg::Finished(Ok("demo finished".into())));
    a.on_key(key(KeyCode::Char('r')));
    assert!(!a.replay, "not where no replay is offered (live)");
    a.can_replay = true;
    a.on_key(key(KeyCode::Char('r')));
    assert!(a.replay);
    a.on_key(key(KeyCode::Right));
    a.restart("replaying");
    assert!(!a.replay && a.finished.is_none() && a.words.is_empty());
    assert_eq!(a.selected_layer(), Some("l0"), "the chosen layer stays");
    assert_eq!(a.starting.as_deref(), Some("replaying"));
    a.apply(word(0));
    assert_eq!(a.starting, None);
}

#[test]
fn the_neighbours_follow_the_chosen_layer() {
    let mut a = app();
    for i in 0..4 {
        a.apply(word(i));
    }
    // At the engine's layer (l2) the engine's list is shown as sent.
    let at = |a: &App| -> Vec<(usize, f32)> {
        a.nearest
            .get("a")
            .map(|ns| ns.iter().map(|n| (n.index, n.similarity)).collect())
            .unwrap_or_default()
    };
    assert_eq!(at(&a), [(0, 0.5), (1, 0.5), (2, 0.5)]);
    a.on_key(key(KeyCode::Left)); // l1: no vectors sent
    assert!(!a.nearest.contains_key("a"));
    a.on_key(key(KeyCode::Left)); // l0: [i, 1], computed from the vectors
    let cos = |i: f32| (3.0 * i + 1.0) / (10f32.sqrt() * (i * i + 1.0).sqrt());
    let got = at(&a);
    assert_eq!(got.iter().map(|n| n.0).collect::<Vec<_>>(), [2, 1, 0]);
    for (j, s) in got {
        assert!((s - cos(j as f32)).abs() < 1e-6, "{j}: {s}");
    }
}

#[test]
fn arrows_scroll_the_help_only_while_it_is_open() {
    let mut a = app();
    a.on_key(key(KeyCode::Down));
    assert_eq!(a.help_scroll, 0);
    a.on_key(key(KeyCode::Char('?')));
    a.on_key(key(KeyCode::Down));
    a.on_key(key(KeyCode::PageDown));
    assert_eq!(a.help_scroll, 11);
    a.on_key(key(KeyCode::Up));
    assert_eq!(a.help_scroll, 10);
    a.on_key(key(KeyCode::PageUp));
    a.on_key(key(KeyCode::PageUp));
    assert_eq!(a.help_scroll, 0);
    assert_eq!(
        a.selected_layer(),
        Some("l2"),
        "arrows did not move the layer"
    );
}
