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

    /// Writes every new or changed file, all or nothing. Refuses (writing nothing) when a file
    /// would be overwritten and `force` is false.
    ///
    /// Every file is first written to a temporary sibling; only when all of them are on disk are
    /// they renamed into place. An error in either phase undoes what was done (temporary files and
    /// created directories removed, renamed files removed or given their old content back), so the
    /// checkout is as it was. Should the undo itself fail, the error names the files left changed.
    pub fn apply(&self, repo: &FleetRepo, force: bool) -> Result<usize, RepoError> {
        let conflicts = self.conflicts();
        if !force && !conflicts.is_empty() {
            return Err(RepoError::WouldOverwrite { paths: conflicts });
        }
        let changes: Vec<&(GeneratedFile, FileChange)> = self
            .entries
            .iter()
            .filter(|(_, c)| *c != FileChange::Unchanged)
            .collect();
        let mut undo = Undo::default();
        let staged = changes
            .iter()
            .map(|(file, _)| undo.stage(&repo.path(&file.path), &file.content))
            .collect::<Result<Vec<_>, _>>();
        let staged = match staged {
            Ok(staged) => staged,
            Err(e) => return Err(undo.roll_back(e)),
        };
        for ((file, change), (tmp, path)) in changes.iter().zip(staged) {
            if let Err(e) = std::fs::rename(&tmp, &path) {
                return Err(undo.roll_back(RepoError::io("write", &path, e)));
            }
            undo.renamed.push((file.path.clone(), path, change.clone()));
        }
        Ok(changes.len())
    }
}

/// What [`WritePlan::apply`] has done so far, to undo it on failure.
#[derive(Default)]
struct Undo {
    /// Directories created, outermost first.
    dirs: Vec<PathBuf>,
    /// Temporary files written and not yet renamed.
    temps: Vec<PathBuf>,
    /// Files renamed into place: relative path, absolute path, what the write did.
    renamed: Vec<(PathBuf, PathBuf, FileChange)>,
}

impl Undo {
    /// Writes `content` next to `path` (creating its directories); returns (temporary, final) path.
    fn stage(&mut self, path: &std::path::Path, content: &str) -> Result<(PathBuf, PathBuf), RepoError> {
        if let Some(dir) = path.parent() {
            let missing: Vec<PathBuf> = dir
                .ancestors()
                .take_while(|d| !d.exists())
                .map(PathBuf::from)
                .collect();
            std::fs::create_dir_all(dir).map_err(|e| RepoError::io("create directory", dir, e))?;
            self.dirs.extend(missing.into_iter().rev());
        }
        let tmp = path.with_extension("kubectl-fleet.tmp");
        self.temps.push(tmp.clone());
        std::fs::write(&tmp, content).map_err(|e| RepoError::io("write", &tmp, e))?;
        Ok((tmp, path.to_path_buf()))
    }

    /// Undoes everything and returns `err`, or an error naming the files it could not restore.
    fn roll_back(self, err: RepoError) -> RepoError {
        let mut left = Vec::new();
        for (rel, path, change) in self.renamed.iter().rev() {
            let restored = match change {
                FileChange::Update { old } => {
                    let tmp = path.with_extension("kubectl-fleet.tmp");
                    std::fs::write(&tmp, old).and_then(|()| std::fs::rename(&tmp, path))
                }
                _ => std::fs::remove_file(path),
            };
            if restored.is_err() {
                left.push(rel.clone());
            }
        }
        for tmp in &self.temps {
            let _ = std::fs::remove_file(tmp);
        }
        // Innermost first; a directory that is not empty (someone else's file) stays.
        for dir in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        if left.is_empty() {
            err
        } else {
            RepoError::PartiallyWritten {
                paths: left,
                source: Box::new(err),
            }
        }
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

    /// A plan whose application fails on its last file, in either phase: the checkout is left
    /// exactly as it was (no file, directory or temporary file added; the updated file restored).
    #[test]
    fn an_io_error_on_the_last_file_leaves_the_checkout_as_it_was() {
        for phase in ["staging", "renaming"] {
            let dir = tempfile::tempdir().expect("temp dir");
            let root = dir.path();
            std::fs::create_dir_all(root.join("b")).expect("mkdir");
            std::fs::write(root.join("b/two.yaml"), "old: 1\n").expect("write");
            let repo = FleetRepo::open(root).expect("opens");
            let plan = WritePlan::new(
                &repo,
                vec![
                    file("a/deep/one.yaml", "one: 1\n"),
                    file("b/two.yaml", "new: 2\n"),
                    file("c/three.yaml", "three: 3\n"),
                ],
            )
            .expect("plans");
            // The I/O error, arriving after the plan: a file where the directory c/ must be
            // created, or a non-empty directory where c/three.yaml must be renamed to.
            if phase == "staging" {
                std::fs::write(root.join("c"), "in the way").expect("write");
            } else {
                std::fs::create_dir_all(root.join("c/three.yaml/x")).expect("mkdir");
            }
            let before = tree(root);
            let err = plan.apply(&repo, true).expect_err(phase);
            assert!(err.to_string().contains("c"), "{phase}: {err}");
            assert_eq!(tree(root), before, "{phase}: the checkout changed");
            assert_eq!(
                std::fs::read_to_string(root.join("b/two.yaml")).expect("read"),
                "old: 1\n",
                "{phase}"
            );
        }
    }

    /// Every path under `root` with the content of files.
    fn tree(root: &std::path::Path) -> Vec<(PathBuf, Option<String>)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path.clone());
                    out.push((path, None));
                } else {
                    let text = std::fs::read_to_string(&path).ok();
                    out.push((path, text));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn missing_repo_is_reported() {
        let err = FleetRepo::open(std::path::Path::new("/nonexistent/fleet")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/fleet"));
    }
}
