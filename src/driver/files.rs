//! Many finite sources (files) at once: forked [`Front`]s decode, resample, segment and
//! encode them on worker threads, and the driver's engine takes their steps strictly in
//! file order — so the words, labels, neighbours and metrics are the same for any number
//! of workers. Each file streams through a short queue of its own: memory stays flat
//! however long a file is, and a worker ahead of the others waits for the driver.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use super::{Driver, Ended, PULL, condition};
use crate::audio::ENGINE_RATE;
use crate::audio::resample::StreamResampler;
use crate::engine::{Front, Step};
use crate::error::{Error, Result};
use crate::event::{DeviceStatus, Event, SourceInfo};
use crate::labels::Labels;
use crate::source::{Pull, Source};

/// Messages queued per file before its worker waits for the driver (each is one pull:
/// 4,096 samples' steps).
const QUEUE: usize = 32;

/// What a worker tells the driver about one file, in order.
enum Msg {
    Begin(SourceInfo, Labels),
    Steps {
        steps: Vec<Step>,
        repaired: u64,
    },
    Device(DeviceStatus),
    /// The file failed part-way; the words before the fault stay.
    Failed(Error),
    Done,
}

/// What the workers share.
struct Shared<'a, F> {
    open: &'a F,
    count: usize,
    next: AtomicUsize,
    /// Set by the driver when nobody listens any more, or the run ends early.
    halt: AtomicBool,
    /// The run's stop flag (a signal): files in flight are finished, no new one starts.
    stop: &'a AtomicBool,
}

impl<F> Shared<'_, F> {
    fn halted(&self) -> bool {
        self.halt.load(Ordering::Relaxed) || self.stop.load(Ordering::Relaxed)
    }
}

impl Driver<'_> {
    /// Plays sources `0..count` (made by `open`, on a worker's thread) through the
    /// `fronts`, one worker each, into this driver's engine and sink in index order. A
    /// source that cannot be opened or fails part-way is passed to `failed` with its index
    /// (its words before the fault stay) and the others go on. A stop finishes the words
    /// in flight of the file being delivered and ends there.
    ///
    /// # Errors
    /// Sink write errors, and model errors of the engine's probes.
    pub fn play_files<S, F>(
        &mut self,
        count: usize,
        fronts: Vec<Front>,
        open: F,
        mut failed: impl FnMut(usize, Error),
    ) -> Result<Ended>
    where
        S: Source,
        F: Fn(usize) -> Result<S> + Sync,
    {
        if self.sink_closed {
            return Ok(Ended::SinkClosed);
        }
        let shared = Shared {
            open: &open,
            count,
            next: AtomicUsize::new(0),
            halt: AtomicBool::new(false),
            stop: &self.control.stop,
        };
        let (files_tx, files_rx) = mpsc::channel();
        std::thread::scope(|scope| {
            for mut front in fronts {
                let (shared, files) = (&shared, files_tx.clone());
                scope.spawn(move || work(&mut front, shared, &files));
            }
            drop(files_tx);
            let ended = self.deliver_files(count, &files_rx, &mut failed);
            shared.halt.store(true, Ordering::Relaxed);
            // Unblocks any worker still sending.
            drop(files_rx);
            ended
        })
    }

    /// Takes every file's messages in index order.
    fn deliver_files(
        &mut self,
        count: usize,
        files: &Receiver<(usize, Receiver<Msg>)>,
        failed: &mut impl FnMut(usize, Error),
    ) -> Result<Ended> {
        let mut waiting: HashMap<usize, Receiver<Msg>> = HashMap::new();
        for i in 0..count {
            let rx = loop {
                if let Some(rx) = waiting.remove(&i) {
                    break rx;
                }
                match files.recv() {
                    Ok((j, rx)) => waiting.insert(j, rx),
                    // Every worker stopped before this file: a stop.
                    Err(_) => return Ok(self.stopped()),
                };
            };
            loop {
                let msg = rx.recv().unwrap_or(Msg::Done);
                let last = matches!(msg, Msg::Failed(_) | Msg::Done);
                match msg {
                    Msg::Begin(info, labels) => {
                        self.engine.begin_words(info, labels, &mut self.events);
                    }
                    Msg::Steps { steps, repaired } => {
                        if repaired > 0 {
                            self.engine.add_repaired(repaired);
                        }
                        for step in steps {
                            self.engine.take_step(step, &mut self.events)?;
                        }
                    }
                    Msg::Device(status) => self.events.push(Event::Device(status)),
                    Msg::Failed(e) => failed(i, e),
                    Msg::Done => {}
                }
                self.deliver()?;
                if self.sink_closed {
                    return Ok(Ended::SinkClosed);
                }
                if last {
                    break;
                }
            }
            self.engine.end_words();
            if self.control.stopped() {
                return Ok(self.stopped());
            }
        }
        Ok(Ended::Finished)
    }

    fn stopped(&mut self) -> Ended {
        self.interrupted = true;
        Ended::Stopped
    }
}

/// One worker: takes the next file until none is left or the run halts.
fn work<S: Source, F: Fn(usize) -> Result<S>>(
    front: &mut Front,
    shared: &Shared<'_, F>,
    files: &Sender<(usize, Receiver<Msg>)>,
) {
    let mut buf = vec![0.0; PULL];
    let mut resampled = Vec::with_capacity(PULL * 2);
    while !shared.halted() {
        let i = shared.next.fetch_add(1, Ordering::Relaxed);
        if i >= shared.count {
            break;
        }
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        if files.send((i, rx)).is_err() {
            break;
        }
        if play_one(front, shared, i, &tx, &mut buf, &mut resampled).is_err() {
            break;
        }
    }
}

/// The driver no longer listens.
struct Gone;

/// Plays file `i` through `front` into `tx`; a failure is sent as [`Msg::Failed`].
fn play_one<S: Source, F: Fn(usize) -> Result<S>>(
    front: &mut Front,
    shared: &Shared<'_, F>,
    i: usize,
    tx: &SyncSender<Msg>,
    buf: &mut [f32],
    resampled: &mut Vec<f32>,
) -> std::result::Result<(), Gone> {
    let send = |msg: Msg| tx.send(msg).map_err(|_| Gone);
    let mut source = match (shared.open)(i) {
        Ok(s) => s,
        Err(e) => return send(Msg::Failed(e)),
    };
    let info = source.info();
    let mut resampler = match StreamResampler::new(info.sample_rate, ENGINE_RATE) {
        Ok(r) => r,
        Err(e) => return send(Msg::Failed(e)),
    };
    let labels = source.labels();
    front.begin_source(&labels);
    send(Msg::Begin(info, labels))?;
    let mut steps = Vec::new();
    while !shared.halted() {
        let pulled = source.pull(buf);
        let (pushed, repaired) = match pulled {
            Ok(Pull::Samples(n)) => match condition(&mut buf[..n], &mut resampler, resampled) {
                Ok((repaired, _)) => (front.push(resampled, &mut steps), repaired),
                Err(e) => (Err(e), 0),
            },
            Ok(Pull::Wait(d)) => {
                std::thread::sleep(d);
                continue;
            }
            Ok(Pull::Device(status) | Pull::Status(status)) => {
                send(Msg::Device(status))?;
                continue;
            }
            Ok(Pull::End) => break,
            Err(e) => (Err(e), 0),
        };
        // The steps found before a fault are delivered with it.
        let steps = std::mem::take(&mut steps);
        send(Msg::Steps { steps, repaired })?;
        if let Err(e) = pushed {
            return send(Msg::Failed(e));
        }
    }
    resampled.clear();
    let ended = resampler
        .finish(resampled)
        .and_then(|()| front.push(resampled, &mut steps))
        .and_then(|()| front.end_source(&mut steps));
    send(Msg::Steps { steps, repaired: 0 })?;
    match ended {
        Ok(()) => send(Msg::Done),
        Err(e) => send(Msg::Failed(e)),
    }
}
