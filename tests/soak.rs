//! Soak: real spoken digits (FSDD, every speaker, cycled) with gaps, piped as one endless
//! WAV into `groundprobe run -` (VAD, Whisper, the grounded head, the recogniser, the
//! probes) as fast as it reads, its resident memory sampled as the audio goes in.
//!
//! With `--max-words` the probes hold a bounded window, so memory must stay flat. CI runs
//! two minutes of audio; `scripts/soak/run.sh` runs the hour (and an uncapped run for the
//! bytes each word costs) and prints the curves.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;

use groundprobe::audio::wav;
use serde_json::Value;

/// The stream's rate: FSDD's own.
const RATE: u32 = 8_000;

/// What a soak saw.
struct Soak {
    /// (audio seconds written, resident KiB of the engine then).
    rss: Vec<(f64, u64)>,
    /// Words written, final words printed, and the summary line.
    fed: usize,
    printed: usize,
    summary: Value,
    peak_kib: u64,
}

/// The recordings, every speaker interleaved (sorted, then dealt by a fixed stride).
fn recordings(dir: &Path) -> Vec<Vec<f32>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("read FSDD")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    paths.sort();
    let n = paths.len();
    (0..n)
        .map(|k| {
            let clip = wav::read(&paths[(k * 1_009) % n]).expect("an FSDD file");
            assert_eq!(clip.sample_rate, RATE, "{}", clip.path.display());
            clip.samples
        })
        .collect()
}

/// A WAV header for a pipe: 16-bit mono, lengths unknown (`u32::MAX`).
fn header() -> Vec<u8> {
    let mut h = Vec::with_capacity(44);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&u32::MAX.to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes()); // PCM
    h.extend_from_slice(&1u16.to_le_bytes()); // mono
    h.extend_from_slice(&RATE.to_le_bytes());
    h.extend_from_slice(&(RATE * 2).to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&u32::MAX.to_le_bytes());
    h
}

fn resident_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    (status.lines())
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn spawn(window: Option<usize>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_groundprobe"));
    cmd.env("GROUNDPROBE_MODELS", common::models()).args([
        "run",
        "-",
        "--lexicon",
        "digits",
        "--labels",
        "heard",
        "--json",
        "-q",
    ]);
    if let Some(n) = window {
        cmd.args(["--max-words", &n.to_string()]);
    }
    let child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    child.spawn().expect("start groundprobe")
}

/// Feeds `seconds` of words and gaps, sampling memory every `every` seconds of audio.
fn soak(fsdd: &Path, seconds: f64, every: f64, window: Option<usize>) -> Soak {
    let words = recordings(fsdd);
    let mut child = spawn(window);
    let pid = child.id();
    let stdout = child.stdout.take().expect("stdout");
    let reader = thread::spawn(move || {
        let (mut printed, mut summary) = (0, Value::Null);
        for line in BufReader::new(stdout).lines() {
            let v: Value = serde_json::from_str(&line.expect("a line")).expect("JSON");
            match v["type"].as_str() {
                Some("word") if v["final"] != false => {
                    printed += 1;
                    if let Some(w) = window {
                        neighbours_held(&v, w);
                    }
                }
                Some("summary") => summary = v,
                _ => {}
            }
        }
        (printed, summary)
    });
    let mut stderr = child.stderr.take().expect("stderr");
    let errors = thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).ok();
        s
    });
    let mut stdin = std::io::BufWriter::new(child.stdin.take().expect("stdin"));
    stdin.write_all(&header()).expect("header");
    let (mut written, mut fed, mut next_sample) = (0usize, 0usize, every);
    let mut rss = Vec::new();
    let mut rng = common::Rng::new(11);
    while (written as f64) < seconds * f64::from(RATE) {
        let gap = (rng.range(0.25, 0.65) * f64::from(RATE)) as usize;
        let word = &words[fed % words.len()];
        let samples = word.iter().copied().chain(std::iter::repeat_n(0.0, gap));
        let bytes: Vec<u8> = samples
            .flat_map(|x| ((x.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes())
            .collect();
        stdin
            .write_all(&bytes)
            .expect("groundprobe reads the stream");
        written += word.len() + gap;
        fed += 1;
        let at = written as f64 / f64::from(RATE);
        if at >= next_sample {
            stdin.flush().expect("flush");
            rss.push((at, resident_kib(pid, "VmRSS:")));
            next_sample += every;
        }
    }
    stdin.flush().expect("flush");
    let peak_kib = resident_kib(pid, "VmHWM:");
    drop(stdin);
    let status = child.wait().expect("wait");
    let errors = errors.join().expect("stderr thread");
    assert!(status.success(), "groundprobe failed: {errors}");
    let (printed, summary) = reader.join().expect("stdout thread");
    Soak {
        rss,
        fed,
        printed,
        summary,
        peak_kib,
    }
}

/// A word's neighbours are words the window holds: the word itself and the `window − 1`
/// before it.
fn neighbours_held(word: &Value, window: usize) {
    let i = word["index"].as_u64().expect("index") as usize;
    for list in word["neighbours"].as_object().expect("neighbours").values() {
        for n in list.as_array().expect("a list") {
            let j = n["index"].as_u64().expect("neighbour index") as usize;
            assert!(
                j < i && i - j < window,
                "word {i}'s neighbour {j} left the window"
            );
        }
    }
}

/// Prints the curve; returns the growth of resident memory over the second half of the
/// run, as a fraction of its level at the half.
fn report(name: &str, s: &Soak) -> f64 {
    println!(
        "{name}: {} words fed, {} final words printed",
        s.fed, s.printed
    );
    println!("  audio s, RSS MiB");
    for (at, kib) in &s.rss {
        println!("  {at:7.0} {:7.1}", *kib as f64 / 1024.0);
    }
    println!("  peak {:.1} MiB", s.peak_kib as f64 / 1024.0);
    let half = s.rss[s.rss.len() / 2].1 as f64;
    let late = s.rss[s.rss.len() / 2..]
        .iter()
        .map(|r| r.1)
        .max()
        .unwrap_or(0) as f64;
    (late - half) / half
}

/// The checks every capped soak makes: every word reached the summary, the window holds
/// `window` of them, and the metrics are over those.
fn check_window(s: &Soak, window: usize) {
    let words = s.summary["words"].as_u64().expect("summary words") as usize;
    assert_eq!(words, s.printed, "every final word line is counted");
    // The VAD finds ≥ 96 % of FSDD words one by one (REPORT.md); a stream no fewer.
    assert!(
        words * 100 >= s.fed * 90,
        "{words} words found of {} fed",
        s.fed
    );
    assert_eq!(s.summary["window"]["max_words"], window);
    assert_eq!(s.summary["window"]["evicted"], words - window);
    let metrics = s.summary["metrics"].as_object().expect("metrics");
    assert!(!metrics.is_empty());
    for layers in metrics.values() {
        for m in layers.as_object().expect("layers").values() {
            assert_eq!(
                m["words"], window,
                "each layer's metrics are over the window"
            );
            assert!(m["word_identity"]["tokens"].as_u64().unwrap() <= window as u64);
        }
    }
}

/// Two minutes of audio, a window of 40: the window fills in the first minute, and memory
/// then stays within 10 % (it is the models' and the window's).
#[test]
fn two_minutes_through_a_window_keep_memory_flat() {
    let Some(fsdd) = common::fsdd() else { return };
    let s = soak(&fsdd, 120.0, 10.0, Some(40));
    let growth = report("2 min, --max-words 40", &s);
    check_window(&s, 40);
    assert!(
        growth < 0.10,
        "resident memory grew {:.1} % in the second minute",
        growth * 100.0
    );
}

/// One hour of audio, a window of 500 (filled in about ten minutes), memory sampled every
/// minute.
#[test]
#[ignore = "an hour of audio: scripts/soak/run.sh"]
fn an_hour_through_a_window_keeps_memory_flat() {
    let Some(fsdd) = common::fsdd() else { return };
    let s = soak(&fsdd, 3_600.0, 60.0, Some(500));
    let growth = report("1 h, --max-words 500", &s);
    check_window(&s, 500);
    assert!(
        growth < 0.10,
        "resident memory grew {:.1} % in the second half hour",
        growth * 100.0
    );
}

/// Twenty minutes with no window: what each word held costs in resident memory.
#[test]
#[ignore = "twenty minutes of audio: scripts/soak/run.sh"]
fn uncapped_memory_grows_by_the_words_held() {
    let Some(fsdd) = common::fsdd() else { return };
    let s = soak(&fsdd, 1_200.0, 60.0, None);
    report("20 min, no window", &s);
    let words = s.summary["words"].as_u64().expect("words") as f64;
    let (first, last) = (s.rss[0], s.rss[s.rss.len() - 1]);
    let per_word = (last.1 - first.1) as f64 * 1024.0 / (words * (last.0 - first.0) / last.0);
    println!("  ≈ {per_word:.0} bytes per word (RSS growth after the first minute / words since)");
    assert!(s.summary.get("window").is_none());
}
