//! `kubectl fleet tree`: what Flux manages, as a live-status tree.

use clap::Parser;

use super::{GlobalArgs, KubeArgs, NamespaceArg};
use crate::error::{Error, ExitStatus, Result};

const EXAMPLES: &str = "Examples:
  # The whole tree under the flux-system Kustomization, with live status
  kubectl fleet tree

  # One HelmRelease in a namespace
  kubectl fleet tree hr/podinfo -n frontend

  # Only what is failing, on every cluster of the kubeconfig
  kubectl fleet tree --all-contexts --status failing";

/// Show what Flux manages as a live-status tree.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
pub struct Args {
    /// Root object: KIND/NAME or KIND/NAMESPACE/NAME (kinds: ks, hr, rset, instance or full names).
    #[arg(
        value_name = "KIND/NAME",
        default_value = "Kustomization/flux-system/flux-system"
    )]
    pub object: String,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub namespace: NamespaceArg,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TreeFormat::Tree)]
    pub output: TreeFormat,

    /// Show Flux objects only.
    #[arg(long)]
    pub compact: bool,

    /// Show only failing nodes and their ancestors.
    #[arg(long, value_enum, value_name = "FILTER")]
    pub status: Option<StatusFilter>,

    /// Expand at most N levels below the root.
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// `-o` for the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TreeFormat {
    /// Tree with glyphs and colour.
    Tree,
    /// Indented table.
    Table,
    /// JSON document.
    Json,
    /// YAML document.
    Yaml,
}

/// `--status` filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFilter {
    /// Failing nodes (NotReady, Missing, Stale, Unknown) and their ancestors.
    Failing,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let _ = args;
    Err(Error::Usage("`kubectl fleet tree` is not implemented yet".into()))
}
