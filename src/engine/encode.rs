//! Encoding one word with every encoder, in order: audio encoders on the word's samples,
//! heads on the pooled vector of their backbone's layer (resolved once, at start).

use std::ops::Range;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::model::{EncoderInfo, WordEncoder, WordVectors};

/// Where each encoder's input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// The word's audio.
    Audio,
    /// Encoder `encoder`'s pooled vector at `layer` (a head on a backbone).
    Vector {
        /// Index of the backbone among the engine's encoders.
        encoder: usize,
        /// Index of its layer.
        layer: usize,
    },
}

/// Resolves every head's backbone among the encoders listed before it.
///
/// # Errors
/// [`Error::Config`] (setting `encoders`) when a head's backbone is missing, listed after
/// it, or lacks the layer — the message says the order that works.
pub fn feeds(infos: &[EncoderInfo]) -> Result<Vec<Feed>> {
    infos
        .iter()
        .enumerate()
        .map(|(j, info)| {
            let Some((backbone, layer)) = &info.backbone else {
                return Ok(Feed::Audio);
            };
            let bad = |reason: String| Error::Config {
                setting: "encoders",
                reason,
            };
            let Some(i) = infos.iter().position(|e| &e.name == backbone) else {
                return Err(bad(format!(
                    "`{}` is a head on `{backbone}`, which is not loaded: list {backbone},{}",
                    info.name, info.name
                )));
            };
            if i > j {
                return Err(bad(format!(
                    "`{}` reads `{backbone}`'s layer {layer}, so `{backbone}` must come before it: \
                     list {backbone},{}",
                    info.name, info.name
                )));
            }
            let l = infos[i]
                .layers
                .iter()
                .position(|n| n == layer)
                .ok_or_else(|| {
                    bad(format!(
                        "`{}` reads layer `{layer}` of `{backbone}`, which has only {}",
                        info.name,
                        infos[i].layers.join(", ")
                    ))
                })?;
            Ok(Feed::Vector {
                encoder: i,
                layer: l,
            })
        })
        .collect()
}

/// Runs every encoder on one word: `(vectors, milliseconds)` per encoder.
///
/// # Errors
/// The first encoder's error.
pub fn encode_word(
    encoders: &mut [Box<dyn WordEncoder>],
    feeds: &[Feed],
    audio: &[f32],
    word: Range<usize>,
) -> Result<Vec<(WordVectors, f64)>> {
    let mut done: Vec<(WordVectors, f64)> = Vec::with_capacity(encoders.len());
    for (enc, feed) in encoders.iter_mut().zip(feeds) {
        let t = Instant::now();
        let vectors = match *feed {
            Feed::Audio => enc.encode_in_context(audio, word.clone())?,
            Feed::Vector { encoder, layer } => {
                let input = done
                    .get(encoder)
                    .and_then(|(v, _)| v.layers.get(layer))
                    .cloned()
                    .ok_or_else(|| Error::Config {
                        setting: "encoders",
                        reason: format!("`{}`'s backbone gave no vector", enc.info().name),
                    })?;
                enc.encode_vector(&input)?
            }
        };
        done.push((vectors, t.elapsed().as_secs_f64() * 1e3));
    }
    Ok(done)
}
