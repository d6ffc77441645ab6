//! Engine settings: segmentation, neighbours, slicing, the lexicon and text tables.

use std::sync::Arc;

use super::heard::Mismatch;
use super::segment::SegmentParams;
use crate::probe::{Lexicon, TextTable};

/// Engine settings.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Word segmentation.
    pub segment: SegmentParams,
    /// Neighbours reported per word and encoder.
    pub k: usize,
    /// Put every layer's pooled vector into word events.
    pub keep_vectors: bool,
    /// How a word's vectors are taken from the stream.
    pub slicing: Slicing,
    /// Word categories, phonetic groups and pronunciations for the probe.
    pub lexicon: Arc<Lexicon>,
    /// Text-side word vectors for speech–text CKA.
    pub text_tables: Vec<Arc<TextTable>>,
    /// The prompt list that [`crate::labels::Labels::Prompted`] sources take labels from.
    pub prompts: Vec<String>,
    /// The label of a prompted word the recogniser heard as another word.
    pub mismatch: Mismatch,
    /// The most words the probes hold (`--max-words`): past it the oldest leave, and the
    /// metrics are those of the most recent words. `None`: every word stays.
    pub max_words: Option<usize>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            segment: SegmentParams::default(),
            k: 5,
            keep_vectors: false,
            slicing: Slicing::Audio,
            lexicon: Arc::new(Lexicon::paper()),
            text_tables: Vec::new(),
            prompts: Vec::new(),
            mismatch: Mismatch::Drop,
            max_words: None,
        }
    }
}

/// The paper's two ways of getting a word's vector from speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Slicing {
    /// Cut the word's samples and encode them alone.
    #[default]
    Audio,
    /// Encode the running audio up to the word's end (with `context_ms` before the word)
    /// and pool only the frames inside the word: context-aware.
    Features {
        /// Audio before the word's start that the encoder also sees.
        context_ms: u32,
    },
}

impl Slicing {
    /// Audio before the word the encoder hears (0 for audio slicing).
    pub fn context_ms(self) -> u32 {
        match self {
            Slicing::Audio => 0,
            Slicing::Features { context_ms } => context_ms,
        }
    }
}
