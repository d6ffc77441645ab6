//! Audio sources behind one seam: a decoded clip (files, the demo player, a reference
//! bank), a WAV stream read in chunks, and the microphone (feature `mic`). The
//! [`crate::driver::Driver`] pulls mono samples at the source's native rate from any of
//! them; a new source is one file implementing [`Source`].

pub mod clip;
pub mod file;
#[cfg(feature = "mic")]
pub mod mic;

use std::time::Duration;

use crate::error::Result;
use crate::event::{DeviceStatus, SourceInfo};
use crate::labels::Labels;

pub use clip::{ClipSource, Pace};
pub use file::FileSource;

/// What [`Source::pull`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Pull {
    /// This many mono samples were written to the front of the buffer.
    Samples(usize),
    /// Nothing yet: try again after about this long (a paced clip, an idle device).
    Wait(Duration),
    /// The device failed (`ok: false`) or came back (`ok: true`: a new stream, perhaps at
    /// another rate — read [`Source::info`] again).
    Device(DeviceStatus),
    /// News about the same stream (stalled, flowing again, too fast, paced again): reported,
    /// and the stream goes on.
    Status(DeviceStatus),
    /// No more audio.
    End,
}

/// A producer of mono audio at its native rate.
pub trait Source: Send {
    /// Name, native rate, duration if known, and whether its words are reference words.
    fn info(&self) -> SourceInfo;
    /// The labels of this source's words (taken once, when it begins).
    fn labels(&mut self) -> Labels;
    /// Copies up to `buf.len()` samples into `buf`.
    ///
    /// # Errors
    /// When the source cannot be read (a file that turns out corrupt).
    fn pull(&mut self, buf: &mut [f32]) -> Result<Pull>;
    /// Samples lost so far because the reader fell behind, over the source's whole life
    /// (live sources; 0 otherwise).
    fn dropped(&self) -> u64 {
        0
    }
    /// Pauses or resumes a paced source's clock; live sources keep delivering.
    fn set_paused(&mut self, _paused: bool) {}
}

/// A borrowed source is a source (so that wrappers such as
/// [`crate::record::Recorded`] can borrow one).
impl<S: Source + ?Sized> Source for &mut S {
    fn info(&self) -> SourceInfo {
        (**self).info()
    }
    fn labels(&mut self) -> Labels {
        (**self).labels()
    }
    fn pull(&mut self, buf: &mut [f32]) -> Result<Pull> {
        (**self).pull(buf)
    }
    fn dropped(&self) -> u64 {
        (**self).dropped()
    }
    fn set_paused(&mut self, paused: bool) {
        (**self).set_paused(paused);
    }
}
