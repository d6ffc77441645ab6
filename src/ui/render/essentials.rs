//! The small screen (e.g. 80×24): the selected encoder's essentials — the latest word
//! and what was heard, its neighbours with their marks, the chosen layer's silhouettes,
//! word identity and CKA, and the latency. Tab switches encoder, ←/→ the layer.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::latency::summary;
use super::metrics::{signed, unsigned};
use super::theme::{framed, panel, put, standing_style, word_style};
use super::{header, keys, neighbours};
use crate::ui::app::{App, Mode, Standing};

/// Draws the essentials into `area`.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let [head, latest, main, layer, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Min(5),
        Constraint::Length(6),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(header::Header(app), head);
    frame.render_widget(Latest(app), latest);
    frame.render_widget(neighbours::Neighbours::selected(app), main);
    frame.render_widget(LayerPanel(app), layer);
    frame.render_widget(keys::Footer(app), footer);
}

/// The latest word, where it was heard, and (prompted mode) the word to say next.
struct Latest<'a>(&'a App);

impl Widget for Latest<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let inner = framed(buf, area, panel(" latest word "));
        let mut spans = match app.latest() {
            Some(w) => {
                let file = w
                    .file
                    .as_deref()
                    .and_then(|f| std::path::Path::new(f).file_name())
                    .map(|f| format!("in {} ", f.to_string_lossy()))
                    .unwrap_or_default();
                let standing = match w.standing {
                    Standing::Final => "",
                    Standing::Provisional => "  (provisional)",
                    Standing::Merging => "  (speech went on: merging)",
                };
                let mut spans = vec![Span::styled(
                    format!(" {} ", w.name()),
                    standing_style(
                        word_style(app, w.label.as_deref()).reversed().bold(),
                        w.standing,
                    ),
                )];
                if let Some(note) = w.heard_note() {
                    let style = if w.off_prompt() {
                        Style::new().fg(Color::LightRed)
                    } else {
                        Style::new()
                    };
                    spans.push(Span::styled(format!("  {note}"), style));
                }
                spans.push(Span::raw(format!(
                    "  {file}{:.2}–{:.2} s{standing}",
                    w.start, w.end
                )));
                spans
            }
            None => vec![Span::styled(
                match (app.mode, &app.finished) {
                    (_, Some(_)) if app.can_replay => "the session has ended: r replays it",
                    (_, Some(_)) => "the session has ended",
                    (Mode::Demo, None) => "waiting for the first word of the demo…",
                    (Mode::Prompted, None) => "say the word shown on the right…",
                    (Mode::Free, None) => "say any word…",
                },
                Style::new().fg(Color::Gray),
            )],
        };
        if let Some(next) = app.next_prompt() {
            spans.push(Span::raw("   next: "));
            spans.push(Span::styled(
                format!(" {} ", next.to_uppercase()),
                Style::new().fg(Color::Black).bg(Color::LightYellow).bold(),
            ));
        }
        put(buf, Paragraph::new(Line::from(spans)), inner);
    }
}

/// The chosen layer of the selected encoder: silhouettes, word identity, CKA per text
/// table, latency.
struct LayerPanel<'a>(&'a App);

impl Widget for LayerPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let enc = app.selected_encoder();
        let name = app.selected_layer().unwrap_or("");
        let words = (app.metrics_over())
            .map(|over| format!(" · {over}"))
            .unwrap_or_default();
        let title = match enc {
            Some(e) => format!(" {} @{name}{words} ", e.name),
            None => " layer ".to_string(),
        };
        let inner = framed(buf, area, panel(title));
        let m = enc.and_then(|e| {
            let layers = app.metrics.as_ref()?.encoders.get(&e.name)?;
            layers.iter().find(|l| l.layer == name)
        });
        let grey = |s: &str| Span::styled(s.to_string(), Style::new().fg(Color::Gray));
        let mut silhouettes = vec![grey("silhouette  phonetic ")];
        silhouettes.extend(signed(
            m.and_then(|m| m.silhouette_phonetic),
            8,
            Color::LightMagenta,
        ));
        silhouettes.push(grey("  semantic "));
        silhouettes.extend(signed(
            m.and_then(|m| m.silhouette_semantic),
            8,
            Color::LightGreen,
        ));
        let mut identity = vec![grey("identity   top-1 ")];
        identity.extend(unsigned(m.and_then(|m| m.identity_top1), 8));
        identity.push(grey("  silhouette "));
        identity.extend(signed(
            m.and_then(|m| m.identity_silhouette),
            8,
            Color::LightYellow,
        ));
        let mut cka = vec![grey("CKA        ")];
        let tables: &[String] = app.metrics.as_ref().map_or(&[], |m| &m.tables);
        for (ti, t) in tables.iter().enumerate() {
            cka.push(grey(&format!("{t} ")));
            cka.extend(unsigned(
                m.and_then(|m| m.cka.get(ti).copied().flatten()),
                8,
            ));
            cka.push(Span::raw("  "));
        }
        match &app.metrics {
            None => cka.push(grey("(after the first words)")),
            Some(_) if tables.is_empty() => {
                cka.push(grey("no text table loaded (--text NAME=PATH)"))
            }
            Some(_) => {}
        }
        let width = inner.width as usize;
        let latency = summary(app, width.saturating_sub(11));
        let mut latency_line = vec![grey("latency ms ")];
        latency_line.extend(latency.spans);
        let lines = vec![
            Line::from(silhouettes),
            Line::from(identity),
            Line::from(cka),
            Line::from(latency_line),
        ];
        put(buf, Paragraph::new(lines), inner);
    }
}
