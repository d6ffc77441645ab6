//! The words found so far, newest last, coloured by semantic category.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::{framed, panel, put, standing_style, word_style};
use crate::ui::app::{App, Mode};

/// The words found so far, newest last, coloured by semantic category.
pub struct Timeline<'a>(pub &'a App);

impl Widget for Timeline<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let inner = framed(buf, area, panel(" words "));
        let width = inner.width as usize;
        let words: Vec<_> = app.session_words().collect();
        let mut spans: Vec<Span> = Vec::new();
        let mut used = 0;
        for (i, w) in words.iter().enumerate().rev() {
            let name = w.name();
            let latest = i + 1 == words.len();
            let cell = if latest {
                format!(" {name} ")
            } else {
                format!("{name}  ")
            };
            let len = cell.chars().count();
            if used + len + 2 > width {
                spans.push(Span::styled("… ", Style::new().fg(Color::DarkGray)));
                break;
            }
            used += len;
            let style = if latest {
                word_style(app, w.label.as_deref()).reversed().bold()
            } else {
                word_style(app, w.label.as_deref())
            };
            let style = standing_style(style, w.standing);
            spans.push(Span::styled(cell, style));
        }
        spans.reverse();
        if words.is_empty() {
            let hint = match (app.mode, &app.finished) {
                (_, Some(_)) if app.can_replay => "  the session has ended — r replays it",
                (_, Some(_)) => "  the session has ended",
                (Mode::Demo, None) => "  waiting for the first word of the demo…",
                (Mode::Prompted, None) => "  say the word shown above…",
                (Mode::Free, None) => "  say any word…",
            };
            spans.push(Span::styled(hint, Style::new().fg(Color::Gray)));
        }
        put(buf, Paragraph::new(Line::from(spans)), inner);
    }
}
