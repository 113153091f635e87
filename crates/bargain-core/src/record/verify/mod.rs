//! `bargain verify`: an audit of the whole history against the recording rules, for a person or
//! for CI / a server-side hook on the shared repository.
//!
//! Every commit is judged by its **effect** on the table — what changed between its first
//! parent's state and its own — by the rules and roster as they stood before it (the first
//! parent's `bargaining.yaml`), whatever its message or trailers claim. The rules are asked of
//! [`super::rights::judge`] and [`super::Verb::next`]; nothing here is a second copy of them.
//!
//! - `bargaining.yaml` ([`roster`]): each change of a side's people, topic leads, sessions,
//!   topics and settings is judged; a change granting its own author anything is a violation,
//!   and a change against the rules never becomes the rules in force (the commits after it are
//!   judged by the last table that held).
//! - each article ([`article`]): its status transition, TA record and signatures, TA proposal,
//!   `ta.md` and its hash, passes (UTF-8 text, of a side, by someone with the right), current
//!   language, deletions;
//! - anything under `proposals/` that is not a regular file (a link, a submodule);
//! - with `require_signed: true`, that the commit carries a good signature by one of the
//!   author's keys ([`signing`]).
//!
//! A state the audit cannot read (an unparseable `article.yaml` or `bargaining.yaml`) is itself a
//! violation, and the next commits are judged against the last state that could be read, so an
//! unreadable step cannot launder a change. Forced changes (`Bargain-Forced: yes`) of the guards
//! that may be forced (a reopen without every side, a pass over agreed language) are listed as
//! flagged; commits made by hand (no `Bargain-*` trailer) as hand-made — a label, never a pass.
//!
//! A shallow clone is refused: its first commit would be judged against nothing.

mod article;
mod roster;
pub mod signing;

use super::Verb;
use crate::model::{Article, Date, Status, Table};
use crate::store::history::{CommitInfo, CommitRead, Event, FileKind, History};
use crate::store::snapshot::parse_yaml;
use crate::store::{PROPOSALS, Repo, StoreError, TABLE_FILE};
use crate::text::{Problem, escape_line};
use git2::{ObjectType, Oid};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Against the rules: `verify` fails.
    Violation,
    /// Recorded as forced (`Bargain-Forced: yes`): allowed, and shown.
    Flagged,
    /// Made with plain git: judged by its effect like any other, listed for the record.
    HandMade,
    /// No `bargaining.yaml` could be read before this commit, so it could not be judged.
    Unchecked,
}

impl Severity {
    /// A change against a guard that may be forced: shown when it was forced, a violation
    /// otherwise.
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
    /// How many commits were judged.
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

/// The commit being judged, as findings name it.
struct Judged<'a> {
    id: Oid,
    date: Date,
    email: &'a str,
    forced: bool,
    /// People the commit's trailers name as agreeing to a reopen.
    reopened_by: Vec<String>,
}

/// Collects findings for one commit.
struct Findings<'a, 'j> {
    commit: &'j Judged<'j>,
    out: &'a mut Vec<Finding>,
}

impl Findings<'_, '_> {
    fn push(&mut self, severity: Severity, article: Option<&str>, message: String) {
        self.out.push(Finding {
            severity,
            commit: self.commit.id,
            date: self.commit.date,
            email: self.commit.email.to_string(),
            article: article.map(str::to_string),
            message,
        });
    }
}

/// A commit that changed `proposals/`, and its events by article folder.
type Touched<'h> = (&'h CommitInfo, Vec<(&'h str, &'h Event)>);

/// `bargaining.yaml` as read at one blob: the table, or why it cannot be read.
type Read = Result<Table, String>;

/// Audits every commit reachable from HEAD (`history` is built from the same repository and
/// gives each commit's changes under `proposals/`).
pub fn audit(repo: &Repo, history: &History) -> Result<Audit, StoreError> {
    if repo.git.is_shallow() {
        return Err(StoreError::Shallow);
    }
    let mut by_commit: HashMap<Oid, Touched<'_>> = history
        .commits
        .iter()
        .map(|c| (c.id, (c, Vec::new())))
        .collect();
    for (id, events) in &history.articles {
        for event in events {
            let commit = history.commits[event.commit].id;
            if let Some((_, list)) = by_commit.get_mut(&commit) {
                list.push((id.as_str(), event));
            }
        }
    }
    // The commits the index covers: HEAD's for `verify`, the pushed tip for a pre-receive hook
    // (`--range`), where HEAD is still the old branch.
    let tip = history
        .head
        .or_else(|| repo.git.head().ok().and_then(|h| h.target()));
    let walk = match tip {
        Some(tip) => crate::store::history::oldest_first(repo, tip, None)?,
        None => return Ok(Audit::default()),
    };
    let mut tables: HashMap<Oid, Read> = HashMap::new();
    // The last table that could be read and came from a change that held, and the blobs of
    // `bargaining.yaml` that came from changes against the rules (never the rules in force).
    let mut last_held: Option<Table> = None;
    let mut rejected: HashSet<Oid> = HashSet::new();
    let mut articles = article::States::default();
    let mut audit = Audit::default();
    for id in walk {
        let commit = CommitRead::of(&repo.git, id)?;
        audit.commits += 1;
        let email = commit.email();
        let recorded = by_commit.get(&id);
        let info = recorded.map(|(info, _)| *info);
        let judged = Judged {
            id,
            date: commit.date(),
            email: &email,
            forced: info.is_some_and(CommitInfo::forced),
            reopened_by: info
                .and_then(|i| i.trailers.as_ref())
                .map(|t| t.reopened_by.clone())
                .unwrap_or_default(),
        };
        let mut found = Findings {
            commit: &judged,
            out: &mut audit.findings,
        };
        let parent_ids = commit.parent_ids();
        let parent = match parent_ids.first() {
            Some(&p) => Some(CommitRead::of(&repo.git, p)?),
            None => None,
        };
        let before_blob = match &parent {
            Some(p) => table_blob(&p.tree(&repo.git)?),
            None => None,
        };
        let after_blob = table_blob(&commit.tree(&repo.git)?);
        // The rules in force: the parent's table, unless it could not be read or came from a
        // change against the rules; then the last table that held.
        let in_force: Option<Table> = match before_blob {
            Some(blob) if !rejected.contains(&blob) => match read_table(repo, blob, &mut tables) {
                Ok(table) => Some(table.clone()),
                Err(_) => last_held.clone(),
            },
            // The first commit founds the table: judged by what it founds.
            None if parent.is_none() => {
                after_blob.and_then(|b| read_table(repo, b, &mut tables).as_ref().ok().cloned())
            }
            _ => last_held.clone(),
        };
        // A merge's table is a change only where no parent had it; then the merge made it.
        let merge_blobs: Vec<Option<Oid>> = parent_ids
            .iter()
            .skip(1)
            .map(|&p| {
                CommitRead::of(&repo.git, p)
                    .and_then(|c| c.tree(&repo.git))
                    .ok()
                    .and_then(|t| table_blob(&t))
            })
            .collect();
        if parent_ids.len() > 1 && after_blob != before_blob && !merge_blobs.contains(&after_blob) {
            found.push(
                Severity::Violation,
                None,
                format!("the merge made a {TABLE_FILE} that neither side recorded"),
            );
            if let Some(blob) = after_blob {
                rejected.insert(blob);
            }
        } else if parent_ids.len() > 1 {
            // Brought in from a parent, where it was judged.
        } else if after_blob != before_blob {
            match after_blob.map(|b| (b, read_table(repo, b, &mut tables).clone())) {
                Some((blob, Ok(after))) => {
                    // What changed is read against the parent's table where it can be read.
                    let parent_table = before_blob
                        .and_then(|b| read_table(repo, b, &mut tables).as_ref().ok().cloned());
                    let holds = match (&in_force, parent_table.as_ref().or(in_force.as_ref())) {
                        (Some(rules), Some(before)) => {
                            roster::judge_commit(rules, before, &after, &mut found)
                        }
                        _ => true,
                    };
                    if holds {
                        last_held = Some(after);
                    } else {
                        rejected.insert(blob);
                    }
                }
                Some((_, Err(problem))) => found.push(
                    Severity::Violation,
                    None,
                    format!(
                        "{TABLE_FILE} cannot be read after this commit ({problem}); later commits are judged by the last table that could be read"
                    ),
                ),
                None if in_force.is_some() => found.push(
                    Severity::Violation,
                    None,
                    format!("{TABLE_FILE} was removed: no rule removes the table"),
                ),
                None => {}
            }
        } else if last_held.is_none()
            && let Some(table) = &in_force
        {
            last_held = Some(table.clone());
        }
        non_regular_files(repo, &commit, parent.as_ref(), &mut found)?;
        if parent.is_some()
            && let Some(table) = &in_force
            && table.require_signed
        {
            signing::judge(repo, table, &commit, &mut found)?;
        }
        if let Some((info, events)) = recorded {
            if !info.is_recorded() {
                let mut touched: Vec<&str> = events.iter().map(|(a, _)| *a).collect();
                touched.dedup();
                found.push(
                    Severity::HandMade,
                    None,
                    format!(
                        "made by hand (no bargain trailers): \"{}\" touches {}",
                        info.summary,
                        touched.join(", ")
                    ),
                );
            }
            if parent_ids.len() > 1 {
                // The history lists only versions no parent had: the merge itself made them.
                merged(events, &mut found);
            } else {
                let parent_tree = match &parent {
                    Some(p) => Some(p.tree(&repo.git)?),
                    None => None,
                };
                articles.judge(
                    repo,
                    in_force.as_ref(),
                    parent_tree.as_ref(),
                    events,
                    &mut found,
                );
            }
        }
    }
    Ok(audit)
}

/// A merge whose tree holds versions of an article's files that neither parent had: a state
/// nobody recorded, made by the merge (a conflict resolved by hand, say). Each side's own
/// commits were judged where they were made.
fn merged(events: &[(&str, &Event)], found: &mut Findings<'_, '_>) {
    let mut ids: Vec<&str> = events.iter().map(|(a, _)| *a).collect();
    ids.dedup();
    for id in ids {
        let files: Vec<String> = events
            .iter()
            .filter(|(a, _)| *a == id)
            .map(|(_, e)| match &e.kind {
                FileKind::Article => "article.yaml".to_string(),
                FileKind::Current => "current.md".to_string(),
                FileKind::Ta => "ta.md".to_string(),
                FileKind::Pass { side, .. } => format!("{side}.md"),
                FileKind::Other(name) => name.clone(),
            })
            .collect();
        found.push(
            Severity::Violation,
            Some(id),
            format!(
                "the merge made {} as neither side recorded {}: a state nobody recorded",
                files.join(", "),
                if files.len() == 1 { "it" } else { "them" }
            ),
        );
    }
}

fn table_blob(tree: &git2::Tree<'_>) -> Option<Oid> {
    tree.get_name(TABLE_FILE)
        .filter(|e| e.kind() == Some(ObjectType::Blob))
        .map(|e| e.id())
}

/// `bargaining.yaml` at `blob`, parsed once per blob id.
fn read_table<'c>(repo: &Repo, blob: Oid, cache: &'c mut HashMap<Oid, Read>) -> &'c Read {
    cache
        .entry(blob)
        .or_insert_with(|| parse_yaml::<Table>(repo, blob, TABLE_FILE).map_err(|p| p.to_string()))
}

/// Entries under `proposals/` that this commit added or changed and that are not regular files:
/// symbolic links and submodules are no part of the table and are never read as one.
fn non_regular_files(
    repo: &Repo,
    commit: &CommitRead<'_>,
    parent: Option<&CommitRead<'_>>,
    found: &mut Findings<'_, '_>,
) -> Result<(), StoreError> {
    let proposals = |c: &CommitRead<'_>| -> Result<Option<Oid>, StoreError> {
        Ok(c.tree(&repo.git)?.get_name(PROPOSALS).map(|e| e.id()))
    };
    let now = proposals(commit)?;
    let was = match parent {
        Some(p) => proposals(p)?,
        None => None,
    };
    if now.is_none() || now == was {
        return Ok(());
    }
    let tree_of = |id: Option<Oid>| id.and_then(|id| repo.git.find_tree(id).ok());
    let others: Vec<git2::Tree<'_>> = commit
        .parent_ids()
        .iter()
        .skip(1)
        .filter_map(|&p| {
            CommitRead::of(&repo.git, p)
                .and_then(|c| c.tree(&repo.git))
                .ok()
        })
        .collect();
    let mut odd: Vec<String> = Vec::new();
    let mut count = 0usize;
    let mut visit = |path: &str, entry: &git2::TreeEntry<'_>| {
        // In a merge, an entry another parent already had was judged there.
        let inherited = others.iter().any(|t| {
            t.get_path(std::path::Path::new(path))
                .is_ok_and(|e| e.id() == entry.id())
        });
        if inherited {
            return;
        }
        count += 1;
        if odd.len() < 3 {
            let what = if entry.filemode() == i32::from(git2::FileMode::Link) {
                "a symbolic link"
            } else {
                "a submodule"
            };
            odd.push(format!("{path} ({what})"));
        }
    };
    if let Some(new) = tree_of(now) {
        odd_entries(repo, &new, tree_of(was).as_ref(), PROPOSALS, &mut visit);
    }
    if count > 0 {
        found.push(
            Severity::Violation,
            None,
            format!(
                "{count} entr{} under {PROPOSALS}/ {} not a regular file, so no part of the table: {}{}",
                if count == 1 { "y" } else { "ies" },
                if count == 1 { "is" } else { "are" },
                odd.join(", "),
                if count > odd.len() { ", …" } else { "" }
            ),
        );
    }
    Ok(())
}

/// Calls `visit` for each symbolic link or submodule of `new` that `old` does not have, looking
/// only into sub-folders whose tree changed (one article folder per pass, not the whole tree).
fn odd_entries(
    repo: &Repo,
    new: &git2::Tree<'_>,
    old: Option<&git2::Tree<'_>>,
    prefix: &str,
    visit: &mut dyn FnMut(&str, &git2::TreeEntry<'_>),
) {
    for entry in new.iter() {
        let name = String::from_utf8_lossy(entry.name_bytes());
        let before = old.and_then(|o| o.get_name_bytes(entry.name_bytes()));
        if before
            .as_ref()
            .is_some_and(|b| b.id() == entry.id() && b.filemode() == entry.filemode())
        {
            continue;
        }
        let path = format!("{prefix}/{name}");
        let mode = entry.filemode();
        if mode == i32::from(git2::FileMode::Link) || mode == i32::from(git2::FileMode::Commit) {
            visit(&path, &entry);
        } else if entry.kind() == Some(ObjectType::Tree)
            && let Ok(sub) = repo.git.find_tree(entry.id())
        {
            let old_sub = before
                .filter(|b| b.kind() == Some(ObjectType::Tree))
                .and_then(|b| repo.git.find_tree(b.id()).ok());
            odd_entries(repo, &sub, old_sub.as_ref(), &path, visit);
        }
    }
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

/// What the audit would flag on the state `snapshot` shows, found without a walk of the whole
/// history: an article whose last change of status is a transition no rule makes
/// ([`super::Verb::next`]), or one created in a status other than open. (A standing TA's hash and
/// a latest pass that is not text are the snapshot's own problems.) For `status`: each
/// `article.yaml` version is parsed once, then known from `.git/bargain/facts-v1`.
pub fn standing(repo: &Repo, snapshot: &crate::store::Snapshot, history: &History) -> Vec<Problem> {
    // What is known of each blob is kept between runs (`store::facts`): a warm start reads
    // only the blobs it has not seen.
    let mut facts = crate::store::facts::Facts::load(repo);
    let mut problems = Vec::new();
    for entry in &snapshot.articles {
        let Some(now) = &entry.article else {
            continue;
        };
        let path = entry.path("article.yaml");
        // The last readable version before the current one with another status.
        let mut earlier = history
            .events(&entry.id)
            .iter()
            .rev()
            .filter(|e| matches!(e.kind, FileKind::Article))
            .filter_map(|e| e.blob.map(|b| (e.commit, b)))
            .filter_map(|(c, b)| {
                let read = || parse_yaml::<Article>(repo, b, &path).ok().map(|a| a.status);
                facts.status(repo, b, read).map(|s| (c, s))
            });
        let Some((latest_commit, latest)) = earlier.next() else {
            continue;
        };
        if latest != now.status {
            continue;
        }
        let mut changed_at = Some(latest_commit);
        let mut from = None;
        for (commit, status) in earlier {
            if status != now.status {
                from = Some(status);
                break;
            }
            changed_at = Some(commit);
        }
        let reached = match from {
            Some(from) => Verb::next(from).iter().any(|v| v.target() == now.status),
            None => now.status == Status::Open,
        };
        if !reached {
            let commit = changed_at
                .map(|i| history.commits[i].id.to_string()[..10].to_string())
                .unwrap_or_default();
            problems.push(Problem::new(
                path,
                match from {
                    Some(from) => format!(
                        "status {} was reached from {from} by no rule (commit {commit}); `bargain verify` names it",
                        now.status
                    ),
                    None => format!(
                        "created as {} (commit {commit}): an article starts open; `bargain verify` names it",
                        now.status
                    ),
                },
            ));
        }
    }
    facts.save(repo);
    problems
}
