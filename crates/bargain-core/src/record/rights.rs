//! Who may record what: the one place the roles of `bargaining.yaml` become rights. Both
//! [`super::check`] (before a recording) and `verify` (judging history) ask [`judge`].
//!
//! | role | may |
//! | --- | --- |
//! | chief negotiator | on any article: their side's passes, statuses, sign a TA for their side, agree to a reopen; sessions, topics, articles, import |
//! | topic lead | on that topic's articles: their side's passes, statuses, sign a TA, agree to a reopen; add an article to the topic, retitle one |
//! | secretary | their side's passes on any article; sessions, articles, import — never a status or a signature |
//! | member | nothing (reads, prints, syncs) |
//!
//! Changes of `bargaining.yaml` itself (judged by `verify` on whoever commits them, with the
//! table as it stood before):
//!
//! | change | who may |
//! | --- | --- |
//! | a side's people (added, removed, names, roles, keys) and that side's topic leads | that side's chief negotiator |
//! | sessions | a chief negotiator or a secretary |
//! | topics (added, removed, retitled) | a chief negotiator |
//! | the table's settings: name, format, sides, `kept_by`, `require_signed` | a chief negotiator |
//!
//! A change that gives its own author a role, a lead or a place among the people is never
//! allowed ([`grants_itself`]): someone else with the right makes it.
//!
//! How the table is kept changes who records (`kept_by` in `bargaining.yaml`):
//! - **jointly** (the default): each side records only its own passes, withdrawals and signatures;
//!   a TA is proposed by one side's signatory and countersigned by the other's in a commit of
//!   their own;
//! - **by one side**: only that side's people record. Its recorders (a chief, the topic's lead, a
//!   secretary) also enter the other side's passes **as received** across the table, and its
//!   chiefs and leads record the other side's withdrawals and **attest** the other side's
//!   signature of a TA ("signed at the table").
//!
//! [`WhoMay`] names the people who would have the right, for a refusal: data, which
//! [`crate::record::Refusal`]'s sentences and the fronts put into words.

use crate::model::{KeptBy, Person, Role, Table};
use std::fmt;

/// What someone does to the record, as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deed<'a> {
    /// A pass of `side`'s text. `received`: entered for the other side, as handed across.
    Pass { side: &'a str, received: bool },
    /// A change of an article's status; a withdrawal names the side that withdraws.
    Status { withdrawn_by: Option<&'a str> },
    /// Signing a TA for one's own side (proposing it, or countersigning), or agreeing to reopen.
    Sign,
    /// Stating that `side`'s signatory signed a TA at the table.
    Attest { side: &'a str },
    /// A change of the table itself.
    Table(TableChange),
    /// A change of `side`'s people in `bargaining.yaml` (who they are, their roles and keys) or
    /// of that side's leads of a topic.
    People { side: &'a str },
}

/// Changes of the table itself, beyond one article's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableChange {
    Session,
    Topic,
    /// Adding an article (to the topic judged), or retitling one.
    Article,
    /// Importing the current contract (or changing an article's current language).
    Import,
    /// The table's settings: its name, format, sides, `kept_by`, `require_signed`.
    Settings,
}

/// Why a person may not do a deed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// Not among the people of `bargaining.yaml`.
    NotListed,
    /// The table is kept by another side, whose people record.
    NotKeeping { kept_by: String },
    /// Their role gives no right to this (the role, and the topic's title where it matters).
    NoRight { role: Role, topic: Option<String> },
    /// A pass or withdrawal of a side other than their own, in a table where that is not theirs
    /// to record.
    OtherSide { own: String, side: String },
    /// A pass entered as received in a table kept jointly, where each side records its own.
    ReceivedInJoint,
    /// A pass entered as received for their own side.
    ReceivedOwnSide,
    /// An attestation in a table not kept by their side, or of their own side.
    CannotAttest,
}

/// Whether `person` speaks for their side on `topic`: a chief, or that topic's lead.
pub(crate) fn has_authority(table: &Table, person: &Person, topic: &str) -> bool {
    person.roles.contains(&Role::ChiefNegotiator) || table.leads(&person.email, topic)
}

fn is(person: &Person, role: Role) -> bool {
    person.roles.contains(&role)
}

/// The role to name in a denial: the highest the person holds.
fn role_of(person: &Person) -> Role {
    [Role::ChiefNegotiator, Role::Secretary]
        .into_iter()
        .find(|r| is(person, *r))
        .unwrap_or(Role::Member)
}

/// Whether `email` may do `deed` on an article of `topic` (for table changes, `topic` is the
/// article's topic where there is one). Returns the person when they may.
pub fn judge<'t>(
    table: &'t Table,
    email: &str,
    topic: &str,
    deed: Deed<'_>,
) -> Result<&'t Person, Denial> {
    let person = table.person(email).ok_or(Denial::NotListed)?;
    let keeping = table.kept_by.side();
    if let Some(keeper) = keeping
        && keeper != person.side
    {
        return Err(Denial::NotKeeping {
            kept_by: keeper.to_string(),
        });
    }
    let authority = has_authority(table, person, topic);
    let no_right = || Denial::NoRight {
        role: role_of(person),
        topic: (!topic.is_empty()).then(|| table.topic_title(topic).to_string()),
    };
    match deed {
        Deed::Pass { side, received } => {
            match (received, &table.kept_by) {
                (false, _) if side != person.side => {
                    return Err(Denial::OtherSide {
                        own: person.side.clone(),
                        side: side.to_string(),
                    });
                }
                (true, KeptBy::Joint) => return Err(Denial::ReceivedInJoint),
                (true, _) if side == person.side => return Err(Denial::ReceivedOwnSide),
                _ => {}
            }
            if !(authority || is(person, Role::Secretary)) {
                return Err(no_right());
            }
        }
        Deed::Status { withdrawn_by } => {
            if let Some(side) = withdrawn_by
                && side != person.side
                && keeping.is_none()
            {
                return Err(Denial::OtherSide {
                    own: person.side.clone(),
                    side: side.to_string(),
                });
            }
            if !authority {
                return Err(no_right());
            }
        }
        Deed::Sign => {
            if !authority {
                return Err(no_right());
            }
        }
        Deed::Attest { side } => {
            if keeping.is_none() || side == person.side {
                return Err(Denial::CannotAttest);
            }
            if !authority {
                return Err(no_right());
            }
        }
        Deed::People { side } => {
            if !is(person, Role::ChiefNegotiator) {
                return Err(no_right());
            }
            if side != person.side {
                return Err(Denial::OtherSide {
                    own: person.side.clone(),
                    side: side.to_string(),
                });
            }
        }
        Deed::Table(change) => {
            let chief = is(person, Role::ChiefNegotiator);
            let secretary = is(person, Role::Secretary);
            let allowed = match change {
                TableChange::Session | TableChange::Import => chief || secretary,
                TableChange::Topic => chief,
                TableChange::Article => authority || secretary,
                TableChange::Settings => chief,
            };
            if !allowed {
                return Err(no_right());
            }
        }
    }
    Ok(person)
}

/// What a change of the roster gives `email` that `before` did not: a place among the people,
/// a role, or a topic's lead. Empty when it gives nothing. A change that grants its own author
/// anything is a violation whoever the author is. (A chief adding their own signing key grants
/// no right: nobody else could add it, as each side's chief changes that side's people.)
pub fn grants_itself(before: &Table, after: &Table, email: &str) -> Vec<String> {
    let mut granted = Vec::new();
    let Some(now) = after.person(email) else {
        return granted;
    };
    match before.person(email) {
        None => granted.push(format!("a place among {}'s people", now.side)),
        Some(was) => {
            if was.side != now.side {
                granted.push(format!("a place among {}'s people", now.side));
            }
            for role in &now.roles {
                if !was.roles.contains(role) && *role != Role::Member {
                    granted.push(format!("the role {}", role_word(*role)));
                }
            }
        }
    }
    for topic in &after.topics {
        if after.leads(email, &topic.id) && !before.leads(email, &topic.id) {
            granted.push(format!("the lead of {}", topic.id));
        }
    }
    granted
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::ChiefNegotiator => "chief-negotiator",
        Role::Secretary => "secretary",
        Role::Member => "member",
    }
}

/// Whether `email` may record status changes on an article of `topic`.
pub fn may_record(table: &Table, email: &str, topic: &str) -> bool {
    judge(table, email, topic, Deed::Status { withdrawn_by: None }).is_ok()
}

/// Whether `email` may sign a TA on an article of `topic` for their side.
pub fn may_sign(table: &Table, email: &str, topic: &str) -> bool {
    judge(table, email, topic, Deed::Sign).is_ok()
}

/// What a person with the right may do, for the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Record statuses (and passes) on an article.
    Record,
    /// Enter passes (secretaries too).
    Pass,
    Sign,
    Agree,
}

/// The people who have a right on one article: its topic's leads, the chief negotiators and,
/// for passes, the secretaries — of one side or of all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoMay {
    pub article: String,
    /// Only this side's people; `None` for every side.
    pub side: Option<String>,
    pub leads: Vec<String>,
    pub chiefs: Vec<String>,
    pub secretaries: Vec<String>,
    pub right: Right,
}

impl WhoMay {
    /// Who has `right` on `article` (of `topic`), of `side` or of every side (in a table kept by
    /// one side, only its people record).
    pub fn of(
        table: &Table,
        topic: &str,
        side: Option<&str>,
        article: &str,
        right: Right,
    ) -> WhoMay {
        let side = match (right, table.kept_by.side()) {
            (Right::Record | Right::Pass, Some(keeper)) => Some(keeper),
            _ => side,
        };
        let in_side = |p: &&Person| side.is_none_or(|s| p.side == s);
        let emails = |keep: &dyn Fn(&Person) -> bool| -> Vec<String> {
            table
                .people
                .iter()
                .filter(in_side)
                .filter(|p| keep(p))
                .map(|p| p.email.clone())
                .collect()
        };
        WhoMay {
            article: article.to_string(),
            side: side.map(str::to_string),
            leads: emails(&|p| table.leads(&p.email, topic)),
            chiefs: emails(&|p| is(p, Role::ChiefNegotiator)),
            secretaries: if right == Right::Pass {
                emails(&|p| is(p, Role::Secretary))
            } else {
                Vec::new()
            },
            right,
        }
    }

    /// Nobody at all has the right.
    pub fn is_nobody(&self) -> bool {
        self.leads.is_empty() && self.chiefs.is_empty() && self.secretaries.is_empty()
    }
}

/// "for union, ai-lead@union.example or a chief negotiator (chief@union.example) may record on
/// article 12".
impl fmt::Display for WhoMay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut who: Vec<String> = Vec::new();
        if !self.leads.is_empty() {
            who.push(self.leads.join(" or "));
        }
        if !self.chiefs.is_empty() {
            who.push(format!("a chief negotiator ({})", self.chiefs.join(", ")));
        }
        if !self.secretaries.is_empty() {
            who.push(format!("a secretary ({})", self.secretaries.join(", ")));
        }
        let who = if who.is_empty() {
            "nobody (name topic leads or a chief negotiator in bargaining.yaml)".to_string()
        } else {
            who.join(" or ")
        };
        let verb = match self.right {
            Right::Record => "record on",
            Right::Pass => "enter passes on",
            Right::Sign => "sign for",
            Right::Agree => "agree to reopen",
        };
        if let Some(side) = &self.side {
            write!(f, "for {side}, ")?;
        }
        write!(f, "{who} may {verb} article {}", self.article)
    }
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Denial::NotListed => f.write_str("is not among the people in bargaining.yaml"),
            Denial::NotKeeping { kept_by } => write!(
                f,
                "is not of {kept_by}, who keeps this table: its recorders enter the other side's passes as received"
            ),
            Denial::NoRight { role, topic } => {
                let role = match role {
                    Role::ChiefNegotiator => "a chief negotiator",
                    Role::Secretary => "a secretary (who enters passes and sessions, never a status or a signature)",
                    Role::Member => "a member",
                };
                match topic {
                    Some(topic) => {
                        write!(f, "is {role}, neither a chief negotiator nor a lead of {topic}")
                    }
                    None => write!(f, "is {role}, without the right to this"),
                }
            }
            Denial::OtherSide { own, side } => write!(
                f,
                "records for {own}, not for {side}: a side's pass or withdrawal is recorded by its own people"
            ),
            Denial::ReceivedInJoint => f.write_str(
                "cannot enter a pass as received: this table is kept jointly, so each side records its own passes",
            ),
            Denial::ReceivedOwnSide => {
                f.write_str("cannot enter their own side's pass as received; record it as a pass")
            }
            Denial::CannotAttest => f.write_str(
                "cannot attest a signature: only a table kept by one side attests the other side's signatory",
            ),
        }
    }
}
