//! The title bar: source, status badges, input level and voice activity.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::{bar, framed, panel, put};
use crate::ui::app::App;

/// The title bar: source, status badges, input level and voice activity.
pub struct Header<'a>(pub &'a App);

impl Widget for Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let source = app
            .source
            .as_ref()
            .map(|s| {
                let name = std::path::Path::new(&s.name)
                    .file_name()
                    .map_or(s.name.clone(), |n| n.to_string_lossy().into_owned());
                format!(" · {name} · {:.1} s", app.meter.time)
            })
            .unwrap_or_default();
        let title = format!(" groundprobe · {}{source} ", app.title);
        let mut status: Vec<Span> = Vec::new();
        if let Some(d) = app.device.as_ref().filter(|d| !d.ok) {
            status.push(Span::styled(
                format!(" {} ", d.message),
                Style::new().fg(Color::White).bg(Color::Red).bold(),
            ));
            status.push(Span::raw(" "));
        }
        if app.paused {
            status.push(Span::styled(
                format!(" PAUSED ({} waiting) ", app.backlog.len()),
                Style::new().fg(Color::Black).bg(Color::LightYellow).bold(),
            ));
            status.push(Span::raw(" "));
        }
        if let Some(note) = &app.starting {
            status.push(Span::styled(
                format!(" {note} "),
                Style::new().fg(Color::Black).bg(Color::LightCyan),
            ));
        }
        // On a narrow screen the key bar says it instead (a long title would hide it).
        let finished = app.finished.as_ref().filter(|_| area.width >= 130);
        match finished {
            Some(Ok(note)) => status.push(Span::styled(
                format!(" {note} — {}q quits ", replay_hint(app)),
                Style::new().fg(Color::Black).bg(Color::LightCyan).bold(),
            )),
            Some(Err(e)) => status.push(Span::styled(
                format!(" engine stopped: {e} "),
                Style::new().fg(Color::White).bg(Color::Red).bold(),
            )),
            None => {}
        }
        let inner = framed(
            buf,
            area,
            panel(title).title(Line::from(status).right_aligned()),
        );

        let db = if app.meter.rms > 0.0 {
            20.0 * app.meter.rms.log10()
        } else {
            -90.0
        };
        let level = ((db + 60.0) / 60.0).clamp(0.0, 1.0);
        let level_colour = if db > -3.0 {
            Color::LightRed
        } else if db > -20.0 {
            Color::LightGreen
        } else {
            Color::Green
        };
        let (vad_text, vad_style) = if app.meter.in_word {
            (
                "● WORD  ",
                Style::new().fg(Color::Black).bg(Color::LightGreen).bold(),
            )
        } else if app.meter.prob >= 0.5 {
            ("● speech", Style::new().fg(Color::LightGreen).bold())
        } else {
            ("○ silent", Style::new().fg(Color::Gray))
        };
        let wide = inner.width >= 130;
        let mut spans = vec![
            Span::raw(" level "),
            Span::styled(
                bar(level, if wide { 20 } else { 8 }),
                Style::new().fg(level_colour).bg(Color::DarkGray),
            ),
            Span::raw(format!(" {db:>4.0} dB  ")),
            Span::styled(vad_text, vad_style),
            Span::raw(match app.window {
                Some(n) if app.words_said() > n => {
                    format!("  words {} (last {n})  ", app.words_said())
                }
                _ => format!("  words {}  ", app.words_said()),
            }),
        ];
        let dropped_style = if app.dropped > 0 {
            Style::new().fg(Color::LightRed).bold()
        } else {
            Style::new().fg(Color::Gray)
        };
        spans.push(Span::styled(
            format!("dropped {}  ", app.dropped),
            dropped_style,
        ));
        // The speech probability and its trace where there is room for them.
        let used: usize = spans.iter().map(Span::width).sum();
        let room = (inner.width as usize).saturating_sub(used + 8);
        if room >= 8 {
            spans.push(Span::raw(format!("p={:.2} ", app.meter.prob)));
            spans.push(Span::styled(
                trace(app, room.min(31)),
                Style::new().fg(Color::LightGreen),
            ));
        }
        put(buf, Paragraph::new(Line::from(spans)), inner);
    }
}

/// "r replays · " when the finished session can be replayed.
pub fn replay_hint(app: &App) -> &'static str {
    if app.can_replay { "r replays · " } else { "" }
}

/// The last `n` frames of speech probability as a strip of eighth blocks.
fn trace(app: &App, n: usize) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let skip = app.vad_trace.len().saturating_sub(n);
    let mut s: String = std::iter::repeat_n(' ', n.saturating_sub(app.vad_trace.len())).collect();
    s.extend(
        app.vad_trace
            .iter()
            .skip(skip)
            .map(|p| LEVELS[((p.clamp(0.0, 1.0) * 7.0).round() as usize).min(7)]),
    );
    s
}
