//! `groundprobe run`: words and neighbours from WAV files, as a table or JSON lines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use groundprobe::audio::feed::Pace;
use groundprobe::audio::wav;
use groundprobe::corpus;
use groundprobe::event::Event;
use groundprobe::sink::{JsonLines, Table};
use groundprobe::stream::run_clip;
use groundprobe::summary::Summary;

use super::EngineArgs;

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

enum Sink {
    Json(JsonLines<std::io::StdoutLock<'static>>),
    Table(Table<std::io::StdoutLock<'static>>),
}

impl Sink {
    fn event(&mut self, e: &Event) -> std::io::Result<()> {
        match self {
            Sink::Json(s) => s.event(e),
            Sink::Table(s) => s.event(e),
        }
    }

    fn summary(&mut self, s: &Summary) -> std::io::Result<()> {
        match self {
            Sink::Json(j) => j.summary(s),
            Sink::Table(t) => t.summary(s),
        }
    }
}

/// Runs every file through the engine; a file that fails is reported and the rest go on,
/// then the exit code is non-zero.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let items = corpus::expand(&args.paths)?;
    let mut engine = args.engine.build(args.vectors)?;
    let stdout = std::io::stdout().lock();
    let mut sink = if args.json {
        Sink::Json(JsonLines::new(stdout))
    } else {
        Sink::Table(Table::new(stdout, args.engine.k))
    };
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut failed = Vec::new();
    let mut write_error = None;
    for item in &items {
        let outcome = wav::read(&item.path)
            .map_err(anyhow::Error::from)
            .and_then(|clip| {
                let labels = corpus::labels_for(item)?;
                let mut emit = |e: Event| {
                    if let Err(err) = sink.event(&e) {
                        write_error.get_or_insert(err);
                    }
                };
                run_clip(&mut engine, &clip, labels, Pace::Fast, &stop, &mut emit)
                    .with_context(|| format!("processing {}", item.path.display()))
            });
        if let Some(err) = write_error.take() {
            return Err(err).context("writing the output");
        }
        if let Err(e) = outcome {
            eprintln!("groundprobe: skipped: {e:#}");
            failed.push(format!("{e:#}"));
        }
    }
    let summary = Summary::of(&engine, started.elapsed().as_secs_f64(), failed);
    sink.summary(&summary).context("writing the summary")?;
    std::io::stdout().flush().ok();
    if summary.failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "groundprobe: {} of {} files failed",
            summary.failed.len(),
            items.len()
        );
        Ok(ExitCode::FAILURE)
    }
}
