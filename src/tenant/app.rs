//! `tenant app add` (keos): one app component of an apps namespace. keos reconciles a namespace
//! not as one Kustomization (d1's `flux-<namespace>`) but as one per component, each in its own
//! directory `domain/apps/<use-case>/components/<namespace>/<component>/`:
//!
//! - `kustomization.yaml`: the namespace, `sync.yaml`, and the labels `toolkit.fluxcd.io/domain`,
//!   `toolkit.fluxcd.io/component` (the override procedure deletes by it) and, with secrets,
//!   `app.kubernetes.io/sops-secret-provided: "true"` (what the `apps-components` decryption patch
//!   selects);
//! - `sync.yaml`: with secrets, first `apps-<c>-secrets` (the cluster's SOPS-encrypted
//!   `clusters/${CLUSTER_NAME}/secrets/<c>` from the fleet repository, into the namespace); then
//!   `apps-<c>` (the size overlay from `keos-apps`, after its secrets and `--depends-on`, with
//!   post-build substitution from the namespace's copy of `keos-runtime-info`).
//!
//! The profile data ([`Apps`]) holds the names and intervals; the Kustomization bodies are built
//! here in the field order of every real keos component. Pure and deterministic.

use serde_json::{Map, Value, json};

use super::render::{Bundle, ManifestFile};
use crate::repo::layout::{
    Apps, COMPONENT_LABEL, DOMAIN_LABEL, KEOS_APPS_TENANT, Layout, SOPS_SECRET_PROVIDED_LABEL,
};

/// One `--depends-on` entry: a component of the same namespace, or `NAMESPACE/COMPONENT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The dependency's namespace, when it is not the component's own.
    pub namespace: Option<String>,
    /// The component.
    pub component: String,
}

impl Dependency {
    /// Parses `COMPONENT` or `NAMESPACE/COMPONENT`; a namespace equal to `own` is dropped (no real
    /// keos entry names its own namespace).
    pub fn parse(text: &str, own: &str) -> Dependency {
        match text.split_once('/') {
            Some((ns, component)) if ns != own => Dependency {
                namespace: Some(ns.to_string()),
                component: component.to_string(),
            },
            Some((_, component)) => Dependency {
                namespace: None,
                component: component.to_string(),
            },
            None => Dependency {
                namespace: None,
                component: text.to_string(),
            },
        }
    }

    /// The namespace the dependency lives in.
    pub fn namespace_or<'a>(&'a self, own: &'a str) -> &'a str {
        self.namespace.as_deref().unwrap_or(own)
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppOptions {
    /// The apps namespace.
    pub namespace: String,
    /// The component.
    pub component: String,
    /// The ServiceAccount the Kustomizations run as (`flux-apps`, from the namespace's rbac.yaml).
    pub service_account: String,
    /// Components `apps-<component>` waits for, in order.
    pub depends_on: Vec<Dependency>,
    /// Also reconcile the cluster's SOPS-encrypted secrets of the component.
    pub secrets: bool,
    /// Retry interval of both Kustomizations (Flux duration as given, e.g. `5m`).
    pub retry_interval: String,
}

/// The component directory as a bundle (its kustomization.yaml sets the namespace and labels).
pub fn bundle(layout: &Layout, apps: &Apps, opts: &AppOptions) -> Bundle {
    let mut labels = vec![
        (DOMAIN_LABEL.to_string(), KEOS_APPS_TENANT.to_string()),
        (COMPONENT_LABEL.to_string(), opts.component.clone()),
    ];
    if opts.secrets {
        labels.push((SOPS_SECRET_PROVIDED_LABEL.to_string(), "true".to_string()));
    }
    Bundle {
        dir: layout.app_dir(&opts.namespace, &opts.component),
        namespace: opts.namespace.clone(),
        labels,
        files: vec![ManifestFile {
            name: "sync.yaml".into(),
            docs: sync(layout, apps, opts),
        }],
        subdirs: Vec::new(),
    }
}

/// `sync.yaml`: the secrets Kustomization (with `--secrets`) then the component's.
pub fn sync(layout: &Layout, apps: &Apps, opts: &AppOptions) -> Vec<Value> {
    let flux_namespace = layout.flux_namespace();
    let kustomization = |name: String, spec: Map<String, Value>| {
        json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": name},
            "spec": spec,
        })
    };
    let mut docs = Vec::new();
    let mut depends_on = Vec::new();
    if opts.secrets {
        let mut spec = Map::new();
        spec.insert("serviceAccountName".into(), json!(opts.service_account));
        // The Secret files carry no namespace: they go to the component's.
        spec.insert("targetNamespace".into(), json!(opts.namespace));
        spec.insert("interval".into(), json!(apps.interval));
        spec.insert("retryInterval".into(), json!(opts.retry_interval));
        spec.insert("path".into(), json!(apps.secrets_path(&opts.component)));
        spec.insert("prune".into(), json!(true));
        spec.insert(
            "sourceRef".into(),
            json!({"kind": "GitRepository", "name": apps.secrets_source, "namespace": flux_namespace}),
        );
        // The key (secretRef) is patched in by apps-components for labelled Kustomizations; no
        // postBuild: decrypted values are never substituted.
        spec.insert("decryption".into(), json!({"provider": "sops"}));
        let name = apps.secrets_name(&opts.component);
        depends_on.push(json!({"name": name}));
        docs.push(kustomization(name, spec));
    }
    for dep in &opts.depends_on {
        let mut entry = json!({"name": apps.kustomization_name(&dep.component)});
        if let Some(ns) = &dep.namespace {
            entry["namespace"] = json!(ns);
        }
        depends_on.push(entry);
    }
    let mut spec = Map::new();
    spec.insert("serviceAccountName".into(), json!(opts.service_account));
    if !depends_on.is_empty() {
        spec.insert("dependsOn".into(), Value::Array(depends_on));
    }
    spec.insert("interval".into(), json!(apps.interval));
    spec.insert("retryInterval".into(), json!(opts.retry_interval));
    spec.insert("path".into(), json!(apps.path(&opts.component)));
    spec.insert("prune".into(), json!(true));
    spec.insert(
        "sourceRef".into(),
        json!({"kind": "GitRepository", "name": apps.source, "namespace": flux_namespace}),
    );
    spec.insert("timeout".into(), json!(apps.timeout));
    spec.insert("wait".into(), json!(true));
    spec.insert(
        "postBuild".into(),
        json!({"substituteFrom": [{"kind": "ConfigMap", "name": layout.runtime_info()}]}),
    );
    docs.push(kustomization(apps.kustomization_name(&opts.component), spec));
    docs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::{FleetConfig, Profile};

    fn keos() -> Layout {
        let config = FleetConfig {
            profile: Profile::Keos,
            use_case: Some("talk-to-your-data".into()),
            ..Default::default()
        };
        Layout::new(&config, None).expect("layout")
    }

    #[test]
    fn dependencies_name_other_namespaces_only() {
        assert_eq!(
            Dependency::parse("pgbouncer", "stratio-apps"),
            Dependency {
                namespace: None,
                component: "pgbouncer".into()
            }
        );
        assert_eq!(
            Dependency::parse("stratio-datastores/pgbouncer", "stratio-apps").namespace,
            Some("stratio-datastores".into())
        );
        assert_eq!(
            Dependency::parse("stratio-apps/virtualizer", "stratio-apps").namespace,
            None
        );
    }

    #[test]
    fn secrets_come_first_in_the_file_and_in_depends_on() {
        let layout = keos();
        let apps = layout.apps().expect("keos apps");
        let opts = AppOptions {
            namespace: "stratio-datastores".into(),
            component: "dg-s3-agent".into(),
            service_account: "flux-apps".into(),
            depends_on: vec![Dependency::parse(
                "stratio-apps/connectors-management",
                "stratio-datastores",
            )],
            secrets: true,
            retry_interval: "5m".into(),
        };
        let docs = sync(&layout, &apps, &opts);
        assert_eq!(docs[0]["metadata"]["name"], "apps-dg-s3-agent-secrets");
        assert_eq!(
            docs[0]["spec"]["path"],
            "./clusters/${CLUSTER_NAME}/secrets/dg-s3-agent"
        );
        assert_eq!(docs[0]["spec"]["sourceRef"]["name"], "keos-fleet");
        assert_eq!(docs[0]["spec"]["retryInterval"], "5m");
        assert_eq!(
            docs[1]["spec"]["dependsOn"],
            json!([
                {"name": "apps-dg-s3-agent-secrets"},
                {"name": "apps-connectors-management", "namespace": "stratio-apps"}
            ])
        );
        assert_eq!(
            docs[1]["spec"]["path"],
            "./components/dg-s3-agent/${STRATIO_SIZE}"
        );
        let b = bundle(&layout, &apps, &opts);
        assert_eq!(
            b.kustomization()["labels"][0]["pairs"][SOPS_SECRET_PROVIDED_LABEL],
            "true"
        );
        assert_eq!(
            b.dir,
            std::path::PathBuf::from(
                "domain/apps/talk-to-your-data/components/stratio-datastores/dg-s3-agent"
            )
        );
    }
}
