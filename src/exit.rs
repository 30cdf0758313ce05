//! The exit-code contract of every command: 0 ok, 1 an operation failed on at least one target,
//! 2 a usage or configuration error. A leaf module, so each area's error type can say which code
//! it maps to without depending on the error type that rolls them all up.

use std::process::ExitCode;

/// The process outcome of a command, mapped to the documented exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything that was asked for succeeded.
    Success,
    /// The operation failed on at least one target (a cluster, an object, a provider).
    Failure,
    /// The command line or the configuration was wrong; nothing was attempted.
    Usage,
}

impl ExitStatus {
    /// Combines per-target outcomes: any failure makes the whole run a failure.
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        use ExitStatus::*;
        match (self, other) {
            (Usage, _) | (_, Usage) => Usage,
            (Failure, _) | (_, Failure) => Failure,
            _ => Success,
        }
    }

    /// The numeric exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(s.code())
    }
}
