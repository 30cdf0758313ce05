//! keos fleets (`profile: keos`): `bootstrap init` writes a keos cluster directory, and
//! `bootstrap CLUSTER…` runs the manual procedure of keos fleets as one command.

use super::init::InitOutcome;
use crate::{
    bootstrap::{
        BootstrapError, InitInput,
        keos::{self, KeosError},
    },
    error::Result,
    output::Reporter,
    repo::{FleetRepo, Layout, WritePlan},
};

/// `bootstrap init` on a keos fleet: every input checked, every file generated and compared with
/// the checkout, before the first file is written.
pub fn init(
    repo: FleetRepo,
    input: InitInput,
    components_manifest: bool,
    force: bool,
    dry_run: bool,
    reporter: &dyn Reporter,
) -> Result<InitOutcome> {
    let d1_only = keos::d1_only_flags(&input, components_manifest);
    if !d1_only.is_empty() {
        return Err(BootstrapError::from(KeosError::D1Only { flags: d1_only }).into());
    }
    let layout = Layout::new(repo.config(), input.use_case.as_deref())?;
    // Layout::new checked it: keos has a use case, and it is a DNS label.
    let use_case = input
        .use_case
        .clone()
        .or_else(|| repo.config().use_case.clone())
        .unwrap_or_default();
    let base = input
        .from
        .as_deref()
        .map(|o| keos::read_from(&repo, o))
        .transpose()?;
    let spec = keos::resolve(&input, &use_case, base.as_ref())?;
    let (files, warnings) = keos::generate(&repo, &layout, &spec, base.as_ref())?;
    for w in &warnings {
        reporter.warn(w);
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
