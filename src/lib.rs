//! `groundprobe`: watch what speech encoders know about words, live.
//!
//! Audio (a file, the demo player or a microphone) flows through a lock-free ring into the
//! [`engine::Engine`], which finds words with Silero VAD and a hysteresis
//! [`segment::Segmenter`], embeds each word with every [`model::Encoder`] (layer by layer,
//! mean-pooled), and updates each encoder's [`probe`] state. Everything it finds is a typed
//! [`event::Event`] that sinks (JSON lines, a table, the terminal UI) consume.
//!
//! ```no_run
//! use groundprobe::{audio, engine::{Engine, EngineConfig, Labels}, event::SourceInfo, model::Encoder, vad::Vad};
//! # fn main() -> groundprobe::Result<()> {
//! let vad = Vad::load("models/silero-vad/manifest.toml".as_ref())?;
//! let enc = Encoder::load("models/speech-embedding/manifest.toml".as_ref())?;
//! let mut engine = Engine::new(vad, vec![enc], EngineConfig::default())?;
//! let clip = audio::wav::read("hello.wav".as_ref())?;
//! let samples = audio::resample::resample_all(&clip.samples, clip.sample_rate, audio::ENGINE_RATE)?;
//! let mut emit = |e| println!("{e:?}");
//! engine.begin_source(SourceInfo { name: "hello.wav".into(), sample_rate: clip.sample_rate, seconds: None }, Labels::None, &mut emit);
//! engine.push(&samples, &mut emit)?;
//! engine.end_source(&mut emit)?;
//! # Ok(()) }
//! ```

pub mod audio;
pub mod corpus;
pub mod engine;
pub mod error;
pub mod event;
pub mod model;
pub mod probe;
pub mod segment;
pub mod sink;
pub mod stream;
pub mod summary;
pub mod ui;
pub mod vad;

pub use error::{Error, Result};
