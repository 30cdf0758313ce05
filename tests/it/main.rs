//! The single integration-test binary: one module per area.
//!
//! Tiers: `dispatch` runs the real kubectl against our binaries; `core` and the command modules
//! talk to the real kube-apiservers started by `tests/testenv/testenv up`.

mod common;

mod app_secrets;
mod audit;
mod bootstrap;
mod classic;
mod completion;
mod core;
mod credentials;
mod dispatch;
mod gitlab;
mod health;
mod keos;
mod keos_views;
mod krew;
mod migrate;
mod reconcile;
mod secret;
mod security;
mod tenant;
mod token;
mod token_app;
mod tree;
mod tree_drift;
mod trust;
mod watch;
