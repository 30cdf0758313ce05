//! `kubectl fleet token`: git tokens (PATs) in the OS keyring, checked with the provider, and
//! rotated across the fleet.
//!
//! The token is read from a hidden prompt or stdin, never from argv. It goes to the keyring, to
//! the provider's API (one header) and into Secrets' `data`; it never reaches stdout, stderr, a
//! log line or a file. Metadata lives in the index (`credentials::meta`); an unfinished rotation
//! in a state file (`credentials::rotation`), so `--resume` and `--rollback` work from any shell.

use std::{
    io::IsTerminal,
    sync::{Arc, Mutex},
    time::Duration,
};

use clap::{Args as ClapArgs, Parser, Subcommand};
use futures::{StreamExt, stream::FuturesUnordered};
use jiff::Timestamp;

use super::{GlobalArgs, KubeArgs, OutputFormat, parse_duration};
use crate::{
    credentials::{
        CredentialError, CredentialMeta, KeyringStore, MetaStore, Provider, SecretStore, Token, TokenStatus,
        cluster::{self, ClusterPlan, ClusterReport, RotateOptions, error_chain},
        meta::{CheckRecord, CheckResult, rfc3339},
        provider::{CHECK_TIMEOUT, check_token, normalize_api_url},
        read_token_from,
        report::{self, CredentialView, RotationReport},
        rotation::{ClusterState, Operation, RotationState, RotationStore, previous_entry},
        validate_name,
    },
    error::{Error, ExitStatus, Result},
    kube::KubeTarget,
    manifests::yaml,
    output::{Printer, Progress, plural},
};

const EXAMPLES: &str = "Examples:
  # Store the fleet's bot PAT (hidden prompt), checking it with GitHub first
  kubectl fleet token set fleet-bot

  # Store a GitHub Enterprise token from a secret manager, without a prompt
  vault kv get -field=pat ci/fleet-bot | kubectl fleet token set fleet-bot --from-stdin \\
      --api-url https://github.example.com/api/v3

  # What is stored, and what expires soon
  kubectl fleet token list

  # Ask the provider (exit 1 when a token is invalid or expired; warn 30 days ahead)
  kubectl fleet token check --warn-days 30

  # Rotate the PAT on every cluster of the kubeconfig and wait for Flux to fetch with it
  kubectl fleet token rotate fleet-bot --all-contexts

  # See what a rotation would touch, then continue or undo a rotation that failed somewhere
  kubectl fleet token rotate fleet-bot --all-contexts --dry-run
  kubectl fleet token rotate fleet-bot --resume
  kubectl fleet token rotate fleet-bot --rollback";

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
  kubectl fleet token set gitlab-bot --provider gitlab --api-url https://gitlab.example.com/api/v4")]
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
  kubectl fleet token rotate fleet-bot --context staging --context prod-eu --timeout 10m
  kubectl fleet token rotate fleet-bot --resume
  kubectl fleet token rotate fleet-bot --rollback")]
    Rotate(RotateArgs),
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
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// Basic-auth username written into git Secrets (default: the stored one, else "git").
    #[arg(long)]
    pub username: Option<String>,
    /// Replace an existing credential (only the keyring: use `token rotate` to update clusters).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub check: CheckFlags,
}

/// `token list`.
#[derive(ClapArgs, Debug)]
pub struct ListArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
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
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// `token rotate`.
#[derive(ClapArgs, Debug)]
pub struct RotateArgs {
    /// Credential name.
    #[arg(add = super::completion::credential_completer())]
    pub name: String,
    /// Read the new token from stdin instead of a hidden prompt.
    #[arg(long, conflicts_with_all = ["resume", "rollback"])]
    pub from_stdin: bool,
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
    /// Do not wait for the GitRepositories to fetch with the new token.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the GitRepositories of each cluster.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Output format of the result.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let printer = args.global.printer();
    match args.command {
        Command::Set(a) => set(a, &printer).await,
        Command::List(a) => list(a, &printer),
        Command::Delete(a) => delete(a, &printer),
        Command::Check(a) => check(a, &printer).await,
        Command::Rotate(a) => rotate(a, &args.kube, &printer).await,
    }
}

fn keyring() -> Result<Arc<dyn SecretStore>> {
    Ok(Arc::new(KeyringStore::open()?))
}

/// Reads a token from stdin (`--from-stdin`) or a hidden prompt on the terminal.
async fn read_token(from_stdin: bool, prompt: String) -> Result<Token> {
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
    .map_err(|e| Error::Usage(format!("failed to read the token: {e}")))?;
    Ok(read?)
}

/// Asks the provider; a rejected token or an unreachable provider stops the command. On success
/// the check and the expiry it reported are recorded in `meta`.
async fn verify(name: &str, meta: &mut CredentialMeta, token: &Token, printer: &Printer) -> Result<()> {
    printer.action(&format!(
        "checking the token with {} ({})",
        meta.provider, meta.api_url
    ));
    match check_token(meta.provider, &meta.api_url, token, CHECK_TIMEOUT).await {
        Ok(TokenStatus::Valid {
            identity,
            expires,
            scopes,
        }) => {
            printer.success(&format!(
                "token is valid{}{}",
                identity.as_ref().map(|i| format!(" for {i}")).unwrap_or_default(),
                match expires {
                    Some(e) => format!(", expires {}", report::date(e)),
                    None => ", no expiry".into(),
                }
            ));
            meta.expires = expires;
            meta.last_check = Some(CheckRecord {
                at: rfc3339::now(),
                result: CheckResult::Valid,
                identity,
                scopes,
                message: None,
            });
            Ok(())
        }
        Ok(TokenStatus::Invalid { reason }) => Err(CredentialError::TokenRejected {
            name: name.into(),
            reason,
        }
        .into()),
        Err(source) => Err(CredentialError::Provider {
            name: name.into(),
            source,
        }
        .into()),
    }
}

async fn set(a: SetArgs, printer: &Printer) -> Result<ExitStatus> {
    validate_name(&a.name)?;
    let api_url = a.api_url.as_deref().map(normalize_api_url).transpose()?;
    if let Some(u) = &a.username
        && u.trim().is_empty()
    {
        return Err(Error::Usage("--username must not be empty".into()));
    }
    let metas = MetaStore::open()?;
    let rotations = RotationStore::new(&metas);
    if let Some(state) = rotations.load(&a.name)? {
        return Err(in_progress(&a.name, &state).into());
    }
    let existing = metas.get(&a.name)?;
    if existing.is_some() && !a.force {
        return Err(CredentialError::AlreadyExists { name: a.name }.into());
    }
    let store = keyring()?;
    let token = read_token(a.from_stdin, format!("Token for credential '{}': ", a.name)).await?;
    let now = rfc3339::now();
    let provider = a
        .provider
        .or(existing.as_ref().map(|m| m.provider))
        .unwrap_or_else(|| Provider::guess(&token));
    let api_url = api_url
        .or_else(|| {
            existing
                .as_ref()
                .filter(|m| m.provider == provider)
                .map(|m| m.api_url.clone())
        })
        .unwrap_or_else(|| provider.default_api_url().to_string());
    let mut meta = CredentialMeta {
        provider,
        api_url,
        username: a
            .username
            .or(existing.as_ref().map(|m| m.username.clone()))
            .unwrap_or_else(|| "git".into()),
        created: existing.as_ref().map(|m| m.created).unwrap_or(now),
        updated: now,
        expires: None,
        last_check: None,
    };
    if a.check.enabled() {
        verify(&a.name, &mut meta, &token, printer).await?;
    }
    store.set(&a.name, &token)?;
    let saved = metas.update(|index| {
        index.credentials.insert(a.name.clone(), meta.clone());
        Ok(())
    });
    if let Err(e) = saved {
        // Keep keyring and index consistent: a token nobody can list is worse than none.
        if existing.is_none() {
            let _ = store.delete(&a.name);
        }
        return Err(e.into());
    }
    printer.success(&format!(
        "{} credential '{}' in the OS keyring ({}, {}, username {})",
        if existing.is_some() { "replaced" } else { "stored" },
        a.name,
        meta.provider,
        meta.api_url,
        meta.username
    ));
    if existing.is_some() {
        printer.note(
            "  clusters still hold the previous token: use 'kubectl fleet token rotate' to replace it there",
        );
    }
    Ok(ExitStatus::Success)
}

fn in_progress(name: &str, state: &RotationState) -> CredentialError {
    let (done, total) = state.progress();
    let (operation, flag, alternative) = match state.operation {
        Operation::Rotate => ("rotation", "--resume", ", or undo it with --rollback"),
        Operation::Rollback => ("rollback", "--rollback", ""),
    };
    CredentialError::RotationInProgress {
        name: name.into(),
        operation,
        done,
        total,
        flag,
        alternative,
    }
}

fn print_document<T: serde::Serialize>(
    printer: &Printer,
    format: OutputFormat,
    value: &T,
    what: &str,
) -> Result<()> {
    match format {
        OutputFormat::Json => {
            let mut text = serde_json::to_string_pretty(value)
                .map_err(|e| Error::Usage(format!("failed to serialize {what}: {e}")))?;
            text.push('\n');
            printer.data(&text)
        }
        OutputFormat::Yaml => printer.data(&yaml::to_string(value, what)?),
        OutputFormat::Table => Ok(()),
    }
}

fn list(a: ListArgs, printer: &Printer) -> Result<ExitStatus> {
    let metas = MetaStore::open()?;
    let rotations = RotationStore::new(&metas);
    let index = metas.load()?;
    let now = Timestamp::now();
    // Listing works without a keyring (it only reads metadata); presence is checked when possible.
    let store = match KeyringStore::open() {
        Ok(s) => Some(s),
        Err(e) => {
            if !index.credentials.is_empty() {
                printer.warn(&format!("cannot tell whether the tokens are in the keyring: {e}"));
            }
            None
        }
    };
    let mut views: Vec<CredentialView> = Vec::new();
    for (name, meta) in &index.credentials {
        let in_keyring = match &store {
            Some(s) => match s.get(name) {
                Ok(found) => Some(found.is_some()),
                Err(e) => {
                    printer.warn(&format!("cannot read credential '{name}' from the keyring: {e}"));
                    None
                }
            },
            None => None,
        };
        let rotation = rotations.load(name)?;
        views.push(report::credential_view(
            name,
            meta,
            in_keyring,
            rotation.as_ref(),
            now,
            a.warn_days,
        ));
    }
    match a.output {
        OutputFormat::Table => {
            if views.is_empty() {
                printer.note("No credentials stored (add one with: kubectl fleet token set NAME)");
                return Ok(ExitStatus::Success);
            }
            printer.data(&report::list_table(&views, now, printer.stdout_paint()))?;
            for v in &views {
                for w in &v.warnings {
                    printer.warn(&format!("{}: {w}", v.name));
                }
            }
        }
        format => print_document(printer, format, &views, "credential list")?,
    }
    Ok(ExitStatus::Success)
}

fn delete(a: DeleteArgs, printer: &Printer) -> Result<ExitStatus> {
    validate_name(&a.name)?;
    let metas = MetaStore::open()?;
    let rotations = RotationStore::new(&metas);
    let _lock = rotations.lock(&a.name)?;
    let store = keyring()?;
    let had_token = store.delete(&a.name)?;
    let had_previous = store.delete(&previous_entry(&a.name))?;
    let had_meta = metas.update(|index| Ok(index.credentials.remove(&a.name).is_some()))?;
    let had_rotation = rotations.load(&a.name)?.is_some();
    rotations.clear(&a.name)?;
    if !(had_token || had_meta || had_previous) {
        return Err(CredentialError::NotFound { name: a.name }.into());
    }
    if had_rotation {
        printer.warn(&format!(
            "an unfinished rotation of '{}' was discarded with it; clusters keep whatever token they hold",
            a.name
        ));
    }
    printer.success(&format!("deleted credential '{}'", a.name));
    Ok(ExitStatus::Success)
}

async fn check(a: CheckArgs, printer: &Printer) -> Result<ExitStatus> {
    for n in &a.names {
        validate_name(n)?;
    }
    let metas = MetaStore::open()?;
    let rotations = RotationStore::new(&metas);
    let index = metas.load()?;
    let names: Vec<String> = if a.names.is_empty() {
        index.credentials.keys().cloned().collect()
    } else {
        a.names.clone()
    };
    if names.is_empty() {
        return Err(Error::Usage(
            "no credentials stored (add one with: kubectl fleet token set NAME)".into(),
        ));
    }
    for n in &names {
        if !index.credentials.contains_key(n) {
            return Err(CredentialError::NotFound { name: n.clone() }.into());
        }
    }
    let store = keyring()?;
    let mut views = Vec::new();
    let mut status = ExitStatus::Success;
    for name in &names {
        let mut meta = index.credentials[name].clone();
        let token = store.get(name)?;
        let in_keyring = token.is_some();
        if let Some(token) = token {
            let record = match check_token(meta.provider, &meta.api_url, &token, a.check_timeout).await {
                Ok(TokenStatus::Valid {
                    identity,
                    expires,
                    scopes,
                }) => {
                    meta.expires = expires;
                    CheckRecord {
                        at: rfc3339::now(),
                        result: CheckResult::Valid,
                        identity,
                        scopes,
                        message: None,
                    }
                }
                Ok(TokenStatus::Invalid { reason }) => CheckRecord {
                    at: rfc3339::now(),
                    result: CheckResult::Invalid,
                    identity: None,
                    scopes: None,
                    message: Some(reason),
                },
                Err(e) => CheckRecord {
                    at: rfc3339::now(),
                    result: CheckResult::Error,
                    identity: None,
                    scopes: None,
                    message: Some(error_chain(&e)),
                },
            };
            meta.last_check = Some(record.clone());
            metas.update(|index| {
                if let Some(m) = index.credentials.get_mut(name) {
                    m.expires = meta.expires;
                    m.last_check = Some(record);
                }
                Ok(())
            })?;
        }
        let rotation = rotations.load(name)?;
        let view = report::credential_view(
            name,
            &meta,
            Some(in_keyring),
            rotation.as_ref(),
            Timestamp::now(),
            a.warn_days,
        );
        if view.status.is_failure() {
            status = ExitStatus::Failure;
        }
        report_check(printer, &view);
        views.push(view);
    }
    match a.output {
        OutputFormat::Table => printer.data(&report::check_table(&views, printer.stdout_paint()))?,
        format => print_document(printer, format, &views, "check result")?,
    }
    Ok(status)
}

fn report_check(printer: &Printer, view: &CredentialView) {
    use report::CredentialStatus as S;
    let name = &view.name;
    match view.status {
        S::Valid | S::Unchecked => {
            let who = view
                .meta
                .last_check
                .as_ref()
                .and_then(|c| c.identity.clone())
                .map(|i| format!(" for {i}"))
                .unwrap_or_default();
            let expiry = match (view.meta.expires, view.days_left) {
                (Some(e), Some(d)) => format!(", expires {} ({d} days left)", report::date(e)),
                _ => ", no expiry".into(),
            };
            printer.success(&format!("{name}: valid{who}{expiry}"));
        }
        _ if view.status.is_failure() => {
            printer.failure(&format!("{name}: {}", view.warnings.join("; ")));
        }
        _ => {
            for w in &view.warnings {
                printer.warn(&format!("{name}: {w}"));
            }
        }
    }
}

/// Which way a `rotate` run goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Fresh,
    Resume,
    Rollback,
}

async fn rotate(a: RotateArgs, kube: &KubeArgs, printer: &Printer) -> Result<ExitStatus> {
    validate_name(&a.name)?;
    let name = a.name.clone();
    let mode = if a.resume {
        Mode::Resume
    } else if a.rollback {
        Mode::Rollback
    } else {
        Mode::Fresh
    };
    if mode != Mode::Fresh && (!kube.contexts.is_empty() || kube.all_contexts) {
        return Err(Error::Usage(
            "--resume and --rollback act on the clusters of the unfinished rotation: do not pass --context or --all-contexts".into(),
        ));
    }
    let metas = MetaStore::open()?;
    let rotations = RotationStore::new(&metas);
    let _lock = if a.dry_run {
        None
    } else {
        Some(rotations.lock(&name)?)
    };
    let state = rotations.load(&name)?;
    let meta = metas
        .get(&name)?
        .ok_or_else(|| CredentialError::NotFound { name: name.clone() })?;

    // Which clusters, validated against the kubeconfig before anything else happens.
    let kubeconfig = kube.kubeconfig()?;
    let contexts: Vec<String> = match (mode, &state) {
        (Mode::Fresh, Some(s)) => return Err(in_progress(&name, s).into()),
        (Mode::Fresh, None) => kube.select(&kubeconfig)?,
        (Mode::Resume, None) => {
            return Err(CredentialError::NoRotation {
                name,
                action: "resume",
            }
            .into());
        }
        (Mode::Rollback, None) => {
            return Err(CredentialError::NoRotation {
                name,
                action: "roll back",
            }
            .into());
        }
        (Mode::Resume, Some(s)) if s.operation == Operation::Rollback => {
            return Err(in_progress(&name, s).into());
        }
        (Mode::Resume, Some(s)) => s.remaining(),
        (Mode::Rollback, Some(s)) if s.operation == Operation::Rotate => {
            s.clusters.iter().map(|c| c.context.clone()).collect()
        }
        (Mode::Rollback, Some(s)) => s.remaining(),
    };
    for c in &contexts {
        kubeconfig.require_context(c)?;
    }
    let mut targets = Vec::new();
    for c in &contexts {
        targets.push(kubeconfig.target(c, kube.client_options()).await?);
    }
    if let Some(s) = &state {
        for t in &targets {
            if let Some(rec) = s.clusters.iter().find(|r| r.context == t.context)
                && rec.server != t.server
            {
                printer.warn(&format!(
                    "context '{}' now points at {} (it was {} when the rotation started)",
                    t.context, t.server, rec.server
                ));
            }
        }
    }

    // Preflight every cluster concurrently: find what to update and check write access.
    printer.action(&format!(
        "finding what uses credential '{name}' on {}",
        plural(targets.len(), "cluster")
    ));
    let plans = plan_all(&targets, &name).await;
    for (t, p) in &plans {
        if let Ok(p) = p {
            for w in report::revert_warnings(&t.context, &p.secrets) {
                printer.warn(&w);
            }
        }
    }
    if a.dry_run {
        let rows: Vec<(String, std::result::Result<ClusterPlan, String>)> = plans
            .iter()
            .map(|(t, p)| (t.context.clone(), p.clone()))
            .collect();
        match a.output {
            OutputFormat::Table => printer.data(&report::plan_table(&rows, printer.stdout_paint()))?,
            format => {
                let doc: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|(c, p)| match p {
                        Ok(p) => serde_json::json!({"context": c, "plan": p}),
                        Err(e) => serde_json::json!({"context": c, "error": e}),
                    })
                    .collect();
                print_document(printer, format, &doc, "rotation plan")?;
            }
        }
        printer.note("dry run: nothing was changed");
        return Ok(ExitStatus::Success);
    }
    let reachable = plans.iter().filter(|(_, p)| p.is_ok()).count();
    if reachable == 0 {
        for (t, p) in &plans {
            if let Err(e) = p {
                printer.failure(&format!("{}: {e}", t.context));
            }
        }
        if mode == Mode::Fresh {
            printer.failure("no selected cluster can be updated: nothing was changed, the keyring still holds the current token");
        }
        return Ok(ExitStatus::Failure);
    }

    let store = keyring()?;
    let (token, mut state) = match mode {
        Mode::Fresh => {
            let current = store
                .get(&name)?
                .ok_or_else(|| CredentialError::NotFound { name: name.clone() })?;
            let new = read_token(a.from_stdin, format!("New token for credential '{name}': ")).await?;
            if new == current {
                return Err(CredentialError::SameToken { name }.into());
            }
            let mut new_meta = CredentialMeta {
                updated: rfc3339::now(),
                expires: None,
                last_check: None,
                ..meta.clone()
            };
            if a.check.enabled() {
                verify(&name, &mut new_meta, &new, printer).await?;
            }
            let clusters: Vec<(String, String)> = targets
                .iter()
                .map(|t| (t.context.clone(), t.server.clone()))
                .collect();
            let state = RotationState::new(&name, meta.clone(), &clusters);
            // Record the rotation before the keyring changes, so an interrupted run can always be
            // resumed or rolled back; then keep the previous token, then store the new one.
            rotations.save(&state)?;
            if let Err(e) = store.set(&previous_entry(&name), &current) {
                let _ = rotations.clear(&name);
                return Err(e.into());
            }
            if let Err(e) = store.set(&name, &new) {
                let _ = store.delete(&previous_entry(&name));
                let _ = rotations.clear(&name);
                return Err(e.into());
            }
            metas.update(|index| {
                index.credentials.insert(name.clone(), new_meta.clone());
                Ok(())
            })?;
            printer.success(&format!(
                "stored the new token of '{name}'; the previous one is kept until every cluster is done"
            ));
            (new, state)
        }
        Mode::Resume => {
            let token = store
                .get(&name)?
                .ok_or_else(|| CredentialError::NotFound { name: name.clone() })?;
            let s = state.clone().ok_or_else(|| CredentialError::NoRotation {
                name: name.clone(),
                action: "resume",
            })?;
            printer.action(&format!(
                "resuming the rotation of '{name}': {}",
                report::cluster_states(&s)
            ));
            (token, s)
        }
        Mode::Rollback => {
            let previous = store
                .get(&previous_entry(&name))?
                .ok_or_else(|| CredentialError::NoRotation {
                    name: name.clone(),
                    action: "roll back (the previous token is no longer in the keyring)",
                })?;
            let mut s = state.clone().ok_or_else(|| CredentialError::NoRotation {
                name: name.clone(),
                action: "roll back",
            })?;
            if s.operation == Operation::Rotate {
                s.start_rollback();
                rotations.save(&s)?;
            }
            printer.action(&format!("rolling back credential '{name}' to its previous token"));
            (previous, s)
        }
    };
    for t in &targets {
        if let Some(rec) = state.clusters.iter_mut().find(|r| r.context == t.context) {
            rec.server = t.server.clone();
        }
    }

    let requested_at = Timestamp::now().to_string();
    let opts = RotateOptions {
        fallback_username: meta.username.clone(),
        wait: !a.no_wait,
        timeout: a.timeout,
        interval: Duration::from_secs(1),
        concurrency: 8,
        requested_at: requested_at.clone(),
    };
    let reports = apply_all(&plans, &name, &token, &opts, printer, &mut state, &rotations).await?;

    let complete = state.remaining().is_empty();
    let result = RotationReport {
        credential: name.clone(),
        operation: state.operation,
        requested_at,
        complete,
        clusters: reports,
    };
    match a.output {
        OutputFormat::Table => printer.data(&report::rotation_table(&result, printer.stdout_paint()))?,
        format => print_document(printer, format, &result, "rotation result")?,
    }
    let found: usize = result.clusters.iter().map(|r| r.secrets.len()).sum();
    if found == 0 && result.clusters.iter().all(ClusterReport::succeeded) {
        printer.warn(&format!(
            "no Secret on the selected clusters was written from credential '{name}' (annotation {})",
            crate::credentials::CREDENTIAL_ANNOTATION
        ));
    }
    if !complete {
        let (done, total) = state.progress();
        let next = match state.operation {
            Operation::Rotate => format!(
                "continue with 'kubectl fleet token rotate {name} --resume' or undo with 'kubectl fleet token rotate {name} --rollback'"
            ),
            Operation::Rollback => format!("continue with 'kubectl fleet token rotate {name} --rollback'"),
        };
        printer.failure(&format!(
            "{} of {total} clusters not done; the previous token stays in the keyring: {next}",
            total - done
        ));
        return Ok(ExitStatus::Failure);
    }
    match state.operation {
        Operation::Rotate => {
            store.delete(&previous_entry(&name))?;
            rotations.clear(&name)?;
            printer.success(&format!(
                "rotated credential '{name}' on {}; the previous token was removed from the keyring",
                plural(state.clusters.len(), "cluster")
            ));
        }
        Operation::Rollback => {
            store.set(&name, &token)?;
            store.delete(&previous_entry(&name))?;
            let restored = CredentialMeta {
                updated: rfc3339::now(),
                ..state.previous.clone()
            };
            metas.update(|index| {
                index.credentials.insert(name.clone(), restored);
                Ok(())
            })?;
            rotations.clear(&name)?;
            printer.success(&format!(
                "rolled back credential '{name}' on {}; the keyring holds the previous token again",
                plural(state.clusters.len(), "cluster")
            ));
        }
    }
    Ok(ExitStatus::Success)
}

type Plans = Vec<(KubeTarget, std::result::Result<ClusterPlan, String>)>;

async fn plan_all(targets: &[KubeTarget], name: &str) -> Plans {
    let futures = targets.iter().map(|t| async move {
        let plan = cluster::plan_cluster(t, name).await.map_err(|e| error_chain(&e));
        (t.clone(), plan)
    });
    futures::future::join_all(futures).await
}

/// Applies every plan concurrently, one progress bar per cluster, saving the rotation state as
/// each cluster finishes (so an interrupted run loses at most the clusters still in flight).
async fn apply_all(
    plans: &Plans,
    name: &str,
    token: &Token,
    opts: &RotateOptions,
    printer: &Printer,
    state: &mut RotationState,
    rotations: &RotationStore,
) -> Result<Vec<ClusterReport>> {
    let progress = Progress::new(printer);
    let shared = Mutex::new(std::mem::replace(
        state,
        RotationState::new(name, state.previous.clone(), &[]),
    ));
    let mut pending = FuturesUnordered::new();
    for (target, plan) in plans {
        let bar = progress.target(&target.context);
        let shared = &shared;
        pending.push(async move {
            let report = match plan {
                Ok(plan) => {
                    let bar2 = bar.clone();
                    let on_progress = move |m: String| bar2.set(m);
                    cluster::apply_plan(target, plan, name, token, opts, &on_progress).await
                }
                Err(e) => ClusterReport::failed(&target.context, e.clone()),
            };
            match &report.error {
                None => bar.finish(summary(&report)),
                Some(e) => bar.finish(format!("failed: {e}")),
            }
            let saved = match shared.lock() {
                Ok(mut s) => {
                    match &report.error {
                        None => s.mark(&target.context, ClusterState::Done, None),
                        Some(e) => s.mark(&target.context, ClusterState::Failed, Some(e.clone())),
                    }
                    rotations.save(&s)
                }
                Err(_) => Ok(()),
            };
            (report, saved)
        });
    }
    let mut reports = Vec::new();
    let mut save_error = None;
    while let Some((report, saved)) = pending.next().await {
        if !progress.enabled() {
            match &report.error {
                None => printer.success(&format!("{}: {}", report.context, summary(&report))),
                Some(e) => printer.failure(&format!("{}: {e}", report.context)),
            }
        }
        if let Err(e) = saved {
            save_error = Some(e);
        }
        reports.push(report);
    }
    drop(pending);
    *state = shared
        .into_inner()
        .map_err(|_| Error::Usage("internal error: rotation state lock poisoned".into()))?;
    if let Some(e) = save_error {
        printer.warn(&format!("failed to record the rotation state: {e}"));
    }
    // Report in the order the clusters were given, not the order they finished.
    reports.sort_by_key(|r| plans.iter().position(|(t, _)| t.context == r.context));
    Ok(reports)
}

fn summary(r: &ClusterReport) -> String {
    let repos = r.git_repositories.len();
    let ready = r.repos_in(cluster::RepoState::Ready);
    let requested = r.repos_in(cluster::RepoState::Requested);
    let repos_text = if repos == 0 {
        "no GitRepository uses them".to_string()
    } else if requested > 0 {
        format!(
            "reconciliation requested for {requested} {}",
            if requested == 1 {
                "GitRepository"
            } else {
                "GitRepositories"
            }
        )
    } else {
        format!("{ready}/{repos} GitRepositories ready")
    };
    if r.secrets.is_empty() {
        "no Secret uses this credential".into()
    } else {
        format!(
            "{} written ({} changed), {repos_text}",
            plural(r.secrets.len(), "Secret"),
            r.updated()
        )
    }
}
