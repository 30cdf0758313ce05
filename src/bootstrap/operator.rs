//! The Flux Operator install: the release manifest (a file, or a URL downloaded once), stamped with
//! Helm's ownership metadata so the fleet repository's `flux-operator` HelmRelease (the ResourceSet
//! of d1 §4.2) adopts these objects instead of failing on "resource exists", then server-side
//! applied. A cluster where the operator already runs at that version, or where Helm or Flux
//! manages it, is left alone.

use std::{ops::ControlFlow, time::Duration};

use futures::future::try_join_all;
use serde_json::{Value, json};

use super::{BootstrapError, spec::DEFAULT_NAMESPACE};
use crate::{
    kube::{Applier, ApplyOutcome, Gvk, KubeError, KubeTarget, find_known, wait_until},
    manifests::{pointer, yaml},
    status::{State, kstatus_health},
};

/// The operator release bootstrap installs by default (the version the test environment pins).
pub const DEFAULT_OPERATOR_VERSION: &str = "v0.58.1";

/// The pinned release manifest.
pub const DEFAULT_OPERATOR_MANIFEST: &str =
    "https://github.com/controlplaneio-fluxcd/flux-operator/releases/download/v0.58.1/install.yaml";

/// The Helm release name d1's HelmRelease uses, and which the ownership annotations name.
pub const HELM_RELEASE_NAME: &str = "flux-operator";

/// Label Helm requires on objects it adopts.
pub const HELM_MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "Helm");
/// Annotation naming the adopting release.
pub const HELM_RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
/// Annotation naming the adopting release's namespace.
pub const HELM_RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";

/// How long CRDs may take to become Established after they are applied.
const CRD_TIMEOUT: Duration = Duration::from_secs(60);

/// A parsed operator manifest.
#[derive(Clone, Debug)]
pub struct OperatorManifest {
    /// Where it came from (path or URL).
    pub origin: String,
    /// The operator version (e.g. `v0.58.1`).
    pub version: String,
    /// The namespace the operator runs in (its Deployment's).
    pub namespace: String,
    /// Every object, with Helm ownership metadata and namespaces filled in.
    pub objects: Vec<Value>,
}

/// What bootstrap does with the operator on one cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperatorAction {
    /// Not installed: install it.
    Install,
    /// Installed by us at another version: apply the new manifest.
    Upgrade {
        /// The running version.
        from: String,
    },
    /// Leave it alone.
    Skip {
        /// The running version.
        version: String,
        /// Why (already at this version, managed by Helm or by a HelmRelease).
        reason: String,
    },
}

/// The version of an operator Deployment: its `app.kubernetes.io/version` label, else the tag of
/// its first container image.
pub fn deployment_version(d: &Value) -> Option<String> {
    let v = pointer::str_at(d, "/metadata/labels/app.kubernetes.io~1version")
        .map(str::to_string)
        .or_else(|| {
            let image = pointer::str_at(d, "/spec/template/spec/containers/0/image")?;
            let image = image.split('@').next()?;
            let (_, tag) = image.rsplit_once(':').filter(|(repo, _)| !repo.ends_with('/'))?;
            (!tag.contains('/')).then(|| tag.to_string())
        })?;
    Some(if v.starts_with('v') { v } else { format!("v{v}") })
}

fn is_operator_deployment(o: &Value) -> bool {
    o.get("kind").and_then(Value::as_str) == Some("Deployment")
        && (pointer::str_at(o, "/metadata/name") == Some("flux-operator")
            || pointer::str_at(o, "/metadata/labels/app.kubernetes.io~1name") == Some("flux-operator"))
}

/// Parses a manifest, finds the operator Deployment (version, namespace) and stamps every object
/// with Helm ownership. The Namespace is not stamped: the chart never renders it (`helm install
/// --create-namespace` creates it), so claiming it for the release would be false.
pub fn parse(text: &str, origin: &str) -> Result<OperatorManifest, crate::Error> {
    let mut objects = yaml::objects_from_multi_doc(text, origin)?;
    let bad = |reason: String| BootstrapError::OperatorManifest {
        origin: origin.to_string(),
        reason,
    };
    let deployment = objects
        .iter()
        .find(|o| is_operator_deployment(o))
        .ok_or_else(|| bad("no flux-operator Deployment in it".into()))?;
    let version = deployment_version(deployment)
        .ok_or_else(|| bad("the flux-operator Deployment has no version label and no image tag".into()))?;
    let namespace = pointer::str_at(deployment, "/metadata/namespace")
        .unwrap_or(DEFAULT_NAMESPACE)
        .to_string();
    for o in &mut objects {
        let gvk = Gvk::from_api_version(
            o.get("apiVersion").and_then(Value::as_str).unwrap_or_default(),
            o.get("kind").and_then(Value::as_str).unwrap_or_default(),
        );
        if o.pointer("/metadata/namespace").is_none()
            && find_known(&gvk.group, &gvk.kind).is_some_and(|k| k.namespaced)
        {
            o["metadata"]["namespace"] = json!(namespace);
        }
        if gvk.group.is_empty() && gvk.kind == "Namespace" {
            continue;
        }
        let meta = &mut o["metadata"];
        if !meta.get("labels").is_some_and(Value::is_object) {
            meta["labels"] = json!({});
        }
        meta["labels"][HELM_MANAGED_BY.0] = json!(HELM_MANAGED_BY.1);
        if !meta.get("annotations").is_some_and(Value::is_object) {
            meta["annotations"] = json!({});
        }
        meta["annotations"][HELM_RELEASE_NAME_ANNOTATION] = json!(HELM_RELEASE_NAME);
        meta["annotations"][HELM_RELEASE_NAMESPACE_ANNOTATION] = json!(namespace);
    }
    Ok(OperatorManifest {
        origin: origin.to_string(),
        version,
        namespace,
        objects,
    })
}

/// Reads the manifest from a file, or downloads it from an `http(s)://` URL.
pub async fn load(source: &str) -> Result<OperatorManifest, crate::Error> {
    let text = fetch_text(source, "the Flux Operator manifest").await?;
    parse(&text, source)
}

/// Reads a file, or downloads an `http(s)://` URL (in a blocking task, with a bounded time).
pub async fn fetch_text(source: &str, what: &'static str) -> Result<String, BootstrapError> {
    if source.starts_with("https://") || source.starts_with("http://") {
        let url = source.to_string();
        let result = tokio::task::spawn_blocking(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(120)))
                .build()
                .into();
            agent.get(&url).call().and_then(|mut r| {
                r.body_mut()
                    .with_config()
                    .limit(64 * 1024 * 1024)
                    .read_to_string()
            })
        })
        .await;
        match result {
            Ok(Ok(text)) => Ok(text),
            Ok(Err(e)) => Err(BootstrapError::Download {
                what,
                url: source.to_string(),
                source: Box::new(e),
            }),
            Err(join) => Err(BootstrapError::Download {
                what,
                url: source.to_string(),
                source: Box::new(ureq::Error::Io(std::io::Error::other(join.to_string()))),
            }),
        }
    } else {
        let path = source.strip_prefix("file://").unwrap_or(source);
        std::fs::read_to_string(path).map_err(|e| BootstrapError::ReadFile {
            what,
            path: path.into(),
            source: e,
        })
    }
}

/// Decides what to do on one cluster from its operator Deployment (`None`: not installed).
pub fn decide(manifest: &OperatorManifest, installed: Option<&Value>) -> OperatorAction {
    let Some(d) = installed else {
        return OperatorAction::Install;
    };
    let version = deployment_version(d).unwrap_or_else(|| "unknown".into());
    let label = |k: &str| pointer::string_at(d, &format!("/metadata/labels/{}", pointer::escape(k)));
    if let Some(hr) = label("helm.toolkit.fluxcd.io/name") {
        let ns = label("helm.toolkit.fluxcd.io/namespace").unwrap_or_default();
        return OperatorAction::Skip {
            reason: format!("managed by HelmRelease {ns}/{hr}; upgrade it in git"),
            version,
        };
    }
    if let Some(chart) = label("helm.sh/chart") {
        return OperatorAction::Skip {
            reason: format!(
                "installed by Helm (chart {chart}); upgrade it with Helm or let the HelmRelease adopt it"
            ),
            version,
        };
    }
    if version == manifest.version {
        OperatorAction::Skip {
            reason: "already installed".into(),
            version,
        }
    } else {
        OperatorAction::Upgrade { from: version }
    }
}

/// Reads the operator Deployment of the manifest's namespace, if any.
pub async fn installed(target: &KubeTarget, manifest: &OperatorManifest) -> Result<Option<Value>, KubeError> {
    let api: kube::Api<k8s_openapi::api::apps::v1::Deployment> =
        kube::Api::namespaced(target.client.clone(), &manifest.namespace);
    let found = api
        .get_opt("flux-operator")
        .await
        .map_err(|e| target.err(format!("get Deployment {}/flux-operator", manifest.namespace), e))?;
    Ok(found.and_then(|d| serde_json::to_value(d).ok()))
}

/// Flux Operators that are running (available) in other namespaces than `namespace`, as
/// `(namespace, version)`: a second operator would reconcile the same FluxInstances.
pub fn running_elsewhere(deployments: &[Value], namespace: &str) -> Vec<(String, String)> {
    deployments
        .iter()
        .filter(|d| pointer::str_at(d, "/metadata/namespace") != Some(namespace))
        .filter(|d| {
            d.pointer("/status/availableReplicas")
                .and_then(Value::as_i64)
                .unwrap_or(0)
                > 0
        })
        .map(|d| {
            (
                pointer::str_at(d, "/metadata/namespace")
                    .unwrap_or_default()
                    .to_string(),
                deployment_version(d).unwrap_or_else(|| "unknown".into()),
            )
        })
        .collect()
}

/// Operator Deployments in every namespace (label `app.kubernetes.io/name=flux-operator`). A user
/// who may not list Deployments cluster-wide gets an empty list: the check is then not possible.
pub async fn all_operators(target: &KubeTarget) -> Result<Vec<Value>, KubeError> {
    let api: kube::Api<k8s_openapi::api::apps::v1::Deployment> = kube::Api::all(target.client.clone());
    let lp = kube::api::ListParams::default().labels("app.kubernetes.io/name=flux-operator");
    match api.list(&lp).await {
        Ok(list) => Ok(list
            .items
            .into_iter()
            .filter_map(|d| serde_json::to_value(d).ok())
            .collect()),
        Err(kube::Error::Api(s)) if s.code == 403 => Ok(Vec::new()),
        Err(e) => Err(target.err("list flux-operator Deployments", e)),
    }
}

/// Counts of what an install changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Objects created.
    pub created: usize,
    /// Objects changed.
    pub configured: usize,
    /// Objects already up to date.
    pub unchanged: usize,
}

impl Changes {
    /// Adds one apply outcome.
    pub fn add(&mut self, o: ApplyOutcome) {
        match o {
            ApplyOutcome::Created => self.created += 1,
            ApplyOutcome::Configured => self.configured += 1,
            ApplyOutcome::Unchanged => self.unchanged += 1,
        }
    }

    /// `3 created, 1 configured` (or `unchanged`); a single object gets just its verb.
    pub fn summary(&self) -> String {
        if self.created + self.configured + self.unchanged == 1 {
            return match (self.created, self.configured) {
                (1, _) => "created",
                (_, 1) => "configured",
                _ => "unchanged",
            }
            .into();
        }
        let mut parts = Vec::new();
        if self.created > 0 {
            parts.push(format!("{} created", self.created));
        }
        if self.configured > 0 {
            parts.push(format!("{} configured", self.configured));
        }
        if parts.is_empty() {
            "unchanged".into()
        } else {
            parts.join(", ")
        }
    }
}

fn kind_of(o: &Value) -> &str {
    o.get("kind").and_then(Value::as_str).unwrap_or_default()
}

/// Applies objects in dependency order: Namespaces, then CRDs (waiting until they are Established,
/// so custom resources in the same set resolve), then everything else. Objects within a phase are
/// applied concurrently.
pub async fn apply_ordered(
    applier: &Applier,
    objects: &[Value],
    on_step: &(dyn Fn(String) + Send + Sync),
) -> Result<Changes, KubeError> {
    let mut changes = Changes::default();
    let namespaces: Vec<&Value> = objects.iter().filter(|o| kind_of(o) == "Namespace").collect();
    let crds: Vec<&Value> = objects
        .iter()
        .filter(|o| kind_of(o) == "CustomResourceDefinition")
        .collect();
    let rest: Vec<&Value> = objects
        .iter()
        .filter(|o| !matches!(kind_of(o), "Namespace" | "CustomResourceDefinition"))
        .collect();
    for phase in [namespaces, crds.clone(), rest] {
        if phase.is_empty() {
            continue;
        }
        let outcomes = try_join_all(phase.iter().map(|o| applier.apply(o))).await?;
        for (o, _) in outcomes {
            changes.add(o);
        }
        if phase
            .first()
            .is_some_and(|o| kind_of(o) == "CustomResourceDefinition")
        {
            on_step(format!("waiting for {} CRDs to be established", crds.len()));
            wait_established(applier, &crds).await?;
        }
    }
    Ok(changes)
}

async fn wait_established(applier: &Applier, crds: &[&Value]) -> Result<(), KubeError> {
    let target = applier.resolver().target();
    let api: kube::Api<kube::api::DynamicObject> = kube::Api::all_with(
        target.client.clone(),
        &find_known("apiextensions.k8s.io", "CustomResourceDefinition")
            .map(|k| k.api_resource())
            .unwrap_or_else(|| {
                kube::api::ApiResource::from_gvk_with_plural(
                    &kube::api::GroupVersionKind::gvk(
                        "apiextensions.k8s.io",
                        "v1",
                        "CustomResourceDefinition",
                    ),
                    "customresourcedefinitions",
                )
            }),
    );
    let names: Vec<String> = crds
        .iter()
        .filter_map(|c| pointer::str_at(c, "/metadata/name").map(str::to_string))
        .collect();
    let outcome = wait_until(
        CRD_TIMEOUT,
        Duration::from_millis(250),
        || {
            let api = api.clone();
            let names = names.clone();
            async move {
                for n in &names {
                    match api.get(n).await {
                        Ok(obj) => {
                            let v = serde_json::to_value(&obj).unwrap_or_default();
                            let h = kstatus_health("apiextensions.k8s.io", "CustomResourceDefinition", &v);
                            if h.state != State::Ready {
                                return ControlFlow::Continue(format!("CRD {n} is not established yet"));
                            }
                        }
                        Err(e) => return ControlFlow::Continue(format!("CRD {n}: {e}")),
                    }
                }
                ControlFlow::Break(())
            }
        },
        |_| {},
    )
    .await;
    match outcome {
        crate::kube::WaitOutcome::Done(()) => Ok(()),
        crate::kube::WaitOutcome::TimedOut(last) => Err(KubeError::Timeout {
            context: target.context.clone(),
            what: "the Flux Operator CRDs".into(),
            after: CRD_TIMEOUT,
            last,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: flux-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: flux-operator
  namespace: flux-system
  labels:
    app.kubernetes.io/name: flux-operator
spec:
  template:
    spec:
      containers:
      - name: manager
        image: ghcr.io/controlplaneio-fluxcd/flux-operator:v0.58.1
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: flux-operator
"#;

    #[test]
    fn parses_version_namespace_and_stamps_helm_ownership() {
        let m = parse(MANIFEST, "install.yaml").expect("parses");
        assert_eq!(m.version, "v0.58.1");
        assert_eq!(m.namespace, "flux-system");
        let ns = &m.objects[0];
        assert!(
            ns.pointer("/metadata/labels").is_none(),
            "Namespace not claimed by Helm"
        );
        let sa = &m.objects[2];
        assert_eq!(sa["metadata"]["namespace"], "flux-system");
        assert_eq!(sa["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helm");
        assert_eq!(
            sa["metadata"]["annotations"]["meta.helm.sh/release-name"],
            "flux-operator"
        );
        assert_eq!(
            sa["metadata"]["annotations"]["meta.helm.sh/release-namespace"],
            "flux-system"
        );
    }

    #[test]
    fn decides_install_upgrade_or_skip() {
        let m = parse(MANIFEST, "install.yaml").expect("parses");
        assert_eq!(decide(&m, None), OperatorAction::Install);
        let d = |labels: Value, image: &str| json!({"metadata": {"labels": labels}, "spec": {"template": {"spec": {"containers": [{"image": image}]}}}});
        assert!(matches!(
            decide(&m, Some(&d(json!({}), "x/flux-operator:v0.58.1"))),
            OperatorAction::Skip { .. }
        ));
        assert_eq!(
            decide(&m, Some(&d(json!({}), "x/flux-operator:v0.57.0"))),
            OperatorAction::Upgrade {
                from: "v0.57.0".into()
            }
        );
        let managed = d(
            json!({"helm.toolkit.fluxcd.io/name": "flux-operator", "helm.toolkit.fluxcd.io/namespace": "flux-system"}),
            "x/flux-operator:v0.60.0",
        );
        match decide(&m, Some(&managed)) {
            OperatorAction::Skip { reason, .. } => assert!(reason.contains("HelmRelease"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_available_operators_in_other_namespaces_conflict() {
        let d = |ns: &str, available: i64| {
            json!({"metadata": {"namespace": ns, "labels": {"app.kubernetes.io/version": "v0.57.0"}},
                   "status": {"availableReplicas": available}})
        };
        assert_eq!(
            running_elsewhere(
                &[d("flux-system", 1), d("ops", 0), d("flux-operator", 1)],
                "flux-system"
            ),
            vec![("flux-operator".to_string(), "v0.57.0".to_string())]
        );
    }

    #[test]
    fn manifest_without_operator_is_rejected() {
        let err = parse(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n",
            "bad.yaml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("no flux-operator Deployment"), "{err}");
    }

    #[test]
    fn versions_from_labels_or_tags() {
        let l = json!({"metadata": {"labels": {"app.kubernetes.io/version": "0.58.1"}}});
        assert_eq!(deployment_version(&l).as_deref(), Some("v0.58.1"));
        let port =
            json!({"spec": {"template": {"spec": {"containers": [{"image": "reg:5000/flux-operator"}]}}}});
        assert_eq!(deployment_version(&port), None);
    }
}
