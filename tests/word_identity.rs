//! Word identity on real speech: FSDD digits by several speakers give non-null word
//! identity per layer, and the incremental numbers of the summary equal a brute-force
//! computation from the word vectors `run --vectors` prints — across speakers when the
//! file names say who speaks, leave-one-out over tokens when nothing does; and a property
//! test: after every push, on random vectors with named and unknown speakers mixed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

const SPEAKERS: [&str; 4] = ["george", "jackson", "nicolas", "theo"];

/// Runs `run --json --vectors --lexicon digits` on `paths` (a folder or files).
fn run(paths: &[PathBuf]) -> Vec<Value> {
    let args = ["run", "--json", "--vectors", "--lexicon", "digits"];
    let paths = paths.iter().map(|p| p.as_os_str());
    common::groundprobe_json(args.iter().map(std::ffi::OsStr::new).chain(paths))
}

/// A labelled token: word, speaker (None: unknown), unit vector.
struct Token {
    word: String,
    speaker: Option<String>,
    unit: Vec<f64>,
}

fn tokens(
    words: &[Value],
    enc: &str,
    layer: &str,
    speaker: impl Fn(&Path) -> Option<String>,
) -> Vec<Token> {
    words
        .iter()
        .map(|w| {
            // f32 as printed, back to the exact f32 value.
            let v: Vec<f64> = w["embeddings"][enc][layer]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| f64::from(x.as_f64().unwrap() as f32))
                .collect();
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            Token {
                word: w["label"].as_str().unwrap().to_string(),
                speaker: speaker(Path::new(w["file"].as_str().unwrap())),
                unit: v.iter().map(|x| x / norm).collect(),
            }
        })
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Cosine silhouette with one cluster per word, straight from its definition.
fn silhouette(t: &[Token]) -> f64 {
    let words: Vec<&str> = {
        let mut w: Vec<&str> = t.iter().map(|t| t.word.as_str()).collect();
        w.sort_unstable();
        w.dedup();
        w
    };
    let mean_dist = |i: usize, w: &str| {
        let d: Vec<f64> = (0..t.len())
            .filter(|&j| j != i && t[j].word == w)
            .map(|j| 1.0 - dot(&t[i].unit, &t[j].unit))
            .collect();
        (!d.is_empty()).then(|| d.iter().sum::<f64>() / d.len() as f64)
    };
    let s: f64 = (0..t.len())
        .map(|i| {
            let Some(a) = mean_dist(i, &t[i].word) else {
                return 0.0;
            };
            let b = words
                .iter()
                .filter(|&&w| w != t[i].word)
                .filter_map(|w| mean_dist(i, w))
                .fold(f64::INFINITY, f64::min);
            (b - a) / a.max(b)
        })
        .sum();
    s / t.len() as f64
}

/// Nearest-centroid top-1: centroids (mean unit vectors) from other speakers' tokens; an
/// unknown speaker is the token alone. Returns (accuracy, tokens scored).
fn top1(t: &[Token]) -> (f64, usize) {
    let same_speaker = |i: usize, j: usize| match (&t[i].speaker, &t[j].speaker) {
        (Some(a), Some(b)) => a == b,
        _ => i == j,
    };
    let mut words: Vec<&str> = Vec::new();
    for tok in t {
        if !words.contains(&tok.word.as_str()) {
            words.push(&tok.word); // first heard first: ties go to it
        }
    }
    let (mut right, mut scored) = (0, 0);
    for i in 0..t.len() {
        let mut best: Option<(&str, f64)> = None;
        let mut own_scored = false;
        for &w in &words {
            let others: Vec<usize> = (0..t.len())
                .filter(|&j| t[j].word == w && !same_speaker(i, j))
                .collect();
            if others.is_empty() {
                continue;
            }
            own_scored |= w == t[i].word;
            let mut c = vec![0.0; t[i].unit.len()];
            for &j in &others {
                c.iter_mut().zip(&t[j].unit).for_each(|(c, x)| *c += x);
            }
            let cos = dot(&t[i].unit, &c) / dot(&c, &c).sqrt();
            if best.is_none_or(|(_, b)| cos > b) {
                best = Some((w, cos));
            }
        }
        if own_scored {
            scored += 1;
            right += usize::from(best.unwrap().0 == t[i].word);
        }
    }
    (right as f64 / scored as f64, scored)
}

/// Checks every encoder's layers against the brute force; returns top-1 per encoder/layer.
fn check(
    lines: &[Value],
    speaker: impl Fn(&Path) -> Option<String> + Copy,
    speakers: usize,
) -> BTreeMap<String, f64> {
    let (words, summary) = lines.split_at(lines.len() - 1);
    let summary = &summary[0];
    assert!(words.len() >= 30, "{} words", words.len());
    let mut got = BTreeMap::new();
    for (enc, info) in summary["encoders"].as_object().unwrap() {
        for layer in info["layers"].as_array().unwrap() {
            let layer = layer.as_str().unwrap();
            let id = &summary["metrics"][enc][layer]["word_identity"];
            let t = tokens(words, enc, layer, speaker);
            assert_eq!(id["tokens"], t.len());
            assert_eq!(id["words"], 10);
            assert_eq!(id["speakers"], speakers);
            let sil = id["silhouette"]
                .as_f64()
                .unwrap_or_else(|| panic!("{enc}/{layer}: {id}"));
            let want = silhouette(&t);
            assert!(
                (sil - want).abs() < 1e-9,
                "{enc}/{layer} silhouette {sil} vs {want}"
            );
            let (want, scored) = top1(&t);
            assert_eq!(id["top1_tokens"], scored, "{enc}/{layer}");
            let acc = id["top1"].as_f64().unwrap();
            assert!(
                (acc - want).abs() < 1e-12,
                "{enc}/{layer} top-1 {acc} vs {want}"
            );
            println!(
                "{enc:<18} {layer:<10} silhouette {sil:+.3}  top-1 {:.1}% of {scored}",
                acc * 100.0
            );
            got.insert(format!("{enc}/{layer}"), acc);
        }
    }
    got
}

#[test]
fn digits_across_speakers_match_the_brute_force_and_beat_chance() {
    let Some(dir) = common::fsdd() else { return };
    let files: Vec<PathBuf> = SPEAKERS
        .iter()
        .flat_map(|s| (0..10).map(move |d| format!("{d}_{s}_7.wav")))
        .map(|f| dir.join(f))
        .collect();
    let speaker = |p: &Path| {
        let name = p.file_stem()?.to_str()?;
        name.split('_').nth(1).map(String::from)
    };
    let top1 = check(&run(&files), speaker, SPEAKERS.len());
    // Whisper's last layer names a digit said by an unheard speaker far above chance (10%).
    let last = top1["whisper-tiny-en/layer4_ln"];
    assert!(last > 0.5, "whisper-tiny-en/layer4_ln top-1 {last}");
}

#[cfg(unix)]
#[test]
fn digits_in_folders_without_speakers_are_scored_leave_one_out() {
    let Some(dir) = common::fsdd() else { return };
    // root/<digit>/<n>.wav: labels from the folders, no speaker anywhere (links, the
    // recordings stay where they are).
    let root = tempfile::tempdir().unwrap();
    for d in 0..10 {
        let sub = root.path().join(d.to_string());
        std::fs::create_dir(&sub).unwrap();
        for (n, s) in SPEAKERS.iter().enumerate() {
            let target = dir.join(format!("{d}_{s}_11.wav"));
            std::os::unix::fs::symlink(target, sub.join(format!("{n}.wav"))).unwrap();
        }
    }
    let top1 = check(&run(&[root.path().to_path_buf()]), |_| None, 0);
    let last = top1["whisper-tiny-en/layer4_ln"];
    assert!(last > 0.5, "whisper-tiny-en/layer4_ln top-1 {last}");
}

/// The live view rescores every layer after each word while that is cheap, and in a long
/// session each layer in turn: its scores are then those of its last refresh, and the
/// refresh reaches every layer within as many words as there are layers.
#[test]
fn live_word_identity_is_exact_when_cheap_and_refreshed_in_turn_when_not() {
    use groundprobe::probe::{Lexicon, Probe};
    use std::sync::Arc;
    let layers = 3;
    let mut probe = Probe::new(
        (0..layers).map(|l| format!("l{l}")).collect(),
        vec![4; layers],
        Arc::new(Lexicon::digits()),
        Vec::new(),
    )
    .unwrap();
    let mut state = 7u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    };
    let mut push = |probe: &mut Probe, i: usize| {
        let v: Vec<Vec<f32>> = (0..layers)
            .map(|_| (0..4).map(|_| next()).collect())
            .collect();
        let speaker = format!("s{}", i % 3);
        probe
            .push_spoken(Some(&format!("w{}", i % 40)), Some(&speaker), &v)
            .unwrap();
    };
    let identities = |m: Vec<groundprobe::event::LayerMetrics>| -> Vec<_> {
        m.into_iter().map(|l| l.word_identity).collect()
    };
    // 60 tokens of 40 words: 2,400 pairs per layer, every layer rescored per word.
    for i in 0..60 {
        push(&mut probe, i);
        assert_eq!(
            identities(probe.live_metrics()),
            identities(probe.metrics())
        );
    }
    // 1,200 tokens of 40 words: 48,000 pairs, fewer layers than all per word.
    for i in 60..1_200 {
        push(&mut probe, i);
    }
    let exact = identities(probe.metrics());
    let first = identities(probe.live_metrics());
    assert!(
        first.iter().zip(&exact).any(|(a, b)| a != b),
        "all rescored at once"
    );
    for _ in 1..layers {
        probe.live_metrics();
    }
    assert_eq!(identities(probe.live_metrics()), exact);
    assert!(
        exact
            .iter()
            .all(|id| id.top1.is_some() && id.silhouette.is_some())
    );
}

proptest::proptest! {
    #![proptest_config(common::proptest_config(64))]

    /// After every push, the incremental numbers equal the brute force, with named and
    /// unknown speakers mixed.
    #[test]
    fn incremental_word_identity_equals_brute_force(
        words in proptest::collection::vec((0usize..4, 0usize..4, proptest::collection::vec(-1.0f32..1.0, 3)), 2..24)
    ) {
        use std::sync::Arc;
        use groundprobe::probe::{Lexicon, Probe};
        let mut probe = Probe::new(vec!["l".into()], vec![3], Arc::new(Lexicon::digits()), Vec::new()).unwrap();
        let mut tokens = Vec::new();
        for (i, (w, s, v)) in words.iter().enumerate() {
            // Speaker 3 is unknown (leave-one-out for that token).
            let speaker = (*s < 3).then(|| format!("s{s}"));
            probe.push_spoken(Some(&format!("w{w}")), speaker.as_deref(), &[v]).unwrap();
            let v: Vec<f64> = v.iter().map(|&x| f64::from(x)).collect();
            let norm = dot(&v, &v).sqrt();
            proptest::prop_assume!(norm > 1e-3);
            tokens.push(Token {
                word: format!("w{w}"),
                speaker: speaker.or_else(|| Some(format!("token {i}"))),
                unit: v.iter().map(|x| x / norm).collect(),
            });
            let id = probe.metrics()[0].word_identity;
            let distinct = {
                let mut d: Vec<&str> = tokens.iter().map(|t| t.word.as_str()).collect();
                d.sort_unstable();
                d.dedup();
                d.len()
            };
            match id.silhouette {
                Some(s) => proptest::prop_assert!((s - silhouette(&tokens)).abs() < 1e-9),
                None => proptest::prop_assert!(distinct < 2 || distinct >= tokens.len()),
            }
            let scorable = distinct >= 2 && tokens.iter().any(|t| {
                tokens.iter().any(|u| u.word == t.word && u.speaker != t.speaker)
            });
            match id.top1 {
                Some(acc) => {
                    let (want, scored) = top1(&tokens);
                    proptest::prop_assert_eq!(id.top1_tokens, scored);
                    proptest::prop_assert!((acc - want).abs() < 1e-12, "{} vs {}", acc, want);
                }
                None => proptest::prop_assert!(!scorable),
            }
        }
    }
}
