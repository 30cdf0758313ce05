//! The printer every command writes through: data to stdout, status lines to stderr, in one
//! consistent glyph set (`► ✔ ⚠ ✗`, as flux users know them).

use std::io::{self, IsTerminal, Write};

use super::color::{ColorChoice, Paint, Tone};
use crate::error::{Error, Result};

/// The machine-readable formats of `-o`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentFormat {
    /// `-o json`.
    Json,
    /// `-o yaml`.
    Yaml,
}

/// How chatty stderr is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: errors only.
    Quiet,
    /// The default: status lines and progress bars.
    Normal,
    /// `-v`: also debug details; progress bars are hidden so they do not interleave with them.
    Verbose,
}

/// Writes data and status for one command invocation.
#[derive(Clone, Debug)]
pub struct Printer {
    verbosity: Verbosity,
    color: ColorChoice,
    stderr_paint: Paint,
    stdout_paint: Paint,
    progress: bool,
}

impl Printer {
    /// A printer for the real stdout/stderr.
    pub fn new(verbosity: Verbosity, color: ColorChoice, no_progress: bool) -> Self {
        let progress = !no_progress && verbosity == Verbosity::Normal && io::stderr().is_terminal();
        Printer {
            verbosity,
            color,
            stderr_paint: Paint::new(color.for_stderr()),
            stdout_paint: Paint::new(color.for_stdout()),
            progress,
        }
    }

    /// The verbosity chosen with `-q`/`-v`.
    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    /// The `--color` choice, for renderers that decide per stream.
    pub fn color(&self) -> ColorChoice {
        self.color
    }

    /// The painter for data written to stdout.
    pub fn stdout_paint(&self) -> Paint {
        self.stdout_paint
    }

    /// The painter for status written to stderr.
    pub fn stderr_paint(&self) -> Paint {
        self.stderr_paint
    }

    /// Whether progress bars should be drawn (stderr is a terminal, not quiet, not verbose).
    pub fn progress_enabled(&self) -> bool {
        self.progress
    }

    /// Writes a table to stdout: on a terminal, every line is cut to its width (the message column
    /// last gives way) unless `wide` (`-o wide`), as kubectl users expect; pipes get whole lines.
    pub fn table(&self, text: &str, wide: bool) -> Result<()> {
        match console::Term::stdout().size_checked() {
            Some((_, cols)) if !wide => self.data(&super::table::fit_lines(text, usize::from(cols))),
            _ => self.data(text),
        }
    }

    /// Writes data to stdout, exactly as given.
    pub fn data(&self, text: &str) -> Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| Error::io("stdout", e))
    }

    /// Writes a versioned document (`apiVersion`, `kind`, then `body`'s fields) as JSON or YAML.
    pub fn document<T: serde::Serialize + ?Sized>(
        &self,
        format: DocumentFormat,
        kind: &str,
        body: &T,
    ) -> Result<()> {
        let doc = super::document::envelope(kind, body)?;
        let text = match format {
            DocumentFormat::Json => super::document::to_json(&doc, kind)?,
            DocumentFormat::Yaml => crate::manifests::yaml::to_string(&doc, kind)?,
        };
        self.data(&text)
    }

    fn status_line(&self, glyph: &str, tone: Tone, msg: &str) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let _ = writeln!(io::stderr(), "{} {msg}", self.stderr_paint.paint(tone, glyph));
    }

    /// `► msg`: an action starts.
    pub fn action(&self, msg: &str) {
        self.status_line("►", Tone::Plain, msg);
    }

    /// `✔ msg`: something succeeded.
    pub fn success(&self, msg: &str) {
        self.status_line("✔", Tone::Good, msg);
    }

    /// `◎ msg`: waiting.
    pub fn waiting(&self, msg: &str) {
        self.status_line("◎", Tone::Plain, msg);
    }

    /// `⚠ msg`: a warning (shown even with `-q`, because it may change what users do next).
    pub fn warn(&self, msg: &str) {
        let _ = writeln!(io::stderr(), "{} {msg}", self.stderr_paint.paint(Tone::Warn, "⚠"));
    }

    /// `✗ msg`: a failure on one target (the run goes on).
    pub fn failure(&self, msg: &str) {
        let _ = writeln!(io::stderr(), "{} {msg}", self.stderr_paint.paint(Tone::Bad, "✗"));
    }

    /// A debug detail, printed only with `-v`.
    pub fn debug(&self, msg: &str) {
        if self.verbosity == Verbosity::Verbose {
            let _ = writeln!(io::stderr(), "{} {msg}", self.stderr_paint.paint(Tone::Dim, "·"));
        }
    }

    /// A plain line on stderr (not quiet-able: used for prompts and explanations users asked for).
    pub fn note(&self, msg: &str) {
        if self.verbosity != Verbosity::Quiet {
            let _ = writeln!(io::stderr(), "{msg}");
        }
    }
}
