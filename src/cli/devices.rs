//! `groundprobe devices`: the audio input devices this machine offers.

use std::process::ExitCode;

use clap::Args;

/// Options of `groundprobe devices`.
#[derive(Debug, Args)]
pub struct DevicesArgs {}

/// Lists input devices; none is a normal answer (exit 0).
#[cfg(feature = "mic")]
pub fn run(_args: DevicesArgs) -> anyhow::Result<ExitCode> {
    let devices = groundprobe::audio::mic::input_devices()?;
    if devices.is_empty() {
        println!("no audio input device found (`groundprobe demo` works without one)");
    }
    let width = devices.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
    for (id, desc) in devices {
        println!("{id:<width$}  {desc}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists input devices; this build cannot.
#[cfg(not(feature = "mic"))]
pub fn run(_args: DevicesArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("{}", super::live::NO_MIC_SUPPORT)
}
