//! Rotating one credential on one cluster: find every Secret written from it that the fleet
//! declares, write the new token into each, ask Flux to fetch again with it, and wait until it did.
//!
//! Which Secrets those are is the trust model ([`trust`](super::trust)): labels and annotations
//! say where a Secret came from, never who may receive a credential, so the candidates are checked
//! against what only platform admins can write (the Flux namespace, Namespace labels), and
//! everything else that claims the credential is reported as suspicious and never written.
//!
//! Finding the candidates costs one paginated, metadata-only LIST across all namespaces:
//! annotations cannot be selected server-side, and a full LIST would download every Secret's data
//! (Helm release Secrets are large) just to read one annotation. A Secret claims the credential
//! when it carries `kubectl-fleet.dev/credential=NAME`, or the `kubectl-fleet.dev/propagated-from:
//! NS.NAME` label naming one that does (tenant `--propagate` copies carry both; the label alone is
//! enough for a legitimate copy, so a copy whose annotation was stripped is still refreshed).
//!
//! GitRepositories are found with one LIST, and those whose `spec.secretRef.name` is a target
//! Secret of their namespace get `reconcile.fluxcd.io/requestedAt`. A repository counts as done
//! when source-controller handled *that* request (`status.lastHandledReconcileAt` equals our value,
//! so the fetch happened after the Secret was written) and is Ready for its current generation.

use std::{
    collections::{BTreeMap, BTreeSet},
    ops::ControlFlow,
    time::Duration,
};

use futures::{StreamExt, TryStreamExt, stream};
use k8s_openapi::api::core::v1::Secret;
use kube::{
    Api,
    api::{DynamicObject, ListParams, PartialObjectMeta, Patch, PatchParams},
};
use serde::Serialize;
use serde_json::{Value, json};

use super::{
    CredentialError,
    secret::{CREDENTIAL_ANNOTATION, GitAuth, TENANT_LABEL, rotated_secret, update_secret},
    trust::{FluxNamespaceOrigin, TrustRoot, trust_root},
};
use crate::{
    error::Error,
    kube::{ApplyOutcome, FIELD_MANAGER, KubeError, KubeTarget, WaitOutcome, find_known, wait_until},
    output::plural,
    status::{State, flux_health},
};

/// Label on tenant copies of a credential Secret: `SOURCE_NAMESPACE.SOURCE_NAME`.
pub const PROPAGATED_FROM_LABEL: &str = "kubectl-fleet.dev/propagated-from";

/// The annotation Flux controllers watch to reconcile on demand.
pub const REQUESTED_AT_ANNOTATION: &str = "reconcile.fluxcd.io/requestedAt";

/// A namespaced object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct ObjectKey {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// A Secret written from the credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretTarget {
    /// The Secret.
    #[serde(flatten)]
    pub key: ObjectKey,
    /// For a tenant copy: the Secret it was copied from (`NS.NAME`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub propagated_from: Option<String>,
    /// The Flux Kustomization (`NS/NAME`) that applies this Secret from git and will put the old
    /// value back on its next reconciliation, unless it only creates it (`ssa: IfNotPresent`) or
    /// reconciliation of the Secret is disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverted_by: Option<String>,
}

/// The Kustomization that would revert an out-of-band change to an object with these labels and
/// annotations (kustomize-controller labels what it applies with its name and namespace).
pub fn reverting_kustomization(
    labels: Option<&std::collections::BTreeMap<String, String>>,
    annotations: Option<&std::collections::BTreeMap<String, String>>,
) -> Option<String> {
    let labels = labels?;
    let name = labels.get("kustomize.toolkit.fluxcd.io/name")?;
    let namespace = labels
        .get("kustomize.toolkit.fluxcd.io/namespace")
        .map(String::as_str)
        .unwrap_or("?");
    let annotation = |k: &str| annotations.and_then(|a| a.get(k)).map(String::as_str);
    let create_only =
        annotation("kustomize.toolkit.fluxcd.io/ssa").is_some_and(|v| v.eq_ignore_ascii_case("IfNotPresent"));
    let disabled = annotation("kustomize.toolkit.fluxcd.io/reconcile")
        .is_some_and(|v| v.eq_ignore_ascii_case("disabled"));
    (!create_only && !disabled).then(|| format!("{namespace}/{name}"))
}

/// A GitRepository that authenticates with one of those Secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoTarget {
    /// The GitRepository.
    #[serde(flatten)]
    pub key: ObjectKey,
    /// Its `spec.secretRef.name`.
    pub secret: String,
    /// Suspended repositories are not asked to reconcile and not waited for.
    pub suspended: bool,
}

/// A Secret that claims the credential (by annotation or propagated-from label) where the fleet
/// does not declare it: never written, always reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SuspiciousSecret {
    /// The Secret.
    #[serde(flatten)]
    pub key: ObjectKey,
    /// Why it is not a place the credential belongs.
    pub reason: String,
}

/// What rotating on one cluster touches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterPlan {
    /// The namespace trusted as the cluster's Flux namespace.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub flux_namespace: String,
    /// How the Flux namespace was found (`None` in plans built by hand).
    #[serde(skip)]
    pub flux_namespace_origin: Option<FluxNamespaceOrigin>,
    /// Secrets to rewrite, sorted.
    pub secrets: Vec<SecretTarget>,
    /// Secrets that claim the credential where it does not belong, sorted: never written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suspicious: Vec<SuspiciousSecret>,
    /// GitRepositories to reconcile, sorted.
    pub git_repositories: Vec<RepoTarget>,
    /// False when the cluster does not serve GitRepository (no Flux).
    pub flux_installed: bool,
}

/// Finds the Secrets of `credential` the fleet declares on the cluster, those that claim it
/// without being declared, and the GitRepositories using the former. `flux_namespace` is the
/// namespace the caller trusts as the Flux namespace; `None` finds it from the cluster
/// ([`trust_root`]).
pub async fn plan_cluster(
    target: &KubeTarget,
    credential: &str,
    flux_namespace: Option<&str>,
) -> Result<ClusterPlan, Error> {
    let metas = list_secret_metadata(target).await?;
    let repos = list_git_repositories(target).await?;
    let (trust, origin) = trust_root(target, flux_namespace, repos.as_deref()).await?;
    let Selection { secrets, suspicious } = target_secrets(credential, &trust, &metas);
    let (flux_installed, git_repositories) = match repos {
        None => (false, Vec::new()),
        Some(repos) => {
            let keys: BTreeSet<&ObjectKey> = secrets.iter().map(|s| &s.key).collect();
            let mut out: Vec<RepoTarget> = repos.iter().filter_map(|r| repo_target(r, &keys)).collect();
            out.sort_by(|a, b| a.key.cmp(&b.key));
            (true, out)
        }
    };
    let plan = ClusterPlan {
        flux_namespace: trust.flux_namespace,
        flux_namespace_origin: Some(origin),
        secrets,
        suspicious,
        git_repositories,
        flux_installed,
    };
    check_access(target, &plan).await?;
    Ok(plan)
}

/// The Secrets of a cluster a rotation writes, and those it refuses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Declared by the fleet: written, sorted.
    pub secrets: Vec<SecretTarget>,
    /// Claiming the credential without being declared: never written, sorted.
    pub suspicious: Vec<SuspiciousSecret>,
}

/// The Secrets a rotation of `credential` writes, among the Secrets of a cluster (metadata only),
/// judged against the cluster's [`TrustRoot`]. This is the one place that decides which Secrets
/// belong to a credential (the rules are in [`trust`](super::trust)): a Secret that claims the
/// credential (annotated with it, or labelled as a copy of a Secret that is) is a target when
///
/// - it is in the Flux namespace, annotated, and read by a Flux object there or labelled as a
///   tenant's Secret; or
/// - it is a copy of such a tenant Secret: same name, the propagated-from label naming it, in a
///   namespace whose Namespace object says it belongs to that tenant.
///
/// Every other claim is suspicious, with the reason.
pub fn target_secrets(credential: &str, trust: &TrustRoot, metas: &[PartialObjectMeta<Secret>]) -> Selection {
    let flux = trust.flux_namespace.as_str();
    fn annotation(m: &PartialObjectMeta<Secret>) -> Option<&str> {
        m.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(CREDENTIAL_ANNOTATION))
            .map(String::as_str)
    }
    fn label<'m>(m: &'m PartialObjectMeta<Secret>, key: &str) -> Option<&'m str> {
        m.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(key))
            .map(String::as_str)
    }
    // `NS.NAME` of every Secret annotated with the credential: what a copy's label may name.
    let annotated: BTreeSet<String> = metas
        .iter()
        .filter(|m| annotation(m) == Some(credential))
        .filter_map(|m| {
            Some(format!(
                "{}.{}",
                m.metadata.namespace.as_ref()?,
                m.metadata.name.as_ref()?
            ))
        })
        .collect();
    // The declared Secrets of the Flux namespace, and the tenant each one belongs to.
    let mut sources: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for m in metas {
        if m.metadata.namespace.as_deref() == Some(flux)
            && annotation(m) == Some(credential)
            && let Some(name) = m.metadata.name.as_deref()
        {
            let tenant = label(m, TENANT_LABEL);
            if tenant.is_some() || trust.referenced.contains(name) {
                sources.insert(name, tenant);
            }
        }
    }

    let mut selection = Selection::default();
    for m in metas {
        let (Some(namespace), Some(name)) = (&m.metadata.namespace, &m.metadata.name) else {
            continue;
        };
        let from = label(m, PROPAGATED_FROM_LABEL);
        let by_annotation = annotation(m) == Some(credential);
        let by_label = from.is_some_and(|f| annotated.contains(f));
        if !by_annotation && !by_label {
            continue;
        }
        let key = ObjectKey {
            namespace: namespace.clone(),
            name: name.clone(),
        };
        let verdict = if namespace == flux {
            if by_annotation && sources.contains_key(name.as_str()) {
                Ok(None)
            } else if by_annotation {
                Err(format!(
                    "no Flux object in the Flux namespace {flux} reads it and it is not a tenant's Secret ({TENANT_LABEL})"
                ))
            } else {
                Err(format!(
                    "labelled as a copy inside the Flux namespace {flux}, where copies are never made"
                ))
            }
        } else {
            judge_copy(flux, namespace, name, from, &sources, &trust.tenant_of).map(Some)
        };
        match verdict {
            Ok(propagated_from) => selection.secrets.push(SecretTarget {
                key,
                propagated_from,
                reverted_by: reverting_kustomization(
                    m.metadata.labels.as_ref(),
                    m.metadata.annotations.as_ref(),
                ),
            }),
            Err(reason) => selection.suspicious.push(SuspiciousSecret { key, reason }),
        }
    }
    selection.secrets.sort_by(|a, b| a.key.cmp(&b.key));
    selection.suspicious.sort_by(|a, b| a.key.cmp(&b.key));
    selection
}

/// Whether a Secret outside the Flux namespace is a legitimate copy of a tenant Secret: the
/// value of its propagated-from label, or why not.
fn judge_copy(
    flux: &str,
    namespace: &str,
    name: &str,
    from: Option<&str>,
    sources: &BTreeMap<&str, Option<&str>>,
    tenant_of: &BTreeMap<String, String>,
) -> Result<String, String> {
    let Some(from) = from else {
        return Err(format!(
            "outside the Flux namespace {flux} and not a copy of a tenant's Secret: the credential is only written to the Flux namespace and to the namespaces of the tenant that owns it"
        ));
    };
    let (source_ns, source) = from.split_once('.').unwrap_or((from, ""));
    if source_ns != flux {
        return Err(format!(
            "labelled as a copy of {source_ns}/{source}, which is not in the Flux namespace {flux}"
        ));
    }
    let tenant = match sources.get(source) {
        Some(Some(tenant)) => *tenant,
        Some(None) => {
            return Err(format!(
                "labelled as a copy of {flux}/{source}, which belongs to no tenant: only tenants' Secrets have copies"
            ));
        }
        None => {
            return Err(format!(
                "labelled as a copy of {flux}/{source}, which the fleet does not declare"
            ));
        }
    };
    if name != source {
        return Err(format!(
            "labelled as a copy of {flux}/{source} under another name (copies keep their source's name)"
        ));
    }
    match tenant_of.get(namespace) {
        Some(owner) if owner == tenant => Ok(from.to_string()),
        Some(owner) => Err(format!(
            "a copy of the Secret of tenant {tenant} in namespace {namespace}, which belongs to tenant {owner}"
        )),
        None => Err(format!(
            "a copy of the Secret of tenant {tenant} in namespace {namespace}, which belongs to no tenant (no {TENANT_LABEL} label)"
        )),
    }
}

/// Asks the apiserver (SelfSubjectAccessReview) whether we may write what the plan touches, per
/// namespace, so a missing RBAC grant fails the cluster before its first write instead of half-way.
async fn check_access(target: &KubeTarget, plan: &ClusterPlan) -> Result<(), KubeError> {
    let mut checks: BTreeSet<(&str, &str, &str, &str)> = BTreeSet::new();
    for s in &plan.secrets {
        checks.insert(("update", "", "secrets", &s.key.namespace));
    }
    for r in plan.git_repositories.iter().filter(|r| !r.suspended) {
        checks.insert((
            "patch",
            "source.toolkit.fluxcd.io",
            "gitrepositories",
            &r.key.namespace,
        ));
    }
    let results: Vec<Result<(), KubeError>> = stream::iter(checks)
        .map(|(verb, group, resource, namespace)| async move {
            if can_i(target, verb, group, resource, namespace).await? {
                Ok(())
            } else {
                Err(KubeError::Api {
                    context: target.context.clone(),
                    action: format!("{verb} {resource} in namespace {namespace}"),
                    code: 403,
                    reason: "Forbidden".into(),
                    message: format!(
                        "the current user may not {verb} {resource} in namespace {namespace} \
                         (SelfSubjectAccessReview); nothing was changed on this cluster"
                    ),
                })
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    results.into_iter().collect()
}

async fn can_i(
    target: &KubeTarget,
    verb: &str,
    group: &str,
    resource: &str,
    namespace: &str,
) -> Result<bool, KubeError> {
    target.can_i(verb, group, resource, Some(namespace), None).await
}

fn repo_target(repo: &DynamicObject, secrets: &BTreeSet<&ObjectKey>) -> Option<RepoTarget> {
    let namespace = repo.metadata.namespace.clone()?;
    let name = repo.metadata.name.clone()?;
    let secret = repo
        .data
        .pointer("/spec/secretRef/name")
        .and_then(Value::as_str)?
        .to_string();
    let key = ObjectKey {
        namespace: namespace.clone(),
        name: secret.clone(),
    };
    if !secrets.contains(&key) {
        return None;
    }
    let suspended = repo
        .data
        .pointer("/spec/suspend")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Some(RepoTarget {
        key: ObjectKey { namespace, name },
        secret,
        suspended,
    })
}

async fn list_secret_metadata(target: &KubeTarget) -> Result<Vec<PartialObjectMeta<Secret>>, KubeError> {
    let api: Api<Secret> = Api::all(target.client.clone());
    let mut params = ListParams::default().limit(500);
    let mut out = Vec::new();
    loop {
        let page = api
            .list_metadata(&params)
            .await
            .map_err(|e| target.err("list Secrets in all namespaces", e))?;
        out.extend(page.items);
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => return Ok(out),
        }
    }
}

fn git_repository_api(target: &KubeTarget, namespace: Option<&str>) -> Api<DynamicObject> {
    // GitRepository is a known kind: no discovery round trip.
    let ar = find_known("source.toolkit.fluxcd.io", "GitRepository")
        .map(|k| k.api_resource())
        .unwrap_or_else(|| {
            kube::api::ApiResource::from_gvk_with_plural(
                &kube::api::GroupVersionKind::gvk("source.toolkit.fluxcd.io", "v1", "GitRepository"),
                "gitrepositories",
            )
        });
    match namespace {
        Some(ns) => Api::namespaced_with(target.client.clone(), ns, &ar),
        None => Api::all_with(target.client.clone(), &ar),
    }
}

/// Every GitRepository, or `None` when the kind is not served (Flux not installed).
async fn list_git_repositories(target: &KubeTarget) -> Result<Option<Vec<DynamicObject>>, KubeError> {
    let api = git_repository_api(target, None);
    let mut params = ListParams::default().limit(500);
    let mut out = Vec::new();
    loop {
        match api.list(&params).await {
            Ok(page) => {
                out.extend(page.items);
                match page.metadata.continue_ {
                    Some(token) if !token.is_empty() => params = params.continue_token(&token),
                    _ => return Ok(Some(out)),
                }
            }
            Err(kube::Error::Api(s)) if s.code == 404 => return Ok(None),
            Err(e) => return Err(target.err("list GitRepositories in all namespaces", e)),
        }
    }
}

/// Options of one cluster's rotation.
#[derive(Clone, Debug)]
pub struct RotateOptions {
    /// The basic-auth username for Secrets that have none.
    pub fallback_username: String,
    /// Wait for the GitRepositories to be Ready with the new token.
    pub wait: bool,
    /// How long to wait.
    pub timeout: Duration,
    /// How often to poll while waiting.
    pub interval: Duration,
    /// How many Secrets to write at once.
    pub concurrency: usize,
    /// The `reconcile.fluxcd.io/requestedAt` value (one per run, RFC 3339).
    pub requested_at: String,
}

/// What happened to one Secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretReport {
    /// The Secret.
    #[serde(flatten)]
    pub target: SecretTarget,
    /// `configured`, `unchanged` or `deleted` (gone since it was listed).
    pub outcome: &'static str,
}

/// What became of the kubernetes-replicator copies of one rotated source Secret: part of the
/// cluster's rotation report, filled in by the `replicas` check that runs after the write.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaReport {
    /// The source's namespace.
    pub namespace: String,
    /// The source's (and every copy's) name.
    pub name: String,
    /// Namespaces whose copy carries the new version and password.
    pub followed: Vec<String>,
    /// Namespaces whose copy did not follow in time.
    pub lagging: Vec<String>,
    /// Namespaces `replicate-to` matches that have no copy.
    pub uncovered: Vec<String>,
}

/// Where one GitRepository ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RepoState {
    /// Fetched with the new token and Ready.
    Ready,
    /// Reconciliation requested, not waited for (`--no-wait`).
    Requested,
    /// Suspended: not asked to reconcile.
    Suspended,
    /// Handled our request and failed (e.g. authentication failed).
    Failed,
    /// Did not become Ready in time.
    TimedOut,
    /// Not reached (an earlier step failed).
    Skipped,
}

/// What happened to one GitRepository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoReport {
    /// The GitRepository.
    #[serde(flatten)]
    pub target: RepoTarget,
    /// Its final state.
    pub state: RepoState,
    /// The last condition message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What a rotation did on one cluster that carries the token now (a cluster that failed has an
/// error instead, see [`apply_plan`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterRotation {
    /// Secrets found and what happened to each.
    pub secrets: Vec<SecretReport>,
    /// Secrets that claim the credential where it does not belong: not written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suspicious: Vec<SuspiciousSecret>,
    /// GitRepositories found and where each ended.
    pub git_repositories: Vec<RepoReport>,
    /// Write conflicts that were retried.
    pub conflicts: u32,
    /// Whether GitRepository is served at all.
    pub flux_installed: bool,
    /// kubernetes-replicator copies of the rotated Secrets, and whether they followed (keos).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replicas: Vec<ReplicaReport>,
}

impl ClusterRotation {
    /// Secrets whose data changed.
    pub fn updated(&self) -> usize {
        self.secrets.iter().filter(|s| s.outcome == "configured").count()
    }

    /// Repositories in `state`.
    pub fn repos_in(&self, state: RepoState) -> usize {
        self.git_repositories.iter().filter(|r| r.state == state).count()
    }
}

/// Rotates `credential` to `auth` (a token, or a GitHub App and its key) on one cluster along
/// `plan`: Secrets first (so the fetch we then request already uses the new value), then the reconcile request, then the wait.
/// `progress` receives short step descriptions. Fails when a Secret cannot be written, the
/// reconcile request is refused, or a GitRepository does not fetch with the token in time; the
/// error says how far the cluster got, and running again (`--resume`) is safe from any point.
pub async fn apply_plan(
    target: &KubeTarget,
    plan: &ClusterPlan,
    credential: &str,
    auth: &GitAuth,
    opts: &RotateOptions,
    progress: &(dyn Fn(String) + Send + Sync),
) -> Result<ClusterRotation, Error> {
    let mut report = ClusterRotation {
        flux_installed: plan.flux_installed,
        suspicious: plan.suspicious.clone(),
        git_repositories: plan
            .git_repositories
            .iter()
            .map(|r| RepoReport {
                target: r.clone(),
                state: if r.suspended {
                    RepoState::Suspended
                } else {
                    RepoState::Skipped
                },
                message: None,
            })
            .collect(),
        ..ClusterRotation::default()
    };

    progress(format!("writing {} Secret(s)", plan.secrets.len()));
    let written: Vec<(SecretTarget, super::secret::UpdateResult)> =
        stream::iter(plan.secrets.iter().cloned())
            .map(|s| async move {
                let result = update_secret(target, &s.key.namespace, &s.key.name, |current| {
                    rotated_secret(current, credential, auth, &opts.fallback_username)
                })
                .await?;
                Ok::<_, KubeError>((s, result))
            })
            .buffered(opts.concurrency.max(1))
            .try_collect()
            .await?;
    for (target_secret, result) in written {
        report.conflicts += result.conflicts;
        report.secrets.push(SecretReport {
            target: target_secret,
            outcome: match result.outcome {
                Some(ApplyOutcome::Configured) | Some(ApplyOutcome::Created) => "configured",
                Some(ApplyOutcome::Unchanged) => "unchanged",
                None => "deleted",
            },
        });
    }

    let active: Vec<RepoTarget> = plan
        .git_repositories
        .iter()
        .filter(|r| !r.suspended)
        .cloned()
        .collect();
    if active.is_empty() {
        return Ok(report);
    }
    progress(format!(
        "requesting reconciliation of {} GitRepository(ies)",
        active.len()
    ));
    request_reconcile(target, &active, &opts.requested_at).await?;
    if !opts.wait {
        set_states(&mut report, &active, RepoState::Requested, None);
        return Ok(report);
    }
    let states = wait_for_repositories(target, &active, opts, progress).await?;
    for (key, state, message) in states {
        if let Some(r) = report.git_repositories.iter_mut().find(|r| r.target.key == key) {
            r.state = state;
            r.message = message;
        }
    }
    let failures: Vec<String> = report
        .git_repositories
        .iter()
        .filter(|r| matches!(r.state, RepoState::Failed | RepoState::TimedOut))
        .map(|r| {
            let what = if r.state == RepoState::TimedOut {
                format!("not Ready after {}", humantime(opts.timeout))
            } else {
                "failed".to_string()
            };
            match &r.message {
                Some(m) => format!("GitRepository {} {what}: {m}", r.target.key),
                None => format!("GitRepository {} {what}", r.target.key),
            }
        })
        .collect();
    if failures.is_empty() {
        Ok(report)
    } else {
        Err(CredentialError::FetchFailed {
            written: plural(report.secrets.len(), "Secret"),
            failures: failures.join("; "),
        }
        .into())
    }
}

fn set_states(report: &mut ClusterRotation, repos: &[RepoTarget], state: RepoState, message: Option<String>) {
    for r in report.git_repositories.iter_mut() {
        if repos.iter().any(|a| a.key == r.target.key) {
            r.state = state;
            r.message = message.clone();
        }
    }
}

fn humantime(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Sets `reconcile.fluxcd.io/requestedAt` on each repository (a merge patch of one annotation, so
/// nothing else of the object is touched and no field ownership is taken over).
pub async fn request_reconcile(
    target: &KubeTarget,
    repos: &[RepoTarget],
    requested_at: &str,
) -> Result<(), KubeError> {
    let patch = json!({"metadata": {"annotations": {REQUESTED_AT_ANNOTATION: requested_at}}});
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    stream::iter(repos.iter())
        .map(|r| {
            let api = git_repository_api(target, Some(&r.key.namespace));
            let patch = &patch;
            let params = &params;
            async move {
                match api.patch(&r.key.name, params, &Patch::Merge(patch)).await {
                    Ok(_) => Ok(()),
                    // Deleted since it was listed: nothing to reconcile.
                    Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
                    Err(e) => {
                        Err(target.err(format!("request reconciliation of GitRepository {}", r.key), e))
                    }
                }
            }
        })
        .buffer_unordered(8)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}

/// Where a repository stands with respect to our reconcile request.
pub fn repo_progress(obj: &Value, requested_at: &str) -> (Option<RepoState>, Option<String>) {
    let handled = obj
        .pointer("/status/lastHandledReconcileAt")
        .and_then(Value::as_str)
        == Some(requested_at);
    let health = flux_health(obj);
    let message = health.message.clone();
    if !handled {
        return (
            None,
            Some(message.unwrap_or_else(|| "waiting for source-controller".into())),
        );
    }
    match health.state {
        State::Ready => (Some(RepoState::Ready), message),
        State::NotReady => {
            let text = match (&health.reason, message) {
                (Some(r), Some(m)) => Some(format!("{r}: {m}")),
                (Some(r), None) => Some(r.clone()),
                (None, m) => m,
            };
            (Some(RepoState::Failed), text)
        }
        _ => (None, message),
    }
}

type RepoOutcome = (ObjectKey, RepoState, Option<String>);

async fn wait_for_repositories(
    target: &KubeTarget,
    repos: &[RepoTarget],
    opts: &RotateOptions,
    progress: &(dyn Fn(String) + Send + Sync),
) -> Result<Vec<RepoOutcome>, KubeError> {
    let total = repos.len();
    let settled = std::sync::Mutex::new(Vec::<RepoOutcome>::new());
    let last_messages = std::sync::Mutex::new(std::collections::BTreeMap::<ObjectKey, String>::new());
    let failure = std::sync::Mutex::new(None::<KubeError>);
    let poll = || async {
        let pending: Vec<&RepoTarget> = {
            let done = settled
                .lock()
                .map(|s| s.iter().map(|(k, ..)| k.clone()).collect::<Vec<_>>());
            let done = done.unwrap_or_default();
            repos.iter().filter(|r| !done.contains(&r.key)).collect()
        };
        let results: Vec<Result<(ObjectKey, Option<Value>), KubeError>> = stream::iter(pending)
            .map(|r| async move {
                let api = git_repository_api(target, Some(&r.key.namespace));
                match api.get_opt(&r.key.name).await {
                    Ok(found) => Ok((
                        r.key.clone(),
                        found.map(|o| serde_json::to_value(o).unwrap_or(Value::Null)),
                    )),
                    Err(e) => Err(target.err(format!("get GitRepository {}", r.key), e)),
                }
            })
            .buffer_unordered(8)
            .collect()
            .await;
        for result in results {
            match result {
                Err(e) => {
                    if let Ok(mut f) = failure.lock() {
                        *f = Some(e);
                    }
                    return ControlFlow::Break(());
                }
                Ok((key, None)) => {
                    if let Ok(mut s) = settled.lock() {
                        s.push((key, RepoState::Failed, Some("deleted while waiting".into())));
                    }
                }
                Ok((key, Some(obj))) => {
                    let (state, message) = repo_progress(&obj, &opts.requested_at);
                    match state {
                        Some(state) => {
                            if let Ok(mut s) = settled.lock() {
                                s.push((key, state, message));
                            }
                        }
                        None => {
                            if let (Ok(mut m), Some(msg)) = (last_messages.lock(), message) {
                                m.insert(key, msg);
                            }
                        }
                    }
                }
            }
        }
        let ready = settled.lock().map(|s| s.len()).unwrap_or(0);
        if ready >= total {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(format!("waiting for GitRepositories: {ready}/{total} done"))
        }
    };
    let outcome = wait_until(opts.timeout, opts.interval, poll, |m| progress(m.to_string())).await;
    if let Some(e) = failure.lock().ok().and_then(|mut f| f.take()) {
        return Err(e);
    }
    let mut states = settled.into_inner().unwrap_or_default();
    if let WaitOutcome::TimedOut(_) = outcome {
        let messages = last_messages.into_inner().unwrap_or_default();
        for r in repos {
            if !states.iter().any(|(k, ..)| k == &r.key) {
                states.push((r.key.clone(), RepoState::TimedOut, messages.get(&r.key).cloned()));
            }
        }
    }
    Ok(states)
}

/// Waits until source-controller handled `opts.requested_at` on each repository and is Ready for
/// its current generation, or failed, or the timeout passed (what [`apply_plan`] waits for; used
/// on its own by `token migrate`, which writes Secrets and requests reconciliation in phases).
pub async fn wait_fetched(
    target: &KubeTarget,
    repos: &[RepoTarget],
    opts: &RotateOptions,
    progress: &(dyn Fn(String) + Send + Sync),
) -> Result<Vec<(ObjectKey, RepoState, Option<String>)>, KubeError> {
    wait_for_repositories(target, repos, opts, progress).await
}

/// The `spec.provider` each GitRepository declares now (`None`: not set, which Flux reads as
/// `generic`; a repository that is gone is left out).
pub async fn repo_providers(
    target: &KubeTarget,
    repos: &[ObjectKey],
) -> Result<BTreeMap<ObjectKey, Option<String>>, KubeError> {
    let mut out = BTreeMap::new();
    for key in repos {
        let api = git_repository_api(target, Some(&key.namespace));
        match api.get_opt(&key.name).await {
            Ok(Some(obj)) => {
                let provider = obj
                    .data
                    .pointer("/spec/provider")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.insert(key.clone(), provider);
            }
            Ok(None) => {}
            Err(e) => return Err(target.err(format!("get GitRepository {key}"), e)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(handled: Option<&str>, ready: &str, reason: &str, generation: i64, observed: i64) -> Value {
        json!({
            "metadata": {"name": "flux-system", "namespace": "flux-system", "generation": generation},
            "status": {
                "lastHandledReconcileAt": handled,
                "conditions": [{"type": "Ready", "status": ready, "reason": reason, "message": "m", "observedGeneration": observed}],
            }
        })
    }

    #[test]
    fn a_repository_is_done_only_once_it_handled_our_request_and_is_ready() {
        let at = "2026-05-01T10:00:00.123Z";
        assert_eq!(
            repo_progress(&repo(Some("2026-04-01T00:00:00Z"), "True", "Succeeded", 1, 1), at).0,
            None,
            "an earlier request does not count"
        );
        assert_eq!(
            repo_progress(&repo(Some(at), "True", "Succeeded", 1, 1), at).0,
            Some(RepoState::Ready)
        );
        assert_eq!(
            repo_progress(&repo(Some(at), "True", "Succeeded", 2, 1), at).0,
            None,
            "Ready for an older generation is not Ready"
        );
        let (state, message) = repo_progress(&repo(Some(at), "False", "AuthenticationFailed", 1, 1), at);
        assert_eq!(state, Some(RepoState::Failed));
        assert_eq!(message.as_deref(), Some("AuthenticationFailed: m"));
    }

    #[test]
    fn secrets_applied_by_a_kustomization_are_flagged_unless_create_only() {
        let labels = std::collections::BTreeMap::from([
            (
                "kustomize.toolkit.fluxcd.io/name".to_string(),
                "secrets".to_string(),
            ),
            (
                "kustomize.toolkit.fluxcd.io/namespace".to_string(),
                "flux-system".to_string(),
            ),
        ]);
        assert_eq!(
            reverting_kustomization(Some(&labels), None).as_deref(),
            Some("flux-system/secrets")
        );
        let create_only = std::collections::BTreeMap::from([(
            "kustomize.toolkit.fluxcd.io/ssa".to_string(),
            "IfNotPresent".to_string(),
        )]);
        assert_eq!(reverting_kustomization(Some(&labels), Some(&create_only)), None);
        assert_eq!(reverting_kustomization(None, None), None);
    }

    fn secret_meta(
        ns: &str,
        name: &str,
        annotation: Option<&str>,
        labels: &[(&str, &str)],
    ) -> PartialObjectMeta<Secret> {
        let mut m = PartialObjectMeta::<Secret>::default();
        m.metadata.namespace = Some(ns.into());
        m.metadata.name = Some(name.into());
        m.metadata.annotations = annotation
            .map(|c| std::collections::BTreeMap::from([(CREDENTIAL_ANNOTATION.to_string(), c.to_string())]));
        m.metadata.labels = (!labels.is_empty()).then(|| {
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        });
        m
    }

    fn trust() -> TrustRoot {
        TrustRoot {
            flux_namespace: "flux-system".into(),
            referenced: BTreeSet::from(["flux-system".to_string()]),
            tenant_of: BTreeMap::from([
                ("backend".to_string(), "apps".to_string()),
                ("frontend".to_string(), "apps".to_string()),
                ("billing".to_string(), "finance".to_string()),
            ]),
        }
    }

    #[test]
    fn the_targets_are_what_the_fleet_declares_and_every_other_claim_is_suspicious() {
        const FROM: &str = PROPAGATED_FROM_LABEL;
        let metas = [
            // Declared: the sync Secret (read by the GitRepository), the tenant's Secret, and its
            // copies in the tenant's namespaces (one lost its annotation).
            secret_meta("flux-system", "flux-system", Some("bot"), &[]),
            secret_meta("flux-system", "flux-apps", Some("bot"), &[(TENANT_LABEL, "apps")]),
            secret_meta(
                "backend",
                "flux-apps",
                Some("bot"),
                &[(FROM, "flux-system.flux-apps")],
            ),
            secret_meta("frontend", "flux-apps", None, &[(FROM, "flux-system.flux-apps")]),
            // Not this credential's, or claiming nothing: ignored.
            secret_meta("flux-system", "other", Some("other-bot"), &[]),
            secret_meta("flux-system", "plain", None, &[]),
            secret_meta("backend", "unrelated-copy", None, &[(FROM, "flux-system.other")]),
            // Claims that the trust root does not back.
            secret_meta("backend", "loot", None, &[(FROM, "flux-system.flux-system")]),
            secret_meta("backend", "loot-annotated", Some("bot"), &[]),
            secret_meta("misc", "loot", None, &[(FROM, "flux-system.flux-system")]),
            secret_meta(
                "billing",
                "flux-apps",
                Some("bot"),
                &[(FROM, "flux-system.flux-apps")],
            ),
            secret_meta("misc", "flux-apps", None, &[(FROM, "flux-system.flux-apps")]),
            secret_meta("backend", "renamed", None, &[(FROM, "flux-system.flux-apps")]),
            secret_meta(
                "backend",
                "elsewhere",
                Some("bot"),
                &[(FROM, "backend.loot-annotated")],
            ),
            secret_meta("flux-system", "stray", Some("bot"), &[]),
        ];
        let selection = target_secrets("bot", &trust(), &metas);
        let keys: Vec<String> = selection.secrets.iter().map(|s| s.key.to_string()).collect();
        assert_eq!(
            keys,
            [
                "backend/flux-apps",
                "flux-system/flux-apps",
                "flux-system/flux-system",
                "frontend/flux-apps"
            ]
        );
        let suspicious: Vec<(String, &str)> = selection
            .suspicious
            .iter()
            .map(|s| (s.key.to_string(), s.reason.as_str()))
            .collect();
        let reason = |key: &str| {
            suspicious
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, r)| *r)
                .unwrap_or_else(|| panic!("{key} is not suspicious: {suspicious:?}"))
        };
        assert_eq!(suspicious.len(), 8, "{suspicious:?}");
        assert!(reason("backend/loot").contains("flux-system/flux-system, which belongs to no tenant"));
        assert!(reason("misc/loot").contains("belongs to no tenant"));
        assert!(reason("backend/loot-annotated").contains("not a copy of a tenant's Secret"));
        assert!(reason("billing/flux-apps").contains("which belongs to tenant finance"));
        assert!(
            reason("misc/flux-apps")
                .contains("which belongs to no tenant (no toolkit.fluxcd.io/tenant label)")
        );
        assert!(reason("backend/renamed").contains("under another name"));
        assert!(reason("backend/elsewhere").contains("not in the Flux namespace flux-system"));
        assert!(
            reason("flux-system/stray").contains("no Flux object in the Flux namespace flux-system reads it")
        );
        assert!(target_secrets("nobody", &trust(), &metas).secrets.is_empty());
        // Under another trust root the same Secrets are all suspicious: nothing in `misc` is
        // declared by anyone.
        let elsewhere = TrustRoot {
            flux_namespace: "misc".into(),
            ..trust()
        };
        assert!(target_secrets("bot", &elsewhere, &metas).secrets.is_empty());
    }

    #[test]
    fn error_chains_do_not_repeat_themselves() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] std::io::Error);
        let e = Outer(std::io::Error::other("inner"));
        assert_eq!(crate::error::error_chain(&e), "outer: inner");
    }
}
