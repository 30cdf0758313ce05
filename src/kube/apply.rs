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
            Ok(found) => found.and_then(|o| o.metadata.resource_version),
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
            Some(rv) if Some(&rv) == applied.metadata.resource_version.as_ref() => ApplyOutcome::Unchanged,
            Some(_) => ApplyOutcome::Configured,
        };
        Ok((outcome, applied))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn formats_object_refs_like_flux() {
        let ns = json!({"kind": "Kustomization", "metadata": {"name": "a", "namespace": "flux-system"}});
        assert_eq!(object_ref(&ns), "Kustomization/flux-system/a");
        let cluster = json!({"kind": "Namespace", "metadata": {"name": "apps"}});
        assert_eq!(object_ref(&cluster), "Namespace/apps");
    }
}
