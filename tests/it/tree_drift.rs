//! Drift on the nodes of `kubectl fleet tree`, against a real kube-apiserver: objects written
//! with kustomize-controller's field manager (server-side apply, as the controller does), then
//! changed by other managers. The drift is read from the managedFields of the LISTs the tree
//! sends anyway.

use k8s_openapi::api::{apps::v1::Deployment, core::v1::ConfigMap};
use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};

use crate::common::{Cmd, apply, env, unique};

/// A field changed by `kubectl edit` marks its node `Drifted (kubectl-edit: FIELDS)` in the text
/// tree and `drift` in the JSON document, and is counted in the summary; a change through the
/// status subresource, an allowed manager and the root itself are not drift.
#[tokio::test]
async fn tree_marks_fields_changed_outside_flux() {
    let context = env().first().to_string();
    let t = env().target(&context).await;
    let ns = unique("td");
    apply(&t, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"fleet-test": "true"}}})).await;
    let kustomize = PatchParams::apply("kustomize-controller").force();
    let manager = |name: &str| PatchParams {
        field_manager: Some(name.into()),
        ..PatchParams::default()
    };
    let configmaps: kube::Api<ConfigMap> = kube::Api::namespaced(t.client.clone(), &ns);
    for name in ["settings", "scaled"] {
        configmaps
            .patch(
                name,
                &kustomize,
                &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": name, "labels": {"kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": ns}}, "data": {"mode": "blue"}})),
            )
            .await
            .expect("applied as kustomize-controller");
    }
    configmaps
        .patch(
            "settings",
            &manager("kubectl-edit"),
            &Patch::Merge(json!({"data": {"mode": "green", "extra": "1"}})),
        )
        .await
        .expect("edited");
    configmaps
        .patch(
            "scaled",
            &manager("keda-operator"),
            &Patch::Merge(json!({"data": {"replicas": "3"}})),
        )
        .await
        .expect("patched by an allowed manager");
    let deployments: kube::Api<Deployment> = kube::Api::namespaced(t.client.clone(), &ns);
    deployments
        .patch(
            "web",
            &kustomize,
            &Patch::Apply(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "labels": {"kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": ns}},
                "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                         "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}})),
        )
        .await
        .expect("applied as kustomize-controller");
    deployments
        .patch_status(
            "web",
            &manager("kubectl-patch"),
            &Patch::Merge(json!({"status": {"observedGeneration": 1, "replicas": 1}})),
        )
        .await
        .expect("status written");
    apply(
        &t,
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": "apps", "namespace": ns},
               "spec": {"interval": "10m", "path": "./apps", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "fleet"}},
               "status": {"observedGeneration": 1, "lastAppliedRevision": "main@sha1:1",
                          "conditions": [{"type": "Ready", "status": "True", "reason": "ReconciliationSucceeded", "message": "Applied", "observedGeneration": 1, "lastTransitionTime": "2026-01-01T00:00:00Z"}],
                          "inventory": {"entries": [
                              {"id": format!("{ns}_settings__ConfigMap"), "v": "v1"},
                              {"id": format!("{ns}_scaled__ConfigMap"), "v": "v1"},
                              {"id": format!("{ns}_web_apps_Deployment"), "v": "v1"}]}}}),
    )
    .await;
    let root = format!("ks/{ns}/apps");
    let tree = || {
        Cmd::fleet("kubectl-fleet-tree")
            .kubeconfig()
            .args(["--context", &context, &root, "--drift"])
    };

    let run = tree().args(["--drift-allow", "keda-*"]).run();
    assert_eq!(run.code, 0, "{run:?}");
    let line = |name: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no {name} node: {run:?}"))
            .to_string()
    };
    assert!(
        line(&format!("ConfigMap/{ns}/settings"))
            .ends_with("Exists  Drifted (kubectl-edit: data.extra, data.mode)"),
        "{}",
        run.stdout
    );
    for quiet in [format!("ConfigMap/{ns}/scaled"), format!("Deployment/{ns}/web")] {
        assert!(!line(&quiet).contains("Drifted"), "{}", run.stdout);
    }
    assert!(!line(&format!("Kustomization/{ns}/apps")).contains("Drifted"));
    assert!(
        run.stderr.contains("; 1 drifted"),
        "the summary counts drift: {}",
        run.stderr
    );

    let run = tree().args(["-o", "json"]).run();
    let doc: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    let cluster = &doc["clusters"][context.as_str()];
    let children = cluster["root"]["children"].as_array().expect("children");
    let drift_of = |name: &str| {
        children
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name}: {cluster:#}"))
            .get("drift")
            .cloned()
    };
    assert_eq!(
        drift_of("settings"),
        Some(json!([{"manager": "kubectl-edit", "fields": ["data.extra", "data.mode"]}]))
    );
    assert_eq!(
        drift_of("scaled"),
        Some(json!([{"manager": "keda-operator", "fields": ["data.replicas"]}])),
        "without the allow rule, keda-operator's field is drift"
    );
    assert_eq!(drift_of("web"), None, "the status subresource is not drift");
    assert_eq!(cluster["summary"]["drifted"], 2, "{cluster:#}");

    let run = Cmd::fleet("kubectl-fleet-tree")
        .kubeconfig()
        .args(["--context", &context, &root, "-o", "json"])
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.stdout.contains("\"drift"),
        "drift is asked for: {}",
        run.stdout
    );
    let run = tree().args(["--drift-allow", "a:"]).run();
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("invalid drift allow rule 'a:'"),
        "{}",
        run.stderr
    );
}
