//! The engine: 16 kHz samples in, typed events out. Voice activity → word segments →
//! every encoder → the probe, one word at a time. It does not know where samples come
//! from: files, the demo player and the microphone all arrive through the same ring.

use std::collections::BTreeMap;
use std::time::Instant;

use crate::audio::ENGINE_RATE;
use crate::audio::resample::StreamResampler;
use crate::audio::ring::{Popped, RingReader};
use crate::error::Result;
use crate::event::{Event, MetricsEvent, NeighbourInfo, SourceInfo, VadFrame, WordEvent};
use crate::model::Encoder;
use crate::probe::{LayerMetrics, Lexicon, Probe, TextTable};
use crate::segment::{SegmentParams, Segmenter};
use crate::vad::Vad;
use std::sync::Arc;

/// Engine settings.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Word segmentation.
    pub segment: SegmentParams,
    /// Neighbours reported per word and encoder.
    pub k: usize,
    /// Put every layer's pooled vector into word events.
    pub keep_vectors: bool,
    /// How a word's vectors are taken from the stream.
    pub slicing: Slicing,
    /// Word categories, phonetic groups and pronunciations for the probe.
    pub lexicon: Arc<Lexicon>,
    /// Text-side word vectors for speech–text CKA.
    pub text_tables: Vec<Arc<TextTable>>,
}

/// The paper's two ways of getting a word's vector from speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Slicing {
    /// Cut the word's samples and encode them alone.
    #[default]
    Audio,
    /// Encode the running audio up to the word's end (with `context_ms` before the word)
    /// and pool only the frames inside the word: context-aware.
    Features {
        /// Audio before the word's start that the encoder also sees.
        context_ms: u32,
    },
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            segment: SegmentParams::default(),
            k: 5,
            keep_vectors: false,
            slicing: Slicing::Audio,
            lexicon: Arc::new(Lexicon::paper()),
            text_tables: Vec::new(),
        }
    }
}

/// Where the labels of a source's words come from.
#[derive(Debug, Clone, Default)]
pub enum Labels {
    /// Unlabelled words.
    #[default]
    None,
    /// Every word of the source gets this label (one-word files named `<label>_….wav`).
    Fixed(String),
    /// The n-th word gets the n-th label (a transcript or a prompt list); then none.
    Sequence(std::collections::VecDeque<String>),
}

impl Labels {
    fn next(&mut self) -> Option<String> {
        match self {
            Labels::None => None,
            Labels::Fixed(l) => Some(l.clone()),
            Labels::Sequence(q) => q.pop_front(),
        }
    }
}

/// Running totals over a session.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Seconds of 16 kHz audio processed.
    pub audio_seconds: f64,
    /// Per word: milliseconds from the segmenter's decision to the updated probe.
    pub word_latency_ms: Vec<f64>,
    /// Samples the producer dropped (ring overruns), summed over sources.
    pub dropped_samples: u64,
}

struct Source {
    name: Option<String>,
    labels: Labels,
    /// Samples of this source consumed so far.
    pos: usize,
    /// Recent samples; `history[0]` is sample `history_start` of the source.
    history: Vec<f32>,
    history_start: usize,
    frame: Vec<f32>,
}

impl Slicing {
    /// Audio before the word the encoder hears (0 for audio slicing).
    pub fn context_ms(self) -> u32 {
        match self {
            Slicing::Audio => 0,
            Slicing::Features { context_ms } => context_ms,
        }
    }
}

impl Source {
    fn new(name: Option<String>, labels: Labels, frame_len: usize) -> Self {
        Self {
            name,
            labels,
            pos: 0,
            history: Vec::new(),
            history_start: 0,
            frame: Vec::with_capacity(frame_len),
        }
    }
}

/// The per-word pipeline and the session's state.
pub struct Engine {
    vad: Vad,
    segmenter: Segmenter,
    encoders: Vec<Encoder>,
    /// One probe per encoder, made when its first word's vector widths are known.
    probes: Vec<Option<Probe>>,
    /// Milliseconds the last voice-activity frame took.
    last_vad_ms: f64,
    labels: Vec<Option<String>>,
    config: EngineConfig,
    source: Option<Source>,
    stats: Stats,
}

impl Engine {
    /// An engine with a voice-activity model and encoders.
    ///
    /// # Errors
    /// [`crate::Error::Config`] if the segmenter parameters are inconsistent.
    pub fn new(vad: Vad, encoders: Vec<Encoder>, config: EngineConfig) -> Result<Self> {
        config.segment.validate()?;
        let segmenter = Segmenter::new(config.segment, vad.frame_len(), ENGINE_RATE);
        let probes = encoders.iter().map(|_| None).collect();
        Ok(Self {
            vad,
            segmenter,
            encoders,
            probes,
            last_vad_ms: 0.0,
            labels: Vec::new(),
            config,
            source: None,
            stats: Stats::default(),
        })
    }

    /// The encoders, in display order.
    pub fn encoders(&self) -> &[Encoder] {
        &self.encoders
    }

    /// The lexicon the probe labels words with.
    pub fn lexicon(&self) -> &Lexicon {
        &self.config.lexicon
    }

    /// Session totals so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Per encoder, the probe's per-layer metrics over the words so far.
    pub fn metrics(&self) -> BTreeMap<String, Vec<LayerMetrics>> {
        self.encoders
            .iter()
            .zip(&self.probes)
            .filter_map(|(e, p)| Some((e.name().to_string(), p.as_ref()?.metrics())))
            .collect()
    }

    /// Words so far.
    pub fn words(&self) -> usize {
        self.labels.len()
    }

    /// Forgets every word (the UI's "clear"); models and settings stay.
    pub fn clear(&mut self) {
        self.probes.iter_mut().flatten().for_each(Probe::clear);
        self.labels.clear();
    }

    /// Starts a new source: voice activity and segmentation restart, words stay.
    pub fn begin_source(&mut self, info: SourceInfo, labels: Labels, emit: &mut dyn FnMut(Event)) {
        self.vad.reset();
        self.segmenter.finish();
        let name = Some(info.name.clone()).filter(|n| !n.is_empty());
        self.source = Some(Source::new(name, labels, self.vad.frame_len()));
        emit(Event::SourceStarted(info));
    }

    /// Feeds 16 kHz samples of the current source.
    ///
    /// # Errors
    /// Model errors from voice activity or an encoder.
    pub fn push(&mut self, samples: &[f32], emit: &mut dyn FnMut(Event)) -> Result<()> {
        let frame_len = self.vad.frame_len();
        let mut rest = samples;
        while !rest.is_empty() {
            let src = self
                .source
                .get_or_insert_with(|| Source::new(None, Labels::None, frame_len));
            let take = (frame_len - src.frame.len()).min(rest.len());
            src.frame.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if src.frame.len() == frame_len {
                self.process_frame(emit)?;
            }
        }
        Ok(())
    }

    /// Ends the current source: a partial last frame is padded, an open word is closed.
    ///
    /// # Errors
    /// Model errors from voice activity or an encoder.
    pub fn end_source(&mut self, emit: &mut dyn FnMut(Event)) -> Result<()> {
        let frame_len = self.vad.frame_len();
        if let Some(src) = self.source.as_mut()
            && !src.frame.is_empty()
        {
            let real = src.frame.len();
            src.frame.resize(frame_len, 0.0);
            self.process_frame(emit)?;
            if let Some(src) = self.source.as_mut() {
                // The padding is not part of the source.
                src.pos -= frame_len - real;
            }
        }
        if let Some(seg) = self.segmenter.finish() {
            self.emit_word(seg, emit)?;
        }
        self.source = None;
        Ok(())
    }

    /// Drains a ring until its writer closes: resample to 16 kHz and process.
    ///
    /// `idle` is called whenever the ring is empty (sleep, or check for a stop request:
    /// return `false` to stop early).
    ///
    /// # Errors
    /// Resampling or model errors.
    pub fn run_ring(
        &mut self,
        reader: &mut RingReader,
        resampler: &mut StreamResampler,
        emit: &mut dyn FnMut(Event),
        idle: &mut dyn FnMut() -> bool,
    ) -> Result<()> {
        let mut buf = vec![0.0f32; 4096];
        let mut out = Vec::with_capacity(8192);
        loop {
            match reader.pop(&mut buf) {
                Popped::Samples(n) => {
                    out.clear();
                    resampler.push(&buf[..n], &mut out)?;
                    self.stats.dropped_samples = reader.dropped();
                    self.push(&out, emit)?;
                }
                Popped::Empty => {
                    if !idle() {
                        break;
                    }
                }
                Popped::Closed => break,
            }
        }
        out.clear();
        resampler.finish(&mut out)?;
        self.push(&out, emit)?;
        self.stats.dropped_samples = reader.dropped();
        Ok(())
    }

    fn process_frame(&mut self, emit: &mut dyn FnMut(Event)) -> Result<()> {
        let Some(src) = self.source.as_mut() else {
            return Ok(());
        };
        let t0 = Instant::now();
        let prob = self.vad.process(&src.frame)?;
        self.last_vad_ms = t0.elapsed().as_secs_f64() * 1e3;
        let rms = (src.frame.iter().map(|x| x * x).sum::<f32>() / src.frame.len() as f32).sqrt();
        src.history.extend_from_slice(&src.frame);
        src.pos += src.frame.len();
        src.frame.clear();
        self.stats.audio_seconds += self.vad.frame_len() as f64 / ENGINE_RATE as f64;
        let seg = self.segmenter.push(prob);
        let time = src.pos as f64 / ENGINE_RATE as f64;
        emit(Event::Vad(VadFrame {
            time,
            prob,
            rms,
            in_word: self.segmenter.in_word(),
            dropped: self.stats.dropped_samples,
        }));
        if let Some(seg) = seg {
            self.emit_word(seg, emit)?;
        }
        self.trim_history();
        Ok(())
    }

    /// Keeps enough history for the longest word plus padding.
    fn trim_history(&mut self) {
        let Some(src) = self.source.as_mut() else {
            return;
        };
        let p = self.config.segment;
        let context_ms = self.config.slicing.context_ms();
        let keep = ((p.max_word_ms + p.pre_pad_ms + p.post_pad_ms + p.hangover_ms + context_ms)
            as usize
            * ENGINE_RATE as usize
            / 1000)
            + 4 * self.vad.frame_len();
        if src.history.len() > 2 * keep {
            let cut = src.history.len() - keep;
            src.history.drain(..cut);
            src.history_start += cut;
        }
    }

    fn emit_word(
        &mut self,
        seg: crate::segment::Segment,
        emit: &mut dyn FnMut(Event),
    ) -> Result<()> {
        let decided = Instant::now();
        let Some(src) = self.source.as_mut() else {
            return Ok(());
        };
        let lo = seg.start.max(src.history_start) - src.history_start;
        let hi = seg
            .end
            .min(src.pos)
            .saturating_sub(src.history_start)
            .max(lo);
        let context = self.config.slicing.context_ms() as usize * ENGINE_RATE as usize / 1000;
        let ctx_lo = lo.saturating_sub(context);
        let audio = src.history[ctx_lo..hi].to_vec();
        let word = lo - ctx_lo..hi - ctx_lo;
        let label = src.labels.next();
        let file = src.name.clone();
        let index = self.labels.len();
        self.labels.push(label.clone());

        let mut timings = BTreeMap::from([("vad".to_string(), self.last_vad_ms)]);
        let mut neighbours = BTreeMap::new();
        let mut embeddings = self.config.keep_vectors.then(BTreeMap::new);
        let mut pooled: Vec<Option<crate::model::WordVectors>> =
            Vec::with_capacity(self.encoders.len());
        for j in 0..self.encoders.len() {
            let t = Instant::now();
            let vectors = match self.encoders[j].backbone() {
                Some((backbone, layer)) => {
                    let input = self.encoders[..j]
                        .iter()
                        .zip(&pooled)
                        .find(|(e, _)| e.name() == backbone)
                        .and_then(|(e, v)| {
                            Some(
                                &v.as_ref()?.layers
                                    [e.layer_names().iter().position(|l| l == layer)?],
                            )
                        })
                        .ok_or_else(|| crate::Error::Config {
                            name: "--encoders",
                            reason: format!(
                                "`{}` needs `{backbone}` (layer {layer}) listed before it",
                                self.encoders[j].name()
                            ),
                        })?;
                    let input = input.clone();
                    self.encoders[j].encode_vector(&input)?
                }
                None => self.encoders[j].encode_in_context(&audio, word.clone())?,
            };
            let enc = &self.encoders[j];
            timings.insert(
                format!("encode:{}", enc.name()),
                t.elapsed().as_secs_f64() * 1e3,
            );
            let t = Instant::now();
            if self.probes[j].is_none() {
                let dims = vectors.layers.iter().map(Vec::len).collect();
                let probe = Probe::new(
                    enc.layer_names(),
                    dims,
                    self.config.lexicon.clone(),
                    self.config.text_tables.clone(),
                )?;
                self.probes[j] = Some(probe);
            }
            let Some(probe) = self.probes[j].as_mut() else {
                unreachable!("made above")
            };
            let i = probe.push(label.as_deref(), &vectors.layers)?;
            let infos = probe
                .nearest(enc.manifest().neighbour_layer_index(), i, self.config.k)
                .into_iter()
                .map(|n| NeighbourInfo {
                    index: n.index,
                    label: self.labels[n.index].clone(),
                    similarity: n.similarity,
                    relation: probe.relation(i, n.index),
                })
                .collect();
            neighbours.insert(enc.name().to_string(), infos);
            timings.insert(
                format!("probe:{}", enc.name()),
                t.elapsed().as_secs_f64() * 1e3,
            );
            if let Some(e) = embeddings.as_mut() {
                let layers = enc
                    .layer_names()
                    .into_iter()
                    .zip(vectors.layers.clone())
                    .collect();
                e.insert(enc.name().to_string(), layers);
            }
            pooled.push(Some(vectors));
        }
        self.stats
            .word_latency_ms
            .push(decided.elapsed().as_secs_f64() * 1e3);
        let rate = ENGINE_RATE as f64;
        emit(Event::Word(Box::new(WordEvent {
            index,
            file,
            start: seg.start as f64 / rate,
            end: seg.end.min(self.source.as_ref().map_or(seg.end, |s| s.pos)) as f64 / rate,
            label,
            neighbours,
            embeddings,
            truncated: seg.truncated,
            timings_ms: timings,
        })));
        emit(Event::Metrics(Box::new(MetricsEvent {
            words: self.labels.len(),
            tables: self
                .config
                .text_tables
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
            encoders: self.metrics(),
        })));
        Ok(())
    }
}
