//! `groundprobe models`: the inventory of a models folder — every model (by its manifest),
//! text table (`text/*.npy`), lexicon (`lexicon/*.tsv`) and the demo set (`demo/`), with
//! kind, size, licence, source, the state of its sha256 and what it depends on.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use groundprobe::model::manifest::{Frontend, Manifest, ModelKind, sha256_file};
use groundprobe::model::registry::{Registry, default_models_dir};
use groundprobe::probe::{Lexicon, TextTable};
use serde::Serialize;

/// Options of `groundprobe models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// Folder holding the models (default: $GROUNDPROBE_MODELS or the bundled models/).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// One JSON object per row instead of the table.
    #[arg(long)]
    json: bool,
}

/// One row of the inventory.
#[derive(Debug, Serialize)]
struct Row {
    name: String,
    /// vad, encoder, grounded (encoder), recogniser, text, lexicon, demo.
    kind: &'static str,
    /// What it holds (layers, words × width, clips).
    detail: String,
    /// Bytes on disk.
    size: u64,
    licence: String,
    source: String,
    /// ok, mismatch, missing (the file) or unrecorded (no checksum to compare with).
    sha256: &'static str,
    /// What it needs (a head's backbone, a pair file's lexicon).
    depends_on: Option<String>,
    /// ok, or why it cannot be used.
    status: String,
}

/// Lists everything in the folder; exit 1 when anything is broken, an error when the
/// folder holds nothing this tool uses.
pub fn run(args: ModelsArgs) -> anyhow::Result<ExitCode> {
    let dir = args.models.unwrap_or_else(default_models_dir);
    let registry = Registry::scan(&dir)?;
    let mut rows: Vec<Row> = registry
        .manifests()
        .iter()
        .map(|m| model_row(&registry, m))
        .collect();
    for b in registry.broken() {
        rows.push(Row {
            name: b.path.display().to_string(),
            kind: "manifest",
            detail: String::new(),
            size: 0,
            licence: String::new(),
            source: String::new(),
            sha256: "unrecorded",
            depends_on: None,
            status: format!("BROKEN: {}", b.error),
        });
    }
    rows.extend(text_rows(&dir.join("text")));
    rows.extend(lexicon_rows(&dir.join("lexicon")));
    rows.extend(demo_row(&dir.join("demo")));
    anyhow::ensure!(
        !rows.is_empty(),
        "{}: no model manifest (*/manifest.toml), text table (text/*.npy), lexicon \
         (lexicon/*.tsv) or demo clip (demo/*.wav) here",
        dir.display()
    );
    let bad = rows.iter().filter(|r| r.status != "ok").count();
    let lines: Vec<String> = if args.json {
        rows.iter()
            .map(|r| serde_json::to_string(r).expect("plain data"))
            .collect()
    } else {
        table(&rows)
    };
    let mut out = std::io::stdout().lock();
    for line in lines {
        // A closed pipe (`| head`) ends the listing quietly.
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The table: a header, one line per row (the source last, as it is long), and the
/// reason under each broken row.
fn table(rows: &[Row]) -> Vec<String> {
    let head = [
        "NAME", "KIND", "DETAIL", "SIZE", "LICENCE", "SHA256", "NEEDS", "STATUS", "SOURCE",
    ];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.kind.to_string(),
                r.detail.clone(),
                size(r.size),
                clip(&r.licence, 36),
                r.sha256.to_string(),
                r.depends_on.clone().unwrap_or_else(|| "—".into()),
                if r.status == "ok" { "ok" } else { "BROKEN" }.to_string(),
                r.source.clone(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..8)
        .map(|c| {
            cells
                .iter()
                .map(|r| r[c].chars().count())
                .fold(head[c].len(), usize::max)
        })
        .collect();
    let line = |cols: [&str; 9]| {
        let mut s: String = widths
            .iter()
            .zip(cols)
            .map(|(&w, c)| format!("{c:<w$}  "))
            .collect();
        s.push_str(cols[8]);
        s
    };
    let mut lines = vec![line(head)];
    for (r, c) in rows.iter().zip(&cells) {
        lines.push(line(c.each_ref().map(String::as_str)));
        if r.status != "ok" {
            lines.push(format!("    {}", r.status));
        }
    }
    lines
}

/// `text` cut to `n` characters (with `…`).
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    text.chars().take(n - 1).chain(['…']).collect()
}

fn size(bytes: u64) -> String {
    match bytes {
        0 => "—".into(),
        b if b < 1000 => format!("{b} B"),
        b if b < 1 << 20 => format!("{:.0} kB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The sha256 state of `path` against `want` (None: nothing recorded).
fn sha_state(path: &Path, want: Option<&str>) -> &'static str {
    if !path.is_file() {
        return "missing";
    }
    let Some(want) = want else {
        return "unrecorded";
    };
    match sha256_file(path) {
        Ok(got) if got.eq_ignore_ascii_case(want) => "ok",
        Ok(_) => "mismatch",
        Err(_) => "missing",
    }
}

fn model_row(registry: &Registry, m: &Manifest) -> Row {
    let mut files = vec![(m.model_path(), m.sha256.as_str())];
    if let Some(w) = &m.weights {
        files.push((m.dir.join(&w.file), w.sha256.as_str()));
    }
    let mut depends_on = None;
    match &m.frontend {
        Some(Frontend::OnnxMel { file, sha256, .. }) => files.push((m.dir.join(file), sha256)),
        Some(Frontend::Backbone { backbone, layer }) => {
            depends_on = Some(format!("{backbone} ({layer})"));
        }
        _ => {}
    }
    if let Some(t) = &m.text {
        files.push((m.dir.join(&t.embedding), t.embedding_sha256.as_str()));
        files.push((m.dir.join(&t.tokenizer), t.tokenizer_sha256.as_str()));
    }
    let states: Vec<&str> = files.iter().map(|(p, s)| sha_state(p, Some(s))).collect();
    let sha256 = ["missing", "mismatch"]
        .into_iter()
        .find(|bad| states.contains(bad))
        .unwrap_or("ok");
    let kind = match (m.kind, m.grounded) {
        (ModelKind::Vad, _) => "vad",
        (ModelKind::Recogniser, _) => "recogniser",
        (ModelKind::Text, _) => "text",
        (ModelKind::Encoder, true) => "grounded",
        (ModelKind::Encoder, false) => "encoder",
    };
    Row {
        name: m.name.clone(),
        kind,
        detail: match m.kind {
            ModelKind::Encoder => format!("{} layers", m.layers.len()),
            ModelKind::Text => m
                .text
                .as_ref()
                .map_or_else(String::new, |t| format!("{} layers", t.layers.len())),
            _ => String::new(),
        },
        size: files.iter().map(|(p, _)| file_size(p)).sum(),
        licence: m.licence.clone(),
        source: m.source.clone(),
        sha256,
        depends_on,
        status: match registry.check(m) {
            Ok(()) => "ok".into(),
            Err(e) => format!("BROKEN: {e}"),
        },
    }
}

/// The rows of a README's markdown table, keyed by their first cell (backticks removed).
fn readme_table(readme: &Path) -> HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(readme).unwrap_or_default();
    text.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| ---"))
        .filter_map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().replace('`', ""))
                .collect();
            Some((cells.first()?.clone(), cells))
        })
        .collect()
}

/// Files in `dir` ending in `suffix`, sorted.
fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

/// `text/<name>.npy` tables; licence, source and checksum from `text/README.md`'s table
/// (columns: table | words | dim | source | licence | sha256).
fn text_rows(dir: &Path) -> Vec<Row> {
    let readme = readme_table(&dir.join("README.md"));
    files_ending(dir, ".npy")
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let cell = |i: usize| readme.get(&name).and_then(|r| r.get(i)).cloned();
            let (detail, status) = match TextTable::load(&name, &path) {
                Ok(t) => (format!("{} words × {}", t.len(), t.dim()), "ok".into()),
                Err(e) => (String::new(), format!("BROKEN: {e}")),
            };
            Row {
                kind: "text",
                detail,
                size: file_size(&path) + file_size(&path.with_extension("words.txt")),
                licence: cell(4).unwrap_or_default(),
                source: cell(3).unwrap_or_default(),
                sha256: sha_state(&path, cell(5).as_deref()),
                depends_on: None,
                status,
                name,
            }
        })
        .collect()
}

/// `lexicon/<name>.tsv` lexicons and `<name>.pairs.tsv` pair lists; licence and source
/// from `lexicon/README.md`'s table (file | what | source | licence). No checksums are
/// recorded for them (the built-in ones are compiled into the binary).
fn lexicon_rows(dir: &Path) -> Vec<Row> {
    let readme = readme_table(&dir.join("README.md"));
    files_ending(dir, ".tsv")
        .into_iter()
        .map(|path| {
            let file = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let pairs_of = file.strip_suffix(".pairs.tsv").map(str::to_string);
            // A pair list's licence "as above" is its lexicon's.
            let cell = |i: usize| {
                let own = readme.get(&file).and_then(|r| r.get(i)).cloned();
                let lexicon = pairs_of.as_ref().map(|l| format!("{l}.tsv"));
                match (own.as_deref(), lexicon) {
                    (Some("as above"), Some(l)) => readme.get(&l).and_then(|r| r.get(i)).cloned(),
                    _ => own,
                }
            };
            let (detail, status) = match &pairs_of {
                Some(_) => (String::new(), "ok".to_string()),
                None => match Lexicon::load(&path) {
                    Ok(l) => (format!("{} words", l.len()), "ok".into()),
                    Err(e) => (String::new(), format!("BROKEN: {e}")),
                },
            };
            Row {
                name: file.trim_end_matches(".tsv").to_string(),
                kind: if pairs_of.is_some() {
                    "pairs"
                } else {
                    "lexicon"
                },
                detail,
                size: file_size(&path),
                licence: cell(3).unwrap_or_default(),
                source: cell(2).unwrap_or_default(),
                sha256: sha_state(&path, None),
                depends_on: pairs_of,
                status,
            }
        })
        .collect()
}

/// The demo set (`demo/*.wav` with transcripts) as one row; checksums from
/// `demo/README.md`'s table (file | speaker | words | seconds | sha256). The clips are
/// offered under the crate's licence (as that README says).
fn demo_row(dir: &Path) -> Option<Row> {
    let clips = files_ending(dir, ".wav");
    if clips.is_empty() {
        return None;
    }
    let readme = readme_table(&dir.join("README.md"));
    let file = |p: &Path| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string()
    };
    let states: Vec<&str> = clips
        .iter()
        .map(|p| {
            sha_state(
                p,
                readme
                    .get(&file(p))
                    .and_then(|r| r.get(4))
                    .map(String::as_str),
            )
        })
        .collect();
    let sha256 = ["missing", "mismatch", "unrecorded"]
        .into_iter()
        .find(|bad| states.contains(bad))
        .unwrap_or("ok");
    let transcribed = clips
        .iter()
        .filter(|p| p.with_extension("txt").is_file())
        .count();
    Some(Row {
        name: "demo".into(),
        kind: "demo",
        detail: format!("{} clips, {transcribed} transcribed", clips.len()),
        size: clips.iter().map(|p| file_size(p)).sum(),
        licence: env!("CARGO_PKG_LICENSE").into(),
        source: format!(
            "{} (voices and how they were made)",
            dir.join("README.md").display()
        ),
        sha256,
        depends_on: None,
        status: "ok".into(),
    })
}
