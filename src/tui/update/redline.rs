//! The redline pane: taking the answer to the request in force, scrolling it (changes, search
//! matches), another comparison. Asking for an article's redline and wrapping it for the pane
//! are `article`'s, for every pane.

use super::article::{clamp_redline, open_article, relayout};
use crate::tui::redline_view::RedlineDoc;
use crate::tui::state::{Effect, Jump, RedlineResult, RedlineStatus, State};
use bargain_core::comparison::Label;
use std::sync::Arc;

/// A redline computed off the UI thread: shown if it answers the request in force (the latest
/// wins), kept where the reader was when it answers the same request again, at the match a
/// search asked for.
pub(super) fn arrived(state: &mut State, result: RedlineResult) {
    let Some(article) = &mut state.article else {
        return;
    };
    if result.generation != article.generation {
        return; // superseded: the latest request wins
    }
    match result.outcome {
        Ok(ready) => {
            article.status = RedlineStatus::Ready;
            article.old = ready.old;
            article.new = ready.new;
            article.doc = ready.doc;
        }
        Err(why) => {
            article.status = RedlineStatus::Failed(why.clone());
            article.doc = Arc::new(RedlineDoc::message(&why));
            article.old = Label::default();
            article.new = Vec::new();
        }
    }
    let kept = std::mem::take(&mut article.keep_scroll).then_some(article.scroll);
    article.rendered_for = None;
    article.scroll = 0;
    article.change = None;
    relayout(state);
    if let (Some(article), Some(scroll)) = (&mut state.article, kept) {
        article.scroll = scroll;
    }
    if let Some(article) = &mut state.article
        && let Some(jump) = article.pending.take()
    {
        let row = match jump {
            Jump::FirstMatch => article.hit_rows.first(),
            Jump::LastMatch => article.hit_rows.last(),
        };
        match row {
            Some(&row) => {
                article.scroll = row.saturating_sub(1);
                article.hit = Some(match jump {
                    Jump::FirstMatch => 0,
                    Jump::LastMatch => article.hit_rows.len() - 1,
                });
            }
            None if !state.search.query.is_empty() => {
                state.flash = Some(
                    "the match is in a version this comparison does not show (c: another comparison)"
                        .to_string(),
                );
            }
            None => {}
        }
    }
    clamp_redline(state);
}

/// Moves to the next (or previous) matching row in the open redline. `from_start` searches from
/// the top of the text rather than from the current position.
pub(super) fn jump_within(state: &mut State, forward: bool, from_start: bool) -> bool {
    let Some(a) = &mut state.article else {
        return false;
    };
    let rows = &a.hit_rows;
    let index = match (forward, from_start, a.hit) {
        (_, _, _) if rows.is_empty() => None,
        (true, true, _) => Some(0),
        (false, true, _) => Some(rows.len() - 1),
        (true, false, Some(i)) => (i + 1 < rows.len()).then_some(i + 1),
        (false, false, Some(i)) => i.checked_sub(1),
        // No match visited yet: the first one below (or above) the top of the view.
        (true, false, None) => rows.iter().position(|&r| r > a.scroll),
        (false, false, None) => rows.iter().rposition(|&r| r < a.scroll),
    };
    match index {
        Some(i) => {
            a.hit = Some(i);
            a.scroll = rows[i].saturating_sub(1);
            clamp_redline(state);
            true
        }
        None => false,
    }
}

/// `c` / `C`: the next (or previous) named comparison, for the article in view.
pub(super) fn next_comparison(state: &mut State, forward: bool, effects: &mut Vec<Effect>) {
    let Some(table) = &state.table else { return };
    let all = &table.comparisons;
    let i = all.iter().position(|c| *c == state.comparison);
    let next = match (i, forward) {
        (None, _) => 0,
        (Some(i), true) => (i + 1) % all.len(),
        (Some(i), false) => (i + all.len() - 1) % all.len(),
    };
    state.comparison = all[next].clone();
    if let Some(id) = state.article.as_ref().map(|a| a.id.clone()) {
        open_article(state, &id, effects);
    }
}

/// `]` / `[`: the next (or previous) change, scrolled to.
pub(super) fn next_change(state: &mut State, forward: bool) {
    let Some(article) = &mut state.article else {
        return;
    };
    let rows = &article.rendered.change_rows;
    if rows.is_empty() {
        state.flash = Some("no changes".into());
        return;
    }
    let target = match (article.change, forward) {
        (None, true) => 0,
        (None, false) => rows.len() - 1,
        (Some(i), true) => (i + 1).min(rows.len() - 1),
        (Some(i), false) => i.saturating_sub(1),
    };
    article.change = Some(target);
    article.scroll = rows[target].saturating_sub(1);
    clamp_redline(state);
}
