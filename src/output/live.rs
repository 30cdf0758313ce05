//! A view that updates (`--watch`): redrawn in place on a terminal, appended in a pipe.
//!
//! On a terminal the view takes the alternate screen (as `watch` and `top` do, so the shell's
//! scrollback is back as it was on exit), hides the cursor, and each frame overwrites the
//! previous one line by line (cursor home, each line cleared to its end, the rest of the screen
//! cleared below) inside a synchronized update, so the terminal shows either frame whole and
//! nothing blinks. Lines are cut to the terminal's width and the frame to its height. The
//! terminal is restored when the view is dropped (Ctrl-C included: the command handles SIGINT
//! and returns normally).
//!
//! In a pipe or a file every change is appended whole: a frame of text after a separator line
//! with the time (`--- 2026-11-30T06:40:01Z ---`), or, for documents, one document per line
//! (JSON Lines) or per `---` (YAML). A frame identical to the previous one is not written again.

use std::io::{self, Write};

use crate::error::{Error, Result};

/// Resolves on SIGINT (Ctrl-C), listened to from the call on: tokio installs its handler only
/// when `ctrl_c()` is first polled, and a Ctrl-C before that (while the first view is computed, or
/// while every turn of the loop found an update ready) killed the process instead of stopping the
/// view and restoring the terminal. A handler that cannot be installed resolves at once, as
/// `ctrl_c()` does.
pub fn interrupted() -> impl std::future::Future<Output = ()> {
    use futures::FutureExt;
    let mut signal = Box::pin(tokio::signal::ctrl_c());
    let done = signal.as_mut().now_or_never().is_some();
    async move {
        if !done {
            let _ = signal.await;
        }
    }
}

/// Begin and end a synchronized update (terminals that do not know it ignore it).
const SYNC_BEGIN: &str = "\x1b[?2026h";
const SYNC_END: &str = "\x1b[?2026l";
const ALT_SCREEN: &str = "\x1b[?1049h";
const MAIN_SCREEN: &str = "\x1b[?1049l";
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";
const HOME: &str = "\x1b[H";
const CLEAR_LINE: &str = "\x1b[K";
const CLEAR_BELOW: &str = "\x1b[J";

/// How frames are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveMode {
    /// Redrawn in place (stdout is a terminal).
    Redraw,
    /// Appended, each after a separator line with the time.
    Append,
    /// Appended, one compact JSON document per line.
    JsonLines,
    /// Appended, YAML documents separated by `---`.
    YamlStream,
}

/// The updating view on stdout.
pub struct LiveView {
    mode: LiveMode,
    entered: bool,
    last: Option<String>,
}

impl LiveView {
    /// A view in `mode`; on a terminal, takes the alternate screen at once.
    pub fn new(mode: LiveMode) -> Result<Self> {
        let mut view = LiveView {
            mode,
            entered: false,
            last: None,
        };
        if mode == LiveMode::Redraw {
            view.write(&format!("{ALT_SCREEN}{HIDE_CURSOR}"))?;
            view.entered = true;
        }
        Ok(view)
    }

    /// Shows a frame: `header` (the first line on a terminal, the separator's suffix in a pipe)
    /// and `body`. Returns whether anything was written (a body identical to the last is not).
    pub fn show(&mut self, header: &str, body: &str, force: bool) -> Result<bool> {
        if !force && self.last.as_deref() == Some(body) {
            return Ok(false);
        }
        let text = match self.mode {
            LiveMode::Redraw => {
                let (rows, cols) = console::Term::stdout().size_checked().unwrap_or((24, 80));
                frame(header, body, usize::from(rows), usize::from(cols))
            }
            LiveMode::Append => {
                let mut out = format!("--- {} ---", timestamp());
                if !header.is_empty() {
                    out.push(' ');
                    out.push_str(header);
                }
                out.push('\n');
                out.push_str(body);
                if !body.ends_with('\n') {
                    out.push('\n');
                }
                out
            }
            LiveMode::JsonLines => {
                let mut line = serde_json::from_str::<serde_json::Value>(body)
                    .and_then(|v| serde_json::to_string(&v))
                    .map_err(|e| Error::Usage(format!("cannot render JSON: {e}")))?;
                line.push('\n');
                line
            }
            LiveMode::YamlStream => format!("---\n{body}"),
        };
        self.write(&text)?;
        self.last = Some(body.to_string());
        Ok(true)
    }

    fn write(&self, text: &str) -> Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("stdout", e))
    }
}

impl Drop for LiveView {
    fn drop(&mut self) {
        if self.entered {
            // Best effort: nothing more can be reported while the terminal is being given back.
            let _ = self.write(&format!("{SHOW_CURSOR}{MAIN_SCREEN}"));
        }
    }
}

/// The current time, for separators and headers (UTC, to the second).
pub fn timestamp() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string())
}

/// One terminal frame: header and body cut to `cols`, at most `rows` lines (the last says how
/// many did not fit), each line cleared to its end, the screen cleared below.
fn frame(header: &str, body: &str, rows: usize, cols: usize) -> String {
    let mut lines: Vec<&str> = header.lines().chain(body.lines()).collect();
    let room = rows.max(2);
    let more: String;
    if lines.len() > room {
        more = format!("… {} more lines (enlarge the terminal)", lines.len() - (room - 1));
        lines.truncate(room - 1);
        lines.push(&more);
    }
    let mut out = String::with_capacity(body.len() + 64);
    out.push_str(SYNC_BEGIN);
    out.push_str(HOME);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(&console::truncate_str(line, cols, "…"));
        out.push_str(CLEAR_LINE);
    }
    out.push_str(CLEAR_BELOW);
    out.push_str(SYNC_END);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_fit_the_terminal() {
        let body = "a very long line that does not fit\nb\nc\nd\n";
        let f = frame("head", body, 3, 10);
        let visible = console::strip_ansi_codes(&f).to_string();
        assert_eq!(
            visible.split("\r\n").collect::<Vec<_>>(),
            ["head", "a very lo…", "… 3 more …"]
        );
        assert!(f.starts_with(&format!("{SYNC_BEGIN}{HOME}")));
        assert!(f.ends_with(&format!("{CLEAR_BELOW}{SYNC_END}")));
        let small = frame("h", "x\n", 24, 80);
        assert_eq!(console::strip_ansi_codes(&small), "h\r\nx");
    }
}
