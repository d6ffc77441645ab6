//! Clearing a session and undoing the clear: the probes are refilled from the vectors
//! they hold, so nothing is encoded again.

use super::{Engine, ReferenceWord};
use crate::model::WordVectors;
use crate::probe::Probe;

impl Engine {
    /// Forgets every session word; the reference bank stays (restored without
    /// re-encoding), as do models, settings and the prompt position. The words forgotten
    /// are kept for [`Engine::undo_clear`].
    pub fn clear(&mut self) {
        let forgotten = self.words_from(0);
        let reference = std::mem::take(&mut self.reference);
        self.refill(&reference);
        self.cleared = Some((forgotten, reference.len()));
        self.reference = reference;
    }

    /// Undoes the last clear: the words it forgot come back in their order (without
    /// re-encoding), followed by the words said since, numbered on from them. Returns
    /// false when there is no clear to undo.
    pub fn undo_clear(&mut self) -> bool {
        let Some((mut words, kept)) = self.cleared.take() else {
            return false;
        };
        words.extend(self.words_from(kept));
        self.refill(&words);
        true
    }

    /// Words `from..` with their vectors as the probes hold them.
    pub(super) fn words_from(&self, from: usize) -> Vec<ReferenceWord> {
        (from.max(self.words.first())..self.words.len())
            .map(|i| ReferenceWord {
                label: self.words.label(i),
                speaker: self.words.speaker(i),
                vectors: self
                    .probes
                    .iter()
                    .map(|p| WordVectors {
                        layers: p.as_ref().map_or_else(Vec::new, |p| {
                            (0..p.layer_names().len())
                                .map(|l| p.bank().vector(l, i).to_vec())
                                .collect()
                        }),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Empties the probes and the word list, then takes `words` in order.
    pub(super) fn refill(&mut self, words: &[ReferenceWord]) {
        self.probes.iter_mut().flatten().for_each(Probe::clear);
        self.words.clear();
        for word in words {
            let (label, speaker) = (word.label.as_deref(), word.speaker.as_deref());
            for (probe, v) in self.probes.iter_mut().zip(&word.vectors) {
                if let Some(p) = probe.as_mut() {
                    // The probe took these vectors before, so their widths match.
                    let _ = p.push_spoken(label, speaker, &v.layers);
                }
            }
            self.words.push(word.label.clone(), word.speaker.clone());
        }
    }
}
