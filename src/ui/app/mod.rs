//! The UI's state: everything the screen shows, updated from engine messages and keys.
//! Nothing here draws; [`crate::ui::render::ui`] reads an [`App`] and draws it. Views are
//! in [`views`], key handling in `keys`, the map's projection in `map`, the neighbours
//! at the chosen layer in `nearest`, clear / undo / replay in `session`, the window of
//! words (`--max-words`) in `window`.

mod keys;
mod map;
mod nearest;
mod session;
pub mod views;
mod window;

use std::collections::{BTreeMap, VecDeque};

use super::groups::{Relation, WordGroups};
use super::pca::Axes;
use crate::event::{DeviceStatus, Event, NeighbourInfo, SourceInfo, WordEvent};
use session::Cleared;

pub use views::{
    EncoderSetup, LayerMetrics, MapPoint, Meter, MetricsSnapshot, Mode, Msg, NeighbourView, Setup,
    Standing, WordView,
};

/// Latency samples kept per stage.
const LATENCY_WINDOW: usize = 200;

/// The latency "stage" that sums every stage of a word: word end → shown.
pub const TOTAL_STAGE: &str = "word end → shown";

/// The screen's whole state.
pub struct App {
    /// Title bar text.
    pub title: String,
    /// Session mode.
    pub mode: Mode,
    /// Encoders, in display order.
    pub encoders: Vec<EncoderSetup>,
    /// Word groups for relations and colours.
    pub groups: WordGroups,
    /// Prompt list (prompted mode).
    pub prompts: Vec<String>,
    /// Index of the next prompt: set by the engine's prompt events (the label its next
    /// word takes), and counted on as words arrive, paused or not.
    pub prompt_next: usize,
    /// Neighbours listed per encoder.
    pub neighbours_shown: usize,
    /// Words, oldest first (reference words included): with a window, only the words
    /// the engine holds.
    pub words: Vec<WordView>,
    /// The most words the engine's probes hold (`--max-words`; `None`: every word).
    pub window: Option<usize>,
    /// Every reference word, as the engine keeps them to refill its probes on a clear.
    reference_bank: Vec<WordView>,
    /// Words that left the window since the last clear or undo.
    left_window: usize,
    /// Latest meter reading.
    pub meter: Meter,
    /// Recent speech probabilities (newest last), for the VAD trace.
    pub vad_trace: VecDeque<f32>,
    /// Samples dropped so far.
    pub dropped: u64,
    /// Current source.
    pub source: Option<SourceInfo>,
    /// Last device status (a lost device shows here).
    pub device: Option<DeviceStatus>,
    /// Probe metrics, once the probe sends them.
    pub metrics: Option<MetricsSnapshot>,
    /// Stage → recent milliseconds.
    pub latency: BTreeMap<String, VecDeque<f64>>,
    /// Selected encoder (index into `encoders`).
    pub encoder: usize,
    /// The chosen layer of each encoder (in `encoders` order): ←/→ moves the selected
    /// encoder's; the neighbours panel shows every encoder at its own.
    pub layers: Vec<usize>,
    /// The view is frozen; words wait in `backlog`.
    pub paused: bool,
    /// Words received while paused.
    pub backlog: Vec<Box<WordEvent>>,
    /// Help overlay shown.
    pub help: bool,
    /// First help line shown (the overlay scrolls when it does not fit).
    pub help_scroll: u16,
    /// Quit requested.
    pub quit: bool,
    /// Words arriving now belong to the reference bank.
    pub reference_mode: bool,
    /// The engine thread ended (with a note or an error).
    pub finished: Option<Result<String, String>>,
    /// The session can be played again once finished (`r`; the demo).
    pub can_replay: bool,
    /// A replay was asked for (the caller restarts the session and clears it).
    pub replay: bool,
    /// Shown until the session's first message (e.g. "replaying: loading the models").
    pub starting: Option<String>,
    /// Time the previous frame took to render, ms (set by the event loop).
    pub render_ms: Option<f64>,
    /// Points of the map for the selected encoder and layer.
    pub map: Vec<MapPoint>,
    map_axes: Option<((usize, usize), Axes)>,
    /// Encoder name → the latest word's neighbours at that encoder's chosen layer.
    pub nearest: BTreeMap<String, Vec<NeighbourView>>,
    cleared: Option<Cleared>,
}

impl App {
    /// A fresh screen.
    pub fn new(setup: Setup) -> Self {
        let mut app = Self {
            title: setup.title,
            mode: setup.mode,
            encoders: setup.encoders,
            groups: setup.groups,
            prompts: setup.prompts,
            prompt_next: 0,
            neighbours_shown: setup.neighbours_shown.max(1),
            words: Vec::new(),
            window: setup.max_words,
            reference_bank: Vec::new(),
            left_window: 0,
            meter: Meter::default(),
            vad_trace: VecDeque::new(),
            dropped: 0,
            source: None,
            device: None,
            metrics: None,
            latency: BTreeMap::new(),
            encoder: 0,
            layers: Vec::new(),
            paused: false,
            backlog: Vec::new(),
            help: false,
            help_scroll: 0,
            quit: false,
            reference_mode: false,
            finished: None,
            can_replay: false,
            replay: false,
            starting: None,
            render_ms: None,
            map: Vec::new(),
            map_axes: None,
            nearest: BTreeMap::new(),
            cleared: None,
        };
        app.layers = app.encoders.iter().map(default_layer).collect();
        app
    }

    /// The chosen layer of encoder `e` (index into its layers).
    pub fn layer_of(&self, e: usize) -> usize {
        self.layers.get(e).copied().unwrap_or(0)
    }

    /// The chosen layer of the selected encoder.
    pub fn layer(&self) -> usize {
        self.layer_of(self.encoder)
    }

    /// The selected encoder, if any.
    pub fn selected_encoder(&self) -> Option<&EncoderSetup> {
        self.encoders.get(self.encoder)
    }

    /// The selected layer's name.
    pub fn selected_layer(&self) -> Option<&str> {
        self.selected_encoder()
            .and_then(|e| e.layers.get(self.layer()))
            .map(String::as_str)
    }

    /// Words said in this session (not the reference bank), oldest first.
    pub fn session_words(&self) -> impl DoubleEndedIterator<Item = &WordView> {
        self.words.iter().filter(|w| !w.reference)
    }

    /// The word whose neighbours are shown: the latest session word, else the latest word.
    pub fn latest(&self) -> Option<&WordView> {
        self.session_words().last().or(self.words.last())
    }

    /// The word to say next (prompted mode).
    pub fn next_prompt(&self) -> Option<&str> {
        if self.mode != Mode::Prompted || self.prompts.is_empty() {
            return None;
        }
        Some(&self.prompts[self.prompt_next % self.prompts.len()])
    }

    /// Takes a message from the engine thread.
    pub fn apply(&mut self, msg: Msg) {
        self.starting = None;
        match msg {
            Msg::Event(e) => self.apply_event(e),
            Msg::Metrics(m) => self.metrics = Some(m),
            Msg::Finished(r) => self.finished = Some(r),
        }
    }

    /// Takes an engine event.
    pub fn apply_event(&mut self, event: Event) {
        match event {
            Event::Vad(f) => {
                self.meter = Meter {
                    rms: f.rms,
                    prob: f.prob,
                    in_word: f.in_word,
                    time: f.time,
                };
                self.vad_trace.push_back(f.prob);
                while self.vad_trace.len() > 256 {
                    self.vad_trace.pop_front();
                }
                self.dropped = self.dropped.max(f.dropped);
            }
            // While paused only final words wait: a provisional one is decided by then.
            Event::Word(w) if !w.is_final => {
                if !self.paused {
                    self.add_word(*w);
                    self.refresh();
                }
            }
            Event::Word(w) => {
                if !self.reference_mode && self.mode == Mode::Prompted {
                    self.prompt_next += 1;
                }
                if self.paused {
                    self.backlog.push(w);
                } else {
                    self.add_word(*w);
                    self.refresh();
                }
            }
            Event::Retract(r) => {
                if let Some(w) = self.words.last_mut().filter(|w| w.index == r.index) {
                    w.standing = Standing::Merging;
                }
            }
            Event::SourceStarted(s) => {
                self.reference_mode = s.reference;
                self.source = Some(s);
            }
            // Even while paused: the prompt on screen is the label of the next word.
            Event::Prompt(p) => self.prompt_next = p.next,
            Event::Device(d) => self.device = Some(d),
            Event::Metrics(m) => self.metrics = Some(MetricsSnapshot::from(&*m)),
        }
    }

    fn relation_of(n: &NeighbourInfo) -> Relation {
        Relation::from(n.relation)
    }

    /// Adds a word, in place of the provisional or merging word with its index.
    fn add_word(&mut self, w: WordEvent) {
        if self.words.last().is_some_and(|l| l.index == w.index) {
            self.words.pop();
        }
        // Encoders not announced up front are added as they appear.
        for name in w.neighbours.keys() {
            if !self.encoders.iter().any(|e| &e.name == name) {
                let layers = w
                    .embeddings
                    .as_ref()
                    .and_then(|e| e.get(name))
                    .map(|l| l.keys().cloned().collect())
                    .unwrap_or_default();
                let setup = EncoderSetup {
                    name: name.clone(),
                    grounded: false,
                    layers,
                    neighbour_layer: None,
                };
                self.layers.push(default_layer(&setup));
                self.encoders.push(setup);
            }
        }
        let neighbours = w
            .neighbours
            .iter()
            .map(|(enc, ns)| {
                let views = ns
                    .iter()
                    .map(|n| NeighbourView {
                        index: n.index,
                        label: n.label.clone(),
                        similarity: n.similarity,
                        relation: Self::relation_of(n),
                    })
                    .collect();
                (enc.clone(), views)
            })
            .collect();
        let mut vectors = BTreeMap::new();
        if let Some(emb) = &w.embeddings {
            for (enc, layers) in emb {
                let Some(setup) = self.encoders.iter().find(|e| &e.name == enc) else {
                    continue;
                };
                let per_layer = setup
                    .layers
                    .iter()
                    .map(|l| layers.get(l).cloned())
                    .collect();
                vectors.insert(enc.clone(), per_layer);
            }
        }
        let total = w.timings_ms.values().sum();
        let stages = w.timings_ms.iter().map(|(s, ms)| (s.as_str(), *ms));
        let stages = stages.chain([(TOTAL_STAGE, total)]).filter(|_| w.is_final);
        for (stage, ms) in stages {
            let q = self.latency.entry(stage.to_string()).or_default();
            q.push_back(ms);
            while q.len() > LATENCY_WINDOW {
                q.pop_front();
            }
        }
        let view = WordView {
            index: w.index,
            label: w.label,
            file: w.file,
            start: w.start,
            end: w.end,
            reference: self.reference_mode,
            neighbours,
            vectors,
            timings_ms: w.timings_ms,
            standing: if w.is_final {
                Standing::Final
            } else {
                Standing::Provisional
            },
            heard: w.heard,
            prompt: w.prompt,
        };
        if view.standing == Standing::Final {
            if view.reference {
                self.reference_bank.push(view.clone());
            }
            let newest = view.index;
            self.words.push(view);
            self.trim_to_window(newest);
        } else {
            self.words.push(view);
        }
    }

    /// Recent latency of a stage: (last, p50, p95) in ms.
    pub fn latency_of(&self, stage: &str) -> Option<(f64, f64, f64)> {
        let q = self.latency.get(stage)?;
        let last = *q.back()?;
        let mut v: Vec<f64> = q.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        let at = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
        Some((last, at(0.5), at(0.95)))
    }

    /// Recomputes what depends on the latest word or the chosen layers: the map and the
    /// neighbours panel.
    pub fn refresh(&mut self) {
        self.refresh_map();
        self.refresh_nearest();
    }
}

/// The layer an encoder starts at: the engine's neighbour layer, else its last.
fn default_layer(e: &EncoderSetup) -> usize {
    e.neighbour_layer
        .unwrap_or(e.layers.len().saturating_sub(1))
}
