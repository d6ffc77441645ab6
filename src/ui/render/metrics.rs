//! Per layer and encoder: phonetic and semantic silhouette, word identity (nearest word
//! centroid top-1), and CKA with every text table side by side (e.g. MiniLM, ungrounded
//! text, and CLIP, grounded text).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::{bar, framed, panel, put};
use crate::ui::app::{App, EncoderSetup, LayerMetrics};

/// Per layer and encoder: phonetic and semantic silhouette, word identity, and CKA with
/// each text table.
pub struct Metrics<'a>(pub &'a App);

impl Widget for Metrics<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let tables: &[String] = app.metrics.as_ref().map_or(&[], |m| &m.tables);
        let note = match app.metrics_over() {
            Some(over) if !tables.is_empty() => format!(
                " per layer: silhouette (phonetic | semantic), word identity, CKA vs {} · {over} ",
                tables.join(" | "),
            ),
            Some(over) => {
                format!(" per layer: silhouette (phonetic | semantic), word identity · {over} ")
            }
            None => " per layer: silhouette, word identity and CKA ".to_string(),
        };
        let inner = framed(buf, area, panel(note));
        if app.encoders.is_empty() {
            return;
        }
        // Every encoder side by side when there is room, else the selected one (Tab).
        let shown: Vec<(usize, &EncoderSetup)> = if inner.width as usize / app.encoders.len() >= 44
        {
            app.encoders.iter().enumerate().collect()
        } else {
            app.encoders
                .iter()
                .enumerate()
                .filter(|(i, _)| *i == app.encoder)
                .collect()
        };
        let cols = Layout::horizontal(vec![Constraint::Ratio(1, shown.len() as u32); shown.len()])
            .spacing(2)
            .split(inner);
        for (col, (ei, enc)) in cols.iter().zip(shown) {
            let selected = ei == app.encoder;
            let metrics: Option<&Vec<LayerMetrics>> =
                app.metrics.as_ref().and_then(|m| m.encoders.get(&enc.name));
            // name (13), two silhouettes (7 + bar each) and a gap, a gap and a share
            // (5 + bar) for word identity and for each table's CKA; no bars when narrow.
            let t = tables.len();
            let fixed = 13 + 14 + 1 + 6 * (t + 1);
            let bar_w = ((col.width as usize).saturating_sub(fixed) / (3 + t)).min(12);
            let head_style = if selected {
                Style::new().bold().fg(Color::LightCyan)
            } else {
                Style::new().bold()
            };
            let kind = if enc.grounded {
                "grounded"
            } else {
                "ungrounded"
            };
            let mut lines = vec![
                Line::from(vec![
                    Span::styled(
                        format!("{}{}", if selected { "▶ " } else { "  " }, enc.name),
                        head_style,
                    ),
                    Span::styled(format!("  {kind}"), Style::new().fg(Color::Gray)),
                ]),
                Line::from(Span::styled(
                    heading(tables, bar_w),
                    Style::new().fg(Color::Gray),
                )),
            ];
            let rows = enc.layers.len().max(metrics.map_or(0, Vec::len));
            for li in 0..rows {
                let m = metrics.and_then(|m| {
                    enc.layers
                        .get(li)
                        .and_then(|name| m.iter().find(|x| &x.layer == name))
                        .or(m.get(li))
                });
                let name = enc
                    .layers
                    .get(li)
                    .cloned()
                    .or(m.map(|m| m.layer.clone()))
                    .unwrap_or_default();
                let chosen = selected && li == app.layer();
                let mark = if chosen { "▸" } else { " " };
                let mut spans = vec![Span::styled(
                    format!("{mark}{name:<11.11} "),
                    if chosen {
                        Style::new().bold().reversed()
                    } else {
                        Style::new()
                    },
                )];
                spans.extend(signed(
                    m.and_then(|m| m.silhouette_phonetic),
                    bar_w,
                    Color::LightMagenta,
                ));
                spans.push(Span::raw(" "));
                spans.extend(signed(
                    m.and_then(|m| m.silhouette_semantic),
                    bar_w,
                    Color::LightGreen,
                ));
                spans.push(Span::raw(" "));
                spans.extend(unsigned(m.and_then(|m| m.identity_top1), bar_w));
                for ti in 0..t {
                    spans.push(Span::raw(" "));
                    let cka = m.and_then(|m| m.cka.get(ti).copied().flatten());
                    spans.extend(unsigned(cka, bar_w));
                }
                lines.push(Line::from(spans));
            }
            if app.metrics.is_none() {
                lines.push(Line::from(Span::styled(
                    "  (probe metrics not available yet)",
                    Style::new().fg(Color::DarkGray),
                )));
            }
            put(buf, Paragraph::new(lines), *col);
        }
    }
}

/// The column heads: layer, the two silhouettes, word identity's top-1, and each table's
/// name up to its first `_` (`minilm_l6` → `minilm`; the panel's title names them in full).
fn heading(tables: &[String], bar_w: usize) -> String {
    let (phonetic, semantic) = if bar_w > 0 {
        ("phonetic", "semantic")
    } else {
        ("phon.", "sem.")
    };
    let mut s = format!(
        "{:<13}{phonetic:<w$} {semantic:<w$} {:<v$}",
        " layer",
        "top-1",
        w = 7 + bar_w,
        v = 5 + bar_w
    );
    for t in tables {
        let short = t.split('_').next().unwrap_or(t);
        s.push_str(&format!(" {short:<w$.w$}", w = 5 + bar_w));
    }
    s
}

/// A CKA (0…1) with its bar, or a dash when not computable yet.
pub fn unsigned(v: Option<f32>, width: usize) -> Vec<Span<'static>> {
    match v {
        Some(c) if c.is_finite() => vec![
            Span::raw(format!("{c:.2} ")),
            Span::styled(bar(c, width), Style::new().fg(Color::LightCyan)),
        ],
        _ => vec![Span::styled(
            format!("{:>4} {}", "—", " ".repeat(width)),
            Style::new().fg(Color::DarkGray),
        )],
    }
}

/// A silhouette (−1…1) with its bar (red below 0), or a dash when not computable yet.
pub fn signed(v: Option<f32>, width: usize, colour: Color) -> Vec<Span<'static>> {
    match v {
        Some(x) if x.is_finite() => {
            let style = if x < 0.0 {
                Style::new().fg(Color::LightRed)
            } else {
                Style::new().fg(colour)
            };
            // Silhouettes of word embeddings are small: a full bar is 0.5.
            vec![
                Span::raw(format!("{x:+.3} ")),
                Span::styled(bar(x.abs() * 2.0, width), style),
            ]
        }
        _ => vec![Span::styled(
            format!("{:>6} {}", "—", " ".repeat(width)),
            Style::new().fg(Color::DarkGray),
        )],
    }
}
