//! `kubectl fleet token`: git tokens (PATs) in the OS keyring, checked with the provider, and
//! rotated across the fleet.
//!
//! This module parses the arguments, opens the real stores, calls one operation of
//! [`ops::token`](crate::ops::token) (where the workflows and the rotation transaction live) and
//! prints its outcome. The token is read from a hidden prompt or stdin, never from argv, and only
//! when the operation asks for it. It goes to the keyring, to the provider's API (one header) and
//! into Secrets' `data`; it never reaches stdout, stderr, a log line or a file. Metadata lives in
//! the index (`credentials::meta`); an unfinished rotation in a state file
//! (`credentials::rotation`), so `--resume` and `--rollback` work from any shell.

use std::{io::IsTerminal, time::Duration};

use clap::{Args as ClapArgs, Parser, Subcommand};
use futures::FutureExt;
use jiff::Timestamp;

use super::{GlobalArgs, KubeArgs, OutputArgs, parse_duration};
use crate::{
    credentials::{
        CredentialError, LazyKeyring, MetaStore, Provider, Token,
        audit::Urgency,
        github_app::{AppKey, GithubApp},
        gitlab_rotate::RotateEndpoint,
        read_token_from,
        report::{check_table, list_table},
        rotation::RotationStore,
    },
    error::{Error, ExitStatus, Result},
    ops::token::{
        self as op, CheckRequest, DeleteRequest, KeyReader, ListRequest, RotateMode, RotateOutcome,
        RotateRequest, SelfRotate, SetAppRequest, SetRequest, Stores, TokenReader,
        audit::{AUDIT_KIND, AuditRequest, audit_table},
        migrate::{MIGRATION_KIND, MigrateMode, MigrateRequest, migration_table},
        report::{CHECK_KIND, LIST_KIND, PLAN_KIND, ROTATION_KIND, conclusion, plan_table, rotation_table},
    },
    output::{Printer, Reporter},
};

const EXAMPLES: &str = "Examples:
  # Store the fleet's bot PAT (hidden prompt), checking it with GitHub first
  kubectl fleet token set fleet-bot

  # Store a GitHub Enterprise token from a secret manager, without a prompt
  vault kv get -field=pat ci/fleet-bot | kubectl fleet token set fleet-bot \\
    --from-stdin \\
    --api-url https://github.example.com/api/v3

  # What is stored, and what expires soon
  kubectl fleet token list

  # Ask the provider (exit 1 when a token is invalid or expired; warn 30 days
  # ahead)
  kubectl fleet token check --warn-days 30

  # Rotate the PAT on every cluster of the kubeconfig and wait for Flux to fetch
  # with it
  kubectl fleet token rotate fleet-bot --all-contexts

  # See what a rotation would touch, then continue or undo a rotation that
  # failed somewhere
  kubectl fleet token rotate fleet-bot --all-contexts --dry-run
  kubectl fleet token rotate fleet-bot --resume
  kubectl fleet token rotate fleet-bot --rollback

  # Which clusters use which token, and what expires within 30 days
  kubectl fleet token audit --all-contexts --warn-days 30";

/// Keep git tokens (PATs) in the OS keyring, check their expiry and rotate them fleet-wide.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Subcommands of `token`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Store a token in the OS keyring (hidden prompt, or --from-stdin).
    #[command(after_help = "Examples:
  kubectl fleet token set fleet-bot
  echo \"$PAT\" | kubectl fleet token set fleet-bot --from-stdin --no-check
  kubectl fleet token set gitlab-bot --provider gitlab \\
    --api-url https://gitlab.example.com/api/v4
  kubectl fleet token set fleet-app --github-app --app-id 123456 \\
    --installation-id 7890123 --private-key-file fleet-app.private-key.pem")]
    Set(SetArgs),
    /// List stored tokens with their expiry and last check.
    #[command(
        visible_alias = "ls",
        after_help = "Examples:
  kubectl fleet token list
  kubectl fleet token list -o json"
    )]
    List(ListArgs),
    /// Delete a stored token (and its metadata).
    #[command(
        visible_alias = "rm",
        after_help = "Examples:
  kubectl fleet token delete old-bot"
    )]
    Delete(DeleteArgs),
    /// Ask the provider whether tokens work and when they expire.
    #[command(after_help = "Examples:
  kubectl fleet token check fleet-bot
  kubectl fleet token check --warn-days 30 -o json")]
    Check(CheckArgs),
    /// Replace a token on every selected cluster and wait for Flux to fetch with the new one.
    #[command(after_help = "Examples:
  kubectl fleet token rotate fleet-bot --all-contexts
  kubectl fleet token rotate fleet-bot --context staging --context prod-eu \\
    --timeout 10m
  kubectl fleet token rotate fleet-bot --resume
  kubectl fleet token rotate fleet-bot --rollback
  # A GitHub App: roll out its new private key, then delete the old one
  kubectl fleet token rotate fleet-app --private-key-file new-key.pem \\
    --all-contexts
  # GitLab: the token rotates itself, the new one lives 30 days
  kubectl fleet token rotate gitlab-bot --self --expires-in 30d --all-contexts
  kubectl fleet token rotate infra-bot --self --gitlab-group fleet/infra")]
    Rotate(RotateArgs),
    /// Which clusters use which token, and when each expires (exit 1 when one expires within
    /// --warn-days).
    #[command(after_help = "Examples:
  kubectl fleet token audit --all-contexts
  kubectl fleet token audit --context prod-eu --warn-days 30 -o json

A Secret is matched to a stored credential by its content (compared as keyed
hashes in memory; no token is ever printed) or by the kubectl-fleet.dev/
credential annotation; an annotation whose Secret does not hold the claimed
credential's stored token is reported as MISMATCH.")]
    Audit(AuditArgs),
    /// Move every cluster that uses a token (PAT) to a GitHub App: provider: github set in the fleet
    /// repository, each Secret switched to the App when the push lands, the fetch verified.
    #[command(after_help = "Examples:
  # See the plan and the file changes, change nothing
  kubectl fleet token migrate fleet-bot --to fleet-app --all-contexts \\
    --repo-dir ~/src/fleet --dry-run

  # Check the clusters, write the files, then wait while you commit and push
  kubectl fleet token migrate fleet-bot --to fleet-app --all-contexts \\
    --repo-dir ~/src/fleet --timeout 15m

  # Or stop once the files are written, push them, and go on later
  kubectl fleet token migrate fleet-bot --to fleet-app --all-contexts \\
    --repo-dir ~/src/fleet --apply-files-only
  kubectl fleet token migrate fleet-bot --to fleet-app --resume

  # Put the PAT back on every cluster of an unfinished migration
  kubectl fleet token migrate fleet-bot --to fleet-app --rollback

The provider of a source Flux applies from git is changed in git only: patched
on the cluster it would be reverted (fluxcd/flux2#5471). Every Secret carries
both the PAT and the App until each GitRepository fetched with the App, so no
GitRepository breaks on the way. The PAT stays in the keyring: revoke it in
GitHub once the migration says so.")]
    Migrate(MigrateArgs),
}

/// `token migrate`.
#[derive(ClapArgs, Debug)]
pub struct MigrateArgs {
    /// The token (PAT) credential the clusters use now.
    #[arg(add = super::completion::credential_completer())]
    pub name: String,
    /// The GitHub App credential to move them to (stored with 'token set --github-app').
    #[arg(long, value_name = "APP", add = super::completion::credential_completer())]
    pub to: String,
    /// The fleet repository checkout whose files declare the sources.
    #[arg(long, value_name = "DIR", default_value = ".", conflicts_with_all = ["resume", "rollback"])]
    pub repo_dir: std::path::PathBuf,
    /// Stop once the files are written: push them, then run again with --resume.
    #[arg(long, conflicts_with = "rollback")]
    pub apply_files_only: bool,
    /// Continue an unfinished migration.
    #[arg(long, conflicts_with = "rollback")]
    pub resume: bool,
    /// Put the PAT back on every cluster of an unfinished migration.
    #[arg(long)]
    pub rollback: bool,
    /// Show the plan and the file changes, change nothing.
    #[arg(long, conflicts_with_all = ["resume", "rollback"])]
    pub dry_run: bool,
    /// How long to wait for the push to reach each cluster, and for each fetch.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
    /// The namespace Flux runs in on every selected cluster (default: found on each cluster).
    #[arg(long, value_name = "NAMESPACE", conflicts_with_all = ["resume", "rollback"])]
    pub flux_namespace: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

async fn migrate(
    a: MigrateArgs,
    kube: &KubeArgs,
    stores: Stores<'_>,
    printer: &Printer,
) -> Result<ExitStatus> {
    let mode = if a.resume {
        MigrateMode::Resume
    } else if a.rollback {
        MigrateMode::Rollback
    } else {
        MigrateMode::Fresh
    };
    let req = MigrateRequest {
        name: a.name,
        app: a.to,
        mode,
        repo_dir: a.repo_dir,
        apply_files_only: a.apply_files_only,
        dry_run: a.dry_run,
        timeout: a.timeout,
        interval: Duration::from_secs(1),
        flux_namespace: a.flux_namespace,
    };
    let access = kube.selection();
    let report = op::migrate::migrate(req, stores, &access, printer).await?;
    match a.output.output.document() {
        Some(format) => printer.document(format, MIGRATION_KIND, &report)?,
        None => {
            if !report.diff.is_empty() {
                printer.data(&report.diff)?;
            }
            printer.data(&migration_table(&report, printer.stdout_paint()))?;
        }
    }
    if report.planned_only {
        printer.note("dry run: nothing was changed");
    }
    for line in &report.next {
        if report.complete {
            printer.success(line);
        } else {
            printer.note(line);
        }
    }
    Ok(report.exit_status())
}

/// `token audit`.
#[derive(ClapArgs, Debug)]
pub struct AuditArgs {
    /// Warn about, and exit 1 on, credentials in use that expire within N days.
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub warn_days: i64,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--check`/`--no-check`.
#[derive(ClapArgs, Debug, Clone, Default)]
pub struct CheckFlags {
    /// Check the token with the provider first (the default).
    #[arg(long, overrides_with = "no_check")]
    pub check: bool,
    /// Do not ask the provider (air-gapped, or the token is not active yet).
    #[arg(long, overrides_with = "check")]
    pub no_check: bool,
}

impl CheckFlags {
    fn enabled(&self) -> bool {
        !self.no_check
    }
}

/// `token set`.
#[derive(ClapArgs, Debug)]
pub struct SetArgs {
    /// Credential name (lower-case letters, digits, '-', '.').
    pub name: String,
    /// Read the token from stdin instead of a hidden prompt.
    #[arg(long)]
    pub from_stdin: bool,
    /// Git hosting provider (default: the stored one, else guessed from the token prefix, else github).
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,
    /// Provider API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4).
    /// For a GitHub App it is the githubAppBaseURL Flux mints installation tokens from.
    #[arg(long, value_name = "URL", visible_alias = "github-url")]
    pub api_url: Option<String>,
    /// Basic-auth username written into git Secrets (default: the stored one, else "git").
    #[arg(long)]
    pub username: Option<String>,
    /// Replace an existing credential (only the keyring: use `token rotate` to update clusters).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub check: CheckFlags,
    /// Store a GitHub App (its private key) instead of a token.
    #[arg(long, requires_all = ["app_id", "installation_id"], conflicts_with_all = ["provider", "username"])]
    pub github_app: bool,
    /// The GitHub App's ID (with --github-app).
    #[arg(long, value_name = "ID", requires = "github_app")]
    pub app_id: Option<u64>,
    /// The ID of the App's installation on the fleet's organisation (with --github-app).
    #[arg(long, value_name = "ID", requires = "github_app")]
    pub installation_id: Option<u64>,
    /// The App's private key (PEM); without it, the key is read from stdin.
    #[arg(
        long,
        value_name = "FILE",
        requires = "github_app",
        conflicts_with = "from_stdin"
    )]
    pub private_key_file: Option<std::path::PathBuf>,
}

/// `token list`.
#[derive(ClapArgs, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    /// Warn about tokens expiring within N days.
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub warn_days: i64,
}

/// `token delete`.
#[derive(ClapArgs, Debug)]
pub struct DeleteArgs {
    /// Credential name.
    #[arg(add = super::completion::credential_completer())]
    pub name: String,
    /// Delete it even while a rotation of it is unfinished (both its tokens go; without a
    /// terminal to ask on, this is required then).
    #[arg(long)]
    pub force: bool,
}

/// `token check`.
#[derive(ClapArgs, Debug)]
pub struct CheckArgs {
    /// Credentials to check (default: all stored).
    #[arg(add = super::completion::credential_completer())]
    pub names: Vec<String>,
    /// Warn about tokens expiring within N days.
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub warn_days: i64,
    /// Time budget of each provider request.
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = parse_duration)]
    pub check_timeout: Duration,
    #[command(flatten)]
    pub output: OutputArgs,
    /// A fleet repository checkout: warn when a GitHub App cannot read a repository its
    /// FluxInstances and GitRepositories sync from.
    #[arg(long, value_name = "DIR")]
    pub repo: Option<std::path::PathBuf>,
}

/// `token rotate`.
#[derive(ClapArgs, Debug)]
pub struct RotateArgs {
    /// Credential name.
    #[arg(add = super::completion::credential_completer())]
    pub name: String,
    /// Read the new token from stdin instead of a hidden prompt (a GitHub App's new private
    /// key: its PEM).
    #[arg(long, conflicts_with_all = ["resume", "rollback"])]
    pub from_stdin: bool,
    /// A GitHub App: its new private key (PEM), generated in the App's settings. The old key is
    /// kept until every cluster fetched with the new one; then the run names it for deletion.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["from_stdin", "resume", "rollback", "self_rotate"])]
    pub private_key_file: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub check: CheckFlags,
    /// Continue an unfinished rotation on the clusters that are not done yet.
    #[arg(long, conflicts_with = "rollback")]
    pub resume: bool,
    /// Put the previous token back on every cluster of an unfinished rotation.
    #[arg(long)]
    pub rollback: bool,
    /// Show what would be updated, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// GitLab: the stored token rotates itself (GitLab issues the new one and revokes the old
    /// one at once, so there is no --rollback); needs scope api or self_rotate.
    #[arg(
        id = "self_rotate",
        long = "self",
        help_heading = "GitLab self-rotation",
        conflicts_with_all = ["from_stdin", "resume", "rollback"]
    )]
    pub self_rotate: bool,
    /// Lifetime of the new GitLab token: 30d, 4w or a number of days (default: GitLab's).
    #[arg(
        long,
        value_name = "DURATION",
        value_parser = parse_days,
        requires = "self_rotate",
        help_heading = "GitLab self-rotation"
    )]
    pub expires_in: Option<Duration>,
    /// A project access token: rotate it through this project's API (ID or path) instead of
    /// its own self-rotation endpoint (GitLab before 17.9, or no self_rotate scope).
    #[arg(
        long,
        value_name = "PROJECT",
        requires = "self_rotate",
        conflicts_with = "gitlab_group",
        help_heading = "GitLab self-rotation"
    )]
    pub gitlab_project: Option<String>,
    /// A group access token: rotate it through this group's API (ID or path).
    #[arg(
        long,
        value_name = "GROUP",
        requires = "self_rotate",
        help_heading = "GitLab self-rotation"
    )]
    pub gitlab_group: Option<String>,
    /// Do not wait for the GitRepositories to fetch with the new token.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the GitRepositories of each cluster.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
    /// The namespace Flux runs in on every selected cluster: the only namespace trusted to hold
    /// the credential besides its tenants' (default: found on each cluster, from its FluxInstance
    /// or sync objects, else flux-system).
    #[arg(long, value_name = "NAMESPACE", conflicts_with_all = ["resume", "rollback"])]
    pub flux_namespace: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

async fn audit(a: AuditArgs, kube: &KubeArgs, stores: Stores<'_>, printer: &Printer) -> Result<ExitStatus> {
    let now = Timestamp::now();
    let access = kube.selection();
    let req = AuditRequest {
        warn_days: a.warn_days,
        now,
    };
    let report = op::audit::audit(req, stores, &access, printer).await?;
    match a.output.output.document() {
        Some(format) => printer.document(format, AUDIT_KIND, &report)?,
        None if report.secrets.is_empty() => {
            printer.note("No Flux source or notification Provider reads a Secret on the selected clusters");
        }
        None => printer.data(&audit_table(&report, now, printer.stdout_paint()))?,
    }
    for w in &report.warnings {
        let line = format!("{}: Secret {}: {}", w.cluster, w.secret, w.message);
        match w.urgency {
            Urgency::Expired => printer.failure(&line),
            _ => printer.warn(&line),
        }
    }
    Ok(report.exit_status())
}

/// `--expires-in`: GitLab token expiries are dates, so lifetimes are whole days (`30d`, `4w`, `30`).
fn parse_days(text: &str) -> std::result::Result<Duration, String> {
    let text = text.trim();
    let invalid = || format!("invalid lifetime '{text}': use a number of days, e.g. 30d or 4w");
    let (number, unit) = match text.strip_suffix('d') {
        Some(n) => (n, 1),
        None => match text.strip_suffix('w') {
            Some(n) => (n, 7),
            None => (text, 1),
        },
    };
    let n: u64 = number.trim().parse().map_err(|_| invalid())?;
    if n == 0 {
        return Err(invalid());
    }
    Ok(Duration::from_secs(n.saturating_mul(unit).saturating_mul(86_400)))
}

/// Runs the command: opens the real stores (the keyring only on first use), calls one operation
/// and prints its result.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let printer = args.global.printer();
    let metas = MetaStore::open()?;
    let rotations = RotationStore::new(&metas);
    let keyring = LazyKeyring::new();
    let stores = Stores {
        secrets: &keyring,
        metas: &metas,
        rotations: &rotations,
    };
    match args.command {
        Command::Set(a) => set(a, stores, &printer).await,
        Command::List(a) => list(a, stores, &printer),
        Command::Delete(a) => {
            let ask: &(dyn Fn(&str) -> std::io::Result<bool> + Sync) = &super::ask_on_terminal;
            let confirm = std::io::stdin().is_terminal().then_some(ask);
            let req = DeleteRequest {
                name: a.name,
                force: a.force,
            };
            op::delete(req, stores, confirm, &printer)?;
            Ok(ExitStatus::Success)
        }
        Command::Check(a) => check(a, stores, &printer).await,
        Command::Rotate(a) => rotate(a, &args.kube, stores, &printer).await,
        Command::Audit(a) => audit(a, &args.kube, stores, &printer).await,
        Command::Migrate(a) => migrate(a, &args.kube, stores, &printer).await,
    }
}

/// Reads a token from stdin (`--from-stdin`) or a hidden prompt on the terminal, when the
/// operation asks for it.
/// `token rotate --from-stdin`: a PEM private key (a GitHub App's new key, stored as its keyring
/// value) or a token.
fn stdin_key_or_token_reader() -> TokenReader<'static> {
    Box::new(move || {
        async move {
            let read = tokio::task::spawn_blocking(move || -> Result<Token, CredentialError> {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
                    .map_err(CredentialError::Stdin)?;
                if text.trim_start().starts_with("-----BEGIN") {
                    AppKey::from_pem(&text, "stdin")?.to_stored()
                } else {
                    read_token_from(text.as_bytes())
                }
            })
            .await
            .map_err(|e| Error::Internal(format!("the token reader failed: {e}")))?;
            Ok(read?)
        }
        .boxed()
    })
}

fn token_reader(from_stdin: bool, prompt: String) -> TokenReader<'static> {
    Box::new(move || {
        async move {
            let read = tokio::task::spawn_blocking(move || -> Result<Token, CredentialError> {
                if from_stdin {
                    return read_token_from(std::io::stdin().lock());
                }
                if !std::io::stdin().is_terminal() {
                    return Err(CredentialError::NotATerminal);
                }
                let value = rpassword::prompt_password(prompt).map_err(CredentialError::Stdin)?;
                Token::new(value)
            })
            .await
            .map_err(|e| Error::Internal(format!("the token reader failed: {e}")))?;
            Ok(read?)
        }
        .boxed()
    })
}

async fn set(a: SetArgs, stores: Stores<'_>, printer: &Printer) -> Result<ExitStatus> {
    if a.github_app {
        return set_app(a, stores, printer).await;
    }
    let reader = token_reader(a.from_stdin, format!("Token for credential '{}': ", a.name));
    let req = SetRequest {
        name: a.name,
        provider: a.provider,
        api_url: a.api_url,
        username: a.username,
        force: a.force,
        check: a.check.enabled(),
    };
    op::set(req, stores, reader, printer).await?;
    Ok(ExitStatus::Success)
}

/// `token set --github-app`: the key from `--private-key-file`, else stdin (never a prompt: a PEM
/// is pasted badly into a hidden prompt).
async fn set_app(a: SetArgs, stores: Stores<'_>, printer: &Printer) -> Result<ExitStatus> {
    let (Some(app_id), Some(installation_id)) = (a.app_id, a.installation_id) else {
        return Err(Error::Usage(
            "--github-app needs --app-id and --installation-id".into(),
        ));
    };
    let file = a.private_key_file;
    let reader: KeyReader<'static> = Box::new(move || {
        async move {
            let read = tokio::task::spawn_blocking(move || -> Result<AppKey, CredentialError> {
                match file {
                    Some(path) => AppKey::from_file(&path),
                    None if std::io::stdin().is_terminal() => Err(CredentialError::InvalidPrivateKey {
                        origin: "stdin".into(),
                        reason: "stdin is a terminal: pass --private-key-file FILE or pipe the key in".into(),
                    }),
                    None => {
                        let mut text = String::new();
                        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
                            .map_err(CredentialError::Stdin)?;
                        AppKey::from_pem(&text, "stdin")
                    }
                }
            })
            .await
            .map_err(|e| Error::Internal(format!("the key reader failed: {e}")))?;
            Ok(read?)
        }
        .boxed()
    });
    let req = SetAppRequest {
        name: a.name,
        app: GithubApp {
            app_id,
            installation_id,
        },
        api_url: a.api_url,
        force: a.force,
        check: a.check.enabled(),
    };
    op::set_app(req, stores, reader, printer).await?;
    Ok(ExitStatus::Success)
}

fn list(a: ListArgs, stores: Stores<'_>, printer: &Printer) -> Result<ExitStatus> {
    let req = ListRequest {
        warn_days: a.warn_days,
        now: Timestamp::now(),
    };
    let listed = op::list(req, stores, printer)?;
    match a.output.output.document() {
        Some(format) => printer.document(format, LIST_KIND, &listed.views)?,
        None if listed.views.is_empty() => {
            printer.note("No credentials stored (add one with: kubectl fleet token set NAME)");
        }
        None => {
            printer.data(&list_table(&listed.views, listed.now, printer.stdout_paint()))?;
            for v in &listed.views {
                for w in &v.warnings {
                    printer.warn(&format!("{}: {w}", v.name));
                }
            }
        }
    }
    Ok(ExitStatus::Success)
}

async fn check(a: CheckArgs, stores: Stores<'_>, printer: &Printer) -> Result<ExitStatus> {
    let req = CheckRequest {
        names: a.names,
        warn_days: a.warn_days,
        timeout: a.check_timeout,
    };
    let checked = op::check_fleet(req, a.repo.as_deref(), stores, printer).await?;
    match a.output.output.document() {
        Some(format) => printer.document(format, CHECK_KIND, &checked.views)?,
        None => printer.data(&check_table(&checked.views, printer.stdout_paint()))?,
    }
    Ok(checked.exit_status())
}

async fn rotate(a: RotateArgs, kube: &KubeArgs, stores: Stores<'_>, printer: &Printer) -> Result<ExitStatus> {
    let mode = if a.resume {
        RotateMode::Resume
    } else if a.rollback {
        RotateMode::Rollback
    } else if a.self_rotate {
        let endpoint = match (a.gitlab_project, a.gitlab_group) {
            (Some(p), _) => RotateEndpoint::Project(p),
            (_, Some(g)) => RotateEndpoint::Group(g),
            _ => RotateEndpoint::SelfRotate,
        };
        RotateMode::SelfRotate(SelfRotate {
            endpoint,
            expires_in: a.expires_in,
        })
    } else if let Some(path) = a.private_key_file.clone() {
        RotateMode::Fresh {
            new_token: Box::new(move || {
                async move {
                    let read = tokio::task::spawn_blocking(move || AppKey::from_file(&path)?.to_stored())
                        .await
                        .map_err(|e| Error::Internal(format!("the key reader failed: {e}")))?;
                    Ok(read?)
                }
                .boxed()
            }),
        }
    } else if a.from_stdin {
        RotateMode::Fresh {
            new_token: stdin_key_or_token_reader(),
        }
    } else {
        RotateMode::Fresh {
            new_token: token_reader(a.from_stdin, format!("New token for credential '{}': ", a.name)),
        }
    };
    let req = RotateRequest {
        name: a.name,
        mode,
        dry_run: a.dry_run,
        check: a.check.enabled(),
        wait: !a.no_wait,
        timeout: a.timeout,
        interval: Duration::from_secs(1),
        flux_namespace: a.flux_namespace,
    };
    let access = kube.selection();
    let outcome = op::rotate(req, stores, &access, printer).await?;
    let status = outcome.exit_status();
    let format = a.output.output.document();
    match outcome {
        RotateOutcome::Planned(plan) => {
            match format {
                Some(format) => printer.document(format, PLAN_KIND, &plan)?,
                None => printer.data(&plan_table(&plan, printer.stdout_paint()))?,
            }
            printer.note("dry run: nothing was changed");
        }
        RotateOutcome::Unreachable(_) | RotateOutcome::Discarded { .. } => {}
        RotateOutcome::Ran(run) => {
            match format {
                Some(format) => printer.document(format, ROTATION_KIND, &run.report)?,
                None if run.report.clusters.is_empty() => {}
                None => printer.data(&rotation_table(&run.report, printer.stdout_paint()))?,
            }
            let committed = run.commit_error.is_none();
            for (level, line) in conclusion(&run.report, run.done, run.total, committed) {
                Reporter::line(printer, level, &line);
            }
            if let Some(fingerprint) = &run.retired_key {
                printer.success(&format!(
                    "no cluster uses the key {fingerprint} any more: delete it in the GitHub App's settings (Private keys)"
                ));
            }
            if let Some(e) = run.commit_error {
                return Err(e);
            }
        }
    }
    Ok(status)
}
