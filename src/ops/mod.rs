//! The operations layer: one function per workflow (bootstrap, tenant create/delete/list, token
//! set/check/rotate, secret set/list/apply, …), each taking a request, the stores it needs
//! (keyring, credential index, rotation state) injected, and a
//! [`Reporter`](crate::output::Reporter) for status lines.
//!
//! The CLI modules only parse arguments, open the real stores, call one operation and print its
//! result; tests call the same operations with in-memory stores and a recorder. Work that runs on
//! several clusters goes through the one [`runner`].

pub mod bootstrap;
pub mod health;
pub mod reconcile;
pub mod runner;
pub mod secret;
pub mod tenant;
pub mod token;

pub use runner::{DEFAULT_CONCURRENCY, Runner, Step, TargetError, TargetReport, exit_status};
