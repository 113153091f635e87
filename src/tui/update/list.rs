//! The article list: which rows are shown (topic, filters, sort), the cursor and its scroll,
//! and the redline following the cursor on a wide screen.

use super::article::{open_article, relayout, scroll_list};
use crate::tui::state::{Effect, Jump, MoveFilter, Pane, SortBy, State};
use bargain_core::comparison::Comparison;
use bargain_core::model::Status;

/// On a wide screen the redline follows the cursor in the list.
pub(super) fn follow_selection(state: &mut State, effects: &mut Vec<Effect>) {
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

/// Selects article `id` in the list: all topics and no filter when it is not shown (a new
/// article), then opened as the cursor's article is.
pub(super) fn select_article(state: &mut State, id: &str, effects: &mut Vec<Effect>) {
    let shown = |state: &State| {
        let table = state.table.as_ref()?;
        state.visible.iter().position(|&i| table.rows[i].id == id)
    };
    if shown(state).is_none() {
        state.topic = 0;
        state.status_filter = None;
        state.move_filter = MoveFilter::Any;
        refilter(state);
    }
    let Some(i) = shown(state) else { return };
    state.selected = i;
    scroll_list(state);
    follow_selection(state, effects);
}

pub(super) fn open_selected(state: &mut State, effects: &mut Vec<Effect>) {
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

/// Selects the next (or previous) article in the list with matches and opens it at its first
/// (or last) match.
pub(super) fn next_match_article(state: &mut State, forward: bool, effects: &mut Vec<Effect>) {
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

/// A topic tab (`0` all): the list shows its articles, with the focus on it.
pub(super) fn topic(state: &mut State, n: u8, effects: &mut Vec<Effect>) {
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

/// `s`: the next status filter.
pub(super) fn filter_status(state: &mut State, effects: &mut Vec<Effect>) {
    // No filter, then each status in `Status::ALL`'s order, then no filter again.
    let cycle: Vec<Option<Status>> = std::iter::once(None).chain(Status::ALL.map(Some)).collect();
    let i = cycle
        .iter()
        .position(|s| *s == state.status_filter)
        .unwrap_or(0);
    state.status_filter = cycle[(i + 1) % cycle.len()];
    refilter(state);
    follow_selection(state, effects);
}

/// `w`: the next whose-move filter.
pub(super) fn filter_move(state: &mut State, effects: &mut Vec<Effect>) {
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

/// `o`: the next sort order.
pub(super) fn sort(state: &mut State) {
    state.sort = match state.sort {
        SortBy::Number => SortBy::LastMovement,
        SortBy::LastMovement => SortBy::Status,
        SortBy::Status => SortBy::WhoseMove,
        SortBy::WhoseMove => SortBy::Number,
    };
    refilter(state);
}
