//! `tenant component add` and `tenant automation`: repository files only, no cluster.

use super::{RepoSelection, check_conflicts, display_dir, write_plan};
use crate::{
    error::Result,
    output::Reporter,
    repo::{WritePlan, layout::NamespaceSync, names},
    tenant::{
        TenantError,
        automation::{self, AutomationOptions},
        component::{self, ComponentOptions},
        validate,
    },
};

/// What a file-writing command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilesOutcome {
    /// What the files are (`tenants/apps/components/backend/`, `component monitoring`).
    pub what: String,
    /// `--dry-run`: the unified diff, `None` when nothing would change.
    pub diff: Option<String>,
    /// How many files were written (none for `--dry-run` or when up to date).
    pub written: usize,
}

/// What `tenant component add` is asked to do.
#[derive(Clone, Debug)]
pub struct ComponentAddRequest {
    /// The fleet repository.
    pub repo: RepoSelection,
    /// The component.
    pub name: String,
    /// Kustomizations its first Kustomization waits for.
    pub depends_on: Vec<String>,
    /// Substitute `${VAR}`s in its manifests from the runtime-info ConfigMap.
    pub substitute: bool,
    /// The platform repository, to scaffold a components directory that does not exist.
    pub git_url: Option<String>,
    /// `--insecure-http`: accept a plain http `git_url` (the token then crosses unencrypted).
    pub insecure_http: bool,
    /// Overwrite a component file that differs.
    pub force: bool,
    /// Show the diff without writing.
    pub dry_run: bool,
}

/// Onboards a platform component: its file, listed in the components kustomization.yaml (edited
/// in place, comments kept), or a scaffolded components directory.
pub fn component_add(req: ComponentAddRequest, reporter: &dyn Reporter) -> Result<FilesOutcome> {
    let (fleet, layout) = req.repo.open()?;
    let opts = ComponentOptions {
        name: req.name.clone(),
        depends_on: req.depends_on.clone(),
        substitute: req.substitute,
        git_url: req.git_url.clone(),
        insecure_http: req.insecure_http,
    };
    let plan = component::plan(&fleet, &layout, &opts)?;
    for w in &plan.warnings {
        reporter.warn(w);
    }
    let mut write = WritePlan::new(&fleet, plan.files.clone())?;
    if let Some(edited) = &plan.edited {
        write.mark_edit(edited.clone());
    }
    check_conflicts(&write, req.force, req.dry_run)?;
    let what = format!("component {}", req.name);
    let outcome = write_plan(&fleet, &write, reporter, req.dry_run, req.force, &what)?;
    if !req.dry_run {
        if plan.scaffolded {
            reporter.note(&format!("  scaffolded {}", display_dir(&layout.components_dir())));
        }
        if let Some(edited) = &plan.edited {
            reporter.note(&format!("  listed {}.yaml in {}", req.name, edited.display()));
        }
    }
    Ok(outcome)
}

/// What `tenant automation` is asked to do.
#[derive(Clone, Debug)]
pub struct AutomationRequest {
    /// The fleet repository.
    pub repo: RepoSelection,
    /// The tenant (`infra` for the platform components).
    pub tenant: String,
    /// The tenant's repository (default: the one its namespaces use).
    pub git_url: Option<String>,
    /// `--insecure-http`: accept a plain http git URL (the token then crosses unencrypted).
    pub insecure_http: bool,
    /// Commit author name.
    pub author_name: String,
    /// Commit author email.
    pub author_email: String,
    /// Overwrite files that differ.
    pub force: bool,
    /// Show the diff without writing.
    pub dry_run: bool,
}

/// Writes a tenant's image-automation directory.
pub fn automation(req: AutomationRequest, reporter: &dyn Reporter) -> Result<FilesOutcome> {
    let (fleet, layout) = req.repo.open()?;
    if layout.namespace_sync() == NamespaceSync::PerComponent {
        return Err(TenantError::Flags(
            "tenant automation writes a d1 tenant's own namespace, GitRepository and Secret; keos apps come from keos-apps and have no per-tenant repository to push image updates to, so the keos profile does not support it".into(),
        )
        .into());
    }
    names::dns_label_max("tenant", &req.tenant, 56)?;
    let platform = automation::is_platform(&layout, &req.tenant);
    let git_url = if platform {
        String::new()
    } else {
        let onboarded = validate::onboarded_namespaces(&fleet, &layout)?;
        let url = match &req.git_url {
            Some(url) => url.clone(),
            None => match validate::tenant_git_url(&fleet, &onboarded, &req.tenant)? {
                Some((url, _)) => url,
                None => {
                    return Err(TenantError::MissingGitUrl {
                        what: format!("image automation of tenant '{}'", req.tenant),
                        hint: " (no namespace of the tenant names one yet)".into(),
                    }
                    .into());
                }
            },
        };
        validate::git_url(&url, req.insecure_http)?;
        validate::namespace_is_free(
            &onboarded,
            &format!("{}-update", req.tenant),
            &req.tenant,
            &layout.automation_dir(&req.tenant),
        )?;
        url
    };
    let opts = AutomationOptions {
        tenant: req.tenant.clone(),
        git_url,
        author_name: req.author_name.clone(),
        author_email: req.author_email.clone(),
    };
    let bundle = automation::bundle(&layout, &opts);
    let plan = WritePlan::new(&fleet, bundle.generated_files()?)?;
    check_conflicts(&plan, req.force, req.dry_run)?;
    write_plan(
        &fleet,
        &plan,
        reporter,
        req.dry_run,
        req.force,
        &display_dir(&bundle.dir),
    )
}
