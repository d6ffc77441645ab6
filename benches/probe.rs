//! Catches regressions in the cost of one live probe update: `Probe::push` must stay
//! O(n·d) (one dot product per earlier word and layer, plus O(n) running-sum bookkeeping
//! for silhouettes, CKA and word pairs). A change that recomputes anything from scratch
//! (O(n²) silhouette, O(n·d²) CKA) shows up as a jump at n = 10,000. Also times
//! `Probe::metrics`, which must stay O(n·(categories + groups)).
//!
//! Setup: one layer of width d, the paper's lexicon, one 768-wide text table holding every
//! lexicon word; the pushed word has a category, a group, pairs and a table row (the
//! slowest path).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use groundprobe::probe::{Lexicon, Probe, TextTable};

/// Deterministic pseudo-random values in [-1, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
    fn vec(&mut self, d: usize) -> Vec<f32> {
        (0..d).map(|_| self.next()).collect()
    }
}

fn probe_with(n: usize, d: usize, rng: &mut Rng) -> Probe {
    let lexicon = Arc::new(Lexicon::paper());
    let words: Vec<&str> = lexicon.entries().iter().map(|e| e.word.as_str()).collect();
    let table_d = 768;
    let data: Vec<f32> = (0..words.len() * table_d).map(|_| rng.next()).collect();
    let table = Arc::new(TextTable::from_rows("text", &words, data, table_d).unwrap());
    let mut probe =
        Probe::new(vec!["layer".into()], vec![d], lexicon.clone(), vec![table]).unwrap();
    for i in 0..n {
        // Paper words (the first 189 have a category or group), some unlabelled.
        let label = (i % 5 != 4).then(|| words[i % 189]);
        probe.push(label, &[rng.vec(d)]).unwrap();
    }
    probe
}

fn push(c: &mut Criterion) {
    let mut group = c.benchmark_group("probe_push");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for d in [96, 768] {
        for n in [100, 1_000, 10_000] {
            let mut rng = Rng(n as u64 * 31 + d as u64);
            let probe = probe_with(n, d, &mut rng);
            let v = vec![rng.vec(d)];
            group.bench_with_input(BenchmarkId::new(format!("d{d}"), n), &n, |b, _| {
                b.iter_batched(
                    || probe.clone(),
                    |mut p| {
                        black_box(p.push(Some("violin"), &v).unwrap());
                        p
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

fn metrics(c: &mut Criterion) {
    let mut group = c.benchmark_group("probe_metrics");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(2));
    for n in [1_000, 10_000] {
        let probe = probe_with(n, 96, &mut Rng(n as u64));
        group.bench_with_input(BenchmarkId::new("d96", n), &n, |b, _| {
            b.iter(|| black_box(probe.metrics()))
        });
    }
    group.finish();
}

criterion_group!(benches, push, metrics);
criterion_main!(benches);
