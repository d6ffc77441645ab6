//! The audio half of the engine: voice activity per frame, word segments, and every
//! encoder on each word. It knows nothing of labels or probes, so forked fronts (sharing
//! their models) can work on different files at once while one [`super::Engine`] takes
//! their [`Step`]s in order.

use std::time::{Duration, Instant};

use super::config::EngineConfig;
use super::encode::{Feed, encode_word, feeds};
use super::history::SourceAudio;
use super::listen::Listener;
use super::segment::{Cut, Segment, SegmentParams, Segmenter};
use crate::audio::ENGINE_RATE;
use crate::error::Result;
use crate::event::Hearing;
use crate::labels::Labels;
use crate::model::{EncoderInfo, VoiceActivity, WordEncoder, WordVectors};
use crate::timing::{StageTimes, length_bucket, stage};

/// What a front found in the audio it was given, in stream order.
#[derive(Debug, Clone)]
pub enum Step {
    /// One voice-activity frame.
    Frame(FrameStep),
    /// A word, encoded by every encoder: final, or provisional (speculative close).
    Word(Box<EncodedWord>),
    /// The provisional word is withdrawn: speech went on (it will come again, longer).
    Retract,
}

/// One voice-activity frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameStep {
    /// End of the frame, seconds into the source.
    pub time: f64,
    /// Speech probability.
    pub prob: f32,
    /// RMS level of the frame.
    pub rms: f32,
    /// True while the segmenter is inside a word.
    pub in_word: bool,
}

/// A word and its vectors from every encoder.
#[derive(Debug, Clone)]
pub struct EncodedWord {
    /// Where it lies in the source.
    pub segment: Segment,
    /// Its end, clamped to the samples the source delivered.
    pub end: usize,
    /// Length of the word's own audio, seconds.
    pub seconds: f64,
    /// Per encoder: its vectors and the milliseconds it took.
    pub encoded: Vec<(WordVectors, f64)>,
    /// Milliseconds the word's last voice-activity frame took.
    pub vad_ms: f64,
    /// From the segmenter's decision to the last encoder's result.
    pub took: Duration,
    /// True for a provisional word: the next final word or retraction decides it.
    pub provisional: bool,
    /// What the recogniser heard, and the milliseconds it took (when it runs).
    pub heard: Option<(Hearing, f64)>,
}

/// Voice activity, segmentation and encoders for one stream at a time.
pub struct Front {
    vad: Box<dyn VoiceActivity>,
    params: SegmentParams,
    segmenter: Segmenter,
    encoders: Vec<Box<dyn WordEncoder>>,
    infos: Vec<EncoderInfo>,
    feeds: Vec<Feed>,
    /// Samples of context before a word that feature slicing lets the encoder hear.
    context: usize,
    /// Samples of history that cover the longest word with its padding and context.
    keep: usize,
    audio: Option<SourceAudio>,
    last_vad_ms: f64,
    timing: Option<StageTimes>,
    /// The provisional word out, if any, kept so that its confirmation reuses it.
    provisional: Option<Box<EncodedWord>>,
    /// The recogniser, when words are to be heard.
    listener: Option<Listener>,
}

impl Front {
    /// A front over these models (heads after their backbones).
    ///
    /// # Errors
    /// [`crate::Error::Config`] if the segmenter parameters are inconsistent or a head is
    /// listed before its backbone.
    pub fn new(
        vad: Box<dyn VoiceActivity>,
        encoders: Vec<Box<dyn WordEncoder>>,
        config: &EngineConfig,
    ) -> Result<Self> {
        config.segment.validate()?;
        let infos: Vec<EncoderInfo> = encoders.iter().map(|e| e.info().clone()).collect();
        let feeds = feeds(&infos)?;
        let p = config.segment;
        let context_ms = config.slicing.context_ms();
        let ms = p.max_word_ms + p.pre_pad_ms + p.post_pad_ms + p.hangover_ms + context_ms;
        let rate = ENGINE_RATE as usize;
        Ok(Self {
            segmenter: Segmenter::new(p, vad.frame_len(), ENGINE_RATE),
            params: p,
            keep: ms as usize * rate / 1000 + 4 * vad.frame_len(),
            context: context_ms as usize * rate / 1000,
            vad,
            encoders,
            infos,
            feeds,
            audio: None,
            last_vad_ms: 0.0,
            timing: None,
            provisional: None,
            listener: None,
        })
    }

    /// Hears every word from now on with `listener` (built on this front's encoders).
    pub fn set_listener(&mut self, listener: Listener) {
        self.listener = Some(listener);
    }

    /// The listener, if words are heard.
    pub fn listener(&self) -> Option<&Listener> {
        self.listener.as_ref()
    }

    /// A second front on the same models (each with its own run state), for another
    /// thread; `None` when a model cannot be copied.
    pub fn fork(&self) -> Option<Front> {
        let encoders = self
            .encoders
            .iter()
            .map(|e| e.fork())
            .collect::<Option<_>>()?;
        let listener = self.listener.as_ref().map(Listener::fork);
        Some(Self {
            vad: self.vad.fork()?,
            listener,
            segmenter: Segmenter::new(self.params, self.vad.frame_len(), ENGINE_RATE),
            encoders,
            infos: self.infos.clone(),
            feeds: self.feeds.clone(),
            audio: None,
            last_vad_ms: 0.0,
            timing: None,
            provisional: None,
            ..*self
        })
    }

    /// The encoders, in order.
    pub fn encoders(&self) -> &[EncoderInfo] {
        &self.infos
    }

    /// Seconds of audio in one voice-activity frame.
    pub fn frame_seconds(&self) -> f64 {
        self.vad.frame_len() as f64 / f64::from(ENGINE_RATE)
    }

    /// Starts recording stage durations (voice activity, segmentation, encoders).
    pub fn record_stages(&mut self) {
        self.timing.get_or_insert_with(StageTimes::default);
    }

    /// The stage durations recorded so far.
    pub fn stage_times(&self) -> Option<&StageTimes> {
        self.timing.as_ref()
    }

    /// Starts a new source: voice activity and segmentation restart (an open word of the
    /// previous source is dropped, and with it a provisional word); a listener expects the
    /// words of its transcript, if `labels` are one.
    pub fn begin_source(&mut self, labels: &Labels) {
        if let Some(listener) = &mut self.listener {
            listener.expect(labels.transcript_words());
        }
        self.vad.reset();
        self.segmenter.finish();
        self.provisional = None;
        self.audio = Some(SourceAudio::new(self.vad.frame_len()));
    }

    /// Feeds 16 kHz samples of the current source.
    ///
    /// # Errors
    /// Model errors from voice activity or an encoder.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<Step>) -> Result<()> {
        let frame_len = self.vad.frame_len();
        let mut rest = samples;
        while !rest.is_empty() {
            let src = self
                .audio
                .get_or_insert_with(|| SourceAudio::new(frame_len));
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
    pub fn end_source(&mut self, out: &mut Vec<Step>) -> Result<()> {
        let frame_len = self.vad.frame_len();
        if let Some(src) = self.audio.as_mut()
            && !src.frame.is_empty()
        {
            let real = src.frame.len();
            src.frame.resize(frame_len, 0.0);
            self.process_frame(out)?;
            if let Some(src) = self.audio.as_mut() {
                // The padding is not part of the source.
                src.pos -= frame_len - real;
            }
        }
        if let Some(seg) = self.segmenter.finish() {
            self.cut(Cut::Final(seg), out)?;
        }
        self.audio = None;
        Ok(())
    }

    fn process_frame(&mut self, out: &mut Vec<Step>) -> Result<()> {
        let Some(src) = self.audio.as_mut() else {
            return Ok(());
        };
        let t0 = Instant::now();
        let prob = self.vad.process(&src.frame)?;
        let vad_took = t0.elapsed();
        self.last_vad_ms = vad_took.as_secs_f64() * 1e3;
        let rms = (src.frame.iter().map(|x| x * x).sum::<f32>() / src.frame.len() as f32).sqrt();
        src.commit_frame();
        let t1 = Instant::now();
        let seg = self.segmenter.push(prob);
        if let Some(t) = self.timing.as_mut() {
            t.record(stage::VAD, vad_took);
            t.record(stage::SEGMENT, t1.elapsed());
        }
        out.push(Step::Frame(FrameStep {
            time: src.pos as f64 / f64::from(ENGINE_RATE),
            prob,
            rms,
            in_word: self.segmenter.in_word(),
        }));
        if let Some(cut) = seg {
            self.cut(cut, out)?;
        }
        if let Some(src) = self.audio.as_mut() {
            src.trim(self.keep);
        }
        Ok(())
    }

    /// Acts on the segmenter's decision. A final word confirms the provisional one when
    /// it is the same stretch of audio, heard whole (then it is not encoded again), is
    /// encoded afresh when the provisional close came before the padding was heard, and
    /// otherwise follows its retraction.
    fn cut(&mut self, cut: Cut, out: &mut Vec<Step>) -> Result<()> {
        match cut {
            Cut::Provisional(seg) => {
                self.encode(seg, true, out)?;
                if let Some(Step::Word(w)) = out.last() {
                    self.provisional = Some(w.clone());
                }
            }
            Cut::Retract => {
                if self.provisional.take().is_some() {
                    out.push(Step::Retract);
                }
            }
            Cut::Final(seg) => match self.provisional.take() {
                Some(mut p) if (p.segment.start, p.segment.end) == (seg.start, seg.end) => {
                    let heard = self.audio.as_ref().map_or(p.end, |a| seg.end.min(a.pos));
                    if p.end == heard {
                        p.segment = seg;
                        p.provisional = false;
                        p.took = Duration::ZERO;
                        out.push(Step::Word(p));
                    } else {
                        self.encode(seg, false, out)?;
                    }
                }
                Some(_) => {
                    out.push(Step::Retract);
                    self.encode(seg, false, out)?;
                }
                None => self.encode(seg, false, out)?,
            },
        }
        Ok(())
    }

    fn encode(&mut self, segment: Segment, provisional: bool, out: &mut Vec<Step>) -> Result<()> {
        let decided = Instant::now();
        let Some(src) = self.audio.as_ref() else {
            return Ok(());
        };
        let (audio, word) = src.cut(segment.start, segment.end, self.context);
        let end = segment.end.min(src.pos);
        let seconds = word.len() as f64 / f64::from(ENGINE_RATE);
        let encoded = encode_word(&mut self.encoders, &self.feeds, &audio, word)?;
        let heard = match self.listener.as_mut() {
            Some(listener) => {
                let t = Instant::now();
                let frames = self.encoders[listener.encoder()].last_frames(listener.layer());
                let hearing = listener.hear(frames)?;
                let took = t.elapsed();
                if let Some(times) = self.timing.as_mut() {
                    times.record(stage::RECOGNISE, took);
                }
                Some((hearing, took.as_secs_f64() * 1e3))
            }
            None => None,
        };
        if let Some(times) = self.timing.as_mut() {
            for ((info, (_, ms)), enc) in self.infos.iter().zip(&encoded).zip(&self.encoders) {
                let (name, took) = (&info.name, Duration::from_secs_f64(ms / 1e3));
                if info.backbone.is_some() {
                    times.record(&format!("{}:{name}", stage::HEAD), took);
                } else {
                    let bucket = length_bucket(seconds);
                    times.record(&format!("{}:{name}", stage::ENCODER), took);
                    times.record(&format!("{}:{name}:{bucket}", stage::ENCODER), took);
                }
                if let Some(front) = enc.last_front_end() {
                    times.record(&format!("{}:{name}", stage::FRONT_END), front);
                }
            }
        }
        out.push(Step::Word(Box::new(EncodedWord {
            segment,
            end,
            seconds,
            encoded,
            vad_ms: self.last_vad_ms,
            took: decided.elapsed(),
            provisional,
            heard,
        })));
        Ok(())
    }
}
