//! `kubectl fleet`: the dispatcher krew installs, and the `kubectl_complete-fleet*` completion
//! helper when invoked under that name. The logic lives in `src/cli/dispatch.rs`, driven by the
//! command table in `src/cli/commands.rs`; both are included here by path so this binary links
//! neither the library nor kube or tokio (it runs on every `kubectl fleet …` and TAB press).

#[path = "../src/cli/commands.rs"]
#[allow(dead_code)] // the library uses the whole table; this binary only part of it
mod commands;
#[path = "../src/cli/dispatch/mod.rs"]
mod dispatch;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args_os();
    let argv0 = args.next().map(std::path::PathBuf::from);
    dispatch::run(argv0, args.collect())
}
