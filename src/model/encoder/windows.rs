//! The encoder's array work: padding short words, cutting mel windows, and mean-pooling
//! each layer's output into one vector.

use std::ops::Range;
use std::path::Path;

use tract_onnx::prelude::*;

use crate::error::{Error, Result};
use crate::model::frontend::Frames;
use crate::model::seam::WordVectors;

/// Centres `audio` in zeros so it is at least `min_len` samples long.
pub(super) fn pad_to(audio: &[f32], min_len: usize) -> Vec<f32> {
    if audio.len() >= min_len {
        return audio.to_vec();
    }
    let before = (min_len - audio.len()) / 2;
    let mut v = vec![0.0; min_len];
    v[before..before + audio.len()].copy_from_slice(audio);
    v
}

/// Window starts every `hop` frames, plus one flush with the end so the tail is covered.
pub(super) fn window_starts(frames: usize, window: usize, hop: usize) -> Vec<usize> {
    let last = frames.saturating_sub(window);
    let mut starts: Vec<usize> = (0..=last).step_by(hop).collect();
    if starts.last() != Some(&last) {
        starts.push(last);
    }
    starts
}

/// A batch `[windows, window, bins, 1]` of mel windows starting at `starts`.
pub(super) fn windows_input(
    frames: &Frames,
    starts: &[usize],
    window: usize,
) -> tract_ndarray::Array4<f32> {
    let mut input = tract_ndarray::Array4::<f32>::zeros((starts.len(), window, frames.bins, 1));
    for (n, &s) in starts.iter().enumerate() {
        // Frames past the end (a mel model giving fewer than one window) stay zero.
        for t in 0..window.min(frames.len().saturating_sub(s)) {
            for (b, &v) in frames.frame(s + t).iter().enumerate() {
                input[[n, t, b, 0]] = v;
            }
        }
    }
    input
}

/// Mean over every axis but the channel axis (batch included): one vector per output.
/// `frames` first restricts axis 1 (time, for sequence outputs `[1, T, C]`) to a range.
pub(super) fn pool_outputs(
    path: &Path,
    outputs: &[TValue],
    channel_axes: &[Option<usize>],
    frames: Option<Range<usize>>,
) -> Result<WordVectors> {
    let mut layers = Vec::with_capacity(outputs.len());
    for (out, axis) in outputs.iter().zip(channel_axes) {
        let full = out
            .to_plain_array_view::<f32>()
            .map_err(|e| Error::model(path, "reading a layer output", e))?;
        let view = match &frames {
            Some(r) if full.ndim() == 3 && full.shape()[1] > 0 => {
                let t = full.shape()[1];
                let r = r.start.min(t - 1)..r.end.clamp(r.start.min(t - 1) + 1, t);
                full.slice_axis(tract_ndarray::Axis(1), tract_ndarray::Slice::from(r))
            }
            _ => full,
        };
        let axis = axis.unwrap_or(view.ndim() - 1);
        if axis >= view.ndim() {
            return Err(Error::model(
                path,
                "pooling a layer",
                format!(
                    "channel axis {axis} but output has shape {:?}",
                    view.shape()
                ),
            ));
        }
        let channels = view.shape()[axis];
        let count = (view.len() / channels.max(1)) as f32;
        let mut v = vec![0.0f32; channels];
        for (c, lane) in view.axis_iter(tract_ndarray::Axis(axis)).enumerate() {
            v[c] = lane.sum() / count;
        }
        layers.push(v);
    }
    Ok(WordVectors { layers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_whole_word() {
        assert_eq!(window_starts(76, 76, 8), vec![0]);
        assert_eq!(window_starts(90, 76, 8), vec![0, 8, 14]);
        assert_eq!(window_starts(92, 76, 8), vec![0, 8, 16]);
    }

    #[test]
    fn short_audio_is_centred_in_silence() {
        assert_eq!(pad_to(&[1.0, 2.0], 6), vec![0.0, 0.0, 1.0, 2.0, 0.0, 0.0]);
        assert_eq!(pad_to(&[1.0; 8], 6).len(), 8);
    }
}
