//! `groundprobe run`: words and neighbours from WAV files, as a table or JSON lines.

use std::process::ExitCode;

use clap::Args;
use groundprobe::corpus;
use groundprobe::sink::{JsonLines, Sink, Table};

use super::EngineArgs;
use super::corpus_args::CorpusArgs;

/// Options of `groundprobe run`.
#[derive(Debug, Args)]
#[command(after_help = corpus::LABEL_RULES)]
pub struct RunArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
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
    let mut prepared = args.corpus.prepare(&args.engine, args.vectors)?;
    let stdout = std::io::stdout().lock();
    let mut sink: Box<dyn Sink> = if args.json {
        Box::new(JsonLines::new(stdout))
    } else {
        Box::new(Table::new(stdout, args.engine.k))
    };
    prepared.play(&args.corpus, sink.as_mut())
}
