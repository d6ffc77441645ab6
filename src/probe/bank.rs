//! A bank of word vectors for one encoder (every tapped layer), with cosine nearest
//! neighbours. Vectors are stored unit-normalised, so a similarity is one dot product:
//! a query costs O(n·d).

/// A word's neighbour in the bank.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// Index of the neighbour in the bank (the order words arrived in).
    pub index: usize,
    /// Cosine similarity to the query.
    pub similarity: f32,
}

/// Unit-normalised vectors per layer, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    /// `layers[l]` holds every word's vector at layer `l`, concatenated.
    layers: Vec<Vec<f32>>,
    dims: Vec<usize>,
    len: usize,
}

impl Bank {
    /// An empty bank for layers of the given widths.
    pub fn new(dims: Vec<usize>) -> Self {
        Self {
            layers: vec![Vec::new(); dims.len()],
            dims,
            len: 0,
        }
    }

    /// Words stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no word is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Layer widths.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// Adds a word (one vector per layer, widths as in [`Bank::dims`]); returns its index.
    ///
    /// # Panics
    /// If the vectors do not match the bank's layer widths (a programming error).
    pub fn push(&mut self, vectors: &[Vec<f32>]) -> usize {
        assert_eq!(vectors.len(), self.dims.len(), "one vector per layer");
        for ((store, v), &d) in self.layers.iter_mut().zip(vectors).zip(&self.dims) {
            assert_eq!(v.len(), d, "layer width");
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            let inv = if norm > 0.0 { 1.0 / norm } else { 0.0 };
            store.extend(v.iter().map(|x| x * inv));
        }
        self.len += 1;
        self.len - 1
    }

    /// Word `i`'s unit vector at `layer`.
    pub fn vector(&self, layer: usize, i: usize) -> &[f32] {
        let d = self.dims[layer];
        &self.layers[layer][i * d..(i + 1) * d]
    }

    /// The `k` most similar other words to word `i` at `layer` among words `0..limit`,
    /// most similar first (ties: earlier word first).
    pub fn nearest(&self, layer: usize, i: usize, k: usize, limit: usize) -> Vec<Neighbour> {
        let q = self.vector(layer, i);
        let mut all: Vec<Neighbour> = (0..limit.min(self.len))
            .filter(|&j| j != i)
            .map(|j| Neighbour {
                index: j,
                similarity: dot(q, self.vector(layer, j)),
            })
            .collect();
        all.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(a.index.cmp(&b.index))
        });
        all.truncate(k);
        all
    }
}

/// Dot product.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
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
    }
}
