//! Sinks: where the engine's events go. JSON lines, a table, memory (tests, library
//! users) and the channel to the terminal UI each implement [`Sink`]; a new output is one
//! file implementing it.

pub mod channel;
pub mod json;
pub mod memory;
pub mod table;

use crate::event::Event;
use crate::summary::Summary;

pub use channel::{ChannelSink, Message};
pub use json::JsonLines;
pub use memory::Memory;
pub use table::Table;

/// What a sink wants after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep going.
    Continue,
    /// Stop the run: nobody is listening any more (a closed pipe, a closed screen).
    Stop,
}

/// A consumer of events, in the order the engine emits them.
pub trait Sink {
    /// Takes one event.
    ///
    /// # Errors
    /// When the output cannot be written (a closed pipe is [`Flow::Stop`], not an error).
    fn event(&mut self, event: Event) -> std::io::Result<Flow>;

    /// Takes the end-of-run summary (after the last event).
    ///
    /// # Errors
    /// When the output cannot be written.
    fn finish(&mut self, summary: &Summary) -> std::io::Result<()>;
}

/// `Ok(Flow::Stop)` for a closed pipe (`| head`), the error otherwise.
pub(crate) fn closed_pipe_stops(e: std::io::Error) -> std::io::Result<Flow> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(Flow::Stop)
    } else {
        Err(e)
    }
}
