//! Every binary of the suite with its clap definition, the dispatcher's clap command derived from
//! the command table, and the static completion scripts generated from them (`completions/`).
//!
//! Kept apart from the command modules' completers (`cli::completion`, a leaf) so that the
//! commands depend on the completers and this registry on the commands, never both ways.

use clap::{Arg, Command, CommandFactory, ValueHint};
use clap_complete::Shell;

use super::{
    bootstrap,
    commands::{Builtin, COMMANDS, COMPLETION_ACTIONS, COMPLETION_DIR_FLAG, Target, VERSION},
    dispatch::DISPATCHER,
    health, reconcile, secret, tenant, token, tree,
};

/// Builds the clap command of one binary.
pub type CommandFn = fn() -> Command;

/// The clap definition of each sibling binary, by its name after `kubectl-fleet-`.
pub const BINARIES: &[(&str, CommandFn)] = &[
    ("bootstrap", bootstrap::Args::command),
    ("health", health::Args::command),
    ("reconcile", reconcile::ReconcileArgs::command),
    ("resume", reconcile::ResumeArgs::command),
    ("secret", secret::Args::command),
    ("suspend", reconcile::SuspendArgs::command),
    ("tenant", tenant::Args::command),
    ("token", token::Args::command),
    ("tree", tree::Args::command),
];

/// The file names of every binary the suite ships: the dispatcher and its siblings.
pub fn binary_names() -> Vec<String> {
    std::iter::once(DISPATCHER.to_string())
        .chain(BINARIES.iter().map(|(b, _)| format!("{DISPATCHER}-{b}")))
        .collect()
}

/// The clap command of one binary, by its file name.
pub fn command_for(bin: &str) -> Option<Command> {
    let cmd = if bin == DISPATCHER {
        dispatcher_command()
    } else {
        let name = bin.strip_prefix(DISPATCHER)?.strip_prefix('-')?;
        BINARIES.iter().find(|(b, _)| *b == name).map(|(_, f)| f())?
    };
    Some(cmd.bin_name(bin))
}

/// The command that serves `target`: a sibling's whole command, or its leading subcommand.
fn served_by(binary: &str, leading: Option<&str>) -> Option<Command> {
    let whole = BINARIES.iter().find(|(b, _)| *b == binary).map(|(_, f)| f())?;
    match leading {
        None => Some(whole),
        Some(sub) => whole.find_subcommand(sub).cloned(),
    }
}

fn completion_command() -> Command {
    let mut cmd = Command::new("completion").subcommand_required(true);
    for (action, about) in COMPLETION_ACTIONS {
        cmd = cmd.subcommand(
            Command::new(*action).about(*about).arg(
                Arg::new(COMPLETION_DIR_FLAG.0)
                    .long(COMPLETION_DIR_FLAG.0)
                    .value_name("DIR")
                    .value_hint(ValueHint::DirPath)
                    .help(COMPLETION_DIR_FLAG.1),
            ),
        );
    }
    cmd
}

/// The dispatcher as a clap command, from the command table: each command is the full command of
/// the binary serving it, so the static script of `kubectl-fleet` completes everything.
pub fn dispatcher_command() -> Command {
    let mut cmd = Command::new(DISPATCHER)
        .about("Bootstrap, onboard, rotate credentials and inspect Flux across a fleet of clusters")
        .version(VERSION)
        .subcommand_required(true);
    for entry in COMMANDS {
        let sub = match entry.target {
            Target::Binary { binary, leading } => served_by(binary, leading),
            Target::Builtin(Builtin::Completion) => Some(completion_command()),
            // clap generates `help` itself, with every command's subtree (`help bootstrap init`).
            Target::Builtin(Builtin::Help) => None,
            Target::Builtin(Builtin::Version) => Some(Command::new("version")),
        };
        if let Some(sub) = sub {
            cmd = cmd.subcommand(sub.name(entry.name).about(entry.about));
        }
    }
    cmd
}

/// The static completion script of `bin` for `shell`.
pub fn static_script(bin: &str, shell: Shell) -> Option<String> {
    let mut cmd = command_for(bin)?;
    let mut out = Vec::new();
    clap_complete::aot::generate(shell, &mut cmd, bin, &mut out);
    String::from_utf8(out).ok()
}

/// File name of a static script under `completions/`.
pub fn static_script_path(bin: &str, shell: Shell) -> String {
    match shell {
        Shell::Bash => format!("bash/{bin}.bash"),
        Shell::Zsh => format!("zsh/_{bin}"),
        Shell::Fish => format!("fish/{bin}.fish"),
        Shell::PowerShell => format!("powershell/{bin}.ps1"),
        Shell::Elvish => format!("elvish/{bin}.elv"),
        _ => format!("other/{bin}"),
    }
}

/// The shells we ship static scripts for.
pub const SHELLS: &[Shell] = &[Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell];

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;
    use crate::cli::{commands, completion::kubectl_complete};

    fn complete_words(bin: &str, words: &[&str]) -> Vec<String> {
        let words: Vec<OsString> = words.iter().map(OsString::from).collect();
        kubectl_complete(command_for(bin).expect("known binary"), bin, &words)
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Every command of every binary, subcommands included, with its full name.
    fn all_commands() -> Vec<(String, Command)> {
        fn walk(name: String, mut cmd: Command, out: &mut Vec<(String, Command)>) {
            cmd.build();
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                walk(format!("{name} {}", sub.get_name()), sub.clone(), out);
            }
            out.push((name, cmd));
        }
        let mut out = Vec::new();
        for (bin, make) in BINARIES {
            walk(format!("kubectl fleet {bin}"), make(), &mut out);
        }
        out
    }

    #[test]
    fn help_groups_flags_the_same_way_everywhere() {
        use crate::cli::args::{CLUSTER_HEADING, OUTPUT_HEADING};
        // The suite-wide flags: they carry a heading, so they are never shown among a command's
        // own flags (clap prints the untitled "Options" first, then headings in order of first use).
        // (`-o` aside: a subcommand lists it with its own flags when its parent's globals follow.)
        const SHARED: &[&str] = &[
            "kubeconfig",
            "contexts",
            "all_contexts",
            "request_timeout",
            "namespace",
            "quiet",
            "verbose",
            "color",
            "no_progress",
        ];
        let mut bad = Vec::new();
        for (name, cmd) in all_commands() {
            let mut headings: Vec<&str> = Vec::new();
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if SHARED.contains(&id) && arg.is_global_set() {
                    assert!(arg.get_help_heading().is_some(), "{name}: --{id} has no heading");
                }
                if let Some(h) = arg.get_help_heading()
                    && !headings.contains(&h)
                {
                    headings.push(h);
                }
            }
            // The command's own groups first, then the shared ones.
            let shared_from = headings
                .iter()
                .position(|h| [CLUSTER_HEADING, OUTPUT_HEADING].contains(h))
                .unwrap_or(headings.len());
            let expected: Vec<&str> = [CLUSTER_HEADING, OUTPUT_HEADING]
                .into_iter()
                .filter(|h| headings.contains(h))
                .collect();
            if headings[shared_from..] != expected[..] {
                bad.push(format!("{name}: {headings:?}"));
            }
        }
        assert!(
            bad.is_empty(),
            "headings out of order (command flags, then {CLUSTER_HEADING}, then {OUTPUT_HEADING}):\n{}",
            bad.join("\n")
        );
    }

    #[test]
    fn examples_fit_an_80_column_terminal() {
        // clap wraps help text at the terminal width; an example wider than 80 columns would be
        // broken mid-command, and pasting it would fail.
        let mut wide = Vec::new();
        for (name, cmd) in all_commands() {
            for text in [cmd.get_after_help(), cmd.get_after_long_help()]
                .into_iter()
                .flatten()
            {
                wide.extend(
                    text.to_string()
                        .lines()
                        .filter(|line| console::measure_text_width(line) > 80)
                        .map(|line| format!("{name}: {line}")),
                );
            }
        }
        assert!(
            wide.is_empty(),
            "example lines wider than 80 columns:\n{}",
            wide.join("\n")
        );
    }

    #[test]
    fn every_binary_of_the_table_is_registered_and_the_reverse() {
        let mut table = commands::binaries();
        table.sort_unstable();
        let mut registered: Vec<&str> = BINARIES.iter().map(|(b, _)| *b).collect();
        registered.sort_unstable();
        assert_eq!(table, registered);
        let mut dispatcher = dispatcher_command();
        dispatcher.build();
        for entry in COMMANDS {
            assert!(
                dispatcher.find_subcommand(entry.name).is_some(),
                "{} missing from the dispatcher's clap command",
                entry.name
            );
        }
        dispatcher.debug_assert();
    }

    #[test]
    fn completes_flags_with_the_no_file_directive() {
        let lines = complete_words("kubectl-fleet-tree", &["--com"]);
        assert_eq!(lines.last().map(String::as_str), Some(":4"));
        assert!(lines.iter().any(|l| l.starts_with("--compact\t")), "{lines:?}");
    }

    #[test]
    fn flags_are_offered_only_after_a_dash() {
        let lines = complete_words("kubectl-fleet-token", &["rotate", ""]);
        assert!(!lines.iter().any(|l| l.starts_with('-')), "{lines:?}");
        let subcommands = complete_words("kubectl-fleet-token", &[""]);
        assert!(!subcommands.iter().any(|l| l.starts_with('-')), "{subcommands:?}");
        assert!(
            subcommands.iter().any(|l| l.starts_with("rotate")),
            "{subcommands:?}"
        );
        let dash = complete_words("kubectl-fleet-token", &["rotate", "-"]);
        assert!(dash.iter().any(|l| l.starts_with("--context")), "{dash:?}");
    }

    #[test]
    fn completes_value_enums() {
        let lines = complete_words("kubectl-fleet-tree", &["--output", ""]);
        for v in ["tree", "table", "json", "yaml"] {
            assert!(
                lines.iter().any(|l| l == v || l.starts_with(&format!("{v}\t"))),
                "{v} missing: {lines:?}"
            );
        }
    }

    #[test]
    fn path_flags_complete_file_names() {
        // clap's engine lists paths itself for path-valued flags (the test runs in the crate root).
        let lines = complete_words("kubectl-fleet-tree", &["--kubeconfig", "Cargo.t"]);
        assert_eq!(lines, ["Cargo.toml", ":4"]);
        let none = complete_words("kubectl-fleet-tree", &["--kubeconfig", "no-such-prefix"]);
        assert_eq!(
            none,
            [":0"],
            "an empty answer lets the shell complete files itself"
        );
    }

    #[test]
    fn every_binary_has_static_scripts() {
        for bin in binary_names() {
            for shell in SHELLS {
                let script = static_script(&bin, *shell).expect("generates");
                assert!(script.contains(&bin), "{bin} {shell}");
            }
        }
    }

    #[test]
    fn the_dispatcher_script_covers_every_command_and_completion_action() {
        let script = static_script(DISPATCHER, Shell::Fish).expect("generates");
        for entry in COMMANDS {
            assert!(
                script.contains(&format!("-a \"{}\"", entry.name)),
                "{}: {script}",
                entry.name
            );
        }
        for (action, _) in COMPLETION_ACTIONS {
            assert!(script.contains(&format!("-a \"{action}\"")), "{action}");
        }
    }
}
