//! `groundprobe bench`'s record: per-stage percentiles of one run of the real pipeline,
//! what a listener waits, memory, model load times, the machine and the build — in a
//! stable, versioned JSON schema (documented in `benches/README.md`), so that results from
//! different boards can be put side by side ([`compare`], [`plot`]).

pub mod compare;
pub mod machine;
pub mod memory;
pub mod plot;
pub mod scaling;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::timing::StageStats;
pub use machine::{Build, Machine};
pub use scaling::ProbeScaling;

/// Version of the JSON schema; bumped when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// p50/p95/p99 in microseconds (compute latencies).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MicroPercentiles {
    /// Median.
    pub p50_us: f64,
    /// 95th percentile.
    pub p95_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
}

/// p50/p95 in milliseconds (what a listener waits).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MilliPercentiles {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl MicroPercentiles {
    /// Of values in microseconds; `None` when empty.
    pub fn of(us: &[f64]) -> Option<Self> {
        let p = crate::summary::Percentiles::of(us)?;
        Some(Self {
            p50_us: p.p50,
            p95_us: p.p95,
            p99_us: p.p99,
        })
    }
}

impl MilliPercentiles {
    /// Of values in milliseconds; `None` when empty.
    pub fn of(ms: &[f64]) -> Option<Self> {
        let p = crate::summary::Percentiles::of(ms)?;
        Some(Self {
            p50: p.p50,
            p95: p.p95,
        })
    }
}

/// What was streamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchInput {
    /// The files, as given (or the bundled demo folder).
    pub files: Vec<String>,
    /// Seconds of audio streamed (after looping, if the inputs were looped).
    pub audio_seconds: f64,
    /// Words found and probed.
    pub words: usize,
    /// Streamed at real-time pace (as a microphone would), or as fast as possible.
    pub paced: bool,
    /// Encoders run, in order.
    pub encoders: Vec<String>,
}

/// One `groundprobe bench` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// [`SCHEMA_VERSION`] of this record.
    pub version: u32,
    /// Seconds since the Unix epoch when the run ended.
    pub created_unix: u64,
    /// What was streamed.
    pub input: BenchInput,
    /// Per stage (`resample`, `vad`, `segment`, `front_end:<enc>`, `encoder:<enc>`,
    /// `encoder:<enc>:<length>`, `head:<enc>`, `probe:<enc>`, `serialise`, `ui_frame`).
    pub stages: BTreeMap<String, StageStats>,
    /// Compute from the segmenter deciding a word has ended to every probe updated.
    pub word_end_to_update_us: Option<MicroPercentiles>,
    /// Audio from the end of a word's last speech frame to the segmenter's decision.
    pub end_of_speech_to_word_ms: Option<MilliPercentiles>,
    /// Their sum per word: end of speech → the word on screen with its neighbours.
    pub listener_wait_ms: Option<MilliPercentiles>,
    /// With `--speculate-ms`: audio from the end of a word's last speech frame to its
    /// first line (its provisional one when that was confirmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_speech_to_first_line_ms: Option<MilliPercentiles>,
    /// With `--speculate-ms`: provisional words retracted, and written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retracted: Option<(usize, usize)>,
    /// Wall-clock seconds per second of audio.
    pub rtf: f64,
    /// Peak resident memory of the process (bytes).
    pub peak_rss_bytes: Option<u64>,
    /// Resident memory once the models were loaded, before any audio (bytes).
    pub rss_after_load_bytes: Option<u64>,
    /// Milliseconds to load each model (voice activity and encoders).
    pub model_load_ms: BTreeMap<String, f64>,
    /// Per model: tract's time over onnxruntime's on the same inputs (`null` when
    /// onnxruntime was not compared; see `ort_note`).
    pub ort_ratio: Option<BTreeMap<String, f64>>,
    /// Why `ort_ratio` is missing, or how it was measured.
    pub ort_note: Option<String>,
    /// One word's probe update at growing session sizes (`--probe-scaling`).
    pub probe_scaling: Option<ProbeScaling>,
    /// The hardware.
    pub machine: Machine,
    /// The binary.
    pub build: Build,
}

impl BenchReport {
    /// Reads a report written by `bench --json` / `--out`.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::Data`] when it is not a
    /// report of this schema version (the message names the file and the field).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::data(path, format!("not JSON: {e}")))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(Error::data(
                    path,
                    format!("field `version`: schema {v}, this build reads {SCHEMA_VERSION}"),
                ));
            }
            None => {
                return Err(Error::data(
                    path,
                    "field `version` missing: not a groundprobe bench report",
                ));
            }
        }
        serde_json::from_value(value).map_err(|e| Error::data(path, e.to_string()))
    }
}
