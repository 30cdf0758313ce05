//! `kubectl fleet reconcile`: see [`fleet::cli::reconcile`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::reconcile::ReconcileArgs, _, _>(
        "reconcile",
        fleet::cli::reconcile::run_reconcile,
    )
}
