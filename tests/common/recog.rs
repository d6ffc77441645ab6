//! The recogniser and the Whisper encoder it decodes from, as the tests load them.

use std::path::PathBuf;

use groundprobe::model::{Encoder, Recogniser};

/// The ten FSDD digit words.
pub const DIGITS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// The recogniser's manifest.
pub fn manifest() -> PathBuf {
    super::models().join("whisper-tiny-en-decoder/manifest.toml")
}

/// The bundled recogniser.
pub fn recogniser() -> Recogniser {
    Recogniser::load(&manifest()).expect("load the recogniser")
}

/// The bundled Whisper tiny.en encoder.
pub fn whisper() -> Encoder {
    Encoder::load(&super::models().join("whisper-tiny-en/manifest.toml")).expect("load whisper")
}
