//! Copies of the tenant Secret (and of the runtime-info ConfigMap) into tenant namespaces, for
//! clusters without Kyverno to clone them.
//!
//! Multitenancy lockdown forbids cross-namespace references, so every tenant namespace needs its
//! own Secret `flux-<tenant>` and its own runtime info; d1 has Kyverno clone them. Without Kyverno,
//! `--propagate` writes the copies and keeps them in sync on every later run: each copy carries the
//! source's data (the source lives in the cluster's Flux namespace), the label
//! `kubectl-fleet.dev/propagated-from: <flux namespace>.<name>` and, when the
//! source has one, the same `kubectl-fleet.dev/credential` annotation (so `token rotate` updates
//! the copies with the source). Copies left in namespaces that no longer carry the tenant label
//! are deleted, so a namespace handed to another team keeps no credential.

use std::collections::BTreeMap;

use kube::api::{DeleteParams, DynamicObject, ListParams, ObjectMeta, PostParams, Preconditions};
use serde_json::Value;

use crate::{
    credentials::{CREDENTIAL_ANNOTATION, TENANT_LABEL},
    kube::{ApplyOutcome, FIELD_MANAGER, KubeError, KubeTarget, Resolver, find_known},
};

/// The label on every copy, naming its source as `<namespace>.<name>`.
pub const PROPAGATED_FROM_LABEL: &str = "kubectl-fleet.dev/propagated-from";

/// The object copies are made from: in the cluster's Flux namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source<'a> {
    /// The Flux namespace.
    pub namespace: &'a str,
    /// The Secret or ConfigMap name.
    pub name: &'a str,
}

impl Source<'_> {
    /// The value of [`PROPAGATED_FROM_LABEL`] on its copies: `<namespace>.<name>`.
    pub fn propagated_from(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }
}

/// What kind of object is copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyKind {
    /// A Secret (the tenant's git credentials).
    Secret,
    /// A ConfigMap (the runtime info).
    ConfigMap,
}

impl CopyKind {
    fn kind(self) -> &'static str {
        match self {
            CopyKind::Secret => "Secret",
            CopyKind::ConfigMap => "ConfigMap",
        }
    }

    /// The top-level fields that carry the content.
    fn content_fields(self) -> &'static [&'static str] {
        match self {
            CopyKind::Secret => &["type", "data"],
            CopyKind::ConfigMap => &["data", "binaryData"],
        }
    }
}

/// What happened to one copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopyOutcome {
    /// Written (created, updated or already identical).
    Synced(ApplyOutcome),
    /// Deleted: its namespace no longer belongs to the tenant.
    DeletedStale,
}

/// One copy and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyResult {
    /// `Secret` or `ConfigMap`.
    pub kind: &'static str,
    /// The namespace of the copy.
    pub namespace: String,
    /// Its name (the source's name).
    pub name: String,
    /// What happened.
    pub outcome: CopyOutcome,
}

impl CopyResult {
    /// `Kind/namespace/name`.
    pub fn object_ref(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }

    /// The verb shown to users.
    pub fn verb(&self) -> String {
        match &self.outcome {
            CopyOutcome::Synced(o) => format!("{} (copy)", o.verb()),
            CopyOutcome::DeletedStale => "deleted (stale copy)".to_string(),
        }
    }
}

fn api(target: &KubeTarget, kind: CopyKind, namespace: Option<&str>) -> kube::Api<DynamicObject> {
    let known = find_known("", kind.kind()).expect("Secret and ConfigMap are known kinds");
    Resolver::new(target.clone()).api(&known.api_resource(), true, namespace)
}

/// The namespaces labelled with the tenant (not terminating, not the Flux namespace), sorted.
pub async fn tenant_namespaces(
    target: &KubeTarget,
    tenant: &str,
    flux_namespace: &str,
) -> Result<Vec<String>, KubeError> {
    let known = find_known("", "Namespace").expect("Namespace is a known kind");
    let api = Resolver::new(target.clone()).api(&known.api_resource(), false, None);
    let list = api
        .list(&ListParams::default().labels(&format!("{TENANT_LABEL}={tenant}")))
        .await
        .map_err(|e| target.err(format!("list namespaces of tenant {tenant}"), e))?;
    let mut out: Vec<String> = list
        .items
        .into_iter()
        .filter(|ns| ns.metadata.deletion_timestamp.is_none())
        .filter_map(|ns| ns.metadata.name)
        .filter(|n| n != flux_namespace)
        .collect();
    out.sort();
    Ok(out)
}

/// Brings the copies of `from` in line with it in every namespace of `namespaces`, and (for
/// Secrets) deletes copies elsewhere. Returns `None` when the source does not exist.
pub async fn sync_copies(
    target: &KubeTarget,
    kind: CopyKind,
    from: Source<'_>,
    namespaces: &[String],
) -> Result<Option<Vec<CopyResult>>, KubeError> {
    let name = from.name;
    let what = format!("{} {}/{name}", kind.kind(), from.namespace);
    let Some(source) = api(target, kind, Some(from.namespace))
        .get_opt(name)
        .await
        .map_err(|e| target.err(format!("get {what}"), e))?
    else {
        return Ok(None);
    };
    let mut results = Vec::new();
    for ns in namespaces {
        let outcome = write_copy(target, kind, &source, from, ns).await?;
        results.push(CopyResult {
            kind: kind.kind(),
            namespace: ns.clone(),
            name: name.to_string(),
            outcome: CopyOutcome::Synced(outcome),
        });
    }
    if kind == CopyKind::Secret {
        let stale = api(target, kind, None)
            .list(
                &ListParams::default().labels(&format!("{PROPAGATED_FROM_LABEL}={}", from.propagated_from())),
            )
            .await
            .map_err(|e| target.err(format!("list copies of {what}"), e))?;
        for copy in stale.items {
            let (Some(ns), Some(uid)) = (copy.metadata.namespace.clone(), copy.metadata.uid.clone()) else {
                continue;
            };
            if namespaces.contains(&ns) || ns == from.namespace {
                continue;
            }
            let dp = DeleteParams {
                preconditions: Some(Preconditions {
                    uid: Some(uid),
                    resource_version: None,
                }),
                ..Default::default()
            };
            match api(target, kind, Some(&ns)).delete(name, &dp).await {
                Ok(_) => results.push(CopyResult {
                    kind: kind.kind(),
                    namespace: ns,
                    name: name.to_string(),
                    outcome: CopyOutcome::DeletedStale,
                }),
                Err(kube::Error::Api(s)) if s.code == 404 => {}
                Err(e) => return Err(target.err(format!("delete stale copy {ns}/{name}"), e)),
            }
        }
    }
    Ok(Some(results))
}

/// Creates or replaces one copy (resourceVersion precondition, retried on conflict), keeping
/// labels other tools put on it.
async fn write_copy(
    target: &KubeTarget,
    kind: CopyKind,
    source: &DynamicObject,
    from: Source<'_>,
    namespace: &str,
) -> Result<ApplyOutcome, KubeError> {
    let name = from.name;
    let api = api(target, kind, Some(namespace));
    let what = format!("{} {namespace}/{name}", kind.kind());
    let mut source_labels = source.metadata.labels.clone().unwrap_or_default();
    source_labels.insert(PROPAGATED_FROM_LABEL.to_string(), from.propagated_from());
    let credential = source
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(CREDENTIAL_ANNOTATION))
        .cloned();
    let content = |obj: &DynamicObject| -> BTreeMap<&'static str, Value> {
        kind.content_fields()
            .iter()
            .filter_map(|f| obj.data.get(*f).map(|v| (*f, v.clone())))
            .collect()
    };
    let wanted = content(source);
    let pp = PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let existing = api
            .get_opt(name)
            .await
            .map_err(|e| target.err(format!("get {what}"), e))?;
        let Some(mut current) = existing else {
            let mut obj = DynamicObject {
                types: source.types.clone(),
                metadata: ObjectMeta {
                    name: Some(name.to_string()),
                    namespace: Some(namespace.to_string()),
                    labels: Some(source_labels.clone()),
                    annotations: credential
                        .as_ref()
                        .map(|c| BTreeMap::from([(CREDENTIAL_ANNOTATION.to_string(), c.clone())])),
                    ..Default::default()
                },
                data: Value::Object(Default::default()),
            };
            for (k, v) in &wanted {
                obj.data[*k] = v.clone();
            }
            match api.create(&pp, &obj).await {
                Ok(_) => return Ok(ApplyOutcome::Created),
                Err(kube::Error::Api(s)) if s.code == 409 && attempt < 5 => continue,
                Err(e) => return Err(target.err(format!("create {what}"), e)),
            }
        };
        // A Secret's type is immutable: a copy of another type is replaced.
        if kind == CopyKind::Secret && current.data.get("type") != wanted.get("type") {
            let dp = DeleteParams {
                preconditions: Some(Preconditions {
                    uid: current.metadata.uid.clone(),
                    resource_version: current.metadata.resource_version.clone(),
                }),
                ..Default::default()
            };
            match api.delete(name, &dp).await {
                Ok(_) => continue,
                Err(kube::Error::Api(s)) if matches!(s.code, 404 | 409) && attempt < 5 => continue,
                Err(e) => return Err(target.err(format!("replace {what} of another type"), e)),
            }
        }
        let labels = current.metadata.labels.get_or_insert_with(BTreeMap::new);
        let labels_ok = source_labels.iter().all(|(k, v)| labels.get(k) == Some(v));
        labels.extend(source_labels.clone());
        let annotations = current.metadata.annotations.get_or_insert_with(BTreeMap::new);
        let annotation_ok = annotations.get(CREDENTIAL_ANNOTATION) == credential.as_ref();
        match &credential {
            Some(c) => {
                annotations.insert(CREDENTIAL_ANNOTATION.to_string(), c.clone());
            }
            None => {
                annotations.remove(CREDENTIAL_ANNOTATION);
            }
        }
        let content_ok = content(&current) == wanted;
        if labels_ok && annotation_ok && content_ok {
            return Ok(ApplyOutcome::Unchanged);
        }
        if let Some(obj) = current.data.as_object_mut() {
            for f in kind.content_fields() {
                obj.remove(*f);
            }
            obj.remove("stringData");
            for (k, v) in &wanted {
                obj.insert((*k).to_string(), v.clone());
            }
        }
        match api.replace(name, &pp, &current).await {
            Ok(_) => return Ok(ApplyOutcome::Configured),
            Err(kube::Error::Api(s)) if s.code == 409 && attempt < 5 => continue,
            Err(e) => return Err(target.err(format!("update {what}"), e)),
        }
    }
}
