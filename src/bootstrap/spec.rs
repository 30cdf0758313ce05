//! What a cluster directory is made of: the layouts and their files, the defaults of every
//! setting, the inputs of `bootstrap init` ([`InitInput`], which is also the definition of its
//! flags) and the resolved [`ClusterSpec`] the generators render.
//!
//! Every constant of the cluster directory model lives here, so `resolve` (flags and `--from` →
//! spec), `from` (a directory → spec) and `render` (spec → files) agree on names and defaults.

use std::{collections::BTreeMap, path::PathBuf};

use serde_json::Value;

pub use crate::repo::names::GitProvider;

/// The namespace Flux runs in unless told otherwise: the fleet model's one default.
pub use crate::repo::layout::DEFAULT_FLUX_NAMESPACE as DEFAULT_NAMESPACE;

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

/// The controllers a FluxInstance runs when it lists none (the operator's default).
pub const DEFAULT_INSTANCE_COMPONENTS: &[&str] = &[
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
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
/// `spec.cluster.type` unless told otherwise.
pub const DEFAULT_CLUSTER_TYPE: &str = "kubernetes";
/// The service account tenants' reconcilers impersonate unless told otherwise.
pub const DEFAULT_TENANT_SERVICE_ACCOUNT: &str = "default";
/// The cluster DNS domain unless told otherwise.
pub const DEFAULT_DNS_DOMAIN: &str = "cluster.local";
/// The branch of the fleet repository (and, outside production, of the infra and apps
/// repositories) unless told otherwise.
pub const DEFAULT_BRANCH: &str = "main";
/// ENVIRONMENT and GIT_BRANCH of a `--production` cluster.
pub const PRODUCTION: &str = "production";
/// ENVIRONMENT of any other cluster unless told otherwise.
pub const DEFAULT_ENVIRONMENT: &str = "staging";

/// The layout of a cluster directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ClusterLayout {
    /// Flux Operator: `flux-system/flux-instance.yaml` + `flux-operator.yaml` (d1 today).
    D1,
    /// `flux bootstrap`: `flux-system/gotk-components.yaml`, `gotk-sync.yaml` and
    /// `kustomization.yaml` (d1 before the operator, keos fleets).
    Classic,
}

impl ClusterLayout {
    /// The name used in flags and messages.
    pub fn name(self) -> &'static str {
        match self {
            ClusterLayout::D1 => "d1",
            ClusterLayout::Classic => "classic",
        }
    }

    /// The files `init` writes in this layout, relative to the cluster directory.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            ClusterLayout::D1 => D1_FILES,
            ClusterLayout::Classic => CLASSIC_FILES,
        }
    }
}

/// The files `init` writes in the d1 layout (relative to the cluster directory).
pub const D1_FILES: &[&str] = &[
    "flux-system/flux-instance.yaml",
    "flux-system/flux-operator.yaml",
    "runtime-info.yaml",
    "infra-tenant.yaml",
    "apps-tenant.yaml",
];

/// The classic layout's files.
pub const CLASSIC_FILES: &[&str] = &[
    "flux-system/gotk-components.yaml",
    "flux-system/gotk-sync.yaml",
    "flux-system/kustomization.yaml",
    "runtime-info.yaml",
    "infra-tenant.yaml",
    "apps-tenant.yaml",
];

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
    /// How the sync authenticates: `provider: github` for a GitHub App Secret.
    pub provider: GitProvider,
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

/// Another cluster's settings and objects (`init --from OTHER`), the base a new cluster is
/// re-targeted from.
#[derive(Clone, Debug)]
pub struct FromCluster {
    /// Its settings (its own cluster name and CLUSTER_NAME).
    pub spec: ClusterSpec,
    /// Its single-object files by file name (`flux-instance.yaml`, `runtime-info.yaml` …).
    pub objects: BTreeMap<String, Value>,
    /// Its classic `gotk-sync.yaml` documents.
    pub sync_docs: Option<Vec<Value>>,
    /// Its classic `gotk-components.yaml`, copied byte for byte.
    pub components_manifest: Option<String>,
    /// Files in its directory that `init` does not generate, so they are not copied.
    pub not_copied: Vec<String>,
    /// Its own `kustomization.yaml` (a classic cluster importing a profile), when it has one.
    pub cluster_kustomization: Option<Value>,
}

/// The inputs of `bootstrap init`: what the user asked for, where an unset value means "the
/// default" (or, with `--from`, "as in the other cluster"). This struct is also the definition of
/// the flags (the CLI flattens it), so the inputs are described once.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct InitInput {
    /// The cluster directory to write (clusters/CLUSTER).
    pub cluster: String,

    /// The namespace Flux runs in (default: flux-system, or the --from cluster's).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Copy another cluster's directory and re-target it (flags override its settings).
    #[arg(long, value_name = "CLUSTER")]
    pub from: Option<String>,

    /// Directory layout.
    #[arg(long, value_enum)]
    pub layout: Option<ClusterLayout>,

    /// ENVIRONMENT: the overlay the infra and apps repositories use (default: staging, or
    /// production with --production).
    #[arg(long, value_name = "NAME")]
    pub environment: Option<String>,

    /// GIT_BRANCH: the branch of the infra and apps repositories (default: main, or production with
    /// --production).
    #[arg(long, value_name = "BRANCH")]
    pub git_branch: Option<String>,

    /// CLUSTER_NAME (default: CLUSTER).
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,

    /// CLUSTER_DOMAIN: the cluster's ingress domain, e.g. eu.example.com.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// A production cluster: no image automation (no image controllers, and the tenants delete
    /// objects labelled toolkit.fluxcd.io/role=automation), ENVIRONMENT and GIT_BRANCH production.
    #[arg(long)]
    pub production: bool,

    /// Run image automation (the default unless --production).
    #[arg(long, overrides_with = "no_automation")]
    pub automation: bool,

    /// Do not run image automation.
    #[arg(long)]
    pub no_automation: bool,

    /// The fleet repository URL Flux syncs from (https).
    #[arg(long, value_name = "URL")]
    pub git_url: Option<String>,

    /// The fleet repository branch (or full ref) Flux syncs from.
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,

    /// The git Secret the sync reads.
    #[arg(long, value_name = "NAME")]
    pub pull_secret: Option<String>,

    /// The fleet repository is public: no pull secret.
    #[arg(long, conflicts_with = "pull_secret")]
    pub public_repo: bool,

    /// Accept a plain http:// git URL although the token then crosses the network unencrypted
    /// (a lab git server).
    #[arg(long)]
    pub insecure_http: bool,

    /// How the sync authenticates: github = a GitHub App Secret (writes `provider: github`;
    /// bootstrap then needs an App credential, `token set --github-app`), generic = a token
    /// (default, or the --from cluster's).
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub provider: Option<GitProvider>,

    /// Flux version expression (default 2.x, the latest).
    #[arg(long, value_name = "VERSION")]
    pub flux_version: Option<String>,

    /// Registry of the Flux images.
    #[arg(long, value_name = "REGISTRY")]
    pub registry: Option<String>,

    /// OCI artifact of the distribution manifests ('none' for the manifests bundled with the
    /// operator, e.g. on air-gapped clusters).
    #[arg(long, value_name = "URL")]
    pub artifact: Option<String>,

    /// Enterprise distribution variant.
    #[arg(long, value_parser = ["upstream-alpine", "enterprise-alpine", "enterprise-distroless", "enterprise-distroless-fips"])]
    pub variant: Option<String>,

    /// Image pull secret for the distribution registry (e.g. flux-enterprise-auth).
    #[arg(long, value_name = "NAME")]
    pub image_pull_secret: Option<String>,

    /// Flux controllers (comma-separated; the image automation controllers follow --production).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub components: Option<Vec<String>>,

    /// Cluster type.
    #[arg(long, value_parser = ["kubernetes", "openshift", "aws", "azure", "gcp"])]
    pub cluster_type: Option<String>,

    /// Multi-tenancy lockdown (the default).
    #[arg(long, overrides_with = "no_multitenant")]
    pub multitenant: bool,

    /// No multi-tenancy lockdown.
    #[arg(long)]
    pub no_multitenant: bool,

    /// Service account tenants' reconcilers impersonate by default.
    #[arg(long, value_name = "NAME")]
    pub tenant_default_sa: Option<String>,

    /// Network policies for the Flux controllers (the default).
    #[arg(long, overrides_with = "no_network_policy")]
    pub network_policy: bool,

    /// No network policies.
    #[arg(long)]
    pub no_network_policy: bool,

    /// Let the FluxInstance wait for the Flux controllers to be healthy (the operator's default).
    #[arg(long, overrides_with = "no_instance_wait")]
    pub instance_wait: bool,

    /// Set spec.wait: false on the FluxInstance (clusters where Deployments never become ready,
    /// e.g. a control plane without nodes).
    #[arg(long)]
    pub no_instance_wait: bool,

    /// The Flux Operator chart the flux-operator ResourceSet installs (an oci:// mirror), or 'none'
    /// for no ResourceSet (upgrade the operator by re-running bootstrap with a newer manifest).
    #[arg(long, value_name = "URL|none")]
    pub operator_chart: Option<String>,

    /// The cluster's DNS domain (spec.cluster.domain).
    #[arg(long, value_name = "DOMAIN")]
    pub cluster_dns_domain: Option<String>,

    /// An extra runtime-info key (repeatable), e.g. --set REGION=eu-west-1; keos: the STRATIO_*
    /// and registry keys, e.g. --set STRATIO_SIZE=S.
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Import the profile clusters/_components/PROFILE, a kustomize Component (classic layout):
    /// the cluster's kustomization.yaml lists it under components:.
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// The use case (default: useCase in kubectl-fleet.yaml).
    #[arg(long, value_name = "NAME", help_heading = "keos")]
    pub use_case: Option<String>,

    /// Encrypt the cluster's secrets for this PGP fingerprint (repeatable); bootstrap
    /// provides the private key as Secret sops-gpg.
    #[arg(long, value_name = "FINGERPRINT", help_heading = "keos")]
    pub sops_pgp: Vec<String>,

    /// Encrypt the cluster's secrets for this age recipient (repeatable); bootstrap provides
    /// the identity as Secret sops-age.
    #[arg(long, value_name = "RECIPIENT", help_heading = "keos")]
    pub sops_age: Vec<String>,

    /// Encrypt the cluster's secrets with this AWS KMS key (kustomize-controller decrypts with
    /// its own identity: SOPS_SECRET_PROVIDED=false).
    #[arg(long, value_name = "ARN", help_heading = "keos")]
    pub sops_kms: Option<String>,

    /// The AWS profile of --sops-kms.
    #[arg(long, value_name = "PROFILE", help_heading = "keos")]
    pub sops_aws_profile: Option<String>,

    /// The armored public key of --sops-pgp, written to secrets/.sops.pub.asc.
    #[arg(long, value_name = "FILE", help_heading = "keos", value_hint = clap::ValueHint::FilePath)]
    pub sops_pgp_public_key: Option<PathBuf>,

    /// The system services repository, when the use case has no
    /// domain/system-services/UC/components yet.
    #[arg(long, value_name = "URL", help_heading = "keos")]
    pub system_services_git_url: Option<String>,

    /// The apps repository, when the use case has no domain/apps/UC/prerequisites yet.
    #[arg(long, value_name = "URL", help_heading = "keos")]
    pub apps_git_url: Option<String>,

    /// A Capsule Tenant in the apps prerequisites (with --capsule-owner-group).
    #[arg(long, value_name = "NAME", help_heading = "keos")]
    pub capsule_tenant: Option<String>,

    /// The group owning --capsule-tenant.
    #[arg(long, value_name = "GROUP", help_heading = "keos")]
    pub capsule_owner_group: Option<String>,
}

/// `--x` / `--no-x`: `Some` when either was given (the last one wins, clap enforces that).
fn flag_pair(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

impl InitInput {
    /// `--automation` / `--no-automation`.
    pub fn automation_flag(&self) -> Option<bool> {
        flag_pair(self.automation, self.no_automation)
    }

    /// `--multitenant` / `--no-multitenant`.
    pub fn multitenant_flag(&self) -> Option<bool> {
        flag_pair(self.multitenant, self.no_multitenant)
    }

    /// `--network-policy` / `--no-network-policy`.
    pub fn network_policy_flag(&self) -> Option<bool> {
        flag_pair(self.network_policy, self.no_network_policy)
    }

    /// `--instance-wait` / `--no-instance-wait`.
    pub fn instance_wait_flag(&self) -> Option<bool> {
        flag_pair(self.instance_wait, self.no_instance_wait)
    }
}
