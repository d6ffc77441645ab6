//! `groundprobe`: watch what speech encoders know about words, live.
//!
//! One path, one way: a [`source::Source`] (a file, the demo player, a microphone) is
//! pulled by the [`driver::Driver`], resampled to 16 kHz and fed to the [`engine::Engine`],
//! which finds words with a voice-activity model and a hysteresis segmenter, embeds each
//! word with every encoder (layer by layer, mean-pooled) and updates each encoder's
//! [`probe`]. Everything it finds is a typed [`event::Event`] that a [`sink::Sink`] (JSON
//! lines, a table, memory, the terminal UI's channel) consumes.
//!
//! Where things go: a new source is one file in `source/` implementing
//! [`source::Source`]; a new output is one file in `sink/` implementing [`sink::Sink`]; a
//! new encoder is a manifest (an ONNX model of a known family) or one file in `model/`
//! implementing [`model::WordEncoder`].
//!
//! ```no_run
//! use groundprobe::driver::{Control, Driver};
//! use groundprobe::engine::{Engine, EngineConfig};
//! use groundprobe::model::{Encoder, Vad, WordEncoder};
//! use groundprobe::sink::Memory;
//! use groundprobe::source::{ClipSource, Pace};
//! # fn main() -> groundprobe::Result<()> {
//! let vad = Vad::load("models/silero-vad/manifest.toml".as_ref())?;
//! let enc: Box<dyn WordEncoder> =
//!     Box::new(Encoder::load("models/speech-embedding/manifest.toml".as_ref())?);
//! let mut engine = Engine::new(Box::new(vad), vec![enc], EngineConfig::default())?;
//! let clip = groundprobe::audio::wav::read("hello.wav".as_ref())?;
//! let (mut sink, control) = (Memory::new(), Control::default());
//! let mut driver = Driver::new(&mut engine, &mut sink, &control);
//! driver.play(&mut ClipSource::from_clip(&clip, Pace::Fast))?;
//! driver.finish(0.0, Vec::new())?;
//! println!("{} words", sink.words().len());
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod analysis;
pub mod audio;
pub mod bench;
pub mod chart;
pub mod corpus;
pub mod driver;
pub mod engine;
pub mod error;
pub mod event;
pub mod labels;
pub mod model;
pub mod probe;
pub mod record;
pub mod sink;
pub mod source;
pub mod summary;
pub mod timing;
#[cfg(feature = "ui")]
pub mod ui;

pub use error::{Error, Result};
