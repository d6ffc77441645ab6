//! A readable table: one row per word with its nearest neighbours under each encoder.

use std::io::Write;

use super::{Flow, Sink, closed_pipe_stops};
use crate::event::{Event, WordEvent};
use crate::summary::Summary;

/// Writes words as table rows.
pub struct Table<W: Write> {
    out: W,
    neighbours_shown: usize,
}

impl<W: Write> Table<W> {
    /// A table writer showing up to `neighbours_shown` neighbours per encoder.
    pub fn new(out: W, neighbours_shown: usize) -> Self {
        Self {
            out,
            neighbours_shown,
        }
    }

    fn word(&mut self, w: &WordEvent) -> std::io::Result<()> {
        let label = w.label.as_deref().unwrap_or("?");
        writeln!(
            self.out,
            "#{:<4} {:>7.2}–{:<7.2} {:<12}",
            w.index, w.start, w.end, label
        )?;
        for (enc, ns) in &w.neighbours {
            let shown: Vec<String> = ns
                .iter()
                .take(self.neighbours_shown)
                .map(|n| {
                    format!(
                        "{}#{} {:.2}",
                        n.label.as_deref().unwrap_or("?"),
                        n.index,
                        n.similarity
                    )
                })
                .collect();
            writeln!(
                self.out,
                "      {enc:<18} {}",
                if shown.is_empty() {
                    "(first word)".into()
                } else {
                    shown.join("  ")
                }
            )?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for Table<W> {
    /// Writes a source's heading and each word's row (other events are skipped).
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        let written = match &event {
            Event::SourceStarted(s) => writeln!(self.out, "── {} ({} Hz)", s.name, s.sample_rate),
            Event::Word(w) => self.word(w),
            _ => Ok(()),
        };
        written.map_or_else(closed_pipe_stops, |()| Ok(Flow::Continue))
    }

    /// Writes the closing lines (a closed pipe is not an error).
    fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
        match self.summary(summary) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

impl<W: Write> Table<W> {
    fn summary(&mut self, s: &Summary) -> std::io::Result<()> {
        writeln!(
            self.out,
            "{} words in {:.1} s of audio, processed in {:.2} s (real-time factor {:.3})",
            s.words, s.audio_seconds, s.processing_seconds, s.realtime_factor
        )?;
        if let Some(p) = s.word_latency_ms {
            writeln!(
                self.out,
                "word end → neighbours updated: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
                p.p50, p.p95, p.p99
            )?;
        }
        if s.dropped_samples > 0 {
            writeln!(self.out, "dropped samples: {}", s.dropped_samples)?;
        }
        self.out.flush()
    }
}
