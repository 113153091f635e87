//! The one fixture builder of the integration tests: real git repositories in temporary folders,
//! built through the same writer the program uses, so a test reads like a session at the table.

#![allow(dead_code)]

use bargain::store::Repo;
use bargain::store::writer::{self, Author, CommitRequest, FileWrite};
use git2::Oid;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// A small two-sided table: sides `union` and `employer`, topics `ai` and `staffing`, a chief and a
/// lead per topic per side, one member per side, sessions in June and July 2025.
pub const TABLE_YAML: &str = "\
format: 1
name: Test Table
sides:
  - id: union
    name: Test Union
  - id: employer
    name: Test Employer
topics:
  - id: ai
    title: AI & technology
    leads:
      union: [ai-lead@union.example]
      employer: [ai-lead@employer.example]
  - id: staffing
    title: Staffing & patient care
    leads:
      union: [staffing-lead@union.example]
      employer: [staffing-lead@employer.example]
people:
  - { name: Union chief negotiator, email: chief@union.example, side: union, roles: [chief-negotiator] }
  - { name: Employer chief negotiator, email: chief@employer.example, side: employer, roles: [chief-negotiator] }
  - { name: Union AI lead, email: ai-lead@union.example, side: union, roles: [member] }
  - { name: Employer AI lead, email: ai-lead@employer.example, side: employer, roles: [member] }
  - { name: Union staffing lead, email: staffing-lead@union.example, side: union, roles: [member] }
  - { name: Employer staffing lead, email: staffing-lead@employer.example, side: employer, roles: [member] }
  - { name: Union member, email: member@union.example, side: union, roles: [member] }
  - { name: Employer member, email: member@employer.example, side: employer, roles: [member] }
sessions:
  - { name: June session, start: 2025-06-03, end: 2025-06-05 }
  - { name: July session, start: 2025-07-15, end: 2025-07-17 }
";

/// 2025-06-03 09:00 UTC: the first commit's time; each later commit is a minute later unless a
/// test sets the clock.
pub const JUNE_3_2025: i64 = 1_748_941_200;

pub struct Fixture {
    pub dir: TempDir,
    clock: Cell<i64>,
}

impl Fixture {
    /// An empty directory, not yet a repository.
    pub fn bare_dir() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temporary folder"),
            clock: Cell::new(JUNE_3_2025),
        }
    }

    /// A repository whose first commit holds the standard test table.
    pub fn new() -> Fixture {
        Fixture::with_table(TABLE_YAML)
    }

    /// A repository whose first commit holds `table_yaml` as bargaining.yaml.
    pub fn with_table(table_yaml: &str) -> Fixture {
        let f = Fixture::bare_dir();
        f.git(&["init", "-q", "-b", "main"]);
        f.git(&["config", "user.name", "Union chief negotiator"]);
        f.git(&["config", "user.email", "chief@union.example"]);
        f.commit_as(
            "chief@union.example",
            &[("bargaining.yaml", Some(table_yaml))],
            "Open the table",
        );
        f
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn repo(&self) -> Repo {
        Repo::open(self.path()).expect("fixture repository opens")
    }

    /// Sets the time of the next commit (seconds since the epoch, UTC).
    pub fn at(&self, seconds: i64) -> &Self {
        self.clock.set(seconds);
        self
    }

    /// Moves the clock to a day (YYYY-MM-DD) at 10:00 UTC.
    pub fn on(&self, date: &str) -> &Self {
        let d = bargain::model::Date::parse(date).expect("date");
        self.at(d.to_days() * 86_400 + 10 * 3600)
    }

    /// Adds an open article (commits its article.yaml, and current.md when given).
    pub fn article(
        &self,
        id: &str,
        number: u32,
        title: &str,
        topic: &str,
        current: Option<&str>,
    ) -> Oid {
        let yaml = format!("number: {number}\ntitle: {title}\ntopic: {topic}\nstatus: open\n");
        let yaml_path = format!("proposals/{id}/article.yaml");
        let current_path = format!("proposals/{id}/current.md");
        let mut files = vec![(yaml_path.as_str(), Some(yaml.as_str()))];
        if let Some(text) = current {
            files.push((current_path.as_str(), Some(text)));
        }
        self.commit_as(
            "chief@union.example",
            &files,
            &format!("Open article {number}"),
        )
    }

    /// A pass of `side`'s full text, committed by `email` with the tool's trailers.
    pub fn pass(&self, article: &str, side: &str, text: &str, email: &str) -> Oid {
        let path = format!("proposals/{article}/{side}.md");
        let message = format!(
            "Pass on {article} by {side}\n\nBargain-Article: {article}\nBargain-Side: {side}\n"
        );
        self.commit_as(email, &[(path.as_str(), Some(text))], &message)
    }

    /// One commit through bargain's own writer, authored by `email` at the fixture's clock.
    pub fn commit_as(&self, email: &str, files: &[(&str, Option<&str>)], message: &str) -> Oid {
        let files: Vec<(&str, Option<&[u8]>)> = files
            .iter()
            .map(|(path, content)| (*path, content.map(str::as_bytes)))
            .collect();
        self.commit_bytes_as(email, &files, message)
    }

    /// Like [`Fixture::commit_as`], for content that need not be text (binary, not UTF-8).
    pub fn commit_bytes_as(
        &self,
        email: &str,
        files: &[(&str, Option<&[u8]>)],
        message: &str,
    ) -> Oid {
        let repo = self.repo();
        let head = repo.git.head().ok().and_then(|h| h.target());
        let time = self.clock.get();
        self.clock.set(time + 60);
        let request = CommitRequest {
            files: files
                .iter()
                .map(|(path, content)| FileWrite {
                    path: path.to_string(),
                    content: content.map(<[u8]>::to_vec),
                })
                .collect(),
            message: message.to_string(),
            author: Author {
                name: email.split('@').next().unwrap_or(email).to_string(),
                email: email.to_string(),
                time: Some((time, 0)),
            },
            expected_head: head,
        };
        writer::commit(&repo, &request).expect("fixture commit")
    }

    /// A repository with no commits at all (`git init` only).
    pub fn empty_repo() -> Fixture {
        let f = Fixture::bare_dir();
        f.git(&["init", "-q", "-b", "main"]);
        f
    }

    /// The commit HEAD points at.
    pub fn head(&self) -> Oid {
        self.repo()
            .git
            .head()
            .ok()
            .and_then(|h| h.target())
            .expect("HEAD has a commit")
    }

    /// Makes `link` (relative to the repository) a symbolic link to `target`, as `ln -s target
    /// link` would; commit it with [`Fixture::commit_by_hand`].
    pub fn symlink(&self, target: &str, link: &str) {
        let path = self.file(link);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(target, path).expect("symlink");
    }

    /// A shallow clone of this repository (`git clone --depth 1 file://...`) in a new folder.
    pub fn clone_shallow(&self) -> Fixture {
        let clone = Fixture::bare_dir();
        let url = format!("file://{}", self.path().display());
        let target = clone.path().display().to_string();
        self.git(&["clone", "-q", "--depth", "1", &url, &target]);
        clone
    }

    /// Runs the built `bargain` binary in the repository and keeps what it printed.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.bargain(args))
    }

    /// Runs the built `bargain` binary in `relative`, a folder inside the fixture.
    pub fn run_in(&self, relative: &str, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_bargain"))
            .args(args)
            .current_dir(self.file(relative))
            .env("NO_COLOR", "1")
            .output()
            .expect("bargain runs");
        Run::from(out)
    }

    /// Writes a work-tree file without committing it.
    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) {
        let path = self.file(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }

    /// Runs the real git command line in the repository; panics with its output on failure.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", "2025-06-03T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2025-06-03T12:00:00Z")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Commits everything in the work tree with plain git, as a person would by hand.
    pub fn commit_by_hand(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// The built `bargain` binary, run in the repository.
    pub fn bargain(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_bargain"))
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("bargain runs")
    }
}

/// What one run of the binary printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    /// `None` when the process was killed by a signal (a panic is exit code 101).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The exact bytes, for checking that no control sequence got through.
    pub raw: Vec<u8>,
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Run {
        let mut raw = out.stdout.clone();
        raw.extend_from_slice(&out.stderr);
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            raw,
        }
    }
}

impl Run {
    /// Lines of stderr that start with `prefix` (e.g. `problem: `, `note: `).
    pub fn lines(&self, prefix: &str) -> Vec<&str> {
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix(prefix))
            .collect()
    }

    /// Never a panic, never a signal.
    pub fn assert_exit(&self, code: i32) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "bargain panicked:\n{}",
            self.stderr
        );
        assert_eq!(
            self.code,
            Some(code),
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}
