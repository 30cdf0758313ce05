//! Where a token comes from: the OS keyring (by credential name), stdin, or an environment
//! variable. Never argv: a token on the command line lands in shell history and `ps` output.

use std::io::Read;

use super::{CredentialError, SecretStore, Token};

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
