//! Importing a contract from the TUI: the import screen's pure `update` step by step (open,
//! type the path, the plan as a list, scroll, confirm → one commit, cancel → nothing), the work
//! done in line through `tui::import::perform` against a real repository, and the screen
//! rendered into ratatui's `TestBackend`.

use crate::test_tui::Harness;
use bargain::tui::import::{self, ImportScreen, Job, Step};
use bargain::tui::keys::Action;
use bargain::tui::state::Message;
use bargain::tui::{Effect, update};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const CONTRACT: &str = "\
AGREEMENT

This Agreement is between Example Health and the Coalition of Unions.

ARTICLE 50 – PARKING

The Employer provides parking at no cost to employees.

ARTICLE 51 – UNIFORMS

Uniforms are provided and laundered by the Employer.

LETTER OF AGREEMENT – STAFFING PILOT

The parties will pilot a staffing model.
";

/// The demo table in a TUI of `w`×`h`, the contract written beside it; import jobs are done in
/// line (kept in `jobs` when `hold`).
struct Desk {
    h: Harness,
    file: String,
    hold: bool,
    jobs: Vec<Job>,
}

impl Desk {
    fn new(w: u16, h: u16) -> Desk {
        let h = Harness::demo(w, h);
        // Typed relative to the table's root, where the form looks when the folder the TUI
        // started in does not have it.
        std::fs::write(h.repo.root().join("contract.txt"), CONTRACT).unwrap();
        Desk {
            h,
            file: "contract.txt".to_string(),
            hold: false,
            jobs: Vec::new(),
        }
    }

    fn send(&mut self, message: Message) {
        for effect in update(&mut self.h.state, message) {
            match effect {
                Effect::Import(job) if self.hold => self.jobs.push(job),
                Effect::Import(job) => {
                    let event = import::perform(&self.h.repo, job);
                    self.send(Message::Import(Box::new(event)));
                }
                other => self.h.perform(other),
            }
        }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.send(Message::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self
    }

    fn keys(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    fn screen(&self) -> &ImportScreen {
        self.h
            .state
            .import
            .as_ref()
            .expect("the import screen is open")
    }

    fn scroll(&self) -> usize {
        match &self.screen().step {
            Step::Preview(p) => p.scroll,
            other => panic!("not the preview: {other:?}"),
        }
    }

    /// Opens the screen and reads the contract into the preview.
    fn preview(&mut self) -> &mut Self {
        let file = self.file.clone();
        self.keys("i").keys(&file).key(KeyCode::Enter);
        assert!(
            matches!(self.screen().step, Step::Preview(_)),
            "{:?}",
            self.screen()
        );
        self
    }
}

fn numbers(d: &Desk) -> Vec<u32> {
    let table = d.h.state.table.as_ref().unwrap();
    let mut n: Vec<u32> = table
        .snapshot
        .articles
        .iter()
        .filter_map(|a| a.number())
        .collect();
    n.sort();
    n
}

#[test]
fn the_import_screen_shows_the_plan_then_imports_it_in_one_commit() {
    let mut d = Desk::new(100, 30);
    let before = d.h.repo.head().unwrap().commit;
    d.keys("i");
    assert!(matches!(d.screen().step, Step::Path));
    // While the path is typed, letters are text, not keys.
    d.keys("jq");
    assert_eq!(d.screen().path, "jq");
    assert!(!d.h.state.quit);
    d.key(KeyCode::Backspace).key(KeyCode::Backspace);

    // An empty path, then a file that is not there: said on the screen, nothing else.
    d.key(KeyCode::Enter);
    assert!(
        d.screen()
            .message
            .as_deref()
            .unwrap()
            .contains("type the path"),
        "{:?}",
        d.screen().message
    );
    d.keys("no-such-file.txt").key(KeyCode::Enter);
    assert!(matches!(d.screen().step, Step::Path));
    assert!(
        d.screen()
            .message
            .as_deref()
            .unwrap()
            .starts_with("no-such-file.txt: "),
        "{:?}",
        d.screen().message
    );
    d.send(Message::Act(Action::Back));
    assert!(
        d.h.state.import.is_some(),
        "an action without a key does not close it"
    );
    d.key(KeyCode::Esc);
    assert!(d.h.state.import.is_none());

    // The plan: one row per unit, with its number, action, words, title and first words.
    d.preview();
    let Step::Preview(preview) = &d.screen().step else {
        unreachable!()
    };
    let rows: Vec<(u32, &str, &str)> = preview
        .rows
        .iter()
        .map(|r| (r.number, r.action, r.title.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (50, "new", "PARKING"),
            (51, "new", "UNIFORMS"),
            (52, "new", "LETTER OF AGREEMENT – STAFFING PILOT"),
        ],
        "{rows:?}"
    );
    // Its heading's words count: ARTICLE 50 – PARKING and nine more.
    assert_eq!(preview.rows[0].words, 12);
    assert_eq!(
        preview.rows[0].first_words,
        "The Employer provides parking at no cost to"
    );
    assert!(
        preview.unassigned[0].starts_with("preamble (lines 1–4)"),
        "{:?}",
        preview.unassigned
    );
    assert_eq!(preview.writes, 3);
    assert_eq!(
        d.h.repo.head().unwrap().commit,
        before,
        "nothing written yet"
    );

    // Enter: one commit through the library's import, the table shown as it now stands.
    d.key(KeyCode::Enter);
    assert!(d.h.state.import.is_none());
    let head = d.h.repo.head().unwrap().commit;
    assert_ne!(head, before);
    {
        let commit = d.h.repo.git.find_commit(head).unwrap();
        assert_eq!(commit.parent_id(0).unwrap(), before, "one commit");
        let message = commit.message().unwrap();
        assert!(
            message.contains("Bargain-Change: contract-imported"),
            "{message}"
        );
    }
    let flash = d.h.state.flash.clone().unwrap();
    assert!(flash.starts_with("Imported: 3 articles created"), "{flash}");
    assert!(numbers(&d).ends_with(&[50, 51, 52]), "{:?}", numbers(&d));
    assert_eq!(d.h.state.table.as_ref().unwrap().snapshot.commit, head);
    assert!(
        d.h.state
            .table
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .any(|r| r.id.starts_with("50-")),
        "the list shows the new articles"
    );

    // The same file again: every article is there with this text; Enter says so and writes
    // nothing.
    d.preview();
    let Step::Preview(preview) = &d.screen().step else {
        unreachable!()
    };
    assert!(preview.rows.iter().all(|r| r.action == "unchanged"));
    d.key(KeyCode::Enter);
    assert!(
        d.screen()
            .message
            .as_deref()
            .unwrap()
            .contains("nothing to import")
    );
    assert_eq!(d.h.repo.head().unwrap().commit, head);
}

#[test]
fn the_plan_scrolls_and_esc_cancels_with_nothing_written() {
    let mut d = Desk::new(100, 30);
    let before = d.h.repo.head().unwrap().commit;
    d.preview();
    assert_eq!(d.scroll(), 0);
    d.key(KeyCode::Down).keys("j");
    assert_eq!(d.scroll(), 2);
    d.keys("k");
    assert_eq!(d.scroll(), 1);
    d.keys("G");
    let last = d.scroll();
    assert!(last >= 5, "rows, unassigned and notes: {last}");
    d.key(KeyCode::Down);
    assert_eq!(d.scroll(), last, "not past the last line");
    d.key(KeyCode::Home);
    assert_eq!(d.scroll(), 0);
    // Back to the path, and on again.
    d.key(KeyCode::BackTab);
    assert!(matches!(d.screen().step, Step::Path));
    d.key(KeyCode::Enter);
    assert!(matches!(d.screen().step, Step::Preview(_)));

    // Esc while the commit is on its way: the answer that comes later is for a closed screen.
    d.hold = true;
    d.key(KeyCode::Enter);
    assert!(matches!(d.screen().step, Step::Writing(_)));
    assert!(matches!(d.jobs.as_slice(), [Job::Commit { .. }]));
    d.key(KeyCode::Esc);
    assert!(d.h.state.import.is_none());
    d.jobs.clear();
    assert_eq!(d.h.repo.head().unwrap().commit, before, "nothing written");

    // A refusal comes back in the screen's words, and the plan stays to look at.
    d.hold = false;
    d.preview();
    d.h.repo
        .git
        .config()
        .unwrap()
        .set_str("user.email", "nobody@else.example")
        .unwrap();
    d.key(KeyCode::Enter);
    let message = d.screen().message.clone().unwrap();
    assert!(
        message.contains("nobody@else.example may not import the contract")
            && message.ends_with("nothing was written"),
        "{message}"
    );
    assert!(matches!(d.screen().step, Step::Preview(_)));
    assert_eq!(d.h.repo.head().unwrap().commit, before);
}

#[test]
fn screen_100x30_import_preview() {
    let mut d = Desk::new(100, 30);
    d.preview();
    insta::assert_snapshot!(d.h.styled());
}

#[test]
fn the_pass_forms_file_field_takes_the_article_out_of_a_whole_contract() {
    // The recording form reads its file through the same library call as `pass --file`.
    let h = Harness::demo(80, 24);
    std::fs::write(h.repo.root().join("contract.txt"), CONTRACT).unwrap();
    let loaded = bargain::tui::recording::work::read_text(&h.repo, "contract.txt", 51).unwrap();
    assert_eq!(
        loaded.text,
        "# ARTICLE 51 – UNIFORMS\n\nUniforms are provided and laundered by the Employer.\n"
    );
    assert_eq!(
        loaded.took.as_deref(),
        Some("took Article 51 of 3 found in contract.txt")
    );
    let refused =
        bargain::tui::recording::work::read_text(&h.repo, "contract.txt", 12).unwrap_err();
    assert!(
        refused.contains(
            "is Article 12: Article 50, Article 51, LETTER OF AGREEMENT – STAFFING PILOT"
        ),
        "{refused}"
    );
}
