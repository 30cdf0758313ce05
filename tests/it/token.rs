//! `kubectl fleet token` without the keyring: the rotation engine against the three real
//! apiservers (annotated Secrets, tenant copies, GitRepositories and a stand-in source-controller),
//! conflicting writers, RBAC refusal, provider checks against a loopback HTTP server, the golden
//! renderings, and argument errors of the binary. The keyring tier (`tests/keyring`) runs the real
//! binary end to end.

#[path = "../support/token.rs"]
mod support;

use std::{collections::BTreeMap, time::Duration};

use fleet::credentials::{
    CREDENTIAL_ANNOTATION, PROPAGATED_FROM_LABEL, Provider, ProviderError, Token, TokenStatus,
    cluster::{self, ClusterPlan, ClusterReport, ObjectKey, RepoState, RotateOptions, SecretTarget},
    meta::{CheckRecord, CheckResult, CredentialMeta},
    provider::check_token,
    report::{self, RotationReport},
    rotated_secret,
    rotation::{Operation, RotationState},
    update_secret,
};
use fleet::output::Paint;
use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use serde_json::json;
use support::{
    Answer, FakeProvider, FakeSourceController, git_repository, git_secret, requested_at, secret_data,
};

use crate::{
    common::{Cmd, apply, env, namespace, unique},
    fleet_snapshot,
};

fn options(timeout: Duration) -> RotateOptions {
    RotateOptions {
        fallback_username: "git".into(),
        wait: true,
        timeout,
        interval: Duration::from_millis(250),
        concurrency: 4,
        requested_at: jiff::Timestamp::now().to_string(),
    }
}

/// The objects of one cluster, as bootstrap and `tenant --propagate` leave them.
struct Fixture {
    system: String,
    tenant: String,
}

async fn fixture(target: &fleet::kube::KubeTarget, credential: &str, old: &str) -> Fixture {
    let system = namespace(target, "tok-sys").await;
    let tenant = namespace(target, "tok-app").await;
    let mut flux_system = git_secret(&system, "flux-system", Some(credential), "fleet-bot", old);
    flux_system["stringData"]["ca.crt"] = json!("-----BEGIN CERTIFICATE-----");
    apply(target, flux_system).await;
    let mut flux_apps = git_secret(&system, "flux-apps", Some(credential), "git", old);
    flux_apps["metadata"]["labels"] = json!({"toolkit.fluxcd.io/tenant": "apps"});
    apply(target, flux_apps).await;
    // The tenant copy made with --propagate: same annotation plus the propagated-from label.
    let mut copy = git_secret(&tenant, "flux-apps", Some(credential), "git", old);
    copy["metadata"]["labels"] = json!({PROPAGATED_FROM_LABEL: format!("{system}.flux-apps")});
    apply(target, copy).await;
    // An older copy whose annotation was lost: found through the label alone.
    let mut legacy = git_secret(&tenant, "flux-apps-legacy", None, "git", old);
    legacy["metadata"]["labels"] = json!({PROPAGATED_FROM_LABEL: format!("{system}.flux-apps")});
    apply(target, legacy).await;
    // Same token value, but not written from the credential: must stay untouched.
    apply(target, git_secret(&system, "hand-made", None, "git", old)).await;
    apply(
        target,
        git_secret(&system, "other-bot", Some("other-credential"), "git", old),
    )
    .await;

    apply(
        target,
        git_repository(&system, "flux-system", "flux-system", false),
    )
    .await;
    apply(target, git_repository(&tenant, "apps", "flux-apps", false)).await;
    apply(
        target,
        git_repository(&tenant, "legacy", "flux-apps-legacy", false),
    )
    .await;
    apply(target, git_repository(&tenant, "paused", "flux-apps", true)).await;
    apply(target, git_repository(&system, "hand-made", "hand-made", false)).await;
    Fixture { system, tenant }
}

async fn resource_version(target: &fleet::kube::KubeTarget, ns: &str, name: &str) -> Option<String> {
    let api: Api<Secret> = Api::namespaced(target.client.clone(), ns);
    api.get(name).await.expect("get").metadata.resource_version
}

#[tokio::test]
async fn rotation_updates_every_secret_of_the_credential_on_three_clusters_and_waits_for_flux() {
    let credential = unique("fleet-bot");
    let (old, new) = ("ghp_OLD_rotation_3c", "ghp_NEW_rotation_3c");
    let mut clusters = Vec::new();
    for context in &env().contexts {
        let target = env().target(context).await;
        let fx = fixture(&target, &credential, old).await;
        let controller =
            FakeSourceController::start(target.clone(), vec![fx.system.clone(), fx.tenant.clone()], new);
        let untouched = (
            resource_version(&target, &fx.system, "hand-made").await,
            resource_version(&target, &fx.system, "other-bot").await,
        );
        clusters.push((target, fx, controller, untouched));
    }

    let token = Token::new(new).expect("valid");
    let opts = options(Duration::from_secs(60));
    let started = std::time::Instant::now();
    let reports: Vec<ClusterReport> = futures::future::join_all(
        clusters
            .iter()
            .map(|(target, ..)| cluster::rotate_cluster(target, &credential, &token, &opts, &|_| {})),
    )
    .await;
    let took = started.elapsed();

    for ((target, fx, controller, untouched), report) in clusters.iter().zip(&reports) {
        assert!(report.succeeded(), "{}: {:?}", target.context, report.error);
        let mut names: Vec<String> = report.secrets.iter().map(|s| s.target.key.to_string()).collect();
        names.sort();
        let mut expected = vec![
            format!("{}/flux-apps", fx.system),
            format!("{}/flux-system", fx.system),
            format!("{}/flux-apps", fx.tenant),
            format!("{}/flux-apps-legacy", fx.tenant),
        ];
        expected.sort();
        assert_eq!(names, expected, "{}", target.context);
        assert_eq!(report.updated(), 4);

        // Whole data replaced: new password, username and CA kept, nothing else.
        let data = secret_data(target, &fx.system, "flux-system").await;
        assert_eq!(
            data,
            BTreeMap::from([
                ("ca.crt".to_string(), "-----BEGIN CERTIFICATE-----".to_string()),
                ("password".to_string(), new.to_string()),
                ("username".to_string(), "fleet-bot".to_string()),
            ])
        );
        for (ns, name) in [
            (&fx.system, "flux-apps"),
            (&fx.tenant, "flux-apps"),
            (&fx.tenant, "flux-apps-legacy"),
        ] {
            assert_eq!(
                secret_data(target, ns, name).await["password"],
                new,
                "{ns}/{name}"
            );
        }
        // The label-only copy now carries the annotation too, and keeps its label.
        let api: Api<Secret> = Api::namespaced(target.client.clone(), &fx.tenant);
        let legacy = api.get("flux-apps-legacy").await.expect("get");
        assert_eq!(
            legacy.metadata.annotations.expect("annotated")[CREDENTIAL_ANNOTATION],
            credential
        );
        assert!(
            legacy
                .metadata
                .labels
                .expect("labels")
                .contains_key(PROPAGATED_FROM_LABEL)
        );

        // Secrets not written from this credential are untouched (same resourceVersion).
        assert_eq!(
            (
                resource_version(target, &fx.system, "hand-made").await,
                resource_version(target, &fx.system, "other-bot").await
            ),
            *untouched
        );
        assert_eq!(
            secret_data(target, &fx.system, "hand-made").await["password"],
            old
        );

        // Reconcile requested exactly where the credential is used and the repo is not suspended.
        for (ns, name) in [
            (&fx.system, "flux-system"),
            (&fx.tenant, "apps"),
            (&fx.tenant, "legacy"),
        ] {
            assert_eq!(
                requested_at(target, ns, name).await.as_deref(),
                Some(opts.requested_at.as_str())
            );
        }
        assert_eq!(requested_at(target, &fx.tenant, "paused").await, None);
        assert_eq!(requested_at(target, &fx.system, "hand-made").await, None);
        assert_eq!(report.repos_in(RepoState::Ready), 3);
        assert_eq!(report.repos_in(RepoState::Suspended), 1);
        // Every fetch the controller made for our request used the new token.
        let handled = controller.handled.lock().expect("lock").clone();
        assert_eq!(handled.len(), 3, "{handled:?}");
        assert!(
            handled.iter().all(|(_, at, ok)| at == &opts.requested_at && *ok),
            "{handled:?}"
        );
    }
    eprintln!("rotation of 4 Secrets + 3 GitRepositories on 3 clusters took {took:?}");

    // Running again with the same token writes nothing but still proves Flux fetches with it.
    let again = options(Duration::from_secs(60));
    let (target, fx, ..) = &clusters[0];
    let rv = resource_version(target, &fx.system, "flux-system").await;
    let report = cluster::rotate_cluster(target, &credential, &token, &again, &|_| {}).await;
    assert!(report.succeeded(), "{:?}", report.error);
    assert_eq!(report.updated(), 0);
    assert_eq!(resource_version(target, &fx.system, "flux-system").await, rv);
    assert_eq!(report.repos_in(RepoState::Ready), 3);
}

#[tokio::test]
async fn a_concurrent_write_between_read_and_update_is_retried_and_not_lost() {
    let target = env().target(env().first()).await;
    let ns = namespace(&target, "tok-conflict").await;
    let credential = unique("bot");
    apply(
        &target,
        git_secret(&ns, "flux-system", Some(&credential), "git", "ghp_old_conflict"),
    )
    .await;
    let token = Token::new("ghp_new_conflict").expect("valid");
    let mut calls = 0;
    let kubectl = env().kubectl.clone();
    let kubeconfig = env().kubeconfig.clone();
    let context = target.context.clone();
    let ns2 = ns.clone();
    let result = update_secret(&target, &ns, "flux-system", |current| {
        calls += 1;
        if calls == 1 {
            // Another client (the real kubectl) writes the Secret after our read and before our
            // update: the apiserver must reject ours with 409.
            let out = std::process::Command::new(&kubectl)
                .arg("--kubeconfig")
                .arg(&kubeconfig)
                .args([
                    "--context",
                    &context,
                    "-n",
                    &ns2,
                    "label",
                    "secret",
                    "flux-system",
                    "team=platform",
                ])
                .output()
                .expect("kubectl runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        rotated_secret(current, &credential, &token, "git")
    })
    .await
    .expect("update succeeds after retrying");
    assert_eq!(result.conflicts, 1, "the first write conflicted");
    assert_eq!(calls, 2, "rebuilt from the fresh object");
    let api: Api<Secret> = Api::namespaced(target.client.clone(), &ns);
    let got = api.get("flux-system").await.expect("get");
    assert_eq!(
        got.metadata
            .labels
            .expect("labels")
            .get("team")
            .map(String::as_str),
        Some("platform"),
        "the concurrent write survived"
    );
    assert_eq!(
        secret_data(&target, &ns, "flux-system").await["password"],
        "ghp_new_conflict"
    );
}

#[tokio::test]
async fn a_repository_that_cannot_fetch_with_the_new_token_fails_the_cluster() {
    let target = env().target(env().first()).await;
    let credential = unique("bot");
    let ns = namespace(&target, "tok-authfail").await;
    apply(
        &target,
        git_secret(&ns, "flux-system", Some(&credential), "git", "ghp_old_af"),
    )
    .await;
    apply(&target, git_repository(&ns, "flux-system", "flux-system", false)).await;
    // The git server still only accepts the old token (the new PAT lacks access).
    let _controller = FakeSourceController::start(target.clone(), vec![ns.clone()], "ghp_old_af");
    let token = Token::new("ghp_new_af").expect("valid");
    let report = cluster::rotate_cluster(
        &target,
        &credential,
        &token,
        &options(Duration::from_secs(30)),
        &|_| {},
    )
    .await;
    let error = report.error.clone().expect("the cluster failed");
    assert!(
        error.contains(&format!("GitRepository {ns}/flux-system failed")),
        "{error}"
    );
    assert!(error.contains("AuthenticationFailed"), "{error}");
    assert_eq!(report.repos_in(RepoState::Failed), 1);
}

#[tokio::test]
async fn waiting_times_out_when_source_controller_never_handles_the_request() {
    let target = env().target(env().first()).await;
    let credential = unique("bot");
    let ns = namespace(&target, "tok-timeout").await;
    apply(
        &target,
        git_secret(&ns, "flux-system", Some(&credential), "git", "ghp_old_to"),
    )
    .await;
    apply(&target, git_repository(&ns, "flux-system", "flux-system", false)).await;
    let token = Token::new("ghp_new_to").expect("valid");
    let report = cluster::rotate_cluster(
        &target,
        &credential,
        &token,
        &options(Duration::from_secs(2)),
        &|_| {},
    )
    .await;
    let error = report.error.clone().expect("timed out");
    assert!(error.contains("not Ready after 2s"), "{error}");
    assert_eq!(report.repos_in(RepoState::TimedOut), 1);
    // The Secret was still written: --resume only has to wait again.
    assert_eq!(
        secret_data(&target, &ns, "flux-system").await["password"],
        "ghp_new_to"
    );

    let mut no_wait = options(Duration::from_secs(2));
    no_wait.wait = false;
    let report = cluster::rotate_cluster(&target, &credential, &token, &no_wait, &|_| {}).await;
    assert!(report.succeeded(), "{:?}", report.error);
    assert_eq!(report.repos_in(RepoState::Requested), 1);
}

#[tokio::test]
async fn a_user_who_may_not_read_secrets_is_refused_before_any_write() {
    let admin = env().target(env().first()).await;
    let credential = unique("bot");
    let ns = namespace(&admin, "tok-rbac").await;
    apply(
        &admin,
        git_secret(&ns, "flux-system", Some(&credential), "git", "ghp_old_rbac"),
    )
    .await;
    let restricted = env().restricted_target(env().first()).await;
    let token = Token::new("ghp_new_rbac").expect("valid");
    let report = cluster::rotate_cluster(
        &restricted,
        &credential,
        &token,
        &options(Duration::from_secs(5)),
        &|_| {},
    )
    .await;
    let error = report.error.expect("refused");
    assert!(error.contains("list Secrets in all namespaces"), "{error}");
    assert!(error.contains("forbidden"), "{error}");
    assert_eq!(
        secret_data(&admin, &ns, "flux-system").await["password"],
        "ghp_old_rbac"
    );
}

#[tokio::test]
async fn provider_checks_read_validity_expiry_and_identity_from_a_loopback_server() {
    let provider = FakeProvider::start();
    provider.answer(
        "ghp_expiring",
        Answer::GithubValid {
            login: "fleet-bot".into(),
            expiry_header: Some("2026-10-07 19:07:53 UTC".into()),
            scopes: Some("repo, read:org".into()),
        },
    );
    provider.answer(
        "github_pat_offset",
        Answer::GithubValid {
            login: "fleet-bot".into(),
            expiry_header: Some("2026-10-07 21:07:53 +0200".into()),
            scopes: None,
        },
    );
    provider.answer(
        "ghp_forever",
        Answer::GithubValid {
            login: "old-bot".into(),
            expiry_header: None,
            scopes: None,
        },
    );
    provider.answer("ghp_limited", Answer::RateLimited);
    provider.answer(
        "glpat-valid",
        Answer::GitlabValid {
            name: "fleet".into(),
            expires_at: Some("2026-03-01".into()),
            active: true,
        },
    );
    provider.answer(
        "glpat-inactive",
        Answer::GitlabValid {
            name: "old".into(),
            expires_at: Some("2025-01-01".into()),
            active: false,
        },
    );
    let t = |s: &str| Token::new(s).expect("valid");
    let timeout = Duration::from_secs(5);
    let github = format!("{}/api/v3", provider.url);

    let expiring = check_token(Provider::Github, &github, &t("ghp_expiring"), timeout)
        .await
        .expect("answer");
    let TokenStatus::Valid {
        identity,
        expires,
        scopes,
    } = expiring
    else {
        panic!("valid expected: {expiring:?}");
    };
    assert_eq!(identity.as_deref(), Some("fleet-bot"));
    assert_eq!(expires.expect("expiry").to_string(), "2026-10-07T19:07:53Z");
    assert_eq!(scopes, Some(vec!["repo".to_string(), "read:org".to_string()]));

    let offset = check_token(Provider::Github, &github, &t("github_pat_offset"), timeout)
        .await
        .expect("answer");
    assert!(
        matches!(offset, TokenStatus::Valid { expires: Some(e), .. } if e.to_string() == "2026-10-07T19:07:53Z")
    );

    let forever = check_token(Provider::Github, &github, &t("ghp_forever"), timeout)
        .await
        .expect("answer");
    assert!(
        matches!(forever, TokenStatus::Valid { expires: None, .. }),
        "{forever:?}"
    );

    let revoked = check_token(Provider::Github, &github, &t("ghp_revoked"), timeout)
        .await
        .expect("answer");
    assert!(
        matches!(&revoked, TokenStatus::Invalid { reason } if reason.contains("401") && reason.contains("Bad credentials")),
        "{revoked:?}"
    );

    let limited = check_token(Provider::Github, &github, &t("ghp_limited"), timeout)
        .await
        .unwrap_err();
    assert!(
        matches!(limited, ProviderError::RateLimited { status: 429, .. }),
        "{limited:?}"
    );
    assert!(
        limited
            .to_string()
            .contains("rate limit exceeded (resets at 2030-01-01"),
        "{limited}"
    );

    let gitlab = format!("{}/api/v4", provider.url);
    let valid = check_token(Provider::Gitlab, &gitlab, &t("glpat-valid"), timeout)
        .await
        .expect("answer");
    assert!(
        matches!(&valid, TokenStatus::Valid { expires: Some(e), identity: Some(i), .. } if e.to_string() == "2026-03-01T00:00:00Z" && i == "fleet (user 42)"),
        "{valid:?}"
    );
    let inactive = check_token(Provider::Gitlab, &gitlab, &t("glpat-inactive"), timeout)
        .await
        .expect("answer");
    assert!(matches!(inactive, TokenStatus::Invalid { .. }), "{inactive:?}");
    let unknown = check_token(Provider::Gitlab, &gitlab, &t("glpat-nope"), timeout)
        .await
        .expect("answer");
    assert!(matches!(unknown, TokenStatus::Invalid { .. }), "{unknown:?}");

    // The token travels only in the auth header: never in the request line.
    let seen = provider.seen();
    assert_eq!(seen.len(), 8);
    assert!(
        seen.iter()
            .all(|s| !s.request_line.contains("ghp_") && !s.request_line.contains("glpat-"))
    );
    assert_eq!(seen[0].request_line, "GET /api/v3/user HTTP/1.1");
    assert_eq!(seen[0].headers["authorization"], "Bearer ghp_expiring");
    assert_eq!(
        seen[5].request_line,
        "GET /api/v4/personal_access_tokens/self HTTP/1.1"
    );
    assert_eq!(seen[5].headers["private-token"], "glpat-valid");
    assert!(seen[0].headers["user-agent"].starts_with("kubectl-fleet/"));

    // Nobody listening: a clear error naming the URL.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let err = check_token(Provider::Github, &dead, &t("ghp_x"), timeout)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("failed to reach {dead}/user")),
        "{err}"
    );
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().expect("timestamp")
}

fn meta(
    provider: Provider,
    api: &str,
    expires: Option<&str>,
    check: Option<(CheckResult, &str)>,
) -> CredentialMeta {
    CredentialMeta {
        provider,
        api_url: api.into(),
        username: "git".into(),
        created: ts("2026-01-05T09:00:00Z"),
        updated: ts("2026-02-01T09:00:00Z"),
        expires: expires.map(ts),
        last_check: check.map(|(result, at)| CheckRecord {
            at: ts(at),
            result,
            identity: Some("fleet-bot".into()),
            scopes: None,
            message: (result == CheckResult::Invalid)
                .then(|| "the provider answered 401 Unauthorized (Bad credentials)".into()),
        }),
    }
}

#[test]
fn list_and_check_render_expiry_days_left_and_warnings() {
    let now = ts("2026-03-10T12:00:00Z");
    let mut rotation = RotationState::new(
        "apps-bot",
        meta(Provider::Github, "https://api.github.com", None, None),
        &[
            ("staging".into(), "https://a".into()),
            ("prod-eu".into(), "https://b".into()),
        ],
    );
    rotation.mark("staging", fleet::credentials::rotation::ClusterState::Done, None);
    let views = vec![
        report::credential_view(
            "apps-bot",
            &meta(
                Provider::Github,
                "https://api.github.com",
                Some("2026-09-01T00:00:00Z"),
                Some((CheckResult::Valid, "2026-03-10T09:00:00Z")),
            ),
            Some(true),
            Some(&rotation),
            now,
            14,
        ),
        report::credential_view(
            "fleet-bot",
            &meta(
                Provider::Github,
                "https://ghe.example.com/api/v3",
                Some("2026-03-15T08:00:00Z"),
                Some((CheckResult::Valid, "2026-03-08T12:00:00Z")),
            ),
            Some(true),
            None,
            now,
            14,
        ),
        report::credential_view(
            "gitlab-bot",
            &meta(
                Provider::Gitlab,
                "https://gitlab.com/api/v4",
                Some("2026-03-01T00:00:00Z"),
                Some((CheckResult::Valid, "2026-02-20T12:00:00Z")),
            ),
            Some(true),
            None,
            now,
            14,
        ),
        report::credential_view(
            "old-bot",
            &meta(
                Provider::Github,
                "https://api.github.com",
                None,
                Some((CheckResult::Invalid, "2026-03-09T12:00:00Z")),
            ),
            Some(false),
            None,
            now,
            14,
        ),
        report::credential_view(
            "new-bot",
            &meta(Provider::Github, "https://api.github.com", None, None),
            Some(true),
            None,
            now,
            14,
        ),
    ];
    fleet_snapshot!(
        "token_list_table",
        report::list_table(&views, now, Paint::plain())
    );
    fleet_snapshot!("token_check_table", report::check_table(&views, Paint::plain()));
    let warnings: Vec<String> = views
        .iter()
        .flat_map(|v| v.warnings.iter().map(move |w| format!("{}: {w}", v.name)))
        .collect();
    fleet_snapshot!("token_list_warnings", warnings.join("\n"));
    fleet_snapshot!(
        "token_list_json",
        serde_json::to_string_pretty(&views[..2]).expect("json")
    );
}

fn secret(ns: &str, name: &str, from: Option<&str>) -> SecretTarget {
    SecretTarget {
        key: ObjectKey {
            namespace: ns.into(),
            name: name.into(),
        },
        propagated_from: from.map(str::to_string),
        reverted_by: None,
    }
}

#[test]
fn rotation_results_and_plans_render_as_tables() {
    use fleet::credentials::cluster::{RepoReport, RepoTarget, SecretReport};
    let repo = |ns: &str, name: &str, state: RepoState| RepoReport {
        target: RepoTarget {
            key: ObjectKey {
                namespace: ns.into(),
                name: name.into(),
            },
            secret: "flux-system".into(),
            suspended: state == RepoState::Suspended,
        },
        state,
        message: None,
    };
    let ok = ClusterReport {
        context: "staging".into(),
        secrets: vec![
            SecretReport {
                target: secret("flux-system", "flux-system", None),
                outcome: "configured",
            },
            SecretReport {
                target: secret("apps", "flux-apps", Some("flux-system.flux-apps")),
                outcome: "unchanged",
            },
        ],
        git_repositories: vec![
            repo("flux-system", "flux-system", RepoState::Ready),
            repo("apps", "apps", RepoState::Ready),
            repo("apps", "paused", RepoState::Suspended),
        ],
        conflicts: 0,
        flux_installed: true,
        error: None,
    };
    let unreachable = ClusterReport::failed(
        "prod-us",
        "cluster 'prod-us' is unreachable at https://127.0.0.1:1: client error (Connect)".into(),
    );
    let no_flux = ClusterReport {
        context: "edge".into(),
        secrets: vec![],
        git_repositories: vec![],
        conflicts: 0,
        flux_installed: false,
        error: None,
    };
    let result = RotationReport {
        credential: "fleet-bot".into(),
        operation: Operation::Rotate,
        requested_at: "2026-03-10T12:00:00.5Z".into(),
        complete: false,
        clusters: vec![ok, unreachable, no_flux],
    };
    fleet_snapshot!(
        "token_rotate_table",
        report::rotation_table(&result, Paint::plain())
    );
    fleet_snapshot!(
        "token_rotate_json",
        serde_json::to_string_pretty(&result).expect("json")
    );

    let plan = ClusterPlan {
        secrets: vec![
            secret("apps", "flux-apps", Some("flux-system.flux-apps")),
            secret("flux-system", "flux-system", None),
            SecretTarget {
                reverted_by: Some("flux-system/cluster-secrets".into()),
                ..secret("flux-system", "sops-managed", None)
            },
        ],
        git_repositories: vec![
            RepoTarget {
                key: ObjectKey {
                    namespace: "flux-system".into(),
                    name: "flux-system".into(),
                },
                secret: "flux-system".into(),
                suspended: false,
            },
            RepoTarget {
                key: ObjectKey {
                    namespace: "apps".into(),
                    name: "paused".into(),
                },
                secret: "flux-apps".into(),
                suspended: true,
            },
        ],
        flux_installed: true,
    };
    let rows = vec![
        ("staging".to_string(), Ok(plan)),
        ("prod-eu".to_string(), Ok(ClusterPlan::default())),
        (
            "prod-us".to_string(),
            Err("cluster 'prod-us' is unreachable at https://127.0.0.1:1".to_string()),
        ),
    ];
    fleet_snapshot!(
        "token_rotate_dry_run_table",
        report::plan_table(&rows, Paint::plain())
    );
}

#[test]
fn help_shows_kubectl_fleet_usage_and_examples() {
    let top = Cmd::fleet("kubectl-fleet-token").args(["--help"]).run();
    fleet_snapshot!("token_help", top.ok().to_string());
    let rotate = Cmd::fleet("kubectl-fleet-token").args(["rotate", "--help"]).run();
    fleet_snapshot!("token_rotate_help", rotate.ok().to_string());
}

#[test]
fn bad_arguments_are_usage_errors_before_any_keyring_access() {
    // No D-Bus session at all: these must fail on the arguments, not on the keyring.
    let cfg = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str]| {
        Cmd::fleet("kubectl-fleet-token")
            .env("XDG_CONFIG_HOME", cfg.path())
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .args(args)
            .run()
    };
    let bad_name = run(&["set", "Fleet Bot", "--from-stdin"]);
    assert_eq!(bad_name.code, 2, "{bad_name:?}");
    assert!(
        bad_name.stderr.contains("invalid credential name 'Fleet Bot'"),
        "{}",
        bad_name.stderr
    );

    let http = run(&[
        "set",
        "bot",
        "--from-stdin",
        "--api-url",
        "http://ghe.example.com/api/v3",
    ]);
    assert_eq!(http.code, 2, "{http:?}");
    assert!(
        http.stderr
            .contains("plain http would send the token unencrypted"),
        "{}",
        http.stderr
    );

    let both = run(&["rotate", "bot", "--resume", "--rollback"]);
    assert_eq!(both.code, 2, "{both:?}");

    let resume_ctx = run(&["rotate", "bot", "--resume", "--context", "staging"]);
    assert_eq!(resume_ctx.code, 2, "{resume_ctx:?}");
    assert!(
        resume_ctx.stderr.contains("do not pass --context"),
        "{}",
        resume_ctx.stderr
    );

    let argv_token = run(&["set", "bot", "ghp_on_the_command_line"]);
    assert_eq!(
        argv_token.code, 2,
        "a token is never accepted from argv: {argv_token:?}"
    );

    let unknown = run(&["check", "nope"]);
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(
        unknown.stderr.contains("no credential named 'nope'"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test]
async fn the_plan_flags_secrets_a_flux_kustomization_would_revert() {
    let target = env().target(env().first()).await;
    let credential = unique("bot");
    let ns = namespace(&target, "tok-revert").await;
    let mut from_git = git_secret(&ns, "from-git", Some(&credential), "git", "ghp_old_rv");
    from_git["metadata"]["labels"] = json!({
        "kustomize.toolkit.fluxcd.io/name": "cluster-secrets",
        "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
    });
    apply(&target, from_git).await;
    let mut create_only = git_secret(&ns, "create-only", Some(&credential), "git", "ghp_old_rv");
    create_only["metadata"]["labels"] = json!({"kustomize.toolkit.fluxcd.io/name": "cluster-secrets"});
    create_only["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/ssa"] = json!("IfNotPresent");
    apply(&target, create_only).await;
    let plan = cluster::plan_cluster(&target, &credential).await.expect("plan");
    let flagged: Vec<(String, Option<String>)> = plan
        .secrets
        .iter()
        .map(|s| (s.key.name.clone(), s.reverted_by.clone()))
        .collect();
    assert_eq!(
        flagged,
        [
            ("create-only".to_string(), None),
            (
                "from-git".to_string(),
                Some("flux-system/cluster-secrets".to_string())
            )
        ]
    );
    let warnings = report::revert_warnings(&target.context, &plan.secrets);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("ssa=IfNotPresent"), "{}", warnings[0]);
}
