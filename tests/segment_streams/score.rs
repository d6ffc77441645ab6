//! Sources of one-word recordings with known word spans, run through the real Silero VAD
//! and segmenter exactly as the engine runs them, and scored word by word.

use std::path::Path;

use groundprobe::audio::resample::resample_all;
use groundprobe::audio::wav;
use groundprobe::engine::segment::{Cut, Segment, SegmentParams, Segmenter};
use groundprobe::model::vad::{Vad, VadParams};

use crate::common;

/// The engine's sample rate.
pub const RATE: usize = 16_000;

/// One recording in a source: its extent and its word's, in samples at [`RATE`].
#[derive(Debug, Clone, Copy)]
pub struct Unit {
    pub start: usize,
    pub end: usize,
    pub word_start: usize,
    pub word_end: usize,
}

/// Audio at [`RATE`] fed to the engine as one source, with its recordings.
pub struct Source {
    pub name: String,
    pub samples: Vec<f32>,
    pub units: Vec<Unit>,
}

fn at_rate(seconds: f64) -> usize {
    (seconds * RATE as f64).round() as usize
}

fn resampled(name: &str, samples: &[f32], rate: u32) -> Vec<f32> {
    resample_all(samples, rate, RATE as u32).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Streams written by scripts/segment/make_streams.py (`NAME.wav` + `NAME.json`) whose
/// names start with `prefix`, in name order.
pub fn load_streams(dir: &Path, prefix: &str) -> Vec<Source> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| {
            let json = dir.join(n);
            let text = std::fs::read_to_string(&json).expect("read stream truth");
            let truth: serde_json::Value = serde_json::from_str(&text).expect("parse truth");
            let clip = wav::read(&json.with_extension("wav")).expect("read stream");
            let sec = |u: &serde_json::Value, k: &str| at_rate(u[k].as_f64().expect(k));
            let units = truth["units"]
                .as_array()
                .expect("units")
                .iter()
                .map(|u| Unit {
                    start: sec(u, "start"),
                    end: sec(u, "end"),
                    word_start: sec(u, "word_start"),
                    word_end: sec(u, "word_end"),
                })
                .collect();
            Source {
                name: n.trim_end_matches(".json").to_string(),
                samples: resampled(n, &clip.samples, clip.sample_rate),
                units,
            }
        })
        .collect()
}

/// FSDD digits by `speakers` in turn, joined with 300–900 ms of silence, with light
/// noise (about −55 dBFS) over everything: tests/segment_fsdd.rs's construction.
pub fn fsdd_stream(dir: &Path, speakers: &[&str], seed: u64, words: usize) -> Source {
    let mut rng = common::Rng::new(seed);
    let rate = 8_000u32;
    let (mut samples, mut spans) = (Vec::new(), Vec::new());
    for i in 0..words {
        let digit = rng.next_u64() % 10;
        let speaker = speakers[i % speakers.len()];
        let take = rng.next_u64() % 50;
        let clip = wav::read(&dir.join(format!("{digit}_{speaker}_{take}.wav"))).expect("FSDD");
        let gap = (rng.range(0.3, 0.9) * rate as f64) as usize;
        samples.extend(std::iter::repeat_n(0.0, gap));
        let (a, b) = common::speech_span(&clip.samples, rate);
        let s0 = samples.len();
        spans.push((s0, s0 + clip.samples.len(), s0 + a, s0 + b));
        samples.extend_from_slice(&clip.samples);
    }
    samples.extend(std::iter::repeat_n(0.0, rate as usize / 2));
    for s in &mut samples {
        *s += (rng.unit() as f32 - 0.5) * 0.006;
    }
    let k = |x: usize| x * RATE / rate as usize;
    Source {
        name: format!("fsdd-{}-{seed}", speakers.join("+")),
        samples: resampled("fsdd stream", &samples, rate),
        units: spans
            .into_iter()
            .map(|(s, e, a, b)| Unit {
                start: k(s),
                end: k(e),
                word_start: k(a),
                word_end: k(b),
            })
            .collect(),
    }
}

/// Every FSDD recording as its own source (name order), the word found by speech_span.
pub fn fsdd_files(dir: &Path) -> Vec<Source> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("FSDD folder")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let clip = wav::read(p).expect("FSDD file");
            let samples = resampled("fsdd file", &clip.samples, clip.sample_rate);
            let (a, b) = common::speech_span(&samples, RATE as u32);
            Source {
                name: p.file_stem().unwrap().to_string_lossy().into_owned(),
                units: vec![Unit {
                    start: 0,
                    end: samples.len(),
                    word_start: a,
                    word_end: b,
                }],
                samples,
            }
        })
        .collect()
}

/// Speech probability per frame, as the engine computes it: a new source resets the
/// VAD, the last partial frame is padded with zeros.
pub fn probs(vad: &mut Vad, gain: VadParams, source: &Source) -> Vec<f32> {
    vad.set_params(gain);
    vad.reset();
    let n = vad.frame_len();
    source
        .samples
        .chunks(n)
        .map(|c| {
            let mut frame = c.to_vec();
            frame.resize(n, 0.0);
            vad.process(&frame).expect("VAD")
        })
        .collect()
}

/// A segment with the frame count at which the segmenter decided it (`None`: at the end
/// of the source), the frame count of its first line (its provisional one when a
/// speculative close was confirmed), and the provisional closes of it withdrawn before.
pub struct Decided {
    pub seg: Segment,
    pub at_frame: Option<usize>,
    pub first_frame: Option<usize>,
    pub retracted: usize,
}

/// The segmenter over one source's probabilities, as the engine's front acts on it: a
/// final word confirms the provisional one with its start and end, and otherwise
/// withdraws it.
pub fn segments(params: SegmentParams, probs: &[f32]) -> Vec<Decided> {
    let frame = 512;
    let mut s = Segmenter::new(params, frame, RATE as u32);
    let mut out = Speculated::default();
    for (i, &p) in probs.iter().enumerate() {
        match s.push(p) {
            Some(Cut::Final(seg)) => out.close(seg, Some(i + 1)),
            Some(Cut::Provisional(seg)) => out.pending = Some((i + 1, seg)),
            Some(Cut::Retract) => {
                out.pending = None;
                out.retracted += 1;
            }
            None => {}
        }
    }
    if let Some(seg) = s.finish() {
        out.close(seg, None);
    }
    out.found
}

/// The words so far, the provisional close out (its frame count), and the closes
/// withdrawn since the last word.
#[derive(Default)]
struct Speculated {
    found: Vec<Decided>,
    pending: Option<(usize, Segment)>,
    retracted: usize,
}

impl Speculated {
    fn close(&mut self, seg: Segment, at: Option<usize>) {
        let first = match self.pending.take() {
            Some((f, p)) if (p.start, p.end) == (seg.start, seg.end) => Some(f),
            Some(_) => {
                self.retracted += 1;
                at
            }
            None => at,
        };
        self.found.push(Decided {
            seg,
            at_frame: at,
            first_frame: first,
            retracted: std::mem::take(&mut self.retracted),
        });
    }
}

/// Word counts over a set of sources, and what a listener waits.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Recordings that gave exactly one word, and only that word.
    pub exact: usize,
    /// Recordings that gave their word and more (a fragment, or the word in pieces).
    pub split: usize,
    /// Recordings whose word no segment touched.
    pub missed: usize,
    /// Recordings whose word came out joined with a neighbour's.
    pub merged: usize,
    /// Segments touching no recording's word (fragments of missed words, gap noise).
    pub extra: usize,
    /// Seconds from the end of the voiced word to the segmenter's decision, exact words.
    pub waits: Vec<f64>,
    /// The same to the word's first line (its provisional one, when confirmed).
    pub first_waits: Vec<f64>,
    /// Provisional lines written, and those retracted.
    pub provisional: usize,
    pub retracted: usize,
}

impl Tally {
    /// Recordings scored.
    pub fn units(&self) -> usize {
        self.exact + self.split + self.missed + self.merged
    }

    /// Adds another tally.
    pub fn add(&mut self, o: &Tally) {
        self.exact += o.exact;
        self.split += o.split;
        self.missed += o.missed;
        self.merged += o.merged;
        self.extra += o.extra;
        self.waits.extend(&o.waits);
        self.first_waits.extend(&o.first_waits);
        self.provisional += o.provisional;
        self.retracted += o.retracted;
    }

    /// The `q`-quantile of the waits in milliseconds (nearest rank), if any.
    pub fn wait_ms(&self, q: f64) -> Option<f64> {
        quantile_ms(&self.waits, q)
    }

    /// The same for the waits to the first line.
    pub fn first_wait_ms(&self, q: f64) -> Option<f64> {
        quantile_ms(&self.first_waits, q)
    }
}

fn quantile_ms(waits: &[f64], q: f64) -> Option<f64> {
    let mut w = waits.to_vec();
    w.sort_by(f64::total_cmp);
    let i = ((q * w.len() as f64).ceil() as usize).clamp(1, w.len().max(1)) - 1;
    w.get(i).map(|s| s * 1e3)
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// Scores one source's segments against its recordings.
///
/// A segment's speech is its span less the padding. It belongs to the recording it
/// overlaps most; a recording is exact when one segment touches its word and no other
/// segment belongs to it.
pub fn score(source: &Source, found: &[Decided], params: SegmentParams) -> Tally {
    let ms = |m: u32| m as usize * RATE / 1000;
    let core = |s: &Segment| {
        let a = if s.start == 0 {
            0
        } else {
            s.start + ms(params.pre_pad_ms)
        };
        let b = if s.truncated {
            s.end
        } else {
            s.end - ms(params.post_pad_ms)
        };
        (a, b.max(a))
    };
    let mut t = Tally::default();
    for d in found {
        t.retracted += d.retracted;
        t.provisional += d.retracted + usize::from(d.first_frame != d.at_frame);
    }
    let mut owner = vec![None; found.len()];
    for (k, d) in found.iter().enumerate() {
        let c = core(&d.seg);
        owner[k] = (0..source.units.len())
            .map(|u| (overlap(c, (source.units[u].start, source.units[u].end)), u))
            .filter(|&(o, _)| o > 0)
            .max()
            .map(|(_, u)| u);
        if owner[k].is_none() {
            t.extra += 1;
        }
    }
    let words_hit = |c: (usize, usize)| {
        source
            .units
            .iter()
            .filter(|u| overlap(c, (u.word_start, u.word_end)) > 0)
            .count()
    };
    for (u, unit) in source.units.iter().enumerate() {
        let word = (unit.word_start, unit.word_end);
        let on_word: Vec<usize> = (0..found.len())
            .filter(|&k| overlap(core(&found[k].seg), word) > 0)
            .collect();
        let fragments = (0..found.len())
            .filter(|&k| owner[k] == Some(u) && !on_word.contains(&k))
            .count();
        match on_word.as_slice() {
            [] => {
                t.missed += 1;
                t.extra += fragments;
            }
            [k] if fragments == 0 => {
                if words_hit(core(&found[*k].seg)) > 1 {
                    t.merged += 1;
                } else {
                    t.exact += 1;
                    let wait = |f: usize| {
                        (f * 512) as f64 / RATE as f64 - unit.word_end as f64 / RATE as f64
                    };
                    if let Some(f) = found[*k].at_frame {
                        t.waits.push(wait(f));
                    }
                    if let Some(f) = found[*k].first_frame {
                        t.first_waits.push(wait(f));
                    }
                }
            }
            _ => t.split += 1,
        }
    }
    t
}

/// One line per recording that did not give exactly its word: what was found near it.
pub fn explain(source: &Source, found: &[Decided], params: SegmentParams) -> Vec<String> {
    let s = |x: usize| x as f64 / RATE as f64;
    let mut out = Vec::new();
    for (u, unit) in source.units.iter().enumerate() {
        let one = Source {
            name: String::new(),
            samples: Vec::new(),
            units: vec![*unit],
        };
        let near: Vec<&Decided> = found
            .iter()
            .filter(|d| d.seg.end > unit.start && d.seg.start < unit.end)
            .collect();
        let t = score(&one, found, params);
        if t.exact == 1 {
            continue;
        }
        let segs: Vec<String> = near
            .iter()
            .map(|d| format!("{:.3}–{:.3}", s(d.seg.start), s(d.seg.end)))
            .collect();
        out.push(format!(
            "{} #{u}: recording {:.3}–{:.3}, word {:.3}–{:.3}; segments {}",
            source.name,
            s(unit.start),
            s(unit.end),
            s(unit.word_start),
            s(unit.word_end),
            segs.join(", ")
        ));
    }
    out
}
