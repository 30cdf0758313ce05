//! `token rotate`: replace a credential's token on every cluster that uses it, as a transaction that
//! survives a failure or an interrupt at any point.
//!
//! A fresh rotation first plans every selected cluster (nothing changes if none can be planned, or
//! on `--dry-run`), then changes the local stores in this order, each step durable before the next:
//!
//! 1. the rotation state is saved (the clusters, the previous metadata), so from here on
//!    `--resume` and `--rollback` can finish or undo whatever happens next;
//! 2. the current token is kept in the keyring as `NAME#previous`;
//! 3. the index gets the new token's metadata;
//! 4. the keyring gets the new token under `NAME`;
//! 5. every cluster gets it (through the [`Runner`]), and is recorded as done or failed in the state
//!    as soon as it finishes;
//! 6. once every cluster is done, the commit removes `NAME#previous`, then the state.
//!
//! A rollback pushes the previous token to every cluster of the rotation, then puts it back under
//! `NAME`, restores the previous metadata, removes `NAME#previous` and the state.
//!
//! A step that fails is undone before the error is returned (the current token is written back
//! explicitly, because a keyring call that timed out may still complete). A run that is killed is
//! recovered by the next `--resume` or `--rollback` from what the keyring holds: no
//! `NAME#previous`, or one equal to `NAME`, means the new token was never stored, so no cluster was
//! changed and the rotation is discarded; a commit that removed `NAME#previous` is finished. Each
//! durable step is reported as a debug line ([`Checkpoint`], shown with `-v`).
//!
//! A GitLab self-rotation (`--self`) starts differently, because GitLab revokes the old token as
//! it issues the new one: see [`self_rotate`] (no `NAME#previous` to roll back to, the new token
//! stored before anything else, `--rollback` refused).
//!
//! Which Secrets of a cluster a rotation rewrites is decided in one place,
//! [`target_secrets`](crate::credentials::cluster::target_secrets), called by the planning step.

use std::{sync::Mutex, time::Duration};

use jiff::Timestamp;

use super::{
    Stores, TokenReader,
    report::{RotationPlan, RotationReport, cluster_summary, plan_summary, suspicious_line},
    verify,
};
use crate::{
    credentials::{
        AppAuth, CredentialError, CredentialMeta, GitAuth, Provider, Token, TokenStatus,
        cluster::{ClusterPlan, ClusterRotation, RotateOptions, apply_plan, plan_cluster},
        github_app::{AppKey, GithubApp, check_app},
        gitlab_rotate::{GitlabRotateError, RotateEndpoint},
        meta::rfc3339,
        provider::CHECK_TIMEOUT,
        replicas::{lagging_error, verify_replicas},
        report::{cluster_states, revert_warnings},
        rotation::{ClusterState, Operation, RotationState, app_key_fingerprint, previous_entry},
        trust::FluxNamespaceOrigin,
        validate_name,
    },
    error::{Error, Result, error_chain},
    exit::ExitStatus,
    kube::{ClusterSelection, KubeTarget},
    ops::{DEFAULT_CONCURRENCY, Runner, TargetReport, exit_status},
    output::{Reporter, plural},
    repo::names,
};

mod self_rotate;

pub use self_rotate::SelfRotate;

/// How many Secrets of one cluster are written at once.
const SECRET_CONCURRENCY: usize = 8;

/// Which way a rotation run goes.
pub enum RotateMode<'a> {
    /// A new rotation on the selected clusters; the new token is read once the plan is known, so a
    /// dry run or an unreachable fleet never asks for one.
    Fresh {
        /// Reads the new token.
        new_token: TokenReader<'a>,
    },
    /// Continue an unfinished rotation on the clusters that are not done yet.
    Resume,
    /// Put the previous token back on every cluster of an unfinished rotation.
    Rollback,
    /// A new rotation whose new token GitLab issues: the stored token rotates itself
    /// (`--self`, see [`self_rotate`]).
    SelfRotate(SelfRotate),
}

/// The direction of a run, once the new token's reader is taken out of [`RotateMode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Fresh,
    Resume,
    Rollback,
}

/// `token rotate`.
pub struct RotateRequest<'a> {
    /// The credential.
    pub name: String,
    /// Fresh, resume or rollback.
    pub mode: RotateMode<'a>,
    /// Plan only: change nothing.
    pub dry_run: bool,
    /// Check the new token with the provider before anything changes.
    pub check: bool,
    /// Wait for the GitRepositories to fetch with the token.
    pub wait: bool,
    /// How long to wait for the GitRepositories of each cluster.
    pub timeout: Duration,
    /// How often to look at them while waiting.
    pub interval: Duration,
    /// The namespace to trust as every cluster's Flux namespace (`--flux-namespace`); `None`
    /// finds it on each cluster. A resume or rollback uses the one its rotation started with.
    pub flux_namespace: Option<String>,
}

/// A run that reached the clusters (or had none left to reach).
#[derive(Debug)]
pub struct RotationRun {
    /// Where each cluster of this run ended.
    pub report: RotationReport,
    /// Clusters of the whole rotation done now.
    pub done: usize,
    /// Clusters of the whole rotation.
    pub total: usize,
    /// Why the commit failed after every cluster was done (the rotation stays unfinished, and
    /// `--resume` or `--rollback` finishes it).
    pub commit_error: Option<Error>,
    /// A GitHub App whose run committed: the fingerprint (as GitHub shows it) of the private key
    /// no cluster uses any more, to delete in the App's settings.
    pub retired_key: Option<String>,
}

impl RotationRun {
    /// 0 only when every cluster is done, the commit went through, and no Secret claimed the
    /// credential where it does not belong.
    pub fn exit_status(&self) -> ExitStatus {
        let suspicious = self
            .report
            .clusters
            .iter()
            .filter_map(TargetReport::ok)
            .any(|r| !r.suspicious.is_empty());
        if self.commit_error.is_some() || !self.report.complete || suspicious {
            ExitStatus::Failure
        } else {
            exit_status(&self.report.clusters)
        }
    }
}

/// What `token rotate` did.
#[derive(Debug)]
pub enum RotateOutcome {
    /// `--dry-run`: what each cluster would get. Nothing was changed.
    Planned(RotationPlan),
    /// No selected cluster could be planned. Nothing was changed.
    Unreachable(RotationPlan),
    /// An interrupted rotation had not stored its new token yet, so no cluster was changed: it was
    /// discarded, and the keyring and the index hold the current token.
    Discarded {
        /// The credential.
        credential: String,
        /// Whether `--resume` asked for it (the rotation it wanted to finish did not happen).
        resumed: bool,
    },
    /// The rotation or rollback ran.
    Ran(RotationRun),
}

impl RotateOutcome {
    /// The exit status of the run.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            RotateOutcome::Planned(plan) => plan.exit_status(),
            RotateOutcome::Unreachable(_) => ExitStatus::Failure,
            RotateOutcome::Discarded { resumed: true, .. } => ExitStatus::Failure,
            RotateOutcome::Discarded { resumed: false, .. } => ExitStatus::Success,
            RotateOutcome::Ran(run) => run.exit_status(),
        }
    }
}

/// A step of the rotation transaction, reported as a debug line once it is durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checkpoint {
    /// The rotation state file was written.
    StateSaved,
    /// The current token was kept as `NAME#previous`.
    PreviousKept,
    /// The index holds the new token's metadata.
    MetaUpdated,
    /// The keyring holds the new token under `NAME`.
    NewStored,
    /// The state now says "rollback".
    RollbackStarted,
    /// A GitLab self-rotation's state says the previous token is revoked.
    PreviousRevoked,
    /// One cluster's outcome was recorded in the state.
    ClusterRecorded {
        /// The context.
        context: String,
        /// Done, or failed.
        done: bool,
    },
    /// Every cluster of the rotation is done.
    Applied,
    /// A rollback put the previous token back under `NAME`.
    TokenRestored,
    /// The index holds the previous metadata again.
    MetaRestored,
    /// `NAME#previous` was removed.
    PreviousRemoved,
    /// The state file was removed: the rotation is over.
    StateCleared,
}

impl Checkpoint {
    /// The debug line reporting this step of `name`'s rotation.
    pub fn line(&self, name: &str) -> String {
        let what = match self {
            Checkpoint::StateSaved => "rotation state saved".to_string(),
            Checkpoint::PreviousKept => format!("current token kept as '{}'", previous_entry(name)),
            Checkpoint::MetaUpdated => "metadata of the new token recorded".to_string(),
            Checkpoint::NewStored => "new token stored in the keyring".to_string(),
            Checkpoint::RollbackStarted => "rotation state switched to rollback".to_string(),
            Checkpoint::PreviousRevoked => {
                "rotation state records that GitLab revoked the previous token".to_string()
            }
            Checkpoint::ClusterRecorded { context, done } => format!(
                "cluster {context} recorded as {}",
                if *done { "done" } else { "failed" }
            ),
            Checkpoint::Applied => "every cluster is done".to_string(),
            Checkpoint::TokenRestored => "previous token stored under its name again".to_string(),
            Checkpoint::MetaRestored => "previous metadata restored".to_string(),
            Checkpoint::PreviousRemoved => format!("'{}' removed from the keyring", previous_entry(name)),
            Checkpoint::StateCleared => "rotation state removed".to_string(),
        };
        format!("rotation of '{name}': {what}")
    }
}

/// What an unfinished rotation left in the keyring, and so what a `--resume` or `--rollback` does.
enum Recovery {
    /// Push this token to the clusters not done yet, then commit.
    Continue(Token),
    /// The new token was never stored, so no cluster has it: discard the rotation.
    NeverStarted,
    /// Every cluster is done and the commit already removed `NAME#previous`: finish the commit.
    Finish,
}

/// `token rotate` (see the module documentation for the transaction). The kubeconfig is read
/// only once a cluster is needed, so an unknown credential or an unfinished rotation is reported
/// first; `--resume` and `--rollback` act on the clusters recorded in the rotation state, not on
/// `clusters`' contexts.
pub async fn rotate(
    req: RotateRequest<'_>,
    stores: Stores<'_>,
    clusters: &ClusterSelection,
    reporter: &dyn Reporter,
) -> Result<RotateOutcome> {
    let RotateRequest {
        name,
        mode,
        dry_run,
        check,
        wait,
        timeout,
        interval,
        flux_namespace,
    } = req;
    let (kind, new_token, self_req) = match mode {
        RotateMode::Fresh { new_token } => (Kind::Fresh, Some(new_token), None),
        RotateMode::Resume => (Kind::Resume, None, None),
        RotateMode::Rollback => (Kind::Rollback, None, None),
        RotateMode::SelfRotate(req) => (Kind::Fresh, None, Some(req)),
    };
    validate_name(&name)?;
    let expires_at = self_req
        .as_ref()
        .map(SelfRotate::expiry_date)
        .transpose()?
        .flatten();
    if kind != Kind::Fresh && (!clusters.contexts.is_empty() || clusters.all_contexts) {
        return Err(Error::Usage(
            "--resume and --rollback act on the clusters of the unfinished rotation: do not pass --context or --all-contexts".into(),
        ));
    }
    if let Some(ns) = &flux_namespace {
        if kind != Kind::Fresh {
            return Err(Error::Usage(
                "--resume and --rollback trust the Flux namespace of the rotation they continue: do not pass --flux-namespace".into(),
            ));
        }
        names::dns_label("--flux-namespace", ns)?;
    }
    let _lock = if dry_run {
        None
    } else {
        Some(stores.rotations.lock(&name)?)
    };
    // A migration writes both this credential's forms to the same Secrets: a rotation meanwhile
    // would drop the App keys it placed (or the PAT it still needs).
    if let Some(m) = crate::credentials::migration::MigrationStore::new(stores.metas).involving(&name)? {
        return Err(m.in_progress().into());
    }
    let meta = stores
        .metas
        .get(&name)?
        .ok_or_else(|| CredentialError::NotFound { name: name.clone() })?;
    if meta.github_app.is_some() && self_req.is_some() {
        return Err(CredentialError::WrongKind {
            name,
            kind: "GitHub App",
            reason:
                "--self rotates GitLab tokens; rotate an App's private key with --private-key-file or stdin"
                    .into(),
        }
        .into());
    }
    if self_req.is_some() && meta.provider != Provider::Gitlab {
        return Err(CredentialError::from(GitlabRotateError::NotGitlab {
            name: name.clone(),
            provider: meta.provider.to_string(),
        })
        .into());
    }
    let mut state = unfinished(&name, kind, stores.rotations.load(&name)?)?;
    if kind == Kind::Rollback
        && let Some(s) = &state
        && s.self_rotation.is_some()
        && s.operation == Operation::Rotate
    {
        return Err(CredentialError::from(GitlabRotateError::RollbackRefused { name: name.clone() }).into());
    }
    let txn = Txn {
        name: &name,
        stores,
        reporter,
        flux_namespace: match &state {
            Some(s) => s.flux_namespace.clone(),
            None => flux_namespace,
        },
    };

    // What an earlier run left in the keyring decides what this one does.
    let mut recovered = None;
    if let Some(s) = state.as_mut()
        && !dry_run
    {
        let recovery = if s.self_rotation.is_some() {
            txn.recover_self(s)?
        } else {
            txn.recover(kind, s)?
        };
        match recovery {
            Recovery::Continue(token) => recovered = Some(token),
            Recovery::NeverStarted => return txn.discard(kind, s),
            Recovery::Finish => return Ok(RotateOutcome::Ran(txn.finish(s))),
        }
    }

    let targets = select_targets(kind, state.as_ref(), clusters, reporter).await?;
    let plans = txn.plan_all(&targets).await;
    if dry_run {
        return Ok(RotateOutcome::Planned(RotationPlan {
            credential: name,
            clusters: plans,
        }));
    }
    if !plans.is_empty() && plans.iter().all(TargetReport::is_failed) {
        for p in &plans {
            if let Some(e) = p.err() {
                reporter.failure(&format!("{}: {e}", p.target));
            }
        }
        if kind == Kind::Fresh {
            reporter.failure(
                "no selected cluster can be updated: nothing was changed, the keyring still holds the current token",
            );
        }
        return Ok(RotateOutcome::Unreachable(RotationPlan {
            credential: name,
            clusters: plans,
        }));
    }

    let (token, mut state) = match (state, recovered, new_token) {
        (None, _, None) if self_req.is_some() => {
            let endpoint = self_req.map(|r| r.endpoint).unwrap_or(RotateEndpoint::SelfRotate);
            let recorded: Vec<(String, String)> = targets
                .iter()
                .map(|t| (t.context.clone(), t.server.clone()))
                .collect();
            let mut state = RotationState::new(&name, meta.clone(), &recorded);
            state.flux_namespace = txn.flux_namespace.clone();
            txn.start_self(&meta, endpoint, expires_at, state).await?
        }
        (None, _, Some(read)) => {
            let current = stores
                .secrets
                .get(&name)?
                .ok_or_else(|| CredentialError::NotFound { name: name.clone() })?;
            let new = read().await?;
            if new == current {
                return Err(CredentialError::SameToken { name }.into());
            }
            if let Some(ids) = meta.github_app {
                check_new_key(&name, &meta, ids, &new, check, reporter).await?;
            }
            let mut new_meta = CredentialMeta {
                updated: rfc3339::now(),
                expires: None,
                last_check: None,
                ..meta.clone()
            };
            if check && meta.github_app.is_none() {
                verify(&name, &mut new_meta, &new, reporter).await?;
            }
            let recorded: Vec<(String, String)> = targets
                .iter()
                .map(|t| (t.context.clone(), t.server.clone()))
                .collect();
            let mut state = RotationState::new(&name, meta.clone(), &recorded);
            state.flux_namespace = txn.flux_namespace.clone();
            txn.start(&current, &new, &new_meta, &state)?;
            reporter.success(&format!(
                "stored the new token of '{name}'; the previous one is kept until every cluster is done"
            ));
            (new, state)
        }
        (Some(s), Some(token), _) if kind == Kind::Resume => {
            reporter.action(&format!(
                "resuming the rotation of '{name}': {}",
                cluster_states(&s)
            ));
            (token, s)
        }
        (Some(mut s), Some(previous), _) => {
            if s.operation == Operation::Rotate {
                s.start_rollback();
                stores.rotations.save(&s)?;
                txn.checkpoint(Checkpoint::RollbackStarted);
            }
            reporter.action(&format!("rolling back credential '{name}' to its previous token"));
            (previous, s)
        }
        _ => {
            return Err(Error::Internal("a rotation run without a token to push".into()));
        }
    };
    for t in &targets {
        if let Some(rec) = state.clusters.iter_mut().find(|r| r.context == t.context) {
            rec.server = t.server.clone();
        }
    }

    let auth = git_auth(&name, &meta, &token)?;
    // An App keeps every key until it is deleted in GitHub: say which one no cluster uses once
    // this run commits (the previous key after a rotation, the new one after a rollback).
    let retired = match meta.github_app {
        None => None,
        Some(_) => {
            let other = match state.operation {
                Operation::Rotate => stores.secrets.get(&previous_entry(&name))?,
                Operation::Rollback => stores.secrets.get(&name)?,
            };
            other
                .filter(|o| o != &token)
                .and_then(|o| AppKey::from_stored(&name, &o).ok())
                .map(|k| app_key_fingerprint(&k))
        }
    };
    let push = Push {
        auth: &auth,
        opts: RotateOptions {
            fallback_username: meta.username.clone(),
            wait,
            timeout,
            interval,
            concurrency: SECRET_CONCURRENCY,
            requested_at: Timestamp::now().to_string(),
        },
    };
    let (reports, state_now) = txn.apply_all(targets, plans, &push, state).await?;
    state = state_now;
    let complete = state.remaining().is_empty();
    let commit_error = if complete {
        txn.checkpoint(Checkpoint::Applied);
        txn.commit(&state, &token).err()
    } else {
        None
    };
    let (done, total) = state.progress();
    let retired_key = retired.filter(|_| complete && commit_error.is_none());
    Ok(RotateOutcome::Ran(RotationRun {
        report: RotationReport {
            credential: name.clone(),
            operation: state.operation,
            requested_at: push.opts.requested_at,
            complete,
            clusters: reports,
        },
        done,
        total,
        commit_error,
        retired_key,
    }))
}

/// What the Secrets get from the credential's keyring value: the token, or for a GitHub App its
/// IDs (from the index) and the key.
fn git_auth(name: &str, meta: &CredentialMeta, value: &Token) -> Result<GitAuth> {
    Ok(match meta.github_app {
        None => GitAuth::Token(value.clone()),
        Some(ids) => GitAuth::App(AppAuth {
            app_id: ids.app_id,
            installation_id: ids.installation_id,
            base_url: super::migrate::app_base_url(meta),
            key: AppKey::from_stored(name, value)?,
        }),
    })
}

/// A new App key must be a valid private key, and (unless `--no-check`) one GitHub accepts for
/// this App: a JWT signed with it mints an installation token (a key of another App is refused).
async fn check_new_key(
    name: &str,
    meta: &CredentialMeta,
    ids: GithubApp,
    new: &Token,
    check: bool,
    reporter: &dyn Reporter,
) -> Result<()> {
    let key = AppKey::from_stored(name, new).map_err(|_| CredentialError::InvalidPrivateKey {
        origin: "the new key".into(),
        reason: format!(
            "credential '{name}' is a GitHub App: pass its new private key (PEM) with --private-key-file or on stdin"
        ),
    })?;
    if !check {
        return Ok(());
    }
    reporter.action(&format!(
        "minting an installation token for App {} with the new key ({})",
        ids.app_id, meta.api_url
    ));
    match check_app(&meta.api_url, ids, &key, CHECK_TIMEOUT).await {
        Ok(c) => match c.status {
            TokenStatus::Valid { .. } => {
                reporter.success(&format!("GitHub accepts the new key for App {}", ids.app_id));
                Ok(())
            }
            TokenStatus::Invalid { reason } => Err(CredentialError::TokenRejected {
                name: name.into(),
                reason,
            }
            .into()),
        },
        Err(source) => Err(CredentialError::Provider {
            name: name.into(),
            source,
        }
        .into()),
    }
}

/// The unfinished rotation this run goes on with (none for a fresh one), or why the run cannot
/// start: a fresh rotation over an unfinished one, a resume or rollback with nothing to go on
/// with, a resume of a rollback.
fn unfinished(name: &str, kind: Kind, state: Option<RotationState>) -> Result<Option<RotationState>> {
    match (kind, state) {
        (Kind::Fresh, Some(s)) => Err(s.in_progress().into()),
        (Kind::Fresh, None) => Ok(None),
        (Kind::Resume, None) => Err(CredentialError::NoRotation {
            name: name.into(),
            action: "resume",
        }
        .into()),
        (Kind::Rollback, None) => Err(CredentialError::NoRotation {
            name: name.into(),
            action: "roll back",
        }
        .into()),
        (Kind::Resume, Some(s)) if s.operation == Operation::Rollback => Err(s.in_progress().into()),
        (_, Some(s)) => Ok(Some(s)),
    }
}

/// The clusters of this run, validated against the kubeconfig before any request: the selection
/// of a fresh rotation, the clusters not done yet of a resume, every cluster of a rollback that
/// starts. Warns about a context that points elsewhere than when the rotation started.
async fn select_targets(
    kind: Kind,
    state: Option<&RotationState>,
    clusters: &ClusterSelection,
    reporter: &dyn Reporter,
) -> Result<Vec<KubeTarget>> {
    let kubeconfig = clusters.load()?;
    let contexts: Vec<String> = match state {
        None => clusters.contexts_of(&kubeconfig)?,
        Some(s) if kind == Kind::Rollback && s.operation == Operation::Rotate => {
            s.clusters.iter().map(|c| c.context.clone()).collect()
        }
        Some(s) => s.remaining(),
    };
    for c in &contexts {
        kubeconfig.require_context(c)?;
    }
    let mut targets = Vec::new();
    for c in &contexts {
        targets.push(kubeconfig.target(c, clusters.client).await?);
    }
    if let Some(s) = state {
        for t in &targets {
            if let Some(rec) = s.clusters.iter().find(|r| r.context == t.context)
                && rec.server != t.server
            {
                reporter.warn(&format!(
                    "context '{}' now points at {} (it was {} when the rotation started)",
                    t.context, t.server, rec.server
                ));
            }
        }
    }
    Ok(targets)
}

/// What every cluster of a run gets.
struct Push<'a> {
    auth: &'a GitAuth,
    opts: RotateOptions,
}

/// One run of the transaction: the credential, and the stores and reporter every step uses.
struct Txn<'a> {
    name: &'a str,
    stores: Stores<'a>,
    reporter: &'a dyn Reporter,
    /// The Flux namespace the caller trusts (`None`: found on each cluster).
    flux_namespace: Option<String>,
}

impl Txn<'_> {
    /// Reports a durable step.
    fn checkpoint(&self, step: Checkpoint) {
        self.reporter.debug(&step.line(self.name));
    }

    /// Reads what the keyring holds for an unfinished rotation and decides how to go on; the
    /// keyring is the truth, the state file only says which clusters are done.
    fn recover(&self, kind: Kind, state: &RotationState) -> Result<Recovery> {
        let name = self.name;
        let previous = self.stores.secrets.get(&previous_entry(name))?;
        let all_done = state.remaining().is_empty();
        let previous_gone = || CredentialError::NoRotation {
            name: name.into(),
            action: "roll back (the previous token is no longer in the keyring)",
        };
        match state.operation {
            Operation::Rotate => {
                let current = self
                    .stores
                    .secrets
                    .get(name)?
                    .ok_or_else(|| CredentialError::NotFound { name: name.into() })?;
                match previous {
                    None if all_done && kind == Kind::Resume => Ok(Recovery::Finish),
                    None if all_done => Err(previous_gone().into()),
                    None => Ok(Recovery::NeverStarted),
                    Some(p) if p == current => Ok(Recovery::NeverStarted),
                    Some(p) if kind == Kind::Rollback => Ok(Recovery::Continue(p)),
                    Some(_) => Ok(Recovery::Continue(current)),
                }
            }
            Operation::Rollback => match previous {
                Some(p) => Ok(Recovery::Continue(p)),
                None if all_done => Ok(Recovery::Finish),
                None => Err(previous_gone().into()),
            },
        }
    }

    /// Steps 1 to 4 of a fresh rotation. A failing step undoes the ones before it and returns its
    /// error; if undoing fails too, the state stays so that `--rollback` finishes the undo.
    fn start(
        &self,
        current: &Token,
        new: &Token,
        new_meta: &CredentialMeta,
        state: &RotationState,
    ) -> Result<()> {
        let (name, stores) = (self.name, self.stores);
        stores.rotations.save(state)?;
        self.checkpoint(Checkpoint::StateSaved);
        if let Err(e) = stores.secrets.set(&previous_entry(name), current) {
            self.undo_start(None);
            return Err(e.into());
        }
        self.checkpoint(Checkpoint::PreviousKept);
        let updated = stores.metas.update(|index| {
            index.credentials.insert(name.to_string(), new_meta.clone());
            Ok(())
        });
        if let Err(e) = updated {
            self.undo_start(None);
            return Err(e.into());
        }
        self.checkpoint(Checkpoint::MetaUpdated);
        if let Err(e) = stores.secrets.set(name, new) {
            self.undo_start(Some((current, &state.previous)));
            return Err(e.into());
        }
        self.checkpoint(Checkpoint::NewStored);
        Ok(())
    }

    /// Undoes a failed start. With `restore`, the keyring may hold the new token (a write that
    /// timed out can still land), so the current token and its metadata are written back first,
    /// and the state is only dropped once they are. A `NAME#previous` left behind is a copy of the
    /// current token, so removing it is best effort.
    fn undo_start(&self, restore: Option<(&Token, &CredentialMeta)>) {
        let (name, stores) = (self.name, self.stores);
        let undone = (|| -> Result<(), CredentialError> {
            if let Some((current, previous_meta)) = restore {
                stores.secrets.set(name, current)?;
                stores.metas.update(|index| {
                    index.credentials.insert(name.to_string(), previous_meta.clone());
                    Ok(())
                })?;
            }
            let _ = stores.secrets.delete(&previous_entry(name));
            stores.rotations.clear(name)
        })();
        if let Err(e) = undone {
            self.reporter.warn(&format!(
                "could not undo the start of the rotation ({}); 'kubectl fleet token rotate {name} --rollback' finishes undoing it",
                error_chain(&e)
            ));
        }
    }

    /// Discards a rotation whose new token was never stored: the index gets the previous metadata
    /// back (step 3 may have happened), `NAME#previous` and the state go.
    fn discard(&self, kind: Kind, state: &RotationState) -> Result<RotateOutcome> {
        let (name, stores) = (self.name, self.stores);
        if stores.metas.get(name)?.as_ref() != Some(&state.previous) {
            stores.metas.update(|index| {
                index.credentials.insert(name.to_string(), state.previous.clone());
                Ok(())
            })?;
            self.checkpoint(Checkpoint::MetaRestored);
        }
        stores.secrets.delete(&previous_entry(name))?;
        self.checkpoint(Checkpoint::PreviousRemoved);
        stores.rotations.clear(name)?;
        self.checkpoint(Checkpoint::StateCleared);
        let resumed = kind == Kind::Resume;
        if resumed {
            self.reporter.failure(&format!(
                "the rotation of '{name}' was interrupted before its new token was stored, so there is nothing to resume: \
                 no cluster was changed and the keyring holds the current token; start it again with 'kubectl fleet token rotate {name}'"
            ));
        } else {
            self.reporter.success(&format!(
                "the rotation of '{name}' was interrupted before its new token was stored: no cluster was changed, \
                 nothing to roll back; the unfinished rotation was discarded"
            ));
        }
        Ok(RotateOutcome::Discarded {
            credential: name.into(),
            resumed,
        })
    }

    /// Finishes a commit that was interrupted after `NAME#previous` was removed (every cluster is
    /// done).
    fn finish(&self, state: &RotationState) -> RotationRun {
        let finished = (|| -> Result<()> {
            if state.operation == Operation::Rollback {
                self.restore_meta(state)?;
                self.checkpoint(Checkpoint::MetaRestored);
            }
            self.stores.rotations.clear(self.name)?;
            self.checkpoint(Checkpoint::StateCleared);
            Ok(())
        })();
        let (done, total) = state.progress();
        RotationRun {
            report: RotationReport {
                credential: self.name.into(),
                operation: state.operation,
                requested_at: Timestamp::now().to_string(),
                complete: true,
                clusters: Vec::new(),
            },
            done,
            total,
            commit_error: finished.err(),
            retired_key: None,
        }
    }

    /// Step 6: every cluster carries `token`; the keyring and the index are made to agree, and the
    /// state goes last.
    fn commit(&self, state: &RotationState, token: &Token) -> Result<()> {
        let (name, stores) = (self.name, self.stores);
        if state.operation == Operation::Rollback {
            stores.secrets.set(name, token)?;
            self.checkpoint(Checkpoint::TokenRestored);
            self.restore_meta(state)?;
            self.checkpoint(Checkpoint::MetaRestored);
        }
        stores.secrets.delete(&previous_entry(name))?;
        self.checkpoint(Checkpoint::PreviousRemoved);
        stores.rotations.clear(name)?;
        self.checkpoint(Checkpoint::StateCleared);
        Ok(())
    }

    /// Puts the metadata of the token a rollback restored back into the index.
    fn restore_meta(&self, state: &RotationState) -> Result<()> {
        let restored = CredentialMeta {
            updated: rfc3339::now(),
            ..state.previous.clone()
        };
        self.stores.metas.update(|index| {
            index.credentials.insert(self.name.to_string(), restored);
            Ok(())
        })?;
        Ok(())
    }

    /// Plans every cluster concurrently (the Secrets written from the credential, the
    /// GitRepositories using them, whether we may write them) and warns about Secrets a Flux
    /// Kustomization would revert.
    async fn plan_all(&self, targets: &[KubeTarget]) -> Vec<TargetReport<ClusterPlan>> {
        if targets.is_empty() {
            return Vec::new();
        }
        let (name, reporter) = (self.name, self.reporter);
        reporter.action(&format!(
            "finding what uses credential '{name}' on {}",
            plural(targets.len(), "cluster")
        ));
        let items = targets.iter().map(|t| (t.context.clone(), t)).collect();
        let flux_namespace = self.flux_namespace.as_deref();
        let plans = Runner::new(reporter, DEFAULT_CONCURRENCY)
            .reported_by_caller()
            .run(
                items,
                |target, step| async move {
                    step.set("finding Secrets and GitRepositories");
                    plan_cluster(target, name, flux_namespace).await
                },
                plan_summary,
            )
            .await;
        for p in &plans {
            if let Some(plan) = p.ok() {
                reporter.debug(&trust_line(&p.target, plan));
                for w in revert_warnings(&p.target, &plan.secrets) {
                    reporter.warn(&w);
                }
                for s in &plan.suspicious {
                    reporter.failure(&suspicious_line(&p.target, name, s));
                }
            }
        }
        plans
    }

    /// Step 5: applies every plan concurrently and records each cluster in the state as it
    /// finishes (so an interrupted run loses at most the clusters still in flight). A cluster that
    /// could not be planned is recorded as failed without being touched. Reports come back in the
    /// clusters' order.
    async fn apply_all(
        &self,
        targets: Vec<KubeTarget>,
        plans: Vec<TargetReport<ClusterPlan>>,
        push: &Push<'_>,
        state: RotationState,
    ) -> Result<(Vec<TargetReport<ClusterRotation>>, RotationState)> {
        let reporter = self.reporter;
        let shared = Mutex::new(state);
        let save_error: Mutex<Option<CredentialError>> = Mutex::new(None);
        let record = |context: &str, failure: Option<String>| -> Result<()> {
            let mut s = shared
                .lock()
                .map_err(|_| Error::Internal("the rotation state lock was poisoned".into()))?;
            let done = failure.is_none();
            let cluster_state = if done {
                ClusterState::Done
            } else {
                ClusterState::Failed
            };
            s.mark(context, cluster_state, failure);
            match self.stores.rotations.save(&s) {
                // Reported under the lock, so the state on disk has exactly what the line says.
                Ok(()) => self.checkpoint(Checkpoint::ClusterRecorded {
                    context: context.into(),
                    done,
                }),
                Err(e) => {
                    if let Ok(mut slot) = save_error.lock() {
                        slot.get_or_insert(e);
                    }
                }
            }
            Ok(())
        };

        let mut slots: Vec<Option<TargetReport<ClusterRotation>>> = Vec::new();
        let mut work = Vec::new();
        let mut work_slots = Vec::new();
        for (target, plan) in targets.into_iter().zip(plans) {
            match plan.outcome {
                Ok(p) => {
                    work_slots.push(slots.len());
                    slots.push(None);
                    work.push((target.context.clone(), (target, p)));
                }
                Err(e) => {
                    record(&target.context, Some(e.message.clone()))?;
                    slots.push(Some(TargetReport::failed(target.context, e)));
                }
            }
        }
        let ran = Runner::new(reporter, DEFAULT_CONCURRENCY)
            .reported_by_caller()
            .run(
                work,
                |(target, plan): (KubeTarget, ClusterPlan), step| {
                    let record = &record;
                    async move {
                        let progress = move |m: String| step.set(m);
                        let result =
                            apply_plan(&target, &plan, self.name, push.auth, &push.opts, &progress).await;
                        let result = match result {
                            Ok(r) if push.opts.wait => follow_replicas(&target, r, push, &progress).await,
                            other => other,
                        };
                        record(&target.context, result.as_ref().err().map(|e| error_chain(e)))?;
                        result
                    }
                },
                cluster_summary,
            )
            .await;
        for (slot, report) in work_slots.into_iter().zip(ran) {
            slots[slot] = Some(report);
        }
        let state = shared
            .into_inner()
            .map_err(|_| Error::Internal("the rotation state lock was poisoned".into()))?;
        if let Some(e) = save_error.into_inner().ok().flatten() {
            reporter.warn(&format!("failed to record the rotation state: {e}"));
        }
        Ok((slots.into_iter().flatten().collect(), state))
    }
}

/// The debug line saying which namespace a cluster's plan trusted, and why.
fn trust_line(context: &str, plan: &ClusterPlan) -> String {
    let why = match plan.flux_namespace_origin {
        Some(FluxNamespaceOrigin::Given) => "named with --flux-namespace",
        Some(FluxNamespaceOrigin::FluxInstance) => "its FluxInstance",
        Some(FluxNamespaceOrigin::Sync) => "its sync GitRepository and Kustomization",
        Some(FluxNamespaceOrigin::Default) | None => "no FluxInstance or sync objects: the default",
    };
    format!(
        "{context}: trusting namespace {} as the Flux namespace ({why})",
        plan.flux_namespace
    )
}

/// keos: the rotated Secrets that kubernetes-replicator copies into other namespaces must be
/// followed by their copies (checked, never written: the copies are the replicator's). A copy that
/// lags fails the cluster, naming it.
async fn follow_replicas(
    target: &KubeTarget,
    mut rotation: ClusterRotation,
    push: &Push<'_>,
    progress: &(dyn Fn(String) + Send + Sync),
) -> Result<ClusterRotation> {
    progress("checking kubernetes-replicator copies".into());
    rotation.replicas = verify_replicas(target, &rotation.secrets, push.auth, &push.opts).await?;
    match lagging_error(target, &rotation.replicas, push.opts.timeout) {
        Some(e) => Err(e.into()),
        None => Ok(rotation),
    }
}
