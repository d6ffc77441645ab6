//! Records what the binary was built from (commit, target, rustc) for `groundprobe bench`.

use std::process::Command;

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    let commit =
        output("git", &["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc = output(&rustc, &["--version"]).unwrap_or_else(|| "unknown".into());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=GROUNDPROBE_COMMIT={commit}");
    println!("cargo:rustc-env=GROUNDPROBE_TARGET={target}");
    println!("cargo:rustc-env=GROUNDPROBE_RUSTC={rustc}");
    // A new commit moves HEAD's log; outside a plain checkout only this file matters.
    println!("cargo:rerun-if-changed=build.rs");
    for path in [".git/HEAD", ".git/logs/HEAD"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
