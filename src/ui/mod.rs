//! The terminal UI: state ([`app`]), drawing ([`render`]), the engine thread
//! ([`session`]) and the event loop ([`run_loop`]) kept apart.
//!
//! The engine runs on its own thread and sends [`app::Msg`]s over a bounded channel; the
//! loop drains that channel without waiting, handles keys, and redraws at most
//! [`MAX_FPS`] times a second from the [`App`] alone.
//!
//! ```no_run
//! use groundprobe::ui::{self, App, Setup, Mode};
//! # fn main() -> anyhow::Result<()> {
//! # let (engine, setup): (groundprobe::engine::Engine, Setup) = unimplemented!();
//! let link = ui::session::spawn(engine, |engine, side| {
//!     let clips = ui::session::load_clips("models/demo".as_ref())?;
//!     side.play_clips(engine, &clips, groundprobe::audio::feed::Pace::RealTime { block: 160 })?;
//!     Ok("demo finished".into())
//! })?;
//! let mut app = App::new(setup);
//! ui::with_terminal(|t| ui::run_loop(t, &mut app, &link, &mut |_| {}))??;
//! # Ok(()) }
//! ```

pub mod app;
pub mod groups;
pub mod pca;
pub mod render;
pub mod session;

use std::sync::mpsc::TryRecvError;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event as TermEvent};
use ratatui::Terminal;
use ratatui::backend::Backend;

pub use app::{App, Command, EncoderSetup, LayerMetrics, MetricsSnapshot, Mode, Msg, Setup};
pub use groups::{Relation, WordGroups};
pub use render::ui;
pub use session::{EngineLink, EngineSide};

/// Redraws per second, at most.
pub const MAX_FPS: u32 = 30;

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

/// The event loop: drains engine messages into `app`, calls `tick` (e.g. to watch a
/// device), handles keys, and redraws when something changed, at most [`MAX_FPS`] a
/// second. Returns when the user quits.
///
/// # Errors
/// Terminal I/O errors, or the engine thread vanishing without a word (a panic).
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    link: &EngineLink,
    tick: &mut dyn FnMut(&mut App),
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let frame = Duration::from_secs(1) / MAX_FPS;
    let mut last_draw: Option<Instant> = None;
    let mut dirty = true;
    loop {
        loop {
            match link.rx.try_recv() {
                Ok(msg) => {
                    app.apply(msg);
                    dirty = true;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if app.finished.is_none() {
                        anyhow::bail!(
                            "the engine thread stopped unexpectedly (see the message above)"
                        );
                    }
                    break;
                }
            }
        }
        tick(app);
        let due = last_draw.is_none_or(|t| t.elapsed() >= frame);
        if dirty && due {
            let t = Instant::now();
            terminal.draw(|f| ui(f, app))?;
            app.render_ms = Some(t.elapsed().as_secs_f64() * 1e3);
            last_draw = Some(Instant::now());
            dirty = false;
        }
        let wait = last_draw
            .map_or(Duration::ZERO, |t| frame.saturating_sub(t.elapsed()))
            .max(Duration::from_millis(4));
        if event::poll(wait)? {
            match event::read()? {
                TermEvent::Key(key) => {
                    if let Some(cmd) = app.on_key(key) {
                        let _ = link.commands.send(cmd);
                    }
                    dirty = true;
                }
                TermEvent::Resize(..) => dirty = true,
                _ => {}
            }
        }
        if app.quit {
            return Ok(());
        }
    }
}
