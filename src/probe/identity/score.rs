//! Word identity's scores, read from the sums: the silhouette over word labels and the
//! cross-speaker nearest-centroid top-1 (see the [module docs](super)).

use super::Identity;

impl Identity {
    /// The silhouette with one cluster per word (words with no token held are left out).
    pub(super) fn silhouette(&self, layer: usize) -> Option<f64> {
        let m = self.members.len();
        let words = self.counts.iter().filter(|&&c| c > 0).count();
        if words < 2 || words >= m {
            return None;
        }
        let p = &self.layers[layer].p;
        let inv: Vec<f64> = (self.counts.iter())
            .map(|&c| if c > 0 { 1.0 / c as f64 } else { 0.0 })
            .collect();
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
            let mut near = f64::NEG_INFINITY;
            for (w, &iw) in inv.iter().enumerate() {
                if w != c && iw > 0.0 {
                    near = near.max(row.get(w).copied().unwrap_or(0.0) * iw);
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
    pub(super) fn top1(&self, layer: usize) -> (Option<f64>, usize) {
        let words = self.counts.len();
        if self.counts.iter().filter(|&&c| c > 0).count() < 2 {
            return (None, 0);
        }
        let sums = &self.layers[layer];
        // Per word: 1/‖centroid sum‖, NaN where it has none or no token (never the
        // nearest). A
        // token's own speaker's words are scored apart (their centroid leaves out the
        // speaker's tokens), so their entries are NaN while it is scored.
        let base: Vec<f64> = (sums.word_sq.iter().zip(&self.counts))
            .map(|(&n, &c)| {
                if n > 0.0 && c > 0 {
                    1.0 / n.sqrt()
                } else {
                    f64::NAN
                }
            })
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
