//! The redline pane: asking for an article's redline, taking the answer, wrapping it for the
//! pane, scrolling it (changes, search matches).

use super::{history, keep_visible};
use crate::tui::layout;
use crate::tui::redline_view::{self, RedlineDoc};
use crate::tui::search::hit_rows;
use crate::tui::state::{ArticleView, Effect, Jump, RedlineResult, RedlineStatus, State};
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

/// Shows article `id` under the current comparison: a new request, whose generation makes every
/// earlier one stale.
pub(super) fn open_article(state: &mut State, id: &str, effects: &mut Vec<Effect>) {
    let generation = state.next_generation;
    state.next_generation += 1;
    let history = history::rows(state, id);
    let keep = state
        .article
        .as_ref()
        .filter(|a| a.id == id && !a.history.is_empty());
    let (selected, mark, pending) =
        keep.map_or((history.len().saturating_sub(1), None, None), |a| {
            (
                a.history_selected.min(history.len().saturating_sub(1)),
                a.mark,
                a.pending,
            )
        });
    let rows = layout::history_rows(state);
    let mut view = ArticleView {
        id: id.to_string(),
        generation,
        status: RedlineStatus::Loading,
        old: Label::default(),
        new: Vec::new(),
        doc: Arc::new(RedlineDoc::message("Comparing…")),
        rendered: Default::default(),
        rendered_for: None,
        scroll: 0,
        change: None,
        hit_rows: Vec::new(),
        hit: None,
        pending,
        comparison: state.comparison.clone(),
        keep_scroll: false,
        history,
        history_selected: selected,
        history_offset: 0,
        mark,
    };
    // The same article under the same comparison again (the table refreshed under it, the
    // index finished, Enter once more): the text on screen stays, where the reader is, until
    // the new answer replaces it — the view does not jump to the top while nothing scrolled.
    if let Some(shown) = state.article.take().filter(|a| {
        a.id == id && a.comparison == state.comparison && a.status == RedlineStatus::Ready
    }) {
        view.status = shown.status;
        view.old = shown.old;
        view.new = shown.new;
        view.doc = shown.doc;
        view.rendered = shown.rendered;
        view.rendered_for = shown.rendered_for;
        view.scroll = shown.scroll;
        view.change = shown.change;
        view.hit_rows = shown.hit_rows;
        view.hit = shown.hit;
        view.keep_scroll = true;
    }
    let len = view.history.len();
    keep_visible(&mut view.history_offset, view.history_selected, rows, len);
    state.article = Some(view);
    relayout(state);
    history::ask(state, id, effects);
    if state.table.is_some() {
        effects.push(Effect::ComputeRedline {
            generation,
            article: id.to_string(),
            comparison: state.comparison.clone(),
        });
    }
}

/// Re-wraps the redline if its width, layout or look changed, and recomputes search rows.
pub fn relayout(state: &mut State) {
    let text = layout::redline_text(state);
    let look = state.look();
    let layout_mode = state.arrangement;
    let query = state.search.query.clone();
    if let (Some(article), Some(area)) = (&mut state.article, text) {
        let key = (area.width, layout_mode, look);
        if article.rendered_for != Some(key) {
            article.rendered = redline_view::render(&article.doc, area.width, layout_mode, look);
            article.rendered_for = Some(key);
            article.hit_rows = hit_rows(&article.rendered, &query);
            article.hit = None;
        }
    }
    super::list::scroll_list(state);
    let rows = layout::history_rows(state);
    if let Some(a) = &mut state.article {
        a.history_selected = a.history_selected.min(a.history.len().saturating_sub(1));
        let len = a.history.len();
        keep_visible(&mut a.history_offset, a.history_selected, rows, len);
    }
    clamp_redline(state);
}

pub(super) fn clamp_redline(state: &mut State) {
    let height = layout::redline_text(state).map_or(1, |r| usize::from(r.height).max(1));
    if let Some(a) = &mut state.article {
        let max = a.rendered.lines.len().saturating_sub(height);
        a.scroll = a.scroll.min(max);
    }
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
