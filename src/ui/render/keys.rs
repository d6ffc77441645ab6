//! The key bar at the bottom: the keys that do something now, or how the session ended
//! and what can be done next.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::put;
use crate::ui::app::App;

/// The key bar at the bottom.
pub struct Footer<'a>(pub &'a App);

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let mut lead: Vec<Span> = Vec::new();
        let mut items: Vec<(&str, &str)> = Vec::new();
        match &app.finished {
            Some(result) => {
                let (text, style) = match result {
                    Ok(note) => (
                        format!(" {note} "),
                        Style::new().fg(Color::Black).bg(Color::LightCyan).bold(),
                    ),
                    Err(e) => (
                        format!(" engine stopped: {e} "),
                        Style::new().fg(Color::White).bg(Color::Red).bold(),
                    ),
                };
                lead.push(Span::styled(text, style));
                lead.push(Span::raw(" "));
                if app.can_replay {
                    items.push(("r", "replay"));
                }
                items.extend([("←/→", "layer"), ("Tab", "encoder")]);
            }
            None => {
                let pause = if app.paused { "resume" } else { "pause" };
                items.extend([("←/→", "layer"), ("Tab", "encoder"), ("space", pause)]);
                items.push(("c", "clear"));
            }
        }
        if app.can_undo() {
            items.push(("u", "undo clear"));
        }
        items.extend([("?", "help"), ("q", "quit")]);
        let spans = |items: &[(&str, &str)], gap: &'static str| {
            let mut spans = lead.clone();
            for (k, label) in items {
                spans.push(Span::styled(
                    format!(" {k} "),
                    Style::new().fg(Color::Black).bg(Color::Gray),
                ));
                spans.push(Span::raw(format!(" {label}{gap}")));
            }
            spans
        };
        let fits = |s: &[Span]| s.iter().map(Span::width).sum::<usize>() <= area.width as usize;
        // Roomy if it fits, else one space apart; then the layer and encoder keys go first (the
        // help lists them), then the rest from the end.
        let mut line = spans(&items, "  ");
        while !fits(&line) {
            line = spans(&items, " ");
            if fits(&line) || items.is_empty() {
                break;
            }
            let drop = items
                .iter()
                .rposition(|(k, _)| *k == "Tab" || *k == "←/→")
                .unwrap_or(items.len() - 1);
            items.remove(drop);
        }
        put(buf, Paragraph::new(Line::from(line)), area);
    }
}
