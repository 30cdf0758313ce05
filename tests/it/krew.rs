//! The krew manifest with the real krew (built from its Go module): package the binaries with
//! scripts/release.sh, install into a temporary KREW_ROOT, use the plugin with only
//! `$KREW_ROOT/bin` on PATH, and uninstall.

use std::path::{Path, PathBuf};

use crate::common::{Cmd, Run, bin_dir, env};

fn krew() -> PathBuf {
    let path = std::env::var("FLEET_TEST_KREW").unwrap_or_else(|_| {
        panic!("FLEET_TEST_KREW is not set: build krew with `tests/testenv/testenv build --krew` (scripts/test.sh does)")
    });
    PathBuf::from(path)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// PATH for krew's own commands: a directory holding `kubectl-krew`, plus kubectl.
fn krew_path(tools: &Path, krew_root: &Path) -> String {
    format!(
        "{}:{}:{}:/usr/bin:/bin",
        krew_root.join("bin").display(),
        tools.display(),
        env().kubectl.parent().expect("kubectl dir").display()
    )
}

fn kubectl(path: &str, krew_root: &Path, args: &[&str]) -> Run {
    Cmd::program(&env().kubectl)
        .args(args)
        .env("PATH", path)
        .env("KREW_ROOT", krew_root)
        .env("KREW_NO_UPGRADE_CHECK", "1")
        .run()
}

#[tokio::test]
async fn krew_installs_the_plugin_from_the_manifest_and_archive() {
    let work = tempfile::tempdir().expect("temp dir");
    let dist = work.path().join("dist");
    let krew_root = work.path().join("krew");
    let tools = work.path().join("tools");
    std::fs::create_dir_all(&tools).expect("tools dir");
    std::os::unix::fs::symlink(krew(), tools.join("kubectl-krew")).expect("link krew");

    // Package the binaries this test run built, exactly as a release does.
    let release = repo().join("scripts/release.sh");
    let built = Cmd::program("bash")
        .args([
            release.as_os_str(),
            "build".as_ref(),
            "--bin-dir".as_ref(),
            bin_dir().as_os_str(),
            "--out".as_ref(),
            dist.as_os_str(),
        ])
        .current_dir(repo())
        .run();
    assert_eq!(built.code, 0, "{built:?}");
    let manifest = Cmd::program("bash")
        .args([
            release.as_os_str(),
            "manifest".as_ref(),
            "--out".as_ref(),
            dist.as_os_str(),
            "--partial".as_ref(),
        ])
        .current_dir(repo())
        .run();
    assert_eq!(manifest.code, 0, "{manifest:?}");
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let archive = dist.join(format!("kubectl-fleet_{version}_linux_amd64.tar.gz"));
    let fleet_yaml = dist.join("fleet.yaml");

    // krew-index's own validator accepts the rendered manifest.
    let validator = std::env::var("FLEET_TEST_KREW_VALIDATOR")
        .expect("FLEET_TEST_KREW_VALIDATOR is set by scripts/test.sh");
    let validated = Cmd::program(validator)
        .args([
            "-manifest".as_ref(),
            fleet_yaml.as_os_str(),
            "-skip-install".as_ref(),
        ])
        .run();
    assert_eq!(
        validated.code, 0,
        "validate-krew-manifest rejected it: {validated:?}"
    );

    let path = krew_path(&tools, &krew_root);

    // A local custom index holding the rendered manifest (what `kubectl krew index add` would
    // clone from a git URL); krew's commands other than `install --manifest` need an index.
    let index = work.path().join("index");
    std::fs::create_dir_all(index.join("plugins")).expect("index dir");
    std::fs::copy(&fleet_yaml, index.join("plugins/fleet.yaml")).expect("copy manifest");
    for args in [
        vec!["init", "-q", "-b", "master"],
        vec!["add", "."],
        vec![
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "commit",
            "-qm",
            "index",
        ],
    ] {
        let git = Cmd::program("git").args(&args).current_dir(&index).run();
        assert_eq!(git.code, 0, "git {args:?}: {git:?}");
    }
    let update = Cmd::program(&env().kubectl)
        .args(["krew", "update"])
        .env("PATH", &path)
        .env("KREW_ROOT", &krew_root)
        .env("KREW_NO_UPGRADE_CHECK", "1")
        .env("KREW_DEFAULT_INDEX_URI", &index)
        .run();
    assert_eq!(update.code, 0, "krew update from the local index: {update:?}");
    let search = kubectl(&path, &krew_root, &["krew", "search", "fleet"]);
    assert!(
        search.ok().contains("Bootstrap, onboard, rotate tokens"),
        "{search:?}"
    );

    let install = kubectl(
        &path,
        &krew_root,
        &[
            "krew",
            "install",
            &format!("--manifest={}", fleet_yaml.display()),
            &format!("--archive={}", archive.display()),
        ],
    );
    assert_eq!(install.code, 0, "krew install failed: {install:?}");
    assert!(
        install.stderr.contains("Installed plugin: fleet"),
        "{}",
        install.stderr
    );
    assert!(
        install.stderr.contains("kubectl fleet completion install"),
        "caveats shown: {}",
        install.stderr
    );

    // krew links exactly one executable; the rest stay in the store.
    let links: Vec<String> = std::fs::read_dir(krew_root.join("bin"))
        .expect("krew bin")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "kubectl-krew")
        .collect();
    assert_eq!(links, ["kubectl-fleet"]);

    // Only $KREW_ROOT/bin (and kubectl) on PATH: the dispatcher reaches its siblings in the store.
    let only_krew = format!(
        "{}:{}",
        krew_root.join("bin").display(),
        env().kubectl.parent().expect("dir").display()
    );
    let help = kubectl(&only_krew, &krew_root, &["fleet", "--help"]);
    assert!(help.ok().contains("tree"), "{help:?}");
    let tree_help = kubectl(&only_krew, &krew_root, &["fleet", "tree", "--help"]);
    assert!(
        tree_help.ok().contains("Usage: kubectl fleet tree"),
        "{tree_help:?}"
    );
    // A real command against the local control plane, through krew's link.
    let kubeconfig = env().kubeconfig.display().to_string();
    let real = kubectl(
        &only_krew,
        &krew_root,
        &[
            "fleet",
            "bootstrap",
            "status",
            "--kubeconfig",
            &kubeconfig,
            "--context",
            env().first(),
        ],
    );
    assert_ne!(real.code, 127, "the sibling ran: {real:?}");
    assert!(!real.stderr.contains("needs 'kubectl-fleet-"), "{real:?}");

    // The caveat's `kubectl fleet completion install`, through krew's link: the helpers point at
    // that link (not into the versioned store), kubectl completes through them, and
    // `completion uninstall` leaves krew's bin directory as krew made it.
    let installed = kubectl(&only_krew, &krew_root, &["fleet", "completion", "install"]);
    assert_eq!(installed.code, 0, "{installed:?}");
    let helper = krew_root.join("bin/kubectl_complete-fleet");
    assert_eq!(
        std::fs::read_link(&helper).expect("helper link"),
        PathBuf::from("kubectl-fleet")
    );
    let completed = kubectl(&only_krew, &krew_root, &["__complete", "fleet", "tree", "--comp"]);
    assert!(completed.stdout.starts_with("--compact\t"), "{completed:?}");
    let removed = kubectl(&only_krew, &krew_root, &["fleet", "completion", "uninstall"]);
    assert_eq!(removed.code, 0, "{removed:?}");
    assert!(helper.symlink_metadata().is_err(), "helper removed");

    let uninstall = kubectl(&path, &krew_root, &["krew", "uninstall", "fleet"]);
    assert_eq!(uninstall.code, 0, "{uninstall:?}");
    assert!(!krew_root.join("bin/kubectl-fleet").exists(), "link removed");
    assert!(!krew_root.join("store/fleet").exists(), "store removed");
}
