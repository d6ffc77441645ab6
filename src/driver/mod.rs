//! The one loop from a [`Source`] to a [`Sink`]: pull native-rate samples, resample them
//! to 16 kHz, feed the engine, forward its events, and honour stop, clear and pause.
//! `run`, `demo`, `live` and the tests all go through [`Driver::play`], or, for many
//! files on worker threads, [`Driver::play_files`] ([`files`]).

pub mod files;
pub mod thread;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::audio::ENGINE_RATE;
use crate::audio::resample::StreamResampler;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::sink::{Flow, Sink};
use crate::source::{Pull, Source};
use crate::timing::stage;

/// Samples pulled from a source per step (native rate).
const PULL: usize = 4096;

/// Largest magnitude let through: audio is full scale ±1, and anything far beyond it is a
/// device delivering another format (raw integers read as floats).
pub const CLAMP: f32 = 4.0;

/// Replaces non-finite samples by silence and clamps wild ones to ±[`CLAMP`], so that no
/// resampler, VAD or encoder ever sees them. Returns how many were repaired.
pub fn repair(samples: &mut [f32]) -> u64 {
    let mut repaired = 0;
    for x in samples.iter_mut() {
        if !x.is_finite() {
            *x = 0.0;
            repaired += 1;
        } else if x.abs() > CLAMP {
            *x = x.clamp(-CLAMP, CLAMP);
            repaired += 1;
        }
    }
    repaired
}

/// Repairs pulled samples ([`repair`]) and resamples them to 16 kHz into `out` (cleared
/// first): how many were repaired, and how long resampling took.
fn condition(
    samples: &mut [f32],
    resampler: &mut StreamResampler,
    out: &mut Vec<f32>,
) -> Result<(u64, Duration)> {
    let repaired = repair(samples);
    out.clear();
    let t = Instant::now();
    resampler.push(samples, out)?;
    Ok((repaired, t.elapsed()))
}

/// A request to the driver from another thread (the screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Forget every session word (reference words stay).
    Clear,
    /// Bring back the words the last clear forgot.
    UndoClear,
    /// Pause (`true`) or resume a paced source; live sources keep being read.
    Pause(bool),
}

/// How a run is steered from outside: a stop flag and, optionally, commands.
#[derive(Debug, Default)]
pub struct Control {
    stop: Arc<AtomicBool>,
    commands: Option<Receiver<Command>>,
}

impl Control {
    /// Steered by `stop` alone (e.g. a signal handler's flag).
    pub fn new(stop: Arc<AtomicBool>) -> Self {
        Self {
            stop,
            commands: None,
        }
    }

    /// Also taking commands from `commands`.
    pub fn with_commands(mut self, commands: Receiver<Command>) -> Self {
        self.commands = Some(commands);
        self
    }

    /// True once a stop was requested.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn command(&self) -> Option<Command> {
        self.commands.as_ref()?.try_recv().ok()
    }
}

/// Why [`Driver::play`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The source had no more audio; everything was processed.
    Finished,
    /// A stop was requested; the word in flight was finished.
    Stopped,
    /// The sink asked to stop (nobody listens any more).
    SinkClosed,
}

/// Plays sources through an engine into a sink, one after another.
pub struct Driver<'a> {
    engine: &'a mut Engine,
    sink: &'a mut dyn Sink,
    control: &'a Control,
    events: Vec<Event>,
    buf: Vec<f32>,
    resampled: Vec<f32>,
    sink_closed: bool,
    paused: bool,
    interrupted: bool,
}

impl<'a> Driver<'a> {
    /// A driver feeding `engine` and writing to `sink`, steered by `control`.
    pub fn new(engine: &'a mut Engine, sink: &'a mut dyn Sink, control: &'a Control) -> Self {
        Self {
            engine,
            sink,
            control,
            events: Vec::new(),
            buf: vec![0.0; PULL],
            resampled: Vec::with_capacity(PULL * 2),
            sink_closed: false,
            paused: false,
            interrupted: false,
        }
    }

    /// The engine (for the summary at the end).
    pub fn engine(&self) -> &Engine {
        self.engine
    }

    /// Plays one source to its end (or until stopped). Its words are closed and its events
    /// delivered before this returns.
    ///
    /// # Errors
    /// The source's read errors, resampling and model errors, and sink write errors.
    pub fn play(&mut self, source: &mut dyn Source) -> Result<Ended> {
        if self.sink_closed {
            return Ok(Ended::SinkClosed);
        }
        source.set_paused(self.paused);
        let mut resampler = self.begin(source)?;
        let mut dropped_seen = 0;
        let ended = loop {
            if self.control.stopped() {
                self.interrupted = true;
                break Ended::Stopped;
            }
            while let Some(cmd) = self.control.command() {
                match cmd {
                    Command::Clear => {
                        self.engine.clear();
                        self.events.push(self.engine.metrics_event());
                    }
                    Command::UndoClear => {
                        if self.engine.undo_clear() {
                            self.events.push(self.engine.metrics_event());
                        }
                    }
                    Command::Pause(p) => {
                        self.paused = p;
                        source.set_paused(p);
                    }
                }
            }
            match source.pull(&mut self.buf)? {
                Pull::Samples(n) => {
                    let (repaired, took) =
                        condition(&mut self.buf[..n], &mut resampler, &mut self.resampled)?;
                    if repaired > 0 {
                        self.engine.add_repaired(repaired);
                    }
                    self.engine.record_stage(stage::RESAMPLE, took);
                    self.engine.push(&self.resampled, &mut self.events)?;
                }
                Pull::Wait(d) => std::thread::sleep(d),
                Pull::Device(status) => {
                    let back = status.ok;
                    self.events.push(Event::Device(status));
                    if back {
                        // A new stream: close the old one's words, start afresh.
                        self.end(&mut resampler)?;
                        resampler = self.begin(source)?;
                    }
                }
                Pull::Status(status) => self.events.push(Event::Device(status)),
                Pull::End => break Ended::Finished,
            }
            let dropped = source.dropped();
            if dropped > dropped_seen {
                self.engine.add_dropped(dropped - dropped_seen);
                dropped_seen = dropped;
            }
            self.deliver()?;
            if self.sink_closed {
                break Ended::SinkClosed;
            }
        };
        self.end(&mut resampler)?;
        Ok(if self.sink_closed {
            Ended::SinkClosed
        } else {
            ended
        })
    }

    /// Writes the summary of everything played so far to the sink (marked interrupted
    /// when a stop cut a source short).
    ///
    /// # Errors
    /// When the sink cannot write it.
    pub fn finish(&mut self, processing_seconds: f64, failed: Vec<String>) -> Result<()> {
        let mut summary = self.engine.summary(processing_seconds, failed);
        summary.interrupted = self.interrupted;
        self.sink.finish(&summary).map_err(Error::output)
    }

    fn begin(&mut self, source: &mut dyn Source) -> Result<StreamResampler> {
        let info = source.info();
        let resampler = StreamResampler::new(info.sample_rate, ENGINE_RATE)?;
        self.engine
            .begin_source(info, source.labels(), &mut self.events);
        self.deliver()?;
        Ok(resampler)
    }

    fn end(&mut self, resampler: &mut StreamResampler) -> Result<()> {
        self.resampled.clear();
        resampler.finish(&mut self.resampled)?;
        self.engine.push(&self.resampled, &mut self.events)?;
        self.engine.end_source(&mut self.events)?;
        self.deliver()
    }

    fn deliver(&mut self) -> Result<()> {
        for e in self.events.drain(..) {
            if self.sink_closed {
                continue;
            }
            if self.sink.event(e).map_err(Error::output)? == Flow::Stop {
                self.sink_closed = true;
            }
        }
        Ok(())
    }
}
