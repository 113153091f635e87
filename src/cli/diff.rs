//! `bargain diff`: resolve the comparison (or read two files), run the redline engine through the
//! comparison's one dispatch, and write the document as it is rendered.

use super::error::{CliError, Outcome};
use super::{open, output};
use crate::color::{self, ColorChoice};
use bargain_core::comparison::{Comparison, Label, Resolved, VersionRef};
use bargain_core::document;
use bargain_core::export::docx::{self, Revisions};
use bargain_core::export::redline_doc::{Marked, RedlineFormat, write_document};
use bargain_core::redline::{self, Options};
use bargain_core::store::History;
use bargain_core::text::escape_line;
use std::borrow::Cow;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Article number (12) or id (12-ai-technology).
    #[arg(required_unless_present = "files")]
    pub article: Option<String>,
    /// The comparison: `sides`, `since-last SIDE`, `vs-current SIDE`, `ta`, `three-way`.
    pub comparison: Vec<String>,
    /// The old version: `union#2`, `employer#3`, `current`, `ta`, or a commit id.
    #[arg(long, value_name = "VERSION", requires = "to")]
    pub from: Option<String>,
    /// The new version (as --from).
    #[arg(long, value_name = "VERSION", requires = "from")]
    pub to: Option<String>,
    /// Compare two files outside any repository (like `git diff --no-index`): text, Markdown,
    /// .docx or .pdf.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["article", "from", "to"])]
    pub files: Option<Vec<PathBuf>>,
    /// Colour: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Output: ansi (colour), plain (markers), html, md, docx (Word tracked changes; needs
    /// --output). Default: ansi with colour, else plain.
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,
    /// Write the document to FILE instead of standard output (replaced whole, never half
    /// written).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The author of every revision in a .docx (default: each change's side, as the table
    /// names it; for --files, "bargain").
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Ansi,
    Plain,
    Html,
    Md,
    Docx,
}

/// Where a document goes and, for Word, who is named as its revisions' author.
struct Target {
    format: Option<RedlineFormat>,
    /// An article of the table (not two loose files): its heading heads the document.
    article: bool,
    output: Option<PathBuf>,
    author: Option<String>,
}

/// The format to write: as asked, else colour when it is wanted and possible; `None` for
/// Word.
fn format(asked: Option<DiffFormat>, choice: ColorChoice) -> Option<RedlineFormat> {
    Some(match asked {
        Some(DiffFormat::Docx) => return None,
        Some(DiffFormat::Ansi) => RedlineFormat::Ansi,
        Some(DiffFormat::Plain) => RedlineFormat::Plain,
        Some(DiffFormat::Html) => RedlineFormat::Html,
        Some(DiffFormat::Md) => RedlineFormat::Markdown,
        None if color::wanted(choice, std::io::stdout().is_terminal()) => RedlineFormat::Ansi,
        None => RedlineFormat::Plain,
    })
}

pub fn run(repo: Option<&Path>, args: Args) -> Outcome {
    let target = Target {
        format: format(args.format, args.color),
        article: args.files.is_none(),
        output: args.output,
        author: args.author,
    };
    let format = target;
    match (args.files, args.article) {
        (Some(files), _) => self::files(&files[0], &files[1], format),
        (None, Some(article)) => self::article(
            repo,
            &article,
            &args.comparison,
            args.from.zip(args.to),
            format,
        ),
        (None, None) => Err(CliError::unusable("name an ARTICLE, or --files OLD NEW")),
    }
}

/// Writes the document as it is rendered: to standard output, or whole to the output file.
fn print(
    target: &Target,
    heading: &str,
    versions: &[(&str, &Label)],
    marked: &Marked<'_>,
    revisions: impl FnOnce() -> Revisions,
) -> Outcome {
    match (target.format, &target.output) {
        (None, Some(path)) => {
            let revisions = match &target.author {
                Some(name) => Revisions::one(name, versions.last().and_then(|(_, l)| l.date)),
                None => revisions(),
            };
            output::write_file(path, |file| {
                docx::write_redline(file, heading, target.article, versions, marked, &revisions)
                    .map_err(std::io::Error::other)
            })?
        }
        (Some(format), Some(path)) => output::write_file(path, |file| {
            write_document(file, format, heading, versions, marked)
        })?,
        (Some(format), None) => {
            output::stdout(|out| write_document(&mut &mut *out, format, heading, versions, marked))?
        }
        (None, None) => {
            return Err(CliError::unusable(
                "--format docx writes a file: give --output FILE.docx",
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Two files outside any repository.
fn files(old: &Path, new: &Path, format: Target) -> Outcome {
    let read = |path: &Path| {
        bargain_core::text::read_file(path)
            .map_err(|e| CliError::unusable(format!("{}: {e}", path.display())))
    };
    fn text<'b>(bytes: &'b [u8], path: &Path) -> Result<Cow<'b, str>, CliError> {
        let name = path.display().to_string();
        let read = document::read_text(bytes, &name, &document::Limits::default())
            .map_err(|p| CliError::unusable(p.to_string()))?;
        for note in &read.notes {
            eprintln!("{}: {}", escape_line(&name), escape_line(&note.to_string()));
        }
        Ok(read.text)
    }
    let (old_bytes, new_bytes) = (read(old)?, read(new)?);
    let (old_text, new_text) = (text(&old_bytes, old)?, text(&new_bytes, new)?);
    let redline = redline::compare(&old_text, &new_text, &Options::default());
    let label = |path: &Path| Label {
        title: path.display().to_string(),
        ..Label::default()
    };
    let heading = format!("{} → {}", old.display(), new.display());
    print(
        &format,
        &heading,
        &[("old", &label(old)), ("new", &label(new))],
        &Marked::from(&redline),
        || Revisions::one("bargain", None),
    )
}

/// The comparison the words or the picked versions name.
fn comparison(words: &[String], picked: Option<(String, String)>) -> Result<Comparison, CliError> {
    let version = |v: &str| {
        VersionRef::parse(v).ok_or_else(|| {
            CliError::unusable(format!(
                "unknown version `{v}`; expected side#N (union#2), current, ta, or a commit id"
            ))
        })
    };
    match (picked, words.is_empty()) {
        (Some((from, to)), true) => Ok(Comparison::Versions(version(&from)?, version(&to)?)),
        (Some(_), false) => Err(CliError::unusable(
            "give either a comparison or --from/--to, not both",
        )),
        (None, true) => Ok(Comparison::Sides),
        (None, false) => Comparison::parse(&words.join(" ")).ok_or_else(|| {
            CliError::unusable(format!(
                "unknown comparison `{}`; expected sides, since-last SIDE, vs-current SIDE, ta, three-way",
                words.join(" ")
            ))
        }),
    }
}

/// One article of the table under a named comparison or two picked versions.
fn article(
    repo: Option<&Path>,
    article: &str,
    words: &[String],
    picked: Option<(String, String)>,
    format: Target,
) -> Outcome {
    let comparison = comparison(words, picked)?;
    let repo = open(repo)?;
    let snapshot = repo.snapshot_of(article)?;
    let entry = snapshot.find(article).ok_or_else(|| {
        CliError::unusable(format!(
            "no article `{article}` in this table (give its number or folder id)"
        ))
    })?;
    let heading = match entry.number() {
        Some(n) => format!("Article {n} — {}", entry.title()),
        None => entry.title().to_string(),
    };
    let id = entry.id.clone();
    // One article: the index on disk, or a walk of this article's folder only.
    let history = History::for_article(&repo, &id)?;
    let resolved = Resolved::of(&repo, &snapshot, &history, &id, &comparison)?;
    let marks = resolved.redline();
    let labels = resolved.labels();
    let names = snapshot
        .table
        .sides
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let marked = Marked::from(&marks).with_names(names);
    print(&format, &heading, &labels, &marked, || {
        Revisions::from_labels(&snapshot.table, &labels, "bargain")
    })
}
