//! `live --record DIR` through a real ALSA device (the file-plugin device of
//! tests/common/alsa.rs): the take, its transcript and the session's JSON lines are
//! written as the session runs, and `run DIR` and `demo --dir DIR` replay it — no
//! microphone — with the same words and labels the live session had.
#![cfg(feature = "mic")]

mod common;

use std::time::Duration;

use common::alsa::{Format, Step, Stream, device, final_words, of_type, session, speech, summary};
use serde_json::Value;

/// One VAD frame: 512 samples at 16 kHz.
const FRAME_S: f64 = 0.032;

/// (start, end, label) of each final word.
fn words(lines: &[Value]) -> Vec<(f64, f64, String)> {
    final_words(lines)
        .iter()
        .map(|w| {
            let label = w["label"].as_str().unwrap_or("").to_string();
            (
                w["start"].as_f64().unwrap(),
                w["end"].as_f64().unwrap(),
                label,
            )
        })
        .collect()
}

fn assert_same(got: &[(f64, f64, String)], want: &[(f64, f64, String)], tolerance: f64) {
    assert_eq!(got.len(), want.len(), "{got:?}\nvs\n{want:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.2, w.2, "labels: {got:?} vs {want:?}");
        let close = (g.0 - w.0).abs() <= tolerance && (g.1 - w.1).abs() <= tolerance;
        assert!(close, "{g:?} vs {w:?}");
    }
}

#[test]
fn a_recorded_session_replays_with_the_same_words_and_labels() {
    let Some(dev) = device() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let rec = tmp.path().join("lesson");
    // The prompts are the clip's own words, so each word's label is what was said.
    let prompts = tmp.path().join("prompts.txt");
    std::fs::copy(common::models().join("demo/01_joe.txt"), &prompts).unwrap();
    let stream = Stream {
        rate: 44_100,
        channels: 2,
        format: Format::S16,
    };
    let mut flags = stream.flags();
    for f in ["--record", rec.to_str().unwrap()] {
        flags.push(f.into());
    }
    flags.extend(["--prompt-list".into(), prompts.to_str().unwrap().into()]);
    // Recording and replay, not hearing (tests/hearing.rs): with the recogniser off each
    // word keeps its prompt, so the replay's transcript labels are known.
    flags.extend(["--recognise".into(), "off".into()]);
    let frames = stream.frames(&speech(20.0, 0.5, 1.5));
    let steps = vec![
        Step::Play(stream.format.raw(&frames)),
        Step::Hold(Duration::from_millis(300)),
    ];
    let lines = session(&dev, &flags, stream.byte_rate(), steps);
    let live = words(&lines);
    assert!(
        live.len() >= 10,
        "{} words live in the 12-word clip",
        live.len()
    );
    assert!(
        live.iter().all(|w| !w.2.is_empty()),
        "prompted words are labelled"
    );
    // Live, words are closed speculatively: a provisional line comes before most final ones.
    let provisional = of_type(&lines, "word")
        .iter()
        .filter(|w| w["final"] == false)
        .count();
    assert!(
        provisional >= live.len() / 2,
        "{provisional} provisional lines for {} words",
        live.len()
    );

    let take = rec.join("take-001.wav");
    let spec = hound::WavReader::open(&take).unwrap().spec();
    assert_eq!(
        (spec.sample_rate, spec.channels),
        (44_100, 1),
        "native rate, mono"
    );
    assert!(!rec.join("take-002.wav").exists(), "one stream, one take");
    let transcript = std::fs::read_to_string(rec.join("take-001.txt")).unwrap();
    let labels: Vec<&str> = live.iter().map(|w| w.2.as_str()).collect();
    assert_eq!(transcript.split_whitespace().collect::<Vec<_>>(), labels);
    let logged: Vec<Value> = std::fs::read_to_string(rec.join("session.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        words(&logged),
        live,
        "the session log holds the words printed"
    );
    assert_eq!(summary(&logged)["words"], summary(&lines)["words"]);

    // Replayed without a microphone: the same words and labels (by position, as the
    // counts agree).
    let dir = rec.to_str().unwrap();
    let run = common::groundprobe_json(["run", "--json", "-q", "--recognise", "off", dir]);
    assert_same(&words(&run), &live, FRAME_S);
    assert_eq!(
        summary(&run)["labels_by_position"]["uneven"],
        serde_json::json!([])
    );
    let demo = common::groundprobe_json([
        "demo",
        "--headless",
        "--fast",
        "--recognise",
        "off",
        "--dir",
        dir,
    ]);
    assert_same(&words(&demo), &words(&run), 0.0);
    // By default the take's transcript is aligned by what was heard: never a wrong label.
    let heard = words(&common::groundprobe_json(["run", "--json", "-q", dir]));
    assert_eq!(heard.len(), live.len());
    for (h, l) in heard.iter().zip(&live) {
        assert!(h.2.is_empty() || h.2 == l.2, "{heard:?} vs {live:?}");
    }
}

#[test]
fn a_folder_that_holds_a_recording_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("take-001.wav"), b"").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .args(["live", "--json", "--record"])
        .arg(tmp.path())
        .env("GROUNDPROBE_MODELS", common::models())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(&tmp.path().display().to_string()) && err.contains("already holds"),
        "{err}"
    );
    let listed = std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(listed, 1, "nothing was written into it");
}
