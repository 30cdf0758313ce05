//! Flag groups that commands flatten in, so every command spells the kube, output and verbosity
//! flags the same way (and the way kubectl users expect: all after the plugin name).

use std::{path::PathBuf, time::Duration};

use clap::Args;

use crate::{
    error::Result,
    kube::{ClientOptions, ClusterSelection, KubeTarget, LoadedKubeconfig, load_kubeconfig},
    output::{ColorChoice, Printer, Verbosity},
};

/// The help heading of the flags that choose clusters, after each command's own flags.
pub const CLUSTER_HEADING: &str = "Cluster selection";
/// The help heading of the flags that shape output, last.
pub const OUTPUT_HEADING: &str = "Output";

/// `--kubeconfig`, repeatable `--context`, `--all-contexts`, `--request-timeout`.
#[derive(Args, Clone, Debug, Default)]
#[command(next_help_heading = CLUSTER_HEADING)]
pub struct KubeArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, or ~/.kube/config).
    #[arg(long, value_name = "PATH", global = true, value_hint = clap::ValueHint::FilePath)]
    pub kubeconfig: Option<PathBuf>,

    /// Kube context to act on; repeat for several clusters (default: the current context).
    #[arg(long = "context", value_name = "NAME", global = true, add = super::completion::context_completer())]
    pub contexts: Vec<String>,

    /// Act on every context in the kubeconfig.
    #[arg(long, global = true, conflicts_with = "contexts")]
    pub all_contexts: bool,

    /// Timeout of each API request (e.g. 30s, 1m).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration, global = true)]
    pub request_timeout: Duration,
}

impl KubeArgs {
    /// Loads the kubeconfig these flags point at.
    pub fn kubeconfig(&self) -> Result<LoadedKubeconfig> {
        Ok(load_kubeconfig(self.kubeconfig.as_deref())?)
    }

    /// Client timeouts from the flags.
    pub fn client_options(&self) -> ClientOptions {
        ClientOptions {
            request_timeout: self.request_timeout,
            ..ClientOptions::default()
        }
    }

    /// The selected contexts, validated against the kubeconfig (usage errors, exit 2, before any
    /// request is made).
    pub fn select(&self, kubeconfig: &LoadedKubeconfig) -> Result<Vec<String>> {
        Ok(self.selection().contexts_of(kubeconfig)?)
    }

    /// The clusters these flags select, for a workflow.
    pub fn selection(&self) -> ClusterSelection {
        ClusterSelection {
            kubeconfig: self.kubeconfig.clone(),
            contexts: self.contexts.clone(),
            all_contexts: self.all_contexts,
            client: self.client_options(),
        }
    }

    /// Clients for every selected context. Building a client makes no request, so this fails only
    /// on configuration errors.
    pub async fn targets(&self) -> Result<Vec<KubeTarget>> {
        Ok(self.selection().targets().await?)
    }
}

/// `-n/--namespace`.
#[derive(Args, Clone, Debug, Default)]
#[command(next_help_heading = CLUSTER_HEADING)]
pub struct NamespaceArg {
    /// Namespace (default: the context's namespace).
    #[arg(short, long, value_name = "NAMESPACE", global = true)]
    pub namespace: Option<String>,
}

/// Output formats of table-shaped commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A kubectl-style table, cut to the terminal width, revisions shortened.
    #[default]
    Table,
    /// The table with whole revisions and messages, never cut (kubectl's `-o wide`).
    Wide,
    /// JSON, for scripts.
    Json,
    /// YAML, for scripts.
    Yaml,
}

impl OutputFormat {
    /// Whether tables show everything (`-o wide`).
    pub fn is_wide(self) -> bool {
        self == OutputFormat::Wide
    }

    /// The document format, or `None` for the human-readable table.
    pub fn document(self) -> Option<crate::output::DocumentFormat> {
        match self {
            OutputFormat::Table | OutputFormat::Wide => None,
            OutputFormat::Json => Some(crate::output::DocumentFormat::Json),
            OutputFormat::Yaml => Some(crate::output::DocumentFormat::Yaml),
        }
    }
}

/// `-o/--output table|wide|json|yaml`. Flattened under the "Output" heading where the command
/// takes the cluster flags itself; a subcommand whose cluster flags are its parent's globals lists
/// `-o` with its own flags, as clap shows a parent's globals after a subcommand's own headings.
#[derive(Args, Clone, Debug, Default)]
pub struct OutputArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table, global = true)]
    pub output: OutputFormat,
}

/// `-q`, `-v`, `--color`, `--no-progress`.
#[derive(Args, Clone, Debug, Default)]
#[command(next_help_heading = OUTPUT_HEADING)]
pub struct GlobalArgs {
    /// Print only errors and data.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print debug details (hides progress bars).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// kubectl's log level (`--v=6`; `-v=6` is rewritten to it): any level above 0 is `-v`.
    /// Hidden, so completion never offers a value after `-v`.
    #[arg(long = "v", value_name = "LEVEL", hide = true, global = true)]
    pub level: Option<u8>,

    /// When to use colours (NO_COLOR is honoured by auto).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Never draw progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,
}

impl GlobalArgs {
    /// The printer for these flags.
    pub fn printer(&self) -> Printer {
        let verbosity = if self.quiet {
            Verbosity::Quiet
        } else if self.verbose || self.level.is_some_and(|l| l > 0) {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        Printer::new(verbosity, self.color, self.no_progress)
    }
}

/// kubectl's `-v=N` and `-vN` spelled as `--v=N`, which clap parses; every other argument as is.
pub fn kubectl_log_level(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    args.into_iter()
        .map(|arg| {
            let level = arg
                .to_str()
                .and_then(|a| a.strip_prefix("-v"))
                .map(|rest| rest.strip_prefix('=').unwrap_or(rest))
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            match level {
                Some(n) => format!("--v={n}").into(),
                None => arg,
            }
        })
        .collect()
}

/// Parses `90s`, `5m`, `1h30m`, `500ms` or a bare number of seconds.
///
/// jiff's friendly duration format does the parsing, so a value too large for a duration is an
/// error naming the flag's value, not an arithmetic overflow; negative durations are refused.
pub fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let text = text.trim();
    let invalid = || format!("invalid duration '{text}' (use e.g. 30s, 5m, 1h30m, 500ms)");
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| format!("duration '{text}' is too large"));
    }
    if text.starts_with('-') || text.ends_with(" ago") {
        return Err(format!("duration '{text}' is negative"));
    }
    let signed: jiff::SignedDuration = text.parse().map_err(|e: jiff::Error| {
        if e.to_string().contains("overflow") || e.to_string().contains("too big") {
            format!("duration '{text}' is too large")
        } else {
            invalid()
        }
    })?;
    Duration::try_from(signed).map_err(|_| invalid())
}

/// Asks a yes/no question on the terminal (stderr), reading the answer from stdin; anything but
/// `y`/`yes` is no. Callers only pass it when stdin is a terminal.
pub fn ask_on_terminal(question: &str) -> std::io::Result<bool> {
    use std::io::{BufRead, Write};
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "{question} [y/N] ");
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_log_levels_become_the_long_flag() {
        let args = ["kubectl-fleet-tree", "-v=6", "-v8", "-v", "-vx", "ks/v=1"].map(std::ffi::OsString::from);
        let out = kubectl_log_level(args);
        assert_eq!(
            out,
            ["kubectl-fleet-tree", "--v=6", "--v=8", "-v", "-vx", "ks/v=1"].map(std::ffi::OsString::from)
        );
    }

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5m3").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-5m").is_err());
    }

    #[test]
    fn overflowing_durations_are_errors_not_panics() {
        for text in [
            "18446744073709551615s",
            "18446744073709551615s18446744073709551615s",
            "18446744073709551615h",
            "307445734561825861m",
            "99999999999999999999999",
            "99999999999999999999999ms",
        ] {
            let err = parse_duration(text).expect_err(text);
            assert!(err.contains(text), "{err}");
        }
    }
}
