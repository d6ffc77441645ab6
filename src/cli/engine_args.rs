//! Options shared by every subcommand that runs the engine, and building the engine.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use groundprobe::bench::memory;
use groundprobe::engine::heard::Mismatch;
use groundprobe::engine::listen::{Context as HearingContext, Listening, SNAP_MARGIN};
use groundprobe::engine::segment::SegmentParams;
use groundprobe::engine::{Engine, EngineConfig, Slicing};
use groundprobe::model::manifest::ModelKind;
use groundprobe::model::registry::{Registry, default_models_dir};
use groundprobe::model::{Encoder, Recogniser, Vad, WordEncoder};
use groundprobe::probe::Lexicon;

use super::text_args::{PoolingArg, TextArg, parse_text_arg};

/// `--slicing` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SlicingArg {
    /// Encode the word's own samples.
    Audio,
    /// Encode the running audio, pool the word's frames.
    Features,
}

/// `--recognise` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    /// Hear every word.
    On,
    /// Do not load the recogniser.
    Off,
}

/// `--recognise-context` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ContextArg {
    /// The vocabulary's words when they are few (at most 32 tokens), else the prompts, or
    /// a file's transcript, when they are; else none.
    Auto,
    /// The decoder hears each word with no expectation.
    None,
    /// The decoder first reads the lexicon's and prompts' words (biases it to them).
    Vocabulary,
}

/// `--mismatch` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MismatchArg {
    /// A prompted word heard as another word gets no label.
    Drop,
    /// It takes the word it was heard as.
    Heard,
}

/// Silence before a provisional word where someone watches (live, demo on screen): 2
/// voice-activity frames (README "Speculative close" has the measurements).
#[cfg(any(feature = "ui", feature = "mic"))]
pub const LISTENER_SPECULATE_MS: u32 = 64;

/// Models, encoders and segmentation.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// Folder holding the models (default: $GROUNDPROBE_MODELS or the bundled models/).
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Encoders to run side by side, by manifest name.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "whisper-tiny-en,whisper-grounded"
    )]
    pub encoders: Vec<String>,
    /// Voice-activity model, by manifest name.
    #[arg(long, default_value = "silero-vad")]
    pub vad: String,
    /// How a word's vectors are taken: `audio` encodes the word's samples alone;
    /// `features` encodes the running audio and pools the word's frames (context-aware).
    #[arg(long, value_enum, default_value_t = SlicingArg::Audio)]
    pub slicing: SlicingArg,
    /// Audio before a word that `--slicing features` lets the encoder hear (ms).
    #[arg(long, default_value_t = 2_000)]
    pub context_ms: u32,
    /// Word categories, phonetic groups and pronunciations: `paper` (the paper's 9
    /// categories and 14 groups), `digits` (FSDD labels 0–9), or a lexicon file.
    #[arg(long, default_value = "paper", value_name = "paper|digits|FILE")]
    pub lexicon: String,
    /// Text vectors for speech–text CKA: NAME=PATH.npy (a table, words in PATH.words.txt),
    /// or MODEL[:LAYER], a text encoder (e.g. `minilm-l6`: all its layers, one table each;
    /// `minilm-l6:layer6`: one) that encodes every lexicon word, and in `analyze` every
    /// label of the corpus. Repeat for several. Default: the bundled MiniLM (ungrounded) and
    /// CLIP (grounded) tables in <models>/text; `none`: no CKA.
    #[arg(long = "text", value_name = "NAME=PATH|MODEL[:LAYER]|none", value_parser = parse_text_arg)]
    pub text: Vec<TextArg>,
    /// How a text encoder (`--text MODEL`) pools a word's pieces: `first` (the piece after
    /// [CLS], the paper's choice) or `mean` (as the bundled tables are made).
    #[arg(long, value_enum, default_value_t = PoolingArg::First)]
    pub text_pooling: PoolingArg,
    /// Nearest neighbours reported per word and encoder.
    #[arg(short = 'k', long, default_value_t = 5)]
    pub k: usize,
    /// Speech probability that starts a word.
    #[arg(long, default_value_t = SegmentParams::default().onset)]
    pub onset: f32,
    /// Probability below which a frame counts as silence inside a word.
    #[arg(long, default_value_t = SegmentParams::default().offset)]
    pub offset: f32,
    /// Silence (ms) that ends a word; shorter values split words at stop closures.
    #[arg(long, default_value_t = SegmentParams::default().hangover_ms)]
    pub hangover_ms: u32,
    /// Shortest word kept (ms).
    #[arg(long, default_value_t = SegmentParams::default().min_word_ms)]
    pub min_word_ms: u32,
    /// Longest word (ms); longer speech is cut.
    #[arg(long, default_value_t = SegmentParams::default().max_word_ms)]
    pub max_word_ms: u32,
    /// Audio kept before each word's onset (ms); Silero fires late on initial /s/.
    #[arg(long, default_value_t = SegmentParams::default().pre_pad_ms)]
    pub pre_pad_ms: u32,
    /// Audio kept after each word's last speech frame (ms).
    #[arg(long, default_value_t = SegmentParams::default().post_pad_ms)]
    pub post_pad_ms: u32,
    /// Silence (ms) after which a word is shown provisionally, before the hangover ends
    /// it; retracted if speech goes on (JSON: `"final": false` lines, `retract` lines). 0
    /// turns it off. Default: live, and demo on screen, 64; run, demo --headless and
    /// bench, 0.
    #[arg(long, value_name = "MS")]
    pub speculate_ms: Option<u32>,
    /// Hear every word with Whisper tiny.en's decoder (on the Whisper encoder's output):
    /// free-mode words take the lexicon word heard, prompted words are checked against
    /// the prompt. Default: on for live and demo, and for run --labels heard; else off.
    #[arg(long, value_enum, value_name = "on|off")]
    pub recognise: Option<Switch>,
    /// The recogniser, by manifest name.
    #[arg(long, default_value = "whisper-tiny-en-decoder", value_name = "NAME")]
    pub recogniser: String,
    /// What the decoder reads before each word.
    #[arg(long, value_enum, default_value_t = ContextArg::Auto)]
    pub recognise_context: ContextArg,
    /// How far below the heard text, in nats, the best-scored vocabulary word may score and
    /// still be taken (larger snaps more near misses, and more words outside the vocabulary).
    #[arg(long, value_name = "NATS", default_value_t = SNAP_MARGIN)]
    pub snap_margin: f32,
    /// The label of a prompted word heard as another word.
    #[arg(long, value_enum, default_value_t = MismatchArg::Drop)]
    pub mismatch: MismatchArg,
    /// Hold at most this many words in the probes: past it the oldest leave, memory and
    /// the cost of a word stay flat, and the metrics are over the most recent N words
    /// (exact for them). Default: every word stays.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_words: Option<u64>,
    /// Prompted mode's word list (set by `live`, not a flag here).
    #[arg(skip)]
    pub prompts: Vec<String>,
    /// Hear words when `--recognise` is not given (set by [`EngineArgs::hearing`]).
    #[arg(skip)]
    pub hear_by_default: bool,
}

/// The flag behind a library setting, for error messages.
fn flag(setting: &str) -> String {
    format!("--{}", setting.replace('_', "-"))
}

/// Names the flag when the library rejects a setting.
pub(super) fn with_flag(e: groundprobe::Error) -> anyhow::Error {
    match e {
        groundprobe::Error::Config { setting, reason } => {
            anyhow::anyhow!("invalid {}: {reason}", flag(setting))
        }
        other => other.into(),
    }
}

impl EngineArgs {
    /// The lexicon named by `--lexicon`.
    pub fn load_lexicon(&self) -> anyhow::Result<Lexicon> {
        Ok(match self.lexicon.as_str() {
            "paper" => Lexicon::paper(),
            "digits" => Lexicon::digits(),
            path => Lexicon::load(path.as_ref()).context("loading --lexicon")?,
        })
    }

    /// The same, with the speculative close of a listener's view unless `--speculate-ms`
    /// says otherwise (live, demo on screen).
    #[cfg(any(feature = "ui", feature = "mic"))]
    pub fn speculating(mut self) -> Self {
        self.speculate_ms.get_or_insert(LISTENER_SPECULATE_MS);
        self
    }

    /// The same, hearing words unless `--recognise off` (live, demo) — when the encoder
    /// the recogniser reads is loaded (`--recognise on` insists).
    pub fn hearing(mut self) -> Self {
        self.hear_by_default = true;
        self
    }

    /// Segmentation parameters from the flags.
    pub fn segment_params(&self) -> SegmentParams {
        SegmentParams {
            onset: self.onset,
            offset: self.offset,
            hangover_ms: self.hangover_ms,
            min_word_ms: self.min_word_ms,
            max_word_ms: self.max_word_ms,
            pre_pad_ms: self.pre_pad_ms,
            post_pad_ms: self.post_pad_ms,
            speculate_ms: self.speculate_ms.unwrap_or(0),
        }
    }

    /// The models folder in use.
    pub fn models_dir(&self) -> PathBuf {
        self.models.clone().unwrap_or_else(default_models_dir)
    }

    /// Loads the voice-activity model and the encoders and builds the engine.
    pub fn build(&self, keep_vectors: bool) -> anyhow::Result<Engine> {
        Ok(self.build_timed(keep_vectors)?.0)
    }

    /// As [`EngineArgs::build`], also returning how long each model took to load (ms).
    pub fn build_timed(
        &self,
        keep_vectors: bool,
    ) -> anyhow::Result<(Engine, BTreeMap<String, f64>)> {
        memory::begin_loading();
        let mut load_ms = BTreeMap::new();
        let dir = self.models_dir();
        let registry = Registry::scan(&dir)
            .with_context(|| format!("reading the models folder {}", dir.display()))?;
        let vad_manifest = registry
            .find(&self.vad, ModelKind::Vad)
            .map_err(with_flag)?;
        let t = Instant::now();
        let vad = Vad::load(&vad_manifest.path).context("loading the voice-activity model")?;
        load_ms.insert(self.vad.clone(), t.elapsed().as_secs_f64() * 1e3);
        let mut encoders: Vec<Box<dyn WordEncoder>> = Vec::new();
        for name in &self.encoders {
            let m = registry.find(name, ModelKind::Encoder).map_err(with_flag)?;
            let t = Instant::now();
            let enc =
                Encoder::load(&m.path).with_context(|| format!("loading encoder `{name}`"))?;
            load_ms.insert(name.clone(), t.elapsed().as_secs_f64() * 1e3);
            encoders.push(Box::new(enc));
        }
        let slicing = match self.slicing {
            SlicingArg::Audio => Slicing::Audio,
            SlicingArg::Features => Slicing::Features {
                context_ms: self.context_ms,
            },
        };
        let config = EngineConfig {
            segment: self.segment_params(),
            k: self.k,
            keep_vectors,
            slicing,
            lexicon: Arc::new(self.load_lexicon()?),
            text_tables: self.load_text_tables(&registry, &[])?,
            prompts: self.prompts.clone(),
            mismatch: match self.mismatch {
                MismatchArg::Drop => Mismatch::Drop,
                MismatchArg::Heard => Mismatch::Heard,
            },
            max_words: self
                .max_words
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        };
        let mut engine = Engine::new(Box::new(vad), encoders, config).map_err(with_flag)?;
        let wanted = match self.recognise {
            Some(Switch::On) => true,
            Some(Switch::Off) => false,
            None => self.hear_by_default,
        };
        if wanted {
            let m = registry
                .find(&self.recogniser, ModelKind::Recogniser)
                .map_err(with_flag)?;
            let reads = m.recogniser.as_ref().map(|r| r.encoder.as_str());
            // By default, words are heard only when the encoder it decodes is loaded.
            if self.recognise.is_some()
                || reads.is_some_and(|e| self.encoders.iter().any(|n| n == e))
            {
                let t = Instant::now();
                let rec = Recogniser::from_manifest(m.clone())
                    .with_context(|| format!("loading recogniser `{}`", self.recogniser))?;
                let context = match self.recognise_context {
                    ContextArg::Auto => HearingContext::Auto,
                    ContextArg::None => HearingContext::None,
                    ContextArg::Vocabulary => HearingContext::Vocabulary,
                };
                let how = Listening {
                    context,
                    snap_margin: self.snap_margin,
                };
                engine.set_recogniser(rec, how).map_err(with_flag)?;
                load_ms.insert(self.recogniser.clone(), t.elapsed().as_secs_f64() * 1e3);
            }
        }
        memory::end_loading();
        Ok((engine, load_ms))
    }
}
