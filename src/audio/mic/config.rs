//! Which stream configuration to capture with (feature `mic`): the device's default, or the
//! rate, channel count and sample format a user asked for, checked against what the device
//! supports; and the device's capabilities in words, for `groundprobe devices`.

use std::fmt;
use std::str::FromStr;

use cpal::traits::DeviceTrait;
use cpal::{SampleFormat, StreamConfig, SupportedStreamConfigRange};

use super::reconnect::MicError;

/// A sample format the capture callback converts (ALSA names in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Signed 16-bit (S16_LE).
    I16,
    /// Unsigned 16-bit (U16_LE).
    U16,
    /// Signed 32-bit (S32_LE).
    I32,
    /// 32-bit float (FLOAT_LE).
    F32,
}

impl CaptureFormat {
    fn sample_format(self) -> SampleFormat {
        match self {
            Self::I16 => SampleFormat::I16,
            Self::U16 => SampleFormat::U16,
            Self::I32 => SampleFormat::I32,
            Self::F32 => SampleFormat::F32,
        }
    }

    fn of(format: SampleFormat) -> Option<Self> {
        match format {
            SampleFormat::I16 => Some(Self::I16),
            SampleFormat::U16 => Some(Self::U16),
            SampleFormat::I32 => Some(Self::I32),
            SampleFormat::F32 => Some(Self::F32),
            _ => None,
        }
    }
}

impl FromStr for CaptureFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "s16" | "i16" | "s16_le" => Ok(Self::I16),
            "u16" | "u16_le" => Ok(Self::U16),
            "s32" | "i32" | "s32_le" => Ok(Self::I32),
            "f32" | "float" | "float_le" => Ok(Self::F32),
            other => Err(format!(
                "unknown sample format `{other}` (s16, u16, s32 or f32; ALSA names like S16_LE work too)"
            )),
        }
    }
}

impl fmt::Display for CaptureFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.sample_format().fmt(f)
    }
}

/// What to capture with; every field left `None` takes the device's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaptureRequest {
    /// Sample rate in Hz.
    pub rate: Option<u32>,
    /// Interleaved channels (mixed to mono).
    pub channels: Option<u16>,
    /// Sample format.
    pub format: Option<CaptureFormat>,
}

impl CaptureRequest {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }

    fn admits(&self, range: &SupportedStreamConfigRange) -> bool {
        let rate_ok = self
            .rate
            .is_none_or(|r| (range.min_sample_rate()..=range.max_sample_rate()).contains(&r));
        rate_ok
            && self.channels.is_none_or(|c| c == range.channels())
            && self
                .format
                .is_none_or(|f| f.sample_format() == range.sample_format())
            && CaptureFormat::of(range.sample_format()).is_some()
    }
}

/// A supported configuration range in words, e.g. `i16 2 ch 8000–96000 Hz`.
fn describe_range(r: &SupportedStreamConfigRange) -> String {
    let rates = if r.min_sample_rate() == r.max_sample_rate() {
        format!("{} Hz", r.min_sample_rate())
    } else {
        format!("{}–{} Hz", r.min_sample_rate(), r.max_sample_rate())
    };
    format!("{} {} ch {rates}", r.sample_format(), r.channels())
}

fn default_config(
    device: &cpal::Device,
    name: &str,
) -> Result<cpal::SupportedStreamConfig, MicError> {
    device
        .default_input_config()
        .map_err(|e| MicError(format!("{name}: no usable input configuration: {e}")))
}

fn supported(
    device: &cpal::Device,
    name: &str,
) -> Result<Vec<SupportedStreamConfigRange>, MicError> {
    Ok(device
        .supported_input_configs()
        .map_err(|e| MicError(format!("{name}: cannot list its configurations: {e}")))?
        .collect())
}

/// The device's default input configuration and every supported range, in words.
///
/// # Errors
/// [`MicError`] when the device cannot report them.
pub fn capabilities(device: &cpal::Device, name: &str) -> Result<(String, Vec<String>), MicError> {
    let default = default_config(device, name)?;
    let default = format!(
        "{} Hz, {} ch, {}",
        default.sample_rate(),
        default.channels(),
        default.sample_format()
    );
    let ranges = supported(device, name)?
        .iter()
        .map(describe_range)
        .collect();
    Ok((default, ranges))
}

/// The configuration to open `device` with: its default when nothing was asked for,
/// otherwise the first supported range that admits the request (the device's default rate,
/// channels or format filling what was left open, where the range allows them).
///
/// # Errors
/// [`MicError`] naming the device and what it supports when nothing matches.
pub fn choose(
    device: &cpal::Device,
    name: &str,
    want: &CaptureRequest,
) -> Result<(SampleFormat, StreamConfig), MicError> {
    let default = default_config(device, name)?;
    if want.is_default() {
        return Ok((default.sample_format(), default.config()));
    }
    let ranges = supported(device, name)?;
    let filled = CaptureRequest {
        rate: want.rate.or(Some(default.sample_rate())),
        channels: want.channels.or(Some(default.channels())),
        format: want.format.or(CaptureFormat::of(default.sample_format())),
    };
    // Prefer the defaults for what was left open; fall back to any value the range has.
    let pick = ranges
        .iter()
        .find(|r| filled.admits(r))
        .or_else(|| ranges.iter().find(|r| want.admits(r)));
    let Some(range) = pick else {
        let offered: Vec<String> = ranges.iter().map(describe_range).collect();
        return Err(MicError(format!(
            "{name} cannot capture {}; it offers: {}",
            describe_request(want),
            if offered.is_empty() {
                "nothing".into()
            } else {
                offered.join(", ")
            }
        )));
    };
    let rate = want
        .rate
        .or(filled
            .rate
            .filter(|r| (range.min_sample_rate()..=range.max_sample_rate()).contains(r)))
        .unwrap_or(range.max_sample_rate());
    let config = (*range).with_sample_rate(rate);
    Ok((config.sample_format(), config.config()))
}

fn describe_request(want: &CaptureRequest) -> String {
    let mut parts = Vec::new();
    if let Some(r) = want.rate {
        parts.push(format!("{r} Hz"));
    }
    if let Some(c) = want.channels {
        parts.push(format!("{c} ch"));
    }
    if let Some(f) = want.format {
        parts.push(f.to_string());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_our_names_and_alsa_names() {
        for (text, want) in [
            ("s16", CaptureFormat::I16),
            ("S16_LE", CaptureFormat::I16),
            ("i32", CaptureFormat::I32),
            ("S32_LE", CaptureFormat::I32),
            ("FLOAT_LE", CaptureFormat::F32),
            ("f32", CaptureFormat::F32),
            ("u16", CaptureFormat::U16),
        ] {
            assert_eq!(text.parse::<CaptureFormat>(), Ok(want), "{text}");
        }
        let err = "S24_3LE".parse::<CaptureFormat>().unwrap_err();
        assert!(err.contains("s24_3le") && err.contains("s16"), "{err}");
    }
}
