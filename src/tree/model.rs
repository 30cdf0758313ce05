//! The tree's data model: object references parsed from Flux inventories, nodes with live status,
//! and the pure transformations applied after fetching (the `--status failing` filter, the summary).
//!
//! Everything here is plain data so that rendering and filtering can be unit-tested without a
//! cluster; fetching lives in `fetch`, and the walk that turns listed objects into nodes in `walk`.

use std::fmt;

use crate::{
    kube::is_flux_group,
    output::Tone,
    status::{Health, State},
    tree::drift::{Drift, DriftRules},
};

/// An API group and kind: what a LIST is issued for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKind {
    /// API group, "" for the core group.
    pub group: String,
    /// Kind.
    pub kind: String,
}

impl GroupKind {
    /// A group and kind.
    pub fn new(group: &str, kind: &str) -> Self {
        GroupKind {
            group: group.to_string(),
            kind: kind.to_string(),
        }
    }

    /// `Kind` for the core group, `Kind.group` otherwise (kubectl's spelling).
    pub fn display(&self) -> String {
        if self.group.is_empty() {
            self.kind.clone()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }
}

/// The Flux kinds whose children the tree expands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Expandable {
    /// `kustomize.toolkit.fluxcd.io/Kustomization`: `.status.inventory`.
    Kustomization,
    /// `helm.toolkit.fluxcd.io/HelmRelease`: `.status.inventory`, else the Helm storage Secret.
    HelmRelease,
    /// `fluxcd.controlplane.io/ResourceSet`: `.status.inventory`.
    ResourceSet,
    /// `fluxcd.controlplane.io/FluxInstance`: `.status.inventory`.
    FluxInstance,
}

impl Expandable {
    /// Every expandable kind, in the order they are listed up front.
    pub const ALL: [Expandable; 4] = [
        Expandable::Kustomization,
        Expandable::HelmRelease,
        Expandable::ResourceSet,
        Expandable::FluxInstance,
    ];

    /// The expandable kind of a group and kind, if it is one.
    pub fn of(group: &str, kind: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|e| e.group() == group && e.kind() == kind)
    }

    /// API group.
    pub fn group(self) -> &'static str {
        match self {
            Expandable::Kustomization => "kustomize.toolkit.fluxcd.io",
            Expandable::HelmRelease => "helm.toolkit.fluxcd.io",
            Expandable::ResourceSet | Expandable::FluxInstance => "fluxcd.controlplane.io",
        }
    }

    /// Kind.
    pub fn kind(self) -> &'static str {
        match self {
            Expandable::Kustomization => "Kustomization",
            Expandable::HelmRelease => "HelmRelease",
            Expandable::ResourceSet => "ResourceSet",
            Expandable::FluxInstance => "FluxInstance",
        }
    }

    /// The group and kind.
    pub fn group_kind(self) -> GroupKind {
        GroupKind::new(self.group(), self.kind())
    }
}

/// One object, as named by an inventory entry, a Helm manifest or the command line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef {
    /// API group, "" for the core group.
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Namespace, "" for cluster-scoped objects.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// API version as recorded (inventory `v`, manifest `apiVersion`), "" when unknown.
    pub version: String,
}

/// An inventory ID that is not `<namespace>_<name>_<group>_<kind>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid inventory entry id '{0}'")]
pub struct InvalidId(pub String);

impl ObjRef {
    /// Parses a Flux inventory entry: `id` is `<namespace>_<name>_<group>_<kind>` (cli-utils
    /// `ObjMetadata`), where a `:` in the name (RBAC objects) is written `__`; `v` is the version.
    pub fn from_inventory(id: &str, version: &str) -> Result<Self, InvalidId> {
        let invalid = || InvalidId(id.to_string());
        // Namespaces, groups and kinds never contain '_', so the namespace is up to the first '_'
        // and the group and kind are after the last two; the name is what is left in between.
        let (namespace, rest) = id.split_once('_').ok_or_else(invalid)?;
        let (rest, kind) = rest.rsplit_once('_').ok_or_else(invalid)?;
        let (name, group) = rest.rsplit_once('_').ok_or_else(invalid)?;
        let name = name.replace("__", ":");
        if name.is_empty() || kind.is_empty() || name.contains('_') {
            return Err(invalid());
        }
        Ok(ObjRef {
            group: group.to_string(),
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name,
            version: version.to_string(),
        })
    }

    /// The group and kind.
    pub fn group_kind(&self) -> GroupKind {
        GroupKind::new(&self.group, &self.kind)
    }

    /// The expandable kind of this object, if any.
    pub fn expandable(&self) -> Option<Expandable> {
        Expandable::of(&self.group, &self.kind)
    }

    /// Whether this is a Flux object (toolkit or operator group): what `--compact` keeps.
    pub fn is_flux(&self) -> bool {
        is_flux_group(&self.group)
    }

    /// Identity without the version: two references to the same object compare equal.
    pub fn same_object(&self, other: &ObjRef) -> bool {
        self.group == other.group
            && self.kind == other.kind
            && self.namespace == other.namespace
            && self.name == other.name
    }
}

impl fmt::Display for ObjRef {
    /// `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects (flux's format).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// The status shown on a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Read from the cluster (or Missing/Unknown when it could not be).
    Live(Health),
    /// The object lives in a remote cluster (its parent has `spec.kubeConfig`) and was not queried.
    Remote,
}

impl Status {
    /// What users see: `Ready`, `NotReady (Reason)`, `Unknown (Forbidden)`, `Remote`, …
    pub fn label(&self) -> String {
        match self {
            Status::Live(h) => match (h.state, &h.reason) {
                (State::NotReady | State::Unknown, Some(reason)) => format!("{} ({reason})", h.state),
                _ => h.state.label().to_string(),
            },
            Status::Remote => "Remote".to_string(),
        }
    }

    /// The bare status word (`NotReady`, `Remote`), as in the JSON `status` field.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Live(h) => h.state.label(),
            Status::Remote => "Remote",
        }
    }

    /// The colour of the status.
    pub fn tone(&self) -> Tone {
        match self {
            Status::Live(h) => h.state.tone(),
            Status::Remote => Tone::Dim,
        }
    }

    /// Whether `--status failing` keeps a node with this status.
    pub fn is_failing(&self) -> bool {
        match self {
            Status::Live(h) => h.state.is_failing(),
            Status::Remote => false,
        }
    }

    /// The reason, if any.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Status::Live(h) => h.reason.as_deref(),
            Status::Remote => None,
        }
    }

    /// The message, if any.
    pub fn message(&self) -> Option<&str> {
        match self {
            Status::Live(h) => h.message.as_deref(),
            Status::Remote => None,
        }
    }
}

/// One node of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// The object.
    pub object: ObjRef,
    /// Its live status.
    pub status: Status,
    /// The last applied or fetched revision, for Flux objects that report one.
    pub revision: Option<String>,
    /// The object applies to a remote cluster (`spec.kubeConfig`): its children live there.
    pub remote: bool,
    /// The object is one of its own ancestors: it is shown, but not expanded again.
    pub cycle: bool,
    /// keos: the Flux object's `toolkit.fluxcd.io/domain` label (system-services, apps).
    pub domain: Option<String>,
    /// keos: the Flux object's `toolkit.fluxcd.io/component` label (an app component).
    pub component: Option<String>,
    /// Changed outside Flux since its owner applied it (drift), when the tree computes drift.
    pub drift: Option<Box<Drift>>,
    /// Children in inventory order.
    pub children: Vec<Node>,
}

impl Node {
    /// A leaf with a status.
    pub fn leaf(object: ObjRef, status: Status) -> Self {
        Node {
            object,
            status,
            revision: None,
            remote: false,
            cycle: false,
            domain: None,
            component: None,
            drift: None,
            children: Vec::new(),
        }
    }

    /// Drops the drift `rules` allow (`--drift-allow`), in the whole subtree.
    pub fn allow_drift(&mut self, rules: &DriftRules) {
        if let Some(drift) = self.drift.take() {
            self.drift = drift.allowed(rules).map(Box::new);
        }
        for child in &mut self.children {
            child.allow_drift(rules);
        }
    }

    /// `Drifted (kubectl-edit: spec.replicas)`, when drifted (at most three fields per manager).
    pub fn drift_label(&self) -> Option<String> {
        self.drift
            .as_ref()
            .map(|d| format!("Drifted ({})", d.describe(3)))
    }

    /// keos: `domain apps, component postgres` (what the domain labels say), if labelled.
    pub fn domain_label(&self) -> Option<String> {
        match (&self.domain, &self.component) {
            (Some(d), Some(c)) => Some(format!("domain {d}, component {c}")),
            (Some(d), None) => Some(format!("domain {d}")),
            (None, Some(c)) => Some(format!("component {c}")),
            (None, None) => None,
        }
    }

    /// Number of nodes in this subtree, including itself.
    pub fn count(&self) -> usize {
        1 + self.children.iter().map(Node::count).sum::<usize>()
    }

    /// Visits every node depth-first, parents before children, with its depth.
    pub fn visit<'a>(&'a self, depth: usize, f: &mut impl FnMut(&'a Node, usize)) {
        f(self, depth);
        for child in &self.children {
            child.visit(depth + 1, f);
        }
    }

    /// Keeps only failing nodes and their ancestors (`--status failing`). The root is always kept,
    /// so an all-healthy tree prints just its root.
    pub fn retain_failing(mut self) -> Node {
        self.children = std::mem::take(&mut self.children)
            .into_iter()
            .filter_map(Node::failing_subtree)
            .collect();
        self
    }

    fn failing_subtree(mut self) -> Option<Node> {
        self.children = std::mem::take(&mut self.children)
            .into_iter()
            .filter_map(Node::failing_subtree)
            .collect();
        (self.status.is_failing() || !self.children.is_empty()).then_some(self)
    }
}

/// The order and words of the summary line and the JSON `summary` map.
const SUMMARY_ORDER: [&str; 9] = [
    "Ready",
    "Progressing",
    "Stale",
    "Suspended",
    "NotReady",
    "Exists",
    "Missing",
    "Unknown",
    "Remote",
];

/// Counts by status over a whole tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    counts: [usize; SUMMARY_ORDER.len()],
    /// Nodes changed outside Flux (whatever their status).
    drifted: usize,
}

impl Summary {
    /// Counts every node of a tree.
    pub fn of(root: &Node) -> Self {
        let mut s = Summary::default();
        root.visit(0, &mut |node, _| {
            if let Some(i) = SUMMARY_ORDER.iter().position(|w| *w == node.status.word()) {
                s.counts[i] += 1;
            }
            s.drifted += usize::from(node.drift.is_some());
        });
        s
    }

    /// Number of drifted nodes.
    pub fn drifted(&self) -> usize {
        self.drifted
    }

    /// Total number of nodes.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Number of failing nodes (what `--status failing` would keep, ancestors aside: the states
    /// `crate::status::State::is_failing` counts).
    pub fn failing(&self) -> usize {
        ["NotReady", "Missing", "Unknown"]
            .iter()
            .map(|w| self.count(w))
            .sum()
    }

    /// The count of one status word.
    pub fn count(&self, word: &str) -> usize {
        SUMMARY_ORDER
            .iter()
            .position(|w| *w == word)
            .map_or(0, |i| self.counts[i])
    }

    /// Non-zero counts in the fixed order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, usize)> + '_ {
        SUMMARY_ORDER
            .iter()
            .zip(self.counts)
            .filter(|(_, n)| *n > 0)
            .map(|(w, n)| (*w, n))
    }

    /// `12 objects: 9 Ready, 2 NotReady, 1 Missing` (then `; 1 drifted` when any drifted).
    pub fn line(&self) -> String {
        let total = self.total();
        let parts: Vec<String> = self.entries().map(|(w, n)| format!("{n} {w}")).collect();
        let noun = if total == 1 { "object" } else { "objects" };
        let mut line = format!("{total} {noun}: {}", parts.join(", "));
        if self.drifted > 0 {
            line.push_str(&format!("; {} drifted", self.drifted));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(kind: &str, ns: &str, name: &str) -> ObjRef {
        ObjRef {
            group: String::new(),
            kind: kind.into(),
            namespace: ns.into(),
            name: name.into(),
            version: "v1".into(),
        }
    }

    #[test]
    fn parses_inventory_ids() {
        let r = ObjRef::from_inventory("flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization", "v1")
            .expect("valid");
        assert_eq!(
            (
                r.namespace.as_str(),
                r.name.as_str(),
                r.group.as_str(),
                r.kind.as_str()
            ),
            (
                "flux-system",
                "apps",
                "kustomize.toolkit.fluxcd.io",
                "Kustomization"
            )
        );
        let cluster = ObjRef::from_inventory("_flux-system__Namespace", "v1").expect("valid");
        assert_eq!((cluster.namespace.as_str(), cluster.group.as_str()), ("", ""));
        assert_eq!(cluster.to_string(), "Namespace/flux-system");
        let rbac = ObjRef::from_inventory(
            "_system__controller__flux_rbac.authorization.k8s.io_ClusterRole",
            "v1",
        )
        .expect("valid");
        assert_eq!(rbac.name, "system:controller:flux");
        assert_eq!(r.to_string(), "Kustomization/flux-system/apps");
    }

    #[test]
    fn rejects_malformed_ids() {
        for id in [
            "",
            "nounderscore",
            "ns_name",
            "ns__Kind",
            "ns_a_b_c_apps_Deployment",
        ] {
            assert!(ObjRef::from_inventory(id, "v1").is_err(), "{id}");
        }
    }

    #[test]
    fn failing_filter_keeps_ancestors_of_failing_nodes() {
        let ok = Status::Live(Health::of(State::Ready));
        let bad = Status::Live(Health::of(State::Missing));
        let mut root = Node::leaf(obj("Kustomization", "a", "root"), ok.clone());
        let mut mid = Node::leaf(obj("Kustomization", "a", "mid"), ok.clone());
        mid.children = vec![
            Node::leaf(obj("ConfigMap", "a", "gone"), bad),
            Node::leaf(obj("ConfigMap", "a", "fine"), ok.clone()),
        ];
        root.children = vec![mid, Node::leaf(obj("ConfigMap", "a", "other"), ok.clone())];
        let kept = root.retain_failing();
        assert_eq!(kept.count(), 3);
        assert_eq!(kept.children[0].children[0].object.name, "gone");

        let healthy = Node::leaf(obj("Kustomization", "a", "root"), ok);
        assert_eq!(healthy.retain_failing().count(), 1);
    }

    #[test]
    fn summary_counts_in_a_fixed_order() {
        let mut root = Node::leaf(
            obj("Kustomization", "a", "r"),
            Status::Live(Health::of(State::Ready)),
        );
        root.children = vec![
            Node::leaf(
                obj("ConfigMap", "a", "x"),
                Status::Live(Health::of(State::Missing)),
            ),
            Node::leaf(obj("ConfigMap", "a", "y"), Status::Remote),
            Node::leaf(obj("ConfigMap", "a", "z"), Status::Live(Health::of(State::Ready))),
        ];
        let s = Summary::of(&root);
        assert_eq!(s.line(), "4 objects: 2 Ready, 1 Missing, 1 Remote");
        assert_eq!(s.failing(), 1);
    }

    #[test]
    fn labels_carry_reasons_for_failures_only() {
        let h = Health {
            state: State::NotReady,
            reason: Some("BuildFailed".into()),
            message: None,
        };
        assert_eq!(Status::Live(h).label(), "NotReady (BuildFailed)");
        let ready = Health {
            state: State::Ready,
            reason: Some("ReconciliationSucceeded".into()),
            message: None,
        };
        assert_eq!(Status::Live(ready).label(), "Ready");
    }
}
