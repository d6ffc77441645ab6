//! The decoder's view of a word's first token, for shortlisting candidate words cheaply.

use super::{Utterance, greedy};
use crate::error::Result;

impl Utterance<'_> {
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
}
