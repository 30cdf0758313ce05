//! `kubectl fleet reconcile|suspend|resume`: ask the Flux controllers of every selected cluster to
//! act on the same objects now, and report per cluster what they did.
//!
//! The requests are those of the flux and flux-operator CLIs, so controllers and field managers
//! see nothing new:
//!
//! - reconcile: a merge patch of `reconcile.fluxcd.io/requestedAt` (plus `forceAt` with the same
//!   value with `force`, which makes helm-controller release even without changes); the
//!   controller copies the value to `status.lastHandledReconcileAt` once it has handled the
//!   request, so the wait is for that value and then for Ready at the current generation;
//! - suspend / resume: `spec.suspend` for the toolkit kinds, the `fluxcd.controlplane.io/reconcile`
//!   annotation (`disabled`) for the operator's; resume removes either and requests a reconcile,
//!   then waits like reconcile (as `flux resume` does).
//!
//! Every patch is a JSON merge patch of those fields only, as field manager
//! [`FIELD_MANAGER`]: nothing else of the object changes hands. One value of `requestedAt` per run,
//! the same on every cluster. Every cluster runs at once through the one [`Runner`]; an object
//! missing on one cluster fails that cluster only.
//!
//! # The `FleetReconcile` document (`-o json`, `-o yaml`)
//!
//! Stable within `apiVersion: kubectl-fleet.dev/v1`: fields are only ever added.
//!
//! ```yaml
//! apiVersion: kubectl-fleet.dev/v1
//! kind: FleetReconcile
//! action: reconcile                  # reconcile | suspend | resume
//! requestedAt: "2026-11-30T06:30:00.1Z"   # absent for suspend
//! clusters:                          # in the order the contexts were given
//! - context: staging
//!   seconds: 4.2
//!   objects:
//!   - kind: Kustomization
//!     namespace: apps
//!     name: frontend
//!     result: Ready                  # Ready | Requested | Suspended | Resumed | Failed
//!     revision: main@sha1:…          # what the controller applied or fetched, when it says
//!     message: "Applied revision: …" # the controller's message (why, when Failed)
//!     seconds: 4.1
//!     source: {kind: GitRepository, …}   # with --with-source: the same fields for the source
//! - context: prod-us
//!   error: "Kustomization apps/frontend not found on cluster 'prod-us'"
//! summary: {clusters: 2, objects: 1, failed: 1}
//! ```
//!
//! Exit 1 when a cluster failed (unreachable, object missing) or an object failed.

use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use kube::{
    Api,
    api::{DynamicObject, ListParams, Patch, PatchParams},
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    error::{Error, ExitStatus, Result},
    kube::{
        ClientOptions, FIELD_MANAGER, KnownKind, KubeError, KubeTarget, LoadedKubeconfig, WaitOutcome,
        find_alias, find_known, known_kinds, wait_until,
    },
    ops::{Runner, Step, TargetReport},
    output::{Reporter, plural},
    status::{self, State},
};

/// The annotation a reconcile request sets (flux's `meta.ReconcileRequestAnnotation`).
pub const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";
/// The annotation `--force` sets too (flux's `meta.ForceRequestAnnotation`).
pub const FORCE_AT: &str = "reconcile.fluxcd.io/forceAt";
/// The flux-operator's switch: `disabled` suspends its objects.
pub const OPERATOR_RECONCILE: &str = "fluxcd.controlplane.io/reconcile";
/// Where objects are looked for without `-n` (as the flux CLI does).
pub use crate::repo::layout::DEFAULT_FLUX_NAMESPACE as DEFAULT_NAMESPACE;
/// How often a wait reads the object again.
const POLL: Duration = Duration::from_secs(1);
/// How many times a Kustomization is asked again when it applied an older revision than its
/// source just fetched (see `Plan::reconcile_to`).
const STALE_SOURCE_RETRIES: usize = 5;
/// Objects of one cluster acted on at once (with `--all`).
const PER_CLUSTER: usize = 8;

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Request a reconcile now.
    Reconcile,
    /// Stop reconciling.
    Suspend,
    /// Reconcile again (and now).
    Resume,
}

impl Action {
    /// The verb, as the command is named.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Reconcile => "reconcile",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
        }
    }
}

/// Input that cannot be acted on (a usage error, exit 2, before any request).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    /// Not `KIND/NAME`, `KIND/NAMESPACE/NAME` (or `KIND` with `--all`).
    #[error("invalid object '{0}': expected KIND/NAME or KIND/NAMESPACE/NAME, e.g. ks/apps")]
    Format(String),
    /// `--all` with a name.
    #[error("--all takes a kind, not an object: '{0}' (e.g. --all ks -l team=apps)")]
    AllWithName(String),
    /// Not a kind the suite knows.
    #[error("unknown kind '{kind}': use a Flux kind ({known})")]
    UnknownKind {
        /// What was typed.
        kind: String,
        /// The kinds that work, with their short names.
        known: String,
    },
    /// A kind that is not Flux's.
    #[error("{0} is not a Flux kind: Flux controllers only reconcile their own objects")]
    NotFlux(String),
    /// A kind without a controller that handles the action.
    #[error("{kind} cannot be {verb}d: {why}")]
    Unsupported {
        /// The kind.
        kind: &'static str,
        /// The action's verb.
        verb: &'static str,
        /// Why not.
        why: &'static str,
    },
    /// `--with-source` on a kind without a source.
    #[error(
        "--with-source: {0} has no source (use it with Kustomization, HelmRelease, HelmChart or ImageUpdateAutomation)"
    )]
    NoSource(&'static str),
}

/// The Flux kinds and their short names, for error messages.
fn flux_kind_list() -> String {
    known_kinds()
        .iter()
        .filter(|k| k.is_flux())
        .map(|k| match k.aliases.first() {
            Some(a) if !a.eq_ignore_ascii_case(k.kind) => format!("{} ({a})", k.kind),
            _ => k.kind.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which objects of a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Objects {
    /// One object.
    One {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
    /// Every object matching a label selector, in one namespace or all.
    All {
        /// The namespace, `None` for every namespace.
        namespace: Option<String>,
        /// A label selector (`-l`).
        selector: Option<String>,
    },
}

/// The objects to act on, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Their kind (a Flux kind).
    pub kind: &'static KnownKind,
    /// Which of them.
    pub objects: Objects,
}

impl Selection {
    /// Parses what the user typed: `KIND/NAME` or `KIND/NAMESPACE/NAME`, or `KIND` with `all`;
    /// `namespace` is `-n` (default flux-system), `all_namespaces` is `-A` (only with `all`).
    pub fn parse(
        text: &str,
        action: Action,
        all: bool,
        namespace: Option<&str>,
        all_namespaces: bool,
        selector: Option<&str>,
    ) -> Result<Self, SelectError> {
        let parts: Vec<&str> = text.split('/').collect();
        let valid = |s: &str| {
            !s.is_empty()
                && s.len() <= 253
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        };
        let (kind, ns, name) = match (parts.as_slice(), all) {
            ([kind], true) => (*kind, None, None),
            (_, true) => return Err(SelectError::AllWithName(text.to_string())),
            ([kind, name], false) => (*kind, None, Some(*name)),
            ([kind, ns, name], false) => (*kind, Some(*ns), Some(*name)),
            _ => return Err(SelectError::Format(text.to_string())),
        };
        if kind.is_empty() || name.is_some_and(|n| !valid(n)) || ns.is_some_and(|n| !valid(n)) {
            return Err(SelectError::Format(text.to_string()));
        }
        let known = find_alias(kind).ok_or_else(|| SelectError::UnknownKind {
            kind: kind.to_string(),
            known: flux_kind_list(),
        })?;
        if !known.is_flux() {
            return Err(SelectError::NotFlux(known.kind.to_string()));
        }
        supports(known, action)?;
        let namespace = ns.or(namespace).unwrap_or(DEFAULT_NAMESPACE).to_string();
        let objects = match name {
            Some(name) => Objects::One {
                namespace,
                name: name.to_string(),
            },
            None => Objects::All {
                namespace: (!all_namespaces).then_some(namespace),
                selector: selector.map(str::to_string),
            },
        };
        Ok(Selection { kind: known, objects })
    }

    /// Fails unless the kind has a source `--with-source` can reconcile first.
    pub fn check_with_source(&self) -> Result<(), SelectError> {
        match self.kind.kind {
            "Kustomization" | "HelmRelease" | "HelmChart" | "ImageUpdateAutomation" => Ok(()),
            other => Err(SelectError::NoSource(other)),
        }
    }
}

/// Whether `kind` takes `action`.
fn supports(kind: &KnownKind, action: Action) -> Result<(), SelectError> {
    let unsupported = |why| SelectError::Unsupported {
        kind: kind.kind,
        verb: action.verb(),
        why,
    };
    match (kind.kind, action) {
        ("ExternalArtifact", _) => Err(unsupported(
            "its producer writes it; reconcile the object that produces it",
        )),
        ("Alert" | "Provider", Action::Reconcile) => Err(unsupported(
            "notification-controller has nothing to reconcile for it",
        )),
        _ => Ok(()),
    }
}

/// Whether Flux's controllers report on objects of this kind (Alerts and Providers have no status).
fn reports_status(kind: &KnownKind) -> bool {
    !matches!(kind.kind, "Alert" | "Provider")
}

/// The controller that handles a kind, for progress and timeout messages.
fn controller(kind: &KnownKind) -> &'static str {
    match kind.group.split('.').next() {
        Some("kustomize") => "kustomize-controller",
        Some("helm") => "helm-controller",
        Some("source") => "source-controller",
        Some("notification") => "notification-controller",
        Some("image") if kind.kind == "ImageUpdateAutomation" => "image-automation-controller",
        Some("image") => "image-reflector-controller",
        _ => "flux-operator",
    }
}

/// What `act` does.
#[derive(Clone, Debug)]
pub struct ActRequest {
    /// The kubeconfig.
    pub kubeconfig: LoadedKubeconfig,
    /// The contexts, in order.
    pub contexts: Vec<String>,
    /// Client timeouts.
    pub client: ClientOptions,
    /// The action.
    pub action: Action,
    /// The objects.
    pub selection: Selection,
    /// Reconcile the object's source first, and wait for it (reconcile only).
    pub with_source: bool,
    /// Set `forceAt` too (reconcile only).
    pub force: bool,
    /// Wait for the controller (reconcile and resume).
    pub wait: bool,
    /// How long to wait for each object, source included.
    pub timeout: Duration,
}

/// How acting on one object ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// The controller handled the request and the object is Ready.
    Ready,
    /// The request is made (`--no-wait`).
    Requested,
    /// Suspended.
    Suspended,
    /// Resumed (`--no-wait`).
    Resumed,
    /// The controller reported a failure, the wait timed out, or the request failed.
    Failed,
}

/// What happened to one object on one cluster.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectResult {
    /// Kind.
    pub kind: &'static str,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// How it ended.
    pub result: Verdict,
    /// The revision the controller last applied or fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The controller's message (why, when it failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Seconds from the request to the end of the wait.
    pub seconds: f64,
    /// The source reconciled first (`--with-source`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Box<ObjectResult>>,
}

impl ObjectResult {
    /// Whether this object (or its source) failed.
    pub fn failed(&self) -> bool {
        self.result == Verdict::Failed
    }

    /// `Kustomization/apps/frontend`.
    pub fn reference(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// The outcome of a run.
#[derive(Debug)]
pub struct ActOutcome {
    /// The action.
    pub action: Action,
    /// The requestedAt value of this run (reconcile and resume).
    pub requested_at: Option<String>,
    /// One report per cluster, in the order given.
    pub reports: Vec<TargetReport<Vec<ObjectResult>>>,
}

impl ActOutcome {
    /// Objects acted on over every cluster.
    pub fn objects(&self) -> usize {
        self.reports
            .iter()
            .filter_map(TargetReport::ok)
            .map(Vec::len)
            .sum()
    }

    /// Failed objects plus failed clusters.
    pub fn failed(&self) -> usize {
        self.reports
            .iter()
            .map(|r| match r.ok() {
                Some(objects) => objects.iter().filter(|o| o.failed()).count(),
                None => 1,
            })
            .sum()
    }

    /// 1 when anything failed.
    pub fn exit_status(&self) -> ExitStatus {
        if self.failed() > 0 {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    /// The `FleetReconcile` document (see the module doc).
    pub fn document(&self) -> FleetReconcile<'_> {
        FleetReconcile {
            action: self.action,
            requested_at: self.requested_at.as_deref(),
            clusters: self
                .reports
                .iter()
                .map(|r| ClusterDoc {
                    context: &r.target,
                    seconds: r.seconds,
                    objects: r.ok().map(Vec::as_slice),
                    error: r.err().map(|e| e.message.as_str()),
                })
                .collect(),
            summary: Summary {
                clusters: self.reports.len(),
                objects: self.objects(),
                failed: self.failed(),
            },
        }
    }
}

/// The `FleetReconcile` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetReconcile<'a> {
    /// The action.
    pub action: Action,
    /// The requestedAt value of this run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<&'a str>,
    /// One entry per cluster.
    pub clusters: Vec<ClusterDoc<'a>>,
    /// Counts.
    pub summary: Summary,
}

/// One cluster in the document.
#[derive(Debug, Serialize)]
pub struct ClusterDoc<'a> {
    /// The context.
    pub context: &'a str,
    /// Wall time of this cluster.
    pub seconds: f64,
    /// The objects, when the cluster could be acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objects: Option<&'a [ObjectResult]>,
    /// Why the cluster failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
}

/// Counts over the run.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Clusters selected.
    pub clusters: usize,
    /// Objects acted on.
    pub objects: usize,
    /// Failed objects plus failed clusters.
    pub failed: usize,
}

/// Acts on the selected objects of every cluster, all clusters at once.
pub async fn act(req: ActRequest, reporter: &dyn Reporter) -> Result<ActOutcome> {
    if req.with_source {
        req.selection
            .check_with_source()
            .map_err(|e| Error::Usage(e.to_string()))?;
    }
    let mut items = Vec::with_capacity(req.contexts.len());
    for context in &req.contexts {
        let target = req.kubeconfig.target(context, req.client).await?;
        items.push((context.clone(), target));
    }
    let requested_at = (req.action != Action::Suspend).then(|| jiff::Timestamp::now().to_string());
    let plan = Plan {
        action: req.action,
        selection: req.selection.clone(),
        with_source: req.with_source,
        force: req.force,
        wait: req.wait,
        timeout: req.timeout,
        requested_at: requested_at.clone().unwrap_or_default(),
    };
    let plan = &plan;
    let reports = Runner::new(reporter, items.len().max(1))
        .reported_by_caller()
        .run(
            items,
            |target, step| async move { plan.cluster(&target, &step).await },
            |objects| plural(objects.len(), "object"),
        )
        .await;
    Ok(ActOutcome {
        action: req.action,
        requested_at,
        reports,
    })
}

/// The run, shared by every cluster.
struct Plan {
    action: Action,
    selection: Selection,
    with_source: bool,
    force: bool,
    wait: bool,
    timeout: Duration,
    requested_at: String,
}

/// One object, as found on a cluster.
struct Found {
    kind: &'static KnownKind,
    namespace: String,
    name: String,
    object: Value,
}

impl Found {
    fn reference(&self) -> String {
        format!("{} {}/{}", self.kind.kind, self.namespace, self.name)
    }

    fn result(&self, result: Verdict, message: Option<String>, started: Instant) -> ObjectResult {
        ObjectResult {
            kind: self.kind.kind,
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            result,
            revision: status::revision(&self.object).map(str::to_string),
            message,
            seconds: started.elapsed().as_secs_f64(),
            source: None,
        }
    }
}

fn api(target: &KubeTarget, kind: &KnownKind, namespace: Option<&str>) -> Api<DynamicObject> {
    let ar = kind.api_resource();
    match namespace {
        Some(ns) if kind.namespaced => Api::namespaced_with(target.client.clone(), ns, &ar),
        _ => Api::all_with(target.client.clone(), &ar),
    }
}

fn to_value(obj: DynamicObject) -> Value {
    serde_json::to_value(obj).unwrap_or(Value::Null)
}

/// Reads one object; `None` when it does not exist.
async fn get(
    target: &KubeTarget,
    kind: &'static KnownKind,
    namespace: &str,
    name: &str,
) -> Result<Option<Found>, KubeError> {
    let found = api(target, kind, Some(namespace))
        .get_opt(name)
        .await
        .map_err(|e| target.err(format!("get {} {namespace}/{name}", kind.kind), e))?;
    Ok(found.map(|o| Found {
        kind,
        namespace: namespace.to_string(),
        name: name.to_string(),
        object: to_value(o),
    }))
}

impl Plan {
    /// Everything on one cluster: find the objects, then act on each (a few at once).
    async fn cluster(&self, target: &KubeTarget, step: &Step) -> Result<Vec<ObjectResult>> {
        let kind = self.selection.kind;
        let found = match &self.selection.objects {
            Objects::One { namespace, name } => {
                step.set(format!("reading {} {namespace}/{name}", kind.kind));
                // A plain GET: when the object is missing, the apiserver's "not found" names it.
                let object = api(target, kind, Some(namespace))
                    .get(name)
                    .await
                    .map_err(|e| target.err(format!("get {} {namespace}/{name}", kind.kind), e))?;
                vec![Found {
                    kind,
                    namespace: namespace.clone(),
                    name: name.clone(),
                    object: to_value(object),
                }]
            }
            Objects::All { namespace, selector } => {
                step.set(format!("listing {} objects", kind.kind));
                let mut params = ListParams::default();
                if let Some(s) = selector {
                    params = params.labels(s);
                }
                let list = api(target, kind, namespace.as_deref())
                    .list(&params)
                    .await
                    .map_err(|e| target.err(format!("list {} objects", kind.kind), e))?;
                let mut found: Vec<Found> = list
                    .items
                    .into_iter()
                    .map(|o| Found {
                        kind,
                        namespace: o.metadata.namespace.clone().unwrap_or_default(),
                        name: o.metadata.name.clone().unwrap_or_default(),
                        object: to_value(o),
                    })
                    .collect();
                found.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
                found
            }
        };
        let results = stream::iter(found)
            .map(|f| self.object(target, step, f))
            .buffered(PER_CLUSTER)
            .collect::<Vec<_>>()
            .await;
        Ok(results)
    }

    /// One object: never an error, a failure is that object's result.
    async fn object(&self, target: &KubeTarget, step: &Step, found: Found) -> ObjectResult {
        let started = Instant::now();
        let deadline = started + self.timeout;
        match self.action {
            Action::Suspend => match self.patch(target, &found, suspend_patch(found.kind, true)).await {
                Ok(now) => now.result(Verdict::Suspended, None, started),
                Err(e) => found.result(Verdict::Failed, Some(e.to_string()), started),
            },
            Action::Resume => {
                let mut patch = suspend_patch(found.kind, false);
                if reports_status(found.kind) {
                    merge(&mut patch, self.request_patch(&self.requested_at));
                }
                let now = match self.patch(target, &found, patch).await {
                    Ok(now) => now,
                    Err(e) => return found.result(Verdict::Failed, Some(e.to_string()), started),
                };
                if !self.wait || !reports_status(found.kind) {
                    return now.result(Verdict::Resumed, None, started);
                }
                self.wait_handled(target, step, now, started, deadline, &self.requested_at)
                    .await
            }
            Action::Reconcile => {
                if status::is_suspended(&found.object) {
                    let message = format!(
                        "{} is suspended: resume it first (kubectl fleet resume {}/{}/{})",
                        found.reference(),
                        found.kind.aliases.first().copied().unwrap_or(found.kind.kind),
                        found.namespace,
                        found.name
                    );
                    return found.result(Verdict::Failed, Some(message), started);
                }
                let mut source = None;
                if self.with_source {
                    let result = self.source(target, step, &found, deadline).await;
                    let failed = result.failed();
                    source = Some(Box::new(result));
                    if failed {
                        let mut out = found.result(
                            Verdict::Failed,
                            Some("its source failed, so it was not asked to reconcile".into()),
                            started,
                        );
                        out.source = source;
                        return out;
                    }
                }
                let fetched = source
                    .as_ref()
                    .filter(|_| self.wait && found.kind.kind == "Kustomization")
                    .and_then(|s| s.revision.clone());
                let mut out = match fetched {
                    Some(revision) => {
                        self.reconcile_to(target, step, found, started, deadline, &revision)
                            .await
                    }
                    None => {
                        self.reconcile(target, step, found, started, deadline, &self.requested_at)
                            .await
                    }
                };
                out.source = source;
                out
            }
        }
    }

    /// Requests a reconcile of one object and waits for it (unless `--no-wait`).
    async fn reconcile(
        &self,
        target: &KubeTarget,
        step: &Step,
        found: Found,
        started: Instant,
        deadline: Instant,
        requested_at: &str,
    ) -> ObjectResult {
        let now = match self.patch(target, &found, self.request_patch(requested_at)).await {
            Ok(now) => now,
            Err(e) => return found.result(Verdict::Failed, Some(e.to_string()), started),
        };
        if !self.wait {
            return now.result(Verdict::Requested, None, started);
        }
        self.wait_handled(target, step, now, started, deadline, requested_at)
            .await
    }

    /// Reconciles a Kustomization after its source fetched `revision`, asking again while the
    /// controller applied an older one: kustomize-controller reads the source from its informer
    /// cache, which on a busy cluster can still hold the previous artifact when our request
    /// arrives, and it then reports our request handled at the old revision (what
    /// `flux reconcile ks --with-source` would print as success).
    async fn reconcile_to(
        &self,
        target: &KubeTarget,
        step: &Step,
        found: Found,
        started: Instant,
        deadline: Instant,
        revision: &str,
    ) -> ObjectResult {
        let (kind, namespace, name) = (found.kind, found.namespace.clone(), found.name.clone());
        let mut out = self
            .reconcile(target, step, found, started, deadline, &self.requested_at)
            .await;
        for _ in 0..STALE_SOURCE_RETRIES {
            if out.result != Verdict::Ready
                || out.revision.as_deref() == Some(revision)
                || Instant::now() >= deadline
            {
                break;
            }
            let again = match get(target, kind, &namespace, &name).await {
                Ok(Some(again)) => again,
                _ => break,
            };
            tokio::time::sleep(POLL).await;
            out = self
                .reconcile(
                    target,
                    step,
                    again,
                    started,
                    deadline,
                    &jiff::Timestamp::now().to_string(),
                )
                .await;
        }
        out
    }

    /// Reconciles the source of `found` first (as `flux reconcile --with-source`: one level).
    async fn source(
        &self,
        target: &KubeTarget,
        step: &Step,
        found: &Found,
        deadline: Instant,
    ) -> ObjectResult {
        let started = Instant::now();
        let (kind, namespace, name) = match source_ref(found) {
            Ok(source) => source,
            Err(message) => {
                return ObjectResult {
                    kind: found.kind.kind,
                    namespace: found.namespace.clone(),
                    name: found.name.clone(),
                    result: Verdict::Failed,
                    revision: None,
                    message: Some(message),
                    seconds: 0.0,
                    source: None,
                };
            }
        };
        let missing = |message: String| ObjectResult {
            kind: kind.kind,
            namespace: namespace.clone(),
            name: name.clone(),
            result: Verdict::Failed,
            revision: None,
            message: Some(message),
            seconds: started.elapsed().as_secs_f64(),
            source: None,
        };
        match get(target, kind, &namespace, &name).await {
            Ok(Some(source)) => {
                self.reconcile(target, step, source, started, deadline, &self.requested_at)
                    .await
            }
            Ok(None) => missing(format!(
                "source {} {namespace}/{name} of {} not found",
                kind.kind,
                found.reference()
            )),
            Err(e) => missing(crate::error::error_chain(&Error::Kube(e))),
        }
    }

    /// `requestedAt` (and `forceAt`) as a merge patch.
    fn request_patch(&self, requested_at: &str) -> Value {
        let mut annotations = serde_json::Map::new();
        annotations.insert(REQUESTED_AT.into(), json!(requested_at));
        if self.force {
            annotations.insert(FORCE_AT.into(), json!(requested_at));
        }
        json!({"metadata": {"annotations": annotations}})
    }

    /// Sends a merge patch; the object as the apiserver returned it.
    async fn patch(&self, target: &KubeTarget, found: &Found, patch: Value) -> Result<Found, KubeError> {
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        };
        let patched = api(target, found.kind, Some(&found.namespace))
            .patch(&found.name, &params, &Patch::Merge(&patch))
            .await
            .map_err(|e| target.err(format!("{} {}", self.action.verb(), found.reference()), e))?;
        Ok(Found {
            kind: found.kind,
            namespace: found.namespace.clone(),
            name: found.name.clone(),
            object: to_value(patched),
        })
    }

    /// Waits until the controller handled this run's request and the object is Ready (or failed).
    async fn wait_handled(
        &self,
        target: &KubeTarget,
        step: &Step,
        found: Found,
        started: Instant,
        deadline: Instant,
        requested_at: &str,
    ) -> ObjectResult {
        let who = controller(found.kind);
        let what = found.reference();
        let remaining = deadline.saturating_duration_since(Instant::now());
        let last = std::sync::Mutex::new(None::<Value>);
        let poll = || async {
            match get(target, found.kind, &found.namespace, &found.name).await {
                Ok(Some(now)) => {
                    let verdict = judge(&now.object, requested_at, who);
                    if let Ok(mut l) = last.lock() {
                        *l = Some(now.object);
                    }
                    verdict
                }
                Ok(None) => std::ops::ControlFlow::Break(Err(format!("{what} was deleted"))),
                // A lost request (apiserver restart, timeout) is retried at the next poll.
                Err(e) => std::ops::ControlFlow::Continue(e.short()),
            }
        };
        let outcome = wait_until(remaining, POLL, poll, |m| step.set(format!("{what}: {m}"))).await;
        let mut current = found;
        if let Some(obj) = last.lock().ok().and_then(|mut l| l.take()) {
            current.object = obj;
        }
        match outcome {
            WaitOutcome::Done(Ok(message)) => current.result(Verdict::Ready, message, started),
            WaitOutcome::Done(Err(message)) => current.result(Verdict::Failed, Some(message), started),
            WaitOutcome::TimedOut(last) => current.result(
                Verdict::Failed,
                Some(format!(
                    "timed out after {} waiting for {who}: {last}",
                    seconds(self.timeout)
                )),
                started,
            ),
        }
    }
}

/// Where an object stands with respect to the request `requested_at`: `Break(Ok(message))` when
/// handled and Ready, `Break(Err(why))` when handled and failed, else `Continue(progress)`.
pub fn judge(
    obj: &Value,
    requested_at: &str,
    controller: &str,
) -> std::ops::ControlFlow<Result<Option<String>, String>, String> {
    use std::ops::ControlFlow::{Break, Continue};
    let handled = obj
        .pointer("/status/lastHandledReconcileAt")
        .and_then(Value::as_str);
    if handled != Some(requested_at) {
        return Continue(format!("waiting for {controller} to handle the request"));
    }
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let health = status::flux_kind_health(kind, obj);
    match health.state {
        State::Ready => Break(Ok(health.message)),
        State::NotReady => Break(Err(match (health.reason, health.message) {
            (Some(r), Some(m)) => format!("{r}: {m}"),
            (Some(r), None) => r,
            (None, Some(m)) => m,
            (None, None) => "not ready".into(),
        })),
        State::Suspended => Break(Err("suspended while waiting".into())),
        _ => Continue(
            health
                .message
                .unwrap_or_else(|| format!("waiting for {controller}")),
        ),
    }
}

/// The patch that suspends (`true`) or resumes an object of `kind`. Resuming removes the field
/// (as `flux resume` does), so no field is left owned by the command.
fn suspend_patch(kind: &KnownKind, suspend: bool) -> Value {
    if kind.group == "fluxcd.controlplane.io" {
        let value = if suspend { json!("disabled") } else { Value::Null };
        json!({"metadata": {"annotations": {OPERATOR_RECONCILE: value}}})
    } else {
        let value = if suspend { json!(true) } else { Value::Null };
        json!({"spec": {"suspend": value}})
    }
}

/// Merges `extra` into `patch` (objects recursively).
fn merge(patch: &mut Value, extra: Value) {
    match (patch, extra) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

/// `5m`, `90s` → `1m30s`: a timeout as the flag spells it.
fn seconds(d: Duration) -> String {
    match (d.as_secs() / 60, d.as_secs() % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// The source `--with-source` reconciles first, as the flux CLI picks it: a Kustomization's or
/// ImageUpdateAutomation's `sourceRef`; a HelmRelease's `chartRef`, else the HelmChart
/// helm-controller made for it (`<namespace>-<name>` in the chart source's namespace); a
/// HelmChart's `sourceRef`.
fn source_ref(found: &Found) -> Result<(&'static KnownKind, String, String), String> {
    let spec = found.object.get("spec").cloned().unwrap_or(Value::Null);
    let text = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    let reference = match found.kind.kind {
        "HelmRelease" => match spec.get("chartRef") {
            Some(r) => r.clone(),
            None => {
                let ns = text(&spec, "/chart/spec/sourceRef/namespace");
                json!({"kind": "HelmChart", "name": format!("{}-{}", found.namespace, found.name), "namespace": ns})
            }
        },
        _ => spec.get("sourceRef").cloned().unwrap_or(Value::Null),
    };
    let (Some(kind), Some(name)) = (text(&reference, "/kind"), text(&reference, "/name")) else {
        return Err(format!("{} has no source reference", found.reference()));
    };
    let namespace = text(&reference, "/namespace").unwrap_or_else(|| found.namespace.clone());
    let known = find_known("source.toolkit.fluxcd.io", &kind)
        .filter(|k| supports(k, Action::Reconcile).is_ok())
        .ok_or_else(|| {
            format!(
                "the source of {} is a {kind}, which cannot be reconciled",
                found.reference()
            )
        })?;
    Ok((known, namespace, name))
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;

    use super::*;

    fn parse(text: &str, action: Action) -> Result<Selection, SelectError> {
        Selection::parse(text, action, false, None, false, None)
    }

    #[test]
    fn objects_are_parsed_like_flux_short_names() {
        let s = parse("ks/apps", Action::Reconcile).expect("valid");
        assert_eq!(s.kind.kind, "Kustomization");
        assert_eq!(
            s.objects,
            Objects::One {
                namespace: "flux-system".into(),
                name: "apps".into()
            }
        );
        let s = Selection::parse("hr/web/podinfo", Action::Suspend, false, Some("x"), false, None)
            .expect("valid");
        assert_eq!(s.kind.kind, "HelmRelease");
        assert_eq!(
            s.objects,
            Objects::One {
                namespace: "web".into(),
                name: "podinfo".into()
            }
        );
        let all = Selection::parse("gitrepo", Action::Resume, true, Some("apps"), true, Some("a=b"))
            .expect("valid");
        assert_eq!(
            all.objects,
            Objects::All {
                namespace: None,
                selector: Some("a=b".into())
            }
        );
        for kind in [
            "instance",
            "rset",
            "ocirepo",
            "helmrepo",
            "hc",
            "bucket",
            "imagerepo",
        ] {
            assert!(parse(&format!("{kind}/x"), Action::Reconcile).is_ok(), "{kind}");
        }
    }

    #[test]
    fn bad_input_is_named() {
        let e = parse("widget/x", Action::Reconcile).expect_err("unknown");
        let text = e.to_string();
        assert!(text.starts_with("unknown kind 'widget'"), "{text}");
        assert!(
            text.contains("Kustomization (ks)") && text.contains("HelmRelease (hr)"),
            "{text}"
        );
        assert_eq!(
            parse("cm/x", Action::Reconcile),
            Err(SelectError::NotFlux("ConfigMap".into()))
        );
        assert_eq!(
            parse("ks", Action::Reconcile),
            Err(SelectError::Format("ks".into()))
        );
        assert_eq!(
            parse("ks/Bad_Name", Action::Reconcile),
            Err(SelectError::Format("ks/Bad_Name".into()))
        );
        assert_eq!(
            Selection::parse("ks/x", Action::Reconcile, true, None, false, None),
            Err(SelectError::AllWithName("ks/x".into()))
        );
        assert!(matches!(
            parse("alert/x", Action::Reconcile),
            Err(SelectError::Unsupported { .. })
        ));
        assert!(parse("alert/x", Action::Suspend).is_ok());
        assert_eq!(
            parse("gitrepo/x", Action::Reconcile)
                .expect("valid")
                .check_with_source(),
            Err(SelectError::NoSource("GitRepository"))
        );
    }

    #[test]
    fn waits_for_the_request_then_ready_or_the_failure() {
        let obj = |handled: &str, ready: &str, reason: &str| {
            json!({"kind": "Kustomization", "metadata": {"generation": 2},
                   "status": {"lastHandledReconcileAt": handled, "observedGeneration": 2,
                   "conditions": [{"type": "Ready", "status": ready, "reason": reason, "message": "msg", "observedGeneration": 2}]}})
        };
        assert!(matches!(
            judge(&obj("old", "True", "Succeeded"), "new", "k"),
            ControlFlow::Continue(_)
        ));
        assert_eq!(
            judge(&obj("new", "True", "Succeeded"), "new", "k"),
            ControlFlow::Break(Ok(Some("msg".into())))
        );
        assert_eq!(
            judge(&obj("new", "False", "BuildFailed"), "new", "k"),
            ControlFlow::Break(Err("BuildFailed: msg".into()))
        );
        assert!(matches!(
            judge(&obj("new", "Unknown", "Progressing"), "new", "k"),
            ControlFlow::Continue(_)
        ));
    }

    #[test]
    fn suspension_uses_each_controller_family_s_switch() {
        let ks = find_known("kustomize.toolkit.fluxcd.io", "Kustomization").expect("known");
        let rset = find_known("fluxcd.controlplane.io", "ResourceSet").expect("known");
        assert_eq!(suspend_patch(ks, true), json!({"spec": {"suspend": true}}));
        assert_eq!(suspend_patch(ks, false), json!({"spec": {"suspend": null}}));
        assert_eq!(
            suspend_patch(rset, true),
            json!({"metadata": {"annotations": {OPERATOR_RECONCILE: "disabled"}}})
        );
        let mut p = suspend_patch(rset, false);
        merge(&mut p, json!({"metadata": {"annotations": {REQUESTED_AT: "t"}}}));
        assert_eq!(
            p,
            json!({"metadata": {"annotations": {OPERATOR_RECONCILE: null, REQUESTED_AT: "t"}}})
        );
    }

    #[test]
    fn sources_are_found_as_flux_finds_them() {
        let found = |kind: &str, spec: Value| Found {
            kind: find_alias(kind).expect("known"),
            namespace: "apps".into(),
            name: "web".into(),
            object: json!({"spec": spec}),
        };
        let name = |r: Result<(&'static KnownKind, String, String), String>| {
            r.map(|(k, ns, n)| format!("{}/{ns}/{n}", k.kind))
        };
        assert_eq!(
            name(source_ref(&found(
                "ks",
                json!({"sourceRef": {"kind": "GitRepository", "name": "repo"}})
            ))),
            Ok("GitRepository/apps/repo".into())
        );
        assert_eq!(
            name(source_ref(&found(
                "hr",
                json!({"chart": {"spec": {"chart": "x", "sourceRef": {"kind": "HelmRepository", "name": "r", "namespace": "flux-system"}}}})
            ))),
            Ok("HelmChart/flux-system/apps-web".into())
        );
        assert_eq!(
            name(source_ref(&found(
                "hr",
                json!({"chartRef": {"kind": "OCIRepository", "name": "oci"}})
            ))),
            Ok("OCIRepository/apps/oci".into())
        );
        assert!(source_ref(&found("ks", json!({}))).is_err());
    }
}
