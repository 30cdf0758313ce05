//! Fleet operations against the real controllers (issue 18): `kubectl fleet reconcile
//! --with-source` on both clusters picks up a commit pushed to the git server and reports its
//! revision, as source-controller and kustomize-controller wrote it; `suspend`/`resume` round
//! trip; a `kubectl scale` of a Deployment Flux applied is drift in `health --drift` and on its
//! node in `tree --drift`, named with the field, until `reconcile --force` puts Flux's value back.
//!
//! Everything lives in a namespace and a repository of its own, so the demo flow's `flux-system`
//! is never touched.

use super::*;

/// One of the fleet-operation plugins, run in the test's work directory.
fn ops(env: &Env, plugin: &str, args: &[&str]) -> Out {
    let bin = match plugin {
        "reconcile" => env!("CARGO_BIN_EXE_kubectl-fleet-reconcile"),
        "suspend" => env!("CARGO_BIN_EXE_kubectl-fleet-suspend"),
        "resume" => env!("CARGO_BIN_EXE_kubectl-fleet-resume"),
        "health" => env!("CARGO_BIN_EXE_kubectl-fleet-health"),
        "tree" => env!("CARGO_BIN_EXE_kubectl-fleet-tree"),
        other => panic!("unknown plugin {other}"),
    };
    let mut cmd = Command::new(bin);
    cmd.args(args).current_dir(env.work.path());
    env.run(cmd, None)
}

fn workload(version: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  \
         selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    \
         spec:\n      containers:\n      - name: web\n        image: registry.invalid/web:1\n---\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  version: \"{version}\"\n"
    )
}

/// The GitRepository and Kustomization of this test, with the git credentials in a Secret (fed
/// to kubectl on stdin: the token is never on a command line).
fn flux_objects(env: &Env, ns: &str, url: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n---\n\
         apiVersion: v1\nkind: Secret\nmetadata:\n  name: git\n  namespace: {ns}\nstringData:\n  \
         username: git\n  password: {token}\n---\n\
         apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: ops\n  namespace: {ns}\n\
         spec:\n  interval: 60m\n  url: {url}\n  ref: {{branch: main}}\n  secretRef: {{name: git}}\n---\n\
         apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ops\n  namespace: {ns}\n\
         spec:\n  interval: 60m\n  path: ./deploy\n  prune: true\n  targetNamespace: {ns}\n  \
         sourceRef: {{kind: GitRepository, name: ops}}\n",
        token = env.token()
    )
}

fn objects_of<'a>(doc: &'a Value, ctx: &str) -> &'a Vec<Value> {
    doc["clusters"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["context"] == ctx))
        .and_then(|c| c["objects"].as_array())
        .unwrap_or_else(|| panic!("no objects for {ctx}: {doc:#}"))
}

#[test]
fn reconcile_suspend_resume_and_drift_against_real_flux() {
    let env = Env::load();
    let contexts = ["staging", "production"];
    let long = Duration::from_secs(300);
    let ns = format!("ops-{}", env.suffix);
    let name = format!("ops-{}", env.suffix);

    // A repository of its own on the git server.
    let bare = env.state.join(format!("git/{name}.git"));
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
    let url = format!("{}/{name}.git", env.git_url);
    let dir = env.dir("ops");
    std::fs::create_dir_all(&dir).expect("work dir");
    env.git(&dir, &["init", "-q", "-b", "main"]);
    write(
        dir.join("deploy/kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - web.yaml\n",
    );
    write(dir.join("deploy/web.yaml"), &workload("1"));
    let push = |message: &str| {
        env.git(&dir, &["add", "-A"]);
        env.git(&dir, &["commit", "-qm", message]);
        env.git(&dir, &["push", "-q", &url, "main"]);
        env.git(&dir, &["rev-parse", "HEAD"]).trim().to_string()
    };
    let first = push("first");

    let manifests = flux_objects(&env, &ns, &url);
    for ctx in contexts {
        let mut cmd = Command::new(&env.kubectl);
        cmd.args(["--context", ctx, "apply", "-f", "-"]);
        env.run(cmd, Some(manifests.as_bytes()))
            .ok("apply the Flux objects");
    }
    for ctx in contexts {
        eventually(long, &format!("Kustomization {ns}/ops applied on {ctx}"), || {
            let ks = env.get_json(ctx, &ns, "kustomization/ops");
            let rev = ks
                .pointer("/status/lastAppliedRevision")
                .and_then(Value::as_str)
                .unwrap_or("");
            if rev.ends_with(&first) {
                Ok(())
            } else {
                Err(format!("{:#}", ks["status"]))
            }
        });
    }

    // 1. A new commit: the sources poll every hour, so only our request picks it up now.
    write(dir.join("deploy/web.yaml"), &workload("2"));
    let second = push("second");
    let object = format!("ks/{ns}/ops");
    let out = ops(
        &env,
        "reconcile",
        &[
            &object,
            "--with-source",
            "--context",
            "staging",
            "--context",
            "production",
            "--timeout",
            "3m",
            "-o",
            "json",
        ],
    );
    let doc: Value = serde_json::from_str(&out.ok("reconcile --with-source")).expect("JSON");
    for ctx in contexts {
        let o = &objects_of(&doc, ctx)[0];
        assert_eq!(o["result"], "Ready", "{doc:#}");
        assert!(
            o["revision"].as_str().is_some_and(|r| r.ends_with(&second)),
            "{ctx} reports the new commit {second}: {doc:#}"
        );
        assert_eq!(o["source"]["kind"], "GitRepository");
        assert_eq!(o["source"]["result"], "Ready");
        assert!(
            o["source"]["revision"]
                .as_str()
                .is_some_and(|r| r.ends_with(&second)),
            "{doc:#}"
        );
        // What kustomize-controller applied, and what it reported.
        let cm = env.get_json(ctx, &ns, "configmap/web-config");
        assert_eq!(cm["data"]["version"], "2", "{cm:#}");
        let ks = env.get_json(ctx, &ns, "kustomization/ops");
        assert_eq!(
            ks["status"]["lastHandledReconcileAt"], doc["requestedAt"],
            "{ks:#}"
        );
    }

    // 2. suspend / resume round trip on both clusters.
    ops(&env, "suspend", &[&object, "--all-contexts"]).ok("suspend");
    for ctx in contexts {
        let ks = env.get_json(ctx, &ns, "kustomization/ops");
        assert_eq!(ks["spec"]["suspend"], true, "{ctx}: {ks:#}");
    }
    let out = ops(
        &env,
        "resume",
        &[&object, "--all-contexts", "--timeout", "3m", "-o", "json"],
    );
    let doc: Value = serde_json::from_str(&out.ok("resume")).expect("JSON");
    for ctx in contexts {
        assert_eq!(objects_of(&doc, ctx)[0]["result"], "Ready", "{doc:#}");
        let ks = env.get_json(ctx, &ns, "kustomization/ops");
        assert_eq!(ks["spec"].get("suspend"), None, "{ctx}: {ks:#}");
        assert_eq!(
            condition(&ks, "Ready").map(|c| &c["status"]),
            Some(&Value::from("True"))
        );
    }

    // 3. Drift: scaled by hand, named with the field in `health --drift`.
    env.kubectl(
        "staging",
        &["-n", &ns, "scale", "deployment", "web", "--replicas=3"],
    )
    .ok("kubectl scale");
    let drift_of = |env: &Env| -> Vec<Value> {
        let out = ops(env, "health", &["--context", "staging", "--drift", "-o", "json"]);
        let doc: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("health --drift -o json ({e}): {}\n{}", out.stdout, out.stderr));
        doc["clusters"][0]["drift"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d["namespace"] == ns.as_str())
            .collect()
    };
    let drifted = drift_of(&env);
    assert_eq!(drifted.len(), 1, "{drifted:#?}");
    assert_eq!(drifted[0]["kind"], "Deployment");
    assert_eq!(drifted[0]["name"], "web");
    assert_eq!(drifted[0]["owner"], format!("Kustomization/{ns}/ops"));
    let changes = drifted[0]["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{drifted:#?}");
    assert!(
        changes[0]["manager"]
            .as_str()
            .is_some_and(|m| m.starts_with("kubectl")),
        "{drifted:#?}"
    );
    assert_eq!(changes[0]["fields"], serde_json::json!(["spec.replicas"]));
    // The same drift on the Deployment's node in `tree --drift`.
    let root = format!("ks/{ns}/ops");
    let web_line = |env: &Env| -> String {
        let out = ops(env, "tree", &[&root, "--context", "staging", "--drift"]);
        out.stdout
            .lines()
            .find(|l| l.contains(&format!("Deployment/{ns}/web")))
            .unwrap_or_else(|| panic!("no web node: {}\n{}", out.stdout, out.stderr))
            .to_string()
    };
    let line = web_line(&env);
    assert!(
        line.contains("Drifted (kubectl") && line.contains(": spec.replicas)"),
        "{line}"
    );

    // `reconcile --force`: kustomize-controller applies again and takes the field back.
    ops(
        &env,
        "reconcile",
        &[&object, "--force", "--context", "staging", "--timeout", "3m"],
    )
    .ok("reconcile --force");
    eventually(
        Duration::from_secs(60),
        "the drift corrected by reconcile --force",
        || {
            let deploy = env.get_json("staging", &ns, "deployment/web");
            if deploy["spec"]["replicas"] != 1 {
                return Err(format!("replicas {}", deploy["spec"]["replicas"]));
            }
            let left = drift_of(&env);
            if !left.is_empty() {
                return Err(format!("{left:#?}"));
            }
            let line = web_line(&env);
            if line.contains("Drifted") {
                Err(line)
            } else {
                Ok(())
            }
        },
    );
    // production was never touched.
    let deploy = env.get_json("production", &ns, "deployment/web");
    assert_eq!(deploy["spec"]["replicas"], 1);

    // A missing object fails its cluster only, naming it.
    let out = ops(
        &env,
        "reconcile",
        &[&format!("ks/{ns}/nope"), "--all-contexts", "--no-wait"],
    );
    assert!(!out.ok);
    assert!(out.stdout.contains("not found"), "{}", out.stdout);
}
