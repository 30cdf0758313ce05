//! `kubectl fleet tenant`: tenant and platform-component onboarding. Parses the arguments, opens
//! the real stores, calls one operation of [`crate::ops::tenant`] and prints its result; the
//! workflows live there, generation and cluster work in [`crate::tenant`].

use std::{io::IsTerminal, path::PathBuf, time::Duration};

use clap::{Args as ClapArgs, Parser, Subcommand};

use super::{GlobalArgs, KubeArgs, OutputArgs, parse_duration};
use crate::{
    credentials::{LazyKeyring, MetaStore, TokenSource},
    error::{ExitStatus, Result},
    kube::ClusterSelection,
    ops::tenant::{
        self as ops, AppAddRequest, AutomationRequest, ClusterResults, ComponentAddRequest, CreateRequest,
        DeleteRequest, ListRequest, RepoSelection, TokenStores,
    },
    output::{Printer, TableBuilder},
    repo::names::GitProvider,
    tenant::{create::DEFAULT_ROLE, list},
};

const EXAMPLES: &str = "Examples:
  # Onboard namespace backend for tenant apps (writes
  # tenants/apps/components/backend/)
  kubectl fleet tenant create backend --tenant apps \\
    --git-url https://github.com/org/apps.git

  # Preview the files, then apply them to two clusters with the tenant secret
  # from the keyring
  kubectl fleet tenant create backend --tenant apps --dry-run
  kubectl fleet tenant create backend --tenant apps --apply --context staging \\
    --context prod-eu \\
    --token apps-bot --propagate

  # Onboard platform component admission after monitoring
  kubectl fleet tenant component add admission \\
    --depends-on monitoring-controllers

  # keos: an apps namespace and two of its components, the second after the
  # first
  kubectl fleet tenant create stratio-datastores --tenant apps \\
    --role cluster-admin
  kubectl fleet tenant app add stratio-datastores postgres
  kubectl fleet tenant app add stratio-datastores pgbouncer \\
    --depends-on postgres

  # Image automation for tenant apps
  kubectl fleet tenant automation apps

  # Health of every tenant on every cluster
  kubectl fleet tenant list --all-contexts

  # Remove a tenant namespace from the repository and from the clusters
  kubectl fleet tenant delete backend --apply --all-contexts";

/// Onboard tenant namespaces and platform components, and show tenants' health.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub repo: RepoArgs,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Where the fleet repository is and, for keos, which use case.
#[derive(ClapArgs, Clone, Debug)]
pub struct RepoArgs {
    /// The fleet repository checkout; its fleet config file selects the layout profile (d1, keos).
    #[arg(long, value_name = "DIR", default_value = ".", global = true)]
    pub fleet_dir: PathBuf,

    /// keos profile: the use case (domain/apps/<use-case>/…); default: useCase in the fleet config.
    #[arg(long, value_name = "NAME", global = true)]
    pub use_case: Option<String>,
}

/// Subcommands of `tenant`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Onboard a tenant namespace (writes its directory; --apply also applies it).
    #[command(after_help = CREATE_EXAMPLES)]
    Create(CreateArgs),
    /// Remove a tenant namespace (its directory; --apply also deletes it from clusters).
    #[command(after_help = DELETE_EXAMPLES)]
    Delete(DeleteArgs),
    /// Platform components (reconciled as cluster admin).
    Component {
        #[command(subcommand)]
        command: ComponentCommand,
    },
    /// keos: app components of an apps namespace (one Kustomization each).
    App {
        #[command(subcommand)]
        command: AppCommand,
    },
    /// Write a tenant's image-automation directory.
    #[command(after_help = AUTOMATION_EXAMPLES)]
    Automation(AutomationArgs),
    /// Show tenants' health on one or more clusters.
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),
}

const CREATE_EXAMPLES: &str = "Examples:
  kubectl fleet tenant create backend --tenant apps \\
    --git-url https://github.com/org/apps.git
  # git URL taken from backend
  kubectl fleet tenant create frontend --tenant apps
  kubectl fleet tenant create web --tenant apps \\
    --path './apps/web/${ENVIRONMENT}' --dry-run
  echo \"$APPS_PAT\" | kubectl fleet tenant create backend --tenant apps --apply \\
    --token-stdin --propagate";

const DELETE_EXAMPLES: &str = "Examples:
  # remove the directory only
  kubectl fleet tenant delete backend
  kubectl fleet tenant delete backend --apply --context staging --yes";

const AUTOMATION_EXAMPLES: &str = "Examples:
  kubectl fleet tenant automation apps
  kubectl fleet tenant automation infra --author-name fleet-bot \\
    --author-email bot@example.com";

const LIST_EXAMPLES: &str = "Examples:
  kubectl fleet tenant list
  kubectl fleet tenant list --all-contexts --tenant apps
  kubectl fleet tenant list --context prod-eu -o json
  # keos: one row per component (domain, namespace, use case, size, its
  # Kustomization, secrets and source); --tenant selects a domain
  kubectl fleet tenant list --context eosdev2 --tenant system-services";

const COMPONENT_EXAMPLES: &str = "Examples:
  kubectl fleet tenant component add monitoring
  kubectl fleet tenant component add admission \\
    --depends-on monitoring-controllers
  # keos: system-services-gosec-configs
  kubectl fleet tenant component add gosec --substitute";

const APP_EXAMPLES: &str = "Examples:
  kubectl fleet tenant app add stratio-datastores postgres
  kubectl fleet tenant app add stratio-datastores pgbouncer \\
    --depends-on postgres
  kubectl fleet tenant app add stratio-apps virtualizer \\
    --depends-on stratio-datastores/pgbouncer
  kubectl fleet tenant app add stratio-datastores dg-s3-agent --secrets \\
    --retry-interval 5m \\
    --depends-on stratio-apps/connectors-management";

/// Where a tenant Secret's token comes from (never argv).
#[derive(ClapArgs, Clone, Debug)]
#[group(id = "token_source", multiple = false)]
pub struct TokenArgs {
    /// With --apply: write Secret flux-<tenant> in the Flux namespace from this stored credential
    /// (kubectl fleet token set NAME).
    #[arg(long, value_name = "NAME", add = super::completion::credential_completer())]
    pub token: Option<String>,

    /// With --apply: read the tenant's token from stdin.
    #[arg(long)]
    pub token_stdin: bool,

    /// With --apply: read the tenant's token from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,

    /// With --apply: basic-auth username of the tenant Secret (default: the username stored with
    /// the --token credential, else git).
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
}

impl TokenArgs {
    fn source(&self) -> Option<TokenSource> {
        if let Some(name) = &self.token {
            return Some(TokenSource::Keyring(name.clone()));
        }
        if self.token_stdin {
            return Some(TokenSource::Stdin);
        }
        self.token_env.clone().map(TokenSource::Env)
    }
}

/// `tenant create`.
#[derive(ClapArgs, Debug)]
pub struct CreateArgs {
    /// The tenant namespace (a DNS-1123 label).
    pub namespace: String,

    /// The tenant the namespace belongs to (its ServiceAccount, Secret and label).
    #[arg(long, value_name = "TENANT", add = super::completion::tenant_completer())]
    pub tenant: String,

    /// The tenant's git repository (default: the one its other namespaces use). keos: the apps
    /// repository, only to scaffold domain/apps/<use-case>/prerequisites when it does not exist.
    #[arg(long, value_name = "URL")]
    pub git_url: Option<String>,
    /// Accept a plain http:// git URL although the token then crosses the network unencrypted
    /// (a lab git server).
    #[arg(long)]
    pub insecure_http: bool,

    /// How the tenant GitRepository authenticates: github = a GitHub App Secret (writes
    /// `provider: github`; --apply then needs an App credential), generic = a token. d1 only.
    #[arg(long, value_enum, value_name = "PROVIDER", default_value = "generic")]
    pub provider: GitProvider,

    /// ClusterRole bound to the tenant ServiceAccount in its namespace.
    #[arg(long, value_name = "CLUSTERROLE", default_value = DEFAULT_ROLE)]
    pub role: String,

    /// Kustomization path; must contain the overlay variable ${ENVIRONMENT}. Default:
    /// ./components/<namespace>/${ENVIRONMENT}. d1 only (keos: per component, `tenant app add`).
    #[arg(long, value_name = "TEMPLATE")]
    pub path: Option<String>,

    /// The namespace is created outside the fleet repository (keos-installer creates keos-core):
    /// write no namespace.yaml; with --apply, require that it exists.
    #[arg(long)]
    pub existing_namespace: bool,

    /// Overwrite files that exist with other content.
    #[arg(long)]
    pub force: bool,

    /// Show the diff (and, with --apply, the objects per cluster) without changing anything.
    #[arg(long)]
    pub dry_run: bool,

    /// Also apply the tenant to the selected clusters (--context, --all-contexts).
    #[arg(long)]
    pub apply: bool,

    #[command(flatten, next_help_heading = "Tenant secret (with --apply)")]
    pub token: TokenArgs,

    /// With --apply, on clusters without Kyverno: copy the tenant Secret and the runtime info
    /// into every namespace of the tenant, and keep the copies in sync.
    #[arg(long)]
    pub propagate: bool,
}

/// `tenant delete`.
#[derive(ClapArgs, Debug)]
pub struct DeleteArgs {
    /// The tenant namespace.
    #[arg(add = super::completion::tenant_namespace_completer())]
    pub namespace: String,

    /// The tenant (default: the one the fleet repository assigns the namespace to).
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,

    /// Also delete the namespace and its Flux objects on the selected clusters.
    #[arg(long)]
    pub apply: bool,

    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,

    /// Also remove files in the directory that kubectl fleet did not generate.
    #[arg(long)]
    pub force: bool,

    /// Show what would be removed without removing anything.
    #[arg(long)]
    pub dry_run: bool,

    /// How long to wait for the tenant Kustomization's finalizer before giving up.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    pub timeout: Duration,
}

/// `tenant component …`.
#[derive(Subcommand, Debug)]
pub enum ComponentCommand {
    /// Onboard a platform component: <name>-controllers and <name>-configs (keos:
    /// system-services-<name>-configs), listed in the components kustomization.yaml.
    #[command(after_help = COMPONENT_EXAMPLES)]
    Add(ComponentAddArgs),
}

/// `tenant app …`.
#[derive(Subcommand, Debug)]
pub enum AppCommand {
    /// keos: add an app component to an apps namespace (<namespace>/<component>/, Kustomization
    /// apps-<component>), listed in the namespace's kustomization.yaml in the order added.
    #[command(after_help = APP_EXAMPLES)]
    Add(AppAddArgs),
}

/// `tenant app add`.
#[derive(ClapArgs, Debug)]
pub struct AppAddArgs {
    /// The apps namespace (onboarded with `tenant create NAMESPACE --tenant apps`).
    #[arg(add = super::completion::tenant_namespace_completer())]
    pub namespace: String,

    /// The component: its directory under components/ in the apps repository (keos-apps).
    pub component: String,

    /// A component apps-<component> waits for: COMPONENT in the same namespace, or
    /// NAMESPACE/COMPONENT (repeatable, in order; it must exist already).
    #[arg(long, value_name = "[NAMESPACE/]COMPONENT")]
    pub depends_on: Vec<String>,

    /// Also reconcile the cluster's SOPS-encrypted secrets of the component
    /// (clusters/${CLUSTER_NAME}/secrets/<component>/, see `kubectl fleet secret set`) before it.
    #[arg(long)]
    pub secrets: bool,

    /// Retry interval of the component's Kustomizations (default 3m).
    #[arg(long, value_name = "DURATION")]
    pub retry_interval: Option<String>,

    /// Overwrite component files that exist with other content.
    #[arg(long)]
    pub force: bool,

    /// Show the diff without writing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `tenant component add`.
#[derive(ClapArgs, Debug)]
pub struct ComponentAddArgs {
    /// The component (its directory under components/ in the platform repository).
    pub name: String,

    /// Kustomizations the component waits for (repeatable; d1: its -controllers wait).
    #[arg(long, value_name = "KUSTOMIZATION")]
    pub depends_on: Vec<String>,

    /// Substitute ${VAR}s in the component's manifests from the runtime-info ConfigMap
    /// (flux-runtime-info, keos-runtime-info).
    #[arg(long)]
    pub substitute: bool,

    /// The platform repository; needed only to scaffold a components directory that does not exist.
    #[arg(long, value_name = "URL")]
    pub git_url: Option<String>,
    /// Accept a plain http:// git URL although the token then crosses the network unencrypted
    /// (a lab git server).
    #[arg(long)]
    pub insecure_http: bool,

    /// Overwrite a component file that exists with other content.
    #[arg(long)]
    pub force: bool,

    /// Show the diff without writing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `tenant automation`.
#[derive(ClapArgs, Debug)]
pub struct AutomationArgs {
    /// The tenant (`infra` for the platform components' automation).
    pub tenant: String,

    /// The tenant's git repository (default: the one its namespaces use).
    #[arg(long, value_name = "URL")]
    pub git_url: Option<String>,
    /// Accept a plain http:// git URL although the token then crosses the network unencrypted
    /// (a lab git server).
    #[arg(long)]
    pub insecure_http: bool,

    /// Commit author name.
    #[arg(long, value_name = "NAME", default_value = "fluxcdbot")]
    pub author_name: String,

    /// Commit author email.
    #[arg(
        long,
        value_name = "EMAIL",
        default_value = "fluxcdbot@users.noreply.github.com"
    )]
    pub author_email: String,

    /// Overwrite files that exist with other content.
    #[arg(long)]
    pub force: bool,

    /// Show the diff without writing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `tenant list`.
#[derive(ClapArgs, Debug)]
pub struct ListArgs {
    /// Only this tenant.
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let printer = args.global.printer();
    let repo = RepoSelection {
        fleet_dir: args.repo.fleet_dir.clone(),
        use_case: args.repo.use_case.clone(),
    };
    let clusters = KubeArgs::selection;
    match args.command {
        Command::Create(c) => create_cmd(repo, clusters(&args.kube), &printer, c).await,
        Command::Delete(d) => delete_cmd(repo, clusters(&args.kube), &printer, d).await,
        Command::Component {
            command: ComponentCommand::Add(c),
        } => component_cmd(repo, &printer, c),
        Command::App {
            command: AppCommand::Add(a),
        } => app_cmd(repo, &printer, a),
        Command::Automation(a) => automation_cmd(repo, &printer, a),
        Command::List(l) => list_cmd(repo, clusters(&args.kube), &printer, l).await,
    }
}

async fn create_cmd(
    repo: RepoSelection,
    clusters: ClusterSelection,
    printer: &Printer,
    args: CreateArgs,
) -> Result<ExitStatus> {
    let token = args.token.source();
    let keyring = LazyKeyring::new();
    // Only the username stored with the credential comes from the index: one that cannot be
    // opened only loses that default.
    let metas = match token {
        Some(TokenSource::Keyring(_)) => MetaStore::open().ok(),
        _ => None,
    };
    let request = CreateRequest {
        repo,
        clusters,
        namespace: args.namespace,
        tenant: args.tenant,
        git_url: args.git_url,
        insecure_http: args.insecure_http,
        provider: args.provider,
        role: args.role,
        path: args.path,
        existing_namespace: args.existing_namespace,
        force: args.force,
        dry_run: args.dry_run,
        apply: args.apply,
        token,
        username: args.token.username,
        propagate: args.propagate,
    };
    let stores = TokenStores {
        secrets: &keyring,
        metas: metas.as_ref(),
    };
    let outcome = ops::create(request, stores, printer).await?;
    if let Some(diff) = outcome.files.as_ref().and_then(|f| f.diff.as_deref()) {
        printer.data(diff)?;
    }
    if let Some(planned) = &outcome.planned {
        printer.data(planned)?;
    }
    print_changes(printer, &outcome.clusters)?;
    Ok(outcome.exit_status())
}

/// The per-object table of an apply or delete (stdout): every cluster's rows, also those a failed
/// cluster changed before it failed.
fn print_changes(printer: &Printer, results: &ClusterResults) -> Result<()> {
    let mut table = TableBuilder::new(["cluster", "object", "result"], printer.stdout_paint());
    for (cluster, applied) in results.rows() {
        table.row([cluster, applied.object.as_str(), applied.result.as_str()]);
    }
    if !table.is_empty() {
        printer.data(&table.render())?;
    }
    Ok(())
}

async fn delete_cmd(
    repo: RepoSelection,
    clusters: ClusterSelection,
    printer: &Printer,
    args: DeleteArgs,
) -> Result<ExitStatus> {
    let request = DeleteRequest {
        repo,
        clusters,
        namespace: args.namespace,
        tenant: args.tenant,
        apply: args.apply,
        yes: args.yes,
        force: args.force,
        dry_run: args.dry_run,
        timeout: args.timeout,
    };
    let ask: &(dyn Fn(&str) -> std::io::Result<bool> + Sync) = &super::ask_on_terminal;
    let confirm = std::io::stdin().is_terminal().then_some(ask);
    let outcome = ops::delete(request, confirm, printer).await?;
    if let Some(planned) = &outcome.planned {
        printer.data(planned)?;
    }
    print_changes(printer, &outcome.clusters)?;
    Ok(outcome.exit_status())
}

fn print_diff(printer: &Printer, outcome: &ops::FilesOutcome) -> Result<ExitStatus> {
    if let Some(diff) = &outcome.diff {
        printer.data(diff)?;
    }
    Ok(ExitStatus::Success)
}

fn component_cmd(repo: RepoSelection, printer: &Printer, args: ComponentAddArgs) -> Result<ExitStatus> {
    let request = ComponentAddRequest {
        repo,
        name: args.name,
        depends_on: args.depends_on,
        substitute: args.substitute,
        git_url: args.git_url,
        insecure_http: args.insecure_http,
        force: args.force,
        dry_run: args.dry_run,
    };
    print_diff(printer, &ops::component_add(request, printer)?)
}

fn app_cmd(repo: RepoSelection, printer: &Printer, args: AppAddArgs) -> Result<ExitStatus> {
    let request = AppAddRequest {
        repo,
        namespace: args.namespace,
        component: args.component,
        depends_on: args.depends_on,
        secrets: args.secrets,
        retry_interval: args.retry_interval,
        force: args.force,
        dry_run: args.dry_run,
    };
    print_diff(printer, &ops::app_add(request, printer)?)
}

fn automation_cmd(repo: RepoSelection, printer: &Printer, args: AutomationArgs) -> Result<ExitStatus> {
    let request = AutomationRequest {
        repo,
        tenant: args.tenant,
        git_url: args.git_url,
        insecure_http: args.insecure_http,
        author_name: args.author_name,
        author_email: args.author_email,
        force: args.force,
        dry_run: args.dry_run,
    };
    print_diff(printer, &ops::automation(request, printer)?)
}

async fn list_cmd(
    repo: RepoSelection,
    clusters: ClusterSelection,
    printer: &Printer,
    args: ListArgs,
) -> Result<ExitStatus> {
    let request = ListRequest {
        repo,
        clusters,
        tenant: args.tenant,
    };
    let outcome = ops::list(request, printer).await?;
    if outcome.keos {
        let rows = outcome.components();
        match args.output.output.document() {
            Some(format) => printer.document(format, "ComponentList", &rows)?,
            None if rows.is_empty() => printer.note("no keos components found"),
            None => {
                let with_cluster = outcome.reports.len() > 1;
                let wide = args.output.output.is_wide();
                printer.table(
                    &list::render_components(&rows, with_cluster, printer.stdout_paint(), wide),
                    wide,
                )?;
            }
        }
        return Ok(outcome.exit_status());
    }
    let rows = outcome.rows();
    match args.output.output.document() {
        Some(format) => printer.document(format, "TenantList", &rows)?,
        None if rows.is_empty() => printer.note("no tenant namespaces found"),
        None => {
            let with_cluster = outcome.reports.len() > 1;
            let wide = args.output.output.is_wide();
            printer.table(
                &list::render_table(&rows, with_cluster, printer.stdout_paint(), wide),
                wide,
            )?;
        }
    }
    Ok(outcome.exit_status())
}
