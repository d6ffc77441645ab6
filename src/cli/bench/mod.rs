//! `groundprobe bench`: the edge-latency benchmark. Streams audio through the same driver,
//! engine and outputs as `run` and reports every stage's percentiles, what a listener
//! waits, memory and load times, with the machine and build — or puts earlier results side
//! by side (`--compare`).

mod print;
mod sink;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use clap::Args;
use groundprobe::audio::wav;
use groundprobe::bench::scaling::{self, ProbeShape};
use groundprobe::bench::{
    BenchInput, BenchReport, Build, Machine, MicroPercentiles, MilliPercentiles, SCHEMA_VERSION,
    compare, memory, plot,
};
use groundprobe::corpus;
use groundprobe::driver::{Control, Driver, Ended};
use groundprobe::engine::Engine;
use groundprobe::source::{ClipSource, Pace};

use super::EngineArgs;
use super::signals::Signals;
use sink::BenchSink;

/// Options of `groundprobe bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// WAV files or folders to stream (default: the bundled demo clips), looped until
    /// `--words` words were probed.
    #[arg(long = "input", value_name = "PATH", num_args = 1..)]
    inputs: Vec<PathBuf>,
    /// Words to probe before stopping.
    #[arg(long, default_value_t = 200)]
    words: usize,
    /// Stream at real-time pace, as a microphone would (default: as fast as possible).
    #[arg(long)]
    paced: bool,
    /// Inference threads (tract's matrix products).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: u16,
    /// Print the report as JSON (schema: benches/README.md) instead of a table.
    #[arg(long)]
    json: bool,
    /// Also write the JSON report to FILE.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also time one word's probe update at growing session sizes.
    #[arg(long)]
    probe_scaling: bool,
    /// Session sizes for `--probe-scaling`.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "100,1000,10000",
        value_name = "N,N,…"
    )]
    probe_sizes: Vec<usize>,
    /// Put earlier reports side by side (each figure with its ratio to the first).
    #[arg(long, value_name = "FILE", num_args = 2.., conflicts_with_all = ["inputs", "out"])]
    compare: Vec<PathBuf>,
    /// With `--compare`: also draw the comparison as an SVG bar chart.
    #[arg(long, value_name = "FILE", requires = "compare")]
    plot: Option<PathBuf>,
    /// onnxruntime shared library to time beside tract on the same inputs (needs the `ort`
    /// feature), e.g. the PyPI wheel's `onnxruntime/capi/libonnxruntime.so.1.*`. Stage
    /// timings then include onnxruntime's runs: use such a run for `ort_ratio` only.
    #[arg(long, value_name = "FILE", env = "GROUNDPROBE_ORT_LIB")]
    ort_lib: Option<PathBuf>,
    /// No progress on stderr.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

/// Runs the benchmark (or the comparison).
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    if !args.compare.is_empty() {
        return compare_files(&args);
    }
    let threads = usize::from(args.threads);
    if threads > 1 {
        use tract_linalg::multithread::{Executor, set_default_executor};
        set_default_executor(Executor::multithread(threads));
    }
    let ort_failed = start_ort(&args, threads);
    let (clips, files) = load_inputs(&args)?;
    let (mut engine, model_load_ms) = args.engine.build_timed(false)?;
    let rss_after_load_bytes = memory::rss_bytes();
    engine.record_stages();

    let quiet = args.quiet || args.json;
    let limit = args.words.max(1);
    let progress: Box<dyn FnMut(usize)> = Box::new(move |n| {
        if !quiet && (n % 25 == 0 || n == limit) {
            eprint!("\rgroundprobe bench: {n}/{limit} words");
            if n == limit {
                eprintln!();
            }
        }
    });
    let mut sink = BenchSink::new(&engine, limit, progress)?;
    let signals = Signals::install()?;
    let control = Control::new(signals.stop.clone());
    let started = Instant::now();
    let mut driver = Driver::new(&mut engine, &mut sink, &control);
    let ended = 'passes: loop {
        let before = driver.engine().words();
        for clip in &clips {
            let ended = driver
                .play(&mut clip.clone())
                .context("streaming the bench input")?;
            if ended != Ended::Finished {
                break 'passes ended;
            }
        }
        if driver.engine().words() == before {
            anyhow::bail!("no word found in the bench input ({})", files.join(", "));
        }
    };
    let processing = started.elapsed().as_secs_f64();
    let interrupted = ended == Ended::Stopped;
    let report = report(
        &args,
        &engine,
        sink,
        processing,
        ReportParts {
            files,
            model_load_ms,
            rss_after_load_bytes,
            threads,
            ort_failed,
        },
    )?;
    emit(&args, &report)?;
    if interrupted {
        eprintln!("groundprobe bench: interrupted; the report covers what was measured");
    }
    Ok(signals.exit_code().unwrap_or(ExitCode::SUCCESS))
}

/// Starts onnxruntime beside tract when asked for; the reason when it cannot be.
fn start_ort(args: &BenchArgs, threads: usize) -> Option<String> {
    let lib = args.ort_lib.as_ref()?;
    #[cfg(feature = "ort")]
    let failed = groundprobe::model::shadow::enable(lib, threads).err();
    #[cfg(not(feature = "ort"))]
    let failed = {
        let _ = threads;
        Some(format!(
            "{}: this build has no onnxruntime support (build with --features ort)",
            lib.display()
        ))
    };
    if let Some(why) = &failed {
        eprintln!("groundprobe bench: onnxruntime not compared: {why}");
    }
    failed
}

/// `ort_ratio` and its note.
fn ort_figures(failed: Option<String>) -> (Option<BTreeMap<String, f64>>, String) {
    if let Some(why) = failed {
        return (None, format!("onnxruntime not compared: {why}"));
    }
    #[cfg(feature = "ort")]
    if groundprobe::model::shadow::active() {
        let (ratios, note) = groundprobe::model::shadow::ratios();
        return (Some(ratios), note);
    }
    let how = if cfg!(feature = "ort") {
        "give --ort-lib FILE or GROUNDPROBE_ORT_LIB"
    } else {
        "this build has no onnxruntime support (build with --features ort)"
    };
    (None, format!("onnxruntime not compared: {how}"))
}

/// The inputs as clips (labelled as `run` labels them) and their names.
fn load_inputs(args: &BenchArgs) -> anyhow::Result<(Vec<ClipSource>, Vec<String>)> {
    let paths = if args.inputs.is_empty() {
        vec![args.engine.models_dir().join("demo")]
    } else {
        args.inputs.clone()
    };
    let expanded = corpus::expand(&paths);
    if let Some(e) = expanded.failed.first() {
        anyhow::bail!("bench input: {}", groundprobe::error::chain(e));
    }
    let pace = if args.paced {
        Pace::RealTime
    } else {
        Pace::Fast
    };
    let lexicon = args.engine.load_lexicon()?;
    let mut clips = Vec::new();
    for item in &expanded.items {
        let clip = wav::read(&item.path)?;
        let labels = corpus::labels_for(
            item,
            corpus::NameLabels::InLexicon(&lexicon),
            corpus::LabelRule::Auto,
        )?;
        clips.push(ClipSource::from_clip(&clip, pace).with_labels(labels));
    }
    if clips.is_empty() {
        anyhow::bail!("no WAV file in the bench input");
    }
    Ok((
        clips,
        paths.iter().map(|p| p.display().to_string()).collect(),
    ))
}

/// What the report needs from before the run.
struct ReportParts {
    files: Vec<String>,
    model_load_ms: BTreeMap<String, f64>,
    rss_after_load_bytes: Option<u64>,
    threads: usize,
    ort_failed: Option<String>,
}

fn report(
    args: &BenchArgs,
    engine: &Engine,
    sink: BenchSink,
    processing: f64,
    parts: ReportParts,
) -> anyhow::Result<BenchReport> {
    let stats = engine.stats();
    let mut times = engine.stage_times().unwrap_or_default();
    times.merge(sink.times);
    let compute_ms = &stats.word_latency_ms;
    let compute_us: Vec<f64> = compute_ms.iter().map(|ms| ms * 1e3).collect();
    let wait: Vec<f64> = stats
        .end_of_speech_ms
        .iter()
        .zip(compute_ms)
        .map(|(a, b)| a + b)
        .collect();
    // Before the probe-scaling fill, which is not part of the pipeline's footprint.
    let peak_rss_bytes = memory::peak_rss_bytes();
    let (ort_ratio, ort_note) = ort_figures(parts.ort_failed);
    let probe_scaling = if args.probe_scaling {
        Some(probe_scaling(args, engine)?)
    } else {
        None
    };
    Ok(BenchReport {
        version: SCHEMA_VERSION,
        created_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        input: BenchInput {
            files: parts.files,
            audio_seconds: stats.audio_seconds,
            words: sink.words,
            paced: args.paced,
            encoders: engine.encoders().iter().map(|e| e.name.clone()).collect(),
        },
        stages: times.stats(),
        word_end_to_update_us: MicroPercentiles::of(&compute_us),
        end_of_speech_to_word_ms: MilliPercentiles::of(&stats.end_of_speech_ms),
        listener_wait_ms: MilliPercentiles::of(&wait),
        end_of_speech_to_first_line_ms: (stats.provisional > 0)
            .then(|| MilliPercentiles::of(&stats.first_line_ms))
            .flatten(),
        retracted: (stats.provisional > 0).then_some((stats.retracted, stats.provisional)),
        rtf: if stats.audio_seconds > 0.0 {
            processing / stats.audio_seconds
        } else {
            0.0
        },
        peak_rss_bytes,
        rss_after_load_bytes: parts.rss_after_load_bytes,
        model_load_ms: parts.model_load_ms,
        ort_ratio,
        ort_note: Some(ort_note),
        probe_scaling,
        machine: Machine::detect(),
        build: Build::current(parts.threads),
    })
}

fn probe_scaling(
    args: &BenchArgs,
    engine: &Engine,
) -> anyhow::Result<groundprobe::bench::ProbeScaling> {
    let shapes: Vec<ProbeShape> = engine
        .encoders()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let p = engine.probe(i)?;
            Some(ProbeShape {
                encoder: e.name.clone(),
                layers: p.layer_names().to_vec(),
                dims: p.dims().to_vec(),
            })
        })
        .collect();
    let mut sizes = args.probe_sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();
    let quiet = args.quiet || args.json;
    let largest = sizes.last().copied().unwrap_or(0);
    Ok(scaling::measure(
        &shapes,
        engine.config().lexicon.clone(),
        engine.config().text_tables.clone(),
        &sizes,
        9,
        |n| {
            if !quiet && n % 1024 == 0 {
                eprint!("\rgroundprobe bench: probe scaling, {n}/{largest} words");
            }
        },
    )
    .inspect(|_| {
        if !quiet {
            eprintln!();
        }
    })?)
}

fn emit(args: &BenchArgs, report: &BenchReport) -> anyhow::Result<()> {
    let json = serde_json::to_string_pretty(report)?;
    if let Some(out) = &args.out {
        std::fs::write(out, format!("{json}\n"))
            .with_context(|| format!("writing {}", out.display()))?;
    }
    let mut stdout = std::io::stdout().lock();
    let written = if args.json {
        writeln!(stdout, "{json}")
    } else {
        write!(stdout, "{}", print::report(report))
    };
    match written.and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn compare_files(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let reports = args
        .compare
        .iter()
        .map(|p| BenchReport::load(p).context("reading a bench report"))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let names: Vec<String> = args
        .compare
        .iter()
        .map(|p| {
            p.file_stem()
                .map_or_else(|| p.display().to_string(), |s| s.to_string_lossy().into())
        })
        .collect();
    let mut stdout = std::io::stdout().lock();
    match write!(stdout, "{}", compare::table(&names, &reports)) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    if let Some(path) = &args.plot {
        plot::save(path, &names, &reports)?;
    }
    Ok(ExitCode::SUCCESS)
}
