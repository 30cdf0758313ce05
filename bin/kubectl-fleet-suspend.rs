//! `kubectl fleet suspend`: see [`fleet::cli::reconcile`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::reconcile::SuspendArgs, _, _>(
        "suspend",
        fleet::cli::reconcile::run_suspend,
    )
}
