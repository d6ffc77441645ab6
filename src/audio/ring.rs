//! The single-producer single-consumer ring between an audio producer and the engine.
//!
//! The writer side never blocks and never allocates in [`RingWriter::push`] (what does not
//! fit is counted as dropped); files use [`RingWriter::push_all`], which waits for room
//! instead, so no sample of a file is ever lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use ringbuf::traits::{Consumer, Observer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

/// State shared by both ends: samples offered, overrun count and end-of-stream flag.
#[derive(Debug, Default)]
struct Shared {
    offered: AtomicU64,
    dropped: AtomicU64,
    closed: AtomicBool,
}

/// The producer end (audio callback, file feeder or demo player).
pub struct RingWriter {
    prod: HeapProd<f32>,
    shared: Arc<Shared>,
}

/// The consumer end (the engine thread).
pub struct RingReader {
    cons: HeapCons<f32>,
    shared: Arc<Shared>,
}

/// What [`RingReader::pop`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Popped {
    /// This many samples were copied out.
    Samples(usize),
    /// Nothing now; more may come.
    Empty,
    /// The writer is gone and everything it wrote has been read.
    Closed,
}

/// A ring holding `capacity` samples, split into its two ends.
pub fn ring(capacity: usize) -> (RingWriter, RingReader) {
    let (prod, cons) = HeapRb::<f32>::new(capacity).split();
    let shared = Arc::new(Shared::default());
    (
        RingWriter {
            prod,
            shared: shared.clone(),
        },
        RingReader { cons, shared },
    )
}

impl RingWriter {
    /// Pushes what fits without waiting; the rest is counted as dropped. Real-time safe:
    /// no allocation, lock, system call or panic.
    #[inline]
    pub fn push(&mut self, samples: &[f32]) -> usize {
        self.shared
            .offered
            .fetch_add(samples.len() as u64, Ordering::Relaxed);
        let n = self.prod.push_slice(samples);
        if n < samples.len() {
            self.shared
                .dropped
                .fetch_add((samples.len() - n) as u64, Ordering::Relaxed);
        }
        n
    }

    /// Pushes every sample, sleeping briefly while the ring is full. Returns `false` if the
    /// reader went away first (the remaining samples have nowhere to go).
    pub fn push_all(&mut self, mut samples: &[f32]) -> bool {
        while !samples.is_empty() {
            if !self.prod.read_is_held() {
                return false;
            }
            let n = self.prod.push_slice(samples);
            samples = &samples[n..];
            if n == 0 {
                std::thread::sleep(Duration::from_micros(500));
            }
        }
        true
    }

    /// Samples dropped so far because the ring was full.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }
}

impl Drop for RingWriter {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Release);
    }
}

impl RingReader {
    /// Copies up to `buf.len()` samples out.
    pub fn pop(&mut self, buf: &mut [f32]) -> Popped {
        // Read the flag before the data: if it was set, everything written is visible.
        let closed = self.shared.closed.load(Ordering::Acquire);
        match self.cons.pop_slice(buf) {
            0 if closed && self.cons.is_empty() => Popped::Closed,
            0 => Popped::Empty,
            n => Popped::Samples(n),
        }
    }

    /// Samples the writer dropped so far because the ring was full.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Samples offered to [`RingWriter::push`] so far, kept or dropped: how fast the
    /// producer delivers, whatever the reader does.
    pub fn offered(&self) -> u64 {
        self.shared.offered.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_ring_counts_what_it_drops() {
        let (mut w, mut r) = ring(8);
        assert_eq!(w.push(&[1.0; 5]), 5);
        assert_eq!(w.push(&[2.0; 5]), 3);
        assert_eq!(r.dropped(), 2);
        assert_eq!(r.offered(), 10);
        let mut buf = [0.0; 16];
        assert_eq!(r.pop(&mut buf), Popped::Samples(8));
        assert_eq!(&buf[..8], &[1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
        assert_eq!(r.pop(&mut buf), Popped::Empty);
        drop(w);
        assert_eq!(r.pop(&mut buf), Popped::Closed);
    }

    #[test]
    fn push_all_delivers_every_sample_across_threads_in_order() {
        let (mut w, mut r) = ring(64);
        let n = 100_000;
        let t = std::thread::spawn(move || {
            let data: Vec<f32> = (0..n).map(|i| i as f32).collect();
            for c in data.chunks(37) {
                assert!(w.push_all(c));
            }
        });
        let mut got = Vec::with_capacity(n);
        let mut buf = [0.0; 50];
        loop {
            match r.pop(&mut buf) {
                Popped::Samples(k) => got.extend_from_slice(&buf[..k]),
                Popped::Empty => std::thread::yield_now(),
                Popped::Closed => break,
            }
        }
        t.join().unwrap();
        assert_eq!(got.len(), n);
        assert!(got.iter().enumerate().all(|(i, &v)| v == i as f32));
        assert_eq!(r.dropped(), 0);
    }
}
