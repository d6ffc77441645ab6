//! Files on worker threads (`Driver::play_files`, `run --threads N`) give exactly the
//! events of the serial driver — every frame, word, label, neighbour and metric, in the
//! same order — for any number of workers, with a corrupt and a missing file among real
//! FSDD recordings; a closed sink stops the workers.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use groundprobe::audio::wav::{self, WavStream};
use groundprobe::driver::{Control, Driver, Ended};
use groundprobe::engine::{Engine, EngineConfig};
use groundprobe::error::Error;
use groundprobe::event::{Event, WordEvent};
use groundprobe::labels::Labels;
use groundprobe::probe::Lexicon;
use groundprobe::sink::{Flow, Memory, Sink};
use groundprobe::source::FileSource;
use groundprobe::summary::Summary;
use serde_json::Value;

const ENCODERS: &[&str] = &["whisper-tiny-en", "grounded/whisper-grounded"];

fn engine() -> Engine {
    let config = EngineConfig {
        lexicon: Arc::new(Lexicon::digits()),
        ..EngineConfig::default()
    };
    common::engine(ENCODERS, config)
}

/// 24 FSDD recordings (4 digits × 6 speakers), with a truncated file at position 7
/// and a missing file at position 15; labels from the file name.
fn files(fsdd: &Path, tmp: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for speaker in ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"] {
        for digit in [0, 3, 7, 9] {
            files.push(fsdd.join(format!("{digit}_{speaker}_5.wav")));
        }
    }
    // Two words 0.5 s apart, the file's data cut in the second.
    let (a, b) = (wav::read(&files[3]).unwrap(), wav::read(&files[4]).unwrap());
    let gap = vec![0.0; a.sample_rate as usize / 2];
    let joined: Vec<f32> = [&gap[..], &a.samples, &gap, &b.samples].concat();
    let cut = tmp.join("3_cut_5.wav");
    wav::write_mono_i16(&cut, &joined, a.sample_rate).unwrap();
    let whole = std::fs::read(&cut).unwrap();
    let keep = 44 + 2 * (gap.len() * 2 + a.samples.len() + b.samples.len() / 2);
    std::fs::write(&cut, &whole[..keep + 1]).unwrap();
    files.insert(7, cut);
    files.insert(15, tmp.join("8_absent_1.wav"));
    files
}

fn open(path: &Path) -> groundprobe::Result<FileSource> {
    let label = path.file_name().unwrap().to_str().unwrap()[..1].to_string();
    let labels = Labels::Fixed(label).by_speaker("s");
    Ok(FileSource::new(WavStream::open(path)?).with_labels(labels))
}

/// Every event and the summary as JSON, without what depends on the clock.
fn comparable(sink: &Memory) -> (Vec<Value>, Value) {
    let mut events: Vec<Value> = sink
        .events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    for e in &mut events {
        e.as_object_mut().unwrap().remove("timings_ms");
    }
    let mut summary = serde_json::to_value(sink.summary.as_ref().unwrap()).unwrap();
    for clock in ["processing_seconds", "realtime_factor", "word_latency_ms"] {
        summary.as_object_mut().unwrap().remove(clock);
    }
    (events, summary)
}

/// The serial driver, one file after another, as `run` did before it had workers.
fn serial(files: &[PathBuf]) -> (Vec<Value>, Value, Vec<usize>) {
    let mut engine = engine();
    let (mut sink, control) = (Memory::new(), Control::default());
    let mut driver = Driver::new(&mut engine, &mut sink, &control);
    let mut failed = Vec::new();
    for (i, path) in files.iter().enumerate() {
        match open(path).and_then(|mut s| driver.play(&mut s)) {
            Ok(ended) => assert_eq!(ended, Ended::Finished),
            Err(_) => failed.push(i),
        }
    }
    driver.finish(1.0, Vec::new()).unwrap();
    let (events, summary) = comparable(&sink);
    (events, summary, failed)
}

fn parallel(files: &[PathBuf], workers: usize) -> (Vec<Value>, Value, Vec<usize>) {
    let mut engine = engine();
    let fronts = (0..workers).map(|_| engine.fork_front().unwrap()).collect();
    let (mut sink, control) = (Memory::new(), Control::default());
    let mut driver = Driver::new(&mut engine, &mut sink, &control);
    let mut failed = Vec::new();
    let ended = driver
        .play_files(
            files.len(),
            fronts,
            |i| open(&files[i]),
            |i, e| {
                assert!(e.to_string().contains(files[i].to_str().unwrap()), "{e}");
                failed.push(i);
            },
        )
        .unwrap();
    assert_eq!(ended, Ended::Finished);
    driver.finish(1.0, Vec::new()).unwrap();
    let (events, summary) = comparable(&sink);
    (events, summary, failed)
}

fn words(events: &[Value]) -> Vec<&Value> {
    events.iter().filter(|e| e["type"] == "word").collect()
}

#[test]
fn workers_give_the_serial_drivers_events_for_any_count() {
    let Some(fsdd) = common::fsdd() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let files = files(&fsdd, tmp.path());
    let (events, summary, failed) = serial(&files);
    assert_eq!(failed, vec![7, 15], "the cut and the missing file fail");
    let found = words(&events);
    assert!(
        found.len() >= 20,
        "{} words from 24 recordings",
        found.len()
    );
    assert!(
        found
            .iter()
            .any(|w| w["file"].as_str().unwrap().ends_with("3_cut_5.wav")),
        "the cut file's words before the fault stay"
    );
    assert!(summary["metrics"]["whisper-tiny-en"]["layer4_ln"]["word_identity"].is_object());
    for workers in [1, 2, 5] {
        let (p_events, p_summary, p_failed) = parallel(&files, workers);
        assert_eq!(p_failed, failed, "{workers} workers: failures");
        assert_eq!(words(&p_events), found, "{workers} workers: words");
        assert_eq!(p_events.len(), events.len(), "{workers} workers: events");
        assert!(
            p_events == events,
            "{workers} workers: every event in order"
        );
        assert_eq!(p_summary, summary, "{workers} workers: summary");
    }
}

/// Takes `limit` words, then closes.
struct Closing {
    words: Vec<WordEvent>,
    limit: usize,
}

impl Sink for Closing {
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        if let Event::Word(w) = event {
            self.words.push(*w);
        }
        Ok(if self.words.len() >= self.limit {
            Flow::Stop
        } else {
            Flow::Continue
        })
    }

    fn finish(&mut self, _: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_sink_stops_every_worker() {
    let Some(fsdd) = common::fsdd() else { return };
    let files: Vec<PathBuf> = (0..40)
        .map(|i| fsdd.join(format!("{}_theo_{}.wav", i % 10, i / 10)))
        .collect();
    let mut engine = engine();
    let fronts = (0..3).map(|_| engine.fork_front().unwrap()).collect();
    let mut sink = Closing {
        words: Vec::new(),
        limit: 5,
    };
    let control = Control::default();
    let mut driver = Driver::new(&mut engine, &mut sink, &control);
    let fail = |_: usize, e: Error| panic!("{e}");
    let ended = driver
        .play_files(files.len(), fronts, |i| open(&files[i]), fail)
        .unwrap();
    drop(driver);
    assert_eq!(ended, Ended::SinkClosed);
    assert_eq!(sink.words.len(), 5, "nothing is delivered after the close");
    assert_eq!(engine.words(), 5, "nor taken into the probes");
}
