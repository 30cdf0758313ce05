//! `tenant automation`: a tenant's image-automation directory (§5.2 and §5.5 of the d1
//! reference). Its own namespace `<tenant>-update` with the tenant ServiceAccount bound to `admin`,
//! a GitRepository and Kustomization that reconcile the tenant repository's `./update` (image
//! policies), and the ImageUpdateAutomation that commits setter updates back to `${GIT_BRANCH}`.
//! Everything is labelled `toolkit.fluxcd.io/role: automation`, the label production clusters
//! delete with a `$patch: delete`, so automation only runs where it is wanted.
//!
//! For the platform tenant (`infra`) the d1 shape differs: no namespace of its own (it lives in
//! the Flux namespace, `flux-system` by default, reusing `flux-infra`), and the Kustomization is
//! `flux-infra-update-policies`.

use serde_json::{Value, json};

use super::{
    Layout, create,
    render::{Bundle, ManifestFile},
    tenant_object_name,
};
use crate::{credentials::TENANT_LABEL, repo::Profile};

/// The label that marks image automation objects.
pub const ROLE_LABEL: &str = "toolkit.fluxcd.io/role";

/// The commit message template of d1's ImageUpdateAutomations (Flux 2.7+ `.Changed` API): a
/// summary line, the files changed, and each object with its old -> new values.
pub const COMMIT_TEMPLATE: &str = "Automated image update

Files:
{{ range $filename, $_ := .Changed.FileChanges -}}
- {{ $filename }}
{{ end -}}

Objects:
{{ range $resource, $changes := .Changed.Objects -}}
- {{ $resource.Kind }} {{ $resource.Name }}
  Changes:
{{- range $_, $change := $changes }}
    - {{ $change.OldValue }} -> {{ $change.NewValue }}
{{ end -}}
{{ end -}}
";

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutomationOptions {
    /// The tenant.
    pub tenant: String,
    /// The tenant repository (ignored for `infra`, which reuses `flux-infra`).
    pub git_url: String,
    /// Commit author name.
    pub author_name: String,
    /// Commit author email.
    pub author_email: String,
}

/// Whether the tenant is the d1 platform tenant, whose automation reuses `flux-infra`.
pub fn is_platform(layout: &Layout, tenant: &str) -> bool {
    layout.profile() == Profile::D1 && tenant == "infra"
}

/// The automation directory as a bundle.
pub fn bundle(layout: &Layout, opts: &AutomationOptions) -> Bundle {
    let labels = vec![
        (TENANT_LABEL.to_string(), opts.tenant.clone()),
        (ROLE_LABEL.to_string(), "automation".to_string()),
    ];
    let dir = layout.automation_dir(&opts.tenant);
    if is_platform(layout, &opts.tenant) {
        let platform = layout.platform();
        let sync = json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": "flux-infra-update-policies"},
            "spec": {
                "serviceAccountName": platform.service_account,
                "interval": "12h",
                "retryInterval": "3m",
                "path": "./update",
                "prune": true,
                "sourceRef": {"kind": "GitRepository", "name": platform.source},
            },
        });
        return Bundle {
            dir,
            namespace: layout.flux_namespace().to_string(),
            labels,
            files: vec![
                ManifestFile {
                    name: "sync.yaml".into(),
                    docs: vec![sync],
                },
                ManifestFile {
                    name: "automation.yaml".into(),
                    docs: vec![automation(platform.source, opts)],
                },
            ],
            subdirs: Vec::new(),
        };
    }
    let name = tenant_object_name(&opts.tenant);
    let namespace = format!("{}-update", opts.tenant);
    let git = json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": {"name": name},
        "spec": {
            "interval": "10m",
            "ref": {"branch": "${GIT_BRANCH}"},
            "secretRef": {"name": layout.tenant_secret(&opts.tenant)},
            "url": opts.git_url,
        },
    });
    let ks = json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": name},
        "spec": {
            "serviceAccountName": name,
            "interval": "12h",
            "retryInterval": "3m",
            "path": "./update",
            "prune": true,
            "sourceRef": {"kind": "GitRepository", "name": name},
        },
    });
    Bundle {
        dir,
        namespace: namespace.clone(),
        labels,
        files: vec![
            ManifestFile {
                name: "namespace.yaml".into(),
                docs: vec![create::namespace(&namespace)],
            },
            ManifestFile {
                name: "rbac.yaml".into(),
                docs: create::rbac(&opts.tenant, create::DEFAULT_ROLE),
            },
            ManifestFile {
                name: "sync.yaml".into(),
                docs: vec![git, ks],
            },
            ManifestFile {
                name: "automation.yaml".into(),
                docs: vec![automation(&name, opts)],
            },
        ],
        subdirs: Vec::new(),
    }
}

/// The ImageUpdateAutomation: check out and push `${GIT_BRANCH}`, update setters under
/// `./components`.
fn automation(source: &str, opts: &AutomationOptions) -> Value {
    json!({
        "apiVersion": "image.toolkit.fluxcd.io/v1",
        "kind": "ImageUpdateAutomation",
        "metadata": {"name": source},
        "spec": {
            "interval": "30m",
            "sourceRef": {"kind": "GitRepository", "name": source},
            "git": {
                "checkout": {"ref": {"branch": "${GIT_BRANCH}"}},
                "commit": {
                    "author": {"email": opts.author_email, "name": opts.author_name},
                    "messageTemplate": COMMIT_TEMPLATE,
                },
                "push": {"branch": "${GIT_BRANCH}"},
            },
            "update": {"path": "./components", "strategy": "Setters"},
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(tenant: &str) -> AutomationOptions {
        AutomationOptions {
            tenant: tenant.into(),
            git_url: "https://github.com/controlplaneio-fluxcd/d1-apps.git".into(),
            author_name: "controlplaneio-fluxcd-bot".into(),
            author_email: "controlplaneio-fluxcd-bot@users.noreply.github.com".into(),
        }
    }

    #[test]
    fn tenant_automation_has_its_own_namespace_and_role_label() {
        let b = bundle(&Layout::d1(), &opts("apps"));
        assert_eq!(b.namespace, "apps-update");
        let names: Vec<&str> = b.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["namespace.yaml", "rbac.yaml", "sync.yaml", "automation.yaml"]
        );
        assert!(
            b.labels
                .contains(&(ROLE_LABEL.to_string(), "automation".to_string()))
        );
        for obj in b.objects() {
            assert_eq!(obj["metadata"]["labels"][ROLE_LABEL], "automation");
        }
    }

    #[test]
    fn platform_automation_reuses_flux_infra() {
        let b = bundle(&Layout::d1(), &opts("infra"));
        assert_eq!(b.namespace, "flux-system");
        assert_eq!(b.files.len(), 2);
        assert_eq!(b.files[1].docs[0]["spec"]["sourceRef"]["name"], "flux-infra");
    }
}
