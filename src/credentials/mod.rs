//! Git credentials (PATs): where tokens come from, the keyring-backed store, the metadata kept
//! beside it, provider checks, the Secret shapes Flux reads, and fleet-wide rotation. Shared by
//! `token`, `bootstrap` and `tenant`.
//!
//! - [`store`](SecretStore): the OS keyring (explicit platform store) and an in-memory store for tests.
//! - [`meta`]: the metadata index (`credentials.yaml`, no secret in it) that `token list` reads.
//! - [`provider`]: GitHub / GitHub Enterprise / GitLab token checks.
//! - [`secret`](GitSecret): the git Secret shape and conditional whole-data writes.
//! - [`cluster`]: rotating a credential on one cluster (Secrets, propagated copies, GitRepositories).
//! - [`rotation`]: the local record of an unfinished rotation, for `--resume` and `--rollback`.
//! - [`report`]: views and tables for `token list` and `check`, and what a rotation plan warns about.
//! - [`github_app`]: GitHub App credentials: the private key, its JWT, installation tokens.
//! - [`trust`]: the trust model: which Secrets of a cluster may receive a credential at all.
//!
//! A token only ever lives in memory inside a [`Token`], whose `Debug` is redacted and which has
//! no `Display`, so it cannot end up in a log line or an error message by accident. It is read from
//! the OS keyring, stdin or an environment variable, never from argv, and never written to disk.

pub mod audit;
pub mod cluster;
pub mod github_app;
pub mod gitlab_rotate;
pub mod meta;
pub mod migration;
pub mod provider;
pub mod replicas;
pub mod report;
pub mod rotation;
mod secret;
mod source;
mod store;
pub mod trust;

pub use cluster::PROPAGATED_FROM_LABEL;
pub use meta::{CredentialMeta, MetaStore, stored_credential_names};
pub use provider::{Provider, ProviderError, TokenStatus};
pub use secret::{
    APP_KEYS, AppAuth, CREDENTIAL_ANNOTATION, GitAuth, GitSecret, PRESERVED_KEYS, SecretOutcome,
    TENANT_LABEL, UpdateResult, git_secret_object, rotated_secret, update_secret, upsert_git_secret,
};
pub use source::{
    AuthShape, DEFAULT_USERNAME, ResolvedToken, TokenSource, app_base_url, read_token_from,
    redacted_secret_object, username_with_app,
};
pub use store::{KEYRING_SERVICE, KeyringStore, LazyKeyring, MemoryStore, SecretStore, validate_name};

use crate::exit::ExitStatus;

/// A git token held in memory. `Debug` prints `Token(***)`; use [`Token::expose`] only where the
/// value must leave the process (a Secret's data, an HTTP Authorization header).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token, trimming the surrounding whitespace and newline a prompt or `echo` adds.
    pub fn new(value: impl Into<String>) -> Result<Self, CredentialError> {
        let value: String = value.into();
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(CredentialError::EmptyToken);
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(CredentialError::MalformedToken {
                reason: "it contains whitespace".into(),
            });
        }
        Ok(Token(trimmed.to_string()))
    }

    /// The secret value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// A credential could not be stored, found, read or checked. Messages never contain the token.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// No credential with this name is stored.
    #[error("no credential named '{name}' is stored (add it with: kubectl fleet token set {name})")]
    NotFound {
        /// The credential name.
        name: String,
    },
    /// A credential name is not usable.
    #[error("invalid credential name '{name}': {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The token read was empty.
    #[error("the token is empty")]
    EmptyToken,
    /// The token read cannot be a PAT.
    #[error("the token is malformed: {reason}")]
    MalformedToken {
        /// What is wrong (never the value).
        reason: String,
    },
    /// The environment variable named as the token source is unset.
    #[error("environment variable {var} is not set (it was named as the token source)")]
    EnvUnset {
        /// The variable.
        var: String,
    },
    /// Reading the token from stdin failed.
    #[error("failed to read the token from stdin")]
    Stdin(#[source] std::io::Error),
    /// No usable OS keyring, with the ways around it.
    #[error(
        "no OS keyring is available ({reason}); store nothing on disk instead: pass the token with \
         --token-stdin, or name an environment variable that holds it with --token-env VAR"
    )]
    KeyringUnavailable {
        /// Why (no Secret Service on D-Bus, locked collection, …).
        reason: String,
    },
    /// The keyring refused an operation.
    #[error("the OS keyring failed to {action} credential '{name}'")]
    Keyring {
        /// What was attempted.
        action: &'static str,
        /// The credential name.
        name: String,
        #[source]
        source: keyring_core::Error,
    },
    /// The keyring did not answer in time (a locked collection may be waiting for a prompt).
    #[error("the OS keyring did not answer within {seconds}s while trying to {action} credential '{name}'")]
    KeyringTimeout {
        /// What was attempted.
        action: &'static str,
        /// The credential name.
        name: String,
        /// The timeout.
        seconds: u64,
    },
    /// Neither `XDG_CONFIG_HOME` nor a home directory is set.
    #[error("cannot find a config directory for the credential index: set XDG_CONFIG_HOME or HOME")]
    NoConfigDir,
    /// A local file (index, rotation state, lock) could not be read or written.
    #[error("failed to {action} '{}'", path.display())]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file.
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The credential index or a rotation state file is not valid YAML of the expected shape.
    #[error("invalid credential metadata in '{}' (fix or remove the file)", path.display())]
    IndexParse {
        /// The file.
        path: std::path::PathBuf,
        #[source]
        source: Box<crate::manifests::yaml::YamlError>,
    },
    /// Another process holds a lock.
    #[error("'{}' is locked by another kubectl-fleet process", path.display())]
    Locked {
        /// The lock file.
        path: std::path::PathBuf,
    },
    /// Another process is writing the credential to clusters (a rotation, a bootstrap, a tenant
    /// `--apply`).
    #[error(
        "credential '{name}' is being written to clusters by another kubectl-fleet process \
         (token rotate, bootstrap or tenant create --apply): try again once it is done"
    )]
    CredentialInUse {
        /// The credential.
        name: String,
    },
    /// `--api-url` is not usable.
    #[error("invalid API URL '{url}': {reason}")]
    InvalidApiUrl {
        /// The URL given.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// `token set` would replace an existing credential.
    #[error(
        "credential '{name}' already exists: pass --force to replace the stored token, or use \
         'kubectl fleet token rotate {name}' to also update every cluster that uses it"
    )]
    AlreadyExists {
        /// The credential.
        name: String,
    },
    /// An unfinished rotation blocks the command.
    #[error(
        "an unfinished {operation} of credential '{name}' exists ({done} of {total} clusters done): \
         continue it with 'kubectl fleet token rotate {name} {flag}'{alternative}"
    )]
    RotationInProgress {
        /// The credential.
        name: String,
        /// `rotation` or `rollback`.
        operation: &'static str,
        /// Clusters done.
        done: usize,
        /// Clusters in the rotation.
        total: usize,
        /// `--resume` or `--rollback`.
        flag: &'static str,
        /// The other way out, if any.
        alternative: &'static str,
    },
    /// A command that would write a credential while its migration to a GitHub App is unfinished.
    #[error(
        "an unfinished migration of credential '{name}' to GitHub App '{app}' exists ({done} of {total} clusters done): \
         continue it with 'kubectl fleet token migrate {name} --to {app} {flag}'{alternative}"
    )]
    MigrationInProgress {
        /// The PAT.
        name: String,
        /// The App.
        app: String,
        /// Clusters done.
        done: usize,
        /// Clusters in the migration.
        total: usize,
        /// `--resume` or `--rollback`.
        flag: &'static str,
        /// The other way out, if any.
        alternative: &'static str,
    },
    /// `token migrate` cannot go on: the reason names what to do.
    #[error("cannot migrate credential '{name}': {reason}")]
    MigrationRefused {
        /// The PAT.
        name: String,
        /// Why, and what to do.
        reason: String,
    },
    /// `token delete` of a credential whose rotation is unfinished, without `--force`.
    #[error(
        "credential '{name}' has an unfinished rotation ({done} of {total} clusters done): deleting it drops both \
         its new and its previous token while clusters may hold either; finish the rotation first \
         ('kubectl fleet token rotate {name} --resume' or '--rollback'), or pass --force to delete it anyway"
    )]
    DeleteDuringRotation {
        /// The credential.
        name: String,
        /// Clusters done.
        done: usize,
        /// Clusters in the rotation.
        total: usize,
    },
    /// `--resume`/`--rollback` without an unfinished rotation.
    #[error("credential '{name}' has no unfinished rotation to {action}")]
    NoRotation {
        /// The credential.
        name: String,
        /// `resume` or `roll back`.
        action: &'static str,
    },
    /// A hidden prompt needs a terminal.
    #[error("stdin is not a terminal: pipe the token in with --from-stdin")]
    NotATerminal,
    /// The new token is the one already stored.
    #[error(
        "the new token is the one credential '{name}' already holds (to push it to clusters that missed it, use --resume)"
    )]
    SameToken {
        /// The credential.
        name: String,
    },
    /// The provider rejected a token before anything was changed.
    #[error("the provider rejected the token for credential '{name}': {reason}; nothing was changed")]
    TokenRejected {
        /// The credential.
        name: String,
        /// The provider's reason.
        reason: String,
    },
    /// A cluster's Secrets carry the token, but Flux did not fetch with it (authentication failed,
    /// or not Ready in time); running the rotation again resumes at the wait.
    #[error("{written} written, but {failures}")]
    FetchFailed {
        /// How many Secrets were written (`2 Secrets`).
        written: String,
        /// Each GitRepository that failed, and why.
        failures: String,
    },
    /// The cluster's Flux namespace, the trust root of its credentials, cannot be told.
    #[error(
        "cannot tell which namespace Flux runs in on cluster '{context}' ({reason}): name it with --flux-namespace"
    )]
    AmbiguousFluxNamespace {
        /// The kube context.
        context: String,
        /// What was found.
        reason: String,
    },
    /// The namespace trusted as the Flux namespace belongs to a tenant.
    #[error(
        "namespace '{namespace}' on cluster '{context}' belongs to tenant '{tenant}' (label toolkit.fluxcd.io/tenant): it cannot be the Flux namespace"
    )]
    TenantFluxNamespace {
        /// The kube context.
        context: String,
        /// The namespace.
        namespace: String,
        /// Its tenant.
        tenant: String,
    },
    /// A GitLab self-rotation failed or was refused (`token rotate --self`).
    #[error(transparent)]
    GitlabRotate(#[from] gitlab_rotate::GitlabRotateError),
    /// A GitHub App private key is not usable. Never contains key material.
    #[error("invalid GitHub App private key from {origin}: {reason}")]
    InvalidPrivateKey {
        /// Where it came from (`file 'app.pem'`, `stdin`, the keyring entry).
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// The operation does not apply to this kind of credential.
    #[error("credential '{name}' is a {kind}: {reason}")]
    WrongKind {
        /// The credential.
        name: String,
        /// `GitHub App` or `token (PAT)`.
        kind: &'static str,
        /// Why the operation does not apply, and what to do instead.
        reason: String,
    },
    /// The provider could not be asked.
    #[error("failed to check credential '{name}' with the provider (skip the check with --no-check)")]
    Provider {
        /// The credential.
        name: String,
        #[source]
        source: ProviderError,
    },
}

impl CredentialError {
    /// Exit status: missing or invalid input is a usage/configuration problem (2); a keyring that
    /// fails at run time is an operation failure (1).
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CredentialError::GitlabRotate(e) => e.exit_status(),
            CredentialError::Keyring { .. }
            | CredentialError::KeyringTimeout { .. }
            | CredentialError::Io { .. }
            | CredentialError::Locked { .. }
            | CredentialError::CredentialInUse { .. }
            | CredentialError::DeleteDuringRotation { .. }
            | CredentialError::RotationInProgress { .. }
            | CredentialError::MigrationInProgress { .. }
            | CredentialError::TokenRejected { .. }
            | CredentialError::FetchFailed { .. }
            | CredentialError::AmbiguousFluxNamespace { .. }
            | CredentialError::TenantFluxNamespace { .. }
            | CredentialError::Provider { .. } => ExitStatus::Failure,
            _ => ExitStatus::Usage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_trimmed_and_redacted() {
        let t = Token::new("  ghp_abc123\n").expect("valid");
        assert_eq!(t.expose(), "ghp_abc123");
        assert_eq!(format!("{t:?}"), "Token(***)");
        assert!(matches!(Token::new(" \n"), Err(CredentialError::EmptyToken)));
        assert!(matches!(
            Token::new("a b"),
            Err(CredentialError::MalformedToken { .. })
        ));
    }
}
