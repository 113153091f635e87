//! `bargain sync`: fetch, integrate the local recordings by replay, push; and the kept ones
//! (`--list`, `--redo N`, `--discard N`).
//!
//! Exit codes (the command's own, beside [`super::error`]'s): 0 everything sent and received;
//! 1 something is kept unsent, or a commit made by hand stopped the sync; 2 the remote could not
//! be reached (git's message, credentials blanked).

use super::error::{CliError, Outcome};
use super::record::refused;
use super::{open, output};
use bargain_core::model::Table;
use bargain_core::record::replay::{self, Entry, Kept, SyncError, Unsent};
use bargain_core::store::History;
use bargain_core::store::remote::{Mode, NetError};
use bargain_core::text::escape_line;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Record kept recording N again as it would be recorded now (its pass number may move),
    /// then sync.
    #[arg(long, value_name = "N", conflicts_with_all = ["discard", "list"])]
    pub redo: Option<u32>,
    /// Forget kept recording N (refs/bargain/unsent/N); its commit id is printed.
    #[arg(long, value_name = "N", conflicts_with = "list")]
    pub discard: Option<u32>,
    /// Only list the recordings kept unsent, and why (no network).
    #[arg(long)]
    pub list: bool,
    /// Never ask for a password or passphrase (as the TUI's background fetch).
    #[arg(long)]
    pub batch: bool,
}

pub fn run(repo_dir: Option<&Path>, args: &Args) -> Outcome {
    let repo = open(repo_dir)?;
    let today = crate::clock::today();
    let table = repo.snapshot()?.table;
    if args.list {
        let history = History::load(&repo)?.0;
        let list = replay::unsent(&repo, &history, today)?;
        output::print(&unsent_words(&table, &list))?;
        return Ok(exit_for(&list));
    }
    if let Some(n) = args.discard {
        let commit = replay::discard(&repo, n).map_err(redo_error)?;
        output::print(&format!(
            "Discarded unsent recording {n} (was {}; git can still show it until its reflog expires)\n",
            &commit.to_string()[..10]
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(n) = args.redo {
        let (commit, plan) = replay::redo(&repo, n, today).map_err(redo_error)?;
        output::print(&format!(
            "Recorded again: {} ({})\n",
            escape_line(&plan.sentence),
            &commit.to_string()[..10]
        ))?;
    }
    let mode = if args.batch || !std::io::stdin().is_terminal() {
        Mode::Background
    } else {
        Mode::Interactive
    };
    match replay::sync(&repo, mode, today) {
        Ok(report) => {
            let table = repo.snapshot()?.table;
            let mut said = String::new();
            let _ = writeln!(
                said,
                "Synced with {} ({}) at {}",
                escape_line(&report.upstream.remote),
                escape_line(&report.upstream.url),
                &report.head.to_string()[..10]
            );
            said.push_str(&entries("Sent", &table, &report.sent));
            said.push_str(&entries("Received", &table, &report.received));
            if report.sent.is_empty() && report.received.is_empty() {
                said.push_str("Nothing to send or receive.\n");
            }
            said.push_str(&unsent_words(&table, &report.unsent));
            output::print(&said)?;
            Ok(exit_for(&report.unsent))
        }
        Err(SyncError::Net(e)) => Err(CliError::unusable(net_words(&e))),
        Err(SyncError::Store(e)) => Err(e.into()),
        Err(e) => Err(CliError::refused(e.to_string())),
    }
}

fn exit_for(unsent: &[Unsent]) -> ExitCode {
    if unsent.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn net_words(e: &NetError) -> String {
    match e {
        NetError::Auth { .. } => {
            format!("{e}; nothing was sent or received (check your credentials with `git fetch`)")
        }
        _ => format!("{e}; nothing was sent or received"),
    }
}

fn redo_error(e: SyncError) -> CliError {
    match e {
        SyncError::StillKept(kept) => {
            CliError::refused(format!("not recorded: {}", kept_words(&kept)))
        }
        SyncError::Store(e) => e.into(),
        other => CliError::refused(other.to_string()),
    }
}

/// "Received: article 12 · Union pass 4 · by AI lead (union) — "sentence"".
fn entries(label: &str, table: &Table, list: &[Entry]) -> String {
    let mut out = String::new();
    for entry in list {
        let by = table
            .person(&entry.commit.email)
            .map_or(entry.commit.author.as_str(), |p| p.name.as_str());
        if entry.events.is_empty() {
            let _ = writeln!(
                out,
                "{label}: {} · by {}",
                escape_line(&entry.commit.summary),
                escape_line(by)
            );
        }
        for (article, what) in &entry.events {
            let _ = writeln!(
                out,
                "{label}: {} · {} · by {}",
                escape_line(article),
                escape_line(&what.describe(table, &entry.commit)),
                escape_line(by)
            );
        }
    }
    out
}

/// Why a recording is kept, in the CLI's words.
pub fn kept_words(kept: &Kept) -> String {
    match kept {
        Kept::Refused(r) => refused(r).replace("; nothing was recorded", ""),
        Kept::Changed { now } => format!(
            "the table moved meanwhile: it would now be recorded as \"{}\"",
            escape_line(now)
        ),
        Kept::Unreadable => "its record cannot be read back as a recording".to_string(),
    }
}

/// The list of kept recordings with why, and what to type.
pub fn unsent_words(_table: &Table, list: &[Unsent]) -> String {
    let mut out = String::new();
    for u in list {
        let why = match &u.why {
            Some(kept) => kept_words(kept),
            None => "it can now be recorded".to_string(),
        };
        let _ = writeln!(
            out,
            "Kept unsent {n}: \"{}\" by {} ({}, refs/bargain/unsent/{n}): {why}",
            escape_line(&u.summary),
            escape_line(&u.author),
            &u.commit.to_string()[..10],
            n = u.number,
        );
    }
    if !list.is_empty() {
        out.push_str(
            "Re-do one as it would be recorded now with `bargain sync --redo N`, or drop it with `bargain sync --discard N`.\n",
        );
    }
    out
}
