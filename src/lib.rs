//! kubectl-fleet: the shared core of the `kubectl fleet` plugin suite.
//!
//! The binaries in `bin/` are thin: they parse arguments and call into this library.
//!
//! - [`bootstrap`]: scaffolding cluster directories and bootstrapping Flux on clusters.
//! - [`cli`]: flag groups shared by every command, the runner that maps results to exit codes, and
//!   one module per command (`bootstrap`, `tenant`, `token`, `tree`).
//! - [`kube`]: kubeconfig loading and context selection, one client per context, known kinds and
//!   discovery, server-side apply with one field manager, readiness waiting.
//! - [`status`]: live health of Flux objects (observedGeneration-aware) and kstatus for others.
//! - [`ops`]: the operations layer: one function per workflow, with injected stores and a
//!   reporter, and the per-cluster runner every multi-cluster command uses.
//! - [`manifests`]: pure, deterministic generation; `manifests::yaml` is the only YAML module.
//! - [`repo`]: the fleet repository checkout and its layout profiles.
//! - [`credentials`]: git tokens in the OS keyring, provider checks, Secret builders.
//! - [`secrets`]: SOPS-encrypted cluster secrets in the fleet repository (read without
//!   decrypting, the pre-commit rule); [`sops`]: the real `sops` binary, plaintext on pipes only.
//! - [`tenant`]: tenant and platform-component onboarding (generation, apply, list, delete).
//! - [`tree`]: the live-status tree of what Flux manages: model, fetching, rendering.
//! - [`output`]: the printer (stdout data, stderr status), tables, progress bars, colours.
//! - [`exit`]: the exit-code contract, a leaf every area's error type maps to.
//! - [`error`]: typed errors and the exit-code contract (0 ok, 1 failed on a target, 2 usage).

pub mod bootstrap;
pub mod cli;
pub mod credentials;
pub mod error;
pub mod exec;
pub mod exit;
pub mod kube;
pub mod manifests;
pub mod ops;
pub mod output;
pub mod repo;
pub mod secrets;
pub mod sops;
pub mod status;
pub mod tenant;
pub mod tree;

pub use error::{Error, ExitStatus, Result};
