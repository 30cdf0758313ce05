//! The fleet config file at the repository root (`kubectl-fleet.yaml`): which layout profile the
//! fleet follows. Every command reads it, so a keos fleet never gets d1-shaped files by accident.
//!
//! ```yaml
//! # kubectl-fleet.yaml
//! profile: keos                 # d1 (default) or keos
//! useCase: talk-to-your-data    # keos: the use case placed under domain/apps/ and
//!                               # domain/system-services/ (default for --use-case)
//! fluxNamespace: flux-system    # the namespace Flux runs in on clusters without a cluster
//!                               # directory here (default flux-system; see repo::layout)
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{RepoError, names};
use crate::manifests::yaml;

/// File name of the fleet config at the repository root.
pub const CONFIG_FILE: &str = "kubectl-fleet.yaml";

/// Layout profiles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The ControlPlane d1 reference architecture (`clusters/`, `tenants/<tenant>/components/<ns>`,
    /// ConfigMap `flux-runtime-info`).
    #[default]
    D1,
    /// Stratio keos-fleet (`domain/apps/<use-case>/…`, `domain/system-services/…`, ConfigMap
    /// `keos-runtime-info` with STRATIO_* keys).
    Keos,
}

impl Profile {
    /// Name of the runtime-info ConfigMap the profile substitutes from.
    pub fn runtime_info_name(self) -> &'static str {
        match self {
            Profile::D1 => "flux-runtime-info",
            Profile::Keos => "keos-runtime-info",
        }
    }
}

/// The parsed config file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FleetConfig {
    /// Layout profile.
    #[serde(default)]
    pub profile: Profile,
    /// keos: the default use case (`domain/apps/<use-case>/…`), overridable with `--use-case`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_case: Option<String>,
    /// The namespace Flux runs in (its Secrets, the runtime info), when a cluster's directory does
    /// not say; default `flux-system`. See [`Layout::cluster_flux_namespace`](super::Layout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flux_namespace: Option<String>,
}

impl FleetConfig {
    /// Loads `kubectl-fleet.yaml` from `root`; absent means the d1 defaults.
    pub fn load(root: &Path) -> Result<Self, RepoError> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().is_empty() => Ok(FleetConfig::default()),
            Ok(text) => {
                let config: FleetConfig =
                    yaml::from_str(&text, &path.display().to_string()).map_err(|source| {
                        RepoError::Config {
                            path: path.clone(),
                            source,
                        }
                    })?;
                if let Some(ns) = &config.flux_namespace {
                    names::dns_label("fluxNamespace", ns).map_err(|e| RepoError::Invalid {
                        path: path.display().to_string(),
                        reason: e.to_string(),
                    })?;
                }
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FleetConfig::default()),
            Err(e) => Err(RepoError::io("read", &path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_config_means_d1() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(FleetConfig::load(dir.path()).expect("loads").profile, Profile::D1);
    }

    #[test]
    fn reads_the_profile_and_rejects_unknown_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(CONFIG_FILE), "profile: keos\n").expect("write");
        assert_eq!(
            FleetConfig::load(dir.path()).expect("loads").profile,
            Profile::Keos
        );
        std::fs::write(dir.path().join(CONFIG_FILE), "profile: argo\n").expect("write");
        let err = FleetConfig::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains(CONFIG_FILE), "{err}");
        std::fs::write(dir.path().join(CONFIG_FILE), "profil: d1\n").expect("write");
        assert!(FleetConfig::load(dir.path()).is_err());
    }

    #[test]
    fn reads_the_keos_use_case() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "profile: keos\nuseCase: talk-to-your-data\n",
        )
        .expect("write");
        let config = FleetConfig::load(dir.path()).expect("loads");
        assert_eq!(config.use_case.as_deref(), Some("talk-to-your-data"));
    }

    #[test]
    fn reads_and_checks_the_flux_namespace() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(CONFIG_FILE), "fluxNamespace: flux\n").expect("write");
        let config = FleetConfig::load(dir.path()).expect("loads");
        assert_eq!(config.flux_namespace.as_deref(), Some("flux"));
        std::fs::write(dir.path().join(CONFIG_FILE), "fluxNamespace: Flux_System\n").expect("write");
        let err = FleetConfig::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(CONFIG_FILE) && err.contains("invalid fluxNamespace 'Flux_System'"),
            "{err}"
        );
    }
}
