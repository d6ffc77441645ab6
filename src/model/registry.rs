//! Finding models: every `manifest.toml` under a models folder, by name.

use std::path::{Path, PathBuf};

use super::manifest::{Manifest, ModelKind};
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

/// The manifests found under a models folder (parsed, not yet checked).
#[derive(Debug, Clone)]
pub struct Registry {
    dir: PathBuf,
    manifests: Vec<Manifest>,
}

impl Registry {
    /// Scans `dir` (three levels deep) for `manifest.toml` files.
    ///
    /// # Errors
    /// [`Error::Io`] if `dir` cannot be read; [`Error::Manifest`] for a malformed manifest.
    pub fn scan(dir: &Path) -> Result<Self> {
        let mut found = Vec::new();
        collect(dir, 3, &mut found)?;
        found.sort();
        let manifests = found
            .iter()
            .map(|p| Manifest::parse(p))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            dir: dir.to_path_buf(),
            manifests,
        })
    }

    /// Every manifest found.
    pub fn manifests(&self) -> &[Manifest] {
        &self.manifests
    }

    /// The manifest path of the model called `name` of kind `kind`.
    ///
    /// # Errors
    /// [`Error::Config`] listing the available names when there is no such model.
    pub fn find(&self, name: &str, kind: ModelKind) -> Result<&Manifest> {
        self.manifests
            .iter()
            .find(|m| m.name == name && m.kind == kind)
            .ok_or_else(|| {
                let names: Vec<&str> = self
                    .manifests
                    .iter()
                    .filter(|m| m.kind == kind)
                    .map(|m| m.name.as_str())
                    .collect();
                Error::Config {
                    setting: if kind == ModelKind::Vad {
                        "vad"
                    } else {
                        "encoders"
                    },
                    reason: format!(
                        "no model named `{name}` under {} (available: {})",
                        self.dir.display(),
                        names.join(", ")
                    ),
                }
            })
    }
}

fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() && depth > 0 {
            collect(&path, depth - 1, out)?;
        } else if path.file_name().is_some_and(|n| n == "manifest.toml") {
            out.push(path);
        }
    }
    Ok(())
}
