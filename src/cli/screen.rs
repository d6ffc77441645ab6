//! What `demo` and `live` share to set up the screen.

use std::path::Path;

use anyhow::Context;
use groundprobe::engine::Engine;
use groundprobe::ui::{EncoderSetup, WordGroups};

use super::EngineArgs;

/// The screen's view of the engine's encoders.
pub fn encoder_setups(engine: &Engine) -> Vec<EncoderSetup> {
    engine
        .encoders()
        .iter()
        .map(|e| EncoderSetup {
            name: e.name().to_string(),
            grounded: e.manifest().grounded,
            layers: e.layer_names(),
            neighbour_layer: Some(e.manifest().neighbour_layer_index()),
        })
        .collect()
}

/// The word table (semantic category, phonetic group): `words.tsv` in `dir` if given and
/// present, else the bundled demo table, else an empty table.
pub fn load_groups(engine: &EngineArgs, dir: Option<&Path>) -> anyhow::Result<WordGroups> {
    let candidates = dir
        .map(|d| d.join("words.tsv"))
        .into_iter()
        .chain(std::iter::once(
            engine.models_dir().join("demo").join("words.tsv"),
        ));
    for path in candidates {
        if path.is_file() {
            return WordGroups::load(&path)
                .with_context(|| format!("loading the word table {}", path.display()));
        }
    }
    Ok(WordGroups::new())
}
