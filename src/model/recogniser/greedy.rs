//! Greedy decoding of one word with its guards, and forced-decoding scores: pure functions
//! over a logits source, so the rules are the same as `scripts/whisper/decoder_reference.py`.

use crate::error::Result;

/// Why decoding stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// The decoder predicted end of text.
    End,
    /// The text began to repeat itself (an n-gram twice in a row); the repeat was dropped.
    /// On a short, unpadded word this is how the decoder usually ends.
    Repeat,
    /// The token cap was reached without an end: likely a hallucination.
    Cap,
}

/// What the recogniser heard in one word.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heard {
    /// The decoded text as the decoder wrote it, e.g. `" Seven"` (see [`super::normalise`]).
    pub text: String,
    /// Geometric mean of the kept tokens' probabilities, each a softmax over the tokens
    /// allowed at its step: exp(mean log p), in [0, 1]; 0 when nothing was heard.
    pub confidence: f32,
    /// The text tokens (prompt and end of text excluded).
    pub tokens: Vec<u32>,
    /// Why decoding stopped (a [`Stop::Cap`] is a likely hallucination).
    pub stop: Stop,
}

/// The rules of a greedy decoding.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Tokens every decoding starts with.
    pub prompt: Vec<u32>,
    /// The end-of-text token; text tokens are the ids below it.
    pub end: u32,
    /// Ids never emitted.
    pub suppress: Vec<u32>,
    /// Ids not emitted first (besides `end`, which never comes first).
    pub suppress_at_start: Vec<u32>,
    /// Text tokens at most.
    pub max_tokens: usize,
}

/// What greedy decoding produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Greedy {
    /// Text tokens (prompt and end excluded).
    pub tokens: Vec<u32>,
    /// Log-probability of each kept token, over the tokens allowed at its step.
    pub log_probs: Vec<f64>,
    /// Why it stopped.
    pub stop: Stop,
}

impl Greedy {
    /// exp(mean log p) of the kept tokens (their geometric mean probability); 0 if none.
    pub fn confidence(&self) -> f32 {
        if self.log_probs.is_empty() {
            return 0.0;
        }
        (self.log_probs.iter().sum::<f64>() / self.log_probs.len() as f64).exp() as f32
    }
}

/// Length n of the shortest n-gram that `tokens` ends with twice in a row, or 0.
pub fn repeated_tail(tokens: &[u32]) -> usize {
    let len = tokens.len();
    (1..=len / 2)
        .find(|&n| tokens[len - n..] == tokens[len - 2 * n..len - n])
        .unwrap_or(0)
}

/// Greedy decoding: `logits(prefix)` gives the raw logits after a prefix.
///
/// # Errors
/// Whatever `logits` returns.
pub fn greedy(rules: &Rules, mut logits: impl FnMut(&[u32]) -> Result<Vec<f32>>) -> Result<Greedy> {
    let mut prefix = rules.prompt.clone();
    let mut out = Greedy {
        tokens: Vec::new(),
        log_probs: Vec::new(),
        stop: Stop::Cap,
    };
    while out.tokens.len() < rules.max_tokens {
        let row = logits(&prefix)?;
        let mut allowed = vec![false; row.len()];
        let text = (rules.end as usize + 1).min(row.len());
        allowed[..text].iter_mut().for_each(|a| *a = true);
        let first = out.tokens.is_empty();
        let banned = rules.suppress.iter().chain(if first {
            &rules.suppress_at_start[..]
        } else {
            &[]
        });
        for &id in banned {
            if let Some(a) = allowed.get_mut(id as usize) {
                *a = false;
            }
        }
        let Some((best, _)) = row
            .iter()
            .enumerate()
            .filter(|(i, _)| allowed[*i])
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        if best as u32 == rules.end {
            out.stop = Stop::End;
            break;
        }
        let lse = log_sum_exp(
            row.iter()
                .zip(&allowed)
                .filter(|(_, a)| **a)
                .map(|(x, _)| *x),
        );
        out.tokens.push(best as u32);
        out.log_probs.push(f64::from(row[best]) - lse);
        prefix.push(best as u32);
        let n = repeated_tail(&out.tokens);
        if n > 0 {
            out.tokens.truncate(out.tokens.len() - n);
            out.log_probs.truncate(out.log_probs.len() - n);
            out.stop = Stop::Repeat;
            break;
        }
    }
    Ok(out)
}

/// log Σ exp(x), in f64.
pub fn log_sum_exp(xs: impl Iterator<Item = f32> + Clone) -> f64 {
    let m = xs.clone().fold(f32::NEG_INFINITY, f32::max);
    if m == f32::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    let m = f64::from(m);
    m + xs.map(|x| (f64::from(x) - m).exp()).sum::<f64>().ln()
}

/// log p(form, then a word boundary) by forced decoding: the sum of each token's
/// log-softmax over all logits, plus the log of the boundary tokens' total probability
/// after the last one. `row(j)` gives the logits after the prompt and `form[..j]`.
///
/// # Errors
/// Whatever `row` returns.
pub fn form_log_prob(
    form: &[u32],
    boundary: &[bool],
    mut row: impl FnMut(usize) -> Result<Vec<f32>>,
) -> Result<f64> {
    let mut total = 0.0;
    for j in 0..=form.len() {
        let logits = row(j)?;
        let lse = log_sum_exp(logits.iter().copied());
        total += match form.get(j) {
            Some(&tok) => f64::from(logits[tok as usize]) - lse,
            None => {
                let ends = logits
                    .iter()
                    .zip(boundary)
                    .filter(|(_, b)| **b)
                    .map(|(x, _)| *x);
                log_sum_exp(ends) - lse
            }
        };
    }
    Ok(total)
}

/// log Σ exp over several forms' log-probabilities (they are disjoint sequences).
pub fn log_add(values: &[f64]) -> f64 {
    let m = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + values.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_tails_are_found_shortest_first() {
        assert_eq!(repeated_tail(&[]), 0);
        assert_eq!(repeated_tail(&[5]), 0);
        assert_eq!(repeated_tail(&[5, 5]), 1);
        assert_eq!(repeated_tail(&[1, 2, 1, 2]), 2);
        assert_eq!(repeated_tail(&[1, 2, 3, 1, 2]), 0);
        assert_eq!(repeated_tail(&[7, 1, 2, 2]), 1);
    }

    #[test]
    fn log_sums_are_stable() {
        let v = [1000.0f32, 1000.0];
        assert!((log_sum_exp(v.iter().copied()) - (1000.0 + 2f64.ln())).abs() < 1e-9);
        assert!((log_add(&[-1e9, 0.0]) - 0.0).abs() < 1e-12);
        assert_eq!(log_add(&[]), f64::NEG_INFINITY);
    }
}
