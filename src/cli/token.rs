//! `kubectl fleet token`: git tokens in the OS keyring, checked and rotated fleet-wide.

use clap::{Parser, Subcommand};

use super::{GlobalArgs, KubeArgs};
use crate::error::{Error, ExitStatus, Result};

/// Keep git tokens (PATs) in the OS keyring, check their expiry and rotate them fleet-wide.
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

/// Subcommands of `token`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Store a token in the OS keyring.
    Set {
        /// Credential name.
        name: String,
    },
    /// List stored tokens.
    List,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let _ = args;
    Err(Error::Usage(
        "`kubectl fleet token` is not implemented yet".into(),
    ))
}
