//! `groundprobe models`: what models are installed, their licences, and whether their
//! files match their manifests.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use groundprobe::model::manifest::ModelKind;
use groundprobe::model::registry::{Registry, default_models_dir};

/// Options of `groundprobe models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// Folder holding the models (default: $GROUNDPROBE_MODELS or the bundled models/).
    #[arg(long, value_name = "DIR")]
    models: Option<std::path::PathBuf>,
}

/// Lists every manifest and checks each model file's checksum.
pub fn run(args: ModelsArgs) -> anyhow::Result<ExitCode> {
    let dir = args.models.unwrap_or_else(default_models_dir);
    let registry = Registry::scan(&dir)?;
    let mut bad = 0;
    let mut out = std::io::stdout().lock();
    let mut lines = Vec::new();
    for m in registry.manifests() {
        let status = match registry.check(m) {
            Ok(_) => "ok".to_string(),
            Err(e) => {
                bad += 1;
                format!("BROKEN: {e}")
            }
        };
        let kind = match (m.kind, m.grounded) {
            (ModelKind::Vad, _) => "vad",
            (ModelKind::Recogniser, _) => "recogniser",
            (ModelKind::Encoder, true) => "grounded",
            (ModelKind::Encoder, false) => "encoder",
        };
        lines.push(format!(
            "{:<22} {:<9} {:<11} {:>3} layers  {}  [{}]",
            m.name,
            kind,
            m.licence,
            m.layers.len(),
            m.source,
            status
        ));
    }
    for b in registry.broken() {
        bad += 1;
        lines.push(format!("{:<22} BROKEN: {}", b.path.display(), b.error));
    }
    if registry.manifests().is_empty() && registry.broken().is_empty() {
        anyhow::bail!(
            "{}: no model manifest (manifest.toml) found here",
            dir.display()
        );
    }
    for line in lines {
        // A closed pipe (`| head`) ends the listing quietly.
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
