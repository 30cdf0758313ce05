//! `token audit` with the real binary, the real Secret Service and the three real apiservers:
//! every Secret a Flux source or notification Provider reads is matched to the stored
//! credentials by content (keyed hashes) or by annotation (a claim, checked against the content),
//! with its kind, expiry and days left; a credential in use that expires within --warn-days fails
//! the run; no token appears in any output.

use serde_json::{Value, json};

use crate::{
    User,
    common::{apply, env, unique},
    support::{Answer, FakeProvider, git_secret, github_expiry_in},
};

fn source(kind: &str, ns: &str, name: &str, secret: &str) -> Value {
    let (api, spec) = match kind {
        "GitRepository" => (
            "source.toolkit.fluxcd.io/v1",
            json!({"url": "https://github.com/example/fleet.git", "interval": "1m", "secretRef": {"name": secret}}),
        ),
        "HelmRepository" => (
            "source.toolkit.fluxcd.io/v1",
            json!({"url": "https://charts.example.com", "interval": "1h", "secretRef": {"name": secret}}),
        ),
        _ => (
            "notification.toolkit.fluxcd.io/v1beta3",
            json!({"type": "github", "address": "https://github.com/example/fleet", "secretRef": {"name": secret}}),
        ),
    };
    json!({"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": ns}, "spec": spec})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_finds_every_git_secret_its_credential_and_expiry_on_three_clusters() {
    let provider = FakeProvider::start();
    let api = format!("{}/api/v3", provider.url);
    let user = User::new();
    let ns = unique("audit");
    let (near, far) = (unique("near-bot"), unique("far-bot"));
    let near_token = format!("ghp_{}", unique("aunear").replace('-', ""));
    let far_token = format!("ghp_{}", unique("aufar").replace('-', ""));
    let planted = format!("ghp_{}", unique("auplant").replace('-', ""));
    let by_hand = format!("ghp_{}", unique("auhand").replace('-', ""));
    for (t, days) in [(&near_token, 5), (&far_token, 90)] {
        provider.answer(
            t,
            Answer::GithubValid {
                login: "fleet-bot".into(),
                expiry_header: Some(github_expiry_in(days)),
                scopes: None,
            },
        );
    }
    for (n, t) in [(&near, &near_token), (&far, &far_token)] {
        let set = user
            .run(&["set", n, "--from-stdin", "--api-url", &api], Some(t))
            .await;
        assert_eq!(set.code, 0, "{set:?}");
    }
    for context in &env().contexts {
        let target = env().target(context).await;
        apply(
            &target,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
        )
        .await;
        // Managed (annotated, holding the stored token), about to expire.
        apply(&target, git_secret(&ns, "sync", Some(&near), "git", &near_token)).await;
        apply(&target, source("GitRepository", &ns, "flux-system", "sync")).await;
        // Written by hand with a stored token.
        apply(&target, git_secret(&ns, "charts", None, "git", &far_token)).await;
        apply(&target, source("HelmRepository", &ns, "charts", "charts")).await;
        // A claim its content does not back.
        let mut claim = git_secret(&ns, "alerts", Some(&far), "git", &planted);
        claim["stringData"] = json!({"token": planted});
        apply(&target, claim).await;
        apply(&target, source("Provider", &ns, "github-status", "alerts")).await;
        // GitHub App credentials.
        apply(
            &target,
            json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                   "metadata": {"name": "app", "namespace": ns, "annotations": {"kubectl-fleet.dev/credential": "fleet-app"}},
                   "stringData": {"githubAppID": "1234", "githubAppInstallationID": "5678",
                                  "githubAppPrivateKey": "not-a-real-key"}}),
        )
        .await;
        apply(&target, source("GitRepository", &ns, "apps", "app")).await;
        // Unmanaged, holding a token nobody stored; and a reference to nothing.
        apply(&target, git_secret(&ns, "hand-made", None, "git", &by_hand)).await;
        apply(&target, source("GitRepository", &ns, "legacy", "hand-made")).await;
        apply(&target, source("GitRepository", &ns, "broken", "no-such-secret")).await;
    }

    let run = user.run(&["audit", "--all-contexts", "-o", "json"], None).await;
    assert_eq!(run.code, 1, "a credential expires within 14 days: {run:?}");
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["kind"], "TokenAudit");
    assert_eq!(doc["warnDays"], 14);
    let mine: Vec<&Value> = doc["secrets"]
        .as_array()
        .expect("secrets")
        .iter()
        .filter(|s| s["namespace"] == ns.as_str())
        .collect();
    assert_eq!(mine.len(), 6 * 3, "{mine:#?}");
    for context in &env().contexts {
        let row = |name: &str| -> &Value {
            mine.iter()
                .find(|s| s["cluster"] == context.as_str() && s["name"] == name)
                .unwrap_or_else(|| panic!("{context}/{name} in {mine:#?}"))
        };
        let sync = row("sync");
        assert_eq!(
            (
                &sync["kind"],
                &sync["managed"],
                &sync["credential"],
                &sync["evidence"]
            ),
            (&json!("pat"), &json!(true), &json!(near), &json!("verified"))
        );
        assert!(matches!(sync["daysLeft"].as_i64(), Some(4 | 5)), "{sync}");
        assert!(sync["lastCheck"].is_string(), "{sync}");
        assert_eq!(sync["usedBy"], json!(["GitRepository/flux-system"]));
        let charts = row("charts");
        assert_eq!(
            (&charts["managed"], &charts["credential"], &charts["evidence"]),
            (&json!(false), &json!(far), &json!("content"))
        );
        assert!(matches!(charts["daysLeft"].as_i64(), Some(89 | 90)), "{charts}");
        let alerts = row("alerts");
        assert_eq!(
            (&alerts["claimed"], &alerts["evidence"], alerts.get("credential")),
            (&json!(far), &json!("mismatch"), None)
        );
        assert_eq!(alerts["usedBy"], json!(["Provider/github-status"]));
        let app = row("app");
        assert_eq!(
            (&app["kind"], &app["evidence"], app.get("daysLeft")),
            (&json!("githubApp"), &json!("claimed"), None)
        );
        let hand = row("hand-made");
        assert_eq!(
            (&hand["managed"], &hand["evidence"], hand.get("credential")),
            (&json!(false), &json!("none"), None)
        );
        assert_eq!(row("no-such-secret")["kind"], "missing");
    }
    // Warnings: most urgent first.
    let urgencies: Vec<&str> = doc["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| {
            w["secret"]
                .as_str()
                .is_some_and(|s| s.starts_with(&format!("{ns}/")))
        })
        .map(|w| w["urgency"].as_str().expect("urgency"))
        .collect();
    assert_eq!(
        urgencies,
        [
            "expiring", "expiring", "expiring", "mismatch", "mismatch", "mismatch", "missing", "missing",
            "missing", "unknown", "unknown", "unknown"
        ]
    );
    assert!(
        run.stderr
            .contains(&format!("Secret {ns}/sync: credential '{near}' expires in")),
        "{}",
        run.stderr
    );

    // The table, and a window the near expiry is outside of.
    let table = user
        .run(
            &["audit", "--context", &env().contexts[0], "--warn-days", "3"],
            None,
        )
        .await;
    assert_eq!(table.code, 0, "{table:?}");
    let line = |name: &str| {
        table
            .stdout
            .lines()
            .find(|l| l.contains(&format!("{ns}/{name} ")))
            .unwrap_or_else(|| panic!("{name} in\n{}", table.stdout))
            .to_string()
    };
    assert!(line("alerts").contains("MISMATCH"), "{}", table.stdout);
    assert!(
        line("charts").contains(&format!("{far} (unmanaged)")),
        "{}",
        table.stdout
    );
    assert!(line("app").contains("GitHub App"), "{}", table.stdout);
    assert!(line("hand-made").contains("unmanaged"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .lines()
            .next()
            .is_some_and(|h| h.contains("DAYS LEFT")),
        "{}",
        table.stdout
    );

    let all = user.outputs.lock().expect("lock").join("\n");
    for t in [&near_token, &far_token, &planted, &by_hand] {
        assert!(!all.contains(t.as_str()), "a token leaked:\n{all}");
    }
    for n in [&near, &far] {
        assert_eq!(user.run(&["delete", n], None).await.code, 0);
    }
}
