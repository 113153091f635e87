//! Changes of the table itself, made from the tool rather than by editing YAML: a session added,
//! a topic added, an article added, an article retitled. Each is one commit with trailers
//! (`Bargain-Change: session-added`, …), so `log` reads it as what it is, never "hand-made".
//!
//! `bargaining.yaml` is the committee's own file, often with comments. A session or a topic is
//! added by inserting its lines at the end of the list in the text, leaving every other byte as
//! it was; the result is parsed again and must equal the table with the item added, or the change
//! is refused (naming what to add by hand) — never a rewrite that drops the comments.

use super::check::{event_date, find_article};
use super::refusal::Refusal;
use super::rights::{Deed, TableChange, judge};
use super::{Actor, Plan, RecordError, Recorded};
use crate::events::{Change, Trailers, compose_message, one_line};
use crate::model::{Article, Date, Session, Table, Topic};
use crate::store::writer::{Author, FileWrite};
use crate::store::{History, Repo, Snapshot};
use std::collections::BTreeMap;

/// The table file, at the top of the repository.
const TABLE_FILE: &str = "bargaining.yaml";

/// A change of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableRequest {
    /// A bargaining session: its name and its first and last days.
    AddSession { name: String, from: Date, to: Date },
    /// A topic (a bargaining subgroup) with its leads, side id → emails.
    AddTopic {
        id: String,
        title: String,
        leads: Vec<String>,
    },
    /// An open article, with the current contract's language when it has some.
    AddArticle {
        number: u32,
        title: String,
        topic: String,
        current: Option<String>,
    },
    /// A new title for an article; its folder (and so its history) stays.
    RetitleArticle { article: String, title: String },
}

impl TableRequest {
    fn change(&self) -> (TableChange, Change) {
        match self {
            TableRequest::AddSession { .. } => (TableChange::Session, Change::SessionAdded),
            TableRequest::AddTopic { .. } => (TableChange::Topic, Change::TopicAdded),
            TableRequest::AddArticle { .. } => (TableChange::Article, Change::ArticleAdded),
            TableRequest::RetitleArticle { .. } => (TableChange::Article, Change::ArticleRetitled),
        }
    }
}

/// A name or a title as people type it: one line, no control characters, not empty.
fn clean(what: &str, value: &str) -> Result<String, Refusal> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Refusal::BadName(format!("the {what} is empty")));
    }
    if value
        .chars()
        .any(|c| c.is_control() || crate::text::is_bidi_control(c))
    {
        return Err(Refusal::BadName(format!(
            "the {what} `{}` contains control characters",
            value.escape_debug()
        )));
    }
    Ok(value.to_string())
}

/// Checks a change of the table by `actor` on the table as read, and plans its commit.
pub fn check_table(
    repo: &Repo,
    snapshot: &Snapshot,
    actor: &Actor,
    today: Date,
    request: &TableRequest,
    note: Option<&str>,
) -> Result<Plan, Refusal> {
    let table = &snapshot.table;
    let (deed, change) = request.change();
    let topic = match request {
        TableRequest::AddArticle { topic, .. } => topic.clone(),
        TableRequest::RetitleArticle { article, .. } => find_article(snapshot, article)?
            .article
            .as_ref()
            .map(|a| a.topic.clone())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let person = judge(table, &actor.email, &topic, Deed::Table(deed)).map_err(|why| {
        Refusal::TableNotAllowed {
            email: actor.email.clone(),
            why,
            change: deed,
        }
    })?;
    let date = event_date(table, None, today).unwrap_or(today);
    let mut trailers = Trailers {
        change: Some(change),
        date: Some(date),
        ..Trailers::default()
    };
    let (sentence, files) = match request {
        TableRequest::AddSession { name, from, to } => {
            let name = clean("session name", name)?;
            if to < from {
                return Err(Refusal::SessionBackwards {
                    from: *from,
                    to: *to,
                });
            }
            if table
                .sessions
                .iter()
                .any(|s| s.name.eq_ignore_ascii_case(&name))
            {
                return Err(Refusal::SessionExists { name });
            }
            if let Some(other) = table
                .sessions
                .iter()
                .find(|s| s.start <= *to && *from <= s.end)
            {
                return Err(Refusal::SessionOverlaps {
                    name,
                    other: other.name.clone(),
                    from: other.start,
                    to: other.end,
                });
            }
            let session = Session {
                name: name.clone(),
                start: *from,
                end: *to,
            };
            let mut expected = table.clone();
            expected.sessions.push(session.clone());
            let text = extend_list(repo, snapshot, "sessions", &session, &expected)?;
            (
                format!("Session added: {name}, {from} to {to}"),
                vec![table_file(text)],
            )
        }
        TableRequest::AddTopic { id, title, leads } => {
            let title = clean("topic title", title)?;
            let id = clean("topic id", id)?;
            if !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(Refusal::BadName(format!(
                    "the topic id `{id}` must be lowercase letters, digits and dashes"
                )));
            }
            if table.topics.iter().any(|t| t.id == id) {
                return Err(Refusal::TopicExists { id });
            }
            let mut by_side: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for email in leads {
                let lead = table.person(email).ok_or_else(|| {
                    Refusal::BadName(format!(
                        "{email} is not among the people in bargaining.yaml"
                    ))
                })?;
                if table.kept_by.is_joint() && lead.side != person.side {
                    return Err(Refusal::LeadOfOtherSide {
                        email: email.clone(),
                        side: person.side.clone(),
                    });
                }
                by_side
                    .entry(lead.side.clone())
                    .or_default()
                    .push(lead.email.clone());
            }
            let topic = Topic {
                id: id.clone(),
                title: title.clone(),
                leads: by_side,
            };
            let mut expected = table.clone();
            expected.topics.push(topic.clone());
            let text = extend_list(repo, snapshot, "topics", &topic, &expected)?;
            (
                format!("Topic added: {title} ({id})"),
                vec![table_file(text)],
            )
        }
        TableRequest::AddArticle {
            number,
            title,
            topic,
            current,
        } => {
            let title = clean("article title", title)?;
            if !table.topics.iter().any(|t| &t.id == topic) {
                return Err(Refusal::UnknownTopic {
                    id: topic.clone(),
                    topics: table.topics.iter().map(|t| t.id.clone()).collect(),
                });
            }
            let taken: Vec<String> = snapshot
                .articles
                .iter()
                .filter(|a| a.number() == Some(*number))
                .map(|a| a.id.clone())
                .collect();
            if !taken.is_empty() {
                return Err(Refusal::NumberTaken {
                    number: *number,
                    folders: taken,
                });
            }
            let slug = crate::model::slug(&title, 40);
            let id = if slug.is_empty() {
                number.to_string()
            } else {
                format!("{number}-{slug}")
            };
            if snapshot.articles.iter().any(|a| a.id == id) {
                return Err(Refusal::NumberTaken {
                    number: *number,
                    folders: vec![id],
                });
            }
            let article = Article::open(*number, title.clone(), topic.clone());
            let mut files = vec![article_file(&id, &article)?];
            if let Some(text) = current {
                if text.contains('\0') {
                    return Err(Refusal::BadText(
                        "the current language is binary (contains a NUL byte), not text"
                            .to_string(),
                    ));
                }
                files.push(FileWrite {
                    path: format!("proposals/{id}/current.md"),
                    content: Some(text.clone().into_bytes()),
                });
            }
            trailers.article = Some(id);
            (
                format!(
                    "Article {number} — {title} added to {}",
                    table.topic_title(topic)
                ),
                files,
            )
        }
        TableRequest::RetitleArticle { article, title } => {
            let title = clean("article title", title)?;
            let entry = find_article(snapshot, article)?;
            let mut changed = entry
                .article
                .clone()
                .ok_or_else(|| Refusal::UnreadableArticle {
                    id: entry.id.clone(),
                    problems: entry.problems.iter().map(ToString::to_string).collect(),
                })?;
            if changed.title == title {
                return Err(Refusal::BadName(format!(
                    "article {} is already titled `{title}`",
                    changed.number
                )));
            }
            let old = std::mem::replace(&mut changed.title, title.clone());
            trailers.article = Some(entry.id.clone());
            (
                format!("Article {} retitled: {old} → {title}", changed.number),
                vec![article_file(&entry.id, &changed)?],
            )
        }
    };
    super::check::check_note(note.map(str::trim))?;
    let body: Vec<String> = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| vec![n.to_string()])
        .unwrap_or_default();
    Ok(Plan {
        article: trailers.article.clone(),
        sentence: one_line(&sentence),
        message: compose_message(&sentence, &body, &trailers),
        files,
        author: Author {
            name: actor.name.clone(),
            email: actor.email.clone(),
            time: None,
        },
        base: snapshot.commit,
        forced: false,
    })
}

/// Reads the table at HEAD, checks `request` as git's `user.email`, and commits it, starting
/// over (up to three times) when another writer moved the branch in between.
pub fn record_table(
    repo: &Repo,
    request: &TableRequest,
    note: Option<&str>,
    today: Date,
) -> Result<Recorded, RecordError> {
    super::record_with(repo, |snapshot, _history: &History, actor| {
        check_table(repo, snapshot, actor, today, request, note)
    })
}

fn table_file(text: String) -> FileWrite {
    FileWrite {
        path: TABLE_FILE.to_string(),
        content: Some(text.into_bytes()),
    }
}

fn article_file(id: &str, article: &Article) -> Result<FileWrite, Refusal> {
    let yaml = serde_yaml::to_string(article)
        .map_err(|e| Refusal::BadText(format!("article.yaml: {e}")))?;
    Ok(FileWrite {
        path: format!("proposals/{id}/article.yaml"),
        content: Some(yaml.into_bytes()),
    })
}

/// `bargaining.yaml` as committed, with `item` added at the end of its list `key`; refused
/// unless the new text reads back as exactly `expected`.
fn extend_list<T: serde::Serialize>(
    repo: &Repo,
    snapshot: &Snapshot,
    key: &str,
    item: &T,
    expected: &Table,
) -> Result<String, Refusal> {
    let by_hand = |why: &str| {
        let yaml = serde_yaml::to_string(item).unwrap_or_default();
        Refusal::BadName(format!(
            "{TABLE_FILE} {why}; add this to its `{key}:` list by hand:\n{}",
            yaml.trim_end()
        ))
    };
    let text = repo
        .git
        .find_commit(snapshot.commit)
        .and_then(|c| c.tree())
        .and_then(|t| t.get_path(std::path::Path::new(TABLE_FILE)))
        .and_then(|e| repo.git.find_blob(e.id()))
        .map_err(|_| by_hand("cannot be read"))
        .and_then(|b| {
            // The same cap as every read of the table file.
            if b.size() as u64 > crate::text::MAX_YAML_BYTES {
                Err(by_hand("is larger than a table file may be"))
            } else {
                Ok(String::from_utf8_lossy(b.content()).into_owned())
            }
        })?;
    let yaml = serde_yaml::to_string(item).map_err(|e| Refusal::BadText(e.to_string()))?;
    let extended =
        insert_list_item(&text, key, &yaml).ok_or_else(|| by_hand("is laid out unusually"))?;
    match serde_yaml::from_str::<Table>(&extended) {
        Ok(table) if &table == expected => Ok(extended),
        _ => Err(by_hand("is laid out in a way bargain cannot extend safely")),
    }
}

/// Inserts `item_yaml` (a block mapping, as serde writes it) as the last entry of the top-level
/// block list `key` in `text`, leaving every other line as it was. `None` when the list is not a
/// plain block list (a flow list with entries, say).
pub(crate) fn insert_list_item(text: &str, key: &str, item_yaml: &str) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_key = |line: &str| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let rest = rest.trim();
        Some(rest.is_empty() || rest.starts_with('#') || rest == "[]")
    };
    let item = |indent: &str| -> String {
        let mut out = String::new();
        for (i, line) in item_yaml.lines().enumerate() {
            out.push_str(indent);
            out.push_str(if i == 0 { "- " } else { "  " });
            out.push_str(line);
            out.push('\n');
        }
        out
    };
    let Some(at) = lines.iter().position(|l| is_key(l) == Some(true)) else {
        if lines.iter().any(|l| is_key(l).is_some()) {
            return None;
        }
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("{key}:\n"));
        out.push_str(&item("  "));
        return Some(out);
    };
    if lines[at].trim_end().ends_with("[]") {
        let mut out: String = lines[..at].concat();
        out.push_str(&format!("{key}:\n"));
        out.push_str(&item("  "));
        out.push_str(&lines[at + 1..].concat());
        return Some(out);
    }
    // The block: lines indented, or list items at column 0, or blank / comment lines.
    let mut end = at + 1;
    let mut last_content = at;
    let mut indent: Option<String> = None;
    while end < lines.len() {
        let line = lines[end];
        let trimmed = line.trim_start();
        let blank = trimmed.trim().is_empty() || trimmed.starts_with('#');
        let inside = line.starts_with(' ') || line.starts_with("- ") || line.starts_with("-\n");
        if !(blank || inside) {
            break;
        }
        if !blank {
            if indent.is_none() {
                let width = line.len() - trimmed.len();
                if !trimmed.starts_with("- ") && !trimmed.starts_with("-\n") {
                    return None;
                }
                indent = Some(line[..width].to_string());
            }
            last_content = end;
        }
        end += 1;
    }
    let indent = indent.unwrap_or_else(|| "  ".to_string());
    let mut out: String = lines[..=last_content].concat();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&item(&indent));
    out.push_str(&lines[last_content + 1..].concat());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::insert_list_item;

    #[test]
    fn an_item_goes_at_the_end_of_its_list_and_every_other_line_stays() {
        let text = "name: T # ours\nsessions:\n  # the first\n  - { name: A, start: 2025-01-01, end: 2025-01-02 }\n\n# people next\npeople: []\n";
        let out = insert_list_item(
            text,
            "sessions",
            "name: B\nstart: 2025-02-01\nend: 2025-02-02\n",
        )
        .unwrap();
        assert_eq!(
            out,
            "name: T # ours\nsessions:\n  # the first\n  - { name: A, start: 2025-01-01, end: 2025-01-02 }\n  - name: B\n    start: 2025-02-01\n    end: 2025-02-02\n\n# people next\npeople: []\n"
        );
    }

    #[test]
    fn a_missing_or_empty_list_is_started_and_items_at_column_zero_are_followed() {
        assert_eq!(
            insert_list_item("name: T\n", "topics", "id: a\n").unwrap(),
            "name: T\ntopics:\n  - id: a\n"
        );
        assert_eq!(
            insert_list_item("topics: []\nname: T\n", "topics", "id: a\n").unwrap(),
            "topics:\n  - id: a\nname: T\n"
        );
        assert_eq!(
            insert_list_item("topics:\n- id: a\nname: T\n", "topics", "id: b\n").unwrap(),
            "topics:\n- id: a\n- id: b\nname: T\n"
        );
        assert_eq!(
            insert_list_item("topics: [{id: a}]\n", "topics", "id: b\n"),
            None
        );
    }
}
