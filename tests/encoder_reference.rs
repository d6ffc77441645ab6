//! The speech_embedding encoder run through tract equals onnxruntime on the same input:
//! every tapped layer, mean-pooled, within 1e-4 (fixture: scripts/fixtures/make.sh).

mod common;

use groundprobe::model::Encoder;
use serde_json::Value;

#[test]
fn every_layer_matches_onnxruntime() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/speech-embedding/reference.json"
    ))
    .unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let mut enc = Encoder::load(&common::models().join("speech-embedding/manifest.toml")).unwrap();
    let layers = enc.layer_names();
    for (case, data) in fixture["cases"].as_object().unwrap() {
        let audio: Vec<f32> = data["audio"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let got = enc.encode(&audio).unwrap();
        assert_eq!(got.layers.len(), layers.len());
        for (name, vector) in layers.iter().zip(&got.layers) {
            let want: Vec<f64> = data["layers"][name]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            assert_eq!(vector.len(), want.len(), "{case}/{name}: width");
            let worst = vector
                .iter()
                .zip(&want)
                .map(|(a, b)| (*a as f64 - b).abs())
                .fold(0.0, f64::max);
            println!("{case}/{name}: max |tract − onnxruntime| = {worst:e}");
            assert!(
                worst < 1e-4,
                "{case}/{name}: max |tract − onnxruntime| = {worst:e}"
            );
        }
    }
}
