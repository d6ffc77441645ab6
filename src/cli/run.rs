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
    let items = corpus::expand(&args.paths)?;
    let mut engine = args.engine.build(args.vectors)?;
    let stdout = std::io::stdout().lock();
    let mut sink: Box<dyn Sink> = if args.json {
        Box::new(JsonLines::new(stdout))
    } else {
        Box::new(Table::new(stdout, args.engine.k))
    };
    let control = Control::default();
    let started = Instant::now();
    let mut failed = Vec::new();
    let mut driver = Driver::new(&mut engine, sink.as_mut(), &control);
    for item in &items {
        let source = wav::read(&item.path)
            .map_err(anyhow::Error::from)
            .and_then(|clip| {
                let labels = corpus::labels_for(item)?;
                Ok(ClipSource::from_clip(&clip, Pace::Fast).with_labels(labels))
            });
        let outcome = source.and_then(|mut s| Ok(driver.play(&mut s)?));
        match outcome {
            Ok(Ended::Finished) => {}
            Ok(Ended::Stopped | Ended::SinkClosed) => break,
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
    if n_failed == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("groundprobe: {n_failed} of {} files failed", items.len());
        Ok(ExitCode::FAILURE)
    }
}
