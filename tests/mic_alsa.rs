//! The microphone path end to end without a sound card (feature `mic`): an ALSA file-plugin
//! device reads a FIFO that this test feeds in real time, so `groundprobe live --json`
//! captures through the real cpal stream, callback, ring, resampler and engine. The words
//! it finds must be those `groundprobe run --json` finds in the same audio written as a
//! WAV file: same count, times within one VAD frame. Also: the sample formats, rates and
//! channel counts USB microphones offer; an input that stalls and one that ends (and
//! comes back); a slow engine's drops; wild samples from the device.
//!
//! The device is defined through `ALSA_CONFIG_PATH` (the system `alsa.conf` plus one PCM),
//! so the user's own ALSA configuration is untouched. Needs alsa-lib's configuration
//! (`libasound2`, which `scripts/install-deps.sh` installs with its headers).
#![cfg(feature = "mic")]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use groundprobe::audio::{ENGINE_RATE, resample, wav};
use serde_json::Value;

const SYSTEM_ALSA_CONF: &str = "/usr/share/alsa/alsa.conf";
/// One VAD frame: 512 samples at 16 kHz.
const FRAME_S: f64 = 0.032;

/// Sample formats as ALSA's file plugin reads them from the FIFO (raw, little-endian).
#[derive(Debug, Clone, Copy)]
enum Format {
    S16,
    S32,
    F32,
}

impl Format {
    fn flag(self) -> &'static str {
        match self {
            Format::S16 => "S16_LE",
            Format::S32 => "S32_LE",
            Format::F32 => "FLOAT_LE",
        }
    }

    /// Bytes per sample.
    fn width(self) -> usize {
        match self {
            Format::S16 => 2,
            Format::S32 | Format::F32 => 4,
        }
    }

    fn i16(x: f32) -> i16 {
        (x.clamp(-1.0, 1.0) * 32_767.0).round() as i16
    }

    fn i32(x: f32) -> i32 {
        (f64::from(x.clamp(-1.0, 1.0)) * 2_147_483_647.0).round() as i32
    }

    /// Raw little-endian bytes of `samples` in this format.
    fn raw(self, samples: &[f32]) -> Vec<u8> {
        let mut out = Vec::with_capacity(samples.len() * self.width());
        for &x in samples {
            match self {
                Format::S16 => out.extend(Self::i16(x).to_le_bytes()),
                Format::S32 => out.extend(Self::i32(x).to_le_bytes()),
                Format::F32 => out.extend(x.to_le_bytes()),
            }
        }
        out
    }
}

/// A capture device backed by a FIFO, in its own folder.
struct Device {
    _dir: tempfile::TempDir,
    fifo: PathBuf,
    conf: PathBuf,
}

const NAME: &str = "groundprobe_test";

fn device() -> Option<Device> {
    if !Path::new(SYSTEM_ALSA_CONF).is_file() {
        let why = format!("{SYSTEM_ALSA_CONF} is absent (install libasound2)");
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("SKIPPED: {why}");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("capture.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a plain call with a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let conf = dir.path().join("alsa.conf");
    std::fs::write(
        &conf,
        format!(
            "<{SYSTEM_ALSA_CONF}>\npcm.{NAME} {{ type file; slave.pcm \"null\"; file \"/dev/null\"; \
             infile \"{}\"; format \"raw\" }}\n",
            fifo.display()
        ),
    )
    .unwrap();
    Some(Device {
        _dir: dir,
        fifo,
        conf,
    })
}

/// The audio a test plays: mono at 16 kHz, made into device frames.
struct Stream {
    rate: u32,
    channels: u16,
    format: Format,
}

impl Stream {
    /// Interleaved frames: the left channel is the audio, others are it at half level.
    fn frames(&self, mono16k: &[f32]) -> Vec<f32> {
        let native = resample::resample_all(mono16k, ENGINE_RATE, self.rate).unwrap();
        let mut out = Vec::with_capacity(native.len() * usize::from(self.channels));
        for x in native {
            out.push(x);
            out.extend(std::iter::repeat_n(0.5 * x, usize::from(self.channels) - 1));
        }
        out
    }

    /// The same frames as a WAV file `run` reads.
    fn write_wav(&self, frames: &[f32], path: &Path) {
        let (bits, float) = match self.format {
            Format::S16 => (16, false),
            Format::S32 => (32, false),
            Format::F32 => (32, true),
        };
        let spec = hound::WavSpec {
            channels: self.channels,
            sample_rate: self.rate,
            bits_per_sample: bits,
            sample_format: if float {
                hound::SampleFormat::Float
            } else {
                hound::SampleFormat::Int
            },
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for &x in frames {
            match self.format {
                Format::S16 => w.write_sample(Format::i16(x)).unwrap(),
                Format::S32 => w.write_sample(Format::i32(x)).unwrap(),
                Format::F32 => w.write_sample(x).unwrap(),
            }
        }
        w.finalize().unwrap();
    }

    /// Bytes per second of real time.
    fn byte_rate(&self) -> usize {
        self.rate as usize * usize::from(self.channels) * self.format.width()
    }

    /// `live` options that open the device in this configuration (none for the device's
    /// default: 48 kHz, 2 channels, f32).
    fn flags(&self) -> Vec<String> {
        if (self.rate, self.channels, self.format.flag()) == (48_000, 2, "FLOAT_LE") {
            return Vec::new();
        }
        vec![
            "--capture-rate".into(),
            self.rate.to_string(),
            "--capture-channels".into(),
            self.channels.to_string(),
            "--capture-format".into(),
            self.format.flag().into(),
        ]
    }
}

/// What the writer does with the FIFO, in order.
enum Step {
    /// Writes these bytes in 10 ms pieces, paced like a device's clock.
    Play(Vec<u8>),
    /// Keeps the FIFO open without writing (the capture stalls).
    Hold(Duration),
    /// Closes the FIFO (the input ends), waits this long, and opens it again.
    Reopen(Duration),
}

/// Feeds the FIFO on its own thread; opening blocks until `live` opens the device. The
/// thread returns the FIFO still open: closing it ends the input.
fn feed(fifo: PathBuf, byte_rate: usize, steps: Vec<Step>) -> thread::JoinHandle<std::fs::File> {
    thread::spawn(move || {
        let open = || std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        let mut out = open();
        // Whole frames (at most 4 channels × 4 bytes) per 10 ms piece.
        let piece = byte_rate / 100 / 16 * 16;
        for step in steps {
            match step {
                // 100 ms ahead of the clock: the plugin fills what a short read of the
                // FIFO leaves of its period with silence, so it must always find a period.
                Step::Play(bytes) => {
                    let start = Instant::now();
                    let ahead = (10 * piece).min(bytes.len());
                    out.write_all(&bytes[..ahead]).unwrap();
                    for (i, chunk) in bytes[ahead..].chunks(piece).enumerate() {
                        let due = start + Duration::from_millis(10 * (i as u64 + 1));
                        thread::sleep(due.saturating_duration_since(Instant::now()));
                        out.write_all(chunk).expect("the capture closed the FIFO");
                    }
                    let length = Duration::from_secs_f64(bytes.len() as f64 / byte_rate as f64);
                    thread::sleep((start + length).saturating_duration_since(Instant::now()));
                }
                Step::Hold(d) => thread::sleep(d),
                Step::Reopen(d) => {
                    drop(out);
                    thread::sleep(d);
                    out = open();
                }
            }
        }
        out
    })
}

/// A running `groundprobe live --json` on the test device, its stdout read as it comes
/// (so that a full pipe never slows the engine).
struct Live {
    child: Child,
    lines: thread::JoinHandle<Vec<Value>>,
}

fn live(dev: &Device, extra: &[String]) -> Live {
    let mut child = Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .args(["live", "--device", NAME, "--json"])
        .args(extra)
        .env("GROUNDPROBE_MODELS", common::models())
        .env("ALSA_CONFIG_PATH", &dev.conf)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = thread::spawn(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stdout)
            .lines()
            .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
            .collect()
    });
    Live { child, lines }
}

impl Live {
    /// Ends the session as Ctrl-C does; returns every JSON line it wrote.
    fn stop(mut self) -> Vec<Value> {
        // SAFETY: signals a child this test started and has not reaped.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                self.child.kill().unwrap();
                panic!("live did not end within 30 s of SIGINT");
            }
            thread::sleep(Duration::from_millis(50));
        };
        let lines = self.lines.join().unwrap();
        // Interrupted sessions exit 130 (SIGINT) after writing their summary.
        assert_eq!(status.code(), Some(130), "{status:?}");
        lines
    }
}

fn of_type<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["type"] == kind).collect()
}

/// (start, end) of each word, in seconds.
fn spans(lines: &[Value]) -> Vec<(f64, f64)> {
    of_type(lines, "word")
        .iter()
        .map(|w| (w["start"].as_f64().unwrap(), w["end"].as_f64().unwrap()))
        .collect()
}

fn summary(lines: &[Value]) -> &Value {
    of_type(lines, "summary")
        .pop()
        .expect("the session wrote its summary")
}

/// The words `groundprobe run --json` finds in a WAV file.
fn run_spans(wav: &Path) -> Vec<(f64, f64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .args(["run", "--json", "-q"])
        .arg(wav)
        .env("GROUNDPROBE_MODELS", common::models())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    spans(&lines)
}

/// Asserts two sessions found the same words at the same times (within `tolerance`,
/// after shifting `got` by `shift` seconds).
fn assert_same_words(
    got: &[(f64, f64)],
    want: &[(f64, f64)],
    shift: f64,
    tolerance: f64,
    what: &str,
) {
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: words {got:?} vs run's {want:?}"
    );
    for (g, w) in got.iter().zip(want) {
        let (ds, de) = ((g.0 + shift - w.0).abs(), (g.1 + shift - w.1).abs());
        assert!(
            ds <= tolerance && de <= tolerance,
            "{what}: {g:?} (+{shift:.3} s) vs run's {w:?}"
        );
    }
}

/// The first `seconds` of the joe demo clip (its words are at least 0.3 s apart), with
/// `lead` and `tail` seconds of silence around.
fn speech(seconds: f64, lead: f64, tail: f64) -> Vec<f32> {
    let clip = wav::read(&common::models().join("demo/01_joe.wav")).unwrap();
    assert_eq!(clip.sample_rate, ENGINE_RATE);
    let n = ((seconds * 16_000.0) as usize).min(clip.samples.len());
    let silence = |s: f64| vec![0.0f32; (s * 16_000.0) as usize];
    [silence(lead), clip.samples[..n].to_vec(), silence(tail)].concat()
}

/// Plays `mono` through the device in `stream`'s configuration and through `run`; asserts
/// the same words at the same times and no drops. Returns the words.
fn live_matches_run(stream: &Stream, mono: &[f32]) -> usize {
    let Some(dev) = device() else { return 0 };
    let what = format!(
        "{:?} {} Hz {} ch",
        stream.format, stream.rate, stream.channels
    );
    let frames = stream.frames(mono);
    let wav = dev.fifo.with_extension("wav");
    stream.write_wav(&frames, &wav);
    let session = live(&dev, &stream.flags());
    let writer = feed(
        dev.fifo.clone(),
        stream.byte_rate(),
        vec![
            Step::Play(stream.format.raw(&frames)),
            Step::Hold(Duration::from_millis(300)),
        ],
    );
    let input = writer.join().unwrap();
    let lines = session.stop();
    drop(input);
    let s = summary(&lines);
    assert_eq!(s["dropped_samples"], 0, "{what}: paced input drops nothing");
    assert!(
        of_type(&lines, "device").is_empty(),
        "{what}: {:?}",
        of_type(&lines, "device")
    );
    let want = run_spans(&wav);
    assert!(!want.is_empty(), "{what}: run found no words");
    assert_same_words(&spans(&lines), &want, 0.0, FRAME_S, &what);
    want.len()
}

/// Item 2 of the microphone issue: real speech through the device's default configuration
/// (48 kHz, 2 channels, f32, as cpal picks it), every word as `run` finds it.
#[test]
fn live_capture_through_a_real_alsa_device_finds_the_words_run_finds() {
    let stream = Stream {
        rate: 48_000,
        channels: 2,
        format: Format::F32,
    };
    let n = live_matches_run(&stream, &speech(20.0, 0.5, 1.5));
    assert!(n == 0 || n >= 10, "{n} words in the 12-word clip");
}

/// The formats, rates and channel counts USB microphones offer, each through cpal's real
/// conversion and the engine's resampler (three sessions at a time; each its own device).
#[test]
fn every_usb_format_rate_and_channel_count_gives_the_words_run_gives() {
    let configs = [
        (Format::S16, 16_000, 1),
        (Format::S16, 44_100, 2),
        (Format::S16, 48_000, 1),
        (Format::S32, 16_000, 2),
        (Format::S32, 44_100, 1),
        (Format::S32, 48_000, 2),
        (Format::F32, 16_000, 1),
        (Format::F32, 44_100, 2),
        (Format::F32, 48_000, 1),
    ];
    let mono = speech(4.8, 0.5, 1.5);
    for batch in configs.chunks(3) {
        thread::scope(|s| {
            for &(format, rate, channels) in batch {
                let mono = &mono;
                s.spawn(move || {
                    let stream = Stream {
                        rate,
                        channels,
                        format,
                    };
                    let n = live_matches_run(&stream, mono);
                    assert!(n == 0 || n >= 3, "{format:?} {rate} {channels}: {n} words");
                });
            }
        });
    }
}

fn default_stream() -> Stream {
    Stream {
        rate: 48_000,
        channels: 2,
        format: Format::F32,
    }
}

/// Item 4: the input stalls (the writer pauses), then ends (the FIFO closes: ALSA's file
/// plugin then delivers silence as fast as it can), then comes back. The session keeps its
/// words, says what happened, ignores the runaway and finds the words after it.
#[test]
fn a_stalled_then_ended_input_is_reported_and_the_session_resumes_when_it_is_back() {
    let Some(dev) = device() else { return };
    let stream = default_stream();
    let frames = stream.frames(&speech(4.8, 0.5, 1.5));
    let wav = dev.fifo.with_extension("wav");
    stream.write_wav(&frames, &wav);
    let want = run_spans(&wav);
    let raw = stream.format.raw(&frames);
    let session = live(&dev, &[]);
    let writer = feed(
        dev.fifo.clone(),
        stream.byte_rate(),
        vec![
            Step::Play(raw.clone()),
            Step::Hold(Duration::from_millis(2500)),
            Step::Reopen(Duration::from_millis(1500)),
            Step::Play(raw),
            Step::Hold(Duration::from_millis(300)),
        ],
    );
    let input = writer.join().unwrap();
    let lines = session.stop();
    drop(input);
    let devices: Vec<String> = of_type(&lines, "device")
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    let position = |part: &str| {
        devices
            .iter()
            .position(|m| m.contains(part))
            .unwrap_or_else(|| panic!("no `{part}` in {devices:?}"))
    };
    let (stalled, fast, paced) = (
        position("no audio"),
        position("faster than real time"),
        position("paced again"),
    );
    assert!(stalled < fast && fast < paced, "{devices:?}");
    let s = summary(&lines);
    assert_eq!(
        s["dropped_samples"], 0,
        "the runaway is not the engine lagging: {devices:?}"
    );
    let seconds = frames.len() as f64 / 2.0 / 48_000.0;
    let audio = s["audio_seconds"].as_f64().unwrap();
    // Both plays, give or take what the runaway let through and what of the returning
    // audio was ignored (see the shift below).
    assert!(
        audio >= 2.0 * seconds - 0.6 && audio <= 2.0 * seconds + 0.75,
        "{audio} s of audio for 2 × {seconds} s played: the clock ran away"
    );
    let got = spans(&lines);
    assert_eq!(got.len(), 2 * want.len(), "{got:?} vs twice {want:?}");
    assert_same_words(&got[..want.len()], &want, 0.0, FRAME_S, "before the stall");
    // After it the clock is later by the first play, plus the runaway let through before
    // it was noticed (at most 0.5 s), less the returning audio ignored until it was seen
    // to be paced (at most a 0.5 s window; the plays start with 0.5 s of silence).
    let shift = got[want.len()].0 - want[0].0 - seconds;
    assert!(
        (-0.6..=0.75).contains(&shift),
        "the runaway moved the clock {shift} s"
    );
    // Within two frames: the VAD state and the resampler phase carry over the gap.
    assert_same_words(
        &got[want.len()..],
        &want,
        -(seconds + shift),
        2.0 * FRAME_S,
        "after it",
    );
}

/// Item 5: an engine slowed on purpose (1.3 s per word, words ~1 s apart) while the device
/// keeps delivering: the ring (2 s) overflows, the drops are counted exactly, the callback
/// never waits, and after a pause the engine has caught up: the last words come out at
/// `run`'s times less the dropped audio.
#[test]
fn a_slow_engine_counts_what_it_drops_and_catches_up() {
    let Some(dev) = device() else { return };
    let stream = default_stream();
    let mono = [speech(12.4, 0.5, 8.0), speech(2.6, 0.0, 2.0)].concat();
    let frames = stream.frames(&mono);
    let wav = dev.fifo.with_extension("wav");
    stream.write_wav(&frames, &wav);
    let want = run_spans(&wav);
    let session = live(&dev, &["--word-delay-ms".into(), "1300".into()]);
    let writer = feed(
        dev.fifo.clone(),
        stream.byte_rate(),
        vec![
            Step::Play(stream.format.raw(&frames)),
            Step::Hold(Duration::from_millis(3500)),
        ],
    );
    let input = writer.join().unwrap();
    let lines = session.stop();
    drop(input);
    let dropped = summary(&lines)["dropped_samples"].as_u64().unwrap();
    assert!(
        dropped > 0,
        "a 1.3 s wait per word must overflow a 2 s ring"
    );
    let got = spans(&lines);
    assert!(
        got.len() >= 2 && got.len() <= want.len(),
        "{got:?} vs {want:?}"
    );
    // The last two words came through whole: their lengths and the gap between them are
    // run's (the drops before them only moved the clock).
    let (g, w) = (&got[got.len() - 2..], &want[want.len() - 2..]);
    let shape = |s: &[(f64, f64)]| [s[0].1 - s[0].0, s[1].0 - s[0].0, s[1].1 - s[1].0];
    for (a, b) in shape(g).iter().zip(shape(w)) {
        assert!(
            (a - b).abs() <= 2.0 * FRAME_S,
            "after catching up: {g:?} vs run's {w:?}"
        );
    }
    // The clock is behind run's by at most what was dropped.
    let behind = w[1].0 - g[1].0;
    let lost = dropped as f64 / 48_000.0;
    assert!(
        behind > 0.0 && behind <= lost + FRAME_S,
        "{behind} s behind, {lost} s dropped"
    );
}

/// Item 1 through the real capture path: NaN, infinities and huge values from the device
/// are repaired (and counted, one per frame) where they enter the engine; the session goes
/// on and finds the words `run` finds in the same file.
#[test]
fn wild_samples_from_the_device_are_repaired_and_the_session_goes_on() {
    let Some(dev) = device() else { return };
    let stream = default_stream();
    let mut frames = stream.frames(&speech(4.8, 0.5, 1.5));
    // 100 frames each of NaN, +inf, -inf and 1e30 in the leading silence.
    let wild = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30];
    for (k, &x) in wild.iter().enumerate() {
        for f in 0..100 {
            let i = 2 * (1000 + 2000 * k + 3 * f);
            frames[i] = x;
            frames[i + 1] = x;
        }
    }
    // `run` refuses a file with non-finite samples: it reads them as the driver repairs them.
    let repaired: Vec<f32> = frames
        .iter()
        .map(|&x| {
            if x.is_finite() {
                x.clamp(-4.0, 4.0)
            } else {
                0.0
            }
        })
        .collect();
    let wav = dev.fifo.with_extension("wav");
    stream.write_wav(&repaired, &wav);
    let want = run_spans(&wav);
    let session = live(&dev, &[]);
    let writer = feed(
        dev.fifo.clone(),
        stream.byte_rate(),
        vec![
            Step::Play(stream.format.raw(&frames)),
            Step::Hold(Duration::from_millis(300)),
        ],
    );
    let input = writer.join().unwrap();
    let lines = session.stop();
    drop(input);
    assert_eq!(summary(&lines)["repaired_samples"], 400);
    assert!(want.len() >= 3, "{want:?}");
    assert_same_words(&spans(&lines), &want, 0.0, FRAME_S, "with wild samples");
}
