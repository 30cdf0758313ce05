//! `tenant list`: every tenant namespace on every selected cluster, with the health of its
//! GitRepository and Kustomization and the state of its Secret copy.

use super::{ClusterSelection, RepoSelection};
use crate::{
    error::{Error, ExitStatus, Result},
    ops::{DEFAULT_CONCURRENCY, Runner, TargetReport, exit_status},
    output::{Reporter, plural},
    repo::names,
    tenant::list::{self, TenantRow},
};

/// What `tenant list` is asked for.
#[derive(Clone, Debug)]
pub struct ListRequest {
    /// The fleet repository (its profile names the Kustomizations; its cluster directories say
    /// where Flux runs).
    pub repo: RepoSelection,
    /// The clusters to list.
    pub clusters: ClusterSelection,
    /// Only this tenant.
    pub tenant: Option<String>,
}

/// The tenants of every cluster.
#[derive(Debug, Default)]
pub struct ListOutcome {
    /// Per cluster, in the order given: its tenant namespaces, or why they could not be listed.
    pub reports: Vec<TargetReport<Vec<TenantRow>>>,
}

impl ListOutcome {
    /// Every row of every cluster that answered, cluster by cluster.
    pub fn rows(&self) -> Vec<&TenantRow> {
        self.reports
            .iter()
            .filter_map(TargetReport::ok)
            .flatten()
            .collect()
    }

    /// Exit 1 when a cluster could not be listed.
    pub fn exit_status(&self) -> ExitStatus {
        exit_status(&self.reports)
    }
}

/// Lists tenants on every selected cluster. A cluster that fails is reported and the others are
/// still listed.
pub async fn list(req: ListRequest, reporter: &dyn Reporter) -> Result<ListOutcome> {
    let (fleet, layout) = req.repo.open_names_only()?;
    if let Some(t) = &req.tenant {
        names::dns_label("tenant", t)?;
    }
    let targets = req.clusters.targets().await?;
    let mut items = Vec::new();
    for target in &targets {
        let flux_namespace = layout.cluster_flux_namespace(&fleet, &target.context)?;
        items.push((target.context.clone(), (target, flux_namespace)));
    }
    let (layout, tenant) = (&layout, req.tenant.as_deref());
    let reports = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .reported_by_caller()
        .run(
            items,
            |(target, flux_namespace), step| async move {
                step.set("listing");
                list::collect(target, layout, tenant, &flux_namespace)
                    .await
                    .map_err(Error::from)
            },
            |rows| plural(rows.len(), "tenant namespace"),
        )
        .await;
    for report in &reports {
        if let Some(e) = report.err() {
            reporter.failure(&format!("{}: {e}", report.target));
        }
    }
    Ok(ListOutcome { reports })
}
