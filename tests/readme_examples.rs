//! The README's checked examples still say what the tool prints: each block marked
//! `<!-- checked by tests/readme_examples.rs … -->` is a `sh` command, run from the
//! repository root with `groundprobe` on the PATH, and a `text` block whose every line
//! must appear in its output.

mod common;

use std::path::Path;
use std::process::Command;

const MARK: &str = "<!-- checked by tests/readme_examples.rs";

/// (command, expected lines) of every checked example.
fn examples(readme: &str) -> Vec<(String, Vec<String>)> {
    let block = |text: &str, fence: &str| -> Option<(String, usize)> {
        let start = text.find(fence)? + fence.len();
        let len = text[start..].find("\n```")?;
        Some((text[start..start + len].to_string(), start + len + 4))
    };
    readme
        .match_indices(MARK)
        .map(|(at, _)| {
            let rest = &readme[at..];
            let (command, end) = block(rest, "```sh\n").expect("a sh block after the mark");
            let (output, _) = block(&rest[end..], "```text\n").expect("then a text block");
            (
                command.replace("\\\n", " "),
                output.lines().map(|l| l.trim_end().to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn checked_readme_examples_print_what_the_readme_shows() {
    if common::fsdd().is_none() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(!examples.is_empty(), "no checked example in the README");
    let bin = Path::new(env!("CARGO_BIN_EXE_groundprobe"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (command, want) in examples {
        let out = Command::new("bash")
            .args(["-c", &command])
            .current_dir(root)
            .env("PATH", &path)
            .env("GROUNDPROBE_MODELS", common::models())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<&str> = stdout.lines().map(str::trim_end).collect();
        for line in &want {
            assert!(
                got.contains(&line.as_str()),
                "{command}\nmissing line: {line}\nin:\n{stdout}"
            );
        }
    }
}
