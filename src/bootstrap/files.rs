//! Reading the fleet repository's files for bootstrap, with repository-relative paths in errors:
//! the one place the cluster directory loader, `--from` and the classic kustomization builder get
//! file contents and YAML file lists from.

use std::path::{Path, PathBuf};

use super::BootstrapError;
use crate::repo::FleetRepo;

/// Every `*.yaml`/`*.yml` file under `dir`, sorted, skipping hidden files (e.g. `.sops.yaml`).
pub fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, BootstrapError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| BootstrapError::ReadFile {
            what: "cluster directory",
            path: d.clone(),
            source,
        })?;
        for e in entries.filter_map(|e| e.ok()) {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether a file is a kustomize config (no Kubernetes object, no `metadata.name`).
pub fn is_kustomization_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("kustomization.yaml" | "kustomization.yml" | "Kustomization")
    )
}

/// Reads a file of the repository (with its repository-relative path in errors).
pub fn read(repo: &FleetRepo, rel: &Path) -> Result<String, BootstrapError> {
    std::fs::read_to_string(repo.path(rel)).map_err(|source| BootstrapError::ReadFile {
        what: "file",
        path: rel.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_yaml_files_sorted_without_hidden_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        for f in ["b.yaml", "a/c.yml", ".sops.yaml", "notes.txt", ".hidden/d.yaml"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "x: 1\n").expect("write");
        }
        let found: Vec<PathBuf> = yaml_files(dir.path())
            .expect("lists")
            .iter()
            .map(|p| p.strip_prefix(dir.path()).expect("inside").to_path_buf())
            .collect();
        assert_eq!(found, [PathBuf::from("a/c.yml"), PathBuf::from("b.yaml")]);
        assert!(is_kustomization_file(Path::new("x/kustomization.yaml")));
        assert!(!is_kustomization_file(Path::new("x/gotk-sync.yaml")));
    }
}
