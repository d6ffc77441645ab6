//! The compared boards as an SVG bar chart (`bench --compare … --plot FILE`): one group of
//! bars per stage (p50, log scale, since stages differ by three orders of magnitude), one
//! bar per board, and what a listener waits on top.

use std::path::Path;

use svg::Document;
use svg::node::element::{Line, Rectangle};

use super::BenchReport;
use super::compare::{board_name, rows};
use crate::chart::{canvas, text};
use crate::error::{Error, Result};

/// Bar colours, one per board (colour-blind safe, Okabe–Ito).
const COLOURS: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
];
const WIDTH: f64 = 960.0;
const LABEL_W: f64 = 300.0;
const BAR_H: f64 = 11.0;

/// Draws the p50 rows of the comparison as SVG.
pub fn svg(names: &[String], reports: &[BenchReport]) -> Document {
    let rows: Vec<_> = rows(reports)
        .into_iter()
        .filter(|r| r.unit != "MiB" && r.unit != "×" && !r.name.ends_with("p95"))
        .filter(|r| r.values.iter().any(Option::is_some))
        .collect();
    // Everything in µs on one log axis from 1 µs to the next power of ten above the largest.
    let us = |unit: &str, v: f64| if unit == "ms" { v * 1e3 } else { v };
    let top = rows
        .iter()
        .flat_map(|r| r.values.iter().flatten().map(|v| us(r.unit, *v)))
        .fold(10.0f64, f64::max)
        .log10()
        .ceil();
    let plot_w = WIDTH - LABEL_W - 20.0;
    let x_of = |v: f64| LABEL_W + plot_w * (v.max(1.0).log10() / top);
    let legend_h = 16.0 * reports.len() as f64 + 30.0;
    let group_h = BAR_H * reports.len() as f64 + 8.0;
    let height = legend_h + group_h * rows.len() as f64 + 40.0;

    let mut doc = canvas(WIDTH, height).add(text(
        10.0,
        18.0,
        "groundprobe bench: p50 per stage (µs, log scale)",
        "start",
    ));
    for (b, (name, r)) in names.iter().zip(reports).enumerate() {
        let y = 32.0 + 16.0 * b as f64;
        doc = doc
            .add(
                Rectangle::new()
                    .set("x", 10)
                    .set("y", y - 9.0)
                    .set("width", 10)
                    .set("height", 10)
                    .set("fill", COLOURS[b % COLOURS.len()]),
            )
            .add(text(
                26.0,
                y,
                &format!("{name}: {}", board_name(r)),
                "start",
            ));
    }
    let axis_y = height - 30.0;
    for p in 0..=top as i32 {
        let x = x_of(10f64.powi(p));
        doc = doc
            .add(
                Line::new()
                    .set("x1", x)
                    .set("x2", x)
                    .set("y1", legend_h)
                    .set("y2", axis_y)
                    .set("stroke", "#ddd"),
            )
            .add(text(x, axis_y + 14.0, &format!("1e{p}"), "middle"));
    }
    for (i, row) in rows.iter().enumerate() {
        let y0 = legend_h + group_h * i as f64;
        doc = doc.add(text(
            LABEL_W - 6.0,
            y0 + group_h / 2.0 + 3.0,
            &row.name,
            "end",
        ));
        for (b, v) in row.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let x1 = x_of(us(row.unit, *v));
            doc = doc.add(
                Rectangle::new()
                    .set("x", LABEL_W)
                    .set("y", y0 + 4.0 + BAR_H * b as f64)
                    .set("width", (x1 - LABEL_W).max(1.0))
                    .set("height", BAR_H - 2.0)
                    .set("fill", COLOURS[b % COLOURS.len()]),
            );
        }
    }
    doc
}

/// Writes the chart to `path`.
///
/// # Errors
/// [`Error::Io`] naming the file.
pub fn save(path: &Path, names: &[String], reports: &[BenchReport]) -> Result<()> {
    svg::save(path, &svg(names, reports)).map_err(|e| Error::io(path, e))
}
