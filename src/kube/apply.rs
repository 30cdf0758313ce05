//! Server-side apply with the suite's single field manager.
//!
//! One field manager means re-running a command is a no-op for the apiserver (same resourceVersion),
//! and `kubectl get --show-managed-fields` shows exactly which fields we own.

use kube::api::{DynamicObject, Patch, PatchParams};
use serde_json::Value;

use super::{error::KubeError, resources::Resolver};

/// The field manager for every server-side apply the suite makes.
pub const FIELD_MANAGER: &str = "kubectl-fleet";

/// What an apply did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// The object did not exist.
    Created,
    /// The object changed.
    Configured,
    /// The object already matched (resourceVersion unchanged).
    Unchanged,
}

impl ApplyOutcome {
    /// kubectl's verb for the outcome.
    pub fn verb(self) -> &'static str {
        match self {
            ApplyOutcome::Created => "created",
            ApplyOutcome::Configured => "configured",
            ApplyOutcome::Unchanged => "unchanged",
        }
    }
}

/// Applies objects to one cluster.
pub struct Applier {
    resolver: Resolver,
}

/// `Kind/namespace/name` or `Kind/name`, the form users know from flux.
pub fn object_ref(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("?");
    match obj.pointer("/metadata/namespace").and_then(Value::as_str) {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

impl Applier {
    /// An applier over a resolver (which carries the cluster).
    pub fn new(resolver: Resolver) -> Self {
        Applier { resolver }
    }

    /// The resolver, for reads that accompany applies.
    pub fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    /// Server-side applies `obj` (forcing ownership of the fields it sets) and reports whether it
    /// was created, changed or already up to date.
    pub async fn apply(&self, obj: &Value) -> Result<(ApplyOutcome, DynamicObject), KubeError> {
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let gvk = super::Gvk::from_api_version(api_version, kind);
        let (ar, namespaced) = self
            .resolver
            .resolve(&gvk.group, Some(&gvk.version), &gvk.kind)
            .await?;
        let target = self.resolver.target();
        let namespace = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| target.namespace.clone());
        let api = self.resolver.api(&ar, namespaced, Some(&namespace));
        let what = object_ref(obj);
        let before = match api.get_opt(name).await {
            Ok(found) => found,
            Err(e) => return Err(target.err(format!("get {what}"), e)),
        };
        let mut body = obj.clone();
        if namespaced && let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("namespace".into(), Value::String(namespace.clone()));
        }
        let params = PatchParams::apply(FIELD_MANAGER).force();
        let applied = api
            .patch(name, &params, &Patch::Apply(&body))
            .await
            .map_err(|e| target.err(format!("apply {what}"), e))?;
        let outcome = match before {
            None => ApplyOutcome::Created,
            Some(b) if b.metadata.resource_version == applied.metadata.resource_version => {
                ApplyOutcome::Unchanged
            }
            Some(b) if same_content(&b, &applied) => ApplyOutcome::Unchanged,
            Some(_) => ApplyOutcome::Configured,
        };
        Ok((outcome, applied))
    }
}

/// Whether two versions of an object differ only in `resourceVersion` and `managedFields`. The
/// apiserver sometimes rewrites an object without any visible change (the first re-apply of a
/// custom resource created by server-side apply bumps its resourceVersion), which users should
/// see as "unchanged", not "configured".
fn same_content(a: &DynamicObject, b: &DynamicObject) -> bool {
    let strip = |o: &DynamicObject| {
        let mut v = serde_json::to_value(o).ok()?;
        let meta = v.get_mut("metadata")?.as_object_mut()?;
        meta.remove("resourceVersion");
        meta.remove("managedFields");
        Some(v)
    };
    matches!((strip(a), strip(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_bumped_resource_version_alone_is_no_change() {
        let obj = |rv: &str, interval: &str| -> DynamicObject {
            serde_json::from_value(json!({
                "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                "metadata": {"name": "a", "namespace": "n", "resourceVersion": rv,
                             "managedFields": [{"manager": "kubectl-fleet", "time": format!("2026-01-01T00:00:0{rv}Z")}]},
                "spec": {"interval": interval},
            }))
            .expect("object")
        };
        assert!(same_content(&obj("1", "1m"), &obj("2", "1m")));
        assert!(!same_content(&obj("1", "1m"), &obj("2", "5m")));
    }

    #[test]
    fn formats_object_refs_like_flux() {
        let ns = json!({"kind": "Kustomization", "metadata": {"name": "a", "namespace": "flux-system"}});
        assert_eq!(object_ref(&ns), "Kustomization/flux-system/a");
        let cluster = json!({"kind": "Namespace", "metadata": {"name": "apps"}});
        assert_eq!(object_ref(&cluster), "Namespace/apps");
    }
}
