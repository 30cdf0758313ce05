//! The command table of the `kubectl fleet` dispatcher. It has no dependencies so the dispatcher
//! binary can include it directly (`#[path]`) without linking the library, kube or tokio.

/// The commands the `kubectl fleet` dispatcher knows, with their one-line descriptions, in the
/// order of `kubectl fleet --help`.
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "bootstrap",
        "Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the whole fleet",
    ),
    (
        "tenant",
        "Onboard tenant namespaces and platform components, and show tenants' health",
    ),
    (
        "token",
        "Keep git tokens (PATs) in the OS keyring, check their expiry and rotate them fleet-wide",
    ),
    (
        "tree",
        "Show what Flux manages as a live-status tree, on one cluster or the fleet",
    ),
];

/// The version of the suite.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
