//! The recogniser on real speech: the bundled demo clips and FSDD recordings are heard and
//! snapped to their words well above a floor; the full FSDD measurement is `#[ignore]`d.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::recog::{DIGITS, recogniser, whisper};
use groundprobe::audio::{ENGINE_RATE, resample, wav};
use groundprobe::model::recogniser::{Stop, normalise};
use groundprobe::model::{Encoder, Recogniser};
use tract_onnx::prelude::tract_ndarray::ArrayView2;

/// Word spans of a clip of words separated by silence: 20 ms frames within 35 dB of the
/// loudest, joined across gaps up to 300 ms, widened by 100 ms (within the gaps).
fn word_spans(samples: &[f32], rate: usize) -> Vec<(usize, usize)> {
    let win = rate / 50;
    let rms: Vec<f32> = samples
        .chunks(win)
        .map(|c| (c.iter().map(|x| x * x).sum::<f32>() / c.len() as f32).sqrt())
        .collect();
    let floor = rms.iter().fold(0.0f32, |m, &x| m.max(x)) * 10f32.powf(-35.0 / 20.0);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (i, &r) in rms.iter().enumerate() {
        if r < floor {
            continue;
        }
        match spans.last_mut() {
            Some((_, end)) if i - *end <= 15 => *end = i + 1,
            _ => spans.push((i, i + 1)),
        }
    }
    spans
        .iter()
        .map(|&(a, b)| {
            (
                a.saturating_sub(5) * win,
                ((b + 5) * win).min(samples.len()),
            )
        })
        .collect()
}

/// Recognises one word's audio: (normalised heard text, stop, index of the best candidate,
/// seconds spent in the decoder).
fn hear(
    enc: &mut Encoder,
    rec: &mut Recogniser,
    audio: &[f32],
    candidates: &[&str],
) -> (String, Stop, usize, f64) {
    enc.encode(audio).unwrap();
    let frames = enc.last_frames(rec.layer()).unwrap();
    let frames: ArrayView2<f32> = frames.word();
    let t0 = Instant::now();
    let mut word = rec.listen(frames).unwrap();
    let heard = word.recognise().unwrap();
    let spent = t0.elapsed().as_secs_f64();
    let scores = word.score(candidates).unwrap();
    let best = (0..scores.len())
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
        .unwrap();
    (normalise(&heard.text), heard.stop, best, spent)
}

#[test]
fn demo_clips_are_heard_and_snapped() {
    let (mut enc, mut rec) = (whisper(), recogniser());
    let demo = common::models().join("demo");
    let mut clips = Vec::new();
    for name in ["01_joe", "02_espeak_us_f", "03_espeak_gb_m"] {
        let text = std::fs::read_to_string(demo.join(format!("{name}.txt"))).unwrap();
        let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
        clips.push((name, words));
    }
    let mut lexicon: Vec<&str> = clips
        .iter()
        .flat_map(|(_, w)| w.iter().map(String::as_str))
        .collect();
    lexicon.sort_unstable();
    lexicon.dedup();
    let (mut total, mut open, mut snapped) = (0, 0, 0);
    for (name, words) in &clips {
        let clip = wav::read(&demo.join(format!("{name}.wav"))).unwrap();
        assert_eq!(clip.sample_rate, ENGINE_RATE);
        let spans = word_spans(&clip.samples, ENGINE_RATE as usize);
        assert_eq!(
            spans.len(),
            words.len(),
            "{name}: one span per transcript word"
        );
        for (&(a, b), want) in spans.iter().zip(words) {
            let (heard, stop, best, _) = hear(&mut enc, &mut rec, &clip.samples[a..b], &lexicon);
            eprintln!(
                "{name}: {want:>10} heard {heard:?} ({stop:?}), snapped {}",
                lexicon[best]
            );
            total += 1;
            open += usize::from(&heard == want);
            snapped += usize::from(lexicon[best] == want);
        }
    }
    let (open, snapped) = (open as f64 / total as f64, snapped as f64 / total as f64);
    eprintln!(
        "demo: {total} words, open {:.1} %, snapped {:.1} %",
        100.0 * open,
        100.0 * snapped
    );
    // Measured: open 17.1 %, snapped 88.6 % (35 words; see scripts/whisper/REPORT.md).
    assert!(open >= 0.08, "open-vocabulary accuracy {open}");
    assert!(snapped >= 0.7, "snapped accuracy {snapped}");
}

/// FSDD recordings `every`-th in name order: (digit, path).
fn fsdd_files(dir: &Path, every: usize) -> Vec<(usize, PathBuf)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    files.sort();
    files
        .into_iter()
        .step_by(every)
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name[..1].parse().unwrap(), p)
        })
        .collect()
}

/// Figures over FSDD files.
#[derive(Default)]
struct Tally {
    n: usize,
    open: usize,
    snapped: usize,
    repeat: usize,
    cap: usize,
    /// Seconds in the decoder per word (listen + greedy), sorted at the end.
    costs: Vec<f64>,
}

impl Tally {
    fn rate(&self, k: usize) -> f64 {
        k as f64 / self.n.max(1) as f64
    }
}

fn measure_fsdd(files: &[(usize, PathBuf)]) -> Tally {
    let (mut enc, mut rec) = (whisper(), recogniser());
    let mut t = Tally::default();
    for (k, (digit, path)) in files.iter().enumerate() {
        let clip = wav::read(path).unwrap();
        let audio = resample::resample_all(&clip.samples, clip.sample_rate, ENGINE_RATE).unwrap();
        let (heard, stop, best, spent) = hear(&mut enc, &mut rec, &audio, &DIGITS);
        t.n += 1;
        t.open += usize::from(heard == DIGITS[*digit]);
        t.snapped += usize::from(best == *digit);
        t.repeat += usize::from(stop == Stop::Repeat);
        t.cap += usize::from(stop == Stop::Cap);
        t.costs.push(spent);
        if (k + 1) % 250 == 0 {
            eprintln!(
                "  {} files: open {:.3}, snapped {:.3}",
                t.n,
                t.rate(t.open),
                t.rate(t.snapped)
            );
        }
    }
    t.costs.sort_by(f64::total_cmp);
    t
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn fsdd_sample_is_heard_and_snapped() {
    let Some(dir) = common::fsdd() else { return };
    let files = fsdd_files(&dir, 60);
    assert_eq!(files.len(), 50);
    let t = measure_fsdd(&files);
    let (open, snapped) = (t.rate(t.open), t.rate(t.snapped));
    eprintln!(
        "FSDD every 60th: open {open:.3}, snapped {snapped:.3}, repeat {:.3}, cap {:.3}",
        t.rate(t.repeat),
        t.rate(t.cap)
    );
    // Measured: open 48 %, snapped 91 % on every 30th (100 files); every 60th keeps CI
    // under 30 minutes.
    assert!(open >= 0.3, "open-vocabulary accuracy {open}");
    assert!(snapped >= 0.75, "snapped accuracy {snapped}");
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// All 3,000 FSDD recordings. Run alone, single-threaded, for the RSS figure:
/// `cargo test --release --test recogniser -- --ignored --nocapture fsdd_all`
#[test]
#[ignore = "measurement: about 5 minutes"]
fn fsdd_all_measured() {
    let Some(dir) = common::fsdd() else { return };
    let before = rss_kib();
    let rec = recogniser();
    let after = rss_kib();
    drop(rec);
    let every = std::env::var("GROUNDPROBE_FSDD_EVERY").map_or(1, |v| v.parse().unwrap());
    let files = fsdd_files(&dir, every);
    let t = measure_fsdd(&files);
    println!(
        "FSDD {} files: open {:.2} %, snapped {:.2} %, stopped by the repetition guard {:.2} %, \
         by the token cap {:.2} %, decoder per word p50 {:.2} ms p95 {:.2} ms (listen + greedy, \
         one thread), recogniser load added RSS {} MiB",
        t.n,
        100.0 * t.rate(t.open),
        100.0 * t.rate(t.snapped),
        100.0 * t.rate(t.repeat),
        100.0 * t.rate(t.cap),
        1e3 * percentile(&t.costs, 0.5),
        1e3 * percentile(&t.costs, 0.95),
        after
            .zip(before)
            .map_or(-1, |(a, b)| (a as i64 - b as i64) / 1024),
    );
}
