//! `tree`, `tenant list` and `bootstrap status` on a keos cluster (real kube-apiservers).
//!
//! The fixture is what kustomize-controller leaves on a keos cluster after `bootstrap`: ConfigMap
//! `keos-runtime-info`, GitRepositories `keos-fleet`, `keos-system-services` and `keos-apps`,
//! Kustomization `default` applying the five domain Kustomizations, the system services
//! (`system-services-<c>-configs`, domain label) and the app components (`apps-<c>` and
//! `apps-<c>-secrets` in their namespaces, domain and component labels), each with the inventory
//! and Ready condition the controller would write. Flux's namespace is unique per test
//! (`fluxNamespace` in the fleet config, `-n` elsewhere), so the tests run beside the others.

use serde_json::{Value, json};

use crate::common::{Cmd, apply, env, unique};
use fleet::kube::KubeTarget;

const KS: &str = "kustomize.toolkit.fluxcd.io/v1";
const GIT: &str = "source.toolkit.fluxcd.io/v1";
const DOMAIN: &str = "toolkit.fluxcd.io/domain";
const COMPONENT: &str = "toolkit.fluxcd.io/component";
const REV: &str = "main@sha1:4c5ffd4b7e0d3c1a2b9f8e7d6c5b4a3928170605";

/// The namespaces of one fixture: Flux's, and three app namespaces.
struct Keos {
    flux: String,
    data: String,
    apps: String,
    rocket: String,
}

impl Keos {
    fn new() -> Self {
        let flux = unique("kv");
        Keos {
            data: format!("{flux}-data"),
            apps: format!("{flux}-apps"),
            rocket: format!("{flux}-rocket"),
            flux,
        }
    }

    fn fleet_repo(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("kubectl-fleet.yaml"),
            format!(
                "profile: keos\nuseCase: talk-to-your-data\nfluxNamespace: {}\n",
                self.flux
            ),
        )
        .expect("fleet config");
        dir
    }
}

fn id(ns: &str, name: &str, group: &str, kind: &str) -> Value {
    json!({"id": format!("{ns}_{name}_{group}_{kind}"), "v": "v1"})
}

fn ks_id(ns: &str, name: &str) -> Value {
    id(ns, name, "kustomize.toolkit.fluxcd.io", "Kustomization")
}

fn condition(ready: bool, reason: &str, message: &str) -> Value {
    json!([{"type": "Ready", "status": if ready { "True" } else { "False" }, "reason": reason,
            "message": message, "observedGeneration": 1, "lastTransitionTime": "2026-01-01T00:00:00Z"}])
}

/// What kustomize-controller puts on everything a Kustomization applies.
fn applied_by(owner_ns: &str, owner: &str, mut labels: Value) -> Value {
    labels["kustomize.toolkit.fluxcd.io/name"] = json!(owner);
    labels["kustomize.toolkit.fluxcd.io/namespace"] = json!(owner_ns);
    labels
}

struct KsSpec<'a> {
    ns: &'a str,
    name: &'a str,
    labels: Value,
    source: (&'a str, &'a str),
    inventory: Vec<Value>,
    ready: (bool, &'a str, &'a str),
}

fn kustomization(k: KsSpec<'_>) -> Value {
    json!({
        "apiVersion": KS, "kind": "Kustomization",
        "metadata": {"name": k.name, "namespace": k.ns, "labels": k.labels},
        "spec": {"interval": "5m", "path": "./", "prune": true,
                 "sourceRef": {"kind": "GitRepository", "name": k.source.1, "namespace": k.source.0}},
        "status": {
            "observedGeneration": 1,
            "conditions": condition(k.ready.0, k.ready.1, k.ready.2),
            "lastAppliedRevision": REV,
            "inventory": {"entries": k.inventory},
        },
    })
}

fn git_repository(ns: &str, name: &str, labels: Value) -> Value {
    json!({
        "apiVersion": GIT, "kind": "GitRepository",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"interval": "1m", "url": format!("https://git.example.com/{name}.git"), "ref": {"branch": "main"}},
        "status": {
            "observedGeneration": 1,
            "conditions": condition(true, "Succeeded", &format!("stored artifact for revision '{REV}'")),
            "artifact": {"revision": REV, "path": "x", "url": "http://source-controller/x", "digest": "sha256:0", "lastUpdateTime": "2026-01-01T00:00:00Z"},
        },
    })
}

/// The keos cluster of the module documentation. `apps-dg-s3-agent` fails (its secrets are
/// Ready), `system-services-monitoring-configs` fails, everything else is Ready.
async fn keos_cluster(t: &KubeTarget, k: &Keos) {
    let f = k.flux.as_str();
    let by_default = |labels: Value| applied_by(f, "default", labels);
    let by_components = |labels: Value| applied_by(f, "apps-components", labels);
    let by_services = |labels: Value| applied_by(f, "system-services-components", labels);
    let apps_labels = |c: &str| json!({DOMAIN: "apps", COMPONENT: c});

    apply(
        t,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f}}),
    )
    .await;
    for ns in [&k.data, &k.apps, &k.rocket] {
        apply(
            t,
            json!({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": ns, "labels": by_components(json!({DOMAIN: "apps"}))}}),
        )
        .await;
    }
    apply(
        t,
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "keos-runtime-info", "namespace": f,
                            "labels": by_default(json!({"toolkit.fluxcd.io/runtime": "true"}))},
               "data": {"STRATIO_USE_CASE": "talk-to-your-data", "STRATIO_SIZE": "S", "CLUSTER_NAME": "eosdev2",
                        "SOPS_SECRET_PROVIDED": "true"}}),
    )
    .await;
    apply(t, git_repository(f, "keos-fleet", by_default(json!({})))).await;
    apply(
        t,
        git_repository(
            f,
            "keos-system-services",
            by_services(json!({DOMAIN: "system-services"})),
        ),
    )
    .await;
    apply(
        t,
        git_repository(
            f,
            "keos-apps",
            applied_by(f, "apps-prerequisites", json!({DOMAIN: "apps"})),
        ),
    )
    .await;

    let ready = (
        true,
        "ReconciliationSucceeded",
        "Applied revision: main@sha1:4c5ffd4b",
    );
    let fleet = (f, "keos-fleet");
    let chain = [
        "system-services-components",
        "system-services-components-override",
        "apps-prerequisites",
        "apps-components",
        "apps-components-override",
    ];
    let mut default_inventory = vec![
        id(f, "keos-runtime-info", "", "ConfigMap"),
        id(f, "keos-fleet", "source.toolkit.fluxcd.io", "GitRepository"),
        ks_id(f, "default"),
    ];
    default_inventory.extend(chain.iter().map(|n| ks_id(f, n)));
    let mut objects = vec![kustomization(KsSpec {
        ns: f,
        name: "default",
        labels: json!({}),
        source: fleet,
        inventory: default_inventory,
        ready,
    })];
    for name in chain {
        let inventory = match name {
            "system-services-components" => vec![
                id(
                    f,
                    "keos-system-services",
                    "source.toolkit.fluxcd.io",
                    "GitRepository",
                ),
                ks_id(f, "system-services-gosec-configs"),
                ks_id(f, "system-services-monitoring-configs"),
            ],
            "apps-prerequisites" => vec![id(f, "keos-apps", "source.toolkit.fluxcd.io", "GitRepository")],
            "apps-components" => vec![
                id("", &k.apps, "", "Namespace"),
                id("", &k.data, "", "Namespace"),
                id("", &k.rocket, "", "Namespace"),
                ks_id(&k.apps, "apps-connectors-management"),
                ks_id(&k.data, "apps-dg-s3-agent-secrets"),
                ks_id(&k.data, "apps-dg-s3-agent"),
                ks_id(&k.data, "apps-postgres"),
            ],
            _ => Vec::new(),
        };
        objects.push(kustomization(KsSpec {
            ns: f,
            name,
            labels: by_default(json!({})),
            source: fleet,
            inventory,
            ready,
        }));
    }
    let services = (f, "keos-system-services");
    objects.push(kustomization(KsSpec {
        ns: f,
        name: "system-services-gosec-configs",
        labels: by_services(json!({DOMAIN: "system-services"})),
        source: services,
        inventory: Vec::new(),
        ready,
    }));
    objects.push(kustomization(KsSpec {
        ns: f,
        name: "system-services-monitoring-configs",
        labels: by_services(json!({DOMAIN: "system-services"})),
        source: services,
        inventory: Vec::new(),
        ready: (
            false,
            "HealthCheckFailed",
            "health check failed after 5m0s: timeout waiting for: [Deployment/monitoring/grafana status: 'InProgress']",
        ),
    }));
    let apps_source = (f, "keos-apps");
    objects.push(kustomization(KsSpec {
        ns: &k.apps,
        name: "apps-connectors-management",
        labels: by_components(apps_labels("connectors-management")),
        source: apps_source,
        inventory: vec![id(&k.apps, "connectors", "", "ConfigMap")],
        ready,
    }));
    let mut secrets_labels = apps_labels("dg-s3-agent");
    secrets_labels["app.kubernetes.io/sops-secret-provided"] = json!("true");
    objects.push(kustomization(KsSpec {
        ns: &k.data,
        name: "apps-dg-s3-agent-secrets",
        labels: by_components(secrets_labels.clone()),
        source: fleet,
        inventory: vec![id(&k.data, "customer-s3-secret", "", "Secret")],
        ready,
    }));
    objects.push(kustomization(KsSpec {
        ns: &k.data,
        name: "apps-dg-s3-agent",
        labels: by_components(secrets_labels),
        source: apps_source,
        inventory: Vec::new(),
        ready: (
            false,
            "BuildFailed",
            "kustomize build failed: accumulating resources: 'components/dg-s3-agent/S' not found",
        ),
    }));
    objects.push(kustomization(KsSpec {
        ns: &k.data,
        name: "apps-postgres",
        labels: by_components(apps_labels("postgres")),
        source: apps_source,
        inventory: vec![id(&k.data, "postgres", "", "ConfigMap")],
        ready,
    }));
    for o in objects {
        apply(t, o).await;
    }
    apply(
        t,
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "connectors", "namespace": k.apps,
                            "labels": applied_by(&k.apps, "apps-connectors-management", json!({}))}}),
    )
    .await;
    apply(
        t,
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "postgres", "namespace": k.data,
                            "labels": applied_by(&k.data, "apps-postgres", json!({}))}}),
    )
    .await;
    apply(
        t,
        json!({"apiVersion": "v1", "kind": "Secret",
               "metadata": {"name": "customer-s3-secret", "namespace": k.data,
                            "labels": applied_by(&k.data, "apps-dg-s3-agent-secrets", json!({}))},
               "stringData": {"bundle": "not-a-real-bundle"}}),
    )
    .await;
}

fn rows_of<'a>(doc: &'a Value, k: &Keos) -> Vec<&'a Value> {
    let ours = [&k.flux, &k.data, &k.apps, &k.rocket];
    doc["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|r| ours.iter().any(|n| r["namespace"] == n.as_str()))
        .collect()
}

#[tokio::test]
async fn tenant_list_shows_keos_components_with_domain_use_case_and_size() {
    let context = env().first().to_string();
    let k = Keos::new();
    keos_cluster(&env().target(&context).await, &k).await;
    let repo = k.fleet_repo();
    let tenant = || {
        Cmd::fleet("kubectl-fleet-tenant")
            .current_dir(repo.path())
            .kubeconfig()
    };

    let run = tenant().args(["list", "--context", &context, "-o", "json"]).run();
    let doc: Value = serde_json::from_str(run.ok()).expect("json");
    assert_eq!(doc["kind"], "ComponentList");
    let rows = rows_of(&doc, &k);
    let key: Vec<(String, String, String, bool)> = rows
        .iter()
        .map(|r| {
            (
                r["domain"].as_str().unwrap_or_default().to_string(),
                r["namespace"].as_str().unwrap_or_default().to_string(),
                r["component"].as_str().unwrap_or("-").to_string(),
                r["ready"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    let row = |d: &str, ns: &str, c: &str, ready: bool| (d.to_string(), ns.to_string(), c.to_string(), ready);
    // Reconciliation order: system services, then apps by namespace; the namespace without
    // components is listed too.
    assert_eq!(
        key,
        [
            row("system-services", &k.flux, "gosec", true),
            row("system-services", &k.flux, "monitoring", false),
            row("apps", &k.apps, "connectors-management", true),
            row("apps", &k.data, "dg-s3-agent", false),
            row("apps", &k.data, "postgres", true),
            row("apps", &k.rocket, "-", false),
        ]
    );
    for r in &rows {
        assert_eq!(r["useCase"], "talk-to-your-data", "{r}");
        assert_eq!(r["size"], "S", "{r}");
        assert_eq!(r["cluster"], context.as_str(), "{r}");
    }
    let agent = rows[3];
    assert_eq!(agent["kustomization"]["name"], "apps-dg-s3-agent");
    assert_eq!(agent["kustomization"]["state"], "NotReady");
    assert_eq!(agent["kustomization"]["reason"], "BuildFailed");
    assert_eq!(agent["secrets"]["name"], "apps-dg-s3-agent-secrets");
    assert_eq!(agent["secrets"]["state"], "Ready");
    assert_eq!(agent["source"]["name"], "keos-apps");
    assert_eq!(agent["source"]["state"], "Ready");
    assert_eq!(agent["source"]["revision"], REV);
    assert_eq!(rows[0]["kustomization"]["name"], "system-services-gosec-configs");
    assert_eq!(rows[0]["source"]["name"], "keos-system-services");
    assert!(rows[4].get("secrets").is_none(), "{}", rows[4]);

    // The same rows as YAML.
    let yaml = tenant().args(["list", "--context", &context, "-o", "yaml"]).run();
    let from_yaml: Value = fleet::manifests::yaml::from_str(yaml.ok(), "stdout").expect("yaml");
    assert_eq!(rows_of(&from_yaml, &k), rows);

    // The table: short revisions, the failure's message, routine messages dropped.
    let table = tenant().args(["list", "--context", &context]).run();
    let out = table.ok();
    let header: Vec<&str> = out
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        [
            "DOMAIN",
            "NAMESPACE",
            "COMPONENT",
            "USE-CASE",
            "SIZE",
            "KUSTOMIZATION",
            "SECRETS",
            "SOURCE",
            "REVISION",
            "MESSAGE"
        ]
    );
    let agent_line = out
        .lines()
        .find(|l| l.contains("dg-s3-agent"))
        .expect("a dg-s3-agent row");
    let words: Vec<&str> = agent_line.split_whitespace().collect();
    assert_eq!(
        &words[..10],
        [
            "apps",
            k.data.as_str(),
            "dg-s3-agent",
            "talk-to-your-data",
            "S",
            "NotReady",
            "(BuildFailed)",
            "Ready",
            "Ready",
            "main@sha1:4c5ffd4b",
        ],
        "{out}"
    );
    assert!(agent_line.contains("kustomize build failed"), "{out}");
    assert!(!out.contains("Applied revision"), "{out}");

    // --tenant selects a domain.
    let services = tenant()
        .args([
            "list",
            "--context",
            &context,
            "--tenant",
            "system-services",
            "-o",
            "json",
        ])
        .run();
    let doc: Value = serde_json::from_str(services.ok()).expect("json");
    let rows = rows_of(&doc, &k);
    assert_eq!(rows.len(), 2, "{doc}");
    assert!(rows.iter().all(|r| r["domain"] == "system-services"));

    // Every context: a CLUSTER column; the clusters without this keos fleet have none of its rows.
    let all = tenant().args(["list", "--all-contexts"]).run();
    let out = all.ok();
    assert!(out.starts_with("CLUSTER"), "{out}");
    let ours: Vec<&str> = out.lines().filter(|l| l.contains(k.flux.as_str())).collect();
    assert_eq!(ours.len(), 6, "{out}");
    assert!(ours.iter().all(|l| l.starts_with(context.as_str())), "{out}");
}

#[tokio::test]
async fn tree_from_default_shows_the_domain_chain_with_labels_and_runtime_info() {
    let contexts: Vec<String> = env().contexts.iter().take(2).cloned().collect();
    let k = Keos::new();
    for c in &contexts {
        keos_cluster(&env().target(c).await, &k).await;
    }
    let tree = |args: &[&str]| {
        Cmd::fleet("kubectl-fleet-tree")
            .kubeconfig()
            .args(["ks/default", "-n", k.flux.as_str()])
            .args(args.iter().copied())
            .run()
    };
    let ctx = contexts[0].as_str();

    let run = tree(&["--context", ctx]);
    let out = run.ok().replace(k.flux.as_str(), "[flux]");
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let find = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle}:\n{out}"))
    };
    // default -> the domain Kustomizations -> the components, app components in their namespaces.
    assert!(lines[0].starts_with("Kustomization/[flux]/default"), "{out}");
    assert!(lines[find("ConfigMap/[flux]/keos-runtime-info")].contains("Exists"));
    let services = find("Kustomization/[flux]/system-services-components ");
    let gosec = find("Kustomization/[flux]/system-services-gosec-configs");
    let apps = find("Kustomization/[flux]/apps-components ");
    let agent = find("Kustomization/[flux]-data/apps-dg-s3-agent ");
    let secrets = find("Kustomization/[flux]-data/apps-dg-s3-agent-secrets");
    assert!(
        services < gosec && gosec < apps && apps < secrets && secrets < agent,
        "{out}"
    );
    assert!(
        lines[gosec].starts_with("│   ├── "),
        "a child of system-services-components: {out}"
    );
    assert!(
        lines[agent].starts_with("│   ├── "),
        "a child of apps-components: {out}"
    );
    assert!(lines[gosec].ends_with("Ready  [domain system-services]"), "{out}");
    assert!(
        lines[find("Secret/[flux]-data/customer-s3-secret")].starts_with("│   │   └── Secret"),
        "the secret under its Kustomization: {out}"
    );
    assert!(
        lines[agent]
            .contains("NotReady (BuildFailed)  [domain apps, component dg-s3-agent]  kustomize build failed"),
        "{out}"
    );
    assert!(
        lines[find("Kustomization/[flux]-data/apps-postgres")]
            .ends_with("Ready  [domain apps, component postgres]"),
        "{out}"
    );
    assert!(
        !lines[find("Kustomization/[flux]/apps-prerequisites")].contains("[domain"),
        "the domain Kustomizations have no domain label: {out}"
    );
    // The runtime info with the summary (stderr), as bootstrap status says it.
    assert!(
        run.stderr.trim().starts_with("keos talk-to-your-data (size S): "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 NotReady"), "{}", run.stderr);

    // The table has DOMAIN and COMPONENT columns.
    let table = tree(&["--context", ctx, "-o", "table"]);
    let out = table.ok();
    let header: Vec<&str> = out
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        [
            "KIND",
            "NAMESPACE",
            "NAME",
            "STATUS",
            "DOMAIN",
            "COMPONENT",
            "MESSAGE"
        ]
    );
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.contains("apps-postgres"))
        .expect("postgres row")
        .split_whitespace()
        .collect();
    assert_eq!(
        row[3..],
        [
            "Ready",
            "apps",
            "postgres",
            "Applied",
            "revision:",
            "main@sha1:4c5ffd4b"
        ]
    );

    // JSON: the runtime info per cluster, the labels per node.
    let json = tree(&["--context", ctx, "-o", "json"]);
    let doc: Value = serde_json::from_str(json.ok()).expect("json");
    let cluster = &doc["clusters"][ctx];
    assert_eq!(
        cluster["runtime"],
        json!({"useCase": "talk-to-your-data", "size": "S"})
    );
    let apps_components = cluster["root"]["children"]
        .as_array()
        .expect("children")
        .iter()
        .find(|n| n["name"] == "apps-components")
        .expect("apps-components");
    let agent = apps_components["children"]
        .as_array()
        .expect("children")
        .iter()
        .find(|n| n["name"] == "apps-dg-s3-agent")
        .expect("apps-dg-s3-agent");
    assert_eq!(
        (&agent["domain"], &agent["component"], &agent["namespace"]),
        (&json!("apps"), &json!("dg-s3-agent"), &json!(k.data))
    );
    assert!(apps_components.get("domain").is_none());

    // The fleet view: the runtime info in each cluster's header.
    let fleet = tree(&["--context", ctx, "--context", &contexts[1]]);
    let out = fleet.ok();
    for c in &contexts {
        assert!(
            out.contains(&format!("=== {c} (keos talk-to-your-data (size S)) ===")),
            "{out}"
        );
    }

    // The default root on a keos cluster: no `flux-system` Kustomization, so `default` (the
    // library call the command makes without a root argument; the fallback is opt-in).
    let target = env().target(ctx).await;
    let root = fleet::tree::RootSpec::parse("ks/flux-system")
        .expect("valid")
        .object(Some(&k.flux));
    let options = fleet::tree::TreeOptions {
        keos_fallback: true,
        ..fleet::tree::TreeOptions::default()
    };
    let found = fleet::tree::tree_cluster(&target, &root, options)
        .await
        .expect("the keos root");
    assert_eq!(
        found.root.object.to_string(),
        format!("Kustomization/{}/default", k.flux)
    );
    assert_eq!(
        found.runtime_label().as_deref(),
        Some("keos talk-to-your-data (size S)")
    );
    let missing = fleet::tree::tree_cluster(&target, &root, fleet::tree::TreeOptions::default()).await;
    assert!(
        matches!(missing, Err(fleet::tree::TreeError::RootNotFound { .. })),
        "{missing:?}"
    );

    // A tree without keos-runtime-info (--compact keeps Flux objects only) has no runtime info.
    let json = tree(&["--context", ctx, "--compact", "-o", "json"]);
    let doc: Value = serde_json::from_str(json.ok()).expect("json");
    assert!(doc["clusters"][ctx].get("runtime").is_none(), "{doc}");
}

#[tokio::test]
async fn bootstrap_status_shows_the_keos_domains_and_their_components() {
    let context = env().first().to_string();
    let k = Keos::new();
    let t = env().target(&context).await;
    keos_cluster(&t, &k).await;
    let status = |args: &[&str]| {
        Cmd::fleet("kubectl-fleet-bootstrap")
            .kubeconfig()
            .args(["status", "--context", context.as_str(), "-n", k.flux.as_str()])
            .args(args.iter().copied())
            .run()
    };
    let check = |doc: &Value| {
        let row = &doc["items"][0];
        assert_eq!(
            row["sync"]["object"],
            format!("Kustomization/{}/default", k.flux),
            "{row}"
        );
        assert_eq!(row["keos"], json!({"useCase": "talk-to-your-data", "size": "S"}));
        assert_eq!(
            row["domains"],
            json!([
                {"name": "system-services", "ready": false, "kustomizations": 2, "components": 2,
                 "componentsReady": 1,
                 "notReady": [format!("Kustomization/{}/system-services-monitoring-configs", k.flux)]},
                {"name": "apps", "ready": false, "kustomizations": 3, "components": 3,
                 "componentsReady": 2,
                 "notReady": [format!("Kustomization/{}/apps-dg-s3-agent", k.data)]},
            ]),
            "{row}"
        );
    };
    let run = status(&["-o", "json"]);
    check(&serde_json::from_str(run.ok()).expect("json"));
    let table = status(&[]);
    assert!(
        table
            .ok()
            .contains("keos talk-to-your-data (size S), system-services 1/2, apps 2/3"),
        "{}",
        table.stdout
    );

    // keos bootstrapped with --install-flux: a FluxInstance without sync; `default` still syncs.
    apply(
        &t,
        json!({"apiVersion": "fluxcd.controlplane.io/v1", "kind": "FluxInstance",
               "metadata": {"name": "flux", "namespace": k.flux},
               "spec": {"distribution": {"version": "2.x", "registry": "ghcr.io/fluxcd"},
                        "components": ["source-controller", "kustomize-controller"],
                        "cluster": {"type": "kubernetes", "multitenant": false, "networkPolicy": true}},
               "status": {"observedGeneration": 1, "conditions": condition(true, "ReconciliationSucceeded", "Reconciliation finished")}}),
    )
    .await;
    let run = status(&["-o", "json"]);
    let doc: Value = serde_json::from_str(run.ok()).expect("json");
    assert_eq!(doc["items"][0]["instance"]["state"], "Ready", "{doc}");
    check(&doc);
}
