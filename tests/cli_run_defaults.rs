//! What `groundprobe run` does for a newcomer without flags: CKA against the bundled text
//! tables (off with `--text none`), a per-layer table at the end of table mode with the
//! numbers of the JSON summary, labelling rules in `--help`, file-name labels only for
//! lexicon words, and audio files found by content and by any-case extension.

mod common;

use std::path::{Path, PathBuf};

use common::{groundprobe, stdout_of};
use serde_json::Value;

fn summary(stdout: &str) -> Value {
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}

fn digits(dir: &Path) -> Vec<PathBuf> {
    ["george", "jackson", "theo"]
        .iter()
        .flat_map(|s| (0..4).map(move |d| format!("{d}_{s}_3.wav")))
        .map(|f| dir.join(f))
        .collect()
}

#[test]
fn run_compares_with_the_bundled_text_tables_unless_told_none() {
    let demo = common::models().join("demo/01_joe.wav");
    let s = summary(&stdout_of(groundprobe().args(["run", "--json"]).arg(&demo)));
    let m = &s["metrics"]["whisper-tiny-en"]["layer4_ln"];
    for table in ["minilm_l6", "clip"] {
        let cka = m["cka"][table]
            .as_f64()
            .unwrap_or_else(|| panic!("{table}: {m}"));
        assert!((0.0..=1.0).contains(&cka), "{table} {cka}");
    }
    let s = summary(&stdout_of(
        groundprobe()
            .args(["run", "--json", "--text", "none"])
            .arg(&demo),
    ));
    let m = &s["metrics"]["whisper-tiny-en"]["layer4_ln"];
    assert_eq!(m["cka"], serde_json::json!({}), "{m}");
}

#[test]
fn table_mode_ends_with_the_per_layer_numbers_of_the_json_summary() {
    let Some(dir) = common::fsdd() else { return };
    let files = digits(&dir);
    let args = [
        "run",
        "--lexicon",
        "digits",
        "--encoders",
        "whisper-tiny-en",
    ];
    let table = stdout_of(groundprobe().args(args).args(&files));
    let json = summary(&stdout_of(
        groundprobe().args(args).arg("--json").args(&files),
    ));
    let header = table
        .lines()
        .find(|l| l.trim_start().starts_with("layer") && l.contains("top-1"))
        .unwrap_or_else(|| panic!("no per-layer table:\n{table}"));
    for col in ["phon", "sem", "word", "top-1", "cka:clip", "cka:minilm_l6"] {
        assert!(
            header.split_whitespace().any(|c| c == col),
            "{col}: {header}"
        );
    }
    assert!(table.contains("same word"), "{table}");
    let m = &json["metrics"]["whisper-tiny-en"]["layer4_ln"];
    let row: Vec<&str> = table
        .lines()
        .find(|l| l.trim_start().starts_with("layer4_ln ") && l.contains('%'))
        .unwrap()
        .split_whitespace()
        .collect();
    let id = &m["word_identity"];
    assert_eq!(row[3], format!("{:.3}", id["silhouette"].as_f64().unwrap()));
    assert_eq!(
        row[4],
        format!("{:.1}%", id["top1"].as_f64().unwrap() * 100.0)
    );
    // Digits have no category or group: shown as —. MiniLM holds the digits' spoken
    // names (its rows `0`..`9`), CLIP's class names none: a CKA and a —, as in the JSON.
    assert_eq!(&row[1..3], ["—", "—"]);
    assert!(m["cka"]["clip"].is_null(), "{m}");
    assert_eq!(row[5], "—");
    let minilm = m["cka"]["minilm_l6"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&minilm), "{minilm}");
    assert_eq!(row[6], format!("{minilm:.3}"));
    assert_eq!(id["speakers"], 3);
}

#[test]
fn help_states_the_labelling_rules_in_order() {
    let help = stdout_of(groundprobe().args(["run", "--help"]));
    let at = |s: &str| {
        help.find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{help}"))
    };
    assert!(at("1. a transcript") < at("2. the file name"));
    assert!(at("2. the file name") < at("3. the name of the folder"));
    at("--label-from-name");
    at("--quiet");
    at("--text <NAME=PATH|MODEL[:LAYER]|none>");
}

#[cfg(unix)]
#[test]
fn file_name_labels_need_a_lexicon_word_and_audio_is_found_by_content() {
    let Some(dir) = common::fsdd() else { return };
    let tmp = tempfile::tempdir().unwrap();
    // Links to real recordings under names a user might have (nothing is copied).
    let link = |target: &str, name: &str| {
        std::os::unix::fs::symlink(dir.join(target), tmp.path().join(name)).unwrap();
    };
    link("3_george_1.wav", "session_01.wav");
    link("5_theo_2.wav", "5_theo_2.WAVE");
    link("7_lucas_4.wav", "recording-without-extension");
    let labels = |extra: &[&str]| -> Vec<Value> {
        let out = stdout_of(
            groundprobe()
                .args(["run", "--json", "--lexicon", "digits", "--text", "none"])
                .args(extra)
                .arg(tmp.path()),
        );
        let words: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let (words, _) = words.split_at(words.len() - 1);
        words.iter().map(|w| w["label"].clone()).collect()
    };
    // Sorted: 5_theo_2.WAVE, recording-without-extension, session_01.wav.
    assert_eq!(
        labels(&[]),
        [serde_json::json!("5"), Value::Null, Value::Null]
    );
    assert_eq!(
        labels(&["--label-from-name"]),
        [
            serde_json::json!("5"),
            Value::Null,
            serde_json::json!("session")
        ]
    );
}

/// `--max-words N`: the summary's metrics are over the last N words, with the window in
/// the summary and in the table; equal to a run given only the files of those words. A
/// window of 0 is refused by name.
#[test]
fn a_window_of_words_gives_the_metrics_of_the_most_recent_words() {
    let Some(dir) = common::fsdd() else { return };
    let files = digits(&dir);
    let run = |files: &[PathBuf], extra: &[&str]| {
        let mut cmd = groundprobe();
        cmd.args([
            "run",
            "--json",
            "--lexicon",
            "digits",
            "--encoders",
            "whisper-tiny-en",
        ])
        .args(["--recognise", "off"])
        .args(extra)
        .args(files);
        stdout_of(&mut cmd)
    };
    // The words of the last five files make the window.
    let all = run(&files, &[]);
    let tail: Vec<String> = files[files.len() - 5..]
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let held = (all
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()))
    .filter(|v| v["type"] == "word" && tail.iter().any(|f| v["file"] == f.as_str()))
    .count();
    let words = summary(&all)["words"].as_u64().unwrap() as usize;
    assert!(held >= 4 && words > held, "{held} of {words} words");
    let windowed = summary(&run(&files, &["--max-words", &held.to_string()]));
    assert_eq!(windowed["words"], words);
    assert_eq!(windowed["window"]["max_words"], held);
    assert_eq!(windowed["window"]["evicted"], words - held);
    let last = summary(&run(&files[files.len() - 5..], &[]));
    assert!(last.get("window").is_none());
    for (layer, m) in windowed["metrics"]["whisper-tiny-en"].as_object().unwrap() {
        let want = &last["metrics"]["whisper-tiny-en"][layer];
        assert_eq!(m["words"], held, "{layer}");
        assert_eq!(
            m["word_identity"]["tokens"],
            want["word_identity"]["tokens"]
        );
        assert_eq!(
            m["pairs"]["same_word"]["pairs"],
            want["pairs"]["same_word"]["pairs"]
        );
        for (key, a, b) in [
            ("cka", &m["cka"]["minilm_l6"], &want["cka"]["minilm_l6"]),
            (
                "identity",
                &m["word_identity"]["silhouette"],
                &want["word_identity"]["silhouette"],
            ),
        ] {
            match (a.as_f64(), b.as_f64()) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "{layer} {key}: {a} vs {b}"),
                (a, b) => assert_eq!(a, b, "{layer} {key}"),
            }
        }
    }
    let top = &windowed["metrics"]["whisper-tiny-en"]["layer4_ln"];
    assert!(top["cka"]["minilm_l6"].is_f64(), "{top}");
    let table = stdout_of(
        groundprobe()
            .args([
                "run",
                "--lexicon",
                "digits",
                "--encoders",
                "whisper-tiny-en",
            ])
            .args(["--recognise", "off", "--max-words", &held.to_string()])
            .args(&files),
    );
    let line = format!(
        "metrics over the last {held} words (--max-words; {} left the window)",
        words - held
    );
    assert!(table.contains(&line), "{table}");
    let out = groundprobe()
        .args(["run", "--max-words", "0"])
        .args(&files[..1])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--max-words"), "{err}");
}
