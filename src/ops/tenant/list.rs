//! `tenant list`: every tenant namespace on every selected cluster, with the health of its
//! GitRepository and Kustomization and the state of its Secret copy; on a keos fleet, every
//! component of its domains instead, with the cluster's use case and size.

use super::RepoSelection;
use crate::{
    error::{Error, ExitStatus, Result},
    kube::ClusterSelection,
    ops::{DEFAULT_CONCURRENCY, Runner, TargetReport, exit_status},
    output::{Reporter, plural},
    repo::Profile,
    repo::names,
    tenant::list::{self, ComponentRow, TenantRow},
};

/// What `tenant list` is asked for.
#[derive(Clone, Debug)]
pub struct ListRequest {
    /// The fleet repository (its profile names the Kustomizations; its cluster directories say
    /// where Flux runs).
    pub repo: RepoSelection,
    /// The clusters to list.
    pub clusters: ClusterSelection,
    /// Only this tenant (keos: only this domain, `apps` or `system-services`).
    pub tenant: Option<String>,
}

/// What one cluster lists: tenant namespaces (d1), or domain components (keos).
#[derive(Debug)]
pub enum Listing {
    /// d1: one row per tenant namespace.
    Tenants(Vec<TenantRow>),
    /// keos: one row per component.
    Components(Vec<ComponentRow>),
}

impl Listing {
    fn len(&self) -> usize {
        match self {
            Listing::Tenants(rows) => rows.len(),
            Listing::Components(rows) => rows.len(),
        }
    }
}

/// The tenants of every cluster.
#[derive(Debug, Default)]
pub struct ListOutcome {
    /// Per cluster, in the order given: its tenant namespaces or components, or why they could
    /// not be listed.
    pub reports: Vec<TargetReport<Listing>>,
    /// The fleet is keos: the rows are [`ListOutcome::components`].
    pub keos: bool,
}

impl ListOutcome {
    /// Every tenant row of every cluster that answered, cluster by cluster.
    pub fn rows(&self) -> Vec<&TenantRow> {
        self.reports
            .iter()
            .filter_map(TargetReport::ok)
            .flat_map(|l| match l {
                Listing::Tenants(rows) => rows.as_slice(),
                Listing::Components(_) => &[],
            })
            .collect()
    }

    /// keos: every component row of every cluster that answered, cluster by cluster.
    pub fn components(&self) -> Vec<&ComponentRow> {
        self.reports
            .iter()
            .filter_map(TargetReport::ok)
            .flat_map(|l| match l {
                Listing::Components(rows) => rows.as_slice(),
                Listing::Tenants(_) => &[],
            })
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
    let keos = layout.profile() == Profile::Keos;
    let (layout, tenant) = (&layout, req.tenant.as_deref());
    let reports = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .reported_by_caller()
        .run(
            items,
            |(target, flux_namespace), step| async move {
                step.set("listing");
                let listing = if keos {
                    Listing::Components(
                        list::collect_components(target, layout, tenant, &flux_namespace).await?,
                    )
                } else {
                    Listing::Tenants(list::collect(target, layout, tenant, &flux_namespace).await?)
                };
                Ok::<_, Error>(listing)
            },
            |listing| match listing {
                Listing::Tenants(_) => plural(listing.len(), "tenant namespace"),
                Listing::Components(_) => plural(listing.len(), "component"),
            },
        )
        .await;
    for report in &reports {
        if let Some(e) = report.err() {
            reporter.failure(&format!("{}: {e}", report.target));
        }
    }
    Ok(ListOutcome { reports, keos })
}
