//! `bargain demo` and `bargain init`: the example negotiation replayed into a real repository, and
//! an empty table to start from.
//!
//! The example lives in the project's `proposals/` folder (embedded at build time): the table, one
//! folder per article with every pass as `<side>-<n>.md`, and `script.yaml`, the negotiation in
//! order. Each script entry becomes one commit, authored by the person named and dated by its
//! session, with messages composed by `record::compose_message`, as recorded commits are.

use crate::events::{Trailers, compose_message};
use crate::model::{Article, Date, Status, Table, TentativeAgreement};
use crate::store::snapshot::parse_yaml_str;
use crate::store::writer::{self, Author, CommitRequest, FileWrite};
use crate::store::{Repo, TABLE_FILE};
use crate::text::Problem;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// Builds the example negotiation in `dir` and returns its path. An earlier demo there is rebuilt
/// if it is untouched, and kept as it is if someone has recorded in it; any other existing folder
/// is refused.
pub fn build(dir: &Path) -> Result<PathBuf, DemoError> {
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
    let (table, script) = script()?;
    // A newcomer can try recording at once, as the first chief negotiator (the union's); the
    // opening commit is theirs too.
    let chief = table
        .people
        .iter()
        .find(|p| p.roles.contains(&crate::model::Role::ChiefNegotiator))
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
        chief: &chief.email,
        head: None,
        texts: BTreeMap::new(),
        passes: BTreeMap::new(),
    };
    replay.open_table()?;
    for (i, entry) in script.iter().enumerate() {
        replay.entry(entry).map_err(|e| match e {
            DemoError::Example(p) => DemoError::Example(Problem::new(
                "proposals/script.yaml",
                format!("entry {}: {}", i + 1, p),
            )),
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
    /// Who opens the table.
    chief: &'a str,
    head: Option<git2::Oid>,
    /// Article id → its current `article.yaml`.
    texts: BTreeMap<String, Article>,
    /// (article, side) → passes so far.
    passes: BTreeMap<(String, String), u32>,
}

impl Replay<'_> {
    fn commit(
        &mut self,
        by: &str,
        when: i64,
        files: Vec<FileWrite>,
        message: String,
    ) -> Result<(), DemoError> {
        let person = self.table.person(by).ok_or_else(|| {
            DemoError::Example(Problem::new(
                "proposals/script.yaml",
                format!("{by} is not among the people"),
            ))
        })?;
        let request = CommitRequest {
            files,
            message,
            author: Author {
                name: person.name.clone(),
                email: person.email.clone(),
                time: Some((when, OFFSET_MINUTES)),
            },
            expected_head: self.head,
        };
        self.head = Some(writer::commit(self.repo, &request)?);
        Ok(())
    }

    /// The first commit: the table, every article as opened, and the current language.
    fn open_table(&mut self) -> Result<(), DemoError> {
        let first = self
            .table
            .sessions
            .first()
            .map_or(Date::new(2025, 1, 1).unwrap_or(Date::from_days(0)), |s| {
                s.start
            });
        let mut files = vec![FileWrite {
            path: TABLE_FILE.to_string(),
            content: Some(example(TABLE_FILE).unwrap_or_default().to_vec()),
        }];
        for (path, bytes) in embedded::FILES {
            let Some((article, file)) = path.split_once('/') else {
                continue;
            };
            match file {
                "article.yaml" => {
                    let article_yaml: Article =
                        parse_yaml_str(&example_text(path)?, &format!("proposals/{path}"))
                            .map_err(DemoError::Example)?;
                    self.texts.insert(article.to_string(), article_yaml);
                }
                "current.md" => {}
                _ => continue,
            }
            files.push(FileWrite {
                path: format!("proposals/{path}"),
                content: Some(bytes.to_vec()),
            });
        }
        let message = compose_message(
            &format!(
                "Open the table: {} articles and the current contract language",
                self.texts.len()
            ),
            &[],
            &Trailers {
                session: Some(first),
                ..Trailers::default()
            },
        );
        self.commit(self.chief, local_time(first, "09:00")?, files, message)
    }

    fn entry(&mut self, entry: &ScriptEntry) -> Result<(), DemoError> {
        let day = entry.session.add_days(i64::from(entry.day.max(1)) - 1);
        let when = local_time(day, &entry.time)?;
        let article = self.texts.get(&entry.article).cloned().ok_or_else(|| {
            DemoError::Example(Problem::new(
                "proposals/script.yaml",
                format!("unknown article {}", entry.article),
            ))
        })?;
        let heading = format!("Article {} — {}", article.number, article.title);
        let mut trailers = Trailers {
            article: Some(entry.article.clone()),
            session: Some(entry.session),
            ..Trailers::default()
        };
        let note: Vec<String> = entry.message.iter().cloned().collect();
        if let Some(side) = &entry.pass {
            let count = self
                .passes
                .entry((entry.article.clone(), side.clone()))
                .or_default();
            *count += 1;
            let n = *count;
            let text = example(&format!("{}/{side}-{n}.md", entry.article)).ok_or_else(|| {
                DemoError::Example(Problem::new(
                    format!("proposals/{}/{side}-{n}.md", entry.article),
                    "is missing",
                ))
            })?;
            trailers.side = Some(side.clone());
            let message = compose_message(
                &format!("{} pass #{n} on {heading}", self.table.side_name(side)),
                &note,
                &trailers,
            );
            let files = vec![FileWrite {
                path: format!("proposals/{}/{side}.md", entry.article),
                content: Some(text.to_vec()),
            }];
            return self.commit(&entry.by, when, files, message);
        }
        let status = entry.status.ok_or_else(|| {
            DemoError::Example(Problem::new(
                "proposals/script.yaml",
                "an entry needs `pass` or `status`",
            ))
        })?;
        let mut article = article;
        article.status = status;
        let mut files = Vec::new();
        let sentence = match status {
            Status::TentativelyAgreed => {
                let agreed = entry.agreed.as_deref().unwrap_or_default();
                let (side, n) = agreed.split_once('#').ok_or_else(|| {
                    DemoError::Example(Problem::new(
                        "proposals/script.yaml",
                        "a TA names `agreed: side#n`",
                    ))
                })?;
                let text =
                    example(&format!("{}/{side}-{n}.md", entry.article)).ok_or_else(|| {
                        DemoError::Example(Problem::new(
                            "proposals/script.yaml",
                            format!("no pass {agreed} of {}", entry.article),
                        ))
                    })?;
                let date = entry.date.unwrap_or(day);
                article.ta = Some(TentativeAgreement {
                    date,
                    signatories: entry.signatories.clone().unwrap_or_default(),
                    sha256: Some(TentativeAgreement::hash_of(text)),
                });
                files.push(FileWrite {
                    path: format!("proposals/{}/ta.md", entry.article),
                    content: Some(text.to_vec()),
                });
                format!("Tentative agreement on {heading} ({agreed}'s text)")
            }
            Status::Withdrawn => {
                article.withdrawn_by = entry.withdrawn_by.clone();
                let by = entry.withdrawn_by.as_deref().unwrap_or("a side");
                format!("{} withdraws {heading}", self.table.side_name(by))
            }
            Status::CurrentLanguage => format!("Current language on {heading}"),
            other => format!("{heading} is now {other}"),
        };
        trailers.status = Some(status);
        let yaml = serde_yaml::to_string(&article).map_err(|e| {
            DemoError::Example(Problem::new(
                format!("proposals/{}/article.yaml", entry.article),
                e.to_string(),
            ))
        })?;
        files.push(FileWrite {
            path: format!("proposals/{}/article.yaml", entry.article),
            content: Some(yaml.into_bytes()),
        });
        self.texts.insert(entry.article.clone(), article);
        self.commit(
            &entry.by,
            when,
            files,
            compose_message(&sentence, &note, &trailers),
        )
    }
}

/// Seconds since the epoch of `date` at `hh:mm` in the table's local time.
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
    Ok(absolute(dir))
}
