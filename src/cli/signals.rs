//! SIGINT and SIGTERM end a run cleanly: the driver finishes the word in flight, the
//! summary is written (marked interrupted), and the exit code says which signal it was.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use signal_hook::consts::{SIGINT, SIGTERM};

/// Flags raised by the two signals; either one stops the driver.
pub struct Signals {
    /// Raised by either signal (hand it to the driver's `Control`).
    pub stop: Arc<AtomicBool>,
    term: Arc<AtomicBool>,
}

impl Signals {
    /// Installs the handlers (they only raise flags).
    pub fn install() -> anyhow::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let term = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(SIGINT, stop.clone()).context("installing SIGINT")?;
        signal_hook::flag::register(SIGTERM, stop.clone()).context("installing SIGTERM")?;
        signal_hook::flag::register(SIGTERM, term.clone()).context("installing SIGTERM")?;
        Ok(Self { stop, term })
    }

    /// The exit code of a run a signal stopped (130 for SIGINT, 143 for SIGTERM), if any.
    pub fn exit_code(&self) -> Option<ExitCode> {
        if !self.stop.load(Ordering::Relaxed) {
            return None;
        }
        let term = self.term.load(Ordering::Relaxed);
        Some(ExitCode::from(if term { 143 } else { 130 }))
    }
}
