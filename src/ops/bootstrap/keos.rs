//! keos fleets (`profile: keos`): `bootstrap init` writes a keos cluster directory, and
//! `bootstrap CLUSTER…` runs the manual procedure of keos fleets as one command.

use std::{
    collections::BTreeMap,
    sync::{Arc, OnceLock},
};

use k8s_openapi::{
    api::{apps::v1::Deployment, core::v1::Secret},
    apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
};
use kube::{
    Api,
    api::{ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams},
};
use serde_json::json;

use super::{
    init::InitOutcome,
    run::{
        BootstrapOutcome, BootstrapRequest, ClusterDirs, ClusterLog, ClusterResult, ClusterRun, Steps,
        merge_reports, run_clusters, select,
    },
};
use crate::{
    bootstrap::{
        BootstrapError, InitInput,
        access::{self, Access},
        apply::{
            Credentials, Options, Outcome, StepError, StepFailure, StepReporter, ensure_namespace, wait_ready,
        },
        clusterdir::{self, WaitTarget},
        fleet::{self, SecretForm},
        keos::{
            self, DecryptionKey, KeosError, KeosPreflightError, REPLICATE_ALL, REPLICATE_TO,
            cluster::{self, KeosCluster, SopsKey},
        },
        operator::{self, Changes, OperatorAction, OperatorManifest},
        preflight::{self, PreflightError},
        spec::DEFAULT_NAMESPACE,
    },
    credentials::{GitSecret, MetaStore, SecretStore, TokenSource, upsert_git_secret},
    error::{Error, Result},
    kube::{Applier, ApplyOutcome, FIELD_MANAGER, KubeError, KubeTarget, Resolver},
    manifests::{pointer, yaml},
    output::{Reporter, plural},
    repo::{FleetRepo, Layout, WritePlan},
    secrets::{SECRETS_DIR, SOPS_CONFIG},
};

/// `bootstrap init` on a keos fleet: every input checked, every file generated and compared with
/// the checkout, before the first file is written.
pub fn init(
    repo: FleetRepo,
    input: InitInput,
    components_manifest: bool,
    force: bool,
    dry_run: bool,
    reporter: &dyn Reporter,
) -> Result<InitOutcome> {
    let d1_only = keos::d1_only_flags(&input, components_manifest);
    if !d1_only.is_empty() {
        return Err(BootstrapError::from(KeosError::D1Only { flags: d1_only }).into());
    }
    let layout = Layout::new(repo.config(), input.use_case.as_deref())?;
    // Layout::new checked it: keos has a use case, and it is a DNS label.
    let use_case = input
        .use_case
        .clone()
        .or_else(|| repo.config().use_case.clone())
        .unwrap_or_default();
    let base = input
        .from
        .as_deref()
        .map(|o| keos::read_from(&repo, o))
        .transpose()?;
    let domain_secret = keos::domain_secret(&repo, &layout);
    let spec = keos::resolve(&input, &use_case, base.as_ref(), domain_secret.as_deref())?;
    let (files, warnings) = keos::generate(&repo, &layout, &spec, base.as_ref())?;
    for w in &warnings {
        reporter.warn(w);
    }
    let plan = WritePlan::new(&repo, files)?;
    if !dry_run {
        plan.apply(&repo, force)?;
    }
    Ok(InitOutcome {
        dir: spec.dir(),
        cluster: spec.cluster,
        plan,
        written: !dry_run,
    })
}

/// keos-only inputs of `bootstrap CLUSTER…`.
#[derive(Clone, Debug, Default)]
pub struct KeosOptions {
    /// `--install-flux`: install Flux (Flux Operator and a FluxInstance without sync) where it is
    /// missing, instead of failing that cluster.
    pub install_flux: bool,
    /// `--sops-gpg-key FILE|-` or `--sops-age-key FILE|-`: which key, and where to read it.
    pub sops_key: Option<(DecryptionKey, String)>,
}

/// The timeout `bootstrap` uses when none is given: keos waits for every system service.
pub fn default_timeout(repo: &FleetRepo) -> Option<std::time::Duration> {
    (repo.config().profile == crate::repo::Profile::Keos).then_some(cluster::DEFAULT_TIMEOUT)
}

/// What preflight learned about a keos cluster.
#[derive(Clone, Debug)]
pub struct KeosPreflight {
    server_version: String,
    /// Flux's controllers are missing and `--install-flux` installs them.
    install: Option<OperatorAction>,
}

fn key_flag(key: DecryptionKey) -> &'static str {
    match key {
        DecryptionKey::Gpg => "--sops-gpg-key",
        DecryptionKey::Age => "--sops-age-key",
    }
}

/// Reads the SOPS key once (file or stdin), before any cluster is contacted.
fn read_sops_key(opts: &KeosOptions, token_stdin: bool) -> Result<Option<Arc<SopsKey>>> {
    let Some((key, source)) = &opts.sops_key else {
        return Ok(None);
    };
    let flag = key_flag(*key);
    let text = if source == "-" {
        if token_stdin {
            return Err(Error::Usage(format!(
                "{flag} - and --token-stdin both read stdin: pass the token with --token NAME or --token-env VAR"
            )));
        }
        let mut buf = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf).map_err(|source| {
            BootstrapError::ReadFile {
                what: "SOPS key",
                path: "-".into(),
                source,
            }
        })?;
        buf
    } else {
        std::fs::read_to_string(source).map_err(|e| BootstrapError::ReadFile {
            what: "SOPS key",
            path: source.into(),
            source: e,
        })?
    };
    Ok(Some(Arc::new(SopsKey::parse(*key, flag, source, text)?)))
}

/// The keos clusters selected: names given (`C/default` taken as `C`, with a hint), or with
/// `--all` every directory that has `default/flux-system/`.
fn select_keos(repo: &FleetRepo, selection: ClusterDirs, reporter: &dyn Reporter) -> Result<Vec<String>> {
    match selection {
        ClusterDirs::All => {
            let all: Vec<String> = clusterdir::cluster_names(repo)
                .into_iter()
                .filter(|c| {
                    repo.path(format!("clusters/{c}/{}/flux-system", keos::DEFAULT_DIR))
                        .is_dir()
                })
                .collect();
            select(repo, ClusterDirs::Named(all))
        }
        ClusterDirs::Named(names) => {
            let names = names
                .into_iter()
                .map(|n| {
                    let (c, hint) = cluster::cluster_argument(&n);
                    if let Some(h) = hint {
                        reporter.note(&h);
                    }
                    c
                })
                .collect();
            select(repo, ClusterDirs::Named(names))
        }
    }
}

struct KeosTarget {
    cluster: String,
    context: String,
    dir: Arc<KeosCluster>,
    kube: KubeTarget,
    /// The Flux Secret the fleet token writes and its sync source, when a token was given.
    token: Option<SecretForm>,
}

/// `bootstrap CLUSTER…` on a keos fleet: the manual procedure (docs/manual-bootstraping.md) as
/// one command. Inputs first (cluster directories, the pre-commit rule, contexts, token, SOPS
/// key), then every cluster's preflight (Flux installed, permissions, credentials), then per
/// cluster: namespace, reconciler identity, the replicated git and key Secrets, the build of
/// `default/flux-system`, and the wait for `default` and the domain Kustomizations.
pub async fn bootstrap(
    req: BootstrapRequest,
    store: &dyn SecretStore,
    metas: Option<&MetaStore>,
    reporter: &dyn Reporter,
) -> Result<BootstrapOutcome> {
    if !req.tokens.tenants.is_empty() {
        return Err(Error::Usage(
            "--tenant-token/--tenant-token-env are for d1 tenants: keos apps read GitRepository flux-system/keos-apps with the fleet Secret flux-system (--token)".into(),
        ));
    }
    let clusters = select_keos(&req.repo, req.clusters.clone(), reporter)?;
    let kustomize = crate::manifests::kustomize::LazyKustomize::new(req.kubectl.clone());
    let mut dirs = Vec::new();
    for c in &clusters {
        dirs.push(cluster::load(&req.repo, c, &kustomize, req.insecure_http)?);
    }
    let key = read_sops_key(&req.keos, matches!(req.tokens.fleet, Some(TokenSource::Stdin)))?;
    if let Some(k) = &key {
        for d in &dirs {
            if d.decryption != Some(k.key) {
                return Err(BootstrapError::InvalidFlag {
                    flag: key_flag(k.key),
                    value: req
                        .keos
                        .sops_key
                        .as_ref()
                        .map(|(_, s)| s.clone())
                        .unwrap_or_default(),
                    reason: format!(
                        "{}/{SECRETS_DIR}/{SOPS_CONFIG} {}",
                        d.path.display(),
                        match d.decryption {
                            Some(other) => format!(
                                "encrypts for {} keys: pass {} instead",
                                other.secret_name(),
                                key_flag(other)
                            ),
                            None => "has no PGP or age rule: the cluster needs no key Secret".into(),
                        }
                    ),
                }
                .into());
            }
        }
    }
    let mapping = fleet::map_contexts(&clusters, &req.contexts, &req.kubeconfig)?;
    let credentials = Arc::new(req.tokens.read(store, metas)?);
    credentials.check_username(req.options.username.as_deref())?;
    // keos-fleet, the domain GitRepositories of the use case and any of the cluster's own read the
    // one Flux Secret: each must authenticate with the form written from the token as the fleet
    // declares it (here), and keos-fleet as the cluster runs it (the preflight).
    let mut forms = Vec::new();
    for d in &dirs {
        let (Some(fleet_token), Some(secret)) = (&credentials.fleet, &d.pull_secret) else {
            forms.push(None);
            continue;
        };
        let mut readers = vec![fleet::SecretReader {
            file: d.path.join(keos::DEFAULT_DIR).join("flux-system"),
            what: format!("GitRepository {}", keos::FLEET_SOURCE),
            provider: d.sync_provider.clone(),
        }];
        let layout = d
            .use_case
            .as_deref()
            .map(|uc| Layout::new(req.repo.config(), Some(uc)))
            .transpose()?;
        readers.extend(keos::chain_readers(&req.repo, layout.as_ref(), &d.path, secret));
        fleet::check_readers(fleet_token, "--token", &readers)?;
        // keos-fleet fetches the fleet repository; the domain sources follow what it applies.
        forms.push(Some(SecretForm {
            sources: vec![keos::FLEET_SOURCE.to_string()],
            ..SecretForm::of(secret, fleet_token, "--token")
        }));
    }
    let manifest = if req.keos.install_flux {
        Some(Arc::new(operator::load(&req.operator_manifest).await?))
    } else {
        None
    };
    let mut targets = Vec::new();
    for (((cluster, context), dir), token) in mapping.into_iter().zip(dirs).zip(forms) {
        let kube = req.kubeconfig.target(&context, req.client).await?;
        targets.push(KeosTarget {
            cluster,
            context,
            dir: Arc::new(dir),
            kube,
            token,
        });
    }
    reporter.action(&format!(
        "bootstrapping {} (keos) from {}",
        plural(targets.len(), "cluster"),
        std::fs::canonicalize(req.repo.root())
            .unwrap_or_else(|_| req.repo.root().to_path_buf())
            .display()
    ));
    for t in &targets {
        reporter.note(&format!(
            "  {} → context {} at {}",
            t.dir.path.display(),
            t.context,
            t.kube.server
        ));
    }

    // Phase 1: every cluster's preflight, before any change anywhere.
    let items = targets
        .iter()
        .map(|t| {
            let job = PreflightJob {
                kube: t.kube.clone(),
                dir: t.dir.clone(),
                manifest: manifest.clone(),
                token: t.token.clone(),
                key: key.as_ref().map(|k| k.key),
            };
            (t.cluster.clone(), job)
        })
        .collect();
    let preflights = run_clusters(reporter, items, preflight_one, |_| "preflight passed".into()).await;

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
            let job = ApplyJob {
                cluster: t.cluster.clone(),
                context: t.context.clone(),
                kube: t.kube.clone(),
                dir: t.dir.clone(),
                preflight: p.ok()?.clone(),
                manifest: manifest.clone(),
                credentials: credentials.clone(),
                key: key.clone(),
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

struct PreflightJob {
    kube: KubeTarget,
    dir: Arc<KeosCluster>,
    manifest: Option<Arc<OperatorManifest>>,
    /// The Flux Secret the fleet token writes, when one was given.
    token: Option<SecretForm>,
    key: Option<DecryptionKey>,
}

/// The Flux pieces keos needs that the cluster lacks (empty: installed), and whether
/// kustomize-controller refuses cross-namespace references.
async fn flux_state(target: &KubeTarget) -> Result<(Vec<String>, bool), KubeError> {
    let mut missing = Vec::new();
    let crds: Api<CustomResourceDefinition> = Api::all(target.client.clone());
    for name in [
        "gitrepositories.source.toolkit.fluxcd.io",
        "kustomizations.kustomize.toolkit.fluxcd.io",
    ] {
        let crd = crds
            .get_opt(name)
            .await
            .map_err(|e| target.err(format!("get CustomResourceDefinition {name}"), e))?;
        if !crd.is_some_and(|c| c.spec.versions.iter().any(|v| v.name == "v1" && v.served)) {
            missing.push(format!("CRD {name} v1"));
        }
    }
    let deployments: Api<Deployment> = Api::namespaced(target.client.clone(), DEFAULT_NAMESPACE);
    let mut no_cross_namespace = false;
    for name in ["source-controller", "kustomize-controller"] {
        let d = deployments
            .get_opt(name)
            .await
            .map_err(|e| target.err(format!("get Deployment {DEFAULT_NAMESPACE}/{name}"), e))?;
        let available = d.as_ref().is_some_and(|d| {
            d.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Available" && c.status == "True"))
        });
        if !available {
            missing.push(format!(
                "Deployment {DEFAULT_NAMESPACE}/{name} {}",
                if d.is_some() { "not Available" } else { "absent" }
            ));
        }
        if name == "kustomize-controller"
            && let Some(d) = &d
        {
            no_cross_namespace = d
                .spec
                .as_ref()
                .and_then(|s| s.template.spec.as_ref())
                .is_some_and(|p| {
                    p.containers.iter().any(|c| {
                        c.args.iter().flatten().any(|a| {
                            a == "--no-cross-namespace-refs=true" || a == "--no-cross-namespace-refs"
                        })
                    })
                });
        }
    }
    Ok((missing, no_cross_namespace))
}

async fn preflight_one(job: PreflightJob, log: ClusterLog) -> Result<KeosPreflight> {
    log.step("preflight: version, Flux, permissions, credentials");
    let target = &job.kube;
    let fail = |e: Error| log.failed(e);
    let kube_err =
        |e: KubeError| log.failed(BootstrapError::Preflight(Box::new(PreflightError::from(e))).into());
    let server_version = target.server_version().await.map_err(kube_err)?;
    let (missing_flux, no_cross) = flux_state(target).await.map_err(kube_err)?;
    let install = if missing_flux.is_empty() {
        None
    } else {
        match &job.manifest {
            Some(m) => {
                let installed = operator::installed(target, m).await.map_err(kube_err)?;
                Some(operator::decide(m, installed.as_ref()))
            }
            None => {
                return Err(fail(
                    BootstrapError::from(KeosError::Preflight(KeosPreflightError::FluxMissing {
                        context: target.context.clone(),
                        missing: missing_flux.join(", "),
                    }))
                    .into(),
                ));
            }
        }
    };
    if no_cross {
        return Err(fail(
            BootstrapError::from(KeosError::Preflight(KeosPreflightError::CrossNamespaceRefs {
                context: target.context.clone(),
            }))
            .into(),
        ));
    }
    let resolver = Resolver::new(target.clone());
    let ns = DEFAULT_NAMESPACE;
    let mut wanted = vec![
        Access::new("get", "", "namespaces", None),
        Access::new("create", "", "namespaces", None),
    ];
    for verb in ["get", "create", "update", "patch"] {
        wanted.push(Access::new(verb, "", "secrets", Some(ns)));
    }
    let mut objects = cluster::reconciler_objects(ns);
    objects.extend(job.dir.objects.iter().cloned());
    if install.is_some()
        && let Some(m) = &job.manifest
    {
        objects.extend(m.objects.iter().cloned());
    }
    wanted.extend(access::for_objects(&resolver, &objects).await.map_err(kube_err)?);
    let missing = access::missing(target, &wanted).await.map_err(kube_err)?;
    if !missing.is_empty() {
        return Err(fail(
            BootstrapError::Preflight(Box::new(PreflightError::Forbidden {
                user: access::whoami(target).await,
                missing,
            }))
            .into(),
        ));
    }
    let secrets: Api<Secret> = Api::namespaced(target.client.clone(), ns);
    if let Some(name) = &job.dir.pull_secret
        && job.token.is_none()
        && secrets
            .get_opt(name)
            .await
            .map_err(|e| kube_err(target.err(format!("get Secret {ns}/{name}"), e)))?
            .is_none()
    {
        return Err(fail(
            BootstrapError::Preflight(Box::new(PreflightError::NoCredential {
                namespace: ns.into(),
                name: name.clone(),
            }))
            .into(),
        ));
    }
    if job.dir.sops_provided
        && let Some(k) = job.dir.decryption
        && job.key.is_none()
        && secrets
            .get_opt(k.secret_name())
            .await
            .map_err(|e| kube_err(target.err(format!("get Secret {ns}/{}", k.secret_name()), e)))?
            .is_none()
    {
        return Err(fail(
            BootstrapError::from(KeosError::Preflight(KeosPreflightError::NoSopsKey {
                namespace: ns.into(),
                secret: k.secret_name(),
                flag: key_flag(k),
            }))
            .into(),
        ));
    }
    // keos-fleet as the cluster runs it: a token under a live provider: github would be stuck.
    preflight::check_live_readers(target, ns, job.token.as_slice())
        .await
        .map_err(|e| log.failed(BootstrapError::Preflight(Box::new(e)).into()))?;
    Ok(KeosPreflight {
        server_version,
        install,
    })
}

struct ApplyJob {
    cluster: String,
    context: String,
    kube: KubeTarget,
    dir: Arc<KeosCluster>,
    preflight: KeosPreflight,
    manifest: Option<Arc<OperatorManifest>>,
    credentials: Arc<Credentials>,
    key: Option<Arc<SopsKey>>,
    options: Arc<Options>,
    dry_run: bool,
    partial: Arc<BTreeMap<String, OnceLock<Steps>>>,
}

fn fleet_secret(job: &ApplyJob) -> Option<(GitSecret, &crate::credentials::ResolvedToken)> {
    let (t, name) = (job.credentials.fleet.as_ref()?, job.dir.pull_secret.as_ref()?);
    Some((
        GitSecret::sync(
            DEFAULT_NAMESPACE,
            name,
            t.username(job.options.username.as_deref()),
            t.credential.clone(),
        ),
        t,
    ))
}

/// `--dry-run`: what would be applied, Secrets redacted.
fn plan(job: &ApplyJob) -> Result<String> {
    let mut notes = vec![format!(
        "# cluster {} (context {}, Kubernetes {}, keos)",
        job.cluster, job.context, job.preflight.server_version
    )];
    let mut docs = Vec::new();
    if let (Some(action), Some(m)) = (&job.preflight.install, &job.manifest) {
        match action {
            OperatorAction::Skip { version, reason } => {
                notes.push(format!("# Flux Operator {version}: {reason}, not applied"));
            }
            _ => {
                notes.push(format!("# Flux Operator {} from {}", m.version, m.origin));
                docs.extend(m.objects.iter().cloned());
            }
        }
        docs.push(cluster::flux_instance(DEFAULT_NAMESPACE));
    }
    docs.extend(cluster::reconciler_objects(DEFAULT_NAMESPACE));
    if let Some((s, resolved)) = fleet_secret(job) {
        let mut obj = resolved.secret_object(&s);
        pointer::set(
            &mut obj,
            &format!("/metadata/annotations/{}", REPLICATE_TO.replace('/', "~1")),
            Some(json!(REPLICATE_ALL)),
        );
        docs.push(obj);
    }
    if let Some(k) = &job.key {
        docs.push(k.secret(DEFAULT_NAMESPACE, true));
    }
    docs.extend(job.dir.objects.iter().cloned());
    let mut out = notes.join("\n");
    out.push_str("\n---\n");
    out.push_str(&yaml::to_multi_doc(
        &docs,
        &format!("the plan for {}", job.cluster),
    )?);
    Ok(out)
}

/// Adds the kubernetes-replicator annotation to a Secret that lacks it (a merge patch of that one
/// key, so labels and annotations others set stay).
async fn replicate(target: &KubeTarget, name: &str) -> Result<ApplyOutcome, KubeError> {
    let api: Api<Secret> = Api::namespaced(target.client.clone(), DEFAULT_NAMESPACE);
    let current = api
        .get(name)
        .await
        .map_err(|e| target.err(format!("get Secret {DEFAULT_NAMESPACE}/{name}"), e))?;
    if current
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REPLICATE_TO))
        .is_some_and(|v| v == REPLICATE_ALL)
    {
        return Ok(ApplyOutcome::Unchanged);
    }
    let patch = json!({"metadata": {"annotations": {REPLICATE_TO: REPLICATE_ALL}}});
    api.patch(
        name,
        &PatchParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        },
        &Patch::Merge(&patch),
    )
    .await
    .map_err(|e| target.err(format!("annotate Secret {DEFAULT_NAMESPACE}/{name}"), e))?;
    Ok(ApplyOutcome::Configured)
}

fn step_fail<'a, E: Into<StepFailure>>(
    step: &'static str,
    partial: &'a Outcome,
) -> impl FnOnce(E) -> StepError + 'a {
    move |source| StepError {
        step,
        source: source.into(),
        partial: partial.clone(),
    }
}

async fn steps(job: &ApplyJob, log: &ClusterLog) -> Result<Outcome, StepError> {
    let target = &job.kube;
    let mut out = Outcome {
        operator: "present".into(),
        ..Default::default()
    };
    let applier = Applier::new(Resolver::new(target.clone()));
    let on_step = |msg: String| log.step(&msg);
    log.step(&format!("ensuring namespace {DEFAULT_NAMESPACE}"));
    ensure_namespace(target, DEFAULT_NAMESPACE)
        .await
        .map_err(step_fail("create the namespace", &out))?;

    if let (Some(action), Some(m)) = (&job.preflight.install, &job.manifest) {
        if !matches!(action, OperatorAction::Skip { .. }) {
            log.step(&format!("installing Flux Operator {}", m.version));
            operator::apply_ordered(&applier, &m.objects, &on_step)
                .await
                .map_err(step_fail("install Flux Operator", &out))?;
        }
        log.step("applying FluxInstance flux (no sync: keos-fleet syncs)");
        applier
            .apply(&cluster::flux_instance(DEFAULT_NAMESPACE))
            .await
            .map_err(step_fail("apply the FluxInstance", &out))?;
        let key = WaitTarget {
            api_version: "fluxcd.controlplane.io/v1".into(),
            kind: "FluxInstance".into(),
            namespace: DEFAULT_NAMESPACE.into(),
            name: "flux".into(),
        };
        wait_ready(target, std::slice::from_ref(&key), job.options.timeout, log)
            .await
            .map_err(step_fail("install Flux", &out))?;
        out.operator = format!("Flux installed (operator {})", m.version);
    }

    log.step("applying ServiceAccount kustomize-controller and its ClusterRoleBinding");
    let mut changes = operator::apply_ordered(
        &applier,
        &cluster::reconciler_objects(DEFAULT_NAMESPACE),
        &on_step,
    )
    .await
    .map_err(step_fail("apply the reconciler identity", &out))?;

    let mut secrets = Changes::default();
    if let Some((s, resolved)) = fleet_secret(job) {
        log.step(&format!("writing Secret {DEFAULT_NAMESPACE}/{}", s.name));
        secrets.add(
            upsert_git_secret(target, &s, &resolved.auth)
                .await
                .map_err(step_fail("write the git Secret", &out))?,
        );
    }
    if let Some(name) = &job.dir.pull_secret
        && (job.credentials.fleet.is_some()
            || Api::<Secret>::namespaced(target.client.clone(), DEFAULT_NAMESPACE)
                .get_opt(name)
                .await
                .ok()
                .flatten()
                .is_some())
    {
        let annotated = replicate(target, name).await.map_err(step_fail(
            "annotate the git Secret for kubernetes-replicator",
            &out,
        ))?;
        if annotated == ApplyOutcome::Configured && secrets != Changes::default() {
            // The same Secret was just written: count it once.
        } else if annotated == ApplyOutcome::Configured {
            secrets.add(annotated);
        }
    }
    if let Some(k) = &job.key {
        log.step(&format!(
            "writing Secret {DEFAULT_NAMESPACE}/{}",
            k.key.secret_name()
        ));
        let (o, _) = applier
            .apply(&k.secret(DEFAULT_NAMESPACE, false))
            .await
            .map_err(step_fail("write the SOPS key Secret", &out))?;
        secrets.add(o);
    }
    out.secrets = if secrets == Changes::default() {
        "existing kept".into()
    } else {
        secrets.summary()
    };

    log.step("applying default/flux-system (keos-runtime-info, keos-fleet, default)");
    let synced = operator::apply_ordered(&applier, &job.dir.objects, &on_step)
        .await
        .map_err(step_fail("apply default/flux-system", &out))?;
    changes.created += synced.created;
    changes.configured += synced.configured;
    changes.unchanged += synced.unchanged;
    out.flux = changes.summary();
    if changes.created + changes.configured > 0 || secrets.created + secrets.configured > 0 {
        // Fetch now rather than at the next interval; only when something changed, so a re-run
        // leaves every object as it was.
        let repos = Api::<DynamicObject>::namespaced_with(
            target.client.clone(),
            DEFAULT_NAMESPACE,
            &ApiResource::from_gvk(&GroupVersionKind::gvk(
                "source.toolkit.fluxcd.io",
                "v1",
                "GitRepository",
            )),
        );
        let now = jiff::Timestamp::now().to_string();
        let patch = json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": now}}});
        repos
            .patch(keos::FLEET_SOURCE, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map_err(|e| {
                target.err(
                    format!(
                        "annotate GitRepository {DEFAULT_NAMESPACE}/{}",
                        keos::FLEET_SOURCE
                    ),
                    e,
                )
            })
            .map_err(step_fail("request a reconciliation", &out))?;
    }
    log.done(&format!("default/flux-system {}", out.flux));
    if !job.options.wait {
        out.message = "not waited for (--no-wait)".into();
        return Ok(out);
    }
    out.message = wait_ready(target, &job.dir.wait_for, job.options.timeout, log)
        .await
        .map_err(step_fail("wait for default and the domain Kustomizations", &out))?;
    out.ready = true;
    Ok(out)
}

async fn apply_one(job: ApplyJob, log: ClusterLog) -> Result<ClusterRun> {
    if job.dry_run {
        let plan = plan(&job).map_err(|e| log.failed(e))?;
        let run = ClusterRun {
            result: ClusterResult::Planned,
            steps: Steps::none(),
            message: "preflight passed; nothing applied (--dry-run)".into(),
            plan: Some(plan),
        };
        log.succeeded(&run.message);
        return Ok(run);
    }
    match steps(&job, &log).await {
        Ok(out) => {
            let run = ClusterRun {
                result: if out.ready {
                    ClusterResult::Ready
                } else {
                    ClusterResult::Applied
                },
                steps: Steps::of(&out),
                message: out.message,
                plan: None,
            };
            log.succeeded(&format!("{:?}: {}", run.result, run.message));
            Ok(run)
        }
        Err(e) => {
            if let Some(slot) = job.partial.get(&job.cluster) {
                // Set once: this is the cluster's only task.
                let _ = slot.set(Steps::of(&e.partial));
            }
            Err(log.failed(BootstrapError::Step(Box::new(e)).into()))
        }
    }
}
