//! `kubectl fleet`: the dispatcher krew installs.
//!
//! krew links exactly one executable per plugin, so `kubectl fleet tree …` reaches this binary as
//! `kubectl-fleet tree …` when only it is on PATH. It forwards every argument to the sibling
//! `kubectl-fleet-<cmd>` shipped next to its own (canonicalized) path, or found on PATH, and
//! preserves the exit code. It is deliberately tiny: no kube, no tokio, only std.
//!
//! Installed (or symlinked) as `kubectl_complete-fleet`, it answers kubectl's plugin completion
//! protocol: the first word itself, deeper words by running the sibling with `FLEET_COMPLETE=kubectl`.

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
    out.push_str(&format!(
        "  {:<width$}  Install kubectl completion helpers (kubectl fleet completion --help)\n",
        "completion"
    ));
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

/// Name of the completion helper kubectl looks for (kubectl >= 1.26).
const COMPLETE_PREFIX: &str = "kubectl_complete-fleet";

fn main() -> ExitCode {
    let invoked = env::args_os().next().map(PathBuf::from);
    let invoked_name = invoked
        .as_deref()
        .and_then(Path::file_stem)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(rest) = invoked_name.strip_prefix(COMPLETE_PREFIX) {
        let words: Vec<OsString> = env::args_os().skip(1).collect();
        return complete(rest.strip_prefix('-'), words);
    }
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
        "completion" => completion(rest),
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

/// Answers `kubectl __complete fleet …`: `implied` is the subcommand when invoked as
/// `kubectl_complete-fleet-<cmd>`; `words` ends with the word being completed.
fn complete(implied: Option<&str>, mut words: Vec<OsString>) -> ExitCode {
    let sub = match implied {
        Some(cmd) => Some(cmd.to_string()),
        None if words.len() > 1 => Some(words.remove(0).to_string_lossy().into_owned()),
        None => None,
    };
    let mut out = String::new();
    match sub.as_deref() {
        None => {
            let prefix = words
                .first()
                .map(|w| w.to_string_lossy().into_owned())
                .unwrap_or_default();
            let extra = [
                ("version", "Print the version"),
                ("completion", "Install kubectl completion helpers"),
            ];
            for (name, about) in COMMANDS.iter().copied().chain(extra) {
                if name.starts_with(&prefix) {
                    out.push_str(&format!("{name}\t{about}\n"));
                }
            }
        }
        Some("completion") => {
            let prefix = words
                .last()
                .map(|w| w.to_string_lossy().into_owned())
                .unwrap_or_default();
            if words.len() <= 1 {
                for (name, about) in [
                    ("install", "Install the kubectl_complete-fleet helpers"),
                    ("uninstall", "Remove them"),
                ] {
                    if name.starts_with(&prefix) {
                        out.push_str(&format!("{name}\t{about}\n"));
                    }
                }
            }
        }
        Some(cmd) if COMMANDS.iter().any(|(n, _)| *n == cmd) => {
            let Some(path) = find_sibling(cmd) else {
                println!(":4");
                return ExitCode::SUCCESS;
            };
            return forward_completion(&path, words);
        }
        Some(_) => {}
    }
    out.push_str(":4\n");
    print!("{out}");
    ExitCode::SUCCESS
}

#[cfg(unix)]
fn forward_completion(path: &Path, words: Vec<OsString>) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let _ = Command::new(path)
        .args(words)
        .env("FLEET_COMPLETE", "kubectl")
        .exec();
    println!(":4");
    ExitCode::SUCCESS
}

#[cfg(not(unix))]
fn forward_completion(path: &Path, words: Vec<OsString>) -> ExitCode {
    match Command::new(path)
        .args(words)
        .env("FLEET_COMPLETE", "kubectl")
        .status()
    {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) => {
            println!(":4");
            ExitCode::SUCCESS
        }
    }
}

const COMPLETION_HELP: &str = "Set up `kubectl fleet <TAB>` completion (kubectl >= 1.26).

kubectl completes plugins through a `kubectl_complete-fleet` executable on PATH, which krew cannot
install. `install` links it (and `kubectl_complete-fleet-<command>` for installs where every binary
is on PATH) next to the `kubectl-fleet` found on PATH, e.g. ~/.krew/bin. Your shell's kubectl
completion (`source <(kubectl completion bash)`, zsh, fish, powershell) then covers kubectl fleet.

Usage: kubectl fleet completion install [--dir DIR]
       kubectl fleet completion uninstall [--dir DIR]

Static scripts for the kubectl-fleet* binaries themselves are in completions/ (bash, zsh, fish,
powershell).
";

fn completion(args: Vec<OsString>) -> ExitCode {
    let args: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let mut dir: Option<PathBuf> = None;
    let mut action: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-h" | "--help" => {
                print!("{COMPLETION_HELP}");
                return ExitCode::SUCCESS;
            }
            "--dir" => {
                i += 1;
                match args.get(i) {
                    Some(d) => dir = Some(PathBuf::from(d)),
                    None => return fail("--dir needs a directory"),
                }
            }
            d if d.starts_with("--dir=") => dir = Some(PathBuf::from(&d["--dir=".len()..])),
            "install" | "uninstall" if action.is_none() => {
                action = Some(if args[i] == "install" {
                    "install"
                } else {
                    "uninstall"
                })
            }
            other => {
                return fail(&format!(
                    "unexpected argument '{other}' for 'kubectl fleet completion'\n\n{COMPLETION_HELP}"
                ));
            }
        }
        i += 1;
    }
    let Some(action) = action else {
        print!("{COMPLETION_HELP}");
        return ExitCode::from(USAGE_ERROR);
    };
    let Some(dir) = dir.or_else(link_dir) else {
        return fail("cannot find kubectl-fleet on PATH; pass --dir DIR (a directory on PATH)");
    };
    if !dir.is_dir() {
        return fail(&format!("'{}' is not a directory", dir.display()));
    }
    let names: Vec<String> = std::iter::once(COMPLETE_PREFIX.to_string())
        .chain(COMMANDS.iter().map(|(c, _)| format!("{COMPLETE_PREFIX}-{c}")))
        .map(|n| format!("{n}{}", env::consts::EXE_SUFFIX))
        .collect();
    let target = match env::current_exe().and_then(|p| p.canonicalize()) {
        Ok(p) => p,
        Err(e) => return fail(&format!("cannot locate this executable: {e}")),
    };
    for name in &names {
        let path = dir.join(name);
        if path.symlink_metadata().is_ok()
            && let Err(e) = std::fs::remove_file(&path)
        {
            return fail(&format!("cannot replace '{}': {e}", path.display()));
        }
        if action == "install"
            && let Err(e) = link(&target, &path)
        {
            return fail(&format!("cannot create '{}': {e}", path.display()));
        }
    }
    let verb = if action == "install" {
        "installed"
    } else {
        "removed"
    };
    eprintln!("✔ {verb} {} in {}", names.join(", "), dir.display());
    if action == "install" {
        eprintln!("  kubectl fleet <TAB> now completes in any shell with kubectl completion enabled.");
    }
    ExitCode::SUCCESS
}

#[cfg(unix)]
fn link(target: &Path, path: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

#[cfg(not(unix))]
fn link(target: &Path, path: &Path) -> std::io::Result<()> {
    std::fs::copy(target, path).map(|_| ())
}

/// The directory of the first `kubectl-fleet` on PATH (the krew link, not its target).
fn link_dir() -> Option<PathBuf> {
    let name = format!("kubectl-fleet{}", env::consts::EXE_SUFFIX);
    env::var_os("PATH").and_then(|paths| env::split_paths(&paths).find(|d| d.join(&name).is_file()))
}
