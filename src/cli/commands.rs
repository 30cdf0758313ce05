//! The command table of `kubectl fleet`: the one definition that the dispatcher's help, its
//! command list, did-you-mean suggestions, kubectl completion and the static completion scripts
//! are all derived from.
//!
//! It has no dependencies, so the dispatcher binary includes it (`#[path]`) without linking the
//! library, kube or tokio. Adding a command is one line here, plus its binary when it has one of
//! its own (`bin/kubectl-fleet-<name>.rs`, its `[[bin]]` entry and one line in
//! `cli::registry::BINARIES` for its clap definition).

/// What a command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `kubectl-fleet-<binary> [<leading>] ARGS…`: the sibling binary, with a leading subcommand
    /// when one binary serves several commands (e.g. `status` and `reconcile` both served by one
    /// binary as `kubectl-fleet-<binary> status …` and `… reconcile …`).
    Binary {
        /// The binary's name after `kubectl-fleet-`.
        binary: &'static str,
        /// The subcommand put in front of the user's arguments.
        leading: Option<&'static str>,
    },
    /// Answered by the dispatcher itself.
    Builtin(Builtin),
}

/// Commands the dispatcher answers without another binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `completion install|uninstall [--dir DIR]`.
    Completion,
    /// `help [COMMAND]`.
    Help,
    /// `version`.
    Version,
}

/// One `kubectl fleet <name>` command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Command {
    /// The word after `kubectl fleet`.
    pub name: &'static str,
    /// One line for help and completion descriptions.
    pub about: &'static str,
    /// What it runs.
    pub target: Target,
}

impl Command {
    /// A command served by its own binary, `kubectl-fleet-<name>`.
    pub const fn own(name: &'static str, about: &'static str) -> Self {
        Self {
            name,
            about,
            target: Target::Binary {
                binary: name,
                leading: None,
            },
        }
    }

    /// A command served by `kubectl-fleet-<binary> <leading> ARGS…`.
    pub const fn sub(
        name: &'static str,
        binary: &'static str,
        leading: &'static str,
        about: &'static str,
    ) -> Self {
        Self {
            name,
            about,
            target: Target::Binary {
                binary,
                leading: Some(leading),
            },
        }
    }

    /// Another name for the command served by `kubectl-fleet-<binary>`: the word users of
    /// `flux stats` / `flux get all` reach for first (`status`), for what the suite calls `health`.
    pub const fn alias(name: &'static str, binary: &'static str, about: &'static str) -> Self {
        Self {
            name,
            about,
            target: Target::Binary {
                binary,
                leading: None,
            },
        }
    }

    /// A command the dispatcher answers itself.
    pub const fn builtin(name: &'static str, about: &'static str, builtin: Builtin) -> Self {
        Self {
            name,
            about,
            target: Target::Builtin(builtin),
        }
    }

    /// The binary serving this command and its leading subcommand, if it is not a builtin.
    pub fn binary(&self) -> Option<(&'static str, Option<&'static str>)> {
        match self.target {
            Target::Binary { binary, leading } => Some((binary, leading)),
            Target::Builtin(_) => None,
        }
    }
}

/// Every command, in the order of `kubectl fleet --help`.
pub const COMMANDS: &[Command] = &[
    Command::own(
        "bootstrap",
        "Scaffold clusters in the fleet repo and bootstrap Flux on one cluster or the fleet",
    ),
    Command::own(
        "health",
        "Show what fails, drifted or differs between clusters, on one cluster or the fleet",
    ),
    Command::own(
        "reconcile",
        "Reconcile Flux objects now and wait for Ready, on one cluster or the fleet",
    ),
    Command::own(
        "resume",
        "Resume suspended Flux objects and wait for Ready, on one cluster or the fleet",
    ),
    Command::own(
        "secret",
        "Keep cluster secrets in the fleet repo encrypted with sops, list them, apply them",
    ),
    Command::alias(
        "status",
        "health",
        "Same as health: the fleet's failing objects, drift and version skew",
    ),
    Command::own("suspend", "Suspend Flux objects on one cluster or the fleet"),
    Command::own(
        "tenant",
        "Onboard tenant namespaces and platform components, and show tenants' health",
    ),
    Command::own(
        "token",
        "Keep git tokens in the OS keyring, check their expiry and rotate them fleet-wide",
    ),
    Command::own(
        "tree",
        "Show what Flux manages as a live-status tree, on one cluster or the fleet",
    ),
    Command::builtin(
        "completion",
        "Install or uninstall the helpers kubectl uses to complete kubectl fleet",
        Builtin::Completion,
    ),
    Command::builtin("help", "Show help for a command", Builtin::Help),
    Command::builtin("version", "Print the version", Builtin::Version),
];

/// The subcommands of `completion`, with their descriptions.
pub const COMPLETION_ACTIONS: &[(&str, &str)] = &[
    (
        "install",
        "Link the kubectl_complete-fleet helpers next to the kubectl-fleet on PATH",
    ),
    ("uninstall", "Remove the helper links that install made"),
];

/// The one flag of `completion install|uninstall`: its long name and description.
pub const COMPLETION_DIR_FLAG: (&str, &str) = (
    "dir",
    "Directory for the links (default: the one holding kubectl-fleet on PATH)",
);

/// The command named `name`.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The sibling binaries (names after `kubectl-fleet-`), each once, in table order.
pub fn binaries() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (binary, _) in COMMANDS.iter().filter_map(Command::binary) {
        if !out.contains(&binary) {
            out.push(binary);
        }
    }
    out
}

/// The version of the suite.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
