//! The commit writer: one set of file changes becomes exactly one commit on the current branch.
//!
//! Nothing is lost. Before anything is written it refuses, changing nothing, when a merge or
//! rebase is in progress, when `index.lock` or the branch's `refs/heads/<branch>.lock` is held
//! (each named), when HEAD is detached, when a file it would write has uncommitted changes or is
//! there untracked or ignored, when a path it would write is a symbolic link or lies in a linked
//! folder, when a file is over its size cap, when a `pre-commit` or `commit-msg` hook fails
//! ([`hooks`]), or when the branch is no longer where the caller read it.
//!
//! It writes what `git add` would store: where git converts line endings (`core.autocrlf`, the
//! `text` and `eol` attributes) CRLF becomes LF, so the commit, the index and the work tree agree.
//!
//! Writers of this program take turns: each holds an OS file lock on `.git/bargain.lock` for the
//! whole write (released by the OS if the process dies), so two of them never interleave their
//! index updates; git's own commands are kept out by the `index.lock` check and by the branch's
//! compare-and-swap. The steps:
//!
//! 1. the blobs, tree and commit are written to the object database (unreferenced so far);
//! 2. a journal, `.git/bargain-journal`, names the commit and the paths it changes;
//! 3. the branch moves by compare-and-swap — the commit is recorded from here on;
//! 4. the work-tree files are replaced, each by a temporary file and a rename, and the index is
//!    updated (libgit2 writes it through `index.lock` and a rename);
//! 5. the journal is removed.
//!
//! A writer killed at any point leaves a repository that `git fsck` accepts and loses nothing: the
//! commit is either on the branch or not. If it died between 3 and 5, the next write (or
//! [`recover`]) finishes the job: each journaled path still holding the previous commit's version
//! in the work tree and index is brought to the new one; a path someone has edited since is left
//! alone. Until then the work tree merely shows the previous text of files the new commit holds.
//!
//! Permissions and allowed transitions are `record`'s business, not this module's.

use super::{Repo, StoreError};
use git2::{FileMode, Oid, RepositoryState, Signature, Time};
use std::io::Write;
use std::path::{Component, Path};

/// One file to write (`Some`) or remove (`None`), by its path inside the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileWrite {
    pub path: String,
    pub content: Option<Vec<u8>>,
}

/// Who a commit is by and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
    /// Seconds since the epoch and offset in minutes; `None` for now.
    pub time: Option<(i64, i32)>,
}

/// Everything one commit needs.
#[derive(Debug, Clone)]
pub struct CommitRequest {
    pub files: Vec<FileWrite>,
    /// The whole message: a readable sentence, a blank line, trailers.
    pub message: String,
    pub author: Author,
    /// The commit the caller read the table at; the write is refused if the branch has moved.
    /// `None` for the first commit of a new repository.
    pub expected_head: Option<Oid>,
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "a git operation is in progress ({0:?}); finish or abort it first (git status shows how)"
    )]
    InProgress(RepositoryState),
    #[error(
        "another git process holds .git/index.lock; wait for it, or remove the lock if no git is running"
    )]
    Locked,
    #[error("HEAD is detached; check out the table's branch before recording (git switch main)")]
    Detached,
    #[error("the repository has no work tree to record in")]
    Bare,
    #[error("{} uncommitted changes; commit or stash them first, nothing was written", uncommitted(.0))]
    Uncommitted(Vec<String>),
    #[error(
        "the branch moved while this was being recorded (expected {}, found {}); reload and try again",
        short(*.expected),
        short(*.found)
    )]
    BranchMoved {
        expected: Option<Oid>,
        found: Option<Oid>,
    },
    #[error("refusing to write outside the table: {0}")]
    BadPath(String),
    /// A path the recording would write is a symbolic link, or lies in a linked folder.
    #[error(
        "{} is a symbolic link or lies inside one; the recording never writes through a link (replace it with a real file or folder), nothing was written",
        crate::text::escape_line(.0)
    )]
    Link(String),
    /// A file the recording would write exists but is not committed (untracked or ignored).
    #[error(
        "{} not committed (untracked or ignored) and the recording would overwrite it; move it away first, nothing was written",
        untracked(.0)
    )]
    Untracked(Vec<String>),
    /// Another git process holds the branch's lock file (`refs/heads/<branch>.lock`).
    #[error(
        "another git process holds {}; wait for it, or remove the lock if no git is running, nothing was written",
        .0.display()
    )]
    RefLocked(std::path::PathBuf),
    /// A file over its cap ([`crate::text::MAX_TEXT_BYTES`], [`crate::text::MAX_YAML_BYTES`]):
    /// written, it could not be read back.
    #[error("{0}")]
    TooLarge(crate::text::Problem),
    /// A `pre-commit` or `commit-msg` hook refused the recording; its output is shown.
    #[error(
        "the {hook} hook refused the recording ({status}), nothing was written{}",
        hook_output(output)
    )]
    Hook {
        hook: &'static str,
        status: String,
        output: String,
    },
    /// Another bargain writer kept `.git/bargain.lock` for too long.
    #[error("another bargain is recording in this repository; try again in a moment")]
    Busy,
    /// The commit is recorded (the branch points at it) but the work tree or index could not be
    /// brought along; the next write finishes it (see [`recover`]).
    #[error(
        "recorded as {}, but the work tree could not be updated ({error}); the next recording brings it along",
        short(Some(*.commit))
    )]
    Unfinished { commit: Oid, error: Box<WriteError> },
    /// The commit had to be signed (`commit.gpgsign`, or the table's `require_signed`) and
    /// could not be; nothing was written.
    #[error("nothing was written: {0}")]
    Signing(#[from] super::signing::SigningError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<super::signing::CommitError> for WriteError {
    fn from(e: super::signing::CommitError) -> WriteError {
        match e {
            super::signing::CommitError::Git(e) => e.into(),
            super::signing::CommitError::Signing(e) => e.into(),
        }
    }
}

fn uncommitted(paths: &[String]) -> String {
    if paths.len() == 1 {
        format!("{} has", paths[0])
    } else {
        format!("{} have", paths.join(", "))
    }
}

fn untracked(paths: &[String]) -> String {
    let paths: Vec<_> = paths.iter().map(|p| crate::text::escape_line(p)).collect();
    if paths.len() == 1 {
        format!("{} exists but is", paths[0])
    } else {
        format!("{} exist but are", paths.join(", "))
    }
}

/// A hook's output after the refusal, escaped: a hook's text reaches the terminal as text only.
fn hook_output(output: &str) -> String {
    let output = output.trim_end();
    if output.is_empty() {
        String::new()
    } else {
        format!(":\n{}", crate::text::escape_controls(output))
    }
}

fn short(id: Option<Oid>) -> String {
    id.map_or_else(
        || "no commit".to_string(),
        |id| id.to_string()[..10].to_string(),
    )
}

impl From<git2::Error> for WriteError {
    fn from(e: git2::Error) -> Self {
        // The index lock is the one libgit2 takes behind the writer's back (`index.write`).
        if e.code() == git2::ErrorCode::Locked && e.message().contains("index.lock") {
            return WriteError::Locked;
        }
        WriteError::Store(StoreError::Git(e))
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Store(StoreError::Io(e))
    }
}

/// Where a write in progress names its commit and paths (inside the git dir).
const JOURNAL: &str = "bargain-journal";
/// Whether a write was interrupted after its commit landed: its journal is still there, and the
/// next write (or [`recover`]) will bring the work tree along.
pub fn interrupted(repo: &Repo) -> bool {
    repo.git.path().join(JOURNAL).exists()
}

/// The file whose OS lock makes this program's writers take turns (inside the git dir).
const WRITER_LOCK: &str = "bargain.lock";
/// How long a writer waits for the others to finish. A turn is a read of the table, its checks and
/// one commit (tens of milliseconds on a real table), so a burst of twenty recordings lands well
/// within it; a writer that holds its turn longer than this is stuck, and the others say so.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Makes one commit of `request` on the current branch and brings the work tree and index along.
pub fn commit(repo: &Repo, request: &CommitRequest) -> Result<Oid, WriteError> {
    let git = &repo.git;
    let workdir = git.workdir().ok_or(WriteError::Bare)?.to_path_buf();
    for file in &request.files {
        check_path(&file.path)?;
        if let Some(bytes) = &file.content {
            let cap = if file.path.ends_with(".yaml") {
                crate::text::MAX_YAML_BYTES
            } else {
                crate::text::MAX_TEXT_BYTES
            };
            crate::text::check_size(bytes.len() as u64, cap, &file.path)
                .map_err(WriteError::TooLarge)?;
        }
    }
    // A caller that read the table inside its own turn (see [`turn`]) already holds the lock.
    let _turn = if Turn::held(git.path()) {
        None
    } else {
        Some(WriterLock::acquire(git.path())?)
    };
    if git.state() != RepositoryState::Clean {
        return Err(WriteError::InProgress(git.state()));
    }
    let branch = branch_of_head(repo)?;
    finish_interrupted(repo, &branch)?;
    if git.path().join("index.lock").exists() {
        return Err(WriteError::Locked);
    }
    let ref_lock = ref_lock_of(git, &branch);
    if ref_lock.exists() {
        return Err(WriteError::RefLocked(ref_lock));
    }
    let current = git.refname_to_id(&branch).ok();
    if current != request.expected_head {
        return Err(WriteError::BranchMoved {
            expected: request.expected_head,
            found: current,
        });
    }
    // The index is re-read from disk: another process may have changed it since we opened it.
    let mut index = git.index()?;
    index.read(true)?;
    // Read raw where libgit2 refuses the tip (a hand commit with a bad date): it is still the
    // parent the recording goes on.
    let parent = current
        .map(|id| super::history::CommitRead::of(git, id))
        .transpose()?;
    let head_tree = parent.as_ref().map(|p| p.tree(git)).transpose()?;
    let (mut dirty, mut untracked) = (Vec::new(), Vec::new());
    for file in &request.files {
        match in_the_way(
            repo,
            head_tree.as_ref(),
            &file.path,
            file.content.as_deref(),
        ) {
            None => {}
            Some(Obstacle::Link) => return Err(WriteError::Link(file.path.clone())),
            Some(Obstacle::Untracked) => untracked.push(file.path.clone()),
            Some(Obstacle::Uncommitted) => dirty.push(file.path.clone()),
        }
    }
    if !untracked.is_empty() {
        return Err(WriteError::Untracked(untracked));
    }
    if !dirty.is_empty() {
        return Err(WriteError::Uncommitted(dirty));
    }
    // What git itself would store for each file (line endings by `core.autocrlf` and the
    // `text`/`eol` attributes), so the index and work tree agree with the commit.
    let contents: Vec<Option<Vec<u8>>> = request
        .files
        .iter()
        .map(|f| {
            f.content
                .as_deref()
                .map(|bytes| as_git_stores(git, &f.path, bytes).0)
        })
        .collect();

    let mut builder = git2::build::TreeUpdateBuilder::new();
    for (file, content) in request.files.iter().zip(&contents) {
        match content {
            Some(bytes) => {
                let blob = git
                    .blob(bytes)
                    .map_err(|e| why_not_written(git, e, bytes.len()))?;
                builder.upsert(file.path.as_str(), blob, FileMode::Blob);
            }
            None => {
                builder.remove(file.path.as_str());
            }
        }
    }
    let base = match &parent {
        Some(p) => p.tree(git)?,
        None => git.find_tree(git.treebuilder(None)?.write()?)?,
    };
    let tree = git.find_tree(builder.create_updated(git, &base)?)?;
    hooks::before_commit(git, &workdir, &tree, &request.message)?;
    let signature = signature(&request.author)?;
    let parents: Vec<git2::Oid> = parent.iter().map(|p| p.id()).collect();
    let id = super::signing::commit_object(git, &signature, &request.message, &tree, &parents)?;
    test_pause("commit-written");
    let journal = git.path().join(JOURNAL);
    let paths: Vec<&str> = request.files.iter().map(|f| f.path.as_str()).collect();
    write_atomically(&journal, Journal::text(id, Stage::Files, &paths).as_bytes())?;
    let log = format!(
        "bargain: {}",
        request.message.lines().next().unwrap_or_default()
    );
    // Compare-and-swap: a writer that lost the race changes nothing.
    let moved = match current {
        Some(old) => git.reference_matching(&branch, id, true, old, &log),
        None => git.reference(&branch, id, false, &log),
    };
    if let Err(e) = moved {
        let _ = std::fs::remove_file(&journal);
        return Err(
            if matches!(
                e.code(),
                git2::ErrorCode::Modified | git2::ErrorCode::Exists
            ) {
                WriteError::BranchMoved {
                    expected: current,
                    found: git.refname_to_id(&branch).ok(),
                }
            } else {
                e.into()
            },
        );
    }
    test_pause("branch-moved");

    let mut checkout = || -> Result<(), WriteError> {
        for (file, content) in request.files.iter().zip(&contents) {
            let on_disk = workdir.join(&file.path);
            match content {
                Some(bytes) => {
                    write_atomically(&on_disk, bytes)?;
                    index.add_path(Path::new(&file.path))?;
                }
                None => {
                    remove_file(&on_disk)?;
                    let _ = index.remove_path(Path::new(&file.path));
                }
            }
            test_pause("file-written");
        }
        // Said before libgit2 takes `index.lock`, so a lock left by a kill is known to be ours.
        write_atomically(&journal, Journal::text(id, Stage::Index, &paths).as_bytes())?;
        test_pause("index-started");
        index.write()?;
        test_pause("index-written");
        Ok(())
    };
    checkout().map_err(|error| WriteError::Unfinished {
        commit: id,
        error: Box::new(error),
    })?;
    let _ = std::fs::remove_file(&journal);
    hooks::after_commit(git, &workdir);
    Ok(id)
}

/// libgit2 can report a failed object write as "no error" (the system's reason is lost on the
/// way): the same number of bytes is written beside the objects, and the system's own reason for
/// refusing them (a full disk, a read-only file system, a quota) is the error.
fn why_not_written(git: &git2::Repository, error: git2::Error, len: usize) -> WriteError {
    let probe = || -> std::io::Result<()> {
        let mut file = tempfile::Builder::new()
            .prefix("bargain-probe-")
            .tempfile_in(git.path().join("objects"))?;
        file.write_all(&vec![0u8; len.max(1)])?;
        file.as_file().sync_all()
    };
    match probe() {
        Err(io) => WriteError::Store(StoreError::Io(io)),
        Ok(()) => error.into(),
    }
}

/// A turn at writing: while the value lives, no other writer of this program records in the
/// repository, and [`commit`] from this thread takes no second lock. A recording that reads the
/// table, checks it and commits takes its turn before the read, so a burst of writers land one
/// after the other instead of finding the branch moved under them. Waits at most 30 seconds.
pub fn turn(repo: &Repo) -> Result<Turn, WriteError> {
    let git_dir = repo.git.path().to_path_buf();
    if Turn::held(&git_dir) {
        return Ok(Turn {
            lock: None,
            git_dir,
        });
    }
    let lock = WriterLock::acquire(&git_dir)?;
    HELD.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((git_dir.clone(), std::thread::current().id()));
    Ok(Turn {
        lock: Some(lock),
        git_dir,
    })
}

/// See [`turn`].
pub struct Turn {
    lock: Option<WriterLock>,
    git_dir: std::path::PathBuf,
}

/// The turns this process holds, by git dir and thread (a lock file's OS lock does not nest).
static HELD: std::sync::Mutex<Vec<(std::path::PathBuf, std::thread::ThreadId)>> =
    std::sync::Mutex::new(Vec::new());

impl Turn {
    fn held(git_dir: &Path) -> bool {
        let me = std::thread::current().id();
        HELD.lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|(dir, thread)| dir == git_dir && *thread == me)
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if self.lock.take().is_some() {
            let me = std::thread::current().id();
            HELD.lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|(dir, thread)| !(dir == &self.git_dir && *thread == me));
        }
    }
}

/// The lock file git takes to move `branch` (`refs/heads/main` → `.git/refs/heads/main.lock`).
fn ref_lock_of(git: &git2::Repository, branch: &str) -> std::path::PathBuf {
    // Refs live in the common dir (shared by linked work trees).
    git.commondir().join(format!("{branch}.lock"))
}

/// Finishes a write that was interrupted after its commit was recorded (see the module notes).
/// Returns the paths brought up to date. Safe to call at any time; a no-op when nothing is
/// pending. The TUI may call it when it opens a repository.
pub fn recover(repo: &Repo) -> Result<Vec<String>, WriteError> {
    let git = &repo.git;
    if git.workdir().is_none() || !git.path().join(JOURNAL).exists() {
        return Ok(Vec::new());
    }
    let _turn = if Turn::held(git.path()) {
        None
    } else {
        Some(WriterLock::acquire(git.path())?)
    };
    let branch = branch_of_head(repo)?;
    finish_interrupted(repo, &branch)
}

/// The branch HEAD points to (`refs/heads/...`), or the refusal for a detached HEAD.
fn branch_of_head(repo: &Repo) -> Result<String, WriteError> {
    let head_ref = repo.git.find_reference("HEAD")?;
    match head_ref.symbolic_target_bytes() {
        Some(target) => Ok(String::from_utf8_lossy(target).into_owned()),
        None => Err(WriteError::Detached),
    }
}

/// With the writer lock held: roll an interrupted write forward, or forget one that never
/// reached the branch.
fn finish_interrupted(repo: &Repo, branch: &str) -> Result<Vec<String>, WriteError> {
    let git = &repo.git;
    let journal = git.path().join(JOURNAL);
    let Ok(text) = std::fs::read_to_string(&journal) else {
        return Ok(Vec::new());
    };
    let parsed = Journal::parse(&text);
    let paths: Vec<&str> = parsed.paths.clone();
    let commit = parsed.commit;
    match parsed.stage {
        Stage::Index => remove_our_stale_lock(&git.path().join("index.lock"), &journal, parsed.pid),
        // The journal is written just before the branch moves: a kill during git's ref update
        // leaves `refs/heads/<branch>.lock`, made within moments of the journal.
        Stage::Files => remove_our_stale_lock(&ref_lock_of(git, branch), &journal, parsed.pid),
    }
    if git.path().join("index.lock").exists() {
        return Err(WriteError::Locked);
    }
    let workdir = git.workdir().ok_or(WriteError::Bare)?.to_path_buf();
    let tip = git.refname_to_id(branch).ok();
    let mut finished = Vec::new();
    if let Some(commit) = commit.filter(|c| Some(*c) == tip) {
        let new = git.find_commit(commit)?;
        let new_tree = new.tree()?;
        let old_tree = match new.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let blob_in = |tree: Option<&git2::Tree<'_>>, path: &str| {
            tree.and_then(|t| t.get_path(Path::new(path)).ok())
                .map(|e| e.id())
        };
        let mut index = git.index()?;
        index.read(true)?;
        for &path in &paths {
            let want = blob_in(Some(&new_tree), path);
            let was = blob_in(old_tree.as_ref(), path);
            let on_disk = workdir.join(path);
            let in_tree = match std::fs::read(&on_disk) {
                Ok(bytes) => Some(Oid::hash_object(git2::ObjectType::Blob, &bytes)?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e.into()),
            };
            let in_index = index.get_path(Path::new(path), 0).map(|e| e.id);
            let ours = |v: Option<Oid>| v == want || v == was;
            if !ours(in_tree) || !ours(in_index) {
                // Someone edited it since: theirs stays, and shows as uncommitted.
                continue;
            }
            if in_tree == want && in_index == want {
                continue;
            }
            match want {
                Some(blob) => {
                    let content = git.find_blob(blob)?.content().to_vec();
                    write_atomically(&on_disk, &content)?;
                    index.add_path(Path::new(path))?;
                }
                None => {
                    remove_file(&on_disk)?;
                    let _ = index.remove_path(Path::new(path));
                }
            }
            finished.push(path.to_string());
        }
        index.write()?;
    }
    // Temporary files of the interrupted write (no writer runs now: we hold the lock).
    for &path in &paths {
        remove_temporaries(&workdir.join(path));
    }
    std::fs::remove_file(&journal)?;
    Ok(finished)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The branch may have moved; the work-tree files are being written.
    Files,
    /// The index is being written (libgit2 holds `index.lock`).
    Index,
}

/// The journal of a write in progress: `commit <id>`, `pid <n>`, `stage files|index`, a blank
/// line, then one path per line.
struct Journal<'a> {
    commit: Option<Oid>,
    pid: Option<u32>,
    stage: Stage,
    paths: Vec<&'a str>,
}

impl<'a> Journal<'a> {
    fn text(commit: Oid, stage: Stage, paths: &[&str]) -> String {
        let stage = match stage {
            Stage::Files => "files",
            Stage::Index => "index",
        };
        let mut text = format!(
            "commit {commit}\npid {}\nstage {stage}\n\n",
            std::process::id()
        );
        for path in paths {
            text.push_str(path);
            text.push('\n');
        }
        text
    }

    fn parse(text: &'a str) -> Journal<'a> {
        let (header, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut journal = Journal {
            commit: None,
            pid: None,
            stage: Stage::Files,
            paths: body
                .lines()
                .filter(|p| !p.is_empty() && check_path(p).is_ok())
                .collect(),
        };
        for line in header.lines() {
            match line.split_once(' ') {
                Some(("commit", id)) => journal.commit = Oid::from_str(id.trim()).ok(),
                Some(("pid", pid)) => journal.pid = pid.trim().parse().ok(),
                Some(("stage", "index")) => journal.stage = Stage::Index,
                _ => {}
            }
        }
        journal
    }
}

/// [`remove_our_stale_lock`] for the branch's ref lock (`branch` a full ref name): a sync killed
/// while it moved the branch leaves it, as a writer killed at that step does.
pub(crate) fn remove_our_stale_branch_lock(
    git: &git2::Repository,
    branch: &str,
    journal: &Path,
    pid: Option<u32>,
) {
    remove_our_stale_lock(&ref_lock_of(git, branch), journal, pid);
}

/// [`remove_our_stale_lock`] for `index.lock` (a sync moves the work tree and index too).
pub(crate) fn remove_our_stale_index_lock(git_dir: &Path, journal: &Path, pid: Option<u32>) {
    remove_our_stale_lock(&git_dir.join("index.lock"), journal, pid);
}

/// A writer killed while libgit2 moved the branch or wrote the index leaves `refs/heads/<branch>.lock`
/// or `index.lock` behind, as git does. It is removed only when it is certainly that writer's:
/// the journal says that step was under way, that process is gone (Linux: no `/proc/<pid>`;
/// elsewhere nothing is assumed), and the lock was made within seconds of that journal entry —
/// not later by a git command.
fn remove_our_stale_lock(lock: &Path, journal: &Path, pid: Option<u32>) {
    let (Some(pid), Ok(lock_meta), Ok(journal_meta)) =
        (pid, std::fs::metadata(lock), std::fs::metadata(journal))
    else {
        return;
    };
    let proc = Path::new("/proc");
    if !proc.join("self").exists() || proc.join(pid.to_string()).exists() {
        return;
    }
    let (Ok(locked), Ok(journaled)) = (lock_meta.modified(), journal_meta.modified()) else {
        return;
    };
    let close = match locked.duration_since(journaled) {
        Ok(after) => after < std::time::Duration::from_secs(5),
        Err(before) => before.duration() < std::time::Duration::from_millis(50),
    };
    if close {
        let _ = std::fs::remove_file(lock);
    }
}

fn remove_file(path: &Path) -> Result<(), WriteError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// This program's writers take turns: an OS lock on `.git/bargain.lock`, held while the value
/// lives and released by the OS if the process dies.
pub(crate) struct WriterLock {
    _file: std::fs::File,
}

impl WriterLock {
    pub(crate) fn acquire(git_dir: &Path) -> Result<WriterLock, WriteError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(git_dir.join(WRITER_LOCK))?;
        let started = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriterLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(WriteError::Busy),
                Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
            }
        }
    }
}

/// Tests of crash safety stop a real writer at a named step: with `BARGAIN_TEST_PAUSE=STEP:FILE`
/// the writer creates FILE on reaching STEP and sleeps there, to be killed. Debug builds only.
fn test_pause(step: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
    let Ok(setting) = std::env::var("BARGAIN_TEST_PAUSE") else {
        return;
    };
    if let Some((wanted, marker)) = setting.split_once(':')
        && wanted == step
    {
        let _ = std::fs::write(marker, step);
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

fn signature(author: &Author) -> Result<Signature<'static>, git2::Error> {
    match author.time {
        Some((seconds, offset)) => {
            Signature::new(&author.name, &author.email, &Time::new(seconds, offset))
        }
        None => Signature::now(&author.name, &author.email),
    }
}

/// A path the writer may touch: relative, inside the repository, no `..`, not inside `.git`.
fn check_path(path: &str) -> Result<(), WriteError> {
    let p = Path::new(path);
    let fine = !path.is_empty()
        && !path.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !p
            .components()
            .any(|c| c.as_os_str().eq_ignore_ascii_case(".git"));
    if fine {
        Ok(())
    } else {
        Err(WriteError::BadPath(path.to_string()))
    }
}

/// Why a file cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Obstacle {
    /// The path or a folder on the way is a symbolic link.
    Link,
    /// A file HEAD does not have (untracked or ignored) is there.
    Untracked,
    /// The work tree or index holds changes to a committed file.
    Uncommitted,
}

/// What stands in the way of writing `path`, if anything: writing would follow a link or lose
/// something HEAD does not hold. A file that already holds exactly the new content is not in the
/// way.
fn in_the_way(
    repo: &Repo,
    head: Option<&git2::Tree<'_>>,
    path: &str,
    new: Option<&[u8]>,
) -> Option<Obstacle> {
    let on_disk = repo.root().join(path);
    // A symlink anywhere on the way would send the write outside the repository.
    let mut walk = repo.root().to_path_buf();
    for part in Path::new(path).components() {
        walk.push(part);
        if walk
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            return Some(Obstacle::Link);
        }
    }
    let differs = || new.is_none_or(|n| std::fs::read(&on_disk).ok().as_deref() != Some(n));
    let committed = head.is_some_and(|t| t.get_path(Path::new(path)).is_ok());
    if !committed {
        // Untracked or ignored (git's status does not report ignored files as changes).
        let there = on_disk.symlink_metadata().is_ok();
        let staged = repo
            .git
            .status_file(Path::new(path))
            .is_ok_and(|s| s.intersects(git2::Status::INDEX_NEW | git2::Status::INDEX_MODIFIED));
        return match (there && differs(), staged) {
            (true, false) => Some(Obstacle::Untracked),
            (true, true) => Some(Obstacle::Uncommitted),
            (false, _) => None,
        };
    }
    match repo.git.status_file(Path::new(path)) {
        Ok(status) => {
            let changed = status.intersects(
                git2::Status::WT_MODIFIED
                    | git2::Status::WT_NEW
                    | git2::Status::WT_DELETED
                    | git2::Status::WT_TYPECHANGE
                    | git2::Status::INDEX_MODIFIED
                    | git2::Status::INDEX_NEW
                    | git2::Status::INDEX_DELETED
                    | git2::Status::CONFLICTED,
            );
            (changed && differs()).then_some(Obstacle::Uncommitted)
        }
        Err(_) => (on_disk.exists() && differs()).then_some(Obstacle::Uncommitted),
    }
}

/// A way git's clean filter stores a file other than as its bytes read (`gitattributes(5)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// CRLF line endings stored as LF (`core.autocrlf`, or a `text`/`eol` attribute).
    LineEndings,
    /// `$Id: …$` stored as `$Id$` (the `ident` attribute; git expands it again on checkout).
    Ident,
}

/// The files of a recording that git stores other than as written, and how: what a front tells
/// the user after recording ("line endings stored as LF"), so the normalisation is never silent.
pub fn stored_differently(repo: &Repo, files: &[FileWrite]) -> Vec<(String, Vec<Stored>)> {
    files
        .iter()
        .filter_map(|f| {
            let (_, how) = as_git_stores(&repo.git, &f.path, f.content.as_deref()?);
            (!how.is_empty()).then(|| (f.path.clone(), how))
        })
        .collect()
}

/// The bytes git would store for `path` from a work-tree file holding `bytes`: CRLF line endings
/// become LF where git's clean filter would convert them (`core.autocrlf` true or input, or a
/// `text` or `eol` attribute), and `$Id: …$` becomes `$Id$` where the `ident` attribute is set.
/// The pass is normalised at the door, so the commit, the index and the work tree agree, and
/// `git status` shows nothing left over; other files are kept exact. Also says what changed.
fn as_git_stores(git: &git2::Repository, path: &str, bytes: &[u8]) -> (Vec<u8>, Vec<Stored>) {
    let mut how = Vec::new();
    let mut out =
        if memchr::memmem::find(bytes, b"\r\n").is_some() && converts_line_endings(git, path) {
            how.push(Stored::LineEndings);
            let mut out = Vec::with_capacity(bytes.len());
            let mut rest = bytes;
            while let Some(at) = memchr::memmem::find(rest, b"\r\n") {
                out.extend_from_slice(&rest[..at]);
                out.push(b'\n');
                rest = &rest[at + 2..];
            }
            out.extend_from_slice(rest);
            out
        } else {
            bytes.to_vec()
        };
    if memchr::memmem::find(&out, b"$Id:").is_some()
        && matches!(attribute(git, path, "ident"), git2::AttrValue::True)
        && let Some(collapsed) = collapse_ident(&out)
    {
        how.push(Stored::Ident);
        out = collapsed;
    }
    (out, how)
}

/// `$Id: anything$` (on one line) as `$Id$`, as git's ident clean filter stores it; `None` when
/// there is nothing to collapse.
fn collapse_ident(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    let mut changed = false;
    while let Some(at) = memchr::memmem::find(rest, b"$Id:") {
        let after = &rest[at + 4..];
        match memchr::memchr2(b'$', b'\n', after) {
            Some(end) if after[end] == b'$' => {
                out.extend_from_slice(&rest[..at]);
                out.extend_from_slice(b"$Id$");
                rest = &after[end + 1..];
                changed = true;
            }
            _ => {
                out.extend_from_slice(&rest[..at + 4]);
                rest = after;
            }
        }
    }
    out.extend_from_slice(rest);
    changed.then_some(out)
}

fn attribute<'r>(git: &'r git2::Repository, path: &str, name: &str) -> git2::AttrValue<'r> {
    git2::AttrValue::from_string(
        git.get_attr(Path::new(path), name, git2::AttrCheckFlags::FILE_THEN_INDEX)
            .ok()
            .flatten(),
    )
}

/// Whether git's clean filter converts CRLF to LF for `path` (see `gitattributes(5)`, "text").
fn converts_line_endings(git: &git2::Repository, path: &str) -> bool {
    let attr = |name: &str| attribute(git, path, name);
    match attr("text") {
        git2::AttrValue::False => return false,
        git2::AttrValue::True | git2::AttrValue::String(_) => return true,
        _ => {}
    }
    if matches!(attr("eol"), git2::AttrValue::String(_)) {
        return true;
    }
    let autocrlf = git
        .config()
        .and_then(|c| c.get_string("core.autocrlf"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(autocrlf.as_str(), "true" | "input" | "yes" | "on" | "1")
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so the
/// file is either the old one or the new one, never half of each.
/// Removes the temporary files a killed [`write_atomically`] of `on_disk` left beside it. Only
/// while holding the writers' lock.
pub(crate) fn remove_temporaries(on_disk: &Path) {
    if let (Some(folder), Some(name)) = (on_disk.parent(), on_disk.file_name()) {
        let prefix = format!(".{}.bargain-", name.to_string_lossy());
        if let Ok(entries) = std::fs::read_dir(folder) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy().into_owned());
    // Created exclusively (O_EXCL, a random name) beside the target: never a file or link that
    // was already there. Removed again if anything fails before the rename; one left by a kill
    // is found by its prefix when the journal is finished (see [`recover`]).
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{name}.bargain-"))
        .tempfile_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Git's commit hooks, run as `git commit` runs them: `pre-commit` (with `GIT_INDEX_FILE` naming
/// an index of the commit's tree, so `git diff --cached` shows the recording) and `commit-msg`
/// (with the message in `COMMIT_EDITMSG`) before anything is recorded — a hook that fails refuses
/// the recording and its output is shown — and `post-commit` after it (its outcome changes
/// nothing, as with git). They are found in `core.hooksPath` (relative to the work tree), else in
/// `.git/hooks`, and run when executable, from the top of the work tree. A `commit-msg` hook may
/// refuse a message but not rewrite it: the message is the recording's record (its trailers are
/// read by `log` and `verify`).
mod hooks {
    use super::WriteError;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    fn find(git: &git2::Repository, workdir: &Path, name: &str) -> Option<PathBuf> {
        let folder = match git.config().and_then(|c| c.get_path("core.hooksPath")) {
            Ok(dir) if dir.is_absolute() => dir,
            Ok(dir) => workdir.join(dir),
            Err(_) => git.path().join("hooks"),
        };
        let hook = folder.join(name);
        executable(&hook).then_some(hook)
    }

    #[cfg(unix)]
    fn executable(path: &Path) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }

    #[cfg(not(unix))]
    fn executable(path: &Path) -> bool {
        path.is_file()
    }

    /// Runs `hook`; its output (stdout and stderr together, as git shows them) when it fails.
    fn run(
        hook: &Path,
        workdir: &Path,
        args: &[&Path],
        env: &[(&str, &Path)],
    ) -> Result<Option<(String, String)>, WriteError> {
        let mut command = Command::new(hook);
        command
            .args(args)
            .current_dir(workdir)
            .stdin(Stdio::null())
            .env("GIT_EDITOR", ":");
        for (key, value) in env {
            command.env(key, value);
        }
        // A hook written a moment ago can be briefly busy (another thread's fork still holds it
        // open for writing): tried again shortly, as a shell would have to be.
        let mut tries = 0;
        let output = loop {
            match command.output() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 20 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                result => break result?,
            }
        };
        if output.status.success() {
            return Ok(None);
        }
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        let status = match output.status.code() {
            Some(code) => format!("exit status {code}"),
            None => "killed by a signal".to_string(),
        };
        Ok(Some((status, text)))
    }

    pub(super) fn before_commit(
        git: &git2::Repository,
        workdir: &Path,
        tree: &git2::Tree<'_>,
        message: &str,
    ) -> Result<(), WriteError> {
        if let Some(hook) = find(git, workdir, "pre-commit") {
            // An index of exactly the commit's tree, beside git's own and removed after.
            let folder = tempfile::Builder::new()
                .prefix("bargain-hook-")
                .tempdir_in(git.path())?;
            let file = folder.path().join("index");
            let mut index = git2::Index::open(&file)?;
            index.read_tree(tree)?;
            index.write()?;
            let refused = run(&hook, workdir, &[], &[("GIT_INDEX_FILE", &file)])?;
            if let Some((status, output)) = refused {
                return Err(WriteError::Hook {
                    hook: "pre-commit",
                    status,
                    output,
                });
            }
        }
        if let Some(hook) = find(git, workdir, "commit-msg") {
            let file = git.path().join("COMMIT_EDITMSG");
            std::fs::write(&file, message)?;
            if let Some((status, output)) = run(&hook, workdir, &[file.as_path()], &[])? {
                return Err(WriteError::Hook {
                    hook: "commit-msg",
                    status,
                    output,
                });
            }
        }
        Ok(())
    }

    pub(super) fn after_commit(git: &git2::Repository, workdir: &Path) {
        if let Some(hook) = find(git, workdir, "post-commit") {
            let _ = run(&hook, workdir, &[], &[]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_round_trips_and_ignores_paths_outside_the_table() {
        let id = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let text = Journal::text(id, Stage::Index, &["proposals/12/union.md", "../escape"]);
        let journal = Journal::parse(&text);
        assert_eq!(journal.commit, Some(id));
        assert_eq!(journal.pid, Some(std::process::id()));
        assert_eq!(journal.stage, Stage::Index);
        assert_eq!(journal.paths, ["proposals/12/union.md"]);
        assert_eq!(Journal::parse("garbage").commit, None);
    }
}
