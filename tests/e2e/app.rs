//! GitHub App credentials against the real Flux controllers: the test git server accepts only
//! installation tokens the loopback GitHub API (tests/support/github_app.rs) issued and that are
//! still valid, as GitHub's git endpoint does.

use std::time::Duration;

use base64::Engine as _;
use fleet::credentials::github_app::{AppKey, GithubApp, mint_installation_token};

use super::{Env, github_api::FakeGithub};

/// HTTP status of the git server's advertisement for `service` with basic auth `user:password`.
pub(crate) fn git_http_status_as(url: &str, service: &str, user: &str, password: &str) -> u16 {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    agent
        .get(&format!("{url}/info/refs?service={service}"))
        .header("Authorization", &format!("Basic {auth}"))
        .call()
        .expect("git server answers")
        .status()
        .as_u16()
}

/// A bare repository of this run in the git server's root.
pub(crate) fn bare_repo(env: &Env, name: &str) {
    let path = env.state.join("git").join(format!("{name}.git"));
    let out = std::process::Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&path)
        .output()
        .expect("git init runs");
    assert!(out.status.success(), "git init --bare {}", path.display());
}

/// The git server takes user `x-access-token` with an installation token the fake API issued:
/// read access to the installation's repositories while it is valid; nothing else.
#[test]
fn git_server_accepts_only_valid_installation_tokens() {
    let env = Env::load();
    let (pem, _, public) = super::github_api::generate_key();
    let key = AppKey::from_pem(&pem, "test").expect("key");
    let github = FakeGithub::start();
    github.publish_to(&env.state.join("git"));
    let (app_id, installation_id) = (31_001, 41_001);
    github.add_app(app_id, &public);
    let (ours, other) = (
        format!("gs-app-{}", env.suffix),
        format!("gs-other-{}", env.suffix),
    );
    bare_repo(&env, &ours);
    bare_repo(&env, &other);
    github.install(app_id, installation_id, &[&format!("acme/{ours}")]);
    github.token_lifetime(4);
    let app = GithubApp {
        app_id,
        installation_id,
    };
    let token = mint_installation_token(&github.url, app, &key, Duration::from_secs(10))
        .expect("the API answers")
        .expect("a token is minted");
    let token = token.token.expose().to_string();
    let (ours_url, other_url) = (
        format!("{}/{ours}.git", env.git_url),
        format!("{}/{other}.git", env.git_url),
    );
    const FETCH: &str = "git-upload-pack";
    const PUSH: &str = "git-receive-pack";

    assert_eq!(
        git_http_status_as(&ours_url, FETCH, "x-access-token", &token),
        200
    );
    // GitHub hides repositories outside the installation, and contents:read cannot push.
    assert_eq!(
        git_http_status_as(&other_url, FETCH, "x-access-token", &token),
        404
    );
    assert_eq!(git_http_status_as(&ours_url, PUSH, "x-access-token", &token), 403);
    // Only as x-access-token; the PAT user with an installation token is refused, and so is an
    // installation token the API never issued.
    assert_eq!(git_http_status_as(&ours_url, FETCH, "git", &token), 401);
    let forged = format!("ghs_{}", "x".repeat(24));
    assert_eq!(
        git_http_status_as(&ours_url, FETCH, "x-access-token", &forged),
        401
    );
    // The PAT path is unchanged.
    assert_eq!(git_http_status_as(&ours_url, FETCH, "git", &env.token()), 200);

    // Expired: refused from the next request on.
    let expires = github.issued()[0].expires;
    while jiff::Timestamp::now().as_second() < expires {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        git_http_status_as(&ours_url, FETCH, "x-access-token", &token),
        401
    );
    // A fresh one works again.
    let fresh = mint_installation_token(&github.api(), app, &key, Duration::from_secs(10))
        .expect("the API answers")
        .expect("a token is minted");
    assert_eq!(
        git_http_status_as(&ours_url, FETCH, "x-access-token", fresh.token.expose()),
        200
    );
    assert_eq!(
        github.mints(),
        vec![(installation_id, 201), (installation_id, 201)]
    );

    // Dropping the API withdraws its tokens.
    let published = env.state.join("git/app-tokens.d").join(format!(
        "fake-github-{}",
        github.url.rsplit(':').next().unwrap_or("")
    ));
    assert!(published.is_file());
    let text = std::fs::read_to_string(&published).expect("published list");
    assert!(!text.contains(fresh.token.expose()) && !text.contains(&token));
    drop(github);
    assert!(!published.exists());
}

/// The real source-controller with `provider: github` and `githubAppBaseURL` on the loopback API
/// mints installation tokens there (JWT verified) and fetches with them; after its token expired
/// (and the git server refuses it) it mints a new one and keeps fetching.
#[test]
fn source_controller_fetches_with_installation_tokens_from_the_fake_api() {
    use super::{eventually, write};
    use serde_json::Value;

    let env = Env::load();
    let (pem, _, public) = super::github_api::generate_key();
    let github = FakeGithub::start();
    github.publish_to(&env.state.join("git"));
    let (app_id, installation_id) = (31_002, 41_002);
    github.add_app(app_id, &public);
    let name = format!("sc-app-{}", env.suffix);
    bare_repo(&env, &name);
    github.install(app_id, installation_id, &[&format!("acme/{name}")]);
    // Flux re-mints at 80% of a token's life: 30 s tokens are replaced every ~24 s.
    github.token_lifetime(30);
    let url = format!("{}/{name}.git", env.git_url);
    let dir = env.dir(&name);
    std::fs::create_dir_all(&dir).expect("work dir");
    env.git(&dir, &["init", "-q", "-b", "main"]);
    let push = |n: &str| {
        write(dir.join("data.txt"), n);
        env.git(&dir, &["add", "-A"]);
        env.git(&dir, &["commit", "-qm", n]);
        env.git(&dir, &["push", "-q", &url, "main"]);
        env.git(&dir, &["rev-parse", "HEAD"]).trim().to_string()
    };
    let first = push("one");

    let ns = format!("app-sc-{}", env.suffix);
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let manifests = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n---\n\
         apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  namespace: {ns}\ntype: Opaque\ndata:\n  \
         githubAppID: {}\n  githubAppInstallationID: {}\n  githubAppPrivateKey: {}\n  githubAppBaseURL: {}\n---\n\
         apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: fleet\n  namespace: {ns}\n\
         spec:\n  interval: 5s\n  url: {url}\n  ref:\n    branch: main\n  provider: github\n  secretRef:\n    name: app\n",
        b64(&app_id.to_string()),
        b64(&installation_id.to_string()),
        b64(&pem),
        b64(&github.url),
    );
    let mut cmd = std::process::Command::new(&env.kubectl);
    cmd.args(["--context", "staging", "apply", "-f", "-"]);
    env.run(cmd, Some(manifests.as_bytes()))
        .ok("apply the App Secret and GitRepository");
    let revision = |want: &str| {
        let repo: Value = env.get_json("staging", &ns, "gitrepository/fleet");
        let rev = repo
            .pointer("/status/artifact/revision")
            .and_then(Value::as_str)
            .unwrap_or("");
        if rev.ends_with(want) {
            Ok(())
        } else {
            Err(format!("{:#}", repo["status"]))
        }
    };
    let long = Duration::from_secs(120);
    eventually(long, "the GitRepository fetched with an App token", || {
        revision(&first)
    });
    let first_token = github.issued()[0].clone();
    assert!(
        github
            .mints()
            .iter()
            .all(|(i, s)| *i == installation_id && *s == 201),
        "every JWT verified: {:?}",
        github.mints()
    );

    // Past the first token's expiry: the git server refuses it, Flux has minted another.
    while jiff::Timestamp::now().as_second() <= first_token.expires {
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(
        git_http_status_as(&url, "git-upload-pack", "x-access-token", &first_token.token),
        401
    );
    let second = push("two");
    eventually(
        long,
        "the GitRepository fetched after the first token expired",
        || revision(&second),
    );
    assert!(
        github.mints().len() >= 2,
        "Flux minted again: {:?}",
        github.mints()
    );

    env.kubectl("staging", &["delete", "namespace", &ns, "--wait=false"])
        .ok("delete namespace");
}

/// A classic-layout fleet for staging and production (`extra` flags for `bootstrap init`) in its
/// own namespace `ns` (the demo flow owns flux-system; the environment's source- and
/// kustomize-controllers reconcile every namespace), in a new checkout `name` of the work dir.
pub(crate) fn classic_fleet(
    env: &Env,
    name: &str,
    ns: &str,
    url: &str,
    extra: &[&str],
) -> std::path::PathBuf {
    let mut install = std::process::Command::new(super::peer::testenv_path("flux"));
    install.args(["install", "--export", "--namespace", ns]);
    let components = env.run(install, None).ok("flux install --export");
    let components_file = env.work.path().join(format!("{name}-gotk-components.yaml"));
    std::fs::write(&components_file, &components).expect("components file");
    let fleet = env.dir(name);
    std::fs::create_dir_all(&fleet).expect("dir");
    env.git(&fleet, &["init", "-q", "-b", "main"]);
    let components_arg = components_file.display().to_string();
    for (cluster, production) in [("staging", None), ("production", Some("--production"))] {
        let domain = format!("{cluster}.{name}.local");
        let mut args = vec![
            "init",
            cluster,
            "--layout",
            "classic",
            "--components-manifest",
            &components_arg,
            "--git-url",
            url,
            "--insecure-http",
            "-n",
            ns,
            "--domain",
            &domain,
            "--no-multitenant",
        ];
        args.extend(production);
        args.extend(extra);
        env.fleet("bootstrap", &fleet, &args).ok("bootstrap init");
    }
    fleet
}

/// Stores the App `(app id, installation id)` with key `pem` as `credential` in the real keyring
/// (key on stdin), checked against the loopback API.
pub(crate) fn store_app(
    env: &Env,
    credential: &str,
    github: &FakeGithub,
    (app, installation): (u64, u64),
    pem: &str,
) {
    let api = github.api();
    env.fleet_stdin(
        "token",
        &[
            "set",
            credential,
            "--github-app",
            "--app-id",
            &app.to_string(),
            "--installation-id",
            &installation.to_string(),
            "--github-url",
            &api,
        ],
        pem.as_bytes(),
    )
    .ok("token set --github-app");
}

/// The Flux Secret holds the App form and nothing else: the four keys source-controller reads
/// (no PAT pair left beside them).
pub(crate) fn assert_app_form_keys(secret: &serde_json::Value, what: &str) {
    let mut keys: Vec<&String> = secret["data"].as_object().expect("data").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "githubAppBaseURL",
            "githubAppID",
            "githubAppInstallationID",
            "githubAppPrivateKey"
        ],
        "{what}: the Secret holds the App form only"
    );
}

/// No line of the App's key (`pem`), installation token `github` issued or other secret appears in
/// any command output, file of the test's directory, log of the environment (controllers, git
/// server) or the git server's list of valid installation tokens.
pub(crate) fn assert_no_secret_material(env: &Env, pem: &str, github: &FakeGithub, others: &[&str]) {
    let mut secrets: Vec<String> = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_string)
        .collect();
    secrets.extend(github.issued().into_iter().map(|i| i.token));
    secrets.extend(others.iter().map(|s| s.to_string()));
    let transcript = super::TRANSCRIPT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let mut places = vec![("command output".to_string(), transcript)];
    for f in files_under(env.work.path())
        .into_iter()
        .chain(files_under(&env.state.join("logs")))
        .chain(files_under(&env.state.join("git/app-tokens.d")))
    {
        places.push((
            f.display().to_string(),
            String::from_utf8_lossy(&std::fs::read(&f).unwrap_or_default()).into_owned(),
        ));
    }
    for (what, text) in &places {
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "secret material in {what}");
        }
    }
}

/// Every file under `dir` (recursively).
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `bootstrap init --provider github` + `bootstrap --token APP` on two clusters: the App goes
/// from the OS keyring into the App form of the sync Secret, the real source-controller mints
/// installation tokens from the loopback GitHub API (githubAppBaseURL) and fetches the fleet
/// repository with them; once its first token expired (the git server refuses it) it mints
/// another and keeps fetching. The key and the installation tokens appear in no output, file or
/// log the test can read.
#[test]
fn bootstrap_with_a_github_app_on_two_clusters() {
    use super::{condition, eventually, write};
    use serde_json::Value;

    let env = Env::load();
    let contexts = ["staging", "production"];
    let (pem, _, public) = super::github_api::generate_key();
    let github = FakeGithub::start();
    github.publish_to(&env.state.join("git"));
    let (app_id, installation_id) = (31_003, 41_003);
    github.add_app(app_id, &public);
    let repo = format!("acme/app-fleet-{}", env.suffix);
    bare_repo(&env, &repo);
    github.install(app_id, installation_id, &[&repo]);
    // Flux re-mints at 80% of a token's life: every ~32 s with 40 s tokens.
    github.token_lifetime(40);
    let url = format!("{}/{repo}.git", env.git_url);
    let ns = format!("app-{}", env.suffix);
    let credential = format!("fleet-app-{}", env.suffix);

    let fleet = classic_fleet(&env, "app-fleet", &ns, &url, &["--provider", "github"]);
    // Pushed with the PAT (the App's installation tokens are read-only).
    let push = |message: &str| {
        env.git(&fleet, &["add", "-A"]);
        env.git(&fleet, &["commit", "-qm", message]);
        env.git(&fleet, &["push", "-q", &url, "main"]);
        env.git(&fleet, &["rev-parse", "HEAD"]).trim().to_string()
    };
    let first = push("fleet with a GitHub App");

    store_app(&env, &credential, &github, (app_id, installation_id), &pem);
    let kubectl = env.kubectl.display().to_string();
    env.fleet(
        "bootstrap",
        &fleet,
        &[
            "staging",
            "production",
            "--token",
            &credential,
            "--insecure-http",
            "--kubectl",
            &kubectl,
            "--timeout",
            "180s",
        ],
    )
    .ok("bootstrap with the App (waits for the sync to be Ready)");

    let revision = |ctx: &str, want: &str| {
        let obj = env.get_json(ctx, &ns, &format!("gitrepository/{ns}"));
        let rev = obj
            .pointer("/status/artifact/revision")
            .and_then(Value::as_str)
            .unwrap_or("");
        match condition(&obj, "Ready") {
            Some(c) if c["status"] == "True" && rev.ends_with(want) => Ok(obj),
            _ => Err(format!("{:#}", obj["status"])),
        }
    };
    let minute = Duration::from_secs(120);
    for ctx in contexts {
        let repo_obj = eventually(minute, &format!("{ctx} fetched with the App"), || {
            revision(ctx, &first)
        });
        assert_eq!(repo_obj["spec"]["provider"], "github");
        let secret = env.get_json(ctx, &ns, "secret/flux-system");
        assert_app_form_keys(&secret, ctx);
    }
    // token set minted one; each cluster's source-controller at least one more, every JWT verified.
    let mints = github.mints();
    assert!(mints.len() >= 3, "{mints:?}");
    assert!(
        mints.iter().all(|m| *m == (installation_id, 201)),
        "every JWT verified: {mints:?}"
    );

    // Past the expiry of the first token a controller minted: the git server refuses it, and
    // Flux, having minted a new one, still fetches.
    let controllers_first = github.issued()[1].clone();
    while jiff::Timestamp::now().as_second() <= controllers_first.expires {
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(
        git_http_status_as(
            &url,
            "git-upload-pack",
            "x-access-token",
            &controllers_first.token
        ),
        401,
        "the git server refuses an expired installation token"
    );
    write(
        fleet.join("clusters/staging/note.txt"),
        "after the first token expired\n",
    );
    let second = push("after expiry");
    for ctx in contexts {
        env.reconcile(ctx, &format!("gitrepository/{ns}"), &ns);
    }
    for ctx in contexts {
        eventually(minute, &format!("{ctx} fetched after the token expired"), || {
            revision(ctx, &second)
        });
    }
    let after = github.mints();
    assert!(
        after.len() > mints.len() && after.iter().all(|m| *m == (installation_id, 201)),
        "Flux minted new tokens: {after:?}"
    );

    assert_no_secret_material(&env, &pem, &github, &[]);

    for ctx in contexts {
        env.kubectl(ctx, &["delete", "namespace", &ns, "--wait=false"])
            .ok("delete namespace");
    }
    env.fleet("token", env.work.path(), &["delete", &credential])
        .ok("token delete");
}
