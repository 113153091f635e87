//! The terminal user interface, in The Elm Architecture: one [`State`], input turned into a
//! [`Message`], a pure [`update`] returning [`Effect`]s, and a [`view`] that only draws. This file
//! is the imperative shell: it owns the terminal, the input thread and the workers, feeds messages
//! to `update`, performs its effects and draws.
//!
//! Layout of the module: `state` (data), `update` (the only changes), `view` (drawing), `layout`
//! (where things go, shared by `update` and `view`), `keys` (the one key table), `redline_view`
//! (the redline's segments and their wrapping), `help` (the `?` overlay's lines), `popup` (the
//! frame the import screen and the recording form are drawn in), `jobs` (background work),
//! `terminal` (setup and restore), `theme` (styles).

pub mod help;
pub mod import;
pub mod jobs;
pub mod keys;
pub mod layout;
pub mod popup;
pub mod recording;
pub mod redline_view;
pub mod search;
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
    let color = crate::color::wanted(crate::color::ColorChoice::Auto, true);
    let (mut terminal, _guard) = terminal::setup()?;
    let size = terminal.size()?;
    let mut state = State::new((size.width, size.height), color);
    let (tx, rx) = mpsc::channel();
    let jobs = jobs::Jobs::start(repo_path.to_path_buf(), tx.clone());
    // Paused while an editor owns the terminal, so it reads no keystroke meant for the editor.
    let gate = std::sync::Arc::new(recording::work::InputGate::default());
    let input_gate = gate.clone();
    let input_tx = tx.clone();
    std::thread::Builder::new()
        .name("bargain-input".into())
        .spawn(move || {
            let tick = std::time::Duration::from_millis(50);
            loop {
                let event = input_gate.while_open(|| match crossterm::event::poll(tick) {
                    Ok(true) => crossterm::event::read().map(Some),
                    Ok(false) => Ok(None),
                    Err(e) => Err(e),
                });
                match event {
                    Ok(Some(event)) => {
                        if let Some(message) = message_of(event)
                            && input_tx.send(message).is_err()
                        {
                            return;
                        }
                    }
                    Ok(None) => {}
                    Err(_) => return,
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
                if let Effect::Edit(job) = effect {
                    let event = edit(&mut terminal, &gate, repo_path, &state, &job);
                    let _ = tx.send(Message::Record(Box::new(event)));
                    continue;
                }
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
            // Before the index is built: the article's own history if it has come, else the
            // latest texts from the snapshot alone.
            let history = table.history_of(&article).cloned().unwrap_or_default();
            jobs.redline(jobs::RedlineJob {
                generation,
                article,
                comparison,
                snapshot: table.snapshot.clone(),
                history,
            });
        }
        Effect::Record(job) => {
            let Some(table) = &state.table else { return };
            let Some(history) = &table.history else {
                return;
            };
            // Today is read again: the TUI may have been open since yesterday.
            let context = state.recording.context.clone().map(|c| recording::Context {
                today: crate::clock::today(),
                ..c
            });
            jobs.record(job, table.snapshot.clone(), history.clone(), context);
        }
        Effect::Refresh { commit } => {
            let Some(history) = state.table.as_ref().and_then(|t| t.history.clone()) else {
                return;
            };
            jobs.refresh(history, commit);
        }
        Effect::Sync => {
            let history = state
                .table
                .as_ref()
                .and_then(|t| t.history.clone())
                .unwrap_or_default();
            jobs.sync(history);
        }
        Effect::ArticleHistory { article, commit } => jobs.article_history(article, commit),
        Effect::Import(job) => jobs.import(job),
        // Needs the terminal: done in `run`.
        Effect::Edit(_) => {}
        Effect::Quit => {}
    }
}

/// Hands the terminal to `$EDITOR` for a pass and takes it back.
fn edit(
    terminal: &mut terminal::Term,
    gate: &recording::work::InputGate,
    repo_path: &Path,
    state: &State,
    job: &recording::EditJob,
) -> recording::Event {
    let repo = bargain_core::store::Repo::discover(repo_path).ok();
    let table = state.table.as_ref();
    let start = table
        .zip(repo.as_ref())
        .map(|(t, repo)| recording::work::editor_start(repo, &t.snapshot, &job.article, &job.side))
        .unwrap_or_default();
    gate.pause();
    terminal::restore();
    let result = recording::work::run_editor(&start, &format!("{}-{}", job.article, job.side));
    // Kept until recorded: nothing written here is lost to a refusal or a crash.
    if let (Ok(text), Some(repo), Some(id)) = (
        &result,
        &repo,
        table
            .and_then(|t| t.snapshot.find(&job.article))
            .map(|e| e.id.clone()),
    ) && *text != start
    {
        let _ = recording::work::save_draft(repo, &id, &job.side, text);
    }
    let back = terminal::resume(terminal);
    gate.resume();
    match back {
        Ok(()) => recording::work::edited(job, result),
        Err(e) => recording::work::edited(
            job,
            Err(format!("the terminal could not be taken back: {e}")),
        ),
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
