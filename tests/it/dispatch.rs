//! The `kubectl fleet` dispatcher through the real kubectl: plugin discovery, forwarding, exit
//! codes, and a krew-style install where only the dispatcher is on PATH.

use std::{os::unix::fs::symlink, path::Path};

use crate::common::{Cmd, bin, env};

const SUBCOMMANDS: &[&str] = &[
    "bootstrap",
    "health",
    "reconcile",
    "resume",
    "secret",
    "suspend",
    "tenant",
    "token",
    "tree",
];

fn kubectl_dir() -> std::path::PathBuf {
    let kubectl = &env().kubectl;
    kubectl.parent().expect("kubectl has a directory").to_path_buf()
}

/// PATH with `first` then the directory of the test kubectl and the basic system dirs.
fn path_with(first: &Path) -> String {
    format!("{}:{}:/usr/bin:/bin", first.display(), kubectl_dir().display())
}

const BINARIES: &[&str] = &[
    "kubectl-fleet",
    "kubectl-fleet-bootstrap",
    "kubectl-fleet-health",
    "kubectl-fleet-reconcile",
    "kubectl-fleet-resume",
    "kubectl-fleet-secret",
    "kubectl-fleet-suspend",
    "kubectl-fleet-tenant",
    "kubectl-fleet-token",
    "kubectl-fleet-tree",
];

/// A directory holding only our binaries (target/debug also has `.d` files that kubectl
/// would report as non-executable plugins), as `cargo install` or a release archive lays them out.
fn plugin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in BINARIES {
        symlink(bin(name), dir.path().join(name)).expect("symlink");
    }
    dir
}

fn kubectl_fleet(path: &str, args: &[&str]) -> crate::common::Run {
    Cmd::program(&env().kubectl)
        .args(["fleet"])
        .args(args)
        .env("PATH", path)
        .run()
}

#[test]
fn kubectl_fleet_help_lists_every_command() {
    let dir = plugin_dir();
    let run = kubectl_fleet(&path_with(dir.path()), &["--help"]);
    let out = run.ok();
    assert!(out.contains("Usage: kubectl fleet <COMMAND>"), "{out}");
    for cmd in SUBCOMMANDS {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(cmd)),
            "{cmd} missing from:\n{out}"
        );
    }
    for builtin in ["completion", "help", "version"] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("  {builtin} "))),
            "{builtin} missing from:\n{out}"
        );
    }
    // Descriptions aligned in one column.
    let columns: std::collections::BTreeSet<usize> = out
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("   "))
        .map(|l| {
            l.len()
                - l[2..]
                    .split_once(' ')
                    .map_or("", |(_, rest)| rest)
                    .trim_start()
                    .len()
        })
        .collect();
    assert_eq!(columns.len(), 1, "misaligned:\n{out}");
    // A bare `kubectl fleet` prints the same help.
    assert_eq!(kubectl_fleet(&path_with(dir.path()), &[]).ok(), out);
}

#[test]
fn every_command_help_says_kubectl_fleet() {
    let dir = plugin_dir();
    for cmd in SUBCOMMANDS {
        let run = kubectl_fleet(&path_with(dir.path()), &[cmd, "--help"]);
        let out = run.ok();
        assert!(
            out.contains(&format!("Usage: kubectl fleet {cmd}")),
            "{cmd}: {out}"
        );
        assert!(
            !out.contains("kubectl-fleet"),
            "{cmd} help mentions the binary name:\n{out}"
        );
    }
}

#[test]
fn version_is_printed() {
    let dir = plugin_dir();
    let run = kubectl_fleet(&path_with(dir.path()), &["version"]);
    assert_eq!(
        run.ok().trim(),
        format!("kubectl-fleet {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn status_is_another_name_for_health() {
    let dir = plugin_dir();
    let status = kubectl_fleet(&path_with(dir.path()), &["status", "--help"]);
    let health = kubectl_fleet(&path_with(dir.path()), &["health", "--help"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert_eq!(status.stdout, health.stdout, "the same binary answers both");
    assert!(status.stdout.contains("--drift"), "{}", status.stdout);
}

#[test]
fn unknown_command_lists_the_commands_and_exits_2() {
    let dir = plugin_dir();
    let run = kubectl_fleet(&path_with(dir.path()), &["nope"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("unknown command 'nope' for 'kubectl fleet'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("bootstrap, health, reconcile, resume, secret, status, suspend, tenant, token, tree"),
        "{}",
        run.stderr
    );
}

#[test]
fn flags_before_the_command_are_explained() {
    let run = Cmd::program(bin("kubectl-fleet"))
        .args(["--context", "x", "tree"])
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("flags go after it"), "{}", run.stderr);
    // Through kubectl, which stops looking for a plugin at the first flag: the rewrite that works.
    let dir = plugin_dir();
    let run = kubectl_fleet(
        &path_with(dir.path()),
        &["--context", "staging", "tree", "ks/apps", "-o", "json"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("\n    kubectl fleet tree --context staging ks/apps -o json"),
        "{}",
        run.stderr
    );
}

/// kubectl's habit: a mistyped command gets a suggestion (every binary on PATH, so kubectl itself
/// tries `kubectl-fleet-tre` first, then runs the dispatcher).
#[test]
fn a_mistyped_command_gets_did_you_mean() {
    let dir = plugin_dir();
    let run = kubectl_fleet(&path_with(dir.path()), &["tre", "--context", "x"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("unknown command 'tre' for 'kubectl fleet'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Did you mean this?\n        tree\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_command_shows_each_commands_help() {
    let dir = plugin_dir();
    let path = path_with(dir.path());
    let tree = kubectl_fleet(&path, &["help", "tree"]);
    assert!(tree.ok().contains("Usage: kubectl fleet tree"), "{tree:?}");
    let completion = kubectl_fleet(&path, &["help", "completion"]);
    assert!(
        completion
            .ok()
            .contains("Usage: kubectl fleet completion install"),
        "{completion:?}"
    );
    let bad = kubectl_fleet(&path, &["completion"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr.contains("needs 'install' or 'uninstall'"),
        "{}",
        bad.stderr
    );
}

/// A krew install: the store directory holds every binary, and only a symlink to the dispatcher
/// is on PATH. kubectl runs the dispatcher, which must find its siblings through the symlink.
#[test]
fn krew_style_install_with_only_the_dispatcher_on_path() {
    let root = tempfile::tempdir().expect("temp dir");
    let store = root.path().join("store/fleet/v0.1.0");
    let link_dir = root.path().join("bin");
    std::fs::create_dir_all(&store).expect("store dir");
    std::fs::create_dir_all(&link_dir).expect("bin dir");
    for name in BINARIES {
        std::fs::copy(bin(name), store.join(name)).expect("copy binary");
    }
    symlink(store.join("kubectl-fleet"), link_dir.join("kubectl-fleet")).expect("symlink");
    let path = path_with(&link_dir);

    let help = kubectl_fleet(&path, &["tree", "--help"]);
    assert!(help.ok().contains("Usage: kubectl fleet tree"), "{help:?}");

    // Exit codes pass through: a clap usage error in the sibling is 2 at the shell.
    let bad = kubectl_fleet(&path, &["tree", "--no-such-flag"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("--no-such-flag"), "{}", bad.stderr);

    // A configuration error in the sibling (unknown context) is 2 as well.
    let kubeconfig = env().kubeconfig.display().to_string();
    let ctx = kubectl_fleet(
        &path,
        &[
            "tree",
            "--kubeconfig",
            &kubeconfig,
            "--context",
            "no-such-context",
        ],
    );
    assert_eq!(ctx.code, 2, "{ctx:?}");
}

#[test]
fn kubectl_plugin_list_finds_every_binary() {
    let dir = plugin_dir();
    let run = Cmd::program(&env().kubectl)
        .args(["plugin", "list"])
        .env("PATH", path_with(dir.path()))
        .run();
    for name in BINARIES {
        assert!(
            run.stdout.contains(&format!("/{name}\n")),
            "{name} not listed:\n{}",
            run.stdout
        );
    }
    assert!(
        !run.stderr.contains("warning"),
        "kubectl plugin list warned:\n{}",
        run.stderr
    );
}
