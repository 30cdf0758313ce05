//! `kubectl fleet tenant`: tenant and platform-component onboarding. Argument parsing and
//! orchestration only; generation, validation and cluster work live in [`crate::tenant`].

use std::{
    io::{BufRead, IsTerminal, Write},
    path::PathBuf,
    time::Duration,
};

use clap::{Args as ClapArgs, Parser, Subcommand};

use super::{GlobalArgs, KubeArgs, OutputFormat, parse_duration};
use crate::{
    credentials::{
        GitSecret, KeyringStore, MemoryStore, SecretStore, TENANT_LABEL, TokenSource, git_secret_object,
        validate_name,
    },
    error::{Error, ExitStatus, Result},
    kube::KubeTarget,
    manifests::yaml,
    output::{Printer, Progress, TableBuilder, plural},
    repo::{FleetRepo, RepoError, WritePlan},
    tenant::{
        Layout, TenantError,
        apply::{self, ApplyRequest, ClusterOutcome, Preflight, SecretRequest},
        automation::{self, AutomationOptions},
        component::{self, ComponentOptions},
        create::{self, CreateOptions},
        delete, list, validate,
    },
};

const EXAMPLES: &str = "Examples:
  # Onboard namespace backend for tenant apps (writes tenants/apps/components/backend/)
  kubectl fleet tenant create backend --tenant apps --git-url https://github.com/org/apps.git

  # Preview the files, then apply them to two clusters with the tenant secret from the keyring
  kubectl fleet tenant create backend --tenant apps --dry-run
  kubectl fleet tenant create backend --tenant apps --apply --context staging --context prod-eu \\
      --token apps-bot --propagate

  # Onboard platform component admission after monitoring
  kubectl fleet tenant component add admission --depends-on monitoring-controllers

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

    #[command(flatten, next_help_heading = "Fleet repository")]
    pub repo: RepoArgs,

    #[command(flatten, next_help_heading = "Clusters")]
    pub kube: KubeArgs,

    #[command(flatten, next_help_heading = "Output")]
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
    /// Write a tenant's image-automation directory.
    #[command(after_help = AUTOMATION_EXAMPLES)]
    Automation(AutomationArgs),
    /// Show tenants' health on one or more clusters.
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),
}

const CREATE_EXAMPLES: &str = "Examples:
  kubectl fleet tenant create backend --tenant apps --git-url https://github.com/org/apps.git
  kubectl fleet tenant create frontend --tenant apps            # git URL taken from backend
  kubectl fleet tenant create web --tenant apps --path './apps/web/${ENVIRONMENT}' --dry-run
  echo \"$APPS_PAT\" | kubectl fleet tenant create backend --tenant apps --apply --token-stdin --propagate";

const DELETE_EXAMPLES: &str = "Examples:
  kubectl fleet tenant delete backend                      # remove the directory only
  kubectl fleet tenant delete backend --apply --context staging --yes";

const AUTOMATION_EXAMPLES: &str = "Examples:
  kubectl fleet tenant automation apps
  kubectl fleet tenant automation infra --author-name fleet-bot --author-email bot@example.com";

const LIST_EXAMPLES: &str = "Examples:
  kubectl fleet tenant list
  kubectl fleet tenant list --all-contexts --tenant apps
  kubectl fleet tenant list --context prod-eu -o json";

const COMPONENT_EXAMPLES: &str = "Examples:
  kubectl fleet tenant component add monitoring
  kubectl fleet tenant component add admission --depends-on monitoring-controllers";

/// Where a tenant Secret's token comes from (never argv).
#[derive(ClapArgs, Clone, Debug)]
#[group(id = "token_source", multiple = false)]
pub struct TokenArgs {
    /// With --apply: write Secret flux-system/flux-<tenant> from this stored credential
    /// (kubectl fleet token set NAME).
    #[arg(long, value_name = "NAME", add = super::completion::credential_completer())]
    pub token: Option<String>,

    /// With --apply: read the tenant's token from stdin.
    #[arg(long)]
    pub token_stdin: bool,

    /// With --apply: read the tenant's token from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,

    /// With --apply: basic-auth username of the tenant Secret.
    #[arg(long, value_name = "NAME", default_value = "git")]
    pub username: String,
}

impl TokenArgs {
    fn source(&self) -> Result<Option<TokenSource>> {
        if let Some(name) = &self.token {
            validate_name(name)?;
            return Ok(Some(TokenSource::Keyring(name.clone())));
        }
        if self.token_stdin {
            return Ok(Some(TokenSource::Stdin));
        }
        Ok(self.token_env.clone().map(TokenSource::Env))
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

    /// The tenant's git repository (default: the one its other namespaces use).
    #[arg(long, value_name = "URL")]
    pub git_url: Option<String>,

    /// ClusterRole bound to the tenant ServiceAccount in its namespace.
    #[arg(long, value_name = "CLUSTERROLE", default_value = create::DEFAULT_ROLE)]
    pub role: String,

    /// Kustomization path; must contain the overlay variable (d1: ${ENVIRONMENT}, keos:
    /// ${STRATIO_SIZE}). Default: ./components/<namespace>/${ENVIRONMENT}.
    #[arg(long, value_name = "TEMPLATE")]
    pub path: Option<String>,

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
    /// Onboard a platform component: <name>-controllers and <name>-configs, listed in the
    /// components kustomization.yaml.
    #[command(after_help = COMPONENT_EXAMPLES)]
    Add(ComponentAddArgs),
}

/// `tenant component add`.
#[derive(ClapArgs, Debug)]
pub struct ComponentAddArgs {
    /// The component (its directory under components/ in the platform repository).
    pub name: String,

    /// Kustomizations the controllers wait for (repeatable).
    #[arg(long, value_name = "KUSTOMIZATION")]
    pub depends_on: Vec<String>,

    /// The platform repository; needed only to scaffold a components directory that does not exist.
    #[arg(long, value_name = "URL")]
    pub git_url: Option<String>,

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

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let printer = args.global.printer();
    match args.command {
        Command::Create(c) => create_cmd(&args.repo, &args.kube, &printer, c).await,
        Command::Delete(d) => delete_cmd(&args.repo, &args.kube, &printer, d).await,
        Command::Component {
            command: ComponentCommand::Add(c),
        } => component_cmd(&args.repo, &printer, c),
        Command::Automation(a) => automation_cmd(&args.repo, &printer, a),
        Command::List(l) => list_cmd(&args.repo, &args.kube, &printer, l).await,
    }
}

fn open(repo: &RepoArgs) -> Result<(FleetRepo, Layout)> {
    let fleet = FleetRepo::open(&repo.fleet_dir)?;
    let layout = Layout::new(fleet.config(), repo.use_case.as_deref())?;
    Ok((fleet, layout))
}

fn display_dir(dir: &std::path::Path) -> String {
    format!("{}/", dir.display())
}

/// Writes (or, for --dry-run, prints the diff of) a plan.
fn write_plan(
    fleet: &FleetRepo,
    plan: &WritePlan,
    printer: &Printer,
    dry_run: bool,
    force: bool,
    what: &str,
) -> Result<()> {
    if dry_run {
        if plan.is_noop() {
            printer.note(&format!("{what}: no changes"));
        } else {
            printer.data(&plan.diff())?;
        }
        return Ok(());
    }
    if plan.is_noop() {
        printer.success(&format!("{what} is up to date"));
        return Ok(());
    }
    let written = plan.apply(fleet, force)?;
    printer.success(&format!("wrote {what} ({})", plural(written, "file")));
    Ok(())
}

async fn create_cmd(
    repo: &RepoArgs,
    kube: &KubeArgs,
    printer: &Printer,
    args: CreateArgs,
) -> Result<ExitStatus> {
    let (fleet, layout) = open(repo)?;
    validate::namespace(&args.namespace)?;
    validate::tenant(&layout, &args.tenant)?;
    crate::repo::names::dns_subdomain("role", &args.role)?;
    let path = args
        .path
        .clone()
        .unwrap_or_else(|| layout.default_path(&args.namespace));
    validate::path_template(&layout, &path)?;
    let token_source = args.token.source()?;
    if !args.apply {
        if token_source.is_some() {
            return Err(TenantError::Flags(
                "--token, --token-stdin and --token-env write the tenant Secret on clusters: add --apply"
                    .into(),
            )
            .into());
        }
        if args.propagate {
            return Err(TenantError::Flags("--propagate needs --apply".into()).into());
        }
    }
    let onboarded = validate::onboarded_namespaces(&fleet, &layout)?;
    validate::namespace_is_free(
        &onboarded,
        &args.namespace,
        &args.tenant,
        &layout.namespace_dir(&args.tenant, &args.namespace),
    )?;
    let git_url = match &args.git_url {
        Some(url) => url.clone(),
        None => match validate::tenant_git_url(&fleet, &onboarded, &args.tenant)? {
            Some((url, from)) => {
                printer.debug(&format!("git URL {url} from {}", from.display()));
                url
            }
            None => {
                return Err(TenantError::MissingGitUrl {
                    what: format!("the first namespace of tenant '{}'", args.tenant),
                    hint: " of the tenant's repository".into(),
                }
                .into());
            }
        },
    };
    validate::git_url(&git_url)?;
    if args.role == "cluster-admin" {
        printer.warn(&format!(
            "--role cluster-admin lets tenant {} change everything in namespace {}, including the ResourceQuotas and LimitRanges the platform team sets there (admin cannot)",
            args.tenant, args.namespace
        ));
    }

    let opts = CreateOptions {
        namespace: args.namespace.clone(),
        tenant: args.tenant.clone(),
        git_url,
        role: args.role.clone(),
        path,
    };
    let bundle = create::bundle(&layout, &opts);
    let plan = WritePlan::new(&fleet, bundle.generated_files()?)?;
    let conflicts = plan.conflicts();
    if !args.force && !conflicts.is_empty() && !args.dry_run {
        return Err(RepoError::WouldOverwrite { paths: conflicts }.into());
    }
    let what = display_dir(&bundle.dir);

    if !args.apply {
        write_plan(&fleet, &plan, printer, args.dry_run, args.force, &what)?;
        if !args.dry_run {
            printer.note(
                "  commit and push to let Flux reconcile it, or apply it now: re-run with --apply and --context/--all-contexts",
            );
        }
        return Ok(ExitStatus::Success);
    }

    let targets = kube.targets().await?;
    let secret_name = layout.tenant_secret(&args.tenant);
    let git_secret = GitSecret {
        name: secret_name.clone(),
        namespace: "flux-system".into(),
        username: args.token.username.clone(),
        credential: token_source
            .as_ref()
            .and_then(|s| s.credential_name())
            .map(str::to_string),
        labels: [(TENANT_LABEL.to_string(), args.tenant.clone())].into(),
    };
    // The token is read before any cluster is touched, and never in --dry-run.
    let secret = match (&token_source, args.dry_run) {
        (Some(source), false) => {
            let token = match source {
                TokenSource::Keyring(_) => source.read(&KeyringStore::open()?)?,
                _ => source.read(&MemoryStore::default() as &dyn SecretStore)?,
            };
            printer.debug(&format!("tenant token: {}", source.describe()));
            Some(SecretRequest {
                secret: git_secret.clone(),
                token,
            })
        }
        _ => None,
    };
    let request = ApplyRequest {
        layout: layout.clone(),
        tenant: args.tenant.clone(),
        namespace: args.namespace.clone(),
        role: args.role.clone(),
        objects: bundle.objects(),
        secret,
        propagate: args.propagate,
    };

    // Phase 1: read-only preflight everywhere.
    let preflights = preflight_all(printer, &targets, &request).await?;

    if args.dry_run {
        if !plan.is_noop() {
            printer.data(&plan.diff())?;
        }
        let secret_doc = token_source.is_some().then(|| git_secret_object(&git_secret));
        printer.data(&planned_objects(&targets, &preflights, &request, secret_doc)?)?;
        return Ok(ExitStatus::Success);
    }

    write_plan(&fleet, &plan, printer, false, args.force, &what)?;

    // Phase 2: apply, every cluster concurrently.
    let progress = Progress::new(printer);
    let results = futures::future::join_all(targets.iter().zip(&preflights).map(|(target, pre)| {
        let bar = progress.target(&target.context);
        let request = &request;
        async move {
            bar.set("applying");
            let mut applied = Vec::new();
            let mut warnings = Vec::new();
            let result = apply::apply(target, request, pre, &mut applied, &mut warnings).await;
            bar.finish(if result.is_ok() { "applied" } else { "failed" });
            ClusterOutcome {
                applied,
                warnings,
                result,
            }
        }
    }))
    .await;
    report_cluster_results(printer, &targets, results, "applied")
}

/// Runs the read-only preflight on every cluster concurrently. Any failure stops the run before
/// anything is written or applied.
async fn preflight_all(
    printer: &Printer,
    targets: &[KubeTarget],
    request: &ApplyRequest,
) -> Result<Vec<Preflight>> {
    let progress = Progress::new(printer);
    let bars: Vec<_> = targets.iter().map(|t| progress.target(&t.context)).collect();
    for bar in &bars {
        bar.set("preflight");
    }
    let preflights = futures::future::join_all(targets.iter().map(|t| apply::preflight(t, request))).await;
    let mut failed = 0;
    for ((target, bar), pre) in targets.iter().zip(&bars).zip(&preflights) {
        match pre {
            Ok(p) => {
                bar.finish("preflight ok");
                for w in &p.warnings {
                    printer.warn(&format!("{}: {w}", target.context));
                }
            }
            Err(e) => {
                bar.finish("preflight failed");
                printer.failure(&format!("{}: {}", target.context, e.short()));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        printer.note(&format!(
            "nothing was written or applied: preflight failed on {}",
            plural(failed, "cluster")
        ));
        return Err(Error::TargetsFailed {
            failed,
            total: targets.len(),
        });
    }
    Ok(preflights.into_iter().filter_map(|p| p.ok()).collect())
}

/// `--dry-run --apply`: the objects each cluster would get, substituted, with the tenant Secret
/// redacted.
fn planned_objects(
    targets: &[KubeTarget],
    preflights: &[Preflight],
    request: &ApplyRequest,
    secret_doc: Option<serde_json::Value>,
) -> Result<String> {
    let mut out = String::new();
    let secret_name = request.layout.tenant_secret(&request.tenant);
    for (target, pre) in targets.iter().zip(preflights) {
        out.push_str(&format!(
            "# cluster {}: objects that would be applied\n",
            target.context
        ));
        let mut docs: Vec<serde_json::Value> = secret_doc.iter().cloned().collect();
        docs.extend(pre.objects.iter().cloned());
        out.push_str(&yaml::to_multi_doc(&docs, "objects")?);
        if request.propagate {
            out.push_str(&if pre.kyverno {
                "# no copies: Kyverno clones the tenant Secret on this cluster\n".to_string()
            } else {
                format!(
                    "# plus copies of Secret flux-system/{secret_name} and ConfigMap flux-system/{} into every namespace labelled {TENANT_LABEL}={}\n",
                    request.layout.runtime_info(),
                    request.tenant
                )
            });
        }
    }
    Ok(out)
}

/// Prints the per-object table (stdout) and per-cluster status lines (stderr); exit 1 when any
/// cluster failed.
fn report_cluster_results(
    printer: &Printer,
    targets: &[KubeTarget],
    results: Vec<ClusterOutcome>,
    verb: &str,
) -> Result<ExitStatus> {
    let mut table = TableBuilder::new(["cluster", "object", "result"], printer.stdout_paint());
    let mut failed = 0;
    for (
        target,
        ClusterOutcome {
            applied,
            warnings,
            result,
        },
    ) in targets.iter().zip(results)
    {
        for a in &applied {
            table.row([target.context.clone(), a.object.clone(), a.result.clone()]);
        }
        for w in warnings {
            printer.warn(&format!("{}: {w}", target.context));
        }
        match result {
            Ok(()) => printer.success(&format!("{}: {verb}", target.context)),
            Err(e) => {
                printer.failure(&format!("{}: {}", target.context, e.short()));
                failed += 1;
            }
        }
    }
    if !table.is_empty() {
        printer.data(&table.render())?;
    }
    if failed > 0 {
        return Err(Error::TargetsFailed {
            failed,
            total: targets.len(),
        });
    }
    Ok(ExitStatus::Success)
}

fn confirm(printer: &Printer, question: &str) -> Result<bool> {
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "{question} [y/N] ");
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::io("the confirmation from stdin", e))?;
    let yes = matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes");
    if !yes {
        printer.debug("declined");
    }
    Ok(yes)
}

async fn delete_cmd(
    repo: &RepoArgs,
    kube: &KubeArgs,
    printer: &Printer,
    args: DeleteArgs,
) -> Result<ExitStatus> {
    // Deleting scans every use case, so keos needs none here.
    let fleet = FleetRepo::open(&repo.fleet_dir)?;
    let layout = Layout::names_only(fleet.config());
    validate::namespace(&args.namespace)?;
    if let Some(t) = &args.tenant {
        crate::repo::names::dns_label("tenant", t)?;
    }
    let found = delete::find(&fleet, &layout, &args.namespace, args.tenant.as_deref())?;
    let tenant = match (&found, &args.tenant) {
        (Some((t, _)), _) => t.clone(),
        (None, Some(t)) if args.apply => t.clone(),
        (None, _) => {
            return Err(TenantError::NotOnboarded {
                namespace: args.namespace.clone(),
                hint: if args.apply {
                    " (pass --tenant to delete it from clusters anyway)".into()
                } else {
                    String::new()
                },
            }
            .into());
        }
    };
    if let Some((_, plan)) = &found
        && !args.dry_run
    {
        // Refuse before touching any cluster.
        plan.check(args.force)?;
    }
    if args.apply && !args.yes && !args.dry_run && !std::io::stdin().is_terminal() {
        return Err(TenantError::ConfirmationRequired {
            action: format!("delete namespace {} on clusters", args.namespace),
        }
        .into());
    }

    let targets = if args.apply {
        kube.targets().await?
    } else {
        Vec::new()
    };
    if args.apply {
        let checks = futures::future::join_all(
            targets
                .iter()
                .map(|t| delete::preflight(t, &args.namespace, &tenant)),
        )
        .await;
        let mut failed = 0;
        for (target, check) in targets.iter().zip(&checks) {
            match check {
                Ok(delete::ClusterState::Absent) => printer.note(&format!(
                    "{}: namespace {} does not exist",
                    target.context, args.namespace
                )),
                Ok(delete::ClusterState::Present) => {}
                Err(e) => {
                    printer.failure(&format!("{}: {}", target.context, e.short()));
                    failed += 1;
                }
            }
        }
        if failed > 0 {
            printer.note("nothing was deleted: preflight failed");
            return Err(Error::TargetsFailed {
                failed,
                total: targets.len(),
            });
        }
    }

    if args.dry_run {
        let mut out = String::new();
        if let Some((_, plan)) = &found {
            for f in &plan.files {
                out.push_str(&format!("would remove {}\n", f.display()));
            }
        }
        for t in &targets {
            out.push_str(&format!(
                "would delete Kustomization/{ns}/{ks} then Namespace/{ns} on {}\n",
                t.context,
                ns = args.namespace,
                ks = layout.kustomization_name(&args.namespace)
            ));
        }
        printer.data(&out)?;
        return Ok(ExitStatus::Success);
    }

    if args.apply && !args.yes {
        let clusters: Vec<&str> = targets.iter().map(|t| t.context.as_str()).collect();
        let question = format!(
            "Delete namespace {} (tenant {tenant}) and everything in it on {}?",
            args.namespace,
            clusters.join(", ")
        );
        if !confirm(printer, &question)? {
            return Err(TenantError::Aborted.into());
        }
    }

    let mut status = ExitStatus::Success;
    if args.apply {
        let progress = Progress::new(printer);
        let results = futures::future::join_all(targets.iter().map(|target| {
            let bar = progress.target(&target.context);
            let layout = &layout;
            let namespace = &args.namespace;
            async move {
                bar.set("deleting");
                let mut applied = Vec::new();
                let result =
                    delete::delete_on_cluster(target, layout, namespace, args.timeout, &mut applied).await;
                bar.finish(if result.is_ok() { "deleted" } else { "failed" });
                ClusterOutcome {
                    applied,
                    warnings: Vec::new(),
                    result,
                }
            }
        }))
        .await;
        match report_cluster_results(printer, &targets, results, "deleted") {
            Ok(s) => status = s,
            Err(e) => {
                if found.is_some() {
                    printer.note("the fleet repository files were kept: re-run once the clusters are fixed");
                }
                return Err(e);
            }
        }
    }
    if let Some((_, plan)) = &found {
        delete::remove_files(&fleet, plan, args.force)?;
        printer.success(&format!(
            "removed {} ({})",
            display_dir(&plan.dir),
            plural(plan.files.len(), "file")
        ));
        if !args.apply {
            printer.note("  commit and push: Flux prunes the namespace's objects from the clusters");
        }
    }
    Ok(status)
}

fn component_cmd(repo: &RepoArgs, printer: &Printer, args: ComponentAddArgs) -> Result<ExitStatus> {
    let (fleet, layout) = open(repo)?;
    let opts = ComponentOptions {
        name: args.name.clone(),
        depends_on: args.depends_on.clone(),
        git_url: args.git_url.clone(),
    };
    let plan = component::plan(&fleet, &layout, &opts)?;
    for w in &plan.warnings {
        printer.warn(w);
    }
    let mut write = WritePlan::new(&fleet, plan.files.clone())?;
    if let Some(edited) = &plan.edited {
        write.mark_edit(edited.clone());
    }
    let conflicts = write.conflicts();
    if !args.force && !conflicts.is_empty() && !args.dry_run {
        return Err(RepoError::WouldOverwrite { paths: conflicts }.into());
    }
    let what = format!("component {}", args.name);
    write_plan(&fleet, &write, printer, args.dry_run, args.force, &what)?;
    if !args.dry_run {
        if plan.scaffolded {
            printer.note(&format!("  scaffolded {}", display_dir(&layout.components_dir())));
        }
        if let Some(edited) = &plan.edited {
            printer.note(&format!("  listed {}.yaml in {}", args.name, edited.display()));
        }
    }
    Ok(ExitStatus::Success)
}

fn automation_cmd(repo: &RepoArgs, printer: &Printer, args: AutomationArgs) -> Result<ExitStatus> {
    let (fleet, layout) = open(repo)?;
    crate::repo::names::dns_label_max("tenant", &args.tenant, 56)?;
    let platform = automation::is_platform(&layout, &args.tenant);
    let git_url = if platform {
        String::new()
    } else {
        let url = match &args.git_url {
            Some(url) => url.clone(),
            None => {
                let onboarded = validate::onboarded_namespaces(&fleet, &layout)?;
                match validate::tenant_git_url(&fleet, &onboarded, &args.tenant)? {
                    Some((url, _)) => url,
                    None => {
                        return Err(TenantError::MissingGitUrl {
                            what: format!("image automation of tenant '{}'", args.tenant),
                            hint: " (no namespace of the tenant names one yet)".into(),
                        }
                        .into());
                    }
                }
            }
        };
        validate::git_url(&url)?;
        let onboarded = validate::onboarded_namespaces(&fleet, &layout)?;
        validate::namespace_is_free(
            &onboarded,
            &format!("{}-update", args.tenant),
            &args.tenant,
            &layout.automation_dir(&args.tenant),
        )?;
        url
    };
    let opts = AutomationOptions {
        tenant: args.tenant.clone(),
        git_url,
        author_name: args.author_name.clone(),
        author_email: args.author_email.clone(),
    };
    let bundle = automation::bundle(&layout, &opts);
    let plan = WritePlan::new(&fleet, bundle.generated_files()?)?;
    let conflicts = plan.conflicts();
    if !args.force && !conflicts.is_empty() && !args.dry_run {
        return Err(RepoError::WouldOverwrite { paths: conflicts }.into());
    }
    write_plan(
        &fleet,
        &plan,
        printer,
        args.dry_run,
        args.force,
        &display_dir(&bundle.dir),
    )?;
    Ok(ExitStatus::Success)
}

async fn list_cmd(repo: &RepoArgs, kube: &KubeArgs, printer: &Printer, args: ListArgs) -> Result<ExitStatus> {
    let fleet = FleetRepo::open(&repo.fleet_dir)?;
    let layout = Layout::names_only(fleet.config());
    if let Some(t) = &args.tenant {
        crate::repo::names::dns_label("tenant", t)?;
    }
    let targets = kube.targets().await?;
    let results = futures::future::join_all(
        targets
            .iter()
            .map(|t| list::collect(t, &layout, args.tenant.as_deref())),
    )
    .await;
    let mut rows = Vec::new();
    let mut failed = 0;
    for (target, result) in targets.iter().zip(results) {
        match result {
            Ok(r) => rows.extend(r),
            Err(e) => {
                printer.failure(&format!("{}: {}", target.context, e.short()));
                failed += 1;
            }
        }
    }
    match args.output {
        OutputFormat::Table => {
            if rows.is_empty() {
                printer.note("no tenant namespaces found");
            } else {
                let table = list::render_table(&rows, targets.len() > 1, printer.stdout_paint());
                printer.data(&table)?;
            }
        }
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&rows).map_err(|e| Error::io("JSON", e.into()))?;
            printer.data(&format!("{text}\n"))?;
        }
        OutputFormat::Yaml => printer.data(&yaml::to_string(&rows, "tenants")?)?,
    }
    if failed > 0 {
        return Err(Error::TargetsFailed {
            failed,
            total: targets.len(),
        });
    }
    Ok(ExitStatus::Success)
}
