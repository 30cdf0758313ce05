//! The drift rule: objects Flux applied that were changed outside Flux since, judged from their
//! `metadata.managedFields` while the tree's decoders read them (JSON and protobuf feed the same
//! [`of_entries`]); `tree --drift` and `health` show the result.
//!
//! The apiserver records, per field manager, which fields it set. A field set with `kubectl
//! edit`, `kubectl scale` or any other client moves to that client's manager and out of the Flux
//! controller's; so an object has drifted when a manager that is not a Flux controller owns a
//! field the Flux controller that applied the object does not own too (a field two managers set
//! to the same value with server-side apply is owned by both: no change). Ignored:
//!
//! - entries of the `status` subresource and fields under `status` (controllers report there);
//! - managers of the Flux controllers themselves (`kustomize-controller`, `helm-controller`,
//!   `flux-operator`, the toolkit controllers and their `gotk-*` status managers), which write
//!   finalizers and annotations of the objects they reconcile;
//! - the allow-list: [`DEFAULT_ALLOW`] (in-cluster controllers such as the HPA, cert-manager's CA
//!   injector, Flux reconcile requests), plus `--drift-allow` and `KUBECTL_FLEET_DRIFT_ALLOW`
//!   rules: `MANAGER` (any field), `MANAGER:FIELD` (that field and everything under it), with `*`
//!   for any manager and a trailing `*` for a manager prefix.
//!
//! Field paths are written the way users read them: `spec.replicas`,
//! `spec.template.spec.containers[name=web].image`, `metadata.annotations.example.com/x`.

use std::{collections::HashSet, sync::LazyLock};

use serde::Serialize;
use serde_json::Value;

/// Flux controllers' field managers (the `gotk-` status managers are matched by prefix).
const FLUX_MANAGERS: &[&str] = &[
    "kustomize-controller",
    "helm-controller",
    "source-controller",
    "notification-controller",
    "image-reflector-controller",
    "image-automation-controller",
    "source-watcher",
    "flux-operator",
];

/// Changes that are not drift, whatever the fleet: what controllers inside the cluster do on
/// purpose, and Flux's own reconcile requests.
pub const DEFAULT_ALLOW: &[&str] = &[
    // The HPA (through the scale subresource), the Deployment controller's revision annotation.
    "kube-controller-manager",
    // CA bundles injected into webhooks, CRDs and APIServices.
    "cert-manager-cainjector",
    // Reconcile requests of the flux CLI and of `kubectl fleet reconcile`.
    "*:metadata.annotations.reconcile.fluxcd.io/requestedAt",
    "*:metadata.annotations.reconcile.fluxcd.io/forceAt",
    "*:metadata.annotations.reconcile.fluxcd.io/resetAt",
    // Set by the apiserver on every Namespace, owned by whoever created it.
    "*:metadata.labels.kubernetes.io/metadata.name",
];

/// The environment variable with more allow rules, comma-separated.
pub const ALLOW_ENV: &str = "KUBECTL_FLEET_DRIFT_ALLOW";

/// One allow rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowRule {
    manager: String,
    field: Option<String>,
}

/// A rule that cannot be parsed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid drift allow rule '{0}': expected MANAGER or MANAGER:FIELD (e.g. keda-operator, *:spec.replicas)"
)]
pub struct InvalidRule(pub String);

impl AllowRule {
    /// Parses `MANAGER` or `MANAGER:FIELD`.
    pub fn parse(text: &str) -> Result<Self, InvalidRule> {
        let text = text.trim();
        let (manager, field) = match text.split_once(':') {
            Some((m, f)) => (m.trim(), Some(f.trim())),
            None => (text, None),
        };
        if manager.is_empty() || field.is_some_and(str::is_empty) || manager.contains(char::is_whitespace) {
            return Err(InvalidRule(text.to_string()));
        }
        Ok(AllowRule {
            manager: manager.to_string(),
            field: field.map(str::to_string),
        })
    }

    fn manager_matches(&self, manager: &str) -> bool {
        match self.manager.strip_suffix('*') {
            Some(prefix) => manager.starts_with(prefix),
            None => self.manager == manager,
        }
    }

    fn allows(&self, manager: &str, field: &str) -> bool {
        self.manager_matches(manager)
            && self.field.as_deref().is_none_or(|prefix| {
                field == prefix
                    || field
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            })
    }
}

/// What is not drift.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriftRules {
    allow: Vec<AllowRule>,
}

impl Default for DriftRules {
    fn default() -> Self {
        DriftRules {
            allow: DEFAULT_ALLOW
                .iter()
                .filter_map(|r| AllowRule::parse(r).ok())
                .collect(),
        }
    }
}

impl DriftRules {
    /// The defaults plus `extra` rules (flags, then the environment variable's).
    pub fn with(extra: &[String]) -> Result<Self, InvalidRule> {
        let mut rules = DriftRules::default();
        for text in extra {
            for part in text.split(',').filter(|p| !p.trim().is_empty()) {
                rules.allow.push(AllowRule::parse(part)?);
            }
        }
        Ok(rules)
    }

    fn allows(&self, manager: &str, field: &str) -> bool {
        self.allow.iter().any(|r| r.allows(manager, field))
    }

    /// Whether every field `manager` sets is allowed (a rule without a field names it).
    fn allows_manager(&self, manager: &str) -> bool {
        self.allow
            .iter()
            .any(|r| r.field.is_none() && r.manager_matches(manager))
    }
}

/// The default rules, for decoders (which run before the command's own rules are applied with
/// [`Drift::allowed`]).
static DEFAULT_RULES: LazyLock<DriftRules> = LazyLock::new(DriftRules::default);

/// Whether a field manager is a Flux controller.
pub fn is_flux_manager(manager: &str) -> bool {
    FLUX_MANAGERS.contains(&manager) || manager.starts_with("gotk-")
}

/// The field manager of the controller that applies what an owner kind lists.
pub fn applier(owner_kind: &str) -> Option<&'static str> {
    match owner_kind {
        "Kustomization" => Some("kustomize-controller"),
        "HelmRelease" => Some("helm-controller"),
        "FluxInstance" | "ResourceSet" => Some("flux-operator"),
        _ => None,
    }
}

/// Fields changed by one manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The field manager (`kubectl-edit`, `kubectl-scale`, …).
    pub manager: String,
    /// The fields it owns and the Flux controller does not.
    pub fields: Vec<String>,
}

/// `kubectl-edit: spec.replicas; kubectl-scale: spec.replicas` (at most `max` fields each).
pub fn describe(changes: &[Change], max: usize) -> String {
    changes
        .iter()
        .map(|c| {
            let mut fields: Vec<&str> = c.fields.iter().take(max).map(String::as_str).collect();
            let more = c.fields.len().saturating_sub(max);
            let extra = (more > 0).then(|| format!("+{more} more"));
            if let Some(extra) = &extra {
                fields.push(extra);
            }
            format!("{}: {}", c.manager, fields.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One entry of an object's `metadata.managedFields`, as any decoder reads it (the JSON one in
/// `crate::tree::decode`; a protobuf one feeds the same): borrowed, so deciding costs no copy of
/// the managedFields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ManagedEntry<'a> {
    /// The field manager.
    pub manager: &'a str,
    /// `Apply` or `Update`.
    pub operation: &'a str,
    /// `status`, `scale`, or "" for the main resource.
    pub subresource: &'a str,
    /// The raw JSON of `fieldsV1` (empty when absent).
    pub fields_v1: &'a [u8],
}

/// What changed an object outside Flux: the small result decoders keep instead of its
/// managedFields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Drift {
    /// Who changed which fields, in managedFields order.
    pub changes: Vec<Change>,
}

impl Drift {
    /// The changes `rules` do not allow (a command's `--drift-allow` on top of the defaults the
    /// decoders applied); `None` when nothing is left.
    pub fn allowed(&self, rules: &DriftRules) -> Option<Drift> {
        let changes: Vec<Change> = self
            .changes
            .iter()
            .filter_map(|c| {
                let fields: Vec<String> = c
                    .fields
                    .iter()
                    .filter(|f| !rules.allows(&c.manager, f))
                    .cloned()
                    .collect();
                (!fields.is_empty()).then(|| Change {
                    manager: c.manager.clone(),
                    fields,
                })
            })
            .collect();
        (!changes.is_empty()).then_some(Drift { changes })
    }

    /// `kubectl-edit: spec.replicas` (at most `max` fields per manager), see [`describe`].
    pub fn describe(&self, max: usize) -> String {
        describe(&self.changes, max)
    }
}

/// The field managers of the Flux controllers that apply objects: an object with none of them in
/// its managedFields was not applied by Flux (or Flux owns none of its fields any more).
pub const APPLIERS: &[&str] = &["kustomize-controller", "helm-controller", "flux-operator"];

/// The drift rule, in one place: the fields of an object set by a field manager that is not a
/// Flux controller, outside the `status` subresource and `status` fields, not allowed by `rules`,
/// and not co-owned by one of `appliers` (a field two managers applied with the same value is
/// owned by both: no change). `None` when nothing drifted. No `fieldsV1` is parsed unless some
/// other manager may have drifted the object, so an object nobody touched costs a scan of its
/// managers' names.
pub fn of_entries<'a>(
    entries: impl IntoIterator<Item = ManagedEntry<'a>>,
    appliers: &[&str],
    rules: &DriftRules,
) -> Option<Drift> {
    let entries: Vec<ManagedEntry<'a>> = entries.into_iter().collect();
    let candidate = |e: &ManagedEntry<'_>| {
        e.subresource != "status"
            && !appliers.contains(&e.manager)
            && !is_flux_manager(e.manager)
            && !rules.allows_manager(e.manager)
    };
    if !entries.iter().any(candidate) {
        return None;
    }
    let mut owned = HashSet::new();
    for e in entries.iter().filter(|e| appliers.contains(&e.manager)) {
        leaves_of(e.fields_v1, &mut |p| {
            owned.insert(p.to_string());
        });
    }
    let mut changes: Vec<Change> = Vec::new();
    for e in entries.iter().filter(|e| candidate(e)) {
        let mut fields = Vec::new();
        leaves_of(e.fields_v1, &mut |p| {
            let under_status = p == "status" || p.starts_with("status.");
            if !under_status && !owned.contains(p) && !rules.allows(e.manager, p) {
                fields.push(p.to_string());
            }
        });
        if fields.is_empty() {
            continue;
        }
        match changes.iter_mut().find(|c| c.manager == e.manager) {
            Some(c) => {
                for f in fields {
                    if !c.fields.contains(&f) {
                        c.fields.push(f);
                    }
                }
            }
            None => changes.push(Change {
                manager: e.manager.to_string(),
                fields,
            }),
        }
    }
    (!changes.is_empty()).then_some(Drift { changes })
}

/// What a decoder keeps of an object's managedFields: [`of_entries`] with the Flux appliers and
/// the default rules (a command applies its own with [`Drift::allowed`]), for an object Flux
/// applied: one that carries a Flux owner label (`flux_labelled`, see [`is_flux_owner_label`]) or
/// has an applier's entry. Other objects (a cluster-wide LIST returns them too) are not judged,
/// so they cost nothing to keep.
pub fn of_object<'a>(
    entries: impl IntoIterator<Item = ManagedEntry<'a>>,
    flux_labelled: bool,
) -> Option<Box<Drift>> {
    let entries: Vec<ManagedEntry<'a>> = entries.into_iter().collect();
    if !flux_labelled && !entries.iter().any(|e| APPLIERS.contains(&e.manager)) {
        return None;
    }
    of_entries(entries, APPLIERS, &DEFAULT_RULES).map(Box::new)
}

/// The labels the Flux appliers put on what they apply (an object whose every field another
/// manager took has no applier entry left in its managedFields, but keeps these).
pub fn is_flux_owner_label(key: &str) -> bool {
    matches!(
        key,
        "kustomize.toolkit.fluxcd.io/name"
            | "helm.toolkit.fluxcd.io/name"
            | "fluxcd.controlplane.io/name"
            | "resourceset.fluxcd.controlplane.io/name"
    )
}

/// [`leaves`] of a raw `fieldsV1` document (nothing when it is not a JSON object).
fn leaves_of(fields_v1: &[u8], each: &mut dyn FnMut(&str)) {
    if let Ok(set) = serde_json::from_slice::<Value>(fields_v1) {
        leaves(&set, &mut String::new(), each);
    }
}

/// Calls `each` with the path of every leaf of a `fieldsV1` set: a field with no owned children
/// (the `.` key marks the field itself as owned, next to its children).
fn leaves(set: &Value, path: &mut String, each: &mut dyn FnMut(&str)) {
    let Some(map) = set.as_object() else { return };
    let mut any_child = false;
    for (key, child) in map {
        if key == "." {
            continue;
        }
        any_child = true;
        let len = path.len();
        push_segment(path, key);
        leaves(child, path, each);
        path.truncate(len);
    }
    if !any_child && !path.is_empty() {
        each(path);
    }
}

/// Appends one `fieldsV1` key: `f:name` as `.name`, `k:{"name":"web"}` as `[name=web]`, `v:x` as
/// `[x]`, `i:3` as `[3]`.
fn push_segment(path: &mut String, key: &str) {
    if let Some(name) = key.strip_prefix("f:") {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
    } else if let Some(keys) = key.strip_prefix("k:") {
        let parts: Vec<String> = match serde_json::from_str::<serde_json::Map<String, Value>>(keys) {
            Ok(map) => map
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => format!("{k}={s}"),
                    other => format!("{k}={other}"),
                })
                .collect(),
            Err(_) => vec![keys.to_string()],
        };
        path.push('[');
        path.push_str(&parts.join(","));
        path.push(']');
    } else if let Some(value) = key.strip_prefix("v:") {
        let shown = match serde_json::from_str::<Value>(value) {
            Ok(Value::String(s)) => s,
            _ => value.to_string(),
        };
        path.push('[');
        path.push_str(&shown);
        path.push(']');
    } else if let Some(index) = key.strip_prefix("i:") {
        path.push('[');
        path.push_str(index);
        path.push(']');
    } else {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The changes outside Flux recorded in an object's `managedFields` (the JSON array), for an
    /// object applied by the manager `applier`. Empty when nothing drifted or the JSON is not a
    /// managedFields list.
    fn analyze(managed_fields: &str, applier: &str, rules: &DriftRules) -> Vec<Change> {
        #[derive(serde::Deserialize)]
        struct Entry<'a> {
            #[serde(default, borrow)]
            manager: std::borrow::Cow<'a, str>,
            #[serde(default, borrow)]
            operation: std::borrow::Cow<'a, str>,
            #[serde(default, borrow)]
            subresource: std::borrow::Cow<'a, str>,
            #[serde(default, borrow, rename = "fieldsV1")]
            fields: Option<&'a serde_json::value::RawValue>,
        }
        let Ok(entries) = serde_json::from_str::<Vec<Entry<'_>>>(managed_fields) else {
            return Vec::new();
        };
        let entries = entries.iter().map(|e| ManagedEntry {
            manager: &e.manager,
            operation: &e.operation,
            subresource: &e.subresource,
            fields_v1: e.fields.map_or(&[][..], |f| f.get().as_bytes()),
        });
        of_entries(entries, &[applier], rules).map_or_else(Vec::new, |d| d.changes)
    }

    fn fields(v: Value) -> String {
        v.to_string()
    }

    #[test]
    fn a_field_edited_by_hand_is_drift() {
        let mf = fields(json!([
            {"manager": "kustomize-controller", "operation": "Apply", "fieldsV1": {
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}},
            {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
            {"manager": "kube-controller-manager", "operation": "Update", "subresource": "status", "fieldsV1": {"f:status": {"f:replicas": {}}}},
            {"manager": "kube-controller-manager", "operation": "Update", "fieldsV1": {"f:metadata": {"f:annotations": {"f:deployment.kubernetes.io/revision": {}}}}},
            {"manager": "kubectl-set", "operation": "Update", "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {"f:image": {}}}}}}}},
            {"manager": "gotk-kustomize-controller", "operation": "Update", "fieldsV1": {"f:metadata": {"f:finalizers": {"v:\"finalizers.fluxcd.io\"": {}}}}}
        ]));
        let changes = analyze(&mf, "kustomize-controller", &DriftRules::default());
        assert_eq!(
            changes,
            [
                Change {
                    manager: "kubectl-edit".into(),
                    fields: vec!["spec.replicas".into()]
                },
                // Owned by both with the same value: kustomize-controller still owns the image.
            ]
        );
        assert_eq!(
            describe(&changes, 3),
            "kubectl-edit: spec.replicas",
            "the kubectl-set image is co-owned by the applier"
        );
    }

    #[test]
    fn fields_taken_from_the_applier_are_drift_with_readable_paths() {
        let mf = fields(json!([
            {"manager": "kustomize-controller", "operation": "Apply", "fieldsV1": {"f:data": {".": {}, "f:a": {}}}},
            {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {
                "f:data": {"f:b": {}},
                "f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {"f:image": {}}}}}},
                "f:metadata": {"f:finalizers": {"v:\"x/y\"": {}}, "f:ownerReferences": {"i:0": {}}}}}
        ]));
        let changes = analyze(&mf, "kustomize-controller", &DriftRules::default());
        assert_eq!(changes.len(), 1);
        let mut got = changes[0].fields.clone();
        got.sort();
        assert_eq!(
            got,
            [
                "data.b",
                "metadata.finalizers[x/y]",
                "metadata.ownerReferences[0]",
                "spec.template.spec.containers[name=web].image"
            ]
        );
        assert_eq!(
            describe(&changes, 2),
            "kubectl-edit: data.b, spec.template.spec.containers[name=web].image, +2 more"
        );
    }

    #[test]
    fn status_flux_managers_and_allowed_changes_are_not_drift() {
        let mf = fields(json!([
            {"manager": "kustomize-controller", "operation": "Apply", "fieldsV1": {"f:metadata": {"f:labels": {"f:app": {}}}}},
            {"manager": "helm-controller", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
            {"manager": "kubectl-scale", "operation": "Update", "subresource": "status", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
            {"manager": "keda-operator", "operation": "Update", "subresource": "scale", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
            {"manager": "someone", "operation": "Update", "fieldsV1": {"f:status": {"f:phase": {}}}},
            {"manager": "flux", "operation": "Update", "fieldsV1": {"f:metadata": {"f:annotations": {"f:reconcile.fluxcd.io/requestedAt": {}}}}},
            {"manager": "kubectl-create", "operation": "Update", "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:kubernetes.io/metadata.name": {}}}}}
        ]));
        let defaults = DriftRules::default();
        let changes = analyze(&mf, "kustomize-controller", &defaults);
        assert_eq!(
            describe(&changes, 3),
            "keda-operator: spec.replicas",
            "a HelmRelease-owned field counts as Flux's own; status is never drift"
        );
        let keda = DriftRules::with(&["keda-*".into()]).expect("valid");
        assert!(analyze(&mf, "kustomize-controller", &keda).is_empty());
        let replicas = DriftRules::with(&["*:spec.replicas, other".into()]).expect("valid");
        assert!(analyze(&mf, "kustomize-controller", &replicas).is_empty());
        let narrow = DriftRules::with(&["keda-operator:spec.rep".into()]).expect("valid");
        assert_eq!(
            analyze(&mf, "kustomize-controller", &narrow).len(),
            1,
            "a field prefix matches whole path segments only"
        );
    }

    #[test]
    fn any_decoder_feeds_the_rule_with_borrowed_entries() {
        let entry = |manager, subresource, fields: &'static str| ManagedEntry {
            manager,
            operation: "Update",
            subresource,
            fields_v1: fields.as_bytes(),
        };
        let entries = [
            entry("helm-controller", "", r#"{"f:data":{"f:a":{}}}"#),
            entry("kubectl-edit", "", r#"{"f:data":{"f:a":{},"f:b":{}}}"#),
            entry("kubectl-patch", "status", r#"{"f:data":{"f:c":{}}}"#),
            entry("platform-operator", "", r#"{"f:data":{"f:d":{}}}"#),
        ];
        let drift = of_entries(entries, APPLIERS, &DriftRules::default()).expect("drifted");
        assert_eq!(
            drift.describe(3),
            "kubectl-edit: data.b; platform-operator: data.d",
            "co-owned fields and the status subresource are not drift"
        );
        let allowed = DriftRules::with(&["platform-*".into()]).expect("valid");
        assert_eq!(
            drift.allowed(&allowed).map(|d| d.describe(3)).as_deref(),
            Some("kubectl-edit: data.b"),
            "a command's rules drop what they allow"
        );
        let all = DriftRules::with(&["*:data".into()]).expect("valid");
        assert_eq!(drift.allowed(&all), None);
        assert_eq!(
            of_entries(entries, APPLIERS, &all),
            None,
            "the same rules give the same answer on the entries"
        );
        assert_eq!(
            of_object(entries[1..].iter().copied(), false),
            None,
            "no Flux applier nor Flux label: not an object Flux applied"
        );
        assert_eq!(
            of_object(entries[1..].iter().copied(), true)
                .map(|d| d.describe(3))
                .as_deref(),
            Some("kubectl-edit: data.a, data.b; platform-operator: data.d"),
            "labelled by Flux, every field another manager took is drift"
        );
        assert_eq!(
            serde_json::to_value(&drift).expect("serializes"),
            json!([{"manager": "kubectl-edit", "fields": ["data.b"]}, {"manager": "platform-operator", "fields": ["data.d"]}])
        );
    }

    #[test]
    fn rules_are_validated() {
        for bad in ["", ":spec", "a:", "two words"] {
            assert!(AllowRule::parse(bad).is_err(), "{bad:?}");
        }
        assert!(DriftRules::with(&["ok,:bad".into()]).is_err());
        assert!(analyze("not json", "kustomize-controller", &DriftRules::default()).is_empty());
        assert_eq!(applier("HelmRelease"), Some("helm-controller"));
        assert!(is_flux_manager("gotk-source-controller"));
    }
}
