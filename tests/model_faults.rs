//! Faulty manifests, built in a temporary folder around the real model files: each is
//! refused on load, without a panic, in one line naming the manifest once and the field
//! at fault; a broken manifest in a models folder blocks no other model.

use std::path::{Path, PathBuf};

use groundprobe::model::manifest::ModelKind;
use groundprobe::model::registry::Registry;
use groundprobe::model::vad::Vad;
use groundprobe::model::{Encoder, Manifest};

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

/// The real manifest of `model` (a folder under models/), with every line starting with
/// a key in `replace` swapped for the given line, and the files it names made absolute.
fn edited(model: &str, replace: &[(&str, &str)]) -> String {
    let dir = models().join(model);
    let text = std::fs::read_to_string(dir.join("manifest.toml")).unwrap();
    let mut section = String::new();
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with('[') {
            section = line.to_string();
        }
        let key = line.split('=').next().unwrap_or("").trim();
        let keyed = format!("{section}{key}");
        let line = match replace
            .iter()
            .find(|(k, _)| *k == keyed || (*k == key && section.is_empty()))
        {
            Some((_, new)) => new.to_string(),
            None if key == "file" => {
                let name = line.split('"').nth(1).unwrap();
                format!("file = \"{}\"", dir.join(name).display())
            }
            None => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Writes `text` as `name/manifest.toml` under `root`; its path.
fn write(root: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(root.join(name)).unwrap();
    let path = root.join(name).join("manifest.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The error's message: one line, naming `manifest` once, containing every `want`.
fn one_line(err: groundprobe::Error, manifest: &Path, want: &[&str]) -> String {
    let msg = err.to_string();
    let shown = manifest.display().to_string();
    assert_eq!(msg.matches(&shown).count(), 1, "names {shown} once: {msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
    for w in want {
        assert!(msg.contains(w), "{w:?} missing from: {msg}");
    }
    msg
}

fn encoder_err(text: &str) -> (groundprobe::Error, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "enc", text);
    let Err(e) = Encoder::load(&path) else {
        panic!("{} loaded", path.display())
    };
    (e, path, dir)
}

fn vad_err(text: &str) -> (groundprobe::Error, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "vad", text);
    let Err(e) = Vad::load(&path) else {
        panic!("{} loaded", path.display())
    };
    (e, path, dir)
}

#[test]
fn the_edited_manifests_load_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    Encoder::load(&write(dir.path(), "e", &edited("speech-embedding", &[]))).unwrap();
    Vad::load(&write(dir.path(), "v", &edited("silero-vad", &[]))).unwrap();
}

#[test]
fn a_zero_mel_hop_or_window_is_named() {
    for field in ["hop", "win", "n_mels"] {
        let (e, path, _d) = encoder_err(&edited(
            "speech-embedding",
            &[(&format!("[frontend]{field}"), &format!("{field} = 0"))],
        ));
        one_line(e, &path, &[&format!("[frontend] {field} must be positive")]);
    }
}

#[test]
fn a_mel_hop_or_window_the_mel_model_disagrees_with_is_named() {
    for (field, value) in [("hop", "80"), ("win", "1024")] {
        let (e, path, _d) = encoder_err(&edited(
            "speech-embedding",
            &[(&format!("[frontend]{field}"), &format!("{field} = {value}"))],
        ));
        one_line(
            e,
            &path,
            &[
                "[frontend] hop = ",
                "melspectrogram.onnx gives",
                "does not match",
            ],
        );
    }
}

#[test]
fn an_outlet_the_model_lacks_names_its_layer_and_the_nearest_outlets() {
    let text = edited("speech-embedding", &[]).replace(
        "model/max_pooling2d_1/MaxPool:0",
        "model/max_pooling2d_1/MaxPoool:0",
    );
    let (e, path, _d) = encoder_err(&text);
    one_line(
        e,
        &path,
        &[
            "[[layers]] entry 2 (`block2`)",
            "outlet `model/max_pooling2d_1/MaxPoool:0` is not in ",
            "embedding_model.onnx; the model has 236 outlets",
            "nearest: `model/max_pooling2d_1",
        ],
    );
}

#[test]
fn a_mel_file_that_is_not_a_mel_model_is_named() {
    let vad = models().join("silero-vad/silero_vad_openvino_16k.onnx");
    let sha = groundprobe::model::manifest::sha256_file(&vad).unwrap();
    let (e, path, _d) = encoder_err(&edited(
        "speech-embedding",
        &[
            ("[frontend]file", &format!("file = \"{}\"", vad.display())),
            ("[frontend]sha256", &format!("sha256 = \"{sha}\"")),
        ],
    ));
    one_line(e, &path, &["[frontend]", "silero_vad_openvino_16k.onnx"]);
}

#[test]
fn a_vad_manifest_on_another_model_says_it_is_not_a_vad() {
    let other = models().join("speech-embedding/embedding_model.onnx");
    let sha = groundprobe::model::manifest::sha256_file(&other).unwrap();
    let (e, path, _d) = vad_err(&edited(
        "silero-vad",
        &[
            ("file", &format!("file = \"{}\"", other.display())),
            ("sha256", &format!("sha256 = \"{sha}\"")),
        ],
    ));
    one_line(
        e,
        &path,
        &[
            "embedding_model.onnx has 1 input(s) and 1 output(s)",
            "a VAD model takes",
        ],
    );
}

#[test]
fn zero_vad_fields_are_named() {
    for (field, want) in [
        ("frame", "[vad] frame must be positive"),
        ("context", "[vad] context must be positive"),
    ] {
        let (e, path, _d) = vad_err(&edited(
            "silero-vad",
            &[(&format!("[vad]{field}"), &format!("{field} = 0"))],
        ));
        one_line(e, &path, &[want]);
    }
    let (e, path, _d) = vad_err(&edited(
        "silero-vad",
        &[("[vad]state_shape", "state_shape = [2, 0, 128]")],
    ));
    one_line(e, &path, &["[vad] state_shape [2, 0, 128]"]);
}

#[test]
fn a_vad_state_shape_the_model_disagrees_with_is_named() {
    let (e, path, _d) = vad_err(&edited(
        "silero-vad",
        &[("[vad]state_shape", "state_shape = [2, 1, 64]")],
    ));
    one_line(
        e,
        &path,
        &[
            "[vad] state_shape = [2, 1, 64], but ",
            "silero_vad_openvino_16k.onnx takes a state of shape [2, 1, 128]",
        ],
    );
}

#[test]
fn a_vad_frame_the_model_disagrees_with_is_named() {
    let (e, path, _d) = vad_err(&edited("silero-vad", &[("[vad]frame", "frame = 500")]));
    one_line(
        e,
        &path,
        &[
            "[vad] context + frame = 64 + 500 = 564, but ",
            "silero_vad_openvino_16k.onnx takes audio of shape [1, 576]",
        ],
    );
}

#[test]
fn garbage_toml_gives_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bad",
        "name = \"x\"\nlicence = \"MIT\"\nsource\n",
    );
    let e = Manifest::parse(&path).unwrap_err();
    one_line(e, &path, &["line 3, column 7", "expected"]);
    let path = write(
        dir.path(),
        "typo",
        &edited("silero-vad", &[("[vad]frame", "frames = 512")]),
    );
    let e = Manifest::parse(&path).unwrap_err();
    one_line(e, &path, &["line 12, column 1", "unknown field `frames`"]);
}

#[test]
fn one_broken_manifest_blocks_no_other_model() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "silero-vad", &edited("silero-vad", &[]));
    write(
        dir.path(),
        "speech-embedding",
        &edited("speech-embedding", &[]),
    );
    let broken = write(
        dir.path(),
        "whisper-tiny-en",
        "name = \"whisper-tiny-en\"\nfile = \n",
    );
    let reg = Registry::scan(dir.path()).unwrap();
    assert_eq!(reg.manifests().len(), 2);
    assert_eq!(reg.broken().len(), 1);
    assert_eq!(reg.broken()[0].path, broken);
    let vad = reg.find("silero-vad", ModelKind::Vad).unwrap();
    Vad::load(&vad.path).unwrap();
    reg.check(reg.find("speech-embedding", ModelKind::Encoder).unwrap())
        .unwrap();
    // Asking for the broken one gives its own fault, not "no such model".
    let e = reg.find("whisper-tiny-en", ModelKind::Encoder).unwrap_err();
    one_line(e, &broken, &["line 2", "not a valid manifest"]);
    let e = reg
        .find("nothing", ModelKind::Encoder)
        .unwrap_err()
        .to_string();
    assert!(e.contains("available: speech-embedding"), "{e}");
    let unreadable = format!("unreadable: {}: line 2", broken.display());
    assert!(e.contains(&unreadable), "{e}");
}

#[test]
fn a_head_whose_backbone_is_missing_is_not_ok() {
    let dir = tempfile::tempdir().unwrap();
    let head = write(
        dir.path(),
        "whisper-grounded",
        &edited("grounded/whisper-grounded", &[]),
    );
    let reg = Registry::scan(dir.path()).unwrap();
    let m = reg.find("whisper-grounded", ModelKind::Encoder).unwrap();
    one_line(
        reg.check(m).unwrap_err(),
        &head,
        &["[frontend] backbone `whisper-tiny-en` is not among the models"],
    );
    write(
        dir.path(),
        "whisper-tiny-en",
        &edited("whisper-tiny-en", &[]),
    );
    let head = write(
        dir.path(),
        "whisper-grounded",
        &edited(
            "grounded/whisper-grounded",
            &[("[frontend]layer", "layer = \"layer9\"")],
        ),
    );
    let reg = Registry::scan(dir.path()).unwrap();
    let m = reg.find("whisper-grounded", ModelKind::Encoder).unwrap();
    one_line(
        reg.check(m).unwrap_err(),
        &head,
        &["[frontend] layer `layer9` is not a layer of backbone `whisper-tiny-en`"],
    );
}
