//! The current source's audio as the front sees it: the partial VAD frame, and a window of
//! recent samples long enough to cut any word (plus its context) from.

use std::ops::Range;

/// One source's running audio state.
#[derive(Debug)]
pub struct SourceAudio {
    /// Samples of the current, incomplete VAD frame.
    pub frame: Vec<f32>,
    /// Samples of this source processed so far (complete frames).
    pub pos: usize,
    /// Recent samples; `history[0]` is sample `history_start` of the source.
    history: Vec<f32>,
    history_start: usize,
}

impl SourceAudio {
    /// A source with VAD frames of `frame_len` samples.
    pub fn new(frame_len: usize) -> Self {
        Self {
            frame: Vec::with_capacity(frame_len),
            pos: 0,
            history: Vec::new(),
            history_start: 0,
        }
    }

    /// Moves the completed frame into the history.
    pub fn commit_frame(&mut self) {
        self.history.extend_from_slice(&self.frame);
        self.pos += self.frame.len();
        self.frame.clear();
    }

    /// The samples `[start - context, end)` (clamped to what is kept) and, within them, the
    /// range of the word `[start, end)`.
    pub fn cut(&self, start: usize, end: usize, context: usize) -> (Vec<f32>, Range<usize>) {
        let lo = start.max(self.history_start) - self.history_start;
        let hi = end.min(self.pos).saturating_sub(self.history_start).max(lo);
        let ctx_lo = lo.saturating_sub(context);
        (self.history[ctx_lo..hi].to_vec(), lo - ctx_lo..hi - ctx_lo)
    }

    /// Drops samples older than `keep` once twice that many are held.
    pub fn trim(&mut self, keep: usize) {
        if self.history.len() > 2 * keep {
            let cut = self.history.len() - keep;
            self.history.drain(..cut);
            self.history_start += cut;
        }
    }
}
