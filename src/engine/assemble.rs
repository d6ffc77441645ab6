//! An encoded word's way to events: its label, each encoder's probe updated, and the word
//! event (neighbours with their relations) and the metrics event assembled.

use std::collections::BTreeMap;
use std::time::Instant;

use super::Engine;
use super::ReferenceWord;
use super::front::EncodedWord;
use super::heard::Labelled;
use super::segment::Segment;
use crate::audio::ENGINE_RATE;
use crate::error::Result;
use crate::event::{Event, NeighbourInfo, PromptEvent, WordEvent};
use crate::labels::Labels;
use crate::probe::Probe;
use crate::timing::stage;

/// Prompts listed ahead on screen.
const UPCOMING: usize = 4;

impl Engine {
    pub(super) fn prompt_event(&self) -> Event {
        Event::Prompt(PromptEvent {
            next: self.prompts.taken(),
            upcoming: self.prompts.upcoming(UPCOMING),
        })
    }

    pub(super) fn emit_word(&mut self, word: EncodedWord, out: &mut Vec<Event>) -> Result<()> {
        let t0 = Instant::now();
        let EncodedWord {
            segment: seg,
            end,
            encoded,
            vad_ms,
            took,
            heard,
            ..
        } = word;
        let Labelled { label, prompt } =
            self.label_word(heard.as_ref().map(|(h, ms)| (h, *ms)), true);
        let src = self.current.get_or_insert_with(Default::default);
        let prompted = src.labels == Labels::Prompted;
        let speaker = src.labels.speaker().map(str::to_owned);
        let (file, reference) = (src.name.clone(), src.reference);
        let index = self.words.push(label.clone(), speaker.clone());

        let waited = waited_ms(seg.decided, seg.speech_end);
        self.stats.end_of_speech_ms.push(waited);
        let first = self.provisional.take().map_or(waited, |(_, ms)| ms);
        self.stats.first_line_ms.push(first);
        let mut timings = BTreeMap::from([("vad".to_string(), vad_ms)]);
        if let Some((_, ms)) = &heard {
            timings.insert(stage::RECOGNISE.to_string(), *ms);
        }
        let mut neighbours = BTreeMap::new();
        let mut embeddings = self.config.keep_vectors.then(BTreeMap::new);
        for (j, (vectors, encode_ms)) in encoded.iter().enumerate() {
            let info = &self.infos[j];
            timings.insert(format!("encode:{}", info.name), *encode_ms);
            let t = Instant::now();
            let probe = match &mut self.probes[j] {
                Some(p) => p,
                slot => {
                    let probe = Probe::new(
                        info.layers.clone(),
                        vectors.layers.iter().map(Vec::len).collect(),
                        self.config.lexicon.clone(),
                        self.config.text_tables.clone(),
                    )?;
                    slot.insert(match self.config.max_words {
                        Some(window) => probe.with_window(window)?,
                        None => probe,
                    })
                }
            };
            let i = probe.push_spoken(label.as_deref(), speaker.as_deref(), &vectors.layers)?;
            let infos = probe
                .nearest(info.neighbour_layer, i, self.config.k)
                .into_iter()
                .map(|n| NeighbourInfo {
                    index: n.index,
                    label: self.words.label(n.index),
                    similarity: n.similarity,
                    relation: probe.relation(i, n.index),
                })
                .collect();
            neighbours.insert(info.name.clone(), infos);
            let probe_took = t.elapsed();
            timings.insert(
                format!("probe:{}", info.name),
                probe_took.as_secs_f64() * 1e3,
            );
            if let Some(times) = self.timing.as_mut() {
                times.record(&format!("{}:{}", stage::PROBE, info.name), probe_took);
            }
            if let Some(e) = embeddings.as_mut() {
                let layers = info.layers.iter().cloned().zip(vectors.layers.clone());
                e.insert(info.name.clone(), layers.collect());
            }
        }
        if reference {
            self.reference.push(ReferenceWord {
                label: label.clone(),
                speaker: speaker.clone(),
                vectors: encoded.into_iter().map(|(v, _)| v).collect(),
            });
        }
        out.push(Event::Word(Box::new(WordEvent {
            label,
            prompt,
            heard: heard.map(|(h, _)| h),
            neighbours,
            embeddings,
            timings_ms: timings,
            ..word_line(index, file, &seg, end, true)
        })));
        out.push(self.metrics_event());
        // From the segmenter's decision: the encoders, then the probes and the metrics a
        // listener waits for.
        let latency = took + t0.elapsed();
        self.stats.word_latency_ms.push(latency.as_secs_f64() * 1e3);
        if prompted {
            out.push(self.prompt_event());
        }
        Ok(())
    }

    /// A provisional word's line: the label the next word would take (none is taken) and
    /// its neighbours among the words in the probes, which it does not enter. The final
    /// word that confirms it takes the same index.
    pub(super) fn emit_provisional(
        &mut self,
        word: EncodedWord,
        out: &mut Vec<Event>,
    ) -> Result<()> {
        let EncodedWord {
            segment: seg,
            end,
            encoded,
            vad_ms,
            heard,
            ..
        } = word;
        let Labelled { label, prompt } =
            self.label_word(heard.as_ref().map(|(h, ms)| (h, *ms)), false);
        let file = self.current.as_ref().and_then(|c| c.name.clone());
        let index = self.words.len();
        let mut timings = BTreeMap::from([("vad".to_string(), vad_ms)]);
        if let Some((_, ms)) = &heard {
            timings.insert(stage::RECOGNISE.to_string(), *ms);
        }
        let mut neighbours = BTreeMap::new();
        for ((info, probe), (vectors, encode_ms)) in
            self.infos.iter().zip(&self.probes).zip(&encoded)
        {
            timings.insert(format!("encode:{}", info.name), *encode_ms);
            let layer = info.neighbour_layer;
            let near = match (probe, vectors.layers.get(layer)) {
                (Some(p), Some(v)) if p.dims().get(layer) == Some(&v.len()) => p
                    .nearest_to(layer, v, self.config.k)
                    .into_iter()
                    .map(|n| NeighbourInfo {
                        index: n.index,
                        label: self.words.label(n.index),
                        similarity: n.similarity,
                        relation: p.relation_to(label.as_deref(), n.index),
                    })
                    .collect(),
                // The first word, or vectors the probe will refuse when they are final.
                _ => Vec::new(),
            };
            neighbours.insert(info.name.clone(), near);
        }
        self.stats.provisional += 1;
        self.provisional = Some((index, waited_ms(seg.decided, seg.speech_end)));
        out.push(Event::Word(Box::new(WordEvent {
            label,
            prompt,
            heard: heard.map(|(h, _)| h),
            neighbours,
            timings_ms: timings,
            ..word_line(index, file, &seg, end, false)
        })));
        Ok(())
    }
}

/// The word line of word `index` from `file` at `seg` (its end clamped to `end`), with
/// no label, neighbours, vectors or timings yet.
fn word_line(
    index: usize,
    file: Option<String>,
    seg: &Segment,
    end: usize,
    is_final: bool,
) -> WordEvent {
    let rate = f64::from(ENGINE_RATE);
    WordEvent {
        index,
        file,
        start: seg.start as f64 / rate,
        end: end as f64 / rate,
        label: None,
        prompt: None,
        heard: None,
        neighbours: BTreeMap::new(),
        embeddings: None,
        truncated: seg.truncated,
        is_final,
        decided_at: seg.decided as f64 / rate,
        timings_ms: BTreeMap::new(),
    }
}

/// Milliseconds of audio from the end of a word's speech to the segmenter's decision.
fn waited_ms(decided: usize, speech_end: usize) -> f64 {
    decided.saturating_sub(speech_end) as f64 * 1e3 / ENGINE_RATE as f64
}
