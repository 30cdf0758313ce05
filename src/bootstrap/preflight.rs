//! Read-only checks for one cluster, all run (for every cluster) before the first change anywhere:
//! the cluster answers, its Kubernetes version is one the Flux version supports, the user holds
//! every permission the bootstrap will use (SelfSubjectAccessReview), the operator's state is known
//! (install, upgrade or leave alone), and the git Secret can be written or already exists.

use k8s_openapi::api::core::v1::Secret;
use kube::{Api, api::ListParams};
use serde_json::Value;

use super::{
    access::{self, Access},
    clusterdir::ClusterDir,
    fleet::{SecretForm, live_provider_mismatch},
    operator::{self, OperatorAction, OperatorManifest},
    spec::ClusterLayout,
};
use crate::{
    credentials::cluster::reverting_kustomization,
    kube::{KubeError, KubeTarget, Resolver, find_known},
    manifests::pointer,
};

/// What preflight learned about a cluster that passed.
#[derive(Clone, Debug)]
pub struct Preflight {
    /// `GET /version`, e.g. `v1.36.3`.
    pub server_version: String,
    /// The operator plan (d1 only).
    pub operator: Option<OperatorAction>,
    /// The user the apiserver sees, when it says.
    pub user: Option<String>,
}

/// Why a cluster cannot be bootstrapped. The cluster is reported failed; others go on.
#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    /// The cluster could not be reached or answered with an error.
    #[error(transparent)]
    Kube(#[from] KubeError),
    /// The Kubernetes version is older than Flux supports.
    #[error("Kubernetes {version} is not supported by Flux {flux} (needs {minimum} or later)")]
    UnsupportedVersion {
        /// The server version.
        version: String,
        /// The minimum, e.g. `v1.32`.
        minimum: String,
        /// The Flux version expression.
        flux: String,
    },
    /// The user lacks permissions.
    #[error("{} lacks permissions: {}", user.as_deref().map(|u| format!("user '{u}'")).unwrap_or_else(|| "the user".into()), access::summarize(missing))]
    Forbidden {
        /// The user name, when known.
        user: Option<String>,
        /// What is missing.
        missing: Vec<Access>,
    },
    /// Another Flux Operator already runs in the cluster.
    #[error(
        "Flux Operator {version} already runs in namespace {namespace}; installing another in {target} would \
         make two operators reconcile the same FluxInstances (install into {namespace} with a matching \
         --operator-manifest, or remove the other one)"
    )]
    OperatorElsewhere {
        /// Where the running one is.
        namespace: String,
        /// Its version.
        version: String,
        /// Where bootstrap would install.
        target: String,
    },
    /// The cluster's sync source would be stuck with the form of the Secret the run writes.
    #[error("{reason}")]
    LiveProvider {
        /// Why, naming the source and what to do.
        reason: String,
    },
    /// The sync needs a git Secret, none exists and no token was given.
    #[error(
        "Secret {namespace}/{name} does not exist and no token was given (pass --token NAME, --token-stdin or --token-env VAR)"
    )]
    NoCredential {
        /// Namespace.
        namespace: String,
        /// Secret name.
        name: String,
    },
}

/// Parses `v1.36.3` (or `v1.30.2+k3s1`) into (major, minor).
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts.next()?.chars().take_while(char::is_ascii_digit).collect();
    Some((major, minor.parse().ok()?))
}

/// The oldest Kubernetes minor a Flux version supports: 2.4 needs 1.29 and each release after it
/// one more, up to 2.8 and later (and `2.x`, which resolves to the latest) needing 1.33.
pub fn minimum_kubernetes(flux: Option<&str>) -> (u32, u32) {
    let minor = flux.and_then(|f| {
        let mut p = f.trim_start_matches('v').split('.');
        let major = p.next()?;
        (major == "2").then_some(())?;
        p.next()?.parse::<u32>().ok()
    });
    match (flux, minor) {
        (None, _) => (1, 32),
        (Some(_), Some(m)) if m <= 7 => (1, 25 + m.max(4)),
        _ => (1, 33),
    }
}

/// Everything bootstrap will do on the cluster, as permissions.
async fn wanted(
    target: &KubeTarget,
    dir: &ClusterDir,
    operator: Option<(&OperatorManifest, &OperatorAction)>,
    secrets: &[String],
) -> Result<Vec<Access>, KubeError> {
    let resolver = Resolver::new(target.clone());
    let ns = dir.namespace.as_str();
    let mut out = vec![
        Access::new("get", "", "namespaces", None),
        Access::new("create", "", "namespaces", None),
    ];
    if let Some((manifest, action)) = operator {
        out.push(Access::new(
            "get",
            "apps",
            "deployments",
            Some(&manifest.namespace),
        ));
        if !matches!(action, OperatorAction::Skip { .. }) {
            out.extend(access::for_objects(&resolver, &manifest.objects).await?);
            out.push(Access::new(
                "get",
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                None,
            ));
        }
    }
    if !secrets.is_empty() {
        for verb in ["get", "create", "update"] {
            out.push(Access::new(verb, "", "secrets", Some(ns)));
        }
    }
    out.extend(access::for_objects(&resolver, &dir.objects).await?);
    if dir.layout == ClusterLayout::Classic
        && dir
            .objects
            .iter()
            .any(|o| pointer::kind(o) == "CustomResourceDefinition")
    {
        out.push(Access::new(
            "get",
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            None,
        ));
    }
    for w in &dir.wait_for {
        let gvk = crate::kube::Gvk::from_api_version(&w.api_version, &w.kind);
        let (ar, _) = resolver
            .resolve(&gvk.group, Some(&gvk.version), &gvk.kind)
            .await?;
        out.push(Access::new("get", &gvk.group, &ar.plural, Some(&w.namespace)));
    }
    Ok(out)
}

/// Runs every check for one cluster. `secrets` are the Secrets that will be written (the fleet
/// Secret when a token was given, tenant Secrets).
pub async fn check(
    target: &KubeTarget,
    dir: &ClusterDir,
    manifest: Option<&OperatorManifest>,
    forms: &[SecretForm],
) -> Result<Preflight, PreflightError> {
    let secrets: Vec<String> = forms.iter().map(|f| f.secret.clone()).collect();
    let server_version = target.server_version().await?;
    let minimum = minimum_kubernetes(dir.flux_version.as_deref());
    if let Some(v) = parse_version(&server_version)
        && v < minimum
    {
        return Err(PreflightError::UnsupportedVersion {
            version: server_version,
            minimum: format!("v{}.{}", minimum.0, minimum.1),
            flux: dir.flux_version.clone().unwrap_or_else(|| "2".into()),
        });
    }
    let user = access::whoami(target).await;

    let operator_plan = match (dir.layout, manifest) {
        (ClusterLayout::D1, Some(m)) => {
            let installed = match operator::installed(target, m).await {
                Ok(d) => d,
                // Reported below with every other missing permission.
                Err(e) if e.is_forbidden() => None,
                Err(e) => return Err(e.into()),
            };
            let action = operator::decide(m, installed.as_ref());
            if !matches!(action, OperatorAction::Skip { .. })
                && let Some((namespace, version)) =
                    operator::running_elsewhere(&operator::all_operators(target).await?, &m.namespace)
                        .into_iter()
                        .next()
            {
                return Err(PreflightError::OperatorElsewhere {
                    namespace,
                    version,
                    target: m.namespace.clone(),
                });
            }
            Some(action)
        }
        _ => None,
    };
    let wanted = wanted(target, dir, manifest.zip(operator_plan.as_ref()), &secrets).await?;
    let mut missing = access::missing(target, &wanted).await?;

    // Without a token the sync Secret must already exist (re-runs, or a Secret made another way).
    let mut no_credential = None;
    if let Some(name) = &dir.pull_secret
        && !secrets.contains(name)
    {
        let read = Access::new("get", "", "secrets", Some(&dir.namespace));
        if access::missing(target, std::slice::from_ref(&read))
            .await?
            .is_empty()
        {
            let api: Api<Secret> = Api::namespaced(target.client.clone(), &dir.namespace);
            let found = api
                .get_opt(name)
                .await
                .map_err(|e| target.err(format!("get Secret {}/{name}", dir.namespace), e))?;
            if found.is_none() {
                no_credential = Some(PreflightError::NoCredential {
                    namespace: dir.namespace.clone(),
                    name: name.clone(),
                });
            }
        } else {
            missing.push(read);
        }
    }
    if !missing.is_empty() {
        return Err(PreflightError::Forbidden { user, missing });
    }
    if let Some(e) = no_credential {
        return Err(e);
    }
    check_live_readers(target, &dir.namespace, forms).await?;
    Ok(Preflight {
        server_version,
        operator: operator_plan,
        user,
    })
}

/// Refuses the run when a sync source of `forms` (the GitRepository that fetches the fleet
/// repository, in `namespace`, the Secrets' namespace) runs on the cluster with a provider the
/// Secret written for it would leave stuck (see [`live_provider_mismatch`]): the fleet repository
/// may already say otherwise, but the cluster runs what Flux applied. Other sources are not
/// judged. One LIST; none when Flux's CRDs are not installed yet.
pub async fn check_live_readers(
    target: &KubeTarget,
    namespace: &str,
    forms: &[SecretForm],
) -> Result<(), PreflightError> {
    if forms.iter().all(|f| f.sources.is_empty()) {
        return Ok(());
    }
    let Some(known) = find_known("source.toolkit.fluxcd.io", "GitRepository") else {
        return Ok(());
    };
    let api = Resolver::new(target.clone()).api(&known.api_resource(), true, Some(namespace));
    let repos = match api.list(&ListParams::default()).await {
        Ok(list) => list.items,
        Err(e) => {
            let e = target.err(format!("list GitRepositories in namespace {namespace}"), e);
            if e.is_not_found() {
                return Ok(());
            }
            if e.is_forbidden() {
                return Err(PreflightError::Forbidden {
                    user: access::whoami(target).await,
                    missing: vec![Access::new("list", known.group, known.plural, Some(namespace))],
                });
            }
            return Err(e.into());
        }
    };
    for repo in &repos {
        let secret = repo.data.pointer("/spec/secretRef/name").and_then(Value::as_str);
        let name = repo.metadata.name.as_deref().unwrap_or_default();
        let Some(form) = forms
            .iter()
            .find(|f| Some(f.secret.as_str()) == secret && f.sources.iter().any(|s| s == name))
        else {
            continue;
        };
        let what = format!("GitRepository {namespace}/{name}");
        let provider = repo.data.pointer("/spec/provider").and_then(Value::as_str);
        let applied_by =
            reverting_kustomization(repo.metadata.labels.as_ref(), repo.metadata.annotations.as_ref())
                .or_else(|| form.applied_by.clone());
        if let Some(reason) = live_provider_mismatch(form, &what, provider, applied_by.as_deref()) {
            return Err(PreflightError::LiveProvider { reason });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_server_versions() {
        assert_eq!(parse_version("v1.36.3"), Some((1, 36)));
        assert_eq!(parse_version("v1.30.2+k3s1"), Some((1, 30)));
        assert_eq!(parse_version("v1.29"), Some((1, 29)));
        assert_eq!(parse_version("garbage"), None);
    }

    #[test]
    fn flux_versions_map_to_minimum_kubernetes() {
        assert_eq!(minimum_kubernetes(Some("2.7.x")), (1, 32));
        assert_eq!(minimum_kubernetes(Some("2.6.4")), (1, 31));
        assert_eq!(minimum_kubernetes(Some("2.x")), (1, 33));
        assert_eq!(minimum_kubernetes(Some("2.9.x")), (1, 33));
        assert_eq!(minimum_kubernetes(None), (1, 32));
        assert!(parse_version("v1.31.0").expect("parses") < minimum_kubernetes(Some("2.7.x")));
    }
}
