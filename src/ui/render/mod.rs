//! Drawing: [`ui`] renders an [`App`] into a frame and reads nothing else. One widget per
//! panel (`header`, `prompt`, `timeline`, `neighbours`, `map`, `metrics`, `latency`,
//! `keys`), colours and helpers in `theme`.
//!
//! One screen, large and high-contrast for a projector: level and voice activity, the
//! prompt, a timeline of words, the latest word's neighbours under each encoder side by
//! side, a 2-D map of the selected layer, per-layer metrics and latencies.

mod header;
mod keys;
mod latency;
mod map;
mod metrics;
mod neighbours;
mod prompt;
mod theme;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use super::app::{App, Mode};

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
    frame.render_widget(header::Header(app), header);
    if prompt_h > 0 {
        frame.render_widget(prompt::Prompt(app), prompt);
    }
    frame.render_widget(timeline::Timeline(app), timeline);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(main);
    frame.render_widget(neighbours::Neighbours(app), left);
    frame.render_widget(map::MapPanel(app), right);
    let [metrics, latency] =
        Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)]).areas(bottom);
    frame.render_widget(metrics::Metrics(app), metrics);
    frame.render_widget(latency::Latency(app), latency);
    frame.render_widget(keys::Footer(app), footer);
    if app.help {
        frame.render_widget(keys::Help, area);
    }
}
