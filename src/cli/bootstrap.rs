//! `kubectl fleet bootstrap`: scaffold clusters in the fleet repo (`init`), bootstrap Flux on one
//! cluster or the whole fleet (bare `bootstrap CLUSTER…`), and show per-cluster Flux health
//! (`status`). Argument handling only; the work is in [`crate::bootstrap`].

use std::{path::PathBuf, time::Duration};

use clap::{Args as ClapArgs, Parser, Subcommand};
use futures::future::join_all;

use super::{GlobalArgs, KubeArgs, OutputArgs, OutputFormat, parse_duration};
use crate::{
    bootstrap::{
        BootstrapError, ClusterLayout, DEFAULT_NAMESPACE,
        apply::Options,
        from,
        init::{self, InitInput},
        operator::{self, DEFAULT_OPERATOR_MANIFEST},
        run::{self, Request, TokenSources},
        status,
    },
    credentials::{KeyringStore, MemoryStore, SecretStore, TokenSource},
    error::{Error, ExitStatus, Result},
    manifests::yaml,
    output::Printer,
    repo::{FileChange, FleetRepo, Profile, WritePlan},
};

const EXAMPLES: &str = "\
Examples:
  # Scaffold clusters/staging/ in the fleet repository checkout (current directory)
  kubectl fleet bootstrap init staging --git-url https://github.com/acme/fleet.git \\
    --cluster-name staging-1 --domain preview1.example.com

  # A production cluster from staging's settings: no image automation, GIT_BRANCH=production
  kubectl fleet bootstrap init prod-eu --from staging --production --domain eu.example.com

  # Bootstrap three clusters at once; the fleet and apps PATs come from the OS keyring
  kubectl fleet bootstrap staging prod-eu prod-us --token fleet-bot --tenant-token apps=apps-bot

  # A cluster directory whose kube context has another name
  kubectl fleet bootstrap prod-eu --context prod-eu=gke_acme_europe-west1_prod --token fleet-bot

  # Per-cluster Flux health
  kubectl fleet bootstrap status --all-contexts";

/// Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the whole fleet.
///
/// `kubectl fleet bootstrap CLUSTER…` checks every cluster first (reachable, Kubernetes version,
/// permissions, cluster directory, credentials) and changes nothing anywhere if an input is wrong.
/// Then, concurrently on each cluster: installs Flux Operator (with Helm ownership metadata so the
/// fleet repository's HelmRelease adopts it), writes the flux-system git Secret and tenant
/// Secrets, applies the FluxInstance (or the classic flux-system manifests) and waits until Flux
/// is Ready. Re-running changes nothing.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Cluster directories (clusters/NAME) to bootstrap.
    #[arg(value_name = "CLUSTER", add = cluster_dir_completer())]
    pub clusters: Vec<String>,

    #[command(flatten)]
    pub run: RunArgs,

    #[command(flatten)]
    pub fleet: FleetDirArg,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// `--fleet-dir`.
#[derive(ClapArgs, Debug, Clone)]
pub struct FleetDirArg {
    /// The fleet repository checkout.
    #[arg(long, value_name = "DIR", default_value = ".", global = true, value_hint = clap::ValueHint::DirPath)]
    pub fleet_dir: PathBuf,
}

/// Flags of the bare `bootstrap CLUSTER…`.
#[derive(ClapArgs, Debug, Default)]
pub struct RunArgs {
    /// Bootstrap every directory under clusters/.
    #[arg(long, conflicts_with = "clusters")]
    pub all: bool,

    /// Fleet git token: the name of a credential stored with `kubectl fleet token set`.
    #[arg(long, value_name = "NAME", group = "fleet_token", add = super::completion::credential_completer())]
    pub token: Option<String>,

    /// Read the fleet git token from stdin.
    #[arg(long, group = "fleet_token")]
    pub token_stdin: bool,

    /// Read the fleet git token from this environment variable.
    #[arg(long, value_name = "VAR", group = "fleet_token")]
    pub token_env: Option<String>,

    /// A tenant's git token from the keyring, written to flux-system/flux-TENANT with label
    /// toolkit.fluxcd.io/tenant=TENANT (repeatable).
    #[arg(long, value_name = "TENANT=NAME")]
    pub tenant_token: Vec<String>,

    /// A tenant's git token from an environment variable (repeatable).
    #[arg(long, value_name = "TENANT=VAR")]
    pub tenant_token_env: Vec<String>,

    /// Basic-auth user name of the git Secrets (default: the one stored with the credential, else
    /// "git"; GitHub and GitLab ignore it for PATs, but it must be set).
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,

    /// The Flux Operator release manifest (file or http(s) URL).
    #[arg(long, value_name = "FILE|URL", default_value = DEFAULT_OPERATOR_MANIFEST, value_hint = clap::ValueHint::FilePath)]
    pub operator_manifest: String,

    /// How long to wait for the FluxInstance and the sync Kustomization to be Ready.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Do not wait for readiness.
    #[arg(long)]
    pub no_wait: bool,

    /// Run every check, then print what would be applied (Secrets redacted) instead of applying.
    #[arg(long)]
    pub dry_run: bool,
}

/// Subcommands of `bootstrap`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write clusters/CLUSTER/ in the fleet repository (d1 or classic layout).
    #[command(after_help = INIT_EXAMPLES)]
    Init(Box<InitArgs>),
    /// Show Flux status per cluster: versions, readiness, revision, failing objects, tenants.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
}

const INIT_EXAMPLES: &str = "\
Examples:
  # d1 staging cluster (image automation on, ENVIRONMENT=staging, GIT_BRANCH=main)
  kubectl fleet bootstrap init staging --git-url https://github.com/acme/fleet.git \\
    --cluster-name staging-1 --domain preview1.example.com --set REGION=eu-west-1

  # Production: no image automation controllers, role=automation objects deleted
  kubectl fleet bootstrap init prod-eu --git-url https://github.com/acme/fleet.git \\
    --production --domain eu.example.com

  # Copy another cluster and re-target it; see the diff first
  kubectl fleet bootstrap init prod-us --from prod-eu --domain us.example.com --dry-run

  # Classic layout (flux bootstrap era): gotk-components.yaml is the manifest you supply
  flux install --export > /tmp/gotk-components.yaml
  kubectl fleet bootstrap init legacy --layout classic --components-manifest /tmp/gotk-components.yaml \\
    --git-url https://github.com/acme/fleet.git --domain legacy.example.com";

const STATUS_EXAMPLES: &str = "\
Examples:
  kubectl fleet bootstrap status staging prod-eu prod-us
  kubectl fleet bootstrap status --all-contexts -o json";

/// `bootstrap init` flags.
#[derive(ClapArgs, Debug)]
pub struct InitArgs {
    /// The cluster directory to write (clusters/CLUSTER).
    pub cluster: String,

    /// The namespace Flux runs in (default: flux-system, or the --from cluster's).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Copy another cluster's directory and re-target it (flags override its settings).
    #[arg(long, value_name = "CLUSTER")]
    pub from: Option<String>,

    /// Directory layout.
    #[arg(long, value_enum)]
    pub layout: Option<ClusterLayout>,

    /// ENVIRONMENT: the overlay the infra and apps repositories use (default: staging, or
    /// production with --production).
    #[arg(long, value_name = "NAME")]
    pub environment: Option<String>,

    /// GIT_BRANCH: the branch of the infra and apps repositories (default: main, or production with
    /// --production).
    #[arg(long, value_name = "BRANCH")]
    pub git_branch: Option<String>,

    /// CLUSTER_NAME (default: CLUSTER).
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,

    /// CLUSTER_DOMAIN: the cluster's ingress domain, e.g. eu.example.com.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// A production cluster: no image automation (no image controllers, and the tenants delete
    /// objects labelled toolkit.fluxcd.io/role=automation), ENVIRONMENT and GIT_BRANCH production.
    #[arg(long)]
    pub production: bool,

    /// Run image automation (the default unless --production).
    #[arg(long, overrides_with = "no_automation")]
    pub automation: bool,

    /// Do not run image automation.
    #[arg(long)]
    pub no_automation: bool,

    /// The fleet repository URL Flux syncs from (https).
    #[arg(long, value_name = "URL")]
    pub git_url: Option<String>,

    /// The fleet repository branch (or full ref) Flux syncs from.
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,

    /// The git Secret the sync reads.
    #[arg(long, value_name = "NAME")]
    pub pull_secret: Option<String>,

    /// The fleet repository is public: no pull secret.
    #[arg(long, conflicts_with = "pull_secret")]
    pub public_repo: bool,

    /// Flux version expression (default 2.x, the latest).
    #[arg(long, value_name = "VERSION")]
    pub flux_version: Option<String>,

    /// Registry of the Flux images.
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,

    /// OCI artifact of the distribution manifests ('none' for the manifests bundled with the
    /// operator, e.g. on air-gapped clusters).
    #[arg(long, value_name = "URL")]
    pub artifact: Option<String>,

    /// Enterprise distribution variant.
    #[arg(long, value_parser = ["upstream-alpine", "enterprise-alpine", "enterprise-distroless", "enterprise-distroless-fips"])]
    pub variant: Option<String>,

    /// Image pull secret for the distribution registry (e.g. flux-enterprise-auth).
    #[arg(long, value_name = "NAME")]
    pub image_pull_secret: Option<String>,

    /// Flux controllers (comma-separated; the image automation controllers follow --production).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub components: Option<Vec<String>>,

    /// Cluster type.
    #[arg(long, value_parser = ["kubernetes", "openshift", "aws", "azure", "gcp"])]
    pub cluster_type: Option<String>,

    /// Multi-tenancy lockdown (the default).
    #[arg(long, overrides_with = "no_multitenant")]
    pub multitenant: bool,

    /// No multi-tenancy lockdown.
    #[arg(long)]
    pub no_multitenant: bool,

    /// Service account tenants' reconcilers impersonate by default.
    #[arg(long, value_name = "NAME")]
    pub tenant_default_sa: Option<String>,

    /// Network policies for the Flux controllers (the default).
    #[arg(long, overrides_with = "no_network_policy")]
    pub network_policy: bool,

    /// No network policies.
    #[arg(long)]
    pub no_network_policy: bool,

    /// Let the FluxInstance wait for the Flux controllers to be healthy (the operator's default).
    #[arg(long, overrides_with = "no_instance_wait")]
    pub instance_wait: bool,

    /// Set spec.wait: false on the FluxInstance (clusters where Deployments never become ready,
    /// e.g. a control plane without nodes).
    #[arg(long)]
    pub no_instance_wait: bool,

    /// The Flux Operator chart the flux-operator ResourceSet installs (an oci:// mirror), or 'none'
    /// for no ResourceSet (upgrade the operator by re-running bootstrap with a newer manifest).
    #[arg(long, value_name = "URL|none")]
    pub operator_chart: Option<String>,

    /// The cluster's DNS domain (spec.cluster.domain).
    #[arg(long, value_name = "DOMAIN")]
    pub cluster_dns_domain: Option<String>,

    /// An extra runtime-info key (repeatable), e.g. --set REGION=eu-west-1.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Classic layout: the Flux components manifest to copy as gotk-components.yaml (file or URL).
    #[arg(long, value_name = "FILE|URL", value_hint = clap::ValueHint::FilePath)]
    pub components_manifest: Option<String>,

    /// Overwrite files that differ.
    #[arg(long)]
    pub force: bool,

    /// Print the diff of what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `bootstrap status` flags.
#[derive(ClapArgs, Debug)]
pub struct StatusArgs {
    /// Clusters (mapped to contexts like `bootstrap CLUSTER…`); default: --context/--all-contexts
    /// or the current context.
    #[arg(value_name = "CLUSTER")]
    pub clusters: Vec<String>,

    /// The namespace Flux runs in.
    #[arg(short = 'n', long, value_name = "NAMESPACE", default_value = DEFAULT_NAMESPACE)]
    pub namespace: String,
}

/// Completes cluster directory names of the fleet repository in the current directory (where
/// bootstrap usually runs; `--fleet-dir` is not visible to a value completer).
fn cluster_dir_completer() -> clap_complete::engine::ArgValueCompleter {
    clap_complete::engine::ArgValueCompleter::new(|current: &std::ffi::OsStr| {
        let prefix = current.to_string_lossy();
        let Ok(repo) = FleetRepo::open(std::path::Path::new(".")) else {
            return Vec::new();
        };
        crate::bootstrap::clusterdir::cluster_names(&repo)
            .into_iter()
            .filter(|n| n.starts_with(prefix.as_ref()))
            .map(clap_complete::engine::CompletionCandidate::new)
            .collect()
    })
}

fn flag_pair(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

fn dedupe(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let printer = args.global.printer();
    match args.command {
        Some(Command::Init(init)) => run_init(*init, &args.fleet, &printer).await,
        Some(Command::Status(status)) => run_status(status, &args.kube, &args.output, &printer).await,
        None => {
            run_bootstrap(
                args.clusters,
                args.run,
                &args.fleet,
                &args.kube,
                &args.output,
                &printer,
            )
            .await
        }
    }
}

async fn run_init(a: InitArgs, fleet: &FleetDirArg, printer: &Printer) -> Result<ExitStatus> {
    let repo = FleetRepo::open(&fleet.fleet_dir)?;
    if repo.config().profile == Profile::Keos {
        return Err(Error::Usage(format!(
            "{} selects the keos profile, whose cluster directories (clusters/NAME/default/…) bootstrap \
             init does not generate; use --fleet-dir on a d1 fleet",
            repo.path(crate::repo::CONFIG_FILE).display()
        )));
    }
    let mut set = Vec::new();
    for s in &a.set {
        set.push(init::parse_set(s)?);
    }
    let input = InitInput {
        cluster: a.cluster.clone(),
        namespace: a.namespace.clone(),
        layout: a.layout,
        environment: a.environment,
        git_branch: a.git_branch,
        cluster_name: a.cluster_name,
        domain: a.domain.clone(),
        production: a.production,
        automation: flag_pair(a.automation, a.no_automation),
        git_url: a.git_url,
        branch: a.branch,
        pull_secret: a.pull_secret,
        public_repo: a.public_repo,
        flux_version: a.flux_version,
        registry: a.registry,
        artifact: a.artifact,
        variant: a.variant,
        image_pull_secret: a.image_pull_secret,
        components: a.components,
        cluster_type: a.cluster_type,
        multitenant: flag_pair(a.multitenant, a.no_multitenant),
        tenant_default_service_account: a.tenant_default_sa,
        network_policy: flag_pair(a.network_policy, a.no_network_policy),
        dns_domain: a.cluster_dns_domain,
        instance_wait: flag_pair(a.instance_wait, a.no_instance_wait),
        operator_chart: a.operator_chart,
        set,
    };
    let base = a
        .from
        .as_deref()
        .map(|o| from::read_cluster(&repo, o))
        .transpose()?;
    let spec = init::resolve(&input, base.as_ref())?;
    let components = match (&a.components_manifest, spec.layout) {
        (Some(_), ClusterLayout::D1) => {
            return Err(BootstrapError::InvalidFlag {
                flag: "--components-manifest",
                value: a.components_manifest.clone().unwrap_or_default(),
                reason: "only the classic layout has a components manifest (--layout classic); the d1 \
                         layout's FluxInstance installs the components"
                    .into(),
            }
            .into());
        }
        (Some(src), ClusterLayout::Classic) => {
            let text = operator::fetch_text(src, "the Flux components manifest").await?;
            // Refuse a file kustomize-controller could not apply later.
            yaml::objects_from_multi_doc(&text, src)?;
            Some(text)
        }
        (None, _) => None,
    };
    if let Some(b) = &base {
        if a.domain.is_none() {
            printer.warn(&format!(
                "CLUSTER_DOMAIN copied from {}: {} (pass --domain to change it)",
                b.spec.cluster, spec.runtime.cluster_domain
            ));
        }
        for f in &b.not_copied {
            printer.warn(&format!(
                "clusters/{}/{f} was not copied (bootstrap init generates only the standard files)",
                b.spec.cluster
            ));
        }
    }
    let files = init::generate(&spec, base.as_ref(), components.as_deref())?;
    let plan = WritePlan::new(&repo, files)?;
    if a.dry_run {
        if plan.is_noop() {
            printer.success(&format!(
                "{} is up to date; nothing would change",
                spec.dir().display()
            ));
        } else {
            printer.data(&plan.diff())?;
        }
        return Ok(ExitStatus::Success);
    }
    plan.apply(&repo, a.force)?;
    for (f, change) in plan.entries() {
        let verb = match change {
            FileChange::Create => "created",
            FileChange::Update { .. } => "updated",
            FileChange::Unchanged => "unchanged",
        };
        printer.success(&format!("{verb} {}", f.path.display()));
    }
    if !plan.is_noop() {
        printer.note(&format!(
            "next: commit and push {}, then run: kubectl fleet bootstrap {} --token NAME",
            spec.dir().display(),
            spec.cluster
        ));
    }
    Ok(ExitStatus::Success)
}

async fn run_status(
    a: StatusArgs,
    kube: &KubeArgs,
    output: &OutputArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let kubeconfig = kube.kubeconfig()?;
    let pairs: Vec<(String, String)> = if a.clusters.is_empty() {
        kube.select(&kubeconfig)?
            .into_iter()
            .map(|c| (c.clone(), c))
            .collect()
    } else {
        if kube.all_contexts {
            return Err(Error::Usage(
                "name clusters or pass --all-contexts, not both".into(),
            ));
        }
        run::map_contexts(&dedupe(&a.clusters), &kube.contexts, &kubeconfig)?
    };
    let namespace = a.namespace.clone();
    let mut targets = Vec::new();
    for (_, context) in &pairs {
        targets.push(kubeconfig.target(context, kube.client_options()).await?);
    }
    let rows = join_all(
        pairs
            .iter()
            .zip(&targets)
            .map(|((cluster, _), t)| status::cluster_status(cluster, t, &namespace)),
    )
    .await;
    let text = match output.output {
        OutputFormat::Table => status::render_table(&rows, printer.stdout_paint()),
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(&rows).map_err(|e| Error::io("JSON", e.into()))?;
            s.push('\n');
            s
        }
        OutputFormat::Yaml => yaml::to_string(&rows, "the status")?,
    };
    printer.data(&text)?;
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    Ok(if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

async fn run_bootstrap(
    clusters: Vec<String>,
    a: RunArgs,
    fleet: &FleetDirArg,
    kube: &KubeArgs,
    output: &OutputArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    if kube.all_contexts {
        return Err(Error::Usage(
            "bootstrap selects clusters by directory: name them (kubectl fleet bootstrap staging prod-eu) or pass --all"
                .into(),
        ));
    }
    let repo = FleetRepo::open(&fleet.fleet_dir)?;
    let clusters = if a.all {
        let all = crate::bootstrap::clusterdir::cluster_names(&repo);
        if all.is_empty() {
            return Err(Error::Usage(format!(
                "no cluster directories under {}",
                repo.path("clusters").display()
            )));
        }
        all
    } else if clusters.is_empty() {
        return Err(Error::Usage(
            "name the clusters to bootstrap (e.g. kubectl fleet bootstrap staging prod-eu), or pass --all; \
             see kubectl fleet bootstrap --help"
                .into(),
        ));
    } else {
        dedupe(&clusters)
    };

    let fleet_token = match (&a.token, a.token_stdin, &a.token_env) {
        (Some(name), _, _) => {
            crate::credentials::validate_name(name)?;
            Some(TokenSource::Keyring(name.clone()))
        }
        (_, true, _) => Some(TokenSource::Stdin),
        (_, _, Some(var)) => Some(TokenSource::Env(var.clone())),
        _ => None,
    };
    let mut tenants = Vec::new();
    for t in &a.tenant_token {
        let (tenant, name) = run::parse_tenant("--tenant-token", t)?;
        crate::credentials::validate_name(&name)?;
        tenants.push((tenant, TokenSource::Keyring(name)));
    }
    for t in &a.tenant_token_env {
        let (tenant, var) = run::parse_tenant("--tenant-token-env", t)?;
        tenants.push((tenant, TokenSource::Env(var)));
    }
    if let Some(dup) = tenants
        .iter()
        .enumerate()
        .find(|(i, (t, _))| tenants[..*i].iter().any(|(o, _)| o == t))
        .map(|(_, (t, _))| t.clone())
    {
        return Err(Error::Usage(format!(
            "tenant '{dup}' is given more than one token"
        )));
    }
    let tokens = TokenSources {
        fleet: fleet_token,
        tenants,
    };
    let store: Box<dyn SecretStore> = if tokens.needs_keyring() {
        Box::new(KeyringStore::open()?)
    } else {
        Box::new(MemoryStore::default())
    };

    let request = Request {
        repo,
        clusters,
        contexts: kube.contexts.clone(),
        kubeconfig: kube.kubeconfig()?,
        client: kube.client_options(),
        tokens,
        operator_manifest: a.operator_manifest.clone(),
        options: Options {
            wait: !a.no_wait,
            timeout: a.timeout,
            username: a.username.clone(),
        },
        dry_run: a.dry_run,
    };
    let prepared = run::prepare(&request, store.as_ref()).await?;
    let outcome = run::run(&request, prepared, printer).await?;
    if a.dry_run {
        printer.data(&outcome.plans.join("---\n"))?;
    } else {
        let text = match output.output {
            OutputFormat::Table => run::render_table(&outcome.reports, printer.stdout_paint()),
            OutputFormat::Json => {
                let mut s = serde_json::to_string_pretty(&outcome.reports)
                    .map_err(|e| Error::io("JSON", e.into()))?;
                s.push('\n');
                s
            }
            OutputFormat::Yaml => yaml::to_string(&outcome.reports, "the summary")?,
        };
        printer.data(&text)?;
    }
    let failed = outcome.reports.iter().filter(|r| r.failed()).count();
    if failed > 0 {
        printer.failure(&format!(
            "{failed} of {} failed",
            crate::output::plural(outcome.reports.len(), "cluster")
        ));
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::Success)
}
