//! The in-cluster steps for one cluster that passed preflight, in d1 §16 order: the Flux namespace,
//! Flux Operator, the git Secrets, the FluxInstance (or the classic manifests), then readiness.
//!
//! Every write is idempotent — namespaces are created only when absent, objects are server-side
//! applied with the suite's field manager, Secrets are written only when their data differs — so a
//! second run leaves every resourceVersion as it was.

use std::{ops::ControlFlow, time::Duration};

use k8s_openapi::api::core::v1::Namespace;
use kube::{
    Api,
    api::{ObjectMeta, PostParams},
};
use serde_json::Value;

use super::{
    clusterdir::{ClusterDir, WaitTarget},
    operator::{self, Changes, OperatorAction, OperatorManifest},
    preflight::Preflight,
    spec::ClusterLayout,
};
use crate::{
    credentials::{CredentialError, GitSecret, ResolvedToken, upsert_git_secret},
    error::chain::error_chain,
    kube::{
        Applier, ApplyOutcome, FIELD_MANAGER, Gvk, KubeError, KubeTarget, Resolver, WaitOutcome, wait_until,
    },
    manifests::pointer,
    status::{State, condition, flux_health, revision},
};

/// How often readiness is polled: fast enough that a ready cluster is seen within a fraction of a
/// second, slow enough to cost nothing.
const POLL: Duration = Duration::from_millis(500);

/// A tenant's token (`--tenant-token apps=NAME`).
#[derive(Clone, Debug)]
pub struct TenantToken {
    /// The tenant, e.g. `apps`.
    pub tenant: String,
    /// Its token.
    pub token: ResolvedToken,
}

/// Every token a bootstrap writes, read once before any cluster is touched.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    /// The fleet token for the sync Secret.
    pub fleet: Option<ResolvedToken>,
    /// Tenant tokens.
    pub tenants: Vec<TenantToken>,
}

/// One git Secret bootstrap writes on a cluster, with what it authenticates with.
pub struct SecretWrite<'a> {
    /// The Secret (name, namespace, username, credential annotation, labels).
    pub secret: GitSecret,
    /// Its credential (a token, or a GitHub App).
    pub resolved: &'a ResolvedToken,
    /// The step, for the failure message ("failed to write the git Secret").
    step: &'static str,
}

impl Credentials {
    /// The git Secrets these credentials write on a cluster: the sync Secret when the cluster
    /// directory names one and a fleet token was given, then one Secret per tenant.
    pub fn writes(&self, dir: &ClusterDir, username: Option<&str>) -> Vec<SecretWrite<'_>> {
        let mut out = Vec::new();
        if let (Some(t), Some(name)) = (&self.fleet, &dir.pull_secret) {
            out.push(SecretWrite {
                secret: GitSecret::sync(&dir.namespace, name, t.username(username), t.credential.clone()),
                resolved: t,
                step: "write the git Secret",
            });
        }
        for t in &self.tenants {
            out.push(SecretWrite {
                secret: GitSecret::tenant(
                    &dir.namespace,
                    &t.tenant,
                    t.token.username(username),
                    t.token.credential.clone(),
                ),
                resolved: &t.token,
                step: "write a tenant Secret",
            });
        }
        out
    }

    /// Every credential given (fleet, then tenants).
    fn all(&self) -> impl Iterator<Item = &ResolvedToken> {
        self.fleet.iter().chain(self.tenants.iter().map(|t| &t.token))
    }

    /// Refuses `--username` when a credential is a GitHub App (its Secret has no username).
    pub fn check_username(&self, username: Option<&str>) -> Result<(), CredentialError> {
        self.all().try_for_each(|t| t.check_username(username))
    }
}

/// Options of the in-cluster steps.
#[derive(Clone, Debug)]
pub struct Options {
    /// Wait for readiness.
    pub wait: bool,
    /// How long to wait.
    pub timeout: Duration,
    /// `--username`: the basic-auth user of every git Secret (default: per credential).
    pub username: Option<String>,
}

/// Where one cluster's steps are reported (a progress bar, or status lines naming the cluster).
pub trait StepReporter: Send + Sync {
    /// A step starts.
    fn step(&self, msg: &str);
    /// A step finished.
    fn done(&self, msg: &str);
    /// The current state while waiting.
    fn waiting(&self, msg: &str);
}

/// What a bootstrap did on one cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The operator step, e.g. `v0.58.1 installed`.
    pub operator: String,
    /// The Secrets step, e.g. `2 created`.
    pub secrets: String,
    /// The FluxInstance (or classic manifests) step.
    pub flux: String,
    /// Ready, or applied without waiting.
    pub ready: bool,
    /// The last condition message (Ready message or revision).
    pub message: String,
}

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
pub enum StepFailure {
    /// A request failed or waiting timed out.
    #[error(transparent)]
    Kube(#[from] KubeError),
    /// A Flux object reports `Stalled`: its controller stopped retrying.
    #[error("{0}")]
    Stalled(String),
}

/// A failed step on one cluster.
#[derive(Debug, thiserror::Error)]
#[error("failed to {step}")]
pub struct StepError {
    /// The step.
    pub step: &'static str,
    /// The cause.
    #[source]
    pub source: StepFailure,
    /// What the cluster got before failing.
    pub partial: Outcome,
}

/// Creates the namespace when it does not exist. It is never patched: the operator manifest or
/// other tools may own its labels, and re-runs must not write.
pub async fn ensure_namespace(target: &KubeTarget, name: &str) -> Result<ApplyOutcome, KubeError> {
    let api: Api<Namespace> = Api::all(target.client.clone());
    if api
        .get_opt(name)
        .await
        .map_err(|e| target.err(format!("get Namespace {name}"), e))?
        .is_some()
    {
        return Ok(ApplyOutcome::Unchanged);
    }
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            ..Default::default()
        },
        ..Default::default()
    };
    let pp = PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    match api.create(&pp, &ns).await {
        Ok(_) => Ok(ApplyOutcome::Created),
        // Someone created it between our read and write: that is what we wanted.
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(ApplyOutcome::Unchanged),
        Err(e) => Err(target.err(format!("create Namespace {name}"), e)),
    }
}

fn fail<'a, E: Into<StepFailure>>(
    step: &'static str,
    partial: &'a Outcome,
) -> impl FnOnce(E) -> StepError + 'a {
    move |source| StepError {
        step,
        source: source.into(),
        partial: partial.clone(),
    }
}

/// Runs the steps on one cluster.
pub async fn bootstrap(
    target: &KubeTarget,
    dir: &ClusterDir,
    preflight: &Preflight,
    manifest: Option<&OperatorManifest>,
    creds: &Credentials,
    opts: &Options,
    rep: &dyn StepReporter,
) -> Result<Outcome, StepError> {
    let mut out = Outcome {
        operator: "-".into(),
        ..Default::default()
    };
    let applier = Applier::new(Resolver::new(target.clone()));
    let on_step = |msg: String| rep.step(&msg);

    rep.step(&format!("ensuring namespace {}", dir.namespace));
    ensure_namespace(target, &dir.namespace)
        .await
        .map_err(fail("create the namespace", &out))?;

    if let (Some(m), Some(action)) = (manifest, &preflight.operator) {
        match action {
            OperatorAction::Skip { version, reason } => {
                out.operator = format!("{version} ({reason})");
                rep.done(&format!("Flux Operator {version}: {reason}"));
            }
            OperatorAction::Install | OperatorAction::Upgrade { .. } => {
                rep.step(&format!(
                    "installing Flux Operator {} ({} objects)",
                    m.version,
                    m.objects.len()
                ));
                operator::apply_ordered(&applier, &m.objects, &on_step)
                    .await
                    .map_err(fail("install Flux Operator", &out))?;
                out.operator = match action {
                    OperatorAction::Upgrade { from } => format!("{} upgraded from {from}", m.version),
                    _ => format!("{} installed", m.version),
                };
                rep.done(&format!("Flux Operator {}", out.operator));
            }
        }
    }

    // Classic: the components (and their CRDs) first, so the Secret's namespace exists; the sync
    // objects last, once the Secret they read is in place.
    let (components, sync): (Vec<Value>, Vec<Value>) = match dir.layout {
        ClusterLayout::D1 => (Vec::new(), dir.objects.clone()),
        ClusterLayout::Classic => dir.objects.iter().cloned().partition(|o| {
            !matches!(
                pointer::kind(o),
                "GitRepository" | "Kustomization" | "OCIRepository" | "Bucket"
            )
        }),
    };
    let mut flux_changes = Changes::default();
    if !components.is_empty() {
        rep.step(&format!("applying {} Flux component objects", components.len()));
        flux_changes = operator::apply_ordered(&applier, &components, &on_step)
            .await
            .map_err(fail("apply the Flux components", &out))?;
    }

    let mut secret_changes = Changes::default();
    for w in creds.writes(dir, opts.username.as_deref()) {
        rep.step(&format!(
            "writing Secret {}/{}",
            w.secret.namespace, w.secret.name
        ));
        secret_changes.add(
            upsert_git_secret(target, &w.secret, &w.resolved.auth)
                .await
                .map_err(fail(w.step, &out))?,
        );
    }
    out.secrets = if creds.fleet.is_none() && creds.tenants.is_empty() {
        if dir.pull_secret.is_some() {
            "existing kept".into()
        } else {
            "-".into()
        }
    } else if secret_changes == Changes::default() {
        "-".into()
    } else {
        secret_changes.summary()
    };

    let (what, step) = match dir.layout {
        ClusterLayout::D1 => ("FluxInstance", "apply the FluxInstance"),
        ClusterLayout::Classic => ("sync objects", "apply the sync objects"),
    };
    rep.step(&format!("applying {what}"));
    let changes = operator::apply_ordered(&applier, &sync, &on_step)
        .await
        .map_err(fail(step, &out))?;
    flux_changes.created += changes.created;
    flux_changes.configured += changes.configured;
    flux_changes.unchanged += changes.unchanged;
    out.flux = flux_changes.summary();
    rep.done(&format!("{what} {}", out.flux));

    if !opts.wait {
        out.message = "not waited for (--no-wait)".into();
        return Ok(out);
    }
    let ready = wait_ready(target, &dir.wait_for, opts.timeout, rep)
        .await
        .map_err(fail("wait for readiness", &out))?;
    out.ready = true;
    out.message = ready;
    Ok(out)
}

/// Why a Kustomization that is Ready for its generation has not applied what its source serves now
/// (None: it has). Ready for its generation is not enough after a re-run: when the GitRepository's
/// URL or branch changed, or a reconcile was requested, the source serves a new revision while the
/// Kustomization's Ready still speaks of the previous one.
async fn source_lag(resolver: &Resolver, key: &WaitTarget, obj: &Value) -> Result<Option<String>, KubeError> {
    if key.kind != "Kustomization" {
        return Ok(None);
    }
    let (Some(kind), Some(name)) = (
        pointer::str_at(obj, "/spec/sourceRef/kind"),
        pointer::str_at(obj, "/spec/sourceRef/name"),
    ) else {
        return Ok(None);
    };
    let ns = pointer::str_at(obj, "/spec/sourceRef/namespace").unwrap_or(&key.namespace);
    let (ar, namespaced) = resolver.resolve("source.toolkit.fluxcd.io", None, kind).await?;
    let source = resolver
        .api(&ar, namespaced, Some(ns))
        .get_opt(name)
        .await
        .map_err(|e| resolver.target().err(format!("get {kind} {ns}/{name}"), e))?
        .and_then(|o| serde_json::to_value(o).ok());
    Ok(source_pending(
        &format!("{kind}/{ns}/{name}"),
        source.as_ref(),
        pointer::str_at(obj, "/status/lastAppliedRevision"),
    ))
}

/// The decision of [`source_lag`]: the source has settled (Ready for its generation, any
/// reconcile request handled) and the Kustomization applied the revision it serves.
fn source_pending(source_id: &str, source: Option<&Value>, applied: Option<&str>) -> Option<String> {
    let artifact = source.and_then(|s| pointer::str_at(s, "/status/artifact/revision"));
    if artifact.is_none() && applied.is_none() {
        // No source-controller has served it anything: nothing to compare.
        return None;
    }
    let Some(source) = source else {
        return Some(format!("is Ready, but its source {source_id} does not exist"));
    };
    let generation = source.pointer("/metadata/generation").and_then(Value::as_i64);
    match condition(source, "Ready") {
        Some(c) if c.status == "True" && c.observed_generation == generation => {}
        Some(c) if c.status == "False" => {
            return Some(format!(
                "is Ready, but its source {source_id} is not: {}",
                c.message.or(c.reason).unwrap_or("no message")
            ));
        }
        _ => return Some(format!("is Ready; its source {source_id} is being reconciled")),
    }
    let requested = pointer::str_at(source, "/metadata/annotations/reconcile.fluxcd.io~1requestedAt");
    if requested.is_some() && requested != pointer::str_at(source, "/status/lastHandledReconcileAt") {
        return Some(format!(
            "is Ready; its source {source_id} has not handled the reconcile request yet"
        ));
    }
    match (artifact, applied) {
        (Some(a), Some(b)) if a == b => None,
        (Some(a), b) => Some(format!(
            "is Ready for {}, not yet for {a}, the revision {source_id} serves",
            b.unwrap_or("no revision")
        )),
        (None, _) => Some(format!("is Ready, but its source {source_id} has no artifact")),
    }
}

async fn get(resolver: &Resolver, key: &WaitTarget) -> Result<Option<Value>, KubeError> {
    let gvk = Gvk::from_api_version(&key.api_version, &key.kind);
    let (ar, namespaced) = resolver
        .resolve(&gvk.group, Some(&gvk.version), &gvk.kind)
        .await?;
    let api = resolver.api(&ar, namespaced, Some(&key.namespace));
    let found = api
        .get_opt(&key.name)
        .await
        .map_err(|e| resolver.target().err(format!("get {key}"), e))?;
    Ok(found.and_then(|o| serde_json::to_value(o).ok()))
}

/// Why waiting cannot succeed any more.
enum Poll {
    Ready(String),
    Stalled(String),
}

/// Waits until every object is Ready for its current generation, showing the current condition
/// message. A `Stalled` condition ends the wait early: the controller has given up retrying.
pub async fn wait_ready(
    target: &KubeTarget,
    keys: &[WaitTarget],
    timeout: Duration,
    rep: &dyn StepReporter,
) -> Result<String, StepFailure> {
    let resolver = Resolver::new(target.clone());
    let resolver = &resolver;
    // Controllers alternate between "Reconciliation in progress" and the reason it fails; the
    // failure is what users need when time runs out, so the last one is kept.
    let last_failure: std::sync::Mutex<Option<(String, String)>> = std::sync::Mutex::new(None);
    let last_failure = &last_failure;
    let outcome = wait_until(
        timeout,
        POLL,
        || async move {
            let mut last = String::new();
            for key in keys {
                let obj = match get(resolver, key).await {
                    Ok(Some(o)) => o,
                    Ok(None) => {
                        let by = if key.kind == "FluxInstance" {
                            ""
                        } else if keys.iter().any(|k| k.kind == "FluxInstance") {
                            " (the FluxInstance creates it)"
                        } else {
                            // keos: `default` applies the domain Kustomizations.
                            " (Flux creates it from the fleet repository)"
                        };
                        return ControlFlow::Continue(format!("{key} does not exist yet{by}"));
                    }
                    Err(e) => return ControlFlow::Continue(format!("{key}: {}", error_chain(&e))),
                };
                if let Some(s) = condition(&obj, "Stalled").filter(|c| c.status == "True") {
                    return ControlFlow::Break(Poll::Stalled(format!(
                        "{key} stalled: {}",
                        s.message.or(s.reason).unwrap_or("no message")
                    )));
                }
                let h = flux_health(&obj);
                if condition(&obj, "Ready").is_none() {
                    let by = if key.kind == "FluxInstance" {
                        "flux-operator"
                    } else {
                        "Flux"
                    };
                    return ControlFlow::Continue(format!("{key} is not reconciled by {by} yet"));
                }
                if h.state != State::Ready {
                    let msg = h.message.clone().unwrap_or_else(|| h.label());
                    let line = format!("{key} {}: {msg}", h.label());
                    if condition(&obj, "Ready").is_some_and(|c| c.status == "False")
                        && let Ok(mut f) = last_failure.lock()
                    {
                        *f = Some((key.to_string(), line.clone()));
                    }
                    return ControlFlow::Continue(line);
                }
                match source_lag(resolver, key, &obj).await {
                    Ok(Some(lag)) => return ControlFlow::Continue(format!("{key} {lag}")),
                    Ok(None) => {}
                    Err(e) => return ControlFlow::Continue(format!("{key}: {}", error_chain(&e))),
                }
                // A failure of an object that has since become Ready no longer explains anything.
                if let Ok(mut f) = last_failure.lock()
                    && f.as_ref().is_some_and(|(k, _)| *k == key.to_string())
                {
                    *f = None;
                }
                last = match revision(&obj) {
                    Some(r) => format!("{} ({key})", r),
                    None => h.message.unwrap_or_else(|| "Ready".into()),
                };
            }
            ControlFlow::Break(Poll::Ready(last))
        },
        |msg| rep.waiting(msg),
    )
    .await;
    match outcome {
        WaitOutcome::Done(Poll::Ready(msg)) => Ok(msg),
        WaitOutcome::Done(Poll::Stalled(msg)) => Err(StepFailure::Stalled(msg)),
        WaitOutcome::TimedOut(mut last) => {
            if let Some((_, f)) = last_failure.lock().ok().and_then(|f| f.clone())
                && f != last
            {
                last = format!("{last} (last failure: {f})");
            }
            Err(StepFailure::Kube(KubeError::Timeout {
                context: target.context.clone(),
                what: keys
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" and "),
                after: timeout,
                last,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn source(generation: i64, observed: i64, revision: Option<&str>, handled: Option<&str>) -> Value {
        let mut s = json!({
            "metadata": {"generation": generation, "annotations": {"reconcile.fluxcd.io/requestedAt": "t1"}},
            "status": {"conditions": [{"type": "Ready", "status": "True", "observedGeneration": observed}]},
        });
        if let Some(r) = revision {
            s["status"]["artifact"] = json!({"revision": r});
        }
        if let Some(h) = handled {
            s["status"]["lastHandledReconcileAt"] = json!(h);
        }
        s
    }

    #[test]
    fn ready_counts_only_for_the_revision_the_source_serves() {
        let id = "GitRepository/flux-system/keos-fleet";
        let current = source(2, 2, Some("main@sha1:b"), Some("t1"));
        assert_eq!(source_pending(id, Some(&current), Some("main@sha1:b")), None);
        let stale = source_pending(id, Some(&current), Some("main@sha1:a")).expect("stale");
        assert!(
            stale.contains("main@sha1:a") && stale.contains("main@sha1:b"),
            "{stale}"
        );
        // A new URL (generation 2) not fetched yet, a reconcile request not handled yet.
        let moving = source(2, 1, Some("main@sha1:a"), Some("t1"));
        assert!(source_pending(id, Some(&moving), Some("main@sha1:a")).is_some());
        let requested = source(1, 1, Some("main@sha1:a"), Some("t0"));
        assert!(source_pending(id, Some(&requested), Some("main@sha1:a")).is_some());
        // A failing source is named with its message.
        let mut failing = current.clone();
        failing["status"]["conditions"][0]["status"] = json!("False");
        failing["status"]["conditions"][0]["message"] = json!("authentication required");
        let msg = source_pending(id, Some(&failing), Some("main@sha1:b")).expect("failing");
        assert!(msg.contains("authentication required"), "{msg}");
        // Nothing any source-controller served: nothing to compare.
        assert_eq!(
            source_pending(id, Some(&source(1, 1, None, Some("t1"))), None),
            None
        );
        assert!(source_pending(id, None, Some("main@sha1:a")).is_some());
    }
}
