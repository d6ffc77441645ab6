//! Keeping every event in memory (tests, library users, replay).

use super::{Flow, Sink};
use crate::event::{Event, WordEvent};
use crate::summary::Summary;

/// Collects events and the summary.
#[derive(Debug, Default)]
pub struct Memory {
    /// Every event, in order.
    pub events: Vec<Event>,
    /// The summary, once the run finished.
    pub summary: Option<Summary>,
}

impl Memory {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// The final word events, in order (provisional ones left out).
    pub fn words(&self) -> Vec<&WordEvent> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Word(w) if w.is_final => Some(w.as_ref()),
                _ => None,
            })
            .collect()
    }
}

impl Sink for Memory {
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        self.events.push(event);
        Ok(Flow::Continue)
    }

    fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
        self.summary = Some(summary.clone());
        Ok(())
    }
}
