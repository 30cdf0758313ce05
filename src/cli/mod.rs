//! Command-line pieces shared by every binary: kube flags, output and verbosity flags, and the
//! runner that turns a command's result into the suite's exit codes and error report.

pub mod args;
pub mod bootstrap;
pub mod commands;
pub mod completion;
pub mod dispatch;
pub mod health;
pub mod health_watch;
pub mod reconcile;
pub mod registry;
pub mod runner;
pub mod secret;
pub mod tenant;
pub mod token;
pub mod tree;
pub mod tree_watch;

pub use args::{
    GlobalArgs, KubeArgs, NamespaceArg, OutputArgs, OutputFormat, ask_on_terminal, parse_duration,
};
pub use commands::{COMMANDS, VERSION};
pub use runner::run_main;
