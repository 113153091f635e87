//! [`check`]: whether a request may be recorded on the table as read, and the commit it would
//! make. A pure function of the snapshot, the history index, the actor and the day: it reads blobs
//! from the object database and nothing else, so a front can show a refusal before anything is
//! touched. The article-level work (a pass, a status change, a signature) is planned in
//! [`super::plan`]; who may is [`super::rights::judge`]'s.

use super::plan;
use super::refusal::Refusal;
use super::rights::{Deed, Denial, Right, WhoMay, judge};
use super::{Action, Actor, Plan, Request, SessionChoice, StatusChange};
use crate::events::{Trailers, compose_message, one_line};
use crate::model::{Date, Session, Table};
use crate::store::writer::Author;
use crate::store::{ArticleEntry, History, Repo, Snapshot};

fn sessions_list(table: &Table) -> Vec<String> {
    table
        .sessions
        .iter()
        .map(|s| format!("{} {}..{}", s.name, s.start, s.end))
        .collect()
}

/// The session an event on `date` belongs to, as `choice` says: the session whose days include
/// the date, one named (by name or by any day of it), or none (between sessions). A day in no
/// session, with no choice made, is refused: never a silent guess.
pub fn session_for<'t>(
    table: &'t Table,
    choice: &SessionChoice,
    date: Date,
) -> Result<Option<&'t Session>, Refusal> {
    match choice {
        SessionChoice::Between => Ok(None),
        SessionChoice::Auto => {
            table
                .session_on(date)
                .map(Some)
                .ok_or_else(|| Refusal::NoSessionOn {
                    date,
                    sessions: sessions_list(table),
                })
        }
        SessionChoice::Named(key) => {
            table
                .session_named(key)
                .map(Some)
                .ok_or_else(|| Refusal::UnknownSession {
                    name: key.trim().to_string(),
                    sessions: sessions_list(table),
                })
        }
    }
}

/// The day an event happened, checked: not in the future, not before the first session.
pub fn event_date(table: &Table, asked: Option<Date>, today: Date) -> Result<Date, Refusal> {
    let date = asked.unwrap_or(today);
    if date > today {
        return Err(Refusal::FutureDate { date, today });
    }
    if let Some(first) = table.sessions.iter().min_by_key(|s| s.start)
        && date < first.start
    {
        return Err(Refusal::BeforeFirstSession {
            date,
            first: first.start,
            name: first.name.clone(),
        });
    }
    Ok(date)
}

/// The article `key` names (a number or a folder id); several folders with that number are
/// refused, naming them.
pub fn find_article<'s>(snapshot: &'s Snapshot, key: &str) -> Result<&'s ArticleEntry, Refusal> {
    let key = key.trim();
    if let Some(entry) = snapshot.articles.iter().find(|a| a.id == key) {
        return Ok(entry);
    }
    let same: Vec<&ArticleEntry> = match key.parse::<u32>() {
        Ok(number) => snapshot
            .articles
            .iter()
            .filter(|a| a.number() == Some(number))
            .collect(),
        Err(_) => Vec::new(),
    };
    match same.as_slice() {
        [one] => Ok(one),
        [] => Err(Refusal::UnknownArticle {
            key: key.to_string(),
            known: snapshot
                .articles
                .iter()
                .map(|a| a.number().map_or_else(|| a.id.clone(), |n| n.to_string()))
                .collect(),
        }),
        many => Err(Refusal::AmbiguousNumber {
            number: key.parse().unwrap_or_default(),
            folders: many.iter().map(|a| a.id.clone()).collect(),
        }),
    }
}

/// A note is a few lines for the record: a long one (a pasted document) is refused, with its
/// size, before anything is planned.
pub(super) fn check_note(note: Option<&str>) -> Result<(), Refusal> {
    match note {
        Some(n) if n.len() > crate::text::MAX_NOTE_BYTES => Err(Refusal::BadText(format!(
            "the note is {} KB, over the {} KB a note may hold; put the document in the pass itself",
            n.len() / 1024,
            crate::text::MAX_NOTE_BYTES / 1024
        ))),
        _ => Ok(()),
    }
}

/// A denial as a refusal, naming who would have the right.
pub(super) fn not_allowed(
    table: &Table,
    email: &str,
    why: Denial,
    topic: &str,
    side: Option<&str>,
    article: &str,
    right: Right,
) -> Refusal {
    Refusal::NotAllowed {
        email: email.to_string(),
        why,
        who: Box::new(WhoMay::of(table, topic, side, article, right)),
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
    let entry = find_article(snapshot, &request.article)?;
    let article = entry
        .article
        .as_ref()
        .ok_or_else(|| Refusal::UnreadableArticle {
            id: entry.id.clone(),
            problems: entry.problems.iter().map(ToString::to_string).collect(),
        })?;
    let number = article.number.to_string();
    let topic = article.topic.as_str();
    let known_side = |side: &str| {
        table
            .side(side)
            .map(|_| ())
            .ok_or_else(|| Refusal::UnknownSide {
                side: side.to_string(),
                sides: table.sides.iter().map(|s| s.id.clone()).collect(),
            })
    };
    let (deed, right, side) = match &request.action {
        Action::Pass { side, received, .. } => {
            known_side(side)?;
            (
                Deed::Pass {
                    side,
                    received: *received,
                },
                Right::Pass,
                Some(side.as_str()),
            )
        }
        Action::Set(StatusChange::Withdrawn { by }) => {
            if let Some(side) = by {
                known_side(side)?;
            }
            (
                Deed::Status {
                    withdrawn_by: by.as_deref(),
                },
                Right::Record,
                by.as_deref(),
            )
        }
        Action::Set(StatusChange::TentativelyAgreed { .. }) | Action::Sign => {
            (Deed::Sign, Right::Sign, None)
        }
        Action::Set(_) => (Deed::Status { withdrawn_by: None }, Right::Record, None),
    };
    let person = judge(table, &actor.email, topic, deed)
        .map_err(|why| not_allowed(table, &actor.email, why, topic, side, &number, right))?;
    let date = event_date(table, request.date, today)?;
    let session = session_for(table, &request.session, date)?;
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    check_note(note)?;
    let planner = plan::Planner {
        repo,
        snapshot,
        history,
        entry,
        article,
        number: &number,
        person,
        request,
        date,
        note,
        trailers: Trailers {
            article: Some(entry.id.clone()),
            session: session.map(|s| s.start),
            date: Some(date),
            ..Trailers::default()
        },
    };
    let (sentence, files, trailers, mut body) = match &request.action {
        Action::Pass {
            side,
            text,
            received,
        } => planner.pass(side, text, *received)?,
        Action::Set(change) => planner.set(change)?,
        Action::Sign => planner.sign()?,
    };
    if let Some(n) = note {
        body.insert(0, n.to_string());
    }
    let message = compose_message(&sentence, &body, &trailers);
    Ok(Plan {
        article: Some(entry.id.clone()),
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
