//! `kubectl fleet tenant`: tenant and platform-component onboarding.

use clap::{Parser, Subcommand};

use super::{GlobalArgs, KubeArgs};
use crate::error::{Error, ExitStatus, Result};

/// Onboard tenant namespaces and platform components, and show tenants' health.
#[derive(Parser, Debug)]
#[command(version)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Subcommands of `tenant`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Onboard a tenant namespace.
    Create {
        /// Namespace.
        namespace: String,
    },
    /// List tenants per cluster.
    List,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let _ = args;
    Err(Error::Usage(
        "`kubectl fleet tenant` is not implemented yet".into(),
    ))
}
