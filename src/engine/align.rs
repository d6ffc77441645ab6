//! A transcript aligned to the words found, by what was heard, one word at a time.
//!
//! The transcript is the truth about what was said; what goes wrong is the word count (a
//! word the VAD missed, one it split, a noise taken for a word) and the recogniser, which
//! mishears. So the aligner tracks where in the transcript the words are — a forward
//! (filtering) pass of a small hidden Markov model over the position of the next
//! transcript word — and gives each word the transcript word at the most likely position,
//! heard as it or not:
//! * a word normally takes the next transcript word (`P_NEXT`); it may take one `k` words
//!   further (`P_SKIP`ᵏ: the VAD missed k), or none (`P_EXTRA`: a split word or a noise);
//! * it is heard as the transcript word it takes with `P_HEARD`; otherwise (and an extra
//!   word always) its text is any of the transcript's other words, alike.
//!
//! A word is labelled when the position it takes has posterior ≥ `CONFIDENT` (and, heard
//! as another word, when a word just before was heard right: `RECENT`), so a
//! misheard word keeps its transcript label while a word the filter is unsure of (heard
//! as a word a little further on: misheard, or after a missed word?) gets none. The
//! hypotheses not taken stay in the filter, so the words after a slip find their place
//! again: one missed or split word costs a label or two, never every later one.
//! O(hypotheses · `MAX_SKIP`) per word.

use std::collections::BTreeMap;

/// A word takes the next transcript word.
const P_NEXT: f64 = 0.96;
/// Per transcript word skipped (missed by the VAD).
const P_SKIP: f64 = 0.02;
/// A word takes no transcript word (a split or a noise).
const P_EXTRA: f64 = 0.02;
/// A word is heard as the transcript word it is.
const P_HEARD: f64 = 0.8;
/// Most transcript words one word may skip.
const MAX_SKIP: usize = 4;
/// Posterior a position needs for its word to take the label.
const CONFIDENT: f64 = 0.8;
/// A word heard as another word takes its place's label only when one of the `RECENT`
/// words before it was heard as its own: where the recogniser hears little (an unheard
/// voice), the place is a guess, and a guess is no label.
const RECENT: usize = 2;
/// Hypotheses kept (the most likely), and how far below the best one may be (nats).
const MAX_HYPOTHESES: usize = 64;
const PRUNE_NATS: f64 = 14.0;

/// What one word took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Taken {
    /// The transcript word it takes (none when no position is likely enough, or the
    /// transcript is used up).
    pub label: Option<String>,
    /// It was heard as that word.
    pub heard_as_it: bool,
}

/// One source's transcript and where the words are in it.
#[derive(Debug, Clone)]
pub(super) struct Aligner {
    words: Vec<String>,
    /// Distinct transcript words (a mishearing lands on any of the others alike).
    distinct: usize,
    /// Position of the next transcript word → log probability (normalised).
    hypotheses: BTreeMap<usize, f64>,
    /// Positions some word took.
    taken: Vec<bool>,
    /// Words since the last one heard as the transcript word it took.
    since_heard: usize,
}

impl Aligner {
    /// An aligner at the start of `words`.
    pub(super) fn new(words: Vec<String>) -> Self {
        let mut distinct: Vec<&String> = words.iter().collect();
        distinct.sort_unstable();
        distinct.dedup();
        Self {
            distinct: distinct.len().max(2),
            taken: vec![false; words.len()],
            hypotheses: BTreeMap::from([(0, 0.0)]),
            since_heard: 0,
            words,
        }
    }

    /// The label of the next word, `is` telling which transcript words it was heard as;
    /// with `commit` false (a provisional word) nothing moves.
    pub(super) fn take(&mut self, is: impl Fn(&str) -> bool, commit: bool) -> Taken {
        let (heard, miss) = (
            P_HEARD.ln(),
            ((1.0 - P_HEARD) / (self.distinct - 1) as f64).ln(),
        );
        let mut next: BTreeMap<usize, f64> = BTreeMap::new();
        // Posterior mass of each position taken (`None`: no position).
        let mut took: BTreeMap<Option<usize>, f64> = BTreeMap::new();
        let mut add =
            |map_next: &mut BTreeMap<usize, f64>, q: usize, at: Option<usize>, lp: f64| {
                let e = map_next.entry(q).or_insert(f64::NEG_INFINITY);
                *e = log_add(*e, lp);
                let t = took.entry(at).or_insert(f64::NEG_INFINITY);
                *t = log_add(*t, lp);
            };
        for (&q, &lp) in &self.hypotheses {
            // An extra word's text is any transcript word, alike.
            let extra = if q < self.words.len() {
                P_EXTRA.ln() + miss
            } else {
                0.0
            };
            add(&mut next, q, None, lp + extra);
            for k in 0..=MAX_SKIP {
                let j = q + k;
                let Some(word) = self.words.get(j) else { break };
                let step = if k == 0 {
                    P_NEXT.ln()
                } else {
                    k as f64 * P_SKIP.ln()
                };
                let emit = if is(word) { heard } else { miss };
                add(&mut next, j + 1, Some(j), lp + step + emit);
            }
        }
        let total = took.values().copied().fold(f64::NEG_INFINITY, log_add);
        let (best, lp) = (took.iter())
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or((None, f64::NEG_INFINITY), |(&at, &lp)| (at, lp));
        let place = best.filter(|_| (lp - total).exp() >= CONFIDENT);
        let heard_as_it = place.is_some_and(|j| is(&self.words[j]));
        // A word heard as another takes the place's label only near a word heard right.
        let label = place.filter(|_| heard_as_it || self.since_heard < RECENT);
        if commit {
            self.hypotheses = prune(next, total);
            if let Some(j) = label {
                self.taken[j] = true;
            }
            self.since_heard = if heard_as_it { 0 } else { self.since_heard + 1 };
        }
        Taken {
            heard_as_it,
            label: label.map(|j| self.words[j].clone()),
        }
    }

    /// Transcript words no word took, before the most likely position now (missed), and
    /// from it on (left at the end).
    pub(super) fn unused(&self) -> (usize, usize) {
        let at = (self.hypotheses.iter())
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(&q, _)| q);
        let missed = self.taken[..at.min(self.taken.len())]
            .iter()
            .filter(|t| !**t)
            .count();
        (missed, self.words.len().saturating_sub(at))
    }
}

/// log(eᵃ + eᵇ).
fn log_add(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        hi
    } else {
        hi + (lo - hi).exp().ln_1p()
    }
}

/// The likeliest hypotheses, normalised by `total`.
fn prune(hypotheses: BTreeMap<usize, f64>, total: f64) -> BTreeMap<usize, f64> {
    let best = hypotheses
        .values()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let mut kept: Vec<(usize, f64)> = (hypotheses.into_iter())
        .filter(|&(_, lp)| lp >= best - PRUNE_NATS)
        .collect();
    kept.sort_by(|a, b| b.1.total_cmp(&a.1));
    kept.truncate(MAX_HYPOTHESES);
    kept.into_iter().map(|(q, lp)| (q, lp - total)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    /// Labels for heard words against a transcript.
    fn run(transcript: &str, heard: &str) -> Vec<Option<String>> {
        let mut a = Aligner::new(words(transcript));
        words(heard)
            .iter()
            .map(|h| a.take(|w| w == h, true).label)
            .collect()
    }

    #[test]
    fn a_misheard_word_keeps_its_transcript_label() {
        let got = run("1 2 3 4 5 6", "1 2 8 4 5 6");
        assert_eq!(
            got,
            words("1 2 3 4 5 6")
                .into_iter()
                .map(Some)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_missed_word_costs_one_label_and_no_wrong_one() {
        // "3" was never found: the word heard as 4 could be a misheard 3, so it gets no
        // label; from the next word on, the place is found again.
        let got = run("1 2 3 4 5 6 7", "1 2 4 5 6 7");
        let mut want: Vec<_> = words("1 2 4 5 6 7").into_iter().map(Some).collect();
        want[2] = None;
        assert_eq!(got, want);
        let mut a = Aligner::new(words("1 2 3 4 5 6 7"));
        for h in words("1 2 4 5 6 7") {
            a.take(|w| w == h, true);
        }
        // "3" (missed) and "4" (its word unlabelled) were taken by no word.
        assert_eq!(a.unused(), (2, 0));
    }

    #[test]
    fn a_split_word_is_recovered_within_two_words() {
        // "3" split in two fragments heard as nothing: after them the labels are right.
        let got = run("1 2 3 4 5 6 7 8", "1 2 x y 4 5 6 7 8");
        assert_eq!(&got[..2], &[Some("1".into()), Some("2".into())]);
        let tail: Vec<_> = words("5 6 7 8").into_iter().map(Some).collect();
        assert_eq!(&got[5..], &tail[..], "{got:?}");
    }

    #[test]
    fn a_provisional_word_moves_nothing() {
        let mut a = Aligner::new(words("a b"));
        assert_eq!(a.take(|w| w == "a", false).label.as_deref(), Some("a"));
        let t = a.take(|w| w == "a", true);
        assert_eq!((t.label.as_deref(), t.heard_as_it), (Some("a"), true));
        assert_eq!(a.take(|w| w == "z", true).label.as_deref(), Some("b"));
        assert_eq!(
            a.take(|w| w == "z", true).label,
            None,
            "the transcript is used up"
        );
    }
}
