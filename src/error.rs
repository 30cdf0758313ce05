//! Errors and exit codes shared by every command.
//!
//! Each area has its own typed error (kube access, kubeconfig, YAML, fleet repo, credentials …)
//! and they roll up into [`Error`]. What users see is printed by [`Error::report`]: the error, then
//! one `caused by:` line per source, so messages stay short lowercase fragments that carry the
//! object or path they are about. The exit code follows the suite's contract: 0 ok, 1 an operation
//! failed on at least one target, 2 a usage or configuration error.

use std::{fmt::Write as _, io, path::PathBuf};

pub mod chain;

pub use self::chain::{causes, error_chain};
pub use crate::exit::ExitStatus;
use crate::{
    bootstrap::BootstrapError, credentials::CredentialError, kube::KubeError,
    manifests::kustomize::KustomizeError, manifests::yaml::YamlError, repo::RepoError, secrets::SecretError,
    sops::SopsError, tenant::TenantError, tree::TreeError,
};

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
    /// A cluster secrets file or flag is invalid (no .sops.yaml, a clash, plaintext in git).
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The sops binary is missing, too old, or refused the file.
    #[error(transparent)]
    Sops(#[from] SopsError),
    /// kubectl is missing or too old, or kustomize refused a directory.
    #[error(transparent)]
    Kustomize(#[from] KustomizeError),
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
    /// A bug: an invariant of kubectl-fleet did not hold (a task panicked, a lock was poisoned).
    #[error(
        "internal error: {0} (please report it at https://github.com/kubectl-fleet/kubectl-fleet/issues)"
    )]
    Internal(String),
    /// A document could not be serialized.
    #[error("failed to serialize {what}")]
    Serialize {
        /// What was being serialized.
        what: String,
        #[source]
        source: serde_json::Error,
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

impl From<crate::repo::NameError> for Error {
    fn from(e: crate::repo::NameError) -> Self {
        Error::Repo(RepoError::Name(e))
    }
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
            Error::Secret(e) => e.exit_status(),
            Error::Sops(e) => e.exit_status(),
            Error::Kustomize(e) => e.exit_status(),
            Error::Kube(_)
            | Error::Tree(_)
            | Error::Io { .. }
            | Error::TargetsFailed { .. }
            | Error::Internal(_)
            | Error::Serialize { .. } => ExitStatus::Failure,
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

    /// The full report: `error: …`, one `caused by: …` line per cause (see [`causes`]), then a
    /// `hint:` line when there is a next step to suggest.
    pub fn report(&self) -> String {
        let mut lines = causes(self).into_iter();
        let mut out = format!("error: {}", lines.next().unwrap_or_default());
        for cause in lines {
            let _ = write!(out, "\n  caused by: {cause}");
        }
        if let Some(hint) = self.hint() {
            let _ = write!(out, "\n  hint: {hint}");
        }
        out
    }

    /// The next step for the user, when the error suggests one.
    pub fn hint(&self) -> Option<String> {
        if let Error::Config(ConfigError::UnknownContext { name, available }) = self {
            return closest(name, available).map(|c| format!("did you mean '{c}'?"));
        }
        let direct = match self {
            Error::Kube(k) | Error::Tree(TreeError::Kube(k)) => Some(k),
            _ => None,
        };
        let mut chain = Vec::new();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            chain.extend(e.downcast_ref::<KubeError>());
            next = e.source();
        }
        direct.into_iter().chain(chain).find_map(|k| match k {
            KubeError::Unreachable { context, .. } => Some(format!(
                "check the cluster with `kubectl --context {context} cluster-info`"
            )),
            _ => None,
        })
    }
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
    /// No kubeconfig could be found at all: every file `KUBECONFIG` names is missing (kubectl
    /// skips missing ones), or it is unset and the default file does not exist.
    #[error("{}", no_kubeconfig(searched, *from_env))]
    NoKubeconfig {
        /// The files looked for.
        searched: Vec<PathBuf>,
        /// Whether they came from `KUBECONFIG` (else the default `~/.kube/config`).
        from_env: bool,
    },
    /// A kubeconfig file could not be read (missing with `--kubeconfig`, unreadable).
    #[error("cannot read kubeconfig '{}'", path.display())]
    OpenKubeconfig {
        /// The file.
        path: PathBuf,
        #[source]
        source: io::Error,
    },
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

/// The most similar name (clap's rule for suggestions: Jaro similarity above 0.7).
fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro(name, c), c.as_str()))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn no_kubeconfig(searched: &[PathBuf], from_env: bool) -> String {
    let names: Vec<String> = searched.iter().map(|p| format!("'{}'", p.display())).collect();
    match (from_env, names.as_slice()) {
        (true, [one]) => format!("no kubeconfig found: KUBECONFIG names {one}, which does not exist"),
        (true, many) => format!(
            "no kubeconfig found: none of the files KUBECONFIG names exists ({})",
            many.join(", ")
        ),
        (false, []) => "no kubeconfig found: set --kubeconfig or KUBECONFIG (HOME is not set)".to_string(),
        (false, many) => format!(
            "no kubeconfig found at {}: set --kubeconfig or KUBECONFIG",
            many.join(", ")
        ),
    }
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
