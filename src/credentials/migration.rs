//! Moving a fleet from a token (PAT) to a GitHub App (`token migrate`): the local record of a
//! migration in progress, and the forms a git Secret takes on the way.
//!
//! A Secret must never be in a state that breaks the GitRepositories reading it. source-controller
//! reads `username`/`password` when a GitRepository's provider is `generic` and the
//! `githubApp*` keys when it is `github`, and ignores the other pair; the provider itself comes
//! from git and changes whenever the user's push lands. So a Secret goes
//! PAT → [`prepared`](prepared_secret) (both pairs: works with either provider) → App only, and
//! the PAT pair is dropped only once every GitRepository reading the Secret fetched with
//! `provider: github`. A rollback writes the prepared form back wherever a GitRepository may
//! already say `github`, and the PAT-only form where none does.
//!
//! The state file, `migrations/PAT.yaml` beside the credential index, says where each cluster is
//! ([`Phase`]) and which Secrets and GitRepositories it covers (recorded when planned, so a resume
//! finds them even once their annotation names the App), and which files were edited. It holds
//! context names, object names and paths, never a token or a key.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use jiff::Timestamp;
use k8s_openapi::{ByteString, api::core::v1::Secret};
use serde::{Deserialize, Serialize};

use super::{
    CredentialError,
    cluster::ObjectKey,
    meta::{MetaStore, remove_file, rfc3339, write_private},
    secret::{APP_KEYS, CREDENTIAL_ANNOTATION, GitAuth, preserved},
};
use crate::{manifests::yaml, repo::provider::SourceKind};

/// Which way the unfinished migration goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MigrationOp {
    /// From the PAT to the App.
    Migrate,
    /// Back to the PAT (`--rollback`).
    Rollback,
}

/// Where one cluster of a migration stands; each phase is reached only after the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Planned: nothing written yet.
    Planned,
    /// Every Secret carries the App keys beside the PAT pair.
    Prepared,
    /// Every GitRepository says `provider: github` (from git) and fetched with the App after our
    /// reconcile request.
    Verified,
    /// The PAT pair is gone from every Secret: the cluster no longer uses the PAT.
    Done,
    /// A rollback put the PAT back (the PAT-only form, or the prepared form where a
    /// GitRepository still says `provider: github`).
    RolledBack,
}

impl Phase {
    /// How the phase reads in tables.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Planned => "planned",
            Phase::Prepared => "prepared",
            Phase::Verified => "verified",
            Phase::Done => "done",
            Phase::RolledBack => "rolled back",
        }
    }
}

/// A GitRepository a cluster's migration waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RepoRecord {
    /// The GitRepository.
    #[serde(flatten)]
    pub key: ObjectKey,
    /// The Secret it reads.
    pub secret: String,
    /// Suspended: not asked to reconcile, not waited for.
    #[serde(default)]
    pub suspended: bool,
}

/// One cluster of a migration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MigrationCluster {
    /// The kube context.
    pub context: String,
    /// Its apiserver URL when the migration started.
    pub server: String,
    /// Where it stands.
    pub phase: Phase,
    /// The Secrets of the PAT the trust model selected when the migration was planned.
    pub secrets: Vec<ObjectKey>,
    /// The GitRepositories reading them.
    pub git_repositories: Vec<RepoRecord>,
    /// When it last changed.
    #[serde(default, with = "rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// Why the last attempt stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A file the migration edited (or will edit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileRecord {
    /// Relative to the repository root.
    pub path: PathBuf,
    /// GitRepository or FluxInstance.
    pub kind: SourceKind,
    /// Its `metadata.name`.
    pub name: String,
}

/// The state file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MigrationState {
    /// `kubectl-fleet.dev/v1`.
    pub api_version: String,
    /// `CredentialMigration`.
    pub kind: String,
    /// The PAT being replaced.
    pub credential: String,
    /// The App replacing it.
    pub app: String,
    /// Migrate or rollback.
    pub operation: MigrationOp,
    /// When it started.
    #[serde(with = "rfc3339")]
    pub started: Timestamp,
    /// The Flux namespace the caller named, trusted again by `--resume`/`--rollback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flux_namespace: Option<String>,
    /// The fleet repository checkout.
    pub repo_dir: PathBuf,
    /// The files that declare the migrated sources.
    pub files: Vec<FileRecord>,
    /// Whether the provider change was written to them.
    #[serde(default)]
    pub files_written: bool,
    /// Every cluster, in the order given.
    pub clusters: Vec<MigrationCluster>,
}

impl MigrationState {
    /// A fresh migration.
    pub fn new(credential: &str, app: &str, repo_dir: &Path, clusters: Vec<MigrationCluster>) -> Self {
        MigrationState {
            api_version: "kubectl-fleet.dev/v1".into(),
            kind: "CredentialMigration".into(),
            credential: credential.into(),
            app: app.into(),
            operation: MigrationOp::Migrate,
            started: rfc3339::now(),
            flux_namespace: None,
            repo_dir: repo_dir.to_path_buf(),
            files: Vec::new(),
            files_written: false,
            clusters,
        }
    }

    /// Sets one cluster's phase (and message).
    pub fn mark(&mut self, context: &str, phase: Phase, message: Option<String>) {
        if let Some(c) = self.clusters.iter_mut().find(|c| c.context == context) {
            c.phase = phase;
            c.message = message;
            c.updated = Some(rfc3339::now());
        }
    }

    /// Records why a cluster stopped, keeping its phase.
    pub fn note(&mut self, context: &str, message: Option<String>) {
        if let Some(c) = self.clusters.iter_mut().find(|c| c.context == context) {
            c.message = message;
            c.updated = Some(rfc3339::now());
        }
    }

    /// Whether every cluster reached `phase`.
    pub fn all_in(&self, phase: Phase) -> bool {
        self.clusters.iter().all(|c| c.phase == phase)
    }

    /// Why this unfinished migration blocks a command, and how to go on with it.
    pub fn in_progress(&self) -> CredentialError {
        let done = self
            .clusters
            .iter()
            .filter(|c| matches!(c.phase, Phase::Done | Phase::RolledBack))
            .count();
        let (flag, alternative) = match self.operation {
            MigrationOp::Migrate => ("--resume", ", or undo it with --rollback"),
            MigrationOp::Rollback => ("--rollback", ""),
        };
        CredentialError::MigrationInProgress {
            name: self.credential.clone(),
            app: self.app.clone(),
            done,
            total: self.clusters.len(),
            flag,
            alternative,
        }
    }
}

/// The migration state files of a config directory.
#[derive(Clone, Debug)]
pub struct MigrationStore {
    dir: PathBuf,
}

impl MigrationStore {
    /// The store beside the credential index.
    pub fn new(meta: &MetaStore) -> Self {
        MigrationStore {
            dir: meta.dir().join("migrations"),
        }
    }

    /// The state file of a PAT.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.yaml"))
    }

    /// The unfinished migration of `name`, if any.
    pub fn load(&self, name: &str) -> Result<Option<MigrationState>, CredentialError> {
        let path = self.path(name);
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

    /// The unfinished migration that involves credential `name` as its PAT or its App.
    pub fn involving(&self, name: &str) -> Result<Option<MigrationState>, CredentialError> {
        if let Some(s) = self.load(name)? {
            return Ok(Some(s));
        }
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(CredentialError::Io {
                    action: "read",
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(pat) = file.strip_suffix(".yaml")
                && let Some(s) = self.load(pat)?
                && s.app == name
            {
                return Ok(Some(s));
            }
        }
        Ok(None)
    }

    /// Writes the state (atomically, 0600).
    pub fn save(&self, state: &MigrationState) -> Result<(), CredentialError> {
        let path = self.path(&state.credential);
        let text =
            yaml::to_string(state, "migration state").map_err(|source| CredentialError::IndexParse {
                path: path.clone(),
                source: Box::new(source),
            })?;
        write_private(
            &path,
            &format!(
                "# Unfinished migration of credential '{}' to GitHub App '{}'. No token or key is stored here.\n{text}",
                state.credential, state.app
            ),
        )
    }

    /// Removes the state of a finished migration.
    pub fn clear(&self, name: &str) -> Result<(), CredentialError> {
        remove_file(&self.path(name))
    }
}

/// Which auth modes a Secret's data carries: (the PAT pair, the App keys).
pub fn modes(data: Option<&BTreeMap<String, ByteString>>) -> (bool, bool) {
    let has = |k: &str| data.is_some_and(|d| d.get(k).is_some_and(|v| !v.0.is_empty()));
    (
        has("password"),
        has("githubAppID") && has("githubAppInstallationID") && has("githubAppPrivateKey"),
    )
}

/// The prepared form of a Secret: the TLS keys, the PAT pair (`pat`, as the Secret's username)
/// and the App keys; the annotation keeps naming `credential` (the PAT), so the Secret stays the
/// PAT's until the cutover. `None` when it already is.
pub fn prepared_secret(
    current: &Secret,
    credential: &str,
    pat: &GitAuth,
    app: &GitAuth,
    fallback_username: &str,
) -> Option<Secret> {
    let old = current.data.as_ref();
    let username = old
        .and_then(|d| d.get("username"))
        .filter(|u| !u.0.is_empty())
        .cloned()
        .unwrap_or_else(|| ByteString(fallback_username.as_bytes().to_vec()));
    let mut data = preserved(old);
    data.extend(pat.keys(&username));
    data.extend(app.keys(&username));
    let annotated = current
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(CREDENTIAL_ANNOTATION))
        .is_some_and(|c| c == credential);
    if old == Some(&data) && annotated && current.string_data.is_none() {
        return None;
    }
    let mut next = current.clone();
    next.data = Some(data);
    next.string_data = None;
    next.metadata.managed_fields = None;
    next.metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(CREDENTIAL_ANNOTATION.into(), credential.into());
    Some(next)
}

/// Whether a Secret holds App keys that are not the App's (another App's, or stale ones): the
/// migration would replace them, so they are worth a warning.
pub fn foreign_app_keys(data: Option<&BTreeMap<String, ByteString>>, app: &GitAuth) -> bool {
    let present = data.is_some_and(|d| APP_KEYS.iter().any(|k| d.contains_key(*k)));
    present && !app.carried_by(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{
        Token,
        github_app::AppKey,
        rotated_secret,
        secret::{AppAuth, git_secret_data},
    };

    fn app() -> GitAuth {
        let out = std::process::Command::new("openssl")
            .args(["genrsa", "-traditional", "2048"])
            .output()
            .expect("openssl runs");
        let key = AppKey::from_pem(&String::from_utf8(out.stdout).expect("PEM"), "test").expect("key");
        GitAuth::App(AppAuth {
            app_id: 7,
            installation_id: 8,
            base_url: None,
            key,
        })
    }

    #[test]
    fn a_secret_goes_pat_then_both_then_app_and_each_form_serves_its_providers() {
        let pat = GitAuth::Token(Token::new("ghp_migrate_unit").expect("valid"));
        let app = app();
        let data = git_secret_data(None, ByteString(b"fleet-bot".to_vec()), &pat);
        let mut current = Secret {
            data: Some(data),
            ..Default::default()
        };
        current
            .data
            .as_mut()
            .expect("data")
            .insert("ca.crt".into(), ByteString(b"CA".to_vec()));
        assert_eq!(modes(current.data.as_ref()), (true, false));
        let prepared = prepared_secret(&current, "pat", &pat, &app, "git").expect("changes");
        assert_eq!(
            modes(prepared.data.as_ref()),
            (true, true),
            "serves generic and github"
        );
        let d = prepared.data.as_ref().expect("data");
        assert_eq!(d["username"].0, b"fleet-bot");
        assert_eq!(d["ca.crt"].0, b"CA");
        assert!(app.carried_by(Some(d)) && pat.carried_by(Some(d)));
        assert_eq!(
            prepared_secret(&prepared, "pat", &pat, &app, "git"),
            None,
            "idempotent"
        );
        let done = rotated_secret(&prepared, "app", &app, "git").expect("changes");
        assert_eq!(modes(done.data.as_ref()), (false, true));
        assert_eq!(done.data.as_ref().expect("data")["ca.crt"].0, b"CA");
        assert_eq!(
            done.metadata.annotations.as_ref().expect("annotated")[CREDENTIAL_ANNOTATION],
            "app"
        );
        assert!(!foreign_app_keys(done.data.as_ref(), &app));
        assert!(foreign_app_keys(done.data.as_ref(), &self::app()));
    }

    #[test]
    fn state_round_trips_without_secrets() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = MigrationStore::new(&MetaStore::at(dir.path()));
        let mut state = MigrationState::new(
            "pat",
            "app",
            Path::new("/fleet"),
            vec![MigrationCluster {
                context: "staging".into(),
                server: "https://a".into(),
                phase: Phase::Planned,
                secrets: vec![ObjectKey {
                    namespace: "flux-system".into(),
                    name: "flux-system".into(),
                }],
                git_repositories: Vec::new(),
                updated: None,
                message: None,
            }],
        );
        state.mark("staging", Phase::Prepared, None);
        store.save(&state).expect("saved");
        assert_eq!(store.load("pat").expect("read"), Some(state.clone()));
        assert_eq!(store.involving("app").expect("read"), Some(state.clone()));
        assert_eq!(store.involving("other").expect("read"), None);
        assert!(state.in_progress().to_string().contains("--resume"));
        store.clear("pat").expect("cleared");
        assert_eq!(store.load("pat").expect("read"), None);
    }
}
