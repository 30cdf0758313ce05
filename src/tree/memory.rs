//! What the fetch plan learnt about a root on a cluster, kept between runs: which cluster-wide
//! LISTs of Flux kinds its first round can leave out ([`Speculation`]).
//!
//! The first round cannot know whether a root is the top of a deep tree (where listing every
//! Kustomization ahead of need saves a round per level) or a small subtree of a big cluster
//! (where that LIST is most of the apiserver's work). One fetch tells: the LIST was cancelled
//! unanswered because the walk had every Flux object without it. The next `tree` of the same
//! root then does without it; if the tree has grown deeper since, the walk asks for what it
//! lacks (one more round) and the memory is corrected. Like kubectl's discovery cache, it only
//! shapes requests: the tree shown is the same with or without it.
//!
//! One small file per cluster and root under `$XDG_CACHE_HOME/kubectl-fleet/tree-plan/` (else
//! `~/.cache/…`), named by a hash of the apiserver URL and the root, holding kind names only.
//! It is a cache: a file that cannot be read or written costs speed, never a result.

use std::path::{Path, PathBuf};

use super::{
    model::{Expandable, ObjRef},
    plan::Speculation,
};

/// The directory of the memory files, when a cache directory is known.
pub fn default_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("kubectl-fleet").join("tree-plan"))
}

fn file(dir: &Path, server: &str, root: &ObjRef) -> PathBuf {
    let key = format!(
        "{server}\n{}/{}/{}/{}",
        root.group, root.kind, root.namespace, root.name
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
    let name: String = digest.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(name)
}

/// What was learnt about `root` on the cluster at `server` (nothing when never stored).
pub fn recall(dir: &Path, server: &str, root: &ObjRef) -> Speculation {
    let mut speculation = Speculation::default();
    let Ok(text) = std::fs::read_to_string(file(dir, server, root)) else {
        return speculation;
    };
    for name in text.split_whitespace() {
        if let Some(kind) = Expandable::ALL.into_iter().find(|k| k.kind() == name) {
            speculation.set(kind, true);
        }
    }
    speculation
}

/// Keeps what the last fetch of `root` learnt, when it differs from what it started with
/// (written whole, then renamed into place: concurrent runs never see half a file).
pub fn remember(dir: &Path, server: &str, root: &ObjRef, before: Speculation, learnt: Speculation) {
    if before == learnt {
        return;
    }
    let path = file(dir, server, root);
    if learnt.is_empty() {
        let _ = std::fs::remove_file(&path);
        return;
    }
    let text: Vec<&str> = learnt.skipped().into_iter().map(Expandable::kind).collect();
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, format!("{}\n", text.join(" ")).as_bytes())?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    };
    // A cache that cannot be written costs the next run one LIST, nothing else.
    let _ = write();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(name: &str) -> ObjRef {
        ObjRef {
            group: "kustomize.toolkit.fluxcd.io".into(),
            kind: "Kustomization".into(),
            namespace: "flux-system".into(),
            name: name.into(),
            version: String::new(),
        }
    }

    #[test]
    fn remembers_per_cluster_and_root_and_forgets_when_nothing_is_left_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let server = "https://127.0.0.1:6443";
        let mut skip = Speculation::default();
        skip.set(Expandable::Kustomization, true);
        skip.set(Expandable::FluxInstance, true);
        assert_eq!(
            recall(dir.path(), server, &root("team-a")),
            Speculation::default()
        );
        remember(dir.path(), server, &root("team-a"), Speculation::default(), skip);
        assert_eq!(recall(dir.path(), server, &root("team-a")), skip);
        assert_eq!(
            recall(dir.path(), server, &root("team-b")),
            Speculation::default()
        );
        assert_eq!(
            recall(dir.path(), "https://10.0.0.1:6443", &root("team-a")),
            Speculation::default()
        );
        remember(dir.path(), server, &root("team-a"), skip, Speculation::default());
        assert_eq!(
            recall(dir.path(), server, &root("team-a")),
            Speculation::default()
        );
        assert_eq!(std::fs::read_dir(dir.path()).map(|d| d.count()).unwrap_or(0), 0);
    }

    #[test]
    fn an_unwritable_directory_costs_nothing_but_the_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, "not a directory").expect("write");
        let mut skip = Speculation::default();
        skip.set(Expandable::Kustomization, true);
        remember(&blocked, "s", &root("a"), Speculation::default(), skip);
        assert_eq!(recall(&blocked, "s", &root("a")), Speculation::default());
    }
}
