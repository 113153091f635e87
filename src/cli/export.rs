//! `bargain export`: documents to hand over or print — a tentative agreement with its
//! signature block (`ta`), and a packet of redlines for a session (`packet`). The documents are
//! the library's (`bargain_core::export`); here are the flags, the file written whole, and
//! printing through Chromium.

use super::error::{CliError, Outcome};
use super::{open, output};
use bargain_core::export::{agreed, docx};
use bargain_core::model::Date;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand)]
#[command(defer = true)] // flags defined only for the one run (cli::Command)
pub enum What {
    /// The agreed text of an article with its signature block (who signed for each side,
    /// when, and the text's hash).
    Ta(TaArgs),
    /// One printable HTML file: the tracker, then each article's redline, a page each.
    Packet(super::packet::Args),
}

#[derive(clap::Args)]
pub struct TaArgs {
    /// Article number (12) or id (12-ai-technology).
    pub article: String,
    /// docx (Word) or html.
    #[arg(long, value_enum, default_value_t = TaFormat::Html)]
    pub format: TaFormat,
    /// The file to write (default for html: standard output; docx needs it).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TaFormat {
    Docx,
    Html,
}

pub fn run(repo: Option<&Path>, args: Args) -> Outcome {
    match args.what {
        What::Ta(args) => ta(repo, args),
        What::Packet(args) => super::packet::run(repo, args),
    }
}

fn ta(repo: Option<&Path>, args: TaArgs) -> Outcome {
    let repo = open(repo)?;
    let snapshot = repo.snapshot()?;
    let entry = snapshot.find(&args.article).ok_or_else(|| {
        CliError::unusable(format!(
            "no article `{}` in this table (give its number or folder id)",
            args.article
        ))
    })?;
    let title = match entry.number() {
        Some(n) => format!("Article {n} — {}", entry.title()),
        None => entry.title().to_string(),
    };
    let (Some(blob), Some(ta)) = (entry.ta, entry.article.as_ref().and_then(|a| a.ta.as_ref()))
    else {
        return Err(CliError::refused(format!(
            "{title} has no tentative agreement yet"
        )));
    };
    let text = repo
        .text(blob, &entry.path("ta.md"))
        .map_err(|p| CliError::unusable(p.to_string()))?;
    let block = agreed::signature_block(&snapshot.table, ta, &text);
    match (args.format, &args.output) {
        (TaFormat::Html, None) => {
            output::print(&agreed::html(&title, &text, &block, Some(Date::today())))?
        }
        (TaFormat::Html, Some(path)) => output::write_file(path, |f| {
            f.write_all(agreed::html(&title, &text, &block, Some(Date::today())).as_bytes())
        })?,
        (TaFormat::Docx, Some(path)) => output::write_file(path, |f| {
            let heading = docx::Heading {
                title: &title,
                lines: vec![format!("Tentative agreement of {}", ta.date)],
            };
            docx::write_text(f, &heading, &text, &block).map_err(std::io::Error::other)
        })?,
        (TaFormat::Docx, None) => {
            return Err(CliError::unusable(
                "--format docx writes a file: give --output FILE.docx",
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
