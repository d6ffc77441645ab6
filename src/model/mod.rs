//! Models: manifests (parsed and checked), front ends, and the tract-backed encoders,
//! recogniser and voice-activity model they describe. Every model is loaded through its manifest.

pub mod encoder;
pub mod frontend;
pub mod manifest;
pub mod plan;
pub mod raw;
pub mod recogniser;
pub mod registry;
pub mod seam;
#[cfg(feature = "ort")]
pub mod shadow;
pub mod text;
pub mod vad;

pub use encoder::Encoder;
pub use manifest::Manifest;
pub use recogniser::{Heard, Recogniser};
pub use seam::{EncoderInfo, VoiceActivity, WordEncoder, WordVectors};
pub use text::{Pooling, TextEncoder};
pub use vad::Vad;
