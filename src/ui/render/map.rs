//! The map: every word at the selected layer, flattened to 2-D, with its legend.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::{NO_GROUP_MARKER, category_colour, framed, group_marker, panel, put};
use crate::ui::app::{App, MapPoint};
use ratatui::style::Color;

/// The map: every word at the selected layer, flattened to 2-D, with its legend.
pub struct MapPanel<'a>(pub &'a App);

impl Widget for MapPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let title = match (app.selected_encoder(), app.selected_layer()) {
            (Some(e), Some(l)) => format!(" map · {} / {l} · PCA ", e.name),
            (Some(e), None) => format!(" map · {} · PCA ", e.name),
            _ => " map ".to_string(),
        };
        let inner = framed(buf, area, panel(title));
        // The legend takes the rows it needs (the plot keeps three): full names with
        // members if they fit, else names alone.
        let room = inner.height.saturating_sub(3) as usize;
        let full = legend(app, inner.width as usize, true);
        let lines = if full.len() <= room {
            full
        } else {
            legend(app, inner.width as usize, false)
        };
        let [plot, legend_area] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(lines.len() as u16)])
                .areas(inner);
        if app.map.len() < 2 {
            let msg = if app.words.is_empty() {
                "words appear here as they are said"
            } else {
                "needs two words with vectors at this layer"
            };
            put(
                buf,
                Paragraph::new(Span::styled(msg, Style::new().fg(Color::Gray)))
                    .alignment(Alignment::Center),
                plot,
            );
        } else {
            place_points(buf, plot, &app.map);
        }
        put(buf, Paragraph::new(lines), legend_area);
    }
}

/// The legend of the categories (colours) and sound groups (markers) on the map, wrapped
/// to `width`: `with_members` names each group with its members ("ch-: chin, chip").
fn legend(app: &App, width: usize, with_members: bool) -> Vec<Line<'static>> {
    let mut categories: Vec<usize> = app.map.iter().filter_map(|p| p.category).collect();
    categories.sort_unstable();
    categories.dedup();
    let mut groups: Vec<usize> = app.map.iter().filter_map(|p| p.group).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut items: Vec<Span<'static>> = categories
        .iter()
        .map(|&c| {
            Span::styled(
                app.groups.category_label(c),
                Style::new().fg(category_colour(Some(c))),
            )
        })
        .collect();
    items.extend(groups.iter().map(|&g| {
        let name = if with_members {
            app.groups.phonetic_label(g, 3)
        } else {
            app.groups.phonetic_name(g).to_string()
        };
        Span::raw(format!("{} {name}", group_marker(Some(g))))
    }));
    if app.map.iter().any(|p| p.group.is_none()) && !groups.is_empty() {
        items.push(Span::raw(format!("{NO_GROUP_MARKER} no sound group")));
    }
    wrap(items, width)
}

/// Lays `items` out in lines of at most `width` columns, two spaces apart.
fn wrap(items: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let mut used = 0;
    for item in items {
        let w = item.width();
        match lines.last_mut() {
            Some(line) if used + 2 + w <= width => {
                line.push(Span::raw("  "));
                line.push(item);
                used += 2 + w;
            }
            _ => {
                lines.push(vec![item]);
                used = w;
            }
        }
    }
    lines.into_iter().map(Line::from).collect()
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
