//! `bootstrap status`: per cluster, the operator and Flux versions, FluxInstance readiness, the
//! revision the sync Kustomization last applied, how many Flux objects fail (like `flux stats`) and
//! how many tenants are fully Ready.
//!
//! Tenants are found the way Flux itself records them, without any naming convention: the
//! Kustomizations the sync Kustomization applied (Flux labels everything it applies with
//! `kustomize.toolkit.fluxcd.io/name` and `/namespace`) are the tenants (`flux-apps-tenant` →
//! `apps`), and a tenant is Ready when it and every Kustomization it applied are Ready.
//!
//! keos: the sync is Kustomization `default` (found through ConfigMap `keos-runtime-info`, which
//! also gives the use case and size), and the cluster's [`DomainStatus`]es say which domain
//! Kustomizations and components are Ready.

use futures::future::join_all;
use k8s_openapi::api::{apps::v1::Deployment, core::v1::Namespace};
use kube::{Api, api::ListParams};
use serde::Serialize;
use serde_json::Value;

use super::operator::deployment_version;
use crate::{
    kube::{KubeError, KubeTarget, Resolver, known_kinds},
    manifests::pointer::str_at,
    status::{State, flux_health, flux_kind_health, revision},
};

/// The readiness of one object.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// `Kind/namespace/name`.
    pub object: String,
    /// State.
    pub state: State,
    /// Condition message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One tenant.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantStatus {
    /// Tenant name (`apps` for `flux-apps-tenant`).
    pub name: String,
    /// The tenant Kustomization and everything it applied are Ready.
    pub ready: bool,
    /// Kustomizations of the tenant (its own included).
    pub kustomizations: usize,
    /// Those not Ready.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_ready: Vec<String>,
}

/// Status of one cluster.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    /// The cluster (the name given, or the context).
    pub cluster: String,
    /// Kube context.
    pub context: String,
    /// Flux Operator version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator_version: Option<String>,
    /// Flux version (applied by the operator, or the classic components' version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flux_version: Option<String>,
    /// FluxInstance readiness (d1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<Readiness>,
    /// Sync Kustomization readiness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<Readiness>,
    /// Last applied revision of the sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Flux objects in the cluster.
    pub flux_objects: usize,
    /// Flux objects failing (`crate::status::Bucket::Failing`, as `flux stats` counts).
    pub failing: usize,
    /// Kinds that could not be listed (forbidden), so the counts may be low.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable_kinds: Vec<String>,
    /// Tenants.
    pub tenants: Vec<TenantStatus>,
    /// Per Flux kind, what `flux stats` shows (kinds with objects, in the known kinds' order).
    pub stats: Vec<KindStats>,
    /// Why the cluster could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// keos: the use case and size from ConfigMap keos-runtime-info (the sync is `default`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keos: Option<super::keos::cluster::KeosRuntime>,
    /// keos: each domain's Kustomizations and components, in reconciliation order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainStatus>,
}

/// keos: one domain (`system-services`, `apps`) on a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainStatus {
    /// The domain.
    pub name: String,
    /// Its Kustomizations that `default` applied and all its components are Ready.
    pub ready: bool,
    /// The domain's own Kustomizations (`apps-prerequisites`, `apps-components`, …).
    pub kustomizations: usize,
    /// Its components (`toolkit.fluxcd.io/domain` label).
    pub components: usize,
    /// Components whose Kustomization (and secrets Kustomization) are Ready.
    pub components_ready: usize,
    /// What is not Ready, `Kustomization/namespace/name`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_ready: Vec<String>,
}

impl ClusterStatus {
    /// A cluster with nothing read yet (or that could not be read: see `error`).
    pub fn empty(cluster: &str, context: &str) -> Self {
        ClusterStatus {
            cluster: cluster.to_string(),
            context: context.to_string(),
            operator_version: None,
            flux_version: None,
            instance: None,
            sync: None,
            revision: None,
            flux_objects: 0,
            failing: 0,
            unreadable_kinds: Vec::new(),
            tenants: Vec::new(),
            stats: Vec::new(),
            error: None,
            keos: None,
            domains: Vec::new(),
        }
    }

    /// keos: components Ready per domain, e.g. `system-services 6/6, apps 11/13` (domains without
    /// components are left out).
    pub fn domains_line(&self) -> Option<String> {
        let parts: Vec<String> = self
            .domains
            .iter()
            .filter(|d| d.components > 0)
            .map(|d| format!("{} {}/{}", d.name, d.components_ready, d.components))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// Tenants Ready, e.g. `1/2`.
    pub fn tenants_ready(&self) -> String {
        format!(
            "{}/{}",
            self.tenants.iter().filter(|t| t.ready).count(),
            self.tenants.len()
        )
    }
}

fn readiness(kind: &str, obj: &Value) -> Readiness {
    let h = flux_kind_health(kind, obj);
    Readiness {
        object: format!(
            "{kind}/{}/{}",
            str_at(obj, "/metadata/namespace").unwrap_or_default(),
            str_at(obj, "/metadata/name").unwrap_or_default()
        ),
        state: h.state,
        message: h.message,
    }
}

async fn get_flux(
    resolver: &Resolver,
    group: &str,
    kind: &str,
    ns: &str,
    name: &str,
) -> Result<Option<Value>, KubeError> {
    let (ar, namespaced) = match resolver.resolve(group, None, kind).await {
        Ok(r) => r,
        Err(KubeError::UnknownKind { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let api = resolver.api(&ar, namespaced, Some(ns));
    let found = api
        .get_opt(name)
        .await
        .map_err(|e| resolver.target().err(format!("get {kind} {ns}/{name}"), e))?;
    Ok(found.and_then(|o| serde_json::to_value(o).ok()))
}

/// Reads the status of one cluster. `namespace` is where Flux runs.
pub async fn cluster_status(
    cluster: &str,
    target: &KubeTarget,
    namespace: &str,
) -> Result<ClusterStatus, KubeError> {
    let mut st = ClusterStatus::empty(cluster, &target.context);
    fill(&mut st, target, namespace).await?;
    Ok(st)
}

async fn fill(st: &mut ClusterStatus, target: &KubeTarget, ns: &str) -> Result<(), KubeError> {
    target.server_version().await?;
    let resolver = Resolver::new(target.clone());

    let deployments: Api<Deployment> = Api::all(target.client.clone());
    let operators = deployments
        .list(&ListParams::default().labels("app.kubernetes.io/name=flux-operator"))
        .await
        .map_err(|e| target.err("list flux-operator Deployments", e))?;
    let mut ops: Vec<Value> = operators
        .items
        .into_iter()
        .filter_map(|d| serde_json::to_value(d).ok())
        .collect();
    // Prefer the operator in the Flux namespace when there are several.
    ops.sort_by_key(|d| str_at(d, "/metadata/namespace") != Some(ns));
    st.operator_version = ops.first().and_then(deployment_version);

    let instance = get_flux(&resolver, "fluxcd.controlplane.io", "FluxInstance", ns, "flux").await?;
    let sync_name = match &instance {
        Some(fi) => {
            st.instance = Some(readiness("FluxInstance", fi));
            st.flux_version = str_at(fi, "/status/lastAppliedRevision")
                .and_then(|r| r.split('@').next())
                .filter(|v| !v.is_empty())
                .or_else(|| str_at(fi, "/spec/distribution/version"))
                .map(str::to_string);
            match fi.pointer("/spec/sync") {
                Some(sync) => Some(str_at(sync, "/name").unwrap_or(ns).to_string()),
                // keos with `bootstrap --install-flux`: an instance without sync; `default` syncs.
                None => {
                    st.keos = super::keos::cluster::runtime_on(target, ns).await?;
                    st.keos
                        .as_ref()
                        .map(|_| super::keos::ROOT_KUSTOMIZATION.to_string())
                }
            }
        }
        None => {
            // Classic: the components carry their version on the namespace.
            let nss: Api<Namespace> = Api::all(target.client.clone());
            if let Ok(Some(n)) = nss.get_opt(ns).await {
                st.flux_version = n
                    .metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("app.kubernetes.io/version"))
                    .cloned();
            }
            // keos: Flux installed outside git, synced by Kustomization `default`.
            st.keos = super::keos::cluster::runtime_on(target, ns).await?;
            Some(match st.keos {
                Some(_) => super::keos::ROOT_KUSTOMIZATION.to_string(),
                None => ns.to_string(),
            })
        }
    };
    if let Some(name) = &sync_name
        && let Some(ks) = get_flux(
            &resolver,
            "kustomize.toolkit.fluxcd.io",
            "Kustomization",
            ns,
            name,
        )
        .await?
    {
        st.sync = Some(readiness("Kustomization", &ks));
        st.revision = revision(&ks).map(str::to_string);
    }

    // One LIST per Flux kind, concurrently; forbidden kinds are reported, not fatal.
    let kinds: Vec<_> = known_kinds().iter().filter(|k| k.is_flux()).collect();
    let lists = join_all(kinds.iter().map(|k| {
        let api = resolver.api(&k.api_resource(), k.namespaced, None);
        async move { (k, api.list(&ListParams::default()).await) }
    }))
    .await;
    let mut kustomizations: Vec<Value> = Vec::new();
    for (k, result) in lists {
        match result {
            Ok(list) => {
                for obj in list.items {
                    let v = serde_json::to_value(&obj).unwrap_or_default();
                    KindStats::count(&mut st.stats, k.kind, &v);
                    st.flux_objects += 1;
                    // Each kind by its own semantics (a FluxReport one generation behind is not
                    // failing, a Kustomization waiting for a dependency neither).
                    if flux_kind_health(k.kind, &v).state.is_failing() {
                        st.failing += 1;
                    }
                    if k.kind == "Kustomization" {
                        kustomizations.push(v);
                    }
                }
            }
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(kube::Error::Api(e)) if e.code == 403 => st.unreadable_kinds.push(k.kind.to_string()),
            Err(e) => return Err(target.err(format!("list {}", k.plural), e)),
        }
    }
    if let Some(sync) = &sync_name {
        st.tenants = tenants(&kustomizations, ns, sync);
        if st.keos.is_some() {
            st.domains = domains(&kustomizations, ns, sync);
        }
    }
    Ok(())
}

fn object_name(k: &Value) -> String {
    format!(
        "Kustomization/{}/{}",
        str_at(k, "/metadata/namespace").unwrap_or_default(),
        str_at(k, "/metadata/name").unwrap_or_default()
    )
}

/// keos: the domains. A domain's own Kustomizations are those the sync applied named after it
/// (`apps-components`); its components are what those applied with its label (see
/// [`crate::tenant::domains`]), so another keos Flux on the cluster is never counted.
pub fn domains(all: &[Value], ns: &str, sync: &str) -> Vec<DomainStatus> {
    use crate::{
        repo::{FleetConfig, Layout, Profile},
        tenant::domains::{self, DOMAINS},
    };
    let layout = Layout::names_only(&FleetConfig {
        profile: Profile::Keos,
        ..FleetConfig::default()
    });
    let mut out: Vec<DomainStatus> = Vec::new();
    for name in DOMAINS {
        let own: Vec<&Value> = applied_by(all, ns, sync)
            .filter(|k| {
                str_at(k, "/metadata/name")
                    .and_then(|n| n.strip_prefix(name))
                    .is_some_and(|rest| rest.starts_with('-'))
            })
            .collect();
        let members = own.iter().flat_map(|k| {
            applied_by(
                all,
                str_at(k, "/metadata/namespace").unwrap_or_default(),
                str_at(k, "/metadata/name").unwrap_or_default(),
            )
        });
        let components = domains::components(&layout, members);
        let mine: Vec<_> = components.iter().filter(|c| c.domain == name).collect();
        if own.is_empty() && mine.is_empty() {
            continue;
        }
        let mut not_ready: Vec<String> = own
            .iter()
            .filter(|k| flux_health(k).state != State::Ready)
            .map(|k| object_name(k))
            .collect();
        let mut components_ready = 0;
        for c in &mine {
            let failing: Vec<String> = c
                .kustomization
                .iter()
                .chain(&c.secrets)
                .filter(|k| flux_health(k).state != State::Ready)
                .map(|k| object_name(k))
                .collect();
            if failing.is_empty() && c.kustomization.is_some() {
                components_ready += 1;
            }
            not_ready.extend(failing);
        }
        out.push(DomainStatus {
            name: name.to_string(),
            ready: not_ready.is_empty() && components_ready == mine.len(),
            kustomizations: own.len(),
            components: mine.len(),
            components_ready,
            not_ready,
        });
    }
    out
}

/// One Flux kind's counts, the columns of `flux stats`: objects not suspended (running), failing
/// (NotReady or Stale, as [`ClusterStatus::failing`]), suspended, and for sources the size of their
/// artifacts in source-controller's storage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindStats {
    /// The Flux kind.
    pub kind: String,
    /// Objects not suspended.
    pub running: usize,
    /// Objects failing.
    pub failing: usize,
    /// Objects suspended.
    pub suspended: usize,
    /// Bytes of the artifacts (`status.artifact.size`) of a source kind; None for other kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_bytes: Option<u64>,
}

impl KindStats {
    /// Counts one object of `kind` into `stats` (a kind's entry is added on its first object).
    pub fn count(stats: &mut Vec<KindStats>, kind: &str, obj: &Value) {
        let i = match stats.iter().position(|s| s.kind == kind) {
            Some(i) => i,
            None => {
                stats.push(KindStats {
                    kind: kind.to_string(),
                    ..KindStats::default()
                });
                stats.len() - 1
            }
        };
        let s = &mut stats[i];
        let state = flux_health(obj).state;
        if state == State::Suspended {
            s.suspended += 1;
        } else {
            s.running += 1;
        }
        if matches!(state, State::NotReady | State::Stale) {
            s.failing += 1;
        }
        if let Some(size) = obj.pointer("/status/artifact/size").and_then(Value::as_u64) {
            *s.storage_bytes.get_or_insert(0) += size;
        } else if obj.pointer("/status/artifact").is_some() {
            s.storage_bytes.get_or_insert(0);
        }
    }

    /// The fleet's counts: every cluster's, added per kind (in the order kinds first appear).
    pub fn fleet(rows: &[ClusterStatus]) -> Vec<KindStats> {
        let mut out: Vec<KindStats> = Vec::new();
        for s in rows.iter().flat_map(|r| &r.stats) {
            match out.iter_mut().find(|o| o.kind == s.kind) {
                Some(o) => {
                    o.running += s.running;
                    o.failing += s.failing;
                    o.suspended += s.suspended;
                    if let Some(b) = s.storage_bytes {
                        *o.storage_bytes.get_or_insert(0) += b;
                    }
                }
                None => out.push(s.clone()),
            }
        }
        out
    }

    /// The storage column as `flux stats` prints it (`1.5 KiB`), `-` for kinds without artifacts.
    pub fn storage(&self) -> String {
        let Some(bytes) = self.storage_bytes else {
            return "-".into();
        };
        const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        let mut value = bytes as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            format!("{bytes} B")
        } else if value < 10.0 {
            format!("{value:.1} {}", UNITS[unit])
        } else {
            format!("{value:.0} {}", UNITS[unit])
        }
    }
}

fn applied_by<'a>(all: &'a [Value], ns: &'a str, name: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    all.iter().filter(move |k| {
        str_at(k, "/metadata/labels/kustomize.toolkit.fluxcd.io~1name") == Some(name)
            && str_at(k, "/metadata/labels/kustomize.toolkit.fluxcd.io~1namespace") == Some(ns)
    })
}

/// Tenants: the Kustomizations the sync applied, each with the Kustomizations it applied.
pub fn tenants(all: &[Value], ns: &str, sync: &str) -> Vec<TenantStatus> {
    let mut out: Vec<TenantStatus> = applied_by(all, ns, sync)
        .map(|t| {
            let name = str_at(t, "/metadata/name").unwrap_or_default();
            let t_ns = str_at(t, "/metadata/namespace").unwrap_or_default();
            let mut members = vec![t];
            members.extend(applied_by(all, t_ns, name));
            let not_ready: Vec<String> = members
                .iter()
                .filter(|k| flux_health(k).state != State::Ready)
                .map(|k| {
                    format!(
                        "Kustomization/{}/{}",
                        str_at(k, "/metadata/namespace").unwrap_or_default(),
                        str_at(k, "/metadata/name").unwrap_or_default()
                    )
                })
                .collect();
            let short = name.strip_prefix("flux-").unwrap_or(name);
            let short = short.strip_suffix("-tenant").unwrap_or(short);
            TenantStatus {
                name: short.to_string(),
                ready: not_ready.is_empty(),
                kustomizations: members.len(),
                not_ready,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ks(ns: &str, name: &str, parent: Option<(&str, &str)>, ready: bool) -> Value {
        let mut labels = json!({});
        if let Some((pn, pname)) = parent {
            labels = json!({"kustomize.toolkit.fluxcd.io/name": pname, "kustomize.toolkit.fluxcd.io/namespace": pn});
        }
        json!({
            "metadata": {"name": name, "namespace": ns, "generation": 1, "labels": labels},
            "status": {"conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}, "observedGeneration": 1}]}
        })
    }

    #[test]
    fn stats_count_like_flux_stats() {
        let mut stats = Vec::new();
        let repo = |size: Option<u64>, suspend: bool, ready: bool| {
            let mut o = ks("flux-system", "r", None, ready);
            o["spec"] = json!({"suspend": suspend});
            if let Some(s) = size {
                o["status"]["artifact"] = json!({"size": s});
            }
            o
        };
        KindStats::count(&mut stats, "GitRepository", &repo(Some(1024), false, true));
        KindStats::count(&mut stats, "GitRepository", &repo(Some(512), false, false));
        KindStats::count(&mut stats, "GitRepository", &repo(None, true, true));
        KindStats::count(&mut stats, "Kustomization", &ks("a", "b", None, true));
        assert_eq!(
            stats[0],
            KindStats {
                kind: "GitRepository".into(),
                running: 2,
                failing: 1,
                suspended: 1,
                storage_bytes: Some(1536),
            }
        );
        assert_eq!(stats[0].storage(), "1.5 KiB");
        assert_eq!(stats[1].storage(), "-");
        let mut row = ClusterStatus::empty("a", "a");
        row.stats = stats.clone();
        let fleet = KindStats::fleet(&[row.clone(), row]);
        assert_eq!((fleet[0].running, fleet[0].storage_bytes), (4, Some(3072)));
        assert_eq!(
            KindStats {
                storage_bytes: Some(100),
                ..KindStats::default()
            }
            .storage(),
            "100 B"
        );
        assert_eq!(
            KindStats {
                storage_bytes: Some(50 << 20),
                ..KindStats::default()
            }
            .storage(),
            "50 MiB"
        );
    }

    #[test]
    fn tenants_are_what_the_sync_applied() {
        let all = vec![
            ks("flux-system", "flux-system", None, true),
            ks(
                "flux-system",
                "flux-infra-tenant",
                Some(("flux-system", "flux-system")),
                true,
            ),
            ks(
                "flux-system",
                "flux-apps-tenant",
                Some(("flux-system", "flux-system")),
                true,
            ),
            ks(
                "backend",
                "flux-backend",
                Some(("flux-system", "flux-apps-tenant")),
                false,
            ),
            ks("other", "unrelated", Some(("other", "flux-system")), false),
        ];
        let t = tenants(&all, "flux-system", "flux-system");
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].name.as_str(), t[0].ready, t[0].kustomizations),
            ("apps", false, 2)
        );
        assert_eq!(t[0].not_ready, ["Kustomization/backend/flux-backend"]);
        assert_eq!((t[1].name.as_str(), t[1].ready), ("infra", true));
    }

    #[test]
    fn keos_domains_count_their_components() {
        let labelled = |ns: &str, name: &str, mut labels: Value, ready: bool| {
            let parent = if name.starts_with("system-services-") {
                "system-services-components"
            } else {
                "apps-components"
            };
            labels["kustomize.toolkit.fluxcd.io/name"] = json!(parent);
            labels["kustomize.toolkit.fluxcd.io/namespace"] = json!("flux-system");
            let mut k = ks(ns, name, None, ready);
            k["metadata"]["labels"] = labels;
            k
        };
        let by_default = Some(("flux-system", "default"));
        let all = vec![
            ks("flux-system", "default", None, true),
            ks("flux-system", "system-services-components", by_default, true),
            ks("flux-system", "apps-prerequisites", by_default, true),
            ks("flux-system", "apps-components", by_default, false),
            labelled(
                "flux-system",
                "system-services-gosec-configs",
                json!({"toolkit.fluxcd.io/domain": "system-services"}),
                true,
            ),
            labelled(
                "data",
                "apps-pg",
                json!({"toolkit.fluxcd.io/domain": "apps", "toolkit.fluxcd.io/component": "pg"}),
                true,
            ),
            labelled(
                "data",
                "apps-pg-secrets",
                json!({"toolkit.fluxcd.io/domain": "apps", "toolkit.fluxcd.io/component": "pg"}),
                false,
            ),
        ];
        let d = domains(&all, "flux-system", "default");
        assert_eq!(d.len(), 2);
        assert_eq!(
            (
                d[0].name.as_str(),
                d[0].ready,
                d[0].kustomizations,
                d[0].components
            ),
            ("system-services", true, 1, 1)
        );
        assert_eq!(
            (
                d[1].name.as_str(),
                d[1].ready,
                d[1].kustomizations,
                d[1].components_ready
            ),
            ("apps", false, 2, 0)
        );
        assert_eq!(
            d[1].not_ready,
            [
                "Kustomization/flux-system/apps-components",
                "Kustomization/data/apps-pg-secrets"
            ]
        );
        let mut row = ClusterStatus::empty("a", "a");
        row.domains = d;
        assert_eq!(
            row.domains_line().as_deref(),
            Some("system-services 1/1, apps 0/1")
        );
    }
}
