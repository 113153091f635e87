//! The one fixture builder of the integration tests: real git repositories in temporary folders,
//! built through the same writer the program uses, so a test reads like a session at the table.

#![allow(dead_code)]

pub mod servers;

use bargain_core::events;
use bargain_core::model::Date;
use bargain_core::record::{self, Action, Actor, RecordError, Request, StatusChange};
use bargain_core::store::writer::{self, Author, CommitRequest, FileWrite};
use bargain_core::store::{History, Repo};
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
  - { name: Union secretary, email: secretary@union.example, side: union, roles: [secretary] }
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

    /// A repository whose table is kept by `side`: its people record, the other side's passes
    /// are entered as received and its signatures attested.
    pub fn kept_by(side: &str) -> Fixture {
        Fixture::with_table(&TABLE_YAML.replace(
            "name: Test Table\n",
            &format!("name: Test Table\nkept_by: {side}\n"),
        ))
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
        let d = bargain_core::model::Date::parse(date).expect("date");
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
        let message = events::compose_message(
            &format!("Pass on {article} by {side}"),
            &[],
            &events::Trailers {
                article: Some(article.to_string()),
                side: Some(side.to_string()),
                ..events::Trailers::default()
            },
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
            .env("BARGAIN_TEST_TODAY", self.today().to_string())
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
            // The binary records on the fixture's day (debug builds read this; see src/clock.rs).
            .env("BARGAIN_TEST_TODAY", self.today().to_string())
            .output()
            .expect("bargain runs")
    }

    /// The fixture clock's day (UTC): "today" for recording.
    pub fn today(&self) -> Date {
        Date::from_git_time(self.clock.get(), 0)
    }

    /// Records `request` as `email` through `record::check` and `record::apply`, at the fixture's
    /// clock: what the CLI and the TUI do, with a fixed day.
    pub fn record_as(&self, email: &str, request: &Request) -> Result<Oid, RecordError> {
        let repo = self.repo();
        let snapshot = repo.snapshot()?;
        let history = History::build(&repo)?;
        let actor = Actor {
            name: email.split('@').next().unwrap_or(email).to_string(),
            email: email.to_string(),
        };
        let mut plan = record::check(&repo, &snapshot, &history, &actor, self.today(), request)?;
        let time = self.clock.get();
        self.clock.set(time + 60);
        plan.author.time = Some((time, 0));
        Ok(record::apply(&repo, &plan)?)
    }

    /// Records a pass of `side` by `email` (no session chosen, no note, not forced).
    pub fn record_pass(
        &self,
        email: &str,
        article: &str,
        side: &str,
        text: &str,
    ) -> Result<Oid, RecordError> {
        self.record_as(email, &pass_request(article, side, text))
    }

    /// Records a status change by `email`.
    pub fn record_set(
        &self,
        email: &str,
        article: &str,
        change: StatusChange,
    ) -> Result<Oid, RecordError> {
        self.record_as(email, &set_request(article, change))
    }

    /// Sets git's user.name and user.email in the repository (who the CLI records as).
    pub fn identity(&self, email: &str) {
        self.git(&["config", "user.email", email]);
        self.git(&[
            "config",
            "user.name",
            email.split('@').next().unwrap_or(email),
        ]);
    }

    /// HEAD's full commit message.
    pub fn head_message(&self) -> String {
        self.git(&["log", "-1", "--format=%B"])
    }

    /// A file as committed at HEAD (`None` when absent).
    pub fn committed(&self, path: &str) -> Option<String> {
        let repo = self.repo();
        let tree = repo.git.head().ok()?.peel_to_tree().ok()?;
        let entry = tree.get_path(Path::new(path)).ok()?;
        let blob = repo.git.find_blob(entry.id()).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    }

    /// `git status --porcelain`: empty when the work tree and index match HEAD.
    pub fn porcelain(&self) -> String {
        self.git(&["status", "--porcelain", "--untracked-files=all"])
    }

    /// A standard article 12 (topic ai, with current language) and 21 (topic staffing, new).
    pub fn two_articles(&self) {
        self.article("12-ai", 12, "AI", "ai", Some("Current AI text.\n"));
        self.article("21-staffing", 21, "Staffing", "staffing", None);
    }

    /// Article 12 tentatively agreed on the employer's text (one pass each side first).
    pub fn agreed_article(&self) {
        self.two_articles();
        self.record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
            .expect("union pass");
        self.record_pass(
            "ai-lead@employer.example",
            "12",
            "employer",
            "Agreed text.\n",
        )
        .expect("employer pass");
        self.on("2025-06-04");
        self.agree(
            "12",
            "chief@union.example",
            "chief@employer.example",
            Some("employer"),
        )
        .expect("TA");
    }

    /// A TA in a table kept jointly: proposed by `proposer` (for their side, on `agreed`'s text),
    /// then countersigned by `countersigner` in a commit of their own. Returns the countersign.
    pub fn agree(
        &self,
        article: &str,
        proposer: &str,
        countersigner: &str,
        agreed: Option<&str>,
    ) -> Result<Oid, RecordError> {
        self.record_set(proposer, article, ta(&[], agreed))?;
        self.record_as(countersigner, &Request::new(article, Action::Sign))
    }
}

/// A pass request, nothing else set.
pub fn pass_request(article: &str, side: &str, text: &str) -> Request {
    Request::new(
        article,
        Action::Pass {
            side: side.to_string(),
            text: text.to_string(),
            received: false,
        },
    )
}

/// The other side's pass, entered as received (a table kept by the recorder's side).
pub fn received_request(article: &str, side: &str, text: &str) -> Request {
    Request::new(
        article,
        Action::Pass {
            side: side.to_string(),
            text: text.to_string(),
            received: true,
        },
    )
}

/// A status-change request, nothing else set.
pub fn set_request(article: &str, change: StatusChange) -> Request {
    Request::new(article, Action::Set(change))
}

/// A TA signed by the recorder and `signatories` (in a table kept jointly, none: the others
/// countersign), agreeing `agreed`'s text.
pub fn ta(signatories: &[&str], agreed: Option<&str>) -> StatusChange {
    StatusChange::TentativelyAgreed {
        signatories: signatories.iter().map(|s| s.to_string()).collect(),
        agreed: agreed.map(str::to_string),
        page_sha256: None,
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
    /// The cell under `column` in the row starting `row_key,` of `status --format csv` output.
    pub fn csv_cell(&self, row_key: &str, column: &str) -> String {
        let mut lines = self.stdout.lines();
        let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
        let row: Vec<&str> = lines
            .find(|l| l.starts_with(&format!("{row_key},")))
            .unwrap_or_else(|| panic!("no row {row_key}: {}", self.stdout))
            .split(',')
            .collect();
        let at = header
            .iter()
            .position(|h| *h == column)
            .expect("the column");
        row[at].to_string()
    }

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

/// Whether an outside program the document tests drive runs here (pandoc, soffice, pdftotext,
/// chromium): it answers its version flag. Prints `skipped: …` naming the Debian package when
/// not. poppler's `pdftotext` takes `-v`: given `--version` it looks for a file of that name and
/// fails, which once had its tests skip on machines that had it.
pub fn client_runs(program: &str) -> bool {
    let (flag, package) = match program {
        "pdftotext" => ("-v", "poppler-utils"),
        "soffice" => ("--version", "libreoffice-writer-nogui"),
        other => ("--version", other),
    };
    let ok = Command::new(program)
        .arg(flag)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        skip(&format!(
            "{program} is not installed (apt-get install {package})"
        ));
    }
    ok
}

/// Says that a test skips and why (`skipped: REASON` on standard error), the one way every test
/// does. Where every outside program is installed — `.ci/run`, as root, sets
/// `BARGAIN_TEST_NO_SKIP` once its installs succeed — a skip is a fault (a probe that asks the
/// wrong question, an install that did not happen) and fails the test instead.
pub fn skip(reason: &str) {
    if std::env::var_os("BARGAIN_TEST_NO_SKIP").is_some_and(|v| !v.is_empty()) {
        panic!("would skip ({reason}), but BARGAIN_TEST_NO_SKIP says everything is installed");
    }
    eprintln!("skipped: {reason}");
}

/// Says that a test skips for something a machine may lack even with every program installed —
/// a privilege (mounting a small filesystem), a server that would not start on 127.0.0.1 — which
/// `BARGAIN_TEST_NO_SKIP` does not make a failure.
pub fn skip_here(reason: &str) {
    eprintln!("skipped: {reason}");
}
