//! Moving a fleet from a token (PAT) to a GitHub App (`token migrate`): the local record of a
//! migration in progress.
//!
//! No form of a git Secret serves both providers: source-controller reads `username`/`password`
//! under `provider: generic` and refuses a Secret that also holds `githubApp*` keys
//! (`InvalidProviderConfiguration`), and needs those keys under `provider: github`. The provider
//! comes from git and changes when the user's push lands, so a Secret goes PAT → App in one
//! conditional write, made by a run that saw every GitRepository reading it say `github`; a
//! rollback writes the PAT back once they say `generic` again.
//!
//! The state file, `migrations/PAT.yaml` beside the credential index, says where each cluster is
//! ([`Phase`]) and which Secrets and GitRepositories it covers (recorded when planned, so a resume
//! finds them even once their annotation names the App), and which files were edited. It holds
//! context names, object names and paths, never a token or a key.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    CredentialError,
    cluster::ObjectKey,
    meta::{MetaStore, read_state, remove_file, rfc3339, write_private},
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
    /// Its Secrets were read: the files may be written (nothing on the cluster changed).
    Prepared,
    /// Every GitRepository says `provider: github` (from git), its Secrets hold the App form, and
    /// each fetched with the App after our reconcile request.
    Verified,
    /// Finished: the cluster no longer uses the PAT.
    Done,
    /// A rollback put the PAT back (every GitRepository says `generic` again).
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
        read_state(self.path(name))
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

#[cfg(test)]
mod tests {
    use super::*;

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
