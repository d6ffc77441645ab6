//! What the screen shows, as plain data: encoders, words, neighbours, map points, meter
//! readings and metrics snapshots, and the messages that update them.

use std::collections::BTreeMap;

use crate::event::{Event, Hearing, MetricsEvent};
use crate::sink::channel::Message;
use crate::ui::groups::{Relation, WordGroups};

/// One encoder as the screen knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderSetup {
    /// Name (as in events).
    pub name: String,
    /// Trained with visual grounding?
    pub grounded: bool,
    /// Tapped layers, first to last.
    pub layers: Vec<String>,
    /// The layer the engine's neighbours are computed at, if known.
    pub neighbour_layer: Option<usize>,
}

/// What the session is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bundled clips played in real time.
    Demo,
    /// Microphone; the screen prompts the next word and the segment takes that label.
    Prompted,
    /// Microphone; unlabelled words against a reference bank.
    Free,
}

/// What the screen starts from.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Shown in the title bar (e.g. "demo" or the device name).
    pub title: String,
    /// Session mode.
    pub mode: Mode,
    /// Encoders in display order (more may appear from events).
    pub encoders: Vec<EncoderSetup>,
    /// Prompted mode: the words to say, in order (cycled).
    pub prompts: Vec<String>,
    /// Semantic categories and phonetic groups of known words.
    pub groups: WordGroups,
    /// Neighbours listed per encoder.
    pub neighbours_shown: usize,
    /// The most words the engine's probes hold (`--max-words`; `None`: every word).
    pub max_words: Option<usize>,
}

/// Per-layer probe metrics of one encoder (filled by the probe; `None` = not computable yet).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerMetrics {
    /// Layer name.
    pub layer: String,
    /// Silhouette (cosine) with phonetic groups as labels.
    pub silhouette_phonetic: Option<f32>,
    /// Silhouette (cosine) with semantic categories as labels.
    pub silhouette_semantic: Option<f32>,
    /// Linear CKA against each text table, in [`MetricsSnapshot::tables`] order.
    pub cka: Vec<Option<f32>>,
    /// Word identity: share of words whose nearest word centroid (other speakers') is
    /// their own word.
    pub identity_top1: Option<f32>,
    /// Word identity: silhouette (cosine) with one cluster per word.
    pub identity_silhouette: Option<f32>,
}

/// The probe's metrics at some point in the session, per encoder (the lead's probe fills
/// this; the UI only renders it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricsSnapshot {
    /// Labelled words the metrics were computed over.
    pub words: usize,
    /// The text tables the CKA columns compare with, in the order given (`--text`).
    pub tables: Vec<String>,
    /// Encoder name → one entry per layer, first to last.
    pub encoders: BTreeMap<String, Vec<LayerMetrics>>,
}

impl From<&MetricsEvent> for MetricsSnapshot {
    /// The screen shows the CKA against every text table, side by side.
    fn from(m: &MetricsEvent) -> Self {
        let encoders = m
            .encoders
            .iter()
            .map(|(name, layers)| {
                let layers = layers
                    .iter()
                    .map(|l| LayerMetrics {
                        layer: l.layer.clone(),
                        silhouette_phonetic: l.silhouette_phonetic.map(|x| x as f32),
                        silhouette_semantic: l.silhouette_semantic.map(|x| x as f32),
                        cka: m
                            .tables
                            .iter()
                            .map(|t| l.cka.get(t).copied().flatten().map(|x| x as f32))
                            .collect(),
                        identity_top1: l.word_identity.top1.map(|x| x as f32),
                        identity_silhouette: l.word_identity.silhouette.map(|x| x as f32),
                    })
                    .collect();
                (name.clone(), layers)
            })
            .collect();
        Self {
            words: m.words,
            tables: m.tables.clone(),
            encoders,
        }
    }
}

/// A message the screen takes: an engine event, a metrics snapshot, or the end of the run.
#[derive(Debug, Clone)]
pub enum Msg {
    /// An engine event.
    Event(Event),
    /// New probe metrics.
    Metrics(MetricsSnapshot),
    /// The engine thread ended: `Ok(note)` or `Err(error chain)`.
    Finished(Result<String, String>),
}

impl From<Message> for Msg {
    fn from(m: Message) -> Self {
        match m {
            Message::Event(e) => Msg::Event(e),
            Message::Finished(r) => Msg::Finished(r),
        }
    }
}

/// A neighbour as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourView {
    /// Word index.
    pub index: usize,
    /// Its label.
    pub label: Option<String>,
    /// Cosine similarity.
    pub similarity: f32,
    /// Same word / sound / meaning / neither.
    pub relation: Relation,
}

/// A word as the screen keeps it.
#[derive(Debug, Clone)]
pub struct WordView {
    /// Index in the engine's session.
    pub index: usize,
    /// Label, if any.
    pub label: Option<String>,
    /// Source file or device.
    pub file: Option<String>,
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// Part of the reference bank rather than said in this session.
    pub reference: bool,
    /// Encoder → neighbours.
    pub neighbours: BTreeMap<String, Vec<NeighbourView>>,
    /// Encoder → per layer (in [`EncoderSetup::layers`] order) the pooled vector, if sent.
    pub vectors: BTreeMap<String, Vec<Option<Vec<f32>>>>,
    /// Stage → milliseconds.
    pub timings_ms: BTreeMap<String, f64>,
    /// Final, or provisional (speculative close), or withdrawn and about to be merged.
    pub standing: Standing,
    /// What the recogniser heard, when it runs.
    pub heard: Option<Hearing>,
    /// Prompted mode: the word asked for.
    pub prompt: Option<String>,
}

/// Where a word on screen stands (see [`crate::event::Event::Retract`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// In the probe: the segmentation's own word.
    Final,
    /// Shown at once after a short silence; not in the probe until confirmed.
    Provisional,
    /// Withdrawn: speech went on, and the longer word will take its place.
    Merging,
}

impl WordView {
    /// What was heard, for people: `heard “Seven.” 93%`, and for a prompted word heard
    /// as another word `, not “window”` (`None` when the recogniser does not run).
    pub fn heard_note(&self) -> Option<String> {
        let h = self.heard.as_ref()?;
        let text = if h.text.is_empty() { "…" } else { &h.text };
        let mut note = format!("heard “{text}” {:.0}%", h.confidence * 100.0);
        if let Some(p) = self.prompt.as_deref().filter(|p| self.mismatched(p)) {
            note.push_str(&format!(", not “{p}”"));
        }
        Some(note)
    }

    /// True for a prompted word heard as another word than its prompt `p`.
    fn mismatched(&self, p: &str) -> bool {
        self.heard
            .as_ref()
            .is_some_and(|h| h.word.as_deref() != Some(p))
    }

    /// True when the recogniser heard a prompted word as another word.
    pub fn off_prompt(&self) -> bool {
        self.prompt.as_deref().is_some_and(|p| self.mismatched(p))
    }

    /// The label, or `#index` for an unlabelled word.
    pub fn name(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| format!("#{}", self.index))
    }
}

/// A point of the 2-D map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    /// Horizontal position in [-1, 1].
    pub x: f32,
    /// Vertical position in [-1, 1].
    pub y: f32,
    /// Word shown.
    pub label: String,
    /// Semantic category index (colour).
    pub category: Option<usize>,
    /// Phonetic group index (marker).
    pub group: Option<usize>,
    /// The latest word.
    pub latest: bool,
    /// A reference-bank word.
    pub reference: bool,
}

/// Input level and voice activity of the latest frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Meter {
    /// RMS level, full scale 1.
    pub rms: f32,
    /// Speech probability.
    pub prob: f32,
    /// Inside a word.
    pub in_word: bool,
    /// Seconds into the source.
    pub time: f64,
}
