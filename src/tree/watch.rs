//! The live tree (`tree --watch`): the engine's snapshot kept current by one WATCH per kind, the
//! tree walked again after every change.
//!
//! After the first [`fetch`], every kind the tree read is watched cluster-wide from the
//! `resourceVersion` of its LISTs ([`KindStore::listed_at`]; the oldest when there were several,
//! so no change after any of them is missed), with bookmarks. Events update the snapshot in place:
//! an object the snapshot holds, or one a request of the tree covers (a Missing node that comes
//! back), is replaced or removed; the rest of the kind is not kept, so memory stays what the tree
//! needs. The walk then runs again on the snapshot; when it needs something no request settled
//! (an inventory grew, a new kind, a Helm release's new storage Secret), [`refetch`] asks only for
//! that, and the kinds it brings are watched too. A kind the tree only read by name (GETs, no
//! LIST) is watched without a resourceVersion: the apiserver starts with the kind's current
//! objects, which is the LIST it did not need before.
//!
//! Failure modes, per kind:
//! - the watch expires (`410 Gone`, at the start or as an ERROR event): the kind is listed again,
//!   objects it no longer returns are dropped, and the watch resumes from that LIST;
//! - the connection drops (apiserver restart, network): [`Event::Lost`] once per cluster, retries
//!   back off from 250 ms to 1 s (so a cluster that is back is seen within about a second), then
//!   the kind is listed again (changes made while it was down are not replayed by a new apiserver
//!   reliably) and [`Event::Restored`] once every kind is back;
//! - the watch is forbidden (a tenant allowed to read some namespaces only): a warning says the
//!   kind is not live, and the rest of the tree still is.
//!
//! # Why the raw client, not `kube::runtime::watcher`
//!
//! The watcher's state machine always starts with its own LIST of the whole kind, keeps whole
//! objects while it re-lists, and cannot start from a resourceVersion the caller already has.
//! Here the first LISTs were made by the engine (often label-selected, namespace-scoped or GETs,
//! see [`super::plan`]), so a watch from their resourceVersion costs no second LIST; a re-list
//! is needed only after 410 or a lost connection. The loop that does this (watch, bookmark,
//! 410 → re-list, error → back off → re-list) is short, and it needs no new dependency
//! (`kube`'s `runtime` feature is not built here).

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use futures::StreamExt;
use kube::{
    Api, Resource,
    api::{ApiResource, DynamicObject, ListParams, ObjectList, WatchEvent, WatchParams},
};
use serde::Serialize;
use tokio::{sync::mpsc, task::JoinSet, time::Instant};

use super::{
    ClusterTree, TreeError, TreeOptions,
    cluster::finish,
    decode::{Keep, decode_item},
    drift::Drift,
    fetch::{FetchOptions, Fetched, Stats, fetch, refetch},
    model::{GroupKind, ObjRef},
    plan::{self, PAGE_SIZE},
    snapshot::{Attempt, Discovery, HelmState, KindStore, ObjInfo, Snapshot},
    walk::{self, RootState},
};
use crate::kube::{KubeError, KubeTarget};

/// The first retry after a lost connection; doubled up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between retries: how late a cluster that is back can be seen.
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait before fetching again a tree that could not be built (root gone).
const MAX_RETRY: Duration = Duration::from_secs(5);
/// Changes arriving this close together are applied before one walk (a Kustomization applying
/// fifty objects redraws once, not fifty times).
const SETTLE: Duration = Duration::from_millis(25);

/// What a cluster's live tree reports.
#[derive(Debug)]
pub enum Event {
    /// The tree after a change (or why there is none now); boxed, as it is most of the size.
    Tree(Box<Result<ClusterTree, TreeError>>),
    /// The connection to the cluster was lost (the message says why); retrying.
    Lost(String),
    /// Every watch is back after [`Event::Lost`].
    Restored,
}

/// An [`Event`] of the cluster at `index` in the order the clusters were given.
#[derive(Debug)]
pub struct Update {
    /// The cluster's position in the targets given to [`watch_fleet`].
    pub index: usize,
    /// The kube context.
    pub context: String,
    /// What happened.
    pub event: Event,
}

/// Runs the live tree under `root` on every target, each on its own task; updates arrive on the
/// returned channel until it is dropped (the tasks end with it, or with the returned set).
pub fn watch_fleet(
    targets: Vec<KubeTarget>,
    root: &ObjRef,
    options: TreeOptions,
) -> (mpsc::UnboundedReceiver<Update>, JoinSet<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut tasks = JoinSet::new();
    for (index, target) in targets.into_iter().enumerate() {
        let live = Live::new(index, target, root.clone(), options, tx.clone());
        tasks.spawn(live.run());
    }
    (rx, tasks)
}

/// Runs the live tree of one cluster from a fetch already made (its snapshot and the LISTs'
/// resourceVersions), as [`watch_fleet`] does after its own first fetch.
pub fn watch_fetched(
    target: KubeTarget,
    root: &ObjRef,
    options: TreeOptions,
    fetched: Fetched,
) -> (mpsc::UnboundedReceiver<Update>, JoinSet<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut live = Live::new(0, target, root.clone(), options, tx);
    let mut snapshot = fetched.snapshot;
    settle(&mut snapshot);
    live.warnings = fetched.warnings;
    live.snapshot = Some(snapshot);
    let mut tasks = JoinSet::new();
    tasks.spawn(live.run());
    (rx, tasks)
}

/// What watching a set of kinds reports (for views that are recomputed rather than updated in
/// place, such as `health --watch`).
#[derive(Debug)]
pub enum KindEvent {
    /// An object of a watched kind changed (or the kind was listed again).
    Changed,
    /// The connection was lost (once per outage of the cluster; the message says why).
    Lost(String),
    /// Every watch is back.
    Restored,
    /// A kind cannot be watched (forbidden): the message says which and why.
    Unwatchable(String),
}

/// Watches `kinds` on `target` from their current state (the first events are the objects that
/// exist, one [`KindEvent::Changed`] at least), with the same expiry and reconnection handling as
/// the live tree. Ends when the receiver is dropped.
pub fn watch_kinds(
    target: &KubeTarget,
    kinds: Vec<(GroupKind, ApiResource)>,
) -> (mpsc::UnboundedReceiver<KindEvent>, JoinSet<()>) {
    watch_with(target, kinds, None)
}

/// Watches `kinds` on `target` for drift (see [`super::drift`]): [`KindEvent::Changed`] only when
/// an object's drift appears, changes or goes, judged from the managedFields each metadata-only
/// event carries — not for the status updates and reconciles that make most of a busy kind's
/// events. `shown` is what the caller's view holds (kind, namespace, name of each drifted
/// object): the first LIST of a kind is compared with it, so an edit made between the caller's
/// read and that LIST is not taken for the baseline. Only the drifted objects are remembered.
pub fn watch_drift(
    target: &KubeTarget,
    kinds: Vec<(GroupKind, ApiResource)>,
    shown: HashSet<(String, String, String)>,
) -> (mpsc::UnboundedReceiver<KindEvent>, JoinSet<()>) {
    let memory = DriftMemory {
        shown,
        ..DriftMemory::default()
    };
    watch_with(target, kinds, Some(memory))
}

/// The drifted objects a drift watch has seen, per kind, and which kinds have been listed once.
#[derive(Default)]
struct DriftMemory {
    drifted: HashMap<(GroupKind, String, String), Drift>,
    baseline: HashSet<GroupKind>,
    /// The drifted objects the caller showed before the watch started (kind, namespace, name).
    shown: HashSet<(String, String, String)>,
}

impl DriftMemory {
    /// Records one change; true when it changes what drifted.
    fn record(&mut self, change: &Change) -> bool {
        match change {
            Change::Applied(gk, ns, name, info) => {
                let key = (gk.clone(), ns.clone(), name.clone());
                match info.drift.as_deref() {
                    Some(d) => self.drifted.insert(key, d.clone()).as_ref() != Some(d),
                    None => self.drifted.remove(&key).is_some(),
                }
            }
            Change::Deleted(gk, ns, name) => self
                .drifted
                .remove(&(gk.clone(), ns.clone(), name.clone()))
                .is_some(),
            Change::Relisted(gk, items) => {
                let before: HashMap<(String, String), Drift> = self
                    .drifted
                    .extract_if(|(k, _, _), _| k == gk)
                    .map(|((_, ns, name), d)| ((ns, name), d))
                    .collect();
                let now: HashMap<(String, String), Drift> = items
                    .iter()
                    .filter_map(|(ns, name, info)| {
                        Some(((ns.clone(), name.clone()), info.drift.as_deref()?.clone()))
                    })
                    .collect();
                let changed = if self.baseline.insert(gk.clone()) {
                    // The first LIST of the kind: against what the caller shows.
                    let listed: HashSet<(&str, &str)> = now
                        .keys()
                        .map(|(ns, name)| (ns.as_str(), name.as_str()))
                        .collect();
                    let shown: HashSet<(&str, &str)> = self
                        .shown
                        .iter()
                        .filter(|(kind, _, _)| *kind == gk.kind)
                        .map(|(_, ns, name)| (ns.as_str(), name.as_str()))
                        .collect();
                    listed != shown
                } else {
                    before != now
                };
                for ((ns, name), d) in now {
                    self.drifted.insert((gk.clone(), ns, name), d);
                }
                changed
            }
            Change::Lost(..) | Change::Restored(_) | Change::Unwatchable(..) => false,
        }
    }
}

/// [`watch_kinds`], or [`watch_drift`] with `memory`.
fn watch_with(
    target: &KubeTarget,
    kinds: Vec<(GroupKind, ApiResource)>,
    mut memory: Option<DriftMemory>,
) -> (mpsc::UnboundedReceiver<KindEvent>, JoinSet<()>) {
    let (out, rx) = mpsc::unbounded_channel();
    let (tx, mut changes) = mpsc::unbounded_channel();
    let mut tasks = JoinSet::new();
    let keep = Keep {
        drift: memory.is_some(),
    };
    for (gk, resource) in kinds {
        let watch = KindWatch {
            target: target.clone(),
            metadata_only: true,
            gk,
            resource,
            keep,
            tx: tx.clone(),
        };
        tasks.spawn(watch.run(None));
    }
    drop(tx);
    tasks.spawn(async move {
        let mut down = HashSet::new();
        while let Some(change) = changes.recv().await {
            let event = match change {
                Change::Applied(..) | Change::Deleted(..) | Change::Relisted(..) => match memory.as_mut() {
                    Some(memory) => memory.record(&change).then_some(KindEvent::Changed),
                    None => Some(KindEvent::Changed),
                },
                Change::Lost(gk, message) => {
                    let first = down.is_empty();
                    down.insert(gk);
                    first.then_some(KindEvent::Lost(message))
                }
                Change::Restored(gk) => (down.remove(&gk) && down.is_empty()).then_some(KindEvent::Restored),
                Change::Unwatchable(gk, message) => {
                    Some(KindEvent::Unwatchable(format!("{}: {message}", gk.display())))
                }
            };
            if let Some(event) = event
                && out.send(event).is_err()
            {
                return;
            }
        }
    });
    (rx, tasks)
}

/// A change seen by one kind's watch.
enum Change {
    Applied(GroupKind, String, String, ObjInfo),
    Deleted(GroupKind, String, String),
    /// The kind was listed again: every object it has now.
    Relisted(GroupKind, Vec<(String, String, ObjInfo)>),
    Lost(GroupKind, String),
    Restored(GroupKind),
    /// The kind cannot be watched at all (forbidden): its objects stay as last read.
    Unwatchable(GroupKind, String),
}

/// One cluster's live tree.
struct Live {
    index: usize,
    target: KubeTarget,
    root: ObjRef,
    options: TreeOptions,
    out: mpsc::UnboundedSender<Update>,
    changes_tx: mpsc::UnboundedSender<Change>,
    changes: mpsc::UnboundedReceiver<Change>,
    /// The snapshot, or `None` until a fetch succeeds (again).
    snapshot: Option<Snapshot>,
    /// Warnings of the fetches and of decoding events, shown with every tree.
    warnings: Vec<String>,
    watched: HashSet<GroupKind>,
    watches: JoinSet<()>,
    /// Kinds whose watch lost its connection.
    down: HashSet<GroupKind>,
}

impl Live {
    fn new(
        index: usize,
        target: KubeTarget,
        root: ObjRef,
        options: TreeOptions,
        out: mpsc::UnboundedSender<Update>,
    ) -> Self {
        let (changes_tx, changes) = mpsc::unbounded_channel();
        Live {
            index,
            target,
            root,
            options,
            out,
            changes_tx,
            changes,
            snapshot: None,
            warnings: Vec::new(),
            watched: HashSet::new(),
            watches: JoinSet::new(),
            down: HashSet::new(),
        }
    }

    fn send(&self, event: Event) -> bool {
        self.out
            .send(Update {
                index: self.index,
                context: self.target.context.clone(),
                event,
            })
            .is_ok()
    }

    async fn run(mut self) {
        let mut dirty = true;
        let mut not_before = Instant::now();
        let mut retry = FIRST_BACKOFF;
        loop {
            if dirty && Instant::now() >= not_before {
                dirty = false;
                let result = self.compute().await;
                let failed = result.is_err();
                if !self.send(Event::Tree(Box::new(result))) {
                    return;
                }
                if failed {
                    // Fetch again later (or at the next change): the root may come back.
                    dirty = true;
                    not_before = Instant::now() + retry;
                    retry = (retry * 2).min(MAX_RETRY);
                } else {
                    retry = FIRST_BACKOFF;
                }
            }
            let change = if dirty {
                tokio::select! {
                    change = self.changes.recv() => change,
                    () = tokio::time::sleep_until(not_before) => continue,
                }
            } else {
                self.changes.recv().await
            };
            // The sender half is kept in `self`, so the channel never closes.
            let Some(change) = change else { return };
            let mut changed = self.apply(change, &mut not_before);
            tokio::time::sleep(SETTLE).await;
            while let Ok(change) = self.changes.try_recv() {
                changed |= self.apply(change, &mut not_before);
            }
            dirty |= changed;
            if self.out.is_closed() {
                return;
            }
        }
    }

    fn fetch_options(&self) -> FetchOptions {
        self.options.fetch_options(Default::default())
    }

    /// The tree now: a walk of the snapshot, fetching first only what it does not settle.
    async fn compute(&mut self) -> Result<ClusterTree, TreeError> {
        let (fetched, stats) = match self.snapshot.take() {
            Some(snapshot) => {
                let walked = walk::needs(&snapshot, &self.root, self.options.walk);
                let complete = walked.state == RootState::Found
                    && walked.needs.is_empty()
                    && !walked.needs.waiting
                    && !walked.needs.expanding;
                if complete {
                    self.watch_new_kinds(&snapshot);
                    let walked = walk::walk(&snapshot, &self.root, self.options.walk);
                    self.snapshot = Some(snapshot);
                    return finish(
                        &self.target.context,
                        &self.root,
                        walked,
                        self.warnings.clone(),
                        Stats::default(),
                    );
                }
                let fetched = refetch(&self.target, &self.root, self.fetch_options(), snapshot).await?;
                let stats = fetched.stats.clone();
                (fetched, stats)
            }
            None => {
                let fetched = fetch(&self.target, &self.root, self.fetch_options()).await?;
                self.warnings.clear();
                let stats = fetched.stats.clone();
                (fetched, stats)
            }
        };
        let Fetched {
            walked,
            mut snapshot,
            warnings,
            ..
        } = fetched;
        self.warnings.extend(warnings);
        settle(&mut snapshot);
        self.watch_new_kinds(&snapshot);
        self.snapshot = Some(snapshot);
        finish(
            &self.target.context,
            &self.root,
            walked,
            self.warnings.clone(),
            stats,
        )
    }

    /// Starts a watch for every kind of the snapshot the tree read and no watch covers yet.
    fn watch_new_kinds(&mut self, snapshot: &Snapshot) {
        for (gk, store) in &snapshot.kinds {
            if self.watched.contains(gk) || store.unresolvable.is_some() || !read_by_tree(store) {
                continue;
            }
            let Some(resource) = store.resource.clone() else {
                continue;
            };
            self.watched.insert(gk.clone());
            let watch = KindWatch {
                target: self.target.clone(),
                gk: gk.clone(),
                resource,
                metadata_only: plan::metadata_only(&gk.group, &gk.kind),
                keep: self.options.keep,
                tx: self.changes_tx.clone(),
            };
            self.watches.spawn(watch.run(store.listed_at.clone()));
        }
    }

    /// Applies one change; returns whether the tree may look different.
    fn apply(&mut self, change: Change, not_before: &mut Instant) -> bool {
        match change {
            Change::Lost(gk, message) => {
                let first = self.down.is_empty();
                self.down.insert(gk);
                if first {
                    self.send(Event::Lost(message));
                }
                false
            }
            Change::Restored(gk) => {
                if self.down.remove(&gk) && self.down.is_empty() {
                    self.send(Event::Restored);
                    // A fetch that failed while the cluster was down is tried again now.
                    *not_before = Instant::now();
                    return true;
                }
                false
            }
            Change::Unwatchable(gk, message) => {
                self.warnings.push(format!(
                    "{} objects are not updated live (cannot watch them: {message})",
                    gk.display()
                ));
                true
            }
            Change::Applied(gk, namespace, name, info) => {
                let Some(snapshot) = &mut self.snapshot else {
                    return true;
                };
                let store = snapshot.kind_mut(&gk);
                if store.get(&namespace, &name).is_some() || covers(store, &namespace, &name) {
                    store.insert(namespace, name, info);
                    return true;
                }
                false
            }
            Change::Deleted(gk, namespace, name) => {
                let Some(snapshot) = &mut self.snapshot else {
                    return true;
                };
                snapshot.kind_mut(&gk).remove(&namespace, &name).is_some()
            }
            Change::Relisted(gk, objects) => {
                let Some(snapshot) = &mut self.snapshot else {
                    return true;
                };
                let store = snapshot.kind_mut(&gk);
                let listed: HashSet<(&str, &str)> = objects
                    .iter()
                    .map(|(ns, n, _)| (ns.as_str(), n.as_str()))
                    .collect();
                let mut changed = false;
                for (ns, names) in &mut store.objects {
                    let before = names.len();
                    names.retain(|name, _| listed.contains(&(ns.as_str(), name.as_str())));
                    changed |= names.len() != before;
                }
                for (ns, name, info) in objects {
                    if store.get(&ns, &name).is_some() || covers(store, &ns, &name) {
                        store.insert(ns, name, info);
                        changed = true;
                    }
                }
                changed
            }
        }
    }
}

/// Whether the tree read this kind (and so must see its changes).
fn read_by_tree(store: &KindStore) -> bool {
    let c = &store.coverage;
    !store.is_empty()
        || c.all == Attempt::Done
        || c.namespaces.values().any(|a| *a == Attempt::Done)
        || c.objects.values().any(|a| *a == Attempt::Done)
        || c.labelled.values().any(|a| *a == Attempt::Done)
}

/// Whether a request of the tree would have returned this object (so it is shown, as present or
/// Missing): such an object is kept when it appears; others are not the tree's business.
fn covers(store: &KindStore, namespace: &str, name: &str) -> bool {
    let c = &store.coverage;
    c.all == Attempt::Done
        || c.namespaces.get(namespace) == Some(&Attempt::Done)
        || c.objects.contains_key(&(namespace.to_string(), name.to_string()))
}

/// Forgets the requests the fetch left in flight (speculative LISTs it stopped waiting for), so
/// that a later walk asks again instead of waiting for an answer that will never come.
fn settle(snapshot: &mut Snapshot) {
    for (_, store) in &mut snapshot.kinds {
        let c = &mut store.coverage;
        if c.all == Attempt::InFlight {
            c.all = Attempt::NotTried;
        }
        c.namespaces.retain(|_, a| *a != Attempt::InFlight);
        c.objects.retain(|_, a| *a != Attempt::InFlight);
        c.labelled.retain(|_, a| *a != Attempt::InFlight);
    }
    snapshot.helm.retain(|_, s| *s != HelmState::InFlight);
    snapshot.crd_owners.retain(|_, a| *a != Attempt::InFlight);
    if matches!(snapshot.discovery, Discovery::InFlight) {
        snapshot.discovery = Discovery::NotTried;
    }
}

/// The watch of one kind on one cluster.
struct KindWatch {
    target: KubeTarget,
    gk: GroupKind,
    resource: ApiResource,
    metadata_only: bool,
    keep: Keep,
    tx: mpsc::UnboundedSender<Change>,
}

/// How a watch request ended.
enum Ended {
    /// The server closed it (its timeout): resume from the version.
    Closed(String),
    /// `410 Gone`: the version is too old, list again.
    Expired,
    /// The connection failed or the server refused.
    Failed(KubeError),
}

impl KindWatch {
    fn api(&self) -> Api<DynamicObject> {
        Api::all_with(self.target.client.clone(), &self.resource)
    }

    fn params(&self) -> WatchParams {
        // Below the client's read timeout, which applies to a watch over HTTP/1.1.
        let seconds = self
            .target
            .timeouts
            .request_timeout
            .as_secs()
            .saturating_sub(5)
            .clamp(5, 290);
        // Bookmarks are on by default: a quiet kind's version stays recent, so a resumed watch
        // rarely expires.
        WatchParams::default().timeout(u32::try_from(seconds).unwrap_or(290))
    }

    /// Watches until the receiver is gone (or the kind cannot be watched).
    async fn run(self, mut version: Option<String>) {
        let mut backoff = FIRST_BACKOFF;
        let mut lost = false;
        // Without a version, the first watch starts with the kind's current objects.
        let mut listed = version.is_none();
        loop {
            let from = match version.take() {
                Some(v) => v,
                None if !listed => String::new(),
                None => match self.relist().await {
                    Ok(v) => {
                        if lost {
                            lost = false;
                            backoff = FIRST_BACKOFF;
                            let _ = self.tx.send(Change::Restored(self.gk.clone()));
                        }
                        v
                    }
                    Err(e) => {
                        if !self.failed(&e, &mut lost) {
                            return;
                        }
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                },
            };
            listed = true;
            let ended = if self.metadata_only {
                self.watch_from(&from, true).await
            } else {
                self.watch_from(&from, false).await
            };
            if self.tx.is_closed() {
                return;
            }
            match ended {
                Ended::Closed(v) => version = Some(v),
                Ended::Expired => version = None,
                Ended::Failed(e) => {
                    if !self.failed(&e, &mut lost) {
                        return;
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    // A restarted apiserver may not replay what changed while it was down.
                    version = None;
                }
            }
        }
    }

    /// Reports a failure; returns whether to keep trying.
    fn failed(&self, e: &KubeError, lost: &mut bool) -> bool {
        // Refused or not served on a cluster that answers: final. While reconnecting it is not:
        // an apiserver that is starting serves custom kinds and authorizes with RBAC only after
        // its post-start hooks, and answers 404 or 403 until then.
        if (e.is_forbidden() || e.is_not_found()) && !*lost {
            let _ = self.tx.send(Change::Unwatchable(self.gk.clone(), e.short()));
            return false;
        }
        if !*lost {
            *lost = true;
            let _ = self.tx.send(Change::Lost(self.gk.clone(), e.short()));
        }
        !self.tx.is_closed()
    }

    /// Lists the kind again; sends what it has now; returns the LIST's resourceVersion.
    async fn relist(&self) -> Result<String, KubeError> {
        let action = format!("list {}", self.gk.display());
        let api = self.api();
        let mut objects = Vec::new();
        let mut version = None;
        let mut token: Option<String> = None;
        loop {
            let mut lp = ListParams::default().limit(PAGE_SIZE);
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            let (items, meta) = if self.metadata_only {
                let list = api
                    .list_metadata(&lp)
                    .await
                    .map_err(|e| self.target.err(action.clone(), e))?;
                (self.decode_all(&list), list.metadata)
            } else {
                let list: ObjectList<DynamicObject> = api
                    .list(&lp)
                    .await
                    .map_err(|e| self.target.err(action.clone(), e))?;
                (self.decode_all(&list), list.metadata)
            };
            objects.extend(items);
            version = version.or(meta.resource_version);
            match meta.continue_.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let _ = self.tx.send(Change::Relisted(self.gk.clone(), objects));
        Ok(version.unwrap_or_default())
    }

    fn decode_all<K: Serialize + Clone>(&self, list: &ObjectList<K>) -> Vec<(String, String, ObjInfo)> {
        list.items.iter().filter_map(|o| self.decode(o)).collect()
    }

    /// The tree's view of one object (objects arrive whole; decoding keeps what a node needs).
    fn decode<K: Serialize>(&self, object: &K) -> Option<(String, String, ObjInfo)> {
        let bytes = serde_json::to_vec(object).ok()?;
        let mut warnings = Vec::new();
        decode_item(&self.gk, &bytes, self.keep, &mut warnings).ok()
    }

    async fn watch_from(&self, version: &str, metadata: bool) -> Ended {
        let api = self.api();
        let action = format!("watch {}", self.gk.display());
        let params = self.params();
        if metadata {
            match api.watch_metadata(&params, version).await {
                Ok(stream) => self.follow(stream, version).await,
                Err(e) => self.start_failed(action, e),
            }
        } else {
            match api.watch(&params, version).await {
                Ok(stream) => self.follow(stream, version).await,
                Err(e) => self.start_failed(action, e),
            }
        }
    }

    fn start_failed(&self, action: String, e: kube::Error) -> Ended {
        match e {
            kube::Error::Api(status) if status.code == 410 => Ended::Expired,
            e => Ended::Failed(self.target.err(action, e)),
        }
    }

    /// Forwards a watch's events until it ends.
    async fn follow<K, S>(&self, stream: S, from: &str) -> Ended
    where
        K: Resource + Serialize,
        S: futures::Stream<Item = kube::Result<WatchEvent<K>>>,
    {
        let mut stream = std::pin::pin!(stream);
        let mut version = from.to_string();
        while let Some(event) = stream.next().await {
            let event = match event {
                Ok(event) => event,
                Err(e) => {
                    return Ended::Failed(self.target.err(format!("watch {}", self.gk.display()), e));
                }
            };
            let change = match event {
                WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                    if let Some(v) = o.meta().resource_version.clone() {
                        version = v;
                    }
                    self.decode(&o)
                        .map(|(ns, name, info)| Change::Applied(self.gk.clone(), ns, name, info))
                }
                WatchEvent::Deleted(o) => {
                    if let Some(v) = o.meta().resource_version.clone() {
                        version = v;
                    }
                    let meta = o.meta();
                    Some(Change::Deleted(
                        self.gk.clone(),
                        meta.namespace.clone().unwrap_or_default(),
                        meta.name.clone().unwrap_or_default(),
                    ))
                }
                WatchEvent::Bookmark(b) => {
                    version = b.metadata.resource_version;
                    None
                }
                WatchEvent::Error(status) if status.code == 410 => return Ended::Expired,
                WatchEvent::Error(status) => {
                    let e = kube::Error::Api(status);
                    return Ended::Failed(self.target.err(format!("watch {}", self.gk.display()), e));
                }
            };
            if let Some(change) = change
                && self.tx.send(change).is_err()
            {
                return Ended::Closed(version);
            }
        }
        Ended::Closed(version)
    }
}
