//! Command-line definitions (clap) and one runner per subcommand.

mod analyze;
mod bench;
mod corpus_args;
mod demo;
mod devices;
mod engine_args;
mod live;
mod models;
mod progress;
mod run;
#[cfg(feature = "ui")]
mod screen;
mod signals;
#[cfg(all(feature = "mic", feature = "ui"))]
mod stderr_log;
mod text_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use engine_args::EngineArgs;

/// Watch what speech encoders know about words, live.
#[derive(Debug, Parser)]
#[command(name = "groundprobe", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find the words in WAV files and print each word's nearest neighbours.
    Run(run::RunArgs),
    /// The paper's analyses over a labelled corpus, every layer of every encoder, with
    /// confidence intervals: JSON, CSV, SVG figures and an index.html.
    Analyze(analyze::AnalyzeArgs),
    /// List the models found and check their files.
    Models(models::ModelsArgs),
    /// Play the bundled demo clips in real time on the live screen (no microphone needed).
    Demo(demo::DemoArgs),
    /// Listen to the microphone and show each word live (needs the `mic` feature).
    Live(live::LiveArgs),
    /// List audio input devices (needs the `mic` feature).
    Devices(devices::DevicesArgs),
    /// Benchmark the pipeline on this machine: per-stage latency, what a listener waits,
    /// memory; or compare earlier results side by side.
    Bench(bench::BenchArgs),
}

/// Parses the command line and runs the subcommand.
pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Models(args) => models::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Live(args) => live::run(args),
        Command::Devices(args) => devices::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
