//! Every input the fuzzers (scripts/fuzz/) found a crash, hang or wrong answer with,
//! replayed through the same public API: each now gives a one-line error naming its file.
//! Inputs live in tests/fixtures/fuzz/<target>/ (so far only `text_table` found any).

use std::path::{Path, PathBuf};

use groundprobe::probe::TextTable;

/// The saved inputs of one fuzz target.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    found.sort();
    found
}

/// An error must be one line naming `origin` once.
fn named(result: Result<(), groundprobe::Error>, origin: &str, input: &Path) -> Option<String> {
    let msg = result.err()?.to_string();
    assert_eq!(msg.matches(origin).count(), 1, "{}: {msg}", input.display());
    assert!(!msg.contains('\n'), "{}: {msg}", input.display());
    Some(msg)
}

#[test]
fn text_table_inputs_load_or_are_refused_by_name() {
    let found = inputs("text_table");
    assert!(
        !found.is_empty(),
        "the nested-bracket header inputs are committed"
    );
    for (input, bytes) in found {
        // As the fuzz target splits it: word-list length, word list, `.npy` bytes.
        let split = usize::from(u16::from_le_bytes([bytes[0], bytes[1]])).min(bytes.len() - 2);
        let (words, npy) = bytes[2..].split_at(split);
        let words = String::from_utf8_lossy(words);
        let r = TextTable::parse("fuzz", Path::new("fuzz.npy"), npy, &words).map(drop);
        let msg = named(r, "fuzz.npy", &input).expect("a nested-bracket header is refused");
        assert!(msg.contains("not a flat"), "{msg}");
    }
}
