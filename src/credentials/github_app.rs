//! GitHub App credentials: the App's private key, the JWT it signs, and the installation access
//! tokens GitHub mints with it.
//!
//! An App authenticates in two steps: a short-lived RS256 JWT signed with the App's private key
//! (`iss` = App ID) proves the App, and `POST /app/installations/{id}/access_tokens` trades it for
//! an installation token that lives one hour. Flux does the same in the cluster from the Secret
//! keys `githubAppID`, `githubAppInstallationID`, `githubAppPrivateKey` (and `githubAppBaseURL` for
//! GitHub Enterprise), so nothing stored here ever expires; `token check` does it once to prove the
//! key, the IDs and the repositories the installation can read.
//!
//! The key lives in memory inside an [`AppKey`] (redacted `Debug`, no `Display`); in the OS keyring
//! it is stored as the base64 of its PEM text, because keyring entries hold one whitespace-free
//! value (see [`AppKey::to_stored`]). Installation tokens are [`Token`]s and are never printed.
//! Signing and verifying use ring, PEM parsing rustls-pki-types: both already in the TLS stack.

use std::{collections::BTreeMap, path::Path, sync::Arc, time::Duration};

use base64::{Engine, engine::general_purpose::STANDARD, engine::general_purpose::URL_SAFE_NO_PAD};
use jiff::Timestamp;
use ring::{
    rand::SystemRandom,
    signature::{RSA_PKCS1_SHA256, RsaKeyPair},
};
use rustls_pki_types::pem::{PemObject, SectionKind};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    CredentialError, Token,
    provider::{ProviderError, TokenStatus, http_agent},
};
use crate::manifests::yaml;

/// The git username GitHub expects with an installation token.
pub const APP_GIT_USERNAME: &str = "x-access-token";

/// How far back `iat` is set, to absorb clock skew between us and GitHub (GitHub's advice).
const IAT_SKEW_SECONDS: i64 = 60;

/// How long a JWT is valid after its `iat`; GitHub refuses more than 10 minutes.
const JWT_LIFETIME_SECONDS: i64 = 9 * 60 + IAT_SKEW_SECONDS;

/// PEM files bigger than this are not keys (a 4096-bit RSA key is about 3.3 KiB).
const MAX_PEM_BYTES: usize = 64 * 1024;

/// The identifiers of an installed GitHub App, kept in the credential metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GithubApp {
    /// The App ID (the JWT's `iss`).
    pub app_id: u64,
    /// The installation of the App on the fleet's organisation or account.
    pub installation_id: u64,
}

/// An App's RSA private key, validated. `Debug` prints `AppKey(***)`.
#[derive(Clone)]
pub struct AppKey {
    pem: String,
    pair: Arc<RsaKeyPair>,
}

impl std::fmt::Debug for AppKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppKey(***)")
    }
}

impl AppKey {
    /// Parses and validates a PEM private key: an unencrypted RSA key, PKCS#1 (`RSA PRIVATE KEY`,
    /// what GitHub generates) or PKCS#8 (`PRIVATE KEY`). `origin` names where it came from (a file,
    /// stdin) in the error; the error never contains key material.
    pub fn from_pem(text: &str, origin: &str) -> Result<Self, CredentialError> {
        let invalid = |reason: &str| CredentialError::InvalidPrivateKey {
            origin: origin.to_string(),
            reason: reason.to_string(),
        };
        if text.len() > MAX_PEM_BYTES {
            return Err(invalid("it is larger than any RSA private key (over 64 KiB)"));
        }
        if text.contains("ENCRYPTED") {
            return Err(invalid(
                "it is encrypted with a passphrase; use the unencrypted .pem GitHub generated for the App",
            ));
        }
        let mut seen = Vec::new();
        for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(text.as_bytes()) {
            let (kind, der) =
                section.map_err(|_| invalid("it is not valid PEM (a damaged or truncated file?)"))?;
            let pair = match kind {
                SectionKind::RsaPrivateKey => RsaKeyPair::from_der(&der),
                SectionKind::PrivateKey => RsaKeyPair::from_pkcs8(&der),
                SectionKind::EcPrivateKey => {
                    return Err(invalid(
                        "it is an EC private key; GitHub App keys are RSA (-----BEGIN RSA PRIVATE KEY-----)",
                    ));
                }
                other => {
                    seen.push(other);
                    continue;
                }
            };
            let pair = pair.map_err(|e| {
                let reason = match e.to_string().as_str() {
                    "InvalidComponent" | "InvalidEncoding" | "WrongAlgorithm"
                        if kind == SectionKind::PrivateKey =>
                    {
                        "it is not an RSA private key (PKCS#8 of another algorithm, or damaged)".to_string()
                    }
                    "TooSmall" => "the RSA key is smaller than 2048 bits".to_string(),
                    "TooLarge" => "the RSA key is larger than 8192 bits".to_string(),
                    other => format!("it is not a usable RSA private key ({other})"),
                };
                invalid(&reason)
            })?;
            return Ok(AppKey {
                pem: text.trim().to_string(),
                pair: Arc::new(pair),
            });
        }
        if seen.is_empty() {
            Err(invalid(
                "no PEM private key in it (expected -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----)",
            ))
        } else {
            Err(invalid(
                "it holds a public key or certificate, not the App's private key",
            ))
        }
    }

    /// Reads and validates a key file.
    pub fn from_file(path: &Path) -> Result<Self, CredentialError> {
        let origin = format!("file '{}'", path.display());
        let bytes = std::fs::read(path).map_err(|source| CredentialError::Io {
            action: "read the private key file",
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| CredentialError::InvalidPrivateKey {
            origin: origin.clone(),
            reason: "it is not text (a DER file? GitHub App keys are PEM)".into(),
        })?;
        AppKey::from_pem(&text, &origin)
    }

    /// The PEM text, for the Secret's `githubAppPrivateKey` only.
    pub fn expose_pem(&self) -> &str {
        &self.pem
    }

    /// The DER `RSAPublicKey` (PKCS#1) of the key: what GitHub verifies JWTs with.
    pub fn public_key_der(&self) -> Vec<u8> {
        use ring::signature::KeyPair;
        self.pair.public_key().as_ref().to_vec()
    }

    /// The keyring value: base64 of the PEM text (one whitespace-free string).
    pub fn to_stored(&self) -> Result<Token, CredentialError> {
        Token::new(STANDARD.encode(self.pem.as_bytes()))
    }

    /// The key back from its keyring value; `name` is the credential, for the error.
    pub fn from_stored(name: &str, stored: &Token) -> Result<Self, CredentialError> {
        let origin = format!("the OS keyring entry of credential '{name}'");
        let text = STANDARD
            .decode(stored.expose())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| CredentialError::InvalidPrivateKey {
                origin: origin.clone(),
                reason: "it does not hold a GitHub App key (store it again with 'kubectl fleet token set --github-app --force')"
                    .into(),
            })?;
        AppKey::from_pem(&text, &origin)
    }

    /// The App's JWT at `now`: RS256, `iat` 60 s in the past, `exp` 9 minutes after now (GitHub
    /// allows at most 10), `iss` the App ID.
    pub fn jwt(&self, app_id: u64, now: Timestamp) -> Result<String, CredentialError> {
        let iat = now.as_second() - IAT_SKEW_SECONDS;
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT"}).to_string());
        let claims = URL_SAFE_NO_PAD.encode(
            json!({"iat": iat, "exp": iat + JWT_LIFETIME_SECONDS, "iss": app_id.to_string()}).to_string(),
        );
        let signing_input = format!("{header}.{claims}");
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| CredentialError::InvalidPrivateKey {
                origin: format!("App {app_id}"),
                reason: "signing the JWT with it failed".into(),
            })?;
        Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

/// An installation access token GitHub minted; `Debug` never shows the token.
#[derive(Clone, Debug)]
pub struct InstallationToken {
    /// The token (user `x-access-token` for git).
    pub token: Token,
    /// When GitHub will stop accepting it.
    pub expires_at: Option<Timestamp>,
    /// Permissions granted (`contents` → `read`).
    pub permissions: BTreeMap<String, String>,
    /// `all` or `selected` repositories.
    pub repository_selection: Option<String>,
}

/// What `token check` learns about an App.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppCheck {
    /// The verdict; a valid App reports its permissions as scopes (`contents:read`).
    pub status: TokenStatus,
    /// `owner/name` of every repository the installation can read (empty when invalid).
    pub repositories: Vec<String>,
}

/// The default GitHub API; Enterprise Server is `https://HOST/api/v3`.
pub const GITHUB_API: &str = "https://api.github.com";

/// Mints an installation token with the App's JWT. A 401 (bad JWT: wrong key or App ID) or 404
/// (no such installation of this App) is a verdict, returned as `Ok(Err(reason))`.
pub fn mint_installation_token(
    api_url: &str,
    app: GithubApp,
    key: &AppKey,
    timeout: Duration,
) -> Result<Result<InstallationToken, String>, ProviderError> {
    let base = api_url.trim_end_matches('/');
    let url = format!("{base}/app/installations/{}/access_tokens", app.installation_id);
    let jwt = key
        .jwt(app.app_id, Timestamp::now())
        .map_err(|e| ProviderError::Unexpected {
            url: url.clone(),
            status: 0,
            message: e.to_string(),
        })?;
    let mut response = http_agent(&url, timeout)
        .post(&url)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .header("Authorization", &format!("Bearer {jwt}"))
        .send_empty()
        .map_err(|source| ProviderError::Unreachable {
            url: url.clone(),
            source: Box::new(source),
        })?;
    let status = response.status().as_u16();
    let json = read_json(&mut response);
    let message = || github_message(json.as_ref(), status);
    match status {
        201 | 200 => {
            let token = json
                .as_ref()
                .and_then(|j| j.get("token"))
                .and_then(Value::as_str)
                .and_then(|t| Token::new(t).ok())
                .ok_or_else(|| ProviderError::Unexpected {
                    url: url.clone(),
                    status,
                    message: "the answer has no 'token': is the API URL right (GitHub Enterprise: https://HOST/api/v3)?".into(),
                })?;
            let field = |k: &str| json.as_ref().and_then(|j| j.get(k));
            let expires_at = field("expires_at")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Timestamp>().ok());
            let permissions = field("permissions")
                .and_then(Value::as_object)
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            let repository_selection = field("repository_selection")
                .and_then(Value::as_str)
                .map(str::to_string);
            Ok(Ok(InstallationToken {
                token,
                expires_at,
                permissions,
                repository_selection,
            }))
        }
        401 => Ok(Err(format!(
            "GitHub refused the App's JWT (401: {}): is the App ID {} right, and the key one of the App's private keys?",
            message(),
            app.app_id
        ))),
        404 => Ok(Err(format!(
            "App {} has no installation {} (404: {})",
            app.app_id,
            app.installation_id,
            message()
        ))),
        _ => Err(ProviderError::Unexpected {
            url,
            status,
            message: message(),
        }),
    }
}

/// Every repository an installation token can read (`owner/name`), following the pages.
pub fn installation_repositories(
    api_url: &str,
    token: &Token,
    timeout: Duration,
) -> Result<Vec<String>, ProviderError> {
    let base = api_url.trim_end_matches('/');
    let mut out = Vec::new();
    // 100 pages of 100 is far beyond any fleet; the bound keeps a misbehaving server finite.
    for page in 1..=100 {
        let url = format!("{base}/installation/repositories?per_page=100&page={page}");
        let mut response = http_agent(&url, timeout)
            .get(&url)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("Authorization", &format!("token {}", token.expose()))
            .call()
            .map_err(|source| ProviderError::Unreachable {
                url: url.clone(),
                source: Box::new(source),
            })?;
        let status = response.status().as_u16();
        let json = read_json(&mut response);
        if status != 200 {
            return Err(ProviderError::Unexpected {
                message: github_message(json.as_ref(), status),
                url,
                status,
            });
        }
        let total = json
            .as_ref()
            .and_then(|j| j.get("total_count"))
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let repos = json
            .as_ref()
            .and_then(|j| j.get("repositories"))
            .and_then(Value::as_array)
            .ok_or_else(|| ProviderError::Unexpected {
                url: url.clone(),
                status,
                message: "the answer has no 'repositories'".into(),
            })?;
        let before = out.len();
        out.extend(
            repos
                .iter()
                .filter_map(|r| r.get("full_name").and_then(Value::as_str))
                .map(str::to_string),
        );
        if out.len() == before || out.len() as u64 >= total {
            break;
        }
    }
    out.sort();
    Ok(out)
}

/// Mints an installation token and lists the installation's repositories, on a blocking thread.
/// The installation token is dropped here: it never leaves this function.
pub async fn check_app(
    api_url: &str,
    app: GithubApp,
    key: &AppKey,
    timeout: Duration,
) -> Result<AppCheck, ProviderError> {
    let (api, key) = (api_url.to_string(), key.clone());
    let url = format!(
        "{api_url}/app/installations/{}/access_tokens",
        app.installation_id
    );
    let joined = tokio::task::spawn_blocking(move || check_app_blocking(&api, app, &key, timeout)).await;
    joined.unwrap_or_else(|e| {
        Err(ProviderError::Unexpected {
            url,
            status: 0,
            message: format!("the check was interrupted: {e}"),
        })
    })
}

fn check_app_blocking(
    api_url: &str,
    app: GithubApp,
    key: &AppKey,
    timeout: Duration,
) -> Result<AppCheck, ProviderError> {
    let minted = match mint_installation_token(api_url, app, key, timeout)? {
        Ok(t) => t,
        Err(reason) => {
            return Ok(AppCheck {
                status: TokenStatus::Invalid { reason },
                repositories: Vec::new(),
            });
        }
    };
    let repositories = installation_repositories(api_url, &minted.token, timeout)?;
    let mut scopes: Vec<String> = minted
        .permissions
        .iter()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect();
    scopes.sort();
    Ok(AppCheck {
        status: TokenStatus::Valid {
            identity: Some(format!(
                "App {} installation {}{}",
                app.app_id,
                app.installation_id,
                minted
                    .repository_selection
                    .map(|s| format!(" ({s} repositories)"))
                    .unwrap_or_default()
            )),
            // An App credential does not expire; its installation tokens are minted as needed.
            expires: None,
            scopes: Some(scopes),
        },
        repositories,
    })
}

fn read_json(response: &mut ureq::http::Response<ureq::Body>) -> Option<Value> {
    let body = response
        .body_mut()
        .with_config()
        .limit(4 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    serde_json::from_str(&body).ok()
}

fn github_message(json: Option<&Value>, status: u16) -> String {
    json.and_then(|j| j.get("message"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("HTTP {status}"))
}

/// The git host of a GitHub API URL: `api.github.com` serves `github.com`; Enterprise serves git
/// and `/api/v3` on the same host.
pub fn git_host(api_url: &str) -> String {
    let rest = api_url.split_once("://").map(|(_, r)| r).unwrap_or(api_url);
    let host = rest.split(['/', ':']).next().unwrap_or(rest);
    match host {
        "api.github.com" => "github.com".to_string(),
        h => h.to_string(),
    }
}

/// `owner/name` of a git URL on `host` (`https://HOST/owner/name(.git)`, `ssh://git@HOST/…`,
/// `git@HOST:owner/name.git`), ignoring ports and letter case of the host.
pub fn repository_of(url: &str, host: &str) -> Option<String> {
    let (authority, path) = if let Some((_, rest)) = url.split_once("://") {
        rest.split_once('/')?
    } else {
        // scp-like: git@host:owner/name.git
        url.split_once(':')?
    };
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let url_host = authority.split(':').next().unwrap_or(authority);
    if !url_host.eq_ignore_ascii_case(host) {
        return None;
    }
    let mut parts = path.trim_matches('/').split('/');
    let (owner, name) = (parts.next()?, parts.next()?);
    let name = name.strip_suffix(".git").unwrap_or(name);
    (!owner.is_empty() && !name.is_empty()).then(|| format!("{owner}/{name}"))
}

/// The repositories on `host` a fleet checkout syncs from: every FluxInstance `spec.sync.url` and
/// GitRepository `spec.url` in its YAML files (`.git` and hidden directories skipped). Files that
/// are not Kubernetes YAML are ignored: the checkout holds more than manifests.
pub fn fleet_repositories(root: &Path, host: &str) -> Result<Vec<String>, CredentialError> {
    let mut out = std::collections::BTreeSet::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| CredentialError::Io {
            action: "read the fleet repository directory",
            path: dir.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if path.is_dir() {
                if !hidden {
                    dirs.push(path);
                }
                continue;
            }
            let yamlish = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
            if hidden || !yamlish {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(objects) = yaml::objects_from_multi_doc(&text, &path.display().to_string()) else {
                continue;
            };
            for o in objects {
                let url = match o.get("kind").and_then(Value::as_str) {
                    Some("FluxInstance") => o.pointer("/spec/sync/url"),
                    Some("GitRepository") => o.pointer("/spec/url"),
                    _ => None,
                };
                if let Some(repo) = url.and_then(Value::as_str).and_then(|u| repository_of(u, host)) {
                    out.insert(repo);
                }
            }
        }
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_problems_are_named_without_key_material() {
        let cases = [
            ("hello", "no PEM private key"),
            (
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
                "encrypted",
            ),
            (
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n",
                "EC private key",
            ),
            (
                "-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----\n",
                "public key",
            ),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAxyz\n-----END RSA PRIVATE KEY-----\n",
                "RSA",
            ),
            (
                "-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n",
                "PEM",
            ),
        ];
        for (text, expected) in cases {
            let err = AppKey::from_pem(text, "file 'k.pem'").unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.contains("file 'k.pem'") && msg.contains(expected),
                "{text:?}: {msg}"
            );
            assert!(!msg.contains("MII") && !msg.contains("MHc"), "{msg}");
            assert_eq!(err.exit_status(), crate::exit::ExitStatus::Usage);
        }
    }

    #[test]
    fn git_hosts_and_repositories() {
        assert_eq!(git_host("https://api.github.com"), "github.com");
        assert_eq!(git_host("https://ghe.example.com/api/v3"), "ghe.example.com");
        assert_eq!(git_host("http://127.0.0.1:8080/api/v3"), "127.0.0.1");
        let host = "github.com";
        for url in [
            "https://github.com/acme/fleet.git",
            "https://github.com/acme/fleet",
            "ssh://git@github.com/acme/fleet.git",
            "git@github.com:acme/fleet.git",
            "https://GitHub.com/acme/fleet/",
        ] {
            assert_eq!(repository_of(url, host).as_deref(), Some("acme/fleet"), "{url}");
        }
        assert_eq!(repository_of("https://gitlab.com/acme/fleet.git", host), None);
        assert_eq!(repository_of("https://github.com/acme", host), None);
    }

    #[test]
    fn fleet_repositories_come_from_sync_urls_and_git_repositories() {
        let dir = tempfile::tempdir().expect("tmp");
        let sub = dir.path().join("clusters/staging/flux-system");
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(
            sub.join("flux-instance.yaml"),
            "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\nspec:\n  sync:\n    url: https://github.com/acme/d1-fleet.git\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("apps.yml"),
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: apps\nspec:\n  url: https://github.com/acme/d1-apps\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: other\nspec:\n  url: https://gitlab.com/acme/x.git\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("README.yaml"), ": not: yaml: [").expect("write");
        let repos = fleet_repositories(dir.path(), "github.com").expect("scan");
        assert_eq!(repos, ["acme/d1-apps", "acme/d1-fleet"]);
    }
}
