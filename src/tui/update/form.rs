//! The recording form's glue: the form opened on the article in view, keys to the form
//! (`tui::recording`), its outcomes turned into effects for the shell, and what its work
//! answers brought back to the form — where the table a write leaves behind is adopted and an
//! article just added selected. The form itself knows nothing of the TUI's state.

use crate::tui::keys::Action;
use crate::tui::recording::{
    EditJob, Event, FormMsg, Job, Kind, Outcome, RecordForm, Step, WriteOutcome, Written, short,
    update,
};
use crate::tui::state::{Effect, State, SyncState};
use crossterm::event::KeyEvent;

/// Opens the form on the article in view (the open one, else the selected row).
pub(super) fn open(state: &mut State, action: Action) {
    let kind = match action {
        Action::RecordPass => Some(Kind::Pass),
        Action::RecordStatus => Some(Kind::Status),
        _ => None,
    };
    let Some(table) = &state.table else {
        state.flash = Some("the table is still opening".into());
        return;
    };
    let Some(history) = &table.history else {
        state.flash = Some("still indexing the history: recording opens when it is done".into());
        return;
    };
    if action == Action::AddArticle {
        state.recording.next_ticket += 1;
        // The topic in view is offered first; any other can be picked.
        let topic = state
            .topic
            .checked_sub(1)
            .and_then(|i| table.snapshot.table.topics.get(i))
            .map(|t| t.id.clone());
        state.recording.form = Some(RecordForm::new_article(
            &table.snapshot,
            topic.as_deref(),
            state.recording.context.as_ref(),
            state.recording.next_ticket,
        ));
        return;
    }
    let id = match (&state.article, state.selected_row()) {
        (Some(a), _) => a.id.clone(),
        (None, Some(row)) => row.id.clone(),
        (None, None) => {
            state.flash = Some("no article selected".into());
            return;
        }
    };
    state.recording.next_ticket += 1;
    let ticket = state.recording.next_ticket;
    match RecordForm::new(
        &table.snapshot,
        history,
        &id,
        kind,
        state.recording.context.as_ref(),
        ticket,
    ) {
        Ok(form) => {
            state.recording.form = Some(form);
            // Behind the remote: what is recorded now may be refused or numbered wrong there.
            if let SyncState::Upstream { behind, .. } = table.sync
                && behind > 0
            {
                state.flash = Some(format!(
                    "the remote has {behind} commit{} you have not received: Esc, then y to sync first",
                    if behind == 1 { "" } else { "s" }
                ));
            }
        }
        Err(why) => state.flash = Some(why),
    }
}

/// A key while the form is open.
pub(super) fn key(state: &mut State, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(form) = &mut state.recording.form else {
        return;
    };
    let outcome = update(form, FormMsg::Key(key));
    follow(state, outcome, effects);
}

/// Performs the form's outcome: effects for the shell, or closing it.
fn follow(state: &mut State, outcome: Outcome, effects: &mut Vec<Effect>) {
    let Some(form) = &state.recording.form else {
        return;
    };
    let ticket = form.ticket;
    match outcome {
        Outcome::Continue => {}
        Outcome::Cancel => state.recording.form = None,
        Outcome::ReadFile(path) => effects.push(Effect::Record(Job::Read {
            ticket,
            path,
            number: form.subject.number,
        })),
        Outcome::OpenEditor { side } => effects.push(Effect::Edit(EditJob {
            ticket,
            article: form.subject.id.clone(),
            side,
        })),
        Outcome::Submit(request) => effects.push(Effect::Record(Job::Check { ticket, request })),
        Outcome::SubmitTable { request, note } => effects.push(Effect::Record(Job::CheckTable {
            ticket,
            request,
            note,
        })),
        Outcome::Confirm(plan) => effects.push(Effect::Record(Job::Apply { ticket, plan })),
    }
}

/// A result of the form's work: the form moves on; a table written or reloaded is shown (the
/// table as it now stands, after a write or after the branch moved), and an article just added
/// is selected.
pub(super) fn event(state: &mut State, event: Event, effects: &mut Vec<Effect>) {
    let current = |state: &State, ticket: u64| {
        state
            .recording
            .form
            .as_ref()
            .is_some_and(|f| f.ticket == ticket)
    };
    match event {
        Event::Context(context) => state.recording.context = Some(context),
        Event::Recovered(Ok(paths)) if !paths.is_empty() => {
            state.flash = Some(format!(
                "finished a recording that was interrupted: {} brought up to date",
                paths.join(", ")
            ));
        }
        Event::Recovered(Ok(_)) => {}
        Event::Recovered(Err(why)) => {
            state.flash = Some(format!(
                "an interrupted recording could not be finished: {why}"
            ));
        }
        Event::Text { ticket, result } => {
            if current(state, ticket)
                && let Some(form) = &mut state.recording.form
            {
                update(form, FormMsg::Text(result));
            }
        }
        Event::Checked { ticket, result } => {
            if current(state, ticket)
                && let Some(form) = &mut state.recording.form
            {
                update(form, FormMsg::Checked(result));
            }
        }
        Event::Written(written) => {
            let Written {
                ticket,
                outcome,
                table,
            } = *written;
            // An article just added is the one selected, so what was added is in view.
            let select = match (&outcome, &state.recording.form) {
                (WriteOutcome::Recorded { .. }, Some(form))
                    if form.ticket == ticket && form.kind == Kind::Article =>
                {
                    match &form.step {
                        Step::Writing(plan) => plan.article.clone(),
                        _ => None,
                    }
                }
                _ => None,
            };
            if current(state, ticket)
                && let Some(form) = &mut state.recording.form
            {
                update(form, FormMsg::Written(outcome));
            } else {
                state.flash = Some(match outcome {
                    WriteOutcome::Recorded {
                        commit, sentence, ..
                    } => format!("recorded {}: {sentence}", short(commit)),
                    WriteOutcome::Refused(why) => format!("not recorded: {why}"),
                });
            }
            if let Some(table) = table {
                super::adopt(state, table, effects);
                if let Some(id) = select {
                    super::list::select_article(state, &id, effects);
                }
            }
        }
    }
}
