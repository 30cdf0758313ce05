//! The tenant operations: `tenant create`, `delete`, `list`, `component add`, `app add` (keos) and
//! `automation`, one function each, taking a request, the stores they need and a [`Reporter`].
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

mod app;
mod create;
mod delete;
mod files;
mod list;

use std::{future::Future, path::PathBuf, sync::Mutex};

pub use app::{AppAddRequest, app_add};
pub use create::{CreateOutcome, CreateRequest, create};
pub use delete::{Confirm, DeleteOutcome, DeleteRequest, RemovedFiles, delete};
pub use files::{AutomationRequest, ComponentAddRequest, FilesOutcome, automation, component_add};
pub use list::{ListOutcome, ListRequest, Listing, list};

use crate::{
    credentials::{MetaStore, SecretStore},
    error::{Error, ExitStatus, Result},
    kube::KubeTarget,
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
        .reported_by_caller()
        .run(
            runs,
            |(target, item), step| async move {
                step.set("preflight");
                work(target, item).await.map_err(cluster_error)
            },
            |_| "preflight ok".to_string(),
        )
        .await;
    // Failures already have their line from the runner.
    for report in &reports {
        if let Ok(value) = &report.outcome {
            on_ok(&report.target, value);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        credentials::{MemoryStore, TokenSource},
        ops::TargetError,
        output::{Level, Recorder},
    };

    const URL: &str = "https://github.com/org/apps.git";

    fn repo(dir: &std::path::Path) -> RepoSelection {
        RepoSelection {
            fleet_dir: dir.to_path_buf(),
            use_case: None,
        }
    }

    /// Clusters that cannot be reached by construction: a kubeconfig that does not exist, so an
    /// operation that resolved them would fail.
    fn no_clusters() -> crate::kube::ClusterSelection {
        crate::kube::ClusterSelection {
            kubeconfig: Some("/nonexistent/kubeconfig".into()),
            ..Default::default()
        }
    }

    fn create_request(dir: &std::path::Path) -> CreateRequest {
        CreateRequest {
            repo: repo(dir),
            clusters: no_clusters(),
            namespace: "backend".into(),
            tenant: "apps".into(),
            git_url: Some(URL.into()),
            insecure_http: false,
            provider: Default::default(),
            role: "admin".into(),
            path: None,
            existing_namespace: false,
            force: false,
            dry_run: false,
            apply: false,
            token: None,
            username: None,
            propagate: false,
        }
    }

    fn stores(keyring: &MemoryStore) -> TokenStores<'_> {
        TokenStores {
            secrets: keyring,
            metas: None,
        }
    }

    #[tokio::test]
    async fn create_writes_the_files_once_and_dry_run_only_diffs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keyring = MemoryStore::default();

        let recorder = Recorder::new();
        let mut dry = create_request(dir.path());
        dry.dry_run = true;
        let outcome = create(dry, stores(&keyring), &recorder).await.expect("dry run");
        let files = outcome.files.expect("files");
        assert!(
            files
                .diff
                .as_deref()
                .is_some_and(|d| d.contains("+  name: flux-apps"))
        );
        assert_eq!(files.written, 0);
        assert!(!dir.path().join("tenants").exists(), "--dry-run writes nothing");

        let recorder = Recorder::new();
        let outcome = create(create_request(dir.path()), stores(&keyring), &recorder)
            .await
            .expect("created");
        assert_eq!(outcome.exit_status(), ExitStatus::Success);
        assert_eq!(outcome.files.as_ref().expect("files").written, 4);
        assert!(outcome.preflight.is_empty() && outcome.clusters.is_empty());
        assert_eq!(
            recorder.lines()[0],
            (
                Level::Success,
                "wrote tenants/apps/components/backend/ (4 files)".to_string()
            )
        );

        let recorder = Recorder::new();
        create(create_request(dir.path()), stores(&keyring), &recorder)
            .await
            .expect("again");
        assert_eq!(
            recorder.lines()[0],
            (
                Level::Success,
                "tenants/apps/components/backend/ is up to date".to_string()
            )
        );
    }

    #[tokio::test]
    async fn create_refuses_cluster_flags_without_apply_before_reading_anything() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keyring = MemoryStore::default();
        let mut with_token = create_request(dir.path());
        with_token.token = Some(TokenSource::Keyring("apps-bot".into()));
        let err = create(with_token, stores(&keyring), &Recorder::new())
            .await
            .expect_err("needs --apply");
        assert!(err.to_string().contains("add --apply"), "{err}");
        assert_eq!(err.exit_status(), ExitStatus::Usage);

        let mut bad_name = create_request(dir.path());
        bad_name.apply = true;
        bad_name.token = Some(TokenSource::Keyring("Apps Bot".into()));
        let err = create(bad_name, stores(&keyring), &Recorder::new())
            .await
            .expect_err("invalid credential name");
        assert!(err.to_string().contains("Apps Bot"), "{err}");
        assert!(!dir.path().join("tenants").exists());
    }

    #[tokio::test]
    async fn delete_without_apply_removes_the_directory_and_asks_before_clusters() {
        let dir = tempfile::tempdir().expect("temp dir");
        let keyring = MemoryStore::default();
        create(create_request(dir.path()), stores(&keyring), &Recorder::new())
            .await
            .expect("created");
        let request = |apply: bool| DeleteRequest {
            repo: repo(dir.path()),
            clusters: no_clusters(),
            namespace: "backend".into(),
            tenant: None,
            apply,
            yes: false,
            force: false,
            dry_run: false,
            timeout: std::time::Duration::from_secs(1),
        };
        // With --apply, no --yes and no one to ask: refused before the kubeconfig is even read.
        let err = delete(request(true), None, &Recorder::new())
            .await
            .expect_err("needs confirmation");
        assert!(err.to_string().contains("pass --yes"), "{err}");
        assert!(dir.path().join("tenants/apps/components/backend").exists());

        let recorder = Recorder::new();
        let outcome = delete(request(false), None, &recorder).await.expect("deleted");
        assert_eq!(
            outcome.removed,
            Some(RemovedFiles {
                dir: "tenants/apps/components/backend".into(),
                files: 4
            })
        );
        assert!(!dir.path().join("tenants/apps/components/backend").exists());
        assert!(
            recorder
                .text()
                .contains("Success removed tenants/apps/components/backend/ (4 files)"),
            "{}",
            recorder.text()
        );
    }

    #[tokio::test]
    async fn component_and_automation_return_their_diff() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outcome = component_add(
            ComponentAddRequest {
                repo: repo(dir.path()),
                name: "monitoring".into(),
                depends_on: Vec::new(),
                substitute: false,
                git_url: Some(URL.into()),
                insecure_http: false,
                force: false,
                dry_run: true,
            },
            &Recorder::new(),
        )
        .expect("component");
        assert!(outcome.diff.is_some_and(|d| d.contains("monitoring-controllers")));
        let outcome = automation(
            AutomationRequest {
                repo: repo(dir.path()),
                tenant: "apps".into(),
                git_url: Some(URL.into()),
                insecure_http: false,
                author_name: "bot".into(),
                author_email: "bot@example.com".into(),
                force: false,
                dry_run: false,
            },
            &Recorder::new(),
        )
        .expect("automation");
        assert_eq!(outcome.what, "tenants/apps/update/");
        assert_eq!(outcome.written, 5);
    }

    #[test]
    fn results_show_what_a_failed_cluster_did_before_failing() {
        let applied = |object: &str| Applied {
            object: object.into(),
            result: "created".into(),
        };
        let results = ClusterResults {
            reports: vec![
                TargetReport {
                    target: "staging".into(),
                    outcome: Ok(ClusterChanges {
                        applied: vec![applied("Namespace/backend")],
                        warnings: Vec::new(),
                    }),
                    seconds: 0.1,
                },
                TargetReport::failed("prod-eu", TargetError::new("forbidden")),
            ],
            partial: vec![
                ClusterChanges::default(),
                ClusterChanges {
                    applied: vec![applied("Secret/flux-system/flux-apps")],
                    warnings: Vec::new(),
                },
            ],
        };
        let rows: Vec<(&str, &str)> = results
            .rows()
            .into_iter()
            .map(|(c, a)| (c, a.object.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("staging", "Namespace/backend"),
                ("prod-eu", "Secret/flux-system/flux-apps")
            ]
        );
        assert_eq!(results.exit_status(), ExitStatus::Failure);
    }
}
