//! Peer check against the real `flux bootstrap git` (issue 14): on `staging` the flux CLI
//! bootstraps seed 003's classic cluster (`--token-auth`, the image automation controllers extra)
//! from one repository of the local git server; on `production` `kubectl fleet bootstrap init
//! --layout classic` + `kubectl fleet bootstrap` do the same for the same path from another. Both
//! run in their own Flux namespace (the demo flow owns `flux-system`), so the real source- and
//! kustomize-controllers of the environment reconcile both syncs.
//!
//! Asserted: the same files (gotk-components.yaml byte for byte from the same `flux install
//! --export`, gotk-sync.yaml, the kustomization's resources), the same Flux objects (GitRepository
//! and Kustomization specs, the Secret's keys), and `kubectl fleet tree` listing exactly the nodes
//! of `flux tree ks` on each cluster. The differences are the documented ones of the d1 design:
//! our kustomization.yaml adds the d1 tuning patches (the sync Kustomization's
//! `serviceAccountName` among them) and the cluster directory holds the runtime info and tenants;
//! and one of layout: with a namespace other than flux-system, flux bootstrap names the manifests'
//! directory after the namespace, ours is always `flux-system/`.

use std::collections::BTreeSet;

use super::*;

const EXTRA: &str = "image-reflector-controller,image-automation-controller";
const COMPONENTS: &str = "source-controller,kustomize-controller,helm-controller,notification-controller,\
                          image-reflector-controller,image-automation-controller";

/// Tree nodes as (group, kind, namespace, name).
type Nodes = BTreeSet<(String, String, String, String)>;

pub(super) fn testenv_path(name: &str) -> PathBuf {
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testenv/testenv"))
        .arg("paths")
        .output()
        .expect("testenv paths runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")).map(PathBuf::from))
        .unwrap_or_else(|| panic!("testenv paths prints no {name}"))
}

pub(super) fn bare_repo(env: &Env, name: &str) {
    let bare = env.state.join(format!("git/{name}-{}.git", env.suffix));
    for args in [
        vec!["init", "-q", "--bare", "-b", "main"],
        vec!["config", "http.receivepack", "true"],
    ] {
        let mut cmd = Command::new("git");
        if args[0] == "init" {
            cmd.args(&args).arg(&bare);
        } else {
            cmd.arg("-C").arg(&bare).args(&args);
        }
        assert!(cmd.status().expect("git runs").success(), "git {args:?}");
    }
}

fn yaml_docs(text: &str) -> Vec<Value> {
    fleet::manifests::yaml::from_multi_doc(text, "peer").expect("YAML parses")
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(rel).display()))
}

/// flux prints cli-utils `ObjMetadata` (no json tags: `Namespace`, `Name`, `GroupKind`).
fn flux_tree_nodes(node: &Value, out: &mut Nodes) {
    let field = |v: &Value, k: &str| {
        v.as_object()
            .and_then(|o| o.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    };
    let text = |v: Value| v.as_str().unwrap_or_default().to_string();
    let resource = field(node, "resource");
    let gk = field(&resource, "GroupKind");
    out.insert((
        text(field(&gk, "Group")),
        text(field(&gk, "Kind")),
        text(field(&resource, "Namespace")),
        text(field(&resource, "Name")),
    ));
    if let Value::Array(children) = field(node, "resources") {
        for child in &children {
            flux_tree_nodes(child, out);
        }
    }
}

fn our_nodes(node: &Value, out: &mut Nodes) {
    let s = |k: &str| {
        node.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    out.insert((s("group"), s("kind"), s("namespace"), s("name")));
    for child in node
        .get("children")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        our_nodes(child, out);
    }
}

/// Both trees of the sync Kustomization on one cluster, as node sets.
fn trees(env: &Env, flux: &Path, ctx: &str, ns: &str) -> (Nodes, Nodes) {
    let mut cmd = Command::new(flux);
    cmd.args(["--context", ctx, "tree", "ks", ns, "-n", ns, "-o", "json"]);
    let theirs: Value = serde_json::from_str(&env.run(cmd, None).ok("flux tree")).expect("flux tree JSON");
    let mut flux_set = BTreeSet::new();
    flux_tree_nodes(&theirs, &mut flux_set);
    let ours = env.fleet(
        "tree",
        env.work.path(),
        &["--context", ctx, &format!("ks/{ns}"), "-n", ns, "-o", "json"],
    );
    let ours: Value =
        serde_json::from_str(&ours.stdout).unwrap_or_else(|e| panic!("tree JSON ({e}): {}", ours.stderr));
    let mut our_set = BTreeSet::new();
    our_nodes(&ours["clusters"][ctx]["root"], &mut our_set);
    (flux_set, our_set)
}

#[test]
fn classic_bootstrap_matches_flux_bootstrap() {
    let env = Env::load();
    let flux = testenv_path("flux");
    let ns = format!("peer-{}", env.suffix);
    let minute = Duration::from_secs(120);
    bare_repo(&env, "peer-flux");
    bare_repo(&env, "peer-fleet");

    // The real flux bootstrap on staging; the token on stdin (newline-terminated), never in argv.
    // It applies everything, then times out waiting for Deployments (no kubelet here).
    let mut cmd = Command::new(&flux);
    cmd.args(["bootstrap", "git", "--context", "staging", "--url"])
        .arg(env.repo_url("peer-flux"))
        .args(["--allow-insecure-http", "--token-auth", "--username", "git"])
        .args(["--path", "clusters/staging", "--namespace", &ns])
        .arg(format!("--components-extra={EXTRA}"))
        .args(["--timeout", "20s", "--silent"])
        // After the demo flow the cluster runs a FluxInstance (in flux-system); flux bootstrap asks
        // before installing beside it unless forced. Its objects go to their own namespace.
        .arg("--force");
    let token_line = format!("{}\n", env.token());
    let flux_run = env.run(cmd, Some(token_line.as_bytes()));
    let theirs = env.dir("peer-flux");
    env.git(
        env.work.path(),
        &[
            "clone",
            "-q",
            &env.repo_url("peer-flux"),
            &theirs.display().to_string(),
        ],
    );
    assert!(
        theirs
            .join(format!("clusters/staging/{ns}/gotk-sync.yaml"))
            .is_file(),
        "flux bootstrap pushed its sync manifests\n{}\n{}",
        flux_run.stdout,
        flux_run.stderr
    );

    // Ours on production: the components manifest from the same flux CLI.
    let mut install = Command::new(&flux);
    install
        .args(["install", "--export", "--namespace", &ns])
        .arg(format!("--components-extra={EXTRA}"));
    let components = env.run(install, None).ok("flux install --export");
    let components_file = env.work.path().join("gotk-components.yaml");
    std::fs::write(&components_file, &components).expect("components file");
    let ours = env.dir("peer-fleet");
    std::fs::create_dir_all(&ours).expect("dir");
    env.git(&ours, &["init", "-q", "-b", "main"]);
    let url = env.repo_url("peer-fleet");
    env.fleet(
        "bootstrap",
        &ours,
        &[
            "init",
            "staging",
            "--layout",
            "classic",
            "--components-manifest",
            &components_file.display().to_string(),
            "--git-url",
            &url,
            "--insecure-http",
            "-n",
            &ns,
            "--domain",
            "staging.peer.local",
            "--no-multitenant",
            "--components",
            COMPONENTS,
        ],
    )
    .ok("bootstrap init --layout classic");
    env.commit_and_push("peer-fleet", "classic cluster", false);
    let kubectl = env.kubectl.display().to_string();
    let fleet_dir = ours.display().to_string();
    env.fleet_stdin(
        "bootstrap",
        &[
            "staging",
            "--fleet-dir",
            &fleet_dir,
            "--context",
            "production",
            "--token-stdin",
            "--insecure-http",
            "--username",
            "git",
            "--kubectl",
            &kubectl,
            "--timeout",
            "120s",
        ],
        env.token().as_bytes(),
    )
    .ok("kubectl fleet bootstrap (classic)");

    // The same files.
    // flux bootstrap names the directory after the namespace (flux-system/ by default); ours is
    // always flux-system/.
    let fs = "clusters/staging/flux-system";
    let their_fs = format!("clusters/staging/{ns}");
    assert_eq!(
        read(&ours, &format!("{fs}/gotk-components.yaml")),
        read(&theirs, &format!("{their_fs}/gotk-components.yaml")),
        "gotk-components.yaml: the same `flux install --export`"
    );
    let without_url = |mut docs: Vec<Value>| {
        for d in &mut docs {
            if let Some(spec) = d.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("url");
            }
        }
        docs
    };
    let our_sync = yaml_docs(&read(&ours, &format!("{fs}/gotk-sync.yaml")));
    let their_sync = yaml_docs(&read(&theirs, &format!("{their_fs}/gotk-sync.yaml")));
    assert_eq!(our_sync[0]["spec"]["url"], Value::String(url.clone()));
    assert_eq!(without_url(our_sync), without_url(their_sync), "gotk-sync.yaml");
    let our_k = yaml_docs(&read(&ours, &format!("{fs}/kustomization.yaml")));
    let their_k = yaml_docs(&read(&theirs, &format!("{their_fs}/kustomization.yaml")));
    assert_eq!(
        our_k[0]["resources"], their_k[0]["resources"],
        "kustomization.yaml resources"
    );
    assert_eq!(their_k[0].get("patches"), None);
    assert!(
        our_k[0]["patches"].as_array().is_some_and(|p| !p.is_empty()),
        "the d1 tuning"
    );

    // The same Flux objects on both clusters, once reconciled by the real controllers.
    let ready = |ctx: &str, resource: &str| {
        eventually(minute, &format!("{ctx} {resource} Ready"), || {
            let obj = env.get_json(ctx, &ns, resource);
            match condition(&obj, "Ready") {
                Some(c) if c["status"] == "True" => Ok(obj),
                other => Err(format!("{other:?}")),
            }
        })
    };
    let their_repo = ready("staging", &format!("gitrepository/{ns}"));
    let our_repo = ready("production", &format!("gitrepository/{ns}"));
    let mut a = their_repo["spec"].clone();
    let mut b = our_repo["spec"].clone();
    a.as_object_mut().expect("spec").remove("url");
    b.as_object_mut().expect("spec").remove("url");
    assert_eq!(a, b, "GitRepository spec");
    let their_ks = ready(
        "staging",
        &format!("kustomization.kustomize.toolkit.fluxcd.io/{ns}"),
    );
    let our_ks = ready(
        "production",
        &format!("kustomization.kustomize.toolkit.fluxcd.io/{ns}"),
    );
    let mut b = our_ks["spec"].clone();
    assert_eq!(
        b.as_object_mut().expect("spec").remove("serviceAccountName"),
        Some(Value::String("kustomize-controller".into())),
        "the d1 patch of the sync Kustomization"
    );
    assert_eq!(their_ks["spec"], b, "Kustomization spec");
    let keys = |ctx: &str| {
        let s = env.get_json(ctx, &ns, "secret/flux-system");
        let mut k: Vec<String> = s["data"].as_object().expect("data").keys().cloned().collect();
        k.sort();
        (s["type"].clone(), k)
    };
    assert_eq!(keys("staging"), keys("production"), "Secret flux-system");
    assert_eq!(keys("production").1, ["password", "username"]);

    // kubectl fleet tree lists exactly flux tree's nodes, on both clusters.
    for ctx in ["staging", "production"] {
        let (theirs, ours) = trees(&env, &flux, ctx, &ns);
        assert!(theirs.len() > 20, "{ctx}: {theirs:?}");
        assert_eq!(theirs, ours, "{ctx}: flux tree and kubectl fleet tree disagree");
    }
    let transcript = TRANSCRIPT.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(!transcript.contains(&env.token()), "the token leaked into output");
}

/// Copies the fixture tree `from` into `to`, replacing `NAMESPACE` and `SUFFIX`.
fn copy_fixture(from: &Path, to: &Path, ns: &str, suffix: &str) {
    for entry in std::fs::read_dir(from).expect("fixture dir").flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            std::fs::create_dir_all(&dst).expect("mkdir");
            copy_fixture(&src, &dst, ns, suffix);
        } else {
            let text = std::fs::read_to_string(&src).expect("fixture file");
            std::fs::write(&dst, text.replace("NAMESPACE", ns).replace("SUFFIX", suffix)).expect("write");
        }
    }
}

/// Seed 004's shape (tests/fixtures/flux-platform): a nested cluster importing the production
/// profile, the platform and tenants applied by the real kustomize-controller into namespaces
/// that bootstrap created outside the flows, and the tree showing all of it as flux tree does.
#[test]
fn flux_platform_fleet_bootstraps_and_shows_its_tree() {
    let env = Env::load();
    let flux = testenv_path("flux");
    let ns = format!("plat-{}", env.suffix);
    let minute = Duration::from_secs(120);
    bare_repo(&env, "platform");
    let repo = env.dir("platform");
    std::fs::create_dir_all(&repo).expect("dir");
    copy_fixture(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flux-platform"),
        &repo,
        &ns,
        &env.suffix,
    );
    env.git(&repo, &["init", "-q", "-b", "main"]);
    let mut install = Command::new(&flux);
    install.args(["install", "--export", "--namespace", &ns]);
    let components = env.run(install, None).ok("flux install --export");
    let components_file = env.work.path().join("platform-components.yaml");
    std::fs::write(&components_file, &components).expect("components file");
    env.fleet(
        "bootstrap",
        &repo,
        &[
            "init",
            "sts-devpkg/eu",
            "--layout",
            "classic",
            "--profile",
            "production",
            "--components-manifest",
            &components_file.display().to_string(),
            "--git-url",
            &env.repo_url("platform"),
            "--insecure-http",
            "-n",
            &ns,
            "--domain",
            "eu.sts-devpkg.local",
        ],
    )
    .ok("bootstrap init sts-devpkg/eu --profile production");
    // Namespaces outside the flows, in the cluster's secrets directory.
    write(
        repo.join("clusters/sts-devpkg/eu/secrets/namespaces.yaml"),
        &format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring-{s}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: devops-{s}\n",
            s = env.suffix
        ),
    );
    env.commit_and_push("platform", "flux-platform fleet", false);

    let fleet_dir = repo.display().to_string();
    let kubectl = env.kubectl.display().to_string();
    let sops = testenv_path("sops").display().to_string();
    let out = env
        .fleet_stdin(
            "bootstrap",
            &[
                "sts-devpkg/eu",
                "--fleet-dir",
                &fleet_dir,
                "--context",
                "sts-devpkg/eu=staging",
                "--token-stdin",
                "--insecure-http",
                "--username",
                "git",
                "--kubectl",
                &kubectl,
                "--sops",
                &sops,
                "--timeout",
                "120s",
            ],
            env.token().as_bytes(),
        )
        .ok("kubectl fleet bootstrap sts-devpkg/eu");
    assert!(out.contains("sts-devpkg/eu"), "{out}");

    // The profile's flows, reconciled by the real kustomize-controller.
    for ks in ["platform", "tenants"] {
        eventually(minute, &format!("Kustomization {ks} Ready"), || {
            let obj = env.get_json(
                "staging",
                &ns,
                &format!("kustomization.kustomize.toolkit.fluxcd.io/{ks}"),
            );
            match condition(&obj, "Ready") {
                Some(c) if c["status"] == "True" => Ok(()),
                other => Err(format!("{other:?}")),
            }
        });
    }
    let cm = env.get_json(
        "staging",
        &format!("devops-{}", env.suffix),
        "configmap/github-runners",
    );
    assert_eq!(
        cm["metadata"]["labels"]["platform.example.com/profile"],
        Value::Null,
        "only the cluster's objects carry the profile label"
    );
    let platform = env.get_json(
        "staging",
        &ns,
        "kustomization.kustomize.toolkit.fluxcd.io/platform",
    );
    assert_eq!(
        platform["metadata"]["labels"]["platform.example.com/profile"],
        "production"
    );

    // The tree shows the whole platform, as flux tree does.
    let (theirs, ours) = trees(&env, &flux, "staging", &ns);
    for (kind, node_ns, name) in [
        ("Kustomization", ns.clone(), "platform".to_string()),
        ("Kustomization", ns.clone(), "tenants".to_string()),
        (
            "ConfigMap",
            format!("monitoring-{}", env.suffix),
            "monitoring-settings".to_string(),
        ),
        (
            "ConfigMap",
            format!("devops-{}", env.suffix),
            "github-runners".to_string(),
        ),
    ] {
        assert!(
            ours.iter()
                .any(|(_, k, n, nm)| *k == kind && *n == node_ns && *nm == name),
            "{kind} {node_ns}/{name} in the tree: {ours:?}"
        );
    }
    assert_eq!(theirs, ours, "flux tree and kubectl fleet tree disagree");
}
