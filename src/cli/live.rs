//! `groundprobe live`: microphone → ring → engine thread → screen. Prompted mode shows the
//! next word to say and labels the segment with it; free mode shows unlabelled words
//! against a reference bank (the demo clips, embedded at start).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::EngineArgs;

/// Words prompted when no list is given: the demo's mix of the paper's semantic categories
/// (instruments, vegetables, vehicles, clothing) and phonetic groups.
pub const DEFAULT_PROMPTS: &[&str] = &[
    "piano",
    "chin",
    "bus",
    "map",
    "violin",
    "chip",
    "truck",
    "cap",
    "carrot",
    "grin",
    "taxi",
    "lap",
    "potato",
    "chuck",
    "coat",
    "grid",
    "onion",
    "handshake",
    "trumpet",
    "handbrake",
];

/// What to tell a user whose build cannot record.
#[cfg_attr(feature = "mic", allow(dead_code))]
pub const NO_MIC_SUPPORT: &str = "this build has no microphone support: rebuild with the \
`mic` feature (`cargo build --release --features mic`, which needs the ALSA headers: \
`apt-get install libasound2-dev pkg-config`; see the README, section \"Microphone\"). \
`groundprobe demo` works without a microphone";

/// Options of `groundprobe live`.
#[derive(Debug, Args)]
pub struct LiveArgs {
    /// Input device: its exact name or part of it (default: the system's default input;
    /// `groundprobe devices` lists them).
    #[arg(long, value_name = "NAME")]
    device: Option<String>,
    /// Words to prompt, whitespace- or line-separated, `#` starts a comment (default: a
    /// built-in mix of the paper's semantic categories and phonetic groups).
    #[arg(long, value_name = "FILE", conflicts_with = "free")]
    prompt_list: Option<PathBuf>,
    /// Free mode: say any word; words are unlabelled and shown against a reference bank.
    #[arg(long)]
    free: bool,
    /// Clips embedded as the reference bank in free mode (default: <models>/demo).
    #[arg(long, value_name = "DIR")]
    reference: Option<PathBuf>,
    /// No screen: one JSON line per word and a summary at the end (Ctrl-C or SIGTERM
    /// ends the session), as `run --json` prints them.
    #[arg(long)]
    json: bool,
    /// Capture at this sample rate (default: the device's; `groundprobe devices --all`
    /// lists what it supports).
    #[arg(long, value_name = "HZ")]
    capture_rate: Option<u32>,
    /// Capture this many interleaved channels, mixed to mono (default: the device's).
    #[arg(long, value_name = "N")]
    capture_channels: Option<u16>,
    /// Capture in this sample format: s16, u16, s32 or f32 (ALSA names such as S16_LE
    /// too; default: the device's).
    #[arg(long, value_name = "FORMAT")]
    capture_format: Option<String>,
    /// Record the session into this folder as it happens: each stream as a WAV take with
    /// its words' labels as a transcript, and every JSON line (`session.jsonl`); replay it
    /// with `demo --dir DIR` or `run DIR`, no microphone needed.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Test hook (with --json): wait this long after each word, as a slow engine would (the device keeps
    /// delivering; what the ring cannot hold is counted as dropped).
    #[arg(long, value_name = "MS", hide = true)]
    word_delay_ms: Option<u64>,
    #[command(flatten)]
    engine: EngineArgs,
}

/// Reads a prompt list.
fn read_prompts(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read the prompt list: {e}", path.display()))?;
    let words: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        anyhow::bail!("{}: the prompt list has no words", path.display());
    }
    Ok(words)
}

/// Runs a live session.
#[cfg(not(feature = "mic"))]
pub fn run(args: LiveArgs) -> anyhow::Result<ExitCode> {
    // Check the cheap arguments anyway, so a typo is reported first.
    if let Some(p) = &args.prompt_list {
        read_prompts(p)?;
    }
    let _ = (
        &args.device,
        &args.reference,
        args.free,
        &args.engine,
        args.json,
        (
            args.capture_rate,
            args.capture_channels,
            &args.capture_format,
        ),
        args.word_delay_ms,
        &args.record,
        DEFAULT_PROMPTS,
    );
    anyhow::bail!("{NO_MIC_SUPPORT}")
}

/// Runs a live session.
#[cfg(feature = "mic")]
pub fn run(args: LiveArgs) -> anyhow::Result<ExitCode> {
    imp::run(args)
}

#[cfg(feature = "mic")]
mod imp {
    use std::process::ExitCode;

    use anyhow::Context;
    use groundprobe::corpus;
    use groundprobe::driver::{Control, Driver, Ended};
    use groundprobe::engine::Engine;
    use groundprobe::labels::Labels;
    use groundprobe::record::{Recorded, Recorder, RecordingSink};
    use groundprobe::sink::JsonLines;
    use std::time::Duration;

    use groundprobe::audio::mic::CaptureRequest;
    use groundprobe::event::Event;
    use groundprobe::sink::{Flow, Sink};
    use groundprobe::source::mic::MicSource;
    use groundprobe::source::{ClipSource, Pace};
    use groundprobe::summary::Summary;

    use super::{DEFAULT_PROMPTS, LiveArgs, read_prompts};

    /// A recording shared by the recorded source and the recording sink.
    type Shared = std::sync::Arc<std::sync::Mutex<Recorder>>;
    use crate::cli::signals::Signals;

    pub fn run(args: LiveArgs) -> anyhow::Result<ExitCode> {
        let prompts: Vec<String> = if args.free {
            Vec::new()
        } else if let Some(p) = &args.prompt_list {
            read_prompts(p)?
        } else {
            DEFAULT_PROMPTS.iter().map(|s| s.to_string()).collect()
        };
        let reference: Vec<ClipSource> = if args.free {
            let dir = args
                .reference
                .clone()
                .unwrap_or_else(|| args.engine.models_dir().join("demo"));
            corpus::clips(&dir, Pace::Fast)
                .with_context(|| format!("loading the reference clips from {}", dir.display()))?
                .into_iter()
                .map(ClipSource::as_reference)
                .collect()
        } else {
            Vec::new()
        };
        let mut engine_args = args.engine.clone().speculating().hearing();
        engine_args.prompts = prompts.clone();
        let engine = engine_args.build(!args.json)?;
        // Open the device before taking over the terminal, so that a missing microphone
        // is a plain error message.
        let labels = if args.free && engine.recognising() {
            Labels::Heard
        } else if args.free {
            Labels::None
        } else {
            Labels::Prompted
        };
        let want = CaptureRequest {
            rate: args.capture_rate,
            channels: args.capture_channels,
            format: args
                .capture_format
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e: String| anyhow::anyhow!("--capture-format: {e}"))?,
        };
        let recorder = args.record.as_deref().map(Recorder::create).transpose()?;
        let mic = MicSource::open(args.device.as_deref(), want, labels)?;
        if args.json {
            let delay = std::time::Duration::from_millis(args.word_delay_ms.unwrap_or(0));
            return headless(engine, reference, mic, delay, recorder);
        }
        interactive(&args, engine, reference, mic, prompts, recorder)
    }

    /// Plays the reference bank, then the microphone (recorded if asked), into `driver`
    /// until stopped.
    fn session(
        driver: &mut Driver,
        reference: Vec<ClipSource>,
        mic: &mut MicSource,
        recorder: Option<Shared>,
    ) -> groundprobe::Result<()> {
        for mut clip in reference {
            if driver.play(&mut clip)? != Ended::Finished {
                return Ok(());
            }
        }
        match recorder {
            Some(rec) => driver.play(&mut Recorded::new(mic, rec))?,
            None => driver.play(mic)?,
        };
        Ok(())
    }

    fn headless(
        mut engine: Engine,
        reference: Vec<ClipSource>,
        mut mic: MicSource,
        word_delay: Duration,
        recorder: Option<Shared>,
    ) -> anyhow::Result<ExitCode> {
        let started = std::time::Instant::now();
        let signals = Signals::install()?;
        let control = Control::new(signals.stop.clone());
        let slowed = Slowed {
            inner: JsonLines::new(std::io::stdout().lock()),
            word_delay,
        };
        let mut sink: Box<dyn Sink> = match &recorder {
            Some(rec) => Box::new(RecordingSink::new(slowed, rec.clone())),
            None => Box::new(slowed),
        };
        let mut driver = Driver::new(&mut engine, sink.as_mut(), &control);
        let played = session(&mut driver, reference, &mut mic, recorder);
        let finished = driver.finish(started.elapsed().as_secs_f64(), Vec::new());
        release(mic);
        played?;
        finished?;
        Ok(signals.exit_code().unwrap_or(ExitCode::SUCCESS))
    }

    /// Stops the capture, waiting at most a second: a stalled device can block its capture
    /// thread in a read that never returns, and Ctrl-C must still end the session.
    fn release(mic: MicSource) {
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            drop(mic);
            let _ = done.send(());
        });
        let _ = wait.recv_timeout(Duration::from_secs(1));
    }

    /// A sink that waits after each final word (the `--word-delay-ms` test hook).
    struct Slowed<S> {
        inner: S,
        word_delay: Duration,
    }

    impl<S: Sink> Sink for Slowed<S> {
        fn event(&mut self, event: Event) -> std::io::Result<Flow> {
            let word = matches!(&event, Event::Word(w) if w.is_final);
            let flow = self.inner.event(event)?;
            if word && !self.word_delay.is_zero() {
                std::thread::sleep(self.word_delay);
            }
            Ok(flow)
        }

        fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
            self.inner.finish(summary)
        }
    }

    #[cfg(not(feature = "ui"))]
    fn interactive(
        _: &LiveArgs,
        _: Engine,
        _: Vec<ClipSource>,
        _: MicSource,
        _: Vec<String>,
        _: Option<Shared>,
    ) -> anyhow::Result<ExitCode> {
        anyhow::bail!("this build has no terminal UI (feature `ui`): use `live --json`")
    }

    #[cfg(feature = "ui")]
    fn interactive(
        args: &LiveArgs,
        engine: Engine,
        reference: Vec<ClipSource>,
        mut mic: MicSource,
        prompts: Vec<String>,
        recorder: Option<Shared>,
    ) -> anyhow::Result<ExitCode> {
        use groundprobe::driver::thread;
        use groundprobe::sink::channel::ChannelSink;
        use groundprobe::ui::{self, App, Mode};

        use crate::cli::stderr_log::stderr_to;

        let d = mic.device().clone();
        let mode = if args.free {
            Mode::Free
        } else {
            Mode::Prompted
        };
        let title = format!(
            "live · {} · {} Hz {}ch {}",
            d.name, d.sample_rate, d.channels, d.format
        );
        let mut setup = crate::cli::screen::setup(&engine, title, mode, args.engine.k);
        setup.prompts = prompts;
        let log = recorder.clone();
        let wrap = move |channel: ChannelSink| -> Box<dyn Sink + Send> {
            match log {
                Some(rec) => Box::new(RecordingSink::new(channel, rec)),
                None => Box::new(channel),
            }
        };
        let job = move |driver: &mut Driver| {
            session(driver, reference, &mut mic, recorder)?;
            Ok(format!("{} words", driver.engine().words()))
        };
        let link =
            thread::spawn_with_sink(engine, wrap, job).context("starting the engine thread")?;

        let mut app = App::new(setup);
        let signals = Signals::install()?;
        // The audio library reports retries on stderr, which would scribble over the
        // screen: send stderr to a log file while the screen is up.
        let log = std::env::temp_dir().join("groundprobe-live.log");
        let quiet = stderr_to(&log);
        let result = ui::with_terminal(|t| ui::run_loop(t, &mut app, &link, &signals.stop))
            .context("opening the terminal")?;
        drop(quiet);
        link.stop(Duration::from_secs(2));
        result?;
        if std::fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
            eprintln!(
                "groundprobe live: audio library messages are in {}",
                log.display()
            );
        }
        eprintln!(
            "groundprobe live: {} words",
            app.words_said() + app.backlog.len()
        );
        Ok(ExitCode::SUCCESS)
    }
}
