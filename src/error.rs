//! Errors and exit codes shared by every command.
//!
//! Each area has its own typed error (kube access, kubeconfig, YAML, fleet repo, credentials …)
//! and they roll up into [`Error`]. What users see is printed by [`Error::report`]: the error, then
//! one `caused by:` line per source, so messages stay short lowercase fragments that carry the
//! object or path they are about. The exit code follows the suite's contract: 0 ok, 1 an operation
//! failed on at least one target, 2 a usage or configuration error.

use std::{fmt::Write as _, io, path::PathBuf, process::ExitCode};

use crate::{
    bootstrap::BootstrapError, credentials::CredentialError, kube::KubeError, manifests::yaml::YamlError,
    repo::RepoError, tenant::TenantError, tree::TreeError,
};

/// The process outcome of a command, mapped to the documented exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything that was asked for succeeded.
    Success,
    /// The operation failed on at least one target (a cluster, an object, a provider).
    Failure,
    /// The command line or the configuration was wrong; nothing was attempted.
    Usage,
}

impl ExitStatus {
    /// Combines per-target outcomes: any failure makes the whole run a failure.
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        use ExitStatus::*;
        match (self, other) {
            (Usage, _) | (_, Usage) => Usage,
            (Failure, _) | (_, Failure) => Failure,
            _ => Success,
        }
    }

    /// The numeric exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(s.code())
    }
}

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Talking to a cluster failed.
    #[error(transparent)]
    Kube(#[from] KubeError),
    /// The kubeconfig or the selected contexts are unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// YAML could not be read or written.
    #[error(transparent)]
    Yaml(#[from] YamlError),
    /// The fleet repository checkout is missing or invalid.
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// A git credential could not be stored, read or checked.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// A tenant command was given an invalid name, path, URL or repository state.
    #[error(transparent)]
    Tenant(#[from] TenantError),
    /// A cluster's tree could not be built (unreachable, root missing or unreadable).
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// A bootstrap input (cluster directory, manifest, flag) is invalid.
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    /// The arguments are valid clap-wise but contradict each other or name something invalid.
    #[error("{0}")]
    Usage(String),
    /// Writing to stdout or a file failed.
    #[error("failed to write {what}")]
    Io {
        /// What was being written.
        what: String,
        #[source]
        source: io::Error,
    },
    /// One or more targets failed; the details were already reported per target.
    #[error("{failed} of {total} targets failed")]
    TargetsFailed {
        /// How many targets failed.
        failed: usize,
        /// How many targets were attempted.
        total: usize,
    },
}

impl Error {
    /// The exit status this error maps to.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Error::Config(_) | Error::Usage(_) | Error::Yaml(_) => ExitStatus::Usage,
            Error::Repo(e) => e.exit_status(),
            Error::Credential(e) => e.exit_status(),
            Error::Tenant(e) => e.exit_status(),
            Error::Bootstrap(e) => e.exit_status(),
            Error::Kube(_) | Error::Tree(_) | Error::Io { .. } | Error::TargetsFailed { .. } => {
                ExitStatus::Failure
            }
        }
    }

    /// Whether this is a broken pipe on stdout (e.g. `| head`), which is not an error for users.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// Helper for I/O failures on an output stream or file.
    pub fn io(what: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            what: what.into(),
            source,
        }
    }

    /// The full report: `error: …` then one `caused by: …` line per source in the chain.
    pub fn report(&self) -> String {
        let mut out = format!("error: {self}");
        let mut source = std::error::Error::source(self);
        // `#[error(transparent)]` forwards `source()` to the inner error's source, so the chain
        // below never repeats the top line.
        while let Some(cause) = source {
            let _ = write!(out, "\n  caused by: {cause}");
            source = cause.source();
        }
        out
    }
}

/// An error and its causes on one line, for table cells, documents and state files. A cause whose
/// text its parent already quotes is not repeated (kube's errors embed their source in their message).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// Kubeconfig and context selection errors: the user has to fix their configuration (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The kubeconfig file given with `--kubeconfig` or `KUBECONFIG` could not be read or parsed.
    #[error("failed to read kubeconfig '{}'", path.display())]
    ReadKubeconfig {
        /// The file that failed.
        path: PathBuf,
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// No kubeconfig could be found at all.
    #[error("no kubeconfig found: set --kubeconfig or KUBECONFIG, or create ~/.kube/config")]
    NoKubeconfig(#[source] kube::config::KubeconfigError),
    /// A `--context` names a context that is not in the kubeconfig.
    #[error(
        "context '{name}' not found in kubeconfig (available: {})",
        fmt_list(available)
    )]
    UnknownContext {
        /// The requested context.
        name: String,
        /// The contexts the kubeconfig has.
        available: Vec<String>,
    },
    /// Neither `--context` nor a current context selects a cluster.
    #[error("no context selected: pass --context NAME or set a current-context in the kubeconfig")]
    NoCurrentContext,
    /// A context exists but cannot be turned into a client configuration.
    #[error("invalid configuration for context '{context}'")]
    InvalidContext {
        /// The context.
        context: String,
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// Building the HTTP client for a context failed.
    #[error("failed to create a client for context '{context}'")]
    Client {
        /// The context.
        context: String,
        #[source]
        source: kube::Error,
    },
}

fn fmt_list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Convenience alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
