//! `kubectl fleet tree`: see [`fleet::cli::tree`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::tree::Args, _, _>("tree", fleet::cli::tree::run)
}
