//! Input validation, before anything is generated: Kubernetes name rules (so the apiserver never
//! rejects half of a tenant), git URLs Flux accepts, path templates that select a per-cluster
//! overlay, and which namespaces the fleet repository already assigns to which tenant.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{TenantError, layout::Layout, layout::NamespaceRoots};
use crate::{credentials::TENANT_LABEL, manifests::yaml, repo::FleetRepo};

/// Namespaces no tenant may claim: the control plane's own and Flux's.
const RESERVED_NAMESPACES: &[&str] = &[
    "default",
    "flux-system",
    "kube-system",
    "kube-public",
    "kube-node-lease",
];

/// Checks a DNS-1123 label (namespaces, and names that end up in label values): at most 63
/// lower-case alphanumerics or '-', starting and ending with an alphanumeric.
pub fn dns_label(what: &'static str, name: &str) -> Result<(), TenantError> {
    dns_label_max(what, name, 63)
}

/// [`dns_label`] with a smaller maximum, for names that get a prefix or suffix.
pub fn dns_label_max(what: &'static str, name: &str, max: usize) -> Result<(), TenantError> {
    let invalid = |reason: String| TenantError::InvalidName {
        what,
        name: name.to_string(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("must not be empty".into()));
    }
    if name.len() > max {
        let why = if max < 63 {
            format!("must be at most {max} characters (derived object names must fit the 63-character limit)")
        } else {
            format!("must be at most {max} characters")
        };
        return Err(invalid(why));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(invalid(format!(
            "a DNS-1123 label contains only lower-case letters, digits and '-' (found '{c}')"
        )));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(invalid(
            "a DNS-1123 label must start and end with a letter or digit".into(),
        ));
    }
    Ok(())
}

/// Checks a DNS-1123 subdomain (ClusterRole and Kustomization names): dot-separated labels, at
/// most 253 characters.
pub fn dns_subdomain(what: &'static str, name: &str) -> Result<(), TenantError> {
    if name.len() > 253 {
        return Err(TenantError::InvalidName {
            what,
            name: name.to_string(),
            reason: "must be at most 253 characters".into(),
        });
    }
    for part in name.split('.') {
        dns_label(what, part).map_err(|_| TenantError::InvalidName {
            what,
            name: name.to_string(),
            reason: "a DNS-1123 subdomain is lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit".into(),
        })?;
    }
    Ok(())
}

/// Validates a tenant namespace: a DNS-1123 label short enough for `flux-<namespace>` (the
/// Kustomization name, which Flux copies into a label value), and not a system namespace.
pub fn namespace(name: &str) -> Result<(), TenantError> {
    dns_label_max("namespace", name, 58)?;
    if RESERVED_NAMESPACES.contains(&name) {
        return Err(TenantError::InvalidName {
            what: "namespace",
            name: name.to_string(),
            reason: "it is a system namespace; tenants get namespaces of their own".into(),
        });
    }
    Ok(())
}

/// Validates a tenant name: a DNS-1123 label short enough for `flux-<tenant>` and
/// `<tenant>-update`.
pub fn tenant(layout: &Layout, name: &str) -> Result<(), TenantError> {
    dns_label_max("tenant", name, 56)?;
    if let Some(reason) = layout.reserved_tenant(name) {
        return Err(TenantError::InvalidName {
            what: "tenant",
            name: name.to_string(),
            reason: reason.to_string(),
        });
    }
    Ok(())
}

/// Validates a git URL the way GitRepository's schema does (`http`, `https` or `ssh`), with a
/// host. Tokens in URLs are refused: they would end up in the repository.
pub fn git_url(url: &str) -> Result<(), TenantError> {
    let invalid = |reason: &str| TenantError::GitUrl {
        url: redact_userinfo(url),
        reason: reason.to_string(),
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(invalid(
            "use an http://, https:// or ssh:// URL (GitRepository accepts no scp-style git@host:path)",
        ));
    };
    if !matches!(scheme, "http" | "https" | "ssh") {
        return Err(invalid("the scheme must be http, https or ssh"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return Err(invalid("the URL has no host"));
    }
    if scheme != "ssh" && authority.contains('@') {
        return Err(invalid(
            "credentials do not belong in the URL (they would be committed); the tenant Secret carries them",
        ));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(invalid("the URL contains whitespace"));
    }
    Ok(())
}

/// Hides `user:password@` in a URL shown in an error message.
fn redact_userinfo(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((userinfo, host)) if !userinfo.contains('/') => format!("{scheme}://***@{host}"),
            _ => url.to_string(),
        },
        None => url.to_string(),
    }
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
    for ns in onboarded.iter().filter(|o| o.tenant == tenant) {
        for file in yaml_files(repo, &ns.dir)? {
            let Some(text) = repo.read_optional(&file)? else {
                continue;
            };
            let Ok(docs) = yaml::from_multi_doc(&text, &file.display().to_string()) else {
                continue;
            };
            if let Some(url) = docs
                .iter()
                .filter(|d| d.get("kind").and_then(Value::as_str) == Some("GitRepository"))
                .find_map(|d| d.pointer("/spec/url").and_then(Value::as_str))
            {
                return Ok(Some((url.to_string(), file)));
            }
        }
    }
    Ok(None)
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

use crate::error::error_chain;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(dns_label("namespace", "backend").is_ok());
        assert!(dns_label("namespace", "a1-b2").is_ok());
        for bad in ["", "Backend", "-a", "a-", "a_b", "a.b", &"x".repeat(64)] {
            assert!(dns_label("namespace", bad).is_err(), "{bad:?} accepted");
        }
        let err = dns_label("namespace", "Back_end").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid namespace 'Back_end': a DNS-1123 label contains only lower-case letters, digits and '-' (found 'B')"
        );
    }

    #[test]
    fn namespaces_leave_room_for_the_kustomization_name() {
        assert!(namespace(&"a".repeat(58)).is_ok());
        let err = namespace(&"a".repeat(59)).unwrap_err();
        assert!(err.to_string().contains("at most 58"), "{err}");
        assert!(
            namespace("kube-system")
                .unwrap_err()
                .to_string()
                .contains("system namespace")
        );
    }

    #[test]
    fn subdomains() {
        assert!(dns_subdomain("role", "admin").is_ok());
        assert!(dns_subdomain("role", "tenant.example.com").is_ok());
        assert!(dns_subdomain("role", "Admin").is_err());
        assert!(dns_subdomain("role", "a..b").is_err());
    }

    #[test]
    fn git_urls() {
        assert!(git_url("https://github.com/org/apps.git").is_ok());
        assert!(git_url("ssh://git@github.com/org/apps.git").is_ok());
        assert!(git_url("git@github.com:org/apps.git").is_err());
        assert!(git_url("ftp://x/y").is_err());
        assert!(git_url("https:///path").is_err());
        let err = git_url("https://git:ghp_secret@github.com/org/apps").unwrap_err();
        assert!(!err.to_string().contains("ghp_secret"), "{err}");
        assert!(err.to_string().contains("***@github.com"), "{err}");
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
