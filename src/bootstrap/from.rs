//! `bootstrap init NEW --from OTHER`: read another cluster's directory back into a
//! [`ClusterSpec`] (so flags can override any of it) and keep its objects, so that re-targeting
//! preserves what the platform team changed by hand (patches, intervals, extra fields).

use std::{collections::BTreeMap, path::Path};

use serde_json::Value;

use super::{
    BootstrapError,
    clusterdir::locate,
    files::{read, yaml_files},
    profile::CLUSTER_KUSTOMIZATION,
    render::is_automation_patch,
    spec::{
        ClusterLayout, ClusterSpec, DEFAULT_BRANCH, DEFAULT_CLUSTER_TYPE, DEFAULT_DNS_DOMAIN,
        DEFAULT_FLUX_VERSION, DEFAULT_INSTANCE_COMPONENTS, DEFAULT_NAMESPACE, DEFAULT_OPERATOR_CHART,
        DEFAULT_REGISTRY, DEFAULT_TENANT_SERVICE_ACCOUNT, Distribution, FromCluster, KNOWN_COMPONENTS,
        RUNTIME_KEYS, RuntimeInfo,
    },
};
use crate::repo::names::GitProvider;
use crate::{
    error::Result,
    manifests::{
        pointer::{self, bool_at, string_at},
        yaml,
    },
    repo::FleetRepo,
};

fn one_object(repo: &FleetRepo, rel: &Path, kind: &str) -> Result<Option<Value>> {
    if !repo.path(rel).is_file() {
        return Ok(None);
    }
    let text = read(repo, rel)?;
    let docs = yaml::objects_from_multi_doc(&text, &rel.display().to_string())?;
    match docs.as_slice() {
        [one] if pointer::kind(one) == kind => Ok(Some(one.clone())),
        _ => Err(BootstrapError::InvalidClusterDir {
            path: rel.to_path_buf(),
            reason: format!("expected a single {kind}"),
        }
        .into()),
    }
}

fn required(rel: &Path, v: Option<Value>) -> Result<Value, BootstrapError> {
    v.ok_or_else(|| BootstrapError::InvalidClusterDir {
        path: rel.to_path_buf(),
        reason: "missing: --from needs it to copy the cluster's settings".into(),
    })
}

/// Reads `clusters/OTHER`.
pub fn read_cluster(repo: &FleetRepo, other: &str) -> Result<FromCluster> {
    let dir = locate(repo, other)?;
    let fs = dir.join("flux-system");
    let layout = if repo.path(fs.join("flux-instance.yaml")).is_file() {
        ClusterLayout::D1
    } else if repo.path(fs.join("gotk-sync.yaml")).is_file() {
        ClusterLayout::Classic
    } else {
        return Err(BootstrapError::InvalidClusterDir {
            path: dir,
            reason: "neither flux-system/flux-instance.yaml (d1) nor flux-system/gotk-sync.yaml (classic): \
                     --from cannot tell its layout"
                .into(),
        }
        .into());
    };

    let runtime_rel = dir.join("runtime-info.yaml");
    let runtime = required(&runtime_rel, one_object(repo, &runtime_rel, "ConfigMap")?)?;
    let data = runtime.get("data").and_then(Value::as_object);
    let get = |k: &str| {
        data.and_then(|d| d.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_default()
    };
    let extra: Vec<(String, String)> = data
        .map(|d| {
            d.iter()
                .filter(|(k, _)| !RUNTIME_KEYS.iter().any(|(key, _)| key == k))
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let runtime_info = RuntimeInfo {
        environment: get("ENVIRONMENT"),
        git_branch: get("GIT_BRANCH"),
        cluster_name: get("CLUSTER_NAME"),
        cluster_domain: get("CLUSTER_DOMAIN"),
        extra,
    };

    let mut objects = BTreeMap::new();
    objects.insert("runtime-info.yaml".to_string(), runtime);
    for t in ["infra-tenant.yaml", "apps-tenant.yaml"] {
        if let Some(o) = one_object(repo, &dir.join(t), "Kustomization")? {
            objects.insert(t.to_string(), o);
        }
    }
    let apps_deletes_automation = objects
        .get("apps-tenant.yaml")
        .and_then(|o| o.pointer("/spec/patches"))
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(is_automation_patch));

    let (spec, sync_docs, components_manifest) = match layout {
        ClusterLayout::D1 => {
            let rel = fs.join("flux-instance.yaml");
            let fi = required(&rel, one_object(repo, &rel, "FluxInstance")?)?;
            if let Some(kind) = string_at(&fi, "/spec/sync/kind")
                && kind != "GitRepository"
            {
                return Err(BootstrapError::InvalidClusterDir {
                    path: rel,
                    reason: format!("spec.sync.kind is {kind}; --from re-targets GitRepository syncs only"),
                }
                .into());
            }
            let components: Vec<String> = fi
                .pointer("/spec/components")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_string)).collect())
                .unwrap_or_else(|| {
                    DEFAULT_INSTANCE_COMPONENTS
                        .iter()
                        .map(|c| c.to_string())
                        .collect()
                });
            let automation = components.iter().any(|c| c == "image-automation-controller");
            let namespace = string_at(&fi, "/metadata/namespace").unwrap_or_else(|| DEFAULT_NAMESPACE.into());
            let resource_set = one_object(repo, &fs.join("flux-operator.yaml"), "ResourceSet")?;
            // No ResourceSet: the new cluster gets none either (`--operator-chart none`).
            let operator_chart = resource_set.as_ref().map(|rs| {
                rs.pointer("/spec/resources")
                    .and_then(Value::as_array)
                    .and_then(|rs| rs.iter().find(|r| pointer::kind(r) == "OCIRepository"))
                    .and_then(|r| string_at(r, "/spec/url"))
                    .unwrap_or_else(|| DEFAULT_OPERATOR_CHART.into())
            });
            let spec = ClusterSpec {
                cluster: other.to_string(),
                namespace,
                layout,
                runtime: runtime_info,
                automation,
                git_url: string_at(&fi, "/spec/sync/url").unwrap_or_default(),
                git_ref: string_at(&fi, "/spec/sync/ref")
                    .unwrap_or_else(|| ClusterSpec::branch_ref(DEFAULT_BRANCH)),
                pull_secret: string_at(&fi, "/spec/sync/pullSecret"),
                provider: GitProvider::from_field(string_at(&fi, "/spec/sync/provider").as_deref()),
                distribution: Distribution {
                    version: string_at(&fi, "/spec/distribution/version")
                        .unwrap_or_else(|| DEFAULT_FLUX_VERSION.into()),
                    registry: string_at(&fi, "/spec/distribution/registry")
                        .unwrap_or_else(|| DEFAULT_REGISTRY.into()),
                    artifact: string_at(&fi, "/spec/distribution/artifact"),
                    variant: string_at(&fi, "/spec/distribution/variant"),
                    image_pull_secret: string_at(&fi, "/spec/distribution/imagePullSecret"),
                },
                components,
                cluster_type: string_at(&fi, "/spec/cluster/type")
                    .unwrap_or_else(|| DEFAULT_CLUSTER_TYPE.into()),
                multitenant: bool_at(&fi, "/spec/cluster/multitenant").unwrap_or(false),
                tenant_default_service_account: string_at(&fi, "/spec/cluster/tenantDefaultServiceAccount")
                    .unwrap_or_else(|| DEFAULT_TENANT_SERVICE_ACCOUNT.into()),
                network_policy: bool_at(&fi, "/spec/cluster/networkPolicy").unwrap_or(true),
                dns_domain: string_at(&fi, "/spec/cluster/domain")
                    .unwrap_or_else(|| DEFAULT_DNS_DOMAIN.into()),
                patches: fi
                    .pointer("/spec/kustomize/patches")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                instance_wait: bool_at(&fi, "/spec/wait"),
                operator_chart,
            };
            objects.insert("flux-instance.yaml".to_string(), fi);
            if let Some(rs) = resource_set {
                objects.insert("flux-operator.yaml".to_string(), rs);
            }
            (spec, None, None)
        }
        ClusterLayout::Classic => {
            let sync_rel = fs.join("gotk-sync.yaml");
            let docs =
                yaml::objects_from_multi_doc(&read(repo, &sync_rel)?, &sync_rel.display().to_string())?;
            let repo_doc = docs
                .iter()
                .find(|d| pointer::kind(d) == "GitRepository")
                .ok_or_else(|| BootstrapError::InvalidClusterDir {
                    path: sync_rel.clone(),
                    reason: "no GitRepository".into(),
                })?;
            let components_rel = fs.join("gotk-components.yaml");
            let components_text = read(repo, &components_rel)?;
            let components: Vec<String> =
                yaml::objects_from_multi_doc(&components_text, &components_rel.display().to_string())?
                    .iter()
                    .filter(|o| pointer::kind(o) == "Deployment")
                    .filter_map(|o| string_at(o, "/metadata/name"))
                    .filter(|n| KNOWN_COMPONENTS.contains(&n.as_str()))
                    .collect();
            let k_rel = fs.join("kustomization.yaml");
            let kustomization: Value = yaml::from_str(&read(repo, &k_rel)?, &k_rel.display().to_string())?;
            let multitenant = serde_json::to_string(&kustomization)
                .unwrap_or_default()
                .contains("--no-cross-namespace-refs=true");
            let namespace =
                string_at(repo_doc, "/metadata/namespace").unwrap_or_else(|| DEFAULT_NAMESPACE.into());
            let branch = string_at(repo_doc, "/spec/ref/branch").unwrap_or_else(|| DEFAULT_BRANCH.into());
            let spec = ClusterSpec {
                cluster: other.to_string(),
                namespace,
                layout,
                runtime: runtime_info,
                automation: !apps_deletes_automation,
                git_url: string_at(repo_doc, "/spec/url").unwrap_or_default(),
                git_ref: ClusterSpec::branch_ref(&branch),
                pull_secret: string_at(repo_doc, "/spec/secretRef/name"),
                provider: GitProvider::from_field(string_at(repo_doc, "/spec/provider").as_deref()),
                distribution: Distribution {
                    version: DEFAULT_FLUX_VERSION.into(),
                    registry: DEFAULT_REGISTRY.into(),
                    artifact: None,
                    variant: None,
                    image_pull_secret: None,
                },
                components,
                cluster_type: DEFAULT_CLUSTER_TYPE.into(),
                multitenant,
                tenant_default_service_account: DEFAULT_TENANT_SERVICE_ACCOUNT.into(),
                network_policy: true,
                dns_domain: DEFAULT_DNS_DOMAIN.into(),
                patches: Vec::new(),
                instance_wait: None,
                operator_chart: None,
            };
            objects.insert("kustomization.yaml".to_string(), kustomization);
            (spec, Some(docs), Some(components_text))
        }
    };

    let known = layout.files();
    // A classic cluster's own kustomization.yaml (its profile) is copied and re-targeted.
    let k_rel = dir.join(CLUSTER_KUSTOMIZATION);
    let cluster_kustomization = match (layout, repo.path(&k_rel).is_file()) {
        (ClusterLayout::Classic, true) => Some(yaml::from_str::<Value>(
            &read(repo, &k_rel)?,
            &k_rel.display().to_string(),
        )?),
        _ => None,
    };
    let not_copied = yaml_files(&repo.path(&dir))?
        .into_iter()
        .filter_map(|abs| {
            let rel = abs
                .strip_prefix(repo.path(&dir))
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let copied = known.contains(&rel.as_str())
                || (cluster_kustomization.is_some() && rel == CLUSTER_KUSTOMIZATION);
            (!copied).then_some(rel)
        })
        .collect();
    Ok(FromCluster {
        spec,
        objects,
        sync_docs,
        components_manifest,
        not_copied,
        cluster_kustomization,
    })
}
