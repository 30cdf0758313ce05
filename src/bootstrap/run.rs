//! `bootstrap [CLUSTER…]` across the fleet: validate every input (cluster directories, contexts,
//! credentials, the operator manifest) and abort on the first invalid one before touching any
//! cluster; then preflight every cluster concurrently; then bootstrap, concurrently, only the
//! clusters that passed. One cluster failing never stops the others.

use std::{collections::BTreeMap, sync::Arc, time::Instant};

use futures::future::join_all;
use serde::Serialize;
use serde_json::Value;

use super::{
    BootstrapError,
    apply::{self, Credentials, Options, Reporter, SecretToken, TenantToken},
    clusterdir::{self, ClusterDir, ClusterLayout},
    init::validate_label,
    operator::{self, OperatorAction, OperatorManifest},
    preflight::{self, Preflight},
};
use crate::{
    credentials::{GitSecret, SecretStore, TokenSource, git_secret_object},
    error::Result,
    kube::{ClientOptions, KubeTarget, LoadedKubeconfig},
    manifests::yaml,
    output::{Printer, Progress, TableBuilder, Tone},
    repo::FleetRepo,
};

/// Where the fleet token comes from, and the tenants' tokens.
#[derive(Clone, Debug, Default)]
pub struct TokenSources {
    /// `--token NAME` / `--token-stdin` / `--token-env VAR`.
    pub fleet: Option<TokenSource>,
    /// `--tenant-token TENANT=NAME` / `--tenant-token-env TENANT=VAR`.
    pub tenants: Vec<(String, TokenSource)>,
}

impl TokenSources {
    /// Whether any source needs the OS keyring.
    pub fn needs_keyring(&self) -> bool {
        self.fleet
            .iter()
            .chain(self.tenants.iter().map(|(_, s)| s))
            .any(|s| matches!(s, TokenSource::Keyring(_)))
    }

    /// Reads every token once, before any cluster is touched. A missing credential is a usage
    /// error naming it.
    pub fn read(&self, store: &dyn SecretStore) -> Result<Credentials> {
        let read = |s: &TokenSource| -> Result<SecretToken> {
            let credential = s.credential_name().map(str::to_string);
            // The username stored with the credential (`token set --username`); an unreadable
            // index only loses this default, so it is not an error here.
            let username = credential.as_deref().and_then(|name| {
                crate::credentials::MetaStore::open()
                    .and_then(|m| m.get(name))
                    .ok()
                    .flatten()
                    .map(|m| m.username)
            });
            Ok(SecretToken {
                token: s.read(store)?,
                credential,
                username,
            })
        };
        let fleet = self.fleet.as_ref().map(read).transpose()?;
        let mut tenants = Vec::new();
        for (tenant, source) in &self.tenants {
            tenants.push(TenantToken {
                tenant: tenant.clone(),
                secret: read(source)?,
            });
        }
        Ok(Credentials { fleet, tenants })
    }
}

/// Parses `--tenant-token TENANT=VALUE`.
pub fn parse_tenant(flag: &'static str, text: &str) -> Result<(String, String), BootstrapError> {
    let (tenant, value) = text.split_once('=').ok_or_else(|| BootstrapError::InvalidFlag {
        flag,
        value: text.to_string(),
        reason: "expected TENANT=NAME, e.g. apps=apps-bot".into(),
    })?;
    validate_label(flag, tenant)?;
    if value.is_empty() {
        return Err(BootstrapError::InvalidFlag {
            flag,
            value: text.to_string(),
            reason: "the value after '=' is empty".into(),
        });
    }
    Ok((tenant.to_string(), value.to_string()))
}

/// Maps cluster directories to kube contexts: `--context CLUSTER=CONTEXT` entries, a bare
/// `--context NAME` when exactly one cluster is bootstrapped, and otherwise the context named like
/// the cluster. Every context must exist.
pub fn map_contexts(
    clusters: &[String],
    raw: &[String],
    kubeconfig: &LoadedKubeconfig,
) -> Result<Vec<(String, String)>, BootstrapError> {
    let mut explicit: BTreeMap<String, String> = BTreeMap::new();
    for r in raw {
        match r.split_once('=') {
            Some((cluster, context)) => {
                if !clusters.iter().any(|c| c == cluster) {
                    return Err(BootstrapError::InvalidFlag {
                        flag: "--context",
                        value: r.clone(),
                        reason: format!(
                            "'{cluster}' is not one of the clusters being bootstrapped ({})",
                            clusters.join(", ")
                        ),
                    });
                }
                if context.is_empty() {
                    return Err(BootstrapError::InvalidFlag {
                        flag: "--context",
                        value: r.clone(),
                        reason: "the context after '=' is empty".into(),
                    });
                }
                explicit.insert(cluster.to_string(), context.to_string());
            }
            None if clusters.len() == 1 => {
                explicit.insert(clusters[0].clone(), r.clone());
            }
            None => {
                return Err(BootstrapError::InvalidFlag {
                    flag: "--context",
                    value: r.clone(),
                    reason: "with several clusters, say which one: --context CLUSTER=CONTEXT".into(),
                });
            }
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for c in clusters {
        let context = explicit.get(c).cloned().unwrap_or_else(|| c.clone());
        if kubeconfig.require_context(&context).is_err() {
            return Err(BootstrapError::UnknownContext {
                cluster: c.clone(),
                context,
                available: kubeconfig.context_names(),
            });
        }
        // Two directories on one cluster would overwrite each other's FluxInstance.
        if let Some((other, _)) = out.iter().find(|(_, ctx)| *ctx == context) {
            return Err(BootstrapError::InvalidFlag {
                flag: "--context",
                value: format!("{c}={context}"),
                reason: format!(
                    "clusters '{other}' and '{c}' would both bootstrap context '{context}'; each cluster \
                     directory needs its own context"
                ),
            });
        }
        out.push((c.clone(), context));
    }
    Ok(out)
}

/// What the fleet run is asked to do.
pub struct Request {
    /// The fleet repository checkout.
    pub repo: FleetRepo,
    /// Cluster directory names, in order, deduplicated.
    pub clusters: Vec<String>,
    /// `--context` values.
    pub contexts: Vec<String>,
    /// The kubeconfig.
    pub kubeconfig: LoadedKubeconfig,
    /// Client timeouts.
    pub client: ClientOptions,
    /// Token sources.
    pub tokens: TokenSources,
    /// `--operator-manifest FILE|URL`.
    pub operator_manifest: String,
    /// Step options.
    pub options: Options,
    /// `--dry-run`: preflight, then print what would be applied.
    pub dry_run: bool,
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

/// One row of the summary.
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

/// Everything validated and loaded before any cluster is contacted.
pub struct Prepared {
    /// `(cluster, context, directory)`.
    pub clusters: Vec<(String, String, ClusterDir)>,
    /// The operator manifest (when a d1 cluster is among them).
    pub manifest: Option<OperatorManifest>,
    /// The tokens.
    pub credentials: Credentials,
}

/// Loads and validates every input: directories (parsed), contexts, tokens, operator manifest.
pub async fn prepare(req: &Request, store: &dyn SecretStore) -> Result<Prepared> {
    let mut dirs = Vec::new();
    for c in &req.clusters {
        dirs.push(clusterdir::load(&req.repo, c)?);
    }
    let mapping = map_contexts(&req.clusters, &req.contexts, &req.kubeconfig)?;
    let credentials = req.tokens.read(store)?;
    let manifest = if dirs.iter().any(|d| d.layout == ClusterLayout::D1) {
        Some(operator::load(&req.operator_manifest).await?)
    } else {
        None
    };
    let clusters = mapping
        .into_iter()
        .zip(dirs)
        .map(|((cluster, context), dir)| (cluster, context, dir))
        .collect();
    Ok(Prepared {
        clusters,
        manifest,
        credentials,
    })
}

fn report(cluster: &str, context: &str, start: Instant) -> ClusterReport {
    ClusterReport {
        cluster: cluster.to_string(),
        context: context.to_string(),
        result: ClusterResult::Failed,
        operator: "-".into(),
        secrets: "-".into(),
        flux: "-".into(),
        message: String::new(),
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// The plan printed by `--dry-run` for one cluster: what would be applied, Secrets redacted.
pub fn dry_run_plan(
    cluster: &str,
    context: &str,
    dir: &ClusterDir,
    preflight: &Preflight,
    manifest: Option<&OperatorManifest>,
    creds: &Credentials,
    username: Option<&str>,
) -> Result<String> {
    let mut docs: Vec<Value> = Vec::new();
    let mut notes = vec![format!(
        "# cluster {cluster} (context {context}, Kubernetes {})",
        preflight.server_version
    )];
    if let (Some(m), Some(action)) = (manifest, &preflight.operator) {
        match action {
            OperatorAction::Skip { version, reason } => {
                notes.push(format!("# Flux Operator {version}: {reason}, not applied"));
            }
            _ => {
                notes.push(format!("# Flux Operator {} from {}", m.version, m.origin));
                docs.extend(m.objects.iter().cloned());
            }
        }
    }
    if let (Some(t), Some(name)) = (&creds.fleet, &dir.pull_secret) {
        docs.push(git_secret_object(&GitSecret {
            name: name.clone(),
            namespace: dir.namespace.clone(),
            username: t.username(username),
            credential: t.credential.clone(),
            labels: BTreeMap::new(),
        }));
    }
    for t in &creds.tenants {
        docs.push(git_secret_object(&GitSecret {
            name: apply::tenant_secret_name(&t.tenant),
            namespace: dir.namespace.clone(),
            username: t.secret.username(username),
            credential: t.secret.credential.clone(),
            labels: BTreeMap::from([(crate::credentials::TENANT_LABEL.to_string(), t.tenant.clone())]),
        }));
    }
    docs.extend(dir.objects.iter().cloned());
    let mut out = notes.join("\n");
    out.push_str("\n---\n");
    out.push_str(&yaml::to_multi_doc(&docs, &format!("the plan for {cluster}"))?);
    Ok(out)
}

/// GitRepositories under `tenants/` that read the sync Secret too (d1's `flux-infra` reuses
/// `flux-system`, d1-architecture.md §7): the token then also needs access to their repositories.
pub fn secret_reusers(repo: &FleetRepo, secret: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(files) = clusterdir::yaml_files(&repo.path("tenants")) else {
        return out;
    };
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let Ok(docs) = yaml::from_multi_doc(&text, &f.display().to_string()) else {
            continue;
        };
        for d in docs {
            if d.get("kind").and_then(Value::as_str) == Some("GitRepository")
                && d.pointer("/spec/secretRef/name").and_then(Value::as_str) == Some(secret)
            {
                let name = d.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
                let url = d.pointer("/spec/url").and_then(Value::as_str).unwrap_or("?");
                out.push((name.to_string(), url.to_string()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Runs the fleet bootstrap: preflight everywhere, then the steps where preflight passed.
pub async fn run(req: &Request, prepared: Prepared, printer: &Printer) -> Result<RunOutcome> {
    let Prepared {
        clusters,
        manifest,
        credentials,
    } = prepared;
    for (_, _, dir) in &clusters {
        for w in &dir.warnings {
            printer.warn(w);
        }
    }
    let began = Instant::now();
    let mut targets: Vec<KubeTarget> = Vec::new();
    for (_, context, _) in &clusters {
        targets.push(req.kubeconfig.target(context, req.client).await?);
    }
    printer.debug(&format!(
        "clients for {} contexts built in {:?}",
        targets.len(),
        began.elapsed()
    ));
    printer.action(&format!(
        "bootstrapping {} from {}",
        crate::output::plural(clusters.len(), "cluster"),
        std::fs::canonicalize(req.repo.root())
            .unwrap_or_else(|_| req.repo.root().to_path_buf())
            .display()
    ));
    for ((_, context, dir), target) in clusters.iter().zip(&targets) {
        printer.note(&format!(
            "  {} ({}) → context {context} at {}",
            dir.path.display(),
            dir.layout.name(),
            target.server
        ));
    }
    if let Some(m) = &manifest {
        printer.note(&format!("  Flux Operator {} from {}", m.version, m.origin));
    }
    if credentials.fleet.is_some() {
        let mut secrets: Vec<&str> = clusters
            .iter()
            .filter_map(|(_, _, d)| d.pull_secret.as_deref())
            .collect();
        secrets.sort();
        secrets.dedup();
        for s in secrets {
            for (name, url) in secret_reusers(&req.repo, s) {
                printer.warn(&format!(
                    "GitRepository {name} ({url}) also reads Secret {s}: the fleet token must be allowed to read \
                     that repository too (and to push to it where image automation runs)"
                ));
            }
        }
    }

    let progress = Progress::new(printer);
    let manifest = manifest.map(Arc::new);
    let credentials = Arc::new(credentials);
    let options = Arc::new(req.options.clone());
    let jobs: Vec<Job> = clusters
        .into_iter()
        .zip(targets)
        .map(|((cluster, context, dir), target)| {
            let bar = progress.enabled().then(|| progress.target(&cluster));
            Job {
                rep: Reporter::new(printer.clone(), bar, &cluster),
                cluster,
                context,
                dir: Arc::new(dir),
                target,
                start: Instant::now(),
            }
        })
        .collect();

    // Phase 1: every cluster's preflight, before any change anywhere. Each cluster is its own
    // task, so the client-side work (TLS, JSON of large CRDs) of several clusters uses every core.
    let preflights = join_all(jobs.iter().map(|job| {
        let (target, dir, rep) = (job.target.clone(), job.dir.clone(), job.rep.clone());
        let (manifest, secrets) = (manifest.clone(), credentials.secrets(&job.dir));
        tokio::spawn(async move {
            rep.step("preflight: version, permissions, current state");
            preflight::check(&target, &dir, manifest.as_deref(), &secrets).await
        })
    }))
    .await;

    printer.debug(&format!(
        "preflight of every cluster done after {:?}",
        began.elapsed()
    ));

    // Phase 2: the clusters that passed, concurrently.
    let results = join_all(jobs.into_iter().zip(preflights).map(|(job, pre)| {
        let (manifest, credentials, options) = (manifest.clone(), credentials.clone(), options.clone());
        let dry_run = req.dry_run;
        tokio::spawn(async move {
            let Job {
                cluster,
                context,
                dir,
                target,
                rep,
                start,
            } = job;
            let mut r = report(&cluster, &context, start);
            let pre = match pre {
                Ok(Ok(p)) => p,
                Ok(Err(e)) => {
                    r.message = format!("preflight: {}", e.short());
                    rep.finish(false, &r.message);
                    r.seconds = start.elapsed().as_secs_f64();
                    return Ok((r, None));
                }
                Err(join) => {
                    r.message = format!("preflight: internal error: {join}");
                    rep.finish(false, &r.message);
                    return Ok((r, None));
                }
            };
            if dry_run {
                let plan = dry_run_plan(
                    &cluster,
                    &context,
                    &dir,
                    &pre,
                    manifest.as_deref(),
                    &credentials,
                    options.username.as_deref(),
                )?;
                r.result = ClusterResult::Planned;
                r.message = "preflight passed; nothing applied (--dry-run)".into();
                rep.finish(true, &r.message);
                r.seconds = start.elapsed().as_secs_f64();
                return Ok::<_, crate::Error>((r, Some(plan)));
            }
            match apply::bootstrap(
                &target,
                &dir,
                &pre,
                manifest.as_deref(),
                &credentials,
                &options,
                &rep,
            )
            .await
            {
                Ok(out) => {
                    r.result = if out.ready {
                        ClusterResult::Ready
                    } else {
                        ClusterResult::Applied
                    };
                    r.operator = out.operator;
                    r.secrets = out.secrets;
                    r.flux = out.flux;
                    r.message = out.message;
                    rep.finish(true, &format!("{:?}: {}", r.result, r.message));
                }
                Err(e) => {
                    let dash = |s: &str| {
                        if s.is_empty() {
                            "-".to_string()
                        } else {
                            s.to_string()
                        }
                    };
                    r.operator = dash(&e.partial.operator);
                    r.secrets = dash(&e.partial.secrets);
                    r.flux = dash(&e.partial.flux);
                    r.message = e.short();
                    rep.finish(false, &r.message);
                }
            }
            r.seconds = start.elapsed().as_secs_f64();
            Ok((r, None))
        })
    }))
    .await;
    printer.debug(&format!("every cluster done after {:?}", began.elapsed()));
    let mut outcome = RunOutcome::default();
    for r in results {
        let (report, plan) =
            r.map_err(|e| crate::Error::io("a cluster task", std::io::Error::other(e)))??;
        outcome.reports.push(report);
        outcome.plans.extend(plan);
    }
    Ok(outcome)
}

/// One cluster's bootstrap, owned so it can run on its own task.
struct Job {
    cluster: String,
    context: String,
    dir: Arc<ClusterDir>,
    target: KubeTarget,
    rep: Reporter,
    start: Instant,
}

/// What a fleet run produced.
#[derive(Debug, Default)]
pub struct RunOutcome {
    /// One report per cluster, in the order given.
    pub reports: Vec<ClusterReport>,
    /// `--dry-run` plans (YAML with comments), in cluster order.
    pub plans: Vec<String>,
}

/// The summary table (kubectl style).
pub fn render_table(reports: &[ClusterReport], paint: crate::output::Paint) -> String {
    let mut t = TableBuilder::new(
        [
            "cluster", "context", "result", "operator", "secrets", "flux", "time", "message",
        ],
        paint,
    );
    for r in reports {
        let tone = match r.result {
            ClusterResult::Ready => Tone::Good,
            ClusterResult::Applied | ClusterResult::Planned => Tone::Plain,
            ClusterResult::Failed => Tone::Bad,
        };
        t.toned_row([
            (r.cluster.clone(), Tone::Bold),
            (r.context.clone(), Tone::Plain),
            (format!("{:?}", r.result), tone),
            (r.operator.clone(), Tone::Plain),
            (r.secrets.clone(), Tone::Plain),
            (r.flux.clone(), Tone::Plain),
            (format!("{:.1}s", r.seconds), Tone::Dim),
            (
                r.message.clone(),
                if r.failed() { Tone::Bad } else { Tone::Plain },
            ),
        ]);
    }
    t.render()
}
