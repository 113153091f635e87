//! `bargain demo`: the example negotiation replayed into a real repository.
//!
//! The example lives in the project's `proposals/` folder (embedded at build time): the table, one
//! folder per article with every pass as `<side>-<n>.md`, and `script.yaml`, the negotiation in
//! order. After the opening commit (the table and the current contract), every script entry is
//! recorded through the recording rules themselves (`record::check` then `record::apply`), by the
//! person it names, on the day and at the time it gives: the demo is a table the rules made.
//!
//! Two variants ([`Variant`]): kept jointly (each side records its own passes; a TA is proposed by
//! one side's signatory and countersigned by the other's), and kept by the union (its lead of the
//! topic enters each employer pass as received; its signatory records each TA with the
//! employer's signature attested).

use crate::events::{Change, Trailers, compose_message};
use crate::model::{Date, Role, Status, Table};
use crate::record::{self, Action, Actor, Request, SessionChoice, StatusChange};
use crate::store::snapshot::parse_yaml_str;
use crate::store::writer::{self, Author, CommitRequest, FileWrite};
use crate::store::{History, Repo, TABLE_FILE};
use crate::text::Problem;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// How the demo table is kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Variant {
    /// Both sides record in one repository (the default).
    #[default]
    Joint,
    /// Kept by one side (its id): the other side's passes are entered as received.
    KeptBy(String),
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/example_negotiation.rs"));
}

/// The table's local time: the example is dated in US Pacific daylight time.
const OFFSET_MINUTES: i32 = -7 * 60;
/// Marks a repository as a generated demo (git config), so it may be rebuilt.
const DEMO_MARK: &str = "bargain.demo";

/// One entry of `script.yaml`: a pass or a status change.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptEntry {
    pub session: Date,
    #[serde(default = "first_day")]
    pub day: u32,
    pub time: String,
    pub by: String,
    pub article: String,
    #[serde(default)]
    pub pass: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub status: Option<Status>,
    /// For a TA: which pass's text was agreed, as `side#n`.
    #[serde(default)]
    pub agreed: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub signatories: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub withdrawn_by: Option<String>,
}

fn first_day() -> u32 {
    1
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The folder exists and is not a demo this program built.
    #[error("{} exists and is not a bargain demo; refusing to overwrite it", .0.display())]
    NotADemo(PathBuf),
    /// The example itself is broken (a bug in the shipped `proposals/`).
    #[error("the example negotiation is broken: {0}")]
    Example(Problem),
    #[error(transparent)]
    Write(writer::WriteError),
    /// A script entry the recording rules refused (a bug in the shipped example).
    #[error("the example negotiation is refused by the rules: {0}")]
    Refused(String),
    #[error("{}: {}", .1.display(), .0)]
    Io(std::io::Error, PathBuf),
    #[error("git: {}", .0.message())]
    Git(git2::Error),
}

impl From<git2::Error> for DemoError {
    fn from(e: git2::Error) -> Self {
        DemoError::Git(e)
    }
}

impl From<writer::WriteError> for DemoError {
    fn from(e: writer::WriteError) -> Self {
        DemoError::Write(e)
    }
}

fn example(path: &str) -> Option<&'static [u8]> {
    embedded::FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, b)| *b)
}

fn example_text(path: &str) -> Result<String, DemoError> {
    let bytes = example(path).ok_or_else(|| {
        DemoError::Example(Problem::new(format!("proposals/{path}"), "is missing"))
    })?;
    crate::text::decode_text(bytes, &format!("proposals/{path}")).map_err(DemoError::Example)
}

/// The replayed negotiation's script and table, parsed.
pub fn script() -> Result<(Table, Vec<ScriptEntry>), DemoError> {
    let table: Table = parse_yaml_str(&example_text(TABLE_FILE)?, "proposals/bargaining.yaml")
        .map_err(DemoError::Example)?;
    let script: Vec<ScriptEntry> =
        parse_yaml_str(&example_text("script.yaml")?, "proposals/script.yaml")
            .map_err(DemoError::Example)?;
    Ok((table, script))
}

/// Builds the example negotiation in `dir`, kept as `variant` says, and returns its path. An
/// earlier demo there is rebuilt if it is untouched, and kept as it is if someone has recorded in
/// it; any other existing folder is refused.
///
/// With `today` after the example's last session, the table gets one more session, "Your
/// session", from `today` for three days, so a newcomer can record at once; without it (tests,
/// benchmarks) the demo is the same on every day.
pub fn build(dir: &Path, variant: &Variant, today: Option<Date>) -> Result<PathBuf, DemoError> {
    if dir.exists() {
        let is_empty = std::fs::read_dir(dir)
            .map_err(|e| DemoError::Io(e, dir.to_path_buf()))?
            .next()
            .is_none();
        if !is_empty {
            match existing_demo(dir) {
                Some(Untouched) => {
                    std::fs::remove_dir_all(dir).map_err(|e| DemoError::Io(e, dir.to_path_buf()))?
                }
                Some(Touched) => return Ok(absolute(dir)),
                None => return Err(DemoError::NotADemo(dir.to_path_buf())),
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| DemoError::Io(e, dir.to_path_buf()))?;
    let git =
        git2::Repository::init_opts(dir, git2::RepositoryInitOptions::new().initial_head("main"))?;
    let (mut table, script) = script()?;
    let mut table_yaml = example_text(TABLE_FILE)?;
    // `sessions:` is the example's last list, so a session is added by appending an item.
    let last = table.sessions.iter().map(|s| s.end).max();
    if let Some(today) = today
        && last.is_none_or(|l| today > l)
        && table_yaml
            .trim_end()
            .ends_with(&last.map(|l| l.to_string()).unwrap_or_default())
    {
        let end = today.add_days(2);
        table_yaml.push_str(&format!(
            "  # Added when this demo was built, so that you can record today:\n  \
             - name: Your session\n    start: {today}\n    end: {end}\n"
        ));
        table.sessions.push(crate::model::Session {
            name: "Your session".to_string(),
            start: today,
            end,
        });
    }
    if let Variant::KeptBy(side) = variant {
        if table.side(side).is_none() {
            return Err(DemoError::Example(Problem::new(
                "proposals/bargaining.yaml",
                format!("has no side `{side}` to keep the table"),
            )));
        }
        table_yaml.push_str(&format!(
            "# This variant of the demo is kept by one side: its recorders enter the other\n\
             # side's passes as received and attest its signatures.\nkept_by: {side}\n"
        ));
        table.kept_by = crate::model::KeptBy::Side(side.clone());
    }
    // A newcomer can try recording at once, as the first chief negotiator (the union's); the
    // opening commit is theirs too.
    let chief = table
        .people
        .iter()
        .find(|p| p.roles.contains(&Role::ChiefNegotiator))
        .cloned()
        .ok_or_else(|| {
            DemoError::Example(Problem::new(
                "proposals/bargaining.yaml",
                "has no chief negotiator",
            ))
        })?;
    {
        let mut config = git.config()?;
        config.set_str("user.name", &chief.name)?;
        config.set_str("user.email", &chief.email)?;
    }
    let repo = Repo { git };
    let mut replay = Replay {
        repo: &repo,
        table: &table,
        history: History::default(),
        head: None,
    };
    replay.open_table(&chief.email, &table_yaml)?;
    for (i, entry) in script.iter().enumerate() {
        replay.entry(entry).map_err(|e| match e {
            DemoError::Example(p) => DemoError::Example(Problem::new(
                "proposals/script.yaml",
                format!("entry {}: {}", i + 1, p),
            )),
            DemoError::Refused(why) => DemoError::Refused(format!("entry {}: {why}", i + 1)),
            other => other,
        })?;
    }
    let head = replay.head.map(|h| h.to_string()).unwrap_or_default();
    repo.git.config()?.set_str(DEMO_MARK, &head)?;
    Ok(absolute(dir))
}

enum DemoState {
    Untouched,
    Touched,
}
use DemoState::{Touched, Untouched};

fn existing_demo(dir: &Path) -> Option<DemoState> {
    let git = git2::Repository::open(dir).ok()?;
    let mark = git.config().ok()?.get_string(DEMO_MARK).ok()?;
    let head = git.head().ok()?.target()?.to_string();
    let clean = git
        .statuses(None)
        .map(|s| s.iter().all(|e| e.status().is_ignored()))
        .unwrap_or(false);
    Some(if head == mark && clean {
        Untouched
    } else {
        Touched
    })
}

fn absolute(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

struct Replay<'a> {
    repo: &'a Repo,
    table: &'a Table,
    /// The index, extended after each commit as a front does.
    history: History,
    head: Option<git2::Oid>,
}

fn bad(message: impl Into<String>) -> DemoError {
    DemoError::Example(Problem::new("proposals/script.yaml", message))
}

impl Replay<'_> {
    fn extend(&mut self, commit: git2::Oid) -> Result<(), DemoError> {
        self.head = Some(commit);
        self.history
            .extend_to(self.repo, commit, &mut |_| ControlFlow::Continue(()))
            .map_err(|e| DemoError::Refused(e.to_string()))
    }

    /// The first commit: the table, every article as opened, and the current language.
    fn open_table(&mut self, chief: &str, table_yaml: &str) -> Result<(), DemoError> {
        let first = self
            .table
            .sessions
            .first()
            .map_or(Date::new(2025, 1, 1).unwrap_or(Date::EPOCH), |s| s.start);
        let mut files = vec![FileWrite {
            path: TABLE_FILE.to_string(),
            content: Some(table_yaml.as_bytes().to_vec()),
        }];
        let mut articles = 0;
        for (path, bytes) in embedded::FILES {
            let Some((_, file)) = path.split_once('/') else {
                continue;
            };
            match file {
                "article.yaml" => articles += 1,
                "current.md" => {}
                _ => continue,
            }
            files.push(FileWrite {
                path: format!("proposals/{path}"),
                content: Some(bytes.to_vec()),
            });
        }
        let message = compose_message(
            &format!("Open the table: {articles} articles and the current contract language"),
            &[],
            &Trailers {
                session: Some(first),
                date: Some(first),
                change: Some(Change::ContractImported),
                ..Trailers::default()
            },
        );
        let person = self
            .table
            .person(chief)
            .ok_or_else(|| bad(format!("{chief} is not among the people")))?;
        let commit = writer::commit(
            self.repo,
            &CommitRequest {
                files,
                message,
                author: Author {
                    name: person.name.clone(),
                    email: person.email.clone(),
                    time: Some((local_time(first, "09:00")?, OFFSET_MINUTES)),
                },
                expected_head: self.head,
            },
        )?;
        self.extend(commit)
    }

    /// Records `request` as `email`, on `day` at `when`, through the rules.
    fn record(
        &mut self,
        email: &str,
        day: Date,
        when: i64,
        request: &Request,
    ) -> Result<(), DemoError> {
        let person = self
            .table
            .person(email)
            .ok_or_else(|| bad(format!("{email} is not among the people")))?;
        let actor = Actor {
            name: person.name.clone(),
            email: person.email.clone(),
        };
        let head = self.head.ok_or_else(|| bad("the table is not open"))?;
        let snapshot = self
            .repo
            .snapshot_at(head)
            .map_err(|e| DemoError::Refused(e.to_string()))?;
        let mut plan = record::check(self.repo, &snapshot, &self.history, &actor, day, request)
            .map_err(|r| DemoError::Refused(format!("{email}: {r}")))?;
        plan.author.time = Some((when, OFFSET_MINUTES));
        let commit = record::apply(self.repo, &plan)?;
        self.extend(commit)
    }

    /// Who of `side` enters the other side's pass on `article`, in a table kept by `side`: the
    /// topic's lead, else a secretary, else a chief.
    fn recorder_of(&self, side: &str, article: &str) -> Result<String, DemoError> {
        let topic = self
            .repo
            .snapshot_at(self.head.ok_or_else(|| bad("the table is not open"))?)
            .ok()
            .and_then(|s| s.find(article).and_then(|a| a.article.clone()))
            .map(|a| a.topic)
            .unwrap_or_default();
        let of_side = |p: &&crate::model::Person| p.side == side;
        let people = &self.table.people;
        people
            .iter()
            .filter(of_side)
            .find(|p| self.table.leads(&p.email, &topic))
            .or_else(|| {
                people
                    .iter()
                    .filter(of_side)
                    .find(|p| p.roles.contains(&Role::Secretary))
            })
            .or_else(|| {
                people
                    .iter()
                    .filter(of_side)
                    .find(|p| p.roles.contains(&Role::ChiefNegotiator))
            })
            .map(|p| p.email.clone())
            .ok_or_else(|| bad(format!("{side} has nobody to record on {article}")))
    }

    fn entry(&mut self, entry: &ScriptEntry) -> Result<(), DemoError> {
        let day = entry.session.add_days(i64::from(entry.day.max(1)) - 1);
        let when = local_time(day, &entry.time)?;
        let by = self
            .table
            .person(&entry.by)
            .ok_or_else(|| bad(format!("{} is not among the people", entry.by)))?;
        let keeper = self.table.kept_by.side().map(str::to_string);
        // In a table kept by one side, the other side's moves are entered by the keeping side.
        let foreign = keeper.as_deref().is_some_and(|k| k != by.side);
        let request = |action: Action| request_of(entry, day, action);
        if let Some(side) = &entry.pass {
            let n = self.history.passes(&entry.article, side).count() + 1;
            let path = format!("{}/{side}-{n}.md", entry.article);
            let text = example_text(&path)?;
            let action = Action::Pass {
                side: side.clone(),
                text,
                received: foreign,
            };
            let recorder = match &keeper {
                Some(k) if foreign => self.recorder_of(k, &entry.article)?,
                _ => entry.by.clone(),
            };
            return self.record(&recorder, day, when, &request(action));
        }
        let status = entry
            .status
            .ok_or_else(|| bad("an entry needs `pass` or `status`"))?;
        let recorder = |replay: &Self| -> Result<String, DemoError> {
            match &keeper {
                Some(k) if foreign => replay
                    .table
                    .people
                    .iter()
                    .find(|p| p.side == *k && p.roles.contains(&Role::ChiefNegotiator))
                    .map(|p| p.email.clone())
                    .ok_or_else(|| bad(format!("{k} has no chief negotiator"))),
                _ => Ok(entry.by.clone()),
            }
        };
        let change = match status {
            Status::TentativelyAgreed => return self.agreement(entry, day, when),
            Status::Withdrawn => StatusChange::Withdrawn {
                by: entry.withdrawn_by.clone(),
            },
            Status::CurrentLanguage => StatusChange::CurrentLanguage,
            Status::Impasse => StatusChange::Impasse,
            Status::Open => StatusChange::Open,
            Status::Ratified => StatusChange::Ratified,
        };
        let email = recorder(self)?;
        self.record(&email, day, when, &request(Action::Set(change)))
    }

    /// A TA: proposed by one side's signatory and countersigned by the other's five minutes
    /// later (kept jointly), or recorded by the keeping side's signatory with the other side's
    /// signature attested.
    fn agreement(&mut self, entry: &ScriptEntry, day: Date, when: i64) -> Result<(), DemoError> {
        let agreed = entry.agreed.as_deref().unwrap_or_default();
        let (side, _) = agreed
            .split_once('#')
            .ok_or_else(|| bad("a TA names `agreed: side#n`"))?;
        let signatories = entry.signatories.clone().unwrap_or_default();
        let by = self
            .table
            .person(&entry.by)
            .ok_or_else(|| bad(format!("{} is not among the people", entry.by)))?;
        let own = match self.table.kept_by.side() {
            Some(keeper) => keeper.to_string(),
            None => by.side.clone(),
        };
        let first = signatories
            .get(&own)
            .ok_or_else(|| bad(format!("a TA names the signatory of {own}")))?
            .clone();
        let others: Vec<String> = signatories
            .iter()
            .filter(|(s, _)| **s != own)
            .map(|(_, e)| e.clone())
            .collect();
        let request = |action: Action| request_of(entry, day, action);
        let joint = self.table.kept_by.is_joint();
        let change = StatusChange::TentativelyAgreed {
            signatories: if joint { Vec::new() } else { others.clone() },
            agreed: Some(side.to_string()),
            page_sha256: None,
        };
        let today = entry.date.unwrap_or(day).max(day);
        self.record(&first, today, when, &request(Action::Set(change)))?;
        if joint {
            for (i, other) in others.iter().enumerate() {
                let later = when + 300 * (i as i64 + 1);
                self.record(other, today, later, &request(Action::Sign))?;
            }
        }
        Ok(())
    }
}

/// Seconds since the epoch of `date` at `hh:mm` in the table's local time.
/// The recording a script entry makes: on its day at the table, in its session, with its note.
fn request_of(entry: &ScriptEntry, day: Date, action: Action) -> Request {
    Request {
        article: entry.article.clone(),
        action,
        date: Some(entry.date.unwrap_or(day)),
        session: SessionChoice::Named(entry.session.to_string()),
        note: entry.message.clone(),
        force: false,
    }
}

fn local_time(date: Date, hh_mm: &str) -> Result<i64, DemoError> {
    let bad = || {
        DemoError::Example(Problem::new(
            "proposals/script.yaml",
            format!("time `{hh_mm}` is not HH:MM"),
        ))
    };
    let (h, m) = hh_mm.split_once(':').ok_or_else(bad)?;
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(date.to_days() * 86_400 + h * 3600 + m * 60 - i64::from(OFFSET_MINUTES) * 60)
}
