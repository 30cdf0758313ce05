//! Live status of any object, computed from what the apiserver returns: the one place where the
//! suite decides what "Ready", "failing", "suspended" and "progressing" mean.
//!
//! Flux objects (toolkit and operator kinds) are judged by their `Ready` condition, honouring
//! `observedGeneration` (a Ready condition for an older generation is *Stale*, not Ready; `flux get`
//! gets this wrong) and suspension. Other kinds get kstatus-style health where it can be computed
//! (workloads, Jobs, PVCs, Namespaces, CRDs), and plain *Exists* otherwise.
//!
//! Each kind is judged by its real semantics, as `flux stats` and `flux-operator stats` count:
//!
//! - suspension (`spec.suspend`, or the operator's `fluxcd.controlplane.io/reconcile: disabled`)
//!   wins over any condition;
//! - `Ready=False` is failing, except with reason `DependencyNotReady` (the object waits for
//!   another one: progressing, as the operator's report says);
//! - a `Ready` condition for an older generation is *Stale*: the controller has not seen the new
//!   spec yet, which is progress, not failure (kstatus's `InProgress`);
//! - a `FluxReport` is a report the operator rewrites, not a reconciler: the operator updates its
//!   spec after marking it Ready, so its Ready condition is always one generation behind; it is
//!   judged by the condition alone (a Stale count on every healthy cluster was the bug);
//! - Alerts and Providers (`notification.toolkit.fluxcd.io/v1beta3`) and OCI HelmRepositories have
//!   no reconciler and no conditions: they are Ready as soon as they exist.
//!
//! [`Bucket`] and [`KindCounts`] are the per-kind counting every command shares (`status`,
//! `bootstrap status`, the tree's summary of failing nodes).

use serde::Serialize;
use serde_json::Value;

use crate::{kube::is_flux_group, output::Tone};

/// The status vocabulary shown on every node and row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum State {
    /// Healthy: a Flux object Ready for its current generation, a workload fully rolled out.
    Ready,
    /// Being reconciled or rolled out.
    Progressing,
    /// A Flux object whose Ready condition describes an older generation.
    Stale,
    /// Reconciliation is suspended.
    Suspended,
    /// Reconciliation or rollout failed.
    NotReady,
    /// The object exists and has no health of its own to report.
    Exists,
    /// An inventory entry whose object is gone from the cluster.
    Missing,
    /// The object could not be read (forbidden kind, kind not served, cluster error).
    Unknown,
}

impl State {
    /// The label users see.
    pub fn label(self) -> &'static str {
        match self {
            State::Ready => "Ready",
            State::Progressing => "Progressing",
            State::Stale => "Stale",
            State::Suspended => "Suspended",
            State::NotReady => "NotReady",
            State::Exists => "Exists",
            State::Missing => "Missing",
            State::Unknown => "Unknown",
        }
    }

    /// The colour tone of the state.
    pub fn tone(self) -> Tone {
        match self {
            State::Ready => Tone::Good,
            State::Exists => Tone::Plain,
            State::Progressing | State::Stale => Tone::Warn,
            State::Suspended | State::Unknown => Tone::Dim,
            State::NotReady | State::Missing => Tone::Bad,
        }
    }

    /// Whether this state counts as failing (what `--status failing` keeps and `status` names).
    pub fn is_failing(self) -> bool {
        self.bucket() == Bucket::Failing
    }

    /// How the state is counted, as `flux stats` counts.
    pub fn bucket(self) -> Bucket {
        match self {
            State::Ready | State::Exists => Bucket::Ready,
            State::Progressing | State::Stale => Bucket::Progressing,
            State::Suspended => Bucket::Suspended,
            State::NotReady | State::Missing | State::Unknown => Bucket::Failing,
        }
    }
}

/// The four counts of `flux stats` (running is everything not suspended).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Bucket {
    /// Ready (or, for kinds without health, present).
    Ready,
    /// Failed, missing or unreadable.
    Failing,
    /// Reconciliation suspended.
    Suspended,
    /// Being reconciled, waiting for a dependency, or not yet seen at its current generation.
    Progressing,
}

impl Bucket {
    /// The word of the column and the JSON key.
    pub fn label(self) -> &'static str {
        match self {
            Bucket::Ready => "ready",
            Bucket::Failing => "failing",
            Bucket::Suspended => "suspended",
            Bucket::Progressing => "progressing",
        }
    }
}

/// Objects of one kind (or of a whole cluster), counted by [`Bucket`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    /// Ready.
    pub ready: usize,
    /// Failing.
    pub failing: usize,
    /// Suspended.
    pub suspended: usize,
    /// Progressing.
    pub progressing: usize,
}

impl KindCounts {
    /// Counts one object in the state given.
    pub fn add(&mut self, state: State) {
        match state.bucket() {
            Bucket::Ready => self.ready += 1,
            Bucket::Failing => self.failing += 1,
            Bucket::Suspended => self.suspended += 1,
            Bucket::Progressing => self.progressing += 1,
        }
    }

    /// Adds another count to this one.
    pub fn merge(&mut self, other: &KindCounts) {
        self.ready += other.ready;
        self.failing += other.failing;
        self.suspended += other.suspended;
        self.progressing += other.progressing;
    }

    /// Every object counted.
    pub fn total(&self) -> usize {
        self.ready + self.failing + self.suspended + self.progressing
    }

    /// What `flux stats` calls running: everything not suspended.
    pub fn running(&self) -> usize {
        self.total() - self.suspended
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A state with the reason and message behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Health {
    /// The state.
    pub state: State,
    /// The condition reason (e.g. `ReconciliationFailed`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The condition or status message, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Health {
    /// A health with no reason or message.
    pub fn of(state: State) -> Self {
        Health {
            state,
            reason: None,
            message: None,
        }
    }

    fn with(state: State, reason: Option<&str>, message: Option<&str>) -> Self {
        Health {
            state,
            reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
            message: message.filter(|m| !m.is_empty()).map(str::to_string),
        }
    }

    /// `NotReady (Reason)` style label.
    pub fn label(&self) -> String {
        match (&self.state, &self.reason) {
            (State::NotReady, Some(r)) => format!("NotReady ({r})"),
            (s, _) => s.label().to_string(),
        }
    }
}

/// A condition from `.status.conditions`.
#[derive(Clone, Debug, Default)]
pub struct Condition<'a> {
    /// `True`, `False` or `Unknown`.
    pub status: &'a str,
    /// Reason.
    pub reason: Option<&'a str>,
    /// Message.
    pub message: Option<&'a str>,
    /// The generation the condition was computed for.
    pub observed_generation: Option<i64>,
    /// When the status last changed (RFC 3339).
    pub last_transition_time: Option<&'a str>,
}

/// The condition of the given type, if present.
pub fn condition<'a>(obj: &'a Value, type_: &str) -> Option<Condition<'a>> {
    obj.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find_map(|c| {
            if c.get("type")?.as_str()? != type_ {
                return None;
            }
            Some(Condition {
                status: c.get("status").and_then(Value::as_str).unwrap_or("Unknown"),
                reason: c.get("reason").and_then(Value::as_str),
                message: c.get("message").and_then(Value::as_str),
                observed_generation: c.get("observedGeneration").and_then(Value::as_i64),
                last_transition_time: c.get("lastTransitionTime").and_then(Value::as_str),
            })
        })
}

fn generation(obj: &Value) -> Option<i64> {
    obj.pointer("/metadata/generation").and_then(Value::as_i64)
}

fn observed_generation(obj: &Value) -> Option<i64> {
    obj.pointer("/status/observedGeneration").and_then(Value::as_i64)
}

fn int(obj: &Value, pointer: &str) -> i64 {
    obj.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// Whether a Flux object is suspended (`spec.suspend`, or the operator's reconcile annotation).
pub fn is_suspended(obj: &Value) -> bool {
    obj.pointer("/spec/suspend")
        .and_then(Value::as_bool)
        .unwrap_or(false)
        || obj
            .pointer("/metadata/annotations/fluxcd.controlplane.io~1reconcile")
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("disabled"))
}

/// The health of a Flux object whose kind is not known (judged as a reconciler).
pub fn flux_health(obj: &Value) -> Health {
    flux_kind_health("", obj)
}

/// Reason of a Ready=False condition while the object waits for another one.
const DEPENDENCY_NOT_READY: &str = "DependencyNotReady";

/// The health of a Flux object of the given kind (see the module doc for each kind's rules).
pub fn flux_kind_health(kind: &str, obj: &Value) -> Health {
    if is_suspended(obj) {
        let ready = condition(obj, "Ready");
        return Health::with(State::Suspended, None, ready.and_then(|c| c.message));
    }
    let Some(ready) = condition(obj, "Ready") else {
        if static_config(kind, obj) {
            return Health::of(State::Ready);
        }
        return Health::with(State::Progressing, None, Some("waiting to be reconciled"));
    };
    let generation = generation(obj);
    let observed = ready.observed_generation.or_else(|| observed_generation(obj));
    // The operator rewrites a FluxReport's spec after marking it Ready: its condition is always
    // one generation behind, by design.
    let stale = kind != "FluxReport" && matches!((generation, observed), (Some(g), Some(o)) if o < g);
    // Flux sets Reconciling=True/ProgressingWithRetry while it retries after a failure, and
    // Stalled=True when it gives up: both mean the object is failing, not making progress.
    let reconciling = condition(obj, "Reconciling")
        .is_some_and(|c| c.status == "True" && c.reason != Some("ProgressingWithRetry"));
    if let Some(stalled) = condition(obj, "Stalled").filter(|c| c.status == "True") {
        return Health::with(
            State::NotReady,
            stalled.reason.or(ready.reason),
            stalled.message.or(ready.message),
        );
    }
    match ready.status {
        "True" if stale => Health::with(
            State::Stale,
            ready.reason,
            Some(&format!(
                "Ready condition is for generation {} but the object is at generation {}",
                observed.unwrap_or_default(),
                generation.unwrap_or_default()
            )),
        ),
        "True" => Health::with(State::Ready, ready.reason, ready.message),
        "False"
            if reconciling
                || ready.reason == Some("Progressing")
                || ready.reason == Some(DEPENDENCY_NOT_READY) =>
        {
            Health::with(State::Progressing, ready.reason, ready.message)
        }
        "False" => Health::with(State::NotReady, ready.reason, ready.message),
        _ => Health::with(State::Progressing, ready.reason, ready.message),
    }
}

/// Kinds without a reconciler, which never get conditions: notification v1beta3 Alerts and
/// Providers, and OCI HelmRepositories (source-controller only validates them).
fn static_config(kind: &str, obj: &Value) -> bool {
    match kind {
        "Alert" | "Provider" => true,
        "HelmRepository" => obj.pointer("/spec/type").and_then(Value::as_str) == Some("oci"),
        _ => false,
    }
}

/// Since when a Flux object has been in its current state: the `lastTransitionTime` of its
/// `Stalled` condition when stalled, else of its `Ready` condition.
pub fn state_since(obj: &Value) -> Option<&str> {
    condition(obj, "Stalled")
        .filter(|c| c.status == "True")
        .or_else(|| condition(obj, "Ready"))
        .and_then(|c| c.last_transition_time)
}

/// kstatus-style health for builtin kinds; `Exists` when nothing can be computed.
pub fn kstatus_health(group: &str, kind: &str, obj: &Value) -> Health {
    if obj.pointer("/metadata/deletionTimestamp").is_some() {
        return Health::with(
            State::Progressing,
            Some("Terminating"),
            Some("object is being deleted"),
        );
    }
    let generation = generation(obj);
    let observed = observed_generation(obj);
    let behind = matches!((generation, observed), (Some(g), Some(o)) if o < g)
        || (generation.is_some()
            && observed.is_none()
            && matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet"));
    match (group, kind) {
        ("apps", "Deployment") | ("apps", "StatefulSet") => {
            if behind {
                return Health::with(State::Progressing, None, Some("rollout not yet observed"));
            }
            let desired = obj.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
            let updated = int(obj, "/status/updatedReplicas");
            let ready = int(obj, "/status/readyReplicas");
            let available = if kind == "Deployment" {
                int(obj, "/status/availableReplicas")
            } else {
                ready
            };
            if kind == "Deployment"
                && let Some(c) = condition(obj, "Progressing")
                && c.reason == Some("ProgressDeadlineExceeded")
            {
                return Health::with(State::NotReady, c.reason, c.message);
            }
            if updated >= desired && ready >= desired && available >= desired {
                Health::with(State::Ready, None, Some(&format!("{ready}/{desired} ready")))
            } else {
                Health::with(
                    State::Progressing,
                    None,
                    Some(&format!("{ready}/{desired} ready")),
                )
            }
        }
        ("apps", "DaemonSet") => {
            if behind {
                return Health::with(State::Progressing, None, Some("rollout not yet observed"));
            }
            let desired = int(obj, "/status/desiredNumberScheduled");
            let ready = int(obj, "/status/numberReady");
            let updated = int(obj, "/status/updatedNumberScheduled");
            if ready >= desired && updated >= desired {
                Health::with(State::Ready, None, Some(&format!("{ready}/{desired} ready")))
            } else {
                Health::with(
                    State::Progressing,
                    None,
                    Some(&format!("{ready}/{desired} ready")),
                )
            }
        }
        ("batch", "Job") => {
            if let Some(c) = condition(obj, "Failed").filter(|c| c.status == "True") {
                return Health::with(State::NotReady, c.reason, c.message);
            }
            if condition(obj, "Complete").is_some_and(|c| c.status == "True") {
                return Health::with(State::Ready, Some("Complete"), None);
            }
            Health::with(State::Progressing, None, Some("job running"))
        }
        ("", "PersistentVolumeClaim") => match obj.pointer("/status/phase").and_then(Value::as_str) {
            Some("Bound") => Health::of(State::Ready),
            Some("Lost") => Health::with(State::NotReady, Some("Lost"), None),
            phase => Health::with(State::Progressing, phase, None),
        },
        ("", "Namespace") => match obj.pointer("/status/phase").and_then(Value::as_str) {
            Some("Terminating") => Health::with(State::Progressing, Some("Terminating"), None),
            _ => Health::of(State::Ready),
        },
        ("", "Pod") => match obj.pointer("/status/phase").and_then(Value::as_str) {
            Some("Running") | Some("Succeeded") => {
                if condition(obj, "Ready").is_some_and(|c| c.status == "True")
                    || obj.pointer("/status/phase").and_then(Value::as_str) == Some("Succeeded")
                {
                    Health::of(State::Ready)
                } else {
                    Health::with(State::Progressing, Some("NotReady"), None)
                }
            }
            Some("Failed") => Health::with(State::NotReady, Some("Failed"), None),
            phase => Health::with(State::Progressing, phase, None),
        },
        ("apiextensions.k8s.io", "CustomResourceDefinition") => match condition(obj, "Established") {
            Some(c) if c.status == "True" => Health::of(State::Ready),
            Some(c) => Health::with(State::Progressing, c.reason, c.message),
            None => Health::with(State::Progressing, None, Some("not yet established")),
        },
        _ => generic_health(obj),
    }
}

/// Objects with a `Ready` condition (many CRDs) are judged by it; everything else just exists.
fn generic_health(obj: &Value) -> Health {
    match condition(obj, "Ready") {
        Some(c) if c.status == "True" => Health::with(State::Ready, c.reason, c.message),
        Some(c) if c.status == "False" => Health::with(State::NotReady, c.reason, c.message),
        Some(c) => Health::with(State::Progressing, c.reason, c.message),
        None => Health::of(State::Exists),
    }
}

/// The health of any object, given its API group and kind.
pub fn health(group: &str, kind: &str, obj: &Value) -> Health {
    if is_flux_group(group) {
        flux_kind_health(kind, obj)
    } else {
        kstatus_health(group, kind, obj)
    }
}

/// The last applied/fetched revision of a Flux object, when it reports one.
pub fn revision(obj: &Value) -> Option<&str> {
    obj.pointer("/status/lastAppliedRevision")
        .or_else(|| obj.pointer("/status/artifact/revision"))
        .or_else(|| obj.pointer("/status/lastAttemptedRevision"))
        .and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ks(generation: i64, ready: &str, reason: &str, observed: i64) -> Value {
        json!({
            "metadata": {"generation": generation},
            "status": {"observedGeneration": observed, "conditions": [
                {"type": "Ready", "status": ready, "reason": reason, "message": "msg", "observedGeneration": observed}
            ]}
        })
    }

    #[test]
    fn flux_ready_requires_the_current_generation() {
        assert_eq!(
            flux_health(&ks(2, "True", "ReconciliationSucceeded", 2)).state,
            State::Ready
        );
        assert_eq!(
            flux_health(&ks(3, "True", "ReconciliationSucceeded", 2)).state,
            State::Stale
        );
    }

    #[test]
    fn flux_not_ready_carries_the_reason() {
        let h = flux_health(&ks(1, "False", "BuildFailed", 1));
        assert_eq!(h.state, State::NotReady);
        assert_eq!(h.label(), "NotReady (BuildFailed)");
        assert_eq!(h.message.as_deref(), Some("msg"));
    }

    #[test]
    fn retrying_after_a_failure_is_not_ready() {
        let mut obj = ks(1, "False", "BuildFailed", 1);
        obj["status"]["conditions"].as_array_mut().expect("conditions").push(
            json!({"type": "Reconciling", "status": "True", "reason": "ProgressingWithRetry", "observedGeneration": 1}),
        );
        let h = flux_health(&obj);
        assert_eq!(h.label(), "NotReady (BuildFailed)");
        let mut progressing = ks(1, "False", "Progressing", 1);
        progressing["status"]["conditions"].as_array_mut().expect("conditions").push(
            json!({"type": "Reconciling", "status": "True", "reason": "Progressing", "observedGeneration": 1}),
        );
        assert_eq!(flux_health(&progressing).state, State::Progressing);
        let mut stalled = ks(1, "False", "BuildFailed", 1);
        stalled["status"]["conditions"].as_array_mut().expect("conditions").push(
            json!({"type": "Stalled", "status": "True", "reason": "InvalidPath", "message": "path not found"}),
        );
        assert_eq!(flux_health(&stalled).label(), "NotReady (InvalidPath)");
    }

    #[test]
    fn flux_progressing_and_suspended() {
        assert_eq!(
            flux_health(&ks(1, "Unknown", "Progressing", 1)).state,
            State::Progressing
        );
        assert_eq!(flux_health(&json!({"metadata": {}})).state, State::Progressing);
        let mut s = ks(1, "True", "ok", 1);
        s["spec"] = json!({"suspend": true});
        assert_eq!(flux_health(&s).state, State::Suspended);
        let annotated =
            json!({"metadata": {"annotations": {"fluxcd.controlplane.io/reconcile": "disabled"}}});
        assert_eq!(flux_health(&annotated).state, State::Suspended);
    }

    #[test]
    fn each_kind_is_counted_by_its_own_semantics() {
        // The real operator's FluxReport: Ready for the generation before its last spec update.
        let report = ks(7, "True", "Succeeded", 6);
        assert_eq!(flux_kind_health("FluxReport", &report).state, State::Ready);
        // A reconciler in the same situation has not seen its new spec yet: progressing.
        let stale = flux_kind_health("Kustomization", &report).state;
        assert_eq!(stale, State::Stale);
        assert_eq!(stale.bucket(), Bucket::Progressing);
        assert!(!stale.is_failing());
        // Waiting for a dependency is not a failure (flux-operator's report says so too).
        let waiting = ks(1, "False", "DependencyNotReady", 1);
        assert_eq!(
            flux_kind_health("Kustomization", &waiting).state,
            State::Progressing
        );
        // No reconciler, no conditions: Ready as soon as it exists.
        let alert = json!({"metadata": {"generation": 1}, "spec": {"eventSeverity": "info"}});
        assert_eq!(flux_kind_health("Alert", &alert).state, State::Ready);
        assert_eq!(flux_kind_health("Provider", &alert).state, State::Ready);
        let oci = json!({"metadata": {"generation": 1}, "spec": {"type": "oci"}});
        assert_eq!(flux_kind_health("HelmRepository", &oci).state, State::Ready);
        assert_eq!(flux_kind_health("GitRepository", &oci).state, State::Progressing);
        // Suspension wins over a failing condition.
        let mut suspended = ks(1, "False", "BuildFailed", 1);
        suspended["spec"] = json!({"suspend": true});
        assert_eq!(
            flux_kind_health("Kustomization", &suspended).state,
            State::Suspended
        );
    }

    #[test]
    fn counts_like_flux_stats() {
        let mut c = KindCounts::default();
        for s in [
            State::Ready,
            State::Ready,
            State::NotReady,
            State::Suspended,
            State::Stale,
            State::Progressing,
            State::Unknown,
        ] {
            c.add(s);
        }
        assert_eq!((c.ready, c.failing, c.suspended, c.progressing), (2, 2, 1, 2));
        assert_eq!((c.total(), c.running()), (7, 6));
        let mut all = KindCounts::default();
        all.merge(&c);
        all.merge(&c);
        assert_eq!(all.failing, 4);
    }

    #[test]
    fn state_since_is_the_transition_of_the_deciding_condition() {
        let obj = json!({"status": {"conditions": [
            {"type": "Ready", "status": "False", "lastTransitionTime": "2026-01-01T00:00:00Z"},
            {"type": "Stalled", "status": "True", "lastTransitionTime": "2026-01-02T00:00:00Z"}]}});
        assert_eq!(state_since(&obj), Some("2026-01-02T00:00:00Z"));
        let ready = json!({"status": {"conditions": [
            {"type": "Ready", "status": "False", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}});
        assert_eq!(state_since(&ready), Some("2026-01-01T00:00:00Z"));
        assert_eq!(state_since(&json!({})), None);
    }

    #[test]
    fn deployments_need_all_replicas() {
        let d = |ready| {
            json!({"metadata": {"generation": 1}, "spec": {"replicas": 2},
                   "status": {"observedGeneration": 1, "updatedReplicas": 2, "readyReplicas": ready, "availableReplicas": ready}})
        };
        assert_eq!(kstatus_health("apps", "Deployment", &d(2)).state, State::Ready);
        assert_eq!(
            kstatus_health("apps", "Deployment", &d(1)).state,
            State::Progressing
        );
        let fresh = json!({"metadata": {"generation": 1}, "spec": {"replicas": 1}});
        assert_eq!(
            kstatus_health("apps", "Deployment", &fresh).state,
            State::Progressing
        );
    }

    #[test]
    fn other_kinds() {
        assert_eq!(kstatus_health("", "ConfigMap", &json!({})).state, State::Exists);
        assert_eq!(
            kstatus_health("", "Namespace", &json!({"status": {"phase": "Active"}})).state,
            State::Ready
        );
        let failed = json!({"status": {"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]}});
        assert_eq!(kstatus_health("batch", "Job", &failed).state, State::NotReady);
        let crd = json!({"status": {"conditions": [{"type": "Established", "status": "True"}]}});
        assert_eq!(
            kstatus_health("apiextensions.k8s.io", "CustomResourceDefinition", &crd).state,
            State::Ready
        );
    }
}
