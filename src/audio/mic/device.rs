//! The cpal input stream (feature `mic`): any of the device's i16, u16, i32 or f32
//! formats, any channel count and native rate (the driver resamples); its error callback
//! only raises an atomic flag.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{ErrorKind, SampleFormat, SizedSample};

use super::config::{self, CaptureRequest};
use super::mixer::{InputSample, MonoMixer};
use super::reconnect::MicError;
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

impl super::reconnect::Capture for Mic {
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

/// A device's short identifier (e.g. `hw:1,0`) and its description.
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

/// An input device and what it can capture.
#[derive(Debug, Clone)]
pub struct DeviceInfo {
    /// Short identifier (e.g. `hw:1,0`), what `--device` takes.
    pub id: String,
    /// Description from the host.
    pub description: String,
    /// The default input configuration (`48000 Hz, 2 ch, i16`), or why there is none.
    pub default: std::result::Result<String, String>,
    /// Every supported configuration range (`i16 2 ch 8000–96000 Hz`).
    pub ranges: Vec<String>,
}

/// The input devices of the default host with their capabilities; empty when there are
/// none.
///
/// # Errors
/// [`MicError`] when the host cannot list its devices.
pub fn input_devices() -> Result<Vec<DeviceInfo>> {
    let host = cpal::default_host();
    let devices = host
        .input_devices()
        .map_err(|e| mic_error(format!("cannot list input devices: {e}")))?;
    Ok(devices
        .map(|d| {
            let (id, description) = describe(&d);
            let (default, ranges) = match config::capabilities(&d, &device_name(&d)) {
                Ok((default, ranges)) => (Ok(default), ranges),
                Err(e) => (Err(e.0), Vec::new()),
            };
            DeviceInfo {
                id,
                description,
                default,
                ranges,
            }
        })
        .collect())
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
/// default) with the configuration `want` asks for (the device's default where it is
/// silent) and starts streaming mono samples at its native rate into `writer`.
///
/// # Errors
/// [`MicError`] when there is no such device, it cannot capture what was asked, its
/// format is unsupported, or the stream cannot start.
pub fn open(name: Option<&str>, want: &CaptureRequest, writer: RingWriter) -> Result<Mic> {
    let device = find_device(name)?;
    let dev_name = device_name(&device);
    let (format, config) = config::choose(&device, &dev_name, want)?;
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
