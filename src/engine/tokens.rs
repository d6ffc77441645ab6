//! The session's words as the offline analyses take them (`analyze`): label, speaker and
//! every layer's vector, in arrival order, for the words the probes hold.

use super::Engine;
use crate::analysis::{Encoder, Token};

impl Engine {
    /// The engine's encoders as [`crate::analysis`] sees them.
    pub fn analysis_encoders(&self) -> Vec<Encoder> {
        (self.infos.iter())
            .map(|e| Encoder {
                name: e.name.clone(),
                grounded: e.grounded,
                layers: e.layers.clone(),
            })
            .collect()
    }

    /// Every word held, oldest first, with its vectors from every encoder's probe.
    pub fn tokens(&self) -> Vec<Token> {
        (self.words_from(0).into_iter())
            .map(|w| Token {
                label: w.label,
                speaker: w.speaker,
                vectors: w.vectors.into_iter().map(|v| v.layers).collect(),
            })
            .collect()
    }
}
