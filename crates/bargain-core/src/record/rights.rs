//! Who may record what: the one place the roles of `bargaining.yaml` become rights.
//!
//! - a chief negotiator may record on any article; a topic lead (listed under `topics[].leads`)
//!   on the articles of that topic; members and secretaries record nothing (a secretary who also
//!   leads a topic records as its lead);
//! - a pass, and a withdrawal, are recorded only by people of the side that makes it;
//! - signatories of a TA, and people agreeing to a reopen, are chiefs or leads of the topic.
//!
//! [`WhoMay`] names the people who would have the right, for a refusal: data, which
//! [`crate::record::Refusal`]'s sentences and the fronts put into words.

use crate::model::{Person, Role, Table};
use std::fmt;

/// Whether `email` may record status changes on an article of `topic`: a chief negotiator, or a
/// lead of that topic. Passes also need the person to belong to the side.
pub fn may_record(table: &Table, email: &str, topic: &str) -> bool {
    table
        .person(email)
        .is_some_and(|p| has_authority(table, p, topic))
}

/// Whether `person` may speak for their side on `topic` (chief, or that topic's lead).
pub(crate) fn has_authority(table: &Table, person: &Person, topic: &str) -> bool {
    person.roles.contains(&Role::ChiefNegotiator) || table.leads(&person.email, topic)
}

/// What a person with the right may do, for the sentence: record, sign, agree to a reopen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    Record,
    Sign,
    Agree,
}

/// The people who have a right on one article: its topic's leads and the chief negotiators,
/// of one side or of all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoMay {
    pub article: String,
    /// Only this side's people; `None` for every side.
    pub side: Option<String>,
    pub leads: Vec<String>,
    pub chiefs: Vec<String>,
    pub right: Right,
}

impl WhoMay {
    /// Who has `right` on `article` (of `topic`), of `side` or of every side.
    pub fn of(
        table: &Table,
        topic: &str,
        side: Option<&str>,
        article: &str,
        right: Right,
    ) -> WhoMay {
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
            chiefs: emails(&|p| p.roles.contains(&Role::ChiefNegotiator)),
            right,
        }
    }

    /// Nobody at all has the right.
    pub fn is_nobody(&self) -> bool {
        self.leads.is_empty() && self.chiefs.is_empty()
    }
}

/// "for union, ai-lead@union.example or a chief negotiator (chief@union.example) may record on
/// article 12".
impl fmt::Display for WhoMay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chiefs = (!self.chiefs.is_empty())
            .then(|| format!("a chief negotiator ({})", self.chiefs.join(", ")));
        let leads = (!self.leads.is_empty()).then(|| self.leads.join(" or "));
        let who = match (leads, chiefs) {
            (None, None) => {
                "nobody (name topic leads or a chief negotiator in bargaining.yaml)".to_string()
            }
            (Some(l), None) => l,
            (None, Some(c)) => c,
            (Some(l), Some(c)) => format!("{l} or {c}"),
        };
        let verb = match self.right {
            Right::Record => "record on",
            Right::Sign => "sign for",
            Right::Agree => "agree to reopen",
        };
        if let Some(side) = &self.side {
            write!(f, "for {side}, ")?;
        }
        write!(f, "{who} may {verb} article {}", self.article)
    }
}
