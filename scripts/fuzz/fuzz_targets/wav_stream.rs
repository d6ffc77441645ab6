//! Streaming WAV decoding as from stdin (unknown data length allowed), in chunks whose
//! size the last input byte chooses (the whole input is the stream, so real WAV seeds stay
//! valid): an error is fine, a panic or hang is a bug, and the frames returned must add
//! up to what the stream says it read.
#![no_main]

use std::io::Cursor;
use std::path::Path;

use groundprobe::audio::wav::WavStream;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(&chunk) = data.last() else {
        return;
    };
    let reader = Cursor::new(data.to_vec());
    let Ok(mut wav) = WavStream::from_reader(Path::new("-"), reader, true) else {
        return;
    };
    let chunk = usize::from(chunk) * 37 + 1;
    let mut out = Vec::new();
    let mut total = 0u64;
    while let Ok(n) = wav.read(&mut out, chunk) {
        if n == 0 {
            break;
        }
        assert!(n <= chunk);
        total += n as u64;
        assert_eq!(out.len(), n);
        assert!(out.iter().all(|s| s.is_finite()));
        out.clear();
    }
    assert_eq!(total, wav.frames_read());
    if let Some(frames) = wav.info().frames {
        assert!(total <= frames);
    }
});
