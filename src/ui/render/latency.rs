//! Latency per stage of the latest words, dropped samples and render time.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::{framed, panel, put};
use crate::ui::app::App;

/// Latency per stage of the latest words, dropped samples and render time.
pub struct Latency<'a>(pub &'a App);

impl Widget for Latency<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let inner = framed(buf, area, panel(" latency per word (ms) "));
        let mut lines = vec![Line::from(Span::styled(
            format!("{:<24}{:>7}{:>7}{:>7}", "stage", "last", "p50", "p95"),
            Style::new().fg(Color::Gray),
        ))];
        let mut total = Vec::new();
        for stage in app.latency.keys() {
            if let Some((last, p50, p95)) = app.latency_of(stage) {
                total.push(last);
                lines.push(Line::from(format!(
                    "{stage:<24.24}{last:>7.1}{p50:>7.1}{p95:>7.1}"
                )));
            }
        }
        if !total.is_empty() {
            lines.push(Line::from(
                Span::raw(format!(
                    "{:<24}{:>7.1}",
                    "word end → shown",
                    total.iter().sum::<f64>()
                ))
                .bold(),
            ));
        }
        let dropped = if app.dropped > 0 {
            Span::styled(
                format!("dropped samples {}", app.dropped),
                Style::new().fg(Color::LightRed).bold(),
            )
        } else {
            Span::raw("dropped samples 0")
        };
        let render = app
            .render_ms
            .map(|ms| format!("   render {ms:.2} ms"))
            .unwrap_or_default();
        lines.push(Line::from(vec![dropped, Span::raw(render)]));
        put(buf, Paragraph::new(lines), inner);
    }
}
