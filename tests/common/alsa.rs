//! The ALSA test device behind `tests/mic_alsa.rs` (feature `mic`): a file-plugin PCM that
//! reads a FIFO, defined through `ALSA_CONFIG_PATH` (the system `alsa.conf` plus one PCM,
//! so the user's own configuration is untouched); a writer that feeds the FIFO in real
//! time; a `groundprobe live --json` session on it, and `run --json` on the same audio.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use groundprobe::audio::{ENGINE_RATE, resample, wav};
use serde_json::Value;

pub const SYSTEM_ALSA_CONF: &str = "/usr/share/alsa/alsa.conf";

/// Sample formats as ALSA's file plugin reads them from the FIFO (raw, little-endian).
#[derive(Debug, Clone, Copy)]
pub enum Format {
    S16,
    S32,
    F32,
}

impl Format {
    pub fn flag(self) -> &'static str {
        match self {
            Format::S16 => "S16_LE",
            Format::S32 => "S32_LE",
            Format::F32 => "FLOAT_LE",
        }
    }

    /// Bytes per sample.
    pub fn width(self) -> usize {
        match self {
            Format::S16 => 2,
            Format::S32 | Format::F32 => 4,
        }
    }

    pub fn i16(x: f32) -> i16 {
        (x.clamp(-1.0, 1.0) * 32_767.0).round() as i16
    }

    pub fn i32(x: f32) -> i32 {
        (f64::from(x.clamp(-1.0, 1.0)) * 2_147_483_647.0).round() as i32
    }

    /// Raw little-endian bytes of `samples` in this format.
    pub fn raw(self, samples: &[f32]) -> Vec<u8> {
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
pub struct Device {
    _dir: tempfile::TempDir,
    /// The FIFO the device reads.
    pub fifo: PathBuf,
    conf: PathBuf,
}

pub const NAME: &str = "groundprobe_test";

pub fn device() -> Option<Device> {
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
pub struct Stream {
    /// Frames per second.
    pub rate: u32,
    /// Interleaved channels.
    pub channels: u16,
    /// Sample format.
    pub format: Format,
}

impl Stream {
    /// Interleaved frames: the left channel is the audio, others are it at half level.
    pub fn frames(&self, mono16k: &[f32]) -> Vec<f32> {
        let native = resample::resample_all(mono16k, ENGINE_RATE, self.rate).unwrap();
        let mut out = Vec::with_capacity(native.len() * usize::from(self.channels));
        for x in native {
            out.push(x);
            out.extend(std::iter::repeat_n(0.5 * x, usize::from(self.channels) - 1));
        }
        out
    }

    /// The same frames as a WAV file `run` reads.
    pub fn write_wav(&self, frames: &[f32], path: &Path) {
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
    pub fn byte_rate(&self) -> usize {
        self.rate as usize * usize::from(self.channels) * self.format.width()
    }

    /// `live` options that open the device in this configuration (none for the device's
    /// default: 48 kHz, 2 channels, f32).
    pub fn flags(&self) -> Vec<String> {
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
pub enum Step {
    /// Writes these bytes in 10 ms pieces, paced like a device's clock.
    Play(Vec<u8>),
    /// Keeps the FIFO open without writing (the capture stalls).
    Hold(Duration),
    /// Closes the FIFO (the input ends), waits this long, and opens it again.
    Reopen(Duration),
}

/// Opens the FIFO for writing once a reader has it open (waiting up to a minute).
fn open_writer(fifo: &Path) -> std::fs::File {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(fifo);
        match opened {
            Ok(f) => {
                // SAFETY: flag calls on a descriptor this function owns.
                unsafe {
                    let flags = libc::fcntl(f.as_raw_fd(), libc::F_GETFL);
                    libc::fcntl(f.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
                }
                return f;
            }
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("{}: nobody opened it for reading: {e}", fifo.display()),
        }
    }
}

/// Writes one piece (at most `PIPE_BUF`, so all or nothing). Listing devices opens and
/// closes the FIFO before the capture opens it for good: a write that finds no reader
/// waits for the next one; what is already in the pipe stays there for it.
fn write_piece(out: &mut std::fs::File, fifo: &Path, piece: &[u8]) {
    assert!(piece.len() <= 4096);
    loop {
        match out.write(piece) {
            Ok(n) => return assert_eq!(n, piece.len()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => *out = open_writer(fifo),
            Err(e) => panic!("{}: {e}", fifo.display()),
        }
    }
}

/// Feeds the FIFO on its own thread, once `live` has opened the device. The thread
/// returns the FIFO still open: closing it ends the input.
pub fn feed(
    fifo: PathBuf,
    byte_rate: usize,
    steps: Vec<Step>,
) -> thread::JoinHandle<std::fs::File> {
    thread::spawn(move || {
        let mut out = open_writer(&fifo);
        // Whole frames (at most 4 channels × 4 bytes) per 10 ms piece.
        let piece = byte_rate / 100 / 16 * 16;
        for step in steps {
            match step {
                // 100 ms ahead of the clock: the plugin fills what a short read of the
                // FIFO leaves of its period with silence, so it must always find a period.
                Step::Play(bytes) => {
                    let start = Instant::now();
                    for (i, chunk) in bytes.chunks(piece).enumerate() {
                        let due = start + Duration::from_millis(10 * (i as u64).saturating_sub(10));
                        thread::sleep(due.saturating_duration_since(Instant::now()));
                        write_piece(&mut out, &fifo, chunk);
                    }
                    let length = Duration::from_secs_f64(bytes.len() as f64 / byte_rate as f64);
                    thread::sleep((start + length).saturating_duration_since(Instant::now()));
                }
                Step::Hold(d) => thread::sleep(d),
                Step::Reopen(d) => {
                    drop(out);
                    thread::sleep(d);
                    out = open_writer(&fifo);
                }
            }
        }
        out
    })
}

/// A running `groundprobe live --json` on the test device, its stdout read as it comes
/// (so that a full pipe never slows the engine).
pub struct Live {
    child: Child,
    lines: Option<thread::JoinHandle<Vec<Value>>>,
}

/// A session a failed test leaves behind is killed, not left running.
impl Drop for Live {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn live(dev: &Device, extra: &[String]) -> Live {
    let mut child = Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .args(["live", "--device", NAME, "--json"])
        .args(extra)
        .env("GROUNDPROBE_MODELS", super::models())
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
    Live {
        child,
        lines: Some(lines),
    }
}

impl Live {
    /// Ends the session as Ctrl-C does; returns every JSON line it wrote.
    pub fn stop(mut self) -> Vec<Value> {
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
        let lines = self.lines.take().unwrap().join().unwrap();
        // Interrupted sessions exit 130 (SIGINT) after writing their summary.
        assert_eq!(status.code(), Some(130), "{status:?}");
        lines
    }
}

pub fn of_type<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["type"] == kind).collect()
}

/// The final word lines (live sessions also write provisional ones and retractions).
pub fn final_words(lines: &[Value]) -> Vec<&Value> {
    of_type(lines, "word")
        .into_iter()
        .filter(|w| w["final"] == true)
        .collect()
}

/// (start, end) of each final word, in seconds.
pub fn spans(lines: &[Value]) -> Vec<(f64, f64)> {
    final_words(lines)
        .iter()
        .map(|w| (w["start"].as_f64().unwrap(), w["end"].as_f64().unwrap()))
        .collect()
}

pub fn summary(lines: &[Value]) -> &Value {
    of_type(lines, "summary")
        .pop()
        .expect("the session wrote its summary")
}

/// The words `groundprobe run --json` finds in a WAV file.
pub fn run_spans(wav: &Path) -> Vec<(f64, f64)> {
    let args = [
        Path::new("run").as_os_str(),
        "--json".as_ref(),
        "-q".as_ref(),
        wav.as_os_str(),
    ];
    spans(&super::groundprobe_json(args))
}

/// A `live --json` session on `dev` (with `flags`) while the writer plays `steps`;
/// returns every JSON line it wrote. The input stays open until the session has ended.
pub fn session(dev: &Device, flags: &[String], byte_rate: usize, steps: Vec<Step>) -> Vec<Value> {
    let session = live(dev, flags);
    let input = feed(dev.fifo.clone(), byte_rate, steps).join().unwrap();
    let lines = session.stop();
    drop(input);
    lines
}

/// The first `seconds` of the joe demo clip (its words are at least 0.3 s apart), with
/// `lead` and `tail` seconds of silence around.
pub fn speech(seconds: f64, lead: f64, tail: f64) -> Vec<f32> {
    let clip = wav::read(&super::models().join("demo/01_joe.wav")).unwrap();
    assert_eq!(clip.sample_rate, ENGINE_RATE);
    let n = ((seconds * 16_000.0) as usize).min(clip.samples.len());
    let silence = |s: f64| vec![0.0f32; (s * 16_000.0) as usize];
    [silence(lead), clip.samples[..n].to_vec(), silence(tail)].concat()
}
