//! The key bar at the bottom, and the help overlay that explains the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::theme::{panel, put};
use crate::ui::app::App;

/// The key bar at the bottom, and the help overlay that explains the screen.
pub struct Footer<'a>(pub &'a App);

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let key = |k: &'static str| Span::styled(k, Style::new().fg(Color::Black).bg(Color::Gray));
        let pause = if app.paused { " resume  " } else { " pause  " };
        let line = Line::from(vec![
            key(" ←/→ "),
            Span::raw(" layer  "),
            key(" Tab "),
            Span::raw(" encoder  "),
            key(" space "),
            Span::raw(pause),
            key(" c "),
            Span::raw(" clear  "),
            key(" ? "),
            Span::raw(" help  "),
            key(" q "),
            Span::raw(" quit"),
        ]);
        put(buf, Paragraph::new(line), area);
    }
}

/// The help overlay.
pub struct Help;

impl Widget for Help {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let popup = area.centered(Constraint::Percentage(70), Constraint::Percentage(70));
        put(buf, Clear, popup);
        let b = |s: &'static str| Span::styled(s, Style::new().bold().fg(Color::LightCyan));
        let text = vec![
            Line::from(b("What you see")),
            Line::from(
                "  level / VAD — microphone (or demo) level and whether a word is being heard",
            ),
            Line::from("  words — the words found so far; the latest is highlighted"),
            Line::from(
                "  nearest neighbours — the earlier words whose vectors are closest to the latest",
            ),
            Line::from(
                "     word, for a visually GROUNDED and an UNGROUNDED encoder side by side;",
            ),
            Line::from("     = same word, ● same sound group, ■ same meaning category, · neither"),
            Line::from("  map — every word's vector at the chosen layer, flattened to 2-D (PCA);"),
            Line::from("     colour = meaning category, marker = sound group"),
            Line::from(
                "  per layer — silhouette: how well words cluster by sound (phon) vs meaning (sem);",
            ),
            Line::from("     CKA: how alike the speech layer and a text model's word vectors are"),
            Line::from(""),
            Line::from(b("Keys")),
            Line::from(
                "  ← / →   previous / next layer          Tab / Shift-Tab   next / previous encoder",
            ),
            Line::from("  space   pause / resume the view        c   clear all words"),
            Line::from("  ?       this help (Esc closes)         q, Esc, Ctrl-C   quit"),
            Line::from(""),
            Line::from(Span::styled(
                "Sauter, Zuidema & de Heer Kloots (2025), The Curious Case of Visual Grounding, arXiv 2509.15837",
                Style::new().fg(Color::Gray),
            )),
        ];
        put(
            buf,
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(panel(" help ").border_style(Style::new().fg(Color::LightCyan))),
            popup,
        );
    }
}
