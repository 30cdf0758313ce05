//! `kubectl fleet bootstrap` as operations: [`init`] writes a cluster directory, [`bootstrap`]
//! bootstraps Flux on the clusters of the fleet, [`status`] reads per-cluster Flux health.
//!
//! A fleet bootstrap validates every input first (cluster directories, contexts, tokens, the
//! operator manifest) and aborts on the first invalid one before any cluster is contacted; then
//! runs every cluster's preflight (read-only) before any change anywhere; then runs the steps on
//! the clusters that passed. Both phases go through the [`Runner`](super::Runner), each cluster on
//! its own task so the client-side work of several clusters (TLS, large CRDs) uses every core. One
//! cluster failing never stops the others: it is a failed [`TargetReport`](super::TargetReport).

mod init;
mod keos;
mod run;
mod status;

pub use crate::bootstrap::keos::KeosPreflightError;
pub use init::{InitOutcome, InitRequest};
pub use keos::{KeosOptions, default_timeout};
pub use run::{
    BootstrapOutcome, BootstrapRequest, ClusterDirs, ClusterReport, ClusterResult, ClusterRun, Steps,
};
pub use status::{StatusOutcome, StatusRequest, StatusTargets, status};

use crate::{
    credentials::{MetaStore, SecretStore},
    error::Result,
    output::Reporter,
    repo::Profile,
};

/// Writes `clusters/CLUSTER/` from the flags (over another cluster's settings with `--from`).
/// Every input is checked, and every file generated and compared with the checkout, before the
/// first file is written. The fleet's profile picks the writer here, so the d1 and keos writers
/// stay independent of each other.
pub async fn init(req: InitRequest, reporter: &dyn Reporter) -> Result<InitOutcome> {
    match req.repo.config().profile {
        Profile::D1 => init::init(req, reporter).await,
        Profile::Keos => {
            let InitRequest {
                repo,
                input,
                components_manifest,
                force,
                dry_run,
            } = req;
            keos::init(
                repo,
                input,
                components_manifest.is_some(),
                force,
                dry_run,
                reporter,
            )
        }
    }
}

/// Bootstraps Flux on the selected clusters: every input validated, then every cluster's
/// preflight, then the steps (or, with `--dry-run`, the plan) on the clusters that passed.
/// Tokens come from `store` (keyring credentials) with the usernames stored in `metas`. The
/// fleet's profile picks the procedure here: keos fleets run theirs on top of the d1 runner.
pub async fn bootstrap(
    req: BootstrapRequest,
    store: &dyn SecretStore,
    metas: Option<&MetaStore>,
    reporter: &dyn Reporter,
) -> Result<BootstrapOutcome> {
    match req.repo.config().profile {
        Profile::Keos => keos::bootstrap(req, store, metas, reporter).await,
        Profile::D1 => run::bootstrap(req, store, metas, reporter).await,
    }
}

/// Names in the order given, each once.
fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod testing {
    use super::*;
    use crate::{bootstrap::InitInput, output::Recorder, repo::FleetRepo};

    /// A fleet checkout in `dir` with a d1 `staging` cluster written by `init`.
    pub async fn fleet(dir: &std::path::Path) -> FleetRepo {
        let repo = FleetRepo::open(dir).expect("fleet repo");
        let recorder = Recorder::new();
        let out = init(
            InitRequest {
                repo,
                input: InitInput {
                    cluster: "staging".into(),
                    domain: Some("preview1.example.com".into()),
                    git_url: Some("https://github.com/acme/fleet.git".into()),
                    ..Default::default()
                },
                components_manifest: None,
                force: false,
                dry_run: false,
            },
            &recorder,
        )
        .await
        .expect("init");
        assert!(out.written);
        assert_eq!(out.plan.entries().len(), 5);
        FleetRepo::open(dir).expect("fleet repo")
    }
}
