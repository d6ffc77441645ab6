//! Streaming a decoded clip through the ring into the engine, exactly as a live source
//! would: a feeder thread writes native-rate samples, the engine thread resamples them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::audio::ENGINE_RATE;
use crate::audio::feed::{self, Pace};
use crate::audio::resample::StreamResampler;
use crate::audio::ring::ring;
use crate::audio::wav::Clip;
use crate::engine::{Engine, Labels};
use crate::error::{Error, Result};
use crate::event::{Event, SourceInfo};

/// Samples the ring holds: two seconds at 48 kHz.
pub const RING_CAPACITY: usize = 96_000;

/// Streams `clip` through a ring into `engine` as one source. `stop` ends it early.
///
/// # Errors
/// Resampling or model errors, or a feeder thread that cannot start.
pub fn run_clip(
    engine: &mut Engine,
    clip: &Clip,
    labels: Labels,
    pace: Pace,
    stop: &Arc<AtomicBool>,
    emit: &mut dyn FnMut(Event),
) -> Result<()> {
    let info = SourceInfo {
        name: clip.path.display().to_string(),
        sample_rate: clip.sample_rate,
        seconds: Some(clip.seconds()),
    };
    engine.begin_source(info, labels, emit);
    let (writer, mut reader) = ring(RING_CAPACITY);
    let samples: Arc<[f32]> = clip.samples.clone().into();
    let feeder = feed::spawn(samples, clip.sample_rate, writer, pace, stop.clone())
        .map_err(|e| Error::io(&clip.path, e))?;
    let mut resampler = StreamResampler::new(clip.sample_rate, ENGINE_RATE)?;
    let mut idle = || {
        std::thread::sleep(Duration::from_millis(1));
        !stop.load(Ordering::Relaxed)
    };
    let result = engine.run_ring(&mut reader, &mut resampler, emit, &mut idle);
    drop(reader);
    // The feeder only exits early when the reader is gone or stop is set; it cannot panic.
    let _ = feeder.join();
    result?;
    engine.end_source(emit)
}
