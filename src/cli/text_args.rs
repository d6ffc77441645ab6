//! `--text` and `--text-pooling`: the text vectors speech is compared with (CKA) — tables
//! on disk, or a text encoder run here on the words that need vectors.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use groundprobe::model::manifest::ModelKind;
use groundprobe::model::registry::Registry;
use groundprobe::model::{Pooling, TextEncoder};
use groundprobe::probe::TextTable;

use super::EngineArgs;
use super::engine_args::with_flag;

/// One `--text` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextArg {
    /// `none`: no text table, no CKA.
    None,
    /// `NAME=PATH`.
    Table(String, PathBuf),
    /// `MODEL[:LAYER]`: a text encoder, all its layers or one.
    Encoder(String, Option<String>),
}

/// `--text-pooling` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PoolingArg {
    /// The first word piece after [CLS].
    First,
    /// The mean over the word's pieces.
    Mean,
}

/// Parses one `--text` value.
pub fn parse_text_arg(s: &str) -> Result<TextArg, String> {
    let bad = || format!("`{s}` is not NAME=PATH, MODEL[:LAYER] or none");
    if s == "none" {
        return Ok(TextArg::None);
    }
    if let Some((name, path)) = s.split_once('=') {
        return match (name.is_empty(), path.is_empty()) {
            (false, false) => Ok(TextArg::Table(name.to_string(), path.into())),
            _ => Err(bad()),
        };
    }
    match s.split_once(':') {
        None if !s.is_empty() => Ok(TextArg::Encoder(s.to_string(), None)),
        Some((model, layer)) if !model.is_empty() && !layer.is_empty() => {
            Ok(TextArg::Encoder(model.to_string(), Some(layer.to_string())))
        }
        _ => Err(bad()),
    }
}

/// The bundled text tables: MiniLM's last layer (ungrounded text) and CLIP's text tower
/// (grounded text), as (name, file in <models>/text).
const BUNDLED_TEXT: [(&str, &str); 2] = [("minilm_l6", "minilm_l6.npy"), ("clip", "clip.npy")];

impl EngineArgs {
    /// Whether `--text` names a text encoder (whose tables grow with the words asked for).
    pub fn text_encoders_named(&self) -> bool {
        self.text.iter().any(|t| matches!(t, TextArg::Encoder(..)))
    }

    /// The text tables to compare with, in `--text` order: each table loaded, each text
    /// encoder run on the lexicon's words and `extra` words; without `--text`, the
    /// bundled tables present in <models>/text; none for `--text none`.
    ///
    /// # Errors
    /// `none` given with others; a table or encoder that cannot be loaded, or a layer the
    /// encoder does not have (each named with its `--text` value).
    pub fn load_text_tables(
        &self,
        registry: &Registry,
        extra: &[&str],
    ) -> anyhow::Result<Vec<Arc<TextTable>>> {
        if self.text.contains(&TextArg::None) {
            anyhow::ensure!(
                self.text.len() == 1,
                "--text none cannot be combined with other --text values"
            );
            return Ok(Vec::new());
        }
        if self.text.is_empty() {
            let dir = self.models_dir().join("text");
            return BUNDLED_TEXT
                .into_iter()
                .map(|(name, file)| (name, dir.join(file)))
                .filter(|(_, path)| path.is_file())
                .map(|(name, path)| load_table(name, &path))
                .collect();
        }
        let lexicon = self.load_lexicon()?;
        let mut words: Vec<&str> = lexicon.entries().iter().map(|e| e.word.as_str()).collect();
        words.extend_from_slice(extra);
        let mut tables = Vec::new();
        for t in &self.text {
            match t {
                TextArg::Table(name, path) => tables.push(load_table(name, path)?),
                TextArg::Encoder(model, layer) => {
                    let built = self.encode_text(registry, model, layer.as_deref(), &words)?;
                    tables.extend(built.into_iter().map(Arc::new));
                }
                TextArg::None => {}
            }
        }
        Ok(tables)
    }

    /// Runs text encoder `model` on `words`: one table per layer, or the one `layer`.
    /// Every error names the `--text` value once.
    fn encode_text(
        &self,
        registry: &Registry,
        model: &str,
        layer: Option<&str>,
        words: &[&str],
    ) -> anyhow::Result<Vec<TextTable>> {
        let m = registry.find(model, ModelKind::Text).map_err(with_flag)?;
        let flag = || format!("--text {model}");
        let mut encoder = TextEncoder::load(&m.path).with_context(flag)?;
        let layers: Vec<usize> = match layer {
            None => (0..encoder.layers().len()).collect(),
            Some(name) => {
                let at = encoder.layers().iter().position(|l| l == name);
                vec![at.with_context(|| {
                    let all = encoder.layers().join(", ");
                    format!("--text {model}:{name}: no layer `{name}` (layers: {all})")
                })?]
            }
        };
        let pooling = match self.text_pooling {
            PoolingArg::First => Pooling::First,
            PoolingArg::Mean => Pooling::Mean,
        };
        encoder
            .tables(words.iter().copied(), pooling, &layers)
            .with_context(flag)
    }
}

fn load_table(name: &str, path: &std::path::Path) -> anyhow::Result<Arc<TextTable>> {
    let t = TextTable::load(name, path).with_context(|| format!("loading --text {name}"))?;
    Ok(Arc::new(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_parse_as_tables_encoders_or_none() {
        let enc = |m: &str, l: Option<&str>| TextArg::Encoder(m.into(), l.map(String::from));
        assert_eq!(parse_text_arg("none"), Ok(TextArg::None));
        assert_eq!(
            parse_text_arg("clip=models/text/clip.npy"),
            Ok(TextArg::Table("clip".into(), "models/text/clip.npy".into()))
        );
        assert_eq!(parse_text_arg("minilm-l6"), Ok(enc("minilm-l6", None)));
        assert_eq!(
            parse_text_arg("minilm-l6:layer6"),
            Ok(enc("minilm-l6", Some("layer6")))
        );
        for bad in ["", "=x.npy", "name=", ":layer6", "minilm-l6:"] {
            assert!(parse_text_arg(bad).is_err(), "`{bad}`");
        }
    }
}
