//! Drawing: [`ui`] renders an [`App`] into a frame and reads nothing else. One widget per
//! panel (`header`, `prompt`, `timeline`, `neighbours`, `map`, `metrics`, `latency`,
//! `essentials`, `keys`, `help`), colours and helpers in `theme`.
//!
//! Large and high-contrast for a projector, in one of three layouts chosen by the
//! terminal's size ([`Screen::of`]), redrawn from scratch on every frame so that a resize
//! switches layout at once:
//! - [`Screen::Full`] (≥ 160×48): everything — level and voice activity, the prompt, a
//!   timeline, both encoders' neighbours, the map with its legend, per-layer metrics of
//!   both encoders, latencies per stage;
//! - [`Screen::Pair`] (≥ 100×30): grounded and ungrounded side by side — both encoders'
//!   neighbours and per-layer silhouettes and CKA, latency p50 / p95 on one line;
//! - [`Screen::Essentials`] (smaller, e.g. 80×24): the selected encoder only — the latest
//!   word, its neighbours with their marks, the chosen layer's silhouettes and CKA, and
//!   the latency.

mod essentials;
mod header;
mod help;
mod keys;
mod latency;
mod map;
mod metrics;
mod neighbours;
mod prompt;
mod theme;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::app::{App, Mode};

/// The layout for a terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// At least 160×48: every panel.
    Full,
    /// At least 100×30: grounded and ungrounded side by side, no map.
    Pair,
    /// Anything smaller: the selected encoder's essentials.
    Essentials,
}

impl Screen {
    /// The layout that fits `area`.
    pub fn of(area: Rect) -> Screen {
        if area.width >= 160 && area.height >= 48 {
            Screen::Full
        } else if area.width >= 100 && area.height >= 30 {
            Screen::Pair
        } else {
            Screen::Essentials
        }
    }
}

/// The furthest the help overlay scrolls on a screen of `area` (0 when it fits).
pub fn help_max_scroll(area: Rect) -> u16 {
    help::max_scroll(area)
}

/// Draws the whole screen from `app`, in the layout its size calls for.
pub fn ui(frame: &mut Frame, app: &App) {
    let area = frame.area();
    match Screen::of(area) {
        Screen::Full => full(frame, app, area),
        Screen::Pair => pair(frame, app, area),
        Screen::Essentials => essentials::draw(frame, app, area),
    }
    if app.help {
        frame.render_widget(help::Help(app), area);
    }
}

/// Rows of the per-layer metrics panel: a row per layer of the deepest encoder, two
/// heading rows and the frame.
fn metrics_height(app: &App) -> u16 {
    let layers = app.encoders.iter().map(|e| e.layers.len()).max();
    (layers.unwrap_or(0) as u16 + 4).clamp(6, 14)
}

fn full(frame: &mut Frame, app: &App, area: Rect) {
    let prompt_h = if app.mode == Mode::Prompted { 3 } else { 0 };
    let bottom_h = metrics_height(app).max(latency::PANEL_HEIGHT);
    let [header, prompt, timeline, main, bottom, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(prompt_h),
        Constraint::Length(3),
        Constraint::Min(8),
        Constraint::Length(bottom_h),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(header::Header(app), header);
    if prompt_h > 0 {
        frame.render_widget(prompt::Prompt(app), prompt);
    }
    frame.render_widget(timeline::Timeline(app), timeline);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(main);
    frame.render_widget(neighbours::Neighbours::all(app), left);
    frame.render_widget(map::MapPanel(app), right);
    let [metrics, latency] = Layout::horizontal([
        Constraint::Min(60),
        Constraint::Length(latency::PANEL_WIDTH),
    ])
    .areas(bottom);
    frame.render_widget(metrics::Metrics(app), metrics);
    frame.render_widget(latency::Latency(app), latency);
    frame.render_widget(keys::Footer(app), footer);
}

fn pair(frame: &mut Frame, app: &App, area: Rect) {
    let prompt_h = if app.mode == Mode::Prompted { 3 } else { 0 };
    // The prompt names the next word; the neighbours' title names the latest one.
    let timeline_h = if prompt_h > 0 { 0 } else { 3 };
    let [header, prompt, timeline, main, metrics, latency, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(prompt_h),
        Constraint::Length(timeline_h),
        Constraint::Min(6),
        Constraint::Length(metrics_height(app)),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(header::Header(app), header);
    if prompt_h > 0 {
        frame.render_widget(prompt::Prompt(app), prompt);
    }
    if timeline_h > 0 {
        frame.render_widget(timeline::Timeline(app), timeline);
    }
    frame.render_widget(neighbours::Neighbours::all(app), main);
    frame.render_widget(metrics::Metrics(app), metrics);
    frame.render_widget(latency::LatencyLine(app), latency);
    frame.render_widget(keys::Footer(app), footer);
}
