//! keos cluster directories (`profile: keos`): `bootstrap init` writes `clusters/CLUSTER/` as the
//! keos fleets do (the layout keos-fleet-test documents), and `--from OTHER` / `--from _TEMPLATE`
//! re-targets an existing one.
//!
//! ```text
//! clusters/CLUSTER/
//!   default/flux-system/{gotk-sync,kustomization,runtime-info}.yaml   what bootstrap applies
//!   default/{system-services-domain,apps-domain}.yaml                 the domain chain
//!   override/{apps,system-services}/kustomization.yaml                the cluster's overrides
//!   secrets/.sops.yaml                                                 SOPS creation rules
//! ```
//!
//! Two levels of substitution make it work: `default` substitutes `${STRATIO_USE_CASE}`,
//! `${CLUSTER_NAME}` and `${SOPS_SECRET_PROVIDED}` in the domain Kustomizations from ConfigMap
//! `keos-runtime-info`, which is why `CLUSTER_NAME` must equal the directory name (the override and
//! secret paths are `./clusters/${CLUSTER_NAME}/…`). Flux itself is installed outside git
//! (keos-installer, or `bootstrap --install-flux`), so there is no `gotk-components.yaml`.
//!
//! The use case's domain directories are written too when they do not exist, by the same
//! generators the tenant commands use ([`component::scaffold_files`],
//! [`create::prerequisites_files`]).

pub mod cluster;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::{
    BootstrapError,
    files::read,
    fleet::{self, SecretReader},
    spec::{DEFAULT_BRANCH, DEFAULT_NAMESPACE, InitInput},
};
use crate::{
    error::Result,
    manifests::{
        pointer::{self, str_at, string_at},
        yaml,
    },
    repo::{
        FleetRepo, GeneratedFile, Layout, Profile,
        names::{self, GitProvider},
    },
    secrets::{SECRETS_DIR, SOPS_CONFIG},
    tenant::{component, create},
};

/// The fleet repository's GitRepository (and the source of every domain Kustomization).
pub const FLEET_SOURCE: &str = "keos-fleet";
/// The root Kustomization bootstrap applies: it reconciles `clusters/CLUSTER/default`.
pub const ROOT_KUSTOMIZATION: &str = "default";
/// The directory under `clusters/CLUSTER/` the root Kustomization applies.
pub const DEFAULT_DIR: &str = "default";
pub use crate::credentials::replicas::REPLICATE_TO;
/// Every namespace (kubernetes-replicator's anchored regex).
pub const REPLICATE_ALL: &str = ".*";
/// The ServiceAccount the cluster and system-services Kustomizations run as.
pub const RECONCILER_SERVICE_ACCOUNT: &str = "kustomize-controller";
/// The ClusterRoleBinding that gives it cluster-admin (as `flux install` names it).
pub const RECONCILER_BINDING: &str = "cluster-reconciler-flux-system";
/// The public key `gpg -a --export` writes next to `.sops.yaml` (manual procedure step 4).
pub const SOPS_PUBLIC_KEY: &str = ".sops.pub.asc";

/// The domain Kustomizations, in dependency order: what bootstrap waits for after `default`.
pub const DOMAIN_KUSTOMIZATIONS: &[&str] = &[
    "system-services-components",
    "system-services-components-override",
    "apps-prerequisites",
    "apps-components",
    "apps-components-override",
];

/// The files `init` writes under `clusters/CLUSTER/` (besides `secrets/.sops.yaml`).
pub const KEOS_FILES: &[&str] = &[
    "default/flux-system/gotk-sync.yaml",
    "default/flux-system/kustomization.yaml",
    "default/flux-system/runtime-info.yaml",
    "default/system-services-domain.yaml",
    "default/apps-domain.yaml",
    "override/apps/kustomization.yaml",
    "override/system-services/kustomization.yaml",
];

/// Where a runtime key's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeySource {
    /// Its own flag; `--set` on it is refused.
    Flag(&'static str),
    /// `--set KEY=VALUE`, required.
    Required,
    /// `--set KEY=VALUE`, else this default.
    Default(&'static str),
    /// `--set`, else derived from the SOPS flags.
    Derived,
}

/// The keos runtime keys, in the order of `keos-runtime-info` (spec §2.1).
const KEOS_RUNTIME_KEYS: &[(&str, KeySource)] = &[
    ("STRATIO_USE_CASE", KeySource::Flag("--use-case")),
    ("STRATIO_SIZE", KeySource::Required),
    ("GIT_BRANCH", KeySource::Flag("--git-branch")),
    ("CLUSTER_NAME", KeySource::Flag("--cluster-name")),
    ("CLUSTER_DOMAIN", KeySource::Flag("--domain")),
    ("CONTAINER_REGISTRY_URL", KeySource::Required),
    ("CONTAINER_REGISTRY_REPOSITORY_PREFIX", KeySource::Default("")),
    ("HELM_REGISTRY_PROVIDER", KeySource::Required),
    ("HELM_REGISTRY_TYPE", KeySource::Required),
    ("HELM_REGISTRY_URL", KeySource::Required),
    ("HELM_REGISTRY_REPOSITORY_PREFIX", KeySource::Default("")),
    ("SOPS_SECRET_PROVIDED", KeySource::Derived),
];

/// Example values for the missing-key message.
fn example(key: &str) -> &'static str {
    match key {
        "STRATIO_SIZE" => "S",
        "CONTAINER_REGISTRY_URL" => "registry.example.com:443",
        "HELM_REGISTRY_PROVIDER" => "generic",
        "HELM_REGISTRY_TYPE" => "default",
        "HELM_REGISTRY_URL" => "https://helm.example.com",
        _ => "…",
    }
}

/// A keos input that cannot make a cluster directory (exit 2; nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum KeosError {
    /// Runtime keys without a value.
    #[error("{}: {}", match from { Some(f) => format!("clusters/{f} leaves {} unset", missing.iter().map(|(k, p)| match p { Some(p) => format!("{k} ({p})"), None => k.clone() }).collect::<Vec<_>>().join(", ")), None => format!("runtime key{} {} {} no value", if missing.len() == 1 { "" } else { "s" }, missing.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", "), if missing.len() == 1 { "has" } else { "have" }) }, missing.iter().map(|(k, _)| hint(k)).collect::<Vec<_>>().join("; "))]
    MissingRuntime {
        /// The keys, with the placeholder that still stands for each (templates).
        missing: Vec<(String, Option<String>)>,
        /// The `--from` cluster they were left unset by.
        from: Option<String>,
    },
    /// A flag only the d1 profile has.
    #[error(
        "{} only for the d1 profile: a keos cluster directory has no FluxInstance (Flux is installed outside git, by keos-installer or bootstrap --install-flux); drop {}",
        if flags.len() == 1 { format!("{} is", flags[0]) } else { format!("{} are", flags.join(", ")) },
        if flags.len() == 1 { "it" } else { "them" }
    )]
    D1Only {
        /// The flags given.
        flags: Vec<&'static str>,
    },
    /// A flag only the keos profile has.
    #[error(
        "{} only for the keos profile (profile: keos in kubectl-fleet.yaml); this fleet uses {profile}",
        if flags.len() == 1 { format!("{} is", flags[0]) } else { format!("{} are", flags.join(", ")) }
    )]
    KeosOnly {
        /// The flags given.
        flags: Vec<&'static str>,
        /// The fleet's profile.
        profile: &'static str,
    },
    /// A keos cluster cannot be bootstrapped (that cluster fails; the others go on).
    #[error(transparent)]
    Preflight(#[from] KeosPreflightError),
    /// The use case's domain directories are missing and cannot be written.
    #[error(
        "unknown use case '{use_case}': {} {} not exist (known: {}); pass {} to create {}",
        missing.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" and "),
        if missing.len() == 1 { "does" } else { "do" },
        if known.is_empty() { "none".to_string() } else { known.join(", ") },
        flags.join(" and "),
        if missing.len() == 1 { "it" } else { "them" }
    )]
    UnknownUseCase {
        /// The use case.
        use_case: String,
        /// The missing directories.
        missing: Vec<PathBuf>,
        /// Use cases that exist.
        known: Vec<String>,
        /// The flags that would create them.
        flags: Vec<&'static str>,
    },
}

/// Why a keos cluster cannot be bootstrapped (that cluster fails; the others go on).
#[derive(Debug, thiserror::Error)]
pub enum KeosPreflightError {
    /// Flux's controllers or CRDs are missing.
    #[error(
        "Flux is not installed on {context} ({missing}); keos-installer installs it, or pass --install-flux to install it with Flux Operator"
    )]
    FluxMissing {
        /// The context.
        context: String,
        /// What is missing.
        missing: String,
    },
    /// kustomize-controller refuses cross-namespace references, which every keos apps component uses.
    #[error(
        "kustomize-controller on {context} runs with --no-cross-namespace-refs=true: keos apps Kustomizations read GitRepository flux-system/keos-apps from their own namespaces and would all fail"
    )]
    CrossNamespaceRefs {
        /// The context.
        context: String,
    },
    /// The cluster decrypts with a key Secret that is neither on the cluster nor given.
    #[error(
        "Secret {namespace}/{secret} does not exist and no key was given: pass {flag} FILE (or - for stdin); the cluster's secrets/.sops.yaml encrypts for it"
    )]
    NoSopsKey {
        /// Namespace.
        namespace: String,
        /// `sops-gpg` or `sops-age`.
        secret: &'static str,
        /// The flag that provides it.
        flag: &'static str,
    },
}

fn hint(key: &str) -> String {
    match KEOS_RUNTIME_KEYS.iter().find(|(k, _)| *k == key) {
        Some((_, KeySource::Flag(flag))) => format!("pass {flag}"),
        _ => format!("pass --set {key}={}", example(key)),
    }
}

/// How secrets of the cluster are encrypted (`secrets/.sops.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SopsRule {
    /// PGP fingerprints (or key ids); bootstrap provides the private key as Secret `sops-gpg`.
    Pgp(Vec<String>),
    /// age recipients; bootstrap provides the identity as Secret `sops-age`.
    Age(Vec<String>),
    /// AWS KMS: kustomize-controller decrypts with its own cloud identity (no key Secret).
    Kms {
        /// The key ARN.
        arn: String,
        /// The AWS profile sops uses locally.
        aws_profile: Option<String>,
    },
    /// Copied from the `--from` cluster as it is.
    Copied(Value),
}

/// The Secret kustomize-controller decrypts with, per key type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecryptionKey {
    /// `sops-gpg`, data key `sops.asc`.
    Gpg,
    /// `sops-age`, data key `age.agekey`.
    Age,
}

impl DecryptionKey {
    /// The Secret name.
    pub fn secret_name(self) -> &'static str {
        match self {
            DecryptionKey::Gpg => "sops-gpg",
            DecryptionKey::Age => "sops-age",
        }
    }

    /// The data key kustomize-controller recognises by its suffix.
    pub fn data_key(self) -> &'static str {
        match self {
            DecryptionKey::Gpg => "sops.asc",
            DecryptionKey::Age => "age.agekey",
        }
    }
}

impl SopsRule {
    /// The `.sops.yaml` content.
    pub fn config(&self) -> Value {
        let mut rule = Map::new();
        rule.insert("path_regex".into(), json!(".*.yaml"));
        rule.insert("encrypted_regex".into(), json!("^(data|stringData)$"));
        match self {
            SopsRule::Pgp(fps) => {
                rule.insert("pgp".into(), json!(fps.join(",")));
            }
            SopsRule::Age(recipients) => {
                rule.insert("age".into(), json!(recipients.join(",")));
            }
            SopsRule::Kms { arn, aws_profile } => {
                let mut key = json!({"arn": arn});
                if let Some(p) = aws_profile {
                    key["aws_profile"] = json!(p);
                }
                rule.insert("key_groups".into(), json!([{"kms": [key]}]));
            }
            SopsRule::Copied(v) => return v.clone(),
        }
        json!({"creation_rules": [Value::Object(rule)]})
    }

    /// Which key Secret the cluster needs, when it needs one.
    pub fn decryption_key(&self) -> Option<DecryptionKey> {
        match self {
            SopsRule::Pgp(_) => Some(DecryptionKey::Gpg),
            SopsRule::Age(_) => Some(DecryptionKey::Age),
            SopsRule::Kms { .. } => None,
            SopsRule::Copied(v) => sops_recipients(v).key,
        }
    }
}

/// What a `.sops.yaml` says about who can decrypt: PGP fingerprints, age recipients, KMS ARNs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    /// PGP fingerprints or key ids, uppercase.
    pub pgp: Vec<String>,
    /// age recipients.
    pub age: Vec<String>,
    /// KMS ARNs.
    pub kms: Vec<String>,
    /// The key Secret kustomize-controller needs (PGP first).
    pub key: Option<DecryptionKey>,
}

/// Reads the recipients of every creation rule of a `.sops.yaml` (top level and key groups).
pub fn sops_recipients(config: &Value) -> Recipients {
    let mut out = Recipients::default();
    let split = |v: &Value| -> Vec<String> {
        match v {
            Value::String(s) => s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().or_else(|| i.get("fp").and_then(Value::as_str)))
                .map(str::to_string)
                .collect(),
            Value::Number(n) => vec![n.to_string()],
            _ => Vec::new(),
        }
    };
    for rule in config
        .get("creation_rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut groups = vec![rule.clone()];
        groups.extend(
            rule.get("key_groups")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        );
        for g in &groups {
            if let Some(p) = g.get("pgp") {
                out.pgp.extend(split(p).into_iter().map(|f| f.to_uppercase()));
            }
            if let Some(a) = g.get("age") {
                out.age.extend(split(a));
            }
            if let Some(k) = g.get("kms") {
                match k {
                    Value::Array(items) => out.kms.extend(
                        items
                            .iter()
                            .filter_map(|i| i.get("arn").and_then(Value::as_str).or(i.as_str()))
                            .map(str::to_string),
                    ),
                    other => out.kms.extend(split(other)),
                }
            }
        }
    }
    out.key = if !out.pgp.is_empty() {
        Some(DecryptionKey::Gpg)
    } else if !out.age.is_empty() {
        Some(DecryptionKey::Age)
    } else {
        None
    };
    out
}

/// A Capsule Tenant in the apps prerequisites (`--capsule-tenant`, `--capsule-owner-group`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapsuleTenant {
    /// Tenant name.
    pub name: String,
    /// The group that owns it.
    pub owner_group: String,
}

/// Everything that decides the content of a keos `clusters/CLUSTER/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeosSpec {
    /// The cluster directory name (= CLUSTER_NAME).
    pub cluster: String,
    /// The use case.
    pub use_case: String,
    /// The fleet repository URL.
    pub git_url: String,
    /// The fleet branch `keos-fleet` syncs.
    pub branch: String,
    /// The git Secret `keos-fleet` reads (None: public repository).
    pub pull_secret: Option<String>,
    /// How `keos-fleet` and the domain GitRepositories authenticate with that Secret.
    pub provider: GitProvider,
    /// `keos-runtime-info` data, in order.
    pub runtime: Vec<(String, String)>,
    /// `secrets/.sops.yaml`, when the cluster has one.
    pub sops: Option<SopsRule>,
    /// `secrets/.sops.pub.asc` content.
    pub pgp_public_key: Option<String>,
    /// `--system-services-git-url`.
    pub system_services_git_url: Option<String>,
    /// `--apps-git-url`.
    pub apps_git_url: Option<String>,
    /// `--capsule-tenant` / `--capsule-owner-group`.
    pub capsule: Option<CapsuleTenant>,
}

impl KeosSpec {
    /// `clusters/CLUSTER`.
    pub fn dir(&self) -> PathBuf {
        PathBuf::from("clusters").join(&self.cluster)
    }

    /// A runtime value.
    pub fn runtime_value(&self, key: &str) -> Option<&str> {
        self.runtime
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The decryption Secret the apps-components patch names (`sops-gpg` unless age).
    pub fn decryption_secret(&self) -> &'static str {
        self.sops
            .as_ref()
            .and_then(SopsRule::decryption_key)
            .unwrap_or(DecryptionKey::Gpg)
            .secret_name()
    }
}

/// Another keos cluster's settings and objects (`--from OTHER`, `--from _TEMPLATE`).
#[derive(Clone, Debug)]
pub struct KeosFrom {
    /// Its directory name.
    pub cluster: String,
    /// A template (`_TEMPLATE`): placeholders `_KEY` are unset values.
    pub template: bool,
    /// `keos-runtime-info` data, in order; `None` for a placeholder.
    pub runtime: Vec<(String, Option<String>)>,
    /// The placeholder text of each unset key.
    pub placeholders: Vec<(String, String)>,
    /// The fleet URL, branch and pull secret of `keos-fleet`.
    pub git_url: Option<String>,
    /// Branch.
    pub branch: Option<String>,
    /// Pull secret.
    pub pull_secret: Option<String>,
    /// `keos-fleet`'s `spec.provider`.
    pub provider: GitProvider,
    /// Kept objects: the ConfigMap, the gotk-sync documents, the domain documents.
    pub runtime_object: Value,
    /// `gotk-sync.yaml` documents.
    pub sync_docs: Vec<Value>,
    /// `system-services-domain.yaml` documents.
    pub system_services_docs: Option<Vec<Value>>,
    /// `apps-domain.yaml` documents.
    pub apps_docs: Option<Vec<Value>>,
    /// `.sops.yaml`, parsed.
    pub sops: Option<Value>,
    /// Files of the other cluster that are not copied.
    pub not_copied: Vec<String>,
}

/// The d1-only flags given, by name.
pub fn d1_only_flags(input: &InitInput, components_manifest: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut flag = |given: bool, name: &'static str| {
        if given {
            out.push(name);
        }
    };
    flag(input.layout.is_some(), "--layout");
    flag(input.environment.is_some(), "--environment");
    flag(input.production, "--production");
    flag(input.automation_flag().is_some(), "--automation");
    flag(input.flux_version.is_some(), "--flux-version");
    flag(input.registry.is_some(), "--registry");
    flag(input.artifact.is_some(), "--artifact");
    flag(input.variant.is_some(), "--variant");
    flag(input.image_pull_secret.is_some(), "--image-pull-secret");
    flag(input.components.is_some(), "--components");
    flag(input.cluster_type.is_some(), "--cluster-type");
    flag(input.multitenant_flag().is_some(), "--multitenant");
    flag(input.tenant_default_sa.is_some(), "--tenant-default-sa");
    flag(input.network_policy_flag().is_some(), "--network-policy");
    flag(input.instance_wait_flag().is_some(), "--instance-wait");
    flag(input.operator_chart.is_some(), "--operator-chart");
    flag(input.cluster_dns_domain.is_some(), "--cluster-dns-domain");
    flag(components_manifest, "--components-manifest");
    out
}

/// The keos-only flags given, by name.
pub fn keos_only_flags(input: &InitInput) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut flag = |given: bool, name: &'static str| {
        if given {
            out.push(name);
        }
    };
    flag(input.use_case.is_some(), "--use-case");
    flag(!input.sops_pgp.is_empty(), "--sops-pgp");
    flag(!input.sops_age.is_empty(), "--sops-age");
    flag(input.sops_kms.is_some(), "--sops-kms");
    flag(input.sops_aws_profile.is_some(), "--sops-aws-profile");
    flag(input.sops_pgp_public_key.is_some(), "--sops-pgp-public-key");
    flag(
        input.system_services_git_url.is_some(),
        "--system-services-git-url",
    );
    flag(input.apps_git_url.is_some(), "--apps-git-url");
    flag(input.capsule_tenant.is_some(), "--capsule-tenant");
    flag(input.capsule_owner_group.is_some(), "--capsule-owner-group");
    out
}

fn invalid(flag: &'static str, value: &str, reason: impl Into<String>) -> BootstrapError {
    BootstrapError::InvalidFlag {
        flag,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Parses one keos `--set KEY=VALUE` (an empty value is a value).
pub fn parse_set(text: &str) -> Result<(String, String), BootstrapError> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(invalid("--set", text, "expected KEY=VALUE"));
    };
    names::substitution_key("--set", key).map_err(|e| invalid("--set", text, e.reason))?;
    if let Some((_, KeySource::Flag(flag))) = KEOS_RUNTIME_KEYS.iter().find(|(k, _)| *k == key) {
        return Err(invalid(
            "--set",
            text,
            format!("{key} has its own flag: use {flag}"),
        ));
    }
    if value.contains('\n') {
        return Err(invalid("--set", text, "values are single lines"));
    }
    if key == "SOPS_SECRET_PROVIDED" && !matches!(value, "true" | "false") {
        return Err(invalid(
            "--set",
            text,
            "SOPS_SECRET_PROVIDED is \"true\" (apps secrets decrypted with the cluster's key Secret) or \"false\" (kustomize-controller's own identity, e.g. AWS KMS)",
        ));
    }
    Ok((key.to_string(), value.to_string()))
}

/// A placeholder `_KEY` for a profile runtime key, when `value` holds one as a whole token.
fn placeholder_in(value: &str) -> Option<String> {
    KEOS_RUNTIME_KEYS.iter().find_map(|(key, _)| {
        let token = format!("_{key}");
        find_token(value, &token).map(|_| token)
    })
}

/// The position of `token` in `text` where it is neither preceded nor followed by `[A-Za-z0-9_]`.
fn find_token(text: &str, token: &str) -> Option<usize> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(i) = text[from..].find(token).map(|i| i + from) {
        let before = text[..i].chars().next_back();
        let after = text[i + token.len()..].chars().next();
        if !before.is_some_and(word) && !after.is_some_and(word) {
            return Some(i);
        }
        from = i + token.len();
    }
    None
}

/// Replaces every placeholder token `_KEY` in `text` with the key's value.
fn fill_placeholders(text: &str, runtime: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (key, value) in runtime {
        let token = format!("_{key}");
        while let Some(i) = find_token(&out, &token) {
            out.replace_range(i..i + token.len(), value);
        }
    }
    out
}

/// Fills placeholders in every string of a kept object.
fn fill_value(v: &mut Value, runtime: &[(String, String)]) {
    match v {
        Value::String(s) => *s = fill_placeholders(s, runtime),
        Value::Array(items) => items.iter_mut().for_each(|i| fill_value(i, runtime)),
        Value::Object(map) => map.values_mut().for_each(|i| fill_value(i, runtime)),
        _ => {}
    }
}

fn check_pgp(fp: &str) -> Result<String, BootstrapError> {
    let fp = fp.trim().trim_start_matches("0x").replace(' ', "");
    if (fp.len() == 40 || fp.len() == 16) && fp.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(fp.to_uppercase())
    } else {
        Err(invalid(
            "--sops-pgp",
            &fp,
            "expected a PGP fingerprint (40 hex digits, as `gpg --list-secret-keys --with-colons` prints on its fpr line) or a 16-hex-digit key id",
        ))
    }
}

fn check_age(r: &str) -> Result<String, BootstrapError> {
    let r = r.trim();
    let charset = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if r.starts_with("age1") && r.len() == 62 && r.chars().all(charset) {
        Ok(r.to_string())
    } else {
        Err(invalid(
            "--sops-age",
            r,
            "expected an age recipient (age1… as age-keygen prints it, 62 characters)",
        ))
    }
}

/// The SOPS rule: `--sops-pgp`, `--sops-age` or `--sops-kms` (one kind), else the `--from`
/// cluster's `.sops.yaml`, else none.
fn sops_rule(input: &InitInput, base: Option<&KeosFrom>) -> Result<Option<SopsRule>, BootstrapError> {
    let kinds = [
        !input.sops_pgp.is_empty(),
        !input.sops_age.is_empty(),
        input.sops_kms.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() > 1 {
        return Err(BootstrapError::InvalidFlag {
            flag: "--sops-pgp",
            value: "--sops-pgp/--sops-age/--sops-kms".into(),
            reason: "a cluster's secrets are encrypted for one kind of key: pass one of --sops-pgp, --sops-age or --sops-kms".into(),
        });
    }
    if input.sops_aws_profile.is_some() && input.sops_kms.is_none() {
        return Err(BootstrapError::MissingFlag {
            flag: "--sops-kms",
            why: "--sops-aws-profile names the AWS profile of a KMS key: pass --sops-kms ARN too".into(),
        });
    }
    if input.sops_pgp_public_key.is_some() && input.sops_pgp.is_empty() {
        return Err(BootstrapError::MissingFlag {
            flag: "--sops-pgp",
            why: "--sops-pgp-public-key is the public half of the --sops-pgp key: pass its fingerprint too"
                .into(),
        });
    }
    if !input.sops_pgp.is_empty() {
        return Ok(Some(SopsRule::Pgp(
            input
                .sops_pgp
                .iter()
                .map(|f| check_pgp(f))
                .collect::<Result<_, _>>()?,
        )));
    }
    if !input.sops_age.is_empty() {
        return Ok(Some(SopsRule::Age(
            input
                .sops_age
                .iter()
                .map(|r| check_age(r))
                .collect::<Result<_, _>>()?,
        )));
    }
    if let Some(arn) = &input.sops_kms {
        if !arn.starts_with("arn:") || arn.contains(char::is_whitespace) {
            return Err(invalid(
                "--sops-kms",
                arn,
                "expected a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)",
            ));
        }
        return Ok(Some(SopsRule::Kms {
            arn: arn.clone(),
            aws_profile: input.sops_aws_profile.clone(),
        }));
    }
    match base.and_then(|b| b.sops.as_ref().map(|s| (b, s))) {
        Some((b, config)) => {
            let r = sops_recipients(config);
            if let Some(arn) = r.kms.iter().find(|a| !a.starts_with("arn:")) {
                return Err(BootstrapError::InvalidClusterDir {
                    path: PathBuf::from("clusters")
                        .join(&b.cluster)
                        .join(SECRETS_DIR)
                        .join(SOPS_CONFIG),
                    reason: format!(
                        "the SOPS rule has a placeholder KMS key '{arn}': pass --sops-pgp, --sops-age or --sops-kms"
                    ),
                });
            }
            Ok(Some(SopsRule::Copied(config.clone())))
        }
        None => Ok(None),
    }
}

fn single_line(flag: &'static str, value: &str) -> Result<(), BootstrapError> {
    if value.trim().is_empty() || value.contains('\n') {
        Err(invalid(flag, value, "must be a non-empty single line"))
    } else {
        Ok(())
    }
}

/// Resolves a keos cluster spec from the flags (over another cluster's with `--from`).
/// `domain_secret` is the Secret the use case's domain GitRepositories read ([`domain_secret`]):
/// the pull secret when neither `--pull-secret` nor `--from` names one.
pub fn resolve(
    input: &InitInput,
    use_case: &str,
    base: Option<&KeosFrom>,
    domain_secret: Option<&str>,
) -> Result<KeosSpec, BootstrapError> {
    names::dns_label("cluster name", &input.cluster)?;
    if let Some(ns) = &input.namespace
        && ns != DEFAULT_NAMESPACE
    {
        return Err(invalid(
            "--namespace",
            ns,
            "keos runs Flux in flux-system: the domain files name it (the keos-apps source, cross-namespace sourceRefs)",
        ));
    }
    if let Some(name) = &input.cluster_name
        && *name != input.cluster
    {
        return Err(invalid(
            "--cluster-name",
            name,
            format!(
                "CLUSTER_NAME must be the directory name '{}': ./clusters/${{CLUSTER_NAME}}/override/… and ./clusters/${{CLUSTER_NAME}}/secrets/… would point at clusters/{name}/",
                input.cluster
            ),
        ));
    }
    let set: Vec<(String, String)> = input.set.iter().map(|s| parse_set(s)).collect::<Result<_, _>>()?;
    let sops = sops_rule(input, base)?;

    // Base values (placeholders unset), then flags.
    let mut values: Vec<(String, Option<String>)> = base.map(|b| b.runtime.clone()).unwrap_or_default();
    let mut put = |key: &str, value: Option<String>| match values.iter_mut().find(|(k, _)| k == key) {
        Some(entry) => {
            if value.is_some() {
                entry.1 = value;
            }
        }
        None => values.push((key.to_string(), value)),
    };
    put("STRATIO_USE_CASE", Some(use_case.to_string()));
    put("CLUSTER_NAME", Some(input.cluster.clone()));
    put("GIT_BRANCH", input.git_branch.clone());
    put("CLUSTER_DOMAIN", input.domain.clone());
    for (k, v) in &set {
        put(k, Some(v.clone()));
    }
    for (flag, v) in [("--git-branch", &input.git_branch), ("--domain", &input.domain)] {
        if let Some(v) = v {
            single_line(flag, v)?;
        }
    }

    let mut runtime = Vec::new();
    let mut missing = Vec::new();
    let value_of = |key: &str| values.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.clone());
    for (key, source) in KEOS_RUNTIME_KEYS {
        let value = match (value_of(key), source) {
            (Some(v), _) => Some(v),
            (None, KeySource::Default(d)) => Some(d.to_string()),
            (None, KeySource::Flag("--git-branch")) => Some(DEFAULT_BRANCH.to_string()),
            (None, KeySource::Derived) => Some(
                sops.as_ref()
                    .and_then(SopsRule::decryption_key)
                    .is_some()
                    .to_string(),
            ),
            (None, _) => None,
        };
        match value {
            Some(v) => runtime.push((key.to_string(), v)),
            None => missing.push((
                key.to_string(),
                base.and_then(|b| {
                    b.placeholders
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, p)| p.clone())
                }),
            )),
        }
    }
    // Extra keys, in the base's order then the order given.
    for (k, v) in &values {
        if KEOS_RUNTIME_KEYS.iter().any(|(key, _)| key == k) {
            continue;
        }
        match v {
            Some(v) => runtime.push((k.clone(), v.clone())),
            None => missing.push((
                k.clone(),
                base.and_then(|b| {
                    b.placeholders
                        .iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, p)| p.clone())
                }),
            )),
        }
    }
    if !missing.is_empty() {
        return Err(KeosError::MissingRuntime {
            missing,
            from: base.map(|b| b.cluster.clone()),
        }
        .into());
    }

    let git_url = match (&input.git_url, base.and_then(|b| b.git_url.clone())) {
        (Some(u), _) => u.clone(),
        (None, Some(u)) => u,
        (None, None) => {
            return Err(BootstrapError::MissingFlag {
                flag: "--git-url",
                why: "it is the fleet repository GitRepository keos-fleet syncs from (e.g. --git-url https://github.com/org/keos-fleet.git), or copy another cluster's settings with --from CLUSTER".into(),
            });
        }
    };
    let branch = input
        .branch
        .clone()
        .or(base.and_then(|b| b.branch.clone()))
        .unwrap_or_else(|| DEFAULT_BRANCH.to_string());
    single_line("--branch", &branch)?;
    let pull_secret = if input.public_repo {
        None
    } else {
        match (&input.pull_secret, base) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(b)) => b.pull_secret.clone(),
            (None, None) => Some(domain_secret.unwrap_or(DEFAULT_NAMESPACE).to_string()),
        }
    };
    // keos-fleet and the domain GitRepositories read the same Secret: one provider for all.
    let provider = input.provider.or(base.map(|b| b.provider)).unwrap_or_default();
    if provider == GitProvider::Github && pull_secret.is_none() {
        return Err(invalid(
            "--provider",
            "github",
            "provider github reads the GitHub App from the pull secret; a public repository (--public-repo) needs no provider",
        ));
    }
    let access = crate::bootstrap::resolve::git_access(input, pull_secret.is_some());
    if let Some(s) = &pull_secret {
        names::dns_label("--pull-secret", s)?;
    }
    for (flag, url) in [
        ("--git-url", Some(&git_url)),
        (
            "--system-services-git-url",
            input.system_services_git_url.as_ref(),
        ),
        ("--apps-git-url", input.apps_git_url.as_ref()),
    ] {
        match (url, provider) {
            (None, _) => {}
            (Some(u), GitProvider::Generic) => names::git_url(flag, u, access)?,
            (Some(u), GitProvider::Github) => names::github_repo_url(flag, u, input.insecure_http)?,
        }
    }
    let capsule = match (&input.capsule_tenant, &input.capsule_owner_group) {
        (Some(name), Some(group)) => {
            names::dns_label("--capsule-tenant", name)?;
            single_line("--capsule-owner-group", group)?;
            Some(CapsuleTenant {
                name: name.clone(),
                owner_group: group.clone(),
            })
        }
        (None, None) => None,
        (Some(_), None) => {
            return Err(BootstrapError::MissingFlag {
                flag: "--capsule-owner-group",
                why: "the Capsule Tenant needs an owner group (e.g. --capsule-owner-group stratio-stratio-owners)".into(),
            });
        }
        (None, Some(_)) => {
            return Err(BootstrapError::MissingFlag {
                flag: "--capsule-tenant",
                why: "--capsule-owner-group owns a Capsule Tenant: name it with --capsule-tenant".into(),
            });
        }
    };
    let pgp_public_key = match &input.sops_pgp_public_key {
        Some(path) => Some(read_public_key(path)?),
        None => None,
    };
    Ok(KeosSpec {
        cluster: input.cluster.clone(),
        use_case: use_case.to_string(),
        git_url,
        branch,
        pull_secret,
        provider,
        runtime,
        sops,
        pgp_public_key,
        system_services_git_url: input.system_services_git_url.clone(),
        apps_git_url: input.apps_git_url.clone(),
        capsule,
    })
}

/// Reads an armored PGP public key (never a secret key: it is committed).
fn read_public_key(path: &Path) -> Result<String, BootstrapError> {
    let text = std::fs::read_to_string(path).map_err(|source| BootstrapError::ReadFile {
        what: "PGP public key",
        path: path.to_path_buf(),
        source,
    })?;
    let shown = path.display().to_string();
    if text.contains("PRIVATE KEY BLOCK") {
        return Err(invalid(
            "--sops-pgp-public-key",
            &shown,
            "this is a secret key: export the public one with gpg --armor --export FINGERPRINT (the file is committed)",
        ));
    }
    if !text.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") {
        return Err(invalid(
            "--sops-pgp-public-key",
            &shown,
            "not an armored PGP public key (gpg --armor --export FINGERPRINT)",
        ));
    }
    Ok(text)
}

fn one_file(repo: &FleetRepo, rel: &Path) -> Result<Option<Vec<Value>>> {
    if !repo.path(rel).is_file() {
        return Ok(None);
    }
    let text = read(repo, rel)?;
    Ok(Some(yaml::objects_from_multi_doc(
        &text,
        &rel.display().to_string(),
    )?))
}

/// Every file under a directory (hidden ones included), relative to it.
fn all_files(abs: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![abs.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(abs) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Reads `clusters/OTHER` (a keos cluster or `_TEMPLATE`).
pub fn read_from(repo: &FleetRepo, other: &str) -> Result<KeosFrom> {
    let dir = super::clusterdir::locate_source(repo, other)?;
    let fs = dir.join(DEFAULT_DIR).join("flux-system");
    let runtime_rel = fs.join("runtime-info.yaml");
    let runtime_object = match one_file(repo, &runtime_rel)?.as_deref() {
        Some([one]) if pointer::kind(one) == "ConfigMap" => one.clone(),
        _ => {
            return Err(BootstrapError::InvalidClusterDir {
                path: runtime_rel,
                reason: "expected the keos-runtime-info ConfigMap: --from reads the cluster's settings from it (is this a keos cluster directory?)".into(),
            }
            .into());
        }
    };
    let mut runtime = Vec::new();
    let mut placeholders = Vec::new();
    for (k, v) in runtime_object
        .get("data")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match placeholder_in(&text) {
            Some(p) => {
                placeholders.push((k.clone(), p));
                runtime.push((k.clone(), None));
            }
            None => runtime.push((k.clone(), Some(text))),
        }
    }
    let sync_rel = fs.join("gotk-sync.yaml");
    let sync_docs = one_file(repo, &sync_rel)?.ok_or_else(|| BootstrapError::InvalidClusterDir {
        path: sync_rel.clone(),
        reason: "missing: --from needs it to copy the fleet repository URL".into(),
    })?;
    let source = sync_docs.iter().find(|d| pointer::kind(d) == "GitRepository");
    let git_url = source.and_then(|s| string_at(s, "/spec/url"));
    let branch = source.and_then(|s| string_at(s, "/spec/ref/branch"));
    let pull_secret = source.and_then(|s| string_at(s, "/spec/secretRef/name"));
    let provider = GitProvider::from_field(source.and_then(|s| str_at(s, "/spec/provider")));
    let sops_rel = dir.join(SECRETS_DIR).join(SOPS_CONFIG);
    let sops = match repo.read_optional(&sops_rel)? {
        Some(text) => Some(yaml::from_str::<Value>(&text, &sops_rel.display().to_string())?),
        None => None,
    };
    let mut not_copied: Vec<String> = all_files(&repo.path(&dir))
        .into_iter()
        .filter(|f| !KEOS_FILES.contains(&f.as_str()) && *f != format!("{SECRETS_DIR}/{SOPS_CONFIG}"))
        .collect();
    not_copied.sort();
    Ok(KeosFrom {
        cluster: other.to_string(),
        template: other.starts_with('_'),
        runtime,
        placeholders,
        git_url,
        branch,
        pull_secret,
        provider,
        runtime_object,
        sync_docs,
        system_services_docs: one_file(repo, &dir.join(DEFAULT_DIR).join("system-services-domain.yaml"))?,
        apps_docs: one_file(repo, &dir.join(DEFAULT_DIR).join("apps-domain.yaml"))?,
        sops,
        not_copied,
    })
}

fn runtime_info_ref() -> Value {
    json!({"substituteFrom": [{"kind": "ConfigMap", "name": Profile::Keos.runtime_info_name()}]})
}

/// `default/flux-system/gotk-sync.yaml`: GitRepository `keos-fleet` and Kustomization `default`
/// (the Go-duration intervals `flux bootstrap` writes).
pub fn gotk_sync(spec: &KeosSpec, base: Option<&[Value]>) -> Vec<Value> {
    let mut docs = base.map(<[Value]>::to_vec).unwrap_or_else(|| {
        vec![
            json!({
                "apiVersion": "source.toolkit.fluxcd.io/v1",
                "kind": "GitRepository",
                "metadata": {"name": FLEET_SOURCE, "namespace": DEFAULT_NAMESPACE},
                "spec": {"interval": "1m0s", "ref": {"branch": ""}, "url": ""},
            }),
            json!({
                "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
                "kind": "Kustomization",
                "metadata": {"name": ROOT_KUSTOMIZATION, "namespace": DEFAULT_NAMESPACE},
                "spec": {
                    "interval": "5m0s",
                    "path": "",
                    "prune": true,
                    "sourceRef": {"kind": "GitRepository", "name": FLEET_SOURCE},
                    "postBuild": runtime_info_ref(),
                },
            }),
        ]
    });
    for doc in &mut docs {
        match pointer::kind(doc) {
            "GitRepository" => {
                pointer::set(doc, "/spec/ref", Some(json!({"branch": spec.branch})));
                let url = json!(spec.git_url);
                pointer::set(doc, "/spec/url", None);
                pointer::set(doc, "/spec/secretRef", None);
                // Source-controller reads an App Secret only with provider github.
                pointer::set(doc, "/spec/provider", spec.provider.field().map(|p| json!(p)));
                pointer::set(
                    doc,
                    "/spec/secretRef",
                    spec.pull_secret.as_ref().map(|s| json!({"name": s})),
                );
                pointer::set(doc, "/spec/url", Some(url));
            }
            "Kustomization" => {
                pointer::set(
                    doc,
                    "/spec/path",
                    Some(json!(format!("./clusters/{}/{DEFAULT_DIR}", spec.cluster))),
                );
            }
            _ => {}
        }
    }
    docs
}

/// `default/flux-system/runtime-info.yaml`: ConfigMap `keos-runtime-info`, replicated to every
/// namespace (apps Kustomizations substitute from their own namespace's copy).
pub fn runtime_info(spec: &KeosSpec, base: Option<&Value>) -> Value {
    let mut obj = base.cloned().unwrap_or_else(|| {
        json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": Profile::Keos.runtime_info_name(),
                "namespace": DEFAULT_NAMESPACE,
                "labels": {"toolkit.fluxcd.io/runtime": "true"},
                "annotations": {
                    "kustomize.toolkit.fluxcd.io/ssa": "Merge",
                    REPLICATE_TO: REPLICATE_ALL,
                },
            },
            "data": {},
        })
    });
    let data: Map<String, Value> = spec.runtime.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    pointer::set(&mut obj, "/data", Some(Value::Object(data)));
    obj
}

/// A domain Kustomization (interval 5m, retry 3m, as kustomize-controller, from `keos-fleet`,
/// substituting from `keos-runtime-info`).
fn domain_kustomization(name: &str, depends_on: Option<&str>, wait: bool, path: &str) -> Value {
    let mut s = Map::new();
    s.insert("serviceAccountName".into(), json!(RECONCILER_SERVICE_ACCOUNT));
    if let Some(d) = depends_on {
        s.insert("dependsOn".into(), json!([{"name": d}]));
    }
    s.insert("interval".into(), json!("5m"));
    s.insert("retryInterval".into(), json!("3m"));
    if wait {
        s.insert("wait".into(), json!(true));
        s.insert("timeout".into(), json!("15m"));
    }
    s.insert("path".into(), json!(path));
    s.insert("prune".into(), json!(true));
    s.insert(
        "sourceRef".into(),
        json!({"kind": "GitRepository", "name": FLEET_SOURCE}),
    );
    s.insert("postBuild".into(), runtime_info_ref());
    json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": name, "namespace": DEFAULT_NAMESPACE},
        "spec": s,
    })
}

/// The decryption patch `apps-components` puts on every app Kustomization labelled
/// `app.kubernetes.io/sops-secret-provided=${SOPS_SECRET_PROVIDED}`.
pub fn decryption_patch(secret: &str) -> Value {
    json!({
        "patch": format!(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: all\nspec:\n  decryption:\n    provider: sops\n    secretRef:\n      name: {secret}\n"
        ),
        "target": {
            "kind": "Kustomization",
            "labelSelector": format!("{}=${{SOPS_SECRET_PROVIDED}}", crate::repo::layout::SOPS_SECRET_PROVIDED_LABEL),
        },
    })
}

/// `default/system-services-domain.yaml` (the same for every cluster).
pub fn system_services_domain() -> Vec<Value> {
    vec![
        domain_kustomization(
            "system-services-components",
            None,
            true,
            "./domain/system-services/${STRATIO_USE_CASE}",
        ),
        domain_kustomization(
            "system-services-components-override",
            Some("system-services-components"),
            false,
            "./clusters/${CLUSTER_NAME}/override/system-services",
        ),
    ]
}

/// `default/apps-domain.yaml`: prerequisites, components (with the decryption patch) and the
/// override, the last two in parallel after the prerequisites.
pub fn apps_domain(decryption_secret: &str) -> Vec<Value> {
    let mut components = domain_kustomization(
        "apps-components",
        Some("apps-prerequisites"),
        false,
        "./domain/apps/${STRATIO_USE_CASE}/components",
    );
    pointer::set(
        &mut components,
        "/spec/patches",
        Some(json!([decryption_patch(decryption_secret)])),
    );
    vec![
        domain_kustomization(
            "apps-prerequisites",
            Some("system-services-components-override"),
            false,
            "./domain/apps/${STRATIO_USE_CASE}/prerequisites",
        ),
        components,
        domain_kustomization(
            "apps-components-override",
            Some("apps-prerequisites"),
            false,
            "./clusters/${CLUSTER_NAME}/override/apps",
        ),
    ]
}

/// Points a kept apps-components decryption patch at the cluster's key Secret.
fn retarget_decryption(docs: &mut [Value], secret: &str) {
    for doc in docs {
        let Some(patches) = doc.pointer_mut("/spec/patches").and_then(Value::as_array_mut) else {
            continue;
        };
        for p in patches {
            if let Some(Value::String(text)) = p.get_mut("patch")
                && text.contains("decryption:")
            {
                for other in [DecryptionKey::Gpg, DecryptionKey::Age] {
                    *text = text.replace(
                        &format!("name: {}", other.secret_name()),
                        &format!("name: {secret}"),
                    );
                }
            }
        }
    }
}

fn override_kustomization(domain: &str) -> String {
    format!(
        "#  To learn how to override a Kustomization in the {domain} domain, check the documentation in https://github.com/Stratio/keos-fleet.\n\
         apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nbuildMetadata: [ originAnnotations ]\nresources: []\n"
    )
}

fn file(path: PathBuf, value: &Value) -> Result<GeneratedFile> {
    let what = path.display().to_string();
    Ok(GeneratedFile {
        content: yaml::to_string(value, &what)?,
        path,
    })
}

fn multi(path: PathBuf, docs: &[Value]) -> Result<GeneratedFile> {
    let what = path.display().to_string();
    Ok(GeneratedFile {
        content: yaml::to_multi_doc(docs, &what)?,
        path,
    })
}

/// The Capsule Tenant of the apps prerequisites.
pub fn capsule_tenant(t: &CapsuleTenant) -> Value {
    let a = |k: &str| format!("stratio.tenant.kubernetes.io/{k}");
    json!({
        "apiVersion": "capsule.clastix.io/v1beta1",
        "kind": "Tenant",
        "metadata": {
            "name": t.name,
            "annotations": {
                a("disable-gosec-tenancy"): "false",
                a("disable-net-policies"): "false",
                a("disable-own-pki"): "false",
                a("disable-sec-policies"): "false",
                a("tenant-description"): "",
                a("gosec-group-input-source-type"): "System",
            },
        },
        "spec": {
            "owners": [
                {"kind": "Group", "name": t.owner_group},
                {"kind": "ServiceAccount", "name": format!("system:serviceaccount:{DEFAULT_NAMESPACE}:{RECONCILER_SERVICE_ACCOUNT}")},
            ],
        },
    })
}

/// The use cases that have domain directories.
pub fn known_use_cases(repo: &FleetRepo) -> Vec<String> {
    let mut out: Vec<String> = ["domain/system-services", "domain/apps"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(repo.path(d))
                .map(|rd| {
                    rd.flatten()
                        .filter(|e| e.path().is_dir())
                        .filter_map(|e| e.file_name().into_string().ok())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The use case's domain directories, `domain/system-services/UC` and `domain/apps/UC`: every
/// cluster of the use case applies what they hold.
fn domain_dirs(layout: &Layout) -> Vec<PathBuf> {
    [layout.components_dir(), layout.prerequisites_dir()]
        .iter()
        .filter_map(|d| d.parent().map(Path::to_path_buf))
        .collect()
}

/// The GitRepositories of the use case's domain directories that read Secret `secret` (the
/// `keos-system-services` and `keos-apps` sources, and any the user added): shared by every
/// cluster of the use case, each of which gives them its own Secret of that name.
pub fn domain_readers(repo: &FleetRepo, layout: &Layout, secret: &str) -> Vec<SecretReader> {
    fleet::readers_under(repo, &domain_dirs(layout), secret, None)
}

/// The Secret the use case's domain GitRepositories read (the first one's), None when none reads
/// one. The chain reads one Secret, the one bootstrap writes for keos-fleet: a new cluster of the
/// use case defaults its pull secret to it, and a new domain source reads it.
pub fn domain_secret(repo: &FleetRepo, layout: &Layout) -> Option<String> {
    fleet::secret_refs_under(repo, &domain_dirs(layout), None)
        .into_iter()
        .next()
        .map(|(_, secret)| secret)
}

/// The Secret a new domain GitRepository of the use case reads: the one the others read, else
/// the layout's (`flux-system`).
pub fn new_domain_source_secret(repo: &FleetRepo, layout: &Layout) -> String {
    domain_secret(repo, layout).unwrap_or_else(|| layout.platform().secret.to_string())
}

/// Warnings for a cluster whose keos-fleet reads `pull_secret` (None: a public repository) when
/// a domain GitRepository of its use case reads another Secret ([`fleet::unreached_readers`]).
fn domain_secret_warnings(
    repo: &FleetRepo,
    layout: &Layout,
    cluster: &str,
    pull_secret: Option<&str>,
) -> Vec<String> {
    fleet::unreached_readers(
        repo,
        &domain_dirs(layout),
        cluster,
        "keos-fleet reads",
        pull_secret,
    )
}

/// The GitRepositories of a keos cluster's chain that read its Flux Secret `secret`, besides
/// `keos-fleet` (read from the build of `default/flux-system`): the domain GitRepositories of its
/// use case (`layout`, when the runtime info names one) and any under its directory (the
/// overrides).
pub fn chain_readers(
    repo: &FleetRepo,
    layout: Option<&Layout>,
    cluster_dir: &Path,
    secret: &str,
) -> Vec<SecretReader> {
    let mut out = layout
        .map(|l| domain_readers(repo, l, secret))
        .unwrap_or_default();
    let own = cluster_dir.join(DEFAULT_DIR).join("flux-system");
    out.extend(fleet::readers_under(
        repo,
        &[cluster_dir.to_path_buf()],
        secret,
        Some(&own),
    ));
    out
}

/// Refuses provider `want` for cluster `cluster` when a domain GitRepository of its use case that
/// reads its Flux Secret `secret` declares another: the domain directories are shared by every
/// cluster of the use case, and the one Secret has one form (a token or a GitHub App).
pub fn check_domain_provider(
    repo: &FleetRepo,
    layout: &Layout,
    secret: &str,
    want: GitProvider,
    cluster: &str,
) -> Result<(), BootstrapError> {
    for r in domain_readers(repo, layout, secret) {
        let have = GitProvider::from_field(r.provider.as_deref());
        if have != want {
            return Err(BootstrapError::InvalidClusterDir {
                path: r.file,
                reason: format!(
                    "{} has spec.provider {}, and cluster '{cluster}' would give it a {} Secret {secret} \
                     (provider {}): the domain GitRepositories are shared by every cluster of the use \
                     case and read that Secret; pass --provider {}, or change the provider of the use \
                     case's sources first (kubectl fleet token migrate)",
                    r.what,
                    have.name(),
                    match want {
                        GitProvider::Github => "GitHub App",
                        GitProvider::Generic => "token",
                    },
                    want.name(),
                    have.name(),
                ),
            });
        }
    }
    Ok(())
}

/// The provider a new domain GitRepository of the use case gets (the tenant commands scaffold
/// them): the one the existing domain GitRepositories reading the Secret it will read declare,
/// generic when there are none. Refused when they disagree: no Secret could serve both.
pub fn domain_provider(repo: &FleetRepo, layout: &Layout) -> Result<GitProvider, BootstrapError> {
    let secret = new_domain_source_secret(repo, layout);
    fleet::agreed_provider(
        &domain_readers(repo, layout, &secret),
        &secret,
        "on every cluster of the use case",
    )
}

/// The files of `clusters/CLUSTER/` and, where missing, the use case's domain directories;
/// warnings about flags that had nothing to do.
pub fn generate(
    repo: &FleetRepo,
    layout: &Layout,
    spec: &KeosSpec,
    base: Option<&KeosFrom>,
) -> Result<(Vec<GeneratedFile>, Vec<String>)> {
    if let Some(secret) = &spec.pull_secret {
        check_domain_provider(repo, layout, secret, spec.provider, &spec.cluster)?;
    }
    let mut warnings = domain_secret_warnings(repo, layout, &spec.cluster, spec.pull_secret.as_deref());
    // New domain sources read the Secret keos-fleet reads (a public one: the layout's).
    let domain_secret = spec
        .pull_secret
        .clone()
        .unwrap_or_else(|| new_domain_source_secret(repo, layout));
    let dir = spec.dir();
    let fs = dir.join(DEFAULT_DIR).join("flux-system");
    let mut files = vec![
        multi(
            fs.join("gotk-sync.yaml"),
            &gotk_sync(spec, base.map(|b| b.sync_docs.as_slice())),
        )?,
        file(
            fs.join("kustomization.yaml"),
            &json!({
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": ["runtime-info.yaml", "gotk-sync.yaml"],
            }),
        )?,
        file(
            fs.join("runtime-info.yaml"),
            &runtime_info(spec, base.map(|b| &b.runtime_object)),
        )?,
    ];
    let mut system_services = base
        .and_then(|b| b.system_services_docs.clone())
        .unwrap_or_else(system_services_domain);
    let mut apps = base
        .and_then(|b| b.apps_docs.clone())
        .unwrap_or_else(|| apps_domain(spec.decryption_secret()));
    retarget_decryption(&mut apps, spec.decryption_secret());
    for doc in system_services.iter_mut().chain(apps.iter_mut()) {
        fill_value(doc, &spec.runtime);
    }
    files.push(multi(
        dir.join(DEFAULT_DIR).join("system-services-domain.yaml"),
        &system_services,
    )?);
    files.push(multi(dir.join(DEFAULT_DIR).join("apps-domain.yaml"), &apps)?);
    for domain in ["apps", "system-services"] {
        files.push(GeneratedFile {
            path: dir.join("override").join(domain).join("kustomization.yaml"),
            content: override_kustomization(domain),
        });
    }
    if let Some(sops) = &spec.sops {
        files.push(file(dir.join(SECRETS_DIR).join(SOPS_CONFIG), &sops.config())?);
    }
    if let Some(key) = &spec.pgp_public_key {
        files.push(GeneratedFile {
            path: dir.join(SECRETS_DIR).join(SOPS_PUBLIC_KEY),
            content: key.clone(),
        });
    }

    // The use case's domain directories, when missing.
    let components_dir = layout.components_dir();
    let prerequisites_dir = layout.prerequisites_dir();
    let mut missing = Vec::new();
    let mut flags = Vec::new();
    if repo.path(&components_dir).is_dir() {
        if spec.system_services_git_url.is_some() {
            warnings.push(format!(
                "{} exists: --system-services-git-url was not used (its source.yaml names the repository)",
                components_dir.display()
            ));
        }
    } else if let Some(url) = &spec.system_services_git_url {
        files.extend(component::scaffold_files(
            layout,
            url,
            spec.provider,
            &domain_secret,
        )?);
    } else {
        missing.push(components_dir.clone());
        flags.push("--system-services-git-url");
    }
    let prerequisites_exist = repo.path(&prerequisites_dir).is_dir();
    if prerequisites_exist {
        if spec.apps_git_url.is_some() {
            warnings.push(format!(
                "{} exists: --apps-git-url was not used (its source.yaml names the repository)",
                prerequisites_dir.display()
            ));
        }
    } else if let Some(url) = &spec.apps_git_url {
        let mut scaffold = create::prerequisites_files(layout, url, spec.provider, &domain_secret)?;
        if let Some(t) = &spec.capsule {
            let k = prerequisites_dir.join("kustomization.yaml");
            for f in scaffold.iter_mut().filter(|f| f.path == k) {
                let mut v: Value = yaml::from_str(&f.content, &k.display().to_string())?;
                if let Some(r) = v.get_mut("resources").and_then(Value::as_array_mut) {
                    r.push(json!("tenant.yaml"));
                }
                f.content = yaml::to_string(&v, &k.display().to_string())?;
            }
            scaffold.push(file(prerequisites_dir.join("tenant.yaml"), &capsule_tenant(t))?);
        }
        files.extend(scaffold);
    } else {
        missing.push(prerequisites_dir.clone());
        flags.push("--apps-git-url");
    }
    if !missing.is_empty() {
        let known = known_use_cases(repo);
        return Err(BootstrapError::from(KeosError::UnknownUseCase {
            use_case: spec.use_case.clone(),
            missing,
            known,
            flags,
        })
        .into());
    }
    if prerequisites_exist && let Some(t) = &spec.capsule {
        let tenant = prerequisites_dir.join("tenant.yaml");
        files.push(file(tenant, &capsule_tenant(t))?);
        let k = prerequisites_dir.join("kustomization.yaml");
        let text = repo.read_optional(&k)?.unwrap_or_default();
        match yaml::append_to_sequence(&text, "resources", "tenant.yaml", &k.display().to_string()) {
            Ok(yaml::SequenceEdit::Added(new)) => files.push(GeneratedFile {
                path: k,
                content: new,
            }),
            Ok(yaml::SequenceEdit::AlreadyPresent) => {}
            Err(e) => {
                return Err(BootstrapError::InvalidClusterDir {
                    path: k,
                    reason: crate::error::chain::error_chain(&e),
                }
                .into());
            }
        }
    }
    if let Some(b) = base {
        if b.template
            && let Some(uc) = b
                .runtime
                .iter()
                .find(|(k, _)| k == "STRATIO_USE_CASE")
                .and_then(|(_, v)| v.clone())
            && uc != spec.use_case
        {
            warnings.push(format!(
                "clusters/{} sets STRATIO_USE_CASE {uc}; this fleet's use case {} is used",
                b.cluster, spec.use_case
            ));
        }
        if spec
            .sops
            .as_ref()
            .is_some_and(|s| matches!(s, SopsRule::Copied(_)))
        {
            warnings.push(format!(
                "secrets/.sops.yaml copied from clusters/{}: the new cluster shares its SOPS recipients (pass --sops-pgp, --sops-age or --sops-kms for its own)",
                b.cluster
            ));
        }
        for f in &b.not_copied {
            let why = if f.starts_with(&format!("{SECRETS_DIR}/")) {
                format!(
                    " (secrets are per cluster: kubectl fleet secret set {} COMPONENT NAME …)",
                    spec.cluster
                )
            } else if f.starts_with("override/") {
                " (the cluster's own overrides)".to_string()
            } else {
                String::new()
            };
            warnings.push(format!("clusters/{}/{f} was not copied{why}", b.cluster));
        }
    }
    if spec.sops.is_none() {
        warnings.push(format!(
            "no SOPS rule: clusters/{}/secrets/.sops.yaml is not written and SOPS_SECRET_PROVIDED is \"{}\"; `kubectl fleet secret set` needs one (--sops-pgp, --sops-age or --sops-kms)",
            spec.cluster,
            spec.runtime_value("SOPS_SECRET_PROVIDED").unwrap_or("false")
        ));
    }
    Ok((files, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_whole_tokens() {
        assert_eq!(placeholder_in("_STRATIO_SIZE").as_deref(), Some("_STRATIO_SIZE"));
        assert_eq!(
            placeholder_in("./clusters/_CLUSTER_NAME/default").as_deref(),
            Some("_CLUSTER_NAME")
        );
        assert_eq!(placeholder_in("X_STRATIO_SIZE"), None);
        assert_eq!(placeholder_in("_STRATIO_SIZES"), None);
        assert_eq!(placeholder_in("talk-to-your-data"), None);
        let runtime = vec![("CLUSTER_NAME".to_string(), "eosdev2".to_string())];
        assert_eq!(
            fill_placeholders("./clusters/_CLUSTER_NAME/default A_CLUSTER_NAME", &runtime),
            "./clusters/eosdev2/default A_CLUSTER_NAME"
        );
    }

    #[test]
    fn sops_recipients_and_key_checks() {
        let cfg = SopsRule::Pgp(vec!["1237C663B4C1D35144933583F0941B3EAFEA3837".into()]).config();
        let r = sops_recipients(&cfg);
        assert_eq!(r.pgp, ["1237C663B4C1D35144933583F0941B3EAFEA3837"]);
        assert_eq!(r.key, Some(DecryptionKey::Gpg));
        let kms = SopsRule::Kms {
            arn: "arn:aws:kms:eu-west-1:1:key/x".into(),
            aws_profile: Some("p".into()),
        };
        assert_eq!(kms.decryption_key(), None);
        assert_eq!(
            sops_recipients(&kms.config()).kms,
            ["arn:aws:kms:eu-west-1:1:key/x"]
        );
        assert!(check_pgp("F0941B3EAFEA3837").is_ok());
        assert!(check_pgp("xyz").is_err());
        assert!(check_age("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p").is_ok());
        assert!(check_age("age1short").is_err());
    }

    #[test]
    fn keos_set_rules() {
        assert_eq!(
            parse_set("CONTAINER_REGISTRY_REPOSITORY_PREFIX=")
                .expect("empty ok")
                .1,
            ""
        );
        let err = parse_set("CLUSTER_DOMAIN=x").unwrap_err().to_string();
        assert!(err.contains("use --domain"), "{err}");
        assert!(parse_set("SOPS_SECRET_PROVIDED=yes").is_err());
        assert!(parse_set("ENVIRONMENT=staging").is_ok(), "an extra key on keos");
    }

    /// A keos fleet of use case `uc` with no domain directories yet.
    fn use_case_repo() -> (tempfile::TempDir, FleetRepo, Layout) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("kubectl-fleet.yaml"),
            "profile: keos\nuseCase: uc\n",
        )
        .expect("fleet config");
        let repo = FleetRepo::open(dir.path()).expect("repo");
        let layout = Layout::new(repo.config(), None).expect("layout");
        (dir, repo, layout)
    }

    fn write_files(root: &Path, files: &[GeneratedFile]) {
        for f in files {
            let p = root.join(&f.path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, &f.content).expect("write");
        }
    }

    #[test]
    fn new_domain_sources_read_the_secret_the_others_read() {
        let (dir, repo, layout) = use_case_repo();
        assert_eq!(new_domain_source_secret(&repo, &layout), "flux-system");
        assert!(domain_secret_warnings(&repo, &layout, "c1", None).is_empty());
        let url = "https://github.com/acme/keos-system-services.git";
        write_files(
            dir.path(),
            &component::scaffold_files(&layout, url, GitProvider::Github, "keos-git").expect("files"),
        );
        // keos-apps, scaffolded later by the tenant commands, follows keos-system-services.
        assert_eq!(new_domain_source_secret(&repo, &layout), "keos-git");
        assert_eq!(
            domain_provider(&repo, &layout).expect("agree"),
            GitProvider::Github
        );
        assert!(domain_secret_warnings(&repo, &layout, "c1", Some("keos-git")).is_empty());
        let other = domain_secret_warnings(&repo, &layout, "c1", Some("flux-system"));
        assert_eq!(
            other,
            [
                "domain/system-services/uc/components/source.yaml: GitRepository keos-system-services \
              reads Secret keos-git, but on cluster 'c1' keos-fleet reads Secret flux-system \
              (--pull-secret) and bootstrap writes only that one: create Secret keos-git on the \
              cluster, or pass --pull-secret keos-git"
            ]
        );
        let public = domain_secret_warnings(&repo, &layout, "c1", None);
        assert!(
            public.len() == 1 && public[0].contains("keos-fleet reads no Secret (--public-repo)"),
            "{public:?}"
        );
    }

    #[test]
    fn the_domain_sources_of_a_use_case_share_one_provider() {
        let (dir, repo, layout) = use_case_repo();
        assert_eq!(
            domain_provider(&repo, &layout).expect("no sources"),
            GitProvider::Generic
        );
        let url = "https://github.com/acme/keos-apps.git";
        let mut files =
            component::scaffold_files(&layout, url, GitProvider::Github, "flux-system").expect("files");
        files.extend(
            create::prerequisites_files(&layout, url, GitProvider::Github, "flux-system").expect("files"),
        );
        write_files(dir.path(), &files);
        let readers = domain_readers(&repo, &layout, "flux-system");
        let names: Vec<&str> = readers.iter().map(|r| r.what.as_str()).collect();
        assert_eq!(
            names,
            ["GitRepository keos-system-services", "GitRepository keos-apps"]
        );
        assert!(readers.iter().all(|r| r.provider.as_deref() == Some("github")));
        assert_eq!(
            domain_provider(&repo, &layout).expect("agree"),
            GitProvider::Github
        );
        assert!(check_domain_provider(&repo, &layout, "flux-system", GitProvider::Github, "c1").is_ok());
        // Another Secret name: those sources do not read it.
        assert!(check_domain_provider(&repo, &layout, "other", GitProvider::Generic, "c1").is_ok());
        let err = check_domain_provider(&repo, &layout, "flux-system", GitProvider::Generic, "c1")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "domain/system-services/uc/components/source.yaml: GitRepository keos-system-services has spec.provider github"
            ) && err.contains("pass --provider github"),
            "{err}"
        );
        // A hand edit that leaves them disagreeing: refused, naming both files.
        let source = dir
            .path()
            .join("domain/system-services/uc/components/source.yaml");
        let text = std::fs::read_to_string(&source).expect("read");
        std::fs::write(&source, text.replace("  provider: github\n", "")).expect("write");
        let err = domain_provider(&repo, &layout).unwrap_err().to_string();
        assert!(
            err.starts_with("domain/apps/uc/prerequisites/source.yaml: GitRepository keos-apps has spec.provider github")
                && err.contains(
                    "GitRepository keos-system-services in domain/system-services/uc/components/source.yaml has generic"
                ),
            "{err}"
        );
    }

    #[test]
    fn missing_runtime_keys_get_one_hint_each() {
        let err = KeosError::MissingRuntime {
            missing: vec![
                ("CONTAINER_REGISTRY_URL".into(), None),
                ("HELM_REGISTRY_TYPE".into(), None),
            ],
            from: None,
        };
        assert_eq!(
            err.to_string(),
            "runtime keys CONTAINER_REGISTRY_URL, HELM_REGISTRY_TYPE have no value: pass --set \
             CONTAINER_REGISTRY_URL=registry.example.com:443; pass --set HELM_REGISTRY_TYPE=default"
        );
    }
}
