//! `bargain import FILE`: a whole contract (`.docx`, `.pdf`, `.md`, `.txt`) read and split by
//! `bargain_core::document`, shown as a preview (each unit's number, title, word count and
//! first words, what it would do to the table, what was left unassigned, what reading did),
//! then — unless `--dry-run` — written as one commit by `document::import::commit`.

use super::error::{CliError, Outcome};
use super::{open, output};
use crate::words::{clip, count, thousands};
use bargain_core::document::import::{self, ImportError};
use bargain_core::document::{self, Action, Document, ImportPlan, Limits, PlanOptions, Split};
use bargain_core::store::ArticleEntry;
use bargain_core::text::escape_line;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The contract: .docx, .pdf (read with pdftotext), .md or .txt.
    pub file: PathBuf,
    /// Show what would be imported and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The topic of every new article (default: `unassigned`, added to bargaining.yaml if
    /// missing).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Replace the current language of articles the table already has (their passes, status
    /// and article.yaml stay).
    #[arg(long)]
    pub replace: bool,
}

pub fn run(repo: Option<&Path>, args: Args) -> Outcome {
    let name = args.file.display().to_string();
    let bytes = bargain_core::text::read_file(&args.file)
        .map_err(|e| CliError::unusable(format!("{name}: {e}")))?;
    let kind = document::Kind::from_name(&name).unwrap_or_else(|| document::Kind::sniff(&bytes));
    let doc = document::read(&bytes, kind, &Limits::default())
        .map_err(|e| CliError::unusable(e.problem(&name).to_string()))?;
    drop(bytes);
    let split = document::split(&doc);
    if split.units.is_empty() {
        return Err(CliError::unusable(format!(
            "{name}: no article headings found (ARTICLE 12 – TITLE, 12. TITLE, Word heading styles); nothing to import"
        )));
    }
    let repo = open(repo)?;
    let snapshot = repo.snapshot()?;
    let options = PlanOptions {
        topic: args
            .topic
            .clone()
            .unwrap_or_else(|| document::plan::UNASSIGNED_TOPIC.to_string()),
    };
    let current_of = |a: &ArticleEntry| {
        let oid = a.current?;
        repo.text(oid, &a.path("current.md")).ok()
    };
    let plan = document::plan(&split, &snapshot, current_of, &options);
    output::print(&preview(&name, &doc, &split, &plan, args.replace))?;
    if args.dry_run {
        output::print("Dry run: nothing was written.\n")?;
        return Ok(ExitCode::SUCCESS);
    }
    match import::commit(
        &repo,
        &snapshot,
        &plan,
        args.replace,
        &args
            .file
            .file_name()
            .map_or_else(|| name.clone(), |f| f.to_string_lossy().into_owned()),
        crate::clock::today(),
    ) {
        Ok(done) => {
            let mut said = format!(
                "Imported: {} article{} created",
                done.created,
                if done.created == 1 { "" } else { "s" }
            );
            if done.replaced > 0 {
                let _ = write!(said, ", {} replaced", done.replaced);
            }
            if let Some(topic) = &done.topic_added {
                let _ = write!(said, ", topic `{}` added", escape_line(topic));
            }
            let _ = writeln!(said, " ({})", &done.commit.to_string()[..10]);
            output::print(&said)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::WouldReplace(folders)) => Err(CliError::refused(format!(
            "the import would replace the current language of {} article{} ({}); nothing was written. \
             To go ahead: --replace (their passes, status and article.yaml stay)",
            folders.len(),
            if folders.len() == 1 { "" } else { "s" },
            folders.join(", ")
        ))),
        Err(ImportError::Nothing) => {
            output::print("Nothing to import: the table already has this text.\n")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Store(e)) => Err(e.into()),
        Err(e) => Err(CliError::refused(format!("{e}; nothing was written"))),
    }
}

/// The preview: what was read, one row per unit, what is unassigned, and the notes.
fn preview(name: &str, doc: &Document, split: &Split, plan: &ImportPlan, replace: bool) -> String {
    let mut out = String::new();
    let counts: Vec<String> = split
        .kinds()
        .iter()
        .map(|(k, n)| count(*n, k.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "{}: {}, {} words: {}",
        escape_line(name),
        doc.kind.as_str(),
        thousands(split.words),
        counts.join(", ")
    );
    for note in &doc.notes {
        let _ = writeln!(out, "  note: {}", escape_line(&note.to_string()));
    }
    for note in &split.notes {
        let _ = writeln!(out, "  note: {}", escape_line(note));
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{:>4}  {:<9}  {:>6}  {:<40}  first words",
        "no.", "action", "words", "title"
    );
    for entry in &plan.entries {
        let unit = &split.units[entry.unit];
        let action = match &entry.action {
            Action::Create => "new",
            Action::Unchanged => "unchanged",
            Action::Replace { .. } if replace => "replace",
            Action::Replace { .. } => "changed",
            Action::Conflict(_) => "conflict",
        };
        let title = clip(&escape_line(&entry.article.title), 40);
        let _ = writeln!(
            out,
            "{:>4}  {:<9}  {:>6}  {:<40}  {}",
            entry.article.number,
            action,
            thousands(unit.words),
            title,
            escape_line(&document::first_words(&unit.first_words, 8))
        );
    }
    if !split.unassigned.is_empty() {
        out.push_str("\nUnassigned (not imported):\n");
        for left in &split.unassigned {
            let _ = writeln!(
                out,
                "  {} (lines {}–{}): {} words",
                left.kind.as_str(),
                left.lines.start + 1,
                left.lines.end,
                thousands(left.words)
            );
        }
    }
    let changed: Vec<&str> = plan
        .entries
        .iter()
        .filter(|e| matches!(e.action, Action::Replace { .. }))
        .map(|e| e.folder.as_str())
        .collect();
    let mut notes: Vec<String> = plan.notes.clone();
    if let Some(topic) = &plan.add_topic {
        notes.push(format!(
            "new articles get the topic `{}`, added to bargaining.yaml",
            topic.id
        ));
    }
    if !changed.is_empty() && !replace {
        notes.push(format!(
            "{} article{} of the table {} other current language than the document ({}); \
             they are replaced only with --replace",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" },
            if changed.len() == 1 { "has" } else { "have" },
            changed.join(", ")
        ));
    }
    for (entry, why) in plan.conflicts() {
        notes.push(format!("conflict, {}: {why}", entry.folder));
    }
    notes.extend(plan.blocked.iter().cloned());
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            let _ = writeln!(out, "note: {}", escape_line(&note));
        }
    }
    out
}
