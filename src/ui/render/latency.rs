//! Latency per stage of the latest words, dropped samples and render time: a panel with
//! every stage (full screen) or one line of p50 / p95 (narrower screens).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::{framed, panel, put};
use crate::ui::app::{App, TOTAL_STAGE};

/// Columns of the latency panel.
pub const PANEL_WIDTH: u16 = 48;
/// Rows of the latency panel for the default two encoders (five stages).
pub const PANEL_HEIGHT: u16 = 10;

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
        let row = |stage: &str| {
            app.latency_of(stage)
                .map(|(last, p50, p95)| format!("{stage:<24.24}{last:>7.1}{p50:>7.1}{p95:>7.1}"))
        };
        for stage in app.latency.keys().filter(|s| *s != TOTAL_STAGE) {
            lines.extend(row(stage).map(Line::from));
        }
        lines.extend(row(TOTAL_STAGE).map(|r| Line::from(r).bold()));
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

/// Latency p50 / p95 on one framed line: the whole word first, then each stage, as
/// many as fit (never cut in the middle).
pub struct LatencyLine<'a>(pub &'a App);

impl Widget for LatencyLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let inner = framed(buf, area, panel(" latency per word, ms: p50 / p95 "));
        put(
            buf,
            Paragraph::new(summary(app, inner.width as usize)),
            inner,
        );
    }
}

/// The latency as one line of at most `width` columns: "word end → shown 12.3 / 14.0",
/// then the stages that fit, slowest (p95) first.
pub fn summary(app: &App, width: usize) -> Line<'static> {
    let Some((_, p50, p95)) = app.latency_of(TOTAL_STAGE) else {
        return Line::from(Span::styled(
            "(after the first word)",
            Style::new().fg(Color::Gray),
        ));
    };
    let mut spans = vec![Span::raw(format!("{TOTAL_STAGE} {p50:.1} / {p95:.1}")).bold()];
    let mut used = spans[0].width();
    let mut stages: Vec<(&String, f64, f64)> = app
        .latency
        .keys()
        .filter(|s| *s != TOTAL_STAGE)
        .filter_map(|s| app.latency_of(s).map(|(_, p50, p95)| (s, p50, p95)))
        .collect();
    stages.sort_by(|a, b| b.2.total_cmp(&a.2));
    for (stage, p50, p95) in stages {
        let text = format!("   {stage} {p50:.1} / {p95:.1}");
        if used + text.chars().count() > width {
            break;
        }
        used += text.chars().count();
        spans.push(Span::styled(text, Style::new().fg(Color::Gray)));
    }
    Line::from(spans)
}
