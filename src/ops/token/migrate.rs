//! `token migrate PAT --to APP`: move every cluster that uses a token (PAT) to a GitHub App,
//! resumable and reversible.
//!
//! A fresh run plans every selected cluster (the PAT's Secrets as rotation finds them, through the
//! trust model, and the GitRepositories reading them) and the fleet repository (the GitRepository
//! and FluxInstance documents declaring those sources); every GitRepository must be declared by a
//! file, because its provider may only change in git (patched into a cluster object Flux applies
//! from git, it is reverted: fluxcd/flux2#5471). Nothing changes when any of that fails, or on
//! `--dry-run`.
//!
//! No Secret serves both providers: source-controller refuses a Secret holding `githubApp*` keys
//! under `provider: generic` (`InvalidProviderConfiguration`), and needs them under `github`. The
//! provider comes from git, so the Secret is switched right after the push lands, by a run that
//! is waiting for it. Each step durable before the next ([`Checkpoint`] lines with `-v`):
//!
//! 1. the migration state is saved (clusters, Secrets, GitRepositories, files);
//! 2. each cluster's Secrets are checked (read, nothing written: the PAT keeps serving);
//! 3. the files get `provider: github` (all or nothing; the diff is returned for stdout);
//! 4. the run waits (`--timeout`) until each cluster's GitRepositories say `provider: github`,
//!    which only the user's push can make happen: that is how a run knows the files were pushed
//!    (`--apply-files-only` stops before waiting; `--resume` goes on). The moment they do, the
//!    cluster's Secrets get the App form (the PAT pair dropped, annotated with the App): from the
//!    push landing to that write, a fetch fails and Flux keeps serving its last artifact;
//! 5. it requests reconciliation and waits until each GitRepository handled that request and is
//!    Ready for its current generation: it fetched with the App;
//! 6. once every cluster is done the state is removed and the PAT can be revoked. It stays in the
//!    keyring: revoking and deleting it is the user's call.
//!
//! Every step is idempotent (conditional writes that do nothing when the Secret already has the
//! form), so a run killed anywhere is finished by `--resume` or undone by `--rollback`. A rollback
//! is the same switch backwards: a cluster whose GitRepositories say `generic` (never pushed, or
//! the revert of the files landed) gets the PAT back at once; one that still says `github` keeps
//! the App (the only form that serves it) while the run waits for the revert it names.

use std::{path::PathBuf, sync::Mutex, time::Duration};

use jiff::Timestamp;
use serde::Serialize;

use super::Stores;
use crate::kube::ClusterSelection;
use crate::{
    credentials::{
        AppAuth, CredentialError, GitAuth, Provider,
        cluster::{
            ObjectKey, RepoState, RepoTarget, RotateOptions, SuspiciousSecret, plan_cluster, repo_providers,
            request_reconcile, wait_fetched,
        },
        github_app::AppKey,
        meta::{CredentialKind, CredentialMeta},
        migration::{
            FileRecord, MigrationCluster, MigrationOp, MigrationState, MigrationStore, Phase, RepoRecord,
        },
        rotated_secret, update_secret, validate_name,
    },
    error::{Error, Result, error_chain},
    exit::ExitStatus,
    kube::{KubeError, KubeTarget, WaitOutcome, wait_until},
    output::{Paint, Reporter, TableBuilder, Tone, plural},
    repo::{
        FleetRepo, clusters,
        provider::{SourceDecl, SourceKind, edit_plan, find_sources, set_providers},
    },
};

/// The document kind of `token migrate -o json|yaml`.
pub const MIGRATION_KIND: &str = "TokenMigration";

/// The provider every migrated source gets.
const GITHUB: &str = "github";
/// What a GitRepository without `spec.provider` uses.
const GENERIC: &str = "generic";

/// Which way a migration run goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MigrateMode {
    /// A new migration on the selected clusters.
    Fresh,
    /// Go on with an unfinished one.
    Resume,
    /// Put the PAT back on every cluster of an unfinished one.
    Rollback,
}

/// `token migrate`.
#[derive(Clone, Debug)]
pub struct MigrateRequest {
    /// The PAT credential.
    pub name: String,
    /// The GitHub App credential.
    pub app: String,
    /// Fresh, resume or rollback.
    pub mode: MigrateMode,
    /// The fleet repository checkout (a fresh run; resume and rollback use the recorded one).
    pub repo_dir: PathBuf,
    /// Stop once the files are written (push them, then `--resume`).
    pub apply_files_only: bool,
    /// Plan only: change nothing.
    pub dry_run: bool,
    /// How long to wait for the push to reach a cluster, and for each fetch.
    pub timeout: Duration,
    /// How often to look while waiting.
    pub interval: Duration,
    /// The namespace to trust as every cluster's Flux namespace (`None`: found on each).
    pub flux_namespace: Option<String>,
}

/// A durable step, reported as a debug line (tests crash on them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checkpoint {
    /// Step 1.
    StateSaved,
    /// Step 2 on one cluster.
    Prepared(String),
    /// Step 3.
    FilesWritten,
    /// Step 5 on one cluster.
    Verified(String),
    /// A verified cluster marked done (its Secrets confirmed in the App form).
    Done(String),
    /// A rollback on one cluster.
    RolledBack(String),
    /// The state is gone: finished.
    StateCleared,
}

impl Checkpoint {
    /// The debug line.
    pub fn line(&self, name: &str) -> String {
        let step = match self {
            Checkpoint::StateSaved => "state saved".to_string(),
            Checkpoint::Prepared(c) => format!("{c}: Secrets checked"),
            Checkpoint::FilesWritten => "files written".to_string(),
            Checkpoint::Verified(c) => format!("{c}: fetched with the App"),
            Checkpoint::Done(c) => format!("{c}: done"),
            Checkpoint::RolledBack(c) => format!("{c}: PAT restored"),
            Checkpoint::StateCleared => "state cleared".to_string(),
        };
        format!("migration of '{name}': {step}")
    }
}

/// One cluster in a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterMigration {
    /// The kube context.
    pub context: String,
    /// Where it stands.
    pub phase: Phase,
    /// The PAT's Secrets on it.
    pub secrets: Vec<ObjectKey>,
    /// Secrets that claim the PAT where it does not belong: never written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suspicious: Vec<SuspiciousSecret>,
    /// The GitRepositories reading them.
    pub git_repositories: Vec<RepoRecord>,
    /// Why it stopped (a failure, or what it waits for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What `token migrate` did or would do.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationReport {
    /// The PAT.
    pub credential: String,
    /// The App.
    pub app: String,
    /// Migrate or rollback.
    pub operation: MigrationOp,
    /// Nothing was changed (`--dry-run`, or a plan that failed).
    pub planned_only: bool,
    /// The files declaring the migrated sources.
    pub files: Vec<FileRecord>,
    /// Whether the provider change is written to them.
    pub files_written: bool,
    /// The unified diff of the file changes (empty when none).
    pub diff: String,
    /// Every cluster.
    pub clusters: Vec<ClusterMigration>,
    /// Every cluster is done (or rolled back) and the state is gone.
    pub complete: bool,
    /// The run stopped on purpose, waiting for the user to push (`--apply-files-only`).
    pub awaiting_push: bool,
    /// What the user does next.
    pub next: Vec<String>,
}

impl MigrationReport {
    /// 0 when complete (or stopped on purpose for the push) with nothing suspicious; 1 otherwise.
    pub fn exit_status(&self) -> ExitStatus {
        let suspicious = self.clusters.iter().any(|c| !c.suspicious.is_empty());
        // A finished cluster's message is a note, not a failure.
        let failed = self.clusters.iter().any(|c| {
            c.message.is_some() && !self.awaiting_push && !matches!(c.phase, Phase::Done | Phase::RolledBack)
        });
        if suspicious || failed || !(self.complete || self.awaiting_push || self.planned_only) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }
}

/// The per-cluster table.
pub fn migration_table(report: &MigrationReport, paint: Paint) -> String {
    let mut t = TableBuilder::new(["cluster", "secrets", "git repositories", "phase", "note"], paint);
    for c in &report.clusters {
        let tone = match c.phase {
            Phase::Done | Phase::RolledBack => Tone::Good,
            _ if c.message.is_some() && !report.awaiting_push => Tone::Bad,
            _ => Tone::Warn,
        };
        let note = match (&c.message, c.suspicious.len()) {
            (Some(m), 0) => m.clone(),
            (Some(m), n) => format!("{m}; {} not written", plural(n, "suspicious Secret")),
            (None, 0) => String::new(),
            (None, n) => format!("{} not written", plural(n, "suspicious Secret")),
        };
        t.toned_row([
            (c.context.clone(), Tone::Bold),
            (c.secrets.len().to_string(), Tone::Plain),
            (c.git_repositories.len().to_string(), Tone::Plain),
            (c.phase.label().to_string(), tone),
            (note, Tone::Plain),
        ]);
    }
    t.render()
}

/// What the Secrets get: the PAT (from the keyring, where it stays) and the App.
struct Auths {
    pat: GitAuth,
    app: GitAuth,
    username: String,
}

/// Runs `token migrate`.
pub async fn migrate(
    req: MigrateRequest,
    stores: Stores<'_>,
    access: &ClusterSelection,
    reporter: &dyn Reporter,
) -> Result<MigrationReport> {
    validate_name(&req.name)?;
    validate_name(&req.app)?;
    if req.name == req.app {
        return Err(Error::Usage(
            "--to names the credential being migrated: name the GitHub App credential".into(),
        ));
    }
    let migrations = MigrationStore::new(stores.metas);
    let _locks = if req.dry_run {
        Vec::new()
    } else {
        vec![
            stores.rotations.lock(&req.name)?,
            stores.rotations.lock(&req.app)?,
        ]
    };
    for name in [&req.name, &req.app] {
        if let Some(r) = stores.rotations.load(name)? {
            return Err(r.in_progress().into());
        }
    }
    let state = migrations.load(&req.name)?;
    let state = match (req.mode, state) {
        (MigrateMode::Fresh, Some(s)) => return Err(s.in_progress().into()),
        (MigrateMode::Fresh, None) => {
            if let Some(s) = migrations.involving(&req.app)? {
                return Err(s.in_progress().into());
            }
            None
        }
        (MigrateMode::Resume | MigrateMode::Rollback, None) => {
            return Err(CredentialError::MigrationRefused {
                name: req.name.clone(),
                reason: format!(
                    "it has no unfinished migration to {}",
                    if req.mode == MigrateMode::Resume {
                        "resume"
                    } else {
                        "roll back"
                    }
                ),
            }
            .into());
        }
        (_, Some(s)) if s.app != req.app => {
            return Err(CredentialError::MigrationRefused {
                name: req.name.clone(),
                reason: format!("its unfinished migration is to '{}', not '{}'", s.app, req.app),
            }
            .into());
        }
        (MigrateMode::Resume, Some(s)) if s.operation == MigrationOp::Rollback => {
            return Err(s.in_progress().into());
        }
        (_, Some(s)) => Some(s),
    };
    let auths = read_auths(&req, stores)?;
    let txn = Txn {
        name: &req.name,
        migrations: &migrations,
        reporter,
    };
    match state {
        None => txn.fresh(&req, &auths, access).await,
        Some(s) => {
            let targets = targets_of(&s, access, reporter).await?;
            if req.mode == MigrateMode::Rollback {
                txn.rollback(&req, s, &auths, &targets).await
            } else {
                reporter.action(&format!(
                    "resuming the migration of '{}' to '{}'",
                    req.name, req.app
                ));
                txn.forward(&req, s, &auths, &targets, Vec::new()).await
            }
        }
    }
}

/// The PAT and the App from the keyring, checked against their index entries.
fn read_auths(req: &MigrateRequest, stores: Stores<'_>) -> Result<Auths> {
    let pat_meta = stores
        .metas
        .get(&req.name)?
        .ok_or_else(|| CredentialError::NotFound {
            name: req.name.clone(),
        })?;
    if pat_meta.kind() != CredentialKind::Pat {
        return Err(CredentialError::WrongKind {
            name: req.name.clone(),
            kind: "GitHub App",
            reason:
                "token migrate moves a token (PAT) to a GitHub App: name the PAT first, the App with --to"
                    .into(),
        }
        .into());
    }
    let app_meta = stores
        .metas
        .get(&req.app)?
        .ok_or_else(|| CredentialError::NotFound {
            name: req.app.clone(),
        })?;
    let Some(ids) = app_meta.github_app else {
        return Err(CredentialError::WrongKind {
            name: req.app.clone(),
            kind: "token (PAT)",
            reason:
                "--to names the GitHub App credential (stored with 'kubectl fleet token set --github-app')"
                    .into(),
        }
        .into());
    };
    let pat = stores
        .secrets
        .get(&req.name)?
        .ok_or_else(|| CredentialError::NotFound {
            name: req.name.clone(),
        })?;
    let stored = stores
        .secrets
        .get(&req.app)?
        .ok_or_else(|| CredentialError::NotFound {
            name: req.app.clone(),
        })?;
    let key = AppKey::from_stored(&req.app, &stored)?;
    Ok(Auths {
        pat: GitAuth::Token(pat),
        app: GitAuth::App(AppAuth {
            app_id: ids.app_id,
            installation_id: ids.installation_id,
            base_url: app_base_url(&app_meta),
            key,
        }),
        username: pat_meta.username.clone(),
    })
}

/// `githubAppBaseURL`: the App's API unless it is github.com's (source-controller's default).
pub(crate) fn app_base_url(meta: &CredentialMeta) -> Option<String> {
    let url = meta.api_url.trim_end_matches('/');
    (meta.provider != Provider::Github || url != "https://api.github.com").then(|| url.to_string())
}

/// The clusters of an unfinished migration, from the kubeconfig.
async fn targets_of(
    state: &MigrationState,
    access: &ClusterSelection,
    reporter: &dyn Reporter,
) -> Result<Vec<KubeTarget>> {
    let kubeconfig = access.load()?;
    let mut targets = Vec::new();
    for c in &state.clusters {
        kubeconfig.require_context(&c.context)?;
        let t = kubeconfig.target(&c.context, access.client).await?;
        if t.server != c.server {
            reporter.warn(&format!(
                "context '{}' now points at {} (it was {} when the migration started)",
                t.context, t.server, c.server
            ));
        }
        targets.push(t);
    }
    Ok(targets)
}

struct Txn<'a> {
    name: &'a str,
    migrations: &'a MigrationStore,
    reporter: &'a dyn Reporter,
}

impl Txn<'_> {
    fn checkpoint(&self, step: Checkpoint) {
        self.reporter.debug(&step.line(self.name));
    }

    fn save(&self, state: &MigrationState) -> Result<()> {
        Ok(self.migrations.save(state)?)
    }

    /// Plans, then (unless `--dry-run`) saves the state and runs forward.
    async fn fresh(
        &self,
        req: &MigrateRequest,
        auths: &Auths,
        access: &ClusterSelection,
    ) -> Result<MigrationReport> {
        let repo = FleetRepo::open(&req.repo_dir)?;
        let targets = access.targets().await?;
        let contexts: Vec<String> = targets.iter().map(|t| t.context.clone()).collect();
        self.reporter.action(&format!(
            "finding what uses credential '{}' on {}",
            self.name,
            plural(targets.len(), "cluster")
        ));
        let flux_namespace = req.flux_namespace.as_deref();
        let plans = futures::future::join_all(
            targets
                .iter()
                .map(|t| async move { plan_cluster(t, self.name, flux_namespace).await }),
        )
        .await;
        let mut clusters = Vec::new();
        let mut rows = Vec::new();
        let mut failures = Vec::new();
        for (t, plan) in targets.iter().zip(plans) {
            match plan {
                Ok(p) if !p.flux_installed => failures.push(format!("{}: Flux is not installed", t.context)),
                Ok(p) => {
                    for s in &p.suspicious {
                        self.reporter.failure(&format!(
                            "{}: Secret {} claims credential '{}' but is not written: {}",
                            t.context, s.key, self.name, s.reason
                        ));
                    }
                    let record = MigrationCluster {
                        context: t.context.clone(),
                        server: t.server.clone(),
                        phase: Phase::Planned,
                        secrets: p.secrets.iter().map(|s| s.key.clone()).collect(),
                        git_repositories: p
                            .git_repositories
                            .iter()
                            .map(|r| RepoRecord {
                                key: r.key.clone(),
                                secret: r.secret.clone(),
                                suspended: r.suspended,
                            })
                            .collect(),
                        updated: None,
                        message: None,
                    };
                    rows.push((record.clone(), p.suspicious.clone(), p.flux_namespace.clone()));
                    clusters.push(record);
                }
                Err(e) => failures.push(format!("{}: {}", t.context, error_chain(&e))),
            }
        }
        if !failures.is_empty() {
            return Err(CredentialError::MigrationRefused {
                name: self.name.into(),
                reason: format!(
                    "not every cluster could be planned, nothing was changed: {}",
                    failures.join("; ")
                ),
            }
            .into());
        }
        if clusters.iter().all(|c| c.secrets.is_empty()) {
            return Err(CredentialError::MigrationRefused {
                name: self.name.into(),
                reason: "no selected cluster has a Secret written from it".into(),
            }
            .into());
        }
        let sources = find_sources(&repo)?;
        let decls = declaring(self.name, &repo, &sources, &rows, &contexts)?;
        let files: Vec<FileRecord> = decls
            .iter()
            .map(|d| FileRecord {
                path: d.path.clone(),
                kind: d.kind,
                name: d.name.clone(),
            })
            .collect();
        let plan = edit_plan(&repo, set_providers(&repo, &decls, GITHUB)?)?;
        let diff = plan.diff();
        let mut state = MigrationState::new(self.name, &req.app, &req.repo_dir, clusters);
        state.flux_namespace = req.flux_namespace.clone();
        state.files = files;
        let suspicious: Vec<(String, Vec<SuspiciousSecret>)> =
            rows.into_iter().map(|(c, s, _)| (c.context, s)).collect();
        if req.dry_run {
            let mut report = report_of(&state, &suspicious, diff);
            report.planned_only = true;
            return Ok(report);
        }
        self.save(&state)?;
        self.checkpoint(Checkpoint::StateSaved);
        self.forward(req, state, auths, &targets, suspicious).await
    }

    /// How this run waits and what it requests.
    fn options(&self, req: &MigrateRequest, auths: &Auths) -> RotateOptions {
        RotateOptions {
            fallback_username: auths.username.clone(),
            wait: true,
            timeout: req.timeout,
            interval: req.interval,
            concurrency: 8,
            requested_at: Timestamp::now().to_string(),
        }
    }

    /// Steps 2 to 6 from wherever each cluster is.
    async fn forward(
        &self,
        req: &MigrateRequest,
        state: MigrationState,
        auths: &Auths,
        targets: &[KubeTarget],
        suspicious: Vec<(String, Vec<SuspiciousSecret>)>,
    ) -> Result<MigrationReport> {
        let shared = Mutex::new(state);
        let opts = self.options(req, auths);
        // Step 2.
        let app_name = self.lock_state(&shared)?.app.clone();
        futures::future::join_all(targets.iter().map(|t| async {
            let Some(c) = self.cluster(&shared, &t.context)? else {
                return Ok(());
            };
            if c.phase != Phase::Planned {
                return Ok(());
            }
            // Read, not written: until the provider changes the PAT is the only form that serves.
            let result = self.write_all(t, &c.secrets, |_| None).await;
            self.record(
                &shared,
                &t.context,
                result.map(|()| Phase::Prepared),
                Checkpoint::Prepared,
            )
        }))
        .await
        .into_iter()
        .collect::<Result<Vec<()>>>()?;

        // Step 3.
        let mut diff = String::new();
        {
            let prepared = self
                .lock_state(&shared)?
                .clusters
                .iter()
                .all(|c| c.phase >= Phase::Prepared);
            if !prepared {
                return self.report(&shared, &suspicious, diff, false);
            }
            let written = self.lock_state(&shared)?.files_written;
            if !written {
                let state = self.lock_state(&shared)?.clone();
                let repo = FleetRepo::open(&state.repo_dir)?;
                let sources = find_sources(&repo)?;
                let decls: Vec<SourceDecl> = sources
                    .into_iter()
                    .filter(|d| {
                        state
                            .files
                            .iter()
                            .any(|f| f.path == d.path && f.kind == d.kind && f.name == d.name)
                    })
                    .collect();
                let plan = edit_plan(&repo, set_providers(&repo, &decls, GITHUB)?)?;
                diff = plan.diff();
                let n = plan.apply(&repo, false)?;
                let mut s = self.lock_state(&shared)?;
                s.files_written = true;
                self.save(&s)?;
                self.checkpoint(Checkpoint::FilesWritten);
                self.reporter.success(&format!(
                    "set provider: github in {} under {}",
                    plural(n, "file"),
                    state.repo_dir.display()
                ));
            }
        }
        if req.apply_files_only {
            return self.report(&shared, &suspicious, diff, true);
        }

        // Steps 4 and 5.
        self.reporter.waiting(&format!(
            "waiting for the provider change to reach the clusters (commit and push it; up to {}s)",
            req.timeout.as_secs()
        ));
        futures::future::join_all(targets.iter().map(|t| {
            let opts = &opts;
            let shared = &shared;
            let app_name = &app_name;
            async move {
                let Some(c) = self.cluster(shared, &t.context)? else {
                    return Ok(());
                };
                if c.phase != Phase::Prepared {
                    return Ok(());
                }
                let switched = match wait_providers(t, &c, GITHUB, opts).await {
                    Ok(None) => self
                        .write_all(t, &c.secrets, |cur| {
                            rotated_secret(cur, app_name, &auths.app, &auths.username)
                        })
                        .await
                        .map(|()| None),
                    other => other,
                };
                let verified = match switched {
                    Ok(None) => verify_fetch(t, &c, opts).await.map(|()| None),
                    other => other,
                };
                match verified {
                    Ok(None) => self.record(shared, &t.context, Ok(Phase::Verified), Checkpoint::Verified),
                    Ok(Some(waiting)) => {
                        let mut s = self.lock_state(shared)?;
                        s.note(&t.context, Some(waiting));
                        self.save(&s)
                    }
                    Err(e) => self.record(shared, &t.context, Err(e), Checkpoint::Verified),
                }
            }
        }))
        .await
        .into_iter()
        .collect::<Result<Vec<()>>>()?;

        // Verified clusters: the App form confirmed (written in step 4; a write only for a state
        // left by an older run), then done.
        futures::future::join_all(targets.iter().map(|t| async {
            let Some(c) = self.cluster(&shared, &t.context)? else {
                return Ok(());
            };
            if c.phase != Phase::Verified {
                return Ok(());
            }
            let result = self
                .write_all(t, &c.secrets, |cur| {
                    rotated_secret(cur, &app_name, &auths.app, &auths.username)
                })
                .await;
            self.record(
                &shared,
                &t.context,
                result.map(|()| Phase::Done),
                Checkpoint::Done,
            )
        }))
        .await
        .into_iter()
        .collect::<Result<Vec<()>>>()?;

        // Step 6.
        let complete = self.lock_state(&shared)?.all_in(Phase::Done);
        if complete {
            self.migrations.clear(self.name)?;
            self.checkpoint(Checkpoint::StateCleared);
        }
        self.report(&shared, &suspicious, diff, false)
    }

    /// Puts the PAT back on every cluster of the migration.
    async fn rollback(
        &self,
        req: &MigrateRequest,
        mut state: MigrationState,
        auths: &Auths,
        targets: &[KubeTarget],
    ) -> Result<MigrationReport> {
        let opts = self.options(req, auths);
        let opts = &opts;
        let state_app = state.app.clone();
        let state_app = &state_app;
        if state.operation != MigrationOp::Rollback {
            state.operation = MigrationOp::Rollback;
            self.save(&state)?;
        }
        self.reporter.action(&format!(
            "rolling back the migration of '{}' to '{}'",
            self.name, state.app
        ));
        let shared = Mutex::new(state);
        futures::future::join_all(targets.iter().map(|t| async {
            let Some(c) = self.cluster(&shared, &t.context)? else {
                return Ok(());
            };
            if c.phase == Phase::RolledBack {
                return Ok(());
            }
            let result = async {
                match wait_providers(t, &c, GENERIC, opts).await? {
                    None => {
                        self.write_all(t, &c.secrets, |cur| {
                            rotated_secret(cur, self.name, &auths.pat, &auths.username)
                        })
                        .await?;
                        Ok::<_, Error>(None)
                    }
                    // The App is the only form that serves `github`: kept (or put back, when the
                    // push landed with no run waiting for it) until the revert lands.
                    Some(waiting) => {
                        let keys: Vec<ObjectKey> = c.git_repositories.iter().map(|r| r.key.clone()).collect();
                        let providers = repo_providers(t, &keys).await?;
                        if providers.iter().all(|(_, p)| p.as_deref() == Some(GITHUB)) {
                            self.write_all(t, &c.secrets, |cur| {
                                rotated_secret(cur, state_app, &auths.app, &auths.username)
                            })
                            .await?;
                        }
                        Ok(Some(waiting))
                    }
                }
            }
            .await;
            let mut s = self.lock_state(&shared)?;
            match result {
                Ok(None) => {
                    s.mark(&t.context, Phase::RolledBack, None);
                    self.save(&s)?;
                    self.checkpoint(Checkpoint::RolledBack(t.context.clone()));
                }
                Ok(Some(waiting)) => {
                    s.note(&t.context, Some(waiting));
                    self.save(&s)?;
                }
                Err(e) => {
                    s.note(&t.context, Some(error_chain(&e)));
                    self.save(&s)?;
                }
            }
            Ok::<(), Error>(())
        }))
        .await
        .into_iter()
        .collect::<Result<Vec<()>>>()?;
        let complete = self.lock_state(&shared)?.all_in(Phase::RolledBack);
        if complete {
            self.migrations.clear(self.name)?;
            self.checkpoint(Checkpoint::StateCleared);
        }
        self.report(&shared, &[], String::new(), false)
    }

    fn lock_state<'s>(
        &self,
        shared: &'s Mutex<MigrationState>,
    ) -> Result<std::sync::MutexGuard<'s, MigrationState>> {
        shared
            .lock()
            .map_err(|_| Error::Internal("the migration state lock was poisoned".into()))
    }

    fn cluster(&self, shared: &Mutex<MigrationState>, context: &str) -> Result<Option<MigrationCluster>> {
        Ok(self
            .lock_state(shared)?
            .clusters
            .iter()
            .find(|c| c.context == context)
            .cloned())
    }

    /// Records a cluster's step in the state (durable before the checkpoint line).
    fn record(
        &self,
        shared: &Mutex<MigrationState>,
        context: &str,
        result: Result<Phase>,
        step: fn(String) -> Checkpoint,
    ) -> Result<()> {
        let mut s = self.lock_state(shared)?;
        match result {
            Ok(phase) => {
                s.mark(context, phase, None);
                self.save(&s)?;
                self.checkpoint(step(context.to_string()));
            }
            Err(e) => {
                let message = error_chain(&e);
                self.reporter.failure(&format!("{context}: {message}"));
                s.note(context, Some(message));
                self.save(&s)?;
            }
        }
        Ok(())
    }

    /// Rewrites every Secret with `build` (conditional writes; a Secret gone since is skipped).
    async fn write_all<F>(&self, target: &KubeTarget, secrets: &[ObjectKey], build: F) -> Result<()>
    where
        F: Fn(&k8s_openapi::api::core::v1::Secret) -> Option<k8s_openapi::api::core::v1::Secret>,
    {
        for key in secrets {
            update_secret(target, &key.namespace, &key.name, &build).await?;
        }
        Ok(())
    }

    fn report(
        &self,
        shared: &Mutex<MigrationState>,
        suspicious: &[(String, Vec<SuspiciousSecret>)],
        diff: String,
        awaiting_push: bool,
    ) -> Result<MigrationReport> {
        let state = self.lock_state(shared)?.clone();
        let mut report = report_of(&state, suspicious, diff);
        report.awaiting_push = awaiting_push;
        report.complete = match state.operation {
            MigrationOp::Migrate => state.all_in(Phase::Done),
            MigrationOp::Rollback => state.all_in(Phase::RolledBack),
        };
        report.next = next_steps(&state, &report);
        Ok(report)
    }
}

fn report_of(
    state: &MigrationState,
    suspicious: &[(String, Vec<SuspiciousSecret>)],
    diff: String,
) -> MigrationReport {
    MigrationReport {
        credential: state.credential.clone(),
        app: state.app.clone(),
        operation: state.operation,
        planned_only: false,
        files: state.files.clone(),
        files_written: state.files_written,
        diff,
        clusters: state
            .clusters
            .iter()
            .map(|c| ClusterMigration {
                context: c.context.clone(),
                phase: c.phase,
                secrets: c.secrets.clone(),
                suspicious: suspicious
                    .iter()
                    .find(|(ctx, _)| ctx == &c.context)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default(),
                git_repositories: c.git_repositories.clone(),
                message: c.message.clone(),
            })
            .collect(),
        complete: false,
        awaiting_push: false,
        next: Vec::new(),
    }
}

/// What the user does next, in order.
fn next_steps(state: &MigrationState, report: &MigrationReport) -> Vec<String> {
    let (pat, app) = (&state.credential, &state.app);
    let files: Vec<String> = state.files.iter().map(|f| f.path.display().to_string()).collect();
    let mut files = files;
    files.dedup();
    match state.operation {
        MigrationOp::Migrate if report.complete => vec![format!(
            "no selected cluster uses '{pat}' any more: revoke the token in GitHub, then remove it from the keyring with 'kubectl fleet token delete {pat}'"
        )],
        MigrationOp::Migrate
            if report.awaiting_push || state.clusters.iter().any(|c| c.phase == Phase::Prepared) =>
        {
            vec![
                format!(
                    "commit and push the provider change in {} (the Secrets keep the PAT until it lands)",
                    files.join(", ")
                ),
                format!("then run 'kubectl fleet token migrate {pat} --to {app} --resume'"),
            ]
        }
        MigrationOp::Migrate => vec![format!(
            "fix what failed, then 'kubectl fleet token migrate {pat} --to {app} --resume' (or --rollback)"
        )],
        MigrationOp::Rollback if report.complete && state.files_written => vec![format!(
            "'{pat}' is back on every cluster: revert the provider change in {} under {} (git checkout if not committed, git revert if pushed)",
            files.join(", "),
            state.repo_dir.display()
        )],
        MigrationOp::Rollback if report.complete => vec![format!("'{pat}' is back on every cluster")],
        MigrationOp::Rollback => vec![format!(
            "fix what failed, then run 'kubectl fleet token migrate {pat} --to {app} --rollback' again"
        )],
    }
}

/// For each cluster GitRepository, the document that declares it; refuses a GitRepository no
/// file declares, and a shared file (outside every cluster directory) when a cluster that
/// applies it is not being migrated.
fn declaring(
    name: &str,
    repo: &FleetRepo,
    sources: &[SourceDecl],
    rows: &[(MigrationCluster, Vec<SuspiciousSecret>, String)],
    contexts: &[String],
) -> Result<Vec<SourceDecl>> {
    let mut chosen: Vec<SourceDecl> = Vec::new();
    let mut undeclared = Vec::new();
    for (c, _, flux_ns) in rows {
        let cluster_dir = clusters::cluster_for_context(repo, &c.context);
        for r in &c.git_repositories {
            let matches: Vec<&SourceDecl> = sources
                .iter()
                .filter(|d| d.cluster.is_none() || d.cluster == cluster_dir)
                .filter(|d| d.secret == r.secret)
                .filter(|d| match d.kind {
                    SourceKind::GitRepository => {
                        d.name == r.key.name && d.namespace.as_ref().is_none_or(|n| n == &r.key.namespace)
                    }
                    SourceKind::FluxInstance => {
                        &r.key.namespace == d.namespace.as_ref().unwrap_or(flux_ns)
                            && r.key.namespace == *flux_ns
                    }
                })
                .collect();
            if matches.is_empty() {
                undeclared.push(format!(
                    "{}: GitRepository {} (Secret {})",
                    c.context, r.key, r.secret
                ));
            }
            for d in matches {
                if !chosen.contains(d) {
                    chosen.push(d.clone());
                }
            }
        }
    }
    if !undeclared.is_empty() {
        return Err(CredentialError::MigrationRefused {
            name: name.into(),
            reason: format!(
                "no file under {} declares {}: its provider can only change in git (patched on the cluster, Flux reverts it); \
                 pass --repo-dir with the fleet repository that declares it",
                repo.root().display(),
                undeclared.join(", ")
            ),
        }
        .into());
    }
    let uncovered: Vec<String> = clusters::cluster_paths(repo)
        .into_iter()
        .filter(|p| {
            !contexts
                .iter()
                .any(|c| clusters::cluster_for_context(repo, c).as_deref() == Some(p))
        })
        .collect();
    let shared: Vec<String> = chosen
        .iter()
        .filter(|d| d.cluster.is_none())
        .map(|d| d.path.display().to_string())
        .collect();
    if !uncovered.is_empty() && !shared.is_empty() {
        return Err(CredentialError::MigrationRefused {
            name: name.into(),
            reason: format!(
                "{} outside every cluster directory would switch clusters that are not being migrated too ({}): \
                 migrate every cluster at once (--all-contexts or one --context each)",
                shared.join(", "),
                uncovered.join(", ")
            ),
        }
        .into());
    }
    chosen.sort_by(|a, b| (&a.path, a.document).cmp(&(&b.path, b.document)));
    Ok(chosen)
}

/// Waits (up to `opts.timeout`) until every GitRepository of the cluster says `provider: want`
/// (no provider is `generic`); `Some(what is still waited for)` when the time ran out.
async fn wait_providers(
    target: &KubeTarget,
    c: &MigrationCluster,
    want: &str,
    opts: &RotateOptions,
) -> Result<Option<String>> {
    let keys: Vec<ObjectKey> = c.git_repositories.iter().map(|r| r.key.clone()).collect();
    let pending = std::sync::Mutex::new(Vec::<String>::new());
    let failure = std::sync::Mutex::new(None::<KubeError>);
    let outcome = wait_until(
        opts.timeout,
        opts.interval,
        || async {
            match repo_providers(target, &keys).await {
                Ok(providers) => {
                    let waiting: Vec<String> = providers
                        .iter()
                        .filter(|(_, p)| p.as_deref().unwrap_or(GENERIC) != want)
                        .map(|(k, _)| k.to_string())
                        .collect();
                    if waiting.is_empty() {
                        std::ops::ControlFlow::Break(())
                    } else {
                        let msg = format!("GitRepository {} not at provider: {want} yet", waiting.join(", "));
                        if let Ok(mut p) = pending.lock() {
                            *p = waiting;
                        }
                        std::ops::ControlFlow::Continue(msg)
                    }
                }
                Err(e) => {
                    if let Ok(mut f) = failure.lock() {
                        *f = Some(e);
                    }
                    std::ops::ControlFlow::Break(())
                }
            }
        },
        |_| {},
    )
    .await;
    if let Some(e) = failure.lock().ok().and_then(|mut f| f.take()) {
        return Err(e.into());
    }
    if let WaitOutcome::TimedOut(_) = outcome {
        let waiting = pending.lock().map(|p| p.join(", ")).unwrap_or_default();
        return Ok(Some(format!(
            "waiting for the push: GitRepository {waiting} does not say provider: {want} yet"
        )));
    }
    Ok(None)
}

/// Requests reconciliation of the cluster's GitRepositories and waits until each handled it and
/// is Ready: it fetched with what its Secret now holds.
async fn verify_fetch(target: &KubeTarget, c: &MigrationCluster, opts: &RotateOptions) -> Result<()> {
    let active: Vec<RepoTarget> = c
        .git_repositories
        .iter()
        .filter(|r| !r.suspended)
        .map(|r| RepoTarget {
            key: r.key.clone(),
            secret: r.secret.clone(),
            suspended: false,
        })
        .collect();
    if active.is_empty() {
        return Ok(());
    }
    request_reconcile(target, &active, &opts.requested_at).await?;
    let states = wait_fetched(target, &active, opts, &|_| {}).await?;
    let failures: Vec<String> = states
        .iter()
        .filter(|(_, s, _)| *s != RepoState::Ready)
        .map(|(k, s, m)| {
            let what = if *s == RepoState::TimedOut {
                "did not fetch in time"
            } else {
                "failed to fetch"
            };
            format!(
                "GitRepository {k} {what} with the App{}",
                m.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
            )
        })
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CredentialError::FetchFailed {
            written: format!("the App form is in {}", plural(c.secrets.len(), "Secret")),
            failures: failures.join("; "),
        }
        .into())
    }
}
