//! `bargain bulletin`: what moved at a session, for members, in Markdown or HTML. The words are
//! the library's (`bargain_core::export::bulletin`); the session's name and the format are here.

use super::error::{CliError, Outcome};
use super::{open, output};
use bargain_core::export::bulletin;
use bargain_core::store::History;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The session (its name in bargaining.yaml); default: the latest one with anything
    /// recorded.
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Html,
}

pub fn run(repo: Option<&Path>, args: &Args) -> Outcome {
    let repo = open(repo)?;
    let snapshot = repo.snapshot()?;
    let history = History::load(&repo)?.0;
    let table = &snapshot.table;
    let session = match &args.session {
        Some(name) => super::session(table, name)?,
        None => bulletin::latest_session(table, &history).ok_or_else(|| {
            CliError::unusable("nothing has been recorded at any session of bargaining.yaml yet")
        })?,
    };
    let b = bulletin::gather(&snapshot, &history, session);
    output::print(&match args.format {
        Format::Md => bulletin::markdown(&b, table),
        Format::Html => bulletin::html(&b, table),
    })?;
    Ok(ExitCode::SUCCESS)
}
