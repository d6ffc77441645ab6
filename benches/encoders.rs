//! Catches regressions in the per-word cost of the encoders (the bulk of "word end →
//! neighbours updated"): a 0.6 s and a 1.2 s word through speech_embedding, Whisper
//! tiny.en (all six taps) and the grounded head, plus model load time. Whisper must run
//! on the word's own frames: a change that pads to 30 s shows up as a ~40× jump.
//!
//! Before criterion's statistics it prints p50/p95/p99 over 200 calls per case, the
//! figures the issue notes report (compare with scripts/whisper/bench.py, onnxruntime on
//! one thread, run right after on the same machine).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use groundprobe::model::Encoder;
use groundprobe::model::frontend::WhisperMel;
use groundprobe::summary::Percentiles;

fn manifest(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(name)
        .join("manifest.toml")
}

/// A voiced-like test word of `seconds` at 16 kHz (cost does not depend on content).
fn word(seconds: f64) -> Vec<f32> {
    let n = (seconds * 16_000.0) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            0.2 * ((2.0 * std::f32::consts::PI * 150.0 * t).sin()
                + 0.5 * (2.0 * std::f32::consts::PI * 900.0 * t).sin())
        })
        .collect()
}

fn percentiles(label: &str, mut f: impl FnMut()) {
    for _ in 0..10 {
        f();
    }
    let times: Vec<f64> = (0..200)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let p = Percentiles::of(&times).expect("200 samples");
    println!(
        "{label:<40} p50 {:>7.3} ms  p95 {:>7.3} ms  p99 {:>7.3} ms",
        p.p50, p.p95, p.p99
    );
}

fn report() {
    for name in ["speech-embedding", "whisper-tiny-en"] {
        let t = Instant::now();
        let enc = Encoder::load(&manifest(name)).expect("load");
        println!(
            "{name:<40} load (parse, checksum, optimise) {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
        drop(enc);
    }
    let mut se = Encoder::load(&manifest("speech-embedding")).expect("load");
    let mut wh = Encoder::load(&manifest("whisper-tiny-en")).expect("load");
    let mut head = Encoder::load(&manifest("grounded/whisper-grounded")).expect("load");
    for secs in [0.6, 1.2] {
        let w = word(secs);
        percentiles(&format!("speech-embedding {secs} s word"), || {
            black_box(se.encode(&w).expect("encode"));
        });
        percentiles(&format!("whisper-tiny-en {secs} s word"), || {
            black_box(wh.encode(&w).expect("encode"));
        });
    }
    let mut mel = WhisperMel::new(80);
    for secs in [0.6, 1.2] {
        let w = word(secs);
        percentiles(&format!("whisper log-mel (Rust) {secs} s word"), || {
            black_box(mel.compute(&w));
        });
    }
    let v = wh
        .encode(&word(0.6))
        .expect("encode")
        .layers
        .pop()
        .expect("a layer");
    percentiles("whisper-grounded head", || {
        black_box(head.encode_vector(&v).expect("encode"));
    });
}

fn main() {
    report();
    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut g = c.benchmark_group("encode_word");
    let mut whisper = Encoder::load(&manifest("whisper-tiny-en")).expect("load");
    let mut se = Encoder::load(&manifest("speech-embedding")).expect("load");
    for secs in [0.6, 1.2] {
        let w = word(secs);
        g.bench_with_input(BenchmarkId::new("whisper-tiny-en", secs), &w, |b, w| {
            b.iter(|| whisper.encode(w).expect("encode"))
        });
        g.bench_with_input(BenchmarkId::new("speech-embedding", secs), &w, |b, w| {
            b.iter(|| se.encode(w).expect("encode"))
        });
    }
    g.finish();
    c.final_summary();
}
