//! The local record of a fleet-wide rotation in progress, so a rotation that failed on some
//! clusters can be resumed or rolled back later, from another shell or after a reboot.
//!
//! While a rotation is unfinished the keyring holds two entries: NAME (the new token) and
//! NAME's previous version (the old one, see [`previous_entry`]). The state file,
//! `rotations/NAME.yaml` beside the credential index, says which clusters already carry the new
//! value. It holds context names, server URLs, times and messages, never a token.
//!
//! A lock file next to it, `rotations/NAME.lock`, is held by every command that writes the
//! credential to clusters (`token rotate`, `bootstrap`, `tenant create --apply`) for as long as it
//! writes: [`RotationStore::lock_for_writing`] takes it and refuses while a rotation is unfinished,
//! so no command can push a token that a rotation is replacing or has abandoned. The file exists
//! only while it is held.

use std::{
    fs::File,
    path::{Path, PathBuf},
};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    CredentialError,
    meta::{CredentialMeta, MetaStore, lock, read_state, remove_file, rfc3339, write_private},
};
use crate::manifests::yaml;

/// The keyring entry name holding NAME's previous token during a rotation. `#` cannot appear in a
/// credential name, so this never collides with a real credential.
pub fn previous_entry(name: &str) -> String {
    format!("{name}#previous")
}

/// The fingerprint GitHub shows for an App's private key: `SHA256:` and the base64 SHA-256 of
/// the public key's DER SubjectPublicKeyInfo (what `openssl rsa -pubout -outform DER | openssl
/// sha256 -binary | openssl base64` prints), so the user can tell which key to delete.
pub fn app_key_fingerprint(key: &super::github_app::AppKey) -> String {
    use base64::{Engine, engine::general_purpose::STANDARD};
    let spki = rsa_spki(&key.public_key_der());
    format!(
        "SHA256:{}",
        STANDARD.encode(ring::digest::digest(&ring::digest::SHA256, &spki))
    )
}

/// Wraps a PKCS#1 RSAPublicKey in a SubjectPublicKeyInfo (algorithm rsaEncryption, NULL params).
fn rsa_spki(rsa_public_key: &[u8]) -> Vec<u8> {
    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend(bytes);
        }
        out.extend_from_slice(content);
        out
    }
    const RSA_ALGORITHM: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut bits = vec![0u8];
    bits.extend_from_slice(rsa_public_key);
    let mut content = RSA_ALGORITHM.to_vec();
    content.extend(der(0x03, &bits));
    der(0x30, &content)
}

/// Which way the unfinished operation pushes tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// Pushing the new token (`token rotate`, `--resume`).
    Rotate,
    /// Pushing the previous token back (`--rollback`).
    Rollback,
}

/// Where one cluster stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterState {
    /// Not attempted yet.
    Pending,
    /// Carries the operation's token, and its GitRepositories fetched with it (unless --no-wait).
    Done,
    /// The last attempt failed; `message` says why.
    Failed,
}

/// One cluster of a rotation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterRecord {
    /// The kube context.
    pub context: String,
    /// Its apiserver URL when the rotation started (to notice a kubeconfig pointing elsewhere).
    pub server: String,
    /// Where it stands.
    pub state: ClusterState,
    /// When it last changed.
    #[serde(default, with = "rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// The last failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The state file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RotationState {
    /// `kubectl-fleet.dev/v1`.
    pub api_version: String,
    /// `CredentialRotation`.
    pub kind: String,
    /// The credential.
    pub credential: String,
    /// Rotate or rollback.
    pub operation: Operation,
    /// When the rotation started.
    #[serde(with = "rfc3339")]
    pub started: Timestamp,
    /// The metadata of the previous token, restored by a rollback.
    pub previous: CredentialMeta,
    /// The Flux namespace the caller named (`--flux-namespace`), so `--resume` and `--rollback`
    /// trust the same namespace as the run that started; `None`: found on each cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flux_namespace: Option<String>,
    /// Every cluster of the rotation, in the order given.
    pub clusters: Vec<ClusterRecord>,
    /// Set when GitLab rotated the token itself (`--self`): the previous token is revoked, so the
    /// rotation can only go forward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_rotation: Option<super::gitlab_rotate::SelfRotation>,
}

impl RotationState {
    /// A fresh rotation over `clusters` (context, server).
    pub fn new(credential: &str, previous: CredentialMeta, clusters: &[(String, String)]) -> Self {
        RotationState {
            api_version: "kubectl-fleet.dev/v1".into(),
            kind: "CredentialRotation".into(),
            credential: credential.into(),
            operation: Operation::Rotate,
            started: rfc3339::now(),
            previous,
            flux_namespace: None,
            self_rotation: None,
            clusters: clusters
                .iter()
                .map(|(context, server)| ClusterRecord {
                    context: context.clone(),
                    server: server.clone(),
                    state: ClusterState::Pending,
                    updated: None,
                    message: None,
                })
                .collect(),
        }
    }

    /// Contexts not done yet, in order.
    pub fn remaining(&self) -> Vec<String> {
        self.clusters
            .iter()
            .filter(|c| c.state != ClusterState::Done)
            .map(|c| c.context.clone())
            .collect()
    }

    /// (done, total).
    pub fn progress(&self) -> (usize, usize) {
        let done = self
            .clusters
            .iter()
            .filter(|c| c.state == ClusterState::Done)
            .count();
        (done, self.clusters.len())
    }

    /// Records the outcome of one cluster.
    pub fn mark(&mut self, context: &str, state: ClusterState, message: Option<String>) {
        if let Some(c) = self.clusters.iter_mut().find(|c| c.context == context) {
            c.state = state;
            c.message = message;
            c.updated = Some(rfc3339::now());
        }
    }

    /// Switches to a rollback: every cluster must get the previous token back, including those
    /// that failed half-way (some of their Secrets may carry the new one).
    pub fn start_rollback(&mut self) {
        self.operation = Operation::Rollback;
        for c in &mut self.clusters {
            c.state = ClusterState::Pending;
            c.message = None;
        }
    }
}

/// The rotation state files of a config directory.
#[derive(Clone, Debug)]
pub struct RotationStore {
    dir: PathBuf,
}

impl RotationStore {
    /// The store beside the credential index.
    pub fn new(meta: &MetaStore) -> Self {
        RotationStore {
            dir: meta.dir().join("rotations"),
        }
    }

    /// The state file of a credential.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.yaml"))
    }

    /// The unfinished rotation of `name`, if any.
    pub fn load(&self, name: &str) -> Result<Option<RotationState>, CredentialError> {
        read_state(self.path(name))
    }

    /// Writes the state (atomically, 0600).
    pub fn save(&self, state: &RotationState) -> Result<(), CredentialError> {
        let path = self.path(&state.credential);
        let text =
            yaml::to_string(state, "rotation state").map_err(|source| CredentialError::IndexParse {
                path: path.clone(),
                source: Box::new(source),
            })?;
        write_private(
            &path,
            &format!(
                "# Unfinished rotation of credential '{}'. No token is stored here.\n{text}",
                state.credential
            ),
        )
    }

    /// Removes the state of a finished rotation.
    pub fn clear(&self, name: &str) -> Result<(), CredentialError> {
        remove_file(&self.path(name))
    }

    /// Takes the per-credential lock, failing at once if another process holds it.
    pub fn lock(&self, name: &str) -> Result<CredentialLock, CredentialError> {
        let path = self.dir.join(format!("{name}.lock"));
        loop {
            let file = lock(&self.dir, &format!("{name}.lock"), false).map_err(|e| match e {
                CredentialError::Locked { .. } => CredentialError::CredentialInUse { name: name.into() },
                other => other,
            })?;
            // The holder before us removes the file when it lets go: a lock taken on a file that
            // is no longer at the path guards nothing, so take the one that is.
            if same_file(&file, &path) {
                return Ok(CredentialLock { file, path });
            }
        }
    }

    /// The lock of a command that writes credential `name` to clusters: held until dropped, and
    /// refused while a rotation of the credential is unfinished (the clusters may carry either
    /// token, and the keyring may no longer hold the one the command would write).
    pub fn lock_for_writing(&self, name: &str) -> Result<CredentialLock, CredentialError> {
        let lock = self.lock(name)?;
        if let Some(state) = self.load(name)? {
            return Err(state.in_progress());
        }
        // An unfinished migration (beside this directory) holds the credential's Secrets in a
        // form only it may change.
        if let Some(meta_dir) = self.dir.parent() {
            let migrations = super::migration::MigrationStore::new(&MetaStore::at(meta_dir));
            if let Some(m) = migrations.involving(name)? {
                return Err(m.in_progress());
            }
        }
        Ok(lock)
    }
}

/// The locks of a command that writes the keyring credentials `names` to clusters (`bootstrap`,
/// `tenant create --apply`): one [`RotationStore::lock_for_writing`] each, in name order, held
/// until dropped. The locks live beside the credential index, so without one (`metas` is `None`:
/// no config directory) a keyring credential cannot be written.
pub fn lock_credentials<'a>(
    metas: Option<&MetaStore>,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<CredentialLock>, CredentialError> {
    let names: std::collections::BTreeSet<&str> = names.into_iter().collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let store = RotationStore::new(metas.ok_or(CredentialError::NoConfigDir)?);
    names.into_iter().map(|n| store.lock_for_writing(n)).collect()
}

impl RotationState {
    /// Why this unfinished operation blocks a command, and how to go on with it.
    pub fn in_progress(&self) -> CredentialError {
        let (done, total) = self.progress();
        let (operation, flag, alternative) = match self.operation {
            Operation::Rotate => ("rotation", "--resume", ", or undo it with --rollback"),
            Operation::Rollback => ("rollback", "--rollback", ""),
        };
        CredentialError::RotationInProgress {
            name: self.credential.clone(),
            operation,
            done,
            total,
            flag,
            alternative,
        }
    }
}

/// The lock on one credential; released, and its file removed, when dropped.
#[derive(Debug)]
pub struct CredentialLock {
    file: File,
    path: PathBuf,
}

impl Drop for CredentialLock {
    fn drop(&mut self) {
        // Removed while still held, so a process that opened the file before is told by
        // `same_file` to try again, and no lock file outlives its use.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether `file` is the file at `path` now.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether `file` is the file at `path` now (without inodes: whether the path still exists).
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::provider::Provider;

    fn previous() -> CredentialMeta {
        CredentialMeta {
            provider: Provider::Github,
            api_url: "https://api.github.com".into(),
            username: "git".into(),
            created: "2026-01-01T00:00:00Z".parse().expect("ts"),
            updated: "2026-01-01T00:00:00Z".parse().expect("ts"),
            expires: None,
            last_check: None,
            github_app: None,
        }
    }

    #[test]
    fn an_app_key_fingerprint_is_the_one_openssl_and_github_show() {
        let dir = tempfile::tempdir().expect("tmp");
        let pem = dir.path().join("key.pem");
        let out = std::process::Command::new("openssl")
            .args(["genrsa", "-traditional", "-out"])
            .arg(&pem)
            .arg("2048")
            .output()
            .expect("openssl runs");
        assert!(out.status.success());
        let key = crate::credentials::github_app::AppKey::from_file(&pem).expect("key");
        let script = format!(
            "openssl rsa -in '{}' -pubout -outform DER 2>/dev/null | openssl sha256 -binary | openssl base64",
            pem.display()
        );
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .output()
            .expect("sh runs");
        let expected = String::from_utf8(out.stdout).expect("utf8");
        assert_eq!(app_key_fingerprint(&key), format!("SHA256:{}", expected.trim()));
    }

    #[test]
    fn state_round_trips_and_tracks_clusters() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = RotationStore::new(&MetaStore::at(dir.path()));
        assert_eq!(store.load("bot").expect("none"), None);
        let mut state = RotationState::new(
            "bot",
            previous(),
            &[("a".into(), "https://a".into()), ("b".into(), "https://b".into())],
        );
        state.mark("a", ClusterState::Done, None);
        state.mark("b", ClusterState::Failed, Some("unreachable".into()));
        store.save(&state).expect("saved");
        let loaded = store.load("bot").expect("read").expect("present");
        assert_eq!(loaded, state);
        assert_eq!(loaded.remaining(), vec!["b"]);
        assert_eq!(loaded.progress(), (1, 2));
        let mut rb = loaded.clone();
        rb.start_rollback();
        assert_eq!(rb.remaining(), vec!["a", "b"]);
        store.clear("bot").expect("cleared");
        assert_eq!(store.load("bot").expect("none"), None);
    }

    #[test]
    fn a_credential_is_locked_by_one_process_at_a_time_and_leaves_no_lock_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = RotationStore::new(&MetaStore::at(dir.path()));
        let held = store.lock("bot").expect("first");
        let err = store.lock("bot").unwrap_err();
        assert!(err.to_string().contains("another kubectl-fleet process"), "{err}");
        assert_eq!(err.exit_status(), crate::exit::ExitStatus::Failure);
        assert!(store.lock("other").is_ok());
        assert!(dir.path().join("rotations/bot.lock").exists());
        drop(held);
        let lock_files: Vec<_> = std::fs::read_dir(dir.path().join("rotations"))
            .expect("dir")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(lock_files.is_empty(), "{lock_files:?}");
        drop(store.lock("bot").expect("free again"));
    }

    #[test]
    fn writing_a_credential_is_refused_while_its_rotation_is_unfinished() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = RotationStore::new(&MetaStore::at(dir.path()));
        drop(store.lock_for_writing("bot").expect("nothing unfinished"));
        let state = RotationState::new("bot", previous(), &[("a".into(), "https://a".into())]);
        store.save(&state).expect("saved");
        let err = store.lock_for_writing("bot").unwrap_err();
        assert_eq!(
            err.to_string(),
            "an unfinished rotation of credential 'bot' exists (0 of 1 clusters done): continue it with \
             'kubectl fleet token rotate bot --resume', or undo it with --rollback"
        );
        assert_eq!(err.exit_status(), crate::exit::ExitStatus::Failure);
        drop(store.lock("bot").expect("the refusal released the lock"));
    }
}
