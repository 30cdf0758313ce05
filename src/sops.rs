//! The real `sops` binary: found (`--sops PATH`, `$SOPS`, then `PATH`), version-checked, and run
//! with secrets on pipes only.
//!
//! SOPS files are what kustomize-controller decrypts, so we let the same program that users and
//! Flux's own tooling use write them instead of reimplementing its file format (MAC, key groups,
//! PGP/age/KMS key services). The rules that keep plaintext off disk and out of `ps`:
//!
//! - **Encrypt**: the plaintext goes to `sops encrypt` on stdin (`--filename-override` names the
//!   destination so the `.sops.yaml` creation rule for that path applies), the ciphertext comes
//!   back on stdout; the caller writes it atomically.
//! - **Decrypt**: `sops decrypt FILE` writes the plaintext to stdout, which stays in memory.
//! - Nothing secret is ever an argument, and sops' error output is scrubbed of the values we gave
//!   it before it is shown.
//!
//! `SOPS_DISABLE_VERSION_CHECK=true` is always set: without it `sops --version` asks the GitHub API
//! for the latest release, which is slow, and fails where there is no network.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// The oldest sops with the `encrypt`/`decrypt` subcommands and `--filename-override` (reading
/// from stdin without a temporary file).
pub const MINIMUM_VERSION: (u32, u32, u32) = (3, 9, 0);

/// Environment variable naming the sops binary.
pub const SOPS_ENV: &str = "SOPS";

const INSTALL_HINT: &str = "install sops 3.9 or later (https://getsops.io/docs/#download), or pass --sops PATH / set SOPS=/path/to/sops";

/// The sops binary could not be used, or refused what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum SopsError {
    /// No sops binary was found.
    #[error("sops not found ({tried}): {INSTALL_HINT}")]
    NotFound {
        /// Where we looked.
        tried: String,
    },
    /// The binary exists but does not run.
    #[error("cannot run sops '{}': {INSTALL_HINT}", path.display())]
    NotRunnable {
        /// The binary.
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Its version is too old, or it did not say.
    #[error("sops '{}' is {found}; kubectl fleet needs sops {}.{}.{} or later: {INSTALL_HINT}", path.display(), MINIMUM_VERSION.0, MINIMUM_VERSION.1, MINIMUM_VERSION.2)]
    TooOld {
        /// The binary.
        path: PathBuf,
        /// What `--version` said (first line).
        found: String,
    },
    /// sops ran and failed.
    #[error("sops could not {action}: {message}")]
    Failed {
        /// What it was asked (`encrypt clusters/c1/secrets/db/creds.yaml`).
        action: String,
        /// sops' own message (scrubbed of the secret values).
        message: String,
    },
    /// Talking to the sops process failed.
    #[error("sops could not {action}")]
    Io {
        /// What it was asked.
        action: String,
        #[source]
        source: std::io::Error,
    },
}

impl SopsError {
    /// Exit status: a missing or old sops, and a file sops refuses (no creation rule, no key), are
    /// problems the user fixes before anything is changed.
    pub fn exit_status(&self) -> crate::exit::ExitStatus {
        crate::exit::ExitStatus::Usage
    }
}

/// Plaintext sops produced, kept in memory; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Plaintext(Vec<u8>);

impl Plaintext {
    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// As UTF-8 text, when it is.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
}

impl std::fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Plaintext(<{} bytes redacted>)", self.0.len())
    }
}

/// A sops binary that runs and is recent enough.
#[derive(Clone, Debug)]
pub struct Sops {
    path: PathBuf,
    version: String,
}

impl Sops {
    /// Finds sops: `explicit` (`--sops PATH`), else `$SOPS`, else `sops` on `PATH`; then checks
    /// its version.
    pub fn locate(explicit: Option<&Path>) -> Result<Sops, SopsError> {
        let from_env = std::env::var_os(SOPS_ENV).filter(|v| !v.is_empty());
        let path = match (explicit, from_env) {
            (Some(p), _) => p.to_path_buf(),
            (None, Some(p)) => PathBuf::from(p),
            (None, None) => crate::exec::find_on_path("sops", std::env::var_os("PATH")).ok_or_else(|| {
                SopsError::NotFound {
                    tried: "not on PATH, SOPS is not set".into(),
                }
            })?,
        };
        if !path.is_file() {
            return Err(SopsError::NotFound {
                tried: format!("'{}' does not exist", path.display()),
            });
        }
        let output = command(&path)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|source| SopsError::NotRunnable {
                path: path.clone(),
                source,
            })?;
        let text = String::from_utf8_lossy(&output.stdout);
        let first = text.lines().next().unwrap_or_default().trim().to_string();
        match parse_version(&first) {
            Some(v) if v >= MINIMUM_VERSION && output.status.success() => Ok(Sops {
                path,
                version: format!("{}.{}.{}", v.0, v.1, v.2),
            }),
            _ => Err(SopsError::TooOld {
                path,
                found: if first.is_empty() {
                    "silent about its version".into()
                } else {
                    format!("'{first}'")
                },
            }),
        }
    }

    /// The binary.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its version (`3.13.3`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Encrypts `plaintext` (YAML) as the file `destination` would be, with the creation rules of
    /// `config`, and returns the ciphertext. Nothing is written; `label` names the file in
    /// messages, `sensitive` are the values to scrub from them.
    pub fn encrypt(
        &self,
        config: &Path,
        destination: &Path,
        label: &Path,
        plaintext: &[u8],
        sensitive: &[&[u8]],
    ) -> Result<String, SopsError> {
        let action = format!("encrypt {}", label.display());
        let mut cmd = command(&self.path);
        cmd.arg("--config")
            .arg(config)
            .arg("encrypt")
            .arg("--filename-override")
            .arg(destination)
            .args(["--input-type", "yaml", "--output-type", "yaml"]);
        let out = run(cmd, Some(plaintext), &action, sensitive)?;
        String::from_utf8(out).map_err(|_| SopsError::Failed {
            action,
            message: "its output is not UTF-8".into(),
        })
    }

    /// Decrypts a YAML file to memory; `label` names it in messages.
    pub fn decrypt(&self, file: &Path, label: &Path) -> Result<Plaintext, SopsError> {
        let action = format!("decrypt {}", label.display());
        let mut cmd = command(&self.path);
        cmd.arg("decrypt")
            .args(["--input-type", "yaml", "--output-type", "yaml"])
            .arg(file);
        Ok(Plaintext(run(cmd, None, &action, &[])?))
    }
}

fn command(path: &Path) -> Command {
    let mut cmd = Command::new(path);
    cmd.env("SOPS_DISABLE_VERSION_CHECK", "true");
    cmd
}

/// Runs sops with `input` on stdin (written from another thread, so a full stdout pipe cannot
/// deadlock us) and returns stdout; a failure carries sops' last stderr line, scrubbed.
fn run(
    mut cmd: Command,
    input: Option<&[u8]>,
    action: &str,
    sensitive: &[&[u8]],
) -> Result<Vec<u8>, SopsError> {
    let io = |source| SopsError::Io {
        action: action.to_string(),
        source,
    };
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(io)?;
    let output = std::thread::scope(|scope| {
        if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
            // A write error means sops exited early; its exit status and stderr say why.
            scope.spawn(move || {
                let _ = stdin.write_all(data);
            });
        }
        child.wait_with_output()
    })
    .map_err(io)?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = scrub(&String::from_utf8_lossy(&output.stderr), sensitive);
    let message = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("it exited with {}", output.status));
    Err(SopsError::Failed {
        action: action.to_string(),
        message,
    })
}

/// Replaces every occurrence of a sensitive value (of 3 bytes or more) with `<redacted>`.
fn scrub(text: &str, sensitive: &[&[u8]]) -> String {
    let mut out = text.to_string();
    for value in sensitive {
        if let Ok(v) = std::str::from_utf8(value)
            && v.len() >= 3
        {
            out = out.replace(v, "<redacted>");
        }
    }
    out
}

/// `sops 3.13.3` (or `sops 3.7.3 (latest)`) → (3, 13, 3).
fn parse_version(line: &str) -> Option<(u32, u32, u32)> {
    let version = line.strip_prefix("sops ")?.split_whitespace().next()?;
    let mut parts = version.trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch: String = parts.next()?.chars().take_while(char::is_ascii_digit).collect();
    Some((major, minor, patch.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions_and_knows_the_minimum() {
        assert_eq!(parse_version("sops 3.13.3"), Some((3, 13, 3)));
        assert_eq!(parse_version("sops 3.7.3 (latest)"), Some((3, 7, 3)));
        assert_eq!(parse_version("sops v3.9.0-rc1"), Some((3, 9, 0)));
        assert_eq!(parse_version("gpg (GnuPG) 2.2.40"), None);
        assert!(parse_version("sops 3.8.1").is_some_and(|v| v < MINIMUM_VERSION));
    }

    #[test]
    fn scrubs_values_from_messages() {
        assert_eq!(
            scrub("bad value hunter2 in x", &[b"hunter2", b"ab"]),
            "bad value <redacted> in x"
        );
    }

    #[test]
    fn a_missing_binary_says_how_to_install_sops() {
        let err = Sops::locate(Some(Path::new("/nonexistent/sops"))).expect_err("missing");
        let text = err.to_string();
        assert!(text.contains("'/nonexistent/sops' does not exist"), "{text}");
        assert!(
            text.contains("https://getsops.io") && text.contains("--sops PATH"),
            "{text}"
        );
        assert!(crate::exec::find_on_path("sops", Some(std::ffi::OsString::from("/nonexistent"))).is_none());
    }

    #[test]
    fn plaintext_is_redacted_in_debug() {
        let p = Plaintext(b"hunter2".to_vec());
        assert_eq!(format!("{p:?}"), "Plaintext(<7 bytes redacted>)");
    }
}
