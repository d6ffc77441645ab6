//! The `groundprobe` command: parse, run, print the error chain, exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("groundprobe: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
