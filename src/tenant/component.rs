//! `tenant component add`: onboarding a platform component (reconciled as cluster admin, §5.1 of
//! the d1 reference). One file per component holds its Kustomizations, one per part of the
//! profile ([`Platform::parts`]): d1 `<name>-controllers` then `<name>-configs` (configs after
//! controllers, controllers after any `--depends-on`), keos `system-services-<name>-configs` alone.
//! The file is appended to the `resources:` of the components kustomization.yaml with a
//! comment-preserving text edit. By default there is no `postBuild`: `${ENVIRONMENT}` /
//! `${STRATIO_USE_CASE}` in the path is substituted one level up, and the component manifests may
//! contain literal `${…}` (Grafana dashboards do); `--substitute` opts in (keos' gosec).

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Layout, TenantError, validate};
use crate::repo::{
    Profile,
    layout::Platform,
    names::{self, GitProvider},
};
use crate::{
    manifests::yaml::{self, EditError, SequenceEdit},
    repo::{FleetRepo, GeneratedFile},
};

/// What to onboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentOptions {
    /// Component name: the directory under `components/` of the platform repository.
    pub name: String,
    /// Kustomizations the first part waits for (e.g. `monitoring-controllers`).
    pub depends_on: Vec<String>,
    /// Substitute `${VAR}`s in the component's manifests from the runtime-info ConfigMap.
    pub substitute: bool,
    /// The platform repository, needed only when the components directory does not exist yet.
    pub git_url: Option<String>,
    /// `--insecure-http`: `git_url` may be plain http although the token then crosses unencrypted.
    pub insecure_http: bool,
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

/// Names of a component's Kustomizations, in dependency order.
pub fn kustomization_names(layout: &Layout, name: &str) -> Vec<String> {
    let platform = layout.platform();
    platform
        .parts
        .iter()
        .map(|part| format!("{}{name}-{}", platform.name_prefix, part.name))
        .collect()
}

/// Validates the options: names short enough for Kustomization names (which Flux copies into
/// label values), dependencies that are valid names.
pub fn validate_options(layout: &Layout, opts: &ComponentOptions) -> Result<(), TenantError> {
    let platform = layout.platform();
    let longest = platform.parts.iter().map(|p| p.name.len() + 1).max().unwrap_or(0);
    names::dns_label_max("component", &opts.name, 63 - platform.name_prefix.len() - longest)?;
    for dep in &opts.depends_on {
        names::dns_label("dependency", dep)?;
    }
    if let Some(url) = &opts.git_url {
        validate::git_url(url, opts.insecure_http)?;
    }
    Ok(())
}

/// The component file's Kustomizations: one per part of the profile, each after the one before,
/// the first after `--depends-on`.
pub fn component_docs(layout: &Layout, opts: &ComponentOptions) -> Vec<Value> {
    let platform = layout.platform();
    let var = layout.component_overlay_var();
    let mut docs = Vec::new();
    let mut depends_on = opts.depends_on.clone();
    for (part, name) in platform.parts.iter().zip(kustomization_names(layout, &opts.name)) {
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
        spec.insert("timeout".into(), json!(part.timeout));
        spec.insert("prune".into(), json!(true));
        spec.insert("wait".into(), json!(true));
        spec.insert(
            "sourceRef".into(),
            json!({"kind": "GitRepository", "name": platform.source}),
        );
        spec.insert(
            "path".into(),
            json!(format!("components/{}/{}/{var}", opts.name, part.name)),
        );
        if opts.substitute {
            spec.insert(
                "postBuild".into(),
                json!({"substituteFrom": [{"kind": "ConfigMap", "name": layout.runtime_info()}]}),
            );
        }
        docs.push(json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": name},
            "spec": spec,
        }));
        depends_on = vec![name];
    }
    docs
}

/// The components directory as it starts: its kustomization.yaml (the Flux namespace, the
/// platform label, `resources` = the scaffold files), the platform tenant's RBAC (d1) and the
/// GitRepository of the platform repository (`${GIT_BRANCH}`, the Flux Secret, `provider`).
/// `bootstrap init` writes the same directory for a keos use case that has none.
pub fn scaffold_files(
    layout: &Layout,
    git_url: &str,
    provider: GitProvider,
    secret: &str,
) -> Result<Vec<GeneratedFile>, yaml::YamlError> {
    let platform = layout.platform();
    let dir = layout.components_dir();
    let mut manifests = Vec::new();
    if platform.cluster_admin_rbac {
        manifests.push(("rbac.yaml", rbac(&platform)));
    }
    manifests.push((
        "source.yaml",
        vec![git_source(platform.source, None, secret, git_url, provider)],
    ));
    let (label_key, label_value) = platform.label;
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": layout.flux_namespace(),
        "resources": manifests.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "labels": [{"pairs": {label_key: label_value}}],
    });
    let mut files = vec![GeneratedFile {
        path: dir.join("kustomization.yaml"),
        content: yaml::to_string(&kustomization, "kustomization.yaml")?,
    }];
    for (name, docs) in manifests {
        files.push(GeneratedFile {
            path: dir.join(name),
            content: yaml::to_multi_doc(&docs, name)?,
        });
    }
    Ok(files)
}

/// The platform tenant's cluster-admin ServiceAccount (d1 `rbac.yaml`).
fn rbac(platform: &Platform) -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": platform.service_account}}),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": platform.service_account},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"kind": "ServiceAccount", "name": platform.service_account}],
        }),
    ]
}

/// A domain GitRepository: branch `${GIT_BRANCH}` (runtime info), authenticated with `secret`
/// (`provider: github` for a GitHub App Secret, which source-controller reads only then).
/// `namespace` only where no kustomization sets it (keos prerequisites).
pub fn git_source(
    name: &str,
    namespace: Option<&str>,
    secret: &str,
    git_url: &str,
    provider: GitProvider,
) -> Value {
    let mut metadata = json!({"name": name});
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    let mut spec = serde_json::Map::new();
    spec.insert("interval".into(), json!("1m"));
    if let Some(p) = provider.field() {
        spec.insert("provider".into(), json!(p));
    }
    spec.insert("ref".into(), json!({"branch": "${GIT_BRANCH}"}));
    spec.insert("secretRef".into(), json!({"name": secret}));
    spec.insert("url".into(), json!(git_url));
    json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": metadata,
        "spec": spec,
    })
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
    let own = kustomization_names(layout, &opts.name);

    let defined = defined_kustomizations(repo, layout)?;
    for (name, file) in &defined {
        if own.contains(name) && *file != component_path {
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
                "dependency '{dep}' is not defined in {}: {} will wait until a Kustomization of that name exists in {}",
                dir.display(),
                own[0],
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
    let mut edited = None;
    let mut scaffolded = false;
    let (existing, mut scaffold) = match repo.read_optional(&kustomization_path)? {
        Some(text) => (text, Vec::new()),
        None => {
            let Some(url) = &opts.git_url else {
                return Err(TenantError::MissingGitUrl {
                    what: format!("scaffolding {}/ (it does not exist yet)", dir.display()),
                    hint: " of the platform components repository".into(),
                }
                .into());
            };
            scaffolded = true;
            // The new source reads the Flux Secret like the other sources applied where it is
            // (keos: the use case's domain sources; d1: every cluster's FluxInstance sync and the
            // tenants' sources reading it), so it declares the provider they do.
            let (provider, secret) = match layout.profile() {
                Profile::Keos => (
                    crate::bootstrap::keos::domain_provider(repo, layout)?,
                    crate::bootstrap::keos::new_domain_source_secret(repo, layout),
                ),
                Profile::D1 => {
                    let secret = layout.platform().secret;
                    let provider = crate::bootstrap::fleet::agreed_provider(
                        &crate::bootstrap::fleet::secret_readers(repo, secret)?,
                        secret,
                        "on every cluster",
                    )?;
                    (provider, secret.to_string())
                }
            };
            validate::git_url_for(url, opts.insecure_http, provider)?;
            let mut scaffold = scaffold_files(layout, url, provider, &secret)?;
            let kustomization = scaffold.remove(0);
            (kustomization.content, scaffold)
        }
    };
    match yaml::append_to_sequence(&existing, "resources", &file_name, &origin) {
        Ok(SequenceEdit::Added(new)) => {
            files.push(GeneratedFile {
                path: kustomization_path.clone(),
                content: new,
            });
            if !scaffolded {
                edited = Some(kustomization_path);
            }
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
    }
    files.append(&mut scaffold);
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
            substitute: false,
            git_url: None,
            insecure_http: false,
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
    fn domain_sources_declare_provider_github_only_when_asked() {
        let url = "https://github.com/acme/infra.git";
        let generic = git_source("flux-infra", None, "flux-system", url, GitProvider::Generic);
        assert!(generic["spec"].get("provider").is_none(), "{generic}");
        let github = git_source(
            "keos-apps",
            Some("flux-system"),
            "flux-system",
            url,
            GitProvider::Github,
        );
        assert_eq!(github["spec"]["provider"], "github");
        assert_eq!(github["spec"]["secretRef"]["name"], "flux-system");
        assert_eq!(github["metadata"]["namespace"], "flux-system");
    }

    #[test]
    fn component_names_leave_room_for_the_suffix() {
        let long = ComponentOptions {
            name: "x".repeat(52),
            depends_on: vec![],
            substitute: false,
            git_url: None,
            insecure_http: false,
        };
        assert!(validate_options(&Layout::d1(), &long).is_err());
    }

    #[test]
    fn keos_components_have_only_configs_and_opt_into_substitution() {
        let config = crate::repo::FleetConfig {
            profile: crate::repo::Profile::Keos,
            use_case: Some("talk-to-your-data".into()),
            ..Default::default()
        };
        let layout = Layout::new(&config, None).expect("layout");
        let opts = ComponentOptions {
            name: "gosec".into(),
            depends_on: vec!["system-services-sis-configs".into()],
            substitute: true,
            git_url: None,
            insecure_http: false,
        };
        let docs = component_docs(&layout, &opts);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0]["metadata"]["name"], "system-services-gosec-configs");
        assert_eq!(
            docs[0]["spec"]["dependsOn"],
            json!([{"name": "system-services-sis-configs"}])
        );
        assert_eq!(docs[0]["spec"]["timeout"], "5m");
        assert_eq!(
            docs[0]["spec"]["path"],
            "components/gosec/configs/${STRATIO_USE_CASE}"
        );
        assert_eq!(
            docs[0]["spec"]["postBuild"],
            json!({"substituteFrom": [{"kind": "ConfigMap", "name": "keos-runtime-info"}]})
        );
        // keos names only carry "-configs", so they leave more room than d1's "-controllers".
        let name = "x".repeat(63 - "system-services-".len() - "-configs".len());
        assert!(validate_options(&layout, &ComponentOptions { name, ..opts.clone() }).is_ok());
    }
}
