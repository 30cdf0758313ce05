//! `bootstrap init`'s generators: a [`ClusterSpec`] → the files of `clusters/CLUSTER/`.
//!
//! The d1 layout (d1-architecture.md §4) is five files: `flux-system/flux-instance.yaml`,
//! `flux-system/flux-operator.yaml`, `runtime-info.yaml`, `infra-tenant.yaml` and
//! `apps-tenant.yaml`, and deliberately no `kustomization.yaml` (kustomize-controller generates one
//! and so picks up every file). The classic layout (§14, the `flux bootstrap` era, still used by
//! keos fleets) replaces the two operator files by `flux-system/gotk-components.yaml` (supplied by
//! the user), `gotk-sync.yaml` and a `kustomization.yaml` carrying the multi-tenancy patches.
//!
//! Every object is built as JSON in a fixed key order and written through `manifests::yaml`, so the
//! same inputs always give the same bytes. When re-targeting another cluster (`--from`), each file
//! starts from that cluster's object and only the fields this module models are set, so fields the
//! platform team added by hand survive.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

use super::{
    BootstrapError,
    spec::{AUTOMATION_SELECTOR, ClusterLayout, ClusterSpec, DEFAULT_OPERATOR_CHART, FromCluster},
};
use crate::{
    error::Result,
    manifests::{pointer, yaml},
    repo::{GeneratedFile, Profile},
};

/// A JSON6902 patch adding one argument to the first container.
fn add_arg(arg: &str) -> Value {
    json!({"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": arg})
}

fn patch_text(ops: &Value) -> String {
    // Serializing a JSON value cannot fail; an empty patch would be rejected by the apiserver.
    yaml::to_string(ops, "kustomize patch").unwrap_or_default()
}

fn patch(target: Value, ops: &Value) -> Value {
    json!({"target": target, "patch": patch_text(ops)})
}

/// The six controller and sync patches of the d1 FluxInstance (§4.1), in file order.
pub fn d1_patches(namespace: &str) -> Vec<Value> {
    let core = "(kustomize-controller|helm-controller|source-controller)";
    vec![
        patch(
            json!({"kind": "Kustomization", "name": namespace}),
            &json!([{"op": "add", "path": "/spec/serviceAccountName", "value": "kustomize-controller"}]),
        ),
        patch(
            json!({"kind": "Deployment", "name": "kustomize-controller"}),
            &json!([add_arg("--feature-gates=CancelHealthCheckOnNewRevision=true")]),
        ),
        patch(
            json!({"kind": "Deployment", "name": core}),
            &json!([add_arg("--concurrent=10"), add_arg("--requeue-dependency=10s")]),
        ),
        patch(
            json!({"kind": "Deployment", "name": "source-controller"}),
            &json!([
                add_arg("--helm-cache-max-size=10"),
                add_arg("--helm-cache-ttl=60m"),
                add_arg("--helm-cache-purge-interval=5m")
            ]),
        ),
        patch(
            json!({"kind": "Deployment", "name": "kustomize-controller"}),
            &json!([
                add_arg("--no-remote-bases=true"),
                {"op": "replace", "path": "/spec/template/spec/volumes/0",
                 "value": {"name": "temp", "emptyDir": {"medium": "Memory"}}}
            ]),
        ),
        json!({
            "target": {"kind": "Deployment", "name": core},
            "patch": patch_text(&json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "all"},
                "spec": {"template": {"spec": {"containers": [
                    {"name": "manager", "resources": {"limits": {"cpu": "2000m", "memory": "2Gi"}}}
                ]}}}
            })),
        }),
    ]
}

fn opt(v: &Option<String>) -> Option<Value> {
    v.as_ref().map(|s| Value::String(s.clone()))
}

/// The FluxInstance (`flux-system/flux-instance.yaml`).
pub fn flux_instance(spec: &ClusterSpec, base: Option<&Value>) -> Value {
    let mut obj = base.cloned().unwrap_or_else(|| {
        json!({
            "apiVersion": "fluxcd.controlplane.io/v1",
            "kind": "FluxInstance",
            "metadata": {"name": "flux", "namespace": spec.namespace},
            "spec": {
                "distribution": {"version": "", "registry": ""},
                "components": [],
                "cluster": {},
                "sync": {},
            }
        })
    });
    let d = &spec.distribution;
    let fields: Vec<(&str, Option<Value>)> = vec![
        ("/metadata/namespace", Some(json!(spec.namespace))),
        ("/spec/distribution/version", Some(json!(d.version))),
        ("/spec/distribution/registry", Some(json!(d.registry))),
        ("/spec/distribution/artifact", opt(&d.artifact)),
        ("/spec/distribution/variant", opt(&d.variant)),
        ("/spec/distribution/imagePullSecret", opt(&d.image_pull_secret)),
        ("/spec/components", Some(json!(spec.components))),
        ("/spec/cluster/type", Some(json!(spec.cluster_type))),
        ("/spec/cluster/multitenant", Some(json!(spec.multitenant))),
        (
            "/spec/cluster/tenantDefaultServiceAccount",
            spec.multitenant
                .then(|| json!(spec.tenant_default_service_account)),
        ),
        ("/spec/cluster/networkPolicy", Some(json!(spec.network_policy))),
        ("/spec/cluster/domain", Some(json!(spec.dns_domain))),
        ("/spec/sync/kind", Some(json!("GitRepository"))),
        ("/spec/sync/url", Some(json!(spec.git_url))),
        ("/spec/sync/ref", Some(json!(spec.git_ref))),
        ("/spec/sync/path", Some(json!(spec.sync_path()))),
        ("/spec/sync/pullSecret", opt(&spec.pull_secret)),
        ("/spec/sync/provider", spec.provider.field().map(|p| json!(p))),
        ("/spec/wait", spec.instance_wait.map(|w| json!(w))),
        (
            "/spec/kustomize/patches",
            (!spec.patches.is_empty()).then(|| json!(spec.patches)),
        ),
    ];
    for (p, v) in fields {
        pointer::set(&mut obj, p, v);
    }
    if obj
        .pointer("/spec/kustomize")
        .is_some_and(|k| k.as_object().is_some_and(Map::is_empty))
    {
        pointer::set(&mut obj, "/spec/kustomize", None);
    }
    obj
}

/// The ResourceSet by which Flux takes over the operator's Helm release (§4.2).
pub fn flux_operator(spec: &ClusterSpec, base: Option<&Value>) -> Value {
    let ns = &spec.namespace;
    let mut obj = base.cloned().unwrap_or_else(|| {
        json!({
            "apiVersion": "fluxcd.controlplane.io/v1",
            "kind": "ResourceSet",
            "metadata": {"name": "flux-operator", "namespace": ns},
            "spec": {
                "serviceAccountName": "flux-operator",
                "dependsOn": [{
                    "apiVersion": "apiextensions.k8s.io/v1",
                    "kind": "CustomResourceDefinition",
                    "name": "helmreleases.helm.toolkit.fluxcd.io",
                }],
                "resources": [
                    {
                        "apiVersion": "source.toolkit.fluxcd.io/v1",
                        "kind": "OCIRepository",
                        "metadata": {"name": "flux-operator", "namespace": ns},
                        "spec": {
                            "interval": "10m",
                            "url": spec.operator_chart.as_deref().unwrap_or(DEFAULT_OPERATOR_CHART),
                            "ref": {"semver": "*"},
                            "verify": {
                                "provider": "cosign",
                                "matchOIDCIdentity": [{
                                    "issuer": r"^https://token\.actions\.githubusercontent\.com$",
                                    "subject": r"^https://github\.com/controlplaneio-fluxcd/charts/\.github/workflows/release\.yml@refs/tags/v\d+\.\d+\.\d+$",
                                }],
                            },
                        },
                    },
                    {
                        "apiVersion": "helm.toolkit.fluxcd.io/v2",
                        "kind": "HelmRelease",
                        "metadata": {"name": "flux-operator", "namespace": ns},
                        "spec": {
                            "interval": "30m",
                            "releaseName": "flux-operator",
                            "serviceAccountName": "flux-operator",
                            "chartRef": {"kind": "OCIRepository", "name": "flux-operator"},
                            "values": {
                                "multitenancy": {"enabled": true, "defaultServiceAccount": "default"},
                                "reporting": {"interval": "30s"},
                            },
                        },
                    },
                ],
            }
        })
    });
    pointer::set(&mut obj, "/metadata/namespace", Some(json!(ns)));
    if let Some(resources) = obj.pointer_mut("/spec/resources").and_then(Value::as_array_mut) {
        for r in resources {
            if r.pointer("/metadata/namespace").is_some() {
                pointer::set(r, "/metadata/namespace", Some(json!(ns)));
            }
            if r.get("kind").and_then(Value::as_str) == Some("OCIRepository")
                && let Some(chart) = &spec.operator_chart
            {
                pointer::set(r, "/spec/url", Some(json!(chart)));
            }
            if r.get("kind").and_then(Value::as_str) == Some("HelmRelease") {
                pointer::set(
                    r,
                    "/spec/values/multitenancy/enabled",
                    Some(json!(spec.multitenant)),
                );
                pointer::set(
                    r,
                    "/spec/values/multitenancy/defaultServiceAccount",
                    Some(json!(spec.tenant_default_service_account)),
                );
            }
        }
    }
    obj
}

/// The runtime-info ConfigMap (§4.3).
pub fn runtime_info(spec: &ClusterSpec, base: Option<&Value>) -> Value {
    let mut obj = base.cloned().unwrap_or_else(|| {
        json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": Profile::D1.runtime_info_name(),
                "namespace": spec.namespace,
                "labels": {"toolkit.fluxcd.io/runtime": "true"},
                // Merge: keys other field managers add in the cluster are not removed by Flux.
                "annotations": {"kustomize.toolkit.fluxcd.io/ssa": "Merge"},
            },
            "data": {},
        })
    });
    let r = &spec.runtime;
    let mut data = Map::new();
    data.insert("ENVIRONMENT".into(), json!(r.environment));
    data.insert("GIT_BRANCH".into(), json!(r.git_branch));
    data.insert("CLUSTER_NAME".into(), json!(r.cluster_name));
    data.insert("CLUSTER_DOMAIN".into(), json!(r.cluster_domain));
    for (k, v) in &r.extra {
        data.insert(k.clone(), json!(v));
    }
    pointer::set(&mut obj, "/metadata/namespace", Some(json!(spec.namespace)));
    pointer::set(&mut obj, "/data", Some(Value::Object(data)));
    obj
}

/// The `$patch: delete` patch that removes image automation from production clusters (§4.4).
pub fn automation_delete_patch() -> Value {
    json!({
        "patch": patch_text(&json!({
            "$patch": "delete",
            "apiVersion": "all",
            "kind": "all",
            "metadata": {"name": "all"},
        })),
        "target": {"labelSelector": AUTOMATION_SELECTOR},
    })
}

/// Whether a tenant patch is the automation delete patch.
pub fn is_automation_patch(p: &Value) -> bool {
    pointer::str_at(p, "/target/labelSelector") == Some(AUTOMATION_SELECTOR)
        && p.get("patch")
            .and_then(Value::as_str)
            .is_some_and(|t| t.contains("$patch: delete"))
}

/// `infra-tenant.yaml` (§4.4) or `apps-tenant.yaml` (§4.5).
pub fn tenant(spec: &ClusterSpec, tenant: &str, base: Option<&Value>) -> Value {
    let infra = tenant == "infra";
    let mut obj = base.cloned().unwrap_or_else(|| {
        let mut s = Map::new();
        s.insert("serviceAccountName".into(), json!("kustomize-controller"));
        if !infra {
            s.insert("dependsOn".into(), json!([{"name": "flux-infra-tenant"}]));
        }
        s.insert("interval".into(), json!("12h"));
        s.insert("retryInterval".into(), json!("3m"));
        if infra {
            // The apps tenant depends on infra being healthy (Kyverno and its policies), so only
            // infra waits; apps has no wait and no timeout.
            s.insert("wait".into(), json!(true));
            s.insert("timeout".into(), json!("15m"));
        }
        s.insert("path".into(), json!(format!("./tenants/{tenant}")));
        s.insert("prune".into(), json!(true));
        s.insert("sourceRef".into(), json!({"kind": "GitRepository", "name": ""}));
        s.insert(
            "postBuild".into(),
            json!({"substituteFrom": [{"kind": "ConfigMap", "name": Profile::D1.runtime_info_name()}]}),
        );
        json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": format!("flux-{tenant}-tenant"), "namespace": spec.namespace},
            "spec": s,
        })
    });
    pointer::set(&mut obj, "/metadata/namespace", Some(json!(spec.namespace)));
    pointer::set(&mut obj, "/spec/sourceRef/name", Some(json!(spec.sync_name())));
    let mut patches: Vec<Value> = obj
        .pointer("/spec/patches")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    patches.retain(|p| !is_automation_patch(p));
    if !spec.automation {
        patches.push(automation_delete_patch());
    }
    pointer::set(
        &mut obj,
        "/spec/patches",
        (!patches.is_empty()).then(|| Value::Array(patches)),
    );
    obj
}

/// Classic `gotk-sync.yaml`: the GitRepository and Kustomization `flux bootstrap` writes (§14).
pub fn gotk_sync(spec: &ClusterSpec, base: Option<&[Value]>) -> Vec<Value> {
    let name = spec.sync_name();
    let mut docs = base.map(<[Value]>::to_vec).unwrap_or_else(|| {
        vec![
            json!({
                "apiVersion": "source.toolkit.fluxcd.io/v1",
                "kind": "GitRepository",
                "metadata": {"name": name, "namespace": spec.namespace},
                "spec": {"interval": "1m0s", "ref": {"branch": ""}, "url": ""},
            }),
            json!({
                "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
                "kind": "Kustomization",
                "metadata": {"name": name, "namespace": spec.namespace},
                "spec": {
                    "interval": "10m0s",
                    "path": "",
                    "prune": true,
                    "sourceRef": {"kind": "GitRepository", "name": name},
                },
            }),
        ]
    });
    for doc in &mut docs {
        pointer::set(doc, "/metadata/namespace", Some(json!(spec.namespace)));
        match doc.get("kind").and_then(Value::as_str) {
            Some("GitRepository") => {
                pointer::set(doc, "/spec/ref", Some(json!({"branch": spec.branch()})));
                let secret = spec.pull_secret.as_ref().map(|s| json!({"name": s}));
                // Keep flux bootstrap's key order: ref, secretRef, url.
                let url = json!(spec.git_url);
                pointer::set(doc, "/spec/url", None);
                pointer::set(doc, "/spec/secretRef", secret);
                pointer::set(doc, "/spec/url", Some(url));
                pointer::set(doc, "/spec/provider", spec.provider.field().map(|p| json!(p)));
            }
            Some("Kustomization") => {
                pointer::set(doc, "/spec/path", Some(json!(format!("./{}", spec.sync_path()))));
            }
            _ => {}
        }
    }
    docs
}

/// Classic `flux-system/kustomization.yaml`: the components and sync, with the multi-tenancy
/// lockdown patches `flux bootstrap` users add by hand (flux2-multi-tenancy) and the d1 tuning.
pub fn classic_kustomization(spec: &ClusterSpec) -> Value {
    let mut patches = Vec::new();
    if spec.multitenant {
        let lockdown: Vec<&str> = [
            "kustomize-controller",
            "helm-controller",
            "notification-controller",
            "image-reflector-controller",
            "image-automation-controller",
            "source-watcher",
        ]
        .into_iter()
        .filter(|c| spec.components.iter().any(|s| s == c))
        .collect();
        patches.push(json!({
            "patch": patch_text(&json!([add_arg("--no-cross-namespace-refs=true")])),
            "target": {"kind": "Deployment", "name": format!("({})", lockdown.join("|"))},
        }));
        patches.push(json!({
            "patch": patch_text(&json!([add_arg(&format!(
                "--default-service-account={}",
                spec.tenant_default_service_account
            ))])),
            "target": {"kind": "Deployment", "name": "(kustomize-controller|helm-controller)"},
        }));
    }
    for p in &spec.patches {
        // Same patches as the FluxInstance, in kustomize's patch-then-target order.
        patches.push(json!({"patch": p.get("patch").cloned().unwrap_or(Value::Null), "target": p.get("target").cloned().unwrap_or(Value::Null)}));
    }
    json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["gotk-components.yaml", "gotk-sync.yaml"],
        "patches": patches,
    })
}

fn file(path: PathBuf, value: &Value) -> Result<GeneratedFile> {
    let what = path.display().to_string();
    Ok(GeneratedFile {
        content: yaml::to_string(value, &what)?,
        path,
    })
}

/// The files of `clusters/CLUSTER/`. `components_manifest` is the classic layout's
/// `gotk-components.yaml` content (required for a new classic cluster, copied with `--from`).
pub fn generate(
    spec: &ClusterSpec,
    base: Option<&FromCluster>,
    components_manifest: Option<&str>,
) -> Result<Vec<GeneratedFile>> {
    let dir = spec.dir();
    let fs = dir.join("flux-system");
    let b = |name: &str| base.and_then(|f| f.objects.get(name));
    let mut files = Vec::new();
    match spec.layout {
        ClusterLayout::D1 => {
            files.push(file(
                fs.join("flux-instance.yaml"),
                &flux_instance(spec, b("flux-instance.yaml")),
            )?);
            if spec.operator_chart.is_some() {
                files.push(file(
                    fs.join("flux-operator.yaml"),
                    &flux_operator(spec, b("flux-operator.yaml")),
                )?);
            }
        }
        ClusterLayout::Classic => {
            let components = components_manifest
                .map(str::to_string)
                .or_else(|| base.and_then(|f| f.components_manifest.clone()))
                .ok_or_else(|| BootstrapError::MissingFlag {
                    flag: "--components-manifest",
                    why: "the classic layout needs the Flux components manifest (e.g. the output of \
                          `flux install --export`) to copy as flux-system/gotk-components.yaml"
                        .into(),
                })?;
            files.push(GeneratedFile {
                path: fs.join("gotk-components.yaml"),
                content: components,
            });
            let sync_base = base.and_then(|f| f.sync_docs.as_deref());
            let what = fs.join("gotk-sync.yaml").display().to_string();
            files.push(GeneratedFile {
                path: fs.join("gotk-sync.yaml"),
                content: yaml::to_multi_doc(&gotk_sync(spec, sync_base), &what)?,
            });
            let kustomization = match b("kustomization.yaml") {
                Some(k) => k.clone(),
                None => classic_kustomization(spec),
            };
            files.push(file(fs.join("kustomization.yaml"), &kustomization)?);
        }
    }
    files.push(file(
        dir.join("runtime-info.yaml"),
        &runtime_info(spec, b("runtime-info.yaml")),
    )?);
    files.push(file(
        dir.join("infra-tenant.yaml"),
        &tenant(spec, "infra", b("infra-tenant.yaml")),
    )?);
    files.push(file(
        dir.join("apps-tenant.yaml"),
        &tenant(spec, "apps", b("apps-tenant.yaml")),
    )?);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bootstrap::{resolve::resolve, spec::InitInput};

    fn spec(layout: ClusterLayout, operator_chart: Option<&str>) -> ClusterSpec {
        resolve(
            &InitInput {
                cluster: "staging".into(),
                layout: Some(layout),
                domain: Some("preview1.example.com".into()),
                git_url: Some("https://github.com/acme/fleet.git".into()),
                operator_chart: operator_chart.map(str::to_string),
                ..Default::default()
            },
            &[],
            None,
        )
        .expect("resolves")
    }

    fn paths(files: &[GeneratedFile]) -> Vec<String> {
        files.iter().map(|f| f.path.display().to_string()).collect()
    }

    #[test]
    fn d1_files_follow_the_operator_chart() {
        let with = generate(&spec(ClusterLayout::D1, None), None, None).expect("generates");
        assert_eq!(
            paths(&with),
            [
                "clusters/staging/flux-system/flux-instance.yaml",
                "clusters/staging/flux-system/flux-operator.yaml",
                "clusters/staging/runtime-info.yaml",
                "clusters/staging/infra-tenant.yaml",
                "clusters/staging/apps-tenant.yaml"
            ]
        );
        let without = generate(&spec(ClusterLayout::D1, Some("none")), None, None).expect("generates");
        assert!(!paths(&without).iter().any(|p| p.ends_with("flux-operator.yaml")));
    }

    #[test]
    fn classic_needs_the_components_manifest() {
        let s = spec(ClusterLayout::Classic, None);
        let err = generate(&s, None, None).unwrap_err().to_string();
        assert!(err.contains("--components-manifest is required"), "{err}");
        let files = generate(&s, None, Some("# components\n")).expect("generates");
        assert_eq!(files[0].content, "# components\n");
        let k: Value = yaml::from_str(&files[2].content, "kustomization").expect("yaml");
        assert_eq!(k["resources"], json!(["gotk-components.yaml", "gotk-sync.yaml"]));
    }

    #[test]
    fn provider_github_is_written_where_flux_reads_it() {
        let github = |layout| {
            resolve(
                &InitInput {
                    cluster: "staging".into(),
                    layout: Some(layout),
                    domain: Some("preview1.example.com".into()),
                    git_url: Some("https://github.com/acme/fleet.git".into()),
                    provider: Some(crate::repo::names::GitProvider::Github),
                    ..Default::default()
                },
                &[],
                None,
            )
            .expect("resolves")
        };
        let d1 = generate(&github(ClusterLayout::D1), None, None).expect("generates");
        let fi: Value = yaml::from_str(&d1[0].content, "instance").expect("yaml");
        assert_eq!(fi["spec"]["sync"]["provider"], "github");
        assert_eq!(fi["spec"]["sync"]["pullSecret"], "flux-system");
        let classic = generate(&github(ClusterLayout::Classic), None, Some("# c\n")).expect("generates");
        let sync = yaml::from_multi_doc(&classic[1].content, "sync").expect("yaml");
        let repo = sync
            .iter()
            .find(|d| d["kind"] == "GitRepository")
            .expect("GitRepository");
        assert_eq!(repo["spec"]["provider"], "github");
        // generic (the default) writes no provider at all.
        let fi: Value = yaml::from_str(
            &generate(&spec(ClusterLayout::D1, None), None, None).expect("generates")[0].content,
            "i",
        )
        .expect("yaml");
        assert!(fi["spec"]["sync"].get("provider").is_none(), "{fi}");
    }

    #[test]
    fn retargeting_keeps_hand_edits_and_key_order() {
        let s = spec(ClusterLayout::D1, None);
        let base = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "flux-runtime-info", "namespace": "old", "labels": {"team": "platform"}},
            "data": {"ENVIRONMENT": "x"},
        });
        let cm = runtime_info(&s, Some(&base));
        assert_eq!(cm["metadata"]["labels"], json!({"team": "platform"}));
        assert_eq!(cm["metadata"]["namespace"], "flux-system");
        let keys: Vec<&String> = cm.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["apiVersion", "kind", "metadata", "data"]);
    }
}
