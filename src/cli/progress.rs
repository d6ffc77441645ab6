//! A progress bar with ETA on stderr for long runs (`run`; reusable by `bench`): shown only
//! when stderr is a terminal and not `--quiet`, never on stdout, so JSON lines and tables
//! stay clean.

use std::io::IsTerminal;

use groundprobe::event::Event;
use groundprobe::sink::{Flow, Sink};
use groundprobe::summary::Summary;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `total` units of work (any unit: files, bytes, milliseconds of audio).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar over `total` units; hidden when `quiet` or when stderr is not a terminal.
    pub fn new(total: u64, quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Self {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{bar:30.cyan/blue} {percent:>3}%  {elapsed} elapsed, ETA {eta}  {wide_msg}",
        )
        .expect("a valid template")
        .progress_chars("█▉▊▋▌▍▎▏ ");
        bar.set_style(style);
        Self { bar }
    }

    /// Adds `n` units done.
    pub fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    /// The text beside the bar (e.g. the file being processed).
    pub fn message(&self, text: impl Into<String>) {
        self.bar.set_message(text.into());
    }

    /// Runs `f` with the bar cleared (for lines written to the same terminal).
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        self.bar.suspend(f)
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A sink that moves a [`Progress`] over milliseconds of audio as the engine reports its
/// voice-activity frames, and hands every event to the sink inside it.
pub struct AudioProgress<'a> {
    inner: &'a mut dyn Sink,
    progress: &'a Progress,
    /// Milliseconds of the current source counted so far.
    pos_ms: u64,
    /// Milliseconds of the current source, when its header told.
    current_ms: u64,
    /// The sink writes to the terminal the bar is on: clear the bar around its writes.
    shared_terminal: bool,
}

impl<'a> AudioProgress<'a> {
    /// Wraps `inner`, moving `progress` (counted in milliseconds of audio).
    pub fn new(inner: &'a mut dyn Sink, progress: &'a Progress) -> Self {
        Self {
            inner,
            progress,
            pos_ms: 0,
            current_ms: 0,
            shared_terminal: std::io::stdout().is_terminal(),
        }
    }
}

impl Sink for AudioProgress<'_> {
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        match &event {
            Event::Vad(v) => {
                let now = ((v.time * 1e3) as u64).min(self.current_ms);
                self.progress.advance(now.saturating_sub(self.pos_ms));
                self.pos_ms = self.pos_ms.max(now);
                return self.inner.event(event);
            }
            Event::SourceStarted(s) => {
                // The previous source's tail after its last frame.
                self.progress
                    .advance(self.current_ms.saturating_sub(self.pos_ms));
                self.current_ms = s.seconds.map_or(0, |t| (t * 1e3) as u64);
                self.pos_ms = 0;
                // The file's own name: the folder is in the run's arguments.
                let name = std::path::Path::new(&s.name).file_name();
                self.progress
                    .message(name.map_or(s.name.clone(), |n| n.to_string_lossy().into()));
            }
            _ => {}
        }
        if self.shared_terminal {
            // Anything the sink may write, with the bar out of the way.
            self.progress.suspend(|| self.inner.event(event))
        } else {
            self.inner.event(event)
        }
    }

    fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
        self.progress.finish();
        self.inner.finish(summary)
    }
}
