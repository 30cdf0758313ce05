//! `tenant delete`: removing a tenant namespace's directory from the fleet repository and, with
//! `--apply`, its objects from clusters.
//!
//! On a cluster the tenant Kustomization goes first and we wait for it to disappear: its
//! finalizer prunes the tenant's workloads while the ServiceAccount it impersonates still exists.
//! Deleting the namespace first races that finalizer against the ServiceAccount's deletion and can
//! leave the namespace stuck in Terminating. Only then is the namespace deleted, which takes the
//! GitRepository, RBAC and Secret copies with it. A namespace labelled for another tenant is never
//! touched.
//!
//! keos namespaces have one Kustomization per app component (`<namespace>/<component>/`): all of
//! them go first, and a namespace the repository does not create (`--existing-namespace`, no
//! `namespace.yaml`) is left on the cluster.

use std::{ops::ControlFlow, path::PathBuf, time::Duration};

use k8s_openapi::api::core::v1::Namespace;
use kube::{
    Api,
    api::{DeleteParams, Preconditions},
};

use super::{Layout, TenantError, apply::Applied, apply::ClusterError, validate};
use crate::{
    kube::{KubeTarget, Resolver, WaitOutcome, find_known, wait_until},
    repo::{FleetRepo, layout::NamespaceSync},
};

/// The files `tenant create` writes into a namespace directory.
pub const GENERATED_FILES: &[&str] = &["kustomization.yaml", "namespace.yaml", "rbac.yaml", "sync.yaml"];

/// The files `tenant app add` writes into a keos component directory.
pub const COMPONENT_FILES: &[&str] = &["kustomization.yaml", "sync.yaml"];

/// The repository side of a deletion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePlan {
    /// The namespace directory.
    pub dir: PathBuf,
    /// Every file in it (relative to the repository root), sorted.
    pub files: Vec<PathBuf>,
    /// Files that `tenant create` does not generate (removing them needs `--force`).
    pub foreign: Vec<PathBuf>,
    /// Whether the repository creates the namespace (`namespace.yaml`); keos `--existing-namespace`
    /// namespaces are not deleted on clusters.
    pub creates_namespace: bool,
}

fn walk(repo: &FleetRepo, dir: &std::path::Path, out: &mut Vec<PathBuf>) -> Result<(), TenantError> {
    let abs = repo.path(dir);
    let entries = std::fs::read_dir(&abs).map_err(|e| TenantError::RepoContent {
        path: abs.clone(),
        reason: format!("cannot be read: {e}"),
    })?;
    for entry in entries.flatten() {
        let rel = dir.join(entry.file_name());
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            walk(repo, &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// Finds the namespace's directory (and so its tenant) in the repository.
pub fn find(
    repo: &FleetRepo,
    layout: &Layout,
    namespace: &str,
    tenant: Option<&str>,
) -> Result<Option<(String, FilePlan)>, TenantError> {
    let onboarded = validate::onboarded_namespaces(repo, layout)?;
    let Some(found) = onboarded
        .iter()
        .find(|o| o.namespace == namespace && tenant.is_none_or(|t| t == o.tenant))
    else {
        if let (Some(t), Some(other)) = (tenant, onboarded.iter().find(|o| o.namespace == namespace)) {
            return Err(TenantError::RepoContent {
                path: other.dir.clone(),
                reason: format!(
                    "namespace '{namespace}' belongs to tenant '{}', not '{t}'",
                    other.tenant
                ),
            });
        }
        return Ok(None);
    };
    let mut files = Vec::new();
    walk(repo, &found.dir, &mut files)?;
    files.sort();
    let per_component = layout.namespace_sync() == NamespaceSync::PerComponent;
    let named = |f: &std::path::Path, names: &[&str]| {
        f.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| names.contains(&n))
    };
    let generated = |f: &PathBuf| {
        let parent = f.parent();
        if parent == Some(found.dir.as_path()) {
            return named(f, GENERATED_FILES);
        }
        per_component
            && parent.and_then(std::path::Path::parent) == Some(found.dir.as_path())
            && named(f, COMPONENT_FILES)
    };
    let foreign = files.iter().filter(|f| !generated(f)).cloned().collect();
    let creates_namespace = !per_component || files.contains(&found.dir.join("namespace.yaml"));
    Ok(Some((
        found.tenant.clone(),
        FilePlan {
            dir: found.dir.clone(),
            files,
            foreign,
            creates_namespace,
        },
    )))
}

impl FilePlan {
    /// keos: the Flux Kustomizations the namespace's component directories define (their
    /// `sync.yaml`), in directory order.
    pub fn component_kustomizations(&self, repo: &FleetRepo) -> Result<Vec<String>, TenantError> {
        let mut out = Vec::new();
        for file in &self.files {
            let in_component = file.parent().and_then(std::path::Path::parent) == Some(self.dir.as_path());
            if !in_component || file.file_name().and_then(|n| n.to_str()) != Some("sync.yaml") {
                continue;
            }
            let Some(text) = repo.read_optional(file)? else {
                continue;
            };
            let docs =
                crate::manifests::yaml::from_multi_doc(&text, &file.display().to_string()).map_err(|e| {
                    TenantError::RepoContent {
                        path: file.clone(),
                        reason: format!("is not valid YAML: {}", crate::error::chain::error_chain(&e)),
                    }
                })?;
            out.extend(docs.iter().filter_map(|d| {
                let flux = d
                    .get("apiVersion")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|v| v.starts_with("kustomize.toolkit.fluxcd.io/"));
                flux.then(|| d.pointer("/metadata/name").and_then(serde_json::Value::as_str))
                    .flatten()
                    .map(str::to_string)
            }));
        }
        Ok(out)
    }

    /// Refuses when the directory holds files we did not generate, unless `force`.
    pub fn check(&self, force: bool) -> Result<(), TenantError> {
        if self.foreign.is_empty() || force {
            return Ok(());
        }
        Err(TenantError::RepoContent {
            path: self.dir.clone(),
            reason: format!(
                "holds files kubectl fleet did not generate: {} (use --force to delete them too)",
                self.foreign
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }
}

/// Removes the directory. Nothing is removed when `foreign` files exist and `force` is false.
pub fn remove_files(repo: &FleetRepo, plan: &FilePlan, force: bool) -> Result<(), TenantError> {
    plan.check(force)?;
    let abs = repo.path(&plan.dir);
    std::fs::remove_dir_all(&abs).map_err(|e| TenantError::RepoContent {
        path: abs,
        reason: format!("cannot be removed: {e}"),
    })
}

/// What a cluster holds of the tenant namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterState {
    /// The namespace exists, labelled for the tenant (or unlabelled).
    Present,
    /// The namespace does not exist.
    Absent,
}

/// Read-only check before deleting on a cluster: the namespace must not be the one Flux runs in
/// there, nor belong to another tenant (the layout's owner label).
pub async fn preflight(
    target: &KubeTarget,
    layout: &Layout,
    namespace: &str,
    tenant: &str,
    flux_namespace: &str,
) -> Result<ClusterState, ClusterError> {
    if namespace == flux_namespace {
        return Err(ClusterError::FluxNamespace {
            namespace: namespace.to_string(),
        });
    }
    let api: Api<Namespace> = Api::all(target.client.clone());
    let ns = api
        .get_opt(namespace)
        .await
        .map_err(|e| target.err(format!("get namespace {namespace}"), e))?;
    let Some(ns) = ns else {
        return Ok(ClusterState::Absent);
    };
    let owner_label = layout.namespace_owner_label();
    match ns.metadata.labels.as_ref().and_then(|l| l.get(owner_label)) {
        Some(owner) if owner != tenant => Err(ClusterError::NamespaceOwned {
            namespace: namespace.to_string(),
            owner: owner.clone(),
        }),
        _ => Ok(ClusterState::Present),
    }
}

/// What `delete_on_cluster` removes from one cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterDeletion {
    /// The namespace.
    pub namespace: String,
    /// The Kustomizations in it that reconcile the tenant (d1 `flux-<ns>`; keos one per
    /// component), deleted first.
    pub kustomizations: Vec<String>,
    /// Whether the namespace itself is deleted afterwards.
    pub namespace_too: bool,
}

/// Deletes the tenant Kustomizations, waits (up to `timeout`) until their finalizers have pruned
/// and they are gone, then deletes the namespace.
pub async fn delete_on_cluster(
    target: &KubeTarget,
    deletion: &ClusterDeletion,
    timeout: Duration,
    applied: &mut Vec<Applied>,
) -> Result<(), ClusterError> {
    let namespace = deletion.namespace.as_str();
    let known =
        find_known("kustomize.toolkit.fluxcd.io", "Kustomization").expect("Kustomization is a known kind");
    let kss = Resolver::new(target.clone()).api(&known.api_resource(), true, Some(namespace));
    let mut deleting = Vec::new();
    for ks_name in &deletion.kustomizations {
        let what = format!("Kustomization/{namespace}/{ks_name}");
        match kss.delete(ks_name, &DeleteParams::background()).await {
            Ok(_) => deleting.push((ks_name.clone(), what)),
            Err(kube::Error::Api(s)) if s.code == 404 => applied.push(Applied {
                object: what,
                result: "already absent".into(),
            }),
            Err(e) => return Err(target.err(format!("delete {what}"), e).into()),
        }
    }
    for (ks_name, what) in deleting {
        let outcome = wait_until(
            timeout,
            Duration::from_secs(1),
            || {
                let kss = kss.clone();
                let name = ks_name.clone();
                async move {
                    match kss.get_opt(&name).await {
                        Ok(None) => ControlFlow::Break(()),
                        Ok(Some(_)) => ControlFlow::Continue("waiting for the finalizer".into()),
                        Err(e) => ControlFlow::Continue(e.to_string()),
                    }
                }
            },
            |_| {},
        )
        .await;
        if let WaitOutcome::TimedOut(_) = outcome {
            applied.push(Applied {
                object: what.clone(),
                result: "deleting (still pruning)".into(),
            });
            return Err(ClusterError::StillThere {
                what,
                seconds: timeout.as_secs(),
            });
        }
        applied.push(Applied {
            object: what,
            result: "deleted".into(),
        });
    }
    if !deletion.namespace_too {
        applied.push(Applied {
            object: format!("Namespace/{namespace}"),
            result: "kept (not created by the fleet repository)".into(),
        });
        return Ok(());
    }
    let namespaces: Api<Namespace> = Api::all(target.client.clone());
    let current = namespaces
        .get_opt(namespace)
        .await
        .map_err(|e| target.err(format!("get namespace {namespace}"), e))?;
    let result = match current {
        None => "already absent",
        Some(ns) => {
            // The uid precondition makes sure we delete the namespace we checked, not a new one.
            let dp = DeleteParams {
                preconditions: Some(Preconditions {
                    uid: ns.metadata.uid.clone(),
                    resource_version: None,
                }),
                ..Default::default()
            };
            match namespaces.delete(namespace, &dp).await {
                Ok(_) => "deleted",
                Err(kube::Error::Api(s)) if s.code == 404 => "already absent",
                Err(e) => return Err(target.err(format!("delete namespace {namespace}"), e).into()),
            }
        }
    };
    applied.push(Applied {
        object: format!("Namespace/{namespace}"),
        result: result.into(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_directory_and_flags_foreign_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = dir.path().join("tenants/apps/components/backend");
        std::fs::create_dir_all(&base).expect("mkdir");
        for f in GENERATED_FILES {
            std::fs::write(base.join(f), "x: 1\n").expect("write");
        }
        std::fs::write(base.join("kustomization.yaml"), "namespace: backend\n").expect("write");
        let repo = FleetRepo::open(dir.path()).expect("repo");
        let (tenant, plan) = find(&repo, &Layout::d1(), "backend", None)
            .expect("scan")
            .expect("found");
        assert_eq!(tenant, "apps");
        assert!(plan.foreign.is_empty());
        std::fs::write(base.join("netpol.yaml"), "x: 1\n").expect("write");
        let (_, plan) = find(&repo, &Layout::d1(), "backend", None)
            .expect("scan")
            .expect("found");
        assert_eq!(
            plan.foreign,
            [PathBuf::from("tenants/apps/components/backend/netpol.yaml")]
        );
        let err = remove_files(&repo, &plan, false).unwrap_err();
        assert!(err.to_string().contains("netpol.yaml"), "{err}");
        assert!(base.exists());
        remove_files(&repo, &plan, true).expect("removes");
        assert!(!base.exists());
        assert!(
            find(&repo, &Layout::d1(), "backend", None)
                .expect("scan")
                .is_none()
        );
    }
}
