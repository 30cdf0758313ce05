//! The fleet's naming rules, in one place: every command validates names, cluster paths and git
//! URLs here, so a rule fixed once is fixed everywhere (before this module, three copies of the
//! DNS-label check and two git URL checks had already drifted apart).
//!
//! Each rule returns a [`NameError`] that says what the value is for (`namespace`, `--git-url`,
//! `cluster`), the value, and why it is refused; the area errors wrap it transparently so the
//! message users see is the same whichever command they ran.

/// A name, path or URL that a fleet rule refuses.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} '{value}': {reason}")]
pub struct NameError {
    /// What the value is for: `namespace`, `tenant`, `--git-url`, `cluster` …
    pub what: String,
    /// The value given (URLs with their credentials redacted).
    pub value: String,
    /// Why it is refused.
    pub reason: String,
}

impl NameError {
    /// A refusal of `value` (used as `what`) for `reason`.
    pub fn new(what: impl Into<String>, value: impl Into<String>, reason: impl Into<String>) -> Self {
        NameError {
            what: what.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }
}

/// The longest DNS-1123 label (namespaces, label values, most object names that end up in labels).
pub const DNS_LABEL_MAX: usize = 63;

/// Checks a DNS-1123 label: at most 63 lower-case alphanumerics or '-', starting and ending with
/// an alphanumeric.
pub fn dns_label(what: &str, name: &str) -> Result<(), NameError> {
    dns_label_max(what, name, DNS_LABEL_MAX)
}

/// [`dns_label`] with a smaller maximum, for names that get a prefix or suffix (`flux-<tenant>`).
pub fn dns_label_max(what: &str, name: &str, max: usize) -> Result<(), NameError> {
    let invalid = |reason: String| NameError::new(what, name, reason);
    if name.is_empty() {
        return Err(invalid("must not be empty".into()));
    }
    if name.len() > max {
        let why = if max < DNS_LABEL_MAX {
            format!("must be at most {max} characters (derived object names must fit the 63-character limit)")
        } else {
            format!("must be at most {max} characters")
        };
        return Err(invalid(why));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(invalid(format!(
            "a DNS-1123 label contains only lower-case letters, digits and '-' (found '{c}')"
        )));
    }
    if !starts_and_ends_alphanumeric(name) {
        return Err(invalid(
            "a DNS-1123 label must start and end with a letter or digit".into(),
        ));
    }
    Ok(())
}

/// Checks a DNS-1123 subdomain (ClusterRole, Kustomization and Secret names): dot-separated
/// labels, at most 253 characters.
pub fn dns_subdomain(what: &str, name: &str) -> Result<(), NameError> {
    dns_subdomain_max(what, name, 253)
}

/// [`dns_subdomain`] with a smaller maximum (credential names, which are also keyring entries).
pub fn dns_subdomain_max(what: &str, name: &str, max: usize) -> Result<(), NameError> {
    let invalid = |reason: String| NameError::new(what, name, reason);
    if name.is_empty() {
        return Err(invalid("must not be empty".into()));
    }
    if name.len() > max {
        return Err(invalid(format!("must be at most {max} characters")));
    }
    let valid = name.split('.').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && starts_and_ends_alphanumeric(part)
    });
    if !valid {
        return Err(invalid(
            "a DNS-1123 subdomain is lower-case letters, digits, '-' and '.', each part starting and \
             ending with a letter or digit"
                .into(),
        ));
    }
    Ok(())
}

fn starts_and_ends_alphanumeric(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric()) && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// Namespaces no tenant may claim: the control plane's own and Flux's default.
pub const RESERVED_NAMESPACES: &[&str] = &[
    "default",
    "flux-system",
    "kube-system",
    "kube-public",
    "kube-node-lease",
];

/// Checks a cluster path below `clusters/`: one or more `/`-separated segments (`staging`,
/// `sts-devpkg/eu`), each a DNS-1123 label, so `.`, `..`, empty segments and absolute paths are
/// refused by the same rule that names every segment.
pub fn cluster_path(what: &str, path: &str) -> Result<(), NameError> {
    if path.is_empty() {
        return Err(NameError::new(what, path, "must not be empty"));
    }
    if path.starts_with('/') || path.ends_with('/') {
        return Err(NameError::new(
            what,
            path,
            "use a path relative to clusters/, e.g. staging or sts-devpkg/eu, without a leading or trailing '/'",
        ));
    }
    let nested = path.contains('/');
    for segment in path.split('/') {
        dns_label(what, segment).map_err(|e| {
            let reason = if nested {
                format!("segment '{segment}': {}", e.reason)
            } else {
                e.reason
            };
            NameError::new(what, path, reason)
        })?;
    }
    Ok(())
}

/// Checks a post-build substitution variable name (`${KEY}` in Flux): letters, digits and '_',
/// not starting with a digit.
pub fn substitution_key(what: &str, key: &str) -> Result<(), NameError> {
    let valid = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(NameError::new(
            what,
            key,
            format!(
                "'{key}' cannot be used as a ${{{key}}} substitution variable (use letters, digits and '_')"
            ),
        ))
    }
}

/// Checks a duration for a Flux spec field (`interval`, `retryInterval`, `timeout`): Go's
/// `time.Duration` syntax as the Flux CRDs' schema pattern allows it (`5m`, `1h30m`, `1.5s`), so
/// the apiserver never refuses what we wrote. A bare number is refused (Flux has no unit default).
pub fn flux_duration(what: &str, text: &str) -> Result<(), NameError> {
    let mut rest = text;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let mut end = digits;
        if digits > 0 && rest[end..].starts_with('.') {
            let frac = rest[end + 1..].len()
                - rest[end + 1..]
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            end = if frac > 0 { end + 1 + frac } else { 0 };
        }
        let unit = ["ms", "h", "m", "s"]
            .iter()
            .find(|u| digits > 0 && end > 0 && rest[end..].starts_with(**u));
        let Some(unit) = unit else {
            return Err(NameError::new(
                what,
                text,
                "use a Flux duration such as 30s, 5m or 1h30m (a number followed by ms, s, m or h)",
            ));
        };
        rest = &rest[end + unit.len()..];
        parts += 1;
    }
    if parts == 0 {
        return Err(NameError::new(what, text, "must not be empty"));
    }
    Ok(())
}

/// How a git URL will be used, which decides the schemes it may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GitAccess {
    /// Written into a GitRepository (`http`, `https` or `ssh`, as its schema allows).
    Any,
    /// Fetched with a token over basic auth: HTTPS only, because the token would cross the network
    /// in clear text over `http` (allowed only with an explicit opt-in).
    Token {
        /// `--insecure-http`: the user accepts a token over plain HTTP (a lab git server).
        insecure_http: bool,
    },
}

/// Validates a git URL the way GitRepository's schema does, with a host, and without credentials
/// (they would be committed to the fleet repository).
pub fn git_url(what: &str, url: &str, access: GitAccess) -> Result<(), NameError> {
    let invalid = |reason: &str| NameError::new(what, redact_userinfo(url), reason);
    if url.chars().any(char::is_whitespace) {
        return Err(invalid("the URL contains whitespace"));
    }
    const TOKEN_HTTPS: &str = "the fleet authenticates to git with a token over HTTPS: use an https:// URL";
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(invalid(match access {
            GitAccess::Any => {
                "use an http://, https:// or ssh:// URL (GitRepository accepts no scp-style git@host:path)"
            }
            GitAccess::Token { .. } => TOKEN_HTTPS,
        }));
    };
    match (access, scheme) {
        (GitAccess::Any, "http" | "https" | "ssh") => {}
        (GitAccess::Any, _) => return Err(invalid("the scheme must be http, https or ssh")),
        (GitAccess::Token { .. }, "https") => {}
        (GitAccess::Token { insecure_http: true }, "http") => {}
        (GitAccess::Token { insecure_http: false }, "http") => {
            return Err(invalid(
                "a token over plain http would cross the network in clear text: use https:// \
                 (or --insecure-http for a lab git server)",
            ));
        }
        (GitAccess::Token { .. }, _) => return Err(invalid(TOKEN_HTTPS)),
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return Err(invalid("the URL has no host"));
    }
    if scheme != "ssh" && authority.contains('@') {
        return Err(invalid(
            "credentials do not belong in the URL (they would be committed); the git Secret carries them",
        ));
    }
    Ok(())
}

/// How the GitRepositories a command generates authenticate: `provider` in Flux's terms.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GitProvider {
    /// A token Secret (`username`/`password`) or SSH key: no `provider` field.
    #[default]
    Generic,
    /// A GitHub App Secret: `provider: github`; source-controller mints installation tokens.
    Github,
}

impl GitProvider {
    /// The value of the `provider` field (None: omitted, Flux's `generic`).
    pub fn field(self) -> Option<&'static str> {
        match self {
            GitProvider::Generic => None,
            GitProvider::Github => Some("github"),
        }
    }

    /// Its name in messages: the field's value, or Flux's `generic` when the field is omitted.
    pub fn name(self) -> &'static str {
        self.field().unwrap_or("generic")
    }

    /// The provider a `provider` field declares; anything but `github` authenticates like generic
    /// as far as git Secrets go.
    pub fn from_field(field: Option<&str>) -> Self {
        match field {
            Some("github") => GitProvider::Github,
            _ => GitProvider::Generic,
        }
    }
}

/// Hosts of git forges that are not GitHub: `provider: github` cannot fetch from them.
const NOT_GITHUB: &[(&str, &str)] = &[
    ("gitlab.com", "GitLab"),
    ("bitbucket.org", "Bitbucket"),
    ("dev.azure.com", "Azure DevOps"),
    ("ssh.dev.azure.com", "Azure DevOps"),
    ("codeberg.org", "Codeberg"),
    ("gitea.com", "Gitea"),
];

/// Validates a repository URL for `provider: github`: source-controller fetches it over HTTPS
/// (plain http only with `--insecure-http`) as `x-access-token` with an installation token, so it
/// must be a GitHub (or GitHub Enterprise Server) repository, `https://HOST/OWNER/REPO[.git]`.
/// Known other forges, SSH and paths that are not OWNER/REPO (GitLab subgroups) are refused.
pub fn github_repo_url(what: &str, url: &str, insecure_http: bool) -> Result<(), NameError> {
    let invalid = |reason: String| NameError::new(what, redact_userinfo(url), &reason);
    if url.starts_with("ssh://") || (!url.contains("://") && url.contains('@')) {
        return Err(invalid(
            "provider github authenticates with GitHub App installation tokens over HTTPS: use the \
             https:// URL of the repository"
                .into(),
        ));
    }
    git_url(what, url, GitAccess::Token { insecure_http })?;
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(h, _)| h)
        .to_ascii_lowercase();
    let forge = NOT_GITHUB
        .iter()
        .find(|(h, _)| host == *h || host.ends_with(&format!(".{h}")))
        .map(|(_, name)| *name)
        .or_else(|| match host.split('.').next() {
            Some("gitlab") => Some("GitLab"),
            Some("bitbucket") => Some("Bitbucket"),
            _ => None,
        })
        .or_else(|| host.ends_with(".visualstudio.com").then_some("Azure DevOps"));
    if let Some(forge) = forge {
        return Err(invalid(format!(
            "'{host}' is {forge}, not GitHub: provider github works only with GitHub and GitHub \
             Enterprise Server repositories (use --provider generic with a token)"
        )));
    }
    let path = path.trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').collect();
    if segments.len() != 2 || segments.iter().any(|s| s.is_empty() || *s == ".git") {
        return Err(invalid(format!(
            "'/{path}' is not a GitHub repository path: provider github needs https://HOST/OWNER/REPO"
        )));
    }
    Ok(())
}

/// Hides `user:password@` in a URL shown in a message.
pub fn redact_userinfo(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((userinfo, host)) if !userinfo.contains('/') => format!("{scheme}://***@{host}"),
            _ => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_provider_urls() {
        for ok in [
            "https://github.com/acme/fleet.git",
            "https://github.com/acme/fleet",
            "https://ghe.example.com/platform/fleet.git",
        ] {
            assert!(github_repo_url("--git-url", ok, false).is_ok(), "{ok} refused");
        }
        assert!(github_repo_url("--git-url", "http://127.0.0.1:8080/acme/fleet.git", true).is_ok());
        for (bad, why) in [
            ("http://127.0.0.1:8080/acme/fleet.git", "--insecure-http"),
            ("ssh://git@github.com/acme/fleet.git", "over HTTPS"),
            ("git@github.com:acme/fleet.git", "over HTTPS"),
            ("https://gitlab.com/acme/fleet.git", "is GitLab, not GitHub"),
            (
                "https://gitlab.example.com/acme/fleet.git",
                "is GitLab, not GitHub",
            ),
            ("https://bitbucket.org/acme/fleet.git", "is Bitbucket"),
            ("https://dev.azure.com/acme/p/_git/fleet", "is Azure DevOps"),
            (
                "https://github.com/acme/group/fleet.git",
                "not a GitHub repository path",
            ),
            ("https://github.com/fleet.git", "not a GitHub repository path"),
        ] {
            let err = github_repo_url("--git-url", bad, false).unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
        assert_eq!(GitProvider::from_field(Some("github")), GitProvider::Github);
        assert_eq!(GitProvider::from_field(None).field(), None);
    }

    #[test]
    fn dns_labels() {
        assert!(dns_label("namespace", "backend").is_ok());
        assert!(dns_label("namespace", "a1-b2").is_ok());
        for bad in ["", "Backend", "-a", "a-", "a_b", "a.b", &"x".repeat(64)] {
            assert!(dns_label("namespace", bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            dns_label("namespace", "Back_end").unwrap_err().to_string(),
            "invalid namespace 'Back_end': a DNS-1123 label contains only lower-case letters, digits and '-' (found 'B')"
        );
        let err = dns_label_max("tenant", &"a".repeat(57), 56).unwrap_err();
        assert!(err.to_string().contains("at most 56"), "{err}");
    }

    #[test]
    fn subdomains() {
        assert!(dns_subdomain("role", "admin").is_ok());
        assert!(dns_subdomain("role", "tenant.example.com").is_ok());
        for bad in ["", "Admin", "a..b", ".a", "a.", "a_b"] {
            assert!(dns_subdomain("role", bad).is_err(), "{bad:?} accepted");
        }
        assert!(dns_subdomain_max("credential", &"a".repeat(64), 63).is_err());
    }

    #[test]
    fn cluster_paths_are_labels_per_segment() {
        assert!(cluster_path("cluster", "staging").is_ok());
        assert!(cluster_path("cluster", "sts-devpkg/eu").is_ok());
        for bad in [
            ".", "..", "", "/abs", "a/", "a//b", "a/../b", "a/./b", "Staging", "a/b_c",
        ] {
            assert!(cluster_path("cluster", bad).is_err(), "{bad:?} accepted");
        }
        let err = cluster_path("cluster", "sts/E U").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid cluster 'sts/E U': segment 'E U'"),
            "{err}"
        );
    }

    #[test]
    fn substitution_keys() {
        assert!(substitution_key("--set", "CLUSTER_NAME").is_ok());
        assert!(substitution_key("--set", "_X1").is_ok());
        assert!(substitution_key("--set", "1X").is_err());
        assert!(substitution_key("--set", "A-B").is_err());
    }

    #[test]
    fn git_urls_by_access() {
        let any = GitAccess::Any;
        let token = GitAccess::Token { insecure_http: false };
        assert!(git_url("--git-url", "https://github.com/org/apps.git", any).is_ok());
        assert!(git_url("--git-url", "ssh://git@github.com/org/apps.git", any).is_ok());
        assert!(git_url("--git-url", "http://git.lab/x.git", any).is_ok());
        assert!(git_url("--git-url", "git@github.com:org/apps.git", any).is_err());
        assert!(git_url("--git-url", "ftp://x/y", any).is_err());
        assert!(git_url("--git-url", "https:///path", any).is_err());
        assert!(git_url("--git-url", "https://github.com/org/apps.git", token).is_ok());
        let err = git_url("--git-url", "http://git.lab/x.git", token).unwrap_err();
        assert!(err.reason.contains("--insecure-http"), "{err}");
        assert!(
            git_url(
                "--git-url",
                "http://git.lab/x.git",
                GitAccess::Token { insecure_http: true }
            )
            .is_ok()
        );
        assert!(git_url("--git-url", "ssh://git@github.com/org/apps.git", token).is_err());
        let err = git_url("--git-url", "https://git:ghp_secret@github.com/org/apps", any).unwrap_err();
        assert!(!err.to_string().contains("ghp_secret"), "{err}");
        assert!(err.to_string().contains("***@github.com"), "{err}");
    }

    #[test]
    fn flux_durations_follow_the_crd_pattern() {
        for ok in ["5m", "1m0s", "1h30m", "250ms", "1.5s", "12h"] {
            assert!(flux_duration("--retry-interval", ok).is_ok(), "{ok}");
        }
        for bad in ["", "5", "m", "5x", "5m3", "-5m", "1.m", ".5s", "5 m"] {
            let err = flux_duration("--retry-interval", bad).expect_err(bad);
            assert!(err.to_string().starts_with("invalid --retry-interval"), "{err}");
        }
    }
}
