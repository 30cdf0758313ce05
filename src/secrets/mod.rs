//! Cluster secrets in the fleet repository: Secret manifests under
//! `clusters/<cluster>/secrets/<component>/`, encrypted with SOPS by the creation rules of
//! `clusters/<cluster>/secrets/.sops.yaml`, decrypted by kustomize-controller (keos'
//! `apps-<component>-secrets`) or applied directly (`kubectl fleet secret apply`, seed 004's
//! "secrets outside the flows").
//!
//! This module reads and checks those files without decrypting them (what `secret list` shows,
//! the pre-commit rule [`check_encrypted`]) and builds the plaintext manifest `secret set`
//! encrypts; running sops is [`crate::sops`]'s job, the workflows belong to the operations layer above
//! (`ops::secret`), which this module does not depend on.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{
    manifests::yaml,
    repo::{FleetRepo, NameError},
};

/// The directory of a cluster's secrets, below its cluster directory.
pub const SECRETS_DIR: &str = "secrets";
/// The SOPS config of a cluster's secrets directory.
pub const SOPS_CONFIG: &str = ".sops.yaml";

/// A secrets command was given something it cannot work with (exit 2 unless noted).
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// A name or path breaks a fleet naming rule.
    #[error(transparent)]
    Name(#[from] NameError),
    /// The cluster directory does not exist.
    #[error("cluster directory {} does not exist (kubectl fleet bootstrap init {cluster} writes it)", dir.display())]
    NoCluster {
        /// The cluster.
        cluster: String,
        /// `clusters/<cluster>`.
        dir: PathBuf,
    },
    /// The cluster has no SOPS creation rules, so nothing can be encrypted for it.
    #[error(
        "{} does not exist: clusters/{cluster} has no SOPS creation rules to encrypt with (kubectl fleet bootstrap init {cluster} --sops-age RECIPIENT or --sops-pgp FINGERPRINT writes it)",
        path.display()
    )]
    NoSopsConfig {
        /// The cluster.
        cluster: String,
        /// `clusters/<cluster>/secrets/.sops.yaml`.
        path: PathBuf,
    },
    /// `--from-literal` was given: a value in argv is readable by every user of the machine.
    #[error(
        "--from-literal {keys} is refused: a value on the command line lands in your shell history and in the process list (ps) of everyone on this machine; pass it as --from-file KEY=PATH, --from-env-file PATH (KEY=VALUE lines) or --from-stdin KEY (the value on stdin) instead"
    )]
    FromLiteral {
        /// The keys given (`KEY=…`), never the values.
        keys: String,
    },
    /// The flags do not describe a Secret.
    #[error("{0}")]
    Usage(String),
    /// A value source could not be read.
    #[error("cannot read {what}")]
    Read {
        /// `--from-file token=/path` …
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// The destination exists.
    #[error("{} exists (Secret {existing}): pass --force to replace it", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
        /// What it holds (`db-creds` with keys a, b).
        existing: String,
    },
    /// Another file of the cluster already defines a Secret of that name in that namespace.
    #[error("{}: already defines Secret {name}{}; two files would apply the same Secret", path.display(), namespace.as_deref().map(|n| format!(" in namespace {n}")).unwrap_or_default())]
    NameClash {
        /// The other file.
        path: PathBuf,
        /// The Secret name.
        name: String,
        /// Its namespace, when known.
        namespace: Option<String>,
    },
    /// Files that break the pre-commit rule (a Secret that is not SOPS-encrypted).
    #[error("{} not encrypted with sops: {}", if violations.len() == 1 { "a Secret is" } else { "Secrets are" }, violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Unencrypted {
        /// Every offending document.
        violations: Vec<Violation>,
    },
    /// A file could not be read or parsed.
    #[error("{}: {reason}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The fleet repository could not be read.
    #[error(transparent)]
    Repo(#[from] crate::repo::RepoError),
}

impl SecretError {
    /// Exit status: every variant is something to fix before anything is changed.
    pub fn exit_status(&self) -> crate::exit::ExitStatus {
        match self {
            SecretError::Repo(e) => e.exit_status(),
            _ => crate::exit::ExitStatus::Usage,
        }
    }
}

/// A Secret document that breaks the pre-commit rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// The file.
    pub file: PathBuf,
    /// 1-based document index in the file.
    pub document: usize,
    /// The Secret's name (`?` when it has none).
    pub name: String,
    /// Why it counts as unencrypted.
    pub reason: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (document {}, Secret {}): {}",
            self.file.display(),
            self.document,
            self.name,
            self.reason
        )
    }
}

/// The repository's pre-commit rule, checked structurally: every document of kind `Secret` must
/// carry a top-level `sops` mapping and have only `ENC[…]` values under `data` and `stringData`.
/// The `hooks/pre-commit` of keos fleets greps for `kind: Secret` without `sops:`; this finds the
/// same files without its substring false positives (`kind: SecretStore`, a `sops:` comment) and
/// also a plaintext Secret next to an encrypted one in the same file. A file that is not YAML but
/// mentions `kind: Secret` counts as a violation (it cannot be shown to be encrypted).
pub fn check_encrypted(files: &[PathBuf]) -> Result<Vec<Violation>, SecretError> {
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| SecretError::File {
            path: file.clone(),
            reason: format!("cannot be read: {e}"),
        })?;
        out.extend(check_text(&text, file));
    }
    Ok(out)
}

/// [`check_encrypted`] for one file's text.
pub fn check_text(text: &str, file: &Path) -> Vec<Violation> {
    let docs = match yaml::from_multi_doc(text, &file.display().to_string()) {
        Ok(docs) => docs,
        Err(_) if text.contains("kind: Secret") => {
            return vec![Violation {
                file: file.to_path_buf(),
                document: 1,
                name: "?".into(),
                reason: "the file mentions kind: Secret but is not valid YAML".into(),
            }];
        }
        Err(_) => return Vec::new(),
    };
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if doc.get("kind").and_then(Value::as_str) != Some("Secret") {
            continue;
        }
        let reason = if !doc.get("sops").is_some_and(Value::is_object) {
            Some("it has no sops metadata".to_string())
        } else {
            plaintext_keys(doc).map(|keys| format!("{} not encrypted", keys.join(", ")))
        };
        if let Some(reason) = reason {
            out.push(Violation {
                file: file.to_path_buf(),
                document: i + 1,
                name: doc
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string(),
                reason,
            });
        }
    }
    out
}

/// `data.KEY`/`stringData.KEY` entries whose value is not `ENC[…]`, `None` when there are none.
fn plaintext_keys(doc: &Value) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    for field in ["data", "stringData"] {
        if let Some(map) = doc.get(field).and_then(Value::as_object) {
            for (k, v) in map {
                if !v.as_str().is_some_and(|s| s.starts_with("ENC[")) {
                    keys.push(format!("{field}.{k}"));
                }
            }
        }
    }
    (!keys.is_empty()).then_some(keys)
}

/// What a SOPS file says about its encryption, read without decrypting.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Encryption {
    /// Key types the data key is encrypted for: `age`, `pgp`, `kms`, `gcp_kms`, `azure_kv`,
    /// `hc_vault` (in that order).
    pub methods: Vec<String>,
    /// Who can decrypt: age recipients, PGP fingerprints, KMS ARNs, ….
    pub recipients: Vec<String>,
    /// `sops.lastmodified`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The sops version that wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sops_version: Option<String>,
}

/// The recipient field of each sops key type.
const KEY_TYPES: &[(&str, &str)] = &[
    ("age", "recipient"),
    ("pgp", "fp"),
    ("kms", "arn"),
    ("gcp_kms", "resource_id"),
    ("azure_kv", "vaultUrl"),
    ("hc_vault", "key_name"),
];

/// Reads a document's `sops` block (top-level keys and `key_groups`); `None` without one.
pub fn encryption(doc: &Value) -> Option<Encryption> {
    let sops = doc.get("sops")?.as_object()?;
    let mut out = Encryption {
        last_modified: sops
            .get("lastmodified")
            .and_then(Value::as_str)
            .map(str::to_string),
        sops_version: sops.get("version").and_then(Value::as_str).map(str::to_string),
        ..Default::default()
    };
    let mut groups: Vec<&Map<String, Value>> = vec![sops];
    groups.extend(
        sops.get("key_groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object),
    );
    for (method, field) in KEY_TYPES {
        let keys: Vec<&Value> = groups
            .iter()
            .filter_map(|g| g.get(*method).and_then(Value::as_array))
            .flatten()
            .collect();
        if keys.is_empty() {
            continue;
        }
        out.methods.push((*method).to_string());
        out.recipients.extend(
            keys.iter()
                .filter_map(|k| k.get(*field).and_then(Value::as_str))
                .map(str::to_string),
        );
    }
    Some(out)
}

/// One Secret document of a cluster's secrets file, as `secret list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretEntry {
    /// The cluster (path below `clusters/`).
    pub cluster: String,
    /// The component (the directory below `secrets/`; empty for files directly in it).
    pub component: String,
    /// The file, relative to the repository root.
    pub file: PathBuf,
    /// 1-based document index.
    pub document: usize,
    /// The Secret's name.
    pub name: String,
    /// Its namespace: `metadata.namespace`, else the one its component is applied to (keos).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Its keys (`data` and `stringData`), never the values.
    pub keys: Vec<String>,
    /// The SOPS metadata, `None` when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<Encryption>,
    /// `encrypted`, `NOT ENCRYPTED`, or `template` (a `clusters/_…` template, plaintext by design).
    pub status: EntryStatus,
    /// Why it is not encrypted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Whether a Secret is safe in git.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryStatus {
    /// SOPS metadata and only `ENC[…]` values.
    Encrypted,
    /// Plaintext in git: the pre-commit rule is broken.
    NotEncrypted,
    /// In a template cluster directory (`clusters/_TEMPLATE`), where a plaintext placeholder is
    /// expected.
    Template,
}

impl EntryStatus {
    /// How the table shows it.
    pub fn label(self) -> &'static str {
        match self {
            EntryStatus::Encrypted => "encrypted",
            EntryStatus::NotEncrypted => "NOT ENCRYPTED",
            EntryStatus::Template => "template",
        }
    }
}

/// Every YAML file under `clusters/<cluster>/secrets/` (hidden files such as `.sops.yaml`
/// skipped), sorted, with the cluster and component they belong to. `clusters` selects clusters
/// (empty: every cluster with a secrets directory, nested cluster paths included).
pub fn secret_files(
    repo: &FleetRepo,
    clusters: &[String],
) -> Result<Vec<(String, String, PathBuf)>, SecretError> {
    let mut out = Vec::new();
    let roots: Vec<(String, PathBuf)> = if clusters.is_empty() {
        let mut found = Vec::new();
        find_secret_dirs(repo, Path::new("clusters"), &mut found)?;
        found
    } else {
        clusters
            .iter()
            .map(|c| (c.clone(), PathBuf::from("clusters").join(c).join(SECRETS_DIR)))
            .collect()
    };
    for (cluster, dir) in roots {
        for file in files_under(repo, &dir)? {
            let rel = file.strip_prefix(&dir).unwrap_or(&file);
            let component = match rel.parent() {
                Some(p) if !p.as_os_str().is_empty() => p
                    .components()
                    .next()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            out.push((cluster.clone(), component, file));
        }
    }
    Ok(out)
}

/// `clusters/**/secrets/` directories, with the cluster path they belong to.
fn find_secret_dirs(
    repo: &FleetRepo,
    dir: &Path,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), SecretError> {
    for entry in read_dir(repo, dir)? {
        let (name, is_dir) = entry;
        if !is_dir || name.starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        if name == SECRETS_DIR && dir != Path::new("clusters") {
            let cluster = dir
                .strip_prefix("clusters")
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            out.push((cluster, path));
        } else {
            find_secret_dirs(repo, &path, out)?;
        }
    }
    Ok(())
}

fn read_dir(repo: &FleetRepo, dir: &Path) -> Result<Vec<(String, bool)>, SecretError> {
    let abs = repo.path(dir);
    let entries = match std::fs::read_dir(&abs) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(SecretError::File {
                path: dir.to_path_buf(),
                reason: format!("cannot be read: {e}"),
            });
        }
    };
    let mut out: Vec<(String, bool)> = entries
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.file_type().is_ok_and(|t| t.is_dir()),
            )
        })
        .collect();
    out.sort();
    Ok(out)
}

/// `*.yaml`/`*.yml` files under a repository-relative directory, recursively, hidden ones skipped.
pub fn files_under(repo: &FleetRepo, dir: &Path) -> Result<Vec<PathBuf>, SecretError> {
    let mut out = Vec::new();
    for (name, is_dir) in read_dir(repo, dir)? {
        if name.starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        if is_dir {
            out.extend(files_under(repo, &path)?);
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            out.push(path);
        }
    }
    Ok(out)
}

/// The Secret documents of one file, without decrypting. `namespace_of` gives the namespace a
/// component's Secrets are applied to when the document names none (keos `targetNamespace`).
pub fn entries(
    repo: &FleetRepo,
    cluster: &str,
    component: &str,
    file: &Path,
    namespace_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<SecretEntry>, SecretError> {
    let text = repo.read_optional(file)?.unwrap_or_default();
    let docs = yaml::from_multi_doc(&text, &file.display().to_string()).map_err(|e| SecretError::File {
        path: file.to_path_buf(),
        reason: format!("is not valid YAML: {}", crate::error::chain::error_chain(&e)),
    })?;
    let template = cluster.split('/').any(|s| s.starts_with('_'));
    let violations = check_text(&text, file);
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if doc.get("kind").and_then(Value::as_str) != Some("Secret") {
            continue;
        }
        let problem = violations
            .iter()
            .find(|v| v.document == i + 1)
            .map(|v| v.reason.clone());
        let status = match (&problem, template) {
            (None, _) => EntryStatus::Encrypted,
            (Some(_), true) => EntryStatus::Template,
            (Some(_), false) => EntryStatus::NotEncrypted,
        };
        out.push(SecretEntry {
            cluster: cluster.to_string(),
            component: component.to_string(),
            file: file.to_path_buf(),
            document: i + 1,
            name: doc
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
            namespace: doc
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| namespace_of(component)),
            keys: secret_keys(doc),
            encryption: encryption(doc),
            status,
            problem,
        });
    }
    Ok(out)
}

/// The keys of a Secret document (`data` then `stringData`), sorted within each.
pub fn secret_keys(doc: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for field in ["data", "stringData"] {
        if let Some(map) = doc.get(field).and_then(Value::as_object) {
            let mut k: Vec<String> = map.keys().cloned().collect();
            k.sort();
            keys.extend(k);
        }
    }
    keys
}

/// One value of a Secret being written, kept in memory only; `Debug` shows the key alone.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue {
    /// The data key.
    pub key: String,
    /// The bytes.
    pub value: Vec<u8>,
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SecretValue({}: <{} bytes redacted>)",
            self.key,
            self.value.len()
        )
    }
}

/// Checks a Secret data key (`[-._a-zA-Z0-9]+`, at most 253 characters), as the apiserver does.
pub fn data_key(key: &str) -> Result<(), NameError> {
    let valid = !key.is_empty()
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        && key != "."
        && key != "..";
    if valid {
        Ok(())
    } else {
        Err(NameError::new(
            "Secret key",
            key,
            "use letters, digits, '-', '.' and '_' (at most 253 characters)",
        ))
    }
}

/// Parses an env file (`KEY=VALUE` lines; blank lines and `#` comments skipped), as
/// `kubectl create secret --from-env-file` does: the value is the rest of the line, verbatim.
pub fn parse_env_file(text: &str, origin: &str) -> Result<Vec<SecretValue>, SecretError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(SecretError::Usage(format!(
                "{origin} line {}: expected KEY=VALUE",
                n + 1
            )));
        };
        out.push(SecretValue {
            key: key.trim_end().to_string(),
            value: value.as_bytes().to_vec(),
        });
    }
    Ok(out)
}

/// The plaintext Secret manifest `secret set` encrypts: `data` (base64), no `type` (Opaque), and
/// a namespace only when given (keos leaves it to the secrets Kustomization's `targetNamespace`).
pub fn manifest(name: &str, namespace: Option<&str>, values: &[SecretValue]) -> Value {
    let mut metadata = json!({"name": name});
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    let data: Map<String, Value> = values
        .iter()
        .map(|v| {
            (
                v.key.clone(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(&v.value)),
            )
        })
        .collect();
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": metadata, "data": data})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<String> {
        check_text(text, Path::new("f.yaml"))
            .into_iter()
            .map(|v| format!("{}:{}:{}", v.document, v.name, v.reason))
            .collect()
    }

    /// What the keos `hooks/pre-commit` does: a staged YAML file that contains `kind: Secret` but
    /// not `sops:` fails.
    fn hook_flags(text: &str) -> bool {
        text.contains("kind: Secret") && !text.contains("sops:")
    }

    const ENCRYPTED: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n    name: s\ndata:\n    k: ENC[AES256_GCM,data:eA==,iv:x,tag:y,type:str]\nsops:\n    age:\n        - recipient: age1abc\n          enc: x\n    lastmodified: \"2026-01-01T00:00:00Z\"\n    mac: ENC[AES256_GCM,data:x,type:str]\n    version: 3.13.3\n";
    const PLAIN: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: p\ndata:\n  bundle: cGFzc3dvcmQ=\n";

    #[test]
    fn flags_what_the_pre_commit_hook_flags_without_its_false_positives() {
        // Flagged by both.
        for text in [PLAIN, "kind: Secret\nmetadata:\n  name: q\nstringData:\n  a: b\n"] {
            assert!(hook_flags(text));
            assert_eq!(check(text).len(), 1, "{text}");
        }
        // Passed by both.
        assert!(!hook_flags(ENCRYPTED));
        assert!(check(ENCRYPTED).is_empty());
        // The hook's substring false positives: not Secrets, or a Secret only in a comment.
        for text in [
            "apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: vault\n",
            "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: x\n",
            "# kind: Secret\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ] {
            assert!(hook_flags(text), "{text}");
            assert!(check(text).is_empty(), "{text}");
        }
        // What the hook misses: a plaintext Secret next to an encrypted one, a `sops:` comment,
        // and a sops block with a plaintext value left in.
        let mixed = format!("{ENCRYPTED}---\n{PLAIN}");
        assert!(!hook_flags(&mixed));
        assert_eq!(check(&mixed), ["2:p:it has no sops metadata"]);
        let commented = format!("# sops: later\n{PLAIN}");
        assert!(!hook_flags(&commented));
        assert_eq!(check(&commented).len(), 1);
        let partial = ENCRYPTED.replace("ENC[AES256_GCM,data:eA==,iv:x,tag:y,type:str]", "cGxhaW4=");
        assert!(!hook_flags(&partial));
        assert_eq!(check(&partial), ["1:s:data.k not encrypted"]);
        // Broken YAML that mentions a Secret cannot be shown to be safe.
        assert_eq!(check("kind: Secret\n  bad: [\n").len(), 1);
        assert!(check("not: [yaml\n").is_empty());
    }

    #[test]
    fn reads_the_sops_block_without_decrypting() {
        let docs = yaml::from_multi_doc(ENCRYPTED, "f").expect("yaml");
        let e = encryption(&docs[0]).expect("sops block");
        assert_eq!(e.methods, ["age"]);
        assert_eq!(e.recipients, ["age1abc"]);
        assert_eq!(e.last_modified.as_deref(), Some("2026-01-01T00:00:00Z"));
        let kms = json!({"sops": {"key_groups": [{"kms": [{"arn": "arn:aws:kms:eu-west-1:1:key/x"}], "pgp": [{"fp": "ABC"}]}], "pgp": []}});
        let e = encryption(&kms).expect("sops block");
        assert_eq!(e.methods, ["pgp", "kms"]);
        assert_eq!(e.recipients, ["ABC", "arn:aws:kms:eu-west-1:1:key/x"]);
        assert!(encryption(&json!({"kind": "Secret"})).is_none());
    }

    #[test]
    fn manifests_env_files_and_keys() {
        let values = parse_env_file("# c\n\nA=1\nB = x=y \n", "env").expect("parses");
        assert_eq!(values[0].key, "A");
        assert_eq!(values[1].key, "B");
        assert_eq!(values[1].value, b" x=y ");
        assert!(parse_env_file("nope\n", "env").is_err());
        let m = manifest("s", None, &values);
        assert_eq!(m["data"]["A"], "MQ==");
        assert!(m["metadata"].get("namespace").is_none());
        assert!(data_key("tls.crt").is_ok());
        assert!(data_key("a/b").is_err());
        assert!(data_key("").is_err());
        let v = SecretValue {
            key: "k".into(),
            value: b"hunter2".to_vec(),
        };
        assert_eq!(format!("{v:?}"), "SecretValue(k: <7 bytes redacted>)");
    }
}
