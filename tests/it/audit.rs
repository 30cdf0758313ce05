//! The renderings of `token audit`: its help, its table and its document, byte for byte, from a
//! report judged by the same functions the command uses (the keyring tier runs it end to end).

use std::collections::BTreeMap;

use fleet::{
    credentials::{
        CredentialMeta, Provider, Token,
        audit::{Known, SecretFacts, StoredHashes, audit_secret, warnings},
        meta::{CheckRecord, CheckResult},
    },
    ops::{
        TargetError, TargetReport,
        token::audit::{AUDIT_KIND, AuditReport, audit_table},
    },
    output::{Paint, document::envelope},
};

use crate::{common::Cmd, fleet_snapshot};

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().expect("timestamp")
}

#[test]
fn audit_help_table_and_document_render() {
    let help = Cmd::fleet("kubectl-fleet-token").args(["audit", "--help"]).run();
    fleet_snapshot!("token_audit_help", help.ok().to_string());

    let now = ts("2026-11-30T12:00:00Z");
    let mut hashes = StoredHashes::new();
    hashes.add("fleet-bot", &Token::new("ghp_render_bot").expect("token"));
    hashes.add("charts-bot", &Token::new("glpat-render-charts").expect("token"));
    let meta = |expires: &str| CredentialMeta {
        expires: Some(ts(expires)),
        last_check: Some(CheckRecord {
            at: ts("2026-11-29T12:00:00Z"),
            result: CheckResult::Valid,
            identity: None,
            scopes: None,
            message: None,
            repositories: None,
        }),
        ..CredentialMeta::new(
            Provider::Github,
            "https://api.github.com",
            "git",
            ts("2026-01-01T00:00:00Z"),
        )
    };
    let metas = BTreeMap::from([
        ("fleet-bot".to_string(), meta("2026-12-05T00:00:00Z")),
        ("charts-bot".to_string(), meta("2027-03-01T00:00:00Z")),
    ]);
    let known = Known {
        hashes: &hashes,
        metas: &metas,
        now,
    };
    let facts = |claim: Option<&str>, pairs: &[(&str, &str)]| {
        let annotations =
            claim.map(|c| BTreeMap::from([("kubectl-fleet.dev/credential".to_string(), c.to_string())]));
        let data = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect();
        Some(SecretFacts::read(annotations.as_ref(), data, &hashes))
    };
    let secrets = vec![
        audit_secret(
            "prod-eu",
            "flux-system",
            "flux-system",
            vec!["GitRepository/flux-system".into()],
            facts(
                Some("fleet-bot"),
                &[("username", "git"), ("password", "ghp_render_bot")],
            ),
            known,
        ),
        audit_secret(
            "prod-eu",
            "flux-system",
            "charts",
            vec!["HelmRepository/charts".into(), "HelmRepository/mirror".into()],
            facts(None, &[("password", "glpat-render-charts")]),
            known,
        ),
        audit_secret(
            "prod-eu",
            "flux-system",
            "github-status",
            vec!["Provider/github-status".into()],
            facts(Some("fleet-bot"), &[("token", "ghp_render_stale")]),
            known,
        ),
        audit_secret(
            "prod-eu",
            "apps",
            "app",
            vec!["GitRepository/apps".into()],
            facts(
                Some("fleet-app"),
                &[("githubAppID", "1"), ("githubAppPrivateKey", "k")],
            ),
            known,
        ),
        audit_secret(
            "prod-eu",
            "legacy",
            "gone",
            vec!["GitRepository/legacy".into()],
            None,
            known,
        ),
    ];
    let warnings = warnings(&secrets, 14);
    let report = AuditReport {
        warn_days: 14,
        secrets,
        warnings,
        clusters: vec![
            TargetReport {
                target: "prod-eu".into(),
                outcome: Ok(5),
                seconds: 0.25,
            },
            TargetReport::failed("prod-us", TargetError::new("cluster 'prod-us' is unreachable")),
        ],
    };
    assert_eq!(report.exit_status(), fleet::error::ExitStatus::Failure);
    fleet_snapshot!("token_audit_table", audit_table(&report, now, Paint::plain()));
    let doc = serde_json::to_string_pretty(&envelope(AUDIT_KIND, &report).expect("document")).expect("json");
    assert!(
        !doc.contains("ghp_render") && !doc.contains("glpat-render"),
        "{doc}"
    );
    fleet_snapshot!("token_audit_json", doc);
}
