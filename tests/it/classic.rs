//! Classic fleets as they really are (issue 14): nested cluster paths (`clusters/sts-devpkg/eu`),
//! clusters importing a `clusters/_components/<profile>` kustomize Component, `flux-system/`
//! built by the real kustomize (`kubectl kustomize` of the test environment's kubectl) with what
//! the old hand-written subset refused (`images:`, `labels:`), the cluster's SOPS secrets files
//! applied by bootstrap, and the bad inputs: each refused with exit 2 naming the file, nothing
//! written or applied.

use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use serde_json::{Value, json};

use crate::{
    bootstrap::{D1_FLEET_URL, Fleet, Simulator, assert_no_namespace, items},
    common::{Cmd, env, get, unique},
};

/// A production profile as flux-platform writes them: a Component labelling what it imports.
const PROFILE: &str = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n  - pairs:\n      profile: production\n";

fn tool(var: &str) -> PathBuf {
    std::env::var(var).map(PathBuf::from).unwrap_or_else(|_| {
        panic!("{var} is not set (scripts/test.sh exports it from `tests/testenv/testenv paths`)")
    })
}

fn parse(text: &str) -> Value {
    fleet::manifests::yaml::from_str(text, "test").expect("YAML parses")
}

fn parse_all(text: &str) -> Vec<Value> {
    fleet::manifests::yaml::objects_from_multi_doc(text, "test").expect("YAML parses")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// `init CLUSTER --layout classic …` with the test components manifest, in the fleet's namespace.
fn init_classic(fleet: &Fleet, cluster: &str, extra: &[&str]) -> crate::common::Run {
    let mut args = vec![
        "init",
        cluster,
        "--layout",
        "classic",
        "--components-manifest",
        "gotk-components.yaml",
        "--git-url",
        D1_FLEET_URL,
        "--domain",
        "eu.example.com",
        "--components",
        "source-controller,kustomize-controller,helm-controller,notification-controller",
    ];
    args.extend_from_slice(extra);
    fleet.init(&args)
}

#[test]
fn init_writes_a_nested_cluster_importing_a_profile_and_from_retargets_it() {
    let fleet = Fleet::new("init-profile");
    write(
        fleet.path(),
        "clusters/_components/production/kustomization.yaml",
        PROFILE,
    );
    init_classic(&fleet, "sts-devpkg/eu", &["--profile", "production"]).ok();

    let k = parse(&fleet.read("clusters/sts-devpkg/eu/kustomization.yaml"));
    assert_eq!(
        k,
        json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": ["flux-system", "runtime-info.yaml", "infra-tenant.yaml", "apps-tenant.yaml"],
            "components": ["../../_components/production"],
        })
    );
    let sync = parse_all(&fleet.read("clusters/sts-devpkg/eu/flux-system/gotk-sync.yaml"));
    assert_eq!(sync[1]["spec"]["path"], "./clusters/sts-devpkg/eu");
    let runtime = parse(&fleet.read("clusters/sts-devpkg/eu/runtime-info.yaml"));
    assert_eq!(
        runtime["data"]["CLUSTER_NAME"], "sts-devpkg-eu",
        "named like its default context"
    );

    // The real kustomize builds the whole cluster directory with the profile applied, as
    // kustomize-controller will when it syncs ./clusters/sts-devpkg/eu.
    let built = Cmd::program(&env().kubectl)
        .args(["kustomize"])
        .args([fleet.path().join("clusters/sts-devpkg/eu")])
        .run();
    let objects = parse_all(built.ok());
    assert!(objects.len() > 5, "{}", built.stdout);
    for o in &objects {
        assert_eq!(o["metadata"]["labels"]["profile"], "production", "{o}");
    }

    // --from copies the cluster kustomization, re-targeted to the new cluster's depth.
    let us = fleet.init(&[
        "init",
        "sts-devpkg/us",
        "--from",
        "sts-devpkg/eu",
        "--domain",
        "us.example.com",
    ]);
    us.ok();
    assert!(
        !us.stderr.contains("kustomization.yaml was not copied"),
        "{}",
        us.stderr
    );
    assert_eq!(
        parse(&fleet.read("clusters/sts-devpkg/us/kustomization.yaml"))["components"],
        json!(["../../_components/production"])
    );
    fleet
        .init(&[
            "init",
            "staging",
            "--from",
            "sts-devpkg/us",
            "--domain",
            "s.example.com",
        ])
        .ok();
    assert_eq!(
        parse(&fleet.read("clusters/staging/kustomization.yaml"))["components"],
        json!(["../_components/production"])
    );
    assert_eq!(
        parse(&fleet.read("clusters/sts-devpkg/us/runtime-info.yaml"))["data"]["CLUSTER_NAME"],
        "sts-devpkg-us"
    );
}

#[test]
fn init_bad_profiles_and_paths_are_named_and_write_nothing() {
    let fleet = Fleet::new("init-profile-bad");
    write(
        fleet.path(),
        "clusters/_components/production/kustomization.yaml",
        PROFILE,
    );
    write(
        fleet.path(),
        "clusters/_components/broken/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
    );
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "missing profile",
            vec!["--profile", "sss"],
            "invalid --profile 'sss': clusters/_components/sss/kustomization.yaml does not exist (profiles: broken, production)",
        ),
        (
            "not a Component",
            vec!["--profile", "broken"],
            "clusters/_components/broken/kustomization.yaml is a Kustomization, not a kustomize Component",
        ),
        (
            "bad profile name",
            vec!["--profile", "../x"],
            "invalid --profile '../x'",
        ),
    ];
    for (what, extra, expected) in cases {
        let run = init_classic(&fleet, "sts-devpkg/eu", &extra);
        assert_eq!(run.code, 2, "{what}: {run:?}");
        assert!(run.stderr.contains(expected), "{what}: {}", run.stderr);
    }
    let d1 = fleet.init(&[
        "init",
        "staging",
        "--git-url",
        D1_FLEET_URL,
        "--domain",
        "a.example.com",
        "--profile",
        "production",
    ]);
    assert_eq!(d1.code, 2, "{d1:?}");
    assert!(d1.stderr.contains("--layout classic"), "{}", d1.stderr);
    let bad = init_classic(&fleet, "sts-devpkg/EU", &[]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr
            .contains("invalid cluster name 'sts-devpkg/EU': segment 'EU'"),
        "{}",
        bad.stderr
    );
    let mut left: Vec<String> = std::fs::read_dir(fleet.path().join("clusters"))
        .expect("clusters")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    left.sort();
    assert_eq!(left, ["_components"], "nothing written");
}

/// age key and `.sops.yaml` for a cluster's secrets directory; returns the identity file.
fn age_rules(fleet: &Fleet, cluster: &str, keys: &Path) -> PathBuf {
    let keygen = tool("FLEET_TEST_AGE_KEYGEN");
    let key = keys.join("age.agekey");
    let out = Cmd::program(&keygen).args(["-o"]).args([&key]).run();
    assert_eq!(out.code, 0, "age-keygen: {}", out.stderr);
    let recipient = Cmd::program(&keygen)
        .args(["-y"])
        .args([&key])
        .run()
        .ok()
        .trim()
        .to_string();
    write(
        fleet.path(),
        &format!("clusters/{cluster}/secrets/.sops.yaml"),
        &format!(
            "creation_rules:\n  - path_regex: .*.yaml\n    encrypted_regex: ^(data|stringData)$\n    age: {recipient}\n"
        ),
    );
    key
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstraps_a_nested_classic_cluster_with_the_real_kustomize_and_its_secrets_files() {
    let fleet = Fleet::new("boot-nested");
    write(
        fleet.path(),
        "clusters/_components/production/kustomization.yaml",
        PROFILE,
    );
    init_classic(&fleet, "sts-devpkg/eu", &["--profile", "production"]).ok();
    // What the hand-written subset refused: images and labels transformers.
    let k_rel = "clusters/sts-devpkg/eu/flux-system/kustomization.yaml";
    let mut k = parse(&fleet.read(k_rel));
    k["images"] = json!([{"name": "ghcr.io/fluxcd/kustomize-controller", "newTag": "v1.7.1"}]);
    k["labels"] = json!([{"pairs": {"platform.example.com/tier": "flux"}}]);
    write(
        fleet.path(),
        k_rel,
        &fleet::manifests::yaml::to_string(&k, "test").expect("yaml"),
    );

    // Secrets and namespaces outside the flows, SOPS-encrypted in git.
    let keys = tempfile::tempdir().expect("keys");
    let key = age_rules(&fleet, "sts-devpkg/eu", keys.path());
    let app_ns = unique("nested-app");
    write(
        fleet.path(),
        "clusters/sts-devpkg/eu/secrets/namespaces.yaml",
        &format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {app_ns}\n"),
    );
    let value = format!("v-{}", unique("secret"));
    Cmd::fleet("kubectl-fleet-secret")
        .current_dir(fleet.path())
        .args([
            "set",
            "sts-devpkg/eu",
            "platform",
            "db-creds",
            "-n",
            &app_ns,
            "--from-stdin",
            "password",
        ])
        .env("SOPS", tool("FLEET_TEST_SOPS"))
        .env("SOPS_AGE_KEY_FILE", &key)
        .stdin(value.clone())
        .run()
        .ok();

    let _sim = Simulator::start(&fleet.ns);
    let kubectl = env().kubectl.display().to_string();
    let sops = tool("FLEET_TEST_SOPS").display().to_string();
    let cmd = fleet
        .bootstrap(&[
            "sts-devpkg/eu",
            "--context",
            "sts-devpkg/eu=staging",
            "--kubectl",
            &kubectl,
            "--sops",
            &sops,
            "--token-env",
            "FLEET_TEST_TOKEN",
            "--timeout",
            "60s",
            "-o",
            "json",
        ])
        .env("SOPS_AGE_KEY_FILE", &key);
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    let reports = items(run.ok(), "BootstrapResultList");
    assert_eq!(reports[0]["result"], "Ready", "{}", run.stderr);
    assert_eq!(reports[0]["cluster"], "sts-devpkg/eu");
    assert_eq!(reports[0]["context"], "staging");
    assert!(
        reports[0]["secrets"]
            .as_str()
            .is_some_and(|s| s.contains("files: 2 created")),
        "{}",
        reports[0]
    );
    assert!(!run.stdout.contains(&value) && !run.stderr.contains(&value));

    let t = env().target("staging").await;
    let kc = serde_json::to_value(
        get(
            &t,
            &json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "kustomize-controller", "namespace": fleet.ns}}),
        )
        .await
        .expect("deployment"),
    )
    .expect("json");
    assert_eq!(
        kc["spec"]["template"]["spec"]["containers"][0]["image"],
        "ghcr.io/fluxcd/kustomize-controller:v1.7.1",
        "images: applied by the real kustomize"
    );
    assert_eq!(kc["metadata"]["labels"]["platform.example.com/tier"], "flux");
    let ks = serde_json::to_value(
        get(
            &t,
            &json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": fleet.ns, "namespace": fleet.ns}}),
        )
        .await
        .expect("sync Kustomization"),
    )
    .expect("json");
    assert_eq!(ks["spec"]["path"], "./clusters/sts-devpkg/eu");
    let api: Api<Secret> = Api::namespaced(t.client.clone(), &app_ns);
    let secret = api.get("db-creds").await.expect("secrets file applied");
    let data = secret.data.expect("data");
    assert_eq!(
        data["password"].0,
        value.as_bytes(),
        "decrypted in memory and applied"
    );

    // `status` of the nested cluster, and its `flux stats` view with the fleet's totals.
    let stats = fleet
        .cmd()
        .kubeconfig()
        .args([
            "status",
            "sts-devpkg/eu",
            "prod-eu",
            "--context",
            "sts-devpkg/eu=staging",
        ])
        .args(["-n", &fleet.ns, "--stats", "-o", "json"])
        .run();
    let doc: Value = serde_json::from_str(stats.ok()).expect("json");
    assert_eq!(doc["kind"], "FluxStats", "{doc}");
    let clusters = doc["clusters"].as_array().expect("clusters");
    assert_eq!(clusters[0]["cluster"], "sts-devpkg/eu");
    assert_eq!(clusters[0]["context"], "staging");
    let of = |stats: &Value, kind: &str| -> Value {
        stats
            .as_array()
            .expect("stats")
            .iter()
            .find(|s| s["kind"] == kind)
            .cloned()
            .unwrap_or_else(|| json!({"kind": kind, "running": 0, "failing": 0, "suspended": 0}))
    };
    let mine = of(&clusters[0]["stats"], "Kustomization");
    assert!(mine["running"].as_u64().expect("running") >= 1, "{doc}");
    for kind in ["GitRepository", "Kustomization"] {
        for column in ["running", "failing", "suspended"] {
            let sum: u64 = clusters
                .iter()
                .map(|c| of(&c["stats"], kind)[column].as_u64().expect("count"))
                .sum();
            assert_eq!(of(&doc["fleet"], kind)[column], sum, "{kind} {column}: {doc}");
        }
    }
    let table = fleet
        .cmd()
        .kubeconfig()
        .args([
            "status",
            "sts-devpkg/eu",
            "prod-eu",
            "--context",
            "sts-devpkg/eu=staging",
        ])
        .args(["-n", &fleet.ns, "--stats"])
        .run();
    let text = table.ok();
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("CLUSTER") && header.contains("RECONCILERS") && header.contains("STORAGE"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("sts-devpkg/eu") && l.contains("Kustomization")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("(fleet)") && l.contains("Kustomization")),
        "{text}"
    );
    fleet.assert_no_token(&[&run, &stats, &table]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_bad_input_names_the_file_and_applies_nothing() {
    let fleet = Fleet::new("boot-classic-bad");
    init_classic(&fleet, "legacy", &[]).ok();
    let kubectl = env().kubectl.display().to_string();
    let sops = tool("FLEET_TEST_SOPS").display().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "legacy",
            "--context",
            "staging",
            "--sops",
            &sops,
            "--token-env",
            "FLEET_TEST_TOKEN",
            "--timeout",
            "10s",
        ];
        args.extend_from_slice(extra);
        fleet.bootstrap(&args).run()
    };

    // kubectl missing.
    let missing = run(&["--kubectl", "/nonexistent/kubectl"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing
            .stderr
            .contains("kubectl not found ('/nonexistent/kubectl' does not exist)"),
        "{}",
        missing.stderr
    );

    // A kustomization kustomize rejects: its own message, with the repository path.
    let k_rel = "clusters/legacy/flux-system/kustomization.yaml";
    let original = fleet.read(k_rel);
    let mut k = parse(&original);
    k["resources"] = json!(["gotk-components.yaml", "gotk-sync.yaml", "missing.yaml"]);
    write(
        fleet.path(),
        k_rel,
        &fleet::manifests::yaml::to_string(&k, "test").expect("yaml"),
    );
    let rejected = run(&["--kubectl", &kubectl]);
    assert_eq!(rejected.code, 2, "{rejected:?}");
    assert!(
        rejected
            .stderr
            .contains("kustomize cannot build clusters/legacy/flux-system:"),
        "{}",
        rejected.stderr
    );
    assert!(
        rejected
            .stderr
            .contains("clusters/legacy/flux-system/missing.yaml"),
        "kustomize's message names the file: {}",
        rejected.stderr
    );
    assert!(
        !rejected.stderr.contains(&fleet.path().display().to_string()),
        "{}",
        rejected.stderr
    );
    write(fleet.path(), k_rel, &original);

    // A secrets file that is not encrypted.
    write(
        fleet.path(),
        "clusters/legacy/secrets/plain.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\nstringData:\n  password: hunter2\n",
    );
    let plain = run(&["--kubectl", &kubectl]);
    assert_eq!(plain.code, 2, "{plain:?}");
    assert!(
        plain.stderr.contains("clusters/legacy/secrets/plain.yaml"),
        "{}",
        plain.stderr
    );
    assert!(!plain.stderr.contains("hunter2"), "{}", plain.stderr);

    assert_no_namespace(&fleet.ns).await;
    fleet.assert_no_token(&[&missing, &rejected, &plain]);
}

/// A directory without a kustomization file builds like kustomize-controller builds it: a
/// generated kustomization.yaml listing its YAML files (nested kustomizations as directories),
/// written into a temporary copy, never into the checkout; the real kustomize does the build.
#[test]
fn a_directory_without_a_kustomization_builds_as_kustomize_controller_would() {
    use fleet::manifests::kustomize::{BuildOptions, Kustomize, build};
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let cm = |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
    write(root, "apps/b.yaml", &cm("b"));
    write(root, "apps/a/one.yml", &cm("one"));
    write(root, "apps/.sops.yaml", "creation_rules: []\n");
    write(root, "apps/notes.txt", "not yaml");
    write(
        root,
        "apps/overlay/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: o-\nresources:\n  - ../../base\n",
    );
    write(root, "base/kustomization.yaml", "resources: [cm.yaml]\n");
    write(root, "base/cm.yaml", &cm("base"));
    let kustomize = Kustomize::locate(Some(&env().kubectl)).expect("the test kubectl");
    let objects = build(
        Path::new("apps"),
        &BuildOptions {
            kustomize: &kustomize,
            root,
        },
    )
    .expect("builds");
    let mut names: Vec<&str> = objects
        .iter()
        .filter_map(|o| o["metadata"]["name"].as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["b", "o-base", "one"]);
    assert!(
        !root.join("apps/kustomization.yaml").exists(),
        "the checkout is untouched"
    );

    // kustomize's own refusal, with repository-relative paths.
    write(root, "bad/kustomization.yaml", "resources: [missing.yaml]\n");
    let err = build(
        Path::new("bad"),
        &BuildOptions {
            kustomize: &kustomize,
            root,
        },
    )
    .expect_err("refused");
    let text = err.to_string();
    assert!(text.starts_with("kustomize cannot build bad: "), "{text}");
    assert!(
        text.contains("bad/missing.yaml") && !text.contains(&root.display().to_string()),
        "{text}"
    );
}
