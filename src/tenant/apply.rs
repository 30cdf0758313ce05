//! `tenant create --apply`: the quick path that puts a tenant on clusters without a git round
//! trip, in two phases so nothing is half-applied (the operation in `ops::tenant` runs them).
//!
//! 1. [`preflight`] (read-only, every cluster): reachable, the Flux namespace and the runtime-info
//!    ConfigMap present, every kind served (discovery names a missing CRD), every `${VAR}` defined there, the namespace not owned by another tenant,
//!    and the caller allowed (SelfSubjectAccessReview) to create every object. Any failure on any
//!    cluster stops the run before the first write.
//! 2. [`apply`] (per cluster): the tenant Secret from the stored credential, the substituted
//!    objects by server-side apply, copies for Kyverno-less clusters, then a SubjectAccessReview
//!    of what the tenant ServiceAccount can really do (Flux kinds in its namespace: yes;
//!    cluster-wide objects: no) — `admin` only covers Flux kinds when Flux's aggregated
//!    `flux-edit`/`flux-view` ClusterRoles are installed, and that is worth a warning, not a
//!    surprise at the first HelmRelease.
//!
//! The Flux namespace (where the tenant Secret and the runtime info live) is the cluster's, as the
//! fleet model decides it ([`Layout::cluster_flux_namespace`](crate::repo::Layout)).

use std::collections::BTreeMap;

use k8s_openapi::api::{
    authorization::v1::{ResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec},
    core::v1::{ConfigMap, Namespace, Secret},
};
use kube::{Api, api::PostParams};
use serde_json::Value;

use super::{
    Layout,
    propagate::{self, CopyKind, CopyResult},
    render::{UndefinedVariables, substitute},
};
use crate::{
    credentials::{GitAuth, GitSecret, upsert_git_secret},
    kube::{Applier, Gvk, KubeError, KubeTarget, Resolver, find_known, object_ref},
    repo::layout::NamespaceSync,
};

/// The CRD whose presence means Kyverno clones tenant Secrets (d1 §6.1).
pub const KYVERNO_CRD: &str = "clusterpolicies.kyverno.io";

/// Why a cluster cannot take (or did not take) the tenant.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The apiserver refused or could not be reached.
    #[error(transparent)]
    Kube(#[from] KubeError),
    /// Flux is not bootstrapped (in the namespace the fleet model says).
    #[error("namespace {namespace} does not exist: bootstrap Flux first (kubectl fleet bootstrap)")]
    NoFluxNamespace {
        /// The Flux namespace.
        namespace: String,
    },
    /// The runtime-info ConfigMap is missing, so nothing can be substituted.
    #[error(
        "ConfigMap {namespace}/{name} not found: the cluster's runtime info (clusters/<cluster>/runtime-info.yaml) is not applied"
    )]
    NoRuntimeInfo {
        /// The Flux namespace.
        namespace: String,
        /// The ConfigMap name.
        name: String,
    },
    /// The tenant namespace is the one Flux runs in on this cluster.
    #[error(
        "namespace '{namespace}' is where Flux runs on this cluster; tenants get namespaces of their own"
    )]
    FluxNamespace {
        /// The namespace.
        namespace: String,
    },
    /// The manifests use variables the runtime info does not define.
    #[error(transparent)]
    Undefined(#[from] UndefinedVariables),
    /// `--existing-namespace`, and the namespace is not there.
    #[error(
        "namespace '{namespace}' does not exist: --existing-namespace expects it to be created outside the fleet repository (keos-installer creates keos-core)"
    )]
    NoNamespace {
        /// The namespace.
        namespace: String,
    },
    /// The namespace exists and belongs to another tenant.
    #[error("namespace '{namespace}' belongs to tenant '{owner}' on this cluster")]
    NamespaceOwned {
        /// The namespace.
        namespace: String,
        /// Its tenant label.
        owner: String,
    },
    /// The caller may not make a change the tenant needs.
    #[error("not allowed to {verb} {resource}{}: ask for rights to manage tenants on this cluster", scope.as_ref().map(|n| format!(" in namespace {n}")).unwrap_or_default())]
    Forbidden {
        /// The verb.
        verb: String,
        /// `group/resource` or `resource`.
        resource: String,
        /// The namespace, for namespaced resources.
        scope: Option<String>,
    },
    /// An object did not go away in time (delete).
    #[error("{what} still exists after {seconds}s (its finalizer is still pruning); the namespace was kept")]
    StillThere {
        /// The object.
        what: String,
        /// How long we waited.
        seconds: u64,
    },
}

/// The tenant Secret to write in each cluster's Flux namespace.
#[derive(Clone, Debug)]
pub struct SecretRequest {
    /// The basic-auth username.
    pub username: String,
    /// The keyring credential the token came from (the rotation annotation), if any.
    pub credential: Option<String>,
    /// What the Secret authenticates with (never printed).
    pub auth: GitAuth,
}

impl SecretRequest {
    /// The Secret in the Flux namespace `namespace` (one constructor for every tenant Secret).
    pub fn secret(&self, namespace: &str, tenant: &str) -> GitSecret {
        GitSecret::tenant(namespace, tenant, self.username.clone(), self.credential.clone())
    }
}

/// Everything `--apply` needs, shared by all clusters.
#[derive(Clone, Debug)]
pub struct ApplyRequest {
    /// The layout (runtime-info name, Kustomization name).
    pub layout: Layout,
    /// The tenant.
    pub tenant: String,
    /// The tenant namespace.
    pub namespace: String,
    /// The ClusterRole the tenant ServiceAccount is bound to in its namespace.
    pub role: String,
    /// The objects before substitution, in apply order.
    pub objects: Vec<Value>,
    /// The tenant Secret to create or update, if a credential was given (never in `--dry-run`,
    /// which reads no token).
    pub secret: Option<SecretRequest>,
    /// A credential was given: the tenant Secret is (or, in `--dry-run`, would be) written, so
    /// preflight checks the right to write it and does not ask for a token.
    pub writes_secret: bool,
    /// Copy the tenant Secret and runtime info into tenant namespaces when there is no Kyverno.
    pub propagate: bool,
    /// The namespace is not ours to create: it must exist already.
    pub existing_namespace: bool,
}

/// What preflight found on one cluster.
#[derive(Clone, Debug)]
pub struct Preflight {
    /// The namespace Flux runs in on this cluster (tenant Secret, runtime info).
    pub flux_namespace: String,
    /// The objects with `${VAR}` substituted from this cluster's runtime info.
    pub objects: Vec<Value>,
    /// Whether Kyverno is installed (it clones the tenant Secret itself).
    pub kyverno: bool,
    /// Whether `<flux namespace>/flux-<tenant>` exists already.
    pub source_secret: Option<bool>,
    /// Things worth telling the user that do not stop the run.
    pub warnings: Vec<String>,
}

/// One applied object and the verb to show (`created`, `unchanged`, `created (copy)` …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// `Kind/namespace/name`.
    pub object: String,
    /// What happened.
    pub result: String,
}

fn gvr(obj: &Value) -> (String, String, bool) {
    let gvk = Gvk::from_api_version(
        obj.get("apiVersion").and_then(Value::as_str).unwrap_or_default(),
        obj.get("kind").and_then(Value::as_str).unwrap_or_default(),
    );
    match find_known(&gvk.group, &gvk.kind) {
        Some(k) => (k.group.to_string(), k.plural.to_string(), k.namespaced),
        None => (gvk.group, format!("{}s", gvk.kind.to_ascii_lowercase()), true),
    }
}

/// Asks the apiserver whether the caller may `verb` the resource (SelfSubjectAccessReview).
async fn may(
    target: &KubeTarget,
    verb: &str,
    group: &str,
    resource: &str,
    namespace: Option<&str>,
) -> Result<bool, KubeError> {
    target.can_i(verb, group, resource, namespace, None).await
}

fn resource_name(group: &str, resource: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

/// Read-only checks on one cluster whose Flux runs in `flux_namespace`; see the module
/// documentation.
pub async fn preflight(
    target: &KubeTarget,
    req: &ApplyRequest,
    flux_namespace: &str,
) -> Result<Preflight, ClusterError> {
    target.server_version().await?;
    if req.namespace == flux_namespace {
        return Err(ClusterError::FluxNamespace {
            namespace: req.namespace.clone(),
        });
    }
    let mut warnings = Vec::new();

    // Every kind served (discovery): a missing Flux CRD is named here, not by a "404 page not
    // found" after the Namespace and its RBAC were created.
    let resolver = Resolver::new(target.clone());
    for obj in &req.objects {
        let gvk = Gvk::from_api_version(
            obj.get("apiVersion").and_then(Value::as_str).unwrap_or_default(),
            obj.get("kind").and_then(Value::as_str).unwrap_or_default(),
        );
        resolver.served(&gvk).await?;
    }

    // Rights next: a clear "not allowed" beats a 403 halfway through.
    let mut checks: Vec<(String, String, String, Option<String>)> = Vec::new();
    for obj in &req.objects {
        let (group, resource, namespaced) = gvr(obj);
        let ns = namespaced.then(|| req.namespace.clone());
        for verb in ["create", "patch"] {
            let check = (verb.to_string(), group.clone(), resource.clone(), ns.clone());
            if !checks.contains(&check) {
                checks.push(check);
            }
        }
    }
    if req.writes_secret {
        for verb in ["create", "update"] {
            checks.push((
                verb.into(),
                String::new(),
                "secrets".into(),
                Some(flux_namespace.into()),
            ));
        }
    }
    if req.propagate {
        for verb in ["create", "update"] {
            checks.push((
                verb.into(),
                String::new(),
                "secrets".into(),
                Some(req.namespace.clone()),
            ));
        }
    }
    let answers = futures::future::join_all(
        checks
            .iter()
            .map(|(verb, group, resource, ns)| may(target, verb, group, resource, ns.as_deref())),
    )
    .await;
    for ((verb, group, resource, ns), answer) in checks.iter().zip(answers) {
        if !answer? {
            return Err(ClusterError::Forbidden {
                verb: verb.clone(),
                resource: resource_name(group, resource),
                scope: ns.clone(),
            });
        }
    }

    let namespaces: Api<Namespace> = Api::all(target.client.clone());
    if namespaces
        .get_opt(flux_namespace)
        .await
        .map_err(|e| target.err(format!("get namespace {flux_namespace}"), e))?
        .is_none()
    {
        return Err(ClusterError::NoFluxNamespace {
            namespace: flux_namespace.to_string(),
        });
    }
    let runtime_info = req.layout.runtime_info();
    let cms: Api<ConfigMap> = Api::namespaced(target.client.clone(), flux_namespace);
    let Some(cm) = cms
        .get_opt(runtime_info)
        .await
        .map_err(|e| target.err(format!("get ConfigMap {flux_namespace}/{runtime_info}"), e))?
    else {
        return Err(ClusterError::NoRuntimeInfo {
            namespace: flux_namespace.to_string(),
            name: runtime_info.to_string(),
        });
    };
    let vars: BTreeMap<String, String> = cm.data.unwrap_or_default();
    let origin = format!("{flux_namespace}/{runtime_info}");
    let objects = req
        .objects
        .iter()
        .map(|o| substitute(o, &vars, &origin))
        .collect::<Result<Vec<_>, _>>()?;

    let existing = namespaces
        .get_opt(&req.namespace)
        .await
        .map_err(|e| target.err(format!("get namespace {}", req.namespace), e))?;
    if existing.is_none() && req.existing_namespace {
        return Err(ClusterError::NoNamespace {
            namespace: req.namespace.clone(),
        });
    }
    let owner_label = req.layout.namespace_owner_label();
    if let Some(ns) = existing {
        match ns.metadata.labels.as_ref().and_then(|l| l.get(owner_label)) {
            Some(owner) if *owner != req.tenant => {
                return Err(ClusterError::NamespaceOwned {
                    namespace: req.namespace.clone(),
                    owner: owner.clone(),
                });
            }
            Some(_) => {}
            None => warnings.push(format!(
                "namespace {} already exists without label {owner_label}; it is adopted by tenant {}",
                req.namespace, req.tenant
            )),
        }
    }
    if req.layout.namespace_sync() == NamespaceSync::PerComponent {
        // keos: no tenant Secret, and kubernetes-replicator (not Kyverno) copies the runtime info.
        return Ok(Preflight {
            flux_namespace: flux_namespace.to_string(),
            objects,
            kyverno: false,
            source_secret: None,
            warnings,
        });
    }

    let kyverno = crd_exists(target, KYVERNO_CRD).await?;
    let secret_name = req.layout.tenant_secret(&req.tenant);
    let source_secret = if req.writes_secret {
        None
    } else {
        let secrets: Api<Secret> = Api::namespaced(target.client.clone(), flux_namespace);
        match secrets.get_metadata_opt(&secret_name).await {
            Ok(found) => Some(found.is_some()),
            Err(kube::Error::Api(s)) if s.code == 403 => {
                warnings.push(format!(
                    "cannot read Secret {flux_namespace}/{secret_name} (forbidden): its presence is not checked"
                ));
                None
            }
            Err(e) => {
                return Err(target
                    .err(format!("get Secret {flux_namespace}/{secret_name}"), e)
                    .into());
            }
        }
    };
    if source_secret == Some(false) {
        warnings.push(format!(
            "Secret {flux_namespace}/{secret_name} does not exist: GitRepository {secret_name} cannot authenticate until it does (pass --token NAME, --token-stdin or --token-env VAR)"
        ));
    }
    if !kyverno && !req.propagate {
        warnings.push(format!(
            "no Kyverno on this cluster: nothing copies Secret {secret_name} and ConfigMap {runtime_info} into namespace {} (re-run with --propagate)",
            req.namespace
        ));
    }
    Ok(Preflight {
        flux_namespace: flux_namespace.to_string(),
        objects,
        kyverno,
        source_secret,
        warnings,
    })
}

/// Whether a CRD is installed. A caller who may not read CRDs is told so, and Kyverno is assumed
/// absent (copies are harmless where Kyverno also clones).
async fn crd_exists(target: &KubeTarget, name: &str) -> Result<bool, KubeError> {
    let known = find_known("apiextensions.k8s.io", "CustomResourceDefinition")
        .expect("CustomResourceDefinition is a known kind");
    let api = Resolver::new(target.clone()).api(&known.api_resource(), false, None);
    match api.get_metadata_opt(name).await {
        Ok(found) => Ok(found.is_some()),
        Err(kube::Error::Api(s)) if s.code == 403 => Ok(false),
        Err(e) => Err(target.err(format!("get CustomResourceDefinition {name}"), e)),
    }
}

/// Applies the tenant to one cluster after a successful preflight. Results are appended to
/// `applied` as they happen, so a failure still shows what was done before it.
pub async fn apply(
    target: &KubeTarget,
    req: &ApplyRequest,
    pre: &Preflight,
    applied: &mut Vec<Applied>,
    warnings: &mut Vec<String>,
) -> Result<(), ClusterError> {
    let secret_name = req.layout.tenant_secret(&req.tenant);
    let flux_namespace = pre.flux_namespace.as_str();
    if let Some(s) = &req.secret {
        let secret = s.secret(flux_namespace, &req.tenant);
        let outcome = upsert_git_secret(target, &secret, &s.auth).await?;
        applied.push(Applied {
            object: format!("Secret/{}/{}", secret.namespace, secret.name),
            result: outcome.verb().to_string(),
        });
    }
    let applier = Applier::new(Resolver::new(target.clone()));
    for obj in &pre.objects {
        let (outcome, _) = applier.apply(obj).await?;
        applied.push(Applied {
            object: object_ref(obj),
            result: outcome.verb().to_string(),
        });
    }
    if req.propagate {
        if pre.kyverno {
            warnings.push(format!(
                "Kyverno is installed: it clones Secret {secret_name} into tenant namespaces, so --propagate made no copies"
            ));
        } else {
            let namespaces = propagate::tenant_namespaces(target, &req.tenant, flux_namespace).await?;
            let push = |applied: &mut Vec<Applied>, results: Vec<CopyResult>| {
                for r in results {
                    applied.push(Applied {
                        object: r.object_ref(),
                        result: r.verb(),
                    });
                }
            };
            let source = |name| propagate::Source {
                namespace: flux_namespace,
                name,
            };
            match propagate::sync_copies(target, CopyKind::Secret, source(&secret_name), &namespaces).await? {
                Some(results) => push(applied, results),
                None => warnings.push(format!(
                    "Secret {flux_namespace}/{secret_name} does not exist: nothing to copy"
                )),
            }
            let runtime_info = req.layout.runtime_info();
            if let Some(results) =
                propagate::sync_copies(target, CopyKind::ConfigMap, source(runtime_info), &namespaces).await?
            {
                push(applied, results);
            }
        }
    }
    warnings.extend(access_review(target, &req.namespace, &secret_name, &req.role).await);
    Ok(())
}

/// What the tenant ServiceAccount can do, asked of the apiserver (SubjectAccessReview). Returns
/// warnings; an apiserver that refuses the review only costs the check.
pub async fn access_review(
    target: &KubeTarget,
    namespace: &str,
    service_account: &str,
    role: &str,
) -> Vec<String> {
    let user = format!("system:serviceaccount:{namespace}:{service_account}");
    let ask = |verb: &'static str, group: &'static str, resource: &'static str, ns: Option<&str>| {
        let review = SubjectAccessReview {
            spec: SubjectAccessReviewSpec {
                user: Some(user.clone()),
                groups: Some(vec![
                    "system:serviceaccounts".into(),
                    format!("system:serviceaccounts:{namespace}"),
                    "system:authenticated".into(),
                ]),
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(verb.into()),
                    group: Some(group.into()),
                    resource: Some(resource.into()),
                    namespace: ns.map(str::to_string),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let api: Api<SubjectAccessReview> = Api::all(target.client.clone());
        async move {
            api.create(&PostParams::default(), &review)
                .await
                .map(|r| r.status.is_some_and(|s| s.allowed))
        }
    };
    let expected = [
        ("apps", "deployments"),
        ("helm.toolkit.fluxcd.io", "helmreleases"),
        ("kustomize.toolkit.fluxcd.io", "kustomizations"),
    ];
    let forbidden = [("rbac.authorization.k8s.io", "clusterroles"), ("", "namespaces")];
    let mut warnings = Vec::new();
    let mut missing = Vec::new();
    for (group, resource) in expected {
        match ask("create", group, resource, Some(namespace)).await {
            Ok(true) => {}
            Ok(false) => missing.push(resource_name(group, resource)),
            Err(_) => return warnings,
        }
    }
    if !missing.is_empty() {
        let why = if missing.len() == expected.len() {
            format!(
                "ClusterRole {role} grants none of them (aggregated roles such as admin stay empty until kube-controller-manager aggregates them)"
            )
        } else if role == "admin" {
            "ClusterRole admin covers Flux kinds only through Flux's aggregated ClusterRoles (flux-edit, flux-view), which this cluster lacks".to_string()
        } else {
            format!("ClusterRole {role} does not grant them")
        };
        warnings.push(format!(
            "ServiceAccount {namespace}/{service_account} cannot create {} in {namespace}: {why}",
            missing.join(", "),
        ));
    }
    if let Ok(true) = ask("update", "", "resourcequotas", Some(namespace)).await {
        warnings.push(format!(
            "ServiceAccount {namespace}/{service_account} can change ResourceQuotas in {namespace}: the tenant can lift the limits set for it"
        ));
    }
    for (group, resource) in forbidden {
        if let Ok(true) = ask("create", group, resource, None).await {
            warnings.push(format!(
                "ServiceAccount {namespace}/{service_account} can create {} cluster-wide: the tenant is not confined to its namespace",
                resource_name(group, resource)
            ));
        }
    }
    warnings
}
