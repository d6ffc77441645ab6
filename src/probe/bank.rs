//! A bank of word vectors for one encoder (every tapped layer), with cosine nearest
//! neighbours. Vectors are kept as given (CKA needs them unnormalised) with their inverse
//! norms; dot products are accumulated in `f64`, so a cosine is exact to ~1e-15 and a
//! query costs O(n·d).

/// A word's neighbour in the bank.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// Index of the neighbour in the bank (the order words arrived in).
    pub index: usize,
    /// Cosine similarity to the query.
    pub similarity: f32,
}

/// Word vectors per layer, in arrival order, optionally a window of the most recent
/// words. Words keep their arrival index for life; with a window of `w` words, word i
/// lives in slot i mod w, so the oldest word leaves in O(1) and memory stays at w words.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    /// `layers[l]` holds every word's vector at layer `l`, slot after slot.
    layers: Vec<Vec<f32>>,
    /// `inv_norms[l][slot]`: 1/‖vector‖ (0 for a zero vector, whose cosine with anything
    /// is 0, as in scikit-learn).
    inv_norms: Vec<Vec<f64>>,
    dims: Vec<usize>,
    /// Arrival index of the oldest word held, and of the next word.
    first: usize,
    end: usize,
    /// Slots in the ring (`None`: no window, the bank only grows).
    window: Option<usize>,
}

impl Bank {
    /// An empty bank for layers of the given widths.
    pub fn new(dims: Vec<usize>) -> Self {
        Self {
            layers: vec![Vec::new(); dims.len()],
            inv_norms: vec![Vec::new(); dims.len()],
            dims,
            ..Self::default()
        }
    }

    /// As [`Bank::new`], holding at most `window` words (at least 1): [`Bank::push`] on
    /// a full bank needs [`Bank::evict`] first.
    pub fn with_window(dims: Vec<usize>, window: usize) -> Self {
        Self {
            window: Some(window.max(1)),
            ..Self::new(dims)
        }
    }

    /// Words held.
    pub fn len(&self) -> usize {
        self.end - self.first
    }

    /// True when no word is held.
    pub fn is_empty(&self) -> bool {
        self.end == self.first
    }

    /// Arrival index of the oldest word held.
    pub fn first(&self) -> usize {
        self.first
    }

    /// Arrival index the next word will take (every word ever pushed, evicted or not).
    pub fn end(&self) -> usize {
        self.end
    }

    /// The window, if any: the most words held at once.
    pub fn window(&self) -> Option<usize> {
        self.window
    }

    /// True when word `i` is held.
    pub fn contains(&self, i: usize) -> bool {
        (self.first..self.end).contains(&i)
    }

    /// Layer widths.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// Forgets every word (keeps the layer widths, the window and the memory); the next
    /// word is index 0 again.
    pub fn clear(&mut self) {
        self.layers.iter_mut().for_each(Vec::clear);
        self.inv_norms.iter_mut().for_each(Vec::clear);
        (self.first, self.end) = (0, 0);
    }

    /// Forgets the oldest word. Nothing happens when the bank is empty.
    pub fn evict(&mut self) {
        if !self.is_empty() {
            self.first += 1;
        }
    }

    /// Adds a word (one vector per layer, widths as in [`Bank::dims`]); returns its index.
    ///
    /// # Panics
    /// If the vectors do not match the bank's layer widths, or a windowed bank is full
    /// (programming errors; the [`crate::probe::Probe`] checks widths and evicts first).
    pub fn push<V: AsRef<[f32]>>(&mut self, vectors: &[V]) -> usize {
        assert_eq!(vectors.len(), self.dims.len(), "one vector per layer");
        assert!(
            self.window.is_none_or(|w| self.len() < w),
            "a full window: evict first"
        );
        let slot = self.slot(self.end);
        for (l, v) in vectors.iter().enumerate() {
            let v = v.as_ref();
            let d = self.dims[l];
            assert_eq!(v.len(), d, "layer width");
            let sq = dot(v, v);
            let inv = if sq > 0.0 { 1.0 / sq.sqrt() } else { 0.0 };
            if slot < self.inv_norms[l].len() {
                self.inv_norms[l][slot] = inv;
                self.layers[l][slot * d..(slot + 1) * d].copy_from_slice(v);
            } else {
                self.inv_norms[l].push(inv);
                self.layers[l].extend_from_slice(v);
            }
        }
        self.end += 1;
        self.end - 1
    }

    fn slot(&self, i: usize) -> usize {
        self.window.map_or(i, |w| i % w)
    }

    /// Word `i`'s vector at `layer`, as it was pushed (not normalised).
    ///
    /// # Panics
    /// If word `i` is not held (evicted, or not pushed yet).
    pub fn vector(&self, layer: usize, i: usize) -> &[f32] {
        assert!(
            self.contains(i),
            "word {i} not in {}..{}",
            self.first,
            self.end
        );
        let d = self.dims[layer];
        let s = self.slot(i);
        &self.layers[layer][s * d..(s + 1) * d]
    }

    /// 1/‖vector‖ of word `i` at `layer` (0 for a zero vector).
    ///
    /// # Panics
    /// As [`Bank::vector`].
    pub fn inv_norm(&self, layer: usize, i: usize) -> f64 {
        assert!(
            self.contains(i),
            "word {i} not in {}..{}",
            self.first,
            self.end
        );
        self.inv_norms[layer][self.slot(i)]
    }

    /// Cosine similarity of words `i` and `j` at `layer` (0 if either is a zero vector).
    pub fn similarity(&self, layer: usize, i: usize, j: usize) -> f64 {
        dot(self.vector(layer, i), self.vector(layer, j))
            * self.inv_norm(layer, i)
            * self.inv_norm(layer, j)
    }

    /// Cosine similarities of word `i` to every word held before `limit` at `layer`, into
    /// `out` (`out[k]` is word [`Bank::first`]` + k`).
    pub fn similarities(&self, layer: usize, i: usize, limit: usize, out: &mut Vec<f64>) {
        let q = self.vector(layer, i);
        let qi = self.inv_norm(layer, i);
        out.clear();
        out.extend(
            (self.first..limit.min(self.end))
                .map(|j| dot(q, self.vector(layer, j)) * qi * self.inv_norm(layer, j)),
        );
    }

    /// The `k` most similar other words to word `i` at `layer` among the words held
    /// before `limit`, most similar first (ties: earlier word first).
    pub fn nearest(&self, layer: usize, i: usize, k: usize, limit: usize) -> Vec<Neighbour> {
        let mut row = Vec::new();
        self.similarities(layer, i, limit, &mut row);
        top_k(&row, self.first, i, k, |_| true)
    }
}

/// The `k` largest entries of `row` (cosine similarities to word `query`; `row[k]` is
/// word `first + k`), skipping the query itself and indices `filter` rejects; most
/// similar first, ties by index. O(n).
pub fn top_k(
    row: &[f64],
    first: usize,
    query: usize,
    k: usize,
    filter: impl Fn(usize) -> bool,
) -> Vec<Neighbour> {
    let mut all: Vec<(usize, f64)> = row
        .iter()
        .enumerate()
        .map(|(k, &s)| (first + k, s))
        .filter(|&(j, _)| j != query && filter(j))
        .collect();
    let order = |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if k == 0 {
        return Vec::new();
    }
    if all.len() > k {
        all.select_nth_unstable_by(k - 1, order);
        all.truncate(k);
    }
    all.sort_by(order);
    all.into_iter()
        .map(|(index, s)| Neighbour {
            index,
            similarity: s as f32,
        })
        .collect()
}

/// Dot product of two `f32` vectors accumulated in `f64` (eight independent lanes, so it
/// vectorises); each product is exact, the sum has `f64` rounding only.
pub fn dot(a: &[f32], b: &[f32]) -> f64 {
    let mut acc = [0f64; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(&x, &y)| f64::from(x) * f64::from(y))
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += f64::from(x[k]) * f64::from(y[k]);
        }
    }
    acc.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_ranks_by_cosine_and_skips_the_query() {
        let mut b = Bank::new(vec![2]);
        b.push(&[vec![1.0, 0.0]]);
        b.push(&[vec![10.0, 1.0]]);
        b.push(&[vec![0.0, 3.0]]);
        b.push(&[vec![1.0, 1.0]]);
        let n = b.nearest(0, 0, 2, 4);
        assert_eq!(n.iter().map(|n| n.index).collect::<Vec<_>>(), vec![1, 3]);
        assert!((n[1].similarity - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert_eq!(b.nearest(0, 3, 5, 3).len(), 3);
        assert!(b.nearest(0, 3, 0, 3).is_empty());
        assert_eq!(b.vector(0, 1), &[10.0, 1.0]);
    }

    #[test]
    fn ties_go_to_the_earlier_word_and_zero_vectors_have_cosine_zero() {
        let mut b = Bank::new(vec![2]);
        b.push(&[vec![1.0, 0.0]]);
        b.push(&[vec![0.0, 0.0]]);
        b.push(&[vec![2.0, 0.0]]);
        b.push(&[vec![3.0, 0.0]]);
        assert_eq!(b.similarity(0, 0, 1), 0.0);
        let n = b.nearest(0, 0, 2, 4);
        assert_eq!(n.iter().map(|n| n.index).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn dot_matches_naive_sum() {
        let a: Vec<f32> = (0..37).map(|i| i as f32 * 0.25 - 3.0).collect();
        let b: Vec<f32> = (0..37).map(|i| (i as f32).sin()).collect();
        let naive: f64 = a.iter().zip(&b).map(|(&x, &y)| x as f64 * y as f64).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-12);
    }
}
