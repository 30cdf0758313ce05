//! `kubectl fleet bootstrap`: golden `init` output for the d1 clusters of d1-architecture.md §4
//! (staging, prod-eu, prod-us), the classic layout, `--from`, refusals; and the fleet bootstrap of
//! the three real clusters of the test environment: every object and field, the token nowhere in
//! any output, re-runs that change nothing, readiness, bad inputs that change nothing, `status`.
//!
//! Readiness: the FluxInstance and sync Kustomization status is written by [`Simulator`] through
//! the status subresource, the way flux-operator and kustomize-controller would (this tier has no
//! controllers). The bootstrap code only reads conditions, so it runs unchanged against the real
//! operator. Each test uses its own Flux namespace (`init -n`), so tests run in parallel on the
//! shared clusters.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use fleet::{
    bootstrap::status::{self as bstatus},
    cli::bootstrap::{status_table, summary_table},
    kube::KubeTarget,
    manifests::yaml,
    ops::bootstrap::{ClusterReport, ClusterResult},
    output::Paint,
};
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::Api;
use serde_json::{Value, json};

use crate::{
    common::{Cmd, Run, env, get, unique},
    fleet_snapshot,
};

pub(crate) const D1_FLEET_URL: &str = "https://github.com/controlplaneio-fluxcd/d1-fleet.git";

/// The d1 staging cluster of §4 (flux 2.7.x as in the d1 files).
const STAGING: &[&str] = &[
    "init",
    "staging",
    "--git-url",
    D1_FLEET_URL,
    "--flux-version",
    "2.7.x",
    "--environment",
    "staging",
    "--git-branch",
    "main",
    "--cluster-name",
    "staging-1",
    "--domain",
    "preview1.example.com",
];

/// The d1 prod-eu cluster of §4.
const PROD_EU: &[&str] = &[
    "init",
    "prod-eu",
    "--git-url",
    D1_FLEET_URL,
    "--flux-version",
    "2.7.x",
    "--production",
    "--cluster-name",
    "prod-eu",
    "--domain",
    "eu.example.com",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/fixtures/bootstrap")
        .join(name)
}

/// A fleet repository checkout in a temp dir, with its own Flux namespace and operator manifest.
pub(crate) struct Fleet {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) ns: String,
    pub(crate) token: String,
}

impl Fleet {
    pub(crate) fn new(prefix: &str) -> Fleet {
        let dir = tempfile::tempdir().expect("temp dir");
        let ns = unique(prefix);
        let manifest = std::fs::read_to_string(fixture("operator.yaml"))
            .expect("fixture")
            .replace("NAMESPACE", &ns)
            .replace("VERSION", "v0.58.1");
        std::fs::write(dir.path().join("operator.yaml"), manifest).expect("write manifest");
        let components = std::fs::read_to_string(fixture("gotk-components.yaml"))
            .expect("fixture")
            .replace("NAMESPACE", &ns);
        std::fs::write(dir.path().join("gotk-components.yaml"), components).expect("write components");
        Fleet {
            dir,
            token: format!("ghp_{}", unique("tok").replace('-', "")),
            ns,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn cmd(&self) -> Cmd {
        Cmd::fleet("kubectl-fleet-bootstrap").current_dir(self.path())
    }

    /// `bootstrap init` in this fleet, in its namespace.
    pub(crate) fn init(&self, args: &[&str]) -> Run {
        self.cmd().args(args).args(["-n", &self.ns]).run()
    }

    /// The three d1 clusters named like the test contexts.
    pub(crate) fn init_d1(&self) {
        self.init(&[
            "init",
            "staging",
            "--git-url",
            D1_FLEET_URL,
            "--cluster-name",
            "staging-1",
            "--domain",
            "preview1.example.com",
        ])
        .ok();
        self.init(PROD_EU).ok();
        self.init(&[
            "init",
            "prod-us",
            "--from",
            "prod-eu",
            "--domain",
            "us.example.com",
        ])
        .ok();
    }

    /// `bootstrap …` against the test clusters with this fleet's operator manifest and token.
    pub(crate) fn bootstrap(&self, args: &[&str]) -> Cmd {
        self.bootstrap_with(&env().kubeconfig, args)
    }

    /// Same, with another kubeconfig.
    pub(crate) fn bootstrap_with(&self, kubeconfig: &Path, args: &[&str]) -> Cmd {
        self.cmd()
            .args([Path::new("--kubeconfig"), kubeconfig])
            .args(["--operator-manifest", "operator.yaml"])
            .env("FLEET_TEST_TOKEN", &self.token)
            .env("FLEET_TEST_APPS_TOKEN", format!("{}apps", self.token))
            .args(args)
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Every output and every file of the fleet dir must be free of the tokens.
    pub(crate) fn assert_no_token(&self, runs: &[&Run]) {
        for r in runs {
            assert!(
                !r.stdout.contains(&self.token) && !r.stderr.contains(&self.token),
                "token leaked in output:\n{}\n{}",
                r.stdout,
                r.stderr
            );
        }
        for f in walk(self.path()) {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            assert!(!text.contains(&self.token), "token written to {}", f.display());
        }
    }
}

/// Every field of `expected` is in `actual` with the same value (the apiserver adds defaults).
fn assert_subset(actual: &Value, expected: &Value, at: &str) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, v) in e {
                let path = format!("{at}/{k}");
                let got = a.get(k).unwrap_or_else(|| panic!("{path} missing"));
                assert_subset(got, v, &path);
            }
        }
        _ => assert_eq!(actual, expected, "at {at}"),
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The items of a `-o json` document, checked to be the versioned envelope of `kind`.
pub(crate) fn items(text: &str, kind: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(text).expect("json document");
    assert_eq!(doc["apiVersion"], "kubectl-fleet.dev/v1", "{doc}");
    assert_eq!(doc["kind"], kind, "{doc}");
    doc["items"].as_array().expect("items").clone()
}

fn parse(text: &str) -> Value {
    yaml::from_str(text, "test").expect("generated YAML parses")
}

/// All files of a cluster directory as one text, for a snapshot.
fn dir_text(fleet: &Fleet, cluster: &str) -> String {
    let root = fleet.path().join("clusters").join(cluster);
    walk(&root)
        .iter()
        .map(|p| {
            format!(
                "### {}\n{}",
                p.strip_prefix(fleet.path()).expect("inside").display(),
                std::fs::read_to_string(p).expect("read")
            )
        })
        .collect::<Vec<_>>()
        .join("")
}

fn patch_targets(fi: &Value) -> Vec<String> {
    fi["spec"]["kustomize"]["patches"]
        .as_array()
        .expect("patches")
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p["target"]["kind"].as_str().unwrap_or_default(),
                p["target"]["name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

// ------------------------------------------------------------------------------------------------
// init

#[test]
fn init_staging_writes_the_d1_files() {
    let fleet = tempfile::tempdir().expect("temp dir");
    let run = Cmd::fleet("kubectl-fleet-bootstrap")
        .current_dir(fleet.path())
        .args(STAGING)
        .run();
    run.ok();
    let f =
        |rel: &str| std::fs::read_to_string(fleet.path().join("clusters/staging").join(rel)).expect("read");
    let files: Vec<String> = walk(&fleet.path().join("clusters/staging"))
        .iter()
        .map(|p| {
            p.strip_prefix(fleet.path())
                .expect("inside")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        files,
        [
            "clusters/staging/apps-tenant.yaml",
            "clusters/staging/flux-system/flux-instance.yaml",
            "clusters/staging/flux-system/flux-operator.yaml",
            "clusters/staging/infra-tenant.yaml",
            "clusters/staging/runtime-info.yaml",
        ],
        "the five d1 files and no kustomization.yaml (§3.2)"
    );

    // §4.1 FluxInstance, field by field.
    let fi = parse(&f("flux-system/flux-instance.yaml"));
    assert_eq!(fi["apiVersion"], "fluxcd.controlplane.io/v1");
    assert_eq!(
        (
            fi["metadata"]["name"].as_str(),
            fi["metadata"]["namespace"].as_str()
        ),
        (Some("flux"), Some("flux-system"))
    );
    assert_eq!(
        fi["spec"]["distribution"],
        json!({"version": "2.7.x", "registry": "ghcr.io/fluxcd", "artifact": "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest"})
    );
    assert_eq!(
        fi["spec"]["components"],
        json!([
            "source-controller",
            "kustomize-controller",
            "helm-controller",
            "notification-controller",
            "image-reflector-controller",
            "image-automation-controller",
            "source-watcher"
        ])
    );
    assert_eq!(
        fi["spec"]["cluster"],
        json!({"type": "kubernetes", "multitenant": true, "tenantDefaultServiceAccount": "default", "networkPolicy": true, "domain": "cluster.local"})
    );
    assert_eq!(
        fi["spec"]["sync"],
        json!({"kind": "GitRepository", "url": D1_FLEET_URL, "ref": "refs/heads/main", "path": "clusters/staging", "pullSecret": "flux-system"})
    );
    assert_eq!(
        patch_targets(&fi),
        [
            "Kustomization/flux-system",
            "Deployment/kustomize-controller",
            "Deployment/(kustomize-controller|helm-controller|source-controller)",
            "Deployment/source-controller",
            "Deployment/kustomize-controller",
            "Deployment/(kustomize-controller|helm-controller|source-controller)",
        ]
    );
    let patches = fi["spec"]["kustomize"]["patches"].as_array().expect("patches");
    let ops = |i: usize| parse(patches[i]["patch"].as_str().expect("patch text"));
    assert_eq!(
        ops(0),
        json!([{"op": "add", "path": "/spec/serviceAccountName", "value": "kustomize-controller"}])
    );
    assert_eq!(
        ops(1)[0]["value"],
        "--feature-gates=CancelHealthCheckOnNewRevision=true"
    );
    assert_eq!(
        ops(2)
            .as_array()
            .expect("ops")
            .iter()
            .map(|o| o["value"].clone())
            .collect::<Vec<_>>(),
        [json!("--concurrent=10"), json!("--requeue-dependency=10s")]
    );
    assert_eq!(
        ops(3)
            .as_array()
            .expect("ops")
            .iter()
            .map(|o| o["value"].clone())
            .collect::<Vec<_>>(),
        [
            json!("--helm-cache-max-size=10"),
            json!("--helm-cache-ttl=60m"),
            json!("--helm-cache-purge-interval=5m")
        ]
    );
    assert_eq!(ops(4)[0]["value"], "--no-remote-bases=true");
    assert_eq!(
        ops(4)[1],
        json!({"op": "replace", "path": "/spec/template/spec/volumes/0", "value": {"name": "temp", "emptyDir": {"medium": "Memory"}}})
    );
    let smp = ops(5);
    assert_eq!(
        (smp["kind"].as_str(), smp["metadata"]["name"].as_str()),
        (Some("Deployment"), Some("all"))
    );
    assert_eq!(
        smp["spec"]["template"]["spec"]["containers"][0],
        json!({"name": "manager", "resources": {"limits": {"cpu": "2000m", "memory": "2Gi"}}})
    );

    // §4.2 ResourceSet.
    let rs = parse(&f("flux-system/flux-operator.yaml"));
    assert_eq!(rs["kind"], "ResourceSet");
    assert_eq!(rs["spec"]["serviceAccountName"], "flux-operator");
    assert_eq!(
        rs["spec"]["dependsOn"][0]["name"],
        "helmreleases.helm.toolkit.fluxcd.io"
    );
    let oci = &rs["spec"]["resources"][0];
    assert_eq!(
        oci["spec"]["url"],
        "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator"
    );
    assert_eq!(oci["spec"]["ref"]["semver"], "*");
    assert_eq!(oci["spec"]["verify"]["provider"], "cosign");
    assert_eq!(
        oci["spec"]["verify"]["matchOIDCIdentity"][0]["issuer"],
        r"^https://token\.actions\.githubusercontent\.com$"
    );
    let hr = &rs["spec"]["resources"][1];
    assert_eq!(hr["spec"]["releaseName"], "flux-operator");
    assert_eq!(
        hr["spec"]["chartRef"],
        json!({"kind": "OCIRepository", "name": "flux-operator"})
    );
    assert_eq!(
        hr["spec"]["values"],
        json!({"multitenancy": {"enabled": true, "defaultServiceAccount": "default"}, "reporting": {"interval": "30s"}})
    );

    // §4.3 runtime info.
    let ri = parse(&f("runtime-info.yaml"));
    assert_eq!(ri["metadata"]["name"], "flux-runtime-info");
    assert_eq!(ri["metadata"]["labels"]["toolkit.fluxcd.io/runtime"], "true");
    assert_eq!(
        ri["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/ssa"],
        "Merge"
    );
    assert_eq!(
        ri["data"],
        json!({"ENVIRONMENT": "staging", "GIT_BRANCH": "main", "CLUSTER_NAME": "staging-1", "CLUSTER_DOMAIN": "preview1.example.com"})
    );

    // §4.4 and §4.5 tenants: no automation delete patch on staging.
    let infra = parse(&f("infra-tenant.yaml"));
    assert_eq!(
        infra["spec"],
        json!({
            "serviceAccountName": "kustomize-controller", "interval": "12h", "retryInterval": "3m",
            "wait": true, "timeout": "15m", "path": "./tenants/infra", "prune": true,
            "sourceRef": {"kind": "GitRepository", "name": "flux-system"},
            "postBuild": {"substituteFrom": [{"kind": "ConfigMap", "name": "flux-runtime-info"}]}
        })
    );
    let apps = parse(&f("apps-tenant.yaml"));
    assert_eq!(apps["metadata"]["name"], "flux-apps-tenant");
    assert_eq!(apps["spec"]["dependsOn"], json!([{"name": "flux-infra-tenant"}]));
    assert!(apps["spec"].get("wait").is_none() && apps["spec"].get("timeout").is_none());
    assert!(apps["spec"].get("patches").is_none());

    let text = walk(&fleet.path().join("clusters/staging"))
        .iter()
        .map(|p| {
            format!(
                "### {}\n{}",
                p.strip_prefix(fleet.path()).expect("inside").display(),
                std::fs::read_to_string(p).expect("read")
            )
        })
        .collect::<String>();
    fleet_snapshot!("bootstrap_init_staging", text);
    fleet_snapshot!("bootstrap_init_staging_stderr", run.stderr);
}

#[test]
fn init_production_drops_image_automation() {
    let fleet = Fleet::new("init-prod");
    let run = fleet.cmd().args(PROD_EU).run();
    run.ok();
    let fi = parse(&fleet.read("clusters/prod-eu/flux-system/flux-instance.yaml"));
    assert_eq!(
        fi["spec"]["components"],
        json!([
            "source-controller",
            "kustomize-controller",
            "helm-controller",
            "notification-controller",
            "source-watcher"
        ])
    );
    assert_eq!(
        fi["spec"]["sync"]["ref"], "refs/heads/main",
        "the fleet ref stays main (commit 8191738)"
    );
    assert_eq!(fi["spec"]["sync"]["path"], "clusters/prod-eu");
    let ri = parse(&fleet.read("clusters/prod-eu/runtime-info.yaml"));
    assert_eq!(
        ri["data"],
        json!({"ENVIRONMENT": "production", "GIT_BRANCH": "production", "CLUSTER_NAME": "prod-eu", "CLUSTER_DOMAIN": "eu.example.com"})
    );
    for t in ["infra-tenant.yaml", "apps-tenant.yaml"] {
        let k = parse(&fleet.read(&format!("clusters/prod-eu/{t}")));
        let patches = k["spec"]["patches"]
            .as_array()
            .expect("production tenants have patches");
        assert_eq!(patches.len(), 1);
        assert_eq!(
            patches[0]["target"],
            json!({"labelSelector": "toolkit.fluxcd.io/role=automation"})
        );
        assert_eq!(
            parse(patches[0]["patch"].as_str().expect("text")),
            json!({"$patch": "delete", "apiVersion": "all", "kind": "all", "metadata": {"name": "all"}})
        );
    }
    fleet_snapshot!("bootstrap_init_prod_eu", dir_text(&fleet, "prod-eu"));
}

#[test]
fn init_from_retargets_another_cluster_and_keeps_hand_edits() {
    let fleet = Fleet::new("init-from");
    fleet.cmd().args(PROD_EU).run().ok();
    // A platform-team edit that --from must carry over: an extra runtime key and a field.
    let ri = fleet.path().join("clusters/prod-eu/runtime-info.yaml");
    let text = std::fs::read_to_string(&ri).expect("read").replace(
        "  CLUSTER_DOMAIN: eu.example.com\n",
        "  CLUSTER_DOMAIN: eu.example.com\n  REGION: europe-west1\n",
    );
    std::fs::write(&ri, text).expect("write");
    let fi = fleet
        .path()
        .join("clusters/prod-eu/flux-system/flux-instance.yaml");
    let text = std::fs::read_to_string(&fi)
        .expect("read")
        .replace("  components:\n", "  wait: false\n  components:\n");
    std::fs::write(&fi, text).expect("write");
    std::fs::write(
        fleet.path().join("clusters/prod-eu/extra.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    )
    .expect("write");

    let run = fleet
        .cmd()
        .args([
            "init",
            "prod-us",
            "--from",
            "prod-eu",
            "--domain",
            "us.example.com",
            "--set",
            "REGION=us-east1",
        ])
        .run();
    run.ok();
    assert!(
        run.stderr.contains("clusters/prod-eu/extra.yaml was not copied"),
        "{}",
        run.stderr
    );
    let us = parse(&fleet.read("clusters/prod-us/flux-system/flux-instance.yaml"));
    assert_eq!(us["spec"]["sync"]["path"], "clusters/prod-us");
    assert_eq!(us["spec"]["wait"], false, "hand edit kept");
    let ri = parse(&fleet.read("clusters/prod-us/runtime-info.yaml"));
    assert_eq!(
        ri["data"],
        json!({"ENVIRONMENT": "production", "GIT_BRANCH": "production", "CLUSTER_NAME": "prod-us", "CLUSTER_DOMAIN": "us.example.com", "REGION": "us-east1"})
    );

    // Without hand edits, --from gives the same bytes as the flags would.
    let fresh = Fleet::new("init-from2");
    fresh.cmd().args(PROD_EU).run().ok();
    fresh
        .cmd()
        .args([
            "init",
            "prod-us",
            "--from",
            "prod-eu",
            "--domain",
            "us.example.com",
        ])
        .run()
        .ok();
    let direct = Fleet::new("init-from3");
    let mut args: Vec<&str> = PROD_EU.to_vec();
    args[1] = "prod-us";
    let n = args.len();
    args[n - 1] = "us.example.com";
    args[n - 3] = "prod-us";
    direct.cmd().args(&args).run().ok();
    assert_eq!(dir_text(&fresh, "prod-us"), dir_text(&direct, "prod-us"));

    // --from staging --production drops automation, like d1's production clusters.
    let s = Fleet::new("init-from4");
    s.cmd().args(STAGING).run().ok();
    s.cmd()
        .args([
            "init",
            "prod-eu",
            "--from",
            "staging",
            "--production",
            "--domain",
            "eu.example.com",
        ])
        .run()
        .ok();
    let fi = parse(&s.read("clusters/prod-eu/flux-system/flux-instance.yaml"));
    assert!(!fi["spec"]["components"].to_string().contains("image-"));
    assert_eq!(
        dir_text(&s, "prod-eu"),
        dir_text(&direct, "prod-us")
            .replace("prod-us", "prod-eu")
            .replace("us.example.com", "eu.example.com")
    );
}

#[test]
fn init_refuses_to_overwrite_shows_a_diff_and_forces() {
    let fleet = Fleet::new("init-over");
    fleet.cmd().args(STAGING).run().ok();
    let before = dir_text(&fleet, "staging");

    // Same inputs: nothing to do.
    let again = fleet.cmd().args(STAGING).run();
    again.ok();
    assert!(
        again
            .stderr
            .contains("unchanged clusters/staging/runtime-info.yaml"),
        "{}",
        again.stderr
    );

    let mut changed: Vec<&str> = STAGING.to_vec();
    let n = changed.len();
    changed[n - 1] = "preview2.example.com";
    let refused = fleet.cmd().args(&changed).run();
    assert_eq!(refused.code, 2, "{refused:?}");
    fleet_snapshot!("bootstrap_init_refuses_overwrite", refused.stderr);
    assert_eq!(dir_text(&fleet, "staging"), before, "nothing written");

    let dry = fleet.cmd().args(&changed).args(["--dry-run"]).run();
    dry.ok();
    fleet_snapshot!("bootstrap_init_dry_run_diff", dry.stdout);
    assert_eq!(dir_text(&fleet, "staging"), before, "dry run writes nothing");

    fleet.cmd().args(&changed).args(["--force"]).run().ok();
    assert!(
        fleet
            .read("clusters/staging/runtime-info.yaml")
            .contains("preview2.example.com")
    );
}

#[test]
fn init_bad_input_is_named_and_writes_nothing() {
    let fleet = Fleet::new("init-bad");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "missing_domain",
            vec!["init", "staging", "--git-url", D1_FLEET_URL],
        ),
        (
            "missing_git_url",
            vec!["init", "staging", "--domain", "a.example.com"],
        ),
        (
            "ssh_url",
            vec![
                "init",
                "staging",
                "--domain",
                "a.example.com",
                "--git-url",
                "git@github.com:acme/fleet.git",
            ],
        ),
        (
            "bad_set",
            vec![
                "init",
                "staging",
                "--domain",
                "a.example.com",
                "--git-url",
                D1_FLEET_URL,
                "--set",
                "my-key=1",
            ],
        ),
        (
            "reserved_set",
            vec![
                "init",
                "staging",
                "--domain",
                "a.example.com",
                "--git-url",
                D1_FLEET_URL,
                "--set",
                "CLUSTER_NAME=x",
            ],
        ),
        (
            "unknown_component",
            vec![
                "init",
                "staging",
                "--domain",
                "a.example.com",
                "--git-url",
                D1_FLEET_URL,
                "--components",
                "source-controller,flagger",
            ],
        ),
        (
            "automation_component_on_production",
            vec![
                "init",
                "prod",
                "--domain",
                "a.example.com",
                "--git-url",
                D1_FLEET_URL,
                "--production",
                "--components",
                "image-automation-controller",
            ],
        ),
        (
            "bad_cluster_name",
            vec![
                "init",
                "Prod_EU",
                "--domain",
                "a.example.com",
                "--git-url",
                D1_FLEET_URL,
            ],
        ),
        ("from_unknown", vec!["init", "prod-us", "--from", "prod-eu"]),
        (
            "classic_without_components",
            vec![
                "init",
                "legacy",
                "--layout",
                "classic",
                "--domain",
                "a.example.com",
                "--git-url",
                D1_FLEET_URL,
            ],
        ),
    ];
    let mut all = String::new();
    for (name, args) in cases {
        let run = fleet.cmd().args(&args).run();
        assert_eq!(run.code, 2, "{name}: {run:?}");
        all.push_str(&format!("## {name}\n{}", run.stderr));
    }
    assert!(!fleet.path().join("clusters").exists(), "nothing written");
    fleet_snapshot!("bootstrap_init_bad_input", all);
}

#[test]
fn init_classic_layout_writes_gotk_files_with_multitenancy_patches() {
    let fleet = Fleet::new("init-classic");
    let run = fleet
        .cmd()
        .args([
            "init",
            "legacy",
            "--layout",
            "classic",
            "--components-manifest",
            "gotk-components.yaml",
        ])
        .args([
            "--git-url",
            D1_FLEET_URL,
            "--production",
            "--domain",
            "legacy.example.com",
        ])
        .args([
            "--components",
            "source-controller,kustomize-controller,helm-controller,notification-controller",
        ])
        .run();
    run.ok();
    assert_eq!(
        fleet.read("clusters/legacy/flux-system/gotk-components.yaml"),
        fleet.read("gotk-components.yaml"),
        "the user's components manifest is copied byte for byte"
    );
    let sync = yaml::objects_from_multi_doc(&fleet.read("clusters/legacy/flux-system/gotk-sync.yaml"), "t")
        .expect("parses");
    assert_eq!(sync[0]["kind"], "GitRepository");
    assert_eq!(
        sync[0]["spec"],
        json!({"interval": "1m0s", "ref": {"branch": "main"}, "secretRef": {"name": "flux-system"}, "url": D1_FLEET_URL})
    );
    assert_eq!(sync[1]["spec"]["path"], "./clusters/legacy");
    let k = parse(&fleet.read("clusters/legacy/flux-system/kustomization.yaml"));
    assert_eq!(k["resources"], json!(["gotk-components.yaml", "gotk-sync.yaml"]));
    let first = &k["patches"][0];
    assert_eq!(
        first["target"]["name"],
        "(kustomize-controller|helm-controller|notification-controller)"
    );
    assert!(
        first["patch"]
            .as_str()
            .expect("text")
            .contains("--no-cross-namespace-refs=true")
    );
    assert!(
        k["patches"][1]["patch"]
            .as_str()
            .expect("text")
            .contains("--default-service-account=default")
    );
    assert!(
        !fleet
            .path()
            .join("clusters/legacy/flux-system/flux-instance.yaml")
            .exists()
    );
    let mut text = String::new();
    for f in ["flux-system/gotk-sync.yaml", "flux-system/kustomization.yaml"] {
        text.push_str(&format!(
            "### {f}\n{}",
            fleet.read(&format!("clusters/legacy/{f}"))
        ));
    }
    fleet_snapshot!("bootstrap_init_classic", text.replace(&fleet.ns, "NS"));
}

// ------------------------------------------------------------------------------------------------
// The simulated operator

/// Plays flux-operator and kustomize-controller for one Flux namespace on every test cluster:
/// when the FluxInstance appears (or changes generation) it creates the sync Kustomization the
/// operator would create and marks both Ready through the status subresource; a classic sync
/// Kustomization is marked Ready the same way.
pub(crate) struct Simulator {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Simulator {
    pub(crate) fn start(ns: &str) -> Simulator {
        Self::spawn(ns, false)
    }

    /// Reconciles nothing until the FluxInstance exists on every cluster.
    fn start_gated(ns: &str) -> Simulator {
        Self::spawn(ns, true)
    }

    fn spawn(ns: &str, gated: bool) -> Simulator {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let ns = ns.to_string();
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let mut targets = Vec::new();
                for c in &env().contexts {
                    targets.push(env().target(c).await);
                }
                let instance = json!({"apiVersion": "fluxcd.controlplane.io/v1", "kind": "FluxInstance", "metadata": {"name": "flux", "namespace": ns}});
                let mut open = !gated;
                while !flag.load(Ordering::Relaxed) {
                    if !open {
                        let mut all = true;
                        for t in &targets {
                            all &= get(t, &instance).await.is_some();
                        }
                        open = all;
                    }
                    for t in targets.iter().filter(|_| open) {
                        simulate_once(t, &ns).await;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
        });
        Simulator {
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn reconciled(obj: &Value) -> bool {
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    obj.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                c["type"] == "Ready" && c.get("observedGeneration").and_then(Value::as_i64) == generation
            })
        })
}

fn ready(generation: i64, message: &str, extra: Value) -> Value {
    let mut s = crate::common::ready_status(true, "ReconciliationSucceeded", message, generation);
    if let (Some(s), Some(extra)) = (s.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            s.insert(k.clone(), v.clone());
        }
    }
    s
}

/// The revision the simulated source-controller serves and kustomize-controller applies.
const SYNC_REVISION: &str = "refs/heads/main@sha1:8d4e8665d95cb096cb4c77b093d579b16ce5b722";

async fn simulate_once(t: &KubeTarget, ns: &str) {
    let fi_ref = json!({"apiVersion": "fluxcd.controlplane.io/v1", "kind": "FluxInstance", "metadata": {"name": "flux", "namespace": ns}});
    let ks_ref = json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": ns, "namespace": ns}});
    if let Some(fi) = get(t, &fi_ref).await {
        let fi = serde_json::to_value(fi).expect("json");
        if !reconciled(&fi) {
            let generation = fi["metadata"]["generation"].as_i64().unwrap_or(1);
            let path = fi["spec"]["sync"]["path"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if get(t, &ks_ref).await.is_none() {
                crate::common::apply(
                    t,
                    json!({
                        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                        "metadata": {"name": ns, "namespace": ns},
                        "spec": {"interval": "10m0s", "path": path, "prune": true,
                                 "sourceRef": {"kind": "GitRepository", "name": ns}}
                    }),
                )
                .await;
            }
            crate::common::set_status(
                t,
                &fi_ref,
                ready(
                    generation,
                    "Reconciliation finished in 2s",
                    json!({"lastAppliedRevision": "v2.7.3@sha256:4d1e2ed9a0fd0c4b0a24b7d2e2a5d09c6bfe27b8e4fb1c2b9dc3f8c1e6d5a7b9"}),
                ),
            )
            .await;
        }
    }
    // source-controller: the sync GitRepository (flux-operator creates it) serves the revision the
    // Kustomization applies; bootstrap's wait compares the two.
    let git_ref = json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "metadata": {"name": ns, "namespace": ns}});
    if get(t, &ks_ref).await.is_some() {
        let git = match get(t, &git_ref).await {
            Some(g) => serde_json::to_value(g).expect("json"),
            None => {
                crate::common::apply(
                    t,
                    json!({
                        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                        "metadata": {"name": ns, "namespace": ns},
                        "spec": {"interval": "1m0s", "url": "https://git.example.com/fleet.git",
                                 "ref": {"name": "refs/heads/main"}, "secretRef": {"name": "flux-system"}}
                    }),
                )
                .await;
                json!({"metadata": {"generation": 1}})
            }
        };
        if !reconciled(&git) {
            let generation = git["metadata"]["generation"].as_i64().unwrap_or(1);
            crate::common::set_status(
                t,
                &git_ref,
                ready(
                    generation,
                    &format!("stored artifact for revision '{SYNC_REVISION}'"),
                    json!({"artifact": {
                        "digest": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                        "lastUpdateTime": "2026-01-01T00:00:00Z",
                        "path": format!("gitrepository/{ns}/{ns}/8d4e8665.tar.gz"),
                        "revision": SYNC_REVISION,
                        "url": format!("http://source-controller.{ns}.svc.cluster.local./gitrepository/{ns}/{ns}/8d4e8665.tar.gz"),
                    }}),
                ),
            )
            .await;
        }
    }
    if let Some(ks) = get(t, &ks_ref).await {
        let ks = serde_json::to_value(ks).expect("json");
        if !reconciled(&ks) {
            let generation = ks["metadata"]["generation"].as_i64().unwrap_or(1);
            crate::common::set_status(
                t,
                &ks_ref,
                ready(
                    generation,
                    &format!("Applied revision: {SYNC_REVISION}"),
                    json!({"lastAppliedRevision": SYNC_REVISION}),
                ),
            )
            .await;
        }
    }
}

// ------------------------------------------------------------------------------------------------
// bootstrap

async fn resource_versions(ns: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in &env().contexts {
        let t = env().target(c).await;
        for (api_version, kind, namespaced, name) in [
            ("v1", "Namespace", false, ns.to_string()),
            ("v1", "ServiceAccount", true, "flux-operator".to_string()),
            (
                "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding",
                false,
                format!("flux-operator-{ns}"),
            ),
            ("apps/v1", "Deployment", true, "flux-operator".to_string()),
            ("v1", "Service", true, "flux-operator".to_string()),
            ("v1", "Secret", true, "flux-system".to_string()),
            ("v1", "Secret", true, "flux-apps".to_string()),
            (
                "fluxcd.controlplane.io/v1",
                "FluxInstance",
                true,
                "flux".to_string(),
            ),
        ] {
            let mut r = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}});
            if namespaced {
                r["metadata"]["namespace"] = json!(ns);
            }
            let obj = get(&t, &r)
                .await
                .unwrap_or_else(|| panic!("{c}: {kind} {name} exists"));
            out.push((
                format!("{c}/{kind}/{name}"),
                obj.metadata.resource_version.expect("resourceVersion"),
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstraps_three_clusters_at_once_and_a_rerun_changes_nothing() {
    let fleet = Fleet::new("boot3");
    fleet.init_d1();
    // d1's infra tenant source reuses the flux-system Secret (§7): bootstrap says so.
    std::fs::create_dir_all(fleet.path().join("tenants/infra/components")).expect("mkdir");
    std::fs::write(
        fleet.path().join("tenants/infra/components/source.yaml"),
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-infra\nspec:\n  \
         interval: 1m\n  ref:\n    branch: ${GIT_BRANCH}\n  secretRef:\n    name: flux-system\n  \
         url: https://github.com/controlplaneio-fluxcd/d1-infra.git\n",
    )
    .expect("write");
    let _sim = Simulator::start(&fleet.ns);
    let cmd = fleet.bootstrap(&[
        "staging",
        "prod-eu",
        "prod-us",
        "--token-env",
        "FLEET_TEST_TOKEN",
        "--tenant-token-env",
        "apps=FLEET_TEST_APPS_TOKEN",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]);
    let first = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    let reports = items(first.ok(), "BootstrapResultList");
    assert_eq!(reports.len(), 3);
    for (r, c) in reports.iter().zip(["staging", "prod-eu", "prod-us"]) {
        assert_eq!(r["cluster"], c);
        assert_eq!(r["context"], c);
        assert_eq!(r["result"], "Ready", "{r}");
        assert_eq!(r["operator"], "v0.58.1 installed");
        assert_eq!(r["secrets"], "2 created");
        assert_eq!(r["flux"], "created");
        assert_eq!(
            r["message"],
            "refs/heads/main@sha1:8d4e8665d95cb096cb4c77b093d579b16ce5b722 (Kustomization/{ns}/{ns})"
                .replace("{ns}", &fleet.ns)
        );
    }
    assert!(
        first.stderr.contains(
            "GitRepository flux-infra (https://github.com/controlplaneio-fluxcd/d1-infra.git) also reads Secret flux-system"
        ),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("clusters/prod-eu (d1) → context prod-eu at https://127.0.0.1:"),
        "the mapping is printed: {}",
        first.stderr
    );

    for c in &env().contexts {
        let t = env().target(c).await;
        let ns = &fleet.ns;
        // Operator objects carry Helm's ownership metadata (not the Namespace, which the chart
        // does not render).
        for (api_version, kind, namespaced, name) in [
            ("v1", "ServiceAccount", true, "flux-operator".to_string()),
            (
                "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding",
                false,
                format!("flux-operator-{ns}"),
            ),
            ("apps/v1", "Deployment", true, "flux-operator".to_string()),
            ("v1", "Service", true, "flux-operator".to_string()),
        ] {
            let mut r = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}});
            if namespaced {
                r["metadata"]["namespace"] = json!(ns);
            }
            let obj = get(&t, &r).await.unwrap_or_else(|| panic!("{c}: {kind} exists"));
            let labels = obj.metadata.labels.clone().unwrap_or_default();
            let ann = obj.metadata.annotations.clone().unwrap_or_default();
            assert_eq!(
                labels.get("app.kubernetes.io/managed-by").map(String::as_str),
                Some("Helm"),
                "{c} {kind}"
            );
            assert_eq!(
                ann.get("meta.helm.sh/release-name").map(String::as_str),
                Some("flux-operator")
            );
            assert_eq!(ann.get("meta.helm.sh/release-namespace"), Some(ns));
            let managers: Vec<String> = obj
                .metadata
                .managed_fields
                .unwrap_or_default()
                .iter()
                .filter_map(|m| m.manager.clone())
                .collect();
            assert!(
                managers.contains(&"kubectl-fleet".to_string()),
                "{kind} applied by our field manager: {managers:?}"
            );
        }
        let nsobj: Namespace = Api::all(t.client.clone()).get(ns).await.expect("namespace");
        assert!(
            !nsobj
                .metadata
                .annotations
                .unwrap_or_default()
                .contains_key("meta.helm.sh/release-name"),
            "the Namespace is not claimed for the Helm release"
        );

        let secrets: Api<Secret> = Api::namespaced(t.client.clone(), ns);
        let fs = secrets.get("flux-system").await.expect("flux-system Secret");
        assert_eq!(fs.type_.as_deref(), Some("Opaque"));
        let data = fs.data.expect("data");
        assert_eq!(data.keys().collect::<Vec<_>>(), ["password", "username"]);
        assert_eq!(data["username"].0, b"git");
        assert_eq!(data["password"].0, fleet.token.as_bytes());
        let apps = secrets.get("flux-apps").await.expect("flux-apps Secret");
        assert_eq!(
            apps.metadata
                .labels
                .unwrap_or_default()
                .get("toolkit.fluxcd.io/tenant")
                .map(String::as_str),
            Some("apps")
        );
        assert_eq!(
            apps.data.expect("data")["password"].0,
            format!("{}apps", fleet.token).as_bytes()
        );

        // The FluxInstance is the file's content.
        let fi = get(&t, &json!({"apiVersion": "fluxcd.controlplane.io/v1", "kind": "FluxInstance", "metadata": {"name": "flux", "namespace": ns}}))
            .await
            .expect("FluxInstance");
        let fi = serde_json::to_value(fi).expect("json");
        let file = parse(&fleet.read(&format!("clusters/{c}/flux-system/flux-instance.yaml")));
        assert_subset(&fi, &file, "");
    }

    // Second run: every step reports unchanged and every resourceVersion is the same.
    let before = resource_versions(&fleet.ns).await;
    let cmd = fleet.bootstrap(&[
        "staging",
        "prod-eu",
        "prod-us",
        "--token-env",
        "FLEET_TEST_TOKEN",
        "--tenant-token-env",
        "apps=FLEET_TEST_APPS_TOKEN",
        "--timeout",
        "60s",
    ]);
    let second = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    second.ok();
    let after = resource_versions(&fleet.ns).await;
    assert_eq!(before, after, "a re-run writes nothing");
    for c in ["staging", "prod-eu", "prod-us"] {
        let line = second
            .stdout
            .lines()
            .find(|l| l.starts_with(c))
            .unwrap_or_else(|| panic!("{c} row in:\n{}", second.stdout));
        assert!(line.contains("Ready"), "{line}");
        assert!(line.contains("v0.58.1 (already installed)"), "{line}");
        assert!(line.contains("unchanged   unchanged"), "{line}");
    }

    // bootstrap status for the same clusters.
    let status = fleet
        .cmd()
        .kubeconfig()
        .args([
            "status", "staging", "prod-eu", "prod-us", "-n", &fleet.ns, "-o", "json",
        ])
        .run();
    let rows = items(status.ok(), "BootstrapStatusList");
    for r in &rows {
        assert_eq!(r["operatorVersion"], "v0.58.1", "{r}");
        assert_eq!(r["fluxVersion"], "v2.7.3");
        assert_eq!(r["instance"]["state"], "Ready");
        assert_eq!(r["sync"]["state"], "Ready");
        assert_eq!(
            r["revision"],
            "refs/heads/main@sha1:8d4e8665d95cb096cb4c77b093d579b16ce5b722"
        );
    }
    fleet.assert_no_token(&[&first, &second, &status]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_checks_everything_and_changes_nothing() {
    let fleet = Fleet::new("boot-dry");
    fleet.init_d1();
    let run = fleet
        .bootstrap(&[
            "staging",
            "--token-env",
            "FLEET_TEST_TOKEN",
            "--tenant-token-env",
            "apps=FLEET_TEST_APPS_TOKEN",
            "--dry-run",
        ])
        .run();
    run.ok();
    assert_no_namespace(&fleet.ns).await;
    let all = fleet
        .bootstrap(&["--all", "--token-env", "FLEET_TEST_TOKEN", "--dry-run"])
        .run();
    assert_eq!(
        all.ok().matches("# cluster ").count(),
        3,
        "--all plans every cluster directory"
    );
    assert_no_namespace(&fleet.ns).await;
    let docs = yaml::objects_from_multi_doc(&run.stdout, "plan").expect("the plan is YAML");
    let kinds: Vec<&str> = docs
        .iter()
        .map(|d| d["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "ClusterRoleBinding",
            "Deployment",
            "Service",
            "Secret",
            "Secret",
            "FluxInstance"
        ]
    );
    assert_eq!(docs[5]["stringData"]["password"], "<redacted>");
    assert_eq!(docs[6]["metadata"]["labels"]["toolkit.fluxcd.io/tenant"], "apps");
    fleet.assert_no_token(&[&run, &all]);
}

pub(crate) async fn assert_no_namespace(ns: &str) {
    for c in &env().contexts {
        let t = env().target(c).await;
        let api: Api<Namespace> = Api::all(t.client.clone());
        assert!(
            api.get_opt(ns).await.expect("get").is_none(),
            "{c}: namespace {ns} was created"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_aborts_before_any_change_on_any_cluster() {
    let fleet = Fleet::new("boot-bad");
    fleet.init_d1();
    std::fs::write(
        fleet.path().join("clusters/prod-us/broken.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [unclosed\n",
    )
    .expect("write");
    let token = ["--token-env", "FLEET_TEST_TOKEN"];
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("unknown_cluster_dir", vec!["staging", "prod-ap"]),
        ("malformed_yaml", vec!["staging", "prod-eu", "prod-us"]),
        (
            "unknown_context",
            vec!["staging", "prod-eu", "--context", "prod-eu=prod-eu-gke"],
        ),
        (
            "context_for_unknown_cluster",
            vec!["staging", "--context", "prod-eu=prod-eu"],
        ),
        (
            "two_clusters_one_context",
            vec!["staging", "prod-eu", "--context", "prod-eu=staging"],
        ),
        (
            "missing_env_credential",
            vec!["staging", "--token-env", "FLEET_TEST_SURELY_UNSET"],
        ),
        (
            "missing_tenant_credential",
            vec!["staging", "--tenant-token-env", "apps=FLEET_TEST_SURELY_UNSET"],
        ),
        (
            "bad_operator_manifest",
            vec!["staging", "--operator-manifest", "gotk-components.yaml"],
        ),
        ("no_clusters", vec![]),
    ];
    let mut all = String::new();
    for (name, args) in cases {
        let mut full: Vec<&str> = args.clone();
        if !name.starts_with("missing_") {
            full.extend(token);
        }
        let cmd = fleet.bootstrap(&full);
        let run = tokio::task::spawn_blocking(move || cmd.run())
            .await
            .expect("runs");
        assert_eq!(run.code, 2, "{name}: {run:?}");
        assert!(run.stdout.is_empty(), "{name}: no summary for a usage error");
        all.push_str(&format!("## {name}\n{}", run.stderr.replace(&fleet.ns, "NS")));
        fleet.assert_no_token(&[&run]);
    }
    // An operator manifest without the operator.
    let cmd = fleet
        .cmd()
        .kubeconfig()
        .env("FLEET_TEST_TOKEN", &fleet.token)
        .args([
            "staging",
            "--token-env",
            "FLEET_TEST_TOKEN",
            "--operator-manifest",
            "gotk-components.yaml",
        ]);
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    assert_eq!(run.code, 2, "{run:?}");
    all.push_str(&format!("## bad_operator_manifest\n{}", run.stderr));
    assert_no_namespace(&fleet.ns).await;
    fleet_snapshot!("bootstrap_bad_input", all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_keyring_credential_changes_nothing() {
    let fleet = Fleet::new("boot-keyring");
    fleet.init_d1();
    // No Secret Service in this environment (or no such credential): either way a usage error
    // that says how to fix it, and nothing applied.
    let cmd = fleet
        .bootstrap(&["staging", "--token", "no-such-credential"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("--token-stdin")
            || run.stderr.contains("kubectl fleet token set no-such-credential"),
        "{}",
        run.stderr
    );
    assert_no_namespace(&fleet.ns).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_cluster_without_any_token_fails_preflight_alone() {
    let fleet = Fleet::new("boot-notoken");
    fleet.init_d1();
    let cmd = fleet.bootstrap(&["staging", "--no-wait"]);
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "preflight: Secret {}/flux-system does not exist and no token was given (pass --token NAME, --token-stdin or --token-env VAR)",
            fleet.ns
        )),
        "{}",
        run.stdout
    );
    assert_no_namespace(&fleet.ns).await;
}

/// A kubeconfig with the test clusters plus `dead`, a context whose server refuses connections.
fn kubeconfig_with_dead_cluster(dir: &Path) -> PathBuf {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let path = dir.join("kubeconfig");
    std::fs::copy(&env().kubeconfig, &path).expect("copy kubeconfig");
    let k = |args: &[&str]| {
        let out = std::process::Command::new(&env().kubectl)
            .arg("--kubeconfig")
            .arg(&path)
            .args(args)
            .output()
            .expect("kubectl runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    k(&[
        "config",
        "set-cluster",
        "dead",
        &format!("--server=https://127.0.0.1:{port}"),
        "--insecure-skip-tls-verify=true",
    ]);
    k(&[
        "config",
        "set-context",
        "dead",
        "--cluster=dead",
        "--user=fleet-admin",
    ]);
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_cluster_fails_alone_and_the_others_are_bootstrapped() {
    let fleet = Fleet::new("boot-dead");
    fleet.init_d1();
    fleet
        .init(&[
            "init",
            "dead",
            "--from",
            "prod-eu",
            "--domain",
            "dead.example.com",
        ])
        .ok();
    let kubeconfig = kubeconfig_with_dead_cluster(fleet.path());
    let _sim = Simulator::start(&fleet.ns);
    let cmd = fleet.bootstrap_with(
        &kubeconfig,
        &[
            "staging",
            "dead",
            "--token-env",
            "FLEET_TEST_TOKEN",
            "--timeout",
            "60s",
        ],
    );
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    assert_eq!(run.code, 1, "{run:?}");
    let staging = run
        .stdout
        .lines()
        .find(|l| l.starts_with("staging"))
        .expect("staging row");
    assert!(staging.contains("Ready"), "{staging}");
    let dead = run
        .stdout
        .lines()
        .find(|l| l.starts_with("dead"))
        .expect("dead row");
    assert!(
        dead.contains("Failed")
            && dead.contains("preflight: cluster 'dead' is unreachable at https://127.0.0.1:"),
        "{dead}"
    );
    assert!(run.stderr.contains("1 of 2 clusters failed"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_permissions_is_refused_before_any_write() {
    let fleet = Fleet::new("boot-rbac");
    fleet.init_d1();
    let cmd = fleet.bootstrap_with(
        &env().restricted_kubeconfig,
        &["staging", "prod-eu", "--token-env", "FLEET_TEST_TOKEN"],
    );
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    assert_eq!(run.code, 1, "{run:?}");
    for c in ["staging", "prod-eu"] {
        let row = run.stdout.lines().find(|l| l.starts_with(c)).expect("row");
        assert!(row.contains("Failed"), "{row}");
        // `view` is read-only (and empty when no controller fills aggregated roles, as in the plain
        // test environment): whatever it grants, every write bootstrap needs is listed. Reads may
        // or may not be, depending on what other tests granted the user meanwhile.
        assert!(
            row.contains("preflight: user 'fleet-restricted' lacks permissions:"),
            "{row}"
        );
        let ns = &fleet.ns;
        for missing in [
            "create, patch namespaces".to_string(),
            format!("create, update secrets in {ns}"),
            format!("create, patch serviceaccounts in {ns}"),
            format!("create, patch deployments.apps in {ns}"),
            "create, patch clusterrolebindings.rbac.authorization.k8s.io".to_string(),
            "bind clusterroles.rbac.authorization.k8s.io/cluster-admin".to_string(),
            format!("create, patch fluxinstances.fluxcd.controlplane.io in {ns}"),
        ] {
            assert!(row.contains(&missing), "{missing} in: {row}");
        }
    }
    assert_no_namespace(&fleet.ns).await;
    fleet.assert_no_token(&[&run]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstraps_a_classic_layout_cluster() {
    let fleet = Fleet::new("boot-classic");
    let refused = fleet.init(&[
        "init",
        "prod-us",
        "--layout",
        "classic",
        "--components-manifest",
        "gotk-components.yaml",
    ]);
    assert_eq!(refused.code, 2, "init names the missing --domain: {refused:?}");
    fleet
        .init(&[
            "init",
            "prod-us",
            "--layout",
            "classic",
            "--components-manifest",
            "gotk-components.yaml",
            "--git-url",
            D1_FLEET_URL,
            "--production",
            "--domain",
            "us.example.com",
            "--components",
            "source-controller,kustomize-controller,helm-controller,notification-controller",
        ])
        .ok();
    let _sim = Simulator::start(&fleet.ns);
    let cmd = fleet.bootstrap(&[
        "prod-us",
        "--token-env",
        "FLEET_TEST_TOKEN",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]);
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    let reports = items(run.ok(), "BootstrapResultList");
    assert_eq!(reports[0]["result"], "Ready", "{}", run.stderr);
    assert_eq!(reports[0]["operator"], "-");
    let t = env().target("prod-us").await;
    let deploy = |name: &str| json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": fleet.ns}});
    let kc = serde_json::to_value(
        get(&t, &deploy("kustomize-controller"))
            .await
            .expect("deployment"),
    )
    .expect("json");
    let args = kc["spec"]["template"]["spec"]["containers"][0]["args"].clone();
    for a in [
        "--no-cross-namespace-refs=true",
        "--default-service-account=default",
        "--feature-gates=CancelHealthCheckOnNewRevision=true",
        "--concurrent=10",
        "--no-remote-bases=true",
    ] {
        assert!(
            args.as_array().expect("args").contains(&json!(a)),
            "{a} in {args}"
        );
    }
    assert_eq!(
        kc["spec"]["template"]["spec"]["volumes"][0],
        json!({"name": "temp", "emptyDir": {"medium": "Memory"}})
    );
    assert_eq!(
        kc["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"],
        "2Gi"
    );
    let nc = serde_json::to_value(
        get(&t, &deploy("notification-controller"))
            .await
            .expect("deployment"),
    )
    .expect("json");
    let nargs = nc["spec"]["template"]["spec"]["containers"][0]["args"].to_string();
    assert!(
        nargs.contains("--no-cross-namespace-refs=true") && !nargs.contains("--concurrent=10"),
        "{nargs}"
    );
    let ks = get(
        &t,
        &json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": fleet.ns, "namespace": fleet.ns}}),
    )
    .await
    .expect("sync Kustomization");
    let ks = serde_json::to_value(ks).expect("json");
    assert_eq!(
        ks["spec"]["serviceAccountName"], "kustomize-controller",
        "the flux-system patch was applied"
    );
    assert_eq!(ks["spec"]["path"], "./clusters/prod-us");

    // status of a classic cluster: no FluxInstance; the version from the components' namespace.
    let status = fleet
        .cmd()
        .kubeconfig()
        .args(["status", "prod-us", "-n", &fleet.ns, "-o", "json"])
        .run();
    let rows = items(status.ok(), "BootstrapStatusList");
    assert_eq!(rows[0]["fluxVersion"], "v2.7.3", "{}", status.stdout);
    assert!(rows[0].get("instance").is_none());
    assert_eq!(rows[0]["sync"]["state"], "Ready");
    fleet.assert_no_token(&[&run, &status]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reports_versions_readiness_failing_objects_and_tenants() {
    let fleet = Fleet::new("boot-status");
    fleet.init_d1();
    let sim = Simulator::start(&fleet.ns);
    let cmd = fleet.bootstrap(&["staging", "--token-env", "FLEET_TEST_TOKEN", "--timeout", "60s"]);
    tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs")
        .ok();
    drop(sim);
    // What Flux would apply from clusters/staging: the two tenants (labelled by the sync
    // Kustomization), and one namespace Kustomization of the apps tenant, not Ready.
    let t = env().target("staging").await;
    let ns = &fleet.ns;
    let applied_by = |name: &str| json!({"kustomize.toolkit.fluxcd.io/name": name, "kustomize.toolkit.fluxcd.io/namespace": ns});
    for (name, labels, ok) in [
        ("flux-infra-tenant", applied_by(ns), true),
        ("flux-apps-tenant", applied_by(ns), true),
        ("flux-backend", applied_by("flux-apps-tenant"), false),
    ] {
        crate::common::apply(
            &t,
            json!({
                "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                "metadata": {"name": name, "namespace": ns, "labels": labels},
                "spec": {"interval": "12h", "path": "./tenants", "prune": true, "sourceRef": {"kind": "GitRepository", "name": ns}},
                "status": if ok {
                    crate::common::ready_status(true, "ReconciliationSucceeded", "Applied revision: main@sha1:1", 1)
                } else {
                    crate::common::ready_status(false, "BuildFailed", "kustomize build failed: missing resources", 1)
                },
            }),
        )
        .await;
    }
    let run = fleet
        .cmd()
        .kubeconfig()
        .args(["status", "staging", "-n", ns, "-o", "json"])
        .run();
    let rows = items(run.ok(), "BootstrapStatusList");
    let r = &rows[0];
    assert_eq!(r["tenants"][0]["name"], "apps");
    assert_eq!(r["tenants"][0]["ready"], false);
    assert_eq!(
        r["tenants"][0]["notReady"],
        json!([format!("Kustomization/{ns}/flux-backend")])
    );
    assert_eq!(r["tenants"][1]["name"], "infra");
    assert_eq!(r["tenants"][1]["ready"], true);
    assert!(r["failing"].as_u64().expect("count") >= 1, "{r}");
    let mut stable = r.clone();
    stable["failing"] = json!("[N]");
    stable["fluxObjects"] = json!("[N]");
    // Cluster-wide per-kind counts (other tests share the cluster): checked in classic::.
    assert!(stable["stats"].is_array(), "{stable}");
    stable["stats"] = json!("[N]");
    let text = serde_json::to_string_pretty(&stable)
        .expect("json")
        .replace(ns.as_str(), "NS");
    fleet_snapshot!("bootstrap_status_json", text);

    // The table, for this row with the cluster-wide counts fixed (deterministic bytes).
    let mut row = status_row(r);
    row.failing = 1;
    row.flux_objects = 4;
    let mut unreachable = row.clone();
    unreachable.cluster = "prod-eu".into();
    unreachable.context = "prod-eu".into();
    unreachable.error = Some("unreachable at https://127.0.0.1:[PORT]".into());
    fleet_snapshot!(
        "bootstrap_status_table",
        status_table(&[row, unreachable], Paint::plain(), false).replace(ns.as_str(), "NS")
    );
}

/// Rebuilds a [`bstatus::ClusterStatus`] from its JSON (the type is output-only, so field by field).
fn status_row(r: &Value) -> bstatus::ClusterStatus {
    let readiness = |v: &Value| bstatus::Readiness {
        object: v["object"].as_str().unwrap_or_default().to_string(),
        state: fleet::status::State::Ready,
        message: v["message"].as_str().map(str::to_string),
    };
    bstatus::ClusterStatus {
        cluster: r["cluster"].as_str().unwrap_or_default().to_string(),
        context: r["context"].as_str().unwrap_or_default().to_string(),
        operator_version: r["operatorVersion"].as_str().map(str::to_string),
        flux_version: r["fluxVersion"].as_str().map(str::to_string),
        instance: Some(readiness(&r["instance"])),
        sync: Some(readiness(&r["sync"])),
        revision: r["revision"].as_str().map(str::to_string),
        flux_objects: 0,
        failing: 0,
        unreadable_kinds: Vec::new(),
        tenants: vec![
            bstatus::TenantStatus {
                name: "apps".into(),
                ready: false,
                kustomizations: 2,
                not_ready: vec!["Kustomization/NS/flux-backend".into()],
            },
            bstatus::TenantStatus {
                name: "infra".into(),
                ready: true,
                kustomizations: 1,
                not_ready: vec![],
            },
        ],
        stats: Vec::new(),
        error: None,
        keos: None,
        domains: Vec::new(),
    }
}

#[test]
fn summary_table_is_kubectl_style() {
    let r = |cluster: &str, result: ClusterResult, operator: &str, message: &str| ClusterReport {
        cluster: cluster.into(),
        context: cluster.into(),
        result,
        operator: operator.into(),
        secrets: if result == ClusterResult::Failed {
            "-"
        } else {
            "2 created"
        }
        .into(),
        flux: if result == ClusterResult::Failed {
            "-"
        } else {
            "created"
        }
        .into(),
        message: message.into(),
        seconds: 1.25,
    };
    let table = summary_table(
        &[
            r(
                "staging",
                ClusterResult::Ready,
                "v0.58.1 installed",
                "refs/heads/main@sha1:8d4e866 (Kustomization/flux-system/flux-system)",
            ),
            r(
                "prod-eu",
                ClusterResult::Ready,
                "v0.58.1 (already installed)",
                "refs/heads/main@sha1:8d4e866 (Kustomization/flux-system/flux-system)",
            ),
            r(
                "prod-us",
                ClusterResult::Failed,
                "-",
                "preflight: unreachable at https://10.0.0.3:6443",
            ),
        ],
        Paint::plain(),
    );
    fleet_snapshot!("bootstrap_summary_table", table);
}

#[test]
fn help_shows_kubectl_fleet_usage_and_examples() {
    let run = Cmd::fleet("kubectl-fleet-bootstrap").args(["--help"]).run();
    fleet_snapshot!("bootstrap_help", run.ok());
    let run = Cmd::fleet("kubectl-fleet-bootstrap")
        .args(["init", "--help"])
        .run();
    fleet_snapshot!("bootstrap_init_help", run.ok());
}

/// Clusters are bootstrapped concurrently: Flux is made Ready on no cluster until the FluxInstance
/// exists on all three, so a bootstrap that finished one cluster before starting the next would
/// wait forever (and time out) on the first. How long it takes is the benchmark's business.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_clusters_are_bootstrapped_concurrently() {
    let three = Fleet::new("boot-together");
    three.init_d1();
    let _sim = Simulator::start_gated(&three.ns);
    let mut args: Vec<&str> = vec!["staging", "prod-eu", "prod-us"];
    args.extend(["--token-env", "FLEET_TEST_TOKEN", "--timeout", "60s"]);
    let cmd = three.bootstrap(&args);
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    run.ok();
}

/// A loopback HTTP server serving release manifests by path (`/VERSION/install.yaml`), 404
/// otherwise, like a release download site.
struct ManifestServer {
    url: String,
}

impl ManifestServer {
    fn start(ns: &str, versions: &[&str]) -> ManifestServer {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let template = std::fs::read_to_string(fixture("operator.yaml")).expect("fixture");
        let bodies: Vec<(String, String)> = versions
            .iter()
            .map(|v| {
                (
                    format!("/{v}/install.yaml"),
                    template.replace("NAMESPACE", ns).replace("VERSION", v),
                )
            })
            .collect();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).map(|n| n == 0).unwrap_or(true) || header == "\r\n" {
                        break;
                    }
                }
                let path = request.split_whitespace().nth(1).unwrap_or_default();
                let mut out = &stream;
                let _ = match bodies.iter().find(|(p, _)| p == path) {
                    Some((_, body)) => write!(
                        out,
                        "HTTP/1.1 200 OK\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    ),
                    None => write!(
                        out,
                        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    ),
                };
            }
        });
        ManifestServer { url }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installs_the_operator_from_a_url_upgrades_it_and_reports_a_failed_download() {
    let fleet = Fleet::new("boot-url");
    fleet.init_d1();
    let server = ManifestServer::start(&fleet.ns, &["v0.57.0", "v0.58.1"]);
    let run_with = |manifest: String| {
        let cmd = fleet
            .cmd()
            .kubeconfig()
            .env("FLEET_TEST_TOKEN", &fleet.token)
            .args([
                "staging",
                "--token-env",
                "FLEET_TEST_TOKEN",
                "--no-wait",
                "--operator-manifest",
            ])
            .args([manifest]);
        async move {
            tokio::task::spawn_blocking(move || cmd.run())
                .await
                .expect("runs")
        }
    };

    // A download that fails changes nothing and says which URL.
    let missing = run_with(format!("{}/v9.9.9/install.yaml", server.url)).await;
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(
        missing.stderr.contains(&format!(
            "failed to download the Flux Operator manifest from {}/v9.9.9/install.yaml",
            server.url
        )),
        "{}",
        missing.stderr
    );
    assert_no_namespace(&fleet.ns).await;

    let first = run_with(format!("{}/v0.57.0/install.yaml", server.url)).await;
    assert!(first.ok().contains("v0.57.0 installed"), "{}", first.stdout);
    let upgrade = run_with(format!("{}/v0.58.1/install.yaml", server.url)).await;
    assert!(
        upgrade.ok().contains("v0.58.1 upgraded from v0.57.0"),
        "{}",
        upgrade.stdout
    );
    let t = env().target("staging").await;
    let d = get(
        &t,
        &json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "flux-operator", "namespace": fleet.ns}}),
    )
    .await
    .expect("operator Deployment");
    let d = serde_json::to_value(d).expect("json");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "ghcr.io/controlplaneio-fluxcd/flux-operator:v0.58.1"
    );

    // Once the fleet repository's HelmRelease has adopted the operator, bootstrap leaves it to Flux.
    crate::common::apply(
        &t,
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "flux-operator", "namespace": fleet.ns,
                            "labels": {"helm.toolkit.fluxcd.io/name": "flux-operator", "helm.toolkit.fluxcd.io/namespace": fleet.ns}}}),
    )
    .await;
    let adopted = run_with(format!("{}/v0.57.0/install.yaml", server.url)).await;
    assert!(
        adopted.ok().contains(&format!(
            "v0.58.1 (managed by HelmRelease {}/flux-operator; upgrade it in git)",
            fleet.ns
        )),
        "{}",
        adopted.stdout
    );
    fleet.assert_no_token(&[&missing, &first, &upgrade, &adopted]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_times_out_with_the_last_condition_message() {
    let fleet = Fleet::new("boot-timeout");
    fleet.init_d1();
    // No simulated operator: the FluxInstance is never reconciled. The token comes from stdin.
    let cmd = fleet
        .bootstrap(&["staging", "--token-stdin", "--timeout", "2s"])
        .stdin(format!("{}\n", fleet.token));
    let run = tokio::task::spawn_blocking(move || cmd.run())
        .await
        .expect("runs");
    assert_eq!(run.code, 1, "{run:?}");
    let row = run
        .stdout
        .lines()
        .find(|l| l.starts_with("staging"))
        .expect("row");
    assert!(
        row.contains(&format!(
            "failed to wait for readiness: timed out after 2s waiting for FluxInstance/{ns}/flux and Kustomization/{ns}/{ns} on cluster 'staging': FluxInstance/{ns}/flux is not reconciled by flux-operator yet",
            ns = fleet.ns
        )),
        "{row}"
    );
    assert!(
        row.contains("v0.58.1 installed") && row.contains("created"),
        "what was done is reported: {row}"
    );
    let t = env().target("staging").await;
    let secret: Secret = Api::namespaced(t.client.clone(), &fleet.ns)
        .get("flux-system")
        .await
        .expect("Secret written from the stdin token");
    assert_eq!(secret.data.expect("data")["password"].0, fleet.token.as_bytes());
    fleet.assert_no_token(&[&run]);
}

#[test]
fn init_for_air_gapped_or_node_less_clusters() {
    let fleet = Fleet::new("init-airgap");
    fleet
        .cmd()
        .args(STAGING)
        .args([
            "--artifact",
            "none",
            "--no-instance-wait",
            "--operator-chart",
            "none",
        ])
        .run()
        .ok();
    fleet
        .cmd()
        .args([
            "init",
            "prod-eu",
            "--from",
            "staging",
            "--production",
            "--domain",
            "eu.example.com",
        ])
        .run()
        .ok();
    for c in ["staging", "prod-eu"] {
        let fi = parse(&fleet.read(&format!("clusters/{c}/flux-system/flux-instance.yaml")));
        assert!(
            fi["spec"]["distribution"].get("artifact").is_none(),
            "{c}: bundled manifests"
        );
        assert_eq!(fi["spec"]["wait"], false, "{c}");
        assert!(
            !fleet
                .path()
                .join(format!("clusters/{c}/flux-system/flux-operator.yaml"))
                .exists(),
            "{c}: no ResourceSet"
        );
    }
    // A chart mirror keeps the ResourceSet (and its signature verification).
    fleet
        .cmd()
        .args(PROD_EU)
        .args([
            "--operator-chart",
            "oci://registry.acme.internal/charts/flux-operator",
            "--force",
        ])
        .run()
        .ok();
    let rs = parse(&fleet.read("clusters/prod-eu/flux-system/flux-operator.yaml"));
    assert_eq!(
        rs["spec"]["resources"][0]["spec"]["url"],
        "oci://registry.acme.internal/charts/flux-operator"
    );
    assert_eq!(rs["spec"]["resources"][0]["spec"]["verify"]["provider"], "cosign");
    let bad = fleet
        .cmd()
        .args(STAGING)
        .args(["--operator-chart", "https://charts.acme.internal/flux-operator"])
        .run();
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("invalid --operator-chart"), "{}", bad.stderr);
}
