//! `groundprobe run` end to end: the JSON-lines schema on real recordings, and clear
//! errors with a non-zero exit for bad input.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn groundprobe() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_groundprobe"));
    cmd.env("GROUNDPROBE_MODELS", common::models());
    cmd
}

/// Asserts the command succeeded and parses its JSON lines.
fn json_lines(out: &std::process::Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[test]
fn json_lines_follow_the_schema() {
    let Some(dir) = common::fsdd() else { return };
    let files = [
        "3_george_1.wav",
        "3_nicolas_5.wav",
        "7_jackson_2.wav",
        "7_theo_4.wav",
    ];
    let out = groundprobe()
        .args([
            "run",
            "--json",
            "--vectors",
            "--lexicon",
            "digits",
            "-k",
            "2",
            "--encoders",
            "speech-embedding,whisper-tiny-en",
        ])
        .args(files.iter().map(|f| dir.join(f)))
        .output()
        .unwrap();
    let lines = json_lines(&out);
    let (words, summary) = lines.split_at(lines.len() - 1);
    assert_eq!(words.len(), 4);
    let encoders = ["speech-embedding", "whisper-tiny-en"];
    for (i, w) in words.iter().enumerate() {
        assert_eq!(w["type"], "word");
        assert_eq!(w["index"], i);
        assert!(w["file"].as_str().unwrap().ends_with(files[i]));
        assert_eq!(w["label"], &files[i][..1]);
        let (start, end) = (w["start"].as_f64().unwrap(), w["end"].as_f64().unwrap());
        assert!(0.0 <= start && start < end && end < 1.0, "{start}..{end}");
        for enc in encoders {
            let ns = w["neighbours"][enc].as_array().unwrap();
            assert_eq!(ns.len(), i.min(2), "{enc} neighbours of word {i}");
            for n in ns {
                assert_eq!(keys(n), ["index", "label", "relation", "similarity"]);
                assert_eq!(n["relation"]["same_word"], n["label"] == w["label"]);
                assert!(n["index"].as_u64().unwrap() < i as u64);
                assert!(n["similarity"].as_f64().unwrap().abs() <= 1.0 + 1e-6);
            }
            let layers = w["embeddings"][enc].as_object().unwrap();
            assert!(
                layers.len() >= 4,
                "{enc}: at least three intermediate layers and the output"
            );
            assert!(
                layers
                    .values()
                    .all(|v| v.as_array().unwrap().iter().all(Value::is_number))
            );
        }
    }
    // The second '3' and the second '7' find their own digit first under Whisper.
    assert_eq!(words[1]["neighbours"]["whisper-tiny-en"][0]["label"], "3");
    assert_eq!(words[3]["neighbours"]["whisper-tiny-en"][0]["label"], "7");
    let s = &summary[0];
    assert_eq!(s["type"], "summary");
    assert_eq!(s["words"], 4);
    assert!(s["audio_seconds"].as_f64().unwrap() > 1.0);
    assert!(s["processing_seconds"].as_f64().unwrap() > 0.0);
    for enc in encoders {
        assert_eq!(s["encoders"][enc]["grounded"], false);
        assert!(s["encoders"][enc]["layers"].as_array().unwrap().len() >= 4);
    }
}

fn fails_naming(args: &[&str], path: &Path, what: &str) {
    let out = groundprobe().args(args).arg(path).output().unwrap();
    assert!(
        !out.status.success(),
        "expected failure for {}",
        path.display()
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&*path.file_name().unwrap().to_string_lossy()),
        "error does not name the file: {err}"
    );
    assert!(
        err.to_lowercase().contains(what),
        "error does not say `{what}`: {err}"
    );
}

#[test]
fn by_default_the_grounded_head_runs_beside_its_backbone() {
    let Some(dir) = common::fsdd() else { return };
    let out = groundprobe()
        .args(["run", "--json"])
        .arg(dir.join("4_george_2.wav"))
        .output()
        .unwrap();
    let summary = json_lines(&out).pop().unwrap();
    assert_eq!(summary["encoders"]["whisper-tiny-en"]["grounded"], false);
    assert_eq!(summary["encoders"]["whisper-grounded"]["grounded"], true);
    assert_eq!(summary["words"], 1);
}

#[test]
fn bad_audio_files_get_a_clear_error_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("tone.wav");
    let tone: Vec<f32> = (0..8000).map(|i| (i as f32 * 0.1).sin() * 0.3).collect();
    groundprobe::audio::wav::write_mono_i16(&good, &tone, 16_000).unwrap();
    let bytes = std::fs::read(&good).unwrap();

    let truncated = dir.path().join("truncated.wav");
    std::fs::write(&truncated, &bytes[..30]).unwrap();
    fails_naming(&["run"], &truncated, "wav");

    let text = dir.path().join("notes.wav");
    std::fs::write(&text, "this is not audio").unwrap();
    fails_naming(&["run"], &text, "wav");

    let missing = dir.path().join("missing.wav");
    fails_naming(&["run"], &missing, "no such file");

    let nan = dir.path().join("nan.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&nan, spec).unwrap();
    for i in 0..1600 {
        w.write_sample(if i == 800 { f32::NAN } else { 0.1 })
            .unwrap();
    }
    w.finalize().unwrap();
    fails_naming(&["run"], &nan, "not a finite number");

    let empty_dir = dir.path().join("empty");
    std::fs::create_dir(&empty_dir).unwrap();
    fails_naming(&["run"], &empty_dir, "no wav file");
}

#[test]
fn a_bad_file_among_good_ones_is_reported_and_the_rest_still_processed() {
    let Some(fsdd) = common::fsdd() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.wav");
    std::fs::write(&bad, b"RIFF").unwrap();
    let out = groundprobe()
        .args(["run", "--json"])
        .arg(fsdd.join("5_lucas_1.wav"))
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["words"], 1);
    assert!(
        summary["failed"][0]
            .as_str()
            .unwrap()
            .contains("broken.wav")
    );
}

/// Runs `groundprobe ARGS MODELS WAV`, asserts it fails, and returns what it printed.
fn failure_message(args: &[&str], models: &Path, wav: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .args(args)
        .arg(models)
        .arg(wav)
        .output()
        .unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_corrupt_model_or_manifest_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path();
    for sub in ["silero-vad", "speech-embedding"] {
        let from = common::models().join(sub);
        std::fs::create_dir(models.join(sub)).unwrap();
        for entry in std::fs::read_dir(&from).unwrap() {
            let p = entry.unwrap().path();
            std::fs::copy(&p, models.join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    let wav = dir.path().join("tone.wav");
    groundprobe::audio::wav::write_mono_i16(&wav, &[0.1; 16_000], 16_000).unwrap();
    // A model file altered by one byte no longer matches its manifest's sha256.
    let onnx = models.join("speech-embedding/embedding_model.onnx");
    let mut bytes = std::fs::read(&onnx).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&onnx, bytes).unwrap();
    let err = failure_message(
        &["run", "--encoders", "speech-embedding", "--models"],
        models,
        &wav,
    );
    assert!(
        err.contains("embedding_model.onnx") && err.contains("sha256"),
        "{err}"
    );

    // A manifest that is not valid TOML is named too.
    std::fs::write(models.join("speech-embedding/manifest.toml"), "name = [").unwrap();
    let err = failure_message(&["run", "--models"], models, &wav);
    assert!(err.contains("manifest.toml"), "{err}");
}

#[test]
fn the_summary_carries_per_layer_metrics_and_nulls_where_undefined() {
    let text = common::models().join("text");
    let out = groundprobe()
        .args(["demo", "--headless", "--fast", "--text"])
        .arg(format!("minilm={}", text.join("minilm_l6.npy").display()))
        .output()
        .unwrap();
    let s = json_lines(&out).pop().unwrap();
    let m = &s["metrics"]["whisper-tiny-en"]["layer4_ln"];
    for key in ["silhouette_semantic", "silhouette_phonetic"] {
        let v = m[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} missing: {m}"));
        assert!((-1.0..=1.0).contains(&v), "{key} = {v}");
    }
    let cka = m["cka"]["minilm"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&cka), "cka {cka}");
    // The paper's finding on speech: phonetically organised more than semantically.
    assert!(
        m["silhouette_phonetic"].as_f64() > m["silhouette_semantic"].as_f64(),
        "{m}"
    );

    // Digits have no categories or groups: null, never a made-up number. MiniLM's rows
    // `0`..`9` are the digits' spoken names, so CKA is a number over the four tokens.
    let Some(dir) = common::fsdd() else { return };
    let out = groundprobe()
        .args(["run", "--json", "--lexicon", "digits", "--text"])
        .arg(format!("minilm={}", text.join("minilm_l6.npy").display()))
        .args(
            [
                "1_george_1.wav",
                "2_george_1.wav",
                "4_jackson_1.wav",
                "4_theo_1.wav",
            ]
            .map(|f| dir.join(f)),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let s: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let m = &s["metrics"]["whisper-tiny-en"]["layer4_ln"];
    assert!(
        m["silhouette_semantic"].is_null() && m["silhouette_phonetic"].is_null(),
        "{m}"
    );
    assert_eq!(m["cka_words"]["minilm"], 4, "{m}");
    let cka = m["cka"]["minilm"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&cka), "cka {cka}");
}

#[test]
fn feature_slicing_hears_the_context_and_audio_slicing_does_not() {
    let Some(dir) = common::fsdd() else { return };
    let dir2 = tempfile::tempdir().unwrap();
    // Two digits in one file, so the second word has context before it.
    let a = groundprobe::audio::wav::read(&dir.join("2_lucas_3.wav")).unwrap();
    let b = groundprobe::audio::wav::read(&dir.join("8_lucas_3.wav")).unwrap();
    let mut joined = a.samples.clone();
    joined.extend(std::iter::repeat_n(0.0, 4_000));
    joined.extend_from_slice(&b.samples);
    joined.extend(std::iter::repeat_n(0.0, 4_000));
    let path = dir2.path().join("two.wav");
    groundprobe::audio::wav::write_mono_i16(&path, &joined, 8_000).unwrap();
    let second = |slicing: &str| -> Vec<f64> {
        let out = groundprobe()
            .args([
                "run",
                "--json",
                "--vectors",
                "--encoders",
                "whisper-tiny-en",
                "--slicing",
                slicing,
            ])
            .arg(&path)
            .output()
            .unwrap();
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 3, "two words and a summary ({slicing})");
        let v = &lines[1]["embeddings"]["whisper-tiny-en"]["layer4_ln"];
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let (audio, features) = (second("audio"), second("features"));
    let cos = audio.iter().zip(&features).map(|(x, y)| x * y).sum::<f64>()
        / (audio.iter().map(|x| x * x).sum::<f64>().sqrt()
            * features.iter().map(|x| x * x).sum::<f64>().sqrt());
    println!("second word, layer4_ln: cosine(audio slicing, feature slicing) = {cos:.3}");
    assert!(
        cos < 0.9999,
        "feature slicing must see the context (cosine {cos})"
    );
    assert!(
        cos > 0.5,
        "both still describe the same word (cosine {cos})"
    );
}

#[test]
fn a_head_listed_before_its_backbone_fails_at_start_saying_the_order() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("tone.wav");
    groundprobe::audio::wav::write_mono_i16(&wav, &[0.1; 16_000], 16_000).unwrap();
    let out = groundprobe()
        .args([
            "run",
            "--json",
            "--encoders",
            "whisper-grounded,whisper-tiny-en",
        ])
        .arg(&wav)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing is processed");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--encoders"), "{err}");
    assert!(err.contains("whisper-tiny-en,whisper-grounded"), "{err}");
    assert_eq!(err.lines().count(), 1, "said once: {err}");
}
