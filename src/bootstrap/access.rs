//! Permission preflight: one SelfSubjectAccessReview per verb and resource a bootstrap will use, so
//! a user who may create Secrets but not CRDs learns it before anything is written, with the whole
//! list of what is missing rather than the first 403.

use std::collections::BTreeSet;

use futures::future::try_join_all;
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use kube::api::{Api, PostParams};
use serde_json::Value;

use crate::{
    kube::{Gvk, KubeError, KubeTarget, Resolver},
    manifests::pointer,
};

/// One permission: a verb on a resource, optionally in a namespace and for one name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Access {
    /// API group ("" for core).
    pub group: String,
    /// Resource (plural).
    pub resource: String,
    /// Namespace, for namespaced resources.
    pub namespace: Option<String>,
    /// Verb.
    pub verb: String,
    /// A single object name (used for `bind` on a role).
    pub name: Option<String>,
}

impl Access {
    /// A permission on a resource.
    pub fn new(verb: &str, group: &str, resource: &str, namespace: Option<&str>) -> Self {
        Access {
            group: group.to_string(),
            resource: resource.to_string(),
            namespace: namespace.map(str::to_string),
            verb: verb.to_string(),
            name: None,
        }
    }

    /// `create customresourcedefinitions.apiextensions.k8s.io` / `get secrets in flux-system`.
    pub fn describe(&self) -> String {
        let resource = if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        let name = self.name.as_ref().map(|n| format!("/{n}")).unwrap_or_default();
        match &self.namespace {
            Some(ns) => format!("{} {resource}{name} in {ns}", self.verb),
            None => format!("{} {resource}{name}", self.verb),
        }
    }
}

/// The permissions a server-side apply needs (read first, create when absent, patch when present).
pub fn for_apply(group: &str, resource: &str, namespace: Option<&str>) -> Vec<Access> {
    ["get", "create", "patch"]
        .iter()
        .map(|v| Access::new(v, group, resource, namespace))
        .collect()
}

/// The permissions to apply `objects`: apply rights per kind, plus `bind` on the role of every
/// (Cluster)RoleBinding, which RBAC requires unless the user already holds every permission of it.
pub async fn for_objects(resolver: &Resolver, objects: &[Value]) -> Result<Vec<Access>, KubeError> {
    let mut out = BTreeSet::new();
    for o in objects {
        let gvk = Gvk::from_api_version(
            o.get("apiVersion").and_then(Value::as_str).unwrap_or_default(),
            o.get("kind").and_then(Value::as_str).unwrap_or_default(),
        );
        // Asked by discovery even for kinds we know: a missing CRD is named before the first write.
        let (plural, namespaced) = match resolver.served(&gvk).await {
            Ok((ar, namespaced)) => (ar.plural, namespaced),
            // A kind whose CRD is in the same set (classic components, the operator manifest) is
            // not served yet: its CRD says what the resource will be.
            Err(e @ KubeError::NotServed { .. }) => defined_by(objects, &gvk.group, &gvk.kind).ok_or(e)?,
            Err(e) => return Err(e),
        };
        let ns = namespaced
            .then(|| pointer::str_at(o, "/metadata/namespace"))
            .flatten();
        out.extend(for_apply(&gvk.group, &plural, ns));
        if gvk.group == "rbac.authorization.k8s.io"
            && (gvk.kind == "ClusterRoleBinding" || gvk.kind == "RoleBinding")
            && let Some(role) = pointer::str_at(o, "/roleRef/name")
        {
            let role_kind = pointer::str_at(o, "/roleRef/kind").unwrap_or("ClusterRole");
            let resource = if role_kind == "Role" {
                "roles"
            } else {
                "clusterroles"
            };
            let mut bind = Access::new("bind", "rbac.authorization.k8s.io", resource, ns);
            if role_kind != "Role" {
                bind.namespace = if gvk.kind == "RoleBinding" {
                    ns.map(str::to_string)
                } else {
                    None
                };
            }
            bind.name = Some(role.to_string());
            out.insert(bind);
        }
    }
    Ok(out.into_iter().collect())
}

/// The plural and scope a CustomResourceDefinition among `objects` declares for `group`/`kind`.
fn defined_by(objects: &[Value], group: &str, kind: &str) -> Option<(String, bool)> {
    objects
        .iter()
        .filter(|o| o.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition"))
        .find(|c| {
            pointer::str_at(c, "/spec/group") == Some(group)
                && pointer::str_at(c, "/spec/names/kind") == Some(kind)
        })
        .and_then(|c| {
            let plural = pointer::str_at(c, "/spec/names/plural")?;
            let namespaced = pointer::str_at(c, "/spec/scope") != Some("Cluster");
            Some((plural.to_string(), namespaced))
        })
}

async fn allowed(target: &KubeTarget, a: &Access) -> Result<bool, KubeError> {
    target
        .can_i(
            &a.verb,
            &a.group,
            &a.resource,
            a.namespace.as_deref(),
            a.name.as_deref(),
        )
        .await
}

/// The permissions of `wanted` the current user lacks (empty when everything is allowed). A
/// denied `bind` is forgiven when the user may do everything (`*` on `*`), since RBAC then lets
/// them grant any role without the bind verb.
pub async fn missing(target: &KubeTarget, wanted: &[Access]) -> Result<Vec<Access>, KubeError> {
    let unique: Vec<Access> = wanted
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let answers = try_join_all(unique.iter().map(|a| allowed(target, a))).await?;
    let mut denied: Vec<Access> = unique
        .into_iter()
        .zip(answers)
        .filter(|(_, ok)| !ok)
        .map(|(a, _)| a)
        .collect();
    if denied.iter().any(|a| a.verb == "bind") && allowed(target, &Access::new("*", "*", "*", None)).await? {
        denied.retain(|a| a.verb != "bind");
    }
    Ok(denied)
}

/// The user name the apiserver sees (for messages), when it tells us.
pub async fn whoami(target: &KubeTarget) -> Option<String> {
    let api: Api<SelfSubjectReview> = Api::all(target.client.clone());
    let review = SelfSubjectReview::default();
    api.create(&PostParams::default(), &review)
        .await
        .ok()?
        .status?
        .user_info?
        .username
}

/// Groups missing permissions by resource for a compact message:
/// `create, patch customresourcedefinitions.apiextensions.k8s.io; get secrets in flux-system`.
pub fn summarize(missing: &[Access]) -> String {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for a in missing {
        let key = Access {
            verb: String::new(),
            ..a.clone()
        }
        .describe();
        let key = key.trim_start().to_string();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, verbs)) => verbs.push(a.verb.clone()),
            None => groups.push((key, vec![a.verb.clone()])),
        }
    }
    // Verbs in the order a bootstrap uses them, not alphabetically.
    let rank = |v: &String| {
        ["get", "create", "update", "patch", "bind"]
            .iter()
            .position(|r| r == v)
    };
    groups
        .into_iter()
        .map(|(k, mut verbs)| {
            verbs.sort_by_key(rank);
            format!("{} {k}", verbs.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_defined_in_the_same_set_resolve_from_their_crd() {
        let crd = serde_json::json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced", "names": {"kind": "Widget", "plural": "widgets"}}
        });
        assert_eq!(
            defined_by(&[crd], "example.com", "Widget"),
            Some(("widgets".to_string(), true))
        );
    }

    #[test]
    fn summarizes_by_resource() {
        let m = vec![
            Access::new("create", "", "namespaces", None),
            Access::new("patch", "", "namespaces", None),
            Access::new("get", "", "secrets", Some("flux-system")),
        ];
        assert_eq!(
            summarize(&m),
            "create, patch namespaces; get secrets in flux-system"
        );
    }
}
