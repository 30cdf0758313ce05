//! The fleet model's layout: where files live and what objects are called, per layout profile.
//! Everything that differs between profiles is decided here, so the generators stay
//! profile-agnostic.
//!
//! # The Flux namespace
//!
//! Flux's own namespace holds what tenants need from the platform: the tenant Secrets
//! (`flux-<tenant>`), the runtime-info ConfigMap they substitute from, and the platform
//! components' Kustomizations. `bootstrap init -n` can put Flux elsewhere, so no command may
//! assume `flux-system`. The rule, for a kube context:
//!
//! 1. when the fleet repository has a cluster directory the context maps to by bootstrap's default
//!    mapping (`clusters/<context>/`, or a nested `clusters/sts-devpkg/eu/` for context
//!    `sts-devpkg-eu`: [`super::clusters::cluster_for_context`]), the namespace that
//!    directory puts Flux in: its FluxInstance's, or (classic layout) that of the Kustomization
//!    syncing from the GitRepository beside it (`flux-system/gotk-sync.yaml`);
//! 2. otherwise `fluxNamespace` from `kubectl-fleet.yaml`;
//! 3. otherwise `flux-system`.
//!
//! The cluster directory wins because it is what bootstrap applied to that cluster; the config
//! value serves clusters whose directory is elsewhere (or named otherwise) and the files generated
//! for every cluster at once ([`Layout::flux_namespace`]).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{FleetConfig, FleetRepo, Profile, RepoError, names};
use crate::manifests::yaml;

/// The namespace Flux runs in unless the fleet says otherwise.
pub const DEFAULT_FLUX_NAMESPACE: &str = "flux-system";

/// The d1 variable that selects a cluster's overlay directory.
pub const D1_OVERLAY_VAR: &str = "${ENVIRONMENT}";
/// The keos variable that selects an application's size overlay (`S`, `M`, …).
pub const KEOS_APPS_OVERLAY_VAR: &str = "${STRATIO_SIZE}";
/// The keos variable that selects a system service's use-case overlay.
pub const KEOS_SERVICES_OVERLAY_VAR: &str = "${STRATIO_USE_CASE}";

/// keos: the label naming the domain (`apps`, `system-services`) of everything under `domain/`.
pub const DOMAIN_LABEL: &str = "toolkit.fluxcd.io/domain";
/// keos: the label naming an app component; the override procedure deletes by it.
pub const COMPONENT_LABEL: &str = "toolkit.fluxcd.io/component";
/// keos: the label the `apps-components` decryption patch selects (`"true"` = decrypt with the
/// cluster's `sops-gpg`/`sops-age` key).
pub const SOPS_SECRET_PROVIDED_LABEL: &str = "app.kubernetes.io/sops-secret-provided";
/// keos: the one tenant of the apps domain; its ServiceAccount `flux-apps` reconciles every app
/// namespace, and the domain label says `apps`.
pub const KEOS_APPS_TENANT: &str = "apps";

/// The resolved layout of one fleet repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    profile: Profile,
    use_case: Option<String>,
    flux_namespace: String,
}

fn configured_flux_namespace(config: &FleetConfig) -> String {
    config
        .flux_namespace
        .clone()
        .unwrap_or_else(|| DEFAULT_FLUX_NAMESPACE.to_string())
}

impl Layout {
    /// The layout for a fleet config, with an optional `--use-case` override. keos needs a use
    /// case; d1 ignores it.
    pub fn new(config: &FleetConfig, use_case: Option<&str>) -> Result<Self, RepoError> {
        let use_case = use_case.map(str::to_string).or_else(|| config.use_case.clone());
        let flux_namespace = configured_flux_namespace(config);
        match config.profile {
            Profile::D1 => Ok(Layout {
                profile: Profile::D1,
                use_case: None,
                flux_namespace,
            }),
            Profile::Keos => {
                let use_case = use_case.ok_or(RepoError::MissingUseCase)?;
                names::dns_label("use case", &use_case)?;
                Ok(Layout {
                    profile: Profile::Keos,
                    use_case: Some(use_case),
                    flux_namespace,
                })
            }
        }
    }

    /// The layout for commands that only need object names, not paths (`list`): keos without a
    /// use case is fine there.
    pub fn names_only(config: &FleetConfig) -> Self {
        Layout {
            profile: config.profile,
            use_case: config.use_case.clone(),
            flux_namespace: configured_flux_namespace(config),
        }
    }

    /// The d1 layout.
    pub fn d1() -> Self {
        Layout {
            profile: Profile::D1,
            use_case: None,
            flux_namespace: DEFAULT_FLUX_NAMESPACE.to_string(),
        }
    }

    /// The fleet-wide Flux namespace: `fluxNamespace` from the fleet config, else `flux-system`.
    /// Files generated for every cluster (platform components) use it; work on one cluster uses
    /// [`Layout::cluster_flux_namespace`].
    pub fn flux_namespace(&self) -> &str {
        &self.flux_namespace
    }

    /// The Flux namespace of the cluster behind kube context `context` (see the module
    /// documentation): its cluster directory's, else the fleet-wide one. A cluster directory that
    /// cannot be read, or that puts Flux in two namespaces, is an error naming the file.
    pub fn cluster_flux_namespace(&self, repo: &FleetRepo, context: &str) -> Result<String, RepoError> {
        let found = match super::clusters::cluster_for_context(repo, context) {
            Some(cluster) => cluster_dir_flux_namespace(repo, &cluster)?,
            None => None,
        };
        Ok(found.unwrap_or_else(|| self.flux_namespace.clone()))
    }

    /// The profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    fn use_case(&self) -> &str {
        self.use_case.as_deref().unwrap_or_default()
    }

    /// The directory holding a tenant namespace's files.
    pub fn namespace_dir(&self, tenant: &str, namespace: &str) -> PathBuf {
        match self.profile {
            Profile::D1 => PathBuf::from(format!("tenants/{tenant}/components/{namespace}")),
            Profile::Keos => PathBuf::from(format!("domain/apps/{}/components/{namespace}", self.use_case())),
        }
    }

    /// Glob-like roots to scan for onboarded namespaces: `(root, depth)` where each entry of
    /// `root/*/` (d1: `tenants/*/components/*`) is a namespace directory.
    pub fn namespace_roots(&self) -> NamespaceRoots {
        match self.profile {
            Profile::D1 => NamespaceRoots::PerTenant {
                base: PathBuf::from("tenants"),
                sub: "components",
            },
            Profile::Keos => NamespaceRoots::PerUseCase {
                base: PathBuf::from("domain/apps"),
                sub: "components",
            },
        }
    }

    /// The directory of a tenant's image automation.
    pub fn automation_dir(&self, tenant: &str) -> PathBuf {
        match self.profile {
            Profile::D1 => PathBuf::from(format!("tenants/{tenant}/update")),
            Profile::Keos => PathBuf::from(format!(
                "domain/apps/{}/components/{tenant}-update",
                self.use_case()
            )),
        }
    }

    /// The directory of platform components (reconciled as cluster admin).
    pub fn components_dir(&self) -> PathBuf {
        match self.profile {
            Profile::D1 => PathBuf::from("tenants/infra/components"),
            Profile::Keos => PathBuf::from(format!("domain/system-services/{}/components", self.use_case())),
        }
    }

    /// The variable a tenant path template must contain.
    pub fn overlay_var(&self) -> &'static str {
        match self.profile {
            Profile::D1 => D1_OVERLAY_VAR,
            Profile::Keos => KEOS_APPS_OVERLAY_VAR,
        }
    }

    /// The variable platform component paths end with.
    pub fn component_overlay_var(&self) -> &'static str {
        match self.profile {
            Profile::D1 => D1_OVERLAY_VAR,
            Profile::Keos => KEOS_SERVICES_OVERLAY_VAR,
        }
    }

    /// The default path template of a tenant namespace's Kustomization.
    pub fn default_path(&self, namespace: &str) -> String {
        format!("./components/{namespace}/{}", self.overlay_var())
    }

    /// The runtime-info ConfigMap (in the Flux namespace, copied into tenant namespaces).
    pub fn runtime_info(&self) -> &'static str {
        self.profile.runtime_info_name()
    }

    /// The Kustomization that reconciles a tenant namespace.
    pub fn kustomization_name(&self, namespace: &str) -> String {
        match self.profile {
            Profile::D1 => format!("flux-{namespace}"),
            Profile::Keos => format!("apps-{namespace}"),
        }
    }

    /// Reconciliation interval of a tenant namespace's Kustomization.
    pub fn tenant_interval(&self) -> &'static str {
        match self.profile {
            Profile::D1 => "12h",
            Profile::Keos => "1m",
        }
    }

    /// The label pairs of a tenant namespace's kustomization.yaml: d1 the tenant label; keos the
    /// apps domain label instead (keos has no tenant label: the domain is the tenant).
    pub fn namespace_labels(&self, tenant: &str) -> Vec<(String, String)> {
        let (key, value) = (self.namespace_owner_label(), tenant);
        vec![(key.to_string(), value.to_string())]
    }

    /// The Namespace label that says which tenant owns a namespace on a cluster (kustomize puts
    /// the namespace labels on the Namespace): d1 `toolkit.fluxcd.io/tenant`, keos
    /// `toolkit.fluxcd.io/domain`.
    pub fn namespace_owner_label(&self) -> &'static str {
        match self.profile {
            Profile::D1 => crate::credentials::TENANT_LABEL,
            Profile::Keos => DOMAIN_LABEL,
        }
    }

    /// How a tenant namespace is reconciled: d1 one Kustomization per namespace (its `sync.yaml`),
    /// keos one per app component (`tenant app add`, [`Layout::apps`]).
    pub fn namespace_sync(&self) -> NamespaceSync {
        match self.profile {
            Profile::D1 => NamespaceSync::PerNamespace,
            Profile::Keos => NamespaceSync::PerComponent,
        }
    }

    /// keos: the apps domain's per-component Kustomizations; `None` for d1.
    pub fn apps(&self) -> Option<Apps> {
        match self.profile {
            Profile::D1 => None,
            Profile::Keos => Some(Apps {
                source: "keos-apps",
                secrets_source: "keos-fleet",
                name_prefix: "apps-",
                secrets_suffix: "-secrets",
                interval: "1m",
                retry_interval: "3m",
                timeout: "15m",
            }),
        }
    }

    /// keos: `domain/apps/<use-case>/prerequisites`, which defines GitRepository `keos-apps` that
    /// every app component reads.
    pub fn prerequisites_dir(&self) -> PathBuf {
        PathBuf::from(format!("domain/apps/{}/prerequisites", self.use_case()))
    }

    /// keos: the directory of app component `component` in namespace `namespace`.
    pub fn app_dir(&self, namespace: &str, component: &str) -> PathBuf {
        self.namespace_dir(KEOS_APPS_TENANT, namespace).join(component)
    }

    /// keos: the directory holding every app namespace of the use case.
    pub fn apps_components_dir(&self) -> PathBuf {
        PathBuf::from(format!("domain/apps/{}/components", self.use_case()))
    }

    /// The platform-component tenant: its ServiceAccount, GitRepository, Secret and the label
    /// of its kustomization.yaml.
    pub fn platform(&self) -> Platform {
        match self.profile {
            Profile::D1 => Platform {
                service_account: "flux-infra",
                source: "flux-infra",
                secret: "flux-system",
                name_prefix: "",
                label: ("toolkit.fluxcd.io/tenant", "infra"),
                interval: "1h",
                cluster_admin_rbac: true,
                parts: &[
                    ComponentPart {
                        name: "controllers",
                        timeout: "10m",
                    },
                    ComponentPart {
                        name: "configs",
                        timeout: "5m",
                    },
                ],
            },
            Profile::Keos => Platform {
                service_account: "kustomize-controller",
                source: "keos-system-services",
                secret: "flux-system",
                name_prefix: "system-services-",
                label: (DOMAIN_LABEL, "system-services"),
                interval: "1m",
                cluster_admin_rbac: false,
                parts: &[ComponentPart {
                    name: "configs",
                    timeout: "5m",
                }],
            },
        }
    }

    /// Why a tenant name cannot be used for `tenant create`, if it cannot.
    pub fn reserved_tenant(&self, tenant: &str) -> Option<&'static str> {
        match (self.profile, tenant) {
            (Profile::D1, "infra") => {
                Some("'infra' holds platform components: use `kubectl fleet tenant component add`")
            }
            (Profile::Keos, KEOS_APPS_TENANT) => None,
            (Profile::Keos, _) => Some(
                "keos has one tenant, 'apps': the apps domain reconciles every namespace as ServiceAccount flux-apps (pass --tenant apps)",
            ),
            _ => None,
        }
    }

    /// The Secret a tenant's GitRepositories authenticate with.
    pub fn tenant_secret(&self, tenant: &str) -> String {
        tenant_object_name(tenant)
    }

    /// Name of a tenant's ServiceAccount, RoleBinding, GitRepository and Secret.
    pub fn tenant_object_name(&self, tenant: &str) -> String {
        tenant_object_name(tenant)
    }
}

/// Name of the ServiceAccount, RoleBinding, GitRepository and Secret of a tenant (`flux-<tenant>`),
/// the same in every profile and for bootstrap's tenant Secrets.
pub fn tenant_object_name(tenant: &str) -> String {
    format!("flux-{tenant}")
}

/// The namespace `clusters/<cluster>/` puts Flux in, `None` when there is no such directory or it
/// declares no Flux installation. Every YAML file under it is read (hidden files skipped), as
/// bootstrap does: a FluxInstance anywhere in it decides; otherwise a Kustomization whose
/// `sourceRef` names a GitRepository defined in the same directory (classic `gotk-sync.yaml`).
pub fn cluster_dir_flux_namespace(repo: &FleetRepo, cluster: &str) -> Result<Option<String>, RepoError> {
    if names::cluster_path("cluster", cluster).is_err() {
        return Ok(None);
    }
    let rel = PathBuf::from("clusters").join(cluster);
    if !repo.path(&rel).is_dir() {
        return Ok(None);
    }
    let mut instances = Vec::new();
    let mut syncs = Vec::new();
    let mut sources = Vec::new();
    for file in yaml_files_under(repo, &rel)? {
        let origin = file.display().to_string();
        let text = std::fs::read_to_string(repo.path(&file)).map_err(|e| RepoError::io("read", &file, e))?;
        let docs = yaml::from_multi_doc(&text, &origin).map_err(|e| RepoError::Invalid {
            path: origin.clone(),
            reason: format!("cannot tell the namespace Flux runs in: {e}"),
        })?;
        for doc in docs {
            let at = |p: &str| doc.pointer(p).and_then(Value::as_str);
            let namespace = || {
                at("/metadata/namespace")
                    .unwrap_or(DEFAULT_FLUX_NAMESPACE)
                    .to_string()
            };
            let api_version = at("/apiVersion").unwrap_or_default();
            match at("/kind") {
                Some("FluxInstance") if api_version.starts_with("fluxcd.controlplane.io/") => {
                    instances.push((namespace(), origin.clone()));
                }
                Some("Kustomization")
                    if api_version.starts_with("kustomize.toolkit.fluxcd.io/")
                        && at("/spec/sourceRef/kind") == Some("GitRepository") =>
                {
                    let source = at("/spec/sourceRef/name").unwrap_or_default().to_string();
                    syncs.push((namespace(), source, origin.clone()));
                }
                Some("GitRepository") if api_version.starts_with("source.toolkit.fluxcd.io/") => {
                    sources.push((namespace(), at("/metadata/name").unwrap_or_default().to_string()));
                }
                _ => {}
            }
        }
    }
    let found: Vec<(String, String)> = if instances.is_empty() {
        syncs
            .into_iter()
            .filter(|(ns, source, _)| sources.iter().any(|(sns, name)| sns == ns && name == source))
            .map(|(ns, _, origin)| (ns, origin))
            .collect()
    } else {
        instances
    };
    let Some((first, first_origin)) = found.first() else {
        return Ok(None);
    };
    if let Some((other, origin)) = found.iter().find(|(ns, _)| ns != first) {
        return Err(RepoError::Invalid {
            path: origin.clone(),
            reason: format!("puts Flux in namespace '{other}', but {first_origin} puts it in '{first}'"),
        });
    }
    Ok(Some(first.clone()))
}

/// Every `*.yaml`/`*.yml` file under a repository-relative directory, sorted, hidden files and
/// directories (`.sops.yaml`) skipped.
fn yaml_files_under(repo: &FleetRepo, rel: &Path) -> Result<Vec<PathBuf>, RepoError> {
    let mut out = Vec::new();
    let mut stack = vec![rel.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let abs = repo.path(&dir);
        let entries = std::fs::read_dir(&abs).map_err(|e| RepoError::io("read directory", &abs, e))?;
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = dir.join(&name);
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// How namespace directories are laid out under the repository root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceRoots {
    /// `base/<tenant>/sub/<namespace>/` (d1).
    PerTenant {
        /// `tenants`.
        base: PathBuf,
        /// `components`.
        sub: &'static str,
    },
    /// `base/<use-case>/sub/<namespace>/` (keos); the tenant is read from the labels.
    PerUseCase {
        /// `domain/apps`.
        base: PathBuf,
        /// `components`.
        sub: &'static str,
    },
}

/// How the namespaces of a profile are reconciled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamespaceSync {
    /// d1: the namespace directory's `sync.yaml` holds a GitRepository and one Kustomization.
    PerNamespace,
    /// keos: one sub-directory per app component, each with its own Kustomization.
    PerComponent,
}

/// keos: the profile data of the per-component app Kustomizations (`tenant app add`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Apps {
    /// GitRepository (in the Flux namespace) the components are built from.
    pub source: &'static str,
    /// GitRepository (in the Flux namespace) of the fleet repository, which holds the cluster
    /// secrets (`clusters/${CLUSTER_NAME}/secrets/<component>`).
    pub secrets_source: &'static str,
    /// Prefix of a component's Kustomization name (`apps-<component>`).
    pub name_prefix: &'static str,
    /// Suffix of its secrets Kustomization name (`apps-<component>-secrets`).
    pub secrets_suffix: &'static str,
    /// Reconciliation interval.
    pub interval: &'static str,
    /// Default retry interval (`--retry-interval`).
    pub retry_interval: &'static str,
    /// Health-check timeout of the component Kustomization.
    pub timeout: &'static str,
}

impl Apps {
    /// The Kustomization of a component.
    pub fn kustomization_name(&self, component: &str) -> String {
        format!("{}{component}", self.name_prefix)
    }

    /// The secrets Kustomization of a component.
    pub fn secrets_name(&self, component: &str) -> String {
        format!("{}{component}{}", self.name_prefix, self.secrets_suffix)
    }

    /// The component's path in the apps repository: its size overlay.
    pub fn path(&self, component: &str) -> String {
        format!("./components/{component}/{KEOS_APPS_OVERLAY_VAR}")
    }

    /// The component's secrets in the fleet repository, per cluster.
    pub fn secrets_path(&self, component: &str) -> String {
        format!("./clusters/${{CLUSTER_NAME}}/secrets/{component}")
    }
}

/// One Kustomization of a platform component: `<prefix><name>-<part>` from
/// `components/<name>/<part>/<overlay>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComponentPart {
    /// `controllers`, `configs`.
    pub name: &'static str,
    /// Health-check timeout.
    pub timeout: &'static str,
}

/// The platform-component tenant of a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Platform {
    /// ServiceAccount the component Kustomizations impersonate.
    pub service_account: &'static str,
    /// GitRepository of the platform components repository.
    pub source: &'static str,
    /// Secret that GitRepository authenticates with.
    pub secret: &'static str,
    /// Prefix of the component Kustomization names (keos: `system-services-`).
    pub name_prefix: &'static str,
    /// Label pair of the components kustomization.yaml.
    pub label: (&'static str, &'static str),
    /// Reconciliation interval of component Kustomizations.
    pub interval: &'static str,
    /// Whether the platform tenant brings its own cluster-admin ServiceAccount (d1 `rbac.yaml`).
    pub cluster_admin_rbac: bool,
    /// The Kustomizations of one component, in dependency order (each waits for the one before;
    /// d1 controllers then configs, keos configs only).
    pub parts: &'static [ComponentPart],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d1_paths_and_names() {
        let l = Layout::d1();
        assert_eq!(
            l.namespace_dir("apps", "backend"),
            PathBuf::from("tenants/apps/components/backend")
        );
        assert_eq!(l.default_path("backend"), "./components/backend/${ENVIRONMENT}");
        assert_eq!(l.kustomization_name("backend"), "flux-backend");
        assert_eq!(l.runtime_info(), "flux-runtime-info");
        assert_eq!(l.automation_dir("apps"), PathBuf::from("tenants/apps/update"));
        assert_eq!(l.components_dir(), PathBuf::from("tenants/infra/components"));
        assert_eq!(l.flux_namespace(), "flux-system");
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn the_flux_namespace_comes_from_the_cluster_directory_then_the_config() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        // d1: the FluxInstance decides (bootstrap init -n flux).
        write(
            root,
            "clusters/staging/flux-system/flux-instance.yaml",
            "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux\n",
        );
        write(
            root,
            "clusters/staging/infra-tenant.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-infra\n  namespace: flux\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: flux-infra\n",
        );
        write(root, "clusters/staging/secrets/.sops.yaml", ": not yaml [\n");
        // Classic: the Kustomization syncing from the GitRepository beside it.
        write(
            root,
            "clusters/prod-eu/default/flux-system/gotk-sync.yaml",
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: fleet\n  namespace: gitops\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: fleet\n  namespace: gitops\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: fleet\n",
        );
        write(
            root,
            "clusters/prod-eu/default/flux-system/kustomization.yaml",
            "resources: [gotk-sync.yaml]\n",
        );
        // A directory without Flux in it says nothing.
        write(
            root,
            "clusters/prod-us/runtime-info.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        );
        // A nested cluster (flux-platform's clusters/<name>/<region>), found from its context.
        write(
            root,
            "clusters/sts-devpkg/eu/flux-system/gotk-sync.yaml",
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-eu\n  namespace: flux-eu\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-eu\n  namespace: flux-eu\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: flux-eu\n",
        );
        write(root, super::super::CONFIG_FILE, "fluxNamespace: platform\n");
        let repo = FleetRepo::open(root).expect("repo");
        let layout = Layout::new(repo.config(), None).expect("layout");
        assert_eq!(
            layout
                .cluster_flux_namespace(&repo, "sts-devpkg-eu")
                .expect("reads"),
            "flux-eu",
            "the nested cluster the context maps to by default"
        );
        assert_eq!(layout.flux_namespace(), "platform");
        let ns = |ctx: &str| layout.cluster_flux_namespace(&repo, ctx).expect("reads");
        assert_eq!(ns("staging"), "flux");
        assert_eq!(ns("prod-eu"), "gitops");
        assert_eq!(ns("prod-us"), "platform");
        assert_eq!(ns("kind-staging"), "platform", "no directory of that name");
        assert_eq!(ns("admin@prod"), "platform", "not a cluster path");
        assert_eq!(
            Layout::d1()
                .cluster_flux_namespace(&repo, "nowhere")
                .expect("reads"),
            "flux-system"
        );

        // Two namespaces in one directory, and a malformed file: errors naming the file.
        write(
            root,
            "clusters/prod-eu/extra.yaml",
            "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n---\napiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: other\n  namespace: elsewhere\n",
        );
        let err = layout
            .cluster_flux_namespace(&repo, "prod-eu")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("clusters/prod-eu/extra.yaml")
                && err.contains("'elsewhere'")
                && err.contains("'flux-system'"),
            "{err}"
        );
        write(root, "clusters/prod-us/broken.yaml", "kind: [\n");
        let err = layout
            .cluster_flux_namespace(&repo, "prod-us")
            .unwrap_err()
            .to_string();
        assert!(err.contains("clusters/prod-us/broken.yaml"), "{err}");
    }

    #[test]
    fn keos_needs_a_use_case() {
        let config = FleetConfig {
            profile: Profile::Keos,
            ..Default::default()
        };
        assert!(matches!(
            Layout::new(&config, None),
            Err(RepoError::MissingUseCase)
        ));
        let l = Layout::new(&config, Some("talk-to-your-data")).expect("layout");
        assert_eq!(
            l.namespace_dir("apps", "stratio-apps"),
            PathBuf::from("domain/apps/talk-to-your-data/components/stratio-apps")
        );
        assert_eq!(l.default_path("x"), "./components/x/${STRATIO_SIZE}");
        assert_eq!(l.kustomization_name("x"), "apps-x");
        assert_eq!(l.runtime_info(), "keos-runtime-info");
        assert_eq!(
            l.components_dir(),
            PathBuf::from("domain/system-services/talk-to-your-data/components")
        );
    }
}
