//! The tenant operations: `tenant create`, `delete`, `list`, `component add` and `automation`,
//! one function each, taking a request, the stores they need and a [`Reporter`].
//!
//! Generation stays pure (in [`crate::tenant`]); these functions decide the order of things:
//!
//! - **Files first, all or nothing.** Names, paths and URLs are checked, the files planned and any
//!   conflict with hand edits refused before anything is written ([`WritePlan`]).
//! - **create/delete `--apply` in two phases.** A read-only preflight runs on every cluster
//!   before the first change anywhere: any failure stops the run with nothing written or applied.
//!   Only then are the files written and every cluster changed (delete: the clusters first, so a
//!   failure keeps the files and a re-run finishes the job).
//! - **One runner.** Every per-cluster step goes through [`Runner`]: bounded concurrency, one
//!   progress line per cluster, results in the order the contexts were given, one
//!   [`TargetReport`] per cluster and [`exit_status`](crate::ops::exit_status) for the exit code.
//! - **The cluster's Flux namespace.** The tenant Secret, the runtime info and the sources of
//!   propagated copies live in the namespace the fleet model gives each cluster
//!   ([`Layout::cluster_flux_namespace`]); it is read from the repository before any cluster is
//!   touched.
//!
//! Status lines go to the reporter as they happen; what a command prints on stdout (diffs, the
//! objects each cluster would get, the result table, the tenant list) comes back in the outcome.

mod create;
mod delete;
mod files;
mod list;

use std::{future::Future, path::PathBuf, sync::Mutex};

pub use create::{CreateOutcome, CreateRequest, create};
pub use delete::{Confirm, DeleteOutcome, DeleteRequest, RemovedFiles, delete};
pub use files::{AutomationRequest, ComponentAddRequest, FilesOutcome, automation, component_add};
pub use list::{ListOutcome, ListRequest, list};

use crate::{
    credentials::{MetaStore, SecretStore},
    error::{Error, ExitStatus, Result},
    kube::{ClientOptions, KubeTarget, load_kubeconfig},
    ops::{DEFAULT_CONCURRENCY, Runner, TargetReport, exit_status},
    output::{Reporter, plural},
    repo::{FleetRepo, Layout, WritePlan},
    tenant::{TenantError, apply::Applied, apply::ClusterError},
};

/// The fleet repository checkout and, for keos, the use case (`--fleet-dir`, `--use-case`).
#[derive(Clone, Debug)]
pub struct RepoSelection {
    /// The checkout; its `kubectl-fleet.yaml` selects the layout profile.
    pub fleet_dir: PathBuf,
    /// keos: the use case (default: `useCase` in the fleet config).
    pub use_case: Option<String>,
}

impl RepoSelection {
    /// Opens the checkout with the layout that places files (keos needs a use case).
    fn open(&self) -> Result<(FleetRepo, Layout)> {
        let fleet = FleetRepo::open(&self.fleet_dir)?;
        let layout = Layout::new(fleet.config(), self.use_case.as_deref())?;
        Ok((fleet, layout))
    }

    /// Opens the checkout with the layout that only names objects (list, delete: every use case).
    fn open_names_only(&self) -> Result<(FleetRepo, Layout)> {
        let fleet = FleetRepo::open(&self.fleet_dir)?;
        let layout = Layout::names_only(fleet.config());
        Ok((fleet, layout))
    }
}

/// The kube contexts an operation acts on (`--kubeconfig`, `--context`, `--all-contexts`). Resolved
/// only when the operation needs clusters, after its own checks, so `create` without `--apply`
/// never needs a kubeconfig and a bad name is reported before a bad context.
#[derive(Clone, Debug, Default)]
pub struct ClusterSelection {
    /// The kubeconfig file (default: `$KUBECONFIG` or `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// The contexts (default: the current one).
    pub contexts: Vec<String>,
    /// Every context of the kubeconfig.
    pub all_contexts: bool,
    /// Client timeouts.
    pub client: ClientOptions,
}

impl ClusterSelection {
    /// Clients for the selected contexts (no request is made; configuration errors only).
    pub async fn targets(&self) -> Result<Vec<KubeTarget>> {
        let kubeconfig = load_kubeconfig(self.kubeconfig.as_deref())?;
        let mut out = Vec::new();
        for context in kubeconfig.select(&self.contexts, self.all_contexts)? {
            out.push(kubeconfig.target(&context, self.client).await?);
        }
        Ok(out)
    }
}

/// Where a tenant Secret's token is read from: the OS keyring (for `--token NAME`) and the
/// credential index (the username stored with it). Tests pass an in-memory store.
#[derive(Clone, Copy)]
pub struct TokenStores<'a> {
    /// The keyring.
    pub secrets: &'a dyn SecretStore,
    /// The credential index; `None` when it cannot be opened (only the stored username is lost).
    pub metas: Option<&'a MetaStore>,
}

/// One cluster's part of `create --apply` or `delete --apply`: the objects it touched, in order,
/// and findings that did not stop it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterChanges {
    /// `Kind/namespace/name` and what happened to it.
    pub applied: Vec<Applied>,
    /// Non-fatal findings.
    pub warnings: Vec<String>,
}

/// The change phase on every cluster, in the order the contexts were given.
#[derive(Debug, Default)]
pub struct ClusterResults {
    /// Per cluster: what it changed, or why it failed.
    pub reports: Vec<TargetReport<ClusterChanges>>,
    /// Per cluster (same order): what a failed cluster changed before it failed, so the result
    /// table shows how far it got; empty for clusters that succeeded.
    pub partial: Vec<ClusterChanges>,
}

impl ClusterResults {
    /// The changes of the `i`-th cluster, whether it succeeded or not.
    pub fn changes(&self, i: usize) -> Option<&ClusterChanges> {
        let report = self.reports.get(i)?;
        report.ok().or_else(|| self.partial.get(i))
    }

    /// Every `(cluster, applied object)` row, in order.
    pub fn rows(&self) -> Vec<(&str, &Applied)> {
        (0..self.reports.len())
            .filter_map(|i| Some((self.reports[i].target.as_str(), self.changes(i)?)))
            .flat_map(|(target, changes)| changes.applied.iter().map(move |a| (target, a)))
            .collect()
    }

    /// Whether no cluster was changed (nothing was applied).
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Exit 1 when any cluster failed.
    pub fn exit_status(&self) -> ExitStatus {
        exit_status(&self.reports)
    }
}

/// A failure of one cluster, as the runner reports it.
fn cluster_error(e: ClusterError) -> Error {
    Error::Tenant(TenantError::Cluster(e))
}

/// Runs a read-only check on every cluster through the runner. Reports each failure, and hands
/// each success to `on_ok` (warnings, notes) in the order the contexts were given.
async fn check_clusters<'t, I, T, F, Fut>(
    reporter: &dyn Reporter,
    items: Vec<(&'t KubeTarget, I)>,
    work: F,
    on_ok: impl Fn(&str, &T),
) -> Vec<TargetReport<T>>
where
    F: Fn(&'t KubeTarget, I) -> Fut,
    Fut: Future<Output = std::result::Result<T, ClusterError>>,
{
    let runs = items
        .into_iter()
        .map(|(target, item)| (target.context.clone(), (target, item)))
        .collect();
    let work = &work;
    let reports = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .run(
            runs,
            |(target, item), step| async move {
                step.set("preflight");
                work(target, item).await.map_err(cluster_error)
            },
            |_| "preflight ok".to_string(),
        )
        .await;
    for report in &reports {
        match &report.outcome {
            Ok(value) => on_ok(&report.target, value),
            Err(e) => reporter.failure(&format!("{}: {e}", report.target)),
        }
    }
    reports
}

/// Runs a change on every cluster through the runner, keeping what a failing cluster changed
/// before its failure. `work` returns the changes it made and how it ended. Reports each
/// cluster's warnings and `verb` (or its error) as status lines.
async fn change_clusters<'t, I, F, Fut>(
    reporter: &dyn Reporter,
    items: Vec<(&'t KubeTarget, I)>,
    step: &'static str,
    verb: &'static str,
    work: F,
) -> ClusterResults
where
    F: Fn(&'t KubeTarget, I) -> Fut,
    Fut: Future<Output = (ClusterChanges, std::result::Result<(), ClusterError>)>,
{
    let slots: Vec<Mutex<ClusterChanges>> = items.iter().map(|_| Mutex::default()).collect();
    let runs = items
        .into_iter()
        .zip(&slots)
        .map(|((target, item), slot)| (target.context.clone(), (target, item, slot)))
        .collect();
    let work = &work;
    let reports = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .run(
            runs,
            |(target, item, slot), progress| async move {
                progress.set(step);
                match work(target, item).await {
                    (changes, Ok(())) => Ok(changes),
                    (changes, Err(e)) => {
                        if let Ok(mut partial) = slot.lock() {
                            *partial = changes;
                        }
                        Err(cluster_error(e))
                    }
                }
            },
            |_| verb.to_string(),
        )
        .await;
    let partial: Vec<ClusterChanges> = slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()))
        .collect();
    let results = ClusterResults { reports, partial };
    for (i, report) in results.reports.iter().enumerate() {
        if let Some(changes) = results.changes(i) {
            for w in &changes.warnings {
                reporter.warn(&format!("{}: {w}", report.target));
            }
        }
        match &report.outcome {
            Ok(_) => reporter.success(&format!("{}: {verb}", report.target)),
            Err(e) => reporter.failure(&format!("{}: {e}", report.target)),
        }
    }
    results
}

/// `tenants/apps/components/backend/`: how a directory is named in status lines.
fn display_dir(dir: &std::path::Path) -> String {
    format!("{}/", dir.display())
}

/// Refuses to overwrite files that differ unless `force` (a `--dry-run` only shows the diff).
fn check_conflicts(plan: &WritePlan, force: bool, dry_run: bool) -> Result<()> {
    let conflicts = plan.conflicts();
    if !force && !conflicts.is_empty() && !dry_run {
        return Err(crate::repo::RepoError::WouldOverwrite { paths: conflicts }.into());
    }
    Ok(())
}

/// Writes a plan (or, for `--dry-run`, returns its diff) and reports what happened.
fn write_plan(
    fleet: &FleetRepo,
    plan: &WritePlan,
    reporter: &dyn Reporter,
    dry_run: bool,
    force: bool,
    what: &str,
) -> Result<FilesOutcome> {
    let mut outcome = FilesOutcome {
        what: what.to_string(),
        diff: None,
        written: 0,
    };
    if dry_run {
        if plan.is_noop() {
            reporter.note(&format!("{what}: no changes"));
        } else {
            outcome.diff = Some(plan.diff());
        }
        return Ok(outcome);
    }
    if plan.is_noop() {
        reporter.success(&format!("{what} is up to date"));
        return Ok(outcome);
    }
    outcome.written = plan.apply(fleet, force)?;
    reporter.success(&format!("wrote {what} ({})", plural(outcome.written, "file")));
    Ok(outcome)
}
