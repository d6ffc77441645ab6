//! The CKA matrix as a heatmap (`cka_matrix.svg`): for each speech encoder, its layers
//! (rows) against every text table (columns), biased CKA on the left and debiased on the
//! right. A text encoder's tables (`MODEL:LAYER`) are its layers in order; the cells where
//! speech layer i meets text layer i — the paper's diagonal — are outlined. Each cell
//! carries its value in a `<title>`, as the CSV holds it.

use std::collections::BTreeMap;

use svg::Document;
use svg::node::element::{Rectangle, Title};

use super::report::{EncoderReport, Report};
use crate::chart::{canvas, text};

const CELL_W: f64 = 56.0;
const CELL_H: f64 = 22.0;
/// Room for the row labels, the column labels, a panel's title.
const LABELS: f64 = 110.0;
const HEADER: f64 = 84.0;
const GAP: f64 = 30.0;

/// The heatmap of every encoder against every table, or `None` without tables.
pub fn cka_matrix(report: &Report) -> Option<Document> {
    let tables = &report.settings.tables;
    if tables.is_empty() || report.encoders.is_empty() {
        return None;
    }
    let depth = text_depths(tables);
    let panel_w = LABELS + CELL_W * tables.len() as f64;
    // The last column's rotated label reaches past its panel.
    let width = 2.0 * panel_w + GAP + 90.0;
    let heights: Vec<f64> = (report.encoders.iter())
        .map(|e| HEADER + CELL_H * e.layers.len() as f64 + GAP)
        .collect();
    let height = 40.0 + heights.iter().sum::<f64>();
    let mut doc = canvas(width, height).add(
        text(
            width / 2.0,
            20.0,
            "Linear CKA, speech layer × text table (outlined: layer i with text layer i)",
            "middle",
        )
        .set("font-size", 14),
    );
    let mut top = 40.0;
    for (e, h) in report.encoders.iter().zip(&heights) {
        for (k, debiased) in [false, true].into_iter().enumerate() {
            let left = 10.0 + k as f64 * (panel_w + GAP);
            doc = panel(doc, e, tables, &depth, debiased, (left, top));
        }
        top += h;
    }
    Some(doc)
}

/// One CKA line of `cka.svg`: a table, or a text encoder's layers taken along the diagonal.
pub struct CkaLine<'a> {
    /// Legend text.
    pub name: String,
    /// One table for every speech layer, or a text encoder's tables in layer order.
    tables: Vec<&'a str>,
    diagonal: bool,
}

impl CkaLine<'_> {
    /// The table speech layer `x` (its position) is compared with on this line.
    pub fn table_at(&self, x: usize) -> Option<&str> {
        if self.diagonal {
            self.tables.get(x).copied()
        } else {
            self.tables.first().copied()
        }
    }
}

/// The lines of `cka.svg`, in table order: one per table, but one per text encoder whose
/// several layers are tables.
pub fn cka_lines(tables: &[String]) -> Vec<CkaLine<'_>> {
    let mut lines: Vec<CkaLine> = Vec::new();
    for (t, d) in tables.iter().zip(text_depths(tables)) {
        match (d, t.split_once(':')) {
            (Some(0), Some((model, _))) => lines.push(CkaLine {
                name: format!("vs {model} (i ↔ i)"),
                tables: vec![t],
                diagonal: true,
            }),
            (Some(_), Some((model, _))) => {
                let prefix = format!("vs {model} (");
                if let Some(line) = lines.iter_mut().find(|l| l.name.starts_with(&prefix)) {
                    line.tables.push(t);
                }
            }
            _ => lines.push(CkaLine {
                name: format!("vs {t}"),
                tables: vec![t],
                diagonal: false,
            }),
        }
    }
    lines
}

/// Each table's layer position within its text encoder (`MODEL:LAYER` names, in order);
/// `None` for a table that is not one of several layers of one model.
fn text_depths(tables: &[String]) -> Vec<Option<usize>> {
    let model = |t: &str| t.split_once(':').map(|(m, _)| m.to_string());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for m in tables.iter().filter_map(|t| model(t)) {
        *count.entry(m).or_default() += 1;
    }
    (tables.iter())
        .map(|t| {
            let m = model(t).filter(|m| count[m] > 1)?;
            let n = seen.entry(m).or_default();
            *n += 1;
            Some(*n - 1)
        })
        .collect()
}

fn panel(
    mut doc: Document,
    e: &EncoderReport,
    tables: &[String],
    depth: &[Option<usize>],
    debiased: bool,
    (left, top): (f64, f64),
) -> Document {
    let what = if debiased { "debiased" } else { "CKA" };
    doc = doc.add(text(
        left,
        top + 14.0,
        &format!("{} — {what}", e.name),
        "start",
    ));
    let x0 = left + LABELS;
    let y0 = top + HEADER;
    for (j, t) in tables.iter().enumerate() {
        let x = x0 + CELL_W * (j as f64 + 0.5);
        let label = text(x, y0 - 6.0, t, "start")
            .set("transform", format!("rotate(-40 {x} {})", y0 - 6.0))
            .set("font-size", 10);
        doc = doc.add(label);
    }
    for (i, l) in e.layers.iter().enumerate() {
        let y = y0 + CELL_H * i as f64;
        doc = doc.add(text(x0 - 6.0, y + CELL_H * 0.7, &l.layer, "end"));
        let values = if debiased {
            &l.all.cka_debiased
        } else {
            &l.all.cka
        };
        for (j, t) in tables.iter().enumerate() {
            let v = values.get(t).copied().flatten();
            let x = x0 + CELL_W * j as f64;
            let mut cell = Rectangle::new()
                .set("x", x)
                .set("y", y)
                .set("width", CELL_W)
                .set("height", CELL_H)
                .set("fill", v.map_or("#eee".to_string(), shade))
                .set("stroke", "#fff");
            if let Some(v) = v {
                let title = format!("{} {} × {t} ({what}): {v:.6}", e.name, l.layer);
                cell = cell.add(Title::new(title));
            }
            doc = doc.add(cell);
            let label = v.map_or_else(|| "–".to_string(), |v| format!("{v:.2}"));
            let ink = if v.is_some_and(|v| v > 0.55) {
                "#fff"
            } else {
                "#000"
            };
            let label = text(x + CELL_W / 2.0, y + CELL_H * 0.7, &label, "middle")
                .set("fill", ink)
                .set("pointer-events", "none");
            doc = doc.add(label);
        }
    }
    // The diagonal's outlines last, so no neighbour's edge covers them.
    for (j, d) in depth.iter().enumerate() {
        let Some(i) = d.filter(|&i| i < e.layers.len()) else {
            continue;
        };
        let outline = Rectangle::new()
            .set("x", x0 + CELL_W * j as f64)
            .set("y", y0 + CELL_H * i as f64)
            .set("width", CELL_W)
            .set("height", CELL_H)
            .set("fill", "none")
            .set("stroke", "#000")
            .set("stroke-width", 2);
        doc = doc.add(outline);
    }
    doc
}

/// White (0 or below) to deep blue (1), linear in each channel.
fn shade(v: f64) -> String {
    let t = v.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(255.0, 8.0),
        mix(255.0, 48.0),
        mix(255.0, 107.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_encoders_tables_are_its_layers_in_order() {
        let tables: Vec<String> = ["clip", "m:layer0", "m:layer1", "one:x", "m:layer2"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            text_depths(&tables),
            [None, Some(0), Some(1), None, Some(2)]
        );
    }

    #[test]
    fn a_text_encoder_is_one_line_along_the_diagonal() {
        let tables: Vec<String> = ["clip", "m:layer0", "m:layer1"].map(String::from).to_vec();
        let lines = cka_lines(&tables);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0].table_at(0), lines[0].table_at(5)),
            (Some("clip"), Some("clip"))
        );
        assert_eq!(lines[1].name, "vs m (i ↔ i)");
        assert_eq!(
            (lines[1].table_at(1), lines[1].table_at(2)),
            (Some("m:layer1"), None)
        );
    }

    #[test]
    fn shades_run_from_white_to_blue_and_clamp() {
        assert_eq!(shade(-0.3), "#ffffff");
        assert_eq!(shade(0.0), "#ffffff");
        assert_eq!(shade(1.0), "#08306b");
        assert_eq!(shade(2.0), "#08306b");
    }
}
