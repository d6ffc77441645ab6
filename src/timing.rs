//! Per-stage wall-clock timings of the pipeline, recorded when asked for (by `groundprobe
//! bench`): every resample chunk, voice-activity frame, segmenter step, front end, encoder,
//! head and probe update, each under a stage name. Recording is off by default and costs
//! one branch per stage then.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Stage names the engine and driver record under (encoders and heads add `:<name>`).
pub mod stage {
    /// One resampler call on a pulled chunk (native rate → 16 kHz).
    pub const RESAMPLE: &str = "resample";
    /// One voice-activity frame.
    pub const VAD: &str = "vad";
    /// One segmenter step (a frame's probability in, maybe a word out).
    pub const SEGMENT: &str = "segment";
    /// An encoder's front end (log-mel) on one word.
    pub const FRONT_END: &str = "front_end";
    /// An encoder on one word, its front end included.
    pub const ENCODER: &str = "encoder";
    /// A head on its backbone's vector.
    pub const HEAD: &str = "head";
    /// The recogniser on one word: decoding and matching to the vocabulary.
    pub const RECOGNISE: &str = "recognise";
    /// One encoder's probe update with one word, all layers (push, neighbours, relations).
    pub const PROBE: &str = "probe";
}

/// Word-length bucket of an encoder timing: encoders cost more on longer words.
pub fn length_bucket(word_seconds: f64) -> &'static str {
    match word_seconds {
        s if s < 0.5 => "<0.5s",
        s if s < 1.0 => "0.5-1s",
        _ => ">=1s",
    }
}

/// Durations recorded per stage, in microseconds.
#[derive(Debug, Clone, Default)]
pub struct StageTimes {
    stages: BTreeMap<String, Vec<f64>>,
}

impl StageTimes {
    /// Records one occurrence of `stage`.
    pub fn record(&mut self, stage: &str, took: Duration) {
        let us = took.as_secs_f64() * 1e6;
        match self.stages.get_mut(stage) {
            Some(v) => v.push(us),
            None => {
                self.stages.insert(stage.to_string(), vec![us]);
            }
        }
    }

    /// Percentiles of every stage recorded.
    pub fn stats(&self) -> BTreeMap<String, StageStats> {
        self.stages
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), StageStats::of(v)?)))
            .collect()
    }

    /// Adds everything `other` recorded.
    pub fn merge(&mut self, other: StageTimes) {
        for (k, mut v) in other.stages {
            self.stages.entry(k).or_default().append(&mut v);
        }
    }
}

/// p50/p95/p99/max (µs) and the count of one stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StageStats {
    /// Median.
    pub p50_us: f64,
    /// 95th percentile.
    pub p95_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Largest.
    pub max_us: f64,
    /// Occurrences.
    pub count: usize,
}

impl StageStats {
    /// Nearest-rank percentiles of `us`; `None` when empty.
    pub fn of(us: &[f64]) -> Option<Self> {
        let p = crate::summary::Percentiles::of(us)?;
        Some(Self {
            p50_us: p.p50,
            p95_us: p.p95,
            p99_us: p.p99,
            max_us: p.max,
            count: us.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_per_stage_and_merges() {
        let mut t = StageTimes::default();
        for us in 1..=100 {
            t.record(stage::VAD, Duration::from_micros(us));
        }
        t.record("encoder:x", Duration::from_millis(3));
        let s = t.stats();
        assert_eq!(s[stage::VAD].count, 100);
        assert!((s[stage::VAD].p95_us - 95.0).abs() < 1e-6);
        assert!((s["encoder:x"].max_us - 3000.0).abs() < 1e-6);
        let mut u = StageTimes::default();
        u.record(stage::VAD, Duration::from_micros(500));
        t.merge(u);
        let s = t.stats();
        assert_eq!(s[stage::VAD].count, 101);
        assert!((s[stage::VAD].max_us - 500.0).abs() < 1e-6);
        assert!(!s.contains_key("nothing"));
    }

    #[test]
    fn buckets_by_word_length() {
        assert_eq!(length_bucket(0.3), "<0.5s");
        assert_eq!(length_bucket(0.5), "0.5-1s");
        assert_eq!(length_bucket(1.7), ">=1s");
    }
}
