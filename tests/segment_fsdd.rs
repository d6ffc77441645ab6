//! Real speech through the whole front half of the engine: 30 FSDD digits by several
//! speakers, joined with random 300–900 ms gaps over light noise, must come out as exactly
//! 30 words, each true word inside its detected segment within 80 ms.

mod common;

use groundprobe::audio::wav::{self, Clip};
use groundprobe::engine::EngineConfig;
use groundprobe::labels::Labels;

#[test]
fn thirty_digits_with_gaps_become_thirty_words() {
    let Some(dir) = common::fsdd() else { return };
    for seed in [2025, 7, 99] {
        check_seed(&dir, seed);
    }
}

fn check_seed(dir: &std::path::Path, seed: u64) {
    let speakers = ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"];
    let mut rng = common::Rng::new(seed);
    let rate = 8_000u32;
    let mut samples = Vec::new();
    let mut truth = Vec::new();
    for i in 0..30 {
        let digit = rng.next_u64() % 10;
        let speaker = speakers[i % speakers.len()];
        let take = rng.next_u64() % 50;
        let clip =
            wav::read(&dir.join(format!("{digit}_{speaker}_{take}.wav"))).expect("read FSDD");
        assert_eq!(clip.sample_rate, rate);
        let gap = (rng.range(0.3, 0.9) * rate as f64) as usize;
        samples.extend(std::iter::repeat_n(0.0, gap));
        let (a, b) = common::speech_span(&clip.samples, rate);
        truth.push((
            (samples.len() + a) as f64 / rate as f64,
            (samples.len() + b) as f64 / rate as f64,
        ));
        samples.extend_from_slice(&clip.samples);
    }
    samples.extend(std::iter::repeat_n(0.0, rate as usize / 2));
    // Light background noise, about -50 dBFS.
    for s in &mut samples {
        *s += (rng.unit() as f32 - 0.5) * 0.006;
    }
    let clip = Clip {
        path: "fsdd-30.wav".into(),
        samples,
        sample_rate: rate,
        clipped: 0,
    };
    let mut engine = common::engine(&["speech-embedding"], EngineConfig::default());
    let words = common::words_of(&mut engine, &clip, Labels::None);
    let found: Vec<(f64, f64)> = words.iter().map(|w| (w.start, w.end)).collect();
    assert_eq!(
        words.len(),
        30,
        "seed {seed}: segments found: {found:.2?}\ntruth: {truth:.2?}"
    );
    let start_slack = truth
        .iter()
        .zip(&found)
        .map(|(t, f)| t.0 - f.0)
        .fold(f64::INFINITY, f64::min);
    let end_slack = truth
        .iter()
        .zip(&found)
        .map(|(t, f)| f.1 - t.1)
        .fold(f64::INFINITY, f64::min);
    println!(
        "seed {seed}: smallest margin before the true start {start_slack:.3} s, after the true end {end_slack:.3} s"
    );
    for (i, ((ts, te), (s, e))) in truth.iter().zip(&found).enumerate() {
        assert!(
            *s <= ts + 0.08 && *e >= te - 0.08,
            "seed {seed}, word {i}: true {ts:.3}–{te:.3} s not inside detected {s:.3}–{e:.3} s (±80 ms)"
        );
    }
}
