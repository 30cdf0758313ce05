//! A directory of generated manifests with its kustomization.yaml ([`Bundle`]), the objects it
//! stands for once kustomize's namespace and label transforms are applied, and Flux-style
//! `${VAR}` substitution from a runtime-info ConfigMap. Together they let `--apply` put on a
//! cluster exactly what Flux would, without a git round trip.

use std::{collections::BTreeMap, path::PathBuf};

use serde_json::{Map, Value, json};

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

/// A `${VAR}` reference that the runtime info does not define.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("variable(s) {} not defined in ConfigMap {configmap}", names.iter().map(|n| format!("${{{n}}}")).collect::<Vec<_>>().join(", "))]
pub struct UndefinedVariables {
    /// The runtime-info ConfigMap that was read (`namespace/name`).
    pub configmap: String,
    /// The missing variable names, sorted.
    pub names: Vec<String>,
}

/// Substitutes `${VAR}` in every string of `value` the way Flux's post-build substitution does:
/// `${VAR}`, `${VAR:=default}` and `${VAR:-default}`, with `$${VAR}` escaping a literal. Unlike
/// Flux's lenient default, an undefined variable without a default is an error: applying
/// `./components/backend/` instead of an overlay would be silently wrong.
pub fn substitute(
    value: &Value,
    vars: &BTreeMap<String, String>,
    configmap: &str,
) -> Result<Value, UndefinedVariables> {
    let mut missing = Vec::new();
    let out = walk(value, vars, &mut missing);
    if missing.is_empty() {
        Ok(out)
    } else {
        missing.sort();
        missing.dedup();
        Err(UndefinedVariables {
            configmap: configmap.to_string(),
            names: missing,
        })
    }
}

fn walk(value: &Value, vars: &BTreeMap<String, String>, missing: &mut Vec<String>) -> Value {
    match value {
        Value::String(s) => Value::String(substitute_str(s, vars, missing)),
        Value::Array(items) => Value::Array(items.iter().map(|v| walk(v, vars, missing)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), walk(v, vars, missing)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Substitutes one string.
pub fn substitute_str(s: &str, vars: &BTreeMap<String, String>, missing: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos..];
        // `$${VAR}` is an escaped literal `${VAR}`.
        if let Some(escaped) = after.strip_prefix("$${")
            && let Some(end) = escaped.find('}')
        {
            out.push_str("${");
            out.push_str(&escaped[..=end]);
            rest = &escaped[end + 1..];
            continue;
        }
        if let Some(body) = after.strip_prefix("${")
            && let Some(end) = body.find('}')
        {
            let expr = &body[..end];
            let (name, default) = match expr.find(":=").or_else(|| expr.find(":-")) {
                Some(i) => (&expr[..i], Some(&expr[i + 2..])),
                None => (expr, None),
            };
            if is_var_name(name) {
                match (vars.get(name), default) {
                    (Some(v), _) => out.push_str(v),
                    (None, Some(d)) => out.push_str(d),
                    (None, None) => {
                        missing.push(name.to_string());
                        out.push_str(&after[..end + 3]);
                    }
                }
                rest = &body[end + 1..];
                continue;
            }
        }
        out.push('$');
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("ENVIRONMENT".to_string(), "staging".to_string()),
            ("GIT_BRANCH".to_string(), "main".to_string()),
        ])
    }

    #[test]
    fn substitutes_like_flux_post_build() {
        let mut missing = Vec::new();
        let v = vars();
        assert_eq!(
            substitute_str("./components/backend/${ENVIRONMENT}", &v, &mut missing),
            "./components/backend/staging"
        );
        assert_eq!(
            substitute_str("${REGION:=eu}-${GIT_BRANCH}", &v, &mut missing),
            "eu-main"
        );
        assert_eq!(substitute_str("${REGION:-us}", &v, &mut missing), "us");
        assert_eq!(
            substitute_str("$${ENVIRONMENT}", &v, &mut missing),
            "${ENVIRONMENT}"
        );
        assert_eq!(
            substitute_str("cost: $5, {{ .Go }}", &v, &mut missing),
            "cost: $5, {{ .Go }}"
        );
        assert!(missing.is_empty());
        assert_eq!(substitute_str("${NOPE}/x", &v, &mut missing), "${NOPE}/x");
        assert_eq!(missing, ["NOPE"]);
    }

    #[test]
    fn undefined_variables_are_listed() {
        let doc = json!({"spec": {"path": "./c/${ENVIRONMENT}/${CLUSTER_NAME}", "ref": {"branch": "${GIT_BRANCH}"}, "x": ["${A}", "${CLUSTER_NAME}"]}});
        let err = substitute(&doc, &vars(), "flux-system/flux-runtime-info").unwrap_err();
        assert_eq!(
            err.to_string(),
            "variable(s) ${A}, ${CLUSTER_NAME} not defined in ConfigMap flux-system/flux-runtime-info"
        );
        let ok = substitute(&json!({"p": "${GIT_BRANCH}"}), &vars(), "cm").expect("substitutes");
        assert_eq!(ok, json!({"p": "main"}));
    }

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
