//! Microphone capture: the real-time callback's core ([`mixer`]), keeping a device
//! running across unplugging ([`reconnect`]), telling a live clock from a stalled or
//! runaway one ([`pacing`]), and (with the `mic` feature) the cpal input stream around them
//! (`device`) with its configuration (`config`).
//!
//! The core, [`MonoMixer::mix_and_push`], is a plain function with no cpal types so that it
//! can be tested anywhere (`tests/callback_alloc.rs` proves it never allocates): it averages
//! interleaved frames to mono `f32` into a fixed-capacity [`heapless::Vec`] and hands full
//! blocks to [`crate::audio::ring::RingWriter::push`], which never blocks and counts what
//! does not fit. No allocation, lock, log, panic or system call happens on this path.

#[cfg(feature = "mic")]
mod config;
#[cfg(feature = "mic")]
mod device;
pub mod mixer;
pub mod pacing;
pub mod reconnect;

#[cfg(feature = "mic")]
pub use config::{CaptureFormat, CaptureRequest};
#[cfg(feature = "mic")]
pub use device::{DeviceInfo, Mic, MicInfo, input_devices, open};
pub use mixer::{BLOCK, InputSample, MonoMixer};
pub use pacing::{PaceChange, Pacing};
pub use reconnect::{Capture, DeviceChange, MicError, Reconnect};
