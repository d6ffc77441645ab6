//! Which WAV files a run covers, and the labels of their words.
//!
//! A word's label comes from, in order: a transcript beside the file (`name.txt`, one
//! word per whitespace-separated token, in spoken order), the file name `<label>_….wav`,
//! or the name of the folder holding the file when that folder was found by recursion.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::audio::wav;
use crate::error::{Error, Result};
use crate::labels::Labels;
use crate::source::{ClipSource, Pace};

/// A WAV file to process and the folder argument it was found under (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The WAV file.
    pub path: PathBuf,
    /// The folder given on the command line that contained it.
    pub root: Option<PathBuf>,
}

/// What a run's paths expand to: the files to process, the paths that could not be read
/// (each with its reason, once) and the files found more than once (taken once).
#[derive(Debug, Default)]
pub struct Expanded {
    /// Files to process, each once, in the order given (folders sorted).
    pub items: Vec<Item>,
    /// Paths that could not be used: missing, unreadable, or a folder with no WAV file.
    pub failed: Vec<Error>,
    /// Files reached a second time (the same path given twice, or through a link).
    pub duplicates: Vec<PathBuf>,
}

/// Expands files and folders (recursively, `*.wav`, sorted) into items. Symbolic links
/// are followed but no folder is entered twice (no loops), and every file is taken once
/// by its canonical path; a bad path is reported and the others still expand.
pub fn expand(paths: &[PathBuf]) -> Expanded {
    let mut out = Expanded::default();
    let mut seen_files = HashSet::new();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                out.failed.push(Error::io(p, e));
                continue;
            }
        };
        let found = if meta.is_dir() {
            let (mut found, before) = (Vec::new(), out.failed.len());
            walk(p, &mut seen_dirs, &mut found, &mut out.failed);
            if found.is_empty() && out.failed.len() == before {
                out.failed
                    .push(Error::data(p, "folder contains no .wav file"));
            }
            found.sort();
            found
                .into_iter()
                .map(|path| (path, Some(p.clone())))
                .collect()
        } else {
            vec![(p.clone(), None)]
        };
        for (path, root) in found {
            let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if seen_files.insert(canonical) {
                out.items.push(Item { path, root });
            } else {
                out.duplicates.push(path);
            }
        }
    }
    out
}

fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, out: &mut Vec<PathBuf>, failed: &mut Vec<Error>) {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen.insert(canonical) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return failed.push(Error::io(dir, e)),
    };
    for entry in entries {
        let path = match entry {
            Ok(e) => e.path(),
            Err(e) => {
                failed.push(Error::io(dir, e));
                continue;
            }
        };
        if path.is_dir() {
            walk(&path, seen, out, failed);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("wav") || e.eq_ignore_ascii_case("wave"))
        {
            out.push(path);
        }
    }
}

/// The labels for an item's words.
///
/// # Errors
/// [`Error::Io`] if a transcript exists but cannot be read.
pub fn labels_for(item: &Item) -> Result<Labels> {
    let transcript = item.path.with_extension("txt");
    if transcript.is_file() {
        let text = std::fs::read_to_string(&transcript).map_err(|e| Error::io(&transcript, e))?;
        return Ok(Labels::transcript(&text));
    }
    let stem = item
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if let Some((label, _)) = stem.split_once('_')
        && !label.is_empty()
    {
        return Ok(Labels::Fixed(label.to_lowercase()));
    }
    let parent = item.path.parent();
    if let (Some(root), Some(parent)) = (&item.root, parent)
        && parent != root.as_path()
        && let Some(name) = parent.file_name().and_then(|n| n.to_str())
    {
        return Ok(Labels::Fixed(name.to_lowercase()));
    }
    Ok(Labels::None)
}

/// The clips of a folder (`*.wav`, sorted, not recursive), each labelled by its
/// transcript (`*.txt` beside it; none: unlabelled) — the demo's and free mode's layout.
///
/// # Errors
/// A folder that cannot be read or holds no WAV file, or a clip or transcript that cannot
/// be read.
pub fn clips(dir: &Path, pace: Pace) -> Result<Vec<ClipSource>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Error::data(dir, "no .wav file in this folder"));
    }
    paths
        .into_iter()
        .map(|path| {
            let clip = wav::read(&path)?;
            let txt = path.with_extension("txt");
            let labels = if txt.is_file() {
                Labels::transcript(&std::fs::read_to_string(&txt).map_err(|e| Error::io(&txt, e))?)
            } else {
                Labels::None
            };
            Ok(ClipSource::from_clip(&clip, pace).with_labels(labels))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(l: Labels) -> Option<String> {
        match l {
            Labels::Fixed(s) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn labels_come_from_the_file_name_or_the_folder() {
        let it = |p: &str, root: Option<&str>| Item {
            path: p.into(),
            root: root.map(Into::into),
        };
        assert_eq!(
            fixed(labels_for(&it("/x/7_jackson_3.wav", None)).unwrap()).as_deref(),
            Some("7")
        );
        assert_eq!(
            fixed(labels_for(&it("/x/violin/take1.wav", Some("/x"))).unwrap()).as_deref(),
            Some("violin")
        );
        assert!(matches!(
            labels_for(&it("/x/take1.wav", Some("/x"))).unwrap(),
            Labels::None
        ));
        assert!(matches!(
            labels_for(&it("/x/take1.wav", None)).unwrap(),
            Labels::None
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_and_repeated_paths_give_each_file_once_and_bad_paths_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        for f in ["a.wav", "sub/b.WAV"] {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        std::os::unix::fs::symlink(dir.path(), sub.join("up")).unwrap();
        let root = dir.path().to_path_buf();
        let missing = root.join("missing.wav");
        let got = expand(&[root.clone(), root.join("a.wav"), missing.clone()]);
        let names: Vec<_> = got
            .items
            .iter()
            .map(|i| i.path.file_name().unwrap())
            .collect();
        assert_eq!(names, ["a.wav", "b.WAV"], "{got:?}");
        assert_eq!(got.duplicates, [root.join("a.wav")]);
        assert_eq!(got.failed.len(), 1);
        assert!(got.failed[0].to_string().contains("missing.wav"));
    }
}
