//! The `bargain` command: the CLI definition and the glue to the library, nothing else.
//!
//! Exit codes: 0 success (and for `diff`, whether or not the texts differ), 1 when something was
//! refused or is wrong in the table (`verify` findings, problems while loading), 2 when nothing
//! could be shown at all (no repository, no table, bad arguments).

use bargain_core::export::tracker::{self, TrackerFormat};
use bargain_core::store::{History, Repo, StoreError};
use bargain_core::text::{escape_controls, escape_line};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "bargain",
    version,
    about = "The bargaining table in git: status, redlines and the record, at a keyboard"
)]
struct Cli {
    /// The table's repository (default: the one containing the current folder).
    #[arg(long, global = true, value_name = "DIR")]
    repo: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the tracker: every article's status, passes, whose move and last movement.
    Status {
        /// Only this topic (its id, e.g. `ai`).
        #[arg(long)]
        topic: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Start an empty table: git init, a commented bargaining.yaml, proposals/.
    Init {
        /// Where (default: the current folder).
        dir: Option<PathBuf>,
    },
    /// Build the example negotiation as a real git repository and open it.
    Demo {
        /// Where to build it (default: ./bargain-demo).
        dir: Option<PathBuf>,
        /// Only build it and print its path.
        #[arg(long)]
        no_tui: bool,
    },
    /// A redline of one article: sides (default), since-last SIDE, vs-current SIDE, ta,
    /// three-way, or --from/--to any two versions. Exits 0 whether or not the texts differ.
    Diff {
        /// Article number (12) or id (12-ai-technology).
        #[arg(required_unless_present = "files")]
        article: Option<String>,
        /// The comparison: `sides`, `since-last SIDE`, `vs-current SIDE`, `ta`, `three-way`.
        comparison: Vec<String>,
        /// The old version: `union#2`, `employer#3`, `current`, `ta`, or a commit id.
        #[arg(long, value_name = "VERSION", requires = "to")]
        from: Option<String>,
        /// The new version (as --from).
        #[arg(long, value_name = "VERSION", requires = "from")]
        to: Option<String>,
        /// Compare two files outside any repository (like `git diff --no-index`).
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["article", "from", "to"])]
        files: Option<Vec<PathBuf>>,
        /// Colour: auto (a terminal, and NO_COLOR unset), always, never.
        #[arg(long, value_enum, default_value_t = cli_diff::Color::Auto)]
        color: cli_diff::Color,
        /// Output: ansi (colour), plain (markers), html, md. Default: ansi with colour, else plain.
        #[arg(long, value_enum)]
        format: Option<cli_diff::DiffFormat>,
    },
    /// Record a pass: a side's new full text of an article (one commit under your git identity).
    Pass {
        /// Article number (12) or id (12-ai-technology).
        article: String,
        /// The side that passes (yours).
        #[arg(long)]
        side: String,
        /// The full text (`-` reads standard input).
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        common: RecordFlags,
    },
    /// Set an article's status: open, tentatively-agreed, current-language, withdrawn, impasse,
    /// ratified, reopen.
    Set {
        /// Article number (12) or id (12-ai-technology).
        article: String,
        #[arg(value_enum)]
        status: SetStatus,
        /// tentatively-agreed: a signatory of each side (repeat: --sign a@x --sign b@y).
        #[arg(long = "sign", value_name = "EMAIL")]
        signatories: Vec<String>,
        /// tentatively-agreed: the side whose latest text is agreed (needed when they differ).
        #[arg(long, value_name = "SIDE")]
        agreed: Option<String>,
        /// tentatively-agreed, ratified: the date (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// withdrawn: the side that withdraws (default: yours).
        #[arg(long, value_name = "SIDE")]
        side: Option<String>,
        /// reopen: people of the other side(s) who agree to reopen (you count for yours).
        #[arg(long = "by", value_name = "EMAIL")]
        agreed_by: Vec<String>,
        #[command(flatten)]
        common: RecordFlags,
    },
    /// The negotiation record: who moved what, when, at which session.
    Log {
        /// Only this article (number or id).
        article: Option<String>,
        /// Only the session that includes this date.
        #[arg(long, value_name = "YYYY-MM-DD")]
        session: Option<String>,
    },
    /// Audit the whole history against the recording rules; exits 1 on a violation.
    Verify,
}

/// Flags every recording verb takes.
#[derive(clap::Args)]
struct RecordFlags {
    /// The session (any day of it; default: today's, else the latest that has started).
    #[arg(long, value_name = "YYYY-MM-DD")]
    session: Option<String>,
    /// A note for the record.
    #[arg(long)]
    note: Option<String>,
    /// Record even over tentatively agreed language, or reopen without every side; flagged.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SetStatus {
    Open,
    TentativelyAgreed,
    CurrentLanguage,
    Withdrawn,
    Impasse,
    Ratified,
    Reopen,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Md,
    Csv,
    Json,
}

impl From<Format> for TrackerFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => TrackerFormat::Table,
            Format::Md => TrackerFormat::Markdown,
            Format::Csv => TrackerFormat::Csv,
            Format::Json => TrackerFormat::Json,
        }
    }
}

impl SetStatus {
    fn word(self) -> &'static str {
        match self {
            SetStatus::Open => "open",
            SetStatus::TentativelyAgreed => "tentatively-agreed",
            SetStatus::CurrentLanguage => "current-language",
            SetStatus::Withdrawn => "withdrawn",
            SetStatus::Impasse => "impasse",
            SetStatus::Ratified => "ratified",
            SetStatus::Reopen => "reopen",
        }
    }
}

/// A failure the user must read: the message, and the exit code.
struct Failure(String, u8);

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure(e.to_string(), 2)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    bargain_core::store::configure_reads();
    let result = match cli.command {
        None => tui(cli.repo.as_deref()),
        Some(Command::Status { topic, format }) => {
            status(cli.repo.as_deref(), topic.as_deref(), format)
        }
        Some(Command::Init { dir }) => init(dir.or(cli.repo)),
        Some(Command::Demo { dir, no_tui }) => demo(dir, no_tui),
        Some(Command::Pass {
            article,
            side,
            file,
            common,
        }) => cli_record::pass(cli.repo.as_deref(), article, side, &file, common),
        Some(Command::Set {
            article,
            status,
            signatories,
            agreed,
            date,
            side,
            agreed_by,
            common,
        }) => {
            let change = cli_record::SetArgs {
                status,
                signatories,
                agreed,
                date,
                side,
                agreed_by,
            };
            cli_record::set(cli.repo.as_deref(), article, change, common)
        }
        Some(Command::Log { article, session }) => {
            cli_record::log(cli.repo.as_deref(), article.as_deref(), session.as_deref())
        }
        Some(Command::Verify) => cli_record::verify(cli.repo.as_deref()),
        Some(Command::Diff {
            article,
            comparison,
            from,
            to,
            files,
            color,
            format,
        }) => {
            let format = cli_diff::format(format, color);
            match (files, article) {
                (Some(files), _) => cli_diff::files(&files[0], &files[1], format),
                (None, Some(article)) => cli_diff::article(
                    cli.repo.as_deref(),
                    &article,
                    &comparison,
                    from.zip(to),
                    format,
                ),
                (None, None) => Err(Failure("name an ARTICLE, or --files OLD NEW".into(), 2)),
            }
        }
    };
    match result {
        Ok(code) => code,
        Err(Failure(message, code)) => {
            eprintln!("bargain: {}", escape_controls(&message));
            ExitCode::from(code)
        }
    }
}

/// The recording verbs: parse their flags into a `record::Request`, call the library, print.
/// `bargain diff`: resolve the comparison, run the redline engine, print the document.
mod cli_diff {
    use super::{Failure, open};
    use bargain_core::comparison::{self, Comparison, Label, VersionRef};
    use bargain_core::export::redline_doc::{Marked, RedlineFormat, write_document};
    use bargain_core::redline::{self, Options};
    use bargain_core::store::History;
    use clap::ValueEnum;
    use std::io::{IsTerminal, Write};
    use std::path::Path;
    use std::process::ExitCode;

    #[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
    pub enum Color {
        Auto,
        Always,
        Never,
    }

    #[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
    pub enum DiffFormat {
        Ansi,
        Plain,
        Html,
        Md,
    }

    /// The format to write: as asked, else colour when it is wanted and possible.
    pub fn format(asked: Option<DiffFormat>, color: Color) -> RedlineFormat {
        let colour = match color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        match asked {
            Some(DiffFormat::Ansi) => RedlineFormat::Ansi,
            Some(DiffFormat::Plain) => RedlineFormat::Plain,
            Some(DiffFormat::Html) => RedlineFormat::Html,
            Some(DiffFormat::Md) => RedlineFormat::Markdown,
            None if colour => RedlineFormat::Ansi,
            None => RedlineFormat::Plain,
        }
    }

    /// Writes the document to standard output as it is rendered.
    fn print(
        format: RedlineFormat,
        heading: &str,
        versions: &[(&str, &Label)],
        marked: &Marked<'_>,
    ) -> Result<ExitCode, Failure> {
        let mut out = std::io::stdout().lock();
        let written = write_document(&mut out, format, heading, versions, marked);
        match written.and_then(|()| out.flush()) {
            Ok(()) => Ok(ExitCode::SUCCESS),
            // A closed pipe (`| head`) is not an error of ours.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
            Err(e) => Err(Failure(e.to_string(), 2)),
        }
    }

    /// Two files outside any repository.
    pub fn files(old: &Path, new: &Path, format: RedlineFormat) -> Result<ExitCode, Failure> {
        let read = |path: &Path| {
            bargain_core::text::read_file(path)
                .map_err(|e| Failure(format!("{}: {e}", path.display()), 2))
        };
        fn text<'b>(bytes: &'b [u8], path: &Path) -> Result<&'b str, Failure> {
            bargain_core::text::text_in(bytes, &path.display().to_string())
                .map_err(|p| Failure(p.to_string(), 2))
        }
        let (old_bytes, new_bytes) = (read(old)?, read(new)?);
        let (old_text, new_text) = (text(&old_bytes, old)?, text(&new_bytes, new)?);
        let redline = redline::compare(old_text, new_text, &Options::default());
        let label = |path: &Path| Label {
            title: path.display().to_string(),
            ..Label::default()
        };
        let heading = format!("{} → {}", old.display(), new.display());
        print(
            format,
            &heading,
            &[("old", &label(old)), ("new", &label(new))],
            &Marked::from(&redline),
        )
    }

    /// One article of the table under a named comparison or two picked versions.
    pub fn article(
        repo: Option<&Path>,
        article: &str,
        words: &[String],
        picked: Option<(String, String)>,
        format: RedlineFormat,
    ) -> Result<ExitCode, Failure> {
        let comparison = match (picked, words.is_empty()) {
            (Some((from, to)), true) => {
                let version = |v: &str| {
                    VersionRef::parse(v).ok_or_else(|| {
                        Failure(
                            format!(
                                "unknown version `{v}`; expected side#N (union#2), current, ta, or a commit id"
                            ),
                            2,
                        )
                    })
                };
                Comparison::Versions(version(&from)?, version(&to)?)
            }
            (Some(_), false) => {
                return Err(Failure(
                    "give either a comparison or --from/--to, not both".into(),
                    2,
                ));
            }
            (None, true) => Comparison::Sides,
            (None, false) => Comparison::parse(&words.join(" ")).ok_or_else(|| {
                Failure(
                    format!(
                        "unknown comparison `{}`; expected sides, since-last SIDE, vs-current SIDE, ta, three-way",
                        words.join(" ")
                    ),
                    2,
                )
            })?,
        };
        let repo = open(repo)?;
        let snapshot = repo.snapshot()?;
        let entry = snapshot.find(article).ok_or_else(|| {
            Failure(
                format!("no article `{article}` in this table (give its number or folder id)"),
                2,
            )
        })?;
        let heading = match entry.number() {
            Some(n) => format!("Article {n} — {}", entry.title()),
            None => entry.title().to_string(),
        };
        let id = entry.id.clone();
        let history = History::build(&repo)?;
        let refused = |e: comparison::CompareError| Failure(e.to_string(), 2);
        if comparison == Comparison::ThreeWay {
            let (base, sides) =
                comparison::resolve_three_way(&repo, &snapshot, &history, &id).map_err(refused)?;
            let pairs: Vec<(&str, &str)> = sides
                .iter()
                .map(|v| (v.label.side.as_deref().unwrap_or(""), v.text.as_str()))
                .collect();
            let merged = redline::three_way(&base.text, &pairs, &Options::default());
            let mut labels = vec![("base", &base.label)];
            labels.extend(sides.iter().map(|v| ("side", &v.label)));
            return print(format, &heading, &labels, &Marked::from(&merged));
        }
        let (old, new) =
            comparison::resolve(&repo, &snapshot, &history, &id, &comparison).map_err(refused)?;
        let options = match &new.label.side {
            Some(side) => Options::by(side.clone()),
            None => Options::default(),
        };
        let redline = redline::compare(&old.text, &new.text, &options);
        print(
            format,
            &heading,
            &[("old", &old.label), ("new", &new.label)],
            &Marked::from(&redline),
        )
    }
}

mod cli_record {
    use super::{Failure, RecordFlags, SetStatus, open};
    use bargain_core::model::Date;
    use bargain_core::record::{self, Action, RecordError, Request, StatusChange, verify};
    use bargain_core::store::History;
    use bargain_core::text::escape_line;
    use std::io::Write as _;
    use std::path::Path;
    use std::process::ExitCode;

    pub struct SetArgs {
        pub status: SetStatus,
        pub signatories: Vec<String>,
        pub agreed: Option<String>,
        pub date: Option<String>,
        pub side: Option<String>,
        pub agreed_by: Vec<String>,
    }

    fn date(text: Option<&str>, flag: &str) -> Result<Option<Date>, Failure> {
        text.map(|t| {
            Date::parse(t).ok_or_else(|| {
                Failure(
                    format!("{flag} `{t}` is not a date; expected YYYY-MM-DD"),
                    2,
                )
            })
        })
        .transpose()
    }

    /// Records `action` with the flags every recording verb takes, and says what happened.
    fn run(
        repo: Option<&Path>,
        article: String,
        action: Action,
        common: RecordFlags,
    ) -> Result<ExitCode, Failure> {
        let request = Request {
            article,
            action,
            session: date(common.session.as_deref(), "--session")?,
            note: common.note,
            force: common.force,
        };
        let repo = open(repo)?;
        match record::record(&repo, &request, record::today()) {
            Ok(done) => {
                println!(
                    "Recorded: {} ({})",
                    escape_line(&done.plan.sentence),
                    &done.commit.to_string()[..10]
                );
                if done.plan.forced {
                    println!(
                        "Forced: the commit is flagged (Bargain-Forced: yes) and verify lists it."
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(RecordError::Store(e)) => Err(e.into()),
            Err(RecordError::Refused(r)) => Err(Failure(format!("{r}; nothing was recorded"), 1)),
            Err(e) => Err(Failure(e.to_string(), 1)),
        }
    }

    pub fn pass(
        repo: Option<&Path>,
        article: String,
        side: String,
        file: &Path,
        common: RecordFlags,
    ) -> Result<ExitCode, Failure> {
        let bytes = if file == Path::new("-") {
            let mut buffer = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer)
                .map_err(|e| Failure(format!("standard input: {e}"), 2))?;
            buffer
        } else {
            std::fs::read(file).map_err(|e| Failure(format!("{}: {e}", file.display()), 2))?
        };
        let name = file.display().to_string();
        let text = bargain_core::text::decode_text_owned(bytes, &name)
            .map_err(|p| Failure(p.to_string(), 2))?;
        run(repo, article, Action::Pass { side, text }, common)
    }

    pub fn set(
        repo: Option<&Path>,
        article: String,
        args: SetArgs,
        common: RecordFlags,
    ) -> Result<ExitCode, Failure> {
        let flags = [
            (
                "--sign",
                !args.signatories.is_empty(),
                SetStatus::TentativelyAgreed,
            ),
            (
                "--agreed",
                args.agreed.is_some(),
                SetStatus::TentativelyAgreed,
            ),
            ("--side", args.side.is_some(), SetStatus::Withdrawn),
            ("--by", !args.agreed_by.is_empty(), SetStatus::Reopen),
        ];
        for (flag, given, status) in flags {
            if given && args.status != status {
                return Err(Failure(
                    format!("{flag} belongs to `set ARTICLE {}`", status.word()),
                    2,
                ));
            }
        }
        if args.date.is_some()
            && !matches!(
                args.status,
                SetStatus::TentativelyAgreed | SetStatus::Ratified
            )
        {
            return Err(Failure(
                "--date belongs to `set ARTICLE tentatively-agreed` or `ratified`".to_string(),
                2,
            ));
        }
        let day = date(args.date.as_deref(), "--date")?.unwrap_or_else(record::today);
        let change = match args.status {
            SetStatus::Open => StatusChange::Open,
            SetStatus::Impasse => StatusChange::Impasse,
            SetStatus::CurrentLanguage => StatusChange::CurrentLanguage,
            SetStatus::Withdrawn => StatusChange::Withdrawn { by: args.side },
            SetStatus::TentativelyAgreed => StatusChange::TentativelyAgreed {
                signatories: args.signatories,
                date: day,
                agreed: args.agreed,
            },
            SetStatus::Ratified => StatusChange::Ratified { date: day },
            SetStatus::Reopen => StatusChange::Reopen {
                agreed_by: args.agreed_by,
            },
        };
        run(repo, article, Action::Set(change), common)
    }

    pub fn log(
        repo: Option<&Path>,
        article: Option<&str>,
        session: Option<&str>,
    ) -> Result<ExitCode, Failure> {
        let repo = open(repo)?;
        let snapshot = repo.snapshot()?;
        let history = History::build(&repo)?;
        let table = &snapshot.table;
        let article = match article {
            None => None,
            Some(key) => Some(match snapshot.find(key) {
                Some(entry) => entry.id.clone(),
                None if history.articles.contains_key(key) => key.to_string(),
                None => {
                    return Err(Failure(
                        format!("there is no article `{key}` in the table"),
                        2,
                    ));
                }
            }),
        };
        let session = match date(session, "--session")? {
            None => None,
            Some(day) => Some(
                record::session_for(table, Some(day), day)
                    .map_err(|r| Failure(r.to_string(), 2))?
                    .ok_or_else(|| Failure(format!("no session includes {day}"), 2))?,
            ),
        };
        let entries = record::log::entries(&history, table, article.as_deref(), session);
        let _ = std::io::stdout().write_all(record::log::render(&entries).as_bytes());
        Ok(ExitCode::SUCCESS)
    }

    pub fn verify(repo: Option<&Path>) -> Result<ExitCode, Failure> {
        let repo = open(repo)?;
        let history = History::build(&repo)?;
        let audit = verify::audit(&repo, &history)?;
        let _ = std::io::stdout().write_all(verify::render(&audit).as_bytes());
        Ok(if audit.is_clean() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    }
}

fn open(repo: Option<&Path>) -> Result<Repo, Failure> {
    let here = std::env::current_dir().map_err(|e| Failure(e.to_string(), 2))?;
    Ok(match repo {
        Some(dir) => Repo::discover(dir)?,
        None => Repo::discover(&here)?,
    })
}

fn status(repo: Option<&Path>, topic: Option<&str>, format: Format) -> Result<ExitCode, Failure> {
    let repo = open(repo)?;
    let head = repo.head()?;
    let snapshot = repo.snapshot_at(head.commit)?;
    if let Some(t) = topic
        && snapshot.table.topic(t).is_none()
    {
        let topics: Vec<&str> = snapshot
            .table
            .topics
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        return Err(Failure(
            format!("unknown topic `{t}`; topics: {}", topics.join(", ")),
            2,
        ));
    }
    // A damaged history still leaves a table to show: passes are then not counted.
    let (history, history_problem) = match History::build(&repo) {
        Ok(h) => (h, None),
        Err(e) => (History::default(), Some(e)),
    };
    let rows = bargain_core::tracker::rows(&snapshot, &history, topic);
    let totals = bargain_core::tracker::totals(&snapshot, &rows);
    print!(
        "{}",
        tracker::render(&snapshot.table, &rows, &totals, format.into())
    );
    let notes = repo.notes(&head);
    for note in &notes {
        eprintln!("note: {}", escape_line(note));
    }
    let problems: Vec<_> = snapshot.all_problems().collect();
    for problem in &problems {
        eprintln!("problem: {problem}");
    }
    if let Some(e) = &history_problem {
        eprintln!(
            "problem: the history cannot be read ({}); passes are not counted (`git fsck` shows what is damaged)",
            escape_line(&e.to_string())
        );
    }
    Ok(if problems.is_empty() && history_problem.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn init(dir: Option<PathBuf>) -> Result<ExitCode, Failure> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let created = bargain_core::demo::init(&dir).map_err(|e| Failure(e.to_string(), 2))?;
    println!("Started an empty table in {}", created.display());
    println!("Edit bargaining.yaml (sides, topics, people, sessions), then commit it.");
    Ok(ExitCode::SUCCESS)
}

fn demo(dir: Option<PathBuf>, no_tui: bool) -> Result<ExitCode, Failure> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("bargain-demo"));
    let built = bargain_core::demo::build(&dir).map_err(|e| Failure(e.to_string(), 2))?;
    if no_tui {
        println!("{}", built.display());
        return Ok(ExitCode::SUCCESS);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        println!("Built the example negotiation in {}\n", built.display());
    }
    tui(Some(&built))
}

/// The TUI on the table containing `repo`; the status table instead when stdout is not a terminal.
fn tui(repo: Option<&Path>) -> Result<ExitCode, Failure> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return status(repo, None, Format::Table);
    }
    let root = open(repo)?.root().to_path_buf();
    bargain::tui::run(&root).map_err(|e| Failure(format!("terminal: {e}"), 2))?;
    Ok(ExitCode::SUCCESS)
}
