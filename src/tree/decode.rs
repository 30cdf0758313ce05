//! Decoding LIST and GET responses as they stream in, into [`ObjInfo`].
//!
//! A LIST body is never held whole: [`ItemSplitter`] finds the boundaries of the objects of the
//! top-level `items` array in the chunks as they arrive (tracking JSON strings and nesting, no
//! parsing), and each object is deserialized from its own bytes into small borrowed structs that
//! name only the fields the tree reads: serde skips the rest (managedFields, pod templates, CRD
//! schemas, `last-applied-configuration` annotations) without allocating. The health is then
//! computed by `crate::status` on a tiny JSON value rebuilt from those fields, so the rules stay
//! in one place. The peak memory of a LIST is one chunk plus one object, whatever its size.

use std::{borrow::Cow, collections::BTreeMap, fmt, sync::LazyLock};

use serde::{
    Deserialize, Deserializer,
    de::{IgnoredAny, MapAccess, Visitor},
};
use serde_json::{Map, Value, value::RawValue};

use super::{
    model::{Expandable, GroupKind},
    snapshot::{Children, Expansion, Inventory, ObjInfo, StorageKey},
};
use crate::{
    kube::is_flux_group,
    repo::layout::{COMPONENT_LABEL, DOMAIN_LABEL},
    status,
    tree::drift::{self, Drift, ManagedEntry},
};

/// Splits the `items` array of a JSON list document into objects, chunk by chunk.
#[derive(Debug, Default)]
pub struct ItemSplitter {
    buf: Vec<u8>,
    /// Next byte of `buf` to scan.
    scan: usize,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// At depth 1, the next string is a key.
    expect_key: bool,
    key_start: usize,
    last_key: TopKey,
    in_items: bool,
    item_start: Option<usize>,
    meta_start: Option<usize>,
    /// The top-level `metadata` object, once seen (for `continue`).
    metadata: Option<Vec<u8>>,
    /// Bytes fed so far.
    pub bytes: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum TopKey {
    #[default]
    Other,
    Items,
    Metadata,
}

impl ItemSplitter {
    /// Feeds a chunk; calls `each` with the bytes of every object completed by it.
    pub fn feed(&mut self, chunk: &[u8], mut each: impl FnMut(&[u8])) {
        self.bytes += chunk.len();
        self.buf.extend_from_slice(chunk);
        let mut i = self.scan;
        let len = self.buf.len();
        while i < len {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &self.buf[i..]) {
                    None => {
                        i = len;
                    }
                    Some(off) => {
                        let at = i + off;
                        if self.buf[at] == b'\\' {
                            self.escaped = true;
                            i = at + 1;
                        } else {
                            self.in_string = false;
                            if self.depth == 1 && self.expect_key {
                                self.last_key = match &self.buf[self.key_start..at] {
                                    b"items" => TopKey::Items,
                                    b"metadata" => TopKey::Metadata,
                                    _ => TopKey::Other,
                                };
                            }
                            i = at + 1;
                        }
                    }
                }
                continue;
            }
            let b = self.buf[i];
            match b {
                b'"' => {
                    self.in_string = true;
                    self.key_start = i + 1;
                }
                b'{' | b'[' => {
                    if self.depth == 1 && b == b'[' && self.last_key == TopKey::Items {
                        self.in_items = true;
                    }
                    if self.depth == 1 && b == b'{' && self.last_key == TopKey::Metadata {
                        self.meta_start = Some(i);
                    }
                    if self.depth == 2 && b == b'{' && self.in_items {
                        self.item_start = Some(i);
                    }
                    self.depth += 1;
                    if self.depth == 1 {
                        self.expect_key = true;
                    }
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 2
                        && self.in_items
                        && let Some(start) = self.item_start.take()
                    {
                        each(&self.buf[start..=i]);
                    }
                    if self.depth == 1 {
                        if let Some(start) = self.meta_start.take() {
                            self.metadata = Some(self.buf[start..=i].to_vec());
                        }
                        if b == b']' {
                            self.in_items = false;
                        }
                    }
                }
                b',' if self.depth == 1 => self.expect_key = true,
                b':' if self.depth == 1 => self.expect_key = false,
                _ => {}
            }
            i += 1;
        }
        // Keep only the unfinished object (or top-level metadata).
        let key_from = (self.in_string && self.depth == 1 && self.expect_key).then_some(self.key_start);
        let keep_from = [self.item_start, self.meta_start, key_from]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(len);
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            if let Some(s) = self.item_start.as_mut() {
                *s -= keep_from;
            }
            if let Some(s) = self.meta_start.as_mut() {
                *s -= keep_from;
            }
            self.key_start = self.key_start.saturating_sub(keep_from);
        }
        self.scan = self.buf.len();
    }

    /// The `continue` token of the list, when the server paginated it.
    pub fn continue_token(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct ListMeta {
            #[serde(default, rename = "continue")]
            token: Option<String>,
        }
        let meta: ListMeta = serde_json::from_slice(self.metadata.as_deref()?).ok()?;
        meta.token.filter(|t| !t.is_empty())
    }

    /// The `resourceVersion` of the list (what a WATCH of the same kind continues from).
    pub fn resource_version(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct ListMeta {
            #[serde(default, rename = "resourceVersion")]
            rv: Option<String>,
        }
        let meta: ListMeta = serde_json::from_slice(self.metadata.as_deref()?).ok()?;
        meta.rv.filter(|v| !v.is_empty())
    }

    /// Whether the document was complete (every opened brace closed).
    pub fn complete(&self) -> bool {
        self.depth == 0 && !self.in_string && self.bytes > 0
    }
}

/// One object, with only the fields the tree reads.
#[derive(Debug, Default, Deserialize)]
pub struct ItemRef<'a> {
    /// Metadata.
    #[serde(default, borrow)]
    pub metadata: MetaRef<'a>,
    /// The few spec fields status and expansion need.
    #[serde(default, borrow)]
    pub spec: Option<SpecRef<'a>>,
    /// The status fields status and expansion need.
    #[serde(default, borrow)]
    pub status: Option<StatusRef<'a>>,
}

/// The metadata fields the tree reads.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaRef<'a> {
    /// Name.
    #[serde(default, borrow)]
    pub name: Cow<'a, str>,
    /// Namespace.
    #[serde(default, borrow)]
    pub namespace: Option<Cow<'a, str>>,
    /// Generation.
    #[serde(default)]
    pub generation: Option<Value>,
    /// Set while the object is being deleted.
    #[serde(default)]
    pub deletion_timestamp: Option<Value>,
    /// The operator's `fluxcd.controlplane.io/reconcile` annotation, the only one read.
    #[serde(default)]
    pub annotations: Picked<ReconcileAnnotation>,
    /// helm-controller's owner labels (on CRDs) and the keos domain labels, the only ones read.
    #[serde(default)]
    pub labels: Picked<MetaLabels>,
    /// Kept verbatim only when asked for; otherwise skipped without allocating.
    #[serde(default, borrow)]
    pub managed_fields: Option<&'a RawValue>,
}

/// The spec fields the tree reads; each is kept as raw JSON so an unexpected shape in some
/// custom resource cannot fail the whole LIST.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecRef<'a> {
    /// Flux `spec.suspend`, CronJob `spec.suspend`.
    #[serde(default)]
    pub suspend: Option<Value>,
    /// Workload replicas.
    #[serde(default)]
    pub replicas: Option<Value>,
    /// Flux `spec.kubeConfig`: the object applies to a remote cluster.
    #[serde(default, borrow)]
    pub kube_config: Option<&'a RawValue>,
    /// HelmRelease `spec.install` (its `crds` policy).
    #[serde(default, borrow)]
    pub install: Option<&'a RawValue>,
    /// HelmRelease `spec.upgrade` (its `crds` policy).
    #[serde(default, borrow)]
    pub upgrade: Option<&'a RawValue>,
}

/// Parses a field kept raw because its shape is not guaranteed (custom resources may use the
/// same names for something else): a field of another shape counts as absent, it never fails the
/// object.
fn lenient<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    serde_json::from_str(raw?.get()).ok()
}

/// `spec.install` / `spec.upgrade` of a HelmRelease, reduced to `crds`.
#[derive(Debug, Default, Deserialize)]
struct CrdsPolicy {
    #[serde(default)]
    crds: Option<Value>,
}

/// The status fields the tree reads (those `crate::status` looks at, plus the inventory and the
/// Helm history).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusRef<'a> {
    /// Conditions.
    #[serde(default)]
    pub conditions: Option<Value>,
    /// Observed generation.
    #[serde(default)]
    pub observed_generation: Option<Value>,
    /// Workload counters.
    #[serde(default)]
    pub updated_replicas: Option<Value>,
    /// Workload counters.
    #[serde(default)]
    pub ready_replicas: Option<Value>,
    /// Workload counters.
    #[serde(default)]
    pub available_replicas: Option<Value>,
    /// DaemonSet counters.
    #[serde(default)]
    pub desired_number_scheduled: Option<Value>,
    /// DaemonSet counters.
    #[serde(default)]
    pub number_ready: Option<Value>,
    /// DaemonSet counters.
    #[serde(default)]
    pub updated_number_scheduled: Option<Value>,
    /// Phase (PVC, Namespace, Pod).
    #[serde(default)]
    pub phase: Option<Value>,
    /// Flux revisions.
    #[serde(default)]
    pub last_applied_revision: Option<Value>,
    /// Flux revisions.
    #[serde(default)]
    pub last_attempted_revision: Option<Value>,
    /// Source artifact (its revision).
    #[serde(default, borrow)]
    pub artifact: Option<&'a RawValue>,
    /// Flux inventory.
    #[serde(default, borrow)]
    pub inventory: Option<&'a RawValue>,
    /// HelmRelease storage namespace.
    #[serde(default)]
    pub storage_namespace: Option<Value>,
    /// HelmRelease history (latest release first).
    #[serde(default, borrow)]
    pub history: Option<&'a RawValue>,
}

/// A source artifact, reduced to its revision.
#[derive(Debug, Default, Deserialize)]
pub struct ArtifactRef {
    /// Revision.
    #[serde(default)]
    pub revision: Option<Value>,
}

/// `.status.inventory`.
#[derive(Debug, Default, Deserialize)]
pub struct InventoryRef<'a> {
    /// Entries.
    #[serde(default, borrow, deserialize_with = "null_as_empty")]
    pub entries: Vec<EntryRaw<'a>>,
}

/// An inventory entry as written.
#[derive(Debug, Default, Deserialize)]
pub struct EntryRaw<'a> {
    /// `<namespace>_<name>_<group>_<kind>`.
    #[serde(default, borrow)]
    pub id: Cow<'a, str>,
    /// Version.
    #[serde(default, borrow)]
    pub v: Cow<'a, str>,
}

/// A HelmRelease history snapshot, reduced to what locates its storage Secret.
#[derive(Debug, Default, Deserialize)]
pub struct HistoryRef {
    /// Release version.
    #[serde(default)]
    pub version: Option<Value>,
    /// Release name.
    #[serde(default)]
    pub name: Option<Value>,
}

/// Deserializes `null` as an empty list (the apiserver sends `"items": null` for empty
/// metadata-only LISTs).
pub fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// A map (annotations, labels) from which only a few keys are kept.
#[derive(Debug, Default)]
pub struct Picked<P>(pub P);

/// Which keys of a map to keep.
pub trait Pick: Default {
    /// Keeps `value` if `key` is wanted.
    fn offer(&mut self, key: &str, value: String);
    /// Whether `key` is wanted (others are skipped without allocating).
    fn wants(key: &str) -> bool;
}

/// The `fluxcd.controlplane.io/reconcile` annotation.
#[derive(Debug, Default)]
pub struct ReconcileAnnotation(pub Option<String>);

const RECONCILE_ANNOTATION: &str = "fluxcd.controlplane.io/reconcile";
const HELM_NAME_LABEL: &str = "helm.toolkit.fluxcd.io/name";
const HELM_NAMESPACE_LABEL: &str = "helm.toolkit.fluxcd.io/namespace";

impl Pick for ReconcileAnnotation {
    fn offer(&mut self, _key: &str, value: String) {
        self.0 = Some(value);
    }
    fn wants(key: &str) -> bool {
        key == RECONCILE_ANNOTATION
    }
}

/// helm-controller's `helm.toolkit.fluxcd.io/name` and `/namespace` labels.
#[derive(Debug, Default)]
pub struct HelmOwnerLabels {
    /// Name label.
    pub name: Option<String>,
    /// Namespace label.
    pub namespace: Option<String>,
}

impl Pick for HelmOwnerLabels {
    fn offer(&mut self, key: &str, value: String) {
        if key == HELM_NAME_LABEL {
            self.name = Some(value);
        } else {
            self.namespace = Some(value);
        }
    }
    fn wants(key: &str) -> bool {
        key == HELM_NAME_LABEL || key == HELM_NAMESPACE_LABEL
    }
}

/// The labels the tree reads: helm-controller's owner labels, and the keos fleet's
/// `toolkit.fluxcd.io/domain` and `toolkit.fluxcd.io/component` (shown on Flux objects).
#[derive(Debug, Default)]
pub struct MetaLabels {
    /// helm-controller's owner labels.
    pub helm: HelmOwnerLabels,
    /// `toolkit.fluxcd.io/domain`.
    pub domain: Option<String>,
    /// `toolkit.fluxcd.io/component`.
    pub component: Option<String>,
    /// A Flux applier's owner label is set (drift judges the object even when the applier owns
    /// none of its fields any more).
    pub flux_owner: bool,
}

impl Pick for MetaLabels {
    fn offer(&mut self, key: &str, value: String) {
        match key {
            DOMAIN_LABEL => self.domain = Some(value),
            COMPONENT_LABEL => self.component = Some(value),
            _ if HelmOwnerLabels::wants(key) => {
                self.flux_owner |= drift::is_flux_owner_label(key);
                self.helm.offer(key, value);
            }
            _ => self.flux_owner |= drift::is_flux_owner_label(key),
        }
    }
    fn wants(key: &str) -> bool {
        key == DOMAIN_LABEL
            || key == COMPONENT_LABEL
            || HelmOwnerLabels::wants(key)
            || drift::is_flux_owner_label(key)
    }
}

impl<'de, P: Pick> Deserialize<'de> for Picked<P> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<P>(std::marker::PhantomData<P>);
        impl<'de, P: Pick> Visitor<'de> for V<P> {
            type Value = Picked<P>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of strings or null")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Picked(P::default()))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Picked(P::default()))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_map(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut picked = P::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if P::wants(&key) {
                        if let Value::String(v) = map.next_value::<Value>()? {
                            picked.offer(&key, v);
                        }
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Picked(picked))
            }
        }
        deserializer.deserialize_option(V(std::marker::PhantomData))
    }
}

/// What decoding asks for.
#[derive(Clone, Copy, Debug, Default)]
pub struct Keep {
    /// Judge drift from `metadata.managedFields` ([`crate::tree::drift::of_object`]) and
    /// keep only the result.
    pub drift: bool,
}

/// Decodes one object into its namespace, name and [`ObjInfo`]; malformed inventory entries are
/// reported in `warnings`.
pub fn decode_item(
    gk: &GroupKind,
    bytes: &[u8],
    keep: Keep,
    warnings: &mut Vec<String>,
) -> Result<(String, String, ObjInfo), serde_json::Error> {
    let item: ItemRef<'_> = serde_json::from_slice(bytes)?;
    let namespace = item.metadata.namespace.as_deref().unwrap_or_default().to_string();
    let name = item.metadata.name.to_string();
    let info = info_from_item(gk, item, keep, warnings);
    Ok((namespace, name, info))
}

static EMPTY: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));

/// Reduces a decoded object to what the tree keeps.
pub fn info_from_item(gk: &GroupKind, item: ItemRef<'_>, keep: Keep, warnings: &mut Vec<String>) -> ObjInfo {
    let ItemRef {
        metadata,
        spec,
        status,
    } = item;
    let mut spec = spec.unwrap_or_default();
    let mut status = status.unwrap_or_default();
    let expandable = Expandable::of(&gk.group, &gk.kind);

    // The object as status.rs reads it, rebuilt from the fields that were kept.
    let mut meta = Map::new();
    if let Some(g) = metadata.generation {
        meta.insert("generation".into(), g);
    }
    if let Some(ts) = metadata.deletion_timestamp {
        meta.insert("deletionTimestamp".into(), ts);
    }
    if let Some(v) = metadata.annotations.0.0 {
        let mut a = Map::new();
        a.insert(RECONCILE_ANNOTATION.into(), Value::String(v));
        meta.insert("annotations".into(), Value::Object(a));
    }
    let mut spec_value = Map::new();
    if let Some(v) = spec.suspend.take() {
        spec_value.insert("suspend".into(), v);
    }
    if let Some(v) = spec.replicas.take() {
        spec_value.insert("replicas".into(), v);
    }
    let mut st = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            st.insert(k.into(), v);
        }
    };
    put("conditions", status.conditions.take());
    put("observedGeneration", status.observed_generation.take());
    put("updatedReplicas", status.updated_replicas.take());
    put("readyReplicas", status.ready_replicas.take());
    put("availableReplicas", status.available_replicas.take());
    put("desiredNumberScheduled", status.desired_number_scheduled.take());
    put("numberReady", status.number_ready.take());
    put("updatedNumberScheduled", status.updated_number_scheduled.take());
    put("phase", status.phase.take());
    put("lastAppliedRevision", status.last_applied_revision.take());
    put("lastAttemptedRevision", status.last_attempted_revision.take());
    if let Some(rev) = lenient::<ArtifactRef>(status.artifact).and_then(|a| a.revision) {
        let mut a = Map::new();
        a.insert("revision".into(), rev);
        st.insert("artifact".into(), Value::Object(a));
    }
    let object = if meta.is_empty() && spec_value.is_empty() && st.is_empty() {
        None
    } else {
        let mut o = Map::new();
        o.insert("metadata".into(), Value::Object(meta));
        o.insert("spec".into(), Value::Object(spec_value));
        o.insert("status".into(), Value::Object(st));
        Some(Value::Object(o))
    };
    let object = object.as_ref().unwrap_or(&EMPTY);
    let health = status::health(&gk.group, &gk.kind, object);
    let revision = is_flux_group(&gk.group)
        .then(|| status::revision(object).map(str::to_string))
        .flatten();

    let MetaLabels {
        helm,
        domain,
        component,
        flux_owner,
    } = metadata.labels.0;
    let helm_owner = (gk.group == "apiextensions.k8s.io")
        .then(|| Some(Box::new((helm.namespace?, helm.name?))))
        .flatten();

    let expansion = expandable.map(|e| {
        let helm_crds = e == Expandable::HelmRelease
            && [spec.install, spec.upgrade].into_iter().any(|s| {
                lenient::<CrdsPolicy>(s)
                    .and_then(|p| p.crds)
                    .as_ref()
                    .and_then(Value::as_str)
                    .is_some_and(|p| !p.is_empty() && p != "Skip")
            });
        let remote = spec.kube_config.is_some_and(|v| v.get() != "null");
        let children = match lenient::<InventoryRef<'_>>(status.inventory) {
            Some(inv) => {
                let (inventory, invalid) =
                    Inventory::build(inv.entries.iter().map(|e| (e.id.as_ref(), e.v.as_ref())));
                for id in invalid {
                    warnings.push(format!(
                        "{} {}: invalid inventory entry id '{id}' (skipped)",
                        gk.kind, metadata.name
                    ));
                }
                Children::Inventory(inventory)
            }
            None if e == Expandable::HelmRelease => {
                helm_storage(&status).map_or(Children::None, Children::Helm)
            }
            None => Children::None,
        };
        Box::new(Expansion {
            remote,
            children,
            helm_crds,
            domain,
            component,
        })
    });
    let drift = if keep.drift {
        metadata.managed_fields.and_then(|raw| drift_of(raw, flux_owner))
    } else {
        None
    };
    ObjInfo {
        health,
        revision,
        expansion,
        helm_owner,
        drift,
    }
}

/// One `metadata.managedFields` entry, borrowed from the object's bytes.
#[derive(Debug, Default, Deserialize)]
struct ManagedRef<'a> {
    #[serde(default, borrow)]
    manager: Cow<'a, str>,
    #[serde(default, borrow)]
    operation: Cow<'a, str>,
    #[serde(default, borrow)]
    subresource: Cow<'a, str>,
    #[serde(default, borrow, rename = "fieldsV1")]
    fields_v1: Option<&'a RawValue>,
}

/// The drift of an object from its raw managedFields (nothing when they do not parse).
fn drift_of(raw: &RawValue, flux_labelled: bool) -> Option<Box<Drift>> {
    let entries: Vec<ManagedRef<'_>> = serde_json::from_str(raw.get()).ok()?;
    drift::of_object(
        entries.iter().map(|e| ManagedEntry {
            manager: &e.manager,
            operation: &e.operation,
            subresource: &e.subresource,
            fields_v1: e.fields_v1.map_or(&[][..], |f| f.get().as_bytes()),
        }),
        flux_labelled,
    )
}

/// The storage Secret of the latest release in `.status.history` (the highest version), in
/// `.status.storageNamespace`.
fn helm_storage(status: &StatusRef<'_>) -> Option<StorageKey> {
    let namespace = status.storage_namespace.as_ref()?.as_str()?;
    let latest = lenient::<Vec<HistoryRef>>(status.history)?
        .into_iter()
        .filter_map(|s| Some((s.version?.as_i64()?, s.name?.as_str()?.to_string())))
        .max_by_key(|(v, _)| *v)?;
    (!namespace.is_empty() && latest.0 > 0).then(|| StorageKey {
        namespace: namespace.to_string(),
        release: latest.1,
        version: latest.0,
    })
}

/// The labels of an object, for tests of label-selected fetching.
pub type Labels = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{status::State, tree::model::ObjRef};

    fn info(gk: &GroupKind, v: Value) -> ObjInfo {
        let bytes = serde_json::to_vec(&v).expect("serializes");
        decode_item(gk, &bytes, Keep::default(), &mut Vec::new())
            .expect("decodes")
            .2
    }

    #[test]
    fn splits_items_across_arbitrary_chunks() {
        let doc = json!({"kind": "List", "apiVersion": "v1", "metadata": {"continue": "tok\"en{", "resourceVersion": "5"},
            "items": [{"metadata": {"name": "a{\"}"}, "data": {"k": "[x]\\"}}, {"metadata": {"name": "b"}, "nested": [[{}], {"a": [1]}]}, {}]});
        let bytes = serde_json::to_vec(&doc).expect("serializes");
        for chunk in [1, 2, 3, 7, 64, bytes.len()] {
            let mut s = ItemSplitter::default();
            let mut items = Vec::new();
            for part in bytes.chunks(chunk) {
                s.feed(part, |item| {
                    items.push(serde_json::from_slice::<Value>(item).expect("item"))
                });
            }
            assert_eq!(
                items,
                doc["items"].as_array().expect("items").clone(),
                "chunk {chunk}"
            );
            assert_eq!(s.continue_token().as_deref(), Some("tok\"en{"));
            assert_eq!(s.resource_version().as_deref(), Some("5"));
            assert!(s.complete());
        }
        let mut s = ItemSplitter::default();
        let mut n = 0;
        s.feed(br#"{"kind":"PartialObjectMetadataList","items":null}"#, |_| {
            n += 1
        });
        assert_eq!(n, 0);
        assert!(s.complete() && s.continue_token().is_none());
    }

    #[test]
    fn keeps_only_what_the_tree_needs() {
        let gk = Expandable::Kustomization.group_kind();
        let mut warnings = Vec::new();
        let bytes = serde_json::to_vec(&json!({
            "metadata": {"name": "apps", "namespace": "flux-system", "generation": 2,
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"big\": true}"},
                         "managedFields": [{"manager": "x"}]},
            "spec": {"suspend": false, "kubeConfig": {"secretRef": {"name": "k"}}, "path": "./apps"},
            "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "ReconciliationSucceeded",
                       "observedGeneration": 2}], "lastAppliedRevision": "main@sha1:abc",
                       "inventory": {"entries": [{"id": "apps_podinfo_apps_Deployment", "v": "v1"}, {"id": "bad", "v": "v1"}]}}
        }))
        .expect("serializes");
        let (ns, name, info) = decode_item(&gk, &bytes, Keep::default(), &mut warnings).expect("decodes");
        assert_eq!((ns.as_str(), name.as_str()), ("flux-system", "apps"));
        assert_eq!(info.health.state, State::Ready);
        assert_eq!(info.revision.as_deref(), Some("main@sha1:abc"));
        let exp = info.expansion.expect("expandable");
        assert!(exp.remote);
        let Children::Inventory(inv) = exp.children else {
            panic!("inventory expected")
        };
        let entries: Vec<ObjRef> = inv.entries().map(|e| e.to_ref()).collect();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            warnings,
            ["Kustomization apps: invalid inventory entry id 'bad' (skipped)"]
        );
    }

    #[test]
    fn keeps_only_the_drift_of_managed_fields() {
        let gk = GroupKind::new("apps", "Deployment");
        let object = |managed: Value| {
            serde_json::to_vec(
                &json!({"metadata": {"name": "web", "namespace": "apps", "managedFields": managed},
                                       "spec": {"replicas": 3}}),
            )
            .expect("serializes")
        };
        let drift = Keep { drift: true };
        let edited = object(json!([
            {"manager": "kustomize-controller", "operation": "Apply", "fieldsV1": {"f:spec": {"f:template": {}}}},
            {"manager": "kubectl-scale", "operation": "Update", "subresource": "scale", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
            {"manager": "kube-controller-manager", "operation": "Update", "subresource": "status", "fieldsV1": {"f:status": {"f:replicas": {}}}}
        ]));
        let info = decode_item(&gk, &edited, drift, &mut Vec::new())
            .expect("decodes")
            .2;
        assert_eq!(
            info.drift.map(|d| d.describe(3)).as_deref(),
            Some("kubectl-scale: spec.replicas")
        );
        let not_judged = decode_item(&gk, &edited, Keep::default(), &mut Vec::new())
            .expect("decodes")
            .2;
        assert!(not_judged.drift.is_none());
        // Not applied by Flux: whoever set its fields, it is not drift.
        let foreign = object(json!([
            {"manager": "kubectl-create", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}}
        ]));
        let info = decode_item(&gk, &foreign, drift, &mut Vec::new())
            .expect("decodes")
            .2;
        assert!(info.drift.is_none());
        // Labelled by kustomize-controller, every field taken by `kubectl edit`: drift.
        let taken = serde_json::to_vec(&json!({"metadata": {"name": "web", "namespace": "apps",
            "labels": {"kustomize.toolkit.fluxcd.io/name": "apps"},
            "managedFields": [{"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]}}))
        .expect("serializes");
        let info = decode_item(&gk, &taken, drift, &mut Vec::new())
            .expect("decodes")
            .2;
        assert_eq!(
            info.drift.map(|d| d.describe(3)).as_deref(),
            Some("kubectl-edit: spec.replicas")
        );
        let odd = object(json!("not a list"));
        assert!(
            decode_item(&gk, &odd, drift, &mut Vec::new())
                .expect("decodes")
                .2
                .drift
                .is_none()
        );
    }

    #[test]
    fn legacy_helm_releases_point_at_their_latest_storage_secret() {
        let gk = Expandable::HelmRelease.group_kind();
        let info = info(
            &gk,
            json!({
                "metadata": {"name": "podinfo", "namespace": "apps", "generation": 1},
                "spec": {"chart": {"spec": {"chart": "podinfo"}}, "install": {"crds": "CreateReplace"}},
                "status": {"storageNamespace": "apps", "history": [
                    {"name": "apps-podinfo", "namespace": "apps", "version": 3, "chartName": "podinfo"},
                    {"name": "apps-podinfo", "namespace": "apps", "version": 2, "chartName": "podinfo"}]}
            }),
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
    fn status_is_judged_as_status_rs_does() {
        let deploy = GroupKind::new("apps", "Deployment");
        let d = info(
            &deploy,
            json!({"metadata": {"name": "d", "generation": 3},
                   "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "x"}]}}},
                   "status": {"observedGeneration": 3, "updatedReplicas": 2, "readyReplicas": 1, "availableReplicas": 1}}),
        );
        assert_eq!(d.health.state, State::Progressing);
        assert_eq!(d.health.message.as_deref(), Some("1/2 ready"));
        let cm = GroupKind::new("", "ConfigMap");
        assert_eq!(
            info(&cm, json!({"metadata": {"name": "a"}})).health.state,
            State::Exists
        );
        let deleting = info(
            &cm,
            json!({"metadata": {"name": "a", "deletionTimestamp": "2026-01-01T00:00:00Z"}}),
        );
        assert_eq!(deleting.health.state, State::Progressing);
        let suspended = info(
            &Expandable::Kustomization.group_kind(),
            json!({"metadata": {"name": "k", "annotations": {"fluxcd.controlplane.io/reconcile": "disabled"}},
                   "status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
        );
        assert_eq!(suspended.health.state, State::Suspended);
        let crd = info(
            &GroupKind::new("apiextensions.k8s.io", "CustomResourceDefinition"),
            json!({"metadata": {"name": "w", "labels": {"helm.toolkit.fluxcd.io/name": "hr", "helm.toolkit.fluxcd.io/namespace": "ns", "x": "y"}},
                   "status": {"conditions": [{"type": "Established", "status": "True"}]}}),
        );
        assert_eq!(crd.health.state, State::Ready);
        assert_eq!(
            crd.helm_owner.as_deref(),
            Some(&("ns".to_string(), "hr".to_string()))
        );
    }

    #[test]
    fn odd_shapes_do_not_fail_a_list() {
        let info = info(
            &GroupKind::new("example.com", "Widget"),
            json!({"metadata": {"name": "x", "annotations": null, "labels": {"a": "b"}},
                   "spec": {"replicas": "three", "suspend": {"weird": true}, "install": {"crds": 3}},
                   "status": {"conditions": "not a list", "history": [{"version": "x"}]}}),
        );
        assert_eq!(info.health.state, State::Exists);
    }
}
