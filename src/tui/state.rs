//! The TUI's one state struct, the messages that change it, and the effects `update` asks the
//! shell to perform. Plain data: no terminal, no git handles, no threads.

use super::keys::{Action, Scope};
use super::redline_view::{Arrangement, Look, RedlineDoc, Rendered};
use super::search::Corpus;
use super::theme::Theme;
use bargain_core::comparison::{Comparison, Label};
use bargain_core::model::{Date, Status};
use bargain_core::store::history::WalkProgress;
use bargain_core::store::{History, Snapshot};
use bargain_core::tracker::TrackerRow;
use crossterm::event::{KeyEvent, MouseEvent};
use std::sync::Arc;

/// Input and results, in the order they arrive.
#[derive(Debug, Clone)]
pub enum Message {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// An action without a key (tests, mouse).
    Act(Action),
    /// The table at HEAD is read; history is still being indexed.
    Opened(Box<Opened>),
    /// The index on disk cannot be used: all history is being walked (`Indexing` says how far).
    /// Until `Indexed`, an article opened is walked alone ([`Effect::ArticleHistory`]).
    Walking,
    Indexing(WalkProgress),
    Indexed(Arc<History>),
    /// One article's own history ([`History::of_article_at`]: its `scope` names the article, its
    /// `head` the commit it covers), for that article until the whole index is there.
    ArticleHistory(Arc<History>),
    /// The table could not be opened at all.
    Failed(String),
    Redline(Box<RedlineResult>),
    /// Every article's texts, for search.
    Corpus(Arc<Corpus>),
    /// Recording: who records, a text read, a plan checked, a commit written (see `recording`).
    Record(Box<super::recording::Event>),
    /// The branch moved under the TUI (another shell recorded, a pull): HEAD is now this.
    HeadMoved(git2::Oid),
    /// The table at the new HEAD, its index extended (see [`Effect::Refresh`]).
    Refreshed(Box<super::recording::Reloaded>),
    /// A background fetch ended: how the branch stands beside the remote now.
    Fetched(SyncState),
    /// A sync ended: what it said, how the branch stands, and the table when it moved.
    Synced(Box<Synced>),
    /// The import screen's work answered (see `import`).
    Import(Box<super::import::Event>),
}

/// What a sync from the TUI came back with.
#[derive(Debug, Clone)]
pub struct Synced {
    pub sync: SyncState,
    /// One line: what was sent, received and kept, or why nothing happened.
    pub said: String,
    /// The table at the new head, the index extended (not rebuilt) when it only grew.
    pub table: Option<super::recording::Reloaded>,
}

/// What the shell does for `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Compute a redline off the UI thread; the result carries `generation` back.
    ComputeRedline {
        generation: u64,
        article: String,
        comparison: Comparison,
    },
    /// Recording work off the UI thread: read a file, check a request, write a plan.
    Record(super::recording::Job),
    /// Suspend the terminal and write a pass in `$EDITOR`.
    Edit(super::recording::EditJob),
    /// Walk one article's history up to `commit` off the UI thread (the latest request wins),
    /// while the whole index is being built; the answer is [`Message::ArticleHistory`].
    ArticleHistory {
        article: String,
        commit: git2::Oid,
    },
    /// Read the table at `commit` and extend the index to it, off the UI thread.
    Refresh {
        commit: git2::Oid,
    },
    /// Sync with the remote off the UI thread (never prompts).
    Sync,
    /// The import screen's work off the UI thread: read and plan a contract, or commit it.
    Import(super::import::Job),
    Quit,
}

/// The table as opened.
#[derive(Debug, Clone)]
pub struct Opened {
    pub snapshot: Arc<Snapshot>,
    pub branch: Option<String>,
    /// Table files edited in the work tree and not committed.
    pub uncommitted: usize,
    pub sync: SyncState,
}

/// How the branch stands against its upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    NoUpstream,
    /// Commits to push, commits to pull (as of the last fetch), recordings kept unsent, when
    /// the last fetch succeeded (seconds since the epoch), and the last fetch's problem.
    Upstream {
        ahead: usize,
        behind: usize,
        unsent: usize,
        fetched_at: Option<i64>,
        problem: Option<SyncProblem>,
    },
}

/// Why the last fetch or sync could not reach the remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncProblem {
    /// The remote refused the credentials, or would have had to ask for them.
    Auth,
    /// The remote could not be reached.
    Offline,
}

/// A computed redline for one request.
#[derive(Debug, Clone)]
pub struct RedlineResult {
    pub generation: u64,
    pub outcome: Result<RedlineReady, String>,
}

#[derive(Debug, Clone)]
pub struct RedlineReady {
    pub old: Label,
    /// One label, or one per side for a three-way.
    pub new: Vec<Label>,
    pub doc: Arc<RedlineDoc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    List,
    Redline,
    History,
}

impl Pane {
    pub fn scope(self) -> Scope {
        match self {
            Pane::List => Scope::List,
            Pane::Redline => Scope::Redline,
            Pane::History => Scope::History,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveFilter {
    Any,
    Side(String),
    /// Settled, withdrawn, or nobody has passed yet.
    Nobody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Number,
    LastMovement,
    Status,
    WhoseMove,
}

impl SortBy {
    pub fn word(self) -> &'static str {
        match self {
            SortBy::Number => "number",
            SortBy::LastMovement => "last movement",
            SortBy::Status => "status",
            SortBy::WhoseMove => "whose move",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loading {
    Opening,
    Indexing(WalkProgress),
    Done,
    Failed(String),
}

/// The table once opened.
#[derive(Debug, Clone)]
pub struct TableView {
    pub snapshot: Arc<Snapshot>,
    /// The whole index; `None` until it is built (the list's whose-move and last-movement
    /// columns wait for it).
    pub history: Option<Arc<History>>,
    /// All history is being walked (no usable index on disk): an article opened meanwhile gets
    /// a walk of its own.
    pub walking: bool,
    /// Meanwhile, the last article's own history that answered, at `snapshot`'s commit.
    pub article_history: Option<Arc<History>>,
    pub rows: Vec<TrackerRow>,
    pub branch: Option<String>,
    pub uncommitted: usize,
    pub sync: SyncState,
    pub comparisons: Vec<Comparison>,
}

impl TableView {
    /// The history article `id` is shown and compared with: the whole index, else that article's
    /// own while the whole one is being built; `None` while neither is there.
    pub fn history_of(&self, id: &str) -> Option<&Arc<History>> {
        self.history.as_ref().or_else(|| {
            self.article_history
                .as_ref()
                .filter(|h| h.scope() == Some(id))
        })
    }
}

/// One line of an article's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// Index into the article's events.
    pub event: usize,
    pub date: Date,
    pub session: Option<String>,
    pub who: String,
    pub what: String,
    /// The event wrote a text that can be compared.
    pub has_text: bool,
    /// Which file: events of one file are versions of each other.
    pub file: String,
    /// The commit, to show which versions the redline compares.
    pub commit: git2::Oid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedlineStatus {
    Loading,
    Ready,
    Failed(String),
}

/// Where to scroll when a redline arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    FirstMatch,
    LastMatch,
}

/// The opened article: its redline and history.
#[derive(Debug, Clone)]
pub struct ArticleView {
    pub id: String,
    /// The request whose result is awaited; any other result is stale.
    pub generation: u64,
    pub status: RedlineStatus,
    pub old: Label,
    pub new: Vec<Label>,
    pub doc: Arc<RedlineDoc>,
    /// `doc` wrapped for `rendered_for`.
    pub rendered: Rendered,
    pub rendered_for: Option<(u16, Arrangement, Look)>,
    pub scroll: usize,
    /// The change last jumped to.
    pub change: Option<usize>,
    /// Rows of `rendered` that contain the search query.
    pub hit_rows: Vec<usize>,
    /// The match last jumped to (index into `hit_rows`).
    pub hit: Option<usize>,
    pub pending: Option<Jump>,
    /// The comparison this article was asked under.
    pub comparison: Comparison,
    /// The text shown is the previous answer to the same request (a refresh): when the new one
    /// arrives, the view stays where the reader was instead of jumping to the top.
    pub keep_scroll: bool,
    pub history: Vec<HistoryRow>,
    pub history_selected: usize,
    pub history_offset: usize,
    /// Event marked as the old side of a picked comparison.
    pub mark: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Typing a query.
    pub editing: bool,
    pub input: String,
    /// The query in force (empty: none).
    pub query: String,
    /// The query before this one was started (Esc goes back to it).
    pub before: String,
    pub corpus: Option<Arc<Corpus>>,
    /// Article id → number of matches.
    pub counts: std::collections::HashMap<String, usize>,
    /// The query `counts` were counted for, over the whole corpus.
    pub counted: Option<String>,
    pub total: usize,
}

/// The whole TUI.
#[derive(Debug, Clone)]
pub struct State {
    pub size: (u16, u16),
    pub theme: Theme,
    pub markers: bool,
    pub arrangement: Arrangement,
    pub loading: Loading,
    pub table: Option<TableView>,
    pub focus: Pane,
    /// 0: all topics; n: the table's n-th topic.
    pub topic: usize,
    pub status_filter: Option<Status>,
    pub move_filter: MoveFilter,
    pub sort: SortBy,
    /// Indexes into `table.rows` after filter and sort.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub list_offset: usize,
    pub article: Option<ArticleView>,
    pub comparison: Comparison,
    pub search: Search,
    /// The help overlay and its scroll.
    pub help: Option<usize>,
    /// A one-line message for the user.
    pub flash: Option<String>,
    pub quit: bool,
    pub next_generation: u64,
    /// The recording form, when open, and who records.
    pub recording: super::recording::Recording,
    /// The import screen, when open.
    pub import: Option<super::import::ImportScreen>,
}

impl State {
    /// A state before anything is loaded, for a terminal of `size`. `color: false` is NO_COLOR.
    pub fn new(size: (u16, u16), color: bool) -> State {
        State {
            size,
            theme: Theme { color },
            markers: !color,
            arrangement: Arrangement::Inline,
            loading: Loading::Opening,
            table: None,
            focus: Pane::List,
            topic: 0,
            status_filter: None,
            move_filter: MoveFilter::Any,
            sort: SortBy::Number,
            visible: Vec::new(),
            selected: 0,
            list_offset: 0,
            article: None,
            comparison: Comparison::Sides,
            search: Search::default(),
            help: None,
            flash: None,
            quit: false,
            next_generation: 1,
            recording: Default::default(),
            import: None,
        }
    }

    /// Wide screens show the list, the redline and the history at once.
    pub fn wide(&self) -> bool {
        self.size.0 >= 120 && self.size.1 >= 16
    }

    pub fn look(&self) -> Look {
        Look {
            theme: self.theme,
            markers: self.markers,
        }
    }

    /// The tracker row under the cursor.
    pub fn selected_row(&self) -> Option<&TrackerRow> {
        let table = self.table.as_ref()?;
        table.rows.get(*self.visible.get(self.selected)?)
    }

    pub fn scope(&self) -> Scope {
        if self.recording.form.is_some() {
            Scope::Record
        } else if self.import.is_some() {
            Scope::Import
        } else if self.search.editing {
            Scope::Search
        } else {
            self.focus.scope()
        }
    }
}
