//! The TUI without a terminal: `update` driven directly, and whole screens rendered into
//! ratatui's `TestBackend` (snapshots include styles). Background work is done in line, so every
//! test is deterministic.

use bargain::tui::jobs::{self, RedlineJob};
use bargain::tui::keys::Action;
use bargain::tui::redline_view::Arrangement;
use bargain::tui::state::{Message, Opened, Pane, RedlineStatus, SyncState};
use bargain::tui::{Effect, State, update, view};
use bargain_core::comparison::Comparison;
use bargain_core::store::{History, Repo};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use tempfile::TempDir;

/// The demo table opened in a TUI state of a given size, effects performed in line.
pub struct Harness {
    _dir: Option<TempDir>,
    pub repo: Repo,
    pub state: State,
    /// Redline requests not yet answered (to test latest-wins ordering).
    pub held: Vec<Effect>,
    pub hold: bool,
}

impl Harness {
    pub fn demo(width: u16, height: u16) -> Harness {
        Harness::demo_with(width, height, true)
    }

    pub fn demo_with(width: u16, height: u16, color: bool) -> Harness {
        let mut h = Harness::demo_unindexed(width, height, color);
        h.index();
        h
    }

    /// The demo kept by one side (`bargain demo --kept-by SIDE`), indexed.
    pub fn demo_kept_by(side: &str, width: u16, height: u16) -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let variant = bargain_core::demo::Variant::KeptBy(side.to_string());
        let path = bargain_core::demo::build(&dir.path().join("demo"), &variant, None)
            .expect("demo builds");
        let mut h = Harness::open(&path, width, height, true);
        h._dir = Some(dir);
        h.index();
        h
    }

    /// The table opened (snapshot read) but its history not yet indexed.
    pub fn demo_unindexed(width: u16, height: u16, color: bool) -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = bargain_core::demo::build(&dir.path().join("demo"), &Default::default(), None)
            .expect("demo builds");
        let mut h = Harness::open(&path, width, height, color);
        h._dir = Some(dir);
        h
    }

    /// Any table, opened, not yet indexed.
    pub fn open(path: &std::path::Path, width: u16, height: u16, color: bool) -> Harness {
        let repo = Repo::open(path).expect("table opens");
        let mut h = Harness {
            _dir: None,
            repo,
            state: State::new((width, height), color),
            held: Vec::new(),
            hold: false,
        };
        let head = h.repo.head().unwrap();
        let snapshot = Arc::new(h.repo.snapshot_at(head.commit).unwrap());
        h.send(Message::Opened(Box::new(Opened {
            snapshot,
            branch: head.branch.clone(),
            uncommitted: 0,
            sync: SyncState::NoUpstream,
        })));
        h
    }

    /// Indexes the history and reads the search texts, as the loader does.
    pub fn index(&mut self) -> &mut Self {
        let history = History::build(&self.repo).unwrap();
        self.send(Message::Indexed(Arc::new(history)));
        let snapshot = self.state.table.as_ref().unwrap().snapshot.clone();
        let corpus = bargain::tui::search::corpus(&self.repo, &snapshot);
        self.send(Message::Corpus(Arc::new(corpus)));
        self
    }

    pub fn send(&mut self, message: Message) {
        let effects = update(&mut self.state, message);
        for effect in effects {
            if self.hold {
                self.held.push(effect);
            } else {
                self.perform(effect);
            }
        }
    }

    pub fn perform(&mut self, effect: Effect) {
        if let Effect::ComputeRedline {
            generation,
            article,
            comparison,
        } = effect
        {
            let table = self.state.table.as_ref().unwrap();
            let job = RedlineJob {
                generation,
                history: table.history_of(&article).cloned().unwrap_or_default(),
                article,
                comparison,
                snapshot: table.snapshot.clone(),
            };
            let outcome = jobs::compute(&self.repo, &job);
            self.send(Message::Redline(Box::new(
                bargain::tui::state::RedlineResult {
                    generation,
                    outcome,
                },
            )));
        } else if let Effect::ArticleHistory { article, commit } = effect {
            // What the article worker does on its thread.
            let one = History::of_article_at(&self.repo, commit, &article).unwrap();
            self.send(Message::ArticleHistory(Arc::new(one)));
        } else if let Effect::Refresh { commit } = effect {
            // What `Jobs::refresh` does on its thread: extend the index shown to the new HEAD.
            let history = self.state.table.as_ref().unwrap().history.clone().unwrap();
            let reloaded =
                bargain::tui::recording::work::extend(&self.repo, &history, commit).unwrap();
            self.send(Message::Refreshed(Box::new(reloaded)));
        }
    }

    pub fn key(&mut self, code: KeyCode) -> &mut Self {
        self.send(Message::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self
    }

    pub fn ctrl(&mut self, c: char) -> &mut Self {
        self.send(Message::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
        self
    }

    /// Types each character as a key press.
    pub fn keys(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    pub fn act(&mut self, action: Action) -> &mut Self {
        self.send(Message::Act(action));
        self
    }

    fn terminal(&self) -> Terminal<TestBackend> {
        let (w, h) = self.state.size;
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|f| view(f, &self.state)).unwrap();
        terminal
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        let terminal = self.terminal();
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            for x in 0..buffer.area.width {
                line.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The screen with its styles (ratatui's buffer debug form).
    pub fn styled(&self) -> String {
        format!("{:?}", self.terminal().backend().buffer())
    }

    pub fn selected_id(&self) -> String {
        self.state
            .selected_row()
            .map(|r| r.id.clone())
            .unwrap_or_default()
    }
}

fn article_id(h: &Harness) -> String {
    h.state
        .article
        .as_ref()
        .map(|a| a.id.clone())
        .unwrap_or_default()
}

// ---- update, without a terminal -------------------------------------------------------------

#[test]
fn arrows_and_vim_keys_move_through_the_article_list() {
    let mut h = Harness::demo(80, 24);
    assert_eq!(h.selected_id(), "12-ai-technology");
    h.keys("jj");
    assert_eq!(h.selected_id(), "14-ambient-documentation");
    h.key(KeyCode::Up);
    assert_eq!(h.selected_id(), "13-mental-health-triage");
    h.keys("G");
    assert_eq!(h.selected_id(), "42-dependent-death-benefit");
    h.keys("g");
    assert_eq!(h.selected_id(), "12-ai-technology");
    h.ctrl('d');
    assert!(h.state.selected >= 5, "half a page down");
    h.ctrl('u');
    assert_eq!(h.state.selected, 0);
    h.key(KeyCode::Down);
    assert_eq!(h.state.selected, 1);
}

#[test]
fn number_keys_switch_topics_and_tabs_count_tas() {
    let mut h = Harness::demo(80, 24);
    assert_eq!(h.state.visible.len(), 13);
    h.keys("1");
    assert_eq!(h.state.topic, 1);
    assert_eq!(h.state.visible.len(), 3, "the AI topic has three articles");
    let screen = h.screen();
    assert!(screen.contains("1 AI & technology 1/3"), "{screen}");
    h.keys("9");
    assert_eq!(h.state.topic, 1, "a topic that does not exist is ignored");
    h.keys("0");
    assert_eq!(h.state.visible.len(), 13);
}

#[test]
fn enter_opens_an_article_tab_cycles_panes_and_esc_backs_out() {
    let mut h = Harness::demo(80, 24);
    h.keys("j").key(KeyCode::Enter);
    assert_eq!(article_id(&h), "13-mental-health-triage");
    assert_eq!(h.state.focus, Pane::Redline);
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.status, RedlineStatus::Ready);
    assert!(!a.rendered.lines.is_empty());
    h.key(KeyCode::Tab);
    assert_eq!(h.state.focus, Pane::History);
    h.key(KeyCode::Tab);
    assert_eq!(h.state.focus, Pane::List);
    h.key(KeyCode::BackTab);
    assert_eq!(h.state.focus, Pane::History);
    h.key(KeyCode::Esc);
    assert_eq!(h.state.focus, Pane::List);
    assert!(h.screen().contains("Articles 13/13"));
}

#[test]
fn comparisons_cycle_and_label_both_versions() {
    let mut h = Harness::demo(80, 24);
    h.key(KeyCode::Enter);
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(h.state.comparison, Comparison::Sides);
    assert_eq!(a.old.title, "Coalition of Health Care Unions pass 2");
    assert_eq!(a.new[0].title, "Example Health pass 2");
    assert_eq!(a.new[0].session.as_deref(), Some("August session"));
    assert_eq!(
        a.new[0].author.as_deref(),
        Some("Employer AI & technology lead")
    );
    h.keys("c");
    assert_eq!(h.state.comparison, Comparison::SinceLast("union".into()));
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.old.title, "Coalition of Health Care Unions pass 1");
    assert_eq!(a.new[0].title, "Coalition of Health Care Unions pass 2");
    h.keys("cc");
    assert_eq!(h.state.comparison, Comparison::VsCurrent("union".into()));
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.old.title, "no current language (new article)");
    assert!(a.doc.summary.deleted_words == 0 && a.doc.summary.inserted_words > 0);
    h.keys("cc");
    assert_eq!(h.state.comparison, Comparison::Ta);
    assert!(matches!(
        h.state.article.as_ref().unwrap().status,
        RedlineStatus::Failed(_)
    ));
    assert!(h.screen().contains("no tentative agreement"));
    h.keys("c");
    assert_eq!(h.state.comparison, Comparison::ThreeWay);
    assert_eq!(h.state.article.as_ref().unwrap().new.len(), 2);
    h.keys("C");
    assert_eq!(h.state.comparison, Comparison::Ta);
}

#[test]
fn an_article_opens_with_its_latest_texts_before_the_history_is_indexed() {
    let mut h = Harness::demo_unindexed(80, 24, true);
    assert!(h.screen().contains("Indexing history"));
    h.key(KeyCode::Enter);
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.status, RedlineStatus::Ready);
    assert_eq!(a.old.title, "Coalition of Health Care Unions latest pass");
    assert_eq!(a.new[0].title, "Example Health latest pass");
    let history = History::build(&h.repo).unwrap();
    h.send(Message::Indexed(Arc::new(history)));
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(
        a.old.title, "Coalition of Health Care Unions pass 2",
        "labelled once indexed"
    );
    assert_eq!(h.state.focus, Pane::Redline);
}

#[test]
fn an_article_opened_while_all_history_is_walked_shows_its_own_history_first() {
    let mut h = Harness::demo_unindexed(160, 48, true);
    let id = "12-ai-technology";
    assert_eq!(article_id(&h), id, "a wide screen opens the first article");
    assert!(h.screen().contains("History · … events"), "{}", h.screen());
    // No usable index on disk: the loader walks everything, and the article in view is walked
    // alone meanwhile.
    h.hold = true;
    h.send(Message::Walking);
    let commit = h.repo.head().unwrap().commit;
    let asked = std::mem::take(&mut h.held);
    assert_eq!(
        asked,
        vec![Effect::ArticleHistory {
            article: id.to_string(),
            commit
        }]
    );
    let one = Arc::new(History::of_article_at(&h.repo, commit, id).unwrap());
    h.send(Message::ArticleHistory(one.clone()));
    let rows = h.state.article.as_ref().unwrap().history.clone();
    assert!(!rows.is_empty());
    // Its redline is asked for again, and the shell compares with the article's own history.
    let asked = std::mem::take(&mut h.held);
    assert!(
        matches!(&asked[..], [Effect::ComputeRedline { article, .. }] if article == id),
        "{asked:?}"
    );
    let table = h.state.table.as_ref().unwrap();
    assert!(Arc::ptr_eq(table.history_of(id).unwrap(), &one));
    assert!(
        table.history.is_none(),
        "the list still waits for the whole index"
    );
    h.hold = false;
    for effect in asked {
        h.perform(effect);
    }
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.status, RedlineStatus::Ready);
    assert_eq!(
        a.old.title, "Coalition of Health Care Unions pass 2",
        "labelled by pass numbers, as once indexed"
    );
    let screen = h.screen();
    assert!(screen.contains("Indexing history"), "{screen}");
    assert!(
        screen.contains(&format!("History · {} events", rows.len())),
        "{screen}"
    );
    assert!(screen.contains(&rows[0].what), "{screen}");
    // The whole index replaces it, and shows the same timeline.
    h.send(Message::Indexed(Arc::new(History::build(&h.repo).unwrap())));
    assert_eq!(h.state.article.as_ref().unwrap().history, rows);
    assert!(h.state.table.as_ref().unwrap().article_history.is_none());
}

#[test]
fn a_late_article_history_is_dropped() {
    let mut h = Harness::demo_unindexed(160, 48, true);
    let id = "12-ai-technology";
    h.hold = true;
    h.send(Message::Walking);
    h.held.clear();
    // Walked to another commit than the table shown (HEAD moved under the walk).
    let head = h.repo.head().unwrap().commit;
    let parent = h.repo.git.find_commit(head).unwrap().parent_id(0).unwrap();
    let older = History::of_article_at(&h.repo, parent, id).unwrap();
    h.send(Message::ArticleHistory(Arc::new(older)));
    assert!(h.state.table.as_ref().unwrap().article_history.is_none());
    assert!(h.state.article.as_ref().unwrap().history.is_empty());
    assert!(h.held.is_empty(), "{:?}", h.held);
    // After the whole index.
    let whole = Arc::new(History::build(&h.repo).unwrap());
    h.send(Message::Indexed(whole.clone()));
    h.held.clear();
    let rows = h.state.article.as_ref().unwrap().history.clone();
    let one = History::of_article_at(&h.repo, head, id).unwrap();
    h.send(Message::ArticleHistory(Arc::new(one)));
    let table = h.state.table.as_ref().unwrap();
    assert!(table.article_history.is_none());
    assert!(Arc::ptr_eq(table.history_of(id).unwrap(), &whole));
    assert_eq!(h.state.article.as_ref().unwrap().history, rows);
    assert!(h.held.is_empty(), "{:?}", h.held);
    // Indexed, an article opened walks nothing of its own.
    h.keys("j");
    assert!(
        !h.held
            .iter()
            .any(|e| matches!(e, Effect::ArticleHistory { .. })),
        "{:?}",
        h.held
    );
}

#[test]
fn before_the_whole_index_a_whose_move_filter_counts_nothing_it_cannot_know() {
    let mut h = Harness::demo_unindexed(80, 24, true);
    h.keys("w");
    let screen = h.screen();
    assert!(screen.contains("Articles …/13"), "{screen}");
    h.index();
    let screen = h.screen();
    assert!(!screen.contains("Articles …/"), "{screen}");
}

#[test]
fn next_and_previous_change_scroll_to_each_change() {
    let mut h = Harness::demo(80, 24);
    h.key(KeyCode::Enter);
    let rows = h
        .state
        .article
        .as_ref()
        .unwrap()
        .rendered
        .change_rows
        .clone();
    assert!(rows.len() > 2);
    h.keys("]");
    assert_eq!(h.state.article.as_ref().unwrap().change, Some(0));
    h.keys("]]");
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.change, Some(2));
    assert_eq!(a.scroll, rows[2] - 1);
    h.keys("[");
    assert_eq!(h.state.article.as_ref().unwrap().change, Some(1));
    assert!(h.screen().contains("at 2/"), "{}", h.screen());
}

#[test]
fn search_counts_matches_highlights_and_n_moves_between_articles() {
    let mut h = Harness::demo(80, 24);
    h.keys("/clin");
    assert!(h.state.search.total > 0, "matches are counted while typing");
    h.key(KeyCode::Esc);
    assert!(
        h.state.search.query.is_empty(),
        "Esc goes back to no search"
    );
    h.keys("/clinician");
    assert!(h.state.search.editing);
    assert!(h.screen().contains("/clinician"));
    h.key(KeyCode::Enter);
    assert!(!h.state.search.editing);
    assert!(h.state.search.total > 0);
    let first = article_id(&h);
    assert!(h.state.search.counts.contains_key(&first), "{first}");
    let a = h.state.article.as_ref().unwrap();
    assert!(!a.hit_rows.is_empty());
    assert!(a.scroll + 1 >= a.hit_rows[0], "the first match is in view");
    assert!(h.styled().contains("bg: Yellow"), "matches are highlighted");
    let mut seen = vec![first.clone()];
    for _ in 0..20 {
        h.keys("n");
        seen.push(article_id(&h));
    }
    seen.dedup();
    assert!(seen.len() > 1, "n reaches other articles: {seen:?}");
    h.key(KeyCode::Esc);
    assert!(h.state.search.query.is_empty(), "Esc clears the search");
}

#[test]
fn filters_by_status_and_whose_move_and_sorts() {
    let mut h = Harness::demo(80, 24);
    h.keys("s");
    assert_eq!(
        h.state.status_filter,
        Some(bargain_core::model::Status::Open)
    );
    assert_eq!(h.state.visible.len(), 7);
    h.keys("w");
    let union: Vec<_> = h
        .state
        .visible
        .iter()
        .map(|&i| h.state.table.as_ref().unwrap().rows[i].whose_move.clone())
        .collect();
    assert!(
        union.iter().all(|w| w.as_deref() == Some("union")),
        "{union:?}"
    );
    h.key(KeyCode::Esc);
    assert_eq!(h.state.visible.len(), 13, "Esc clears the filters");
    h.act(Action::Sort);
    let rows = &h.state.table.as_ref().unwrap().rows;
    let dates: Vec<_> = h
        .state
        .visible
        .iter()
        .map(|&i| rows[i].last_movement)
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "latest movement first"
    );
}

#[test]
fn two_versions_picked_from_the_history_are_compared() {
    let mut h = Harness::demo(80, 24);
    h.key(KeyCode::Enter).key(KeyCode::Tab);
    assert_eq!(h.state.focus, Pane::History);
    // The cursor starts on the latest event: Example Health pass 2.
    h.key(KeyCode::Enter);
    match &h.state.comparison {
        Comparison::Versions(_, _) => {}
        other => panic!("expected picked versions, got {other:?}"),
    }
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.old.title, "Example Health pass 1");
    assert_eq!(a.new[0].title, "Example Health pass 2");
    // Mark the union's first pass as the old text, then compare with the latest.
    h.key(KeyCode::Tab);
    assert_eq!(h.state.focus, Pane::History);
    h.keys("gj ");
    h.keys("G").key(KeyCode::Enter);
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.old.title, "Coalition of Health Care Unions pass 1");
    assert_eq!(a.new[0].title, "Example Health pass 2");
}

#[test]
fn superseded_redline_results_are_dropped() {
    let mut h = Harness::demo(160, 48);
    h.hold = true;
    h.keys("jj");
    assert_eq!(h.held.len(), 2, "each move asked for a redline");
    let held = std::mem::take(&mut h.held);
    h.hold = false;
    // The older answer arrives last and must not replace the newer one.
    h.perform(held[1].clone());
    assert_eq!(article_id(&h), "14-ambient-documentation");
    let ready = h.state.article.as_ref().unwrap().doc.clone();
    h.perform(held[0].clone());
    assert!(Arc::ptr_eq(&ready, &h.state.article.as_ref().unwrap().doc));
}

#[test]
fn resize_rewraps_the_redline_for_the_new_width() {
    let mut h = Harness::demo(160, 48);
    let wide = h.state.article.as_ref().unwrap().rendered.lines.len();
    h.send(Message::Resize(80, 24));
    assert_eq!(h.state.focus, Pane::List);
    h.key(KeyCode::Enter);
    let narrow = h.state.article.as_ref().unwrap().rendered.lines.len();
    assert!(narrow > wide, "{narrow} rows at 80 columns, {wide} at 160");
    h.send(Message::Resize(100, 30));
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.rendered_for.unwrap().0, 100);
    assert!(h.screen().lines().count() == 30);
}

#[test]
fn help_lists_every_binding_and_any_key_closes_it() {
    let mut h = Harness::demo(80, 24);
    h.keys("?");
    let screen = h.screen();
    assert!(screen.contains("Keys"), "{screen}");
    assert!(screen.contains("Everywhere"));
    h.key(KeyCode::Esc);
    assert!(h.state.help.is_none());
    assert!(!h.state.quit);
    h.keys("q");
    assert!(h.state.quit);
    let mut h = Harness::demo(80, 24);
    h.ctrl('c');
    assert!(h.state.quit, "Ctrl-c quits too");
}

#[test]
fn the_key_bar_shows_the_keys_of_the_focused_pane() {
    let mut h = Harness::demo(80, 24);
    let bar = |h: &Harness| h.screen().lines().last().unwrap_or_default().to_string();
    assert!(bar(&h).contains("Enter open"), "{}", bar(&h));
    h.key(KeyCode::Enter);
    assert!(bar(&h).contains("] next change"), "{}", bar(&h));
    h.key(KeyCode::Tab);
    assert!(bar(&h).contains("Space mark old"), "{}", bar(&h));
    assert!(bar(&h).ends_with("? help"));
}

#[test]
fn side_by_side_puts_old_left_and_new_right() {
    let mut h = Harness::demo(160, 48);
    h.keys("v");
    assert_eq!(h.state.arrangement, Arrangement::SideBySide);
    let a = h.state.article.as_ref().unwrap();
    assert!(a.rendered.row_text(0).contains(" │ "));
}

#[test]
fn mouse_wheel_scrolls_and_click_selects() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut h = Harness::demo(160, 48);
    let mouse = |kind, column, row| {
        Message::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    h.send(mouse(MouseEventKind::ScrollDown, 100, 10));
    assert_eq!(h.state.article.as_ref().unwrap().scroll, 3);
    h.send(mouse(MouseEventKind::Down(MouseButton::Left), 5, 6));
    assert_eq!(h.selected_id(), "14-ambient-documentation");
    assert_eq!(article_id(&h), "14-ambient-documentation");
    h.send(mouse(MouseEventKind::Down(MouseButton::Left), 14, 1));
    assert_eq!(h.state.topic, 1, "a click on a tab selects its topic");
}

#[test]
fn control_sequences_from_the_repository_never_reach_the_terminal() {
    use crate::common::{Fixture, TABLE_YAML};
    let evil = TABLE_YAML
        .replace("name: Test Table", "name: \"Evil \\e]0;pwned\\a Table\"")
        .replace("name: Test Employer", "name: \"Employer \\e[2J\"");
    let f = Fixture::with_table(&evil);
    f.article(
        "12-ai",
        12,
        "\"AI \\e[31mred\"",
        "ai",
        Some("Old \u{1b}[1mtext.\n"),
    );
    f.pass(
        "12-ai",
        "union",
        "Union \u{1b}]8;;http://x\u{7}link.\n",
        "ai-lead@union.example",
    );
    f.pass(
        "12-ai",
        "employer",
        "Employer \u{202e}text.\n",
        "ai-lead@employer.example",
    );
    let mut h = Harness::open(f.path(), 160, 48, true);
    h.index();
    h.keys("/link").key(KeyCode::Enter);
    for keys in ["", "c", "c", "c", "v", "\t", "?"] {
        h.keys(keys);
        let screen = h.screen();
        assert!(
            !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
            "{screen}"
        );
        assert!(!screen.contains('\u{202e}'), "{screen}");
    }
    h.key(KeyCode::Esc).keys("cccc");
    let screen = h.screen();
    assert!(screen.contains("^[]0;pwned^G"), "{screen}");
    assert!(screen.contains("^[[31mred"), "{screen}");
    assert!(screen.contains("<U+202E>"), "{screen}");
}

// ---- whole screens, with styles ---------------------------------------------------------------

#[test]
fn screen_80x24_article_list() {
    let h = Harness::demo(80, 24);
    insta::assert_snapshot!(h.styled());
}

#[test]
fn screen_80x24_redline_of_the_ai_article() {
    let mut h = Harness::demo(80, 24);
    h.keys("1").key(KeyCode::Enter).keys("]");
    insta::assert_snapshot!(h.styled());
}

#[test]
fn screen_80x24_help() {
    let mut h = Harness::demo(80, 24);
    h.keys("?");
    insta::assert_snapshot!(h.styled());
}

#[test]
fn screen_80x24_no_color_keeps_strike_and_underline_and_markers() {
    let mut h = Harness::demo_with(80, 24, false);
    h.key(KeyCode::Enter).keys("]");
    let styled = h.styled();
    assert!(!styled.contains("fg: Red") && !styled.contains("fg: Green"));
    assert!(styled.contains("CROSSED_OUT") && styled.contains("UNDERLINED"));
    assert!(h.screen().contains("[-") && h.screen().contains("{+"));
    insta::assert_snapshot!(styled);
}

#[test]
fn screen_160x48_three_panes_side_by_side_with_search() {
    let mut h = Harness::demo(160, 48);
    h.keys("2").keys("v/staff").key(KeyCode::Enter);
    insta::assert_snapshot!(h.styled());
}

#[test]
fn screen_160x48_history_focus_after_picking_versions() {
    let mut h = Harness::demo(160, 48);
    h.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .keys("k")
        .key(KeyCode::Enter);
    insta::assert_snapshot!(h.styled());
}

#[test]
fn screen_140x40_history_of_a_table_kept_by_the_union_shows_passes_received() {
    let mut h = Harness::demo_kept_by("union", 140, 40);
    h.key(KeyCode::Tab).key(KeyCode::Tab);
    let screen = h.screen();
    // Whose words, when they were received, and who entered them.
    assert!(screen.contains("received"), "{screen}");
    assert!(screen.contains("entered by"), "{screen}");
    insta::assert_snapshot!(h.styled());
}

#[test]
fn every_terminal_size_draws_without_panicking() {
    let mut h = Harness::demo(160, 48);
    h.keys("/care").key(KeyCode::Enter);
    for (w, ht) in [
        (0, 0),
        (1, 1),
        (5, 2),
        (20, 3),
        (40, 5),
        (79, 10),
        (119, 24),
        (120, 16),
        (120, 15),
        (200, 60),
    ] {
        h.send(Message::Resize(w, ht));
        for keys in ["", "?", "\x1b", "v", "\t", "\t", "G", "]"] {
            h.keys(keys);
            let screen = h.screen();
            assert_eq!(screen.lines().count(), usize::from(ht), "{w}x{ht}");
        }
    }
}

#[test]
fn a_recording_made_outside_the_tui_shows_once_head_moves() {
    let mut h = Harness::demo(120, 40);
    let before = h.state.table.as_ref().unwrap().snapshot.commit;
    let passes = |h: &Harness| {
        let t = h.state.table.as_ref().unwrap();
        t.rows
            .iter()
            .find(|r| r.id == "12-ai-technology")
            .unwrap()
            .passes_of("union")
    };
    let union_before = passes(&h);
    // Another shell records a union pass on article 12, on a day of the demo's last session.
    let request = bargain_core::record::Request {
        date: bargain_core::model::Date::parse("2025-08-07"),
        ..bargain_core::record::Request::new(
            "12",
            bargain_core::record::Action::Pass {
                side: "union".into(),
                text: "Written in another shell.\n".into(),
                received: false,
            },
        )
    };
    let done = bargain_core::record::record(
        &h.repo,
        &request,
        bargain_core::model::Date::parse("2025-08-07").unwrap(),
    )
    .expect("recorded from outside");
    // Nothing changes until the watcher reports HEAD.
    assert_eq!(h.state.table.as_ref().unwrap().snapshot.commit, before);
    let effects = update(&mut h.state.clone(), Message::HeadMoved(done.commit));
    assert_eq!(
        effects,
        vec![Effect::Refresh {
            commit: done.commit
        }]
    );
    h.send(Message::HeadMoved(done.commit));
    let table = h.state.table.as_ref().unwrap();
    assert_eq!(table.snapshot.commit, done.commit);
    assert_eq!(passes(&h), union_before + 1, "the list counts the new pass");
    assert!(
        h.state
            .flash
            .as_deref()
            .is_some_and(|f| f.contains("changed outside bargain")),
        "{:?}",
        h.state.flash
    );
    // The same HEAD again (our own write, or a second report) changes nothing.
    assert!(update(&mut h.state, Message::HeadMoved(done.commit)).is_empty());
}

#[test]
fn resizing_down_and_up_again_keeps_the_list_at_its_top() {
    let mut h = Harness::demo(140, 40);
    for (w, ht) in [(80, 24), (100, 30), (140, 40)] {
        h.send(Message::Resize(w, ht));
    }
    assert_eq!(
        h.state.list_offset, 0,
        "the list starts at its first article"
    );
    let screen = h.screen();
    assert!(screen.contains("12   Artificial"), "{screen}");
    assert!(screen.contains("13   Mental Health"), "{screen}");
}

#[test]
fn resizing_with_the_redline_in_focus_keeps_the_hidden_list_at_its_top() {
    let mut h = Harness::demo(140, 40);
    h.keys("jj").key(KeyCode::Enter);
    assert_eq!(h.selected_id(), "14-ambient-documentation");
    assert_eq!(h.state.focus, Pane::Redline);
    for (w, ht) in [(80, 24), (100, 30), (140, 40)] {
        h.send(Message::Resize(w, ht));
    }
    assert_eq!(
        h.state.list_offset, 0,
        "the list starts at its first article"
    );
    let screen = h.screen();
    assert!(screen.contains("12   Artificial"), "{screen}");
    assert!(screen.contains("13   Mental Health"), "{screen}");
}

#[test]
fn at_80x24_the_history_shows_every_event_without_g() {
    let mut h = Harness::demo(80, 24);
    h.key(KeyCode::Enter).key(KeyCode::Tab);
    assert_eq!(h.state.focus, Pane::History);
    let a = h.state.article.as_ref().unwrap();
    assert_eq!(a.history.len(), 5);
    assert_eq!(a.history_offset, 0, "all five fit: none is scrolled away");
    assert_eq!(a.history_selected, 4, "the latest is selected");
    let screen = h.screen();
    for date in ["2025-06-03", "2025-06-05", "2025-07-16", "2025-08-06"] {
        assert!(screen.contains(date), "{date}\n{screen}");
    }
}

#[test]
fn help_scrolls_to_its_end_with_g_and_stays_open() {
    let mut h = Harness::demo(80, 24);
    h.keys("?");
    let end = bargain::tui::help::max_scroll(h.state.size);
    assert!(end > 0, "at 80×24 the keys need more than one screen");
    h.keys("G");
    assert_eq!(h.state.help, Some(end), "G goes to the last line, not away");
    let screen = h.screen();
    assert!(screen.contains("Mouse: wheel scrolls"), "{screen}");
    assert!(screen.contains(&format!("of {}", end + 21)), "{screen}");
    h.keys("j");
    assert_eq!(h.state.help, Some(end), "nothing below the end");
    h.keys("g");
    assert_eq!(h.state.help, Some(0));
    h.key(KeyCode::Esc);
    assert_eq!(h.state.help, None);
}

#[test]
fn help_wraps_long_sentences_instead_of_cutting_them() {
    let mut h = Harness::demo(80, 24);
    h.keys("?");
    let screen = h.screen();
    // "record on the article: a pass, or a status change (TA, withdraw, reopen, …)" is longer
    // than the overlay: its end is on the next line, under its start.
    let at = screen
        .lines()
        .position(|l| l.contains("record on the article: a pass"))
        .expect("the record key is listed");
    let next = screen.lines().nth(at + 1).unwrap();
    assert!(next.trim_start().ends_with("reopen, …)"), "{screen}");
    assert!(
        next.starts_with("           "),
        "continues under its sentence: {next:?}"
    );
}

#[test]
fn sorting_by_last_movement_at_140_columns_shows_the_moved_column() {
    let mut h = Harness::demo(140, 40);
    let head = |h: &Harness| h.screen().lines().nth(3).unwrap_or_default().to_string();
    h.keys("o");
    assert_eq!(h.state.sort, bargain::tui::state::SortBy::LastMovement);
    let line = head(&h);
    assert!(line.contains("Moved"), "{line}");
    let screen = h.screen();
    assert!(screen.contains("2025-08-07"), "{screen}");
}

#[test]
fn the_redline_stays_where_the_reader_is_when_the_table_is_refreshed() {
    let mut h = Harness::demo(80, 24);
    h.key(KeyCode::Enter).keys("jjjjj");
    let at = |h: &Harness| h.state.article.as_ref().unwrap().scroll;
    assert_eq!(at(&h), 5);
    let title = |h: &Harness| h.screen().lines().nth(2).unwrap_or_default().to_string();
    let before = title(&h);
    // The index is extended (another shell recorded elsewhere, a sync): the article is asked
    // for again, and answered; nothing scrolled, so nothing moves.
    h.index();
    assert_eq!(at(&h), 5, "the view is where it was");
    assert_eq!(title(&h), before, "the scroll position says the same");
    // Another comparison is another text: it starts at its top.
    h.keys("c");
    assert_eq!(at(&h), 0);
}

#[test]
fn at_80_columns_the_chosen_topic_tab_keeps_its_whole_title() {
    let mut h = Harness::demo(80, 24);
    h.keys("2");
    let tabs = h.screen().lines().nth(1).unwrap_or_default().to_string();
    assert!(tabs.contains("2 Staffing & patient care 1/4"), "{tabs}");
    assert!(tabs.contains("4 ec… 1/3"), "the others give way: {tabs}");
}
