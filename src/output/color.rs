//! Colour decisions: `--color auto|always|never`, `NO_COLOR`, and whether the stream is a terminal.

use std::io::IsTerminal;

use anstyle::{AnsiColor, Style};

/// The `--color` flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Always colour, even into a pipe.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Resolves the choice for a stream. `NO_COLOR` (any non-empty value) disables `auto` only, as
    /// the no-color.org convention says an explicit flag wins.
    pub fn enabled_for(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    /// Resolves the choice for stdout.
    pub fn for_stdout(self) -> bool {
        self.enabled_for(std::io::stdout().is_terminal())
    }

    /// Resolves the choice for stderr.
    pub fn for_stderr(self) -> bool {
        self.enabled_for(std::io::stderr().is_terminal())
    }
}

/// The semantic tones used across outputs, so every command colours the same meaning the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Healthy, done.
    Good,
    /// In progress, needs attention.
    Warn,
    /// Failed, missing.
    Bad,
    /// Inactive or secondary (suspended, prefixes).
    Dim,
    /// Emphasis (names, headers).
    Bold,
    /// Neutral.
    Plain,
}

impl Tone {
    fn style(self) -> Style {
        match self {
            Tone::Good => Style::new().fg_color(Some(AnsiColor::Green.into())),
            Tone::Warn => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            Tone::Bad => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            Tone::Dim => Style::new().dimmed(),
            Tone::Bold => Style::new().bold(),
            Tone::Plain => Style::new(),
        }
    }
}

/// Paints text with a tone when colour is enabled, and returns it untouched otherwise.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    enabled: bool,
}

impl Paint {
    /// A painter that colours when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Paint { enabled }
    }

    /// A painter that never colours (tests, JSON).
    pub fn plain() -> Self {
        Paint { enabled: false }
    }

    /// Whether this painter emits ANSI codes.
    pub fn enabled(self) -> bool {
        self.enabled
    }

    /// `text` wrapped in the tone's ANSI codes when enabled.
    pub fn paint(self, tone: Tone, text: &str) -> String {
        if !self.enabled || tone == Tone::Plain {
            return text.to_string();
        }
        let style = tone.style();
        format!("{style}{text}{style:#}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_choices_ignore_the_terminal() {
        assert!(ColorChoice::Always.enabled_for(false));
        assert!(!ColorChoice::Never.enabled_for(true));
        assert!(!ColorChoice::Auto.enabled_for(false));
    }

    #[test]
    fn paint_is_identity_when_disabled() {
        assert_eq!(Paint::plain().paint(Tone::Bad, "Missing"), "Missing");
        let painted = Paint::new(true).paint(Tone::Good, "Ready");
        assert!(painted.contains("Ready") && painted.starts_with('\u{1b}'));
    }
}
