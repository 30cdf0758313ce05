//! Asking the git hosting provider whether a token works and when it expires.
//!
//! - GitHub (and GitHub Enterprise Server at `https://HOST/api/v3`): `GET /user`. 200 means valid
//!   and carries the `login`; the `GitHub-Authentication-Token-Expiration` header carries the expiry
//!   of tokens that have one (`2026-10-07 19:07:53 UTC`, or with a `+hhmm` offset); 401 means bad,
//!   expired or revoked; 403/429 with an exhausted rate limit is an error, not a verdict.
//! - GitLab: `GET /personal_access_tokens/self` (`PRIVATE-TOKEN` header) returns `active`,
//!   `revoked`, `expires_at` (a date: the token stops working at 00:00 UTC that day) and scopes.
//!
//! HTTP goes through ureq on a blocking thread with a global timeout. The token is only ever put
//! in the request header; nothing here logs or formats it, and redirects never carry it along
//! (ureq drops auth headers on redirect by default).

use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CredentialError, Token};

/// A git hosting provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// github.com or GitHub Enterprise Server.
    Github,
    /// gitlab.com or a self-managed GitLab.
    Gitlab,
}

impl Provider {
    /// The public API base URL.
    pub fn default_api_url(self) -> &'static str {
        match self {
            Provider::Github => "https://api.github.com",
            Provider::Gitlab => "https://gitlab.com/api/v4",
        }
    }

    /// The name users type.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Github => "github",
            Provider::Gitlab => "gitlab",
        }
    }

    /// A best guess from the token's well-known prefix (`glpat-` is GitLab); GitHub otherwise.
    pub fn guess(token: &Token) -> Provider {
        if token.expose().starts_with("glpat-") {
            Provider::Gitlab
        } else {
            Provider::Github
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Validates and normalises an API base URL: http(s) with a host, no trailing slash, no query, and
/// plain `http` only for loopback hosts (a token must not cross a network unencrypted).
pub fn normalize_api_url(text: &str) -> Result<String, CredentialError> {
    let invalid = |reason: &str| CredentialError::InvalidApiUrl {
        url: text.to_string(),
        reason: reason.to_string(),
    };
    let uri: ureq::http::Uri = text.trim().parse().map_err(|_| invalid("not a URL"))?;
    let scheme = uri
        .scheme_str()
        .ok_or_else(|| invalid("missing http:// or https://"))?;
    let host = uri.host().ok_or_else(|| invalid("missing host"))?;
    if uri.query().is_some() {
        return Err(invalid("a query string is not allowed"));
    }
    if text.contains('@') {
        return Err(invalid("credentials in the URL are not allowed"));
    }
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1");
    match scheme {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(invalid(
                "use https:// (plain http would send the token unencrypted)",
            ));
        }
        _ => return Err(invalid("use https://")),
    }
    Ok(text.trim().trim_end_matches('/').to_string())
}

/// The provider's verdict on a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenStatus {
    /// The token works.
    Valid {
        /// Who it authenticates as (GitHub login, GitLab token name).
        identity: Option<String>,
        /// When it expires (None: never, as for classic GitHub PATs without expiry).
        expires: Option<Timestamp>,
        /// Granted scopes, when the provider reports them.
        scopes: Option<Vec<String>>,
    },
    /// The provider rejected it.
    Invalid {
        /// Why (HTTP 401, revoked, inactive).
        reason: String,
    },
}

/// The provider could not give a verdict. Messages carry the URL, never the token.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// No answer (DNS, connection refused, TLS, timeout).
    #[error("failed to reach {url}")]
    Unreachable {
        /// The URL asked.
        url: String,
        #[source]
        source: Box<ureq::Error>,
    },
    /// The rate limit is exhausted.
    #[error("{url} answered {status}: rate limit exceeded{}", reset.map(|r| format!(" (resets at {r})")).unwrap_or_default())]
    RateLimited {
        /// The URL asked.
        url: String,
        /// 403 or 429.
        status: u16,
        /// When the limit resets, if the provider said.
        reset: Option<Timestamp>,
    },
    /// An answer we cannot interpret as a verdict.
    #[error("{url} answered {status}: {message}")]
    Unexpected {
        /// The URL asked.
        url: String,
        /// HTTP status.
        status: u16,
        /// The provider's message, or what was wrong with the answer.
        message: String,
    },
}

/// Default time budget for one provider request.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

/// Asks the provider about `token`, on a blocking thread, within `timeout`.
pub async fn check_token(
    provider: Provider,
    api_url: &str,
    token: &Token,
    timeout: Duration,
) -> Result<TokenStatus, ProviderError> {
    let api_url = api_url.to_string();
    let token = token.clone();
    let url = endpoint(provider, &api_url);
    let joined =
        tokio::task::spawn_blocking(move || check_blocking(provider, &api_url, &token, timeout)).await;
    match joined {
        Ok(result) => result,
        Err(e) => Err(ProviderError::Unexpected {
            url,
            status: 0,
            message: format!("the check was interrupted: {e}"),
        }),
    }
}

fn endpoint(provider: Provider, api_url: &str) -> String {
    let base = api_url.trim_end_matches('/');
    match provider {
        Provider::Github => format!("{base}/user"),
        Provider::Gitlab => format!("{base}/personal_access_tokens/self"),
    }
}

/// The blocking check (also usable without a runtime).
pub fn check_blocking(
    provider: Provider,
    api_url: &str,
    token: &Token,
    timeout: Duration,
) -> Result<TokenStatus, ProviderError> {
    let url = endpoint(provider, api_url);
    let agent = http_agent(&url, timeout);
    let request = agent.get(&url);
    let request = match provider {
        Provider::Github => request
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("Authorization", &format!("Bearer {}", token.expose())),
        Provider::Gitlab => request.header("PRIVATE-TOKEN", token.expose()),
    };
    let mut response = request.call().map_err(|source| ProviderError::Unreachable {
        url: url.clone(),
        source: Box::new(source),
    })?;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let expiry_header = header("github-authentication-token-expiration");
    let scopes_header = header("x-oauth-scopes");
    let remaining = header("x-ratelimit-remaining");
    let reset = header("x-ratelimit-reset")
        .and_then(|r| r.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok());
    // Bodies are small; cap what we read so a misconfigured URL cannot stream forever.
    let body = response
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let json: Option<Value> = serde_json::from_str(&body).ok();
    let message = || {
        json.as_ref()
            .and_then(|j| j.get("message").or_else(|| j.get("error")))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("HTTP {status}"))
    };
    match (provider, status) {
        (_, 401) => Ok(TokenStatus::Invalid {
            reason: format!("the provider answered 401 Unauthorized ({})", message()),
        }),
        (_, 429) => Err(ProviderError::RateLimited { url, status, reset }),
        (_, 403) if remaining.as_deref() == Some("0") => {
            Err(ProviderError::RateLimited { url, status, reset })
        }
        (Provider::Github, 200) => {
            let identity = json
                .as_ref()
                .and_then(|j| j.get("login"))
                .and_then(Value::as_str)
                .map(str::to_string);
            if identity.is_none() {
                return Err(ProviderError::Unexpected {
                    url,
                    status,
                    message: "the answer has no 'login': is the API URL right (GitHub Enterprise: https://HOST/api/v3)?".into(),
                });
            }
            let expires = match expiry_header {
                Some(h) => Some(parse_github_expiry(&h).ok_or_else(|| ProviderError::Unexpected {
                    url: url.clone(),
                    status,
                    message: format!("unreadable GitHub-Authentication-Token-Expiration header '{h}'"),
                })?),
                None => None,
            };
            let scopes = scopes_header.map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            });
            Ok(TokenStatus::Valid {
                identity,
                expires,
                scopes,
            })
        }
        (Provider::Gitlab, 200) => gitlab_verdict(&url, json.as_ref()),
        _ => Err(ProviderError::Unexpected {
            url,
            status,
            message: message(),
        }),
    }
}

/// The HTTP agent every provider request goes through: a global `timeout`, statuses as answers
/// (not errors), and the environment's proxy (with NO_PROXY) except for loopback URLs (local
/// GitHub Enterprise tunnels, test servers), which a proxy could not reach.
pub(crate) fn http_agent(url: &str, timeout: Duration) -> ureq::Agent {
    let loopback = url
        .parse::<ureq::http::Uri>()
        .ok()
        .and_then(|u| {
            u.host()
                .map(|h| matches!(h, "127.0.0.1" | "localhost" | "[::1]" | "::1"))
        })
        .unwrap_or(false);
    let proxy = if loopback {
        None
    } else {
        ureq::Proxy::try_from_env()
    };
    ureq::Agent::config_builder()
        .proxy(proxy)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
        .http_status_as_error(false)
        .user_agent(concat!("kubectl-fleet/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

fn gitlab_verdict(url: &str, json: Option<&Value>) -> Result<TokenStatus, ProviderError> {
    let bad = |message: &str| ProviderError::Unexpected {
        url: url.to_string(),
        status: 200,
        message: message.to_string(),
    };
    let json =
        json.ok_or_else(|| bad("the answer is not JSON: is the API URL right (https://HOST/api/v4)?"))?;
    if json.get("revoked").and_then(Value::as_bool) == Some(true) {
        return Ok(TokenStatus::Invalid {
            reason: "the token is revoked".into(),
        });
    }
    if json.get("active").and_then(Value::as_bool) == Some(false) {
        return Ok(TokenStatus::Invalid {
            reason: "the token is not active (expired or revoked)".into(),
        });
    }
    let expires = match json.get("expires_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            Some(parse_gitlab_expiry(s).ok_or_else(|| bad(&format!("unreadable expires_at '{s}'")))?)
        }
        Some(other) => return Err(bad(&format!("unreadable expires_at {other}"))),
    };
    let identity = json
        .get("name")
        .and_then(Value::as_str)
        .map(|n| match json.get("user_id") {
            Some(id) if !id.is_null() => format!("{n} (user {id})"),
            _ => n.to_string(),
        });
    let scopes = json
        .get("scopes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect());
    Ok(TokenStatus::Valid {
        identity,
        expires,
        scopes,
    })
}

/// Parses GitHub's expiry header tolerantly: `2026-10-07 19:07:53 UTC`, `2026-10-07 19:07:53 +0200`,
/// `… -07:00`, or RFC 3339.
pub fn parse_github_expiry(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let normalized = match text.strip_suffix("UTC").or_else(|| text.strip_suffix("GMT")) {
        Some(rest) => format!("{} +0000", rest.trim_end()),
        None => text.to_string(),
    };
    for format in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S %:z"] {
        if let Ok(tm) = jiff::fmt::strtime::parse(format, &normalized)
            && let Ok(ts) = tm.to_timestamp()
        {
            return Some(ts);
        }
    }
    None
}

/// Parses GitLab's `expires_at` (a date, meaning 00:00 UTC that day; a full timestamp is accepted).
pub fn parse_gitlab_expiry(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_github_expiry_headers_tolerantly() {
        let utc = parse_github_expiry("2026-10-07 19:07:53 UTC").expect("utc");
        assert_eq!(utc.to_string(), "2026-10-07T19:07:53Z");
        let plus = parse_github_expiry("2026-10-07 21:07:53 +0200").expect("offset");
        assert_eq!(plus, utc);
        let minus = parse_github_expiry("2026-10-07 12:07:53 -07:00").expect("colon offset");
        assert_eq!(minus, utc);
        assert_eq!(parse_github_expiry("2026-10-07T19:07:53Z"), Some(utc));
        assert_eq!(parse_github_expiry("next tuesday"), None);
    }

    #[test]
    fn parses_gitlab_dates_as_midnight_utc() {
        assert_eq!(
            parse_gitlab_expiry("2026-03-01").expect("date").to_string(),
            "2026-03-01T00:00:00Z"
        );
        assert!(parse_gitlab_expiry("soon").is_none());
    }

    #[test]
    fn normalizes_api_urls() {
        assert_eq!(
            normalize_api_url("https://ghe.example.com/api/v3/").expect("ok"),
            "https://ghe.example.com/api/v3"
        );
        assert_eq!(
            normalize_api_url("http://127.0.0.1:8080").expect("loopback http"),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "ghe.example.com",
            "http://ghe.example.com/api/v3",
            "ftp://x/y",
            "https://u:p@x/",
            "https://x/?a=b",
        ] {
            assert!(normalize_api_url(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn guesses_gitlab_from_the_prefix() {
        assert_eq!(
            Provider::guess(&Token::new("glpat-abc").expect("t")),
            Provider::Gitlab
        );
        assert_eq!(
            Provider::guess(&Token::new("github_pat_x").expect("t")),
            Provider::Github
        );
    }
}
