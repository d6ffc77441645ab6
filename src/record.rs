//! Recording a session as it happens (`live --record DIR`), so that it can be replayed
//! without a microphone (`run DIR`, `demo --dir DIR`) with the same words and labels:
//! - every stream of the source as a 32-bit float WAV at its native rate, the samples as
//!   the engine got them (`take-001.wav`; a device that comes back on a new stream starts
//!   the next take);
//! - the labels of the take's words as its transcript (`take-001.txt`, rewritten after
//!   every word; none when a word has no label, as in free mode);
//! - every JSON line of the session, summary included (`session.jsonl`).
//!
//! Files are flushed (WAV header included) at least once a second and after every word,
//! so a session that is killed keeps what it had. [`Recorded`] wraps the source and
//! [`RecordingSink`] the sink; they share one [`Recorder`], on the driver's thread.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::driver::repair;
use crate::error::{Error, Result};
use crate::event::{Event, SourceInfo};
use crate::labels::Labels;
use crate::sink::{Flow, JsonLines, Sink};
use crate::source::{Pull, Source};
use crate::summary::Summary;

/// The session's JSON lines file in a recording folder.
pub const SESSION_LOG: &str = "session.jsonl";
/// Longest time recorded audio waits in memory before it is written out.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

type Wav = hound::WavWriter<BufWriter<File>>;

/// A recording folder being written.
pub struct Recorder {
    dir: PathBuf,
    take: usize,
    wav: Option<(Wav, PathBuf)>,
    /// Labels of the current take's words; `None` once one had none.
    labels: Option<Vec<String>>,
    flushed: Instant,
    scratch: Vec<f32>,
    log: JsonLines<BufWriter<File>>,
    log_path: PathBuf,
}

impl Recorder {
    /// Starts a recording in `dir` (created if missing).
    ///
    /// # Errors
    /// [`Error::Io`] if the folder cannot be made or read or the session log cannot be
    /// created, [`Error::Config`] if it already
    /// holds a recording (WAV files or a session log): takes are never overwritten.
    pub fn create(dir: &Path) -> Result<Arc<Mutex<Recorder>>> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let used = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok())
            .any(|e| {
                let name = e.file_name().to_string_lossy().to_lowercase();
                name.ends_with(".wav") || name == SESSION_LOG
            });
        if used {
            return Err(Error::Config {
                setting: "--record",
                reason: format!(
                    "{} already holds a recording; choose an empty folder",
                    dir.display()
                ),
            });
        }
        let log_path = dir.join(SESSION_LOG);
        let file = File::create(&log_path).map_err(|e| Error::io(&log_path, e))?;
        Ok(Arc::new(Mutex::new(Recorder {
            dir: dir.to_path_buf(),
            take: 0,
            wav: None,
            labels: Some(Vec::new()),
            flushed: Instant::now(),
            scratch: Vec::new(),
            log: JsonLines::new(BufWriter::new(file)),
            log_path,
        })))
    }

    /// The path of take `n`'s file with this extension.
    fn take_path(&self, n: usize, ext: &str) -> PathBuf {
        self.dir.join(format!("take-{n:03}.{ext}"))
    }

    /// Closes the current take (if any) and starts the next at `rate` Hz.
    fn start_take(&mut self, rate: u32) -> Result<()> {
        self.finish_take()?;
        self.take += 1;
        let path = self.take_path(self.take, "wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let wav = hound::WavWriter::create(&path, spec).map_err(|e| wav_error(&path, e))?;
        self.wav = Some((wav, path));
        self.labels = Some(Vec::new());
        Ok(())
    }

    /// Appends samples to the current take, repaired as the driver repairs them.
    fn write(&mut self, samples: &[f32]) -> Result<()> {
        let Some((wav, path)) = self.wav.as_mut() else {
            return Ok(());
        };
        self.scratch.clear();
        self.scratch.extend_from_slice(samples);
        repair(&mut self.scratch);
        for &x in &self.scratch {
            wav.write_sample(x).map_err(|e| wav_error(path, e))?;
        }
        if self.flushed.elapsed() >= FLUSH_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes out the audio so far, with a header that says how much there is.
    fn flush(&mut self) -> Result<()> {
        self.flushed = Instant::now();
        match self.wav.as_mut() {
            Some((wav, path)) => wav.flush().map_err(|e| wav_error(path, e)),
            None => Ok(()),
        }
    }

    /// Adds a word of the current take to its transcript.
    fn word(&mut self, label: Option<&str>) -> Result<()> {
        if self.wav.is_none() {
            return Ok(());
        }
        let txt = self.take_path(self.take, "txt");
        match (label, self.labels.as_mut()) {
            (Some(label), Some(labels)) => {
                labels.push(label.to_string());
                let text = labels.join("\n") + "\n";
                std::fs::write(&txt, text).map_err(|e| Error::io(&txt, e))?;
            }
            (None, Some(_)) => {
                // A transcript with a word missing would shift every later label.
                self.labels = None;
                match std::fs::remove_file(&txt) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(Error::io(&txt, e));
                    }
                    _ => {}
                }
            }
            (_, None) => {}
        }
        self.flush()
    }

    fn finish_take(&mut self) -> Result<()> {
        match self.wav.take() {
            Some((wav, path)) => wav.finalize().map_err(|e| wav_error(&path, e)),
            None => Ok(()),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        // Best effort: every error was already reported by the flushes.
        let _ = self.finish_take();
    }
}

fn wav_error(path: &Path, source: hound::Error) -> Error {
    Error::Wav {
        path: path.to_path_buf(),
        source,
    }
}

fn lock(rec: &Mutex<Recorder>) -> MutexGuard<'_, Recorder> {
    rec.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A source whose audio is recorded as it is pulled.
pub struct Recorded<S> {
    inner: S,
    recorder: Arc<Mutex<Recorder>>,
    /// The next samples start a new take.
    new_stream: bool,
}

impl<S: Source> Recorded<S> {
    /// Records `inner` into `recorder`.
    pub fn new(inner: S, recorder: Arc<Mutex<Recorder>>) -> Self {
        Self {
            inner,
            recorder,
            new_stream: true,
        }
    }
}

impl<S: Source> Source for Recorded<S> {
    fn info(&self) -> SourceInfo {
        self.inner.info()
    }

    fn labels(&mut self) -> Labels {
        self.inner.labels()
    }

    /// Pulls from the source and records what it delivered.
    ///
    /// # Errors
    /// The source's errors, and [`Error::Wav`] naming the take when it cannot be written.
    fn pull(&mut self, buf: &mut [f32]) -> Result<Pull> {
        let pulled = self.inner.pull(buf)?;
        match &pulled {
            Pull::Samples(n) => {
                let mut rec = lock(&self.recorder);
                if std::mem::take(&mut self.new_stream) {
                    rec.start_take(self.inner.info().sample_rate)?;
                }
                rec.write(&buf[..*n])?;
            }
            Pull::Device(status) if status.ok => self.new_stream = true,
            _ => {}
        }
        Ok(pulled)
    }

    fn dropped(&self) -> u64 {
        self.inner.dropped()
    }

    fn set_paused(&mut self, paused: bool) {
        self.inner.set_paused(paused);
    }
}

/// A sink that writes the session's JSON lines and the takes' transcripts, then passes
/// every event on.
pub struct RecordingSink<K> {
    inner: K,
    recorder: Arc<Mutex<Recorder>>,
    /// Words now come from the recorded source (not a reference clip).
    recording: bool,
}

impl<K: Sink> RecordingSink<K> {
    /// Passes events on to `inner`, recording into `recorder`'s folder.
    pub fn new(inner: K, recorder: Arc<Mutex<Recorder>>) -> Self {
        Self {
            inner,
            recorder,
            recording: false,
        }
    }

    fn record(&mut self, event: &Event) -> Result<()> {
        let mut rec = lock(&self.recorder);
        match event {
            Event::SourceStarted(info) => self.recording = !info.reference,
            Event::Word(w) if self.recording && w.is_final => rec.word(w.label.as_deref())?,
            _ => {}
        }
        let rec = &mut *rec;
        let logged = rec.log.event(event.clone()).and_then(|_| {
            if matches!(event, Event::Word(_) | Event::Device(_)) {
                rec.log.flush()
            } else {
                Ok(())
            }
        });
        logged.map_err(|e| Error::io(&rec.log_path, e))
    }
}

impl<K: Sink> Sink for RecordingSink<K> {
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        self.record(&event).map_err(std::io::Error::other)?;
        self.inner.event(event)
    }

    fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
        let finished = {
            let mut rec = lock(&self.recorder);
            let rec = &mut *rec;
            let logged = rec
                .log
                .finish(summary)
                .map_err(|e| Error::io(&rec.log_path, e));
            logged.and(rec.finish_take())
        };
        finished.map_err(std::io::Error::other)?;
        self.inner.finish(summary)
    }
}
