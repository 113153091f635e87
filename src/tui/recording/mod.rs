//! Recording at the keyboard: the form that turns a few keys into a `record::Request`, shows the
//! checked plan for confirmation, and shows the commit (or the refusal) that came of it.
//!
//! The form is a self-contained Elm component. [`RecordForm`] is its state, [`update`] is pure (a
//! [`FormMsg`] in, an [`Outcome`] out) and [`view`] only draws a centred popup. The rules are never
//! repeated here: the status picker is filled from [`Verb::next`](bargain_core::record::Verb::next), who may sign from
//! [`record::may_record`](bargain_core::record::may_record), and whatever the form lets through is still decided by
//! [`record::check`](bargain_core::record::check), whose refusal is shown as it reads. Nothing
//! here knows the TUI's state: the state holds a [`Recording`], and the glue (the form opened
//! on the article in view, keys and results fed to it, the table a write leaves adopted) is
//! `update`'s (`tui/update/form.rs`); the shell's side (the write off the UI thread, `$EDITOR`)
//! is in [`work`].
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

use bargain_core::model::Date;
use bargain_core::record::{Actor, Plan, Request, TableRequest};
use bargain_core::store::{History, Snapshot};
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
    pub corpus: Arc<super::search::Corpus>,
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

/// A commit id as shown: its first ten hex digits.
pub fn short(id: Oid) -> String {
    id.to_string()[..10].to_string()
}
