//! Which WAV files a run covers, and the labels of their words.
//!
//! A word's label comes from, in order: a transcript beside the file (`name.txt`, one
//! word per whitespace-separated token, in spoken order), the file name `<label>_….wav`,
//! or the name of the folder holding the file when that folder was found by recursion.

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

/// Expands files and folders (recursively, `*.wav`, sorted) into items.
///
/// # Errors
/// [`Error::Io`] for a path that does not exist or cannot be read; [`Error::Data`] for a
/// folder with no WAV file in it.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            if found.is_empty() {
                return Err(Error::data(p, "folder contains no .wav file"));
            }
            found.sort();
            items.extend(found.into_iter().map(|path| Item {
                path,
                root: Some(p.clone()),
            }));
        } else {
            items.push(Item {
                path: p.clone(),
                root: None,
            });
        }
    }
    Ok(items)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("wav"))
        {
            out.push(path);
        }
    }
    Ok(())
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
}
