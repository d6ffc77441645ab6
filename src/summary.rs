//! The end-of-session summary every sink can print (built by
//! [`crate::engine::Engine::summary`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::event::LayerMetrics;

/// Per-encoder facts for the summary.
#[derive(Debug, Clone, Serialize)]
pub struct EncoderSummary {
    /// Trained with visual grounding?
    pub grounded: bool,
    /// Tapped layers, first to last.
    pub layers: Vec<String>,
}

/// p50/p95/p99 of a set of measurements.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles; `None` for no data.
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let at = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
        Some(Self {
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: v[v.len() - 1],
        })
    }
}

/// The summary line: `{"type":"summary", …}`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Always "summary".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Words found.
    pub words: usize,
    /// Seconds of audio processed.
    pub audio_seconds: f64,
    /// Wall-clock seconds spent.
    pub processing_seconds: f64,
    /// processing_seconds / audio_seconds.
    pub realtime_factor: f64,
    /// Encoders, by name.
    pub encoders: BTreeMap<String, EncoderSummary>,
    /// Milliseconds from a word's end being decided to its probe update, over all words.
    pub word_latency_ms: Option<Percentiles>,
    /// Samples dropped because the engine fell behind (live sources only).
    pub dropped_samples: u64,
    /// Samples a source delivered as NaN, infinite or far beyond full scale (a device in
    /// the wrong format), replaced by silence or clamped before anything saw them.
    pub repaired_samples: u64,
    /// The run was stopped by a signal before its end (the summary covers what was seen).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Sources that could not be processed, with the reason.
    pub failed: Vec<String>,
    /// Per encoder and layer: silhouettes, word identity, CKA against each text table,
    /// word-pair means (null where not computable yet).
    pub metrics: BTreeMap<String, BTreeMap<String, LayerMetrics>>,
    /// With a speculative close (`--speculate-ms`): what it cost and what it gained.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speculation: Option<Speculation>,
    /// With the recogniser on: what it heard, and how often that agreed with the labels
    /// the words had from elsewhere (names, transcripts, prompts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recognition: Option<Recognition>,
    /// Transcripts whose labels were given by position (the recogniser off), and those
    /// whose word count differs from the words found: their later labels may be shifted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels_by_position: Option<PositionalLabels>,
    /// With a window (`--max-words`): the metrics are over the most recent words only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
}

/// Transcripts labelled by position: the n-th word took the n-th word of its transcript.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PositionalLabels {
    /// Sources with a transcript.
    pub sources: usize,
    /// Those whose transcript and words found differ in count.
    pub uneven: Vec<Uneven>,
}

/// A transcript whose word count differs from the words found in its audio.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Uneven {
    /// The source's name.
    pub source: String,
    /// Words in its transcript.
    pub transcript_words: usize,
    /// Words found in its audio.
    pub words_found: usize,
}

/// The probes' window over a run.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Window {
    /// The most words the probes hold; the metrics are over the last this many.
    pub max_words: usize,
    /// Words that left the window (the oldest first).
    pub evicted: usize,
}

/// The recogniser over a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recognition {
    /// Final words heard.
    pub words: usize,
    /// Heard as a vocabulary word exactly (normalised text).
    pub exact: usize,
    /// Snapped to a vocabulary word by the decoder's scores (a near miss).
    pub scored: usize,
    /// Matched to no vocabulary word.
    pub unmatched: usize,
    /// Why decoding stopped, per reason (`end`, `repeat`, `cap`: a `cap` is a likely
    /// hallucination).
    pub stops: BTreeMap<String, usize>,
    /// Words that also had a label from their name, transcript or prompt.
    pub labelled: usize,
    /// Of those, the share whose heard text (normalised) is the label: open vocabulary.
    pub open_accuracy: Option<f64>,
    /// The share whose matched word is the label (exact or snapped).
    pub snapped_accuracy: Option<f64>,
    /// Labelled words matched to another word (wrong, not just unmatched).
    pub snapped_wrong: usize,
    /// Prompted words heard as something else (kept out of the labelled metrics unless
    /// `--mismatch heard`).
    pub prompt_mismatches: usize,
    /// Milliseconds per word: decoding and matching.
    pub recognise_ms: Option<Percentiles>,
    /// The text the decoder read before each word (`--recognise-context`; empty: none, or,
    /// with `auto`, each file's own transcript when that is short).
    pub context: String,
    /// Transcripts aligned to the words by what was heard (`run` with transcripts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<crate::engine::heard::Alignment>,
}

/// The speculative close over a run: provisional words and how much sooner words showed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Speculation {
    /// Provisional word lines written.
    pub provisional: usize,
    /// Of those, retracted because speech went on.
    pub retracted: usize,
    /// Per final word, milliseconds of audio from the end of its speech to its first
    /// line (the provisional one when it was confirmed).
    pub end_of_speech_to_first_line_ms: Option<Percentiles>,
    /// The same to its final line (the hangover).
    pub end_of_speech_to_final_line_ms: Option<Percentiles>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = Percentiles::of(&v).unwrap();
        assert_eq!((p.p50, p.p95, p.p99, p.max), (50.0, 95.0, 99.0, 100.0));
        assert_eq!(Percentiles::of(&[3.0]).unwrap().p99, 3.0);
        assert!(Percentiles::of(&[]).is_none());
    }
}
