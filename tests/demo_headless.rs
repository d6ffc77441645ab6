//! `groundprobe demo --headless --fast` end to end: the built binary plays the bundled
//! clips through the ring and must find exactly the transcript's words in every clip
//! (labels by position, `--recognise off`: the n-th word found takes the n-th word).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn transcripts(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "wav") {
            let words = std::fs::read_to_string(p.with_extension("txt"))
                .unwrap()
                .split_whitespace()
                .map(str::to_string)
                .collect();
            out.insert(p.file_name().unwrap().to_string_lossy().into_owned(), words);
        }
    }
    out
}

#[test]
fn the_headless_demo_finds_every_transcript_word() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let models = root.join("models");
    let want = transcripts(&models.join("demo"));
    assert!(want.len() >= 3, "demo clips missing: {want:?}");

    let out = Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .args([
            "demo",
            "--headless",
            "--fast",
            "--recognise",
            "off",
            "--models",
        ])
        .arg(&models)
        .output()
        .expect("runs the binary");
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    let (summary, words) = lines.split_last().expect("some output");
    assert_eq!(summary["type"], "summary");
    let by_position = &summary["labels_by_position"];
    assert_eq!(by_position["sources"].as_u64(), Some(want.len() as u64));
    assert_eq!(by_position["uneven"], serde_json::json!([]), "{summary}");

    let mut found: BTreeMap<String, Vec<(String, f64, f64)>> = BTreeMap::new();
    for w in words {
        assert_eq!(w["type"], "word", "{w}");
        let file = Path::new(w["file"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // A segment beyond the transcript would have no label: that is a failure too.
        let label = w["label"].as_str().unwrap_or("<extra segment>").to_string();
        let (start, end) = (w["start"].as_f64().unwrap(), w["end"].as_f64().unwrap());
        found.entry(file).or_default().push((label, start, end));
    }
    let total: usize = want.values().map(Vec::len).sum();
    assert_eq!(summary["words"].as_u64().unwrap() as usize, total);
    for (file, words) in &want {
        let got = found.get(file).cloned().unwrap_or_default();
        let labels: Vec<&str> = got.iter().map(|(l, ..)| l.as_str()).collect();
        assert_eq!(&labels, words, "{file}: words found vs transcript");
        // Segments are in order, do not overlap, and each lasts a plausible word length.
        for pair in got.windows(2) {
            assert!(pair[0].2 <= pair[1].1, "{file}: {pair:?} overlap");
        }
        for (label, start, end) in &got {
            let len = end - start;
            assert!(
                (0.2..1.5).contains(&len),
                "{file}: {label} lasts {len:.2} s"
            );
        }
    }
    // Every word after the first has neighbours under the grounded head and its backbone.
    for w in &words[1..] {
        for enc in ["whisper-tiny-en", "whisper-grounded"] {
            let ns = w["neighbours"][enc].as_array().unwrap();
            assert!(!ns.is_empty(), "{enc}: {w}");
        }
    }
    // A word said again by another voice mostly finds its earlier token first under
    // Whisper (the demo repeats words across speakers).
    let repeats: Vec<&serde_json::Value> = words
        .iter()
        .enumerate()
        .filter(|(i, w)| words[..*i].iter().any(|e| e["label"] == w["label"]))
        .map(|(_, w)| w)
        .collect();
    let same = repeats
        .iter()
        .filter(|w| w["neighbours"]["whisper-tiny-en"][0]["relation"]["same_word"] == true)
        .count();
    println!(
        "whisper-tiny-en: nearest neighbour is the same word for {same} of {} repeated words",
        repeats.len()
    );
    assert!(
        2 * same > repeats.len(),
        "only {same} of {} repeated words",
        repeats.len()
    );
}
