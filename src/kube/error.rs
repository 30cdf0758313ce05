//! Errors from talking to a cluster, classified so users can tell "unreachable" from "forbidden".

use std::{error::Error as StdError, io, time::Duration};

use super::options::ClientOptions;

/// A request to a cluster failed.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The apiserver could not be reached at all (connection refused, TLS, DNS, timeout).
    #[error("cluster '{context}' is unreachable at {server}: {reason}")]
    Unreachable {
        /// The kube context.
        context: String,
        /// The server URL from the kubeconfig.
        server: String,
        /// The innermost cause in the user's words ("connection refused", "timed out after 5s
        /// connecting"); the client's wrapper layers (`ServiceError: client error (Connect)`)
        /// say nothing a user can act on, so they are not kept as a source chain.
        reason: String,
    },
    /// The apiserver answered with an error status.
    #[error("failed to {action} on cluster '{context}': {message}")]
    Api {
        /// The kube context.
        context: String,
        /// What was attempted, e.g. "get Kustomization flux-system/flux-system".
        action: String,
        /// HTTP status code.
        code: u16,
        /// The reason (Forbidden, NotFound, Conflict, …).
        reason: String,
        /// The apiserver's message.
        message: String,
    },
    /// Any other client-side failure (decoding, request building).
    #[error("failed to {action} on cluster '{context}'")]
    Client {
        /// The kube context.
        context: String,
        /// What was attempted.
        action: String,
        #[source]
        source: kube::Error,
    },
    /// A kind is not served by the cluster.
    #[error("kind {kind} ({group}) is not served by cluster '{context}'")]
    UnknownKind {
        /// The kube context.
        context: String,
        /// API group ("" for core).
        group: String,
        /// Kind.
        kind: String,
    },
    /// A kind the command is about to write or read is not served (its CRD is not installed, or
    /// not at this version): said before the first write, instead of "404 page not found" after.
    #[error("cluster '{context}' does not serve {kind} ({api_version}): {}", crd.as_ref().map(|c| format!("CustomResourceDefinition {c} is not installed or does not serve {api_version}")).unwrap_or_else(|| "the apiserver does not know this kind".into()))]
    NotServed {
        /// The kube context.
        context: String,
        /// Kind.
        kind: String,
        /// `group/version` asked for.
        api_version: String,
        /// The CRD that would serve it (`plural.group`); `None` for built-in groups.
        crd: Option<String>,
    },
    /// Waiting for a condition ran out of time.
    #[error("timed out after {}s waiting for {what} on cluster '{context}': {last}", after.as_secs())]
    Timeout {
        /// The kube context.
        context: String,
        /// What was awaited.
        what: String,
        /// The timeout.
        after: Duration,
        /// The last observed state.
        last: String,
    },
}

impl KubeError {
    /// Classifies a kube client error for a request on `context`; `timeouts` are the client's, so
    /// a timeout says how long it waited.
    pub fn from_kube(
        context: &str,
        server: &str,
        timeouts: ClientOptions,
        action: impl Into<String>,
        err: kube::Error,
    ) -> Self {
        match err {
            kube::Error::Api(status) => KubeError::Api {
                context: context.to_string(),
                action: action.into(),
                code: status.code,
                reason: status.reason.clone(),
                message: status.message.clone(),
            },
            e @ (kube::Error::HyperError(_) | kube::Error::Service(_)) => KubeError::Unreachable {
                context: context.to_string(),
                server: server.to_string(),
                reason: unreachable_reason(&e, timeouts),
            },
            e => KubeError::Client {
                context: context.to_string(),
                action: action.into(),
                source: e,
            },
        }
    }

    /// HTTP status code when the apiserver answered.
    pub fn code(&self) -> Option<u16> {
        match self {
            KubeError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// 404 from the apiserver.
    pub fn is_not_found(&self) -> bool {
        self.code() == Some(404)
    }

    /// 403 from the apiserver.
    pub fn is_forbidden(&self) -> bool {
        self.code() == Some(403)
    }

    /// 409 from the apiserver (resourceVersion precondition or SSA conflict).
    pub fn is_conflict(&self) -> bool {
        self.code() == Some(409)
    }

    /// The cluster could not be reached.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, KubeError::Unreachable { .. })
    }

    /// A short one-line description for tables (no context name, which the table already shows).
    pub fn short(&self) -> String {
        match self {
            KubeError::Unreachable { server, reason, .. } => format!("unreachable at {server}: {reason}"),
            KubeError::Api { action, message, .. } => format!("{action}: {message}"),
            KubeError::Client { action, source, .. } => format!("{action}: {source}"),
            KubeError::UnknownKind { group, kind, .. } => format!("kind {kind} ({group}) not served"),
            KubeError::NotServed {
                kind,
                api_version,
                crd,
                ..
            } => match crd {
                Some(crd) => format!("{kind} ({api_version}) not served: CRD {crd} missing"),
                None => format!("{kind} ({api_version}) not served"),
            },
            KubeError::Timeout {
                what, last, after, ..
            } => {
                format!("timed out after {}s waiting for {what}: {last}", after.as_secs())
            }
        }
    }
}

/// The innermost cause of a connection failure, in the user's words. Timeouts name the limit
/// (`timed out after 5s connecting`, not tokio's "deadline has elapsed"); refused connections and
/// TLS or DNS failures keep the text of the layer that knows what went wrong.
fn unreachable_reason(err: &kube::Error, timeouts: ClientOptions) -> String {
    let mut chain: Vec<&(dyn StdError + 'static)> = Vec::new();
    let mut next: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = next {
        chain.push(e);
        next = e.source();
    }
    let connecting = chain.iter().any(|e| {
        e.downcast_ref::<hyper_util::client::legacy::Error>()
            .is_some_and(|h| h.is_connect())
    });
    let timed_out = chain.iter().any(|e| {
        e.is::<tokio::time::error::Elapsed>()
            || e.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::TimedOut)
    });
    if timed_out {
        return if connecting {
            format!(
                "timed out after {} connecting",
                human_duration(timeouts.connect_timeout)
            )
        } else {
            format!(
                "no answer within {} (--request-timeout)",
                human_duration(timeouts.request_timeout)
            )
        };
    }
    if let Some(io) = chain.iter().find_map(|e| e.downcast_ref::<io::Error>()) {
        match io.kind() {
            io::ErrorKind::ConnectionRefused => return "connection refused".to_string(),
            io::ErrorKind::ConnectionReset => return "connection reset by the server".to_string(),
            _ => {}
        }
    }
    chain
        .last()
        .map(|e| e.to_string())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| err.to_string())
}

/// `5s`, `1m30s`, `250ms`: how long a limit was, as the flags spell it.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if d.subsec_millis() != 0 || secs == 0 {
        return format!("{}ms", d.as_millis());
    }
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_the_flags_spell_them() {
        assert_eq!(human_duration(Duration::from_secs(5)), "5s");
        assert_eq!(human_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(human_duration(Duration::from_secs(120)), "2m");
        assert_eq!(human_duration(Duration::from_millis(250)), "250ms");
    }
}
