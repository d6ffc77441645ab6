//! Drawing: [`ui`] renders an [`App`] into a frame and reads nothing else.
//!
//! One screen, large and high-contrast for a projector: level and voice activity, the
//! prompt, a timeline of words, the latest word's neighbours under each encoder side by
//! side, a 2-D map of the selected layer, per-layer metrics and latencies.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::app::{App, EncoderSetup, LayerMetrics, MapPoint, Mode, NeighbourView};
use super::groups::Relation;

/// Colours of semantic categories (in the table's order, cycled).
const CATEGORY_COLOURS: [Color; 9] = [
    Color::LightCyan,
    Color::LightYellow,
    Color::LightGreen,
    Color::LightMagenta,
    Color::LightRed,
    Color::LightBlue,
    Color::Cyan,
    Color::Yellow,
    Color::Green,
];

/// Map markers of phonetic groups (in the table's order, cycled).
const GROUP_MARKERS: [&str; 14] = [
    "▲", "■", "◆", "★", "✚", "✖", "▼", "◉", "◀", "▶", "♦", "♣", "♠", "♥",
];

/// Marker of a word in no phonetic group.
const NO_GROUP_MARKER: &str = "•";

fn category_colour(c: Option<usize>) -> Color {
    c.map_or(Color::White, |i| {
        CATEGORY_COLOURS[i % CATEGORY_COLOURS.len()]
    })
}

fn group_marker(g: Option<usize>) -> &'static str {
    g.map_or(NO_GROUP_MARKER, |i| GROUP_MARKERS[i % GROUP_MARKERS.len()])
}

fn relation_style(r: Relation) -> Style {
    match r {
        Relation::SameWord => Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
        Relation::Both => Style::new().fg(Color::LightYellow),
        Relation::Phonetic => Style::new().fg(Color::LightMagenta),
        Relation::Semantic => Style::new().fg(Color::LightGreen),
        Relation::Neither | Relation::Unknown => Style::new().fg(Color::DarkGray),
    }
}

fn panel(title: impl Into<Line<'static>>) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(Color::Gray))
        .title(title.into().bold())
}

/// A bar of `width` cells for `value` in [0, 1] (eighth-block resolution).
fn bar(value: f32, width: usize) -> String {
    const PARTS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let v = if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let eighths = (v * width as f32 * 8.0).round() as usize;
    let mut s: String = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(PARTS[eighths % 8 - 1]);
    }
    let used = s.chars().count();
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    s
}

/// The last second of speech probability as a strip of eighth blocks.
fn trace(app: &App) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let n = 31;
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

/// Draws the whole screen from `app`.
pub fn ui(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let prompt_h = if app.mode == Mode::Prompted { 3 } else { 0 };
    let layers = app
        .encoders
        .iter()
        .map(|e| e.layers.len())
        .max()
        .unwrap_or(0) as u16;
    let bottom_h = (layers + 5).clamp(7, 14);
    let [header, prompt, timeline, main, bottom, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(prompt_h),
        Constraint::Length(3),
        Constraint::Min(8),
        Constraint::Length(bottom_h),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, header, app);
    if prompt_h > 0 {
        draw_prompt(frame, prompt, app);
    }
    draw_timeline(frame, timeline, app);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(main);
    draw_neighbours(frame, left, app);
    draw_map(frame, right, app);
    let [metrics, latency] =
        Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)]).areas(bottom);
    draw_metrics(frame, metrics, app);
    draw_latency(frame, latency, app);
    draw_footer(frame, footer, app);
    if app.help {
        draw_help(frame, area);
    }
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App) {
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
    match &app.finished {
        Some(Ok(note)) => status.push(Span::styled(
            format!(" {note} — q quits "),
            Style::new().fg(Color::Black).bg(Color::LightCyan),
        )),
        Some(Err(e)) => status.push(Span::styled(
            format!(" engine stopped: {e} "),
            Style::new().fg(Color::White).bg(Color::Red).bold(),
        )),
        None => {}
    }
    let block = panel(title).title(Line::from(status).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);

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
    let mut spans = vec![
        Span::raw(" level "),
        Span::styled(
            bar(level, 20),
            Style::new().fg(level_colour).bg(Color::DarkGray),
        ),
        Span::raw(format!(" {db:>5.0} dB   ")),
        Span::styled(vad_text, vad_style),
        Span::raw(format!(" p={:.2} ", app.meter.prob)),
        Span::styled(trace(app), Style::new().fg(Color::LightGreen)),
        Span::raw("   "),
        Span::raw(format!("words {}   ", app.session_words().count())),
    ];
    let dropped_style = if app.dropped > 0 {
        Style::new().fg(Color::LightRed).bold()
    } else {
        Style::new().fg(Color::Gray)
    };
    spans.push(Span::styled(
        format!("dropped {}   ", app.dropped),
        dropped_style,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), inner);
}

fn draw_prompt(frame: &mut Frame, area: Rect, app: &App) {
    let block = panel(" say the next word ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
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
    frame.render_widget(Paragraph::new(line), inner);
}

fn word_style(app: &App, label: Option<&str>) -> Style {
    let g = label.and_then(|l| app.groups.get(l));
    let cat = g
        .and_then(|g| g.semantic.as_deref())
        .and_then(|c| app.groups.category_index(c));
    Style::new().fg(category_colour(cat))
}

fn draw_timeline(frame: &mut Frame, area: Rect, app: &App) {
    let block = panel(" words ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
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
        spans.push(Span::styled(cell, style));
    }
    spans.reverse();
    if words.is_empty() {
        let hint = match app.mode {
            Mode::Demo => "  waiting for the first word of the demo…",
            Mode::Prompted => "  say the word shown above…",
            Mode::Free => "  say any word…",
        };
        spans.push(Span::styled(hint, Style::new().fg(Color::Gray)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), inner);
}

fn draw_neighbours(frame: &mut Frame, area: Rect, app: &App) {
    let title = match app.latest() {
        Some(w) => {
            let file = w
                .file
                .as_deref()
                .and_then(|f| std::path::Path::new(f).file_name())
                .map(|f| format!("{} ", f.to_string_lossy()))
                .unwrap_or_default();
            format!(
                " nearest neighbours of “{}”  ({file}{:.2}–{:.2} s) ",
                w.name(),
                w.start,
                w.end
            )
        }
        None => " nearest neighbours ".to_string(),
    };
    let block = panel(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    // Grounded encoders first, then ungrounded; a placeholder when a side is missing.
    let mut columns: Vec<Option<&EncoderSetup>> = Vec::new();
    columns.extend(app.encoders.iter().filter(|e| e.grounded).map(Some));
    if columns.is_empty() {
        columns.push(None);
    }
    columns.extend(app.encoders.iter().filter(|e| !e.grounded).map(Some));
    let [body, legend] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(inner);
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
        draw_neighbour_column(frame, *col, app, enc);
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
        .flat_map(|r| [Span::styled(r.tag(), relation_style(*r)), Span::raw("   ")])
        .collect::<Vec<_>>(),
    );
    frame.render_widget(Paragraph::new(legend_line), legend);
}

fn draw_neighbour_column(frame: &mut Frame, area: Rect, app: &App, enc: Option<&EncoderSetup>) {
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
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    };
    let kind = if enc.grounded {
        Span::styled("GROUNDED", Style::new().bold().fg(Color::LightCyan))
    } else {
        Span::styled("UNGROUNDED", Style::new().bold().fg(Color::LightYellow))
    };
    let layer = enc
        .neighbour_layer
        .and_then(|i| enc.layers.get(i))
        .map(|l| format!(" @{l}"))
        .unwrap_or_default();
    let mut lines = vec![Line::from(vec![
        kind,
        Span::raw(format!("  {}{layer}", enc.name)),
    ])];
    let shown: Vec<&NeighbourView> = app
        .latest()
        .and_then(|w| w.neighbours.get(&enc.name))
        .map(|ns| ns.iter().take(app.neighbours_shown).collect())
        .unwrap_or_default();
    if shown.is_empty() {
        let note = if app.latest().is_some() {
            "(first word: nothing to compare yet)"
        } else {
            "(no word yet)"
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
    frame.render_widget(Paragraph::new(lines), area);
}

fn label_of(n: &NeighbourView) -> String {
    n.label.clone().unwrap_or_else(|| format!("#{}", n.index))
}

fn draw_map(frame: &mut Frame, area: Rect, app: &App) {
    let title = match (app.selected_encoder(), app.selected_layer()) {
        (Some(e), Some(l)) => format!(" map · {} / {l} · PCA ", e.name),
        (Some(e), None) => format!(" map · {} · PCA ", e.name),
        _ => " map ".to_string(),
    };
    let block = panel(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let legend_h = if app.groups.is_empty() { 0 } else { 2 };
    let [plot, legend] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(legend_h)]).areas(inner);
    if app.map.len() < 2 {
        let msg = if app.words.is_empty() {
            "words appear here as they are said"
        } else {
            "needs two words with vectors at this layer"
        };
        frame.render_widget(
            Paragraph::new(Span::styled(msg, Style::new().fg(Color::Gray)))
                .alignment(Alignment::Center),
            plot,
        );
    } else {
        place_points(frame.buffer_mut(), plot, &app.map);
    }
    if legend_h > 0 {
        let cats: Vec<Span> = app
            .groups
            .categories()
            .iter()
            .enumerate()
            .map(|(i, c)| Span::styled(format!("{c}  "), Style::new().fg(category_colour(Some(i)))))
            .collect();
        let groups: Vec<Span> = std::iter::once(Span::raw(format!("{NO_GROUP_MARKER} none  ")))
            .chain(
                app.groups
                    .phonetic_groups()
                    .iter()
                    .enumerate()
                    .map(|(i, g)| Span::raw(format!("{} {g}  ", group_marker(Some(i))))),
            )
            .collect();
        frame.render_widget(
            Paragraph::new(vec![Line::from(cats), Line::from(groups)]),
            legend,
        );
    }
}

/// Writes the map's points into `area`: the latest word exactly where it belongs, then the
/// others, each moved up or down a row or two when its label would cover another.
fn place_points(buf: &mut Buffer, area: Rect, points: &[MapPoint]) {
    if area.width < 4 || area.height < 2 {
        return;
    }
    let (w, h) = (area.width as usize, area.height as usize);
    let mut taken = vec![false; w * h];
    let order = points
        .iter()
        .filter(|p| p.latest)
        .chain(points.iter().filter(|p| !p.latest && !p.reference))
        .chain(points.iter().filter(|p| p.reference));
    for p in order {
        let text = format!("{}{}", group_marker(p.group), p.label);
        let len = text.chars().count().min(w);
        let span = w - len;
        let col = ((p.x.clamp(-1.0, 1.0) + 1.0) / 2.0 * span as f32).round() as usize;
        let row = ((1.0 - (p.y.clamp(-1.0, 1.0) + 1.0) / 2.0) * (h - 1) as f32).round() as usize;
        let free = |r: usize, taken: &[bool]| (col..col + len).all(|c| !taken[r * w + c]);
        let Some(r) = [0isize, 1, -1, 2, -2, 3, -3]
            .iter()
            .map(|d| row as isize + d)
            .filter(|r| (0..h as isize).contains(r))
            .map(|r| r as usize)
            .find(|&r| free(r, &taken))
        else {
            continue;
        };
        for c in col..col + len {
            taken[r * w + c] = true;
        }
        let mut style = Style::new().fg(category_colour(p.category));
        if p.reference {
            style = style.add_modifier(Modifier::DIM);
        }
        if p.latest {
            style = style.add_modifier(Modifier::BOLD | Modifier::REVERSED);
        }
        buf.set_stringn(area.x + col as u16, area.y + r as u16, &text, len, style);
    }
}

fn signed(v: Option<f32>, width: usize, colour: Color) -> Vec<Span<'static>> {
    match v {
        Some(x) if x.is_finite() => {
            let style = if x < 0.0 {
                Style::new().fg(Color::LightRed)
            } else {
                Style::new().fg(colour)
            };
            // Silhouettes of word embeddings are small: a full bar is 0.5.
            vec![
                Span::raw(format!("{x:+.3} ")),
                Span::styled(bar(x.abs() * 2.0, width), style),
            ]
        }
        _ => vec![Span::styled(
            format!("{:>6} {}", "—", " ".repeat(width)),
            Style::new().fg(Color::DarkGray),
        )],
    }
}

fn draw_metrics(frame: &mut Frame, area: Rect, app: &App) {
    let note = match &app.metrics {
        Some(m) => format!(
            " per layer: silhouette (phonetic | semantic) and CKA{} · {} words ",
            m.cka_table
                .as_ref()
                .map(|t| format!(" vs {t}"))
                .unwrap_or_default(),
            m.words
        ),
        None => " per layer: silhouette (phonetic | semantic) and CKA ".to_string(),
    };
    let block = panel(note);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.encoders.is_empty() {
        return;
    }
    // Every encoder side by side when there is room, else the selected one (Tab).
    let shown: Vec<(usize, &EncoderSetup)> = if inner.width as usize / app.encoders.len() >= 44 {
        app.encoders.iter().enumerate().collect()
    } else {
        app.encoders
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == app.encoder)
            .collect()
    };
    let cols = Layout::horizontal(vec![Constraint::Ratio(1, shown.len() as u32); shown.len()])
        .spacing(2)
        .split(inner);
    for (col, (ei, enc)) in cols.iter().zip(shown) {
        let selected = ei == app.encoder;
        let metrics: Option<&Vec<LayerMetrics>> =
            app.metrics.as_ref().and_then(|m| m.encoders.get(&enc.name));
        let bar_w = ((col.width as usize).saturating_sub(13 + 7 + 7 + 5 + 3) / 3).clamp(2, 12);
        let head_style = if selected {
            Style::new().bold().fg(Color::LightCyan)
        } else {
            Style::new().bold()
        };
        let kind = if enc.grounded {
            "grounded"
        } else {
            "ungrounded"
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled(
                    format!("{}{}", if selected { "▶ " } else { "  " }, enc.name),
                    head_style,
                ),
                Span::styled(format!("  {kind}"), Style::new().fg(Color::Gray)),
            ]),
            Line::from(Span::styled(
                format!(
                    "{:<13}{:<w1$} {:<w1$} CKA",
                    " layer",
                    "phonetic",
                    "semantic",
                    w1 = 7 + bar_w
                ),
                Style::new().fg(Color::Gray),
            )),
        ];
        let rows = enc.layers.len().max(metrics.map_or(0, Vec::len));
        for li in 0..rows {
            let m = metrics.and_then(|m| {
                enc.layers
                    .get(li)
                    .and_then(|name| m.iter().find(|x| &x.layer == name))
                    .or(m.get(li))
            });
            let name = enc
                .layers
                .get(li)
                .cloned()
                .or(m.map(|m| m.layer.clone()))
                .unwrap_or_default();
            let mark = if selected && li == app.layer {
                "▸"
            } else {
                " "
            };
            let mut spans = vec![Span::styled(
                format!("{mark}{name:<11.11} "),
                if selected && li == app.layer {
                    Style::new().bold().reversed()
                } else {
                    Style::new()
                },
            )];
            spans.extend(signed(
                m.and_then(|m| m.silhouette_phonetic),
                bar_w,
                Color::LightMagenta,
            ));
            spans.push(Span::raw(" "));
            spans.extend(signed(
                m.and_then(|m| m.silhouette_semantic),
                bar_w,
                Color::LightGreen,
            ));
            spans.push(Span::raw(" "));
            match m.and_then(|m| m.cka) {
                Some(c) if c.is_finite() => {
                    spans.push(Span::raw(format!("{c:.2} ")));
                    spans.push(Span::styled(
                        bar(c, bar_w),
                        Style::new().fg(Color::LightCyan),
                    ));
                }
                _ => spans.push(Span::styled("   —", Style::new().fg(Color::DarkGray))),
            }
            lines.push(Line::from(spans));
        }
        if app.metrics.is_none() {
            lines.push(Line::from(Span::styled(
                "  (probe metrics not available yet)",
                Style::new().fg(Color::DarkGray),
            )));
        }
        frame.render_widget(Paragraph::new(lines), *col);
    }
}

fn draw_latency(frame: &mut Frame, area: Rect, app: &App) {
    let block = panel(" latency per word (ms) ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
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
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_footer(frame: &mut Frame, area: Rect, app: &App) {
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
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_help(frame: &mut Frame, area: Rect) {
    let popup = area.centered(Constraint::Percentage(70), Constraint::Percentage(70));
    frame.render_widget(Clear, popup);
    let b = |s: &'static str| Span::styled(s, Style::new().bold().fg(Color::LightCyan));
    let text = vec![
        Line::from(b("What you see")),
        Line::from("  level / VAD — microphone (or demo) level and whether a word is being heard"),
        Line::from("  words — the words found so far; the latest is highlighted"),
        Line::from(
            "  nearest neighbours — the earlier words whose vectors are closest to the latest",
        ),
        Line::from("     word, for a visually GROUNDED and an UNGROUNDED encoder side by side;"),
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
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(panel(" help ").border_style(Style::new().fg(Color::LightCyan))),
        popup,
    );
}
