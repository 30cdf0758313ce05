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
fn bare_repo(env: &Env, name: &str) {
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
