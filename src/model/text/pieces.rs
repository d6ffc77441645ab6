//! The word-piece embedding of a text encoder, float32 `[vocab, width]`, looked up in Rust
//! so that the ONNX body holds no copy of it. (float16 at rest was measured and misses the
//! 1e-4 agreement with the PyTorch tables by 8e-4: scripts/text/README.md.)

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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
        let len = vocab * width;
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
        if size != (len as u64) * 4 {
            return Err(Error::data(
                path,
                format!(
                    "{size} bytes, expected {vocab} × {width} float32 = {} bytes",
                    len * 4
                ),
            ));
        }
        let mut rows = Vec::with_capacity(len);
        let mut buf = vec![0u8; 1 << 16];
        while rows.len() < len {
            let want = ((len - rows.len()) * 4).min(buf.len());
            file.read_exact(&mut buf[..want])
                .map_err(|e| Error::io(path, e))?;
            rows.extend(
                buf[..want]
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            );
        }
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
            let t = t as usize;
            if t >= self.vocab {
                return Err(Error::model(
                    &self.path,
                    "looking up word pieces",
                    format!(
                        "token id {t} is outside the {}-piece vocabulary",
                        self.vocab
                    ),
                ));
            }
            out.extend_from_slice(&self.rows[t * self.width..(t + 1) * self.width]);
        }
        Ok(())
    }
}
