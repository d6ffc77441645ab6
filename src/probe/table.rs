//! Text tables: a word → vector map from a text encoder (e.g. one BERT layer), the Y side
//! of speech↔text CKA.
//!
//! On disk a table is two files side by side: `<name>.npy`, a 2-D float32 (or float64)
//! array [n, d] in C or Fortran order, and `<name>.words.txt`, one word per line (row i
//! of the array is line i). Words are matched case-insensitively.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::bank::dot;
use super::lexicon::normalise;
use crate::error::{Error, Result};

/// Word vectors of a text encoder, validated.
#[derive(Debug, Clone)]
pub struct TextTable {
    name: String,
    dim: usize,
    words: Vec<String>,
    index: HashMap<String, usize>,
    data: Vec<f32>,
    /// Mean row, and each row's dot product with it (used to shift Gram entries).
    mean: Vec<f32>,
    row_dot_mean: Vec<f64>,
    mean_sq: f64,
}

impl TextTable {
    /// Loads `npy` and the word list beside it (`x.npy` → `x.words.txt`), naming the table
    /// `name`.
    ///
    /// # Errors
    /// [`Error::Io`] if a file cannot be read; [`Error::Data`] naming the file if the array
    /// is not a 2-D float array, has no rows or columns, holds NaN or infinity, or its row
    /// count differs from the word count, or a word is empty or repeated.
    pub fn load(name: impl Into<String>, npy: &Path) -> Result<TextTable> {
        let words_path = words_path(npy);
        let bytes = std::fs::read(npy).map_err(|e| Error::io(npy, e))?;
        let text = std::fs::read(&words_path).map_err(|e| Error::io(&words_path, e))?;
        let text =
            String::from_utf8(text).map_err(|_| Error::data(&words_path, "not UTF-8 text"))?;
        Self::parse(name, npy, &bytes, &text)
    }

    /// A table from the bytes of its `.npy` file (`npy` names it in errors) and the text
    /// of its word list.
    ///
    /// # Errors
    /// As [`TextTable::load`], without the I/O.
    pub fn parse(
        name: impl Into<String>,
        npy: &Path,
        bytes: &[u8],
        text: &str,
    ) -> Result<TextTable> {
        let words_path = words_path(npy);
        let (shape, data) = parse_matrix(npy, bytes)?;
        let words: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
        if words.len() != shape[0] {
            return Err(Error::data(
                &words_path,
                format!(
                    "{} words but {} has {} rows",
                    words.len(),
                    npy.display(),
                    shape[0]
                ),
            ));
        }
        TextTable::build(name.into(), &words, data, shape[1])
            .map_err(|(file, reason)| Error::data(if file { &words_path } else { npy }, reason))
    }

    /// A table from rows in memory (`data` row-major, `words.len()` × `dim`).
    ///
    /// # Errors
    /// [`Error::Config`] for the same faults [`TextTable::load`] reports.
    pub fn from_rows(
        name: impl Into<String>,
        words: &[&str],
        data: Vec<f32>,
        dim: usize,
    ) -> Result<TextTable> {
        if dim == 0 || data.len() != words.len() * dim {
            return Err(Error::Config {
                setting: "text table",
                reason: format!(
                    "{} values for {} words of width {dim}",
                    data.len(),
                    words.len()
                ),
            });
        }
        TextTable::build(name.into(), words, data, dim).map_err(|(_, reason)| Error::Config {
            setting: "text table",
            reason,
        })
    }

    /// Validates and indexes; errors say whether the words file (true) or the array is at
    /// fault.
    fn build(
        name: String,
        words: &[&str],
        data: Vec<f32>,
        dim: usize,
    ) -> Result<TextTable, (bool, String)> {
        let n = words.len();
        if n == 0 {
            return Err((false, "no rows".into()));
        }
        let mut index = HashMap::with_capacity(n);
        let mut list = Vec::with_capacity(n);
        for (i, w) in words.iter().enumerate() {
            let w = normalise(w);
            if w.is_empty() {
                return Err((true, format!("line {}: empty word", i + 1)));
            }
            if let Some(first) = index.insert(w.clone(), i) {
                return Err((
                    true,
                    format!(
                        "line {}: {w:?} repeated (first on line {})",
                        i + 1,
                        first + 1
                    ),
                ));
            }
            list.push(w);
        }
        if let Some(bad) = data.iter().position(|v| !v.is_finite()) {
            let row = bad / dim;
            return Err((
                false,
                format!("row {row} ({:?}) holds a NaN or infinite value", list[row]),
            ));
        }
        let mut mean64 = vec![0.0f64; dim];
        for row in data.chunks_exact(dim) {
            for (m, &v) in mean64.iter_mut().zip(row) {
                *m += f64::from(v);
            }
        }
        let mean: Vec<f32> = mean64.iter().map(|m| (m / n as f64) as f32).collect();
        let row_dot_mean = data.chunks_exact(dim).map(|r| dot(r, &mean)).collect();
        let mean_sq = dot(&mean, &mean);
        Ok(TextTable {
            name,
            dim,
            words: list,
            index,
            data,
            mean,
            row_dot_mean,
            mean_sq,
        })
    }

    /// The table's name (as given on the command line, e.g. `bert6`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Vector width.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when the table has no words (never, once loaded).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The words, lower case, in row order.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Row of `word` (any case), if present.
    pub fn row_of(&self, word: &str) -> Option<usize> {
        match self.index.get(word) {
            Some(&i) => Some(i),
            None => self.index.get(&normalise(word)).copied(),
        }
    }

    /// The vector of row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// The vector of `word`, if present.
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        self.row_of(word).map(|i| self.row(i))
    }

    /// The given words that the table lacks (normalised, each once, in order): report
    /// these to the user, since CKA only uses words present in the table.
    pub fn missing<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        words
            .into_iter()
            .map(normalise)
            .filter(|w| self.row_of(w).is_none() && seen.insert(w.clone()))
            .collect()
    }

    /// Gram entry of rows `i` and `j` after shifting every row by the table's mean
    /// (CKA is shift invariant; the shift keeps running sums small).
    pub(crate) fn centred_dot(&self, i: usize, j: usize) -> f64 {
        dot(self.row(i), self.row(j)) - self.row_dot_mean[i] - self.row_dot_mean[j] + self.mean_sq
    }

    /// The mean row.
    pub fn mean(&self) -> &[f32] {
        &self.mean
    }
}

/// `dir/x.npy` → `dir/x.words.txt`.
pub fn words_path(npy: &Path) -> PathBuf {
    npy.with_extension("words.txt")
}

/// Reads a 2-D float array as f32, row-major; shape checked against the file size before
/// anything is allocated.
fn parse_matrix(path: &Path, bytes: &[u8]) -> Result<([usize; 2], Vec<f32>)> {
    let bad = |reason: String| Error::data(path, reason);
    check_header(bytes).map_err(|e| bad(format!("not a .npy array: {e}")))?;
    let mut data = bytes;
    let header = npyz::NpyHeader::from_reader(&mut data)
        .map_err(|e| bad(format!("not a .npy array: {e}")))?;
    let size = data.len() as u64;
    let npy = npyz::NpyFile::with_header(header, data);
    let shape: Vec<u64> = npy.shape().to_vec();
    let [n, d] = shape[..] else {
        return Err(bad(format!(
            "expected a 2-D array [words, dims], got shape {shape:?}"
        )));
    };
    if n == 0 || d == 0 {
        return Err(bad(format!("empty array (shape [{n}, {d}])")));
    }
    let dtype = match npy.dtype() {
        npyz::DType::Plain(t) => t.to_string(),
        other => other.descr(),
    };
    let (item, is_f32) = match dtype.as_str() {
        "<f4" | ">f4" => (4u64, true),
        "<f8" | ">f8" => (8, false),
        other => {
            return Err(bad(format!(
                "expected float32 or float64 values, got dtype {other}"
            )));
        }
    };
    let need = n.checked_mul(d).and_then(|v| v.checked_mul(item));
    if need.is_none_or(|need| need > size) {
        return Err(bad(format!(
            "truncated: shape [{n}, {d}] needs more than the {size} bytes of data"
        )));
    }
    let (n, d) = (n as usize, d as usize);
    let fortran = npy.order() == npyz::Order::Fortran;
    let values: Vec<f32> = if is_f32 {
        npy.into_vec::<f32>()
    } else {
        npy.into_vec::<f64>()
            .map(|v| v.into_iter().map(|x| x as f32).collect())
    }
    .map_err(|e| bad(format!("unreadable data: {e}")))?;
    if values.len() != n * d {
        return Err(bad(format!("{} values for shape [{n}, {d}]", values.len())));
    }
    let values = if fortran {
        (0..n * d).map(|k| values[(k % d) * n + k / d]).collect()
    } else {
        values
    };
    Ok(([n, d], values))
}

/// Checks the `.npy` header is the flat dictionary numpy writes (`{'descr': '<f4',
/// 'fortran_order': False, 'shape': (3, 2), }`) before npyz parses it: its parser takes
/// time exponential in nested brackets (10 `{` cost 5 s; found by fuzzing).
fn check_header(bytes: &[u8]) -> Result<(), String> {
    let rest = bytes
        .strip_prefix(b"\x93NUMPY")
        .ok_or("it does not start with the \\x93NUMPY magic")?;
    let (len, start) = match rest {
        [1, _, a, b, ..] => (usize::from(u16::from_le_bytes([*a, *b])), 4usize),
        [2 | 3, _, a, b, c, d, ..] => (u32::from_le_bytes([*a, *b, *c, *d]) as usize, 6),
        [major, ..] => return Err(format!("unknown format version {major}")),
        [] => return Err("truncated header".into()),
    };
    let header = rest
        .get(start..start.saturating_add(len))
        .ok_or("truncated header")?;
    let (mut depth, mut opened) = (0usize, 0usize);
    for &c in header {
        match c {
            b'{' | b'(' | b'[' => {
                depth += 1;
                opened += 1;
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 2 || opened > 2 {
            return Err(
                "its header is not a flat {'descr', 'fortran_order', 'shape'} dictionary".into(),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use npyz::WriterBuilder;

    fn write_npy(path: &Path, shape: &[u64], values: &[f32]) {
        let mut out = Vec::new();
        {
            let mut w = npyz::WriteOptions::new()
                .default_dtype()
                .shape(shape)
                .writer(&mut out)
                .begin_nd()
                .unwrap();
            w.extend(values.iter().copied()).unwrap();
            w.finish().unwrap();
        }
        std::fs::write(path, out).unwrap();
    }

    #[test]
    fn loads_and_reports_missing_words() {
        let dir = tempfile::tempdir().unwrap();
        let npy = dir.path().join("t.npy");
        write_npy(&npy, &[3, 2], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        std::fs::write(dir.path().join("t.words.txt"), "Cat\ndog\nfish\n").unwrap();
        let t = TextTable::load("t", &npy).unwrap();
        assert_eq!((t.len(), t.dim(), t.name()), (3, 2, "t"));
        assert_eq!(t.get("CAT"), Some(&[1.0, 2.0][..]));
        assert_eq!(t.missing(["cat", "cow", "Cow", "emu"]), vec!["cow", "emu"]);
        assert_eq!(t.mean(), &[3.0, 4.0]);
        assert!((t.centred_dot(0, 2) - (-2.0 * 2.0 + -2.0 * 2.0)).abs() < 1e-12);
    }

    #[test]
    fn bad_tables_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let npy = dir.path().join("t.npy");
        let words = dir.path().join("t.words.txt");
        let check = |want: &str, file: &Path| {
            let msg = TextTable::load("t", &npy).unwrap_err().to_string();
            assert!(
                msg.contains(want) && msg.contains(&*file.to_string_lossy()),
                "{msg}"
            );
        };
        write_npy(&npy, &[2, 2], &[1.0, f32::NAN, 3.0, 4.0]);
        std::fs::write(&words, "a\nb\n").unwrap();
        check("row 0 (\"a\") holds a NaN", &npy);
        write_npy(&npy, &[2, 2], &[1.0, 2.0, 3.0, 4.0]);
        std::fs::write(&words, "a\nA\n").unwrap();
        check("line 2: \"a\" repeated (first on line 1)", &words);
        std::fs::write(&words, "a\nb\nc\n").unwrap();
        check("3 words but", &words);
        std::fs::write(&words, "a\n\n").unwrap();
        check("line 2: empty word", &words);
        write_npy(&npy, &[4], &[1.0, 2.0, 3.0, 4.0]);
        check("expected a 2-D array", &npy);
        std::fs::write(&npy, b"garbage").unwrap();
        check("not a .npy array", &npy);
        // a header promising more data than the file holds
        write_npy(&npy, &[2, 2], &[1.0, 2.0, 3.0, 4.0]);
        let mut bytes = std::fs::read(&npy).unwrap();
        bytes.truncate(bytes.len() - 4);
        std::fs::write(&npy, bytes).unwrap();
        std::fs::write(&words, "a\nb\n").unwrap();
        check("truncated", &npy);
        std::fs::remove_file(&words).unwrap();
        write_npy(&npy, &[2, 2], &[1.0, 2.0, 3.0, 4.0]);
        assert!(matches!(TextTable::load("t", &npy), Err(Error::Io { .. })));
    }
}
