//! The recogniser (Whisper tiny.en's decoder on the encoder's unpooled final layer):
//! tokenizer, logits, greedy text and scores equal the Python reference
//! (scripts/whisper/decoder_convert.py → tests/fixtures/whisper/decoder_*), and on real
//! speech (the bundled demo clips, FSDD) it hears and snaps words well above a floor.

mod common;

use common::recog::{manifest, recogniser, whisper};

use std::path::{Path, PathBuf};

use groundprobe::error::Error;
use groundprobe::model::Recogniser;
use groundprobe::model::recogniser::Stop;
use tract_onnx::prelude::tract_ndarray::Array2;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whisper")
}

fn npy(name: &str) -> (Vec<usize>, Vec<f32>) {
    let bytes = std::fs::read(fixtures().join(name)).unwrap();
    let file = npyz::NpyFile::new(&bytes[..]).unwrap();
    let shape = file.shape().iter().map(|&d| d as usize).collect();
    (shape, file.into_vec::<f32>().unwrap())
}

fn reference() -> serde_json::Value {
    let text = std::fs::read_to_string(fixtures().join("decoder_reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The committed encoder output of the espeak word "window", [37, 384].
fn window_frames() -> Array2<f32> {
    let (shape, v) = npy("enc_layer4_ln.npy");
    Array2::from_shape_vec((shape[0], shape[1]), v).unwrap()
}

fn ids(v: &serde_json::Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

#[test]
fn tokenizer_round_trips_equal_python() {
    let rec = recogniser();
    let cases = reference()["tokenizer"].as_array().unwrap().clone();
    assert!(cases.len() >= 10);
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let want = ids(&case["ids"]);
        assert_eq!(rec.tokenize(text).unwrap(), want, "{text:?}");
        assert_eq!(rec.detokenize(&want).unwrap(), text);
    }
}

#[test]
fn logits_equal_python() {
    let mut rec = recogniser();
    let frames = window_frames();
    let r = reference();
    let (shape, want) = npy("decoder_logits.npy");
    let prefixes: Vec<Vec<u32>> = r["logits_prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(ids)
        .collect();
    assert_eq!(shape, vec![prefixes.len(), 51864]);
    let mut word = rec.listen(frames.view()).unwrap();
    for (k, prefix) in prefixes.iter().enumerate() {
        let got = word.logits(prefix).unwrap();
        let want = &want[k * 51864..(k + 1) * 51864];
        let d = got
            .iter()
            .zip(want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        let scale = want.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(
            d < 1e-3,
            "prefix {prefix:?}: max diff {d:e} (logits up to {scale})"
        );
    }
}

#[test]
fn greedy_text_and_scores_equal_python() {
    let mut rec = recogniser();
    let frames = window_frames();
    let r = reference();
    let g = &r["greedy"];
    let mut word = rec.listen(frames.view()).unwrap();
    let heard = word.recognise().unwrap();
    assert_eq!(heard.tokens, ids(&g["tokens"]));
    assert_eq!(heard.text, g["text"].as_str().unwrap());
    let stop = match g["stop"].as_str().unwrap() {
        "eot" => Stop::End,
        "repeat" => Stop::Repeat,
        _ => Stop::Cap,
    };
    assert_eq!(heard.stop, stop);
    let conf = g["confidence"].as_f64().unwrap() as f32;
    assert!(
        (heard.confidence - conf).abs() < 1e-4,
        "{} vs {conf}",
        heard.confidence
    );
    let scores = r["scores"].as_object().unwrap();
    let words: Vec<&str> = scores.keys().map(String::as_str).collect();
    let got = word.score(&words).unwrap();
    for (w, s) in words.iter().zip(&got) {
        let want = scores[*w].as_f64().unwrap() as f32;
        assert!((s - want).abs() < 1e-3, "{w}: {s} vs python {want}");
    }
    // With context text before the prompt, as in prompted mode.
    let context = r["context"].as_str().unwrap();
    let mut word_c = rec.listen_with_context(frames.view(), context).unwrap();
    let heard_c = word_c.recognise().unwrap();
    assert_eq!(heard_c.tokens, ids(&r["greedy_context"]["tokens"]));
    let conf_c = r["greedy_context"]["confidence"].as_f64().unwrap() as f32;
    assert!((heard_c.confidence - conf_c).abs() < 1e-4);
    let got_c = word_c.score(&words).unwrap();
    for (w, s) in words.iter().zip(&got_c) {
        let want = r["scores_context"][*w].as_f64().unwrap() as f32;
        assert!(
            (s - want).abs() < 1e-3,
            "{w} with context: {s} vs python {want}"
        );
    }
    // The word said is the best-scoring one, by a clear margin.
    let best = (0..got.len())
        .max_by(|&a, &b| got[a].total_cmp(&got[b]))
        .unwrap();
    assert_eq!(words[best], "window");
}

#[test]
fn the_encoder_keeps_its_last_frames_unpooled() {
    let mut enc = whisper();
    assert!(
        enc.last_frames("layer4_ln").is_none(),
        "nothing before the first call"
    );
    let (_, audio) = npy("audio_b.npy");
    let vectors = enc.encode(&audio).unwrap();
    let frames = enc
        .last_frames("layer4_ln")
        .expect("a sequence encoder keeps its frames");
    let want = window_frames();
    assert_eq!(frames.all.dim(), want.dim());
    assert_eq!(frames.word, 0..want.nrows());
    let d = frames
        .all
        .iter()
        .zip(&want)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(d < 2e-4, "tract vs onnxruntime frames: {d:e}");
    // The pooled vector is the mean of the same frames.
    let mean: Vec<f32> = frames
        .word()
        .mean_axis(tract_onnx::prelude::tract_ndarray::Axis(0))
        .unwrap()
        .to_vec();
    let last = vectors.layers.last().unwrap();
    assert!(mean.iter().zip(last).all(|(a, b)| (a - b).abs() < 1e-5));
    assert!(enc.last_frames("no_such_layer").is_none());
}

#[test]
fn bad_manifests_and_frames_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(manifest()).unwrap();
    let models = common::models().join("whisper-tiny-en-decoder");
    let absolute = |s: &str| {
        let mut s = s.to_string();
        for f in [
            "decoder.onnx",
            "cross.onnx",
            "embedding.f16",
            "tokenizer.json",
            "LICENSE",
        ] {
            s = s.replace(&format!("\"{f}\""), &format!("{:?}", models.join(f)));
        }
        s
    };
    let cases = [
        (src.replace("[recogniser]", "[unused]"), "unknown field"),
        (
            src.split("[recogniser]").next().unwrap().to_string(),
            "needs a [recogniser] table",
        ),
        (
            src.replace("max_tokens = 8", "max_tokens = 0"),
            "max_tokens",
        ),
        (
            src.replace("\"<|notimestamps|>\"", "\"<|nosuchtoken|>\""),
            "nosuchtoken",
        ),
        (
            src.replace("cross_sha256 = \"", "cross_sha256 = \"00"),
            "sha256",
        ),
        (
            src.replace("embedding_shape = [51864,", "embedding_shape = [51865,"),
            "embedding",
        ),
        (
            src.replace("embedding_sha256 = \"", "embedding_sha256 = \"00"),
            "sha256",
        ),
    ];
    for (k, (text, want)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("m{k}.toml"));
        std::fs::write(&path, absolute(text)).unwrap();
        let err = Recogniser::load(&path).err().expect("refused");
        let msg = err.to_string();
        assert!(msg.contains(&format!("m{k}.toml")), "{msg}");
        assert!(msg.contains(want), "{msg} should mention {want}");
        assert!(matches!(err, Error::Manifest { .. }), "{err:?}");
    }
    let mut rec = recogniser();
    let narrow = Array2::<f32>::zeros((10, 100));
    assert!(matches!(
        rec.recognise(narrow.view()),
        Err(Error::Model { .. })
    ));
    let empty = Array2::<f32>::zeros((0, 384));
    assert!(rec.recognise(empty.view()).is_err());
}

#[test]
fn a_fork_on_another_thread_gives_the_same_logits() {
    let mut rec = recogniser();
    let frames = window_frames();
    let prefix = [50257, 50362, 4324];
    let want = rec.listen(frames.view()).unwrap().logits(&prefix).unwrap();
    let mut fork = rec.fork();
    let got = std::thread::spawn(move || {
        let frames = window_frames();
        fork.listen(frames.view()).unwrap().logits(&prefix).unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(got, want);
    let out_of_vocabulary = rec.listen(frames.view()).unwrap().logits(&[50257, 60000]);
    assert!(matches!(out_of_vocabulary, Err(Error::Model { .. })));
}
