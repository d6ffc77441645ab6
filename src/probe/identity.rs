//! Word identity per layer: how well a layer tells words apart, whoever says them.
//!
//! Two measures over the labelled tokens (any label, in the lexicon or not):
//! * the cosine silhouette with one cluster per word (as [`super::silhouette_cosine`]);
//! * nearest-centroid top-1: a token is given the word whose centroid — the mean of the
//!   unit vectors of that word's tokens by *other* speakers — is most similar (cosine);
//!   it counts when that is its own word. A token with no known speaker is its own
//!   speaker, which makes this leave-one-out over tokens. Only tokens whose word has a
//!   token by another speaker are scored; ties go to the word heard first.
//!
//! Kept incrementally from the cosines the probe computes anyway. With S_w the sum of the
//! unit vectors of word w and S_ws that of speaker s's tokens of w, it holds per token and
//! word the cosine sums P = x̂·S_w (without the token itself) and Q = x̂·S_ws(token) (its
//! own speaker's other tokens; the centroid of the others is S_w − S_ws), per word ‖S_w‖²,
//! and per (word, speaker) ‖S_ws‖² and S_w·S_ws: a push costs O(n) per layer (Q only
//! for the speaker's own tokens), a read O(n·words) per layer, memory 8·n·words bytes
//! per layer plus as much again for tokens of named speakers.

use std::collections::HashMap;

use crate::event::WordIdentity;

/// Sums of one layer.
#[derive(Debug, Clone, Default)]
struct LayerSums {
    /// Per token, per word: cosine sum with the word's other tokens.
    p: Vec<Vec<f64>>,
    /// Per token, per word: cosine sum with the word's other tokens by the same speaker
    /// (empty while there are none).
    q: Vec<Vec<f64>>,
    /// Per word: ‖S_w‖².
    word_sq: Vec<f64>,
    /// Per (word, speaker) group: ‖S_ws‖².
    group_sq: Vec<f64>,
    /// Per group: S_w·S_ws.
    group_cross: Vec<f64>,
}

/// Incremental word identity of every layer of one encoder.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    word_ids: HashMap<String, usize>,
    named: HashMap<String, usize>,
    /// Per speaker id (named or one per anonymous token): its groups.
    speaker_groups: Vec<Vec<usize>>,
    /// Per token: probe index, word, speaker, group.
    members: Vec<usize>,
    word: Vec<usize>,
    speaker: Vec<usize>,
    group: Vec<usize>,
    /// Per word: tokens, groups.
    counts: Vec<usize>,
    word_groups: Vec<Vec<usize>>,
    /// Per group: (word, speaker) → id, its tokens.
    group_ids: HashMap<(usize, usize), usize>,
    group_count: Vec<usize>,
    group_word: Vec<usize>,
    /// Per group: its tokens (positions in `members`).
    group_members: Vec<Vec<usize>>,
    layers: Vec<LayerSums>,
    /// Scratch: per group, the new token's cosine sum with it.
    scratch: Vec<f64>,
    /// The live view's scores, per layer (see [`Identity::live`]), and the layer it
    /// refreshes next.
    live: Vec<WordIdentity>,
    live_next: usize,
}

/// Token·word pairs the live view scores per word (each layer costs n·words pairs,
/// ≈ 7 ns each on this x86 VM: `groundprobe bench --probe-scaling`): about 0.7 ms.
const LIVE_PAIRS_PER_WORD: usize = 100_000;

impl Identity {
    /// Empty, for `layers` layers.
    pub(crate) fn new(layers: usize) -> Self {
        Self {
            word_ids: HashMap::new(),
            named: HashMap::new(),
            speaker_groups: Vec::new(),
            members: Vec::new(),
            word: Vec::new(),
            speaker: Vec::new(),
            group: Vec::new(),
            counts: Vec::new(),
            word_groups: Vec::new(),
            group_ids: HashMap::new(),
            group_count: Vec::new(),
            group_word: Vec::new(),
            group_members: Vec::new(),
            layers: vec![LayerSums::default(); layers],
            scratch: Vec::new(),
            live: Vec::new(),
            live_next: 0,
        }
    }

    /// Word identity of every layer for a view refreshed after every word. Scoring a
    /// layer costs O(n·words), so each call rescores as many layers as
    /// `LIVE_PAIRS_PER_WORD` allows (at least one, in turn) and keeps the others' last
    /// scores: every layer when n·words is small, one per word in a long session. A kept
    /// score's `tokens`, `words` and `speakers` are the counts it was computed over.
    /// Deterministic: which layers are rescored depends on the counts only.
    pub(crate) fn live(&mut self) -> &[WordIdentity] {
        let layers = self.layers.len();
        if self.live.len() != layers {
            self.live = (0..layers).map(|l| self.metrics(l, false)).collect();
            self.live_next = 0;
        }
        let pairs = (self.members.len() * self.counts.len()).max(1);
        for _ in 0..(LIVE_PAIRS_PER_WORD / pairs).clamp(1, layers) {
            let l = self.live_next;
            self.live[l] = self.metrics(l, true);
            self.live_next = (l + 1) % layers;
        }
        &self.live
    }

    /// Forgets every token.
    pub(crate) fn clear(&mut self) {
        *self = Self::new(self.layers.len());
    }

    /// Adds probe word `index`, labelled `label`, said by `speaker` (if known);
    /// `cosines[l][j]` is its cosine with probe word j at layer l (every earlier j) and
    /// `selfs[l]` its cosine with itself (1, or 0 for a zero vector).
    pub(crate) fn push(
        &mut self,
        index: usize,
        label: &str,
        speaker: Option<&str>,
        cosines: &[Vec<f64>],
        selfs: &[f64],
    ) {
        let next = self.word_ids.len();
        let w = *self.word_ids.entry(label.to_string()).or_insert(next);
        if w == next {
            self.counts.push(0);
            self.word_groups.push(Vec::new());
            self.layers.iter_mut().for_each(|s| s.word_sq.push(0.0));
        }
        let s = match speaker {
            Some(name) => {
                let next = self.speaker_groups.len();
                *self.named.entry(name.to_string()).or_insert(next)
            }
            None => self.speaker_groups.len(),
        };
        if s == self.speaker_groups.len() {
            self.speaker_groups.push(Vec::new());
        }
        let next = self.group_count.len();
        let g = *self.group_ids.entry((w, s)).or_insert(next);
        if g == next {
            self.group_count.push(0);
            self.group_word.push(w);
            self.group_members.push(Vec::new());
            self.word_groups[w].push(g);
            self.speaker_groups[s].push(g);
            self.scratch.push(0.0);
            for sums in &mut self.layers {
                sums.group_sq.push(0.0);
                sums.group_cross.push(0.0);
            }
        }
        let words = self.counts.len();
        for (l, sums) in self.layers.iter_mut().enumerate() {
            let row = &cosines[l];
            let mut p_new = vec![0.0; words];
            for k in 0..self.members.len() {
                let c = row[self.members[k]];
                let wk = self.word[k];
                p_new[wk] += c;
                bump(&mut sums.p[k], w, c);
                if wk == w {
                    self.scratch[self.group[k]] += c;
                }
            }
            // The same speaker's earlier tokens (none for an unknown speaker).
            let mut q_new = Vec::new();
            for &h in &self.speaker_groups[s] {
                for &k in &self.group_members[h] {
                    let c = row[self.members[k]];
                    bump(&mut q_new, self.group_word[h], c);
                    bump(&mut sums.q[k], w, c);
                }
            }
            let (e, pw) = (selfs[l], p_new[w]);
            for &h in &self.word_groups[w] {
                let gd = std::mem::take(&mut self.scratch[h]);
                sums.group_cross[h] += gd;
                if h == g {
                    sums.group_cross[h] += pw + e;
                    sums.group_sq[h] += 2.0 * gd + e;
                }
            }
            sums.word_sq[w] += 2.0 * pw + e;
            sums.p.push(p_new);
            sums.q.push(q_new);
        }
        self.members.push(index);
        self.word.push(w);
        self.speaker.push(s);
        self.group.push(g);
        self.group_members[g].push(self.members.len() - 1);
        self.counts[w] += 1;
        self.group_count[g] += 1;
    }

    /// Word identity at `layer` now.
    /// The counts, and with `scores` the silhouette and top-1 (O(n·words)).
    pub(crate) fn metrics(&self, layer: usize, scores: bool) -> WordIdentity {
        let (top1, top1_tokens) = if scores { self.top1(layer) } else { (None, 0) };
        WordIdentity {
            tokens: self.members.len(),
            words: self.counts.len(),
            speakers: self.named.len(),
            silhouette: scores.then(|| self.silhouette(layer)).flatten(),
            top1,
            top1_tokens,
        }
    }

    fn silhouette(&self, layer: usize) -> Option<f64> {
        let m = self.members.len();
        let words = self.counts.len();
        if words < 2 || words >= m {
            return None;
        }
        let p = &self.layers[layer].p;
        let inv: Vec<f64> = self.counts.iter().map(|&c| 1.0 / c as f64).collect();
        let mut total = 0.0;
        for (i, &c) in self.word.iter().enumerate() {
            let own = self.counts[c];
            if own < 2 {
                continue; // s(i) = 0 for a cluster of one, as scikit-learn
            }
            let row = &p[i];
            let a = ((own - 1) as f64 - row.get(c).copied().unwrap_or(0.0)) / (own - 1) as f64;
            // b = min over other words of 1 − (cosine sum)/count: the largest mean
            // cosine; a word first heard after this token's row was made has sum 0.
            let mut near = if row.len() < words - usize::from(c >= row.len()) {
                0.0
            } else {
                f64::NEG_INFINITY
            };
            for (w, (&pw, &iw)) in row.iter().zip(&inv).enumerate() {
                let v = pw * iw;
                if w != c && v > near {
                    near = v;
                }
            }
            let b = 1.0 - near;
            let denom = a.max(b);
            if denom > 0.0 {
                total += (b - a) / denom;
            }
        }
        Some(total / m as f64)
    }

    /// Top-1 accuracy and the tokens it was measured on.
    fn top1(&self, layer: usize) -> (Option<f64>, usize) {
        let words = self.counts.len();
        if words < 2 {
            return (None, 0);
        }
        let sums = &self.layers[layer];
        // Per word: 1/‖centroid sum‖, NaN where it has none (never the nearest). A
        // token's own speaker's words are scored apart (their centroid leaves out the
        // speaker's tokens), so their entries are NaN while it is scored.
        let base: Vec<f64> = sums
            .word_sq
            .iter()
            .map(|&n| if n > 0.0 { 1.0 / n.sqrt() } else { f64::NAN })
            .collect();
        let mut inv = base.clone();
        let (mut right, mut scored) = (0, 0);
        for i in 0..self.members.len() {
            let c = self.word[i];
            let groups = &self.speaker_groups[self.speaker[i]];
            groups
                .iter()
                .for_each(|&g| inv[self.group_word[g]] = f64::NAN);
            // Nearest word of another speaker's alone (the earliest on ties).
            let row = &sums.p[i];
            let mut best: Option<(usize, f64)> = None;
            for (w, (&pw, &iw)) in row.iter().zip(&inv).enumerate() {
                let v = pw * iw;
                if best.is_none_or(|(_, b)| v > b) && !v.is_nan() {
                    best = Some((w, v));
                }
            }
            if let Some(w) = (row.len()..words).find(|&w| !inv[w].is_nan())
                && best.is_none_or(|(_, b)| 0.0 > b)
            {
                best = Some((w, 0.0));
            }
            // Then the speaker's own words, with the speaker's tokens left out.
            for &g in groups {
                let w = self.group_word[g];
                let others = self.counts[w] - self.group_count[g];
                let norm_sq = sums.word_sq[w] - 2.0 * sums.group_cross[g] + sums.group_sq[g];
                if others == 0 || norm_sq <= 0.0 {
                    continue;
                }
                let at = |row: &[f64]| row.get(w).copied().unwrap_or(0.0);
                let v = (at(&sums.p[i]) - at(&sums.q[i])) / norm_sq.sqrt();
                if best.is_none_or(|(bw, b)| v > b || (v == b && w < bw)) {
                    best = Some((w, v));
                }
            }
            groups.iter().for_each(|&g| {
                let w = self.group_word[g];
                inv[w] = base[w];
            });
            // Scored when the token's word has a token by another speaker.
            if self.counts[c] > self.group_count[self.group[i]] {
                scored += 1;
                if best.is_some_and(|(w, _)| w == c) {
                    right += 1;
                }
            }
        }
        ((scored > 0).then(|| right as f64 / scored as f64), scored)
    }
}

/// Adds `c` to `row[w]`, growing the row for words first heard after it was made.
fn bump(row: &mut Vec<f64>, w: usize, c: f64) {
    if row.len() <= w {
        row.resize(w + 1, 0.0);
    }
    row[w] += c;
}
