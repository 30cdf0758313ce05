//! Progress bars on stderr, one per target, hidden when stderr is not a terminal or under -q/-v.

use std::{borrow::Cow, time::Duration};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::printer::Printer;

/// A set of per-target spinners that draw together.
pub struct Progress {
    multi: MultiProgress,
    enabled: bool,
}

impl Progress {
    /// Progress for a printer: drawn only when the printer allows it.
    pub fn new(printer: &Printer) -> Self {
        let enabled = printer.progress_enabled();
        let target = if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Progress {
            multi: MultiProgress::with_draw_target(target),
            enabled,
        }
    }

    /// Progress that draws nothing (tests, or a caller without a terminal).
    pub fn hidden() -> Self {
        Progress {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::hidden()),
            enabled: false,
        }
    }

    /// Whether bars are visible.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// A spinner labelled with the target name (e.g. a cluster).
    pub fn target(&self, name: &str) -> TargetBar {
        let bar = self.multi.add(ProgressBar::new_spinner());
        // The template is fixed, so this cannot fail; fall back to the default style just in case.
        let style = ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .tick_strings(&["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", "✔"]);
        bar.set_style(style);
        bar.set_prefix(name.to_string());
        // 100 ms keeps the spinner lively without measurable CPU cost.
        bar.enable_steady_tick(Duration::from_millis(100));
        TargetBar { bar }
    }

    /// Prints a line above the bars (or plainly when bars are hidden).
    pub fn println(&self, line: &str) {
        if self.enabled {
            let _ = self.multi.println(line);
        }
    }
}

/// The spinner of one target.
#[derive(Clone)]
pub struct TargetBar {
    bar: ProgressBar,
}

impl TargetBar {
    /// Updates the current step shown next to the target.
    pub fn set(&self, msg: impl Into<Cow<'static, str>>) {
        self.bar.set_message(msg);
    }

    /// Finishes the bar with a final message.
    pub fn finish(&self, msg: impl Into<Cow<'static, str>>) {
        self.bar.finish_with_message(msg);
    }

    /// Finishes the bar and removes it (the caller reports the result itself, e.g. in a table).
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }

    /// Finishes the bar as failed: `✗` where a finished bar shows `✔`.
    pub fn fail(&self, msg: impl Into<Cow<'static, str>>) {
        // The template is fixed, so this cannot fail; keep the current style just in case.
        if let Ok(style) = ProgressStyle::with_template("✗ {prefix:.bold} {wide_msg}") {
            self.bar.set_style(style);
        }
        self.bar.finish_with_message(msg);
    }
}
