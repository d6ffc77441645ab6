//! The real-time callback's core: interleaved device frames averaged to mono `f32` in a
//! fixed-capacity block, handed to the ring in batches. No allocation, lock, log, panic
//! or system call (`tests/callback_alloc.rs` proves it with a counting allocator).

use crate::audio::ring::RingWriter;

/// Mono samples gathered per ring write (batched, never per sample).
pub const BLOCK: usize = 512;

/// A device sample format the callback converts to `f32` in [-1, 1].
pub trait InputSample: Copy {
    /// The sample as `f32`, full scale = 1.
    fn to_f32(self) -> f32;
}

impl InputSample for f32 {
    #[inline]
    fn to_f32(self) -> f32 {
        self
    }
}

impl InputSample for i16 {
    #[inline]
    fn to_f32(self) -> f32 {
        f32::from(self) * (1.0 / 32_768.0)
    }
}

impl InputSample for u16 {
    #[inline]
    fn to_f32(self) -> f32 {
        (f32::from(self) - 32_768.0) * (1.0 / 32_768.0)
    }
}

impl InputSample for i32 {
    #[inline]
    fn to_f32(self) -> f32 {
        self as f32 * (1.0 / 2_147_483_648.0)
    }
}

/// The callback's state: channel count and a fixed-capacity block of mono samples.
#[derive(Debug, Clone)]
pub struct MonoMixer {
    channels: usize,
    scale: f32,
    block: heapless::Vec<f32, BLOCK>,
}

impl MonoMixer {
    /// A mixer for interleaved frames of `channels` samples (0 is treated as 1).
    pub fn new(channels: u16) -> Self {
        let channels = usize::from(channels.max(1));
        Self {
            channels,
            scale: 1.0 / channels as f32,
            block: heapless::Vec::new(),
        }
    }

    /// Channels per interleaved frame.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Mixes interleaved `data` to mono and pushes it into `writer` in blocks; returns the
    /// number of mono samples the ring refused (also counted by the ring as dropped).
    /// Non-finite samples pass through (the driver repairs and counts them where they
    /// enter the engine); a trailing partial frame is ignored.
    ///
    /// Real-time safe: no allocation, lock, log, panic or system call.
    #[inline]
    pub fn mix_and_push<T: InputSample>(&mut self, data: &[T], writer: &mut RingWriter) -> usize {
        let mut refused = 0;
        for frame in data.chunks_exact(self.channels) {
            let mut sum = 0.0f32;
            for &s in frame {
                sum += s.to_f32();
            }
            let mono = sum * self.scale;
            // Cannot fail: the block is flushed as soon as it is full.
            let _ = self.block.push(mono);
            if self.block.is_full() {
                refused += self.flush(writer);
            }
        }
        refused + self.flush(writer)
    }

    #[inline]
    fn flush(&mut self, writer: &mut RingWriter) -> usize {
        if self.block.is_empty() {
            return 0;
        }
        let n = self.block.len();
        let pushed = writer.push(&self.block);
        self.block.clear();
        n - pushed
    }
}
