//! `groundprobe run`: words and neighbours from WAV files, as a table or JSON lines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use groundprobe::audio::wav;
use groundprobe::corpus;
use groundprobe::driver::{Control, Driver, Ended};
use groundprobe::sink::{JsonLines, Sink, Table};
use groundprobe::source::{ClipSource, Pace};

use super::EngineArgs;
use super::signals::Signals;

/// Options of `groundprobe run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// WAV files or folders (searched recursively for *.wav).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
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
    let mut driver = Driver::new(&mut engine, sink.as_mut(), &control);
    for item in &items {
        match play_file(&mut driver, item) {
            Ok(Ended::Finished) => {}
            Ok(Ended::Stopped | Ended::SinkClosed) => break,
            Err(e) if matches!(e.downcast_ref(), Some(groundprobe::Error::Output { .. })) => {
                return Err(e);
            }
            Err(e) => {
                let e = e.context(format!("processing {}", item.path.display()));
                eprintln!("groundprobe: skipped: {e:#}");
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

/// Decodes one file and plays it through the driver with its labels.
fn play_file(driver: &mut Driver, item: &corpus::Item) -> anyhow::Result<Ended> {
    let clip = wav::read(&item.path)?;
    let labels = corpus::labels_for(item)?;
    let mut source = ClipSource::from_clip(&clip, Pace::Fast).with_labels(labels);
    Ok(driver.play(&mut source)?)
}
