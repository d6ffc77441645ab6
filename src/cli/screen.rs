//! What `demo` and `live` share to set up the screen.

use groundprobe::engine::Engine;
use groundprobe::ui::{EncoderSetup, WordGroups};

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

/// The word table (semantic category, phonetic group) of the engine's lexicon.
pub fn word_groups(engine: &Engine) -> WordGroups {
    WordGroups::from_lexicon(engine.lexicon())
}
