//! Where a token comes from: the OS keyring (by credential name), stdin, or an environment
//! variable. Never argv: a token on the command line lands in shell history and `ps` output.

use std::io::Read;

use super::{CredentialError, MetaStore, SecretStore, Token};

/// GitHub and GitLab ignore the basic-auth user of a PAT, but it must not be empty.
pub const DEFAULT_USERNAME: &str = "git";

/// A token read for writing into git Secrets, with what those Secrets need besides it: the
/// credential it came from (for the provenance annotation) and the basic-auth username stored with
/// that credential. Every command that writes a credential to a cluster resolves it this way, so
/// bootstrap, tenant and rotation agree on the username and the annotation.
#[derive(Clone, Debug)]
pub struct ResolvedToken {
    /// The token.
    pub token: Token,
    /// The keyring credential name, when it came from the keyring.
    pub credential: Option<String>,
    /// The git username stored with the credential (`kubectl fleet token set --username`).
    pub stored_username: Option<String>,
}

impl ResolvedToken {
    /// The basic-auth username: an explicit `--username`, else the credential's, else `git`.
    pub fn username(&self, explicit: Option<&str>) -> String {
        explicit
            .or(self.stored_username.as_deref())
            .unwrap_or(DEFAULT_USERNAME)
            .to_string()
    }
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
        if let (Some(name), Some(meta)) = (&credential, &stored)
            && meta.github_app.is_some()
        {
            // Its keyring value is a private key: written as a password it would be both useless
            // and a leak of the key into a Secret key Flux does not treat as a key.
            return Err(CredentialError::WrongKind {
                name: name.clone(),
                kind: "GitHub App",
                reason: "this command writes token (basic-auth) Secrets only; pass a token credential".into(),
            });
        }
        let stored_username = stored.map(|m| m.username);
        Ok(ResolvedToken {
            token: self.read(store)?,
            credential,
            stored_username,
        })
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
