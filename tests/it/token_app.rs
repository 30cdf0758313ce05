//! GitHub App credentials (issue 17): `token set --github-app` and `token check` against the
//! loopback GitHub API of `tests/support/github_app.rs`, which verifies the App's RS256 JWT with
//! its public key and issues expiring installation tokens. Keys are generated per test by openssl.

#[path = "../support/github_app.rs"]
mod github;

use std::time::Duration;

use fleet::{
    credentials::{
        CredentialError, MemoryStore, MetaStore, SecretStore, TokenSource,
        github_app::{AppKey, GithubApp, installation_repositories, mint_installation_token},
        meta::{CheckResult, CredentialKind},
        rotation::RotationStore,
    },
    error::{Error, ExitStatus},
    kube::ClusterSelection,
    ops::token::{
        self as op, CheckRequest, KeyReader, RotateMode, RotateRequest, SelfRotate, SetAppRequest,
        SetRequest, Stores,
    },
    output::Recorder,
};
use futures::FutureExt;
use github::{FakeGithub, generate_key};

use crate::common::Cmd;

struct Rig {
    github: FakeGithub,
    store: MemoryStore,
    metas: MetaStore,
    rotations: RotationStore,
    _dir: tempfile::TempDir,
}

impl Rig {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tmp");
        let metas = MetaStore::at(dir.path().join("kubectl-fleet"));
        let rotations = RotationStore::new(&metas);
        Rig {
            github: FakeGithub::start(),
            store: MemoryStore::default(),
            metas,
            rotations,
            _dir: dir,
        }
    }

    fn stores(&self) -> Stores<'_> {
        Stores {
            secrets: &self.store,
            metas: &self.metas,
            rotations: &self.rotations,
        }
    }

    async fn set(
        &self,
        name: &str,
        app: GithubApp,
        pem: &str,
        reporter: &Recorder,
    ) -> fleet::error::Result<op::SetOutcome> {
        let pem = pem.to_string();
        let reader: KeyReader<'static> =
            Box::new(move || async move { Ok(AppKey::from_pem(&pem, "stdin")?) }.boxed());
        let req = SetAppRequest {
            name: name.into(),
            app,
            api_url: Some(self.github.api()),
            force: false,
            check: true,
        };
        op::set_app(req, self.stores(), reader, reporter).await
    }
}

fn app(app_id: u64, installation_id: u64) -> GithubApp {
    GithubApp {
        app_id,
        installation_id,
    }
}

/// A fleet checkout whose FluxInstance and GitRepositories sync from three repositories.
fn fleet_checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let flux = dir.path().join("clusters/staging/flux-system");
    std::fs::create_dir_all(&flux).expect("mkdir");
    std::fs::write(
        flux.join("flux-instance.yaml"),
        "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  sync:\n    kind: GitRepository\n    url: https://127.0.0.1/acme/d1-fleet.git\n    ref: refs/heads/main\n    path: clusters/staging\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("clusters/staging/sources.yaml"),
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: infra\nspec:\n  url: https://127.0.0.1/acme/d1-infra.git\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: apps\nspec:\n  url: https://127.0.0.1/acme/d1-apps.git\n",
    )
    .expect("write");
    dir
}

#[tokio::test]
async fn an_app_is_stored_checked_and_warned_about_fleet_repositories_it_cannot_read() {
    let rig = Rig::new();
    let (pkcs1, _, public) = generate_key();
    rig.github.add_app(4242, &public);
    rig.github.install(4242, 77, &["acme/d1-fleet", "acme/d1-apps"]);
    let recorder = Recorder::new();

    let outcome = rig
        .set("fleet-app", app(4242, 77), &pkcs1, &recorder)
        .await
        .expect("stored");
    assert_eq!(outcome.meta.kind(), CredentialKind::App);
    assert_eq!(outcome.meta.username, "x-access-token");
    assert_eq!(
        rig.github.mints(),
        [(77, 201)],
        "set minted one installation token"
    );
    let stored = rig.store.get("fleet-app").expect("read").expect("stored");
    let key = AppKey::from_stored("fleet-app", &stored).expect("the keyring holds the key");
    assert_eq!(key.expose_pem(), pkcs1.trim());
    let text = recorder.text();
    assert!(
        text.contains("its installation can read 2 repositories (acme/d1-apps, acme/d1-fleet)"),
        "{text}"
    );

    let index = std::fs::read_to_string(rig.metas.index_path()).expect("index");
    for expected in [
        "appId: 4242",
        "installationId: 77",
        "/api/v3",
        "username: x-access-token",
    ] {
        assert!(
            index.contains(expected),
            "{expected} missing from the index:\n{index}"
        );
    }

    let fleet = fleet_checkout();
    let recorder = Recorder::new();
    let req = CheckRequest {
        names: vec!["fleet-app".into()],
        warn_days: 14,
        timeout: Duration::from_secs(10),
    };
    let checked = op::check_fleet(req, Some(fleet.path()), rig.stores(), &recorder)
        .await
        .expect("checked");
    assert_eq!(checked.exit_status(), ExitStatus::Success);
    let view = &checked.views[0];
    assert_eq!(view.kind, CredentialKind::App);
    let last = view.meta.last_check.clone().expect("checked");
    assert_eq!(last.result, CheckResult::Valid);
    assert_eq!(
        last.scopes.as_deref(),
        Some(&["contents:read".to_string(), "metadata:read".into()][..])
    );
    assert_eq!(
        view.warnings,
        [
            "the installation cannot read fleet repository acme/d1-infra: add it to the App's installation in GitHub"
        ]
    );
    let text = recorder.text();
    assert!(
        text.contains("permissions contents:read, metadata:read"),
        "{text}"
    );
    assert!(
        text.contains("cannot read fleet repository acme/d1-infra"),
        "{text}"
    );

    // The installation tokens minted never reach a line, the index or the view.
    let index = std::fs::read_to_string(rig.metas.index_path()).expect("index");
    let json = serde_json::to_string(&checked.views).expect("json");
    assert_eq!(rig.github.issued().len(), 2);
    for issued in rig.github.issued() {
        for (what, haystack) in [("output", &text), ("index", &index), ("json", &json)] {
            assert!(
                !haystack.contains(&issued.token),
                "installation token in the {what}"
            );
        }
    }
    assert!(!index.contains("PRIVATE KEY") && !json.contains("PRIVATE KEY"));
}

#[tokio::test]
async fn pkcs8_keys_and_a_second_app_key_work_and_github_failures_store_nothing() {
    let rig = Rig::new();
    let (_, pkcs8, public) = generate_key();
    let (other, _, other_public) = generate_key();
    rig.github.add_app(7, &public);
    rig.github.install(7, 70, &["acme/fleet"]);
    rig.github.install(8, 80, &["acme/other"]);

    rig.set("pkcs8", app(7, 70), &pkcs8, &Recorder::new())
        .await
        .expect("a PKCS#8 key is accepted");

    // A key GitHub does not know for this App: 401, nothing stored.
    let err = rig
        .set("wrong-key", app(7, 70), &other, &Recorder::new())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("GitHub refused the App's JWT (401")
            && err.to_string().contains("nothing was changed"),
        "{err}"
    );
    // An installation of another App: 404.
    let err = rig
        .set("wrong-inst", app(7, 80), &pkcs8, &Recorder::new())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("App 7 has no installation 80 (404"),
        "{err}"
    );
    for name in ["wrong-key", "wrong-inst"] {
        assert_eq!(rig.store.get(name).expect("read"), None);
        assert_eq!(rig.metas.get(name).expect("read"), None);
    }
    assert_eq!(rig.github.mints(), [(70, 201), (70, 401), (80, 404)]);

    // GitHub keeps every key of an App until it is deleted: the second key works too.
    rig.github.add_app(7, &other_public);
    rig.set("second-key", app(7, 70), &other, &Recorder::new())
        .await
        .expect("the App's second key is accepted");
}

#[tokio::test]
async fn the_loopback_api_refuses_stale_jwts_and_expired_installation_tokens() {
    let github = FakeGithub::start();
    let (pkcs1, _, public) = generate_key();
    github.add_app(9, &public);
    github.install(9, 90, &["acme/fleet"]);
    let key = AppKey::from_pem(&pkcs1, "test").expect("key");

    // A JWT signed 20 minutes ago has expired.
    let stale = key
        .jwt(9, jiff::Timestamp::now() - jiff::SignedDuration::from_mins(20))
        .expect("jwt");
    let url = format!("{}/app/installations/90/access_tokens", github.api());
    let response = ureq::post(&url)
        .config()
        .http_status_as_error(false)
        .build()
        .header("Authorization", &format!("Bearer {stale}"))
        .send_empty()
        .expect("answer");
    assert_eq!(response.status().as_u16(), 401);
    // A tampered JWT (claims changed, signature kept).
    let fresh = key.jwt(9, jiff::Timestamp::now()).expect("jwt");
    let mut parts: Vec<String> = fresh.split('.').map(str::to_string).collect();
    parts[1] = parts[1].replacen('e', "f", 1);
    let response = ureq::post(&url)
        .config()
        .http_status_as_error(false)
        .build()
        .header("Authorization", &format!("Bearer {}", parts.join(".")))
        .send_empty()
        .expect("answer");
    assert_eq!(response.status().as_u16(), 401);

    github.token_lifetime(1);
    let minted = mint_installation_token(&github.api(), app(9, 90), &key, Duration::from_secs(5))
        .expect("answer")
        .expect("minted");
    assert!(minted.expires_at.is_some());
    assert_eq!(
        installation_repositories(&github.api(), &minted.token, Duration::from_secs(5)).expect("listed"),
        ["acme/fleet"]
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(!github.is_valid(minted.token.expose()));
    let err = installation_repositories(&github.api(), &minted.token, Duration::from_secs(5)).unwrap_err();
    assert!(err.to_string().contains("answered 401: Bad credentials"), "{err}");
}

#[tokio::test]
async fn an_app_keeps_its_kind_and_is_never_written_or_rotated_as_a_token() {
    let rig = Rig::new();
    let (pkcs1, _, public) = generate_key();
    rig.github.add_app(5, &public);
    rig.github.install(5, 50, &["acme/fleet"]);
    rig.set("fleet-app", app(5, 50), &pkcs1, &Recorder::new())
        .await
        .expect("stored");

    let req = SetRequest {
        name: "fleet-app".into(),
        provider: None,
        api_url: None,
        username: None,
        force: true,
        check: false,
    };
    let reader: op::TokenReader<'static> = Box::new(|| async { panic!("no token is read") }.boxed());
    let err = op::set(req, rig.stores(), reader, &Recorder::new())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("credential 'fleet-app' is a GitHub App"),
        "{err}"
    );

    // Secret writers get the App, never its key as a password.
    let resolved = TokenSource::Keyring("fleet-app".into())
        .resolve(&rig.store, Some(&rig.metas))
        .expect("an App resolves");
    assert!(resolved.is_app(), "{resolved:?}");

    // Its key rotates like a token (tests/it/migrate.rs); GitLab's --self does not apply.
    let req = RotateRequest {
        name: "fleet-app".into(),
        mode: RotateMode::SelfRotate(SelfRotate {
            endpoint: fleet::credentials::gitlab_rotate::RotateEndpoint::SelfRotate,
            expires_in: None,
        }),
        dry_run: true,
        check: false,
        wait: false,
        timeout: Duration::from_secs(1),
        interval: Duration::from_secs(1),
        flux_namespace: None,
    };
    let access = ClusterSelection {
        kubeconfig: None,
        contexts: Vec::new(),
        all_contexts: false,
        client: Default::default(),
    };
    let err = op::rotate(req, rig.stores(), &access, &Recorder::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Credential(CredentialError::WrongKind { .. })),
        "{err}"
    );
}

#[test]
fn set_github_app_validates_its_flags_and_the_key_before_any_keyring() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pkcs1, _, _) = generate_key();
    let run = |args: &[&str], stdin: &str| {
        Cmd::fleet("kubectl-fleet-token")
            .env("XDG_CONFIG_HOME", dir.path())
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .args(args)
            .stdin(stdin.to_string())
            .run()
    };
    let missing = run(&["set", "x", "--github-app", "--app-id", "1"], "");
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stderr.contains("--installation-id"), "{}", missing.stderr);
    let pat_flag = run(&["set", "x", "--app-id", "1"], "");
    assert_eq!(pat_flag.code, 2, "{pat_flag:?}");
    assert!(pat_flag.stderr.contains("--github-app"), "{}", pat_flag.stderr);
    let file = dir.path().join("missing.pem");
    let no_file = run(
        &[
            "set",
            "x",
            "--github-app",
            "--app-id",
            "1",
            "--installation-id",
            "2",
            "--private-key-file",
            file.to_str().expect("utf-8"),
        ],
        "",
    );
    // The keyring is checked first (none here), so no key is read or echoed either way.
    assert_ne!(no_file.code, 0, "{no_file:?}");
    for out in [&missing, &pat_flag, &no_file] {
        assert!(!out.stdout.contains("PRIVATE KEY") && !out.stderr.contains("PRIVATE KEY"));
    }
    let with_key = run(
        &[
            "set",
            "x",
            "--github-app",
            "--app-id",
            "1",
            "--installation-id",
            "2",
        ],
        &pkcs1,
    );
    assert_ne!(with_key.code, 0, "{with_key:?}");
    assert!(
        !with_key
            .stderr
            .contains(pkcs1.lines().nth(1).expect("a key line"))
    );
}
