//! `bargain pass` and `bargain set`: flags into a `record::Request`, the library checks and
//! commits, and a refusal is put into words with the flags that would change it.

use super::error::{CliError, Outcome};
use super::{date, open, output};
use bargain_core::document;
use bargain_core::model::Status;
use bargain_core::record::{
    self, Action, RecordError, Refusal, Remedy, Request, SessionChoice, StatusChange, Verb,
};
use bargain_core::text::escape_line;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Flags every recording verb takes. (A plain comment: clap would take a doc comment here as the
// description of `pass`, `set` and `sign`, whose flags it defines only once one is run.)
#[derive(clap::Args)]
pub struct RecordFlags {
    /// The day it happened at the table (default: today); never in the future.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The session it belongs to, by name or any day of it (default: the session that includes
    /// --date; a day in no session is refused without this or --between-sessions).
    #[arg(long, value_name = "NAME", conflicts_with = "between_sessions")]
    pub session: Option<String>,
    /// It happened between sessions: filed under none.
    #[arg(long)]
    pub between_sessions: bool,
    /// A note for the record.
    #[arg(long)]
    pub note: Option<String>,
    /// Record even over tentatively agreed language, or reopen without every side; flagged.
    #[arg(long)]
    pub force: bool,
}

#[derive(clap::Args)]
pub struct PassArgs {
    /// Article number (12) or id (12-ai-technology).
    pub article: String,
    /// The side that passes (yours).
    #[arg(long)]
    pub side: String,
    /// The full text: .txt or .md as it is, .docx or .pdf read to text (`-` reads standard input).
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    /// The other side's pass, entered as received across the table (a table kept by your side).
    #[arg(long)]
    pub received: bool,
    #[command(flatten)]
    pub common: RecordFlags,
}

#[derive(clap::Args)]
pub struct SignArgs {
    /// Article number (12) or id (12-ai-technology).
    pub article: String,
    #[command(flatten)]
    pub common: RecordFlags,
}

#[derive(clap::Args)]
pub struct SetArgs {
    /// Article number (12) or id (12-ai-technology).
    pub article: String,
    #[arg(value_parser = VerbParser)]
    pub status: Verb,
    /// tentatively-agreed: a signatory of each side (repeat: --sign a@x --sign b@y).
    #[arg(long = "sign", value_name = "EMAIL")]
    pub signatories: Vec<String>,
    /// tentatively-agreed: the side whose latest text is agreed (needed when they differ).
    #[arg(long, value_name = "SIDE")]
    pub agreed: Option<String>,
    /// tentatively-agreed, in a table kept by your side: SHA-256 of the scanned signed page.
    #[arg(long, value_name = "HEX")]
    pub page_sha256: Option<String>,
    /// withdrawn: the side that withdraws (default: yours).
    #[arg(long, value_name = "SIDE")]
    pub side: Option<String>,
    /// reopen: people of the other side(s) who agree to reopen (you count for yours).
    #[arg(long = "by", value_name = "EMAIL")]
    pub agreed_by: Vec<String>,
    #[command(flatten)]
    pub common: RecordFlags,
}

/// The status words `bargain set` takes: [`Verb`]'s, listed once, so parsing, `--help` and the
/// shell completions offer the same words.
#[derive(Clone)]
struct VerbParser;

impl clap::builder::TypedValueParser for VerbParser {
    type Value = Verb;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Verb, clap::Error> {
        let words = clap::builder::PossibleValuesParser::new(Verb::ALL.map(Verb::as_str));
        let word = words.parse_ref(cmd, arg, value)?;
        Verb::parse(&word).ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue))
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            Verb::ALL
                .into_iter()
                .map(|v| clap::builder::PossibleValue::new(v.as_str())),
        ))
    }
}

/// What the user could type instead, for each remedy of a refusal.
fn remedy(remedy: &Remedy) -> String {
    match remedy {
        Remedy::Force => "--force (the commit is flagged and verify lists it)".to_string(),
        Remedy::Reopen { article } => format!("bargain set {article} reopen --by EMAIL"),
        Remedy::PutBack { article } => format!("bargain set {article} open"),
        Remedy::NameAgreeing { sides } => format!("--by EMAIL for {}", sides.join(" and ")),
        Remedy::NameSignatories { sides } => {
            format!("--sign EMAIL for {}", sides.join(" and "))
        }
        Remedy::NameAgreedText { sides } => format!("--agreed SIDE ({})", sides.join(" or ")),
        Remedy::ChooseSession => "--session NAME (one of the sessions)".to_string(),
        Remedy::BetweenSessions => "--between-sessions".to_string(),
        Remedy::AddSession => "bargain session add NAME --from DATE --to DATE".to_string(),
        Remedy::Countersign { article } => {
            format!("the other side's signatory runs `bargain sign {article}` under their own name")
        }
        Remedy::EnterAsReceived => "--received".to_string(),
        Remedy::SetIdentity => "git config user.email you@example.org (and user.name)".to_string(),
    }
}

/// A refusal in the CLI's words: the rules' sentence, then the flags that would go ahead.
pub fn refused(refusal: &Refusal) -> String {
    let remedies: Vec<String> = refusal.remedies().iter().map(remedy).collect();
    if remedies.is_empty() {
        format!("{refusal}; nothing was recorded")
    } else {
        format!(
            "{refusal}; nothing was recorded. To go ahead: {}",
            remedies.join("; or ")
        )
    }
}

/// Records `action` with the flags every recording verb takes, and says what happened.
fn run(repo: Option<&Path>, article: String, action: Action, common: RecordFlags) -> Outcome {
    let session = match (common.session, common.between_sessions) {
        (Some(name), _) => SessionChoice::Named(name),
        (None, true) => SessionChoice::Between,
        (None, false) => SessionChoice::Auto,
    };
    let request = Request {
        article,
        action,
        date: date(common.date.as_deref(), "--date")?,
        session,
        note: common.note,
        force: common.force,
    };
    let repo = open(repo)?;
    say(record::record(&repo, &request, crate::clock::today()))
}

/// What a recording verb prints: the commit it made, or why nothing was recorded (exit 1), or
/// why it could not run (exit 2).
pub fn say(result: Result<record::Recorded, RecordError>) -> Outcome {
    match result {
        Ok(done) => {
            let mut said = format!(
                "Recorded: {} ({})\n",
                escape_line(&done.plan.sentence),
                &done.commit.to_string()[..10]
            );
            if done.plan.forced {
                said.push_str(
                    "Forced: the commit is flagged (Bargain-Forced: yes) and verify lists it.\n",
                );
            }
            output::print(&said)?;
            for (path, how) in &done.stored {
                eprintln!("note: {}: {}", escape_line(path), stored_words(how));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(RecordError::Store(e)) => Err(e.into()),
        Err(RecordError::Refused(r)) => Err(CliError::refused(refused(&r))),
        Err(e) => Err(CliError::refused(e.to_string())),
    }
}

/// How git stored a file other than as written, in words.
pub fn stored_words(how: &[bargain_core::store::writer::Stored]) -> String {
    use bargain_core::store::writer::Stored;
    let said: Vec<&str> = how
        .iter()
        .map(|h| match h {
            Stored::LineEndings => {
                "Windows line endings (CRLF) stored as LF, as this repository's line-ending settings ask (core.autocrlf or .gitattributes)"
            }
            Stored::Ident => "$Id: …$ stored as $Id$, as the ident attribute in .gitattributes asks",
        })
        .collect();
    said.join("; ")
}

/// A text file named on the command line (`-` for standard input), as text.
pub fn read_text(file: &Path) -> Result<String, CliError> {
    article_text(file, None)
}

/// An article's text from a file named on the command line (`-` for standard input): the whole
/// file, or the article `number` names when the file is a whole contract
/// (`document::article_text`, which asks `number` only then).
fn article_text(file: &Path, number: Option<&dyn Fn() -> Option<u32>>) -> Result<String, CliError> {
    let bytes = if file == Path::new("-") {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer)
            .map_err(|e| CliError::unusable(format!("standard input: {e}")))?;
        buffer
    } else {
        std::fs::read(file).map_err(|e| CliError::unusable(format!("{}: {e}", file.display())))?
    };
    let name = file.display().to_string();
    // Any document the table exchanges: .docx, .pdf (pdftotext), .md, .txt.
    let read = document::article_text(&bytes, &name, number, &document::Limits::default())
        .map_err(|p| CliError::unusable(p.to_string()))?;
    for note in &read.file.notes {
        eprintln!("{}: {}", escape_line(&name), escape_line(&note.to_string()));
    }
    if let Some(took) = &read.took {
        eprintln!("{}", escape_line(&took.sentence(&name)));
    }
    Ok(read.file.text.into_owned())
}

pub fn pass(repo: Option<&Path>, args: PassArgs) -> Outcome {
    // The article's number, read from the table only when the file is a whole contract.
    let number = || {
        let snapshot = open(repo).ok()?.snapshot().ok()?;
        snapshot.find(&args.article)?.number()
    };
    let text = article_text(&args.file, Some(&number))?;
    run(
        repo,
        args.article,
        Action::Pass {
            side: args.side,
            text,
            received: args.received,
        },
        args.common,
    )
}

pub fn set(repo: Option<&Path>, args: SetArgs) -> Outcome {
    let flags = [
        (
            "--sign",
            !args.signatories.is_empty(),
            &[Verb::Set(Status::TentativelyAgreed)][..],
        ),
        (
            "--agreed",
            args.agreed.is_some(),
            &[Verb::Set(Status::TentativelyAgreed)],
        ),
        (
            "--side",
            args.side.is_some(),
            &[Verb::Set(Status::Withdrawn)],
        ),
        ("--by", !args.agreed_by.is_empty(), &[Verb::Reopen]),
        (
            "--page-sha256",
            args.page_sha256.is_some(),
            &[Verb::Set(Status::TentativelyAgreed)],
        ),
    ];
    for (flag, given, verbs) in flags {
        if given && !verbs.contains(&args.status) {
            let belongs: Vec<String> = verbs.iter().map(|v| format!("`set ARTICLE {v}`")).collect();
            return Err(CliError::unusable(format!(
                "{flag} belongs to {}",
                belongs.join(" or ")
            )));
        }
    }
    let change = match args.status {
        Verb::Set(Status::Open) => StatusChange::Open,
        Verb::Set(Status::Impasse) => StatusChange::Impasse,
        Verb::Set(Status::CurrentLanguage) => StatusChange::CurrentLanguage,
        Verb::Set(Status::Withdrawn) => StatusChange::Withdrawn { by: args.side },
        Verb::Set(Status::TentativelyAgreed) => StatusChange::TentativelyAgreed {
            signatories: args.signatories,
            agreed: args.agreed,
            page_sha256: args.page_sha256,
        },
        Verb::Set(Status::Ratified) => StatusChange::Ratified,
        Verb::Reopen => StatusChange::Reopen {
            agreed_by: args.agreed_by,
        },
    };
    run(repo, args.article, Action::Set(change), args.common)
}

pub fn sign(repo: Option<&Path>, args: SignArgs) -> Outcome {
    run(repo, args.article, Action::Sign, args.common)
}
