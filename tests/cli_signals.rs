//! How a run ends from outside: a signal still writes the summary, a closed pipe ends it
//! quietly.

mod common;

use serde_json::Value;

#[test]
fn sigterm_during_a_run_still_writes_the_summary_marked_interrupted() {
    let Some(dir) = common::fsdd() else { return };
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .env("GROUNDPROBE_MODELS", common::models())
        .args(["run", "--json"])
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(4));
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143));
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .map(String::from)
        .unwrap();
    let summary: Value = serde_json::from_str(&last).unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["interrupted"], true);
    assert!(
        summary["words"].as_u64().unwrap() > 0,
        "covers what was processed"
    );
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_groundprobe"))
        .env("GROUNDPROBE_MODELS", common::models())
        .args(["demo", "--json", "--fast"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    std::io::BufRead::read_line(&mut out, &mut first).unwrap();
    drop(out); // like `| head -1`
    let done = child.wait_with_output().unwrap();
    assert!(first.starts_with("{\"type\":\"word\"") || first.contains("\"type\":\"word\""));
    assert!(done.status.success(), "{:?}", done.status);
    assert!(
        done.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}
