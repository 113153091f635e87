//! The CLI's one error type, and the one mapping from what went wrong to an exit code:
//!
//! - 0: success (for `diff`, whether or not the texts differ);
//! - 1: something was refused or is wrong in the table (a recording refused, `verify` findings,
//!   problems while loading — the rest is still printed);
//! - 2: nothing could be shown (no repository, no table, bad arguments, unknown article).
//!
//! Library errors arrive as data; the words that name a flag are added here and in the
//! command modules, never in the library.

use bargain_core::comparison::CompareError;
use bargain_core::store::StoreError;
use std::process::ExitCode;

/// How a command ended when it did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Refused, or the table has problems: exit 1.
    Refused,
    /// Nothing could be shown: exit 2.
    Unusable,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Refused => 1,
            Exit::Unusable => 2,
        })
    }
}

/// A failure the user must read: the sentence (escaped when printed) and how the command exits.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub exit: Exit,
}

impl CliError {
    pub fn refused(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            exit: Exit::Refused,
        }
    }

    pub fn unusable(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            exit: Exit::Unusable,
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        let hint = match &e {
            StoreError::NotARepository(_) => {
                "; run `bargain init` to start a table, or pass --repo DIR"
            }
            StoreError::Empty(_) => "; commit a bargaining.yaml (`bargain init` writes one)",
            StoreError::NoTable(_) => "; run `bargain init` there to start a table",
            _ => "",
        };
        CliError::unusable(format!("{e}{hint}"))
    }
}

impl From<CompareError> for CliError {
    fn from(e: CompareError) -> Self {
        CliError::unusable(e.to_string())
    }
}

/// What a command returns: its exit on success (0, or 1 when it printed what it found wrong).
pub type Outcome = Result<ExitCode, CliError>;
