//! SVG pieces the figure makers share (`bench --compare --plot`, `analyze`): a label and
//! a line, in one font and style, on a white canvas.

use svg::Document;
use svg::node::element::{Line, Rectangle, Text};

/// A label at (x, y), 11 px sans-serif, anchored `start`, `middle` or `end`.
pub fn text(x: f64, y: f64, s: &str, anchor: &str) -> Text {
    Text::new(s)
        .set("x", x)
        .set("y", y)
        .set("font-family", "sans-serif")
        .set("font-size", 11)
        .set("text-anchor", anchor)
}

/// A line from (x1, y1) to (x2, y2) in `colour`.
pub fn line(x1: f64, y1: f64, x2: f64, y2: f64, colour: &str) -> Line {
    Line::new()
        .set("x1", x1)
        .set("y1", y1)
        .set("x2", x2)
        .set("y2", y2)
        .set("stroke", colour)
}

/// An empty figure of `width` × `height` px on a white background.
pub fn canvas(width: f64, height: f64) -> Document {
    Document::new()
        .set("viewBox", (0, 0, width, height))
        .set("width", width)
        .set("height", height)
        .add(
            Rectangle::new()
                .set("width", "100%")
                .set("height", "100%")
                .set("fill", "white"),
        )
}
