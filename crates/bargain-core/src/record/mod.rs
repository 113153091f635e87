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
//! Who may record (the table as committed, `bargaining.yaml`):
//! - a chief negotiator may record on any article; a topic lead (listed under `topics[].leads`)
//!   on the articles of that topic; members and secretaries record nothing (the secretary prints
//!   and syncs; a secretary who also leads a topic records as its lead);
//! - a pass, and a withdrawal, are recorded only by people of the side that makes it.
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

pub mod log;
pub mod verify;

use crate::events::{Trailers, compose_message, one_line};
use crate::model::{Article, Date, Person, Role, Session, Side, Status, Table, TentativeAgreement};
use crate::store::history::History;
use crate::store::writer::{self, Author, CommitRequest, FileWrite, WriteError};
use crate::store::{ArticleEntry, Repo, Snapshot, StoreError};
use git2::Oid;
use std::collections::BTreeMap;
use std::fmt;

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

/// Today's date in the local time zone, as git would stamp a commit made now. (The one clock
/// read of this module; [`check`] takes the day as an argument.)
pub fn today() -> Date {
    match git2::Signature::now("bargain", "bargain@localhost") {
        Ok(now) => Date::from_git_time(now.when().seconds(), now.when().offset_minutes()),
        Err(_) => {
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            Date::from_git_time(seconds, 0)
        }
    }
}

/// What to record on one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Article number (`12`) or folder id (`12-ai-technology`).
    pub article: String,
    pub action: Action,
    /// The session: any day of it. `None`: the session whose days include today, else the latest
    /// session that has started, else no session (no `Bargain-Session` trailer).
    pub session: Option<Date>,
    /// A note for the commit message (and `article.yaml` for a status change).
    pub note: Option<String>,
    /// Override the TA guard and a reopen without every side; flagged in the history.
    pub force: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A side's new full text of the article.
    Pass { side: String, text: String },
    /// A change of recorded status.
    Set(StatusChange),
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
    TentativelyAgreed {
        /// Emails of the signatories: one of each side.
        signatories: Vec<String>,
        date: Date,
        /// The side whose latest text is agreed; `None` when every side's latest text is the same.
        agreed: Option<String>,
    },
    Ratified {
        date: Date,
    },
    /// Back to open after a TA (or current language): people who agree, besides the recorder.
    Reopen {
        agreed_by: Vec<String>,
    },
}

impl StatusChange {
    /// The status the article will have.
    pub fn target(&self) -> Status {
        match self {
            StatusChange::Open | StatusChange::Reopen { .. } => Status::Open,
            StatusChange::Impasse => Status::Impasse,
            StatusChange::CurrentLanguage => Status::CurrentLanguage,
            StatusChange::Withdrawn { .. } => Status::Withdrawn,
            StatusChange::TentativelyAgreed { .. } => Status::TentativelyAgreed,
            StatusChange::Ratified { .. } => Status::Ratified,
        }
    }

    /// The word `bargain set` takes for this change.
    pub fn word(&self) -> &'static str {
        match self {
            StatusChange::Reopen { .. } => "reopen",
            other => other.target().as_str(),
        }
    }
}

/// The status words that may follow `from` (as `bargain set` spells them; `reopen` ends at
/// `open`): the one transition table, for `check` and for a front end's menu.
pub fn next_statuses(from: Status) -> &'static [&'static str] {
    match from {
        Status::Open => &[
            "impasse",
            "current-language",
            "withdrawn",
            "tentatively-agreed",
        ],
        Status::Impasse => &[
            "open",
            "current-language",
            "withdrawn",
            "tentatively-agreed",
        ],
        Status::Withdrawn => &["open"],
        Status::CurrentLanguage => &["reopen"],
        Status::TentativelyAgreed => &["ratified", "reopen"],
        Status::Ratified => &[],
    }
}

/// A checked change, ready to commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The article's folder id.
    pub article: String,
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

/// Why a change is not recorded. Each reads as a sentence that says what would be allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoIdentity,
    UnknownArticle {
        key: String,
        known: Vec<String>,
    },
    UnreadableArticle {
        id: String,
        problems: Vec<String>,
    },
    /// The recorder is not among the people, or has no right on this article.
    NotAllowed {
        email: String,
        why: String,
        who_may: String,
    },
    /// A pass or withdrawal for a side other than the recorder's.
    OtherSide {
        email: String,
        own: String,
        side: String,
        who_may: String,
    },
    UnknownSide {
        side: String,
        sides: Vec<String>,
    },
    UnknownSession {
        date: Date,
        sessions: Vec<String>,
    },
    EmptyText,
    BadText(String),
    Unchanged {
        side: String,
    },
    /// The article's status does not allow this (with what to do instead).
    Transition {
        article: String,
        from: Status,
        to: &'static str,
        hint: String,
    },
    /// A pass would change tentatively agreed language.
    TaGuard {
        article: String,
        since: Option<Date>,
    },
    Signatories(String),
    TextsDiffer {
        article: String,
        with_text: Vec<String>,
    },
    NoAgreedText {
        article: String,
        side: String,
    },
    NoCurrentLanguage {
        article: String,
    },
    /// A reopen without the agreement of every side.
    ReopenNeedsEverySide {
        article: String,
        missing: Vec<String>,
    },
    BadAgreement(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoIdentity => write!(
                f,
                "git does not know who you are; set it for this table: git config user.email you@example.org (and user.name)"
            ),
            Refusal::UnknownArticle { key, known } => write!(
                f,
                "there is no article `{key}` in the table (articles: {})",
                known.join(", ")
            ),
            Refusal::UnreadableArticle { id, problems } => write!(
                f,
                "article {id} cannot be recorded on until its files are fixed: {}",
                problems.join("; ")
            ),
            Refusal::NotAllowed {
                email,
                why,
                who_may,
            } => write!(f, "{email} {why}; {who_may}"),
            Refusal::OtherSide {
                email,
                own,
                side,
                who_may,
            } => write!(
                f,
                "{email} records for {own}, not for {side}: a side's pass or withdrawal is recorded by its own people ({who_may})"
            ),
            Refusal::UnknownSide { side, sides } => write!(
                f,
                "the table has no side `{side}` (sides: {})",
                sides.join(", ")
            ),
            Refusal::UnknownSession { date, sessions } => write!(
                f,
                "no session includes {date} (sessions: {})",
                if sessions.is_empty() {
                    "none yet; add them to bargaining.yaml".to_string()
                } else {
                    sessions.join(", ")
                }
            ),
            Refusal::EmptyText => write!(f, "the text is empty; a pass is a side's full text"),
            Refusal::BadText(p) => write!(f, "{p}"),
            Refusal::Unchanged { side } => write!(
                f,
                "nothing to record: the text is exactly {side}'s latest pass"
            ),
            Refusal::Transition {
                article,
                from,
                to,
                hint,
            } => write!(
                f,
                "article {article} is {from}; it cannot be set {to}. {hint}"
            ),
            Refusal::TaGuard { article, since } => write!(
                f,
                "article {article} is tentatively agreed{}; a pass would change agreed language. Reopen it with both sides (bargain set {article} reopen --by EMAIL), or record it anyway with --force (flagged in the history)",
                since.map(|d| format!(" since {d}")).unwrap_or_default()
            ),
            Refusal::Signatories(m) => write!(f, "{m}"),
            Refusal::TextsDiffer { article, with_text } => write!(
                f,
                "the sides' latest texts of article {article} are not the same; name the agreed one with --agreed SIDE (sides with a text: {})",
                if with_text.is_empty() {
                    "none".to_string()
                } else {
                    with_text.join(", ")
                }
            ),
            Refusal::NoAgreedText { article, side } => {
                write!(f, "{side} has passed no text on article {article} to agree")
            }
            Refusal::NoCurrentLanguage { article } => write!(
                f,
                "article {article} has no current language (current.md): it is new, so it cannot stay as it is"
            ),
            Refusal::ReopenNeedsEverySide { article, missing } => write!(
                f,
                "reopening article {article} needs the agreement of every side; name a chief or lead of {} with --by EMAIL, or reopen anyway with --force (flagged in the history)",
                missing.join(", ")
            ),
            Refusal::BadAgreement(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Refusal {}

/// Why a change was not recorded: refused by the rules, or by the writer (nothing changed), or
/// the repository could not be read. One exception: [`WriteError::Unfinished`] means the commit
/// *was* recorded (it carries the id) but the work tree lags until the next write.
#[derive(Debug)]
pub enum RecordError {
    Refused(Refusal),
    Write(WriteError),
    Store(StoreError),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Refused(r) => write!(f, "{r}"),
            RecordError::Write(w) => write!(f, "{w}"),
            RecordError::Store(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for RecordError {}

impl From<Refusal> for RecordError {
    fn from(r: Refusal) -> Self {
        RecordError::Refused(r)
    }
}

impl From<WriteError> for RecordError {
    fn from(w: WriteError) -> Self {
        RecordError::Write(w)
    }
}

impl From<StoreError> for RecordError {
    fn from(s: StoreError) -> Self {
        RecordError::Store(s)
    }
}

/// Whether `email` may record status changes on an article of `topic`: a chief negotiator, or a
/// lead of that topic. Passes also need the person to belong to the side.
pub fn may_record(table: &Table, email: &str, topic: &str) -> bool {
    table
        .person(email)
        .is_some_and(|p| has_authority(table, p, topic))
}

/// Whether `person` may speak for their side on `topic` (chief, or that topic's lead).
fn has_authority(table: &Table, person: &Person, topic: &str) -> bool {
    person.roles.contains(&Role::ChiefNegotiator) || table.leads(&person.email, topic)
}

/// "ai-lead@union.example or a chief negotiator (chief@union.example, …) may record on article
/// 12": who may, for a refusal. With `side`, only that side's people.
pub fn who_may(table: &Table, topic: &str, side: Option<&str>, article: &str) -> String {
    let in_side = |p: &&Person| side.is_none_or(|s| p.side == s);
    let leads: Vec<&str> = table
        .people
        .iter()
        .filter(in_side)
        .filter(|p| table.leads(&p.email, topic))
        .map(|p| p.email.as_str())
        .collect();
    let chiefs: Vec<&str> = table
        .people
        .iter()
        .filter(in_side)
        .filter(|p| p.roles.contains(&Role::ChiefNegotiator))
        .map(|p| p.email.as_str())
        .collect();
    let chiefs_part = if chiefs.is_empty() {
        String::new()
    } else {
        format!("a chief negotiator ({})", chiefs.join(", "))
    };
    let who = match (leads.is_empty(), chiefs_part.is_empty()) {
        (true, true) => "nobody (name topic leads or a chief negotiator in bargaining.yaml)".into(),
        (false, true) => leads.join(" or "),
        (true, false) => chiefs_part,
        (false, false) => format!("{} or {chiefs_part}", leads.join(" or ")),
    };
    match side {
        Some(s) => format!("for {s}, {who} may record on article {article}"),
        None => format!("{who} may record on article {article}"),
    }
}

/// The session a change belongs to. `chosen`: any day of it, or `None` for the default (today's
/// session, else the latest that has started, else none).
pub fn session_for(
    table: &Table,
    chosen: Option<Date>,
    today: Date,
) -> Result<Option<&Session>, Refusal> {
    match chosen {
        Some(date) => table
            .session_on(date)
            .map(Some)
            .ok_or_else(|| Refusal::UnknownSession {
                date,
                sessions: table
                    .sessions
                    .iter()
                    .map(|s| format!("{} {}..{}", s.name, s.start, s.end))
                    .collect(),
            }),
        None => Ok(table.session_on(today).or_else(|| {
            table
                .sessions
                .iter()
                .filter(|s| s.start <= today)
                .max_by_key(|s| s.start)
        })),
    }
}

/// Decides whether `request` may be recorded by `actor` on the table as read (`snapshot`, and
/// `history` indexed up to the same commit), and plans the commit. Reads blobs; writes nothing.
pub fn check(
    repo: &Repo,
    snapshot: &Snapshot,
    history: &History,
    actor: &Actor,
    today: Date,
    request: &Request,
) -> Result<Plan, Refusal> {
    let table = &snapshot.table;
    let entry = snapshot
        .find(&request.article)
        .ok_or_else(|| Refusal::UnknownArticle {
            key: request.article.clone(),
            known: snapshot
                .articles
                .iter()
                .map(|a| a.number().map_or_else(|| a.id.clone(), |n| n.to_string()))
                .collect(),
        })?;
    let article = entry
        .article
        .as_ref()
        .ok_or_else(|| Refusal::UnreadableArticle {
            id: entry.id.clone(),
            problems: entry.problems.iter().map(ToString::to_string).collect(),
        })?;
    let number = article.number.to_string();
    let person = table
        .person(&actor.email)
        .ok_or_else(|| Refusal::NotAllowed {
            email: actor.email.clone(),
            why: "is not among the people in bargaining.yaml".to_string(),
            who_may: who_may(table, &article.topic, None, &number),
        })?;
    if !has_authority(table, person, &article.topic) {
        let role = if person.roles.contains(&Role::Secretary) {
            "a secretary (who prints and syncs, and does not record)"
        } else {
            "a member"
        };
        return Err(Refusal::NotAllowed {
            email: actor.email.clone(),
            why: format!(
                "is {role}, neither a chief negotiator nor a lead of {}",
                table.topic_title(&article.topic)
            ),
            who_may: who_may(table, &article.topic, None, &number),
        });
    }
    let session = session_for(table, request.session, today)?;
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let planner = Planner {
        repo,
        snapshot,
        history,
        entry,
        article,
        number: &number,
        person,
        request,
        note,
        trailers: Trailers {
            article: Some(entry.id.clone()),
            session: session.map(|s| s.start),
            ..Trailers::default()
        },
    };
    let (sentence, files, trailers, mut body) = match &request.action {
        Action::Pass { side, text } => planner.pass(side, text)?,
        Action::Set(change) => planner.set(change)?,
    };
    if let Some(n) = note {
        body.insert(0, n.to_string());
    }
    let message = compose_message(&sentence, &body, &trailers);
    Ok(Plan {
        article: entry.id.clone(),
        sentence: one_line(&sentence),
        files,
        message,
        author: Author {
            name: actor.name.clone(),
            email: actor.email.clone(),
            time: None,
        },
        base: snapshot.commit,
        forced: trailers.forced,
    })
}

/// Commits a checked plan. Returns the new commit; the caller extends its history index to it.
pub fn apply(repo: &Repo, plan: &Plan) -> Result<Oid, WriteError> {
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
}

/// How often [`record`] starts over when another writer moved the branch first.
const ATTEMPTS: usize = 3;

/// Reads the table at HEAD, checks `request` as git's `user.email`, and commits it. If another
/// writer moves the branch in between, it reads the table again and checks again (the rules may
/// now refuse, e.g. after a TA), up to three times: the request was made against HEAD, not against
/// a view the user was shown. A front end that showed the user a view uses [`check`] and [`apply`]
/// and reloads on [`WriteError::BranchMoved`] instead.
pub fn record(repo: &Repo, request: &Request, today: Date) -> Result<Recorded, RecordError> {
    let actor = Actor::from_git(repo)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let head = repo.head()?;
        if head.branch.is_none() {
            return Err(WriteError::Detached.into());
        }
        let snapshot = repo.snapshot_at(head.commit)?;
        let history = History::build(repo)?;
        let plan = check(repo, &snapshot, &history, &actor, today, request)?;
        match apply(repo, &plan) {
            Ok(commit) => return Ok(Recorded { commit, plan }),
            Err(WriteError::BranchMoved { .. }) if attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

type Planned = (String, Vec<FileWrite>, Trailers, Vec<String>);

struct Planner<'a> {
    repo: &'a Repo,
    snapshot: &'a Snapshot,
    history: &'a History,
    entry: &'a ArticleEntry,
    article: &'a Article,
    number: &'a str,
    person: &'a Person,
    request: &'a Request,
    note: Option<&'a str>,
    trailers: Trailers,
}

impl Planner<'_> {
    fn table(&self) -> &Table {
        &self.snapshot.table
    }

    fn heading(&self) -> String {
        format!("Article {} — {}", self.article.number, self.article.title)
    }

    fn side(&self, id: &str) -> Result<&Side, Refusal> {
        self.table().side(id).ok_or_else(|| Refusal::UnknownSide {
            side: id.to_string(),
            sides: self.table().sides.iter().map(|s| s.id.clone()).collect(),
        })
    }

    /// A side's action (a pass, a withdrawal) is recorded by that side's people.
    fn own_side(&self, side: &str) -> Result<(), Refusal> {
        self.side(side)?;
        if self.person.side != side {
            return Err(Refusal::OtherSide {
                email: self.person.email.clone(),
                own: self.person.side.clone(),
                side: side.to_string(),
                who_may: who_may(self.table(), &self.article.topic, Some(side), self.number),
            });
        }
        Ok(())
    }

    fn blob(&self, id: Oid, path: &str) -> Result<Vec<u8>, Refusal> {
        self.repo
            .git
            .find_blob(id)
            .map(|b| b.content().to_vec())
            .map_err(|e| Refusal::BadText(format!("{path} cannot be read: {}", e.message())))
    }

    fn article_yaml(&self, article: &Article) -> Result<FileWrite, Refusal> {
        let yaml = serde_yaml::to_string(article)
            .map_err(|e| Refusal::BadText(format!("article.yaml: {e}")))?;
        Ok(FileWrite {
            path: self.entry.path("article.yaml"),
            content: Some(yaml.into_bytes()),
        })
    }

    fn pass(mut self, side: &str, text: &str) -> Result<Planned, Refusal> {
        self.own_side(side)?;
        if text.contains('\0') {
            return Err(Refusal::BadText(
                "the text is binary (contains a NUL byte), not text".to_string(),
            ));
        }
        if text.trim().is_empty() {
            return Err(Refusal::EmptyText);
        }
        let status = self.article.status;
        let mut body = Vec::new();
        match status {
            Status::Open | Status::Impasse => {}
            Status::TentativelyAgreed | Status::Ratified if self.request.force => {
                self.trailers.forced = true;
                body.push(format!(
                    "Recorded as forced: this pass changes language {} on {} without a reopen.",
                    if status == Status::Ratified {
                        "ratified"
                    } else {
                        "tentatively agreed"
                    },
                    self.article
                        .ta
                        .as_ref()
                        .map_or_else(|| "an earlier day".to_string(), |t| t.date.to_string())
                ));
            }
            Status::TentativelyAgreed | Status::Ratified => {
                return Err(Refusal::TaGuard {
                    article: self.number.to_string(),
                    since: self.article.ta.as_ref().map(|t| t.date),
                });
            }
            Status::Withdrawn | Status::CurrentLanguage => {
                return Err(Refusal::Transition {
                    article: self.number.to_string(),
                    from: status,
                    to: "a new pass",
                    hint: if status == Status::Withdrawn {
                        format!(
                            "Put it back on the table first: bargain set {} open",
                            self.number
                        )
                    } else {
                        format!(
                            "Both sides kept the current language; reopen it first: bargain set {} reopen --by EMAIL",
                            self.number
                        )
                    },
                });
            }
        }
        let path = self.entry.path(&format!("{side}.md"));
        if let Some(&latest) = self.entry.passes.get(side)
            && self.blob(latest, &path)? == text.as_bytes()
        {
            return Err(Refusal::Unchanged {
                side: side.to_string(),
            });
        }
        let n = self.history.passes(&self.entry.id, side).count() + 1;
        let sentence = format!(
            "{} pass #{n} on {}",
            self.table().side_name(side),
            self.heading()
        );
        self.trailers.side = Some(side.to_string());
        let files = vec![FileWrite {
            path,
            content: Some(text.as_bytes().to_vec()),
        }];
        Ok((sentence, files, self.trailers, body))
    }

    fn transition(&self, change: &StatusChange, hint: String) -> Refusal {
        Refusal::Transition {
            article: self.number.to_string(),
            from: self.article.status,
            to: change.word(),
            hint,
        }
    }

    fn set(mut self, change: &StatusChange) -> Result<Planned, Refusal> {
        use Status::*;
        let from = self.article.status;
        let target = change.target();
        let n = self.number;
        if !next_statuses(from).contains(&change.word()) {
            let hint = match (from, change) {
                (Ratified, _) => "A ratified article is part of the contract; nothing more is recorded on it.".to_string(),
                (TentativelyAgreed | CurrentLanguage, StatusChange::Open) => {
                    format!("Reopening an agreement needs both sides: bargain set {n} reopen --by EMAIL")
                }
                (TentativelyAgreed, _) => format!(
                    "It can be ratified, or reopened with both sides (bargain set {n} reopen --by EMAIL)."
                ),
                (CurrentLanguage, _) => format!(
                    "Both sides kept the current language; reopen it first (bargain set {n} reopen --by EMAIL)."
                ),
                (Withdrawn, _) => format!("Put it back on the table first: bargain set {n} open"),
                (_, StatusChange::Reopen { .. }) => {
                    "Only a tentative agreement or current language is reopened; an open article is already on the table.".to_string()
                }
                (_, StatusChange::Ratified { .. }) => {
                    "Only a tentative agreement can be ratified.".to_string()
                }
                (s, _) if s == target => format!("It already is {target}."),
                _ => String::new(),
            };
            return Err(self.transition(change, hint));
        }
        let mut article = self.article.clone();
        article.status = target;
        if let Some(note) = self.note {
            article.note = Some(note.to_string());
        }
        let mut files = Vec::new();
        let mut body = Vec::new();
        let heading = self.heading();
        let sentence = match change {
            StatusChange::Open => {
                article.withdrawn_by = None;
                format!("{heading} is back on the table")
            }
            StatusChange::Impasse => format!("Impasse on {heading}"),
            StatusChange::CurrentLanguage => {
                if self.entry.current.is_none() {
                    return Err(Refusal::NoCurrentLanguage {
                        article: n.to_string(),
                    });
                }
                format!("Current language on {heading}")
            }
            StatusChange::Withdrawn { by } => {
                let by = by.clone().unwrap_or_else(|| self.person.side.clone());
                self.own_side(&by)?;
                article.withdrawn_by = Some(by.clone());
                format!("{} withdraws {heading}", self.table().side_name(&by))
            }
            StatusChange::Ratified { date } => {
                article.ratified = Some(*date);
                format!("Ratified: {heading}")
            }
            StatusChange::TentativelyAgreed {
                signatories,
                date,
                agreed,
            } => {
                let signed = self.signatories(signatories)?;
                let (text, whose) = self.agreed_text(agreed.as_deref())?;
                article.withdrawn_by = None;
                article.ta = Some(TentativeAgreement {
                    date: *date,
                    signatories: signed,
                    sha256: Some(TentativeAgreement::hash_of(&text)),
                });
                files.push(FileWrite {
                    path: self.entry.path("ta.md"),
                    content: Some(text),
                });
                format!("Tentative agreement on {heading} ({whose})")
            }
            StatusChange::Reopen { agreed_by } => {
                let (names, missing) = self.reopen_agreement(agreed_by)?;
                if !missing.is_empty() {
                    if !self.request.force {
                        return Err(Refusal::ReopenNeedsEverySide {
                            article: n.to_string(),
                            missing,
                        });
                    }
                    self.trailers.forced = true;
                    body.push(format!(
                        "Reopened as forced, without the recorded agreement of {}.",
                        missing.join(", ")
                    ));
                }
                self.trailers.reopened_by = names;
                article.ta = None;
                article.ratified = None;
                if self.entry.ta.is_some() {
                    files.push(FileWrite {
                        path: self.entry.path("ta.md"),
                        content: None,
                    });
                }
                match from {
                    TentativelyAgreed => format!("Reopen the tentative agreement on {heading}"),
                    _ => format!("Reopen {heading}"),
                }
            }
        };
        files.insert(0, self.article_yaml(&article)?);
        self.trailers.status = Some(target);
        Ok((sentence, files, self.trailers, body))
    }

    /// One signatory of each side, each a chief or a lead of the topic of that side.
    fn signatories(&self, emails: &[String]) -> Result<BTreeMap<String, String>, Refusal> {
        let table = self.table();
        let mut signed = BTreeMap::new();
        for email in emails {
            let person = table.person(email).ok_or_else(|| {
                Refusal::Signatories(format!(
                    "signatory {email} is not among the people in bargaining.yaml"
                ))
            })?;
            if !has_authority(table, person, &self.article.topic) {
                return Err(Refusal::Signatories(format!(
                    "signatory {email} is neither a chief negotiator nor a lead of {}; {}",
                    table.topic_title(&self.article.topic),
                    who_may(table, &self.article.topic, Some(&person.side), self.number)
                        .replace("may record", "may sign")
                )));
            }
            if let Some(other) = signed.insert(person.side.clone(), person.email.clone()) {
                return Err(Refusal::Signatories(format!(
                    "{other} and {email} both sign for {}; a TA has one signatory of each side",
                    person.side
                )));
            }
        }
        let missing: Vec<&str> = table
            .sides
            .iter()
            .filter(|s| !signed.contains_key(&s.id))
            .map(|s| s.id.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(Refusal::Signatories(format!(
                "a tentative agreement needs a signatory of each side; missing: {} (--sign EMAIL)",
                missing
                    .iter()
                    .map(
                        |s| who_may(table, &self.article.topic, Some(s), self.number)
                            .replace("may record", "may sign")
                    )
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }
        Ok(signed)
    }

    /// The agreed text and a few words on whose it is.
    fn agreed_text(&self, agreed: Option<&str>) -> Result<(Vec<u8>, String), Refusal> {
        let n = self.number;
        let pass_label = |side: &str| {
            let count = self.history.passes(&self.entry.id, side).count();
            format!("{side}#{count}'s text")
        };
        if let Some(side) = agreed {
            self.side(side)?;
            let blob = self
                .entry
                .passes
                .get(side)
                .ok_or_else(|| Refusal::NoAgreedText {
                    article: n.to_string(),
                    side: side.to_string(),
                })?;
            let text = self.blob(*blob, &self.entry.path(&format!("{side}.md")))?;
            return Ok((text, pass_label(side)));
        }
        let mut texts = Vec::new();
        for side in &self.table().sides {
            if let Some(blob) = self.entry.passes.get(&side.id) {
                texts.push((side.id.clone(), *blob));
            }
        }
        let all_same =
            texts.len() == self.table().sides.len() && texts.windows(2).all(|w| w[0].1 == w[1].1);
        if !all_same || texts.is_empty() {
            return Err(Refusal::TextsDiffer {
                article: n.to_string(),
                with_text: texts.into_iter().map(|(s, _)| s).collect(),
            });
        }
        let text = self.blob(texts[0].1, &self.entry.path("ta.md"))?;
        Ok((text, "both sides' identical text".to_string()))
    }

    /// The people who agree to a reopen (the recorder first) and the sides still missing.
    fn reopen_agreement(
        &self,
        agreed_by: &[String],
    ) -> Result<(Vec<String>, Vec<String>), Refusal> {
        let table = self.table();
        let mut people = vec![self.person];
        for email in agreed_by {
            let person = table.person(email).ok_or_else(|| {
                Refusal::BadAgreement(if table.side(email).is_some() {
                    format!("--by names a person, not a side: e.g. a chief or a lead of `{email}`")
                } else {
                    format!("{email} is not among the people in bargaining.yaml")
                })
            })?;
            if !has_authority(table, person, &self.article.topic) {
                return Err(Refusal::BadAgreement(format!(
                    "{email} is neither a chief negotiator nor a lead of {}, so cannot agree to reopen it; {}",
                    table.topic_title(&self.article.topic),
                    who_may(table, &self.article.topic, Some(&person.side), self.number)
                )));
            }
            if !people.iter().any(|p| p.email == person.email) {
                people.push(person);
            }
        }
        let missing = table
            .sides
            .iter()
            .filter(|s| !people.iter().any(|p| p.side == s.id))
            .map(|s| s.id.clone())
            .collect();
        Ok((people.iter().map(|p| p.email.clone()).collect(), missing))
    }
}
