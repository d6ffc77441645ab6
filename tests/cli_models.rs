//! `groundprobe models` as a newcomer reads it: a header, one row per model, text table,
//! lexicon and the demo set with licence, size, checksum state and what each needs; a
//! head without its backbone is broken; a folder with nothing in it is an error.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn models(dir: &Path, json: bool) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_groundprobe"));
    cmd.args(["models", "--models"]).arg(dir);
    if json {
        cmd.arg("--json");
    }
    cmd.output().unwrap()
}

#[test]
fn the_bundled_folder_lists_every_kind_with_a_header_and_checked_files() {
    let out = models(&common::models(), false);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let head: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        head,
        [
            "NAME", "KIND", "DETAIL", "SIZE", "LICENCE", "SHA256", "NEEDS", "STATUS", "SOURCE"
        ]
    );

    let out = models(&common::models(), true);
    assert!(out.status.success());
    let rows: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    for (name, kind) in [
        ("whisper-tiny-en", "encoder"),
        ("whisper-grounded", "grounded"),
        ("silero-vad", "vad"),
        ("minilm_l6", "text"),
        ("clip", "text"),
        ("digits", "lexicon"),
        ("paper", "lexicon"),
        ("demo", "demo"),
    ] {
        let r = row(name);
        assert_eq!(r["kind"], kind, "{r}");
        assert_eq!(r["status"], "ok", "{r}");
        assert!(r["size"].as_u64().unwrap() > 0, "{r}");
        assert!(!r["licence"].as_str().unwrap().is_empty(), "{r}");
        assert!(!r["source"].as_str().unwrap().is_empty(), "{r}");
    }
    // Models, text tables and demo clips have recorded checksums, and they match.
    for name in [
        "whisper-tiny-en",
        "whisper-grounded",
        "clip",
        "minilm_l6",
        "demo",
    ] {
        assert_eq!(row(name)["sha256"], "ok", "{}", row(name));
    }
    assert_eq!(
        row("whisper-grounded")["depends_on"],
        "whisper-tiny-en (layer4_ln)"
    );
    assert_eq!(row("minilm_l6")["detail"], "199 words × 384");
    assert_eq!(row("paper.pairs")["depends_on"], "paper");
}

#[test]
fn a_head_without_its_backbone_is_broken_and_an_empty_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let head = dir.path().join("grounded");
    std::fs::create_dir(&head).unwrap();
    let from = common::models().join("grounded/whisper-grounded");
    for f in ["manifest.toml", "head.onnx"] {
        std::fs::copy(from.join(f), head.join(f)).unwrap();
    }
    let out = models(dir.path(), false);
    assert!(!out.status.success(), "a broken model is a failure");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("whisper-grounded"))
        .unwrap();
    assert!(line.contains("BROKEN"), "{text}");
    assert!(text.contains("backbone `whisper-tiny-en`"), "{text}");

    let empty = tempfile::tempdir().unwrap();
    let out = models(empty.path(), false);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&*empty.path().to_string_lossy()), "{err}");
    assert!(err.contains("no model manifest"), "{err}");
}
