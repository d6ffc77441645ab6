//! Text-table loading (`.npy` array + word list) of arbitrary bytes: the first two bytes
//! give the word list's length, the word list follows, the rest is the `.npy` file.
#![no_main]

use std::path::Path;

use groundprobe::probe::TextTable;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else {
        return;
    };
    let split = usize::from(u16::from_le_bytes([*a, *b])).min(rest.len());
    let (words, npy) = rest.split_at(split);
    let Ok(words) = std::str::from_utf8(words) else {
        return;
    };
    if let Ok(t) = TextTable::parse("fuzz", Path::new("fuzz.npy"), npy, words) {
        assert_eq!(t.words().len(), t.len());
        assert!(t.mean().iter().all(|m| m.is_finite()));
    }
});
