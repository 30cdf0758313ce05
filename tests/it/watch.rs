//! `tree --watch` and `health --watch` against real kube-apiservers: the binary runs as a real
//! process with stdout in a pipe (appended updates), objects change through the API, and the
//! apiserver is killed and started again (`testenv kill` / `testenv restart`, on a private
//! cluster so the other tests never see it go away). The other tests use the second and third
//! clusters: the shell tier's completion tests list the first cluster's namespaces, and zsh asks
//! before listing more than 100.

use std::{
    io::{BufRead, BufReader, Read},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

use fleet::tree::{
    self, RootSpec, TreeOptions,
    fetch::FetchOptions,
    watch::{Event, Update, watch_fetched},
};
use futures::StreamExt;
use kube::api::{Api, DynamicObject, WatchEvent, WatchParams};
use serde_json::{Value, json};

use crate::common::{PrivateCluster, apply, bin, env, ready_status, set_status, unique};

/// A `--watch` process: stdout lines as they arrive (with the time), stderr collected.
struct Watching {
    child: Child,
    lines: mpsc::Receiver<(Instant, String)>,
    stdout: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

impl Watching {
    fn start(binary: &str, kubeconfig: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(bin(binary))
            .env_remove("KUBECONFIG")
            .env("NO_COLOR", "1")
            .arg("--kubeconfig")
            .arg(kubeconfig)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("watch starts");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send((Instant::now(), line)).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr piped");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    return;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        Watching {
            child,
            lines,
            stdout: Vec::new(),
            stderr,
        }
    }

    /// Waits for a stdout line matching `pred`; returns when it arrived.
    fn wait_for(&mut self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> Instant {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((at, line)) => {
                    let hit = pred(&line);
                    self.stdout.push(line);
                    if hit {
                        return at;
                    }
                }
                Err(_) => panic!(
                    "no line with {what} within {timeout:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.join("\n"),
                    self.stderr()
                ),
            }
        }
    }

    /// Reads lines until none came for `gap` (the watches' first LISTs cause a few updates).
    fn settle(&mut self, gap: Duration) {
        while let Ok((_, line)) = self.lines.recv_timeout(gap) {
            self.stdout.push(line);
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn wait_stderr(&self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.stderr().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "stderr never said {needle:?}:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Ctrl-C: the process must end by itself with status 0.
    fn interrupt(mut self) -> i32 {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("--watch did not exit after SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn testenv(state: &Path, args: &[&str]) {
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testenv/testenv"))
        .args(args)
        .env("FLEET_TESTENV_STATE", state)
        .output()
        .expect("testenv runs");
    assert!(
        out.status.success(),
        "testenv {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn kustomization(ns: &str, name: &str, entries: &[String]) -> Value {
    json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
           "metadata": {"name": name, "namespace": ns},
           "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "x"}}})
    .as_object()
    .cloned()
    .map(|mut o| {
        let mut status = ready_status(true, "ReconciliationSucceeded", "Applied", 1);
        status["inventory"] =
            json!({"entries": entries.iter().map(|id| json!({"id": id, "v": "v1"})).collect::<Vec<_>>()});
        o.insert("status".into(), status);
        Value::Object(o)
    })
    .expect("object")
}

fn failing(message: &str) -> Value {
    ready_status(false, "BuildFailed", message, 1)
}

fn configmap(ns: &str, name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": {"k": "v"}})
}

/// The live tree in a pipe: each change is a whole tree after a `--- TIME ---` line, within 2 s
/// of the change; an inventory that grows (a new kind included) and a deleted object are picked
/// up; after the apiserver is killed, `reconnecting to CLUSTER…` is said on stderr, and a change
/// made once it is back shows within 2 s; Ctrl-C exits 0.
#[tokio::test]
async fn tree_watch_appends_changes_and_survives_an_apiserver_restart() {
    let cluster = PrivateCluster::up("livewatch");
    let target = cluster.target().await;
    let ns = "lw";
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
    apply(&target, configmap(ns, "cfg")).await;
    let mut entries = vec![format!("{ns}_cfg__ConfigMap")];
    let root = kustomization(ns, "root", &entries);
    apply(&target, root.clone()).await;

    let mut watch = Watching::start(
        "kubectl-fleet-tree",
        &cluster.kubeconfig,
        &["--context", "livewatch", "ks/root", "-n", ns, "--watch"],
    );
    watch.wait_for("the first tree", Duration::from_secs(30), |l| {
        l.contains("ConfigMap/lw/cfg") && l.contains("Exists")
    });
    assert!(
        watch.stdout[0].starts_with("--- ") && watch.stdout[0].ends_with(" ---"),
        "a separator with the time comes first: {:?}",
        watch.stdout
    );
    assert!(
        watch.stdout[1].starts_with("Kustomization/lw/root") && watch.stdout[1].contains("Ready"),
        "{:?}",
        watch.stdout
    );

    // A status change.
    set_status(&target, &root, failing("boom-1")).await;
    let changed = Instant::now();
    let seen = watch.wait_for("boom-1", Duration::from_secs(10), |l| l.contains("boom-1"));
    let latency = seen.saturating_duration_since(changed);
    eprintln!("status change shown after {latency:?}");
    assert!(latency < Duration::from_secs(2), "shown after {latency:?}");

    // The inventory grows, with a kind the tree did not read before; then an object goes away.
    apply(&target, configmap(ns, "cfg2")).await;
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa", "namespace": ns}}),
    )
    .await;
    entries.push(format!("{ns}_cfg2__ConfigMap"));
    entries.push(format!("{ns}_sa__ServiceAccount"));
    let mut status = failing("boom-1");
    status["inventory"] =
        json!({"entries": entries.iter().map(|id| json!({"id": id, "v": "v1"})).collect::<Vec<_>>()});
    set_status(&target, &root, status).await;
    watch.wait_for("the new ServiceAccount", Duration::from_secs(10), |l| {
        l.contains("ServiceAccount/lw/sa") && l.contains("Exists")
    });
    cluster.kubectl(&["delete", "configmap", "cfg2", "-n", ns]);
    watch.wait_for("cfg2 Missing", Duration::from_secs(10), |l| {
        l.contains("ConfigMap/lw/cfg2") && l.contains("Missing")
    });

    // The apiserver crashes and comes back.
    testenv(&cluster.state, &["kill", "livewatch"]);
    watch.wait_stderr("reconnecting to livewatch…", Duration::from_secs(10));
    testenv(&cluster.state, &["restart", "livewatch"]);
    let back = Instant::now();
    let target = cluster.target().await;
    set_status(&target, &root, failing("boom-2")).await;
    let seen = watch.wait_for("boom-2", Duration::from_secs(15), |l| l.contains("boom-2"));
    let latency = seen.saturating_duration_since(back);
    eprintln!("change after the restart shown {latency:?} after the apiserver was back");
    assert!(latency < Duration::from_secs(2), "shown after {latency:?}");
    assert_eq!(watch.interrupt(), 0);
}

/// A watch from a resourceVersion the apiserver no longer has (`1`: older than any watch cache)
/// ends in `410 Gone`; the live tree then lists the kind again and shows a change made before the
/// watch started, then keeps following changes.
#[tokio::test]
async fn an_expired_watch_is_listed_again() {
    let e = env();
    let target = fleet::kube::load_kubeconfig(Some(&e.kubeconfig))
        .expect("kubeconfig loads")
        .target_multiplexed(&e.contexts[2], fleet::kube::ClientOptions::default())
        .await
        .expect("client builds");
    let ns = unique("lw410");
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"fleet-test": "true"}}}),
    )
    .await;
    apply(&target, configmap(&ns, "cfg")).await;
    let root_obj = kustomization(&ns, "root", &[format!("{ns}_cfg__ConfigMap")]);
    apply(&target, root_obj.clone()).await;

    // The premise: resourceVersion 1 is expired for this kind.
    let ks = fleet::kube::known_kinds()
        .iter()
        .find(|k| k.kind == "Kustomization")
        .expect("known kind")
        .api_resource();
    let api: Api<DynamicObject> = Api::all_with(target.client.clone(), &ks);
    let expired = match api.watch(&WatchParams::default().timeout(5), "1").await {
        Err(kube::Error::Api(status)) => status.code == 410,
        Ok(stream) => {
            let mut stream = std::pin::pin!(stream);
            matches!(stream.next().await, Some(Ok(WatchEvent::Error(s))) if s.code == 410)
        }
        Err(other) => panic!("watch from 1: {other}"),
    };
    assert!(expired, "a watch from resourceVersion 1 expires");

    let root = RootSpec::parse("ks/root").expect("root").object(Some(&ns));
    let options = TreeOptions::default();
    let mut fetched = tree::fetch(
        &target,
        &root,
        FetchOptions {
            walk: options.walk,
            concurrency: options.concurrency,
            keep: options.keep,
            strategy: options.strategy,
            speculation: Default::default(),
        },
    )
    .await
    .expect("tree fetches");
    let mut stale = 0;
    for (_, store) in &mut fetched.snapshot.kinds {
        if store.listed_at.is_some() {
            store.listed_at = Some("1".into());
            stale += 1;
        }
    }
    assert!(stale > 0, "the fetch listed some kinds");
    // Made after the fetch: only a new LIST (or a watch from before it) can show it.
    set_status(&target, &root_obj, failing("changed-while-expired")).await;

    let (mut updates, _tasks) = watch_fetched(target.clone(), &root, options, fetched);
    root_message(&mut updates, "changed-while-expired").await;
    set_status(&target, &root_obj, failing("changed-after-relist")).await;
    root_message(&mut updates, "changed-after-relist").await;
}

/// Waits (10 s at most) for a tree whose root has `message`.
async fn root_message(updates: &mut tokio::sync::mpsc::UnboundedReceiver<Update>, message: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let update = tokio::time::timeout_at(deadline, updates.recv())
            .await
            .unwrap_or_else(|_| panic!("no tree with {message:?} in time"))
            .expect("updates go on");
        if let Event::Tree(tree) = &update.event
            && let Ok(tree) = tree.as_ref()
            && tree.root.status.message() == Some(message)
        {
            return;
        }
    }
}

/// `health --watch -o json`: one document per line, a new one when a Flux object starts failing.
#[tokio::test]
async fn health_watch_prints_a_document_per_change() {
    let e = env();
    let ns = unique("lwh");
    let context = &e.contexts[1];
    let target = e.target(context).await;
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"fleet-test": "true"}}}),
    )
    .await;
    let ks = kustomization(&ns, "watched", &[]);
    apply(&target, ks.clone()).await;
    let mut watch = Watching::start(
        "kubectl-fleet-health",
        &e.kubeconfig,
        &["--context", context, "--no-drift", "--watch", "-o", "json"],
    );
    watch.wait_for("a first document", Duration::from_secs(30), |l| {
        serde_json::from_str::<Value>(l).is_ok_and(|d| d["kind"] == "FleetStatus")
    });
    set_status(&target, &ks, failing("health-watch-boom")).await;
    watch.wait_for("the failing Kustomization", Duration::from_secs(10), |l| {
        l.contains("health-watch-boom") && serde_json::from_str::<Value>(l).is_ok()
    });
    assert_eq!(watch.interrupt(), 0);
}

/// The fleet view: `--context` twice, `-o json`, one `Tree` document per line keyed by context;
/// a change on the second cluster shows in the next document, the first cluster's tree with it.
#[tokio::test]
async fn tree_watch_over_two_clusters_prints_one_document_per_change() {
    let e = env();
    let (a, b) = (&e.contexts[1], &e.contexts[2]);
    let ns = unique("lwf");
    let mut roots = Vec::new();
    for context in [a, b] {
        let target = e.target(context).await;
        apply(
            &target,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"fleet-test": "true"}}}),
        )
        .await;
        apply(&target, configmap(&ns, "cfg")).await;
        let root = kustomization(&ns, "root", &[format!("{ns}_cfg__ConfigMap")]);
        apply(&target, root.clone()).await;
        roots.push((target, root));
    }
    let mut watch = Watching::start(
        "kubectl-fleet-tree",
        &e.kubeconfig,
        &[
            "--context",
            a,
            "--context",
            b,
            "ks/root",
            "-n",
            &ns,
            "--watch",
            "-o",
            "json",
        ],
    );
    let doc = |l: &str| serde_json::from_str::<Value>(l).ok();
    watch.wait_for("a document with both clusters", Duration::from_secs(30), |l| {
        doc(l).is_some_and(|d| {
            d["kind"] == "Tree"
                && d["clusters"][a]["root"]["status"] == "Ready"
                && d["clusters"][b]["root"]["status"] == "Ready"
        })
    });
    let (target_b, root_b) = &roots[1];
    set_status(target_b, root_b, failing("fleet-boom")).await;
    watch.wait_for("the change on the second cluster", Duration::from_secs(10), |l| {
        doc(l).is_some_and(|d| {
            d["clusters"][b]["root"]["message"] == "fleet-boom"
                && d["clusters"][a]["root"]["status"] == "Ready"
        })
    });
    assert!(
        watch.stdout.iter().all(|l| doc(l).is_some()),
        "every line is a document: {:?}",
        watch.stdout
    );
    assert_eq!(watch.interrupt(), 0);
}

/// `health --watch --drift`: an edit made outside Flux shows when it is made, with no Flux object
/// changing, and goes when the applier takes the field back (what the reconcile that corrects it
/// does) — also without a change of any Flux object, which a watch of the Flux kinds alone would
/// miss. On a private cluster, so no other test's Flux object can cause a survey.
#[tokio::test]
async fn health_watch_shows_drift_as_it_comes_and_goes() {
    use k8s_openapi::api::core::v1::ConfigMap;
    use kube::api::{ApiResource, Patch, PatchParams};

    let cluster = PrivateCluster::up("livedrift");
    let target = cluster.target().await;
    let context = "livedrift";
    let ns = "lwd";
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
    let api: Api<DynamicObject> =
        Api::namespaced_with(target.client.clone(), ns, &ApiResource::erase::<ConfigMap>(&()));
    let desired = json!({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "settings", "namespace": ns,
                                      "labels": {"kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": ns}},
                         "data": {"mode": "blue"}});
    let as_flux = PatchParams::apply("kustomize-controller").force();
    api.patch("settings", &as_flux, &Patch::Apply(&desired))
        .await
        .expect("applied as kustomize-controller");
    apply(
        &target,
        kustomization(ns, "apps", &[format!("{ns}_settings__ConfigMap")]),
    )
    .await;
    let mut watch = Watching::start(
        "kubectl-fleet-health",
        &cluster.kubeconfig,
        &["--context", context, "--drift", "--watch", "-o", "json"],
    );
    // Our ConfigMap's drift entries in a document (None: not a health document).
    let ours = |l: &str| -> Option<Vec<Value>> {
        let doc: Value = serde_json::from_str(l).ok()?;
        let report = doc["clusters"]
            .as_array()?
            .iter()
            .find(|c| c["context"] == context)?;
        Some(
            report["drift"]
                .as_array()?
                .iter()
                .filter(|d| d["namespace"] == ns)
                .cloned()
                .collect(),
        )
    };
    watch.wait_for("a first document without drift", Duration::from_secs(30), |l| {
        ours(l).is_some_and(|d| d.is_empty())
    });
    // From here on, only the drift watch can cause a new document.
    watch.settle(Duration::from_millis(1500));
    let edit = PatchParams {
        field_manager: Some("kubectl-edit".into()),
        ..PatchParams::default()
    };
    api.patch(
        "settings",
        &edit,
        &Patch::Merge(json!({"data": {"mode": "green"}})),
    )
    .await
    .expect("edited");
    watch.wait_for("the edit as drift", Duration::from_secs(10), |l| {
        ours(l).is_some_and(|d| {
            d == [json!({"kind": "ConfigMap", "namespace": ns, "name": "settings",
                         "owner": format!("Kustomization/{ns}/apps"),
                         "changes": [{"manager": "kubectl-edit", "fields": ["data.mode"]}]})]
        })
    });
    // The applier takes the field back, as a reconcile with force does.
    api.patch("settings", &as_flux, &Patch::Apply(&desired))
        .await
        .expect("re-applied as kustomize-controller");
    watch.wait_for("the drift gone", Duration::from_secs(10), |l| {
        ours(l).is_some_and(|d| d.is_empty())
    });
    assert_eq!(watch.interrupt(), 0);
}
