//! The benchmark's sink: every event goes through what the real outputs do with it — the
//! JSON-lines serialiser (into nothing) and, with the `ui` feature, the screen's state and
//! one frame drawn off-screen at 160×48 — each timed; it stops the run after N words.

use std::time::Instant;

use groundprobe::engine::Engine;
use groundprobe::event::Event;
use groundprobe::sink::{Flow, JsonLines, Sink};
use groundprobe::summary::Summary;
use groundprobe::timing::StageTimes;

/// Stage names of the sink's own timings.
pub const SERIALISE: &str = "serialise";
/// One UI frame drawn off-screen.
#[cfg(feature = "ui")]
pub const UI_FRAME: &str = "ui_frame";

/// Times the outputs' work per event and counts words up to a limit.
pub struct BenchSink {
    json: JsonLines<std::io::Sink>,
    #[cfg(feature = "ui")]
    screen: Screen,
    /// Words seen.
    pub words: usize,
    limit: usize,
    /// The sink's stage timings (serialise, ui_frame).
    pub times: StageTimes,
    progress: Box<dyn FnMut(usize)>,
}

impl BenchSink {
    /// A sink for `engine`'s encoders that asks to stop after `limit` words, calling
    /// `progress` with the word count after each word.
    ///
    /// # Errors
    /// When the off-screen terminal cannot be made.
    pub fn new(
        engine: &Engine,
        limit: usize,
        progress: Box<dyn FnMut(usize)>,
    ) -> std::io::Result<Self> {
        #[cfg(not(feature = "ui"))]
        let _ = engine;
        Ok(Self {
            json: JsonLines::new(std::io::sink()),
            #[cfg(feature = "ui")]
            screen: Screen::new(engine)?,
            words: 0,
            limit,
            times: StageTimes::default(),
            progress,
        })
    }
}

impl Sink for BenchSink {
    fn event(&mut self, event: Event) -> std::io::Result<Flow> {
        let word = matches!(&event, Event::Word(w) if w.is_final);
        if word {
            let t = Instant::now();
            self.json.event(event.clone())?;
            self.times.record(SERIALISE, t.elapsed());
        }
        #[cfg(feature = "ui")]
        self.screen.apply(event, word.then_some(&mut self.times))?;
        if word {
            self.words += 1;
            (self.progress)(self.words);
            if self.words >= self.limit {
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Continue)
    }

    fn finish(&mut self, _summary: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

/// The screen's state and an off-screen terminal of the largest layout.
#[cfg(feature = "ui")]
struct Screen {
    app: groundprobe::ui::App,
    terminal: ratatui::Terminal<ratatui::backend::TestBackend>,
}

#[cfg(feature = "ui")]
impl Screen {
    fn new(engine: &Engine) -> std::io::Result<Self> {
        use groundprobe::ui::{App, Mode};
        let setup = crate::cli::screen::setup(engine, "bench".into(), Mode::Demo, 5);
        let backend = ratatui::backend::TestBackend::new(160, 48);
        Ok(Self {
            app: App::new(setup),
            terminal: ratatui::Terminal::new(backend).map_err(std::io::Error::other)?,
        })
    }

    /// Takes the event; after a word, draws one frame and records its time.
    fn apply(&mut self, event: Event, times: Option<&mut StageTimes>) -> std::io::Result<()> {
        self.app.apply_event(event);
        if let Some(times) = times {
            let t = Instant::now();
            self.terminal
                .draw(|f| groundprobe::ui::ui(f, &self.app))
                .map_err(std::io::Error::other)?;
            times.record(UI_FRAME, t.elapsed());
        }
        Ok(())
    }
}
