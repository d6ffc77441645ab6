//! `run`'s progress bar: drawn on stderr when stderr is a terminal (a pseudo-terminal made
//! by util-linux `script`), never on stdout, gone with `--quiet` and when stderr is a pipe.

mod common;

use std::path::Path;
use std::process::Command;

/// Runs `groundprobe run --json ARGS DIR` with stderr on a pseudo-terminal and stdout in a
/// file; returns (what the terminal showed, stdout).
fn on_a_terminal(extra: &str, dir: &Path) -> Option<(String, String)> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: util-linux `script` is not installed");
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (log, out) = (tmp.path().join("terminal"), tmp.path().join("stdout"));
    let cmd = format!(
        "GROUNDPROBE_MODELS='{}' '{}' run --json --lexicon digits {extra} '{}' > '{}'",
        common::models().display(),
        env!("CARGO_BIN_EXE_groundprobe"),
        dir.display(),
        out.display()
    );
    let status = Command::new("script")
        .args(["-qec", &cmd])
        .arg(&log)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
        .status;
    assert!(status.success(), "{cmd}");
    Some((
        String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned(),
        std::fs::read_to_string(&out).unwrap(),
    ))
}

#[cfg(unix)]
#[test]
fn the_bar_shows_on_a_terminal_only_and_stdout_stays_json() {
    let Some(fsdd) = common::fsdd() else { return };
    let dir = tempfile::tempdir().unwrap();
    for d in 0..10 {
        let f = format!("{d}_theo_0.wav");
        std::os::unix::fs::symlink(fsdd.join(&f), dir.path().join(&f)).unwrap();
    }
    let Some((terminal, stdout)) = on_a_terminal("", dir.path()) else {
        return;
    };
    assert!(
        terminal.contains("ETA") && terminal.contains('%'),
        "{terminal}"
    );
    assert!(
        terminal.contains("0_theo_0.wav"),
        "names the file: {terminal}"
    );
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("only JSON on stdout"))
        .collect();
    assert_eq!(lines.last().unwrap()["type"], "summary");

    let (terminal, _) = on_a_terminal("--quiet", dir.path()).unwrap();
    assert!(!terminal.contains("ETA"), "{terminal}");

    // stderr a pipe: no bar.
    let out = Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .env("GROUNDPROBE_MODELS", common::models())
        .args(["run", "--json", "--lexicon", "digits"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ETA"));
}
