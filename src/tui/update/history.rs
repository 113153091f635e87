//! The history pane: picking two versions of the article's timeline to compare (its rows, one
//! per thing done as `log` reads it, are read when the article opens: `article::timeline`),
//! and the article's own walk while all history is being walked.

use crate::tui::state::{Effect, Pane, State};
use bargain_core::comparison::{Comparison, VersionRef};
use bargain_core::store::History;
use std::sync::Arc;

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
        super::article::ask(state, &id, effects);
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
        super::article::open_article(state, &id, effects);
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
    super::article::open_article(state, &id, effects);
    state.focus = Pane::Redline;
    super::article::relayout(state);
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
