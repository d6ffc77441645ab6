//! One word being recognised: greedy decoding, the first token's log-probabilities and
//! candidate scores, sharing the decoder rows computed so far.

use std::collections::HashMap;

use super::decoder::CrossKv;
use super::greedy::{self, Rules};
use super::text::forms;
use super::{Heard, Recogniser};
use crate::error::Result;

/// One word being recognised: its cross-attention keys/values and the decoder rows computed
/// so far (shared by recognition and scoring).
pub struct Utterance<'a> {
    pub(super) rec: &'a mut Recogniser,
    pub(super) kv: CrossKv,
    /// Context (if any) and prompt tokens.
    pub(super) prompt: Vec<u32>,
    pub(super) rows: HashMap<Vec<u32>, Vec<f32>>,
}

impl Utterance<'_> {
    /// Greedy decoding from the prompt (`<|startoftranscript|><|notimestamps|>` for
    /// tiny.en), stopping at end of text, at a repeated n-gram (the repeat dropped) or at the
    /// token cap; the suppressed tokens of the manifest are never emitted.
    ///
    /// # Errors
    /// [`crate::Error::Model`] if tract fails, [`crate::Error::Data`] if the tokenizer does.
    pub fn recognise(&mut self) -> Result<Heard> {
        let rules = Rules {
            prompt: self.prompt.clone(),
            ..self.rec.rules.clone()
        };
        let g = greedy::greedy(&rules, |prefix| self.logits(prefix))?;
        Ok(Heard {
            text: self.rec.text.decode(&g.tokens)?,
            confidence: g.confidence(),
            tokens: g.tokens,
            stop: g.stop,
        })
    }

    /// Log-probabilities (log-softmax over the whole vocabulary) of the first text token,
    /// from the row greedy decoding starts with (computed once per word and shared).
    ///
    /// # Errors
    /// As [`Utterance::recognise`].
    pub fn first_token_log_probs(&mut self) -> Result<Vec<f32>> {
        let prompt = self.prompt.clone();
        let mut row = self.logits(&prompt)?;
        let lse = greedy::log_sum_exp(row.iter().copied()) as f32;
        row.iter_mut().for_each(|x| *x -= lse);
        Ok(row)
    }

    /// The decoder's log-probability of each candidate word (forced decoding, no
    /// suppression): log Σ over its [`forms`] of p(form's tokens) × p(a word boundary next).
    /// Higher is likelier; compare candidates of one word, not across words.
    ///
    /// # Errors
    /// As [`Utterance::recognise`].
    pub fn score(&mut self, candidates: &[&str]) -> Result<Vec<f32>> {
        let prompt = self.prompt.clone();
        let room = self.rec.spec.max_positions.saturating_sub(prompt.len());
        let mut all_forms = Vec::with_capacity(candidates.len());
        for word in candidates {
            let mut toks = forms(word)
                .iter()
                .map(|f| self.rec.text.encode(f))
                .collect::<Result<Vec<_>>>()?;
            // A form too long for the positional table cannot be scored: it scores -inf.
            toks.retain(|t| !t.is_empty() && t.len() < room);
            all_forms.push(toks);
        }
        self.form_rows(&prompt, all_forms.iter().flatten())?;
        let mut scores = Vec::with_capacity(candidates.len());
        for word_forms in &all_forms {
            let mut per_form = Vec::with_capacity(word_forms.len());
            for form in word_forms {
                per_form.push(greedy::form_log_prob(form, &self.rec.boundary, |j| {
                    let p: Vec<u32> = prompt.iter().chain(&form[..j]).copied().collect();
                    Ok(self.rows[&p].clone())
                })?);
            }
            scores.push(greedy::log_add(&per_form) as f32);
        }
        Ok(scores)
    }

    /// The decoder's raw logits (one per vocabulary entry) after a token prefix, which
    /// normally starts with the prompt.
    ///
    /// # Errors
    /// As [`Utterance::recognise`].
    pub fn logits(&mut self, prefix: &[u32]) -> Result<Vec<f32>> {
        self.rows(&[prefix.to_vec()]).map(|mut r| r.remove(0))
    }

    /// Logits after each prefix, computing the ones not cached: one body run per length
    /// (its last positions), one projection for all.
    fn rows(&mut self, prefixes: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let mut missing: Vec<&Vec<u32>> = prefixes
            .iter()
            .filter(|p| !self.rows.contains_key(*p))
            .collect();
        missing.sort_by_key(|p| p.len());
        missing.dedup();
        let width = self.rec.decoder.width();
        let mut hidden = Vec::with_capacity(missing.len() * width);
        for group in missing.chunk_by(|a, b| a.len() == b.len()) {
            let batch: Vec<&[u32]> = group.iter().map(|p| p.as_slice()).collect();
            let h = self.rec.decoder.hidden(&batch, &self.kv)?;
            let len = group[0].len();
            for b in 0..group.len() {
                let last = (b * len + len - 1) * width;
                hidden.extend_from_slice(&h[last..last + width]);
            }
        }
        self.keep(missing.into_iter().cloned().collect(), &hidden)?;
        Ok(prefixes.iter().map(|p| self.rows[p].clone()).collect())
    }

    /// Logits after the prompt and every prefix of each form (the forms' own tokens, no
    /// prompt): one body run per length of form (every position of prompt + form), one
    /// projection of the rows not cached.
    fn form_rows<'f>(
        &mut self,
        prompt: &[u32],
        forms: impl Iterator<Item = &'f Vec<u32>>,
    ) -> Result<()> {
        let mut forms: Vec<&Vec<u32>> = forms.collect();
        forms.sort_by_key(|f| f.len());
        forms.dedup();
        let width = self.rec.decoder.width();
        let (mut wanted, mut hidden): (Vec<Vec<u32>>, Vec<f32>) = (Vec::new(), Vec::new());
        for group in forms.chunk_by(|a, b| a.len() == b.len()) {
            let seqs: Vec<Vec<u32>> = group
                .iter()
                .map(|f| prompt.iter().chain(f.iter()).copied().collect())
                .collect();
            let len = seqs[0].len();
            let needs = |p: &[u32], wanted: &[Vec<u32>]| {
                !self.rows.contains_key(p) && !wanted.iter().any(|w| w == p)
            };
            if !seqs
                .iter()
                .any(|s| (prompt.len()..=len).any(|j| needs(&s[..j], &wanted)))
            {
                continue;
            }
            let batch: Vec<&[u32]> = seqs.iter().map(Vec::as_slice).collect();
            let h = self.rec.decoder.hidden(&batch, &self.kv)?;
            for (b, seq) in seqs.iter().enumerate() {
                for j in prompt.len()..=len {
                    if needs(&seq[..j], &wanted) {
                        let row = (b * len + j - 1) * width;
                        hidden.extend_from_slice(&h[row..row + width]);
                        wanted.push(seq[..j].to_vec());
                    }
                }
            }
        }
        self.keep(wanted, &hidden)
    }

    /// Projects hidden rows (one per prefix) and caches the logits by prefix.
    fn keep(&mut self, prefixes: Vec<Vec<u32>>, hidden: &[f32]) -> Result<()> {
        if prefixes.is_empty() {
            return Ok(());
        }
        let logits = self.rec.decoder.project(hidden)?;
        let vocab = logits.len() / prefixes.len();
        for (p, row) in prefixes.into_iter().zip(logits.chunks_exact(vocab)) {
            self.rows.insert(p, row.to_vec());
        }
        Ok(())
    }
}
