//! `tenant list`: every tenant namespace of a cluster with the health of its GitRepository and
//! Kustomization, and whether the tenant Secret in the namespace matches the source in the
//! cluster's Flux namespace (a copy that drifted is the classic "authentication required" after a
//! PAT rotation). A handful of LIST calls per cluster — namespaces, GitRepositories, Kustomizations,
//! and one Secret list per tenant — never one GET per namespace.

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

fn flux_api(target: &KubeTarget, group: &str, kind: &str) -> Api<DynamicObject> {
    let known = find_known(group, kind).expect("Flux kinds are known kinds");
    Resolver::new(target.clone()).api(&known.api_resource(), true, None)
}

fn index(objects: Vec<DynamicObject>) -> BTreeMap<(String, String), Value> {
    objects
        .into_iter()
        .filter_map(|o| {
            let key = (o.metadata.namespace.clone()?, o.metadata.name.clone()?);
            Some((key, serde_json::to_value(&o).ok()?))
        })
        .collect()
}

fn flux_status(name: &str, obj: Option<&Value>) -> FluxStatus {
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
