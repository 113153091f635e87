//! `bargain status`: the tracker, with notes and problems on standard error.

use super::error::{CliError, Outcome};
use super::{open, output};
use bargain_core::export::tracker_doc::{self, TrackerFormat};
use bargain_core::record::replay;
use bargain_core::store::History;
use bargain_core::text::escape_line;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Only this topic (its id, e.g. `ai`).
    #[arg(long)]
    pub topic: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Md,
    Csv,
    Json,
}

impl From<Format> for TrackerFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => TrackerFormat::Table,
            Format::Md => TrackerFormat::Markdown,
            Format::Csv => TrackerFormat::Csv,
            Format::Json => TrackerFormat::Json,
        }
    }
}

pub fn run(repo: Option<&Path>, args: &Args) -> Outcome {
    let repo = open(repo)?;
    let head = repo.head()?;
    let snapshot = repo.snapshot_at(head.commit)?;
    let topic = args.topic.as_deref();
    if let Some(t) = topic
        && snapshot.table.topic(t).is_none()
    {
        let topics: Vec<&str> = snapshot
            .table
            .topics
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        return Err(CliError::unusable(format!(
            "unknown topic `{t}`; topics: {}",
            topics.join(", ")
        )));
    }
    // A damaged history still leaves a table to show: passes are then not counted. The index
    // on disk is used and extended where it can be (see `History::load`).
    let (history, history_problem) = match History::load(&repo) {
        Ok((h, _)) => (h, None),
        Err(e) => (History::default(), Some(e)),
    };
    let rows = bargain_core::tracker::rows(&snapshot, &history, topic);
    let totals = bargain_core::tracker::totals(&snapshot, &rows);
    output::print(&tracker_doc::render(
        &snapshot.table,
        &rows,
        &totals,
        args.format.into(),
    ))?;
    for note in repo.notes(&head) {
        eprintln!("note: {}", escape_line(&note));
    }
    // Recordings `bargain sync` kept unsent, each with why (its words are `sync`'s).
    if let Ok(unsent) = replay::unsent(&repo, &history, crate::clock::today()) {
        for line in super::sync::unsent_words(&snapshot.table, &unsent).lines() {
            eprintln!("note: {line}");
        }
    }
    // What `verify` would flag on this state, besides the snapshot's own problems.
    let standing = bargain_core::record::verify::standing(&repo, &snapshot, &history);
    let problems: Vec<_> = snapshot.all_problems().chain(&standing).collect();
    for problem in &problems {
        eprintln!("problem: {problem}");
    }
    if let Some(e) = &history_problem {
        eprintln!(
            "problem: the history cannot be read ({}); passes are not counted (`git fsck` shows what is damaged)",
            escape_line(&e.to_string())
        );
    }
    let code = if problems.is_empty() && history_problem.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    drop(problems);
    super::leave((rows, history, snapshot));
    Ok(code)
}
