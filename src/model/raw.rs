//! Raw little-endian matrices on disk (`[vocab, width]`, no header): the word-piece and
//! token embeddings read in Rust beside their ONNX bodies.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Reads `vocab × width` values of `N` bytes each from `path`, each decoded by `decode`;
/// `dtype` names the type in errors.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read, [`Error::Data`] naming it if its size is not
/// `vocab × width × N` bytes.
pub fn read_le<const N: usize, T>(
    path: &Path,
    vocab: usize,
    width: usize,
    dtype: &str,
    decode: fn([u8; N]) -> T,
) -> Result<Vec<T>> {
    let len = vocab * width;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if size != (len * N) as u64 {
        let expected = len * N;
        return Err(Error::data(
            path,
            format!("{size} bytes, expected {vocab} × {width} {dtype} = {expected} bytes"),
        ));
    }
    let mut values = Vec::with_capacity(len);
    let mut buf = vec![0u8; 1 << 16];
    while values.len() < len {
        let want = ((len - values.len()) * N).min(buf.len());
        file.read_exact(&mut buf[..want])
            .map_err(|e| Error::io(path, e))?;
        values.extend(
            buf[..want]
                .chunks_exact(N)
                .map(|b| decode(b.try_into().expect("chunks of N bytes"))),
        );
    }
    Ok(values)
}

/// Row `token` of a `vocab`-row matrix read from `path`, checked: `context` says what was
/// being done, `what` names a row (`piece`, `token`) in the error.
///
/// # Errors
/// [`Error::Model`] naming the file if the token is outside the vocabulary.
pub fn row_of(
    path: &Path,
    token: u32,
    vocab: usize,
    context: &'static str,
    what: &str,
) -> Result<usize> {
    let t = token as usize;
    if t < vocab {
        return Ok(t);
    }
    let reason = format!("token id {t} is outside the {vocab}-{what} vocabulary");
    Err(Error::model(path, context, reason))
}
