//! The channel to the terminal UI: events over a bounded channel, meter frames dropped
//! rather than waited for when the screen lags, everything else delivered in order.

use std::sync::mpsc::{SyncSender, TrySendError};

use super::{Flow, Sink};
use crate::event::Event;
use crate::summary::Summary;

/// Messages the channel holds before meter frames are dropped.
pub const CHANNEL_CAPACITY: usize = 256;

/// What the screen receives.
#[derive(Debug, Clone)]
pub enum Message {
    /// An engine event.
    Event(Event),
    /// The run ended: `Ok(closing note)` or `Err(error chain)`.
    Finished(Result<String, String>),
}

/// Sends events to a receiver on another thread.
#[derive(Debug, Clone)]
pub struct ChannelSink {
    tx: SyncSender<Message>,
}

impl ChannelSink {
    /// A sink sending into `tx`.
    pub fn new(tx: SyncSender<Message>) -> Self {
        Self { tx }
    }

    /// Sends the closing message (ignored when the receiver is gone).
    pub fn finished(&self, result: Result<String, String>) {
        let _ = self.tx.send(Message::Finished(result));
    }
}

impl Sink for ChannelSink {
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        let delivered = match event {
            Event::Vad(_) => match self.tx.try_send(Message::Event(event)) {
                Ok(()) | Err(TrySendError::Full(_)) => true,
                Err(TrySendError::Disconnected(_)) => false,
            },
            _ => self.tx.send(Message::Event(event)).is_ok(),
        };
        Ok(if delivered {
            Flow::Continue
        } else {
            Flow::Stop
        })
    }

    fn finish(&mut self, _summary: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}
