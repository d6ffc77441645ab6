//! `groundprobe bench` end to end on the bundled demo clips and real models: the JSON
//! schema and what each figure must be consistent with, the machine record of this host,
//! `--compare`/`--plot` on two committed reports, and bad reports named once. No timing
//! is asserted: only that figures exist, are ordered and agree with each other.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use groundprobe::bench::{BenchReport, SCHEMA_VERSION};
use serde_json::Value;

fn groundprobe() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_groundprobe"));
    cmd.env("GROUNDPROBE_MODELS", common::models());
    // Only the onnxruntime tests give it the library, on their command line.
    cmd.env_remove("GROUNDPROBE_ORT_LIB");
    cmd
}

fn committed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bench")
        .join(name)
}

fn run_json(args: &[&str]) -> (Value, String) {
    let out = groundprobe().arg("bench").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "stderr: {stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

#[test]
fn json_report_follows_the_schema_and_its_figures_agree() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let words = 12;
    let (v, stderr) = run_json(&[
        "--json",
        "--words",
        &words.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stderr.is_empty(), "--json prints no progress: {stderr}");
    assert_eq!(v["version"], SCHEMA_VERSION);
    assert_eq!(v["input"]["words"], words);
    assert_eq!(v["input"]["encoders"][0], "whisper-tiny-en");
    let stages = v["stages"].as_object().unwrap();
    for stage in [
        "resample",
        "vad",
        "segment",
        "front_end:whisper-tiny-en",
        "encoder:whisper-tiny-en",
        "head:whisper-grounded",
        "probe:whisper-tiny-en",
        "probe:whisper-grounded",
        "serialise",
        "ui_frame",
    ] {
        let s = &stages
            .get(stage)
            .unwrap_or_else(|| panic!("no stage {stage}"));
        let q = |k: &str| s[k].as_f64().unwrap();
        assert!(q("p50_us") > 0.0, "{stage}: {s}");
        assert!(q("p50_us") <= q("p95_us") && q("p95_us") <= q("p99_us"));
        assert!(q("p99_us") <= q("max_us"), "{stage}: {s}");
    }
    // One encoder, head, probe, serialisation and frame per word.
    for stage in [
        "encoder:whisper-tiny-en",
        "head:whisper-grounded",
        "serialise",
        "ui_frame",
    ] {
        assert_eq!(stages[stage]["count"], words, "{stage}");
    }
    // The length buckets split the encoder's words between them.
    let bucketed: u64 = stages
        .iter()
        .filter(|(k, _)| k.starts_with("encoder:whisper-tiny-en:"))
        .map(|(_, s)| s["count"].as_u64().unwrap())
        .sum();
    assert_eq!(bucketed, words as u64);
    // Silero frames are 512 samples at 16 kHz: frames × 32 ms is the audio streamed.
    let frames = stages["vad"]["count"].as_f64().unwrap();
    let audio = v["input"]["audio_seconds"].as_f64().unwrap();
    assert!(
        (frames * 0.032 - audio).abs() < 0.033,
        "{frames} frames, {audio} s"
    );
    assert_eq!(stages["segment"]["count"], stages["vad"]["count"]);

    // End of speech → decision is audio time: the 150 ms hangover in whole 32 ms frames.
    let eos = &v["end_of_speech_to_word_ms"];
    assert_eq!(eos["p50"], 160.0);
    let compute_p50 = v["word_end_to_update_us"]["p50_us"].as_f64().unwrap();
    let wait_p50 = v["listener_wait_ms"]["p50"].as_f64().unwrap();
    assert!(wait_p50 > 160.0 && wait_p50 < 160.0 + 10.0 * compute_p50 / 1e3);
    assert!(v["rtf"].as_f64().unwrap() > 0.0);
    let peak = v["peak_rss_bytes"].as_u64().unwrap();
    assert!(peak >= v["rss_after_load_bytes"].as_u64().unwrap());
    let loads = v["model_load_ms"].as_object().unwrap();
    let mut models: Vec<&str> = loads.keys().map(String::as_str).collect();
    models.sort_unstable();
    assert_eq!(
        models,
        ["silero-vad", "whisper-grounded", "whisper-tiny-en"]
    );
    assert!(v["ort_ratio"].is_null());
    assert!(v["ort_note"].as_str().unwrap().contains("onnxruntime"));
    assert!(v["probe_scaling"].is_null());
    assert!(v.get("end_of_speech_to_first_line_ms").is_none() && v.get("retracted").is_none());

    // --out holds the same report, and it loads back.
    let saved = BenchReport::load(&out).unwrap();
    assert_eq!(serde_json::to_value(&saved).unwrap(), v);
}

#[test]
fn machine_and_build_describe_this_host() {
    let (v, _) = run_json(&["--json", "--words", "3", "--threads", "2"]);
    let m = &v["machine"];
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(m["cores"], cores);
    assert_eq!(m["arch"], std::env::consts::ARCH);
    if cfg!(target_os = "linux") {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap();
        let cpu = m["cpu"].as_str().expect("a CPU name on Linux");
        assert!(cpuinfo.contains(cpu), "{cpu} not in /proc/cpuinfo");
        let total = m["memory_bytes"].as_u64().unwrap();
        assert!(total > 64 << 20);
    }
    #[cfg(target_arch = "x86_64")]
    assert_eq!(
        m["simd"].as_array().unwrap().iter().any(|s| s == "avx2"),
        std::arch::is_x86_feature_detected!("avx2")
    );
    let b = &v["build"];
    assert_eq!(b["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(b["threads"], 2);
    assert!(
        b["target"]
            .as_str()
            .unwrap()
            .starts_with(std::env::consts::ARCH)
    );
    assert!(b["rustc"].as_str().unwrap().starts_with("rustc "));
    assert!(b["binary_bytes"].as_u64().unwrap() > 1 << 20);
    let features: Vec<&str> = b["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(features.contains(&"ui"), cfg!(feature = "ui"));
}

#[test]
fn probe_scaling_reports_each_size() {
    let (v, _) = run_json(&[
        "--json",
        "--words",
        "3",
        "--probe-scaling",
        "--probe-sizes",
        "200,50",
    ]);
    let s = &v["probe_scaling"];
    let n: Vec<u64> = s["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["n"].as_u64().unwrap())
        .collect();
    assert_eq!(n, [50, 200]);
    assert!(s["exponent"].as_f64().unwrap().is_finite());
    // Whisper tiny.en's tapped layers and the head's, with both bundled text tables.
    assert_eq!(s["encoders"][0][0], "whisper-tiny-en");
    assert_eq!(s["tables"].as_array().unwrap().len(), 2);
}

#[test]
fn compare_puts_committed_reports_side_by_side() {
    let (a, b) = (
        committed("x86_64-1thread.json"),
        committed("x86_64-2threads.json"),
    );
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("boards.svg");
    let out = groundprobe()
        .args(["bench", "--compare"])
        .args([&a, &b])
        .arg("--plot")
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    let (ra, rb) = (
        BenchReport::load(&a).unwrap(),
        BenchReport::load(&b).unwrap(),
    );
    // The VAD's p50 row: both values, and the second's ratio to the first.
    let (va, vb) = (ra.stages["vad"].p50_us, rb.stages["vad"].p50_us);
    let row = table
        .lines()
        .find(|l| l.starts_with("vad p50"))
        .unwrap_or_else(|| panic!("no vad row in\n{table}"));
    assert!(row.contains(&format!("×{:.2}", vb / va)), "{row}");
    assert!(table.contains("x86_64-1thread") && table.contains("x86_64-2threads"));
    assert!(table.contains("2 thr"), "{table}");
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.starts_with("<svg"));
    // One bar per board for every stage's p50 and the listener's p50 wait.
    let bars = drawn.matches("<rect").count();
    let legend_and_background = 1 + 2;
    let stages = ra.stages.len() + 1;
    assert_eq!(bars - legend_and_background, 2 * stages, "{bars} rects");
}

#[test]
fn a_bad_report_is_named_once_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{ not json").unwrap();
    let future = dir.path().join("future.json");
    std::fs::write(&future, r#"{"version": 99}"#).unwrap();
    let good = committed("x86_64-1thread.json");
    for (bad, says) in [(&junk, "not JSON"), (&future, "field `version`")] {
        let out = groundprobe()
            .args(["bench", "--compare"])
            .args([&good, bad])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        let name = bad.file_name().unwrap().to_str().unwrap();
        assert_eq!(err.matches(name).count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
    }
}

/// onnxruntime beside tract (feature `ort`, library from $GROUNDPROBE_ORT_LIB, e.g. the
/// PyPI wheel's `onnxruntime/capi/libonnxruntime.so.*`): every model gets a ratio.
#[cfg(feature = "ort")]
#[test]
fn onnxruntime_runs_beside_tract_on_the_same_inputs() {
    let Ok(lib) = std::env::var("GROUNDPROBE_ORT_LIB") else {
        eprintln!("SKIPPED: GROUNDPROBE_ORT_LIB is not set (see README, Benchmark on your board)");
        return;
    };
    let (v, _) = run_json(&["--json", "--words", "5", "--ort-lib", &lib]);
    let ratios = v["ort_ratio"].as_object().expect("ratios with a library");
    let mut models: Vec<&str> = ratios.keys().map(String::as_str).collect();
    models.sort_unstable();
    assert_eq!(
        models,
        ["silero-vad", "whisper-grounded", "whisper-tiny-en"]
    );
    assert!(ratios.values().all(|r| r.as_f64().unwrap() > 0.0));
    // Five words: five encoder and head runs each, one VAD run per frame.
    let note = v["ort_note"].as_str().unwrap();
    assert!(note.contains("whisper-tiny-en: 5 runs"), "{note}");
    let frames = v["stages"]["vad"]["count"].as_u64().unwrap();
    assert!(
        note.contains(&format!("silero-vad: {frames} runs")),
        "{note}"
    );
}

#[cfg(feature = "ort")]
#[test]
fn a_missing_onnxruntime_library_is_a_note_not_a_failure() {
    let (v, stderr) = run_json(&[
        "--json",
        "--words",
        "2",
        "--ort-lib",
        "/nonexistent/libonnxruntime.so",
    ]);
    assert!(v["ort_ratio"].is_null());
    assert!(
        v["ort_note"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/libonnxruntime.so")
    );
    assert_eq!(stderr.matches("libonnxruntime.so").count(), 1, "{stderr}");
}

#[test]
fn with_a_speculative_close_it_reports_the_first_line_and_the_retractions() {
    let words = 8;
    let (v, _) = run_json(&[
        "--json",
        "--words",
        &words.to_string(),
        "--speculate-ms",
        "64",
    ]);
    // Two 32 ms frames of silence, against the hangover's five.
    assert_eq!(v["end_of_speech_to_first_line_ms"]["p50"], 64.0, "{v}");
    assert_eq!(v["end_of_speech_to_word_ms"]["p50"], 160.0);
    let [retracted, written] = [0, 1].map(|i| v["retracted"][i].as_u64().unwrap());
    assert!(written >= words - 1 && retracted <= written, "{v}");
    // At 64 ms the word's 96 ms of padding is not heard yet: the final word is encoded
    // again on its whole audio (each confirmed provisional word costs one more encode).
    let encodes = v["stages"]["encoder:whisper-tiny-en"]["count"]
        .as_u64()
        .unwrap();
    assert_eq!(encodes, words + written, "{v}");
}
