//! The fleet model's layout: where files live and what objects are called, per layout profile.
//! Everything that differs between profiles is decided here, so the generators stay
//! profile-agnostic.

use std::path::PathBuf;

use super::{FleetConfig, Profile, RepoError, names};

/// The d1 variable that selects a cluster's overlay directory.
pub const D1_OVERLAY_VAR: &str = "${ENVIRONMENT}";
/// The keos variable that selects an application's size overlay (`S`, `M`, …).
pub const KEOS_APPS_OVERLAY_VAR: &str = "${STRATIO_SIZE}";
/// The keos variable that selects a system service's use-case overlay.
pub const KEOS_SERVICES_OVERLAY_VAR: &str = "${STRATIO_USE_CASE}";

/// The resolved layout of one fleet repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    profile: Profile,
    use_case: Option<String>,
}

impl Layout {
    /// The layout for a fleet config, with an optional `--use-case` override. keos needs a use
    /// case; d1 ignores it.
    pub fn new(config: &FleetConfig, use_case: Option<&str>) -> Result<Self, RepoError> {
        let use_case = use_case.map(str::to_string).or_else(|| config.use_case.clone());
        match config.profile {
            Profile::D1 => Ok(Layout {
                profile: Profile::D1,
                use_case: None,
            }),
            Profile::Keos => {
                let use_case = use_case.ok_or(RepoError::MissingUseCase)?;
                names::dns_label("use case", &use_case)?;
                Ok(Layout {
                    profile: Profile::Keos,
                    use_case: Some(use_case),
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
        }
    }

    /// The d1 layout.
    pub fn d1() -> Self {
        Layout {
            profile: Profile::D1,
            use_case: None,
        }
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

    /// The runtime-info ConfigMap (in `flux-system`, copied into tenant namespaces).
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

    /// Extra label pairs of a tenant namespace's kustomization.yaml (besides the tenant label).
    pub fn extra_namespace_labels(&self) -> Vec<(&'static str, String)> {
        match self.profile {
            Profile::D1 => Vec::new(),
            Profile::Keos => vec![("toolkit.fluxcd.io/domain", "apps".to_string())],
        }
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
            },
            Profile::Keos => Platform {
                service_account: "kustomize-controller",
                source: "keos-system-services",
                secret: "flux-system",
                name_prefix: "system-services-",
                label: ("toolkit.fluxcd.io/domain", "system-services"),
                interval: "1m",
                cluster_admin_rbac: false,
            },
        }
    }

    /// Tenant names that cannot be used for `tenant create`.
    pub fn reserved_tenant(&self, tenant: &str) -> Option<&'static str> {
        match (self.profile, tenant) {
            (Profile::D1, "infra") => {
                Some("'infra' holds platform components: use `kubectl fleet tenant component add`")
            }
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
