//! A source's transcript as its words take their labels: aligned to them by what was
//! heard when the recogniser runs ([`super::align`]), else given by position — and then a
//! transcript whose word count differs from the words found is reported, since its later
//! labels may be shifted.

use super::align::{Aligner, Taken};
use crate::labels::Labels;
use crate::summary::{PositionalLabels, Uneven};

/// Where a source's words are in its transcript.
#[derive(Debug, Clone, Default)]
pub(super) struct Place {
    /// The aligner, made at the first word heard.
    aligner: Option<Aligner>,
    /// Words in the transcript.
    said: usize,
    /// Final words given a positional label (or none: the transcript was used up).
    by_position: usize,
}

impl Place {
    /// At the start of a source with `labels`.
    pub(super) fn new(labels: &Labels) -> Self {
        Self {
            said: labels.remaining(),
            ..Self::default()
        }
    }

    /// The transcript label of a word heard as `is` (true for the transcript words it was
    /// heard as; never true when nothing was heard); `commit` false peeks.
    pub(super) fn align(
        &mut self,
        labels: &Labels,
        is: impl Fn(&str) -> bool,
        commit: bool,
    ) -> Taken {
        let aligner = self.aligner.get_or_insert_with(|| {
            Aligner::new(
                labels
                    .transcript_words()
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect(),
            )
        });
        aligner.take(is, commit)
    }

    /// The next positional label (`commit` false peeks).
    pub(super) fn by_position(&mut self, labels: &mut Labels, commit: bool) -> Option<String> {
        if commit {
            self.by_position += 1;
            labels.take_next()
        } else {
            labels.peek_next().map(str::to_owned)
        }
    }

    /// Transcript words no word took at the source's end: (missed before the place the
    /// words reached, left after it).
    pub(super) fn unused(&self, labels: &Labels) -> (usize, usize) {
        match &self.aligner {
            Some(a) => a.unused(),
            None => (0, labels.remaining()),
        }
    }

    /// Counts a source labelled by position into `tally`.
    pub(super) fn close_positional(&self, name: Option<&str>, tally: &mut PositionalLabels) {
        tally.sources += 1;
        if self.by_position != self.said {
            tally.uneven.push(Uneven {
                source: name.unwrap_or("-").to_string(),
                transcript_words: self.said,
                words_found: self.by_position,
            });
        }
    }
}
