//! Why a recording is refused, as data: what was refused, why, who would have the right, what is
//! missing, and whether the guard may be overridden. [`Refusal`]'s `Display` is a plain sentence
//! in the table's words — never a command-line flag or a key: [`Refusal::remedies`] says what the
//! user could do next, and each front names that its own way (the CLI as flags, the TUI as the
//! form's fields).

use super::rights::{Denial, TableChange, WhoMay};
use crate::model::{Date, Status};
use std::fmt;

/// Why a change is not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// git has no `user.email` for this repository.
    #[error("git does not know who you are in this repository")]
    NoIdentity,
    #[error("there is no article `{key}` in the table (articles: {})", list(known))]
    UnknownArticle { key: String, known: Vec<String> },
    #[error("article {id} cannot be recorded on until its files are fixed: {}", problems.join("; "))]
    UnreadableArticle { id: String, problems: Vec<String> },
    /// The recorder has no right to this ([`Denial`] says why; `who` names who has).
    #[error("{email} {why}; {who}")]
    NotAllowed {
        email: String,
        why: Denial,
        who: Box<WhoMay>,
    },
    /// The recorder may not change the table this way.
    #[error("{email} {why}; {}", who_changes(*change))]
    TableNotAllowed {
        email: String,
        why: Denial,
        change: TableChange,
    },
    #[error("the table has no side `{side}` (sides: {})", list(sides))]
    UnknownSide { side: String, sides: Vec<String> },
    /// The session named is not the table's.
    #[error("the table has no session `{name}` (sessions: {})", list(sessions))]
    UnknownSession { name: String, sessions: Vec<String> },
    /// The event's day is in no session, and none was chosen.
    #[error("no session includes {date} (sessions: {})", list(sessions))]
    NoSessionOn { date: Date, sessions: Vec<String> },
    #[error("{date} is in the future (today is {today}); give the day it happened at the table")]
    FutureDate { date: Date, today: Date },
    #[error("{date} is before the first session ({first}, {name})")]
    BeforeFirstSession {
        date: Date,
        first: Date,
        name: String,
    },
    #[error("the text is empty; a pass is a side's full text")]
    EmptyText,
    #[error("{0}")]
    BadText(String),
    #[error("nothing to record: the text is exactly {side}'s latest pass")]
    Unchanged { side: String },
    /// The article's status does not allow this.
    #[error("article {article} is {from}; it cannot be set {to}{hint}")]
    Transition {
        article: String,
        from: Status,
        to: &'static str,
        hint: Hint,
    },
    /// A pass would change tentatively agreed language.
    #[error(
        "article {article} is tentatively agreed{}; a pass would change agreed language",
        since_day(since)
    )]
    TaGuard {
        article: String,
        since: Option<Date>,
    },
    /// A signatory is not among the people.
    #[error("signatory {email} is not among the people in bargaining.yaml")]
    UnknownSignatory { email: String },
    /// A signatory is neither a chief nor a lead of the article's topic.
    #[error("signatory {email} is neither a chief negotiator nor a lead of {topic}; {who}")]
    SignatoryWithoutRight {
        email: String,
        topic: String,
        who: Box<WhoMay>,
    },
    /// Two signatories for one side.
    #[error("{first} and {second} both sign for {side}; a TA has one signatory of each side")]
    TwoSignatories {
        side: String,
        first: String,
        second: String,
    },
    /// Sides without a signatory, each with who may sign for it.
    #[error(
        "a tentative agreement needs a signatory of each side; missing: {}",
        each(missing)
    )]
    MissingSignatories { missing: Vec<WhoMay> },
    /// The sides' latest texts differ and no side's text was named as the agreed one.
    #[error(
        "the sides' latest texts of article {article} are not the same; the agreed one must be named (sides with a text: {})",
        list(with_text)
    )]
    TextsDiffer {
        article: String,
        with_text: Vec<String>,
    },
    #[error("{side} has passed no text on article {article} to agree")]
    NoAgreedText { article: String, side: String },
    #[error(
        "article {article} has no current language (current.md): it is new, so it cannot stay as it is"
    )]
    NoCurrentLanguage { article: String },
    /// In a table kept jointly, the other side's signatory signs in a commit of their own.
    #[error("in a table kept jointly each side signs for itself: {} sign{} in a commit of their own", list(others), if others.len() == 1 { "s" } else { "" })]
    CountersignedByThemselves {
        article: String,
        others: Vec<String>,
    },
    /// Nothing to countersign.
    #[error("article {article} has no tentative agreement awaiting a signature")]
    NoProposal { article: String },
    /// This side has signed already.
    #[error("{side} has already signed the tentative agreement of article {article}")]
    AlreadySigned { article: String, side: String },
    /// The proposed text changed after the proposal.
    #[error(
        "{side}'s text of article {article} changed after the tentative agreement was proposed on {date}; it must be proposed again"
    )]
    ProposalTextChanged {
        article: String,
        side: String,
        date: Date,
    },
    /// The article number is taken.
    #[error("article number {number} is already used by {}", list(folders))]
    NumberTaken { number: u32, folders: Vec<String> },
    /// Several folders carry the number asked for: which is meant cannot be known.
    #[error(
        "several articles are numbered {number}: {}; name one by its folder",
        list(folders)
    )]
    AmbiguousNumber { number: u32, folders: Vec<String> },
    #[error("session `{name}` overlaps `{other}` ({from}..{to})")]
    SessionOverlaps {
        name: String,
        other: String,
        from: Date,
        to: Date,
    },
    #[error("the table already has a session named `{name}`")]
    SessionExists { name: String },
    #[error("a session cannot end ({to}) before it starts ({from})")]
    SessionBackwards { from: Date, to: Date },
    #[error("the table already has a topic `{id}`")]
    TopicExists { id: String },
    #[error("the table has no topic `{id}` (topics: {})", list(topics))]
    UnknownTopic { id: String, topics: Vec<String> },
    /// A lead named for a topic is not of the recorder's side (each side names its own leads).
    #[error("{email} is not one of {side}'s people; each side names its own leads")]
    LeadOfOtherSide { email: String, side: String },
    /// An id or a title that cannot be used.
    #[error("{0}")]
    BadName(String),
    /// A reopen without the agreement of every side.
    #[error(
        "reopening article {article} needs the agreement of every side; missing: {}",
        list(missing)
    )]
    ReopenNeedsEverySide {
        article: String,
        missing: Vec<String>,
    },
    /// Someone named as agreeing to a reopen cannot agree.
    #[error("{email} {why}")]
    BadAgreement { email: String, why: BadAgreement },
}

/// Why someone named as agreeing to a reopen cannot agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadAgreement {
    /// The name is a side's id, not a person.
    IsASide,
    NotListed,
    /// Neither a chief nor a lead of the topic (its title).
    WithoutRight {
        topic: String,
        who: Box<WhoMay>,
    },
}

/// What a refused transition could become instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Ratified: nothing more is recorded on it.
    Final,
    /// Settled (TA or current language): reopen it with both sides first.
    ReopenFirst,
    /// A TA can be ratified or reopened.
    RatifyOrReopen,
    /// Withdrawn: put it back on the table first.
    PutBackFirst,
    /// Only a TA or current language is reopened.
    NothingToReopen,
    /// Only a TA is ratified.
    NothingToRatify,
    /// It already has that status.
    AlreadyIs,
    None,
}

/// What the user could do next, for a front to name in its own terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Record it anyway; the commit is flagged as forced and `verify` lists it.
    Force,
    /// Reopen the article first, with the agreement of every side.
    Reopen { article: String },
    /// Put the withdrawn article back on the table first.
    PutBack { article: String },
    /// Name someone of each of these sides who agrees to the reopen.
    NameAgreeing { sides: Vec<String> },
    /// Name a signatory for each of these sides.
    NameSignatories { sides: Vec<String> },
    /// Name the side whose latest text is the agreed one (of these).
    NameAgreedText { sides: Vec<String> },
    /// Choose the session the event belongs to.
    ChooseSession,
    /// Say it happened between sessions.
    BetweenSessions,
    /// Add a session that includes the day.
    AddSession,
    /// The other side's signatory countersigns, in a commit of their own.
    Countersign { article: String },
    /// Enter it as received from the other side (a table kept by the recorder's side).
    EnterAsReceived,
    /// Tell git who you are in this repository.
    SetIdentity,
}

impl Refusal {
    /// What the user could do instead, in the order a front should offer it.
    pub fn remedies(&self) -> Vec<Remedy> {
        match self {
            Refusal::NoIdentity => vec![Remedy::SetIdentity],
            Refusal::UnknownSession { .. } => vec![Remedy::ChooseSession],
            Refusal::NoSessionOn { sessions, .. } if sessions.is_empty() => {
                vec![Remedy::AddSession, Remedy::BetweenSessions]
            }
            Refusal::NoSessionOn { .. } => vec![
                Remedy::ChooseSession,
                Remedy::BetweenSessions,
                Remedy::AddSession,
            ],
            Refusal::CountersignedByThemselves { article, .. } => vec![Remedy::Countersign {
                article: article.clone(),
            }],
            Refusal::TaGuard { article, .. } => vec![
                Remedy::Reopen {
                    article: article.clone(),
                },
                Remedy::Force,
            ],
            Refusal::Transition { article, hint, .. } => match hint {
                Hint::ReopenFirst | Hint::RatifyOrReopen => vec![Remedy::Reopen {
                    article: article.clone(),
                }],
                Hint::PutBackFirst => vec![Remedy::PutBack {
                    article: article.clone(),
                }],
                _ => Vec::new(),
            },
            Refusal::MissingSignatories { missing } => vec![Remedy::NameSignatories {
                sides: missing.iter().filter_map(|w| w.side.clone()).collect(),
            }],
            Refusal::TextsDiffer { with_text, .. } => vec![Remedy::NameAgreedText {
                sides: with_text.clone(),
            }],
            Refusal::ReopenNeedsEverySide { missing, .. } => vec![
                Remedy::NameAgreeing {
                    sides: missing.clone(),
                },
                Remedy::Force,
            ],
            _ => Vec::new(),
        }
    }

    /// The guard may be overridden (the change recorded as forced).
    pub fn overridable(&self) -> bool {
        self.remedies().contains(&Remedy::Force)
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn since_day(date: &Option<Date>) -> String {
    date.map(|d| format!(" since {d}")).unwrap_or_default()
}

fn each(missing: &[WhoMay]) -> String {
    missing
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl fmt::Display for BadAgreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadAgreement::IsASide => {
                f.write_str("is a side, not a person: name a chief or a lead of that side")
            }
            BadAgreement::NotListed => f.write_str("is not among the people in bargaining.yaml"),
            BadAgreement::WithoutRight { topic, who } => write!(
                f,
                "is neither a chief negotiator nor a lead of {topic}, so cannot agree to reopen it; {who}"
            ),
        }
    }
}

/// Leads into the sentence with " — " when there is something to say.
impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Hint::Final => {
                " — a ratified article is part of the contract; nothing more is recorded on it"
            }
            Hint::ReopenFirst => " — it is settled; reopen it first, with every side",
            Hint::RatifyOrReopen => " — it can be ratified, or reopened with every side",
            Hint::PutBackFirst => " — it was withdrawn; put it back on the table first",
            Hint::NothingToReopen => {
                " — only a tentative agreement or current language is reopened; an open article is already on the table"
            }
            Hint::NothingToRatify => " — only a tentative agreement can be ratified",
            Hint::AlreadyIs => " — it already is",
            Hint::None => "",
        })
    }
}

/// Who may make a change of the table, in words (the rule itself is [`super::rights::judge`]).
fn who_changes(change: TableChange) -> &'static str {
    match change {
        TableChange::Session => "a chief negotiator or a secretary may add sessions",
        TableChange::Topic => "a chief negotiator may add topics",
        TableChange::Article => {
            "a chief negotiator, a lead of the topic or a secretary may add or retitle its articles"
        }
        TableChange::Import => "a chief negotiator or a secretary may import the contract",
        TableChange::Settings => "a chief negotiator may change the table's settings",
    }
}
