//! Builds the tree from a [`Snapshot`], and says what is still needed to finish it.
//!
//! The walk is pure and cheap (no requests, linear in the number of nodes), so the fetcher simply
//! runs it after every round of LISTs: each run expands as far as the listed objects allow and
//! returns the (kind, namespace) pairs and Helm storage Secrets it could not resolve yet. Nested
//! Kustomizations cost nothing once the Kustomization LIST is in: they are all expanded from it,
//! level after level, in the same walk.
//!
//! Rules, matching `flux tree` where it is right and fixing where it is not:
//! - children come in inventory (or manifest) order;
//! - an inventory entry that names its owner (the `flux-system` Kustomization lists itself) is
//!   skipped, as flux does;
//! - an object that is one of its own ancestors is shown once more, marked as a cycle, and not
//!   expanded again (flux would recurse forever);
//! - the children of an object with `spec.kubeConfig` live in another cluster: they are listed from
//!   the inventory but not queried, and not expanded;
//! - `--compact` drops non-Flux objects before they are fetched; `--depth` stops expanding (and
//!   fetching) below the given level.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    model::{GroupKind, Node, ObjRef, Status},
    snapshot::{Children, Covered, Expansion, Failure, HelmState, ObjInfo, Snapshot, StorageKey},
};
use crate::status::{Health, State};

/// What shapes the walk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkOptions {
    /// Only Flux objects (`--compact`).
    pub compact: bool,
    /// Expand at most this many levels below the root (`--depth`).
    pub max_depth: Option<usize>,
}

/// What the next round of requests has to fetch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Kinds and the namespaces needed ("" means cluster-wide: a cluster-scoped kind, or a kind
    /// whose scope is not known yet).
    pub kinds: BTreeMap<GroupKind, BTreeSet<String>>,
    /// Helm storage Secrets.
    pub helm: BTreeSet<StorageKey>,
    /// Some expansion is waiting on these: later rounds may need more namespaces of the same kinds.
    pub expanding: bool,
}

impl Needs {
    /// Nothing left to fetch.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && self.helm.is_empty()
    }

    /// Adds a kind in a namespace.
    pub fn add(&mut self, gk: GroupKind, namespace: &str) {
        self.kinds.entry(gk).or_default().insert(namespace.to_string());
    }
}

/// How far the root could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootState {
    /// Found: the tree is in [`Walked::root`].
    Found,
    /// Not listed yet.
    Pending,
    /// Listed, and it does not exist.
    Missing,
    /// Its kind could not be listed.
    Failed(Failure),
}

/// The result of one walk.
#[derive(Debug)]
pub struct Walked {
    /// The root's state.
    pub state: RootState,
    /// The tree as far as it could be built (set when the root was found).
    pub root: Option<Node>,
    /// What is still needed.
    pub needs: Needs,
    /// Problems to report once (Helm storage not found or undecodable).
    pub warnings: Vec<String>,
    /// Nodes left Unknown by a failed LIST: (kind, reason, message) → count, for one warning each.
    pub unknown: BTreeMap<(String, String, String), usize>,
}

/// Walks the snapshot from `root`.
pub fn walk(snapshot: &Snapshot, root: &ObjRef, options: WalkOptions) -> Walked {
    let mut w = Walker {
        snapshot,
        options,
        needs: Needs::default(),
        warnings: Vec::new(),
        unknown: BTreeMap::new(),
        path: Vec::new(),
    };
    let (state, node) = match w.lookup(root) {
        Lookup::Found(info) => (RootState::Found, Some(w.found(root.clone(), info, 0))),
        Lookup::Pending => {
            w.need(root);
            (RootState::Pending, None)
        }
        Lookup::Missing => (RootState::Missing, None),
        Lookup::Failed(f) => (RootState::Failed(f.clone()), None),
    };
    Walked {
        state,
        root: node,
        needs: w.needs,
        warnings: w.warnings,
        unknown: w.unknown,
    }
}

enum Lookup<'a> {
    Found(&'a ObjInfo),
    Missing,
    Failed(&'a Failure),
    Pending,
}

struct Walker<'a> {
    snapshot: &'a Snapshot,
    options: WalkOptions,
    needs: Needs,
    warnings: Vec<String>,
    unknown: BTreeMap<(String, String, String), usize>,
    /// The ancestors of the node being expanded (the cycle guard).
    path: Vec<ObjRef>,
}

impl<'a> Walker<'a> {
    fn lookup(&self, obj: &ObjRef) -> Lookup<'a> {
        let Some(store) = self.snapshot.kind(&obj.group, &obj.kind) else {
            return Lookup::Pending;
        };
        if let Some(f) = &store.unresolvable {
            return Lookup::Failed(f);
        }
        let namespaced = store.namespaced.unwrap_or(!obj.namespace.is_empty());
        match store.coverage.covered(&obj.namespace, namespaced) {
            Covered::Done => store
                .get(&obj.namespace, &obj.name)
                .map_or(Lookup::Missing, Lookup::Found),
            Covered::Failed(f) => Lookup::Failed(f),
            Covered::Pending => Lookup::Pending,
        }
    }

    fn need(&mut self, obj: &ObjRef) {
        if obj.expandable().is_some() {
            self.needs.expanding = true;
        }
        self.needs.add(obj.group_kind(), &obj.namespace);
    }

    /// A node for any object: looked up, and expanded when it is found and expandable.
    fn node(&mut self, obj: ObjRef, depth: usize) -> Node {
        match self.lookup(&obj) {
            Lookup::Found(info) => self.found(obj, info, depth),
            Lookup::Missing => Node::leaf(obj, Status::Live(Health::of(State::Missing))),
            Lookup::Failed(f) => {
                *self
                    .unknown
                    .entry((
                        obj.group_kind().display(),
                        f.reason.label().to_string(),
                        f.message.clone(),
                    ))
                    .or_default() += 1;
                Node::leaf(obj, Status::Live(f.health()))
            }
            Lookup::Pending => {
                self.need(&obj);
                let pending = Health {
                    state: State::Unknown,
                    reason: Some("NotFetched".into()),
                    message: None,
                };
                Node::leaf(obj, Status::Live(pending))
            }
        }
    }

    fn found(&mut self, obj: ObjRef, info: &'a ObjInfo, depth: usize) -> Node {
        let mut node = Node::leaf(obj, Status::Live(info.health.clone()));
        node.revision = info.revision.clone();
        if node.object.version.is_empty() {
            // The root comes from the command line without a version: show the one listed.
            let listed = self
                .snapshot
                .kind(&node.object.group, &node.object.kind)
                .and_then(|s| s.resource.as_ref());
            if let Some(resource) = listed {
                node.object.version = resource.version.clone();
            }
        }
        let Some(expansion) = &info.expansion else {
            return node;
        };
        node.remote = expansion.remote;
        if self.options.max_depth.is_some_and(|max| depth >= max) {
            return node;
        }
        if self.path.iter().any(|a| a.same_object(&node.object)) {
            node.cycle = true;
            return node;
        }
        self.path.push(node.object.clone());
        node.children = self.children(&node.object, expansion, depth + 1);
        self.path.pop();
        node
    }

    fn keep(&self, parent: &ObjRef, child: &ObjRef) -> bool {
        !child.same_object(parent) && (!self.options.compact || child.is_flux())
    }

    fn children(&mut self, parent: &ObjRef, expansion: &'a Expansion, depth: usize) -> Vec<Node> {
        let mut out = Vec::new();
        match &expansion.children {
            Children::Inventory(entries) => {
                for entry in entries {
                    if !self.keep(parent, entry) {
                        continue;
                    }
                    out.push(if expansion.remote {
                        Node::leaf(entry.clone(), Status::Remote)
                    } else {
                        self.node(entry.clone(), depth)
                    });
                }
            }
            // The storage Secret of a remote release lives in the remote cluster.
            Children::Helm(_) if expansion.remote => {}
            Children::Helm(key) => self.helm_children(parent, key, depth, &mut out),
            Children::None => {}
        }
        if expansion.helm_crds && !expansion.remote {
            self.helm_crds(parent, depth, &mut out);
        }
        out
    }

    fn helm_children(&mut self, parent: &ObjRef, key: &StorageKey, depth: usize, out: &mut Vec<Node>) {
        let release = match self.snapshot.helm_state(key) {
            HelmState::NotTried | HelmState::ForbiddenClusterWide => {
                self.needs.helm.insert(key.clone());
                self.needs.expanding = true;
                return;
            }
            HelmState::Absent => {
                self.warnings.push(format!(
                    "{parent}: Helm storage Secret {}/{} not found: its objects are not shown",
                    key.namespace,
                    key.secret_name()
                ));
                return;
            }
            HelmState::Failed(message) => {
                self.warnings.push(format!(
                    "{parent}: cannot read Helm storage Secret {}/{}: {message}",
                    key.namespace,
                    key.secret_name()
                ));
                return;
            }
            HelmState::Decoded(release) => release,
        };
        let release_namespace = if release.namespace.is_empty() {
            parent.namespace.as_str()
        } else {
            release.namespace.as_str()
        };
        for object in &release.objects {
            let mut object = object.clone();
            if object.namespace.is_empty() {
                match self.snapshot.namespaced(&object.group, &object.kind) {
                    Some(true) => object.namespace = release_namespace.to_string(),
                    Some(false) => {}
                    None => {
                        // Discovery (with the LIST) tells the scope; the object is placed next round.
                        self.needs.add(object.group_kind(), "");
                        self.needs.expanding = true;
                        continue;
                    }
                }
            }
            if self.keep(parent, &object) {
                let node = self.node(object, depth);
                out.push(node);
            }
        }
    }

    /// CRDs a legacy HelmRelease installed, found by helm-controller's labels (as flux does).
    fn helm_crds(&mut self, parent: &ObjRef, depth: usize, out: &mut Vec<Node>) {
        if self.options.compact {
            return;
        }
        let crd = GroupKind::new("apiextensions.k8s.io", "CustomResourceDefinition");
        let Some(store) = self.snapshot.kind(&crd.group, &crd.kind) else {
            self.needs.add(crd, "");
            return;
        };
        if store.unresolvable.is_some() {
            return;
        }
        match store.coverage.covered("", false) {
            Covered::Done => {}
            // Not worth a warning: the release's own objects are shown, only its CRDs are not.
            Covered::Failed(_) => return,
            Covered::Pending => {
                self.needs.add(crd, "");
                return;
            }
        }
        let mut names: Vec<&String> = store
            .objects
            .get("")
            .into_iter()
            .flatten()
            .filter(|(_, info)| {
                info.helm_owner
                    .as_ref()
                    .is_some_and(|(ns, name)| *ns == parent.namespace && *name == parent.name)
            })
            .map(|(name, _)| name)
            .collect();
        names.sort();
        for name in names {
            let exists = out
                .iter()
                .any(|n| n.object.kind == crd.kind && n.object.group == crd.group && n.object.name == *name);
            if !exists {
                let object = ObjRef {
                    group: crd.group.clone(),
                    kind: crd.kind.clone(),
                    namespace: String::new(),
                    name: name.clone(),
                    version: "v1".into(),
                };
                out.push(self.node(object, depth));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{
        model::Expandable,
        snapshot::{Attempt, Expansion},
    };

    fn r(group: &str, kind: &str, ns: &str, name: &str) -> ObjRef {
        ObjRef {
            group: group.into(),
            kind: kind.into(),
            namespace: ns.into(),
            name: name.into(),
            version: "v1".into(),
        }
    }

    fn ks(ns: &str, name: &str) -> ObjRef {
        r("kustomize.toolkit.fluxcd.io", "Kustomization", ns, name)
    }

    fn cm(ns: &str, name: &str) -> ObjRef {
        r("", "ConfigMap", ns, name)
    }

    fn ready() -> Health {
        Health::of(State::Ready)
    }

    fn insert(snap: &mut Snapshot, obj: &ObjRef, info: ObjInfo) {
        let store = snap.kind_mut(&obj.group_kind());
        store.namespaced = Some(true);
        store.coverage.all = Attempt::Done;
        store
            .objects
            .entry(obj.namespace.clone())
            .or_default()
            .insert(obj.name.clone(), info);
    }

    fn expandable(children: Vec<ObjRef>, remote: bool) -> ObjInfo {
        ObjInfo {
            health: ready(),
            revision: None,
            expansion: Some(Expansion {
                remote,
                children: Children::Inventory(children),
                helm_crds: false,
            }),
            helm_owner: None,
        }
    }

    fn plain(state: State) -> ObjInfo {
        ObjInfo {
            health: Health::of(state),
            revision: None,
            expansion: None,
            helm_owner: None,
        }
    }

    fn names(node: &Node) -> Vec<String> {
        let mut out = Vec::new();
        node.visit(0, &mut |n, d| {
            out.push(format!("{}{} {}", "  ".repeat(d), n.object, n.status.label()))
        });
        out
    }

    #[test]
    fn asks_for_the_root_first() {
        let walked = walk(
            &Snapshot::default(),
            &ks("flux-system", "flux-system"),
            WalkOptions::default(),
        );
        assert_eq!(walked.state, RootState::Pending);
        assert!(walked.needs.expanding);
        assert_eq!(
            walked.needs.kinds.keys().collect::<Vec<_>>(),
            [&Expandable::Kustomization.group_kind()]
        );
    }

    #[test]
    fn expands_nested_kustomizations_and_skips_self_references() {
        let mut snap = Snapshot::default();
        let root = ks("flux-system", "flux-system");
        insert(
            &mut snap,
            &root,
            expandable(
                vec![root.clone(), ks("flux-system", "apps"), cm("flux-system", "cfg")],
                false,
            ),
        );
        insert(
            &mut snap,
            &ks("flux-system", "apps"),
            expandable(vec![cm("apps", "a")], false),
        );
        let walked = walk(&snap, &root, WalkOptions::default());
        assert_eq!(
            walked
                .needs
                .kinds
                .keys()
                .map(GroupKind::display)
                .collect::<Vec<_>>(),
            ["ConfigMap"]
        );
        assert_eq!(
            walked.needs.kinds[&GroupKind::new("", "ConfigMap")],
            BTreeSet::from(["apps".to_string(), "flux-system".to_string()])
        );
        assert!(!walked.needs.expanding);

        insert(&mut snap, &cm("apps", "a"), plain(State::Exists));
        let walked = walk(&snap, &root, WalkOptions::default());
        assert!(walked.needs.is_empty());
        assert_eq!(
            names(walked.root.as_ref().expect("root")),
            [
                "Kustomization/flux-system/flux-system Ready",
                "  Kustomization/flux-system/apps Ready",
                "    ConfigMap/apps/a Exists",
                "  ConfigMap/flux-system/cfg Missing",
            ]
        );
    }

    #[test]
    fn guards_against_cycles_and_marks_remote_children() {
        let mut snap = Snapshot::default();
        let (a, b, edge) = (ks("x", "a"), ks("x", "b"), ks("x", "edge"));
        insert(&mut snap, &a, expandable(vec![b.clone(), edge.clone()], false));
        insert(&mut snap, &b, expandable(vec![a.clone()], false));
        insert(
            &mut snap,
            &edge,
            expandable(vec![cm("remote", "c"), ks("remote", "k")], true),
        );
        let walked = walk(&snap, &a, WalkOptions::default());
        let root = walked.root.expect("root");
        assert_eq!(
            names(&root),
            [
                "Kustomization/x/a Ready",
                "  Kustomization/x/b Ready",
                "    Kustomization/x/a Ready",
                "  Kustomization/x/edge Ready",
                "    ConfigMap/remote/c Remote",
                "    Kustomization/remote/k Remote",
            ]
        );
        assert!(root.children[0].children[0].cycle);
        assert!(root.children[1].remote);
        assert!(walked.needs.is_empty(), "remote children are never fetched");
    }

    #[test]
    fn compact_and_depth_limit_what_is_fetched() {
        let mut snap = Snapshot::default();
        let root = ks("f", "root");
        insert(
            &mut snap,
            &root,
            expandable(vec![cm("f", "c"), ks("f", "child")], false),
        );
        insert(
            &mut snap,
            &ks("f", "child"),
            expandable(vec![cm("f", "deep")], false),
        );
        let compact = walk(
            &snap,
            &root,
            WalkOptions {
                compact: true,
                max_depth: None,
            },
        );
        assert!(compact.needs.is_empty());
        assert_eq!(compact.root.expect("root").count(), 2);
        let shallow = walk(
            &snap,
            &root,
            WalkOptions {
                compact: false,
                max_depth: Some(1),
            },
        );
        assert_eq!(
            shallow.needs.kinds[&GroupKind::new("", "ConfigMap")],
            BTreeSet::from(["f".to_string()])
        );
        assert_eq!(shallow.root.expect("root").count(), 3);
    }

    #[test]
    fn failed_lists_leave_nodes_unknown_with_the_reason() {
        let mut snap = Snapshot::default();
        let root = ks("f", "root");
        insert(
            &mut snap,
            &root,
            expandable(vec![r("", "Secret", "f", "s")], false),
        );
        let store = snap.kind_mut(&GroupKind::new("", "Secret"));
        store.namespaced = Some(true);
        store.coverage.namespaces.insert(
            "f".into(),
            Attempt::Failed(Failure {
                reason: crate::tree::snapshot::FailReason::Forbidden,
                message: "secrets is forbidden".into(),
            }),
        );
        let walked = walk(&snap, &root, WalkOptions::default());
        let root = walked.root.expect("root");
        assert_eq!(root.children[0].status.label(), "Unknown (Forbidden)");
        assert_eq!(walked.unknown.values().sum::<usize>(), 1);
    }
}
