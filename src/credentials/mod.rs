//! Git credentials (PATs): where tokens come from, the keyring-backed store, and the Secret shapes
//! Flux reads. Shared by `token`, `bootstrap` and `tenant`.
//!
//! A token only ever lives in memory inside a [`Token`], whose `Debug` is redacted and which has
//! no `Display`, so it cannot end up in a log line or an error message by accident. It is read from
//! the OS keyring, stdin or an environment variable, never from argv, and never written to disk.

mod secret;
mod source;
mod store;

pub use secret::{
    CREDENTIAL_ANNOTATION, GitSecret, SecretOutcome, TENANT_LABEL, git_secret_object, upsert_git_secret,
};
pub use source::{TokenSource, read_token_from};
pub use store::{KeyringStore, MemoryStore, SecretStore, validate_name};

use crate::error::ExitStatus;

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
}

impl CredentialError {
    /// Exit status: missing or invalid input is a usage/configuration problem (2); a keyring that
    /// fails at run time is an operation failure (1).
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CredentialError::Keyring { .. } | CredentialError::KeyringTimeout { .. } => ExitStatus::Failure,
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
