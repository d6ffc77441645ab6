//! The word to say next (prompted mode), as the engine will label it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::{framed, panel, put};
use crate::ui::app::App;

/// The word to say next (prompted mode), as the engine will label it.
pub struct Prompt<'a>(pub &'a App);

impl Widget for Prompt<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let inner = framed(buf, area, panel(" say the next word "));
        let line = match app.next_prompt() {
            Some(word) => {
                let upcoming: Vec<&str> = (1..4)
                    .map(|k| app.prompts[(app.prompt_next + k) % app.prompts.len()].as_str())
                    .collect();
                Line::from(vec![
                    Span::raw("  ▶  "),
                    Span::styled(
                        format!(" {} ", word.to_uppercase()),
                        Style::new().fg(Color::Black).bg(Color::LightYellow).bold(),
                    ),
                    Span::styled(
                        format!("     then: {}", upcoming.join(", ")),
                        Style::new().fg(Color::Gray),
                    ),
                ])
            }
            None => Line::from("  (no prompt list)"),
        };
        put(buf, Paragraph::new(line), inner);
    }
}
