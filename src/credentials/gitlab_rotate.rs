//! GitLab self-rotation: a GitLab access token asks GitLab for its own successor.
//!
//! - Personal, project and group access tokens with scope `api` or `self_rotate`:
//!   `POST /personal_access_tokens/self/rotate` (GitLab 16.10+, project and group tokens 17.9+).
//! - Project and group access tokens on older GitLab, or without `self_rotate`:
//!   `POST /projects/:id/access_tokens/:token_id/rotate` (`/groups/…`), where `:token_id` comes
//!   from `GET /personal_access_tokens/self` asked with the same token (needs scope `api` and the
//!   Maintainer role in the project or group).
//!
//! GitLab revokes the old token the moment it answers, and treats any later use of the old token
//! on a rotation endpoint as theft: it then revokes the new token too (automatic reuse detection).
//! So the order of steps is everything: the caller stores the answer's token in the keyring before
//! anything else and never sends the old token again, not even to check it. The rotation state
//! records that the old token is dead ([`SelfRotation`]), which is why such a rotation can be
//! resumed but never rolled back.

use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Token, meta::rfc3339, provider::parse_gitlab_expiry};
use crate::exit::ExitStatus;

/// Which GitLab endpoint rotates the token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RotateEndpoint {
    /// `POST /personal_access_tokens/self/rotate`: the token rotates itself.
    #[serde(rename = "self")]
    SelfRotate,
    /// `POST /projects/ID/access_tokens/TOKEN_ID/rotate`: a project access token.
    Project(String),
    /// `POST /groups/ID/access_tokens/TOKEN_ID/rotate`: a group access token.
    Group(String),
}

impl RotateEndpoint {
    /// How users name it.
    pub fn describe(&self) -> String {
        match self {
            RotateEndpoint::SelfRotate => "personal_access_tokens/self/rotate".into(),
            RotateEndpoint::Project(id) => format!("project {id} access token rotation"),
            RotateEndpoint::Group(id) => format!("group {id} access token rotation"),
        }
    }
}

/// The part of a rotation state that a GitLab self-rotation adds: once `previous_revoked` is set,
/// the previous token is dead at GitLab and the keyring holds the only working one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SelfRotation {
    /// When GitLab was asked (the request may have reached it even if no answer came back).
    #[serde(with = "rfc3339")]
    pub requested: Timestamp,
    /// The endpoint used.
    pub endpoint: RotateEndpoint,
    /// GitLab answered with the new token and it is stored: the previous one is revoked.
    #[serde(default)]
    pub previous_revoked: bool,
}

/// What GitLab answered: the new token and what it said about it. `Debug` keeps the token redacted.
#[derive(Clone, Debug)]
pub struct RotatedToken {
    /// The new token.
    pub token: Token,
    /// The token's name at GitLab.
    pub name: Option<String>,
    /// When it expires.
    pub expires: Option<Timestamp>,
    /// Its scopes.
    pub scopes: Option<Vec<String>>,
}

/// A self-rotation could not be done, or must not be. Messages never contain a token.
#[derive(Debug, thiserror::Error)]
pub enum GitlabRotateError {
    /// `--self` on a credential of another provider.
    #[error(
        "credential '{name}' is a {provider} credential: --self rotates GitLab tokens only (GitHub has no \
         self-rotation API; rotate it with a new token: kubectl fleet token rotate {name})"
    )]
    NotGitlab {
        /// The credential.
        name: String,
        /// Its provider.
        provider: String,
    },
    /// `--rollback` of a self-rotation.
    #[error(
        "credential '{name}' was rotated by GitLab itself (--self): GitLab revoked the previous token when it \
         issued the new one, so there is nothing to roll back to; finish the rotation with \
         'kubectl fleet token rotate {name} --resume'"
    )]
    RollbackRefused {
        /// The credential.
        name: String,
    },
    /// GitLab answered, and not with a new token: nothing was rotated.
    #[error(
        "GitLab refused to rotate credential '{name}' ({url} answered {status}: {message}){hint}; nothing was changed"
    )]
    Refused {
        /// The credential.
        name: String,
        /// The URL asked.
        url: String,
        /// HTTP status.
        status: u16,
        /// GitLab's message.
        message: String,
        /// What to do about it.
        hint: &'static str,
    },
    /// No answer: the request may or may not have rotated the token.
    #[error(
        "no answer from GitLab while rotating credential '{name}' ({url}); if GitLab received the request, \
         the stored token is revoked and its successor lost: create a new token in GitLab and store it with \
         'kubectl fleet token rotate {name}'"
    )]
    Unreachable {
        /// The credential.
        name: String,
        /// The URL asked.
        url: String,
        #[source]
        source: Box<ureq::Error>,
    },
    /// GitLab said 2xx but the answer holds no usable token.
    #[error(
        "GitLab answered the rotation of credential '{name}' without a usable token ({url}: {message}); the \
         stored token may be revoked: create a new token in GitLab and store it with 'kubectl fleet token rotate {name}'"
    )]
    Malformed {
        /// The credential.
        name: String,
        /// The URL asked.
        url: String,
        /// What was wrong.
        message: String,
    },
    /// A run was killed between GitLab's answer and the keyring write: the new token is lost.
    #[error(
        "the self-rotation of credential '{name}' was interrupted before GitLab's new token was stored (asked at \
         {requested}); no cluster was changed. If GitLab received the request, the stored token is revoked: create a \
         new token in GitLab and store it with 'kubectl fleet token rotate {name}'"
    )]
    Lost {
        /// The credential.
        name: String,
        /// When GitLab was asked.
        requested: Timestamp,
    },
}

impl GitlabRotateError {
    /// A wrong request is a usage error (2); anything GitLab or the run did is a failure (1).
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            GitlabRotateError::NotGitlab { .. } | GitlabRotateError::RollbackRefused { .. } => {
                ExitStatus::Usage
            }
            _ => ExitStatus::Failure,
        }
    }
}

/// Default time budget of one GitLab request.
pub const ROTATE_TIMEOUT: Duration = Duration::from_secs(30);

/// Asks GitLab to rotate `token` (on a blocking thread). `expires_at` is the new token's expiry
/// date (GitLab's default lifetime when `None`).
pub async fn rotate(
    name: &str,
    api_url: &str,
    token: &Token,
    endpoint: &RotateEndpoint,
    expires_at: Option<jiff::civil::Date>,
    timeout: Duration,
) -> Result<RotatedToken, GitlabRotateError> {
    let (name, api_url, token, endpoint) = (
        name.to_string(),
        api_url.to_string(),
        token.clone(),
        endpoint.clone(),
    );
    let url = api_url.clone();
    let joined = tokio::task::spawn_blocking(move || {
        rotate_blocking(&name, &api_url, &token, &endpoint, expires_at, timeout)
    })
    .await;
    joined.unwrap_or_else(|e| {
        Err(GitlabRotateError::Malformed {
            name: String::new(),
            url,
            message: format!("the request was interrupted: {e}"),
        })
    })
}

fn agent(url: &str, timeout: Duration) -> ureq::Agent {
    // Same rules as the provider checks: honour a proxy, except for loopback API URLs.
    let loopback = url
        .parse::<ureq::http::Uri>()
        .ok()
        .and_then(|u| {
            u.host()
                .map(|h| matches!(h, "127.0.0.1" | "localhost" | "[::1]" | "::1"))
        })
        .unwrap_or(false);
    ureq::Agent::config_builder()
        .proxy(if loopback {
            None
        } else {
            ureq::Proxy::try_from_env()
        })
        .timeout_global(Some(timeout))
        .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
        .http_status_as_error(false)
        // A rotation is never retried by the client: a second POST with the old token would
        // trigger GitLab's reuse detection.
        .max_redirects(0)
        .user_agent(concat!("kubectl-fleet/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// One request; returns (status, JSON body).
fn call(
    name: &str,
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: &Token,
) -> Result<(u16, Option<Value>), GitlabRotateError> {
    let unreachable = |source| GitlabRotateError::Unreachable {
        name: name.to_string(),
        url: url.to_string(),
        source: Box::new(source),
    };
    let mut response = if method == "POST" {
        agent
            .post(url)
            .header("PRIVATE-TOKEN", token.expose())
            .send_empty()
            .map_err(unreachable)?
    } else {
        agent
            .get(url)
            .header("PRIVATE-TOKEN", token.expose())
            .call()
            .map_err(unreachable)?
    };
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Ok((status, serde_json::from_str(&body).ok()))
}

fn message(json: Option<&Value>, status: u16) -> String {
    json.and_then(|j| j.get("message").or_else(|| j.get("error")))
        .map(|m| match m {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_else(|| format!("HTTP {status}"))
}

fn refused(name: &str, url: &str, status: u16, json: Option<&Value>) -> GitlabRotateError {
    let hint = match status {
        401 => " — the stored token is invalid, expired or already revoked",
        403 => {
            " — the token needs scope 'api' or 'self_rotate' (and for project or group tokens the Maintainer role)"
        }
        404 => " — check the API URL (https://HOST/api/v4) and the project or group",
        400 => " — GitLab rejected the expiry (see its maximum token lifetime)",
        _ => "",
    };
    GitlabRotateError::Refused {
        name: name.to_string(),
        url: url.to_string(),
        status,
        message: message(json, status),
        hint,
    }
}

/// The blocking rotation.
pub fn rotate_blocking(
    name: &str,
    api_url: &str,
    token: &Token,
    endpoint: &RotateEndpoint,
    expires_at: Option<jiff::civil::Date>,
    timeout: Duration,
) -> Result<RotatedToken, GitlabRotateError> {
    let base = api_url.trim_end_matches('/');
    let agent = agent(base, timeout);
    let path = match endpoint {
        RotateEndpoint::SelfRotate => "personal_access_tokens/self/rotate".to_string(),
        RotateEndpoint::Project(id) | RotateEndpoint::Group(id) => {
            // The token's own id, from token introspection (the old token is still the current one).
            let url = format!("{base}/personal_access_tokens/self");
            let (status, json) = call(name, &agent, "GET", &url, token)?;
            if status != 200 {
                return Err(refused(name, &url, status, json.as_ref()));
            }
            let token_id = json
                .as_ref()
                .and_then(|j| j.get("id"))
                .and_then(Value::as_u64)
                .ok_or_else(|| refused(name, &url, status, json.as_ref()))?;
            let kind = if matches!(endpoint, RotateEndpoint::Project(_)) {
                "projects"
            } else {
                "groups"
            };
            format!("{kind}/{}/access_tokens/{token_id}/rotate", encode(id))
        }
    };
    let mut url = format!("{base}/{path}");
    if let Some(date) = expires_at {
        url.push_str(&format!("?expires_at={date}"));
    }
    let (status, json) = call(name, &agent, "POST", &url, token)?;
    if !(200..300).contains(&status) {
        return Err(refused(name, &url, status, json.as_ref()));
    }
    let malformed = |message: &str| GitlabRotateError::Malformed {
        name: name.to_string(),
        url: url.clone(),
        message: message.to_string(),
    };
    let json = json.ok_or_else(|| malformed("the answer is not JSON"))?;
    let value = json
        .get("token")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("the answer has no 'token'"))?;
    let new = Token::new(value).map_err(|_| malformed("the answer's token is empty or malformed"))?;
    if &new == token {
        return Err(malformed("the answer's token is the old one"));
    }
    let expires = match json.get("expires_at") {
        Some(Value::String(s)) => parse_gitlab_expiry(s),
        _ => None,
    };
    Ok(RotatedToken {
        token: new,
        name: json.get("name").and_then(Value::as_str).map(str::to_string),
        expires,
        scopes: json
            .get("scopes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()),
    })
}

/// A project or group id or URL-encoded path (`group/sub` → `group%2Fsub`).
fn encode(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The expiry date of a token that should live `lifetime` from `now` (GitLab takes dates, UTC).
pub fn expiry_date(now: Timestamp, lifetime: Duration) -> Result<jiff::civil::Date, String> {
    let days = lifetime.as_secs() / 86_400;
    if days == 0 || !lifetime.as_secs().is_multiple_of(86_400) {
        return Err("GitLab token expiries are dates: give a whole number of days (e.g. 30d)".into());
    }
    if days > 400 {
        return Err("at most 400 days (GitLab limits token lifetimes to a year by default)".into());
    }
    let span = jiff::SignedDuration::from_hours(24 * days as i64);
    Ok((now + span).to_zoned(jiff::tz::TimeZone::UTC).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_a_whole_number_of_days_from_now() {
        let now: Timestamp = "2026-11-30T06:00:00Z".parse().expect("ts");
        assert_eq!(
            expiry_date(now, Duration::from_secs(30 * 86_400))
                .expect("ok")
                .to_string(),
            "2026-12-30"
        );
        assert!(expiry_date(now, Duration::from_secs(3600)).is_err());
        assert!(expiry_date(now, Duration::from_secs(500 * 86_400)).is_err());
    }

    #[test]
    fn group_paths_are_encoded() {
        assert_eq!(encode("fleet/infra"), "fleet%2Finfra");
        assert_eq!(encode("42"), "42");
    }

    #[test]
    fn the_state_part_round_trips() {
        let s = SelfRotation {
            requested: "2026-11-30T06:00:00Z".parse().expect("ts"),
            endpoint: RotateEndpoint::Group("fleet/infra".into()),
            previous_revoked: true,
        };
        let text = crate::manifests::yaml::to_string(&s, "test").expect("yaml");
        let back: SelfRotation = crate::manifests::yaml::from_str(&text, "test").expect("parse");
        assert_eq!(back, s);
        let plain: SelfRotation =
            crate::manifests::yaml::from_str("requested: 2026-11-30T06:00:00Z\nendpoint: self\n", "test")
                .expect("parse");
        assert_eq!(plain.endpoint, RotateEndpoint::SelfRotate);
        assert!(!plain.previous_revoked);
    }
}
