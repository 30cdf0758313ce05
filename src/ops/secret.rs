//! The secret operations: `secret set` (encrypt a Secret into the fleet repository), `secret list`
//! (what exists, without decrypting) and `secret apply` (a cluster's secrets, decrypted in memory,
//! straight onto the cluster).
//!
//! Where secrets live: `clusters/<cluster>/secrets/<component>/<file>.yaml`, encrypted by the
//! creation rules of `clusters/<cluster>/secrets/.sops.yaml`. keos reconciles each component's
//! directory with `apps-<component>-secrets` (`targetNamespace` = the component's namespace), so
//! the files carry no namespace and it is derived from the component; files for other fleets name
//! theirs (`secret set -n`).
//!
//! The rules, as for every operation: everything is validated (names, the sops binary, the
//! creation rules, clashes, and for `apply` every file decrypted and every cluster preflighted)
//! before the first write; plaintext exists only in memory and on sops' pipes; status goes to the
//! reporter and values never appear in output, errors or `--dry-run` plans.

use std::{
    collections::BTreeMap,
    io::Read,
    path::{Path, PathBuf},
};

use base64::Engine as _;
use k8s_openapi::{
    ByteString,
    api::core::v1::{Namespace, Secret},
};
use kube::{
    Api,
    api::{ObjectMeta, Patch, PatchParams},
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    error::{Error, ExitStatus, Result},
    kube::{ClientOptions, FIELD_MANAGER, KubeTarget, load_kubeconfig},
    manifests::yaml,
    ops::{DEFAULT_CONCURRENCY, Runner, TargetReport, exit_status, tenant::RepoSelection},
    output::{Reporter, plural},
    repo::{FleetRepo, GeneratedFile, Layout, Profile, WritePlan, names},
    secrets::{self, SECRETS_DIR, SOPS_CONFIG, SecretEntry, SecretError, SecretValue},
    sops::Sops,
    tenant::validate,
};

/// Where one value of `secret set` comes from. Never argv: see [`SecretError::FromLiteral`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueSource {
    /// `--from-file [KEY=]PATH`: the file's bytes (key: the file name).
    File {
        /// The key, default the file name.
        key: Option<String>,
        /// The file.
        path: PathBuf,
    },
    /// `--from-env-file PATH`: `KEY=VALUE` lines.
    EnvFile(PathBuf),
    /// `--from-stdin KEY`: all of stdin, byte for byte.
    Stdin {
        /// The key.
        key: String,
    },
}

/// What `secret set` is asked to do.
#[derive(Clone, Debug)]
pub struct SetRequest {
    /// The fleet repository.
    pub repo: RepoSelection,
    /// The cluster (path below `clusters/`).
    pub cluster: String,
    /// The component (directory below `secrets/`).
    pub component: String,
    /// The Secret's name.
    pub name: String,
    /// Its namespace (`-n`); default: keos derives it from the component and writes none.
    pub namespace: Option<String>,
    /// The file name (default `<name>.yaml`).
    pub file: Option<String>,
    /// The values, in order.
    pub sources: Vec<ValueSource>,
    /// Keys given with `--from-literal` (refused; the values are never kept).
    pub literal_keys: Vec<String>,
    /// Replace an existing file.
    pub force: bool,
    /// Show what would be written (values redacted) without encrypting or writing.
    pub dry_run: bool,
    /// `--sops PATH`.
    pub sops: Option<PathBuf>,
}

/// What `secret set` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetOutcome {
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// Whether it replaced an existing file.
    pub replaced: bool,
    /// Whether it was written (not for `--dry-run`).
    pub written: bool,
    /// `--dry-run`: the plaintext manifest with every value redacted.
    pub plan: Option<String>,
}

/// The namespaces keos applies each app component's secrets to (`targetNamespace`), and whether
/// the component has a secrets Kustomization at all.
struct Components {
    by_name: BTreeMap<String, (String, bool)>,
}

impl Components {
    fn read(fleet: &FleetRepo, use_case: Option<&str>) -> Result<Components> {
        let mut by_name = BTreeMap::new();
        if fleet.config().profile == Profile::Keos
            && let Ok(layout) = Layout::new(fleet.config(), use_case)
            && let Some(apps) = layout.apps()
        {
            for c in validate::app_components(fleet, &layout)? {
                let has_secrets = c.kustomizations.contains(&apps.secrets_name(&c.component));
                by_name.insert(c.component.clone(), (c.namespace.clone(), has_secrets));
            }
        }
        Ok(Components { by_name })
    }

    fn namespace(&self, component: &str) -> Option<String> {
        self.by_name.get(component).map(|(ns, _)| ns.clone())
    }
}

fn open(repo: &RepoSelection) -> Result<FleetRepo> {
    Ok(FleetRepo::open(&repo.fleet_dir)?)
}

/// The SOPS config of a cluster, which must exist.
fn sops_config(fleet: &FleetRepo, cluster: &str) -> Result<PathBuf> {
    let dir = PathBuf::from("clusters").join(cluster);
    if !fleet.path(&dir).is_dir() {
        return Err(SecretError::NoCluster {
            cluster: cluster.to_string(),
            dir,
        }
        .into());
    }
    let config = dir.join(SECRETS_DIR).join(SOPS_CONFIG);
    if !fleet.path(&config).is_file() {
        return Err(SecretError::NoSopsConfig {
            cluster: cluster.to_string(),
            path: config,
        }
        .into());
    }
    Ok(config)
}

/// Encrypts a Secret into `clusters/<cluster>/secrets/<component>/<file>`; see the module docs.
pub fn set(req: SetRequest, stdin: &mut dyn Read, reporter: &dyn Reporter) -> Result<SetOutcome> {
    if !req.literal_keys.is_empty() {
        return Err(SecretError::FromLiteral {
            keys: req
                .literal_keys
                .iter()
                .map(|k| format!("{k}=…"))
                .collect::<Vec<_>>()
                .join(", "),
        }
        .into());
    }
    let fleet = open(&req.repo)?;
    names::cluster_path("cluster", &req.cluster)?;
    names::dns_label("component", &req.component)?;
    names::dns_subdomain("Secret name", &req.name)?;
    if let Some(ns) = &req.namespace {
        names::dns_label("namespace", ns)?;
    }
    let file_name = req.file.clone().unwrap_or_else(|| format!("{}.yaml", req.name));
    let valid_file = !file_name.contains('/')
        && !file_name.starts_with('.')
        && (file_name.ends_with(".yaml") || file_name.ends_with(".yml"));
    if !valid_file {
        return Err(crate::repo::NameError::new(
            "--file",
            &file_name,
            "use a plain file name ending in .yaml or .yml (not hidden, no directories)",
        )
        .into());
    }
    if req.sources.is_empty() {
        return Err(SecretError::Usage(
            "no values: pass --from-file KEY=PATH, --from-env-file PATH or --from-stdin KEY".into(),
        )
        .into());
    }
    if req
        .sources
        .iter()
        .filter(|s| matches!(s, ValueSource::Stdin { .. }))
        .count()
        > 1
    {
        return Err(SecretError::Usage("--from-stdin can be given once (stdin is read once)".into()).into());
    }
    let config = sops_config(&fleet, &req.cluster)?;
    let dir = PathBuf::from("clusters")
        .join(&req.cluster)
        .join(SECRETS_DIR)
        .join(&req.component);
    let path = dir.join(&file_name);

    // The namespace: given, or the one keos applies the component's secrets to.
    let components = Components::read(&fleet, req.repo.use_case.as_deref())?;
    let derived = components.by_name.get(&req.component).cloned();
    let (namespace, effective) = match (&req.namespace, &derived) {
        (Some(given), Some((ns, _))) if given != ns => {
            return Err(SecretError::Usage(format!(
                "-n {given}: component {} is applied to namespace {ns} (apps-{}-secrets sets targetNamespace {ns})",
                req.component, req.component
            ))
            .into());
        }
        (_, Some((ns, has_secrets))) => {
            if !has_secrets {
                reporter.warn(&format!(
                    "component {c} has no apps-{c}-secrets Kustomization, so Flux will not apply this file: add it with `kubectl fleet tenant app add {ns} {c} --secrets --force` (and its --depends-on)",
                    c = req.component
                ));
            }
            (None, ns.clone())
        }
        (Some(given), None) => (Some(given.clone()), given.clone()),
        (None, None) => {
            return Err(SecretError::Usage(format!(
                "cannot tell the namespace of Secret {}: component {} is not an app component of this fleet (kubectl fleet tenant app add NAMESPACE {} --secrets); pass -n NAMESPACE",
                req.name, req.component, req.component
            ))
            .into());
        }
    };

    // Replace only when asked; and never a second Secret of that name in that namespace.
    let files = secrets::secret_files(&fleet, std::slice::from_ref(&req.cluster))?;
    let mut replaced = false;
    for (_, component, file) in &files {
        let namespace_of = |c: &str| components.namespace(c);
        let existing = secrets::entries(&fleet, &req.cluster, component, file, &namespace_of)?;
        if *file == path {
            if !req.force {
                let what = existing
                    .iter()
                    .map(|e| format!("{} with keys {}", e.name, e.keys.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(SecretError::Exists {
                    path: path.clone(),
                    existing: if what.is_empty() { "none".into() } else { what },
                }
                .into());
            }
            replaced = true;
            continue;
        }
        if let Some(other) = existing
            .iter()
            .find(|e| e.name == req.name && e.namespace.as_deref() == Some(effective.as_str()))
        {
            return Err(SecretError::NameClash {
                path: other.file.clone(),
                name: req.name.clone(),
                namespace: other.namespace.clone(),
            }
            .into());
        }
    }

    let sops = Sops::locate(req.sops.as_deref())?;
    reporter.debug(&format!("sops {} at {}", sops.version(), sops.path().display()));
    let values = read_values(&req.sources, stdin)?;
    let manifest = secrets::manifest(&req.name, namespace.as_deref(), &values);

    if req.dry_run {
        let mut redacted = manifest.clone();
        if let Some(data) = redacted.get_mut("data").and_then(Value::as_object_mut) {
            for v in data.values_mut() {
                *v = json!("<redacted>");
            }
        }
        let plan = format!(
            "# would {} {} (encrypted by {} with the creation rules of {})\n{}",
            if replaced { "replace" } else { "write" },
            path.display(),
            sops.path().display(),
            config.display(),
            yaml::to_string(&redacted, "the Secret")?
        );
        return Ok(SetOutcome {
            path,
            replaced,
            written: false,
            plan: Some(plan),
        });
    }

    let plaintext = yaml::to_string(&manifest, "the Secret")?;
    let sensitive: Vec<&[u8]> = values.iter().map(|v| v.value.as_slice()).collect();
    let ciphertext = sops.encrypt(
        &fleet.path(&config),
        &fleet.path(&path),
        &path,
        plaintext.as_bytes(),
        &sensitive,
    )?;
    drop(plaintext);
    // Never trust a creation rule to have encrypted the values: one whose encrypted_regex misses
    // `data` would put them in git in the clear.
    let violations = secrets::check_text(&ciphertext, &path);
    if !violations.is_empty() {
        return Err(SecretError::Usage(format!(
            "the creation rule of {} leaves values of {} unencrypted ({}); nothing was written: encrypt data and stringData (encrypted_regex: ^(data|stringData)$)",
            config.display(),
            path.display(),
            violations
                .iter()
                .map(|v| v.reason.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ))
        .into());
    }
    let plan = WritePlan::new(
        &fleet,
        vec![GeneratedFile {
            path: path.clone(),
            content: ciphertext,
        }],
    )?;
    plan.apply(&fleet, true)?;
    reporter.success(&format!(
        "{} {} (Secret {}, {} encrypted with sops)",
        if replaced { "replaced" } else { "wrote" },
        path.display(),
        req.name,
        plural(values.len(), "key")
    ));
    reporter.note("  commit and push it; `kubectl fleet secret list` shows it without decrypting");
    Ok(SetOutcome {
        path,
        replaced,
        written: true,
        plan: None,
    })
}

/// Reads every value, in order; keys must be valid and unique.
fn read_values(sources: &[ValueSource], stdin: &mut dyn Read) -> Result<Vec<SecretValue>> {
    let mut out: Vec<SecretValue> = Vec::new();
    for source in sources {
        let read = |what: String, path: &Path| {
            std::fs::read(path).map_err(|source| SecretError::Read { what, source })
        };
        match source {
            ValueSource::File { key, path } => {
                let key = match key {
                    Some(k) => k.clone(),
                    None => path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                };
                let value = read(format!("--from-file {key}={}", path.display()), path)?;
                out.push(SecretValue { key, value });
            }
            ValueSource::EnvFile(path) => {
                let bytes = read(format!("--from-env-file {}", path.display()), path)?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    SecretError::Usage(format!("--from-env-file {}: not UTF-8 text", path.display()))
                })?;
                out.extend(secrets::parse_env_file(
                    &text,
                    &format!("--from-env-file {}", path.display()),
                )?);
            }
            ValueSource::Stdin { key } => {
                let mut value = Vec::new();
                stdin
                    .read_to_end(&mut value)
                    .map_err(|source| SecretError::Read {
                        what: format!("--from-stdin {key} (stdin)"),
                        source,
                    })?;
                out.push(SecretValue {
                    key: key.clone(),
                    value,
                });
            }
        }
    }
    for (i, v) in out.iter().enumerate() {
        secrets::data_key(&v.key).map_err(SecretError::Name)?;
        if out[..i].iter().any(|o| o.key == v.key) {
            return Err(SecretError::Usage(format!("key {} is given twice", v.key)).into());
        }
    }
    Ok(out)
}

/// What `secret list` is asked for.
#[derive(Clone, Debug)]
pub struct ListRequest {
    /// The fleet repository.
    pub repo: RepoSelection,
    /// Only these clusters (default: every cluster with a secrets directory).
    pub clusters: Vec<String>,
}

/// What `secret list` found.
#[derive(Clone, Debug, Default)]
pub struct ListOutcome {
    /// One entry per Secret document.
    pub entries: Vec<SecretEntry>,
}

impl ListOutcome {
    /// Exit 1 when a Secret outside a template is not encrypted (the pre-commit rule is broken).
    pub fn exit_status(&self) -> ExitStatus {
        if self
            .entries
            .iter()
            .any(|e| e.status == secrets::EntryStatus::NotEncrypted)
        {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }
}

/// Lists the Secrets of the selected clusters' secrets directories, without decrypting.
pub fn list(req: ListRequest, reporter: &dyn Reporter) -> Result<ListOutcome> {
    let fleet = open(&req.repo)?;
    for c in &req.clusters {
        names::cluster_path("cluster", c)?;
        let dir = PathBuf::from("clusters").join(c);
        if !fleet.path(&dir).is_dir() {
            return Err(SecretError::NoCluster {
                cluster: c.clone(),
                dir,
            }
            .into());
        }
    }
    let components = Components::read(&fleet, req.repo.use_case.as_deref())?;
    let namespace_of = |c: &str| components.namespace(c);
    let mut entries = Vec::new();
    for (cluster, component, file) in secrets::secret_files(&fleet, &req.clusters)? {
        entries.extend(secrets::entries(
            &fleet,
            &cluster,
            &component,
            &file,
            &namespace_of,
        )?);
    }
    for e in &entries {
        if e.status == secrets::EntryStatus::NotEncrypted {
            reporter.failure(&format!(
                "{}: Secret {} is NOT ENCRYPTED ({}): encrypt it (kubectl fleet secret set … --force) before committing",
                e.file.display(),
                e.name,
                e.problem.as_deref().unwrap_or("no sops metadata")
            ));
        }
    }
    Ok(ListOutcome { entries })
}

/// What `secret apply` is asked to do.
#[derive(Clone, Debug)]
pub struct ApplyRequest {
    /// The fleet repository.
    pub repo: RepoSelection,
    /// Cluster directories, in order.
    pub clusters: Vec<String>,
    /// `--context [CLUSTER=]CONTEXT` (default: the context named like the cluster).
    pub contexts: Vec<String>,
    /// The kubeconfig (default: `$KUBECONFIG` or `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// Client timeouts.
    pub client: ClientOptions,
    /// Preflight and show what would change (values redacted) without applying.
    pub dry_run: bool,
    /// `--sops PATH`.
    pub sops: Option<PathBuf>,
}

/// One object `secret apply` puts on a cluster, decrypted (values only in memory).
#[derive(Clone)]
struct Desired {
    kind: DesiredKind,
    namespace: String,
    name: String,
    file: PathBuf,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

#[derive(Clone)]
enum DesiredKind {
    Namespace,
    Secret {
        type_: Option<String>,
        data: Vec<SecretValue>,
    },
}

impl Desired {
    fn object_ref(&self) -> String {
        match self.kind {
            DesiredKind::Namespace => format!("Namespace/{}", self.name),
            DesiredKind::Secret { .. } => format!("Secret/{}/{}", self.namespace, self.name),
        }
    }

    /// The object as `--dry-run` shows it: every value redacted.
    fn redacted(&self) -> Value {
        let mut metadata = json!({"name": self.name});
        if let DesiredKind::Secret { .. } = self.kind {
            metadata["namespace"] = json!(self.namespace);
        }
        if !self.labels.is_empty() {
            metadata["labels"] = json!(self.labels);
        }
        if !self.annotations.is_empty() {
            metadata["annotations"] = json!(self.annotations);
        }
        match &self.kind {
            DesiredKind::Namespace => json!({"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}),
            DesiredKind::Secret { type_, data } => {
                let mut obj = json!({"apiVersion": "v1", "kind": "Secret", "metadata": metadata});
                if let Some(t) = type_ {
                    obj["type"] = json!(t);
                }
                obj["data"] = Value::Object(
                    data.iter()
                        .map(|v| (v.key.clone(), json!("<redacted>")))
                        .collect(),
                );
                obj
            }
        }
    }
}

/// What applying one object does (or would do).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// `Secret/namespace/name` or `Namespace/name`.
    pub object: String,
    /// The file it comes from.
    pub file: PathBuf,
    /// `created`, `updated`, `unchanged` (with `--dry-run`: what would happen).
    pub result: String,
    /// Keys the cluster does not have yet.
    pub added: Vec<String>,
    /// Keys whose value differs on the cluster.
    pub changed: Vec<String>,
    /// Keys only the cluster has (left as they are: another field manager owns them).
    pub kept: Vec<String>,
}

impl Change {
    /// `+a ~b (kept: c)`, the key summary of the result table.
    pub fn keys_summary(&self) -> String {
        let mut parts: Vec<String> = self.added.iter().map(|k| format!("+{k}")).collect();
        parts.extend(self.changed.iter().map(|k| format!("~{k}")));
        if !self.kept.is_empty() {
            parts.push(format!("(kept: {})", self.kept.join(", ")));
        }
        parts.join(" ")
    }
}

/// One cluster of `secret apply`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSecrets {
    /// The cluster directory.
    pub cluster: String,
    /// Its kube context.
    pub context: String,
    /// Kubernetes version.
    pub server_version: String,
    /// What changed (or would change), in apply order.
    pub changes: Vec<Change>,
}

/// What `secret apply` did.
#[derive(Debug, Default)]
pub struct ApplyOutcome {
    /// Every cluster's preflight (a failure anywhere stopped the run before any change).
    pub preflight: Vec<TargetReport<ClusterSecrets>>,
    /// What each cluster got (empty for `--dry-run` or when a preflight failed).
    pub applied: Vec<TargetReport<ClusterSecrets>>,
    /// `--dry-run`: the objects per cluster, values redacted.
    pub planned: Option<String>,
}

impl ApplyOutcome {
    /// Exit 1 when a cluster failed its preflight or its apply.
    pub fn exit_status(&self) -> ExitStatus {
        exit_status(&self.preflight).worst(exit_status(&self.applied))
    }

    /// The changes to show: applied, else (dry run) planned.
    pub fn clusters(&self) -> Vec<&ClusterSecrets> {
        let from = if self.applied.is_empty() {
            &self.preflight
        } else {
            &self.applied
        };
        from.iter().filter_map(TargetReport::ok).collect()
    }
}

/// A cluster's secrets files, checked (the pre-commit rule) and decrypted in memory: the objects
/// `secret apply` puts on the cluster. `Debug` shows names only.
#[derive(Clone)]
pub struct PreparedSecrets {
    cluster: String,
    objects: Vec<Desired>,
}

impl std::fmt::Debug for PreparedSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedSecrets")
            .field("cluster", &self.cluster)
            .field(
                "objects",
                &self.objects.iter().map(Desired::object_ref).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PreparedSecrets {
    /// The cluster directory.
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// The objects as `--dry-run` shows them, every value redacted.
    pub fn redacted(&self) -> Vec<Value> {
        self.objects.iter().map(Desired::redacted).collect()
    }
}

/// Whether a cluster has secrets files to apply (`bootstrap` applies them when it does).
pub fn has_secrets(fleet: &FleetRepo, cluster: &str) -> Result<bool> {
    Ok(!secrets::secret_files(fleet, &[cluster.to_string()])?.is_empty())
}

/// Checks and decrypts a cluster's secrets files (exit 2 on a plaintext Secret, a file sops
/// cannot decrypt, a Secret whose namespace cannot be told, a clash); `use_case` selects the keos
/// app components that give Secrets their namespace.
pub fn prepare(
    fleet: &FleetRepo,
    use_case: Option<&str>,
    sops: &Sops,
    cluster: &str,
) -> Result<PreparedSecrets> {
    let components = Components::read(fleet, use_case)?;
    Ok(PreparedSecrets {
        cluster: cluster.to_string(),
        objects: desired_objects(fleet, sops, cluster, &components)?,
    })
}

/// Read-only checks and the diff of a prepared cluster against the live one (see [`apply`]).
pub async fn preflight_prepared(target: &KubeTarget, prepared: &PreparedSecrets) -> Result<ClusterSecrets> {
    preflight(&prepared.cluster, target, &prepared.objects, &[]).await
}

/// [`preflight_prepared`] for a caller that creates `namespaces` before applying (bootstrap
/// creates the Flux namespace first), so Secrets in them do not need the namespace to exist yet.
pub async fn preflight_prepared_in(
    target: &KubeTarget,
    prepared: &PreparedSecrets,
    namespaces: &[String],
) -> Result<ClusterSecrets> {
    preflight(&prepared.cluster, target, &prepared.objects, namespaces).await
}

/// Applies what [`preflight_prepared`] found different.
pub async fn apply_prepared(
    target: &KubeTarget,
    prepared: &PreparedSecrets,
    planned: &ClusterSecrets,
) -> Result<ClusterSecrets> {
    apply_cluster(target, &prepared.objects, planned).await
}

/// Decrypts every secrets file of a cluster (in memory) into the objects to apply. Namespaces
/// first, then Secrets, each in file order.
fn desired_objects(
    fleet: &FleetRepo,
    sops: &Sops,
    cluster: &str,
    components: &Components,
) -> Result<Vec<Desired>> {
    let files = secrets::secret_files(fleet, &[cluster.to_string()])?;
    if files.is_empty() {
        return Err(SecretError::Usage(format!(
            "clusters/{cluster}/{SECRETS_DIR}/ holds no secrets files: add one with `kubectl fleet secret set {cluster} COMPONENT NAME …`"
        ))
        .into());
    }
    let paths: Vec<PathBuf> = files.iter().map(|(_, _, f)| fleet.path(f)).collect();
    let violations = secrets::check_encrypted(&paths)?;
    if !violations.is_empty() {
        return Err(SecretError::Unencrypted {
            violations: violations
                .into_iter()
                .map(|mut v| {
                    v.file = v.file.strip_prefix(fleet.root()).unwrap_or(&v.file).to_path_buf();
                    v
                })
                .collect(),
        }
        .into());
    }
    let mut namespaces = Vec::new();
    let mut secrets_out: Vec<Desired> = Vec::new();
    for (_, component, file) in files {
        let origin = file.display().to_string();
        // Files without sops metadata hold no Secret (checked above): Namespaces, read as they are.
        let raw = fleet.read_optional(&file)?.unwrap_or_default();
        let encrypted = yaml::from_multi_doc(&raw, &origin)?
            .iter()
            .any(|d| d.get("sops").is_some_and(Value::is_object));
        let docs = if encrypted {
            let plaintext = sops.decrypt(&fleet.path(&file), &file)?;
            let text = plaintext.text().ok_or_else(|| SecretError::File {
                path: file.clone(),
                reason: "decrypts to something that is not UTF-8 YAML".into(),
            })?;
            yaml::from_multi_doc(text, &origin).map_err(|_| SecretError::File {
                path: file.clone(),
                reason: "decrypts to something that is not YAML".into(),
            })?
        } else {
            yaml::from_multi_doc(&raw, &origin)?
        };
        for (i, doc) in docs.iter().enumerate() {
            let at = |p: &str| doc.pointer(p).and_then(Value::as_str).map(str::to_string);
            let string_map = |p: &str| -> BTreeMap<String, String> {
                doc.pointer(p)
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let name = at("/metadata/name").ok_or_else(|| SecretError::File {
                path: file.clone(),
                reason: format!("document {} has no metadata.name", i + 1),
            })?;
            match (at("/apiVersion").as_deref(), at("/kind").as_deref()) {
                (Some("v1"), Some("Namespace")) => namespaces.push(Desired {
                    kind: DesiredKind::Namespace,
                    namespace: String::new(),
                    name,
                    file: file.clone(),
                    labels: string_map("/metadata/labels"),
                    annotations: string_map("/metadata/annotations"),
                }),
                (Some("v1"), Some("Secret")) => {
                    let namespace = at("/metadata/namespace")
                        .or_else(|| components.namespace(&component))
                        .ok_or_else(|| SecretError::File {
                            path: file.clone(),
                            reason: format!(
                                "Secret {name} names no namespace and {} is not an app component whose namespace is known: add metadata.namespace (kubectl fleet secret set … -n NAMESPACE --force)",
                                if component.is_empty() { "its directory".to_string() } else { format!("component {component}") }
                            ),
                        })?;
                    let data = secret_data(doc, &file, &name)?;
                    if let Some(other) = secrets_out
                        .iter()
                        .find(|d| d.name == name && d.namespace == namespace)
                    {
                        return Err(SecretError::NameClash {
                            path: other.file.clone(),
                            name,
                            namespace: Some(namespace),
                        }
                        .into());
                    }
                    secrets_out.push(Desired {
                        kind: DesiredKind::Secret {
                            type_: at("/type"),
                            data,
                        },
                        namespace,
                        name,
                        file: file.clone(),
                        labels: string_map("/metadata/labels"),
                        annotations: string_map("/metadata/annotations"),
                    });
                }
                (api, kind) => {
                    return Err(SecretError::File {
                        path: file.clone(),
                        reason: format!(
                            "document {} is {}/{}: secrets files hold v1 Secrets and Namespaces only",
                            i + 1,
                            api.unwrap_or("?"),
                            kind.unwrap_or("?")
                        ),
                    }
                    .into());
                }
            }
        }
    }
    namespaces.extend(secrets_out);
    Ok(namespaces)
}

/// A decrypted Secret's values: `data` (base64) and `stringData`, as bytes.
fn secret_data(doc: &Value, file: &Path, name: &str) -> Result<Vec<SecretValue>> {
    let mut out = Vec::new();
    if let Some(map) = doc.get("data").and_then(Value::as_object) {
        for (key, v) in map {
            let value = v
                .as_str()
                .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
                .ok_or_else(|| SecretError::File {
                    path: file.to_path_buf(),
                    reason: format!("Secret {name}: data.{key} is not base64"),
                })?;
            out.push(SecretValue {
                key: key.clone(),
                value,
            });
        }
    }
    if let Some(map) = doc.get("stringData").and_then(Value::as_object) {
        for (key, v) in map {
            let value = match v {
                Value::String(s) => s.as_bytes().to_vec(),
                other => other.to_string().into_bytes(),
            };
            out.retain(|o: &SecretValue| o.key != *key);
            out.push(SecretValue {
                key: key.clone(),
                value,
            });
        }
    }
    Ok(out)
}

/// Applies the clusters' secrets; see the module documentation.
pub async fn apply(req: ApplyRequest, reporter: &dyn Reporter) -> Result<ApplyOutcome> {
    let fleet = open(&req.repo)?;
    if req.clusters.is_empty() {
        return Err(SecretError::Usage("name at least one cluster".into()).into());
    }
    for c in &req.clusters {
        names::cluster_path("cluster", c)?;
        let dir = PathBuf::from("clusters").join(c);
        if !fleet.path(&dir).is_dir() {
            return Err(SecretError::NoCluster {
                cluster: c.clone(),
                dir,
            }
            .into());
        }
    }
    let kubeconfig = load_kubeconfig(req.kubeconfig.as_deref())?;
    let mapping = crate::bootstrap::fleet::map_contexts(&req.clusters, &req.contexts, &kubeconfig)?;
    // Every file of every cluster is checked and decrypted before any cluster is contacted.
    let sops = Sops::locate(req.sops.as_deref())?;
    let mut work = Vec::new();
    for (cluster, context) in mapping {
        let prepared = prepare(&fleet, req.repo.use_case.as_deref(), &sops, &cluster)?;
        let target = kubeconfig.target(&context, req.client).await?;
        work.push((cluster, target, prepared));
    }

    // Phase 1: read-only preflight and diff, every cluster.
    let items = work
        .iter()
        .map(|(cluster, target, prepared)| (cluster.clone(), (target, prepared)))
        .collect();
    let preflight = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .reported_by_caller()
        .run(
            items,
            |(target, prepared), step| async move {
                step.set("preflight");
                preflight_prepared(target, prepared).await
            },
            |c: &ClusterSecrets| format!("preflight ok ({})", plural(c.changes.len(), "object")),
        )
        .await;
    for report in &preflight {
        if let Some(e) = report.err() {
            reporter.failure(&format!("{}: {e}", report.target));
        }
    }
    if preflight.iter().any(TargetReport::is_failed) {
        reporter.note("nothing was applied: preflight failed");
        return Ok(ApplyOutcome {
            preflight,
            ..Default::default()
        });
    }
    if req.dry_run {
        let mut planned = String::new();
        for ((cluster, target, prepared), report) in work.iter().zip(&preflight) {
            let version = report.ok().map(|c| c.server_version.as_str()).unwrap_or("?");
            planned.push_str(&format!(
                "# cluster {cluster} (context {}, Kubernetes {version}): objects that would be applied, values redacted\n",
                target.context
            ));
            planned.push_str(&yaml::to_multi_doc(&prepared.redacted(), "the plan")?);
        }
        return Ok(ApplyOutcome {
            preflight,
            applied: Vec::new(),
            planned: Some(planned),
        });
    }

    // Phase 2: apply what differs, every cluster concurrently.
    let items = work
        .iter()
        .zip(&preflight)
        .filter_map(|((cluster, target, prepared), report)| {
            Some((cluster.clone(), (target, prepared, report.ok()?)))
        })
        .collect();
    let applied = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .reported_by_caller()
        .run(
            items,
            |(target, prepared, planned), step| async move {
                step.set("applying");
                apply_prepared(target, prepared, planned).await
            },
            |c: &ClusterSecrets| {
                let changed = c.changes.iter().filter(|ch| ch.result != "unchanged").count();
                format!("secrets applied ({changed} changed)")
            },
        )
        .await;
    Ok(ApplyOutcome {
        preflight,
        applied,
        planned: None,
    })
}

/// Read-only: the cluster answers, the user may do every write, every Secret's namespace exists
/// (or is declared in the files), no Secret changes its immutable type; and what each object
/// would become.
async fn preflight(
    cluster: &str,
    target: &KubeTarget,
    desired: &[Desired],
    created_before: &[String],
) -> Result<ClusterSecrets> {
    let server_version = target.server_version().await?;
    let declared: Vec<&str> = desired
        .iter()
        .filter(|d| matches!(d.kind, DesiredKind::Namespace))
        .map(|d| d.name.as_str())
        .chain(created_before.iter().map(String::as_str))
        .collect();
    let mut checks: Vec<(&str, &str, Option<&str>)> = Vec::new();
    if desired.iter().any(|d| matches!(d.kind, DesiredKind::Namespace)) {
        checks.extend([("create", "namespaces", None), ("patch", "namespaces", None)]);
    }
    for d in desired
        .iter()
        .filter(|d| matches!(d.kind, DesiredKind::Secret { .. }))
    {
        for verb in ["get", "create", "patch"] {
            let check = (verb, "secrets", Some(d.namespace.as_str()));
            if !checks.contains(&check) {
                checks.push(check);
            }
        }
    }
    for (verb, resource, ns) in &checks {
        if !target.can_i(verb, "", resource, *ns, None).await? {
            return Err(Error::Usage(format!(
                "not allowed to {verb} {resource}{}: ask for rights to manage secrets on this cluster",
                ns.map(|n| format!(" in namespace {n}")).unwrap_or_default()
            )));
        }
    }
    let namespaces: Api<Namespace> = Api::all(target.client.clone());
    let mut changes = Vec::new();
    for d in desired {
        let change = match &d.kind {
            DesiredKind::Namespace => {
                let live = namespaces
                    .get_opt(&d.name)
                    .await
                    .map_err(|e| target.err(format!("get namespace {}", d.name), e))?;
                let result = match live {
                    None => "created",
                    Some(ns) if metadata_differs(&ns.metadata, d) => "updated",
                    Some(_) => "unchanged",
                };
                Change {
                    object: d.object_ref(),
                    file: d.file.clone(),
                    result: result.into(),
                    added: Vec::new(),
                    changed: Vec::new(),
                    kept: Vec::new(),
                }
            }
            DesiredKind::Secret { type_, data } => {
                if !declared.contains(&d.namespace.as_str())
                    && namespaces
                        .get_opt(&d.namespace)
                        .await
                        .map_err(|e| target.err(format!("get namespace {}", d.namespace), e))?
                        .is_none()
                {
                    return Err(Error::Usage(format!(
                        "namespace {} does not exist for Secret {} ({}): create it, or declare it as a Namespace in the cluster's secrets files",
                        d.namespace,
                        d.name,
                        d.file.display()
                    )));
                }
                let api: Api<Secret> = Api::namespaced(target.client.clone(), &d.namespace);
                let live = api
                    .get_opt(&d.name)
                    .await
                    .map_err(|e| target.err(format!("get {}", d.object_ref()), e))?;
                secret_change(d, type_.as_deref(), data, live.as_ref())?
            }
        };
        changes.push(change);
    }
    Ok(ClusterSecrets {
        cluster: cluster.to_string(),
        context: target.context.clone(),
        server_version,
        changes,
    })
}

/// Whether the labels/annotations we would set differ from the live ones.
fn metadata_differs(live: &ObjectMeta, d: &Desired) -> bool {
    let differs = |want: &BTreeMap<String, String>, have: &Option<BTreeMap<String, String>>| {
        want.iter()
            .any(|(k, v)| have.as_ref().and_then(|h| h.get(k)) != Some(v))
    };
    differs(&d.labels, &live.labels) || differs(&d.annotations, &live.annotations)
}

/// Compares a decrypted Secret with the live one, in memory (nothing is printed but key names).
fn secret_change(
    d: &Desired,
    type_: Option<&str>,
    data: &[SecretValue],
    live: Option<&Secret>,
) -> Result<Change> {
    let mut change = Change {
        object: d.object_ref(),
        file: d.file.clone(),
        result: String::new(),
        added: Vec::new(),
        changed: Vec::new(),
        kept: Vec::new(),
    };
    let Some(live) = live else {
        change.added = data.iter().map(|v| v.key.clone()).collect();
        change.result = "created".into();
        return Ok(change);
    };
    if let (Some(want), Some(have)) = (type_, live.type_.as_deref())
        && want != have
    {
        return Err(Error::Usage(format!(
            "{} has type {have} on the cluster but {want} in {}: a Secret's type cannot change (delete it first)",
            d.object_ref(),
            d.file.display()
        )));
    }
    let empty = BTreeMap::new();
    let live_data = live.data.as_ref().unwrap_or(&empty);
    for v in data {
        match live_data.get(&v.key) {
            None => change.added.push(v.key.clone()),
            Some(ByteString(bytes)) if *bytes != v.value => change.changed.push(v.key.clone()),
            Some(_) => {}
        }
    }
    change.kept = live_data
        .keys()
        .filter(|k| !data.iter().any(|v| &v.key == *k))
        .cloned()
        .collect();
    let differs =
        !change.added.is_empty() || !change.changed.is_empty() || metadata_differs(&live.metadata, d);
    change.result = if differs { "updated" } else { "unchanged" }.into();
    Ok(change)
}

/// Server-side applies what the preflight found different, with the suite's field manager.
async fn apply_cluster(
    target: &KubeTarget,
    desired: &[Desired],
    planned: &ClusterSecrets,
) -> Result<ClusterSecrets> {
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let mut out = planned.clone();
    for (d, change) in desired.iter().zip(out.changes.iter_mut()) {
        if change.result == "unchanged" {
            continue;
        }
        let metadata = ObjectMeta {
            name: Some(d.name.clone()),
            labels: (!d.labels.is_empty()).then(|| d.labels.clone()),
            annotations: (!d.annotations.is_empty()).then(|| d.annotations.clone()),
            ..Default::default()
        };
        match &d.kind {
            DesiredKind::Namespace => {
                let api: Api<Namespace> = Api::all(target.client.clone());
                let ns = Namespace {
                    metadata,
                    ..Default::default()
                };
                api.patch(&d.name, &params, &Patch::Apply(&json_of(&ns, "Namespace")?))
                    .await
                    .map_err(|e| target.err(format!("apply {}", d.object_ref()), e))?;
            }
            DesiredKind::Secret { type_, data } => {
                let api: Api<Secret> = Api::namespaced(target.client.clone(), &d.namespace);
                let secret = Secret {
                    metadata: ObjectMeta {
                        namespace: Some(d.namespace.clone()),
                        ..metadata
                    },
                    type_: type_.clone(),
                    data: Some(
                        data.iter()
                            .map(|v| (v.key.clone(), ByteString(v.value.clone())))
                            .collect(),
                    ),
                    ..Default::default()
                };
                api.patch(&d.name, &params, &Patch::Apply(&json_of(&secret, "Secret")?))
                    .await
                    .map_err(|e| target.err(format!("apply {}", d.object_ref()), e))?;
            }
        }
    }
    Ok(out)
}

/// A typed core object as the apply body (server-side apply needs apiVersion and kind).
fn json_of<T: Serialize>(obj: &T, kind: &str) -> Result<Value> {
    let mut v = serde_json::to_value(obj).map_err(|source| Error::Serialize {
        what: format!("the {kind} to apply"),
        source,
    })?;
    if let Some(map) = v.as_object_mut() {
        map.insert("apiVersion".into(), json!("v1"));
        map.insert("kind".into(), json!(kind));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desired(data: &[(&str, &[u8])]) -> (Desired, Vec<SecretValue>) {
        let values: Vec<SecretValue> = data
            .iter()
            .map(|(k, v)| SecretValue {
                key: k.to_string(),
                value: v.to_vec(),
            })
            .collect();
        let d = Desired {
            kind: DesiredKind::Secret {
                type_: None,
                data: values.clone(),
            },
            namespace: "ns".into(),
            name: "s".into(),
            file: "clusters/c/secrets/x/s.yaml".into(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        };
        (d, values)
    }

    fn live(data: &[(&str, &[u8])], type_: &str) -> Secret {
        Secret {
            type_: Some(type_.into()),
            data: Some(
                data.iter()
                    .map(|(k, v)| (k.to_string(), ByteString(v.to_vec())))
                    .collect(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn the_diff_names_keys_and_never_values() {
        let (d, values) = desired(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        let created = secret_change(&d, None, &values, None).expect("change");
        assert_eq!(
            (created.result.as_str(), created.keys_summary()),
            ("created", "+a +b +c".into())
        );
        let cluster = live(&[("a", b"1"), ("b", b"old"), ("z", b"9")], "Opaque");
        let updated = secret_change(&d, None, &values, Some(&cluster)).expect("change");
        assert_eq!(updated.result, "updated");
        assert_eq!(updated.keys_summary(), "+c ~b (kept: z)");
        assert!(!format!("{updated:?}{:?}", d.redacted()).contains("old"));
        let same = live(&[("a", b"1"), ("b", b"2"), ("c", b"3")], "Opaque");
        assert_eq!(
            secret_change(&d, None, &values, Some(&same))
                .expect("change")
                .result,
            "unchanged"
        );
        // A Secret's type is immutable: refused before anything is applied.
        let err = secret_change(&d, Some("kubernetes.io/tls"), &values, Some(&same)).expect_err("type");
        assert!(err.to_string().contains("cannot change"), "{err}");
        assert_eq!(d.redacted()["data"]["a"], "<redacted>");
    }
}
