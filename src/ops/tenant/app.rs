//! `tenant app add` (keos): one app component of an onboarded apps namespace — its directory, and
//! its entry in the namespace's kustomization.yaml (appended, comments kept), so the order of the
//! commands is the order of `resources:`.

use std::path::{Path, PathBuf};

use super::{FilesOutcome, RepoSelection, check_conflicts, display_dir, write_plan};
use crate::{
    error::Result,
    manifests::yaml::{self, EditError, SequenceEdit},
    output::Reporter,
    repo::{
        FleetRepo, GeneratedFile, Layout, WritePlan,
        layout::{Apps, KEOS_APPS_TENANT},
        names,
    },
    tenant::{
        TenantError,
        app::{self, AppOptions, Dependency},
        validate::{self, AppComponent},
    },
};

/// What `tenant app add` is asked to do.
#[derive(Clone, Debug)]
pub struct AppAddRequest {
    /// The fleet repository (keos profile).
    pub repo: RepoSelection,
    /// The apps namespace (onboarded with `tenant create NS --tenant apps`).
    pub namespace: String,
    /// The component.
    pub component: String,
    /// `--depends-on COMPONENT` or `NAMESPACE/COMPONENT`, in order.
    pub depends_on: Vec<String>,
    /// Also reconcile the cluster's SOPS-encrypted secrets of the component.
    pub secrets: bool,
    /// Retry interval of the component's Kustomizations (default: the profile's).
    pub retry_interval: Option<String>,
    /// Overwrite component files that differ.
    pub force: bool,
    /// Show the diff without writing.
    pub dry_run: bool,
}

/// Adds an app component; every check runs before anything is written.
pub fn app_add(req: AppAddRequest, reporter: &dyn Reporter) -> Result<FilesOutcome> {
    let (fleet, layout) = req.repo.open()?;
    let Some(apps) = layout.apps() else {
        return Err(TenantError::Flags(
            "d1 reconciles a tenant namespace as one flux-<namespace> Kustomization; `tenant app add` needs the keos profile (profile: keos in kubectl-fleet.yaml)".into(),
        )
        .into());
    };
    validate::namespace(&layout, &req.namespace)?;
    // apps-<component>-secrets must stay a valid name (Flux copies it into label values).
    let overhead = apps.name_prefix.len() + apps.secrets_suffix.len();
    names::dns_label_max("component", &req.component, names::DNS_LABEL_MAX - overhead)?;
    let retry_interval = match &req.retry_interval {
        Some(d) => {
            names::flux_duration("--retry-interval", d)?;
            d.clone()
        }
        None => apps.retry_interval.to_string(),
    };
    let mut depends_on: Vec<Dependency> = Vec::new();
    for text in &req.depends_on {
        let dep = Dependency::parse(text, &req.namespace);
        if let Some(ns) = &dep.namespace {
            names::dns_label("--depends-on namespace", ns)?;
        }
        names::dns_label("--depends-on component", &dep.component)?;
        if dep.namespace.is_none() && dep.component == req.component {
            return Err(TenantError::Flags(format!(
                "--depends-on {text}: component '{}' cannot depend on itself",
                req.component
            ))
            .into());
        }
        if depends_on.contains(&dep) {
            return Err(TenantError::Flags(format!("--depends-on {text} is given twice")).into());
        }
        depends_on.push(dep);
    }

    let ns_dir = layout.namespace_dir(KEOS_APPS_TENANT, &req.namespace);
    if validate::kustomization_resources(&fleet, &ns_dir)?.is_none() {
        return Err(TenantError::NotOnboarded {
            namespace: req.namespace.clone(),
            hint: format!(
                " ({} does not exist): run `kubectl fleet tenant create {} --tenant {KEOS_APPS_TENANT}` first",
                display_dir(&ns_dir),
                req.namespace
            ),
        }
        .into());
    }
    let service_account =
        validate::namespace_service_account(&fleet, &ns_dir)?.ok_or_else(|| TenantError::RepoContent {
            path: ns_dir.join("rbac.yaml"),
            reason: "declares no ServiceAccount for the namespace's app components to run as".into(),
        })?;

    let components = validate::app_components(&fleet, &layout)?;
    check_clashes(&components, &apps, &req)?;
    for dep in &depends_on {
        check_dependency(&components, &apps, &layout, &req.namespace, dep)?;
    }

    let opts = AppOptions {
        namespace: req.namespace.clone(),
        component: req.component.clone(),
        service_account,
        depends_on,
        secrets: req.secrets,
        retry_interval,
    };
    let bundle = app::bundle(&layout, &apps, &opts);
    let mut files = bundle.generated_files()?;
    let listed = list_component(&fleet, &ns_dir, &req.component)?;
    let edited = listed.as_ref().map(|f| f.path.clone());
    files.extend(listed);
    let mut plan = WritePlan::new(&fleet, files)?;
    if let Some(path) = &edited {
        plan.mark_edit(path.clone());
    }
    check_conflicts(&plan, req.force, req.dry_run)?;
    if req.secrets {
        for warning in missing_secrets(&fleet, &req.component)? {
            reporter.warn(&warning);
        }
    }
    let outcome = write_plan(
        &fleet,
        &plan,
        reporter,
        req.dry_run,
        req.force,
        &display_dir(&bundle.dir),
    )?;
    if !req.dry_run
        && let Some(path) = edited
    {
        reporter.note(&format!("  listed {} in {}", req.component, path.display()));
    }
    Ok(outcome)
}

/// A component name is use-case wide (its label, the override selector and its secrets path do
/// not name the namespace), and the new Kustomization names must be free in the namespace.
fn check_clashes(components: &[AppComponent], apps: &Apps, req: &AppAddRequest) -> Result<()> {
    if let Some(other) = components
        .iter()
        .find(|c| c.component == req.component && c.namespace != req.namespace)
    {
        return Err(TenantError::RepoContent {
            path: other.dir.clone(),
            reason: format!(
                "component '{}' already exists in namespace {}: component names are unique across the use case (the component label, overrides and clusters/*/secrets/{} do not name the namespace)",
                req.component, other.namespace, req.component
            ),
        }
        .into());
    }
    let mut wanted = vec![apps.kustomization_name(&req.component)];
    if req.secrets {
        wanted.push(apps.secrets_name(&req.component));
    }
    for other in components
        .iter()
        .filter(|c| c.namespace == req.namespace && c.component != req.component)
    {
        if let Some(name) = wanted.iter().find(|w| other.kustomizations.contains(w)) {
            return Err(TenantError::RepoContent {
                path: other.dir.clone(),
                reason: format!(
                    "already defines Kustomization '{name}' in namespace {}; component '{}' would duplicate it",
                    req.namespace, req.component
                ),
            }
            .into());
        }
    }
    Ok(())
}

/// A dependency must already be a component (a dependency is added before it is named, so
/// dependency cycles cannot be written).
fn check_dependency(
    components: &[AppComponent],
    apps: &Apps,
    layout: &Layout,
    own: &str,
    dep: &Dependency,
) -> Result<()> {
    let namespace = dep.namespace_or(own);
    let name = apps.kustomization_name(&dep.component);
    let found = components
        .iter()
        .find(|c| c.namespace == namespace && c.component == dep.component);
    match found {
        Some(c) if c.kustomizations.contains(&name) => Ok(()),
        Some(c) => Err(TenantError::RepoContent {
            path: c.dir.clone(),
            reason: format!("defines no Kustomization '{name}' to depend on"),
        }
        .into()),
        None => {
            let hint = components
                .iter()
                .find(|c| c.component == dep.component)
                .map(|c| {
                    format!(
                        " (it is in namespace {}: --depends-on {}/{})",
                        c.namespace, c.namespace, c.component
                    )
                })
                .unwrap_or_else(|| {
                    format!(
                        ": add it first with `kubectl fleet tenant app add {namespace} {}`",
                        dep.component
                    )
                });
            Err(TenantError::Flags(format!(
                "--depends-on: component '{}' does not exist in namespace {namespace} ({}){hint}",
                dep.component,
                display_dir(&layout.app_dir(namespace, &dep.component)),
            ))
            .into())
        }
    }
}

/// The namespace's kustomization.yaml with the component appended to `resources:` (comments and
/// formatting kept); `None` when it is listed already.
fn list_component(fleet: &FleetRepo, ns_dir: &Path, component: &str) -> Result<Option<GeneratedFile>> {
    let path = ns_dir.join("kustomization.yaml");
    let text = fleet.read_optional(&path)?.unwrap_or_default();
    let origin = path.display().to_string();
    match yaml::append_to_sequence(&text, "resources", component, &origin) {
        Ok(SequenceEdit::Added(content)) => Ok(Some(GeneratedFile { path, content })),
        Ok(SequenceEdit::AlreadyPresent) => Ok(None),
        Err(EditError::Parse(e)) => Err(e.into()),
        Err(e @ EditError::Unsupported { .. }) => Err(TenantError::RepoContent {
            path,
            reason: e.to_string(),
        }
        .into()),
    }
}

/// keos clusters (`clusters/<c>/default/flux-system/`) without `secrets/<component>/`: their
/// `apps-<component>-secrets` fails with "path not found" until a secret is added.
fn missing_secrets(fleet: &FleetRepo, component: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for dir in validate::subdirs(fleet, Path::new("clusters"))? {
        let cluster = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if cluster.starts_with('_') || !fleet.path(dir.join("default/flux-system")).is_dir() {
            continue;
        }
        let secrets: PathBuf = dir.join("secrets").join(component);
        if !fleet.path(&secrets).is_dir() {
            out.push(format!(
                "{} has no secrets/{component}/: run `kubectl fleet secret set {cluster} {component} NAME --from-file KEY=PATH` before it reconciles",
                dir.display()
            ));
        }
    }
    Ok(out)
}
