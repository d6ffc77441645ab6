//! A readable table: one row per word with its nearest neighbours under each encoder,
//! then the summary with every encoder's per-layer metrics (the numbers of the JSON
//! summary: silhouettes, word identity, CKA per text table, word-pair means).

use std::io::Write;

use super::{Flow, Sink, closed_pipe_stops};
use crate::event::{Event, LayerMetrics, WordEvent};
use crate::summary::{EncoderSummary, Summary};

/// Writes words as table rows.
pub struct Table<W: Write> {
    out: W,
    neighbours_shown: usize,
}

impl<W: Write> Table<W> {
    /// A table writer showing up to `neighbours_shown` neighbours per encoder.
    pub fn new(out: W, neighbours_shown: usize) -> Self {
        Self {
            out,
            neighbours_shown,
        }
    }

    fn word(&mut self, w: &WordEvent) -> std::io::Result<()> {
        let label = w.label.as_deref().unwrap_or("?");
        writeln!(
            self.out,
            "#{:<4} {:>7.2}–{:<7.2} {:<12}",
            w.index, w.start, w.end, label
        )?;
        for (enc, ns) in &w.neighbours {
            let shown: Vec<String> = ns
                .iter()
                .take(self.neighbours_shown)
                .map(|n| {
                    format!(
                        "{}#{} {:.2}",
                        n.label.as_deref().unwrap_or("?"),
                        n.index,
                        n.similarity
                    )
                })
                .collect();
            writeln!(
                self.out,
                "      {enc:<18} {}",
                if shown.is_empty() {
                    "(first word)".into()
                } else {
                    shown.join("  ")
                }
            )?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for Table<W> {
    /// Writes a source's heading and each final word's row (other events are skipped).
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        let written = match &event {
            Event::SourceStarted(s) => writeln!(self.out, "── {} ({} Hz)", s.name, s.sample_rate),
            Event::Word(w) if w.is_final => self.word(w),
            _ => Ok(()),
        };
        written.map_or_else(closed_pipe_stops, |()| Ok(Flow::Continue))
    }

    /// Writes the closing lines (a closed pipe is not an error).
    fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
        match self.summary(summary) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

impl<W: Write> Table<W> {
    fn summary(&mut self, s: &Summary) -> std::io::Result<()> {
        writeln!(
            self.out,
            "{} words in {:.1} s of audio, processed in {:.2} s (real-time factor {:.3})",
            s.words, s.audio_seconds, s.processing_seconds, s.realtime_factor
        )?;
        if let Some(p) = s.word_latency_ms {
            writeln!(
                self.out,
                "word end → neighbours updated: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
                p.p50, p.p95, p.p99
            )?;
        }
        if s.dropped_samples > 0 {
            writeln!(self.out, "dropped samples: {}", s.dropped_samples)?;
        }
        if let Some(w) = s.window {
            writeln!(
                self.out,
                "metrics over the last {} words (--max-words; {} left the window)",
                w.max_words.min(s.words),
                w.evicted
            )?;
        }
        if let Some(t) = s.recognition.as_ref().and_then(|r| r.transcript) {
            writeln!(
                self.out,
                "transcripts aligned by what was heard: {} of {} words labelled ({} heard as \
                 their word, {} misheard); {} transcript words given to no word",
                t.aligned + t.misheard,
                t.aligned + t.misheard + t.unaligned,
                t.aligned,
                t.misheard,
                t.dropped + t.left
            )?;
        }
        if let Some(p) = s
            .labels_by_position
            .as_ref()
            .filter(|p| !p.uneven.is_empty())
        {
            let named: Vec<String> = (p.uneven.iter().take(3))
                .map(|u| {
                    format!(
                        "{} ({} vs {} found)",
                        u.source, u.transcript_words, u.words_found
                    )
                })
                .collect();
            writeln!(
                self.out,
                "labels by position: {} of {} transcripts differ in count from the words found \
                 (later labels may be shifted): {}{}",
                p.uneven.len(),
                p.sources,
                named.join(", "),
                if p.uneven.len() > 3 { ", …" } else { "" }
            )?;
        }
        for (name, enc) in &s.encoders {
            let layers: Vec<&LayerMetrics> = enc
                .layers
                .iter()
                .filter_map(|l| s.metrics.get(name)?.get(l))
                .collect();
            if !layers.is_empty() {
                self.encoder_metrics(name, enc, &layers)?;
            }
        }
        self.out.flush()
    }

    /// One encoder's per-layer table: silhouettes, word identity and CKA, then the
    /// word-pair means. `—`: not computable (too few labelled words, no table word).
    fn encoder_metrics(
        &mut self,
        name: &str,
        enc: &EncoderSummary,
        layers: &[&LayerMetrics],
    ) -> std::io::Result<()> {
        let first = layers[0];
        let id = first.word_identity;
        writeln!(
            self.out,
            "\n{name} ({}): {} words, {} labelled as {} distinct, {} speakers{}",
            if enc.grounded {
                "grounded"
            } else {
                "ungrounded"
            },
            first.words,
            id.tokens,
            id.words,
            id.speakers,
            if id.speakers == 0 {
                " (word top-1 leave-one-out)"
            } else {
                ""
            }
        )?;
        let tables: Vec<&String> = first.cka.keys().collect();
        let mut head = format!(
            "  {:<12} {:>7} {:>7} {:>7} {:>6}",
            "layer", "phon", "sem", "word", "top-1"
        );
        for t in &tables {
            head.push_str(&format!(" {:>10}", format!("cka:{t}")));
        }
        writeln!(self.out, "{head}")?;
        for l in layers {
            let mut row = format!(
                "  {:<12} {:>7} {:>7} {:>7} {:>6}",
                l.layer,
                num(l.silhouette_phonetic),
                num(l.silhouette_semantic),
                num(l.word_identity.silhouette),
                l.word_identity
                    .top1
                    .map_or("—".into(), |t| format!("{:.1}%", t * 100.0)),
            );
            for t in &tables {
                row.push_str(&format!(" {:>10}", num(l.cka.get(*t).copied().flatten())));
            }
            writeln!(self.out, "{row}")?;
        }
        writeln!(
            self.out,
            "  {:<12} {:>9} {:>9} {:>9} {:>9} {:>9}   (mean cosine of word pairs)",
            "layer", "same word", "synonym", "homophone", "category", "random"
        )?;
        for l in layers {
            let p = &l.pairs;
            writeln!(
                self.out,
                "  {:<12} {:>9} {:>9} {:>9} {:>9} {:>9}",
                l.layer,
                num(p.same_word.mean),
                num(p.synonym.mean),
                num(p.near_homophone.mean),
                num(p.same_category.mean),
                num(p.random.mean)
            )?;
        }
        Ok(())
    }
}

/// A metric to three decimals, `—` when not computable.
fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.3}"))
}
