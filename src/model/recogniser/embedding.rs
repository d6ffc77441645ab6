//! The decoder's tied token embedding E `[vocab, width]`, held once as float16 bits: the
//! token lookup (rows of E as f32) and the output projection (logits = hidden · Eᵀ) both
//! read it, in Rust, so tract runs only the decoder body.
//!
//! The projection's kernels are in [`super::projection`]. The float16 → float32
//! conversion here is branchless bit arithmetic, fast on CPUs without half-precision
//! instructions (Raspberry Pi 3/4).

use std::path::{Path, PathBuf};

use super::projection;
use crate::error::{Error, Result};
use crate::model::raw::{read_le, row_of};

/// float16 bits → f32, exact for every finite value (normal, subnormal, ±0): the
/// magnitude's bits shifted into place read as an f32 2¹¹² too small, so one multiply
/// rebiases the exponent (and normalises subnormals); then the sign is ORed in. Not for
/// inf/NaN (the embedding holds none; checked at load).
#[inline(always)]
pub fn f16_to_f32(h: u16) -> f32 {
    const TWO_POW_112: f32 = f32::from_bits((112 + 127) << 23);
    let h = u32::from(h);
    let magnitude = f32::from_bits((h & 0x7fff) << 13) * TWO_POW_112;
    f32::from_bits(magnitude.to_bits() | ((h & 0x8000) << 16))
}

/// The embedding matrix as float16 bits, row-major.
#[derive(Debug)]
pub struct Embedding {
    bits: Vec<u16>,
    vocab: usize,
    width: usize,
    path: PathBuf,
}

impl Embedding {
    /// Reads raw little-endian float16 `[vocab, width]` from `path`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read, [`Error::Data`] naming it if its size is
    /// not `vocab × width × 2` bytes or it holds an infinity or NaN.
    pub fn load(path: &Path, vocab: usize, width: usize) -> Result<Self> {
        let bits = read_le(path, vocab, width, "float16", u16::from_le_bytes)?;
        Self::from_bits(bits, vocab, width, path)
    }

    /// Wraps float16 bits `[vocab, width]` (`path` is named in errors).
    ///
    /// # Errors
    /// [`Error::Data`] if the length is not `vocab × width`, a dimension is zero, or a
    /// value is infinite or NaN.
    pub fn from_bits(bits: Vec<u16>, vocab: usize, width: usize, path: &Path) -> Result<Self> {
        let bad = |reason: String| Error::Data {
            path: path.to_path_buf(),
            reason,
        };
        if vocab == 0 || width == 0 || bits.len() != vocab * width {
            return Err(bad(format!(
                "{} values do not make a {vocab} × {width} embedding",
                bits.len()
            )));
        }
        if let Some(i) = bits.iter().position(|&h| h & 0x7c00 == 0x7c00) {
            return Err(bad(format!(
                "row {}, column {} is infinite or NaN",
                i / width,
                i % width
            )));
        }
        Ok(Self {
            bits,
            vocab,
            width,
            path: path.to_path_buf(),
        })
    }

    /// Rows (the vocabulary size).
    pub fn vocab(&self) -> usize {
        self.vocab
    }

    /// Appends the rows of `tokens`, as f32, to `out` (`tokens.len() × width` values).
    ///
    /// # Errors
    /// [`Error::Model`] naming the file if a token id is outside the vocabulary.
    pub fn lookup(&self, tokens: &[u32], out: &mut Vec<f32>) -> Result<()> {
        out.reserve(tokens.len() * self.width);
        for &t in tokens {
            let t = row_of(&self.path, t, self.vocab, "looking up tokens", "token")?;
            let row = &self.bits[t * self.width..(t + 1) * self.width];
            out.extend(row.iter().map(|&h| f16_to_f32(h)));
        }
        Ok(())
    }

    /// Logits of hidden vectors `[n, width]` (row-major): `[n, vocab]`, row k = hidden k · Eᵀ.
    ///
    /// # Errors
    /// [`Error::Model`] naming the file if `hidden` is not a whole number of rows.
    pub fn project(&self, hidden: &[f32]) -> Result<Vec<f32>> {
        if hidden.len() % self.width != 0 {
            return Err(Error::model(
                &self.path,
                "projecting hidden states",
                format!(
                    "{} values is not a number of {}-wide rows",
                    hidden.len(),
                    self.width
                ),
            ));
        }
        let mut out = vec![0.0; hidden.len() / self.width * self.vocab];
        projection::project(&self.bits, self.width, hidden, &mut out);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of float16 bits by definition, in f64.
    fn reference(h: u16) -> f64 {
        let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
        let (e, m) = (i32::from((h >> 10) & 0x1f), f64::from(h & 0x3ff));
        sign * if e == 0 {
            m * 2f64.powi(-24)
        } else {
            (1024.0 + m) * 2f64.powi(e - 25)
        }
    }

    #[test]
    fn every_finite_f16_converts_exactly() {
        let mut finite = 0;
        for h in 0..=u16::MAX {
            if h & 0x7c00 == 0x7c00 {
                continue;
            }
            let got = f16_to_f32(h);
            let want = reference(h);
            assert_eq!(f64::from(got), want, "bits {h:#06x}");
            assert_eq!(got.is_sign_negative(), h & 0x8000 != 0, "sign of {h:#06x}");
            finite += 1;
        }
        assert_eq!(finite, 65536 - 2 * 1024);
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
    }

    fn bits(vocab: usize, width: usize) -> Vec<u16> {
        // Finite values of every exponent, both signs; a cheap deterministic spread.
        (0..vocab * width)
            .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 16) as u16 & 0xbbff)
            .collect()
    }

    #[test]
    fn projection_and_lookup_match_the_definition() {
        // A width that is not a multiple of the lanes, and a vocabulary not of the blocks.
        for (vocab, width) in [(77, 40), (16, 48), (5, 3)] {
            let e = Embedding::from_bits(bits(vocab, width), vocab, width, Path::new("e")).unwrap();
            let hidden: Vec<f32> = (0..3 * width)
                .map(|i| ((i * 7) % 13) as f32 * 1e-3 - 6e-3)
                .collect();
            let got = e.project(&hidden).unwrap();
            assert_eq!(got.len(), 3 * vocab);
            for (k, h) in hidden.chunks(width).enumerate() {
                for t in 0..vocab {
                    let row = &e.bits[t * width..(t + 1) * width];
                    let want: f64 = h
                        .iter()
                        .zip(row)
                        .map(|(&x, &b)| f64::from(x) * reference(b))
                        .sum();
                    let scale: f64 = h
                        .iter()
                        .zip(row)
                        .map(|(&x, &b)| (f64::from(x) * reference(b)).abs())
                        .sum();
                    let d = (f64::from(got[k * vocab + t]) - want).abs();
                    assert!(
                        d <= 1e-6 * scale.max(1e-30),
                        "{vocab}×{width} row {t}: {d:e}"
                    );
                }
            }
            let mut rows = Vec::new();
            e.lookup(&[2, 0], &mut rows).unwrap();
            let want: Vec<f32> = e.bits[2 * width..3 * width]
                .iter()
                .chain(&e.bits[..width])
                .map(|&b| reference(b) as f32)
                .collect();
            assert_eq!(rows, want);
        }
    }

    #[test]
    fn bad_input_is_refused() {
        let e = Embedding::from_bits(vec![0; 12], 4, 3, Path::new("e.f16")).unwrap();
        let err = e.lookup(&[4], &mut Vec::new()).unwrap_err();
        assert!(matches!(err, Error::Model { .. }), "{err:?}");
        assert!(e.project(&[0.0; 4]).is_err());
        assert_eq!(e.project(&[]).unwrap(), Vec::<f32>::new());
        let nan = Embedding::from_bits(vec![0, 0x7e00, 0], 1, 3, Path::new("e.f16")).unwrap_err();
        assert!(nan.to_string().contains("NaN"), "{nan}");
        let inf = Embedding::from_bits(vec![0xfc00], 1, 1, Path::new("e.f16")).unwrap_err();
        assert!(inf.to_string().contains("e.f16"), "{inf}");
        assert!(Embedding::from_bits(vec![0; 5], 2, 3, Path::new("e")).is_err());
    }
}
