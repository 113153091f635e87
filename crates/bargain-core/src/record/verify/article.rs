//! One commit's effect on each article it touched, judged by the rules as they stood before it:
//! the status transition ([`Verb::next`]), who made it ([`judge`]), the TA record, its
//! signatures and `ta.md`'s hash, a TA proposal's signatories, passes, the current language and
//! deletions. Each article is read as it stood in the commit's first parent; where its record
//! cannot be read there, the last record that could be read stands in.

use super::{Findings, Severity};
use crate::model::{Article, SignatureKind, Status, Table, TentativeAgreement};
use crate::record::Verb;
use crate::record::rights::{Deed, TableChange, has_authority, judge};
use crate::store::Repo;
use crate::store::history::{Event, FileKind};
use crate::store::snapshot::{parse_yaml, ta_text_problem};
use git2::Oid;
use std::collections::HashMap;

/// An article as it stood: its record, and its agreed text's blob.
#[derive(Debug, Clone, Default)]
struct State {
    article: Option<Article>,
    ta: Option<Oid>,
}

/// What the audit remembers as it walks: each article's last record that could be read, and
/// each `article.yaml` blob parsed (once).
#[derive(Debug, Default)]
pub(super) struct States {
    last_readable: HashMap<String, Article>,
    parsed: HashMap<Oid, Option<Article>>,
}

impl States {
    /// Judges `events` (one commit's, under `proposals/`) with `table` in force, against each
    /// article as it stood in `parent` (the first parent's tree; `None` for a first commit). A
    /// record that cannot be read there is the last one that could be.
    pub(super) fn judge(
        &mut self,
        repo: &Repo,
        table: Option<&Table>,
        parent: Option<&git2::Tree<'_>>,
        events: &[(&str, &Event)],
        found: &mut Findings<'_, '_>,
    ) {
        let mut ids: Vec<&str> = events.iter().map(|(a, _)| *a).collect();
        ids.dedup();
        for id in ids {
            let before = self.before(repo, parent, id);
            let mine: Vec<&Event> = events
                .iter()
                .filter(|(a, _)| *a == id)
                .map(|(_, e)| *e)
                .collect();
            let after = match table {
                Some(table) => judge_article(repo, table, id, &before, &mine, found),
                None => {
                    found.push(
                        Severity::Unchecked,
                        Some(id),
                        "bargaining.yaml could not be read before this commit, so its rights were not checked".to_string(),
                    );
                    apply(repo, id, &before, &mine, &mut |_| {})
                }
            };
            if let Some(article) = after.article {
                self.last_readable.insert(id.to_string(), article);
            }
        }
    }

    fn before(&mut self, repo: &Repo, parent: Option<&git2::Tree<'_>>, id: &str) -> State {
        let Some(tree) = parent else {
            return State::default();
        };
        let blob = |file: &str| {
            tree.get_path(std::path::Path::new(&format!("proposals/{id}/{file}")))
                .ok()
                .filter(|e| {
                    e.kind() == Some(git2::ObjectType::Blob)
                        && e.filemode() != i32::from(git2::FileMode::Link)
                })
                .map(|e| e.id())
        };
        let yaml = blob("article.yaml");
        let ta = blob("ta.md");
        let read = yaml.and_then(|b| {
            self.parsed
                .entry(b)
                .or_insert_with(|| {
                    parse_yaml::<Article>(repo, b, &format!("proposals/{id}/article.yaml")).ok()
                })
                .clone()
        });
        State {
            article: read.or_else(|| self.last_readable.get(id).cloned()),
            ta,
        }
    }
}

/// What one commit changed in one article folder.
#[derive(Default)]
struct Changes<'e> {
    yaml: bool,
    removed: bool,
    ta: bool,
    current: bool,
    passes: Vec<(&'e str, Oid)>,
    /// Files removed that are not the record's own (a side's pass file, …).
    removed_files: Vec<String>,
}

/// The state after `events`; a problem reading it goes to `problem`, and the record stays the
/// last one that could be read.
fn apply(
    repo: &Repo,
    id: &str,
    before: &State,
    events: &[&Event],
    problem: &mut dyn FnMut(String),
) -> State {
    let mut after = before.clone();
    for event in events {
        match (&event.kind, event.blob) {
            (FileKind::Article, Some(blob)) => {
                let path = format!("proposals/{id}/article.yaml");
                match parse_yaml::<Article>(repo, blob, &path) {
                    Ok(article) => after.article = Some(article),
                    Err(p) => problem(format!(
                        "{p}; the article is judged by its last readable record until it can be read again"
                    )),
                }
            }
            (FileKind::Ta, blob) => after.ta = blob,
            _ => {}
        }
    }
    after
}

fn changes<'e>(events: &[&'e Event]) -> Changes<'e> {
    let mut c = Changes::default();
    for event in events {
        match (&event.kind, event.blob) {
            (FileKind::Article, Some(_)) => c.yaml = true,
            (FileKind::Article, None) => c.removed = true,
            (FileKind::Ta, _) => c.ta = true,
            (FileKind::Current, _) => c.current = true,
            (FileKind::Pass { side, .. }, Some(blob)) => c.passes.push((side.as_str(), blob)),
            (FileKind::Pass { side, .. }, None) => c.removed_files.push(format!("{side}.md")),
            (FileKind::Other(name), None) => c.removed_files.push(name.clone()),
            _ => {}
        }
    }
    c
}

fn judge_article(
    repo: &Repo,
    table: &Table,
    id: &str,
    before: &State,
    events: &[&Event],
    found: &mut Findings<'_, '_>,
) -> State {
    let commit = found.commit;
    let email = commit.email;
    let forced = commit.forced;
    let mut v = |severity: Severity, message: String| found.push(severity, Some(id), message);
    let mut unreadable = Vec::new();
    let after = apply(repo, id, before, events, &mut |p| unreadable.push(p));
    for p in unreadable {
        v(Severity::Violation, p);
    }
    let c = changes(events);
    let topic = after
        .article
        .as_ref()
        .or(before.article.as_ref())
        .map(|a| a.topic.clone())
        .unwrap_or_default();
    let person = table.person(email);
    let denied = |deed: Deed<'_>| judge(table, email, &topic, deed).err();
    let was = before.article.as_ref().map(|a| a.status);
    let now = after.article.as_ref().map(|a| a.status);
    let was_agreed = was.is_some_and(Status::is_agreed);
    let now_agreed = now.is_some_and(Status::is_agreed);

    if c.removed && before.article.is_some() {
        v(
            Severity::Violation,
            "article.yaml was removed: no rule takes an article off the table (withdraw it instead)"
                .to_string(),
        );
    }
    for file in &c.removed_files {
        v(
            Severity::Violation,
            format!("{file} was removed: a side's passes are never deleted"),
        );
    }

    for &(side, blob) in &c.passes {
        if table.side(side).is_none() {
            v(
                Severity::Violation,
                format!("{side}.md is not the pass of any side of the table"),
            );
            continue;
        }
        let received = person.is_some_and(|p| p.side != side);
        if let Some(denial) = denied(Deed::Pass { side, received }) {
            v(
                Severity::Violation,
                format!(
                    "a pass of {side} was recorded by someone without the right: {email} {denial}"
                ),
            );
        }
        let path = format!("proposals/{id}/{side}.md");
        if let Ok(b) = repo.git.find_blob(blob)
            && let Err(problem) = crate::text::text_in(b.content(), &path)
        {
            v(
                Severity::Violation,
                format!("the pass of {side} is not text, so it is no pass: {problem}"),
            );
        }
        if was_agreed && now_agreed {
            v(
                Severity::breaking_rules(forced),
                if forced {
                    format!("a pass of {side} changed agreed language, recorded as forced")
                } else {
                    format!("a pass of {side} changed tentatively agreed language without a reopen")
                },
            );
        }
    }

    if c.current
        && let Some(denial) = denied(Deed::Table(TableChange::Import))
    {
        v(
            Severity::Violation,
            format!(
                "the current language was changed by someone without the right: {email} {denial}"
            ),
        );
    }

    if c.yaml
        && let Some(article) = &after.article
        && before.article.as_ref() != Some(article)
    {
        let mut judged = false;
        match (&before.article, was) {
            (None, _) => {
                judged = true;
                if let Some(denial) = denied(Deed::Table(TableChange::Article)) {
                    v(
                        Severity::Violation,
                        format!("article created by someone without the right: {email} {denial}"),
                    );
                }
                if article.status != Status::Open {
                    v(
                        Severity::Violation,
                        format!(
                            "article created as {}: an article starts open",
                            article.status
                        ),
                    );
                }
            }
            (Some(old), Some(from)) => {
                if old.number != article.number
                    || old.title != article.title
                    || old.topic != article.topic
                {
                    judged = true;
                    for t in [&old.topic, &article.topic] {
                        if let Err(denial) =
                            judge(table, email, t, Deed::Table(TableChange::Article))
                        {
                            v(
                                Severity::Violation,
                                format!(
                                    "the article's number, title or topic was changed by someone without the right: {email} {denial}"
                                ),
                            );
                            break;
                        }
                    }
                }
                if from != article.status {
                    judged = true;
                    transition(table, &topic, from, article, before, &mut v, commit);
                }
                if old.proposal != article.proposal
                    && let Some(proposal) = &article.proposal
                {
                    judged = true;
                    for (side, signatory) in &proposal.signatories {
                        let earlier = old.proposal.as_ref().is_some_and(|p| {
                            p.signatories.get(side) == Some(signatory)
                                && p.sha256 == proposal.sha256
                        });
                        if earlier {
                            continue;
                        }
                        let own = signatory == email && person.is_some_and(|p| p.side == *side);
                        if !own {
                            v(
                                Severity::Violation,
                                format!(
                                    "the TA proposal names {signatory} as signing for {side}, but {email} made the commit: a signature is made in the signatory's own commit"
                                ),
                            );
                        } else if let Some(denial) = denied(Deed::Sign) {
                            v(
                                Severity::Violation,
                                format!(
                                    "a TA was signed by someone without the right: {email} {denial}"
                                ),
                            );
                        }
                    }
                }
            }
            (Some(_), None) => {}
        }
        let ta_record_changed =
            before.article.as_ref().and_then(|a| a.ta.as_ref()) != article.ta.as_ref();
        if was_agreed && now_agreed && ta_record_changed {
            judged = true;
            v(
                Severity::breaking_rules(forced),
                "the TA record (date, signatories, hash) changed without a reopen".to_string(),
            );
        }
        if !judged && let Some(denial) = denied(Deed::Status { withdrawn_by: None }) {
            v(
                Severity::Violation,
                format!("article.yaml changed by someone without the right: {email} {denial}"),
            );
        }
    }

    if c.ta && was_agreed && now_agreed {
        v(
            Severity::breaking_rules(forced),
            format!(
                "ta.md changed after the tentative agreement{} without a reopen",
                before
                    .article
                    .as_ref()
                    .and_then(|a| a.ta.as_ref())
                    .map(|t| format!(" of {}", t.date))
                    .unwrap_or_default()
            ),
        );
    }
    if c.ta && after.ta.is_some() && !now_agreed {
        v(
            Severity::Violation,
            "ta.md was written though the article is not tentatively agreed".to_string(),
        );
    }
    if (c.ta || c.yaml)
        && let Some(article) = &after.article
    {
        let ta_hash = || {
            let blob = repo.git.find_blob(after.ta?).ok()?;
            Some(TentativeAgreement::hash_of(blob.content()))
        };
        if let Some(message) = ta_text_problem(article, ta_hash) {
            v(Severity::Violation, message);
        }
    }
    after
}

/// A change of status from `from` to `article.status`: a transition the rules allow, made by
/// someone with the right to it.
fn transition(
    table: &Table,
    topic: &str,
    from: Status,
    article: &Article,
    before: &State,
    v: &mut impl FnMut(Severity, String),
    commit: &super::Judged<'_>,
) {
    let email = commit.email;
    let to = article.status;
    let settled = |s: Status| s.is_agreed() || s == Status::CurrentLanguage;
    let verb = Verb::next(from)
        .iter()
        .copied()
        .find(|verb| verb.target() == to);
    let Some(verb) = verb else {
        v(
            Severity::Violation,
            format!("status changed from {from} to {to}: no rule goes from {from} to {to}"),
        );
        return;
    };
    let denied = |deed: Deed<'_>| judge(table, email, topic, deed).err();
    let without = |denial: crate::record::rights::Denial| {
        format!("status changed from {from} to {to} by someone without the right: {email} {denial}")
    };
    match verb {
        Verb::Set(Status::TentativelyAgreed) => signatures(table, topic, article, before, v, email),
        Verb::Set(Status::Withdrawn) => {
            if let Some(denial) = denied(Deed::Status {
                withdrawn_by: article.withdrawn_by.as_deref(),
            }) {
                v(Severity::Violation, without(denial));
            }
        }
        Verb::Set(Status::Ratified) => {
            if let Some(denial) = denied(Deed::Status { withdrawn_by: None }) {
                v(Severity::Violation, without(denial));
            }
            if article.ta.is_none() {
                v(
                    Severity::Violation,
                    "ratified without the TA record".to_string(),
                );
            }
        }
        Verb::Reopen => {
            let denial = denied(Deed::Sign);
            let authorised = denial.is_none();
            if let Some(denial) = denial {
                v(Severity::Violation, without(denial));
            }
            // The recorder agrees for their own side, as `record` counts them; the others are
            // those the commit names as agreeing, each with the right to agree.
            let mut agreeing: Vec<&str> = commit
                .reopened_by
                .iter()
                .map(String::as_str)
                .filter(|e| {
                    table
                        .person(e)
                        .is_some_and(|p| has_authority(table, p, topic))
                })
                .collect();
            if authorised {
                agreeing.push(email);
            }
            let missing: Vec<&str> = table
                .sides
                .iter()
                .filter(|s| {
                    !agreeing
                        .iter()
                        .any(|e| table.person(e).is_some_and(|p| p.side == s.id))
                })
                .map(|s| s.id.as_str())
                .collect();
            if !missing.is_empty() && settled(from) {
                v(
                    Severity::breaking_rules(commit.forced),
                    format!(
                        "reopened ({from} → {to}) without the recorded agreement of {}{}",
                        missing.join(", "),
                        if commit.forced {
                            ", recorded as forced"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
        Verb::Set(Status::Open | Status::Impasse | Status::CurrentLanguage) => {
            if let Some(denial) = denied(Deed::Status { withdrawn_by: None }) {
                v(Severity::Violation, without(denial));
            }
        }
    }
}

/// A new TA: a signatory of each side, each with the right to sign, each signature made the way
/// its kind says — countersigned in the signatory's own commit (this one, or the proposal it
/// completes), attested by this commit's author in a table kept by their side.
fn signatures(
    table: &Table,
    topic: &str,
    article: &Article,
    before: &State,
    v: &mut impl FnMut(Severity, String),
    email: &str,
) {
    let Some(ta) = &article.ta else {
        v(
            Severity::Violation,
            "tentatively agreed without a TA record (date, signatories)".to_string(),
        );
        return;
    };
    let proposal = before.article.as_ref().and_then(|a| a.proposal.as_ref());
    let mut author_signed = false;
    for side in &table.sides {
        let Some(signatory) = ta.signatories.get(&side.id) else {
            v(
                Severity::Violation,
                format!("the TA is missing a signatory of {}", side.id),
            );
            continue;
        };
        match table.person(signatory) {
            Some(p) if p.side == side.id && has_authority(table, p, topic) => {}
            Some(p) if p.side == side.id => v(
                Severity::Violation,
                format!(
                    "the TA's signatory for {} ({signatory}) is neither a chief negotiator nor a lead of {}",
                    side.id,
                    table.topic_title(topic)
                ),
            ),
            _ => v(
                Severity::Violation,
                format!(
                    "the TA's signatory for {} ({signatory}) is not one of {}'s people",
                    side.id, side.id
                ),
            ),
        }
        // A TA recorded before signatures had kinds names both signatories in one recording.
        if ta.signatures.is_empty() {
            author_signed |= signatory == email;
            continue;
        }
        match ta.signatures.get(&side.id).map(|s| (s.kind, s)) {
            None => v(
                Severity::Violation,
                format!("the TA has no signature of {}", side.id),
            ),
            Some((SignatureKind::Countersigned, _)) => {
                let earlier = proposal.is_some_and(|p| {
                    p.signatories.get(&side.id) == Some(signatory)
                        && ta.sha256.as_ref() == Some(&p.sha256)
                });
                if signatory == email {
                    author_signed = true;
                } else if !earlier {
                    v(
                        Severity::Violation,
                        format!(
                            "{}'s signature is recorded as countersigned, but {signatory} signed in no commit of their own ({email} made this one)",
                            side.id
                        ),
                    );
                }
            }
            Some((SignatureKind::Attested, signature)) => {
                let by_author = signature.attested_by.as_deref() == Some(email);
                match judge(table, email, topic, Deed::Attest { side: &side.id }) {
                    Ok(_) if by_author => author_signed = true,
                    Ok(_) => v(
                        Severity::Violation,
                        format!(
                            "{}'s signature is recorded as attested by {}, but {email} made the commit",
                            side.id,
                            signature.attested_by.as_deref().unwrap_or("nobody")
                        ),
                    ),
                    Err(denial) => v(
                        Severity::Violation,
                        format!(
                            "{}'s signature was attested by someone without the right: {email} {denial}",
                            side.id
                        ),
                    ),
                }
            }
        }
    }
    if !author_signed {
        match judge(table, email, topic, Deed::Sign) {
            Err(denial) => v(
                Severity::Violation,
                format!("tentatively agreed by someone without the right: {email} {denial}"),
            ),
            Ok(_) if !ta.signatures.is_empty() => v(
                Severity::Violation,
                format!("tentatively agreed in a commit by {email}, who is no signatory of it"),
            ),
            Ok(_) => {}
        }
    }
}
