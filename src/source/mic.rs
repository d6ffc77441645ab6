//! The microphone as a source (feature `mic`): the cpal callback fills a lock-free ring,
//! [`MicSource::pull`] drains it. A lost device is reported, retried every second, and
//! picked up again (perhaps at another rate) without losing the session.

use std::time::{Duration, Instant};

use super::{Pull, Source};
use crate::audio::mic::{self, DeviceChange, Mic, MicError, MicInfo, Reconnect};
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
    info: SourceInfo,
    device: MicInfo,
    labels: Labels,
    /// Drops counted by rings of earlier streams.
    dropped_before: u64,
}

impl MicSource {
    /// Opens `device` (exact name or part of it; `None` = the default input) and starts
    /// capturing; its words take `labels`.
    ///
    /// # Errors
    /// [`MicError`] when there is no such device or it cannot stream.
    pub fn open(device: Option<&str>, labels: Labels) -> std::result::Result<Self, MicError> {
        let (writer, reader) = ring(RING_CAPACITY);
        let first = mic::open(device, writer)?;
        let info = first.info().clone();
        let wanted = device.map(str::to_string);
        let opener: Opener = Box::new(move |w| mic::open(wanted.as_deref(), w));
        Ok(Self {
            reconnect: Reconnect::new(first, opener, Duration::from_secs(1), RING_CAPACITY),
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
        })
    }

    /// The device and format in use.
    pub fn device(&self) -> &MicInfo {
        &self.device
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
        match self.reconnect.poll(Instant::now()) {
            Some(DeviceChange::Lost) => {
                self.dropped_before += self.reader.take().map_or(0, |r| r.dropped());
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
        Ok(match reader.pop(buf) {
            Popped::Samples(n) => Pull::Samples(n),
            Popped::Empty | Popped::Closed => Pull::Wait(Duration::from_millis(2)),
        })
    }

    fn dropped(&self) -> u64 {
        self.dropped_before + self.reader.as_ref().map_or(0, RingReader::dropped)
    }
}
