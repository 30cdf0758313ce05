//! Kinds the tree can list without discovery: the suite's table of known kinds, plus the other
//! stable built-in kinds that show up in inventories. Each kind resolved here saves the discovery
//! round trip that would otherwise sit before its LIST; only custom resources outside both tables
//! go through (aggregated) discovery.

use kube::api::{ApiResource, GroupVersionKind};

use crate::kube::find_known;

/// (group, version, kind, plural, namespaced) of built-in kinds missing from the shared table.
const BUILTINS: &[(&str, &str, &str, &str, bool)] = &[
    ("", "v1", "Endpoints", "endpoints", true),
    ("", "v1", "LimitRange", "limitranges", true),
    ("", "v1", "PersistentVolume", "persistentvolumes", false),
    ("", "v1", "PodTemplate", "podtemplates", true),
    ("", "v1", "ReplicationController", "replicationcontrollers", true),
    ("", "v1", "ResourceQuota", "resourcequotas", true),
    ("apps", "v1", "ControllerRevision", "controllerrevisions", true),
    ("apps", "v1", "ReplicaSet", "replicasets", true),
    (
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
    ),
    ("apiregistration.k8s.io", "v1", "APIService", "apiservices", false),
    ("coordination.k8s.io", "v1", "Lease", "leases", true),
    ("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true),
    ("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
    ("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false),
    (
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        false,
    ),
    ("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false),
    ("storage.k8s.io", "v1", "StorageClass", "storageclasses", false),
    (
        "storage.k8s.io",
        "v1",
        "VolumeAttachment",
        "volumeattachments",
        false,
    ),
];

/// The API resource and scope of a kind known without discovery.
pub fn resolve_static(group: &str, kind: &str) -> Option<(ApiResource, bool)> {
    if let Some(k) = find_known(group, kind) {
        return Some((k.api_resource(), k.namespaced));
    }
    BUILTINS
        .iter()
        .find(|(g, _, k, _, _)| *g == group && *k == kind)
        .map(|(g, v, k, plural, namespaced)| {
            let gvk = GroupVersionKind::gvk(g, v, k);
            (ApiResource::from_gvk_with_plural(&gvk, plural), *namespaced)
        })
}

/// Whether a kind is namespaced, when known without discovery.
pub fn static_scope(group: &str, kind: &str) -> Option<bool> {
    resolve_static(group, kind).map(|(_, namespaced)| namespaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_shared_and_extra_builtins() {
        let (cm, namespaced) = resolve_static("", "ConfigMap").expect("shared table");
        assert_eq!((cm.plural.as_str(), namespaced), ("configmaps", true));
        let (lr, _) = resolve_static("", "LimitRange").expect("extra table");
        assert_eq!(lr.api_version, "v1");
        let (sc, namespaced) = resolve_static("storage.k8s.io", "StorageClass").expect("extra table");
        assert_eq!(
            (sc.api_version.as_str(), namespaced),
            ("storage.k8s.io/v1", false)
        );
        assert!(resolve_static("cert-manager.io", "Certificate").is_none());
    }
}
