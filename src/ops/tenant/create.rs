//! `tenant create`: onboard a tenant namespace — its directory in the fleet repository and, with
//! `--apply`, its objects and Secret on clusters (preflight everywhere first).

use serde_json::Value;

use super::{
    ClusterChanges, ClusterResults, FilesOutcome, RepoSelection, TokenStores, change_clusters,
    check_clusters, check_conflicts, display_dir, write_plan,
};
use crate::{
    credentials::{
        AuthShape, DEFAULT_USERNAME, GitSecret, TENANT_LABEL, TokenSource, redacted_secret_object,
        rotation::lock_credentials, validate_name,
    },
    error::{ExitStatus, Result},
    kube::{ClusterSelection, KubeTarget},
    manifests::yaml,
    ops::{TargetReport, exit_status},
    output::{Reporter, plural},
    repo::{
        FleetRepo, GeneratedFile, Layout, WritePlan,
        layout::NamespaceSync,
        names::{self, GitProvider},
    },
    tenant::{
        TenantError,
        apply::{self, ApplyRequest, Preflight, SecretRequest},
        create::{self, CreateOptions, SyncOptions},
        validate,
    },
};

/// What `tenant create` is asked to do.
#[derive(Clone, Debug)]
pub struct CreateRequest {
    /// The fleet repository.
    pub repo: RepoSelection,
    /// The clusters `--apply` acts on.
    pub clusters: ClusterSelection,
    /// The tenant namespace.
    pub namespace: String,
    /// The tenant it belongs to.
    pub tenant: String,
    /// The tenant's git repository (default: the one its other namespaces use).
    pub git_url: Option<String>,
    /// `--insecure-http`: accept a plain http git URL (the tenant token then crosses unencrypted).
    pub insecure_http: bool,
    /// `--provider`: how the tenant GitRepository authenticates (github: a GitHub App Secret).
    pub provider: GitProvider,
    /// The ClusterRole bound in the namespace.
    pub role: String,
    /// The Kustomization path template (default: the layout's).
    pub path: Option<String>,
    /// The namespace is created by someone else: no `namespace.yaml` (`--apply` checks it exists).
    pub existing_namespace: bool,
    /// Overwrite files that differ.
    pub force: bool,
    /// Show the diff (and the objects per cluster) without changing anything.
    pub dry_run: bool,
    /// Also apply to the selected clusters.
    pub apply: bool,
    /// Where the tenant Secret's token comes from (with `apply`).
    pub token: Option<TokenSource>,
    /// The Secret's basic-auth username (default: the one stored with the credential, else `git`).
    pub username: Option<String>,
    /// Copy the tenant Secret and runtime info into tenant namespaces where Kyverno does not.
    pub propagate: bool,
}

/// What `tenant create` did.
#[derive(Debug, Default)]
pub struct CreateOutcome {
    /// The namespace directory (`None` when a preflight failure stopped the run first).
    pub files: Option<FilesOutcome>,
    /// `--apply`: every cluster's preflight (a failure anywhere stopped the run before any change).
    pub preflight: Vec<TargetReport<Preflight>>,
    /// `--apply`: what each cluster got.
    pub clusters: ClusterResults,
    /// `--dry-run --apply`: the objects each cluster would get (tenant Secret redacted).
    pub planned: Option<String>,
}

impl CreateOutcome {
    /// Exit 1 when a cluster failed its preflight or its apply.
    pub fn exit_status(&self) -> ExitStatus {
        exit_status(&self.preflight).worst(self.clusters.exit_status())
    }
}

/// Onboards a tenant namespace; see the [module](super) documentation for the order of things.
pub async fn create(
    req: CreateRequest,
    stores: TokenStores<'_>,
    reporter: &dyn Reporter,
) -> Result<CreateOutcome> {
    let (fleet, layout) = req.repo.open()?;
    validate::namespace(&layout, &req.namespace)?;
    validate::tenant(&layout, &req.tenant)?;
    names::dns_subdomain("role", &req.role)?;
    let per_namespace = layout.namespace_sync() == NamespaceSync::PerNamespace;
    let path = match (&req.path, per_namespace) {
        (Some(_), false) => {
            return Err(TenantError::Flags(
                "--path: keos reconciles each app component from its own path (./components/<component>/${STRATIO_SIZE}); add components with `kubectl fleet tenant app add`".into(),
            )
            .into());
        }
        (path, _) => path
            .clone()
            .unwrap_or_else(|| layout.default_path(&req.namespace)),
    };
    validate::path_template(&layout, &path)?;
    if let Some(TokenSource::Keyring(name)) = &req.token {
        validate_name(name)?;
    }
    if let (Some(source), Some(_)) = (&req.token, &req.username)
        && let Some(name) = source.credential_name()
        && source.shape(stores.metas) != AuthShape::Token
    {
        return Err(crate::credentials::username_with_app(name).into());
    }
    if !req.apply {
        if req.token.is_some() {
            return Err(TenantError::Flags(
                "--token, --token-stdin and --token-env write the tenant Secret on clusters: add --apply"
                    .into(),
            )
            .into());
        }
        if req.propagate {
            return Err(TenantError::Flags("--propagate needs --apply".into()).into());
        }
    }
    if !per_namespace {
        if req.token.is_some() {
            return Err(TenantError::Flags(format!(
                "--token, --token-stdin and --token-env: keos app components read GitRepository {} with Secret {} in the Flux namespace, which bootstrap writes; there is no tenant Secret",
                layout.apps().map(|a| a.source).unwrap_or_default(),
                crate::bootstrap::keos::new_domain_source_secret(&fleet, &layout),
            ))
            .into());
        }
        if req.propagate {
            return Err(TenantError::Flags(format!(
                "--propagate: on keos, kubernetes-replicator copies ConfigMap {} (and the SOPS key) into app namespaces",
                layout.runtime_info()
            ))
            .into());
        }
        if req.provider != GitProvider::Generic {
            return Err(TenantError::Flags(format!(
                "--provider: keos app namespaces have no GitRepository of their own; app components read GitRepository {}, which bootstrap init writes",
                layout.apps().map(|a| a.source).unwrap_or_default(),
            ))
            .into());
        }
    }
    // Every namespace of a tenant reads the one tenant Secret: its GitRepositories must agree on
    // the form of that Secret, and the credential --apply writes must be of that form.
    if let (Some(source), true) = (&req.token, req.apply) {
        let app = source.shape(stores.metas) != AuthShape::Token;
        let who = match source.credential_name() {
            Some(name) => format!("credential '{name}'"),
            None => "the token from stdin or the environment".to_string(),
        };
        match (app, req.provider) {
            (true, GitProvider::Generic) => {
                return Err(TenantError::Flags(format!(
                    "--token: {who} is a GitHub App, which Flux uses only with provider github: add --provider github"
                ))
                .into());
            }
            (false, GitProvider::Github) => {
                return Err(TenantError::Flags(format!(
                    "--provider github needs a GitHub App credential (kubectl fleet token set NAME --github-app), but {who} is a token"
                ))
                .into());
            }
            _ => {}
        }
    }
    let onboarded = validate::onboarded_namespaces(&fleet, &layout)?;
    let dir = layout.namespace_dir(&req.tenant, &req.namespace);
    validate::namespace_is_free(&onboarded, &req.namespace, &req.tenant, &dir)?;
    let mut extra_files = Vec::new();
    let sync = if per_namespace {
        let git_url = match &req.git_url {
            Some(url) => url.clone(),
            None => match validate::tenant_git_url(&fleet, &onboarded, &req.tenant)? {
                Some((url, from)) => {
                    reporter.debug(&format!("git URL {url} from {}", from.display()));
                    url
                }
                None => {
                    return Err(TenantError::MissingGitUrl {
                        what: format!("the first namespace of tenant '{}'", req.tenant),
                        hint: " of the tenant's repository".into(),
                    }
                    .into());
                }
            },
        };
        validate::git_url_for(&git_url, req.insecure_http, req.provider)?;
        if let Some((other, file)) = validate::tenant_provider(&fleet, &onboarded, &req.tenant)?
            && other != req.provider
        {
            return Err(TenantError::Flags(format!(
                "--provider {}: tenant '{}' already reads its Secret with provider {} ({}); all its namespaces share that Secret, so they need the same provider",
                req.provider.name(),
                req.tenant,
                other.name(),
                file.display()
            ))
            .into());
        }
        Some(SyncOptions {
            git_url,
            provider: req.provider,
            path,
        })
    } else {
        extra_files = keos_prerequisites(&fleet, &layout, req.git_url.as_deref(), req.insecure_http)?;
        None
    };
    if req.role == "cluster-admin" {
        reporter.warn(&format!(
            "--role cluster-admin lets tenant {} change everything in namespace {}, including the ResourceQuotas and LimitRanges the platform team sets there (admin cannot)",
            req.tenant, req.namespace
        ));
    }
    // keos: components already listed stay listed, in order, when the namespace is created again.
    let components = match validate::kustomization_resources(&fleet, &dir)? {
        Some(resources) if !per_namespace => resources
            .into_iter()
            .filter(|r| !r.ends_with(".yaml") && !r.ends_with(".yml"))
            .collect(),
        _ => Vec::new(),
    };

    let opts = CreateOptions {
        namespace: req.namespace.clone(),
        tenant: req.tenant.clone(),
        role: req.role.clone(),
        existing_namespace: req.existing_namespace,
        sync,
        components,
    };
    let bundle = create::bundle(&layout, &opts);
    let mut generated = bundle.generated_files()?;
    let extra = extra_files.len();
    generated.extend(extra_files);
    let plan = WritePlan::new(&fleet, generated)?;
    check_conflicts(&plan, req.force, req.dry_run)?;
    let what = display_dir(&bundle.dir);

    let scaffolded = (extra > 0).then(|| display_dir(&layout.prerequisites_dir()));
    if !req.apply {
        let files = write_plan(&fleet, &plan, reporter, req.dry_run, req.force, &what)?;
        if !req.dry_run {
            if let Some(dir) = &scaffolded {
                reporter.note(&format!("  scaffolded {dir}"));
            }
            reporter.note(
                "  commit and push to let Flux reconcile it, or apply it now: re-run with --apply and --context/--all-contexts",
            );
        }
        return Ok(CreateOutcome {
            files: Some(files),
            ..Default::default()
        });
    }

    let targets = req.clusters.targets().await?;
    // Every cluster's Flux namespace, from the repository, before any cluster is asked anything.
    let flux_namespaces = targets
        .iter()
        .map(|t| layout.cluster_flux_namespace(&fleet, &t.context))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    // Nothing may write the credential while a rotation replaces it: the lock is held until every
    // cluster is done, and taken before the token is read (a --dry-run reads and writes none).
    let credential = req.token.as_ref().and_then(TokenSource::credential_name);
    let _locks = if req.dry_run {
        Vec::new()
    } else {
        lock_credentials(stores.metas, credential)?
    };
    // The token is read before any cluster is touched, and never in --dry-run.
    let secret = match (&req.token, req.dry_run) {
        (Some(source), false) => {
            let resolved = source.resolve(stores.secrets, stores.metas)?;
            resolved.check_username(req.username.as_deref())?;
            reporter.debug(&format!("tenant token: {}", source.describe()));
            Some(SecretRequest {
                username: resolved.username(req.username.as_deref()),
                credential: resolved.credential,
                auth: resolved.auth,
            })
        }
        _ => None,
    };
    let request = ApplyRequest {
        layout: layout.clone(),
        tenant: req.tenant.clone(),
        namespace: req.namespace.clone(),
        role: req.role.clone(),
        objects: bundle.objects(),
        secret,
        writes_secret: req.token.is_some(),
        propagate: req.propagate,
        existing_namespace: req.existing_namespace,
    };

    // Phase 1: read-only preflight everywhere.
    let items: Vec<(&KubeTarget, &str)> = targets
        .iter()
        .zip(&flux_namespaces)
        .map(|(t, ns)| (t, ns.as_str()))
        .collect();
    let preflight = check_clusters(
        reporter,
        items,
        |target, flux_namespace| apply::preflight(target, &request, flux_namespace),
        |context, pre: &Preflight| {
            for w in &pre.warnings {
                reporter.warn(&format!("{context}: {w}"));
            }
        },
    )
    .await;
    let failed = preflight.iter().filter(|r| r.is_failed()).count();
    if failed > 0 {
        reporter.note(&format!(
            "nothing was written or applied: preflight failed on {}",
            plural(failed, "cluster")
        ));
        return Ok(CreateOutcome {
            preflight,
            ..Default::default()
        });
    }
    let preflights: Vec<&Preflight> = preflight.iter().filter_map(TargetReport::ok).collect();

    if req.dry_run {
        let planned_secret = req.token.as_ref().map(|source| PlannedSecret {
            tenant: &req.tenant,
            username: planned_username(source, req.username.as_deref(), stores),
            credential: source.credential_name().map(str::to_string),
            shape: source.shape(stores.metas),
        });
        let planned = planned_objects(&targets, &preflights, &request, planned_secret.as_ref())?;
        let files = FilesOutcome {
            what,
            diff: (!plan.is_noop()).then(|| plan.diff()),
            written: 0,
        };
        return Ok(CreateOutcome {
            files: Some(files),
            preflight,
            planned: Some(planned),
            ..Default::default()
        });
    }

    let files = write_plan(&fleet, &plan, reporter, false, req.force, &what)?;
    if let Some(dir) = &scaffolded {
        reporter.note(&format!("  scaffolded {dir}"));
    }

    // Phase 2: apply, every cluster concurrently.
    let items: Vec<(&KubeTarget, &Preflight)> = targets.iter().zip(preflights.iter().copied()).collect();
    let request = &request;
    let clusters = change_clusters(reporter, items, "applying", "applied", |target, pre| async move {
        let mut changes = ClusterChanges::default();
        let result = apply::apply(target, request, pre, &mut changes.applied, &mut changes.warnings).await;
        (changes, result)
    })
    .await;
    Ok(CreateOutcome {
        files: Some(files),
        preflight,
        clusters,
        planned: None,
    })
}

/// The tenant Secret as `--dry-run` shows it: no token is read.
struct PlannedSecret<'a> {
    tenant: &'a str,
    username: String,
    credential: Option<String>,
    /// A token's or an App's form, from the credential's metadata.
    shape: AuthShape,
}

impl PlannedSecret<'_> {
    fn object(&self, flux_namespace: &str) -> Value {
        redacted_secret_object(
            &GitSecret::tenant(
                flux_namespace,
                self.tenant,
                self.username.clone(),
                self.credential.clone(),
            ),
            &self.shape,
        )
    }
}

/// The username the tenant Secret would get: `--username`, else the one stored with the
/// credential, else `git` — [`ResolvedToken::username`](crate::credentials::ResolvedToken)'s rule,
/// without reading the token (`--dry-run` never does).
fn planned_username(source: &TokenSource, explicit: Option<&str>, stores: TokenStores<'_>) -> String {
    let stored = match (source.credential_name(), stores.metas) {
        (Some(name), Some(metas)) => metas.get(name).ok().flatten().map(|m| m.username),
        _ => None,
    };
    explicit
        .map(str::to_string)
        .or(stored)
        .unwrap_or_else(|| DEFAULT_USERNAME.to_string())
}

/// `--dry-run --apply`: the objects each cluster would get, substituted, with the tenant Secret
/// redacted.
fn planned_objects(
    targets: &[KubeTarget],
    preflights: &[&Preflight],
    request: &ApplyRequest,
    secret: Option<&PlannedSecret<'_>>,
) -> Result<String> {
    let mut out = String::new();
    let secret_name = request.layout.tenant_secret(&request.tenant);
    for (target, pre) in targets.iter().zip(preflights) {
        let flux_namespace = &pre.flux_namespace;
        out.push_str(&format!(
            "# cluster {}: objects that would be applied\n",
            target.context
        ));
        let mut docs: Vec<Value> = secret.iter().map(|s| s.object(flux_namespace)).collect();
        docs.extend(pre.objects.iter().cloned());
        out.push_str(&yaml::to_multi_doc(&docs, "objects")?);
        if request.propagate {
            out.push_str(&if pre.kyverno {
                "# no copies: Kyverno clones the tenant Secret on this cluster\n".to_string()
            } else {
                format!(
                    "# plus copies of Secret {flux_namespace}/{secret_name} and ConfigMap {flux_namespace}/{} into every namespace labelled {TENANT_LABEL}={}\n",
                    request.layout.runtime_info(),
                    request.tenant
                )
            });
        }
    }
    Ok(out)
}

/// keos: the prerequisites every app component needs (GitRepository `keos-apps`). When the use case
/// has none yet, `--git-url` (the apps repository) scaffolds them; otherwise `--git-url` has no
/// meaning on keos and is refused rather than ignored.
fn keos_prerequisites(
    fleet: &FleetRepo,
    layout: &Layout,
    git_url: Option<&str>,
    insecure_http: bool,
) -> Result<Vec<GeneratedFile>> {
    let dir = layout.prerequisites_dir();
    let exists = fleet.path(&dir).is_dir();
    match (exists, git_url) {
        (true, None) => Ok(Vec::new()),
        (true, Some(_)) => Err(TenantError::Flags(format!(
            "--git-url: keos app components come from GitRepository {} ({}/source.yaml); --git-url only scaffolds a use case that has no {}/ yet",
            layout.apps().map(|a| a.source).unwrap_or_default(),
            dir.display(),
            dir.display(),
        ))
        .into()),
        (false, None) => Err(TenantError::RepoContent {
            path: dir,
            reason: "does not exist: run `kubectl fleet bootstrap init` with --apps-git-url, or pass --git-url URL (the keos apps repository) to scaffold it".into(),
        }
        .into()),
        (false, Some(url)) => {
            // keos-apps reads the Flux Secret like the use case's other domain sources.
            let provider = crate::bootstrap::keos::domain_provider(fleet, layout)?;
            let secret = crate::bootstrap::keos::new_domain_source_secret(fleet, layout);
            validate::git_url_for(url, insecure_http, provider)?;
            Ok(create::prerequisites_files(layout, url, provider, &secret)?)
        }
    }
}
