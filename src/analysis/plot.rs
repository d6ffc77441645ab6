//! The paper's figures as SVG, drawn from the rows the CSV files hold: layer-wise CKA with
//! each text table — a text encoder's layers as one line, speech layer i with text layer
//! i, the paper's diagonal (`cka.svg`; the whole matrix is [`super::heatmap`]'s);
//! phonetic vs semantic silhouette with their 95 % bands (`silhouette.svg`) and on the
//! LDA and PCA projections (`silhouette_projected.svg`); word-pair kinds above the random
//! baseline (`pairs.svg`). The x axis is the layer's position in its encoder (first = 0);
//! each point carries its value in a `<title>`, so a reader (or a test) can check it
//! against the CSV.

use svg::Document;
use svg::node::element::{Circle, Polygon, Polyline, Title};

use super::PAIR_KINDS;
use super::heatmap::{cka_lines, cka_matrix};
use super::report::{LayerReport, ProjectedSilhouette, Report};
use crate::chart::{canvas, line, text};

/// Okabe–Ito colours (colour-blind safe), one per series.
const COLOURS: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];
const W: f64 = 820.0;
const H: f64 = 420.0;
/// Margins: the y labels, the legend, the title, the x labels.
const LEFT: f64 = 60.0;
const RIGHT: f64 = 270.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;

/// One line: a value (with an optional band) per layer position.
pub struct Series {
    /// Legend text.
    pub name: String,
    /// First layer first.
    pub points: Vec<Point>,
}

/// One layer's value on a line.
pub struct Point {
    /// The layer's position in its encoder.
    pub x: usize,
    /// The layer's name.
    pub layer: String,
    /// The value.
    pub y: f64,
    /// Its 95 % interval, if it has one.
    pub band: Option<(f64, f64)>,
}

/// Every figure of a report, by file name.
pub fn figures(report: &Report) -> Vec<(String, Document)> {
    let mut cka = Vec::new();
    let mut silhouette = Vec::new();
    let mut pairs = Vec::new();
    let mut projected = Vec::new();
    let lines = cka_lines(&report.settings.tables);
    for e in &report.encoders {
        let tag = |what: &str| format!("{} {what}", e.name);
        for line in &lines {
            cka.push(series(tag(&line.name), e, |l| {
                let x = e.layers.iter().position(|m| m.layer == l.layer)?;
                let table = line.table_at(x)?;
                Some((l.all.cka.get(table).copied().flatten()?, None))
            }));
        }
        silhouette.push(series(tag("phonetic"), e, |l| {
            let i = l.silhouette_phonetic;
            Some((i.mean?, Some((i.low?, i.high?))))
        }));
        silhouette.push(series(tag("semantic"), e, |l| {
            let i = l.silhouette_semantic;
            Some((i.mean?, Some((i.low?, i.high?))))
        }));
        for (name, of) in PROJECTED {
            projected.push(series(tag(name), e, |l| {
                let i = of(l).folds;
                Some((i.mean?, Some((i.low?, i.high?))))
            }));
        }
        for (k, (_, kind)) in PAIR_KINDS.iter().enumerate() {
            pairs.push(series(tag(kind), e, |l| {
                let i = l.pairs_pooled[k];
                Some((i.mean?, Some((i.low?, i.high?))))
            }));
        }
    }
    let keep = |s: Vec<Series>| {
        s.into_iter()
            .filter(|s| !s.points.is_empty())
            .collect::<Vec<_>>()
    };
    let mut figures = vec![
        (
            "cka.svg".into(),
            chart(
                "Linear CKA with the text tables, per layer",
                "CKA",
                &keep(cka),
            ),
        ),
        (
            "silhouette.svg".into(),
            chart(
                "Silhouette (cosine), leaving one category or group out: mean, 95 % CI",
                "silhouette",
                &keep(silhouette),
            ),
        ),
        (
            "silhouette_projected.svg".into(),
            chart(
                "Silhouette (Euclidean) on LDA and PCA-8 projections, leaving one out: mean, 95 % CI",
                "silhouette",
                &keep(projected),
            ),
        ),
        (
            "pairs.svg".into(),
            chart(
                "Word pairs: mean cosine minus random pairs, over seeds (95 % CI)",
                "cosine − random",
                &keep(pairs),
            ),
        ),
    ];
    figures.extend(cka_matrix(report).map(|doc| ("cka_matrix.svg".to_string(), doc)));
    figures
}

/// One layer's projected silhouette of one kind.
type ProjectedOf = fn(&LayerReport) -> ProjectedSilhouette;

/// The projected silhouettes drawn, with their legend names.
const PROJECTED: [(&str, ProjectedOf); 4] = [
    ("LDA phonetic", |l| l.lda_phonetic),
    ("LDA semantic", |l| l.lda_semantic),
    ("PCA phonetic", |l| l.pca_phonetic),
    ("PCA semantic", |l| l.pca_semantic),
];

fn series(
    name: String,
    e: &super::report::EncoderReport,
    value: impl Fn(&super::report::LayerReport) -> Option<(f64, Option<(f64, f64)>)>,
) -> Series {
    let points = (e.layers.iter().enumerate())
        .filter_map(|(x, l)| {
            let (y, band) = value(l)?;
            let layer = l.layer.clone();
            Some(Point { x, layer, y, band })
        })
        .collect();
    Series { name, points }
}

/// A line chart of `series` over layer positions, with bands where given.
pub fn chart(title: &str, y_label: &str, series: &[Series]) -> Document {
    let values = series.iter().flat_map(|s| s.points.iter()).flat_map(|p| {
        let (lo, hi) = p.band.unwrap_or((p.y, p.y));
        [p.y, lo, hi]
    });
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let step = nice_step((hi - lo).max(0.04) / 4.0);
    let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    let last = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.x))
        .max()
        .unwrap_or(0)
        .max(1);
    let x_of = |x: usize| LEFT + (W - LEFT - RIGHT) * x as f64 / last as f64;
    let y_of = |y: f64| TOP + (H - TOP - BOTTOM) * (hi - y) / (hi - lo);
    let mut doc = canvas(W, H).add(text(W / 2.0, 20.0, title, "middle").set("font-size", 14));
    let ticks = ((hi - lo) / step).round() as usize;
    for k in 0..=ticks {
        let y = lo + step * k as f64;
        doc = doc
            .add(line(LEFT, y_of(y), W - RIGHT, y_of(y), "#ddd"))
            .add(text(LEFT - 6.0, y_of(y) + 4.0, &format!("{y:.2}"), "end"));
    }
    if lo < 0.0 && hi > 0.0 {
        doc = doc.add(line(LEFT, y_of(0.0), W - RIGHT, y_of(0.0), "#888"));
    }
    for x in 0..=last {
        doc = doc.add(text(x_of(x), H - BOTTOM + 16.0, &x.to_string(), "middle"));
    }
    doc = doc
        .add(text(
            (LEFT + W - RIGHT) / 2.0,
            H - 12.0,
            "layer (position in its encoder)",
            "middle",
        ))
        .add(text(14.0, TOP - 10.0, y_label, "start"));
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let bands: Vec<_> = s
            .points
            .iter()
            .filter_map(|p| Some((p.x, p.band?)))
            .collect();
        if bands.len() == s.points.len() && bands.len() > 1 {
            let upper = bands
                .iter()
                .map(|&(x, (_, h))| format!("{},{}", x_of(x), y_of(h)));
            let lower = bands
                .iter()
                .rev()
                .map(|&(x, (l, _))| format!("{},{}", x_of(x), y_of(l)));
            let outline: Vec<String> = upper.chain(lower).collect();
            doc = doc.add(
                Polygon::new()
                    .set("points", outline.join(" "))
                    .set("fill", colour)
                    .set("fill-opacity", 0.15),
            );
        }
        let path: Vec<String> = (s.points.iter())
            .map(|p| format!("{},{}", x_of(p.x), y_of(p.y)))
            .collect();
        doc = doc.add(
            Polyline::new()
                .set("points", path.join(" "))
                .set("fill", "none")
                .set("stroke", colour)
                .set("stroke-width", 2),
        );
        for p in &s.points {
            let point = Circle::new()
                .set("cx", x_of(p.x))
                .set("cy", y_of(p.y))
                .set("r", 3)
                .set("fill", colour)
                .add(Title::new(format!("{} {}: {:.6}", s.name, p.layer, p.y)));
            doc = doc.add(point);
        }
        let ly = TOP + 16.0 * i as f64;
        doc = doc
            .add(line(W - RIGHT + 12.0, ly, W - RIGHT + 32.0, ly, colour).set("stroke-width", 3))
            .add(text(W - RIGHT + 38.0, ly + 4.0, &s.name, "start"));
    }
    doc
}

/// 1, 2 or 5 × a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power)
}
