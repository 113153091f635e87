//! [`check`]: whether a request may be recorded on the table as read, and the commit it would
//! make. A pure function of the snapshot, the history index, the actor and the day: it reads blobs
//! from the object database and nothing else, so a front can show a refusal before anything is
//! touched. The article-level work (a pass, a status change) is planned in [`super::plan`].

use super::plan;
use super::refusal::{NotAllowed, Refusal};
use super::rights::{Right, WhoMay, has_authority};
use super::{Action, Actor, Plan, Request};
use crate::events::{Trailers, compose_message, one_line};
use crate::model::{Date, Role, Session, Table};
use crate::store::writer::Author;
use crate::store::{History, Repo, Snapshot};

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
            why: NotAllowed::NotListed,
            who: Box::new(WhoMay::of(
                table,
                &article.topic,
                None,
                &number,
                Right::Record,
            )),
        })?;
    if !has_authority(table, person, &article.topic) {
        let topic = table.topic_title(&article.topic).to_string();
        let why = if person.roles.contains(&Role::Secretary) {
            NotAllowed::Secretary { topic }
        } else {
            NotAllowed::Member { topic }
        };
        return Err(Refusal::NotAllowed {
            email: actor.email.clone(),
            why,
            who: Box::new(WhoMay::of(
                table,
                &article.topic,
                None,
                &number,
                Right::Record,
            )),
        });
    }
    let session = session_for(table, request.session, today)?;
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let planner = plan::Planner {
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
