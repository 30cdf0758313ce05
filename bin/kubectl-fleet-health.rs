//! `kubectl fleet health`: see [`fleet::cli::health`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::health::Args, _, _>("health", fleet::cli::health::run)
}
