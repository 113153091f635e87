//! Everything git: finding the repository, reading the table at any commit, the history index
//! ([`history`]) and its copy on disk ([`index_cache`]), and the commit writer ([`writer`]).
//!
//! Every byte read from a repository is untrusted. Reads never panic: a malformed file becomes a
//! [`Problem`] that names the file (and line and column where there is one) and the rest still loads.
//! Nothing here prints or touches the terminal.

pub mod facts;
pub mod history;
pub mod index_cache;
pub mod remote;
pub mod signing;
pub mod snapshot;
pub mod writer;

use crate::text::Problem;
use std::path::{Path, PathBuf};

pub use history::History;
pub use index_cache::Reuse;
pub use index_cache::Stale;
pub use snapshot::{ArticleEntry, Snapshot};

/// The folder that holds one sub-folder per article.
pub const PROPOSALS: &str = "proposals";
/// The table's configuration file, at the root of the repository.
pub const TABLE_FILE: &str = "bargaining.yaml";

/// Whether libgit2 re-hashes every object it reads (on by default in libgit2). Git itself does not:
/// packs carry their own checksums. Re-hashing costs about half of an index build, so the
/// program turns it off; benchmarks measure both. Process-wide.
pub fn verify_object_hashes(on: bool) {
    git2::opts::strict_hash_verification(on);
}

/// Keeps libgit2's memory within bounds on large histories: at most `megabytes` of pack files
/// mapped at once (libgit2's default is 8 GiB on 64-bit), so peak memory does not grow with the
/// size of the history. Process-wide.
pub fn limit_pack_mapping(megabytes: usize) {
    // SAFETY: sets a global option before or between git operations; libgit2 documents these as
    // safe to call at any time (they take effect for later mappings).
    unsafe {
        let _ = git2::opts::set_mwindow_size((megabytes << 20) / 8);
        let _ = git2::opts::set_mwindow_mapped_limit(megabytes << 20);
        let _ = git2::opts::set_cache_max_size((megabytes << 20) as libc_ssize);
        // libgit2 counts a cached tree by its raw size, not its parsed entries, so its cache
        // can hold several times its limit; the history walk keeps the few trees it reuses.
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 0);
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Commit, 0);
    }
}

#[allow(non_camel_case_types)]
type libc_ssize = isize;

/// How the program reads repositories: no re-hashing of objects (as git), and at most 32 MB of
/// pack mapped at once. Measured on a 20,000-commit table (README, Performance): 32 MB keeps peak
/// memory near 70 MB where libgit2's defaults take over 160 MB. Done once, when the first repository
/// is opened: a command that reads no repository (`diff --files`) never starts libgit2.
pub fn configure_reads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        verify_object_hashes(false);
        limit_pack_mapping(32);
    });
}

/// Why the repository could not be used at all. The sentences name no command: the fronts add
/// what the user can do (`bargain init`, `--repo`).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{} is not inside a git repository", .0.display())]
    NotARepository(PathBuf),
    /// The repository has no commits yet.
    #[error("the repository at {} has no commits yet", .0.display())]
    Empty(PathBuf),
    /// HEAD's tree has no `bargaining.yaml`.
    #[error("no {TABLE_FILE} is committed in {}", .0.display())]
    NoTable(PathBuf),
    /// `bargaining.yaml` cannot be read; without it nothing else means anything.
    #[error("{0}")]
    BadTable(Problem),
    /// A shallow clone: history before its boundary is missing, so it can be neither audited nor
    /// recorded in (a pass would be numbered from the boundary).
    #[error(
        "this is a shallow clone: its history is incomplete, so it cannot be audited or recorded in; run git fetch --unshallow first"
    )]
    Shallow,
    #[error("git: {}", .0.message())]
    Git(#[from] git2::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// An open table repository.
pub struct Repo {
    pub git: git2::Repository,
}

/// How HEAD stands, for the notes shown beside the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadState {
    /// Branch name, or `None` when HEAD is detached.
    pub branch: Option<String>,
    pub commit: git2::Oid,
    pub shallow: bool,
}

impl Repo {
    /// Finds the repository that contains `path` (like git does from a working directory).
    pub fn discover(path: &Path) -> Result<Repo, StoreError> {
        configure_reads();
        match git2::Repository::discover(path) {
            Ok(git) => Ok(Repo { git }),
            Err(e) if e.code() == git2::ErrorCode::NotFound => {
                Err(StoreError::NotARepository(path.to_path_buf()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Opens exactly the repository at `path`.
    pub fn open(path: &Path) -> Result<Repo, StoreError> {
        configure_reads();
        match git2::Repository::open(path) {
            Ok(git) => Ok(Repo { git }),
            Err(e) if e.code() == git2::ErrorCode::NotFound => {
                Err(StoreError::NotARepository(path.to_path_buf()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The repository git's environment names (`GIT_DIR`, and in a server hook the quarantine's
    /// `GIT_OBJECT_DIRECTORY` and `GIT_ALTERNATE_OBJECT_DIRECTORIES`, so objects being pushed are
    /// readable before they are accepted); without it, the one containing the current folder.
    pub fn from_env() -> Result<Repo, StoreError> {
        configure_reads();
        match git2::Repository::open_from_env() {
            Ok(git) => Ok(Repo { git }),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Err(StoreError::NotARepository(
                std::env::current_dir().unwrap_or_default(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The work tree (or the git dir of a bare repository).
    pub fn root(&self) -> &Path {
        self.git.workdir().unwrap_or_else(|| self.git.path())
    }

    pub fn head(&self) -> Result<HeadState, StoreError> {
        let head = match self.git.head() {
            Ok(h) => h,
            Err(e)
                if matches!(
                    e.code(),
                    git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
                ) =>
            {
                return Err(StoreError::Empty(self.root().to_path_buf()));
            }
            Err(e) => return Err(e.into()),
        };
        // A commit libgit2 cannot parse (a bad date) is still HEAD: read raw where needed.
        let commit = match head.peel_to_commit() {
            Ok(c) => c.id(),
            Err(e) => {
                let target = head.resolve().ok().and_then(|r| r.target()).ok_or(e)?;
                history::CommitRead::of(&self.git, target)?.id()
            }
        };
        let branch = if self.git.head_detached().unwrap_or(false) {
            None
        } else {
            Some(String::from_utf8_lossy(head.shorthand_bytes()).into_owned())
        };
        Ok(HeadState {
            branch,
            commit,
            shallow: self.git.is_shallow(),
        })
    }

    /// The table as committed at HEAD.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let head = self.head()?;
        self.snapshot_at(head.commit)
    }

    /// The table at HEAD with only the article `key` names (its number or folder id) read: for a
    /// command about one article. The whole table where the folder names do not settle which
    /// article it is ([`snapshot::read_one`]).
    pub fn snapshot_of(&self, key: &str) -> Result<Snapshot, StoreError> {
        let head = self.head()?;
        let tree = history::CommitRead::of(&self.git, head.commit)?.tree(&self.git)?;
        match snapshot::read_one(self, &tree, key) {
            Some(mut snapshot) => {
                snapshot.commit = head.commit;
                Ok(snapshot)
            }
            None => self.snapshot_at(head.commit),
        }
    }

    /// The table as committed at `commit`.
    pub fn snapshot_at(&self, commit: git2::Oid) -> Result<Snapshot, StoreError> {
        let tree = history::CommitRead::of(&self.git, commit)?.tree(&self.git)?;
        let mut snapshot = snapshot::read(self, &tree)
            .ok_or_else(|| StoreError::NoTable(self.root().to_path_buf()))??;
        snapshot.commit = commit;
        Ok(snapshot)
    }

    /// The text of a blob, checked: UTF-8, no NUL bytes. `file` names it in the error.
    /// Texts over [`crate::text::MAX_TEXT_BYTES`] are refused before they are read.
    pub fn text(&self, blob: git2::Oid, file: &str) -> Result<String, Problem> {
        self.text_capped(blob, file, crate::text::MAX_TEXT_BYTES)
    }

    /// [`Repo::text`] with another cap (YAML files have a smaller one). The size comes from the
    /// object's header, so an oversized blob costs no memory.
    pub fn text_capped(&self, blob: git2::Oid, file: &str, cap: u64) -> Result<String, Problem> {
        if let Ok(odb) = self.git.odb()
            && let Ok((size, _)) = odb.read_header(blob)
        {
            crate::text::check_size(size as u64, cap, file)?;
        }
        let blob = self
            .git
            .find_blob(blob)
            .map_err(|e| Problem::new(file, format!("cannot be read: {}", e.message())))?;
        crate::text::decode_text(blob.content(), file)
    }

    /// What a reader should know about how the repository stands: a detached HEAD, a shallow
    /// clone, a merge or rebase in progress, edits not yet recorded. Plain sentences.
    pub fn notes(&self, head: &HeadState) -> Vec<String> {
        let mut notes = Vec::new();
        if head.branch.is_none() {
            notes.push(format!(
                "HEAD is detached at {}: showing that commit; recording needs a branch",
                &head.commit.to_string()[..10]
            ));
        }
        if head.shallow {
            notes.push(
                "this is a shallow clone: passes before its first commit are not counted (git fetch --unshallow)"
                    .to_string(),
            );
        }
        let state = self.git.state();
        if state != git2::RepositoryState::Clean {
            notes.push(format!(
                "a git operation is in progress ({state:?}): showing HEAD; finish or abort it before recording (git status shows how)"
            ));
        }
        if writer::interrupted(self) {
            notes.push(
                "a recording was interrupted after its commit landed; the next recording brings the work tree up to date"
                    .to_string(),
            );
        }
        let uncommitted = self.uncommitted();
        if !uncommitted.is_empty() {
            notes.push(format!(
                "not yet recorded (work-tree edits, not passes): {}",
                uncommitted.join(", ")
            ));
        }
        notes
    }

    /// Files of the table that differ between HEAD and the work tree or index: edits that are
    /// not recorded yet, so never a pass.
    pub fn uncommitted(&self) -> Vec<String> {
        if self.git.is_bare() {
            return Vec::new();
        }
        let options = |refresh: bool| {
            let mut options = git2::StatusOptions::new();
            options
                .include_untracked(true)
                .recurse_untracked_dirs(true)
                .include_ignored(false)
                // As `git status` does: files whose stat data no longer matches the index (a
                // copied or touched work tree) are hashed once and the index remembers them,
                // instead of every file being hashed again at every start.
                .update_index(refresh)
                .pathspec(PROPOSALS)
                .pathspec(TABLE_FILE);
            options
        };
        // The refresh needs the index lock; when another program holds it, look without it.
        let statuses = match self.git.statuses(Some(&mut options(true))) {
            Ok(statuses) => statuses,
            Err(_) => match self.git.statuses(Some(&mut options(false))) {
                Ok(statuses) => statuses,
                Err(_) => return Vec::new(),
            },
        };
        statuses
            .iter()
            .filter(|s| !s.status().is_ignored())
            .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
            .collect()
    }
}

/// Writes a cache file of `.git/bargain/` by temporary file and rename, so a reader sees the old
/// file or the new one. Not synced: after a crash a file the rename left empty or cut short fails
/// its checksum and is rebuilt, so the cost of an fsync on every start buys nothing.
pub(crate) fn keep(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().expect("a cache file has a folder");
    std::fs::create_dir_all(folder)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{name}.bargain-"))
        .tempfile_in(folder)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
