//! `kubectl fleet health` against the three real kube-apiservers: Flux objects whose status is
//! written through the status subresource (no controllers in this tier), read back by the binary.
//! The clusters are shared with the other tests, so assertions look at this test's objects only.

use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};

use crate::common::{Cmd, apply, env, ready_status, unique};

fn health(contexts: &[&str]) -> Cmd {
    let mut cmd = Cmd::fleet("kubectl-fleet-health").kubeconfig();
    for c in contexts {
        cmd = cmd.args(["--context", c]);
    }
    cmd
}

fn cluster<'a>(doc: &'a Value, context: &str) -> &'a Value {
    doc["clusters"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["context"] == context))
        .unwrap_or_else(|| panic!("no cluster {context} in {doc:#}"))
}

/// Failures are named with reason and message on the cluster they happen on, versions and
/// revisions that differ between the three clusters are reported as skew, and the exit code is 1.
#[tokio::test]
async fn names_failures_and_skew_across_three_clusters() {
    let contexts: Vec<String> = env().contexts.clone();
    assert_eq!(contexts.len(), 3, "the it tier runs three clusters");
    let ns = unique("hs");
    // staging ahead of production: another chart version and another commit.
    let plan = [
        (
            &contexts[0],
            "6.7.0",
            "main@sha1:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        ),
        (
            &contexts[1],
            "6.5.0",
            "main@sha1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ),
        (
            &contexts[2],
            "6.5.0",
            "production@sha1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ),
    ];
    for (i, (context, chart, revision)) in plan.iter().enumerate() {
        let t = env().target(context).await;
        apply(&t, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"fleet-test": "true"}}})).await;
        let mut git_status = ready_status(true, "Succeeded", "stored artifact", 1);
        git_status["artifact"] = json!({"revision": revision, "path": "x", "url": "http://x", "digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "lastUpdateTime": "2026-01-01T00:00:00Z"});
        apply(
            &t,
            json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                   "metadata": {"name": "fleet", "namespace": ns},
                   "spec": {"interval": "1m", "url": "https://git.example/fleet"}, "status": git_status}),
        )
        .await;
        let mut hr_status = ready_status(true, "UpgradeSucceeded", "Helm upgrade succeeded", 1);
        hr_status["history"] = json!([{"name": "podinfo", "namespace": ns, "version": 1, "chartName": "podinfo", "chartVersion": chart,
                                       "configDigest": "sha256:0", "digest": "sha256:0", "status": "deployed",
                                       "firstDeployed": "2026-01-01T00:00:00Z", "lastDeployed": "2026-01-01T00:00:00Z"}]);
        apply(
            &t,
            json!({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                   "metadata": {"name": "podinfo", "namespace": ns},
                   "spec": {"interval": "1m", "chart": {"spec": {"chart": "podinfo", "sourceRef": {"kind": "HelmRepository", "name": "podinfo"}}}},
                   "status": hr_status}),
        )
        .await;
        if i == 0 {
            apply(
                &t,
                json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                       "metadata": {"name": "apps", "namespace": ns},
                       "spec": {"interval": "10m", "path": "./apps", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "fleet"}},
                       "status": ready_status(false, "BuildFailed", "kustomize build failed: accumulating resources from 'web.yaml': no such file", 1)}),
            )
            .await;
        }
    }

    let all: Vec<&str> = contexts.iter().map(String::as_str).collect();
    let run = health(&all).args(["--no-drift", "-o", "json"]).run();
    assert_eq!(run.code, 1, "a failing Kustomization exits 1: {run:?}");
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON document");
    assert_eq!(doc["apiVersion"], "kubectl-fleet.dev/v1");
    assert_eq!(doc["kind"], "FleetStatus");
    let staging = cluster(&doc, &contexts[0]);
    assert_eq!(staging["reachable"], true);
    let ours: Vec<&Value> = staging["failing"]
        .as_array()
        .expect("failing list")
        .iter()
        .filter(|f| f["namespace"] == ns.as_str())
        .collect();
    assert_eq!(ours.len(), 1, "{staging:#}");
    assert_eq!(ours[0]["kind"], "Kustomization");
    assert_eq!(ours[0]["name"], "apps");
    assert_eq!(ours[0]["reason"], "BuildFailed");
    assert_eq!(ours[0]["since"], "2026-01-01T00:00:00Z");
    assert!(
        ours[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("kustomize build failed")),
        "{ours:#?}"
    );
    assert!(staging["kinds"]["Kustomization"]["failing"].as_u64() >= Some(1));
    for other in &contexts[1..] {
        let c = cluster(&doc, other);
        assert!(
            c["failing"]
                .as_array()
                .is_some_and(|f| f.iter().all(|f| f["namespace"] != ns.as_str())),
            "{c:#}"
        );
    }

    let releases = doc["skew"]["helmReleases"].as_array().expect("helmReleases");
    let hr = releases
        .iter()
        .find(|r| r["namespace"] == ns.as_str() && r["name"] == "podinfo")
        .unwrap_or_else(|| panic!("podinfo not skewed: {releases:#?}"));
    assert_eq!(hr["detail"], "podinfo");
    assert_eq!(
        hr["variants"],
        json!([{"value": "6.5.0", "clusters": [contexts[1], contexts[2]]}, {"value": "6.7.0", "clusters": [contexts[0]]}])
    );
    let sources = doc["skew"]["sources"].as_array().expect("sources");
    let git = sources
        .iter()
        .find(|r| r["namespace"] == ns.as_str() && r["name"] == "fleet")
        .unwrap_or_else(|| panic!("fleet not skewed: {sources:#?}"));
    // prod-eu and prod-us run the same commit from two branches: one variant.
    assert_eq!(git["variants"].as_array().map(Vec::len), Some(2), "{git:#}");
    assert_eq!(git["variants"][0]["clusters"], json!([contexts[1], contexts[2]]));
    assert_eq!(git["detail"], "https://git.example/fleet");

    // The table names the same things, one screen.
    let run = health(&all).args(["--no-drift"]).run();
    assert_eq!(run.code, 1, "{run:?}");
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains(&format!("Kustomization/{ns}/apps")))
        .unwrap_or_else(|| panic!("no failing row: {}", run.stdout));
    assert!(
        line.contains("NotReady (BuildFailed)") && line.contains("kustomize build failed"),
        "{line}"
    );
    assert!(
        run.stdout
            .contains(&format!("HelmRelease/{ns}/podinfo (chart podinfo)")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("main@sha1:bbbbbbbb "), "{}", run.stdout);
}

/// Flux versions that differ between clusters are skew; a cluster that cannot be reached is
/// reported as such without hiding the others.
#[tokio::test]
async fn reports_flux_version_skew_and_unreachable_clusters() {
    let contexts: Vec<String> = env().contexts.clone();
    // The version as the operator reports it, in the FluxReport of flux-system (this test is the
    // only one writing FluxReports; they are deleted at the end).
    let versions = ["v2.9.4", "v2.8.1", "v2.8.1"];
    for (context, version) in contexts.iter().zip(versions) {
        let t = env().target(context).await;
        apply(
            &t,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "flux-system"}}),
        )
        .await;
        apply(
            &t,
            json!({"apiVersion": "fluxcd.controlplane.io/v1", "kind": "FluxReport",
                   "metadata": {"name": "flux", "namespace": "flux-system"},
                   "spec": {"distribution": {"entitlement": "Issued by controlplane", "status": "Installed", "version": version},
                            "operator": {"apiVersion": "fluxcd.controlplane.io/v1", "version": "v0.58.1", "platform": "linux/amd64"}},
                   "status": ready_status(true, "ReconciliationSucceeded", "Reporting finished", 1)}),
        )
        .await;
    }
    let all: Vec<&str> = contexts.iter().map(String::as_str).collect();
    let run = health(&all).args(["--no-drift", "-o", "yaml"]).run();
    for context in &contexts {
        env().kubectl(
            context,
            &[
                "delete",
                "fluxreport",
                "flux",
                "-n",
                "flux-system",
                "--ignore-not-found",
            ],
        );
    }
    let doc: Value = fleet::manifests::yaml::from_str(&run.stdout, "health").expect("YAML document");
    assert_eq!(
        doc["skew"]["flux"],
        json!([{"value": "v2.8.1", "clusters": [contexts[1], contexts[2]]}, {"value": "v2.9.4", "clusters": [contexts[0]]}]),
        "{doc:#}"
    );
    assert_eq!(cluster(&doc, &contexts[0])["operatorVersion"], "v0.58.1");
    assert_eq!(doc["skew"]["operator"], json!([]));

    // An unreachable cluster: a kubeconfig whose second context points at a closed port.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(&env().kubeconfig).expect("kubeconfig reads");
    let mut kc: Value = fleet::manifests::yaml::from_str(&text, "kubeconfig").expect("kubeconfig parses");
    let clusters = kc["clusters"].as_array_mut().expect("clusters");
    let mut dead = clusters[0].clone();
    dead["name"] = json!("dead");
    dead["cluster"]["server"] = json!("https://127.0.0.1:1");
    clusters.push(dead);
    let mut ctx = kc["contexts"][0].clone();
    ctx["name"] = json!("dead");
    ctx["context"]["cluster"] = json!("dead");
    kc["contexts"].as_array_mut().expect("contexts").push(ctx);
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, serde_json::to_string(&kc).expect("serializes")).expect("kubeconfig writes");
    let run = Cmd::fleet("kubectl-fleet-health")
        .args([std::ffi::OsStr::new("--kubeconfig"), path.as_os_str()])
        .args([
            "--context",
            &contexts[0],
            "--context",
            "dead",
            "--no-drift",
            "--request-timeout",
            "5s",
            "-o",
            "json",
        ])
        .run();
    assert_eq!(run.code, 1, "{run:?}");
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON document");
    assert_eq!(cluster(&doc, &contexts[0])["reachable"], true);
    let dead = cluster(&doc, "dead");
    assert_eq!(dead["reachable"], false);
    assert!(
        dead["error"].as_str().is_some_and(|e| e.contains("dead")),
        "{dead:#}"
    );
    assert_eq!(doc["summary"]["unreachable"], 1);
}

/// A field of an object Flux applied, changed by another field manager, is drift: counted, and
/// listed with `--drift` with the manager and the field; allowed managers are not.
#[tokio::test]
async fn drift_names_the_manager_and_field() {
    let context = env().first().to_string();
    let t = env().target(&context).await;
    let ns = unique("hd");
    apply(&t, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"fleet-test": "true"}}})).await;
    // What kustomize-controller applies (server-side apply as its field manager)...
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "settings", "namespace": ns, "labels": {"kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": ns}},
                    "data": {"mode": "blue"}});
    let api: kube::Api<kube::api::DynamicObject> = kube::Api::namespaced_with(
        t.client.clone(),
        &ns,
        &kube::api::ApiResource::erase::<k8s_openapi::api::core::v1::ConfigMap>(&()),
    );
    api.patch(
        "settings",
        &PatchParams::apply("kustomize-controller").force(),
        &Patch::Apply(&cm),
    )
    .await
    .expect("applied as kustomize-controller");
    let untouched = json!({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "untouched", "namespace": ns}, "data": {"a": "b"}});
    api.patch(
        "untouched",
        &PatchParams::apply("kustomize-controller").force(),
        &Patch::Apply(&untouched),
    )
    .await
    .expect("applied as kustomize-controller");
    // ...then `kubectl edit` changes one field and adds another.
    let edit = PatchParams {
        field_manager: Some("kubectl-edit".into()),
        ..PatchParams::default()
    };
    api.patch(
        "settings",
        &edit,
        &Patch::Merge(json!({"data": {"mode": "green", "extra": "1"}})),
    )
    .await
    .expect("edited");
    // An allowed manager touching the other one.
    let scaler = PatchParams {
        field_manager: Some("keda-operator".into()),
        ..PatchParams::default()
    };
    api.patch("untouched", &scaler, &Patch::Merge(json!({"data": {"c": "d"}})))
        .await
        .expect("patched");
    apply(
        &t,
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": "apps", "namespace": ns},
               "spec": {"interval": "10m", "path": "./apps", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "fleet"}},
               "status": {"observedGeneration": 1, "lastAppliedRevision": "main@sha1:1",
                          "conditions": [{"type": "Ready", "status": "True", "reason": "ReconciliationSucceeded", "message": "Applied", "observedGeneration": 1, "lastTransitionTime": "2026-01-01T00:00:00Z"}],
                          "inventory": {"entries": [{"id": format!("{ns}_settings__ConfigMap"), "v": "v1"}, {"id": format!("{ns}_untouched__ConfigMap"), "v": "v1"}]}}}),
    )
    .await;

    let run = health(&[&context])
        .args(["--drift", "--drift-allow", "keda-*", "-o", "json"])
        .run();
    let doc: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    let c = cluster(&doc, &context);
    let ours: Vec<&Value> = c["drift"]
        .as_array()
        .unwrap_or_else(|| panic!("drift listed: {c:#}"))
        .iter()
        .filter(|d| d["namespace"] == ns.as_str())
        .collect();
    assert_eq!(
        ours,
        [&json!({"kind": "ConfigMap", "namespace": ns, "name": "settings",
                 "owner": format!("Kustomization/{ns}/apps"),
                 "changes": [{"manager": "kubectl-edit", "fields": ["data.extra", "data.mode"]}]})],
        "{c:#}"
    );
    assert!(c["drifted"].as_u64() >= Some(1));

    let run = health(&[&context])
        .args(["--drift", "--drift-allow", "keda-*"])
        .run();
    let row = run
        .stdout
        .lines()
        .find(|l| l.contains(&format!("ConfigMap/{ns}/settings")))
        .unwrap_or_else(|| panic!("no drift row: {run:?}"));
    assert!(
        row.contains(&format!("Kustomization/{ns}/apps"))
            && row.contains("kubectl-edit: data.extra, data.mode"),
        "{row}"
    );
    // Without the allow rule, keda-operator's field is drift too.
    let run = health(&[&context]).args(["--drift", "-o", "json"]).run();
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON document");
    let drifted: Vec<&Value> = cluster(&doc, &context)["drift"]
        .as_array()
        .expect("drift")
        .iter()
        .filter(|d| d["namespace"] == ns.as_str())
        .collect();
    assert_eq!(drifted.len(), 2, "{drifted:#?}");
    // A bad rule is a usage error before any request.
    let run = health(&[&context]).args(["--drift-allow", ":spec"]).run();
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("invalid drift allow rule ':spec'"),
        "{}",
        run.stderr
    );
}

/// Drift costs one request per kind Flux applied, not per Kustomization: on a private cluster,
/// twelve Kustomizations (twelve roots of their own) applying ConfigMaps and ServiceAccounts cost
/// the survey's LISTs plus one LIST of each of the two kinds, and every edited object is found.
#[tokio::test]
async fn drift_costs_one_request_per_applied_kind() {
    let private = crate::common::PrivateCluster::up("drift");
    let t = private.target().await;
    let ns = "apps";
    apply(
        &t,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
    let kustomize = PatchParams::apply("kustomize-controller").force();
    let edit = PatchParams {
        field_manager: Some("kubectl-edit".into()),
        ..PatchParams::default()
    };
    let configmaps: kube::Api<k8s_openapi::api::core::v1::ConfigMap> =
        kube::Api::namespaced(t.client.clone(), ns);
    let accounts: kube::Api<k8s_openapi::api::core::v1::ServiceAccount> =
        kube::Api::namespaced(t.client.clone(), ns);
    for i in 0..12 {
        let (cm, sa) = (format!("settings-{i}"), format!("runner-{i}"));
        configmaps
            .patch(&cm, &kustomize, &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "labels": {"kustomize.toolkit.fluxcd.io/name": format!("app-{i}")}}, "data": {"mode": "blue"}})))
            .await
            .expect("applied as kustomize-controller");
        accounts
            .patch(
                &sa,
                &kustomize,
                &Patch::Apply(
                    json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa}}),
                ),
            )
            .await
            .expect("applied as kustomize-controller");
        configmaps
            .patch(&cm, &edit, &Patch::Merge(json!({"data": {"mode": "green"}})))
            .await
            .expect("edited");
        apply(
            &t,
            json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                   "metadata": {"name": format!("app-{i}"), "namespace": ns},
                   "spec": {"interval": "10m", "path": "./apps", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "fleet"}},
                   "status": {"observedGeneration": 1, "conditions": [{"type": "Ready", "status": "True", "reason": "ReconciliationSucceeded", "message": "Applied", "observedGeneration": 1, "lastTransitionTime": "2026-01-01T00:00:00Z"}],
                              "inventory": {"entries": [{"id": format!("{ns}_{cm}__ConfigMap"), "v": "v1"}, {"id": format!("{ns}_{sa}__ServiceAccount"), "v": "v1"}]}}}),
        )
        .await;
    }
    let run = Cmd::fleet("kubectl-fleet-health")
        .args(["--kubeconfig"])
        .args([&private.kubeconfig])
        .args(["--context", "drift", "--drift", "-v"])
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    let edited = run
        .stdout
        .lines()
        .filter(|l| l.contains("kubectl-edit: data.mode"))
        .count();
    assert_eq!(edited, 12, "every edited ConfigMap is drift: {}", run.stdout);
    let requests: usize = run
        .stderr
        .lines()
        .find_map(|l| {
            l.split_once("drift: ")?
                .1
                .strip_suffix(" API requests")?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no request count: {}", run.stderr));
    let flux_kinds = fleet::ops::health::survey::flux_kinds().count();
    // The survey: one LIST per Flux kind and the two version requests; drift: ConfigMaps and
    // ServiceAccounts, one LIST each.
    assert_eq!(requests, flux_kinds + 2 + 2, "{}", run.stderr);
}
