//! Metadata kept beside each stored token: provider, API base URL, git username, when it was
//! created and changed, when it expires, and the result of the last provider check.
//!
//! keyring-core has no portable way to enumerate entries, so `token list` reads a small index,
//! `credentials.yaml` in the user's config directory (`$XDG_CONFIG_HOME/kubectl-fleet/`). The index
//! never holds a token: it is written with mode 0600 anyway, because expiry dates and account
//! names are still worth keeping private. Every read-modify-write happens under an advisory lock so
//! two concurrent `token set` runs cannot lose each other's entry, and files are replaced
//! atomically (temporary sibling + rename), so a crash never leaves a truncated index.

use std::{
    collections::BTreeMap,
    fs::{File, OpenOptions},
    io::Write,
    path::{Path, PathBuf},
};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    CredentialError,
    github_app::GithubApp,
    provider::{Provider, ProviderError, TokenStatus},
};
use crate::manifests::yaml;

/// The index file name inside the config directory.
pub const INDEX_FILE: &str = "credentials.yaml";

const INDEX_HEADER: &str =
    "# kubectl-fleet credential metadata. Tokens live in the OS keyring, never in this file.\n";

/// The directory holding the index and rotation state: `$XDG_CONFIG_HOME/kubectl-fleet` when set
/// (on every platform, so tests and users can relocate it), else the platform's config directory.
pub fn config_dir() -> Result<PathBuf, CredentialError> {
    if let Some(xdg) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("kubectl-fleet"));
    }
    platform_config_dir()
        .map(|d| d.join("kubectl-fleet"))
        .ok_or(CredentialError::NoConfigDir)
}

#[cfg(target_os = "windows")]
fn platform_config_dir() -> Option<PathBuf> {
    std::env::var_os("APPDATA")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

#[cfg(target_os = "macos")]
fn platform_config_dir() -> Option<PathBuf> {
    home().map(|h| h.join("Library").join("Application Support"))
}

#[cfg(not(any(target_os = "windows", target_os = "macos")))]
fn platform_config_dir() -> Option<PathBuf> {
    home().map(|h| h.join(".config"))
}

#[cfg(not(target_os = "windows"))]
fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Timestamps are stored as RFC 3339 strings.
pub(crate) mod rfc3339 {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }

    pub mod option {
        use jiff::Timestamp;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&t.to_string()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
            let text = Option::<String>::deserialize(d)?;
            text.map(|t| t.parse().map_err(serde::de::Error::custom))
                .transpose()
        }
    }

    pub fn now() -> Timestamp {
        // Whole seconds: what users read, and stable across a YAML round trip.
        Timestamp::from_second(Timestamp::now().as_second()).unwrap_or_else(|_| Timestamp::now())
    }
}

/// What a provider check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckResult {
    /// The provider accepted the token.
    Valid,
    /// The provider rejected the token (revoked, expired, wrong).
    Invalid,
    /// The provider could not be asked (unreachable, rate limited, unexpected answer).
    Error,
}

/// The last provider check of a credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckRecord {
    /// When the check ran.
    #[serde(with = "rfc3339")]
    pub at: Timestamp,
    /// Its verdict.
    pub result: CheckResult,
    /// Who the token authenticates as (GitHub login, GitLab token name), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Scopes reported by the provider (classic GitHub PATs, GitLab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Why it is invalid or could not be checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// GitHub Apps: the repositories (`owner/name`) the installation can read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repositories: Option<Vec<String>>,
}

/// What a stored credential is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    /// A personal, project or group access token: the keyring holds the token.
    Pat,
    /// A GitHub App: the keyring holds its private key.
    App,
}

impl CredentialKind {
    /// The label users see.
    pub fn label(self) -> &'static str {
        match self {
            CredentialKind::Pat => "pat",
            CredentialKind::App => "app",
        }
    }
}

/// Everything known about a stored token except the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CredentialMeta {
    /// The git hosting provider.
    pub provider: Provider,
    /// The provider's API base URL (GitHub Enterprise: `https://HOST/api/v3`).
    pub api_url: String,
    /// The basic-auth username written into git Secrets (`git` for PATs).
    pub username: String,
    /// When the credential was first stored.
    #[serde(with = "rfc3339")]
    pub created: Timestamp,
    /// When the token value last changed (set --force, rotate, rollback).
    #[serde(with = "rfc3339")]
    pub updated: Timestamp,
    /// When the token expires, as last reported by the provider (None: no expiry, or unknown).
    #[serde(default, with = "rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub expires: Option<Timestamp>,
    /// The last provider check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check: Option<CheckRecord>,
    /// Present when the credential is a GitHub App (kind `app`): its App and installation IDs.
    /// The keyring then holds the App's private key, and `api_url` is the `githubAppBaseURL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_app: Option<GithubApp>,
}

impl CredentialMeta {
    /// A credential stored now, never checked, without a known expiry.
    pub fn new(
        provider: Provider,
        api_url: impl Into<String>,
        username: impl Into<String>,
        now: Timestamp,
    ) -> Self {
        CredentialMeta {
            provider,
            api_url: api_url.into(),
            username: username.into(),
            created: now,
            updated: now,
            expires: None,
            last_check: None,
            github_app: None,
        }
    }

    /// The kind of credential: a token (PAT) or a GitHub App.
    pub fn kind(&self) -> CredentialKind {
        if self.github_app.is_some() {
            CredentialKind::App
        } else {
            CredentialKind::Pat
        }
    }

    /// Records a provider check made at `at`: its verdict (or why there is none) as the last
    /// check, and, when the token is valid, the expiry the provider reported. The one place a
    /// check result reaches the metadata (`token set`, `check` and `rotate` all record through it).
    pub fn record_check(&mut self, answer: &Result<TokenStatus, ProviderError>, at: Timestamp) {
        let record = match answer {
            Ok(TokenStatus::Valid {
                identity,
                expires,
                scopes,
            }) => {
                self.expires = *expires;
                CheckRecord {
                    at,
                    result: CheckResult::Valid,
                    identity: identity.clone(),
                    scopes: scopes.clone(),
                    message: None,
                    repositories: None,
                }
            }
            Ok(TokenStatus::Invalid { reason }) => CheckRecord {
                at,
                result: CheckResult::Invalid,
                identity: None,
                scopes: None,
                message: Some(reason.clone()),
                repositories: None,
            },
            Err(e) => CheckRecord {
                at,
                result: CheckResult::Error,
                identity: None,
                scopes: None,
                message: Some(crate::error::chain::error_chain(e)),
                repositories: None,
            },
        };
        self.last_check = Some(record);
    }
}

/// The on-disk index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CredentialIndex {
    /// `kubectl-fleet.dev/v1`.
    #[serde(default = "api_version")]
    pub api_version: String,
    /// `CredentialIndex`.
    #[serde(default = "index_kind")]
    pub kind: String,
    /// Credentials by name, sorted.
    #[serde(default)]
    pub credentials: BTreeMap<String, CredentialMeta>,
}

impl Default for CredentialIndex {
    fn default() -> Self {
        CredentialIndex {
            api_version: api_version(),
            kind: index_kind(),
            credentials: BTreeMap::new(),
        }
    }
}

fn api_version() -> String {
    "kubectl-fleet.dev/v1".to_string()
}

fn index_kind() -> String {
    "CredentialIndex".to_string()
}

/// The index in a config directory, read and written under a lock.
#[derive(Clone, Debug)]
pub struct MetaStore {
    dir: PathBuf,
}

impl MetaStore {
    /// The store in the user's config directory.
    pub fn open() -> Result<Self, CredentialError> {
        Ok(MetaStore { dir: config_dir()? })
    }

    /// The store in an explicit directory (tests).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        MetaStore { dir: dir.into() }
    }

    /// The config directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The index file.
    pub fn index_path(&self) -> PathBuf {
        self.dir.join(INDEX_FILE)
    }

    /// Reads the index (empty when the file does not exist yet).
    pub fn load(&self) -> Result<CredentialIndex, CredentialError> {
        let path = self.index_path();
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().is_empty() => Ok(CredentialIndex::default()),
            Ok(text) => yaml::from_str(&text, &path.display().to_string()).map_err(|source| {
                CredentialError::IndexParse {
                    path: path.clone(),
                    source: Box::new(source),
                }
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CredentialIndex::default()),
            Err(source) => Err(CredentialError::Io {
                action: "read",
                path,
                source,
            }),
        }
    }

    /// The metadata of one credential.
    pub fn get(&self, name: &str) -> Result<Option<CredentialMeta>, CredentialError> {
        Ok(self.load()?.credentials.remove(name))
    }

    /// Read-modify-write of the index under the lock; `change` returns what the caller needs.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut CredentialIndex) -> Result<T, CredentialError>,
    ) -> Result<T, CredentialError> {
        let _lock = lock(&self.dir, "credentials.lock", true)?;
        let mut index = self.load()?;
        let out = change(&mut index)?;
        let text =
            yaml::to_string(&index, "credential index").map_err(|source| CredentialError::IndexParse {
                path: self.index_path(),
                source: Box::new(source),
            })?;
        write_private(&self.index_path(), &format!("{INDEX_HEADER}{text}"))?;
        Ok(out)
    }
}

/// The names of every stored credential, sorted (shell completion of `--token NAME`). Returns an
/// empty list when nothing was stored yet or the index cannot be read: completion must not fail.
pub fn stored_credential_names() -> Vec<String> {
    MetaStore::open()
        .and_then(|s| s.load())
        .map(|i| i.credentials.into_keys().collect())
        .unwrap_or_default()
}

/// Creates `dir` (mode 0700 on Unix) if needed.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<(), CredentialError> {
    let io = |source| CredentialError::Io {
        action: "create directory",
        path: dir.to_path_buf(),
        source,
    };
    if dir.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir).map_err(io)
    }
}

/// Writes a file readable only by the user (0600 on Unix), atomically: a temporary sibling is
/// written, synced and renamed over the target.
pub(crate) fn write_private(path: &Path, content: &str) -> Result<(), CredentialError> {
    if let Some(dir) = path.parent() {
        ensure_private_dir(dir)?;
    }
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    let io = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| CredentialError::Io { action, path, source }
    };
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(io("write", &tmp))?;
    file.write_all(content.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(io("write", &tmp))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io("write", path))
}

/// Removes a file; a missing file is fine.
/// A state file (rotation, migration) read back, or `None` when there is none.
pub(crate) fn read_state<T: serde::de::DeserializeOwned>(
    path: PathBuf,
) -> Result<Option<T>, CredentialError> {
    match std::fs::read_to_string(&path) {
        Ok(text) => yaml::from_str(&text, &path.display().to_string())
            .map(Some)
            .map_err(|source| CredentialError::IndexParse {
                path,
                source: Box::new(source),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CredentialError::Io {
            action: "read",
            path,
            source,
        }),
    }
}

pub(crate) fn remove_file(path: &Path) -> Result<(), CredentialError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(CredentialError::Io {
            action: "remove",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// An advisory lock on `dir/name`, held until dropped. `wait` blocks for the lock (short index
/// updates); otherwise a held lock is reported as [`CredentialError::Locked`].
pub(crate) fn lock(dir: &Path, name: &str, wait: bool) -> Result<File, CredentialError> {
    ensure_private_dir(dir)?;
    let path = dir.join(name);
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).map_err(|source| CredentialError::Io {
        action: "open lock file",
        path: path.clone(),
        source,
    })?;
    if wait {
        file.lock().map_err(|source| CredentialError::Io {
            action: "lock",
            path,
            source,
        })?;
    } else {
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(CredentialError::Locked { path }),
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(CredentialError::Io {
                    action: "lock",
                    path,
                    source,
                });
            }
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> CredentialMeta {
        CredentialMeta {
            provider: Provider::Github,
            api_url: "https://api.github.com".into(),
            username: "git".into(),
            created: "2026-01-02T03:04:05Z".parse().expect("ts"),
            updated: "2026-01-02T03:04:05Z".parse().expect("ts"),
            expires: Some("2026-04-01T00:00:00Z".parse().expect("ts")),
            last_check: Some(CheckRecord {
                at: "2026-01-02T03:04:06Z".parse().expect("ts"),
                result: CheckResult::Valid,
                identity: Some("fleet-bot".into()),
                scopes: Some(vec!["repo".into()]),
                message: None,
                repositories: None,
            }),
            github_app: None,
        }
    }

    #[test]
    fn index_round_trips_with_private_mode() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = MetaStore::at(dir.path().join("kubectl-fleet"));
        assert!(store.load().expect("empty").credentials.is_empty());
        store
            .update(|i| {
                i.credentials.insert("fleet-bot".into(), meta());
                Ok(())
            })
            .expect("written");
        let text = std::fs::read_to_string(store.index_path()).expect("read");
        assert!(text.starts_with("# kubectl-fleet credential metadata"), "{text}");
        assert!(text.contains("apiUrl: https://api.github.com"), "{text}");
        assert_eq!(store.get("fleet-bot").expect("read"), Some(meta()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.index_path())
                .expect("stat")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            let dmode = std::fs::metadata(store.dir()).expect("stat").permissions().mode();
            assert_eq!(dmode & 0o777, 0o700);
        }
    }

    #[test]
    fn a_check_records_its_verdict_and_only_a_valid_one_changes_the_expiry() {
        let at: Timestamp = "2026-03-01T00:00:00Z".parse().expect("ts");
        let expires: Timestamp = "2026-09-01T00:00:00Z".parse().expect("ts");
        let mut m = meta();
        m.record_check(
            &Ok(TokenStatus::Valid {
                identity: Some("bot".into()),
                expires: Some(expires),
                scopes: None,
            }),
            at,
        );
        assert_eq!(m.expires, Some(expires));
        let check = m.last_check.clone().expect("recorded");
        assert_eq!(
            (check.at, check.result, check.identity.as_deref()),
            (at, CheckResult::Valid, Some("bot"))
        );
        m.record_check(
            &Ok(TokenStatus::Invalid {
                reason: "401 Unauthorized".into(),
            }),
            at,
        );
        assert_eq!(
            m.expires,
            Some(expires),
            "a rejected token keeps the last known expiry"
        );
        let check = m.last_check.clone().expect("recorded");
        assert_eq!(
            (check.result, check.message.as_deref()),
            (CheckResult::Invalid, Some("401 Unauthorized"))
        );
        m.record_check(
            &Err(ProviderError::Unexpected {
                url: "https://api.github.com/user".into(),
                status: 500,
                message: "oops".into(),
            }),
            at,
        );
        let check = m.last_check.expect("recorded");
        assert_eq!(check.result, CheckResult::Error);
        assert_eq!(
            check.message.as_deref(),
            Some("https://api.github.com/user answered 500: oops")
        );
    }

    #[test]
    fn a_corrupt_index_is_reported_with_its_path() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = MetaStore::at(dir.path());
        std::fs::write(store.index_path(), "credentials: [oops").expect("write");
        let err = store.load().unwrap_err();
        assert!(err.to_string().contains("credentials.yaml"), "{err}");
    }

    #[test]
    fn a_held_lock_is_reported() {
        let dir = tempfile::tempdir().expect("tmp");
        let _held = lock(dir.path(), "x.lock", false).expect("first");
        let err = lock(dir.path(), "x.lock", false).unwrap_err();
        assert!(matches!(err, CredentialError::Locked { .. }), "{err}");
    }
}
