//! The typed events the engine emits and every sink (JSON lines, table, UI) consumes.
//! The schema owns its types: word and neighbour records here, the probe's metrics in
//! [`metrics`].

pub mod metrics;

use std::collections::BTreeMap;

use serde::Serialize;

pub use metrics::{LayerMetrics, PairMean, PairMeans, Relation, WordIdentity};

/// Everything the engine reports, in order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// One voice-activity frame (32 ms): for meters; not written as JSON lines.
    Vad(VadFrame),
    /// A new word with its neighbours: final, or provisional (a speculative close) until
    /// a final word with the same index or a retraction.
    Word(Box<WordEvent>),
    /// The provisional word `index` is withdrawn: speech went on, and the longer word
    /// will come with the same index.
    Retract(RetractEvent),
    /// A source (file, demo clip, device) started.
    SourceStarted(SourceInfo),
    /// The audio device failed or came back; the session goes on.
    Device(DeviceStatus),
    /// The probe's metrics after a word (silhouettes, CKA, word pairs per layer).
    Metrics(Box<MetricsEvent>),
    /// Prompted mode: the words the next words will be labelled with, next first.
    Prompt(PromptEvent),
}

/// The prompt the screen shows: exactly the labels the engine gives the next words.
#[derive(Debug, Clone, Serialize)]
pub struct PromptEvent {
    /// Prompts taken so far: the next word takes prompt number `next` (cycling).
    pub next: usize,
    /// The next prompts, the first being the label of the next word.
    pub upcoming: Vec<String>,
}

/// Per encoder, the probe's per-layer metrics over the words so far.
#[derive(Debug, Clone, Serialize)]
pub struct MetricsEvent {
    /// Words in the session.
    pub words: usize,
    /// Text tables, in the order given (`--text`).
    pub tables: Vec<String>,
    /// Encoder name → one entry per layer, first to last.
    pub encoders: BTreeMap<String, Vec<LayerMetrics>>,
}

/// Speech probability and level of one frame.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct VadFrame {
    /// Seconds since the start of the current source.
    pub time: f64,
    /// Silero's speech probability.
    pub prob: f32,
    /// Root-mean-square level of the frame (full scale = 1).
    pub rms: f32,
    /// True while the segmenter is inside a word.
    pub in_word: bool,
    /// Samples dropped so far in the session, summed over sources.
    pub dropped: u64,
}

/// A source of audio, as announced when it starts.
#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    /// File path or device name.
    pub name: String,
    /// Native sample rate.
    pub sample_rate: u32,
    /// Duration in seconds, when known.
    pub seconds: Option<f64>,
    /// Its words form a reference bank (free mode) rather than being said in the session.
    pub reference: bool,
}

/// An audio device problem or recovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceStatus {
    /// What happened, for people.
    pub message: String,
    /// True when audio flows again.
    pub ok: bool,
}

/// A provisional word withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetractEvent {
    /// The provisional word's index (the next word takes it again).
    pub index: usize,
}

/// A word and what the probe found for it.
#[derive(Debug, Clone, Serialize)]
pub struct WordEvent {
    /// Position of the word in the session.
    pub index: usize,
    /// The file it came from, if any.
    pub file: Option<String>,
    /// Start in seconds from the start of its source.
    pub start: f64,
    /// End in seconds from the start of its source.
    pub end: f64,
    /// The label the probe took it with (from a file name, transcript or prompt, or what
    /// was heard); none when unknown or when what was heard contradicts the prompt.
    pub label: Option<String>,
    /// Prompted mode: the word the screen asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// What the recogniser heard (when it runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heard: Option<Hearing>,
    /// Per encoder: the nearest earlier words.
    pub neighbours: BTreeMap<String, Vec<NeighbourInfo>>,
    /// Per encoder and layer: the pooled vector (only when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embeddings: Option<BTreeMap<String, BTreeMap<String, Vec<f32>>>>,
    /// True when the word hit the maximum length and was cut.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// False for a provisional word (speculative close: its neighbours are computed but
    /// it is not in the probe yet); the final words alone are the segmentation.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// Seconds into its source at which the segmenter decided the word (had) ended.
    pub decided_at: f64,
    /// Time spent per stage for this word, in milliseconds.
    pub timings_ms: BTreeMap<String, f64>,
}

/// What the recogniser heard in a word, and the vocabulary word it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hearing {
    /// The decoder's text, trimmed (e.g. `"Seven."`; empty when nothing was heard).
    pub text: String,
    /// Geometric mean of its tokens' probabilities, in [0, 1].
    pub confidence: f32,
    /// The lexicon or prompt word it is (its label), if any.
    pub word: Option<String>,
    /// How `word` was found (`none` without one).
    #[serde(rename = "match")]
    pub how: Match,
    /// Why decoding stopped: `end`, `repeat` (the usual end of a short word) or `cap`.
    pub stop: crate::model::recogniser::Stop,
}

/// How heard text was matched to the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// The text is the word (normalised).
    Exact,
    /// The text is not a word of the vocabulary; the decoder scored this word within a
    /// margin of its own text, above the other candidates.
    Scored,
    /// No word of the vocabulary.
    None,
}

/// One neighbour of a word under one encoder.
#[derive(Debug, Clone, Serialize)]
pub struct NeighbourInfo {
    /// The neighbour's word index.
    pub index: usize,
    /// Its label, if known.
    pub label: Option<String>,
    /// Cosine similarity.
    pub similarity: f32,
    /// Same word / phonetic group / semantic category as the word (null: unknown).
    pub relation: Relation,
}
