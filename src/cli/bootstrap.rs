//! `kubectl fleet bootstrap`: scaffold clusters in the fleet repo (`init`), bootstrap Flux on one
//! cluster or the whole fleet (bare `bootstrap CLUSTER…`), and show per-cluster Flux health
//! (`status`). Argument handling and printing only; the work is in [`crate::ops::bootstrap`].

use std::{path::PathBuf, time::Duration};

use clap::{Args as ClapArgs, Parser, Subcommand};

use super::{GlobalArgs, KubeArgs, OutputArgs, parse_duration};
use crate::{
    bootstrap::{
        DEFAULT_NAMESPACE, InitInput,
        apply::Options,
        clusterdir,
        fleet::TokenSources,
        keos::DecryptionKey,
        operator::DEFAULT_OPERATOR_MANIFEST,
        status::{ClusterStatus, KindStats, Readiness},
    },
    credentials::{KeyringStore, MemoryStore, MetaStore, SecretStore, TokenSource},
    error::{Error, ExitStatus, Result},
    ops::bootstrap::{
        self as op, BootstrapRequest, ClusterDirs, ClusterReport, ClusterResult, InitRequest, KeosOptions,
        StatusRequest, StatusTargets,
    },
    output::{Paint, Printer, TableBuilder, Tone, plural, short_revision, table_message},
    repo::{FileChange, FleetRepo},
    status::State,
};

const EXAMPLES: &str = "\
Examples:
  # Scaffold clusters/staging/ in the fleet repository checkout (current
  # directory)
  kubectl fleet bootstrap init staging \\
    --git-url https://github.com/acme/fleet.git \\
    --cluster-name staging-1 --domain preview1.example.com

  # A production cluster from staging's settings: no image automation,
  # GIT_BRANCH=production
  kubectl fleet bootstrap init prod-eu --from staging --production \\
    --domain eu.example.com

  # Bootstrap three clusters at once; the fleet and apps PATs come from the OS
  # keyring
  kubectl fleet bootstrap staging prod-eu prod-us --token fleet-bot \\
    --tenant-token apps=apps-bot

  # A cluster directory whose kube context has another name
  kubectl fleet bootstrap prod-eu --context prod-eu=gke_acme_europe-west1_prod \\
    --token fleet-bot

  # keos fleet (profile: keos): the manual procedure in one command, the SOPS
  # key on stdin
  gpg --export-secret-keys --armor 1237C663B4C1D35144933583F0941B3EAFEA3837 |
    kubectl fleet bootstrap eosdev2 --token fleet-bot --sops-gpg-key -

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

    #[command(flatten, next_help_heading = super::args::OUTPUT_HEADING)]
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

    /// Accept a plain http:// sync URL although the token then crosses the network unencrypted
    /// (a lab git server).
    #[arg(long)]
    pub insecure_http: bool,

    /// The Flux Operator release manifest (file or http(s) URL).
    #[arg(long, value_name = "FILE|URL", default_value = DEFAULT_OPERATOR_MANIFEST, value_hint = clap::ValueHint::FilePath)]
    pub operator_manifest: String,

    /// How long to wait for the FluxInstance and the sync Kustomization to be Ready (default 5m;
    /// keos: 20m, for default and every domain Kustomization).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Do not wait for readiness.
    #[arg(long)]
    pub no_wait: bool,

    /// Run every check, then print what would be applied (Secrets redacted) instead of applying.
    #[arg(long)]
    pub dry_run: bool,

    /// The kubectl whose kustomize builds classic flux-system directories (default: $KUBECTL,
    /// then kubectl on PATH).
    #[arg(long, value_name = "PATH", value_hint = clap::ValueHint::ExecutablePath)]
    pub kubectl: Option<PathBuf>,

    /// The sops binary that decrypts clusters' secrets files (default: $SOPS, then sops on PATH).
    #[arg(long, value_name = "PATH", value_hint = clap::ValueHint::ExecutablePath)]
    pub sops: Option<PathBuf>,
    /// Install Flux where it is missing (Flux Operator and a FluxInstance without sync),
    /// instead of failing that cluster.
    #[arg(long, help_heading = "keos")]
    pub install_flux: bool,

    /// The armored PGP secret key of the cluster's secrets/.sops.yaml (FILE, or - for
    /// stdin), written as Secret flux-system/sops-gpg for kubernetes-replicator to copy.
    #[arg(long, value_name = "FILE", group = "sops_key", help_heading = "keos", value_hint = clap::ValueHint::FilePath)]
    pub sops_gpg_key: Option<String>,

    /// The age identity of the cluster's secrets/.sops.yaml (FILE, or - for stdin), written
    /// as Secret flux-system/sops-age.
    #[arg(long, value_name = "FILE", group = "sops_key", help_heading = "keos", value_hint = clap::ValueHint::FilePath)]
    pub sops_age_key: Option<String>,
}

/// Subcommands of `bootstrap`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write clusters/CLUSTER/ in the fleet repository (d1, classic or keos layout).
    #[command(after_help = INIT_EXAMPLES)]
    Init(Box<InitArgs>),
    /// Show Flux status per cluster: versions, readiness, revision, failing objects, tenants.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
}

const INIT_EXAMPLES: &str = "\
Examples:
  # d1 staging cluster (image automation on, ENVIRONMENT=staging,
  # GIT_BRANCH=main)
  kubectl fleet bootstrap init staging \\
    --git-url https://github.com/acme/fleet.git \\
    --cluster-name staging-1 --domain preview1.example.com \\
    --set REGION=eu-west-1

  # Production: no image automation controllers, role=automation objects deleted
  kubectl fleet bootstrap init prod-eu \\
    --git-url https://github.com/acme/fleet.git \\
    --production --domain eu.example.com

  # Copy another cluster and re-target it; see the diff first
  kubectl fleet bootstrap init prod-us --from prod-eu --domain us.example.com \\
    --dry-run

  # Classic layout (flux bootstrap era): gotk-components.yaml is the manifest
  # you supply
  flux install --export > /tmp/gotk-components.yaml
  kubectl fleet bootstrap init legacy --layout classic \\
    --components-manifest /tmp/gotk-components.yaml \\
    --git-url https://github.com/acme/fleet.git --domain legacy.example.com

  # keos fleet (profile: keos, useCase in kubectl-fleet.yaml): runtime keys by
  # flag and --set
  kubectl fleet bootstrap init eosdev2 \\
    --git-url https://github.com/acme/keos-fleet.git \\
    --domain k8s.eosdev2.example.com --set STRATIO_SIZE=S \\
    --set CONTAINER_REGISTRY_URL=registry.example.com:443 \\
    --set HELM_REGISTRY_PROVIDER=generic \\
    --set HELM_REGISTRY_TYPE=default \\
    --set HELM_REGISTRY_URL=https://helm.example.com \\
    --sops-pgp 1237C663B4C1D35144933583F0941B3EAFEA3837

  # keos: another cluster from eosdev2's settings (--from _TEMPLATE fills its
  # _PLACEHOLDERs
  # from the same flags instead)
  kubectl fleet bootstrap init eosdev3 --from eosdev2 \\
    --domain k8s.eosdev3.example.com \\
    --set STRATIO_SIZE=M";

const STATUS_EXAMPLES: &str = "\
Examples:
  kubectl fleet bootstrap status staging prod-eu prod-us
  kubectl fleet bootstrap status --all-contexts -o json
  # keos: the use case, size and components Ready per domain
  kubectl fleet bootstrap status eosdev2
  # what `flux stats` shows, per cluster and for the fleet
  kubectl fleet bootstrap status staging prod-eu prod-us --stats";

/// `bootstrap init` flags: the inputs of the cluster directory, then how to write it.
#[derive(ClapArgs, Debug)]
pub struct InitArgs {
    #[command(flatten)]
    pub input: InitInput,

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

    /// Show what `flux stats` shows instead: per cluster and for the fleet, per Flux kind the
    /// objects running, failing, suspended and the sources' storage.
    #[arg(long)]
    pub stats: bool,
}

/// The fleet's `flux stats` (`bootstrap status --stats -o json|yaml`).
#[derive(serde::Serialize)]
struct FleetStats<'a> {
    clusters: Vec<ClusterStats<'a>>,
    fleet: Vec<KindStats>,
}

#[derive(serde::Serialize)]
struct ClusterStats<'a> {
    cluster: &'a str,
    context: &'a str,
    stats: &'a [KindStats],
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// Completes cluster directory names of the fleet repository in the current directory (where
/// bootstrap usually runs; `--fleet-dir` is not visible to a value completer).
fn cluster_dir_completer() -> clap_complete::engine::ArgValueCompleter {
    clap_complete::engine::ArgValueCompleter::new(|current: &std::ffi::OsStr| {
        let prefix = current.to_string_lossy();
        let Ok(repo) = FleetRepo::open(std::path::Path::new(".")) else {
            return Vec::new();
        };
        clusterdir::cluster_names(&repo)
            .into_iter()
            .filter(|n| n.starts_with(prefix.as_ref()))
            .map(clap_complete::engine::CompletionCandidate::new)
            .collect()
    })
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
    let request = InitRequest {
        repo: FleetRepo::open(&fleet.fleet_dir)?,
        input: a.input,
        components_manifest: a.components_manifest,
        force: a.force,
        dry_run: a.dry_run,
    };
    let out = op::init(request, printer).await?;
    if !out.written {
        if out.plan.is_noop() {
            printer.success(&format!(
                "{} is up to date; nothing would change",
                out.dir.display()
            ));
        } else {
            printer.data(&out.plan.diff())?;
        }
        return Ok(ExitStatus::Success);
    }
    for (f, change) in out.plan.entries() {
        let verb = match change {
            FileChange::Create => "created",
            FileChange::Update { .. } => "updated",
            FileChange::Unchanged => "unchanged",
        };
        printer.success(&format!("{verb} {}", f.path.display()));
    }
    if !out.plan.is_noop() {
        printer.note(&format!(
            "next: commit and push {}, then run: kubectl fleet bootstrap {} --token NAME",
            out.dir.display(),
            out.cluster
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
    let targets = if a.clusters.is_empty() {
        StatusTargets::Contexts(kube.select(&kubeconfig)?)
    } else {
        if kube.all_contexts {
            return Err(Error::Usage(
                "name clusters or pass --all-contexts, not both".into(),
            ));
        }
        StatusTargets::Clusters {
            clusters: a.clusters,
            contexts: kube.contexts.clone(),
        }
    };
    let request = StatusRequest {
        targets,
        kubeconfig,
        client: kube.client_options(),
        namespace: a.namespace,
    };
    let out = op::status(request, printer).await?;
    let rows = out.rows();
    match (output.output.document(), a.stats) {
        (Some(format), false) => printer.document(format, "BootstrapStatusList", &rows)?,
        (None, false) => {
            let wide = output.output.is_wide();
            printer.table(&status_table(&rows, printer.stdout_paint(), wide), wide)?
        }
        (Some(format), true) => {
            let body = FleetStats {
                clusters: rows
                    .iter()
                    .map(|r| ClusterStats {
                        cluster: &r.cluster,
                        context: &r.context,
                        stats: &r.stats,
                        error: r.error.as_deref(),
                    })
                    .collect(),
                fleet: KindStats::fleet(&rows),
            };
            printer.document(format, "FluxStats", &body)?
        }
        (None, true) => printer.table(
            &stats_table(&rows, printer.stdout_paint()),
            output.output.is_wide(),
        )?,
    }
    Ok(out.exit_status())
}

/// How long bootstrap waits on a d1 or classic cluster by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);

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
    let fleet_token = match (a.token, a.token_stdin, a.token_env) {
        (Some(name), _, _) => Some(TokenSource::Keyring(name)),
        (_, true, _) => Some(TokenSource::Stdin),
        (_, _, Some(var)) => Some(TokenSource::Env(var)),
        _ => None,
    };
    let tokens = TokenSources::parse(fleet_token, &a.tenant_token, &a.tenant_token_env)?;
    let store: Box<dyn SecretStore> = if tokens.needs_keyring() {
        Box::new(KeyringStore::open()?)
    } else {
        Box::new(MemoryStore::default())
    };
    // The credential index only supplies the username stored with a credential; without a config
    // directory the default username is used.
    let metas = MetaStore::open().ok();
    let request = BootstrapRequest {
        clusters: if a.all {
            ClusterDirs::All
        } else {
            ClusterDirs::Named(clusters)
        },
        contexts: kube.contexts.clone(),
        kubeconfig: kube.kubeconfig()?,
        client: kube.client_options(),
        tokens,
        operator_manifest: a.operator_manifest,
        options: Options {
            wait: !a.no_wait,
            timeout: a
                .timeout
                .or_else(|| op::default_timeout(&repo))
                .unwrap_or(DEFAULT_TIMEOUT),
            username: a.username,
        },
        dry_run: a.dry_run,
        kubectl: a.kubectl,
        sops: a.sops,
        keos: KeosOptions {
            install_flux: a.install_flux,
            sops_key: match (a.sops_gpg_key, a.sops_age_key) {
                (Some(f), _) => Some((DecryptionKey::Gpg, f)),
                (_, Some(f)) => Some((DecryptionKey::Age, f)),
                _ => None,
            },
        },
        insecure_http: a.insecure_http,
        repo,
    };
    let out = op::bootstrap(request, store.as_ref(), metas.as_ref(), printer).await?;
    if a.dry_run {
        printer.data(&out.plans().join("---\n"))?;
    } else {
        let rows = out.rows();
        match output.output.document() {
            Some(format) => printer.document(format, "BootstrapResultList", &rows)?,
            None => printer.table(
                &summary_table(&rows, printer.stdout_paint()),
                output.output.is_wide(),
            )?,
        }
    }
    let failed = out.failed();
    if failed > 0 {
        printer.failure(&format!(
            "{failed} of {} failed",
            plural(out.reports.len(), "cluster")
        ));
    }
    Ok(out.exit_status())
}

/// The bootstrap summary (kubectl style).
pub fn summary_table(reports: &[ClusterReport], paint: Paint) -> String {
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

fn state_cell(r: &Option<Readiness>) -> (String, Tone) {
    match r {
        Some(r) => (r.state.label().to_string(), r.state.tone()),
        None => ("-".into(), Tone::Dim),
    }
}

/// The `bootstrap status` table (kubectl style): short revisions and no routine message unless
/// `wide`.
pub fn status_table(rows: &[ClusterStatus], paint: Paint, wide: bool) -> String {
    let mut t = TableBuilder::new(
        [
            "cluster", "context", "operator", "flux", "instance", "sync", "revision", "failing", "tenants",
            "message",
        ],
        paint,
    );
    for r in rows {
        let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        if let Some(e) = &r.error {
            t.toned_row([
                (r.cluster.clone(), Tone::Bold),
                (r.context.clone(), Tone::Plain),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                (e.clone(), Tone::Bad),
            ]);
            continue;
        }
        let shown = r
            .instance
            .as_ref()
            .filter(|i| i.state != State::Ready)
            .or(r.sync.as_ref())
            .or(r.instance.as_ref());
        let message = shown
            .and_then(|i| {
                let ready = i.state == State::Ready;
                i.message
                    .as_deref()
                    .map(|m| if wide { m } else { table_message(ready, m) }.to_string())
            })
            .unwrap_or_else(|| {
                if r.instance.is_none() && r.sync.is_none() {
                    "Flux is not installed".into()
                } else {
                    String::new()
                }
            });
        let message = match &r.keos {
            Some(k) => {
                let mut keos = format!("keos {} (size {})", k.use_case, k.size);
                if let Some(domains) = r.domains_line() {
                    keos.push_str(", ");
                    keos.push_str(&domains);
                }
                if message.is_empty() {
                    keos
                } else {
                    format!("{keos}: {message}")
                }
            }
            None => message,
        };
        let failing = if r.unreadable_kinds.is_empty() {
            r.failing.to_string()
        } else {
            format!("{}+?", r.failing)
        };
        let (instance, itone) = state_cell(&r.instance);
        let (sync, stone) = state_cell(&r.sync);
        t.toned_row([
            (r.cluster.clone(), Tone::Bold),
            (r.context.clone(), Tone::Plain),
            (dash(&r.operator_version), Tone::Plain),
            (dash(&r.flux_version), Tone::Plain),
            (instance, itone),
            (sync, stone),
            (
                match &r.revision {
                    Some(rev) if !wide => short_revision(rev),
                    other => dash(other),
                },
                Tone::Plain,
            ),
            (failing, if r.failing > 0 { Tone::Bad } else { Tone::Plain }),
            (
                r.tenants_ready(),
                if r.tenants.iter().all(|t| t.ready) {
                    Tone::Plain
                } else {
                    Tone::Warn
                },
            ),
            (message, Tone::Plain),
        ]);
    }
    t.render()
}

/// `bootstrap status --stats`: `flux stats` per cluster, then the fleet's totals (`(fleet)`).
pub fn stats_table(rows: &[ClusterStatus], paint: Paint) -> String {
    let mut t = TableBuilder::new(
        [
            "cluster",
            "reconcilers",
            "running",
            "failing",
            "suspended",
            "storage",
        ],
        paint,
    );
    let fleet = KindStats::fleet(rows);
    let emit = |t: &mut TableBuilder, cluster: &str, stats: &[KindStats]| {
        for s in stats {
            t.toned_row([
                (cluster.to_string(), Tone::Bold),
                (s.kind.clone(), Tone::Plain),
                (s.running.to_string(), Tone::Plain),
                (
                    s.failing.to_string(),
                    if s.failing > 0 { Tone::Bad } else { Tone::Plain },
                ),
                (
                    s.suspended.to_string(),
                    if s.suspended > 0 { Tone::Warn } else { Tone::Plain },
                ),
                (s.storage(), Tone::Plain),
            ]);
        }
    };
    for r in rows {
        if let Some(e) = &r.error {
            t.toned_row([
                (r.cluster.clone(), Tone::Bold),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                ("-".into(), Tone::Dim),
                (e.clone(), Tone::Bad),
            ]);
            continue;
        }
        emit(&mut t, &r.cluster, &r.stats);
    }
    if rows.len() > 1 {
        emit(&mut t, "(fleet)", &fleet);
    }
    t.render()
}
