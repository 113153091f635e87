//! The history index: every version of every file under `proposals/`, found in one walk of
//! history (never one walk per file).
//!
//! A commit is looked at only where its `proposals/` tree differs from every parent's, and only
//! the article folders whose tree ids differ are opened. A file version (path, blob) counts as new
//! only when no parent already had it, so a merge neither loses a pass nor counts one twice.
//! Commits made by hand with plain git are understood from the paths they touch; the `Bargain-*`
//! trailers of commits the tool makes are parsed once here ([`crate::events::Trailers::parse`])
//! and kept for the record.

use super::{PROPOSALS, Repo, StoreError};
pub use crate::events::{CommitInfo, Event, FileKind};
use crate::model::{Progress, Side};
use git2::{ObjectType, Oid, Sort, Tree};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;

/// Every article's timeline, oldest first.
#[derive(Debug, Default, Clone)]
pub struct History {
    pub commits: Vec<CommitInfo>,
    /// Article folder id → its events in history order.
    pub articles: BTreeMap<String, Vec<Event>>,
    /// The commit the index reaches; `None` for an empty history.
    pub head: Option<Oid>,
    /// The history stops at a shallow clone's boundary: early passes may be missing.
    pub shallow: bool,
    /// Commit → its `proposals/` tree (zero when absent), for extending without a new walk.
    proposals_of: HashMap<Oid, Oid>,
}

/// Walk progress: commits looked at, of all to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkProgress {
    pub done: usize,
    pub total: usize,
}

impl History {
    /// Indexes the history reachable from HEAD.
    pub fn build(repo: &Repo) -> Result<History, StoreError> {
        let mut history = History::default();
        let head = repo.head()?;
        history.extend_to(repo, head.commit, &mut |_| ControlFlow::Continue(()))?;
        Ok(history)
    }

    /// Indexes the history reachable from `tip` that is not indexed yet: after a write, only the
    /// new commits are read. `progress` may stop the walk (the index is then left as it was).
    pub fn extend_to(
        &mut self,
        repo: &Repo,
        tip: Oid,
        progress: &mut dyn FnMut(WalkProgress) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let mut walk = repo.git.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        walk.push(tip)?;
        if let Some(old) = self.head {
            walk.hide(old)?;
        }
        let ids: Vec<Oid> = walk.collect::<Result<_, _>>()?;
        let total = ids.len();
        let commits_before = self.commits.len();
        let mut walker = Walker::new(repo);
        for (done, &id) in ids.iter().enumerate() {
            let stopped = done % 256 == 0 && progress(WalkProgress { done, total }).is_break();
            let failed = if stopped {
                None
            } else {
                walker.visit(self, id).err()
            };
            if stopped || failed.is_some() {
                // A stopped or failed walk leaves the index as it was: only appends were made.
                self.roll_back(commits_before, &ids[..=done]);
                return failed.map_or(Ok(()), Err);
            }
        }
        self.head = Some(tip);
        self.shallow = repo.git.is_shallow();
        let _ = progress(WalkProgress { done: total, total });
        Ok(())
    }

    /// Undoes what visiting `visited` appended (the walk only ever appends), without copying the
    /// index up front: after a write the TUI extends a large index by one commit.
    fn roll_back(&mut self, commits_before: usize, visited: &[Oid]) {
        let first_new = commits_before;
        self.commits.truncate(first_new);
        self.articles.retain(|_, events| {
            let keep = events
                .iter()
                .position(|e| e.commit >= first_new)
                .unwrap_or(events.len());
            events.truncate(keep);
            !events.is_empty()
        });
        for id in visited {
            self.proposals_of.remove(id);
        }
    }

    /// An article's events, oldest first.
    pub fn events(&self, article: &str) -> &[Event] {
        self.articles.get(article).map_or(&[], Vec::as_slice)
    }

    pub fn commit(&self, event: &Event) -> &CommitInfo {
        &self.commits[event.commit]
    }

    /// The passes of one side of an article, oldest first.
    pub fn passes<'a>(&'a self, article: &str, side: &'a str) -> impl Iterator<Item = &'a Event> {
        self.events(article)
            .iter()
            .filter(move |e| matches!(&e.kind, FileKind::Pass { side: s, .. } if s == side))
    }

    /// Pass `number` of `side` (1-based).
    pub fn pass<'a>(&'a self, article: &str, side: &'a str, number: u32) -> Option<&'a Event> {
        self.passes(article, side)
            .find(|e| matches!(e.kind, FileKind::Pass { number: n, .. } if n == number))
    }

    /// Passes per side, who passed last and when anything last moved: what the tracker shows.
    pub fn progress(&self, article: &str, sides: &[Side]) -> Progress {
        let mut progress = Progress::default();
        for side in sides {
            progress.passes.insert(side.id.clone(), 0);
        }
        for event in self.events(article) {
            let commit = &self.commits[event.commit];
            if let FileKind::Pass { side, number } = &event.kind {
                // A `<name>.md` of a side the table does not have is flagged by the snapshot;
                // it is nobody's pass and never decides whose move it is.
                if !sides.iter().any(|s| s.id == *side) {
                    continue;
                }
                progress.passes.insert(side.clone(), *number);
                progress.last_pass = Some(side.clone());
            }
            progress.last_movement = Some(commit.event_date());
        }
        progress
    }
}

/// The state of one walk: a few parsed `proposals/` trees are kept, since a commit's parent is
/// nearly always the commit just visited.
struct Walker<'r> {
    repo: &'r Repo,
    trees: Vec<Tree<'r>>,
}

const TREE_CACHE: usize = 8;

impl<'r> Walker<'r> {
    fn new(repo: &'r Repo) -> Walker<'r> {
        Walker {
            repo,
            trees: Vec::with_capacity(TREE_CACHE),
        }
    }

    fn tree(&mut self, id: Oid) -> Result<Tree<'r>, git2::Error> {
        if let Some(i) = self.trees.iter().position(|t| t.id() == id) {
            return Ok(self.trees[i].clone());
        }
        let tree = self.repo.git.find_tree(id)?;
        if self.trees.len() == TREE_CACHE {
            self.trees.remove(0);
        }
        self.trees.push(tree.clone());
        Ok(tree)
    }

    fn visit(&mut self, history: &mut History, id: Oid) -> Result<(), StoreError> {
        let commit = self.repo.git.find_commit(id)?;
        let proposals = commit
            .tree()?
            .get_name(PROPOSALS)
            .filter(|e| e.kind() == Some(ObjectType::Tree))
            .map_or(Oid::ZERO_SHA1, |e| e.id());
        history.proposals_of.insert(id, proposals);
        // A parent outside the index (beyond a shallow boundary) counts as having nothing.
        let parents: Vec<Oid> = commit
            .parent_ids()
            .map(|p| {
                history
                    .proposals_of
                    .get(&p)
                    .copied()
                    .unwrap_or(Oid::ZERO_SHA1)
            })
            .collect();
        if parents.contains(&proposals) || (parents.is_empty() && proposals.is_zero()) {
            return Ok(());
        }
        let new = self.tree_or_none(proposals)?;
        let olds: Vec<Option<Tree<'r>>> = parents
            .iter()
            .map(|&p| self.tree_or_none(p))
            .collect::<Result<_, _>>()?;
        // Folders that differ from the first parent, then from every other parent too.
        let (mut changed, removed) =
            changed_folders(new.as_ref(), olds.first().and_then(Option::as_ref));
        for old in olds.iter().skip(1) {
            changed.retain(|(name, id)| folder_in(old.as_ref(), name) != Some(*id));
        }
        let mut changes: Vec<(String, FileChange)> = Vec::new();
        for (name, folder) in changed {
            let before: Vec<Oid> = olds
                .iter()
                .filter_map(|o| folder_in(o.as_ref(), &name))
                .collect();
            let files = self.files(folder)?;
            let old_files: Vec<Vec<(String, Oid)>> = before
                .iter()
                .map(|&f| self.files(f))
                .collect::<Result<_, _>>()?;
            for (file, blob) in &files {
                if !old_files.iter().any(|o| lookup(o, file) == Some(*blob)) {
                    changes.push((name.clone(), FileChange::Written(file.clone(), *blob)));
                }
            }
            // A removal counts only where every parent had the file: a merge that keeps one
            // branch's deletion is not a new removal.
            if let Some(first) = old_files.first() {
                for (file, _) in first {
                    if lookup(&files, file).is_none()
                        && old_files.iter().all(|o| lookup(o, file).is_some())
                    {
                        changes.push((name.clone(), FileChange::Removed(file.clone())));
                    }
                }
            }
        }
        if commit.parent_count() <= 1 {
            for name in removed {
                changes.push((name, FileChange::FolderRemoved));
            }
        }
        if changes.is_empty() {
            return Ok(());
        }
        let index = history.commits.len();
        history.commits.push(commit_info(&commit));
        for (article, change) in changes {
            let events = history.articles.entry(article).or_default();
            match change {
                FileChange::Written(file, blob) => {
                    let kind = classify(&file, events);
                    events.push(Event {
                        commit: index,
                        kind,
                        blob: Some(blob),
                    });
                }
                FileChange::Removed(file) => events.push(Event {
                    commit: index,
                    kind: classify_removed(&file),
                    blob: None,
                }),
                FileChange::FolderRemoved => events.push(Event {
                    commit: index,
                    kind: FileKind::Article,
                    blob: None,
                }),
            }
        }
        Ok(())
    }

    fn tree_or_none(&mut self, id: Oid) -> Result<Option<Tree<'r>>, git2::Error> {
        if id.is_zero() {
            Ok(None)
        } else {
            self.tree(id).map(Some)
        }
    }

    /// The files of one article folder: (name, blob id). Symbolic links are not files of the
    /// table (the snapshot flags them), so they are never a version of anything.
    fn files(&self, folder: Oid) -> Result<Vec<(String, Oid)>, git2::Error> {
        let tree = self.repo.git.find_tree(folder)?;
        Ok(tree
            .iter()
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .filter(|e| e.filemode() != i32::from(git2::FileMode::Link))
            .map(|e| (String::from_utf8_lossy(e.name_bytes()).into_owned(), e.id()))
            .collect())
    }
}

enum FileChange {
    Written(String, Oid),
    Removed(String),
    FolderRemoved,
}

/// Article folders of `new` whose tree differs from `old`'s (or that `old` lacks), and the names
/// of folders only `old` has. One merge-join over both trees, in git's tree order; names are
/// allocated only for folders that changed.
fn changed_folders(
    new: Option<&Tree<'_>>,
    old: Option<&Tree<'_>>,
) -> (Vec<(String, Oid)>, Vec<String>) {
    let is_folder = |e: &git2::TreeEntry<'_>| e.kind() == Some(ObjectType::Tree);
    let name = |e: &git2::TreeEntry<'_>| String::from_utf8_lossy(e.name_bytes()).into_owned();
    let mut changed = Vec::new();
    let mut removed = Vec::new();
    let mut news = new
        .into_iter()
        .flat_map(|t| t.iter())
        .filter(is_folder)
        .peekable();
    let mut olds = old
        .into_iter()
        .flat_map(|t| t.iter())
        .filter(is_folder)
        .peekable();
    loop {
        match (news.peek(), olds.peek()) {
            (None, None) => break,
            (Some(n), None) => {
                changed.push((name(n), n.id()));
                news.next();
            }
            (None, Some(o)) => {
                removed.push(name(o));
                olds.next();
            }
            (Some(n), Some(o)) => match folder_order(n.name_bytes(), o.name_bytes()) {
                Ordering::Less => {
                    changed.push((name(n), n.id()));
                    news.next();
                }
                Ordering::Greater => {
                    removed.push(name(o));
                    olds.next();
                }
                Ordering::Equal => {
                    if n.id() != o.id() {
                        changed.push((name(n), n.id()));
                    }
                    news.next();
                    olds.next();
                }
            },
        }
    }
    (changed, removed)
}

/// Git sorts a folder as if its name ended in `/`.
fn folder_order(a: &[u8], b: &[u8]) -> Ordering {
    let common = a.len().min(b.len());
    match a[..common].cmp(&b[..common]) {
        Ordering::Equal => {
            let next = |s: &[u8]| s.get(common).copied().unwrap_or(b'/');
            next(a).cmp(&next(b))
        }
        unequal => unequal,
    }
}

fn folder_in(tree: Option<&Tree<'_>>, name: &str) -> Option<Oid> {
    tree?
        .get_name(name)
        .filter(|e| e.kind() == Some(ObjectType::Tree))
        .map(|e| e.id())
}

fn lookup(entries: &[(String, Oid)], name: &str) -> Option<Oid> {
    entries.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
}

fn classify(file: &str, earlier: &[Event]) -> FileKind {
    match file {
        "article.yaml" => FileKind::Article,
        "current.md" => FileKind::Current,
        "ta.md" => FileKind::Ta,
        other => match other.strip_suffix(".md") {
            Some(side) => {
                let before = earlier
                    .iter()
                    .filter(|e| matches!(&e.kind, FileKind::Pass { side: s, .. } if s == side))
                    .count();
                FileKind::Pass {
                    side: side.to_string(),
                    number: before as u32 + 1,
                }
            }
            None => FileKind::Other(other.to_string()),
        },
    }
}

fn classify_removed(file: &str) -> FileKind {
    match file {
        "article.yaml" => FileKind::Article,
        "current.md" => FileKind::Current,
        "ta.md" => FileKind::Ta,
        other => FileKind::Other(other.to_string()),
    }
}

fn commit_info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    let message = String::from_utf8_lossy(commit.message_bytes());
    CommitInfo {
        id: commit.id(),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        time: author.when().seconds(),
        offset: author.when().offset_minutes(),
        summary: message.lines().next().unwrap_or("").to_string(),
        trailers: crate::events::Trailers::parse(&message),
    }
}
