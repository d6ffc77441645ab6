//! Cost of the recogniser (ignored measurements, one thread): RSS added by loading it, one
//! decoding step at L = 3, and the decoder per word on FSDD (every 30th file). The
//! manifest may be another copy's (`GROUNDPROBE_RECOGNISER=/path/manifest.toml`), so two
//! builds can be compared in one session:
//! `cargo test --release --test recogniser_cost -- --ignored --nocapture`

mod common;

use std::path::PathBuf;
use std::time::Instant;

use common::recog::{DIGITS, manifest, whisper};
use groundprobe::audio::{ENGINE_RATE, resample, wav};
use groundprobe::model::Recogniser;
use tract_onnx::prelude::tract_ndarray::Array2;

/// `VmRSS` and `VmHWM` of this process, KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// p50, p95 and min of `xs` (seconds), in ms.
fn summary(mut xs: Vec<f64>) -> String {
    xs.sort_by(f64::total_cmp);
    let at = |p: f64| 1e3 * xs[((xs.len() - 1) as f64 * p).round() as usize];
    format!(
        "p50 {:.2} / p95 {:.2} / min {:.2} ms (n = {})",
        at(0.5),
        at(0.95),
        at(0.0),
        xs.len()
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
#[ignore = "measurement"]
fn recogniser_cost_measured() {
    let path = std::env::var("GROUNDPROBE_RECOGNISER").map_or_else(|_| manifest(), PathBuf::from);
    let (rss0, hwm0) = memory_kib();
    let t0 = Instant::now();
    let mut rec = Recogniser::load(&path).unwrap();
    let load = t0.elapsed().as_secs_f64();
    let (rss1, hwm1) = memory_kib();
    println!(
        "{}: load {:.0} ms, RSS {} -> {} MiB (+{}), HWM {} -> {} MiB; load average {}",
        path.display(),
        1e3 * load,
        rss0 / 1024,
        rss1 / 1024,
        (rss1 - rss0) / 1024,
        hwm0 / 1024,
        hwm1 / 1024,
        load_average()
    );

    // One greedy step at L = 3: the prompt and one text token, a new one each time.
    let fixtures = common::models().join("../tests/fixtures/whisper/enc_layer4_ln.npy");
    let bytes = std::fs::read(fixtures).unwrap();
    let file = npyz::NpyFile::new(&bytes[..]).unwrap();
    let shape: Vec<usize> = file.shape().iter().map(|&d| d as usize).collect();
    let frames =
        Array2::from_shape_vec((shape[0], shape[1]), file.into_vec::<f32>().unwrap()).unwrap();
    let mut word = rec.listen(frames.view()).unwrap();
    let steps: Vec<f64> = (0..60u32)
        .map(|k| {
            let t = Instant::now();
            word.logits(&[50257, 50362, 300 + k]).unwrap();
            t.elapsed().as_secs_f64()
        })
        .collect();
    println!("step L = 3: {}", summary(steps));

    // Per word on FSDD: cross + greedy, and scoring the ten digits.
    let Some(dir) = common::fsdd() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    files.sort();
    let every = std::env::var("GROUNDPROBE_FSDD_EVERY").map_or(30, |v| v.parse().unwrap());
    let mut enc = whisper();
    let (mut decode, mut score, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    for p in files.iter().step_by(every) {
        let clip = wav::read(p).unwrap();
        let audio = resample::resample_all(&clip.samples, clip.sample_rate, ENGINE_RATE).unwrap();
        enc.encode(&audio).unwrap();
        let frames = enc.last_frames(rec.layer()).unwrap();
        let t = Instant::now();
        let mut word = rec.listen(frames.word()).unwrap();
        let heard = word.recognise().unwrap();
        decode.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let s = word.score(&DIGITS).unwrap();
        score.push(t.elapsed().as_secs_f64());
        texts.push((heard.text, s));
    }
    println!(
        "FSDD every {every}th, decoder per word (cross + greedy): {}",
        summary(decode)
    );
    println!(
        "FSDD every {every}th, scoring 10 digits per word: {}",
        summary(score)
    );
    let digest: f64 = texts
        .iter()
        .flat_map(|(_, s)| s)
        .map(|&x| f64::from(x))
        .sum();
    println!(
        "check: {} words, first texts {:?}, score sum {digest:.3}; load average {}",
        texts.len(),
        texts
            .iter()
            .take(5)
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>(),
        load_average()
    );
}
