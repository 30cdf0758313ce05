//! The tree of one cluster, as the command shows it: the fetched tree, its summary and the
//! warnings about what could not be read; and the fleet view, every selected cluster at once,
//! where a cluster that fails is reported on its own and never hides the others.

use super::{
    TreeError, TreeOptions,
    fetch::{Stats, Wire, fetch_remembered, fetch_wire},
    model::{Expandable, Node, ObjRef, Summary},
};
use crate::{
    bootstrap::keos::{
        ROOT_KUSTOMIZATION,
        cluster::{KeosRuntime, runtime_on},
    },
    kube::KubeTarget,
    ops::{DEFAULT_CONCURRENCY, Runner},
    output::Reporter,
    repo::Profile,
};

/// The tree of one cluster.
#[derive(Debug)]
pub struct ClusterTree {
    /// The root node (unfiltered by `--status`; the caller filters for display).
    pub root: Node,
    /// Counts by status over the whole tree.
    pub summary: Summary,
    /// What could not be read, one line each (also shown on the nodes concerned).
    pub warnings: Vec<String>,
    /// What the fetch cost.
    pub stats: Stats,
    /// keos: the use case and size of the cluster's `keos-runtime-info`, when the tree holds it.
    pub runtime: Option<KeosRuntime>,
}

impl ClusterTree {
    /// keos: `keos talk-to-your-data (size S)`, as `bootstrap status` says it.
    pub fn runtime_label(&self) -> Option<String> {
        self.runtime
            .as_ref()
            .map(|r| format!("keos {} (size {})", r.use_case, r.size))
    }
}

/// The outcome on one cluster.
#[derive(Debug)]
pub struct ClusterOutcome {
    /// The kube context.
    pub context: String,
    /// The tree, or why there is none.
    pub result: Result<ClusterTree, TreeError>,
}

/// Builds the tree under `root` on every cluster, each on its own task through [`Runner::spawn`]:
/// decoding large LISTs and walking big trees is client CPU, so several clusters use every core
/// instead of taking turns on the caller's task. Outcomes come back in the order of `targets`.
pub async fn tree_fleet(
    reporter: &dyn Reporter,
    targets: Vec<KubeTarget>,
    root: &ObjRef,
    options: TreeOptions,
) -> Vec<ClusterOutcome> {
    let items = targets
        .into_iter()
        .map(|target| (target.context.clone(), target))
        .collect();
    let reports = Runner::new(reporter, DEFAULT_CONCURRENCY)
        .reported_by_caller()
        .spawn(
            items,
            |target, step| {
                let root = root.clone();
                async move {
                    step.set(format!("listing what {root} manages"));
                    let result = tree_cluster(&target, &root, options).await;
                    // The cluster's typed error is kept for its report; the runner only sees
                    // tasks that could not finish at all.
                    Ok(result)
                }
            },
            |result| match result {
                Ok(tree) => tree.summary.line(),
                Err(_) => "failed".to_string(),
            },
        )
        .await;
    reports
        .into_iter()
        .map(|report| ClusterOutcome {
            context: report.target,
            result: report
                .outcome
                .unwrap_or_else(|e| Err(TreeError::Internal(e.message))),
        })
        .collect()
}

/// Builds the tree under `root` on one cluster (with [`TreeOptions::keos_fallback`], under the
/// keos sync Kustomization `default` when `root` does not exist; that costs a second fetch only
/// there).
pub async fn tree_cluster(
    target: &KubeTarget,
    root: &ObjRef,
    options: TreeOptions,
) -> Result<ClusterTree, TreeError> {
    tree_cluster_wire(target, root, options, Wire::Auto).await
}

/// [`tree_cluster`] with LIST responses in the given encoding (tests compare them).
pub async fn tree_cluster_wire(
    target: &KubeTarget,
    root: &ObjRef,
    options: TreeOptions,
    wire: Wire,
) -> Result<ClusterTree, TreeError> {
    match tree_under(target, root, options, wire).await {
        Err(missing @ TreeError::RootNotFound { .. })
            if options.keos_fallback && root.expandable() == Some(Expandable::Kustomization) =>
        {
            let keos = ObjRef {
                name: ROOT_KUSTOMIZATION.to_string(),
                ..root.clone()
            };
            match tree_under(target, &keos, options, wire).await {
                Err(TreeError::RootNotFound { .. }) => Err(missing),
                other => other,
            }
        }
        other => other,
    }
}

async fn tree_under(
    target: &KubeTarget,
    root: &ObjRef,
    options: TreeOptions,
    wire: Wire,
) -> Result<ClusterTree, TreeError> {
    let memory = options.remember.then(super::memory::default_dir).flatten();
    let recalled = memory
        .as_deref()
        .map(|dir| super::memory::recall(dir, &target.server, root))
        .unwrap_or_default();
    let fetch_options = options.fetch_options(recalled.speculation);
    let fetched = match &memory {
        Some(_) => fetch_remembered(target, root, fetch_options, wire, recalled.ahead.clone()).await?,
        None => fetch_wire(target, root, fetch_options, wire).await?,
    };
    if let Some(dir) = &memory {
        // A compact or depth-limited view fetches fewer leaves than the tree has: it keeps the
        // leaf requests the last full view remembered.
        let full = !options.walk.compact && options.walk.max_depth.is_none();
        let plan = if full { &fetched.leaf_plan } else { &recalled.ahead };
        super::memory::remember(dir, &target.server, root, &recalled, fetched.learnt, plan);
    }
    let mut tree = finish(
        &target.context,
        root,
        fetched.walked,
        fetched.warnings,
        fetched.stats,
    )?;
    tree.runtime = keos_runtime(target, &tree.root, &mut tree.warnings).await;
    Ok(tree)
}

/// The tree of a finished walk, with every warning once (also used by [`super::watch`]); without
/// the keos runtime info, which [`tree_under`] reads.
pub(crate) fn finish(
    context: &str,
    root: &ObjRef,
    walked: super::walk::Walked,
    mut warnings: Vec<String>,
    stats: Stats,
) -> Result<ClusterTree, TreeError> {
    let node = walked.root.ok_or_else(|| TreeError::RootNotFound {
        context: context.to_string(),
        root: root.to_string(),
    })?;
    warnings.extend(walked.warnings);
    for ((kind, reason, message), n) in walked.unknown {
        let noun = if n == 1 { "object" } else { "objects" };
        warnings.push(format!(
            "{n} {kind} {noun} shown as Unknown ({reason}): {message}"
        ));
    }
    // The same problem can be met on several paths (an object in two inventories).
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    Ok(ClusterTree {
        summary: Summary::of(&node),
        root: node,
        warnings,
        stats,
        // keos runtime info needs a request: the caller with a client adds it.
        runtime: None,
    })
}

/// keos: when the tree holds ConfigMap `keos-runtime-info` (Kustomization `default` applies it),
/// its use case and size, read with one GET outside the fetch (the tree keeps no ConfigMap data).
/// Other trees cost nothing more.
async fn keos_runtime(target: &KubeTarget, root: &Node, warnings: &mut Vec<String>) -> Option<KeosRuntime> {
    let name = Profile::Keos.runtime_info_name();
    let mut namespace = None;
    root.visit(0, &mut |n, _| {
        let o = &n.object;
        if namespace.is_none() && o.group.is_empty() && o.kind == "ConfigMap" && o.name == name {
            namespace = Some(o.namespace.clone());
        }
    });
    match runtime_on(target, &namespace?).await {
        Ok(runtime) => runtime,
        Err(e) => {
            warnings.push(format!("cannot read the keos runtime info: {e}"));
            None
        }
    }
}
