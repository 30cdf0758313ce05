//! Writing generated files into the checkout: plan first (what is new, changed, unchanged), refuse
//! to overwrite differing files without `--force`, show a unified diff for `--dry-run`, and only
//! then write. Nothing is written when any check fails.

use std::path::PathBuf;

use similar::TextDiff;

use super::{FleetRepo, RepoError};

/// One generated file, relative to the repository root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the repository root.
    pub path: PathBuf,
    /// Full content (deterministic bytes).
    pub content: String,
}

/// What writing one file would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileChange {
    /// The file does not exist yet.
    Create,
    /// The file exists with other content.
    Update {
        /// The current content.
        old: String,
    },
    /// The file already has this content.
    Unchanged,
}

/// The files a command would write, compared with the checkout.
#[derive(Clone, Debug)]
pub struct WritePlan {
    entries: Vec<(GeneratedFile, FileChange)>,
    /// Files whose update is the point of the command (e.g. one line added to a kustomization
    /// list), so changing them is not an overwrite that needs `--force`.
    edits: Vec<PathBuf>,
}

impl WritePlan {
    /// Compares generated files with the checkout.
    pub fn new(repo: &FleetRepo, files: Vec<GeneratedFile>) -> Result<Self, RepoError> {
        let mut entries = Vec::with_capacity(files.len());
        for file in files {
            let change = match repo.read_optional(&file.path)? {
                None => FileChange::Create,
                Some(old) if old == file.content => FileChange::Unchanged,
                Some(old) => FileChange::Update { old },
            };
            entries.push((file, change));
        }
        Ok(WritePlan {
            entries,
            edits: Vec::new(),
        })
    }

    /// Marks a file as an intended edit of existing content (computed from what is on disk), so
    /// updating it does not count as an overwrite.
    pub fn mark_edit(&mut self, path: impl Into<PathBuf>) {
        self.edits.push(path.into());
    }

    /// Files and what would happen to each.
    pub fn entries(&self) -> &[(GeneratedFile, FileChange)] {
        &self.entries
    }

    /// Whether nothing would change.
    pub fn is_noop(&self) -> bool {
        self.entries.iter().all(|(_, c)| *c == FileChange::Unchanged)
    }

    /// Files that exist with different content.
    pub fn conflicts(&self) -> Vec<PathBuf> {
        self.entries
            .iter()
            .filter(|(f, c)| matches!(c, FileChange::Update { .. }) && !self.edits.contains(&f.path))
            .map(|(f, _)| f.path.clone())
            .collect()
    }

    /// A unified diff of every change (new files diff against nothing), for `--dry-run`.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for (file, change) in &self.entries {
            let (old, label) = match change {
                FileChange::Create => ("", "new file"),
                FileChange::Update { old } => (old.as_str(), "changed"),
                FileChange::Unchanged => continue,
            };
            let path = file.path.display().to_string();
            let diff = TextDiff::from_lines(old, &file.content);
            out.push_str(&format!("# {path} ({label})\n"));
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{path}"), &format!("b/{path}"))
                    .to_string(),
            );
        }
        out
    }

    /// Writes every new or changed file. Refuses (writing nothing) when a file would be
    /// overwritten and `force` is false.
    pub fn apply(&self, repo: &FleetRepo, force: bool) -> Result<usize, RepoError> {
        let conflicts = self.conflicts();
        if !force && !conflicts.is_empty() {
            return Err(RepoError::WouldOverwrite { paths: conflicts });
        }
        let mut written = 0;
        for (file, change) in &self.entries {
            if *change == FileChange::Unchanged {
                continue;
            }
            let path = repo.path(&file.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| RepoError::io("create directory", dir, e))?;
            }
            // Write to a temporary sibling and rename, so a failure never leaves a half-written file.
            let tmp = path.with_extension("kubectl-fleet.tmp");
            std::fs::write(&tmp, &file.content).map_err(|e| RepoError::io("write", &tmp, e))?;
            std::fs::rename(&tmp, &path).map_err(|e| RepoError::io("write", &path, e))?;
            written += 1;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, content: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            content: content.into(),
        }
    }

    #[test]
    fn plans_writes_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = FleetRepo::open(dir.path()).expect("opens");
        let plan = WritePlan::new(&repo, vec![file("a/b.yaml", "x: 1\n")]).expect("plans");
        assert!(plan.diff().contains("+x: 1"));
        assert_eq!(plan.apply(&repo, false).expect("writes"), 1);

        let same = WritePlan::new(&repo, vec![file("a/b.yaml", "x: 1\n")]).expect("plans");
        assert!(same.is_noop());

        let changed =
            WritePlan::new(&repo, vec![file("a/b.yaml", "x: 2\n"), file("c.yaml", "y\n")]).expect("plans");
        let err = changed.apply(&repo, false).unwrap_err();
        assert!(err.to_string().contains("a/b.yaml"), "{err}");
        assert!(
            !dir.path().join("c.yaml").exists(),
            "nothing is written when refusing"
        );
        assert!(changed.diff().contains("-x: 1\n+x: 2"));
        assert_eq!(changed.apply(&repo, true).expect("forced"), 2);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/b.yaml")).expect("read"),
            "x: 2\n"
        );
    }

    #[test]
    fn missing_repo_is_reported() {
        let err = FleetRepo::open(std::path::Path::new("/nonexistent/fleet")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/fleet"));
    }
}
