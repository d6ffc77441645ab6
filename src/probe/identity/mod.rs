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
//!
//! The oldest token can leave (a probe's window, [`Identity::evict`]) in O(n) per layer;
//! words, groups and anonymous speakers left with no token free their ids for reuse, so
//! memory stays bounded by the tokens held.

use std::collections::HashMap;

use crate::event::WordIdentity;

mod evict;
mod score;

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
    /// Per token, oldest first: probe index, word, speaker, group.
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
    /// Per group: its tokens, oldest first, by serial (a token's position in `members`
    /// plus `gone`).
    group_members: Vec<Vec<usize>>,
    /// Tokens that have left (the oldest first).
    gone: usize,
    /// Per word id: the word.
    word_names: Vec<String>,
    /// Ids of words, groups and anonymous speakers left with no token, for reuse.
    free_words: Vec<usize>,
    free_groups: Vec<usize>,
    free_speakers: Vec<usize>,
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
            gone: 0,
            word_names: Vec::new(),
            free_words: Vec::new(),
            free_groups: Vec::new(),
            free_speakers: Vec::new(),
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
    /// `cosines[l][j − first]` is its cosine with probe word j at layer l (every earlier
    /// j from `first`) and `selfs[l]` its cosine with itself (1, or 0 for a zero vector).
    pub(crate) fn push(
        &mut self,
        index: usize,
        label: &str,
        speaker: Option<&str>,
        cosines: &[Vec<f64>],
        selfs: &[f64],
        first: usize,
    ) {
        let w = self.word_id(label);
        let s = match speaker {
            Some(name) => match self.named.get(name) {
                Some(&s) => s,
                None => {
                    let s = self.new_speaker();
                    self.named.insert(name.to_string(), s);
                    s
                }
            },
            None => self.new_speaker(),
        };
        let g = self.group_id(w, s);
        let words = self.counts.len();
        for (l, sums) in self.layers.iter_mut().enumerate() {
            let row = &cosines[l];
            let mut p_new = vec![0.0; words];
            for k in 0..self.members.len() {
                let c = row[self.members[k] - first];
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
                for &serial in &self.group_members[h] {
                    let k = serial - self.gone;
                    let c = row[self.members[k] - first];
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
        self.group_members[g].push(self.members.len() - 1 + self.gone);
        self.counts[w] += 1;
        self.group_count[g] += 1;
    }

    /// Word identity at `layer` now.
    /// The counts, and with `scores` the silhouette and top-1 (O(n·words)).
    pub(crate) fn metrics(&self, layer: usize, scores: bool) -> WordIdentity {
        let (top1, top1_tokens) = if scores { self.top1(layer) } else { (None, 0) };
        WordIdentity {
            tokens: self.members.len(),
            words: self.counts.iter().filter(|&&c| c > 0).count(),
            speakers: (self.named.values())
                .filter(|&&s| !self.speaker_groups[s].is_empty())
                .count(),
            silhouette: scores.then(|| self.silhouette(layer)).flatten(),
            top1,
            top1_tokens,
        }
    }

    /// The id of word `label`, a new one (or a freed one) when it has no token held.
    fn word_id(&mut self, label: &str) -> usize {
        if let Some(&w) = self.word_ids.get(label) {
            return w;
        }
        let w = self.free_words.pop().unwrap_or_else(|| {
            self.counts.push(0);
            self.word_groups.push(Vec::new());
            self.word_names.push(String::new());
            self.layers.iter_mut().for_each(|s| s.word_sq.push(0.0));
            self.counts.len() - 1
        });
        self.word_names[w] = label.to_string();
        self.word_ids.insert(label.to_string(), w);
        w
    }

    /// A speaker id with no group: a freed one, or a new one.
    fn new_speaker(&mut self) -> usize {
        self.free_speakers.pop().unwrap_or_else(|| {
            self.speaker_groups.push(Vec::new());
            self.speaker_groups.len() - 1
        })
    }

    /// The id of the (word, speaker) group, a new one (or a freed one) when it has none.
    fn group_id(&mut self, w: usize, s: usize) -> usize {
        if let Some(&g) = self.group_ids.get(&(w, s)) {
            return g;
        }
        let g = self.free_groups.pop().unwrap_or_else(|| {
            self.group_count.push(0);
            self.group_word.push(0);
            self.group_members.push(Vec::new());
            self.scratch.push(0.0);
            for sums in &mut self.layers {
                sums.group_sq.push(0.0);
                sums.group_cross.push(0.0);
            }
            self.group_count.len() - 1
        });
        self.group_word[g] = w;
        self.group_ids.insert((w, s), g);
        self.word_groups[w].push(g);
        self.speaker_groups[s].push(g);
        g
    }
}

/// Adds `c` to `row[w]`, growing the row for words first heard after it was made.
fn bump(row: &mut Vec<f64>, w: usize, c: f64) {
    if row.len() <= w {
        row.resize(w + 1, 0.0);
    }
    row[w] += c;
}
