//! The reporter: how core operations tell the user what they are doing without printing.
//!
//! Operations take a `&dyn Reporter` instead of a [`Printer`], so the CLI passes its printer (status
//! lines on stderr, progress bars on a terminal) and tests pass a [`Recorder`], which keeps every
//! line for assertions and never draws a bar.

use std::sync::Mutex;

use super::{Printer, Progress};

/// The kind of a status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `►` an action starts.
    Action,
    /// `✔` something succeeded.
    Success,
    /// `◎` waiting.
    Waiting,
    /// `⚠` a warning (shown even with `-q`).
    Warn,
    /// `✗` a failure on one target (the run goes on).
    Failure,
    /// A plain line (explanations, hints).
    Note,
    /// A debug detail (`-v`).
    Debug,
}

/// Where an operation's status lines and progress go.
pub trait Reporter: Send + Sync {
    /// Reports one line.
    fn line(&self, level: Level, msg: &str);

    /// Per-target progress bars (hidden when the reporter cannot draw them).
    fn progress(&self) -> Progress;

    /// `► msg`.
    fn action(&self, msg: &str) {
        self.line(Level::Action, msg);
    }
    /// `✔ msg`.
    fn success(&self, msg: &str) {
        self.line(Level::Success, msg);
    }
    /// `◎ msg`.
    fn waiting(&self, msg: &str) {
        self.line(Level::Waiting, msg);
    }
    /// `⚠ msg`.
    fn warn(&self, msg: &str) {
        self.line(Level::Warn, msg);
    }
    /// `✗ msg`.
    fn failure(&self, msg: &str) {
        self.line(Level::Failure, msg);
    }
    /// A plain line.
    fn note(&self, msg: &str) {
        self.line(Level::Note, msg);
    }
    /// A debug detail.
    fn debug(&self, msg: &str) {
        self.line(Level::Debug, msg);
    }
}

impl Reporter for Printer {
    fn line(&self, level: Level, msg: &str) {
        match level {
            Level::Action => Printer::action(self, msg),
            Level::Success => Printer::success(self, msg),
            Level::Waiting => Printer::waiting(self, msg),
            Level::Warn => Printer::warn(self, msg),
            Level::Failure => Printer::failure(self, msg),
            Level::Note => Printer::note(self, msg),
            Level::Debug => Printer::debug(self, msg),
        }
    }

    fn progress(&self) -> Progress {
        Progress::new(self)
    }
}

/// A reporter that records every line, for tests of operations.
#[derive(Debug, Default)]
pub struct Recorder {
    lines: Mutex<Vec<(Level, String)>>,
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every line reported so far.
    pub fn lines(&self) -> Vec<(Level, String)> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Every line reported so far, as one text (`LEVEL msg` per line) for assertions.
    pub fn text(&self) -> String {
        self.lines()
            .iter()
            .map(|(level, msg)| format!("{level:?} {msg}\n"))
            .collect()
    }
}

impl Reporter for Recorder {
    fn line(&self, level: Level, msg: &str) {
        if let Ok(mut lines) = self.lines.lock() {
            lines.push((level, msg.to_string()));
        }
    }

    fn progress(&self) -> Progress {
        Progress::hidden()
    }
}
