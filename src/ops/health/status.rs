//! `kubectl fleet status`: the health of the fleet on one screen.
//!
//! Every selected cluster is surveyed at once ([`super::survey`]: one LIST per Flux kind, in one
//! round trip), then the surveys are compared ([`super::skew`]). The outcome is plain data: the
//! CLI prints it as tables or as the `FleetStatus` document below.
//!
//! # The `FleetStatus` document (`-o json`, `-o yaml`)
//!
//! Stable within `apiVersion: kubectl-fleet.dev/v1`: fields are only ever added.
//!
//! ```yaml
//! apiVersion: kubectl-fleet.dev/v1
//! kind: FleetStatus
//! clusters:                          # in the order the contexts were given
//! - context: staging
//!   reachable: true
//!   fluxVersion: v2.9.4              # absent when unknown
//!   operatorVersion: v0.58.1         # absent when there is no operator
//!   kinds:                           # every Flux kind with objects, as `flux stats` counts
//!     Kustomization: {ready: 11, failing: 1, suspended: 0, progressing: 0}
//!   totals: {ready: 20, failing: 1, suspended: 0, progressing: 0}
//!   failing:                         # every failing Flux object
//!   - {kind: Kustomization, namespace: apps, name: frontend, status: NotReady,
//!      reason: BuildFailed, message: "kustomize build failed: …", since: "2026-…Z",
//!      revision: "main@sha1:…"}
//!   drifted: 1                       # objects changed outside Flux (see below)
//!   drift:                           # each of them, with who changed which fields
//!   - {kind: Deployment, namespace: apps, name: web, owner: Kustomization/apps/frontend,
//!      changes: [{manager: kubectl-edit, fields: [spec.replicas]}]}
//!   warnings: []                     # kinds that could not be listed (their counts are missing)
//! - context: prod-us
//!   reachable: false
//!   error: "cluster 'prod-us' is unreachable at https://…"
//! skew:                              # what differs between clusters running the same thing
//!   flux: [{value: v2.9.4, clusters: [staging]}, {value: v2.8.1, clusters: [prod-eu]}]
//!   operator: []
//!   helmReleases: [{kind: HelmRelease, namespace: apps, name: podinfo, detail: podinfo,
//!                   variants: [{value: 6.7.0, clusters: [staging]}, …]}]
//!   sources: [{kind: GitRepository, namespace: flux-system, name: flux-system,
//!              detail: "https://…", variants: [{value: "main@sha1:…", clusters: […]}, …]}]
//! summary: {clusters: 3, unreachable: 1, failing: 1, drifted: 1, skewed: 2}
//! ```
//!
//! # Exit code
//!
//! 0 when every cluster could be read and nothing fails; 1 when a cluster could not be read or a
//! Flux object fails; with `--exit-code`, drift and skew also exit 1 (everything the screen
//! flags); 2 for usage errors.

use kube::api::ApiResource;
use serde::Serialize;

use super::{
    drift::{DriftOptions, DriftedObject},
    skew::{Skew, skew},
    survey::{FluxObject, Survey, survey_with},
};
use crate::{
    error::{ExitStatus, Result},
    kube::{ClientOptions, LoadedKubeconfig},
    ops::{Runner, TargetReport},
    output::{Reporter, plural},
    status::KindCounts,
    tree::GroupKind,
};

/// What `status` reads.
pub struct StatusRequest {
    /// The kubeconfig.
    pub kubeconfig: LoadedKubeconfig,
    /// The contexts, in order.
    pub contexts: Vec<String>,
    /// Client timeouts.
    pub client: ClientOptions,
    /// Drift detection (listing what Flux applied, with its managedFields).
    pub drift: DriftOptions,
}

/// The health of one cluster.
#[derive(Clone, Debug)]
pub struct ClusterStatus {
    /// The Flux objects and versions.
    pub survey: Survey,
    /// Counts per Flux kind (kinds with objects), in the kind table's order.
    pub kinds: Vec<(&'static str, KindCounts)>,
    /// Counts over every kind.
    pub totals: KindCounts,
    /// Objects changed outside Flux, when drift was computed.
    pub drift: Option<Vec<DriftedObject>>,
    /// The kinds drift read (besides Flux's), for `--watch` to watch.
    pub drift_kinds: Vec<(GroupKind, ApiResource)>,
    /// What could not be read.
    pub warnings: Vec<String>,
}

impl ClusterStatus {
    /// Counts a survey.
    pub fn of(survey: Survey, drift: Option<Vec<DriftedObject>>, mut warnings: Vec<String>) -> Self {
        let mut kinds: Vec<(&'static str, KindCounts)> = Vec::new();
        let mut totals = KindCounts::default();
        for o in &survey.objects {
            let counts = match kinds.iter_mut().find(|(k, _)| *k == o.kind) {
                Some((_, c)) => c,
                None => {
                    kinds.push((o.kind, KindCounts::default()));
                    &mut kinds.last_mut().expect("just pushed").1
                }
            };
            counts.add(o.health.state);
            totals.add(o.health.state);
        }
        let mut all = survey.warnings();
        all.append(&mut warnings);
        ClusterStatus {
            survey,
            kinds,
            totals,
            drift,
            drift_kinds: Vec::new(),
            warnings: all,
        }
    }

    /// The failing Flux objects.
    pub fn failing(&self) -> impl Iterator<Item = &FluxObject> {
        self.survey.objects.iter().filter(|o| o.health.state.is_failing())
    }

    /// How many objects drifted (0 when drift was not computed).
    pub fn drifted(&self) -> usize {
        self.drift.as_ref().map_or(0, Vec::len)
    }
}

/// The fleet's health.
#[derive(Debug)]
pub struct StatusOutcome {
    /// One report per cluster, in the order given.
    pub reports: Vec<TargetReport<ClusterStatus>>,
    /// What differs between the clusters that could be read.
    pub skew: Skew,
}

impl StatusOutcome {
    /// Failing Flux objects over the fleet.
    pub fn failing(&self) -> usize {
        self.reports
            .iter()
            .filter_map(TargetReport::ok)
            .map(|c| c.totals.failing)
            .sum()
    }

    /// Objects changed outside Flux over the fleet.
    pub fn drifted(&self) -> usize {
        self.reports
            .iter()
            .filter_map(TargetReport::ok)
            .map(ClusterStatus::drifted)
            .sum()
    }

    /// Clusters that could not be read.
    pub fn unreachable(&self) -> usize {
        self.reports.iter().filter(|r| r.is_failed()).count()
    }

    /// 1 when a cluster could not be read or an object fails; with `strict` (`--exit-code`) also
    /// on drift and skew.
    pub fn exit_status(&self, strict: bool) -> ExitStatus {
        let flagged = self.unreachable() > 0
            || self.failing() > 0
            || (strict && (self.drifted() > 0 || !self.skew.is_empty()));
        if flagged {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    /// The `FleetStatus` document (see the module doc).
    pub fn document(&self, with_drift: bool) -> FleetStatus<'_> {
        FleetStatus {
            clusters: self
                .reports
                .iter()
                .map(|r| ClusterDoc::of(r, with_drift))
                .collect(),
            skew: &self.skew,
            summary: Summary {
                clusters: self.reports.len(),
                unreachable: self.unreachable(),
                failing: self.failing(),
                drifted: self.drifted(),
                skewed: self.skew.count(),
            },
        }
    }
}

/// Reads every cluster, then compares them.
pub async fn status(req: StatusRequest, reporter: &dyn Reporter) -> Result<StatusOutcome> {
    let mut items = Vec::with_capacity(req.contexts.len());
    for context in &req.contexts {
        // HTTP/2: every request of a cluster shares one connection.
        let target = req.kubeconfig.target_multiplexed(context, req.client).await?;
        items.push((context.clone(), target));
    }
    // Every cluster at once: a cluster costs one round trip, so the fleet costs about one too.
    let concurrency = items.len().max(1);
    let drift = req.drift.clone();
    let reports = Runner::new(reporter, concurrency)
        .spawn(
            items,
            |target, step| {
                let drift = drift.clone();
                async move {
                    step.set("listing Flux objects");
                    let mut survey = survey_with(&target, drift.enabled).await?;
                    let (found, warnings, kinds) = if drift.enabled {
                        step.set("reading what Flux applied");
                        let found = super::drift::detect(&target, &survey, &drift).await;
                        survey.requests += found.requests;
                        // Inventories and managedFields are drift's only: not kept for the report.
                        survey.applied = Vec::new();
                        (Some(found.drifted), found.warnings, found.kinds)
                    } else {
                        (None, Vec::new(), Vec::new())
                    };
                    let mut status = ClusterStatus::of(survey, found, warnings);
                    status.drift_kinds = kinds;
                    Ok(status)
                }
            },
            |c: &ClusterStatus| {
                let mut line = format!(
                    "{}, {} failing",
                    plural(c.totals.total(), "Flux object"),
                    c.totals.failing
                );
                if c.drift.is_some() {
                    line.push_str(&format!(", {} drifted", c.drifted()));
                }
                line
            },
        )
        .await;
    let read: Vec<(&str, &Survey)> = reports
        .iter()
        .filter_map(|r| Some((r.target.as_str(), &r.ok()?.survey)))
        .collect();
    let skew = skew(&read);
    Ok(StatusOutcome { reports, skew })
}

/// The `FleetStatus` document.
#[derive(Debug, Serialize)]
pub struct FleetStatus<'a> {
    /// One entry per cluster, in order.
    pub clusters: Vec<ClusterDoc<'a>>,
    /// What differs between clusters.
    pub skew: &'a Skew,
    /// Counts over the fleet.
    pub summary: Summary,
}

/// Counts over the fleet.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Clusters selected.
    pub clusters: usize,
    /// Clusters that could not be read.
    pub unreachable: usize,
    /// Failing Flux objects.
    pub failing: usize,
    /// Objects changed outside Flux.
    pub drifted: usize,
    /// Things that differ between clusters.
    pub skewed: usize,
}

/// One cluster in the document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterDoc<'a> {
    /// Kube context.
    pub context: &'a str,
    /// Whether the cluster could be read.
    pub reachable: bool,
    /// Why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
    /// Flux version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flux_version: Option<&'a str>,
    /// Flux Operator version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator_version: Option<&'a str>,
    /// Counts per kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinds: Option<serde_json::Map<String, serde_json::Value>>,
    /// Counts over every kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<KindCounts>,
    /// Failing Flux objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failing: Option<Vec<FailingDoc<'a>>>,
    /// Objects changed outside Flux (when drift was computed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drifted: Option<usize>,
    /// Each drifted object (with `--drift`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<&'a [DriftedObject]>,
    /// What could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<&'a [String]>,
}

impl<'a> ClusterDoc<'a> {
    fn of(report: &'a TargetReport<ClusterStatus>, with_drift: bool) -> Self {
        let mut doc = ClusterDoc {
            context: &report.target,
            reachable: report.ok().is_some(),
            error: report.err().map(|e| e.message.as_str()),
            flux_version: None,
            operator_version: None,
            kinds: None,
            totals: None,
            failing: None,
            drifted: None,
            drift: None,
            warnings: None,
        };
        if let Some(c) = report.ok() {
            doc.flux_version = c.survey.flux_version.as_deref();
            doc.operator_version = c.survey.operator_version.as_deref();
            doc.kinds = Some(
                c.kinds
                    .iter()
                    .map(|(k, counts)| (k.to_string(), serde_json::to_value(counts).unwrap_or_default()))
                    .collect(),
            );
            doc.totals = Some(c.totals);
            doc.failing = Some(c.failing().map(FailingDoc::of).collect());
            doc.drifted = c.drift.as_ref().map(Vec::len);
            doc.drift = c.drift.as_deref().filter(|_| with_drift);
            doc.warnings = Some(&c.warnings);
        }
        doc
    }
}

/// A failing object in the document.
#[derive(Debug, Serialize)]
pub struct FailingDoc<'a> {
    /// Kind.
    pub kind: &'a str,
    /// Namespace.
    pub namespace: &'a str,
    /// Name.
    pub name: &'a str,
    /// `NotReady`, `Unknown`, …
    pub status: &'static str,
    /// Condition reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// Condition message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    /// Since when (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<&'a str>,
    /// Last applied or fetched revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<&'a str>,
}

impl<'a> FailingDoc<'a> {
    fn of(o: &'a FluxObject) -> Self {
        FailingDoc {
            kind: o.kind,
            namespace: &o.namespace,
            name: &o.name,
            status: o.health.state.label(),
            reason: o.health.reason.as_deref(),
            message: o.health.message.as_deref(),
            since: o.since.as_deref(),
            revision: o.revision.as_deref(),
        }
    }
}
