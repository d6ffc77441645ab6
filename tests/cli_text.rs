//! `--text MODEL[:LAYER]` on the bundled demo clips (real speech, Whisper tiny.en and the
//! grounded head): a text encoder run here gives the same CKA as the bundled table made from
//! it; `analyze` compares every speech layer with every text layer and draws the matrix with
//! the CSV's numbers; a layer or model that does not exist is named with its `--text` value.

mod common;

use std::path::Path;

use common::{groundprobe, stdout_of};
use serde_json::Value;

fn summary(args: &[&str], extra: &[&Path]) -> Value {
    let stdout = stdout_of(
        groundprobe()
            .args(["run", "--json", "-q"])
            .args(args)
            .args(extra),
    );
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}

#[test]
fn an_encoder_layer_gives_the_cka_of_the_table_made_from_it() {
    // models/text/minilm_l6.npy holds MiniLM's last layer, mean-pooled.
    let table = common::models().join("text/minilm_l6.npy");
    let table = format!("table={}", table.display());
    let s = summary(
        &[
            "--text",
            "minilm-l6:layer6",
            "--text-pooling",
            "mean",
            "--text",
            &table,
        ],
        &[&common::models().join("demo")],
    );
    let mut compared = 0;
    for (encoder, layers) in s["metrics"].as_object().unwrap() {
        for (layer, m) in layers.as_object().unwrap() {
            let ours = m["cka"]["minilm-l6:layer6"].as_f64().unwrap();
            let theirs = m["cka"]["table"].as_f64().unwrap();
            assert!((ours - theirs).abs() < 1e-4, "{encoder} {layer}: {m}");
            assert_eq!(m["cka_words"]["minilm-l6:layer6"], m["cka_words"]["table"]);
            compared += 1;
        }
    }
    assert_eq!(compared, 8, "every layer of both encoders");
}

#[test]
fn analyze_draws_every_speech_layer_against_every_text_layer() {
    let tmp = tempfile::tempdir().unwrap();
    stdout_of(
        groundprobe()
            .args(["analyze", "-q", "--text", "minilm-l6", "--out"])
            .arg(tmp.path())
            .arg(common::models().join("demo")),
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("analysis.json")).unwrap()).unwrap();
    let tables: Vec<String> = (0..7).map(|i| format!("minilm-l6:layer{i}")).collect();
    assert_eq!(report["settings"]["tables"], serde_json::json!(tables));

    let matrix = std::fs::read_to_string(tmp.path().join("cka_matrix.svg")).unwrap();
    let lines = std::fs::read_to_string(tmp.path().join("cka.svg")).unwrap();
    let mut r = csv::Reader::from_path(tmp.path().join("cka.csv")).unwrap();
    let mut rows = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let (encoder, layer, table, cka, debiased) = (&rec[0], &rec[1], &rec[2], &rec[3], &rec[4]);
        let v: f64 = cka.parse().unwrap();
        assert!((0.0..=1.0).contains(&v), "{rec:?}");
        for (what, value) in [("CKA", cka), ("debiased", debiased)] {
            let cell = format!("<title>{encoder} {layer} × {table} ({what}): {value}</title>");
            assert!(matrix.contains(&cell), "{cell} in cka_matrix.svg");
        }
        rows += 1;
    }
    assert_eq!(rows, 8 * 7, "8 speech layers × 7 text layers");
    // cka.svg: the diagonal, speech layer i with text layer i, one line per encoder.
    let e = &report["encoders"][0];
    let first = &e["layers"][0];
    let point = format!(
        "<title>{} vs minilm-l6 (i ↔ i) {}: {:.6}</title>",
        e["name"].as_str().unwrap(),
        first["layer"].as_str().unwrap(),
        first["all"]["cka"]["minilm-l6:layer0"].as_f64().unwrap()
    );
    assert!(lines.contains(&point), "{point} in cka.svg");
    let index = std::fs::read_to_string(tmp.path().join("index.html")).unwrap();
    assert!(index.contains("cka_matrix.svg"));
}

#[test]
fn a_layer_or_model_that_does_not_exist_is_named_once() {
    let clip = common::models().join("demo/01_joe.wav");
    for (value, names) in [
        ("minilm-l6:layer9", ["layer9", "layers: layer0, layer1"]),
        ("nosuch", ["nosuch", "available: minilm-l6"]),
    ] {
        let out = groundprobe()
            .args(["run", "--json", "--text", value])
            .arg(&clip)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.matches("--text").count(), 1, "{stderr}");
        for n in names {
            assert!(stderr.contains(n), "{n} in: {stderr}");
        }
        assert!(out.stdout.is_empty(), "nothing run: {stderr}");
    }
}
