//! The git Secrets Flux reads — basic auth (`username` + `password`, a PAT) or a GitHub App
//! (`githubAppID`, `githubAppInstallationID`, `githubAppPrivateKey`, optional `githubAppBaseURL`,
//! read by source-controller when the GitRepository says `provider: github`) — and how we write
//! them: the whole `data` rebuilt by [`git_secret_data`] from a [`GitAuth`] (the one rule for
//! bootstrap, tenant, rotation and migration: TLS material added by hand is kept, any other stale
//! key goes, the `flux create secret git` pitfall) and replaced with a resourceVersion
//! precondition, so a concurrent writer is never silently overwritten.

use std::collections::BTreeMap;

use k8s_openapi::{ByteString, api::core::v1::Secret};
use kube::{
    Api,
    api::{ObjectMeta, PostParams},
};
use serde_json::{Value, json};

use super::{Token, github_app::AppKey};
use crate::kube::{ApplyOutcome, KubeError, KubeTarget};

/// What a git Secret authenticates with: the secret value and, for an App, the identifiers
/// source-controller needs to mint installation tokens. `Debug` never shows the value.
#[derive(Clone, Debug)]
pub enum GitAuth {
    /// Basic auth with a token (PAT, project or group access token): `password`, beside the
    /// `username` of the [`GitSecret`].
    Token(Token),
    /// A GitHub App.
    App(AppAuth),
}

/// A GitHub App as a git Secret holds it.
#[derive(Clone, Debug)]
pub struct AppAuth {
    /// `githubAppID`.
    pub app_id: u64,
    /// `githubAppInstallationID`.
    pub installation_id: u64,
    /// `githubAppBaseURL`: the API of a GitHub Enterprise server (None for github.com, which
    /// source-controller uses by default).
    pub base_url: Option<String>,
    /// `githubAppPrivateKey`.
    pub key: AppKey,
}

/// The `data` keys of a GitHub App Secret (what tells an App Secret from a token one).
pub const APP_KEYS: &[&str] = &[
    "githubAppID",
    "githubAppInstallationID",
    "githubAppPrivateKey",
    "githubAppBaseURL",
];

impl GitAuth {
    /// The keys this authentication writes (`username` is the basic-auth user; an App has none).
    pub fn keys(&self, username: &ByteString) -> BTreeMap<String, ByteString> {
        let b = |s: &str| ByteString(s.as_bytes().to_vec());
        match self {
            GitAuth::Token(token) => BTreeMap::from([
                ("username".to_string(), username.clone()),
                ("password".to_string(), b(token.expose())),
            ]),
            GitAuth::App(app) => {
                let mut keys = BTreeMap::from([
                    ("githubAppID".to_string(), b(&app.app_id.to_string())),
                    (
                        "githubAppInstallationID".to_string(),
                        b(&app.installation_id.to_string()),
                    ),
                    ("githubAppPrivateKey".to_string(), b(app.key.expose_pem())),
                ]);
                if let Some(url) = &app.base_url {
                    keys.insert("githubAppBaseURL".to_string(), b(url));
                }
                keys
            }
        }
    }

    /// Whether a Secret's `data` carries this value (a token as `password`; every key of an
    /// App), whatever its username: how a propagated copy is seen to have followed a write.
    pub fn carried_by(&self, data: Option<&BTreeMap<String, ByteString>>) -> bool {
        let Some(data) = data else { return false };
        match self {
            GitAuth::Token(token) => {
                data.get("password").map(|b| b.0.as_slice()) == Some(token.expose().as_bytes())
            }
            GitAuth::App(_) => self
                .keys(&ByteString(Vec::new()))
                .iter()
                .all(|(k, v)| data.get(k) == Some(v)),
        }
    }

    /// Whether this is a GitHub App.
    pub fn is_app(&self) -> bool {
        matches!(self, GitAuth::App(_))
    }
}

impl From<Token> for GitAuth {
    fn from(token: Token) -> Self {
        GitAuth::Token(token)
    }
}

/// Annotation put on every Secret the suite writes from a stored credential, naming that
/// credential, so `token rotate NAME` can find every copy on every cluster.
pub const CREDENTIAL_ANNOTATION: &str = "kubectl-fleet.dev/credential";

/// The label Kyverno (d1) selects tenant Secrets and namespaces by.
pub const TENANT_LABEL: &str = "toolkit.fluxcd.io/tenant";

/// What Secret to write.
#[derive(Clone, Debug)]
pub struct GitSecret {
    /// Secret name (e.g. `flux-system`, `flux-apps`).
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Basic-auth username (`git` for GitHub/GitLab PATs: ignored but must be non-empty).
    pub username: String,
    /// Credential name for the rotation annotation (None when the token came from stdin/env).
    pub credential: Option<String>,
    /// Extra labels (e.g. the tenant label).
    pub labels: BTreeMap<String, String>,
}

impl GitSecret {
    /// The sync Secret of a cluster (`flux-system` by default) written from `token`.
    pub fn sync(namespace: &str, name: &str, username: String, credential: Option<String>) -> Self {
        GitSecret {
            name: name.to_string(),
            namespace: namespace.to_string(),
            username,
            credential,
            labels: BTreeMap::new(),
        }
    }

    /// A tenant's Secret (`flux-<tenant>` in the Flux namespace), labelled with its tenant so
    /// Kyverno (d1) clones it into the tenant's namespaces.
    pub fn tenant(namespace: &str, tenant: &str, username: String, credential: Option<String>) -> Self {
        GitSecret {
            name: crate::repo::tenant_object_name(tenant),
            namespace: namespace.to_string(),
            username,
            credential,
            labels: BTreeMap::from([(TENANT_LABEL.to_string(), tenant.to_string())]),
        }
    }
}

/// What an upsert did to one Secret.
pub type SecretOutcome = ApplyOutcome;

/// The Secret as a manifest with the token replaced by a placeholder, for `--dry-run` output.
pub fn git_secret_object(secret: &GitSecret) -> Value {
    let mut metadata = json!({"name": secret.name, "namespace": secret.namespace});
    if !secret.labels.is_empty() {
        metadata["labels"] = json!(secret.labels);
    }
    if let Some(c) = &secret.credential {
        metadata["annotations"] = json!({CREDENTIAL_ANNOTATION: c});
    }
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata,
        "type": "Opaque",
        "stringData": {"username": secret.username, "password": "<redacted>"},
    })
}

/// Creates the Secret, or rewrites an existing one with [`git_secret_data`] (keys it does not own
/// kept), merging labels and setting the provenance annotation to the credential the token came
/// from (removing it when the token came from stdin or the environment, so a later rotation of
/// that credential does not take the Secret for one of its own). Conditional on the
/// resourceVersion and retried on conflict; an unchanged Secret is not written.
pub async fn upsert_git_secret(
    target: &KubeTarget,
    secret: &GitSecret,
    auth: &GitAuth,
) -> Result<SecretOutcome, KubeError> {
    let api: Api<Secret> = Api::namespaced(target.client.clone(), &secret.namespace);
    let what = format!("Secret {}/{}", secret.namespace, secret.name);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let updated = update_secret(target, &secret.namespace, &secret.name, |current| {
            written_secret(current, secret, auth)
        })
        .await?;
        if let Some(outcome) = updated.outcome {
            return Ok(outcome);
        }
        // Not there: create it.
        let new = Secret {
            metadata: ObjectMeta {
                name: Some(secret.name.clone()),
                namespace: Some(secret.namespace.clone()),
                labels: (!secret.labels.is_empty()).then(|| secret.labels.clone()),
                annotations: secret
                    .credential
                    .as_ref()
                    .map(|c| BTreeMap::from([(CREDENTIAL_ANNOTATION.to_string(), c.clone())])),
                ..Default::default()
            },
            type_: Some("Opaque".into()),
            data: Some(git_secret_data(
                None,
                ByteString(secret.username.as_bytes().to_vec()),
                auth,
            )),
            ..Default::default()
        };
        let pp = PostParams {
            field_manager: Some(crate::kube::FIELD_MANAGER.into()),
            ..Default::default()
        };
        match api.create(&pp, &new).await {
            Ok(_) => return Ok(ApplyOutcome::Created),
            // Created meanwhile: update that one.
            Err(kube::Error::Api(s)) if s.code == 409 && attempt < 5 => continue,
            Err(e) => return Err(target.err(format!("create {what}"), e)),
        }
    }
}

/// The existing Secret rewritten as `secret` with `auth`, or `None` when it already is.
fn written_secret(current: &Secret, secret: &GitSecret, auth: &GitAuth) -> Option<Secret> {
    let data = git_secret_data(
        current.data.as_ref(),
        ByteString(secret.username.as_bytes().to_vec()),
        auth,
    );
    let mut next = current.clone();
    let labels = next.metadata.labels.get_or_insert_with(BTreeMap::new);
    labels.extend(secret.labels.clone());
    set_provenance(&mut next, secret.credential.as_deref());
    let unchanged = current.data.as_ref() == Some(&data)
        && current.string_data.is_none()
        && next.metadata.labels.as_ref().filter(|l| !l.is_empty())
            == current.metadata.labels.as_ref().filter(|l| !l.is_empty())
        && next.metadata.annotations.as_ref().filter(|a| !a.is_empty())
            == current.metadata.annotations.as_ref().filter(|a| !a.is_empty());
    if unchanged {
        return None;
    }
    next.data = Some(data);
    next.string_data = None;
    next.metadata.managed_fields = None;
    Some(next)
}

/// Sets the provenance annotation of a Secret to `credential`, or removes it (`None`: the token
/// did not come from a stored credential).
fn set_provenance(secret: &mut Secret, credential: Option<&str>) {
    let annotations = secret.metadata.annotations.get_or_insert_with(BTreeMap::new);
    match credential {
        Some(c) => {
            annotations.insert(CREDENTIAL_ANNOTATION.into(), c.into());
        }
        None => {
            annotations.remove(CREDENTIAL_ANNOTATION);
        }
    }
}

/// The `data` of a git Secret that authenticates with `auth` (as `username`, for a token),
/// written over `old` (the Secret's current data): the keys the suite does not own but must keep
/// — TLS material for a self-hosted git server with a private CA ([`PRESERVED_KEYS`]) — stay as
/// they are; every other key is replaced, so a stale auth mode (a leftover `bearerToken`, the
/// PAT pair of a Secret now holding an App) cannot survive next to the new one. The one rule for
/// every writer: bootstrap, tenant, rotation and migration.
pub fn git_secret_data(
    old: Option<&BTreeMap<String, ByteString>>,
    username: ByteString,
    auth: &GitAuth,
) -> BTreeMap<String, ByteString> {
    let mut data = preserved(old);
    data.extend(auth.keys(&username));
    data
}

/// The keys of `old` every writer keeps ([`PRESERVED_KEYS`]).
pub fn preserved(old: Option<&BTreeMap<String, ByteString>>) -> BTreeMap<String, ByteString> {
    old.into_iter()
        .flatten()
        .filter(|(k, _)| PRESERVED_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Data keys every writer keeps: TLS material for the git server (`ca.crt`, the deprecated `caFile`,
/// mTLS `tls.crt`/`tls.key`). Every other key is replaced, so a stale auth mode (e.g. a leftover
/// `bearerToken`) cannot survive next to the new basic-auth pair.
pub const PRESERVED_KEYS: &[&str] = &["ca.crt", "caFile", "tls.crt", "tls.key"];

/// What a conditional update did to one Secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpdateResult {
    /// `Configured` or `Unchanged`; `None` when the Secret no longer exists.
    pub outcome: Option<SecretOutcome>,
    /// How many times a concurrent write made the apiserver reject ours (409) and we re-read.
    pub conflicts: u32,
}

/// How many conflicting writes an update survives before giving up.
const MAX_CONFLICTS: u32 = 10;

/// Replaces one Secret with `build(current)` under a resourceVersion precondition.
///
/// `build` returns the whole new object, or `None` when nothing needs to change. The PUT always
/// carries the resourceVersion we read, so a concurrent writer makes the apiserver answer 409; we
/// then re-read and call `build` again on the fresh object, so their change is kept and ours is
/// applied on top (no lost update). One PUT replaces the object in a single etcd transaction: a
/// reader, or an apiserver that dies mid-rotation, sees the old Secret or the new one, never a mix.
pub async fn update_secret<F>(
    target: &KubeTarget,
    namespace: &str,
    name: &str,
    mut build: F,
) -> Result<UpdateResult, KubeError>
where
    F: FnMut(&Secret) -> Option<Secret>,
{
    let api: Api<Secret> = Api::namespaced(target.client.clone(), namespace);
    let what = format!("Secret {namespace}/{name}");
    let pp = PostParams {
        field_manager: Some(crate::kube::FIELD_MANAGER.into()),
        ..Default::default()
    };
    let mut conflicts = 0;
    loop {
        let current = match api.get_opt(name).await {
            Ok(Some(current)) => current,
            Ok(None) => {
                return Ok(UpdateResult {
                    outcome: None,
                    conflicts,
                });
            }
            Err(e) => return Err(target.err(format!("get {what}"), e)),
        };
        let Some(mut next) = build(&current) else {
            return Ok(UpdateResult {
                outcome: Some(ApplyOutcome::Unchanged),
                conflicts,
            });
        };
        next.metadata.resource_version = current.metadata.resource_version.clone();
        match api.replace(name, &pp, &next).await {
            Ok(_) => {
                return Ok(UpdateResult {
                    outcome: Some(ApplyOutcome::Configured),
                    conflicts,
                });
            }
            Err(kube::Error::Api(s)) if s.code == 409 && conflicts + 1 < MAX_CONFLICTS => {
                conflicts += 1;
                // A short, growing pause lets a burst of concurrent writers settle.
                tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(conflicts))).await;
            }
            Err(kube::Error::Api(s)) if s.code == 404 => {
                return Ok(UpdateResult {
                    outcome: None,
                    conflicts,
                });
            }
            Err(e) => return Err(target.err(format!("update {what}"), e)),
        }
    }
}

/// The rotated form of an existing git Secret, or `None` when it already carries `auth`.
///
/// The whole `data` is rebuilt: the keys of `auth` (for a token: `password` = the token,
/// `username` kept from the Secret, else `fallback_username`), TLS keys kept
/// ([`PRESERVED_KEYS`]), everything else dropped. Labels,
/// other annotations, owner references and the type are kept as they are; the credential
/// annotation is (re)set so propagated copies found by label are found by annotation next time.
pub fn rotated_secret(
    current: &Secret,
    credential: &str,
    auth: &GitAuth,
    fallback_username: &str,
) -> Option<Secret> {
    let old = current.data.as_ref();
    let username = old
        .and_then(|d| d.get("username"))
        .filter(|u| !u.0.is_empty())
        .cloned()
        .unwrap_or_else(|| ByteString(fallback_username.as_bytes().to_vec()));
    let data = git_secret_data(old, username, auth);
    let annotated = current
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(CREDENTIAL_ANNOTATION))
        .is_some_and(|c| c == credential);
    if old == Some(&data) && annotated && current.string_data.is_none() {
        return None;
    }
    let mut next = current.clone();
    next.data = Some(data);
    next.string_data = None;
    next.metadata.managed_fields = None;
    set_provenance(&mut next, Some(credential));
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(data: &[(&str, &str)], annotation: Option<&str>) -> Secret {
        Secret {
            metadata: ObjectMeta {
                name: Some("flux-system".into()),
                namespace: Some("flux-system".into()),
                labels: Some(BTreeMap::from([("team".to_string(), "platform".to_string())])),
                annotations: annotation
                    .map(|a| BTreeMap::from([(CREDENTIAL_ANNOTATION.to_string(), a.to_string())])),
                ..Default::default()
            },
            data: Some(
                data.iter()
                    .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn keys(s: &Secret) -> Vec<(String, String)> {
        s.data
            .as_ref()
            .expect("data")
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(&v.0).into_owned()))
            .collect()
    }

    #[test]
    fn rotation_rebuilds_the_data_keeping_username_tls_and_labels() {
        let token = Token::new("ghp_new").expect("valid");
        let current = secret(
            &[
                ("username", "fleet-bot"),
                ("password", "ghp_old"),
                ("ca.crt", "PEM"),
                ("bearerToken", "stale"),
            ],
            Some("bot"),
        );
        let token = GitAuth::Token(token);
        let next = rotated_secret(&current, "bot", &token, "git").expect("changes");
        assert_eq!(
            keys(&next),
            [
                ("ca.crt".to_string(), "PEM".to_string()),
                ("password".to_string(), "ghp_new".to_string()),
                ("username".to_string(), "fleet-bot".to_string()),
            ]
        );
        assert_eq!(next.metadata.labels, current.metadata.labels);
        assert_eq!(
            rotated_secret(&next, "bot", &token, "git"),
            None,
            "already rotated"
        );
    }

    #[test]
    fn rotation_fills_a_missing_username_and_annotates_copies() {
        let token = Token::new("ghp_new").expect("valid");
        let token = GitAuth::Token(token);
        let copy = secret(&[("password", "ghp_old")], None);
        let next = rotated_secret(&copy, "bot", &token, "git").expect("changes");
        assert_eq!(keys(&next)[1], ("username".to_string(), "git".to_string()));
        assert_eq!(
            next.metadata.annotations.expect("annotations")[CREDENTIAL_ANNOTATION],
            "bot"
        );
    }

    /// A fresh RSA key from the real `openssl` (what GitHub generates is PKCS#1 PEM).
    fn app_key() -> AppKey {
        let out = std::process::Command::new("openssl")
            .args(["genrsa", "-traditional", "2048"])
            .output()
            .expect("openssl runs");
        assert!(out.status.success(), "openssl genrsa failed");
        AppKey::from_pem(&String::from_utf8(out.stdout).expect("PEM"), "test").expect("valid key")
    }

    #[test]
    fn a_pat_secret_becomes_an_app_secret_keeping_tls_and_nothing_else() {
        let key = app_key();
        let app = GitAuth::App(AppAuth {
            app_id: 12,
            installation_id: 34,
            base_url: Some("https://ghe.example.test/api/v3".into()),
            key: key.clone(),
        });
        let current = secret(
            &[("username", "git"), ("password", "ghp_old"), ("ca.crt", "PEM")],
            Some("fleet-pat"),
        );
        let next = rotated_secret(&current, "fleet-app", &app, "git").expect("changes");
        let names: Vec<String> = keys(&next).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            [
                "ca.crt",
                "githubAppBaseURL",
                "githubAppID",
                "githubAppInstallationID",
                "githubAppPrivateKey"
            ]
        );
        let data = next.data.as_ref().expect("data");
        assert_eq!(data["githubAppID"].0, b"12");
        assert_eq!(data["githubAppInstallationID"].0, b"34");
        assert_eq!(data["githubAppPrivateKey"].0, key.expose_pem().as_bytes());
        assert_eq!(
            next.metadata.annotations.as_ref().expect("annotated")[CREDENTIAL_ANNOTATION],
            "fleet-app"
        );
        assert!(app.carried_by(next.data.as_ref()));
        assert!(!GitAuth::Token(Token::new("ghp_old").expect("valid")).carried_by(next.data.as_ref()));
        assert_eq!(
            rotated_secret(&next, "fleet-app", &app, "git"),
            None,
            "already an App Secret"
        );
        // github.com: no base URL key, source-controller's default.
        let GitAuth::App(mut public) = app else {
            unreachable!()
        };
        public.base_url = None;
        assert!(
            !GitAuth::App(public)
                .keys(&ByteString(Vec::new()))
                .contains_key("githubAppBaseURL")
        );
    }

    #[test]
    fn dry_run_object_never_contains_the_token() {
        let s = GitSecret {
            name: "flux-apps".into(),
            namespace: "flux-system".into(),
            username: "git".into(),
            credential: Some("apps-bot".into()),
            labels: BTreeMap::from([(TENANT_LABEL.to_string(), "apps".to_string())]),
        };
        let obj = git_secret_object(&s);
        assert_eq!(obj["stringData"]["password"], "<redacted>");
        assert_eq!(obj["metadata"]["annotations"][CREDENTIAL_ANNOTATION], "apps-bot");
        assert_eq!(obj["metadata"]["labels"][TENANT_LABEL], "apps");
    }
}
