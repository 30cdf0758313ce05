//! kubernetes-replicator copies of a rotated Secret (keos fleets annotate `flux-system/flux-system`
//! with `replicator.v1.mittwald.de/replicate-to: ".*"`, so every namespace gets a copy).
//!
//! A rotation writes only the source: the copies are the replicator's, and it follows the source on
//! its own. What the rotation owes the user is to check that it did: each copy (same name, carrying
//! `replicated-from-version`) must come to carry the source's new resourceVersion and the new
//! password, within the rotation's timeout. Copies are compared in memory; no value is printed.

use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::{Api, api::ListParams};

use super::{
    GitAuth,
    cluster::{ReplicaReport, RotateOptions, SecretReport},
};
use crate::kube::{KubeError, KubeTarget};

/// kubernetes-replicator (push mode): copy this object into every namespace matching the value (a
/// comma-separated list of anchored regular expressions).
pub const REPLICATE_TO: &str = "replicator.v1.mittwald.de/replicate-to";
/// kubernetes-replicator: the source resourceVersion a copy was made from.
pub const REPLICATED_FROM_VERSION: &str = "replicator.v1.mittwald.de/replicated-from-version";

/// `^(?:p)$` for each comma-separated pattern, as the replicator anchors them; None when one does
/// not compile (nothing can be said about coverage then).
fn patterns(value: &str) -> Option<Vec<regex::Regex>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| regex::Regex::new(&format!("^(?:{p})$")).ok())
        .collect()
}

fn followed(copy: &Secret, version: &str, auth: &GitAuth) -> bool {
    let from = copy
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REPLICATED_FROM_VERSION))
        .map(String::as_str);
    from == Some(version) && auth.carried_by(copy.data.as_ref())
}

/// Waits (up to `opts.timeout`) until every kubernetes-replicator copy of each rotated Secret that
/// carries `replicate-to` follows it. Secrets without the annotation are skipped; the result has one
/// report per replicated source.
pub async fn verify_replicas(
    target: &KubeTarget,
    secrets: &[SecretReport],
    auth: &GitAuth,
    opts: &RotateOptions,
) -> Result<Vec<ReplicaReport>, KubeError> {
    let mut out = Vec::new();
    for s in secrets.iter().filter(|s| s.outcome != "deleted") {
        let (ns, name) = (&s.target.key.namespace, &s.target.key.name);
        let source = Api::<Secret>::namespaced(target.client.clone(), ns)
            .get_opt(name)
            .await
            .map_err(|e| target.err(format!("get Secret {ns}/{name}"), e))?;
        let Some(source) = source else { continue };
        let Some(replicate_to) = source
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(REPLICATE_TO))
            .cloned()
        else {
            continue;
        };
        let version = source.metadata.resource_version.clone().unwrap_or_default();
        let all: Api<Secret> = Api::all(target.client.clone());
        let by_name = ListParams::default().fields(&format!("metadata.name={name}"));
        let deadline = Instant::now() + opts.timeout;
        let copies = loop {
            let copies: Vec<Secret> = all
                .list(&by_name)
                .await
                .map_err(|e| target.err(format!("list Secrets named {name}"), e))?
                .items
                .into_iter()
                .filter(|c| {
                    c.metadata.namespace.as_deref() != Some(ns.as_str())
                        && c.metadata
                            .annotations
                            .as_ref()
                            .is_some_and(|a| a.contains_key(REPLICATED_FROM_VERSION))
                })
                .collect();
            if copies.iter().all(|c| followed(c, &version, auth)) || Instant::now() >= deadline {
                break copies;
            }
            tokio::time::sleep(opts.interval.min(Duration::from_secs(2))).await;
        };
        let mut report = ReplicaReport {
            namespace: ns.clone(),
            name: name.clone(),
            ..Default::default()
        };
        for c in &copies {
            let where_ = c.metadata.namespace.clone().unwrap_or_default();
            if followed(c, &version, auth) {
                report.followed.push(where_);
            } else {
                report.lagging.push(where_);
            }
        }
        if let Some(patterns) = patterns(&replicate_to) {
            let namespaces = Api::<Namespace>::all(target.client.clone())
                .list(&ListParams::default())
                .await
                .map_err(|e| target.err("list Namespaces", e))?;
            report.uncovered = namespaces
                .items
                .into_iter()
                .filter_map(|n| n.metadata.name)
                .filter(|n| n != ns && patterns.iter().any(|p| p.is_match(n)))
                .filter(|n| !copies.iter().any(|c| c.metadata.namespace.as_ref() == Some(n)))
                .collect();
        }
        report.followed.sort();
        report.lagging.sort();
        report.uncovered.sort();
        out.push(report);
    }
    Ok(out)
}

/// The copies that did not follow, as a timeout naming them (the cluster then fails: apps
/// namespaces would keep the revoked token).
pub fn lagging_error(target: &KubeTarget, reports: &[ReplicaReport], after: Duration) -> Option<KubeError> {
    let lagging: Vec<String> = reports
        .iter()
        .flat_map(|r| r.lagging.iter().map(move |n| format!("{n}/{}", r.name)))
        .collect();
    (!lagging.is_empty()).then(|| KubeError::Timeout {
        context: target.context.clone(),
        what: "the kubernetes-replicator copies of the rotated Secret".into(),
        after,
        last: format!(
            "{} still {} the old token or version (is kubernetes-replicator running?)",
            lagging.join(", "),
            if lagging.len() == 1 { "carries" } else { "carry" }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicate_to_patterns_are_anchored() {
        let p = patterns(".*").expect("compiles");
        assert!(p[0].is_match("stratio-apps"));
        let p = patterns("stratio-.*, keos-core").expect("compiles");
        assert!(p.iter().any(|r| r.is_match("keos-core")));
        assert!(!p.iter().any(|r| r.is_match("my-stratio-apps")));
        assert!(patterns("(").is_none());
    }
}
