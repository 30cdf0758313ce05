//! `kubectl fleet tree`: everything Flux manages under one object, with live status, on one
//! cluster or a fleet.
//!
//! `flux tree` prints inventory IDs only: no health, deleted objects look present, one sequential
//! GET per nested Kustomization, and the first error aborts. This tree reads every node's live
//! status, marks what is gone as *Missing*, costs two dependent rounds of requests whatever the
//! depth (each kind fetched the cheapest way: by name, by its owner's labels, by namespace or
//! cluster-wide), keeps going when a kind cannot be read, and runs on several clusters at once.
//!
//! # The engine: fetch plan → snapshot → walk
//!
//! `status`, `tree --watch` and drift detection build on the same three pieces:
//!
//! - [`walk`] turns a [`snapshot::Snapshot`] into nodes and says what it still needs (objects
//!   with the owner whose inventory names them, Helm storage Secrets, kinds to discover);
//! - [`plan`] turns those needs into requests with the cost model written there (GETs, owner
//!   label-selected LISTs, namespace or cluster-wide LISTs; forced by [`Strategy`] in tests);
//! - [`fetch`] runs them concurrently over one HTTP/2 connection, decodes responses as they
//!   stream ([`decode`] for JSON, [`proto`] for protobuf: only what a node needs, `managedFields`
//!   too when [`Keep`] asks) into the snapshot, and walks again until nothing is missing.
//!   [`fetch::fetch`] returns the final walk *and* the snapshot, so a watcher can refresh it and
//!   walk again without refetching what has not changed.
//!
//! The other modules:
//!
//! - [`model`]: object references, nodes, statuses, filters and the summary;
//! - [`snapshot`]: what has been fetched, reduced to what the tree shows, and which requests
//!   settled what (*Missing* versus *Unknown* versus not fetched yet);
//! - [`kinds`]: kinds resolved without discovery;
//! - [`memory`]: which cluster-wide LISTs a root's first round did without, kept between runs;
//! - [`helm`]: objects of a Helm release from its storage Secret (HelmReleases before Flux 2.8);
//! - [`cluster`]: one cluster's tree, summary and warnings, as the command shows them;
//! - [`render`]: tree, table, JSON and YAML, as strings.
//!
//! # JSON and YAML schema (`-o json`, `-o yaml`)
//!
//! One document, the same for one cluster or many, keyed by kube context:
//!
//! ```yaml
//! apiVersion: kubectl-fleet.dev/v1 # the one version of every document; bumped only on incompatible changes
//! kind: Tree
//! clusters:
//!   staging:                       # kube context name
//!     runtime:                     # keos only: from ConfigMap keos-runtime-info, when the tree holds it
//!       useCase: talk-to-your-data
//!       size: S
//!     root:                        # a node (below)
//!     summary:                     # node counts: total, then each non-zero status (camelCase)
//!       total: 42
//!       ready: 38
//!       notReady: 2
//!       drifted: 1                 # with --drift: nodes with `drift` (only when non-zero)
//!     warnings: ["…"]              # only when something could not be read
//!   prod-us:
//!     error: "cluster 'prod-us' is unreachable at https://…"   # instead of root/summary
//! ```
//!
//! A node:
//!
//! | field | presence | meaning |
//! |---|---|---|
//! | `kind`, `group`, `name` | always | the object (`group` is `""` for the core group) |
//! | `version` | when known | API version from the inventory entry or manifest |
//! | `namespace` | namespaced objects | |
//! | `status` | always | `Ready`, `Progressing`, `Stale`, `Suspended`, `NotReady`, `Exists`, `Missing`, `Unknown` or `Remote` |
//! | `reason`, `message` | when known | the Ready condition's reason and message, or why the status is `Unknown` (`Forbidden`, `NotServed`, `ListFailed`) |
//! | `revision` | Flux objects that report one | last applied or fetched revision |
//! | `remote` | `true` only | the object applies to another cluster (`spec.kubeConfig`); its children have status `Remote` and were not queried |
//! | `cycle` | `true` only | the object is one of its own ancestors; it is not expanded again |
//! | `domain`, `component` | keos Flux objects | their `toolkit.fluxcd.io/domain` and `toolkit.fluxcd.io/component` labels |
//! | `drift` | with `--drift`, objects changed outside Flux | `[{manager, fields}]`: each field manager other than Flux that set fields the applier does not own, with those fields (`spec.replicas`, `data.key`); rules in `crate::ops::health::drift` |
//! | `children` | when any | child nodes in inventory order |
//!
//! `--status failing` filters `root`; `summary` always counts the whole tree.

pub mod cluster;
pub mod decode;
pub mod drift;
pub mod fetch;
pub mod helm;
pub mod kinds;
pub mod memory;
pub mod model;
pub mod plan;
pub mod proto;
pub mod render;
pub mod snapshot;
pub mod walk;
pub mod watch;

pub use cluster::{ClusterOutcome, ClusterTree, tree_cluster, tree_cluster_wire, tree_fleet};
pub use decode::Keep;
pub use fetch::{FetchOptions, Fetched, RequestLog, Stats, Wire, error_chain, fetch, fetch_remembered};
pub use model::{Expandable, GroupKind, Node, ObjRef, Status, Summary};
pub use plan::Strategy;
pub use walk::WalkOptions;

use crate::kube::{KubeError, find_alias};

/// The namespace of a root given without one and without `-n`: where Flux lives (the fleet
/// model's one default), as in the flux CLI.
pub use crate::repo::layout::DEFAULT_FLUX_NAMESPACE as DEFAULT_NAMESPACE;

/// The root given on the command line: `KIND/NAME` or `KIND/NAMESPACE/NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootSpec {
    /// The kind (one of the expandable kinds).
    pub kind: Expandable,
    /// The namespace, when given in the spec itself.
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
}

/// A root that cannot be used (a usage error).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RootSpecError {
    /// Not `KIND/NAME` or `KIND/NAMESPACE/NAME`.
    #[error("invalid object '{0}': expected KIND/NAME or KIND/NAMESPACE/NAME, e.g. ks/flux-system")]
    Format(String),
    /// A kind the tree cannot start from.
    #[error(
        "cannot show a tree for kind '{0}': use Kustomization (ks), HelmRelease (hr), ResourceSet (rset) or FluxInstance (instance)"
    )]
    Kind(String),
}

impl RootSpec {
    /// Parses `KIND/NAME` or `KIND/NAMESPACE/NAME`; kinds are matched like kubectl short names.
    pub fn parse(text: &str) -> Result<Self, RootSpecError> {
        let parts: Vec<&str> = text.split('/').collect();
        let (kind, namespace, name) = match parts.as_slice() {
            [kind, name] => (*kind, None, *name),
            [kind, ns, name] => (*kind, Some(*ns), *name),
            _ => return Err(RootSpecError::Format(text.to_string())),
        };
        let valid = |s: &str| {
            !s.is_empty()
                && s.len() <= 253
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        };
        if kind.is_empty() || !valid(name) || namespace.is_some_and(|ns| !valid(ns)) {
            return Err(RootSpecError::Format(text.to_string()));
        }
        let expandable = find_alias(kind)
            .and_then(|k| Expandable::of(k.group, k.kind))
            .ok_or_else(|| RootSpecError::Kind(kind.to_string()))?;
        Ok(RootSpec {
            kind: expandable,
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        })
    }

    /// The root object: the namespace from the spec, else `-n`, else `flux-system`.
    pub fn object(&self, namespace_flag: Option<&str>) -> ObjRef {
        let namespace = self
            .namespace
            .as_deref()
            .or(namespace_flag)
            .unwrap_or(DEFAULT_NAMESPACE);
        ObjRef {
            group: self.kind.group().to_string(),
            kind: self.kind.kind().to_string(),
            namespace: namespace.to_string(),
            name: self.name.clone(),
            version: String::new(),
        }
    }
}

/// Why a cluster's tree could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// The cluster could not be reached (or the root's LIST failed in the client).
    #[error(transparent)]
    Kube(#[from] KubeError),
    /// The root object does not exist.
    #[error("{root} not found on cluster '{context}'")]
    RootNotFound {
        /// The kube context.
        context: String,
        /// `Kind/namespace/name`.
        root: String,
    },
    /// The root's kind could not be listed.
    #[error("cannot read {root} on cluster '{context}' ({reason}): {message}")]
    RootUnreadable {
        /// The kube context.
        context: String,
        /// `Kind/namespace/name`.
        root: String,
        /// `Forbidden`, `NotServed` or `ListFailed`.
        reason: &'static str,
        /// What the apiserver said.
        message: String,
    },
    /// The cluster's task ended without a result (a bug); the message says so already.
    #[error("{0}")]
    Internal(String),
}

/// What the tree shows and how hard it fetches.
#[derive(Clone, Copy, Debug)]
pub struct TreeOptions {
    /// `--compact`, `--depth`.
    pub walk: WalkOptions,
    /// Requests in flight at once per cluster.
    pub concurrency: usize,
    /// What is kept of each fetched object beyond what the tree shows.
    pub keep: Keep,
    /// How leaf kinds are fetched (the cost model unless forced).
    pub strategy: Strategy,
    /// The root is the default one ([`DEFAULT_ROOT`], or `-n`'s `flux-system` Kustomization): on a
    /// cluster without it, show the keos sync Kustomization `default` of that namespace instead
    /// (keos installs Flux outside git, so `default` is the whole cluster's root).
    pub keos_fallback: bool,
    /// Keep what each fetch learns about its root's first round between runs ([`memory`]).
    pub remember: bool,
}

impl TreeOptions {
    /// The options of one cluster's fetch, with the Flux LISTs its first round leaves out.
    pub fn fetch_options(&self, speculation: plan::Speculation) -> FetchOptions {
        FetchOptions {
            walk: self.walk,
            concurrency: self.concurrency,
            keep: self.keep,
            strategy: self.strategy,
            speculation,
        }
    }
}

/// The root `kubectl fleet tree` shows without an argument: what `flux bootstrap` and the d1
/// FluxInstance sync.
pub const DEFAULT_ROOT: &str = "Kustomization/flux-system/flux-system";

impl Default for TreeOptions {
    fn default() -> Self {
        TreeOptions {
            walk: WalkOptions::default(),
            concurrency: fetch::DEFAULT_CONCURRENCY,
            keep: Keep::default(),
            strategy: Strategy::Auto,
            keos_fallback: false,
            remember: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_roots_with_short_names() {
        let ks = RootSpec::parse("ks/apps").expect("valid");
        assert_eq!(
            (ks.kind, ks.namespace.as_deref()),
            (Expandable::Kustomization, None)
        );
        assert_eq!(
            ks.object(Some("tenants")).to_string(),
            "Kustomization/tenants/apps"
        );
        assert_eq!(ks.object(None).to_string(), "Kustomization/flux-system/apps");
        let hr = RootSpec::parse("HelmRelease/podinfo/podinfo").expect("valid");
        assert_eq!(
            hr.object(Some("ignored")).to_string(),
            "HelmRelease/podinfo/podinfo"
        );
        assert_eq!(
            RootSpec::parse("rset/a").expect("valid").kind,
            Expandable::ResourceSet
        );
        assert_eq!(
            RootSpec::parse("instance/flux").expect("valid").kind,
            Expandable::FluxInstance
        );
        assert_eq!(
            RootSpec::parse("Kustomization/flux-system/flux-system")
                .expect("valid")
                .object(None)
                .to_string(),
            "Kustomization/flux-system/flux-system"
        );
    }

    #[test]
    fn rejects_bad_roots() {
        for bad in ["flux-system", "ks/", "ks/a/b/c", "/x", "ks/Upper", "ks/a_b"] {
            assert!(
                matches!(RootSpec::parse(bad), Err(RootSpecError::Format(_))),
                "{bad}"
            );
        }
        assert_eq!(
            RootSpec::parse("deploy/x"),
            Err(RootSpecError::Kind("deploy".into()))
        );
        assert_eq!(RootSpec::parse("nope/x"), Err(RootSpecError::Kind("nope".into())));
    }
}
