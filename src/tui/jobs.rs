//! Work off the UI thread. Each worker opens its own git repository (a `git2::Repository` is not
//! `Sync`) and reports through the UI's message channel:
//!
//! - the loader reads the table at HEAD (the first frame needs nothing more), then indexes the
//!   history with progress, then reads every article's texts for search;
//! - the redline worker resolves a comparison and computes its redline. Requests carry a
//!   generation number; a request waiting behind a newer one is skipped, and `update` drops any
//!   result whose generation is not the latest it asked for;
//! - while the loader walks all history (no usable index on disk), the article worker walks one
//!   article's folder alone (`History::of_article_at`), so the article in view has its history
//!   in a fraction of the time; a request waiting behind a newer one is skipped. The loader's
//!   walk gives way to it ([`Gate`]): the two walks read the same pack, and on a machine with
//!   no core to spare they would only slow each other.

use super::redline_view::RedlineDoc;
use super::search::corpus;
use super::state::{Message, Opened, RedlineReady, RedlineResult, SyncProblem, SyncState, Synced};
use super::terminal::panic_message;
use bargain_core::comparison::{Comparison, Resolved};
use bargain_core::record::replay::{self, SyncError};
use bargain_core::store::remote::{self, Mode, NetError, Upstream};
use bargain_core::store::{History, Repo, Snapshot};
use bargain_core::text::escape_line;
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;
use std::time::Duration;

/// One redline to compute.
pub struct RedlineJob {
    pub generation: u64,
    pub article: String,
    pub comparison: Comparison,
    pub snapshot: Arc<Snapshot>,
    pub history: Arc<History>,
}

/// One article's history to walk, up to `commit`.
struct ArticleJob {
    article: String,
    commit: git2::Oid,
}

/// Held while one article is walked; the walk of all history waits at its next progress report
/// (every 256 commits) until it is free.
#[derive(Default)]
struct Gate(std::sync::Mutex<()>);

impl Gate {
    fn hold(&self) -> std::sync::MutexGuard<'_, ()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Handles to the workers.
pub struct Jobs {
    redline: Sender<RedlineJob>,
    article: Sender<ArticleJob>,
    path: PathBuf,
    tx: Sender<Message>,
}

impl Jobs {
    /// Starts the loader for the repository at `path` and the redline worker; results arrive on
    /// `tx`.
    pub fn start(path: PathBuf, tx: Sender<Message>) -> Jobs {
        let loader_tx = tx.clone();
        let loader_path = path.clone();
        let gate = Arc::new(Gate::default());
        let loader_gate = gate.clone();
        thread::Builder::new()
            .name("bargain-load".into())
            .spawn(move || load(&loader_path, &loader_tx, &loader_gate))
            .expect("start the loader thread");
        let (redline, requests) = channel();
        let (redline_path, redline_tx) = (path.clone(), tx.clone());
        thread::Builder::new()
            .name("bargain-redline".into())
            .spawn(move || redlines(&redline_path, &requests, &redline_tx))
            .expect("start the redline thread");
        let (article, article_requests) = channel();
        let (article_path, article_tx) = (path.clone(), tx.clone());
        thread::Builder::new()
            .name("bargain-article".into())
            .spawn(move || article_histories(&article_path, &article_requests, &article_tx, &gate))
            .expect("start the article thread");
        let (watch_path, watch_tx) = (path.clone(), tx.clone());
        thread::Builder::new()
            .name("bargain-watch".into())
            .spawn(move || watch(&watch_path, &watch_tx))
            .expect("start the watcher thread");
        let (fetch_path, fetch_tx) = (path.clone(), tx.clone());
        thread::Builder::new()
            .name("bargain-fetch".into())
            .spawn(move || fetch_forever(&fetch_path, &fetch_tx))
            .expect("start the fetch thread");
        Jobs {
            redline,
            article,
            path,
            tx,
        }
    }

    /// The table at `commit` with `history` extended to it (no new walk of what is indexed), or
    /// rebuilt when history was rewritten under us; arrives as [`Message::Refreshed`].
    pub fn refresh(&self, history: Arc<History>, commit: git2::Oid) {
        let (path, tx) = (self.path.clone(), self.tx.clone());
        let _ = thread::Builder::new()
            .name("bargain-refresh".into())
            .spawn(move || {
                let Ok(repo) = Repo::discover(&path) else {
                    return;
                };
                if let Ok(reloaded) = crate::tui::recording::work::moved_to(&repo, &history, commit)
                {
                    let _ = tx.send(Message::Refreshed(Box::new(reloaded)));
                }
            });
    }

    /// A sync on a thread of its own; its outcome arrives as [`Message::Synced`].
    pub fn sync(&self, history: Arc<History>) {
        let (path, tx) = (self.path.clone(), self.tx.clone());
        let _ = thread::Builder::new()
            .name("bargain-sync".into())
            .spawn(move || {
                let synced = match Repo::discover(&path) {
                    Ok(repo) => sync(&repo, &history),
                    Err(e) => Synced {
                        sync: SyncState::NoUpstream,
                        said: format!("not synced: {}", escape_line(&e.to_string())),
                        table: None,
                    },
                };
                let _ = tx.send(Message::Synced(Box::new(synced)));
            });
    }

    /// An import screen's job (read and plan a contract, or commit it) on a thread of its own;
    /// its answer arrives as [`Message::Import`].
    pub fn import(&self, job: crate::tui::import::Job) {
        let (path, tx) = (self.path.clone(), self.tx.clone());
        let _ = thread::Builder::new()
            .name("bargain-import".into())
            .spawn(move || {
                let event = match Repo::discover(&path) {
                    Ok(repo) => crate::tui::import::perform(&repo, job),
                    Err(e) => crate::tui::import::failed(job, e.to_string()),
                };
                let _ = tx.send(Message::Import(Box::new(event)));
            });
    }

    /// A recording job (read a text, check, write) on a thread of its own: writes are rare, and
    /// one never waits behind a redline.
    pub fn record(
        &self,
        job: crate::tui::recording::Job,
        snapshot: Arc<Snapshot>,
        history: Arc<History>,
        context: Option<crate::tui::recording::Context>,
    ) {
        let (path, tx) = (self.path.clone(), self.tx.clone());
        let _ = thread::Builder::new()
            .name("bargain-record".into())
            .spawn(move || {
                let event = match Repo::discover(&path) {
                    Ok(repo) => crate::tui::recording::work::perform(
                        &repo,
                        job,
                        &snapshot,
                        &history,
                        context.as_ref(),
                    ),
                    Err(e) => crate::tui::recording::work::failed(job, e.to_string()),
                };
                let _ = tx.send(Message::Record(Box::new(event)));
            });
    }

    pub fn redline(&self, job: RedlineJob) {
        let _ = self.redline.send(job);
    }

    /// Article `article`'s own history up to `commit`; arrives as [`Message::ArticleHistory`].
    pub fn article_history(&self, article: String, commit: git2::Oid) {
        let _ = self.article.send(ArticleJob { article, commit });
    }
}

/// How often the watcher looks at HEAD: a recording from another shell or a pull shows within
/// about a second, for the price of reading one ref.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(700);

/// Tells the UI whenever HEAD points at another commit than when it last looked.
fn watch(path: &std::path::Path, tx: &Sender<Message>) {
    let Ok(repo) = Repo::discover(path) else {
        return;
    };
    let mut seen = repo.head().ok().map(|h| h.commit);
    loop {
        thread::sleep(WATCH_EVERY);
        let now = repo.head().ok().map(|h| h.commit);
        if now != seen {
            seen = now;
            if let Some(commit) = now
                && tx.send(Message::HeadMoved(commit)).is_err()
            {
                return;
            }
        }
    }
}

fn load(path: &std::path::Path, tx: &Sender<Message>, gate: &Gate) {
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| try_load(path, tx, gate)))
        .unwrap_or_else(|p| {
            Err(format!(
                "internal error while loading: {}",
                panic_message(&*p)
            ))
        });
    if let Err(why) = outcome {
        let _ = tx.send(Message::Failed(why));
    }
}

fn try_load(path: &std::path::Path, tx: &Sender<Message>, gate: &Gate) -> Result<(), String> {
    let repo = Repo::discover(path).map_err(|e| e.to_string())?;
    for event in crate::tui::recording::work::on_open(&repo) {
        let _ = tx.send(Message::Record(Box::new(event)));
    }
    let head = repo.head().map_err(|e| e.to_string())?;
    let snapshot = Arc::new(repo.snapshot_at(head.commit).map_err(|e| e.to_string())?);
    let opened = Opened {
        snapshot: snapshot.clone(),
        branch: head.branch.clone(),
        uncommitted: repo.uncommitted().len(),
        sync: sync_state(&repo, None),
    };
    if tx.send(Message::Opened(Box::new(opened))).is_err() {
        return Ok(());
    }
    // The index on disk, extended by the commits since (a walk of all history only when it
    // cannot be used): the articles' timelines are there in the time it takes to read a file.
    let mut history = match History::cached(&repo) {
        Ok(history) => history,
        Err(_) => {
            if tx.send(Message::Walking).is_err() {
                return Ok(());
            }
            History::default()
        }
    };
    let covered = history.head;
    let mut gone = false;
    history
        .extend_to(&repo, head.commit, &mut |p| {
            drop(gate.hold());
            if tx.send(Message::Indexing(p)).is_err() {
                gone = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .map_err(|e| e.to_string())?;
    if !gone && history.head != covered {
        let _ = history.save(&repo);
    }
    if gone || tx.send(Message::Indexed(Arc::new(history))).is_err() {
        return Ok(());
    }
    let _ = tx.send(Message::Corpus(Arc::new(corpus(&repo, &snapshot))));
    Ok(())
}

/// How the branch stands beside its remote as of the last fetch (no network), with `problem`
/// from the last network operation.
pub fn sync_state(repo: &Repo, problem: Option<SyncProblem>) -> SyncState {
    let Ok(upstream) = Upstream::of_head(repo) else {
        return SyncState::NoUpstream;
    };
    let Ok(standing) = remote::standing(repo, &upstream) else {
        return SyncState::NoUpstream;
    };
    let unsent = repo
        .git
        .references_glob(&format!("{}*", replay::UNSENT))
        .map(|r| r.count())
        .unwrap_or(0);
    SyncState::Upstream {
        ahead: standing.ahead,
        behind: standing.behind,
        unsent,
        fetched_at: standing.fetched_at,
        problem,
    }
}

fn problem_of(e: &NetError) -> Option<SyncProblem> {
    match e {
        NetError::Auth { .. } => Some(SyncProblem::Auth),
        NetError::NoRemote => None,
        _ => Some(SyncProblem::Offline),
    }
}

/// How often the background fetch runs: `git config bargain.fetchMinutes` (0: never), else
/// every 5 minutes.
pub fn fetch_interval(repo: &Repo) -> Option<Duration> {
    let minutes = repo
        .git
        .config()
        .and_then(|c| c.get_i64("bargain.fetchMinutes"))
        .unwrap_or(5);
    (minutes > 0).then(|| Duration::from_secs(minutes as u64 * 60))
}

/// Fetches every `fetch_interval` in the background (never prompts) and reports how the branch
/// stands; stops when the UI is gone.
fn fetch_forever(path: &std::path::Path, tx: &Sender<Message>) {
    let Ok(repo) = Repo::discover(path) else {
        return;
    };
    let Some(every) = fetch_interval(&repo) else {
        return;
    };
    loop {
        thread::sleep(every);
        let problem = match Upstream::of_head(&repo) {
            Ok(upstream) => remote::fetch(&repo, &upstream, Mode::Background)
                .err()
                .and_then(|e| problem_of(&e)),
            Err(_) => None,
        };
        if tx
            .send(Message::Fetched(sync_state(&repo, problem)))
            .is_err()
        {
            return;
        }
    }
}

/// One sync (never prompts), and the table afterwards: the index extended when the branch only
/// grew from `history`'s head, rebuilt when the sync replaced local commits.
pub fn sync(repo: &Repo, history: &History) -> Synced {
    let before = history.head;
    match replay::sync(repo, Mode::Background, crate::clock::today()) {
        Ok(report) => {
            let table = if before == Some(report.head) {
                None
            } else {
                crate::tui::recording::work::moved_to(repo, history, report.head).ok()
            };
            let mut said = format!(
                "synced: {} sent, {} received",
                report.sent.len(),
                report.received.len()
            );
            if !report.unsent.is_empty() {
                said.push_str(&format!(
                    ", {} kept unsent (bargain sync --list says why)",
                    report.unsent.len()
                ));
            }
            Synced {
                sync: sync_state(repo, None),
                said,
                table,
            }
        }
        Err(e) => {
            let problem = match &e {
                SyncError::Net(n) => problem_of(n),
                _ => None,
            };
            Synced {
                sync: sync_state(repo, problem),
                said: format!("not synced: {}", escape_line(&e.to_string())),
                table: None,
            }
        }
    }
}

/// Serves `requests` one at a time, the latest first: a request waiting behind a newer one is
/// never served. The repository is opened at the first request (`None` when it cannot be);
/// `serve` breaks when the UI is gone.
fn latest_wins<J>(
    path: &std::path::Path,
    requests: &Receiver<J>,
    mut serve: impl FnMut(Option<&Repo>, J) -> ControlFlow<()>,
) {
    let mut repo: Option<Repo> = None;
    while let Ok(mut job) = requests.recv() {
        while let Ok(newer) = requests.try_recv() {
            job = newer;
        }
        if repo.is_none() {
            repo = Repo::discover(path).ok();
        }
        if serve(repo.as_ref(), job).is_break() {
            return;
        }
    }
}

fn redlines(path: &std::path::Path, requests: &Receiver<RedlineJob>, tx: &Sender<Message>) {
    latest_wins(path, requests, |repo, job| {
        let outcome = match repo {
            Some(repo) => std::panic::catch_unwind(AssertUnwindSafe(|| compute(repo, &job)))
                .unwrap_or_else(|p| {
                    Err(format!(
                        "internal error while comparing: {}",
                        panic_message(&*p)
                    ))
                }),
            None => Err("the repository cannot be opened".to_string()),
        };
        let result = RedlineResult {
            generation: job.generation,
            outcome,
        };
        match tx.send(Message::Redline(Box::new(result))) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    });
}

/// An article scrolled past is never walked. Nothing is said when a walk fails: the whole index
/// is on its way, and says it for every article.
fn article_histories(
    path: &std::path::Path,
    requests: &Receiver<ArticleJob>,
    tx: &Sender<Message>,
    gate: &Gate,
) {
    latest_wins(path, requests, |repo, job| {
        let Some(repo) = repo else {
            return ControlFlow::Continue(());
        };
        let walked = {
            let _first = gate.hold();
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                History::of_article_at(repo, job.commit, &job.article)
            }))
        };
        let Ok(Ok(history)) = walked else {
            return ControlFlow::Continue(());
        };
        match tx.send(Message::ArticleHistory(Arc::new(history))) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    });
}

/// Resolves and compares one job's texts.
pub fn compute(repo: &Repo, job: &RedlineJob) -> Result<RedlineReady, String> {
    let resolved = Resolved::of(
        repo,
        &job.snapshot,
        &job.history,
        &job.article,
        &job.comparison,
    )
    .map_err(|e| e.to_string())?;
    let mut doc = RedlineDoc::from_marks(&resolved.redline());
    // A three-way's changes are tagged in words with the sides' names, short enough to read
    // inline.
    let table = &job.snapshot.table;
    doc.side_names = table
        .sides
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                crate::tui::layout::short_side(table, &s.id).to_string(),
            )
        })
        .collect();
    let doc = Arc::new(doc);
    Ok(match resolved {
        Resolved::Two { old, new } => RedlineReady {
            old: old.label,
            new: vec![new.label],
            doc,
        },
        Resolved::Three { base, sides } => RedlineReady {
            old: base.label,
            new: sides.into_iter().map(|v| v.label).collect(),
            doc,
        },
    })
}
