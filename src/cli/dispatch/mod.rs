//! The `kubectl fleet` dispatcher: what a command line means, its help, did-you-mean suggestions,
//! the first level of kubectl's plugin completion, and the `kubectl_complete-fleet*` helper links.
//!
//! Everything is derived from the command table in [`super::commands`]. Only std and strsim: the
//! dispatcher binary includes this file and the table with `#[path]`, so it stays small and free
//! of kube and tokio (it runs on every `kubectl fleet …` and every TAB press).
//!
//! Why the completion helper answers the first word with care: kubectl adds a completion command
//! for every `kubectl-*` file on PATH, so with a source or archive install (`kubectl-fleet-tree`
//! on PATH) kubectl itself lists `tree` under `kubectl fleet` and then appends what
//! `kubectl_complete-fleet` prints. Listing `tree` again would show it twice, and bash would
//! insert the common prefix of the two differently described entries (`tree  (`). So the helper
//! leaves out the words kubectl lists from PATH, and kubectl asks `kubectl_complete-fleet-tree`
//! (a link to this binary) for everything after them.

use std::{
    collections::BTreeSet,
    env,
    ffi::{OsStr, OsString},
    fmt::Write as _,
    path::{Path, PathBuf},
    process::ExitCode,
};

pub mod complete;
pub mod links;

use complete::{Completion, complete, helper_mode, kubectl_plugin_words};
use links::{LinkChange, install_links, link_target, uninstall_links, which};

use super::commands::{self, Builtin, COMMANDS, Target, VERSION};

/// The dispatcher's file name.
pub const DISPATCHER: &str = "kubectl-fleet";
/// The prefix of the completion helpers kubectl looks for (kubectl >= 1.26).
pub const HELPER_PREFIX: &str = "kubectl_complete-fleet";
/// Environment variable that switches a sibling binary into kubectl completion mode.
pub const COMPLETE_ENV: &str = "FLEET_COMPLETE";
/// Exit code of usage errors.
pub const USAGE_ERROR: u8 = 2;

/// cobra's ShellCompDirectiveNoFileComp: do not fall back to file names.
const NO_FILE_COMP: u8 = 4;
/// cobra's ShellCompDirectiveFilterDirs: complete directory names only.
const FILTER_DIRS: u8 = 16;

/// Help lines are wrapped to fit this many columns.
const HELP_WIDTH: usize = 100;

/// What a command line asks the dispatcher to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Print this on stdout and exit 0.
    Print(String),
    /// Run `kubectl-fleet-<binary>` with these arguments.
    Run {
        /// The sibling's name after `kubectl-fleet-`.
        binary: &'static str,
        /// Its arguments (the leading subcommand first, if any).
        args: Vec<OsString>,
    },
    /// `completion install|uninstall`.
    Links {
        /// Install or uninstall.
        action: LinkAction,
        /// `--dir`, if given.
        dir: Option<PathBuf>,
    },
    /// A usage error: print on stderr after `error: ` and exit 2.
    Usage(String),
}

/// `completion install` or `completion uninstall`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkAction {
    /// Create or repair the helper links.
    Install,
    /// Remove the helper links install made.
    Uninstall,
}

fn lossy(s: &OsStr) -> String {
    s.to_string_lossy().into_owned()
}

/// What `kubectl fleet ARGS…` means.
pub fn plan(args: &[OsString]) -> Plan {
    let Some(first) = args.first() else {
        return Plan::Print(help());
    };
    let rest = &args[1..];
    match lossy(first).as_str() {
        "-h" | "--help" => help_for(rest),
        "-V" | "--version" => Plan::Print(version()),
        flag if flag.starts_with('-') => Plan::Usage(flags_before_command(args)),
        name => match commands::find(name) {
            None => Plan::Usage(unknown_command(name)),
            Some(cmd) => match cmd.target {
                Target::Binary { binary, leading } => Plan::Run {
                    binary,
                    args: leading
                        .map(OsString::from)
                        .into_iter()
                        .chain(rest.iter().cloned())
                        .collect(),
                },
                Target::Builtin(Builtin::Help) => help_for(rest),
                Target::Builtin(Builtin::Version) => match rest.first().map(|a| lossy(a)) {
                    None => Plan::Print(version()),
                    Some(h) if h == "-h" || h == "--help" => Plan::Print(VERSION_HELP.into()),
                    Some(other) => Plan::Usage(format!(
                        "unexpected argument '{other}' for 'kubectl fleet version'\n\n{VERSION_HELP}"
                    )),
                },
                Target::Builtin(Builtin::Completion) => completion_plan(rest),
            },
        },
    }
}

/// The version line.
pub fn version() -> String {
    format!("{DISPATCHER} {VERSION}\n")
}

const VERSION_HELP: &str = "Print the version.\n\nUsage: kubectl fleet version\n";

/// `kubectl fleet help [COMMAND]` (also `kubectl fleet --help COMMAND`).
fn help_for(rest: &[OsString]) -> Plan {
    let Some(name) = rest.first().map(|a| lossy(a)) else {
        return Plan::Print(help());
    };
    match commands::find(&name).map(|c| c.target) {
        None => Plan::Usage(unknown_command(&name)),
        Some(Target::Binary { binary, leading }) => Plan::Run {
            binary,
            args: leading
                .into_iter()
                .chain(["--help"])
                .map(OsString::from)
                .collect(),
        },
        Some(Target::Builtin(Builtin::Completion)) => Plan::Print(COMPLETION_HELP.into()),
        Some(Target::Builtin(Builtin::Version)) => Plan::Print(VERSION_HELP.into()),
        Some(Target::Builtin(Builtin::Help)) => Plan::Print(help()),
    }
}

/// Wraps `text` to `width` columns: the first line continues a line already at column `start`,
/// the next ones are indented by `indent` spaces.
fn wrap(text: &str, start: usize, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut col = start;
    let mut line_empty = true;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if !line_empty && col + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
            line_empty = true;
        }
        if !line_empty {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
        line_empty = false;
    }
    out
}

/// `kubectl fleet --help`: every command of the table, aligned, within 100 columns.
pub fn help() -> String {
    let width = COMMANDS.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let lead = 2 + width + 2;
    let mut out = String::from(
        "Bootstrap, onboard, rotate credentials and inspect Flux across a fleet of clusters.\n\n\
         Usage: kubectl fleet <COMMAND> [ARGS]...\n\nCommands:\n",
    );
    for cmd in COMMANDS {
        let about = wrap(cmd.about, lead, lead, HELP_WIDTH);
        let _ = writeln!(out, "  {:<width$}  {about}", cmd.name);
    }
    out.push('\n');
    out.push_str(&wrap(
        "Flags go after the command, as with every kubectl plugin: every command takes \
         --kubeconfig, --context (repeatable), -o/--output, -q/-v and --color after its name.",
        0,
        0,
        HELP_WIDTH,
    ));
    out.push_str(
        "\n\n  kubectl fleet tree --context staging\n\n\
         Run 'kubectl fleet help <COMMAND>' or 'kubectl fleet <COMMAND> --help' for details.\n",
    );
    out
}

/// Commands whose names look like `word` (clap's rule: Jaro similarity above 0.7), best first.
pub fn suggestions(word: &str) -> Vec<&'static str> {
    let mut scored: Vec<(f64, &'static str)> = COMMANDS
        .iter()
        .map(|c| (strsim::jaro(word, c.name), c.name))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().map(|(_, name)| name).collect()
}

fn names() -> String {
    COMMANDS.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

/// The error for `kubectl fleet <word>` when no command is named `word`.
pub fn unknown_command(word: &str) -> String {
    let mut out = format!("unknown command '{word}' for 'kubectl fleet'\n");
    let similar = suggestions(word);
    if !similar.is_empty() {
        out.push_str("\nDid you mean this?\n");
        for name in similar {
            let _ = writeln!(out, "        {name}");
        }
        out.push('\n');
    }
    let _ = write!(
        out,
        "Commands: {}\nRun 'kubectl fleet --help' for usage.",
        names()
    );
    out
}

/// Quotes `word` for a POSIX shell when it needs it.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The error for `kubectl fleet --flag … <command> …`: kubectl stops looking for a plugin at the
/// first flag, so it ran the dispatcher with the flags first. Shows the command line that works.
pub fn flags_before_command(args: &[OsString]) -> String {
    let words: Vec<String> = args.iter().map(|a| lossy(a)).collect();
    let is_command = |w: &str| commands::find(w).is_some();
    let takes_value = |w: &str| w.starts_with('-') && !w.contains('=');
    // The command is the first command name that is not the value of the flag before it (as in
    // `--context tree tree`), else the first command name at all (as in `--all-contexts tree`).
    let position = (1..words.len())
        .find(|&i| is_command(&words[i]) && !takes_value(&words[i - 1]))
        .or_else(|| words.iter().position(|w| is_command(w)));
    let mut out = format!(
        "flags cannot be placed before the command ('{}'); flags go after it, as with every \
         kubectl plugin:\n\n",
        words[0]
    );
    match position {
        Some(i) => {
            let reordered: Vec<String> = std::iter::once(&words[i])
                .chain(&words[..i])
                .chain(&words[i + 1..])
                .map(|w| shell_quote(w))
                .collect();
            let _ = write!(out, "    kubectl fleet {}", reordered.join(" "));
        }
        None => {
            let flags: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
            let _ = write!(
                out,
                "    kubectl fleet <COMMAND> {}\n\nCommands: {}",
                flags.join(" "),
                names()
            );
        }
    }
    out
}

/// `kubectl fleet completion --help`.
pub const COMPLETION_HELP: &str = "Set up `kubectl fleet <TAB>` completion (kubectl >= 1.26).

kubectl completes plugins through `kubectl_complete-fleet*` executables on PATH, which krew cannot
install. `install` links them next to the `kubectl-fleet` found on PATH (e.g. ~/.krew/bin, where
the links point at krew's own link and so survive `kubectl krew upgrade fleet`). Re-running it
repairs links left dangling; `uninstall` removes only the links `install` made. Your shell's kubectl
completion (`source <(kubectl completion bash)`, zsh, fish, powershell) then covers kubectl fleet.

Usage: kubectl fleet completion install [--dir DIR]
       kubectl fleet completion uninstall [--dir DIR]

Options:
  --dir DIR   Directory for the links (default: the one holding the kubectl-fleet on PATH)

Static scripts for the kubectl-fleet* binaries themselves are in completions/ (bash, zsh, fish,
powershell).
";

fn completion_plan(args: &[OsString]) -> Plan {
    let mut dir: Option<PathBuf> = None;
    let mut action: Option<LinkAction> = None;
    let mut iter = args.iter().map(|a| lossy(a));
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-h" | "--help" => return Plan::Print(COMPLETION_HELP.into()),
            "--dir" => match iter.next() {
                Some(d) => dir = Some(PathBuf::from(d)),
                None => return Plan::Usage("--dir needs a directory".into()),
            },
            "install" if action.is_none() => action = Some(LinkAction::Install),
            "uninstall" if action.is_none() => action = Some(LinkAction::Uninstall),
            other => match other.strip_prefix("--dir=") {
                Some(d) => dir = Some(PathBuf::from(d)),
                None => {
                    return Plan::Usage(format!(
                        "unexpected argument '{other}' for 'kubectl fleet completion'\n\n{COMPLETION_HELP}"
                    ));
                }
            },
        }
    }
    match action {
        Some(action) => Plan::Links { action, dir },
        None => Plan::Usage(format!(
            "'kubectl fleet completion' needs 'install' or 'uninstall'\n\n{COMPLETION_HELP}"
        )),
    }
}

/// The sibling `kubectl-fleet-<binary>` next to the canonicalized dispatcher (krew's link resolved
/// into its store directory), else the first one on PATH.
pub fn find_sibling(binary: &str) -> Option<PathBuf> {
    let name = format!("{DISPATCHER}-{binary}{}", env::consts::EXE_SUFFIX);
    let here = env::current_exe().ok().and_then(|p| p.canonicalize().ok());
    here.as_deref()
        .and_then(Path::parent)
        .map(|dir| dir.join(&name))
        .filter(|p| p.is_file())
        .or_else(|| which(&name, env::var_os("PATH").as_deref()))
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(USAGE_ERROR)
}

/// Replaces this process with `path` (Unix), so signals, stdin and the exit code are its own.
#[cfg(unix)]
fn exec(path: &Path, args: Vec<OsString>, complete: bool) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(path);
    cmd.args(args);
    if complete {
        cmd.env(COMPLETE_ENV, "kubectl");
    }
    let err = cmd.exec();
    fail(&format!("failed to run '{}': {err}", path.display()))
}

#[cfg(not(unix))]
fn exec(path: &Path, args: Vec<OsString>, complete: bool) -> ExitCode {
    let mut cmd = std::process::Command::new(path);
    cmd.args(args);
    if complete {
        cmd.env(COMPLETE_ENV, "kubectl");
    }
    match cmd.status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(err) => fail(&format!("failed to run '{}': {err}", path.display())),
    }
}

/// The dispatcher's `main`: `argv0` and `args` are the process arguments.
pub fn run(argv0: Option<PathBuf>, args: Vec<OsString>) -> ExitCode {
    if let Some(implied) = argv0.as_deref().and_then(helper_mode) {
        let path = env::var_os("PATH");
        let listed = if implied.is_none() && args.len() <= 1 {
            kubectl_plugin_words(path.as_deref())
        } else {
            BTreeSet::new()
        };
        return match complete(implied.as_deref(), &args, &listed) {
            Completion::Answer(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Completion::Forward { binary, words } => match find_sibling(binary) {
                Some(sibling) => exec(&sibling, words, true),
                None => {
                    println!(":{NO_FILE_COMP}");
                    ExitCode::SUCCESS
                }
            },
        };
    }
    match plan(&args) {
        Plan::Print(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Plan::Usage(msg) => fail(&msg),
        Plan::Run { binary, args } => match find_sibling(binary) {
            Some(path) => exec(&path, args, false),
            None => fail(&format!(
                "'kubectl fleet {binary}' needs '{DISPATCHER}-{binary}{}' next to the {DISPATCHER} \
                 binary or on PATH; reinstall the plugin",
                env::consts::EXE_SUFFIX
            )),
        },
        Plan::Links { action, dir } => links(action, dir),
    }
}

fn links(action: LinkAction, dir: Option<PathBuf>) -> ExitCode {
    let path = env::var_os("PATH");
    let dispatcher = format!("{DISPATCHER}{}", env::consts::EXE_SUFFIX);
    let Some(dir) =
        dir.or_else(|| which(&dispatcher, path.as_deref()).and_then(|p| p.parent().map(Path::to_path_buf)))
    else {
        return fail("cannot find kubectl-fleet on PATH; pass --dir DIR (a directory on PATH)");
    };
    let result = match action {
        LinkAction::Install => match env::current_exe() {
            Ok(me) => install_links(&dir, &link_target(&dir, path.as_deref(), &me)),
            Err(e) => Err(format!("cannot locate this executable: {e}")),
        },
        LinkAction::Uninstall => uninstall_links(&dir),
    };
    let changes = match result {
        Ok(changes) => changes,
        Err(e) => return fail(&e),
    };
    let by = |wanted: &[LinkChange]| -> Vec<&str> {
        changes
            .iter()
            .filter(|(_, c)| wanted.contains(c))
            .map(|(n, _)| n.as_str())
            .collect()
    };
    let report = |verb: &str, names: Vec<&str>| {
        if !names.is_empty() {
            eprintln!("✔ {verb} {} in {}", names.join(", "), dir.display());
        }
    };
    match action {
        LinkAction::Install => {
            report("installed", by(&[LinkChange::Created, LinkChange::Updated]));
            report("repaired", by(&[LinkChange::Repaired]));
            report("kept", by(&[LinkChange::Unchanged]));
            report("removed stale", by(&[LinkChange::Removed]));
            let on_path = path
                .as_deref()
                .is_some_and(|p| env::split_paths(p).any(|d| d == dir));
            if on_path {
                eprintln!(
                    "  kubectl fleet <TAB> now completes in any shell with kubectl completion enabled."
                );
            } else {
                eprintln!(
                    "  note: '{}' is not on PATH, so kubectl will not find the helpers there.",
                    dir.display()
                );
            }
        }
        LinkAction::Uninstall => {
            let removed = by(&[LinkChange::Removed]);
            if removed.is_empty() {
                eprintln!("✔ no completion helpers to remove in {}", dir.display());
            } else {
                report("removed", removed);
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn help_lists_every_command_aligned_within_100_columns() {
        let text = help();
        let rows: Vec<&str> = text
            .lines()
            .skip_while(|l| *l != "Commands:")
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect();
        for cmd in COMMANDS {
            assert!(
                rows.iter()
                    .any(|r| r.trim_start().starts_with(&format!("{} ", cmd.name))),
                "{} missing:\n{text}",
                cmd.name
            );
        }
        // Every description starts in the same column, after the longest name.
        let width = COMMANDS.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for row in &rows {
            let (name, about) = row.split_at(2 + width + 2);
            assert!(
                name.trim().is_empty() || commands::find(name.trim()).is_some(),
                "{row:?}"
            );
            assert!(!about.starts_with(' '), "misaligned {row:?}");
        }
        assert!(text.lines().all(|l| l.chars().count() <= HELP_WIDTH), "{text}");
    }

    #[test]
    fn commands_run_their_binary_with_the_leading_subcommand() {
        assert_eq!(
            plan(&args(&["tree", "-n", "x"])),
            Plan::Run {
                binary: "tree",
                args: args(&["-n", "x"])
            }
        );
        assert_eq!(
            plan(&args(&["help", "token"])),
            Plan::Run {
                binary: "token",
                args: args(&["--help"])
            }
        );
        let status = commands::Command::sub("status", "flux", "status", "Show status");
        assert_eq!(status.binary(), Some(("flux", Some("status"))));
    }

    #[test]
    fn a_mistyped_command_gets_a_suggestion() {
        assert_eq!(suggestions("tre"), ["tree"]);
        assert_eq!(suggestions("tokn"), ["token"]);
        assert!(suggestions("zzz").is_empty());
        let Plan::Usage(msg) = plan(&args(&["tre"])) else {
            panic!("usage error expected")
        };
        assert!(msg.contains("unknown command 'tre' for 'kubectl fleet'"), "{msg}");
        assert!(msg.contains("Did you mean this?\n        tree\n"), "{msg}");
    }

    #[test]
    fn completion_parses_every_action_and_flag_of_the_table() {
        for (action, _) in commands::COMPLETION_ACTIONS {
            let flag = format!("--{}", commands::COMPLETION_DIR_FLAG.0);
            let Plan::Links { dir, .. } = plan(&args(&["completion", action, &flag, "/d"])) else {
                panic!("{action} is not parsed")
            };
            assert_eq!(dir, Some(PathBuf::from("/d")));
        }
    }

    #[test]
    fn flags_before_the_command_are_rewritten_after_it() {
        let msg = flags_before_command(&args(&["--context", "x", "tree"]));
        assert!(msg.ends_with("\n    kubectl fleet tree --context x"), "{msg}");
        let msg = flags_before_command(&args(&["--context", "tree", "tree", "ks/a"]));
        assert!(msg.ends_with("kubectl fleet tree --context tree ks/a"), "{msg}");
        let msg = flags_before_command(&args(&["--all-contexts", "tree", "--status", "failing"]));
        assert!(
            msg.ends_with("kubectl fleet tree --all-contexts --status failing"),
            "{msg}"
        );
        let msg = flags_before_command(&args(&["--context", "my ctx", "token", "list"]));
        assert!(
            msg.ends_with("kubectl fleet token --context 'my ctx' list"),
            "{msg}"
        );
        let msg = flags_before_command(&args(&["-v"]));
        assert!(msg.contains("kubectl fleet <COMMAND> -v"), "{msg}");
    }
}
