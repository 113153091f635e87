//! The terminal user interface, in The Elm Architecture: one [`State`], input turned into a
//! [`Message`], a pure [`update`] returning [`Effect`]s, and a [`view`] that only draws. This file
//! is the imperative shell: it owns the terminal, the input thread and the workers, feeds messages
//! to `update`, performs its effects and draws.
//!
//! Layout of the module: `state` (data), `update` (the only changes), `view` (drawing), `layout`
//! (where things go, shared by `update` and `view`), `keys` (the one key table), `redline_view`
//! (the redline's segments and their wrapping), `jobs` (background work), `terminal` (setup and
//! restore), `theme` (styles).

pub mod jobs;
pub mod keys;
pub mod layout;
pub mod redline_view;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

pub use state::{Effect, Message, State};
pub use update::update;
pub use view::view;

use crossterm::event::{Event, KeyEventKind};
use std::io;
use std::path::Path;
use std::sync::mpsc;

/// Opens the TUI on the table that contains `repo_path`; returns when the user quits.
pub fn run(repo_path: &Path) -> io::Result<()> {
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let (mut terminal, _guard) = terminal::setup()?;
    let size = terminal.size()?;
    let mut state = State::new((size.width, size.height), color);
    let (tx, rx) = mpsc::channel();
    let jobs = jobs::Jobs::start(repo_path.to_path_buf(), tx.clone());
    std::thread::Builder::new()
        .name("bargain-input".into())
        .spawn(move || {
            while let Ok(event) = crossterm::event::read() {
                if let Some(message) = message_of(event)
                    && tx.send(message).is_err()
                {
                    return;
                }
            }
        })?;
    terminal.draw(|f| view(f, &state))?;
    // Test hook (debug builds only): proves the panic hook gives the terminal back.
    if cfg!(debug_assertions) && std::env::var_os("BARGAIN_TUI_TEST_PANIC").is_some() {
        panic!("BARGAIN_TUI_TEST_PANIC is set");
    }
    while let Ok(first) = rx.recv() {
        // Everything already waiting is applied before the next frame.
        let mut pending = vec![first];
        pending.extend(rx.try_iter().take(256));
        // Of several resizes waiting, only the last matters: the redline is re-wrapped once.
        let last_resize = pending
            .iter()
            .rposition(|m| matches!(m, Message::Resize(..)));
        for (i, message) in pending.into_iter().enumerate() {
            if matches!(message, Message::Resize(..)) && Some(i) != last_resize {
                continue;
            }
            for effect in update(&mut state, message) {
                perform(&state, &jobs, effect);
            }
        }
        if state.quit {
            break;
        }
        terminal.draw(|f| view(f, &state))?;
    }
    Ok(())
}

fn perform(state: &State, jobs: &jobs::Jobs, effect: Effect) {
    match effect {
        Effect::ComputeRedline {
            generation,
            article,
            comparison,
        } => {
            let Some(table) = &state.table else { return };
            // Before the index is built, the latest texts come from the snapshot alone.
            let history = table.history.clone().unwrap_or_default();
            jobs.redline(jobs::RedlineJob {
                generation,
                article,
                comparison,
                snapshot: table.snapshot.clone(),
                history,
            });
        }
        Effect::Quit => {}
    }
}

/// The message for a terminal event, if it means anything here.
pub fn message_of(event: Event) -> Option<Message> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Message::Key(key)),
        Event::Mouse(mouse) => Some(Message::Mouse(mouse)),
        Event::Resize(w, h) => Some(Message::Resize(w, h)),
        _ => None,
    }
}
