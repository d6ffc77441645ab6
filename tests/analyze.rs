//! `groundprobe analyze` end to end on the bundled demo clips (real speech through Whisper
//! tiny.en and the grounded head): the figures over all words are `run`'s; the files agree
//! with each other (CSV = JSON = the values on the SVG points); the result is the same for
//! 1 and 2 worker threads; leave-one-out intervals hold their mean; a bad output folder is
//! named and nothing is half-written into it.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn groundprobe() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_groundprobe"));
    cmd.env("GROUNDPROBE_MODELS", common::models());
    cmd
}

fn analyze(out: &Path, threads: &str) -> Value {
    let demo = common::models().join("demo");
    let res = groundprobe()
        .args(["analyze", "-q", "--threads", threads, "--out"])
        .arg(out)
        .arg(&demo)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("analysis.json")).unwrap()).unwrap()
}

fn csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    (r.records())
        .map(|rec| {
            head.iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn close(a: &Value, b: &str) -> bool {
    match (a.as_f64(), b.parse::<f64>().ok()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-6,
        (None, None) => true,
        _ => false,
    }
}

#[test]
fn analyze_writes_the_figures_of_run_with_intervals_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let report = analyze(&tmp.path().join("one"), "1");
    let two = analyze(&tmp.path().join("two"), "2");
    assert_eq!(report, two, "the same analysis for 1 and 2 threads");

    // Over all words, each layer's figures are those `run` reports for the same clips.
    let run = groundprobe()
        .args(["run", "--json", "-q"])
        .arg(common::models().join("demo"))
        .output()
        .unwrap();
    let summary: Value = serde_json::from_str(
        String::from_utf8(run.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    let encoders = report["encoders"].as_array().unwrap();
    assert_eq!(encoders.len(), 2);
    for e in encoders {
        for l in e["layers"].as_array().unwrap() {
            let theirs =
                &summary["metrics"][e["name"].as_str().unwrap()][l["layer"].as_str().unwrap()];
            assert_eq!(&l["all"], theirs, "{} {}", e["name"], l["layer"]);
            for kind in ["silhouette_semantic", "silhouette_phonetic"] {
                let i = &l[kind];
                let (m, lo, hi) = (i["mean"].as_f64(), i["low"].as_f64(), i["high"].as_f64());
                let (m, lo, hi) = (m.unwrap(), lo.unwrap(), hi.unwrap());
                assert!(lo <= m && m <= hi, "{kind}: {i}");
                assert!(i["n"].as_u64().unwrap() >= 3, "{kind}: a fold per cluster");
            }
        }
    }
    let s = &report["settings"];
    assert_eq!(s["tokens"], summary["words"]);
    assert_eq!(s["seeds"], serde_json::json!([42, 12, 25, 31, 69]));
    assert_eq!(s["sample"], 28, "80 % of 35 tokens");

    // The CSV tables hold the JSON's numbers; the figures' points hold the CSV's.
    let dir = tmp.path().join("one");
    let find = |enc: &str, layer: &str| {
        let e = encoders.iter().find(|e| e["name"] == enc).unwrap();
        e["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["layer"] == layer)
            .unwrap()
            .clone()
    };
    let rows = csv(&dir.join("silhouette.csv"));
    assert_eq!(rows.len(), 6 * 8, "2 kinds × 3 spaces × 8 layers");
    let svg = std::fs::read_to_string(dir.join("silhouette.svg")).unwrap();
    let projected = std::fs::read_to_string(dir.join("silhouette_projected.svg")).unwrap();
    for r in &rows {
        let l = find(&r["encoder"], &r["layer"]);
        let (all, i, figure, tag) = match r["space"].as_str() {
            "cosine" => (
                l["all"][format!("silhouette_{}", r["kind"])].clone(),
                l[format!("silhouette_{}", r["kind"])].clone(),
                &svg,
                r["kind"].clone(),
            ),
            space => {
                let p = &l[format!("{space}_{}", r["kind"])];
                let tag = format!("{} {}", space.to_uppercase(), r["kind"]);
                (p["all"].clone(), p["folds"].clone(), &projected, tag)
            }
        };
        assert!(
            close(&i["mean"], &r["mean"]) && close(&i["low"], &r["low"]),
            "{r:?}"
        );
        assert!(close(&all, &r["all"]), "{r:?}");
        let point = format!(
            "<title>{} {tag} {}: {}</title>",
            r["encoder"], r["layer"], r["mean"]
        );
        assert!(figure.contains(&point), "{point} in its figure");
    }
    for r in csv(&dir.join("cka.csv")) {
        let l = find(&r["encoder"], &r["layer"]);
        assert!(close(&l["all"]["cka"][&r["table"]], &r["cka"]), "{r:?}");
        assert!(
            close(&l["all"]["cka_debiased"][&r["table"]], &r["cka_debiased"]),
            "{r:?}"
        );
    }
    let pairs = csv(&dir.join("pairs.csv"));
    let pooled: Vec<_> = pairs.iter().filter(|r| r["seed"] == "pooled").collect();
    assert_eq!(pooled.len(), 4 * 8, "4 kinds × 8 layers");
    assert_eq!(pairs.len(), 6 * 4 * 8, "5 seeds and the pooled row");
    for r in csv(&dir.join("identity.csv")) {
        let l = find(&r["encoder"], &r["layer"]);
        assert!(
            close(&l["all"]["word_identity"]["top1"], &r["top1"]),
            "{r:?}"
        );
    }
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    for f in [
        "cka.svg",
        "silhouette.svg",
        "silhouette_projected.svg",
        "pairs.svg",
        "analysis.json",
    ] {
        assert!(html.contains(f), "index.html links {f}");
    }
}

#[test]
fn an_output_path_that_is_a_file_is_named() {
    let tmp = tempfile::NamedTempFile::new().unwrap();
    let res = groundprobe()
        .args(["analyze", "-q", "--out"])
        .arg(tmp.path())
        .arg(common::models().join("demo/01_joe.wav"))
        .output()
        .unwrap();
    assert!(!res.status.success());
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        stderr.contains(&tmp.path().display().to_string()),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches(&tmp.path().display().to_string()).count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "said once, before any file: {stderr}"
    );
}

#[test]
fn a_cached_pass_gives_the_same_analysis_and_settings_that_change_words_miss_it() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let demo = common::models().join("demo");
    let run = |out: &str, extra: &[&str]| {
        let res = groundprobe()
            .args(["analyze", "-q", "--seeds", "42,12", "--cache"])
            .arg(&cache)
            .args(extra)
            .arg("--out")
            .arg(tmp.path().join(out))
            .arg(&demo)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&res.stderr).to_string();
        assert!(res.status.success(), "{stderr}");
        let json = std::fs::read(tmp.path().join(out).join("analysis.json")).unwrap();
        (serde_json::from_slice::<Value>(&json).unwrap(), stderr)
    };
    let cached_files = || std::fs::read_dir(&cache).unwrap().count();
    let (first, said) = run("first", &[]);
    assert!(!said.contains("read from"), "{said}");
    assert_eq!(cached_files(), 1);
    let (again, said) = run("again", &[]);
    assert!(said.contains("35 words read from"), "{said}");
    assert_eq!(first, again, "the same analysis from the cache");

    // Text tables are the analysis's own: still the cached words.
    let (_, said) = run("text", &["--text", "minilm-l6:layer6"]);
    assert!(said.contains("read from"), "{said}");
    // Other encoders find other words: a second file.
    let (other, said) = run("other", &["--encoders", "whisper-tiny-en"]);
    assert!(!said.contains("read from"), "{said}");
    assert_eq!(other["encoders"].as_array().unwrap().len(), 1);
    assert_eq!(cached_files(), 2);

    // A broken cache file is said, made again, and the run goes on.
    for entry in std::fs::read_dir(&cache).unwrap() {
        std::fs::write(entry.unwrap().path(), b"{").unwrap();
    }
    let (remade, said) = run("remade", &[]);
    assert!(said.contains("making the cache again"), "{said}");
    assert_eq!(first, remade);
    let (_, said) = run("after", &[]);
    assert!(said.contains("read from"), "{said}");
}
