//! Whether a capture delivers audio like a microphone: at its nominal rate. A device that
//! stops delivering (a stalled USB stream, a pipe whose writer paused) is reported as
//! stalled; one delivering much faster than real time (an ALSA file plugin whose input
//! ended, a misconfigured loopback) is reported as such, so its audio can be ignored
//! instead of running the session's clock away.

use std::time::{Duration, Instant};

/// No samples for this long: stalled.
pub const STALL_AFTER: Duration = Duration::from_secs(1);
/// Length of the window over which the delivery rate is measured.
pub const WINDOW: Duration = Duration::from_millis(500);
/// Delivering more than this many times the nominal rate (plus [`BURST`]) is too fast.
pub const TOO_FAST: f64 = 1.5;
/// Audio a device may deliver at once beyond its rate (its buffer, filled before the first
/// callback or after a scheduling hiccup), in seconds.
pub const BURST: f64 = 0.5;
/// A too-fast device counts as paced again after this long within [`TOO_FAST`] (plus
/// [`RESUME_BURST`]): short, because its audio is ignored until then.
pub const RESUME_AFTER: Duration = Duration::from_millis(300);
/// The burst allowed while resuming, in seconds.
pub const RESUME_BURST: f64 = 0.1;

/// A change in how a capture delivers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PaceChange {
    /// Nothing arrived for [`STALL_AFTER`].
    Stalled,
    /// Audio arrives again after a stall.
    Flowing,
    /// Audio arrives this many times faster than real time.
    TooFast(f64),
    /// After being too fast, audio arrives at the nominal rate again; the ring dropped this
    /// many samples of the too-fast audio meanwhile.
    Paced {
        /// Samples the ring dropped while the device was too fast.
        dropped: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Flowing,
    Stalled,
    TooFast,
}

/// Watches a capture's running counts of delivered and dropped samples against the wall
/// clock, and tells the drops of a slow reader from those of a too-fast device.
#[derive(Debug, Clone)]
pub struct Pacing {
    rate: f64,
    state: State,
    window_start: Instant,
    offered_at_window: u64,
    last_offered: u64,
    last_arrival: Instant,
    /// Drops when the current window started (kept across a stall: whatever overflowed
    /// while nothing was expected came with the audio that ended it).
    dropped_at_window: u64,
    /// Drops when the device turned too fast.
    dropped_at_fast: u64,
    /// Drops of too-fast audio over all earlier episodes.
    dropped_ignored: u64,
}

impl Pacing {
    /// Watching a capture of `rate` samples per second that started at `now` with
    /// `offered` samples delivered so far.
    pub fn new(rate: u32, now: Instant, offered: u64) -> Self {
        Self {
            rate: f64::from(rate.max(1)),
            state: State::Flowing,
            window_start: now,
            offered_at_window: offered,
            last_offered: offered,
            last_arrival: now,
            dropped_at_window: 0,
            dropped_at_fast: 0,
            dropped_ignored: 0,
        }
    }

    /// Of `dropped` samples the ring dropped so far, those a slow reader lost: the drops
    /// of too-fast audio are not counted, and those of the current window only once it
    /// is seen to be paced (at most [`WINDOW`] later), so the count never goes back.
    pub fn reader_dropped(&self, dropped: u64) -> u64 {
        let confirmed = if self.too_fast() {
            self.dropped_at_fast
        } else {
            self.dropped_at_window
        };
        dropped.min(confirmed).saturating_sub(self.dropped_ignored)
    }

    /// True while the capture delivers faster than real time (its audio is not live).
    pub fn too_fast(&self) -> bool {
        self.state == State::TooFast
    }

    /// Takes the running counts of samples `offered` and `dropped` at `now`; returns a
    /// change when there is one.
    pub fn observe(&mut self, now: Instant, offered: u64, dropped: u64) -> Option<PaceChange> {
        let arrived = offered > self.last_offered;
        if arrived {
            self.last_offered = offered;
            self.last_arrival = now;
        }
        match self.state {
            State::Stalled if arrived => {
                self.state = State::Flowing;
                let kept = self.dropped_at_window;
                self.restart_window(now, offered, dropped);
                self.dropped_at_window = kept;
                return Some(PaceChange::Flowing);
            }
            State::Flowing if !arrived && now - self.last_arrival >= STALL_AFTER => {
                self.state = State::Stalled;
                return Some(PaceChange::Stalled);
            }
            _ => {}
        }
        let elapsed = (now - self.window_start).as_secs_f64();
        let delivered = (offered - self.offered_at_window) as f64;
        let allowed = self.rate * (TOO_FAST * elapsed + BURST);
        match self.state {
            // Checked at every call, not only at the window's end: a runaway source is
            // caught within [`BURST`] of audio. What the ring dropped since the window
            // began is put down to the runaway.
            State::Flowing if delivered > allowed => {
                self.state = State::TooFast;
                self.dropped_at_fast = self.dropped_at_window.min(dropped);
                self.restart_window(now, offered, dropped);
                Some(PaceChange::TooFast(
                    delivered / (self.rate * elapsed.max(1e-3)),
                ))
            }
            // Too fast until a short stretch within the rate: every excess starts it again.
            State::TooFast if delivered > self.rate * (TOO_FAST * elapsed + RESUME_BURST) => {
                self.restart_window(now, offered, dropped);
                None
            }
            State::TooFast if elapsed >= RESUME_AFTER.as_secs_f64() => {
                self.state = State::Flowing;
                let episode = dropped - self.dropped_at_fast;
                self.dropped_ignored += episode;
                self.restart_window(now, offered, dropped);
                Some(PaceChange::Paced { dropped: episode })
            }
            _ if elapsed < WINDOW.as_secs_f64() => None,
            _ => {
                self.restart_window(now, offered, dropped);
                None
            }
        }
    }

    fn restart_window(&mut self, now: Instant, offered: u64, dropped: u64) {
        self.window_start = now;
        self.offered_at_window = offered;
        self.dropped_at_window = dropped;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16 kHz device feeding a reader through a ring that holds nothing: per 10 ms step
    /// the reader takes up to `keep` samples and the rest is dropped.
    struct Sim {
        p: Pacing,
        t: Instant,
        offered: u64,
        dropped: u64,
    }

    impl Sim {
        fn new(rate: u32) -> Self {
            let t = Instant::now();
            Self {
                p: Pacing::new(rate, t, 0),
                t,
                offered: 0,
                dropped: 0,
            }
        }

        /// `rate_x` × 160 samples per step for `secs`; returns the changes seen.
        fn feed(&mut self, rate_x: f64, secs: f64, keep: u64) -> Vec<PaceChange> {
            let mut seen = Vec::new();
            for _ in 0..(secs * 100.0).round() as usize {
                self.t += Duration::from_millis(10);
                let n = (160.0 * rate_x) as u64;
                self.offered += n;
                self.dropped += n.saturating_sub(keep);
                seen.extend(self.p.observe(self.t, self.offered, self.dropped));
            }
            seen
        }
    }

    #[test]
    fn a_paced_capture_changes_nothing_and_a_stall_and_its_end_are_reported_once() {
        let mut s = Sim::new(16_000);
        assert!(s.feed(1.0, 5.0, 160).is_empty());
        assert_eq!(s.feed(0.0, 3.0, 160), [PaceChange::Stalled]);
        assert_eq!(s.feed(1.0, 3.0, 160), [PaceChange::Flowing]);
        assert_eq!(s.p.reader_dropped(s.dropped), 0);
    }

    #[test]
    fn a_runaway_is_caught_within_a_step_and_its_drops_are_not_the_readers() {
        let mut s = Sim::new(16_000);
        // A slow reader first: its drops count.
        s.feed(1.0, 2.0, 100);
        s.feed(1.0, 1.0, 160);
        let slow = s.dropped;
        assert!(slow > 0);
        assert_eq!(s.p.reader_dropped(s.dropped), slow);
        let seen = s.feed(1000.0, 0.01, 160);
        assert!(
            matches!(seen[..], [PaceChange::TooFast(x)] if x > 100.0),
            "{seen:?}"
        );
        assert!(s.p.too_fast());
        assert!(s.feed(1000.0, 2.0, 160).is_empty());
        assert_eq!(s.p.reader_dropped(s.dropped), slow);
        let seen = s.feed(1.0, 1.0, 160);
        assert!(
            matches!(seen[..], [PaceChange::Paced { dropped }] if dropped == s.dropped - slow),
            "{seen:?}"
        );
        assert!(!s.p.too_fast());
        assert_eq!(s.p.reader_dropped(s.dropped), slow);
    }

    #[test]
    fn a_runaway_that_ends_a_stall_takes_the_drops_it_caused_before_it_was_seen() {
        let mut s = Sim::new(16_000);
        s.feed(1.0, 1.0, 160);
        assert_eq!(s.feed(0.0, 2.0, 160), [PaceChange::Stalled]);
        // The first runaway step already overflowed the ring before anyone looked.
        let before = s.p.reader_dropped(s.dropped);
        let seen = s.feed(1000.0, 0.01, 160);
        assert_eq!(seen, [PaceChange::Flowing]);
        // Not yet known to be a runaway: its drops wait for the window, never counted.
        assert_eq!(s.p.reader_dropped(s.dropped), before);
        let seen = s.feed(1000.0, 0.01, 160);
        assert!(matches!(seen[..], [PaceChange::TooFast(_)]), "{seen:?}");
        assert_eq!(s.p.reader_dropped(s.dropped), 0);
    }

    #[test]
    fn a_burst_of_its_own_buffer_or_a_little_jitter_is_not_too_fast() {
        let mut s = Sim::new(48_000);
        // A 0.4 s buffer delivered at once, then 1.2× for a while.
        s.offered += 19_200;
        assert_eq!(s.p.observe(s.t, s.offered, 0), None);
        let seen = s.feed(1.2 * 3.0, 3.0, 1000);
        assert!(seen.is_empty(), "{seen:?}");
    }
}
