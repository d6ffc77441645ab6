//! `groundprobe demo`: the bundled clips streamed through the same ring as a microphone,
//! in real time, with the terminal UI — or as JSON lines when headless (CI, pipes).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use groundprobe::audio::feed::Pace;
use groundprobe::engine::Labels;
use groundprobe::event::Event;
use groundprobe::sink::JsonLines;
use groundprobe::stream::run_clip;
use groundprobe::summary::Summary;
use groundprobe::ui::{self, App, Mode, Setup};

use super::EngineArgs;
use super::screen;

/// Options of `groundprobe demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print one JSON line per word and a summary instead of the screen (automatic when
    /// standard output is not a terminal).
    #[arg(long)]
    headless: bool,
    /// Skip real-time pacing: stream the clips as fast as the engine takes them.
    #[arg(long)]
    fast: bool,
    /// Folder of demo clips (`*.wav` with `*.txt` transcripts; default: <models>/demo).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

/// Runs the demo.
pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| args.engine.models_dir().join("demo"));
    let clips = ui::session::load_clips(&dir)
        .with_context(|| format!("loading the demo clips from {}", dir.display()))?;
    if args.headless || !std::io::stdout().is_terminal() {
        headless(&args, &clips)
    } else {
        interactive(&args, clips)
    }
}

/// Real-time pacing in 10 ms blocks of the clip's own rate.
fn pace_for(fast: bool, rate: u32) -> Pace {
    if fast {
        Pace::Fast
    } else {
        Pace::RealTime {
            block: (rate / 100).max(1) as usize,
        }
    }
}

fn headless(
    args: &DemoArgs,
    clips: &[(groundprobe::audio::wav::Clip, Vec<String>)],
) -> anyhow::Result<ExitCode> {
    let mut engine = args.engine.clone().or_bundled_text_tables().build(false)?;
    let mut sink = JsonLines::new(std::io::stdout().lock());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut write_error = None;
    for (clip, words) in clips {
        let labels = Labels::Sequence(words.iter().cloned().collect());
        let mut emit = |e: Event| {
            if let Err(err) = sink.event(&e) {
                write_error.get_or_insert(err);
            }
        };
        run_clip(
            &mut engine,
            clip,
            labels,
            pace_for(args.fast, clip.sample_rate),
            &stop,
            &mut emit,
        )
        .with_context(|| format!("playing {}", clip.path.display()))?;
        if let Some(err) = write_error.take() {
            return Err(err).context("writing the output");
        }
    }
    let summary = Summary::of(&engine, started.elapsed().as_secs_f64(), Vec::new());
    sink.summary(&summary).context("writing the summary")?;
    std::io::stdout().flush().ok();
    Ok(ExitCode::SUCCESS)
}

fn interactive(
    args: &DemoArgs,
    clips: Vec<(groundprobe::audio::wav::Clip, Vec<String>)>,
) -> anyhow::Result<ExitCode> {
    let engine = args.engine.clone().or_bundled_text_tables().build(true)?;
    let setup = Setup {
        title: format!("demo ({} clips)", clips.len()),
        mode: Mode::Demo,
        encoders: screen::encoder_setups(&engine),
        prompts: Vec::new(),
        groups: screen::word_groups(&engine),
        neighbours_shown: args.engine.k,
    };
    let fast = args.fast;
    let link = ui::session::spawn(engine, move |engine, side| {
        let rate = clips.first().map_or(16_000, |(c, _)| c.sample_rate);
        let played = side.play_clips(engine, &clips, pace_for(fast, rate))?;
        Ok(format!(
            "demo finished: {played} clips, {} words",
            side.session_words()
        ))
    })
    .context("starting the engine thread")?;
    let mut app = App::new(setup);
    let result = ui::with_terminal(|t| ui::run_loop(t, &mut app, &link, &mut |_| {}))
        .context("opening the terminal")?;
    link.stop(Duration::from_secs(2));
    result?;
    eprintln!(
        "groundprobe demo: {} words",
        app.session_words().count() + app.backlog.len()
    );
    Ok(ExitCode::SUCCESS)
}
