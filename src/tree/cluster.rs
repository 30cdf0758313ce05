//! The tree of one cluster, as the command shows it: the fetched tree, its summary and the
//! warnings about what could not be read. The command runs it on every selected cluster
//! concurrently; a cluster that fails is reported on its own and never hides the others.

use super::{
    TreeError, TreeOptions,
    fetch::{FetchOptions, Stats, fetch},
    model::{Node, ObjRef, Summary},
};
use crate::kube::KubeTarget;

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
}

/// The outcome on one cluster.
#[derive(Debug)]
pub struct ClusterOutcome {
    /// The kube context.
    pub context: String,
    /// The tree, or why there is none.
    pub result: Result<ClusterTree, TreeError>,
}

/// Builds the tree under `root` on one cluster.
pub async fn tree_cluster(
    target: &KubeTarget,
    root: &ObjRef,
    options: TreeOptions,
) -> Result<ClusterTree, TreeError> {
    let fetched = fetch(
        target,
        root,
        FetchOptions {
            walk: options.walk,
            concurrency: options.concurrency,
            keep: options.keep,
            strategy: options.strategy,
        },
    )
    .await?;
    let walked = fetched.walked;
    let node = walked.root.ok_or_else(|| TreeError::RootNotFound {
        context: target.context.clone(),
        root: root.to_string(),
    })?;
    let mut warnings = fetched.warnings;
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
        stats: fetched.stats,
    })
}
