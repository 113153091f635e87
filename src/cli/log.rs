//! `bargain log`: the negotiation record from history, by article and session.

use super::error::{CliError, Outcome};
use super::{open, output};
use bargain_core::record;
use bargain_core::store::History;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Only this article (number or id).
    pub article: Option<String>,
    /// Only this session: its name, or any day of it (YYYY-MM-DD).
    #[arg(long, value_name = "NAME|DATE")]
    pub session: Option<String>,
}

pub fn run(repo: Option<&Path>, args: &Args) -> Outcome {
    let repo = open(repo)?;
    let snapshot = match args.article.as_deref() {
        Some(key) => repo.snapshot_of(key)?,
        None => repo.snapshot()?,
    };
    let table = &snapshot.table;
    // One article needs only its own timeline: the index on disk, or a walk of its folder.
    let (history, article) = match args.article.as_deref() {
        None => (History::load(&repo)?.0, None),
        Some(key) => {
            let id = snapshot.find(key).map_or(key, |entry| entry.id.as_str());
            let history = History::for_article(&repo, id)?;
            // An article removed from the table still has its record.
            if snapshot.find(key).is_none() && !history.articles.contains_key(key) {
                return Err(CliError::unusable(format!(
                    "there is no article `{key}` in the table"
                )));
            }
            (history, Some(id.to_string()))
        }
    };
    let session = args
        .session
        .as_deref()
        .map(|key| super::session(table, key))
        .transpose()?;
    let entries = record::log::entries(&history, table, article.as_deref(), session);
    output::print(&record::log::render(&entries))?;
    Ok(ExitCode::SUCCESS)
}
