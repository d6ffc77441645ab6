//! Typed errors of the library. Every variant that concerns a file names it; the
//! underlying cause is the error's `source()` (print the chain, e.g. anyhow's `{:#}`).

use std::path::PathBuf;

/// Boxed source error (tract and other crates report through `anyhow`-style errors).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// An audio file is not a readable PCM WAV file.
    #[error("{path}: not a readable WAV file")]
    Wav {
        /// The file concerned.
        path: PathBuf,
        /// What the WAV decoder said.
        source: hound::Error,
    },
    /// Audio that decodes but cannot be used (NaN samples, unsupported rate, …).
    #[error("{path}: {reason}")]
    BadAudio {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A model manifest is missing a field, has a wrong value or does not match its file.
    #[error("{path}: {reason}")]
    Manifest {
        /// The manifest (or the file it names).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The inference engine could not load or run a model.
    #[error("{path}: {context}")]
    Model {
        /// The model file.
        path: PathBuf,
        /// What was being done.
        context: &'static str,
        /// The inference engine's error.
        source: BoxError,
    },
    /// A data file (lexicon, text table, fixture) is malformed.
    #[error("{path}: {reason}")]
    Data {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Resampler construction or processing failed.
    #[error("resampling {from_hz} Hz to {to_hz} Hz: {reason}")]
    Resample {
        /// Input rate.
        from_hz: u32,
        /// Output rate.
        to_hz: u32,
        /// What the resampler said.
        reason: String,
    },
    /// An invalid setting, named as the library knows it (`offset`, `encoders`, …); the
    /// command line maps it to its flag.
    #[error("invalid {setting}: {reason}")]
    Config {
        /// The setting.
        setting: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// An output (a sink) could not be written.
    #[error("writing the output")]
    Output {
        /// The operating-system error.
        source: std::io::Error,
    },
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A model error on `path` while doing `context`.
    pub fn model(
        path: impl Into<PathBuf>,
        context: &'static str,
        source: impl Into<BoxError>,
    ) -> Self {
        Error::Model {
            path: path.into(),
            context,
            source: source.into(),
        }
    }

    /// A malformed data file.
    pub fn data(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Data {
            path: path.into(),
            reason: reason.into(),
        }
    }

    /// An output write error.
    pub fn output(source: std::io::Error) -> Self {
        Error::Output { source }
    }

    /// A bad manifest.
    pub fn manifest(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Manifest {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// An error and its causes on one line, `: `-separated (as anyhow's `{:#}`).
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}
