//! Colours, markers and small drawing helpers shared by every panel: large and
//! high-contrast for a projector.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Widget};

use crate::ui::app::{App, Standing};
use crate::ui::groups::Relation;

/// Colours of semantic categories (in the table's order, cycled).
pub const CATEGORY_COLOURS: [Color; 9] = [
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

/// Map markers of phonetic groups (in the table's order, cycled); none of them is a
/// neighbour's relation mark.
pub const GROUP_MARKERS: [&str; 14] = [
    "▲", "▼", "★", "✚", "✖", "◉", "♣", "♠", "♥", "✿", "☂", "♪", "✦", "⌂",
];

/// Marker of a word in no phonetic group.
pub const NO_GROUP_MARKER: &str = "•";

/// The colour of a semantic category (white for none).
pub fn category_colour(c: Option<usize>) -> Color {
    c.map_or(Color::White, |i| {
        CATEGORY_COLOURS[i % CATEGORY_COLOURS.len()]
    })
}
/// The map marker of a phonetic group.
pub fn group_marker(g: Option<usize>) -> &'static str {
    g.map_or(NO_GROUP_MARKER, |i| GROUP_MARKERS[i % GROUP_MARKERS.len()])
}
/// How a neighbour relation is coloured.
pub fn relation_style(r: Relation) -> Style {
    match r {
        Relation::SameWord => Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
        Relation::Both => Style::new().fg(Color::LightYellow),
        Relation::Phonetic => Style::new().fg(Color::LightMagenta),
        Relation::Semantic => Style::new().fg(Color::LightGreen),
        Relation::Neither | Relation::Unknown => Style::new().fg(Color::DarkGray),
    }
}
/// A bordered panel with a bold title.
pub fn panel(title: impl Into<Line<'static>>) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(Color::Gray))
        .title(title.into().bold())
}
/// A bar of `width` cells for `value` in [0, 1] (eighth-block resolution).
pub fn bar(value: f32, width: usize) -> String {
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
/// A word coloured by its semantic category.
pub fn word_style(app: &App, label: Option<&str>) -> Style {
    let g = label.and_then(|l| app.groups.get(l));
    let cat = g
        .and_then(|g| g.semantic.as_deref())
        .and_then(|c| app.groups.category_index(c));
    Style::new().fg(category_colour(cat))
}

/// A word's style as it stands: dimmed while provisional, struck through while it is
/// merged into the longer word that follows.
pub fn standing_style(style: Style, standing: Standing) -> Style {
    match standing {
        Standing::Final => style,
        Standing::Provisional => style.add_modifier(Modifier::DIM | Modifier::ITALIC),
        Standing::Merging => style.add_modifier(Modifier::DIM | Modifier::CROSSED_OUT),
    }
}

/// Draws `block` around `area` and returns the area inside it.
pub fn framed(buf: &mut Buffer, area: Rect, block: Block<'static>) -> Rect {
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// Renders `widget` into `area` of `buf`.
pub fn put(buf: &mut Buffer, widget: impl Widget, area: Rect) {
    widget.render(area, buf);
}
