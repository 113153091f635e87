//! The shell's side of recording: what the form's jobs do to the repository, as plain functions
//! that return the message for `update` (so tests call them without a terminal), and `$EDITOR`
//! with the terminal handed over and taken back.

use super::form::NotChecked;
use super::{Context, EditJob, Event, Job, Loaded, Reloaded, WriteOutcome, Written};
use crate::tui::search;
use bargain_core::record::{self, Actor};
use bargain_core::store::writer::{self, WriteError};
use bargain_core::store::{History, Repo, Snapshot};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

/// What the loader reports about recording when it opens a repository: an interrupted write
/// finished first (`store::writer::recover`), then who records and the day.
pub fn on_open(repo: &Repo) -> Vec<Event> {
    let recovered = writer::recover(repo).map_err(|e| e.to_string());
    vec![Event::Recovered(recovered), Event::Context(context(repo))]
}

/// Who records here (git's identity) and today's date.
pub fn context(repo: &Repo) -> Context {
    Context {
        actor: Actor::from_git(repo).map_err(|e| e.to_string()),
        today: crate::clock::today(),
    }
}

/// Does one job against the table the user was shown (`snapshot`, `history`), as `context`'s
/// actor. Never panics; every failure comes back as text for the form.
pub fn perform(
    repo: &Repo,
    job: Job,
    snapshot: &Snapshot,
    history: &History,
    context: Option<&Context>,
) -> Event {
    match job {
        Job::Read {
            ticket,
            path,
            number,
        } => Event::Text {
            ticket,
            result: read_text(repo, &path, number),
        },
        Job::Check { ticket, request } => Event::Checked {
            ticket,
            result: checked(context, |actor, today| {
                record::check(repo, snapshot, history, actor, today, &request)
            }),
        },
        Job::CheckTable {
            ticket,
            request,
            note,
        } => Event::Checked {
            ticket,
            result: checked(context, |actor, today| {
                record::check_table(repo, snapshot, actor, today, &request, note.as_deref())
            }),
        },
        Job::Apply { ticket, plan } => {
            Event::Written(Box::new(apply(repo, ticket, &plan, history)))
        }
    }
}

/// A check made as the context's actor on its day; a refusal kept whole for the form to explain.
fn checked(
    context: Option<&Context>,
    check: impl FnOnce(&Actor, bargain_core::model::Date) -> Result<record::Plan, record::Refusal>,
) -> Result<Box<record::Plan>, NotChecked> {
    match context.map(|c| (&c.actor, c.today)) {
        None => Err(NotChecked::Failed(
            "who records is not known yet; try again in a moment".to_string(),
        )),
        Some((Err(why), _)) => Err(NotChecked::Failed(why.clone())),
        Some((Ok(actor), today)) => check(actor, today)
            .map(Box::new)
            .map_err(|r| NotChecked::Refused(Box::new(r))),
    }
}

/// Writes a confirmed plan; on success the index is extended by the new commit only.
pub fn apply(repo: &Repo, ticket: u64, plan: &record::Plan, history: &History) -> Written {
    let recorded = |commit, warning| WriteOutcome::Recorded {
        commit,
        sentence: plan.sentence.clone(),
        warning,
    };
    let (outcome, commit) = match record::apply(repo, plan) {
        Ok(commit) => {
            forget_drafts(repo, plan);
            (recorded(commit, None), Some(commit))
        }
        // Recorded: the branch points at it; only the work tree lags.
        Err(e @ WriteError::Unfinished { commit, .. }) => {
            (recorded(commit, Some(e.to_string())), Some(commit))
        }
        Err(e @ WriteError::BranchMoved { .. }) => {
            let table = reload(repo).ok();
            let why = if table.is_some() {
                format!("{e}. The table is reloaded: look again, then record.")
            } else {
                e.to_string()
            };
            return Written {
                ticket,
                outcome: WriteOutcome::Refused(why),
                table,
            };
        }
        Err(e) => (WriteOutcome::Refused(e.to_string()), None),
    };
    let table = commit.and_then(|c| extend(repo, history, c).ok());
    Written {
        ticket,
        outcome,
        table,
    }
}

/// The table at `commit`, with `history` extended to it (no new walk of old history).
pub fn extend(repo: &Repo, history: &History, commit: git2::Oid) -> Result<Reloaded, String> {
    let mut history = history.clone();
    history
        .extend_to(repo, commit, &mut |_| ControlFlow::Continue(()))
        .map_err(|e| e.to_string())?;
    let snapshot = repo.snapshot_at(commit).map_err(|e| e.to_string())?;
    Ok(Reloaded {
        corpus: Arc::new(search::corpus(repo, &snapshot)),
        snapshot: Arc::new(snapshot),
        history: Arc::new(history),
    })
}

/// The table at `commit` after the branch moved under the TUI (another shell recorded, a pull, a
/// sync): `history` extended to it when the branch only grew, rebuilt when history was rewritten.
pub fn moved_to(repo: &Repo, history: &History, commit: git2::Oid) -> Result<Reloaded, String> {
    let grew = history.head.is_none_or(|known| {
        known == commit || repo.git.graph_descendant_of(commit, known).unwrap_or(false)
    });
    if grew {
        extend(repo, history, commit)
    } else {
        reload(repo)
    }
}

/// The table at HEAD from scratch (the branch moved under us: someone else recorded).
pub fn reload(repo: &Repo) -> Result<Reloaded, String> {
    let head = repo.head().map_err(|e| e.to_string())?;
    let history = History::load(repo).map_err(|e| e.to_string())?.0;
    let snapshot = repo.snapshot_at(head.commit).map_err(|e| e.to_string())?;
    Ok(Reloaded {
        corpus: Arc::new(search::corpus(repo, &snapshot)),
        snapshot: Arc::new(snapshot),
        history: Arc::new(history),
    })
}

/// A pass's text from a file the user named: relative to the folder bargain started in, or to
/// the table's root when it is not there. `~/` is the home folder. Any document the table
/// exchanges (`.docx`, `.pdf`, `.md`, `.txt`); a whole contract yields article `number`.
pub fn read_text(repo: &Repo, typed: &str, number: u32) -> Result<Loaded, String> {
    let path = find_file(repo, typed);
    let bytes = std::fs::read(&path).map_err(|e| format!("{typed}: {e}"))?;
    let read = bargain_core::document::article_text(
        &bytes,
        typed,
        Some(&|| Some(number)),
        &bargain_core::document::Limits::default(),
    )
    .map_err(|p| p.to_string())?;
    Ok(Loaded {
        text: read.file.text.into_owned(),
        source: typed.to_string(),
        took: read.took.map(|t| t.sentence(typed)),
    })
}

/// Where a file the user typed is: relative to the folder bargain started in, or to the
/// table's root when it is not there; `~/` is the home folder.
pub fn find_file(repo: &Repo, typed: &str) -> std::path::PathBuf {
    let expanded = match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => Path::new(typed).to_path_buf(),
    };
    if expanded.is_relative() && !expanded.exists() {
        repo.root().join(&expanded)
    } else {
        expanded
    }
}

/// The text the editor starts from: the side's latest pass, else the current language, else
/// nothing.
pub fn editor_start(repo: &Repo, snapshot: &Snapshot, article: &str, side: &str) -> String {
    let Some(entry) = snapshot.find(article) else {
        return String::new();
    };
    // Text written before and not recorded (refused, the TUI closed, a crash) comes back.
    if let Some(draft) = read_draft(repo, &entry.id, side) {
        return draft;
    }
    let (blob, file) = match (entry.passes.get(side), entry.current) {
        (Some(b), _) => (*b, format!("{side}.md")),
        (None, Some(b)) => (b, "current.md".to_string()),
        (None, None) => return String::new(),
    };
    repo.text(blob, &entry.path(&file)).unwrap_or_default()
}

/// Drafts: a pass written in `$EDITOR` is kept under `.git/bargain/drafts/` until it is
/// recorded, so a refused recording, a closed TUI or a crash never throws the words away; the
/// next edit of the same article and side starts from it.
fn draft_path(repo: &Repo, article: &str, side: &str) -> std::path::PathBuf {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    repo.git.path().join("bargain").join("drafts").join(format!(
        "{}--{}.md",
        safe(article),
        safe(side)
    ))
}

/// The largest draft read back (a pass is text; anything larger is not ours).
const DRAFT_CAP: u64 = 8 << 20;

fn read_draft(repo: &Repo, article: &str, side: &str) -> Option<String> {
    let path = draft_path(repo, article, side);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > DRAFT_CAP {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// Keeps what the editor gave back, for article `article` (its folder id) and `side`.
pub fn save_draft(repo: &Repo, article: &str, side: &str, text: &str) -> Result<(), String> {
    let path = draft_path(repo, article, side);
    let dir = path.parent().unwrap_or(&path);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| e.to_string())?;
    file.persist(&path).map_err(|e| e.to_string())?;
    Ok(())
}

/// Once a pass is recorded its draft is done with.
fn forget_drafts(repo: &Repo, plan: &record::Plan) {
    let Some(article) = &plan.article else { return };
    for file in &plan.files {
        if let Some(side) = file
            .path
            .strip_prefix(&format!("proposals/{article}/"))
            .and_then(|f| f.strip_suffix(".md"))
        {
            let _ = std::fs::remove_file(draft_path(repo, article, side));
        }
    }
}

/// Runs `$EDITOR` (else `vi`) on a temporary file holding `start`; returns what was saved. The
/// caller has handed the terminal over (see [`InputGate`] and `terminal::restore`).
pub fn run_editor(start: &str, name: &str) -> Result<String, String> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // A fresh file of our own (created exclusively, private to the user), removed when done.
    let file = tempfile::Builder::new()
        .prefix(&format!("bargain-{safe}-"))
        .suffix(".md")
        .tempfile()
        .map_err(|e| format!("a temporary file for the editor: {e}"))?;
    let path = file.path().to_path_buf();
    std::fs::write(&path, start).map_err(|e| format!("{}: {e}", path.display()))?;
    let set = |key| {
        std::env::var(key)
            .ok()
            .filter(|e: &String| !e.trim().is_empty())
    };
    let editor = set("VISUAL")
        .or_else(|| set("EDITOR"))
        .unwrap_or_else(|| "vi".to_string());
    // Through the shell, as git runs it, so `EDITOR="code --wait"` works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("bargain-editor")
        .arg(&path)
        .status();
    let result = match status {
        Ok(s) if s.success() => {
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        }
        Ok(s) => Err(format!("{editor} exited with {s}; nothing was taken")),
        Err(e) => Err(format!("{editor} could not be started: {e}")),
    };
    drop(file);
    result
}

/// The event for an editor job once the editor is done.
pub fn edited(job: &EditJob, result: Result<String, String>) -> Event {
    Event::Text {
        ticket: job.ticket,
        result: result.map(|text| Loaded {
            text,
            source: "$EDITOR".to_string(),
            took: None,
        }),
    }
}

/// Lets the shell stop the input thread from reading the terminal while an editor owns it: the
/// thread reads (a short poll) only through [`InputGate::while_open`], and [`InputGate::pause`]
/// returns once no read is under way, so not one keystroke meant for the editor is taken.
#[derive(Debug, Default)]
pub struct InputGate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    paused: bool,
    reading: bool,
}

impl InputGate {
    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `read` (a short poll) once the gate is open; waits while it is paused.
    pub fn while_open<T>(&self, read: impl FnOnce() -> T) -> T {
        let mut state = self.lock();
        while state.paused {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.reading = true;
        drop(state);
        let result = read();
        self.lock().reading = false;
        self.changed.notify_all();
        result
    }

    /// Closes the gate and waits for a read under way to end.
    pub fn pause(&self) {
        let mut state = self.lock();
        state.paused = true;
        while state.reading {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn resume(&self) {
        self.lock().paused = false;
        self.changed.notify_all();
    }
}

/// The event for a job that could not even start (the repository would not open).
pub fn failed(job: Job, why: String) -> Event {
    match job {
        Job::Read { ticket, .. } => Event::Text {
            ticket,
            result: Err(why),
        },
        Job::Check { ticket, .. } | Job::CheckTable { ticket, .. } => Event::Checked {
            ticket,
            result: Err(NotChecked::Failed(why)),
        },
        Job::Apply { ticket, .. } => Event::Written(Box::new(Written {
            ticket,
            outcome: WriteOutcome::Refused(why),
            table: None,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::InputGate;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn a_paused_gate_lets_no_read_through_until_resumed() {
        let gate = Arc::new(InputGate::default());
        let reads = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (gate, reads, stop) = (gate.clone(), reads.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    gate.while_open(|| {
                        reads.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                    });
                }
            })
        };
        std::thread::sleep(Duration::from_millis(30));
        gate.pause();
        let paused_at = reads.load(Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            reads.load(Ordering::SeqCst),
            paused_at,
            "no read while paused"
        );
        stop.store(true, Ordering::SeqCst);
        gate.resume();
        reader.join().unwrap();
    }
}
