//! Live status of any object, computed from what the apiserver returns.
//!
//! Flux objects (toolkit and operator kinds) are judged by their `Ready` condition, honouring
//! `observedGeneration` (a Ready condition for an older generation is *Stale*, not Ready; `flux get`
//! gets this wrong) and suspension. Other kinds get kstatus-style health where it can be computed
//! (workloads, Jobs, PVCs, Namespaces, CRDs), and plain *Exists* otherwise.

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

    /// Whether `--status failing` keeps this node.
    pub fn is_failing(self) -> bool {
        matches!(
            self,
            State::NotReady | State::Missing | State::Stale | State::Unknown
        )
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

/// The health of a Flux object.
pub fn flux_health(obj: &Value) -> Health {
    if is_suspended(obj) {
        let ready = condition(obj, "Ready");
        return Health::with(State::Suspended, None, ready.and_then(|c| c.message));
    }
    let Some(ready) = condition(obj, "Ready") else {
        return Health::with(State::Progressing, None, Some("waiting to be reconciled"));
    };
    let generation = generation(obj);
    let observed = ready.observed_generation.or_else(|| observed_generation(obj));
    let stale = matches!((generation, observed), (Some(g), Some(o)) if o < g);
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
        "False" if reconciling || ready.reason == Some("Progressing") => {
            Health::with(State::Progressing, ready.reason, ready.message)
        }
        "False" => Health::with(State::NotReady, ready.reason, ready.message),
        _ => Health::with(State::Progressing, ready.reason, ready.message),
    }
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
        flux_health(obj)
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
