//! The fetch plan: for each kind the walk still needs, the cheapest requests that settle it.
//!
//! # Cost model
//!
//! Costs are counted in what the apiserver and the client spend per request and per object
//! sent (the object is encoded from the watch cache, gzipped, sent, inflated and decoded: about
//! ten to thirty microseconds for a typical object on both sides together), and in round trips.
//! The encoding is the biggest share of the per-object cost, and it depends on the wire format:
//! LISTs of built-in kinds are asked for in protobuf ([`super::proto`]), which the apiserver
//! encodes in about half the time of JSON (measured on the benchmark's 10,000-object cluster: a
//! cluster-wide LIST of 833 Deployments, 30 ms against 55 ms of apiserver wall time) and the
//! client skips through by field lengths; custom resources (the Flux kinds among them) exist
//! only in JSON, so a custom-resource object costs about twice a built-in one. Either way:
//!
//! | strategy | requests | objects sent | settles absence? |
//! |---|---|---|---|
//! | GET per object | *n* | *n* | yes (404) |
//! | label-selected LIST (owner labels) | 1 per owner kind | those owners' objects, ≈ *n* | no |
//! | namespace LIST | 1 per namespace | every object of the kind in those namespaces | yes |
//! | cluster-wide LIST | 1 | every object *N* of the kind | yes |
//!
//! A label-selected LIST costs the apiserver a label match per object of the kind in its scope
//! (measured: 14 ms of CPU for a cluster-wide selection among 4,200 Deployments, about 3 µs per
//! object) and sends only the objects the owners applied, so it is never dearer than a LIST of
//! the same scope and is far cheaper when the tree is a small part of the cluster. Flux labels everything it applies with its owner
//! (`kustomize.toolkit.fluxcd.io/name` and `/namespace`, `helm.toolkit.fluxcd.io/…`,
//! `resourceset.fluxcd.controlplane.io/…`, `fluxcd.controlplane.io/…` for FluxInstances), but a
//! label only proves presence: an inventory entry a label-selected LIST did not return is
//! either gone or applied without the labels, and costs one more GET (one more round trip) to
//! tell, which is also how *Missing* is detected. So, per kind, with *n* objects still needed:
//!
//! 1. *n* ≤ [`GET_MAX`]: a GET each (no selector scan, absence settled in the same round);
//! 2. otherwise objects whose owner labels are usable, a label-selected LIST per owner kind
//!    (one per namespace when they are in at most [`NAMESPACE_MAX`] namespaces, or when the
//!    cluster-wide one is forbidden; cluster-wide otherwise): the apiserver matches the
//!    selector against every object in the LIST's scope, so in a big cluster a few
//!    namespace-scoped selections cost it a fraction of one cluster-wide selection;
//! 3. what a label-selected LIST did not return: a GET each when at most [`STRAGGLER_GETS`];
//! 4. everything else (no owner labels, labels shown unreliable by an earlier LIST that returned
//!    less than half of what was asked, more owners than one selector should carry): one LIST per
//!    namespace when the objects are in at most [`NAMESPACE_MAX`] namespaces, else one
//!    cluster-wide LIST — the cheapest way to settle many objects when the tree covers much of
//!    the kind.
//!
//! Expandable kinds (Kustomization, HelmRelease, ResourceSet, FluxInstance) are listed
//! cluster-wide, speculatively, in the first round of any tree whose root can contain them
//! (not a HelmRelease root): with every inventory in memory the walk expands the whole subtree,
//! however deep, and the leaves follow in a second round. When the walk no longer needs them (a
//! small subtree whose Kustomizations arrived first, by the root's labels), the fetch cancels
//! them. Cancelling does not give back what the apiserver spent: in a big cluster the
//! Kustomization LIST is its dearest request by far (every inventory of the cluster, encoded as
//! JSON: 250 ms of apiserver CPU at 50,000 objects, against 30 ms for everything else a
//! 300-node subtree needs). So a root whose first round did without a LIST is remembered
//! ([`super::memory`], per cluster and root) and its next fetch leaves that LIST out
//! ([`Speculation`]): two rounds still, because its Kustomizations come from the LIST by the
//! root's labels. When the tree has grown deeper since, the deeper Flux objects are planned like
//! leaves (by name, labels or a LIST), one more round per level, and the memory is corrected.
//! The memory also keeps the leaf requests of the root's last tree ([`leaf_plan`]: what this
//! plan would send for it from scratch, and the GETs that followed its label-selected LISTs);
//! the next fetch sends them with its first round ([`ahead_round`]), so an unchanged tree costs
//! one round, and the leaves' label scans overlap the Flux objects' round instead of following
//! it (in a big cluster they are most of a subtree's apiserver work: a cluster-wide selection
//! matches every object of the kind, about 15 ms of apiserver CPU per kind at 8,300 objects).
//! Aggregated discovery (`/apis`, one request) is sent in the first round too, so custom
//! resource kinds named by inventories are resolved by the time the second round is planned.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use kube::api::ApiResource;

use super::{
    kinds::resolve_static,
    model::{Expandable, GroupKind},
    snapshot::{
        Attempt, Discovery, FailReason, HelmState, KindStore, Owner, Snapshot, StorageKey, owner_label_prefix,
    },
    walk::{Needs, Want},
};

/// At most this many objects of a kind are fetched by GETs instead of a LIST.
pub const GET_MAX: usize = 8;
/// A label selection for at most this many objects is replaced by GETs (when the kind is
/// selected for another owner kind anyway).
pub const SMALL_GROUP: usize = 4;
/// Objects a label-selected LIST did not return are fetched by GETs up to this many per kind.
pub const STRAGGLER_GETS: usize = 32;
/// Objects spread over at most this many namespaces are listed namespace by namespace.
pub const NAMESPACE_MAX: usize = 4;
/// Owners per label selector (the selector goes in the URL).
pub const SELECTOR_OWNERS_MAX: usize = 256;
/// Items per LIST page: large, because every further page costs a round trip; the response is
/// decoded as it streams, so the page size does not bound client memory, it bounds one
/// response's work on the apiserver.
pub const PAGE_SIZE: u32 = 10_000;

/// The Flux kinds whose cluster-wide LIST the first round leaves out: what a previous fetch of the
/// same root learnt it did not need (see [`super::memory`]). A small subtree of a big cluster
/// then costs the apiserver only its own objects: the cluster-wide LIST of Kustomizations carries
/// every inventory of the cluster (measured at 50,000 objects: 250 ms of apiserver CPU against
/// 30 ms for the whole rest of a 300-node subtree), and it is sent ahead of need only because a
/// deep tree would otherwise cost one more round per level. A wrong guess costs one round, never
/// a node: what the walk then needs is planned like any other object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Speculation {
    skip: u8,
}

impl Speculation {
    fn bit(kind: Expandable) -> u8 {
        1 << Expandable::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or_default()
    }

    /// Whether the first round leaves out the cluster-wide LIST of `kind`.
    pub fn skips(self, kind: Expandable) -> bool {
        self.skip & Self::bit(kind) != 0
    }

    /// Leaves out (`true`) or sends (`false`) the cluster-wide LIST of `kind`.
    pub fn set(&mut self, kind: Expandable, skip: bool) {
        if skip {
            self.skip |= Self::bit(kind);
        } else {
            self.skip &= !Self::bit(kind);
        }
    }

    /// The kinds left out.
    pub fn skipped(self) -> Vec<Expandable> {
        Expandable::ALL.into_iter().filter(|k| self.skips(*k)).collect()
    }

    /// Whether every LIST is sent (nothing learnt).
    pub fn is_empty(self) -> bool {
        self.skip == 0
    }
}

/// How objects of the leaf kinds are fetched: chosen per kind by the cost model, or forced (to
/// test that every strategy builds the same tree, and to measure them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// The cost model decides.
    #[default]
    Auto,
    /// A GET per object.
    Get,
    /// Label-selected LISTs, then GETs for what they did not return.
    Label,
    /// One LIST per namespace.
    Namespace,
    /// One cluster-wide LIST per kind.
    Cluster,
}

struct Limits {
    get_max: usize,
    labels: bool,
    small_group: usize,
    straggler_gets: usize,
    rest_gets: usize,
}

impl Strategy {
    fn limits(self) -> Limits {
        let (get_max, labels, small_group, straggler_gets, rest_gets) = match self {
            Strategy::Auto => (GET_MAX, true, SMALL_GROUP, STRAGGLER_GETS, GET_MAX),
            Strategy::Get => (usize::MAX, false, 0, 0, 0),
            Strategy::Label => (0, true, 0, usize::MAX, usize::MAX),
            Strategy::Namespace | Strategy::Cluster => (0, false, 0, 0, 0),
        };
        Limits {
            get_max,
            labels,
            small_group,
            straggler_gets,
            rest_gets,
        }
    }
}

/// A label selector on owner labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// The owners' kind (which controller's labels).
    pub kind: Expandable,
    /// The owners.
    pub owners: Vec<Owner>,
}

impl Selector {
    /// `<prefix>/name in (…),<prefix>/namespace in (…)` (a superset when owners span several
    /// namespaces; extra objects are harmless).
    pub fn to_query(&self) -> String {
        let prefix = owner_label_prefix(self.kind);
        let names: BTreeSet<&str> = self.owners.iter().map(|o| o.name.as_str()).collect();
        let namespaces: BTreeSet<&str> = self.owners.iter().map(|o| o.namespace.as_str()).collect();
        let set = |s: BTreeSet<&str>| s.into_iter().collect::<Vec<_>>().join(",");
        format!(
            "{prefix}/name in ({}),{prefix}/namespace in ({})",
            set(names),
            set(namespaces)
        )
    }
}

/// One request (or one paginated LIST).
#[derive(Clone, Debug)]
pub enum Job {
    /// GET one object.
    Get {
        /// Kind.
        gk: GroupKind,
        /// API resource.
        resource: ApiResource,
        /// Namespace (`None` for cluster-scoped kinds).
        namespace: Option<String>,
        /// Name.
        name: String,
        /// PartialObjectMetadata is enough.
        metadata_only: bool,
        /// Sent ahead of need, from the plan memory: the fetch does not wait for it once nothing
        /// needs it, and its failure is forgotten (the object is then planned like any other).
        ahead: bool,
    },
    /// LIST a kind (cluster-wide or in a namespace), optionally label-selected.
    List {
        /// Kind.
        gk: GroupKind,
        /// API resource.
        resource: ApiResource,
        /// Namespace scope.
        namespace: Option<String>,
        /// Owner label selector.
        selector: Option<Selector>,
        /// PartialObjectMetadataList is enough.
        metadata_only: bool,
        /// Names the walk asked for (label-selected LISTs: to see which were not returned).
        wanted: Vec<(String, String)>,
        /// Sent ahead of need: the fetch does not wait for it once nothing needs it.
        speculative: bool,
    },
    /// Helm storage Secrets of releases without an inventory, by Helm's labels.
    Helm {
        /// Releases.
        keys: Vec<StorageKey>,
        /// Namespace scope (after a cluster-wide LIST was forbidden).
        namespace: Option<String>,
    },
    /// CRDs installed by legacy HelmReleases, by helm-controller's labels.
    Crds {
        /// The HelmReleases.
        owners: Vec<Owner>,
    },
    /// Aggregated discovery of every API group.
    Discover {
        /// Sent ahead of need.
        speculative: bool,
    },
    /// Discovery of one group (servers without aggregated discovery).
    DiscoverGroup {
        /// The kind to resolve.
        gk: GroupKind,
    },
}

impl Job {
    /// Whether the fetch may stop without waiting for it.
    pub fn speculative(&self) -> bool {
        matches!(
            self,
            Job::List {
                speculative: true,
                ..
            } | Job::Get { ahead: true, .. }
                | Job::Discover { speculative: true }
        )
    }

    /// The kind a GET or LIST fetches.
    pub fn kind(&self) -> Option<&GroupKind> {
        match self {
            Job::Get { gk, .. } | Job::List { gk, .. } => Some(gk),
            _ => None,
        }
    }

    /// The API resource a GET or LIST asks.
    pub fn resource(&self) -> Option<&ApiResource> {
        match self {
            Job::Get { resource, .. } | Job::List { resource, .. } => Some(resource),
            _ => None,
        }
    }

    /// What the job marks in flight in the snapshot (GETs and LISTs).
    pub fn mark(&self) -> Option<Mark> {
        match self {
            Job::Get {
                gk, namespace, name, ..
            } => Some(Mark::Object(
                gk.clone(),
                namespace.clone().unwrap_or_default(),
                name.clone(),
            )),
            Job::List {
                gk,
                namespace,
                selector,
                ..
            } => Some(Mark::of_list(gk, namespace.as_deref(), selector.as_ref())),
            _ => None,
        }
    }
}

/// The coverage a GET or LIST sets in its kind's store, to set in flight and to forget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    /// One object (namespace "" when cluster-scoped).
    Object(GroupKind, String, String),
    /// Owners' label selection, cluster-wide or in a namespace.
    Labelled(GroupKind, Vec<Owner>, Option<String>),
    /// An unselected LIST in a namespace.
    Namespace(GroupKind, String),
    /// An unselected cluster-wide LIST.
    All(GroupKind),
}

impl Mark {
    /// The mark of a LIST.
    pub fn of_list(gk: &GroupKind, namespace: Option<&str>, selector: Option<&Selector>) -> Mark {
        match (selector, namespace) {
            (Some(s), ns) => Mark::Labelled(gk.clone(), s.owners.clone(), ns.map(str::to_string)),
            (None, Some(ns)) => Mark::Namespace(gk.clone(), ns.to_string()),
            (None, None) => Mark::All(gk.clone()),
        }
    }

    /// Whether the snapshot has nothing settled or in flight where this mark goes (a job sent
    /// ahead of need must not stand for a request the plan already made).
    fn is_free(&self, snapshot: &Snapshot) -> bool {
        let gk = self.kind();
        let Some(store) = snapshot.kind(&gk.group, &gk.kind) else {
            return true;
        };
        let c = &store.coverage;
        match self {
            Mark::Object(_, ns, name) => !c.objects.contains_key(&(ns.clone(), name.clone())),
            Mark::Labelled(_, owners, ns) => owners
                .iter()
                .all(|o| !c.labelled.contains_key(&(o.clone(), ns.clone()))),
            Mark::Namespace(_, ns) => !c.namespaces.contains_key(ns),
            Mark::All(_) => c.all == Attempt::NotTried,
        }
    }

    /// The kind.
    pub fn kind(&self) -> &GroupKind {
        match self {
            Mark::Object(gk, ..) | Mark::Labelled(gk, ..) | Mark::Namespace(gk, _) | Mark::All(gk) => gk,
        }
    }

    /// Sets the coverage to `attempt` (`None`: as if never sent).
    pub fn set(&self, snapshot: &mut Snapshot, attempt: Option<Attempt>) {
        let c = &mut snapshot.kind_mut(self.kind()).coverage;
        match (self, attempt) {
            (Mark::Object(_, ns, name), Some(a)) => {
                c.objects.insert((ns.clone(), name.clone()), a);
            }
            (Mark::Object(_, ns, name), None) => {
                c.objects.remove(&(ns.clone(), name.clone()));
            }
            (Mark::Labelled(_, owners, ns), a) => {
                for o in owners {
                    let key = (o.clone(), ns.clone());
                    match &a {
                        Some(a) => c.labelled.insert(key, a.clone()),
                        None => c.labelled.remove(&key),
                    };
                }
            }
            (Mark::Namespace(_, ns), Some(a)) => {
                c.namespaces.insert(ns.clone(), a);
            }
            (Mark::Namespace(_, ns), None) => {
                c.namespaces.remove(ns);
            }
            (Mark::All(_), a) => c.all = a.unwrap_or(Attempt::NotTried),
        }
    }
}

/// The jobs the plan memory remembers of a root's last fetch, sent in the first round ahead of
/// need (see [`super::memory`]): the leaves of a tree that has not changed are then fetched with
/// the Flux objects, in one round. Each is marked in flight, so the plan waits for it instead of
/// asking again; a job whose place a request already holds is dropped. Only leaf kinds: the Flux
/// kinds have their own speculation.
pub fn ahead_round(snapshot: &mut Snapshot, remembered: Vec<Job>) -> Vec<Job> {
    let mut jobs = Vec::new();
    for mut job in remembered {
        let Some(gk) = job.kind().cloned() else {
            continue;
        };
        let Some(mark) = job.mark() else {
            continue;
        };
        if Expandable::of(&gk.group, &gk.kind).is_some() || !mark.is_free(snapshot) {
            continue;
        }
        match &mut job {
            Job::Get { ahead, .. } => *ahead = true,
            Job::List {
                speculative, wanted, ..
            } => {
                *speculative = true;
                // Names from an earlier tree: not evidence of unlabelled objects.
                wanted.clear();
            }
            _ => continue,
        }
        if let Some((resource, namespaced)) = resolve_static(&gk.group, &gk.kind) {
            let store = snapshot.kind_mut(&gk);
            store.resource.get_or_insert(resource);
            store.namespaced.get_or_insert(namespaced);
        }
        mark.set(snapshot, Some(Attempt::InFlight));
        jobs.push(job);
    }
    jobs
}

/// The leaf requests a fetch without memory would send for the tree in `snapshot` (a finished
/// fetch's): what the plan memory keeps for the next fetch of the root. The leaves' objects and
/// requests are set aside while the walk and the plan run on the Flux objects alone; the objects
/// this fetch had to GET after its LISTs (not returned by their owner's labels) are added, so
/// that the next fetch asks for them in the same round.
pub fn leaf_plan(
    snapshot: &mut Snapshot,
    root: &super::model::ObjRef,
    options: super::walk::WalkOptions,
    context: &str,
    strategy: Strategy,
) -> Vec<Job> {
    let fetched_by_name: HashSet<(GroupKind, String, String)> = snapshot
        .kinds
        .iter()
        .filter(|(gk, _)| Expandable::of(&gk.group, &gk.kind).is_none())
        .flat_map(|(gk, store)| {
            store
                .coverage
                .objects
                .iter()
                .filter(|(_, a)| **a == Attempt::Done)
                .map(move |((ns, name), _)| (gk.clone(), ns.clone(), name.clone()))
        })
        .collect();
    snapshot.without_leaves(|bare| {
        let walked = super::walk::needs(bare, root, options);
        let mut jobs: Vec<Job> = plan(bare, &walked.needs, false, context, strategy)
            .into_iter()
            .filter(|job| {
                matches!(job, Job::Get { .. } | Job::List { .. })
                    && job
                        .kind()
                        .is_some_and(|gk| Expandable::of(&gk.group, &gk.kind).is_none())
            })
            .collect();
        for (gk, wants) in &walked.needs.kinds {
            let Some(store) = bare.kind(&gk.group, &gk.kind) else {
                continue;
            };
            let Some(resource) = store.resource.clone() else {
                continue;
            };
            let namespaced = store.namespaced.unwrap_or(true);
            for w in wants {
                let key = (gk.clone(), w.namespace.clone(), w.name.clone());
                let planned = store
                    .coverage
                    .objects
                    .contains_key(&(w.namespace.clone(), w.name.clone()));
                if !fetched_by_name.contains(&key) || planned {
                    continue;
                }
                jobs.push(Job::Get {
                    gk: gk.clone(),
                    resource: resource.clone(),
                    namespace: (namespaced && !w.namespace.is_empty()).then(|| w.namespace.clone()),
                    name: w.name.clone(),
                    metadata_only: metadata_only(&gk.group, &gk.kind),
                    ahead: false,
                });
            }
        }
        jobs
    })
}

/// Kinds whose health never depends on `.spec` or `.status` (status.rs says *Exists*, or judges
/// them by `deletionTimestamp` only): they are fetched metadata-only, which is much smaller.
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

/// The first round before anything is known: the root by name, and, for roots that can contain
/// other Flux objects, every expandable kind cluster-wide (but those `speculation` leaves out),
/// the root's own Kustomizations by its labels, and aggregated discovery, ahead of need.
pub fn first_round(
    snapshot: &mut Snapshot,
    root: &super::model::ObjRef,
    expand: bool,
    speculation: Speculation,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    let root_gk = root.group_kind();
    if let Some((resource, namespaced)) = resolve_static(&root_gk.group, &root_gk.kind) {
        let store = snapshot.kind_mut(&root_gk);
        store.resource = Some(resource.clone());
        store.namespaced = Some(namespaced);
        store
            .coverage
            .objects
            .insert((root.namespace.clone(), root.name.clone()), Attempt::InFlight);
        jobs.push(Job::Get {
            gk: root_gk.clone(),
            resource,
            namespace: namespaced.then(|| root.namespace.clone()),
            name: root.name.clone(),
            metadata_only: false,
            ahead: false,
        });
    }
    let can_nest = root.expandable() != Some(Expandable::HelmRelease);
    if expand && can_nest {
        for kind in Expandable::ALL {
            let gk = kind.group_kind();
            let Some((resource, namespaced)) = resolve_static(&gk.group, &gk.kind) else {
                continue;
            };
            let store = snapshot.kind_mut(&gk);
            store.resource = Some(resource.clone());
            store.namespaced = Some(namespaced);
            if speculation.skips(kind) {
                continue;
            }
            store.coverage.all = Attempt::InFlight;
            jobs.push(Job::List {
                gk,
                resource,
                namespace: None,
                selector: None,
                metadata_only: false,
                wanted: Vec::new(),
                speculative: true,
            });
        }
        // The Kustomizations the root applied, by its labels: a small answer that arrives
        // before the cluster-wide LIST of every inventory, so that a subtree two levels deep
        // (root, its Kustomizations, their HelmReleases from the HelmRelease LIST) is known
        // after one round.
        if let Some(kind) = root.expandable() {
            let gk = Expandable::Kustomization.group_kind();
            if let Some((resource, _)) = resolve_static(&gk.group, &gk.kind) {
                let owner = Owner {
                    kind,
                    namespace: root.namespace.clone(),
                    name: root.name.clone(),
                };
                snapshot
                    .kind_mut(&gk)
                    .coverage
                    .labelled
                    .insert((owner.clone(), None), Attempt::InFlight);
                jobs.push(Job::List {
                    gk,
                    resource,
                    namespace: None,
                    selector: Some(Selector {
                        kind,
                        owners: vec![owner],
                    }),
                    metadata_only: false,
                    wanted: Vec::new(),
                    speculative: true,
                });
            }
        }
    }
    if expand {
        snapshot.discovery = Discovery::InFlight;
        jobs.push(Job::Discover { speculative: true });
    }
    jobs
}

/// Plans the requests for what the walk still needs, and marks them in flight in the snapshot.
pub fn plan(
    snapshot: &mut Snapshot,
    needs: &Needs,
    helm_all_forbidden: bool,
    context: &str,
    strategy: Strategy,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    let mut unresolved = false;
    let kinds: BTreeSet<&GroupKind> = needs.kinds.keys().chain(&needs.resolve).collect();
    for gk in kinds {
        if !resolve(snapshot, gk, context, &mut jobs) {
            unresolved = true;
        }
    }
    if unresolved && matches!(snapshot.discovery, Discovery::NotTried) {
        snapshot.discovery = Discovery::InFlight;
        jobs.push(Job::Discover { speculative: false });
    }
    for (gk, wants) in &needs.kinds {
        // While Flux objects are still being expanded, only they are fetched: the leaves follow
        // in one batch, so that each kind is planned once from every owner that names it
        // (a plan per arriving owner would fragment into many small requests).
        if needs.expanding && Expandable::of(&gk.group, &gk.kind).is_none() {
            continue;
        }
        let unlabelled = snapshot.unlabelled.clone();
        let store = snapshot.kind_mut(gk);
        if let (Some(resource), None) = (store.resource.clone(), &store.unresolvable) {
            let namespaced = store.namespaced.unwrap_or(true);
            plan_kind(
                gk,
                &resource,
                namespaced,
                store,
                wants,
                (&unlabelled, strategy),
                &mut jobs,
            );
        }
    }
    // A few expandable objects awaited from a big speculative LIST: GET them too, whichever
    // answers first settles them (the LIST's time grows with every inventory of the cluster).
    for (gk, wants) in &needs.racing {
        let store = snapshot.kind_mut(gk);
        let Some(resource) = store.resource.clone() else {
            continue;
        };
        if wants.len() > GET_MAX {
            continue;
        }
        let namespaced = store.namespaced.unwrap_or(true);
        for w in wants {
            store
                .coverage
                .objects
                .insert((w.namespace.clone(), w.name.clone()), Attempt::InFlight);
            jobs.push(Job::Get {
                gk: gk.clone(),
                resource: resource.clone(),
                namespace: (namespaced && !w.namespace.is_empty()).then(|| w.namespace.clone()),
                name: w.name.clone(),
                metadata_only: false,
                ahead: false,
            });
        }
    }
    plan_helm(snapshot, &needs.helm, helm_all_forbidden, &mut jobs);
    let owners: Vec<Owner> = needs
        .crd_owners
        .iter()
        .filter(|o| {
            snapshot
                .crd_owners
                .get(*o)
                .is_none_or(|a| *a == Attempt::NotTried)
        })
        .cloned()
        .collect();
    for chunk in owners.chunks(SELECTOR_OWNERS_MAX) {
        for owner in chunk {
            snapshot.crd_owners.insert(owner.clone(), Attempt::InFlight);
        }
        jobs.push(Job::Crds {
            owners: chunk.to_vec(),
        });
    }
    jobs
}

/// Resolves a kind's API resource from the built-in tables or discovery; returns false while it
/// is still unknown (discovery pending).
fn resolve(snapshot: &mut Snapshot, gk: &GroupKind, context: &str, jobs: &mut Vec<Job>) -> bool {
    let discovered = match &snapshot.discovery {
        Discovery::Done(table) => Some(table.get(gk).cloned()),
        _ => None,
    };
    let failed = matches!(snapshot.discovery, Discovery::Failed);
    let context_free = snapshot
        .kind(&gk.group, &gk.kind)
        .is_some_and(|s| s.resource.is_some() || s.unresolvable.is_some() || s.coverage.any_in_flight());
    if context_free {
        return true;
    }
    let store = snapshot.kind_mut(gk);
    if let Some((resource, namespaced)) = resolve_static(&gk.group, &gk.kind) {
        store.resource = Some(resource);
        store.namespaced = Some(namespaced);
        return true;
    }
    match discovered {
        Some(Some((resource, namespaced))) => {
            store.resource = Some(resource);
            store.namespaced = Some(namespaced);
            true
        }
        Some(None) => {
            store.unresolvable = Some(super::snapshot::Failure {
                reason: FailReason::NotServed,
                message: format!("kind {} is not served by cluster '{context}'", gk.display()),
            });
            true
        }
        None if failed => {
            store.coverage.all = Attempt::InFlight;
            jobs.push(Job::DiscoverGroup { gk: gk.clone() });
            true
        }
        None => false,
    }
}

fn plan_kind(
    gk: &GroupKind,
    resource: &ApiResource,
    namespaced: bool,
    store: &mut KindStore,
    wants: &[Want],
    (unlabelled, strategy): (&HashSet<Expandable>, Strategy),
    jobs: &mut Vec<Job>,
) {
    let limits = strategy.limits();
    let metadata_only = metadata_only(&gk.group, &gk.kind);
    // One want per object (an object named by two inventories keeps its first owner).
    let mut seen = HashSet::new();
    let wants: Vec<&Want> = wants
        .iter()
        .filter(|w| seen.insert((w.namespace.as_str(), w.name.as_str())))
        .collect();
    let get = |w: &Want, store: &mut KindStore, jobs: &mut Vec<Job>| {
        store
            .coverage
            .objects
            .insert((w.namespace.clone(), w.name.clone()), Attempt::InFlight);
        jobs.push(Job::Get {
            gk: gk.clone(),
            resource: resource.clone(),
            namespace: (namespaced && !w.namespace.is_empty()).then(|| w.namespace.clone()),
            name: w.name.clone(),
            metadata_only,
            ahead: false,
        });
    };
    // What a GET was already tried for (forbidden: RBAC may still allow a LIST) is listed.
    let (wants, mut rest): (Vec<&Want>, Vec<&Want>) = wants.into_iter().partition(|w| {
        !store
            .coverage
            .objects
            .contains_key(&(w.namespace.clone(), w.name.clone()))
    });
    let listed_only = !rest.is_empty();
    let wants = if wants.len() <= limits.get_max {
        for w in wants {
            get(w, store, jobs);
        }
        if !listed_only {
            return;
        }
        Vec::new()
    } else {
        wants
    };
    // Label-selected where the owner's labels can be used and have not been tried yet.
    let mut labelled: BTreeMap<(Expandable, Option<String>), Vec<&Want>> = BTreeMap::new();
    let mut stragglers = Vec::new();
    // Selected in each namespace when they are in a few: the apiserver's watch cache is ordered
    // by namespace, so a namespace-scoped selection matches the labels of that namespace's
    // objects only, where a cluster-wide one matches every object of the kind (measured at
    // 50,000 objects: 14 ms of apiserver CPU for a cluster-wide selection of 30 Deployments).
    let by_namespace = {
        let nss: BTreeSet<&str> = wants.iter().map(|w| w.namespace.as_str()).collect();
        namespaced && nss.len() <= NAMESPACE_MAX && !nss.contains("")
    };
    for w in &wants {
        match &w.owner {
            Some(o) if limits.labels && (strategy == Strategy::Label || !unlabelled.contains(&o.kind)) => {
                match store.coverage.labelled(o, &w.namespace) {
                    None => {
                        let scope = (namespaced && (by_namespace || store.coverage.labels_forbidden))
                            .then(|| w.namespace.clone());
                        labelled.entry((o.kind, scope)).or_default().push(w);
                    }
                    Some(Attempt::Done) => stragglers.push(*w),
                    Some(Attempt::InFlight) => {}
                    _ => rest.push(*w),
                }
            }
            _ => rest.push(*w),
        }
    }
    for ((kind, scope), group) in labelled {
        let owners: BTreeSet<&Owner> = group.iter().filter_map(|w| w.owner.as_ref()).collect();
        if owners.len() > SELECTOR_OWNERS_MAX {
            rest.extend(group);
            continue;
        }
        if group.len() <= limits.small_group {
            // A few objects of one owner kind next to many of another: GETs cost the apiserver
            // less than a second label scan of the whole kind.
            for w in group {
                get(w, store, jobs);
            }
            continue;
        }
        let owners: Vec<Owner> = owners.into_iter().cloned().collect();
        for owner in &owners {
            store
                .coverage
                .labelled
                .insert((owner.clone(), scope.clone()), Attempt::InFlight);
        }
        jobs.push(Job::List {
            gk: gk.clone(),
            resource: resource.clone(),
            namespace: scope,
            selector: Some(Selector { kind, owners }),
            metadata_only,
            wanted: group
                .iter()
                .map(|w| (w.namespace.clone(), w.name.clone()))
                .collect(),
            speculative: false,
        });
    }
    if stragglers.len() <= limits.straggler_gets {
        for w in stragglers {
            get(w, store, jobs);
        }
    } else {
        rest.extend(stragglers);
    }
    if rest.is_empty() {
        return;
    }
    if !listed_only && rest.len() <= limits.rest_gets {
        for w in rest {
            get(w, store, jobs);
        }
        return;
    }
    let namespaces: BTreeSet<&str> = rest.iter().map(|w| w.namespace.as_str()).collect();
    let forbidden_all =
        matches!(&store.coverage.all, Attempt::Failed(f) if f.reason == FailReason::Forbidden);
    let by_namespace = namespaced
        && match strategy {
            Strategy::Cluster => forbidden_all,
            Strategy::Namespace => true,
            _ => namespaces.len() <= NAMESPACE_MAX || forbidden_all,
        };
    if by_namespace {
        for ns in namespaces {
            if ns.is_empty() || store.coverage.namespaces.contains_key(ns) {
                continue;
            }
            store
                .coverage
                .namespaces
                .insert(ns.to_string(), Attempt::InFlight);
            jobs.push(Job::List {
                gk: gk.clone(),
                resource: resource.clone(),
                namespace: Some(ns.to_string()),
                selector: None,
                metadata_only,
                wanted: Vec::new(),
                speculative: false,
            });
        }
    } else if store.coverage.all == Attempt::NotTried {
        store.coverage.all = Attempt::InFlight;
        jobs.push(Job::List {
            gk: gk.clone(),
            resource: resource.clone(),
            namespace: None,
            selector: None,
            metadata_only,
            wanted: Vec::new(),
            speculative: false,
        });
    }
}

fn plan_helm(
    snapshot: &mut Snapshot,
    keys: &BTreeSet<StorageKey>,
    helm_all_forbidden: bool,
    jobs: &mut Vec<Job>,
) {
    let mut cluster_wide = Vec::new();
    let mut by_namespace: BTreeMap<String, Vec<StorageKey>> = BTreeMap::new();
    for key in keys {
        match snapshot.helm_state(key) {
            HelmState::NotTried if !helm_all_forbidden => cluster_wide.push(key.clone()),
            HelmState::NotTried | HelmState::ForbiddenClusterWide => by_namespace
                .entry(key.namespace.clone())
                .or_default()
                .push(key.clone()),
            _ => {}
        }
    }
    let mut mark = |keys: &[StorageKey]| {
        for key in keys {
            snapshot.helm.insert(key.clone(), HelmState::InFlight);
        }
    };
    if !cluster_wide.is_empty() {
        mark(&cluster_wide);
        jobs.push(Job::Helm {
            keys: cluster_wide,
            namespace: None,
        });
    }
    for (ns, keys) in by_namespace {
        mark(&keys);
        jobs.push(Job::Helm {
            keys,
            namespace: Some(ns),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::snapshot::Failure;

    fn owner(name: &str) -> Owner {
        Owner {
            kind: Expandable::Kustomization,
            namespace: "flux-system".into(),
            name: name.into(),
        }
    }

    fn wants(n: usize, namespaces: usize, owner_name: Option<&str>) -> Vec<Want> {
        (0..n)
            .map(|i| Want {
                namespace: format!("ns{}", i % namespaces),
                name: format!("o{i}"),
                owner: owner_name.map(owner),
            })
            .collect()
    }

    fn shape(jobs: &[Job]) -> Vec<String> {
        jobs.iter()
            .map(|j| match j {
                Job::Get { namespace, name, .. } => {
                    format!("GET {}/{name}", namespace.as_deref().unwrap_or(""))
                }
                Job::List {
                    namespace, selector, ..
                } => format!(
                    "LIST {} {}",
                    namespace.as_deref().unwrap_or("*"),
                    selector.as_ref().map(Selector::to_query).unwrap_or_default()
                ),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn run(store: &mut KindStore, wants: &[Want], unlabelled: &HashSet<Expandable>) -> Vec<String> {
        let gk = GroupKind::new("", "ConfigMap");
        let (resource, _) = resolve_static("", "ConfigMap").expect("known");
        let mut jobs = Vec::new();
        plan_kind(
            &gk,
            &resource,
            true,
            store,
            wants,
            (unlabelled, Strategy::Auto),
            &mut jobs,
        );
        shape(&jobs)
    }

    #[test]
    fn few_objects_are_fetched_by_name() {
        let mut store = KindStore::default();
        let jobs = run(&mut store, &wants(3, 2, Some("apps")), &HashSet::new());
        assert_eq!(jobs, ["GET ns0/o0", "GET ns1/o1", "GET ns0/o2"]);
        assert_eq!(store.coverage.objects.len(), 3);
    }

    #[test]
    fn owned_objects_are_selected_by_label_then_stragglers_by_name() {
        let mut store = KindStore::default();
        let w = wants(40, 20, Some("apps"));
        assert_eq!(
            run(&mut store, &w, &HashSet::new()),
            [
                "LIST * kustomize.toolkit.fluxcd.io/name in (apps),kustomize.toolkit.fluxcd.io/namespace in (flux-system)"
            ]
        );
        // Asked again while in flight: nothing new.
        assert!(run(&mut store, &w, &HashSet::new()).is_empty());
        // Answered without two of them: those two by name.
        store
            .coverage
            .labelled
            .insert((owner("apps"), None), Attempt::Done);
        assert_eq!(
            run(&mut store, &w[..2], &HashSet::new()),
            ["GET ns0/o0", "GET ns1/o1"]
        );
        // In one namespace: a namespace-scoped selection.
        let mut store = KindStore::default();
        assert_eq!(
            run(&mut store, &wants(12, 1, Some("apps")), &HashSet::new()),
            [
                "LIST ns0 kustomize.toolkit.fluxcd.io/name in (apps),kustomize.toolkit.fluxcd.io/namespace in (flux-system)"
            ]
        );
    }

    #[test]
    fn unlabelled_objects_are_listed_by_namespace_or_cluster_wide() {
        let unlabelled = HashSet::from([Expandable::Kustomization]);
        let mut store = KindStore::default();
        assert_eq!(
            run(&mut store, &wants(20, 3, Some("apps")), &unlabelled),
            ["LIST ns0 ", "LIST ns1 ", "LIST ns2 "]
        );
        let mut store = KindStore::default();
        assert_eq!(
            run(&mut store, &wants(20, 10, None), &HashSet::new()),
            ["LIST * "]
        );
        // Forbidden cluster-wide: namespace by namespace, whatever their number.
        let mut store = KindStore::default();
        store.coverage.all = Attempt::Failed(Failure {
            reason: FailReason::Forbidden,
            message: "no".into(),
        });
        assert_eq!(run(&mut store, &wants(20, 10, None), &HashSet::new()).len(), 10);
    }

    #[test]
    fn selectors_name_every_owner() {
        let s = Selector {
            kind: Expandable::HelmRelease,
            owners: vec![
                Owner {
                    kind: Expandable::HelmRelease,
                    namespace: "b".into(),
                    name: "x".into(),
                },
                Owner {
                    kind: Expandable::HelmRelease,
                    namespace: "a".into(),
                    name: "y".into(),
                },
            ],
        };
        assert_eq!(
            s.to_query(),
            "helm.toolkit.fluxcd.io/name in (x,y),helm.toolkit.fluxcd.io/namespace in (a,b)"
        );
    }
}
