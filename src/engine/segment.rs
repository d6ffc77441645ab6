//! Words from voice-activity frames: onset/offset hysteresis, a silence hangover, padding,
//! minimum/maximum word lengths, and a confirmation level a word must reach.

/// Speech probability a word must reach somewhere to be kept. A recording's background
/// lifted by the VAD's gain gives brief stretches of 0.5–0.6 (issue 17); real words reach
/// 0.9 and more (measured in tests/segment_streams.rs: 0.6 removes 7 of 20 fragments on
/// 250 FSDD recordings in their own background and costs 2 of the 3,000 FSDD files one by
/// one; 0.8 removes 14 and costs 12). It must not exceed 0.6: quiet words peak there.
pub const CONFIRM_PROB: f32 = 0.6;

/// Speech probability a frame must fall below for a provisional close (`speculate_ms`):
/// a dip to just under the offset inside a word (a stop closure, a recording's
/// background) mostly comes back. Tuned on the tune streams of tests/segment_streams.rs
/// at 64 ms: no bound retracted 12.3% of provisional words on FSDD in its own background
/// and 12.3% on the 3,000 FSDD files; 0.25 7.5% / 6.0%; 0.18 4.8% / 4.2%; 0.12 0% / 0%
/// but only half the words got a provisional line.
pub const SPECULATE_BELOW: f32 = 0.18;

/// Segmenter parameters (all times in milliseconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentParams {
    /// Speech probability that starts a word.
    pub onset: f32,
    /// Probability below which a frame counts as silence inside a word.
    pub offset: f32,
    /// Silence that ends a word. Much shorter splits words at stop closures ('jacket');
    /// longer merges words: Silero's own tail adds ~80 ms, so 150 ms separates words
    /// 300 ms apart (measured on 900 FSDD digits joined with 300–900 ms gaps: 150 ms gave 4
    /// segmentation errors, 200 ms 6, 250 ms 11 on a 360-word subset).
    pub hangover_ms: u32,
    /// Shortest word kept; shorter blips are dropped.
    pub min_word_ms: u32,
    /// Longest word; a longer stretch of speech is cut here.
    pub max_word_ms: u32,
    /// Audio kept before the onset frame: Silero fires late on weak initial fricatives
    /// (the /s/ of 'seven' starts up to 150 ms before it).
    pub pre_pad_ms: u32,
    /// Audio kept after the last speech frame (weak final fricatives and bursts).
    pub post_pad_ms: u32,
    /// Silence after which a word is closed provisionally, before the hangover ends it
    /// (0: never), if the frame there is below [`SPECULATE_BELOW`]. If speech returns
    /// within the hangover the provisional word is retracted and the word goes on (see
    /// [`Cut`]).
    pub speculate_ms: u32,
}

impl Default for SegmentParams {
    fn default() -> Self {
        Self {
            onset: 0.5,
            offset: 0.35,
            hangover_ms: 150,
            min_word_ms: 120,
            max_word_ms: 2_000,
            pre_pad_ms: 160,
            post_pad_ms: 96,
            speculate_ms: 0,
        }
    }
}

impl SegmentParams {
    /// Checks that the parameters make sense together.
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming the offending parameter.
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |setting, reason: String| Err(crate::Error::Config { setting, reason });
        if !(0.0..=1.0).contains(&self.onset) {
            return bad("onset", format!("{} is not a probability", self.onset));
        }
        if !(0.0..=self.onset).contains(&self.offset) {
            return bad(
                "offset",
                format!(
                    "{} must be between 0 and the onset ({})",
                    self.offset, self.onset
                ),
            );
        }
        if self.max_word_ms <= self.min_word_ms {
            return bad(
                "max_word_ms",
                format!(
                    "{} must exceed the minimum word length ({} ms)",
                    self.max_word_ms, self.min_word_ms
                ),
            );
        }
        if self.speculate_ms > 0 && self.speculate_ms >= self.hangover_ms {
            return bad(
                "speculate_ms",
                format!(
                    "{} must be below the hangover ({} ms), or 0 for no provisional words",
                    self.speculate_ms, self.hangover_ms
                ),
            );
        }
        Ok(())
    }
}

/// What the segmenter decided at a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// A word ended (the hangover passed, the maximum length was reached, or the stream
    /// ended). If a provisional word is out and this is not its segment, that one is
    /// withdrawn.
    Final(Segment),
    /// `speculate_ms` of silence: the word has probably ended here. A `Final` with the
    /// same start and end confirms it; a `Retract` (or another `Final`) withdraws it.
    Provisional(Segment),
    /// Speech returned after a provisional close: that word is withdrawn and goes on.
    Retract,
}

/// A word found in the stream, in samples from the start of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// First sample (inclusive).
    pub start: usize,
    /// Last sample (exclusive).
    pub end: usize,
    /// True when the word was cut at the maximum length rather than ended by silence.
    pub truncated: bool,
    /// End of the last speech frame (before the post-padding).
    pub speech_end: usize,
    /// End of the frame at which the segmenter decided the word had ended.
    pub decided: usize,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Silence,
    /// Inside a word: its first and last speech frames, its highest probability, and
    /// whether it was closed provisionally since its last speech frame.
    Speech {
        first: usize,
        last: usize,
        peak: f32,
        provisional: bool,
    },
}

/// Turns per-frame speech probabilities into word segments.
#[derive(Debug, Clone)]
pub struct Segmenter {
    params: SegmentParams,
    frame: usize,
    rate: usize,
    state: State,
    next_frame: usize,
}

impl Segmenter {
    /// A segmenter for frames of `frame` samples at `rate` Hz (a zero for either is taken
    /// as 1 so nothing divides by zero; VAD manifests with `frame = 0` are refused on load).
    pub fn new(params: SegmentParams, frame: usize, rate: u32) -> Self {
        Self {
            params,
            frame: frame.max(1),
            rate: rate.max(1) as usize,
            state: State::Silence,
            next_frame: 0,
        }
    }

    /// True while inside a word.
    pub fn in_word(&self) -> bool {
        matches!(self.state, State::Speech { .. })
    }

    fn frames(&self, ms: u32) -> usize {
        (ms as usize * self.rate / 1000).div_ceil(self.frame)
    }

    fn segment(&self, first: usize, last: usize, truncated: bool) -> Option<Segment> {
        let samples = |ms: u32| ms as usize * self.rate / 1000;
        let start = (first * self.frame).saturating_sub(samples(self.params.pre_pad_ms));
        let speech_end = (last + 1) * self.frame;
        let end = speech_end
            + if truncated {
                0
            } else {
                samples(self.params.post_pad_ms)
            };
        let core_ms = (last + 1 - first) * self.frame * 1000 / self.rate;
        (core_ms >= self.params.min_word_ms as usize).then_some(Segment {
            start,
            end,
            truncated,
            speech_end,
            decided: self.next_frame * self.frame,
        })
    }

    /// Feeds the next frame's speech probability; returns what it decided there.
    pub fn push(&mut self, prob: f32) -> Option<Cut> {
        let i = self.next_frame;
        self.next_frame += 1;
        match self.state {
            State::Silence => {
                if prob >= self.params.onset {
                    self.state = State::Speech {
                        first: i,
                        last: i,
                        peak: prob,
                        provisional: false,
                    };
                }
                None
            }
            State::Speech {
                first,
                last,
                peak,
                provisional,
            } => {
                let speech = prob >= self.params.offset;
                let last = if speech { i } else { last };
                let peak = peak.max(prob);
                if i + 1 - first >= self.frames(self.params.max_word_ms) {
                    self.state = State::Silence;
                    return self.segment(first, i, true).map(Cut::Final);
                }
                if i - last >= self.frames(self.params.hangover_ms) {
                    self.state = State::Silence;
                    if peak < CONFIRM_PROB {
                        return None;
                    }
                    return self.segment(first, last, false).map(Cut::Final);
                }
                let mut cut = None;
                let provisional = if speech && provisional {
                    cut = Some(Cut::Retract);
                    false
                } else if !provisional
                    && self.params.speculate_ms > 0
                    && i - last == self.frames(self.params.speculate_ms)
                    && peak >= CONFIRM_PROB
                    && prob < SPECULATE_BELOW
                {
                    cut = self.segment(first, last, false).map(Cut::Provisional);
                    cut.is_some()
                } else {
                    provisional
                };
                self.state = State::Speech {
                    first,
                    last,
                    peak,
                    provisional,
                };
                cut
            }
        }
    }

    /// Ends the stream: a word still open is closed at its last speech frame.
    pub fn finish(&mut self) -> Option<Segment> {
        let state = std::mem::replace(&mut self.state, State::Silence);
        let seg = match state {
            State::Speech { first, last, .. } => self.segment(first, last, false),
            State::Silence => None,
        };
        self.next_frame = 0;
        seg
    }
}

#[cfg(test)]
mod tests;
