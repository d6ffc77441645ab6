//! Finding models: every `manifest.toml` under a models folder, by name.

use std::path::{Path, PathBuf};

use super::manifest::{Frontend, Manifest, ModelKind};
use crate::error::{Error, Result};

/// Environment variable naming the models folder.
pub const MODELS_ENV: &str = "GROUNDPROBE_MODELS";

/// The models folder: `$GROUNDPROBE_MODELS`, else `models/` beside the executable or in
/// the current folder, else the source tree's `models/`.
pub fn default_models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(MODELS_ENV) {
        return dir.into();
    }
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|p| p.join("models")));
    [beside_exe, Some(PathBuf::from("models"))]
        .into_iter()
        .flatten()
        .find(|d| d.join("silero-vad").is_dir())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
}

/// The manifests found under a models folder (parsed, not yet checked), and those that
/// could not be read, each with its error: one broken manifest blocks nothing else.
#[derive(Debug)]
pub struct Registry {
    dir: PathBuf,
    manifests: Vec<Manifest>,
    broken: Vec<Broken>,
}

/// A manifest (or a folder) under the models folder that could not be read.
#[derive(Debug)]
pub struct Broken {
    /// The manifest or folder.
    pub path: PathBuf,
    /// Why (its message names `path`).
    pub error: Error,
}

impl Registry {
    /// Scans `dir` (three levels deep) for `manifest.toml` files. A manifest that does not
    /// parse, or a subfolder that cannot be read, is kept in [`Registry::broken`].
    ///
    /// # Errors
    /// [`Error::Io`] if `dir` itself cannot be read.
    pub fn scan(dir: &Path) -> Result<Self> {
        std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut found = Vec::new();
        let mut broken = Vec::new();
        collect(dir, 3, &mut found, &mut broken);
        found.sort();
        let mut manifests = Vec::new();
        for path in found {
            match Manifest::parse(&path) {
                Ok(m) => manifests.push(m),
                Err(error) => broken.push(Broken { path, error }),
            }
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            manifests,
            broken,
        })
    }

    /// Every manifest that parsed.
    pub fn manifests(&self) -> &[Manifest] {
        &self.manifests
    }

    /// Every manifest or folder that could not be read, in path order.
    pub fn broken(&self) -> &[Broken] {
        &self.broken
    }

    /// The manifest of the model called `name` of kind `kind`.
    ///
    /// # Errors
    /// [`Error::Config`] listing the available names when there is no such model; when a
    /// broken manifest sits in a folder called `name`, its own error is returned instead.
    pub fn find(&self, name: &str, kind: ModelKind) -> Result<&Manifest> {
        if let Some(m) = self
            .manifests
            .iter()
            .find(|m| m.name == name && m.kind == kind)
        {
            return Ok(m);
        }
        if let Some(b) = self
            .broken
            .iter()
            .find(|b| b.path.parent().and_then(Path::file_name) == Some(std::ffi::OsStr::new(name)))
        {
            return Err(copy_error(&b.error));
        }
        let names: Vec<&str> = self
            .manifests
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.name.as_str())
            .collect();
        let broken: String = self
            .broken
            .iter()
            .map(|b| format!("; unreadable: {}", b.error))
            .collect();
        Err(Error::Config {
            setting: match kind {
                ModelKind::Vad => "vad",
                ModelKind::Text => "text",
                ModelKind::Recogniser => "recogniser",
                ModelKind::Encoder => "encoders",
            },
            reason: format!(
                "no model named `{name}` under {} (available: {}){broken}",
                self.dir.display(),
                names.join(", ")
            ),
        })
    }

    /// Whether a model can be used: its fields and checksums ([`Manifest::validate`]) and,
    /// for a head, that its backbone is here and has the layer it reads.
    ///
    /// # Errors
    /// [`Error::Manifest`] naming the manifest and the field at fault.
    pub fn check(&self, m: &Manifest) -> Result<()> {
        m.validate()?;
        let Some(Frontend::Backbone { backbone, layer }) = &m.frontend else {
            return Ok(());
        };
        let Some(b) = self
            .manifests
            .iter()
            .find(|b| &b.name == backbone && b.kind == ModelKind::Encoder)
        else {
            return Err(Error::manifest(
                &m.path,
                format!(
                    "[frontend] backbone `{backbone}` is not among the models under {}",
                    self.dir.display()
                ),
            ));
        };
        if !b.layers.iter().any(|l| &l.name == layer) {
            let names: Vec<&str> = b.layers.iter().map(|l| l.name.as_str()).collect();
            return Err(Error::manifest(
                &m.path,
                format!(
                    "[frontend] layer `{layer}` is not a layer of backbone `{backbone}` ({})",
                    names.join(", ")
                ),
            ));
        }
        Ok(())
    }
}

fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>, broken: &mut Vec<Broken>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            let error = Error::io(dir, error);
            broken.push(Broken {
                path: dir.to_path_buf(),
                error,
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && depth > 0 {
            collect(&path, depth - 1, out, broken);
        } else if path.file_name().is_some_and(|n| n == "manifest.toml") {
            out.push(path);
        }
    }
}

/// A copy of a scan error (the registry keeps the original for listing).
fn copy_error(e: &Error) -> Error {
    match e {
        Error::Io { path, source } => {
            Error::io(path, std::io::Error::new(source.kind(), source.to_string()))
        }
        Error::Manifest { path, reason } => Error::manifest(path, reason.clone()),
        other => Error::Config {
            setting: "models",
            reason: other.to_string(),
        },
    }
}
