//! The paper's projected silhouettes (its final clustering figure): the words of K
//! clusters projected by supervised LDA onto their K − 1 discriminant directions, or onto
//! their first 8 principal components, and the Euclidean silhouette taken there — as
//! scikit-learn's `LinearDiscriminantAnalysis().fit_transform` (solver `svd`),
//! `PCA(8).fit_transform` and `silhouette_score` compute them (fixtures made by
//! `scripts/analyze/make_projection_fixtures.py`).
//!
//! Both are fitted on the words they score, as the paper does: LDA's silhouette says how
//! separable the clusters are by a linear map, not how they sit in the encoder's space.

use nalgebra::{DMatrix, SymmetricEigen};

/// Principal components kept (as many as LDA keeps for the paper's 9 categories).
pub const PCA_COMPONENTS: usize = 8;
/// scikit-learn's rank threshold on singular values (LDA's `tol`).
const TOL: f64 = 1e-4;

/// The silhouettes of one set of clustered words in the two projections.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projected {
    /// Onto the discriminant directions (`None`: fewer than 2 clusters, or as many as words).
    pub lda: Option<f64>,
    /// Onto the first [`PCA_COMPONENTS`] principal components.
    pub pca: Option<f64>,
}

/// Both projected silhouettes of `rows` (one vector per word, all the same width) in
/// clusters `labels`.
pub fn projected(rows: &[&[f32]], labels: &[usize]) -> Projected {
    let (k, _) = dense(labels);
    if rows.is_empty() || k < 2 || k >= rows.len() {
        return Projected {
            lda: None,
            pca: None,
        };
    }
    let x = DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| f64::from(rows[i][j]));
    Projected {
        lda: silhouette(&lda(&x, labels), labels),
        pca: silhouette(&pca(&x, PCA_COMPONENTS), labels),
    }
}

/// The number of distinct labels, and each label's rank among them (0..k).
fn dense(labels: &[usize]) -> (usize, Vec<usize>) {
    let mut classes = labels.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let class_of = (labels.iter())
        .map(|l| classes.binary_search(l).expect("a label of the list"))
        .collect();
    (classes.len(), class_of)
}

/// The rows of `x` (minus their mean) on their first `n` principal axes.
fn pca(x: &DMatrix<f64>, n: usize) -> DMatrix<f64> {
    let mean = x.row_mean();
    let centred = DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| x[(i, j)] - mean[j]);
    let (_, axes) = right_singular(&centred, |_, _| true);
    let n = n.min(axes.ncols());
    &centred * axes.columns(0, n)
}

/// LDA's transform of the rows of `x` (scikit-learn's `svd` solver): within-class
/// whitening, then the directions of the class means, K − 1 at most.
fn lda(x: &DMatrix<f64>, labels: &[usize]) -> DMatrix<f64> {
    let (n, d) = (x.nrows(), x.ncols());
    let (k, class_of) = dense(labels);
    let mut means = DMatrix::<f64>::zeros(k, d);
    let mut count = vec![0usize; k];
    for (i, &c) in class_of.iter().enumerate() {
        count[c] += 1;
        for j in 0..d {
            means[(c, j)] += x[(i, j)];
        }
    }
    for (c, &m) in count.iter().enumerate() {
        means.row_mut(c).scale_mut(1.0 / m as f64);
    }
    let xbar = x.row_mean();
    // Within-class deviations, each feature scaled by its standard deviation.
    let within = DMatrix::from_fn(n, d, |i, j| x[(i, j)] - means[(class_of[i], j)]);
    let std: Vec<f64> = (0..d)
        .map(|j| {
            let col = within.column(j);
            let mu = col.mean();
            let var = col.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / n as f64;
            if var == 0.0 { 1.0 } else { var.sqrt() }
        })
        .collect();
    let fac = (1.0 / (n - k) as f64).sqrt();
    let scaled = DMatrix::from_fn(n, d, |i, j| fac * within[(i, j)] / std[j]);
    let (s, v) = right_singular(&scaled, |s, _| s > TOL);
    let whiten = DMatrix::from_fn(d, s.len(), |j, r| v[(j, r)] / std[j] / s[r]);
    // The class means, weighted by their size, in the whitened space.
    let fac = (1.0 / (k - 1) as f64).sqrt();
    let between = DMatrix::from_fn(k, d, |c, j| {
        (count[c] as f64).sqrt() * fac * (means[(c, j)] - xbar[j])
    }) * &whiten;
    let (_, v) = right_singular(&between, |s, largest| s > TOL * largest);
    let m = v.ncols().min(k - 1);
    let centred = DMatrix::from_fn(n, d, |i, j| x[(i, j)] - xbar[j]);
    centred * whiten * v.columns(0, m)
}

/// The singular values of `a` that `keep(s, largest)` accepts, largest first, and their
/// right singular vectors as columns: from the eigenvectors of the smaller Gram matrix.
fn right_singular(a: &DMatrix<f64>, keep: impl Fn(f64, f64) -> bool) -> (Vec<f64>, DMatrix<f64>) {
    let wide = a.nrows() < a.ncols();
    let gram = if wide {
        a * a.transpose()
    } else {
        a.transpose() * a
    };
    let eigen = SymmetricEigen::new(gram);
    let mut order: Vec<usize> = (0..eigen.eigenvalues.len()).collect();
    order.sort_by(|&i, &j| eigen.eigenvalues[j].total_cmp(&eigen.eigenvalues[i]));
    let s_of = |i: usize| eigen.eigenvalues[i].max(0.0).sqrt();
    let largest = order.first().map_or(0.0, |&i| s_of(i));
    let kept: Vec<usize> = (order.into_iter())
        .filter(|&i| s_of(i) > 0.0 && keep(s_of(i), largest))
        .collect();
    let s: Vec<f64> = kept.iter().map(|&i| s_of(i)).collect();
    let v = if wide {
        // a = U S Vᵀ, so V = aᵀ U S⁻¹.
        let u = DMatrix::from_fn(a.nrows(), kept.len(), |r, c| {
            eigen.eigenvectors[(r, kept[c])]
        });
        let mut v = a.transpose() * u;
        for (c, s) in s.iter().enumerate() {
            v.column_mut(c).scale_mut(1.0 / s);
        }
        v
    } else {
        DMatrix::from_fn(a.ncols(), kept.len(), |r, c| {
            eigen.eigenvectors[(r, kept[c])]
        })
    };
    (s, v)
}

/// The mean Euclidean silhouette of the rows of `p` in clusters `labels`, as
/// scikit-learn's `silhouette_score` (a word alone in its cluster scores 0); `None` unless
/// 2 ≤ clusters < words.
pub fn silhouette(p: &DMatrix<f64>, labels: &[usize]) -> Option<f64> {
    let n = p.nrows();
    let (k, class_of) = dense(labels);
    if k < 2 || k >= n {
        return None;
    }
    let mut size = vec![0usize; k];
    for &c in &class_of {
        size[c] += 1;
    }
    let mut total = 0.0;
    let mut sums = vec![0.0f64; k];
    for i in 0..n {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for j in 0..n {
            if i != j {
                sums[class_of[j]] += (p.row(i) - p.row(j)).norm();
            }
        }
        let own = class_of[i];
        if size[own] == 1 {
            continue;
        }
        let a = sums[own] / (size[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own)
            .map(|c| sums[c] / size[c] as f64)
            .fold(f64::INFINITY, f64::min);
        let m = a.max(b);
        if m > 0.0 {
            total += (b - a) / m;
        }
    }
    Some(total / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_singular_vectors_reconstruct_the_matrix_wide_or_tall() {
        for (r, c) in [(7, 3), (3, 7)] {
            let a = DMatrix::from_fn(r, c, |i, j| ((i * 7 + j * 3) % 5) as f64 - 1.5 + i as f64);
            let (s, v) = right_singular(&a, |s, l| s > 1e-9 * l);
            // a V Vᵀ = a (the kept vectors span a's rows), and ‖a v‖ = s.
            let back = &a * &v * v.transpose();
            assert!((back - &a).norm() < 1e-9, "{r}×{c}");
            for (k, s) in s.iter().enumerate() {
                assert!(((&a * v.column(k)).norm() - s).abs() < 1e-9);
            }
            assert!(s.windows(2).all(|w| w[0] >= w[1]));
        }
    }

    #[test]
    fn silhouette_of_two_tight_clusters_is_near_one_and_undefined_for_one() {
        let p = DMatrix::from_row_slice(4, 1, &[0.0, 0.1, 10.0, 10.1]);
        let s = silhouette(&p, &[0, 0, 1, 1]).unwrap();
        assert!((s - (1.0 - 0.1 / 10.0)).abs() < 1e-3, "{s}");
        assert_eq!(silhouette(&p, &[0, 0, 0, 0]), None);
        assert_eq!(silhouette(&p, &[0, 1, 2, 3]), None);
    }
}
