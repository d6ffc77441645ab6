//! Microphone capture: the real-time callback's core, and (with the `mic` feature) the
//! cpal input stream around it.
//!
//! The core, [`MonoMixer::mix_and_push`], is a plain function with no cpal types so that it
//! can be tested anywhere (`tests/callback_alloc.rs` proves it never allocates): it averages
//! interleaved frames to mono `f32` into a fixed-capacity [`heapless::Vec`] and hands full
//! blocks to [`RingWriter::push`], which never blocks and counts what does not fit. No
//! allocation, lock, log, panic or system call happens on this path.
//!
//! With the `mic` feature, [`open`] builds a cpal input stream (i16, u16, i32 or f32 device
//! formats, any channel count and native rate — the engine thread resamples) whose error
//! callback only raises an atomic flag ([`Mic::is_lost`]); the caller drops the stream and
//! opens a new one to retry.

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

/// A microphone problem, for people (names the device and what went wrong).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct MicError(pub String);

#[cfg(feature = "mic")]
pub use device::{Mic, MicInfo, input_device_names, open};

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

    fn device_name(d: &cpal::Device) -> String {
        d.description()
            .map(|desc| desc.name().to_string())
            .unwrap_or_else(|_| d.to_string())
    }

    fn mic_error(reason: impl Into<String>) -> MicError {
        MicError(reason.into())
    }

    /// Names of the input devices of the default host (empty when there are none).
    ///
    /// # Errors
    /// [`MicError`] when the host cannot list its devices.
    pub fn input_device_names() -> Result<Vec<String>> {
        let host = cpal::default_host();
        let devices = host
            .input_devices()
            .map_err(|e| mic_error(format!("cannot list input devices: {e}")))?;
        Ok(devices.map(|d| device_name(&d)).collect())
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
        let names: Vec<String> = devices.iter().map(device_name).collect();
        let lower = want.to_lowercase();
        let pick = names
            .iter()
            .position(|n| n == want)
            .or_else(|| names.iter().position(|n| n.to_lowercase().contains(&lower)));
        match pick {
            Some(i) => Ok(devices.into_iter().nth(i).expect("index from the same list")),
            None => Err(mic_error(format!(
                "--device `{want}` matches no input device; available: {}",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
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
