//! Linear CKA (Kornblith et al. 2019) between row-aligned X (n×d1) and Y (n×d2):
//! with columns centred, CKA = ‖YᵀX‖²_F / (‖XᵀX‖_F · ‖YᵀY‖_F). The debiased variant
//! replaces each HSIC by the unbiased estimator of Song et al. (2012), written as in
//! Kornblith's reference code (`feature_space_linear_cka(..., debiased=True)`):
//! HSIC_u = ‖YᵀX‖² − n/(n−2)·⟨r_x, r_y⟩ + ‖X‖²‖Y‖²/((n−1)(n−2)), r = squared row norms.
//!
//! [`linear_cka`] computes it from scratch in feature space. [`GramStats`] keeps the
//! running sums of two Gram matrices A = XXᵀ, B = YYᵀ (row sums, traces, Σ A∘B, …) that
//! both HSICs are functions of, so adding a row costs O(n) once the new row's dot
//! products are known (O(n·d) to compute them).

use super::bank::dot;

mod gram;
pub use gram::{GramStats, cka_from_stats, shifted};

/// Below this fraction of its scale a self-HSIC counts as zero (all rows equal): the CKA
/// is then undefined rather than a ratio of rounding errors.
const DEGENERATE: f64 = 1e-12;

/// Linear CKA of row-aligned `x` and `y` (plain or debiased), from scratch in `f64`.
/// `None` when it is not defined: fewer than 2 rows (4 for debiased), all rows equal in
/// either set, or a negative debiased self-HSIC (possible for very few rows).
///
/// Costs O(n·d1·d2); for tests and one-off use (the live path is [`GramStats`]).
///
/// # Panics
/// If `x` and `y` have different numbers of rows or ragged rows (a programming error).
pub fn linear_cka<X: AsRef<[f32]>, Y: AsRef<[f32]>>(
    x: &[X],
    y: &[Y],
    debiased: bool,
) -> Option<f64> {
    assert_eq!(x.len(), y.len(), "row-aligned");
    let n = x.len();
    if n < 2 || (debiased && n < 4) {
        return None;
    }
    let xc = centred(x);
    let yc = centred(y);
    let cross = |a: &Centred, b: &Centred| {
        // ‖AᵀB‖²_F
        let mut total = 0.0;
        for p in 0..a.d {
            for q in 0..b.d {
                let s: f64 = (0..n).map(|i| a.at(i, p) * b.at(i, q)).sum();
                total += s * s;
            }
        }
        total
    };
    let (xy, xx, yy) = (cross(&xc, &yc), cross(&xc, &xc), cross(&yc, &yc));
    let rx = xc.row_sq();
    let ry = yc.row_sq();
    let (nx, ny) = (rx.iter().sum::<f64>(), ry.iter().sum::<f64>());
    let (scale_x, scale_y) = (squared_norm(x), squared_norm(y));
    let (xy, xx, yy) = if debiased {
        let nf = n as f64;
        let fix = |h: f64, a: &[f64], b: &[f64], na: f64, nb: f64| {
            h - nf / (nf - 2.0) * a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>()
                + na * nb / ((nf - 1.0) * (nf - 2.0))
        };
        (
            fix(xy, &rx, &ry, nx, ny),
            fix(xx, &rx, &rx, nx, nx),
            fix(yy, &ry, &ry, ny, ny),
        )
    } else {
        (xy, xx, yy)
    };
    ratio(xy, xx, yy, scale_x, scale_y)
}

/// HSIC(X,Y)/√(HSIC(X,X)·HSIC(Y,Y)), or `None` when a self-HSIC is ≤ 0 relative to its
/// scale (`scale_*`: the total squared norm of the rows before centring, so that rounding
/// noise left by centring equal rows does not count as spread).
fn ratio(xy: f64, xx: f64, yy: f64, scale_x: f64, scale_y: f64) -> Option<f64> {
    if !(xx > DEGENERATE * scale_x * scale_x && yy > DEGENERATE * scale_y * scale_y) {
        return None;
    }
    let v = xy / (xx.sqrt() * yy.sqrt());
    v.is_finite().then_some(v)
}

/// Σᵢ ‖rowᵢ‖².
fn squared_norm<V: AsRef<[f32]>>(rows: &[V]) -> f64 {
    rows.iter().map(|r| dot(r.as_ref(), r.as_ref())).sum()
}

struct Centred {
    data: Vec<f64>,
    d: usize,
}

impl Centred {
    fn at(&self, i: usize, p: usize) -> f64 {
        self.data[i * self.d + p]
    }
    fn row_sq(&self) -> Vec<f64> {
        self.data
            .chunks_exact(self.d.max(1))
            .map(|r| r.iter().map(|v| v * v).sum())
            .collect()
    }
}

fn centred<V: AsRef<[f32]>>(rows: &[V]) -> Centred {
    let d = rows[0].as_ref().len();
    let n = rows.len() as f64;
    let mut mean = vec![0.0; d];
    for r in rows {
        assert_eq!(r.as_ref().len(), d, "ragged rows");
        for (m, &v) in mean.iter_mut().zip(r.as_ref()) {
            *m += f64::from(v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    let data = rows
        .iter()
        .flat_map(|r| r.as_ref().iter().zip(&mean).map(|(&v, m)| f64::from(v) - m))
        .collect();
    Centred { data, d }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize, d: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                (0..d)
                    .map(|_| {
                        s = s
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((s >> 33) as f32 / (1u64 << 31) as f32) - 0.5
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn cka_of_a_set_with_itself_or_a_rotation_is_one() {
        let x = rows(10, 4, 1);
        assert!((linear_cka(&x, &x, false).unwrap() - 1.0).abs() < 1e-12);
        assert!((linear_cka(&x, &x, true).unwrap() - 1.0).abs() < 1e-12);
        // scaling and translation invariance
        let y: Vec<Vec<f32>> = x
            .iter()
            .map(|r| r.iter().map(|v| 3.0 * v + 7.0).collect())
            .collect();
        assert!((linear_cka(&x, &y, false).unwrap() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn undefined_cka_is_none() {
        let x = rows(3, 4, 2);
        let same = vec![vec![1.0f32, 2.0]; 3];
        assert_eq!(linear_cka(&x, &same, false), None);
        assert_eq!(linear_cka(&x[..1], &same[..1], false), None);
        assert_eq!(linear_cka(&x, &x, true), None); // debiased needs 4 rows
    }

    #[test]
    fn gram_stats_equal_batch_after_every_row() {
        let x = rows(9, 5, 3);
        let y = rows(9, 3, 4);
        let (mut xy, mut xx, mut yy) = (
            GramStats::default(),
            GramStats::default(),
            GramStats::default(),
        );
        for i in 0..x.len() {
            let a: Vec<f64> = (0..i).map(|j| dot(&x[i], &x[j])).collect();
            let b: Vec<f64> = (0..i).map(|j| dot(&y[i], &y[j])).collect();
            let (ann, bnn) = (dot(&x[i], &x[i]), dot(&y[i], &y[i]));
            xy.push(&a, ann, &b, bnn);
            xx.push(&a, ann, &a, ann);
            yy.push(&b, bnn, &b, bnn);
            for debiased in [false, true] {
                let inc = cka_from_stats(&xy, &xx, &yy, debiased);
                let batch = linear_cka(&x[..=i], &y[..=i], debiased);
                match (inc, batch) {
                    (Some(p), Some(q)) => assert!((p - q).abs() < 1e-10, "{i} {p} {q}"),
                    (p, q) => assert_eq!(p, q, "{i} {debiased}"),
                }
            }
        }
    }

    #[test]
    fn gram_stats_after_the_first_rows_leave_equal_batch_over_the_rest() {
        let x = rows(14, 5, 5);
        let y = rows(14, 3, 6);
        let (mut xy, mut xx, mut yy) = (
            GramStats::default(),
            GramStats::default(),
            GramStats::default(),
        );
        let window = 6;
        for i in 0..x.len() {
            let first = (i + 1).saturating_sub(window);
            if first > 0 {
                let o = first - 1;
                let a: Vec<f64> = (first..i).map(|j| dot(&x[o], &x[j])).collect();
                let b: Vec<f64> = (first..i).map(|j| dot(&y[o], &y[j])).collect();
                xy.evict_first(&a, &b);
                xx.evict_first(&a, &a);
                yy.evict_first(&b, &b);
            }
            let a: Vec<f64> = (first..i).map(|j| dot(&x[i], &x[j])).collect();
            let b: Vec<f64> = (first..i).map(|j| dot(&y[i], &y[j])).collect();
            let (ann, bnn) = (dot(&x[i], &x[i]), dot(&y[i], &y[i]));
            xy.push(&a, ann, &b, bnn);
            xx.push(&a, ann, &a, ann);
            yy.push(&b, bnn, &b, bnn);
            for debiased in [false, true] {
                let inc = cka_from_stats(&xy, &xx, &yy, debiased);
                let batch = linear_cka(&x[first..=i], &y[first..=i], debiased);
                match (inc, batch) {
                    (Some(p), Some(q)) => assert!((p - q).abs() < 1e-10, "{i} {p} {q}"),
                    (p, q) => assert_eq!(p, q, "{i} {debiased}"),
                }
            }
        }
    }
}
