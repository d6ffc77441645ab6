//! Whisper tiny.en's encoder in the engine: the Rust log-mel equals the Python reference,
//! tract equals onnxruntime on every layer, and on real speakers (FSDD) the layers
//! identify digits across voices. Fixtures: scripts/whisper/convert.sh.

mod common;

use std::path::Path;

use groundprobe::audio::{ENGINE_RATE, resample, wav};
use groundprobe::model::Encoder;
use groundprobe::model::frontend::WhisperMel;
use groundprobe::model::plan;
use tract_onnx::prelude::*;

fn npy(name: &str) -> (Vec<u64>, Vec<f32>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/whisper")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let file = npyz::NpyFile::new(&bytes[..]).unwrap();
    let shape = file.shape().to_vec();
    (shape, file.into_vec::<f32>().unwrap())
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn filterbank_equals_librosa_slaney() {
    let (shape, want) = npy("mel_filters.npy");
    assert_eq!(shape, vec![80, 201]);
    let got = WhisperMel::new(80);
    let d = max_abs_diff(got.filters(), &want);
    assert!(d < 1e-6, "filterbank max diff {d:e}");
}

#[test]
fn log_mel_equals_the_python_reference() {
    for case in ["a", "b"] {
        let (_, audio) = npy(&format!("audio_{case}.npy"));
        let (shape, want) = npy(&format!("mel_{case}.npy"));
        let mel = WhisperMel::new(80).compute(&audio);
        assert_eq!(
            vec![80, mel.len() as u64],
            shape,
            "case {case}: frame count"
        );
        // The fixture is [80, frames]; ours is [frames, 80].
        let got: Vec<f32> = (0..80)
            .flat_map(|b| (0..mel.len()).map(move |f| (b, f)))
            .map(|(b, f)| mel.frame(f)[b])
            .collect();
        let d = max_abs_diff(&got, &want);
        println!("log-mel case {case}: max |rust − python| = {d:e}");
        assert!(d < 1e-4, "case {case}: max diff {d:e}");
    }
}

#[test]
fn tract_equals_onnxruntime_on_every_layer() {
    let model = common::models().join("whisper-tiny-en/encoder.onnx");
    let outputs = ["embed", "layer1", "layer2", "layer3", "layer4", "layer4_ln"];
    let plan = plan::load(&model, &[&[Some(1), Some(80), None]], &outputs).unwrap();
    let (shape, mel) = npy("enc_input.npy");
    let t = shape[1] as usize;
    let input = tract_ndarray::Array3::from_shape_vec((1, 80, t), mel).unwrap();
    let out = plan.run(tvec!(input.into_tensor().into())).unwrap();
    for (name, got) in outputs.iter().zip(&out) {
        let (_, want) = npy(&format!("enc_{name}.npy"));
        let got = got.to_plain_array_view::<f32>().unwrap();
        assert_eq!(got.shape(), &[1, t / 2, 384]);
        let got: Vec<f32> = got.iter().copied().collect();
        let scale = want.iter().fold(1.0f32, |m, x| m.max(x.abs()));
        let d = max_abs_diff(&got, &want);
        println!("{name}: max |tract − onnxruntime| = {d:e} (largest value {scale:.1})");
        assert!(d < 1e-3 * scale.max(1.0), "{name}: max diff {d:e}");
    }
}

#[test]
fn the_encoder_pools_the_same_vectors_as_onnxruntime() {
    let mut enc = Encoder::load(&common::models().join("whisper-tiny-en/manifest.toml")).unwrap();
    let (_, audio) = npy("audio_b.npy");
    let got = enc.encode(&audio).unwrap();
    for (name, vector) in enc.layer_names().iter().zip(&got.layers) {
        let (shape, frames) = npy(&format!("enc_{name}.npy"));
        let (t, d) = (shape[0] as usize, shape[1] as usize);
        let want: Vec<f32> = (0..d)
            .map(|c| (0..t).map(|f| frames[f * d + c]).sum::<f32>() / t as f32)
            .collect();
        let scale = want.iter().fold(1.0f32, |m, x| m.max(x.abs()));
        let diff = max_abs_diff(vector, &want);
        assert!(diff < 1e-3 * scale, "{name}: pooled max diff {diff:e}");
    }
}

/// Nearest-centroid digit identity across speakers, per layer: for each speaker, the
/// centroids come from the other five speakers only.
#[test]
fn layers_identify_digits_across_real_speakers() {
    let Some(dir) = common::fsdd() else { return };
    let speakers = ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"];
    let takes = 0..6;
    let mut enc = Encoder::load(&common::models().join("whisper-tiny-en/manifest.toml")).unwrap();
    let layers = enc.layer_names();
    // vectors[layer][(speaker, digit, take)]
    let mut items = Vec::new();
    for (s, speaker) in speakers.iter().enumerate() {
        for digit in 0..10 {
            for take in takes.clone() {
                let clip = wav::read(&dir.join(format!("{digit}_{speaker}_{take}.wav"))).unwrap();
                let audio =
                    resample::resample_all(&clip.samples, clip.sample_rate, ENGINE_RATE).unwrap();
                let v = enc.encode(&audio).unwrap();
                items.push((s, digit, v.layers));
            }
        }
    }
    let unit = |v: &[f32]| {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        v.iter().map(|x| x / n).collect::<Vec<f32>>()
    };
    let mut accuracy = Vec::new();
    for (l, name) in layers.iter().enumerate() {
        let mut correct = 0;
        for held in 0..speakers.len() {
            let centroids: Vec<Vec<f32>> = (0..10)
                .map(|d| {
                    let members: Vec<Vec<f32>> = items
                        .iter()
                        .filter(|i| i.0 != held && i.1 == d)
                        .map(|i| unit(&i.2[l]))
                        .collect();
                    let mut c = vec![0.0; members[0].len()];
                    members
                        .iter()
                        .for_each(|m| c.iter_mut().zip(m).for_each(|(a, b)| *a += b));
                    unit(&c)
                })
                .collect();
            for item in items.iter().filter(|i| i.0 == held) {
                let q = unit(&item.2[l]);
                let best = (0..10)
                    .max_by(|&a, &b| {
                        let sa: f32 = q.iter().zip(&centroids[a]).map(|(x, y)| x * y).sum();
                        let sb: f32 = q.iter().zip(&centroids[b]).map(|(x, y)| x * y).sum();
                        sa.total_cmp(&sb)
                    })
                    .unwrap();
                correct += usize::from(best == item.1);
            }
        }
        let acc = correct as f64 / items.len() as f64;
        println!(
            "FSDD cross-speaker digit identity, whisper-tiny-en/{name}: {:.1}%",
            100.0 * acc
        );
        accuracy.push(acc);
    }
    // Chance is 10%. Floors sit well below what was measured (see the issue note).
    let last = *accuracy.last().unwrap();
    assert!(last > 0.5, "layer4_ln identity {last:.3}");
    assert!(accuracy.iter().all(|&a| a > 0.2), "{accuracy:?}");
}
