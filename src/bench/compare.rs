//! Bench results side by side: one column per board, each figure with its ratio to the
//! first board's (`bench --compare a.json b.json …`).

use std::fmt::Write;

use super::BenchReport;

/// One compared figure: its name, unit, and each board's value (`None` where absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What is measured (`vad p50`, `listener wait p95`, `peak RSS`).
    pub name: String,
    /// Unit of the values.
    pub unit: &'static str,
    /// Per board, in the order given.
    pub values: Vec<Option<f64>>,
}

impl Row {
    /// Each value over the first board's (`None` where either is absent or zero).
    pub fn ratios(&self) -> Vec<Option<f64>> {
        let first = self.values.first().copied().flatten();
        self.values
            .iter()
            .map(|v| match (first, v) {
                (Some(a), Some(b)) if a > 0.0 => Some(b / a),
                _ => None,
            })
            .collect()
    }
}

/// A short name for a board: its board model or CPU, and its core count.
pub fn board_name(r: &BenchReport) -> String {
    let m = &r.machine;
    let cpu = m.board.as_deref().or(m.cpu.as_deref()).unwrap_or(&m.arch);
    format!("{cpu} ({} cores, {} thr)", m.cores, r.build.threads)
}

/// The rows compared: what a listener waits first, then every stage's p50 and p95.
pub fn rows(reports: &[BenchReport]) -> Vec<Row> {
    let each = |f: &dyn Fn(&BenchReport) -> Option<f64>| reports.iter().map(f).collect();
    let mut rows = vec![
        Row {
            name: "listener wait p50".into(),
            unit: "ms",
            values: each(&|r| r.listener_wait_ms.map(|p| p.p50)),
        },
        Row {
            name: "listener wait p95".into(),
            unit: "ms",
            values: each(&|r| r.listener_wait_ms.map(|p| p.p95)),
        },
        Row {
            name: "word end → update p95".into(),
            unit: "µs",
            values: each(&|r| r.word_end_to_update_us.map(|p| p.p95_us)),
        },
        Row {
            name: "real-time factor".into(),
            unit: "×",
            values: each(&|r| Some(r.rtf)),
        },
        Row {
            name: "peak RSS".into(),
            unit: "MiB",
            values: each(&|r| r.peak_rss_bytes.map(|b| b as f64 / (1 << 20) as f64)),
        },
    ];
    let mut stages: Vec<&String> = Vec::new();
    for r in reports {
        for s in r.stages.keys() {
            if !stages.contains(&s) {
                stages.push(s);
            }
        }
    }
    for s in stages {
        for (q, pick) in [("p50", 0), ("p95", 1)] {
            rows.push(Row {
                name: format!("{s} {q}"),
                unit: "µs",
                values: each(&|r| {
                    r.stages
                        .get(s)
                        .map(|st| if pick == 0 { st.p50_us } else { st.p95_us })
                }),
            });
        }
    }
    rows
}

fn cell(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if v.abs() >= 100.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 1.0 => format!("{v:.2}"),
        Some(v) => format!("{v:.4}"),
    }
}

/// The side-by-side table as text: names down, boards across, `×r` after each value
/// past the first (its ratio to the first board).
pub fn table(names: &[String], reports: &[BenchReport]) -> String {
    let rows = rows(reports);
    let label_w = rows
        .iter()
        .map(|r| r.name.chars().count() + 5)
        .max()
        .unwrap_or(10);
    let col_w = 18;
    let mut out = String::new();
    let _ = write!(out, "{:label_w$}", "");
    for n in names {
        let _ = write!(out, "{:>col_w$}", truncate(n, col_w - 2));
    }
    out.push('\n');
    for (i, r) in reports.iter().enumerate() {
        let _ = writeln!(out, "  [{}] {} — {}", i + 1, names[i], board_name(r));
    }
    for row in &rows {
        let _ = write!(out, "{:label_w$}", format!("{} ({})", row.name, row.unit));
        for (i, (v, ratio)) in row.values.iter().zip(row.ratios()).enumerate() {
            let text = match ratio {
                Some(q) if i > 0 => format!("{} ×{q:.2}", cell(*v)),
                _ => cell(*v),
            };
            let _ = write!(out, "{text:>col_w$}");
        }
        out.push('\n');
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_to_the_first_board() {
        let r = Row {
            name: "x".into(),
            unit: "µs",
            values: vec![Some(2.0), Some(5.0), None],
        };
        assert_eq!(r.ratios(), vec![Some(1.0), Some(2.5), None]);
        let zero = Row {
            values: vec![Some(0.0), Some(1.0)],
            ..r
        };
        assert_eq!(zero.ratios(), vec![None, None]);
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
