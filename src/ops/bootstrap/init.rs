//! `bootstrap init`: the files of `clusters/CLUSTER/`, checked and planned before any is written.

use std::path::PathBuf;

use crate::{
    bootstrap::{BootstrapError, ClusterLayout, InitInput, from, operator, profile, render, resolve},
    error::Result,
    manifests::yaml,
    output::Reporter,
    repo::{FleetRepo, GeneratedFile, WritePlan},
};

/// `bootstrap init`: what to write.
pub struct InitRequest {
    /// The fleet repository checkout.
    pub repo: FleetRepo,
    /// The flags.
    pub input: InitInput,
    /// `--components-manifest FILE|URL` (classic layout).
    pub components_manifest: Option<String>,
    /// `--force`: overwrite files that differ.
    pub force: bool,
    /// `--dry-run`: plan only.
    pub dry_run: bool,
}

/// What `bootstrap init` planned, and wrote unless it was a dry run.
#[derive(Debug)]
pub struct InitOutcome {
    /// The cluster directory name.
    pub cluster: String,
    /// `clusters/CLUSTER`.
    pub dir: PathBuf,
    /// Every file and what writing it does (did).
    pub plan: WritePlan,
    /// Whether the files were written (false for `--dry-run`).
    pub written: bool,
}

/// Writes `clusters/CLUSTER/` of a d1 fleet from the flags (over another cluster's settings with
/// `--from`). Every input is checked, and every file generated and compared with the checkout,
/// before the first file is written. keos fleets are dispatched to their own writer by the
/// public `init` of the parent module, so this module never depends on the keos one.
pub(super) async fn init(req: InitRequest, reporter: &dyn Reporter) -> Result<InitOutcome> {
    let InitRequest {
        repo,
        input,
        components_manifest,
        force,
        dry_run,
    } = req;
    let keos_only = crate::bootstrap::keos::keos_only_flags(&input);
    if !keos_only.is_empty() {
        return Err(BootstrapError::from(crate::bootstrap::keos::KeosError::KeosOnly {
            flags: keos_only,
            profile: "d1",
        })
        .into());
    }
    let set = resolve::parse_sets(&input.set)?;
    let base = input
        .from
        .as_deref()
        .map(|o| from::read_cluster(&repo, o))
        .transpose()?;
    let spec = resolve::resolve(&input, &set, base.as_ref())?;
    let components = match (&components_manifest, spec.layout) {
        (Some(given), ClusterLayout::D1) => {
            return Err(BootstrapError::InvalidFlag {
                flag: "--components-manifest",
                value: given.clone(),
                reason: "only the classic layout has a components manifest (--layout classic); the d1 \
                         layout's FluxInstance installs the components"
                    .into(),
            }
            .into());
        }
        (Some(src), ClusterLayout::Classic) => {
            let text = operator::fetch_text(src, "the Flux components manifest").await?;
            // Refuse a file kustomize-controller could not apply later.
            yaml::objects_from_multi_doc(&text, src)?;
            Some(text)
        }
        (None, _) => None,
    };
    if let Some(b) = &base {
        if input.domain.is_none() {
            reporter.warn(&format!(
                "CLUSTER_DOMAIN copied from {}: {} (pass --domain to change it)",
                b.spec.cluster, spec.runtime.cluster_domain
            ));
        }
        for f in &b.not_copied {
            reporter.warn(&format!(
                "clusters/{}/{f} was not copied (bootstrap init generates only the standard files)",
                b.spec.cluster
            ));
        }
    }
    if let Some(p) = &input.profile {
        profile::check(&repo, p)?;
    }
    // The platform source (flux-infra) is shared by every cluster and reads one Secret.
    let platform_dir = crate::repo::Layout::new(repo.config(), None)?.components_dir();
    for w in crate::bootstrap::fleet::unreached_readers(
        &repo,
        &[platform_dir],
        &spec.cluster,
        "the sync reads",
        spec.pull_secret.as_deref(),
    ) {
        reporter.warn(&w);
    }
    let mut files = render::generate(&spec, base.as_ref(), components.as_deref())?;
    if let Some(k) = profile::cluster_kustomization(
        &spec,
        input.profile.as_deref(),
        base.as_ref().and_then(|b| b.cluster_kustomization.as_ref()),
    )? {
        let path = spec.dir().join(profile::CLUSTER_KUSTOMIZATION);
        files.push(GeneratedFile {
            content: yaml::to_string(&k, &path.display().to_string())?,
            path,
        });
    }
    let plan = WritePlan::new(&repo, files)?;
    if !dry_run {
        plan.apply(&repo, force)?;
    }
    Ok(InitOutcome {
        dir: spec.dir(),
        cluster: spec.cluster,
        plan,
        written: !dry_run,
    })
}

#[cfg(test)]
mod tests {
    use super::{super::testing::fleet, *};
    use crate::output::Recorder;

    #[tokio::test]
    async fn init_from_warns_about_the_copied_domain_and_dry_run_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = fleet(dir.path()).await;
        std::fs::write(dir.path().join("clusters/staging/extra.yaml"), "a: 1\n").expect("write");
        let recorder = Recorder::new();
        let out = init(
            InitRequest {
                repo,
                input: InitInput {
                    cluster: "prod-eu".into(),
                    from: Some("staging".into()),
                    production: true,
                    ..Default::default()
                },
                components_manifest: None,
                force: false,
                dry_run: true,
            },
            &recorder,
        )
        .await
        .expect("init --from");
        assert!(!out.written);
        assert!(!dir.path().join("clusters/prod-eu").exists());
        assert_eq!(out.dir, PathBuf::from("clusters/prod-eu"));
        let text = recorder.text();
        assert!(
            text.contains("Warn CLUSTER_DOMAIN copied from staging: preview1.example.com"),
            "{text}"
        );
        assert!(
            text.contains("clusters/staging/extra.yaml was not copied"),
            "{text}"
        );
    }
}
