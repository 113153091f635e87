//! Recording the negotiation: a pass or a status change becomes one commit under the recorder's
//! own git identity, so the history is the record. The CLI (`bargain pass`, `bargain set`) and the
//! TUI both go through here.
//!
//! Two steps, so a front end can show a refusal before anything is touched:
//!
//! 1. [`check`] is a pure function of the table as read (snapshot, history index, the actor, the
//!    day): it decides whether the change is allowed — who may, which transition, the TA guard —
//!    and returns a [`Plan`] (the files to write and the commit message) or a [`Refusal`] that a
//!    user understands. It reads blobs from the object database, nothing else.
//! 2. [`apply`] hands the plan to `store::writer`, which refuses (changing nothing) when the
//!    repository is mid-merge, locked, detached, dirty where it would write, or has moved since the
//!    snapshot was read. It returns the new commit, so the caller can extend its history index
//!    ([`crate::store::History::extend_to`]) instead of walking history again.
//!
//! [`record`] does both for a caller that holds nothing yet (the CLI).
//!
//! Who may record is [`rights`]'s business; why a change is refused is data ([`Refusal`], with
//! [`Refusal::remedies`] for what to do instead, named by each front its own way).
//!
//! Allowed transitions: `open` → `impasse`, `current-language`, `withdrawn`, `tentatively-agreed`;
//! `impasse` → the same and `open`; `withdrawn` → `open`; `tentatively-agreed` → `ratified` or
//! `reopen`; `current-language` → `reopen`; `ratified` is final. A reopen takes the article back to
//! `open` (`ta.md` and the TA record are removed; history keeps them) and needs the agreement of
//! every side: the recorder and the people named with `agreed_by` (each a chief or a lead of the
//! article's topic) must cover all sides. Without that, or for a pass that would change the
//! language of a standing TA, the change is refused unless forced; a forced change carries the
//! trailer `Bargain-Forced: yes` and a sentence saying what was overridden, and `verify` lists it.
//!
//! Every commit message is composed by [`crate::events::compose_message`], the demo's included: one
//! readable sentence, an optional note, and the `Bargain-*` trailers.

mod check;
pub mod log;
mod plan;
pub mod refusal;
pub mod replay;
pub mod rights;
pub mod table;
pub mod verify;

pub use check::{check, session_for};
pub use refusal::{Refusal, Remedy};
pub use rights::{WhoMay, may_record};
pub use table::{TableRequest, check_table, record_table};

use crate::model::{Date, Status};
use crate::store::history::History;
use crate::store::writer::{self, Author, CommitRequest, FileWrite, WriteError};
use crate::store::{Repo, StoreError};
use git2::Oid;

/// Who is recording: git's `user.name` and `user.email`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub email: String,
}

impl Actor {
    /// The identity git would commit under in this repository (its config, then the global one).
    pub fn from_git(repo: &Repo) -> Result<Actor, Refusal> {
        let config = repo.git.config().map_err(|_| Refusal::NoIdentity)?;
        let email = config
            .get_string("user.email")
            .map_err(|_| Refusal::NoIdentity)?;
        if email.trim().is_empty() {
            return Err(Refusal::NoIdentity);
        }
        let name = config
            .get_string("user.name")
            .unwrap_or_else(|_| email.clone());
        Ok(Actor {
            name,
            email: email.trim().to_string(),
        })
    }
}

/// What to record on one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Article number (`12`) or folder id (`12-ai-technology`).
    pub article: String,
    pub action: Action,
    /// The day it happened at the table (`Bargain-Date`); `None` is today. Never in the future,
    /// nor before the first session.
    pub date: Option<Date>,
    /// The session it belongs to.
    pub session: SessionChoice,
    /// A note for the commit message (and `article.yaml` for a status change).
    pub note: Option<String>,
    /// Override the TA guard and a reopen without every side; flagged in the history.
    pub force: bool,
}

impl Request {
    /// A request of `action` on `article`, today, in the session that includes today.
    pub fn new(article: impl Into<String>, action: Action) -> Request {
        Request {
            article: article.into(),
            action,
            date: None,
            session: SessionChoice::Auto,
            note: None,
            force: false,
        }
    }
}

/// Which session a recording belongs to. Never a silent guess: a day in no session is refused
/// unless the user names one or says it was between sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SessionChoice {
    /// The session whose days include the event's date.
    #[default]
    Auto,
    /// A session by its name, or by any day of it (`YYYY-MM-DD`).
    Named(String),
    /// Between sessions: no `Bargain-Session` trailer.
    Between,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A side's new full text of the article. `received`: the other side's pass, entered as
    /// handed across the table (a table kept by the recorder's side).
    Pass {
        side: String,
        text: String,
        received: bool,
    },
    /// A change of recorded status.
    Set(StatusChange),
    /// Sign the tentative agreement proposed on the article, for the recorder's side.
    Sign,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    Open,
    Impasse,
    CurrentLanguage,
    /// Withdrawn by a side: `None` is the recorder's own side.
    Withdrawn {
        by: Option<String>,
    },
    /// In a table kept jointly: a TA signed for the recorder's side, proposed to the others, who
    /// countersign ([`Action::Sign`]). In a table kept by one side: the TA, signed by the
    /// recorder, with each other side's signature attested.
    TentativelyAgreed {
        /// Emails of the signatories: the recorder's own side's (the recorder, when left out)
        /// and, in a table kept by one side, the other side's signatory who signed at the table.
        signatories: Vec<String>,
        /// The side whose latest text is agreed; `None` when every side's latest text is the same.
        agreed: Option<String>,
        /// SHA-256 of the scanned signed page, for an attested signature.
        page_sha256: Option<String>,
    },
    /// Ratified by the members, on the request's date.
    Ratified,
    /// Back to open after a TA (or current language): people who agree, besides the recorder.
    Reopen {
        agreed_by: Vec<String>,
    },
}

impl StatusChange {
    /// The status the article will have.
    pub fn target(&self) -> Status {
        self.verb().target()
    }

    /// The verb that names this change.
    pub fn verb(&self) -> Verb {
        match self {
            StatusChange::Open => Verb::Set(Status::Open),
            StatusChange::Impasse => Verb::Set(Status::Impasse),
            StatusChange::CurrentLanguage => Verb::Set(Status::CurrentLanguage),
            StatusChange::Withdrawn { .. } => Verb::Set(Status::Withdrawn),
            StatusChange::TentativelyAgreed { .. } => Verb::Set(Status::TentativelyAgreed),
            StatusChange::Ratified => Verb::Set(Status::Ratified),
            StatusChange::Reopen { .. } => Verb::Reopen,
        }
    }
}

/// A status change by name: each status an article can be set to, and `reopen` (which ends at
/// `open`). Its words are the statuses' own (`Status::as_str`) and `reopen`; parsed and printed
/// here only; the CLI's `bargain set`, the TUI's status picker and its filters all use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// To this status, from one that [`Verb::next`] allows.
    Set(Status),
    /// Back to open after a TA or current language, with the other sides' agreement.
    Reopen,
}

impl Verb {
    /// Every status in [`Status::ALL`]'s order, then `reopen`.
    pub const ALL: [Verb; Status::ALL.len() + 1] = {
        let mut all = [Verb::Reopen; Status::ALL.len() + 1];
        let mut i = 0;
        while i < Status::ALL.len() {
            all[i] = Verb::Set(Status::ALL[i]);
            i += 1;
        }
        all
    };

    /// The word: a status's own word, or `reopen`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Set(status) => status.as_str(),
            Verb::Reopen => "reopen",
        }
    }

    pub fn parse(word: &str) -> Option<Verb> {
        Verb::ALL.into_iter().find(|v| v.as_str() == word.trim())
    }

    /// The status an article has after it.
    pub fn target(self) -> Status {
        match self {
            Verb::Set(status) => status,
            Verb::Reopen => Status::Open,
        }
    }

    /// The verbs that may follow `from`: the one transition table, for [`check`] and for a
    /// front's menu.
    pub fn next(from: Status) -> &'static [Verb] {
        use Status::*;
        use Verb::{Reopen, Set};
        match from {
            Open => &[
                Set(Impasse),
                Set(CurrentLanguage),
                Set(Withdrawn),
                Set(TentativelyAgreed),
            ],
            Impasse => &[
                Set(Open),
                Set(CurrentLanguage),
                Set(Withdrawn),
                Set(TentativelyAgreed),
            ],
            Withdrawn => &[Set(Open)],
            CurrentLanguage => &[Reopen],
            TentativelyAgreed => &[Set(Ratified), Reopen],
            Ratified => &[],
        }
    }
}

impl std::fmt::Display for Verb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A checked change, ready to commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The article's folder id; `None` for a change of the table itself.
    pub article: Option<String>,
    /// The readable sentence (the commit's first line).
    pub sentence: String,
    pub files: Vec<FileWrite>,
    pub message: String,
    pub author: Author,
    /// The commit the table was read at: the write is refused if the branch has moved since.
    pub base: Oid,
    /// The change overrode a guard (`Bargain-Forced: yes`).
    pub forced: bool,
}

/// Why a change was not recorded: refused by the rules, or by the writer (nothing changed), or
/// the repository could not be read. One exception: [`WriteError::Unfinished`] means the commit
/// *was* recorded (it carries the id) but the work tree lags until the next write.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Commits a checked plan. Returns the new commit; the caller extends its history index to it.
pub fn apply(repo: &Repo, plan: &Plan) -> Result<Oid, WriteError> {
    if repo.git.is_shallow() {
        return Err(WriteError::Store(StoreError::Shallow));
    }
    writer::commit(
        repo,
        &CommitRequest {
            files: plan.files.clone(),
            message: plan.message.clone(),
            author: plan.author.clone(),
            expected_head: Some(plan.base),
        },
    )
}

/// What was recorded.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub commit: Oid,
    pub plan: Plan,
    /// Files git stored other than as written (line endings, `$Id$`): the front says so.
    pub stored: Vec<(String, Vec<crate::store::writer::Stored>)>,
}

/// How often [`record`] starts over when another writer moved the branch first.
const ATTEMPTS: usize = 3;

/// Reads the table at HEAD, checks `request` as git's `user.email`, and commits it. If another
/// writer moves the branch in between, it reads the table again and checks again (the rules may
/// now refuse, e.g. after a TA), up to three times: the request was made against HEAD, not against
/// a view the user was shown. A front end that showed the user a view uses [`check`] and [`apply`]
/// and reloads on [`WriteError::BranchMoved`] instead.
pub fn record(repo: &Repo, request: &Request, today: Date) -> Result<Recorded, RecordError> {
    record_with(repo, |snapshot, history, actor| {
        check(repo, snapshot, history, actor, today, request)
    })
}

/// The loop of [`record`]: read HEAD, plan with `plan`, commit; again when the branch moved.
pub(crate) fn record_with(
    repo: &Repo,
    plan: impl Fn(&crate::store::Snapshot, &History, &Actor) -> Result<Plan, Refusal>,
) -> Result<Recorded, RecordError> {
    let actor = Actor::from_git(repo)?;
    // Read, check and commit in one turn: a burst of writers land one after the other.
    let _turn = crate::store::writer::turn(repo)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let head = repo.head()?;
        if head.branch.is_none() {
            return Err(WriteError::Detached.into());
        }
        let snapshot = repo.snapshot_at(head.commit)?;
        let history = History::load(repo)?.0;
        let plan = plan(&snapshot, &history, &actor)?;
        match apply(repo, &plan) {
            Ok(commit) => {
                let stored = crate::store::writer::stored_differently(repo, &plan.files);
                return Ok(Recorded {
                    commit,
                    plan,
                    stored,
                });
            }
            Err(WriteError::BranchMoved { .. }) if attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
    }
}
