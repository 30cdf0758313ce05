//! `tenant component add`: onboarding a platform component (reconciled as cluster admin, §5.1 of
//! the d1 reference). One file per component holds `<name>-controllers` and `<name>-configs`
//! (configs after controllers, controllers after any `--depends-on`), and the file is appended to
//! the `resources:` of the components kustomization.yaml with a comment-preserving text edit.
//! There is deliberately no `postBuild`: `${ENVIRONMENT}` here is substituted one level up, and the
//! component manifests may contain literal `${…}` (Grafana dashboards do).

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Layout, TenantError, validate};
use crate::repo::names;
use crate::{
    manifests::yaml::{self, EditError, SequenceEdit},
    repo::{FleetRepo, GeneratedFile},
};

/// What to onboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentOptions {
    /// Component name: the directory under `components/` of the platform repository.
    pub name: String,
    /// Kustomizations the controllers wait for (e.g. `monitoring-controllers`).
    pub depends_on: Vec<String>,
    /// The platform repository, needed only when the components directory does not exist yet.
    pub git_url: Option<String>,
}

/// The files to write and what else to tell the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentPlan {
    /// Files to write (the component file, the edited or scaffolded kustomization.yaml, …).
    pub files: Vec<GeneratedFile>,
    /// The kustomization.yaml edited in place (an intended change, not an overwrite).
    pub edited: Option<PathBuf>,
    /// Whether the components directory was scaffolded from scratch.
    pub scaffolded: bool,
    /// Non-fatal findings (a dependency not defined in the components directory).
    pub warnings: Vec<String>,
}

/// Names of the two Kustomizations of a component.
pub fn kustomization_names(layout: &Layout, name: &str) -> (String, String) {
    let prefix = layout.platform().name_prefix;
    (
        format!("{prefix}{name}-controllers"),
        format!("{prefix}{name}-configs"),
    )
}

/// Validates the options: names short enough for Kustomization names (which Flux copies into
/// label values), dependencies that are valid names.
pub fn validate_options(layout: &Layout, opts: &ComponentOptions) -> Result<(), TenantError> {
    let overhead = layout.platform().name_prefix.len() + "-controllers".len();
    names::dns_label_max("component", &opts.name, 63 - overhead)?;
    for dep in &opts.depends_on {
        names::dns_label("dependency", dep)?;
    }
    if let Some(url) = &opts.git_url {
        validate::git_url(url)?;
    }
    Ok(())
}

/// The component file's two Kustomizations.
pub fn component_docs(layout: &Layout, opts: &ComponentOptions) -> Vec<Value> {
    let (controllers, configs) = kustomization_names(layout, &opts.name);
    let var = layout.component_overlay_var();
    let one = |name: &str, depends_on: &[String], timeout: &str, part: &str| {
        let platform = layout.platform();
        let mut spec = serde_json::Map::new();
        spec.insert("serviceAccountName".into(), json!(platform.service_account));
        if !depends_on.is_empty() {
            spec.insert(
                "dependsOn".into(),
                Value::Array(depends_on.iter().map(|d| json!({"name": d})).collect()),
            );
        }
        spec.insert("interval".into(), json!(platform.interval));
        spec.insert("retryInterval".into(), json!("2m"));
        spec.insert("timeout".into(), json!(timeout));
        spec.insert("prune".into(), json!(true));
        spec.insert("wait".into(), json!(true));
        spec.insert(
            "sourceRef".into(),
            json!({"kind": "GitRepository", "name": platform.source}),
        );
        spec.insert(
            "path".into(),
            json!(format!("components/{}/{part}/{var}", opts.name)),
        );
        json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": name},
            "spec": spec,
        })
    };
    vec![
        one(&controllers, &opts.depends_on, "10m", "controllers"),
        one(&configs, std::slice::from_ref(&controllers), "5m", "configs"),
    ]
}

/// One-time scaffolding of the components directory: the platform tenant's RBAC (d1) and the
/// GitRepository of the platform repository.
fn scaffold(layout: &Layout, git_url: &str) -> Vec<(String, Vec<Value>)> {
    let platform = layout.platform();
    let mut files = Vec::new();
    if platform.cluster_admin_rbac {
        files.push((
            "rbac.yaml".to_string(),
            vec![
                json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": platform.service_account}}),
                json!({
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRoleBinding",
                    "metadata": {"name": platform.service_account},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                    "subjects": [{"kind": "ServiceAccount", "name": platform.service_account}],
                }),
            ],
        ));
    }
    files.push((
        "source.yaml".to_string(),
        vec![json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": {"name": platform.source},
            "spec": {
                "interval": "1m",
                "ref": {"branch": "${GIT_BRANCH}"},
                "secretRef": {"name": platform.secret},
                "url": git_url,
            },
        })],
    ));
    files
}

/// Kustomization names defined in the components directory, with the file defining each.
fn defined_kustomizations(repo: &FleetRepo, layout: &Layout) -> Result<Vec<(String, PathBuf)>, TenantError> {
    let mut out = Vec::new();
    for file in validate::yaml_files(repo, &layout.components_dir())? {
        let Some(text) = repo.read_optional(&file)? else {
            continue;
        };
        let docs = yaml::from_multi_doc(&text, &file.display().to_string()).map_err(|e| {
            TenantError::RepoContent {
                path: file.clone(),
                reason: format!("is not valid YAML: {e}"),
            }
        })?;
        for doc in docs {
            if doc.get("kind").and_then(Value::as_str) == Some("Kustomization")
                && doc.get("apiVersion").and_then(Value::as_str) != Some("kustomize.config.k8s.io/v1beta1")
                && let Some(name) = doc.pointer("/metadata/name").and_then(Value::as_str)
            {
                out.push((name.to_string(), file.clone()));
            }
        }
    }
    Ok(out)
}

/// Plans the files of `tenant component add`.
pub fn plan(
    repo: &FleetRepo,
    layout: &Layout,
    opts: &ComponentOptions,
) -> Result<ComponentPlan, crate::Error> {
    validate_options(layout, opts)?;
    let dir = layout.components_dir();
    let file_name = format!("{}.yaml", opts.name);
    let component_path = dir.join(&file_name);
    let (controllers, configs) = kustomization_names(layout, &opts.name);

    let defined = defined_kustomizations(repo, layout)?;
    for (name, file) in &defined {
        if (*name == controllers || *name == configs) && *file != component_path {
            return Err(TenantError::RepoContent {
                path: file.clone(),
                reason: format!(
                    "already defines Kustomization '{name}'; component '{}' would duplicate it",
                    opts.name
                ),
            }
            .into());
        }
    }
    let mut warnings = Vec::new();
    for dep in &opts.depends_on {
        if !defined.iter().any(|(n, _)| n == dep) {
            warnings.push(format!(
                "dependency '{dep}' is not defined in {}: {controllers} will wait until a Kustomization of that name exists in {}",
                dir.display(),
                layout.flux_namespace()
            ));
        }
    }

    let mut files = vec![GeneratedFile {
        path: component_path,
        content: yaml::to_multi_doc(&component_docs(layout, opts), &file_name)?,
    }];
    let kustomization_path = dir.join("kustomization.yaml");
    let origin = kustomization_path.display().to_string();
    let existing = repo.read_optional(&kustomization_path)?;
    let mut edited = None;
    let mut scaffolded = false;
    match existing {
        Some(text) => match yaml::append_to_sequence(&text, "resources", &file_name, &origin) {
            Ok(SequenceEdit::Added(new)) => {
                files.push(GeneratedFile {
                    path: kustomization_path.clone(),
                    content: new,
                });
                edited = Some(kustomization_path);
            }
            Ok(SequenceEdit::AlreadyPresent) => {}
            Err(EditError::Parse(e)) => return Err(e.into()),
            Err(e @ EditError::Unsupported { .. }) => {
                return Err(TenantError::RepoContent {
                    path: kustomization_path,
                    reason: e.to_string(),
                }
                .into());
            }
        },
        None => {
            let Some(url) = &opts.git_url else {
                return Err(TenantError::MissingGitUrl {
                    what: format!("scaffolding {}/ (it does not exist yet)", dir.display()),
                    hint: " of the platform components repository".into(),
                }
                .into());
            };
            let scaffold_files = scaffold(layout, url);
            let mut resources: Vec<String> = scaffold_files.iter().map(|(n, _)| n.clone()).collect();
            resources.push(file_name.clone());
            let (label_key, label_value) = layout.platform().label;
            let kustomization = json!({
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "namespace": layout.flux_namespace(),
                "resources": resources,
                "labels": [{"pairs": {label_key: label_value}}],
            });
            files.push(GeneratedFile {
                path: kustomization_path,
                content: yaml::to_string(&kustomization, "kustomization.yaml")?,
            });
            for (name, docs) in scaffold_files {
                files.push(GeneratedFile {
                    path: dir.join(&name),
                    content: yaml::to_multi_doc(&docs, &name)?,
                });
            }
            scaffolded = true;
        }
    }
    Ok(ComponentPlan {
        files,
        edited,
        scaffolded,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_depend_on_controllers_and_controllers_on_the_others() {
        let opts = ComponentOptions {
            name: "admission".into(),
            depends_on: vec!["monitoring-controllers".into()],
            git_url: None,
        };
        let docs = component_docs(&Layout::d1(), &opts);
        assert_eq!(docs[0]["metadata"]["name"], "admission-controllers");
        assert_eq!(
            docs[0]["spec"]["dependsOn"],
            json!([{"name": "monitoring-controllers"}])
        );
        assert_eq!(docs[0]["spec"]["timeout"], "10m");
        assert_eq!(
            docs[0]["spec"]["path"],
            "components/admission/controllers/${ENVIRONMENT}"
        );
        assert_eq!(
            docs[1]["spec"]["dependsOn"],
            json!([{"name": "admission-controllers"}])
        );
        assert_eq!(docs[1]["spec"]["timeout"], "5m");
        assert!(docs.iter().all(|d| d["spec"].get("postBuild").is_none()));
    }

    #[test]
    fn component_names_leave_room_for_the_suffix() {
        let long = ComponentOptions {
            name: "x".repeat(52),
            depends_on: vec![],
            git_url: None,
        };
        assert!(validate_options(&Layout::d1(), &long).is_err());
    }
}
