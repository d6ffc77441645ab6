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

/// Running sums of two n×n Gram matrices A and B, grown one row/column at a time, from
/// which HSIC(A, B) (centred) and its debiased form follow in O(1).
///
/// Any constant shift of the rows leaves CKA unchanged, so callers may feed Gram entries
/// of shifted rows (x − c)·(x' − c) to keep the sums small (see [`shifted`]).
#[derive(Debug, Clone, Default)]
pub struct GramStats {
    /// Row sums of A and B.
    ra: Vec<f64>,
    rb: Vec<f64>,
    /// Diagonals of A and B.
    da: Vec<f64>,
    db: Vec<f64>,
    /// Σᵢⱼ Aᵢⱼ Bᵢⱼ.
    s_ab: f64,
    /// 1ᵀA1, 1ᵀB1.
    ta: f64,
    tb: f64,
    /// Σᵢ raᵢ rbᵢ.
    rr: f64,
    /// Σᵢ daᵢ dbᵢ, Σᵢ daᵢ rbᵢ, Σᵢ raᵢ dbᵢ.
    dd: f64,
    da_rb: f64,
    ra_db: f64,
    /// tr A, tr B.
    tra: f64,
    trb: f64,
}

impl GramStats {
    /// Rows so far.
    pub fn len(&self) -> usize {
        self.ra.len()
    }

    /// True before the first row.
    pub fn is_empty(&self) -> bool {
        self.ra.is_empty()
    }

    /// Forgets every row.
    pub fn clear(&mut self) {
        *self = GramStats::default();
    }

    /// Adds a row: `a[j]` = A(j, new) for every earlier row j, `a_nn` = A(new, new);
    /// likewise for B. O(n).
    ///
    /// # Panics
    /// If `a` or `b` is not as long as the rows so far (a programming error).
    pub fn push(&mut self, a: &[f64], a_nn: f64, b: &[f64], b_nn: f64) {
        let n = self.len();
        assert!(a.len() == n && b.len() == n, "one entry per earlier row");
        let (mut sa, mut sb, mut sab) = (0.0, 0.0, 0.0);
        for j in 0..n {
            let (aj, bj) = (a[j], b[j]);
            sa += aj;
            sb += bj;
            sab += aj * bj;
            self.rr += self.ra[j] * bj + aj * self.rb[j] + aj * bj;
            self.da_rb += self.da[j] * bj;
            self.ra_db += aj * self.db[j];
            self.ra[j] += aj;
            self.rb[j] += bj;
        }
        let (ra_new, rb_new) = (sa + a_nn, sb + b_nn);
        self.s_ab += 2.0 * sab + a_nn * b_nn;
        self.ta += 2.0 * sa + a_nn;
        self.tb += 2.0 * sb + b_nn;
        self.rr += ra_new * rb_new;
        self.dd += a_nn * b_nn;
        self.da_rb += a_nn * rb_new;
        self.ra_db += ra_new * b_nn;
        self.tra += a_nn;
        self.trb += b_nn;
        self.ra.push(ra_new);
        self.rb.push(rb_new);
        self.da.push(a_nn);
        self.db.push(b_nn);
    }

    /// Removes the first row: `a[j]` = A(first, j + 1) for every later row, likewise
    /// `b`. O(n). Every sum loses what the row brought, so the statistics equal those of
    /// the later rows pushed alone (up to rounding).
    ///
    /// # Panics
    /// If there is no row, or `a` or `b` is not one entry per later row (a programming
    /// error).
    pub fn evict_first(&mut self, a: &[f64], b: &[f64]) {
        let n = self.len();
        assert!(
            n > 0 && a.len() == n - 1 && b.len() == n - 1,
            "one entry per later row"
        );
        let (ra_o, rb_o, a_oo, b_oo) = (self.ra[0], self.rb[0], self.da[0], self.db[0]);
        let (mut sa, mut sb, mut sab) = (0.0, 0.0, 0.0);
        for j in 1..n {
            let (aj, bj) = (a[j - 1], b[j - 1]);
            sa += aj;
            sb += bj;
            sab += aj * bj;
            // Σ (ra − a)(rb − b) over the later rows, from the old row sums.
            self.rr -= self.ra[j] * bj + aj * self.rb[j] - aj * bj;
            self.da_rb -= self.da[j] * bj;
            self.ra_db -= aj * self.db[j];
            self.ra[j] -= aj;
            self.rb[j] -= bj;
        }
        self.rr -= ra_o * rb_o;
        self.dd -= a_oo * b_oo;
        self.da_rb -= a_oo * rb_o;
        self.ra_db -= ra_o * b_oo;
        self.s_ab -= 2.0 * sab + a_oo * b_oo;
        self.ta -= 2.0 * sa + a_oo;
        self.tb -= 2.0 * sb + b_oo;
        self.tra -= a_oo;
        self.trb -= b_oo;
        for v in [&mut self.ra, &mut self.rb, &mut self.da, &mut self.db] {
            v.remove(0);
        }
    }

    /// tr(A_c B_c) with A_c = HAH (= ‖X_cᵀY_c‖²_F for linear kernels).
    pub fn hsic(&self) -> f64 {
        let n = self.len() as f64;
        self.s_ab - 2.0 / n * self.rr + self.ta * self.tb / (n * n)
    }

    /// Kornblith's debiased HSIC (Song et al. 2012 up to a factor that cancels in CKA).
    pub fn hsic_debiased(&self) -> f64 {
        let n = self.len() as f64;
        // Σᵢ ‖xᵢ − x̄‖²‖yᵢ − ȳ‖², expanded in Gram terms.
        let rows = self.dd - 2.0 / n * (self.da_rb + self.ra_db)
            + 4.0 / (n * n) * self.rr
            + (self.tb * self.tra + self.ta * self.trb) / (n * n)
            - 3.0 * self.ta * self.tb / (n * n * n);
        self.hsic() - n / (n - 2.0) * rows + self.norm_a() * self.norm_b() / ((n - 1.0) * (n - 2.0))
    }

    /// Σᵢ ‖xᵢ − x̄‖² (trace of the centred A).
    pub fn norm_a(&self) -> f64 {
        self.tra - self.ta / self.len() as f64
    }

    /// Σᵢ ‖yᵢ − ȳ‖² (trace of the centred B).
    pub fn norm_b(&self) -> f64 {
        self.trb - self.tb / self.len() as f64
    }
}

/// CKA from the cross statistics (A = XXᵀ, B = YYᵀ) and the self statistics of each side
/// (`xx`: A with A, `yy`: B with B), all over the same rows; `None` when undefined (as in
/// [`linear_cka`]).
pub fn cka_from_stats(
    xy: &GramStats,
    xx: &GramStats,
    yy: &GramStats,
    debiased: bool,
) -> Option<f64> {
    let n = xy.len();
    if n < 2 || (debiased && n < 4) {
        return None;
    }
    let (h_xy, h_xx, h_yy) = if debiased {
        (xy.hsic_debiased(), xx.hsic_debiased(), yy.hsic_debiased())
    } else {
        (xy.hsic(), xx.hsic(), yy.hsic())
    };
    ratio(h_xy, h_xx, h_yy, xy.tra, xy.trb)
}

/// A Gram entry of rows shifted by a constant c: (x − c)·(x' − c) from x·x', x·c, x'·c and
/// c·c.
pub fn shifted(xx: f64, xc: f64, xc2: f64, cc: f64) -> f64 {
    xx - xc - xc2 + cc
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
