//! The `bargain` command: the CLI definition and the glue to the library, nothing else.
//!
//! Exit codes: 0 success (and for `diff`, whether or not the texts differ), 1 when something was
//! refused or is wrong in the table (`verify` findings, problems while loading), 2 when nothing
//! could be shown at all (no repository, no table, bad arguments).

use bargain::export::tracker::{self, TrackerFormat};
use bargain::store::{History, Repo, StoreError};
use bargain::untrusted::{escape_controls, escape_line};
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

/// A failure the user must read: the message, and the exit code.
struct Failure(String, u8);

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure(e.to_string(), 2)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    bargain::store::verify_object_hashes(false);
    bargain::store::limit_pack_mapping(16);
    let result = match cli.command {
        None => status(cli.repo.as_deref(), None, Format::Table),
        Some(Command::Status { topic, format }) => {
            status(cli.repo.as_deref(), topic.as_deref(), format)
        }
        Some(Command::Init { dir }) => init(dir.or(cli.repo)),
        Some(Command::Demo { dir, no_tui }) => demo(dir, no_tui),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message, code)) => {
            eprintln!("bargain: {}", escape_controls(&message));
            ExitCode::from(code)
        }
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
    let rows = bargain::tracker::rows(&snapshot, &history, topic);
    let totals = bargain::tracker::totals(&snapshot, &rows);
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
    let created = bargain::demo::init(&dir).map_err(|e| Failure(e.to_string(), 2))?;
    println!("Started an empty table in {}", created.display());
    println!("Edit bargaining.yaml (sides, topics, people, sessions), then commit it.");
    Ok(ExitCode::SUCCESS)
}

fn demo(dir: Option<PathBuf>, no_tui: bool) -> Result<ExitCode, Failure> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("bargain-demo"));
    let built = bargain::demo::build(&dir).map_err(|e| Failure(e.to_string(), 2))?;
    if no_tui {
        println!("{}", built.display());
        return Ok(ExitCode::SUCCESS);
    }
    println!("Built the example negotiation in {}\n", built.display());
    status(Some(&built), None, Format::Table)
}
