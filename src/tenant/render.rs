//! A directory of generated manifests with its kustomization.yaml ([`Bundle`]), the objects it
//! stands for once kustomize's namespace and label transforms are applied, and Flux-style
//! `${VAR}` substitution from a runtime-info ConfigMap (Flux's rules, in
//! [`crate::manifests::substitute`]). Together they let `--apply` put on a
//! cluster exactly what Flux would, without a git round trip.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

pub use crate::manifests::substitute::{UndefinedVariables, substitute, substitute_str};
use crate::{
    manifests::yaml::{self, YamlError},
    repo::GeneratedFile,
};

/// One manifest file of a bundle.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestFile {
    /// File name inside the bundle directory.
    pub name: String,
    /// Its documents, in order.
    pub docs: Vec<Value>,
}

/// A directory with a kustomization.yaml that sets a namespace and common labels, as every d1
/// tenant directory does.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// The directory, relative to the repository root.
    pub dir: PathBuf,
    /// `namespace:` of the kustomization.
    pub namespace: String,
    /// `labels: [{pairs: …}]` of the kustomization, in order.
    pub labels: Vec<(String, String)>,
    /// The manifest files, in `resources:` order.
    pub files: Vec<ManifestFile>,
    /// Sub-directories listed after the files in `resources:` (keos app components), each a
    /// kustomization of its own that is not part of this bundle's objects.
    pub subdirs: Vec<String>,
}

impl Bundle {
    /// The kustomization.yaml document.
    pub fn kustomization(&self) -> Value {
        let pairs: Map<String, Value> = self
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "namespace": self.namespace,
            "resources": self.files.iter().map(|f| f.name.clone()).chain(self.subdirs.iter().cloned()).collect::<Vec<_>>(),
            "labels": [{"pairs": pairs}],
        })
    }

    /// The files to write: kustomization.yaml first, then the manifests.
    pub fn generated_files(&self) -> Result<Vec<GeneratedFile>, YamlError> {
        let mut out = vec![GeneratedFile {
            path: self.dir.join("kustomization.yaml"),
            content: yaml::to_string(&self.kustomization(), "kustomization.yaml")?,
        }];
        for file in &self.files {
            out.push(GeneratedFile {
                path: self.dir.join(&file.name),
                content: yaml::to_multi_doc(&file.docs, &file.name)?,
            });
        }
        Ok(out)
    }

    /// The objects as `kustomize build` would emit them: namespaced objects get the
    /// kustomization's namespace (ServiceAccount subjects of RoleBindings too), and every object
    /// gets the common labels on its metadata (selectors untouched, as `labels.pairs` does).
    pub fn objects(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for file in &self.files {
            for doc in &file.docs {
                let mut obj = doc.clone();
                let kind = obj
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if is_namespaced(&kind)
                    && let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut)
                {
                    meta.insert("namespace".into(), Value::String(self.namespace.clone()));
                }
                if matches!(kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
                    && let Some(subjects) = obj.get_mut("subjects").and_then(Value::as_array_mut)
                {
                    for s in subjects {
                        let is_sa = s.get("kind").and_then(Value::as_str) == Some("ServiceAccount");
                        if is_sa && s.get("namespace").is_none() {
                            s["namespace"] = Value::String(self.namespace.clone());
                        }
                    }
                }
                if !self.labels.is_empty()
                    && let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut)
                {
                    let labels = meta.entry("labels").or_insert_with(|| Value::Object(Map::new()));
                    if let Some(labels) = labels.as_object_mut() {
                        for (k, v) in &self.labels {
                            labels.insert(k.clone(), Value::String(v.clone()));
                        }
                    }
                }
                out.push(obj);
            }
        }
        out
    }
}

/// Whether a kind the tenant bundles contain is namespaced. Everything we generate is, except
/// Namespaces and cluster-wide RBAC.
fn is_namespaced(kind: &str) -> bool {
    !matches!(
        kind,
        "Namespace" | "ClusterRole" | "ClusterRoleBinding" | "CustomResourceDefinition"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_objects_get_namespace_and_labels() {
        let bundle = Bundle {
            dir: "tenants/apps/components/backend".into(),
            namespace: "backend".into(),
            labels: vec![("toolkit.fluxcd.io/tenant".into(), "apps".into())],
            files: vec![
                ManifestFile {
                    name: "namespace.yaml".into(),
                    docs: vec![
                        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "backend"}}),
                    ],
                },
                ManifestFile {
                    name: "rbac.yaml".into(),
                    docs: vec![
                        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "flux-apps"},
                        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"},
                        "subjects": [{"kind": "ServiceAccount", "name": "flux-apps"}]}),
                    ],
                },
            ],
            subdirs: Vec::new(),
        };
        let objs = bundle.objects();
        assert_eq!(
            objs[0]["metadata"],
            json!({"name": "backend", "labels": {"toolkit.fluxcd.io/tenant": "apps"}})
        );
        assert_eq!(objs[1]["metadata"]["namespace"], "backend");
        assert_eq!(objs[1]["subjects"][0]["namespace"], "backend");
        let k = bundle.kustomization();
        assert_eq!(k["resources"], json!(["namespace.yaml", "rbac.yaml"]));
    }
}
