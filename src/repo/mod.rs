//! The fleet repository checkout: layout profiles (d1, keos), paths, loading and validation. Pure
//! filesystem code, no cluster access.

use std::path::PathBuf;

use crate::error::ExitStatus;

/// The fleet repository checkout is missing or invalid.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A directory the command needs does not exist.
    #[error("directory '{}' does not exist", path.display())]
    MissingDir {
        /// The directory.
        path: PathBuf,
    },
    /// A file could not be read or written.
    #[error("failed to access '{}'", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl RepoError {
    /// Exit status: repository problems are configuration errors the user must fix.
    pub fn exit_status(&self) -> ExitStatus {
        ExitStatus::Usage
    }
}
