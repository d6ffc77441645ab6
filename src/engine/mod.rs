//! The engine: 16 kHz samples in, typed events out. Voice activity → word segments →
//! every encoder → the probe, one word at a time. It does not know where samples come
//! from or where events go: the [`crate::driver::Driver`] feeds it from a source and hands
//! its events to a sink.
//!
//! One file per concern: [`config`] (settings), [`history`] (the current source's sample
//! window), [`segment`] (words from VAD frames), [`encode`] (every encoder on a word),
//! `clearing` (clear and undo) and
//! `assemble` (the probe update and the events of a word).

mod assemble;
mod clearing;
pub mod config;
pub mod encode;
pub mod history;
pub mod segment;

use std::collections::BTreeMap;
use std::time::Instant;

use crate::audio::ENGINE_RATE;
use crate::error::Result;
use crate::event::{Event, LayerMetrics, MetricsEvent, SourceInfo, VadFrame};
use crate::labels::{Labels, Prompts};
use crate::model::{EncoderInfo, VoiceActivity, WordEncoder, WordVectors};
use crate::probe::{Lexicon, Probe};
use crate::summary::{EncoderSummary, Percentiles, Summary};
use crate::timing::{StageTimes, stage};

pub use config::{EngineConfig, Slicing};
use encode::Feed;
use history::SourceState;
use segment::Segmenter;

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
}

/// A word with its vectors, kept so that a clear can restore the reference bank, and an
/// undo the cleared words, without re-encoding.
#[derive(Debug, Clone)]
struct ReferenceWord {
    label: Option<String>,
    vectors: Vec<WordVectors>,
}

/// The per-word pipeline and the session's state.
pub struct Engine {
    vad: Box<dyn VoiceActivity>,
    segmenter: Segmenter,
    encoders: Vec<Box<dyn WordEncoder>>,
    infos: Vec<EncoderInfo>,
    feeds: Vec<Feed>,
    /// One probe per encoder, made when its first word's vector widths are known.
    probes: Vec<Option<Probe>>,
    /// Milliseconds the last voice-activity frame took.
    last_vad_ms: f64,
    /// Label of every word in the session, by index.
    labels: Vec<Option<String>>,
    reference: Vec<ReferenceWord>,
    /// The last clear: every word it forgot, and how many words it kept (the reference).
    cleared: Option<(Vec<ReferenceWord>, usize)>,
    prompts: Prompts,
    config: EngineConfig,
    source: Option<SourceState>,
    stats: Stats,
    /// Per-stage timings, when recording was asked for.
    timing: Option<StageTimes>,
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
        config.segment.validate()?;
        let infos: Vec<EncoderInfo> = encoders.iter().map(|e| e.info().clone()).collect();
        let feeds = encode::feeds(&infos)?;
        let segmenter = Segmenter::new(config.segment, vad.frame_len(), ENGINE_RATE);
        Ok(Self {
            vad,
            segmenter,
            probes: encoders.iter().map(|_| None).collect(),
            encoders,
            infos,
            feeds,
            last_vad_ms: 0.0,
            labels: Vec::new(),
            reference: Vec::new(),
            cleared: None,
            prompts: Prompts::new(config.prompts.clone()),
            config,
            source: None,
            stats: Stats::default(),
            timing: None,
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

    /// Words so far (reference words included).
    pub fn words(&self) -> usize {
        self.labels.len()
    }

    /// The probe of encoder `i` (`None` before its first word).
    pub fn probe(&self, i: usize) -> Option<&Probe> {
        self.probes.get(i)?.as_ref()
    }

    /// Per encoder, the probe's per-layer metrics over the words so far.
    pub fn metrics(&self) -> BTreeMap<String, Vec<LayerMetrics>> {
        self.metrics_with(Probe::metrics)
    }

    fn metrics_with(
        &self,
        f: fn(&Probe) -> Vec<LayerMetrics>,
    ) -> BTreeMap<String, Vec<LayerMetrics>> {
        let probes = self.infos.iter().zip(&self.probes);
        probes
            .filter_map(|(e, p)| Some((e.name.clone(), f(p.as_ref()?))))
            .collect()
    }

    /// Starts recording every stage's duration (see [`crate::timing`]).
    pub fn record_stages(&mut self) {
        self.timing.get_or_insert_with(StageTimes::default);
    }

    /// The stage timings recorded so far (`None` unless [`Engine::record_stages`]).
    pub fn stage_times(&self) -> Option<&StageTimes> {
        self.timing.as_ref()
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
    /// O(n·words) scores are left to [`Engine::metrics`] and the summary).
    pub fn metrics_event(&self) -> Event {
        Event::Metrics(Box::new(MetricsEvent {
            words: self.labels.len(),
            tables: self
                .config
                .text_tables
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
            encoders: self.metrics_with(Probe::live_metrics),
        }))
    }

    /// Starts a new source: voice activity and segmentation restart, words stay.
    pub fn begin_source(&mut self, info: SourceInfo, labels: Labels, out: &mut Vec<Event>) {
        self.vad.reset();
        self.segmenter.finish();
        let name = Some(info.name.clone()).filter(|n| !n.is_empty());
        let prompted = labels == Labels::Prompted && !self.prompts.is_empty();
        self.source = Some(SourceState::new(
            name,
            labels,
            info.reference,
            self.vad.frame_len(),
        ));
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
        let frame_len = self.vad.frame_len();
        let mut rest = samples;
        while !rest.is_empty() {
            let src = self
                .source
                .get_or_insert_with(|| SourceState::new(None, Labels::None, false, frame_len));
            let take = (frame_len - src.frame.len()).min(rest.len());
            src.frame.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if src.frame.len() == frame_len {
                self.process_frame(out)?;
            }
        }
        Ok(())
    }

    /// Ends the current source: a partial last frame is padded, an open word is closed.
    ///
    /// # Errors
    /// Model errors from voice activity or an encoder.
    pub fn end_source(&mut self, out: &mut Vec<Event>) -> Result<()> {
        let frame_len = self.vad.frame_len();
        if let Some(src) = self.source.as_mut()
            && !src.frame.is_empty()
        {
            let real = src.frame.len();
            src.frame.resize(frame_len, 0.0);
            self.process_frame(out)?;
            if let Some(src) = self.source.as_mut() {
                // The padding is not part of the source.
                src.pos -= frame_len - real;
            }
        }
        if let Some(seg) = self.segmenter.finish() {
            self.emit_word(seg, out)?;
        }
        self.source = None;
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
        }
    }

    fn process_frame(&mut self, out: &mut Vec<Event>) -> Result<()> {
        let Some(src) = self.source.as_mut() else {
            return Ok(());
        };
        let t0 = Instant::now();
        let prob = self.vad.process(&src.frame)?;
        let vad_took = t0.elapsed();
        self.last_vad_ms = vad_took.as_secs_f64() * 1e3;
        let rms = (src.frame.iter().map(|x| x * x).sum::<f32>() / src.frame.len() as f32).sqrt();
        src.commit_frame();
        self.stats.audio_seconds += self.vad.frame_len() as f64 / ENGINE_RATE as f64;
        let t1 = Instant::now();
        let seg = self.segmenter.push(prob);
        let segment_took = t1.elapsed();
        if let Some(t) = self.timing.as_mut() {
            t.record(stage::VAD, vad_took);
            t.record(stage::SEGMENT, segment_took);
        }
        let time = src.pos as f64 / ENGINE_RATE as f64;
        out.push(Event::Vad(VadFrame {
            time,
            prob,
            rms,
            in_word: self.segmenter.in_word(),
            dropped: self.stats.dropped_samples,
        }));
        if let Some(seg) = seg {
            self.emit_word(seg, out)?;
        }
        let keep = self.history_needed();
        if let Some(src) = self.source.as_mut() {
            src.trim(keep);
        }
        Ok(())
    }

    /// Samples of history that cover the longest word with its padding and context.
    fn history_needed(&self) -> usize {
        let p = self.config.segment;
        let context_ms = self.config.slicing.context_ms();
        let ms = p.max_word_ms + p.pre_pad_ms + p.post_pad_ms + p.hangover_ms + context_ms;
        ms as usize * ENGINE_RATE as usize / 1000 + 4 * self.vad.frame_len()
    }
}
