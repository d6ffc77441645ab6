//! `groundprobe run`: words and neighbours from WAV files, as a table or JSON lines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use groundprobe::audio::wav;
use groundprobe::corpus::{self, NameLabels};
use groundprobe::driver::{Control, Driver, Ended};
use groundprobe::sink::{JsonLines, Sink, Table};
use groundprobe::source::FileSource;

use super::EngineArgs;
use super::progress::{AudioProgress, Progress};
use super::signals::Signals;

/// Options of `groundprobe run`.
#[derive(Debug, Args)]
#[command(after_help = corpus::LABEL_RULES)]
pub struct RunArgs {
    /// WAV files or folders (searched recursively for WAV files; see the labels below).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Label every one-word file by its name's prefix (`<label>_….wav`), even when the
    /// prefix is not a word of the lexicon.
    #[arg(long)]
    label_from_name: bool,
    /// No progress bar (it is drawn on stderr only when stderr is a terminal).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// One JSON object per word, then a summary line.
    #[arg(long)]
    json: bool,
    /// Include every layer's pooled vector in the JSON word lines.
    #[arg(long)]
    vectors: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

/// Runs every file through the engine; a file that fails is reported and the rest go on,
/// then the exit code is non-zero.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let expanded = corpus::expand(&args.paths);
    let mut engine = args.engine.build(args.vectors)?;
    for dup in &expanded.duplicates {
        eprintln!(
            "groundprobe: {} was already taken; processed once",
            dup.display()
        );
    }
    let items = expanded.items;
    let lexicon = engine.lexicon().clone();
    let names = if args.label_from_name {
        NameLabels::Always
    } else {
        NameLabels::InLexicon(&lexicon)
    };
    name_label_hint(&items, names);
    let stdout = std::io::stdout().lock();
    let mut sink: Box<dyn Sink> = if args.json {
        Box::new(JsonLines::new(stdout))
    } else {
        Box::new(Table::new(stdout, args.engine.k))
    };
    let signals = Signals::install()?;
    let control = Control::new(signals.stop.clone());
    let started = Instant::now();
    let mut failed: Vec<String> = expanded
        .failed
        .iter()
        .map(|e| {
            let e = groundprobe::error::chain(e);
            eprintln!("groundprobe: skipped: {e}");
            e
        })
        .collect();
    let total = items.len() + failed.len();
    let progress = Progress::new(audio_ms(&items), args.quiet);
    let mut tracked = AudioProgress::new(sink.as_mut(), &progress);
    let mut driver = Driver::new(&mut engine, &mut tracked, &control);
    for item in &items {
        match play_file(&mut driver, item, names) {
            Ok(Ended::Finished) => {}
            Ok(Ended::Stopped | Ended::SinkClosed) => break,
            Err(e) if matches!(e.downcast_ref(), Some(groundprobe::Error::Output { .. })) => {
                return Err(e);
            }
            Err(e) => {
                let e = e.context(format!("processing {}", item.path.display()));
                progress.suspend(|| eprintln!("groundprobe: skipped: {e:#}"));
                failed.push(format!("{e:#}"));
            }
        }
    }
    let n_failed = failed.len();
    driver.finish(started.elapsed().as_secs_f64(), failed)?;
    std::io::stdout().flush().ok();
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

/// Streams one file through the driver with its labels, decoding it chunk by chunk (flat
/// memory however long it is). A file that turns out bad part-way keeps the words found
/// before the fault and is reported as failed.
fn play_file(driver: &mut Driver, item: &corpus::Item, names: NameLabels) -> anyhow::Result<Ended> {
    let stream = wav::WavStream::open(&item.path)?;
    let labels = corpus::labels_for(item, names)?;
    let mut source = FileSource::new(stream).with_labels(labels);
    Ok(driver.play(&mut source)?)
}

/// Milliseconds of audio in the files, from their headers (unreadable ones count 0).
fn audio_ms(items: &[corpus::Item]) -> u64 {
    items
        .iter()
        .filter_map(|i| wav::WavStream::open(&i.path).ok()?.info().seconds())
        .map(|s| (s * 1e3) as u64)
        .sum()
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
