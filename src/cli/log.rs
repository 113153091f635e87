//! `bargain log`: the negotiation record from history, by article and session.

use super::error::{CliError, Outcome};
use super::{date, open, output};
use bargain_core::record;
use bargain_core::store::History;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Only this article (number or id).
    pub article: Option<String>,
    /// Only the session that includes this date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub session: Option<String>,
}

pub fn run(repo: Option<&Path>, args: &Args) -> Outcome {
    let repo = open(repo)?;
    let snapshot = repo.snapshot()?;
    let history = History::build(&repo)?;
    let table = &snapshot.table;
    let article = match args.article.as_deref() {
        None => None,
        Some(key) => Some(match snapshot.find(key) {
            Some(entry) => entry.id.clone(),
            None if history.articles.contains_key(key) => key.to_string(),
            None => {
                return Err(CliError::unusable(format!(
                    "there is no article `{key}` in the table"
                )));
            }
        }),
    };
    let session = match date(args.session.as_deref(), "--session")? {
        None => None,
        Some(day) => Some(
            table
                .session_on(day)
                .ok_or_else(|| CliError::unusable(format!("no session includes {day}")))?,
        ),
    };
    let entries = record::log::entries(&history, table, article.as_deref(), session);
    output::print(&record::log::render(&entries))?;
    Ok(ExitCode::SUCCESS)
}
