//! Cluster profiles (`bootstrap init --profile NAME`): flux-platform's clusters do not each carry
//! their whole configuration, they import a pre-made profile (production, SSS …) as a kustomize
//! Component from `clusters/_components/<profile>/`. The cluster directory then has its own
//! `kustomization.yaml` listing what `init` generates under `resources:` and the profile under
//! `components:`, with a path relative to the cluster's depth (`../_components/production` for
//! `clusters/staging`, `../../_components/production` for `clusters/sts-devpkg/eu`), which
//! kustomize-controller builds when it syncs the cluster path.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{
    BootstrapError,
    files::read,
    spec::{ClusterLayout, ClusterSpec},
};
use crate::{
    error::Result,
    manifests::{kustomize::KUSTOMIZATION_FILES, pointer, yaml},
    repo::{FleetRepo, names},
};

/// Where profiles live, relative to the repository (`_` keeps it out of the cluster list).
pub const PROFILES_DIR: &str = "clusters/_components";

/// The cluster's own kustomization file (relative to the cluster directory).
pub const CLUSTER_KUSTOMIZATION: &str = "kustomization.yaml";

/// The resources a generated cluster kustomization lists: what `init` writes (classic layout).
const CLUSTER_RESOURCES: &[&str] = &[
    "flux-system",
    "runtime-info.yaml",
    "infra-tenant.yaml",
    "apps-tenant.yaml",
];

fn invalid(profile: &str, reason: impl Into<String>) -> BootstrapError {
    BootstrapError::InvalidFlag {
        flag: "--profile",
        value: profile.to_string(),
        reason: reason.into(),
    }
}

/// The profiles of the fleet: directories of [`PROFILES_DIR`] with a kustomization file, sorted.
pub fn profiles(repo: &FleetRepo) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(repo.path(PROFILES_DIR))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| KUSTOMIZATION_FILES.iter().any(|k| e.path().join(k).is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Checks that `profile` names a kustomize Component of the fleet (`clusters/_components/NAME/`
/// with a kustomization file of `kind: Component`).
pub fn check(repo: &FleetRepo, profile: &str) -> Result<()> {
    names::dns_label("--profile", profile).map_err(|e| invalid(profile, e.reason))?;
    let dir = PathBuf::from(PROFILES_DIR).join(profile);
    let Some(file) = KUSTOMIZATION_FILES
        .iter()
        .map(|k| dir.join(k))
        .find(|p| repo.path(p).is_file())
    else {
        let known = profiles(repo);
        return Err(invalid(
            profile,
            format!(
                "{}/kustomization.yaml does not exist ({})",
                dir.display(),
                if known.is_empty() {
                    format!("the fleet has no profiles under {PROFILES_DIR}/")
                } else {
                    format!("profiles: {}", known.join(", "))
                }
            ),
        )
        .into());
    };
    let doc: Value = yaml::from_str(&read(repo, &file)?, &file.display().to_string())?;
    if pointer::kind(&doc) != "Component" {
        return Err(invalid(
            profile,
            format!(
                "{} is a {}, not a kustomize Component (kind: Component, apiVersion: kustomize.config.k8s.io/v1alpha1)",
                file.display(),
                match pointer::kind(&doc) {
                    "" => "file without a kind",
                    k => k,
                }
            ),
        )
        .into());
    }
    Ok(())
}

/// The `components:` entry that imports `profile` from `clusters/<cluster>`.
pub fn component_path(cluster: &str, profile: &str) -> String {
    let up = "../".repeat(cluster.split('/').count());
    format!("{up}_components/{profile}")
}

/// Whether a `components:` entry imports a profile (`…/_components/NAME`), and which.
fn profile_entry(entry: &str) -> Option<&str> {
    let (before, name) = entry.trim_end_matches('/').rsplit_once('/')?;
    (before == "_components" || before.ends_with("/_components")).then_some(name)
}

/// The profile a cluster kustomization imports, if any.
pub fn profile_of(kustomization: &Value) -> Option<String> {
    kustomization
        .get("components")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find_map(profile_entry)
        .map(str::to_string)
}

/// The cluster's own `kustomization.yaml` for `spec`: `None` when it imports no profile and the
/// `--from` cluster had none. From `base` (the `--from` cluster's) the profile entry is re-targeted
/// to the new depth and everything else is kept; otherwise it lists what `init` generates.
pub fn cluster_kustomization(
    spec: &ClusterSpec,
    profile: Option<&str>,
    base: Option<&Value>,
) -> Result<Option<Value>, BootstrapError> {
    let profile = profile.map(str::to_string).or_else(|| base.and_then(profile_of));
    if let Some(p) = &profile
        && spec.layout != ClusterLayout::Classic
    {
        return Err(invalid(
            p,
            "profiles are kustomize Components imported by the cluster's kustomization.yaml, which the \
             classic layout has (--layout classic); a d1 cluster's FluxInstance syncs the directory as it is",
        ));
    }
    let mut k = match (base, &profile) {
        (Some(b), _) => b.clone(),
        (None, Some(_)) => json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": CLUSTER_RESOURCES,
        }),
        (None, None) => return Ok(None),
    };
    if let Some(p) = &profile {
        let wanted = Value::String(component_path(&spec.cluster, p));
        let mut components: Vec<Value> = k
            .get("components")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        match components
            .iter()
            .position(|c| c.as_str().and_then(profile_entry).is_some())
        {
            Some(i) => components[i] = wanted,
            None => components.push(wanted),
        }
        pointer::set(&mut k, "/components", Some(Value::Array(components)));
    }
    Ok(Some(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_paths_follow_the_depth() {
        assert_eq!(
            component_path("staging", "production"),
            "../_components/production"
        );
        assert_eq!(
            component_path("sts-devpkg/eu", "production"),
            "../../_components/production"
        );
        assert_eq!(profile_entry("../../_components/sss/"), Some("sss"));
        assert_eq!(profile_entry("../base"), None);
        assert_eq!(
            profile_of(&json!({"components": ["../common", "../_components/production"]})).as_deref(),
            Some("production")
        );
    }
}
