//! Audio in: decoding files, the lock-free ring between a producer (file feeder, demo
//! player or microphone callback) and the engine, and resampling to the engine's rate.

pub mod feed;
pub mod mic;
pub mod resample;
pub mod ring;
pub mod wav;

/// The sample rate every model in the engine runs at.
pub const ENGINE_RATE: u32 = 16_000;
