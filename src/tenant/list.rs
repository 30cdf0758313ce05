//! `tenant list`: every tenant namespace of a cluster with the health of its GitRepository and
//! Kustomization, and whether the tenant Secret in the namespace matches the source in the
//! cluster's Flux namespace (a copy that drifted is the classic "authentication required" after a
//! PAT rotation). A handful of LIST calls per cluster — namespaces, GitRepositories, Kustomizations,
//! and one Secret list per tenant — never one GET per namespace.
//!
//! keos has no tenant label and no per-namespace Kustomization: there the list is one row per
//! component ([`collect_components`]), with its domain and the cluster's use case and size.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::{
    Api,
    api::{DynamicObject, ListParams},
};
use serde::Serialize;
use serde_json::Value;

use super::{Layout, tenant_object_name};
use crate::{
    credentials::{CREDENTIAL_ANNOTATION, TENANT_LABEL},
    kube::{KubeError, KubeTarget, Resolver, find_known},
    manifests::pointer::str_at,
    output::{Paint, TableBuilder, Tone, short_revision, table_message},
    status::{self, Health, State},
};

/// A Flux object's health as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FluxStatus {
    /// Object name (`-` style empty when not found).
    pub name: String,
    /// Health (state, reason, message).
    #[serde(flatten)]
    pub health: Health,
    /// Last fetched (GitRepository) or applied (Kustomization) revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
}

/// How the tenant Secret in a namespace compares with its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SecretState {
    /// Present and identical to `<flux namespace>/flux-<tenant>`.
    InSync,
    /// Present but different from the source (a missed rotation).
    Drifted,
    /// Not in the namespace.
    Missing,
    /// Present, but the source in the Flux namespace does not exist.
    NoSource,
    /// Secrets could not be read.
    Unknown,
}

impl SecretState {
    /// The label shown in the table.
    pub fn label(self) -> &'static str {
        match self {
            SecretState::InSync => "InSync",
            SecretState::Drifted => "Drifted",
            SecretState::Missing => "Missing",
            SecretState::NoSource => "NoSource",
            SecretState::Unknown => "Unknown",
        }
    }

    fn tone(self) -> Tone {
        match self {
            SecretState::InSync => Tone::Good,
            SecretState::Drifted | SecretState::Missing | SecretState::NoSource => Tone::Bad,
            SecretState::Unknown => Tone::Dim,
        }
    }
}

/// The tenant Secret of a namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStatus {
    /// The Secret name (`flux-<tenant>`).
    pub name: String,
    /// How it compares with the source.
    pub state: SecretState,
}

/// One tenant namespace on one cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantRow {
    /// The kube context.
    pub cluster: String,
    /// The tenant (the namespace's `toolkit.fluxcd.io/tenant` label).
    pub tenant: String,
    /// The namespace.
    pub namespace: String,
    /// The tenant GitRepository in the namespace.
    pub git_repository: FluxStatus,
    /// The Kustomization that reconciles the namespace.
    pub kustomization: FluxStatus,
    /// The tenant Secret in the namespace.
    pub secret: SecretStatus,
    /// The stored credential the source Secret was written from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

pub(crate) fn flux_api(target: &KubeTarget, group: &str, kind: &str) -> Api<DynamicObject> {
    let known = find_known(group, kind).expect("Flux kinds are known kinds");
    Resolver::new(target.clone()).api(&known.api_resource(), true, None)
}

pub(crate) fn index(objects: Vec<DynamicObject>) -> BTreeMap<(String, String), Value> {
    objects
        .into_iter()
        .filter_map(|o| {
            let key = (o.metadata.namespace.clone()?, o.metadata.name.clone()?);
            Some((key, serde_json::to_value(&o).ok()?))
        })
        .collect()
}

pub(crate) fn flux_status(name: &str, obj: Option<&Value>) -> FluxStatus {
    match obj {
        None => FluxStatus {
            name: name.to_string(),
            health: Health::of(State::Missing),
            revision: None,
        },
        Some(o) => FluxStatus {
            name: name.to_string(),
            health: status::flux_health(o),
            revision: status::revision(o).map(str::to_string),
        },
    }
}

/// Lists the tenants of one cluster whose Flux runs in `flux_namespace` (optionally one tenant),
/// sorted by tenant and namespace.
pub async fn collect(
    target: &KubeTarget,
    layout: &Layout,
    tenant: Option<&str>,
    flux_namespace: &str,
) -> Result<Vec<TenantRow>, KubeError> {
    let selector = match tenant {
        Some(t) => format!("{TENANT_LABEL}={t}"),
        None => TENANT_LABEL.to_string(),
    };
    let namespaces: Api<Namespace> = Api::all(target.client.clone());
    let gits = flux_api(target, "source.toolkit.fluxcd.io", "GitRepository");
    let kss = flux_api(target, "kustomize.toolkit.fluxcd.io", "Kustomization");
    let lp = ListParams::default();
    let ns_lp = ListParams::default().labels(&selector);
    let (ns_list, git_list, ks_list) =
        futures::join!(namespaces.list_metadata(&ns_lp), gits.list(&lp), kss.list(&lp),);
    let ns_list = ns_list.map_err(|e| target.err("list tenant namespaces", e))?;
    let git_index = index(git_list.map_err(|e| target.err("list GitRepositories", e))?.items);
    let ks_index = index(ks_list.map_err(|e| target.err("list Kustomizations", e))?.items);

    let mut found: Vec<(String, String)> = ns_list
        .items
        .into_iter()
        .filter_map(|ns| {
            let name = ns.metadata.name?;
            let tenant = ns.metadata.labels?.get(TENANT_LABEL)?.clone();
            (name != flux_namespace).then_some((tenant, name))
        })
        .collect();
    found.sort();

    // One Secret list per tenant, by name across all namespaces: finds copies whatever their
    // labels, and the source in the Flux namespace.
    let mut tenants: Vec<String> = found.iter().map(|(t, _)| t.clone()).collect();
    tenants.dedup();
    let secrets: Api<Secret> = Api::all(target.client.clone());
    let lists = futures::future::join_all(tenants.iter().map(|t| {
        let lp = ListParams::default().fields(&format!("metadata.name={}", tenant_object_name(t)));
        let secrets = secrets.clone();
        async move { secrets.list(&lp).await }
    }))
    .await;
    let mut secret_index: BTreeMap<String, Option<BTreeMap<String, Secret>>> = BTreeMap::new();
    for (t, list) in tenants.iter().zip(lists) {
        let by_ns = match list {
            Ok(l) => Some(
                l.items
                    .into_iter()
                    .filter_map(|s| Some((s.metadata.namespace.clone()?, s)))
                    .collect(),
            ),
            Err(kube::Error::Api(s)) if s.code == 403 => None,
            Err(e) => return Err(target.err(format!("list Secrets {}", tenant_object_name(t)), e)),
        };
        secret_index.insert(t.clone(), by_ns);
    }

    let mut rows = Vec::new();
    for (tenant, namespace) in found {
        let name = tenant_object_name(&tenant);
        let git = git_index.get(&(namespace.clone(), name.clone()));
        let ks_name = layout.kustomization_name(&namespace);
        let ks = ks_index
            .get(&(namespace.clone(), ks_name.clone()))
            .map(|k| (ks_name.clone(), k))
            .or_else(|| {
                // The namespace's Kustomization by what it reconciles, when it is named otherwise
                // (the image-automation namespace's `flux-<tenant>`, another profile's naming).
                ks_index.iter().find_map(|((ns, n), k)| {
                    (*ns == namespace
                        && k.pointer("/spec/sourceRef/name").and_then(Value::as_str) == Some(&name))
                    .then(|| (n.clone(), k))
                })
            });
        let kustomization = match ks {
            Some((n, k)) => flux_status(&n, Some(k)),
            None => flux_status(&ks_name, None),
        };
        let (state, credential) = match secret_index.get(&tenant).and_then(Option::as_ref) {
            None => (SecretState::Unknown, None),
            Some(by_ns) => {
                let source = by_ns.get(flux_namespace);
                let copy = by_ns.get(&namespace);
                let credential = source
                    .and_then(|s| s.metadata.annotations.as_ref())
                    .and_then(|a| a.get(CREDENTIAL_ANNOTATION))
                    .cloned();
                let state = match (source, copy) {
                    (_, None) => SecretState::Missing,
                    (None, Some(_)) => SecretState::NoSource,
                    (Some(s), Some(c)) if s.data == c.data && s.type_ == c.type_ => SecretState::InSync,
                    (Some(_), Some(_)) => SecretState::Drifted,
                };
                (state, credential)
            }
        };
        rows.push(TenantRow {
            cluster: target.context.clone(),
            tenant,
            namespace,
            git_repository: flux_status(&name, git),
            kustomization,
            secret: SecretStatus { name, state },
            credential,
        });
    }
    Ok(rows)
}

/// keos: one component of a domain on one cluster (or an app namespace without components yet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentRow {
    /// The kube context.
    pub cluster: String,
    /// `system-services` or `apps` (the `toolkit.fluxcd.io/domain` label).
    pub domain: String,
    /// The namespace of the component's Kustomization (the app namespace, or the Flux namespace
    /// for system services).
    pub namespace: String,
    /// The component; absent for an app namespace that has none yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// `STRATIO_USE_CASE` of the cluster's `keos-runtime-info`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_case: Option<String>,
    /// `STRATIO_SIZE` of the cluster's `keos-runtime-info` (the overlay app components build).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The component's Kustomization, and its secrets Kustomization if any, are Ready.
    pub ready: bool,
    /// `apps-<c>` or `system-services-<c>-configs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kustomization: Option<FluxStatus>,
    /// `apps-<c>-secrets`, for a component with SOPS secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<FluxStatus>,
    /// The GitRepository the component is built from (`keos-apps`, `keos-system-services`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<FluxStatus>,
}

/// keos: the components of one cluster whose Flux runs in `flux_namespace` (optionally of one
/// domain), in reconciliation order: system services, then apps by namespace. Three LISTs
/// (labelled namespaces, GitRepositories, Kustomizations) and one GET (`keos-runtime-info`),
/// concurrently.
pub async fn collect_components(
    target: &KubeTarget,
    layout: &Layout,
    domain: Option<&str>,
    flux_namespace: &str,
) -> Result<Vec<ComponentRow>, KubeError> {
    use crate::repo::layout::DOMAIN_LABEL;

    let selector = match domain {
        Some(d) => format!("{DOMAIN_LABEL}={d}"),
        None => DOMAIN_LABEL.to_string(),
    };
    let namespaces: Api<Namespace> = Api::all(target.client.clone());
    let gits = flux_api(target, "source.toolkit.fluxcd.io", "GitRepository");
    let kss = flux_api(target, "kustomize.toolkit.fluxcd.io", "Kustomization");
    let lp = ListParams::default();
    let ns_lp = ListParams::default().labels(&selector);
    let (ns_list, git_list, ks_list, runtime) = futures::join!(
        namespaces.list_metadata(&ns_lp),
        gits.list(&lp),
        kss.list(&lp),
        crate::bootstrap::keos::cluster::runtime_on(target, flux_namespace),
    );
    let ns_list = ns_list.map_err(|e| target.err("list app namespaces", e))?;
    let git_index = index(git_list.map_err(|e| target.err("list GitRepositories", e))?.items);
    let kustomizations: Vec<Value> = ks_list
        .map_err(|e| target.err("list Kustomizations", e))?
        .items
        .into_iter()
        .filter_map(|o| serde_json::to_value(o).ok())
        .collect();
    let runtime = runtime?;
    let (use_case, size) = match runtime {
        Some(r) => (Some(r.use_case), Some(r.size)),
        None => (None, None),
    };

    let health = |ks: &Value| flux_status(str_at(ks, "/metadata/name").unwrap_or_default(), Some(ks));
    // What this Flux applied (the domain Kustomizations live in its namespace): another keos Flux
    // on the cluster, or a Kustomization applied by hand, is not this fleet's component.
    let applied_here = kustomizations.iter().filter(|k| {
        str_at(k, "/metadata/labels/kustomize.toolkit.fluxcd.io~1namespace") == Some(flux_namespace)
    });
    let mut rows: Vec<(usize, ComponentRow)> = Vec::new();
    for c in super::domains::components(layout, applied_here) {
        if domain.is_some_and(|d| d != c.domain) {
            continue;
        }
        let kustomization = c.kustomization.map(health);
        let secrets = c.secrets.map(health);
        let source = c.kustomization.and_then(|ks| {
            (str_at(ks, "/spec/sourceRef/kind") == Some("GitRepository")).then_some(())?;
            let name = str_at(ks, "/spec/sourceRef/name")?;
            let ns = str_at(ks, "/spec/sourceRef/namespace").unwrap_or(&c.namespace);
            Some(flux_status(
                name,
                git_index.get(&(ns.to_string(), name.to_string())),
            ))
        });
        let ready = kustomization
            .iter()
            .chain(&secrets)
            .all(|s| s.health.state == State::Ready)
            && kustomization.is_some();
        rows.push((
            super::domains::domain_rank(&c.domain),
            ComponentRow {
                cluster: target.context.clone(),
                domain: c.domain,
                namespace: c.namespace,
                component: Some(c.name),
                use_case: use_case.clone(),
                size: size.clone(),
                ready,
                kustomization,
                secrets,
                source,
            },
        ));
    }
    // App namespaces this Flux onboarded without a component yet (or whose components are gone).
    for ns in ns_list.items {
        let mut labels = ns.metadata.labels.unwrap_or_default();
        let (Some(name), Some(d)) = (ns.metadata.name, labels.remove(DOMAIN_LABEL)) else {
            continue;
        };
        let here = labels
            .get("kustomize.toolkit.fluxcd.io/namespace")
            .map(String::as_str)
            == Some(flux_namespace);
        if !here || name == flux_namespace || rows.iter().any(|(_, r)| r.namespace == name) {
            continue;
        }
        rows.push((
            super::domains::domain_rank(&d),
            ComponentRow {
                cluster: target.context.clone(),
                domain: d,
                namespace: name,
                component: None,
                use_case: use_case.clone(),
                size: size.clone(),
                ready: false,
                kustomization: None,
                secrets: None,
                source: None,
            },
        ));
    }
    rows.sort_by(|(ra, a), (rb, b)| {
        (ra, &a.domain, &a.namespace, &a.component).cmp(&(rb, &b.domain, &b.namespace, &b.component))
    });
    Ok(rows.into_iter().map(|(_, r)| r).collect())
}

/// keos: the component table, one row per component: its Kustomization, secrets Kustomization
/// and source, the last applied revision, and the first message that explains a failure (routine
/// messages only when `wide`).
pub fn render_components(rows: &[&ComponentRow], with_cluster: bool, paint: Paint, wide: bool) -> String {
    let mut headers = Vec::new();
    if with_cluster {
        headers.push("cluster");
    }
    headers.extend([
        "domain",
        "namespace",
        "component",
        "use-case",
        "size",
        "kustomization",
        "secrets",
        "source",
        "revision",
        "message",
    ]);
    let state = |s: &Option<FluxStatus>| match s {
        Some(s) => (s.health.label(), s.health.state.tone()),
        None => ("-".to_string(), Tone::Dim),
    };
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut table = TableBuilder::new(headers, paint);
    for row in rows {
        let mut cells: Vec<(String, Tone)> = Vec::new();
        if with_cluster {
            cells.push((row.cluster.clone(), Tone::Plain));
        }
        cells.push((row.domain.clone(), Tone::Plain));
        cells.push((row.namespace.clone(), Tone::Plain));
        cells.push((dash(&row.component), Tone::Bold));
        cells.push((dash(&row.use_case), Tone::Plain));
        cells.push((dash(&row.size), Tone::Plain));
        cells.push(state(&row.kustomization));
        cells.push(state(&row.secrets));
        cells.push(state(&row.source));
        let revision = row.kustomization.as_ref().and_then(|k| k.revision.as_deref());
        cells.push((
            match revision {
                Some(rev) if wide => rev.to_string(),
                Some(rev) => short_revision(rev),
                None => "-".into(),
            },
            Tone::Plain,
        ));
        // The first object that explains something: a failing one before a routine message.
        let objects = [&row.secrets, &row.kustomization, &row.source];
        let failing = objects
            .iter()
            .filter_map(|s| s.as_ref())
            .find(|s| s.health.state != State::Ready && s.health.message.is_some());
        let message = match failing.or(row.kustomization.as_ref()) {
            Some(s) => {
                let ready = s.health.state == State::Ready;
                match s.health.message.as_deref() {
                    Some(m) if wide => m.to_string(),
                    Some(m) => table_message(ready, m).to_string(),
                    None => String::new(),
                }
            }
            None => String::new(),
        };
        cells.push((if message.is_empty() { "-".into() } else { message }, Tone::Plain));
        table.toned_row(cells);
    }
    table.render()
}

/// The table: a CLUSTER column when several clusters are listed; short revisions and no routine
/// message unless `wide`.
pub fn render_table(rows: &[&TenantRow], with_cluster: bool, paint: Paint, wide: bool) -> String {
    let mut headers = Vec::new();
    if with_cluster {
        headers.push("cluster");
    }
    headers.extend([
        "tenant",
        "namespace",
        "source",
        "revision",
        "kustomization",
        "message",
        "secret",
        "credential",
    ]);
    let mut table = TableBuilder::new(headers, paint);
    for row in rows {
        let mut cells: Vec<(String, Tone)> = Vec::new();
        if with_cluster {
            cells.push((row.cluster.clone(), Tone::Plain));
        }
        let git = &row.git_repository;
        let ks = &row.kustomization;
        cells.push((row.tenant.clone(), Tone::Plain));
        cells.push((row.namespace.clone(), Tone::Bold));
        cells.push((git.health.label(), git.health.state.tone()));
        cells.push((
            match git.revision.as_deref() {
                Some(rev) if wide => rev.to_string(),
                Some(rev) => short_revision(rev),
                None => "-".into(),
            },
            Tone::Plain,
        ));
        cells.push((ks.health.label(), ks.health.state.tone()));
        let ready = ks.health.state == crate::status::State::Ready;
        let message = match ks.health.message.as_deref() {
            Some(m) if wide => m,
            Some(m) => table_message(ready, m),
            None => "",
        };
        cells.push((
            if message.is_empty() { "-" } else { message }.to_string(),
            Tone::Plain,
        ));
        cells.push((row.secret.state.label().to_string(), row.secret.state.tone()));
        cells.push((row.credential.clone().unwrap_or_else(|| "-".into()), Tone::Plain));
        table.toned_row(cells);
    }
    table.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rows() {
        let row = TenantRow {
            cluster: "staging".into(),
            tenant: "apps".into(),
            namespace: "backend".into(),
            git_repository: FluxStatus {
                name: "flux-apps".into(),
                health: Health::of(State::Ready),
                revision: Some("main@sha1:0123456789abcdef0123".into()),
            },
            kustomization: FluxStatus {
                name: "flux-backend".into(),
                health: Health::of(State::Missing),
                revision: None,
            },
            secret: SecretStatus {
                name: "flux-apps".into(),
                state: SecretState::Drifted,
            },
            credential: Some("apps-bot".into()),
        };
        let out = render_table(&[&row], false, Paint::plain(), false);
        assert_eq!(
            out,
            "TENANT   NAMESPACE   SOURCE   REVISION             KUSTOMIZATION   MESSAGE   SECRET    CREDENTIAL\napps     backend     Ready    main@sha1:01234567   Missing         -         Drifted   apps-bot\n"
        );
        let wide = render_table(&[&row], false, Paint::plain(), true);
        assert!(wide.contains("main@sha1:0123456789abcdef0123 "), "{wide}");
    }
}
