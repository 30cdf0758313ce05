//! The clusters of a fleet repository: the directories below `clusters/`, which may be nested
//! (`clusters/sts-devpkg/eu`, flux-platform's `<name>/<region>`), and the kube context each maps
//! to by default.
//!
//! A directory below `clusters/` is a cluster when it has a `flux-system/` directory (what both
//! `flux bootstrap` and `bootstrap init` write); otherwise it groups clusters when any directory
//! below it is one; a top-level directory that is neither is still listed, so a half-written
//! cluster is named (and refused with a reason) rather than silently skipped. Directories whose
//! name starts with `.` or `_` (`_components`, shared kustomize Components) are never clusters.
//! keos fleets keep one fixed level (`clusters/<c>/{default,override,secrets}`), so there every
//! top-level directory is a cluster.

use std::path::Path;

use super::{FleetRepo, Profile};

/// The kube context a cluster path maps to unless told otherwise: the path with `/` → `-`
/// (`sts-devpkg/eu` → `sts-devpkg-eu`; `staging` → `staging`).
pub fn default_context(cluster: &str) -> String {
    cluster.replace('/', "-")
}

fn subdirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.') && !n.starts_with('_'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The cluster paths below `clusters/` (relative to it, `/`-separated), sorted.
pub fn cluster_paths(repo: &FleetRepo) -> Vec<String> {
    let root = repo.path("clusters");
    let top = subdirs(&root);
    if repo.config().profile == Profile::Keos {
        return top;
    }
    let mut out = Vec::new();
    for name in top {
        let found = nested(&root.join(&name), &name);
        if found.is_empty() {
            out.push(name);
        } else {
            out.extend(found);
        }
    }
    out.sort();
    out
}

/// The clusters at or below `dir` (whose path is `path`).
fn nested(dir: &Path, path: &str) -> Vec<String> {
    if dir.join("flux-system").is_dir() {
        return vec![path.to_string()];
    }
    subdirs(dir)
        .into_iter()
        // A cluster's own directories (secrets, tenants) are not searched for further clusters.
        .flat_map(|n| nested(&dir.join(&n), &format!("{path}/{n}")))
        .collect()
}

/// The cluster directory a kube context belongs to by the default mapping: `clusters/<context>`
/// when it exists, else the one cluster whose path maps to the context (`sts-devpkg/eu` for
/// `sts-devpkg-eu`). `None` when there is none, or when several would (`a-b` and `a/b`).
pub fn cluster_for_context(repo: &FleetRepo, context: &str) -> Option<String> {
    if super::names::cluster_path("cluster", context).is_ok() && repo.path("clusters").join(context).is_dir()
    {
        return Some(context.to_string());
    }
    let mut matches = cluster_paths(repo)
        .into_iter()
        .filter(|c| default_context(c) == context);
    let first = matches.next()?;
    matches.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_clusters_are_found_and_mapped_to_contexts() {
        let dir = tempfile::tempdir().expect("temp dir");
        for d in [
            "clusters/staging/flux-system",
            "clusters/sts-devpkg/eu/flux-system",
            "clusters/sts-devpkg/us/flux-system",
            "clusters/sts-devpkg/eu/secrets",
            "clusters/_components/production",
            "clusters/half-written",
        ] {
            std::fs::create_dir_all(dir.path().join(d)).expect("mkdir");
        }
        let repo = FleetRepo::open(dir.path()).expect("repo");
        assert_eq!(
            cluster_paths(&repo),
            ["half-written", "staging", "sts-devpkg/eu", "sts-devpkg/us"]
        );
        assert_eq!(default_context("sts-devpkg/eu"), "sts-devpkg-eu");
        assert_eq!(
            cluster_for_context(&repo, "sts-devpkg-eu").as_deref(),
            Some("sts-devpkg/eu")
        );
        assert_eq!(cluster_for_context(&repo, "staging").as_deref(), Some("staging"));
        assert_eq!(cluster_for_context(&repo, "prod"), None);
        std::fs::create_dir_all(dir.path().join("clusters/sts-devpkg-eu/flux-system")).expect("mkdir");
        assert_eq!(
            cluster_for_context(&repo, "sts-devpkg-eu").as_deref(),
            Some("sts-devpkg-eu"),
            "the exact directory wins"
        );
    }
}
