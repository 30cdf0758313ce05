//! keos: the domains and components a cluster reconciles, as the cluster records them.
//!
//! A keos fleet has no tenant label: the domain kustomization.yaml files put
//! `toolkit.fluxcd.io/domain` (`system-services`, `apps`) on every component Kustomization, and
//! each app component's kustomization.yaml adds `toolkit.fluxcd.io/component`. A system service has
//! no component label; its name says it (`system-services-<name>-configs`). An app component's
//! secrets Kustomization (`apps-<c>-secrets`) carries the same labels as the component, so it is
//! attached to the component instead of being listed on its own. The use case and size are the
//! cluster's ConfigMap `keos-runtime-info`.
//!
//! Shared by `tenant list` (one row per component) and `bootstrap status` (per domain).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{
    manifests::pointer::str_at,
    repo::layout::{COMPONENT_LABEL, DOMAIN_LABEL, Layout},
};

/// The keos domains in reconciliation order (`default` applies system services first, apps after
/// `system-services-components-override`).
pub const DOMAINS: [&str; 2] = ["system-services", "apps"];

/// One component of a domain, found on a cluster.
#[derive(Clone, Debug)]
pub struct Component<'a> {
    /// `system-services`, `apps` (the domain label's value).
    pub domain: String,
    /// The namespace of its Kustomization (an app namespace, or the Flux namespace).
    pub namespace: String,
    /// The component name (label, or from the system service's Kustomization name).
    pub name: String,
    /// The component's Kustomization (`apps-<c>`, `system-services-<c>-configs`); `None` when only
    /// its secrets Kustomization exists.
    pub kustomization: Option<&'a Value>,
    /// `apps-<c>-secrets`, when the component has secrets.
    pub secrets: Option<&'a Value>,
}

/// The domain's position in [`DOMAINS`] (unknown domains after them, by name).
pub fn domain_rank(domain: &str) -> usize {
    DOMAINS.iter().position(|d| *d == domain).unwrap_or(DOMAINS.len())
}

fn label<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.pointer("/metadata/labels")
        .and_then(|l| l.get(key))
        .and_then(Value::as_str)
}

/// The component a labelled Kustomization belongs to, and whether it is the secrets one.
fn component_of(layout: &Layout, name: &str, component_label: Option<&str>) -> (String, bool) {
    if let Some(c) = component_label {
        let secrets = layout.apps().is_some_and(|apps| apps.secrets_name(c) == name);
        return (c.to_string(), secrets);
    }
    let platform = layout.platform();
    let bare = name.strip_prefix(platform.name_prefix).unwrap_or(name);
    let bare = platform
        .parts
        .iter()
        .find_map(|p| bare.strip_suffix(&format!("-{}", p.name)))
        .unwrap_or(bare);
    (bare.to_string(), false)
}

/// Every component of every domain among `kustomizations` (Kustomizations as JSON), sorted by
/// domain (reconciliation order), namespace and name. Kustomizations without the domain label
/// (`default` and the domain Kustomizations themselves) are not components.
pub fn components<'a>(
    layout: &Layout,
    kustomizations: impl IntoIterator<Item = &'a Value>,
) -> Vec<Component<'a>> {
    let mut found: BTreeMap<(usize, String, String, String), Component<'a>> = BTreeMap::new();
    for ks in kustomizations {
        let Some(domain) = label(ks, DOMAIN_LABEL) else {
            continue;
        };
        let namespace = str_at(ks, "/metadata/namespace").unwrap_or_default();
        let name = str_at(ks, "/metadata/name").unwrap_or_default();
        let (component, secrets) = component_of(layout, name, label(ks, COMPONENT_LABEL));
        let key = (
            domain_rank(domain),
            domain.to_string(),
            namespace.to_string(),
            component.clone(),
        );
        let entry = found.entry(key).or_insert_with(|| Component {
            domain: domain.to_string(),
            namespace: namespace.to_string(),
            name: component,
            kustomization: None,
            secrets: None,
        });
        if secrets {
            entry.secrets = Some(ks);
        } else {
            entry.kustomization = Some(ks);
        }
    }
    found.into_values().collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::repo::{FleetConfig, Profile};

    fn keos() -> Layout {
        let config = FleetConfig {
            profile: Profile::Keos,
            use_case: Some("talk-to-your-data".into()),
            ..FleetConfig::default()
        };
        Layout::names_only(&config)
    }

    fn ks(ns: &str, name: &str, labels: Value) -> Value {
        json!({"metadata": {"name": name, "namespace": ns, "labels": labels}})
    }

    #[test]
    fn groups_by_domain_labels_and_attaches_secrets() {
        let all = vec![
            ks("flux-system", "default", json!({})),
            ks("flux-system", "apps-components", json!({})),
            ks(
                "stratio-datastores",
                "apps-dg-s3-agent-secrets",
                json!({DOMAIN_LABEL: "apps", COMPONENT_LABEL: "dg-s3-agent"}),
            ),
            ks(
                "stratio-datastores",
                "apps-dg-s3-agent",
                json!({DOMAIN_LABEL: "apps", COMPONENT_LABEL: "dg-s3-agent"}),
            ),
            ks(
                "stratio-apps",
                "apps-discovery",
                json!({DOMAIN_LABEL: "apps", COMPONENT_LABEL: "discovery"}),
            ),
            ks(
                "flux-system",
                "system-services-gosec-configs",
                json!({DOMAIN_LABEL: "system-services"}),
            ),
        ];
        let layout = keos();
        let found = components(&layout, &all);
        let names: Vec<(&str, &str, &str, bool, bool)> = found
            .iter()
            .map(|c| {
                (
                    c.domain.as_str(),
                    c.namespace.as_str(),
                    c.name.as_str(),
                    c.kustomization.is_some(),
                    c.secrets.is_some(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("system-services", "flux-system", "gosec", true, false),
                ("apps", "stratio-apps", "discovery", true, false),
                ("apps", "stratio-datastores", "dg-s3-agent", true, true),
            ]
        );
    }
}
