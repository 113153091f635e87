//! `bargain init`: an empty table to start from — a git repository (new or existing), a
//! commented `bargaining.yaml` and `proposals/`, in one commit.

use crate::demo::DemoError;
use crate::store::writer::{self, Author, CommitRequest, FileWrite};
use crate::store::{Repo, TABLE_FILE};
use std::path::{Path, PathBuf};

/// The commented template `bargain init` writes.
pub const TABLE_TEMPLATE: &str = "\
# bargain table, format v1: the sides, topics, people and sessions of one negotiation.
# Every key is checked: a misspelled key is an error, so nothing is silently ignored.
format: 1
name: Our Agreement 2026
sides:                      # ids are used in file names: proposals/<article>/<side-id>.md
  - id: union
    name: The Union
  - id: employer
    name: The Employer
topics:                     # the bargaining subgroups; each article belongs to one
  - id: economics
    title: Economics
    leads:                  # side id -> emails of that side's leads for this topic
      union: []
      employer: []
people:                     # who may record: chief-negotiator (any article), topic leads
  - name: Union chief negotiator   # (their topic's articles), secretary, member (nothing)
    email: chief@union.example
    side: union
    roles: [chief-negotiator]
sessions:                   # dates of the sessions at the table
  - name: First session
    start: 2026-01-12
    end: 2026-01-14
";

/// Starts an empty table in `dir`: a git repository (new or existing), the commented
/// `bargaining.yaml` and `proposals/`, committed. Refuses if a table is already there.
pub fn init(dir: &Path) -> Result<PathBuf, DemoError> {
    let already = || {
        DemoError::Io(
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "a table is already here; `bargain status` shows it",
            ),
            dir.join(TABLE_FILE),
        )
    };
    // Checked before anything is created: a refusal changes nothing (no stray `git init`).
    if dir.join(TABLE_FILE).symlink_metadata().is_ok() {
        return Err(already());
    }
    std::fs::create_dir_all(dir).map_err(|e| DemoError::Io(e, dir.to_path_buf()))?;
    let git = match git2::Repository::open(dir) {
        Ok(g) => g,
        Err(_) => git2::Repository::init_opts(
            dir,
            git2::RepositoryInitOptions::new().initial_head("main"),
        )?,
    };
    // Committed but deleted from the work tree is still a table.
    let committed = git
        .head()
        .and_then(|h| h.peel_to_tree())
        .is_ok_and(|t| t.get_name(TABLE_FILE).is_some());
    if committed {
        return Err(already());
    }
    let repo = Repo { git };
    let author = match repo.git.signature() {
        Ok(s) => Author {
            name: String::from_utf8_lossy(s.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(s.email_bytes()).into_owned(),
            time: None,
        },
        Err(_) => Author {
            name: "bargain".to_string(),
            email: "bargain@localhost".to_string(),
            time: None,
        },
    };
    let head = repo.git.head().ok().and_then(|h| h.target());
    writer::commit(
        &repo,
        &CommitRequest {
            files: vec![
                FileWrite {
                    path: TABLE_FILE.to_string(),
                    content: Some(TABLE_TEMPLATE.as_bytes().to_vec()),
                },
                FileWrite {
                    path: "proposals/README.md".to_string(),
                    content: Some(
                        b"One folder per article: article.yaml, current.md, <side>.md, ta.md.\n"
                            .to_vec(),
                    ),
                },
            ],
            message: "Start the table\n".to_string(),
            author,
            expected_head: head,
        },
    )?;
    Ok(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()))
}
