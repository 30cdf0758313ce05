//! A keos cluster directory, loaded for `bootstrap CLUSTER…`: what the manual procedure of keos
//! fleets applies (docs/manual-bootstraping.md steps 1, 2 and 7), as objects.
//!
//! - the reconciler identity kustomize-controller runs the domain Kustomizations as
//!   (ServiceAccount `flux-system/kustomize-controller`, ClusterRoleBinding
//!   `cluster-reconciler-flux-system` to cluster-admin);
//! - the fleet git Secret and the SOPS key Secret, both annotated for kubernetes-replicator so the
//!   apps namespaces get copies (apps Kustomizations read their decryption key there);
//! - the build of `clusters/CLUSTER/default/flux-system` (ConfigMap `keos-runtime-info`,
//!   GitRepository `keos-fleet`, Kustomization `default`).
//!
//! Everything is checked here, before any cluster is contacted: the build yields exactly those
//! objects, `CLUSTER_NAME` is the directory name, and no Secret under `clusters/CLUSTER/` or
//! `domain/` is unencrypted (the keos `hooks/pre-commit` rule, structurally).

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use serde_json::{Value, json};

use super::{
    DEFAULT_DIR, DecryptionKey, FLEET_SOURCE, RECONCILER_BINDING, RECONCILER_SERVICE_ACCOUNT, REPLICATE_ALL,
    REPLICATE_TO, ROOT_KUSTOMIZATION, sops_recipients,
};
use crate::{
    bootstrap::{
        BootstrapError,
        clusterdir::{self, WaitTarget, locate},
        spec::DEFAULT_NAMESPACE,
    },
    error::Result,
    manifests::{
        kustomize::{self, BuildOptions, LazyKustomize},
        pointer::str_at,
        yaml,
    },
    repo::{FleetRepo, Profile},
    secrets::{self, SECRETS_DIR, SOPS_CONFIG, SecretError},
};

/// How long `bootstrap` waits on a keos cluster by default: `system-services-components` waits for
/// every system service (`timeout: 15m`) before the apps domain starts.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The domain Kustomizations bootstrap waits for after `default`, in dependency order.
pub const WAIT_CHAIN: &[&str] = &[
    ROOT_KUSTOMIZATION,
    "system-services-components",
    "system-services-components-override",
    "apps-prerequisites",
    "apps-components",
    "apps-components-override",
];

/// The armored private key of the cluster's SOPS rule, held in memory only. `Debug` never prints it.
#[derive(Clone)]
pub struct SopsKey {
    /// Which Secret it becomes.
    pub key: DecryptionKey,
    material: String,
}

impl std::fmt::Debug for SopsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SopsKey({}, ***)", self.key.secret_name())
    }
}

impl SopsKey {
    /// Checks that `text` is the kind of key the flag promises; the message never quotes it.
    pub fn parse(
        key: DecryptionKey,
        flag: &'static str,
        origin: &str,
        text: String,
    ) -> Result<Self, BootstrapError> {
        let ok = match key {
            DecryptionKey::Gpg => text.contains("-----BEGIN PGP PRIVATE KEY BLOCK-----"),
            DecryptionKey::Age => text.lines().any(|l| l.trim().starts_with("AGE-SECRET-KEY-1")),
        };
        if !ok {
            let want = match key {
                DecryptionKey::Gpg => {
                    "an armored PGP secret key (gpg --export-secret-keys --armor FINGERPRINT)"
                }
                DecryptionKey::Age => "an age identity (AGE-SECRET-KEY-1…, as age-keygen writes it)",
            };
            return Err(BootstrapError::InvalidFlag {
                flag,
                value: origin.to_string(),
                reason: format!("expected {want}"),
            });
        }
        Ok(SopsKey { key, material: text })
    }

    /// The key Secret (`sops-gpg` with `sops.asc`, or `sops-age` with `age.agekey`), replicated to
    /// every namespace. With `redact`, the key is replaced by a placeholder (`--dry-run`).
    pub fn secret(&self, namespace: &str, redact: bool) -> Value {
        let data = if redact {
            json!({"stringData": {self.key.data_key(): "<redacted>"}})
        } else {
            use base64::Engine as _;
            json!({"data": {self.key.data_key(): base64::engine::general_purpose::STANDARD.encode(&self.material)}})
        };
        let mut obj = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": self.key.secret_name(),
                "namespace": namespace,
                "annotations": {REPLICATE_TO: REPLICATE_ALL},
            },
            "type": "Opaque",
        });
        if let (Some(o), Some(d)) = (obj.as_object_mut(), data.as_object()) {
            o.extend(d.clone());
        }
        obj
    }
}

/// A loaded keos cluster directory.
#[derive(Clone, Debug)]
pub struct KeosCluster {
    /// The directory name.
    pub name: String,
    /// `clusters/NAME`.
    pub path: PathBuf,
    /// The build of `default/flux-system`, in apply order (ConfigMap, GitRepository, Kustomization).
    pub objects: Vec<Value>,
    /// The git Secret `keos-fleet` reads (None: a public repository).
    pub pull_secret: Option<String>,
    /// `keos-fleet`'s `spec.provider` (None: generic).
    pub sync_provider: Option<String>,
    /// `STRATIO_USE_CASE`: which domain directories the chain applies.
    pub use_case: Option<String>,
    /// The key Secret the cluster's `.sops.yaml` needs (None: no rule, or KMS).
    pub decryption: Option<DecryptionKey>,
    /// `SOPS_SECRET_PROVIDED`: the apps-components patch gives labelled Kustomizations the key.
    pub sops_provided: bool,
    /// What bootstrap waits for, in order.
    pub wait_for: Vec<WaitTarget>,
}

fn invalid(path: impl Into<PathBuf>, reason: impl Into<String>) -> BootstrapError {
    BootstrapError::InvalidClusterDir {
        path: path.into(),
        reason: reason.into(),
    }
}

/// `eosdev2/default` names the directory bootstrap applies, not the cluster: the cluster name, with
/// a hint to give.
pub fn cluster_argument(name: &str) -> (String, Option<String>) {
    match name
        .trim_end_matches('/')
        .strip_suffix(&format!("/{DEFAULT_DIR}"))
    {
        Some(c) if !c.contains('/') => (
            c.to_string(),
            Some(format!(
                "'{name}' is the directory bootstrap applies; the cluster is '{c}' (kubectl fleet bootstrap {c})"
            )),
        ),
        _ => (name.to_string(), None),
    }
}

/// The Secret documents under `clusters/NAME/` and `domain/` that are not SOPS-encrypted: Flux
/// would apply them in clear (the keos `hooks/pre-commit` rule, checked on every document).
pub fn check_encrypted(repo: &FleetRepo, cluster: &Path) -> Result<(), SecretError> {
    let mut files = secrets::files_under(repo, cluster)?;
    if repo.path("domain").is_dir() {
        files.extend(secrets::files_under(repo, Path::new("domain"))?);
    }
    let abs: Vec<PathBuf> = files.iter().map(|f| repo.path(f)).collect();
    let mut violations = secrets::check_encrypted(&abs)?;
    for v in &mut violations {
        if let Ok(rel) = v.file.strip_prefix(repo.root()) {
            v.file = rel.to_path_buf();
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(SecretError::Unencrypted { violations })
    }
}

/// Loads `clusters/NAME` of a keos fleet for bootstrapping.
/// `insecure_http` is `--insecure-http`: a plain http sync URL is accepted with a token.
pub fn load(
    repo: &FleetRepo,
    name: &str,
    kustomize: &LazyKustomize,
    insecure_http: bool,
) -> Result<KeosCluster> {
    let rel = locate(repo, name)?;
    let fs = rel.join(DEFAULT_DIR).join("flux-system");
    if !["kustomization.yaml", "kustomization.yml"]
        .iter()
        .any(|k| repo.path(fs.join(k)).is_file())
    {
        return Err(invalid(
            &rel,
            format!(
                "no {}/kustomization.yaml: not a keos cluster directory (create it with kubectl fleet bootstrap init {name})",
                fs.display()
            ),
        )
        .into());
    }
    check_encrypted(repo, &rel)?;
    let objects = kustomize::build(
        &fs,
        &BuildOptions {
            kustomize: kustomize.get()?,
            root: repo.root(),
        },
    )?;
    let find = |kind: &str, name: &str| {
        objects
            .iter()
            .find(|o| str_at(o, "/kind") == Some(kind) && str_at(o, "/metadata/name") == Some(name))
    };
    let runtime_name = Profile::Keos.runtime_info_name();
    for (kind, n) in [
        ("ConfigMap", runtime_name),
        ("GitRepository", FLEET_SOURCE),
        ("Kustomization", ROOT_KUSTOMIZATION),
    ] {
        if find(kind, n).is_none() {
            return Err(invalid(
                &fs,
                format!("the build has no {kind} {n}: a keos cluster applies ConfigMap {runtime_name}, GitRepository {FLEET_SOURCE} and Kustomization {ROOT_KUSTOMIZATION} from here"),
            )
            .into());
        }
    }
    if let Some(o) = objects
        .iter()
        .find(|o| str_at(o, "/metadata/namespace").is_some_and(|ns| ns != DEFAULT_NAMESPACE))
    {
        return Err(invalid(
            &fs,
            format!(
                "{} {} is in namespace {}: keos runs Flux in {DEFAULT_NAMESPACE} (the domain files name it)",
                str_at(o, "/kind").unwrap_or("?"),
                str_at(o, "/metadata/name").unwrap_or("?"),
                str_at(o, "/metadata/namespace").unwrap_or("?"),
            ),
        )
        .into());
    }
    let runtime = find("ConfigMap", runtime_name).cloned().unwrap_or_default();
    let cluster_name = str_at(&runtime, "/data/CLUSTER_NAME").unwrap_or_default();
    if cluster_name != name {
        return Err(invalid(
            fs.join("runtime-info.yaml"),
            format!(
                "CLUSTER_NAME is '{cluster_name}', not the directory name '{name}': ./clusters/${{CLUSTER_NAME}}/override/… and ./clusters/${{CLUSTER_NAME}}/secrets/… would not be this cluster's"
            ),
        )
        .into());
    }
    let sops_provided = str_at(&runtime, "/data/SOPS_SECRET_PROVIDED") == Some("true");
    let use_case = str_at(&runtime, "/data/STRATIO_USE_CASE").map(str::to_string);
    let source = find("GitRepository", FLEET_SOURCE).cloned().unwrap_or_default();
    let pull_secret = str_at(&source, "/spec/secretRef/name").map(str::to_string);
    let sync_provider = str_at(&source, "/spec/provider").map(str::to_string);
    let url = str_at(&source, "/spec/url").unwrap_or_default();
    if pull_secret.is_some() {
        clusterdir::check_token_url(
            &fs,
            &format!("GitRepository {FLEET_SOURCE} url"),
            url,
            insecure_http,
        )?;
    }
    let sops_rel = rel.join(SECRETS_DIR).join(SOPS_CONFIG);
    let decryption = match repo.read_optional(&sops_rel)? {
        Some(text) => sops_recipients(&yaml::from_str::<Value>(&text, &sops_rel.display().to_string())?).key,
        None => None,
    };
    let wait_for = WAIT_CHAIN
        .iter()
        .map(|n| WaitTarget {
            api_version: "kustomize.toolkit.fluxcd.io/v1".into(),
            kind: "Kustomization".into(),
            namespace: DEFAULT_NAMESPACE.into(),
            name: (*n).to_string(),
        })
        .collect();
    Ok(KeosCluster {
        name: name.to_string(),
        path: rel,
        objects,
        pull_secret,
        sync_provider,
        use_case,
        decryption,
        sops_provided,
        wait_for,
    })
}

/// The identity the domain Kustomizations run as (`serviceAccountName: kustomize-controller`):
/// `flux install` and keos-installer create the same two objects; server-side apply only adds our
/// fields to theirs.
pub fn reconciler_objects(namespace: &str) -> Vec<Value> {
    vec![
        json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": RECONCILER_SERVICE_ACCOUNT, "namespace": namespace},
        }),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": RECONCILER_BINDING},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"kind": "ServiceAccount", "name": RECONCILER_SERVICE_ACCOUNT, "namespace": namespace}],
        }),
    ]
}

/// The FluxInstance `--install-flux` applies (never written to the fleet repository: keos installs
/// Flux outside git). No `sync`: `keos-fleet` and `default` do that. Not multitenant: keos needs
/// cross-namespace references (apps Kustomizations read `keos-apps` in flux-system).
pub fn flux_instance(namespace: &str) -> Value {
    json!({
        "apiVersion": "fluxcd.controlplane.io/v1",
        "kind": "FluxInstance",
        "metadata": {"name": "flux", "namespace": namespace},
        "spec": {
            "distribution": {"version": "2.x", "registry": "ghcr.io/fluxcd"},
            "components": ["source-controller", "kustomize-controller", "helm-controller", "notification-controller"],
            "cluster": {"type": "kubernetes", "multitenant": false, "networkPolicy": true},
        },
    })
}

/// What `bootstrap status` shows of a keos cluster (from its `keos-runtime-info`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeosRuntime {
    /// `STRATIO_USE_CASE`.
    pub use_case: String,
    /// `STRATIO_SIZE`.
    pub size: String,
}

/// The keos runtime info of a cluster, when it has one (the cluster is then a keos cluster).
pub async fn runtime_on(
    target: &crate::kube::KubeTarget,
    namespace: &str,
) -> Result<Option<KeosRuntime>, crate::kube::KubeError> {
    let name = Profile::Keos.runtime_info_name();
    let api: kube::Api<k8s_openapi::api::core::v1::ConfigMap> =
        kube::Api::namespaced(target.client.clone(), namespace);
    let cm = match api.get_opt(name).await {
        Ok(cm) => cm,
        // Without read access to ConfigMaps the cluster is shown as it is otherwise.
        Err(kube::Error::Api(e)) if e.code == 403 => None,
        Err(e) => return Err(target.err(format!("get ConfigMap {namespace}/{name}"), e)),
    };
    Ok(cm.map(|cm| {
        let data = cm.data.unwrap_or_default();
        let get = |k: &str| data.get(k).cloned().unwrap_or_else(|| "-".into());
        KeosRuntime {
            use_case: get("STRATIO_USE_CASE"),
            size: get("STRATIO_SIZE"),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_suffix_names_the_cluster() {
        let (c, hint) = cluster_argument("eosdev2/default");
        assert_eq!(c, "eosdev2");
        assert!(hint.is_some_and(|h| h.contains("kubectl fleet bootstrap eosdev2")));
        assert_eq!(cluster_argument("eosdev2"), ("eosdev2".to_string(), None));
    }

    #[test]
    fn sops_keys_are_checked_and_never_printed() {
        let err =
            SopsKey::parse(DecryptionKey::Gpg, "--sops-gpg-key", "key.asc", "hello".into()).unwrap_err();
        assert!(err.to_string().contains("armored PGP secret key"), "{err}");
        assert!(!err.to_string().contains("hello"));
        let k = SopsKey::parse(
            DecryptionKey::Age,
            "--sops-age-key",
            "-",
            "# created\nAGE-SECRET-KEY-1QQQ\n".into(),
        )
        .expect("age identity");
        assert!(!format!("{k:?}").contains("QQQ"));
        let redacted = k.secret("flux-system", true);
        assert_eq!(str_at(&redacted, "/stringData/age.agekey"), Some("<redacted>"));
        assert_eq!(
            str_at(&k.secret("flux-system", false), "/metadata/name"),
            Some("sops-age")
        );
    }
}
