//! Colour decisions: `--color auto|always|never` over clap's own stack (anstream), which honours
//! `NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE`, `TERM=dumb` and whether the stream is a terminal.

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
    /// Makes this the one process-wide choice, so clap's own help and errors follow it too.
    pub fn apply_global(self) {
        colorchoice::ColorChoice::write_global(match self {
            ColorChoice::Auto => colorchoice::ColorChoice::Auto,
            ColorChoice::Always => colorchoice::ColorChoice::Always,
            ColorChoice::Never => colorchoice::ColorChoice::Never,
        });
    }

    /// Resolves the choice, asking `auto` only for `auto`: an explicit flag wins over the
    /// environment, as the no-color.org convention says.
    fn resolve(self, auto: impl FnOnce() -> bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto(),
        }
    }

    /// Resolves `auto` for a stream the way clap does (anstream): a terminal that supports colour,
    /// unless `NO_COLOR` is set; `CLICOLOR_FORCE` colours pipes; `CLICOLOR=0` and `TERM=dumb` do not.
    fn enabled_for<S: anstream::stream::RawStream>(self, stream: &S) -> bool {
        self.resolve(|| anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never)
    }

    /// Resolves the choice for stdout.
    pub fn for_stdout(self) -> bool {
        self.enabled_for(&std::io::stdout())
    }

    /// Resolves the choice for stderr.
    pub fn for_stderr(self) -> bool {
        self.enabled_for(&std::io::stderr())
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
    fn explicit_choices_ignore_the_environment() {
        assert!(ColorChoice::Always.resolve(|| false));
        assert!(!ColorChoice::Never.resolve(|| true));
        assert!(ColorChoice::Auto.resolve(|| true));
        assert!(!ColorChoice::Auto.resolve(|| false));
    }

    #[test]
    fn paint_is_identity_when_disabled() {
        assert_eq!(Paint::plain().paint(Tone::Bad, "Missing"), "Missing");
        let painted = Paint::new(true).paint(Tone::Good, "Ready");
        assert!(painted.contains("Ready") && painted.starts_with('\u{1b}'));
    }
}
