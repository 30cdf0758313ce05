//! `bootstrap status`: Flux health on every selected cluster.

use std::collections::BTreeMap;

use super::{
    super::{DEFAULT_CONCURRENCY, Runner, TargetReport, exit_status},
    dedupe,
};
use crate::{
    bootstrap::{
        fleet,
        status::{self, ClusterStatus},
    },
    error::{ExitStatus, Result},
    kube::{ClientOptions, LoadedKubeconfig},
    output::Reporter,
};

/// Which clusters `bootstrap status` reads.
#[derive(Clone, Debug)]
pub enum StatusTargets {
    /// Contexts selected with `--context`/`--all-contexts` (or the current one), each its own
    /// cluster name.
    Contexts(Vec<String>),
    /// Cluster names, mapped to contexts like `bootstrap CLUSTER…` (`--context CLUSTER=CONTEXT`).
    Clusters {
        /// The clusters, in order (duplicates are dropped).
        clusters: Vec<String>,
        /// `--context` values.
        contexts: Vec<String>,
    },
}

/// `bootstrap status`: what to read.
pub struct StatusRequest {
    /// The clusters.
    pub targets: StatusTargets,
    /// The kubeconfig.
    pub kubeconfig: LoadedKubeconfig,
    /// Client timeouts.
    pub client: ClientOptions,
    /// The namespace Flux runs in.
    pub namespace: String,
}

/// Per-cluster Flux health.
#[derive(Debug)]
pub struct StatusOutcome {
    /// One report per cluster, in order.
    pub reports: Vec<TargetReport<ClusterStatus>>,
    /// The kube context of every cluster.
    pub contexts: BTreeMap<String, String>,
}

impl StatusOutcome {
    /// One status per cluster, in order; a cluster that could not be read has only its error.
    pub fn rows(&self) -> Vec<ClusterStatus> {
        self.reports
            .iter()
            .map(|r| match &r.outcome {
                Ok(s) => s.clone(),
                Err(e) => {
                    let context = self.contexts.get(&r.target).cloned().unwrap_or_default();
                    let mut s = ClusterStatus::empty(&r.target, &context);
                    s.error = Some(e.message.clone());
                    s
                }
            })
            .collect()
    }

    /// 0, or 1 when any cluster could not be read.
    pub fn exit_status(&self) -> ExitStatus {
        exit_status(&self.reports)
    }
}

/// Reads Flux health on every selected cluster.
pub async fn status(req: StatusRequest, reporter: &dyn Reporter) -> Result<StatusOutcome> {
    let pairs: Vec<(String, String)> = match req.targets {
        StatusTargets::Contexts(contexts) => contexts.into_iter().map(|c| (c.clone(), c)).collect(),
        StatusTargets::Clusters { clusters, contexts } => {
            fleet::map_contexts(&dedupe(clusters), &contexts, &req.kubeconfig)?
        }
    };
    let mut items = Vec::new();
    for (cluster, context) in &pairs {
        let target = req.kubeconfig.target(context, req.client).await?;
        items.push((cluster.clone(), (cluster.clone(), target, req.namespace.clone())));
    }
    let reports = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .spawn(
            items,
            |(cluster, target, namespace), _| async move {
                Ok(status::cluster_status(&cluster, &target, &namespace).await?)
            },
            |s: &ClusterStatus| format!("tenants {}", s.tenants_ready()),
        )
        .await;
    Ok(StatusOutcome {
        reports,
        contexts: pairs.into_iter().collect(),
    })
}
