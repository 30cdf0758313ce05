//! `kubectl fleet reconcile|suspend|resume` against the three real kube-apiservers. There are no
//! controllers in this tier: where a test needs one, it plays kustomize-controller or
//! source-controller itself, writing `status.lastHandledReconcileAt` and Ready through the status
//! subresource the way they do, so the waits are proven against real watches of real objects.
//! Every test works in the module's one namespace (on every cluster), with names of its own: the
//! shared clusters should not collect a namespace per test.

use std::time::{Duration, Instant};

use fleet::kube::KubeTarget;
use serde_json::{Value, json};

use crate::common::{Cmd, Run, apply, env, get, namespace_everywhere, ready_status, set_status, unique};

/// The module's namespace, created once on every cluster.
async fn shared_namespace() -> String {
    static NS: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    NS.get_or_init(|| async {
        let ns = unique("rc");
        let mut targets = Vec::new();
        for c in &env().contexts {
            targets.push(env().target(c).await);
        }
        namespace_everywhere(&targets, &ns, json!({})).await;
        ns
    })
    .await
    .clone()
}

const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";

fn fleet(bin: &str, contexts: &[&str], args: &[&str]) -> Cmd {
    let mut cmd = Cmd::fleet(bin).kubeconfig();
    for c in contexts {
        cmd = cmd.args(["--context", c]);
    }
    cmd.args(args)
}

fn kustomization(ns: &str, name: &str, source: &str) -> Value {
    json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
           "metadata": {"name": name, "namespace": ns},
           "spec": {"interval": "10m", "path": "./apps", "prune": true,
                    "sourceRef": {"kind": "GitRepository", "name": source}}})
}

fn git_repository(ns: &str, name: &str) -> Value {
    json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
           "metadata": {"name": name, "namespace": ns},
           "spec": {"interval": "10m", "url": "https://git.example/fleet", "ref": {"branch": "main"}}})
}

fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.pointer(&format!("/metadata/annotations/{}", key.replace('/', "~1")))
        .and_then(Value::as_str)
}

async fn read(target: &KubeTarget, fixture: &Value) -> Value {
    let obj = get(target, fixture).await.expect("the object exists");
    serde_json::to_value(obj).expect("JSON")
}

fn document(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("-o json is JSON ({e}): {run:?}"))
}

fn objects<'a>(doc: &'a Value, context: &str) -> &'a Vec<Value> {
    doc["clusters"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["context"] == context))
        .and_then(|c| c["objects"].as_array())
        .unwrap_or_else(|| panic!("no objects for {context} in {doc:#}"))
}

/// Waits (as a controller's watch would) until `fixture` carries a `requestedAt`, and returns it.
async fn requested(target: &KubeTarget, fixture: &Value) -> String {
    let start = Instant::now();
    loop {
        let obj = read(target, fixture).await;
        if let Some(v) = annotation(&obj, REQUESTED_AT) {
            return v.to_string();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no reconcile request: {obj:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What a Flux controller writes once it handled the request `at`.
fn handled(at: &str, ready: bool, reason: &str, message: &str, revision: &str) -> Value {
    let mut status = ready_status(ready, reason, message, 1);
    status["lastHandledReconcileAt"] = json!(at);
    status["lastAppliedRevision"] = json!(revision);
    status["lastAttemptedRevision"] = json!(revision);
    status
}

/// `--no-wait` sets one `requestedAt` (and `forceAt` with `--force`) on all three clusters, as a
/// merge patch owned by kubectl-fleet; nothing else of the objects changes hands.
#[tokio::test]
async fn reconcile_no_wait_sets_the_annotation_on_three_clusters() {
    let contexts: Vec<&str> = env().contexts.iter().map(String::as_str).collect();
    assert_eq!(contexts.len(), 3);
    let ns = shared_namespace().await;
    let mut targets = Vec::new();
    for c in &contexts {
        targets.push(env().target(c).await);
    }
    let ks = kustomization(&ns, "nowait", "fleet");
    for t in &targets {
        apply(t, ks.clone()).await;
    }
    let object = format!("ks/{ns}/nowait");
    let run = fleet(
        "kubectl-fleet-reconcile",
        &contexts,
        &[&object, "--no-wait", "--force", "-o", "json"],
    )
    .run();
    assert_eq!(run.code, 0, "{run:?}");
    let doc = document(&run);
    assert_eq!(doc["kind"], "FleetReconcile");
    assert_eq!(doc["action"], "reconcile");
    let at = doc["requestedAt"].as_str().expect("requestedAt").to_string();
    assert!(at.parse::<jiff::Timestamp>().is_ok(), "RFC 3339: {at}");
    for (c, t) in contexts.iter().zip(&targets) {
        let listed = objects(&doc, c);
        assert_eq!(listed.len(), 1, "{doc:#}");
        assert_eq!(listed[0]["result"], "Requested");
        assert_eq!(listed[0]["kind"], "Kustomization");
        let obj = read(t, &ks).await;
        assert_eq!(annotation(&obj, REQUESTED_AT), Some(at.as_str()), "{c}: {obj:#}");
        assert_eq!(annotation(&obj, "reconcile.fluxcd.io/forceAt"), Some(at.as_str()));
        let managers: Vec<&str> = obj["metadata"]["managedFields"]
            .as_array()
            .expect("managedFields")
            .iter()
            .filter_map(|m| m["manager"].as_str())
            .collect();
        assert!(managers.contains(&"kubectl-fleet"), "{managers:?}");
        assert_eq!(obj["spec"]["path"], "./apps", "the spec is untouched");
    }
    // The table names every cluster and the object.
    let run = fleet("kubectl-fleet-reconcile", &contexts, &[&object, "--no-wait"]).run();
    let table = run.ok();
    for c in &contexts {
        assert!(
            table.lines().any(|l| l.starts_with(c)
                && l.contains(&format!("Kustomization/{ns}/nowait"))
                && l.contains("Requested")),
            "{table}"
        );
    }
    assert!(table.starts_with("CLUSTER"), "{table}");
}

/// The wait ends when the controller has handled this run's request and reports Ready; the
/// revision it applied is reported. With `--with-source`, the source is asked first, and the
/// object only once its source handled its request.
#[tokio::test]
async fn reconcile_waits_for_the_controller_and_the_source_first() {
    let context = env().first().to_string();
    let t = env().target(&context).await;
    let ns = shared_namespace().await;
    let repo = git_repository(&ns, "wait-source");
    let ks = kustomization(&ns, "wait", "wait-source");
    apply(&t, repo.clone()).await;
    apply(&t, ks.clone()).await;
    // An old request, already handled: the wait must not take it for this run's.
    set_status(
        &t,
        &ks,
        handled(
            "earlier",
            true,
            "ReconciliationSucceeded",
            "Applied revision: main@sha1:0",
            "main@sha1:0",
        ),
    )
    .await;

    let object = format!("ks/{ns}/wait");
    let args: [String; 6] = [
        object.clone(),
        "--with-source".into(),
        "--timeout".into(),
        "60s".into(),
        "-o".into(),
        "json".into(),
    ];
    let ctx = context.clone();
    let cmd = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fleet("kubectl-fleet-reconcile", &[&ctx], &args).run()
    });

    // source-controller: the GitRepository is asked first.
    let at = requested(&t, &repo).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = read(&t, &ks).await;
    assert_eq!(
        annotation(&before, REQUESTED_AT),
        None,
        "the Kustomization waits for its source: {before:#}"
    );
    let revision = "main@sha1:1111111111111111111111111111111111111111";
    let mut status = handled(&at, true, "Succeeded", "stored artifact for revision", revision);
    status["artifact"] = json!({"revision": revision, "path": "x", "url": "http://x", "digest": "sha256:0", "lastUpdateTime": "2026-01-01T00:00:00Z"});
    set_status(&t, &repo, status).await;

    // kustomize-controller: progressing first, then Ready at the new revision.
    let ks_at = requested(&t, &ks).await;
    assert_eq!(ks_at, at, "one requestedAt per run");
    let mut progressing = handled(
        &at,
        false,
        "Progressing",
        "Reconciliation in progress",
        "main@sha1:0",
    );
    progressing["conditions"][0]["status"] = json!("Unknown");
    set_status(&t, &ks, progressing).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !cmd.is_finished(),
        "still waiting while the Kustomization progresses"
    );
    set_status(
        &t,
        &ks,
        handled(
            &at,
            true,
            "ReconciliationSucceeded",
            &format!("Applied revision: {revision}"),
            revision,
        ),
    )
    .await;
    let run = cmd.await.expect("command thread");
    assert_eq!(run.code, 0, "{run:?}");
    let doc = document(&run);
    let listed = objects(&doc, &context);
    assert_eq!(listed[0]["result"], "Ready", "{doc:#}");
    assert_eq!(listed[0]["revision"], revision);
    assert_eq!(listed[0]["source"]["kind"], "GitRepository");
    assert_eq!(listed[0]["source"]["result"], "Ready");
    assert_eq!(listed[0]["source"]["revision"], revision);

    // A failure is the controller's message, and exit 1.
    let args: [String; 3] = [object.clone(), "--timeout".into(), "60s".into()];
    let ctx = context.clone();
    let cmd = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fleet("kubectl-fleet-reconcile", &[&ctx], &args).run()
    });
    let start = Instant::now();
    let at = loop {
        let at = requested(&t, &ks).await;
        if at != ks_at {
            break at;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no new request");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let message = "kustomize build failed: accumulating resources: 'web.yaml': no such file";
    set_status(&t, &ks, handled(&at, false, "BuildFailed", message, revision)).await;
    let run = cmd.await.expect("command thread");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("Failed") && run.stdout.contains(&format!("BuildFailed: {message}")),
        "{run:?}"
    );

    // Nobody handles the request: a timeout naming the controller.
    let run = fleet(
        "kubectl-fleet-reconcile",
        &[&context],
        &[&object, "--timeout", "2s", "-o", "json"],
    )
    .run();
    assert_eq!(run.code, 1, "{run:?}");
    let doc = document(&run);
    let message = objects(&doc, &context)[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.starts_with("timed out after 2s waiting for kustomize-controller"),
        "{message}"
    );
}

/// suspend sets spec.suspend on every cluster (the operator's annotation for a ResourceSet), a
/// suspended object is not reconciled, and resume removes the switch and requests a reconcile.
#[tokio::test]
async fn suspend_and_resume_round_trip() {
    let contexts: Vec<&str> = env().contexts.iter().map(String::as_str).collect();
    let ns = shared_namespace().await;
    let mut targets = Vec::new();
    for c in &contexts {
        targets.push(env().target(c).await);
    }
    let ks = kustomization(&ns, "round", "fleet");
    let rset = json!({"apiVersion": "fluxcd.controlplane.io/v1", "kind": "ResourceSet",
                      "metadata": {"name": "round-tenants", "namespace": ns},
                      "spec": {"resources": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": ns}}]}});
    for t in &targets {
        apply(t, ks.clone()).await;
        apply(t, rset.clone()).await;
    }
    let object = format!("ks/{ns}/round");
    let run = fleet("kubectl-fleet-suspend", &contexts, &[&object, "-o", "json"]).run();
    assert_eq!(run.code, 0, "{run:?}");
    let doc = document(&run);
    assert_eq!(doc["action"], "suspend");
    for (c, t) in contexts.iter().zip(&targets) {
        assert_eq!(objects(&doc, c)[0]["result"], "Suspended");
        assert_eq!(read(t, &ks).await["spec"]["suspend"], true, "{c}");
    }

    // Reconciling a suspended object fails and says how to resume it; nothing is requested.
    let run = fleet("kubectl-fleet-reconcile", &contexts[..1], &[&object, "--no-wait"]).run();
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("is suspended: resume it first"), "{run:?}");
    assert_eq!(annotation(&read(&targets[0], &ks).await, REQUESTED_AT), None);

    let run = fleet(
        "kubectl-fleet-resume",
        &contexts,
        &[&object, "--no-wait", "-o", "json"],
    )
    .run();
    assert_eq!(run.code, 0, "{run:?}");
    let doc = document(&run);
    let at = doc["requestedAt"].as_str().expect("requestedAt");
    for (c, t) in contexts.iter().zip(&targets) {
        assert_eq!(objects(&doc, c)[0]["result"], "Resumed");
        let obj = read(t, &ks).await;
        assert_eq!(obj["spec"].get("suspend"), None, "{c}: {obj:#}");
        assert_eq!(annotation(&obj, REQUESTED_AT), Some(at));
    }

    // The flux-operator's kinds: its reconcile annotation, with --all and a namespace.
    let run = fleet(
        "kubectl-fleet-suspend",
        &contexts[..1],
        &["rset", "--all", "-n", &ns],
    )
    .run();
    assert_eq!(run.code, 0, "{run:?}");
    let obj = read(&targets[0], &rset).await;
    assert_eq!(
        annotation(&obj, "fluxcd.controlplane.io/reconcile"),
        Some("disabled")
    );
    let run = fleet(
        "kubectl-fleet-resume",
        &contexts[..1],
        &["rset", "--all", "-n", &ns, "--no-wait"],
    )
    .run();
    assert_eq!(run.code, 0, "{run:?}");
    let obj = read(&targets[0], &rset).await;
    assert_eq!(
        annotation(&obj, "fluxcd.controlplane.io/reconcile"),
        None,
        "{obj:#}"
    );
    assert!(annotation(&obj, REQUESTED_AT).is_some());
}

/// `--all -l` acts on the matching objects only; -A spans namespaces.
#[tokio::test]
async fn all_of_a_kind_with_a_label_selector() {
    let context = env().first().to_string();
    let t = env().target(&context).await;
    let ns = shared_namespace().await;
    let team = unique("team");
    for (name, labelled) in [("sel-a", true), ("sel-b", true), ("sel-c", false)] {
        let mut repo = git_repository(&ns, name);
        if labelled {
            repo["metadata"]["labels"] = json!({"team": team});
        }
        apply(&t, repo).await;
    }
    let selector = format!("team={team}");
    let run = fleet(
        "kubectl-fleet-reconcile",
        &[&context],
        &[
            "gitrepo",
            "--all",
            "-A",
            "-l",
            &selector,
            "--no-wait",
            "-o",
            "json",
        ],
    )
    .run();
    assert_eq!(run.code, 0, "{run:?}");
    let doc = document(&run);
    let names: Vec<&str> = objects(&doc, &context)
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(names, ["sel-a", "sel-b"], "{doc:#}");
    assert_eq!(
        annotation(&read(&t, &git_repository(&ns, "sel-c")).await, REQUESTED_AT),
        None
    );
}

/// Bad input: a usage error naming the wrong thing, exit 2, nothing changed; an object missing on
/// one cluster fails that cluster only.
#[tokio::test]
async fn bad_input_is_named_and_a_missing_object_fails_its_cluster_only() {
    let contexts: Vec<&str> = env().contexts.iter().map(String::as_str).collect();
    for (args, expected) in [
        (
            vec!["widget/x"],
            "unknown kind 'widget': use a Flux kind (Kustomization (ks)",
        ),
        (vec!["cm/x"], "ConfigMap is not a Flux kind"),
        (vec!["ks"], "invalid object 'ks': expected KIND/NAME"),
        (vec!["ks/x", "--all"], "--all takes a kind, not an object"),
        (
            vec!["gitrepo/x", "--with-source"],
            "--with-source: GitRepository has no source",
        ),
        (vec!["alert/x"], "Alert cannot be reconciled"),
        (vec!["ks/x", "--timeout", "soon"], "invalid duration 'soon'"),
        (vec!["ks/x", "-l", "a=b"], "--all"),
    ] {
        let run = fleet("kubectl-fleet-reconcile", &contexts[..1], &args).run();
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }

    let ns = shared_namespace().await;
    let mut targets = Vec::new();
    for c in &contexts {
        targets.push(env().target(c).await);
    }
    let ks = kustomization(&ns, "missing", "fleet");
    // On the first two clusters only.
    for t in &targets[..2] {
        apply(t, ks.clone()).await;
    }
    let object = format!("ks/{ns}/missing");
    let run = fleet(
        "kubectl-fleet-reconcile",
        &contexts,
        &[&object, "--no-wait", "-o", "json"],
    )
    .run();
    assert_eq!(run.code, 1, "{run:?}");
    let doc = document(&run);
    let missing = doc["clusters"][2]["error"].as_str().unwrap_or_default();
    assert!(
        missing.contains(&format!(
            "get Kustomization {ns}/missing on cluster '{}'",
            contexts[2]
        )) && missing.contains("not found"),
        "{doc:#}"
    );
    assert_eq!(doc["summary"]["failed"], 1, "{doc:#}");
    for t in &targets[..2] {
        assert!(annotation(&read(t, &ks).await, REQUESTED_AT).is_some());
    }
}
