//! The git-credential workflows behind `kubectl fleet token`: `set`, `list`, `check`, `delete` and
//! `rotate` (with `--resume` and `--rollback`).
//!
//! Each takes a request, the [`Stores`] it works on (the keyring, the credential index, the
//! rotation state; tests pass a `MemoryStore` and `MetaStore::at(tempdir)`) and a
//! [`Reporter`] for status lines, and returns a plain outcome the CLI prints. A token comes in
//! through a [`TokenReader`] called only once the operation's checks passed, so nothing asks for a
//! token that would be refused. No token ever reaches a status line, an outcome or an error.

mod app;
pub mod audit;
pub mod migrate;
pub mod report;
mod rotate;

use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;

pub use app::{KeyReader, SetAppRequest, set_app};
pub use rotate::{Checkpoint, RotateMode, RotateOutcome, RotateRequest, RotationRun, SelfRotate, rotate};

use crate::{
    credentials::{
        CredentialError, CredentialMeta, DEFAULT_USERNAME, MetaStore, Provider, SecretStore, Token,
        TokenStatus,
        meta::rfc3339,
        provider::{CHECK_TIMEOUT, check_token, normalize_api_url},
        report::{self as views, CredentialStatus, CredentialView},
        rotation::{RotationStore, previous_entry},
        validate_name,
    },
    error::{Error, Result},
    exit::ExitStatus,
    output::Reporter,
};

/// The stores a token operation works on.
#[derive(Clone, Copy)]
pub struct Stores<'a> {
    /// Tokens by name: the OS keyring (`LazyKeyring`), or a `MemoryStore` in tests.
    pub secrets: &'a dyn SecretStore,
    /// The credential index.
    pub metas: &'a MetaStore,
    /// Unfinished rotations, beside the index.
    pub rotations: &'a RotationStore,
}

/// Reads a token when an operation needs it (the CLI's hidden prompt or stdin).
pub type TokenReader<'a> = Box<dyn FnOnce() -> BoxFuture<'a, Result<Token>> + Send + 'a>;

/// Asks the provider before a token is stored; a rejected token or an unreachable provider stops
/// the command. On success the check and the expiry it reported are recorded in `meta`.
async fn verify(name: &str, meta: &mut CredentialMeta, token: &Token, reporter: &dyn Reporter) -> Result<()> {
    reporter.action(&format!(
        "checking the token with {} ({})",
        meta.provider, meta.api_url
    ));
    let answer = check_token(meta.provider, &meta.api_url, token, CHECK_TIMEOUT).await;
    meta.record_check(&answer, rfc3339::now());
    match answer {
        Ok(TokenStatus::Valid {
            identity, expires, ..
        }) => {
            reporter.success(&format!(
                "token is valid{}{}",
                identity.as_ref().map(|i| format!(" for {i}")).unwrap_or_default(),
                match expires {
                    Some(e) => format!(", expires {}", views::date(e)),
                    None => ", no expiry".into(),
                }
            ));
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

/// `token set`: what to store.
#[derive(Clone, Debug)]
pub struct SetRequest {
    /// The credential name.
    pub name: String,
    /// The provider (default: the stored one, else guessed from the token).
    pub provider: Option<Provider>,
    /// The provider's API base URL (default: the stored one for the same provider, else the
    /// provider's public API).
    pub api_url: Option<String>,
    /// The git username (default: the stored one, else `git`).
    pub username: Option<String>,
    /// Replace an existing credential.
    pub force: bool,
    /// Check the token with the provider before storing it.
    pub check: bool,
}

/// What `token set` stored.
#[derive(Clone, Debug)]
pub struct SetOutcome {
    /// The credential.
    pub name: String,
    /// Its metadata now.
    pub meta: CredentialMeta,
    /// Whether it replaced a stored credential.
    pub replaced: bool,
}

/// Stores a credential's keyring value, then its index entry. A value nobody can list is worse than
/// none, so a new credential's value is removed again when the index cannot be written (shared by
/// PATs and GitHub App keys).
fn store(stores: &Stores<'_>, name: &str, value: &Token, meta: &CredentialMeta, new: bool) -> Result<()> {
    stores.secrets.set(name, value)?;
    let saved = stores.metas.update(|index| {
        index.credentials.insert(name.to_string(), meta.clone());
        Ok(())
    });
    if let Err(e) = saved {
        if new {
            let _ = stores.secrets.delete(name);
        }
        return Err(e.into());
    }
    Ok(())
}

/// `token set`: checks the request, refuses over an unfinished rotation or (without `force`) an
/// existing credential, then reads the token, checks it with the provider, and stores token and
/// metadata together (a token the index does not list is removed again).
pub async fn set(
    req: SetRequest,
    stores: Stores<'_>,
    read_token: TokenReader<'_>,
    reporter: &dyn Reporter,
) -> Result<SetOutcome> {
    validate_name(&req.name)?;
    let api_url = req.api_url.as_deref().map(normalize_api_url).transpose()?;
    if let Some(u) = &req.username
        && u.trim().is_empty()
    {
        return Err(Error::Usage("--username must not be empty".into()));
    }
    let name = req.name;
    if let Some(state) = stores.rotations.load(&name)? {
        return Err(state.in_progress().into());
    }
    let existing = stores.metas.get(&name)?;
    app::same_kind(&name, existing.as_ref(), false)?;
    if existing.is_some() && !req.force {
        return Err(CredentialError::AlreadyExists { name }.into());
    }
    // The keyring must be usable before anyone types a token it could not keep.
    stores.secrets.ready()?;
    let token = read_token().await?;
    let now = rfc3339::now();
    let provider = req
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
    let username = req
        .username
        .or(existing.as_ref().map(|m| m.username.clone()))
        .unwrap_or_else(|| DEFAULT_USERNAME.into());
    let mut meta = CredentialMeta::new(provider, api_url, username, now);
    if let Some(e) = &existing {
        meta.created = e.created;
    }
    if req.check {
        verify(&name, &mut meta, &token, reporter).await?;
    }
    store(&stores, &name, &token, &meta, existing.is_none())?;
    reporter.success(&format!(
        "{} credential '{}' in the OS keyring ({}, {}, username {})",
        if existing.is_some() { "replaced" } else { "stored" },
        name,
        meta.provider,
        meta.api_url,
        meta.username
    ));
    if existing.is_some() {
        reporter.note(
            "  clusters still hold the previous token: use 'kubectl fleet token rotate' to replace it there",
        );
    }
    Ok(SetOutcome {
        name,
        meta,
        replaced: existing.is_some(),
    })
}

/// `token list`: how to judge expiry.
#[derive(Clone, Copy, Debug)]
pub struct ListRequest {
    /// Warn about tokens expiring within this many days.
    pub warn_days: i64,
    /// The instant the views are computed at.
    pub now: Timestamp,
}

/// Every stored credential as `token list` shows it.
#[derive(Clone, Debug)]
pub struct ListOutcome {
    /// One view per credential, sorted by name.
    pub views: Vec<CredentialView>,
    /// The instant they were computed at.
    pub now: Timestamp,
}

/// `token list`: reads the index; the keyring only tells whether each token is present, so the
/// list works (with a warning) without a keyring.
pub fn list(req: ListRequest, stores: Stores<'_>, reporter: &dyn Reporter) -> Result<ListOutcome> {
    let index = stores.metas.load()?;
    let mut keyring_usable = true;
    let mut out = Vec::new();
    for (name, meta) in &index.credentials {
        let in_keyring = if keyring_usable {
            match stores.secrets.get(name) {
                Ok(found) => Some(found.is_some()),
                Err(e @ CredentialError::KeyringUnavailable { .. }) => {
                    reporter.warn(&format!("cannot tell whether the tokens are in the keyring: {e}"));
                    keyring_usable = false;
                    None
                }
                Err(e) => {
                    reporter.warn(&format!("cannot read credential '{name}' from the keyring: {e}"));
                    None
                }
            }
        } else {
            None
        };
        let rotation = stores.rotations.load(name)?;
        out.push(views::credential_view(
            name,
            meta,
            in_keyring,
            rotation.as_ref(),
            req.now,
            req.warn_days,
        ));
    }
    Ok(ListOutcome {
        views: out,
        now: req.now,
    })
}

/// `token check`: which credentials, and how.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    /// The credentials to check (empty: every stored one).
    pub names: Vec<String>,
    /// Warn about tokens expiring within this many days.
    pub warn_days: i64,
    /// Time budget of each provider request.
    pub timeout: Duration,
}

/// The checked credentials.
#[derive(Clone, Debug)]
pub struct CheckOutcome {
    /// One view per credential, in the order checked.
    pub views: Vec<CredentialView>,
}

impl CheckOutcome {
    /// 1 when a token is missing, expired, rejected or could not be checked.
    pub fn exit_status(&self) -> ExitStatus {
        if self.views.iter().any(|v| v.status.is_failure()) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }
}

/// `token check`: asks the provider about each token and records the answer in the index.
pub async fn check(req: CheckRequest, stores: Stores<'_>, reporter: &dyn Reporter) -> Result<CheckOutcome> {
    check_fleet(req, None, stores, reporter).await
}

/// `token check --repo DIR`: as [`check`], and every GitHub App is also warned about the fleet
/// repositories of the checkout at `fleet` that its installation cannot read.
pub async fn check_fleet(
    req: CheckRequest,
    fleet: Option<&std::path::Path>,
    stores: Stores<'_>,
    reporter: &dyn Reporter,
) -> Result<CheckOutcome> {
    for n in &req.names {
        validate_name(n)?;
    }
    let index = stores.metas.load()?;
    let names: Vec<String> = if req.names.is_empty() {
        index.credentials.keys().cloned().collect()
    } else {
        req.names.clone()
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
    let mut out = Vec::new();
    for name in &names {
        let mut meta = index.credentials[name].clone();
        let token = stores.secrets.get(name)?;
        let in_keyring = token.is_some();
        if let Some(app) = meta.github_app
            && let Some(stored) = &token
        {
            let answer = app::check_stored(name, &meta, app, stored, req.timeout).await;
            let _verdict = app::record(&mut meta, answer);
            let last_check = meta.last_check.clone();
            stores.metas.update(|index| {
                if let Some(m) = index.credentials.get_mut(name) {
                    m.last_check = last_check;
                    m.expires = None;
                }
                Ok(())
            })?;
        } else if let Some(token) = token {
            let answer = check_token(meta.provider, &meta.api_url, &token, req.timeout).await;
            let at = rfc3339::now();
            meta.record_check(&answer, at);
            stores.metas.update(|index| {
                if let Some(m) = index.credentials.get_mut(name) {
                    m.record_check(&answer, at);
                }
                Ok(())
            })?;
        }
        let rotation = stores.rotations.load(name)?;
        let view = views::credential_view(
            name,
            &meta,
            Some(in_keyring),
            rotation.as_ref(),
            Timestamp::now(),
            req.warn_days,
        );
        let mut view = view;
        if meta.github_app.is_some() && view.status == CredentialStatus::Valid {
            app::report_app(reporter, &mut view, fleet)?;
        }
        report_check(reporter, &view);
        out.push(view);
    }
    Ok(CheckOutcome { views: out })
}

fn report_check(reporter: &dyn Reporter, view: &CredentialView) {
    let name = &view.name;
    match view.status {
        CredentialStatus::Valid | CredentialStatus::Unchecked => {
            let who = view
                .meta
                .last_check
                .as_ref()
                .and_then(|c| c.identity.clone())
                .map(|i| format!(" for {i}"))
                .unwrap_or_default();
            let expiry = match (view.meta.expires, view.days_left) {
                (Some(e), Some(d)) => format!(", expires {} ({d} days left)", views::date(e)),
                _ => ", no expiry".into(),
            };
            reporter.success(&format!("{name}: valid{who}{expiry}"));
        }
        _ if view.status.is_failure() => {
            reporter.failure(&format!("{name}: {}", view.warnings.join("; ")));
        }
        _ => {
            for w in &view.warnings {
                reporter.warn(&format!("{name}: {w}"));
            }
        }
    }
}

/// What `token delete` removed.
#[derive(Clone, Debug)]
pub struct DeleteOutcome {
    /// The credential.
    pub name: String,
    /// Whether an unfinished rotation was discarded with it.
    pub discarded_rotation: bool,
}

/// `token delete`: which credential, and whether an unfinished rotation may go with it.
#[derive(Clone, Debug)]
pub struct DeleteRequest {
    /// The credential.
    pub name: String,
    /// Delete even while a rotation of it is unfinished (`--force`).
    pub force: bool,
}

/// Asks the user a yes/no question on the terminal; `None` when there is no terminal.
pub type Confirm<'a> = Option<&'a (dyn Fn(&str) -> std::io::Result<bool> + Sync)>;

/// `token delete`: removes the token, the previous token of an unfinished rotation, the metadata
/// and the rotation state, under the credential's lock. While a rotation is unfinished the
/// clusters may hold either token and the keyring holds both, so that needs `force` or a yes on
/// the terminal.
pub fn delete(
    req: DeleteRequest,
    stores: Stores<'_>,
    confirm: Confirm<'_>,
    reporter: &dyn Reporter,
) -> Result<DeleteOutcome> {
    let name = req.name.as_str();
    validate_name(name)?;
    let _lock = stores.rotations.lock(name)?;
    if let Some(state) = stores.rotations.load(name)?
        && !req.force
    {
        let (done, total) = state.progress();
        let question = format!(
            "credential '{name}' has an unfinished rotation ({done} of {total} clusters done): delete both its tokens anyway?"
        );
        let confirmed = match confirm {
            Some(ask) => ask(&question).map_err(|e| Error::io("read the answer from the terminal", e))?,
            None => false,
        };
        if !confirmed {
            return Err(CredentialError::DeleteDuringRotation {
                name: name.into(),
                done,
                total,
            }
            .into());
        }
    }
    let had_token = stores.secrets.delete(name)?;
    let had_previous = stores.secrets.delete(&previous_entry(name))?;
    let had_meta = stores
        .metas
        .update(|index| Ok(index.credentials.remove(name).is_some()))?;
    let had_rotation = stores.rotations.load(name)?.is_some();
    stores.rotations.clear(name)?;
    if !(had_token || had_meta || had_previous) {
        return Err(CredentialError::NotFound { name: name.into() }.into());
    }
    if had_rotation {
        reporter.warn(&format!(
            "an unfinished rotation of '{name}' was discarded with it; clusters keep whatever token they hold"
        ));
    }
    reporter.success(&format!("deleted credential '{name}'"));
    Ok(DeleteOutcome {
        name: name.into(),
        discarded_rotation: had_rotation,
    })
}

#[cfg(test)]
mod tests;
