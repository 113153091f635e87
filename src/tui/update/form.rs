//! The recording form's glue: keys go to the form (`tui::recording`), and what its work
//! answers comes back here, where the table it leaves behind is adopted — the form returns it
//! rather than feeding messages through `update` itself.

use crate::tui::recording::{self, Adopt, Event};
use crate::tui::state::{Effect, State};
use crossterm::event::KeyEvent;

/// A key while the form is open.
pub(super) fn key(state: &mut State, key: KeyEvent, effects: &mut Vec<Effect>) {
    recording::on_key(state, key, effects);
}

/// A result of the form's work: the form moves on; a table written or reloaded is shown, and
/// an article just added is selected.
pub(super) fn event(state: &mut State, event: Event, effects: &mut Vec<Effect>) {
    if let Some(Adopt { table, select }) = recording::on_event(state, event) {
        super::adopt(state, table, effects);
        if let Some(id) = select {
            super::list::select_article(state, &id, effects);
        }
    }
}
