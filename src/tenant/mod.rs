//! Tenant and platform-component onboarding in the d1 shape (and its keos derivative).
//!
//! Onboarding a tenant namespace by hand means writing four files, remembering the tenant label,
//! the impersonation patch and the tenant secret; `flux create tenant` only makes a Namespace, a
//! ServiceAccount and a `cluster-admin` RoleBinding. This module generates the complete,
//! least-privilege shape instead, validates it against the fleet repository, applies it to
//! clusters when asked, and reports tenants' health.
//!
//! These are the building blocks; the workflows that combine them (validate, write the files,
//! preflight every cluster, apply) are the tenant operations (`ops::tenant`). One file per job:
//! - [`validate`]: DNS-1123 names, git URLs, path templates, namespace ownership in the repo;
//! - [`create`], [`component`], [`app`] (keos), [`automation`]: pure, deterministic generation of
//!   the files;
//! - [`render`]: the objects a file set stands for (kustomize's namespace and label transforms)
//!   and Flux-style `${VAR}` substitution from a runtime-info ConfigMap;
//! - [`apply`]: preflight, server-side apply, the tenant Secret and the post-apply RBAC check;
//! - [`propagate`]: copies of the tenant Secret (and runtime info) into tenant namespaces when no
//!   Kyverno clones them;
//! - [`list`]: the per-cluster health table (keos: per component, grouped by [`domains`]);
//!   [`delete`]: removing files and objects.
//!
//! # The fleet config file
//!
//! Every tenant command reads `kubectl-fleet.yaml` at the fleet repository root (`--fleet-dir`,
//! default the current directory). It is optional; without it the d1 layout is used.
//!
//! ```yaml
//! # kubectl-fleet.yaml
//! profile: keos                 # d1 (default) or keos
//! useCase: talk-to-your-data    # keos only: the default for --use-case
//! fluxNamespace: flux-system    # where Flux runs when a cluster's directory does not say
//! ```
//!
//! | | d1 | keos |
//! |---|---|---|
//! | tenant namespace | `tenants/<tenant>/components/<ns>/` | `domain/apps/<use-case>/components/<ns>/` |
//! | namespace reconciled by | `sync.yaml`: Kustomization `flux-<ns>` | one `apps-<c>` per component `<ns>/<c>/` (`tenant app add`) |
//! | namespace label | `toolkit.fluxcd.io/tenant: <tenant>` | `toolkit.fluxcd.io/domain: apps` (one tenant, `apps`) |
//! | platform components | `tenants/infra/components/<name>.yaml` (`-controllers`, `-configs`) | `domain/system-services/<use-case>/components/<name>.yaml` (`system-services-<name>-configs`) |
//! | image automation | `tenants/<tenant>/update/` | not supported (no per-tenant repository) |
//! | runtime info | ConfigMap `flux-runtime-info` | ConfigMap `keos-runtime-info` (STRATIO_* keys) |
//! | overlay variable | `${ENVIRONMENT}` | `${STRATIO_SIZE}` (apps), `${STRATIO_USE_CASE}` (system services) |

pub mod app;
pub mod apply;
pub mod automation;
pub mod component;
pub mod create;
pub mod delete;
pub mod domains;
pub mod list;
pub mod propagate;
pub mod render;
pub mod validate;

use std::path::PathBuf;

pub use crate::repo::{Layout, tenant_object_name};

use crate::exit::ExitStatus;

/// A tenant command was given something it cannot work with. Every variant names the thing that
/// is wrong; all are configuration errors (exit 2) except where noted.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    /// A name, path or URL breaks a fleet naming rule.
    #[error(transparent)]
    Name(#[from] crate::repo::NameError),
    /// The namespace is already onboarded for another tenant.
    #[error("namespace '{namespace}' already belongs to tenant '{owner}' ({})", path.display())]
    NamespaceOwned {
        /// The namespace.
        namespace: String,
        /// The tenant that owns it.
        owner: String,
        /// The directory that declares it.
        path: PathBuf,
    },
    /// The path template lacks the overlay variable, so every cluster would get the same overlay.
    #[error(
        "path template '{path}' must contain the overlay variable {variable} (e.g. ./components/<namespace>/{variable}), so each cluster selects its own overlay"
    )]
    PathTemplate {
        /// The template given.
        path: String,
        /// The variable it must contain.
        variable: String,
    },
    /// The path template is unusable for another reason.
    #[error("invalid path template '{path}': {reason}")]
    InvalidPath {
        /// The template given.
        path: String,
        /// Why.
        reason: String,
    },
    /// No git URL was given and none could be found in the repository.
    #[error("{what} needs a git URL: pass --git-url URL{hint}")]
    MissingGitUrl {
        /// What needs it.
        what: String,
        /// Extra advice.
        hint: String,
    },
    /// The namespace is not onboarded (for delete).
    #[error("namespace '{namespace}' is not onboarded in the fleet repository{hint}")]
    NotOnboarded {
        /// The namespace.
        namespace: String,
        /// Extra advice.
        hint: String,
    },
    /// A repository file could not be understood.
    #[error("{}: {reason}", path.display())]
    RepoContent {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A destructive action needs confirmation and there is no terminal to ask on.
    #[error("refusing to {action} without confirmation: stdin is not a terminal (pass --yes to confirm)")]
    ConfirmationRequired {
        /// What would have been done.
        action: String,
    },
    /// The user declined the confirmation prompt (exit 1: nothing was done).
    #[error("aborted: nothing was deleted")]
    Aborted,
    /// Flags that do not go together.
    #[error("{0}")]
    Flags(String),
    /// The fleet repository could not be read.
    #[error(transparent)]
    Repo(#[from] crate::repo::RepoError),
    /// One cluster cannot take, or did not take, the change (exit 1; reported per cluster).
    #[error(transparent)]
    Cluster(#[from] apply::ClusterError),
}

impl TenantError {
    /// The exit status of this error.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            TenantError::Aborted | TenantError::Cluster(_) => ExitStatus::Failure,
            TenantError::Repo(e) => e.exit_status(),
            _ => ExitStatus::Usage,
        }
    }
}
