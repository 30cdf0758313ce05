//! `bootstrap init`: the files of `clusters/CLUSTER/`, generated purely from a [`ClusterSpec`].
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

use super::{BootstrapError, ClusterLayout, DEFAULT_NAMESPACE, from::FromCluster};
use crate::repo::names::{self, GitAccess};
use crate::{
    error::Result,
    manifests::yaml,
    repo::{GeneratedFile, Profile},
};

/// Flux controllers a FluxInstance can run, in the order the d1 files list them.
pub const KNOWN_COMPONENTS: &[&str] = &[
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
    "image-reflector-controller",
    "image-automation-controller",
    "source-watcher",
];

/// The controllers only clusters that run image automation need.
pub const AUTOMATION_COMPONENTS: &[&str] = &["image-reflector-controller", "image-automation-controller"];

/// The runtime-info keys with dedicated flags.
pub const RUNTIME_KEYS: &[(&str, &str)] = &[
    ("ENVIRONMENT", "--environment"),
    ("GIT_BRANCH", "--git-branch"),
    ("CLUSTER_NAME", "--cluster-name"),
    ("CLUSTER_DOMAIN", "--domain"),
];

/// The label selector of the image-automation objects production clusters delete (§4.4).
pub const AUTOMATION_SELECTOR: &str = "toolkit.fluxcd.io/role=automation";

/// Defaults of the Flux distribution (d1 §4.1).
pub const DEFAULT_REGISTRY: &str = "ghcr.io/fluxcd";
/// The operator's manifests artifact d1 pins.
pub const DEFAULT_ARTIFACT: &str = "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest";
/// The Flux version expression: the latest 2.x, as the flux-operator docs recommend.
pub const DEFAULT_FLUX_VERSION: &str = "2.x";
/// The Flux Operator Helm chart the `flux-operator` ResourceSet installs (§4.2).
pub const DEFAULT_OPERATOR_CHART: &str = "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator";
/// The flag value meaning "nothing" for `--artifact` and `--operator-chart`.
pub const NONE: &str = "none";

/// The `flux-runtime-info` ConfigMap data: the four d1 keys plus any extra ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeInfo {
    /// `ENVIRONMENT`: the overlay directory name (staging, production).
    pub environment: String,
    /// `GIT_BRANCH`: the branch of the infra and apps repositories.
    pub git_branch: String,
    /// `CLUSTER_NAME`.
    pub cluster_name: String,
    /// `CLUSTER_DOMAIN`: the ingress domain.
    pub cluster_domain: String,
    /// Extra keys (region, cloud provider id …), in order.
    pub extra: Vec<(String, String)>,
}

/// `spec.distribution` of the FluxInstance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    /// Version expression, e.g. `2.7.x`.
    pub version: String,
    /// Image registry.
    pub registry: String,
    /// Manifests artifact.
    pub artifact: Option<String>,
    /// Enterprise variant.
    pub variant: Option<String>,
    /// Image pull secret (enterprise registries).
    pub image_pull_secret: Option<String>,
}

/// Everything that decides the content of `clusters/CLUSTER/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterSpec {
    /// The cluster directory name.
    pub cluster: String,
    /// The namespace Flux runs in.
    pub namespace: String,
    /// d1 (Flux Operator) or classic (gotk manifests).
    pub layout: ClusterLayout,
    /// Runtime-info data.
    pub runtime: RuntimeInfo,
    /// Whether the cluster runs image automation (staging) or deletes it (production).
    pub automation: bool,
    /// The fleet repository URL.
    pub git_url: String,
    /// The fleet repository ref, e.g. `refs/heads/main`.
    pub git_ref: String,
    /// The git Secret the sync reads (None for a public repository).
    pub pull_secret: Option<String>,
    /// Flux distribution.
    pub distribution: Distribution,
    /// Flux controllers, in [`KNOWN_COMPONENTS`] order.
    pub components: Vec<String>,
    /// `spec.cluster.type`.
    pub cluster_type: String,
    /// Multi-tenancy lockdown.
    pub multitenant: bool,
    /// The service account tenants' reconcilers impersonate by default.
    pub tenant_default_service_account: String,
    /// Network policies for the controllers.
    pub network_policy: bool,
    /// The cluster DNS domain (`spec.cluster.domain`).
    pub dns_domain: String,
    /// The kustomize patches for the controllers and the sync Kustomization.
    pub patches: Vec<Value>,
    /// `spec.wait` of the FluxInstance when set (the operator's default is true).
    pub instance_wait: Option<bool>,
    /// The operator chart the `flux-operator` ResourceSet installs; None: no ResourceSet (the
    /// operator is then upgraded by re-running bootstrap with a newer manifest).
    pub operator_chart: Option<String>,
}

impl ClusterSpec {
    /// The name of the sync GitRepository and Kustomization: the operator names them after the
    /// namespace (and so does `flux bootstrap`).
    pub fn sync_name(&self) -> &str {
        &self.namespace
    }

    /// The directory in the repository.
    pub fn dir(&self) -> PathBuf {
        PathBuf::from("clusters").join(&self.cluster)
    }

    /// The path the sync Kustomization applies.
    pub fn sync_path(&self) -> String {
        format!("clusters/{}", self.cluster)
    }

    /// The `ref` for a branch name (a full ref is kept as is).
    pub fn branch_ref(branch: &str) -> String {
        if branch.starts_with("refs/") {
            branch.to_string()
        } else {
            format!("refs/heads/{branch}")
        }
    }

    /// The branch of `git_ref` (classic GitRepositories name a branch, not a ref).
    pub fn branch(&self) -> &str {
        self.git_ref.strip_prefix("refs/heads/").unwrap_or(&self.git_ref)
    }
}

/// What the user asked for on the command line; `None` means "the default" (or, with `--from`, "as
/// in the other cluster").
#[derive(Clone, Debug, Default)]
pub struct InitInput {
    /// The cluster directory name.
    pub cluster: String,
    /// `-n/--namespace`.
    pub namespace: Option<String>,
    /// `--layout`.
    pub layout: Option<ClusterLayout>,
    /// `--environment`.
    pub environment: Option<String>,
    /// `--git-branch`.
    pub git_branch: Option<String>,
    /// `--cluster-name`.
    pub cluster_name: Option<String>,
    /// `--domain`.
    pub domain: Option<String>,
    /// `--production`: no image automation, production environment and branch.
    pub production: bool,
    /// `--automation` / `--no-automation`.
    pub automation: Option<bool>,
    /// `--git-url`.
    pub git_url: Option<String>,
    /// `--branch`.
    pub branch: Option<String>,
    /// `--pull-secret`.
    pub pull_secret: Option<String>,
    /// `--public-repo`: no pull secret.
    pub public_repo: bool,
    /// `--flux-version`.
    pub flux_version: Option<String>,
    /// `--registry`.
    pub registry: Option<String>,
    /// `--artifact`.
    pub artifact: Option<String>,
    /// `--variant`.
    pub variant: Option<String>,
    /// `--image-pull-secret`.
    pub image_pull_secret: Option<String>,
    /// `--components`.
    pub components: Option<Vec<String>>,
    /// `--cluster-type`.
    pub cluster_type: Option<String>,
    /// `--multitenant` / `--no-multitenant`.
    pub multitenant: Option<bool>,
    /// `--tenant-default-sa`.
    pub tenant_default_service_account: Option<String>,
    /// `--network-policy` / `--no-network-policy`.
    pub network_policy: Option<bool>,
    /// `--cluster-dns-domain`.
    pub dns_domain: Option<String>,
    /// `--instance-wait` / `--no-instance-wait`.
    pub instance_wait: Option<bool>,
    /// `--operator-chart URL|none`.
    pub operator_chart: Option<String>,
    /// `--set KEY=VALUE`, in order.
    pub set: Vec<(String, String)>,
}

fn invalid(flag: &'static str, value: &str, reason: impl Into<String>) -> BootstrapError {
    BootstrapError::InvalidFlag {
        flag,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Checks a DNS-1123 label (cluster directory names, namespaces, Secret names).
pub fn validate_label(flag: &'static str, value: &str) -> Result<(), BootstrapError> {
    Ok(names::dns_label(flag, value)?)
}

/// Parses one `--set KEY=VALUE`. Keys must be usable as `${KEY}` in Flux post-build substitution.
pub fn parse_set(text: &str) -> Result<(String, String), BootstrapError> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(invalid("--set", text, "expected KEY=VALUE"));
    };
    names::substitution_key("--set", key).map_err(|e| invalid("--set", text, e.reason))?;
    if let Some((_, flag)) = RUNTIME_KEYS.iter().find(|(k, _)| *k == key) {
        return Err(invalid(
            "--set",
            text,
            format!("{key} has its own flag: use {flag}"),
        ));
    }
    if value.contains('\n') {
        return Err(invalid("--set", text, "values are single lines"));
    }
    Ok((key.to_string(), value.to_string()))
}

fn validate_git_url(url: &str) -> Result<(), BootstrapError> {
    // Plain http stays accepted here for lab git servers; see the fleet model's GitAccess.
    Ok(names::git_url(
        "--git-url",
        url,
        GitAccess::Token { insecure_http: true },
    )?)
}

fn validate_single_line(flag: &'static str, value: &str) -> Result<(), BootstrapError> {
    if value.trim().is_empty() || value.contains('\n') {
        Err(invalid(flag, value, "must be a non-empty single line"))
    } else {
        Ok(())
    }
}

/// Orders and checks a component list; automation decides the image controllers.
fn resolve_components(
    requested: Option<&[String]>,
    automation: bool,
    explicit: bool,
) -> Result<Vec<String>, BootstrapError> {
    let mut wanted: Vec<String> = match requested {
        Some(list) => {
            for c in list {
                if !KNOWN_COMPONENTS.contains(&c.as_str()) {
                    return Err(invalid(
                        "--components",
                        c,
                        format!("unknown Flux component (known: {})", KNOWN_COMPONENTS.join(", ")),
                    ));
                }
                if explicit && !automation && AUTOMATION_COMPONENTS.contains(&c.as_str()) {
                    return Err(invalid(
                        "--components",
                        c,
                        "this cluster runs no image automation (--production or --no-automation); \
                         drop it or pass --automation",
                    ));
                }
            }
            list.to_vec()
        }
        None => KNOWN_COMPONENTS
            .iter()
            .filter(|c| !AUTOMATION_COMPONENTS.contains(c))
            .map(|c| c.to_string())
            .collect(),
    };
    if automation {
        for c in AUTOMATION_COMPONENTS {
            if !wanted.iter().any(|w| w == c) {
                wanted.push(c.to_string());
            }
        }
    } else {
        wanted.retain(|c| !AUTOMATION_COMPONENTS.contains(&c.as_str()));
    }
    // Canonical order, so the bytes do not depend on the order flags were typed in.
    Ok(KNOWN_COMPONENTS
        .iter()
        .filter(|k| wanted.iter().any(|w| w == *k))
        .map(|k| k.to_string())
        .collect())
}

/// Resolves the flags (over another cluster's settings with `--from`) into a complete spec.
pub fn resolve(input: &InitInput, base: Option<&FromCluster>) -> Result<ClusterSpec, BootstrapError> {
    validate_label("cluster name", &input.cluster)?;
    let b = base.map(|f| &f.spec);
    if let (Some(layout), Some(from)) = (input.layout, base)
        && layout != from.spec.layout
    {
        return Err(invalid(
            "--layout",
            layout.name(),
            format!(
                "--from {} uses the {} layout; re-targeting keeps the layout",
                from.spec.cluster,
                from.spec.layout.name()
            ),
        ));
    }
    let layout = input.layout.or(b.map(|b| b.layout)).unwrap_or(ClusterLayout::D1);
    let namespace = input
        .namespace
        .clone()
        .or(b.map(|b| b.namespace.clone()))
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    validate_label("--namespace", &namespace)?;

    let automation = input
        .automation
        .or(input.production.then_some(false))
        .or(b.map(|b| b.automation))
        .unwrap_or(true);
    let production_default = |prod: &str, other: &str| {
        if input.production {
            prod.to_string()
        } else {
            other.to_string()
        }
    };
    let environment = input
        .environment
        .clone()
        .or(input.production.then(|| "production".to_string()))
        .or(b.map(|b| b.runtime.environment.clone()))
        .unwrap_or_else(|| production_default("production", "staging"));
    let git_branch = input
        .git_branch
        .clone()
        .or(input.production.then(|| "production".to_string()))
        .or(b.map(|b| b.runtime.git_branch.clone()))
        .unwrap_or_else(|| production_default("production", "main"));
    let cluster_name = input
        .cluster_name
        .clone()
        .unwrap_or_else(|| input.cluster.clone());
    let cluster_domain = match (&input.domain, b) {
        (Some(d), _) => d.clone(),
        (None, Some(b)) => b.runtime.cluster_domain.clone(),
        (None, None) => {
            return Err(BootstrapError::MissingFlag {
                flag: "--domain",
                why: "it sets CLUSTER_DOMAIN in the runtime info (e.g. --domain eu.example.com), or copy \
                      another cluster's settings with --from CLUSTER"
                    .into(),
            });
        }
    };
    for (flag, v) in [
        ("--environment", &environment),
        ("--git-branch", &git_branch),
        ("--cluster-name", &cluster_name),
        ("--domain", &cluster_domain),
    ] {
        validate_single_line(flag, v)?;
    }
    let mut extra: Vec<(String, String)> = b.map(|b| b.runtime.extra.clone()).unwrap_or_default();
    for (k, v) in &input.set {
        match extra.iter_mut().find(|(ek, _)| ek == k) {
            Some(entry) => entry.1 = v.clone(),
            None => extra.push((k.clone(), v.clone())),
        }
    }

    let git_url = match (&input.git_url, b) {
        (Some(u), _) => u.clone(),
        (None, Some(b)) => b.git_url.clone(),
        (None, None) => {
            return Err(BootstrapError::MissingFlag {
                flag: "--git-url",
                why: "it is the fleet repository Flux syncs from (e.g. --git-url \
                      https://github.com/org/fleet.git), or copy another cluster's settings with --from CLUSTER"
                    .into(),
            });
        }
    };
    validate_git_url(&git_url)?;
    let git_ref = match (&input.branch, b) {
        (Some(br), _) => ClusterSpec::branch_ref(br),
        (None, Some(b)) => b.git_ref.clone(),
        (None, None) => ClusterSpec::branch_ref("main"),
    };
    let pull_secret = if input.public_repo {
        None
    } else {
        match (&input.pull_secret, b) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(b)) => b.pull_secret.clone(),
            (None, None) => Some(DEFAULT_NAMESPACE.to_string()),
        }
    };
    if let Some(s) = &pull_secret {
        validate_label("--pull-secret", s)?;
    }

    let pick = |flag: Option<&String>, from: Option<&String>, default: &str| -> String {
        flag.or(from).cloned().unwrap_or_else(|| default.to_string())
    };
    let distribution = Distribution {
        version: pick(
            input.flux_version.as_ref(),
            b.map(|b| &b.distribution.version),
            DEFAULT_FLUX_VERSION,
        ),
        registry: pick(
            input.registry.as_ref(),
            b.map(|b| &b.distribution.registry),
            DEFAULT_REGISTRY,
        ),
        artifact: match (&input.artifact, b) {
            // Empty or `none`: the operator installs the manifests it bundles (air-gapped clusters).
            (Some(a), _) if a.is_empty() || a == NONE => None,
            (Some(a), _) => Some(a.clone()),
            (None, Some(b)) => b.distribution.artifact.clone(),
            (None, None) => Some(DEFAULT_ARTIFACT.to_string()),
        },
        variant: input
            .variant
            .clone()
            .or(b.and_then(|b| b.distribution.variant.clone())),
        image_pull_secret: input
            .image_pull_secret
            .clone()
            .or(b.and_then(|b| b.distribution.image_pull_secret.clone())),
    };
    if let Some(a) = &distribution.artifact
        && !a.starts_with("oci://")
    {
        return Err(invalid(
            "--artifact",
            a,
            "the manifests artifact is an oci:// URL (or 'none' for the operator's bundled manifests)",
        ));
    }
    if let Some(c) = &input.operator_chart
        && !(c.is_empty() || c == NONE || c.starts_with("oci://"))
    {
        return Err(invalid(
            "--operator-chart",
            c,
            "the chart is an oci:// URL (or 'none' for no flux-operator ResourceSet)",
        ));
    }
    validate_single_line("--flux-version", &distribution.version)?;

    // With --from, the other cluster's list is the starting point; automation still decides the
    // image controllers, so `--from staging --production` drops them.
    let explicit = input.components.is_some();
    let requested = input.components.clone().or(b.map(|b| b.components.clone()));
    let components = resolve_components(requested.as_deref(), automation, explicit)?;

    let multitenant = input.multitenant.or(b.map(|b| b.multitenant)).unwrap_or(true);
    let spec = ClusterSpec {
        cluster: input.cluster.clone(),
        namespace: namespace.clone(),
        layout,
        runtime: RuntimeInfo {
            environment,
            git_branch,
            cluster_name,
            cluster_domain,
            extra,
        },
        automation,
        git_url,
        git_ref,
        pull_secret,
        distribution,
        components,
        cluster_type: pick(
            input.cluster_type.as_ref(),
            b.map(|b| &b.cluster_type),
            "kubernetes",
        ),
        multitenant,
        tenant_default_service_account: pick(
            input.tenant_default_service_account.as_ref(),
            b.map(|b| &b.tenant_default_service_account),
            "default",
        ),
        network_policy: input
            .network_policy
            .or(b.map(|b| b.network_policy))
            .unwrap_or(true),
        dns_domain: pick(
            input.dns_domain.as_ref(),
            b.map(|b| &b.dns_domain),
            "cluster.local",
        ),
        patches: match b {
            Some(b) => b.patches.clone(),
            None => d1_patches(&namespace),
        },
        instance_wait: input.instance_wait.or(b.and_then(|b| b.instance_wait)),
        operator_chart: match (&input.operator_chart, b) {
            (Some(c), _) if c.is_empty() || c == NONE => None,
            (Some(c), _) => Some(c.clone()),
            (None, Some(b)) => b.operator_chart.clone(),
            (None, None) => Some(DEFAULT_OPERATOR_CHART.to_string()),
        },
    };
    Ok(spec)
}

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

/// Sets (or, with `None`, removes) the value at a JSON pointer, creating intermediate mappings.
/// Existing keys keep their position, so re-targeting never reorders a file.
pub(crate) fn set_path(obj: &mut Value, pointer: &str, value: Option<Value>) {
    let parts: Vec<String> = pointer
        .trim_start_matches('/')
        .split('/')
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = parts.split_last() else {
        return;
    };
    let mut cur = obj;
    for p in parents {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Some(map) = cur.as_object_mut() else { return };
        if value.is_none() && !map.contains_key(p) {
            return;
        }
        cur = map.entry(p.clone()).or_insert_with(|| Value::Object(Map::new()));
    }
    if !cur.is_object() {
        *cur = Value::Object(Map::new());
    }
    let Some(map) = cur.as_object_mut() else { return };
    match value {
        Some(v) => {
            map.insert(last.clone(), v);
        }
        None => {
            map.shift_remove(last);
        }
    }
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
        ("/spec/wait", spec.instance_wait.map(|w| json!(w))),
        (
            "/spec/kustomize/patches",
            (!spec.patches.is_empty()).then(|| json!(spec.patches)),
        ),
    ];
    for (p, v) in fields {
        set_path(&mut obj, p, v);
    }
    if obj
        .pointer("/spec/kustomize")
        .is_some_and(|k| k.as_object().is_some_and(Map::is_empty))
    {
        set_path(&mut obj, "/spec/kustomize", None);
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
    set_path(&mut obj, "/metadata/namespace", Some(json!(ns)));
    if let Some(resources) = obj.pointer_mut("/spec/resources").and_then(Value::as_array_mut) {
        for r in resources {
            if r.pointer("/metadata/namespace").is_some() {
                set_path(r, "/metadata/namespace", Some(json!(ns)));
            }
            if r.get("kind").and_then(Value::as_str) == Some("OCIRepository")
                && let Some(chart) = &spec.operator_chart
            {
                set_path(r, "/spec/url", Some(json!(chart)));
            }
            if r.get("kind").and_then(Value::as_str) == Some("HelmRelease") {
                set_path(
                    r,
                    "/spec/values/multitenancy/enabled",
                    Some(json!(spec.multitenant)),
                );
                set_path(
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
    set_path(&mut obj, "/metadata/namespace", Some(json!(spec.namespace)));
    set_path(&mut obj, "/data", Some(Value::Object(data)));
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
    p.pointer("/target/labelSelector").and_then(Value::as_str) == Some(AUTOMATION_SELECTOR)
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
    set_path(&mut obj, "/metadata/namespace", Some(json!(spec.namespace)));
    set_path(&mut obj, "/spec/sourceRef/name", Some(json!(spec.sync_name())));
    let mut patches: Vec<Value> = obj
        .pointer("/spec/patches")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    patches.retain(|p| !is_automation_patch(p));
    if !spec.automation {
        patches.push(automation_delete_patch());
    }
    set_path(
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
        set_path(doc, "/metadata/namespace", Some(json!(spec.namespace)));
        match doc.get("kind").and_then(Value::as_str) {
            Some("GitRepository") => {
                set_path(doc, "/spec/ref", Some(json!({"branch": spec.branch()})));
                let secret = spec.pull_secret.as_ref().map(|s| json!({"name": s}));
                // Keep flux bootstrap's key order: ref, secretRef, url.
                let url = json!(spec.git_url);
                set_path(doc, "/spec/url", None);
                set_path(doc, "/spec/secretRef", secret);
                set_path(doc, "/spec/url", Some(url));
            }
            Some("Kustomization") => {
                set_path(doc, "/spec/path", Some(json!(format!("./{}", spec.sync_path()))));
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

    fn staging() -> InitInput {
        InitInput {
            cluster: "staging".into(),
            environment: Some("staging".into()),
            git_branch: Some("main".into()),
            cluster_name: Some("staging-1".into()),
            domain: Some("preview1.example.com".into()),
            git_url: Some("https://github.com/controlplaneio-fluxcd/d1-fleet.git".into()),
            flux_version: Some("2.7.x".into()),
            ..Default::default()
        }
    }

    #[test]
    fn staging_runs_image_automation_and_production_does_not() {
        let s = resolve(&staging(), None).expect("resolves");
        assert!(s.automation);
        assert_eq!(s.components.len(), 7);
        let prod = resolve(
            &InitInput {
                cluster: "prod-eu".into(),
                production: true,
                domain: Some("eu.example.com".into()),
                git_url: Some("https://example.com/fleet.git".into()),
                ..Default::default()
            },
            None,
        )
        .expect("resolves");
        assert!(!prod.automation);
        assert_eq!(prod.runtime.environment, "production");
        assert_eq!(prod.runtime.git_branch, "production");
        assert_eq!(
            prod.git_ref, "refs/heads/main",
            "the fleet repo ref stays main (§4.1)"
        );
        assert!(!prod.components.iter().any(|c| c.starts_with("image-")));
        let t = tenant(&prod, "apps", None);
        assert!(is_automation_patch(&t["spec"]["patches"][0]));
    }

    #[test]
    fn components_are_checked_and_ordered() {
        let mut i = staging();
        i.components = Some(vec!["helm-controller".into(), "source-controller".into()]);
        let s = resolve(&i, None).expect("resolves");
        assert_eq!(
            s.components,
            [
                "source-controller",
                "helm-controller",
                "image-reflector-controller",
                "image-automation-controller"
            ]
        );
        i.components = Some(vec!["flagger".into()]);
        let err = resolve(&i, None).unwrap_err().to_string();
        assert!(err.contains("unknown Flux component"), "{err}");
        i.components = Some(vec!["image-automation-controller".into()]);
        i.production = true;
        let err = resolve(&i, None).unwrap_err().to_string();
        assert!(err.contains("no image automation"), "{err}");
    }

    #[test]
    fn set_keys_are_substitution_variables() {
        assert_eq!(
            parse_set("REGION=eu-west-1").expect("valid"),
            ("REGION".into(), "eu-west-1".into())
        );
        assert!(parse_set("REGION").is_err());
        assert!(parse_set("my-key=x").is_err());
        let err = parse_set("CLUSTER_DOMAIN=x").unwrap_err().to_string();
        assert!(err.contains("--domain"), "{err}");
    }

    #[test]
    fn empty_artifact_means_the_operators_bundled_manifests() {
        let mut i = staging();
        i.artifact = Some(String::new());
        let s = resolve(&i, None).expect("resolves");
        assert_eq!(s.distribution.artifact, None);
        assert!(
            flux_instance(&s, None)["spec"]["distribution"]
                .get("artifact")
                .is_none()
        );
    }

    #[test]
    fn required_inputs_are_named() {
        let mut i = staging();
        i.domain = None;
        assert!(
            resolve(&i, None)
                .unwrap_err()
                .to_string()
                .contains("--domain is required")
        );
        let mut i = staging();
        i.git_url = Some("git@github.com:org/fleet.git".into());
        assert!(resolve(&i, None).unwrap_err().to_string().contains("https://"));
        let mut i = staging();
        i.cluster = "Prod_EU".into();
        assert!(resolve(&i, None).is_err());
    }

    #[test]
    fn set_path_keeps_order_and_removes() {
        let mut v = json!({"a": 1, "b": {"c": 2}});
        set_path(&mut v, "/a", Some(json!(3)));
        set_path(&mut v, "/b/d~1e", Some(json!(4)));
        set_path(&mut v, "/b/c", None);
        set_path(&mut v, "/x/y", None);
        assert_eq!(
            serde_json::to_string(&v).expect("json"),
            r#"{"a":3,"b":{"d/e":4}}"#
        );
    }
}
