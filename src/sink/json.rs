//! JSON lines: one line per word, then one summary line.

use std::io::Write;

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

    /// Writes a word event (other events are for live views and are skipped).
    ///
    /// # Errors
    /// When the output cannot be written.
    pub fn event(&mut self, event: &Event) -> std::io::Result<()> {
        if let Event::Word(w) = event {
            let mut line = serde_json::to_value(w.as_ref()).map_err(std::io::Error::other)?;
            line.as_object_mut()
                .map(|o| o.insert("type".into(), "word".into()));
            serde_json::to_writer(&mut self.out, &line).map_err(std::io::Error::other)?;
            writeln!(self.out)?;
        }
        Ok(())
    }

    /// Writes the summary line and flushes.
    ///
    /// # Errors
    /// When the output cannot be written.
    pub fn summary(&mut self, summary: &Summary) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, summary).map_err(std::io::Error::other)?;
        writeln!(self.out)?;
        self.out.flush()
    }
}
