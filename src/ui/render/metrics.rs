//! Per layer and encoder: phonetic and semantic silhouette, and CKA with text.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::{bar, framed, panel, put};
use crate::ui::app::{App, EncoderSetup, LayerMetrics};

/// Per layer and encoder: phonetic and semantic silhouette, and CKA with text.
pub struct Metrics<'a>(pub &'a App);

impl Widget for Metrics<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let note = match &app.metrics {
            Some(m) => format!(
                " per layer: silhouette (phonetic | semantic) and CKA{} · {} words ",
                m.cka_table
                    .as_ref()
                    .map(|t| format!(" vs {t}"))
                    .unwrap_or_default(),
                m.words
            ),
            None => " per layer: silhouette (phonetic | semantic) and CKA ".to_string(),
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
            let bar_w = ((col.width as usize).saturating_sub(13 + 7 + 7 + 5 + 3) / 3).clamp(2, 12);
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
                    format!(
                        "{:<13}{:<w1$} {:<w1$} CKA",
                        " layer",
                        "phonetic",
                        "semantic",
                        w1 = 7 + bar_w
                    ),
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
                let mark = if selected && li == app.layer {
                    "▸"
                } else {
                    " "
                };
                let mut spans = vec![Span::styled(
                    format!("{mark}{name:<11.11} "),
                    if selected && li == app.layer {
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
                match m.and_then(|m| m.cka) {
                    Some(c) if c.is_finite() => {
                        spans.push(Span::raw(format!("{c:.2} ")));
                        spans.push(Span::styled(
                            bar(c, bar_w),
                            Style::new().fg(Color::LightCyan),
                        ));
                    }
                    _ => spans.push(Span::styled("   —", Style::new().fg(Color::DarkGray))),
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

fn signed(v: Option<f32>, width: usize, colour: Color) -> Vec<Span<'static>> {
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
