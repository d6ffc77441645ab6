//! Feeding decoded clips into the ring from a thread of their own, either as fast as the
//! engine takes them (files) or paced like a live microphone (the demo).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::ring::RingWriter;

/// How fast a feeder delivers samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// As fast as the engine consumes them; nothing is dropped.
    Fast,
    /// In real time, in blocks of `block` samples, like a sound card (the demo).
    RealTime {
        /// Samples per block (e.g. 10 ms worth).
        block: usize,
    },
}

/// Streams `samples` (recorded at `rate` Hz) into `writer` on a new thread. The writer is
/// dropped at the end, which tells the reader the stream is over. `stop` ends it early.
///
/// # Errors
/// When the operating system cannot start a thread.
pub fn spawn(
    samples: Arc<[f32]>,
    rate: u32,
    mut writer: RingWriter,
    pace: Pace,
    stop: Arc<AtomicBool>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("groundprobe-feed".into())
        .spawn(move || match pace {
            Pace::Fast => {
                for chunk in samples.chunks(4096) {
                    if stop.load(Ordering::Relaxed) || !writer.push_all(chunk) {
                        break;
                    }
                }
            }
            Pace::RealTime { block } => {
                let start = Instant::now();
                for (i, chunk) in samples.chunks(block.max(1)).enumerate() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let due = Duration::from_secs_f64((i * block) as f64 / rate as f64);
                    if let Some(wait) = due.checked_sub(start.elapsed()) {
                        std::thread::sleep(wait);
                    }
                    writer.push(chunk);
                }
            }
        })
}
