//! `bargain verify`: an audit of the whole history against the recording rules, for a person or
//! for CI / a server-side hook on the shared repository.
//!
//! One walk (the history index), and each commit is judged by the table in force when it was made:
//! `bargaining.yaml` of its first parent (its own for the first commit), parsed once per blob id,
//! so a history where the table changed twice parses it three times however long it is.
//!
//! Violations: a pass or status change by someone without the right at that time; a TA without
//! a signatory of each side; the TA text (`ta.md` or the TA record) changed while the article
//! stands agreed, without a reopen; a reopen without every side's agreement recorded; a sha256 in
//! `article.yaml` that does not match `ta.md`. Forced changes (`Bargain-Forced: yes`) are listed as
//! flagged, commits made by hand (no `Bargain-*` trailer) as hand-made, and commits made while
//! `bargaining.yaml` was unreadable as unchecked; none of these is a violation.

use super::rights::has_authority;
use crate::model::{Article, Date, Status, Table, TentativeAgreement};
use crate::store::history::{Event, FileKind, History};
use crate::store::snapshot::parse_yaml;
use crate::store::{Repo, StoreError, TABLE_FILE};
use crate::text::escape_line;
use git2::Oid;
use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Against the rules: `verify` fails.
    Violation,
    /// Recorded as forced (`Bargain-Forced: yes`): allowed, and shown.
    Flagged,
    /// Made with plain git: understood from its paths, listed for the record.
    HandMade,
    /// `bargaining.yaml` could not be read at that time, so the commit could not be judged.
    Unchecked,
}

impl Severity {
    /// A change against the rules: allowed and shown when it was forced, a violation otherwise.
    fn breaking_rules(forced: bool) -> Severity {
        if forced {
            Severity::Flagged
        } else {
            Severity::Violation
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Violation => "violation",
            Severity::Flagged => "forced",
            Severity::HandMade => "hand-made",
            Severity::Unchecked => "unchecked",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub commit: Oid,
    pub date: Date,
    pub email: String,
    /// The article folder, where the finding is about one.
    pub article: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// In history order.
    pub findings: Vec<Finding>,
    /// How many commits that changed `proposals/` were looked at.
    pub commits: usize,
}

impl Audit {
    pub fn violations(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Violation)
    }

    /// No violation (flagged and hand-made commits do not count).
    pub fn is_clean(&self) -> bool {
        self.violations().next().is_none()
    }
}

/// What the audit knows of an article as it walks.
#[derive(Debug, Clone, Default)]
struct State {
    article: Option<Article>,
    ta: Option<Oid>,
}

/// Audits every commit in `history` (built from the same repository).
pub fn audit(repo: &Repo, history: &History) -> Result<Audit, StoreError> {
    let mut by_commit: Vec<Vec<(&str, &Event)>> = vec![Vec::new(); history.commits.len()];
    for (id, events) in &history.articles {
        for event in events {
            by_commit[event.commit].push((id.as_str(), event));
        }
    }
    let mut tables: HashMap<Oid, Option<Table>> = HashMap::new();
    let mut states: HashMap<&str, State> = HashMap::new();
    let mut audit = Audit {
        commits: history.commits.len(),
        ..Audit::default()
    };
    for (index, events) in by_commit.iter().enumerate() {
        let info = &history.commits[index];
        let finding = |severity, article: Option<&str>, message: String| Finding {
            severity,
            commit: info.id,
            date: info.date(),
            email: info.email.clone(),
            article: article.map(str::to_string),
            message,
        };
        if !info.is_recorded() {
            let mut articles: Vec<&str> = events.iter().map(|(a, _)| *a).collect();
            articles.dedup();
            audit.findings.push(finding(
                Severity::HandMade,
                None,
                format!(
                    "made by hand (no bargain trailers): \"{}\" touches {}",
                    info.summary,
                    articles.join(", ")
                ),
            ));
        }
        let table = table_before(repo, info.id, &mut tables)?;
        let forced = info.forced();
        let mut articles: Vec<&str> = events.iter().map(|(a, _)| *a).collect();
        articles.dedup();
        for article_id in articles {
            let before = states.get(article_id).cloned().unwrap_or_default();
            let mut after = before.clone();
            let mut passes = Vec::new();
            let mut ta_changed = false;
            let mut yaml_changed = false;
            for (_, event) in events.iter().filter(|(a, _)| *a == article_id) {
                match &event.kind {
                    FileKind::Article => {
                        yaml_changed = true;
                        after.article = match event.blob {
                            Some(blob) => {
                                let path = format!("proposals/{article_id}/article.yaml");
                                parse_yaml::<Article>(repo, blob, &path).ok()
                            }
                            None => None,
                        };
                    }
                    FileKind::Ta => {
                        ta_changed = true;
                        after.ta = event.blob;
                    }
                    FileKind::Pass { side, .. } if event.blob.is_some() => passes.push(side),
                    _ => {}
                }
            }
            let mut found = |severity, message| {
                audit
                    .findings
                    .push(finding(severity, Some(article_id), message));
            };
            let Some(table) = table.as_ref() else {
                found(
                    Severity::Unchecked,
                    format!(
                        "{TABLE_FILE} could not be read before this commit, so its rights were not checked"
                    ),
                );
                states.insert(article_id, after);
                continue;
            };
            let topic = after
                .article
                .as_ref()
                .or(before.article.as_ref())
                .map(|a| a.topic.clone())
                .unwrap_or_default();
            let person = table.person(&info.email);
            let authorised = person.is_some_and(|p| has_authority(table, p, &topic));
            let why_not = || match person {
                None => format!("{} is not among the people", info.email),
                Some(p) => format!(
                    "{} is neither a chief negotiator nor a lead of {}",
                    p.email,
                    table.topic_title(&topic)
                ),
            };
            let was = before.article.as_ref().map(|a| a.status);
            let now = after.article.as_ref().map(|a| a.status);
            let was_agreed = was.is_some_and(Status::is_agreed);
            let now_agreed = now.is_some_and(Status::is_agreed);

            for side in passes {
                if !authorised || person.is_some_and(|p| p.side != *side) {
                    let why = if authorised {
                        format!(
                            "{} belongs to {}",
                            info.email,
                            person.map_or("", |p| &p.side)
                        )
                    } else {
                        why_not()
                    };
                    found(
                        Severity::Violation,
                        format!(
                            "a pass of {side} was recorded by someone without the right: {why}"
                        ),
                    );
                }
                if was_agreed && now_agreed {
                    if forced {
                        found(
                            Severity::Flagged,
                            format!("a pass of {side} changed agreed language, recorded as forced"),
                        );
                    } else {
                        found(
                            Severity::Violation,
                            format!(
                                "a pass of {side} changed tentatively agreed language without a reopen"
                            ),
                        );
                    }
                }
            }

            if yaml_changed
                && let Some(article) = &after.article
                && before.article.as_ref() != Some(article)
            {
                let status_moved = was != now;
                if !authorised {
                    let what = match was {
                        Some(w) if status_moved => {
                            format!("status changed from {w} to {}", article.status)
                        }
                        Some(_) => "article.yaml changed".to_string(),
                        None => format!("article created as {}", article.status),
                    };
                    found(
                        Severity::Violation,
                        format!("{what} by someone without the right: {}", why_not()),
                    );
                }
                let ta_record_changed =
                    before.article.as_ref().and_then(|a| a.ta.as_ref()) != article.ta.as_ref();
                if now == Some(Status::TentativelyAgreed) && (!was_agreed || ta_record_changed) {
                    match &article.ta {
                        None => found(
                            Severity::Violation,
                            "tentatively agreed without a TA record (date, signatories)"
                                .to_string(),
                        ),
                        Some(ta) => {
                            for side in &table.sides {
                                match ta.signatories.get(&side.id) {
                                    None => found(
                                        Severity::Violation,
                                        format!("the TA is missing a signatory of {}", side.id),
                                    ),
                                    Some(email) => {
                                        if table.person(email).is_none_or(|p| p.side != side.id) {
                                            found(
                                                Severity::Violation,
                                                format!(
                                                    "the TA's signatory for {} ({email}) is not one of {}'s people",
                                                    side.id, side.id
                                                ),
                                            );
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                if was_agreed && now_agreed && ta_record_changed {
                    found(
                        Severity::breaking_rules(forced),
                        "the TA record (date, signatories, hash) changed without a reopen"
                            .to_string(),
                    );
                }
                let was_settled =
                    was.is_some_and(|s| s.is_agreed() || s == Status::CurrentLanguage);
                if was_settled
                    && !now.is_some_and(|s| s.is_agreed() || s == Status::CurrentLanguage)
                {
                    // The recorder agrees for their own side, as `record` counts them.
                    let mut agreeing: Vec<&str> = info
                        .trailers
                        .iter()
                        .flat_map(|t| t.reopened_by.iter().map(String::as_str))
                        .collect();
                    if authorised {
                        agreeing.push(&info.email);
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
                    if !missing.is_empty() {
                        found(
                            Severity::breaking_rules(forced),
                            format!(
                                "reopened ({} → {}) without the recorded agreement of {}{}",
                                was.map_or("", Status::as_str),
                                article.status,
                                missing.join(", "),
                                if forced { ", recorded as forced" } else { "" }
                            ),
                        );
                    }
                }
            }

            if ta_changed && was_agreed && now_agreed {
                found(
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

            if (ta_changed || yaml_changed)
                && now_agreed
                && let Some(ta) = after.article.as_ref().and_then(|a| a.ta.as_ref())
            {
                match (after.ta, &ta.sha256) {
                    (None, _) => found(
                        Severity::Violation,
                        "the article stands agreed but has no ta.md".to_string(),
                    ),
                    (Some(_), None) => {}
                    (Some(blob), Some(recorded)) => {
                        let actual = repo
                            .git
                            .find_blob(blob)
                            .map(|b| TentativeAgreement::hash_of(b.content()))
                            .unwrap_or_default();
                        if !actual.eq_ignore_ascii_case(recorded) {
                            found(
                                Severity::Violation,
                                format!(
                                    "ta.md does not match the hash recorded in article.yaml (recorded {}, ta.md has {})",
                                    short(recorded),
                                    short(&actual)
                                ),
                            );
                        }
                    }
                }
            }
            states.insert(article_id, after);
        }
    }
    Ok(audit)
}

/// The audit as `bargain verify` prints it: one line per finding, then a summary line. Every
/// field from the repository is escaped.
pub fn render(audit: &Audit) -> String {
    let mut out = String::new();
    for f in &audit.findings {
        let _ = writeln!(
            out,
            "{}: {} {} {}{}: {}",
            f.severity,
            f.date,
            &f.commit.to_string()[..10],
            escape_line(&f.email),
            f.article
                .as_deref()
                .map(|a| format!(" on {}", escape_line(a)))
                .unwrap_or_default(),
            escape_line(&f.message)
        );
    }
    let violations = audit.violations().count();
    let _ = writeln!(
        out,
        "verify: {} commits checked, {}",
        audit.commits,
        match violations {
            0 => "no violations".to_string(),
            1 => "1 violation".to_string(),
            n => format!("{n} violations"),
        }
    );
    out
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// The table in force when `commit` was made: its first parent's `bargaining.yaml` (its own for a
/// first commit), parsed once per blob.
fn table_before<'c>(
    repo: &Repo,
    commit: Oid,
    cache: &'c mut HashMap<Oid, Option<Table>>,
) -> Result<&'c Option<Table>, StoreError> {
    let commit = repo.git.find_commit(commit)?;
    let source = match commit.parent(0) {
        Ok(parent) => parent,
        Err(_) => commit,
    };
    let blob = source
        .tree()?
        .get_name(TABLE_FILE)
        .map_or(Oid::ZERO_SHA1, |e| e.id());
    Ok(cache.entry(blob).or_insert_with(|| {
        if blob.is_zero() {
            None
        } else {
            parse_yaml::<Table>(repo, blob, TABLE_FILE).ok()
        }
    }))
}
