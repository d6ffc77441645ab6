//! The recogniser in the engine, on real speech: FSDD words are heard and snapped to their
//! digit above a floor; free-mode words take the word heard; a prompted word heard as
//! another word is never labelled by its prompt; a transcript missing a word costs one
//! label, not every later one; `--recognise off` leaves words unheard.

mod common;

use std::collections::VecDeque;
use std::path::PathBuf;

use common::recog::recogniser;
use groundprobe::audio::wav;
use groundprobe::engine::heard::Mismatch;
use groundprobe::engine::listen::{Context, Listening};
use groundprobe::engine::{Engine, EngineConfig};
use groundprobe::event::{Match, WordEvent};
use groundprobe::labels::Labels;
use groundprobe::probe::Lexicon;
use std::sync::Arc;

fn hearing_engine(config: EngineConfig) -> Engine {
    listening_engine(config, Context::Auto)
}

/// An engine on whisper-tiny-en hearing words with this context (the default margin).
fn listening_engine(config: EngineConfig, context: Context) -> Engine {
    let mut engine = common::engine(&["whisper-tiny-en"], config);
    let how = Listening {
        context,
        ..Listening::default()
    };
    engine
        .set_recogniser(recogniser(), how)
        .expect("recogniser on whisper-tiny-en");
    engine
}

fn digits() -> EngineConfig {
    EngineConfig {
        lexicon: Arc::new(Lexicon::digits()),
        ..EngineConfig::default()
    }
}

/// Every `step`-th FSDD recording (sorted), with its digit.
fn fsdd_sample(step: usize) -> Option<Vec<(PathBuf, String)>> {
    let dir = common::fsdd()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    files.sort();
    Some(
        files
            .into_iter()
            .step_by(step)
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                let digit = name.split('_').next().unwrap().to_string();
                (p, digit)
            })
            .collect(),
    )
}

fn demo(name: &str) -> (wav::Clip, Vec<String>) {
    let dir = common::models().join("demo");
    let clip = wav::read(&dir.join(format!("{name}.wav"))).unwrap();
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    (clip, text.split_whitespace().map(str::to_string).collect())
}

#[test]
fn fsdd_words_are_heard_and_snapped_to_their_digit_above_a_floor() {
    let Some(files) = fsdd_sample(60) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared");
        return;
    };
    let mut engine = hearing_engine(digits());
    for (path, digit) in &files {
        let clip = wav::read(path).unwrap();
        for w in common::words_of(&mut engine, &clip, Labels::Fixed(digit.clone())) {
            let heard = w.heard.as_ref().expect("every word is heard");
            assert!((0.0..=1.0).contains(&heard.confidence), "{heard:?}");
            assert_eq!(heard.word.is_some(), heard.how != Match::None, "{heard:?}");
            assert_eq!(
                w.label.as_deref(),
                Some(digit.as_str()),
                "labels stay the names'"
            );
        }
    }
    let r = engine
        .summary(0.0, Vec::new())
        .recognition
        .expect("a tally");
    eprintln!("{} FSDD files: {r:?}", files.len());
    assert_eq!(r.labelled, r.words);
    assert!(r.words >= files.len() * 9 / 10, "{r:?}");
    assert_eq!(r.exact + r.scored + r.unmatched, r.words);
    assert_eq!(r.stops.values().sum::<usize>(), r.words);
    let (open, snapped) = (r.open_accuracy.unwrap(), r.snapped_accuracy.unwrap());
    // Measured open 0.875, snapped 0.938 on these 48 words with the default context (the
    // digits, read first); 0.542 / 0.729 with none. The floors leave room for noise.
    assert!(open >= 0.75, "open-vocabulary accuracy {open:.3}");
    assert!(snapped >= 0.85, "snapped accuracy {snapped:.3}");
    assert!(r.snapped_wrong * 10 <= r.words, "{r:?}");
    assert!(snapped > open, "snapping adds to the open text");
}

#[test]
fn free_mode_words_take_the_word_heard() {
    let Some(files) = fsdd_sample(150) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared");
        return;
    };
    let mut engine = hearing_engine(digits());
    let (mut right, mut total) = (0, 0);
    for (path, digit) in &files {
        let clip = wav::read(path).unwrap();
        for w in common::words_of(&mut engine, &clip, Labels::Heard) {
            let heard = w.heard.as_ref().unwrap();
            assert_eq!(w.label, heard.word, "the label is the word heard");
            total += 1;
            right += usize::from(w.label.as_deref() == Some(digit.as_str()));
        }
    }
    eprintln!("free mode: {right} of {total} words labelled with their digit");
    // Measured 17 of 20 (13 of 20 without the default context).
    assert!(
        total >= files.len() * 9 / 10 && right * 4 >= total * 3,
        "{right}/{total}"
    );
}

/// Plays a demo clip in prompted mode with these prompts.
fn prompted(prompts: Vec<String>, mismatch: Mismatch) -> Vec<WordEvent> {
    let (clip, _) = demo("01_joe");
    let mut engine = hearing_engine(EngineConfig {
        prompts,
        mismatch,
        ..EngineConfig::default()
    });
    common::words_of(&mut engine, &clip, Labels::Prompted)
}

#[test]
fn prompted_words_are_checked_against_what_was_heard() {
    let (_, transcript) = demo("01_joe");
    // The right prompts: words heard as their prompt keep it.
    let right = prompted(transcript.clone(), Mismatch::Drop);
    let kept = right
        .iter()
        .filter(|w| w.label.is_some() && w.label == w.prompt)
        .count();
    eprintln!("right prompts: {kept} of {} words kept theirs", right.len());
    // Measured: 4 of 12 with the prompts as context, 5 without (tiny.en on unpadded
    // synthetic words is weak; see REPORT.md and models/whisper-tiny-en-decoder/TRAINING.md).
    assert!(kept * 4 >= right.len(), "{kept}/{}", right.len());
    for w in &right {
        let heard = w.heard.as_ref().unwrap();
        match &w.label {
            Some(l) => assert_eq!(heard.word.as_ref(), Some(l), "{w:?}"),
            None => assert_ne!(heard.word, w.prompt, "{w:?}"),
        }
    }
    // A wrong prompt for every word: never the label, unless heard as it.
    let wrong = prompted(vec!["violin".into(), "piano".into()], Mismatch::Drop);
    let (mut dropped, mut heard_as_prompt) = (0, 0);
    for w in &wrong {
        let heard = w.heard.as_ref().unwrap();
        if heard.word == w.prompt {
            heard_as_prompt += 1;
            assert_eq!(w.label, w.prompt);
        } else {
            dropped += 1;
            assert_eq!(w.label, None, "{w:?}");
        }
    }
    assert!(dropped > heard_as_prompt, "{dropped} dropped");
    // `--mismatch heard`: such a word takes the word heard instead.
    for w in prompted(vec!["violin".into(), "piano".into()], Mismatch::Heard) {
        assert_eq!(w.label, w.heard.unwrap().word);
    }
}

#[test]
fn a_transcript_missing_a_word_costs_one_label_not_every_later_one() {
    let (clip, transcript) = demo("01_joe");
    let sequence = |t: &[String]| Labels::Sequence(t.iter().cloned().collect::<VecDeque<_>>());
    let mut engine = hearing_engine(EngineConfig::default());
    let full = common::words_of(&mut engine, &clip, sequence(&transcript));
    // The clip says its transcript, one word each: word i is transcript word i.
    assert_eq!(
        full.len(),
        transcript.len(),
        "words found in {}",
        clip.path.display()
    );
    let wrong = |words: &[WordEvent]| {
        (words.iter().zip(&transcript))
            .filter(|(w, t)| w.label.as_ref().is_some_and(|l| l != *t))
            .count()
    };
    let labelled = |words: &[WordEvent]| words.iter().filter(|w| w.label.is_some()).count();
    let mut short = transcript.clone();
    let missing = short.remove(2);
    let mut engine = hearing_engine(EngineConfig::default());
    let cut = common::words_of(&mut engine, &clip, sequence(&short));
    let mut plain = common::engine(&["whisper-tiny-en"], EngineConfig::default());
    let shifted = common::words_of(&mut plain, &clip, sequence(&short));
    eprintln!(
        "aligned: {} of {} labelled, {} wrong; without `{missing}`: {} labelled, {} wrong; \
         by position: {} wrong",
        labelled(&full),
        full.len(),
        wrong(&full),
        labelled(&cut),
        wrong(&cut),
        wrong(&shifted)
    );
    // Measured on joe (a held-out voice): 8 of 12 labelled, none wrong; without a word,
    // 6 labelled, 1 wrong; by position, 9 wrong.
    assert!(labelled(&full) * 2 >= full.len(), "{}", labelled(&full));
    assert_eq!(wrong(&full), 0);
    assert!(
        wrong(&cut) <= 1,
        "a missing word costs at most one wrong label"
    );
    assert!(
        labelled(&cut) + 2 >= labelled(&full),
        "and at most two labels"
    );
    assert!(
        wrong(&shifted) >= transcript.len() - 4,
        "by position every later label shifts"
    );
    let t = engine.summary(0.0, Vec::new()).recognition.unwrap();
    let t = t.transcript.expect("alignment counts");
    assert_eq!(t.aligned + t.misheard, labelled(&cut));
    assert_eq!(t.aligned + t.misheard + t.unaligned, cut.len());
    assert_eq!(t.dropped + t.left + labelled(&cut), short.len(), "{t:?}");
    // By position, the uneven count is reported.
    let p = plain.summary(0.0, Vec::new()).labels_by_position.unwrap();
    assert_eq!((p.sources, p.uneven.len()), (1, 1));
    assert_eq!(
        (p.uneven[0].transcript_words, p.uneven[0].words_found),
        (11, 12)
    );
}

#[test]
fn recognise_off_leaves_words_unheard() {
    let Some(files) = fsdd_sample(600) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared");
        return;
    };
    let path = files[0].0.to_str().unwrap().to_string();
    let base = [
        "run",
        "--json",
        "--lexicon",
        "digits",
        "--encoders",
        "whisper-tiny-en",
    ];
    let off = common::groundprobe_json(base.iter().copied().chain(["--recognise", "off", &path]));
    assert!(off.iter().all(|l| l.get("heard").is_none()), "{off:?}");
    let summary = off.last().unwrap();
    assert!(summary.get("recognition").is_none(), "{summary}");
    let heard = common::groundprobe_json(base.iter().copied().chain(["--labels", "heard", &path]));
    let words: Vec<_> = heard.iter().filter(|l| l["type"] == "word").collect();
    assert!(!words.is_empty());
    for w in &words {
        assert_eq!(w["label"], w["heard"]["word"], "{w}");
    }
    assert_eq!(heard.last().unwrap()["recognition"]["words"], words.len());
}

/// Prompted mode on each demo clip, its transcript as the prompts, with and without the
/// prompts as the decoder's context: how many words keep their prompt. The espeak clips
/// are for choosing; `01_joe` (Piper) is held out.
/// `cargo test --release --test hearing prompted_context_measured -- --ignored --nocapture`
#[test]
#[ignore = "measurement"]
fn prompted_context_measured() {
    for name in ["02_espeak_us_f", "03_espeak_gb_m", "01_joe"] {
        let (clip, transcript) = demo(name);
        for context in [Context::None, Context::Auto] {
            let config = EngineConfig {
                prompts: transcript.clone(),
                ..EngineConfig::default()
            };
            let mut engine = listening_engine(config, context);
            let words = common::words_of(&mut engine, &clip, Labels::Prompted);
            let kept = words
                .iter()
                .filter(|w| w.label.is_some() && w.label == w.prompt);
            let r = engine.summary(0.0, Vec::new()).recognition.unwrap();
            eprintln!(
                "{name} {context:?}: {} of {} kept their prompt; context `{}`, recognise {:?}",
                kept.count(),
                words.len(),
                r.context,
                r.recognise_ms
            );
        }
    }
}

/// With the paper lexicon (too long to read first), a file's short transcript is the
/// decoder's context: on the two espeak clips (tuning voices) it aligns more words.
#[test]
fn a_short_transcript_is_read_first_and_aligns_more_words() {
    let aligned = |context: Context| {
        let mut total = 0;
        for name in ["02_espeak_us_f", "03_espeak_gb_m"] {
            let (clip, transcript) = demo(name);
            let mut engine = listening_engine(EngineConfig::default(), context);
            let labels = Labels::Sequence(transcript.into_iter().collect());
            common::words_of(&mut engine, &clip, labels);
            let r = engine.summary(0.0, Vec::new()).recognition.unwrap();
            assert_eq!(r.context, "", "the paper lexicon is too long to read first");
            total += r.transcript.unwrap().aligned;
        }
        total
    };
    let (auto, none) = (aligned(Context::Auto), aligned(Context::None));
    eprintln!("aligned: {auto} of 23 with the transcript read first, {none} without");
    // Measured 16 and 7 of 23.
    assert!(auto >= 12 && auto > none, "{auto} vs {none}");
}
