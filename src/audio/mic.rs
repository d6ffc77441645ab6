//! Microphone capture: the real-time callback's core, and (with the `mic` feature) the
//! cpal input stream around it.
//!
//! The core, [`MonoMixer::mix_and_push`], is a plain function with no cpal types so that it
//! can be tested anywhere (`tests/callback_alloc.rs` proves it never allocates): it averages
//! interleaved frames to mono `f32` into a fixed-capacity [`heapless::Vec`] and hands full
//! blocks to [`RingWriter::push`], which never blocks and counts what does not fit. No
//! allocation, lock, log, panic or system call happens on this path.
//!
//! With the `mic` feature, `open` builds a cpal input stream (i16, u16, i32 or f32 device
//! formats, any channel count and native rate — the engine thread resamples) whose error
//! callback only raises an atomic flag (`Mic::is_lost`); the caller drops the stream and
//! opens a new one to retry.

use std::time::{Duration, Instant};

use crate::audio::ring::{RingReader, RingWriter, ring};

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
    /// Non-finite samples become silence; a trailing partial frame is ignored.
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
            let mono = if mono.is_finite() { mono } else { 0.0 };
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

#[cfg(feature = "mic")]
pub use device::{Mic, MicInfo, input_devices, open};

#[cfg(feature = "mic")]
mod device {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    use cpal::{ErrorKind, SampleFormat, SizedSample};

    use super::{InputSample, MicError, MonoMixer};
    use crate::audio::ring::RingWriter;

    type Result<T> = std::result::Result<T, MicError>;

    /// What was opened.
    #[derive(Debug, Clone)]
    pub struct MicInfo {
        /// Device name.
        pub name: String,
        /// Native sample rate (the engine thread resamples to 16 kHz).
        pub sample_rate: u32,
        /// Channels mixed to mono.
        pub channels: u16,
        /// Device sample format.
        pub format: String,
    }

    /// A running input stream. Dropping it stops capture and closes the ring.
    pub struct Mic {
        _stream: cpal::Stream,
        lost: Arc<AtomicBool>,
        xruns: Arc<AtomicU64>,
        info: MicInfo,
    }

    impl Mic {
        /// The device and format in use.
        pub fn info(&self) -> &MicInfo {
            &self.info
        }

        /// True once the device reported an error that stops the stream (unplugged, host
        /// gone); drop this and [`open`] again to retry.
        pub fn is_lost(&self) -> bool {
            self.lost.load(Ordering::Relaxed)
        }

        /// Over- and underruns the host reported.
        pub fn xruns(&self) -> u64 {
            self.xruns.load(Ordering::Relaxed)
        }
    }

    /// A device's short identifier (e.g. `hw:1,0`) and its description.
    impl super::Capture for Mic {
        fn is_lost(&self) -> bool {
            Mic::is_lost(self)
        }
        fn sample_rate(&self) -> u32 {
            self.info.sample_rate
        }
        fn name(&self) -> String {
            self.info.name.clone()
        }
    }

    fn describe(d: &cpal::Device) -> (String, String) {
        let id = d.id().map(|i| i.id().to_string()).unwrap_or_default();
        let desc = d
            .description()
            .map(|desc| desc.name().to_string())
            .unwrap_or_default();
        (id, desc)
    }

    fn device_name(d: &cpal::Device) -> String {
        match describe(d) {
            (id, desc) if id.is_empty() => desc,
            (id, _) => id,
        }
    }

    fn mic_error(reason: impl Into<String>) -> MicError {
        MicError(reason.into())
    }

    /// The input devices of the default host: (identifier, description) each; empty when
    /// there are none.
    ///
    /// # Errors
    /// [`MicError`] when the host cannot list its devices.
    pub fn input_devices() -> Result<Vec<(String, String)>> {
        let host = cpal::default_host();
        let devices = host
            .input_devices()
            .map_err(|e| mic_error(format!("cannot list input devices: {e}")))?;
        Ok(devices.map(|d| describe(&d)).collect())
    }

    fn find_device(name: Option<&str>) -> Result<cpal::Device> {
        let host = cpal::default_host();
        let Some(want) = name else {
            return host.default_input_device().ok_or_else(|| {
                mic_error("no default input device (is a microphone connected? `groundprobe devices` lists them)")
            });
        };
        let devices: Vec<cpal::Device> = host
            .input_devices()
            .map_err(|e| mic_error(format!("cannot list input devices: {e}")))?
            .collect();
        let names: Vec<(String, String)> = devices.iter().map(describe).collect();
        let lower = want.to_lowercase();
        let pick = names
            .iter()
            .position(|(id, desc)| id == want || desc == want)
            .or_else(|| {
                names.iter().position(|(id, desc)| {
                    id.to_lowercase().contains(&lower) || desc.to_lowercase().contains(&lower)
                })
            });
        match pick {
            Some(i) => Ok(devices
                .into_iter()
                .nth(i)
                .expect("index from the same list")),
            None => Err(mic_error(format!(
                "--device `{want}` matches no input device; available: {}",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names
                        .iter()
                        .map(|(id, _)| id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))),
        }
    }

    /// Opens an input device (by exact name or case-insensitive substring; `None` = the
    /// default) and starts streaming mono samples at its native rate into `writer`.
    ///
    /// # Errors
    /// [`MicError`] when there is no such device, its format is unsupported, or the
    /// stream cannot start.
    pub fn open(name: Option<&str>, writer: RingWriter) -> Result<Mic> {
        let device = find_device(name)?;
        let dev_name = device_name(&device);
        let supported = device
            .default_input_config()
            .map_err(|e| mic_error(format!("{dev_name}: no usable input configuration: {e}")))?;
        let format = supported.sample_format();
        let config = supported.config();
        let lost = Arc::new(AtomicBool::new(false));
        let xruns = Arc::new(AtomicU64::new(0));
        let stream = match format {
            SampleFormat::F32 => build::<f32>(&device, &config, writer, &lost, &xruns),
            SampleFormat::I16 => build::<i16>(&device, &config, writer, &lost, &xruns),
            SampleFormat::U16 => build::<u16>(&device, &config, writer, &lost, &xruns),
            SampleFormat::I32 => build::<i32>(&device, &config, writer, &lost, &xruns),
            other => {
                return Err(mic_error(format!(
                    "{dev_name}: sample format {other} is not supported (i16, u16, i32, f32 are)"
                )));
            }
        }
        .map_err(|e| mic_error(format!("{dev_name}: cannot open an input stream: {e}")))?;
        stream
            .play()
            .map_err(|e| mic_error(format!("{dev_name}: cannot start capture: {e}")))?;
        Ok(Mic {
            _stream: stream,
            lost,
            xruns,
            info: MicInfo {
                name: dev_name,
                sample_rate: config.sample_rate,
                channels: config.channels,
                format: format.to_string(),
            },
        })
    }

    fn build<T: SizedSample + InputSample>(
        device: &cpal::Device,
        config: &cpal::StreamConfig,
        mut writer: RingWriter,
        lost: &Arc<AtomicBool>,
        xruns: &Arc<AtomicU64>,
    ) -> std::result::Result<cpal::Stream, cpal::Error> {
        let mut mixer = MonoMixer::new(config.channels);
        let (lost, xruns) = (lost.clone(), xruns.clone());
        device.build_input_stream::<T, _, _>(
            *config,
            move |data: &[T], _info| {
                mixer.mix_and_push(data, &mut writer);
            },
            move |err: cpal::Error| match err.kind() {
                ErrorKind::Xrun => {
                    xruns.fetch_add(1, Ordering::Relaxed);
                }
                ErrorKind::DeviceChanged | ErrorKind::RealtimeDenied => {}
                _ => lost.store(true, Ordering::Relaxed),
            },
            None,
        )
    }
}

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
