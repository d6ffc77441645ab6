//! Keeping a capture running: notice a lost device, drop its stream, retry every second.

use std::time::{Duration, Instant};

use crate::audio::ring::{RingReader, RingWriter, ring};

/// A running capture as [`Reconnect`] sees it (the cpal `Mic` with the `mic` feature; a
/// fake in tests).
pub trait Capture {
    /// The device stopped delivering (unplugged, host gone).
    fn is_lost(&self) -> bool;
    /// Native sample rate.
    fn sample_rate(&self) -> u32;
    /// Device name.
    fn name(&self) -> String;
}

/// What [`Reconnect::poll`] noticed.
pub enum DeviceChange {
    /// The device was lost; its stream was dropped (which closes its ring).
    Lost,
    /// A retry failed; retrying again later.
    StillLost(MicError),
    /// The device is back: the engine should read this ring from now on.
    Back {
        /// The new ring's reader.
        reader: RingReader,
        /// Native sample rate.
        sample_rate: u32,
        /// Device name.
        name: String,
    },
}

impl std::fmt::Debug for DeviceChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeviceChange::Lost => f.write_str("Lost"),
            DeviceChange::StillLost(e) => write!(f, "StillLost({e})"),
            DeviceChange::Back {
                sample_rate, name, ..
            } => write!(f, "Back({name}, {sample_rate} Hz)"),
        }
    }
}

/// Keeps a capture running: notices a lost device, drops its stream, and tries to open it
/// again every `retry` until it comes back. The session (the engine's words) is untouched.
pub struct Reconnect<C, F> {
    open: F,
    current: Option<C>,
    last_try: Instant,
    retry: Duration,
    ring_capacity: usize,
}

impl<C: Capture, F: FnMut(RingWriter) -> Result<C, MicError>> Reconnect<C, F> {
    /// Starts with a capture already open (`open` is used for retries, each with a fresh
    /// ring of `ring_capacity` samples).
    pub fn new(current: C, open: F, retry: Duration, ring_capacity: usize) -> Self {
        Self {
            open,
            current: Some(current),
            last_try: Instant::now(),
            retry,
            ring_capacity,
        }
    }

    /// The running capture, if any.
    pub fn current(&self) -> Option<&C> {
        self.current.as_ref()
    }

    /// Checks the device; call it often (each UI tick).
    pub fn poll(&mut self, now: Instant) -> Option<DeviceChange> {
        if self.current.as_ref().is_some_and(Capture::is_lost) {
            self.current = None;
            self.last_try = now;
            return Some(DeviceChange::Lost);
        }
        if self.current.is_some() || now.duration_since(self.last_try) < self.retry {
            return None;
        }
        self.last_try = now;
        let (writer, reader) = ring(self.ring_capacity);
        match (self.open)(writer) {
            Ok(c) => {
                let change = DeviceChange::Back {
                    reader,
                    sample_rate: c.sample_rate(),
                    name: c.name(),
                };
                self.current = Some(c);
                Some(change)
            }
            Err(e) => Some(DeviceChange::StillLost(e)),
        }
    }
}

/// A microphone problem, for people (names the device and what went wrong).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct MicError(pub String);

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::audio::ring::Popped;

    struct Fake {
        lost: Arc<AtomicBool>,
        _writer: RingWriter,
    }

    impl Capture for Fake {
        fn is_lost(&self) -> bool {
            self.lost.load(Ordering::Relaxed)
        }
        fn sample_rate(&self) -> u32 {
            48_000
        }
        fn name(&self) -> String {
            "fake".into()
        }
    }

    #[test]
    fn a_lost_device_is_dropped_and_retried_every_interval_until_it_returns() {
        let lost = Arc::new(AtomicBool::new(false));
        let (w, mut first_reader) = ring(16);
        let first = Fake {
            lost: lost.clone(),
            _writer: w,
        };
        let plugged = Rc::new(Cell::new(false));
        let tries = Rc::new(Cell::new(0));
        let (p, t, l) = (plugged.clone(), tries.clone(), lost.clone());
        let open = move |writer: RingWriter| {
            t.set(t.get() + 1);
            if p.get() {
                l.store(false, Ordering::Relaxed);
                Ok(Fake {
                    lost: l.clone(),
                    _writer: writer,
                })
            } else {
                Err(MicError("unplugged".into()))
            }
        };
        let sec = Duration::from_secs(1);
        let t0 = Instant::now();
        let mut r = Reconnect::new(first, open, sec, 16);
        assert!(r.poll(t0).is_none());
        lost.store(true, Ordering::Relaxed);
        assert!(matches!(r.poll(t0), Some(DeviceChange::Lost)));
        // The old stream is gone, so its ring reports closed.
        assert_eq!(first_reader.pop(&mut [0.0; 4]), Popped::Closed);
        assert!(r.current().is_none());
        assert!(
            r.poll(t0 + sec / 2).is_none(),
            "waits a second before retrying"
        );
        assert!(matches!(r.poll(t0 + sec), Some(DeviceChange::StillLost(_))));
        assert!(r.poll(t0 + sec + sec / 2).is_none());
        plugged.set(true);
        match r.poll(t0 + 2 * sec) {
            Some(DeviceChange::Back {
                sample_rate, name, ..
            }) => assert_eq!((sample_rate, name.as_str()), (48_000, "fake")),
            other => panic!("expected the device back, got {other:?}"),
        }
        assert_eq!(tries.get(), 2);
        assert!(r.poll(t0 + 5 * sec).is_none());
    }
}
