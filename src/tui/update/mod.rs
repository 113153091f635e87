//! `update`: the only place the state changes. Pure: a message in, the state changed, effects out
//! for the shell to perform. Tests call it without a terminal.
//!
//! This file routes messages and keys and moves the cursor of the pane in focus; each pane's
//! own changes are in its module: `list`, `redline`, `history`, `help` (the `?` overlay),
//! `article` (the article opened and every pane laid out, which the panes ask),
//! `search` (a query run over the corpus), and the glue of the two popups that are components
//! of their own, `form` (the recording form) and `import` (the import screen).

mod article;
mod form;
mod help;
mod history;
mod import;
mod list;
mod redline;
mod search;

pub use article::relayout;
pub use list::refilter;

use super::keys::{self, Action};
use super::layout;
use super::recording::Reloaded;
use super::redline_view::Arrangement;
use super::state::{Effect, Loading, Message, MoveFilter, Pane, State, TableView};
use bargain_core::comparison::Comparison;
use bargain_core::store::History;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEventKind};
use search::run_search;
use std::sync::Arc;

/// Applies one message; returns what the shell must do.
pub fn update(state: &mut State, message: Message) -> Vec<Effect> {
    let mut effects = Vec::new();
    match message {
        Message::Key(key) => {
            if key.kind == crossterm::event::KeyEventKind::Release {
                return effects;
            }
            key_pressed(state, key, &mut effects);
        }
        Message::Act(action) => act(state, action, &mut effects),
        Message::Mouse(mouse) => mouse_event(state, mouse, &mut effects),
        Message::Resize(w, h) => {
            state.size = (w, h);
            article::relayout(state);
        }
        Message::Opened(opened) => {
            let comparisons = Comparison::all(&opened.snapshot.table);
            let rows = bargain_core::tracker::rows(&opened.snapshot, &History::default(), None);
            state.table = Some(TableView {
                snapshot: opened.snapshot,
                history: None,
                walking: false,
                article_history: None,
                rows,
                branch: opened.branch,
                uncommitted: opened.uncommitted,
                sync: opened.sync,
                comparisons,
            });
            if state.loading == Loading::Opening {
                state.loading = Loading::Indexing(bargain_core::store::history::WalkProgress {
                    done: 0,
                    total: 0,
                });
            }
            list::refilter(state);
            if state.wide() {
                list::open_selected(state, &mut effects);
            }
        }
        Message::Indexing(progress) => {
            if state.loading != Loading::Done {
                state.loading = Loading::Indexing(progress);
            }
        }
        Message::Walking => history::walking(state, &mut effects),
        Message::Indexed(history) => indexed(state, history, &mut effects),
        Message::ArticleHistory(one) => history::arrived(state, one, &mut effects),
        Message::Failed(why) => state.loading = Loading::Failed(why),
        Message::Fetched(sync) => {
            if let Some(table) = &mut state.table {
                table.sync = sync;
            }
        }
        Message::Synced(synced) => {
            let super::state::Synced { sync, said, table } = *synced;
            if let Some(view) = &mut state.table {
                view.sync = sync;
            }
            if let Some(reloaded) = table {
                // Incoming recordings: the same path as after a write.
                adopt(state, reloaded, &mut effects);
            }
            state.flash = Some(said);
        }
        Message::Redline(result) => redline::arrived(state, *result),
        Message::Record(event) => form::event(state, *event, &mut effects),
        Message::Import(event) => import::event(state, *event, &mut effects),
        Message::Corpus(corpus) => corpus_arrived(state, corpus),
        Message::HeadMoved(commit) => {
            // Only a table that is indexed is refreshed (the first load is still running
            // otherwise, and it reads HEAD itself); our own writes arrive as the same commit.
            if let Some(table) = &state.table
                && table.history.is_some()
                && table.snapshot.commit != commit
            {
                effects.push(Effect::Refresh { commit });
            }
        }
        Message::Refreshed(reloaded) => {
            let moved = state
                .table
                .as_ref()
                .is_some_and(|t| t.snapshot.commit != reloaded.snapshot.commit);
            if moved {
                let commit = reloaded.snapshot.commit;
                adopt(state, *reloaded, &mut effects);
                state.flash = Some(format!(
                    "the table changed outside bargain: now at {}",
                    super::recording::short(commit)
                ));
            }
        }
    }
    effects
}

/// The index is ready (the first walk, or extended after a write, a refresh or a sync): the
/// tracker's rows again, and the article in view asked for again.
fn indexed(state: &mut State, history: Arc<History>, effects: &mut Vec<Effect>) {
    state.loading = Loading::Done;
    if let Some(table) = &mut state.table {
        table.rows = bargain_core::tracker::rows(&table.snapshot, &history, None);
        table.history = Some(history);
        // The whole index replaces any one article's.
        table.walking = false;
        table.article_history = None;
    }
    list::refilter(state);
    // An article opened before the index was ready is loaded now.
    match &state.article {
        Some(a) => {
            let id = a.id.clone();
            article::open_article(state, &id, effects);
        }
        None if state.wide() => list::open_selected(state, effects),
        None => {}
    }
}

/// Every article's texts for search; a query in force is counted again.
fn corpus_arrived(state: &mut State, corpus: Arc<super::search::Corpus>) {
    state.search.corpus = Some(corpus);
    if !state.search.query.is_empty() {
        let q = state.search.query.clone();
        run_search(state, &q);
    }
}

/// The table as it now stands (after a write, after the branch moved under the TUI, after a
/// sync) becomes the one shown: rows, filters and the open article again, by the same path as
/// the first index.
fn adopt(state: &mut State, reloaded: Reloaded, effects: &mut Vec<Effect>) {
    if let Some(view) = &mut state.table {
        view.comparisons = Comparison::all(&reloaded.snapshot.table);
        view.snapshot = reloaded.snapshot;
    }
    indexed(state, reloaded.history, effects);
    corpus_arrived(state, reloaded.corpus);
}

fn key_pressed(state: &mut State, key: crossterm::event::KeyEvent, effects: &mut Vec<Effect>) {
    state.flash = None;
    if state.help.is_some() {
        help::key(state, &key);
        return;
    }
    if state.recording.form.is_some() {
        form::key(state, key, effects);
        return;
    }
    if state.import.is_some() {
        import::key(state, key, effects);
        return;
    }
    if state.search.editing {
        match keys::action_for(keys::Scope::Search, &key) {
            Some(Action::Open) => {
                state.search.editing = false;
                let q = state.search.input.trim().to_string();
                run_search(state, &q);
                if state.search.total > 0 {
                    let here = state
                        .selected_row()
                        .is_some_and(|r| state.search.counts.contains_key(&r.id));
                    if here && state.article.is_some() {
                        redline::jump_within(state, true, true);
                    } else {
                        list::next_match_article(state, true, effects);
                    }
                }
            }
            Some(Action::Back) => {
                state.search.editing = false;
                let before = std::mem::take(&mut state.search.before);
                run_search(state, &before);
            }
            _ => {
                match key.code {
                    KeyCode::Backspace => {
                        state.search.input.pop();
                    }
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        state.search.input.push(c);
                    }
                    _ => return,
                }
                // Matches are counted and highlighted as the query is typed.
                let typed = state.search.input.clone();
                run_search(state, &typed);
            }
        }
        return;
    }
    if let Some(action) = keys::action_for(state.scope(), &key) {
        act(state, action, effects);
    }
}

/// Performs one action where the focus is.
pub fn act(state: &mut State, action: Action, effects: &mut Vec<Effect>) {
    match action {
        Action::Quit => {
            state.quit = true;
            effects.push(Effect::Quit);
        }
        Action::Help => state.help = Some(0),
        Action::Sync => {
            state.flash = Some("syncing with the remote…".into());
            effects.push(Effect::Sync);
        }
        Action::Record | Action::RecordPass | Action::RecordStatus | Action::AddArticle => {
            form::open(state, action)
        }
        Action::Import => import::open(state),
        // The form's own keys mean nothing outside it.
        Action::PrevStep | Action::PickPrev | Action::PickNext | Action::Editor => {}
        Action::FocusNext | Action::FocusPrev => {
            if state.article.is_none() {
                list::open_selected(state, effects);
                if state.article.is_none() {
                    return;
                }
            }
            let order = [Pane::List, Pane::Redline, Pane::History];
            let i = order.iter().position(|p| *p == state.focus).unwrap_or(0);
            let step = if action == Action::FocusNext { 1 } else { 2 };
            state.focus = order[(i + step) % 3];
            article::relayout(state);
        }
        Action::Back => {
            if !state.search.query.is_empty() {
                state.search.query.clear();
                state.search.input.clear();
                state.search.counts.clear();
                state.search.counted = None;
                state.search.total = 0;
                if let Some(a) = &mut state.article {
                    a.hit_rows.clear();
                    a.hit = None;
                }
            } else if state.focus != Pane::List {
                state.focus = Pane::List;
                article::relayout(state);
            } else if state.status_filter.is_some() || state.move_filter != MoveFilter::Any {
                state.status_filter = None;
                state.move_filter = MoveFilter::Any;
                list::refilter(state);
            }
        }
        Action::Open => match state.focus {
            Pane::List => {
                list::open_selected(state, effects);
                if state.article.is_some() {
                    state.focus = Pane::Redline;
                    article::relayout(state);
                }
            }
            Pane::History => history::compare_picked(state, effects),
            Pane::Redline => {}
        },
        Action::Up => move_by(state, -1, effects),
        Action::Down => move_by(state, 1, effects),
        Action::Top => move_by(state, isize::MIN / 2, effects),
        Action::Bottom => move_by(state, isize::MAX / 2, effects),
        Action::HalfPageDown => {
            let p = page(state) / 2;
            move_by(state, p.max(1) as isize, effects)
        }
        Action::HalfPageUp => {
            let p = page(state) / 2;
            move_by(state, -(p.max(1) as isize), effects)
        }
        Action::PageDown => {
            let p = page(state);
            move_by(state, p.max(1) as isize, effects)
        }
        Action::PageUp => {
            let p = page(state);
            move_by(state, -(p.max(1) as isize), effects)
        }
        Action::Topic(n) => list::topic(state, n, effects),
        Action::NextComparison | Action::PrevComparison => {
            redline::next_comparison(state, action == Action::NextComparison, effects)
        }
        Action::ToggleLayout => {
            state.arrangement = match state.arrangement {
                Arrangement::Inline => Arrangement::SideBySide,
                Arrangement::SideBySide => Arrangement::Inline,
            };
            article::relayout(state);
        }
        Action::ToggleMarkers => {
            state.markers = !state.markers;
            article::relayout(state);
        }
        Action::NextChange | Action::PrevChange => {
            redline::next_change(state, action == Action::NextChange)
        }
        Action::Search => {
            state.search.editing = true;
            state.search.input = state.search.query.clone();
            state.search.before = state.search.query.clone();
        }
        Action::NextMatch | Action::PrevMatch => {
            if state.search.query.is_empty() {
                state.flash = Some("no search: / to search".into());
                return;
            }
            let forward = action == Action::NextMatch;
            if !redline::jump_within(state, forward, false) {
                list::next_match_article(state, forward, effects);
            }
        }
        Action::FilterStatus => list::filter_status(state, effects),
        Action::FilterMove => list::filter_move(state, effects),
        Action::Sort => list::sort(state),
        Action::Mark => history::mark(state),
    }
}

/// Rows a page moves in the focused pane.
fn page(state: &State) -> usize {
    match state.focus {
        Pane::List => layout::list_rows(state),
        Pane::Redline => layout::redline_text(state).map_or(1, |r| usize::from(r.height)),
        Pane::History => layout::history_rows(state),
    }
}

fn step(value: usize, by: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (value as isize)
        .saturating_add(by)
        .clamp(0, len as isize - 1) as usize
}

pub(super) fn move_by(state: &mut State, by: isize, effects: &mut Vec<Effect>) {
    match state.focus {
        Pane::List => {
            let before = state.selected;
            state.selected = step(state.selected, by, state.visible.len());
            article::scroll_list(state);
            if before != state.selected {
                list::follow_selection(state, effects);
            }
        }
        Pane::Redline => {
            if let Some(a) = &mut state.article {
                a.scroll = step(a.scroll, by, a.rendered.lines.len().max(1));
            }
            article::clamp_redline(state);
        }
        Pane::History => {
            let rows = layout::history_rows(state);
            if let Some(a) = &mut state.article {
                a.history_selected = step(a.history_selected, by, a.history.len());
                keep_visible(
                    &mut a.history_offset,
                    a.history_selected,
                    rows,
                    a.history.len(),
                );
            }
        }
    }
}

/// Scrolls a list of `len` rows shown `rows` at a time so that `selected` is in view, and never
/// leaves rows empty at the bottom while rows above are hidden. A pane not on screen (`rows` 0)
/// keeps its offset until it is shown: a pane measured while hidden would scroll to one row.
pub(super) fn keep_visible(offset: &mut usize, selected: usize, rows: usize, len: usize) {
    if rows == 0 {
        return;
    }
    if selected < *offset {
        *offset = selected;
    } else if selected >= *offset + rows {
        *offset = selected + 1 - rows;
    }
    *offset = (*offset).min(len.saturating_sub(rows));
}

fn mouse_event(state: &mut State, mouse: crossterm::event::MouseEvent, effects: &mut Vec<Effect>) {
    if state.recording.form.is_some() || state.import.is_some() {
        return; // the form is keyboard only; the panes under it stay as they are
    }
    if state.help.is_some() {
        if matches!(mouse.kind, MouseEventKind::Down(_)) {
            state.help = None;
        }
        return;
    }
    let areas = layout::areas(state);
    let (x, y) = (mouse.column, mouse.row);
    match mouse.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let by = if mouse.kind == MouseEventKind::ScrollDown {
                3
            } else {
                -3
            };
            if let Some(pane) = areas.pane_at(x, y) {
                let focus = state.focus;
                state.focus = pane;
                match pane {
                    Pane::Redline => move_by(state, by, effects),
                    _ => move_by(state, by.signum(), effects),
                }
                state.focus = focus;
            }
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if areas.tabs.contains((x, y).into()) {
                if let Some((_, _, topic, _)) = layout::tabs(state)
                    .into_iter()
                    .find(|(tx, w, _, _)| x >= *tx && x < tx + w)
                {
                    act(state, Action::Topic(topic as u8), effects);
                }
                return;
            }
            match areas.pane_at(x, y) {
                Some(Pane::List) => {
                    let r = areas.list.unwrap_or_default();
                    state.focus = Pane::List;
                    let row = y.saturating_sub(r.y + layout::LIST_HEAD);
                    if y >= r.y + layout::LIST_HEAD {
                        let i = state.list_offset + usize::from(row);
                        if i < state.visible.len() {
                            if i == state.selected {
                                act(state, Action::Open, effects);
                            } else {
                                state.selected = i;
                                list::follow_selection(state, effects);
                            }
                        }
                    }
                }
                Some(Pane::History) => {
                    let r = areas.history.unwrap_or_default();
                    state.focus = Pane::History;
                    if y >= r.y + layout::HISTORY_HEAD
                        && let Some(a) = &mut state.article
                    {
                        let i = a.history_offset + usize::from(y - r.y - layout::HISTORY_HEAD);
                        if i < a.history.len() {
                            a.history_selected = i;
                        }
                    }
                }
                Some(Pane::Redline) => state.focus = Pane::Redline,
                None => {}
            }
        }
        _ => {}
    }
}
