//! What `token list` and `token check` show, and what `token rotate` warns about: views computed
//! from metadata and check results at a given instant, and their tables. Pure functions of their
//! inputs (the clock is a parameter), so every rendering is snapshot-tested byte for byte. None of
//! these types can hold a token.

use jiff::Timestamp;
use serde::Serialize;

use super::{
    cluster::SecretTarget,
    meta::{CheckRecord, CheckResult, CredentialKind, CredentialMeta},
    rotation::{ClusterState, Operation, RotationState},
};
use crate::output::{Paint, TableBuilder, Tone};

/// The one-word status of a credential, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum CredentialStatus {
    /// The keyring has no token under this name.
    Missing,
    /// The expiry date has passed.
    Expired,
    /// The last check was rejected by the provider.
    Invalid,
    /// The last check could not reach a verdict.
    CheckFailed,
    /// Expires within the warning window.
    Expiring,
    /// A rotation or rollback is unfinished.
    Rotating,
    /// Never checked.
    Unchecked,
    /// Valid at the last check and not expiring soon.
    Valid,
}

impl CredentialStatus {
    /// The label users see.
    pub fn label(self) -> &'static str {
        match self {
            CredentialStatus::Missing => "Missing",
            CredentialStatus::Expired => "Expired",
            CredentialStatus::Invalid => "Invalid",
            CredentialStatus::Expiring => "Expiring",
            CredentialStatus::Rotating => "Rotating",
            CredentialStatus::CheckFailed => "CheckFailed",
            CredentialStatus::Unchecked => "Unchecked",
            CredentialStatus::Valid => "Valid",
        }
    }

    /// Colour.
    pub fn tone(self) -> Tone {
        match self {
            CredentialStatus::Missing | CredentialStatus::Expired | CredentialStatus::Invalid => Tone::Bad,
            CredentialStatus::Expiring | CredentialStatus::Rotating | CredentialStatus::CheckFailed => {
                Tone::Warn
            }
            CredentialStatus::Unchecked => Tone::Plain,
            CredentialStatus::Valid => Tone::Good,
        }
    }

    /// Whether this makes `token check` exit 1.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            CredentialStatus::Missing
                | CredentialStatus::Expired
                | CredentialStatus::Invalid
                | CredentialStatus::CheckFailed
        )
    }
}

/// An unfinished rotation, as `token list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationView {
    /// `rotate` or `rollback`.
    pub operation: Operation,
    /// Clusters done.
    pub done: usize,
    /// Clusters in the rotation.
    pub total: usize,
    /// Contexts not done yet.
    pub remaining: Vec<String>,
}

/// One credential as `token list` and `token check` show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialView {
    /// The credential name.
    pub name: String,
    /// A token (`pat`) or a GitHub App (`app`).
    pub kind: CredentialKind,
    /// Its metadata.
    #[serde(flatten)]
    pub meta: CredentialMeta,
    /// Whole days until expiry (negative once expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Whether the keyring holds the token (None: not looked up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_keyring: Option<bool>,
    /// An unfinished rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<RotationView>,
    /// The one-word status.
    pub status: CredentialStatus,
    /// Everything that needs attention, as sentences.
    pub warnings: Vec<String>,
}

/// Whole days from `now` until `then` (floor).
pub fn days_until(now: Timestamp, then: Timestamp) -> i64 {
    (then.as_second() - now.as_second()).div_euclid(86_400)
}

/// kubectl-style age: `45s`, `12m`, `5h`, `3d`.
pub fn age(now: Timestamp, then: Timestamp) -> String {
    let s = (now.as_second() - then.as_second()).max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// `2026-04-01`.
pub fn date(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// Computes the view of one credential at `now`, warning `warn_days` ahead of expiry.
pub fn credential_view(
    name: &str,
    meta: &CredentialMeta,
    in_keyring: Option<bool>,
    rotation: Option<&RotationState>,
    now: Timestamp,
    warn_days: i64,
) -> CredentialView {
    let mut statuses = Vec::new();
    let mut warnings = Vec::new();
    let days_left = meta.expires.map(|e| days_until(now, e));
    if in_keyring == Some(false) {
        statuses.push(CredentialStatus::Missing);
        warnings.push(format!(
            "the OS keyring has no token for '{name}': store it again with 'kubectl fleet token set {name} --force'"
        ));
    }
    if let Some(expires) = meta.expires {
        let left = days_until(now, expires);
        if expires <= now {
            statuses.push(CredentialStatus::Expired);
            warnings.push(format!("the token expired on {}", date(expires)));
        } else if left < warn_days {
            statuses.push(CredentialStatus::Expiring);
            warnings.push(format!(
                "the token expires on {} ({}): rotate it with 'kubectl fleet token rotate {name} --all-contexts'",
                date(expires),
                in_days(left)
            ));
        }
    }
    match &meta.last_check {
        None => statuses.push(CredentialStatus::Unchecked),
        Some(CheckRecord {
            result: CheckResult::Invalid,
            message,
            at,
            ..
        }) => {
            statuses.push(CredentialStatus::Invalid);
            warnings.push(format!(
                "the provider rejected the token on {}{}",
                date(*at),
                message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
            ));
        }
        Some(CheckRecord {
            result: CheckResult::Error,
            message,
            ..
        }) => {
            statuses.push(CredentialStatus::CheckFailed);
            warnings.push(format!(
                "the last check could not reach a verdict{}",
                message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
            ));
        }
        Some(_) => statuses.push(CredentialStatus::Valid),
    }
    let rotation = rotation.map(|r| {
        let (done, total) = r.progress();
        let remaining = r.remaining();
        statuses.push(CredentialStatus::Rotating);
        let next = next_step(name, r.operation);
        let what = match r.operation {
            Operation::Rotate => "rotation",
            Operation::Rollback => "rollback",
        };
        warnings.push(format!(
            "unfinished {what}: {done} of {total} clusters done, {} left ({}); {next}",
            remaining.len(),
            remaining.join(", ")
        ));
        RotationView {
            operation: r.operation,
            done,
            total,
            remaining,
        }
    });
    let status = statuses.into_iter().min().unwrap_or(CredentialStatus::Valid);
    CredentialView {
        name: name.to_string(),
        kind: meta.kind(),
        meta: meta.clone(),
        days_left,
        in_keyring,
        rotation,
        status,
        warnings,
    }
}

/// How to go on with an unfinished rotation or rollback of `name`.
pub fn next_step(name: &str, operation: Operation) -> String {
    match operation {
        Operation::Rotate => format!(
            "continue with 'kubectl fleet token rotate {name} --resume' or undo with 'kubectl fleet token rotate {name} --rollback'"
        ),
        Operation::Rollback => format!("continue with 'kubectl fleet token rotate {name} --rollback'"),
    }
}

fn in_days(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "in 1 day".to_string(),
        n => format!("in {n} days"),
    }
}

fn host(url: &str) -> String {
    url.split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(url)
        .to_string()
}

fn expires_cell(meta: &CredentialMeta) -> String {
    match (meta.expires, &meta.last_check) {
        (Some(e), _) => date(e),
        (None, Some(c)) if c.result == CheckResult::Valid => "never".into(),
        (None, _) => "unknown".into(),
    }
}

fn last_check_cell(meta: &CredentialMeta, now: Timestamp) -> String {
    match &meta.last_check {
        None => "never".into(),
        Some(c) => {
            let result = match c.result {
                CheckResult::Valid => "valid",
                CheckResult::Invalid => "invalid",
                CheckResult::Error => "error",
            };
            format!("{result} ({} ago)", age(now, c.at))
        }
    }
}

/// The `token list` table.
pub fn list_table(views: &[CredentialView], now: Timestamp, paint: Paint) -> String {
    let mut t = TableBuilder::new(
        [
            "name",
            "kind",
            "provider",
            "api",
            "username",
            "expires",
            "days left",
            "last check",
            "status",
        ],
        paint,
    );
    for v in views {
        let days = v.days_left.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        let days_tone = match v.status {
            CredentialStatus::Expired => Tone::Bad,
            CredentialStatus::Expiring => Tone::Warn,
            _ => Tone::Plain,
        };
        t.toned_row([
            (v.name.clone(), Tone::Bold),
            (v.kind.label().to_string(), Tone::Plain),
            (v.meta.provider.label().to_string(), Tone::Plain),
            (host(&v.meta.api_url), Tone::Plain),
            (v.meta.username.clone(), Tone::Plain),
            (expires_cell(&v.meta), days_tone),
            (days, days_tone),
            (last_check_cell(&v.meta, now), Tone::Plain),
            (v.status.label().to_string(), v.status.tone()),
        ]);
    }
    t.render()
}

/// The `token check` table.
pub fn check_table(views: &[CredentialView], paint: Paint) -> String {
    let mut t = TableBuilder::new(
        ["name", "provider", "identity", "expires", "days left", "status"],
        paint,
    );
    for v in views {
        let identity = v
            .meta
            .last_check
            .as_ref()
            .and_then(|c| c.identity.clone())
            .unwrap_or_else(|| "-".into());
        t.toned_row([
            (v.name.clone(), Tone::Bold),
            (v.meta.provider.label().to_string(), Tone::Plain),
            (identity, Tone::Plain),
            (expires_cell(&v.meta), Tone::Plain),
            (
                v.days_left.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                Tone::Plain,
            ),
            (v.status.label().to_string(), v.status.tone()),
        ]);
    }
    t.render()
}

/// Warnings about Secrets a Flux Kustomization will revert, one per Secret.
pub fn revert_warnings(context: &str, secrets: &[SecretTarget]) -> Vec<String> {
    secrets
        .iter()
        .filter_map(|s| {
            s.reverted_by.as_ref().map(|k| {
                format!(
                    "{context}: Secret {} is applied from git by Kustomization {k}, which will put the old token back: \
                     rotate it in git too, or annotate it kustomize.toolkit.fluxcd.io/ssa=IfNotPresent",
                    s.key
                )
            })
        })
        .collect()
}

/// The state of a rotation, for `--resume`/`--rollback` status lines.
pub fn cluster_states(state: &RotationState) -> String {
    state
        .clusters
        .iter()
        .map(|c| {
            let s = match c.state {
                ClusterState::Pending => "pending",
                ClusterState::Done => "done",
                ClusterState::Failed => "failed",
            };
            format!("{} {s}", c.context)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::provider::Provider;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn meta(expires: Option<&str>, check: Option<CheckResult>) -> CredentialMeta {
        CredentialMeta {
            provider: Provider::Github,
            api_url: "https://api.github.com".into(),
            username: "git".into(),
            created: ts("2026-01-01T00:00:00Z"),
            updated: ts("2026-01-01T00:00:00Z"),
            expires: expires.map(ts),
            last_check: check.map(|result| CheckRecord {
                at: ts("2026-03-01T00:00:00Z"),
                result,
                identity: Some("fleet-bot".into()),
                scopes: None,
                message: None,
                repositories: None,
            }),
            github_app: None,
        }
    }

    #[test]
    fn status_is_the_worst_finding() {
        let now = ts("2026-03-10T12:00:00Z");
        let v = credential_view(
            "a",
            &meta(Some("2026-03-15T00:00:00Z"), Some(CheckResult::Valid)),
            Some(true),
            None,
            now,
            14,
        );
        assert_eq!((v.status, v.days_left), (CredentialStatus::Expiring, Some(4)));
        assert!(
            v.warnings[0].contains("expires on 2026-03-15 (in 4 days)"),
            "{:?}",
            v.warnings
        );
        let v = credential_view(
            "a",
            &meta(Some("2026-03-01T00:00:00Z"), Some(CheckResult::Valid)),
            Some(true),
            None,
            now,
            14,
        );
        assert_eq!(v.status, CredentialStatus::Expired);
        let v = credential_view(
            "a",
            &meta(None, Some(CheckResult::Valid)),
            Some(false),
            None,
            now,
            14,
        );
        assert_eq!(v.status, CredentialStatus::Missing);
        let v = credential_view("a", &meta(None, None), None, None, now, 14);
        assert_eq!(v.status, CredentialStatus::Unchecked);
        let v = credential_view(
            "a",
            &meta(Some("2027-01-01T00:00:00Z"), Some(CheckResult::Valid)),
            Some(true),
            None,
            now,
            14,
        );
        assert_eq!(v.status, CredentialStatus::Valid);
        assert!(v.warnings.is_empty());
    }

    #[test]
    fn ages_read_like_kubectl() {
        let now = ts("2026-03-10T12:00:00Z");
        assert_eq!(age(now, ts("2026-03-10T11:59:15Z")), "45s");
        assert_eq!(age(now, ts("2026-03-10T10:00:00Z")), "2h");
        assert_eq!(age(now, ts("2026-03-07T12:00:00Z")), "3d");
    }
}
