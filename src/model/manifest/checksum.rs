//! Checksums of the files a manifest names.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Hex SHA-256 of a file.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks that `file` (named by `manifest`) exists and has the SHA-256 `want`.
pub(crate) fn verify_checksum(manifest: &Path, file: &Path, want: &str) -> Result<()> {
    if !file.is_file() {
        return Err(Error::manifest(
            manifest,
            format!("model file {} is missing", file.display()),
        ));
    }
    let got = sha256_file(file)?;
    if !got.eq_ignore_ascii_case(want.trim()) {
        return Err(Error::manifest(
            manifest,
            format!(
                "{} has sha256 {got}, the manifest says {want}: the file is corrupt or was replaced",
                file.display()
            ),
        ));
    }
    Ok(())
}
