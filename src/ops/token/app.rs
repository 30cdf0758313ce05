//! GitHub App credentials in `token set --github-app` and `token check`.
//!
//! `set` follows the PAT workflow (refuse over an unfinished rotation or an existing name, read the
//! secret only once that passed, check with GitHub, then keyring and index together), with the
//! App's private key in place of a token. `check` mints an installation token with the App's JWT,
//! lists the installation's repositories and warns about fleet repositories it cannot read. The
//! installation token is dropped inside [`check_app`](crate::credentials::github_app::check_app).

use std::{path::Path, time::Duration};

use futures::future::BoxFuture;

use super::{SetOutcome, Stores};
use crate::{
    credentials::{
        CredentialError, CredentialMeta, Provider, Token,
        github_app::{APP_GIT_USERNAME, AppCheck, AppKey, GITHUB_API, GithubApp, check_app, git_host},
        meta::rfc3339,
        provider::{CHECK_TIMEOUT, ProviderError, TokenStatus, normalize_api_url},
        validate_name,
    },
    error::{Error, Result},
    output::Reporter,
};

/// Reads the App's private key when the operation needs it (a file, or stdin).
pub type KeyReader<'a> = Box<dyn FnOnce() -> BoxFuture<'a, Result<AppKey>> + Send + 'a>;

/// `token set --github-app`: what to store.
#[derive(Clone, Debug)]
pub struct SetAppRequest {
    /// The credential name.
    pub name: String,
    /// The App and its installation.
    pub app: GithubApp,
    /// The GitHub API base URL (default: the stored one, else `https://api.github.com`;
    /// Enterprise: `https://HOST/api/v3`). Written into Secrets as `githubAppBaseURL`.
    pub api_url: Option<String>,
    /// Replace an existing App credential.
    pub force: bool,
    /// Mint an installation token before storing the key.
    pub check: bool,
}

/// Refuses to store a credential of one kind under the name of the other: clusters hold Secrets of
/// the stored kind, and a rotation must never write the other form over them.
pub(crate) fn same_kind(name: &str, existing: Option<&CredentialMeta>, app: bool) -> Result<()> {
    match existing {
        Some(m) if m.github_app.is_some() != app => Err(CredentialError::WrongKind {
            name: name.into(),
            kind: if app { "token (PAT)" } else { "GitHub App" },
            reason: "a credential keeps its kind, because clusters hold Secrets of that form; store the \
                     other kind under a new name"
                .into(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// `token set --github-app`: validates the request, reads and validates the key, checks it with
/// GitHub (an installation token is minted and dropped), then stores key and metadata together.
pub async fn set_app(
    req: SetAppRequest,
    stores: Stores<'_>,
    read_key: KeyReader<'_>,
    reporter: &dyn Reporter,
) -> Result<SetOutcome> {
    validate_name(&req.name)?;
    if req.app.app_id == 0 || req.app.installation_id == 0 {
        return Err(Error::Usage(
            "--app-id and --installation-id must be positive numbers".into(),
        ));
    }
    let api_url = req.api_url.as_deref().map(normalize_api_url).transpose()?;
    let name = req.name;
    if let Some(state) = stores.rotations.load(&name)? {
        return Err(state.in_progress().into());
    }
    let existing = stores.metas.get(&name)?;
    same_kind(&name, existing.as_ref(), true)?;
    if existing.is_some() && !req.force {
        return Err(CredentialError::AlreadyExists { name }.into());
    }
    stores.secrets.ready()?;
    let key = read_key().await?;
    let api_url = api_url
        .or_else(|| existing.as_ref().map(|m| m.api_url.clone()))
        .unwrap_or_else(|| GITHUB_API.to_string());
    let mut meta = CredentialMeta::new(Provider::Github, api_url, APP_GIT_USERNAME, rfc3339::now());
    meta.github_app = Some(req.app);
    if let Some(e) = &existing {
        meta.created = e.created;
    }
    if req.check {
        reporter.action(&format!(
            "minting an installation token for App {} installation {} ({})",
            req.app.app_id, req.app.installation_id, meta.api_url
        ));
        let answer = check_app(&meta.api_url, req.app, &key, CHECK_TIMEOUT).await;
        match record(&mut meta, answer) {
            (Ok(TokenStatus::Valid { .. }), repositories) => reporter.success(&format!(
                "the App works: its installation can read {}",
                repositories_phrase(&repositories)
            )),
            (Ok(TokenStatus::Invalid { reason }), _) => {
                return Err(CredentialError::TokenRejected { name, reason }.into());
            }
            (Err(source), _) => return Err(CredentialError::Provider { name, source }.into()),
        }
    }
    super::store(&stores, &name, &key.to_stored()?, &meta, existing.is_none())?;
    reporter.success(&format!(
        "{} GitHub App credential '{}' in the OS keyring (App {}, installation {}, {})",
        if existing.is_some() { "replaced" } else { "stored" },
        name,
        req.app.app_id,
        req.app.installation_id,
        meta.api_url
    ));
    Ok(SetOutcome {
        name,
        meta,
        replaced: existing.is_some(),
    })
}

/// Records an App check in `meta` (the verdict as for a token, and the repositories it can read)
/// and returns them.
pub(crate) fn record(
    meta: &mut CredentialMeta,
    answer: std::result::Result<AppCheck, ProviderError>,
) -> (std::result::Result<TokenStatus, ProviderError>, Vec<String>) {
    let (verdict, repositories) = match answer {
        Ok(check) => (Ok(check.status), check.repositories),
        Err(e) => (Err(e), Vec::new()),
    };
    meta.record_check(&verdict, rfc3339::now());
    if let (Ok(TokenStatus::Valid { .. }), Some(last)) = (&verdict, meta.last_check.as_mut()) {
        last.repositories = Some(repositories.clone());
    }
    (verdict, repositories)
}

/// Checks a stored App: its key from the keyring value `stored`, an installation token minted,
/// the repositories listed. A keyring value that is not a key is an invalid credential.
pub(crate) async fn check_stored(
    name: &str,
    meta: &CredentialMeta,
    app: GithubApp,
    stored: &Token,
    timeout: Duration,
) -> std::result::Result<AppCheck, ProviderError> {
    match AppKey::from_stored(name, stored) {
        Ok(key) => check_app(&meta.api_url, app, &key, timeout).await,
        Err(e) => Ok(AppCheck {
            status: TokenStatus::Invalid {
                reason: e.to_string(),
            },
            repositories: Vec::new(),
        }),
    }
}

/// The fleet repositories (read from the checkout at `fleet`, on the App's git host) that the
/// installation cannot read.
pub(crate) fn missing_fleet_repositories(
    meta: &CredentialMeta,
    fleet: &Path,
) -> std::result::Result<Vec<String>, CredentialError> {
    let wanted = crate::credentials::github_app::fleet_repositories(fleet, &git_host(&meta.api_url))?;
    let readable = meta
        .last_check
        .as_ref()
        .and_then(|c| c.repositories.clone())
        .unwrap_or_default();
    Ok(wanted
        .into_iter()
        .filter(|w| !readable.iter().any(|r| r.eq_ignore_ascii_case(w)))
        .collect())
}

/// `3 repositories (acme/a, acme/b, acme/c)`.
pub(crate) fn repositories_phrase(repos: &[String]) -> String {
    match repos.len() {
        0 => "no repository".to_string(),
        1 => format!("1 repository ({})", repos[0]),
        n => format!("{n} repositories ({})", repos.join(", ")),
    }
}

/// The App part of a `token check` line: its permissions and repositories as notes, and a warning
/// (also in the view) for each fleet repository of the checkout at `fleet` it cannot read.
pub(crate) fn report_app(
    reporter: &dyn Reporter,
    view: &mut crate::credentials::report::CredentialView,
    fleet: Option<&Path>,
) -> Result<()> {
    let Some(check) = view.meta.last_check.clone() else {
        return Ok(());
    };
    let repositories = check.repositories.unwrap_or_default();
    let missing = match fleet {
        Some(dir) => missing_fleet_repositories(&view.meta, dir)?,
        None => Vec::new(),
    };
    reporter.note(&format!(
        "  {}: the installation can read {}; permissions {}",
        view.name,
        repositories_phrase(&repositories),
        check.scopes.unwrap_or_default().join(", ")
    ));
    for repo in missing {
        let warning = format!(
            "the installation cannot read fleet repository {repo}: add it to the App's installation in GitHub"
        );
        reporter.warn(&format!("{}: {warning}", view.name));
        view.warnings.push(warning);
    }
    Ok(())
}
