//! The running Gram statistics behind the live CKA: sums over two Gram matrices grown
//! (and shrunk from the oldest row) one row at a time.

use super::ratio;

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
/// [`linear_cka`](super::linear_cka)).
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
