//! The recogniser (Whisper tiny.en's decoder on the encoder's unpooled final layer):
//! tokenizer, logits, greedy text and scores equal the Python reference
//! (scripts/whisper/decoder_convert.py → tests/fixtures/whisper/decoder_*), and on real
//! speech (the bundled demo clips, FSDD) it hears and snaps words well above a floor.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use groundprobe::audio::{ENGINE_RATE, resample, wav};
use groundprobe::error::Error;
use groundprobe::model::recogniser::{Stop, normalise};
use groundprobe::model::{Encoder, Recogniser};
use tract_onnx::prelude::tract_ndarray::{Array2, ArrayView2};

const DIGITS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whisper")
}

fn manifest() -> PathBuf {
    common::models().join("whisper-tiny-en-decoder/manifest.toml")
}

fn recogniser() -> Recogniser {
    Recogniser::load(&manifest()).expect("load the recogniser")
}

fn whisper() -> Encoder {
    Encoder::load(&common::models().join("whisper-tiny-en/manifest.toml")).expect("load whisper")
}

fn npy(name: &str) -> (Vec<usize>, Vec<f32>) {
    let bytes = std::fs::read(fixtures().join(name)).unwrap();
    let file = npyz::NpyFile::new(&bytes[..]).unwrap();
    let shape = file.shape().iter().map(|&d| d as usize).collect();
    (shape, file.into_vec::<f32>().unwrap())
}

fn reference() -> serde_json::Value {
    let text = std::fs::read_to_string(fixtures().join("decoder_reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The committed encoder output of the espeak word "window", [37, 384].
fn window_frames() -> Array2<f32> {
    let (shape, v) = npy("enc_layer4_ln.npy");
    Array2::from_shape_vec((shape[0], shape[1]), v).unwrap()
}

fn ids(v: &serde_json::Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

#[test]
fn tokenizer_round_trips_equal_python() {
    let rec = recogniser();
    let cases = reference()["tokenizer"].as_array().unwrap().clone();
    assert!(cases.len() >= 10);
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let want = ids(&case["ids"]);
        assert_eq!(rec.tokenize(text).unwrap(), want, "{text:?}");
        assert_eq!(rec.detokenize(&want).unwrap(), text);
    }
}

#[test]
fn logits_equal_python() {
    let mut rec = recogniser();
    let frames = window_frames();
    let r = reference();
    let (shape, want) = npy("decoder_logits.npy");
    let prefixes: Vec<Vec<u32>> = r["logits_prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(ids)
        .collect();
    assert_eq!(shape, vec![prefixes.len(), 51864]);
    let mut word = rec.listen(frames.view()).unwrap();
    for (k, prefix) in prefixes.iter().enumerate() {
        let got = word.logits(prefix).unwrap();
        let want = &want[k * 51864..(k + 1) * 51864];
        let d = got
            .iter()
            .zip(want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        let scale = want.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(
            d < 1e-3,
            "prefix {prefix:?}: max diff {d:e} (logits up to {scale})"
        );
    }
}

#[test]
fn greedy_text_and_scores_equal_python() {
    let mut rec = recogniser();
    let frames = window_frames();
    let r = reference();
    let g = &r["greedy"];
    let mut word = rec.listen(frames.view()).unwrap();
    let heard = word.recognise().unwrap();
    assert_eq!(heard.tokens, ids(&g["tokens"]));
    assert_eq!(heard.text, g["text"].as_str().unwrap());
    let stop = match g["stop"].as_str().unwrap() {
        "eot" => Stop::End,
        "repeat" => Stop::Repeat,
        _ => Stop::Cap,
    };
    assert_eq!(heard.stop, stop);
    let conf = g["confidence"].as_f64().unwrap() as f32;
    assert!(
        (heard.confidence - conf).abs() < 1e-4,
        "{} vs {conf}",
        heard.confidence
    );
    let scores = r["scores"].as_object().unwrap();
    let words: Vec<&str> = scores.keys().map(String::as_str).collect();
    let got = word.score(&words).unwrap();
    for (w, s) in words.iter().zip(&got) {
        let want = scores[*w].as_f64().unwrap() as f32;
        assert!((s - want).abs() < 1e-3, "{w}: {s} vs python {want}");
    }
    // With context text before the prompt, as in prompted mode.
    let context = r["context"].as_str().unwrap();
    let mut word_c = rec.listen_with_context(frames.view(), context).unwrap();
    let heard_c = word_c.recognise().unwrap();
    assert_eq!(heard_c.tokens, ids(&r["greedy_context"]["tokens"]));
    let conf_c = r["greedy_context"]["confidence"].as_f64().unwrap() as f32;
    assert!((heard_c.confidence - conf_c).abs() < 1e-4);
    let got_c = word_c.score(&words).unwrap();
    for (w, s) in words.iter().zip(&got_c) {
        let want = r["scores_context"][*w].as_f64().unwrap() as f32;
        assert!(
            (s - want).abs() < 1e-3,
            "{w} with context: {s} vs python {want}"
        );
    }
    // The word said is the best-scoring one, by a clear margin.
    let best = (0..got.len())
        .max_by(|&a, &b| got[a].total_cmp(&got[b]))
        .unwrap();
    assert_eq!(words[best], "window");
}

#[test]
fn the_encoder_keeps_its_last_frames_unpooled() {
    let mut enc = whisper();
    assert!(
        enc.last_frames("layer4_ln").is_none(),
        "nothing before the first call"
    );
    let (_, audio) = npy("audio_b.npy");
    let vectors = enc.encode(&audio).unwrap();
    let frames = enc
        .last_frames("layer4_ln")
        .expect("a sequence encoder keeps its frames");
    let want = window_frames();
    assert_eq!(frames.all.dim(), want.dim());
    assert_eq!(frames.word, 0..want.nrows());
    let d = frames
        .all
        .iter()
        .zip(&want)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(d < 2e-4, "tract vs onnxruntime frames: {d:e}");
    // The pooled vector is the mean of the same frames.
    let mean: Vec<f32> = frames
        .word()
        .mean_axis(tract_onnx::prelude::tract_ndarray::Axis(0))
        .unwrap()
        .to_vec();
    let last = vectors.layers.last().unwrap();
    assert!(mean.iter().zip(last).all(|(a, b)| (a - b).abs() < 1e-5));
    assert!(enc.last_frames("no_such_layer").is_none());
}

#[test]
fn bad_manifests_and_frames_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(manifest()).unwrap();
    let models = common::models().join("whisper-tiny-en-decoder");
    let absolute = |s: &str| {
        let mut s = s.to_string();
        for f in ["decoder.onnx", "cross.onnx", "tokenizer.json", "LICENSE"] {
            s = s.replace(&format!("\"{f}\""), &format!("{:?}", models.join(f)));
        }
        s
    };
    let cases = [
        (src.replace("[recogniser]", "[unused]"), "unknown field"),
        (
            src.split("[recogniser]").next().unwrap().to_string(),
            "needs a [recogniser] table",
        ),
        (
            src.replace("max_tokens = 8", "max_tokens = 0"),
            "max_tokens",
        ),
        (
            src.replace("\"<|notimestamps|>\"", "\"<|nosuchtoken|>\""),
            "nosuchtoken",
        ),
        (
            src.replace("cross_sha256 = \"", "cross_sha256 = \"00"),
            "sha256",
        ),
    ];
    for (k, (text, want)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("m{k}.toml"));
        std::fs::write(&path, absolute(text)).unwrap();
        let err = Recogniser::load(&path).err().expect("refused");
        let msg = err.to_string();
        assert!(msg.contains(&format!("m{k}.toml")), "{msg}");
        assert!(msg.contains(want), "{msg} should mention {want}");
        assert!(matches!(err, Error::Manifest { .. }), "{err:?}");
    }
    let mut rec = recogniser();
    let narrow = Array2::<f32>::zeros((10, 100));
    assert!(matches!(
        rec.recognise(narrow.view()),
        Err(Error::Model { .. })
    ));
    let empty = Array2::<f32>::zeros((0, 384));
    assert!(rec.recognise(empty.view()).is_err());
}

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
    let files = fsdd_files(&dir, 30);
    assert_eq!(files.len(), 100);
    let t = measure_fsdd(&files);
    let (open, snapped) = (t.rate(t.open), t.rate(t.snapped));
    eprintln!(
        "FSDD every 30th: open {open:.3}, snapped {snapped:.3}, repeat {:.3}, cap {:.3}",
        t.rate(t.repeat),
        t.rate(t.cap)
    );
    // Measured: open 48 %, snapped 91 % (100 files).
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
