//! Which WAV files a run covers, and the labels and speakers of their words.
//!
//! Audio files are found by content (a RIFF/RF64 `WAVE` header) as well as by extension
//! (`.wav`, `.wave`, any case). A word's label comes from the first of these that applies
//! ([`LABEL_RULES`]):
//! 1. a transcript beside the file (`name.txt`: one word per whitespace-separated token,
//!    in spoken order), aligned to the words found by what the recogniser heard (or, with
//!    it off, given by position, the summary naming every transcript whose count differs);
//! 2. the file name `<label>_….wav`, when `<label>` is a word of the lexicon (or always,
//!    with [`NameLabels::Always`]) — so `session_01.wav` is not labelled "session";
//! 3. the name of the folder holding the file, when that folder was found by recursion.
//!
//! The speaker (for word identity across speakers) is, when the file name gives the
//! label, its second field (`<label>_<speaker>_<n>.wav`, as the Free Spoken Digit Dataset
//! names its files); else the name of the folder holding the file — or, when that folder
//! gave the label, the one above it — if it lies inside the folder given on the command
//! line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::audio::wav;
use crate::error::{Error, Result};
use crate::labels::Labels;
use crate::probe::Lexicon;
use crate::source::{ClipSource, Pace};

/// The labelling rules in the order they apply, for `run --help` and messages.
pub const LABEL_RULES: &str = "\
Labels, by the first rule that applies:
  1. a transcript beside the file: NAME.txt, one word per token, in spoken order,
     aligned to the words found by what was heard (the recogniser is on for it; with
     --recognise off the n-th word takes the n-th token, and a count that differs from
     the words found is reported);
  2. the file name <label>_….wav, when <label> is a word of the lexicon
     (any prefix with --label-from-name);
  3. the name of the folder holding the file, for files found inside a folder argument.
Speakers (word identity across speakers): with rule 2, the file name's second field
(<label>_<speaker>_<n>.wav, as in FSDD); else the folder holding the file (inside a
folder argument; with rule 3, the one above it); without one, word identity is
leave-one-out over tokens.
Audio files are found by content (a RIFF WAVE header) or by extension (.wav, .wave,
any case).";

/// When a file-name prefix `<label>_….wav` becomes the label.
#[derive(Debug, Clone, Copy)]
pub enum NameLabels<'a> {
    /// Only when the prefix is a word of this lexicon.
    InLexicon(&'a Lexicon),
    /// Always (`--label-from-name`).
    Always,
}

/// Which rule labels a run's words (`run --labels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelRule {
    /// The first of the rules in the [module docs](self) that applies.
    #[default]
    Auto,
    /// What the recogniser heard.
    Heard,
    /// The file name's prefix only.
    Name,
    /// The transcript beside the file only.
    Transcript,
    /// No labels.
    None,
}

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

/// Expands files and folders (recursively, `*.wav`, sorted) into items; `-` is standard
/// input. Symbolic links
/// are followed but no folder is entered twice (no loops), and every file is taken once
/// by its canonical path; a bad path is reported and the others still expand.
pub fn expand(paths: &[PathBuf]) -> Expanded {
    let mut out = Expanded::default();
    let mut seen_files = HashSet::new();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        if p.as_os_str() == wav::STDIN {
            // Standard input: one stream, taken once.
            if seen_files.insert(p.clone()) {
                out.items.push(Item {
                    path: p.clone(),
                    root: None,
                });
            } else {
                out.duplicates.push(p.clone());
            }
            continue;
        }
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
                    .push(Error::data(p, "folder contains no WAV file"));
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
        } else if is_wav(&path) {
            out.push(path);
        }
    }
}

/// True for a `.wav`/`.wave` file (any case) or one whose first bytes are a RIFF, RIFX or
/// RF64 `WAVE` header, whatever its name.
pub fn is_wav(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wav") || e.eq_ignore_ascii_case("wave"))
    {
        return true;
    }
    let mut head = [0u8; 12];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| {
            matches!(&head[..4], b"RIFF" | b"RIFX" | b"RF64") && &head[8..12] == b"WAVE"
        })
}

/// The file name's label and speaker fields: `<label>_<speaker>_….wav` or `<label>_….wav`.
pub fn name_fields(path: &Path) -> Option<(String, Option<String>)> {
    let stem = path.file_stem()?.to_str()?;
    let mut parts = stem.split('_');
    let label = parts.next().filter(|l| !l.is_empty())?;
    let second = parts.next()?;
    let speaker = parts
        .next()
        .is_some()
        .then(|| second.to_lowercase())
        .filter(|s| !s.is_empty());
    Some((label.to_lowercase(), speaker))
}

/// The labels for an item's words (with their speaker when known), by the rules in the
/// [module docs](self).
///
/// # Errors
/// [`Error::Io`] if a transcript exists but cannot be read.
pub fn labels_for(item: &Item, names: NameLabels, rule: LabelRule) -> Result<Labels> {
    let folder = |p: Option<&Path>| {
        let (root, p) = (item.root.as_deref()?, p?);
        (p != root && p.starts_with(root))
            .then(|| p.file_name()?.to_str().map(str::to_lowercase))
            .flatten()
    };
    let parent = item.path.parent();
    let fields = name_fields(&item.path);
    let transcript = item.path.with_extension("txt");
    let use_transcript = matches!(rule, LabelRule::Auto | LabelRule::Transcript);
    let named = fields.filter(|(l, _)| match names {
        NameLabels::Always => true,
        NameLabels::InLexicon(lexicon) => lexicon.index_of(l).is_some(),
    });
    let (labels, speaker) = if use_transcript && transcript.is_file() {
        let text = std::fs::read_to_string(&transcript).map_err(|e| Error::io(&transcript, e))?;
        (Labels::transcript(&text), folder(parent))
    } else if let Some((label, speaker)) = named.clone() {
        (Labels::Fixed(label), speaker.or_else(|| folder(parent)))
    } else if let Some(name) = folder(parent) {
        (Labels::Fixed(name), folder(parent.and_then(Path::parent)))
    } else {
        (Labels::None, None)
    };
    let labels = match (rule, labels) {
        (LabelRule::Auto, l) => l,
        (LabelRule::Heard, _) => Labels::Heard,
        (LabelRule::Name, l @ Labels::Fixed(_)) if named.is_some() => l,
        (LabelRule::Transcript, l @ Labels::Sequence(_)) => l,
        _ => Labels::None,
    };
    Ok(match speaker {
        Some(s) => labels.by_speaker(s),
        None => labels,
    })
}

/// The clips of a folder (WAV files as [`is_wav`] finds them, sorted, not recursive), each labelled by its
/// transcript (`*.txt` beside it; none: unlabelled) — the demo's and free mode's layout.
///
/// # Errors
/// A folder that cannot be read or holds no WAV file, or a clip or transcript that cannot
/// be read.
pub fn clips(dir: &Path, pace: Pace) -> Result<Vec<ClipSource>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_wav(p))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Error::data(dir, "no WAV file in this folder"));
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

    fn labelled(
        p: &str,
        root: Option<&str>,
        names: NameLabels,
    ) -> (Option<String>, Option<String>) {
        let item = Item {
            path: p.into(),
            root: root.map(Into::into),
        };
        let mut labels = labels_for(&item, names, LabelRule::Auto).unwrap();
        let speaker = labels.speaker().map(str::to_owned);
        (labels.take_next(), speaker)
    }

    #[test]
    fn labels_come_from_a_lexicon_word_in_the_file_name_or_the_folder() {
        let (digits, paper) = (Lexicon::digits(), Lexicon::paper());
        let some = |l: &str, s: Option<&str>| (Some(l.to_string()), s.map(String::from));
        let d = NameLabels::InLexicon(&digits);
        assert_eq!(
            labelled("/x/7_jackson_3.wav", None, d),
            some("7", Some("jackson"))
        );
        assert_eq!(
            labelled("/x/7_jackson_3.wav", None, NameLabels::InLexicon(&paper)),
            (None, None)
        );
        // session_01 is no word: not labelled "session" unless asked
        let p = NameLabels::InLexicon(&paper);
        assert_eq!(labelled("/x/session_01.wav", None, p), (None, None));
        assert_eq!(
            labelled("/x/session_01.wav", None, NameLabels::Always),
            some("session", None)
        );
        assert_eq!(
            labelled("/x/ann/violin_2.WAV", Some("/x"), p),
            some("violin", Some("ann"))
        );
        assert_eq!(
            labelled("/x/violin/take1.wav", Some("/x"), p),
            some("violin", None)
        );
        assert_eq!(
            labelled("/x/bob/violin/take1.wav", Some("/x"), p),
            some("violin", Some("bob"))
        );
        assert_eq!(labelled("/x/take1.wav", Some("/x"), p), (None, None));
        assert_eq!(labelled("/x/take1.wav", None, p), (None, None));
    }

    #[test]
    fn a_transcript_takes_its_speaker_from_the_folder_only() {
        let dir = tempfile::tempdir().unwrap();
        let ann = dir.path().join("ann");
        std::fs::create_dir(&ann).unwrap();
        for d in [dir.path(), ann.as_path()] {
            std::fs::write(d.join("02_espeak_us_f.txt"), "piano violin").unwrap();
        }
        let root = dir.path().to_str().unwrap();
        let p = Lexicon::paper();
        let file = dir.path().join("02_espeak_us_f.wav");
        let got = labelled(file.to_str().unwrap(), Some(root), NameLabels::Always);
        assert_eq!(got, (Some("piano".into()), None));
        let file = ann.join("02_espeak_us_f.wav");
        let got = labelled(
            file.to_str().unwrap(),
            Some(root),
            NameLabels::InLexicon(&p),
        );
        assert_eq!(got, (Some("piano".into()), Some("ann".into())));
    }

    #[test]
    fn wav_files_are_found_by_content_and_by_any_case_extension() {
        let dir = tempfile::tempdir().unwrap();
        let riff = b"RIFF\x24\0\0\0WAVEfmt ";
        for (name, bytes) in [
            ("a.WAVE", &b"x"[..]),
            ("b.Wav", b"x"),
            ("c.audio", riff),
            ("d", riff),
            ("e.txt", b"RIFF\x24\0\0\0AVI "),
            ("f.mp3", b"ID3"),
        ] {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let got = expand(&[dir.path().to_path_buf()]);
        let names: Vec<_> = got
            .items
            .iter()
            .map(|i| i.path.file_name().unwrap())
            .collect();
        assert_eq!(names, ["a.WAVE", "b.Wav", "c.audio", "d"], "{got:?}");
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
