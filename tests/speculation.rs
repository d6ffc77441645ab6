//! The speculative close (issue 17) on real audio: a word is written provisionally after a
//! short silence and confirmed or retracted when the hangover decides; the final lines
//! are exactly those of a run without it.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// The word lines, final or not, without their timings (which vary run to run).
fn words(lines: &[Value], is_final: bool) -> Vec<Value> {
    lines
        .iter()
        .filter(|l| l["type"] == "word" && l["final"] == is_final)
        .map(|l| {
            let mut l = l.clone();
            l.as_object_mut().unwrap().remove("timings_ms");
            l
        })
        .collect()
}

/// Checks the order of events: every provisional line is followed by its final line or
/// its retraction (same index) before any other word line, and a retracted index comes
/// back as a final line. Returns (provisional, retracted).
fn check_order(lines: &[Value]) -> (usize, usize) {
    let mut open: Option<(u64, f64)> = None;
    let (mut provisional, mut retracted) = (0, 0);
    let mut came_back: BTreeMap<u64, bool> = BTreeMap::new();
    for l in lines {
        let index = l["index"].as_u64();
        match (l["type"].as_str(), l["final"].as_bool()) {
            (Some("word"), Some(false)) => {
                assert!(open.is_none(), "two provisional words at once: {l}");
                open = Some((index.unwrap(), l["decided_at"].as_f64().unwrap()));
                provisional += 1;
            }
            (Some("word"), Some(true)) => {
                if let Some((i, at)) = open.take() {
                    assert_eq!(Some(i), index, "a final word confirms the provisional one");
                    assert!(l["decided_at"].as_f64().unwrap() > at, "{l}");
                }
                came_back.insert(index.unwrap(), true);
            }
            (Some("retract"), _) => {
                let (i, _) = open
                    .take()
                    .expect("a retraction withdraws a provisional word");
                assert_eq!(Some(i), index);
                came_back.insert(i, false);
                retracted += 1;
            }
            _ => {}
        }
    }
    assert!(
        came_back.values().all(|&b| b),
        "every retracted word came back: {came_back:?}"
    );
    (provisional, retracted)
}

fn compare(args: &[&str], file: &Path) -> (usize, usize, Value) {
    let run = |ms: &str| {
        let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        a.extend([
            "--speculate-ms".into(),
            ms.into(),
            file.display().to_string(),
        ]);
        common::groundprobe_json(a)
    };
    let (off, on) = (run("0"), run("64"));
    assert!(words(&off, false).is_empty() && !off.iter().any(|l| l["type"] == "retract"));
    assert_eq!(
        words(&on, true),
        words(&off, true),
        "the final lines are the same"
    );
    // Provisional words never enter the probes: their state, and every metric, is that of
    // the final words alone.
    let metrics = |lines: &[Value]| lines.last().unwrap()["metrics"].clone();
    assert_eq!(metrics(&on), metrics(&off));
    let (provisional, retracted) = check_order(&on);
    let summary = on.last().unwrap()["speculation"].clone();
    assert_eq!(summary["provisional"], provisional, "{summary}");
    assert_eq!(summary["retracted"], retracted, "{summary}");
    assert!(off.last().unwrap().get("speculation").is_none());
    (provisional, retracted, summary)
}

#[test]
fn provisional_words_come_sooner_and_the_final_lines_are_unchanged() {
    let clip = common::models().join("demo/01_joe.wav");
    let (provisional, _, summary) = compare(&["run", "--json", "-q"], &clip);
    let finals = common::groundprobe_json(["run", "--json", "-q", clip.to_str().unwrap()]);
    let n = words(&finals, true).len();
    assert!(
        provisional >= n - 1,
        "{provisional} provisional of {n} words"
    );
    let p50 = |k: &str| summary[k]["p50"].as_f64().unwrap();
    assert!(
        p50("end_of_speech_to_first_line_ms") + 90.0 <= p50("end_of_speech_to_final_line_ms"),
        "{summary}"
    );
}

#[test]
fn speech_that_goes_on_retracts_the_provisional_word_and_it_comes_back_longer() {
    let Some(dir) = common::fsdd() else { return };
    // Digits by one speaker with 100–200 ms of silence between them: longer than the
    // provisional close, shorter than the hangover, so some close and reopen.
    let rate = 8_000;
    let mut samples: Vec<i16> = Vec::new();
    for (k, d) in (0..10).cycle().take(20).enumerate() {
        let mut r =
            hound::WavReader::open(dir.join(format!("{d}_jackson_{}.wav", k / 10))).unwrap();
        samples.extend(r.samples::<i16>().map(Result::unwrap));
        samples.extend(std::iter::repeat_n(0, rate * (100 + 5 * (k % 21)) / 1000));
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("close.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate as u32,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&file, spec).unwrap();
    samples.iter().for_each(|&s| w.write_sample(s).unwrap());
    w.finalize().unwrap();
    let (provisional, retracted, _) =
        compare(&["run", "--json", "-q", "--lexicon", "digits"], &file);
    assert!(retracted > 0, "{retracted} of {provisional} retracted");
}
