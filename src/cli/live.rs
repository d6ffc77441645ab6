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
    use std::sync::mpsc::{self, RecvTimeoutError};
    use std::time::{Duration, Instant};

    use anyhow::Context;
    use groundprobe::audio::ENGINE_RATE;
    use groundprobe::audio::feed::Pace;
    use groundprobe::audio::mic::{self, DeviceChange, Mic, Reconnect};
    use groundprobe::audio::resample::StreamResampler;
    use groundprobe::audio::ring::{RingReader, ring};
    use groundprobe::audio::wav::Clip;
    use groundprobe::engine::{Engine, Labels};
    use groundprobe::event::{DeviceStatus, SourceInfo};
    use groundprobe::stream::RING_CAPACITY;
    use groundprobe::ui::session::{EngineSide, PumpEnd};
    use groundprobe::ui::{self, App, Command, Mode, Msg, Setup};

    use super::{DEFAULT_PROMPTS, LiveArgs, read_prompts};
    use crate::cli::screen;

    /// A device session handed to the engine thread.
    struct LiveSource {
        reader: RingReader,
        rate: u32,
        name: String,
    }

    pub fn run(args: LiveArgs) -> anyhow::Result<ExitCode> {
        let prompts: Vec<String> = if args.free {
            Vec::new()
        } else if let Some(p) = &args.prompt_list {
            read_prompts(p)?
        } else {
            DEFAULT_PROMPTS.iter().map(|s| s.to_string()).collect()
        };
        let reference: Vec<(Clip, Vec<String>)> = if args.free {
            let dir = args
                .reference
                .clone()
                .unwrap_or_else(|| args.engine.models_dir().join("demo"));
            ui::session::load_clips(&dir)
                .with_context(|| format!("loading the reference clips from {}", dir.display()))?
        } else {
            Vec::new()
        };
        let engine = args.engine.clone().or_bundled_text_tables().build(true)?;
        // Open the device before taking over the terminal, so that a missing microphone
        // is a plain error message.
        let (writer, reader) = ring(RING_CAPACITY);
        let device = args.device.clone();
        let first: Mic = mic::open(device.as_deref(), writer)?;
        let info = first.info().clone();
        let (src_tx, src_rx) = mpsc::channel::<LiveSource>();
        src_tx
            .send(LiveSource {
                reader,
                rate: info.sample_rate,
                name: info.name.clone(),
            })
            .ok();

        let setup = Setup {
            title: format!(
                "live · {} · {} Hz {}ch {}",
                info.name, info.sample_rate, info.channels, info.format
            ),
            mode: if args.free {
                Mode::Free
            } else {
                Mode::Prompted
            },
            encoders: screen::encoder_setups(&engine),
            prompts: prompts.clone(),
            groups: screen::word_groups(&engine),
            neighbours_shown: args.engine.k,
        };
        let link = ui::session::spawn(engine, move |engine, side| {
            live_job(engine, side, &src_rx, &prompts, &reference)
        })
        .context("starting the engine thread")?;

        let mut app = App::new(setup);
        let mut watch = Reconnect::new(
            first,
            |writer| mic::open(device.as_deref(), writer),
            Duration::from_secs(1),
            RING_CAPACITY,
        );
        let mut tick = |app: &mut App| match watch.poll(Instant::now()) {
            Some(DeviceChange::Lost) => {
                app.device = Some(DeviceStatus {
                    message: "device lost — retrying".into(),
                    ok: false,
                });
            }
            Some(DeviceChange::StillLost(e)) => {
                app.device = Some(DeviceStatus {
                    message: format!("device lost — retrying ({e})"),
                    ok: false,
                });
            }
            Some(DeviceChange::Back {
                reader,
                sample_rate,
                name,
            }) => {
                app.device = Some(DeviceStatus {
                    message: format!("{name} is back"),
                    ok: true,
                });
                let _ = src_tx.send(LiveSource {
                    reader,
                    rate: sample_rate,
                    name,
                });
            }
            None => {}
        };
        // The audio library reports retries on stderr, which would scribble over the
        // screen: send stderr to a log file while the screen is up.
        let log = std::env::temp_dir().join("groundprobe-live.log");
        let quiet = stderr_to(&log);
        let result = ui::with_terminal(|t| ui::run_loop(t, &mut app, &link, &mut tick))
            .context("opening the terminal")?;
        drop(watch);
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
            app.session_words().count() + app.backlog.len()
        );
        Ok(ExitCode::SUCCESS)
    }

    /// Sends file descriptor 2 to `path` until the guard is dropped (a panic message still
    /// reaches the real stderr).
    #[cfg(unix)]
    struct StderrRedirect {
        saved: i32,
    }

    #[cfg(unix)]
    impl Drop for StderrRedirect {
        fn drop(&mut self) {
            // SAFETY: `saved` is a descriptor this process duplicated and still owns.
            unsafe {
                libc::dup2(self.saved, 2);
                libc::close(self.saved);
            }
        }
    }

    #[cfg(not(unix))]
    fn stderr_to(_path: &std::path::Path) -> Option<()> {
        None
    }

    #[cfg(unix)]
    fn stderr_to(path: &std::path::Path) -> Option<StderrRedirect> {
        use std::os::fd::AsRawFd;
        let file = std::fs::File::create(path).ok()?;
        // SAFETY: plain descriptor calls on descriptors this process owns; on failure
        // nothing is changed.
        unsafe {
            let saved = libc::dup(2);
            if saved < 0 {
                return None;
            }
            if libc::dup2(file.as_raw_fd(), 2) < 0 {
                libc::close(saved);
                return None;
            }
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                // SAFETY: puts the saved descriptor back on 2 (harmless if already closed).
                libc::dup2(saved, 2);
                previous(info);
            }));
            Some(StderrRedirect { saved })
        }
    }

    fn labels_from(prompts: &[String], next: usize) -> Labels {
        if prompts.is_empty() {
            return Labels::None;
        }
        Labels::Sequence(
            (next..next + 10_000)
                .map(|i| prompts[i % prompts.len()].clone())
                .collect(),
        )
    }

    fn load_reference(
        engine: &mut Engine,
        side: &EngineSide,
        reference: &[(Clip, Vec<String>)],
    ) -> anyhow::Result<()> {
        if reference.is_empty() {
            return Ok(());
        }
        side.send(Msg::Reference(true));
        let r = side.play_clips(engine, reference, Pace::Fast);
        side.send(Msg::Reference(false));
        r.context("embedding the reference bank")?;
        Ok(())
    }

    fn live_job(
        engine: &mut Engine,
        side: &EngineSide,
        sources: &mpsc::Receiver<LiveSource>,
        prompts: &[String],
        reference: &[(Clip, Vec<String>)],
    ) -> anyhow::Result<String> {
        load_reference(engine, side, reference)?;
        while !side.stopped() {
            let mut src = match sources.recv_timeout(Duration::from_millis(100)) {
                Ok(s) => s,
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(Command::Clear) = side.command() {
                        engine.clear();
                        load_reference(engine, side, reference)?;
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            let info = SourceInfo {
                name: src.name.clone(),
                sample_rate: src.rate,
                seconds: None,
            };
            let mut resampler = StreamResampler::new(src.rate, ENGINE_RATE)?;
            engine.begin_source(
                info.clone(),
                labels_from(prompts, side.session_words()),
                &mut |e| side.emit(e),
            );
            // Clear: forget every word, reload the reference bank, go on with this device.
            while side.pump(engine, &mut src.reader, &mut resampler)? == PumpEnd::Clear {
                engine.clear();
                load_reference(engine, side, reference)?;
                engine.begin_source(
                    info.clone(),
                    labels_from(prompts, side.session_words()),
                    &mut |e| side.emit(e),
                );
            }
            engine.end_source(&mut |e| side.emit(e))?;
        }
        Ok(format!("{} words", side.session_words()))
    }
}
