//! The word-piece embedding of a text encoder, float32 `[vocab, width]`, looked up in Rust
//! so that the ONNX body holds no copy of it. (float16 at rest was measured and misses the
//! 1e-4 agreement with the PyTorch tables by 8e-4: scripts/text/README.md.)

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::raw::{read_le, row_of};

/// The embedding, row-major.
#[derive(Debug)]
pub struct Pieces {
    rows: Vec<f32>,
    vocab: usize,
    width: usize,
    path: PathBuf,
}

impl Pieces {
    /// Reads raw little-endian float32 `[vocab, width]` from `path`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read, [`Error::Data`] naming it if its size is
    /// not `vocab × width × 4` bytes or it holds an infinity or NaN.
    pub fn load(path: &Path, vocab: usize, width: usize) -> Result<Self> {
        let rows = read_le(path, vocab, width, "float32", f32::from_le_bytes)?;
        if let Some(i) = rows.iter().position(|v| !v.is_finite()) {
            return Err(Error::data(
                path,
                format!("row {}, column {} is infinite or NaN", i / width, i % width),
            ));
        }
        Ok(Self {
            rows,
            vocab,
            width,
            path: path.to_path_buf(),
        })
    }

    /// Appends the rows of `tokens` to `out` (`tokens.len() × width` values).
    ///
    /// # Errors
    /// [`Error::Model`] naming the file if a token id is outside the vocabulary.
    pub fn lookup(&self, tokens: &[u32], out: &mut Vec<f32>) -> Result<()> {
        out.reserve(tokens.len() * self.width);
        for &t in tokens {
            let t = row_of(&self.path, t, self.vocab, "looking up word pieces", "piece")?;
            out.extend_from_slice(&self.rows[t * self.width..(t + 1) * self.width]);
        }
        Ok(())
    }
}
