//! Recording at the keyboard: the form that turns a few keys into a `record::Request`, shows the
//! checked plan for confirmation, and shows the commit (or the refusal) that came of it.
//!
//! The form is a self-contained Elm component. [`RecordForm`] is its state, [`update`] is pure (a
//! [`FormMsg`] in, an [`Outcome`] out) and [`view`] only draws a centred popup. The rules are never
//! repeated here: the status picker is filled from [`Verb::next`](bargain_core::record::Verb::next), who may sign from
//! [`record::may_record`](bargain_core::record::may_record), and whatever the form lets through is still decided by
//! [`record::check`](bargain_core::record::check), whose refusal is shown as it reads. The glue to the TUI's state is the three
//! functions [`open`], [`on_key`] and [`on_event`] (which hands back the table a write leaves,
//! as [`Adopt`], for `update` to show); the shell's side (the write off the UI thread,
//! `$EDITOR`) is in [`work`].
//!
//! Steps: choose the action → the status (from the transition table) or the pass's side and
//! source (a file path, or `$EDITOR` on the side's latest text) → the details a status needs
//! (TA: a signatory of each side, the date, the agreed text; ratified: the date; withdrawn: the
//! side; reopen: who of the other side agrees) → a note → the plan checked by the library, to
//! confirm → the commit id, or the refusal.

mod draw;
mod form;
pub mod work;

pub use draw::view;
pub use form::{
    ACTIONS, Field, FieldKey, FormMsg, Input, Kind, Outcome, RecordForm, Step, Subject, keys_label,
    update,
};

use super::keys::Action;
use super::state::{Effect, State};
use bargain_core::model::Date;
use bargain_core::record::{Actor, Plan, Request, TableRequest};
use bargain_core::store::{History, Snapshot};
use crossterm::event::KeyEvent;
use git2::Oid;
use std::sync::Arc;

/// The TUI's recording state: the open form, and who records.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    pub form: Option<RecordForm>,
    /// Who records and what day it is, read when the table is opened.
    pub context: Option<Context>,
    /// Numbers the requests of forms; a result for another one is stale.
    pub next_ticket: u64,
}

/// Who records (git's identity) and the day, as the shell read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub actor: Result<Actor, String>,
    pub today: Date,
}

/// Results from the shell, as messages.
#[derive(Debug, Clone)]
pub enum Event {
    /// Who records, read when the table is opened.
    Context(Context),
    /// An interrupted write was finished when the table was opened (`store::writer::recover`).
    Recovered(Result<Vec<String>, String>),
    /// The pass's text: read from a file or written in the editor.
    Text {
        ticket: u64,
        result: Result<Loaded, String>,
    },
    /// `record::check` answered.
    Checked {
        ticket: u64,
        result: Result<Box<Plan>, form::NotChecked>,
    },
    /// `record::apply` answered; the table after it (extended, or reloaded when the branch had
    /// moved).
    Written(Box<Written>),
}

/// A pass's text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub text: String,
    /// A path, or "$EDITOR".
    pub source: String,
    /// "took Article 12 of 14 found in FILE", when the file was a whole contract.
    pub took: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Written {
    pub ticket: u64,
    pub outcome: WriteOutcome,
    /// The table as it now stands, when it changed.
    pub table: Option<Reloaded>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// One commit; `warning` when the work tree could not be brought along yet (it is recorded).
    Recorded {
        commit: Oid,
        sentence: String,
        warning: Option<String>,
    },
    /// Nothing was written.
    Refused(String),
}

/// The table after a write: the snapshot at the new commit and the index extended to it.
#[derive(Debug, Clone)]
pub struct Reloaded {
    pub snapshot: Arc<Snapshot>,
    pub history: Arc<History>,
    pub corpus: Arc<super::state::Corpus>,
}

/// Work for the shell, off the UI thread. The shell takes the snapshot and the index from the
/// state (the table the user was shown) and the actor from [`Recording::context`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Read a pass's text from a file: the whole file, or article `number` of a contract.
    Read {
        ticket: u64,
        path: String,
        number: u32,
    },
    /// `record::check`.
    Check { ticket: u64, request: Box<Request> },
    /// `record::check_table`: a change of the table (an article added).
    CheckTable {
        ticket: u64,
        request: Box<TableRequest>,
        note: Option<String>,
    },
    /// `record::apply`, then extend the index to the new commit.
    Apply { ticket: u64, plan: Box<Plan> },
}

/// Write a pass in `$EDITOR`, starting from the side's latest text (else the current language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditJob {
    pub ticket: u64,
    pub article: String,
    pub side: String,
}

/// Opens the form on the article in view (the open one, else the selected row).
pub fn open(state: &mut State, action: Action) {
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
            if let super::state::SyncState::Upstream { behind, .. } = table.sync
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
pub fn on_key(state: &mut State, key: KeyEvent, effects: &mut Vec<Effect>) {
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

/// What a result of the form's work leaves for the TUI beyond the form: the table as it now
/// stands (after a write, or reloaded after the branch moved), and an article just added, to
/// select. The caller adopts it; the form never feeds messages through `update` itself.
#[derive(Debug)]
pub struct Adopt {
    pub table: Reloaded,
    pub select: Option<String>,
}

/// A result from the shell.
pub fn on_event(state: &mut State, event: Event) -> Option<Adopt> {
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
            return table.map(|table| Adopt { table, select });
        }
    }
    None
}

/// A commit id as shown: its first ten hex digits.
pub fn short(id: Oid) -> String {
    id.to_string()[..10].to_string()
}
