//! `kubectl fleet token`: see [`fleet::cli::token`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::token::Args, _, _>("token", fleet::cli::token::run)
}
