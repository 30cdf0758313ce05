//! `kubectl fleet bootstrap`: the fleet repository side (scaffold `clusters/CLUSTER/` in the d1 or
//! classic layout) and the cluster side (install Flux Operator, write the git Secrets, apply the
//! FluxInstance or the classic manifests, wait for readiness), one job per module. The workflows
//! that tie them together are the operations in `ops::bootstrap` (the layer above).
//!
//! The cluster directory, generated (`bootstrap init`):
//! - [`spec`]: the model: layouts, defaults, the inputs ([`InitInput`]) and the resolved
//!   [`ClusterSpec`];
//! - [`resolve`]: flags (over another cluster's settings with `--from`) → spec;
//! - [`from`]: reading an existing cluster directory back into a spec, to re-target it;
//! - [`render`]: pure, deterministic generation: spec → files;
//! - [`keos`]: the same for keos fleets (`clusters/CLUSTER/default/…`, the domain chain).
//!
//! The cluster directory, applied (`bootstrap CLUSTER…`):
//! - [`files`]: reading the repository's files, with repository-relative paths in errors;
//! - [`clusterdir`]: loading a cluster directory for bootstrapping (what to apply, which Secret);
//!   classic `flux-system/` directories are built by the real kustomize
//!   ([`crate::manifests::kustomize`]);
//! - [`profile`]: `init --profile`, a cluster importing a `clusters/_components/` Component;
//! - [`operator`]: the Flux Operator manifest (file or URL) with Helm ownership metadata;
//! - [`fleet`]: the fleet-level inputs (token sources, cluster → context mapping, dry-run plans);
//! - [`access`]: SelfSubjectAccessReview checks for every verb and resource a bootstrap uses;
//! - [`preflight`]: every read-only check, for every cluster, before any change anywhere;
//! - [`apply`]: the in-cluster steps for one cluster, reporting progress;
//! - [`status`]: `bootstrap status`, per-cluster Flux health.
//!
//! Errors that make the whole command invalid (an unknown cluster directory, malformed YAML, an
//! unknown context, a missing credential) are [`BootstrapError`]s and abort before any cluster is
//! touched. Failures of one cluster (unreachable, forbidden, not Ready in time) are reported per
//! cluster and never stop the others.

pub mod access;
pub mod apply;
pub mod clusterdir;
pub mod files;
pub mod fleet;
pub mod from;
pub mod keos;
pub mod operator;
pub mod preflight;
pub mod profile;
pub mod render;
pub mod resolve;
pub mod spec;
pub mod status;

use std::path::PathBuf;

pub use clusterdir::ClusterDir;
pub use spec::{ClusterLayout, ClusterSpec, DEFAULT_NAMESPACE, InitInput};

use crate::exit::ExitStatus;

/// A bootstrap failed: an input is invalid (nothing was changed anywhere), or one cluster failed
/// its preflight or a step (that cluster's row says so; the others went on).
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    /// A cluster named on the command line has no directory in the fleet repository.
    #[error(
        "cluster directory 'clusters/{cluster}' does not exist in the fleet repository at '{}' (clusters: {})",
        root.display(),
        if available.is_empty() { "none".to_string() } else { available.join(", ") }
    )]
    UnknownCluster {
        /// The cluster name given.
        cluster: String,
        /// The fleet repository root.
        root: PathBuf,
        /// The cluster directories that do exist.
        available: Vec<String>,
    },
    /// A cluster directory (or a file in it) is not what bootstrap can work with.
    #[error("{}: {reason}", path.display())]
    InvalidClusterDir {
        /// The directory or file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A cluster directory maps to a kube context the kubeconfig does not have.
    #[error(
        "cluster '{cluster}' maps to context '{context}', which is not in the kubeconfig (available: {}); map it with --context {cluster}=CONTEXT",
        if available.is_empty() { "none".to_string() } else { available.join(", ") }
    )]
    UnknownContext {
        /// The cluster directory.
        cluster: String,
        /// The context it maps to.
        context: String,
        /// The contexts the kubeconfig has.
        available: Vec<String>,
    },
    /// A name, path or URL breaks a fleet naming rule.
    #[error(transparent)]
    Name(#[from] crate::repo::NameError),
    /// A flag value is invalid.
    #[error("invalid {flag} '{value}': {reason}")]
    InvalidFlag {
        /// The flag, e.g. `--set`.
        flag: &'static str,
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// A required flag is missing.
    #[error("{flag} is required: {why}")]
    MissingFlag {
        /// The flag.
        flag: &'static str,
        /// Why it is needed and how to provide it.
        why: String,
    },
    /// The Flux Operator (or classic components) manifest could not be downloaded.
    #[error("failed to download {what} from {url}")]
    Download {
        /// What was downloaded.
        what: &'static str,
        /// The URL.
        url: String,
        #[source]
        source: Box<ureq::Error>,
    },
    /// A manifest file could not be read.
    #[error("failed to read {what} '{}'", path.display())]
    ReadFile {
        /// What the file is.
        what: &'static str,
        /// The file.
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The Flux Operator manifest is not usable.
    #[error("invalid Flux Operator manifest {origin}: {reason}")]
    OperatorManifest {
        /// File or URL.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// A cluster failed a read-only check; nothing was changed on it.
    #[error("preflight")]
    Preflight(#[source] Box<preflight::PreflightError>),
    /// A step failed on a cluster that passed preflight.
    #[error(transparent)]
    Step(Box<apply::StepError>),
    /// A keos cluster directory cannot be made from the inputs.
    #[error(transparent)]
    Keos(#[from] keos::KeosError),
}

impl BootstrapError {
    /// Exit status: a failed download or a failed cluster is an operation failure (1); everything
    /// else is an input the user has to fix (2).
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            BootstrapError::Download { .. } | BootstrapError::Preflight(_) | BootstrapError::Step(_) => {
                ExitStatus::Failure
            }
            _ => ExitStatus::Usage,
        }
    }
}
