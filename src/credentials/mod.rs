//! Git credentials (PATs): the keyring-backed store, provider checks and the Secret shapes Flux
//! reads. Shared by `token`, `bootstrap` and `tenant`.

use crate::error::ExitStatus;

/// Annotation put on every Secret the suite writes from a stored credential, naming that
/// credential, so `token rotate NAME` can find every copy on every cluster.
pub const CREDENTIAL_ANNOTATION: &str = "fleet.kubectl.io/credential";

/// A credential could not be stored, found or checked.
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
}

impl CredentialError {
    /// Exit status: a missing or invalid credential is a usage/configuration problem.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CredentialError::NotFound { .. } | CredentialError::InvalidName { .. } => ExitStatus::Usage,
        }
    }
}
