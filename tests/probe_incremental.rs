//! The live [`Probe`] equals a from-scratch computation after every insertion, on random
//! streams of labelled, unlabelled, repeated and out-of-table words.

mod common;

use std::path::Path;
use std::sync::Arc;

use groundprobe::probe::cka::linear_cka;
use groundprobe::probe::silhouette::silhouette_cosine;
use groundprobe::probe::{Lexicon, PairKind, Probe, TextTable, WordPairs};
use proptest::prelude::*;

/// Words 0..8: categories/groups for some, none for others; "zz" is in no lexicon.
const LEXICON: &str = "\
apple\tfruit\tg_a\tAE1 P AH0 L
pear\tfruit\tg_b\tP EH1 R
plum\tfruit\t-\tP L AH1 M
cat\tanimal\tg_a\tK AE1 T
cow\tanimal\tg_b\tK AW1
owl\tanimal\tg_a\tAW1 L
sun\t-\tg_b\tS AH1 N
moon
";
const WORDS: [&str; 9] = [
    "apple", "pear", "plum", "cat", "cow", "owl", "sun", "moon", "zz",
];
const PAIRS: &str = "\
synonym\tsun\tmoon
near_homophone\tcat\tcow
near_homophone\towl\tcow
same_category\tapple\tpear
same_category\tapple\tplum
random\tpear\towl
random\tzz\tapple
";
const DIMS: [usize; 2] = [3, 5];

fn lexicon() -> Arc<Lexicon> {
    let pairs = WordPairs::parse(PAIRS, Path::new("pairs")).unwrap();
    Arc::new(
        Lexicon::parse(LEXICON, Path::new("lex"))
            .unwrap()
            .with_pairs(pairs),
    )
}

/// Two tables over different subsets of the words, different widths.
fn tables() -> Vec<Arc<TextTable>> {
    let t1 = ["apple", "cat", "cow", "sun", "zz", "plum"];
    let t2 = ["pear", "owl", "apple", "moon"];
    let vals = |n: usize, d: usize, k: f32| {
        (0..n * d)
            .map(|i| ((i as f32 + k) * 0.37).sin())
            .collect::<Vec<f32>>()
    };
    vec![
        Arc::new(TextTable::from_rows("one", &t1, vals(t1.len(), 4, 0.5), 4).unwrap()),
        Arc::new(TextTable::from_rows("two", &t2, vals(t2.len(), 2, 1.5), 2).unwrap()),
    ]
}

fn check(probe: &Probe, stream: &[(Option<usize>, Vec<Vec<f32>>)]) {
    let lex = probe.lexicon();
    let labels: Vec<Option<&str>> = stream.iter().map(|(w, _)| w.map(|w| WORDS[w])).collect();
    let metrics = probe.metrics();
    for (l, m) in metrics.iter().enumerate() {
        let rows: Vec<&[f32]> = stream.iter().map(|(_, v)| v[l].as_slice()).collect();
        let cat = |f: fn(&groundprobe::probe::Entry) -> Option<usize>| -> Vec<Option<usize>> {
            labels
                .iter()
                .map(|w| w.and_then(|w| lex.get(w)).and_then(f))
                .collect()
        };
        let sem = silhouette_cosine(&rows, &cat(|e| e.semantic));
        let pho = silhouette_cosine(&rows, &cat(|e| e.phonetic));
        approx_opt(m.silhouette_semantic, sem, "semantic");
        approx_opt(m.silhouette_phonetic, pho, "phonetic");

        for table in probe.tables() {
            let (xs, ys): (Vec<&[f32]>, Vec<&[f32]>) = labels
                .iter()
                .zip(&rows)
                .filter_map(|(w, x)| w.and_then(|w| table.get(w)).map(|y| (*x, y)))
                .unzip();
            assert_eq!(m.cka_words[table.name()], xs.len());
            for debiased in [false, true] {
                let want = if xs.is_empty() {
                    None
                } else {
                    linear_cka(&xs, &ys, debiased)
                };
                let got = if debiased {
                    m.cka_debiased[table.name()]
                } else {
                    m.cka[table.name()]
                };
                approx_opt(got, want, table.name());
            }
        }

        // Word pairs: every earlier/later token pair whose words are paired.
        let cos = |i: usize, j: usize| probe.bank().similarity(l, i, j);
        for kind in PairKind::ALL {
            let (mut sum, mut count) = (0.0, 0usize);
            for i in 0..stream.len() {
                for j in 0..i {
                    let (Some(a), Some(b)) = (labels[i], labels[j]) else {
                        continue;
                    };
                    let hit = match kind {
                        PairKind::SameWord => a == b,
                        _ => lex.pairs().kinds(a, b).contains(&kind),
                    };
                    if hit {
                        sum += cos(i, j);
                        count += 1;
                    }
                }
            }
            let got = m.pairs.get(kind);
            assert_eq!(got.pairs, count, "{kind}");
            approx_opt(
                got.mean,
                (count > 0).then(|| sum / count as f64),
                kind.name(),
            );
        }

        // Nearest neighbours of the newest word, by brute force.
        let i = stream.len() - 1;
        let mut want: Vec<(usize, f64)> = (0..i).map(|j| (j, cos(i, j))).collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let got: Vec<usize> = probe.nearest(l, i, 3).iter().map(|n| n.index).collect();
        let want: Vec<usize> = want.iter().take(3).map(|w| w.0).collect();
        assert_eq!(got, want);
        if i > 0 {
            // an older word's neighbours are computed afresh
            assert_eq!(probe.nearest(l, 0, 2), probe.bank().nearest(l, 0, 2, i + 1));
        }
    }
}

fn approx_opt(got: Option<f64>, want: Option<f64>, what: &str) {
    match (got, want) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= 1e-9 * (1.0 + w.abs()),
            "{what}: incremental {g} vs scratch {w}"
        ),
        (g, w) => assert_eq!(g, w, "{what}"),
    }
}

fn word_stream() -> impl Strategy<Value = Vec<(Option<usize>, Vec<Vec<f32>>)>> {
    let vector = |d: usize| prop::collection::vec(-1.0f32..1.0, d);
    let word = (
        prop::option::weighted(0.85, 0..WORDS.len()),
        (vector(DIMS[0]), vector(DIMS[1])).prop_map(|(a, b)| vec![a, b]),
    );
    prop::collection::vec(word, 1..40)
}

proptest! {
    #![proptest_config(common::proptest_config(64))]

    #[test]
    fn incremental_equals_from_scratch_after_every_insertion(stream in word_stream()) {
        let mut probe = Probe::new(
            vec!["a".into(), "b".into()], DIMS.to_vec(), lexicon(), tables(),
        ).unwrap();
        for (n, (w, v)) in stream.iter().enumerate() {
            let i = probe.push(w.map(|w| WORDS[w]), v).unwrap();
            prop_assert_eq!(i, n);
            check(&probe, &stream[..=n]);
        }
        // clear() starts afresh: the same stream gives the same metrics
        let before = probe.metrics();
        probe.clear();
        prop_assert!(probe.is_empty());
        for (w, v) in &stream {
            probe.push(w.map(|w| WORDS[w]), v).unwrap();
        }
        prop_assert_eq!(before, probe.metrics());
    }
}

#[test]
fn relations_come_from_the_lexicon() {
    let mut probe = Probe::new(vec!["a".into()], vec![2], lexicon(), vec![]).unwrap();
    for w in [
        Some("Apple"),
        Some("pear"),
        Some("cat"),
        None,
        Some("moon"),
        Some("apple"),
    ] {
        probe.push(w, &[vec![1.0, 0.5]]).unwrap();
    }
    let r = probe.relation(0, 1); // apple/pear: same category, different group
    assert_eq!(
        (r.same_word, r.same_semantic_category, r.same_phonetic_group),
        (Some(false), Some(true), Some(false))
    );
    let r = probe.relation(0, 2); // apple/cat: group g_a
    assert_eq!(
        (r.same_semantic_category, r.same_phonetic_group),
        (Some(false), Some(true))
    );
    let r = probe.relation(0, 3); // unlabelled
    assert_eq!((r.same_word, r.same_phonetic_group), (None, None));
    let r = probe.relation(0, 4); // moon has no category: it does not share apple's
    assert_eq!(
        (r.same_word, r.same_semantic_category),
        (Some(false), Some(false))
    );
    assert_eq!(probe.relation(0, 5).same_word, Some(true));
    assert_eq!(probe.label(0), Some("apple"));
}

#[test]
fn bad_vectors_are_errors_and_leave_the_probe_unchanged() {
    let mut probe = Probe::new(
        vec!["a".into(), "b".into()],
        vec![2, 3],
        lexicon(),
        tables(),
    )
    .unwrap();
    probe
        .push(Some("cat"), &[vec![1.0, 0.0], vec![0.0, 1.0, 0.0]])
        .unwrap();
    let before = probe.metrics();
    for bad in [
        vec![vec![1.0, 0.0]],
        vec![vec![1.0, 0.0], vec![0.0, 1.0]],
        vec![vec![1.0, f32::NAN], vec![0.0, 1.0, 0.0]],
        vec![vec![1.0, 0.0], vec![f32::INFINITY, 1.0, 0.0]],
    ] {
        let err = probe.push(Some("cow"), &bad).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid probe vectors"),
            "{err}"
        );
    }
    assert_eq!(probe.len(), 1);
    assert_eq!(before, probe.metrics());
    assert!(Probe::new(vec!["a".into()], vec![2, 3], lexicon(), vec![]).is_err());
    assert!(Probe::new(vec![], vec![], lexicon(), vec![]).is_err());
    assert!(Probe::new(vec!["a".into()], vec![0], lexicon(), vec![]).is_err());
    let t = tables();
    assert!(
        Probe::new(
            vec!["a".into()],
            vec![2],
            lexicon(),
            vec![t[0].clone(), t[0].clone()]
        )
        .is_err()
    );
}

#[test]
fn metrics_serialise_with_nulls_for_what_is_not_known_yet() {
    let mut probe = Probe::new(vec!["a".into()], vec![2], lexicon(), tables()).unwrap();
    probe.push(Some("apple"), &[vec![1.0, 0.0]]).unwrap();
    let json = serde_json::to_value(probe.metrics()).unwrap();
    let m = &json[0];
    assert_eq!(m["layer"], "a");
    assert!(m["silhouette_semantic"].is_null());
    assert!(m["cka"]["one"].is_null());
    assert_eq!(m["cka_words"]["one"], 1);
    assert!(m["pairs"]["synonym"]["mean"].is_null());
    assert_eq!(m["pairs"]["synonym"]["pairs"], 0);
}

#[test]
fn paper_lexicon_end_to_end() {
    // The built-in lexicon: a few words, two tokens of one, every analysis defined.
    let lexicon = Arc::new(Lexicon::paper());
    let mut probe = Probe::new(vec!["x".into()], vec![4], lexicon, vec![]).unwrap();
    let words = [
        "violin", "fiddle", "chin", "chip", "shirt", "piano", "violin", "grin", "grid",
    ];
    for (i, w) in words.iter().enumerate() {
        let v: Vec<f32> = (0..4).map(|k| ((i * 4 + k) as f32).cos()).collect();
        probe.push(Some(w), &[v]).unwrap();
    }
    let m = &probe.metrics()[0];
    assert!(m.silhouette_semantic.is_some() && m.silhouette_phonetic.is_some());
    assert_eq!(m.pairs.same_word.pairs, 1);
    assert_eq!(m.pairs.synonym.pairs, 2); // violin–fiddle twice
    assert!(m.pairs.near_homophone.pairs >= 2); // chin–chip, grin–grid
}
