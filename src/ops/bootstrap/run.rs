//! `bootstrap CLUSTER…`: every input validated, then every cluster's preflight, then the steps on
//! the clusters that passed.

use std::{
    collections::BTreeMap,
    future::Future,
    path::PathBuf,
    sync::{Arc, OnceLock},
    time::Instant,
};

use serde::Serialize;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::{
    super::{
        DEFAULT_CONCURRENCY, Runner, Step, TargetReport, exit_status,
        secret::{self, ClusterSecrets, PreparedSecrets},
    },
    dedupe,
};
use crate::{
    bootstrap::{
        BootstrapError, ClusterDir, ClusterLayout,
        apply::{self, Credentials, Options, StepReporter},
        clusterdir,
        fleet::{self, SecretForm, TokenSources},
        operator::{self, OperatorManifest},
        preflight::{self, Preflight},
    },
    credentials::{MetaStore, SecretStore, rotation::lock_credentials},
    error::{Error, ExitStatus, Result, error_chain},
    kube::{ClientOptions, KubeTarget, LoadedKubeconfig},
    manifests::{
        kustomize::{Kustomize, LazyKustomize},
        yaml,
    },
    output::{Level, Reporter, plural},
    repo::FleetRepo,
    sops::Sops,
};

/// Which cluster directories to bootstrap.
#[derive(Clone, Debug)]
pub enum ClusterDirs {
    /// `--all`: every directory under `clusters/`.
    All,
    /// The clusters named on the command line, in order (duplicates are dropped).
    Named(Vec<String>),
}

/// `bootstrap CLUSTER…`: what to do.
pub struct BootstrapRequest {
    /// The fleet repository checkout.
    pub repo: FleetRepo,
    /// The clusters.
    pub clusters: ClusterDirs,
    /// `--context` values (`CLUSTER=CONTEXT`, or a bare context for one cluster).
    pub contexts: Vec<String>,
    /// The kubeconfig.
    pub kubeconfig: LoadedKubeconfig,
    /// Client timeouts.
    pub client: ClientOptions,
    /// Where the tokens come from.
    pub tokens: TokenSources,
    /// `--operator-manifest FILE|URL`.
    pub operator_manifest: String,
    /// Step options.
    pub options: Options,
    /// `--dry-run`: preflight, then plan instead of applying.
    pub dry_run: bool,
    /// `--kubectl PATH`: the kubectl whose kustomize builds classic `flux-system/` directories
    /// (default `$KUBECTL`, then `PATH`).
    pub kubectl: Option<PathBuf>,
    /// `--sops PATH`: decrypts clusters' secrets files (default `$SOPS`, then `PATH`).
    pub sops: Option<PathBuf>,
    /// keos fleets: `--install-flux` and the SOPS key.
    pub keos: super::KeosOptions,
    /// `--insecure-http`: the sync may fetch over plain http with the token.
    pub insecure_http: bool,
}

/// The result of one cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ClusterResult {
    /// Bootstrapped and Ready.
    Ready,
    /// Bootstrapped without waiting.
    Applied,
    /// Preflight passed; nothing applied (`--dry-run`).
    Planned,
    /// Failed (preflight or a step).
    Failed,
}

/// What each step did on a cluster (`-` for a step that did nothing or did not run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Steps {
    /// The operator step, e.g. `v0.58.1 installed`.
    pub operator: String,
    /// The Secrets step, e.g. `2 created`.
    pub secrets: String,
    /// The FluxInstance (or classic manifests) step.
    pub flux: String,
}

impl Steps {
    pub(super) fn none() -> Self {
        Steps {
            operator: "-".into(),
            secrets: "-".into(),
            flux: "-".into(),
        }
    }

    pub(super) fn of(out: &apply::Outcome) -> Self {
        let dash = |s: &str| {
            if s.is_empty() {
                "-".to_string()
            } else {
                s.to_string()
            }
        };
        Steps {
            operator: dash(&out.operator),
            secrets: dash(&out.secrets),
            flux: dash(&out.flux),
        }
    }
}

/// What a cluster that passed preflight got.
#[derive(Clone, Debug)]
pub struct ClusterRun {
    /// Ready, Applied or Planned.
    pub result: ClusterResult,
    /// What each step did.
    pub steps: Steps,
    /// The Ready message or revision, or why nothing was applied.
    pub message: String,
    /// `--dry-run`: what would be applied (YAML with comments, Secrets redacted).
    pub plan: Option<String>,
}

/// One row of the summary: a cluster's report with its context and steps.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterReport {
    /// Cluster directory.
    pub cluster: String,
    /// Kube context.
    pub context: String,
    /// Outcome.
    pub result: ClusterResult,
    /// Operator step.
    pub operator: String,
    /// Secrets step.
    pub secrets: String,
    /// FluxInstance / classic manifests step.
    pub flux: String,
    /// Ready message, revision, or the failure.
    pub message: String,
    /// Wall time of this cluster (preflight included), in seconds.
    pub seconds: f64,
}

impl ClusterReport {
    /// Whether this cluster failed.
    pub fn failed(&self) -> bool {
        self.result == ClusterResult::Failed
    }
}

/// What a fleet bootstrap did.
#[derive(Debug)]
pub struct BootstrapOutcome {
    /// One report per cluster, in the order given (duplicates dropped).
    pub reports: Vec<TargetReport<ClusterRun>>,
    /// The kube context of every cluster.
    pub contexts: BTreeMap<String, String>,
    /// What was done on a cluster before one of its steps failed.
    pub partial: BTreeMap<String, Steps>,
}

impl BootstrapOutcome {
    /// The summary rows, in cluster order.
    pub fn rows(&self) -> Vec<ClusterReport> {
        self.reports
            .iter()
            .map(|r| {
                let context = self.contexts.get(&r.target).cloned().unwrap_or_default();
                let (result, steps, message) = match &r.outcome {
                    Ok(run) => (run.result, run.steps.clone(), run.message.clone()),
                    Err(e) => (
                        ClusterResult::Failed,
                        self.partial.get(&r.target).cloned().unwrap_or_else(Steps::none),
                        e.message.clone(),
                    ),
                };
                ClusterReport {
                    cluster: r.target.clone(),
                    context,
                    result,
                    operator: steps.operator,
                    secrets: steps.secrets,
                    flux: steps.flux,
                    message,
                    seconds: r.seconds,
                }
            })
            .collect()
    }

    /// `--dry-run` plans, in cluster order.
    pub fn plans(&self) -> Vec<&str> {
        self.reports
            .iter()
            .filter_map(|r| r.ok().and_then(|run| run.plan.as_deref()))
            .collect()
    }

    /// How many clusters failed.
    pub fn failed(&self) -> usize {
        self.reports.iter().filter(|r| r.is_failed()).count()
    }

    /// 0, or 1 when any cluster failed.
    pub fn exit_status(&self) -> ExitStatus {
        exit_status(&self.reports)
    }
}

/// The cluster directories selected: `--all`, or the names given (at least one, in order,
/// duplicates dropped).
pub(super) fn select(repo: &FleetRepo, selection: ClusterDirs) -> Result<Vec<String>> {
    match selection {
        ClusterDirs::All => {
            let all = clusterdir::cluster_names(repo);
            if all.is_empty() {
                return Err(Error::Usage(format!(
                    "no cluster directories under {}",
                    repo.path("clusters").display()
                )));
            }
            Ok(all)
        }
        ClusterDirs::Named(names) if names.is_empty() => Err(Error::Usage(
            "name the clusters to bootstrap (e.g. kubectl fleet bootstrap staging prod-eu), or pass --all; \
             see kubectl fleet bootstrap --help"
                .into(),
        )),
        ClusterDirs::Named(names) => {
            // A name is a path under clusters/: `.` or `..` would be the fleet itself or outside it.
            for name in &names {
                crate::repo::names::cluster_path("cluster", name)?;
            }
            Ok(dedupe(names))
        }
    }
}

/// One cluster of the run, as loaded and mapped before anything is contacted.
struct Target {
    cluster: String,
    context: String,
    dir: Arc<ClusterDir>,
    kube: KubeTarget,
    /// Its secrets files (`clusters/<c>/secrets/`), checked and decrypted in memory.
    files: Option<Arc<PreparedSecrets>>,
}

/// A cluster's read-only checks: bootstrap's, and the diff of its secrets files.
#[derive(Clone)]
struct ClusterPreflight {
    checks: Preflight,
    files: Option<ClusterSecrets>,
}

/// Checks and decrypts every selected cluster's secrets files (seed 004's "secrets and namespaces
/// outside the flows"), before any cluster is contacted: a plaintext Secret, a file sops cannot
/// decrypt or a Secret without a namespace stops the whole run (exit 2).
fn prepare_secrets(
    repo: &FleetRepo,
    clusters: &[String],
    sops_path: Option<&std::path::Path>,
    reporter: &dyn Reporter,
) -> Result<Vec<Option<Arc<PreparedSecrets>>>> {
    let mut sops: Option<Sops> = None;
    let mut out = Vec::new();
    for c in clusters {
        if !secret::has_secrets(repo, c)? {
            out.push(None);
            continue;
        }
        let sops = match &mut sops {
            Some(s) => &*s,
            slot => {
                let found = Sops::locate(sops_path)?;
                reporter.debug(&format!("sops {} at {}", found.version(), found.path().display()));
                &*slot.insert(found)
            }
        };
        out.push(Some(Arc::new(secret::prepare(repo, None, sops, c)?)));
    }
    Ok(out)
}

/// `files: 2 created, 1 unchanged`: what applying (or planning) a cluster's secrets files does.
fn files_summary(c: &ClusterSecrets) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for change in &c.changes {
        match counts.iter_mut().find(|(r, _)| *r == change.result) {
            Some((_, n)) => *n += 1,
            None => counts.push((change.result.clone(), 1)),
        }
    }
    let parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    format!("files: {}", parts.join(", "))
}

/// Bootstraps Flux on the selected clusters of a d1 fleet: every input validated, then every
/// cluster's preflight, then the steps (or, with `--dry-run`, the plan) on the clusters that
/// passed. Tokens come from `store` (keyring credentials) with the usernames stored in `metas`.
/// keos fleets are dispatched by the parent module's public `bootstrap`; the keos procedure builds
/// on this module's selection and per-cluster runner, so the dependency only goes that way.
pub(super) async fn bootstrap(
    req: BootstrapRequest,
    store: &dyn SecretStore,
    metas: Option<&MetaStore>,
    reporter: &dyn Reporter,
) -> Result<BootstrapOutcome> {
    let clusters = select(&req.repo, req.clusters.clone())?;
    let kustomize = LazyKustomize::new(req.kubectl.clone());
    let mut dirs = Vec::new();
    for c in &clusters {
        dirs.push(clusterdir::load(&req.repo, c, &kustomize, req.insecure_http)?);
    }
    if let Some(warning) = kustomize.located().and_then(Kustomize::warning) {
        reporter.warn(&warning);
    }
    let mapping = fleet::map_contexts(&clusters, &req.contexts, &req.kubeconfig)?;
    // Nothing may write a credential while a rotation replaces it: the locks are held until every
    // cluster is done, and taken before the tokens are read (a --dry-run writes none).
    let _locks = if req.dry_run {
        Vec::new()
    } else {
        lock_credentials(metas, req.tokens.credential_names())?
    };
    let credentials = Arc::new(req.tokens.read(store, metas)?);
    credentials.check_username(req.options.username.as_deref())?;
    for dir in &dirs {
        fleet::check_providers(&req.repo, dir, &credentials)?;
    }
    let files = prepare_secrets(&req.repo, &clusters, req.sops.as_deref(), reporter)?;
    let manifest = if dirs.iter().any(|d| d.layout == ClusterLayout::D1) {
        Some(Arc::new(operator::load(&req.operator_manifest).await?))
    } else {
        None
    };
    for dir in &dirs {
        for w in &dir.warnings {
            reporter.warn(w);
        }
    }

    let began = Instant::now();
    let mut targets = Vec::new();
    for (((cluster, context), dir), files) in mapping.into_iter().zip(dirs).zip(files) {
        let kube = req.kubeconfig.target(&context, req.client).await?;
        targets.push(Target {
            cluster,
            context,
            dir: Arc::new(dir),
            kube,
            files,
        });
    }
    reporter.debug(&format!(
        "clients for {} contexts built in {:?}",
        targets.len(),
        began.elapsed()
    ));
    announce(&req, &targets, manifest.as_deref(), &credentials, reporter);

    // Phase 1: every cluster's preflight, before any change anywhere.
    let items = targets
        .iter()
        .map(|t| {
            let job = PreflightJob {
                kube: t.kube.clone(),
                dir: t.dir.clone(),
                manifest: manifest.clone(),
                secrets: fleet::secret_forms(&req.repo, &t.dir, &credentials),
                files: t.files.clone(),
            };
            (t.cluster.clone(), job)
        })
        .collect();
    let preflights = run_clusters(reporter, items, preflight_one, |_| "preflight passed".into()).await;
    reporter.debug(&format!(
        "preflight of every cluster done after {:?}",
        began.elapsed()
    ));

    // Phase 2: the steps (or the plan) on the clusters that passed.
    let options = Arc::new(req.options.clone());
    let partial: Arc<BTreeMap<String, OnceLock<Steps>>> = Arc::new(
        targets
            .iter()
            .map(|t| (t.cluster.clone(), OnceLock::new()))
            .collect(),
    );
    let items = targets
        .iter()
        .zip(&preflights)
        .filter_map(|(t, p)| {
            let preflight = p.ok()?.clone();
            let job = ApplyJob {
                cluster: t.cluster.clone(),
                context: t.context.clone(),
                kube: t.kube.clone(),
                dir: t.dir.clone(),
                preflight,
                files: t.files.clone(),
                manifest: manifest.clone(),
                credentials: credentials.clone(),
                options: options.clone(),
                dry_run: req.dry_run,
                partial: partial.clone(),
            };
            Some((t.cluster.clone(), job))
        })
        .collect();
    let applied = run_clusters(reporter, items, apply_one, |run: &ClusterRun| {
        format!("{:?}: {}", run.result, run.message)
    })
    .await;
    reporter.debug(&format!("every cluster done after {:?}", began.elapsed()));

    let reports = merge_reports(preflights, applied);
    let partial = partial
        .iter()
        .filter_map(|(cluster, done)| done.get().map(|s| (cluster.clone(), s.clone())))
        .collect();
    Ok(BootstrapOutcome {
        reports,
        contexts: targets.into_iter().map(|t| (t.cluster, t.context)).collect(),
        partial,
    })
}

/// Tells the user what is about to happen: the repository, each cluster's directory, layout and
/// context, the operator release, and repositories that read the same git Secret.
fn announce(
    req: &BootstrapRequest,
    targets: &[Target],
    manifest: Option<&OperatorManifest>,
    credentials: &Credentials,
    reporter: &dyn Reporter,
) {
    reporter.action(&format!(
        "bootstrapping {} from {}",
        plural(targets.len(), "cluster"),
        std::fs::canonicalize(req.repo.root())
            .unwrap_or_else(|_| req.repo.root().to_path_buf())
            .display()
    ));
    for t in targets {
        reporter.note(&format!(
            "  {} ({}) → context {} at {}",
            t.dir.path.display(),
            t.dir.layout.name(),
            t.context,
            t.kube.server
        ));
    }
    if let Some(m) = manifest {
        reporter.note(&format!("  Flux Operator {} from {}", m.version, m.origin));
    }
    if credentials.fleet.is_some() {
        let mut secrets: Vec<&str> = targets
            .iter()
            .filter_map(|t| t.dir.pull_secret.as_deref())
            .collect();
        secrets.sort();
        secrets.dedup();
        for s in secrets {
            for (name, url) in fleet::secret_reusers(&req.repo, s) {
                reporter.warn(&format!(
                    "GitRepository {name} ({url}) also reads Secret {s}: the fleet token must be allowed to read \
                     that repository too (and to push to it where image automation runs)"
                ));
            }
        }
    }
}

/// One cluster's preflight, owned so it runs on its own task.
struct PreflightJob {
    kube: KubeTarget,
    dir: Arc<ClusterDir>,
    manifest: Option<Arc<OperatorManifest>>,
    secrets: Vec<SecretForm>,
    files: Option<Arc<PreparedSecrets>>,
}

async fn preflight_one(job: PreflightJob, log: ClusterLog) -> Result<ClusterPreflight> {
    log.step("preflight: version, permissions, current state");
    let checks = preflight::check(&job.kube, &job.dir, job.manifest.as_deref(), &job.secrets)
        .await
        .map_err(|e| log.failed(BootstrapError::Preflight(Box::new(e)).into()))?;
    let files = match &job.files {
        Some(prepared) => {
            log.step("preflight: secrets files");
            // Bootstrap creates the Flux namespace before applying them.
            let created = [job.dir.namespace.clone()];
            Some(
                secret::preflight_prepared_in(&job.kube, prepared, &created)
                    .await
                    .map_err(|e| log.failed(e))?,
            )
        }
        None => None,
    };
    Ok(ClusterPreflight { checks, files })
}

/// One cluster's steps, owned so they run on their own task.
struct ApplyJob {
    cluster: String,
    context: String,
    kube: KubeTarget,
    dir: Arc<ClusterDir>,
    preflight: ClusterPreflight,
    files: Option<Arc<PreparedSecrets>>,
    manifest: Option<Arc<OperatorManifest>>,
    credentials: Arc<Credentials>,
    options: Arc<Options>,
    dry_run: bool,
    partial: Arc<BTreeMap<String, OnceLock<Steps>>>,
}

async fn apply_one(job: ApplyJob, log: ClusterLog) -> Result<ClusterRun> {
    if job.dry_run {
        let mut plan = fleet::dry_run_plan(
            &job.cluster,
            &job.context,
            &job.dir,
            &job.preflight.checks,
            job.manifest.as_deref(),
            &job.credentials,
            job.options.username.as_deref(),
        )
        .map_err(|e| log.failed(e))?;
        if let (Some(prepared), Some(planned)) = (&job.files, &job.preflight.files) {
            plan.push_str(&format!(
                "---\n# secrets files of {} ({}), values redacted\n",
                job.cluster,
                files_summary(planned)
            ));
            plan.push_str(
                &yaml::to_multi_doc(&prepared.redacted(), "the secrets plan")
                    .map_err(|e| log.failed(e.into()))?,
            );
        }
        let run = ClusterRun {
            result: ClusterResult::Planned,
            steps: Steps::none(),
            message: "preflight passed; nothing applied (--dry-run)".into(),
            plan: Some(plan),
        };
        log.succeeded(&run.message);
        return Ok(run);
    }
    // Secrets and namespaces outside the flows first, so they exist when Flux starts syncing.
    let mut files_done = None;
    if let (Some(prepared), Some(planned)) = (&job.files, &job.preflight.files) {
        log.step(&format!("ensuring namespace {}", job.dir.namespace));
        apply::ensure_namespace(&job.kube, &job.dir.namespace)
            .await
            .map_err(|e| log.failed(e.into()))?;
        log.step(&format!(
            "applying secrets files ({})",
            plural(planned.changes.len(), "object")
        ));
        let applied = secret::apply_prepared(&job.kube, prepared, planned)
            .await
            .map_err(|e| log.failed(e))?;
        files_done = Some(files_summary(&applied));
    }
    let with_files = |mut steps: Steps| {
        if let Some(f) = &files_done {
            steps.secrets = if steps.secrets == "-" {
                f.clone()
            } else {
                format!("{}; {f}", steps.secrets)
            };
        }
        steps
    };
    match apply::bootstrap(
        &job.kube,
        &job.dir,
        &job.preflight.checks,
        job.manifest.as_deref(),
        &job.credentials,
        &job.options,
        &log,
    )
    .await
    {
        Ok(out) => {
            let run = ClusterRun {
                result: if out.ready {
                    ClusterResult::Ready
                } else {
                    ClusterResult::Applied
                },
                steps: with_files(Steps::of(&out)),
                message: out.message,
                plan: None,
            };
            log.succeeded(&format!("{:?}: {}", run.result, run.message));
            Ok(run)
        }
        Err(e) => {
            if let Some(slot) = job.partial.get(&job.cluster) {
                // Set once: this is the cluster's only task.
                let _ = slot.set(with_files(Steps::of(&e.partial)));
            }
            Err(log.failed(BootstrapError::Step(Box::new(e)).into()))
        }
    }
}

/// One cluster's progress: its bar when bars are drawn, otherwise status lines naming the
/// cluster. Cluster tasks cannot borrow the reporter, so lines travel over a channel that
/// [`run_clusters`] forwards to it.
#[derive(Clone)]
pub(super) struct ClusterLog {
    cluster: String,
    step: Step,
    lines: Option<UnboundedSender<(Level, String)>>,
}

impl ClusterLog {
    fn line(&self, level: Level, msg: &str) {
        if let Some(tx) = &self.lines {
            // The receiver lives until every task is done; a failed send loses one status line.
            let _ = tx.send((level, format!("{}: {msg}", self.cluster)));
        }
    }

    /// The cluster finished (the runner finishes its bar).
    pub(super) fn succeeded(&self, msg: &str) {
        self.line(Level::Success, msg);
    }

    /// The cluster failed with `error` (the runner finishes its bar); returns the error.
    pub(super) fn failed(&self, error: Error) -> Error {
        self.line(Level::Failure, &error_chain(&error));
        error
    }
}

impl StepReporter for ClusterLog {
    fn step(&self, msg: &str) {
        match &self.lines {
            Some(_) => self.line(Level::Action, msg),
            None => self.step.set(msg.to_string()),
        }
    }

    fn done(&self, msg: &str) {
        match &self.lines {
            Some(_) => self.line(Level::Success, msg),
            None => self.step.set(msg.to_string()),
        }
    }

    fn waiting(&self, msg: &str) {
        match &self.lines {
            Some(_) => self.line(Level::Waiting, msg),
            None => self.step.set(format!("waiting: {msg}")),
        }
    }
}

/// Runs `work` for every cluster through the [`Runner`], each on its own task, forwarding the
/// status lines the tasks send to `reporter` as they come.
pub(super) async fn run_clusters<I, T, F, Fut, S>(
    reporter: &dyn Reporter,
    items: Vec<(String, I)>,
    work: F,
    summary: S,
) -> Vec<TargetReport<T>>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I, ClusterLog) -> Fut,
    Fut: Future<Output = Result<T>> + Send + 'static,
    S: Fn(&T) -> String,
{
    let bars = reporter.progress().enabled();
    let (tx, mut rx) = unbounded_channel();
    let items = items
        .into_iter()
        .map(|(cluster, item)| (cluster.clone(), (cluster, item)))
        .collect();
    let runner = Runner::new(reporter, DEFAULT_CONCURRENCY).reported_by_caller();
    let run = runner.spawn(
        items,
        move |(cluster, item), step| {
            let log = ClusterLog {
                cluster,
                step,
                lines: (!bars).then(|| tx.clone()),
            };
            work(item, log)
        },
        summary,
    );
    // The senders are dropped when the run is done, which ends the forwarding.
    let forward = async {
        while let Some((level, msg)) = rx.recv().await {
            reporter.line(level, &msg);
        }
    };
    let (reports, ()) = tokio::join!(run, forward);
    reports
}

/// One report per cluster in preflight order: its preflight failure, or its run (timed from the
/// start of its preflight). `applied` holds the runs of the clusters that passed, in order.
pub(super) fn merge_reports<P, T>(
    preflights: Vec<TargetReport<P>>,
    applied: Vec<TargetReport<T>>,
) -> Vec<TargetReport<T>> {
    let mut applied = applied.into_iter();
    preflights
        .into_iter()
        .map(|pre| match pre.outcome {
            Err(error) => TargetReport {
                target: pre.target,
                outcome: Err(error),
                seconds: pre.seconds,
            },
            Ok(_) => match applied.next() {
                Some(run) => TargetReport {
                    target: run.target,
                    outcome: run.outcome,
                    seconds: pre.seconds + run.seconds,
                },
                None => TargetReport::failed(
                    pre.target,
                    Error::Internal("a cluster that passed preflight has no result".into()).into(),
                ),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{super::testing::fleet, *};
    use crate::{
        credentials::{MemoryStore, TokenSource},
        kube::load_kubeconfig,
        output::Recorder,
    };

    #[tokio::test]
    async fn inputs_are_validated_before_any_cluster_is_contacted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = fleet(dir.path()).await;
        let kubeconfig_path = dir.path().join("kubeconfig");
        std::fs::write(
            &kubeconfig_path,
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n\
             contexts:\n- name: staging\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user: {}\n\
             current-context: staging\n",
        )
        .expect("write kubeconfig");
        let request = |repo: FleetRepo, clusters: ClusterDirs, tokens: TokenSources| BootstrapRequest {
            repo,
            clusters,
            contexts: Vec::new(),
            kubeconfig: load_kubeconfig(Some(&kubeconfig_path)).expect("kubeconfig"),
            client: ClientOptions::default(),
            tokens,
            operator_manifest: dir.path().join("no-such-manifest.yaml").display().to_string(),
            options: Options {
                wait: false,
                timeout: std::time::Duration::from_secs(1),
                username: None,
            },
            dry_run: false,
            kubectl: None,
            sops: None,
            keos: Default::default(),
            insecure_http: false,
        };
        let recorder = Recorder::new();
        let store = MemoryStore::default();
        let metas = MetaStore::at(dir.path().join("config"));
        let run = |req| bootstrap(req, &store, Some(&metas), &recorder);

        let err = run(request(repo, ClusterDirs::Named(vec![]), TokenSources::default()))
            .await
            .unwrap_err();
        assert!(
            err.to_string().starts_with("name the clusters to bootstrap"),
            "{err}"
        );

        let repo = FleetRepo::open(dir.path()).expect("repo");
        let err = run(request(
            repo,
            ClusterDirs::Named(vec!["staging".into(), "prod-ap".into()]),
            TokenSources::default(),
        ))
        .await
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("cluster directory 'clusters/prod-ap' does not exist"),
            "{err}"
        );
        assert_eq!(err.exit_status(), ExitStatus::Usage);

        let repo = FleetRepo::open(dir.path()).expect("repo");
        let tokens = TokenSources {
            fleet: Some(TokenSource::Keyring("fleet-bot".into())),
            tenants: Vec::new(),
        };
        let err = run(request(repo, ClusterDirs::All, tokens)).await.unwrap_err();
        assert!(err.to_string().contains("fleet-bot"), "{err}");
        assert_eq!(err.exit_status(), ExitStatus::Usage);

        // The operator manifest is read last; nothing reached a cluster before.
        let repo = FleetRepo::open(dir.path()).expect("repo");
        let err = run(request(repo, ClusterDirs::All, TokenSources::default()))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no-such-manifest.yaml"), "{err}");
        assert!(recorder.lines().is_empty(), "{}", recorder.text());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unreachable_cluster_fails_its_preflight_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = fleet(dir.path()).await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let kubeconfig_path = dir.path().join("kubeconfig");
        std::fs::write(
            &kubeconfig_path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:{port}\n    \
                 insecure-skip-tls-verify: true\ncontexts:\n- name: dead\n  context:\n    cluster: c\n    user: u\n\
                 users:\n- name: u\n  user:\n    token: x\ncurrent-context: dead\n"
            ),
        )
        .expect("write kubeconfig");
        std::fs::write(
            dir.path().join("operator.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: flux-operator\n  namespace: flux-system\n  \
             labels:\n    app.kubernetes.io/version: v0.58.1\n",
        )
        .expect("write manifest");
        let recorder = Recorder::new();
        let out = bootstrap(
            BootstrapRequest {
                repo,
                clusters: ClusterDirs::Named(vec!["staging".into()]),
                contexts: vec!["staging=dead".into()],
                kubeconfig: load_kubeconfig(Some(&kubeconfig_path)).expect("kubeconfig"),
                client: ClientOptions::default(),
                tokens: TokenSources::default(),
                operator_manifest: dir.path().join("operator.yaml").display().to_string(),
                options: Options {
                    wait: false,
                    timeout: std::time::Duration::from_secs(1),
                    username: None,
                },
                dry_run: false,
                kubectl: None,
                sops: None,
                keos: Default::default(),
                insecure_http: false,
            },
            &MemoryStore::default(),
            None,
            &recorder,
        )
        .await
        .expect("runs");
        assert_eq!(out.exit_status(), ExitStatus::Failure);
        let rows = out.rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].cluster.as_str(), rows[0].context.as_str()),
            ("staging", "dead")
        );
        assert_eq!(rows[0].result, ClusterResult::Failed);
        assert_eq!(rows[0].operator, "-");
        assert!(
            rows[0].message.starts_with(&format!(
                "preflight: cluster 'dead' is unreachable at https://127.0.0.1:{port}"
            )),
            "{}",
            rows[0].message
        );
        let text = recorder.text();
        assert!(
            text.contains("Action staging: preflight: version, permissions, current state"),
            "{text}"
        );
        assert!(
            text.contains("Failure staging: preflight: cluster 'dead'"),
            "{text}"
        );
        assert!(out.plans().is_empty());
    }
}
