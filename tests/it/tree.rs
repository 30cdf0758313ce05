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
    tree::{self, RootSpec, TreeOptions, WalkOptions},
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
    assert_eq!(doc["apiVersion"], "kubectl-fleet/v1");
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
    snapshot("tree_d1_failing", &p, failing.ok());
    assert!(
        failing.stderr.contains("25 objects:"),
        "the summary counts the whole tree: {}",
        failing.stderr
    );
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
    snapshot("tree_fleet_failing", &p, run.ok());
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

/// However many Kustomizations, the cost is about one request per kind (the anchors' `flux tree`
/// costs one GET per Kustomization).
#[tokio::test]
async fn requests_stay_within_kinds_plus_five() {
    let env = env();
    let p = prefix();
    let target = env.target(env.first()).await;
    namespaces(&target, std::slice::from_ref(&p)).await;
    let ks_entry = |name: &str| json!({"id": format!("{p}_{name}_kustomize.toolkit.fluxcd.io_Kustomization"), "v": "v1"});
    let ks = |name: &str, entries: Vec<Value>| {
        let mut status = crate::common::ready_status(true, "ReconciliationSucceeded", "Applied", 1);
        status["inventory"] = json!({"entries": entries});
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": name, "namespace": p},
               "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}},
               "status": status})
    };
    // 1 + 5 + 25 Kustomizations in three levels, leaves of four kinds.
    let mut objects = Vec::new();
    let mut tenants = Vec::new();
    for t in 0..5 {
        let mut components = Vec::new();
        for c in 0..5 {
            let name = format!("c{t}-{c}");
            components.push(ks_entry(&name));
            objects.push(ks(
                &name,
                vec![
                    json!({"id": format!("{p}_{name}__ConfigMap"), "v": "v1"}),
                    json!({"id": format!("{p}_{name}__ServiceAccount"), "v": "v1"}),
                    json!({"id": format!("{p}_{name}_rbac.authorization.k8s.io_Role"), "v": "v1"}),
                    json!({"id": format!("{p}_{name}_apps_Deployment"), "v": "v1"}),
                ],
            ));
        }
        let name = format!("t{t}");
        tenants.push(ks_entry(&name));
        objects.push(ks(&name, components));
    }
    objects.push(ks("root", tenants));
    apply_all(&target, objects).await;

    let tree = tree::tree_cluster(
        &target,
        &RootSpec::parse("ks/root").expect("valid").object(Some(&p)),
        TreeOptions::default(),
    )
    .await
    .expect("tree builds");
    assert_eq!(tree.summary.total(), 31 + 25 * 4);
    // Kustomization + 4 leaf kinds (+ the speculative HelmRelease LIST).
    let kinds = 5;
    assert!(
        tree.stats.requests <= kinds + 5,
        "{} requests for {kinds} kinds",
        tree.stats.requests
    );
    assert_eq!(
        tree.stats.requests, 6,
        "Kustomization, HelmRelease, then the four leaf kinds"
    );
    assert_eq!(tree.stats.rounds, 2);

    let compact = tree::tree_cluster(
        &target,
        &RootSpec::parse("ks/root").expect("valid").object(Some(&p)),
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
    assert_eq!(compact.stats.requests, 2, "--compact never lists non-Flux kinds");
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
