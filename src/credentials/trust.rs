//! The trust model of credential writes: on one cluster, which Secrets may receive a credential.
//!
//! Labels and annotations are writable by whoever may write the object they sit on: a tenant
//! whose ServiceAccount has the `admin` ClusterRole in its namespace can put any label or
//! annotation on a Secret there. So they record provenance (which credential a Secret was written
//! from, which Secret a copy came from), never authority. Authority comes from what only platform
//! admins can write:
//!
//! - **the Flux namespace** of the cluster, found from the cluster itself (see
//!   [`find_flux_namespace`]) unless the caller names it;
//! - **cluster-scoped objects**: the `toolkit.fluxcd.io/tenant` label of Namespace objects, which
//!   tenants cannot change (the `admin` ClusterRole grants nothing on Namespaces).
//!
//! From those, the Secrets a credential may be written to are (decided by `target_secrets` in the
//! `cluster` module, which applies this model):
//!
//! 1. Secrets in the Flux namespace written from the credential (annotation
//!    `kubectl-fleet.dev/credential`) that the fleet declares there: read by a Flux object of
//!    that namespace (FluxInstance `spec.sync.pullSecret`, GitRepository, OCIRepository,
//!    HelmRepository or Bucket `spec.secretRef`), or labelled as a tenant's Secret;
//! 2. copies of a tenant's Secret, with its name and the propagated-from label naming it, only in
//!    namespaces whose Namespace object says they belong to that tenant. The sync Secret belongs
//!    to no tenant and has no copies.
//!
//! Anything else that claims the credential is suspicious: it is never written, and the run
//! reports it and fails.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::try_join_all;
use k8s_openapi::api::core::v1::Namespace;
use kube::{
    Api,
    api::{DynamicObject, ListParams},
};
use serde::Serialize;
use serde_json::Value;

use super::{CredentialError, secret::TENANT_LABEL};
use crate::{
    error::Error,
    kube::{KubeError, KubeTarget, find_known},
    repo::layout::DEFAULT_FLUX_NAMESPACE,
};

/// How the Flux namespace of a cluster was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FluxNamespaceOrigin {
    /// Named by the caller (`--flux-namespace`).
    Given,
    /// The namespace of the cluster's FluxInstance.
    FluxInstance,
    /// The namespace of the classic sync objects (GitRepository and Kustomization named like it).
    Sync,
    /// Neither exists: `flux-system`.
    Default,
}

/// What a cluster's platform admins declare, read from objects tenants cannot write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustRoot {
    /// The namespace Flux runs in.
    pub flux_namespace: String,
    /// Names of the Secrets in the Flux namespace that a Flux object there reads.
    pub referenced: BTreeSet<String>,
    /// Namespaces labelled `toolkit.fluxcd.io/tenant`, with their tenant.
    pub tenant_of: BTreeMap<String, String>,
}

/// Reads the trust root of a cluster. `given` is the Flux namespace the caller named; `repos` are
/// the cluster's GitRepositories when already listed (`None`: the kind is not served).
pub async fn trust_root(
    target: &KubeTarget,
    given: Option<&str>,
    repos: Option<&[DynamicObject]>,
) -> Result<(TrustRoot, FluxNamespaceOrigin), Error> {
    let repos = repos.unwrap_or_default();
    let (tenant_of, instances) = futures::try_join!(
        tenant_namespaces(target),
        list_all(target, "fluxcd.controlplane.io", "FluxInstance")
    )?;
    let (flux_namespace, origin) = match given {
        Some(ns) => (ns.to_string(), FluxNamespaceOrigin::Given),
        None => find_flux_namespace(target, &instances, repos, &tenant_of).await?,
    };
    if let Some(tenant) = tenant_of.get(&flux_namespace) {
        return Err(CredentialError::TenantFluxNamespace {
            context: target.context.clone(),
            namespace: flux_namespace,
            tenant: tenant.clone(),
        }
        .into());
    }
    let mut referenced = BTreeSet::new();
    let in_flux = |o: &&DynamicObject| o.metadata.namespace.as_deref() == Some(flux_namespace.as_str());
    for instance in instances.iter().filter(in_flux) {
        referenced.extend(string_at(&instance.data, "/spec/sync/pullSecret"));
    }
    for repo in repos.iter().filter(in_flux) {
        referenced.extend(string_at(&repo.data, "/spec/secretRef/name"));
    }
    let others = try_join_all(
        ["OCIRepository", "HelmRepository", "Bucket"]
            .map(|kind| list_in(target, "source.toolkit.fluxcd.io", kind, &flux_namespace)),
    )
    .await?;
    for source in others.iter().flatten() {
        referenced.extend(string_at(&source.data, "/spec/secretRef/name"));
    }
    Ok((
        TrustRoot {
            flux_namespace,
            referenced,
            tenant_of,
        },
        origin,
    ))
}

/// The Flux namespace of a cluster whose caller did not name one:
///
/// 1. the namespace of the FluxInstance (the flux-operator accepts one, named `flux`; tenants
///    cannot create FluxInstances: the operator aggregates only ResourceSets into `admin`);
/// 2. else the namespace of the classic sync objects: a GitRepository and a Kustomization named
///    like their namespace, the Kustomization reading that GitRepository (`flux bootstrap`'s
///    `flux-system/flux-system`), in a namespace that belongs to no tenant;
/// 3. else `flux-system`.
///
/// Several candidates are refused rather than guessed: tenants can create GitRepositories and
/// Kustomizations, so a guess could trust a namespace a tenant controls.
pub async fn find_flux_namespace(
    target: &KubeTarget,
    instances: &[DynamicObject],
    repos: &[DynamicObject],
    tenant_of: &BTreeMap<String, String>,
) -> Result<(String, FluxNamespaceOrigin), Error> {
    let ambiguous = |what: &str, found: &BTreeSet<String>| -> Error {
        CredentialError::AmbiguousFluxNamespace {
            context: target.context.clone(),
            reason: format!(
                "{what} in namespaces {}",
                found.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        }
        .into()
    };
    let with_instance: BTreeSet<String> = instances
        .iter()
        .filter_map(|i| i.metadata.namespace.clone())
        .collect();
    match with_instance.len() {
        0 => {}
        1 => {
            let ns = with_instance.into_iter().next().unwrap_or_default();
            return Ok((ns, FluxNamespaceOrigin::FluxInstance));
        }
        _ => return Err(ambiguous("FluxInstances", &with_instance)),
    }
    let candidates: Vec<String> = repos
        .iter()
        .filter_map(|r| {
            let ns = r.metadata.namespace.as_ref()?;
            (r.metadata.name.as_ref() == Some(ns) && !tenant_of.contains_key(ns)).then(|| ns.clone())
        })
        .collect();
    let mut syncs = BTreeSet::new();
    for ns in candidates {
        if let Some(k) = get_in(target, "kustomize.toolkit.fluxcd.io", "Kustomization", &ns, &ns).await?
            && string_at(&k.data, "/spec/sourceRef/kind").as_deref() == Some("GitRepository")
            && string_at(&k.data, "/spec/sourceRef/name").as_deref() == Some(ns.as_str())
        {
            syncs.insert(ns);
        }
    }
    match syncs.len() {
        0 => Ok((DEFAULT_FLUX_NAMESPACE.to_string(), FluxNamespaceOrigin::Default)),
        1 => Ok((
            syncs.into_iter().next().unwrap_or_default(),
            FluxNamespaceOrigin::Sync,
        )),
        _ => Err(ambiguous("sync GitRepositories and Kustomizations", &syncs)),
    }
}

fn string_at(obj: &Value, pointer: &str) -> Option<String> {
    obj.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Namespaces labelled `toolkit.fluxcd.io/tenant`, with their tenant (one metadata-only LIST).
async fn tenant_namespaces(target: &KubeTarget) -> Result<BTreeMap<String, String>, KubeError> {
    let api: Api<Namespace> = Api::all(target.client.clone());
    let list = api
        .list_metadata(&ListParams::default().labels(TENANT_LABEL))
        .await
        .map_err(|e| target.err("list the namespaces of tenants", e))?;
    Ok(list
        .items
        .into_iter()
        .filter_map(|ns| {
            let tenant = ns.metadata.labels.as_ref()?.get(TENANT_LABEL)?.clone();
            Some((ns.metadata.name?, tenant))
        })
        .collect())
}

fn api_for(target: &KubeTarget, group: &str, kind: &str, namespace: Option<&str>) -> Api<DynamicObject> {
    let ar = find_known(group, kind)
        .map(|k| k.api_resource())
        .unwrap_or_else(|| {
            kube::api::ApiResource::from_gvk_with_plural(
                &kube::api::GroupVersionKind::gvk(group, "v1", kind),
                &format!("{}s", kind.to_ascii_lowercase()),
            )
        });
    match namespace {
        Some(ns) => Api::namespaced_with(target.client.clone(), ns, &ar),
        None => Api::all_with(target.client.clone(), &ar),
    }
}

async fn list(
    api: Api<DynamicObject>,
    target: &KubeTarget,
    what: String,
) -> Result<Vec<DynamicObject>, KubeError> {
    let mut params = ListParams::default().limit(500);
    let mut out = Vec::new();
    loop {
        match api.list(&params).await {
            Ok(page) => {
                out.extend(page.items);
                match page.metadata.continue_ {
                    Some(token) if !token.is_empty() => params = params.continue_token(&token),
                    _ => return Ok(out),
                }
            }
            // The kind is not served: there is none.
            Err(kube::Error::Api(s)) if s.code == 404 => return Ok(Vec::new()),
            Err(e) => return Err(target.err(what, e)),
        }
    }
}

pub(crate) async fn list_all(
    target: &KubeTarget,
    group: &str,
    kind: &str,
) -> Result<Vec<DynamicObject>, KubeError> {
    list(
        api_for(target, group, kind, None),
        target,
        format!("list {kind}s in all namespaces"),
    )
    .await
}

async fn list_in(
    target: &KubeTarget,
    group: &str,
    kind: &str,
    namespace: &str,
) -> Result<Vec<DynamicObject>, KubeError> {
    list(
        api_for(target, group, kind, Some(namespace)),
        target,
        format!("list {kind}s in namespace {namespace}"),
    )
    .await
}

async fn get_in(
    target: &KubeTarget,
    group: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<Option<DynamicObject>, KubeError> {
    match api_for(target, group, kind, Some(namespace)).get_opt(name).await {
        Ok(found) => Ok(found),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
        Err(e) => Err(target.err(format!("get {kind} {namespace}/{name}"), e)),
    }
}
