//! One cluster's Flux objects, read for `status`: every Flux kind listed once, cluster-wide, all
//! at once over one HTTP/2 connection (the tree's client), each response decoded while it streams
//! (the tree's [`ItemSplitter`]) into the few fields `status` reads. No request depends on
//! another, so a cluster costs one round trip whatever it holds, and one request per kind: no
//! object is ever fetched on its own.
//!
//! Besides the Flux kinds, two small requests in the same round find the versions: the Flux
//! namespace (its `app.kubernetes.io/version` label, how classic installs record the version) and
//! the flux-operator Deployments (their version label), for clusters without a `FluxReport`.

use std::{
    borrow::Cow,
    collections::BTreeMap,
    sync::atomic::{AtomicUsize, Ordering},
};

use futures::future::join_all;
use http_body_util::BodyExt;
use kube::{
    Resource,
    api::{ApiResource, DynamicObject, ListParams},
    core::{Request, Status},
};
use serde::Deserialize;
use serde_json::{Map, Value, value::RawValue};

use crate::{
    kube::{KnownKind, KubeError, KubeTarget, known_kinds},
    status::{self, Health},
    tree::{
        GroupKind, Keep,
        decode::{ItemSplitter, Picked, ReconcileAnnotation, decode_item, null_as_empty},
        plan::PAGE_SIZE,
        snapshot::ObjInfo,
    },
};

/// Where Flux runs (and where the operator writes its `FluxReport`).
pub use crate::repo::layout::DEFAULT_FLUX_NAMESPACE as FLUX_NAMESPACE;

/// A Flux object, reduced to what `status` shows and compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FluxObject {
    /// Kind (one of the Flux kinds of [`known_kinds`]).
    pub kind: &'static str,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Health, judged by `crate::status` with the kind's own rules.
    pub health: Health,
    /// When the deciding condition last changed (RFC 3339).
    pub since: Option<String>,
    /// Last applied or fetched revision.
    pub revision: Option<String>,
    /// A HelmRelease's chart: its name and the version of the latest release.
    pub chart: Option<Chart>,
    /// A source's URL.
    pub url: Option<String>,
    /// The Flux version a FluxInstance applied or a FluxReport reports.
    pub flux_version: Option<String>,
    /// The operator version a FluxReport reports.
    pub operator_version: Option<String>,
    /// Whether a Flux controller applied this object (it carries the labels kustomize-controller,
    /// helm-controller or flux-operator put on what they apply): such objects are walked from
    /// their parent, not as roots of their own.
    pub applied_by_flux: bool,
}

/// A Helm chart and version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Chart {
    /// Chart name.
    pub name: String,
    /// Chart version.
    pub version: String,
}

/// How listing one kind went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Listed: this many objects.
    Listed(usize),
    /// The kind is not served (its CRD is not installed).
    NotServed,
    /// RBAC denied the cluster-wide LIST: the counts of this kind are missing.
    Forbidden(String),
    /// Any other failure.
    Failed(String),
}

/// One cluster's Flux objects and versions.
#[derive(Clone, Debug, Default)]
pub struct Survey {
    /// Flux version (FluxReport, else FluxInstance, else the Flux namespace's version label).
    pub flux_version: Option<String>,
    /// Flux Operator version (FluxReport, else the flux-operator Deployment).
    pub operator_version: Option<String>,
    /// Every Flux object, kind by kind in the table's order, then by namespace and name.
    pub objects: Vec<FluxObject>,
    /// How each Flux kind was listed, in the table's order.
    pub kinds: Vec<(&'static str, Listing)>,
    /// Requests sent.
    pub requests: usize,
    /// The resourceVersion each listed kind was read at (what a WATCH continues from).
    pub resource_versions: BTreeMap<&'static str, String>,
    /// Every Flux object as the tree decodes it (inventory, drift), when the survey was asked for
    /// them ([`survey_with`]): drift reads what Flux applied from these inventories, and the drift
    /// of the Flux objects in them, without listing the Flux kinds again.
    pub applied: Vec<Applied>,
}

/// A Flux object as the tree's decoder reduces it, with its drift.
#[derive(Clone, Debug)]
pub struct Applied {
    /// Its kind.
    pub kind: &'static KnownKind,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Inventory, drift (judged from its managedFields while decoding) and the rest of what the
    /// tree keeps.
    pub info: ObjInfo,
}

impl Survey {
    /// Lines about what could not be read (the counts of those kinds are missing or low).
    pub fn warnings(&self) -> Vec<String> {
        self.kinds
            .iter()
            .filter_map(|(kind, listing)| match listing {
                Listing::Forbidden(m) => Some(format!("cannot list {kind} objects (forbidden): {m}")),
                Listing::Failed(m) => Some(format!("cannot list {kind} objects: {m}")),
                _ => None,
            })
            .collect()
    }
}

/// The Flux kinds a survey lists, in the order of the suite's kind table.
pub fn flux_kinds() -> impl Iterator<Item = &'static KnownKind> {
    known_kinds().iter().filter(|k| k.is_flux())
}

/// Lists every Flux kind on one cluster (plus the two version requests), concurrently.
pub async fn survey(target: &KubeTarget) -> Result<Survey, KubeError> {
    survey_with(target, false).await
}

/// [`survey`], keeping every Flux object's inventory and drift too when `applied` (for
/// drift): the same requests, each object decoded a second time.
pub async fn survey_with(target: &KubeTarget, applied: bool) -> Result<Survey, KubeError> {
    let lists = join_all(flux_kinds().map(|k| list_kind(target, k, applied)));
    let namespace_path = format!("/api/v1/namespaces/{FLUX_NAMESPACE}");
    let namespace = get_json(target, &namespace_path);
    let operators = get_json(
        target,
        "/apis/apps/v1/deployments?labelSelector=app.kubernetes.io%2Fname%3Dflux-operator",
    );
    let (lists, namespace, operators) = futures::join!(lists, namespace, operators);
    let mut out = Survey {
        requests: 2,
        ..Survey::default()
    };
    let mut unreachable = None;
    for (kind, result) in lists {
        out.requests += 1;
        let listing = match result {
            Ok((mut objects, rv, mut applied)) => {
                objects.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
                applied.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
                let n = objects.len();
                out.objects.extend(objects);
                out.applied.extend(applied);
                if let Some(rv) = rv {
                    out.resource_versions.insert(kind.kind, rv);
                }
                Listing::Listed(n)
            }
            Err(e) => match classify(target, kind, e) {
                Classified::Unreachable(e) => {
                    unreachable.get_or_insert(e);
                    Listing::Failed("unreachable".into())
                }
                Classified::Listing(l) => l,
            },
        };
        out.kinds.push((kind.kind, listing));
    }
    if let Some(e) = unreachable
        && out.kinds.iter().all(|(_, l)| !matches!(l, Listing::Listed(_)))
    {
        return Err(e);
    }
    let report = pick(&out.objects, "FluxReport");
    let instance = pick(&out.objects, "FluxInstance");
    out.flux_version = report
        .and_then(|r| r.flux_version.clone())
        .or_else(|| instance.and_then(|i| i.flux_version.clone()))
        .or_else(|| namespace.ok().flatten().and_then(|ns| label_version(&ns)));
    out.operator_version = report.and_then(|r| r.operator_version.clone()).or_else(|| {
        let list = operators.ok().flatten()?;
        let mut items: Vec<&Value> = list.get("items")?.as_array()?.iter().collect();
        // Prefer the operator in the Flux namespace when there are several.
        items.sort_by_key(|d| {
            d.pointer("/metadata/namespace").and_then(Value::as_str) != Some(FLUX_NAMESPACE)
        });
        items
            .first()
            .and_then(|d| crate::bootstrap::operator::deployment_version(d))
    });
    Ok(out)
}

/// The object of a kind in the Flux namespace, else the first one.
fn pick<'a>(objects: &'a [FluxObject], kind: &str) -> Option<&'a FluxObject> {
    let mut of_kind = objects.iter().filter(|o| o.kind == kind);
    let first = of_kind.clone().next();
    of_kind.find(|o| o.namespace == FLUX_NAMESPACE).or(first)
}

fn label_version(obj: &Value) -> Option<String> {
    let v = obj
        .pointer("/metadata/labels/app.kubernetes.io~1version")?
        .as_str()?;
    (!v.is_empty()).then(|| with_v(v))
}

/// `v0.58.1`: the operator reports its own version without the `v` its Deployment label and the
/// Flux distribution carry; one spelling, so the same version is never skew.
fn with_v(v: &str) -> String {
    if v.starts_with('v') {
        v.to_string()
    } else {
        format!("v{v}")
    }
}

enum Classified {
    Unreachable(KubeError),
    Listing(Listing),
}

fn classify(target: &KubeTarget, kind: &KnownKind, e: kube::Error) -> Classified {
    let e = target.err(format!("list {}", kind.plural), e);
    match &e {
        KubeError::Unreachable { .. } => Classified::Unreachable(e),
        KubeError::Api { code: 404, .. } => Classified::Listing(Listing::NotServed),
        KubeError::Api {
            code: 403, message, ..
        } => Classified::Listing(Listing::Forbidden(message.clone())),
        other => Classified::Listing(Listing::Failed(crate::error::error_chain(other))),
    }
}

/// GETs a small JSON document; `None` when it does not exist or cannot be read (versions are
/// best effort).
async fn get_json(target: &KubeTarget, path: &str) -> Result<Option<Value>, kube::Error> {
    let request = http::Request::get(path)
        .body(Vec::new())
        .map_err(kube::Error::HttpError)?;
    let response = target.client.send(request.map(kube::client::Body::from)).await?;
    if !response.status().is_success() {
        return Ok(None);
    }
    let bytes = response.into_body().collect_bytes().await?;
    Ok(serde_json::from_slice(&bytes).ok())
}

type Listed = (Vec<FluxObject>, Option<String>, Vec<Applied>);

async fn list_kind(
    target: &KubeTarget,
    kind: &'static KnownKind,
    keep_applied: bool,
) -> (&'static KnownKind, Result<Listed, kube::Error>) {
    let resource = kind.api_resource();
    let gk = GroupKind::new(kind.group, kind.kind);
    let keep = Keep { drift: true };
    let mut objects = Vec::new();
    let mut applied = Vec::new();
    // Malformed inventory entries are the tree's to report; drift skips them.
    let mut ignored = Vec::new();
    let result = list_items(target, &resource, |bytes| {
        if let Ok(item) = serde_json::from_slice::<Item<'_>>(bytes) {
            objects.push(item.reduce(kind.kind));
        }
        if keep_applied && let Ok((namespace, name, info)) = decode_item(&gk, bytes, keep, &mut ignored) {
            applied.push(Applied {
                kind,
                namespace,
                name,
                info,
            });
        }
    })
    .await;
    (kind, result.map(|rv| (objects, rv, applied)))
}

/// Lists a kind cluster-wide, page by page, calling `each` with the bytes of every object as the
/// response streams in; returns the list's resourceVersion.
pub async fn list_items(
    target: &KubeTarget,
    resource: &ApiResource,
    mut each: impl FnMut(&[u8]),
) -> Result<Option<String>, kube::Error> {
    let pages = AtomicUsize::new(0);
    list_pages(
        target,
        resource,
        None,
        false,
        |bytes| {
            each(bytes);
            true
        },
        &pages,
    )
    .await
}

/// Lists a kind (in `namespace`, else cluster-wide; `metadata_only`: as PartialObjectMetadata),
/// page by page, calling `each` with the bytes of every object as the response streams in; no
/// page is held whole. Stops after the page where `each` returned `false` (it has all it
/// wanted). Counts the requests sent in `pages`. Returns the list's resourceVersion.
pub async fn list_pages(
    target: &KubeTarget,
    resource: &ApiResource,
    namespace: Option<&str>,
    metadata_only: bool,
    mut each: impl FnMut(&[u8]) -> bool,
    pages: &AtomicUsize,
) -> Result<Option<String>, kube::Error> {
    let mut token: Option<String> = None;
    loop {
        pages.fetch_add(1, Ordering::Relaxed);
        let mut lp = ListParams::default().limit(PAGE_SIZE);
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        let request = Request::new(DynamicObject::url_path(resource, namespace));
        let request = if metadata_only {
            request.list_metadata(&lp)
        } else {
            request.list(&lp)
        }
        .map_err(kube::Error::BuildRequest)?;
        let response = target.client.send(request.map(kube::client::Body::from)).await?;
        let status = response.status();
        let mut body = response.into_body();
        if !status.is_success() {
            let bytes = body.collect_bytes().await?;
            return Err(api_error(status, &bytes));
        }
        let mut splitter = ItemSplitter::default();
        let mut more = true;
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame?.into_data() {
                splitter.feed(&data, |item| more &= each(item));
            }
        }
        if !splitter.complete() {
            return Err(kube::Error::Service("the LIST response ended early".into()));
        }
        match splitter.continue_token() {
            Some(t) if more => token = Some(t),
            _ => return Ok(splitter.resource_version()),
        }
    }
}

/// An error status as `kube::Error::Api`, with the apiserver's Status when it sent one.
fn api_error(status: http::StatusCode, body: &[u8]) -> kube::Error {
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
    kube::Error::Api(status.boxed())
}

/// One Flux object, with only the fields `status` reads; every field of an unexpected shape
/// counts as absent (a custom resource never fails the whole LIST).
#[derive(Debug, Default, Deserialize)]
struct Item<'a> {
    #[serde(default, borrow)]
    metadata: Meta<'a>,
    #[serde(default, borrow)]
    spec: Option<Spec<'a>>,
    #[serde(default, borrow)]
    status: Option<St<'a>>,
}

#[derive(Debug, Default, Deserialize)]
struct Meta<'a> {
    #[serde(default, borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    namespace: Option<Cow<'a, str>>,
    #[serde(default)]
    generation: Option<Value>,
    #[serde(default)]
    annotations: Picked<ReconcileAnnotation>,
    #[serde(default)]
    labels: Option<FluxLabels>,
}

/// The labels Flux controllers put on what they apply.
#[derive(Debug, Default, Deserialize)]
struct FluxLabels {
    #[serde(default, rename = "kustomize.toolkit.fluxcd.io/name")]
    kustomization: Option<Value>,
    #[serde(default, rename = "helm.toolkit.fluxcd.io/name")]
    helm_release: Option<Value>,
    #[serde(default, rename = "fluxcd.controlplane.io/name")]
    operator: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
struct Spec<'a> {
    #[serde(default)]
    suspend: Option<Value>,
    /// HelmRepository `spec.type` (`oci`).
    #[serde(default, rename = "type")]
    type_: Option<Value>,
    /// Sources.
    #[serde(default)]
    url: Option<Value>,
    /// HelmRelease `spec.chart` (its template's chart name).
    #[serde(default, borrow)]
    chart: Option<&'a RawValue>,
    /// FluxInstance and FluxReport `spec.distribution`.
    #[serde(default, borrow)]
    distribution: Option<&'a RawValue>,
    /// FluxReport `spec.operator`.
    #[serde(default, borrow)]
    operator: Option<&'a RawValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct St<'a> {
    #[serde(default)]
    conditions: Option<Value>,
    #[serde(default)]
    observed_generation: Option<Value>,
    #[serde(default)]
    last_applied_revision: Option<Value>,
    #[serde(default)]
    last_attempted_revision: Option<Value>,
    #[serde(default, borrow)]
    artifact: Option<&'a RawValue>,
    #[serde(default, borrow)]
    history: Option<&'a RawValue>,
}

fn lenient<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    serde_json::from_str(raw?.get()).ok()
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[derive(Deserialize)]
struct Versioned {
    #[serde(default)]
    version: Option<Value>,
}

#[derive(Deserialize)]
struct ChartTemplate {
    #[serde(default)]
    spec: Option<ChartSpec>,
}

#[derive(Deserialize)]
struct ChartSpec {
    #[serde(default)]
    chart: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    #[serde(default)]
    chart_name: Option<Value>,
    #[serde(default)]
    chart_version: Option<Value>,
}

#[derive(Deserialize)]
struct Artifact {
    #[serde(default)]
    revision: Option<Value>,
}

#[derive(Deserialize)]
struct HistoryList(#[serde(deserialize_with = "null_as_empty")] Vec<Snapshot>);

impl Item<'_> {
    fn reduce(self, kind: &'static str) -> FluxObject {
        let Item {
            metadata,
            spec,
            status,
        } = self;
        let spec = spec.unwrap_or_default();
        let st = status.unwrap_or_default();
        // The object as crate::status reads it, rebuilt from the fields kept.
        let applied_by_flux = metadata
            .labels
            .as_ref()
            .is_some_and(|l| l.kustomization.is_some() || l.helm_release.is_some() || l.operator.is_some());
        let mut meta = Map::new();
        if let Some(g) = metadata.generation {
            meta.insert("generation".into(), g);
        }
        if let Some(v) = metadata.annotations.0.0 {
            let mut a = Map::new();
            a.insert("fluxcd.controlplane.io/reconcile".into(), Value::String(v));
            meta.insert("annotations".into(), Value::Object(a));
        }
        let mut sp = Map::new();
        for (k, v) in [("suspend", spec.suspend), ("type", spec.type_)] {
            if let Some(v) = v {
                sp.insert(k.into(), v);
            }
        }
        let mut s = Map::new();
        let artifact_revision = lenient::<Artifact>(st.artifact).and_then(|a| a.revision);
        let applied = st.last_applied_revision.clone();
        let attempted = st.last_attempted_revision.clone();
        for (k, v) in [
            ("conditions", st.conditions),
            ("observedGeneration", st.observed_generation),
            ("lastAppliedRevision", st.last_applied_revision),
            ("lastAttemptedRevision", st.last_attempted_revision),
        ] {
            if let Some(v) = v {
                s.insert(k.into(), v);
            }
        }
        if let Some(rev) = &artifact_revision {
            let mut a = Map::new();
            a.insert("revision".into(), rev.clone());
            s.insert("artifact".into(), Value::Object(a));
        }
        let mut obj = Map::new();
        obj.insert("metadata".into(), Value::Object(meta));
        obj.insert("spec".into(), Value::Object(sp));
        obj.insert("status".into(), Value::Object(s));
        let obj = Value::Object(obj);
        let health = status::flux_kind_health(kind, &obj);
        let since = status::state_since(&obj).map(str::to_string);
        let revision = status::revision(&obj).map(str::to_string);

        let chart = (kind == "HelmRelease")
            .then(|| {
                let latest = lenient::<HistoryList>(st.history).and_then(|h| h.0.into_iter().next());
                let (name, version) = match latest {
                    Some(s) => (string(s.chart_name.as_ref()), string(s.chart_version.as_ref())),
                    None => (None, None),
                };
                let name = name.or_else(|| {
                    lenient::<ChartTemplate>(spec.chart)
                        .and_then(|c| c.spec)
                        .and_then(|s| string(s.chart.as_ref()))
                })?;
                // helm-controller records the chart version it last attempted here.
                let version = version.or_else(|| string(attempted.as_ref()))?;
                Some(Chart { name, version })
            })
            .flatten();
        let distribution = lenient::<Versioned>(spec.distribution).and_then(|d| string(d.version.as_ref()));
        let flux_version = match kind {
            // `v2.9.4@sha256:…`: the version the instance last applied, not the `2.x` it asks for.
            "FluxInstance" => string(applied.as_ref())
                .and_then(|r| r.split('@').next().map(str::to_string))
                .filter(|v| !v.is_empty())
                .or(distribution),
            "FluxReport" => distribution,
            _ => None,
        }
        .map(|v| with_v(&v));
        let operator_version = (kind == "FluxReport")
            .then(|| lenient::<Versioned>(spec.operator).and_then(|o| string(o.version.as_ref())))
            .flatten()
            .map(|v| with_v(&v));
        FluxObject {
            kind,
            namespace: metadata.namespace.as_deref().unwrap_or_default().to_string(),
            name: metadata.name.to_string(),
            health,
            since,
            revision,
            chart,
            url: string(spec.url.as_ref()),
            flux_version,
            operator_version,
            applied_by_flux,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::status::State;

    fn reduce(kind: &'static str, v: Value) -> FluxObject {
        let bytes = serde_json::to_vec(&v).expect("serializes");
        serde_json::from_slice::<Item<'_>>(&bytes)
            .expect("decodes")
            .reduce(kind)
    }

    #[test]
    fn reduces_helm_releases_to_their_chart() {
        let hr = reduce(
            "HelmRelease",
            json!({"metadata": {"name": "podinfo", "namespace": "apps", "generation": 2},
                   "spec": {"chart": {"spec": {"chart": "podinfo", "version": "6.x"}}},
                   "status": {"observedGeneration": 2, "lastAttemptedRevision": "6.7.1",
                              "history": [{"chartName": "podinfo", "chartVersion": "6.7.0"}, {"chartName": "podinfo", "chartVersion": "6.6.0"}],
                              "conditions": [{"type": "Ready", "status": "False", "reason": "UpgradeFailed",
                                              "message": "boom", "observedGeneration": 2, "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}),
        );
        assert_eq!(
            hr.chart,
            Some(Chart {
                name: "podinfo".into(),
                version: "6.7.0".into()
            })
        );
        assert_eq!(hr.health.state, State::NotReady);
        assert_eq!(hr.since.as_deref(), Some("2026-01-01T00:00:00Z"));
        let fresh = reduce(
            "HelmRelease",
            json!({"metadata": {"name": "p"}, "spec": {"chart": {"spec": {"chart": "redis"}}},
                   "status": {"lastAttemptedRevision": "19.0.1"}}),
        );
        assert_eq!(
            fresh.chart.map(|c| format!("{}@{}", c.name, c.version)),
            Some("redis@19.0.1".into())
        );
    }

    #[test]
    fn reads_versions_from_the_operator_objects() {
        let report = reduce(
            "FluxReport",
            json!({"metadata": {"name": "flux", "namespace": "flux-system", "generation": 9},
                   "spec": {"distribution": {"version": "v2.9.4", "status": "Installed"}, "operator": {"version": "0.58.1"}},
                   "status": {"conditions": [{"type": "Ready", "status": "True", "observedGeneration": 8}]}}),
        );
        assert_eq!(report.flux_version.as_deref(), Some("v2.9.4"));
        assert_eq!(report.operator_version.as_deref(), Some("v0.58.1"));
        assert_eq!(
            report.health.state,
            State::Ready,
            "one generation behind is normal"
        );
        let instance = reduce(
            "FluxInstance",
            json!({"metadata": {"name": "flux"}, "spec": {"distribution": {"version": "2.x"}},
                   "status": {"lastAppliedRevision": "v2.8.1@sha256:abc"}}),
        );
        assert_eq!(instance.flux_version.as_deref(), Some("v2.8.1"));
        let source = reduce(
            "GitRepository",
            json!({"metadata": {"name": "flux-system"}, "spec": {"url": "https://git/fleet", "ref": {"branch": "main"}},
                   "status": {"artifact": {"revision": "main@sha1:abc", "size": 10}}}),
        );
        assert_eq!(source.url.as_deref(), Some("https://git/fleet"));
        assert_eq!(source.revision.as_deref(), Some("main@sha1:abc"));
    }

    #[test]
    fn odd_shapes_count_as_absent() {
        let odd = reduce(
            "HelmRelease",
            json!({"metadata": {"name": "x", "annotations": null},
                   "spec": {"chart": "not an object", "distribution": 3},
                   "status": {"history": {"not": "a list"}, "artifact": [1]}}),
        );
        assert_eq!(odd.chart, None);
        assert_eq!(odd.health.state, State::Progressing);
    }
}
