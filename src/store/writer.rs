//! The commit writer: one set of file changes becomes exactly one commit on the current branch.
//!
//! Nothing is lost. Before anything is written it refuses, changing nothing, when a merge or
//! rebase is in progress, when `index.lock` is held, when HEAD is detached, when a file it would
//! write has uncommitted changes, or when the branch is no longer where the caller read it. The
//! commit is made in the object database and the branch moves by compare-and-swap; only then are
//! the work-tree files replaced, each by a temporary file and a rename, and the index updated. A
//! writer killed at any point leaves a repository that `git fsck` accepts, with nothing lost:
//! at worst the work tree still shows the previous text of files the new commit holds.
//!
//! Permissions and allowed transitions are `record`'s business, not this module's.

use super::{Repo, StoreError};
use git2::{FileMode, Oid, RepositoryState, Signature, Time};
use std::fmt;
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
#[derive(Debug)]
pub enum WriteError {
    InProgress(RepositoryState),
    Locked,
    Detached,
    Bare,
    Uncommitted(Vec<String>),
    BranchMoved {
        expected: Option<Oid>,
        found: Option<Oid>,
    },
    BadPath(String),
    Store(StoreError),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::InProgress(state) => write!(
                f,
                "a git operation is in progress ({state:?}); finish or abort it first (git status shows how)"
            ),
            WriteError::Locked => write!(
                f,
                "another git process holds .git/index.lock; wait for it, or remove the lock if no git is running"
            ),
            WriteError::Detached => write!(
                f,
                "HEAD is detached; check out the table's branch before recording (git switch main)"
            ),
            WriteError::Bare => write!(f, "the repository has no work tree to record in"),
            WriteError::Uncommitted(paths) => write!(
                f,
                "{} uncommitted changes; commit or stash them first, nothing was written",
                if paths.len() == 1 {
                    format!("{} has", paths[0])
                } else {
                    format!("{} have", paths.join(", "))
                }
            ),
            WriteError::BranchMoved { expected, found } => write!(
                f,
                "the branch moved while this was being recorded (expected {}, found {}); reload and try again",
                short(*expected),
                short(*found)
            ),
            WriteError::BadPath(p) => write!(f, "refusing to write outside the table: {p}"),
            WriteError::Store(e) => write!(f, "{e}"),
        }
    }
}

fn short(id: Option<Oid>) -> String {
    id.map_or_else(
        || "no commit".to_string(),
        |id| id.to_string()[..10].to_string(),
    )
}

impl std::error::Error for WriteError {}

impl From<git2::Error> for WriteError {
    fn from(e: git2::Error) -> Self {
        if e.code() == git2::ErrorCode::Locked {
            WriteError::Locked
        } else {
            WriteError::Store(StoreError::Git(e))
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Store(StoreError::Io(e))
    }
}

/// Makes one commit of `request` on the current branch and brings the work tree and index along.
pub fn commit(repo: &Repo, request: &CommitRequest) -> Result<Oid, WriteError> {
    let git = &repo.git;
    let workdir = git.workdir().ok_or(WriteError::Bare)?.to_path_buf();
    for file in &request.files {
        check_path(&file.path)?;
    }
    if git.state() != RepositoryState::Clean {
        return Err(WriteError::InProgress(git.state()));
    }
    if git.path().join("index.lock").exists() {
        return Err(WriteError::Locked);
    }
    let head_ref = git.find_reference("HEAD")?;
    let branch = match head_ref.symbolic_target_bytes() {
        Some(target) => String::from_utf8_lossy(target).into_owned(),
        None => return Err(WriteError::Detached),
    };
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
    let dirty: Vec<String> = request
        .files
        .iter()
        .filter(|f| is_dirty(repo, &f.path, f.content.as_deref()))
        .map(|f| f.path.clone())
        .collect();
    if !dirty.is_empty() {
        return Err(WriteError::Uncommitted(dirty));
    }

    let parent = current.map(|id| git.find_commit(id)).transpose()?;
    let mut builder = git2::build::TreeUpdateBuilder::new();
    for file in &request.files {
        match &file.content {
            Some(bytes) => {
                let blob = git.blob(bytes)?;
                builder.upsert(file.path.as_str(), blob, FileMode::Blob);
            }
            None => {
                builder.remove(file.path.as_str());
            }
        }
    }
    let base = match &parent {
        Some(p) => p.tree()?,
        None => git.find_tree(git.treebuilder(None)?.write()?)?,
    };
    let tree = git.find_tree(builder.create_updated(git, &base)?)?;
    let signature = signature(&request.author)?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let id = git.commit(
        None,
        &signature,
        &signature,
        &request.message,
        &tree,
        &parents,
    )?;
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

    for file in &request.files {
        let on_disk = workdir.join(&file.path);
        match &file.content {
            Some(bytes) => {
                write_atomically(&on_disk, bytes)?;
                index.add_path(Path::new(&file.path))?;
            }
            None => {
                match std::fs::remove_file(&on_disk) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
                let _ = index.remove_path(Path::new(&file.path));
            }
        }
    }
    index.write()?;
    Ok(id)
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

/// The work tree or index holds something for `path` that HEAD does not: writing it would lose
/// it. A file that already holds exactly the new content is not in the way.
fn is_dirty(repo: &Repo, path: &str, new: Option<&[u8]>) -> bool {
    let on_disk = repo.root().join(path);
    // A symlink anywhere on the way would send the write outside the repository.
    let mut walk = repo.root().to_path_buf();
    for part in Path::new(path).components() {
        walk.push(part);
        if walk
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            return true;
        }
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
            changed && new.is_none_or(|n| std::fs::read(&on_disk).ok().as_deref() != Some(n))
        }
        // Not known to git at all and absent: nothing to lose.
        Err(_) => {
            on_disk.exists()
                && new.is_none_or(|n| std::fs::read(&on_disk).ok().as_deref() != Some(n))
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so the
/// file is either the old one or the new one, never half of each.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy().into_owned());
    let temporary = folder.join(format!(".{name}.bargain-{}", std::process::id()));
    {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
