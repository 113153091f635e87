//! The `?` overlay's keys: it scrolls over its own lines as drawn for this screen
//! (`tui::help`), `G` to its end; any other key closes it.

use crate::tui::keys::{self, Action};
use crate::tui::state::State;
use crossterm::event::KeyEvent;

pub(super) fn key(state: &mut State, key: &KeyEvent) {
    let Some(scroll) = state.help else { return };
    // The overlay scrolls over its own lines, as drawn for this screen; any other key
    // closes it.
    let end = crate::tui::help::max_scroll(state.size);
    let page = usize::from(crate::tui::help::body(state.size).height).max(1);
    let action = keys::action_for(keys::Scope::Global, key);
    state.help = match action {
        Some(Action::Down) => Some(scroll + 1),
        Some(Action::Up) => Some(scroll.saturating_sub(1)),
        Some(Action::HalfPageDown) => Some(scroll + page / 2),
        Some(Action::HalfPageUp) => Some(scroll.saturating_sub(page / 2)),
        Some(Action::PageDown) => Some(scroll + page),
        Some(Action::PageUp) => Some(scroll.saturating_sub(page)),
        Some(Action::Top) => Some(0),
        Some(Action::Bottom) => Some(end),
        _ => None,
    }
    .map(|s| s.min(end));
}
