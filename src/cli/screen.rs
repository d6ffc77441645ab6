//! What `demo` and `live` share to set up the screen.

use groundprobe::engine::Engine;
use groundprobe::ui::{EncoderSetup, Mode, Setup, WordGroups};

/// The screen's starting state for `engine`'s encoders and lexicon.
pub fn setup(engine: &Engine, title: String, mode: Mode, neighbours_shown: usize) -> Setup {
    Setup {
        title,
        mode,
        encoders: engine
            .encoders()
            .iter()
            .map(|e| EncoderSetup {
                name: e.name.clone(),
                grounded: e.grounded,
                layers: e.layers.clone(),
                neighbour_layer: Some(e.neighbour_layer),
            })
            .collect(),
        prompts: Vec::new(),
        groups: WordGroups::from_lexicon(engine.lexicon()),
        neighbours_shown,
        max_words: engine.config().max_words,
    }
}
