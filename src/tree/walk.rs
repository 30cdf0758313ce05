//! Builds the tree from a [`Snapshot`], and says what is still needed to finish it.
//!
//! The walk is pure and cheap (no requests, linear in the number of nodes, no allocation for a
//! node that is already settled when nodes are not built), so the fetcher runs it whenever a
//! response may have changed what the tree needs: each run expands as far as the fetched objects
//! allow and returns the objects, Helm storage Secrets and CRD owners it could not settle yet,
//! each object with the owner whose inventory names it (the owner's labels are what a
//! label-selected LIST selects on). Nested Kustomizations cost nothing once the Kustomization
//! LIST is in: they are all expanded from it, level after level, in the same walk.
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
    model::{Expandable, GroupKind, Node, ObjRef, Status},
    snapshot::{
        Attempt, Children, Covered, Expansion, Failure, HelmState, ObjInfo, Owner, Snapshot, StorageKey,
    },
};
use crate::{
    kube::is_flux_group,
    status::{Health, State},
};

/// What shapes the walk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkOptions {
    /// Only Flux objects (`--compact`).
    pub compact: bool,
    /// Expand at most this many levels below the root (`--depth`).
    pub max_depth: Option<usize>,
}

/// An object the tree needs and nothing has asked for yet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Want {
    /// Namespace ("" for cluster-scoped objects).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Whose inventory (or Helm release) names it; `None` for the root.
    pub owner: Option<Owner>,
}

/// What is still needed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Objects per kind, in walk order (an object named by two inventories appears twice).
    pub kinds: BTreeMap<GroupKind, Vec<Want>>,
    /// Kinds whose API resource or scope must be discovered first.
    pub resolve: BTreeSet<GroupKind>,
    /// Helm storage Secrets.
    pub helm: BTreeSet<StorageKey>,
    /// HelmReleases whose CRDs are found by label.
    pub crd_owners: BTreeSet<Owner>,
    /// Some expandable object is not settled yet (fetched, or being fetched): more objects of
    /// any kind may be needed once it is.
    pub expanding: bool,
    /// Some object the tree needs is being fetched.
    pub waiting: bool,
    /// Expandable objects awaited from a speculative cluster-wide LIST still in flight, with no
    /// GET of their own: a few GETs may beat a big LIST.
    pub racing: BTreeMap<GroupKind, Vec<Want>>,
}

impl Needs {
    /// Nothing left to ask for.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && self.resolve.is_empty() && self.helm.is_empty() && self.crd_owners.is_empty()
    }

    /// Adds an object.
    pub fn add(&mut self, gk: GroupKind, want: Want) {
        self.kinds.entry(gk).or_default().push(want);
    }
}

/// How far the root could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootState {
    /// Found: the tree is in [`Walked::root`] (when nodes were built).
    Found,
    /// Not fetched yet, or being fetched.
    Pending,
    /// Fetched, and it does not exist.
    Missing,
    /// It could not be read.
    Failed(Failure),
}

/// The result of one walk.
#[derive(Debug)]
pub struct Walked {
    /// The root's state.
    pub state: RootState,
    /// The tree as far as it could be built (when nodes were built and the root was found).
    pub root: Option<Node>,
    /// What is still needed.
    pub needs: Needs,
    /// Problems to report once (Helm storage not found or undecodable).
    pub warnings: Vec<String>,
    /// Nodes left Unknown by a failed request: (kind, reason, message) → count, for one warning each.
    pub unknown: BTreeMap<(String, String, String), usize>,
}

/// Walks the snapshot from `root`, building the nodes.
pub fn walk(snapshot: &Snapshot, root: &ObjRef, options: WalkOptions) -> Walked {
    run(snapshot, root, options, true)
}

/// Walks the snapshot from `root` for what it still needs only, without building nodes.
pub fn needs(snapshot: &Snapshot, root: &ObjRef, options: WalkOptions) -> Walked {
    run(snapshot, root, options, false)
}

fn run(snapshot: &Snapshot, root: &ObjRef, options: WalkOptions, build: bool) -> Walked {
    let mut w = Walker {
        snapshot,
        options,
        build,
        needs: Needs::default(),
        warnings: Vec::new(),
        unknown: BTreeMap::new(),
        path: Vec::new(),
    };
    let view = View::of(root);
    let (state, node) = match w.lookup(&view, None) {
        Lookup::Found(info) => (RootState::Found, w.found(&view, info, 0)),
        Lookup::Pending | Lookup::InFlight => {
            w.visit(&view, None, 0);
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

/// An object as the walk meets it: borrowed from an inventory, a Helm manifest or the root.
struct View<'v> {
    group: &'v str,
    kind: &'v str,
    namespace: &'v str,
    name: &'v str,
    version: &'v str,
}

impl<'v> View<'v> {
    fn of(r: &'v ObjRef) -> Self {
        View {
            group: &r.group,
            kind: &r.kind,
            namespace: &r.namespace,
            name: &r.name,
            version: &r.version,
        }
    }

    fn to_ref(&self) -> ObjRef {
        ObjRef {
            group: self.group.to_string(),
            kind: self.kind.to_string(),
            namespace: self.namespace.to_string(),
            name: self.name.to_string(),
            version: self.version.to_string(),
        }
    }

    fn same(&self, group: &str, kind: &str, namespace: &str, name: &str) -> bool {
        self.group == group && self.kind == kind && self.namespace == namespace && self.name == name
    }
}

enum Lookup<'a> {
    Found(&'a ObjInfo),
    Missing,
    Failed(&'a Failure),
    InFlight,
    Pending,
}

struct Walker<'a> {
    snapshot: &'a Snapshot,
    options: WalkOptions,
    build: bool,
    needs: Needs,
    warnings: Vec<String>,
    unknown: BTreeMap<(String, String, String), usize>,
    /// The ancestors of the node being expanded (the cycle guard): group, kind, namespace, name.
    path: Vec<(String, String, String, String)>,
}

impl<'a> Walker<'a> {
    fn lookup(&self, obj: &View<'_>, owner: Option<&Owner>) -> Lookup<'a> {
        let Some(store) = self.snapshot.kind(obj.group, obj.kind) else {
            return Lookup::Pending;
        };
        if let Some(f) = &store.unresolvable {
            return Lookup::Failed(f);
        }
        if let Some(info) = store.get(obj.namespace, obj.name) {
            return Lookup::Found(info);
        }
        let namespaced = store.namespaced.unwrap_or(!obj.namespace.is_empty());
        match store.coverage.covered(obj.namespace, obj.name, namespaced) {
            Covered::Done => Lookup::Missing,
            Covered::Failed(f) => Lookup::Failed(f),
            Covered::InFlight => Lookup::InFlight,
            Covered::Pending => match owner.and_then(|o| store.coverage.labelled(o, obj.namespace)) {
                Some(Attempt::InFlight) => Lookup::InFlight,
                _ => Lookup::Pending,
            },
        }
    }

    /// A node for any object: looked up, and expanded when it is found and expandable.
    fn visit(&mut self, obj: &View<'_>, owner: Option<&Owner>, depth: usize) -> Option<Node> {
        let expandable = Expandable::of(obj.group, obj.kind).is_some();
        let status = match self.lookup(obj, owner) {
            Lookup::Found(info) => return self.found(obj, info, depth),
            Lookup::Missing => Health::of(State::Missing),
            Lookup::Failed(f) => {
                *self
                    .unknown
                    .entry((
                        GroupKind::new(obj.group, obj.kind).display(),
                        f.reason.label().to_string(),
                        f.message.clone(),
                    ))
                    .or_default() += 1;
                f.health()
            }
            state @ (Lookup::InFlight | Lookup::Pending) => {
                if expandable {
                    self.needs.expanding = true;
                }
                if matches!(state, Lookup::Pending) {
                    self.needs.add(
                        GroupKind::new(obj.group, obj.kind),
                        Want {
                            namespace: obj.namespace.to_string(),
                            name: obj.name.to_string(),
                            owner: owner.cloned(),
                        },
                    );
                } else {
                    self.needs.waiting = true;
                    if expandable && let Some(store) = self.snapshot.kind(obj.group, obj.kind) {
                        let key = (obj.namespace.to_string(), obj.name.to_string());
                        let selected = matches!(
                            owner.and_then(|o| store.coverage.labelled(o, obj.namespace)),
                            Some(Attempt::InFlight)
                        );
                        if store.coverage.all == Attempt::InFlight
                            && !selected
                            && !store.coverage.objects.contains_key(&key)
                        {
                            self.needs
                                .racing
                                .entry(GroupKind::new(obj.group, obj.kind))
                                .or_default()
                                .push(Want {
                                    namespace: key.0,
                                    name: key.1,
                                    owner: owner.cloned(),
                                });
                        }
                    }
                }
                Health {
                    state: State::Unknown,
                    reason: Some("NotFetched".into()),
                    message: None,
                }
            }
        };
        self.build.then(|| Node::leaf(obj.to_ref(), Status::Live(status)))
    }

    fn found(&mut self, obj: &View<'_>, info: &'a ObjInfo, depth: usize) -> Option<Node> {
        let mut node = self.build.then(|| {
            let mut node = Node::leaf(obj.to_ref(), Status::Live(info.health.clone()));
            node.revision = info.revision.clone();
            // Drift is a change to what an owner applied: the root has no owner in this tree.
            if depth > 0 {
                node.drift = info.drift.clone();
            }
            if node.object.version.is_empty() {
                // The root comes from the command line without a version: show the one fetched.
                let fetched = self
                    .snapshot
                    .kind(&node.object.group, &node.object.kind)
                    .and_then(|s| s.resource.as_ref());
                if let Some(resource) = fetched {
                    node.object.version = resource.version.clone();
                }
            }
            node
        });
        let Some(expansion) = &info.expansion else {
            return node;
        };
        if let Some(node) = node.as_mut() {
            node.remote = expansion.remote;
            node.domain.clone_from(&expansion.domain);
            node.component.clone_from(&expansion.component);
        }
        if self.options.max_depth.is_some_and(|max| depth >= max) {
            return node;
        }
        if self.path.iter().any(|(g, k, ns, n)| obj.same(g, k, ns, n)) {
            if let Some(node) = node.as_mut() {
                node.cycle = true;
            }
            return node;
        }
        let Some(kind) = Expandable::of(obj.group, obj.kind) else {
            return node;
        };
        let owner = Owner {
            kind,
            namespace: obj.namespace.to_string(),
            name: obj.name.to_string(),
        };
        self.path.push((
            obj.group.to_string(),
            obj.kind.to_string(),
            obj.namespace.to_string(),
            obj.name.to_string(),
        ));
        let children = self.children(obj, &owner, expansion, depth + 1);
        self.path.pop();
        if let Some(node) = node.as_mut() {
            node.children = children;
        }
        node
    }

    fn keep(&self, parent: &View<'_>, child: &View<'_>) -> bool {
        !child.same(parent.group, parent.kind, parent.namespace, parent.name)
            && (!self.options.compact || is_flux_group(child.group))
    }

    fn children(
        &mut self,
        parent: &View<'_>,
        owner: &Owner,
        expansion: &'a Expansion,
        depth: usize,
    ) -> Vec<Node> {
        let mut out = Vec::new();
        match &expansion.children {
            Children::Inventory(inventory) => {
                for entry in inventory.entries() {
                    let child = View {
                        group: entry.group,
                        kind: entry.kind,
                        namespace: entry.namespace,
                        name: &entry.name,
                        version: entry.version,
                    };
                    if !self.keep(parent, &child) {
                        continue;
                    }
                    if expansion.remote {
                        if self.build {
                            out.push(Node::leaf(child.to_ref(), Status::Remote));
                        }
                    } else if let Some(node) = self.visit(&child, Some(owner), depth) {
                        out.push(node);
                    }
                }
            }
            // The storage Secret of a remote release lives in the remote cluster.
            Children::Helm(_) if expansion.remote => {}
            Children::Helm(key) => self.helm_children(parent, owner, key, depth, &mut out),
            Children::None => {}
        }
        if expansion.helm_crds && !expansion.remote {
            self.helm_crds(owner, depth, &mut out);
        }
        out
    }

    fn helm_children(
        &mut self,
        parent: &View<'_>,
        owner: &Owner,
        key: &StorageKey,
        depth: usize,
        out: &mut Vec<Node>,
    ) {
        let release = match self.snapshot.helm_state(key) {
            HelmState::NotTried | HelmState::ForbiddenClusterWide => {
                self.needs.helm.insert(key.clone());
                self.needs.expanding = true;
                return;
            }
            HelmState::InFlight => {
                self.needs.expanding = true;
                self.needs.waiting = true;
                return;
            }
            HelmState::Absent => {
                self.warnings.push(format!(
                    "{}: Helm storage Secret {}/{} not found: its objects are not shown",
                    parent.to_ref(),
                    key.namespace,
                    key.secret_name()
                ));
                return;
            }
            HelmState::Failed(message) => {
                self.warnings.push(format!(
                    "{}: cannot read Helm storage Secret {}/{}: {message}",
                    parent.to_ref(),
                    key.namespace,
                    key.secret_name()
                ));
                return;
            }
            HelmState::Decoded(release) => release,
        };
        let release_namespace = if release.namespace.is_empty() {
            parent.namespace
        } else {
            release.namespace.as_str()
        };
        for object in &release.objects {
            let namespace = if object.namespace.is_empty() {
                match self.snapshot.namespaced(&object.group, &object.kind) {
                    Some(true) => release_namespace,
                    Some(false) => "",
                    None => {
                        // Discovery tells the scope; the object is placed once it has answered.
                        self.needs.resolve.insert(object.group_kind());
                        self.needs.expanding = true;
                        continue;
                    }
                }
            } else {
                object.namespace.as_str()
            };
            let child = View {
                group: &object.group,
                kind: &object.kind,
                namespace,
                name: &object.name,
                version: &object.version,
            };
            if self.keep(parent, &child)
                && let Some(node) = self.visit(&child, Some(owner), depth)
            {
                out.push(node);
            }
        }
    }

    /// CRDs a legacy HelmRelease installed, found by helm-controller's labels (as flux does).
    fn helm_crds(&mut self, owner: &Owner, depth: usize, out: &mut Vec<Node>) {
        if self.options.compact {
            return;
        }
        let crd = GroupKind::new("apiextensions.k8s.io", "CustomResourceDefinition");
        match self.snapshot.crd_owners.get(owner) {
            None | Some(Attempt::NotTried) => {
                self.needs.crd_owners.insert(owner.clone());
                return;
            }
            Some(Attempt::InFlight) => {
                self.needs.waiting = true;
                return;
            }
            // Not worth a warning: the release's own objects are shown, only its CRDs are not.
            Some(Attempt::Failed(_)) => return,
            Some(Attempt::Done) => {}
        }
        let Some(store) = self.snapshot.kind(&crd.group, &crd.kind) else {
            return;
        };
        let mut names: Vec<&String> = store
            .objects
            .get("")
            .into_iter()
            .flatten()
            .filter(|(_, info)| {
                info.helm_owner
                    .as_deref()
                    .is_some_and(|(ns, name)| *ns == owner.namespace && *name == owner.name)
            })
            .map(|(name, _)| name)
            .collect();
        names.sort();
        for name in names {
            let exists = out
                .iter()
                .any(|n| n.object.kind == crd.kind && n.object.group == crd.group && n.object.name == *name);
            if !exists {
                let child = View {
                    group: &crd.group,
                    kind: &crd.kind,
                    namespace: "",
                    name,
                    version: "v1",
                };
                if let Some(node) = self.visit(&child, None, depth) {
                    out.push(node);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::snapshot::{Expansion, FailReason, Inventory};

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

    fn id(o: &ObjRef) -> String {
        format!(
            "{}_{}_{}_{}",
            o.namespace,
            o.name.replace(':', "__"),
            o.group,
            o.kind
        )
    }

    fn insert(snap: &mut Snapshot, obj: &ObjRef, info: ObjInfo) {
        let store = snap.kind_mut(&obj.group_kind());
        store.namespaced = Some(true);
        store.coverage.all = Attempt::Done;
        store.insert(obj.namespace.clone(), obj.name.clone(), info);
    }

    fn expandable(children: Vec<ObjRef>, remote: bool) -> ObjInfo {
        let ids: Vec<(String, String)> = children.iter().map(|c| (id(c), c.version.clone())).collect();
        let (inventory, invalid) = Inventory::build(ids.iter().map(|(i, v)| (i.as_str(), v.as_str())));
        assert!(invalid.is_empty());
        let mut info = ObjInfo::plain(Health::of(State::Ready));
        info.expansion = Some(Box::new(Expansion {
            remote,
            children: Children::Inventory(inventory),
            helm_crds: false,
            domain: None,
            component: None,
        }));
        info
    }

    fn names(node: &Node) -> Vec<String> {
        let mut out = Vec::new();
        node.visit(0, &mut |n, d| {
            out.push(format!("{}{} {}", "  ".repeat(d), n.object, n.status.label()))
        });
        out
    }

    fn wanted(needs: &Needs, gk: &GroupKind) -> Vec<(String, String, Option<String>)> {
        needs.kinds[gk]
            .iter()
            .map(|w| {
                (
                    w.namespace.clone(),
                    w.name.clone(),
                    w.owner.as_ref().map(|o| o.name.clone()),
                )
            })
            .collect()
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
        // Nothing asked for the ConfigMaps yet: both are wanted, each with its owner.
        let pending = needs(&snap, &root, WalkOptions::default());
        assert!(pending.root.is_none());
        let gk = GroupKind::new("", "ConfigMap");
        assert_eq!(
            wanted(&pending.needs, &gk),
            [
                ("apps".into(), "a".into(), Some("apps".into())),
                ("flux-system".into(), "cfg".into(), Some("flux-system".into()))
            ]
        );
        assert!(!pending.needs.expanding);

        let store = snap.kind_mut(&gk);
        store.namespaced = Some(true);
        store.coverage.namespaces.insert("apps".into(), Attempt::Done);
        store
            .coverage
            .objects
            .insert(("flux-system".into(), "cfg".into()), Attempt::Done);
        store.insert(
            "apps".into(),
            "a".into(),
            ObjInfo::plain(Health::of(State::Exists)),
        );
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
    fn label_selected_lists_settle_only_what_they_returned() {
        let mut snap = Snapshot::default();
        let root = ks("f", "root");
        insert(
            &mut snap,
            &root,
            expandable(vec![cm("f", "there"), cm("f", "gone")], false),
        );
        let owner = Owner {
            kind: Expandable::Kustomization,
            namespace: "f".into(),
            name: "root".into(),
        };
        let gk = GroupKind::new("", "ConfigMap");
        let store = snap.kind_mut(&gk);
        store.namespaced = Some(true);
        store
            .coverage
            .labelled
            .insert((owner.clone(), None), Attempt::InFlight);
        let walked = needs(&snap, &root, WalkOptions::default());
        assert!(walked.needs.kinds.is_empty() && walked.needs.waiting);

        let store = snap.kind_mut(&gk);
        store.coverage.labelled.insert((owner, None), Attempt::Done);
        store.insert(
            "f".into(),
            "there".into(),
            ObjInfo::plain(Health::of(State::Exists)),
        );
        // "gone" was not returned: it may exist without the owner's labels, so it is still wanted.
        let walked = needs(&snap, &root, WalkOptions::default());
        assert_eq!(
            wanted(&walked.needs, &gk),
            [("f".into(), "gone".into(), Some("root".into()))]
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
            wanted(&shallow.needs, &GroupKind::new("", "ConfigMap")),
            [("f".into(), "c".into(), Some("root".into()))]
        );
        assert_eq!(shallow.root.expect("root").count(), 3);
    }

    #[test]
    fn failed_requests_leave_nodes_unknown_with_the_reason() {
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
                reason: FailReason::Forbidden,
                message: "secrets is forbidden".into(),
            }),
        );
        let walked = walk(&snap, &root, WalkOptions::default());
        let root = walked.root.expect("root");
        assert_eq!(root.children[0].status.label(), "Unknown (Forbidden)");
        assert_eq!(walked.unknown.values().sum::<usize>(), 1);
    }
}
