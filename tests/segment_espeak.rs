//! A synthesised sentence with pauses between its words comes out as its words, in order.

mod common;

use groundprobe::audio::wav;
use groundprobe::engine::EngineConfig;
use groundprobe::labels::Labels;

#[test]
fn an_espeak_sentence_with_pauses_splits_into_its_words() {
    assert!(
        common::have("espeak-ng"),
        "espeak-ng is required (scripts/install-deps.sh installs it)"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sentence.wav");
    // Words with stop closures inside ("jacket", "octopus", "bucket") must not split.
    let text = "violin jacket ambulance octopus bucket carrot";
    // -g: extra gap between words in units of 10 ms (here 600 ms).
    let status = std::process::Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "150", "-g", "60", "-w"])
        .arg(&path)
        .arg(text)
        .status()
        .unwrap();
    assert!(status.success());
    let clip = wav::read(&path).unwrap();
    let labels = Labels::Sequence(text.split(' ').map(String::from).collect());
    let mut engine = common::engine(&["speech-embedding"], EngineConfig::default());
    let words = common::words_of(&mut engine, &clip, labels);
    let spans: Vec<(f64, f64)> = words.iter().map(|w| (w.start, w.end)).collect();
    assert_eq!(words.len(), 6, "segments: {spans:.2?}");
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "segments overlap: {spans:.2?}");
    }
    for (w, s) in words.iter().zip(&spans) {
        let dur = s.1 - s.0;
        assert!((0.25..1.6).contains(&dur), "{:?} lasts {dur:.2} s", w.label);
    }
}
