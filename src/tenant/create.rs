//! `tenant create`: the files that onboard one tenant namespace. d1 (§5.3 of the d1 reference):
//! a kustomization.yaml that sets the namespace and the tenant label, the Namespace, the tenant's
//! ServiceAccount with a RoleBinding to a namespace-scoped role, and the GitRepository +
//! Kustomization that reconcile the tenant's repository as that ServiceAccount. keos: the same
//! kustomization.yaml (with the apps domain label instead of the tenant label), Namespace and
//! RBAC, but no `sync.yaml`: each app component gets its own directory (`tenant app add`) that the
//! namespace's kustomization.yaml lists after the files.
//! Pure and deterministic: the same options always give the same bytes.

use serde_json::{Value, json};

use super::{
    Layout,
    component::git_source,
    render::{Bundle, ManifestFile},
    tenant_object_name,
};
use crate::{
    manifests::yaml::{self, YamlError},
    repo::{GeneratedFile, names::GitProvider},
};

/// The ClusterRole tenants are bound to unless `--role` says otherwise.
pub const DEFAULT_ROLE: &str = "admin";

/// What to onboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateOptions {
    /// The tenant namespace.
    pub namespace: String,
    /// The tenant it belongs to.
    pub tenant: String,
    /// The ClusterRole bound in the namespace (default `admin`).
    pub role: String,
    /// The namespace is created by someone else (keos-installer creates `keos-core`): no
    /// `namespace.yaml`.
    pub existing_namespace: bool,
    /// d1: how the namespace is reconciled (`sync.yaml`); `None` for keos.
    pub sync: Option<SyncOptions>,
    /// keos: the app component directories the namespace's kustomization.yaml already lists, kept
    /// in order when `tenant create` runs again.
    pub components: Vec<String>,
}

/// The d1 namespace sync: the tenant repository and the overlay path in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncOptions {
    /// The tenant's git repository.
    pub git_url: String,
    /// How its GitRepository authenticates (`provider: github` for a GitHub App Secret).
    pub provider: GitProvider,
    /// The Kustomization path (contains the overlay variable).
    pub path: String,
}

/// The tenant namespace directory as a bundle.
pub fn bundle(layout: &Layout, opts: &CreateOptions) -> Bundle {
    let mut files = Vec::new();
    if !opts.existing_namespace {
        files.push(ManifestFile {
            name: "namespace.yaml".into(),
            docs: vec![namespace(&opts.namespace)],
        });
    }
    files.push(ManifestFile {
        name: "rbac.yaml".into(),
        docs: rbac(&opts.tenant, &opts.role),
    });
    if let Some(sync_opts) = &opts.sync {
        files.push(ManifestFile {
            name: "sync.yaml".into(),
            docs: sync(layout, opts, sync_opts),
        });
    }
    Bundle {
        dir: layout.namespace_dir(&opts.tenant, &opts.namespace),
        namespace: opts.namespace.clone(),
        labels: layout.namespace_labels(&opts.tenant),
        files,
        subdirs: opts.components.clone(),
    }
}

/// keos: `domain/apps/<use-case>/prerequisites/` as it starts: GitRepository `keos-apps` in the
/// Flux namespace (named explicitly: this kustomization sets no namespace, and every app
/// component's `sourceRef` names it, `provider` as the use case's other Flux Secret readers) and a
/// kustomization.yaml with the apps domain label. `bootstrap init` writes the same directory for a
/// use case that has none.
pub fn prerequisites_files(
    layout: &Layout,
    git_url: &str,
    provider: GitProvider,
    secret: &str,
) -> Result<Vec<GeneratedFile>, YamlError> {
    let dir = layout.prerequisites_dir();
    let source = layout.apps().map(|a| a.source).unwrap_or_default();
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["source.yaml"],
        "labels": [{"pairs": {layout.namespace_owner_label(): crate::repo::layout::KEOS_APPS_TENANT}}],
    });
    Ok(vec![
        GeneratedFile {
            path: dir.join("kustomization.yaml"),
            content: yaml::to_string(&kustomization, "kustomization.yaml")?,
        },
        GeneratedFile {
            path: dir.join("source.yaml"),
            content: yaml::to_string(
                &git_source(source, Some(layout.flux_namespace()), secret, git_url, provider),
                "source.yaml",
            )?,
        },
    ])
}

/// `namespace.yaml`: the Namespace, without labels (the kustomization adds the tenant label).
pub fn namespace(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
}

/// `rbac.yaml`: ServiceAccount `flux-<tenant>` and a RoleBinding of it to `role`. The namespace of
/// both (and of the subject) comes from the kustomization.
pub fn rbac(tenant: &str, role: &str) -> Vec<Value> {
    let sa = tenant_object_name(tenant);
    vec![
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa}}),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": sa},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": sa}],
        }),
    ]
}

/// The patch that makes every HelmRelease and Kustomization from the tenant repository
/// impersonate the tenant ServiceAccount (without it, helm-controller uses `default`).
pub fn impersonation_patch(service_account: &str) -> Value {
    json!({
        "patch": format!("- op: add\n  path: /spec/serviceAccountName\n  value: {service_account}\n"),
        "target": {"kind": "(HelmRelease|Kustomization)"},
    })
}

/// `sync.yaml`: GitRepository `flux-<tenant>` (branch `${GIT_BRANCH}`, the tenant Secret) and the
/// Kustomization that applies the tenant's overlay as the tenant ServiceAccount, with post-build
/// substitution from the namespace's copy of the runtime info.
pub fn sync(layout: &Layout, opts: &CreateOptions, sync: &SyncOptions) -> Vec<Value> {
    let name = tenant_object_name(&opts.tenant);
    let mut git = json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": {"name": name},
        "spec": {
            "interval": "1m",
            "ref": {"branch": "${GIT_BRANCH}"},
            "secretRef": {"name": layout.tenant_secret(&opts.tenant)},
            "url": sync.git_url,
        },
    });
    // Source-controller reads an App Secret only with provider github.
    crate::manifests::pointer::set(
        &mut git,
        "/spec/provider",
        sync.provider.field().map(|p| json!(p)),
    );
    let ks = json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": layout.kustomization_name(&opts.namespace)},
        "spec": {
            "serviceAccountName": name,
            "interval": layout.tenant_interval(),
            "retryInterval": "3m",
            "path": sync.path,
            "prune": true,
            "sourceRef": {"kind": "GitRepository", "name": name},
            "timeout": "15m",
            "wait": true,
            "patches": [impersonation_patch(&name)],
            "postBuild": {"substituteFrom": [{"kind": "ConfigMap", "name": layout.runtime_info()}]},
        },
    });
    vec![git, ks]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(ns: &str) -> CreateOptions {
        CreateOptions {
            namespace: ns.into(),
            tenant: "apps".into(),
            role: DEFAULT_ROLE.into(),
            existing_namespace: false,
            sync: Some(SyncOptions {
                git_url: "https://github.com/controlplaneio-fluxcd/d1-apps.git".into(),
                provider: GitProvider::Generic,
                path: Layout::d1().default_path(ns),
            }),
            components: Vec::new(),
        }
    }

    #[test]
    fn generates_the_four_d1_files_deterministically() {
        let b = bundle(&Layout::d1(), &opts("backend"));
        let files = b.generated_files().expect("serializes");
        let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(
            paths,
            [
                "tenants/apps/components/backend/kustomization.yaml",
                "tenants/apps/components/backend/namespace.yaml",
                "tenants/apps/components/backend/rbac.yaml",
                "tenants/apps/components/backend/sync.yaml",
            ]
        );
        assert_eq!(files, b.generated_files().expect("serializes"));
    }

    #[test]
    fn the_kustomization_impersonates_the_tenant() {
        let o = opts("frontend");
        let docs = sync(&Layout::d1(), &o, o.sync.as_ref().expect("d1 sync"));
        assert_eq!(docs[1]["metadata"]["name"], "flux-frontend");
        assert_eq!(docs[1]["spec"]["serviceAccountName"], "flux-apps");
        assert_eq!(docs[1]["spec"]["path"], "./components/frontend/${ENVIRONMENT}");
        assert_eq!(
            docs[1]["spec"]["patches"][0]["target"]["kind"],
            "(HelmRelease|Kustomization)"
        );
        assert_eq!(docs[0]["spec"]["secretRef"]["name"], "flux-apps");
    }
}
