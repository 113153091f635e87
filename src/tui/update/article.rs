//! The article opened and the panes laid out around it, for every pane to ask: the article's
//! redline requested and its timeline read (the history pane's rows), and after anything that
//! moves or resizes them, the redline wrapped again for its width and each pane's cursor kept
//! in view. It asks none of the panes' modules; they, and `update`, ask it.

use super::keep_visible;
use crate::tui::layout;
use crate::tui::redline_view::{self, RedlineDoc};
use crate::tui::search::hit_rows;
use crate::tui::state::{ArticleView, Effect, HistoryRow, RedlineStatus, State};
use bargain_core::comparison::Label;
use bargain_core::events::{FileKind, What, session_of};
use std::sync::Arc;

/// Shows article `id` under the current comparison: a new request, whose generation makes every
/// earlier one stale.
pub(super) fn open_article(state: &mut State, id: &str, effects: &mut Vec<Effect>) {
    let generation = state.next_generation;
    state.next_generation += 1;
    let history = timeline(state, id);
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
    ask(state, id, effects);
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
    scroll_list(state);
    let rows = layout::history_rows(state);
    if let Some(a) = &mut state.article {
        a.history_selected = a.history_selected.min(a.history.len().saturating_sub(1));
        let len = a.history.len();
        keep_visible(&mut a.history_offset, a.history_selected, rows, len);
    }
    clamp_redline(state);
}

/// Keeps the redline's scroll within its text.
pub(super) fn clamp_redline(state: &mut State) {
    let height = layout::redline_text(state).map_or(1, |r| usize::from(r.height).max(1));
    if let Some(a) = &mut state.article {
        let max = a.rendered.lines.len().saturating_sub(height);
        a.scroll = a.scroll.min(max);
    }
}

/// Keeps the list's cursor in view.
pub(super) fn scroll_list(state: &mut State) {
    let rows = layout::list_rows(state);
    keep_visible(
        &mut state.list_offset,
        state.selected,
        rows,
        state.visible.len(),
    );
}

/// The article's timeline, oldest first: the history pane's rows.
pub(super) fn timeline(state: &State, id: &str) -> Vec<HistoryRow> {
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
