//! What has been fetched so far, per kind, and the compact form each fetched object is kept in.
//!
//! A response is turned into [`ObjInfo`] while it streams in (by the `decode` module): the health is
//! computed there (with `crate::status`), a Flux inventory is kept as its compact text, and
//! everything else in the object is dropped. Memory is proportional to the objects kept, a few
//! hundred bytes each, never to the bytes the apiserver sent.
//!
//! [`Coverage`] records which requests were sent and how they ended, so that the walk can tell a
//! *Missing* object (a request that would have returned it succeeded without it) from one that
//! could not be read (*Unknown*, with the reason), one whose request is still in flight, and one
//! nothing has asked for yet. A label-selected LIST only proves that the objects it returned
//! exist: an inventory entry it did not return may be an object without the owner's labels, so it
//! stays unresolved until a GET (or an unselected LIST) settles it.

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
};

use kube::api::ApiResource;

use super::{
    helm::Release,
    kinds::static_scope,
    model::{Expandable, GroupKind, ObjRef},
};
use crate::{
    status::{Health, State},
    tree::drift::Drift,
};

/// Why a request could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailReason {
    /// RBAC denied it.
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

/// A failed request, shown on every node it leaves unknown.
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

/// The outcome of one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Attempt {
    /// Not issued yet.
    #[default]
    NotTried,
    /// Sent, no answer yet.
    InFlight,
    /// Succeeded: absence from the result means the object does not exist.
    Done,
    /// Failed.
    Failed(Failure),
}

impl Attempt {
    fn settled(&self) -> bool {
        matches!(self, Attempt::Done | Attempt::Failed(_))
    }
}

/// Whether an object is settled by what has been fetched.
#[derive(Debug)]
pub enum Covered<'a> {
    /// A request that would have returned it succeeded: the object is there or it is missing.
    Done,
    /// The request that would settle it failed.
    Failed(&'a Failure),
    /// A request that may settle it is in flight.
    InFlight,
    /// Nothing has asked for it yet.
    Pending,
}

/// The object a Flux inventory, Helm release or manifest belongs to: it labels what it applies
/// with its name and namespace, which is what label-selected LISTs select on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Owner {
    /// Kustomization, HelmRelease, ResourceSet or FluxInstance.
    pub kind: Expandable,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl Owner {
    /// The label prefix the owner's controller writes on every object it applies.
    pub fn label_prefix(&self) -> &'static str {
        owner_label_prefix(self.kind)
    }
}

/// The label prefix (`<prefix>/name`, `<prefix>/namespace`) each owner kind's controller sets.
pub fn owner_label_prefix(kind: Expandable) -> &'static str {
    match kind {
        Expandable::Kustomization => "kustomize.toolkit.fluxcd.io",
        Expandable::HelmRelease => "helm.toolkit.fluxcd.io",
        Expandable::ResourceSet => "resourceset.fluxcd.controlplane.io",
        Expandable::FluxInstance => "fluxcd.controlplane.io",
    }
}

/// The requests sent for one kind and how they ended.
#[derive(Debug, Default)]
pub struct Coverage {
    /// The cluster-wide LIST (no selector).
    pub all: Attempt,
    /// Namespace LISTs (no selector).
    pub namespaces: HashMap<String, Attempt>,
    /// GETs, by namespace and name.
    pub objects: HashMap<(String, String), Attempt>,
    /// Owners whose label-selected LIST was sent (cluster-wide, or in the namespace given).
    pub labelled: HashMap<(Owner, Option<String>), Attempt>,
    /// A cluster-wide label-selected LIST was forbidden: select namespace by namespace.
    pub labels_forbidden: bool,
}

impl Coverage {
    /// Whether an object of a kind with the given scope is settled.
    pub fn covered(&self, namespace: &str, name: &str, namespaced: bool) -> Covered<'_> {
        let mut in_flight = false;
        for attempt in [
            Some(&self.all),
            namespaced.then(|| self.namespaces.get(namespace)).flatten(),
            self.objects.get(&(namespace.to_string(), name.to_string())),
        ]
        .into_iter()
        .flatten()
        {
            match attempt {
                Attempt::Done => return Covered::Done,
                Attempt::InFlight => in_flight = true,
                _ => {}
            }
        }
        if in_flight {
            return Covered::InFlight;
        }
        if namespaced && let Some(Attempt::Failed(f)) = self.namespaces.get(namespace) {
            return Covered::Failed(f);
        }
        if let Attempt::Failed(f) = &self.all
            && (f.reason != FailReason::Forbidden || !namespaced)
        {
            return Covered::Failed(f);
        }
        if let Some(Attempt::Failed(f)) = self.objects.get(&(namespace.to_string(), name.to_string())) {
            // A forbidden GET is not the last word while a LIST that covers the object may
            // still be allowed (RBAC may grant `list` without `get`).
            let list_possible = match &self.all {
                Attempt::NotTried => true,
                Attempt::Failed(a) if a.reason == FailReason::Forbidden && namespaced => {
                    !self.namespaces.contains_key(namespace)
                }
                _ => false,
            };
            if f.reason != FailReason::Forbidden || !list_possible {
                return Covered::Failed(f);
            }
        }
        Covered::Pending
    }

    /// Whether a label-selected LIST for `owner` (cluster-wide or in `namespace`) was sent, and
    /// whether it is still in flight.
    pub fn labelled(&self, owner: &Owner, namespace: &str) -> Option<&Attempt> {
        let key = |ns: Option<String>| (owner.clone(), ns);
        self.labelled
            .get(&key(None))
            .filter(|a| !matches!(a, Attempt::Failed(_)))
            .or_else(|| self.labelled.get(&key(Some(namespace.to_string()))))
    }

    /// Records the outcome of an unselected LIST.
    pub fn record(&mut self, namespace: Option<&str>, attempt: Attempt) {
        match namespace {
            None => self.all = attempt,
            Some(ns) => {
                self.namespaces.insert(ns.to_string(), attempt);
            }
        }
    }

    /// Whether any request of this kind is still in flight.
    pub fn any_in_flight(&self) -> bool {
        self.all == Attempt::InFlight
            || self.namespaces.values().any(|a| *a == Attempt::InFlight)
            || self.objects.values().any(|a| *a == Attempt::InFlight)
            || self.labelled.values().any(|a| *a == Attempt::InFlight)
    }

    /// Whether the cluster-wide LIST has settled.
    pub fn all_settled(&self) -> bool {
        self.all.settled()
    }
}

/// A Flux inventory, kept as the compact text of its entries (`id` and `v`, one entry per line)
/// and parsed on use: an object reference costs about five allocations, an inventory line none,
/// and most inventories of a big cluster are never walked when the tree is a small subtree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    text: Box<str>,
}

/// One inventory entry, borrowed from the inventory text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRef<'a> {
    /// Namespace ("" for cluster-scoped objects).
    pub namespace: &'a str,
    /// Name (`__` in the ID decoded as `:`).
    pub name: Cow<'a, str>,
    /// API group.
    pub group: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Version.
    pub version: &'a str,
}

impl EntryRef<'_> {
    /// The owned reference.
    pub fn to_ref(&self) -> ObjRef {
        ObjRef {
            group: self.group.to_string(),
            kind: self.kind.to_string(),
            namespace: self.namespace.to_string(),
            name: self.name.to_string(),
            version: self.version.to_string(),
        }
    }

    /// Whether this is the given object (version aside).
    pub fn is(&self, obj: &ObjRef) -> bool {
        self.group == obj.group
            && self.kind == obj.kind
            && self.namespace == obj.namespace
            && self.name == obj.name
    }
}

impl Inventory {
    /// Builds an inventory from `(id, version)` pairs, validating each ID; invalid ones are
    /// returned for a warning and left out.
    pub fn build<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, Vec<String>) {
        let mut text = String::new();
        let mut invalid = Vec::new();
        for (id, v) in entries {
            if parse_id(id, v).is_none() || id.contains(['\n', ' ']) || v.contains(['\n', ' ']) {
                invalid.push(id.to_string());
                continue;
            }
            text.push_str(id);
            text.push(' ');
            text.push_str(v);
            text.push('\n');
        }
        (
            Inventory {
                text: text.into_boxed_str(),
            },
            invalid,
        )
    }

    /// The entries, in inventory order.
    pub fn entries(&self) -> impl Iterator<Item = EntryRef<'_>> {
        self.text.lines().filter_map(|line| {
            let (id, v) = line.split_once(' ')?;
            parse_id(id, v)
        })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.text.lines().count()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Parses `<namespace>_<name>_<group>_<kind>` (cli-utils `ObjMetadata`, `:` written `__`).
fn parse_id<'a>(id: &'a str, version: &'a str) -> Option<EntryRef<'a>> {
    // Namespaces, groups and kinds never contain '_', so the namespace is up to the first '_'
    // and the group and kind are after the last two; the name is what is left in between.
    let (namespace, rest) = id.split_once('_')?;
    let (rest, kind) = rest.rsplit_once('_')?;
    let (name, group) = rest.rsplit_once('_')?;
    let name = if name.contains("__") {
        Cow::Owned(name.replace("__", ":"))
    } else {
        Cow::Borrowed(name)
    };
    if name.is_empty() || kind.is_empty() || name.contains('_') {
        return None;
    }
    Some(EntryRef {
        namespace,
        name,
        group,
        kind,
        version,
    })
}

/// How the children of an expandable object are found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Children {
    /// From `.status.inventory`.
    Inventory(Inventory),
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
    /// keos: the `toolkit.fluxcd.io/domain` label (system-services, apps).
    pub domain: Option<String>,
    /// keos: the `toolkit.fluxcd.io/component` label (app components).
    pub component: Option<String>,
}

/// A fetched object, reduced to what the tree shows.
#[derive(Clone, Debug)]
pub struct ObjInfo {
    /// Live health.
    pub health: Health,
    /// Last applied/fetched revision of a Flux object.
    pub revision: Option<String>,
    /// For expandable kinds.
    pub expansion: Option<Box<Expansion>>,
    /// For CRDs installed by a HelmRelease: its namespace and name (from the helm-controller labels).
    pub helm_owner: Option<Box<(String, String)>>,
    /// What changed the object outside Flux, judged from its managedFields when the fetch was
    /// asked to (the managedFields themselves are not kept).
    pub drift: Option<Box<Drift>>,
}

impl ObjInfo {
    /// An object with a health and nothing else.
    pub fn plain(health: Health) -> Self {
        ObjInfo {
            health,
            revision: None,
            expansion: None,
            helm_owner: None,
            drift: None,
        }
    }
}

/// The objects of one kind and the requests behind them.
#[derive(Debug, Default)]
pub struct KindStore {
    /// The API resource, once resolved (known kinds, or discovery).
    pub resource: Option<ApiResource>,
    /// Namespaced or cluster-scoped, once resolved.
    pub namespaced: Option<bool>,
    /// Set when the kind cannot be fetched at all (not served, discovery failed).
    pub unresolvable: Option<Failure>,
    /// Requests sent.
    pub coverage: Coverage,
    /// Objects by namespace ("" for cluster-scoped) and name.
    pub objects: HashMap<String, HashMap<String, ObjInfo>>,
    /// The oldest `resourceVersion` of the LISTs of this kind: a WATCH from there misses no
    /// change made after any of them (see [`super::watch`]).
    pub listed_at: Option<String>,
}

impl KindStore {
    /// A fetched object.
    pub fn get(&self, namespace: &str, name: &str) -> Option<&ObjInfo> {
        self.objects.get(namespace)?.get(name)
    }

    /// Keeps a fetched object.
    pub fn insert(&mut self, namespace: String, name: String, info: ObjInfo) {
        self.objects.entry(namespace).or_default().insert(name, info);
    }

    /// Notes the `resourceVersion` of a LIST of this kind, keeping the oldest. Resource versions
    /// are opaque, but every apiserver serves etcd revisions (integers); one that is not keeps
    /// the first seen.
    pub fn note_listed_at(&mut self, version: Option<String>) {
        let Some(version) = version else { return };
        let older = match (&self.listed_at, version.parse::<u64>()) {
            (None, _) => true,
            (Some(kept), Ok(v)) => kept.parse::<u64>().is_ok_and(|k| v < k),
            (Some(_), Err(_)) => false,
        };
        if older {
            self.listed_at = Some(version);
        }
    }

    /// Forgets an object (deleted).
    pub fn remove(&mut self, namespace: &str, name: &str) -> Option<ObjInfo> {
        self.objects.get_mut(namespace)?.remove(name)
    }

    /// Number of objects kept.
    pub fn len(&self) -> usize {
        self.objects.values().map(HashMap::len).sum()
    }

    /// Whether no object is kept.
    pub fn is_empty(&self) -> bool {
        self.objects.values().all(HashMap::is_empty)
    }
}

/// The state of one Helm storage Secret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HelmState {
    /// Not fetched yet.
    #[default]
    NotTried,
    /// Being fetched.
    InFlight,
    /// The cluster-wide LIST was forbidden: try its namespace.
    ForbiddenClusterWide,
    /// Fetched and decoded.
    Decoded(Release),
    /// Listed, and the Secret does not exist.
    Absent,
    /// It could not be fetched or decoded.
    Failed(String),
}

/// The state of aggregated discovery.
#[derive(Debug, Default)]
pub enum Discovery {
    /// Not asked.
    #[default]
    NotTried,
    /// Being asked.
    InFlight,
    /// Answered.
    Done(HashMap<GroupKind, (ApiResource, bool)>),
    /// Not available (old server, forbidden): kinds are resolved group by group.
    Failed,
}

/// Everything fetched so far on one cluster.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Per kind; a few dozen entries at most, searched linearly without allocating.
    pub kinds: Vec<(GroupKind, KindStore)>,
    /// Helm storage Secrets by release version.
    pub helm: HashMap<StorageKey, HelmState>,
    /// HelmReleases whose CRDs (found by helm-controller's labels) have been listed or are being
    /// listed, with the outcome.
    pub crd_owners: HashMap<Owner, Attempt>,
    /// Problems found while reading fetched objects (malformed inventory IDs).
    pub warnings: Vec<String>,
    /// Owner kinds whose label-selected LISTs returned too few of the objects asked for (objects
    /// applied by something that does not label them): not selected by label again.
    pub unlabelled: HashSet<Expandable>,
    /// Aggregated discovery.
    pub discovery: Discovery,
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

    /// Runs `f` on this snapshot with the leaf kinds' objects and requests set aside (their
    /// resource, scope, and what RBAC forbade stay), then puts them back: the walk of the Flux
    /// objects alone then asks for every leaf, as a first fetch would (see
    /// [`super::plan::leaf_plan`]).
    pub fn without_leaves<R>(&mut self, f: impl FnOnce(&mut Snapshot) -> R) -> R {
        let mut kept = Vec::new();
        for (gk, store) in &mut self.kinds {
            if Expandable::of(&gk.group, &gk.kind).is_some() {
                continue;
            }
            let forbidden =
                |a: &Attempt| matches!(a, Attempt::Failed(f) if f.reason == FailReason::Forbidden);
            let bare = KindStore {
                resource: store.resource.clone(),
                namespaced: store.namespaced,
                unresolvable: store.unresolvable.clone(),
                coverage: Coverage {
                    all: if forbidden(&store.coverage.all) {
                        store.coverage.all.clone()
                    } else {
                        Attempt::NotTried
                    },
                    labels_forbidden: store.coverage.labels_forbidden,
                    ..Coverage::default()
                },
                ..KindStore::default()
            };
            kept.push((gk.clone(), std::mem::replace(store, bare)));
        }
        let kinds = self.kinds.len();
        let result = f(self);
        // Kinds the plan met for the first time are dropped with the rest of its marks.
        self.kinds.truncate(kinds);
        for (gk, store) in kept {
            if let Some((_, slot)) = self.kinds.iter_mut().find(|(k, _)| *k == gk) {
                *slot = store;
            }
        }
        result
    }

    /// Objects kept, over every kind.
    pub fn objects(&self) -> usize {
        self.kinds.iter().map(|(_, s)| s.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventories_are_kept_as_text_and_parsed_on_use() {
        let (inv, invalid) = Inventory::build([
            ("apps_podinfo_apps_Deployment", "v1"),
            ("bad", "v1"),
            (
                "_system__controller__flux_rbac.authorization.k8s.io_ClusterRole",
                "v1",
            ),
            ("_flux-system__Namespace", "v1"),
        ]);
        assert_eq!(invalid, ["bad"]);
        let entries: Vec<ObjRef> = inv.entries().map(|e| e.to_ref()).collect();
        assert_eq!(inv.len(), 3);
        assert_eq!(entries[0].to_string(), "Deployment/apps/podinfo");
        assert_eq!(entries[0].group, "apps");
        assert_eq!(entries[1].name, "system:controller:flux");
        assert_eq!(entries[2].to_string(), "Namespace/flux-system");
        for bad in [
            "",
            "nounderscore",
            "ns_name",
            "ns__Kind",
            "ns_a_b_c_apps_Deployment",
        ] {
            assert!(parse_id(bad, "v1").is_none(), "{bad}");
        }
    }

    #[test]
    fn coverage_tells_missing_from_unknown_and_in_flight() {
        let mut c = Coverage::default();
        assert!(matches!(c.covered("a", "x", true), Covered::Pending));
        let forbidden = Failure {
            reason: FailReason::Forbidden,
            message: "no".into(),
        };
        c.record(None, Attempt::Failed(forbidden.clone()));
        assert!(matches!(c.covered("a", "x", true), Covered::Pending));
        assert!(matches!(c.covered("", "x", false), Covered::Failed(_)));
        c.record(Some("a"), Attempt::Done);
        assert!(matches!(c.covered("a", "x", true), Covered::Done));
        c.record(Some("b"), Attempt::Failed(forbidden));
        assert!(matches!(c.covered("b", "x", true), Covered::Failed(_)));
        c.objects.insert(("c".into(), "y".into()), Attempt::InFlight);
        assert!(matches!(c.covered("c", "y", true), Covered::InFlight));
        c.objects.insert(("c".into(), "y".into()), Attempt::Done);
        assert!(matches!(c.covered("c", "y", true), Covered::Done));
        assert!(matches!(c.covered("c", "z", true), Covered::Pending));
    }
}
