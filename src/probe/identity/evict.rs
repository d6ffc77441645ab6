//! The oldest token leaving word identity's sums (a probe's window): every sum it entered
//! loses it, and ids left with no token are freed.

use super::Identity;

impl Identity {
    /// Removes the oldest token; `cosines[l][j − first]` is its cosine with probe word j
    /// at layer l (every j held) and `selfs[l]` its cosine with itself. O(n) per layer.
    ///
    /// # Panics
    /// If no token is held (a programming error).
    pub(crate) fn evict(&mut self, cosines: &[Vec<f64>], selfs: &[f64], first: usize) {
        assert!(!self.members.is_empty(), "a token to evict");
        let (w, s, g) = (self.word[0], self.speaker[0], self.group[0]);
        for (l, sums) in self.layers.iter_mut().enumerate() {
            let row = &cosines[l];
            // Every later token's sum with word w, and the groups of w: x̂·S_h.
            for k in 1..self.members.len() {
                let c = row[self.members[k] - first];
                if let Some(x) = sums.p[k].get_mut(w) {
                    *x -= c;
                }
                if self.word[k] == w {
                    self.scratch[self.group[k]] += c;
                }
            }
            // The same speaker's later tokens: their sums with the speaker's tokens of w.
            for &h in &self.speaker_groups[s] {
                for &serial in &self.group_members[h] {
                    let k = serial - self.gone;
                    if k > 0
                        && let Some(x) = sums.q[k].get_mut(w)
                    {
                        *x -= row[self.members[k] - first];
                    }
                }
            }
            // ‖S − x̂‖² = ‖S‖² − 2x̂·S + x̂·x̂, with x̂·S_w = pw + e and x̂·S_g = qw + e.
            let e = selfs[l];
            let pw = sums.p[0].get(w).copied().unwrap_or(0.0);
            let qw = sums.q[0].get(w).copied().unwrap_or(0.0);
            for &h in &self.word_groups[w] {
                let gd = std::mem::take(&mut self.scratch[h]);
                if h == g {
                    sums.group_cross[h] -= pw + qw + e;
                    sums.group_sq[h] -= 2.0 * qw + e;
                } else {
                    sums.group_cross[h] -= gd;
                }
            }
            sums.word_sq[w] -= 2.0 * pw + e;
            sums.p.remove(0);
            sums.q.remove(0);
        }
        self.members.remove(0);
        self.word.remove(0);
        self.speaker.remove(0);
        self.group.remove(0);
        self.group_members[g].remove(0);
        self.gone += 1;
        self.counts[w] -= 1;
        self.group_count[g] -= 1;
        if self.group_count[g] == 0 {
            self.free_group(g, w, s);
        }
        if self.counts[w] == 0 {
            self.free_word(w);
        }
    }

    /// Frees group `g` (word `w`, speaker `s`), and `s` too when it is anonymous and has
    /// no other group.
    fn free_group(&mut self, g: usize, w: usize, s: usize) {
        self.word_groups[w].retain(|&h| h != g);
        self.speaker_groups[s].retain(|&h| h != g);
        self.group_ids.remove(&(w, s));
        for sums in &mut self.layers {
            sums.group_sq[g] = 0.0;
            sums.group_cross[g] = 0.0;
        }
        self.free_groups.push(g);
        if self.speaker_groups[s].is_empty() && !self.named.values().any(|&n| n == s) {
            self.free_speakers.push(s);
        }
    }

    /// Frees word `w`: every token's sums with it are zeroed (they hold only rounding
    /// now), so a new word can take the id.
    fn free_word(&mut self, w: usize) {
        let name = std::mem::take(&mut self.word_names[w]);
        self.word_ids.remove(&name);
        for sums in &mut self.layers {
            for row in sums.p.iter_mut().chain(sums.q.iter_mut()) {
                if let Some(x) = row.get_mut(w) {
                    *x = 0.0;
                }
            }
            sums.word_sq[w] = 0.0;
        }
        self.free_words.push(w);
    }
}
