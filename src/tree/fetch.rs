//! Fetching on one cluster: the plan's requests, run concurrently, driven by the walk.
//!
//! The engine is a loop: walk the snapshot for what is still needed, plan the cheapest requests
//! for it ([`super::plan`], where the cost model is), send them, and as soon as a response that
//! can change the tree arrives, record it and walk again. There are no fixed rounds: the leaves of
//! the root are asked for as soon as the root is in, while the speculative cluster-wide LISTs of
//! Flux objects are still streaming, and the fetch ends when the walk is complete, without
//! waiting for a speculative LIST nothing needs any more. A tree of Flux objects of any depth
//! costs two dependent round trips after the connection is up: the Flux objects (with discovery),
//! then the leaves; a third only for legacy Helm releases (their storage Secret) and for objects
//! a label-selected LIST did not return. With the plan memory ([`fetch_remembered`]), the leaf
//! requests of the root's last tree go out with the first round, and an unchanged tree costs one.
//!
//! Each request runs on its own task, so responses are decoded in parallel as they stream in
//! ([`super::decode`] for JSON, [`super::proto`] for the protobuf LISTs of built-in kinds), off
//! the path of the loop, over one HTTP/2 connection (see
//! [`crate::kube::LoadedKubeconfig::target_multiplexed`]). A request that is forbidden
//! cluster-wide is retried namespace by namespace (a tenant may read its own namespaces only);
//! what still fails is recorded in the snapshot and shown on the nodes it affects. Only the root
//! matters for success: if it cannot be read, the cluster fails.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use futures::{FutureExt, StreamExt, stream::FuturesUnordered};
use http_body_util::BodyExt;
use kube::{
    api::{ApiResource, DynamicObject, GetParams, ListParams},
    client::Body,
    core::{Request, Resource, Status},
};
use serde::Deserialize;
use tokio::{sync::Semaphore, task::JoinHandle};

use super::{
    TreeError,
    decode::{ItemSplitter, Keep, decode_item, null_as_empty},
    helm::{self, Limits},
    model::{Expandable, GroupKind, ObjRef},
    plan::{self, Job, PAGE_SIZE},
    proto,
    snapshot::{Attempt, Discovery, FailReason, Failure, HelmState, ObjInfo, Owner, Snapshot, StorageKey},
    walk::{self, RootState, WalkOptions, Walked},
};
use crate::kube::{KubeError, KubeTarget, Resolver};

/// Requests in flight at once on one cluster: enough for every kind of a round and a batch of
/// GETs, well under the apiserver's HTTP/2 stream limit.
pub const DEFAULT_CONCURRENCY: usize = 64;

/// How one cluster is fetched.
#[derive(Clone, Copy, Debug)]
pub struct FetchOptions {
    /// Shapes the walk (and so what is fetched).
    pub walk: WalkOptions,
    /// Requests in flight at once on this cluster.
    pub concurrency: usize,
    /// What decoding keeps beyond what the tree shows.
    pub keep: Keep,
    /// How leaf kinds are fetched.
    pub strategy: plan::Strategy,
    /// The Flux kinds the first round does not list cluster-wide.
    pub speculation: plan::Speculation,
}

/// The encoding asked of the apiserver for LIST responses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Wire {
    /// Protobuf for the built-in kinds that have it (see [`proto`]), JSON otherwise.
    #[default]
    Auto,
    /// JSON only (to test that both encodings build the same tree, and to measure them).
    Json,
}

/// Counters of one cluster's fetch, for `-v` and the benchmark.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// API requests sent (GETs, LIST pages, discovery), including speculative ones.
    pub requests: usize,
    /// Dependent rounds: the longest chain of requests each planned from the previous one's
    /// answer.
    pub rounds: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Objects kept in the snapshot.
    pub objects: usize,
    /// Response bytes received (after gzip).
    pub bytes: usize,
    /// Every request, in completion order.
    pub log: Vec<RequestLog>,
    /// The Flux kinds the first round did not list cluster-wide.
    pub speculation: plan::Speculation,
    /// Leaf requests sent with the first round from the plan memory.
    pub ahead: usize,
}

/// One request, for `-v`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestLog {
    /// Path and query.
    pub path: String,
    /// HTTP status (0 when no response arrived).
    pub status: u16,
    /// Response body size.
    pub bytes: usize,
    /// When it was sent, from the start of the fetch.
    pub start: Duration,
    /// How long it took.
    pub took: Duration,
}

/// The final walk and what it cost.
#[derive(Debug)]
pub struct Fetched {
    /// The last walk (its root is set).
    pub walked: Walked,
    /// The snapshot the tree was built from (for `--watch` and drift, which refresh it).
    pub snapshot: Snapshot,
    /// Warnings gathered while reading fetched objects.
    pub warnings: Vec<String>,
    /// Counters.
    pub stats: Stats,
    /// The first round's cluster-wide LISTs this root did without (the next fetch of it may
    /// leave them out): of kinds the tree does not hold, or left out or cancelled before they
    /// answered and not needed after all.
    pub learnt: plan::Speculation,
    /// The leaf requests a fetch without memory would send for this tree (only when asked for:
    /// what the plan memory keeps for the next fetch of the root).
    pub leaf_plan: Vec<Job>,
}

/// Fetches everything under `root` on one cluster.
pub async fn fetch(target: &KubeTarget, root: &ObjRef, options: FetchOptions) -> Result<Fetched, TreeError> {
    fetch_into(target, root, options, Start::default(), Wire::Auto).await
}

/// [`fetch`] with LIST responses in the given encoding.
pub async fn fetch_wire(
    target: &KubeTarget,
    root: &ObjRef,
    options: FetchOptions,
    wire: Wire,
) -> Result<Fetched, TreeError> {
    fetch_into(target, root, options, Start::default(), wire).await
}

/// [`fetch_wire`] with what the plan memory recalled of the root's last fetch: `ahead`, its
/// leaf requests, sent in the first round (see [`plan::ahead_round`]). The result carries this
/// fetch's [`Fetched::leaf_plan`] for the memory.
pub async fn fetch_remembered(
    target: &KubeTarget,
    root: &ObjRef,
    options: FetchOptions,
    wire: Wire,
    ahead: Vec<Job>,
) -> Result<Fetched, TreeError> {
    let start = Start {
        from: None,
        ahead,
        learn: true,
    };
    fetch_into(target, root, options, start, wire).await
}

/// Where a fetch starts.
#[derive(Default)]
struct Start {
    /// A snapshot to complete (a refetch), else a first round is sent.
    from: Option<Snapshot>,
    /// Leaf requests sent ahead of need with the first round.
    ahead: Vec<Job>,
    /// Whether to work out the leaf plan of the tree for the memory.
    learn: bool,
}

/// Completes `snapshot` (kept up to date by a watcher, see [`super::watch`]) with what the walk
/// still needs: only what no request has settled yet is fetched, nothing is listed again.
pub async fn refetch(
    target: &KubeTarget,
    root: &ObjRef,
    options: FetchOptions,
    snapshot: Snapshot,
) -> Result<Fetched, TreeError> {
    let start = Start {
        from: Some(snapshot),
        ..Start::default()
    };
    fetch_into(target, root, options, start, Wire::Auto).await
}

async fn fetch_into(
    target: &KubeTarget,
    root: &ObjRef,
    options: FetchOptions,
    start: Start,
    wire: Wire,
) -> Result<Fetched, TreeError> {
    let fresh = start.from.is_none();
    let conn = Arc::new(Conn {
        target: target.clone(),
        start: Instant::now(),
        log: Mutex::new(Vec::new()),
        permits: Semaphore::new(options.concurrency.max(1)),
        requests: AtomicUsize::new(0),
        bytes: AtomicUsize::new(0),
        keep: options.keep,
        wire,
    });
    let mut engine = Engine {
        conn: conn.clone(),
        root: root.clone(),
        options,
        snapshot: start.from.unwrap_or_default(),
        tasks: FuturesUnordered::new(),
        needed: 0,
        handles: Vec::new(),
        speculative: Vec::new(),
        cancelled: plan::Speculation::default(),
        wanted: plan::Speculation::default(),
        waves: 0,
        helm_all_forbidden: false,
        ahead: Vec::new(),
        ahead_sent: 0,
    };
    let result = engine.run(fresh, start.ahead).await;
    for handle in &engine.handles {
        handle.abort();
    }
    // What was sent ahead of need and not answered is as if never sent (a watcher completes this
    // snapshot later).
    for (mark, _) in std::mem::take(&mut engine.ahead) {
        mark.set(&mut engine.snapshot, None);
    }
    let walked = result?;
    // A kind with no object under the root in a view that shows every Flux object did without its
    // LIST whether or not the LIST answered first (learnt in one run, not at the mercy of the
    // race); a kind the tree holds did without it only when it was left out or cancelled and the
    // walk never asked for it.
    let absent = if options.walk.max_depth.is_none() {
        absent_kinds(&walked)
    } else {
        plan::Speculation::default()
    };
    let mut learnt = plan::Speculation::default();
    for kind in Expandable::ALL {
        let did_without =
            options.speculation.skips(kind) || engine.cancelled.skips(kind) || absent.skips(kind);
        learnt.set(kind, fresh && did_without && !engine.wanted.skips(kind));
    }
    let mut snapshot = engine.snapshot;
    let full_view = !options.walk.compact && options.walk.max_depth.is_none();
    let leaf_plan = if fresh && start.learn && full_view {
        plan::leaf_plan(
            &mut snapshot,
            root,
            options.walk,
            &target.context,
            options.strategy,
        )
    } else {
        Vec::new()
    };
    let stats = Stats {
        requests: conn.requests.load(Ordering::Relaxed),
        rounds: engine.waves,
        elapsed: conn.start.elapsed(),
        objects: snapshot.objects(),
        bytes: conn.bytes.load(Ordering::Relaxed),
        log: conn.log.lock().map(|l| l.clone()).unwrap_or_default(),
        speculation: options.speculation,
        ahead: engine.ahead_sent,
    };
    Ok(Fetched {
        walked,
        warnings: std::mem::take(&mut snapshot.warnings),
        snapshot,
        stats,
        learnt,
        leaf_plan,
    })
}

/// The expandable kinds of which the walked tree holds no object besides the root.
fn absent_kinds(walked: &Walked) -> plan::Speculation {
    let mut absent = plan::Speculation::default();
    for kind in Expandable::ALL {
        absent.set(kind, true);
    }
    if let Some(node) = &walked.root {
        node.visit(0, &mut |n, depth| {
            if let Some(kind) = Expandable::of(&n.object.group, &n.object.kind)
                && depth > 0
            {
                absent.set(kind, false);
            }
        });
    }
    absent
}

/// What every request task shares.
struct Conn {
    target: KubeTarget,
    start: Instant,
    log: Mutex<Vec<RequestLog>>,
    permits: Semaphore,
    requests: AtomicUsize,
    bytes: AtomicUsize,
    keep: Keep,
    wire: Wire,
}

type Listed = Vec<(String, String, ObjInfo)>;
/// A LIST's objects, warnings, and its `resourceVersion` (where a WATCH of the kind can start).
type ListResult = Result<(Listed, Vec<String>, Option<String>), KubeError>;
type Discovered = HashMap<GroupKind, (ApiResource, bool)>;

/// A finished request.
enum Output {
    Get {
        gk: GroupKind,
        namespace: String,
        name: String,
        result: Result<Option<(ObjInfo, Vec<String>)>, KubeError>,
    },
    List {
        gk: GroupKind,
        namespace: Option<String>,
        selector: Option<plan::Selector>,
        wanted: Vec<(String, String)>,
        result: ListResult,
    },
    Helm {
        keys: Vec<StorageKey>,
        namespace: Option<String>,
        result: Result<Vec<(StorageKey, HelmState)>, KubeError>,
    },
    Crds {
        owners: Vec<Owner>,
        result: ListResult,
    },
    Discover(Option<Discovered>),
    DiscoverGroup {
        gk: GroupKind,
        result: Result<(ApiResource, bool), Failure>,
    },
}

struct Engine {
    conn: Arc<Conn>,
    root: ObjRef,
    options: FetchOptions,
    snapshot: Snapshot,
    tasks: FuturesUnordered<JoinHandle<(usize, bool, Output)>>,
    /// Requests in flight that are not speculative.
    needed: usize,
    handles: Vec<tokio::task::AbortHandle>,
    /// Speculative cluster-wide LISTs of Flux kinds still running: cancelled once the walk has
    /// every Flux object it needs, so the apiserver stops encoding every inventory of the
    /// cluster while it serves the leaves (in a big cluster that LIST is most of its work).
    speculative: Vec<(GroupKind, tokio::task::AbortHandle)>,
    /// Flux kinds whose speculative LIST was cancelled before it answered.
    cancelled: plan::Speculation,
    /// Flux kinds the walk asked for after the first round (the LIST would have been used).
    wanted: plan::Speculation,
    /// The highest wave sent so far.
    waves: usize,
    helm_all_forbidden: bool,
    /// Leaf requests sent ahead of need from the plan memory, not answered yet.
    ahead: Vec<(plan::Mark, ApiResource)>,
    /// How many were sent.
    ahead_sent: usize,
}

impl Engine {
    async fn run(&mut self, fresh: bool, ahead: Vec<Job>) -> Result<Walked, TreeError> {
        if fresh {
            let expand = self.options.walk.max_depth != Some(0);
            let first = plan::first_round(&mut self.snapshot, &self.root, expand, self.options.speculation);
            self.spawn_all(first, 1);
            // The compact view and a depth-limited walk need fewer leaves than the memory names.
            if expand && !self.options.walk.compact && self.options.walk.max_depth.is_none() {
                let ahead = plan::ahead_round(&mut self.snapshot, ahead);
                self.ahead = ahead
                    .iter()
                    .filter_map(|job| Some((job.mark()?, job.resource()?.clone())))
                    .collect();
                self.ahead_sent = ahead.len();
                self.spawn_all(ahead, 1);
            }
        }
        // The latest wave answered since the last plan: what is planned from it goes in the next.
        let mut answered = 0;
        loop {
            let walked = walk::needs(&self.snapshot, &self.root, self.options.walk);
            match &walked.state {
                RootState::Missing => {
                    return Err(TreeError::RootNotFound {
                        context: self.conn.target.context.clone(),
                        root: self.root.to_string(),
                    });
                }
                RootState::Failed(f) => return Err(root_unreadable(&self.conn.target, &self.root, f)),
                RootState::Found | RootState::Pending => {}
            }
            if walked.state == RootState::Found && !walked.needs.expanding {
                self.cancel_speculative();
            }
            let jobs = plan::plan(
                &mut self.snapshot,
                &walked.needs,
                self.helm_all_forbidden,
                &self.conn.target.context,
                self.options.strategy,
            );
            let planned = !jobs.is_empty();
            self.spawn_all(jobs, answered + 1);
            answered = 0;
            let complete = walked.state == RootState::Found
                && walked.needs.is_empty()
                && !walked.needs.waiting
                && !walked.needs.expanding;
            if (complete && !planned) || self.tasks.is_empty() {
                // Done, or nothing in flight and nothing more that could be asked.
                break;
            }
            // Wait for responses until one may change what the tree needs (speculative LISTs
            // still in flight are not waited for once nothing else is).
            let mut dirty = false;
            while !dirty {
                let Some(joined) = self.tasks.next().await else {
                    break;
                };
                let mut batch = vec![joined];
                while let Some(Some(joined)) = self.tasks.next().now_or_never() {
                    batch.push(joined);
                }
                for joined in batch {
                    let Ok((wave, speculative, output)) = joined else {
                        continue;
                    };
                    answered = answered.max(wave);
                    if !speculative {
                        self.needed -= 1;
                    } else if self.forget_ahead(&output) {
                        dirty = true;
                        continue;
                    }
                    dirty |= self.record(output)?;
                }
                dirty |= self.needed == 0;
            }
        }
        let walked = walk::walk(&self.snapshot, &self.root, self.options.walk);
        if walked.state != RootState::Found {
            return Err(root_unreadable(
                &self.conn.target,
                &self.root,
                &Failure {
                    reason: FailReason::Error,
                    message: "not fetched".into(),
                },
            ));
        }
        Ok(walked)
    }

    fn spawn_all(&mut self, jobs: Vec<Job>, wave: usize) {
        for job in jobs {
            let speculative = job.speculative();
            if !speculative {
                self.needed += 1;
                self.waves = self.waves.max(wave);
                let root = matches!(&job, Job::Get { name, namespace, .. }
                    if *name == self.root.name && namespace.as_deref().unwrap_or_default() == self.root.namespace);
                if let Job::Get { gk, .. } | Job::List { gk, .. } = &job
                    && let Some(kind) = Expandable::of(&gk.group, &gk.kind)
                    && !(root && *gk == self.root.group_kind())
                {
                    self.wanted.set(kind, true);
                }
            }
            // The cluster-wide ones only: the LIST by the root's labels is small, and whether it
            // answered before the cluster-wide one says nothing about what the tree needs.
            let listed = match &job {
                Job::List {
                    gk,
                    speculative: true,
                    selector: None,
                    namespace: None,
                    ..
                } => Some(gk.clone()),
                _ => None,
            };
            let conn = self.conn.clone();
            let handle = tokio::spawn(async move { (wave, speculative, run(&conn, job).await) });
            self.handles.push(handle.abort_handle());
            if let Some(gk) = listed {
                self.speculative.push((gk, handle.abort_handle()));
            }
            self.tasks.push(handle);
        }
    }

    /// Cancels the speculative LISTs still running (the walk needs no Flux object it does not
    /// have); a kind whose LIST is cancelled is planned like any other if the walk needs it later.
    fn cancel_speculative(&mut self) {
        for (gk, handle) in self.speculative.drain(..) {
            if handle.is_finished() {
                continue;
            }
            handle.abort();
            if let Some(kind) = Expandable::of(&gk.group, &gk.kind) {
                self.cancelled.set(kind, true);
            }
            let store = self.snapshot.kind_mut(&gk);
            if store.coverage.all == Attempt::InFlight {
                store.coverage.all = Attempt::NotTried;
            }
        }
    }

    /// For a response to a request sent ahead of need: no longer awaited; when it failed, as if
    /// never sent (returns true), so that its objects are planned like any other: the memory may
    /// be stale (a kind no longer served, RBAC changed), and its failure is not the tree's.
    fn forget_ahead(&mut self, output: &Output) -> bool {
        let (mark, failed) = match output {
            Output::Get {
                gk,
                namespace,
                name,
                result,
            } => (
                plan::Mark::Object(gk.clone(), namespace.clone(), name.clone()),
                result.is_err(),
            ),
            Output::List {
                gk,
                namespace,
                selector,
                result,
                ..
            } => (
                plan::Mark::of_list(gk, namespace.as_deref(), selector.as_ref()),
                result.is_err(),
            ),
            _ => return false,
        };
        let Some(i) = self.ahead.iter().position(|(m, _)| *m == mark) else {
            return false;
        };
        let (_, resource) = self.ahead.swap_remove(i);
        if failed {
            mark.set(&mut self.snapshot, None);
        } else {
            // A custom resource kind the answer proved served: the plan of what the memory did
            // not cover, and the memory's next plan, need not wait for discovery.
            self.snapshot
                .kind_mut(mark.kind())
                .resource
                .get_or_insert(resource);
        }
        failed
    }

    /// Records a response in the snapshot; returns whether it may change what the walk needs.
    fn record(&mut self, output: Output) -> Result<bool, TreeError> {
        let root_gk = self.root.group_kind();
        let snapshot = &mut self.snapshot;
        Ok(match output {
            Output::Get {
                gk,
                namespace,
                name,
                result,
            } => {
                let expandable = Expandable::of(&gk.group, &gk.kind).is_some();
                let is_root = gk == root_gk && namespace == self.root.namespace && name == self.root.name;
                let attempt = match result {
                    Ok(found) => {
                        if let Some((info, warnings)) = found {
                            snapshot.warnings.extend(warnings);
                            snapshot
                                .kind_mut(&gk)
                                .insert(namespace.clone(), name.clone(), info);
                        }
                        Attempt::Done
                    }
                    Err(e) if is_root && e.is_unreachable() => return Err(TreeError::Kube(e)),
                    Err(e) => self.failure(&gk, &e),
                };
                let failed = matches!(attempt, Attempt::Failed(_));
                self.snapshot
                    .kind_mut(&gk)
                    .coverage
                    .objects
                    .insert((namespace, name), attempt);
                expandable || is_root || failed
            }
            Output::List {
                gk,
                namespace,
                selector,
                wanted,
                result,
            } => {
                let expandable = Expandable::of(&gk.group, &gk.kind).is_some();
                let attempt = match result {
                    Ok((objects, warnings, version)) => {
                        snapshot.warnings.extend(warnings);
                        let store = snapshot.kind_mut(&gk);
                        store.note_listed_at(version);
                        for (ns, name, info) in objects {
                            store.insert(ns, name, info);
                        }
                        Attempt::Done
                    }
                    Err(e) => self.failure(&gk, &e),
                };
                let failed = matches!(attempt, Attempt::Failed(_));
                match selector {
                    None => self
                        .snapshot
                        .kind_mut(&gk)
                        .coverage
                        .record(namespace.as_deref(), attempt),
                    Some(selector) => {
                        let store = self.snapshot.kind_mut(&gk);
                        let forbidden_all = namespace.is_none()
                            && matches!(&attempt, Attempt::Failed(f) if f.reason == FailReason::Forbidden);
                        if forbidden_all {
                            store.coverage.labels_forbidden = true;
                        }
                        for owner in selector.owners {
                            let a = if forbidden_all {
                                // Not tried in the namespaces yet: select there next.
                                None
                            } else {
                                Some(attempt.clone())
                            };
                            match a {
                                Some(a) => {
                                    store.coverage.labelled.insert((owner, namespace.clone()), a);
                                }
                                None => {
                                    store.coverage.labelled.remove(&(owner, namespace.clone()));
                                }
                            }
                        }
                        if let (Attempt::Failed(f), Some(ns)) = (&attempt, &namespace)
                            && f.reason == FailReason::Forbidden
                        {
                            // RBAC grants LIST per namespace, not per label.
                            store.coverage.namespaces.insert(ns.clone(), attempt.clone());
                        }
                        let returned = wanted.iter().filter(|(ns, n)| store.get(ns, n).is_some()).count();
                        if !failed && wanted.len() >= plan::GET_MAX && returned * 2 < wanted.len() {
                            // Most of what was asked is not labelled by its owner: stop selecting
                            // by this owner kind's labels.
                            self.snapshot.unlabelled.insert(selector.kind);
                        }
                        return Ok(true);
                    }
                }
                expandable || failed
            }
            Output::Helm {
                keys,
                namespace,
                result,
            } => {
                match result {
                    Ok(found) => {
                        let mut found: HashMap<StorageKey, HelmState> = found.into_iter().collect();
                        for key in keys {
                            let state = found.remove(&key).unwrap_or(HelmState::Absent);
                            snapshot.helm.insert(key, state);
                        }
                    }
                    Err(e) if e.is_forbidden() && namespace.is_none() => {
                        self.helm_all_forbidden = true;
                        for key in keys {
                            snapshot.helm.insert(key, HelmState::ForbiddenClusterWide);
                        }
                    }
                    Err(e) => {
                        let message = e.short();
                        for key in keys {
                            snapshot.helm.insert(key, HelmState::Failed(message.clone()));
                        }
                    }
                }
                true
            }
            Output::Crds { owners, result } => {
                let attempt = match result {
                    Ok((objects, warnings, version)) => {
                        snapshot.warnings.extend(warnings);
                        let store = snapshot.kind_mut(&crd_kind());
                        store.note_listed_at(version);
                        for (ns, name, info) in objects {
                            store.insert(ns, name, info);
                        }
                        Attempt::Done
                    }
                    Err(e) => self.failure(&crd_kind(), &e),
                };
                for owner in owners {
                    self.snapshot.crd_owners.insert(owner, attempt.clone());
                }
                true
            }
            Output::Discover(found) => {
                snapshot.discovery = match found {
                    Some(table) => Discovery::Done(table),
                    None => Discovery::Failed,
                };
                true
            }
            Output::DiscoverGroup { gk, result } => {
                let store = snapshot.kind_mut(&gk);
                store.coverage.all = Attempt::NotTried;
                match result {
                    Ok((resource, namespaced)) => {
                        store.resource = Some(resource);
                        store.namespaced = Some(namespaced);
                    }
                    Err(f) => store.unresolvable = Some(f),
                }
                true
            }
        })
    }

    /// Classifies a failed request of a kind; a kind that is not served is unresolvable.
    fn failure(&mut self, gk: &GroupKind, e: &KubeError) -> Attempt {
        let failure = classify(gk, e);
        if failure.reason == FailReason::NotServed {
            self.snapshot.kind_mut(gk).unresolvable = Some(failure.clone());
        }
        Attempt::Failed(failure)
    }
}

fn crd_kind() -> GroupKind {
    GroupKind::new("apiextensions.k8s.io", "CustomResourceDefinition")
}

fn root_unreadable(target: &KubeTarget, root: &ObjRef, f: &Failure) -> TreeError {
    TreeError::RootUnreadable {
        context: target.context.clone(),
        root: root.to_string(),
        reason: f.reason.label(),
        message: f.message.clone(),
    }
}

async fn run(conn: &Conn, job: Job) -> Output {
    // The semaphore is never closed, so acquiring cannot fail; run unbounded if it somehow did.
    let _permit = conn.permits.acquire().await.ok();
    match job {
        Job::Get {
            gk,
            resource,
            namespace,
            name,
            metadata_only,
            ahead: _,
        } => {
            let result = conn
                .get(&gk, &resource, namespace.as_deref(), &name, metadata_only)
                .await;
            Output::Get {
                gk,
                namespace: namespace.unwrap_or_default(),
                name,
                result,
            }
        }
        Job::List {
            gk,
            resource,
            namespace,
            selector,
            metadata_only,
            wanted,
            speculative: _,
        } => {
            let labels = selector.as_ref().map(plan::Selector::to_query);
            let result = conn
                .list(
                    &gk,
                    &resource,
                    namespace.as_deref(),
                    labels.as_deref(),
                    metadata_only,
                )
                .await;
            Output::List {
                gk,
                namespace,
                selector,
                wanted,
                result,
            }
        }
        Job::Helm { keys, namespace } => {
            let result = conn.list_helm(&keys, namespace.as_deref()).await;
            Output::Helm {
                keys,
                namespace,
                result,
            }
        }
        Job::Crds { owners } => {
            let selector = plan::Selector {
                kind: Expandable::HelmRelease,
                owners: owners.clone(),
            }
            .to_query();
            let crd = crd_kind();
            let result = match super::kinds::resolve_static(&crd.group, &crd.kind) {
                Some((resource, _)) => conn.list(&crd, &resource, None, Some(&selector), false).await,
                None => Ok((Vec::new(), Vec::new(), None)),
            };
            Output::Crds { owners, result }
        }
        Job::Discover { .. } => Output::Discover(conn.aggregated().await),
        Job::DiscoverGroup { gk } => {
            let result = conn.resolve_one(&gk).await;
            Output::DiscoverGroup { gk, result }
        }
    }
}

impl Conn {
    fn err(&self, action: String, e: kube::Error) -> KubeError {
        self.target.err(action, e)
    }

    fn log(&self, path: String, status: u16, bytes: usize, sent: Instant) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        if let Ok(mut log) = self.log.lock() {
            log.push(RequestLog {
                path,
                status,
                bytes,
                start: sent.duration_since(self.start),
                took: sent.elapsed(),
            });
        }
    }

    /// Sends one request; returns the status, whether the body is protobuf, and the body, still
    /// streaming.
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<(http::StatusCode, bool, Body), kube::Error> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = self.target.client.send(request.map(Body::from)).await?;
        let protobuf = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with(proto::PROTOBUF));
        Ok((response.status(), protobuf, response.into_body()))
    }

    /// Sends one request and returns the whole body; error statuses become `kube::Error::Api`.
    async fn send_collect(&self, request: http::Request<Vec<u8>>) -> Result<Vec<u8>, kube::Error> {
        let sent = Instant::now();
        let path = path_of(&request);
        let result = async {
            let (status, _, body) = self.send(request).await?;
            let bytes = body.collect_bytes().await?;
            Ok::<_, kube::Error>((status, Vec::from(bytes)))
        }
        .await;
        self.log(
            path,
            result.as_ref().map_or(0, |(s, _)| s.as_u16()),
            result.as_ref().map_or(0, |(_, b)| b.len()),
            sent,
        );
        let (status, body) = result?;
        check_status(status, &body)?;
        Ok(body)
    }

    async fn get(
        &self,
        gk: &GroupKind,
        resource: &ApiResource,
        namespace: Option<&str>,
        name: &str,
        metadata_only: bool,
    ) -> Result<Option<(ObjInfo, Vec<String>)>, KubeError> {
        let action = match namespace {
            Some(ns) => format!("get {} {ns}/{name}", gk.display()),
            None => format!("get {} {name}", gk.display()),
        };
        let request = Request::new(DynamicObject::url_path(resource, namespace));
        let gp = GetParams::default();
        let http_request = if metadata_only {
            request.get_metadata(name, &gp)
        } else {
            request.get(name, &gp)
        }
        .map_err(|e| self.err(action.clone(), kube::Error::BuildRequest(e)))?;
        match self.send_collect(http_request).await {
            Ok(body) => {
                let mut warnings = Vec::new();
                let (_, _, info) = decode_item(gk, &body, self.keep, &mut warnings)
                    .map_err(|e| self.err(action.clone(), kube::Error::SerdeError(e)))?;
                Ok(Some((info, warnings)))
            }
            // A 404 naming the object: it does not exist (a 404 without a name: the kind is not
            // served, classified as such by the caller).
            Err(kube::Error::Api(status))
                if status.code == 404 && status.details.as_ref().is_some_and(|d| !d.name.is_empty()) =>
            {
                Ok(None)
            }
            Err(e) => Err(self.err(action, e)),
        }
    }

    /// Lists a kind, page by page, decoding each page as it streams in.
    async fn list(
        &self,
        gk: &GroupKind,
        resource: &ApiResource,
        namespace: Option<&str>,
        labels: Option<&str>,
        metadata_only: bool,
    ) -> ListResult {
        let action = match (namespace, labels) {
            (Some(ns), _) => format!("list {} in namespace {ns}", gk.display()),
            (None, _) => format!("list {}", gk.display()),
        };
        let mut objects = Vec::new();
        let mut warnings = Vec::new();
        let mut token: Option<String> = None;
        // Every page of a paginated LIST is read at the first page's resourceVersion.
        let mut version = None;
        loop {
            let mut lp = ListParams::default().limit(PAGE_SIZE);
            if let Some(labels) = labels {
                lp = lp.labels(labels);
            }
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            let request = Request::new(DynamicObject::url_path(resource, namespace));
            let mut http_request = if metadata_only {
                request.list_metadata(&lp)
            } else {
                request.list(&lp)
            }
            .map_err(|e| self.err(action.clone(), kube::Error::BuildRequest(e)))?;
            if self.wire == Wire::Auto
                && let Some(accept) = proto::accept(gk, metadata_only)
            {
                http_request
                    .headers_mut()
                    .insert(http::header::ACCEPT, http::HeaderValue::from_static(accept));
            }
            let (next, page_version) = self
                .list_page(gk, http_request, &mut objects, &mut warnings)
                .await
                .map_err(|e| self.err(action.clone(), e))?;
            version = version.or(page_version);
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok((objects, warnings, version))
    }

    /// One LIST page, decoded while it streams; returns the `continue` token, if any, and the
    /// list's `resourceVersion`.
    async fn list_page(
        &self,
        gk: &GroupKind,
        request: http::Request<Vec<u8>>,
        objects: &mut Listed,
        warnings: &mut Vec<String>,
    ) -> Result<(Option<String>, Option<String>), kube::Error> {
        let sent = Instant::now();
        let path = path_of(&request);
        let (status, protobuf, mut body) = match self.send(request).await {
            Ok(r) => r,
            Err(e) => {
                self.log(path, 0, 0, sent);
                return Err(e);
            }
        };
        if !status.is_success() {
            let bytes = body.collect_bytes().await?;
            self.log(path, status.as_u16(), bytes.len(), sent);
            if protobuf && let Some(s) = proto::status_of(&bytes) {
                return Err(kube::Error::Api(s.boxed()));
            }
            check_status(status, &bytes)?;
            return Ok((None, None));
        }
        if protobuf {
            return self
                .list_page_protobuf(gk, path, status, sent, body, objects, warnings)
                .await;
        }
        let mut splitter = ItemSplitter::default();
        let mut bad = None;
        while let Some(frame) = body.frame().await {
            let frame = frame?;
            if let Ok(data) = frame.into_data() {
                splitter.feed(&data, |item| match decode_item(gk, item, self.keep, warnings) {
                    Ok(decoded) => objects.push(decoded),
                    Err(e) => bad = Some(e),
                });
            }
        }
        self.log(path, status.as_u16(), splitter.bytes, sent);
        if let Some(e) = bad {
            return Err(kube::Error::SerdeError(e));
        }
        if !splitter.complete() {
            return Err(kube::Error::Service("the LIST response ended early".into()));
        }
        Ok((splitter.continue_token(), splitter.resource_version()))
    }

    /// A LIST page in protobuf (see [`proto`]), decoded while it streams.
    #[allow(clippy::too_many_arguments)]
    async fn list_page_protobuf(
        &self,
        gk: &GroupKind,
        path: String,
        status: http::StatusCode,
        sent: Instant,
        mut body: Body,
        objects: &mut Listed,
        warnings: &mut Vec<String>,
    ) -> Result<(Option<String>, Option<String>), kube::Error> {
        let mut splitter = proto::ProtoSplitter::default();
        let mut bad = None;
        while let Some(frame) = body.frame().await {
            let frame = frame?;
            if let Ok(data) = frame.into_data() {
                splitter.feed(&data, |item| {
                    match proto::decode_item(gk, item, self.keep, warnings) {
                        Ok(decoded) => objects.push(decoded),
                        Err(e) => bad = Some(e),
                    }
                });
            }
        }
        self.log(path, status.as_u16(), splitter.bytes, sent);
        if let Some(e) = splitter.error().or(bad) {
            return Err(kube::Error::Service(e.into()));
        }
        if !splitter.complete() {
            return Err(kube::Error::Service("the LIST response ended early".into()));
        }
        Ok((splitter.continue_token(), splitter.resource_version()))
    }

    /// Lists the storage Secrets of the given releases with Helm's own labels, narrowed to their
    /// names and versions, and decodes the ones asked for.
    async fn list_helm(
        &self,
        keys: &[StorageKey],
        namespace: Option<&str>,
    ) -> Result<Vec<(StorageKey, HelmState)>, KubeError> {
        let names: std::collections::BTreeSet<&str> = keys.iter().map(|k| k.release.as_str()).collect();
        let versions: std::collections::BTreeSet<i64> = keys.iter().map(|k| k.version).collect();
        let selector = format!(
            "owner=helm,name in ({}),version in ({})",
            names.into_iter().collect::<Vec<_>>().join(","),
            versions.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        );
        let action = match namespace {
            Some(ns) => format!("list Helm storage Secrets in namespace {ns}"),
            None => "list Helm storage Secrets".to_string(),
        };
        let secrets = ApiResource::erase::<k8s_openapi::api::core::v1::Secret>(&());
        let request = Request::new(DynamicObject::url_path(&secrets, namespace))
            .list(&ListParams::default().labels(&selector))
            .map_err(|e| self.err(action.clone(), kube::Error::BuildRequest(e)))?;
        let body = self
            .send_collect(request)
            .await
            .map_err(|e| self.err(action.clone(), e))?;
        let list: HelmSecretList = serde_json::from_slice(&body)
            .map_err(|e| self.err(action.clone(), kube::Error::SerdeError(e)))?;
        drop(body);
        let wanted: HashMap<(&str, String), &StorageKey> = keys
            .iter()
            .map(|k| ((k.namespace.as_str(), k.secret_name()), k))
            .collect();
        let mut out = Vec::new();
        for secret in list.items {
            let ns = secret.metadata.namespace.unwrap_or_default();
            let Some(key) = wanted.get(&(ns.as_str(), secret.metadata.name)) else {
                continue;
            };
            let state = match secret.data.and_then(|d| d.release) {
                None => HelmState::Failed("the Secret has no 'release' key".into()),
                Some(data) => match helm::decode_secret_data(&data, Limits::DEFAULT) {
                    Ok(release) => HelmState::Decoded(release),
                    Err(e) => HelmState::Failed(error_chain(&e)),
                },
            };
            out.push(((*key).clone(), state));
        }
        Ok(out)
    }

    /// Aggregated discovery of every API group (`/apis`; the core group's kinds are all in the
    /// built-in table). `None` when the server does not offer it.
    async fn aggregated(&self) -> Option<Discovered> {
        let request = http::Request::get("/apis")
            .header(http::header::ACCEPT, AGGREGATED_DISCOVERY)
            .body(Vec::new())
            .ok()?;
        let body = self.send_collect(request).await.ok()?;
        let list: DiscoveryList = serde_json::from_slice(&body).ok()?;
        if list.kind != "APIGroupDiscoveryList" {
            return None;
        }
        let mut table = HashMap::new();
        add_discovered(&mut table, list);
        Some(table)
    }

    async fn resolve_one(&self, gk: &GroupKind) -> Result<(ApiResource, bool), Failure> {
        // Per-group discovery: the group list plus its preferred version.
        self.requests.fetch_add(2, Ordering::Relaxed);
        Resolver::new(self.target.clone())
            .resolve(&gk.group, None, &gk.kind)
            .await
            .map_err(|e| classify(gk, &e))
    }
}

fn path_of<B>(request: &http::Request<B>) -> String {
    request
        .uri()
        .path_and_query()
        .map_or_else(String::new, ToString::to_string)
}

/// Turns an error status into `kube::Error::Api`, with the apiserver's Status when it sent one.
fn check_status(status: http::StatusCode, body: &[u8]) -> Result<(), kube::Error> {
    if status.is_client_error() || status.is_server_error() {
        let parsed = serde_json::from_slice::<Status>(body)
            .ok()
            .filter(|s| s.code != 0);
        let status = parsed.unwrap_or_else(|| {
            Status::failure(
                String::from_utf8_lossy(body).trim(),
                status.canonical_reason().unwrap_or(""),
            )
            .with_code(status.as_u16())
        });
        return Err(kube::Error::Api(status.boxed()));
    }
    Ok(())
}

fn classify(gk: &GroupKind, e: &KubeError) -> Failure {
    match e {
        KubeError::Api {
            code: 403, message, ..
        } => Failure {
            reason: FailReason::Forbidden,
            message: message.clone(),
        },
        KubeError::Api {
            code: 404, context, ..
        }
        | KubeError::UnknownKind { context, .. } => Failure {
            reason: FailReason::NotServed,
            message: format!("kind {} is not served by cluster '{context}'", gk.display()),
        },
        other => Failure {
            reason: FailReason::Error,
            message: error_chain(other),
        },
    }
}

pub use crate::error::chain::error_chain;

#[derive(Deserialize)]
struct HelmSecretList {
    #[serde(default, deserialize_with = "null_as_empty")]
    items: Vec<HelmSecret>,
}

#[derive(Deserialize)]
struct HelmSecret {
    metadata: HelmSecretMeta,
    #[serde(default)]
    data: Option<HelmSecretData>,
}

#[derive(Deserialize)]
struct HelmSecretMeta {
    name: String,
    #[serde(default)]
    namespace: Option<String>,
}

#[derive(Deserialize)]
struct HelmSecretData {
    #[serde(default)]
    release: Option<String>,
}

const AGGREGATED_DISCOVERY: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

#[derive(Deserialize)]
struct DiscoveryList {
    #[serde(default)]
    kind: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    items: Vec<DiscoveryGroup>,
}

#[derive(Deserialize)]
struct DiscoveryGroup {
    #[serde(default)]
    metadata: DiscoveryMeta,
    #[serde(default)]
    versions: Vec<DiscoveryVersion>,
}

#[derive(Default, Deserialize)]
struct DiscoveryMeta {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct DiscoveryVersion {
    version: String,
    #[serde(default)]
    resources: Vec<DiscoveryResource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiscoveryResource {
    resource: String,
    #[serde(default)]
    response_kind: Option<DiscoveryKind>,
    #[serde(default)]
    scope: String,
}

#[derive(Deserialize)]
struct DiscoveryKind {
    kind: String,
}

/// Adds every resource of an aggregated discovery document, preferred versions first (the
/// server lists versions in preference order, so the first hit per kind wins).
fn add_discovered(table: &mut Discovered, list: DiscoveryList) {
    for group in list.items {
        for version in &group.versions {
            for r in &version.resources {
                let Some(kind) = &r.response_kind else { continue };
                let gk = GroupKind::new(&group.metadata.name, &kind.kind);
                if table.contains_key(&gk) {
                    continue;
                }
                let api_version = if gk.group.is_empty() {
                    version.version.clone()
                } else {
                    format!("{}/{}", gk.group, version.version)
                };
                let resource = ApiResource {
                    group: gk.group.clone(),
                    version: version.version.clone(),
                    api_version,
                    kind: kind.kind.clone(),
                    plural: r.resource.clone(),
                };
                table.insert(gk, (resource, r.scope == "Namespaced"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_aggregated_discovery() {
        let list: DiscoveryList = serde_json::from_value(serde_json::json!({
            "kind": "APIGroupDiscoveryList",
            "items": [{"metadata": {"name": "cert-manager.io"}, "versions": [
                {"version": "v1", "resources": [
                    {"resource": "certificates", "responseKind": {"group": "", "version": "", "kind": "Certificate"}, "scope": "Namespaced"},
                    {"resource": "clusterissuers", "responseKind": {"kind": "ClusterIssuer"}, "scope": "Cluster"}]},
                {"version": "v1alpha2", "resources": [
                    {"resource": "certificates", "responseKind": {"kind": "Certificate"}, "scope": "Namespaced"}]}
            ]}]
        }))
        .expect("parses");
        let mut table = HashMap::new();
        add_discovered(&mut table, list);
        let (cert, namespaced) = &table[&GroupKind::new("cert-manager.io", "Certificate")];
        assert_eq!(
            (cert.version.as_str(), cert.plural.as_str(), *namespaced),
            ("v1", "certificates", true)
        );
        assert!(!table[&GroupKind::new("cert-manager.io", "ClusterIssuer")].1);
    }
}
