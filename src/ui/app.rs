//! The UI's state: everything the screen shows, updated from engine messages and keys.
//! Nothing here draws; [`crate::ui::render::ui`] reads an [`App`] and draws it.

use std::collections::{BTreeMap, VecDeque};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::groups::{Relation, WordGroups};
use super::pca::{self, Axes};
use crate::event::{DeviceStatus, Event, NeighbourInfo, SourceInfo, WordEvent};

/// Latency samples kept per stage.
const LATENCY_WINDOW: usize = 200;

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
    /// Linear CKA against the text table.
    pub cka: Option<f32>,
}

/// The probe's metrics at some point in the session, per encoder (the lead's probe fills
/// this; the UI only renders it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricsSnapshot {
    /// Labelled words the metrics were computed over.
    pub words: usize,
    /// The text table the CKA column compares with.
    pub cka_table: Option<String>,
    /// Encoder name → one entry per layer, first to last.
    pub encoders: BTreeMap<String, Vec<LayerMetrics>>,
}

impl From<&crate::event::MetricsEvent> for MetricsSnapshot {
    /// The screen shows the CKA against the text table given first (`--text`).
    fn from(m: &crate::event::MetricsEvent) -> Self {
        let table = m.tables.first();
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
                        cka: table
                            .and_then(|t| l.cka.get(t).copied().flatten())
                            .map(|x| x as f32),
                    })
                    .collect();
                (name.clone(), layers)
            })
            .collect();
        Self {
            words: m.words,
            cka_table: table.cloned(),
            encoders,
        }
    }
}

/// A message from the engine thread.
#[derive(Debug, Clone)]
pub enum Msg {
    /// An engine event.
    Event(Event),
    /// New probe metrics.
    Metrics(MetricsSnapshot),
    /// Samples the producer dropped so far (ring overruns).
    Dropped(u64),
    /// Words from now on belong to the reference bank (`true`) or the session (`false`).
    Reference(bool),
    /// The engine thread ended: `Ok(note)` or `Err(error chain)`.
    Finished(Result<String, String>),
}

/// A request from the UI to the engine thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Forget every word.
    Clear,
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
}

impl WordView {
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
    /// Index of the next prompt (counts words said, cycles through the list).
    pub prompt_next: usize,
    /// Neighbours listed per encoder.
    pub neighbours_shown: usize,
    /// Words, oldest first (reference words included).
    pub words: Vec<WordView>,
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
    /// Selected layer of the selected encoder.
    pub layer: usize,
    /// The view is frozen; words wait in `backlog`.
    pub paused: bool,
    /// Words received while paused.
    pub backlog: Vec<Box<WordEvent>>,
    /// Help overlay shown.
    pub help: bool,
    /// Quit requested.
    pub quit: bool,
    /// Words arriving now belong to the reference bank.
    pub reference_mode: bool,
    /// The engine thread ended (with a note or an error).
    pub finished: Option<Result<String, String>>,
    /// Time the previous frame took to render, ms (set by the event loop).
    pub render_ms: Option<f64>,
    /// Points of the map for the selected encoder and layer.
    pub map: Vec<MapPoint>,
    map_axes: Option<((usize, usize), Axes)>,
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
            meter: Meter::default(),
            vad_trace: VecDeque::new(),
            dropped: 0,
            source: None,
            device: None,
            metrics: None,
            latency: BTreeMap::new(),
            encoder: 0,
            layer: 0,
            paused: false,
            backlog: Vec::new(),
            help: false,
            quit: false,
            reference_mode: false,
            finished: None,
            render_ms: None,
            map: Vec::new(),
            map_axes: None,
        };
        app.layer = app.default_layer();
        app
    }

    fn default_layer(&self) -> usize {
        self.encoders.get(self.encoder).map_or(0, |e| {
            e.neighbour_layer
                .unwrap_or(e.layers.len().saturating_sub(1))
        })
    }

    /// The selected encoder, if any.
    pub fn selected_encoder(&self) -> Option<&EncoderSetup> {
        self.encoders.get(self.encoder)
    }

    /// The selected layer's name.
    pub fn selected_layer(&self) -> Option<&str> {
        self.selected_encoder()
            .and_then(|e| e.layers.get(self.layer))
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
        match msg {
            Msg::Event(e) => self.apply_event(e),
            Msg::Metrics(m) => self.metrics = Some(m),
            Msg::Dropped(n) => self.dropped = self.dropped.max(n),
            Msg::Reference(on) => self.reference_mode = on,
            Msg::Finished(r) => self.finished = Some(r),
        }
    }

    /// Takes an engine event. (When the engine grows an `Event::Metrics`, route it to
    /// [`App::apply`]'s `Msg::Metrics` arm.)
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
            Event::Word(w) => {
                if self.paused {
                    self.backlog.push(w);
                } else {
                    self.add_word(*w);
                    self.refresh_map();
                }
            }
            Event::SourceStarted(s) => self.source = Some(s),
            Event::Device(d) => self.device = Some(d),
            Event::Metrics(m) => self.metrics = Some(MetricsSnapshot::from(&*m)),
        }
    }

    fn relation_of(n: &NeighbourInfo) -> Relation {
        Relation::from(n.relation)
    }

    fn add_word(&mut self, w: WordEvent) {
        // Encoders not announced up front are added as they appear.
        for name in w.neighbours.keys() {
            if !self.encoders.iter().any(|e| &e.name == name) {
                let layers = w
                    .embeddings
                    .as_ref()
                    .and_then(|e| e.get(name))
                    .map(|l| l.keys().cloned().collect())
                    .unwrap_or_default();
                self.encoders.push(EncoderSetup {
                    name: name.clone(),
                    grounded: false,
                    layers,
                    neighbour_layer: None,
                });
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
        for (stage, ms) in &w.timings_ms {
            let q = self.latency.entry(stage.clone()).or_default();
            q.push_back(*ms);
            while q.len() > LATENCY_WINDOW {
                q.pop_front();
            }
        }
        if !self.reference_mode && self.mode == Mode::Prompted {
            self.prompt_next += 1;
        }
        self.words.push(WordView {
            index: w.index,
            label: w.label,
            file: w.file,
            start: w.start,
            end: w.end,
            reference: self.reference_mode,
            neighbours,
            vectors,
            timings_ms: w.timings_ms,
        });
    }

    /// Recomputes the map for the selected encoder and layer.
    pub fn refresh_map(&mut self) {
        let Some(enc) = self.selected_encoder().map(|e| e.name.clone()) else {
            self.map.clear();
            return;
        };
        let layer = self.layer;
        let latest = self.latest().map(|w| w.index);
        let mut rows: Vec<&[f32]> = Vec::new();
        let mut who: Vec<&WordView> = Vec::new();
        for w in &self.words {
            if let Some(Some(v)) = w.vectors.get(&enc).and_then(|l| l.get(layer)) {
                rows.push(v);
                who.push(w);
            }
        }
        let key = (self.encoder, layer);
        let seed = self
            .map_axes
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, a)| a);
        let (pts, axes) = pca::project(&rows, seed);
        let map = pts
            .iter()
            .zip(&who)
            .map(|(p, w)| {
                let g = w.label.as_deref().and_then(|l| self.groups.get(l));
                MapPoint {
                    x: p[0],
                    y: p[1],
                    label: w.name(),
                    category: g
                        .and_then(|g| g.semantic.as_deref())
                        .and_then(|c| self.groups.category_index(c)),
                    group: g
                        .and_then(|g| g.phonetic.as_deref())
                        .and_then(|c| self.groups.phonetic_index(c)),
                    latest: Some(w.index) == latest && !w.reference,
                    reference: w.reference,
                }
            })
            .collect();
        self.map = map;
        self.map_axes = Some((key, axes));
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

    /// Forgets every word on screen (the engine is told separately).
    pub fn clear(&mut self) {
        self.words.clear();
        self.backlog.clear();
        self.map.clear();
        self.map_axes = None;
        self.metrics = None;
        self.latency.clear();
    }

    /// Handles a key; returns a command for the engine thread when one is needed.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Command> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => self.quit = true,
            KeyCode::Char('q') | KeyCode::Char('Q') => self.quit = true,
            KeyCode::Esc if self.help => self.help = false,
            KeyCode::Esc => self.quit = true,
            KeyCode::Char('?') | KeyCode::F(1) => self.help = !self.help,
            KeyCode::Char(' ') => self.toggle_pause(),
            KeyCode::Char('c') | KeyCode::Char('C') => {
                self.clear();
                return Some(Command::Clear);
            }
            KeyCode::Right => self.step_layer(1),
            KeyCode::Left => self.step_layer(-1),
            KeyCode::Tab => self.step_encoder(1),
            KeyCode::BackTab => self.step_encoder(-1),
            _ => {}
        }
        None
    }

    fn toggle_pause(&mut self) {
        self.paused = !self.paused;
        if !self.paused {
            for w in std::mem::take(&mut self.backlog) {
                self.add_word(*w);
            }
            self.refresh_map();
        }
    }

    fn step_layer(&mut self, by: isize) {
        let n = self.selected_encoder().map_or(0, |e| e.layers.len());
        if n == 0 {
            return;
        }
        self.layer = (self.layer as isize + by).rem_euclid(n as isize) as usize;
        self.refresh_map();
    }

    fn step_encoder(&mut self, by: isize) {
        let n = self.encoders.len();
        if n == 0 {
            return;
        }
        self.encoder = (self.encoder as isize + by).rem_euclid(n as isize) as usize;
        self.layer = self.default_layer();
        self.refresh_map();
    }
}
