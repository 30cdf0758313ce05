//! What the fetch plan learnt about a root on a cluster, kept between runs: which cluster-wide
//! LISTs of Flux kinds its first round can leave out ([`Speculation`]), and the leaf requests of
//! its last tree, sent with the first round ([`plan::ahead_round`]).
//!
//! The first round cannot know whether a root is the top of a deep tree (where listing every
//! Kustomization ahead of need saves a round per level) or a small subtree of a big cluster
//! (where that LIST is most of the apiserver's work). One fetch tells: the tree holds no object of
//! that kind below the root, or the LIST was cancelled unanswered because the walk had every Flux
//! object without it. The next `tree` of the same
//! root then does without it; if the tree has grown deeper since, the walk asks for what it
//! lacks (one more round) and the memory is corrected.
//!
//! Nor can the first round know the leaves: they are named by the inventories it fetches. But a
//! tree changes little between two looks, so the requests a fetch without memory would send for
//! the last tree's leaves ([`plan::leaf_plan`]: the same GETs and label-selected LISTs) are kept
//! and sent with the first round of the next: an unchanged tree then costs one round instead of
//! two, and in a big cluster the leaves' label scans overlap the Flux objects' round. A leaf the
//! memory does not cover is planned as usual (one more round); a remembered request that fails or
//! that nothing needs is forgotten; the memory is rewritten from every fresh tree.
//!
//! Like kubectl's discovery cache, it only shapes requests: the tree shown is the same with or
//! without it. One small JSON file per cluster and root under
//! `$XDG_CACHE_HOME/kubectl-fleet/tree-plan/` (else `~/.cache/…`), named by a hash of the
//! apiserver URL and the root, holding kinds, names and label selections (no object data). It is
//! a cache: a file that cannot be read or written costs speed, never a result.

use std::path::{Path, PathBuf};

use kube::api::ApiResource;
use serde::{Deserialize, Serialize};

use super::{
    model::{Expandable, GroupKind, ObjRef},
    plan::{self, Job, Selector, Speculation},
    snapshot::Owner,
};

/// At most this many leaf requests are remembered per root (a tree whose plan is longer is
/// fetched in two rounds, as without memory).
pub const AHEAD_MAX: usize = 256;

/// What the memory holds for one root.
#[derive(Clone, Debug, Default)]
pub struct Recalled {
    /// The cluster-wide LISTs of Flux kinds to leave out.
    pub speculation: Speculation,
    /// The leaf requests of the last tree.
    pub ahead: Vec<Job>,
    /// The file as read (to write only what changed).
    text: String,
}

/// The file: versioned, so that another layout is read as nothing learnt.
#[derive(Serialize, Deserialize)]
struct File {
    v: u32,
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    ahead: Vec<Ahead>,
}

const VERSION: u32 = 2;

/// One leaf request: a GET when `name` is set, else a LIST (label-selected when `owner_kind` is).
#[derive(Serialize, Deserialize)]
struct Ahead {
    group: String,
    version: String,
    kind: String,
    plural: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner_kind: Option<String>,
    /// Owners as `namespace/name`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    owners: Vec<String>,
    #[serde(default)]
    metadata_only: bool,
}

impl Ahead {
    fn of(job: &Job) -> Option<Ahead> {
        let (resource, namespace, name, selector, metadata_only) = match job {
            Job::Get {
                resource,
                namespace,
                name,
                metadata_only,
                ..
            } => (resource, namespace, Some(name), None, *metadata_only),
            Job::List {
                resource,
                namespace,
                selector,
                metadata_only,
                ..
            } => (resource, namespace, None, selector.as_ref(), *metadata_only),
            _ => return None,
        };
        Some(Ahead {
            group: resource.group.clone(),
            version: resource.version.clone(),
            kind: resource.kind.clone(),
            plural: resource.plural.clone(),
            namespace: namespace.clone(),
            name: name.cloned(),
            owner_kind: selector.map(|s| s.kind.kind().to_string()),
            owners: selector
                .map(|s| {
                    s.owners
                        .iter()
                        .map(|o| format!("{}/{}", o.namespace, o.name))
                        .collect()
                })
                .unwrap_or_default(),
            metadata_only,
        })
    }

    fn job(self) -> Option<Job> {
        let gk = GroupKind::new(&self.group, &self.kind);
        let api_version = if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        };
        let resource = ApiResource {
            group: self.group,
            version: self.version,
            api_version,
            kind: self.kind,
            plural: self.plural,
        };
        if let Some(name) = self.name {
            return Some(Job::Get {
                gk,
                resource,
                namespace: self.namespace,
                name,
                metadata_only: self.metadata_only,
                ahead: true,
            });
        }
        let selector = match self.owner_kind {
            Some(kind) => {
                let kind = Expandable::ALL.into_iter().find(|k| k.kind() == kind)?;
                let owners = self
                    .owners
                    .iter()
                    .map(|o| {
                        let (namespace, name) = o.split_once('/')?;
                        Some(Owner {
                            kind,
                            namespace: namespace.to_string(),
                            name: name.to_string(),
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                if owners.is_empty() || owners.len() > plan::SELECTOR_OWNERS_MAX {
                    return None;
                }
                Some(Selector { kind, owners })
            }
            None => None,
        };
        Some(Job::List {
            gk,
            resource,
            namespace: self.namespace,
            selector,
            metadata_only: self.metadata_only,
            wanted: Vec::new(),
            speculative: true,
        })
    }
}

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

/// What was learnt about `root` on the cluster at `server` (nothing when never stored, or
/// unreadable).
pub fn recall(dir: &Path, server: &str, root: &ObjRef) -> Recalled {
    let Ok(text) = std::fs::read_to_string(file(dir, server, root)) else {
        return Recalled::default();
    };
    let Ok(parsed) = serde_json::from_str::<File>(&text) else {
        return Recalled::default();
    };
    if parsed.v != VERSION {
        return Recalled::default();
    }
    let mut speculation = Speculation::default();
    for name in &parsed.skip {
        if let Some(kind) = Expandable::ALL.into_iter().find(|k| k.kind() == name) {
            speculation.set(kind, true);
        }
    }
    let ahead = parsed
        .ahead
        .into_iter()
        .take(AHEAD_MAX)
        .filter_map(Ahead::job)
        .collect();
    Recalled {
        speculation,
        ahead,
        text,
    }
}

/// Keeps what the last fetch of `root` learnt, when it differs from what was recalled (written
/// whole, then renamed into place: concurrent runs never see half a file).
pub fn remember(
    dir: &Path,
    server: &str,
    root: &ObjRef,
    before: &Recalled,
    learnt: Speculation,
    plan: &[Job],
) {
    let ahead: Vec<Ahead> = if plan.len() <= AHEAD_MAX {
        plan.iter().filter_map(Ahead::of).collect()
    } else {
        Vec::new()
    };
    let path = file(dir, server, root);
    if learnt.is_empty() && ahead.is_empty() {
        if !before.text.is_empty() {
            let _ = std::fs::remove_file(&path);
        }
        return;
    }
    let doc = File {
        v: VERSION,
        skip: learnt
            .skipped()
            .into_iter()
            .map(|k| k.kind().to_string())
            .collect(),
        ahead,
    };
    let Ok(text) = serde_json::to_string(&doc) else {
        return;
    };
    if text == before.text {
        return;
    }
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    };
    // A cache that cannot be written costs the next run a round, nothing else.
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

    fn resource(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: version.into(),
            api_version: if group.is_empty() {
                version.into()
            } else {
                format!("{group}/{version}")
            },
            kind: kind.into(),
            plural: plural.into(),
        }
    }

    fn leaf_plan() -> Vec<Job> {
        vec![
            Job::Get {
                gk: GroupKind::new("", "ConfigMap"),
                resource: resource("", "v1", "ConfigMap", "configmaps"),
                namespace: Some("apps".into()),
                name: "settings".into(),
                metadata_only: true,
                ahead: false,
            },
            Job::List {
                gk: GroupKind::new("bench.example.com", "Widget"),
                resource: resource("bench.example.com", "v1", "Widget", "widgets"),
                namespace: None,
                selector: Some(Selector {
                    kind: Expandable::Kustomization,
                    owners: vec![
                        Owner {
                            kind: Expandable::Kustomization,
                            namespace: "flux-system".into(),
                            name: "apps".into(),
                        },
                        Owner {
                            kind: Expandable::Kustomization,
                            namespace: "flux-system".into(),
                            name: "infra".into(),
                        },
                    ],
                }),
                metadata_only: false,
                wanted: vec![("apps".into(), "w1".into())],
                speculative: false,
            },
            Job::List {
                gk: GroupKind::new("apps", "Deployment"),
                resource: resource("apps", "v1", "Deployment", "deployments"),
                namespace: Some("apps".into()),
                selector: None,
                metadata_only: false,
                wanted: Vec::new(),
                speculative: false,
            },
        ]
    }

    /// The jobs as the file writes them.
    fn written(jobs: &[Job]) -> String {
        let ahead: Vec<Ahead> = jobs.iter().filter_map(Ahead::of).collect();
        serde_json::to_string(&ahead).expect("serialize")
    }

    #[test]
    fn remembers_per_cluster_and_root_and_forgets_when_nothing_is_learnt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let server = "https://127.0.0.1:6443";
        let mut skip = Speculation::default();
        skip.set(Expandable::Kustomization, true);
        skip.set(Expandable::FluxInstance, true);
        let nothing = Recalled::default();
        assert_eq!(
            recall(dir.path(), server, &root("team-a")).speculation,
            Speculation::default()
        );
        remember(dir.path(), server, &root("team-a"), &nothing, skip, &[]);
        let recalled = recall(dir.path(), server, &root("team-a"));
        assert_eq!(recalled.speculation, skip);
        assert!(recalled.ahead.is_empty());
        assert_eq!(
            recall(dir.path(), server, &root("team-b")).speculation,
            Speculation::default()
        );
        assert_eq!(
            recall(dir.path(), "https://10.0.0.1:6443", &root("team-a")).speculation,
            Speculation::default()
        );
        remember(
            dir.path(),
            server,
            &root("team-a"),
            &recalled,
            Speculation::default(),
            &[],
        );
        assert_eq!(
            recall(dir.path(), server, &root("team-a")).speculation,
            Speculation::default()
        );
        assert_eq!(std::fs::read_dir(dir.path()).map(|d| d.count()).unwrap_or(0), 0);
    }

    #[test]
    fn a_leaf_plan_comes_back_as_requests_sent_ahead_of_need() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = leaf_plan();
        remember(
            dir.path(),
            "s",
            &root("apps"),
            &Recalled::default(),
            Speculation::default(),
            &plan,
        );
        let recalled = recall(dir.path(), "s", &root("apps"));
        assert_eq!(written(&recalled.ahead), written(&plan));
        for job in &recalled.ahead {
            assert!(job.speculative(), "{job:?}");
            if let Job::List { wanted, .. } = job {
                assert!(
                    wanted.is_empty(),
                    "names of an earlier tree are not asked for: {job:?}"
                );
            }
        }
        if let Job::List { resource, .. } = &recalled.ahead[1] {
            assert_eq!(resource.api_version, "bench.example.com/v1");
        }
        // Unchanged: not written again.
        let path = std::fs::read_dir(dir.path())
            .expect("dir")
            .next()
            .expect("one file")
            .expect("entry")
            .path();
        let written_at = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime");
        let keep = |jobs: &[Job]| {
            remember(
                dir.path(),
                "s",
                &root("apps"),
                &recalled,
                Speculation::default(),
                jobs,
            );
        };
        std::thread::sleep(std::time::Duration::from_millis(20));
        keep(&plan);
        assert_eq!(
            std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .expect("mtime"),
            written_at
        );
        // Too long a plan is not kept.
        let long: Vec<Job> = (0..=AHEAD_MAX).map(|_| plan[0].clone()).collect();
        keep(&long);
        assert!(recall(dir.path(), "s", &root("apps")).ahead.is_empty());
    }

    #[test]
    fn an_unreadable_or_foreign_file_is_nothing_learnt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = file(dir.path(), "s", &root("a"));
        for text in [
            "Kustomization\n",
            "{\"v\":1,\"skip\":[\"Kustomization\"]}",
            "{\"v\":2,\"ahead\":[{\"group\":\"\"}]}",
            "\u{0}garbage",
        ] {
            std::fs::write(&path, text).expect("write");
            let recalled = recall(dir.path(), "s", &root("a"));
            assert_eq!(recalled.speculation, Speculation::default(), "{text}");
            assert!(recalled.ahead.is_empty(), "{text}");
        }
        // A selector naming no owner, or an unknown owner kind, is dropped; the rest is kept.
        std::fs::write(
            &path,
            r#"{"v":2,"ahead":[
                {"group":"","version":"v1","kind":"Service","plural":"services","owner_kind":"Kustomization"},
                {"group":"","version":"v1","kind":"Service","plural":"services","owner_kind":"Nope","owners":["a/b"]},
                {"group":"","version":"v1","kind":"Service","plural":"services","namespace":"a","name":"b"}]}"#,
        )
        .expect("write");
        assert_eq!(recall(dir.path(), "s", &root("a")).ahead.len(), 1);
    }

    #[test]
    fn an_unwritable_directory_costs_nothing_but_the_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, "not a directory").expect("write");
        let mut skip = Speculation::default();
        skip.set(Expandable::Kustomization, true);
        remember(
            &blocked,
            "s",
            &root("a"),
            &Recalled::default(),
            skip,
            &leaf_plan(),
        );
        assert_eq!(
            recall(&blocked, "s", &root("a")).speculation,
            Speculation::default()
        );
    }
}
