//! The keyring tier: the real `kubectl-fleet-token` binary against a real Secret Service
//! (gnome-keyring in a private D-Bus session, unlocked) and the real kube-apiservers.
//!
//! `scripts/test.sh` runs it after starting the clusters, as
//! `dbus-run-session -- bash -c 'echo -n fleet-test | gnome-keyring-daemon --unlock --components=secrets; cargo test --test keyring -- --test-threads=1'`,
//! so every command here is a separate process that finds what the previous one stored. Each test
//! uses its own config directory (`XDG_CONFIG_HOME`) and unique credential names.

#[path = "../it/common/mod.rs"]
mod common;
#[path = "../support/gitlab.rs"]
mod gitlab_api;
#[path = "../support/token.rs"]
mod support;

mod app_secrets;
mod audit;
mod bootstrap;
mod github_app;
mod gitlab;
mod migrate;
mod tenant;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::Duration,
};

use common::{Cmd, Run, apply, env, namespace, unique};
use fleet::{
    credentials::{KeyringStore, SecretStore, rotation::previous_entry},
    kube::{ClientOptions, KubeTarget, load_kubeconfig},
};
use futures::StreamExt;
use serde_json::{Value, json};
use support::{
    Answer, FakeProvider, FakeSourceController, git_repository, git_secret, github_expiry_in, secret_data,
};

/// One user's environment: a config directory and a kubeconfig, plus every output seen, so the
/// leak test can search all of it.
struct User {
    config: tempfile::TempDir,
    kubeconfig: PathBuf,
    outputs: std::sync::Mutex<Vec<String>>,
}

impl User {
    fn new() -> Self {
        User {
            config: tempfile::tempdir().expect("config dir"),
            kubeconfig: env().kubeconfig.clone(),
            outputs: Default::default(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Cmd {
        Cmd::fleet("kubectl-fleet-token")
            .env("XDG_CONFIG_HOME", self.config.path())
            .arg_kubeconfig(&self.kubeconfig)
            .args(args)
    }

    /// Runs the binary on a blocking thread (the test's runtime keeps driving the fake controller).
    async fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = self.cmd(args);
        if let Some(s) = stdin {
            cmd = cmd.stdin(format!("{s}\n"));
        }
        let run = tokio::task::spawn_blocking(move || cmd.run())
            .await
            .expect("command thread");
        self.outputs
            .lock()
            .expect("lock")
            .push(format!("$ {args:?}\n{}\n{}", run.stdout, run.stderr));
        run
    }

    fn index(&self) -> String {
        std::fs::read_to_string(self.config.path().join("kubectl-fleet/credentials.yaml")).unwrap_or_default()
    }

    fn state_file(&self, name: &str) -> PathBuf {
        self.config
            .path()
            .join(format!("kubectl-fleet/rotations/{name}.yaml"))
    }
}

trait CmdExt {
    fn arg_kubeconfig(self, path: &Path) -> Self;
}

impl CmdExt for Cmd {
    fn arg_kubeconfig(self, path: &Path) -> Self {
        self.args([std::ffi::OsStr::new("--kubeconfig"), path.as_os_str()])
    }
}

fn keyring() -> KeyringStore {
    KeyringStore::open().expect("the test runs inside an unlocked Secret Service session")
}

fn stored(name: &str) -> Option<String> {
    keyring()
        .get(name)
        .expect("keyring read")
        .map(|t| t.expose().to_string())
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_list_check_delete_round_trip_through_the_real_secret_service() {
    let provider = FakeProvider::start();
    let api = format!("{}/api/v3", provider.url);
    let user = User::new();
    let name = unique("bot");
    let token = "ghp_roundTrip_0001";
    provider.answer(
        token,
        Answer::GithubValid {
            login: "fleet-bot".into(),
            expiry_header: Some(github_expiry_in(10)),
            scopes: Some("repo".into()),
        },
    );

    let set = user
        .run(&["set", &name, "--from-stdin", "--api-url", &api], Some(token))
        .await;
    assert_eq!(set.code, 0, "{set:?}");
    assert!(
        set.stderr.contains("token is valid for fleet-bot, expires"),
        "{}",
        set.stderr
    );
    assert!(
        set.stderr
            .contains(&format!("stored credential '{name}' in the OS keyring")),
        "{}",
        set.stderr
    );
    // Another process (this test) reads it back from the Secret Service.
    assert_eq!(stored(&name).as_deref(), Some(token));

    let again = user
        .run(&["set", &name, "--from-stdin", "--no-check"], Some("ghp_other"))
        .await;
    assert_eq!(again.code, 2, "{again:?}");
    assert!(
        again.stderr.contains("already exists: pass --force"),
        "{}",
        again.stderr
    );
    assert_eq!(stored(&name).as_deref(), Some(token), "nothing replaced");

    let list = user.run(&["list", "-o", "json"], None).await;
    assert_eq!(list.code, 0, "{list:?}");
    let doc = json(&list);
    assert_eq!(doc["apiVersion"], "kubectl-fleet.dev/v1");
    assert_eq!(doc["kind"], "TokenList");
    let entry = &doc["items"][0];
    assert_eq!(entry["name"], name.as_str());
    assert_eq!(entry["provider"], "github");
    assert_eq!(entry["apiUrl"], api.as_str());
    assert_eq!(entry["username"], "git");
    assert_eq!(entry["inKeyring"], true);
    assert_eq!(entry["status"], "Expiring");
    assert!(matches!(entry["daysLeft"].as_i64(), Some(9 | 10)), "{entry}");
    assert_eq!(entry["lastCheck"]["identity"], "fleet-bot");
    assert_eq!(entry["lastCheck"]["scopes"], json!(["repo"]));

    let table = user.run(&["list"], None).await;
    assert!(table.stdout.starts_with("NAME "), "{}", table.stdout);
    assert!(table.stdout.contains("Expiring"), "{}", table.stdout);
    assert!(table.stderr.contains("expires on"), "{}", table.stderr);

    // Within the warning window: exit 0 with a warning; outside it: plain success.
    let check = user.run(&["check", &name], None).await;
    assert_eq!(check.code, 0, "{check:?}");
    assert!(
        check.stderr.contains("⚠") && check.stderr.contains("expires on"),
        "{}",
        check.stderr
    );
    let relaxed = user.run(&["check", &name, "--warn-days", "3"], None).await;
    assert_eq!(relaxed.code, 0, "{relaxed:?}");
    assert!(
        relaxed.stderr.contains(&format!("✔ {name}: valid for fleet-bot")),
        "{}",
        relaxed.stderr
    );
    assert!(relaxed.stdout.contains("Valid"), "{}", relaxed.stdout);

    // A second credential on GitLab, guessed from the prefix, checked against its API.
    let gl = unique("gitlab-bot");
    let gl_token = "glpat-roundTrip0002";
    provider.answer(
        gl_token,
        Answer::GitlabValid {
            name: "fleet".into(),
            expires_at: Some("2099-01-01".into()),
            active: true,
        },
    );
    let gitlab_api = format!("{}/api/v4", provider.url);
    let set_gl = user
        .run(
            &["set", &gl, "--from-stdin", "--api-url", &gitlab_api],
            Some(gl_token),
        )
        .await;
    assert_eq!(set_gl.code, 0, "{set_gl:?}");
    let both = json(&user.run(&["check", "-o", "json"], None).await);
    assert_eq!(both["kind"], "TokenCheck");
    let statuses: BTreeMap<String, String> = both["items"]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap_or("").to_string(),
                v["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(statuses[&gl], "Valid");
    assert_eq!(statuses[&name], "Expiring");

    // Replacing with a token the provider rejects changes nothing.
    let rejected = user
        .run(&["set", &name, "--from-stdin", "--force"], Some("ghp_rejected"))
        .await;
    assert_eq!(rejected.code, 1, "{rejected:?}");
    assert!(
        rejected.stderr.contains("the provider rejected the token"),
        "{}",
        rejected.stderr
    );
    assert_eq!(stored(&name).as_deref(), Some(token));

    // The provider revokes it: check exits 1 and list shows it.
    provider.answer(token, Answer::RateLimited);
    let limited = user.run(&["check", &name], None).await;
    assert_eq!(
        limited.code, 1,
        "a check that cannot reach a verdict fails: {limited:?}"
    );
    assert!(
        limited.stderr.contains("rate limit exceeded"),
        "{}",
        limited.stderr
    );
    provider.answer("unused", Answer::RateLimited);
    let provider2 = FakeProvider::start(); // knows no token: 401 for everything
    let revoked_api = format!("{}/api/v3", provider2.url);
    let moved = user
        .run(
            &[
                "set",
                &name,
                "--from-stdin",
                "--force",
                "--no-check",
                "--api-url",
                &revoked_api,
            ],
            Some(token),
        )
        .await;
    assert_eq!(moved.code, 0, "{moved:?}");
    let invalid = user.run(&["check", &name], None).await;
    assert_eq!(invalid.code, 1, "{invalid:?}");
    assert!(invalid.stderr.contains("401 Unauthorized"), "{}", invalid.stderr);
    assert!(user.run(&["list"], None).await.stdout.contains("Invalid"));

    // Delete removes token and metadata; deleting again is an error.
    let delete = user.run(&["delete", &name], None).await;
    assert_eq!(delete.code, 0, "{delete:?}");
    assert_eq!(stored(&name), None);
    assert!(!user.index().contains(&format!("{name}:")), "{}", user.index());
    let twice = user.run(&["delete", &name], None).await;
    assert_eq!(twice.code, 2, "{twice:?}");
    assert_eq!(user.run(&["delete", &gl], None).await.code, 0);
    assert_eq!(
        fleet::credentials::meta::MetaStore::at(user.config.path().join("kubectl-fleet"))
            .load()
            .expect("index")
            .credentials
            .len(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keyring_the_error_says_why_and_what_to_do() {
    let user = User::new();
    let run = tokio::task::spawn_blocking({
        let cmd = user
            .cmd(&["set", "bot", "--from-stdin", "--no-check"])
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/kubectl-fleet-bus",
            )
            .stdin("ghp_nokeyring\n");
        move || cmd.run()
    })
    .await
    .expect("thread");
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with("error: no OS keyring is available"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--token-stdin") && run.stderr.contains("--token-env"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Secret Service"), "{}", run.stderr);
    assert!(!run.stderr.contains("ghp_nokeyring"));
    assert!(
        !user.config.path().join("kubectl-fleet/credentials.yaml").exists(),
        "nothing written"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_prompt_needs_a_terminal() {
    let user = User::new();
    let run = user.run(&["set", &unique("bot"), "--no-check"], None).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("stdin is not a terminal: pipe the token in with --from-stdin"),
        "{}",
        run.stderr
    );
}

/// One cluster prepared for a rotation test.
struct Prepared {
    target: KubeTarget,
    ns: String,
    tenant: String,
    controller: FakeSourceController,
}

/// Every cluster gets the same two namespaces: `ns`, trusted as the Flux namespace
/// (`--flux-namespace`: the shared clusters hold the FluxInstances of many bootstrap tests), with
/// the sync Secret, the tenant's Secret and a hand-made one; and a namespace of tenant `apps` with
/// the copy `--propagate` made.
async fn prepare(credential: &str, old: &str, new: &str) -> Vec<Prepared> {
    let ns = unique("rot-sys");
    let tenant = unique("rot-app");
    let mut out = Vec::new();
    for context in &env().contexts {
        let target = env().target(context).await;
        for (name, labels) in [
            (&ns, json!({})),
            (&tenant, json!({"toolkit.fluxcd.io/tenant": "apps"})),
        ] {
            apply(
                &target,
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}),
            )
            .await;
        }
        apply(
            &target,
            git_secret(&ns, "flux-system", Some(credential), "fleet-bot", old),
        )
        .await;
        let mut source = git_secret(&ns, "flux-apps", Some(credential), "git", old);
        source["metadata"]["labels"] = json!({"toolkit.fluxcd.io/tenant": "apps"});
        apply(&target, source).await;
        let mut copy = git_secret(&tenant, "flux-apps", Some(credential), "git", old);
        copy["metadata"]["labels"] = json!({"kubectl-fleet.dev/propagated-from": format!("{ns}.flux-apps")});
        apply(&target, copy).await;
        apply(&target, git_secret(&ns, "hand-made", None, "git", old)).await;
        apply(&target, git_repository(&ns, "flux-system", "flux-system", false)).await;
        apply(&target, git_repository(&tenant, "apps", "flux-apps", false)).await;
        let controller = FakeSourceController::start(target.clone(), vec![ns.clone(), tenant.clone()], new);
        out.push(Prepared {
            target,
            ns: ns.clone(),
            tenant: tenant.clone(),
            controller,
        });
    }
    out
}

async fn passwords(p: &Prepared) -> (String, String, String) {
    (
        secret_data(&p.target, &p.ns, "flux-system").await["password"].clone(),
        secret_data(&p.target, &p.tenant, "flux-apps").await["password"].clone(),
        secret_data(&p.target, &p.ns, "hand-made").await["password"].clone(),
    )
}

/// A copy of the test kubeconfig where `context`'s cluster points at a closed loopback port.
async fn kubeconfig_with_dead(dir: &Path, context: &str) -> (PathBuf, String, String) {
    let text = std::fs::read_to_string(&env().kubeconfig).expect("kubeconfig");
    let kc = load_kubeconfig(Some(&env().kubeconfig)).expect("loads");
    let server = kc
        .target(context, ClientOptions::default())
        .await
        .expect("target")
        .server;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("https://{}", closed.local_addr().expect("addr"));
    drop(closed);
    assert_eq!(text.matches(&server).count(), 1, "{server} appears once");
    let path = dir.join("kubeconfig-dead");
    std::fs::write(&path, text.replace(&server, &dead)).expect("write kubeconfig");
    (path, server, dead)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_updates_three_clusters_waits_for_flux_and_drops_the_previous_token() {
    let provider = FakeProvider::start();
    let api = format!("{}/api/v3", provider.url);
    let user = User::new();
    let name = unique("fleet-bot");
    let (old, new) = ("ghp_rotate3_OLD", "ghp_rotate3_NEW");
    for t in [old, new] {
        provider.answer(
            t,
            Answer::GithubValid {
                login: "fleet-bot".into(),
                expiry_header: Some(github_expiry_in(90)),
                scopes: None,
            },
        );
    }
    let clusters = prepare(&name, old, new).await;
    assert_eq!(
        user.run(&["set", &name, "--from-stdin", "--api-url", &api], Some(old))
            .await
            .code,
        0
    );

    let dry = user
        .run(
            &[
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--dry-run",
            ],
            None,
        )
        .await;
    assert_eq!(dry.code, 0, "{dry:?}");
    assert_eq!(
        dry.stdout.matches("replace data with the new token").count(),
        9,
        "{}",
        dry.stdout
    );
    assert!(dry.stderr.contains("dry run: nothing was changed"));
    assert_eq!(passwords(&clusters[0]).await.0, old);

    let same = user
        .run(
            &[
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--from-stdin",
            ],
            Some(old),
        )
        .await;
    assert_eq!(same.code, 2, "{same:?}");
    assert!(same.stderr.contains("is the one credential"), "{}", same.stderr);

    let started = std::time::Instant::now();
    let rotate = user
        .run(
            &[
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--from-stdin",
                "--timeout",
                "60s",
            ],
            Some(new),
        )
        .await;
    let took = started.elapsed();
    assert_eq!(rotate.code, 0, "{rotate:?}");
    eprintln!("rotate on 3 clusters (2 Secrets + 2 GitRepositories each) took {took:?}");
    let lines: Vec<&str> = rotate.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["CLUSTER", "SECRETS", "GIT", "REPOSITORIES", "RESULT"]
    );
    for (line, context) in lines[1..].iter().zip(&env().contexts) {
        let cells: Vec<&str> = line
            .split("   ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(
            cells,
            [context.as_str(), "3 updated", "2/2 ready", "done"],
            "{line}"
        );
    }
    assert!(
        rotate
            .stderr
            .contains("the previous token was removed from the keyring"),
        "{}",
        rotate.stderr
    );
    for c in &clusters {
        assert_eq!(
            passwords(c).await,
            (new.to_string(), new.to_string(), old.to_string()),
            "{}",
            c.target.context
        );
        let handled = c.controller.handled.lock().expect("lock").clone();
        assert!(
            !handled.is_empty() && handled.iter().all(|(.., ok)| *ok),
            "{handled:?}"
        );
    }
    assert_eq!(stored(&name).as_deref(), Some(new));
    assert_eq!(stored(&previous_entry(&name)), None);
    assert!(!user.state_file(&name).exists());
    let listed = json(&user.run(&["list", "-o", "json"], None).await);
    assert_eq!(listed["items"][0]["status"], "Valid");
    assert!(listed["items"][0].get("rotation").is_none());
    assert_eq!(user.run(&["delete", &name], None).await.code, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_cluster_fails_alone_and_resume_completes_the_rotation() {
    let user = User::new();
    let tmp = tempfile::tempdir().expect("tmp");
    let name = unique("fleet-bot");
    let (old, new) = ("ghp_resume_OLD", "ghp_resume_NEW");
    let clusters = prepare(&name, old, new).await;
    let dead_context = env().contexts[2].clone();
    let (dead_kc, real_server, dead_server) = kubeconfig_with_dead(tmp.path(), &dead_context).await;
    let user = User {
        kubeconfig: dead_kc.clone(),
        ..user
    };
    assert_eq!(
        user.run(&["set", &name, "--from-stdin", "--no-check"], Some(old))
            .await
            .code,
        0
    );

    // A plan with a cluster that cannot be planned is a failed plan (issue 12): exit 1.
    let plan = user
        .run(
            &[
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--dry-run",
            ],
            None,
        )
        .await;
    assert_eq!(plan.code, 1, "{plan:?}");
    assert!(
        plan.stdout
            .lines()
            .any(|l| l.starts_with(dead_context.as_str()) && l.contains("unreachable")),
        "{}",
        plan.stdout
    );

    let rotate = user
        .run(
            &[
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--from-stdin",
                "--no-check",
            ],
            Some(new),
        )
        .await;
    assert_eq!(rotate.code, 1, "{rotate:?}");
    assert!(
        rotate.stderr.contains(&format!(
            "✗ {dead_context}: cluster '{dead_context}' is unreachable at {dead_server}"
        )),
        "{}",
        rotate.stderr
    );
    assert!(
        rotate
            .stderr
            .contains(&format!("kubectl fleet token rotate {name} --resume")),
        "{}",
        rotate.stderr
    );
    assert!(rotate.stdout.contains("failed: cluster"), "{}", rotate.stdout);
    for c in &clusters[..2] {
        assert_eq!(passwords(c).await.0, new, "{}", c.target.context);
    }
    assert_eq!(
        passwords(&clusters[2]).await.0,
        old,
        "the unreachable cluster was not touched"
    );
    // The keyring keeps both values; the state file names the cluster left.
    assert_eq!(stored(&name).as_deref(), Some(new));
    assert_eq!(stored(&previous_entry(&name)).as_deref(), Some(old));
    let state = std::fs::read_to_string(user.state_file(&name)).expect("state file");
    assert!(
        state.contains(&format!("context: {dead_context}")) && state.contains("state: failed"),
        "{state}"
    );

    // Everything else refuses to run over an unfinished rotation and says what to do.
    let again = user
        .run(
            &[
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--from-stdin",
                "--no-check",
            ],
            Some("ghp_third"),
        )
        .await;
    assert_eq!(again.code, 1, "{again:?}");
    assert!(
        again.stderr.contains("unfinished rotation") && again.stderr.contains("2 of 3 clusters done"),
        "{}",
        again.stderr
    );
    let set = user
        .run(
            &["set", &name, "--from-stdin", "--force", "--no-check"],
            Some("ghp_third"),
        )
        .await;
    assert_eq!(set.code, 1, "{set:?}");
    let list = json(&user.run(&["list", "-o", "json"], None).await);
    assert_eq!(list["items"][0]["status"], "Rotating");
    assert_eq!(list["items"][0]["rotation"]["remaining"], json!([dead_context]));

    // The cluster is reachable again (kubeconfig fixed): --resume finishes only what is left.
    std::fs::write(
        &dead_kc,
        std::fs::read_to_string(&dead_kc)
            .expect("read")
            .replace(&dead_server, &real_server),
    )
    .expect("fix kubeconfig");
    let before = clusters[0].controller.handled.lock().expect("lock").len();
    let resume = user.run(&["rotate", &name, "--resume"], None).await;
    assert_eq!(resume.code, 0, "{resume:?}");
    assert!(resume.stderr.contains("now points at"), "{}", resume.stderr);
    assert_eq!(
        resume.stdout.lines().count(),
        2,
        "only the remaining cluster: {}",
        resume.stdout
    );
    assert_eq!(
        passwords(&clusters[2]).await,
        (new.to_string(), new.to_string(), old.to_string())
    );
    assert_eq!(
        clusters[0].controller.handled.lock().expect("lock").len(),
        before,
        "done clusters untouched"
    );
    assert_eq!(stored(&previous_entry(&name)), None);
    assert!(!user.state_file(&name).exists());
    let nothing = user.run(&["rotate", &name, "--resume"], None).await;
    assert_eq!(nothing.code, 2, "{nothing:?}");
    assert!(
        nothing.stderr.contains("has no unfinished rotation to resume"),
        "{}",
        nothing.stderr
    );
    assert_eq!(user.run(&["delete", &name], None).await.code, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_during_an_unfinished_rotation_needs_force_and_no_lock_file_is_left() {
    let user = User::new();
    let tmp = tempfile::tempdir().expect("tmp");
    let name = unique("del-bot");
    let (old, new) = ("ghp_delrot_OLD", "ghp_delrot_NEW");
    let clusters = prepare(&name, old, new).await;
    let dead_context = env().contexts[1].clone();
    let (dead_kc, ..) = kubeconfig_with_dead(tmp.path(), &dead_context).await;
    let user = User {
        kubeconfig: dead_kc,
        ..user
    };
    let rotations = user.config.path().join("kubectl-fleet/rotations");
    let lock_files = || -> Vec<String> {
        std::fs::read_dir(&rotations)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".lock"))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Commands about credentials that do not exist leave no lock file behind.
    let ghost = unique("ghost");
    assert_eq!(user.run(&["delete", &ghost], None).await.code, 2);
    let rotate = user
        .run(
            &["rotate", &ghost, "--all-contexts", "--from-stdin", "--no-check"],
            Some(new),
        )
        .await;
    assert_eq!(rotate.code, 2, "{rotate:?}");
    assert_eq!(lock_files(), Vec::<String>::new(), "no lock file for {ghost}");

    assert_eq!(
        user.run(&["set", &name, "--from-stdin", "--no-check"], Some(old))
            .await
            .code,
        0
    );
    let rotate = user
        .run(
            &[
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--from-stdin",
                "--no-check",
            ],
            Some(new),
        )
        .await;
    assert_eq!(rotate.code, 1, "one cluster is unreachable: {rotate:?}");
    assert_eq!(
        lock_files(),
        Vec::<String>::new(),
        "the rotation released its lock"
    );

    // Without --force (and no terminal to ask on) both tokens stay.
    let refused = user.run(&["delete", &name], None).await;
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("unfinished rotation") && refused.stderr.contains("--force"),
        "{}",
        refused.stderr
    );
    assert_eq!(stored(&name).as_deref(), Some(new));
    assert_eq!(stored(&previous_entry(&name)).as_deref(), Some(old));
    assert!(user.state_file(&name).exists());

    let forced = user.run(&["delete", &name, "--force"], None).await;
    assert_eq!(forced.code, 0, "{forced:?}");
    assert!(forced.stderr.contains("was discarded"), "{}", forced.stderr);
    assert_eq!((stored(&name), stored(&previous_entry(&name))), (None, None));
    assert!(!user.state_file(&name).exists());
    assert_eq!(lock_files(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_puts_the_previous_token_back_everywhere() {
    let user = User::new();
    let tmp = tempfile::tempdir().expect("tmp");
    let name = unique("fleet-bot");
    let (old, new) = ("ghp_rollback_OLD", "ghp_rollback_NEW");
    let clusters = prepare(&name, old, new).await;
    let dead_context = env().contexts[1].clone();
    let (dead_kc, real_server, dead_server) = kubeconfig_with_dead(tmp.path(), &dead_context).await;
    let user = User {
        kubeconfig: dead_kc.clone(),
        ..user
    };
    assert_eq!(
        user.run(&["set", &name, "--from-stdin", "--no-check"], Some(old))
            .await
            .code,
        0
    );
    let rotate = user
        .run(
            &[
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--from-stdin",
                "--no-check",
            ],
            Some(new),
        )
        .await;
    assert_eq!(rotate.code, 1, "{rotate:?}");

    // Roll back while the cluster is still unreachable: the others go back, the run fails, and the
    // state now says "rollback".
    for c in &clusters {
        c.controller.accept(old);
    }
    let partial = user.run(&["rotate", &name, "--rollback"], None).await;
    assert_eq!(partial.code, 1, "{partial:?}");
    assert!(
        partial
            .stderr
            .contains(&format!("kubectl fleet token rotate {name} --rollback")),
        "{}",
        partial.stderr
    );
    assert_eq!(passwords(&clusters[0]).await.0, old);
    let resume = user.run(&["rotate", &name, "--resume"], None).await;
    assert_eq!(
        resume.code, 1,
        "a rollback in progress cannot be resumed as a rotation: {resume:?}"
    );

    std::fs::write(
        &dead_kc,
        std::fs::read_to_string(&dead_kc)
            .expect("read")
            .replace(&dead_server, &real_server),
    )
    .expect("fix kubeconfig");
    let rollback = user.run(&["rotate", &name, "--rollback"], None).await;
    assert_eq!(rollback.code, 0, "{rollback:?}");
    assert!(
        rollback
            .stderr
            .contains("the keyring holds the previous token again"),
        "{}",
        rollback.stderr
    );
    for c in &clusters {
        assert_eq!(
            passwords(c).await,
            (old.to_string(), old.to_string(), old.to_string()),
            "{}",
            c.target.context
        );
    }
    assert_eq!(stored(&name).as_deref(), Some(old));
    assert_eq!(stored(&previous_entry(&name)), None);
    assert!(!user.state_file(&name).exists());
    assert_eq!(user.run(&["delete", &name], None).await.code, 0);
}

/// A private one-cluster environment (its own etcd and apiserver), torn down on drop.
struct PrivateEnv {
    state: PathBuf,
    kubeconfig: PathBuf,
}

impl PrivateEnv {
    fn up(cluster: &str) -> Self {
        let state = std::env::temp_dir().join(unique("fleet-token-kill"));
        let out = std::process::Command::new(testenv())
            .args(["up", "--clusters", cluster])
            .env("FLEET_TESTENV_STATE", &state)
            .output()
            .expect("testenv runs");
        assert!(
            out.status.success(),
            "testenv up: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PrivateEnv {
            kubeconfig: state.join("kubeconfig"),
            state,
        }
    }

    /// The apiserver's PID from `$STATE/pids`.
    fn apiserver_pid(&self, cluster: &str) -> u32 {
        let pids = std::fs::read_to_string(self.state.join("pids")).expect("pids");
        pids.lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(_, n)| *n == format!("{cluster}-apiserver"))
            .filter_map(|(p, _)| p.parse().ok())
            .next_back()
            .expect("apiserver pid recorded")
    }
}

impl Drop for PrivateEnv {
    fn drop(&mut self) {
        let _ = std::process::Command::new(testenv())
            .arg("down")
            .env("FLEET_TESTENV_STATE", &self.state)
            .output();
    }
}

fn testenv() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/testenv/testenv")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_apiserver_mid_rotation_leaves_every_secret_entirely_old_or_entirely_new() {
    // Why this holds: each Secret is rewritten by one PUT of the whole object (data included),
    // which the apiserver turns into one etcd transaction. A kill can stop the rotation between two
    // Secrets, or lose one PUT, but never apply half of one. This test kills the apiserver with
    // SIGKILL while the binary is writing, restarts it on the same etcd, and reads every Secret.
    const COUNT: usize = 300;
    let cluster = "kill";
    let private = PrivateEnv::up(cluster);
    let kc = load_kubeconfig(Some(&private.kubeconfig)).expect("kubeconfig");
    let target = kc
        .target(cluster, ClientOptions::default())
        .await
        .expect("target");
    let name = unique("fleet-bot");
    let (old, new) = ("ghp_kill_OLD_value", "ghp_kill_NEW_value_longer");
    let ns = namespace(&target, "kill").await;
    futures::stream::iter(0..COUNT)
        .for_each_concurrent(16, |i| {
            let target = &target;
            let (ns, name) = (&ns, &name);
            async move {
                // Tenant Secrets of the trusted Flux namespace (one tenant each).
                let mut secret = git_secret(ns, &format!("git-{i:03}"), Some(name), "fleet-bot", old);
                secret["metadata"]["labels"] = json!({"toolkit.fluxcd.io/tenant": format!("t{i:03}")});
                apply(target, secret).await;
            }
        })
        .await;

    let mut user = User::new();
    user.kubeconfig = private.kubeconfig.clone();
    assert_eq!(
        user.run(&["set", &name, "--from-stdin", "--no-check"], Some(old))
            .await
            .code,
        0
    );

    let pid = private.apiserver_pid(cluster);
    let cmdline: Vec<String> = std::fs::read(format!("/proc/{pid}/cmdline"))
        .expect("apiserver cmdline")
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();

    let rotation = {
        let cmd = user
            .cmd(&[
                "rotate",
                &name,
                "--context",
                cluster,
                "--flux-namespace",
                &ns,
                "--from-stdin",
                "--no-check",
                "--no-wait",
                "--request-timeout",
                "5s",
            ])
            .stdin(format!("{new}\n"));
        tokio::task::spawn_blocking(move || cmd.run())
    };
    // Kill as soon as some, but not all, Secrets carry the new token.
    let api: kube::Api<k8s_openapi::api::core::v1::Secret> =
        kube::Api::namespaced(target.client.clone(), &ns);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut seen_new = 0;
    while std::time::Instant::now() < deadline {
        if let Ok(list) = api.list(&Default::default()).await {
            seen_new = list
                .items
                .iter()
                .filter(|s| {
                    s.data
                        .as_ref()
                        .and_then(|d| d.get("password"))
                        .is_some_and(|p| p.0 == new.as_bytes())
                })
                .count();
            if seen_new > 0 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        seen_new > 0 && seen_new < COUNT,
        "caught the rotation mid-way ({seen_new}/{COUNT})"
    );
    let killed = std::process::Command::new("sh")
        .args(["-c", &format!("kill -KILL {pid}")])
        .status()
        .expect("kill");
    assert!(killed.success());
    let run = rotation.await.expect("thread");
    assert_eq!(run.code, 1, "the rotation fails when the apiserver dies: {run:?}");
    assert!(run.stderr.contains(&format!("✗ {cluster}:")), "{}", run.stderr);

    // Restart the apiserver on the same etcd (same flags) and record it so `testenv down` stops it.
    let log = std::fs::File::create(private.state.join("logs/kill-apiserver-restarted.log")).expect("log");
    // Deliberately not waited for: it must outlive this test's checks, and `testenv down` (run by
    // `PrivateEnv`'s drop) stops it by the PID recorded below.
    #[allow(clippy::zombie_processes)]
    let child = std::process::Command::new(&cmdline[0])
        .args(&cmdline[1..])
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("apiserver restarts");
    std::fs::OpenOptions::new()
        .append(true)
        .open(private.state.join("pids"))
        .and_then(|mut f| {
            std::io::Write::write_all(&mut f, format!("{} {cluster}-apiserver\n", child.id()).as_bytes())
        })
        .expect("record pid");
    let fresh = kc
        .target(cluster, ClientOptions::default())
        .await
        .expect("target");
    let api: kube::Api<k8s_openapi::api::core::v1::Secret> = kube::Api::namespaced(fresh.client.clone(), &ns);
    let mut items = None;
    for _ in 0..240 {
        if let Ok(list) = api.list(&Default::default()).await {
            items = Some(list.items);
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let items = items.expect("the restarted apiserver answers");
    assert_eq!(items.len(), COUNT);
    let (mut olds, mut news) = (0, 0);
    for s in &items {
        let data: BTreeMap<String, String> = s
            .data
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
            .collect();
        let name = s.metadata.name.clone().unwrap_or_default();
        assert_eq!(
            data.keys().collect::<Vec<_>>(),
            ["password", "username"],
            "{name}: {data:?}"
        );
        assert_eq!(data["username"], "fleet-bot", "{name}");
        match data["password"].as_str() {
            p if p == old => olds += 1,
            p if p == new => news += 1,
            other => panic!(
                "{name}: password is neither the old nor the new token ({} bytes)",
                other.len()
            ),
        }
    }
    eprintln!("after the kill: {news} Secrets new, {olds} old, none mixed or empty");
    assert!(
        news > 0 && olds > 0,
        "killed mid-rotation: {news} new, {olds} old"
    );

    // --resume finishes the job on the restarted apiserver.
    let resume = user.run(&["rotate", &name, "--resume", "--no-wait"], None).await;
    assert_eq!(resume.code, 0, "{resume:?}");
    let list = api.list(&Default::default()).await.expect("list");
    assert!(
        list.items
            .iter()
            .all(|s| s.data.as_ref().expect("data")["password"].0 == new.as_bytes())
    );
    assert_eq!(user.run(&["delete", &name], None).await.code, 0);
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_command_ever_prints_or_writes_a_token() {
    let provider = FakeProvider::start();
    let api = format!("{}/api/v3", provider.url);
    let name = unique("leak-bot");
    let (old, new, rejected) = (
        "ghp_LEAKCHECK_old_7f3a9",
        "github_pat_LEAKCHECK_new_7f3a9",
        "ghp_LEAKCHECK_bad_7f3a9",
    );
    for t in [old, new] {
        provider.answer(
            t,
            Answer::GithubValid {
                login: "fleet-bot".into(),
                expiry_header: Some(github_expiry_in(5)),
                scopes: Some("repo".into()),
            },
        );
    }
    let clusters = prepare(&name, old, new).await;
    // Hostile objects (issue 12): what a tenant plants to harvest the next token, by label in its
    // namespace and by annotation in a namespace of no tenant. Never written, never printed.
    let planted_ns = unique("leak-other");
    apply(
        &clusters[0].target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": planted_ns}}),
    )
    .await;
    let mut by_label = git_secret(&clusters[0].tenant, "loot", None, "git", "x");
    by_label["metadata"]["labels"] =
        json!({"kubectl-fleet.dev/propagated-from": format!("{}.flux-system", clusters[0].ns)});
    apply(&clusters[0].target, by_label).await;
    apply(
        &clusters[0].target,
        git_secret(&planted_ns, "loot", Some(&name), "git", "x"),
    )
    .await;
    let tmp = tempfile::tempdir().expect("tmp");
    let (dead_kc, real_server, dead_server) = kubeconfig_with_dead(tmp.path(), &env().contexts[2]).await;
    let mut user = User::new();
    user.kubeconfig = dead_kc.clone();

    let runs: Vec<(Vec<&str>, Option<&str>)> = vec![
        (
            vec!["set", &name, "--from-stdin", "--api-url", &api, "-v"],
            Some(old),
        ),
        (
            vec!["set", &name, "--from-stdin", "--force", "-v"],
            Some(rejected),
        ),
        (vec!["list"], None),
        (vec!["list", "-o", "json"], None),
        (vec!["list", "-o", "yaml"], None),
        (vec!["check", "-v"], None),
        (vec!["check", "-o", "json"], None),
        (vec!["check", "-o", "yaml"], None),
        (
            vec![
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--dry-run",
                "-o",
                "json",
            ],
            None,
        ),
        (
            vec![
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--dry-run",
            ],
            None,
        ),
        (
            vec![
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--from-stdin",
                "-v",
            ],
            Some(rejected),
        ),
        (
            vec![
                "rotate",
                &name,
                "--all-contexts",
                "--flux-namespace",
                &clusters[0].ns,
                "--from-stdin",
                "-v",
                "-o",
                "json",
            ],
            Some(new),
        ),
        (vec!["list", "-o", "json"], None),
    ];
    for (args, stdin) in &runs {
        user.run(args, *stdin).await;
    }
    // Fix the kubeconfig and finish, then the remaining commands.
    std::fs::write(
        &dead_kc,
        std::fs::read_to_string(&dead_kc)
            .expect("read")
            .replace(&dead_server, &real_server),
    )
    .expect("fix");
    for (args, stdin) in [
        (
            vec!["rotate", name.as_str(), "--resume", "-o", "yaml", "-v"],
            None::<&str>,
        ),
        (vec!["check", name.as_str(), "-v"], None),
        (vec!["list", "-o", "yaml"], None),
        (vec!["delete", name.as_str(), "-v"], None),
    ] {
        user.run(&args, stdin).await;
    }
    for (ns, what) in [(&clusters[0].tenant, "by label"), (&planted_ns, "by annotation")] {
        assert_eq!(
            secret_data(&clusters[0].target, ns, "loot").await["password"],
            "x",
            "the Secret planted {what} in {ns} was written"
        );
    }
    assert_eq!(
        passwords(&clusters[2]).await.0,
        new,
        "the scenario ran to the end"
    );

    let mut haystacks: Vec<(String, String)> = user
        .outputs
        .lock()
        .expect("lock")
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("output of command {i}"), o.clone()))
        .collect();
    for f in files_under(user.config.path()) {
        haystacks.push((
            f.display().to_string(),
            String::from_utf8_lossy(&std::fs::read(&f).unwrap_or_default()).into_owned(),
        ));
    }
    // The apiservers' own logs and audit logs (request URIs, metadata) must not carry it either.
    for f in files_under(&env().state.join("logs")) {
        haystacks.push((
            f.display().to_string(),
            String::from_utf8_lossy(&std::fs::read(&f).unwrap_or_default()).into_owned(),
        ));
    }
    assert!(
        haystacks.len() > 20,
        "searched {} outputs and files",
        haystacks.len()
    );
    for (what, text) in &haystacks {
        for token in [old, new, rejected, "LEAKCHECK"] {
            assert!(!text.contains(token), "{what} contains a token ({token})");
        }
    }
    // And the commands did what they claim (so the search above covered real work).
    let all = haystacks
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("the provider rejected the token"));
    assert!(all.contains("replace data with the new token"));
    assert!(all.contains("\"complete\": false") || all.contains("complete: false"));
    assert!(all.contains("the previous token was removed from the keyring"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prompt_on_a_terminal_does_not_echo_the_token() {
    // `script` gives the binary a pseudo-terminal as stdin/stdout; its transcript is exactly what a
    // user would see on screen.
    let user = User::new();
    let name = unique("tty-bot");
    let token = "ghp_typedAtTheTerminal_42";
    let bin = common::bin("kubectl-fleet-token");
    let mut child = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} set {name} --no-check", bin.display()),
            "/dev/null",
        ])
        .env("XDG_CONFIG_HOME", user.config.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script runs");
    // Type only once the prompt has turned echo off, as a person would.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(format!("{token}\r").as_bytes()).expect("type");
    }
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("thread")
        .expect("output");
    let transcript =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{transcript}");
    assert!(
        transcript.contains(&format!("Token for credential '{name}': ")),
        "{transcript}"
    );
    assert!(
        transcript.contains(&format!("stored credential '{name}'")),
        "{transcript}"
    );
    assert!(!transcript.contains(token), "the token was echoed: {transcript}");
    assert_eq!(stored(&name).as_deref(), Some(token));
    assert_eq!(user.run(&["delete", &name], None).await.code, 0);
}
