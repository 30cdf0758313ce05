//! `kubectl fleet tenant`: see [`fleet::cli::tenant`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::tenant::Args, _, _>("tenant", fleet::cli::tenant::run)
}
