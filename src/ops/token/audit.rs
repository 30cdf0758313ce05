//! `token audit`: the expiry radar over the selected clusters. For each cluster, one LIST per Flux
//! kind that reads a Secret (GitRepository, OCIRepository, HelmRepository, Bucket, notification
//! Provider: `spec.secretRef`) and one LIST of Secrets; every referenced Secret is matched to the
//! stored credentials (see [`credentials::audit`](crate::credentials::audit)) and reported with
//! its kind, expiry, days left and last check; warnings come most urgent first.
//!
//! Stored tokens are read from the keyring only to be hashed with a per-process random key; Secret
//! values are hashed and dropped as they are read. Without a keyring the audit still runs, on the
//! annotations alone (every match is then a claim).

use std::collections::BTreeMap;

use futures::future::try_join_all;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Secret;
use kube::{Api, api::ListParams};
use serde::Serialize;

use super::Stores;
use crate::kube::ClusterSelection;
use crate::{
    credentials::{
        CredentialError, CredentialMeta,
        audit::{
            AuditWarning, AuditedSecret, Evidence, Known, SecretFacts, SecretKind, StoredHashes, Urgency,
            audit_secret, warnings,
        },
        report as views,
        rotation::previous_entry,
        trust::list_all,
    },
    error::{Error, Result},
    exit::ExitStatus,
    kube::KubeTarget,
    ops::{DEFAULT_CONCURRENCY, Runner, TargetReport, exit_status},
    output::{Paint, Reporter, TableBuilder, Tone, plural},
};

/// The document kind of `token audit -o json|yaml`.
pub const AUDIT_KIND: &str = "TokenAudit";

/// The Flux kinds whose `spec.secretRef` names a Secret with credentials.
const READERS: [(&str, &str); 5] = [
    ("source.toolkit.fluxcd.io", "GitRepository"),
    ("source.toolkit.fluxcd.io", "OCIRepository"),
    ("source.toolkit.fluxcd.io", "HelmRepository"),
    ("source.toolkit.fluxcd.io", "Bucket"),
    ("notification.toolkit.fluxcd.io", "Provider"),
];

/// Secret types that never hold git credentials, left out of the LIST (they are most of a
/// cluster's Secrets).
const SECRET_FIELDS: &str = "type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token";

/// `token audit`.
#[derive(Clone, Copy, Debug)]
pub struct AuditRequest {
    /// Warn about (and fail on) credentials expiring within this many days.
    pub warn_days: i64,
    /// The instant days are counted from.
    pub now: Timestamp,
}

/// The audit of every selected cluster.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// The warning window, in days.
    pub warn_days: i64,
    /// Every Secret read by a Flux object, by cluster, namespace and name.
    pub secrets: Vec<AuditedSecret>,
    /// What needs attention, most urgent first.
    pub warnings: Vec<AuditWarning>,
    /// Each cluster: how many Secrets, or why it could not be audited.
    pub clusters: Vec<TargetReport<usize>>,
}

impl AuditReport {
    /// 1 when a credential in use expires within the window (or has expired), or a cluster
    /// could not be audited.
    pub fn exit_status(&self) -> ExitStatus {
        let urgent = self
            .warnings
            .iter()
            .any(|w| matches!(w.urgency, Urgency::Expired | Urgency::Expiring));
        if urgent {
            ExitStatus::Failure
        } else {
            exit_status(&self.clusters)
        }
    }
}

/// Hashes every stored token (and the previous token of an unfinished rotation). A keyring that
/// cannot be used is reported once; the audit goes on with the annotations.
fn stored_hashes(
    stores: Stores<'_>,
    metas: &BTreeMap<String, CredentialMeta>,
    reporter: &dyn Reporter,
) -> Result<StoredHashes> {
    let mut hashes = StoredHashes::new();
    for name in metas.keys() {
        match stores.secrets.get(name) {
            Ok(Some(token)) => hashes.add(name, &token),
            Ok(None) => reporter.warn(&format!("credential '{name}' is listed but not in the keyring")),
            Err(e @ CredentialError::KeyringUnavailable { .. }) => {
                reporter.warn(&format!(
                    "cannot compare Secret contents with the stored tokens ({e}): every match below is an annotation's claim"
                ));
                return Ok(hashes);
            }
            Err(e) => return Err(e.into()),
        }
        if stores.rotations.load(name)?.is_some()
            && let Some(previous) = stores.secrets.get(&previous_entry(name))?
        {
            hashes.add_previous(name, &previous);
        }
    }
    Ok(hashes)
}

/// `token audit` over the clusters `access` selects.
pub async fn audit(
    req: AuditRequest,
    stores: Stores<'_>,
    access: &ClusterSelection,
    reporter: &dyn Reporter,
) -> Result<AuditReport> {
    if req.warn_days < 0 {
        return Err(Error::Usage("--warn-days must not be negative".into()));
    }
    let targets = access.targets().await?;
    let metas = stores.metas.load()?.credentials;
    let hashes = stored_hashes(stores, &metas, reporter)?;
    reporter.action(&format!(
        "auditing the git Secrets of {}",
        plural(targets.len(), "cluster")
    ));
    let items = targets.into_iter().map(|t| (t.context.clone(), t)).collect();
    let (hashes, metas) = (&hashes, &metas);
    let ran = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .run(
            items,
            |target: KubeTarget, step| async move {
                step.set("listing Flux sources, Providers and Secrets");
                audit_cluster(&target, hashes, metas, req.now).await
            },
            |s: &Vec<AuditedSecret>| plural(s.len(), "git Secret"),
        )
        .await;
    let mut secrets = Vec::new();
    let mut clusters = Vec::new();
    for r in ran {
        let (target, seconds) = (r.target, r.seconds);
        let outcome = r.outcome.map(|found| {
            let n = found.len();
            secrets.extend(found);
            n
        });
        clusters.push(TargetReport {
            target,
            outcome,
            seconds,
        });
    }
    let warnings = warnings(&secrets, req.warn_days);
    Ok(AuditReport {
        warn_days: req.warn_days,
        secrets,
        warnings,
        clusters,
    })
}

/// One cluster: the Secrets its Flux objects read, judged.
async fn audit_cluster(
    target: &KubeTarget,
    hashes: &StoredHashes,
    metas: &BTreeMap<String, CredentialMeta>,
    now: Timestamp,
) -> Result<Vec<AuditedSecret>> {
    let lists = try_join_all(READERS.map(|(group, kind)| list_all(target, group, kind))).await?;
    let mut readers: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for ((_, kind), objects) in READERS.iter().zip(lists) {
        for o in objects {
            let (Some(ns), Some(name)) = (o.metadata.namespace.clone(), o.metadata.name.clone()) else {
                continue;
            };
            if let Some(secret) = o
                .data
                .pointer("/spec/secretRef/name")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
            {
                readers
                    .entry((ns, secret.to_string()))
                    .or_default()
                    .push(format!("{kind}/{name}"));
            }
        }
    }
    if readers.is_empty() {
        return Ok(Vec::new());
    }
    let api: Api<Secret> = Api::all(target.client.clone());
    let listed = api
        .list(&ListParams::default().fields(SECRET_FIELDS))
        .await
        .map_err(|e| target.err("list Secrets in all namespaces", e))?;
    let mut facts: BTreeMap<(String, String), SecretFacts> = BTreeMap::new();
    for s in listed.items {
        let (Some(ns), Some(name)) = (s.metadata.namespace.clone(), s.metadata.name.clone()) else {
            continue;
        };
        let key = (ns, name);
        if !readers.contains_key(&key) {
            continue;
        }
        let data = s
            .data
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect();
        facts.insert(
            key,
            SecretFacts::read(s.metadata.annotations.as_ref(), data, hashes),
        );
    }
    Ok(readers
        .into_iter()
        .map(|((ns, name), mut used_by)| {
            used_by.sort();
            let f = facts.remove(&(ns.clone(), name.clone()));
            let known = Known { hashes, metas, now };
            audit_secret(&target.context, &ns, &name, used_by, f, known)
        })
        .collect())
}

/// The `token audit` table: one row per Secret.
pub fn audit_table(report: &AuditReport, now: Timestamp, paint: Paint) -> String {
    let mut t = TableBuilder::new(
        [
            "cluster",
            "secret",
            "used by",
            "kind",
            "credential",
            "match",
            "expires",
            "days left",
            "last check",
        ],
        paint,
    );
    for s in &report.secrets {
        let days_tone = match s.days_left {
            Some(d) if d < 0 => Tone::Bad,
            Some(d) if d <= report.warn_days => Tone::Warn,
            _ => Tone::Plain,
        };
        let credential = match (&s.credential, s.managed, s.previous_token) {
            _ if s.kind == SecretKind::Missing => "-".into(),
            (Some(c), _, true) => format!("{c} (previous)"),
            (Some(c), true, _) => c.clone(),
            (Some(c), false, _) => format!("{c} (unmanaged)"),
            (None, false, _) => "unmanaged".into(),
            (None, true, _) => "-".into(),
        };
        let evidence_tone = match s.evidence {
            Evidence::Mismatch => Tone::Bad,
            Evidence::Claimed => Tone::Warn,
            _ => Tone::Plain,
        };
        let used_by = match s.used_by.as_slice() {
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} +{}", rest.len()),
            [] => "-".into(),
        };
        t.toned_row([
            (s.cluster.clone(), Tone::Bold),
            (format!("{}/{}", s.namespace, s.name), Tone::Plain),
            (used_by, Tone::Plain),
            (
                s.kind.label().to_string(),
                if s.kind == SecretKind::Missing {
                    Tone::Bad
                } else {
                    Tone::Plain
                },
            ),
            (credential, Tone::Plain),
            (s.evidence.label().to_string(), evidence_tone),
            (
                s.expires
                    .as_deref()
                    .and_then(|e| e.parse::<Timestamp>().ok())
                    .map(views::date)
                    .unwrap_or_else(|| "-".into()),
                days_tone,
            ),
            (
                s.days_left.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                days_tone,
            ),
            (
                s.last_check
                    .as_deref()
                    .and_then(|e| e.parse::<Timestamp>().ok())
                    .map(|at| format!("{} ago", views::age(now, at)))
                    .unwrap_or_else(|| "-".into()),
                Tone::Plain,
            ),
        ]);
    }
    t.render()
}
