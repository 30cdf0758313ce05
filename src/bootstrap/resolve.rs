//! `bootstrap init`'s flags (over another cluster's settings with `--from`) → a complete
//! [`ClusterSpec`]: every default applied, every value checked against the fleet's naming rules
//! ([`crate::repo::names`]) before anything is generated.

use super::{
    BootstrapError,
    render::d1_patches,
    spec::{
        AUTOMATION_COMPONENTS, ClusterLayout, ClusterSpec, DEFAULT_ARTIFACT, DEFAULT_BRANCH,
        DEFAULT_CLUSTER_TYPE, DEFAULT_DNS_DOMAIN, DEFAULT_ENVIRONMENT, DEFAULT_FLUX_VERSION,
        DEFAULT_NAMESPACE, DEFAULT_OPERATOR_CHART, DEFAULT_REGISTRY, DEFAULT_TENANT_SERVICE_ACCOUNT,
        Distribution, FromCluster, InitInput, KNOWN_COMPONENTS, NONE, PRODUCTION, RUNTIME_KEYS, RuntimeInfo,
    },
};
use crate::repo::names::GitProvider;
use crate::repo::{
    clusters,
    names::{self, GitAccess},
};

fn invalid(flag: &'static str, value: &str, reason: impl Into<String>) -> BootstrapError {
    BootstrapError::InvalidFlag {
        flag,
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Parses one `--set KEY=VALUE`. Keys must be usable as `${KEY}` in Flux post-build substitution.
pub fn parse_set(text: &str) -> Result<(String, String), BootstrapError> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(invalid("--set", text, "expected KEY=VALUE"));
    };
    names::substitution_key("--set", key).map_err(|e| invalid("--set", text, e.reason))?;
    if let Some((_, flag)) = RUNTIME_KEYS.iter().find(|(k, _)| *k == key) {
        return Err(invalid(
            "--set",
            text,
            format!("{key} has its own flag: use {flag}"),
        ));
    }
    if value.contains('\n') {
        return Err(invalid("--set", text, "values are single lines"));
    }
    Ok((key.to_string(), value.to_string()))
}

/// Parses every `--set`, in order.
pub fn parse_sets(texts: &[String]) -> Result<Vec<(String, String)>, BootstrapError> {
    texts.iter().map(|t| parse_set(t)).collect()
}

fn single_line(flag: &'static str, value: &str) -> Result<(), BootstrapError> {
    if value.trim().is_empty() || value.contains('\n') {
        Err(invalid(flag, value, "must be a non-empty single line"))
    } else {
        Ok(())
    }
}

/// Orders and checks a component list; automation decides the image controllers.
fn components(
    requested: Option<&[String]>,
    automation: bool,
    explicit: bool,
) -> Result<Vec<String>, BootstrapError> {
    let mut wanted: Vec<String> = match requested {
        Some(list) => {
            for c in list {
                if !KNOWN_COMPONENTS.contains(&c.as_str()) {
                    return Err(invalid(
                        "--components",
                        c,
                        format!("unknown Flux component (known: {})", KNOWN_COMPONENTS.join(", ")),
                    ));
                }
                if explicit && !automation && AUTOMATION_COMPONENTS.contains(&c.as_str()) {
                    return Err(invalid(
                        "--components",
                        c,
                        "this cluster runs no image automation (--production or --no-automation); \
                         drop it or pass --automation",
                    ));
                }
            }
            list.to_vec()
        }
        None => KNOWN_COMPONENTS
            .iter()
            .filter(|c| !AUTOMATION_COMPONENTS.contains(c))
            .map(|c| c.to_string())
            .collect(),
    };
    if automation {
        for c in AUTOMATION_COMPONENTS {
            if !wanted.iter().any(|w| w == c) {
                wanted.push(c.to_string());
            }
        }
    } else {
        wanted.retain(|c| !AUTOMATION_COMPONENTS.contains(&c.as_str()));
    }
    // Canonical order, so the bytes do not depend on the order flags were typed in.
    Ok(KNOWN_COMPONENTS
        .iter()
        .filter(|k| wanted.iter().any(|w| w == *k))
        .map(|k| k.to_string())
        .collect())
}

/// The flag's value, else the base cluster's, else the default.
fn pick(flag: Option<&String>, base: Option<&String>, default: &str) -> String {
    flag.or(base).cloned().unwrap_or_else(|| default.to_string())
}

/// The layout: `--layout`, else the base cluster's (re-targeting keeps it), else d1.
fn layout(input: &InitInput, base: Option<&FromCluster>) -> Result<ClusterLayout, BootstrapError> {
    if let (Some(layout), Some(from)) = (input.layout, base)
        && layout != from.spec.layout
    {
        return Err(invalid(
            "--layout",
            layout.name(),
            format!(
                "--from {} uses the {} layout; re-targeting keeps the layout",
                from.spec.cluster,
                from.spec.layout.name()
            ),
        ));
    }
    Ok(input
        .layout
        .or(base.map(|b| b.spec.layout))
        .unwrap_or(ClusterLayout::D1))
}

/// The runtime-info data: `--production` decides ENVIRONMENT and GIT_BRANCH unless they are given;
/// CLUSTER_DOMAIN has no default (only the base cluster's); `--set` adds or replaces extra keys.
fn runtime(
    input: &InitInput,
    set: &[(String, String)],
    b: Option<&ClusterSpec>,
) -> Result<RuntimeInfo, BootstrapError> {
    let production_default = |other: &str| {
        if input.production {
            PRODUCTION.to_string()
        } else {
            other.to_string()
        }
    };
    let environment = input
        .environment
        .clone()
        .or(input.production.then(|| PRODUCTION.to_string()))
        .or(b.map(|b| b.runtime.environment.clone()))
        .unwrap_or_else(|| production_default(DEFAULT_ENVIRONMENT));
    let git_branch = input
        .git_branch
        .clone()
        .or(input.production.then(|| PRODUCTION.to_string()))
        .or(b.map(|b| b.runtime.git_branch.clone()))
        .unwrap_or_else(|| production_default(DEFAULT_BRANCH));
    // A nested cluster (`sts-devpkg/eu`) is named like its default kube context (`sts-devpkg-eu`).
    let cluster_name = input
        .cluster_name
        .clone()
        .unwrap_or_else(|| clusters::default_context(&input.cluster));
    let cluster_domain = match (&input.domain, b) {
        (Some(d), _) => d.clone(),
        (None, Some(b)) => b.runtime.cluster_domain.clone(),
        (None, None) => {
            return Err(BootstrapError::MissingFlag {
                flag: "--domain",
                why: "it sets CLUSTER_DOMAIN in the runtime info (e.g. --domain eu.example.com), or copy \
                      another cluster's settings with --from CLUSTER"
                    .into(),
            });
        }
    };
    for (flag, v) in [
        ("--environment", &environment),
        ("--git-branch", &git_branch),
        ("--cluster-name", &cluster_name),
        ("--domain", &cluster_domain),
    ] {
        single_line(flag, v)?;
    }
    let mut extra: Vec<(String, String)> = b.map(|b| b.runtime.extra.clone()).unwrap_or_default();
    for (k, v) in set {
        match extra.iter_mut().find(|(ek, _)| ek == k) {
            Some(entry) => entry.1 = v.clone(),
            None => extra.push((k.clone(), v.clone())),
        }
    }
    Ok(RuntimeInfo {
        environment,
        git_branch,
        cluster_name,
        cluster_domain,
        extra,
    })
}

/// How the sync will reach `--git-url`: with the pull secret's token (HTTPS, or plain http only
/// with `--insecure-http`), or anonymously for a public repository (any scheme Flux accepts).
pub(crate) fn git_access(input: &InitInput, with_token: bool) -> GitAccess {
    if with_token {
        GitAccess::Token {
            insecure_http: input.insecure_http,
        }
    } else {
        GitAccess::Any
    }
}

/// Where Flux syncs from: the fleet repository URL, its ref and the Secret the sync reads.
struct Source {
    git_url: String,
    git_ref: String,
    pull_secret: Option<String>,
    provider: GitProvider,
}

fn source(input: &InitInput, b: Option<&ClusterSpec>) -> Result<Source, BootstrapError> {
    let git_url = match (&input.git_url, b) {
        (Some(u), _) => u.clone(),
        (None, Some(b)) => b.git_url.clone(),
        (None, None) => {
            return Err(BootstrapError::MissingFlag {
                flag: "--git-url",
                why: "it is the fleet repository Flux syncs from (e.g. --git-url \
                      https://github.com/org/fleet.git), or copy another cluster's settings with --from CLUSTER"
                    .into(),
            });
        }
    };
    let git_ref = match (&input.branch, b) {
        (Some(br), _) => ClusterSpec::branch_ref(br),
        (None, Some(b)) => b.git_ref.clone(),
        (None, None) => ClusterSpec::branch_ref(DEFAULT_BRANCH),
    };
    let pull_secret = if input.public_repo {
        None
    } else {
        match (&input.pull_secret, b) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(b)) => b.pull_secret.clone(),
            (None, None) => Some(DEFAULT_NAMESPACE.to_string()),
        }
    };
    let provider = input.provider.or(b.map(|b| b.provider)).unwrap_or_default();
    match provider {
        GitProvider::Generic => {
            names::git_url("--git-url", &git_url, git_access(input, pull_secret.is_some()))?;
        }
        GitProvider::Github => {
            if pull_secret.is_none() {
                return Err(BootstrapError::InvalidFlag {
                    flag: "--provider",
                    value: "github".into(),
                    reason: "provider github reads the GitHub App from the pull secret; a public \
                             repository (--public-repo) needs no provider"
                        .into(),
                });
            }
            names::github_repo_url("--git-url", &git_url, input.insecure_http)?;
        }
    }
    if let Some(s) = &pull_secret {
        names::dns_label("--pull-secret", s)?;
    }
    Ok(Source {
        git_url,
        git_ref,
        pull_secret,
        provider,
    })
}

/// `spec.distribution`: an empty or `none` artifact means the manifests the operator bundles
/// (air-gapped clusters); any other artifact is an OCI URL.
fn distribution(input: &InitInput, b: Option<&ClusterSpec>) -> Result<Distribution, BootstrapError> {
    let distribution = Distribution {
        version: pick(
            input.flux_version.as_ref(),
            b.map(|b| &b.distribution.version),
            DEFAULT_FLUX_VERSION,
        ),
        registry: pick(
            input.registry.as_ref(),
            b.map(|b| &b.distribution.registry),
            DEFAULT_REGISTRY,
        ),
        artifact: match (&input.artifact, b) {
            (Some(a), _) if a.is_empty() || a == NONE => None,
            (Some(a), _) => Some(a.clone()),
            (None, Some(b)) => b.distribution.artifact.clone(),
            (None, None) => Some(DEFAULT_ARTIFACT.to_string()),
        },
        variant: input
            .variant
            .clone()
            .or(b.and_then(|b| b.distribution.variant.clone())),
        image_pull_secret: input
            .image_pull_secret
            .clone()
            .or(b.and_then(|b| b.distribution.image_pull_secret.clone())),
    };
    if let Some(a) = &distribution.artifact
        && !a.starts_with("oci://")
    {
        return Err(invalid(
            "--artifact",
            a,
            "the manifests artifact is an oci:// URL (or 'none' for the operator's bundled manifests)",
        ));
    }
    Ok(distribution)
}

/// The chart of the `flux-operator` ResourceSet; empty or `none`: no ResourceSet.
fn operator_chart(input: &InitInput, b: Option<&ClusterSpec>) -> Result<Option<String>, BootstrapError> {
    if let Some(c) = &input.operator_chart
        && !(c.is_empty() || c == NONE || c.starts_with("oci://"))
    {
        return Err(invalid(
            "--operator-chart",
            c,
            "the chart is an oci:// URL (or 'none' for no flux-operator ResourceSet)",
        ));
    }
    Ok(match (&input.operator_chart, b) {
        (Some(c), _) if c.is_empty() || c == NONE => None,
        (Some(c), _) => Some(c.clone()),
        (None, Some(b)) => b.operator_chart.clone(),
        (None, None) => Some(DEFAULT_OPERATOR_CHART.to_string()),
    })
}

/// Resolves the flags (over another cluster's settings with `--from`; `set` is the parsed
/// `--set` list) into a complete spec.
pub fn resolve(
    input: &InitInput,
    set: &[(String, String)],
    base: Option<&FromCluster>,
) -> Result<ClusterSpec, BootstrapError> {
    names::cluster_path("cluster name", &input.cluster)?;
    let b = base.map(|f| &f.spec);
    let layout = layout(input, base)?;
    let namespace = input
        .namespace
        .clone()
        .or(b.map(|b| b.namespace.clone()))
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    names::dns_label("--namespace", &namespace)?;

    let automation = input
        .automation_flag()
        .or(input.production.then_some(false))
        .or(b.map(|b| b.automation))
        .unwrap_or(true);
    let runtime = runtime(input, set, b)?;
    let Source {
        git_url,
        git_ref,
        pull_secret,
        provider,
    } = source(input, b)?;
    let distribution = distribution(input, b)?;
    let operator_chart = operator_chart(input, b)?;
    single_line("--flux-version", &distribution.version)?;

    // With --from, the other cluster's list is the starting point; automation still decides the
    // image controllers, so `--from staging --production` drops them.
    let explicit = input.components.is_some();
    let requested = input.components.clone().or(b.map(|b| b.components.clone()));
    let components = components(requested.as_deref(), automation, explicit)?;

    Ok(ClusterSpec {
        cluster: input.cluster.clone(),
        layout,
        runtime,
        automation,
        git_url,
        git_ref,
        pull_secret,
        provider,
        distribution,
        components,
        cluster_type: pick(
            input.cluster_type.as_ref(),
            b.map(|b| &b.cluster_type),
            DEFAULT_CLUSTER_TYPE,
        ),
        multitenant: input
            .multitenant_flag()
            .or(b.map(|b| b.multitenant))
            .unwrap_or(true),
        tenant_default_service_account: pick(
            input.tenant_default_sa.as_ref(),
            b.map(|b| &b.tenant_default_service_account),
            DEFAULT_TENANT_SERVICE_ACCOUNT,
        ),
        network_policy: input
            .network_policy_flag()
            .or(b.map(|b| b.network_policy))
            .unwrap_or(true),
        dns_domain: pick(
            input.cluster_dns_domain.as_ref(),
            b.map(|b| &b.dns_domain),
            DEFAULT_DNS_DOMAIN,
        ),
        patches: match b {
            Some(b) => b.patches.clone(),
            None => d1_patches(&namespace),
        },
        instance_wait: input.instance_wait_flag().or(b.and_then(|b| b.instance_wait)),
        operator_chart,
        namespace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bootstrap::render::{flux_instance, is_automation_patch, tenant};

    fn staging() -> InitInput {
        InitInput {
            cluster: "staging".into(),
            environment: Some("staging".into()),
            git_branch: Some("main".into()),
            cluster_name: Some("staging-1".into()),
            domain: Some("preview1.example.com".into()),
            git_url: Some("https://github.com/controlplaneio-fluxcd/d1-fleet.git".into()),
            flux_version: Some("2.7.x".into()),
            ..Default::default()
        }
    }

    fn spec(input: &InitInput) -> Result<ClusterSpec, BootstrapError> {
        resolve(input, &[], None)
    }

    #[test]
    fn provider_github_needs_a_github_https_url_and_a_pull_secret() {
        let with = |url: &str, public: bool, insecure: bool| {
            spec(&InitInput {
                git_url: Some(url.into()),
                provider: Some(GitProvider::Github),
                public_repo: public,
                insecure_http: insecure,
                ..staging()
            })
        };
        let ok = with("https://github.com/acme/fleet.git", false, false).expect("resolves");
        assert_eq!(ok.provider, GitProvider::Github);
        assert!(with("http://127.0.0.1:9/acme/fleet.git", false, true).is_ok());
        for (url, public, insecure, why) in [
            (
                "https://gitlab.com/acme/fleet.git",
                false,
                false,
                "is GitLab, not GitHub",
            ),
            (
                "http://127.0.0.1:9/acme/fleet.git",
                false,
                false,
                "--insecure-http",
            ),
            ("ssh://git@github.com/acme/fleet.git", false, false, "over HTTPS"),
            ("https://github.com/acme/fleet.git", true, false, "--public-repo"),
        ] {
            let err = with(url, public, insecure).unwrap_err().to_string();
            assert!(err.contains(why), "{url}: {err}");
        }
        // Without --provider the --from cluster's provider is kept.
        assert_eq!(spec(&staging()).expect("resolves").provider, GitProvider::Generic);
    }

    #[test]
    fn staging_runs_image_automation_and_production_does_not() {
        let s = spec(&staging()).expect("resolves");
        assert!(s.automation);
        assert_eq!(s.components.len(), 7);
        let prod = spec(&InitInput {
            cluster: "prod-eu".into(),
            production: true,
            domain: Some("eu.example.com".into()),
            git_url: Some("https://example.com/fleet.git".into()),
            ..Default::default()
        })
        .expect("resolves");
        assert!(!prod.automation);
        assert_eq!(prod.runtime.environment, "production");
        assert_eq!(prod.runtime.git_branch, "production");
        assert_eq!(
            prod.git_ref, "refs/heads/main",
            "the fleet repo ref stays main (§4.1)"
        );
        assert!(!prod.components.iter().any(|c| c.starts_with("image-")));
        let t = tenant(&prod, "apps", None);
        assert!(is_automation_patch(&t["spec"]["patches"][0]));
    }

    #[test]
    fn components_are_checked_and_ordered() {
        let mut i = staging();
        i.components = Some(vec!["helm-controller".into(), "source-controller".into()]);
        let s = spec(&i).expect("resolves");
        assert_eq!(
            s.components,
            [
                "source-controller",
                "helm-controller",
                "image-reflector-controller",
                "image-automation-controller"
            ]
        );
        i.components = Some(vec!["flagger".into()]);
        let err = spec(&i).unwrap_err().to_string();
        assert!(err.contains("unknown Flux component"), "{err}");
        i.components = Some(vec!["image-automation-controller".into()]);
        i.production = true;
        let err = spec(&i).unwrap_err().to_string();
        assert!(err.contains("no image automation"), "{err}");
    }

    #[test]
    fn set_keys_are_substitution_variables() {
        assert_eq!(
            parse_set("REGION=eu-west-1").expect("valid"),
            ("REGION".into(), "eu-west-1".into())
        );
        assert!(parse_set("REGION").is_err());
        assert!(parse_set("my-key=x").is_err());
        let err = parse_set("CLUSTER_DOMAIN=x").unwrap_err().to_string();
        assert!(err.contains("--domain"), "{err}");
        let set = parse_sets(&["REGION=eu".into(), "ZONE=a".into()]).expect("valid");
        let s = resolve(&staging(), &set, None).expect("resolves");
        assert_eq!(s.runtime.extra, set);
    }

    #[test]
    fn empty_artifact_means_the_operators_bundled_manifests() {
        let mut i = staging();
        i.artifact = Some(String::new());
        let s = spec(&i).expect("resolves");
        assert_eq!(s.distribution.artifact, None);
        assert!(
            flux_instance(&s, None)["spec"]["distribution"]
                .get("artifact")
                .is_none()
        );
    }

    #[test]
    fn paired_flags_override_the_defaults() {
        let mut i = staging();
        i.no_multitenant = true;
        i.no_network_policy = true;
        i.no_instance_wait = true;
        i.no_automation = true;
        let s = spec(&i).expect("resolves");
        assert!(!s.multitenant && !s.network_policy && !s.automation);
        assert_eq!(s.instance_wait, Some(false));
        assert_eq!(spec(&staging()).expect("resolves").instance_wait, None);
    }

    #[test]
    fn required_inputs_are_named() {
        let mut i = staging();
        i.domain = None;
        assert!(spec(&i).unwrap_err().to_string().contains("--domain is required"));
        let mut i = staging();
        i.git_url = Some("git@github.com:org/fleet.git".into());
        assert!(spec(&i).unwrap_err().to_string().contains("https://"));
        let mut i = staging();
        i.cluster = "Prod_EU".into();
        assert!(spec(&i).is_err());
    }
}
