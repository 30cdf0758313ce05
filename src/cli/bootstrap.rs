//! `kubectl fleet bootstrap`: scaffold clusters in the fleet repo, bootstrap Flux on them.

use clap::{Parser, Subcommand};

use super::{GlobalArgs, KubeArgs};
use crate::error::{Error, ExitStatus, Result};

/// Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the whole fleet.
#[derive(Parser, Debug)]
#[command(version, args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Cluster directories (clusters/NAME) to bootstrap.
    #[arg(value_name = "CLUSTER")]
    pub clusters: Vec<String>,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Subcommands of `bootstrap`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write clusters/CLUSTER/ in the fleet repository.
    Init {
        /// Cluster name.
        cluster: String,
    },
    /// Show Flux status per cluster.
    Status,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let _ = args;
    Err(Error::Usage(
        "`kubectl fleet bootstrap` is not implemented yet".into(),
    ))
}
