//! Whole-file WAV decoding ([`WavStream::into_clip`], what `wav::read` does) of arbitrary
//! bytes: an error is fine, a panic, hang or huge allocation is a bug.
#![no_main]

use std::io::Cursor;
use std::path::Path;

use groundprobe::audio::wav::WavStream;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let reader = Cursor::new(data.to_vec());
    if let Ok(wav) = WavStream::from_reader(Path::new("fuzz.wav"), reader, false) {
        if let Ok(clip) = wav.into_clip() {
            assert!(
                clip.samples
                    .iter()
                    .all(|s| s.is_finite() && s.abs() <= 1.0 + 1e-6)
            );
        }
    }
});
