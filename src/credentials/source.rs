//! Where a token comes from: the OS keyring (by credential name), stdin, or an environment
//! variable. Never argv: a token on the command line lands in shell history and `ps` output.

use std::io::Read;

use serde_json::{Value, json};

use super::{
    AppAuth, CredentialError, CredentialMeta, GitAuth, GitSecret, MetaStore, SecretStore, Token,
    git_secret_object,
    github_app::{AppKey, GITHUB_API},
};

/// GitHub and GitLab ignore the basic-auth user of a PAT, but it must not be empty.
pub const DEFAULT_USERNAME: &str = "git";

/// A credential read for writing into git Secrets, with what those Secrets need besides it: the
/// credential it came from (for the provenance annotation) and the basic-auth username stored with
/// that credential. Every command that writes a credential to a cluster resolves it this way, so
/// bootstrap, tenant and rotation agree on the username, the annotation and the Secret's form (a
/// token's `username`/`password`, or a GitHub App's `githubApp*` keys).
#[derive(Clone, Debug)]
pub struct ResolvedToken {
    /// What the Secrets authenticate with.
    pub auth: GitAuth,
    /// The keyring credential name, when it came from the keyring.
    pub credential: Option<String>,
    /// The git username stored with the credential (`kubectl fleet token set --username`).
    pub stored_username: Option<String>,
}

impl ResolvedToken {
    /// The basic-auth username: an explicit `--username`, else the credential's, else `git`.
    /// (An App Secret has none: [`ResolvedToken::check_username`] refuses `--username` for it.)
    pub fn username(&self, explicit: Option<&str>) -> String {
        explicit
            .or(self.stored_username.as_deref())
            .unwrap_or(DEFAULT_USERNAME)
            .to_string()
    }

    /// Whether the Secrets get the GitHub App form.
    pub fn is_app(&self) -> bool {
        matches!(self.auth, GitAuth::App(_))
    }

    /// Refuses an explicit `--username` for an App: its Secret has no basic-auth user
    /// (source-controller mints `x-access-token` tokens itself), so the flag would be ignored.
    pub fn check_username(&self, explicit: Option<&str>) -> Result<(), CredentialError> {
        match (&self.auth, explicit, &self.credential) {
            (GitAuth::App(_), Some(_), Some(name)) => Err(username_with_app(name)),
            _ => Ok(()),
        }
    }

    /// The Secret as `--dry-run` prints it, the secret value redacted.
    pub fn secret_object(&self, secret: &GitSecret) -> Value {
        redacted_secret_object(secret, &AuthShape::of(&self.auth))
    }
}

/// `--username` given with GitHub App credential `name` (a usage error).
pub fn username_with_app(name: &str) -> CredentialError {
    CredentialError::WrongKind {
        name: name.to_string(),
        kind: "GitHub App",
        reason: "--username applies to token Secrets only; an App Secret has no username \
                 (source-controller authenticates as x-access-token with the tokens it mints)"
            .into(),
    }
}

/// The form of a git Secret without its secret value: what `--dry-run` shows, known from the
/// credential's metadata alone (no keyring access).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthShape {
    /// `username` + `password`.
    Token,
    /// `githubAppID`, `githubAppInstallationID`, `githubAppPrivateKey`, optional
    /// `githubAppBaseURL`.
    App {
        /// The App ID.
        app_id: u64,
        /// The installation ID.
        installation_id: u64,
        /// The Enterprise API URL (None for github.com).
        base_url: Option<String>,
    },
}

impl AuthShape {
    /// The shape of a resolved credential.
    pub fn of(auth: &GitAuth) -> Self {
        match auth {
            GitAuth::Token(_) => AuthShape::Token,
            GitAuth::App(a) => AuthShape::App {
                app_id: a.app_id,
                installation_id: a.installation_id,
                base_url: a.base_url.clone(),
            },
        }
    }

    /// The shape of a stored credential, from its metadata.
    pub fn of_meta(meta: &CredentialMeta) -> Self {
        match meta.github_app {
            None => AuthShape::Token,
            Some(app) => AuthShape::App {
                app_id: app.app_id,
                installation_id: app.installation_id,
                base_url: app_base_url(&meta.api_url),
            },
        }
    }
}

/// `githubAppBaseURL` for an API URL: none for github.com (source-controller's default), else
/// the URL as stored (`https://HOST/api/v3` for Enterprise).
pub fn app_base_url(api_url: &str) -> Option<String> {
    let url = api_url.trim_end_matches('/');
    (url != GITHUB_API).then(|| url.to_string())
}

/// A git Secret as a manifest with its secret value replaced by `<redacted>`, in the form `shape`
/// gives it (for `--dry-run`).
pub fn redacted_secret_object(secret: &GitSecret, shape: &AuthShape) -> Value {
    let mut obj = git_secret_object(secret);
    if let AuthShape::App {
        app_id,
        installation_id,
        base_url,
    } = shape
    {
        let mut data = json!({
            "githubAppID": app_id.to_string(),
            "githubAppInstallationID": installation_id.to_string(),
            "githubAppPrivateKey": "<redacted>",
        });
        if let Some(url) = base_url {
            data["githubAppBaseURL"] = json!(url);
        }
        obj["stringData"] = data;
    }
    obj
}

/// How a command obtains a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// A credential stored with `kubectl fleet token set NAME`.
    Keyring(String),
    /// Standard input (`--token-stdin`), read to the end.
    Stdin,
    /// An environment variable (`--token-env VAR`).
    Env(String),
}

impl TokenSource {
    /// The credential name Secrets written from this source are annotated with, so a later
    /// `token rotate NAME` finds them. Only keyring credentials have one.
    pub fn credential_name(&self) -> Option<&str> {
        match self {
            TokenSource::Keyring(name) => Some(name),
            _ => None,
        }
    }

    /// Human description for status lines (never the value).
    pub fn describe(&self) -> String {
        match self {
            TokenSource::Keyring(name) => format!("credential '{name}' from the OS keyring"),
            TokenSource::Stdin => "token from stdin".to_string(),
            TokenSource::Env(var) => format!("token from ${var}"),
        }
    }

    /// Reads the token. Keyring lookups go through `store`.
    pub fn read(&self, store: &dyn SecretStore) -> Result<Token, CredentialError> {
        match self {
            TokenSource::Keyring(name) => store
                .get(name)?
                .ok_or_else(|| CredentialError::NotFound { name: name.clone() }),
            TokenSource::Stdin => read_token_from(std::io::stdin().lock()),
            TokenSource::Env(var) => match std::env::var(var) {
                Ok(v) => Token::new(v),
                Err(_) => Err(CredentialError::EnvUnset { var: var.clone() }),
            },
        }
    }
}

impl TokenSource {
    /// Reads the token and what the Secrets written from it need (see [`ResolvedToken`]). The
    /// stored username is looked up in `metas`; an unreadable index only loses that default.
    pub fn resolve(
        &self,
        store: &dyn SecretStore,
        metas: Option<&MetaStore>,
    ) -> Result<ResolvedToken, CredentialError> {
        let credential = self.credential_name().map(str::to_string);
        let stored = match (&credential, metas) {
            (Some(name), Some(metas)) => metas.get(name).ok().flatten(),
            _ => None,
        };
        let value = self.read(store)?;
        if let (Some(name), Some(meta)) = (&credential, &stored)
            && let Some(app) = meta.github_app
        {
            // Its keyring value is the App's private key: it goes into githubAppPrivateKey, never
            // into a password.
            return Ok(ResolvedToken {
                auth: GitAuth::App(AppAuth {
                    app_id: app.app_id,
                    installation_id: app.installation_id,
                    base_url: app_base_url(&meta.api_url),
                    key: AppKey::from_stored(name, &value)?,
                }),
                credential,
                stored_username: None,
            });
        }
        if let Some(name) = &credential
            && AppKey::from_stored(name, &value).is_ok()
        {
            // A GitHub App key whose IDs the (unreadable or missing) index does not give: written
            // as a password it would leak the key into a Secret key Flux does not treat as one.
            return Err(CredentialError::WrongKind {
                name: name.clone(),
                kind: "GitHub App",
                reason: "the keyring holds an App private key, but the credential index does not say \
                         which App and installation; store it again with 'kubectl fleet token set NAME \
                         --github-app --force'"
                    .into(),
            });
        }
        Ok(ResolvedToken {
            auth: GitAuth::Token(value),
            credential,
            stored_username: stored.map(|m| m.username),
        })
    }

    /// The form the Secrets written from this source take, from the metadata only (for
    /// `--dry-run`, which reads no secret). Stdin and environment sources are tokens.
    pub fn shape(&self, metas: Option<&MetaStore>) -> AuthShape {
        match (self.credential_name(), metas) {
            (Some(name), Some(metas)) => metas
                .get(name)
                .ok()
                .flatten()
                .map(|m| AuthShape::of_meta(&m))
                .unwrap_or(AuthShape::Token),
            _ => AuthShape::Token,
        }
    }
}

/// Reads a token from a reader (stdin), to the end.
pub fn read_token_from(mut reader: impl Read) -> Result<Token, CredentialError> {
    let mut buf = String::new();
    reader.read_to_string(&mut buf).map_err(CredentialError::Stdin)?;
    Token::new(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MemoryStore;

    #[test]
    fn keyring_source_reads_the_store() {
        let store = MemoryStore::default();
        store
            .set("fleet-bot", &Token::new("ghp_x").expect("valid"))
            .expect("set");
        let t = TokenSource::Keyring("fleet-bot".into())
            .read(&store)
            .expect("found");
        assert_eq!(t.expose(), "ghp_x");
        let err = TokenSource::Keyring("nope".into()).read(&store).unwrap_err();
        assert!(err.to_string().contains("kubectl fleet token set nope"));
    }

    #[test]
    fn resolving_finds_the_stored_username() {
        let dir = tempfile::tempdir().expect("temp dir");
        let metas = MetaStore::at(dir.path());
        metas
            .update(|index| {
                index.credentials.insert(
                    "fleet-bot".into(),
                    crate::credentials::CredentialMeta::new(
                        crate::credentials::Provider::Github,
                        "https://api.github.com",
                        "x-access-token",
                        jiff::Timestamp::now(),
                    ),
                );
                Ok(())
            })
            .expect("saved");
        let store = MemoryStore::default();
        store
            .set("fleet-bot", &Token::new("ghp_x").expect("valid"))
            .expect("set");
        let resolved = TokenSource::Keyring("fleet-bot".into())
            .resolve(&store, Some(&metas))
            .expect("resolved");
        assert_eq!(resolved.credential.as_deref(), Some("fleet-bot"));
        assert_eq!(resolved.username(None), "x-access-token");
        assert_eq!(resolved.username(Some("bot")), "bot");
        let unknown = ResolvedToken {
            stored_username: None,
            ..resolved
        };
        assert_eq!(unknown.username(None), DEFAULT_USERNAME);
    }

    #[test]
    fn an_app_credential_resolves_to_the_app_form() {
        let dir = tempfile::tempdir().expect("temp dir");
        let metas = MetaStore::at(dir.path());
        let key_pem = std::process::Command::new("openssl")
            .args(["genrsa", "2048"])
            .output()
            .expect("openssl runs")
            .stdout;
        let key = AppKey::from_pem(&String::from_utf8(key_pem).expect("pem"), "test").expect("key");
        for (name, api) in [
            ("gh-app", GITHUB_API),
            ("ghe-app", "https://ghe.example.com/api/v3/"),
        ] {
            metas
                .update(|index| {
                    let mut meta = CredentialMeta::new(
                        crate::credentials::Provider::Github,
                        api,
                        "x-access-token",
                        jiff::Timestamp::now(),
                    );
                    meta.github_app = Some(crate::credentials::github_app::GithubApp {
                        app_id: 7,
                        installation_id: 9,
                    });
                    index.credentials.insert(name.into(), meta);
                    Ok(())
                })
                .expect("saved");
        }
        let store = MemoryStore::default();
        store
            .set("gh-app", &key.to_stored().expect("stored"))
            .expect("set");
        store
            .set("ghe-app", &key.to_stored().expect("stored"))
            .expect("set");
        let resolved = TokenSource::Keyring("gh-app".into())
            .resolve(&store, Some(&metas))
            .expect("resolved");
        let GitAuth::App(app) = &resolved.auth else {
            panic!("not an App: {resolved:?}")
        };
        assert_eq!(
            (app.app_id, app.installation_id, app.base_url.as_deref()),
            (7, 9, None)
        );
        assert!(resolved.is_app());
        assert!(resolved.check_username(None).is_ok());
        let err = resolved.check_username(Some("bot")).unwrap_err();
        assert_eq!(err.exit_status(), crate::ExitStatus::Usage);
        assert!(
            err.to_string()
                .contains("--username applies to token Secrets only"),
            "{err}"
        );

        let ghe = TokenSource::Keyring("ghe-app".into())
            .resolve(&store, Some(&metas))
            .expect("resolved");
        assert!(
            matches!(&ghe.auth, GitAuth::App(a) if a.base_url.as_deref() == Some("https://ghe.example.com/api/v3"))
        );
        assert_eq!(
            TokenSource::Keyring("ghe-app".into()).shape(Some(&metas)),
            AuthShape::App {
                app_id: 7,
                installation_id: 9,
                base_url: Some("https://ghe.example.com/api/v3".into())
            }
        );
        // --dry-run: the App form, the key redacted.
        let secret = GitSecret::sync("flux-system", "flux-system", "git".into(), Some("ghe-app".into()));
        let obj = ghe.secret_object(&secret);
        assert_eq!(
            obj["stringData"],
            serde_json::json!({"githubAppID": "7", "githubAppInstallationID": "9",
                "githubAppPrivateKey": "<redacted>", "githubAppBaseURL": "https://ghe.example.com/api/v3"})
        );
        assert!(
            !obj.to_string()
                .contains(key.expose_pem().lines().nth(1).expect("a body line"))
        );
        // Stdin and environment sources stay tokens.
        assert_eq!(TokenSource::Stdin.shape(Some(&metas)), AuthShape::Token);
    }

    #[test]
    fn reads_from_a_reader() {
        assert_eq!(read_token_from(&b"ghp_y\n"[..]).expect("valid").expose(), "ghp_y");
        assert!(read_token_from(&b""[..]).is_err());
    }

    #[test]
    fn missing_env_var_is_named() {
        let err = TokenSource::Env("FLEET_TEST_SURELY_UNSET_VAR".into())
            .read(&MemoryStore::default())
            .unwrap_err();
        assert!(err.to_string().contains("FLEET_TEST_SURELY_UNSET_VAR"));
    }
}
