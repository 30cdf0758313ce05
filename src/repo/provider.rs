//! Finding the files of a fleet repository that declare a git source (a GitRepository's
//! `spec.secretRef`, a FluxInstance's `spec.sync.pullSecret`) and setting its provider
//! (`spec.provider`, `spec.sync.provider`) in place, for `token migrate`.
//!
//! The provider of a source Flux applies from git must change in git: patched into the cluster
//! object it is reverted on the next reconciliation (fluxcd/flux2#5471). The edit is made on the
//! text, one line inserted or replaced, so comments, key order and quoting of the user's file
//! survive; the edited document is then parsed again and must equal the original with only that
//! field changed, so an edit the line-based approach gets wrong is refused instead of written.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{FleetRepo, GeneratedFile, RepoError, WritePlan, clusters};
use crate::manifests::{pointer, yaml};

/// What kind of object declares a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum SourceKind {
    /// A `source.toolkit.fluxcd.io` GitRepository: `spec.provider`.
    GitRepository,
    /// A flux-operator FluxInstance: `spec.sync.provider` (the GitRepository it renders).
    FluxInstance,
}

impl SourceKind {
    /// The path of the provider field in the object.
    pub fn provider_field(self) -> &'static str {
        match self {
            SourceKind::GitRepository => "spec.provider",
            SourceKind::FluxInstance => "spec.sync.provider",
        }
    }

    fn pointer(self) -> &'static str {
        match self {
            SourceKind::GitRepository => "/spec/provider",
            SourceKind::FluxInstance => "/spec/sync/provider",
        }
    }

    fn secret_pointer(self) -> &'static str {
        match self {
            SourceKind::GitRepository => "/spec/secretRef/name",
            SourceKind::FluxInstance => "/spec/sync/pullSecret",
        }
    }
}

/// One document of the repository that declares a git source authenticated by a Secret.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceDecl {
    /// The file, relative to the repository root.
    pub path: PathBuf,
    /// 0-based index of the document in the file.
    pub document: usize,
    /// GitRepository or FluxInstance.
    pub kind: SourceKind,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, when the file says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The Secret it authenticates with.
    pub secret: String,
    /// Its provider now (`None`: not set, which Flux reads as `generic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The cluster directory (below `clusters/`) the file is in; `None` for a file outside every
    /// cluster directory, which any cluster may apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// Every GitRepository and FluxInstance of the checkout that authenticates with a Secret,
/// sorted by path and document. Files that are not YAML Kubernetes objects are skipped; hidden
/// directories (`.git`) are not searched.
pub fn find_sources(repo: &FleetRepo) -> Result<Vec<SourceDecl>, RepoError> {
    let cluster_dirs = clusters::cluster_paths(repo);
    let mut files = Vec::new();
    collect_yaml(repo.root(), repo.root(), &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for rel in files {
        let path = repo.path(&rel);
        let text = std::fs::read_to_string(&path).map_err(|e| RepoError::io("read", &path, e))?;
        for (index, doc) in split_documents(&text).iter().enumerate() {
            let Ok(value) = yaml::from_str::<Value>(doc, &rel.display().to_string()) else {
                continue;
            };
            let Some(kind) = source_kind(&value) else { continue };
            let (Some(name), Some(secret)) = (
                pointer::str_at(&value, "/metadata/name"),
                pointer::str_at(&value, kind.secret_pointer()),
            ) else {
                continue;
            };
            out.push(SourceDecl {
                path: rel.clone(),
                document: index,
                kind,
                name: name.to_string(),
                namespace: pointer::string_at(&value, "/metadata/namespace"),
                secret: secret.to_string(),
                provider: pointer::string_at(&value, kind.pointer()),
                cluster: cluster_of(&rel, &cluster_dirs),
            });
        }
    }
    Ok(out)
}

fn source_kind(value: &Value) -> Option<SourceKind> {
    let api = pointer::str_at(value, "/apiVersion").unwrap_or("");
    match (api.split('/').next(), pointer::kind(value)) {
        (Some("source.toolkit.fluxcd.io"), "GitRepository") => Some(SourceKind::GitRepository),
        (Some("fluxcd.controlplane.io"), "FluxInstance") => Some(SourceKind::FluxInstance),
        _ => None,
    }
}

/// The cluster directory a repository path is in (the longest cluster path that contains it).
fn cluster_of(rel: &Path, cluster_dirs: &[String]) -> Option<String> {
    let rel = rel.to_string_lossy().replace('\\', "/");
    cluster_dirs
        .iter()
        .filter(|c| rel.starts_with(&format!("clusters/{c}/")))
        .max_by_key(|c| c.len())
        .cloned()
}

fn collect_yaml(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), RepoError> {
    let entries = std::fs::read_dir(dir).map_err(|e| RepoError::io("read directory", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| RepoError::io("read directory", dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file_type = entry
            .file_type()
            .map_err(|e| RepoError::io("read directory", &path, e))?;
        if file_type.is_dir() {
            collect_yaml(root, &path, out)?;
        } else if file_type.is_file()
            && (name.ends_with(".yaml") || name.ends_with(".yml"))
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// The documents of a YAML stream as text, split on `---` lines (the separator lines belong to
/// no document), so joining them back with their separators gives the file again.
fn split_documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.split_inclusive('\n') {
        if is_separator(line) {
            docs.push(String::new());
        } else if let Some(last) = docs.last_mut() {
            last.push_str(line);
        }
    }
    docs
}

fn is_separator(line: &str) -> bool {
    let l = line.trim_end();
    l == "---" || l.starts_with("--- ") || l.starts_with("---#")
}

/// Sets the provider of every declaration in `decls` to `provider`, returning the files whose
/// content changes (none for declarations that already say it). Refuses, naming the file, a
/// document it cannot edit safely (a flow-style mapping, an anchor).
pub fn set_providers(
    repo: &FleetRepo,
    decls: &[SourceDecl],
    provider: &str,
) -> Result<Vec<GeneratedFile>, RepoError> {
    let mut paths: Vec<&PathBuf> = decls.iter().map(|d| &d.path).collect();
    paths.sort();
    paths.dedup();
    let mut out = Vec::new();
    for rel in paths {
        let path = repo.path(rel);
        let text = std::fs::read_to_string(&path).map_err(|e| RepoError::io("read", &path, e))?;
        let mut docs = split_documents(&text);
        for decl in decls.iter().filter(|d| &d.path == rel) {
            let Some(doc) = docs.get_mut(decl.document) else {
                return Err(invalid(rel, "the file changed while it was read".into()));
            };
            *doc = set_provider(doc, decl.kind, provider)
                .map_err(|reason| invalid(rel, format!("{} {}: {reason}", decl.kind_name(), decl.name)))?;
        }
        let content = join_documents(&text, &docs);
        if content != text {
            out.push(GeneratedFile {
                path: rel.clone(),
                content,
            });
        }
    }
    Ok(out)
}

impl SourceDecl {
    fn kind_name(&self) -> &'static str {
        match self.kind {
            SourceKind::GitRepository => "GitRepository",
            SourceKind::FluxInstance => "FluxInstance",
        }
    }
}

fn invalid(rel: &Path, reason: String) -> RepoError {
    RepoError::Invalid {
        path: rel.display().to_string(),
        reason,
    }
}

/// The file again from its documents, with the original separator lines.
fn join_documents(original: &str, docs: &[String]) -> String {
    let separators: Vec<&str> = original
        .split_inclusive('\n')
        .filter(|l| is_separator(l))
        .collect();
    let mut out = String::new();
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            let sep = separators.get(i - 1).copied().unwrap_or("---\n");
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(sep);
        }
        out.push_str(doc);
    }
    out
}

/// A plan writing `files` (all intended edits of existing files).
pub fn edit_plan(repo: &FleetRepo, files: Vec<GeneratedFile>) -> Result<WritePlan, RepoError> {
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let mut plan = WritePlan::new(repo, files)?;
    for p in paths {
        plan.mark_edit(p);
    }
    Ok(plan)
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// The key of a block-mapping line (`key:` or `key: value`), if it is one.
fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let (key, rest) = t.split_once(':')?;
    (rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\n') || rest.starts_with('\r'))
        .then_some(key.trim_matches(|c| c == '"' || c == '\''))
}

/// The line range `(start, end)` of the value block of `key` at `indent`, searched in
/// `lines[from..to]`: the lines after the key line that are indented deeper (or blank).
fn block(lines: &[&str], from: usize, to: usize, indent: usize, key: &str) -> Option<(usize, usize, usize)> {
    let at = (from..to)
        .find(|&i| is_content(lines[i]) && indent_of(lines[i]) == indent && key_of(lines[i]) == Some(key))?;
    let mut end = at + 1;
    while end < to && (!is_content(lines[end]) || indent_of(lines[end]) > indent) {
        end += 1;
    }
    Some((at, at + 1, end))
}

/// One document with its provider set: an existing `provider:` line of the mapping replaced, or
/// one inserted as the mapping's first key; then checked by parsing both versions.
fn set_provider(doc: &str, kind: SourceKind, provider: &str) -> Result<String, String> {
    let original: Value = yaml::from_str(doc, "document").map_err(|e| e.to_string())?;
    if pointer::str_at(&original, kind.pointer()) == Some(provider) {
        return Ok(doc.to_string());
    }
    let lines: Vec<&str> = doc.split_inclusive('\n').collect();
    let path: &[&str] = match kind {
        SourceKind::GitRepository => &["spec"],
        SourceKind::FluxInstance => &["spec", "sync"],
    };
    let (mut from, mut to, mut indent) = (0, lines.len(), 0);
    let mut parent = 0;
    for key in path {
        let (at, start, end) = block(&lines, from, to, indent, key)
            .ok_or_else(|| format!("no block mapping '{key}:' found to edit"))?;
        let child = (start..end)
            .find(|&i| is_content(lines[i]))
            .map(|i| indent_of(lines[i]))
            .ok_or_else(|| format!("'{key}:' is not a block mapping"))?;
        (parent, from, to, indent) = (at, start, end, child);
    }
    let value_line = format!("{}provider: {provider}\n", " ".repeat(indent));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match (from..to).find(|&i| {
        is_content(lines[i]) && indent_of(lines[i]) == indent && key_of(lines[i]) == Some("provider")
    }) {
        Some(i) => out[i] = value_line,
        None => out.insert(parent + 1, value_line),
    }
    let edited = out.concat();
    let mut expected = original;
    pointer::set(
        &mut expected,
        kind.pointer(),
        Some(Value::String(provider.into())),
    );
    let got: Value = yaml::from_str(&edited, "document").map_err(|e| e.to_string())?;
    if got != expected {
        return Err(format!(
            "cannot set {} here without changing anything else; set 'provider: {provider}' by hand",
            kind.provider_field()
        ));
    }
    Ok(edited)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_is_inserted_or_replaced_keeping_comments_and_order() {
        let doc = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: apps # the tenant\n  namespace: apps\nspec:\n  # fetched every minute\n  interval: 1m\n  secretRef:\n    name: flux-apps\n  url: https://github.com/org/apps.git\n";
        let edited = set_provider(doc, SourceKind::GitRepository, "github").expect("edits");
        assert_eq!(
            edited,
            doc.replace("spec:\n", "spec:\n  provider: github\n"),
            "one line added as the first key of spec"
        );
        let generic = doc.replace("  interval: 1m\n", "  interval: 1m\n  provider: generic\n");
        let edited = set_provider(&generic, SourceKind::GitRepository, "github").expect("edits");
        assert_eq!(
            edited,
            doc.replace("  interval: 1m\n", "  interval: 1m\n  provider: github\n")
        );
        assert_eq!(
            set_provider(&edited, SourceKind::GitRepository, "github").expect("noop"),
            edited
        );

        let fi = "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\nspec:\n    distribution:\n        version: 2.x\n    sync:\n        kind: GitRepository\n        pullSecret: flux-system\n        url: https://github.com/org/fleet.git\n";
        let edited = set_provider(fi, SourceKind::FluxInstance, "github").expect("edits");
        assert_eq!(
            edited,
            fi.replace("    sync:\n", "    sync:\n        provider: github\n")
        );
    }

    #[test]
    fn a_document_that_cannot_be_edited_line_by_line_is_refused() {
        let flow = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: apps\nspec: {secretRef: {name: s}, url: u}\n";
        let err = set_provider(flow, SourceKind::GitRepository, "github").unwrap_err();
        assert!(
            err.contains("not a block mapping") || err.contains("by hand"),
            "{err}"
        );
    }

    #[test]
    fn sources_are_found_per_document_and_files_are_rewritten_with_their_separators() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("clusters/staging/flux-system")).expect("mkdir");
        std::fs::create_dir_all(root.join("tenants/apps")).expect("mkdir");
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        let fi = "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  sync:\n    pullSecret: flux-system\n    url: u\n";
        std::fs::write(root.join("clusters/staging/flux-system/flux-instance.yaml"), fi).expect("write");
        let tenant = "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: apps\n  namespace: apps\nspec:\n  secretRef:\n    name: flux-apps\n  url: u\n";
        std::fs::write(root.join("tenants/apps/sync.yaml"), tenant).expect("write");
        std::fs::write(root.join(".git/ignored.yaml"), fi).expect("write");
        std::fs::write(root.join("tenants/apps/broken.yaml"), "a: [").expect("write");
        let repo = FleetRepo::open(root).expect("opens");
        let decls = find_sources(&repo).expect("found");
        let summary: Vec<(String, usize, SourceKind, &str, Option<&str>)> = decls
            .iter()
            .map(|d| {
                (
                    d.path.display().to_string(),
                    d.document,
                    d.kind,
                    d.secret.as_str(),
                    d.cluster.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "clusters/staging/flux-system/flux-instance.yaml".to_string(),
                    0,
                    SourceKind::FluxInstance,
                    "flux-system",
                    Some("staging")
                ),
                (
                    "tenants/apps/sync.yaml".to_string(),
                    2,
                    SourceKind::GitRepository,
                    "flux-apps",
                    None
                ),
            ]
        );
        let files = set_providers(&repo, &decls, "github").expect("edits");
        assert_eq!(files.len(), 2);
        assert_eq!(
            files[1].content,
            tenant.replace("spec:\n  secretRef", "spec:\n  provider: github\n  secretRef")
        );
        let plan = edit_plan(&repo, files).expect("plan");
        assert!(plan.diff().contains("+    provider: github"), "{}", plan.diff());
        assert_eq!(plan.apply(&repo, false).expect("written"), 2);
        let again = find_sources(&repo).expect("found");
        assert!(again.iter().all(|d| d.provider.as_deref() == Some("github")));
        assert!(set_providers(&repo, &again, "github").expect("noop").is_empty());
    }
}
