//! Keys: layer and encoder selection, pause, clear and undo, replay, help (scrolling),
//! quit.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::App;
use crate::driver::Command;

impl App {
    /// Handles a key; returns a command for the engine thread when one is needed.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Command> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => self.quit = true,
            KeyCode::Char('q') | KeyCode::Char('Q') => self.quit = true,
            KeyCode::Esc if self.help => self.help = false,
            KeyCode::Esc => self.quit = true,
            KeyCode::Char('?') | KeyCode::F(1) => self.help = !self.help,
            KeyCode::Char(' ') => return Some(self.toggle_pause()),
            KeyCode::Up | KeyCode::PageUp if self.help => self.scroll_help(-1, key.code),
            KeyCode::Down | KeyCode::PageDown if self.help => self.scroll_help(1, key.code),
            KeyCode::Char('c') | KeyCode::Char('C') => {
                self.clear();
                return Some(Command::Clear);
            }
            KeyCode::Char('u') | KeyCode::Char('U') => {
                return self.undo_clear().then_some(Command::UndoClear);
            }
            KeyCode::Char('r') | KeyCode::Char('R') => {
                self.replay = self.can_replay && self.finished.is_some();
            }
            KeyCode::Right => self.step_layer(1),
            KeyCode::Left => self.step_layer(-1),
            KeyCode::Tab => self.step_encoder(1),
            KeyCode::BackTab => self.step_encoder(-1),
            _ => {}
        }
        None
    }

    /// Pauses or resumes the view; the driver pauses a paced source with it.
    fn toggle_pause(&mut self) -> Command {
        self.paused = !self.paused;
        if !self.paused {
            for w in std::mem::take(&mut self.backlog) {
                self.add_word(*w);
            }
            self.refresh();
        }
        Command::Pause(self.paused)
    }

    fn step_layer(&mut self, by: isize) {
        let n = self.selected_encoder().map_or(0, |e| e.layers.len());
        if n == 0 {
            return;
        }
        let e = self.encoder;
        self.layers[e] = (self.layers[e] as isize + by).rem_euclid(n as isize) as usize;
        self.refresh();
    }

    /// Scrolls the help overlay by a line (arrows) or a page (PgUp / PgDn); the overlay
    /// clamps it to its text.
    fn scroll_help(&mut self, by: i32, code: KeyCode) {
        let step = if matches!(code, KeyCode::PageUp | KeyCode::PageDown) {
            10
        } else {
            1
        };
        self.help_scroll = (i32::from(self.help_scroll) + by * step).clamp(0, 200) as u16;
    }

    fn step_encoder(&mut self, by: isize) {
        let n = self.encoders.len();
        if n == 0 {
            return;
        }
        self.encoder = (self.encoder as isize + by).rem_euclid(n as isize) as usize;
        self.refresh();
    }
}
