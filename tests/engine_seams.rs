//! The engine and the driver behind their seams, with fakes instead of ONNX models
//! (tests/common/fakes.rs): slicing, labelling, prompts under pause, dropped samples,
//! encoder order, stop and clear — each in milliseconds.

mod common;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;

use common::fakes::{DoublingHead, EnergyVad, LossySource, RecordingEncoder, bursts};
use groundprobe::driver::{Command, Control, Driver, Ended};
use groundprobe::engine::{Engine, EngineConfig, Slicing};
use groundprobe::event::Event;
use groundprobe::labels::Labels;
use groundprobe::model::WordEncoder;
use groundprobe::sink::Memory;
use groundprobe::source::{ClipSource, Pace};

fn engine(config: EngineConfig) -> (Engine, common::fakes::Seen) {
    let enc = RecordingEncoder::new("rec");
    let seen = enc.seen.clone();
    let encoders: Vec<Box<dyn WordEncoder>> =
        vec![Box::new(enc), Box::new(DoublingHead::on("rec"))];
    let engine = Engine::new(Box::new(EnergyVad), encoders, config).expect("engine");
    (engine, seen)
}

fn clip(words: usize, labels: Labels) -> ClipSource {
    ClipSource::new("bursts", 16_000, bursts(words, 0.4, 0.6).into(), Pace::Fast)
        .with_labels(labels)
}

fn play(engine: &mut Engine, sources: &mut [ClipSource]) -> Memory {
    let mut sink = Memory::new();
    let control = Control::default();
    let mut driver = Driver::new(engine, &mut sink, &control);
    for s in sources {
        assert_eq!(driver.play(s).unwrap(), Ended::Finished);
    }
    driver.finish(0.0, Vec::new()).unwrap();
    sink
}

#[test]
fn audio_slicing_encodes_the_word_alone_and_feature_slicing_hears_its_context() {
    let (mut e, seen) = engine(EngineConfig::default());
    let words = play(&mut e, &mut [clip(3, Labels::None)]);
    assert_eq!(words.words().len(), 3);
    for (len, range) in seen.lock().unwrap().iter() {
        assert_eq!(
            (range.start, range.end),
            (0, *len),
            "the word is all it gets"
        );
    }
    let config = EngineConfig {
        slicing: Slicing::Features { context_ms: 500 },
        ..EngineConfig::default()
    };
    let (mut e, seen) = engine(config);
    play(&mut e, &mut [clip(3, Labels::None)]);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    for (len, range) in seen.iter().skip(1) {
        assert_eq!(range.start, 8_000, "500 ms of context before the word");
        assert_eq!(range.end, *len);
    }
}

#[test]
fn a_head_reads_its_backbone_and_a_misordered_list_fails_at_start() {
    let (mut e, _) = engine(EngineConfig::default());
    let sink = play(&mut e, &mut [clip(2, Labels::None)]);
    let w = sink.words()[1];
    assert_eq!(w.neighbours["head"].len(), 1, "the head has neighbours too");
    let encoders: Vec<Box<dyn WordEncoder>> = vec![
        Box::new(DoublingHead::on("rec")),
        Box::new(RecordingEncoder::new("rec")),
    ];
    let err = Engine::new(Box::new(EnergyVad), encoders, EngineConfig::default())
        .err()
        .expect("a head before its backbone is refused");
    let msg = err.to_string();
    assert!(
        msg.contains("must come before") && msg.contains("rec,head"),
        "{msg}"
    );
}

#[test]
fn transcripts_label_in_order_and_prompts_continue_across_sources() {
    let config = EngineConfig {
        prompts: vec!["piano".into(), "violin".into(), "bus".into()],
        ..EngineConfig::default()
    };
    let (mut e, _) = engine(config);
    let sink = play(
        &mut e,
        &mut [
            clip(2, Labels::transcript("cat dog")),
            clip(2, Labels::Prompted),
            clip(2, Labels::Prompted),
        ],
    );
    let labels: Vec<_> = sink.words().iter().map(|w| w.label.clone()).collect();
    let want = ["cat", "dog", "piano", "violin", "bus", "piano"].map(|s| Some(s.to_string()));
    assert_eq!(labels, want);
}

#[test]
fn the_prompt_shown_while_paused_is_the_label_the_next_word_gets() {
    use groundprobe::ui::{App, Mode, Msg, Setup, WordGroups};
    let prompts: Vec<String> = ["piano", "violin", "bus", "chin"].map(String::from).into();
    let config = EngineConfig {
        prompts: prompts.clone(),
        ..EngineConfig::default()
    };
    let (mut e, _) = engine(config);
    let sink = play(&mut e, &mut [clip(5, Labels::Prompted)]);
    let mut app = App::new(Setup {
        title: "t".into(),
        mode: Mode::Prompted,
        encoders: Vec::new(),
        prompts,
        groups: WordGroups::new(),
        neighbours_shown: 3,
        max_words: None,
    });
    app.paused = true;
    for event in sink.events {
        if let Event::Word(w) = &event {
            assert_eq!(app.next_prompt(), w.label.as_deref(), "word {}", w.index);
        }
        app.apply(Msg::Event(event));
    }
    assert_eq!(app.backlog.len(), 5, "the paused view queued every word");
    assert_eq!(app.next_prompt(), Some("violin"), "5 words later");
}

#[test]
fn dropped_samples_are_summed_over_sources_and_shown_in_meter_frames() {
    let (mut e, _) = engine(EngineConfig::default());
    let mut sink = Memory::new();
    let control = Control::default();
    let mut driver = Driver::new(&mut e, &mut sink, &control);
    for _ in 0..2 {
        let mut src = LossySource {
            samples: bursts(1, 0.4, 0.6),
            pos: 0,
            drop_per_block: 7,
            dropped: 0,
        };
        driver.play(&mut src).unwrap();
    }
    driver.finish(0.0, Vec::new()).unwrap();
    let per_source = 7 * bursts(1, 0.4, 0.6).len().div_ceil(1000) as u64;
    assert_eq!(sink.summary.unwrap().dropped_samples, 2 * per_source);
    let last_meter = sink.events.iter().rev().find_map(|e| match e {
        Event::Vad(f) => Some(f.dropped),
        _ => None,
    });
    assert!(
        last_meter.unwrap() > per_source,
        "meter frames carry the session total"
    );
}

/// Stops the run (through the shared flag) once `after` samples were delivered.
struct StopAfter {
    inner: ClipSource,
    stop: Arc<AtomicBool>,
    after: usize,
    given: usize,
}

impl groundprobe::source::Source for StopAfter {
    fn info(&self) -> groundprobe::event::SourceInfo {
        self.inner.info()
    }
    fn labels(&mut self) -> Labels {
        self.inner.labels()
    }
    fn pull(&mut self, buf: &mut [f32]) -> groundprobe::Result<groundprobe::source::Pull> {
        let n = buf.len().min(self.after.saturating_sub(self.given)).max(1);
        let got = self.inner.pull(&mut buf[..n])?;
        if let groundprobe::source::Pull::Samples(k) = got {
            self.given += k;
        }
        if self.given >= self.after {
            self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(got)
    }
}

#[test]
fn stop_ends_the_run_with_the_word_in_flight_closed() {
    let (mut e, _) = engine(EngineConfig::default());
    let mut sink = Memory::new();
    let stop = Arc::new(AtomicBool::new(false));
    let control = Control::new(stop.clone());
    let mut driver = Driver::new(&mut e, &mut sink, &control);
    // Words at 0.6–1.0 s, 1.6–2.0 s and 2.6–3.0 s; stop at 1.8 s, inside the second.
    let mut src = StopAfter {
        inner: clip(3, Labels::None),
        stop,
        after: 16_000 * 18 / 10,
        given: 0,
    };
    assert_eq!(driver.play(&mut src).unwrap(), Ended::Stopped);
    let words = sink.words();
    assert_eq!(words.len(), 2, "the first word and the one in flight");
    assert!(
        words[1].start > 1.3 && words[1].end <= 1.81,
        "{:?}",
        (words[1].start, words[1].end)
    );
}

#[test]
fn clear_forgets_session_words_and_keeps_the_reference_bank() {
    let (mut e, _) = engine(EngineConfig::default());
    let mut sink = Memory::new();
    let (tx, rx) = mpsc::channel();
    let control = Control::default().with_commands(rx);
    let mut driver = Driver::new(&mut e, &mut sink, &control);
    let mut reference = clip(2, Labels::transcript("a b")).as_reference();
    driver.play(&mut reference).unwrap();
    driver.play(&mut clip(3, Labels::None)).unwrap();
    assert_eq!(driver.engine().words(), 5);
    tx.send(Command::Clear).unwrap();
    driver.play(&mut clip(1, Labels::None)).unwrap();
    assert_eq!(driver.engine().words(), 3, "2 reference words + 1 new");
    let last = (*sink.words().last().unwrap()).clone();
    assert_eq!(last.index, 2);
    assert!(
        last.neighbours["rec"]
            .iter()
            .any(|n| n.label.as_deref() == Some("a"))
    );
}

#[test]
fn reference_words_keep_their_speakers_through_clear_and_undo() {
    let (mut e, _) = engine(EngineConfig::default());
    let speakers = |e: &Engine| e.metrics()["rec"][0].word_identity.speakers;
    let mut sink = Memory::new();
    let (tx, rx) = mpsc::channel();
    let control = Control::default().with_commands(rx);
    let mut driver = Driver::new(&mut e, &mut sink, &control);
    for speaker in ["ann", "bob"] {
        let labels = Labels::transcript("a b").by_speaker(speaker);
        driver.play(&mut clip(2, labels).as_reference()).unwrap();
    }
    driver
        .play(&mut clip(2, Labels::transcript("a b").by_speaker("cy")))
        .unwrap();
    assert_eq!(speakers(driver.engine()), 3);
    tx.send(Command::Clear).unwrap();
    driver.play(&mut clip(0, Labels::None)).unwrap();
    assert_eq!(driver.engine().words(), 4);
    assert_eq!(
        speakers(driver.engine()),
        2,
        "the reference bank's two speakers"
    );
    tx.send(Command::UndoClear).unwrap();
    driver.play(&mut clip(0, Labels::None)).unwrap();
    assert_eq!(speakers(driver.engine()), 3, "and the session's, back");
}

#[test]
fn nan_infinite_and_wild_samples_are_repaired_before_the_engine_and_the_run_goes_on() {
    let (mut e, _) = engine(EngineConfig::default());
    let mut samples = bursts(2, 0.4, 0.6);
    // Raw 16-bit integers read as floats, NaN and infinities in the middle of the stream.
    for (i, x) in samples.iter_mut().enumerate().skip(4_000).take(6_000) {
        *x = match i % 4 {
            0 => f32::NAN,
            1 => f32::INFINITY,
            2 => 3.0e38,
            _ => -20_000.0,
        };
    }
    // At 48 kHz, so that the FFT resampler (which fails on such input) is on the path.
    let mut src = ClipSource::new("garbage", 48_000, samples.into(), Pace::Fast);
    let mut sink = Memory::new();
    let control = Control::default();
    let mut driver = Driver::new(&mut e, &mut sink, &control);
    assert_eq!(driver.play(&mut src).unwrap(), Ended::Finished);
    driver.finish(0.0, Vec::new()).unwrap();
    let summary = sink.summary.unwrap();
    assert_eq!(summary.repaired_samples, 6_000);
    assert!(
        summary.words >= 2,
        "the words after the garbage are still found"
    );
}
