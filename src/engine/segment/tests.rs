//! The segmenter on hand-made probability sequences.

use super::*;

fn run(probs: &[f32], params: SegmentParams) -> Vec<Segment> {
    let mut s = Segmenter::new(params, 512, 16_000);
    let mut out: Vec<Segment> = probs
        .iter()
        .filter_map(|&p| match s.push(p)? {
            Cut::Final(seg) => Some(seg),
            _ => None,
        })
        .collect();
    out.extend(s.finish());
    out
}

#[test]
fn a_provisional_close_is_confirmed_by_the_hangover_or_retracted_by_speech() {
    let params = SegmentParams {
        speculate_ms: 64,
        ..SegmentParams::default()
    };
    let mut s = Segmenter::new(params, 512, 16_000);
    // 10 speech frames, a 3-frame gap, 10 more, then silence.
    let probs: Vec<f32> = [[0.9; 10], [0.1; 10]].concat();
    let probs = [&probs[..13], &[0.9; 10][..], &[0.1; 10][..]].concat();
    let cuts: Vec<(usize, Cut)> = probs
        .iter()
        .enumerate()
        .filter_map(|(i, &p)| Some((i, s.push(p)?)))
        .collect();
    let (at, Cut::Provisional(first)) = cuts[0] else {
        panic!("{cuts:?}")
    };
    assert_eq!(
        (at, first.speech_end),
        (11, 10 * 512),
        "2 frames of silence"
    );
    assert_eq!(cuts[1], (13, Cut::Retract), "speech returned");
    let (_, Cut::Provisional(merged)) = cuts[2] else {
        panic!("{cuts:?}")
    };
    assert_eq!(
        cuts[3].1,
        Cut::Final(Segment {
            decided: 28 * 512,
            ..merged
        })
    );
    assert_eq!(cuts.len(), 4);
    // Without speculation, the same final word only.
    assert_eq!(
        run(&probs, SegmentParams::default()),
        [Segment {
            decided: 28 * 512,
            ..merged
        }]
    );
}

#[test]
fn a_short_dip_does_not_split_a_word_but_a_long_one_does() {
    let p = SegmentParams::default(); // 150 ms hangover = 5 frames
    let mut probs = vec![0.0; 8];
    probs.extend([0.9; 10]);
    probs.extend([0.1; 4]); // 128 ms closure
    probs.extend([0.9; 5]);
    probs.extend([0.0; 12]);
    probs.extend([0.9; 6]);
    probs.extend([0.0; 10]);
    let segs = run(&probs, p);
    assert_eq!(segs.len(), 2, "{segs:?}");
    assert_eq!(segs[0].start, 8 * 512 - 2560);
    assert_eq!(segs[0].end, 27 * 512 + 1536);
    // Speech ends with frame 26; the decision comes 5 silent frames later.
    assert_eq!(segs[0].speech_end, 27 * 512);
    assert_eq!(segs[0].decided, 32 * 512);
    // A word still open at the end of the stream is decided there.
    let mut open = vec![0.0; 3];
    open.extend([0.9; 8]);
    let last = run(&open, p);
    assert_eq!((last[0].speech_end, last[0].decided), (11 * 512, 11 * 512));
}

#[test]
fn hysteresis_keeps_a_word_open_between_offset_and_onset() {
    let probs = [
        0.0, 0.6, 0.4, 0.4, 0.4, 0.4, 0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    ];
    let segs = run(
        &probs,
        SegmentParams {
            min_word_ms: 0,
            ..Default::default()
        },
    );
    assert_eq!(segs.len(), 1);
    assert_eq!(segs[0].end, 7 * 512 + 1536);
}

#[test]
fn blips_shorter_than_the_minimum_are_dropped() {
    let segs = run(
        &[0.0, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        SegmentParams::default(),
    );
    assert!(segs.is_empty());
}

#[test]
fn a_word_that_never_reaches_the_confirmation_level_is_dropped() {
    let mut probs = vec![0.0; 4];
    probs.extend([0.55; 8]); // 256 ms, above onset, below CONFIRM_PROB
    probs.extend([0.0; 10]);
    assert!(run(&probs, SegmentParams::default()).is_empty());
    probs[6] = 0.65;
    assert_eq!(run(&probs, SegmentParams::default()).len(), 1);
}

#[test]
fn endless_speech_is_cut_at_the_maximum_length() {
    let p = SegmentParams {
        max_word_ms: 1_000,
        ..Default::default()
    };
    let segs = run(&[0.9; 100], p);
    assert!(segs.len() >= 3, "{segs:?}");
    assert!(segs[0].truncated);
    // 1 s rounds up to 32 frames of 512 samples; the start keeps its 160 ms padding.
    assert!(segs.iter().all(|s| s.end - s.start <= 32 * 512 + 2560));
}

#[test]
fn contradictory_thresholds_are_rejected_by_name() {
    let e = SegmentParams {
        onset: 0.3,
        offset: 0.5,
        ..Default::default()
    }
    .validate()
    .unwrap_err();
    assert!(e.to_string().contains("invalid offset"));
}
