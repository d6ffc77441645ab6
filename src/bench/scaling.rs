//! How one word's probe update grows with the session: the probes of the chosen encoders
//! (their real layers, widths, lexicon and text tables) are filled to n words, then one
//! more word is timed exactly as the engine updates it — push, neighbours, relations and
//! every layer's metrics — at each n. The fill only pushes (the reads change nothing).
//!
//! The fill words are deterministic pseudo-random vectors with labels taken in turn from
//! the lexicon (every fifth unlabelled): the cost of an update depends on n, the widths
//! and how many words have labels, categories and text rows, not on the values.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::probe::{Lexicon, Probe, TextTable};

/// What a probe is made of: an encoder's layers and their widths.
#[derive(Debug, Clone)]
pub struct ProbeShape {
    /// Encoder name.
    pub encoder: String,
    /// Layer names.
    pub layers: Vec<String>,
    /// Layer widths.
    pub dims: Vec<usize>,
}

/// One word's update at one session size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScalingPoint {
    /// Words already in the session.
    pub n: usize,
    /// Median over the timed words (µs).
    pub p50_us: f64,
    /// Slowest timed word (µs).
    pub max_us: f64,
}

/// The update cost at growing n and its growth exponent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeScaling {
    /// Encoders whose probes were updated, with their layer counts.
    pub encoders: Vec<(String, usize)>,
    /// Sum of all layer widths.
    pub total_width: usize,
    /// Text tables compared against.
    pub tables: Vec<String>,
    /// One point per n.
    pub points: Vec<ScalingPoint>,
    /// Slope of log(time) over log(n) between the two largest n (1.0: linear).
    pub exponent: Option<f64>,
    /// Seconds spent filling the probes (the whole session up to the largest n).
    pub fill_seconds: f64,
}

/// Deterministic values in [-1, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

/// A session of probes with a word source.
struct Session {
    probes: Vec<Probe>,
    words: Vec<String>,
    rng: Lcg,
    pushed: usize,
    k: usize,
}

impl Session {
    /// Pushes one word into every probe; `read` also does the engine's reads for it
    /// (neighbours, relations, every layer's metrics), which change nothing.
    fn word(&mut self, read: bool) -> Result<()> {
        let label =
            (self.pushed % 5 != 4).then(|| self.words[self.pushed % self.words.len()].as_str());
        self.pushed += 1;
        for probe in &mut self.probes {
            let vectors: Vec<Vec<f32>> = probe
                .dims()
                .iter()
                .map(|&d| (0..d).map(|_| self.rng.next()).collect())
                .collect();
            let i = probe.push(label, &vectors)?;
            if !read {
                continue;
            }
            let last = probe.layer_names().len() - 1;
            for n in probe.nearest(last, i, self.k) {
                std::hint::black_box(probe.relation(i, n.index));
            }
            std::hint::black_box(probe.live_metrics());
        }
        Ok(())
    }
}

/// Times one word's update at each of `sizes` (ascending), `reps` words per size.
///
/// # Errors
/// [`crate::Error::Config`] if a shape is unusable for a probe.
pub fn measure(
    shapes: &[ProbeShape],
    lexicon: Arc<Lexicon>,
    tables: Vec<Arc<TextTable>>,
    sizes: &[usize],
    reps: usize,
    mut progress: impl FnMut(usize),
) -> Result<ProbeScaling> {
    let probes = shapes
        .iter()
        .map(|s| {
            Probe::new(
                s.layers.clone(),
                s.dims.clone(),
                lexicon.clone(),
                tables.clone(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let words: Vec<String> = lexicon.entries().iter().map(|e| e.word.clone()).collect();
    let mut session = Session {
        probes,
        words: if words.is_empty() {
            vec!["word".into()]
        } else {
            words
        },
        rng: Lcg(2509_15837),
        pushed: 0,
        k: 5,
    };
    let (mut points, mut fill_seconds) = (Vec::new(), 0.0);
    for &n in sizes {
        let t = Instant::now();
        while session.pushed < n {
            session.word(false)?;
            if session.pushed % 256 == 0 {
                progress(session.pushed);
            }
        }
        fill_seconds += t.elapsed().as_secs_f64();
        let mut us = Vec::with_capacity(reps);
        for _ in 0..reps.max(1) {
            let t = Instant::now();
            session.word(true)?;
            us.push(t.elapsed().as_secs_f64() * 1e6);
        }
        us.sort_by(f64::total_cmp);
        points.push(ScalingPoint {
            n,
            p50_us: us[us.len() / 2],
            max_us: us[us.len() - 1],
        });
    }
    Ok(ProbeScaling {
        encoders: shapes
            .iter()
            .map(|s| (s.encoder.clone(), s.layers.len()))
            .collect(),
        total_width: shapes.iter().flat_map(|s| &s.dims).sum(),
        tables: tables.iter().map(|t| t.name().to_string()).collect(),
        exponent: exponent(&points),
        points,
        fill_seconds,
    })
}

/// Growth exponent between the two largest sizes.
fn exponent(points: &[ScalingPoint]) -> Option<f64> {
    let [.., a, b] = points else { return None };
    (a.n > 0 && b.n > a.n && a.p50_us > 0.0 && b.p50_us > 0.0)
        .then(|| (b.p50_us / a.p50_us).ln() / (b.n as f64 / a.n as f64).ln())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_to_each_size_and_fits_an_exponent() {
        let shape = ProbeShape {
            encoder: "e".into(),
            layers: vec!["a".into(), "b".into()],
            dims: vec![8, 4],
        };
        let s = measure(
            &[shape],
            Arc::new(Lexicon::paper()),
            vec![],
            &[10, 40],
            3,
            |_| {},
        )
        .unwrap();
        assert_eq!(s.points.iter().map(|p| p.n).collect::<Vec<_>>(), [10, 40]);
        assert_eq!(s.total_width, 12);
        assert!(
            s.points
                .iter()
                .all(|p| p.p50_us > 0.0 && p.max_us >= p.p50_us)
        );
        assert!(s.exponent.is_some_and(f64::is_finite));
    }

    #[test]
    fn exponent_of_linear_growth_is_one() {
        let p = |n, us| ScalingPoint {
            n,
            p50_us: us,
            max_us: us,
        };
        let e = exponent(&[p(100, 1.0), p(1000, 10.0), p(10_000, 100.0)]).unwrap();
        assert!((e - 1.0).abs() < 1e-9);
        assert_eq!(exponent(&[p(100, 1.0)]), None);
    }
}
