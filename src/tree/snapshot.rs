//! What has been listed so far, per kind and per namespace, and the compact form each listed
//! object is kept in.
//!
//! A LIST response is turned into [`ObjInfo`] as soon as it arrives: the health is computed there
//! (with `crate::status`), Flux inventories are parsed, and everything else in the object is
//! dropped. That keeps memory proportional to the number of nodes, not to the bytes the apiserver
//! sent, which matters at 50,000 objects.
//!
//! Coverage records which LISTs were attempted and how they ended, so the walk can tell a
//! *Missing* object (its namespace was listed and it is not there) from one that could not be
//! read (*Unknown*, with the reason) or one that has not been fetched yet.

use std::collections::{BTreeMap, HashMap};

use kube::api::ApiResource;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    helm::Release,
    kinds::static_scope,
    model::{Expandable, GroupKind, ObjRef},
};
use crate::{
    kube::is_flux_group,
    status::{self, Health, State},
};

/// Why a LIST could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailReason {
    /// RBAC denied the LIST.
    Forbidden,
    /// The kind is not served by the cluster (CRD not installed, API removed).
    NotServed,
    /// Any other error (timeout, server error, undecodable response).
    Error,
}

impl FailReason {
    /// The reason shown on nodes.
    pub fn label(self) -> &'static str {
        match self {
            FailReason::Forbidden => "Forbidden",
            FailReason::NotServed => "NotServed",
            FailReason::Error => "ListFailed",
        }
    }
}

/// A failed LIST, shown on every node it leaves unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The classification.
    pub reason: FailReason,
    /// What the apiserver (or the client) said.
    pub message: String,
}

impl Failure {
    /// The health of a node this failure leaves unknown.
    pub fn health(&self) -> Health {
        Health {
            state: State::Unknown,
            reason: Some(self.reason.label().to_string()),
            message: Some(self.message.clone()),
        }
    }
}

/// The outcome of one LIST (all namespaces, or one namespace).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Attempt {
    /// Not issued yet.
    #[default]
    NotTried,
    /// Succeeded: absence from the result means the object does not exist.
    Done,
    /// Failed.
    Failed(Failure),
}

/// Whether an object's namespace has been listed.
#[derive(Debug)]
pub enum Covered<'a> {
    /// Listed: the object is there or it is missing.
    Done,
    /// The LIST that would cover it failed.
    Failed(&'a Failure),
    /// Not listed yet.
    Pending,
}

/// The LISTs attempted for one kind.
#[derive(Debug, Default)]
pub struct Coverage {
    /// The cluster-wide LIST.
    pub all: Attempt,
    /// Per-namespace LISTs (used when the cluster-wide one is forbidden, or when only one
    /// namespace is needed).
    pub namespaces: HashMap<String, Attempt>,
}

impl Coverage {
    /// Whether `namespace` is covered for a kind of the given scope.
    pub fn covered(&self, namespace: &str, namespaced: bool) -> Covered<'_> {
        if self.all == Attempt::Done {
            return Covered::Done;
        }
        if namespaced {
            match self.namespaces.get(namespace) {
                Some(Attempt::Done) => return Covered::Done,
                Some(Attempt::Failed(f)) => return Covered::Failed(f),
                _ => {}
            }
            match &self.all {
                // A cluster-wide LIST that is forbidden can still be done namespace by namespace.
                Attempt::Failed(f) if f.reason != FailReason::Forbidden => Covered::Failed(f),
                _ => Covered::Pending,
            }
        } else {
            match &self.all {
                Attempt::Failed(f) => Covered::Failed(f),
                _ => Covered::Pending,
            }
        }
    }

    /// Records the outcome of a LIST.
    pub fn record(&mut self, namespace: Option<&str>, attempt: Attempt) {
        match namespace {
            None => self.all = attempt,
            Some(ns) => {
                self.namespaces.insert(ns.to_string(), attempt);
            }
        }
    }
}

/// How the children of an expandable object are found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Children {
    /// From `.status.inventory`.
    Inventory(Vec<ObjRef>),
    /// From the Helm storage Secret of the latest release (HelmRelease without an inventory).
    Helm(StorageKey),
    /// Nothing to expand (not reconciled yet, or no release).
    None,
}

/// The storage Secret of one Helm release version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StorageKey {
    /// The storage namespace (`.status.storageNamespace`).
    pub namespace: String,
    /// The release name (not the chart name).
    pub release: String,
    /// The release version.
    pub version: i64,
}

impl StorageKey {
    /// The Secret's name.
    pub fn secret_name(&self) -> String {
        super::helm::storage_secret_name(&self.release, self.version)
    }
}

/// What an expandable object contributes to the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion {
    /// `spec.kubeConfig` is set: the children live in a remote cluster.
    pub remote: bool,
    /// Where the children come from.
    pub children: Children,
    /// A legacy HelmRelease that installs or upgrades CRDs: they are found by label, as flux does.
    pub helm_crds: bool,
}

/// A listed object, reduced to what the tree shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjInfo {
    /// Live health.
    pub health: Health,
    /// Last applied/fetched revision of a Flux object.
    pub revision: Option<String>,
    /// For expandable kinds.
    pub expansion: Option<Expansion>,
    /// For CRDs installed by a HelmRelease: its namespace and name (from the helm-controller labels).
    pub helm_owner: Option<(String, String)>,
}

/// The objects of one kind and the LISTs behind them.
#[derive(Debug, Default)]
pub struct KindStore {
    /// The API resource, once resolved (known kinds, or discovery).
    pub resource: Option<ApiResource>,
    /// Namespaced or cluster-scoped, once resolved.
    pub namespaced: Option<bool>,
    /// Set when the kind cannot be listed at all (not served, discovery failed).
    pub unresolvable: Option<Failure>,
    /// LISTs attempted.
    pub coverage: Coverage,
    /// Objects by namespace ("" for cluster-scoped) and name.
    pub objects: HashMap<String, HashMap<String, ObjInfo>>,
}

impl KindStore {
    /// A listed object.
    pub fn get(&self, namespace: &str, name: &str) -> Option<&ObjInfo> {
        self.objects.get(namespace)?.get(name)
    }
}

/// The state of one Helm storage Secret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HelmState {
    /// Not fetched yet.
    #[default]
    NotTried,
    /// The cluster-wide LIST was forbidden: try its namespace.
    ForbiddenClusterWide,
    /// Fetched and decoded.
    Decoded(Release),
    /// Listed, and the Secret does not exist.
    Absent,
    /// It could not be fetched or decoded.
    Failed(String),
}

/// Everything listed so far on one cluster.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Per kind; a handful of entries, searched linearly without allocating.
    pub kinds: Vec<(GroupKind, KindStore)>,
    /// Helm storage Secrets by release version.
    pub helm: HashMap<StorageKey, HelmState>,
    /// Problems found while reading listed objects (malformed inventory IDs).
    pub warnings: Vec<String>,
}

impl Snapshot {
    /// The store of a kind, if it was ever requested.
    pub fn kind(&self, group: &str, kind: &str) -> Option<&KindStore> {
        self.kinds
            .iter()
            .find(|(gk, _)| gk.group == group && gk.kind == kind)
            .map(|(_, s)| s)
    }

    /// The store of a kind, created on first use.
    pub fn kind_mut(&mut self, gk: &GroupKind) -> &mut KindStore {
        let i = match self.kinds.iter().position(|(k, _)| k == gk) {
            Some(i) => i,
            None => {
                self.kinds.push((gk.clone(), KindStore::default()));
                self.kinds.len() - 1
            }
        };
        &mut self.kinds[i].1
    }

    /// Whether a kind is namespaced, when known (resolved, or in the table of known kinds).
    pub fn namespaced(&self, group: &str, kind: &str) -> Option<bool> {
        self.kind(group, kind)
            .and_then(|s| s.namespaced)
            .or_else(|| static_scope(group, kind))
    }

    /// The state of a Helm storage Secret.
    pub fn helm_state(&self, key: &StorageKey) -> &HelmState {
        static NOT_TRIED: HelmState = HelmState::NotTried;
        self.helm.get(key).unwrap_or(&NOT_TRIED)
    }
}

/// Kinds whose health never depends on `.spec` or `.status` (status.rs says *Exists*, or judges
/// them by `deletionTimestamp` only): they are listed metadata-only, which is much smaller.
pub fn metadata_only(group: &str, kind: &str) -> bool {
    match group {
        "" => matches!(
            kind,
            "ConfigMap"
                | "Secret"
                | "ServiceAccount"
                | "Service"
                | "Endpoints"
                | "LimitRange"
                | "ResourceQuota"
                | "PodTemplate"
                | "Namespace"
        ),
        "rbac.authorization.k8s.io" | "admissionregistration.k8s.io" => true,
        "networking.k8s.io" => matches!(kind, "NetworkPolicy" | "Ingress" | "IngressClass"),
        "policy" => kind == "PodDisruptionBudget",
        "scheduling.k8s.io" => kind == "PriorityClass",
        "storage.k8s.io" => kind == "StorageClass",
        "coordination.k8s.io" => kind == "Lease",
        "discovery.k8s.io" => kind == "EndpointSlice",
        "node.k8s.io" => kind == "RuntimeClass",
        _ => false,
    }
}

/// A LIST response, full or metadata-only: only the fields the tree reads are deserialized, the
/// rest (managedFields, pod templates, CRD schemas) is skipped without being kept.
#[derive(Debug, Deserialize)]
pub struct ListBody {
    /// The objects (`null` in an empty metadata-only list).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub items: Vec<Item>,
}

/// Deserializes `null` as an empty list: the apiserver sends `"items": null` for empty
/// metadata-only LISTs.
pub fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// One listed object.
#[derive(Debug, Default, Deserialize)]
pub struct Item {
    /// Metadata.
    #[serde(default)]
    pub metadata: ItemMeta,
    /// The few spec fields status and expansion need.
    #[serde(default)]
    pub spec: Option<ItemSpec>,
    /// The status, whole (conditions, inventory, replicas …).
    #[serde(default)]
    pub status: Option<Value>,
}

/// The metadata fields the tree reads.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemMeta {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Namespace.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Generation.
    #[serde(default)]
    pub generation: Option<i64>,
    /// Set while the object is being deleted.
    #[serde(default)]
    pub deletion_timestamp: Option<String>,
    /// Annotations (the operator's `fluxcd.controlplane.io/reconcile: disabled` suspends).
    #[serde(default)]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Labels (helm-controller's owner labels on CRDs).
    #[serde(default)]
    pub labels: Option<BTreeMap<String, String>>,
}

/// The spec fields the tree reads; each is kept as raw JSON so an unexpected shape in some
/// custom resource cannot fail the whole LIST.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemSpec {
    /// Flux `spec.suspend`, CronJob `spec.suspend`.
    #[serde(default)]
    pub suspend: Option<Value>,
    /// Workload replicas.
    #[serde(default)]
    pub replicas: Option<Value>,
    /// Flux `spec.kubeConfig`: the object applies to a remote cluster.
    #[serde(default)]
    pub kube_config: Option<Value>,
    /// HelmRelease `spec.install` (its `crds` policy).
    #[serde(default)]
    pub install: Option<Value>,
    /// HelmRelease `spec.upgrade` (its `crds` policy).
    #[serde(default)]
    pub upgrade: Option<Value>,
}

const RECONCILE_ANNOTATION: &str = "fluxcd.controlplane.io/reconcile";
const HELM_NAME_LABEL: &str = "helm.toolkit.fluxcd.io/name";
const HELM_NAMESPACE_LABEL: &str = "helm.toolkit.fluxcd.io/namespace";

/// Reduces a listed object to what the tree keeps. Malformed inventory entries are skipped and
/// reported in `warnings`.
pub fn info_from_item(gk: &GroupKind, item: Item, warnings: &mut Vec<String>) -> ObjInfo {
    let Item {
        metadata,
        spec,
        status,
    } = item;
    let spec = spec.unwrap_or_default();
    let mut status = status.unwrap_or(Value::Null);
    let expandable = Expandable::of(&gk.group, &gk.kind);
    let inventory = match status.as_object_mut() {
        Some(s) if expandable.is_some() => s.remove("inventory"),
        _ => None,
    };
    let helm_crds = expandable == Some(Expandable::HelmRelease)
        && [&spec.install, &spec.upgrade].into_iter().any(|s| {
            s.as_ref()
                .and_then(|v| v.get("crds"))
                .and_then(Value::as_str)
                .is_some_and(|p| !p.is_empty() && p != "Skip")
        });
    let remote = spec.kube_config.as_ref().is_some_and(|v| !v.is_null());
    let helm_owner = (gk.group == "apiextensions.k8s.io")
        .then(|| {
            let labels = metadata.labels.as_ref()?;
            Some((
                labels.get(HELM_NAMESPACE_LABEL)?.clone(),
                labels.get(HELM_NAME_LABEL)?.clone(),
            ))
        })
        .flatten();

    // The object as status.rs reads it, rebuilt from the fields that were kept.
    let mut meta = Map::new();
    if let Some(g) = metadata.generation {
        meta.insert("generation".into(), g.into());
    }
    if let Some(ts) = metadata.deletion_timestamp {
        meta.insert("deletionTimestamp".into(), ts.into());
    }
    if let Some(v) = metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(RECONCILE_ANNOTATION))
    {
        meta.insert("annotations".into(), json!({ RECONCILE_ANNOTATION: v }));
    }
    let mut spec_value = Map::new();
    if let Some(v) = spec.suspend {
        spec_value.insert("suspend".into(), v);
    }
    if let Some(v) = spec.replicas {
        spec_value.insert("replicas".into(), v);
    }
    let object = json!({"metadata": meta, "spec": spec_value, "status": status});
    let health = status::health(&gk.group, &gk.kind, &object);
    let revision = is_flux_group(&gk.group)
        .then(|| status::revision(&object).map(str::to_string))
        .flatten();

    let expansion = expandable.map(|e| {
        let children = match inventory {
            Some(inv) => Children::Inventory(parse_inventory(&inv, &metadata.name, gk, warnings)),
            None if e == Expandable::HelmRelease => {
                helm_storage(&object["status"]).map_or(Children::None, Children::Helm)
            }
            None => Children::None,
        };
        Expansion {
            remote,
            children,
            helm_crds,
        }
    });
    ObjInfo {
        health,
        revision,
        expansion,
        helm_owner,
    }
}

fn parse_inventory(inv: &Value, owner: &str, gk: &GroupKind, warnings: &mut Vec<String>) -> Vec<ObjRef> {
    let Some(entries) = inv.get("entries").and_then(Value::as_array) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| {
            let id = e.get("id").and_then(Value::as_str).unwrap_or_default();
            let v = e.get("v").and_then(Value::as_str).unwrap_or_default();
            match ObjRef::from_inventory(id, v) {
                Ok(r) => Some(r),
                Err(err) => {
                    warnings.push(format!("{} {owner}: {err} (skipped)", gk.kind));
                    None
                }
            }
        })
        .collect()
}

/// The storage Secret of the latest release in `.status.history` (the highest version, which is
/// also the first entry), in `.status.storageNamespace`.
fn helm_storage(status: &Value) -> Option<StorageKey> {
    let namespace = status.get("storageNamespace").and_then(Value::as_str)?;
    let latest = status
        .get("history")?
        .as_array()?
        .iter()
        .filter_map(|s| {
            Some((
                s.get("version").and_then(Value::as_i64)?,
                s.get("name").and_then(Value::as_str)?,
            ))
        })
        .max_by_key(|(v, _)| *v)?;
    (!namespace.is_empty() && latest.0 > 0).then(|| StorageKey {
        namespace: namespace.to_string(),
        release: latest.1.to_string(),
        version: latest.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(v: Value) -> Item {
        serde_json::from_value(v).expect("item parses")
    }

    #[test]
    fn keeps_only_what_the_tree_needs() {
        let gk = Expandable::Kustomization.group_kind();
        let mut warnings = Vec::new();
        let info = info_from_item(
            &gk,
            item(json!({
                "metadata": {"name": "apps", "namespace": "flux-system", "generation": 2,
                             "managedFields": [{"manager": "x"}]},
                "spec": {"suspend": false, "kubeConfig": {"secretRef": {"name": "k"}}, "path": "./apps"},
                "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "ReconciliationSucceeded",
                           "observedGeneration": 2}], "lastAppliedRevision": "main@sha1:abc",
                           "inventory": {"entries": [{"id": "apps_podinfo_apps_Deployment", "v": "v1"}, {"id": "bad", "v": "v1"}]}}
            })),
            &mut warnings,
        );
        assert_eq!(info.health.state, State::Ready);
        assert_eq!(info.revision.as_deref(), Some("main@sha1:abc"));
        let exp = info.expansion.expect("expandable");
        assert!(exp.remote);
        let Children::Inventory(entries) = exp.children else {
            panic!("inventory expected")
        };
        assert_eq!(entries.len(), 1);
        assert_eq!(
            warnings,
            ["Kustomization apps: invalid inventory entry id 'bad' (skipped)"]
        );
    }

    #[test]
    fn legacy_helm_releases_point_at_their_latest_storage_secret() {
        let gk = Expandable::HelmRelease.group_kind();
        let info = info_from_item(
            &gk,
            item(json!({
                "metadata": {"name": "podinfo", "namespace": "apps", "generation": 1},
                "spec": {"chart": {"spec": {"chart": "podinfo"}}, "install": {"crds": "CreateReplace"}},
                "status": {"storageNamespace": "apps", "history": [
                    {"name": "apps-podinfo", "namespace": "apps", "version": 3, "chartName": "podinfo"},
                    {"name": "apps-podinfo", "namespace": "apps", "version": 2, "chartName": "podinfo"}]}
            })),
            &mut Vec::new(),
        );
        let exp = info.expansion.expect("expandable");
        assert!(exp.helm_crds);
        assert_eq!(
            exp.children,
            Children::Helm(StorageKey {
                namespace: "apps".into(),
                release: "apps-podinfo".into(),
                version: 3
            })
        );
    }

    #[test]
    fn metadata_only_objects_exist_or_terminate() {
        let gk = GroupKind::new("", "ConfigMap");
        let live = info_from_item(&gk, item(json!({"metadata": {"name": "a"}})), &mut Vec::new());
        assert_eq!(live.health.state, State::Exists);
        assert!(live.expansion.is_none());
        let deleting = info_from_item(
            &gk,
            item(json!({"metadata": {"name": "a", "deletionTimestamp": "2026-01-01T00:00:00Z"}})),
            &mut Vec::new(),
        );
        assert_eq!(deleting.health.state, State::Progressing);
        assert!(metadata_only("", "Secret") && !metadata_only("apps", "Deployment"));
    }

    #[test]
    fn empty_metadata_lists_have_null_items() {
        let body: ListBody =
            serde_json::from_str(r#"{"kind":"PartialObjectMetadataList","items":null}"#).expect("parses");
        assert!(body.items.is_empty());
    }

    #[test]
    fn odd_spec_shapes_do_not_fail_a_list() {
        let body: ListBody = serde_json::from_value(json!({"items": [
            {"metadata": {"name": "x"}, "spec": {"replicas": "three", "suspend": {"weird": true}}}
        ]}))
        .expect("parses");
        let info = info_from_item(
            &GroupKind::new("example.com", "Widget"),
            body.items.into_iter().next().expect("one item"),
            &mut Vec::new(),
        );
        assert_eq!(info.health.state, State::Exists);
    }

    #[test]
    fn coverage_falls_back_to_namespaces_when_forbidden() {
        let mut c = Coverage::default();
        assert!(matches!(c.covered("a", true), Covered::Pending));
        let forbidden = Failure {
            reason: FailReason::Forbidden,
            message: "no".into(),
        };
        c.record(None, Attempt::Failed(forbidden.clone()));
        assert!(matches!(c.covered("a", true), Covered::Pending));
        assert!(matches!(c.covered("", false), Covered::Failed(_)));
        c.record(Some("a"), Attempt::Done);
        assert!(matches!(c.covered("a", true), Covered::Done));
        c.record(Some("b"), Attempt::Failed(forbidden));
        assert!(matches!(c.covered("b", true), Covered::Failed(_)));
    }
}
