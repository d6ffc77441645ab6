//! The latest word's nearest neighbours, grounded and ungrounded encoders side by side
//! (or the selected encoder alone), each at its chosen layer, with the legend of marks.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::theme::{bar, framed, panel, put, relation_style, word_style};
use crate::ui::app::{App, EncoderSetup, NeighbourView};
use crate::ui::groups::Relation;

/// The latest word's nearest neighbours under every encoder, or the selected one alone.
pub struct Neighbours<'a> {
    app: &'a App,
    selected_only: bool,
}

impl<'a> Neighbours<'a> {
    /// Grounded and ungrounded encoders side by side.
    pub fn all(app: &'a App) -> Self {
        Self {
            app,
            selected_only: false,
        }
    }

    /// The selected encoder alone.
    pub fn selected(app: &'a App) -> Self {
        Self {
            app,
            selected_only: true,
        }
    }
}

impl Widget for Neighbours<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let title = match app.latest() {
            Some(w) => {
                let file = w
                    .file
                    .as_deref()
                    .and_then(|f| std::path::Path::new(f).file_name())
                    .map(|f| format!("{} ", f.to_string_lossy()))
                    .unwrap_or_default();
                let heard = w.heard_note().map(|n| format!("  {n}")).unwrap_or_default();
                format!(
                    " nearest neighbours of “{}”{heard}  ({file}{:.2}–{:.2} s) ",
                    w.name(),
                    w.start,
                    w.end
                )
            }
            None => " nearest neighbours ".to_string(),
        };
        let inner = framed(buf, area, panel(title));

        // Grounded encoders first, then ungrounded; a placeholder when a side is missing.
        let mut columns: Vec<Option<&EncoderSetup>> = Vec::new();
        if self.selected_only {
            columns.push(app.selected_encoder());
        } else {
            columns.extend(app.encoders.iter().filter(|e| e.grounded).map(Some));
            if columns.is_empty() {
                columns.push(None);
            }
            columns.extend(app.encoders.iter().filter(|e| !e.grounded).map(Some));
        }
        let [body, legend] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(inner);
        let real = columns.iter().filter(|c| c.is_some()).count().max(1) as u32;
        let constraints: Vec<Constraint> = columns
            .iter()
            .map(|c| match c {
                Some(_) => Constraint::Ratio(1, real),
                None => Constraint::Length((body.width / 3).min(40)),
            })
            .collect();
        let cols = Layout::horizontal(constraints).spacing(1).split(body);
        for (col, enc) in cols.iter().zip(columns) {
            column(buf, *col, app, enc);
        }
        let legend_line = Line::from(
            [
                Relation::SameWord,
                Relation::Phonetic,
                Relation::Semantic,
                Relation::Both,
                Relation::Neither,
            ]
            .iter()
            .flat_map(|r| [Span::styled(r.tag(), relation_style(*r)), Span::raw("  ")])
            .collect::<Vec<_>>(),
        );
        put(buf, Paragraph::new(legend_line), legend);
    }
}

fn column(buf: &mut Buffer, area: Rect, app: &App, enc: Option<&EncoderSetup>) {
    let Some(enc) = enc else {
        let text = Text::from(vec![
            Line::from(Span::styled(
                "GROUNDED",
                Style::new().bold().fg(Color::LightCyan),
            )),
            Line::from(""),
            Line::from(Span::styled(
                "no visually grounded encoder loaded",
                Style::new().fg(Color::Gray),
            )),
            Line::from(Span::styled(
                "(add one with --encoders NAME,…)",
                Style::new().fg(Color::DarkGray),
            )),
        ]);
        put(buf, Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    };
    let kind = if enc.grounded {
        Span::styled("GROUNDED", Style::new().bold().fg(Color::LightCyan))
    } else {
        Span::styled("UNGROUNDED", Style::new().bold().fg(Color::LightYellow))
    };
    let e = app.encoders.iter().position(|x| x.name == enc.name);
    let layer = e
        .and_then(|e| enc.layers.get(app.layer_of(e)))
        .map(|l| format!(" @{l}"))
        .unwrap_or_default();
    let selected = e == Some(app.encoder);
    let mut lines = vec![Line::from(vec![
        Span::raw(if selected { "▶ " } else { "  " }),
        kind,
        Span::raw(format!("  {}{layer}", enc.name)),
    ])];
    let list = app.nearest.get(&enc.name);
    let shown: Vec<&NeighbourView> = list
        .map(|ns| ns.iter().take(app.neighbours_shown).collect())
        .unwrap_or_default();
    if shown.is_empty() {
        let note = match (app.latest(), list) {
            (None, _) => "(no word yet)",
            (Some(_), None) => "(no vectors at this layer: ←/→)",
            (Some(_), Some(_)) => "(first word: nothing to compare yet)",
        };
        lines.push(Line::from(Span::styled(note, Style::new().fg(Color::Gray))));
    }
    let name_w = shown
        .iter()
        .map(|n| label_of(n).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 14);
    // Narrow columns get the relation's marker only, then a shorter bar.
    // rank (3) + name and space + similarity (6) + bar + space + tag
    let fixed = 3 + name_w + 1 + 6 + 1;
    let wide = area.width as usize >= fixed + 3 + 16;
    let tag_w = if wide { 16 } else { 1 };
    let bar_w = (area.width as usize)
        .saturating_sub(fixed + tag_w)
        .clamp(1, 12);
    for (rank, n) in shown.iter().enumerate() {
        let name = label_of(n);
        lines.push(Line::from(vec![
            Span::styled(format!("{:>2} ", rank + 1), Style::new().fg(Color::Gray)),
            Span::styled(
                format!("{name:<name_w$} "),
                word_style(app, n.label.as_deref()).bold(),
            ),
            Span::raw(format!("{:>5.2} ", n.similarity)),
            Span::styled(bar(n.similarity, bar_w), Style::new().fg(Color::Gray)),
            Span::raw(" "),
            Span::styled(
                if wide {
                    n.relation.tag()
                } else {
                    n.relation.marker()
                },
                relation_style(n.relation),
            ),
        ]));
    }
    put(buf, Paragraph::new(lines), area);
}

fn label_of(n: &NeighbourView) -> String {
    n.label.clone().unwrap_or_else(|| format!("#{}", n.index))
}
