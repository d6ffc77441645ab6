//! Manifest parsing and validation of arbitrary text, against a fixed folder holding two
//! small files (`model.onnx`, `mel.onnx`) whose checksums the seeds name.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use groundprobe::model::Manifest;
use libfuzzer_sys::fuzz_target;

/// `model.onnx` holds `model` and `mel.onnx` holds `mel` (sha256 in the seed manifests).
static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir =
        std::env::temp_dir().join(format!("groundprobe-fuzz-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("model.onnx"), b"model").unwrap();
    std::fs::write(dir.join("mel.onnx"), b"mel").unwrap();
    dir
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = DIR.join("manifest.toml");
    if let Ok(m) = Manifest::parse_str(&path, text) {
        let _ = m.validate();
        let _ = m.neighbour_layer_index();
    }
});
