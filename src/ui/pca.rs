//! A 2-D map of word vectors: the first two principal components by power iteration.
//!
//! Rows are unit-normalised first (neighbours are by cosine), then centred. Each component
//! comes from repeated `v ← Xᵀ(X v)`, the second kept orthogonal to the first; no d×d
//! covariance is formed, so one iteration costs O(n·d). Axes from the previous call seed
//! the next one, which keeps the picture from flipping as words arrive.

/// Iterations per component (converges far sooner for the word counts of a session).
const ITERATIONS: usize = 60;

/// The two axes found, to seed the next projection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Axes {
    /// First and second principal direction (unit length, or empty before any data).
    pub axes: [Vec<f32>; 2],
}

/// Projects `rows` (all of the same width) onto two principal axes, each scaled into
/// [-1, 1]. Returns the points in row order and the axes used. Fewer than two rows, or
/// rows of width zero, give points at the origin.
pub fn project(rows: &[&[f32]], seed: Option<&Axes>) -> (Vec<[f32; 2]>, Axes) {
    let n = rows.len();
    let d = rows.first().map_or(0, |r| r.len());
    if n < 2 || d == 0 || rows.iter().any(|r| r.len() != d) {
        return (vec![[0.0, 0.0]; n], Axes::default());
    }
    // Unit rows, centred.
    let mut x: Vec<f32> = Vec::with_capacity(n * d);
    for r in rows {
        let norm = r.iter().map(|v| v * v).sum::<f32>().sqrt();
        let inv = if norm > 0.0 && norm.is_finite() {
            1.0 / norm
        } else {
            0.0
        };
        x.extend(r.iter().map(|v| if v.is_finite() { v * inv } else { 0.0 }));
    }
    let mut mean = vec![0.0f32; d];
    for row in x.chunks_exact(d) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n as f32);
    for row in x.chunks_exact_mut(d) {
        for (v, m) in row.iter_mut().zip(&mean) {
            *v -= m;
        }
    }

    let seed_axis = |k: usize| -> Vec<f32> {
        match seed {
            Some(s) if s.axes[k].len() == d => s.axes[k].clone(),
            _ => (0..d)
                .map(|j| 1.0 + ((j * (k + 3)) % 7) as f32 * 0.1)
                .collect(),
        }
    };
    let first = power(&x, d, seed_axis(0), None);
    let second = power(&x, d, seed_axis(1), Some(&first));
    let mut axes = [first, second];
    // Keep the orientation of the previous picture where there was one.
    for (k, axis) in axes.iter_mut().enumerate() {
        let flip = match seed {
            Some(s) if s.axes[k].len() == d => dot(axis, &s.axes[k]) < 0.0,
            _ => {
                let big = axis
                    .iter()
                    .copied()
                    .fold(0.0f32, |a, b| if b.abs() > a.abs() { b } else { a });
                big < 0.0
            }
        };
        if flip {
            axis.iter_mut().for_each(|v| *v = -*v);
        }
    }

    let mut pts: Vec<[f32; 2]> = x
        .chunks_exact(d)
        .map(|row| [dot(row, &axes[0]), dot(row, &axes[1])])
        .collect();
    for k in 0..2 {
        let max = pts.iter().map(|p| p[k].abs()).fold(0.0f32, f32::max);
        if max > 1e-12 {
            pts.iter_mut().for_each(|p| p[k] /= max);
        } else {
            pts.iter_mut().for_each(|p| p[k] = 0.0);
        }
    }
    (pts, Axes { axes })
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalise(v: &mut [f32]) -> f32 {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 && norm.is_finite() {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    norm
}

fn orthogonalise(v: &mut [f32], against: &[f32]) {
    let p = dot(v, against);
    v.iter_mut().zip(against).for_each(|(x, a)| *x -= p * a);
}

/// Power iteration on XᵀX for its leading eigenvector (orthogonal to `against`).
fn power(x: &[f32], d: usize, mut v: Vec<f32>, against: Option<&[f32]>) -> Vec<f32> {
    if let Some(a) = against {
        orthogonalise(&mut v, a);
    }
    if normalise(&mut v) == 0.0 {
        return vec![0.0; d];
    }
    let mut next = vec![0.0f32; d];
    for _ in 0..ITERATIONS {
        next.iter_mut().for_each(|x| *x = 0.0);
        for row in x.chunks_exact(d) {
            let s = dot(row, &v);
            next.iter_mut().zip(row).for_each(|(acc, r)| *acc += s * r);
        }
        if let Some(a) = against {
            orthogonalise(&mut next, a);
        }
        if normalise(&mut next) == 0.0 {
            return vec![0.0; d];
        }
        let change = next
            .iter()
            .zip(&v)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        std::mem::swap(&mut v, &mut next);
        if change < 1e-6 {
            break;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_spread_along_the_dominant_direction() {
        // Three clusters on unit vectors: e0, e1, e2 with small noise.
        let rows: Vec<Vec<f32>> = (0..30)
            .map(|i| {
                let mut v = vec![0.01 * (i % 5) as f32; 4];
                v[i % 3] += 1.0;
                v
            })
            .collect();
        let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let (pts, axes) = project(&refs, None);
        assert_eq!(pts.len(), 30);
        assert!(pts.iter().all(|p| p[0].abs() <= 1.0 && p[1].abs() <= 1.0));
        assert!((dot(&axes.axes[0], &axes.axes[1])).abs() < 1e-4);
        // Same cluster → same place; different clusters → apart.
        let dist =
            |a: [f32; 2], b: [f32; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        assert!(dist(pts[0], pts[3]) < 0.2);
        assert!(dist(pts[0], pts[1]) > 0.5);
        assert!(dist(pts[1], pts[2]) > 0.5);
        // Seeding with the previous axes gives the same picture.
        let (again, _) = project(&refs, Some(&axes));
        assert!(pts.iter().zip(&again).all(|(a, b)| dist(*a, *b) < 1e-3));
    }

    #[test]
    fn degenerate_inputs_sit_at_the_origin() {
        let one = [1.0f32, 2.0];
        assert_eq!(project(&[&one], None).0, vec![[0.0, 0.0]]);
        assert!(project(&[], None).0.is_empty());
        let (pts, _) = project(&[&one, &one], None);
        assert_eq!(pts, vec![[0.0, 0.0], [0.0, 0.0]]);
    }
}
