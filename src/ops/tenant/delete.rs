//! `tenant delete`: remove a tenant namespace's directory and, with `--apply`, its Kustomization
//! and namespace on clusters. Every cluster is checked before any is changed, and the clusters go
//! before the files: if one fails, the files are kept so a re-run (once it is fixed) finishes the
//! job.

use std::{path::PathBuf, time::Duration};

use super::{ClusterChanges, ClusterResults, RepoSelection, change_clusters, check_clusters, display_dir};
use crate::{
    error::{Error, ExitStatus, Result},
    kube::{ClusterSelection, KubeTarget},
    ops::{TargetReport, exit_status},
    output::{Reporter, plural},
    repo::{layout::NamespaceSync, names},
    tenant::{
        TenantError,
        delete::{self, ClusterDeletion, ClusterState},
        validate,
    },
};

/// Asks the user a yes/no question (the CLI asks on the terminal; reading the answer can fail);
/// `None` when there is no one to ask (stdin is not a terminal), in which case destructive runs
/// need `yes`.
pub type Confirm<'a> = Option<&'a (dyn Fn(&str) -> std::io::Result<bool> + Sync)>;

/// What `tenant delete` is asked to do.
#[derive(Clone, Debug)]
pub struct DeleteRequest {
    /// The fleet repository.
    pub repo: RepoSelection,
    /// The clusters `--apply` acts on.
    pub clusters: ClusterSelection,
    /// The tenant namespace.
    pub namespace: String,
    /// The tenant (default: the one the repository assigns the namespace to).
    pub tenant: Option<String>,
    /// Also delete the namespace and its Flux objects on the clusters.
    pub apply: bool,
    /// Confirmed already (`--yes`).
    pub yes: bool,
    /// Also remove files kubectl fleet did not generate.
    pub force: bool,
    /// Show what would be removed without removing anything.
    pub dry_run: bool,
    /// How long to wait for the tenant Kustomization's finalizer.
    pub timeout: Duration,
}

/// The directory `tenant delete` removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovedFiles {
    /// The namespace directory.
    pub dir: PathBuf,
    /// How many files it held.
    pub files: usize,
}

/// What `tenant delete` did.
#[derive(Debug, Default)]
pub struct DeleteOutcome {
    /// The directory removed (`None` when there was none, or the run stopped before).
    pub removed: Option<RemovedFiles>,
    /// `--apply`: every cluster's check (a failure anywhere stopped the run before any change).
    pub checks: Vec<TargetReport<ClusterState>>,
    /// `--apply`: what was deleted on each cluster.
    pub clusters: ClusterResults,
    /// `--dry-run`: what would be removed and deleted, one line each.
    pub planned: Option<String>,
}

impl DeleteOutcome {
    /// Exit 1 when a cluster failed its check or the deletion.
    pub fn exit_status(&self) -> ExitStatus {
        exit_status(&self.checks).worst(self.clusters.exit_status())
    }
}

/// Removes a tenant namespace; see the [module](self) documentation.
pub async fn delete(
    req: DeleteRequest,
    confirm: Confirm<'_>,
    reporter: &dyn Reporter,
) -> Result<DeleteOutcome> {
    // Deleting scans every use case, so keos needs none here.
    let (fleet, layout) = req.repo.open_names_only()?;
    validate::namespace(&layout, &req.namespace)?;
    if let Some(t) = &req.tenant {
        names::dns_label("tenant", t)?;
    }
    let found = delete::find(&fleet, &layout, &req.namespace, req.tenant.as_deref())?;
    let tenant = match (&found, &req.tenant) {
        (Some((t, _)), _) => t.clone(),
        (None, Some(t)) if req.apply => t.clone(),
        (None, _) => {
            return Err(TenantError::NotOnboarded {
                namespace: req.namespace.clone(),
                hint: if req.apply {
                    " (pass --tenant to delete it from clusters anyway)".into()
                } else {
                    String::new()
                },
            }
            .into());
        }
    };
    if let Some((_, plan)) = &found
        && !req.dry_run
    {
        // Refuse before touching any cluster.
        plan.check(req.force)?;
    }
    // What goes on each cluster: d1 the namespace's Kustomization; keos every component's (read
    // from the repository, so a keos namespace must be found there).
    let per_component = layout.namespace_sync() == NamespaceSync::PerComponent;
    let deletion = match &found {
        Some((_, plan)) if per_component => ClusterDeletion {
            namespace: req.namespace.clone(),
            kustomizations: plan.component_kustomizations(&fleet)?,
            namespace_too: plan.creates_namespace,
        },
        None if per_component && req.apply => {
            return Err(TenantError::NotOnboarded {
                namespace: req.namespace.clone(),
                hint: " (keos: its components' Kustomizations are read from the repository)".into(),
            }
            .into());
        }
        _ => ClusterDeletion {
            namespace: req.namespace.clone(),
            kustomizations: vec![layout.kustomization_name(&req.namespace)],
            namespace_too: true,
        },
    };
    if req.apply && !req.yes && !req.dry_run && confirm.is_none() {
        return Err(TenantError::ConfirmationRequired {
            action: format!("delete namespace {} on clusters", req.namespace),
        }
        .into());
    }

    let targets = if req.apply {
        req.clusters.targets().await?
    } else {
        Vec::new()
    };
    let mut outcome = DeleteOutcome::default();
    if req.apply {
        let flux_namespaces = targets
            .iter()
            .map(|t| layout.cluster_flux_namespace(&fleet, &t.context))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let items: Vec<(&KubeTarget, &str)> = targets
            .iter()
            .zip(&flux_namespaces)
            .map(|(t, ns)| (t, ns.as_str()))
            .collect();
        let namespace = req.namespace.as_str();
        let tenant = tenant.as_str();
        outcome.checks = check_clusters(
            reporter,
            items,
            |target, flux_namespace| delete::preflight(target, &layout, namespace, tenant, flux_namespace),
            |context, state| {
                if *state == ClusterState::Absent {
                    reporter.note(&format!("{context}: namespace {namespace} does not exist"));
                }
            },
        )
        .await;
        if outcome.checks.iter().any(TargetReport::is_failed) {
            reporter.note("nothing was deleted: preflight failed");
            return Ok(outcome);
        }
    }

    if req.dry_run {
        let mut out = String::new();
        if let Some((_, plan)) = &found {
            for f in &plan.files {
                out.push_str(&format!("would remove {}\n", f.display()));
            }
        }
        let kustomizations = deletion
            .kustomizations
            .iter()
            .map(|ks| format!("Kustomization/{}/{ks}", req.namespace))
            .collect::<Vec<_>>()
            .join(", ");
        let then = if deletion.namespace_too {
            format!(" then Namespace/{}", req.namespace)
        } else {
            format!(" (Namespace/{} is kept)", req.namespace)
        };
        for t in &targets {
            out.push_str(&format!("would delete {kustomizations}{then} on {}\n", t.context,));
        }
        outcome.planned = Some(out);
        return Ok(outcome);
    }

    if req.apply
        && !req.yes
        && let Some(ask) = confirm
    {
        let clusters: Vec<&str> = targets.iter().map(|t| t.context.as_str()).collect();
        let question = format!(
            "Delete namespace {} (tenant {tenant}) and everything in it on {}?",
            req.namespace,
            clusters.join(", ")
        );
        if !ask(&question).map_err(|e| Error::io("the confirmation from stdin", e))? {
            reporter.debug("declined");
            return Err(TenantError::Aborted.into());
        }
    }

    if req.apply {
        let items: Vec<(&KubeTarget, ())> = targets.iter().map(|t| (t, ())).collect();
        let (deletion, timeout) = (&deletion, req.timeout);
        outcome.clusters = change_clusters(reporter, items, "deleting", "deleted", |target, ()| async move {
            let mut changes = ClusterChanges::default();
            let result = delete::delete_on_cluster(target, deletion, timeout, &mut changes.applied).await;
            (changes, result)
        })
        .await;
        if outcome.clusters.exit_status() != ExitStatus::Success {
            if found.is_some() {
                reporter.note("the fleet repository files were kept: re-run once the clusters are fixed");
            }
            return Ok(outcome);
        }
    }
    if let Some((_, plan)) = &found {
        delete::remove_files(&fleet, plan, req.force)?;
        reporter.success(&format!(
            "removed {} ({})",
            display_dir(&plan.dir),
            plural(plan.files.len(), "file")
        ));
        if !req.apply {
            reporter.note("  commit and push: Flux prunes the namespace's objects from the clusters");
        }
        outcome.removed = Some(RemovedFiles {
            dir: plan.dir.clone(),
            files: plan.files.len(),
        });
    }
    Ok(outcome)
}
