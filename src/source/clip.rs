//! A decoded clip as a source: as fast as the engine takes it (files), or paced in real
//! time like a sound card (the demo), with a clock that pauses.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Pull, Source};
use crate::audio::wav::Clip;
use crate::error::Result;
use crate::event::SourceInfo;
use crate::labels::Labels;

/// How fast a clip is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// As fast as the driver pulls; nothing is ever lost.
    Fast,
    /// In real time, 10 ms blocks, like a microphone.
    RealTime,
}

/// The pausable wall clock of a paced clip.
#[derive(Debug, Clone)]
struct Clock {
    started: Instant,
    paused_at: Option<Instant>,
    paused_for: Duration,
}

impl Clock {
    fn running(&self, now: Instant) -> Duration {
        let paused = self.paused_for + self.paused_at.map_or(Duration::ZERO, |t| now - t);
        (now - self.started).saturating_sub(paused)
    }
}

/// Mono samples at their native rate, played once.
#[derive(Debug, Clone)]
pub struct ClipSource {
    name: String,
    rate: u32,
    samples: Arc<[f32]>,
    pos: usize,
    labels: Labels,
    pace: Pace,
    reference: bool,
    clock: Option<Clock>,
}

impl ClipSource {
    /// A source playing `samples` (mono, `rate` Hz) named `name`.
    pub fn new(name: impl Into<String>, rate: u32, samples: Arc<[f32]>, pace: Pace) -> Self {
        Self {
            name: name.into(),
            rate,
            samples,
            pos: 0,
            labels: Labels::None,
            pace,
            reference: false,
            clock: None,
        }
    }

    /// A source playing a decoded file.
    pub fn from_clip(clip: &Clip, pace: Pace) -> Self {
        Self::new(
            clip.path.display().to_string(),
            clip.sample_rate,
            clip.samples.clone().into(),
            pace,
        )
    }

    /// The same, with these labels for its words.
    pub fn with_labels(mut self, labels: Labels) -> Self {
        self.labels = labels;
        self
    }

    /// The same, its words marked as a reference bank rather than said in the session.
    pub fn as_reference(mut self) -> Self {
        self.reference = true;
        self
    }

    /// Samples per paced block (10 ms).
    fn block(&self) -> usize {
        (self.rate as usize / 100).max(1)
    }

    /// Samples due by now on the paced clock.
    fn due(&mut self, now: Instant) -> (usize, Duration) {
        let clock = self.clock.get_or_insert(Clock {
            started: now,
            paused_at: None,
            paused_for: Duration::ZERO,
        });
        if clock.paused_at.is_some() {
            return (self.pos, Duration::from_millis(10));
        }
        let block = (self.rate as usize / 100).max(1);
        let elapsed = clock.running(now).as_secs_f64();
        let blocks = (elapsed * self.rate as f64 / block as f64).floor() as usize + 1;
        let next_at = blocks as f64 * block as f64 / self.rate as f64;
        let wait = Duration::from_secs_f64((next_at - elapsed).max(0.0005));
        (blocks * block, wait)
    }
}

impl Source for ClipSource {
    fn info(&self) -> SourceInfo {
        SourceInfo {
            name: self.name.clone(),
            sample_rate: self.rate,
            seconds: Some(self.samples.len() as f64 / self.rate.max(1) as f64),
            reference: self.reference,
        }
    }

    fn labels(&mut self) -> Labels {
        std::mem::take(&mut self.labels)
    }

    fn pull(&mut self, buf: &mut [f32]) -> Result<Pull> {
        if self.pos >= self.samples.len() {
            return Ok(Pull::End);
        }
        let limit = match self.pace {
            Pace::Fast => self.samples.len(),
            Pace::RealTime => {
                let (due, wait) = self.due(Instant::now());
                if due <= self.pos {
                    return Ok(Pull::Wait(wait));
                }
                due.min(self.pos + self.block() * 4)
            }
        };
        let n = (limit.min(self.samples.len()) - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.samples[self.pos..self.pos + n]);
        self.pos += n;
        Ok(Pull::Samples(n))
    }

    fn set_paused(&mut self, paused: bool) {
        let now = Instant::now();
        if let Some(clock) = self.clock.as_mut() {
            match (clock.paused_at, paused) {
                (None, true) => clock.paused_at = Some(now),
                (Some(at), false) => {
                    clock.paused_for += now - at;
                    clock.paused_at = None;
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(src: &mut ClipSource) -> Vec<f32> {
        let mut out = Vec::new();
        let mut buf = [0.0; 700];
        loop {
            match src.pull(&mut buf).unwrap() {
                Pull::Samples(n) => out.extend_from_slice(&buf[..n]),
                Pull::Wait(d) => std::thread::sleep(d),
                Pull::End => return out,
                Pull::Device(_) | Pull::Status(_) => unreachable!("clips have no device"),
            }
        }
    }

    #[test]
    fn a_fast_clip_delivers_every_sample_in_order() {
        let x: Arc<[f32]> = (0..10_000).map(|i| i as f32).collect();
        let mut src = ClipSource::new("x", 8_000, x.clone(), Pace::Fast);
        assert_eq!(drain(&mut src), &x[..]);
    }

    #[test]
    fn a_paced_clip_takes_its_own_duration_and_pauses() {
        let x: Arc<[f32]> = vec![0.5; 1_600].into(); // 100 ms at 16 kHz
        let mut src = ClipSource::new("x", 16_000, x, Pace::RealTime);
        let t = Instant::now();
        let mut buf = [0.0; 4096];
        assert!(matches!(src.pull(&mut buf).unwrap(), Pull::Samples(160)));
        src.set_paused(true);
        std::thread::sleep(Duration::from_millis(60));
        assert!(matches!(src.pull(&mut buf).unwrap(), Pull::Wait(_)));
        src.set_paused(false);
        assert_eq!(drain(&mut src).len(), 1_600 - 160);
        assert!(
            t.elapsed() >= Duration::from_millis(150),
            "{:?}",
            t.elapsed()
        );
    }
}
