//! The expiry radar (`token audit`): which git Secrets the Flux objects of a cluster read, which
//! stored credential each one holds, and when that expires.
//!
//! A Secret is matched to a credential two ways, and the trust model (see [`trust`](super::trust))
//! decides what each is worth: the `kubectl-fleet.dev/credential` annotation is a *claim* anyone
//! who may write the Secret can make; the Secret's *content* equal to a stored token is proof. The
//! content is compared through keyed hashes computed in memory ([`StoredHashes`]): SipHash with a
//! random per-process key, so nothing comparable outlives the process, and no token is ever
//! printed, logged or kept beside its name. A claim whose content is not the claimed credential's
//! stored token is reported as a mismatch (a rotation missed it, or someone else wrote it).

use std::{
    collections::{BTreeMap, HashMap},
    hash::{BuildHasher, RandomState},
};

use jiff::Timestamp;
use serde::Serialize;

use super::{CREDENTIAL_ANNOTATION, CredentialMeta, Token, report};

/// Keyed hashes of the stored tokens, by credential.
pub struct StoredHashes {
    key: RandomState,
    by_hash: HashMap<u64, Holder>,
    /// Credentials whose token was read (so a claim of one of them can be verified).
    known: BTreeMap<String, ()>,
}

/// Which stored value a hash stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Holder {
    credential: String,
    /// The previous token of an unfinished rotation.
    previous: bool,
}

impl Default for StoredHashes {
    fn default() -> Self {
        Self::new()
    }
}

impl StoredHashes {
    /// An empty set with a fresh random key.
    pub fn new() -> Self {
        StoredHashes {
            key: RandomState::new(),
            by_hash: HashMap::new(),
            known: BTreeMap::new(),
        }
    }

    fn hash(&self, value: &[u8]) -> u64 {
        self.key.hash_one(value)
    }

    /// Adds the current token of `credential`.
    pub fn add(&mut self, credential: &str, token: &Token) {
        let h = self.hash(token.expose().as_bytes());
        self.by_hash.insert(
            h,
            Holder {
                credential: credential.into(),
                previous: false,
            },
        );
        self.known.insert(credential.into(), ());
    }

    /// Adds the previous token of an unfinished rotation of `credential`.
    pub fn add_previous(&mut self, credential: &str, token: &Token) {
        let h = self.hash(token.expose().as_bytes());
        self.by_hash.entry(h).or_insert(Holder {
            credential: credential.into(),
            previous: true,
        });
    }

    /// The credential whose stored token `value` is, and whether it is its previous token.
    fn holder(&self, value: &[u8]) -> Option<&Holder> {
        let trimmed = std::str::from_utf8(value).map(str::trim).unwrap_or_default();
        if trimmed.is_empty() {
            return None;
        }
        self.by_hash.get(&self.hash(trimmed.as_bytes()))
    }

    /// Whether the token of `credential` was read.
    pub fn knows(&self, credential: &str) -> bool {
        self.known.contains_key(credential)
    }
}

/// What kind of credential a Secret holds, from its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SecretKind {
    /// A token: `password` (git basic auth) or `token` (notification Providers).
    Pat,
    /// GitHub App credentials (`githubAppID`): Flux mints one-hour installation tokens.
    GithubApp,
    /// An SSH key (`identity`).
    SshKey,
    /// Anything else (TLS only, bearer token, cloud credentials).
    Other,
    /// The Secret does not exist.
    Missing,
}

impl SecretKind {
    /// The table cell.
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::Pat => "PAT",
            SecretKind::GithubApp => "GitHub App",
            SecretKind::SshKey => "SSH key",
            SecretKind::Other => "other",
            SecretKind::Missing => "missing",
        }
    }
}

/// What ties a Secret to a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Evidence {
    /// Annotated with the credential, and its content is the credential's stored token.
    Verified,
    /// Not annotated (written by hand), but its content is a stored token.
    Content,
    /// Annotated with a credential whose stored token it does not hold.
    Mismatch,
    /// Annotated, but there is no stored token to compare with (not in this keyring, no keyring,
    /// or a GitHub App).
    Claimed,
    /// Neither annotated nor holding a stored token.
    None,
}

impl Evidence {
    /// The table cell.
    pub fn label(self) -> &'static str {
        match self {
            Evidence::Verified => "verified",
            Evidence::Content => "content",
            Evidence::Mismatch => "MISMATCH",
            Evidence::Claimed => "claim only",
            Evidence::None => "-",
        }
    }
}

/// One git Secret on one cluster, as the audit reports it. Holds no token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditedSecret {
    /// The kube context.
    pub cluster: String,
    /// The Secret's namespace.
    pub namespace: String,
    /// The Secret's name.
    pub name: String,
    /// The Flux objects reading it (`GitRepository/flux-system`), sorted.
    pub used_by: Vec<String>,
    /// What it holds.
    pub kind: SecretKind,
    /// Whether kubectl-fleet wrote it (it carries the credential annotation); unmanaged Secrets
    /// were written by hand or by another tool.
    pub managed: bool,
    /// The credential its annotation claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed: Option<String>,
    /// The credential it is taken to hold: its content's, else an unverifiable claim's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// Whether it holds that credential's previous token (an unfinished rotation).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub previous_token: bool,
    /// How the credential was established.
    pub evidence: Evidence,
    /// When the credential expires (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Whole days until then (negative: expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// When the credential was last checked with its provider (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_check: Option<String>,
}

/// A Secret as read from the cluster: its annotation and, for the keys that can hold a token,
/// whether the value is a stored token (the values themselves are dropped at once).
pub struct SecretFacts {
    /// The annotation's credential.
    pub claimed: Option<String>,
    /// What it holds.
    pub kind: SecretKind,
    /// `(credential, previous)` when `password` or `token` is a stored token.
    pub holder: Option<(String, bool)>,
}

impl SecretFacts {
    /// Reads a Secret's facts; `data` is consumed so no value outlives this call.
    pub fn read(
        annotations: Option<&BTreeMap<String, String>>,
        data: BTreeMap<String, Vec<u8>>,
        hashes: &StoredHashes,
    ) -> Self {
        let claimed = annotations
            .and_then(|a| a.get(CREDENTIAL_ANNOTATION))
            .filter(|c| !c.is_empty())
            .cloned();
        let kind = if data.contains_key("githubAppID") {
            SecretKind::GithubApp
        } else if data.contains_key("password") || data.contains_key("token") {
            SecretKind::Pat
        } else if data.contains_key("identity") {
            SecretKind::SshKey
        } else {
            SecretKind::Other
        };
        let holder = ["password", "token"]
            .iter()
            .filter_map(|k| data.get(*k))
            .find_map(|v| hashes.holder(v))
            .map(|h| (h.credential.clone(), h.previous));
        SecretFacts {
            claimed,
            kind,
            holder,
        }
    }
}

/// What the audit knows locally: the stored tokens' hashes, the credentials' metadata, and the
/// instant days are counted from.
#[derive(Clone, Copy)]
pub struct Known<'a> {
    /// Hashes of the stored tokens.
    pub hashes: &'a StoredHashes,
    /// The credential index.
    pub metas: &'a BTreeMap<String, CredentialMeta>,
    /// Now.
    pub now: Timestamp,
}

/// Judges one Secret (`facts` is `None` when it does not exist): which credential it holds, on
/// what evidence, and when that expires.
pub fn audit_secret(
    cluster: &str,
    namespace: &str,
    name: &str,
    used_by: Vec<String>,
    facts: Option<SecretFacts>,
    known: Known<'_>,
) -> AuditedSecret {
    let Known { hashes, metas, now } = known;
    let mut out = AuditedSecret {
        cluster: cluster.into(),
        namespace: namespace.into(),
        name: name.into(),
        used_by,
        kind: SecretKind::Missing,
        managed: false,
        claimed: None,
        credential: None,
        previous_token: false,
        evidence: Evidence::None,
        expires: None,
        days_left: None,
        last_check: None,
    };
    let Some(facts) = facts else {
        return out;
    };
    out.kind = facts.kind;
    out.managed = facts.claimed.is_some();
    let (evidence, credential) = match (&facts.claimed, &facts.holder) {
        (Some(c), Some((h, _))) if c == h => (Evidence::Verified, Some(h.clone())),
        (Some(_), Some((h, _))) => (Evidence::Mismatch, Some(h.clone())),
        (Some(c), None) if facts.kind == SecretKind::Pat && hashes.knows(c) => (Evidence::Mismatch, None),
        (Some(c), None) => (Evidence::Claimed, Some(c.clone())),
        (None, Some((h, _))) => (Evidence::Content, Some(h.clone())),
        (None, None) => (Evidence::None, None),
    };
    out.previous_token = facts.holder.as_ref().is_some_and(|(_, p)| *p);
    out.claimed = facts.claimed;
    out.evidence = evidence;
    // A GitHub App's installation tokens are minted in the cluster: nothing there expires.
    if out.kind != SecretKind::GithubApp
        && let Some(meta) = credential.as_ref().and_then(|c| metas.get(c))
    {
        out.expires = meta.expires.map(|e| e.to_string());
        out.days_left = meta.expires.map(|e| report::days_until(now, e));
        out.last_check = meta.last_check.as_ref().map(|c| c.at.to_string());
    }
    out.credential = credential;
    out
}

/// How urgent a warning is; lower is more urgent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Urgency {
    /// The credential has expired.
    Expired,
    /// It expires within the warning window.
    Expiring,
    /// A claim the content does not back.
    Mismatch,
    /// A Flux object reads a Secret that does not exist.
    Missing,
    /// Written by hand, holding no stored token: its expiry is unknown.
    Unknown,
}

/// One warning of the audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditWarning {
    /// How urgent.
    pub urgency: Urgency,
    /// The kube context.
    pub cluster: String,
    /// `namespace/name` of the Secret.
    pub secret: String,
    /// What is wrong, and what to do.
    pub message: String,
    #[serde(skip)]
    days_left: Option<i64>,
}

/// The warnings about `secrets`, most urgent first (then soonest expiry, cluster, Secret).
pub fn warnings(secrets: &[AuditedSecret], warn_days: i64) -> Vec<AuditWarning> {
    let mut out = Vec::new();
    for s in secrets {
        let key = format!("{}/{}", s.namespace, s.name);
        let mut push = |urgency, message: String| {
            out.push(AuditWarning {
                urgency,
                cluster: s.cluster.clone(),
                secret: key.clone(),
                message,
                days_left: s.days_left,
            })
        };
        let cred = s.credential.as_deref().unwrap_or("?");
        match s.days_left {
            Some(d) if d < 0 => push(
                Urgency::Expired,
                format!(
                    "credential '{cred}' expired {} days ago (rotate it: kubectl fleet token rotate {cred})",
                    -d
                ),
            ),
            Some(d) if d <= warn_days => push(
                Urgency::Expiring,
                format!(
                    "credential '{cred}' expires in {d} days (rotate it: kubectl fleet token rotate {cred})"
                ),
            ),
            _ => {}
        }
        if s.evidence == Evidence::Mismatch {
            let claimed = s.claimed.as_deref().unwrap_or("?");
            let holds = match &s.credential {
                Some(c) => format!("it holds the token of '{c}'"),
                None => "it does not hold its stored token".into(),
            };
            push(
                Urgency::Mismatch,
                format!(
                    "annotated with credential '{claimed}' but {holds}: the annotation is a claim, not proof \
                     (a rotation missed it, or someone else wrote it)"
                ),
            );
        }
        if s.kind == SecretKind::Missing {
            push(
                Urgency::Missing,
                format!("read by {} but does not exist", s.used_by.join(", ")),
            );
        }
        if !s.managed && s.credential.is_none() && matches!(s.kind, SecretKind::Pat) {
            push(
                Urgency::Unknown,
                "unmanaged (written by hand) and holding no stored token: its expiry is unknown \
                 (store it with 'kubectl fleet token set' to track it)"
                    .into(),
            );
        }
    }
    out.sort_by(|a, b| {
        (a.urgency, a.days_left, &a.cluster, &a.secret).cmp(&(b.urgency, b.days_left, &b.cluster, &b.secret))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::provider::Provider;

    fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    fn claim(c: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(CREDENTIAL_ANNOTATION.to_string(), c.to_string())])
    }

    #[test]
    fn content_proves_and_annotations_only_claim() {
        let now: Timestamp = "2026-11-30T00:00:00Z".parse().expect("ts");
        let mut hashes = StoredHashes::new();
        hashes.add("bot", &Token::new("ghp_bot").expect("t"));
        hashes.add("other", &Token::new("ghp_other").expect("t"));
        let mut meta = CredentialMeta::new(Provider::Github, "https://api.github.com", "git", now);
        meta.expires = Some("2026-12-05T00:00:00Z".parse().expect("ts"));
        let metas = BTreeMap::from([("bot".to_string(), meta)]);
        let judge = |ann: Option<BTreeMap<String, String>>, d: BTreeMap<String, Vec<u8>>| {
            let facts = SecretFacts::read(ann.as_ref(), d, &hashes);
            let known = Known {
                hashes: &hashes,
                metas: &metas,
                now,
            };
            audit_secret("c", "ns", "s", vec![], Some(facts), known)
        };
        let verified = judge(Some(claim("bot")), data(&[("password", "ghp_bot\n")]));
        assert_eq!(
            (
                verified.evidence,
                verified.credential.as_deref(),
                verified.days_left
            ),
            (Evidence::Verified, Some("bot"), Some(5))
        );
        let by_hand = judge(None, data(&[("username", "git"), ("password", "ghp_bot")]));
        assert_eq!((by_hand.evidence, by_hand.managed), (Evidence::Content, false));
        let planted = judge(Some(claim("bot")), data(&[("password", "ghp_other")]));
        assert_eq!(
            (planted.evidence, planted.credential.as_deref(), planted.days_left),
            (Evidence::Mismatch, Some("other"), None)
        );
        let stale = judge(Some(claim("bot")), data(&[("password", "ghp_old")]));
        assert_eq!((stale.evidence, stale.credential), (Evidence::Mismatch, None));
        let app = judge(
            Some(claim("app")),
            data(&[("githubAppID", "1"), ("githubAppPrivateKey", "k")]),
        );
        assert_eq!(
            (app.kind, app.evidence, app.days_left),
            (SecretKind::GithubApp, Evidence::Claimed, None)
        );
        let unknown = judge(None, data(&[("password", "ghp_nobody")]));
        assert_eq!(unknown.evidence, Evidence::None);
        let debug = format!("{verified:?}{planted:?}");
        assert!(!debug.contains("ghp_"), "{debug}");

        let w = warnings(&[unknown, planted, verified], 14);
        let order: Vec<Urgency> = w.iter().map(|w| w.urgency).collect();
        assert_eq!(order, [Urgency::Expiring, Urgency::Mismatch, Urgency::Unknown]);
    }
}
