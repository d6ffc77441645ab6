//! The bench report as a readable table (the JSON is the record; this is for the eye).

use std::fmt::Write;

use groundprobe::bench::BenchReport;

fn mib(b: Option<u64>) -> String {
    b.map_or("—".into(), |b| {
        format!("{:.1} MiB", b as f64 / (1 << 20) as f64)
    })
}

/// The report: machine and build, what a listener waits, stages, memory, loads.
pub fn report(r: &BenchReport) -> String {
    let mut o = String::new();
    let m = &r.machine;
    let b = &r.build;
    let _ = writeln!(
        o,
        "machine  {} · {} cores · {} · {} · simd {}",
        m.board
            .as_deref()
            .or(m.cpu.as_deref())
            .unwrap_or("unknown CPU"),
        m.cores,
        m.governor.as_deref().unwrap_or("governor n/a"),
        m.os,
        if m.simd.is_empty() {
            "none".into()
        } else {
            m.simd.join(",")
        }
    );
    let _ = writeln!(
        o,
        "build    groundprobe {} ({}) {} {} · {} thread(s) · binary {}",
        b.version,
        b.commit,
        b.target,
        b.profile,
        b.threads,
        mib(b.binary_bytes)
    );
    let i = &r.input;
    let _ = writeln!(
        o,
        "input    {} words in {:.1} s of audio ({}) · {} · encoders {}",
        i.words,
        i.audio_seconds,
        if i.paced {
            "real-time"
        } else {
            "as fast as possible"
        },
        i.files.join(", "),
        i.encoders.join(", ")
    );
    o.push('\n');
    if let (Some(eos), Some(c), Some(w)) = (
        r.end_of_speech_to_word_ms,
        r.word_end_to_update_us,
        r.listener_wait_ms,
    ) {
        let _ = writeln!(
            o,
            "end of speech → word decided   p50 {:7.1} ms  p95 {:7.1} ms  (audio: the hangover)",
            eos.p50, eos.p95
        );
        let _ = writeln!(
            o,
            "word decided → probe updated   p50 {:7.1} ms  p95 {:7.1} ms  p99 {:.1} ms  (compute)",
            c.p50_us / 1e3,
            c.p95_us / 1e3,
            c.p99_us / 1e3
        );
        let _ = writeln!(
            o,
            "what a listener waits          p50 {:7.1} ms  p95 {:7.1} ms",
            w.p50, w.p95
        );
    }
    if let (Some(f), Some((retracted, written))) = (r.end_of_speech_to_first_line_ms, r.retracted) {
        let _ = writeln!(
            o,
            "end of speech → first line     p50 {:7.1} ms  p95 {:7.1} ms  ({retracted} of {written} provisional words retracted)",
            f.p50, f.p95
        );
    }
    let _ = writeln!(
        o,
        "real-time factor {:.4} · peak RSS {} · RSS after load {}\n",
        r.rtf,
        mib(r.peak_rss_bytes),
        mib(r.rss_after_load_bytes)
    );
    let w = r.stages.keys().map(|k| k.len()).max().unwrap_or(5).max(5);
    let _ = writeln!(
        o,
        "{:w$}  {:>10} {:>10} {:>10} {:>10} {:>8}",
        "stage", "p50 µs", "p95 µs", "p99 µs", "max µs", "count"
    );
    for (name, s) in &r.stages {
        let _ = writeln!(
            o,
            "{name:w$}  {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>8}",
            s.p50_us, s.p95_us, s.p99_us, s.max_us, s.count
        );
    }
    o.push('\n');
    for (model, ms) in &r.model_load_ms {
        let _ = writeln!(o, "load {model:24} {ms:8.1} ms");
    }
    if let Some(note) = &r.ort_note {
        let _ = writeln!(o, "onnxruntime: {note}");
    }
    if let Some(s) = &r.probe_scaling {
        let _ = writeln!(
            o,
            "\nprobe update, one word, {} layers ({} wide in all), tables {}:",
            s.encoders.iter().map(|(_, l)| l).sum::<usize>(),
            s.total_width,
            s.tables.join(", ")
        );
        for p in &s.points {
            let _ = writeln!(
                o,
                "  n = {:>7}  p50 {:>10.1} µs  max {:>10.1} µs",
                p.n, p.p50_us, p.max_us
            );
        }
        if let Some(e) = s.exponent {
            let _ = writeln!(
                o,
                "  growth exponent {e:.2} (1.0 is linear); fill took {:.1} s",
                s.fill_seconds
            );
        }
    }
    o
}
