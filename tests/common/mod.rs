//! Helpers shared by the integration tests: paths, the real engine, data sets.
#![allow(dead_code)] // each test binary uses a different subset

#[cfg(feature = "mic")]
pub mod alsa;
pub mod fakes;
pub mod recog;
#[cfg(feature = "ui")]
pub mod screen;

use std::path::{Path, PathBuf};

use groundprobe::audio::wav::Clip;
use groundprobe::driver::{Control, Driver};
use groundprobe::engine::{Engine, EngineConfig};
use groundprobe::event::WordEvent;
use groundprobe::labels::Labels;
use groundprobe::model::{Encoder, Vad, WordEncoder};
use groundprobe::sink::Memory;
use groundprobe::source::{ClipSource, Pace};

/// A property test's settings: `cases` streams, drawn afresh on every run, but under CI
/// (`CI` set) from one fixed seed, so that CI runs the same cases every time and a
/// failure there is the code's, not the draw's (a new failing draw found locally is
/// committed to the test's `.proptest-regressions` file once fixed).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, RngSeed};
    let rng_seed = match std::env::var_os("CI") {
        Some(_) => RngSeed::Fixed(2509),
        None => RngSeed::Random,
    };
    Config {
        cases,
        rng_seed,
        ..Config::default()
    }
}

/// The repository's models folder.
pub fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

/// The built `groundprobe`, reading the models of this repository.
pub fn groundprobe() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_groundprobe"));
    cmd.env("GROUNDPROBE_MODELS", models());
    cmd
}

/// Runs `cmd`, asserts it succeeded (else shows its stderr) and returns its stdout.
pub fn stdout_of(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().expect("start groundprobe");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs the built `groundprobe` (models from this repository) with `args`, asserts it
/// succeeded, and parses its stdout as JSON lines.
pub fn groundprobe_json<I, S>(args: I) -> Vec<serde_json::Value>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    stdout_of(groundprobe().args(args))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The shared Free Spoken Digit Dataset, or `None` (with the reason printed) when absent.
pub fn fsdd() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/fsdd/recordings");
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have {}",
            dir.display()
        );
        eprintln!(
            "SKIPPED: {} is absent (the shared data set sits beside the clone in CI)",
            dir.display()
        );
        None
    }
}

/// An engine with Silero VAD and the given encoders (by folder under models/).
pub fn engine(encoders: &[&str], config: EngineConfig) -> Engine {
    let vad = Vad::load(&models().join("silero-vad/manifest.toml")).expect("load VAD");
    let encs = encoders
        .iter()
        .map(|e| {
            let enc = Encoder::load(&models().join(e).join("manifest.toml")).expect("load encoder");
            Box::new(enc) as Box<dyn WordEncoder>
        })
        .collect();
    Engine::new(Box::new(vad), encs, config).expect("engine")
}

/// Plays a clip through the driver into the engine; returns the word events.
pub fn words_of(engine: &mut Engine, clip: &Clip, labels: Labels) -> Vec<WordEvent> {
    let mut sink = Memory::new();
    let control = Control::default();
    let mut source = ClipSource::from_clip(clip, Pace::Fast).with_labels(labels);
    Driver::new(engine, &mut sink, &control)
        .play(&mut source)
        .expect("play clip");
    sink.words().into_iter().cloned().collect()
}

/// A small deterministic generator (xorshift64*) so tests need no RNG crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

/// The reference extent of the word in a one-word recording: 20 ms frames within 35 dB
/// of the loudest and at least 6 dB above the recording's noise floor (its 10th-percentile
/// frame), joined across quiet gaps of up to 80 ms (stop closures), taking the run
/// that holds the loudest frame. Clicks at the edges of a recording, separated from the
/// word by silence, are not part of the word.
pub fn speech_span(samples: &[f32], rate: u32) -> (usize, usize) {
    let win = (rate as usize / 50).max(1);
    let rms: Vec<f32> = samples
        .chunks(win)
        .map(|c| (c.iter().map(|x| x * x).sum::<f32>() / c.len() as f32).sqrt())
        .collect();
    let peak_at = (0..rms.len())
        .max_by(|&a, &b| rms[a].total_cmp(&rms[b]))
        .unwrap_or(0);
    let mut sorted = rms.clone();
    sorted.sort_by(f32::total_cmp);
    let noise = sorted[sorted.len() / 10];
    let floor = (rms[peak_at] * 10f32.powf(-35.0 / 20.0)).max(noise * 2.0);
    let max_gap = 4; // frames of 20 ms
    let grow = |mut i: usize, step: isize| {
        let mut quiet = 0;
        let mut edge = i;
        while let Some(j) = i.checked_add_signed(step).filter(|&j| j < rms.len()) {
            i = j;
            if rms[i] >= floor {
                edge = i;
                quiet = 0;
            } else {
                quiet += 1;
                if quiet > max_gap {
                    break;
                }
            }
        }
        edge
    };
    let (first, last) = (grow(peak_at, -1), grow(peak_at, 1));
    (first * win, ((last + 1) * win).min(samples.len()))
}

/// Whether a program is on PATH.
pub fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok()
}
