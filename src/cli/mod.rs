//! The `bargain` command line: one clap definition, one file per command, one error type
//! ([`error`]), one writer for standard output ([`output`]). Each command parses its flags into
//! a library call and prints what comes back; rules, words of the record and documents are the
//! library's (`bargain-core`), the flags and exit codes are here.

pub mod bulletin;
pub mod demo;
pub mod diff;
pub mod error;
pub mod export;
pub mod import;
pub mod log;
pub mod meta;
pub mod output;
pub mod packet;
pub mod record;
pub mod status;
pub mod sync;
pub mod table;
pub mod verify;

use bargain_core::model::Date;
use bargain_core::store::Repo;
use bargain_core::text::escape_controls;
use clap::{Parser, Subcommand};
use error::{CliError, Outcome};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "bargain",
    version,
    about = "The bargaining table in git: status, redlines and the record, at a keyboard",
    long_about = "The bargaining table in git: every article's status by topic, redlines between \
                  any two versions, and the record of passes and agreements — each a commit under \
                  your own git identity. Without a command, opens the terminal UI."
)]
pub struct Cli {
    /// The table's repository (default: the one containing the current folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands. Each one's flags are defined only when it is the one run (`defer`): defining
/// all of them was a quarter of the instructions of a one-article `bargain diff --files`. Those
/// with subcommands of their own are defined at once (`Tables`), so that the completion scripts
/// and man pages, which clap draws from the top level's `help` tree before it defines deferred
/// commands, still list `bargain help article add` and the like.
#[derive(Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Print the tracker: every article's status, passes, whose move and last movement.
    Status(status::Args),
    /// Start an empty table: git init, a commented bargaining.yaml, proposals/.
    Init(demo::InitArgs),
    /// Build the example negotiation as a real git repository and open it.
    Demo(demo::DemoArgs),
    /// A redline of one article: sides (default), since-last SIDE, vs-current SIDE, ta,
    /// three-way, or --from/--to any two versions. Exits 0 whether or not the texts differ.
    Diff(diff::Args),
    /// Import the contract (.docx, .pdf, .md, .txt): a preview, then its articles in one commit.
    Import(import::Args),
    /// Record a pass: a side's new full text of an article (one commit under your git identity).
    Pass(record::PassArgs),
    /// Set an article's status: open, tentatively-agreed, current-language, withdrawn, impasse,
    /// ratified, reopen.
    Set(record::SetArgs),
    /// Sign the tentative agreement proposed on an article, for your side (a table kept
    /// jointly: the other side's signatory countersigns in a commit of their own).
    Sign(record::SignArgs),
    #[command(flatten)]
    Tables(Tables),
    /// The negotiation record: who moved what, when, at which session.
    Log(log::Args),
    /// Fetch, integrate your recordings by replay, push; lists recordings kept unsent. Exits 1
    /// when something is kept unsent, 2 when the remote cannot be reached.
    Sync(sync::Args),
    /// Audit the whole history against the recording rules; exits 1 on a violation.
    Verify(verify::Args),
    /// What moved at a session, for members: passes, agreements, withdrawals, next dates.
    Bulletin(bulletin::Args),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions(meta::CompletionsArgs),
    /// Write the manual pages (roff) into a folder, or print bargain(1).
    Man(meta::ManArgs),
}

/// The commands with subcommands: the table's sessions, topics and articles, and the documents.
#[derive(Subcommand)]
pub enum Tables {
    /// The table's sessions: list them (which one is today), or add one.
    Session(table::SessionArgs),
    /// The table's topics (bargaining subgroups) and their leads: list them, or add one.
    Topic(table::TopicArgs),
    /// Add an article to a topic, or retitle one (each one commit, never a hand edit).
    Article(table::ArticleArgs),
    /// Documents to hand over or print: a TA with its signatures (docx, html), a packet of
    /// redlines (html, pdf).
    Export(export::Args),
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let cli = parse();
    let repo = cli.repo.as_deref();
    let result = match cli.command {
        None => demo::tui(repo),
        Some(Command::Status(args)) => status::run(repo, &args),
        Some(Command::Init(args)) => demo::init(args, cli.repo.clone()),
        Some(Command::Demo(args)) => demo::demo(args),
        Some(Command::Diff(args)) => diff::run(repo, args),
        Some(Command::Import(args)) => import::run(repo, args),
        Some(Command::Pass(args)) => record::pass(repo, args),
        Some(Command::Set(args)) => record::set(repo, args),
        Some(Command::Sign(args)) => record::sign(repo, args),
        Some(Command::Tables(Tables::Session(args))) => table::session(repo, args),
        Some(Command::Tables(Tables::Topic(args))) => table::topic(repo, args),
        Some(Command::Tables(Tables::Article(args))) => table::article(repo, args),
        Some(Command::Log(args)) => log::run(repo, &args),
        Some(Command::Sync(args)) => sync::run(repo, &args),
        Some(Command::Verify(args)) => verify::run(repo, &args),
        Some(Command::Tables(Tables::Export(args))) => export::run(repo, args),
        Some(Command::Bulletin(args)) => bulletin::run(repo, &args),
        Some(Command::Completions(args)) => meta::completions(&args),
        Some(Command::Man(args)) => meta::man(&args),
    };
    finish(result)
}

/// The command line, parsed as `Cli::parse` does (help, version and errors print and exit). The
/// definition clap builds to parse it (every command, the flags of the one run) is let go of
/// rather than freed: freeing it was 7% of the instructions of a `diff --files` of two one-line
/// files (the TUI keeps it for its whole session: a few tens of kilobytes).
fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let mut definition = Cli::command();
    let mut matches = definition.get_matches_mut();
    let cli = Cli::from_arg_matches_mut(&mut matches)
        .unwrap_or_else(|e| e.format(&mut definition).exit());
    leave((definition, matches));
    cli
}

/// The exit code of an outcome; a failure's sentence goes to standard error, escaped.
pub fn finish(result: Outcome) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(CliError { message, exit }) => {
            eprintln!("bargain: {}", escape_controls(&message));
            exit.into()
        }
    }
}

/// Lets go of what a command built without freeing it, just before the process ends: the memory
/// goes back with the process, and walking every string of a large history index to free it
/// costs a tenth of a warm `status` on a thousand-article table.
pub fn leave<T>(built: T) {
    std::mem::forget(built);
}

/// The table's repository: `--repo DIR`, or the one containing the current folder.
pub fn open(repo: Option<&Path>) -> Result<Repo, CliError> {
    let here = std::env::current_dir().map_err(|e| CliError::unusable(e.to_string()))?;
    Ok(Repo::discover(repo.unwrap_or(&here))?)
}

/// The session a `--session NAME|DATE` flag names (`Table::session_named`), or an error listing
/// the table's sessions.
pub fn session<'t>(
    table: &'t bargain_core::model::Table,
    key: &str,
) -> Result<&'t bargain_core::model::Session, CliError> {
    table.session_named(key).ok_or_else(|| {
        let names: Vec<String> = table
            .sessions
            .iter()
            .map(|s| format!("{} ({}..{})", s.name, s.start, s.end))
            .collect();
        CliError::unusable(format!(
            "no session `{}` in bargaining.yaml (a name or a day of one); sessions: {}",
            escape_controls(key.trim()),
            escape_controls(&names.join(", "))
        ))
    })
}

/// A `YYYY-MM-DD` flag's value; `flag` names it in the error.
pub fn date(text: Option<&str>, flag: &str) -> Result<Option<Date>, CliError> {
    text.map(|t| {
        Date::parse(t).ok_or_else(|| {
            CliError::unusable(format!("{flag} `{t}` is not a date; expected YYYY-MM-DD"))
        })
    })
    .transpose()
}
