//! Fetching on one cluster: rounds of parallel LISTs, one per kind, driven by the walk.
//!
//! Round 1 lists the root's kind together with every Kustomization and HelmRelease of the
//! cluster (all namespaces, one request each): with those in memory the walk expands every nested
//! Kustomization at once, however deep, instead of one GET per Kustomization as `flux tree` does.
//! Round 2 lists each kind named by the inventories (metadata-only where status does not depend
//! on spec or status), and the Helm storage Secrets of HelmReleases without an inventory, in one
//! label-selected LIST. A third round is needed only when those reveal new kinds (ResourceSets,
//! FluxInstances, Helm manifests). Kinds not in the built-in table are resolved with aggregated
//! discovery (one request for `/apis`, one for `/api`), so the total stays at about one request
//! per kind plus a small constant, whatever the size of the tree.
//!
//! Requests run concurrently, bounded by a semaphore. A LIST that is forbidden cluster-wide is
//! retried namespace by namespace (a tenant may read its own namespaces only); what still fails is
//! recorded in the snapshot and shown on the nodes it affects. Only the root matters for success:
//! if it cannot be read, the cluster fails.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use futures::future::join_all;
use kube::{
    api::{ApiResource, DynamicObject, ListParams},
    client::Body,
    core::{Request, Resource, Status},
};
use serde::Deserialize;
use tokio::sync::Semaphore;

use super::{
    TreeError,
    helm::{self, Limits},
    kinds::resolve_static,
    model::{Expandable, GroupKind, ObjRef},
    snapshot::{
        Attempt, Coverage, FailReason, Failure, HelmState, ListBody, ObjInfo, Snapshot, StorageKey,
        info_from_item, metadata_only, null_as_empty,
    },
    walk::{Needs, RootState, WalkOptions, Walked, walk},
};
use crate::kube::{KubeError, KubeTarget, Resolver};

/// More rounds than any tree needs (three in practice); a guard against a planning bug.
const MAX_ROUNDS: usize = 8;

/// How one cluster is fetched.
#[derive(Clone, Copy, Debug)]
pub struct FetchOptions {
    /// Shapes the walk (and so what is fetched).
    pub walk: WalkOptions,
    /// Requests in flight at once on this cluster.
    pub concurrency: usize,
}

/// Counters of one cluster's fetch, for `-v` and the benchmark.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// API requests sent (LISTs and discovery).
    pub requests: usize,
    /// Rounds of requests.
    pub rounds: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Every request, in completion order.
    pub log: Vec<RequestLog>,
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
    /// Warnings gathered while reading listed objects.
    pub warnings: Vec<String>,
    /// Counters.
    pub stats: Stats,
}

/// Fetches everything under `root` on one cluster.
pub async fn fetch(target: &KubeTarget, root: &ObjRef, options: FetchOptions) -> Result<Fetched, TreeError> {
    let start = Instant::now();
    let mut fetcher = Fetcher {
        target,
        start,
        log: Mutex::new(Vec::new()),
        permits: Semaphore::new(options.concurrency.max(1)),
        requests: AtomicUsize::new(0),
        helm_all_forbidden: false,
        root: root.group_kind(),
    };
    let mut snapshot = Snapshot::default();
    let mut rounds = 0;
    let walked = loop {
        let mut walked = walk(&snapshot, root, options.walk);
        match &walked.state {
            RootState::Missing => {
                return Err(TreeError::RootNotFound {
                    context: target.context.clone(),
                    root: root.to_string(),
                });
            }
            RootState::Failed(f) => return Err(root_unreadable(target, root, f)),
            RootState::Found | RootState::Pending => {}
        }
        if walked.needs.is_empty() || rounds == MAX_ROUNDS {
            break walked;
        }
        if rounds == 0 && options.walk.max_depth != Some(0) {
            // Speculative: nearly every tree has both, and listing them now saves a round trip.
            walked.needs.add(Expandable::Kustomization.group_kind(), "");
            walked.needs.add(Expandable::HelmRelease.group_kind(), "");
        }
        rounds += 1;
        if !fetcher.round(&mut snapshot, &walked.needs).await? {
            // Nothing left that a request could change (e.g. forbidden everywhere).
            break walk(&snapshot, root, options.walk);
        }
    };
    if walked.state != RootState::Found {
        return Err(root_unreadable(
            target,
            root,
            &Failure {
                reason: FailReason::Error,
                message: "not fetched".into(),
            },
        ));
    }
    Ok(Fetched {
        walked,
        warnings: std::mem::take(&mut snapshot.warnings),
        stats: Stats {
            requests: fetcher.requests.load(Ordering::Relaxed),
            rounds,
            elapsed: start.elapsed(),
            log: fetcher.log.into_inner().unwrap_or_default(),
        },
    })
}

fn root_unreadable(target: &KubeTarget, root: &ObjRef, f: &Failure) -> TreeError {
    TreeError::RootUnreadable {
        context: target.context.clone(),
        root: root.to_string(),
        reason: f.reason.label(),
        message: f.message.clone(),
    }
}

struct Fetcher<'a> {
    target: &'a KubeTarget,
    start: Instant,
    log: Mutex<Vec<RequestLog>>,
    permits: Semaphore,
    requests: AtomicUsize,
    /// The cluster-wide LIST of Helm storage Secrets was forbidden: go namespace by namespace.
    helm_all_forbidden: bool,
    root: GroupKind,
}

enum Job {
    List {
        gk: GroupKind,
        resource: ApiResource,
        namespace: Option<String>,
        metadata_only: bool,
    },
    Helm {
        keys: Vec<StorageKey>,
        namespace: Option<String>,
    },
}

type Listed = Vec<(String, String, ObjInfo)>;

enum Output {
    List {
        gk: GroupKind,
        namespace: Option<String>,
        result: Result<(Listed, Vec<String>), KubeError>,
    },
    Helm {
        keys: Vec<StorageKey>,
        namespace: Option<String>,
        result: Result<Vec<(StorageKey, HelmState)>, KubeError>,
    },
}

type Discovered = HashMap<GroupKind, Result<(ApiResource, bool), Failure>>;

impl Fetcher<'_> {
    /// One round: resolves kinds, plans and runs the LISTs, records the results. Returns whether
    /// anything was requested.
    async fn round(&mut self, snapshot: &mut Snapshot, needs: &Needs) -> Result<bool, TreeError> {
        let mut unknown = Vec::new();
        for gk in needs.kinds.keys() {
            let store = snapshot.kind_mut(gk);
            if store.resource.is_some() || store.unresolvable.is_some() {
                continue;
            }
            match resolve_static(&gk.group, &gk.kind) {
                Some((resource, namespaced)) => {
                    store.resource = Some(resource);
                    store.namespaced = Some(namespaced);
                }
                None => unknown.push(gk.clone()),
            }
        }
        let jobs = self.plan(snapshot, needs);
        if jobs.is_empty() && unknown.is_empty() {
            return Ok(false);
        }
        let this = &*self;
        let (outputs, (discovered, late)) = futures::join!(this.run_all(jobs), async {
            if unknown.is_empty() {
                return (Discovered::new(), Vec::new());
            }
            let discovered = this.discover(&unknown).await;
            // The newly resolved kinds are listed as soon as discovery answers, alongside the rest.
            let jobs: Vec<Job> = discovered
                .iter()
                .filter_map(|(gk, r)| r.as_ref().ok().map(|hit| (gk, hit)))
                .flat_map(|(gk, (resource, namespaced))| {
                    let nss = needs.kinds.get(gk).cloned().unwrap_or_default();
                    plan_kind(
                        gk,
                        resource,
                        *namespaced,
                        &Coverage::default(),
                        &nss,
                        needs.expanding,
                    )
                })
                .collect();
            (discovered, this.run_all(jobs).await)
        });
        for (gk, result) in discovered {
            let store = snapshot.kind_mut(&gk);
            match result {
                Ok((resource, namespaced)) => {
                    store.resource = Some(resource);
                    store.namespaced = Some(namespaced);
                }
                Err(f) => store.unresolvable = Some(f),
            }
        }
        for output in outputs.into_iter().chain(late) {
            self.record(snapshot, output)?;
        }
        Ok(true)
    }

    fn plan(&self, snapshot: &Snapshot, needs: &Needs) -> Vec<Job> {
        let mut jobs = Vec::new();
        for (gk, nss) in &needs.kinds {
            let Some(store) = snapshot.kind(&gk.group, &gk.kind) else {
                continue;
            };
            if let (Some(resource), None) = (&store.resource, &store.unresolvable) {
                let namespaced = store.namespaced.unwrap_or(true);
                jobs.extend(plan_kind(
                    gk,
                    resource,
                    namespaced,
                    &store.coverage,
                    nss,
                    needs.expanding,
                ));
            }
        }
        let mut cluster_wide = Vec::new();
        let mut by_namespace: BTreeMap<String, Vec<StorageKey>> = BTreeMap::new();
        for key in &needs.helm {
            match snapshot.helm_state(key) {
                HelmState::NotTried if !self.helm_all_forbidden => cluster_wide.push(key.clone()),
                HelmState::NotTried | HelmState::ForbiddenClusterWide => by_namespace
                    .entry(key.namespace.clone())
                    .or_default()
                    .push(key.clone()),
                _ => {}
            }
        }
        if !cluster_wide.is_empty() {
            jobs.push(Job::Helm {
                keys: cluster_wide,
                namespace: None,
            });
        }
        jobs.extend(by_namespace.into_iter().map(|(ns, keys)| Job::Helm {
            keys,
            namespace: Some(ns),
        }));
        jobs
    }

    async fn run_all(&self, jobs: Vec<Job>) -> Vec<Output> {
        join_all(jobs.into_iter().map(|job| self.run(job))).await
    }

    async fn run(&self, job: Job) -> Output {
        // The semaphore is never closed, so acquiring cannot fail; run unbounded if it somehow did.
        let _permit = self.permits.acquire().await.ok();
        match job {
            Job::List {
                gk,
                resource,
                namespace,
                metadata_only,
            } => {
                let result = self
                    .list(&gk, &resource, namespace.as_deref(), metadata_only)
                    .await;
                Output::List {
                    gk,
                    namespace,
                    result,
                }
            }
            Job::Helm { keys, namespace } => {
                let result = self.list_helm(&keys, namespace.as_deref()).await;
                Output::Helm {
                    keys,
                    namespace,
                    result,
                }
            }
        }
    }

    fn record(&mut self, snapshot: &mut Snapshot, output: Output) -> Result<(), TreeError> {
        match output {
            Output::List {
                gk,
                namespace,
                result,
            } => {
                let attempt = match result {
                    Ok((objects, warnings)) => {
                        snapshot.warnings.extend(warnings);
                        let store = snapshot.kind_mut(&gk);
                        for (ns, name, info) in objects {
                            store.objects.entry(ns).or_default().insert(name, info);
                        }
                        Attempt::Done
                    }
                    Err(e) if gk == self.root && e.is_unreachable() => return Err(TreeError::Kube(e)),
                    Err(e) => {
                        let failure = classify(&gk, &e);
                        if failure.reason == FailReason::NotServed {
                            snapshot.kind_mut(&gk).unresolvable = Some(failure.clone());
                        }
                        Attempt::Failed(failure)
                    }
                };
                snapshot
                    .kind_mut(&gk)
                    .coverage
                    .record(namespace.as_deref(), attempt);
            }
            Output::Helm {
                keys,
                namespace,
                result,
            } => match result {
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
            },
        }
        Ok(())
    }

    fn err(&self, action: String, e: kube::Error) -> KubeError {
        self.target.err(action, e)
    }

    /// Sends one request and returns the body; error statuses become `kube::Error::Api`.
    async fn send(&self, request: http::Request<Vec<u8>>) -> Result<Vec<u8>, kube::Error> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let sent = Instant::now();
        let path = request
            .uri()
            .path_and_query()
            .map_or_else(String::new, ToString::to_string);
        let result = self.exchange(request).await;
        let entry = RequestLog {
            path,
            status: result.as_ref().map_or(0, |(s, _)| *s),
            bytes: result.as_ref().map_or(0, |(_, b)| b.len()),
            start: sent.duration_since(self.start),
            took: sent.elapsed(),
        };
        if let Ok(mut log) = self.log.lock() {
            log.push(entry);
        }
        let (status, body) = result?;
        let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_client_error() || status.is_server_error() {
            let parsed = serde_json::from_slice::<Status>(&body)
                .ok()
                .filter(|s| s.code != 0);
            let status = parsed.unwrap_or_else(|| {
                Status::failure(
                    String::from_utf8_lossy(&body).trim(),
                    status.canonical_reason().unwrap_or(""),
                )
                .with_code(status.as_u16())
            });
            return Err(kube::Error::Api(status.boxed()));
        }
        Ok(body)
    }

    async fn exchange(&self, request: http::Request<Vec<u8>>) -> Result<(u16, Vec<u8>), kube::Error> {
        let response = self.target.client.send(request.map(Body::from)).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect_bytes().await?;
        // Zero-copy when the collected body is one buffer, which it is once collected.
        Ok((status, Vec::from(body)))
    }

    async fn list(
        &self,
        gk: &GroupKind,
        resource: &ApiResource,
        namespace: Option<&str>,
        metadata_only: bool,
    ) -> Result<(Listed, Vec<String>), KubeError> {
        let action = match namespace {
            Some(ns) => format!("list {} in namespace {ns}", gk.display()),
            None => format!("list {}", gk.display()),
        };
        let request = Request::new(DynamicObject::url_path(resource, namespace));
        let lp = ListParams::default();
        let http_request = if metadata_only {
            request.list_metadata(&lp)
        } else {
            request.list(&lp)
        }
        .map_err(|e| self.err(action.clone(), kube::Error::BuildRequest(e)))?;
        let body = self
            .send(http_request)
            .await
            .map_err(|e| self.err(action.clone(), e))?;
        let list: ListBody = serde_json::from_slice(&body)
            .map_err(|e| self.err(action.clone(), kube::Error::SerdeError(e)))?;
        drop(body);
        let mut warnings = Vec::new();
        let objects = list
            .items
            .into_iter()
            .map(|item| {
                let ns = item.metadata.namespace.clone().unwrap_or_default();
                let name = item.metadata.name.clone();
                (ns, name, info_from_item(gk, item, &mut warnings))
            })
            .collect();
        Ok((objects, warnings))
    }

    /// Lists the storage Secrets of the given releases with Helm's own labels, narrowed to their
    /// names and versions, and decodes the ones asked for.
    async fn list_helm(
        &self,
        keys: &[StorageKey],
        namespace: Option<&str>,
    ) -> Result<Vec<(StorageKey, HelmState)>, KubeError> {
        let names: BTreeSet<&str> = keys.iter().map(|k| k.release.as_str()).collect();
        let versions: BTreeSet<i64> = keys.iter().map(|k| k.version).collect();
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
            .send(request)
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

    /// Resolves kinds missing from the built-in table with aggregated discovery (one request per
    /// `/api` and `/apis`), falling back to per-group discovery on servers without it.
    async fn discover(&self, kinds: &[GroupKind]) -> Discovered {
        let want_core = kinds.iter().any(|k| k.group.is_empty());
        let want_apis = kinds.iter().any(|k| !k.group.is_empty());
        let (core, apis) = futures::join!(
            async {
                match want_core {
                    true => Some(self.aggregated("/api").await),
                    false => None,
                }
            },
            async {
                match want_apis {
                    true => Some(self.aggregated("/apis").await),
                    false => None,
                }
            }
        );
        let mut table: HashMap<GroupKind, (ApiResource, bool)> = HashMap::new();
        let mut core_ok = false;
        let mut apis_ok = false;
        for (result, ok) in [(core, &mut core_ok), (apis, &mut apis_ok)] {
            if let Some(Some(list)) = result {
                *ok = true;
                add_discovered(&mut table, list);
            }
        }
        let mut out = Discovered::new();
        for gk in kinds {
            let answered = if gk.group.is_empty() { core_ok } else { apis_ok };
            let result = match table.remove(gk) {
                Some(hit) => Ok(hit),
                None if answered => Err(Failure {
                    reason: FailReason::NotServed,
                    message: format!(
                        "kind {} is not served by cluster '{}'",
                        gk.display(),
                        self.target.context
                    ),
                }),
                None => self.resolve_one(gk).await,
            };
            out.insert(gk.clone(), result);
        }
        out
    }

    async fn aggregated(&self, path: &str) -> Option<DiscoveryList> {
        let request = http::Request::get(path)
            .header(http::header::ACCEPT, AGGREGATED_DISCOVERY)
            .body(Vec::new())
            .ok()?;
        let body = self.send(request).await.ok()?;
        let list: DiscoveryList = serde_json::from_slice(&body).ok()?;
        (list.kind == "APIGroupDiscoveryList").then_some(list)
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

/// The LISTs for one resolved kind: cluster-wide by default; one namespace when that is all that
/// is needed and no expansion is pending (so no other namespace can be needed later); namespace
/// by namespace when the cluster-wide LIST was forbidden.
fn plan_kind(
    gk: &GroupKind,
    resource: &ApiResource,
    namespaced: bool,
    coverage: &Coverage,
    namespaces: &BTreeSet<String>,
    expanding: bool,
) -> Vec<Job> {
    let job = |namespace: Option<&String>| Job::List {
        gk: gk.clone(),
        resource: resource.clone(),
        namespace: namespace.cloned(),
        metadata_only: metadata_only(&gk.group, &gk.kind),
    };
    let untried = |ns: &&String| {
        !ns.is_empty()
            && coverage
                .namespaces
                .get(*ns)
                .is_none_or(|a| *a == Attempt::NotTried)
    };
    match &coverage.all {
        Attempt::NotTried => {
            let single = namespaces.len() == 1 && namespaces.iter().all(|ns| !ns.is_empty());
            if namespaced && single && !expanding && Expandable::of(&gk.group, &gk.kind).is_none() {
                namespaces
                    .iter()
                    .filter(untried)
                    .map(|ns| job(Some(ns)))
                    .collect()
            } else {
                vec![job(None)]
            }
        }
        Attempt::Failed(f) if f.reason == FailReason::Forbidden && namespaced => namespaces
            .iter()
            .filter(untried)
            .map(|ns| job(Some(ns)))
            .collect(),
        _ => Vec::new(),
    }
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

pub use crate::error::error_chain;

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
fn add_discovered(table: &mut HashMap<GroupKind, (ApiResource, bool)>, list: DiscoveryList) {
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

    fn nss(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn targets(jobs: &[Job]) -> Vec<Option<String>> {
        jobs.iter()
            .map(|j| match j {
                Job::List { namespace, .. } | Job::Helm { namespace, .. } => namespace.clone(),
            })
            .collect()
    }

    #[test]
    fn plans_one_list_per_kind() {
        let gk = GroupKind::new("", "ConfigMap");
        let (ar, _) = resolve_static("", "ConfigMap").expect("known");
        let c = Coverage::default();
        // Several namespaces, or more expansions to come: one cluster-wide LIST.
        assert_eq!(
            targets(&plan_kind(&gk, &ar, true, &c, &nss(&["a", "b"]), false)),
            [None]
        );
        assert_eq!(
            targets(&plan_kind(&gk, &ar, true, &c, &nss(&["a"]), true)),
            [None]
        );
        // Only one namespace and nothing pending: that namespace only.
        assert_eq!(
            targets(&plan_kind(&gk, &ar, true, &c, &nss(&["a"]), false)),
            [Some("a".to_string())]
        );
    }

    #[test]
    fn falls_back_to_namespaces_when_forbidden() {
        let gk = GroupKind::new("", "Secret");
        let (ar, _) = resolve_static("", "Secret").expect("known");
        let mut c = Coverage::default();
        c.record(
            None,
            Attempt::Failed(Failure {
                reason: FailReason::Forbidden,
                message: "no".into(),
            }),
        );
        c.record(Some("a"), Attempt::Done);
        assert_eq!(
            targets(&plan_kind(&gk, &ar, true, &c, &nss(&["a", "b", "c"]), true)),
            [Some("b".to_string()), Some("c".to_string())]
        );
        // Cluster-scoped kinds have nowhere to fall back to.
        assert!(plan_kind(&gk, &ar, false, &c, &nss(&[""]), true).is_empty());
    }

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
