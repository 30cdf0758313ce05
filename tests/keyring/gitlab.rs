//! `token rotate NAME --self` against the loopback GitLab (tests/support/gitlab.rs), the real
//! Secret Service and the real apiservers: GitLab issues the new token and revokes the old one at
//! once, a cluster that is down mid-rollout is finished by `--resume` with the new token only,
//! `--rollback` is refused, and the old token is never sent again (GitLab's reuse detection, which
//! would revoke the new token, never fires).

use serde_json::json;

use crate::{
    User, common::env, common::unique, gitlab_api::FakeGitlab, gitlab_api::Owner, kubeconfig_with_dead,
    passwords, prepare, stored,
};
use fleet::credentials::rotation::previous_entry;

/// Every output, the index and the state files are free of `tokens`.
fn assert_no_leak(user: &User, tokens: &[&str]) {
    let outputs = user.outputs.lock().expect("lock").join("\n");
    let mut files = String::new();
    for f in crate::files_under(user.config.path()) {
        files.push_str(&std::fs::read_to_string(&f).unwrap_or_default());
    }
    for t in tokens {
        assert!(!outputs.contains(t), "a token leaked into the output:\n{outputs}");
        assert!(!files.contains(t), "a token leaked into the config directory");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_rotation_survives_a_cluster_down_mid_rollout_without_ever_resending_the_old_token() {
    let gitlab = FakeGitlab::start();
    let tmp = tempfile::tempdir().expect("tmp");
    let name = unique("gl-bot");
    let old = format!("glpat-{}", unique("old").replace('-', ""));
    let new = format!("glpat-{}", unique("new").replace('-', ""));
    gitlab.add(
        &old,
        "fleet-bot",
        &["self_rotate", "read_repository"],
        5,
        Owner::User,
    );
    gitlab.issue_next(&new);
    // The git server of every cluster takes the token GitLab issues: the current one after the
    // rotation (the old one is revoked by then).
    let clusters = prepare(&name, &old, &new).await;
    let dead_context = env().contexts[2].clone();
    let (dead_kc, real_server, dead_server) = kubeconfig_with_dead(tmp.path(), &dead_context).await;
    let user = User {
        kubeconfig: dead_kc.clone(),
        ..User::new()
    };
    let set = user
        .run(
            &[
                "set",
                &name,
                "--provider",
                "gitlab",
                "--api-url",
                &gitlab.api(),
                "--from-stdin",
            ],
            Some(&old),
        )
        .await;
    assert_eq!(set.code, 0, "{set:?}");

    let ns = clusters[0].ns.clone();
    let rotate_args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "rotate",
            &name,
            "--all-contexts",
            "--flux-namespace",
            &ns,
            "--timeout",
            "60s",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let args = rotate_args(&["--self", "--expires-in", "30d"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let rotate = user.run(&args, None).await;
    assert_eq!(rotate.code, 1, "one cluster is down: {rotate:?}");
    let rotated_at = gitlab
        .requests()
        .iter()
        .position(|(line, _)| line.starts_with("POST /api/v4/personal_access_tokens/self/rotate"))
        .expect("GitLab was asked to rotate");
    assert!(
        gitlab.requests()[rotated_at].0.contains("expires_at="),
        "{:?}",
        gitlab.requests()
    );
    assert!(gitlab.revoked(&old));
    assert!(gitlab.git_accepts(&new));
    let expected_expiry = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 30))
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    assert_eq!(gitlab.expires_at(&new), Some(expected_expiry.clone()));
    assert!(
        rotate.stderr.contains("GitLab rotated the token") && rotate.stderr.contains("--resume"),
        "{}",
        rotate.stderr
    );
    // The new token is the only one in the keyring; the state says the old one is dead.
    assert_eq!(stored(&name).as_deref(), Some(new.as_str()));
    assert_eq!(stored(&previous_entry(&name)), None);
    let state = std::fs::read_to_string(user.state_file(&name)).expect("state file");
    assert!(state.contains("previousRevoked: true"), "{state}");
    for c in &clusters[..2] {
        assert_eq!(passwords(c).await.0, new, "{}", c.target.context);
    }
    assert_eq!(
        passwords(&clusters[2]).await.0,
        old,
        "the unreachable cluster was not touched"
    );
    let listed = crate::json(&user.run(&["list", "-o", "json"], None).await);
    assert!(
        listed["items"][0]["expires"]
            .as_str()
            .is_some_and(|e| e.starts_with(&expected_expiry)),
        "{listed}"
    );

    // No rollback: GitLab revoked the previous token.
    let rollback = user.run(&["rotate", &name, "--rollback"], None).await;
    assert_eq!(rollback.code, 2, "{rollback:?}");
    assert!(
        rollback.stderr.contains("nothing to roll back to"),
        "{}",
        rollback.stderr
    );
    assert!(user.state_file(&name).exists());

    // The cluster is back: --resume finishes it with the new token.
    std::fs::write(
        &dead_kc,
        std::fs::read_to_string(&dead_kc)
            .expect("read")
            .replace(&dead_server, &real_server),
    )
    .expect("fix kubeconfig");
    let resume = user.run(&["rotate", &name, "--resume"], None).await;
    assert_eq!(resume.code, 0, "{resume:?}");
    for c in &clusters {
        assert_eq!(
            passwords(c).await,
            (new.clone(), new.clone(), old.clone()),
            "{}",
            c.target.context
        );
        let handled = c.controller.handled.lock().expect("lock").clone();
        assert!(
            !handled.is_empty() && handled.iter().all(|(.., ok)| *ok),
            "{handled:?}"
        );
    }
    assert!(!user.state_file(&name).exists());
    assert_eq!(stored(&name).as_deref(), Some(new.as_str()));

    // GitLab saw the old token twice (the check at `set`, the rotation) and never after.
    let requests = gitlab.requests();
    let old_uses: Vec<usize> = requests
        .iter()
        .enumerate()
        .filter(|(_, (_, t))| *t == old)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(old_uses.last(), Some(&rotated_at), "{requests:?}");
    assert_eq!(gitlab.reuse_detections(), 0);
    assert!(gitlab.git_accepts(&new), "the new token is still valid");
    let check = user.run(&["check", &name, "-o", "json"], None).await;
    assert_eq!(check.code, 0, "{check:?}");
    assert_eq!(gitlab.reuse_detections(), 0);
    assert_no_leak(&user, &[&old, &new]);
    assert_eq!(user.run(&["delete", &name], None).await.code, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_rotation_is_refused_without_the_scope_and_for_github_and_project_tokens_rotate_by_id() {
    let gitlab = FakeGitlab::start();
    let user = User::new();
    let ns = unique("gl-none");
    let (reader, github, project) = (unique("gl-read"), unique("gh-bot"), unique("gl-proj"));
    let read_only = format!("glpat-{}", unique("ro").replace('-', ""));
    let project_old = format!("glpat-{}", unique("pold").replace('-', ""));
    let project_new = format!("glpat-{}", unique("pnew").replace('-', ""));
    gitlab.add(&read_only, "reader", &["read_repository"], 20, Owner::User);
    gitlab.add(
        &project_old,
        "infra",
        &["api"],
        3,
        Owner::Project("fleet/infra".into()),
    );
    gitlab.issue_next(&project_new);
    let context = env().contexts[0].clone();
    let target = env().target(&context).await;
    crate::common::apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
    let one = |name: &str, extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "rotate",
            name,
            "--context",
            &context,
            "--flux-namespace",
            &ns,
            "--no-wait",
            "--self",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |args: Vec<String>| {
        let user = &user;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            user.run(&args, None).await
        }
    };
    for (n, t, provider) in [
        (&reader, &read_only, "gitlab"),
        (&project, &project_old, "gitlab"),
    ] {
        let set = user
            .run(
                &[
                    "set",
                    n,
                    "--provider",
                    provider,
                    "--api-url",
                    &gitlab.api(),
                    "--from-stdin",
                    "--no-check",
                ],
                Some(t),
            )
            .await;
        assert_eq!(set.code, 0, "{set:?}");
    }
    let set = user
        .run(
            &[
                "set",
                &github,
                "--provider",
                "github",
                "--from-stdin",
                "--no-check",
            ],
            Some("ghp_selfnope"),
        )
        .await;
    assert_eq!(set.code, 0, "{set:?}");

    let not_gitlab = run(one(&github, &[])).await;
    assert_eq!(not_gitlab.code, 2, "{not_gitlab:?}");
    assert!(
        not_gitlab
            .stderr
            .contains("is a github credential: --self rotates GitLab tokens only"),
        "{}",
        not_gitlab.stderr
    );

    let no_scope = run(one(&reader, &[])).await;
    assert_eq!(no_scope.code, 1, "{no_scope:?}");
    assert!(
        no_scope.stderr.contains("403") && no_scope.stderr.contains("scope 'api' or 'self_rotate'"),
        "{}",
        no_scope.stderr
    );
    assert!(
        no_scope.stderr.contains("nothing was changed"),
        "{}",
        no_scope.stderr
    );
    assert_eq!(stored(&reader).as_deref(), Some(read_only.as_str()));
    assert_eq!(stored(&previous_entry(&reader)), None);
    assert!(!user.state_file(&reader).exists());
    assert!(gitlab.git_accepts(&read_only));

    let bad_days = run(one(&project, &["--expires-in", "12h"])).await;
    assert_eq!(bad_days.code, 2, "{bad_days:?}");
    assert!(
        bad_days.stderr.contains("use a number of days"),
        "{}",
        bad_days.stderr
    );

    let by_project = run(one(
        &project,
        &["--gitlab-project", "fleet/infra", "--expires-in", "10d"],
    ))
    .await;
    assert_eq!(by_project.code, 0, "{by_project:?}");
    let requests = gitlab.requests();
    assert!(
        requests
            .iter()
            .any(|(l, _)| l.starts_with("POST /api/v4/projects/fleet%2Finfra/access_tokens/")),
        "{requests:?}"
    );
    assert!(gitlab.revoked(&project_old));
    assert_eq!(stored(&project).as_deref(), Some(project_new.as_str()));
    assert!(!user.state_file(&project).exists());
    assert_eq!(gitlab.reuse_detections(), 0);
    assert_no_leak(&user, &[&read_only, &project_old, &project_new, "ghp_selfnope"]);
    for n in [&reader, &github, &project] {
        assert_eq!(user.run(&["delete", n], None).await.code, 0);
    }
}
