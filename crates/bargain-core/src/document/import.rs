//! Writing an [`ImportPlan`]: every article folder, `article.yaml` and `current.md` it names
//! (and the default topic in `bargaining.yaml` when the table lacks it) in ONE commit through
//! [`crate::store::writer`], with the trailers every recorded change carries
//! (`Bargain-Change: contract-imported`, the day and its session).
//!
//! Refused, with nothing written: a plan that is blocked or has conflicts, a plan that would
//! replace articles' current language without the caller's confirmation, an identity git does
//! not have, and anyone but a chief negotiator of the table (the import writes the current
//! language of every article, across topics and sides).

use super::plan::{Action, ImportPlan};
use crate::events::{Change, Trailers, compose_message};
use crate::model::{Date, Table, Topic};
use crate::record::Actor;
use crate::store::writer::{self, Author, CommitRequest, FileWrite, WriteError};
use crate::store::{Repo, Snapshot, StoreError, TABLE_FILE};
use git2::Oid;

/// What was committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub commit: Oid,
    /// Article folders created.
    pub created: usize,
    /// Articles whose `current.md` was replaced (or added to an existing folder).
    pub replaced: usize,
    /// The topic added to `bargaining.yaml`, if one was.
    pub topic_added: Option<String>,
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .0.join("; "))]
    Blocked(Vec<String>),
    #[error("{} cannot be imported as planned: {}", plural(.0.len(), "unit"), .0.join("; "))]
    Conflicts(Vec<String>),
    /// These article folders have current language the import would replace.
    #[error("the import would replace the current language of {}: {}", plural(.0.len(), "article"), .0.join(", "))]
    WouldReplace(Vec<String>),
    #[error(
        "the table already holds every article of the document with this very text; nothing to import"
    )]
    Nothing,
    #[error(
        "git has no identity here (user.email); set it with git config user.email you@example.org"
    )]
    NoIdentity,
    #[error(
        "{email} may not import the contract: a chief negotiator or a secretary of this table (bargaining.yaml, people) imports it"
    )]
    NotAllowed { email: String },
    #[error(
        "bargaining.yaml: could not add the topic `{topic}` ({why}); add it by hand under topics:"
    )]
    TopicNotAdded { topic: String, why: String },
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Commits `plan` (made from `snapshot`) as one import of the file named `file`, on `today`.
/// `replace` confirms replacing current language the table already has.
pub fn commit(
    repo: &Repo,
    snapshot: &Snapshot,
    plan: &ImportPlan,
    replace: bool,
    file: &str,
    today: Date,
) -> Result<Imported, ImportError> {
    if !plan.blocked.is_empty() {
        return Err(ImportError::Blocked(plan.blocked.clone()));
    }
    let conflicts: Vec<String> = plan
        .conflicts()
        .map(|(e, why)| format!("{}: {why}", e.folder))
        .collect();
    if !conflicts.is_empty() {
        return Err(ImportError::Conflicts(conflicts));
    }
    if plan.replaces() && !replace {
        return Err(ImportError::WouldReplace(
            plan.entries
                .iter()
                .filter(|e| matches!(e.action, Action::Replace { .. }))
                .map(|e| e.folder.clone())
                .collect(),
        ));
    }
    let actor = Actor::from_git(repo).map_err(|_| ImportError::NoIdentity)?;
    // Who may import is the rights table's (a chief negotiator or a secretary).
    let allowed = crate::record::rights::judge(
        &snapshot.table,
        &actor.email,
        "",
        crate::record::rights::Deed::Table(crate::record::rights::TableChange::Import),
    );
    if allowed.is_err() {
        return Err(ImportError::NotAllowed { email: actor.email });
    }
    let contents = plan.files(replace);
    if contents.is_empty() {
        return Err(ImportError::Nothing);
    }
    let mut files: Vec<FileWrite> = Vec::with_capacity(contents.len() + 1);
    let topic_added = match &plan.add_topic {
        Some(topic) => {
            let yaml = table_text(repo, snapshot, &topic.id)?;
            let text = with_topic(&yaml, topic).map_err(|why| ImportError::TopicNotAdded {
                topic: topic.id.clone(),
                why,
            })?;
            files.push(FileWrite {
                path: TABLE_FILE.to_string(),
                content: Some(text.into_bytes()),
            });
            Some(topic.id.clone())
        }
        None => None,
    };
    files.extend(contents.into_iter().map(|(path, content)| FileWrite {
        path,
        content: Some(content.into_bytes()),
    }));
    let created = plan
        .entries
        .iter()
        .filter(|e| e.action == Action::Create)
        .count();
    let replaced = if replace {
        plan.entries
            .iter()
            .filter(|e| matches!(e.action, Action::Replace { .. }))
            .count()
    } else {
        0
    };
    let mut sentence = format!(
        "Import the current contract language from {}: {}",
        crate::text::escape_line(file),
        plural(created, "article")
    );
    if replaced > 0 {
        sentence.push_str(&format!(", {replaced} replaced"));
    }
    let message = compose_message(
        &sentence,
        &plan.notes,
        &Trailers {
            session: snapshot.table.session_on(today).map(|s| s.start),
            date: Some(today),
            change: Some(Change::ContractImported),
            ..Trailers::default()
        },
    );
    let commit = writer::commit(
        repo,
        &CommitRequest {
            files,
            message,
            author: Author {
                name: actor.name,
                email: actor.email,
                time: None,
            },
            expected_head: Some(snapshot.commit),
        },
    )?;
    Ok(Imported {
        commit,
        created,
        replaced,
        topic_added,
    })
}

/// `bargaining.yaml` as committed in the snapshot.
fn table_text(repo: &Repo, snapshot: &Snapshot, topic: &str) -> Result<String, ImportError> {
    let commit = repo
        .git
        .find_commit(snapshot.commit)
        .map_err(|e| ImportError::Store(StoreError::Git(e)))?;
    let tree = commit
        .tree()
        .map_err(|e| ImportError::Store(StoreError::Git(e)))?;
    let entry = tree
        .get_name(TABLE_FILE)
        .ok_or_else(|| ImportError::TopicNotAdded {
            topic: topic.to_string(),
            why: "the file is not committed".to_string(),
        })?;
    repo.text(entry.id(), TABLE_FILE)
        .map_err(|p| ImportError::TopicNotAdded {
            topic: topic.to_string(),
            why: p.to_string(),
        })
}

/// `yaml` (a table file) with `topic` added at the end of its `topics:`, its comments and layout
/// kept (the same insertion as `bargain topic add`, [`crate::record::table`]); checked by reading
/// the result back.
pub fn with_topic(yaml: &str, topic: &Topic) -> Result<String, String> {
    let item = serde_yaml::to_string(topic).map_err(|e| e.to_string())?;
    let out = crate::record::table::insert_list_item(yaml, "topics", &item)
        .ok_or("its topics are not written one per line")?;
    let table: Table =
        crate::store::snapshot::parse_yaml_str(&out, TABLE_FILE).map_err(|p| p.to_string())?;
    if table.topic(&topic.id).is_none() {
        return Err("the topic did not read back".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unassigned() -> Topic {
        Topic {
            id: "unassigned".into(),
            title: "Unassigned".into(),
            leads: Default::default(),
        }
    }

    #[test]
    fn the_topic_goes_last_with_comments_kept() {
        let yaml = crate::init::TABLE_TEMPLATE;
        let out = with_topic(yaml, &unassigned()).unwrap();
        assert!(
            out.contains("  - id: unassigned\n    title: Unassigned\n"),
            "{out}"
        );
        assert!(
            out.find("id: economics") < out.find("id: unassigned"),
            "{out}"
        );
        // Every line of the template is still there, comments included.
        for line in yaml.lines() {
            assert!(out.contains(line), "{line}");
        }
    }

    #[test]
    fn an_empty_topic_list_gets_the_topic() {
        let yaml = "format: 1\nname: T\nsides:\n  - {id: union, name: U}\ntopics: []\npeople: []\nsessions: []\n";
        let out = with_topic(yaml, &unassigned()).unwrap();
        assert!(out.contains("topics:\n  - id: unassigned\n"), "{out}");
    }

    #[test]
    fn a_flow_list_is_refused_not_mangled() {
        let yaml = "format: 1\ntopics: [{id: a, title: A}]\n";
        assert!(with_topic(yaml, &unassigned()).is_err());
    }
}
