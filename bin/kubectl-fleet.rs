//! `kubectl fleet`: the dispatcher krew installs.
//!
//! krew links exactly one executable per plugin, so `kubectl fleet tree …` reaches this binary as
//! `kubectl-fleet tree …` when only it is on PATH. It forwards every argument to the sibling
//! `kubectl-fleet-<cmd>` shipped next to its own (canonicalized) path, or found on PATH, and
//! preserves the exit code. It is deliberately tiny: no kube, no tokio, only std.

#[path = "../src/cli/commands.rs"]
mod commands;

use std::{
    env,
    ffi::OsString,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
};

use commands::{COMMANDS, VERSION};

const USAGE_ERROR: u8 = 2;

fn help() -> String {
    let width = COMMANDS
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0)
        .max("version".len());
    let mut out = String::from(
        "Bootstrap, onboard, rotate credentials and inspect Flux across a fleet of clusters.\n\n\
         Usage: kubectl fleet <COMMAND> [ARGS]...\n\nCommands:\n",
    );
    for (name, about) in COMMANDS {
        out.push_str(&format!("  {name:<width$}  {about}\n"));
    }
    out.push_str(&format!("  {:<width$}  Print the version\n", "version"));
    out.push_str(
        "\nEvery command takes --kubeconfig, --context (repeatable), -o/--output, -q/-v and --color\n\
         after its name. Run 'kubectl fleet <COMMAND> --help' for details.\n",
    );
    out
}

fn exe_name(cmd: &str) -> String {
    format!("kubectl-fleet-{cmd}{}", env::consts::EXE_SUFFIX)
}

/// The sibling next to the canonicalized dispatcher (krew's symlink resolved into its store
/// directory), else the first one on PATH.
fn find_sibling(cmd: &str) -> Option<PathBuf> {
    let name = exe_name(cmd);
    let here = env::current_exe().ok().and_then(|p| p.canonicalize().ok());
    if let Some(dir) = here.as_deref().and_then(Path::parent) {
        let candidate = dir.join(&name);
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    env::var_os("PATH").and_then(|paths| {
        env::split_paths(&paths)
            .map(|d| d.join(&name))
            .find(|p| p.is_file())
    })
}

fn fail(msg: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {msg}");
    ExitCode::from(USAGE_ERROR)
}

#[cfg(unix)]
fn forward(path: &Path, args: Vec<OsString>) -> ExitCode {
    use std::os::unix::process::CommandExt;
    // exec replaces this process, so signals, stdin and the exit code are the sibling's own.
    let err = Command::new(path).args(args).exec();
    fail(&format!("failed to run '{}': {err}", path.display()))
}

#[cfg(not(unix))]
fn forward(path: &Path, args: Vec<OsString>) -> ExitCode {
    match Command::new(path).args(args).status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(err) => fail(&format!("failed to run '{}': {err}", path.display())),
    }
}

fn main() -> ExitCode {
    let mut args = env::args_os().skip(1);
    let Some(first) = args.next() else {
        print!("{}", help());
        return ExitCode::SUCCESS;
    };
    let rest: Vec<OsString> = args.collect();
    let first = first.to_string_lossy().into_owned();
    match first.as_str() {
        "-h" | "--help" | "help" if rest.is_empty() => {
            print!("{}", help());
            ExitCode::SUCCESS
        }
        "help" => {
            let cmd = rest[0].to_string_lossy().into_owned();
            dispatch(&cmd, vec![OsString::from("--help")])
        }
        "version" | "--version" | "-V" => {
            println!("kubectl-fleet {VERSION}");
            ExitCode::SUCCESS
        }
        flag if flag.starts_with('-') => fail(&format!(
            "unexpected flag '{flag}' before the command: flags go after it, e.g. 'kubectl fleet tree {flag}'\n\n{}",
            help()
        )),
        cmd => dispatch(cmd, rest),
    }
}

fn dispatch(cmd: &str, rest: Vec<OsString>) -> ExitCode {
    if !COMMANDS.iter().any(|(name, _)| *name == cmd) {
        let names: Vec<&str> = COMMANDS.iter().map(|(n, _)| *n).collect();
        return fail(&format!(
            "unknown command '{cmd}' for 'kubectl fleet' (available: {}, version)\nRun 'kubectl fleet --help' for usage.",
            names.join(", ")
        ));
    }
    match find_sibling(cmd) {
        Some(path) => forward(&path, rest),
        None => fail(&format!(
            "'kubectl fleet {cmd}' needs '{}' next to the kubectl-fleet binary or on PATH; reinstall the plugin",
            exe_name(cmd)
        )),
    }
}
