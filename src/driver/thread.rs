//! A driver on a thread of its own, for the screen: events go out over a
//! [`ChannelSink`], commands come in, and the job's closing note (or error) arrives as the
//! last message. The screen never waits on the engine.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Command, Control, Driver};
use crate::engine::Engine;
use crate::sink::Sink;
use crate::sink::channel::{CHANNEL_CAPACITY, ChannelSink, Message};

/// The screen's end of a driver thread.
pub struct Link {
    /// Messages from the driver.
    pub rx: Receiver<Message>,
    commands: Sender<Command>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Link {
    /// Sends a command (ignored once the driver has ended).
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// Asks the driver to stop and waits for it, up to `timeout` (a thread still busy
    /// after that is left to end with the process).
    pub fn stop(mut self, timeout: Duration) {
        self.stop.store(true, Ordering::Relaxed);
        let started = Instant::now();
        if let Some(h) = self.handle.take() {
            while !h.is_finished() && started.elapsed() < timeout {
                // Unblock a pending send.
                while self.rx.try_recv().is_ok() {}
                std::thread::sleep(Duration::from_millis(5));
            }
            if h.is_finished() {
                let _ = h.join();
            }
        }
    }
}

/// Runs `job` with a driver over `engine` on a new thread; its result is the last message.
///
/// # Errors
/// When the operating system cannot start a thread.
pub fn spawn<F>(engine: Engine, job: F) -> std::io::Result<Link>
where
    F: FnOnce(&mut Driver) -> crate::Result<String> + Send + 'static,
{
    spawn_with_sink(engine, |channel| Box::new(channel), job)
}

/// As [`spawn`], with the driver writing to the sink `wrap` makes around the channel
/// (e.g. a [`crate::record::RecordingSink`]).
///
/// # Errors
/// When the operating system cannot start a thread.
pub fn spawn_with_sink<W, F>(mut engine: Engine, wrap: W, job: F) -> std::io::Result<Link>
where
    W: FnOnce(ChannelSink) -> Box<dyn Sink + Send> + Send + 'static,
    F: FnOnce(&mut Driver) -> crate::Result<String> + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(CHANNEL_CAPACITY);
    let (cmd_tx, cmd_rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let control = Control::new(stop.clone()).with_commands(cmd_rx);
    let handle = std::thread::Builder::new()
        .name("groundprobe-engine".into())
        .spawn(move || {
            let channel = ChannelSink::new(tx);
            let closing = channel.clone();
            let mut sink = wrap(channel);
            let result = {
                let mut driver = Driver::new(&mut engine, sink.as_mut(), &control);
                job(&mut driver).map_err(|e| crate::error::chain(&e))
            };
            closing.finished(result);
        })?;
    Ok(Link {
        rx,
        commands: cmd_tx,
        stop,
        handle: Some(handle),
    })
}
