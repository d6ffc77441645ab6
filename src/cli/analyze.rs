//! `groundprobe analyze`: the paper's analyses over a labelled corpus, as files a
//! researcher can use (see `groundprobe::analysis`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use groundprobe::analysis::{self, Inputs, PAPER_SAMPLE, PAPER_SEEDS};
use groundprobe::corpus;
use groundprobe::event::Event;
use groundprobe::model::registry::Registry;
use groundprobe::sink::{Flow, Sink};
use groundprobe::summary::Summary;

use super::EngineArgs;
use super::corpus_args::CorpusArgs;

/// Options of `groundprobe analyze`.
#[derive(Debug, Args)]
#[command(after_help = corpus::LABEL_RULES)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    corpus: CorpusArgs,
    /// Folder for analysis.json, the CSV tables, the SVG figures and index.html.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Seeds of the word-pair samples (the paper's by default).
    #[arg(long, value_delimiter = ',', default_values_t = PAPER_SEEDS)]
    seeds: Vec<u64>,
    /// Tokens per word-pair sample (at most 80 % of the corpus, so seeds differ).
    #[arg(long, default_value_t = PAPER_SAMPLE, value_name = "N")]
    sample: usize,
    #[command(flatten)]
    engine: EngineArgs,
}

/// Word lines are not needed: the analyses read the engine's words at the end.
struct Discard;

impl Sink for Discard {
    fn event(&mut self, _: Event) -> std::io::Result<Flow> {
        Ok(Flow::Continue)
    }

    fn finish(&mut self, _: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

/// Plays the corpus, then analyses every word found and writes the files.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(!args.seeds.is_empty(), "--seeds needs at least one seed");
    // Found before the first file, not after the corpus has been played.
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("--out {}: cannot make the folder", args.out.display()))?;
    let mut prepared = args.corpus.prepare(&args.engine, false)?;
    let code = prepared.play(&args.corpus, &mut Discard)?;
    let engine = &prepared.engine;
    let tokens = engine.tokens();
    anyhow::ensure!(!tokens.is_empty(), "no words were found in the corpus");
    // A text encoder also encodes the corpus's labels the lexicon lacks.
    let tables = if args.engine.text_encoders_named() {
        let dir = args.engine.models_dir();
        let registry = Registry::scan(&dir)
            .with_context(|| format!("reading the models folder {}", dir.display()))?;
        let mut labels: Vec<&str> = tokens.iter().filter_map(|t| t.label.as_deref()).collect();
        labels.sort_unstable();
        labels.dedup();
        args.engine.load_text_tables(&registry, &labels)?
    } else {
        engine.config().text_tables.clone()
    };
    let inputs = Inputs {
        lexicon: engine.config().lexicon.clone(),
        tables,
        seeds: args.seeds.clone(),
        sample: args.sample,
    };
    let report = analysis::analyze(&engine.analysis_encoders(), &tokens, &inputs)?;
    let written = report.write(&args.out)?;
    eprintln!(
        "groundprobe analyze: {} tokens ({} labelled), {} files in {}",
        report.settings.tokens,
        report.settings.labelled,
        written.len(),
        args.out.display()
    );
    Ok(code)
}
