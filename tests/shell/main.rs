//! The shell tier: `kubectl fleet <TAB>` in real bash (with bash-completion), zsh and fish, each
//! in a tmux pane, with kubectl's own completion scripts and the real kubectl, asserting on the
//! completed command line and on what the shell lists.
//!
//! Two installs: a source or archive install (every `kubectl-fleet-*` on PATH, so kubectl lists
//! `tree` etc. as plugins itself), and a krew install from a local index, before and after
//! `kubectl krew upgrade fleet` (which removes the store directory of the previous version).
//! Needs the local control plane (`-n <TAB>` lists the cluster's namespaces) and krew: run it
//! with `bash scripts/test.sh`, or after `eval "$(tests/testenv/testenv up)"` with
//! `FLEET_TEST_KREW` set to `tests/testenv/testenv paths`' krew.

#[path = "../it/common/mod.rs"]
mod common;
mod krew;
mod live;
mod term;

use std::path::{Path, PathBuf};

use fleet::cli::commands::{COMMANDS, Target};
use term::{Pane, Shell, listed_times, lists};

use crate::common::{Cmd, bin, env};

/// An XDG config directory whose credential index names `apps-bot` and `fleet-bot` (what
/// `token rotate <TAB>` offers; the keyring is never read during completion).
fn config_with_credentials() -> tempfile::TempDir {
    let config = tempfile::tempdir().expect("config dir");
    let store = fleet::credentials::MetaStore::at(config.path().join("kubectl-fleet"));
    let now = jiff::Timestamp::now();
    store
        .update(|index| {
            let meta: fleet::credentials::CredentialMeta = serde_json::from_value(serde_json::json!({
                "provider": "github", "apiUrl": "https://api.github.com", "username": "git",
                "created": now.to_string(), "updated": now.to_string(),
            }))
            .expect("metadata shape");
            index.credentials.insert("fleet-bot".into(), meta.clone());
            index.credentials.insert("apps-bot".into(), meta);
            Ok(())
        })
        .expect("index written");
    config
}

/// A directory holding `kubectl` (the test environment's), for PATH.
fn kubectl_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tools");
    std::os::unix::fs::symlink(&env().kubectl, dir.path().join("kubectl")).expect("link kubectl");
    dir
}

/// Starts each shell with this PATH and environment and runs the checks in it.
fn in_every_shell(install: &str, path: &str, extra: &[(&'static str, String)], descriptions_ours: bool) {
    let config = config_with_credentials();
    let mut vars = vec![
        ("PATH", path.to_string()),
        ("KUBECONFIG", env().kubeconfig.display().to_string()),
        ("XDG_CONFIG_HOME", config.path().display().to_string()),
    ];
    vars.extend(extra.iter().cloned());
    // The shells are independent (a tmux server and HOME each), and mostly wait on each other's
    // TAB round trips: run them side by side. A failure's message is printed by its thread.
    std::thread::scope(|scope| {
        for shell in Shell::ALL {
            let vars = &vars;
            scope.spawn(move || {
                let pane = Pane::start(shell, vars);
                check(&pane, install, descriptions_ours);
            });
        }
    });
}

/// The completions a user touches every day, in one shell.
fn check(pane: &Pane, install: &str, descriptions_ours: bool) {
    let who = format!("{} ({install})", pane.shell.name());

    // `kubectl fleet <TAB>`: every command exactly once.
    let list = pane.complete_list("kubectl fleet ", &["bootstrap", "version"]);
    for cmd in COMMANDS {
        assert_eq!(
            listed_times(&list, cmd.name),
            1,
            "{who}: '{}' not listed exactly once in:\n{list}",
            cmd.name
        );
    }
    // fish shows each candidate's description. Ours, except for a command whose binary kubectl
    // finds on PATH itself: kubectl lists it first with its own text, and fish keeps the first of
    // two equal candidates, so the helper leaves it to kubectl rather than list it twice.
    if pane.shell == Shell::Fish {
        for cmd in COMMANDS {
            // kubectl finds `kubectl-fleet-<name>` only for a command named after its binary
            // (not an alias such as `status`).
            let kubectl_lists = matches!(cmd.target, Target::Binary { binary, .. } if binary == cmd.name)
                && !descriptions_ours;
            let expected = if kubectl_lists {
                format!("The command {}", cmd.name)
            } else {
                cmd.about.chars().take(14).collect()
            };
            assert!(list.contains(&expected), "{who}: no '{expected}' in:\n{list}");
        }
    }

    // `kubectl fleet tr<TAB>`: exactly `tree ` (defect 1: bash made it `tree  (`).
    assert_eq!(
        pane.complete_line("kubectl fleet tr"),
        "kubectl fleet tree ",
        "{who}"
    );

    // `kubectl fleet tree --<TAB>`: the command's flags.
    let flags = pane.complete_list(
        "kubectl fleet tree --",
        &["--compact", "--context", "--kubeconfig"],
    );
    assert!(lists(&flags, "--status"), "{who}: {flags}");

    // `--context <TAB>`: the kubeconfig's contexts.
    let contexts: Vec<&str> = env().contexts.iter().map(String::as_str).collect();
    let listed = pane.complete_list("kubectl fleet tree --context ", &contexts);
    for context in &contexts {
        assert!(lists(&listed, context), "{who}: context {context} in:\n{listed}");
    }

    // `-n <TAB>`: namespaces from the cluster of the --context on the line.
    let namespaces = pane.complete_list(
        &format!("kubectl fleet tree --context {} -n ", env().first()),
        &["default", "kube-system"],
    );
    assert!(lists(&namespaces, "kube-system"), "{who}: {namespaces}");
    assert!(
        !namespaces.contains("--"),
        "{who}: flags offered without a dash:\n{namespaces}"
    );

    // `kubectl fleet token rotate <TAB>`: credential names, and no flags without a dash.
    let names = pane.complete_list("kubectl fleet token rotate ", &["apps-bot", "fleet-bot"]);
    assert!(
        !names.contains("--"),
        "{who}: flags offered without a dash:\n{names}"
    );

    // Nothing to complete: nothing inserted (defect 5: bash inserted `--`).
    assert_eq!(
        pane.complete_line("kubectl fleet version "),
        "kubectl fleet version ",
        "{who}"
    );
}

/// `kubectl fleet completion install` run the way a user runs it after installing.
fn completion_install(path: &str, extra: &[(&'static str, String)]) {
    let mut cmd = Cmd::program(&env().kubectl)
        .args(["fleet", "completion", "install"])
        .env("PATH", path);
    for (k, v) in extra {
        cmd = cmd.env(k, v);
    }
    let run = cmd.run();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("kubectl_complete-fleet"), "{run:?}");
}

/// A source or archive install: every binary on PATH, as `cargo install` or an unpacked release
/// archive leaves them, then `kubectl fleet completion install`.
#[test]
fn source_install_completes_in_bash_zsh_and_fish() {
    let root = tempfile::tempdir().expect("temp dir");
    let bin_dir = root.path().join("bin");
    std::fs::create_dir_all(&bin_dir).expect("bin dir");
    for name in fleet::cli::registry::binary_names() {
        std::fs::copy(bin(&name), bin_dir.join(&name)).expect("copy binary");
    }
    let tools = kubectl_dir();
    let path = format!("{}:{}:/usr/bin:/bin", bin_dir.display(), tools.path().display());
    completion_install(&path, &[]);
    in_every_shell("source install", &path, &[], false);
}

/// A krew install from an index, `kubectl fleet completion install`, then `kubectl krew upgrade
/// fleet`: completion keeps working without re-running install, because the helper links point
/// at krew's own link rather than into the store directory the upgrade removes.
#[test]
fn krew_install_completes_before_and_after_krew_upgrade() {
    let started = std::time::Instant::now();
    let step = |what: &str| println!("=== {:>5.1}s {what}", started.elapsed().as_secs_f64());
    let krew = krew::Krew::new();
    krew.publish("v0.1.0");
    step("published v0.1.0");
    krew.install();
    step("krew install");
    let path = krew.path();
    let vars = krew.vars();
    completion_install(&path, &vars);
    let helper = krew.bin_dir().join("kubectl_complete-fleet");
    assert_eq!(krew::link_of(&helper), PathBuf::from("kubectl-fleet"));
    assert_eq!(krew.store_versions(), ["v0.1.0"]);
    in_every_shell("krew install", &path, &vars, true);
    step("checked bash, zsh and fish");

    krew.publish("v0.1.1");
    step("published v0.1.1");
    krew.upgrade();
    step("krew upgrade");
    assert_eq!(
        krew.store_versions(),
        ["v0.1.1"],
        "krew removed the old store directory"
    );
    assert!(
        krew::link_of(&krew.bin_dir().join("kubectl-fleet")).ends_with("store/fleet/v0.1.1/kubectl-fleet"),
        "krew re-pointed its link"
    );
    assert!(
        helper.exists(),
        "the helper link still resolves after the upgrade"
    );
    in_every_shell("after krew upgrade", &path, &vars, true);
    step("checked bash, zsh and fish again");
    assert_only_our_links(&krew.bin_dir());
}

/// krew's bin directory holds krew's link and our helper links, nothing else of ours.
fn assert_only_our_links(dir: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("krew bin")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "kubectl-krew")
        .collect();
    names.sort();
    let mut expected: Vec<String> = vec!["kubectl-fleet".into()];
    expected.extend(fleet::cli::dispatch::links::helper_names());
    expected.sort();
    assert_eq!(names, expected);
}
