//! The import screen's glue: the screen opened once the table is loaded, its keys (the path
//! typed, the plan scrolled, Enter to plan and then to write, Esc to close) turned into effects
//! for the shell, and its work's answers shown — after an import, the table it leaves behind is
//! adopted. The screen itself (`tui::import`) knows nothing of the TUI's state.

use crate::tui::import::{Event, ImportScreen, Job, Step};
use crate::tui::keys::{self, Action, Scope};
use crate::tui::state::{Effect, State};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Opens the screen (the `i` key), once the table and its index are loaded.
pub(super) fn open(state: &mut State) {
    let ready = state.table.as_ref().is_some_and(|t| t.history.is_some());
    if !ready {
        state.flash = Some("the table is still loading; import when it is shown".into());
        return;
    }
    let ticket = state.next_generation;
    state.next_generation += 1;
    state.import = Some(ImportScreen {
        ticket,
        path: String::new(),
        step: Step::Path,
        message: None,
    });
}

/// A key while the screen is open.
pub(super) fn key(state: &mut State, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(screen) = &mut state.import else {
        return;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if matches!(screen.step, Step::Path) {
        match key.code {
            KeyCode::Char(c) if !ctrl => {
                screen.path.push(c);
                screen.message = None;
                return;
            }
            KeyCode::Backspace => {
                screen.path.pop();
                screen.message = None;
                return;
            }
            _ => {}
        }
    }
    let Some(action) = keys::action_for(Scope::Import, &key) else {
        return;
    };
    match (action, &mut screen.step) {
        (Action::Back, _) => state.import = None,
        (Action::Open, Step::Path) => {
            let path = screen.path.trim().to_string();
            if path.is_empty() {
                screen.message =
                    Some("type the path of the contract (.docx, .pdf, .md or .txt)".into());
                return;
            }
            let Some(snapshot) = state.table.as_ref().map(|t| t.snapshot.clone()) else {
                return;
            };
            screen.step = Step::Reading;
            screen.message = None;
            effects.push(Effect::Import(Job::Plan {
                ticket: screen.ticket,
                path,
                snapshot,
            }));
        }
        (Action::Open, Step::Preview(preview)) => {
            if let Some(why) = &preview.refusal {
                screen.message = Some(format!("{why}; nothing can be imported"));
                return;
            }
            if preview.writes == 0 {
                screen.message = Some(
                    "the table already holds every article of the document with this very text; nothing to import"
                        .into(),
                );
                return;
            }
            let Some(history) = state.table.as_ref().and_then(|t| t.history.clone()) else {
                return;
            };
            let preview = preview.clone();
            screen.step = Step::Writing(preview.clone());
            screen.message = None;
            effects.push(Effect::Import(Job::Commit {
                ticket: screen.ticket,
                preview,
                history,
            }));
        }
        (Action::PrevStep, Step::Preview(_)) => {
            screen.step = Step::Path;
            screen.message = None;
        }
        (action, Step::Preview(preview)) => {
            let page = usize::from(state.size.1.saturating_sub(12).max(1));
            preview.scroll_by(action, page);
        }
        _ => {}
    }
}

/// What the screen's work brought back: the plan shown, or why not; after an import, the
/// screen closes and the table as it now stands is shown.
pub(super) fn event(state: &mut State, event: Event, effects: &mut Vec<Effect>) {
    let Some(screen) = &mut state.import else {
        return;
    };
    match event {
        Event::Planned { ticket, result } if ticket == screen.ticket => match result {
            Ok(preview) => {
                screen.step = Step::Preview(preview);
                screen.message = None;
            }
            Err(why) => {
                screen.step = Step::Path;
                screen.message = Some(why);
            }
        },
        Event::Imported { ticket, result } if ticket == screen.ticket => match result {
            Ok((said, table)) => {
                state.import = None;
                state.flash = Some(said);
                if let Some(table) = table {
                    super::adopt(state, table, effects);
                }
            }
            Err(why) => {
                if let Step::Writing(preview) = &screen.step {
                    screen.step = Step::Preview(preview.clone());
                }
                screen.message = Some(why);
            }
        },
        _ => {}
    }
}
