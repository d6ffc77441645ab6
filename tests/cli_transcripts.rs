//! Transcripts in `groundprobe run`: with no flag the recogniser is on for a file with a
//! transcript, which is aligned by what was heard (the summary counts the alignment);
//! with `--recognise off` the labels are positional, and a transcript whose count differs
//! from the words found is named on stderr and in the summary — never silently zipped.

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn run(args: &[&str], wav: &std::path::Path) -> (Vec<Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .env("GROUNDPROBE_MODELS", common::models())
        .args(["run", "--json", "--quiet", "--text", "none"])
        .args(args)
        .arg(wav)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, stderr)
}

/// The demo clip `01_joe` in a temporary folder, its transcript without its third word.
fn clip_missing_a_word() -> (tempfile::TempDir, std::path::PathBuf, usize) {
    let demo = common::models().join("demo");
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("joe.wav");
    std::fs::copy(demo.join("01_joe.wav"), &wav).unwrap();
    let text = std::fs::read_to_string(demo.join("01_joe.txt")).unwrap();
    let mut words: Vec<&str> = text.split_whitespace().collect();
    words.remove(2);
    std::fs::write(wav.with_extension("txt"), words.join(" ")).unwrap();
    (dir, wav, words.len())
}

#[test]
fn a_transcript_is_aligned_by_what_was_heard_by_default() {
    let (_dir, wav, said) = clip_missing_a_word();
    let (lines, stderr) = run(&[], &wav);
    let summary = lines.last().unwrap();
    let words = summary["words"].as_u64().unwrap() as usize;
    assert_eq!(
        words,
        said + 1,
        "the clip says every word of the full transcript"
    );
    let t = &summary["recognition"]["transcript"];
    let n = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("{k}: {summary}")) as usize;
    let labelled = (lines.iter().filter(|l| l["type"] == "word"))
        .filter(|l| l["label"].is_string())
        .count();
    assert_eq!(n("aligned") + n("misheard"), labelled);
    assert_eq!(n("aligned") + n("misheard") + n("unaligned"), words);
    assert_eq!(labelled + n("dropped") + n("left"), said);
    assert!(summary.get("labels_by_position").is_none(), "{summary}");
    assert!(!stderr.contains("by position"), "{stderr}");
}

#[test]
fn by_position_a_transcript_whose_count_differs_is_named_once() {
    let (_dir, wav, said) = clip_missing_a_word();
    let (lines, stderr) = run(&["--recognise", "off"], &wav);
    let summary = lines.last().unwrap();
    assert!(summary.get("recognition").is_none(), "{summary}");
    let p = &summary["labels_by_position"];
    assert_eq!(p["sources"], 1, "{summary}");
    let uneven = p["uneven"].as_array().unwrap();
    assert_eq!(uneven.len(), 1, "{summary}");
    assert_eq!(uneven[0]["transcript_words"], said);
    assert_eq!(uneven[0]["words_found"], said + 1);
    let name = wav.display().to_string();
    let warned: Vec<&str> = stderr.lines().filter(|l| l.contains(&name)).collect();
    assert_eq!(warned.len(), 1, "{stderr}");
    assert!(
        warned[0].contains(&format!(
            "its transcript has {said} words but {} were found",
            said + 1
        )),
        "{stderr}"
    );
    // A transcript that matches the words found draws no warning.
    let (lines, stderr) = run(
        &["--recognise", "off"],
        &common::models().join("demo/01_joe.wav"),
    );
    let p = &lines.last().unwrap()["labels_by_position"];
    assert_eq!(
        (p["sources"].as_u64(), p["uneven"].as_array().map(Vec::len)),
        (Some(1), Some(0))
    );
    assert!(!stderr.contains("transcript"), "{stderr}");
}
