//! The kinds the suite works with, resolved without discovery where we know them, and with one
//! discovery call per API group (cached) for everything else, e.g. inventory entries of CRDs.

use std::{collections::HashMap, sync::Mutex};

use kube::{
    Api,
    api::{ApiResource, DynamicObject, GroupVersionKind},
    discovery::Scope,
};

use super::{client::KubeTarget, error::KubeError};

/// Group, version and kind of an object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gvk {
    /// API group, "" for the core group.
    pub group: String,
    /// API version, e.g. `v1`.
    pub version: String,
    /// Kind, e.g. `Kustomization`.
    pub kind: String,
}

impl Gvk {
    /// Parses `apiVersion` (`group/version` or `version`) and `kind`.
    pub fn from_api_version(api_version: &str, kind: &str) -> Self {
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.to_string()),
        };
        Gvk {
            group,
            version,
            kind: kind.to_string(),
        }
    }

    /// The `apiVersion` string.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// A kind we use directly, so no discovery round trip is needed for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownKind {
    /// API group.
    pub group: &'static str,
    /// Preferred served version.
    pub version: &'static str,
    /// Kind.
    pub kind: &'static str,
    /// Resource (plural).
    pub plural: &'static str,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// Short names users type (`ks`, `hr`, …), lower case.
    pub aliases: &'static [&'static str],
}

impl KnownKind {
    /// The `ApiResource` for dynamic APIs.
    pub fn api_resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(self.group, self.version, self.kind),
            self.plural,
        )
    }

    /// Whether this is a Flux (toolkit or operator) kind.
    pub fn is_flux(&self) -> bool {
        is_flux_group(self.group)
    }
}

/// Whether an API group belongs to Flux or the Flux Operator.
pub fn is_flux_group(group: &str) -> bool {
    group.ends_with("toolkit.fluxcd.io") || group == "fluxcd.controlplane.io"
}

macro_rules! kinds {
    ($(($group:expr, $version:expr, $kind:expr, $plural:expr, $ns:expr, [$($alias:expr),*])),* $(,)?) => {
        &[$(KnownKind { group: $group, version: $version, kind: $kind, plural: $plural, namespaced: $ns, aliases: &[$($alias),*] }),*]
    };
}

static KNOWN: &[KnownKind] = kinds![
    (
        "kustomize.toolkit.fluxcd.io",
        "v1",
        "Kustomization",
        "kustomizations",
        true,
        ["ks", "kustomization", "kustomizations"]
    ),
    (
        "helm.toolkit.fluxcd.io",
        "v2",
        "HelmRelease",
        "helmreleases",
        true,
        ["hr", "helmrelease", "helmreleases"]
    ),
    (
        "source.toolkit.fluxcd.io",
        "v1",
        "GitRepository",
        "gitrepositories",
        true,
        ["gitrepo", "gitrepository", "gitrepositories"]
    ),
    (
        "source.toolkit.fluxcd.io",
        "v1",
        "OCIRepository",
        "ocirepositories",
        true,
        ["ocirepo", "ocirepository", "ocirepositories"]
    ),
    (
        "source.toolkit.fluxcd.io",
        "v1",
        "HelmRepository",
        "helmrepositories",
        true,
        ["helmrepo", "helmrepository", "helmrepositories"]
    ),
    (
        "source.toolkit.fluxcd.io",
        "v1",
        "HelmChart",
        "helmcharts",
        true,
        ["hc", "helmchart", "helmcharts"]
    ),
    (
        "source.toolkit.fluxcd.io",
        "v1",
        "Bucket",
        "buckets",
        true,
        ["bucket", "buckets"]
    ),
    (
        "source.toolkit.fluxcd.io",
        "v1",
        "ExternalArtifact",
        "externalartifacts",
        true,
        ["externalartifact"]
    ),
    (
        "notification.toolkit.fluxcd.io",
        "v1beta3",
        "Alert",
        "alerts",
        true,
        ["alert", "alerts"]
    ),
    (
        "notification.toolkit.fluxcd.io",
        "v1beta3",
        "Provider",
        "providers",
        true,
        ["provider", "providers"]
    ),
    (
        "notification.toolkit.fluxcd.io",
        "v1",
        "Receiver",
        "receivers",
        true,
        ["receiver", "receivers"]
    ),
    (
        "image.toolkit.fluxcd.io",
        "v1",
        "ImageRepository",
        "imagerepositories",
        true,
        ["imagerepo", "imagerepository"]
    ),
    (
        "image.toolkit.fluxcd.io",
        "v1",
        "ImagePolicy",
        "imagepolicies",
        true,
        ["imagepolicy", "imagepolicies"]
    ),
    (
        "image.toolkit.fluxcd.io",
        "v1",
        "ImageUpdateAutomation",
        "imageupdateautomations",
        true,
        ["iua", "imageupdateautomation"]
    ),
    (
        "fluxcd.controlplane.io",
        "v1",
        "FluxInstance",
        "fluxinstances",
        true,
        ["instance", "fluxinstance", "fluxinstances"]
    ),
    (
        "fluxcd.controlplane.io",
        "v1",
        "FluxReport",
        "fluxreports",
        true,
        ["report", "fluxreport"]
    ),
    (
        "fluxcd.controlplane.io",
        "v1",
        "ResourceSet",
        "resourcesets",
        true,
        ["rset", "resourceset", "resourcesets"]
    ),
    (
        "fluxcd.controlplane.io",
        "v1",
        "ResourceSetInputProvider",
        "resourcesetinputproviders",
        true,
        ["rsip", "resourcesetinputprovider"]
    ),
    (
        "",
        "v1",
        "Namespace",
        "namespaces",
        false,
        ["ns", "namespace", "namespaces"]
    ),
    (
        "",
        "v1",
        "ConfigMap",
        "configmaps",
        true,
        ["cm", "configmap", "configmaps"]
    ),
    ("", "v1", "Secret", "secrets", true, ["secret", "secrets"]),
    (
        "",
        "v1",
        "ServiceAccount",
        "serviceaccounts",
        true,
        ["sa", "serviceaccount"]
    ),
    (
        "",
        "v1",
        "Service",
        "services",
        true,
        ["svc", "service", "services"]
    ),
    (
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
        ["pvc", "persistentvolumeclaim"]
    ),
    ("", "v1", "Pod", "pods", true, ["po", "pod", "pods"]),
    (
        "apps",
        "v1",
        "Deployment",
        "deployments",
        true,
        ["deploy", "deployment", "deployments"]
    ),
    (
        "apps",
        "v1",
        "StatefulSet",
        "statefulsets",
        true,
        ["sts", "statefulset", "statefulsets"]
    ),
    (
        "apps",
        "v1",
        "DaemonSet",
        "daemonsets",
        true,
        ["ds", "daemonset", "daemonsets"]
    ),
    ("batch", "v1", "Job", "jobs", true, ["job", "jobs"]),
    (
        "batch",
        "v1",
        "CronJob",
        "cronjobs",
        true,
        ["cj", "cronjob", "cronjobs"]
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "Role",
        "roles",
        true,
        ["role", "roles"]
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
        ["rolebinding", "rolebindings"]
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
        ["clusterrole", "clusterroles"]
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
        ["clusterrolebinding", "clusterrolebindings"]
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
        ["crd", "crds", "customresourcedefinition"]
    ),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
        ["netpol", "networkpolicy"]
    ),
    (
        "networking.k8s.io",
        "v1",
        "Ingress",
        "ingresses",
        true,
        ["ing", "ingress", "ingresses"]
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
        []
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
        []
    ),
    (
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
        ["pdb"]
    ),
];

/// Every kind the suite knows without discovery.
pub fn known_kinds() -> &'static [KnownKind] {
    KNOWN
}

/// Looks up a known kind by group and kind.
pub fn find_known(group: &str, kind: &str) -> Option<&'static KnownKind> {
    KNOWN.iter().find(|k| k.group == group && k.kind == kind)
}

/// Looks up a known kind by what users type: a short name, singular or plural, or the kind itself,
/// case-insensitively.
pub fn find_alias(word: &str) -> Option<&'static KnownKind> {
    let lower = word.to_ascii_lowercase();
    KNOWN
        .iter()
        .find(|k| k.kind.eq_ignore_ascii_case(&lower) || k.aliases.contains(&lower.as_str()))
}

/// Resolves kinds to API resources for one cluster, caching discovery results.
pub struct Resolver {
    target: KubeTarget,
    cache: Mutex<HashMap<(String, String), (ApiResource, bool)>>,
    /// What discovery said each group-version serves (`None`: the group-version is not served).
    served: Mutex<HashMap<(String, String), Option<ServedKinds>>>,
}

/// The kinds one group-version serves, with their scope (namespaced or not).
type ServedKinds = Vec<(ApiResource, bool)>;

impl Resolver {
    /// A resolver for one cluster.
    pub fn new(target: KubeTarget) -> Self {
        Resolver {
            target,
            cache: Mutex::new(HashMap::new()),
            served: Mutex::new(HashMap::new()),
        }
    }

    /// The target this resolver talks to.
    pub fn target(&self) -> &KubeTarget {
        &self.target
    }

    /// The API resource and scope of `group`/`kind`. Known kinds cost nothing; others cost one
    /// discovery call per group (the preferred version), or per group-version when `version` is given.
    pub async fn resolve(
        &self,
        group: &str,
        version: Option<&str>,
        kind: &str,
    ) -> Result<(ApiResource, bool), KubeError> {
        if let Some(k) = find_known(group, kind)
            && version.is_none_or(|v| v == k.version)
        {
            return Ok((k.api_resource(), k.namespaced));
        }
        let key = (group.to_string(), kind.to_string());
        if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
        let client = &self.target.client;
        let found = match version {
            Some(v) => kube::discovery::pinned_kind(client, &GroupVersionKind::gvk(group, v, kind))
                .await
                .map(Some),
            None => kube::discovery::group(client, group)
                .await
                .map(|g| g.recommended_kind(kind)),
        };
        let (ar, caps) = match found {
            Ok(Some(hit)) => hit,
            Ok(None) => return Err(self.unknown(group, kind)),
            Err(kube::Error::Api(s)) if s.code == 404 => return Err(self.unknown(group, kind)),
            Err(kube::Error::Discovery(_)) => return Err(self.unknown(group, kind)),
            Err(e) => return Err(self.target.err(format!("discover {kind} ({group})"), e)),
        };
        let value = (ar, caps.scope == Scope::Namespaced);
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, value.clone());
        }
        Ok(value)
    }

    /// The API resource and scope of `gvk` as the cluster serves it, asked by discovery even for
    /// known kinds (one call per group-version, cached): preflights use it so a missing CRD is
    /// named before the first write ([`KubeError::NotServed`]).
    pub async fn served(&self, gvk: &Gvk) -> Result<(ApiResource, bool), KubeError> {
        let key = (gvk.group.clone(), gvk.version.clone());
        let cached = self.served.lock().ok().and_then(|c| c.get(&key).cloned());
        let resources = match cached {
            Some(hit) => hit,
            None => {
                let gv = kube::core::GroupVersion::gv(&gvk.group, &gvk.version);
                let found = match kube::discovery::pinned_group(&self.target.client, &gv).await {
                    Ok(group) => Some(
                        group
                            .versioned_resources(&gvk.version)
                            .into_iter()
                            .map(|(ar, caps)| (ar, caps.scope == Scope::Namespaced))
                            .collect::<Vec<_>>(),
                    ),
                    Err(kube::Error::Api(s)) if s.code == 404 => None,
                    Err(kube::Error::Discovery(_)) => None,
                    Err(e) => {
                        return Err(self.target.err(format!("discover {}", gvk.api_version()), e));
                    }
                };
                if let Ok(mut c) = self.served.lock() {
                    c.insert(key, found.clone());
                }
                found
            }
        };
        resources
            .into_iter()
            .flatten()
            .find(|(ar, _)| ar.kind == gvk.kind)
            .ok_or_else(|| self.not_served(gvk))
    }

    fn not_served(&self, gvk: &Gvk) -> KubeError {
        let crd = (!gvk.group.is_empty() && !gvk.group.ends_with(".k8s.io") && gvk.group.contains('.')).then(
            || {
                let plural = find_known(&gvk.group, &gvk.kind)
                    .map(|k| k.plural.to_string())
                    .unwrap_or_else(|| format!("{}s", gvk.kind.to_ascii_lowercase()));
                format!("{plural}.{}", gvk.group)
            },
        );
        KubeError::NotServed {
            context: self.target.context.clone(),
            kind: gvk.kind.clone(),
            api_version: gvk.api_version(),
            crd,
        }
    }

    fn unknown(&self, group: &str, kind: &str) -> KubeError {
        KubeError::UnknownKind {
            context: self.target.context.clone(),
            group: if group.is_empty() {
                "core".into()
            } else {
                group.into()
            },
            kind: kind.into(),
        }
    }

    /// A dynamic API for the kind, namespaced when the kind is and `namespace` is given.
    pub fn api(&self, ar: &ApiResource, namespaced: bool, namespace: Option<&str>) -> Api<DynamicObject> {
        match (namespaced, namespace) {
            (true, Some(ns)) => Api::namespaced_with(self.target.client.clone(), ns, ar),
            _ => Api::all_with(self.target.client.clone(), ar),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_api_versions() {
        assert_eq!(Gvk::from_api_version("v1", "ConfigMap").group, "");
        let g = Gvk::from_api_version("kustomize.toolkit.fluxcd.io/v1", "Kustomization");
        assert_eq!(
            (g.group.as_str(), g.version.as_str()),
            ("kustomize.toolkit.fluxcd.io", "v1")
        );
        assert_eq!(g.api_version(), "kustomize.toolkit.fluxcd.io/v1");
    }

    #[test]
    fn finds_aliases_case_insensitively() {
        assert_eq!(find_alias("ks").map(|k| k.kind), Some("Kustomization"));
        assert_eq!(find_alias("HelmRelease").map(|k| k.kind), Some("HelmRelease"));
        assert_eq!(find_alias("rset").map(|k| k.kind), Some("ResourceSet"));
        assert_eq!(find_alias("instance").map(|k| k.kind), Some("FluxInstance"));
        assert!(find_alias("nothing").is_none());
    }

    #[test]
    fn aliases_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in known_kinds() {
            for a in k.aliases {
                assert!(seen.insert(*a), "alias {a} used twice");
            }
        }
    }
}
