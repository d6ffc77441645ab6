//! Silhouette score with cosine distance, as scikit-learn's
//! `silhouette_score(X, labels, metric="cosine")`: distance = 1 − cosine (clipped to
//! [0, 2]; a zero vector has cosine 0 with everything); for word i in cluster A,
//! a = mean distance to the rest of A, b = the smallest mean distance to another cluster,
//! s(i) = (b − a)/max(a, b) (0 when A has one member, and 0 for 0/0); the score is the mean
//! of s(i). Defined only for 2 ≤ clusters ≤ words − 1, otherwise `None`.
//!
//! [`silhouette_cosine`] computes it from scratch; [`Silhouette`] keeps, for every
//! labelled word, its distance sums to each cluster, so adding a word costs O(n) after the
//! cosines are known and the score is read in O(n·clusters).

use super::bank::dot;

/// Cosine distance from a cosine similarity, as scikit-learn clips it.
pub fn cosine_distance(similarity: f64) -> f64 {
    (1.0 - similarity).clamp(0.0, 2.0)
}

/// scikit-learn's `silhouette_score(rows, labels, metric="cosine")` over the rows whose
/// label is `Some`; `None` when fewer than 2 or more than n − 1 distinct labels remain.
///
/// Costs O(n²·d); for tests and one-off use (the live path is [`Silhouette`]).
pub fn silhouette_cosine<V: AsRef<[f32]>>(rows: &[V], labels: &[Option<usize>]) -> Option<f64> {
    assert_eq!(rows.len(), labels.len(), "one label per row");
    let kept: Vec<(&[f32], usize)> = rows
        .iter()
        .zip(labels)
        .filter_map(|(r, l)| l.map(|l| (r.as_ref(), l)))
        .collect();
    let mut ids: Vec<usize> = kept.iter().map(|&(_, l)| l).collect();
    ids.sort_unstable();
    ids.dedup();
    let clusters = ids.len();
    let cluster: Vec<usize> = kept
        .iter()
        .map(|&(_, l)| ids.binary_search(&l).unwrap_or(0))
        .collect();
    let inv: Vec<f64> = kept
        .iter()
        .map(|&(r, _)| {
            let sq = dot(r, r);
            if sq > 0.0 { 1.0 / sq.sqrt() } else { 0.0 }
        })
        .collect();
    let m = kept.len();
    let mut sums = vec![0.0; m * clusters];
    for i in 0..m {
        for j in 0..i {
            let d = cosine_distance(dot(kept[i].0, kept[j].0) * inv[i] * inv[j]);
            sums[i * clusters + cluster[j]] += d;
            sums[j * clusters + cluster[i]] += d;
        }
    }
    let mut counts = vec![0; clusters];
    cluster.iter().for_each(|&c| counts[c] += 1);
    score(&sums, &cluster, &counts)
}

/// The silhouette score from per-word per-cluster distance sums (`sums[i·C + c]`, the sum
/// of word i's distances to the members of cluster c other than itself).
fn score(sums: &[f64], cluster: &[usize], counts: &[usize]) -> Option<f64> {
    let m = cluster.len();
    let c_len = counts.len();
    let labels = counts.iter().filter(|&&c| c > 0).count();
    if labels < 2 || labels >= m {
        return None;
    }
    let mut total = 0.0;
    for (i, &c) in cluster.iter().enumerate() {
        if counts[c] < 2 {
            continue; // s(i) = 0 for a cluster of one, as scikit-learn
        }
        let row = &sums[i * c_len..(i + 1) * c_len];
        let a = row[c] / (counts[c] - 1) as f64;
        let b = row
            .iter()
            .zip(counts)
            .enumerate()
            .filter(|&(k, (_, &n))| k != c && n > 0)
            .map(|(_, (&s, &n))| s / n as f64)
            .fold(f64::INFINITY, f64::min);
        let denom = a.max(b);
        if denom > 0.0 {
            total += (b - a) / denom;
        }
    }
    Some(total / m as f64)
}

/// Incremental silhouette for one labelling (e.g. semantic categories) over every layer
/// of an encoder.
#[derive(Debug, Clone)]
pub struct Silhouette {
    clusters: usize,
    /// Probe index of each labelled word.
    members: Vec<usize>,
    /// Cluster of each labelled word.
    cluster: Vec<usize>,
    /// Labelled words per cluster.
    counts: Vec<usize>,
    /// Per layer: `sums[l][k·C + c]` = sum of distances of member k to cluster c's members.
    sums: Vec<Vec<f64>>,
}

impl Silhouette {
    /// Empty, for `clusters` clusters and `layers` layers.
    pub fn new(clusters: usize, layers: usize) -> Self {
        Self {
            clusters,
            members: Vec::new(),
            cluster: Vec::new(),
            counts: vec![0; clusters],
            sums: vec![Vec::new(); layers],
        }
    }

    /// Labelled words so far.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when no word is labelled.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Forgets every word.
    pub fn clear(&mut self) {
        self.members.clear();
        self.cluster.clear();
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.sums.iter_mut().for_each(Vec::clear);
    }

    /// Adds probe word `index` in `cluster`; `similarities[l][j − first]` is its cosine
    /// with probe word j at layer l (for every earlier j from `first`).
    /// O(labelled words · layers).
    ///
    /// # Panics
    /// If `cluster` is out of range or a row does not cover the members (a programming
    /// error).
    pub fn push(&mut self, index: usize, cluster: usize, similarities: &[Vec<f64>], first: usize) {
        let c_len = self.clusters;
        for (sums, row) in self.sums.iter_mut().zip(similarities) {
            let mut own = vec![0.0; c_len];
            for (k, (&j, &cj)) in self.members.iter().zip(&self.cluster).enumerate() {
                let d = cosine_distance(row[j - first]);
                sums[k * c_len + cluster] += d;
                own[cj] += d;
            }
            sums.extend_from_slice(&own);
        }
        self.members.push(index);
        self.cluster.push(cluster);
        self.counts[cluster] += 1;
    }

    /// Removes the oldest member, probe word `index`; `similarities[l][j − first]` is its
    /// cosine with probe word j at layer l (for every j held). O(labelled words · (layers
    /// + clusters)): each remaining member's sum to its cluster loses its distance.
    ///
    /// # Panics
    /// If `index` is not the oldest member (a programming error).
    pub fn evict(&mut self, index: usize, similarities: &[Vec<f64>], first: usize) {
        assert_eq!(
            self.members.first(),
            Some(&index),
            "the oldest member leaves"
        );
        let c_len = self.clusters;
        let c = self.cluster[0];
        for (sums, row) in self.sums.iter_mut().zip(similarities) {
            for (k, &j) in self.members.iter().enumerate().skip(1) {
                sums[k * c_len + c] -= cosine_distance(row[j - first]);
            }
            sums.drain(..c_len);
        }
        self.members.remove(0);
        self.cluster.remove(0);
        self.counts[c] -= 1;
    }

    /// The score at `layer` now, or `None` when it is not defined (fewer than 2 clusters
    /// with members, or every word alone in its cluster).
    pub fn score(&self, layer: usize) -> Option<f64> {
        score(&self.sums[layer], &self.cluster, &self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_two_clusters() {
        let rows = [
            vec![1.0f32, 0.0],
            vec![0.0, 1.0],
            vec![1.0, 0.1],
            vec![0.1, 1.0],
        ];
        let labels = [Some(0), Some(1), Some(0), Some(1)];
        let d = |a: &[f32], b: &[f32]| 1.0 - dot(a, b) / (dot(a, a).sqrt() * dot(b, b).sqrt());
        // Each word has one same-cluster mate (a) and two others (b = their mean).
        let mate = [2, 3, 0, 1];
        let want: f64 = (0..4)
            .map(|i| {
                let a = d(&rows[i], &rows[mate[i]]);
                let others: Vec<usize> = (0..4).filter(|&j| j != i && j != mate[i]).collect();
                let b = (d(&rows[i], &rows[others[0]]) + d(&rows[i], &rows[others[1]])) / 2.0;
                (b - a) / a.max(b)
            })
            .sum::<f64>()
            / 4.0;
        let s = silhouette_cosine(&rows, &labels).unwrap();
        assert!((s - want).abs() < 1e-12, "{s} {want}");
    }

    #[test]
    fn undefined_cases_are_none_and_singletons_score_zero() {
        let rows = [vec![1.0f32, 0.0], vec![0.0, 1.0], vec![1.0, 1.0]];
        assert_eq!(silhouette_cosine(&rows, &[Some(3), Some(3), Some(3)]), None);
        assert_eq!(silhouette_cosine(&rows, &[Some(0), Some(1), Some(2)]), None);
        assert_eq!(silhouette_cosine(&rows, &[Some(0), Some(1), None]), None);
        // word 1 is alone: s = 0; words 0 and 2 in one cluster
        let s = silhouette_cosine(&rows, &[Some(0), Some(1), Some(0)]).unwrap();
        let cos = std::f64::consts::FRAC_1_SQRT_2;
        let a = 1.0 - cos;
        let s0 = (1.0 - a) / 1.0; // b = d(0,1) = 1
        let s2 = (cosine_distance(cos) - a) / a.max(1.0 - cos); // b = d(2,1) = 1 − cos
        assert!((s - (s0 + s2) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn incremental_equals_batch() {
        let rows: Vec<Vec<f32>> = (0..12)
            .map(|i| vec![(i as f32).sin(), (i as f32 * 0.7).cos(), (i % 3) as f32])
            .collect();
        let labels: Vec<Option<usize>> = (0..12)
            .map(|i| if i % 4 == 3 { None } else { Some(i % 3) })
            .collect();
        let mut inc = Silhouette::new(3, 1);
        let mut sims = vec![Vec::new()];
        for i in 0..rows.len() {
            sims[0] = (0..i)
                .map(|j| {
                    dot(&rows[i], &rows[j])
                        / (dot(&rows[i], &rows[i]).sqrt() * dot(&rows[j], &rows[j]).sqrt())
                })
                .collect();
            if let Some(c) = labels[i] {
                inc.push(i, c, &sims, 0);
            }
            let batch = silhouette_cosine(&rows[..=i], &labels[..=i]);
            match (inc.score(0), batch) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12),
                (a, b) => assert_eq!(a, b),
            }
        }
    }

    #[test]
    fn a_sliding_window_equals_batch_over_the_window() {
        let rows: Vec<Vec<f32>> = (0..30)
            .map(|i| vec![(i as f32).sin(), (i as f32 * 0.7).cos(), (i % 3) as f32])
            .collect();
        let labels: Vec<Option<usize>> = (0..30)
            .map(|i| if i % 4 == 3 { None } else { Some(i % 3) })
            .collect();
        let cos = |i: usize, j: usize| {
            dot(&rows[i], &rows[j])
                / (dot(&rows[i], &rows[i]).sqrt() * dot(&rows[j], &rows[j]).sqrt())
        };
        let window = 7;
        let mut inc = Silhouette::new(3, 1);
        for i in 0..rows.len() {
            if i >= window {
                let (old, first) = (i - window, i - window);
                if labels[old].is_some() {
                    let sims = vec![(first..i).map(|j| cos(old, j)).collect()];
                    inc.evict(old, &sims, first);
                }
            }
            let first = i.saturating_sub(window - 1);
            if let Some(c) = labels[i] {
                inc.push(i, c, &[(first..i).map(|j| cos(i, j)).collect()], first);
            }
            let batch = silhouette_cosine(&rows[first..=i], &labels[first..=i]);
            match (inc.score(0), batch) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "{i}: {a} {b}"),
                (a, b) => assert_eq!(a, b, "{i}"),
            }
        }
    }
}
