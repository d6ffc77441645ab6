//! Means with 95 % confidence intervals over a few repeats (folds, seeds): Student's t,
//! as the paper reports its leave-one-category-out silhouettes.

use serde::Serialize;

/// A mean over `n` values with its 95 % confidence interval (`low`..`high`; equal to the
/// mean for one value; all `None` for none).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Mean of the values.
    pub mean: Option<f64>,
    /// Lower end of the 95 % interval.
    pub low: Option<f64>,
    /// Upper end.
    pub high: Option<f64>,
    /// Values it is over.
    pub n: usize,
}

impl Interval {
    /// The mean of `values` ± t₀.₉₇₅,ₙ₋₁ · s / √n (s: the sample standard deviation).
    pub fn of(values: &[f64]) -> Interval {
        let n = values.len();
        if n == 0 {
            return Interval {
                mean: None,
                low: None,
                high: None,
                n,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let half = if n < 2 {
            0.0
        } else {
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            t_975(n - 1) * (var / n as f64).sqrt()
        };
        Interval {
            mean: Some(mean),
            low: Some(mean - half),
            high: Some(mean + half),
            n,
        }
    }
}

/// Student's t quantile 0.975 for `df` degrees of freedom (≥ 1; the normal 1.960 past 30).
pub fn t_975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    T.get(df.max(1) - 1).copied().unwrap_or(1.960)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_is_the_t_interval_of_its_values() {
        // 9 folds (df 8, t 2.306): mean 0.1, s = sqrt(0.0006 · 9 / 8).
        let v = [0.1, 0.13, 0.07, 0.1, 0.13, 0.07, 0.1, 0.13, 0.07];
        let i = Interval::of(&v);
        let s = (6.0 * 0.0009 / 8.0f64).sqrt();
        let half = 2.306 * s / 3.0;
        assert!((i.mean.unwrap() - 0.1).abs() < 1e-12);
        assert!((i.high.unwrap() - 0.1 - half).abs() < 1e-12, "{i:?}");
        assert!((i.low.unwrap() - 0.1 + half).abs() < 1e-12);
        assert_eq!(Interval::of(&[0.5]).low, Some(0.5));
        assert_eq!(Interval::of(&[]).mean, None);
    }
}
