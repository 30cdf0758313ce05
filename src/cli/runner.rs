//! The `main` of every command binary: parse with the `kubectl fleet <cmd>` usage name, run on a
//! tokio runtime, print the error report and map the outcome to the exit code.

use std::{future::Future, io::Write, process::ExitCode};

use clap::Parser;

use crate::{
    error::{Error, ExitStatus},
    output::{ColorChoice, Paint, Tone},
};

/// Parses `A` from the process arguments as `kubectl fleet <name>`, runs `run`, and returns the
/// exit code. Clap's own errors exit 2 and `--help` exits 0, as clap does.
pub fn run_main<A, F, Fut>(name: &str, run: F) -> ExitCode
where
    A: Parser,
    F: FnOnce(A) -> Fut,
    Fut: Future<Output = Result<ExitStatus, Error>>,
{
    if let Some(code) = super::completion::maybe_complete(&format!("kubectl-fleet-{name}"), A::command) {
        return code;
    }
    let bin_name = format!("kubectl fleet {name}");
    let command = A::command().bin_name(&bin_name);
    let matches = command.get_matches_from(super::args::kubectl_log_level(std::env::args_os()));
    // Every command flattens `GlobalArgs`; its `--color` also governs the `error:` prefix below.
    let color = matches
        .try_get_one::<ColorChoice>("color")
        .ok()
        .flatten()
        .copied()
        .unwrap_or_default();
    color.apply_global();
    let args = match A::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: failed to start the async runtime: {e}");
            return ExitCode::from(ExitStatus::Failure.code());
        }
    };
    let result = runtime.block_on(run(args));
    // Do not wait for lingering tasks (e.g. keep-alive connections) on the way out.
    runtime.shutdown_background();
    match result {
        Ok(status) => status.into(),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, color);
            e.exit_status().into()
        }
    }
}

/// Prints an error report to stderr, with `error:` in red when `color` allows it.
pub fn report(e: &Error, color: ColorChoice) {
    let paint = Paint::new(color.for_stderr());
    let text = e.report();
    let text = match text.strip_prefix("error:") {
        Some(rest) => format!("{}{rest}", paint.paint(Tone::Bad, "error:")),
        None => text,
    };
    let _ = writeln!(std::io::stderr(), "{text}");
}
