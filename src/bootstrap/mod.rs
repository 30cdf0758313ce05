//! `kubectl fleet bootstrap`: the fleet repository side (scaffold `clusters/CLUSTER/` in the d1 or
//! classic layout) and the cluster side (install Flux Operator, write the git Secrets, apply the
//! FluxInstance or the classic manifests, wait for readiness), one job per module:
//!
//! - [`init`]: pure, deterministic generation of a cluster directory from a [`ClusterSpec`];
//! - [`from`]: reading an existing cluster directory back into a spec, to re-target it (`--from`);
//! - [`clusterdir`]: loading a cluster directory for bootstrapping (what to apply, which Secret);
//! - [`kustomize`]: the small subset of `kustomize build` the classic `flux-system/` directory needs;
//! - [`operator`]: the Flux Operator manifest (file or URL) with Helm ownership metadata;
//! - [`access`]: SelfSubjectAccessReview checks for every verb and resource a bootstrap uses;
//! - [`preflight`]: every read-only check, for every cluster, before any change anywhere;
//! - [`apply`]: the in-cluster steps for one cluster, reporting progress;
//! - [`run`]: the fleet-level orchestration (cluster → context mapping, concurrency, summary);
//! - [`status`]: `bootstrap status`, per-cluster Flux health.
//!
//! Errors that make the whole command invalid (an unknown cluster directory, malformed YAML, an
//! unknown context, a missing credential) are [`BootstrapError`]s and abort before any cluster is
//! touched. Failures of one cluster (unreachable, forbidden, not Ready in time) are reported per
//! cluster and never stop the others.

pub mod access;
pub mod apply;
pub mod clusterdir;
pub mod from;
pub mod init;
pub mod kustomize;
pub mod operator;
pub mod preflight;
pub mod run;
pub mod status;

use std::path::PathBuf;

pub use clusterdir::{ClusterDir, ClusterLayout};
pub use init::{ClusterSpec, InitInput};

use crate::exit::ExitStatus;

/// The namespace Flux runs in unless told otherwise.
pub const DEFAULT_NAMESPACE: &str = "flux-system";

/// A bootstrap input is invalid; nothing was changed anywhere.
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
    /// The classic `flux-system/kustomization.yaml` uses something we cannot build.
    #[error("cannot build {}: {reason}", path.display())]
    Kustomize {
        /// The kustomization file.
        path: PathBuf,
        /// What is unsupported or wrong.
        reason: String,
    },
}

impl BootstrapError {
    /// Exit status: a failed download is an operation failure (1); everything else is an input the
    /// user has to fix (2).
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            BootstrapError::Download { .. } => ExitStatus::Failure,
            _ => ExitStatus::Usage,
        }
    }
}
