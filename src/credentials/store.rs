//! The credential store: the OS keyring through keyring-core with an explicitly selected platform
//! store (Keychain, Windows Credential Manager, Secret Service), and an in-memory store for unit
//! tests. There is deliberately no plaintext fallback.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock, mpsc},
    time::Duration,
};

use keyring_core::{CredentialStore, Entry};

use super::{CredentialError, Token};

/// The keyring service every credential is stored under; the credential name is the user.
pub const KEYRING_SERVICE: &str = "kubectl-fleet";

/// Keyring calls are bounded: a locked Secret Service collection can wait forever on a prompt.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(10);

/// A place to keep tokens by name.
pub trait SecretStore: Send + Sync {
    /// The token stored under `name`, if any.
    fn get(&self, name: &str) -> Result<Option<Token>, CredentialError>;
    /// Stores (or replaces) the token under `name`.
    fn set(&self, name: &str, token: &Token) -> Result<(), CredentialError>;
    /// Deletes `name`; returns whether it existed.
    fn delete(&self, name: &str) -> Result<bool, CredentialError>;
    /// Fails when the store cannot be used now (the OS keyring cannot be opened), so a command
    /// can stop before asking for a token it could not keep.
    fn ready(&self) -> Result<(), CredentialError> {
        Ok(())
    }
}

/// Credential names are keyring user names and appear in annotations: keep them simple.
pub fn validate_name(name: &str) -> Result<(), CredentialError> {
    crate::repo::names::dns_subdomain_max("credential name", name, 63).map_err(|e| {
        CredentialError::InvalidName {
            name: name.to_string(),
            reason: e.reason,
        }
    })
}

/// In-memory store, for unit tests only.
#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<HashMap<String, Token>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<Token>, CredentialError> {
        Ok(self.items.lock().ok().and_then(|m| m.get(name).cloned()))
    }

    fn set(&self, name: &str, token: &Token) -> Result<(), CredentialError> {
        if let Ok(mut m) = self.items.lock() {
            m.insert(name.to_string(), token.clone());
        }
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<bool, CredentialError> {
        Ok(self.items.lock().ok().and_then(|mut m| m.remove(name)).is_some())
    }
}

/// The OS keyring.
pub struct KeyringStore {
    store: Arc<CredentialStore>,
}

impl KeyringStore {
    /// Opens the platform's keyring, selected explicitly (never a silent mock fallback).
    /// Connecting is bounded too: a D-Bus session bus that accepts but never answers must not hang
    /// the command.
    pub fn open() -> Result<Self, CredentialError> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(platform_store());
        });
        let store = rx
            .recv_timeout(KEYRING_TIMEOUT)
            .map_err(|_| CredentialError::KeyringUnavailable {
                reason: format!(
                    "the OS keyring did not answer within {}s",
                    KEYRING_TIMEOUT.as_secs()
                ),
            })?
            .map_err(|e| CredentialError::KeyringUnavailable {
                reason: unavailable_reason(&e),
            })?;
        Ok(KeyringStore { store })
    }

    /// Wraps an already built store (tests use keyring-core's mock store to inject errors).
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        KeyringStore { store }
    }

    fn entry(&self, name: &str) -> Result<Entry, CredentialError> {
        self.store
            .build(KEYRING_SERVICE, name, None)
            .map_err(|source| CredentialError::Keyring {
                action: "open",
                name: name.to_string(),
                source,
            })
    }

    /// Runs a keyring call on its own thread with a timeout, because Secret Service calls can block
    /// indefinitely (a locked collection waiting for an unlock prompt).
    fn bounded<T: Send + 'static>(
        &self,
        action: &'static str,
        name: &str,
        call: impl FnOnce(Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<keyring_core::Result<T>, CredentialError> {
        let entry = self.entry(name)?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(call(entry));
        });
        rx.recv_timeout(KEYRING_TIMEOUT)
            .map_err(|_| CredentialError::KeyringTimeout {
                action,
                name: name.to_string(),
                seconds: KEYRING_TIMEOUT.as_secs(),
            })
    }
}

/// Why the platform store cannot be opened, with what to do about it on this platform.
fn unavailable_reason(e: &keyring_core::Error) -> String {
    let hint = if cfg!(target_os = "linux") {
        "; on Linux a Secret Service (gnome-keyring, KeePassXC) must run in the D-Bus session \
         ($DBUS_SESSION_BUS_ADDRESS) with an unlocked collection"
    } else {
        ""
    };
    format!("{e}{hint}")
}

fn classify(action: &'static str, name: &str, source: keyring_core::Error) -> CredentialError {
    match source {
        keyring_core::Error::NoStorageAccess(e) => CredentialError::KeyringUnavailable {
            reason: format!("the keyring is locked or inaccessible: {e}"),
        },
        keyring_core::Error::NoDefaultStore => CredentialError::KeyringUnavailable {
            reason: "no credential store is configured".into(),
        },
        source => CredentialError::Keyring {
            action,
            name: name.to_string(),
            source,
        },
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<Token>, CredentialError> {
        match self.bounded("read", name, |e| e.get_password())? {
            Ok(value) => Token::new(value).map(Some),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify("read", name, e)),
        }
    }

    fn set(&self, name: &str, token: &Token) -> Result<(), CredentialError> {
        let value = token.expose().to_string();
        self.bounded("store", name, move |e| e.set_password(&value))?
            .map_err(|e| classify("store", name, e))
    }

    fn delete(&self, name: &str) -> Result<bool, CredentialError> {
        match self.bounded("delete", name, |e| e.delete_credential())? {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(classify("delete", name, e)),
        }
    }
}

/// The OS keyring, opened on first use. Commands hand it to their operation unopened, so one that
/// fails on its arguments or its metadata (an unknown name, an unfinished rotation) says so without
/// waiting for a keyring, and one that needs no token never opens it. A failed opening is kept:
/// every later call reports the same unavailability at once instead of waiting again.
#[derive(Default)]
pub struct LazyKeyring {
    store: OnceLock<Result<KeyringStore, String>>,
}

impl LazyKeyring {
    /// A keyring that is not opened yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn open(&self) -> Result<&KeyringStore, CredentialError> {
        let opened = self.store.get_or_init(|| {
            KeyringStore::open().map_err(|e| match e {
                CredentialError::KeyringUnavailable { reason } => reason,
                other => other.to_string(),
            })
        });
        opened
            .as_ref()
            .map_err(|reason| CredentialError::KeyringUnavailable {
                reason: reason.clone(),
            })
    }
}

impl SecretStore for LazyKeyring {
    fn get(&self, name: &str) -> Result<Option<Token>, CredentialError> {
        self.open()?.get(name)
    }

    fn set(&self, name: &str, token: &Token) -> Result<(), CredentialError> {
        self.open()?.set(name, token)
    }

    fn delete(&self, name: &str) -> Result<bool, CredentialError> {
        self.open()?.delete(name)
    }

    fn ready(&self) -> Result<(), CredentialError> {
        self.open().map(|_| ())
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "no OS keyring support on this platform".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_names() {
        assert!(validate_name("fleet-bot").is_ok());
        assert!(validate_name("github.apps-2").is_ok());
        for bad in ["", "Fleet", "-x", "x-", "a b", "a/b", &"x".repeat(64)] {
            assert!(validate_name(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn keyring_store_round_trips_through_keyring_core() {
        let store = KeyringStore::with_store(keyring_core::mock::Store::new().expect("mock store"));
        let token = Token::new("ghp_mock").expect("valid");
        assert_eq!(store.get("bot").expect("read"), None);
        store.set("bot", &token).expect("store");
        assert_eq!(store.get("bot").expect("read"), Some(token));
        assert!(store.delete("bot").expect("delete"));
        assert!(!store.delete("bot").expect("delete again"));
    }

    #[test]
    fn memory_store_round_trips() {
        let store = MemoryStore::default();
        let token = Token::new("ghp_mem").expect("valid");
        store.set("bot", &token).expect("store");
        assert_eq!(store.get("bot").expect("read"), Some(token));
        assert!(store.delete("bot").expect("delete"));
    }
}
