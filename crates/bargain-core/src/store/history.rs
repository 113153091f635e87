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
use std::collections::{BTreeMap, HashMap, HashSet};
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
    /// Commit → its `proposals/` tree (zero when absent), for extending without a new walk; in
    /// an index of one article, commit → that article's folder.
    proposals_of: HashMap<Oid, Oid>,
    /// `Some(article)`: only that article's folder was looked at ([`History::of_article`]).
    scope: Option<String>,
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

    /// One article's timeline without the walk of every article: each commit is read only as
    /// far as that article's folder (as `git log -- proposals/ARTICLE/` does). The commits listed
    /// are those that changed the article.
    pub fn of_article(repo: &Repo, article: &str) -> Result<History, StoreError> {
        History::of_article_at(repo, repo.head()?.commit, article)
    }

    /// [`History::of_article`] as of commit `tip` (the TUI's snapshot, which HEAD may have left).
    pub fn of_article_at(repo: &Repo, tip: Oid, article: &str) -> Result<History, StoreError> {
        let mut history = History {
            scope: Some(article.to_string()),
            ..History::default()
        };
        history.extend_to(repo, tip, &mut |_| ControlFlow::Continue(()))?;
        Ok(history)
    }

    /// The article this index is limited to, if any.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    pub(super) fn proposals_of(&self) -> &HashMap<Oid, Oid> {
        &self.proposals_of
    }

    pub(super) fn from_parts(
        commits: Vec<CommitInfo>,
        articles: BTreeMap<String, Vec<Event>>,
        head: Oid,
        shallow: bool,
        proposals_of: HashMap<Oid, Oid>,
    ) -> History {
        History {
            commits,
            articles,
            head: Some(head),
            shallow,
            proposals_of,
            scope: None,
        }
    }

    /// Indexes the history reachable from `tip` that is not indexed yet: after a write, only the
    /// new commits are read. `progress` may stop the walk (the index is then left as it was).
    pub fn extend_to(
        &mut self,
        repo: &Repo,
        tip: Oid,
        progress: &mut dyn FnMut(WalkProgress) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let commits_before = self.commits.len();
        let mut walker = Walker::new(repo)?;
        // One article: first each commit's folder (independent of every other commit's). Where
        // history is one line, the commits are found by that same read (there is one order);
        // else, and in a shallow clone, libgit2's topological order is the one to follow.
        let mut heads = Vec::new();
        let linear = match &self.scope {
            Some(article) if !repo.git.is_shallow() => {
                linear_article_walk(&walker, tip, &self.proposals_of, article)?
            }
            _ => None,
        };
        let ids: Vec<Oid> = match linear {
            Some(found) => {
                let mut ids = Vec::with_capacity(found.len());
                for (id, folder, parents) in found {
                    self.proposals_of.insert(id, folder);
                    heads.push(parents);
                    ids.push(id);
                }
                ids
            }
            None => {
                let ids = oldest_first(repo, tip, self.head)?;
                if let Some(article) = self.scope.clone() {
                    let found = article_folders(repo, &ids, &article)?;
                    for (&id, (folder, parents)) in ids.iter().zip(found) {
                        self.proposals_of.insert(id, folder);
                        heads.push(parents);
                    }
                }
                ids
            }
        };
        let total = ids.len();
        for (done, &id) in ids.iter().enumerate() {
            let stopped = done % 256 == 0 && progress(WalkProgress { done, total }).is_break();
            let failed = if stopped {
                None
            } else if let Some(article) = self.scope.clone() {
                walker.visit_article(self, id, &heads[done], &article).err()
            } else {
                walker.visit(self, id).err()
            };
            if stopped || failed.is_some() {
                // A stopped or failed walk leaves the index as it was: only appends were made.
                let visited = if heads.is_empty() {
                    &ids[..=done]
                } else {
                    &ids[..]
                };
                self.roll_back(commits_before, visited);
                return failed.map_or(Ok(()), Err);
            }
        }
        self.head = Some(tip);
        self.shallow = repo.git.is_shallow();
        let _ = progress(WalkProgress { done: total, total });
        Ok(())
    }

    /// Each parent's `proposals/` tree (or, in an index of one article, its folder) as indexed;
    /// a parent outside the index (beyond a shallow boundary) counts as having nothing.
    fn parent_trees(&self, parent_ids: &[Oid]) -> Vec<Oid> {
        parent_ids
            .iter()
            .map(|p| self.proposals_of.get(p).copied().unwrap_or(Oid::ZERO_SHA1))
            .collect()
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
        self.progress_without(article, sides, &[])
    }

    /// [`History::progress`], not counting as passes the versions whose blobs are `uncounted`
    /// (a latest pass that is not text: [`crate::store::snapshot::ArticleEntry::not_text`]).
    pub fn progress_without(&self, article: &str, sides: &[Side], uncounted: &[Oid]) -> Progress {
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
                if event.blob.is_some_and(|b| uncounted.contains(&b)) {
                    progress.last_movement = Some(commit.event_date());
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

/// Each commit's folder of `article` and its parents, in the order of `ids`, read newest first:
/// as git log reads and as packs keep their deltas, so delta bases are found in libgit2's cache.
/// (Measured: splitting the commits among threads costs more CPU than it saves, since each
/// thread's cache starts cold.)
fn article_folders(
    repo: &Repo,
    ids: &[Oid],
    article: &str,
) -> Result<Vec<(Oid, Vec<Oid>)>, StoreError> {
    let walker = Walker::new(repo)?;
    let mut found: Vec<_> = ids
        .iter()
        .rev()
        .map(|&id| walker.article_folder(id, article))
        .collect::<Result<_, _>>()?;
    found.reverse();
    Ok(found)
}

/// A commit, its folder of one article, and its parents.
type Linked = (Oid, Oid, Vec<Oid>);

/// The commits from `tip` back to the first commit or to one already indexed (`known`), oldest
/// first, each with its folder of `article` and its parents, when they form one line; `None` as
/// soon as a merge is met.
fn linear_article_walk(
    walker: &Walker<'_>,
    tip: Oid,
    known: &HashMap<Oid, Oid>,
    article: &str,
) -> Result<Option<Vec<Linked>>, StoreError> {
    let mut found = Vec::new();
    let mut next = Some(tip);
    while let Some(id) = next.filter(|id| !known.contains_key(id)) {
        let (folder, parents) = walker.article_folder(id, article)?;
        if parents.len() > 1 {
            return Ok(None);
        }
        next = parents.first().copied();
        found.push((id, folder, parents));
    }
    found.reverse();
    Ok(Some(found))
}

/// The state of one walk: a few parsed `proposals/` trees are kept, since a commit's parent is
/// nearly always the commit just visited.
struct Walker<'r> {
    repo: &'r Repo,
    odb: git2::Odb<'r>,
    trees: Vec<Tree<'r>>,
}

const TREE_CACHE: usize = 8;

impl<'r> Walker<'r> {
    fn new(repo: &'r Repo) -> Result<Walker<'r>, git2::Error> {
        Ok(Walker {
            repo,
            odb: repo.git.odb()?,
            trees: Vec::with_capacity(TREE_CACHE),
        })
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
        let commit = CommitRead::of(&self.repo.git, id)?;
        let proposals = commit
            .tree(&self.repo.git)?
            .get_name(PROPOSALS)
            .filter(|e| e.kind() == Some(ObjectType::Tree))
            .map_or(Oid::ZERO_SHA1, |e| e.id());
        history.proposals_of.insert(id, proposals);
        let parent_ids = commit.parent_ids();
        let parents = history.parent_trees(&parent_ids);
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
        let mut renamed: Vec<String> = Vec::new();
        for (name, folder) in changed {
            let mut before: Vec<Oid> = olds
                .iter()
                .filter_map(|o| folder_in(o.as_ref(), &name))
                .collect();
            // A folder renamed by hand (`git mv`): a new name holding the same article — the
            // same folder, or the same `article.yaml` — where a name the first parent had is
            // gone. It keeps its record: its events so far, and what changed is read against
            // the old folder, so its pass count goes on instead of starting again.
            if before.is_empty()
                && parent_ids.len() == 1
                && let Some((from, old_folder)) =
                    self.renamed_from(folder, &removed, olds[0].as_ref())?
                && !history.articles.contains_key(&name)
            {
                let carried = history.articles.get(&from).cloned().unwrap_or_default();
                history.articles.insert(name.clone(), carried);
                before.push(old_folder);
                renamed.push(from);
            }
            self.folder_changes(&name, folder, &before, &mut changes)?;
        }
        if parent_ids.len() <= 1 {
            // A renamed folder was not taken off the table: its record goes on under its new name.
            for name in removed.into_iter().filter(|r| !renamed.contains(r)) {
                changes.push((name, FileChange::FolderRemoved));
            }
        }
        record(history, &commit, changes);
        Ok(())
    }

    /// The folder of `article` in commit `id` (zero when it has none), and the commit's parents.
    /// The commit and its trees are read raw, only as far as `proposals/<article>`.
    fn article_folder(&self, id: Oid, article: &str) -> Result<(Oid, Vec<Oid>), StoreError> {
        let object = self.odb.read(id)?;
        let (tree, parents) = match raw_commit_links(object.data()) {
            Some(links) => links,
            // Not what git writes: let libgit2 read it (and say what is wrong).
            None => {
                let commit = CommitRead::of(&self.repo.git, id)?;
                (commit.tree_id(), commit.parent_ids())
            }
        };
        let folder = match self.raw_folder(tree, PROPOSALS.as_bytes())? {
            Some(proposals) => self.raw_folder(proposals, article.as_bytes())?,
            None => None,
        };
        Ok((folder.unwrap_or(Oid::ZERO_SHA1), parents))
    }

    /// [`Walker::visit`] for an index of one article, once every commit's folder is known
    /// ([`Walker::article_folder`]): the folder is opened only where it differs from every
    /// parent's. What is recorded for the article is what the whole walk records for it.
    fn visit_article(
        &mut self,
        history: &mut History,
        id: Oid,
        parent_ids: &[Oid],
        article: &str,
    ) -> Result<(), StoreError> {
        let folder = history
            .proposals_of
            .get(&id)
            .copied()
            .unwrap_or(Oid::ZERO_SHA1);
        let parents = history.parent_trees(parent_ids);
        if parents.contains(&folder) || (parents.is_empty() && folder.is_zero()) {
            return Ok(());
        }
        let mut changes = Vec::new();
        if folder.is_zero() {
            if parents.len() <= 1 {
                changes.push((article.to_string(), FileChange::FolderRemoved));
            }
        } else {
            let before: Vec<Oid> = parents.into_iter().filter(|p| !p.is_zero()).collect();
            self.folder_changes(article, folder, &before, &mut changes)?;
        }
        let commit = CommitRead::of(&self.repo.git, id)?;
        record(history, &commit, changes);
        Ok(())
    }

    /// Which removed folder of `old` (the first parent's `proposals/`) `folder` continues under a
    /// new name: one with the same tree, else the only one with the same `article.yaml`.
    fn renamed_from(
        &mut self,
        folder: Oid,
        removed: &[String],
        old: Option<&Tree<'r>>,
    ) -> Result<Option<(String, Oid)>, StoreError> {
        let olds: Vec<(String, Oid)> = removed
            .iter()
            .filter_map(|r| folder_in(old, r).map(|id| (r.clone(), id)))
            .collect();
        if let Some(same) = olds.iter().find(|(_, id)| *id == folder) {
            return Ok(Some(same.clone()));
        }
        let yaml = |walker: &mut Self, id: Oid| -> Result<Option<Oid>, StoreError> {
            Ok(walker
                .tree_or_none(id)?
                .and_then(|t| t.get_name("article.yaml").map(|e| e.id())))
        };
        let Some(article) = yaml(self, folder)? else {
            return Ok(None);
        };
        let mut found = None;
        for (name, id) in olds {
            if yaml(self, id)? == Some(article) {
                if found.is_some() {
                    return Ok(None);
                }
                found = Some((name, id));
            }
        }
        Ok(found)
    }

    /// The folder `name` in the tree `tree`, found in the tree's raw bytes without parsing
    /// every entry (git's tree order lets the scan stop past the name). `None` when there is no
    /// such folder (or something else by that name).
    fn raw_folder(&self, tree: Oid, name: &[u8]) -> Result<Option<Oid>, git2::Error> {
        let object = self.odb.read(tree)?;
        if object.kind() != ObjectType::Tree {
            return Ok(None);
        }
        Ok(raw_tree_folder(object.data(), name))
    }

    /// What changed in one article folder: each file whose blob no parent's folder (`before`)
    /// had, and each file every parent had that is gone.
    fn folder_changes(
        &mut self,
        name: &str,
        folder: Oid,
        before: &[Oid],
        changes: &mut Vec<(String, FileChange)>,
    ) -> Result<(), git2::Error> {
        let files = self.files(folder)?;
        let old_files: Vec<Vec<(String, Oid)>> = before
            .iter()
            .map(|&f| self.files(f))
            .collect::<Result<_, _>>()?;
        for (file, blob) in &files {
            if !old_files.iter().any(|o| lookup(o, file) == Some(*blob)) {
                changes.push((name.to_string(), FileChange::Written(file.clone(), *blob)));
            }
        }
        // A removal counts only where every parent had the file: a merge that keeps one
        // branch's deletion is not a new removal.
        if let Some(first) = old_files.first() {
            for (file, _) in first {
                if lookup(&files, file).is_none()
                    && old_files.iter().all(|o| lookup(o, file).is_some())
                {
                    changes.push((name.to_string(), FileChange::Removed(file.clone())));
                }
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

/// Appends a commit's changes to the index (nothing when it changed nothing).
fn record(history: &mut History, commit: &CommitRead<'_>, changes: Vec<(String, FileChange)>) {
    if changes.is_empty() {
        return;
    }
    let index = history.commits.len();
    history.commits.push(commit.info());
    for (article, change) in changes {
        let events = history.articles.entry(article).or_default();
        let (kind, blob) = match change {
            FileChange::Written(file, blob) => (classify(&file, events), Some(blob)),
            FileChange::Removed(file) => (classify_removed(&file), None),
            FileChange::FolderRemoved => (FileKind::Article, None),
        };
        events.push(Event {
            commit: index,
            kind,
            blob,
        });
    }
}

/// The tree and parents of a raw commit object (`tree <hex>`, then `parent <hex>` lines), or
/// `None` when it does not start as git writes it.
fn raw_commit_links(data: &[u8]) -> Option<(Oid, Vec<Oid>)> {
    let mut lines = data.split(|&b| b == b'\n');
    let hex = |line: &[u8], key: &[u8]| {
        let rest = line.strip_prefix(key).filter(|r| r.len() == 40)?;
        Oid::from_str(std::str::from_utf8(rest).ok()?).ok()
    };
    let tree = hex(lines.next()?, b"tree ")?;
    let mut parents = Vec::new();
    for line in lines {
        match hex(line, b"parent ") {
            Some(p) => parents.push(p),
            None if line.starts_with(b"parent ") => return None,
            None => break,
        }
    }
    Some((tree, parents))
}

/// The id of the sub-folder `name` in a raw tree object (`<mode> <name>\0<20-byte id>`...),
/// or `None`. Entries are in git's order (a folder sorts as `name/`), so the scan stops at the
/// first entry past `name/`. Bytes that are not a well-formed tree end the scan: no folder.
fn raw_tree_folder(mut data: &[u8], name: &[u8]) -> Option<Oid> {
    while !data.is_empty() {
        let space = memchr::memchr(b' ', data)?;
        let nul = space + 1 + memchr::memchr(0, &data[space + 1..])?;
        let id = data.get(nul + 1..nul + 21)?;
        let mode = &data[..space];
        let entry = &data[space + 1..nul];
        let is_folder = mode == b"40000";
        if is_folder && entry == name {
            return Oid::from_bytes(id).ok();
        }
        // Folders are in order among themselves, whatever files sit between them.
        if is_folder && folder_order(entry, name) == Ordering::Greater {
            return None;
        }
        data = &data[nul + 21..];
    }
    None
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
        undated: false,
    }
}

/// The commits reachable from `tip` and not from `hide`, parents before children: libgit2's
/// topological order, or, when libgit2 cannot walk (it refuses a commit whose author or
/// committer line does not parse), the same walk made over the raw objects ([`CommitRead`]):
/// depth first, first parents first, each commit after all of its parents. Parents beyond a
/// shallow clone's boundary are not followed, as git does not.
pub fn oldest_first(repo: &Repo, tip: Oid, hide: Option<Oid>) -> Result<Vec<Oid>, StoreError> {
    let walked = (|| {
        let mut walk = repo.git.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        walk.push(tip)?;
        if let Some(old) = hide {
            walk.hide(old)?;
        }
        walk.collect::<Result<Vec<Oid>, git2::Error>>()
    })();
    if let Ok(ids) = walked {
        return Ok(ids);
    }
    let boundary: HashSet<Oid> = if repo.git.is_shallow() {
        std::fs::read_to_string(repo.git.commondir().join("shallow"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| Oid::from_str(l.trim()).ok())
            .collect()
    } else {
        HashSet::new()
    };
    let parents = |id: Oid| -> Result<Vec<Oid>, git2::Error> {
        if boundary.contains(&id) {
            return Ok(Vec::new());
        }
        Ok(CommitRead::of(&repo.git, id)?.parent_ids())
    };
    // Everything `hide` reaches is already indexed.
    let mut seen: HashSet<Oid> = HashSet::new();
    if let Some(old) = hide {
        let mut stack = vec![old];
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                stack.extend(parents(id)?);
            }
        }
    }
    if seen.contains(&tip) {
        return Ok(Vec::new());
    }
    // Iterative post-order: a commit is listed once every parent is.
    let mut order = Vec::new();
    let mut stack: Vec<(Oid, Vec<Oid>)> = Vec::new();
    seen.insert(tip);
    stack.push((tip, parents(tip)?.into_iter().rev().collect()));
    while let Some((id, pending)) = stack.last_mut() {
        match pending.pop() {
            Some(parent) => {
                if seen.insert(parent) {
                    let next = parents(parent)?.into_iter().rev().collect();
                    stack.push((parent, next));
                }
            }
            None => {
                order.push(*id);
                stack.pop();
            }
        }
    }
    Ok(order)
}

/// A commit as the readers need it: its tree, its parents and what it says. libgit2 refuses a
/// commit whose author or committer line it cannot parse (an unparseable timestamp, which
/// `git fsck` reports as a bad date, and which git itself shows as 1970); such a commit is read
/// from its raw object instead and shown undated, so that one damaged commit never stops `log`,
/// `diff`, `status` or `verify`.
pub enum CommitRead<'r> {
    Parsed(git2::Commit<'r>),
    Raw {
        tree: Oid,
        parents: Vec<Oid>,
        info: Box<CommitInfo>,
    },
}

impl<'r> CommitRead<'r> {
    /// The commit `id`; libgit2's error when it is not a commit at all, or not even its raw
    /// object starts as git writes one.
    pub fn of(git: &'r git2::Repository, id: Oid) -> Result<Self, git2::Error> {
        let error = match git.find_commit(id) {
            Ok(commit) => return Ok(Self::Parsed(commit)),
            Err(e) => e,
        };
        let odb = git.odb()?;
        let raw = odb
            .read(id)
            .ok()
            .filter(|o| o.kind() == ObjectType::Commit)
            .and_then(|o| raw_commit(id, o.data()));
        match raw {
            Some((tree, parents, info)) => Ok(Self::Raw {
                tree,
                parents,
                info: Box::new(info),
            }),
            None => Err(error),
        }
    }

    pub fn id(&self) -> Oid {
        match self {
            Self::Parsed(c) => c.id(),
            Self::Raw { info, .. } => info.id,
        }
    }

    pub fn tree_id(&self) -> Oid {
        match self {
            Self::Parsed(c) => c.tree_id(),
            Self::Raw { tree, .. } => *tree,
        }
    }

    pub fn tree(&self, git: &'r git2::Repository) -> Result<Tree<'r>, git2::Error> {
        git.find_tree(self.tree_id())
    }

    pub fn parent_ids(&self) -> Vec<Oid> {
        match self {
            Self::Parsed(c) => c.parent_ids().collect(),
            Self::Raw { parents, .. } => parents.clone(),
        }
    }

    /// What the commit says, as the index keeps it.
    pub fn info(&self) -> CommitInfo {
        match self {
            Self::Parsed(c) => commit_info(c),
            Self::Raw { info, .. } => (**info).clone(),
        }
    }

    /// The author's e-mail address, as written.
    pub fn email(&self) -> String {
        match self {
            Self::Parsed(c) => String::from_utf8_lossy(c.author().email_bytes()).into_owned(),
            Self::Raw { info, .. } => info.email.clone(),
        }
    }

    /// The author's day (the epoch's for an undated commit: [`CommitInfo::undated`]).
    pub fn date(&self) -> crate::model::Date {
        match self {
            Self::Parsed(c) => crate::model::Date::from_git_time(
                c.author().when().seconds(),
                c.author().when().offset_minutes(),
            ),
            Self::Raw { info, .. } => info.date(),
        }
    }
}

/// A commit object read without libgit2's parser: tree and parents as git writes them, the
/// author's name and address however the line reads, its time if it reads (else the committer's,
/// else zero, and undated), the message lossily.
fn raw_commit(id: Oid, data: &[u8]) -> Option<(Oid, Vec<Oid>, CommitInfo)> {
    let (tree, parents) = raw_commit_links(data)?;
    let (header, message) = match memchr::memmem::find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &b""[..]),
    };
    let line = |key: &[u8]| {
        header
            .split(|&b| b == b'\n')
            .find_map(|l| l.strip_prefix(key))
            .map(|l| String::from_utf8_lossy(l).into_owned())
    };
    // `Name <email> seconds +hhmm`
    let person = |line: &str| -> (String, String, Option<(i64, i32)>) {
        let (name, rest) = line.split_once('<').unwrap_or((line, ""));
        let (email, when) = rest.split_once('>').unwrap_or((rest, ""));
        let mut parts = when.split_whitespace();
        let seconds = parts.next().and_then(|t| t.parse::<i64>().ok());
        let offset = parts.next().and_then(|z| {
            let (sign, digits) = z.split_at_checked(1)?;
            let hhmm: i32 = digits.parse().ok().filter(|_| digits.len() == 4)?;
            let minutes = hhmm / 100 * 60 + hhmm % 100;
            match sign {
                "+" => Some(minutes),
                "-" => Some(-minutes),
                _ => None,
            }
        });
        let time = seconds.map(|s| (s, offset.unwrap_or(0)));
        (name.trim().to_string(), email.trim().to_string(), time)
    };
    let (author, email, author_time) = person(&line(b"author ").unwrap_or_default());
    let committer_time = line(b"committer ").and_then(|l| person(&l).2);
    let (time, offset) = author_time.or(committer_time).unwrap_or((0, 0));
    let message = String::from_utf8_lossy(message);
    Some((
        tree,
        parents,
        CommitInfo {
            id,
            author,
            email,
            time,
            offset,
            summary: message.lines().next().unwrap_or("").to_string(),
            trailers: crate::events::Trailers::parse(&message),
            undated: author_time.is_none(),
        },
    ))
}
