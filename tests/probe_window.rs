//! A probe with a window equals, after every word, a fresh probe given only the words the
//! window holds: silhouettes, CKA (plain and debiased), word pairs, word identity and
//! neighbours, on random streams with repeats, unlabelled words, named and unknown
//! speakers; and it stays so over 20,000 words (no drift in the running sums).

mod common;

use std::sync::Arc;

use groundprobe::event::LayerMetrics;
use groundprobe::probe::{Lexicon, PairKind, Probe, TextTable};
use proptest::prelude::*;

/// Paper words with categories, phonetic groups, synonyms and near-homophones between
/// them, and one word no lexicon or table has.
const WORDS: [&str; 10] = [
    "violin", "fiddle", "cello", "piano", "shirt", "chin", "chip", "grin", "grid", "zz",
];
const DIMS: [usize; 2] = [3, 5];

type Word = (Option<usize>, Option<usize>, Vec<Vec<f32>>);

fn tables() -> Vec<Arc<TextTable>> {
    let table = |name: &str, words: &[&str], d: usize, k: f32| {
        let v = (0..words.len() * d).map(|i| ((i as f32 + k) * 0.37).sin());
        Arc::new(TextTable::from_rows(name, words, v.collect(), d).unwrap())
    };
    vec![
        table(
            "one",
            &["violin", "cello", "chin", "grin", "shirt", "zz"],
            4,
            0.5,
        ),
        table("two", &["fiddle", "piano", "chip", "violin"], 2, 1.5),
    ]
}

fn probe(window: Option<usize>) -> Probe {
    let names = vec!["a".into(), "b".into()];
    let p = Probe::new(names, DIMS.to_vec(), Arc::new(Lexicon::paper()), tables()).unwrap();
    match window {
        Some(w) => p.with_window(w).unwrap(),
        None => p,
    }
}

fn push(p: &mut Probe, (w, s, v): &Word) -> usize {
    let speaker = s.map(|s| format!("s{s}"));
    p.push_spoken(w.map(|w| WORDS[w]), speaker.as_deref(), v)
        .unwrap()
}

fn close(got: Option<f64>, want: Option<f64>, tol: f64, what: &str) -> Result<(), TestCaseError> {
    match (got, want) {
        (Some(g), Some(w)) => prop_assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{what}: window {g} vs fresh {w}"
        ),
        (g, w) => prop_assert_eq!(g, w, "{}", what),
    }
    Ok(())
}

/// Every metric of `got` equals `want` (counts exactly, values within `tol`).
fn same(got: &[LayerMetrics], want: &[LayerMetrics], tol: f64) -> Result<(), TestCaseError> {
    for (g, w) in got.iter().zip(want) {
        let counts = |m: &LayerMetrics| (m.words, m.semantic_words, m.phonetic_words);
        prop_assert_eq!(counts(g), counts(w));
        close(
            g.silhouette_semantic,
            w.silhouette_semantic,
            tol,
            "semantic",
        )?;
        close(
            g.silhouette_phonetic,
            w.silhouette_phonetic,
            tol,
            "phonetic",
        )?;
        prop_assert_eq!(&g.cka_words, &w.cka_words);
        for (name, v) in &w.cka {
            close(g.cka[name], *v, tol, "cka")?;
            close(
                g.cka_debiased[name],
                w.cka_debiased[name],
                tol,
                "cka debiased",
            )?;
        }
        for kind in PairKind::ALL {
            let (a, b) = (g.pairs.get(kind), w.pairs.get(kind));
            prop_assert_eq!(a.pairs, b.pairs, "{}", kind);
            close(a.mean, b.mean, tol, kind.name())?;
        }
        let (a, b) = (&g.word_identity, &w.word_identity);
        let counts = |i: &groundprobe::event::WordIdentity| (i.tokens, i.words, i.speakers);
        prop_assert_eq!(counts(a), counts(b));
        prop_assert_eq!(a.top1_tokens, b.top1_tokens);
        close(a.silhouette, b.silhouette, tol, "identity silhouette")?;
        close(a.top1, b.top1, tol, "identity top-1")?;
    }
    Ok(())
}

fn stream(max: usize) -> impl Strategy<Value = Vec<Word>> {
    let vector = |d: usize| prop::collection::vec(-1.0f32..1.0, d);
    let word = (
        prop::option::weighted(0.85, 0..WORDS.len()),
        prop::option::weighted(0.7, 0..3usize),
        (vector(DIMS[0]), vector(DIMS[1])).prop_map(|(a, b)| vec![a, b]),
    );
    prop::collection::vec(word, 1..max)
}

proptest! {
    #![proptest_config(common::proptest_config(96))]

    #[test]
    fn a_window_equals_a_fresh_probe_of_the_words_it_holds(
        words in stream(48),
        window in 1usize..12,
    ) {
        let mut windowed = probe(Some(window));
        for (n, word) in words.iter().enumerate() {
            prop_assert_eq!(push(&mut windowed, word), n);
            let first = (n + 1).saturating_sub(window);
            prop_assert_eq!((windowed.first(), windowed.len()), (first, n + 1 - first));
            let mut fresh = probe(None);
            words[first..=n].iter().for_each(|w| { push(&mut fresh, w); });
            same(&windowed.metrics(), &fresh.metrics(), 1e-9)?;
            for l in 0..DIMS.len() {
                let shifted = |p: &Probe, i: usize, by: usize| -> Vec<usize> {
                    p.nearest(l, i, 3).iter().map(|n| n.index - by).collect()
                };
                prop_assert_eq!(shifted(&windowed, n, first), shifted(&fresh, n - first, 0));
                prop_assert_eq!(shifted(&windowed, first, first), shifted(&fresh, 0, 0));
            }
            let (a, b) = (windowed.relation(first, n), fresh.relation(0, n - first));
            prop_assert_eq!(a, b);
        }
        // clear() empties the window too; the next word is index 0 again.
        windowed.clear();
        prop_assert_eq!((windowed.first(), windowed.len()), (0, 0));
        prop_assert_eq!(push(&mut windowed, &words[0]), 0);
    }
}

/// 20,000 words through a window of 300: the running sums of the window (CKA's Gram
/// statistics, word identity's centroids, the pair sums) have taken 19,700 words out, and
/// still equal a fresh probe's within 1e-9.
#[test]
fn twenty_thousand_words_through_a_window_do_not_drift() {
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f32 / (1u64 << 31) as f32
    };
    let words: Vec<Word> = (0..20_000)
        .map(|_| {
            let w = (next() * WORDS.len() as f32) as usize;
            let s = (next() * 4.0) as usize;
            let v = DIMS
                .iter()
                .map(|&d| (0..d).map(|_| next() * 2.0 - 1.0 + 0.3).collect())
                .collect();
            ((w < WORDS.len()).then_some(w), (s < 3).then_some(s), v)
        })
        .collect();
    let window = 300;
    let mut windowed = probe(Some(window));
    words.iter().for_each(|w| {
        push(&mut windowed, w);
    });
    let mut fresh = probe(None);
    words[words.len() - window..].iter().for_each(|w| {
        push(&mut fresh, w);
    });
    assert_eq!(windowed.evicted(), 20_000 - window);
    same(&windowed.metrics(), &fresh.metrics(), 1e-9).unwrap();
}
