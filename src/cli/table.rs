//! `bargain session`, `bargain topic`, `bargain article`: the table's sessions, topics and
//! articles, listed and added from the tool (each addition one commit with trailers, by
//! `bargain_core::record::table`).

use super::error::{CliError, Outcome};
use super::record::{read_text, say};
use super::{date, open, output};
use bargain_core::record::{self, TableRequest};
use bargain_core::text::escape_line;
use clap::{Args, Subcommand};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct SessionArgs {
    #[command(subcommand)]
    pub command: Option<SessionCommand>,
}

#[derive(Subcommand)]
#[command(defer = true)] // flags defined only for the one run (cli::Command)
pub enum SessionCommand {
    /// Add a bargaining session: its name and its first and last days.
    Add {
        name: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
        /// A note for the commit message.
        #[arg(long)]
        note: Option<String>,
    },
    /// List the sessions, marking the one that includes today (the default).
    List,
}

#[derive(Args)]
pub struct TopicArgs {
    #[command(subcommand)]
    pub command: Option<TopicCommand>,
}

#[derive(Subcommand)]
#[command(defer = true)] // flags defined only for the one run (cli::Command)
pub enum TopicCommand {
    /// Add a topic (a bargaining subgroup): an id such as `ai`, its title, and its leads.
    Add {
        id: String,
        title: String,
        /// A lead of the topic (repeat for more); each side names its own leads.
        #[arg(long = "lead", value_name = "EMAIL")]
        leads: Vec<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// List the topics with their leads (the default).
    List,
}

#[derive(Args)]
pub struct ArticleArgs {
    #[command(subcommand)]
    pub command: ArticleCommand,
}

#[derive(Subcommand)]
#[command(defer = true)] // flags defined only for the one run (cli::Command)
pub enum ArticleCommand {
    /// Add an open article to a topic, with the current contract's language if it has some.
    Add {
        number: u32,
        title: String,
        #[arg(long)]
        topic: String,
        /// The current contract's language of the article (a text file, `-` for standard input).
        #[arg(long, value_name = "FILE")]
        current: Option<PathBuf>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Give an article a new title; its folder and its history stay.
    Retitle {
        /// Article number or folder id.
        article: String,
        title: String,
        #[arg(long)]
        note: Option<String>,
    },
}

fn change(repo: Option<&Path>, request: TableRequest, note: Option<&str>) -> Outcome {
    let repo = open(repo)?;
    say(record::record_table(
        &repo,
        &request,
        note,
        crate::clock::today(),
    ))
}

pub fn session(repo: Option<&Path>, args: SessionArgs) -> Outcome {
    match args.command.unwrap_or(SessionCommand::List) {
        SessionCommand::Add {
            name,
            from,
            to,
            note,
        } => {
            let (Some(from), Some(to)) = (date(Some(&from), "--from")?, date(Some(&to), "--to")?)
            else {
                return Err(CliError::unusable("a session needs --from and --to"));
            };
            change(
                repo,
                TableRequest::AddSession { name, from, to },
                note.as_deref(),
            )
        }
        SessionCommand::List => {
            let repo = open(repo)?;
            let table = repo.snapshot()?.table;
            let today = crate::clock::today();
            let mut out = String::new();
            if table.sessions.is_empty() {
                out.push_str("No sessions yet: bargain session add NAME --from DATE --to DATE\n");
            }
            for s in &table.sessions {
                let mark = if s.start <= today && today <= s.end {
                    "  ← today"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "{}  {} .. {}{mark}",
                    escape_line(&s.name),
                    s.start,
                    s.end
                );
            }
            if !table.sessions.is_empty() && table.session_on(today).is_none() {
                let _ = writeln!(
                    out,
                    "Today ({today}) is in no session: a recording today needs --session NAME or --between-sessions."
                );
            }
            output::print(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn topic(repo: Option<&Path>, args: TopicArgs) -> Outcome {
    match args.command.unwrap_or(TopicCommand::List) {
        TopicCommand::Add {
            id,
            title,
            leads,
            note,
        } => change(
            repo,
            TableRequest::AddTopic { id, title, leads },
            note.as_deref(),
        ),
        TopicCommand::List => {
            let repo = open(repo)?;
            let table = repo.snapshot()?.table;
            let mut out = String::new();
            for t in &table.topics {
                let _ = writeln!(out, "{}  {}", escape_line(&t.id), escape_line(&t.title));
                for (side, emails) in &t.leads {
                    let _ = writeln!(
                        out,
                        "    {}: {}",
                        escape_line(table.side_name(side)),
                        escape_line(&emails.join(", "))
                    );
                }
            }
            output::print(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn article(repo: Option<&Path>, args: ArticleArgs) -> Outcome {
    match args.command {
        ArticleCommand::Add {
            number,
            title,
            topic,
            current,
            note,
        } => {
            let current = current.as_deref().map(read_text).transpose()?;
            change(
                repo,
                TableRequest::AddArticle {
                    number,
                    title,
                    topic,
                    current,
                },
                note.as_deref(),
            )
        }
        ArticleCommand::Retitle {
            article,
            title,
            note,
        } => change(
            repo,
            TableRequest::RetitleArticle { article, title },
            note.as_deref(),
        ),
    }
}
