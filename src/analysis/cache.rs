//! `analyze --cache DIR`: the words a corpus pass found — labels, speakers and every
//! layer's vectors — kept in one JSON file per corpus and settings (named by a key the
//! caller derives from them), so that analyses with other seeds, samples or text tables
//! skip the pass. Written to a temporary file and renamed: an interrupted write never
//! leaves a half file under the key's name.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Encoder, Token};
use crate::error::{Error, Result};

/// One corpus pass's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cached {
    /// The key it was saved under (checked on load).
    pub key: String,
    /// The encoders, in the order of each token's vectors.
    pub encoders: Vec<Encoder>,
    /// Every word found.
    pub tokens: Vec<Token>,
}

/// The file of `key` in `dir`.
pub fn path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("vectors-{key}.json"))
}

/// The pass saved under `key`, if there is one.
///
/// # Errors
/// [`Error::Io`] if the file exists but cannot be read; [`Error::Data`] naming it if it is
/// not a cache of this key.
pub fn load(dir: &Path, key: &str) -> Result<Option<Cached>> {
    let file = path(dir, key);
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&file, e)),
    };
    let cached: Cached = serde_json::from_slice(&bytes)
        .map_err(|e| Error::data(&file, format!("not a vector cache: {e}")))?;
    if cached.key != key {
        return Err(Error::data(
            &file,
            format!("holds key {}, not {key}", cached.key),
        ));
    }
    Ok(Some(cached))
}

/// Saves `cached` in `dir` (made if missing); returns its file.
///
/// # Errors
/// [`Error::Io`] naming the folder or file that could not be written.
pub fn save(dir: &Path, cached: &Cached) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let file = path(dir, &cached.key);
    let partial = file.with_extension("json.partial");
    let bytes = serde_json::to_vec(cached).expect("a cache serialises");
    std::fs::write(&partial, bytes).map_err(|e| Error::io(&partial, e))?;
    std::fs::rename(&partial, &file).map_err(|e| Error::io(&file, e))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_pass_loads_as_it_was_and_a_wrong_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let cached = Cached {
            key: "k1".into(),
            encoders: vec![Encoder {
                name: "e".into(),
                grounded: false,
                layers: vec!["a".into(), "b".into()],
            }],
            tokens: vec![Token {
                label: Some("piano".into()),
                speaker: None,
                vectors: vec![vec![vec![0.1, -2.5e-7], vec![f32::MAX]]],
            }],
        };
        assert_eq!(load(dir.path(), "k1").unwrap(), None);
        let file = save(dir.path(), &cached).unwrap();
        assert_eq!(load(dir.path(), "k1").unwrap(), Some(cached));
        std::fs::copy(&file, path(dir.path(), "k2")).unwrap();
        let err = load(dir.path(), "k2").unwrap_err().to_string();
        assert!(
            err.contains("vectors-k2.json") && err.contains("k1"),
            "{err}"
        );
        std::fs::write(&file, b"{").unwrap();
        let err = load(dir.path(), "k1").unwrap_err().to_string();
        assert!(err.contains("not a vector cache"), "{err}");
    }
}
