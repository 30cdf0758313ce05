//! `kubectl fleet tree` against the real kube-apiservers: fixtures are real objects whose status
//! is written through the status subresource (there are no controllers), then the binary or the
//! library builds the tree.
//!
//! Fixture names live in a unique namespace prefix per test (`trXXXXXXX`, always 9 characters, so
//! aligned columns do not depend on it); snapshots show it as `[test-ns]`.

use std::{collections::BTreeSet, path::Path, time::Duration};

use base64::{Engine, engine::general_purpose::STANDARD};
use fleet::{
    kube::KubeTarget,
    tree::{self, RootSpec, Strategy, TreeOptions, WalkOptions},
};
use serde_json::{Value, json};

use crate::common::{Cmd, Run, apply, env, unique};

/// Same width as the prefixes, so that snapshots keep the real alignment.
const PLACEHOLDER: &str = "[test-ns]";

/// A unique 9-character prefix for namespaces and cluster-scoped names.
fn prefix() -> String {
    let u = unique("t");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in u.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("tr{:07x}", h & 0x0fff_ffff)
}

fn fixture(name: &str, ns: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/fixtures/tree")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture reads");
    fleet::manifests::yaml::objects_from_multi_doc(&text.replace("${NS}", ns), name).expect("fixture parses")
}

async fn namespaces(target: &KubeTarget, names: &[String]) {
    for name in names {
        apply(
            target,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"fleet-test": "true"}}}),
        )
        .await;
    }
}

async fn apply_all(target: &KubeTarget, objects: Vec<Value>) {
    for object in objects {
        apply(target, object).await;
    }
}

/// A Helm storage Secret as Helm writes it: the release JSON, gzipped, base64-encoded, with
/// Helm's labels.
fn storage_secret(ns: &str, release: &str, version: i64, manifest: &str) -> Value {
    let release_json = json!({
        "name": release, "namespace": ns, "version": version,
        "info": {"status": "deployed"}, "chart": {"metadata": {"name": "chart"}, "templates": []},
        "config": {}, "manifest": manifest,
    });
    let helm = tree::helm::encode_release(release_json.to_string().as_bytes()).expect("encodes");
    json!({
        "apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
        "metadata": {"name": format!("sh.helm.release.v1.{release}.v{version}"), "namespace": ns,
                     "labels": {"owner": "helm", "name": release, "version": version.to_string(), "status": "deployed"}},
        "data": {"release": STANDARD.encode(helm)},
    })
}

/// The d1-shaped fixture (`fixtures/tree/d1.yaml`) plus the Helm storage Secrets.
async fn d1(target: &KubeTarget, p: &str) {
    namespaces(
        target,
        &[p.to_string(), format!("{p}-infra"), format!("{p}-apps")],
    )
    .await;
    apply_all(target, fixture("d1.yaml", p)).await;
    let infra = format!("{p}-infra");
    let apps = format!("{p}-apps");
    let cert_manager = format!(
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {p}-cert-manager-controller\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cert-manager\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cert-manager\n"
    );
    apply(target, storage_secret(&infra, "cert-manager", 1, &cert_manager)).await;
    // The release name differs from the chart name; v1 is superseded and must not be used.
    let v1 = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-v1-only\n";
    let v2 = "---\n# Source: podinfo/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\n---\n# Source: podinfo/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\n";
    apply(target, storage_secret(&apps, "apps-podinfo", 1, v1)).await;
    apply(target, storage_secret(&apps, "apps-podinfo", 2, v2)).await;
    // A spec change the controller has not seen yet: generation 2, Ready for generation 1 (Stale).
    apply(
        target,
        json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
               "metadata": {"name": "flux-system", "namespace": p},
               "spec": {"interval": "5m", "url": "https://github.com/example/d1-fleet"}}),
    )
    .await;
}

fn tree_cmd(context: &str) -> Cmd {
    Cmd::fleet("kubectl-fleet-tree")
        .kubeconfig()
        .args(["--context", context])
}

fn snapshot(name: &str, p: &str, value: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(&regex::escape(p), PLACEHOLDER);
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.bind(|| insta::assert_snapshot!(name, value));
}

/// Every node of our JSON document as (group, kind, namespace, name).
fn our_nodes(node: &Value, out: &mut BTreeSet<(String, String, String, String)>) {
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

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[tokio::test]
async fn d1_tree_shows_live_status_at_every_level() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    d1(&target, &p).await;

    let run = tree_cmd(env.first()).args(["ks/flux-system", "-n", &p]).run();
    let out = run.ok();
    snapshot("tree_d1", &p, out);
    assert_eq!(
        run.stderr.trim(),
        "25 objects: 12 Ready, 1 Progressing, 1 Stale, 1 Suspended, 1 NotReady, 6 Exists, 1 Missing, 2 Remote"
    );
    // The legacy HelmRelease is expanded from its latest storage Secret, found by release name.
    assert!(out.contains(&format!("Deployment/{p}-apps/podinfo")), "{out}");
    assert!(!out.contains("podinfo-v1-only"), "{out}");

    let table = tree_cmd(env.first())
        .args(["ks/flux-system", "-n", &p, "-o", "table"])
        .run();
    snapshot("tree_d1_table", &p, table.ok());

    let json = tree_cmd(env.first())
        .args(["Kustomization/flux-system", "-n", &p, "-o", "json"])
        .run();
    snapshot("tree_d1_json", &p, json.ok());
    assert_eq!(json.stderr, "", "no summary line for documents");
    let doc: Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    assert_eq!(doc["apiVersion"], "kubectl-fleet.dev/v1");
    assert_eq!(doc["clusters"][env.first()]["summary"]["total"], 25);

    let yaml = tree_cmd(env.first())
        .args([&format!("ks/{p}/flux-system"), "-o", "yaml"])
        .run();
    snapshot("tree_d1_yaml", &p, yaml.ok());
    let from_yaml: Value = fleet::manifests::yaml::from_str(&yaml.stdout, "stdout").expect("valid YAML");
    assert_eq!(from_yaml, doc, "YAML and JSON carry the same document");
}

#[tokio::test]
async fn compact_depth_and_failing_filters() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    d1(&target, &p).await;
    let base = ["ks/flux-system", "-n", p.as_str()];

    let compact = tree_cmd(env.first()).args(base).args(["--compact"]).run();
    snapshot("tree_d1_compact", &p, compact.ok());

    let depth = tree_cmd(env.first()).args(base).args(["--depth", "1"]).run();
    snapshot("tree_d1_depth_1", &p, depth.ok());

    let failing = tree_cmd(env.first())
        .args(base)
        .args(["--status", "failing"])
        .run();
    assert_eq!(
        failing.code, 1,
        "something fails: exit 1 (issue 15 #9): {failing:?}"
    );
    snapshot("tree_d1_failing", &p, &failing.stdout);
    assert!(
        failing.stderr.contains("25 objects:"),
        "the summary counts the whole tree: {}",
        failing.stderr
    );
    assert!(!failing.stderr.contains("nothing failing"), "{}", failing.stderr);
    // Without --status the tree is a view: exit 0 unless --exit-code asks to gate.
    let gate = tree_cmd(env.first()).args(base).args(["--exit-code"]).run();
    assert_eq!(gate.code, 1, "{gate:?}");
    // Nothing failing above depth 0: said so, exit 0.
    let healthy = tree_cmd(env.first())
        .args(base)
        .args(["--status", "failing", "--depth", "0"])
        .run();
    assert_eq!(healthy.code, 0, "{healthy:?}");
    assert!(healthy.stderr.contains("nothing failing"), "{}", healthy.stderr);
}

#[tokio::test]
async fn colour_follows_the_flag_and_no_color() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    d1(&target, &p).await;
    let coloured = tree_cmd(env.first())
        .args(["ks/flux-system", "-n", &p, "--color", "always"])
        .run();
    assert!(coloured.ok().contains("\u{1b}[32mReady"), "{}", coloured.stdout);
    assert!(
        coloured.stdout.contains("\u{1b}[31m\u{1b}[1mMissing") || coloured.stdout.contains("Missing\u{1b}")
    );
    let plain = tree_cmd(env.first())
        .args(["ks/flux-system", "-n", &p, "--color", "auto"])
        .env("NO_COLOR", "1")
        .run();
    assert!(!plain.ok().contains('\u{1b}'));
}

#[tokio::test]
async fn fleet_view_over_three_clusters() {
    let env = env();
    assert_eq!(env.contexts.len(), 3, "{:?}", env.contexts);
    let p = prefix();
    for (i, context) in env.contexts.iter().enumerate() {
        let target = env.target(context).await;
        d1(&target, &p).await;
        // Each cluster drifts differently: prod-eu's podinfo release failed, prod-us lost a Service.
        if i == 1 {
            let hr = json!({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                            "metadata": {"name": "podinfo", "namespace": format!("{p}-apps")}});
            crate::common::set_status(
                &target,
                &hr,
                json!({"conditions": [{"type": "Ready", "status": "False", "reason": "UpgradeFailed",
                    "message": "Helm upgrade failed: timed out waiting for the condition", "observedGeneration": 1,
                    "lastTransitionTime": "2026-01-01T00:00:00Z"}]}),
            )
            .await;
        }
        if i == 2 {
            env.kubectl(
                context,
                &["delete", "service", "podinfo", "-n", &format!("{p}-apps")],
            );
        }
    }
    let run = Cmd::fleet("kubectl-fleet-tree")
        .kubeconfig()
        .args([
            "--all-contexts",
            "ks/flux-system",
            "-n",
            &p,
            "--status",
            "failing",
        ])
        .run();
    assert_eq!(run.code, 1, "something fails on the fleet: exit 1: {run:?}");
    snapshot("tree_fleet_failing", &p, &run.stdout);
    snapshot("tree_fleet_failing_stderr", &p, &run.stderr);

    let json = Cmd::fleet("kubectl-fleet-tree")
        .kubeconfig()
        .args([
            "--all-contexts",
            "ks/flux-system",
            "-n",
            &p,
            "-o",
            "json",
            "--compact",
        ])
        .run();
    let doc: Value = serde_json::from_str(json.ok()).expect("valid JSON");
    let clusters = doc["clusters"].as_object().expect("clusters map");
    assert_eq!(
        clusters.keys().collect::<Vec<_>>(),
        env.contexts.iter().collect::<Vec<_>>()
    );
    snapshot("tree_fleet_compact_json", &p, &json.stdout);
}

/// A kubeconfig with the real contexts plus `gone`, which points at a closed port.
fn kubeconfig_with_unreachable_cluster(dir: &Path) -> std::path::PathBuf {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut config = kube::config::Kubeconfig::read_from(&env().kubeconfig).expect("kubeconfig reads");
    let mut cluster = config.clusters[0].clone();
    cluster.name = "gone".into();
    if let Some(c) = cluster.cluster.as_mut() {
        c.server = Some(format!("https://127.0.0.1:{port}"));
    }
    config.clusters.push(cluster);
    let mut context = config.contexts[0].clone();
    context.name = "gone".into();
    if let Some(c) = context.context.as_mut() {
        c.cluster = "gone".into();
    }
    config.contexts.push(context);
    let path = dir.join("kubeconfig");
    let text = fleet::manifests::yaml::to_string(&config, "kubeconfig").expect("serializes");
    std::fs::write(&path, text).expect("writes");
    path
}

#[tokio::test]
async fn unreachable_cluster_is_reported_and_the_others_are_shown() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    d1(&target, &p).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = kubeconfig_with_unreachable_cluster(dir.path());
    let run = Cmd::fleet("kubectl-fleet-tree")
        .args(["--kubeconfig"])
        .args([&kubeconfig])
        .args([
            "--context",
            env.first(),
            "--context",
            "gone",
            "ks/flux-system",
            "-n",
            &p,
        ])
        .args(["--request-timeout", "5s"])
        .run();
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with(&format!("=== {} ===\n", env.first())),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("=== gone ==="), "{}", run.stdout);
    assert!(run.stdout.contains("Kustomization/"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("✗ cluster 'gone' is unreachable at https://127.0.0.1:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("error: 1 of 2 targets failed"),
        "{}",
        run.stderr
    );

    let json = Cmd::fleet("kubectl-fleet-tree")
        .args(["--kubeconfig"])
        .args([&kubeconfig])
        .args([
            "--context",
            env.first(),
            "--context",
            "gone",
            "ks/flux-system",
            "-n",
            &p,
            "-o",
            "json",
        ])
        .run();
    assert_eq!(json.code, 1);
    let doc: Value = serde_json::from_str(&json.stdout).expect("the document is still printed");
    assert!(doc["clusters"][env.first()]["root"].is_object());
    assert!(
        doc["clusters"]["gone"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("unreachable")),
        "{doc}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let env = env();
    let unknown = tree_cmd("no-such-context").run();
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(
        unknown.stderr.contains("context 'no-such-context' not found"),
        "{}",
        unknown.stderr
    );
    assert_eq!(unknown.stdout, "");

    for bad in ["deploy/x", "ks", "ks/a/b/c", "ks/Bad_Name"] {
        let run = tree_cmd(env.first()).args([bad]).run();
        assert_eq!(run.code, 2, "{bad}: {run:?}");
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    }
    let bad_flag = tree_cmd(env.first()).args(["--status", "broken"]).run();
    assert_eq!(bad_flag.code, 2);
}

#[tokio::test]
async fn missing_root_fails_the_cluster() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    namespaces(&target, std::slice::from_ref(&p)).await;
    let run = tree_cmd(env.first()).args(["hr/nothing", "-n", &p]).run();
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr.trim(),
        format!(
            "error: HelmRelease/{p}/nothing not found on cluster '{}'",
            env.first()
        )
    );
}

#[tokio::test]
async fn cycles_are_shown_once_and_not_expanded() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    namespaces(&target, std::slice::from_ref(&p)).await;
    let ks = |name: &str, children: &[&str]| {
        let entries: Vec<Value> = children
            .iter()
            .map(|c| json!({"id": format!("{p}_{c}_kustomize.toolkit.fluxcd.io_Kustomization"), "v": "v1"}))
            .collect();
        let mut status = crate::common::ready_status(true, "ReconciliationSucceeded", "Applied", 1);
        status["inventory"] = json!({"entries": entries});
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": name, "namespace": p},
               "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}},
               "status": status})
    };
    apply_all(
        &target,
        vec![ks("a", &["b"]), ks("b", &["c"]), ks("c", &["a", "c"])],
    )
    .await;
    let run = tree_cmd(env.first()).args(["ks/a", "-n", &p]).run();
    snapshot("tree_cycle", &p, run.ok());
}

#[tokio::test]
async fn resource_sets_and_flux_instances_are_expanded() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    namespaces(&target, std::slice::from_ref(&p)).await;
    apply_all(&target, fixture("resourceset.yaml", &p)).await;
    let run = tree_cmd(env.first()).args(["instance/flux", "-n", &p]).run();
    snapshot("tree_flux_instance", &p, run.ok());
    let rset = tree_cmd(env.first())
        .args([&format!("rset/{p}/tenants"), "-o", "table"])
        .run();
    snapshot("tree_resourceset_table", &p, rset.ok());
}

#[tokio::test]
async fn unknown_kinds_are_shown_on_their_nodes_not_fatal() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    namespaces(&target, std::slice::from_ref(&p)).await;
    let mut status = crate::common::ready_status(true, "ReconciliationSucceeded", "Applied", 1);
    status["inventory"] = json!({"entries": [
        {"id": format!("{p}_letsencrypt_cert-manager.io_Issuer"), "v": "v1"},
        {"id": format!("{p}_settings__ConfigMap"), "v": "v1"},
    ]});
    apply(
        &target,
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": "issuers", "namespace": p},
               "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}},
               "status": status}),
    )
    .await;
    let run = tree_cmd(env.first()).args(["ks/issuers", "-n", &p]).run();
    let out = run.ok();
    assert_eq!(
        lines_with(out, "Issuer/"),
        [format!("├── Issuer/{p}/letsencrypt  Unknown (NotServed)").as_str()]
    );
    assert!(
        out.contains(&format!("└── ConfigMap/{p}/settings  Missing")),
        "{out}"
    );
    assert!(
        run.stderr.contains(&format!(
            "⚠ 1 Issuer.cert-manager.io object shown as Unknown (NotServed): kind Issuer.cert-manager.io is not served by cluster '{}'",
            env.first()
        )),
        "{}",
        run.stderr
    );
}

/// Legacy HelmReleases: CRDs installed with `install.crds` are found by helm-controller's labels
/// (as flux does), and a release whose storage Secret is gone is reported, not fatal.
#[tokio::test]
async fn legacy_helm_releases_find_their_crds_and_report_missing_storage() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    namespaces(&target, std::slice::from_ref(&p)).await;
    let group = format!("{p}.example.com");
    let crd_name = format!("widgets.{group}");
    let hr = |name: &str, version: i64| {
        let mut status = crate::common::ready_status(true, "InstallSucceeded", "Helm install succeeded", 1);
        status["storageNamespace"] = json!(p);
        status["history"] = json!([{"name": name, "namespace": p, "version": version, "chartName": "chart",
            "chartVersion": "1.0.0", "configDigest": "sha256:0", "digest": "sha256:0",
            "firstDeployed": "2026-01-01T00:00:00Z", "lastDeployed": "2026-01-01T00:00:00Z", "status": "deployed"}]);
        json!({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
               "metadata": {"name": name, "namespace": p},
               "spec": {"interval": "1m", "install": {"crds": "CreateReplace"},
                        "chart": {"spec": {"chart": "chart", "sourceRef": {"kind": "HelmRepository", "name": "charts"}}}},
               "status": status})
    };
    let mut ks_status = crate::common::ready_status(true, "ReconciliationSucceeded", "Applied", 1);
    ks_status["inventory"] = json!({"entries": [
        {"id": format!("{p}_widgets_helm.toolkit.fluxcd.io_HelmRelease"), "v": "v2"},
        {"id": format!("{p}_gone_helm.toolkit.fluxcd.io_HelmRelease"), "v": "v2"},
    ]});
    apply_all(
        &target,
        vec![
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                   "metadata": {"name": crd_name, "labels": {"helm.toolkit.fluxcd.io/name": "widgets", "helm.toolkit.fluxcd.io/namespace": p}},
                   "spec": {"group": group, "scope": "Namespaced",
                            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                            "versions": [{"name": "v1", "served": true, "storage": true,
                                          "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}}),
            hr("widgets", 1),
            hr("gone", 3),
            storage_secret(&p, "widgets", 1, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: widget-config\n"),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "widget-config", "namespace": p}}),
            json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                   "metadata": {"name": "helm", "namespace": p},
                   "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}},
                   "status": ks_status}),
        ],
    )
    .await;
    let run = tree_cmd(env.first()).args(["ks/helm", "-n", &p]).run();
    let out = run.ok();
    assert!(
        out.contains(&format!("│   ├── ConfigMap/{p}/widget-config")),
        "{out}"
    );
    assert!(
        out.contains(&format!("│   └── CustomResourceDefinition/{crd_name}")),
        "{out}"
    );
    assert!(
        lines_with(out, "CustomResourceDefinition/")[0].ends_with("Ready"),
        "{out}"
    );
    assert!(
        run.stderr.contains(&format!(
            "⚠ HelmRelease/{p}/gone: Helm storage Secret {p}/sh.helm.release.v1.gone.v3 not found: its objects are not shown"
        )),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn restricted_users_see_forbidden_kinds_as_unknown_and_namespaces_they_may_list() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    let (open, closed) = (format!("{p}-open"), format!("{p}-closed"));
    namespaces(&target, &[p.clone(), open.clone(), closed.clone()]).await;
    // `view` is an aggregated role, and nothing aggregates it without a controller-manager: grant
    // the Flux kinds and ConfigMaps cluster-wide, and Secrets in one namespace only.
    apply_all(
        &target,
        vec![
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": format!("{p}-flux-view")},
                   "rules": [{"apiGroups": ["kustomize.toolkit.fluxcd.io", "helm.toolkit.fluxcd.io", "source.toolkit.fluxcd.io", "fluxcd.controlplane.io"],
                              "resources": ["*"], "verbs": ["get", "list", "watch"]},
                             {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["list"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": format!("{p}-flux-view")},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": format!("{p}-flux-view")},
                   "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "fleet-restricted"}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "secrets", "namespace": open},
                   "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "secrets", "namespace": open},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "secrets"},
                   "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "fleet-restricted"}]}),
        ],
    )
    .await;
    let mut status = crate::common::ready_status(true, "ReconciliationSucceeded", "Applied", 1);
    status["inventory"] = json!({"entries": [
        {"id": format!("{open}_app-credentials__Secret"), "v": "v1"},
        {"id": format!("{closed}_db-credentials__Secret"), "v": "v1"},
        {"id": format!("{open}_settings__ConfigMap"), "v": "v1"},
    ]});
    apply_all(
        &target,
        vec![
            json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                   "metadata": {"name": "tenant", "namespace": p},
                   "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}},
                   "status": status}),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app-credentials", "namespace": open}}),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-credentials", "namespace": closed}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": open}}),
        ],
    )
    .await;

    // RBAC is eventually consistent within the apiserver's authorizer cache: retry briefly.
    let mut run = None;
    for _ in 0..50 {
        let r = Cmd::fleet("kubectl-fleet-tree")
            .args(["--kubeconfig"])
            .args([&env.restricted_kubeconfig])
            .args(["--context", env.first(), "ks/tenant", "-n", &p])
            .run();
        if r.code == 0
            && r.stdout.contains("app-credentials   Exists")
            && r.stdout.contains("settings       Exists")
        {
            run = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let run: Run = run.expect("the restricted user can read the tree");
    snapshot("tree_restricted", &p, &run.stdout);
    assert!(
        run.stderr.contains(&format!(
            "⚠ 1 Secret object shown as Unknown (Forbidden): secrets is forbidden: User \"fleet-restricted\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{closed}\""
        )),
        "{}",
        run.stderr
    );
}

/// A Kustomization whose `.status.inventory` lists `entries` (inventory IDs).
fn ks_with(p: &str, name: &str, entries: Vec<String>) -> Value {
    let mut status = crate::common::ready_status(true, "ReconciliationSucceeded", "Applied", 1);
    status["inventory"] =
        json!({"entries": entries.iter().map(|id| json!({"id": id, "v": "v1"})).collect::<Vec<_>>()});
    json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
           "metadata": {"name": name, "namespace": p,
                        "labels": {"kustomize.toolkit.fluxcd.io/name": "root", "kustomize.toolkit.fluxcd.io/namespace": p}},
           "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}},
           "status": status})
}

fn owned_by(prefix: &str, owner: &str, ns: &str) -> Value {
    json!({format!("{prefix}/name"): owner, format!("{prefix}/namespace"): ns})
}

/// The fixture of the strategy tests: a root Kustomization with a nested one and a HelmRelease
/// (Flux >= 2.8 inventory); ConfigMaps in two namespaces labelled by their owner, one in the
/// inventory but gone (Missing), one present without its owner's labels (a label-selected LIST
/// does not return it, yet it exists); Deployments of the nested Kustomization with rollout
/// status; Secrets of the HelmRelease, one gone.
async fn strategy_fixture(target: &KubeTarget, p: &str) {
    let (a, b) = (format!("{p}-a"), format!("{p}-b"));
    namespaces(target, &[p.to_string(), a.clone(), b.clone()]).await;
    let ks_labels = |owner: &str| owned_by("kustomize.toolkit.fluxcd.io", owner, p);
    let mut objects = Vec::new();
    let mut root_entries = vec![
        format!("{p}_apps_kustomize.toolkit.fluxcd.io_Kustomization"),
        format!("{a}_web_helm.toolkit.fluxcd.io_HelmRelease"),
    ];
    for i in 0..12 {
        let ns = if i % 2 == 0 { &a } else { &b };
        let name = format!("cfg-{i}");
        root_entries.push(format!("{ns}_{name}__ConfigMap"));
        objects.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": name, "namespace": ns, "labels": ks_labels("root")}, "data": {"k": "v"}}));
    }
    root_entries.push(format!("{a}_cfg-gone__ConfigMap"));
    root_entries.push(format!("{b}_cfg-unlabelled__ConfigMap"));
    objects.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg-unlabelled", "namespace": b}}));
    let mut apps_entries = Vec::new();
    for i in 0..10 {
        let name = format!("api-{i}");
        apps_entries.push(format!("{a}_{name}_apps_Deployment"));
        let ready = if i == 3 { 0 } else { 1 };
        objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": a, "labels": ks_labels("apps")},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}},
            "status": {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": ready, "availableReplicas": ready}}));
    }
    let mut web_entries = Vec::new();
    for i in 0..10 {
        let name = format!("web-secret-{i}");
        web_entries.push(json!({"id": format!("{a}_{name}__Secret"), "v": "v1"}));
        if i != 7 {
            objects.push(json!({"apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": name, "namespace": a, "labels": owned_by("helm.toolkit.fluxcd.io", "web", &a)}}));
        }
    }
    let mut hr_status = crate::common::ready_status(true, "InstallSucceeded", "Helm install succeeded", 1);
    hr_status["inventory"] = json!({"entries": web_entries});
    objects.push(json!({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "web", "namespace": a, "labels": ks_labels("root")},
        "spec": {"interval": "1m", "chart": {"spec": {"chart": "web", "sourceRef": {"kind": "HelmRepository", "name": "charts"}}}},
        "status": hr_status}));
    objects.push(ks_with(p, "apps", apps_entries));
    objects.push(ks_with(p, "root", root_entries));
    apply_all(target, objects).await;
}

async fn tree_json(
    target: &KubeTarget,
    root: &fleet::tree::ObjRef,
    strategy: Strategy,
) -> (Value, tree::Stats) {
    let tree = tree::tree_cluster(
        target,
        root,
        TreeOptions {
            strategy,
            ..TreeOptions::default()
        },
    )
    .await
    .expect("tree builds");
    let outcome = tree::ClusterOutcome {
        context: target.context.clone(),
        result: Ok(tree),
    };
    let text = tree::render::json(std::slice::from_ref(&outcome)).expect("renders");
    let stats = outcome.result.expect("ok").stats;
    (serde_json::from_str(&text).expect("JSON"), stats)
}

async fn multiplexed(kubeconfig: &Path, context: &str) -> KubeTarget {
    fleet::kube::load_kubeconfig(Some(kubeconfig))
        .expect("kubeconfig loads")
        .target_multiplexed(context, fleet::kube::ClientOptions::default())
        .await
        .expect("client builds")
}

/// Whichever way the leaves are fetched (the cost model's choice, or forced: a GET each,
/// label-selected LISTs, namespace LISTs, cluster-wide LISTs), the tree is the same: Missing
/// objects are detected (by a 404, by a LIST that settles absence, or by a GET after a
/// label-selected LIST did not return them), and an object without its owner's labels is found.
#[tokio::test]
async fn every_fetch_strategy_builds_the_same_tree() {
    let env = env();
    let p = prefix();
    let admin = env.target(env.first()).await;
    strategy_fixture(&admin, &p).await;
    let target = multiplexed(&env.kubeconfig, env.first()).await;
    let root = RootSpec::parse("ks/root").expect("valid").object(Some(&p));
    let (auto, stats) = tree_json(&target, &root, Strategy::Auto).await;
    let cluster = &auto["clusters"][env.first()];
    assert_eq!(cluster["summary"]["total"], 1 + 2 + 14 + 10 + 10, "{cluster}");
    assert_eq!(cluster["summary"]["missing"], 2, "{cluster}");
    let text = auto.to_string();
    assert!(text.contains("cfg-unlabelled"), "{text}");
    let mut nodes = BTreeSet::new();
    our_nodes(&cluster["root"], &mut nodes);
    assert!(nodes.contains(&(
        String::new(),
        "ConfigMap".into(),
        format!("{p}-b"),
        "cfg-unlabelled".into()
    )));
    // Objects of the root and the nested Kustomization by owner label, the unlabelled and
    // missing ConfigMaps by name afterwards: far fewer requests than objects.
    assert!(stats.requests <= 20, "{stats:?}");
    assert!((3..=4).contains(&stats.rounds), "{stats:?}");
    for strategy in [
        Strategy::Get,
        Strategy::Label,
        Strategy::Namespace,
        Strategy::Cluster,
    ] {
        let (forced, stats) = tree_json(&target, &root, strategy).await;
        assert_eq!(forced, auto, "{strategy:?} builds another tree");
        if strategy == Strategy::Get {
            assert!(stats.requests >= 36, "a GET per leaf: {stats:?}");
        }
    }
    let status_of = |name: &str| {
        cluster["root"]["children"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["name"] == name)
            .map(|c| c["status"].clone())
    };
    assert_eq!(status_of("cfg-gone"), Some(json!("Missing")));
    assert_eq!(status_of("cfg-unlabelled"), Some(json!("Exists")));
}

/// A restricted user (Flux kinds readable, ConfigMaps `list` but not `get`, Secrets listable in
/// one namespace): every strategy falls back to what RBAC allows and reports the rest as
/// Unknown (Forbidden) on the node, with the apiserver's reason.
#[tokio::test]
async fn forbidden_objects_are_reported_on_their_nodes_whatever_the_strategy() {
    let env = env();
    let p = prefix();
    let admin = env.target(env.first()).await;
    let (open, closed) = (format!("{p}-open"), format!("{p}-closed"));
    namespaces(&admin, &[p.clone(), open.clone(), closed.clone()]).await;
    restricted_rbac(&admin, &p, &open).await;
    let mut entries = Vec::new();
    let mut objects = Vec::new();
    for i in 0..12 {
        let (ns, kind) = match i % 3 {
            0 => (&open, "Secret"),
            1 => (&closed, "Secret"),
            _ => (&open, "ConfigMap"),
        };
        let name = format!("obj-{i}");
        entries.push(format!("{ns}_{name}__{kind}"));
        objects.push(json!({"apiVersion": "v1", "kind": kind,
            "metadata": {"name": name, "namespace": ns, "labels": owned_by("kustomize.toolkit.fluxcd.io", "tenant", &p)}}));
    }
    objects.push(ks_with(&p, "tenant", entries));
    apply_all(&admin, objects).await;
    let target = multiplexed(&env.restricted_kubeconfig, env.first()).await;
    let root = RootSpec::parse("ks/tenant").expect("valid").object(Some(&p));
    for strategy in [
        Strategy::Auto,
        Strategy::Get,
        Strategy::Label,
        Strategy::Namespace,
        Strategy::Cluster,
    ] {
        // RBAC is eventually consistent within the apiserver's authorizer cache: retry briefly.
        let mut last = Value::Null;
        for _ in 0..50 {
            let (doc, _) = tree_json(&target, &root, strategy).await;
            let summary = doc["clusters"][env.first()]["summary"].clone();
            if summary["exists"] == 8 {
                last = doc;
                break;
            }
            last = doc;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let cluster = &last["clusters"][env.first()];
        assert_eq!(cluster["summary"]["exists"], 8, "{strategy:?}: {cluster}");
        assert_eq!(cluster["summary"]["unknown"], 4, "{strategy:?}: {cluster}");
        let forbidden: Vec<&Value> = cluster["root"]["children"]
            .as_array()
            .expect("children")
            .iter()
            .filter(|c| c["status"] == "Unknown")
            .collect();
        assert!(
            forbidden.iter().all(|c| c["namespace"] == json!(closed)
                && c["reason"] == "Forbidden"
                && c["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("fleet-restricted"))),
            "{strategy:?}: {forbidden:?}"
        );
    }
}

/// ClusterRoles and bindings of the restricted user: the Flux kinds cluster-wide, ConfigMaps
/// `list` only, Secrets `list` in `open` only.
async fn restricted_rbac(target: &KubeTarget, p: &str, open: &str) {
    apply_all(
        target,
        vec![
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": format!("{p}-flux-view")},
                   "rules": [{"apiGroups": ["kustomize.toolkit.fluxcd.io", "helm.toolkit.fluxcd.io", "source.toolkit.fluxcd.io", "fluxcd.controlplane.io"],
                              "resources": ["*"], "verbs": ["get", "list", "watch"]},
                             {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["list"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": format!("{p}-flux-view")},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": format!("{p}-flux-view")},
                   "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "fleet-restricted"}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "secrets", "namespace": open},
                   "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "secrets", "namespace": open},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "secrets"},
                   "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "fleet-restricted"}]}),
        ],
    )
    .await;
}

/// However many Kustomizations, the leaves cost one request per kind and owner kind: the Flux
/// objects are listed cluster-wide in the first round (with discovery; a few are also fetched by
/// name, racing that LIST), the leaves follow once they are all known (the anchors' `flux tree`
/// costs one GET per Kustomization).
#[tokio::test]
async fn nested_kustomizations_cost_a_request_per_leaf_kind() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    namespaces(&target, std::slice::from_ref(&p)).await;
    let ks_id = |name: &str| format!("{p}_{name}_kustomize.toolkit.fluxcd.io_Kustomization");
    // 1 + 5 + 25 Kustomizations in three levels, each component with leaves of four kinds.
    let mut objects = Vec::new();
    let mut tenants = Vec::new();
    for t in 0..5 {
        let mut components = Vec::new();
        for c in 0..5 {
            let name = format!("c{t}-{c}");
            components.push(ks_id(&name));
            let labels = owned_by("kustomize.toolkit.fluxcd.io", &name, &p);
            objects.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": p, "labels": labels}}));
            objects.push(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": p, "labels": labels}}));
            objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": name, "namespace": p, "labels": labels}}));
            objects.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": p, "labels": labels},
                                "spec": {"ports": [{"port": 80}]}}));
            objects.push(ks_with(
                &p,
                &name,
                vec![
                    format!("{p}_{name}__ConfigMap"),
                    format!("{p}_{name}__ServiceAccount"),
                    format!("{p}_{name}_rbac.authorization.k8s.io_Role"),
                    format!("{p}_{name}__Service"),
                ],
            ));
        }
        let name = format!("t{t}");
        tenants.push(ks_id(&name));
        objects.push(ks_with(&p, &name, components));
    }
    objects.push(ks_with(&p, "root", tenants));
    apply_all(&target, objects).await;
    let root = RootSpec::parse("ks/root").expect("valid").object(Some(&p));

    let tree = tree::tree_cluster(&target, &root, TreeOptions::default())
        .await
        .expect("tree builds");
    assert_eq!(tree.summary.total(), 31 + 25 * 4);
    assert_eq!(tree.summary.count("Exists"), 25 * 4, "{}", tree.summary.line());
    // Two rounds when the Kustomization LIST answers first, one more per level that GETs
    // expanded before it did.
    assert!((2..=4).contains(&tree.stats.rounds), "{:?}", tree.stats);
    let leaf_requests = tree
        .stats
        .log
        .iter()
        .filter(|r| {
            ["configmaps", "serviceaccounts", "roles", "services"]
                .iter()
                .any(|k| r.path.contains(k))
        })
        .count();
    assert_eq!(
        leaf_requests, 4,
        "one label-selected LIST per leaf kind: {:?}",
        tree.stats.log
    );
    // The root, the four expandable kinds and discovery; at most GET_MAX racing GETs per level.
    assert!(tree.stats.requests <= 6 + 2 * 8 + 4, "{:?}", tree.stats);

    let compact = tree::tree_cluster(
        &target,
        &root,
        TreeOptions {
            walk: WalkOptions {
                compact: true,
                max_depth: None,
            },
            ..TreeOptions::default()
        },
    )
    .await
    .expect("tree builds");
    assert_eq!(compact.summary.total(), 31);
    assert!(
        compact.stats.log.iter().all(|r| !r.path.contains("configmaps")),
        "--compact never fetches non-Flux kinds: {:?}",
        compact.stats.log
    );
}

/// Peer check: `flux tree ks flux-system -o json` (flux2, built from Go modules) lists the same
/// nodes as ours on the same cluster. `FLEET_TEST_FLUX` points at the flux binary.
#[tokio::test]
async fn peer_check_flux_tree_lists_the_same_nodes() {
    let env = env();
    let flux = std::env::var("FLEET_TEST_FLUX").unwrap_or_else(|_| {
        panic!("FLEET_TEST_FLUX is not set: build the flux CLI with `tests/testenv/testenv build --flux-cli` and export FLEET_TEST_FLUX=<path from `tests/testenv/testenv paths`>")
    });
    let p = prefix();
    let target = env.target(env.first()).await;
    d1(&target, &p).await;

    let theirs = Cmd::program(&flux)
        .args(["--kubeconfig"])
        .args([&env.kubeconfig])
        .args([
            "--context",
            env.first(),
            "tree",
            "ks",
            "flux-system",
            "-n",
            &p,
            "-o",
            "json",
        ])
        .run();
    let theirs: Value = serde_json::from_str(theirs.ok()).expect("flux prints JSON");
    let mut flux_nodes = BTreeSet::new();
    flux_tree_nodes(&theirs, &mut flux_nodes);

    let ours = tree_cmd(env.first())
        .args(["ks/flux-system", "-n", &p, "-o", "json"])
        .run();
    let ours: Value = serde_json::from_str(ours.ok()).expect("we print JSON");
    let mut our_set = BTreeSet::new();
    our_nodes(&ours["clusters"][env.first()]["root"], &mut our_set);

    assert_eq!(our_set.len(), 25);
    assert_eq!(flux_nodes, our_set, "flux tree and kubectl fleet tree disagree");
}

/// flux prints cli-utils `ObjMetadata` (no json tags: `Namespace`, `Name`, `GroupKind`).
fn flux_tree_nodes(node: &Value, out: &mut BTreeSet<(String, String, String, String)>) {
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

/// LIST responses of built-in kinds arrive in protobuf (workloads with their status, metadata-only
/// kinds as PartialObjectMetadata) unless JSON is forced: whatever the strategy, both encodings
/// build the same tree — rollout counters, conditions (a Deployment past its progress deadline),
/// PVC phases, objects being deleted, Missing objects — and protobuf carries fewer bytes.
#[tokio::test]
async fn the_protobuf_wire_builds_the_same_tree_as_json() {
    let env = env();
    let p = prefix();
    let admin = env.target(env.first()).await;
    let ns = format!("{p}-w");
    namespaces(&admin, &[p.clone(), ns.clone()]).await;
    let labels = owned_by("kustomize.toolkit.fluxcd.io", "root", &p);
    let template = |app: &str| {
        json!({"selector": {"matchLabels": {"app": app}},
               "template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}})
    };
    let mut entries = Vec::new();
    let mut objects = Vec::new();
    let mut add = |kind: &str, group: &str, name: String, object: Option<Value>| {
        entries.push(format!("{ns}_{name}_{group}_{kind}"));
        objects.extend(object);
    };
    for i in 0..10 {
        let name = format!("deploy-{i}");
        let mut spec = template(&name);
        spec["replicas"] = json!(if i == 4 { 0 } else { 2 });
        let ready = if i % 3 == 0 { 1 } else { 2 };
        let mut status = json!({"observedGeneration": if i == 5 { 0 } else { 1 }, "replicas": 2,
            "updatedReplicas": 2, "readyReplicas": ready, "availableReplicas": ready});
        if i == 6 {
            status["conditions"] = json!([{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                "message": "ReplicaSet \"x\" has timed out progressing.", "lastTransitionTime": "2026-01-01T00:00:00Z",
                "lastUpdateTime": "2026-01-01T00:00:00Z"}]);
        }
        let object = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "labels": labels}, "spec": spec, "status": status});
        add("Deployment", "apps", name, Some(object));
    }
    add("Deployment", "apps", "deploy-gone".into(), None);
    for i in 0..9 {
        let name = format!("sts-{i}");
        let mut spec = template(&name);
        spec["replicas"] = json!(1);
        spec["serviceName"] = json!(name);
        let ready = i % 2;
        let object = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": ns, "labels": labels}, "spec": spec,
            "status": {"observedGeneration": 1, "replicas": 1, "readyReplicas": ready, "updatedReplicas": 1,
                       "availableReplicas": ready, "currentReplicas": 1}});
        add("StatefulSet", "apps", name, Some(object));
    }
    for i in 0..9 {
        let name = format!("ds-{i}");
        let object = json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": ns, "labels": labels}, "spec": template(&name),
            "status": {"observedGeneration": 1, "desiredNumberScheduled": 2, "numberReady": 1 + i % 2,
                       "updatedNumberScheduled": 2, "currentNumberScheduled": 2, "numberMisscheduled": 0}});
        add("DaemonSet", "apps", name, Some(object));
    }
    for i in 0..9 {
        let name = format!("pvc-{i}");
        let mut object = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
        match i % 3 {
            0 => object["status"] = json!({"phase": "Bound"}),
            1 => object["status"] = json!({"phase": "Lost"}),
            _ => {}
        }
        add("PersistentVolumeClaim", "", name, Some(object));
    }
    for i in 0..10 {
        let name = format!("cfg-{i}");
        let object = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": ns, "labels": labels, "finalizers": if i == 1 { json!(["fleet.test/hold"]) } else { json!([]) }},
            "data": {"k": "v"}});
        add("ConfigMap", "", name, Some(object));
    }
    add("ConfigMap", "", "cfg-gone".into(), None);
    objects.push(ks_with(&p, "root", entries));
    apply_all(&admin, objects).await;
    // A ConfigMap being deleted (held by its finalizer): Progressing (Terminating).
    env.kubectl(
        env.first(),
        &["delete", "configmap", "cfg-1", "-n", &ns, "--wait=false"],
    );
    let target = multiplexed(&env.kubeconfig, env.first()).await;
    let root = RootSpec::parse("ks/root").expect("valid").object(Some(&p));
    for strategy in [Strategy::Auto, Strategy::Label, Strategy::Namespace] {
        let (json_tree, json_stats) = tree_json_wire(&target, &root, strategy, tree::Wire::Json).await;
        let (proto_tree, proto_stats) = tree_json_wire(&target, &root, strategy, tree::Wire::Auto).await;
        assert_eq!(
            proto_tree, json_tree,
            "{strategy:?}: protobuf builds another tree"
        );
        // The leaves' bytes: the speculative LISTs of Flux kinds (JSON either way) are cancelled
        // when the walk no longer needs them, so whether they count depends on timing.
        let leaf_bytes = |stats: &tree::Stats| -> usize {
            stats
                .log
                .iter()
                .filter(|r| {
                    let path = r.path.split('?').next().unwrap_or_default();
                    path != "/apis" && !path.contains("fluxcd")
                })
                .map(|r| r.bytes)
                .sum()
        };
        assert!(
            leaf_bytes(&proto_stats) < leaf_bytes(&json_stats),
            "{strategy:?}: protobuf {} bytes, JSON {}",
            leaf_bytes(&proto_stats),
            leaf_bytes(&json_stats)
        );
        let summary = &json_tree["clusters"][env.first()]["summary"];
        assert_eq!(summary["total"], 1 + 11 + 9 + 9 + 9 + 11, "{summary}");
        assert_eq!(summary["missing"], 2, "{summary}");
        // Deployments 0, 3, 6, 9 (1/2 ready), 5 (rollout not observed), 6 also past its deadline;
        // StatefulSets 0, 2, 4, 6, 8; DaemonSets 0, 2, 4, 6, 8; PVCs 2, 5, 8 (no phase); cfg-1.
        assert_eq!(summary["notReady"], 1 + 3, "{summary}");
        assert_eq!(summary["progressing"], 4 + 5 + 5 + 3 + 1, "{summary}");
    }
    env.kubectl(
        env.first(),
        &[
            "patch",
            "configmap",
            "cfg-1",
            "-n",
            &ns,
            "--type=merge",
            "-p",
            r#"{"metadata":{"finalizers":null}}"#,
        ],
    );
}

async fn tree_json_wire(
    target: &KubeTarget,
    root: &fleet::tree::ObjRef,
    strategy: Strategy,
    wire: tree::Wire,
) -> (Value, tree::Stats) {
    let tree = tree::tree_cluster_wire(
        target,
        root,
        TreeOptions {
            strategy,
            ..TreeOptions::default()
        },
        wire,
    )
    .await
    .expect("tree builds");
    let stats = tree.stats.clone();
    let outcome = tree::ClusterOutcome {
        context: target.context.clone(),
        result: Ok(tree),
    };
    let text = tree::render::json(std::slice::from_ref(&outcome)).expect("renders");
    (serde_json::from_str(&text).expect("JSON"), stats)
}

/// A Kustomization `name` applied by `owner` (its labels say so), listing `entries`.
fn ks_owned(p: &str, name: &str, owner: &str, entries: Vec<String>) -> Value {
    let mut ks = ks_with(p, name, entries);
    ks["metadata"]["labels"] = owned_by("kustomize.toolkit.fluxcd.io", owner, p);
    ks
}

/// The first round lists every Kustomization of the cluster ahead of need (a deep tree then
/// costs two rounds); a root that did without that LIST is remembered, and its next tree leaves
/// it out. Left out wrongly (the tree has grown deeper since), the walk asks for what it lacks
/// and the memory is corrected; the tree is the same either way. The binary reads and writes the
/// memory under `XDG_CACHE_HOME`.
#[tokio::test]
async fn a_root_remembers_the_lists_it_did_without_and_is_corrected_when_it_grows() {
    use fleet::tree::{memory, model::Expandable, plan::Speculation};
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    namespaces(&target, std::slice::from_ref(&p)).await;
    let ks_id = |name: &str| format!("{p}_{name}_kustomize.toolkit.fluxcd.io_Kustomization");
    let cm = |name: &str, owner: &str| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": name, "namespace": p, "labels": owned_by("kustomize.toolkit.fluxcd.io", owner, &p)}})
    };
    let cm_id = |name: &str| format!("{p}_{name}__ConfigMap");
    // shallow: two Kustomizations under the root, ConfigMaps under them.
    // deep: top → mid → low, ConfigMaps at every level.
    let mut objects = Vec::new();
    for (ks, owner) in [("s1", "shallow"), ("s2", "shallow"), ("low", "mid")] {
        let names: Vec<String> = (0..3).map(|i| format!("{ks}-cm{i}")).collect();
        objects.extend(names.iter().map(|n| cm(n, ks)));
        objects.push(ks_owned(&p, ks, owner, names.iter().map(|n| cm_id(n)).collect()));
    }
    objects.push(cm("mid-cm", "mid"));
    objects.push(ks_owned(&p, "mid", "top", vec![ks_id("low"), cm_id("mid-cm")]));
    objects.push(ks_owned(&p, "top", "top", vec![ks_id("mid")]));
    objects.push(ks_owned(&p, "shallow", "shallow", vec![ks_id("s1"), ks_id("s2")]));
    apply_all(&target, objects).await;

    let everything = {
        let mut s = Speculation::default();
        for kind in Expandable::ALL {
            s.set(kind, true);
        }
        s
    };
    let fetch = |root: &'static str, speculation: Speculation| {
        let target = target.clone();
        let root = RootSpec::parse(&format!("ks/{root}"))
            .expect("valid")
            .object(Some(&p));
        async move {
            let fetched = tree::fetch(&target, &root, TreeOptions::default().fetch_options(speculation))
                .await
                .expect("tree fetches");
            let node = fetched.walked.root.clone().expect("root found");
            (node, fetched)
        }
    };
    let listed_all_kustomizations = |f: &tree::Fetched| {
        f.stats
            .log
            .iter()
            .any(|r| r.path.contains("/kustomizations?") && !r.path.contains("labelSelector"))
    };

    // A deep root never learns to do without the Kustomization LIST, whichever of its first
    // round's answers comes first (the LIST by the root's labels is not the one that counts).
    for _ in 0..5 {
        let (_, fetched) = fetch("top", Speculation::default()).await;
        assert!(
            !fetched.learnt.skips(Expandable::Kustomization),
            "{:?}",
            fetched.stats.log
        );
    }
    for root in ["shallow", "top"] {
        let (reference, _) = fetch(root, Speculation::default()).await;
        let (tree, fetched) = fetch(root, everything).await;
        assert_eq!(
            tree, reference,
            "{root}: the same tree without the first round's LISTs"
        );
        assert!(
            !listed_all_kustomizations(&fetched),
            "{root}: {:?}",
            fetched.stats.log
        );
        let learnt = fetched.learnt;
        if root == "shallow" {
            // Its Kustomizations came from the LIST by its own labels: nothing else was needed.
            assert_eq!(learnt, everything, "{:?}", fetched.stats.log);
            assert_eq!(fetched.stats.rounds, 2, "{:?}", fetched.stats);
        } else {
            // `low` is two levels down: asked for in a round of its own, and remembered.
            assert!(
                !learnt.skips(Expandable::Kustomization),
                "{:?}",
                fetched.stats.log
            );
            assert!(learnt.skips(Expandable::HelmRelease));
            assert_eq!(fetched.stats.rounds, 3, "{:?}", fetched.stats);
        }
    }

    // The binary: a remembered root leaves the LIST out (and says so with -v), and a wrong
    // memory is corrected by the run that finds the tree deeper.
    let cache = tempfile::tempdir().expect("tempdir");
    let dir = cache.path().join("kubectl-fleet").join("tree-plan");
    for root in ["shallow", "top"] {
        let object = RootSpec::parse(&format!("ks/{root}"))
            .expect("valid")
            .object(Some(&p));
        memory::remember(
            &dir,
            &target.server,
            &object,
            &memory::Recalled::default(),
            everything,
            &[],
        );
        let run = tree_cmd(&target.context)
            .args([&format!("ks/{root}"), "-n", &p, "-v"])
            .env("XDG_CACHE_HOME", cache.path())
            .run();
        let out = run.ok();
        assert!(out.contains(&format!("Kustomization/{p}/{root}")), "{out}");
        assert!(
            run.stderr
                .contains("not listed cluster-wide ahead of need (an earlier run did without): Kustomization, HelmRelease, ResourceSet, FluxInstance"),
            "{}",
            run.stderr
        );
        assert!(
            !run.stderr
                .lines()
                .any(|l| l.contains("/kustomizations?") && !l.contains("labelSelector")),
            "{}",
            run.stderr
        );
        let now = memory::recall(&dir, &target.server, &object).speculation;
        assert_eq!(now.skips(Expandable::Kustomization), root == "shallow", "{root}");
    }
}

/// Whether a request (path or `-v` line) reads a leaf kind of the strategy fixture.
fn leaf_path(path: &str) -> bool {
    ["/configmaps", "/deployments", "/secrets"]
        .iter()
        .any(|k| path.contains(k))
}

/// The requests of a plan, as comparable text (what, where, which owners), sorted.
fn plan_shape(jobs: &[tree::plan::Job]) -> Vec<String> {
    use tree::plan::Job;
    let mut shape: Vec<String> = jobs
        .iter()
        .map(|job| match job {
            Job::Get {
                gk, namespace, name, ..
            } => format!(
                "GET {} {}/{name}",
                gk.display(),
                namespace.as_deref().unwrap_or("")
            ),
            Job::List {
                gk,
                namespace,
                selector,
                ..
            } => format!(
                "LIST {} {} {:?}",
                gk.display(),
                namespace.as_deref().unwrap_or("*"),
                selector.as_ref().map(|s| s.to_query())
            ),
            other => format!("{other:?}"),
        })
        .collect();
    shape.sort();
    shape
}

/// A root's leaf requests are remembered and sent with its next first round: the tree is the
/// same, and no leaf is asked for after the first round (the unlabelled and the missing objects'
/// GETs, which a first fetch sends only after the label-selected LISTs, included). A stale
/// memory (an object gone, one added, a request for a kind no longer served) builds the same
/// tree as no memory, and is corrected to what no memory would plan. The binary keeps it under
/// `XDG_CACHE_HOME` and builds the same tree from it.
#[tokio::test]
async fn a_root_sends_its_last_leaf_requests_with_the_first_round() {
    use fleet::tree::plan::Job;
    let env = env();
    let p = prefix();
    let admin = env.target(env.first()).await;
    strategy_fixture(&admin, &p).await;
    let target = multiplexed(&env.kubeconfig, env.first()).await;
    let root = RootSpec::parse("ks/root").expect("valid").object(Some(&p));
    let fetch = |ahead: Vec<Job>| {
        let target = target.clone();
        let root = root.clone();
        async move {
            let options = TreeOptions::default().fetch_options(Default::default());
            let fetched = tree::fetch_remembered(&target, &root, options, tree::Wire::Auto, ahead)
                .await
                .expect("tree fetches");
            let node = fetched.walked.root.clone().expect("root found");
            (node, fetched)
        }
    };
    let leaf_requests = |f: &tree::Fetched| f.stats.log.iter().filter(|r| leaf_path(&r.path)).count();

    let (reference, first) = fetch(Vec::new()).await;
    let plan = first.leaf_plan.clone();
    let shape = plan_shape(&plan);
    // Label-selected LISTs (the ConfigMaps in each of their two namespaces, the Deployments, the
    // HelmRelease's Secrets), and the GETs a first fetch needed after them.
    for expected in [
        format!("GET ConfigMap {p}-b/cfg-unlabelled"),
        format!("GET ConfigMap {p}-a/cfg-gone"),
        format!("GET Secret {p}-a/web-secret-7"),
    ] {
        assert!(shape.contains(&expected), "{expected} not in {shape:#?}");
    }
    assert!(
        shape.iter().filter(|s| s.starts_with("LIST")).count() >= 3,
        "{shape:#?}"
    );
    assert!(first.stats.rounds >= 3, "{:?}", first.stats);

    let (tree, second) = fetch(plan.clone()).await;
    assert_eq!(tree, reference, "the same tree from the memory");
    assert_eq!(
        leaf_requests(&second),
        plan.len(),
        "no leaf asked for beyond the memory: {:#?}",
        second.stats.log
    );
    // The root's GET, and at most a GET racing a speculative LIST of Flux objects.
    assert!(second.stats.rounds <= 2, "{:?}", second.stats);
    assert_eq!(plan_shape(&second.leaf_plan), shape, "the memory is stable");

    // Stale: cfg-3 gone, cfg-new added to the root's inventory, and a remembered request for a
    // kind that is no longer served.
    env.kubectl(
        env.first(),
        &[
            "delete",
            "configmap",
            "cfg-3",
            "-n",
            &format!("{p}-b"),
            "--wait=true",
        ],
    );
    let root_ks: Value = serde_json::from_str(&env.kubectl(
        env.first(),
        &["get", "kustomization", "root", "-n", &p, "-o", "json"],
    ))
    .expect("JSON");
    let mut ids: Vec<String> = root_ks["status"]["inventory"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_string))
        .collect();
    ids.push(format!("{p}-a_cfg-new__ConfigMap"));
    apply(
        &admin,
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "cfg-new", "namespace": format!("{p}-a"),
                            "labels": owned_by("kustomize.toolkit.fluxcd.io", "root", &p)}}),
    )
    .await;
    apply(&admin, ks_with(&p, "root", ids)).await;
    let mut stale = plan.clone();
    stale.push(Job::List {
        gk: tree::GroupKind::new("gone.example.com", "Widget"),
        resource: kube::api::ApiResource {
            group: "gone.example.com".into(),
            version: "v1".into(),
            api_version: "gone.example.com/v1".into(),
            kind: "Widget".into(),
            plural: "widgets".into(),
        },
        namespace: None,
        selector: None,
        metadata_only: false,
        wanted: Vec::new(),
        speculative: true,
    });
    let (fresh_tree, fresh) = fetch(Vec::new()).await;
    let (stale_tree, corrected) = fetch(stale).await;
    assert_eq!(
        stale_tree, fresh_tree,
        "a stale memory builds the tree no memory builds"
    );
    let text = format!("{stale_tree:?}");
    assert!(text.contains("cfg-new"), "{text}");
    assert_eq!(plan_shape(&corrected.leaf_plan), plan_shape(&fresh.leaf_plan));
    assert!(
        !plan_shape(&corrected.leaf_plan)
            .iter()
            .any(|s| s.contains("Widget")),
        "{:#?}",
        corrected.leaf_plan
    );
    assert!(corrected.warnings.is_empty(), "{:?}", corrected.warnings);

    // The binary: the second run reads what the first wrote and prints the same tree.
    let cache = tempfile::tempdir().expect("tempdir");
    let run = || {
        tree_cmd(&target.context)
            .args(["ks/root", "-n", &p, "-o", "json", "-v"])
            .env("XDG_CACHE_HOME", cache.path())
            .run()
    };
    let one = run();
    let two = run();
    assert_eq!(two.ok(), one.ok());
    let files: Vec<_> = std::fs::read_dir(cache.path().join("kubectl-fleet").join("tree-plan"))
        .expect("memory written")
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = files[0].as_ref().expect("entry").path();
    let remembered = std::fs::read_to_string(&file).expect("memory reads");
    // A compact view fetches no leaf: it keeps the leaf requests the full view remembered (it may
    // learn one more Flux LIST to leave out: a LIST it cancelled sooner than the full view did).
    tree_cmd(&target.context)
        .args(["ks/root", "-n", &p, "--compact"])
        .env("XDG_CACHE_HOME", cache.path())
        .run()
        .ok();
    let memory = |text: &str| -> (Value, Vec<String>) {
        let parsed: Value = serde_json::from_str(text).expect("memory is JSON");
        let skip = parsed["skip"]
            .as_array()
            .expect("skip")
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        (parsed["ahead"].clone(), skip)
    };
    let (full_ahead, full_skip) = memory(&remembered);
    let (compact_ahead, compact_skip) = memory(&std::fs::read_to_string(&file).expect("memory reads"));
    assert_eq!(compact_ahead, full_ahead);
    assert!(
        full_skip.iter().all(|k| compact_skip.contains(k)),
        "{full_skip:?} {compact_skip:?}"
    );
    // The tree holds no ResourceSet or FluxInstance: the full view learnt to leave their LISTs
    // out whether or not they answered before the tree was complete.
    for kind in ["ResourceSet", "FluxInstance"] {
        assert!(full_skip.iter().any(|k| k == kind), "{remembered}");
    }
    let leaf_lines = |stderr: &str| stderr.lines().filter(|l| leaf_path(l)).count();
    assert_eq!(leaf_lines(&two.stderr), leaf_lines(&one.stderr), "{}", two.stderr);
    let ahead = "leaf requests sent with the first round (remembered from the last tree of this root)";
    assert!(!one.stderr.contains(ahead), "{}", one.stderr);
    assert!(
        two.stderr
            .contains(&format!("{} {ahead}", leaf_lines(&one.stderr))),
        "{}",
        two.stderr
    );
}
