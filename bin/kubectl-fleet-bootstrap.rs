//! `kubectl fleet bootstrap`: see [`fleet::cli::bootstrap`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::bootstrap::Args, _, _>("bootstrap", fleet::cli::bootstrap::run)
}
