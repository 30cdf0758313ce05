//! End-to-end tier: the README demo flow against the REAL Flux controllers.
//!
//! Needs an environment started with
//! `eval "$(tests/testenv/testenv up --clusters staging,production --flux)"` (flux-operator,
//! source-controller, kustomize-controller and kube-controller-manager per cluster, plus a git
//! smart-HTTP server requiring basic auth), and an unlocked Secret Service (run inside
//! `dbus-run-session` with gnome-keyring, see `scripts/test.sh`). It fails, never skips, when the
//! environment is missing.
//!
//! Nothing here writes a status: every condition and inventory asserted on was written by the
//! real controllers.

use std::{
    ffi::OsStr,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::Mutex,
    time::{Duration, Instant},
};

use base64::Engine as _;
use serde_json::Value;

#[path = "../support/github_app.rs"]
mod github_api;

mod app;
mod keos;
mod migrate;
mod ops;
mod peer;

/// Everything every command printed, checked at the end for token leaks.
static TRANSCRIPT: Mutex<String> = Mutex::new(String::new());

fn record(what: &str, stdout: &str, stderr: &str) {
    let mut t = TRANSCRIPT.lock().unwrap_or_else(|e| e.into_inner());
    t.push_str(&format!("$ {what}\n{stdout}\n{stderr}\n"));
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: start the local fleet with real Flux first, e.g.\n  \
             eval \"$(tests/testenv/testenv up --clusters staging,production --flux)\"\n\
             or run the whole suite with: bash scripts/test.sh"
        )
    })
}

/// The running environment and the test's private directories.
struct Env {
    kubeconfig: PathBuf,
    kubectl: PathBuf,
    state: PathBuf,
    git_url: String,
    token_file: PathBuf,
    operator_manifest: PathBuf,
    work: tempfile::TempDir,
    /// Unique suffix of this run's repositories (the flow can run again on the same environment).
    suffix: String,
}

/// The result of one command.
struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Out {
    fn ok(self, what: &str) -> String {
        assert!(
            self.ok,
            "{what} failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self.stdout
    }
}

impl Env {
    fn load() -> Self {
        let contexts = var("FLEET_TEST_CONTEXTS");
        for ctx in ["staging", "production"] {
            assert!(
                contexts.split(',').any(|c| c == ctx),
                "FLEET_TEST_CONTEXTS={contexts} lacks {ctx}: start with --clusters staging,production --flux"
            );
        }
        let paths = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testenv/testenv"))
            .arg("paths")
            .output()
            .expect("testenv paths runs");
        let paths = String::from_utf8_lossy(&paths.stdout).into_owned();
        let operator_manifest = paths
            .lines()
            .find_map(|l| l.strip_prefix("operator_manifest="))
            .expect("testenv paths prints operator_manifest")
            .into();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let env = Env {
            kubeconfig: var("FLEET_TEST_KUBECONFIG").into(),
            kubectl: var("FLEET_TEST_KUBECTL").into(),
            state: var("FLEET_TEST_STATE").into(),
            git_url: var("FLEET_TEST_GIT_URL"),
            token_file: var("FLEET_TEST_GIT_TOKEN_FILE").into(),
            operator_manifest,
            work: tempfile::tempdir().expect("temp dir"),
            suffix: format!("{:x}", (nanos % 0xffffff) as u64),
        };
        assert!(
            env.operator_manifest.is_file(),
            "operator manifest {} is missing: run tests/testenv/testenv build --flux",
            env.operator_manifest.display()
        );
        for d in ["fleet", "infra", "apps", "config"] {
            std::fs::create_dir_all(env.dir(d)).expect("work dir");
        }
        env
    }

    fn dir(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// The URL of one of this run's repositories (`fleet`, `infra`, `apps`).
    fn repo_url(&self, name: &str) -> String {
        format!("{}/{name}-{}.git", self.git_url, self.suffix)
    }

    fn token(&self) -> String {
        std::fs::read_to_string(&self.token_file)
            .expect("token file")
            .trim()
            .to_string()
    }

    fn run(&self, mut cmd: Command, stdin: Option<&[u8]>) -> Out {
        let what = format!(
            "{} {}",
            cmd.get_program().to_string_lossy(),
            cmd.get_args()
                .map(OsStr::to_string_lossy)
                .collect::<Vec<_>>()
                .join(" ")
        );
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![self.kubectl.parent().expect("kubectl dir").to_path_buf()];
        dirs.extend(std::env::split_paths(&path));
        cmd.env("KUBECONFIG", &self.kubeconfig)
            .env("PATH", std::env::join_paths(dirs).expect("PATH"))
            .env("XDG_CONFIG_HOME", self.dir("config"))
            .env("NO_COLOR", "1")
            .env("COLUMNS", "200")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{what}: {e}"));
        if let Some(data) = stdin
            && let Some(mut s) = child.stdin.take()
        {
            s.write_all(data).expect("stdin written");
        }
        let out = child.wait_with_output().expect("command finishes");
        let out = Out {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        record(&what, &out.stdout, &out.stderr);
        out
    }

    /// One of our plugins, run in `dir`.
    fn fleet(&self, plugin: &str, dir: &Path, args: &[&str]) -> Out {
        let bin = match plugin {
            "bootstrap" => env!("CARGO_BIN_EXE_kubectl-fleet-bootstrap"),
            "health" => env!("CARGO_BIN_EXE_kubectl-fleet-health"),
            "tenant" => env!("CARGO_BIN_EXE_kubectl-fleet-tenant"),
            "token" => env!("CARGO_BIN_EXE_kubectl-fleet-token"),
            "tree" => env!("CARGO_BIN_EXE_kubectl-fleet-tree"),
            other => panic!("unknown plugin {other}"),
        };
        let mut cmd = Command::new(bin);
        cmd.args(args).current_dir(dir);
        self.run(cmd, None)
    }

    fn fleet_stdin(&self, plugin: &str, args: &[&str], stdin: &[u8]) -> Out {
        let bin = match plugin {
            "token" => env!("CARGO_BIN_EXE_kubectl-fleet-token"),
            "tenant" => env!("CARGO_BIN_EXE_kubectl-fleet-tenant"),
            "bootstrap" => env!("CARGO_BIN_EXE_kubectl-fleet-bootstrap"),
            other => panic!("unknown plugin {other}"),
        };
        let mut cmd = Command::new(bin);
        cmd.args(args).current_dir(self.work.path());
        self.run(cmd, Some(stdin))
    }

    fn kubectl(&self, ctx: &str, args: &[&str]) -> Out {
        let mut cmd = Command::new(&self.kubectl);
        cmd.args(["--context", ctx]).args(args);
        self.run(cmd, None)
    }

    /// git in `dir`; pushes authenticate through a credential helper reading the token file, so
    /// the token is never on a command line.
    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let helper = format!(
            "!f() {{ echo username=git; echo \"password=$(cat '{}')\"; }}; f",
            self.token_file.display()
        );
        let mut cmd = Command::new("git");
        cmd.current_dir(dir)
            .env("GIT_TERMINAL_PROMPT", "0")
            .args(["-c", "credential.helper="])
            .args(["-c", &format!("credential.helper={helper}")])
            .args(["-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid"])
            .args(args);
        self.run(cmd, None).ok(&format!("git {args:?}"))
    }

    /// Commits everything and pushes `main` and, with `production`, also `main` to the
    /// `production` branch (which production clusters follow in d1).
    fn commit_and_push(&self, repo: &str, message: &str, production: bool) {
        let dir = self.dir(repo);
        self.git(&dir, &["add", "-A"]);
        self.git(&dir, &["commit", "-qm", message]);
        let url = self.repo_url(repo);
        let mut args = vec!["push", "-q", url.as_str(), "main"];
        if production {
            args.push("main:production");
        }
        self.git(&dir, &args);
    }

    /// `kubectl fleet tree --context ctx -o json`, parsed, with the cluster's root node.
    fn tree(&self, ctx: &str) -> Value {
        let out = self.fleet("tree", self.work.path(), &["--context", ctx, "-o", "json"]);
        // A NotReady object makes the tree exit non-zero; the JSON is still printed.
        let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "tree -o json is not JSON ({e})\nstdout:\n{}\nstderr:\n{}",
                out.stdout, out.stderr
            )
        });
        v.pointer(&format!("/clusters/{ctx}/root"))
            .cloned()
            .unwrap_or_else(|| panic!("no clusters.{ctx}.root in tree output:\n{v:#}"))
    }

    /// Requests a reconcile of a Flux object.
    fn reconcile(&self, ctx: &str, resource: &str, ns: &str) {
        let now = format!("e2e-{}", unique_nanos());
        self.kubectl(
            ctx,
            &[
                "-n",
                ns,
                "annotate",
                "--overwrite",
                resource,
                &format!("reconcile.fluxcd.io/requestedAt={now}"),
            ],
        )
        .ok("annotate requestedAt");
    }

    fn get_json(&self, ctx: &str, ns: &str, resource: &str) -> Value {
        let out = self
            .kubectl(ctx, &["-n", ns, "get", resource, "-o", "json"])
            .ok(&format!("get {resource}"));
        serde_json::from_str(&out).expect("kubectl JSON")
    }
}

fn unique_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Polls `check` every second until it returns `Ok`, panicking with the last error at `limit`.
fn eventually<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Result<T, String>) -> T {
    let start = Instant::now();
    loop {
        match check() {
            Ok(v) => {
                eprintln!("e2e: {what} after {:.1}s", start.elapsed().as_secs_f64());
                return v;
            }
            Err(e) if start.elapsed() > limit => {
                panic!("timed out after {limit:?} waiting for {what}; last state:\n{e}")
            }
            Err(_) => std::thread::sleep(Duration::from_secs(1)),
        }
    }
}

/// The first node of the tree (depth first) with this identity.
fn find<'a>(node: &'a Value, kind: &str, ns: &str, name: &str) -> Option<&'a Value> {
    let matches = node["kind"] == kind
        && node["name"] == name
        && node.get("namespace").and_then(Value::as_str).unwrap_or("") == ns;
    if matches {
        return Some(node);
    }
    node.get("children")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|c| find(c, kind, ns, name))
}

/// A direct child of `parent` in the tree.
fn child<'a>(parent: &'a Value, kind: &str, ns: &str, name: &str) -> Option<&'a Value> {
    parent
        .get("children")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| {
            c["kind"] == kind
                && c["name"] == name
                && c.get("namespace").and_then(Value::as_str).unwrap_or("") == ns
        })
}

fn status(node: &Value) -> &str {
    node["status"].as_str().unwrap_or("")
}

/// `Ok(parent, child)` when `child` is listed in `parent`'s inventory with `child_status`, and
/// `parent` has `parent_status`.
fn check_inventory(
    root: &Value,
    parent: (&str, &str, &str),
    parent_status: &str,
    item: (&str, &str, &str),
    item_status: &str,
) -> Result<Value, String> {
    let p = find(root, parent.0, parent.1, parent.2)
        .ok_or_else(|| format!("{parent:?} not in tree:\n{root:#}"))?;
    if status(p) != parent_status {
        return Err(format!(
            "{parent:?} is {}, want {parent_status}:\n{p:#}",
            status(p)
        ));
    }
    let c =
        child(p, item.0, item.1, item.2).ok_or_else(|| format!("{item:?} not under {parent:?}:\n{p:#}"))?;
    if status(c) != item_status {
        return Err(format!("{item:?} is {}, want {item_status}:\n{p:#}", status(c)));
    }
    Ok(p.clone())
}

const KS: &str = "Kustomization";
const APPS_OVERLAY: &str = "components/frontend/staging/kustomization.yaml";
const MISSING_RESOURCE: &str = "e2e-does-not-exist.yaml";

fn write(path: PathBuf, content: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, content).expect("write");
}

/// The infra and apps repositories: one overlay per environment; ConfigMaps and ServiceAccounts
/// stand in for workloads (there is no kubelet).
fn write_workload_repos(env: &Env) {
    for e in ["staging", "production"] {
        for part in ["controllers", "configs"] {
            let d = env.dir("infra").join(format!("components/monitoring/{part}/{e}"));
            write(
                d.join("kustomization.yaml"),
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - monitoring.yaml\n",
            );
            write(
                d.join("monitoring.yaml"),
                &format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: monitoring-{part}\n  namespace: flux-system\ndata:\n  environment: {e}\n"
                ),
            );
        }
        let d = env.dir("apps").join(format!("components/frontend/{e}"));
        write(d.join("kustomization.yaml"), &apps_kustomization(false));
        write(
            d.join("frontend.yaml"),
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: frontend\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frontend-config\ndata:\n  \
             url: https://frontend.${CLUSTER_DOMAIN}\n  environment: ${ENVIRONMENT}\n",
        );
    }
}

fn apps_kustomization(broken: bool) -> String {
    let extra = if broken {
        format!("  - {MISSING_RESOURCE}\n")
    } else {
        String::new()
    };
    format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: frontend\nresources:\n  - frontend.yaml\n{extra}"
    )
}

/// HTTP status of the git server's ref advertisement with basic auth `git:<token>`.
fn git_http_status(url: &str, token: &str) -> u16 {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("git:{token}"));
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let resp = agent
        .get(&format!("{url}/info/refs?service=git-upload-pack"))
        .header("Authorization", &format!("Basic {auth}"))
        .call()
        .expect("git server answers");
    resp.status().as_u16()
}

fn condition<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    obj.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

#[test]
fn demo_flow_against_real_flux() {
    let started = Instant::now();
    let env = Env::load();
    let old_token = env.token();
    assert!(!old_token.is_empty(), "the git token file is empty");
    let contexts = ["staging", "production"];
    let long = Duration::from_secs(300);
    let minute = Duration::from_secs(90);

    // Bare repositories on the git server.
    for repo in ["fleet", "infra", "apps"] {
        let bare = env.state.join(format!("git/{repo}-{}.git", env.suffix));
        let out = Command::new("git")
            .args(["init", "-q", "--bare", "-b", "main"])
            .arg(&bare)
            .output()
            .expect("git init --bare");
        assert!(out.status.success(), "git init --bare {}", bare.display());
        let out = Command::new("git")
            .arg("-C")
            .arg(&bare)
            .args(["config", "http.receivepack", "true"])
            .output()
            .expect("git config");
        assert!(out.status.success());
        env.git(&env.dir(repo), &["init", "-q", "-b", "main"]);
    }

    // The fleet repository, scaffolded by our CLI.
    let fleet = env.dir("fleet");
    let fleet_url = env.repo_url("fleet");
    env.fleet(
        "bootstrap",
        &fleet,
        &[
            "init",
            "staging",
            "--git-url",
            &fleet_url,
            "--insecure-http",
            "--environment",
            "staging",
            "--domain",
            "staging.e2e.local",
            "--artifact",
            "",
            "--no-instance-wait",
            "--operator-chart",
            "",
        ],
    )
    .ok("bootstrap init staging");
    env.fleet(
        "bootstrap",
        &fleet,
        &[
            "init",
            "production",
            "--from",
            "staging",
            "--insecure-http",
            "--production",
            "--environment",
            "production",
            "--domain",
            "production.e2e.local",
        ],
    )
    .ok("bootstrap init production");
    env.fleet(
        "tenant",
        &fleet,
        &[
            "component",
            "add",
            "monitoring",
            "--git-url",
            &env.repo_url("infra"),
            "--insecure-http",
        ],
    )
    .ok("tenant component add");
    env.fleet(
        "tenant",
        &fleet,
        &[
            "create",
            "frontend",
            "--tenant",
            "apps",
            "--git-url",
            &env.repo_url("apps"),
            "--insecure-http",
        ],
    )
    .ok("tenant create");
    write_workload_repos(&env);
    for repo in ["fleet", "infra", "apps"] {
        env.commit_and_push(repo, repo, true);
    }

    // The bot token, into the keyring from stdin.
    env.fleet_stdin(
        "token",
        &["set", "fleet-bot", "--from-stdin", "--no-check"],
        old_token.as_bytes(),
    )
    .ok("token set");

    // Bootstrap both clusters with the real flux-operator.
    let manifest = env.operator_manifest.to_string_lossy().into_owned();
    env.fleet(
        "bootstrap",
        &fleet,
        &[
            "staging",
            "production",
            "--token",
            "fleet-bot",
            "--insecure-http",
            "--tenant-token",
            "apps=fleet-bot",
            "--operator-manifest",
            &manifest,
            "--timeout",
            "5m",
        ],
    )
    .ok("bootstrap staging production");
    for ctx in contexts {
        eventually(long, &format!("namespace frontend on {ctx}"), || {
            let out = env.kubectl(ctx, &["get", "namespace", "frontend"]);
            if out.ok { Ok(()) } else { Err(out.stderr) }
        });
    }
    env.fleet(
        "tenant",
        &fleet,
        &[
            "create",
            "frontend",
            "--tenant",
            "apps",
            "--git-url",
            &env.repo_url("apps"),
            "--insecure-http",
            "--apply",
            "--propagate",
            "--token",
            "fleet-bot",
            "--all-contexts",
        ],
    )
    .ok("tenant create --apply --propagate");
    for ctx in contexts {
        env.reconcile(ctx, "gitrepository/flux-apps", "frontend");
    }

    // 1. The real inventory, as the tree shows it.
    for ctx in contexts {
        eventually(long, &format!("the real inventory in the tree of {ctx}"), || {
            let root = env.tree(ctx);
            check_inventory(
                &root,
                (KS, "flux-system", "monitoring-controllers"),
                "Ready",
                ("ConfigMap", "flux-system", "monitoring-controllers"),
                "Exists",
            )?;
            check_inventory(
                &root,
                (KS, "flux-system", "monitoring-configs"),
                "Ready",
                ("ConfigMap", "flux-system", "monitoring-configs"),
                "Exists",
            )?;
            let ks = check_inventory(
                &root,
                (KS, "frontend", "flux-frontend"),
                "Ready",
                ("ConfigMap", "frontend", "frontend-config"),
                "Exists",
            )?;
            check_inventory(
                &root,
                (KS, "frontend", "flux-frontend"),
                "Ready",
                ("ServiceAccount", "frontend", "frontend"),
                "Exists",
            )?;
            // The controller's own words, not ours.
            let msg = ks["message"].as_str().unwrap_or("");
            if !msg.starts_with("Applied revision: ") {
                return Err(format!("unexpected flux-frontend message: {msg}"));
            }
            Ok(())
        });
    }
    // Healthy clusters count nothing as failing, the real flux-operator's FluxReport included
    // (its Ready condition carries an older observedGeneration than its metadata).
    let healthy = env
        .fleet("bootstrap", &fleet, &["status", "--all-contexts", "-o", "json"])
        .ok("bootstrap status");
    let doc: Value = serde_json::from_str(&healthy).expect("bootstrap status JSON");
    let items = doc["items"].as_array().expect("items");
    assert_eq!(items.len(), contexts.len(), "{doc:#}");
    for item in items {
        assert_eq!(item["failing"], 0, "{item:#}");
    }

    // Substituted by kustomize-controller from the runtime info --propagate copied.
    let cm = env.get_json("staging", "frontend", "configmap/frontend-config");
    assert_eq!(cm["data"]["environment"], "staging", "{cm:#}");
    assert_eq!(cm["data"]["url"], "https://frontend.staging.e2e.local", "{cm:#}");

    // 2. A broken manifest pushed to git: NotReady with the controller's message, then fixed.
    write(env.dir("apps").join(APPS_OVERLAY), &apps_kustomization(true));
    env.commit_and_push("apps", "break staging", false);
    env.reconcile("staging", "gitrepository/flux-apps", "frontend");
    let broken = eventually(long, "flux-frontend NotReady on staging", || {
        let root = env.tree("staging");
        let ks = find(&root, KS, "frontend", "flux-frontend")
            .ok_or_else(|| format!("no flux-frontend:\n{root:#}"))?;
        if status(ks) == "NotReady" {
            Ok(ks.clone())
        } else {
            Err(format!("{ks:#}"))
        }
    });
    let message = broken["message"].as_str().unwrap_or("");
    assert_eq!(broken["reason"], "BuildFailed", "{broken:#}");
    assert!(
        message.contains("kustomize build failed") && message.contains(MISSING_RESOURCE),
        "the tree should carry kustomize-controller's message: {broken:#}"
    );
    // The cluster's object has the very same message.
    let live = env.get_json("staging", "frontend", "kustomization/flux-frontend");
    assert_eq!(
        condition(&live, "Ready").and_then(|c| c["message"].as_str()),
        Some(message),
        "{live:#}"
    );
    // Fleet health names it on the cluster it fails on, with the controller's message, and shows
    // staging's apps source ahead of production's.
    let out = env.fleet(
        "health",
        env.work.path(),
        &["--all-contexts", "--no-drift", "-o", "json"],
    );
    assert!(!out.ok, "a failing Kustomization exits 1: {}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).expect("health -o json is JSON");
    let clusters = doc["clusters"].as_array().expect("clusters");
    let of = |ctx: &str| {
        clusters
            .iter()
            .find(|c| c["context"] == ctx)
            .unwrap_or_else(|| panic!("no {ctx} in {doc:#}"))
    };
    let failing: Vec<&Value> = of("staging")["failing"]
        .as_array()
        .expect("failing")
        .iter()
        .filter(|f| f["name"] == "flux-frontend")
        .collect();
    assert_eq!(failing.len(), 1, "{doc:#}");
    assert_eq!(failing[0]["reason"], "BuildFailed");
    assert_eq!(failing[0]["message"].as_str(), Some(message));
    assert_eq!(of("production")["failing"], serde_json::json!([]), "{doc:#}");
    for ctx in contexts {
        assert_eq!(of(ctx)["operatorVersion"], "v0.58.1", "{doc:#}");
        assert!(
            of(ctx)["fluxVersion"]
                .as_str()
                .is_some_and(|v| v.starts_with('v')),
            "{doc:#}"
        );
    }
    let apps_skew = doc["skew"]["sources"]
        .as_array()
        .and_then(|s| {
            s.iter()
                .find(|s| s["name"] == "flux-apps" && s["namespace"] == "frontend")
        })
        .unwrap_or_else(|| panic!("staging ahead of production on flux-apps: {doc:#}"));
    assert_eq!(
        apps_skew["variants"].as_array().map(Vec::len),
        Some(2),
        "{apps_skew:#}"
    );
    write(env.dir("apps").join(APPS_OVERLAY), &apps_kustomization(false));
    env.commit_and_push("apps", "fix staging", false);
    let fixed_rev = env
        .git(&env.dir("apps"), &["rev-parse", "HEAD"])
        .trim()
        .to_string();
    env.reconcile("staging", "gitrepository/flux-apps", "frontend");
    eventually(long, "flux-frontend Ready again on staging", || {
        let root = env.tree("staging");
        let ks = check_inventory(
            &root,
            (KS, "frontend", "flux-frontend"),
            "Ready",
            ("ConfigMap", "frontend", "frontend-config"),
            "Exists",
        )?;
        let rev = ks["revision"].as_str().unwrap_or("");
        if rev.ends_with(&fixed_rev) {
            Ok(())
        } else {
            Err(format!("revision {rev}, want {fixed_rev}"))
        }
    });

    // 2b. A change nobody committed is drift, named with its field manager and field, until the
    // next reconcile puts Flux's value back.
    env.kubectl(
        "staging",
        &[
            "-n",
            "frontend",
            "patch",
            "configmap",
            "frontend-config",
            "--type=merge",
            "-p",
            r#"{"data":{"environment":"edited-by-hand"}}"#,
        ],
    )
    .ok("patch configmap");
    let drift_of = |env: &Env| -> Vec<Value> {
        let out = env.fleet(
            "health",
            env.work.path(),
            &["--context", "staging", "--drift", "-o", "json"],
        );
        let doc: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("health --drift -o json ({e}): {}\n{}", out.stdout, out.stderr));
        doc["clusters"][0]["drift"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d["namespace"] == "frontend" && d["name"] == "frontend-config")
            .collect()
    };
    let drifted = drift_of(&env);
    assert_eq!(
        drifted,
        [
            serde_json::json!({"kind": "ConfigMap", "namespace": "frontend", "name": "frontend-config",
                            "owner": "Kustomization/frontend/flux-frontend",
                            "changes": [{"manager": "kubectl-patch", "fields": ["data.environment"]}]})
        ],
    );
    env.reconcile("staging", "kustomization/flux-frontend", "frontend");
    eventually(minute, "the drift corrected by the reconcile", || {
        let cm = env.get_json("staging", "frontend", "configmap/frontend-config");
        if cm["data"]["environment"] != "staging" {
            return Err(format!("not restored yet: {}", cm["data"]));
        }
        let left = drift_of(&env);
        if left.is_empty() {
            Ok(())
        } else {
            Err(format!("{left:#?}"))
        }
    });

    // 3. An object deleted by hand is Missing until the next reconcile restores it.
    env.kubectl(
        "staging",
        &[
            "-n",
            "frontend",
            "delete",
            "configmap",
            "frontend-config",
            "--wait=true",
        ],
    )
    .ok("delete configmap");
    let root = env.tree("staging");
    check_inventory(
        &root,
        (KS, "frontend", "flux-frontend"),
        "Ready",
        ("ConfigMap", "frontend", "frontend-config"),
        "Missing",
    )
    .unwrap_or_else(|e| panic!("a deleted object shows Missing: {e}"));
    env.reconcile("staging", "kustomization/flux-frontend", "frontend");
    eventually(minute, "frontend-config restored by the reconcile", || {
        check_inventory(
            &env.tree("staging"),
            (KS, "frontend", "flux-frontend"),
            "Ready",
            ("ConfigMap", "frontend", "frontend-config"),
            "Exists",
        )
    });

    // 4. Token rotation: the server accepts only the new token; every GitRepository fetches again.
    let new_token = format!("e2e{:032x}", unique_nanos() ^ 0x5eed_cafe_f00d_beef_u128);
    assert_ne!(new_token, old_token);
    let rotated_at = jiff::Timestamp::now();
    {
        let tmp = env.token_file.with_extension("e2e-new");
        std::fs::write(&tmp, format!("{new_token}\n")).expect("write new token");
        std::fs::rename(&tmp, &env.token_file).expect("swap token file");
    }
    env.fleet_stdin(
        "token",
        &[
            "rotate",
            "fleet-bot",
            "--from-stdin",
            "--no-check",
            "--all-contexts",
            "--timeout",
            "5m",
        ],
        new_token.as_bytes(),
    )
    .ok("token rotate");
    let repos = [
        ("flux-system", "flux-system"),
        ("flux-system", "flux-infra"),
        ("frontend", "flux-apps"),
    ];
    for ctx in contexts {
        for (ns, name) in repos {
            eventually(
                minute,
                &format!("{ctx} {ns}/{name} fetched after rotation"),
                || {
                    let repo = env.get_json(ctx, ns, &format!("gitrepository/{name}"));
                    let requested = repo
                        .pointer("/metadata/annotations/reconcile.fluxcd.io~1requestedAt")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let handled = repo
                        .pointer("/status/lastHandledReconcileAt")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let requested_at: jiff::Timestamp = requested
                        .parse()
                        .map_err(|e| format!("requestedAt {requested:?} is not the rotation's ({e})"))?;
                    if requested_at.as_second() < rotated_at.as_second() - 1 {
                        return Err(format!("requestedAt {requested} predates the rotation"));
                    }
                    if handled != requested {
                        return Err(format!("lastHandledReconcileAt {handled:?} != {requested:?}"));
                    }
                    let ready =
                        condition(&repo, "Ready").ok_or_else(|| format!("no Ready condition: {repo:#}"))?;
                    let generation = &repo["metadata"]["generation"];
                    if ready["status"] != "True" || &ready["observedGeneration"] != generation {
                        return Err(format!("not Ready: {ready:#}"));
                    }
                    if repo.pointer("/status/artifact/revision").is_none() {
                        return Err(format!("no artifact: {repo:#}"));
                    }
                    Ok(())
                },
            );
        }
        let root = env.tree(ctx);
        for (ns, name) in repos {
            let node = find(&root, "GitRepository", ns, name)
                .unwrap_or_else(|| panic!("GitRepository {ns}/{name} not in {ctx} tree"));
            assert_eq!(status(node), "Ready", "{node:#}");
        }
    }
    let fleet_repo = env.repo_url("fleet");
    assert_eq!(
        git_http_status(&fleet_repo, &old_token),
        401,
        "the git server must reject the old token"
    );
    assert_eq!(
        git_http_status(&fleet_repo, &new_token),
        200,
        "the git server must accept the new token"
    );

    // 5. No token in anything any command printed.
    let transcript = TRANSCRIPT.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(transcript.len() > 1000, "the transcript recorded the commands");
    for (what, token) in [("old", &old_token), ("new", &new_token)] {
        assert!(
            !transcript.contains(token.as_str()),
            "the {what} token leaked into a command's output"
        );
    }
    eprintln!("e2e: whole flow in {:.1}s", started.elapsed().as_secs_f64());
}
