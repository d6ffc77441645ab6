//! MiniLM in tract (models/minilm-l6): the `tokenizers` crate's word pieces and every
//! layer's first-piece and mean-pooled vectors equal PyTorch's (committed fixtures, made by
//! scripts/text/check_minilm.py), and the bundled `.npy` tables equal the Rust encoder's
//! output within 1e-4 for every word of every layer.

mod common;

use groundprobe::model::{Pooling, TextEncoder};
use groundprobe::probe::TextTable;
use serde_json::Value;

fn minilm() -> TextEncoder {
    TextEncoder::load(&common::models().join("minilm-l6/manifest.toml")).expect("load minilm-l6")
}

fn max_abs(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_f64().expect("a number") as f32)
        .collect()
}

#[test]
fn word_pieces_and_every_layer_equal_pytorch() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/text/minilm_reference.json"
    );
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut enc = minilm();
    assert_eq!(enc.layers().len(), 7);
    let words = fixture["words"].as_array().unwrap();
    assert!(words.len() >= 10);
    let mut worst = 0.0f32;
    for w in words {
        let text = w["word"].as_str().unwrap();
        let ids: Vec<u32> = w["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(enc.tokens(text).unwrap(), ids, "word pieces of {text:?}");
        for (pooling, key) in [(Pooling::First, "first"), (Pooling::Mean, "mean")] {
            let got = enc.embed(text, pooling).unwrap();
            let want = w[key].as_array().unwrap();
            assert_eq!(got.len(), want.len());
            for (layer, (g, r)) in got.iter().zip(want).enumerate() {
                let d = max_abs(g, &floats(r));
                assert!(d < 1e-4, "{text:?} {key} layer {layer}: max |Δ| {d}");
                worst = worst.max(d);
            }
        }
    }
    // The two poolings differ for a word of several pieces (bro ##cco ##li).
    let first = enc.embed("broccoli", Pooling::First).unwrap();
    let mean = enc.embed("broccoli", Pooling::Mean).unwrap();
    assert_eq!(enc.tokens("broccoli").unwrap().len(), 5);
    assert!(max_abs(&first[6], &mean[6]) > 1e-2);
    eprintln!("minilm-l6 against PyTorch: max |Δ| {worst:.2e}");
}

#[test]
fn the_bundled_tables_equal_the_rust_encoder() {
    let mut enc = minilm();
    let text = common::models().join("text");
    for layer in 0..7 {
        let table = TextTable::load("t", &text.join(format!("minilm_l{layer}.npy"))).unwrap();
        let words: Vec<&str> = table.words().iter().map(String::as_str).collect();
        let built = enc
            .tables(words.iter().copied(), Pooling::Mean, &[layer])
            .unwrap();
        let built = &built[0];
        assert_eq!(built.name(), format!("minilm-l6:layer{layer}"));
        assert_eq!(built.words(), table.words());
        for (i, w) in words.iter().enumerate() {
            let d = max_abs(built.row(i), table.row(i));
            assert!(d < 1e-4, "layer {layer} word {w:?}: max |Δ| {d}");
        }
    }
}

#[test]
fn faults_name_the_text_and_the_file() {
    let chain = |e: groundprobe::Error| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text += &format!(": {s}");
            source = s.source();
        }
        text
    };
    let mut enc = minilm();
    let empty = chain(enc.embed("   ", Pooling::First).unwrap_err());
    assert!(
        empty.contains("no word piece") && empty.contains("tokenizer.json"),
        "{empty}"
    );
    let long = vec!["word"; 600].join(" ");
    let err = chain(enc.embed(&long, Pooling::Mean).unwrap_err());
    assert!(
        err.contains("512 positions") && err.contains("encoder.onnx"),
        "{err}"
    );
    let err = chain(enc.tables(["cat"], Pooling::Mean, &[7]).unwrap_err());
    assert!(err.contains("layer 7 of 7"), "{err}");
}
