//! Input validation, before anything is generated: Kubernetes name rules (so the apiserver never
//! rejects half of a tenant), git URLs Flux accepts, path templates that select a per-cluster
//! overlay, and which namespaces the fleet repository already assigns to which tenant.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::TenantError;
use crate::{
    credentials::TENANT_LABEL,
    manifests::yaml,
    repo::{
        FleetRepo, Layout, NameError,
        layout::NamespaceRoots,
        names::{self, GitAccess, GitProvider, RESERVED_NAMESPACES},
    },
};

/// Validates a tenant namespace: a DNS-1123 label short enough for `flux-<namespace>` (the
/// Kustomization name, which Flux copies into a label value), and neither a system namespace nor
/// the fleet's Flux namespace. (A cluster whose directory puts Flux elsewhere is checked again in
/// its preflight.)
pub fn namespace(layout: &Layout, name: &str) -> Result<(), TenantError> {
    names::dns_label_max("namespace", name, 58)?;
    if RESERVED_NAMESPACES.contains(&name) {
        return Err(NameError::new(
            "namespace",
            name,
            "it is a system namespace; tenants get namespaces of their own",
        )
        .into());
    }
    if name == layout.flux_namespace() {
        return Err(NameError::new(
            "namespace",
            name,
            "it is the fleet's Flux namespace (fluxNamespace in kubectl-fleet.yaml); tenants get namespaces of their own",
        )
        .into());
    }
    Ok(())
}

/// Validates a tenant name: a DNS-1123 label short enough for `flux-<tenant>` and
/// `<tenant>-update`.
pub fn tenant(layout: &Layout, name: &str) -> Result<(), TenantError> {
    names::dns_label_max("tenant", name, 56)?;
    if let Some(reason) = layout.reserved_tenant(name) {
        return Err(NameError::new("tenant", name, reason).into());
    }
    Ok(())
}

/// Validates a tenant or component git URL. Its GitRepository reads a token Secret, so HTTPS only
/// (plain http with `--insecure-http`), with a host; tokens in URLs are refused: they would end up
/// in the repository.
pub fn git_url(url: &str, insecure_http: bool) -> Result<(), TenantError> {
    Ok(names::git_url(
        "git URL",
        url,
        GitAccess::Token { insecure_http },
    )?)
}

/// Validates a Kustomization path template: relative, inside the source, and containing the
/// overlay variable so each cluster reconciles its own overlay.
pub fn path_template(layout: &Layout, path: &str) -> Result<(), TenantError> {
    let invalid = |reason: &str| TenantError::InvalidPath {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    if path.trim().is_empty() {
        return Err(invalid("it is empty"));
    }
    if path.starts_with('/') {
        return Err(invalid(
            "use a path relative to the repository root, e.g. ./components/…",
        ));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(invalid("'..' would leave the source repository"));
    }
    if path.chars().any(char::is_whitespace) {
        return Err(invalid("it contains whitespace"));
    }
    let variable = layout.overlay_var();
    if !path.contains(variable) {
        return Err(TenantError::PathTemplate {
            path: path.to_string(),
            variable: variable.to_string(),
        });
    }
    Ok(())
}

/// A namespace the fleet repository onboards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Onboarded {
    /// The namespace.
    pub namespace: String,
    /// Its tenant.
    pub tenant: String,
    /// Its directory, relative to the repository root.
    pub dir: PathBuf,
}

/// Every namespace directory the repository holds (d1: `tenants/*/components/*/`, plus each
/// tenant's `update/`; keos: `domain/apps/*/components/*/`), with the namespace its
/// kustomization.yaml sets and the tenant it belongs to. Sorted by directory.
pub fn onboarded_namespaces(repo: &FleetRepo, layout: &Layout) -> Result<Vec<Onboarded>, TenantError> {
    let mut out = Vec::new();
    match layout.namespace_roots() {
        NamespaceRoots::PerTenant { base, sub } => {
            for tenant_dir in subdirs(repo, &base)? {
                let tenant = file_name(&tenant_dir);
                let mut dirs = subdirs(repo, &tenant_dir.join(sub))?;
                dirs.push(tenant_dir.join("update"));
                for dir in dirs {
                    if let Some(ns) = read_namespace_dir(repo, &dir, Some(&tenant))? {
                        out.push(ns);
                    }
                }
            }
        }
        NamespaceRoots::PerUseCase { base, sub } => {
            for use_case in subdirs(repo, &base)? {
                for dir in subdirs(repo, &use_case.join(sub))? {
                    if let Some(ns) = read_namespace_dir(repo, &dir, None)? {
                        out.push(ns);
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(out)
}

/// Refuses a namespace that the repository already assigns to another tenant, or already
/// declares in another directory (two directories would apply the same objects twice).
pub fn namespace_is_free(
    onboarded: &[Onboarded],
    namespace: &str,
    tenant: &str,
    dir: &Path,
) -> Result<(), TenantError> {
    for o in onboarded.iter().filter(|o| o.namespace == namespace) {
        if o.tenant != tenant {
            return Err(TenantError::NamespaceOwned {
                namespace: namespace.to_string(),
                owner: o.tenant.clone(),
                path: o.dir.clone(),
            });
        }
        if o.dir != dir {
            return Err(TenantError::RepoContent {
                path: o.dir.clone(),
                reason: format!(
                    "already declares namespace '{namespace}' for tenant '{tenant}'; a second directory ({}) would apply the same objects twice",
                    dir.display()
                ),
            });
        }
    }
    Ok(())
}

/// The git URL a tenant's existing namespaces use (from their GitRepository), so onboarding a
/// second namespace needs no `--git-url`. Returns the URL and the file it came from.
pub fn tenant_git_url(
    repo: &FleetRepo,
    onboarded: &[Onboarded],
    tenant: &str,
) -> Result<Option<(String, PathBuf)>, TenantError> {
    Ok(tenant_source(repo, onboarded, tenant)?.and_then(|(doc, file)| {
        doc.pointer("/spec/url")
            .and_then(Value::as_str)
            .map(|url| (url.to_string(), file))
    }))
}

/// The `provider` of the GitRepository a tenant's existing namespaces read its Secret with, and
/// the file: every namespace of a tenant shares that Secret, so they must agree on its form.
pub fn tenant_provider(
    repo: &FleetRepo,
    onboarded: &[Onboarded],
    tenant: &str,
) -> Result<Option<(GitProvider, PathBuf)>, TenantError> {
    Ok(tenant_source(repo, onboarded, tenant)?.map(|(doc, file)| {
        (
            GitProvider::from_field(doc.pointer("/spec/provider").and_then(Value::as_str)),
            file,
        )
    }))
}

/// The first GitRepository with a URL in a tenant's existing namespace directories.
fn tenant_source(
    repo: &FleetRepo,
    onboarded: &[Onboarded],
    tenant: &str,
) -> Result<Option<(Value, PathBuf)>, TenantError> {
    for ns in onboarded.iter().filter(|o| o.tenant == tenant) {
        for file in yaml_files(repo, &ns.dir)? {
            let Some(text) = repo.read_optional(&file)? else {
                continue;
            };
            let Ok(docs) = yaml::from_multi_doc(&text, &file.display().to_string()) else {
                continue;
            };
            if let Some(doc) = docs.into_iter().find(|d| {
                d.get("kind").and_then(Value::as_str) == Some("GitRepository")
                    && d.pointer("/spec/url").and_then(Value::as_str).is_some()
            }) {
                return Ok(Some((doc, file)));
            }
        }
    }
    Ok(None)
}

/// Validates the tenant repository URL for `provider`: a token's URL rule, or a GitHub
/// repository's for an App.
pub fn git_url_for(url: &str, insecure_http: bool, provider: GitProvider) -> Result<(), TenantError> {
    match provider {
        GitProvider::Generic => git_url(url, insecure_http),
        GitProvider::Github => Ok(names::github_repo_url("git URL", url, insecure_http)?),
    }
}

/// keos: an app component in the repository (`<namespace>/<component>/` with a kustomization.yaml).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppComponent {
    /// The apps namespace directory's name.
    pub namespace: String,
    /// The component directory's name.
    pub component: String,
    /// The component directory, relative to the repository root.
    pub dir: PathBuf,
    /// The Flux Kustomizations its files define.
    pub kustomizations: Vec<String>,
}

/// keos: every app component of the use case (`domain/apps/<use-case>/components/*/*/`), sorted.
/// Component names are use-case wide: the component label, the override selector and the
/// secrets path `clusters/*/secrets/<component>` do not name the namespace.
pub fn app_components(repo: &FleetRepo, layout: &Layout) -> Result<Vec<AppComponent>, TenantError> {
    let mut out = Vec::new();
    for ns_dir in subdirs(repo, &layout.apps_components_dir())? {
        for dir in subdirs(repo, &ns_dir)? {
            if repo.read_optional(dir.join("kustomization.yaml"))?.is_none() {
                continue;
            }
            let mut kustomizations = Vec::new();
            for file in yaml_files(repo, &dir)? {
                let Some(text) = repo.read_optional(&file)? else {
                    continue;
                };
                let docs = yaml::from_multi_doc(&text, &file.display().to_string()).map_err(|e| {
                    TenantError::RepoContent {
                        path: file.clone(),
                        reason: format!("is not valid YAML: {}", error_chain(&e)),
                    }
                })?;
                kustomizations.extend(docs.iter().filter_map(|d| {
                    let flux = d
                        .get("apiVersion")
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.starts_with("kustomize.toolkit.fluxcd.io/"));
                    let kind = d.get("kind").and_then(Value::as_str) == Some("Kustomization");
                    (flux && kind)
                        .then(|| d.pointer("/metadata/name").and_then(Value::as_str))
                        .flatten()
                        .map(str::to_string)
                }));
            }
            out.push(AppComponent {
                namespace: file_name(&ns_dir),
                component: file_name(&dir),
                dir,
                kustomizations,
            });
        }
    }
    Ok(out)
}

/// The ServiceAccount a namespace directory's `rbac.yaml` declares (`flux-<tenant>`), which its
/// app components run as.
pub fn namespace_service_account(repo: &FleetRepo, dir: &Path) -> Result<Option<String>, TenantError> {
    let file = dir.join("rbac.yaml");
    let Some(text) = repo.read_optional(&file)? else {
        return Ok(None);
    };
    let docs =
        yaml::from_multi_doc(&text, &file.display().to_string()).map_err(|e| TenantError::RepoContent {
            path: file.clone(),
            reason: format!("is not valid YAML: {}", error_chain(&e)),
        })?;
    Ok(docs
        .iter()
        .filter(|d| d.get("kind").and_then(Value::as_str) == Some("ServiceAccount"))
        .find_map(|d| d.pointer("/metadata/name").and_then(Value::as_str))
        .map(str::to_string))
}

/// The `resources:` of a kustomization.yaml, `None` when the file does not exist.
pub fn kustomization_resources(repo: &FleetRepo, dir: &Path) -> Result<Option<Vec<String>>, TenantError> {
    let file = dir.join("kustomization.yaml");
    let Some(text) = repo.read_optional(&file)? else {
        return Ok(None);
    };
    let doc: Value =
        yaml::from_str(&text, &file.display().to_string()).map_err(|e| TenantError::RepoContent {
            path: file.clone(),
            reason: format!("is not valid YAML: {}", error_chain(&e)),
        })?;
    Ok(Some(
        doc.get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
    ))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Sub-directories of a repository-relative directory, sorted; none when it does not exist.
pub(crate) fn subdirs(repo: &FleetRepo, dir: &Path) -> Result<Vec<PathBuf>, TenantError> {
    let abs = repo.path(dir);
    let entries = match std::fs::read_dir(&abs) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(TenantError::RepoContent {
                path: abs,
                reason: format!("cannot be read: {e}"),
            });
        }
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                out.push(dir.join(name));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `*.yaml`/`*.yml` files of a repository-relative directory, sorted.
pub(crate) fn yaml_files(repo: &FleetRepo, dir: &Path) -> Result<Vec<PathBuf>, TenantError> {
    let abs = repo.path(dir);
    let entries = match std::fs::read_dir(&abs) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(TenantError::RepoContent {
                path: abs,
                reason: format!("cannot be read: {e}"),
            });
        }
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .map(|n| dir.join(n))
        .collect();
    out.sort();
    Ok(out)
}

/// Reads `dir/kustomization.yaml`: the namespace it sets (default: the directory name) and the
/// tenant (given for d1; from the tenant label, else the keos domain label, for keos).
fn read_namespace_dir(
    repo: &FleetRepo,
    dir: &Path,
    tenant: Option<&str>,
) -> Result<Option<Onboarded>, TenantError> {
    let file = dir.join("kustomization.yaml");
    let Some(text) = repo.read_optional(&file)? else {
        return Ok(None);
    };
    let doc: Value =
        yaml::from_str(&text, &file.display().to_string()).map_err(|e| TenantError::RepoContent {
            path: file.clone(),
            reason: format!("is not valid YAML: {}", error_chain(&e)),
        })?;
    let namespace = doc
        .get("namespace")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| file_name(dir));
    let label = |key: &str| -> Option<String> {
        let from_labels = doc
            .get("labels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|l| {
                l.pointer("/pairs")
                    .and_then(|p| p.get(key))
                    .and_then(Value::as_str)
            });
        let from_common = doc
            .pointer("/commonLabels")
            .and_then(|p| p.get(key))
            .and_then(Value::as_str);
        from_labels.or(from_common).map(str::to_string)
    };
    let tenant = match tenant {
        Some(t) => t.to_string(),
        None => label(TENANT_LABEL)
            .or_else(|| label("toolkit.fluxcd.io/domain"))
            .unwrap_or_else(|| "apps".to_string()),
    };
    Ok(Some(Onboarded {
        namespace,
        tenant,
        dir: dir.to_path_buf(),
    }))
}

use crate::error::chain::error_chain;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_leave_room_for_the_kustomization_name() {
        let l = Layout::d1();
        assert!(namespace(&l, &"a".repeat(58)).is_ok());
        let err = namespace(&l, &"a".repeat(59)).unwrap_err();
        assert!(err.to_string().contains("at most 58"), "{err}");
        assert!(
            namespace(&l, "kube-system")
                .unwrap_err()
                .to_string()
                .contains("system namespace")
        );
        let config = crate::repo::FleetConfig {
            flux_namespace: Some("flux".into()),
            ..Default::default()
        };
        let moved = Layout::new(&config, None).expect("layout");
        assert!(namespace(&l, "flux").is_ok());
        assert!(
            namespace(&moved, "flux")
                .unwrap_err()
                .to_string()
                .contains("the fleet's Flux namespace")
        );
    }

    #[test]
    fn path_templates_need_the_overlay_variable() {
        let l = Layout::d1();
        assert!(path_template(&l, "./components/backend/${ENVIRONMENT}").is_ok());
        let err = path_template(&l, "./components/backend/staging").unwrap_err();
        assert!(matches!(err, TenantError::PathTemplate { .. }));
        assert!(err.to_string().contains("${ENVIRONMENT}"), "{err}");
        assert!(path_template(&l, "/abs/${ENVIRONMENT}").is_err());
        assert!(path_template(&l, "./../x/${ENVIRONMENT}").is_err());
    }

    #[test]
    fn scans_onboarded_namespaces_and_detects_owners() {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |p: &str, c: &str| {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, c).expect("write");
        };
        write(
            "tenants/web/components/frontend/kustomization.yaml",
            "namespace: frontend\nresources: [namespace.yaml]\n",
        );
        write(
            "tenants/web/components/frontend/sync.yaml",
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-web\nspec:\n  url: https://example.com/web.git\n",
        );
        write(
            "tenants/apps/components/odd-dir/kustomization.yaml",
            "namespace: backend\n",
        );
        write(
            "tenants/apps/update/kustomization.yaml",
            "namespace: apps-update\n",
        );
        write(
            "tenants/infra/components/kustomization.yaml",
            "namespace: flux-system\n",
        );
        let repo = FleetRepo::open(dir.path()).expect("repo");
        let found = onboarded_namespaces(&repo, &Layout::d1()).expect("scan");
        let pairs: Vec<(&str, &str)> = found
            .iter()
            .map(|o| (o.tenant.as_str(), o.namespace.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("apps", "backend"), ("apps", "apps-update"), ("web", "frontend")]
        );
        let frontend = Path::new("tenants/web/components/frontend");
        let err = namespace_is_free(&found, "frontend", "apps", frontend).unwrap_err();
        assert_eq!(
            err.to_string(),
            "namespace 'frontend' already belongs to tenant 'web' (tenants/web/components/frontend)"
        );
        assert!(namespace_is_free(&found, "frontend", "web", frontend).is_ok());
        let err = namespace_is_free(
            &found,
            "backend",
            "apps",
            Path::new("tenants/apps/components/backend"),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("tenants/apps/components/odd-dir: already declares namespace 'backend'"),
            "{err}"
        );
        let (url, from) = tenant_git_url(&repo, &found, "web")
            .expect("scan")
            .expect("found");
        assert_eq!(url, "https://example.com/web.git");
        assert_eq!(from, PathBuf::from("tenants/web/components/frontend/sync.yaml"));
    }
}
