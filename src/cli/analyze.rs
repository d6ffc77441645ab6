//! `groundprobe analyze`: the paper's analyses over a labelled corpus, as files a
//! researcher can use (see `groundprobe::analysis`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::UNIX_EPOCH;

use anyhow::Context;
use clap::Args;
use groundprobe::analysis::cache::Cached;
use groundprobe::analysis::{self, Inputs, PAPER_SAMPLE, PAPER_SEEDS};
use groundprobe::audio::wav;
use groundprobe::corpus;
use groundprobe::event::Event;
use groundprobe::model::registry::Registry;
use groundprobe::sink::{Flow, Sink};
use groundprobe::summary::Summary;

use sha2::{Digest, Sha256};

use super::EngineArgs;
use super::corpus_args::CorpusArgs;
use super::text_args::PoolingArg;

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
    /// Keep the words' vectors in DIR (a file per corpus and settings) and read them from
    /// there next time: other seeds, samples or text tables then skip the corpus pass.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
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
    let cache = match &args.cache {
        Some(dir) => Some((dir, cache_key(&args, prepared.items())?)),
        None => None,
    };
    // A cache that cannot be read is said and made again: nothing is lost.
    let hit = cache
        .as_ref()
        .and_then(|(dir, key)| match analysis::cache::load(dir, key) {
            Ok(cached) => cached.map(|c| (analysis::cache::path(dir, key), c)),
            Err(e) => {
                eprintln!("groundprobe analyze: making the cache again: {e}");
                None
            }
        });
    let (encoders, tokens, code) = match hit {
        Some((file, c)) => {
            let n = c.tokens.len();
            eprintln!(
                "groundprobe analyze: {n} words read from {}",
                file.display()
            );
            (c.encoders, c.tokens, ExitCode::SUCCESS)
        }
        None => {
            let code = prepared.play(&args.corpus, &mut Discard)?;
            let engine = &prepared.engine;
            let (encoders, tokens) = (engine.analysis_encoders(), engine.tokens());
            match cache {
                Some((dir, key)) if code == ExitCode::SUCCESS && !tokens.is_empty() => {
                    let cached = Cached {
                        key,
                        encoders,
                        tokens,
                    };
                    analysis::cache::save(dir, &cached)?;
                    (cached.encoders, cached.tokens, code)
                }
                Some(_) if code != ExitCode::SUCCESS => {
                    eprintln!("groundprobe analyze: not cached: a file failed or the run stopped");
                    (encoders, tokens, code)
                }
                _ => (encoders, tokens, code),
            }
        }
    };
    let engine = &prepared.engine;
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
    let report = analysis::analyze(&encoders, &tokens, &inputs)?;
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

/// The cache key of a pass: what decides its words — every file (path, size, modification
/// time), the corpus and engine options but those only the analysis reads (`--text`,
/// `--text-pooling`) or that change no word (`--threads`, `-q`), the models' manifests
/// (with their weights' sha256) and this version.
fn cache_key(args: &AnalyzeArgs, items: &[groundprobe::corpus::Item]) -> anyhow::Result<String> {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    for i in items {
        anyhow::ensure!(
            i.path.as_os_str() != wav::STDIN,
            "--cache cannot keep the words of standard input: give files"
        );
        let meta = std::fs::metadata(&i.path)
            .with_context(|| format!("{}: cannot read its size and time", i.path.display()))?;
        let modified = (meta.modified().ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos());
        h.update(format!(
            "{}\0{}\0{modified:?}\n",
            i.path.display(),
            meta.len()
        ));
    }
    let mut engine = args.engine.clone();
    engine.text.clear();
    engine.text_pooling = PoolingArg::First;
    let mut corpus = args.corpus.clone();
    (corpus.threads, corpus.quiet) = (0, false);
    h.update(format!("{corpus:?}\n{engine:?}\n"));
    let dir = args.engine.models_dir();
    let registry = Registry::scan(&dir)
        .with_context(|| format!("reading the models folder {}", dir.display()))?;
    h.update(format!("{:?}", registry.manifests()));
    let digest = h.finalize();
    Ok(digest[..12].iter().map(|b| format!("{b:02x}")).collect())
}
