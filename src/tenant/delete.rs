//! `tenant delete`: removing a tenant namespace's directory from the fleet repository and, with
//! `--apply`, its objects from clusters.
//!
//! On a cluster the tenant Kustomization goes first and we wait for it to disappear: its
//! finalizer prunes the tenant's workloads while the ServiceAccount it impersonates still exists.
//! Deleting the namespace first races that finalizer against the ServiceAccount's deletion and can
//! leave the namespace stuck in Terminating. Only then is the namespace deleted, which takes the
//! GitRepository, RBAC and Secret copies with it. A namespace labelled for another tenant is never
//! touched.

use std::{ops::ControlFlow, path::PathBuf, time::Duration};

use k8s_openapi::api::core::v1::Namespace;
use kube::{
    Api,
    api::{DeleteParams, Preconditions},
};

use super::{Layout, TenantError, apply::Applied, apply::ClusterError, validate};
use crate::{
    credentials::TENANT_LABEL,
    kube::{KubeTarget, Resolver, WaitOutcome, find_known, wait_until},
    repo::FleetRepo,
};

/// The files `tenant create` writes into a namespace directory.
pub const GENERATED_FILES: &[&str] = &["kustomization.yaml", "namespace.yaml", "rbac.yaml", "sync.yaml"];

/// The repository side of a deletion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePlan {
    /// The namespace directory.
    pub dir: PathBuf,
    /// Every file in it (relative to the repository root), sorted.
    pub files: Vec<PathBuf>,
    /// Files that `tenant create` does not generate (removing them needs `--force`).
    pub foreign: Vec<PathBuf>,
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
    let foreign = files
        .iter()
        .filter(|f| {
            f.parent() != Some(found.dir.as_path())
                || !f
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| GENERATED_FILES.contains(&n))
        })
        .cloned()
        .collect();
    Ok(Some((
        found.tenant.clone(),
        FilePlan {
            dir: found.dir.clone(),
            files,
            foreign,
        },
    )))
}

impl FilePlan {
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
/// there, nor belong to another tenant.
pub async fn preflight(
    target: &KubeTarget,
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
    match ns.metadata.labels.as_ref().and_then(|l| l.get(TENANT_LABEL)) {
        Some(owner) if owner != tenant => Err(ClusterError::NamespaceOwned {
            namespace: namespace.to_string(),
            owner: owner.clone(),
        }),
        _ => Ok(ClusterState::Present),
    }
}

/// Deletes the tenant Kustomization, waits (up to `timeout`) until its finalizer has pruned and
/// it is gone, then deletes the namespace.
pub async fn delete_on_cluster(
    target: &KubeTarget,
    layout: &Layout,
    namespace: &str,
    timeout: Duration,
    applied: &mut Vec<Applied>,
) -> Result<(), ClusterError> {
    let known =
        find_known("kustomize.toolkit.fluxcd.io", "Kustomization").expect("Kustomization is a known kind");
    let kss = Resolver::new(target.clone()).api(&known.api_resource(), true, Some(namespace));
    let ks_name = layout.kustomization_name(namespace);
    let what = format!("Kustomization/{namespace}/{ks_name}");
    let existed = match kss.delete(&ks_name, &DeleteParams::background()).await {
        Ok(_) => true,
        Err(kube::Error::Api(s)) if s.code == 404 => false,
        Err(e) => return Err(target.err(format!("delete {what}"), e).into()),
    };
    if existed {
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
    }
    applied.push(Applied {
        object: what,
        result: if existed { "deleted" } else { "already absent" }.into(),
    });
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
