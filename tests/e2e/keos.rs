//! A keos fleet (issue 13) against the real source- and kustomize-controller: built with our
//! commands as a keos user would (`bootstrap init`, `tenant component add`, `tenant create
//! --tenant apps`, `tenant app add --secrets`, `secret set` with the real sops and an age key),
//! served by the local git server together with stub `keos-system-services` and `keos-apps`
//! repositories, bootstrapped with `kubectl fleet bootstrap`, the token rotated, and bootstrap run
//! again after a change of the runtime info (it must wait for the new revision, not trust the
//! previous one's Ready).
//!
//! keos runs Flux in flux-system; this test uses `production` (the peer tests use `staging`).
//! Two pieces of a keos cluster cannot run here, and the test stands in for them, visibly:
//! - keos-installer and the kubelet: the environment runs the controllers as processes, so the
//!   test declares their Deployments in flux-system as those processes run them (their flags) and
//!   reports them Available, which is what bootstrap's preflight reads (after the demo flow,
//!   flux-operator's Deployments there declare flags the processes do not have, such as
//!   `--no-cross-namespace-refs=true`; the declaration replaces them);
//! - kubernetes-replicator (its Go module is not served here): [`Replicator`] copies the objects
//!   annotated `replicate-to` into every matching namespace as its push mode does (never over an
//!   object it did not create, `replicated-from-version` on each copy), until the test ends.
//!
//! Every condition asserted on was written by the real controllers.
//!
//! A second test bootstraps a keos fleet generated with `--provider github` with a GitHub App: the
//! real source-controller fetches keos-fleet and the domain sources with installation tokens from
//! the loopback GitHub API (tests/support/github_app.rs).

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
};

use super::{
    peer::{bare_repo, testenv_path},
    *,
};

const CTX: &str = "production";
const NS: &str = "flux-system";
const USE_CASE: &str = "e2e";
const REPLICATE_TO: &str = "replicator.v1.mittwald.de/replicate-to";
const REPLICATED_FROM: &str = "replicator.v1.mittwald.de/replicated-from-version";
/// What bootstrap waits for, and what must be Ready: `default` and the domain Kustomizations.
const DOMAIN: &[&str] = &[
    "default",
    "system-services-components",
    "system-services-components-override",
    "apps-prerequisites",
    "apps-components",
    "apps-components-override",
];

/// A bare repository on the git server and this run's work tree for it.
fn new_repo(env: &Env, name: &str) {
    bare_repo(env, name);
    env.git(&env.dir_of(name), &["init", "-q", "-b", "main"]);
}

impl Env {
    fn dir_of(&self, name: &str) -> PathBuf {
        let d = self.dir(name);
        std::fs::create_dir_all(&d).expect("work dir");
        d
    }

    /// `kubectl fleet secret …` in `dir`, with the real sops.
    fn secret(&self, dir: &Path, args: &[&str], stdin: &[u8]) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-fleet-secret"));
        cmd.args(args)
            .current_dir(dir)
            .env("SOPS", var("FLEET_TEST_SOPS"));
        self.run(cmd, Some(stdin))
    }
}

/// kubectl without the transcript: what the stand-ins read holds Secret data.
fn quiet_kubectl(
    kubectl: &Path,
    kubeconfig: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
) -> Result<String, String> {
    let mut child = Command::new(kubectl)
        .env("KUBECONFIG", kubeconfig)
        .args(["--context", CTX])
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("kubectl: {e}"))?;
    if let (Some(data), Some(mut s)) = (stdin, child.stdin.take()) {
        s.write_all(data).map_err(|e| format!("kubectl stdin: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("kubectl: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "kubectl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Stand-in for kubernetes-replicator's push mode, on `production`, while it lives.
struct Replicator {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Replicator {
    fn start(env: &Env) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (kubectl, kubeconfig, flag) = (env.kubectl.clone(), env.kubeconfig.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                if let Err(e) = replicate_once(&kubectl, &kubeconfig) {
                    eprintln!("e2e replicator stand-in: {e}");
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
        Replicator {
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for Replicator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// One pass: every Secret and ConfigMap of flux-system annotated `replicate-to` is copied into the
/// namespaces its anchored patterns match, where no copy of its current resourceVersion exists.
fn replicate_once(kubectl: &Path, kubeconfig: &Path) -> Result<(), String> {
    let json = |text: String| serde_json::from_str::<Value>(&text).map_err(|e| e.to_string());
    let sources = json(quiet_kubectl(
        kubectl,
        kubeconfig,
        &["-n", NS, "get", "secrets,configmaps", "-o", "json"],
        None,
    )?)?;
    let namespaces = json(quiet_kubectl(
        kubectl,
        kubeconfig,
        &["get", "namespaces", "-o", "json"],
        None,
    )?)?;
    let existing = json(quiet_kubectl(
        kubectl,
        kubeconfig,
        &["get", "secrets,configmaps", "-A", "-o", "json"],
        None,
    )?)?;
    let items = |v: &Value| v["items"].as_array().cloned().unwrap_or_default();
    let mut present: BTreeMap<(String, String, String), Option<String>> = BTreeMap::new();
    for o in items(&existing) {
        let key = (
            o["kind"].as_str().unwrap_or_default().to_string(),
            o["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            o["metadata"]["name"].as_str().unwrap_or_default().to_string(),
        );
        let from = o["metadata"]["annotations"][REPLICATED_FROM]
            .as_str()
            .map(str::to_string);
        present.insert(key, from);
    }
    let mut copies = Vec::new();
    for src in items(&sources) {
        let Some(to) = src["metadata"]["annotations"][REPLICATE_TO].as_str() else {
            continue;
        };
        let patterns: Vec<regex::Regex> = to
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .filter_map(|p| regex::Regex::new(&format!("^(?:{p})$")).ok())
            .collect();
        let kind = src["kind"].as_str().unwrap_or_default();
        let name = src["metadata"]["name"].as_str().unwrap_or_default();
        let version = src["metadata"]["resourceVersion"].as_str().unwrap_or_default();
        for ns in items(&namespaces)
            .iter()
            .filter_map(|n| n["metadata"]["name"].as_str())
            .filter(|n| *n != NS && patterns.iter().any(|p| p.is_match(n)))
        {
            match present.get(&(kind.to_string(), ns.to_string(), name.to_string())) {
                // Someone else's object: the replicator leaves it alone.
                Some(None) => continue,
                Some(Some(v)) if v == version => continue,
                _ => {}
            }
            let mut copy = serde_json::json!({
                "apiVersion": "v1",
                "kind": kind,
                "metadata": {"name": name, "namespace": ns, "annotations": {
                    REPLICATED_FROM: version,
                    "replicator.v1.mittwald.de/replicated-at": jiff::Timestamp::now().to_string(),
                }},
            });
            for field in ["data", "type"] {
                if let Some(v) = src.get(field) {
                    copy[field] = v.clone();
                }
            }
            copies.push(copy);
        }
    }
    if copies.is_empty() {
        return Ok(());
    }
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": copies});
    quiet_kubectl(
        kubectl,
        kubeconfig,
        &[
            "apply",
            "--server-side",
            "--force-conflicts",
            "--field-manager",
            "kubernetes-replicator",
            "-f",
            "-",
        ],
        Some(list.to_string().as_bytes()),
    )
    .map(|_| ())
}

/// Stand-in for keos-installer and the kubelet: the Deployments of the controllers the
/// environment runs as processes, with their flags, reported Available.
fn declare_flux_installed(env: &Env) {
    let version = |name: &str| {
        testenv_path(name)
            .file_name()
            .and_then(|f| f.to_str())
            .and_then(|f| f.rsplit_once("-v"))
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| panic!("no version in testenv's {name} path"))
    };
    for (name, args) in [
        ("source-controller", vec!["--watch-all-namespaces=true"]),
        (
            "kustomize-controller",
            vec![
                "--watch-all-namespaces=true",
                "--no-remote-bases=true",
                "--requeue-dependency=10s",
            ],
        ),
    ] {
        let deployment = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": NS},
            "spec": {
                "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}}, "spec": {
                    "serviceAccountName": name,
                    "containers": [{"name": "manager",
                                    "image": format!("ghcr.io/fluxcd/{name}:v{}", version(&name.replace('-', "_"))),
                                    "args": args}],
                }},
            },
        });
        let file = env.work.path().join(format!("{name}-deployment.json"));
        std::fs::write(&file, deployment.to_string()).expect("deployment file");
        let file = file.display().to_string();
        env.kubectl(
            CTX,
            &[
                "apply",
                "--server-side",
                "--force-conflicts",
                "--field-manager",
                "keos-installer",
                "-f",
                &file,
            ],
        )
        .ok("declare the controller Deployment");
        let now = jiff::Timestamp::now().to_string();
        let status = serde_json::json!({"status": {
            "replicas": 1, "readyReplicas": 1, "availableReplicas": 1, "updatedReplicas": 1,
            "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                            "lastTransitionTime": now, "lastUpdateTime": now}],
        }});
        env.kubectl(
            CTX,
            &[
                "-n",
                NS,
                "patch",
                "deployment",
                name,
                "--subresource=status",
                "--type=merge",
                "-p",
                &status.to_string(),
            ],
        )
        .ok("report the controller Available");
    }
}

/// The stub keos-system-services and keos-apps repositories: per component a kustomization of
/// ConfigMaps (no kubelet), some with values the runtime info substitutes.
fn write_stub_repos(env: &Env, data_ns: &str, web_ns: &str) {
    let kustomization = |files: &[&str]| {
        format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n{}",
            files.iter().map(|f| format!("  - {f}\n")).collect::<String>()
        )
    };
    let config_map = |name: &str, ns: &str, data: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\ndata:\n{data}"
        )
    };
    let ss = env.dir_of("keos-system-services");
    for (component, data) in [
        ("monitoring", "  retention: 7d\n"),
        (
            "gosec",
            "  url: https://gosec.${CLUSTER_DOMAIN}\n  size: ${STRATIO_SIZE}\n",
        ),
    ] {
        let d = ss.join(format!("components/{component}/configs/{USE_CASE}"));
        write(d.join("kustomization.yaml"), &kustomization(&["config.yaml"]));
        write(
            d.join("config.yaml"),
            &config_map(&format!("{component}-{}", env.suffix), NS, data),
        );
    }
    let apps = env.dir_of("keos-apps");
    for (component, ns) in [("store", data_ns), ("s3-agent", data_ns), ("ui", web_ns)] {
        let d = apps.join(format!("components/{component}/S"));
        write(d.join("kustomization.yaml"), &kustomization(&["config.yaml"]));
        write(
            d.join("config.yaml"),
            &config_map(
                component,
                ns,
                &format!("  url: https://{component}.${{CLUSTER_DOMAIN}}\n  cluster: ${{CLUSTER_NAME}}\n"),
            ),
        );
    }
}

fn ready_for_generation(obj: &Value) -> Result<(), String> {
    let ready = condition(obj, "Ready").ok_or_else(|| "no Ready condition".to_string())?;
    if ready["status"] == "True" && ready["observedGeneration"] == obj["metadata"]["generation"] {
        Ok(())
    } else {
        Err(format!(
            "{}: {}",
            ready["reason"].as_str().unwrap_or(""),
            ready["message"].as_str().unwrap_or("")
        ))
    }
}

fn ks(ns: &str, name: &str) -> (String, String) {
    (
        ns.to_string(),
        format!("kustomization.kustomize.toolkit.fluxcd.io/{name}"),
    )
}

#[test]
fn keos_fleet_bootstraps_decrypts_its_secret_and_rotates_its_token() {
    let started = Instant::now();
    let env = Env::load();
    let token = env.token();
    let long = Duration::from_secs(300);
    let minute = Duration::from_secs(90);
    let (data_ns, web_ns) = (format!("data-{}", env.suffix), format!("web-{}", env.suffix));
    for repo in ["keos-fleet", "keos-system-services", "keos-apps"] {
        new_repo(&env, repo);
    }

    // The age key of the cluster's SOPS rule, outside the repository.
    let keygen = PathBuf::from(var("FLEET_TEST_AGE_KEYGEN"));
    let key_file = env.work.path().join("age.agekey");
    let key_arg = key_file.display().to_string();
    let mut cmd = Command::new(&keygen);
    cmd.args(["-o", &key_arg]);
    env.run(cmd, None).ok("age-keygen");
    let mut cmd = Command::new(&keygen);
    cmd.args(["-y", &key_arg]);
    let recipient = env.run(cmd, None).ok("age-keygen -y").trim().to_string();
    assert!(recipient.starts_with("age1"), "{recipient}");

    // The fleet, as a keos user writes it.
    let fleet = env.dir_of("keos-fleet");
    write(
        fleet.join("kubectl-fleet.yaml"),
        &format!("profile: keos\nuseCase: {USE_CASE}\n"),
    );
    let kubectl_arg = env.kubectl.display().to_string();
    let fleet_url = env.repo_url("keos-fleet");
    let (ss_url, apps_url) = (env.repo_url("keos-system-services"), env.repo_url("keos-apps"));
    let init = |branch: &str, force: bool| {
        let mut args = vec![
            "init",
            CTX,
            "--git-url",
            &fleet_url,
            "--insecure-http",
            "--git-branch",
            branch,
            "--domain",
            "production.e2e.local",
            "--set",
            "STRATIO_SIZE=S",
            "--set",
            "SOPS_SECRET_PROVIDED=true",
            "--set",
            "CONTAINER_REGISTRY_URL=registry.e2e.local:443",
            "--set",
            "HELM_REGISTRY_PROVIDER=generic",
            "--set",
            "HELM_REGISTRY_TYPE=default",
            "--set",
            "HELM_REGISTRY_URL=https://helm.e2e.local",
            "--sops-age",
            &recipient,
            "--system-services-git-url",
            &ss_url,
            "--apps-git-url",
            &apps_url,
        ];
        if force {
            args.push("--force");
        }
        env.fleet("bootstrap", &fleet, &args).ok("bootstrap init (keos)");
    };
    init("main", false);
    env.fleet("tenant", &fleet, &["component", "add", "monitoring"])
        .ok("tenant component add monitoring");
    env.fleet("tenant", &fleet, &["component", "add", "gosec", "--substitute"])
        .ok("tenant component add gosec");
    for ns in [&data_ns, &web_ns] {
        env.fleet(
            "tenant",
            &fleet,
            &["create", ns, "--tenant", "apps", "--role", "cluster-admin"],
        )
        .ok("tenant create --tenant apps");
    }
    let retry = ["--retry-interval", "10s"];
    let app = |ns: &str, args: &[&str]| {
        let mut all = vec!["app", "add", ns];
        all.extend_from_slice(args);
        all.extend_from_slice(&retry);
        env.fleet("tenant", &fleet, &all).ok("tenant app add");
    };
    app(&data_ns, &["store"]);
    app(&data_ns, &["s3-agent", "--depends-on", "store", "--secrets"]);
    let cross = format!("{data_ns}/s3-agent");
    app(&web_ns, &["ui", "--depends-on", &cross]);
    // The cluster secret, encrypted by the real sops for the age recipient; the value on stdin.
    let access_key = format!("e2e-access-{}", env.suffix);
    env.secret(
        &fleet,
        &[
            "set",
            CTX,
            "s3-agent",
            "s3-credentials",
            "--from-stdin",
            "accessKey",
        ],
        access_key.as_bytes(),
    )
    .ok("secret set");
    let listed = env.secret(&fleet, &["list"], b"").ok("secret list");
    assert!(listed.contains("s3-credentials"), "{listed}");
    let on_disk =
        std::fs::read_to_string(fleet.join(format!("clusters/{CTX}/secrets/s3-agent/s3-credentials.yaml")))
            .expect("the encrypted secret file");
    assert!(
        on_disk.contains("ENC[") && !on_disk.contains(&access_key),
        "encrypted on disk:\n{on_disk}"
    );
    write_stub_repos(&env, &data_ns, &web_ns);
    let push = |refspecs: &[&str]| {
        for repo in ["keos-fleet", "keos-system-services", "keos-apps"] {
            let dir = env.dir(repo);
            env.git(&dir, &["add", "-A"]);
            if !env.git(&dir, &["status", "--porcelain"]).is_empty() {
                env.git(&dir, &["commit", "-qm", repo]);
            }
            let url = env.repo_url(repo);
            let mut args = vec!["push", "-q", url.as_str()];
            args.extend_from_slice(refspecs);
            env.git(&dir, &args);
        }
    };
    push(&["main"]);

    // The credential, into the keyring from stdin.
    env.fleet_stdin(
        "token",
        &["set", "keos-bot", "--from-stdin", "--no-check"],
        token.as_bytes(),
    )
    .ok("token set");

    declare_flux_installed(&env);
    let _replicator = Replicator::start(&env);
    let boot_started = Instant::now();
    let out = env
        .fleet(
            "bootstrap",
            &fleet,
            &[
                CTX,
                "--token",
                "keos-bot",
                "--insecure-http",
                "--sops-age-key",
                &key_arg,
                "--kubectl",
                &kubectl_arg,
                "--timeout",
                "5m",
            ],
        )
        .ok("bootstrap (keos)");
    eprintln!(
        "e2e: keos bootstrap Ready in {:.1}s",
        boot_started.elapsed().as_secs_f64()
    );
    assert!(out.contains("Ready"), "{out}");

    // Every domain Kustomization Ready for its generation, as kustomize-controller wrote it.
    for name in DOMAIN {
        let (ns, res) = ks(NS, name);
        let obj = env.get_json(CTX, &ns, &res);
        ready_for_generation(&obj).unwrap_or_else(|e| panic!("{name} is not Ready: {e}"));
    }
    // The components of both domains, reconciled from the stub repositories.
    let components = [
        (NS.to_string(), "system-services-monitoring-configs".to_string()),
        (NS.to_string(), "system-services-gosec-configs".to_string()),
        (data_ns.clone(), "apps-store".to_string()),
        (data_ns.clone(), "apps-s3-agent-secrets".to_string()),
        (data_ns.clone(), "apps-s3-agent".to_string()),
        (web_ns.clone(), "apps-ui".to_string()),
    ];
    for (ns, name) in &components {
        eventually(long, &format!("Kustomization {ns}/{name} Ready"), || {
            let (ns, res) = ks(ns, name);
            let out = env.kubectl(CTX, &["-n", &ns, "get", &res, "-o", "json"]);
            if !out.ok {
                return Err(out.stderr);
            }
            let obj: Value = serde_json::from_str(&out.stdout).map_err(|e| e.to_string())?;
            ready_for_generation(&obj)
        });
    }
    let gosec = env.get_json(CTX, NS, &format!("configmap/gosec-{}", env.suffix));
    assert_eq!(
        gosec["data"]["url"], "https://gosec.production.e2e.local",
        "{gosec:#}"
    );
    assert_eq!(gosec["data"]["size"], "S", "{gosec:#}");
    let ui = env.get_json(CTX, &web_ns, "configmap/ui");
    assert_eq!(ui["data"]["cluster"], CTX, "{ui:#}");
    // The SOPS secret, decrypted by kustomize-controller with the age key bootstrap wrote.
    let secret = env.get_json(CTX, &data_ns, "secret/s3-credentials");
    let decoded = secret["data"]["accessKey"]
        .as_str()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .unwrap_or_default();
    assert_eq!(
        String::from_utf8_lossy(&decoded),
        access_key,
        "decrypted in the cluster"
    );

    // The rotation: the server accepts only the new token; the fleet Secret's copies follow it;
    // every keos source fetches again.
    eprintln!(
        "e2e: keos fleet reconciled {:.1}s into the test",
        started.elapsed().as_secs_f64()
    );
    let new_token = format!("keos{:032x}", unique_nanos() ^ 0x0123_4567_89ab_cdef_u128);
    let rotated_at = jiff::Timestamp::now();
    {
        let tmp = env.token_file.with_extension("keos-new");
        std::fs::write(&tmp, format!("{new_token}\n")).expect("write new token");
        std::fs::rename(&tmp, &env.token_file).expect("swap token file");
    }
    let run = env.fleet_stdin(
        "token",
        &[
            "rotate",
            "keos-bot",
            "--from-stdin",
            "--no-check",
            "--context",
            CTX,
            "--timeout",
            "3m",
        ],
        new_token.as_bytes(),
    );
    let said = format!("{}{}", run.stdout, run.stderr);
    run.ok("token rotate");
    eprintln!(
        "e2e: keos token rotated {:.1}s into the test",
        started.elapsed().as_secs_f64()
    );
    // The fleet Secret's copies were checked, and the user told so.
    assert!(said.contains("followed (kubernetes-replicator"), "{said}");
    for name in ["keos-fleet", "keos-system-services", "keos-apps"] {
        eventually(minute, &format!("{name} fetched after rotation"), || {
            let repo = env.get_json(CTX, NS, &format!("gitrepository/{name}"));
            let requested = repo
                .pointer("/metadata/annotations/reconcile.fluxcd.io~1requestedAt")
                .and_then(Value::as_str)
                .unwrap_or("");
            let requested_at: jiff::Timestamp = requested
                .parse()
                .map_err(|e| format!("requestedAt {requested:?} ({e})"))?;
            if requested_at.as_second() < rotated_at.as_second() - 1 {
                return Err(format!("requestedAt {requested} predates the rotation"));
            }
            let handled = repo
                .pointer("/status/lastHandledReconcileAt")
                .and_then(Value::as_str)
                .unwrap_or("");
            if handled != requested {
                return Err(format!("lastHandledReconcileAt {handled:?} != {requested:?}"));
            }
            ready_for_generation(&repo)
        });
    }
    assert_eq!(
        git_http_status(&fleet_url, &token),
        401,
        "the old token is refused"
    );
    assert_eq!(
        git_http_status(&fleet_url, &new_token),
        200,
        "the new token is accepted"
    );

    // A re-run after a change of the runtime info (the component repositories' branch): bootstrap
    // returns only once `default` and every domain Kustomization applied the fleet revision that
    // holds it (their Ready of the previous revision does not count), so the domain sources
    // already follow the new branch.
    init("release", true);
    push(&["main", "main:release"]);
    let commit = env.git(&fleet, &["rev-parse", "HEAD"]).trim().to_string();
    env.fleet(
        "bootstrap",
        &fleet,
        &[
            CTX,
            "--insecure-http",
            "--kubectl",
            &kubectl_arg,
            "--timeout",
            "3m",
        ],
    )
    .ok("bootstrap (keos) after the runtime info changed");
    let source = env.get_json(CTX, NS, "gitrepository/keos-fleet");
    let served = source
        .pointer("/status/artifact/revision")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    assert!(served.ends_with(&commit), "serves {commit}: {source:#}");
    for name in DOMAIN {
        let (ns, res) = ks(NS, name);
        let obj = env.get_json(CTX, &ns, &res);
        ready_for_generation(&obj).unwrap_or_else(|e| panic!("{name} is not Ready: {e}"));
        assert_eq!(
            obj.pointer("/status/lastAppliedRevision").and_then(Value::as_str),
            Some(served.as_str()),
            "{name} applied the new revision before bootstrap returned"
        );
    }
    for name in ["keos-system-services", "keos-apps"] {
        let repo = env.get_json(CTX, NS, &format!("gitrepository/{name}"));
        assert_eq!(repo["spec"]["ref"]["branch"], "release", "{repo:#}");
    }

    let transcript = TRANSCRIPT.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for (what, secret) in [
        ("old token", &token),
        ("new token", &new_token),
        ("secret value", &access_key),
    ] {
        assert!(
            !transcript.contains(secret.as_str()),
            "the {what} leaked into a command's output"
        );
    }
    let identity = std::fs::read_to_string(&key_file).expect("age key");
    let identity = identity
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("an age identity");
    assert!(
        !transcript.contains(identity),
        "the age identity leaked into a command's output"
    );
    eprintln!("e2e: keos flow in {:.1}s", started.elapsed().as_secs_f64());
}

/// Deletes what a keos bootstrap left in flux-system of `production` when a test ends (pass or
/// fail). kustomize-controller owns the `spec.provider: github` it applied to keos-fleet from git,
/// so a later bootstrap with a token (the other keos test, or this run again) could not drop it by
/// applying keos-fleet without it: source-controller would then refuse the token Secret.
struct ResetKeos<'a>(&'a Env);

impl Drop for ResetKeos<'_> {
    fn drop(&mut self) {
        let env = self.0;
        // kustomize-controller prunes what each Kustomization applied as it deletes it.
        let mut args = vec!["-n", NS, "delete", "kustomization"];
        args.extend_from_slice(DOMAIN);
        args.extend(["--ignore-not-found", "--wait", "--timeout=120s"]);
        let _ = env.kubectl(CTX, &args);
        let _ = env.kubectl(
            CTX,
            &[
                "-n",
                NS,
                "delete",
                "gitrepository,configmap",
                "keos-fleet",
                "keos-system-services",
                "keos-apps",
                "keos-runtime-info",
                "--ignore-not-found",
                "--wait",
                "--timeout=60s",
            ],
        );
        let _ = env.kubectl(
            CTX,
            &["-n", NS, "delete", "secret", "flux-system", "--ignore-not-found"],
        );
    }
}

/// `bootstrap init --provider github` + `bootstrap --token APP` on a keos cluster: the App goes from
/// the keyring into the App form of Secret flux-system (githubAppBaseURL = the loopback API), and
/// the real source-controller fetches keos-fleet and the domain GitRepositories keos-system-services
/// and keos-apps with installation tokens it mints (the Secret holds no password). Neither the key
/// nor a token appears in any output, file or log.
#[test]
fn keos_fleet_on_a_github_app_fetches_keos_fleet_and_the_domain_sources() {
    use super::{
        app::{assert_no_secret_material, bare_repo as owner_repo, store_app},
        github_api::{FakeGithub, generate_key},
    };

    let env = Env::load();
    let _reset = ResetKeos(&env);
    let use_case = "e2e-app";
    let (pem, _, public) = generate_key();
    let github = FakeGithub::start();
    github.publish_to(&env.state.join("git"));
    let (app_id, installation_id) = (31_005, 41_005);
    github.add_app(app_id, &public);
    let repos: Vec<String> = ["keos-app-fleet", "keos-app-services", "keos-app-apps"]
        .iter()
        .map(|r| format!("acme/{r}-{}", env.suffix))
        .collect();
    for r in &repos {
        owner_repo(&env, r);
    }
    let names: Vec<&str> = repos.iter().map(String::as_str).collect();
    github.install(app_id, installation_id, &names);
    github.token_lifetime(120);
    let url = |repo: &str| format!("{}/{repo}.git", env.git_url);
    let credential = format!("keos-app-{}", env.suffix);

    // The component repositories: one commit each, which the domain sources fetch.
    let mut commits = Vec::new();
    let push = |dir: &Path, repo: &str| {
        env.git(dir, &["add", "-A"]);
        env.git(dir, &["commit", "-qm", repo]);
        env.git(dir, &["push", "-q", &url(repo), "main"]);
        env.git(dir, &["rev-parse", "HEAD"]).trim().to_string()
    };
    for repo in &repos[1..] {
        let dir = env.dir_of(repo.rsplit('/').next().unwrap_or(repo));
        env.git(&dir, &["init", "-q", "-b", "main"]);
        write(dir.join("README.md"), &format!("{repo}\n"));
        commits.push(push(&dir, repo));
    }
    let fleet = env.dir_of("keos-app-fleet");
    env.git(&fleet, &["init", "-q", "-b", "main"]);
    write(
        fleet.join("kubectl-fleet.yaml"),
        &format!("profile: keos\nuseCase: {use_case}\n"),
    );
    let (fleet_url, ss_url, apps_url) = (url(&repos[0]), url(&repos[1]), url(&repos[2]));
    env.fleet(
        "bootstrap",
        &fleet,
        &[
            "init",
            CTX,
            "--git-url",
            &fleet_url,
            "--provider",
            "github",
            "--insecure-http",
            "--domain",
            "production.e2e.local",
            "--set",
            "STRATIO_SIZE=S",
            "--set",
            "CONTAINER_REGISTRY_URL=registry.e2e.local:443",
            "--set",
            "HELM_REGISTRY_PROVIDER=generic",
            "--set",
            "HELM_REGISTRY_TYPE=default",
            "--set",
            "HELM_REGISTRY_URL=https://helm.e2e.local",
            "--system-services-git-url",
            &ss_url,
            "--apps-git-url",
            &apps_url,
        ],
    )
    .ok("bootstrap init --provider github (keos)");
    // Pushed with the PAT (installation tokens are read-only).
    commits.insert(0, push(&fleet, &repos[0]));

    store_app(&env, &credential, &github, (app_id, installation_id), &pem);
    declare_flux_installed(&env);
    let kubectl_arg = env.kubectl.display().to_string();
    env.fleet(
        "bootstrap",
        &fleet,
        &[
            CTX,
            "--token",
            &credential,
            "--insecure-http",
            "--kubectl",
            &kubectl_arg,
            "--no-wait",
        ],
    )
    .ok("bootstrap (keos) with the App");

    let secret = env.get_json(CTX, NS, "secret/flux-system");
    app::assert_app_form_keys(&secret, CTX);
    assert_eq!(
        secret["metadata"]["annotations"][REPLICATE_TO], ".*",
        "still replicated"
    );
    let base_url = secret["data"]["githubAppBaseURL"]
        .as_str()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .unwrap_or_default();
    assert_eq!(String::from_utf8_lossy(&base_url), github.api());

    // keos-fleet, then the domain sources the domain Kustomizations apply from it, each fetched
    // with the App at its repository's commit.
    let long = Duration::from_secs(180);
    for (name, commit) in ["keos-fleet", "keos-system-services", "keos-apps"]
        .iter()
        .zip(&commits)
    {
        let repo = eventually(long, &format!("{name} fetched with the App"), || {
            let out = env.kubectl(
                CTX,
                &["-n", NS, "get", &format!("gitrepository/{name}"), "-o", "json"],
            );
            if !out.ok {
                return Err(out.stderr);
            }
            let obj: Value = serde_json::from_str(&out.stdout).map_err(|e| e.to_string())?;
            let rev = obj
                .pointer("/status/artifact/revision")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !rev.ends_with(commit.as_str()) {
                return Err(format!("revision {rev:?}: {:#}", obj["status"]));
            }
            ready_for_generation(&obj).map(|()| obj)
        });
        assert_eq!(repo["spec"]["provider"], "github", "{name}");
        assert_eq!(repo["spec"]["secretRef"]["name"], "flux-system", "{name}");
    }
    // token set minted one; source-controller minted its own, every JWT verified.
    let mints = github.mints();
    assert!(mints.len() >= 2, "{mints:?}");
    assert!(
        mints.iter().all(|m| *m == (installation_id, 201)),
        "every JWT verified: {mints:?}"
    );

    assert_no_secret_material(&env, &pem, &github, &[]);
    env.fleet("token", env.work.path(), &["delete", &credential])
        .ok("token delete");
}
