//! The engine on its own thread, talking to the UI through channels: events out over a
//! bounded channel (meter frames are dropped rather than waited for when the UI lags),
//! commands in (clear). The UI never waits on the engine.

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

use super::app::{Command, Msg};
use crate::audio::ENGINE_RATE;
use crate::audio::feed::{self, Pace};
use crate::audio::resample::StreamResampler;
use crate::audio::ring::{Popped, RingReader, ring};
use crate::audio::wav::Clip;
use crate::engine::{Engine, Labels};
use crate::event::{Event, SourceInfo};
use crate::stream::RING_CAPACITY;

/// Messages the channel to the UI holds before meter frames are dropped.
pub const CHANNEL_CAPACITY: usize = 256;

/// Why [`EngineSide::pump`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PumpEnd {
    /// The writer closed and everything was processed.
    Closed,
    /// A stop was requested.
    Stopped,
    /// The UI asked to clear; call `pump` again to go on with the same ring.
    Clear,
}

/// The engine thread's end of the link.
pub struct EngineSide {
    tx: SyncSender<Msg>,
    commands: Receiver<Command>,
    stop: Arc<AtomicBool>,
    reference: Cell<bool>,
    session_words: Cell<usize>,
    dropped_base: Cell<u64>,
}

impl EngineSide {
    /// Sends an event: meter frames only if there is room, everything else waits for it.
    pub fn emit(&self, e: Event) {
        match e {
            Event::Vad(_) => {
                let _ = self.tx.try_send(Msg::Event(e));
            }
            Event::Word(_) => {
                if !self.reference.get() {
                    self.session_words.set(self.session_words.get() + 1);
                }
                let _ = self.tx.send(Msg::Event(e));
            }
            _ => {
                let _ = self.tx.send(Msg::Event(e));
            }
        }
    }

    /// Sends a message (waits for room; a closed UI is ignored).
    pub fn send(&self, msg: Msg) {
        if let Msg::Reference(on) = msg {
            self.reference.set(on);
        }
        let _ = self.tx.send(msg);
    }

    /// True once the UI asked the engine to stop.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// The stop flag (for feeder threads).
    pub fn stop_flag(&self) -> &Arc<AtomicBool> {
        &self.stop
    }

    /// Words said in the session so far (reference words not counted).
    pub fn session_words(&self) -> usize {
        self.session_words.get()
    }

    /// Takes one pending command, if any.
    pub fn command(&self) -> Option<Command> {
        self.commands.try_recv().ok()
    }

    /// Drains `reader` into the engine (resampling to 16 kHz) until the writer closes, a
    /// stop is requested, or the UI asks to clear. On `Closed` and `Stopped` the resampler
    /// is flushed; the caller ends the source.
    ///
    /// # Errors
    /// Resampling or model errors.
    pub fn pump(
        &self,
        engine: &mut Engine,
        reader: &mut RingReader,
        resampler: &mut StreamResampler,
    ) -> crate::Result<PumpEnd> {
        let mut emit = |e| self.emit(e);
        let mut buf = vec![0.0f32; 4096];
        let mut out = Vec::with_capacity(8192);
        let mut dropped_seen = reader.dropped();
        let end = loop {
            if self.stopped() {
                break PumpEnd::Stopped;
            }
            if let Some(Command::Clear) = self.command() {
                return Ok(PumpEnd::Clear);
            }
            match reader.pop(&mut buf) {
                Popped::Samples(n) => {
                    out.clear();
                    resampler.push(&buf[..n], &mut out)?;
                    engine.push(&out, &mut emit)?;
                    let d = reader.dropped();
                    if d != dropped_seen {
                        dropped_seen = d;
                        self.send(Msg::Dropped(self.dropped_base.get() + d));
                    }
                }
                Popped::Empty => std::thread::sleep(Duration::from_millis(2)),
                Popped::Closed => break PumpEnd::Closed,
            }
        };
        out.clear();
        resampler.finish(&mut out)?;
        engine.push(&out, &mut emit)?;
        self.dropped_base
            .set(self.dropped_base.get() + reader.dropped());
        Ok(end)
    }

    /// Plays clips through a ring into the engine, one source each, labelled by their
    /// transcripts. A clear request forgets every word and goes on. Returns the number of
    /// clips played to the end.
    ///
    /// # Errors
    /// Resampling or model errors, or a feeder thread that cannot start.
    pub fn play_clips(
        &self,
        engine: &mut Engine,
        clips: &[(Clip, Vec<String>)],
        pace: Pace,
    ) -> crate::Result<usize> {
        let mut done = 0;
        for (clip, words) in clips {
            if self.stopped() {
                break;
            }
            let info = SourceInfo {
                name: clip.path.display().to_string(),
                sample_rate: clip.sample_rate,
                seconds: Some(clip.seconds()),
            };
            let labels = Labels::Sequence(words.iter().cloned().collect());
            engine.begin_source(info, labels, &mut |e| self.emit(e));
            let (writer, mut reader) = ring(RING_CAPACITY);
            let samples: Arc<[f32]> = clip.samples.clone().into();
            let feeder = feed::spawn(samples, clip.sample_rate, writer, pace, self.stop.clone())
                .map_err(|e| crate::Error::io(&clip.path, e))?;
            let mut resampler = StreamResampler::new(clip.sample_rate, ENGINE_RATE)?;
            let end = loop {
                match self.pump(engine, &mut reader, &mut resampler) {
                    Ok(PumpEnd::Clear) => engine.clear(),
                    other => break other,
                }
            };
            drop(reader);
            let _ = feeder.join();
            let end = end?;
            engine.end_source(&mut |e| self.emit(e))?;
            if end == PumpEnd::Closed {
                done += 1;
            }
        }
        Ok(done)
    }
}

/// The UI's end of the link.
pub struct EngineLink {
    /// Messages from the engine.
    pub rx: Receiver<Msg>,
    /// Commands to the engine.
    pub commands: Sender<Command>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl EngineLink {
    /// Asks the engine thread to stop and waits for it (up to `timeout`; a thread still
    /// busy after that is left to end with the process).
    pub fn stop(mut self, timeout: Duration) {
        self.stop.store(true, Ordering::Relaxed);
        // Unblock a pending send.
        let started = std::time::Instant::now();
        if let Some(h) = self.handle.take() {
            while !h.is_finished() && started.elapsed() < timeout {
                while self.rx.try_recv().is_ok() {}
                std::thread::sleep(Duration::from_millis(5));
            }
            if h.is_finished() {
                let _ = h.join();
            }
        }
    }
}

/// Runs `job` with `engine` on a new thread. The job's result (a closing note or an error)
/// arrives as [`Msg::Finished`].
///
/// # Errors
/// When the operating system cannot start a thread.
pub fn spawn<F>(mut engine: Engine, job: F) -> std::io::Result<EngineLink>
where
    F: FnOnce(&mut Engine, &EngineSide) -> anyhow::Result<String> + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(CHANNEL_CAPACITY);
    let (cmd_tx, cmd_rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let side = EngineSide {
        tx,
        commands: cmd_rx,
        stop: stop.clone(),
        reference: Cell::new(false),
        session_words: Cell::new(0),
        dropped_base: Cell::new(0),
    };
    let handle = std::thread::Builder::new()
        .name("groundprobe-engine".into())
        .spawn(move || {
            let result = job(&mut engine, &side).map_err(|e| format!("{e:#}"));
            let _ = side.tx.send(Msg::Finished(result));
        })?;
    Ok(EngineLink {
        rx,
        commands: cmd_tx,
        stop,
        handle: Some(handle),
    })
}

/// Reads the clips of a folder (`*.wav`, sorted) with their transcripts (`*.txt`, one word
/// per whitespace-separated token). A clip without a transcript gets no labels.
///
/// # Errors
/// A folder that cannot be read or holds no WAV file, or a clip or transcript that cannot
/// be read.
pub fn load_clips(dir: &std::path::Path) -> crate::Result<Vec<(Clip, Vec<String>)>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| crate::Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(crate::Error::data(dir, "no .wav file in this folder"));
    }
    paths
        .into_iter()
        .map(|p| {
            let clip = crate::audio::wav::read(&p)?;
            let txt = p.with_extension("txt");
            let words = if txt.is_file() {
                std::fs::read_to_string(&txt)
                    .map_err(|e| crate::Error::io(&txt, e))?
                    .split_whitespace()
                    .map(str::to_lowercase)
                    .collect()
            } else {
                Vec::new()
            };
            Ok((clip, words))
        })
        .collect()
}
