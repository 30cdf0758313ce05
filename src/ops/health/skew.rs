//! Skew across clusters: what differs between clusters that run the same thing.
//!
//! Three comparisons, each over the clusters that have the thing at all (a release present on one
//! cluster only is not skew): the Flux and operator versions, the chart version of every
//! HelmRelease (same namespace and name), and the revision of every Git, OCI and Bucket source
//! (same kind, namespace and name). Revisions are compared by their digest (`sha1:…` after the
//! `@`), so `main@sha1:abc` on staging and `production@sha1:abc` on production are the same
//! commit; a source that has no artifact yet is left out. HelmRepositories and HelmCharts are
//! left out too: an index digest changes with every chart anyone publishes, and the chart
//! version is compared on the HelmRelease.

use std::collections::BTreeMap;

use serde::Serialize;

use super::survey::Survey;

/// One value and the clusters that have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// The version or revision.
    pub value: String,
    /// Kube contexts, in the order they were given.
    pub clusters: Vec<String>,
}

/// An object whose version or revision differs between clusters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkewedObject {
    /// Kind.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The chart (HelmReleases) or URL (sources), when the same on every cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The values, most clusters first.
    pub variants: Vec<Variant>,
}

/// Everything that differs between clusters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skew {
    /// Flux versions, when clusters run different ones.
    pub flux: Vec<Variant>,
    /// Flux Operator versions, when clusters run different ones.
    pub operator: Vec<Variant>,
    /// HelmReleases whose chart version differs.
    pub helm_releases: Vec<SkewedObject>,
    /// Git, OCI and Bucket sources whose revision differs.
    pub sources: Vec<SkewedObject>,
}

impl Skew {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.flux.is_empty()
            && self.operator.is_empty()
            && self.helm_releases.is_empty()
            && self.sources.is_empty()
    }

    /// How many things differ.
    pub fn count(&self) -> usize {
        usize::from(!self.flux.is_empty())
            + usize::from(!self.operator.is_empty())
            + self.helm_releases.len()
            + self.sources.len()
    }
}

/// Source kinds whose revision is a commit or an artifact digest.
const REVISIONED: &[&str] = &["GitRepository", "OCIRepository", "Bucket"];

/// One cluster's value of a thing: `(cluster, version or revision, chart or URL)`.
type Seen<'a> = (&'a str, String, String);

/// Compares the surveys of the clusters that could be read, in the order given.
pub fn skew(clusters: &[(&str, &Survey)]) -> Skew {
    let flux = variants(
        clusters
            .iter()
            .filter_map(|(c, s)| Some((*c, s.flux_version.clone()?, ()))),
    );
    let operator = variants(
        clusters
            .iter()
            .filter_map(|(c, s)| Some((*c, s.operator_version.clone()?, ()))),
    );
    let mut releases: BTreeMap<(String, String), Vec<Seen<'_>>> = BTreeMap::new();
    let mut sources: BTreeMap<(&str, String, String), Vec<Seen<'_>>> = BTreeMap::new();
    for (cluster, survey) in clusters {
        for o in &survey.objects {
            if let Some(chart) = &o.chart {
                releases
                    .entry((o.namespace.clone(), o.name.clone()))
                    .or_default()
                    .push((cluster, chart.version.clone(), chart.name.clone()));
            }
            if REVISIONED.contains(&o.kind)
                && let Some(revision) = &o.revision
            {
                sources
                    .entry((o.kind, o.namespace.clone(), o.name.clone()))
                    .or_default()
                    .push((cluster, revision.clone(), o.url.clone().unwrap_or_default()));
            }
        }
    }
    let helm_releases = releases
        .into_iter()
        .filter_map(|((namespace, name), seen)| {
            let charts: Vec<&str> = seen.iter().map(|(_, _, chart)| chart.as_str()).collect();
            let same_chart = charts.windows(2).all(|w| w[0] == w[1]);
            let variants = variants(seen.iter().map(|(c, version, chart)| {
                let value = if same_chart {
                    version.clone()
                } else {
                    format!("{chart} {version}")
                };
                (*c, value.clone(), value)
            }));
            (!variants.is_empty()).then(|| SkewedObject {
                kind: "HelmRelease".into(),
                namespace,
                name,
                detail: same_chart.then(|| charts[0].to_string()),
                variants,
            })
        })
        .collect();
    let sources = sources
        .into_iter()
        .filter_map(|((kind, namespace, name), seen)| {
            let urls: Vec<&str> = seen.iter().map(|(_, _, url)| url.as_str()).collect();
            let same_url = urls.windows(2).all(|w| w[0] == w[1]) && !urls[0].is_empty();
            // Grouped by digest, shown as the first revision seen with it.
            let variants = variants_by(
                seen.iter()
                    .map(|(c, rev, _)| (*c, digest(rev).to_string(), rev.clone())),
            );
            (!variants.is_empty()).then(|| SkewedObject {
                kind: kind.to_string(),
                namespace,
                name,
                detail: same_url.then(|| urls[0].to_string()),
                variants,
            })
        })
        .collect();
    Skew {
        flux,
        operator,
        helm_releases,
        sources,
    }
}

/// The part of a revision that identifies the content: `sha1:…` of `main@sha1:…`.
pub fn digest(revision: &str) -> &str {
    revision.rsplit_once('@').map_or(revision, |(_, d)| d)
}

/// Groups `(cluster, value)` pairs; empty unless at least two values differ.
fn variants<'a, X>(seen: impl Iterator<Item = (&'a str, String, X)>) -> Vec<Variant> {
    variants_by(seen.map(|(c, v, _)| (c, v.clone(), v)))
}

/// Groups `(cluster, key, shown)` by key; empty unless at least two keys differ. Variants are
/// ordered by how many clusters have them, then by first appearance.
fn variants_by<'a>(seen: impl Iterator<Item = (&'a str, String, String)>) -> Vec<Variant> {
    let mut groups: Vec<(String, Variant)> = Vec::new();
    for (cluster, key, shown) in seen {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.clusters.push(cluster.to_string()),
            None => groups.push((
                key,
                Variant {
                    value: shown,
                    clusters: vec![cluster.to_string()],
                },
            )),
        }
    }
    if groups.len() < 2 {
        return Vec::new();
    }
    let mut out: Vec<Variant> = groups.into_iter().map(|(_, v)| v).collect();
    out.sort_by_key(|v| std::cmp::Reverse(v.clusters.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ops::health::survey::{Chart, FluxObject},
        status::{Health, State},
    };

    fn obj(kind: &'static str, ns: &str, name: &str) -> FluxObject {
        FluxObject {
            kind,
            namespace: ns.into(),
            name: name.into(),
            health: Health::of(State::Ready),
            since: None,
            revision: None,
            chart: None,
            url: None,
            flux_version: None,
            operator_version: None,
            applied_by_flux: false,
        }
    }

    fn survey(flux: &str, chart: &str, revision: &str) -> Survey {
        let mut hr = obj("HelmRelease", "apps", "podinfo");
        hr.chart = Some(Chart {
            name: "podinfo".into(),
            version: chart.into(),
        });
        let mut git = obj("GitRepository", "flux-system", "flux-system");
        git.revision = Some(revision.into());
        git.url = Some("https://git.example/fleet".into());
        Survey {
            flux_version: Some(flux.into()),
            operator_version: Some("v0.58.1".into()),
            objects: vec![hr, git, obj("HelmRelease", "apps", "only-here")],
            ..Survey::default()
        }
    }

    #[test]
    fn finds_what_differs_between_clusters() {
        let staging = survey("v2.9.4", "6.7.0", "main@sha1:bbb");
        let eu = survey("v2.8.1", "6.5.0", "production@sha1:aaa");
        let us = survey("v2.8.1", "6.5.0", "production@sha1:aaa");
        let skew = skew(&[("staging", &staging), ("prod-eu", &eu), ("prod-us", &us)]);
        assert_eq!(
            skew.flux,
            [
                Variant {
                    value: "v2.8.1".into(),
                    clusters: vec!["prod-eu".into(), "prod-us".into()]
                },
                Variant {
                    value: "v2.9.4".into(),
                    clusters: vec!["staging".into()]
                },
            ]
        );
        assert!(skew.operator.is_empty());
        assert_eq!(skew.helm_releases.len(), 1, "{skew:#?}");
        let hr = &skew.helm_releases[0];
        assert_eq!(
            (hr.name.as_str(), hr.detail.as_deref()),
            ("podinfo", Some("podinfo"))
        );
        assert_eq!(hr.variants[0].value, "6.5.0");
        assert_eq!(skew.sources.len(), 1);
        assert_eq!(skew.sources[0].variants[1].value, "main@sha1:bbb", "{skew:#?}");
        assert_eq!(skew.count(), 3);
    }

    #[test]
    fn the_same_commit_on_another_branch_is_not_skew() {
        let staging = survey("v2.9.4", "6.7.0", "main@sha1:aaa");
        let prod = survey("v2.9.4", "6.7.0", "production@sha1:aaa");
        let skew = skew(&[("staging", &staging), ("prod", &prod)]);
        assert!(skew.is_empty(), "{skew:#?}");
        assert_eq!(digest("main@sha1:aaa"), "sha1:aaa");
        assert_eq!(digest("sha256:x"), "sha256:x");
    }

    #[test]
    fn different_charts_are_named() {
        let mut a = survey("v2.9.4", "1.0.0", "main@sha1:aaa");
        let b = survey("v2.9.4", "1.0.0", "main@sha1:aaa");
        a.objects[0].chart = Some(Chart {
            name: "podinfo-fork".into(),
            version: "1.0.0".into(),
        });
        let skew = skew(&[("a", &a), ("b", &b)]);
        assert_eq!(skew.helm_releases[0].detail, None);
        assert_eq!(skew.helm_releases[0].variants[0].value, "podinfo-fork 1.0.0");
    }
}
