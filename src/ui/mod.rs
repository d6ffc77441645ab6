//! The terminal UI (feature `ui`): state ([`app`]), drawing ([`render`]) and the event
//! loop ([`run_loop`]) kept apart. The engine runs under a driver on its own thread
//! ([`crate::driver::thread`]); the loop drains its messages without waiting, sends
//! commands back, handles keys, and redraws at most [`MAX_FPS`] times a second from the
//! [`App`] alone.
//!
//! ```no_run
//! use groundprobe::driver::thread;
//! use groundprobe::source::{ClipSource, Pace};
//! use groundprobe::ui::{self, App, Setup};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let (engine, setup): (groundprobe::engine::Engine, Setup) = unimplemented!();
//! let clips = groundprobe::corpus::clips("models/demo".as_ref(), Pace::RealTime)?;
//! let link = thread::spawn(engine, move |driver| {
//!     for mut clip in clips {
//!         driver.play(&mut clip)?;
//!     }
//!     Ok("demo finished".into())
//! })?;
//! let mut app = App::new(setup);
//! ui::with_terminal(|t| ui::run_loop(t, &mut app, &link, &Default::default()))??;
//! # Ok(()) }
//! ```

pub mod app;
pub mod groups;
pub mod naming;
pub mod pca;
pub mod render;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::TryRecvError;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event as TermEvent};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;

pub use crate::driver::Command;
use crate::driver::thread::Link;
pub use app::{App, EncoderSetup, LayerMetrics, MetricsSnapshot, Mode, Msg, Setup};
pub use groups::{Relation, WordGroups};
pub use render::{Screen, ui};

/// Redraws per second, at most.
pub const MAX_FPS: u32 = 30;

/// Why the screen stopped.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// Drawing or reading keys failed.
    #[error("terminal: {0}")]
    Terminal(String),
    /// The engine thread ended without a word (a panic; its message is above).
    #[error("the engine thread stopped unexpectedly (see the message above)")]
    EngineVanished,
}

/// Restores the terminal when dropped (normal exit, `?` early return, or unwinding).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs `f` with a full-screen terminal (raw mode, alternate screen) and restores the
/// terminal on every way out: return, error, or panic (ratatui's hook restores it before
/// the panic message is printed). Ctrl-C arrives as a key in raw mode and quits the loop.
///
/// # Errors
/// When the terminal cannot be put into raw mode or the alternate screen.
pub fn with_terminal<R>(f: impl FnOnce(&mut ratatui::DefaultTerminal) -> R) -> std::io::Result<R> {
    let mut terminal = ratatui::try_init()?;
    let _restore = Restore;
    Ok(f(&mut terminal))
}

/// The event loop: drains the driver's messages into `app`, handles keys (sending the
/// driver its commands), and redraws when something changed (a resize too: the layout
/// follows the size), at most [`MAX_FPS`] a second. Returns when the user quits, asks
/// for a replay ([`App::replay`]: the caller starts the session again), or `quit` is
/// raised (a signal: the caller's terminal guard then restores the screen).
///
/// # Errors
/// Terminal I/O errors, or the engine thread vanishing without a word (a panic).
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    link: &Link,
    quit: &AtomicBool,
) -> Result<(), UiError> {
    let term = |e: &dyn std::fmt::Display| UiError::Terminal(e.to_string());
    let frame = Duration::from_secs(1) / MAX_FPS;
    let mut last_draw: Option<Instant> = None;
    let mut dirty = true;
    loop {
        loop {
            match link.rx.try_recv() {
                Ok(msg) => {
                    app.apply(msg.into());
                    dirty = true;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if app.finished.is_none() {
                        return Err(UiError::EngineVanished);
                    }
                    break;
                }
            }
        }
        let due = last_draw.is_none_or(|t| t.elapsed() >= frame);
        if dirty && due {
            let t = Instant::now();
            terminal.draw(|f| ui(f, app)).map_err(|e| term(&e))?;
            app.render_ms = Some(t.elapsed().as_secs_f64() * 1e3);
            last_draw = Some(Instant::now());
            dirty = false;
        }
        let wait = last_draw
            .map_or(Duration::ZERO, |t| frame.saturating_sub(t.elapsed()))
            .max(Duration::from_millis(4));
        if event::poll(wait).map_err(|e| term(&e))? {
            match event::read().map_err(|e| term(&e))? {
                TermEvent::Key(key) => {
                    if let Some(cmd) = app.on_key(key) {
                        link.send(cmd);
                    }
                    let size = terminal.size().map_err(|e| term(&e))?;
                    let bound = render::help_max_scroll(Rect::new(0, 0, size.width, size.height));
                    app.help_scroll = app.help_scroll.min(bound);
                    dirty = true;
                }
                TermEvent::Resize(..) => dirty = true,
                _ => {}
            }
        }
        if app.quit || app.replay || quit.load(Ordering::Relaxed) {
            return Ok(());
        }
    }
}
