//! `groundprobe devices`: the audio input devices this machine offers.

use std::process::ExitCode;

use clap::Args;

/// Options of `groundprobe devices`.
#[derive(Debug, Args)]
pub struct DevicesArgs {
    /// Every supported configuration range of each device, not only the default.
    #[arg(long)]
    all: bool,
}

/// Lists input devices with their default and supported configurations; none is a normal
/// answer (exit 0).
#[cfg(feature = "mic")]
pub fn run(args: DevicesArgs) -> anyhow::Result<ExitCode> {
    let devices = groundprobe::audio::mic::input_devices()?;
    if devices.is_empty() {
        println!("no audio input device found (`groundprobe demo` works without one)");
    }
    for d in devices {
        println!("{}  {}", d.id, d.description);
        match &d.default {
            Ok(default) => println!("    default: {default}"),
            Err(e) => println!("    cannot capture: {e}"),
        }
        if args.all {
            for r in &d.ranges {
                println!("    supports {r}");
            }
        } else if !d.ranges.is_empty() {
            println!(
                "    supports {} configurations (--all lists them)",
                d.ranges.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists input devices; this build cannot.
#[cfg(not(feature = "mic"))]
pub fn run(args: DevicesArgs) -> anyhow::Result<ExitCode> {
    let _ = args.all;
    anyhow::bail!("{}", super::live::NO_MIC_SUPPORT)
}
