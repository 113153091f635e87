//! The negotiation record read back from git: who changed what, when, at which session — for
//! `bargain log` and the TUI's history view. Built from the history index alone (one walk).
//!
//! Which session a commit belongs to and how an event is named are `crate::events`'s rules
//! ([`session_of`], [`What`]), the same ones the comparisons' labels and the TUI use.

use crate::events::{CommitInfo, What, session_of};
use crate::model::{Session, Table};
use crate::store::history::History;
use crate::text::escape_line;
use std::fmt::Write as _;

/// One commit of the record, with what it did to which articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry<'h> {
    pub commit: &'h CommitInfo,
    /// The session it belongs to (its name), if any.
    pub session: Option<String>,
    /// Article id → what changed there, in words ("Example Health pass 2", "status: open").
    pub changes: Vec<(String, Vec<String>)>,
    /// Carries `Bargain-Forced: yes`.
    pub forced: bool,
    /// Made with plain git: no well-formed block of the tool's trailers.
    pub hand_made: bool,
}

/// The record, oldest first: every commit that changed `proposals/`, or only those touching
/// `article` (a folder id) and/or belonging to `session`.
pub fn entries<'h>(
    history: &'h History,
    table: &Table,
    article: Option<&str>,
    session: Option<&Session>,
) -> Vec<LogEntry<'h>> {
    let mut by_commit: Vec<Vec<(String, Vec<String>)>> = vec![Vec::new(); history.commits.len()];
    for (id, events) in &history.articles {
        if article.is_some_and(|a| a != id) {
            continue;
        }
        let whats: Vec<What> = events
            .iter()
            .enumerate()
            .map(|(n, e)| What::of(events, n, &history.commits[e.commit]))
            .collect();
        let implied = crate::events::implied(events, &whats);
        for (n, event) in events.iter().enumerate() {
            let commit = &history.commits[event.commit];
            // One line per thing done: the TA text a TA writes is part of the TA.
            if implied[n].is_some() {
                continue;
            }
            let what = whats[n].describe(table, commit);
            let slot = &mut by_commit[event.commit];
            match slot.iter_mut().find(|(a, _)| a == id) {
                Some((_, list)) => list.push(what),
                None => slot.push((id.clone(), vec![what])),
            }
        }
    }
    history
        .commits
        .iter()
        .zip(by_commit)
        .filter(|(_, changes)| !changes.is_empty())
        .filter_map(|(commit, changes)| {
            let own = session_of(table, commit);
            if let Some(wanted) = session
                && own.is_none_or(|s| s.start != wanted.start || s.name != wanted.name)
            {
                return None;
            }
            Some(LogEntry {
                commit,
                session: own.map(|s| s.name.clone()),
                changes,
                forced: commit.forced(),
                hand_made: !commit.is_recorded(),
            })
        })
        .collect()
}

/// The record as `bargain log` prints it: per commit, a line with date, commit, author and
/// session (and `[forced]`, `[hand-made]`), the sentence, and what changed per article. Every
/// field from the repository is escaped.
pub fn render(entries: &[LogEntry<'_>]) -> String {
    let mut out = String::new();
    for entry in entries {
        let c = entry.commit;
        let mut flags = String::new();
        if entry.forced {
            flags.push_str("  [forced]");
        }
        if entry.hand_made {
            flags.push_str("  [hand-made]");
        }
        let _ = writeln!(
            out,
            "{}  {}  {}  {}{}",
            c.date_words(),
            &c.id.to_string()[..10],
            escape_line(&c.email),
            escape_line(entry.session.as_deref().unwrap_or("(no session)")),
            flags
        );
        let _ = writeln!(out, "    {}", escape_line(&c.summary));
        for (id, what) in &entry.changes {
            let _ = writeln!(
                out,
                "    {}: {}",
                escape_line(id),
                escape_line(&what.join(", "))
            );
        }
    }
    out
}
