//! JSON lines: one line per word (and per device change, in a live session), then one
//! summary line.

use std::io::Write;

use super::{Flow, Sink, closed_pipe_stops};
use crate::event::Event;
use crate::summary::Summary;

/// Writes word events and the summary as JSON lines.
pub struct JsonLines<W: Write> {
    out: W,
}

impl<W: Write> JsonLines<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        Self { out }
    }

    /// Flushes what was written.
    ///
    /// # Errors
    /// The writer's.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// Serialises first, so that a write error keeps its kind (a closed pipe).
    fn write_line(&mut self, value: &impl serde::Serialize) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.out.write_all(&line)
    }
}

impl<W: Write> Sink for JsonLines<W> {
    /// Writes a word event, a retraction and a device change (stalled, lost, too fast,
    /// back); other events are for live views and are skipped.
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        let written = match &event {
            Event::Word(w) => {
                let mut line = serde_json::to_value(w.as_ref()).map_err(std::io::Error::other)?;
                line.as_object_mut()
                    .map(|o| o.insert("type".into(), "word".into()));
                self.write_line(&line)
            }
            Event::Device(_) | Event::Retract(_) => self.write_line(&event),
            _ => Ok(()),
        };
        match written {
            Err(e) => closed_pipe_stops(e),
            Ok(()) => Ok(Flow::Continue),
        }
    }

    /// Writes the summary line and flushes (a closed pipe is not an error).
    fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
        match self.write_line(summary).and_then(|()| self.out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}
