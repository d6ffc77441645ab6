//! The engine: 16 kHz samples in, typed events out. Voice activity → word segments →
//! every encoder → the probe, one word at a time. It does not know where samples come
//! from or where events go: the [`crate::driver::Driver`] feeds it from a source and hands
//! its events to a sink.
//!
//! One file per concern: [`config`] (settings), [`front`] (voice activity, segments and
//! encoders: the audio half, which forks for parallel runs), [`history`] (the current
//! source's sample window), [`segment`] (words from VAD frames), [`encode`] (every encoder
//! on a word), `clearing` (clear and undo) and `assemble` (the probe update and the
//! events of a word).

mod align;
mod assemble;
mod clearing;
pub mod config;
pub mod encode;
pub mod front;
pub mod heard;
pub mod history;
pub mod listen;
pub mod segment;
mod tokens;
mod transcript;
pub mod vocabulary;
mod words;

use std::collections::BTreeMap;

use crate::error::Result;
use crate::event::{Event, LayerMetrics, MetricsEvent, RetractEvent, SourceInfo, VadFrame};
use crate::labels::{Labels, Prompts};
use crate::model::{EncoderInfo, VoiceActivity, WordEncoder, WordVectors};
use crate::probe::{Lexicon, Probe};
use crate::summary::{EncoderSummary, Percentiles, Speculation, Summary, Window};
use crate::timing::StageTimes;
use words::SessionWords;

pub use config::{EngineConfig, Slicing};
pub use front::{Front, Step};

/// Running totals over a session.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Seconds of 16 kHz audio processed.
    pub audio_seconds: f64,
    /// Per word: milliseconds from the segmenter's decision to the updated probe.
    pub word_latency_ms: Vec<f64>,
    /// Samples the sources dropped (ring overruns), summed over sources.
    pub dropped_samples: u64,
    /// Samples repaired on the way in (non-finite → 0, beyond ±[`crate::driver::CLAMP`]
    /// clamped).
    pub repaired_samples: u64,
    /// Per word: milliseconds of audio from the end of its last speech frame to the frame
    /// where the segmenter decided it had ended (the hangover a listener waits).
    pub end_of_speech_ms: Vec<f64>,
    /// Per final word: the same to its first word line, its provisional one if that was
    /// confirmed (speculative close), else the final one.
    pub first_line_ms: Vec<f64>,
    /// Provisional words written.
    pub provisional: usize,
    /// Provisional words retracted (speech went on).
    pub retracted: usize,
    /// What the recogniser heard in the final words.
    pub heard: heard::HeardTally,
    /// Transcripts labelled by position (the recogniser off).
    pub positional: crate::summary::PositionalLabels,
}

/// A word with its vectors, kept so that a clear can restore the reference bank, and an
/// undo the cleared words, without re-encoding.
#[derive(Debug, Clone)]
struct ReferenceWord {
    label: Option<String>,
    speaker: Option<String>,
    vectors: Vec<WordVectors>,
}

/// The current source as the word side sees it: its name, labels and kind.
#[derive(Debug, Default)]
struct Current {
    /// File or device name (`None` when unnamed).
    name: Option<String>,
    labels: Labels,
    /// Where its words are in its transcript.
    transcript: transcript::Place,
    /// Its words belong to the reference bank.
    reference: bool,
}

/// The per-word pipeline and the session's state: a [`Front`] (audio to encoded words)
/// and the word side (labels, probes, events, totals), which also takes the steps of
/// other fronts (parallel runs: [`crate::driver::Driver::play_files`]).
pub struct Engine {
    front: Front,
    infos: Vec<EncoderInfo>,
    /// One probe per encoder, made when its first word's vector widths are known.
    probes: Vec<Option<Probe>>,
    /// Label and speaker (for word identity) of every word held, by index.
    words: SessionWords,
    reference: Vec<ReferenceWord>,
    /// The last clear: every word it forgot, and how many words it kept (the reference).
    cleared: Option<(Vec<ReferenceWord>, usize)>,
    prompts: Prompts,
    config: EngineConfig,
    current: Option<Current>,
    /// Scratch for the front's steps.
    steps: Vec<Step>,
    stats: Stats,
    /// Per-stage timings, when recording was asked for.
    timing: Option<StageTimes>,
    /// The provisional word out: its index and end of speech → its line (ms of audio).
    provisional: Option<(usize, f64)>,
}

impl Engine {
    /// An engine with a voice-activity model and encoders (heads after their backbones).
    ///
    /// # Errors
    /// [`crate::Error::Config`] if the segmenter parameters are inconsistent or a head is
    /// listed before its backbone (the message says the order that works).
    pub fn new(
        vad: Box<dyn VoiceActivity>,
        encoders: Vec<Box<dyn WordEncoder>>,
        config: EngineConfig,
    ) -> Result<Self> {
        let front = Front::new(vad, encoders, &config)?;
        let infos = front.encoders().to_vec();
        Ok(Self {
            probes: infos.iter().map(|_| None).collect(),
            front,
            infos,
            words: SessionWords::new(config.max_words),
            reference: Vec::new(),
            cleared: None,
            prompts: Prompts::new(config.prompts.clone()),
            config,
            current: None,
            steps: Vec::new(),
            stats: Stats::default(),
            timing: None,
            provisional: None,
        })
    }

    /// The encoders, in order.
    pub fn encoders(&self) -> &[EncoderInfo] {
        &self.infos
    }

    /// The lexicon the probe labels words with.
    pub fn lexicon(&self) -> &Lexicon {
        &self.config.lexicon
    }

    /// The engine's settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Session totals so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Words so far (reference words included), held in the probes or not.
    pub fn words(&self) -> usize {
        self.words.len()
    }

    /// The probe of encoder `i` (`None` before its first word).
    pub fn probe(&self, i: usize) -> Option<&Probe> {
        self.probes.get(i)?.as_ref()
    }

    /// Per encoder, the probe's per-layer metrics over the words so far.
    pub fn metrics(&self) -> BTreeMap<String, Vec<LayerMetrics>> {
        let probes = self.infos.iter().zip(&self.probes);
        probes
            .filter_map(|(e, p)| Some((e.name.clone(), p.as_ref()?.metrics())))
            .collect()
    }

    /// A front on the same models for another thread (see [`Front::fork`]).
    pub fn fork_front(&self) -> Option<Front> {
        self.front.fork()
    }

    /// Starts recording every stage's duration (see [`crate::timing`]).
    pub fn record_stages(&mut self) {
        self.timing.get_or_insert_with(StageTimes::default);
        self.front.record_stages();
    }

    /// The stage timings recorded so far, the front's and the word side's (`None` unless
    /// [`Engine::record_stages`]).
    pub fn stage_times(&self) -> Option<StageTimes> {
        let mut times = self.timing.clone()?;
        if let Some(front) = self.front.stage_times() {
            times.merge(front.clone());
        }
        Some(times)
    }

    /// Records one occurrence of a stage run outside the engine (the driver's resampler).
    pub fn record_stage(&mut self, stage: &str, took: std::time::Duration) {
        if let Some(t) = self.timing.as_mut() {
            t.record(stage, took);
        }
    }

    /// Counts samples a source dropped (added to the session total).
    pub fn add_dropped(&mut self, samples: u64) {
        self.stats.dropped_samples += samples;
    }

    /// Counts samples the driver repaired before the engine saw them.
    pub fn add_repaired(&mut self, samples: u64) {
        self.stats.repaired_samples += samples;
    }

    /// The probe's metrics now, as the event sent after every word (word identity's
    /// scores as [`Probe::live_metrics`] refreshes them; [`Engine::metrics`] and the
    /// summary have them exact).
    pub fn metrics_event(&mut self) -> Event {
        Event::Metrics(Box::new(MetricsEvent {
            words: self.words.len(),
            tables: self
                .config
                .text_tables
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
            encoders: self
                .infos
                .iter()
                .zip(&mut self.probes)
                .filter_map(|(e, p)| Some((e.name.clone(), p.as_mut()?.live_metrics())))
                .collect(),
        }))
    }

    /// Starts a new source: voice activity and segmentation restart, words stay.
    pub fn begin_source(&mut self, info: SourceInfo, labels: Labels, out: &mut Vec<Event>) {
        self.front.begin_source(&labels);
        self.begin_words(info, labels, out);
    }

    /// Starts a source whose audio another front processes: its steps follow through
    /// [`Engine::take_step`], then [`Engine::end_words`].
    pub fn begin_words(&mut self, info: SourceInfo, labels: Labels, out: &mut Vec<Event>) {
        // A provisional word of a source that ended without closing it is withdrawn.
        self.retract(out);
        self.close_transcript();
        let name = Some(info.name.clone()).filter(|n| !n.is_empty());
        let prompted = labels == Labels::Prompted && !self.prompts.is_empty();
        self.current = Some(Current {
            name,
            transcript: transcript::Place::new(&labels),
            labels,
            reference: info.reference,
        });
        out.push(Event::SourceStarted(info));
        if prompted {
            out.push(self.prompt_event());
        }
    }

    /// Feeds 16 kHz samples of the current source.
    ///
    /// # Errors
    /// Model errors from voice activity or an encoder.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<Event>) -> Result<()> {
        let mut steps = std::mem::take(&mut self.steps);
        let pushed = self.front.push(samples, &mut steps);
        let taken = self.take_steps(&mut steps, out);
        self.steps = steps;
        pushed.and(taken)
    }

    /// Ends the current source: a partial last frame is padded, an open word is closed.
    ///
    /// # Errors
    /// Model errors from voice activity or an encoder.
    pub fn end_source(&mut self, out: &mut Vec<Event>) -> Result<()> {
        let mut steps = std::mem::take(&mut self.steps);
        let ended = self.front.end_source(&mut steps);
        let taken = self.take_steps(&mut steps, out);
        self.steps = steps;
        self.end_words();
        ended.and(taken)
    }

    /// Ends a source begun with [`Engine::begin_words`].
    pub fn end_words(&mut self) {
        self.close_transcript();
        self.current = None;
    }

    /// Takes one step of the current source's audio, from this engine's front or another:
    /// a frame counts towards the audio processed, a word goes into the probes.
    ///
    /// # Errors
    /// [`crate::Error::Config`] if a word's vectors do not fit its encoder's probe.
    pub fn take_step(&mut self, step: Step, out: &mut Vec<Event>) -> Result<()> {
        match step {
            Step::Frame(f) => {
                self.stats.audio_seconds += self.front.frame_seconds();
                out.push(Event::Vad(VadFrame {
                    time: f.time,
                    prob: f.prob,
                    rms: f.rms,
                    in_word: f.in_word,
                    dropped: self.stats.dropped_samples,
                }));
                Ok(())
            }
            Step::Word(word) if word.provisional => self.emit_provisional(*word, out),
            Step::Word(word) => self.emit_word(*word, out),
            Step::Retract => {
                self.retract(out);
                Ok(())
            }
        }
    }

    /// Withdraws the provisional word out, if any.
    fn retract(&mut self, out: &mut Vec<Event>) {
        if let Some((index, _)) = self.provisional.take() {
            self.stats.retracted += 1;
            out.push(Event::Retract(RetractEvent { index }));
        }
    }

    fn take_steps(&mut self, steps: &mut Vec<Step>, out: &mut Vec<Event>) -> Result<()> {
        for step in steps.drain(..) {
            self.take_step(step, out)?;
        }
        Ok(())
    }

    /// The summary of the session so far.
    pub fn summary(&self, processing_seconds: f64, failed: Vec<String>) -> Summary {
        let stats = &self.stats;
        Summary {
            kind: "summary",
            words: self.words(),
            audio_seconds: stats.audio_seconds,
            processing_seconds,
            realtime_factor: if stats.audio_seconds > 0.0 {
                processing_seconds / stats.audio_seconds
            } else {
                0.0
            },
            encoders: self
                .infos
                .iter()
                .map(|e| {
                    let s = EncoderSummary {
                        grounded: e.grounded,
                        layers: e.layers.clone(),
                    };
                    (e.name.clone(), s)
                })
                .collect(),
            word_latency_ms: Percentiles::of(&stats.word_latency_ms),
            dropped_samples: stats.dropped_samples,
            repaired_samples: stats.repaired_samples,
            interrupted: false,
            failed,
            metrics: self
                .metrics()
                .into_iter()
                .map(|(enc, layers)| {
                    let by_name = layers.into_iter().map(|l| (l.layer.clone(), l)).collect();
                    (enc, by_name)
                })
                .collect(),
            speculation: (self.config.segment.speculate_ms > 0).then(|| Speculation {
                provisional: stats.provisional,
                retracted: stats.retracted,
                end_of_speech_to_first_line_ms: Percentiles::of(&stats.first_line_ms),
                end_of_speech_to_final_line_ms: Percentiles::of(&stats.end_of_speech_ms),
            }),
            recognition: stats
                .heard
                .summary(self.front.listener().map_or("", |l| l.context())),
            labels_by_position: (stats.positional.sources > 0).then(|| stats.positional.clone()),
            window: self.config.max_words.map(|max_words| Window {
                max_words,
                evicted: self.words.first(),
            }),
        }
    }
}
