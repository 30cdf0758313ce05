//! Test support shared by every integration test: the running control plane (from
//! `tests/testenv/testenv up`), per-test namespaces, status writes, and running our binaries.
//!
//! Cluster tests read the kubeconfig only from `FLEET_TEST_KUBECONFIG`, never the ambient
//! `KUBECONFIG`, and fail (not skip) when it is unset: CI always runs this tier.

#![allow(dead_code)]

use std::{
    ffi::OsStr,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    sync::{
        OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use fleet::kube::{ClientOptions, Gvk, KubeTarget, Resolver, load_kubeconfig};
use kube::api::{DynamicObject, Patch, PatchParams, PostParams};
use serde_json::{Value, json};

/// The running test environment.
pub struct TestEnv {
    /// Admin kubeconfig with one context per cluster.
    pub kubeconfig: PathBuf,
    /// Same clusters, user `fleet-restricted` (bound to `view` only).
    pub restricted_kubeconfig: PathBuf,
    /// Context names, in order.
    pub contexts: Vec<String>,
    /// The kubectl to use (within one minor version of the apiserver).
    pub kubectl: PathBuf,
    /// The state directory (logs, PKI).
    pub state: PathBuf,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: start the local control plane first, e.g.\n  \
             eval \"$(tests/testenv/testenv up)\"\nor run the whole suite with: bash scripts/test.sh"
        )
    })
}

/// The environment started by `tests/testenv/testenv up`.
pub fn env() -> &'static TestEnv {
    static ENV: OnceLock<TestEnv> = OnceLock::new();
    ENV.get_or_init(|| TestEnv {
        kubeconfig: var("FLEET_TEST_KUBECONFIG").into(),
        restricted_kubeconfig: var("FLEET_TEST_RESTRICTED_KUBECONFIG").into(),
        contexts: var("FLEET_TEST_CONTEXTS")
            .split(',')
            .map(str::to_string)
            .collect(),
        kubectl: std::env::var("FLEET_TEST_KUBECTL")
            .unwrap_or_else(|_| "kubectl".into())
            .into(),
        state: var("FLEET_TEST_STATE").into(),
    })
}

impl TestEnv {
    /// The first cluster's context.
    pub fn first(&self) -> &str {
        &self.contexts[0]
    }

    /// An admin client for a context.
    pub async fn target(&self, context: &str) -> KubeTarget {
        let kc = load_kubeconfig(Some(&self.kubeconfig)).expect("test kubeconfig loads");
        kc.target(context, ClientOptions::default())
            .await
            .expect("test context builds a client")
    }

    /// A client for a context as the restricted user.
    pub async fn restricted_target(&self, context: &str) -> KubeTarget {
        let kc = load_kubeconfig(Some(&self.restricted_kubeconfig)).expect("restricted kubeconfig loads");
        kc.target(context, ClientOptions::default())
            .await
            .expect("restricted context builds a client")
    }

    /// `kubectl --kubeconfig … --context … <args>`; panics with the output on failure.
    pub fn kubectl(&self, context: &str, args: &[&str]) -> String {
        let out = Command::new(&self.kubectl)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["--context", context])
            .args(args)
            .output()
            .expect("kubectl runs");
        assert!(
            out.status.success(),
            "kubectl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// A private one-cluster environment of its own (etcd, kube-apiserver and the Flux CRDs, started
/// by `testenv up` in its own state directory), for tests that change what every test of the
/// shared clusters would see (cluster-wide objects, CRDs). Torn down on drop.
pub struct PrivateCluster {
    /// The state directory.
    pub state: PathBuf,
    /// Its admin kubeconfig.
    pub kubeconfig: PathBuf,
    /// The context (the cluster's name).
    pub context: String,
}

impl PrivateCluster {
    /// Starts the cluster `name`.
    pub fn up(name: &str) -> Self {
        let state = std::env::temp_dir().join(unique(&format!("fleet-private-{name}")));
        let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testenv/testenv"))
            .args(["up", "--clusters", name])
            .env("FLEET_TESTENV_STATE", &state)
            .output()
            .expect("testenv runs");
        assert!(
            out.status.success(),
            "testenv up: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PrivateCluster {
            kubeconfig: state.join("kubeconfig"),
            state,
            context: name.to_string(),
        }
    }

    /// An admin client.
    pub async fn target(&self) -> KubeTarget {
        let kc = load_kubeconfig(Some(&self.kubeconfig)).expect("private kubeconfig loads");
        kc.target(&self.context, ClientOptions::default())
            .await
            .expect("private context builds a client")
    }

    /// `kubectl --kubeconfig <private> --context <name> <args>`; the output, failing or not.
    pub fn kubectl(&self, args: &[&str]) -> Output {
        Command::new(&env().kubectl)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["--context", &self.context])
            .args(args)
            .output()
            .expect("kubectl runs")
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testenv/testenv"))
            .arg("down")
            .env("FLEET_TESTENV_STATE", &self.state)
            .output();
    }
}

/// A name unique across tests and test processes, valid as a DNS-1123 label.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{:x}{n}",
        (std::process::id() as u64 * 1_000_003 + nanos as u64) % 0xfffff
    )
}

/// Creates a fresh namespace for one test (never deleted: namespaces cannot finish terminating
/// without a controller-manager, and unique names keep tests apart).
pub async fn namespace(target: &KubeTarget, prefix: &str) -> String {
    let name = unique(prefix);
    apply(target, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"fleet-test": "true"}}}))
        .await;
    name
}

/// Creates the namespace `name` (with `labels`) on every target, so a multi-cluster test can name
/// the same namespace everywhere (e.g. the Flux namespace a rotation trusts).
pub async fn namespace_everywhere(targets: &[KubeTarget], name: &str, labels: Value) {
    let mut all = json!({"fleet-test": "true"});
    if let (Some(all), Some(extra)) = (all.as_object_mut(), labels.as_object()) {
        all.extend(extra.clone());
    }
    for target in targets {
        apply(
            target,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": all}}),
        )
        .await;
    }
}

fn dynamic_api(
    resolver: &Resolver,
    ar: &kube::api::ApiResource,
    namespaced: bool,
    ns: Option<&str>,
) -> kube::Api<DynamicObject> {
    resolver.api(ar, namespaced, ns)
}

async fn resolve(target: &KubeTarget, obj: &Value) -> (kube::Api<DynamicObject>, String) {
    let gvk = Gvk::from_api_version(
        obj["apiVersion"].as_str().expect("fixture has apiVersion"),
        obj["kind"].as_str().expect("fixture has kind"),
    );
    let resolver = Resolver::new(target.clone());
    let (ar, namespaced) = resolver
        .resolve(&gvk.group, Some(&gvk.version), &gvk.kind)
        .await
        .expect("fixture kind is served");
    let ns = obj.pointer("/metadata/namespace").and_then(Value::as_str);
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .expect("fixture has a name")
        .to_string();
    (dynamic_api(&resolver, &ar, namespaced, ns), name)
}

/// Creates or updates a fixture object (server-side apply as the test's own field manager). A
/// `status` in the fixture is written through the status subresource afterwards, the way a
/// controller would.
pub async fn apply(target: &KubeTarget, mut obj: Value) -> DynamicObject {
    let status = obj.as_object_mut().and_then(|o| o.remove("status"));
    let (api, name) = resolve(target, &obj).await;
    let pp = PatchParams::apply("fleet-test").force();
    let created = api
        .patch(&name, &pp, &Patch::Apply(&obj))
        .await
        .unwrap_or_else(|e| panic!("apply {name}: {e}"));
    match status {
        Some(status) => set_status(target, &obj, status).await,
        None => created,
    }
}

/// Creates a fixture object with a plain POST (for tests that need create semantics).
pub async fn create(target: &KubeTarget, obj: Value) -> DynamicObject {
    let (api, name) = resolve(target, &obj).await;
    let dynamic: DynamicObject = serde_json::from_value(obj).expect("fixture is an object");
    api.create(&PostParams::default(), &dynamic)
        .await
        .unwrap_or_else(|e| panic!("create {name}: {e}"))
}

/// Writes `.status` through the status subresource. `generation`-aware fields such as
/// `observedGeneration` are filled in by the caller; use [`ready_status`] for the common case.
pub async fn set_status(target: &KubeTarget, obj: &Value, status: Value) -> DynamicObject {
    let (api, name) = resolve(target, obj).await;
    let patch = json!({"status": status});
    api.patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap_or_else(|e| panic!("write status of {name}: {e}"))
}

/// Reads an object back.
pub async fn get(target: &KubeTarget, obj: &Value) -> Option<DynamicObject> {
    let (api, name) = resolve(target, obj).await;
    api.get_opt(&name)
        .await
        .unwrap_or_else(|e| panic!("get {name}: {e}"))
}

/// A Flux-style status with a Ready condition for `generation`.
pub fn ready_status(ready: bool, reason: &str, message: &str, generation: i64) -> Value {
    json!({
        "observedGeneration": generation,
        "conditions": [{
            "type": "Ready",
            "status": if ready { "True" } else { "False" },
            "reason": reason,
            "message": message,
            "observedGeneration": generation,
            "lastTransitionTime": "2026-01-01T00:00:00Z",
        }]
    })
}

/// Path of one of our built binaries.
pub fn bin(name: &str) -> PathBuf {
    let path = match name {
        "kubectl-fleet" => env!("CARGO_BIN_EXE_kubectl-fleet"),
        "kubectl-fleet-bootstrap" => env!("CARGO_BIN_EXE_kubectl-fleet-bootstrap"),
        "kubectl-fleet-health" => env!("CARGO_BIN_EXE_kubectl-fleet-health"),
        "kubectl-fleet-reconcile" => env!("CARGO_BIN_EXE_kubectl-fleet-reconcile"),
        "kubectl-fleet-resume" => env!("CARGO_BIN_EXE_kubectl-fleet-resume"),
        "kubectl-fleet-secret" => env!("CARGO_BIN_EXE_kubectl-fleet-secret"),
        "kubectl-fleet-suspend" => env!("CARGO_BIN_EXE_kubectl-fleet-suspend"),
        "kubectl-fleet-tenant" => env!("CARGO_BIN_EXE_kubectl-fleet-tenant"),
        "kubectl-fleet-token" => env!("CARGO_BIN_EXE_kubectl-fleet-token"),
        "kubectl-fleet-tree" => env!("CARGO_BIN_EXE_kubectl-fleet-tree"),
        other => panic!("unknown binary {other}"),
    };
    PathBuf::from(path)
}

/// The directory holding our built binaries.
pub fn bin_dir() -> PathBuf {
    bin("kubectl-fleet")
        .parent()
        .expect("binary has a directory")
        .to_path_buf()
}

/// The result of running a command.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Self {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "command failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        &self.stdout
    }
}

/// Builder for running one of our binaries (or kubectl) with a clean, explicit environment.
pub struct Cmd {
    command: Command,
    stdin: Option<Vec<u8>>,
}

impl Cmd {
    /// One of our binaries, with the test kubeconfig, no colour and no ambient KUBECONFIG.
    pub fn fleet(name: &str) -> Self {
        let mut command = Command::new(bin(name));
        // A cache of its own per run (the tree's plan memory): no run learns from another test's.
        let cache = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("xdg-cache")
            .join(unique("c"));
        command
            .env_remove("KUBECONFIG")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "200")
            .env("XDG_CACHE_HOME", cache);
        Cmd { command, stdin: None }
    }

    /// Any program.
    pub fn program(program: impl AsRef<OsStr>) -> Self {
        let mut command = Command::new(program);
        command.env_remove("KUBECONFIG").env("NO_COLOR", "1");
        Cmd { command, stdin: None }
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// `--kubeconfig <test kubeconfig>`.
    pub fn kubeconfig(mut self) -> Self {
        self.command.arg("--kubeconfig").arg(&env().kubeconfig);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// Removes an environment variable.
    pub fn env_remove(mut self, key: &str) -> Self {
        self.command.env_remove(key);
        self
    }

    /// Runs in a directory.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Feeds stdin.
    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(data.into());
        self
    }

    /// Runs to completion.
    pub fn run(mut self) -> Run {
        use std::io::Write;
        self.command.stdout(Stdio::piped()).stderr(Stdio::piped());
        self.command.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = self.command.spawn().expect("command starts");
        if let Some(data) = self.stdin.take()
            && let Some(mut stdin) = child.stdin.take()
        {
            stdin.write_all(&data).expect("stdin is written");
        }
        Run::from(child.wait_with_output().expect("command finishes"))
    }
}

/// Snapshot assertion with the suite's filters (temp dirs, ports, generated namespace suffixes).
#[macro_export]
macro_rules! fleet_snapshot {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
        settings.add_filter(r"/tmp/[^\s'\x22]+", "[TMP]");
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}
