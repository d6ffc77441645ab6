//! Render tests: a scripted sequence of engine events drawn into ratatui's TestBackend;
//! the screen must show the real content (words, neighbours and their relations, metric
//! values, latencies, prompts, device state).

#![cfg(feature = "ui")]

mod common;

use common::screen::{draw, line_with, n, script, setup, word};
use groundprobe::event::{DeviceStatus, Event};
use groundprobe::ui::{self, App, Mode, Msg, Setup};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[test]
fn the_screen_shows_words_neighbours_relations_and_metrics() {
    let mut app = App::new(setup(Mode::Demo));
    script(&mut app);
    let s = draw(&app, 160, 48);

    // Header: source, VAD state, word count, dropped samples.
    assert!(s.contains("01_joe.wav · 4.2 s"), "{s}");
    assert!(line_with(&s, "level").contains("WORD"));
    assert!(line_with(&s, "level").contains("words 4"));
    assert!(line_with(&s, "level").contains("dropped 1234"));
    // Timeline in order.
    let timeline = line_with(&s, "bus  chin");
    assert!(timeline.contains("bus  chin  truck   chip"), "{timeline}");
    // Latest word's neighbours, grounded and ungrounded side by side, with relations.
    assert!(s.contains("nearest neighbours of “chip”"));
    let first = line_with(&s, " 1 truck");
    assert!(
        first.contains("0.71") && first.contains("· neither"),
        "{first}"
    );
    assert!(
        first.contains(" 1 chin") && first.contains("0.91") && first.contains("● sound"),
        "{first}"
    );
    let second = line_with(&s, " 2 chin");
    assert!(
        second.contains("0.64") && second.contains("● sound"),
        "{second}"
    );
    assert!(
        second.contains(" 2 truck") && second.contains("0.66"),
        "{second}"
    );
    let heads = line_with(&s, "GROUNDED");
    assert!(heads.contains("vg-head") && heads.contains("UNGROUNDED  speech-embedding @output"));
    assert!(s.contains("CKA vs minilm_l6 | clip · "), "{s}");
    // Metrics per layer, with values; missing values shown as dashes.
    let b1 = line_with(&s, "block1 ");
    assert!(
        b1.contains("+0.123") && b1.contains("-0.045") && b1.contains("0.61"),
        "{b1}"
    );
    let b2 = line_with(&s, "block2 ");
    assert!(b2.contains("+0.200") && b2.contains("—"), "{b2}");
    assert!(s.contains("· 4 words"));
    // Latencies per stage.
    let enc = line_with(&s, "encode:speech-embedding");
    assert!(enc.contains("6.2"), "{enc}");
    // The map shows every word at the selected layer.
    assert!(s.contains("map · speech-embedding / output · PCA"));
    let map_col = line_with(&s, "map ·")
        .chars()
        .collect::<Vec<_>>()
        .windows(5)
        .position(|w| w.iter().collect::<String>() == "map ·")
        .unwrap();
    for w in ["bus", "chin", "truck", "chip"] {
        assert!(
            s.lines()
                .any(|l| l.chars().skip(map_col).collect::<String>().contains(w)),
            "{w} not on the map\n{s}"
        );
    }
}

#[test]
fn the_semantic_relation_and_same_word_are_marked() {
    let mut app = App::new(setup(Mode::Demo));
    app.apply(Msg::Event(word(0, "bus", vec![], vec![])));
    app.apply(Msg::Event(word(
        1,
        "bus",
        vec![n(0, "bus", 0.95)],
        vec![n(0, "bus", 0.9)],
    )));
    app.apply(Msg::Event(word(
        2,
        "taxi",
        vec![n(0, "bus", 0.8), n(1, "bus", 0.7)],
        vec![n(1, "bus", 0.6)],
    )));
    let s = draw(&app, 160, 48);
    assert!(line_with(&s, " 1 bus").contains("■ meaning"));
    app.apply(Msg::Event(word(
        3,
        "piano",
        vec![n(2, "taxi", 0.5)],
        vec![],
    )));
    app.apply(Msg::Event(word(
        4,
        "piano",
        vec![n(3, "piano", 0.99)],
        vec![],
    )));
    let s = draw(&app, 160, 48);
    assert!(line_with(&s, " 1 piano").contains("= same word"));
}

#[test]
fn prompted_mode_shows_the_next_word_and_advances() {
    let mut app = App::new(setup(Mode::Prompted));
    let s = draw(&app, 160, 48);
    assert!(line_with(&s, "▶").contains(" PIANO "), "{s}");
    assert!(line_with(&s, "▶").contains("then: chin, bus, piano"));
    app.apply(Msg::Event(word(0, "piano", vec![], vec![])));
    let s = draw(&app, 160, 48);
    assert!(line_with(&s, "▶").contains(" CHIN "));
}

#[test]
fn device_loss_pause_finish_and_help_are_visible() {
    let mut app = App::new(setup(Mode::Free));
    script(&mut app);
    app.apply(Msg::Event(Event::Device(DeviceStatus {
        message: "device lost — retrying".into(),
        ok: false,
    })));
    app.paused = true;
    app.apply(Msg::Event(word(4, "taxi", vec![], vec![])));
    let s = draw(&app, 160, 48);
    let head = line_with(&s, "groundprobe · test");
    assert!(head.contains("device lost — retrying"), "{head}");
    assert!(head.contains("PAUSED (1 waiting)"), "{head}");
    // The paused view still shows the old latest word.
    assert!(s.contains("nearest neighbours of “chip”"));
    app.apply(Msg::Finished(Ok("demo finished: 3 clips, 35 words".into())));
    app.help = true;
    let s = draw(&app, 160, 48);
    assert!(line_with(&s, "groundprobe · test").contains("demo finished: 3 clips, 35 words"));
    assert!(s.contains("previous / next layer"));
}

#[test]
fn a_small_terminal_and_an_empty_session_render_without_panicking() {
    for (w, h) in [(160, 48), (100, 30), (80, 24), (40, 12), (10, 5), (1, 1)] {
        let mut app = App::new(setup(Mode::Prompted));
        draw(&app, w, h);
        script(&mut app);
        draw(&app, w, h);
    }
    let app = App::new(Setup {
        encoders: Vec::new(),
        ..setup(Mode::Free)
    });
    let s = draw(&app, 120, 40);
    assert!(s.contains("say any word"));
}

/// Render cost per frame (ui() into a buffer, no terminal I/O); run with
/// `cargo test --release --test ui_render -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn render_time_per_frame() {
    let mut app = App::new(setup(Mode::Demo));
    script(&mut app);
    for i in 4..300 {
        let label = ["bus", "chin", "truck", "chip", "taxi", "piano"][i % 6];
        app.apply(Msg::Event(word(
            i,
            label,
            vec![n(i - 1, "x", 0.5); 5],
            vec![n(i - 2, "y", 0.4); 5],
        )));
    }
    let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut times = Vec::new();
    for _ in 0..500 {
        let start = std::time::Instant::now();
        t.draw(|f| ui::ui(f, &app)).unwrap();
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((p * times.len() as f64) as usize).min(times.len() - 1)];
    println!(
        "render 160x48, 300 words: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms",
        at(0.5),
        at(0.95),
        at(0.99)
    );
}

#[test]
fn a_projector_sized_screen_keeps_neighbours_and_their_markers() {
    let mut app = App::new(setup(Mode::Demo));
    script(&mut app);
    let s = draw(&app, 100, 30);
    let first = line_with(&s, " 1 chin");
    assert!(
        first.contains("0.91") && first.contains('●'),
        "{first}\n{s}"
    );
    assert!(line_with(&s, " 1 truck").contains("0.71"));
    assert!(line_with(&s, "block1 ").contains("+0.123"));
}
