//! Integration by replay: the user's own recordings, made while the shared remote moved, are
//! re-checked against the remote's head and re-applied there as operations — never merged as
//! text.
//!
//! Each unsent commit (on the local branch, not on the remote-tracking head) is read back as a
//! [`Request`] ([`rebuild`]: its trailers say what it was, its tree holds the words) and checked
//! with [`super::check`] by its own author on the table as it now stands. When the check plans
//! exactly the commit message the user recorded, the plan's files are committed there as a fresh
//! commit with the same author, date and message. When the rules now refuse it (the other side
//! reached a TA meanwhile) or it would now say something else (its pass number was taken), it is
//! **kept** on `refs/bargain/unsent/<n>`, visible with plain git, and can be re-done
//! ([`redo`]) or discarded ([`discard`]). A commit made by hand is carried over only when git's
//! cherry-pick applies it without a conflict; otherwise [`sync`] stops and changes nothing.
//!
//! Crash safety: the new commits are written to the object database unreferenced; the kept
//! ones get their refs (which point at the original commits, still on the branch); then the
//! branch moves by compare-and-swap after the work tree is brought along with git's safe
//! checkout (which refuses to overwrite an edit). A sync killed anywhere leaves the branch
//! either where it was or at the new tip: nothing is lost, and the next sync starts over.
//! The push only fast-forwards; when the remote moved meanwhile, fetch and replay again, a
//! bounded number of times.
//!
//! The network is [`crate::store::remote`]'s. This module prints nothing.

use super::refusal::Refusal;
use super::{Action, Actor, Plan, Request, SessionChoice, StatusChange, check};
use crate::events::{Change, CommitInfo, Trailers, What};
use crate::model::{Article, Date, Status};
use crate::store::remote::{self, Mode, NetError, Upstream};
use crate::store::snapshot::parse_yaml;
use crate::store::writer::{self, WriteError};
use crate::store::{History, PROPOSALS, Repo, StoreError};
use git2::{Oid, Signature, Time};
use std::ops::ControlFlow;
use std::path::Path;

/// Where kept recordings live: `refs/bargain/unsent/<n>`.
pub const UNSENT: &str = "refs/bargain/unsent/";

/// How many times [`sync`] fetches and replays again when its push is rejected.
pub const ATTEMPTS: usize = 5;

/// One unsent commit read back as what it recorded.
#[derive(Debug, Clone)]
pub struct Recording {
    pub commit: Oid,
    pub actor: Actor,
    /// Author time: seconds since the epoch, offset in minutes.
    pub time: (i64, i32),
    pub message: String,
    pub summary: String,
    pub request: Request,
    /// The paragraphs between the sentence and the trailers, indented as committed.
    body: Vec<String>,
}

/// Reads `commit` back as the request that made it: `None` when it is not a recording on an
/// article (made by hand, or a change of the table itself).
pub fn rebuild(repo: &Repo, commit: Oid) -> Result<Option<Recording>, StoreError> {
    let c = repo.git.find_commit(commit)?;
    let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
    let Some(trailers) = Trailers::parse(&message) else {
        return Ok(None);
    };
    let Some(article) = trailers.article.clone() else {
        return Ok(None);
    };
    let tree = c.tree()?;
    let blob_at = |file: &str| -> Option<Oid> {
        tree.get_path(std::path::Path::new(&format!(
            "{PROPOSALS}/{article}/{file}"
        )))
        .ok()
        .map(|e| e.id())
    };
    let yaml = || -> Option<Article> {
        let path = format!("{PROPOSALS}/{article}/article.yaml");
        parse_yaml::<Article>(repo, blob_at("article.yaml")?, &path).ok()
    };
    let author = c.author();
    let actor = Actor {
        name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
    };
    let action = match (trailers.change, trailers.status, &trailers.side) {
        (Some(Change::TaCountersigned), _, _) => Action::Sign,
        (Some(Change::TaProposed), _, _) => {
            let Some(proposal) = yaml().and_then(|a| a.proposal) else {
                return Ok(None);
            };
            Action::Set(StatusChange::TentativelyAgreed {
                signatories: Vec::new(),
                agreed: Some(proposal.text),
                page_sha256: None,
            })
        }
        (Some(Change::TaAttested), _, _) => {
            let Some(ta) = yaml().and_then(|a| a.ta) else {
                return Ok(None);
            };
            let agreed_blob = blob_at("ta.md");
            let agreed = ta
                .signatories
                .keys()
                .find(|side| blob_at(&format!("{side}.md")) == agreed_blob)
                .cloned();
            Action::Set(StatusChange::TentativelyAgreed {
                signatories: ta.signatories.values().cloned().collect(),
                agreed,
                page_sha256: ta.signatures.values().find_map(|s| s.page_sha256.clone()),
            })
        }
        (Some(_), _, _) => return Ok(None),
        (None, Some(status), _) => Action::Set(match status {
            Status::Open if !trailers.reopened_by.is_empty() => StatusChange::Reopen {
                agreed_by: trailers
                    .reopened_by
                    .iter()
                    .filter(|e| **e != actor.email)
                    .cloned()
                    .collect(),
            },
            Status::Open => StatusChange::Open,
            Status::Impasse => StatusChange::Impasse,
            Status::CurrentLanguage => StatusChange::CurrentLanguage,
            Status::Ratified => StatusChange::Ratified,
            Status::Withdrawn => StatusChange::Withdrawn {
                by: yaml().and_then(|a| a.withdrawn_by),
            },
            // A TA is recorded with a `Bargain-Change`; a bare status is not the tool's.
            Status::TentativelyAgreed => return Ok(None),
        }),
        (None, None, Some(side)) => {
            let Some(blob) = blob_at(&format!("{side}.md")) else {
                return Ok(None);
            };
            let path = format!("{PROPOSALS}/{article}/{side}.md");
            let Ok(text) = repo.text(blob, &path) else {
                return Ok(None);
            };
            Action::Pass {
                side: side.clone(),
                text,
                received: trailers.received,
            }
        }
        (None, None, None) => return Ok(None),
    };
    let paragraphs: Vec<String> = message
        .split("\n\n")
        .map(|p| p.trim_matches('\n').to_string())
        .filter(|p| !p.trim().is_empty())
        .collect();
    let body = if paragraphs.len() > 2 {
        paragraphs[1..paragraphs.len() - 1].to_vec()
    } else {
        Vec::new()
    };
    Ok(Some(Recording {
        commit,
        time: (author.when().seconds(), author.when().offset_minutes()),
        summary: String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned(),
        message,
        actor,
        request: Request {
            article,
            action,
            date: trailers.date,
            session: match trailers.session {
                Some(day) => SessionChoice::Named(day.to_string()),
                None => SessionChoice::Between,
            },
            note: None,
            force: trailers.forced,
        },
        body,
    }))
}

/// Why a recording could not be re-applied on the table as it now stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// The recording rules refuse it now.
    Refused(Refusal),
    /// It is still allowed, but would now be recorded as this other sentence (its pass number
    /// was taken, the other side signed meanwhile): the user decides ([`redo`]).
    Changed { now: String },
    /// Its record cannot be read back (its files are not the tool's).
    Unreadable,
}

/// The plan that re-applies `recording` on the table at `tip` (`history` indexed to `tip`),
/// with its author and time; or why it is kept. `exact`: only a plan with the very message the
/// user recorded is accepted.
fn replan(
    repo: &Repo,
    history: &History,
    tip: Oid,
    recording: &Recording,
    today: Date,
    exact: bool,
) -> Result<Result<Plan, Kept>, StoreError> {
    let snapshot = repo.snapshot_at(tip)?;
    let today = recording.request.date.map_or(today, |d| d.max(today));
    let mut first: Option<Result<Plan, Kept>> = None;
    // The note is the first paragraphs of the body, when there was one: try each split.
    for k in 0..=recording.body.len() {
        let mut request = recording.request.clone();
        if k > 0 {
            request.note = Some(unindent(&recording.body[..k]));
        }
        let outcome = match check(repo, &snapshot, history, &recording.actor, today, &request) {
            Ok(mut plan) => {
                plan.author.time = Some(recording.time);
                if plan.message == recording.message {
                    return Ok(Ok(plan));
                }
                if exact {
                    Err(Kept::Changed {
                        now: plan.sentence.clone(),
                    })
                } else {
                    Ok(plan)
                }
            }
            Err(refusal) => Err(Kept::Refused(refusal)),
        };
        first.get_or_insert(outcome);
    }
    Ok(first.unwrap_or(Err(Kept::Unreadable)))
}

fn unindent(paragraphs: &[String]) -> String {
    paragraphs
        .iter()
        .map(|p| {
            p.lines()
                .map(|l| l.strip_prefix("    ").unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A commit in the object database with `plan`'s files on `parent`'s tree; no ref moves.
fn commit_plan(repo: &Repo, parent: Oid, plan: &Plan) -> Result<Oid, StoreError> {
    let git = &repo.git;
    let parent = git.find_commit(parent)?;
    let mut builder = git2::build::TreeUpdateBuilder::new();
    for file in &plan.files {
        match &file.content {
            Some(bytes) => {
                let blob = git.blob(bytes)?;
                builder.upsert(file.path.as_str(), blob, git2::FileMode::Blob);
            }
            None => {
                builder.remove(file.path.as_str());
            }
        }
    }
    let tree = git.find_tree(builder.create_updated(git, &parent.tree()?)?)?;
    let (seconds, offset) = plan.author.time.unwrap_or((0, 0));
    let signature = Signature::new(
        &plan.author.name,
        &plan.author.email,
        &Time::new(seconds, offset),
    )?;
    Ok(git.commit(
        None,
        &signature,
        &signature,
        &plan.message,
        &tree,
        &[&parent],
    )?)
}

/// A recording kept on `refs/bargain/unsent/<n>`.
#[derive(Debug, Clone)]
pub struct Unsent {
    pub number: u32,
    pub commit: Oid,
    pub summary: String,
    pub author: String,
    pub email: String,
    /// Why it cannot be applied on the table as it now stands; `None` when it now can
    /// ([`redo`] records it).
    pub why: Option<Kept>,
}

fn unsent_refs(repo: &Repo) -> Result<Vec<(u32, Oid)>, StoreError> {
    let mut found = Vec::new();
    for reference in repo.git.references_glob(&format!("{UNSENT}*"))? {
        let reference = reference?;
        let Some(number) = reference
            .name()
            .ok()
            .and_then(|n| n.strip_prefix(UNSENT))
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(id) = reference.target() {
            found.push((number, id));
        }
    }
    found.sort();
    Ok(found)
}

/// Every kept recording, with why it cannot be applied at HEAD now (`history` indexed to HEAD).
pub fn unsent(repo: &Repo, history: &History, today: Date) -> Result<Vec<Unsent>, StoreError> {
    let head = repo.head()?.commit;
    let mut list = Vec::new();
    for (number, commit) in unsent_refs(repo)? {
        let c = repo.git.find_commit(commit)?;
        let author = c.author();
        let why = match rebuild(repo, commit)? {
            Some(recording) => replan(repo, history, head, &recording, today, true)?.err(),
            None => Some(Kept::Unreadable),
        };
        list.push(Unsent {
            number,
            commit,
            summary: String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned(),
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            why,
        });
    }
    Ok(list)
}

/// Removes every `refs/bargain/unsent/<n>` that holds `commit`.
fn forget_kept(repo: &Repo, commit: Oid) -> Result<(), StoreError> {
    for (n, id) in unsent_refs(repo)? {
        if id == commit
            && let Ok(mut reference) = repo.git.find_reference(&format!("{UNSENT}{n}"))
        {
            reference.delete()?;
        }
    }
    Ok(())
}

/// Keeps `commit` on the next `refs/bargain/unsent/<n>` (or the one that already holds it).
fn keep(repo: &Repo, commit: Oid) -> Result<u32, StoreError> {
    let refs = unsent_refs(repo)?;
    if let Some((n, _)) = refs.iter().find(|(_, id)| *id == commit) {
        return Ok(*n);
    }
    // A number whose ref is locked (a sync killed while keeping it) is skipped, never waited on.
    let locked = |n: u32| repo.git.path().join(format!("{UNSENT}{n}.lock")).exists();
    let mut n = refs.last().map_or(1, |(n, _)| n + 1);
    while locked(n) {
        n += 1;
    }
    repo.git.reference(
        &format!("{UNSENT}{n}"),
        commit,
        false,
        "bargain sync: kept, not sent",
    )?;
    Ok(n)
}

/// What one commit did, for the sync report: the commit and, per article, what it did there.
#[derive(Debug, Clone)]
pub struct Entry {
    pub commit: CommitInfo,
    /// (article folder id, what the commit did to it).
    pub events: Vec<(String, What)>,
}

/// What a sync did.
#[derive(Debug, Clone)]
pub struct Report {
    pub upstream: Upstream,
    /// Local recordings now on the remote.
    pub sent: Vec<Entry>,
    /// Recordings that came from the remote.
    pub received: Vec<Entry>,
    /// Recordings kept unsent by this sync (numbers of `refs/bargain/unsent/<n>`).
    pub kept: Vec<u32>,
    /// Every recording kept unsent, this sync's and earlier ones.
    pub unsent: Vec<Unsent>,
    /// The branch's head after the sync.
    pub head: Oid,
    /// How many times it fetched (more than one when a push was rejected).
    pub rounds: usize,
}

/// Why a sync, a [`redo`] or a [`discard`] stopped. Nothing was changed locally unless said.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Net(#[from] NetError),
    /// A commit made by hand does not apply on the remote's head.
    #[error(
        "the commit {} \"{summary}\" was made by hand with git and does not apply cleanly on the remote's changes to {}; nothing was changed (integrate it with git: git pull --rebase)",
        short(*.commit),
        .paths.join(", ")
    )]
    HandCommitConflicts {
        commit: Oid,
        summary: String,
        paths: Vec<String>,
    },
    /// A merge among the unsent commits: replay integrates a line of recordings.
    #[error(
        "the unsent commit {} is a merge made with git; nothing was changed (push it with git push)",
        short(*.0)
    )]
    Merge(Oid),
    /// The remote's history has nothing in common with this one.
    #[error("the remote's branch shares no history with this one; nothing was changed")]
    Unrelated,
    /// The push was rejected every time: others keep pushing.
    #[error("the remote kept moving: {0} pushes were rejected; run sync again")]
    KeptMoving(usize),
    /// [`redo`], [`discard`]: no kept recording has this number.
    #[error("there is no unsent recording {0}")]
    NoSuchUnsent(u32),
    /// [`redo`]: the kept recording still does not apply.
    #[error("it still cannot be recorded")]
    StillKept(Kept),
    /// Moving the branch would overwrite edits in the work tree, or the repository is busy.
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<git2::Error> for SyncError {
    fn from(e: git2::Error) -> Self {
        SyncError::Store(StoreError::Git(e))
    }
}

fn short(id: Oid) -> String {
    id.to_string()[..10].to_string()
}

/// Commits reachable from `tip` and not from `hide`, oldest first.
fn between(repo: &Repo, hide: Option<Oid>, tip: Oid) -> Result<Vec<Oid>, StoreError> {
    let mut walk = repo.git.revwalk()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    walk.push(tip)?;
    if let Some(h) = hide {
        walk.hide(h)?;
    }
    Ok(walk.collect::<Result<_, _>>()?)
}

/// The outcome of replaying the local commits on the remote's head.
struct Replayed {
    tip: Oid,
    kept: Vec<u32>,
}

/// Replays `local` (oldest first, each with one parent) on `onto`; `history` is indexed to
/// `onto` and is extended to the new tip.
fn replay(
    repo: &Repo,
    history: &mut History,
    onto: Oid,
    local: &[Oid],
    today: Date,
) -> Result<Replayed, SyncError> {
    let mut tip = onto;
    let mut kept = Vec::new();
    for &commit in local {
        let c = repo.git.find_commit(commit)?;
        if c.parent_count() > 1 {
            return Err(SyncError::Merge(commit));
        }
        let next = match rebuild(repo, commit)? {
            Some(recording) => match replan(repo, history, tip, &recording, today, true)? {
                Ok(plan) => Some(commit_plan(repo, tip, &plan)?),
                Err(_) => None,
            },
            None => Some(cherry_pick(repo, &c, tip)?),
        };
        match next {
            Some(id) => {
                history.extend_to(repo, id, &mut |_| ControlFlow::Continue(()))?;
                tip = id;
                // A sync killed after keeping this recording, before the branch moved, left it
                // both on the branch and kept: it is sent now, so it is no longer unsent.
                forget_kept(repo, commit)?;
            }
            None => kept.push(keep(repo, commit)?),
        }
    }
    Ok(Replayed { tip, kept })
}

/// `commit` (made by hand) on `onto`, when git's three-way merge applies it without conflict.
fn cherry_pick(repo: &Repo, commit: &git2::Commit<'_>, onto: Oid) -> Result<Oid, SyncError> {
    let git = &repo.git;
    let onto_commit = git.find_commit(onto)?;
    let mut index = git.cherrypick_commit(commit, &onto_commit, 0, None)?;
    if index.has_conflicts() {
        let mut paths: Vec<String> = index
            .conflicts()?
            .filter_map(Result::ok)
            .filter_map(|c| c.our.or(c.their).or(c.ancestor))
            .map(|e| String::from_utf8_lossy(&e.path).into_owned())
            .collect();
        paths.dedup();
        return Err(SyncError::HandCommitConflicts {
            commit: commit.id(),
            summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                .into_owned(),
            paths,
        });
    }
    let tree = git.find_tree(index.write_tree_to(git)?)?;
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    Ok(git.commit(
        None,
        &commit.author(),
        &commit.committer(),
        &message,
        &tree,
        &[&onto_commit],
    )?)
}

/// Moves the checked-out branch from `from` to `to`, bringing the work tree and index along.
/// Takes the writers' turn (`.git/bargain.lock`), so no recording interleaves. Refused,
/// changing nothing, when a file the move changes was edited (it holds neither `from`'s nor
/// `to`'s version). Each file is replaced by a temporary file and a rename, so a file is always
/// one version or the other; `.git/bargain/checkout` names the move (pid, from, to) until the
/// branch has moved, and the next sync finishes a move that was killed
/// ([`finish_interrupted_move`]).
fn move_branch(repo: &Repo, branch: &str, from: Oid, to: Oid) -> Result<(), SyncError> {
    let git = &repo.git;
    if git.state() != git2::RepositoryState::Clean {
        return Err(WriteError::InProgress(git.state()).into());
    }
    writer::recover(repo)?;
    let _turn = writer::WriterLock::acquire(git.path())?;
    let marker = remote::state_dir(repo).join("checkout");
    finish_interrupted_move(repo, branch, &marker)?;
    if git.refname_to_id(branch).ok() != Some(from) {
        return Err(WriteError::BranchMoved {
            expected: Some(from),
            found: git.refname_to_id(branch).ok(),
        }
        .into());
    }
    if git.workdir().is_some() {
        let changes = changes(repo, from, to)?;
        refuse_edits(repo, &changes)?;
        std::fs::create_dir_all(remote::state_dir(repo)).map_err(StoreError::Io)?;
        std::fs::write(&marker, format!("{}\n{from}\n{to}\n", std::process::id()))
            .map_err(StoreError::Io)?;
        bring(repo, &changes, |c| c.new)?;
    }
    if let Err(e) = git.reference_matching(branch, to, true, from, "bargain sync") {
        return Err(e.into());
    }
    let _ = std::fs::remove_file(&marker);
    Ok(())
}

/// One path a move changes: its blob before and after (`None`: absent).
struct PathChange {
    path: String,
    old: Option<Oid>,
    new: Option<Oid>,
}

impl PathChange {
    /// Whether the work tree holds one of `versions` of the path.
    fn holds(&self, repo: &Repo, versions: &[Option<Oid>]) -> bool {
        let Some(dir) = repo.git.workdir() else {
            return true;
        };
        let on_disk = match std::fs::read(dir.join(&self.path)) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => return false,
        };
        versions.iter().any(|v| {
            let content =
                v.and_then(|id| repo.git.find_blob(id).ok().map(|b| b.content().to_vec()));
            content == on_disk && (v.is_none() || content.is_some())
        })
    }
}

/// Refuses, changing nothing, to bring a move into a work tree where a path it changes holds
/// neither its version before nor after the move: an edit of the user's, which it would
/// overwrite.
fn refuse_edits(repo: &Repo, changes: &[PathChange]) -> Result<(), WriteError> {
    let edited: Vec<String> = changes
        .iter()
        .filter(|c| !c.holds(repo, &[c.old, c.new]))
        .map(|c| c.path.clone())
        .collect();
    if edited.is_empty() {
        Ok(())
    } else {
        Err(WriteError::Uncommitted(edited))
    }
}

fn changes(repo: &Repo, from: Oid, to: Oid) -> Result<Vec<PathChange>, SyncError> {
    let git = &repo.git;
    let (old, new) = (git.find_commit(from)?.tree()?, git.find_commit(to)?.tree()?);
    let diff = git.diff_tree_to_tree(Some(&old), Some(&new), None)?;
    let id = |f: git2::DiffFile<'_>| (!f.id().is_zero()).then(|| f.id());
    Ok(diff
        .deltas()
        .filter_map(|d| {
            let path = d.new_file().path().or(d.old_file().path())?;
            Some(PathChange {
                path: path.to_string_lossy().into_owned(),
                old: id(d.old_file()),
                new: id(d.new_file()),
            })
        })
        .collect())
}

/// Writes the version `pick` chooses of each path into the work tree (temporary file and
/// rename) and the index.
fn bring(
    repo: &Repo,
    changes: &[PathChange],
    pick: impl Fn(&PathChange) -> Option<Oid>,
) -> Result<(), SyncError> {
    let git = &repo.git;
    let Some(dir) = git.workdir() else {
        return Ok(());
    };
    let mut index = git.index()?;
    index.read(true)?;
    for change in changes {
        let on_disk = dir.join(&change.path);
        match pick(change) {
            Some(id) => {
                let blob = git.find_blob(id)?;
                writer::write_atomically(&on_disk, blob.content()).map_err(StoreError::Io)?;
                index.add_path(Path::new(&change.path))?;
            }
            None => {
                match std::fs::remove_file(&on_disk) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(StoreError::Io(e).into()),
                }
                let _ = index.remove_path(Path::new(&change.path));
            }
        }
    }
    index.write()?;
    Ok(())
}

/// A sync killed while it moved the branch (`marker` names its pid, from and to): its
/// `index.lock` is removed when certainly its own, and the move is finished — the branch goes
/// to `to` (every local recording is in it or kept unsent) and each path is brought to `to`'s
/// version. A path edited since (neither version) is never touched: the move stays undone and
/// the edit is named. When a recording landed on `from` in between, the move is void: a file
/// still holding `to`'s version, where the branch has `from`'s, is put back.
fn finish_interrupted_move(repo: &Repo, branch: &str, marker: &Path) -> Result<(), SyncError> {
    let Ok(text) = std::fs::read_to_string(marker) else {
        return Ok(());
    };
    let git = &repo.git;
    let mut lines = text.lines();
    let pid = lines.next().and_then(|p| p.trim().parse().ok());
    writer::remove_our_stale_index_lock(git.path(), marker, pid);
    writer::remove_our_stale_branch_lock(git, branch, marker, pid);
    let ids: Vec<Oid> = lines.filter_map(|l| Oid::from_str(l.trim()).ok()).collect();
    let [from, to] = ids[..] else {
        let _ = std::fs::remove_file(marker);
        return Ok(());
    };
    let now = git.refname_to_id(branch).ok();
    let all = changes(repo, from, to)?;
    if let Some(dir) = git.workdir() {
        for change in &all {
            writer::remove_temporaries(&dir.join(&change.path));
        }
    }
    if now == Some(from) || now == Some(to) {
        refuse_edits(repo, &all)?;
        bring(repo, &all, |c| c.new)?;
        if now == Some(from) {
            git.reference_matching(branch, to, true, from, "bargain sync: finished a move")?;
        }
    } else if let Some(now) = now {
        let head = git.find_commit(now)?.tree()?;
        let undo: Vec<PathChange> = all
            .into_iter()
            .filter(|c| {
                head.get_path(Path::new(&c.path)).ok().map(|e| e.id()) == c.old
                    && c.new.is_some()
                    && c.holds(repo, &[c.new])
            })
            .collect();
        bring(repo, &undo, |c| c.old)?;
    }
    let _ = std::fs::remove_file(marker);
    Ok(())
}

fn git_state_clean(repo: &Repo) -> bool {
    repo.git.state() == git2::RepositoryState::Clean
}

/// The entries for `commits` (all indexed in `history`).
fn entries(history: &History, commits: &[Oid]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for &id in commits {
        let Some(index) = history.commits.iter().rposition(|c| c.id == id) else {
            continue;
        };
        let mut events = Vec::new();
        for (article, list) in &history.articles {
            for (i, event) in list.iter().enumerate() {
                if event.commit == index {
                    let what = What::of(list, i, &history.commits[index]);
                    if !events.iter().any(|(a, w): &(String, What)| {
                        a == article && (w == &what || what.implied_by(w))
                    }) {
                        events.push((article.clone(), what));
                    }
                }
            }
        }
        out.push(Entry {
            commit: history.commits[index].clone(),
            events,
        });
    }
    out
}

/// Fetches, integrates the local recordings by replay, and pushes (fast-forward only); on a
/// rejected push fetches and replays again, up to [`ATTEMPTS`] times.
pub fn sync(repo: &Repo, mode: Mode, today: Date) -> Result<Report, SyncError> {
    let upstream = Upstream::of_head(repo)?;
    // A sync killed while it moved the branch is finished first (see `move_branch`).
    if git_state_clean(repo) {
        writer::recover(repo)?;
        let _turn = writer::WriterLock::acquire(repo.git.path())?;
        finish_interrupted_move(
            repo,
            &upstream.local,
            &remote::state_dir(repo).join("checkout"),
        )?;
    }
    let start = repo.git.refname_to_id(&upstream.local)?;
    let mut kept = Vec::new();
    let mut rounds = 0;
    let (head, history, fetched) = loop {
        rounds += 1;
        if rounds > ATTEMPTS {
            return Err(SyncError::KeptMoving(ATTEMPTS));
        }
        let remote = remote::fetch(repo, &upstream, mode)?;
        let local = repo.git.refname_to_id(&upstream.local)?;
        let (tip, history) = match remote {
            None => (local, None),
            Some(r) if r == local => (local, None),
            Some(r) => {
                let base = repo
                    .git
                    .merge_base(local, r)
                    .map_err(|_| SyncError::Unrelated)?;
                if base == r {
                    (local, None)
                } else {
                    let mut history = History::default();
                    history.extend_to(repo, r, &mut |_| ControlFlow::Continue(()))?;
                    let local_commits = between(repo, Some(r), local)?;
                    let done = replay(repo, &mut history, r, &local_commits, today)?;
                    kept.extend(done.kept);
                    if done.tip != local {
                        move_branch(repo, &upstream.local, local, done.tip)?;
                    }
                    (done.tip, Some(history))
                }
            }
        };
        if remote == Some(tip) {
            break (tip, history, remote);
        }
        match remote::push(repo, &upstream, tip, mode) {
            Ok(()) => break (tip, history, remote),
            Err(NetError::Rejected) => continue,
            Err(e) => return Err(e.into()),
        }
    };
    let mut history = history.unwrap_or_default();
    history.extend_to(repo, head, &mut |_| ControlFlow::Continue(()))?;
    // Received: what the last fetch brought that this branch did not have; sent: the rest.
    let received_ids = match fetched {
        Some(r) => between(repo, Some(start), r)?,
        None => Vec::new(),
    };
    let sent_ids = between(repo, fetched, head)?;
    kept.sort();
    kept.dedup();
    Ok(Report {
        sent: entries(&history, &sent_ids),
        received: entries(&history, &received_ids),
        unsent: unsent(repo, &history, today)?,
        kept,
        head,
        rounds,
        upstream,
    })
}

/// Records kept recording `number` again on the table at HEAD, as it would be recorded now
/// (its pass number may have moved), under its author and date; removes it from the unsent.
pub fn redo(repo: &Repo, number: u32, today: Date) -> Result<(Oid, Plan), SyncError> {
    let commit = find_unsent(repo, number)?;
    let recording = rebuild(repo, commit)?.ok_or(SyncError::StillKept(Kept::Unreadable))?;
    let history = History::build(repo)?;
    let head = repo.head()?.commit;
    let plan =
        replan(repo, &history, head, &recording, today, false)?.map_err(SyncError::StillKept)?;
    let id = super::apply(repo, &plan)?;
    discard(repo, number)?;
    Ok((id, plan))
}

/// Forgets kept recording `number` (its commit stays in git's reflog until git expires it).
/// Returns the commit it held.
pub fn discard(repo: &Repo, number: u32) -> Result<Oid, SyncError> {
    let commit = find_unsent(repo, number)?;
    repo.git
        .find_reference(&format!("{UNSENT}{number}"))
        .and_then(|mut r| r.delete())?;
    Ok(commit)
}

fn find_unsent(repo: &Repo, number: u32) -> Result<Oid, SyncError> {
    repo.git
        .refname_to_id(&format!("{UNSENT}{number}"))
        .map_err(|_| SyncError::NoSuchUnsent(number))
}
