//! `update`: the only place the state changes. Pure: a message in, the state changed, effects out
//! for the shell to perform. Tests call it without a terminal.

use super::keys::{self, Action};
use super::layout;
use super::redline_view::{self, Layout, RedlineDoc};
use super::search::{hit_rows, run_search};
use super::state::{
    ArticleView, Effect, HistoryRow, Jump, Loading, Message, MoveFilter, Pane, RedlineStatus,
    SortBy, State, TableView,
};
use bargain_core::comparison::{Comparison, Label, VersionRef};
use bargain_core::events::{FileKind, What, session_of};
use bargain_core::model::Status;
use bargain_core::store::History;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEventKind};
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
            relayout(state);
        }
        Message::Opened(opened) => {
            let comparisons = Comparison::all(&opened.snapshot.table);
            let rows = bargain_core::tracker::rows(&opened.snapshot, &History::default(), None);
            state.table = Some(TableView {
                snapshot: opened.snapshot,
                history: None,
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
            refilter(state);
            if state.wide() {
                open_selected(state, &mut effects);
            }
        }
        Message::Indexing(progress) => {
            if state.loading != Loading::Done {
                state.loading = Loading::Indexing(progress);
            }
        }
        Message::Indexed(history) => {
            state.loading = Loading::Done;
            if let Some(table) = &mut state.table {
                table.rows = bargain_core::tracker::rows(&table.snapshot, &history, None);
                table.history = Some(history);
            }
            refilter(state);
            // An article opened before the index was ready is loaded now.
            match &state.article {
                Some(a) => {
                    let id = a.id.clone();
                    open_article(state, &id, &mut effects);
                }
                None if state.wide() => open_selected(state, &mut effects),
                None => {}
            }
        }
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
                super::recording::adopt(state, reloaded, &mut effects);
            }
            state.flash = Some(said);
        }
        Message::Redline(result) => {
            let Some(article) = &mut state.article else {
                return effects;
            };
            if result.generation != article.generation {
                return effects; // superseded: the latest request wins
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
            article.rendered_for = None;
            article.scroll = 0;
            article.change = None;
            relayout(state);
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
        Message::Record(event) => super::recording::on_event(state, *event, &mut effects),
        Message::Import(event) => super::import::on_event(state, *event, &mut effects),
        Message::Corpus(corpus) => {
            state.search.corpus = Some(corpus);
            if !state.search.query.is_empty() {
                let q = state.search.query.clone();
                run_search(state, &q);
            }
        }
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
                super::recording::adopt(state, *reloaded, &mut effects);
                state.flash = Some(format!(
                    "the table changed outside bargain: now at {}",
                    super::recording::short(commit)
                ));
            }
        }
    }
    effects
}

fn key_pressed(state: &mut State, key: crossterm::event::KeyEvent, effects: &mut Vec<Effect>) {
    state.flash = None;
    if let Some(scroll) = state.help {
        let action = keys::action_for(keys::Scope::Global, &key);
        state.help = match action {
            Some(Action::Down) => Some(scroll + 1),
            Some(Action::Up) => Some(scroll.saturating_sub(1)),
            Some(Action::HalfPageDown | Action::PageDown) => Some(scroll + 10),
            Some(Action::HalfPageUp | Action::PageUp) => Some(scroll.saturating_sub(10)),
            Some(Action::Top) => Some(0),
            Some(Action::Quit) if key.code == KeyCode::Char('q') => None,
            _ => None,
        };
        return;
    }
    if state.recording.form.is_some() {
        super::recording::on_key(state, key, effects);
        return;
    }
    if state.import.is_some() {
        super::import::on_key(state, key, effects);
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
                        jump_within(state, true, true);
                    } else {
                        next_match_article(state, true, effects);
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
        Action::Record | Action::RecordPass | Action::RecordStatus => {
            super::recording::open(state, action)
        }
        Action::Import => super::import::open(state),
        // The form's own keys mean nothing outside it.
        Action::PrevStep | Action::PickPrev | Action::PickNext | Action::Editor => {}
        Action::FocusNext | Action::FocusPrev => {
            if state.article.is_none() {
                open_selected(state, effects);
                if state.article.is_none() {
                    return;
                }
            }
            let order = [Pane::List, Pane::Redline, Pane::History];
            let i = order.iter().position(|p| *p == state.focus).unwrap_or(0);
            let step = if action == Action::FocusNext { 1 } else { 2 };
            state.focus = order[(i + step) % 3];
            relayout(state);
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
                relayout(state);
            } else if state.status_filter.is_some() || state.move_filter != MoveFilter::Any {
                state.status_filter = None;
                state.move_filter = MoveFilter::Any;
                refilter(state);
            }
        }
        Action::Open => match state.focus {
            Pane::List => {
                open_selected(state, effects);
                if state.article.is_some() {
                    state.focus = Pane::Redline;
                    relayout(state);
                }
            }
            Pane::History => compare_picked(state, effects),
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
        Action::Topic(n) => {
            let topics = state
                .table
                .as_ref()
                .map_or(0, |t| t.snapshot.table.topics.len());
            if usize::from(n) <= topics {
                state.topic = usize::from(n);
                state.focus = Pane::List;
                refilter(state);
                relayout(state);
                follow_selection(state, effects);
            }
        }
        Action::NextComparison | Action::PrevComparison => {
            let Some(table) = &state.table else { return };
            let all = &table.comparisons;
            let i = all.iter().position(|c| *c == state.comparison);
            let next = match (i, action) {
                (None, _) => 0,
                (Some(i), Action::NextComparison) => (i + 1) % all.len(),
                (Some(i), _) => (i + all.len() - 1) % all.len(),
            };
            state.comparison = all[next].clone();
            if let Some(id) = state.article.as_ref().map(|a| a.id.clone()) {
                open_article(state, &id, effects);
            }
        }
        Action::ToggleLayout => {
            state.layout = match state.layout {
                Layout::Inline => Layout::SideBySide,
                Layout::SideBySide => Layout::Inline,
            };
            relayout(state);
        }
        Action::ToggleMarkers => {
            state.markers = !state.markers;
            relayout(state);
        }
        Action::NextChange | Action::PrevChange => {
            let forward = action == Action::NextChange;
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
            if !jump_within(state, forward, false) {
                next_match_article(state, forward, effects);
            }
        }
        Action::FilterStatus => {
            // No filter, then each status in `Status::ALL`'s order, then no filter again.
            let cycle: Vec<Option<Status>> =
                std::iter::once(None).chain(Status::ALL.map(Some)).collect();
            let i = cycle
                .iter()
                .position(|s| *s == state.status_filter)
                .unwrap_or(0);
            state.status_filter = cycle[(i + 1) % cycle.len()];
            refilter(state);
            follow_selection(state, effects);
        }
        Action::FilterMove => {
            let Some(table) = &state.table else { return };
            let mut cycle = vec![MoveFilter::Any];
            cycle.extend(
                table
                    .snapshot
                    .table
                    .sides
                    .iter()
                    .map(|s| MoveFilter::Side(s.id.clone())),
            );
            cycle.push(MoveFilter::Nobody);
            let i = cycle
                .iter()
                .position(|m| *m == state.move_filter)
                .unwrap_or(0);
            state.move_filter = cycle[(i + 1) % cycle.len()].clone();
            refilter(state);
            follow_selection(state, effects);
        }
        Action::Sort => {
            state.sort = match state.sort {
                SortBy::Number => SortBy::LastMovement,
                SortBy::LastMovement => SortBy::Status,
                SortBy::Status => SortBy::WhoseMove,
                SortBy::WhoseMove => SortBy::Number,
            };
            refilter(state);
        }
        Action::Mark => {
            if let Some(a) = &mut state.article
                && let Some(row) = a.history.get(a.history_selected)
            {
                if !row.has_text {
                    state.flash = Some("this event has no text to compare".into());
                } else if a.mark == Some(row.event) {
                    a.mark = None;
                } else {
                    a.mark = Some(row.event);
                    state.flash =
                        Some("marked as the old text: Enter on another version compares".into());
                }
            }
        }
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

fn move_by(state: &mut State, by: isize, effects: &mut Vec<Effect>) {
    match state.focus {
        Pane::List => {
            let before = state.selected;
            state.selected = step(state.selected, by, state.visible.len());
            scroll_list(state);
            if before != state.selected {
                follow_selection(state, effects);
            }
        }
        Pane::Redline => {
            if let Some(a) = &mut state.article {
                a.scroll = step(a.scroll, by, a.rendered.lines.len().max(1));
            }
            clamp_redline(state);
        }
        Pane::History => {
            let rows = layout::history_rows(state).max(1);
            if let Some(a) = &mut state.article {
                a.history_selected = step(a.history_selected, by, a.history.len());
                keep_visible(&mut a.history_offset, a.history_selected, rows);
            }
        }
    }
}

fn keep_visible(offset: &mut usize, selected: usize, rows: usize) {
    if selected < *offset {
        *offset = selected;
    } else if selected >= *offset + rows {
        *offset = selected + 1 - rows;
    }
}

fn scroll_list(state: &mut State) {
    let rows = layout::list_rows(state).max(1);
    keep_visible(&mut state.list_offset, state.selected, rows);
}

/// On a wide screen the redline follows the cursor in the list.
fn follow_selection(state: &mut State, effects: &mut Vec<Effect>) {
    if state.wide() {
        let same = state
            .selected_row()
            .zip(state.article.as_ref())
            .is_some_and(|(r, a)| r.id == a.id);
        if !same {
            open_selected(state, effects);
        }
    }
}

fn open_selected(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(id) = state.selected_row().map(|r| r.id.clone()) else {
        return;
    };
    if let Comparison::Versions(..) = state.comparison
        && state.article.as_ref().is_none_or(|a| a.id != id)
    {
        state.comparison = Comparison::Sides;
    }
    open_article(state, &id, effects);
}

/// Shows article `id` under the current comparison: a new request, whose generation makes every
/// earlier one stale.
fn open_article(state: &mut State, id: &str, effects: &mut Vec<Effect>) {
    let generation = state.next_generation;
    state.next_generation += 1;
    let history = history_rows(state, id);
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
    let rows = layout::history_rows(state).max(1);
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
        history,
        history_selected: selected,
        history_offset: 0,
        mark,
    };
    keep_visible(&mut view.history_offset, view.history_selected, rows);
    state.article = Some(view);
    relayout(state);
    if state.table.is_some() {
        effects.push(Effect::ComputeRedline {
            generation,
            article: id.to_string(),
            comparison: state.comparison.clone(),
        });
    }
}

/// The article's timeline, oldest first.
fn history_rows(state: &State, id: &str) -> Vec<HistoryRow> {
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
fn compare_picked(state: &mut State, effects: &mut Vec<Effect>) {
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
    open_article(state, &id, effects);
    state.focus = Pane::Redline;
    relayout(state);
}

/// Recomputes the visible rows after a change of topic, filter, sort or data; keeps the cursor
/// on the same article when it is still shown.
pub fn refilter(state: &mut State) {
    let Some(table) = &state.table else { return };
    let keep = state.selected_row().map(|r| r.id.clone());
    let topic = state
        .topic
        .checked_sub(1)
        .and_then(|i| table.snapshot.table.topics.get(i))
        .map(|t| t.id.as_str());
    let mut visible: Vec<usize> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| topic.is_none_or(|t| r.topic == t))
        .filter(|(_, r)| state.status_filter.is_none_or(|s| r.status == Some(s)))
        .filter(|(_, r)| match &state.move_filter {
            MoveFilter::Any => true,
            MoveFilter::Side(s) => r.whose_move.as_deref() == Some(s.as_str()),
            MoveFilter::Nobody => r.whose_move.is_none(),
        })
        .map(|(i, _)| i)
        .collect();
    let rows = &table.rows;
    let side_order = |r: &bargain_core::tracker::TrackerRow| {
        r.whose_move.as_ref().map_or(usize::MAX, |s| {
            table
                .snapshot
                .table
                .sides
                .iter()
                .position(|x| &x.id == s)
                .unwrap_or(usize::MAX - 1)
        })
    };
    match state.sort {
        SortBy::Number => {}
        SortBy::LastMovement => {
            visible.sort_by(|&a, &b| rows[b].last_movement.cmp(&rows[a].last_movement))
        }
        SortBy::Status => visible.sort_by_key(|&i| rows[i].status),
        SortBy::WhoseMove => visible.sort_by_key(|&i| side_order(&rows[i])),
    }
    state.selected = keep
        .and_then(|id| visible.iter().position(|&i| rows[i].id == id))
        .unwrap_or(0);
    state.visible = visible;
    scroll_list(state);
}

/// Re-wraps the redline if its width, layout or look changed, and recomputes search rows.
pub fn relayout(state: &mut State) {
    let text = layout::redline_text(state);
    let look = state.look();
    let layout_mode = state.layout;
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
    let rows = layout::history_rows(state).max(1);
    if let Some(a) = &mut state.article {
        a.history_selected = a.history_selected.min(a.history.len().saturating_sub(1));
        keep_visible(&mut a.history_offset, a.history_selected, rows);
    }
    clamp_redline(state);
}

fn clamp_redline(state: &mut State) {
    let height = layout::redline_text(state).map_or(1, |r| usize::from(r.height).max(1));
    if let Some(a) = &mut state.article {
        let max = a.rendered.lines.len().saturating_sub(height);
        a.scroll = a.scroll.min(max);
    }
}

/// Moves to the next (or previous) matching row in the open redline. `from_start` searches from
/// the top of the text rather than from the current position.
fn jump_within(state: &mut State, forward: bool, from_start: bool) -> bool {
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

/// Selects the next (or previous) article in the list with matches and opens it at its first
/// (or last) match.
fn next_match_article(state: &mut State, forward: bool, effects: &mut Vec<Effect>) {
    let Some(table) = &state.table else { return };
    let n = state.visible.len();
    if n == 0 {
        return;
    }
    let current = state.selected;
    let found = (1..=n)
        .map(|k| {
            if forward {
                (current + k) % n
            } else {
                (current + n - k % n) % n
            }
        })
        .find(|&i| {
            state
                .search
                .counts
                .contains_key(&table.rows[state.visible[i]].id)
        });
    let Some(i) = found else {
        state.flash = Some("no matches in the articles shown (0: all topics)".into());
        return;
    };
    state.selected = i;
    scroll_list(state);
    open_selected(state, effects);
    if let Some(a) = &mut state.article {
        a.pending = Some(if forward {
            Jump::FirstMatch
        } else {
            Jump::LastMatch
        });
    }
    if !state.wide() {
        state.focus = Pane::Redline;
        relayout(state);
    }
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
                                follow_selection(state, effects);
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
