//! How `run` and `analyze` play a corpus: the files and labelling options they share, the
//! engine set up for them (the recogniser on for transcripts), and one pass over the files
//! — in parallel, each bad path reported once while the rest go on, signals ending it with
//! the summary of what was seen.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use groundprobe::audio::wav;
use groundprobe::corpus::{self, LabelRule, NameLabels};
use groundprobe::driver::{Control, Driver};
use groundprobe::engine::{Engine, Front};
use groundprobe::sink::Sink;
use groundprobe::source::FileSource;
use groundprobe::summary::PositionalLabels;

use super::EngineArgs;
use super::engine_args::Switch;
use super::progress::{AudioProgress, Progress};
use super::signals::Signals;

/// `--labels` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LabelsArg {
    /// The first labelling rule that applies.
    Auto,
    /// What the recogniser heard.
    Heard,
    /// The file name's prefix.
    Name,
    /// The transcript beside the file.
    Transcript,
    /// None.
    None,
}

impl LabelsArg {
    fn rule(self) -> LabelRule {
        match self {
            LabelsArg::Auto => LabelRule::Auto,
            LabelsArg::Heard => LabelRule::Heard,
            LabelsArg::Name => LabelRule::Name,
            LabelsArg::Transcript => LabelRule::Transcript,
            LabelsArg::None => LabelRule::None,
        }
    }
}

/// The files of a run and how their words are labelled.
#[derive(Debug, Clone, Args)]
pub struct CorpusArgs {
    /// WAV files or folders (searched recursively for WAV files; see the labels below).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Label every one-word file by its name's prefix (`<label>_….wav`), even when the
    /// prefix is not a word of the lexicon.
    #[arg(long)]
    pub label_from_name: bool,
    /// Where labels come from: `auto` (the rules below), `heard` (what the recogniser
    /// heard: turns it on), `name`, `transcript`, or `none`.
    #[arg(long, value_enum, default_value_t = LabelsArg::Auto)]
    labels: LabelsArg,
    /// No progress bar (it is drawn on stderr only when stderr is a terminal).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Files decoded, segmented and encoded at once (one worker each; 0: one per core).
    /// The words, labels and figures are the same for any number.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
}

/// A corpus expanded into its files, and the engine for it.
pub struct Prepared {
    pub engine: Engine,
    expanded: corpus::Expanded,
}

impl CorpusArgs {
    /// Expands the paths and builds the engine from `engine_args`: transcripts are aligned
    /// by what was heard, so the recogniser is on for them by default (as for `--labels
    /// heard`, which needs it).
    pub fn prepare(
        &self,
        engine_args: &EngineArgs,
        keep_vectors: bool,
    ) -> anyhow::Result<Prepared> {
        let expanded = corpus::expand(&self.paths);
        let mut engine_args = engine_args.clone();
        let transcribed = |i: &corpus::Item| i.path.with_extension("txt").is_file();
        engine_args.hear_by_default = match self.labels {
            LabelsArg::Transcript => true,
            LabelsArg::Auto => expanded.items.iter().any(transcribed),
            _ => false,
        };
        if self.labels == LabelsArg::Heard {
            anyhow::ensure!(
                engine_args.recognise != Some(Switch::Off),
                "--labels heard needs the recogniser: drop --recognise off"
            );
            engine_args.recognise = Some(Switch::On);
        }
        let engine = engine_args.build(keep_vectors)?;
        Ok(Prepared { engine, expanded })
    }
}

impl Prepared {
    /// The files the paths expanded to.
    pub fn items(&self) -> &[corpus::Item] {
        &self.expanded.items
    }

    /// Plays every file into `sink` and writes the summary; a file that fails is reported
    /// and the rest go on. The exit code: 130/143 after a signal, non-zero when a path
    /// failed.
    pub fn play(&mut self, args: &CorpusArgs, sink: &mut dyn Sink) -> anyhow::Result<ExitCode> {
        let expanded = &self.expanded;
        for dup in &expanded.duplicates {
            eprintln!(
                "groundprobe: {} was already taken; processed once",
                dup.display()
            );
        }
        let items = &expanded.items;
        let lexicon = self.engine.lexicon().clone();
        let names = if args.label_from_name {
            NameLabels::Always
        } else {
            NameLabels::InLexicon(&lexicon)
        };
        if matches!(args.labels, LabelsArg::Auto | LabelsArg::Name) {
            name_label_hint(items, names);
        }
        let signals = Signals::install()?;
        let control = Control::new(signals.stop.clone());
        let started = Instant::now();
        let mut failed: Vec<String> = (expanded.failed.iter())
            .map(|e| {
                let e = groundprobe::error::chain(e);
                eprintln!("groundprobe: skipped: {e}");
                e
            })
            .collect();
        let total = items.len() + failed.len();
        let progress = Progress::new(audio_ms(items), args.quiet);
        let mut tracked = AudioProgress::new(sink, &progress);
        let fronts = fronts(&self.engine, workers(args.threads, items.len()))?;
        let mut driver = Driver::new(&mut self.engine, &mut tracked, &control);
        let rule = args.labels.rule();
        let open = |i: usize| open_file(&items[i], names, rule);
        driver.play_files(items.len(), fronts, open, |i, e| {
            let e =
                anyhow::Error::new(e).context(format!("processing {}", items[i].path.display()));
            progress.suspend(|| eprintln!("groundprobe: skipped: {e:#}"));
            failed.push(format!("{e:#}"));
        })?;
        let n_failed = failed.len();
        driver.finish(started.elapsed().as_secs_f64(), failed)?;
        std::io::stdout().flush().ok();
        uneven_warning(&self.engine.stats().positional);
        if let Some(code) = signals.exit_code() {
            eprintln!("groundprobe: interrupted; the summary covers what was processed");
            Ok(code)
        } else if n_failed == 0 {
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!("groundprobe: {n_failed} of {total} paths failed");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// One file as a source with its labels, decoded chunk by chunk as it is pulled (flat
/// memory however long it is). A file that turns out bad part-way keeps the words found
/// before the fault and is reported as failed.
fn open_file(
    item: &corpus::Item,
    names: NameLabels,
    rule: LabelRule,
) -> groundprobe::Result<FileSource> {
    let stream = wav::WavStream::open(&item.path)?;
    let labels = corpus::labels_for(item, names, rule)?;
    Ok(FileSource::new(stream).with_labels(labels))
}

/// Workers for `files` files: `threads`, or one per core for 0, never more than files.
fn workers(threads: usize, files: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let wanted = if threads == 0 { cores } else { threads };
    wanted.min(files).max(1)
}

/// `n` fronts on the engine's models (their weights shared).
fn fronts(engine: &Engine, n: usize) -> anyhow::Result<Vec<Front>> {
    (0..n)
        .map(|_| {
            engine
                .fork_front()
                .context("a model cannot be copied for a worker thread")
        })
        .collect()
}

/// Milliseconds of audio in the files, from their headers (unreadable ones and standard
/// input count 0: reading stdin's header here would take its first bytes from the run).
fn audio_ms(items: &[corpus::Item]) -> u64 {
    items
        .iter()
        .filter(|i| i.path.as_os_str() != wav::STDIN)
        .filter_map(|i| wav::WavStream::open(&i.path).ok()?.info().seconds())
        .map(|s| (s * 1e3) as u64)
        .sum()
}

/// Says which transcripts, labelled by position, differ in count from the words found.
pub(super) fn uneven_warning(positional: &PositionalLabels) {
    for u in &positional.uneven {
        eprintln!(
            "groundprobe: {}: its transcript has {} words but {} were found; labels were given \
             by position, so later ones may be shifted (the recogniser aligns them by what was \
             heard: drop --recognise off)",
            u.source, u.transcript_words, u.words_found
        );
    }
}

/// Says once when file-name prefixes were not taken as labels, and how to take them.
fn name_label_hint(items: &[corpus::Item], names: NameLabels) {
    let NameLabels::InLexicon(lexicon) = names else {
        return;
    };
    let skipped: Vec<String> = items
        .iter()
        .filter(|i| !i.path.with_extension("txt").is_file())
        .filter_map(|i| corpus::name_fields(&i.path).map(|(label, _)| label))
        .filter(|label| lexicon.index_of(label).is_none())
        .collect();
    if let Some(first) = skipped.first() {
        eprintln!(
            "groundprobe: {} file(s) not labelled by name: the prefix (e.g. `{first}`) is not a \
             word of the lexicon (--lexicon); --label-from-name takes it anyway",
            skipped.len()
        );
    }
}
