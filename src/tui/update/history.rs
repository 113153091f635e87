//! The history pane: an article's timeline as rows (one per thing done, as `log` reads it),
//! and picking two versions of it to compare.

use crate::tui::state::{Effect, HistoryRow, Pane, State};
use bargain_core::comparison::{Comparison, VersionRef};
use bargain_core::events::{FileKind, What, session_of};

/// The article's timeline, oldest first.
pub(super) fn rows(state: &State, id: &str) -> Vec<HistoryRow> {
    let Some(table) = &state.table else {
        return Vec::new();
    };
    let Some(history) = &table.history else {
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
