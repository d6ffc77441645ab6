//! `groundprobe demo`: the bundled clips streamed in real time through the same driver as
//! a microphone, with the terminal UI — or as JSON lines when headless (CI, pipes).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use groundprobe::corpus;
use groundprobe::driver::{Control, Driver, Ended};
use groundprobe::sink::JsonLines;
use groundprobe::source::{ClipSource, Pace};

use super::EngineArgs;
use super::signals::Signals;

/// Options of `groundprobe demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print one JSON line per word and a summary instead of the screen (automatic when
    /// standard output is not a terminal; `--json` is the same).
    #[arg(long, alias = "json")]
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
    let clips = load(&args)?;
    if args.headless || !std::io::stdout().is_terminal() {
        return headless(&args, clips);
    }
    interactive(&args, clips)
}

fn headless(args: &DemoArgs, clips: Vec<ClipSource>) -> anyhow::Result<ExitCode> {
    // The clips' transcripts are aligned by what was heard (see `run`).
    let mut engine = args.engine.clone().hearing().build(false)?;
    let mut sink = JsonLines::new(std::io::stdout().lock());
    let signals = Signals::install()?;
    let control = Control::new(signals.stop.clone());
    let started = Instant::now();
    let mut driver = Driver::new(&mut engine, &mut sink, &control);
    for mut clip in clips {
        let name = groundprobe::source::Source::info(&clip).name;
        let ended = driver
            .play(&mut clip)
            .with_context(|| format!("playing {name}"))?;
        if ended != Ended::Finished {
            break;
        }
    }
    driver.finish(started.elapsed().as_secs_f64(), Vec::new())?;
    std::io::stdout().flush().ok();
    super::corpus_args::uneven_warning(&engine.stats().positional);
    Ok(signals.exit_code().unwrap_or(ExitCode::SUCCESS))
}

#[cfg(not(feature = "ui"))]
fn interactive(args: &DemoArgs, clips: Vec<ClipSource>) -> anyhow::Result<ExitCode> {
    eprintln!(
        "groundprobe demo: this build has no terminal UI (feature `ui`); printing JSON lines"
    );
    headless(args, clips)
}

/// The screen, with `r` to replay once the demo has finished. A replay is a fresh
/// session on a fresh engine: the demo's engine thread ends with the demo (its result is
/// the screen's "finished" note), and playing the same clips into the same session again
/// would give every word an identical copy of itself as nearest neighbour (cosine 1.00),
/// which shows nothing about the encoders; a fresh session shows the same words,
/// neighbours and metrics as the first time, for the next class.
#[cfg(feature = "ui")]
fn interactive(args: &DemoArgs, clips: Vec<ClipSource>) -> anyhow::Result<ExitCode> {
    use groundprobe::ui::{self, App, Mode};
    use std::time::Duration;

    let engine = args.engine.clone().speculating().hearing().build(true)?;
    let setup = super::screen::setup(
        &engine,
        format!("demo ({} clips)", clips.len()),
        Mode::Demo,
        args.engine.k,
    );
    let signals = Signals::install()?;
    let mut app = App::new(setup);
    app.can_replay = true;
    let mut session = Some((engine, clips));
    let result = ui::with_terminal(|t| -> anyhow::Result<()> {
        loop {
            let (engine, clips) = match session.take() {
                Some(s) => s,
                None => {
                    app.restart("replaying: loading the models…");
                    t.draw(|f| ui::ui(f, &app))?;
                    let engine = args.engine.clone().speculating().hearing().build(true)?;
                    (engine, load(args)?)
                }
            };
            let link = play(engine, clips)?;
            let shown = ui::run_loop(t, &mut app, &link, &signals.stop);
            link.stop(Duration::from_secs(2));
            shown?;
            if !app.replay {
                return Ok(());
            }
        }
    })
    .context("opening the terminal")?;
    result?;
    eprintln!(
        "groundprobe demo: {} words",
        app.words_said() + app.backlog.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The demo clips (`--dir`, default <models>/demo), paced as asked.
fn load(args: &DemoArgs) -> anyhow::Result<Vec<ClipSource>> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| args.engine.models_dir().join("demo"));
    let pace = if args.fast {
        Pace::Fast
    } else {
        Pace::RealTime
    };
    corpus::clips(&dir, pace)
        .with_context(|| format!("loading the demo clips from {}", dir.display()))
}

/// Plays `clips` through `engine` on the engine thread.
#[cfg(feature = "ui")]
fn play(
    engine: groundprobe::engine::Engine,
    clips: Vec<ClipSource>,
) -> anyhow::Result<groundprobe::driver::thread::Link> {
    groundprobe::driver::thread::spawn(engine, move |driver| {
        let mut played = 0;
        for mut clip in clips {
            if driver.play(&mut clip)? != Ended::Finished {
                break;
            }
            played += 1;
        }
        let words = driver.engine().words();
        Ok(format!("demo finished: {played} clips, {words} words"))
    })
    .context("starting the engine thread")
}
