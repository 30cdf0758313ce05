//! `kubectl fleet resume`: see [`fleet::cli::reconcile`].

use std::process::ExitCode;

fn main() -> ExitCode {
    fleet::cli::run_main::<fleet::cli::reconcile::ResumeArgs, _, _>(
        "resume",
        fleet::cli::reconcile::run_resume,
    )
}
