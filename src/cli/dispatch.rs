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
    fs, io,
    path::{Path, PathBuf},
    process::ExitCode,
};

use super::commands::{self, Builtin, COMMANDS, COMPLETION_ACTIONS, Target, VERSION};

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

/// What a `kubectl_complete-fleet*` helper does.
#[derive(Debug, PartialEq, Eq)]
pub enum Completion {
    /// Print this answer (cobra's `__complete` format, ending with `:<directive>`).
    Answer(String),
    /// Run `kubectl-fleet-<binary>` with `FLEET_COMPLETE=kubectl` and these words.
    Forward {
        /// The sibling's name after `kubectl-fleet-`.
        binary: &'static str,
        /// The words to complete (the last one is being completed).
        words: Vec<OsString>,
    },
}

/// The helper kind `argv0` names: `Some(None)` for `kubectl_complete-fleet`, `Some(Some(word))`
/// for `kubectl_complete-fleet-<word>`, `None` when it is not a helper at all.
pub fn helper_mode(argv0: &Path) -> Option<Option<String>> {
    let stem = argv0.file_stem()?.to_string_lossy();
    let rest = stem.strip_prefix(HELPER_PREFIX)?;
    match rest.strip_prefix('-') {
        Some(word) => Some(Some(word.to_string())),
        None if rest.is_empty() => Some(None),
        None => None,
    }
}

/// The words kubectl lists under `kubectl fleet` by itself: one per `kubectl-fleet-<word>[-…]`
/// file on PATH (not directories; `_` shown as `-`), as kubectl's plugin completion builds them.
pub fn kubectl_plugin_words(path: Option<&OsStr>) -> BTreeSet<String> {
    let prefix = format!("{DISPATCHER}-");
    let mut words = BTreeSet::new();
    let Some(path) = path else {
        return words;
    };
    let mut seen = BTreeSet::new();
    for dir in env::split_paths(path) {
        if dir.as_os_str().is_empty() || !seen.insert(dir.clone()) {
            continue;
        }
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(true) {
                continue;
            }
            if let Some(word) = rest.split('-').next().filter(|w| !w.is_empty()) {
                words.insert(word.replace('_', "-"));
            }
        }
    }
    words
}

fn candidates(out: &mut String, items: impl IntoIterator<Item = (&'static str, &'static str)>, prefix: &str) {
    for (value, about) in items {
        if value.starts_with(prefix) {
            let _ = writeln!(out, "{value}\t{about}");
        }
    }
}

/// Answers kubectl's plugin completion: `implied` is `<word>` when invoked as
/// `kubectl_complete-fleet-<word>`; `words` are the words after it, the last one being completed;
/// `listed` are the words kubectl lists under `kubectl fleet` by itself ([`kubectl_plugin_words`]).
pub fn complete(implied: Option<&str>, words: &[OsString], listed: &BTreeSet<String>) -> Completion {
    let answer = |mut text: String, directive: u8| {
        let _ = writeln!(text, ":{directive}");
        Completion::Answer(text)
    };
    if let Some(word) = implied {
        // kubectl found `kubectl-fleet-<word>` on PATH: forward to that binary as it is.
        return match commands::binaries().into_iter().find(|b| *b == word) {
            Some(binary) => Completion::Forward {
                binary,
                words: words.to_vec(),
            },
            None => answer(String::new(), NO_FILE_COMP),
        };
    }
    let current = words.last().map(|w| lossy(w)).unwrap_or_default();
    let mut out = String::new();
    if words.len() <= 1 {
        if current.starts_with('-') {
            candidates(
                &mut out,
                [
                    ("--help", "Show the commands"),
                    ("--version", "Print the version"),
                ],
                &current,
            );
        } else {
            candidates(
                &mut out,
                COMMANDS
                    .iter()
                    .filter(|c| !listed.contains(c.name))
                    .map(|c| (c.name, c.about)),
                &current,
            );
        }
        return answer(out, NO_FILE_COMP);
    }
    let first = lossy(&words[0]);
    let rest = &words[1..];
    match commands::find(&first).map(|c| c.target) {
        Some(Target::Binary { binary, leading }) => Completion::Forward {
            binary,
            words: leading
                .map(OsString::from)
                .into_iter()
                .chain(rest.iter().cloned())
                .collect(),
        },
        Some(Target::Builtin(Builtin::Help)) if rest.len() == 1 && !current.starts_with('-') => {
            candidates(&mut out, COMMANDS.iter().map(|c| (c.name, c.about)), &current);
            answer(out, NO_FILE_COMP)
        }
        Some(Target::Builtin(Builtin::Completion)) => {
            let done: Vec<String> = rest[..rest.len() - 1].iter().map(|w| lossy(w)).collect();
            if done.last().map(String::as_str) == Some("--dir") {
                return answer(out, FILTER_DIRS);
            }
            if current.starts_with('-') {
                let mut flags = vec![("--help", "Show the help of completion")];
                if !done.iter().any(|w| w == "--dir" || w.starts_with("--dir=")) {
                    flags.insert(0, ("--dir", "Directory for the links"));
                }
                candidates(&mut out, flags, &current);
            } else if !done
                .iter()
                .any(|w| COMPLETION_ACTIONS.iter().any(|(a, _)| a == w))
            {
                candidates(&mut out, COMPLETION_ACTIONS.iter().copied(), &current);
            }
            answer(out, NO_FILE_COMP)
        }
        _ => answer(out, NO_FILE_COMP),
    }
}

/// The helper names `completion install` links: `kubectl_complete-fleet`, and one per sibling
/// binary for installs where kubectl sees `kubectl-fleet-<binary>` on PATH itself.
pub fn helper_names() -> Vec<String> {
    std::iter::once(HELPER_PREFIX.to_string())
        .chain(
            commands::binaries()
                .into_iter()
                .map(|b| format!("{HELPER_PREFIX}-{b}")),
        )
        .map(|n| format!("{n}{}", env::consts::EXE_SUFFIX))
        .collect()
}

/// Whether `path` is a helper link that `install` made: a symbolic link whose target is named
/// `kubectl-fleet`, whether that target still exists or not (after `kubectl krew upgrade` an old
/// link into the previous store directory dangles).
#[cfg(unix)]
fn is_our_link(path: &Path) -> bool {
    let dispatcher = format!("{DISPATCHER}{}", env::consts::EXE_SUFFIX);
    path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink())
        && fs::read_link(path).is_ok_and(|t| t.file_name() == Some(OsStr::new(&dispatcher)))
}

/// Without symbolic links the helpers are copies of the dispatcher, told apart by their name.
#[cfg(not(unix))]
fn is_our_link(path: &Path) -> bool {
    path.is_file()
}

/// The first `name` on PATH, as kubectl's lookup would find it (not resolved: krew's link).
pub fn which(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    env::split_paths(path?)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// What the helper links point at: `kubectl-fleet` beside them (relative, so krew re-pointing
/// its own link on upgrade carries them along), else the `kubectl-fleet` on PATH, else `fallback`.
pub fn link_target(dir: &Path, path: Option<&OsStr>, fallback: &Path) -> PathBuf {
    let dispatcher = format!("{DISPATCHER}{}", env::consts::EXE_SUFFIX);
    if dir.join(&dispatcher).symlink_metadata().is_ok() {
        return PathBuf::from(dispatcher);
    }
    which(&dispatcher, path).unwrap_or_else(|| fallback.to_path_buf())
}

/// What happened to one link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkChange {
    /// It did not exist.
    Created,
    /// It pointed somewhere that no longer exists (e.g. a removed krew store directory).
    Repaired,
    /// It pointed elsewhere.
    Updated,
    /// It was already right.
    Unchanged,
    /// It was removed.
    Removed,
}

/// The helper-like names in `dir` that are our links, sorted.
fn our_links(dir: &Path) -> io::Result<Vec<String>> {
    let mut out: Vec<String> = fs::read_dir(dir)?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.starts_with(HELPER_PREFIX) && is_our_link(&dir.join(n)))
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(unix)]
fn make_link(target: &Path, path: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, path)
}

#[cfg(not(unix))]
fn make_link(target: &Path, path: &Path) -> io::Result<()> {
    fs::copy(target, path).map(|_| ())
}

/// Creates (or repairs) every helper link in `dir`, pointing at `target`, and removes links of
/// ours under names no longer used. Refuses, before changing anything, when a helper name is taken
/// by a file it did not make.
pub fn install_links(dir: &Path, target: &Path) -> Result<Vec<(String, LinkChange)>, String> {
    if !dir.is_dir() {
        return Err(format!("'{}' is not a directory", dir.display()));
    }
    let names = helper_names();
    let foreign: Vec<String> = names
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.symlink_metadata().is_ok() && !is_our_link(p))
        .map(|p| format!("'{}'", p.display()))
        .collect();
    if !foreign.is_empty() {
        return Err(format!(
            "{} already exist{} and {} not made by 'kubectl fleet completion install'; remove {} \
             or pass --dir DIR",
            foreign.join(", "),
            if foreign.len() == 1 { "s" } else { "" },
            if foreign.len() == 1 { "was" } else { "were" },
            if foreign.len() == 1 { "it" } else { "them" },
        ));
    }
    let existing = our_links(dir).map_err(|e| format!("cannot read '{}': {e}", dir.display()))?;
    let mut changes = Vec::new();
    for stale in existing.iter().filter(|n| !names.contains(n)) {
        let path = dir.join(stale);
        fs::remove_file(&path).map_err(|e| format!("cannot remove '{}': {e}", path.display()))?;
        changes.push((stale.clone(), LinkChange::Removed));
    }
    for name in &names {
        let path = dir.join(name);
        let change = if path.symlink_metadata().is_err() {
            LinkChange::Created
        } else if !path.exists() {
            LinkChange::Repaired
        } else if cfg!(unix) && fs::read_link(&path).ok().as_deref() == Some(target) {
            LinkChange::Unchanged
        } else {
            LinkChange::Updated
        };
        if change != LinkChange::Unchanged {
            // Made under a temporary name then renamed over the old one: never a moment without
            // a helper, and a failure leaves the old link in place.
            let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            let _ = fs::remove_file(&temp);
            make_link(target, &temp)
                .and_then(|()| fs::rename(&temp, &path))
                .map_err(|e| {
                    let _ = fs::remove_file(&temp);
                    format!("cannot create '{}': {e}", path.display())
                })?;
        }
        changes.push((name.clone(), change));
    }
    Ok(changes)
}

/// Removes the helper links of ours from `dir`; files it did not make are left alone.
pub fn uninstall_links(dir: &Path) -> Result<Vec<(String, LinkChange)>, String> {
    let ours = our_links(dir).map_err(|e| format!("cannot read '{}': {e}", dir.display()))?;
    let mut changes = Vec::new();
    for name in ours {
        let path = dir.join(&name);
        fs::remove_file(&path).map_err(|e| format!("cannot remove '{}': {e}", path.display()))?;
        changes.push((name, LinkChange::Removed));
    }
    Ok(changes)
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

    fn answer(c: Completion) -> Vec<String> {
        match c {
            Completion::Answer(text) => text.lines().map(str::to_string).collect(),
            other => panic!("expected an answer, got {other:?}"),
        }
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

    #[test]
    fn first_level_completion_leaves_out_what_kubectl_lists() {
        let none = BTreeSet::new();
        let all = answer(complete(None, &args(&[""]), &none));
        let values: Vec<&str> = all.iter().map(|l| l.split('\t').next().unwrap_or("")).collect();
        let expected: Vec<&str> = COMMANDS.iter().map(|c| c.name).chain([":4"]).collect();
        assert_eq!(values, expected);
        let listed: BTreeSet<String> = ["tree", "token"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            answer(complete(None, &args(&["t"]), &listed)),
            [
                format!(
                    "tenant\t{}",
                    commands::find("tenant").map(|c| c.about).unwrap_or_default()
                ),
                ":4".into()
            ]
        );
        assert_eq!(answer(complete(None, &args(&["tr"]), &listed)), [":4"]);
        // Flags only after a dash.
        assert_eq!(
            answer(complete(None, &args(&["--v"]), &none)),
            ["--version\tPrint the version", ":4"]
        );
    }

    #[test]
    fn deeper_words_go_to_the_sibling() {
        let none = BTreeSet::new();
        assert_eq!(
            complete(None, &args(&["tree", "--co"]), &none),
            Completion::Forward {
                binary: "tree",
                words: args(&["--co"])
            }
        );
        assert_eq!(
            complete(Some("tree"), &args(&["-n", ""]), &none),
            Completion::Forward {
                binary: "tree",
                words: args(&["-n", ""])
            }
        );
        assert_eq!(answer(complete(Some("nope"), &args(&[""]), &none)), [":4"]);
        assert_eq!(answer(complete(None, &args(&["version", ""]), &none)), [":4"]);
        let actions = answer(complete(None, &args(&["completion", ""]), &none));
        assert_eq!(actions.len(), 3, "{actions:?}");
        assert!(actions[1].starts_with("uninstall\t"), "{actions:?}");
        assert_eq!(
            answer(complete(None, &args(&["completion", "install", ""]), &none)),
            [":4"]
        );
        assert_eq!(
            answer(complete(
                None,
                &args(&["completion", "install", "--dir", ""]),
                &none
            )),
            [":16"]
        );
        let help = answer(complete(None, &args(&["help", "t"]), &none));
        assert_eq!(help.len(), 4, "{help:?}");
    }

    #[test]
    fn helper_mode_comes_from_the_invoked_name() {
        assert_eq!(helper_mode(Path::new("/x/kubectl_complete-fleet")), Some(None));
        assert_eq!(
            helper_mode(Path::new("kubectl_complete-fleet-tree")),
            Some(Some("tree".into()))
        );
        assert_eq!(helper_mode(Path::new("/x/kubectl-fleet")), None);
        assert_eq!(helper_mode(Path::new("kubectl_complete-fleetx")), None);
    }

    #[cfg(unix)]
    #[test]
    fn kubectl_plugin_words_follow_kubectls_listing() {
        let dir = env::temp_dir().join(format!("fleet-dispatch-words-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("kubectl-fleet-adir")).expect("dir");
        for name in [
            "kubectl-fleet",
            "kubectl-fleet-tree",
            "kubectl-fleet-my_cmd-x",
            "kubectl-other",
        ] {
            fs::write(dir.join(name), "").expect("file");
        }
        let path = env::join_paths([dir.clone(), dir.join("missing")]).expect("path");
        let words = kubectl_plugin_words(Some(&path));
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(words.into_iter().collect::<Vec<_>>(), ["my-cmd", "tree"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_idempotent_self_healing_and_only_ours_are_removed() {
        let dir = env::temp_dir().join(format!("fleet-dispatch-links-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        fs::write(dir.join(DISPATCHER), "").expect("dispatcher");
        let target = link_target(&dir, None, Path::new("/nowhere/kubectl-fleet"));
        assert_eq!(
            target,
            PathBuf::from(DISPATCHER),
            "relative to the link beside them"
        );

        let first = install_links(&dir, &target).expect("install");
        assert!(first.iter().all(|(_, c)| *c == LinkChange::Created), "{first:?}");
        let again = install_links(&dir, &target).expect("install again");
        assert!(
            again.iter().all(|(_, c)| *c == LinkChange::Unchanged),
            "{again:?}"
        );

        // A link into a removed store directory (what an old install left after krew upgrade),
        // and one for a binary no longer shipped.
        let helper = dir.join(HELPER_PREFIX);
        fs::remove_file(&helper).expect("rm");
        std::os::unix::fs::symlink("/gone/store/fleet/v0.0.1/kubectl-fleet", &helper).expect("ln");
        std::os::unix::fs::symlink(DISPATCHER, dir.join(format!("{HELPER_PREFIX}-old"))).expect("ln");
        let healed = install_links(&dir, &target).expect("repair");
        assert!(
            healed.contains(&(HELPER_PREFIX.to_string(), LinkChange::Repaired)),
            "{healed:?}"
        );
        assert!(
            healed.contains(&(format!("{HELPER_PREFIX}-old"), LinkChange::Removed)),
            "{healed:?}"
        );
        assert_eq!(fs::read_link(&helper).expect("link"), PathBuf::from(DISPATCHER));

        // A file we did not make blocks install before anything changes, and survives uninstall.
        let foreign = dir.join(format!("{HELPER_PREFIX}-tree"));
        fs::remove_file(&foreign).expect("rm");
        fs::write(&foreign, "#!/bin/sh\n").expect("foreign");
        let err = install_links(&dir, &target).expect_err("refuses");
        assert!(
            err.contains("not made by 'kubectl fleet completion install'"),
            "{err}"
        );
        let removed = uninstall_links(&dir).expect("uninstall");
        assert!(!removed.iter().any(|(n, _)| n.ends_with("-tree")), "{removed:?}");
        assert!(foreign.exists() && !helper.exists());
        let _ = fs::remove_dir_all(&dir);
    }
}
