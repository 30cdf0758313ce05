//! Completion through the real kubectl (`kubectl __complete fleet …` → `kubectl_complete-fleet`),
//! a real bash driving a static script, and the committed static scripts being up to date.

use std::{os::unix::fs::symlink, path::PathBuf};

use fleet::cli::registry::{SHELLS, binary_names, static_script, static_script_path};

use crate::common::{Cmd, Run, bin, env};

fn completions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions")
}

/// The committed scripts match what the clap definitions generate. Regenerate with
/// `FLEET_UPDATE_COMPLETIONS=1 cargo test --test it completion::static_scripts_are_up_to_date`.
#[test]
fn static_scripts_are_up_to_date() {
    let update = std::env::var_os("FLEET_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for bin in binary_names() {
        for shell in SHELLS {
            let path = completions_dir().join(static_script_path(&bin, *shell));
            let expected = static_script(&bin, *shell).expect("script generates");
            if update {
                std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
                std::fs::write(&path, &expected).expect("write script");
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale completion scripts (run FLEET_UPDATE_COMPLETIONS=1 cargo test --test it completion::static_scripts_are_up_to_date):\n{}",
        stale.join("\n")
    );
}

/// A krew-style layout: the store holds every binary; only `kubectl-fleet` and the
/// `kubectl_complete-fleet` helper (installed by `kubectl fleet completion install`) are on PATH.
struct KrewLayout {
    _root: tempfile::TempDir,
    bin_dir: PathBuf,
}

fn krew_layout() -> KrewLayout {
    let root = tempfile::tempdir().expect("temp dir");
    let store = root.path().join("store");
    let bin_dir = root.path().join("bin");
    std::fs::create_dir_all(&store).expect("store");
    std::fs::create_dir_all(&bin_dir).expect("bin");
    for name in binary_names() {
        std::fs::copy(bin(&name), store.join(&name)).expect("copy");
    }
    symlink(store.join("kubectl-fleet"), bin_dir.join("kubectl-fleet")).expect("link");
    let run = Cmd::program(bin_dir.join("kubectl-fleet"))
        .args(["completion", "install"])
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("installed kubectl_complete-fleet"),
        "{}",
        run.stderr
    );
    KrewLayout { _root: root, bin_dir }
}

fn kubectl_complete(layout: &KrewLayout, words: &[&str]) -> Run {
    kubectl_complete_in(&layout.bin_dir, words)
}

/// `kubectl __complete fleet WORDS…` with `bin_dir` first on PATH, the test kubeconfig and an
/// empty credential index.
fn kubectl_complete_in(bin_dir: &std::path::Path, words: &[&str]) -> Run {
    let kubectl_dir = env().kubectl.parent().expect("kubectl dir").display().to_string();
    Cmd::program(&env().kubectl)
        .args(["__complete", "fleet"])
        .args(words)
        .env(
            "PATH",
            format!("{}:{kubectl_dir}:/usr/bin:/bin", bin_dir.display()),
        )
        .env("KUBECONFIG", &env().kubeconfig)
        .env("XDG_CONFIG_HOME", empty_config())
        .run()
}

/// An XDG config directory without a credential index.
fn empty_config() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir")).path()
}

/// A source or archive install: every binary on PATH (so kubectl lists `kubectl-fleet-tree` etc.
/// as plugins itself), and the helpers linked by `kubectl fleet completion install`.
fn source_layout() -> KrewLayout {
    let root = tempfile::tempdir().expect("temp dir");
    let bin_dir = root.path().join("bin");
    std::fs::create_dir_all(&bin_dir).expect("bin");
    for name in binary_names() {
        symlink(bin(&name), bin_dir.join(&name)).expect("link");
    }
    let run = Cmd::program(bin_dir.join("kubectl-fleet"))
        .args(["completion", "install"])
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    KrewLayout { _root: root, bin_dir }
}

fn values(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .filter(|l| !l.starts_with(':'))
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn kubectl_completes_subcommands_through_the_helper() {
    let layout = krew_layout();
    let run = kubectl_complete(&layout, &[""]);
    assert_eq!(run.code, 0, "{run:?}");
    let got = values(&run);
    for cmd in [
        "bootstrap",
        "tenant",
        "token",
        "tree",
        "version",
        "completion",
        "help",
    ] {
        assert!(got.contains(&cmd.to_string()), "{cmd} missing: {got:?}");
    }
    assert!(
        run.stdout.contains("tree\tShow what Flux manages"),
        "descriptions: {}",
        run.stdout
    );
    let t = values(&kubectl_complete(&layout, &["t"]));
    assert_eq!(t, ["tenant", "token", "tree"]);
}

#[test]
fn kubectl_completes_flags_and_flag_values_of_every_command() {
    let layout = krew_layout();
    let flags = values(&kubectl_complete(&layout, &["tree", "--comp"]));
    assert_eq!(flags, ["--compact"]);
    let formats = values(&kubectl_complete(&layout, &["tree", "-o", ""]));
    assert_eq!(formats, ["tree", "table", "json", "yaml"]);
    // The cluster flags where clusters are reached (token and tenant: only their subcommands that do).
    for cmd in [
        &["bootstrap"][..],
        &["tenant", "list"],
        &["token", "rotate"],
        &["tree"],
    ] {
        // `--kubeco`: bootstrap also has --kubectl.
        let got = values(&kubectl_complete(&layout, &[cmd, &["--kubeco"]].concat()));
        assert_eq!(got, ["--kubeconfig"], "{cmd:?}");
        let colors = values(&kubectl_complete(&layout, &[cmd, &["--color", ""]].concat()));
        assert_eq!(colors, ["auto", "always", "never"], "{cmd:?}");
    }
}

#[test]
fn kubectl_completes_context_names_from_the_kubeconfig() {
    let layout = krew_layout();
    let got = values(&kubectl_complete(&layout, &["tree", "--context", ""]));
    assert_eq!(got, env().contexts, "contexts from $KUBECONFIG");
    // --kubeconfig on the line wins over $KUBECONFIG.
    let dir = tempfile::tempdir().expect("temp dir");
    let other = dir.path().join("other");
    std::fs::write(&other, "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts:\n- name: elsewhere\n  context: {cluster: x, user: y}\n")
        .expect("write");
    let kubeconfig = other.display().to_string();
    let got = values(&kubectl_complete(
        &layout,
        &["tree", "--kubeconfig", &kubeconfig, "--context", "e"],
    ));
    assert_eq!(got, ["elsewhere"]);
}

#[test]
fn completion_uninstall_removes_the_helpers() {
    let layout = krew_layout();
    assert!(layout.bin_dir.join("kubectl_complete-fleet").exists());
    let run = Cmd::program(layout.bin_dir.join("kubectl-fleet"))
        .args(["completion", "uninstall", "--dir"])
        .args([&layout.bin_dir])
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!layout.bin_dir.join("kubectl_complete-fleet").exists());
    assert!(!layout.bin_dir.join("kubectl_complete-fleet-tree").exists());
}

/// Defect 1: with every binary on PATH kubectl lists `tree` etc. itself; the helper must not list
/// them again (bash would insert `tree  (`), and kubectl then asks `kubectl_complete-fleet-tree`.
#[test]
fn source_install_lists_each_command_once() {
    let layout = source_layout();
    let run = kubectl_complete_in(&layout.bin_dir, &[""]);
    let got = values(&run);
    for cmd in fleet::cli::COMMANDS {
        let count = got.iter().filter(|v| *v == cmd.name).count();
        assert_eq!(count, 1, "{} listed {count} times: {}", cmd.name, run.stdout);
    }
    assert_eq!(got.len(), fleet::cli::COMMANDS.len(), "{}", run.stdout);
    assert_eq!(values(&kubectl_complete_in(&layout.bin_dir, &["tr"])), ["tree"]);
    assert_eq!(
        values(&kubectl_complete_in(&layout.bin_dir, &["tree", "--comp"])),
        ["--compact"]
    );
    let formats = values(&kubectl_complete_in(&layout.bin_dir, &["tree", "-o", ""]));
    assert_eq!(formats, ["tree", "table", "json", "yaml"]);
}

/// Defect 5: flags only after `-`, and nothing at all (so the shell inserts nothing, not `--`)
/// when there is nothing to complete.
#[test]
fn flags_only_after_a_dash_and_nothing_when_nothing_fits() {
    for layout in [krew_layout(), source_layout()] {
        for words in [
            &["token", "rotate", ""][..],
            &["version", ""],
            &["tree", "ks/a", ""],
        ] {
            let run = kubectl_complete_in(&layout.bin_dir, words);
            assert_eq!(values(&run), Vec::<String>::new(), "{words:?}: {}", run.stdout);
            assert_eq!(run.stdout.lines().last(), Some(":4"), "{words:?}");
        }
        let dash = values(&kubectl_complete_in(&layout.bin_dir, &["token", "rotate", "-"]));
        assert!(dash.contains(&"--context".to_string()), "{dash:?}");
    }
}

/// Defect 5: `-n` completes namespaces from the cluster of the `--context` on the line, and says
/// nothing, quickly, when the cluster cannot be reached.
#[test]
fn dash_n_completes_namespaces_from_the_cluster() {
    let kubeconfig = env().kubeconfig.display().to_string();
    for layout in [krew_layout(), source_layout()] {
        for cmd in [&["tree"][..], &["bootstrap", "status"]] {
            let words: Vec<&str> = cmd
                .iter()
                .copied()
                .chain(["--context", env().first(), "-n", ""])
                .collect();
            let got = values(&kubectl_complete_in(&layout.bin_dir, &words));
            for ns in ["default", "kube-system"] {
                assert!(
                    got.contains(&ns.to_string()),
                    "{cmd:?}: {ns} missing from {got:?}"
                );
            }
        }
        let got = values(&kubectl_complete_in(
            &layout.bin_dir,
            &["tree", "--kubeconfig", &kubeconfig, "--namespace", "kube-s"],
        ));
        assert_eq!(got, ["kube-system"]);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let unreachable = dir.path().join("kubeconfig");
    std::fs::write(&unreachable, "apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters:\n- name: x\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- name: x\n  user: {}\ncontexts:\n- name: x\n  context: {cluster: x, user: x}\n")
        .expect("write");
    let started = std::time::Instant::now();
    let layout = krew_layout();
    let unreachable = unreachable.display().to_string();
    let run = kubectl_complete_in(&layout.bin_dir, &["tree", "--kubeconfig", &unreachable, "-n", ""]);
    assert_eq!(values(&run), Vec::<String>::new(), "{run:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// Defect 2: `completion install` is idempotent, repairs links left dangling (by an older install
/// that linked into a krew store directory `kubectl krew upgrade` removed), refuses to replace a
/// file it did not make, and `uninstall` removes only its own links.
#[test]
fn completion_install_is_idempotent_self_healing_and_careful() {
    let layout = krew_layout();
    let install = |dir: &std::path::Path| {
        Cmd::program(dir.join("kubectl-fleet"))
            .args(["completion", "install"])
            .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
            .run()
    };
    let helper = layout.bin_dir.join("kubectl_complete-fleet");
    assert_eq!(
        std::fs::read_link(&helper).expect("a link"),
        PathBuf::from("kubectl-fleet"),
        "relative to krew's link, which krew re-points on upgrade"
    );
    let again = install(&layout.bin_dir);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stderr.contains("kept kubectl_complete-fleet"),
        "{}",
        again.stderr
    );
    assert!(!again.stderr.contains("installed"), "{}", again.stderr);

    std::fs::remove_file(&helper).expect("rm");
    symlink(
        layout.bin_dir.join("../store/fleet/v0.0.1/kubectl-fleet"),
        &helper,
    )
    .expect("dangling");
    let broken = kubectl_complete(&layout, &["tree", "--comp"]);
    assert!(
        values(&broken).is_empty(),
        "a dangling helper completes nothing: {broken:?}"
    );
    let repaired = install(&layout.bin_dir);
    assert_eq!(repaired.code, 0, "{repaired:?}");
    assert!(
        repaired.stderr.contains("repaired kubectl_complete-fleet"),
        "{}",
        repaired.stderr
    );
    assert_eq!(
        values(&kubectl_complete(&layout, &["tree", "--comp"])),
        ["--compact"]
    );

    let foreign = layout.bin_dir.join("kubectl_complete-fleet-tree");
    std::fs::remove_file(&foreign).expect("rm");
    std::fs::write(&foreign, "#!/bin/sh\n").expect("foreign file");
    let refused = install(&layout.bin_dir);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains(&foreign.display().to_string()),
        "{}",
        refused.stderr
    );
    let run = Cmd::program(layout.bin_dir.join("kubectl-fleet"))
        .args(["completion", "uninstall", "--dir"])
        .args([&layout.bin_dir])
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !helper.exists() && helper.symlink_metadata().is_err(),
        "ours removed"
    );
    assert_eq!(
        std::fs::read_to_string(&foreign).expect("kept"),
        "#!/bin/sh\n",
        "a file we did not make stays"
    );
}

/// The static bash script, driven by a real bash the way readline does.
#[test]
fn bash_completes_with_the_static_script() {
    let script = completions_dir().join("bash/kubectl-fleet-tree.bash");
    let driver = format!(
        r#"source {script}
complete -p kubectl-fleet-tree
fn=$(complete -p kubectl-fleet-tree | sed -E 's/.*-F ([^ ]+) .*/\1/')
COMP_WORDS=(kubectl-fleet-tree --comp); COMP_CWORD=1; COMP_LINE="kubectl-fleet-tree --comp"; COMP_POINT=${{#COMP_LINE}}
"$fn" kubectl-fleet-tree --comp kubectl-fleet-tree
echo "REPLY:${{COMPREPLY[*]}}"
COMP_WORDS=(kubectl-fleet-tree --output ""); COMP_CWORD=2; COMP_LINE="kubectl-fleet-tree --output "; COMP_POINT=${{#COMP_LINE}}
"$fn" kubectl-fleet-tree "" --output
echo "REPLY:${{COMPREPLY[*]}}"
"#,
        script = script.display()
    );
    let run = Cmd::program("bash")
        .args(["--norc", "--noprofile", "-c", &driver])
        .run();
    let out = run.ok();
    assert!(
        out.contains("kubectl-fleet-tree\n"),
        "registered for the binary: {out}"
    );
    assert!(out.contains("REPLY:--compact"), "{out}");
    assert!(out.contains("REPLY:tree table json yaml"), "{out}");
}

/// Names from the cluster (tenant namespaces for `tenant delete`, tenants for `--tenant`) and
/// from the local credential index (`--token`), through the real kubectl.
#[tokio::test]
async fn kubectl_completes_live_names_from_the_cluster_and_credentials() {
    let layout = krew_layout();
    let target = env().target(env().first()).await;
    let tenant = crate::common::unique("cmpl");
    let ns = crate::common::unique("cmplns");
    crate::common::apply(
        &target,
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns, "labels": {"toolkit.fluxcd.io/tenant": tenant}}}),
    )
    .await;
    let context = env().first().to_string();
    let got = values(&kubectl_complete(
        &layout,
        &["tenant", "delete", "--context", &context, &ns[..6]],
    ));
    assert!(got.contains(&ns), "{ns} not offered: {got:?}");
    let got = values(&kubectl_complete(
        &layout,
        &[
            "tenant",
            "create",
            "x",
            "--context",
            &context,
            "--tenant",
            &tenant,
        ],
    ));
    assert_eq!(got, std::slice::from_ref(&tenant));

    // A context that cannot be reached gives no candidates, quickly and silently.
    let started = std::time::Instant::now();
    let run = kubectl_complete(
        &layout,
        &["tenant", "delete", "--kubeconfig", "/nonexistent", "zz"],
    );
    assert_eq!(values(&run), Vec::<String>::new());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));

    // Credential names come from the local index, never from the keyring.
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
    let kubectl_dir = env().kubectl.parent().expect("kubectl dir").display().to_string();
    let run = Cmd::program(&env().kubectl)
        .args(["__complete", "fleet", "token", "rotate", ""])
        .env(
            "PATH",
            format!("{}:{kubectl_dir}:/usr/bin:/bin", layout.bin_dir.display()),
        )
        .env("XDG_CONFIG_HOME", config.path())
        .run();
    let got = values(&run);
    let names: Vec<&String> = got.iter().filter(|v| !v.starts_with('-')).collect();
    assert_eq!(names, ["apps-bot", "fleet-bot"], "{got:?}");
}

/// `kubectl fleet tree <TAB>`: kinds first (without a trailing space), then the live objects.
#[tokio::test]
async fn kubectl_completes_tree_roots_from_the_cluster() {
    let layout = krew_layout();
    let target = env().target(env().first()).await;
    let ns = crate::common::namespace(&target, "cmpltree").await;
    crate::common::apply(
        &target,
        serde_json::json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps", "namespace": ns},
            "spec": {"interval": "10m", "path": "./", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}}}),
    )
    .await;
    let context = env().first().to_string();
    let kinds = kubectl_complete(&layout, &["tree", "--context", &context, "k"]);
    assert_eq!(values(&kinds), ["ks/"]);
    assert!(
        kinds.stdout.ends_with(":6\n"),
        "no space after a kind: {}",
        kinds.stdout
    );
    let objects = values(&kubectl_complete(
        &layout,
        &["tree", "--context", &context, &format!("ks/{ns}")],
    ));
    assert_eq!(objects, [format!("ks/{ns}/apps")]);
}
