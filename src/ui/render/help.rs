//! The help overlay: what every panel, mark and key means. It fits at 160×48 and
//! scrolls (↑/↓, PgUp/PgDn) where it does not, down to 80×24; its lines are at most 78
//! columns, so nothing is cut from 80 columns up.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::theme::{panel, put, relation_style};
use crate::ui::app::App;
use crate::ui::groups::Relation;

/// The help overlay, scrolled to [`App::help_scroll`].
pub struct Help<'a>(pub &'a App);

/// The text, one screen row a line.
fn text() -> Vec<Line<'static>> {
    let b = |s: &'static str| Line::from(Span::styled(s, Style::new().bold().fg(Color::LightCyan)));
    let mark = |r: Relation, what: &'static str| {
        Line::from(vec![
            Span::raw("  "),
            Span::styled(r.marker(), relation_style(r)),
            Span::raw(format!("  {what}")),
        ])
    };
    let l = |s: &'static str| Line::from(s);
    vec![
        b("What you see"),
        l("  header     level meter; ● WORD inside a word, ● speech heard, ○ silent;"),
        l("             words so far, samples dropped (red when any), PAUSED (n waiting)"),
        l("  words      the words found so far, newest last and highlighted; dimmed:"),
        l("             provisional (shown after a short silence, not yet in the probe);"),
        l("             struck through: speech went on, the longer word replaces it"),
        l("  neighbours the earlier words nearest the latest word (cosine similarity),"),
        l("             visually GROUNDED and UNGROUNDED encoders side by side, each at"),
        l("             its chosen layer (@name); ▶ marks the selected encoder"),
        l("  map        every word at the chosen layer, flattened to 2-D (PCA): colour ="),
        l("             meaning category, marker = sound group (legend below the map);"),
        l("             the latest word inverted, reference words dim"),
        l("  per layer  silhouette (−1…1, red below 0): how well words cluster by sound"),
        l("             (phonetic groups) or by meaning (semantic categories); top-1"),
        l("             (0…1): word identity, the share of words whose nearest word"),
        l("             centroid (other speakers' words) is their own word; CKA (0…1):"),
        l("             how alike the layer is to a text model's word vectors, one column"),
        l("             per text table (MiniLM = ungrounded text, CLIP = grounded text);"),
        l("             ▸ chosen layer, — not computable yet (too few words)"),
        l("  latency    milliseconds per stage of a word: last, median p50, p95"),
        l(""),
        b("Marks beside a neighbour"),
        mark(
            Relation::SameWord,
            "same word (said again, perhaps by another voice)",
        ),
        mark(
            Relation::Both,
            "sound+meaning: same sound group and same meaning category",
        ),
        mark(
            Relation::Phonetic,
            "sound: same phonetic group (sounds alike)",
        ),
        mark(
            Relation::Semantic,
            "meaning: same semantic category (means alike)",
        ),
        mark(
            Relation::Neither,
            "neither: both words known, nothing shared",
        ),
        mark(
            Relation::Unknown,
            "unknown: a word unlabelled or not in the lexicon",
        ),
        l(""),
        b("Keys"),
        l("  ← / →          previous / next layer of the selected encoder"),
        l("  Tab, Shift-Tab next / previous encoder"),
        l("  space          pause / resume (the demo waits too; words queue)"),
        l("  c              clear all words          u   undo the last clear"),
        l("  r              replay the demo once it has finished"),
        l("  ?              this help: ↑/↓ PgUp/PgDn scroll, Esc closes"),
        l("  q, Esc, Ctrl-C quit"),
        l(""),
        Line::from(Span::styled(
            "  Sauter, Zuidema & de Heer Kloots (2025), arXiv 2509.15837",
            Style::new().fg(Color::Gray),
        )),
    ]
}

/// Where the overlay sits on a screen of `area`.
fn popup(area: Rect) -> Rect {
    area.centered(Constraint::Max(82), Constraint::Percentage(92))
}

/// The furthest the overlay scrolls on a screen of `area` (0 when it fits).
pub fn max_scroll(area: Rect) -> u16 {
    let rows = popup(area).height.saturating_sub(2) as usize;
    text().len().saturating_sub(rows) as u16
}

impl Widget for Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let popup = popup(area);
        put(buf, Clear, popup);
        let lines = text();
        let rows = popup.height.saturating_sub(2) as usize;
        let last = max_scroll(area) as usize;
        let top = (self.0.help_scroll as usize).min(last);
        let title = if last == 0 {
            " help · Esc closes ".to_string()
        } else {
            format!(
                " help · lines {}–{} of {} · ↑/↓ scroll · Esc closes ",
                top + 1,
                (top + rows).min(lines.len()),
                lines.len()
            )
        };
        put(
            buf,
            Paragraph::new(lines)
                .scroll((top as u16, 0))
                .block(panel(title).border_style(Style::new().fg(Color::LightCyan))),
            popup,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_line_fits_80_columns() {
        for line in super::text() {
            assert!(line.width() <= 78, "{line}");
        }
    }
}
