//! `kubectl fleet secret`: see [`fleet::cli::secret`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::secret::Args, _, _>("secret", fleet::cli::secret::run)
}
