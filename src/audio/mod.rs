//! Audio in: decoding files, the lock-free ring between the microphone callback and the
//! driver, and resampling to the engine's rate.

pub mod mic;
pub mod resample;
pub mod ring;
pub mod wav;

/// The sample rate every model in the engine runs at.
pub const ENGINE_RATE: u32 = 16_000;
