//! The `kubectl_complete-fleet*` helper links `kubectl fleet completion install` makes: where
//! they go, what they point at (krew's own link, so `kubectl krew upgrade` keeps them working),
//! and how to tell ours from files someone else put there.

use std::{
    env,
    ffi::OsStr,
    fs, io,
    path::{Path, PathBuf},
};

use super::commands;
use super::{DISPATCHER, HELPER_PREFIX};

/// The helper names `completion install` links: `kubectl_complete-fleet`, and one per sibling
/// binary for installs where kubectl sees `kubectl-fleet-<binary>` on PATH itself.
pub fn helper_names() -> Vec<String> {
    std::iter::once(HELPER_PREFIX.to_string())
        .chain(
            commands::binaries()
                .into_iter()
                .map(|b| format!("{HELPER_PREFIX}-{b}")),
        )
        .map(|n| format!("{n}{}", env::consts::EXE_SUFFIX))
        .collect()
}

/// Whether `path` is a helper link that `install` made: a symbolic link whose target is named
/// `kubectl-fleet`, whether that target still exists or not (after `kubectl krew upgrade` an old
/// link into the previous store directory dangles).
#[cfg(unix)]
fn is_our_link(path: &Path) -> bool {
    let dispatcher = format!("{DISPATCHER}{}", env::consts::EXE_SUFFIX);
    path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink())
        && fs::read_link(path).is_ok_and(|t| t.file_name() == Some(OsStr::new(&dispatcher)))
}

/// Without symbolic links the helpers are copies of the dispatcher, told apart by their name.
#[cfg(not(unix))]
fn is_our_link(path: &Path) -> bool {
    path.is_file()
}

/// The first `name` on PATH, as kubectl's lookup would find it (not resolved: krew's link).
pub fn which(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    env::split_paths(path?)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// What the helper links point at: `kubectl-fleet` beside them (relative, so krew re-pointing
/// its own link on upgrade carries them along), else the `kubectl-fleet` on PATH, else `fallback`.
pub fn link_target(dir: &Path, path: Option<&OsStr>, fallback: &Path) -> PathBuf {
    let dispatcher = format!("{DISPATCHER}{}", env::consts::EXE_SUFFIX);
    if dir.join(&dispatcher).symlink_metadata().is_ok() {
        return PathBuf::from(dispatcher);
    }
    which(&dispatcher, path).unwrap_or_else(|| fallback.to_path_buf())
}

/// What happened to one link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkChange {
    /// It did not exist.
    Created,
    /// It pointed somewhere that no longer exists (e.g. a removed krew store directory).
    Repaired,
    /// It pointed elsewhere.
    Updated,
    /// It was already right.
    Unchanged,
    /// It was removed.
    Removed,
}

/// The helper-like names in `dir` that are our links, sorted.
fn our_links(dir: &Path) -> io::Result<Vec<String>> {
    let mut out: Vec<String> = fs::read_dir(dir)?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.starts_with(HELPER_PREFIX) && is_our_link(&dir.join(n)))
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(unix)]
fn make_link(target: &Path, path: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

#[cfg(not(unix))]
fn make_link(target: &Path, path: &Path) -> io::Result<()> {
    fs::copy(target, path).map(|_| ())
}

/// Creates (or repairs) every helper link in `dir`, pointing at `target`, and removes links of
/// ours under names no longer used. Refuses, before changing anything, when a helper name is taken
/// by a file it did not make.
pub fn install_links(dir: &Path, target: &Path) -> Result<Vec<(String, LinkChange)>, String> {
    if !dir.is_dir() {
        return Err(format!("'{}' is not a directory", dir.display()));
    }
    let names = helper_names();
    let foreign: Vec<String> = names
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.symlink_metadata().is_ok() && !is_our_link(p))
        .map(|p| format!("'{}'", p.display()))
        .collect();
    if !foreign.is_empty() {
        return Err(format!(
            "{} already exist{} and {} not made by 'kubectl fleet completion install'; remove {} \
             or pass --dir DIR",
            foreign.join(", "),
            if foreign.len() == 1 { "s" } else { "" },
            if foreign.len() == 1 { "was" } else { "were" },
            if foreign.len() == 1 { "it" } else { "them" },
        ));
    }
    let existing = our_links(dir).map_err(|e| format!("cannot read '{}': {e}", dir.display()))?;
    let mut changes = Vec::new();
    for stale in existing.iter().filter(|n| !names.contains(n)) {
        let path = dir.join(stale);
        fs::remove_file(&path).map_err(|e| format!("cannot remove '{}': {e}", path.display()))?;
        changes.push((stale.clone(), LinkChange::Removed));
    }
    for name in &names {
        let path = dir.join(name);
        let change = if path.symlink_metadata().is_err() {
            LinkChange::Created
        } else if !path.exists() {
            LinkChange::Repaired
        } else if cfg!(unix) && fs::read_link(&path).ok().as_deref() == Some(target) {
            LinkChange::Unchanged
        } else {
            LinkChange::Updated
        };
        if change != LinkChange::Unchanged {
            // Made under a temporary name then renamed over the old one: never a moment without
            // a helper, and a failure leaves the old link in place.
            let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            let _ = fs::remove_file(&temp);
            make_link(target, &temp)
                .and_then(|()| fs::rename(&temp, &path))
                .map_err(|e| {
                    let _ = fs::remove_file(&temp);
                    format!("cannot create '{}': {e}", path.display())
                })?;
        }
        changes.push((name.clone(), change));
    }
    Ok(changes)
}

/// Removes the helper links of ours from `dir`; files it did not make are left alone.
pub fn uninstall_links(dir: &Path) -> Result<Vec<(String, LinkChange)>, String> {
    let ours = our_links(dir).map_err(|e| format!("cannot read '{}': {e}", dir.display()))?;
    let mut changes = Vec::new();
    for name in ours {
        let path = dir.join(&name);
        fs::remove_file(&path).map_err(|e| format!("cannot remove '{}': {e}", path.display()))?;
        changes.push((name, LinkChange::Removed));
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_are_idempotent_self_healing_and_only_ours_are_removed() {
        let dir = env::temp_dir().join(format!("fleet-dispatch-links-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        fs::write(dir.join(DISPATCHER), "").expect("dispatcher");
        let target = link_target(&dir, None, Path::new("/nowhere/kubectl-fleet"));
        assert_eq!(
            target,
            PathBuf::from(DISPATCHER),
            "relative to the link beside them"
        );

        let first = install_links(&dir, &target).expect("install");
        assert!(first.iter().all(|(_, c)| *c == LinkChange::Created), "{first:?}");
        let again = install_links(&dir, &target).expect("install again");
        assert!(
            again.iter().all(|(_, c)| *c == LinkChange::Unchanged),
            "{again:?}"
        );

        // A link into a removed store directory (what an old install left after krew upgrade),
        // and one for a binary no longer shipped.
        let helper = dir.join(HELPER_PREFIX);
        fs::remove_file(&helper).expect("rm");
        std::os::unix::fs::symlink("/gone/store/fleet/v0.0.1/kubectl-fleet", &helper).expect("ln");
        std::os::unix::fs::symlink(DISPATCHER, dir.join(format!("{HELPER_PREFIX}-old"))).expect("ln");
        let healed = install_links(&dir, &target).expect("repair");
        assert!(
            healed.contains(&(HELPER_PREFIX.to_string(), LinkChange::Repaired)),
            "{healed:?}"
        );
        assert!(
            healed.contains(&(format!("{HELPER_PREFIX}-old"), LinkChange::Removed)),
            "{healed:?}"
        );
        assert_eq!(fs::read_link(&helper).expect("link"), PathBuf::from(DISPATCHER));

        // A file we did not make blocks install before anything changes, and survives uninstall.
        let foreign = dir.join(format!("{HELPER_PREFIX}-tree"));
        fs::remove_file(&foreign).expect("rm");
        fs::write(&foreign, "#!/bin/sh\n").expect("foreign");
        let err = install_links(&dir, &target).expect_err("refuses");
        assert!(
            err.contains("not made by 'kubectl fleet completion install'"),
            "{err}"
        );
        let removed = uninstall_links(&dir).expect("uninstall");
        assert!(!removed.iter().any(|(n, _)| n.ends_with("-tree")), "{removed:?}");
        assert!(foreign.exists() && !helper.exists());
        let _ = fs::remove_dir_all(&dir);
    }
}
