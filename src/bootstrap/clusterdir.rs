//! A cluster directory of the fleet repository, loaded for bootstrapping: which layout it uses, what
//! bootstrap applies from it (the FluxInstance, or the built classic `flux-system/` manifests), the
//! namespace Flux runs in, the git Secret the sync reads and the objects to wait for.
//!
//! Every YAML file under the directory is parsed, because kustomize-controller will apply every one
//! of them once Flux syncs: a malformed file is reported now, by path, instead of as a failed
//! reconciliation later.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{
    BootstrapError,
    files::{is_kustomization_file, read, yaml_files},
    spec::{ClusterLayout, DEFAULT_NAMESPACE},
};
use crate::{
    error::Result,
    manifests::{
        kustomize::{self, BuildOptions, LazyKustomize},
        pointer::{self, str_at},
        yaml,
    },
    repo::{
        FleetRepo, clusters,
        names::{self, GitAccess},
    },
};

/// A Flux object bootstrap waits for, with its kind for messages (a namespaced name alone is
/// `credentials::ObjectKey`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitTarget {
    /// `apiVersion`.
    pub api_version: String,
    /// Kind.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl std::fmt::Display for WaitTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// A loaded cluster directory.
#[derive(Clone, Debug)]
pub struct ClusterDir {
    /// The cluster directory name.
    pub name: String,
    /// Repository-relative path (`clusters/NAME`).
    pub path: PathBuf,
    /// d1 or classic.
    pub layout: ClusterLayout,
    /// The namespace Flux runs in.
    pub namespace: String,
    /// What bootstrap applies: the FluxInstance, or the built classic manifests.
    pub objects: Vec<Value>,
    /// The git Secret the sync source reads, when the repository is private.
    pub pull_secret: Option<String>,
    /// The sync source's `provider` (FluxInstance `spec.sync.provider`, GitRepository
    /// `spec.provider`; None = `generic`), and the file or directory that declares it: a GitHub
    /// App Secret works only with `github`, a token Secret only without it.
    pub sync_provider: (Option<String>, PathBuf),
    /// The sync GitRepository's name on the cluster (d1: the one flux-operator generates).
    pub sync_source: String,
    /// The objects that must become Ready, in order (FluxInstance, then the sync Kustomization).
    pub wait_for: Vec<WaitTarget>,
    /// The Flux distribution version expression (d1), for the Kubernetes version check.
    pub flux_version: Option<String>,
    /// Things worth telling the user (e.g. a sync path that points at another cluster).
    pub warnings: Vec<String>,
}

/// The cluster paths under `clusters/` (nested ones as `sts-devpkg/eu`), sorted.
pub fn cluster_names(repo: &FleetRepo) -> Vec<String> {
    clusters::cluster_paths(repo)
}

/// `clusters/NAME`, checked to be a valid cluster path (each segment a DNS label, so `.` and `..`
/// are refused) and to exist.
pub fn locate(repo: &FleetRepo, name: &str) -> Result<PathBuf, BootstrapError> {
    names::cluster_path("cluster", name)?;
    let rel = PathBuf::from("clusters").join(name);
    if repo.path(&rel).is_dir() {
        Ok(rel)
    } else {
        Err(BootstrapError::UnknownCluster {
            cluster: name.to_string(),
            root: std::fs::canonicalize(repo.root()).unwrap_or_else(|_| repo.root().to_path_buf()),
            available: cluster_names(repo),
        })
    }
}

/// `clusters/NAME` as the source of `--from`: besides a cluster path, a template directory whose
/// segments start with `_` (`_TEMPLATE`, as keos fleets keep one) — never a cluster itself, so its
/// name need not be a DNS label, but the same rule refuses `.`, `..` and absolute paths.
pub fn locate_source(repo: &FleetRepo, name: &str) -> Result<PathBuf, BootstrapError> {
    let unprefixed: Vec<String> = name
        .split('/')
        .map(|segment| segment.strip_prefix('_').unwrap_or(segment).to_ascii_lowercase())
        .collect();
    if name.contains('_') && names::cluster_path("--from", &unprefixed.join("/")).is_ok() {
        let rel = PathBuf::from("clusters").join(name);
        if repo.path(&rel).is_dir() {
            return Ok(rel);
        }
    }
    locate(repo, name)
}

/// Parses every YAML file under a cluster directory; returns `(relative path, objects)`.
pub fn parse_all(repo: &FleetRepo, rel_dir: &Path) -> Result<Vec<(PathBuf, Vec<Value>)>> {
    let mut out = Vec::new();
    for abs in yaml_files(&repo.path(rel_dir))? {
        let rel = abs.strip_prefix(repo.root()).unwrap_or(&abs).to_path_buf();
        let text = read(repo, &rel)?;
        let origin = rel.display().to_string();
        let docs = if is_kustomization_file(&rel) {
            yaml::from_multi_doc(&text, &origin)?;
            Vec::new()
        } else {
            yaml::objects_from_multi_doc(&text, &origin)?
        };
        out.push((rel, docs));
    }
    Ok(out)
}

fn normalize_path(p: &str) -> String {
    p.trim_start_matches("./").trim_end_matches('/').to_string()
}

fn invalid(path: impl Into<PathBuf>, reason: impl Into<String>) -> BootstrapError {
    BootstrapError::InvalidClusterDir {
        path: path.into(),
        reason: reason.into(),
    }
}

/// The sync source reads a token Secret, so its URL must take a token: HTTPS, or plain http only
/// with `--insecure-http` (the token would cross the network unencrypted). Shared by the d1,
/// classic and keos loaders.
pub fn check_token_url(
    path: &Path,
    what: &str,
    url: &str,
    insecure_http: bool,
) -> Result<(), BootstrapError> {
    names::git_url(
        &format!("{} {what}", path.display()),
        url,
        GitAccess::Token { insecure_http },
    )?;
    Ok(())
}

/// Loads `clusters/NAME` for bootstrapping. A classic `flux-system/` directory is built with the
/// real kustomize (`kustomize`, located on first use), as kustomize-controller will build it.
/// `insecure_http` is `--insecure-http`: a plain http sync URL is accepted with a token.
pub fn load(
    repo: &FleetRepo,
    name: &str,
    kustomize: &LazyKustomize,
    insecure_http: bool,
) -> Result<ClusterDir> {
    let rel = locate(repo, name)?;
    let files = parse_all(repo, &rel)?;
    let instances: Vec<(&PathBuf, &Value)> = files
        .iter()
        .flat_map(|(p, docs)| docs.iter().map(move |d| (p, d)))
        .filter(|(_, d)| {
            pointer::kind(d) == "FluxInstance"
                && str_at(d, "/apiVersion").is_some_and(|a| a.starts_with("fluxcd.controlplane.io/"))
        })
        .collect();
    let expected_path = format!("clusters/{name}");
    let mut warnings = Vec::new();
    match instances.as_slice() {
        [(file, instance)] => {
            let namespace = str_at(instance, "/metadata/namespace")
                .unwrap_or(DEFAULT_NAMESPACE)
                .to_string();
            let mut instance = (*instance).clone();
            pointer::set(
                &mut instance,
                "/metadata/namespace",
                Some(namespace.clone().into()),
            );
            let mut wait_for = vec![WaitTarget {
                api_version: "fluxcd.controlplane.io/v1".into(),
                kind: "FluxInstance".into(),
                namespace: namespace.clone(),
                name: str_at(&instance, "/metadata/name").unwrap_or("flux").to_string(),
            }];
            let mut pull_secret = None;
            let mut sync_source = namespace.clone();
            let sync_provider = (
                str_at(&instance, "/spec/sync/provider").map(str::to_string),
                (*file).clone(),
            );
            if let Some(sync) = instance.pointer("/spec/sync") {
                let kind = str_at(sync, "/kind").unwrap_or_default();
                if kind == "GitRepository" {
                    pull_secret = str_at(sync, "/pullSecret").map(str::to_string);
                    if pull_secret.is_some() {
                        check_token_url(
                            file,
                            "spec.sync.url",
                            str_at(sync, "/url").unwrap_or_default(),
                            insecure_http,
                        )?;
                    }
                }
                let path = normalize_path(str_at(sync, "/path").unwrap_or_default());
                if path != expected_path {
                    warnings.push(format!(
                        "{}: spec.sync.path is '{path}', not '{expected_path}'",
                        file.display()
                    ));
                }
                // The operator names the sync source and Kustomization after `sync.name`, or the
                // namespace when unset.
                sync_source = str_at(sync, "/name").unwrap_or(&namespace).to_string();
                wait_for.push(WaitTarget {
                    api_version: "kustomize.toolkit.fluxcd.io/v1".into(),
                    kind: "Kustomization".into(),
                    namespace: namespace.clone(),
                    name: sync_source.clone(),
                });
            }
            let flux_version = str_at(&instance, "/spec/distribution/version").map(str::to_string);
            Ok(ClusterDir {
                name: name.to_string(),
                path: rel,
                layout: ClusterLayout::D1,
                namespace,
                objects: vec![instance],
                pull_secret,
                sync_provider,
                sync_source,
                wait_for,
                flux_version,
                warnings,
            })
        }
        [] => {
            let fs = rel.join("flux-system");
            // kustomize-controller generates a kustomization.yaml for a directory without one, so
            // `flux-system/` with only gotk-components.yaml and gotk-sync.yaml builds too.
            let buildable = repo.path(&fs).is_dir()
                && (kustomize::has_kustomization(&repo.path(&fs))
                    || !yaml_files(&repo.path(&fs))?.is_empty());
            if !buildable {
                return Err(invalid(
                    &rel,
                    "no FluxInstance (flux-system/flux-instance.yaml) and no classic \
                     flux-system/ manifests (gotk-components.yaml, gotk-sync.yaml): nothing to bootstrap \
                     (create the directory with kubectl fleet bootstrap init)",
                )
                .into());
            }
            let objects = kustomize::build(
                &fs,
                &BuildOptions {
                    kustomize: kustomize.get()?,
                    root: repo.root(),
                },
            )?;
            let repos: Vec<&Value> = objects
                .iter()
                .filter(|o| pointer::kind(o) == "GitRepository")
                .collect();
            let sync = objects.iter().find(|o| {
                pointer::kind(o) == "Kustomization"
                    && str_at(o, "/spec/sourceRef/kind") == Some("GitRepository")
                    && repos
                        .iter()
                        .any(|r| str_at(r, "/metadata/name") == str_at(o, "/spec/sourceRef/name"))
            });
            let Some(sync) = sync else {
                return Err(invalid(
                    &fs,
                    "the built manifests have no Kustomization syncing from a GitRepository (gotk-sync.yaml)",
                )
                .into());
            };
            let namespace = str_at(sync, "/metadata/namespace")
                .unwrap_or(DEFAULT_NAMESPACE)
                .to_string();
            let source_name = str_at(sync, "/spec/sourceRef/name").unwrap_or_default();
            let sync_source = source_name.to_string();
            let source = repos
                .iter()
                .find(|r| str_at(r, "/metadata/name") == Some(source_name));
            let pull_secret = source
                .and_then(|r| str_at(r, "/spec/secretRef/name"))
                .map(str::to_string);
            let sync_provider = (
                source
                    .and_then(|r| str_at(r, "/spec/provider"))
                    .map(str::to_string),
                fs.clone(),
            );
            if pull_secret.is_some()
                && let Some(r) = source
            {
                check_token_url(
                    &fs,
                    "GitRepository url",
                    str_at(r, "/spec/url").unwrap_or_default(),
                    insecure_http,
                )?;
            }
            let path = normalize_path(str_at(sync, "/spec/path").unwrap_or_default());
            if path != expected_path {
                warnings.push(format!(
                    "{}: the sync Kustomization path is '{path}', not '{expected_path}'",
                    fs.display()
                ));
            }
            let wait_for = vec![WaitTarget {
                api_version: "kustomize.toolkit.fluxcd.io/v1".into(),
                kind: "Kustomization".into(),
                namespace: namespace.clone(),
                name: str_at(sync, "/metadata/name").unwrap_or_default().to_string(),
            }];
            Ok(ClusterDir {
                name: name.to_string(),
                path: rel,
                layout: ClusterLayout::Classic,
                namespace,
                objects,
                pull_secret,
                sync_provider,
                sync_source,
                wait_for,
                flux_version: None,
                warnings,
            })
        }
        many => Err(invalid(
            &rel,
            format!(
                "{} FluxInstances found ({}); a cluster has exactly one",
                many.len(),
                many.iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into()),
    }
}
