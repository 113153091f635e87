//! The import screen: a whole contract (`.docx`, `.pdf`, `.md`, `.txt`) read, split and planned
//! by the library (`document::read`, `split`, `plan` — what `bargain import --dry-run` shows),
//! shown as a list to scroll: each unit's number, what the import does with it, its words, title
//! and first words, then what is left unassigned and the plan's notes. Enter writes it in one
//! commit through `document::import::commit`, the call the command line makes; Esc closes the
//! screen and nothing is written.
//!
//! The screen's state is an [`ImportScreen`], which the TUI's state holds and [`view`] draws;
//! keys and answers change it in `update` (`tui/update/import.rs`), so nothing here knows the
//! TUI's state. The work ([`perform`]) runs on a thread of its own in the shell (or in line in
//! tests) and answers with an [`Event`]. Everything from the document or the repository is
//! escaped before drawing.

use super::keys::Action;
use super::popup;
use super::recording::{self, Reloaded};
use super::theme::Theme;
use crate::words::{clip, count, thousands};
use bargain_core::document::import::{self as importing, ImportError};
use bargain_core::document::{self, Action as Plan, ImportPlan, Limits, PlanOptions};
use bargain_core::store::{ArticleEntry, History, Repo, Snapshot};
use bargain_core::text::escape_line;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::sync::Arc;

/// The screen's state, while it is open.
#[derive(Debug, Clone)]
pub struct ImportScreen {
    /// Results for another ticket (a screen closed and opened again) are stale.
    pub ticket: u64,
    /// The file's path as typed.
    pub path: String,
    pub step: Step,
    /// Why Enter did not go on, or why nothing was written.
    pub message: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Step {
    /// Typing the file's path.
    Path,
    /// The file is being read, split and planned.
    Reading,
    /// The plan, shown; Enter imports.
    Preview(Box<Preview>),
    /// The commit is being written.
    Writing(Box<Preview>),
}

/// What the import would do, as the screen shows it, and the plan to write.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The file as typed.
    pub file: String,
    /// "84,000 words in 52 articles, 3 letters (text)"
    pub summary: String,
    pub rows: Vec<Row>,
    /// "table of contents (lines 3–40): 512 words"
    pub unassigned: Vec<String>,
    /// What reading, splitting and planning said, and what Enter would replace.
    pub notes: Vec<String>,
    /// Why Enter cannot import this plan (blocked or conflicting), when it cannot.
    pub refusal: Option<String>,
    /// How many articles Enter creates or replaces.
    pub writes: usize,
    pub plan: Box<ImportPlan>,
    /// The table the plan was made against: the commit is refused if the branch moved since.
    pub snapshot: Arc<Snapshot>,
    /// The first line of the list in view.
    pub scroll: usize,
}

impl Preview {
    /// Moves the list in view for `action`, `page` lines a page, never past its last line.
    pub fn scroll_by(&mut self, action: Action, page: usize) {
        let last = list_lines(self).len().saturating_sub(1);
        self.scroll = match action {
            Action::Down => self.scroll + 1,
            Action::Up => self.scroll.saturating_sub(1),
            Action::PageDown | Action::HalfPageDown => self.scroll + page,
            Action::PageUp | Action::HalfPageUp => self.scroll.saturating_sub(page),
            Action::Top => 0,
            Action::Bottom => last,
            _ => self.scroll,
        }
        .min(last);
    }
}

/// One unit of the document, as a row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: u32,
    /// "new", "unchanged", "replace", "conflict"
    pub action: &'static str,
    pub words: usize,
    pub title: String,
    pub first_words: String,
}

/// Work for the shell.
#[derive(Debug, Clone)]
pub enum Job {
    /// Read, split and plan the file against `snapshot`.
    Plan {
        ticket: u64,
        path: String,
        snapshot: Arc<Snapshot>,
    },
    /// Write the plan in one commit, then extend `history` to it.
    Commit {
        ticket: u64,
        preview: Box<Preview>,
        history: Arc<History>,
    },
}

/// Effects are compared in tests; a job is told by its step and ticket (the snapshot and the
/// plan it carries are the screen's, for that ticket).
impl PartialEq for Job {
    fn eq(&self, other: &Job) -> bool {
        match (self, other) {
            (
                Job::Plan {
                    ticket: a, path: p, ..
                },
                Job::Plan {
                    ticket: b, path: q, ..
                },
            ) => a == b && p == q,
            (Job::Commit { ticket: a, .. }, Job::Commit { ticket: b, .. }) => a == b,
            _ => false,
        }
    }
}

impl Eq for Job {}

/// What the work came back with.
#[derive(Debug, Clone)]
pub enum Event {
    Planned {
        ticket: u64,
        result: Result<Box<Preview>, String>,
    },
    Imported {
        ticket: u64,
        /// What was written ("Imported: 14 articles created (0123abcdef)") and the table after.
        result: Result<(String, Option<Reloaded>), String>,
    },
}

/// Does one job against the repository. Never panics; every failure comes back as text.
pub fn perform(repo: &Repo, job: Job) -> Event {
    match job {
        Job::Plan {
            ticket,
            path,
            snapshot,
        } => Event::Planned {
            ticket,
            result: plan(repo, &path, snapshot).map(Box::new),
        },
        Job::Commit {
            ticket,
            preview,
            history,
        } => Event::Imported {
            ticket,
            result: commit(repo, &preview, &history),
        },
    }
}

/// Reads, splits and plans the file `typed` (as the recording form finds files) against
/// `snapshot`, with the command line's defaults (new articles under the `unassigned` topic).
pub fn plan(repo: &Repo, typed: &str, snapshot: Arc<Snapshot>) -> Result<Preview, String> {
    let path = recording::work::find_file(repo, typed);
    let bytes = bargain_core::text::read_file(&path).map_err(|e| format!("{typed}: {e}"))?;
    let kind = document::Kind::from_name(typed).unwrap_or_else(|| document::Kind::sniff(&bytes));
    let doc = document::read(&bytes, kind, &Limits::default())
        .map_err(|e| e.problem(typed).to_string())?;
    drop(bytes);
    let split = document::split(&doc);
    if split.units.is_empty() {
        return Err(format!(
            "{typed}: no article headings found (ARTICLE 12 – TITLE, 12. TITLE, Word heading styles); nothing to import"
        ));
    }
    let current_of = |a: &ArticleEntry| {
        let oid = a.current?;
        repo.text(oid, &a.path("current.md")).ok()
    };
    let plan = document::plan(&split, &snapshot, current_of, &PlanOptions::default());

    let counts: Vec<String> = split
        .kinds()
        .iter()
        .map(|(k, n)| count(*n, k.as_str()))
        .collect();
    let summary = format!(
        "{} words in {} ({})",
        thousands(split.words),
        counts.join(", "),
        doc.kind.as_str()
    );
    let rows = plan
        .entries
        .iter()
        .map(|e| {
            let unit = &split.units[e.unit];
            Row {
                number: e.article.number,
                action: match e.action {
                    Plan::Create => "new",
                    Plan::Unchanged => "unchanged",
                    Plan::Replace { .. } => "replace",
                    Plan::Conflict(_) => "conflict",
                },
                words: unit.words,
                title: e.article.title.clone(),
                first_words: document::first_words(&unit.first_words, 8),
            }
        })
        .collect();
    let unassigned = split
        .unassigned
        .iter()
        .map(|left| {
            format!(
                "{} (lines {}–{}): {} words",
                left.kind.as_str(),
                left.lines.start + 1,
                left.lines.end,
                thousands(left.words)
            )
        })
        .collect();
    let mut notes: Vec<String> = doc.notes.iter().map(ToString::to_string).collect();
    notes.extend(split.notes.iter().cloned());
    notes.extend(plan.notes.iter().cloned());
    if let Some(topic) = &plan.add_topic {
        notes.push(format!(
            "new articles get the topic `{}`, added to bargaining.yaml",
            topic.id
        ));
    }
    let replaced: Vec<&str> = plan
        .entries
        .iter()
        .filter(|e| matches!(e.action, Plan::Replace { .. }))
        .map(|e| e.folder.as_str())
        .collect();
    if !replaced.is_empty() {
        notes.push(format!(
            "Enter replaces the current language of {} the table has ({}); their passes, status and article.yaml stay",
            count(replaced.len(), "article"),
            replaced.join(", ")
        ));
    }
    let mut refusals: Vec<String> = plan.blocked.clone();
    refusals.extend(
        plan.conflicts()
            .map(|(e, why)| format!("{}: {why}", e.folder)),
    );
    let writes = plan
        .entries
        .iter()
        .filter(|e| matches!(e.action, Plan::Create | Plan::Replace { .. }))
        .count();
    Ok(Preview {
        file: typed.to_string(),
        summary,
        rows,
        unassigned,
        notes,
        refusal: (!refusals.is_empty()).then(|| refusals.join("; ")),
        writes,
        plan: Box::new(plan),
        snapshot,
        scroll: 0,
    })
}

/// Writes the plan (replacing what the preview said it replaces: Enter on it is the
/// confirmation), then extends the index to the new commit.
pub fn commit(
    repo: &Repo,
    preview: &Preview,
    history: &History,
) -> Result<(String, Option<Reloaded>), String> {
    let file = std::path::Path::new(&preview.file).file_name().map_or_else(
        || preview.file.clone(),
        |f| f.to_string_lossy().into_owned(),
    );
    let today = crate::clock::today();
    match importing::commit(repo, &preview.snapshot, &preview.plan, true, &file, today) {
        Ok(done) => {
            let mut said = format!(
                "Imported: {} created",
                count(done.created, "article")
            );
            if done.replaced > 0 {
                said.push_str(&format!(", {} replaced", done.replaced));
            }
            if let Some(topic) = &done.topic_added {
                said.push_str(&format!(", topic `{}` added", escape_line(topic)));
            }
            said.push_str(&format!(" ({})", recording::short(done.commit)));
            let table = recording::work::extend(repo, history, done.commit).ok();
            Ok((said, table))
        }
        Err(ImportError::Nothing) => Err(
            "the table already holds every article of the document with this very text; nothing to import"
                .into(),
        ),
        Err(e) => Err(format!("{e}; nothing was written")),
    }
}

/// The list's lines: a row per unit, then what is unassigned, then the notes.
fn list_lines(preview: &Preview) -> Vec<(String, Kind)> {
    let mut lines = Vec::with_capacity(preview.rows.len() + 8);
    for r in &preview.rows {
        lines.push((
            format!(
                "{:>4}  {:<9} {:>7}  {:<TITLE$}  {}",
                r.number,
                r.action,
                thousands(r.words),
                clip(&escape_line(&r.title), TITLE),
                escape_line(&r.first_words)
            ),
            if r.action == "conflict" {
                Kind::Warning
            } else {
                Kind::Row
            },
        ));
    }
    if !preview.unassigned.is_empty() {
        lines.push((String::new(), Kind::Row));
        lines.push(("Unassigned (not imported):".into(), Kind::Heading));
        for left in &preview.unassigned {
            lines.push((format!("  {}", escape_line(left)), Kind::Dim));
        }
    }
    if !preview.notes.is_empty() {
        lines.push((String::new(), Kind::Row));
        for note in &preview.notes {
            lines.push((format!("note: {}", escape_line(note)), Kind::Dim));
        }
    }
    lines
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Row,
    Heading,
    Dim,
    Warning,
}

/// Draws the screen in a popup over the panes.
pub fn view(screen: &ImportScreen, buf: &mut Buffer, area: Rect, theme: Theme) {
    let Some(body) = popup::frame(
        buf,
        area,
        (110, u16::MAX),
        (30, 8),
        " Import a contract ",
        theme,
    ) else {
        return;
    };
    let put = |buf: &mut Buffer, y: u16, line: Line<'_>| {
        if y < body.bottom() {
            buf.set_line(body.x, y, &line, body.width);
        }
    };
    let hint_y = body.bottom().saturating_sub(1);
    let message_y = hint_y.saturating_sub(1);
    let t = theme;
    match &screen.step {
        Step::Path | Step::Reading => {
            put(
                buf,
                body.y,
                Line::styled(
                    "The whole contract, split into its articles (.docx, .pdf, .md or .txt):",
                    t.heading(),
                ),
            );
            put(
                buf,
                body.y + 2,
                Line::from(vec![
                    Span::styled("File: ", t.bold()),
                    Span::styled(escape_line(&screen.path).into_owned(), t.plain()),
                    Span::styled(
                        if matches!(screen.step, Step::Path) {
                            "▏"
                        } else {
                            ""
                        },
                        t.key(),
                    ),
                ]),
            );
            if matches!(screen.step, Step::Reading) {
                put(
                    buf,
                    body.y + 4,
                    Line::styled("reading and splitting…", t.dim()),
                );
            }
            hint(
                buf,
                hint_y,
                body,
                t,
                "Enter reads it and shows what would be imported · Esc closes",
            );
        }
        Step::Preview(preview) | Step::Writing(preview) => {
            put(
                buf,
                body.y,
                Line::from(vec![
                    Span::styled(format!("{}: ", escape_line(&preview.file)), t.bold()),
                    Span::styled(preview.summary.clone(), t.plain()),
                ]),
            );
            put(
                buf,
                body.y + 1,
                Line::styled(
                    format!(
                        "{:>4}  {:<9} {:>7}  {:<TITLE$}  first words",
                        "no.", "action", "words", "title"
                    ),
                    t.dim(),
                ),
            );
            let top = body.y + 2;
            let rows = message_y.saturating_sub(top);
            let lines = list_lines(preview);
            for (i, (text, kind)) in lines
                .iter()
                .skip(preview.scroll)
                .take(usize::from(rows))
                .enumerate()
            {
                let style = match kind {
                    Kind::Row => t.plain(),
                    Kind::Heading => t.heading(),
                    Kind::Dim => t.dim(),
                    Kind::Warning => t.warning(),
                };
                put(buf, top + i as u16, Line::styled(text.clone(), style));
            }
            let shown = (preview.scroll + usize::from(rows)).min(lines.len());
            let said = if matches!(screen.step, Step::Writing(_)) {
                "importing…".to_string()
            } else if let Some(why) = &preview.refusal {
                format!("cannot import: {}", escape_line(why))
            } else {
                format!(
                    "Enter imports {} in one commit · ↑↓ scroll: lines {}–{} of {}",
                    count(preview.writes, "article"),
                    (preview.scroll + 1).min(lines.len()),
                    shown,
                    lines.len()
                )
            };
            hint(buf, hint_y, body, t, &said);
        }
    }
    if let Some(message) = &screen.message {
        put(
            buf,
            message_y,
            Line::styled(escape_line(message).into_owned(), t.error()),
        );
    }
}

fn hint(buf: &mut Buffer, y: u16, body: Rect, t: Theme, text: &str) {
    buf.set_line(
        body.x,
        y,
        &Line::styled(text.to_string(), t.key()),
        body.width,
    );
}

/// The answer to a job that could not even start (the repository would not open).
pub fn failed(job: Job, why: String) -> Event {
    match job {
        Job::Plan { ticket, .. } => Event::Planned {
            ticket,
            result: Err(why),
        },
        Job::Commit { ticket, .. } => Event::Imported {
            ticket,
            result: Err(format!("{why}; nothing was written")),
        },
    }
}

/// The width of the title column.
const TITLE: usize = 36;
