//! The microphone as a source (feature `mic`): the cpal callback fills a lock-free ring,
//! [`MicSource::pull`] drains it. A lost device is reported, retried every second, and
//! picked up again (perhaps at another rate) without losing the session. A stalled
//! stream is reported and waited for; audio delivered faster than real time (not a live
//! clock: an ended file or pipe behind an ALSA plugin) is reported and ignored until the
//! device is paced again, so the session's clock never runs away.

use std::time::{Duration, Instant};

use super::{Pull, Source};
use crate::audio::mic::pacing::STALL_AFTER;
use crate::audio::mic::{
    self, CaptureRequest, DeviceChange, Mic, MicError, MicInfo, PaceChange, Pacing, Reconnect,
};
use crate::audio::ring::{Popped, RingReader, RingWriter, ring};
use crate::error::Result;
use crate::event::{DeviceStatus, SourceInfo};
use crate::labels::Labels;

/// Samples the ring between callback and driver holds: two seconds at 48 kHz.
pub const RING_CAPACITY: usize = 96_000;

type Opener = Box<dyn FnMut(RingWriter) -> std::result::Result<Mic, MicError> + Send>;

/// A capture device, kept open across unplugging.
pub struct MicSource {
    reconnect: Reconnect<Mic, Opener>,
    reader: Option<RingReader>,
    pacing: Pacing,
    info: SourceInfo,
    device: MicInfo,
    labels: Labels,
    /// Drops the engine's lag caused on rings of earlier streams.
    dropped_before: u64,
    /// Samples read and thrown away since the device turned too fast.
    ignored: u64,
}

impl MicSource {
    /// Opens `device` (exact name or part of it; `None` = the default input) with the
    /// configuration `want` asks for and starts capturing; its words take `labels`.
    ///
    /// # Errors
    /// [`MicError`] when there is no such device or it cannot stream what was asked.
    pub fn open(
        device: Option<&str>,
        want: CaptureRequest,
        labels: Labels,
    ) -> std::result::Result<Self, MicError> {
        let (writer, reader) = ring(RING_CAPACITY);
        let first = mic::open(device, &want, writer)?;
        let info = first.info().clone();
        let wanted = device.map(str::to_string);
        let opener: Opener = Box::new(move |w| mic::open(wanted.as_deref(), &want, w));
        Ok(Self {
            reconnect: Reconnect::new(first, opener, Duration::from_secs(1), RING_CAPACITY),
            pacing: Pacing::new(info.sample_rate, Instant::now(), reader.offered()),
            reader: Some(reader),
            info: SourceInfo {
                name: info.name.clone(),
                sample_rate: info.sample_rate,
                seconds: None,
                reference: false,
            },
            device: info,
            labels,
            dropped_before: 0,
            ignored: 0,
        })
    }

    /// The device and format in use.
    pub fn device(&self) -> &MicInfo {
        &self.device
    }

    /// What a change of pace means for people, and the bookkeeping it starts or ends.
    fn paced(&mut self, change: PaceChange) -> DeviceStatus {
        let name = &self.info.name;
        let (message, ok) = match change {
            PaceChange::Stalled => (
                format!(
                    "no audio from {name} for {} s — waiting (the session's words are kept)",
                    STALL_AFTER.as_secs()
                ),
                false,
            ),
            PaceChange::Flowing => (format!("audio from {name} again"), true),
            PaceChange::TooFast(x) => {
                self.ignored = 0;
                (
                    format!(
                        "{name} delivers audio {x:.0}× faster than real time — not a live \
                         clock (an input that ended?); its audio is ignored until it is paced"
                    ),
                    false,
                )
            }
            PaceChange::Paced { dropped } => {
                let seconds = (self.ignored + dropped) as f64 / f64::from(self.info.sample_rate);
                (
                    format!(
                        "{name} is paced again ({seconds:.1} s of audio delivered too fast was ignored)"
                    ),
                    true,
                )
            }
        };
        DeviceStatus { message, ok }
    }
}

impl Source for MicSource {
    fn info(&self) -> SourceInfo {
        self.info.clone()
    }

    fn labels(&mut self) -> Labels {
        self.labels.clone()
    }

    fn pull(&mut self, buf: &mut [f32]) -> Result<Pull> {
        let lost = |message: String| Ok(Pull::Device(DeviceStatus { message, ok: false }));
        let now = Instant::now();
        match self.reconnect.poll(now) {
            Some(DeviceChange::Lost) => {
                let ring = self.reader.take().map_or(0, |r| r.dropped());
                self.dropped_before += self.pacing.reader_dropped(ring);
                return lost("device lost — retrying".into());
            }
            Some(DeviceChange::StillLost(e)) => {
                return lost(format!("device lost — retrying ({e})"));
            }
            Some(DeviceChange::Back {
                reader,
                sample_rate,
                name,
            }) => {
                self.pacing = Pacing::new(sample_rate, now, reader.offered());
                self.reader = Some(reader);
                self.info.sample_rate = sample_rate;
                self.info.name = name.clone();
                return Ok(Pull::Device(DeviceStatus {
                    message: format!("{name} is back"),
                    ok: true,
                }));
            }
            None => {}
        }
        let Some(reader) = self.reader.as_mut() else {
            return Ok(Pull::Wait(Duration::from_millis(50)));
        };
        if let Some(change) = self.pacing.observe(now, reader.offered(), reader.dropped()) {
            return Ok(Pull::Status(self.paced(change)));
        }
        let too_fast = self.pacing.too_fast();
        Ok(match reader.pop(buf) {
            Popped::Samples(n) if too_fast => {
                self.ignored += n as u64;
                Pull::Wait(Duration::from_millis(2))
            }
            Popped::Samples(n) => Pull::Samples(n),
            Popped::Empty | Popped::Closed => Pull::Wait(Duration::from_millis(2)),
        })
    }

    fn dropped(&self) -> u64 {
        let ring = self.reader.as_ref().map_or(0, RingReader::dropped);
        self.dropped_before + self.pacing.reader_dropped(ring)
    }
}
