//! The history pane: an article's timeline as rows (one per thing done, as `log` reads it),
//! and picking two versions of it to compare.

use crate::tui::state::{Effect, HistoryRow, Pane, State};
use bargain_core::comparison::{Comparison, VersionRef};
use bargain_core::events::{FileKind, What, session_of};
use bargain_core::store::History;
use std::sync::Arc;

/// The article's timeline, oldest first.
pub(super) fn rows(state: &State, id: &str) -> Vec<HistoryRow> {
    let Some(table) = &state.table else {
        return Vec::new();
    };
    let Some(history) = table.history_of(id) else {
        return Vec::new();
    };
    let t = &table.snapshot.table;
    let events = history.events(id);
    let whats: Vec<What> = events
        .iter()
        .enumerate()
        .map(|(i, e)| What::of(events, i, history.commit(e)))
        .collect();
    // One row per thing done, as `log` reads it: a TA is one row, and it opens the TA's text.
    let implied = bargain_core::events::implied(events, &whats);
    let has_text =
        |e: &bargain_core::events::Event| e.blob.is_some() && e.kind != FileKind::Article;
    events
        .iter()
        .enumerate()
        .filter(|(i, _)| implied[*i].is_none())
        .map(|(i, e)| {
            let commit = history.commit(e);
            // The text this row compares: its own, or that of an event it stands for.
            let text = if has_text(e) {
                Some(i)
            } else {
                (0..events.len()).find(|&m| implied[m] == Some(i) && has_text(&events[m]))
            };
            let shown = text.map_or(e, |m| &events[m]);
            HistoryRow {
                event: text.unwrap_or(i),
                date: commit.event_date(),
                session: session_of(t, commit).map(|s| s.name.clone()),
                who: t
                    .person(&commit.email)
                    .map_or_else(|| commit.author.clone(), |p| p.name.clone()),
                what: whats[i].describe(t, commit),
                has_text: text.is_some(),
                commit: commit.id,
                file: shown.kind.file_name(),
            }
        })
        .collect()
}

/// All history is being walked: the article in view is walked alone meanwhile.
pub(super) fn walking(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(table) = &mut state.table else {
        return;
    };
    if table.history.is_some() {
        return;
    }
    table.walking = true;
    if let Some(id) = state.article.as_ref().map(|a| a.id.clone()) {
        ask(state, &id, effects);
    }
}

/// Asks for article `id`'s own walk when all history is being walked and its history is not at
/// hand; a request for another article supersedes it (the shell keeps the latest).
pub(super) fn ask(state: &State, id: &str, effects: &mut Vec<Effect>) {
    if let Some(table) = &state.table
        && table.walking
        && table.history_of(id).is_none()
    {
        effects.push(Effect::ArticleHistory {
            article: id.to_string(),
            commit: table.snapshot.commit,
        });
    }
}

/// An article's own history arrived: kept while the whole index is not there and it covers the
/// table shown, and the article shown again with it (its rows, its redline asked again). A late
/// one (the table moved on, or the whole index came first) is dropped.
pub(super) fn arrived(state: &mut State, one: Arc<History>, effects: &mut Vec<Effect>) {
    let Some(table) = &mut state.table else {
        return;
    };
    let Some(id) = one.scope().map(str::to_string) else {
        return;
    };
    if table.history.is_some() || one.head != Some(table.snapshot.commit) {
        return;
    }
    table.article_history = Some(one);
    if state.article.as_ref().is_some_and(|a| a.id == id) {
        super::redline::open_article(state, &id, effects);
    }
}

/// Enter in the history: the marked version (or the one before the selected, of the same file)
/// against the selected one.
pub(super) fn compare_picked(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(a) = &state.article else { return };
    let Some(row) = a.history.get(a.history_selected) else {
        return;
    };
    if !row.has_text {
        state.flash = Some("this event has no text to compare".into());
        return;
    }
    let old = match a.mark.filter(|&m| m != row.event) {
        Some(m) => VersionRef::Event(m),
        None => a.history[..a.history_selected]
            .iter()
            .rev()
            .find(|r| r.file == row.file && r.has_text)
            .map_or(VersionRef::Current, |r| VersionRef::Event(r.event)),
    };
    state.comparison = Comparison::Versions(old, VersionRef::Event(row.event));
    let id = a.id.clone();
    super::redline::open_article(state, &id, effects);
    state.focus = Pane::Redline;
    super::redline::relayout(state);
}

/// Space: mark the selected version as the old text of the next comparison (again: unmark).
pub(super) fn mark(state: &mut State) {
    if let Some(a) = &mut state.article
        && let Some(row) = a.history.get(a.history_selected)
    {
        if !row.has_text {
            state.flash = Some("this event has no text to compare".into());
        } else if a.mark == Some(row.event) {
            a.mark = None;
        } else {
            a.mark = Some(row.event);
            state.flash = Some("marked as the old text: Enter on another version compares".into());
        }
    }
}
