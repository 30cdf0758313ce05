//! The fleet repository checkout: its config file and layout profile (d1, keos), and writing
//! generated files safely. Pure filesystem code, no cluster access.

pub mod clusters;
mod config;
pub mod layout;
pub mod names;
pub mod provider;
mod write;

use std::path::{Path, PathBuf};

pub use config::{CONFIG_FILE, FleetConfig, Profile};
pub use layout::{Layout, tenant_object_name};
pub use names::NameError;
pub use write::{FileChange, GeneratedFile, WritePlan};

use crate::exit::ExitStatus;

/// The fleet repository checkout is missing or invalid.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The fleet directory does not exist or is not a directory.
    #[error("fleet repository directory '{}' does not exist or is not a directory", path.display())]
    MissingDir {
        /// The directory.
        path: PathBuf,
    },
    /// A multi-file write failed and could not be fully undone: these files were left changed.
    #[error("files left changed after a failed write (check them): {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    PartiallyWritten {
        /// The files written whose previous state could not be restored.
        paths: Vec<PathBuf>,
        /// Why the write failed.
        #[source]
        source: Box<RepoError>,
    },
    /// A file could not be read or written.
    #[error("failed to {action} '{}'", path.display())]
    Io {
        /// read, write, create directory …
        action: &'static str,
        /// The file.
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The fleet config file is invalid.
    #[error("invalid fleet config '{}'", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        #[source]
        source: crate::manifests::yaml::YamlError,
    },
    /// Generated files would overwrite existing ones that differ.
    #[error("refusing to overwrite {} existing file(s) that differ: {} (use --force to overwrite, --dry-run to see the diff)", paths.len(), paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    WouldOverwrite {
        /// The files, relative to the repository root.
        paths: Vec<PathBuf>,
    },
    /// A name, path or URL breaks a fleet naming rule.
    #[error(transparent)]
    Name(#[from] NameError),
    /// The keos profile needs a use case to place files.
    #[error("the keos profile needs a use case: pass --use-case NAME or set useCase in kubectl-fleet.yaml")]
    MissingUseCase,
    /// The repository content is not what the command expects (a cluster dir without a
    /// FluxInstance, a tenant namespace claimed by another tenant, …).
    #[error("{path}: {reason}")]
    Invalid {
        /// The file or directory (relative to the repository root where possible).
        path: String,
        /// What is wrong.
        reason: String,
    },
}

impl RepoError {
    /// Exit status: repository problems are configuration errors the user must fix.
    pub fn exit_status(&self) -> ExitStatus {
        ExitStatus::Usage
    }

    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        RepoError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A fleet repository checkout.
#[derive(Clone, Debug)]
pub struct FleetRepo {
    root: PathBuf,
    config: FleetConfig,
}

impl FleetRepo {
    /// Opens the checkout at `root`, reading its fleet config file if present (d1 defaults otherwise).
    pub fn open(root: &Path) -> Result<Self, RepoError> {
        if !root.is_dir() {
            return Err(RepoError::MissingDir {
                path: root.to_path_buf(),
            });
        }
        // Probe readability up front so an unreadable checkout fails before anything is generated.
        std::fs::read_dir(root).map_err(|e| RepoError::io("read directory", root, e))?;
        let config = FleetConfig::load(root)?;
        Ok(FleetRepo {
            root: root.to_path_buf(),
            config,
        })
    }

    /// The checkout root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The fleet config (profile and settings).
    pub fn config(&self) -> &FleetConfig {
        &self.config
    }

    /// Absolute path of a repository-relative path.
    pub fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.root.join(relative)
    }

    /// Reads a repository-relative file, `None` when it does not exist.
    pub fn read_optional(&self, relative: impl AsRef<Path>) -> Result<Option<String>, RepoError> {
        let path = self.path(relative);
        match std::fs::read_to_string(&path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(RepoError::io("read", &path, e)),
        }
    }
}
