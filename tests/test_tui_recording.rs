//! Recording at the keyboard: the form's pure `update` step by step, the whole flow through the
//! shell's functions into a real commit in a real repository (no terminal), refusals shown as
//! text, and the popup rendered into ratatui's `TestBackend`.

use crate::test_tui::Harness;
use bargain::tui::recording::{
    self, Context, EditJob, FieldKey, FormMsg, Kind, Outcome, RecordForm, Step, WriteOutcome, work,
};
use bargain::tui::state::Message;
use bargain::tui::{Effect, update};
use bargain_core::model::{Date, Status};
use bargain_core::record::{self, Actor, StatusChange};
use bargain_core::store::writer::{self, Author, CommitRequest, FileWrite};
use bargain_core::store::{History, Repo};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The demo table in an 80×24 TUI, recording as `email` on 2025-08-07 (the August session);
/// recording jobs are done in line through `recording::work`, editor jobs are kept.
struct Desk {
    h: Harness,
    edits: Vec<EditJob>,
}

impl Desk {
    fn as_person(email: &str) -> Desk {
        Desk::at(Harness::demo(80, 24), email)
    }

    fn at(h: Harness, email: &str) -> Desk {
        let mut desk = Desk {
            h,
            edits: Vec::new(),
        };
        desk.send(Message::Record(Box::new(recording::Event::Context(
            Context {
                actor: Ok(Actor {
                    name: name_of(email),
                    email: email.to_string(),
                }),
                today: Date::parse("2025-08-07").unwrap(),
            },
        ))));
        desk
    }

    /// The same desk, now used by `email` (as after `git config user.email` on that laptop).
    fn become_person(&mut self, email: &str) -> &mut Self {
        self.send(Message::Record(Box::new(recording::Event::Context(
            Context {
                actor: Ok(Actor {
                    name: name_of(email),
                    email: email.to_string(),
                }),
                today: Date::parse("2025-08-07").unwrap(),
            },
        ))));
        self
    }

    fn send(&mut self, message: Message) {
        for effect in update(&mut self.h.state, message) {
            match effect {
                Effect::Record(job) => {
                    let table = self.h.state.table.as_ref().expect("table");
                    let event = work::perform(
                        &self.h.repo,
                        job,
                        &table.snapshot,
                        table.history.as_ref().expect("indexed"),
                        self.h.state.recording.context.as_ref(),
                    );
                    self.send(Message::Record(Box::new(event)));
                }
                Effect::Edit(job) => self.edits.push(job),
                other => self.h.perform(other),
            }
        }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.send(Message::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self
    }

    fn ctrl(&mut self, c: char) -> &mut Self {
        self.send(Message::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
        self
    }

    fn keys(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    /// Moves the list's selection to article `id`.
    fn select(&mut self, id: &str) -> &mut Self {
        self.keys("g");
        for _ in 0..20 {
            if self.h.selected_id() == id {
                return self;
            }
            self.keys("j");
        }
        panic!("article {id} is not in the list");
    }

    fn form(&self) -> &RecordForm {
        self.h
            .state
            .recording
            .form
            .as_ref()
            .expect("the form is open")
    }

    fn step(&self) -> Step {
        self.form().step.clone()
    }

    fn is_open(&self) -> bool {
        self.h.state.recording.form.is_some()
    }

    /// Chooses `word` in the status picker and goes on.
    fn choose_status(&mut self, word: &str) -> &mut Self {
        assert_eq!(self.step(), Step::Status);
        let i = self
            .form()
            .statuses
            .iter()
            .position(|w| w.as_str() == word)
            .unwrap_or_else(|| panic!("{word} is not offered"));
        for _ in 0..i {
            self.key(KeyCode::Down);
        }
        self.key(KeyCode::Enter)
    }

    fn root(&self) -> std::path::PathBuf {
        self.h.repo.root().to_path_buf()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen (styles included) with the commit id of a result replaced.
    fn styled_redacted(&self) -> String {
        let mut styled = self.h.styled();
        if let Some(Step::Done(WriteOutcome::Recorded { commit, .. })) =
            self.h.state.recording.form.as_ref().map(|f| f.step.clone())
        {
            styled = styled.replace(&recording::short(commit), "[short id]");
        }
        // A recorded article's "Moved" date is the commit's, today's: the one cell of it
        // that shows beside the dialog (the day's last digit) is redacted.
        let day = bargain_core::model::Date::today().to_string();
        let digit = day.chars().last().expect("a date");
        styled
            .lines()
            .map(
                |line| match line.trim_start().strip_prefix("\"13\u{2502}") {
                    Some(_) if line.ends_with(&format!("{digit} \",")) => {
                        format!("{}# \",", &line[..line.len() - 4])
                    }
                    _ => line.to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn name_of(email: &str) -> String {
    email.split('@').next().unwrap_or(email).to_string()
}

/// The index the TUI holds, against one built from scratch.
fn assert_same_index(held: &History, built: &History) {
    assert_eq!(held.head, built.head);
    assert_eq!(held.commits, built.commits);
    assert_eq!(held.articles, built.articles);
}

// ---- the form's `update`, without a repository write -----------------------------------------

#[test]
fn the_status_picker_offers_exactly_the_transition_table() {
    let mut d = Desk::as_person("chief@union.example");
    for (id, status) in [
        ("12-ai-technology", Status::Open),
        ("14-ambient-documentation", Status::TentativelyAgreed),
        ("24-caseload-limits", Status::Withdrawn),
        ("42-dependent-death-benefit", Status::CurrentLanguage),
    ] {
        d.select(id).keys("S");
        assert_eq!(d.form().subject.status, status, "{id}");
        assert_eq!(d.step(), Step::Status);
        assert_eq!(d.form().statuses, record::Verb::next(status), "{id}");
        let screen = d.h.screen();
        for verb in record::Verb::next(status) {
            assert!(
                screen.contains(verb.as_str()),
                "{id}: {verb} not shown\n{screen}"
            );
        }
        d.key(KeyCode::Esc);
        assert!(!d.is_open());
    }
}

#[test]
fn a_ratified_article_offers_no_status_and_says_why() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("14-ambient-documentation")
        .keys("S")
        .choose_status("ratified");
    assert_eq!(d.step(), Step::Details, "the date is asked for");
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    assert!(matches!(d.step(), Step::Confirm(_)), "{:?}", d.step());
    d.key(KeyCode::Enter);
    assert!(matches!(
        d.step(),
        Step::Done(WriteOutcome::Recorded { .. })
    ));
    d.key(KeyCode::Enter);
    assert!(!d.is_open(), "Enter closes the result");
    d.keys("S");
    assert_eq!(
        d.step(),
        Step::Action,
        "nothing to pick: the form stays at the start"
    );
    assert!(d.form().message.as_deref().unwrap().contains("ratified"));
}

#[test]
fn esc_cancels_at_every_step_and_shift_tab_steps_back() {
    let mut d = Desk::as_person("chief@union.example");
    let esc_closes = |d: &mut Desk, expected: &dyn Fn(&Step) -> bool| {
        assert!(expected(&d.step()), "at {:?}", d.step());
        // Esc, and Ctrl-c (which quits elsewhere), close the form and write nothing.
        for key in [
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        ] {
            let mut copy = d.h.state.clone();
            let effects = update(&mut copy, Message::Key(key));
            assert!(effects.is_empty(), "{key:?} writes nothing");
            assert!(
                copy.recording.form.is_none(),
                "{key:?} closes the form at {:?}",
                d.step()
            );
        }
    };
    d.select("12-ai-technology").keys("r");
    esc_closes(&mut d, &|s| *s == Step::Action);
    d.key(KeyCode::Down).key(KeyCode::Enter);
    esc_closes(&mut d, &|s| *s == Step::Status);
    d.choose_status("tentatively-agreed");
    esc_closes(&mut d, &|s| *s == Step::Details);
    d.key(KeyCode::Down).key(KeyCode::Right).key(KeyCode::Enter);
    esc_closes(&mut d, &|s| *s == Step::Note);
    d.key(KeyCode::Enter);
    esc_closes(&mut d, &|s| matches!(s, Step::Confirm(_)));

    // Back, one step at a time, to the start (choices kept).
    for expected in [Step::Note, Step::Details, Step::Status, Step::Action] {
        d.key(KeyCode::BackTab);
        assert_eq!(d.step(), expected);
    }
    d.key(KeyCode::BackTab);
    assert_eq!(d.step(), Step::Action, "nothing before the start");
    d.key(KeyCode::Esc);
    assert!(!d.is_open());
    assert_eq!(d.h.state.scope(), bargain::tui::keys::Scope::List);
}

#[test]
fn in_a_table_kept_jointly_the_recorder_signs_a_ta_for_their_own_side_only() {
    let mut d = Desk::as_person("ai-lead@union.example");
    d.select("12-ai-technology")
        .keys("S")
        .choose_status("tentatively-agreed");
    assert_eq!(d.step(), Step::Details);
    let form = d.form();
    let signers: Vec<&FieldKey> = form
        .fields
        .iter()
        .map(|f| &f.key)
        .filter(|k| matches!(k, FieldKey::Signatory(_)))
        .collect();
    assert_eq!(
        signers,
        [&FieldKey::Signatory("union".into())],
        "the other side countersigns in a commit of their own"
    );
    assert_eq!(
        form.fields[0].value().as_deref(),
        Some("ai-lead@union.example"),
        "the recorder signs for their own side"
    );
    d.key(KeyCode::Enter);
    assert_eq!(d.step(), Step::Note);
    let request = d.form().request().unwrap();
    assert_eq!(
        request.action,
        record::Action::Set(StatusChange::TentativelyAgreed {
            signatories: vec!["ai-lead@union.example".into()],
            agreed: Some("employer".into()),
            page_sha256: None,
        }),
        "the agreed text defaults to the last pass across the table"
    );
    assert_eq!(
        request.date,
        Date::parse("2025-08-07"),
        "the date defaults to today"
    );
}

#[test]
fn the_pass_source_is_a_file_path_or_the_editor() {
    let mut d = Desk::as_person("ai-lead@union.example");
    d.select("12-ai-technology").keys("p");
    assert_eq!(d.step(), Step::Details);
    assert_eq!(d.form().kind, Kind::Pass);
    assert_eq!(
        d.form().fields[0].value().as_deref(),
        Some("union"),
        "the recorder's side"
    );

    d.key(KeyCode::Enter);
    assert_eq!(d.step(), Step::Details, "no text yet");
    assert!(d.form().message.as_deref().unwrap().contains("C-e"));

    d.keys("no/such/file.md").key(KeyCode::Enter);
    assert_eq!(d.step(), Step::Details);
    assert!(
        d.form()
            .message
            .as_deref()
            .unwrap()
            .contains("no/such/file.md"),
        "{:?}",
        d.form().message
    );

    d.ctrl('e');
    assert_eq!(d.edits.len(), 1, "Ctrl-e asks the shell for $EDITOR");
    let job = d.edits.pop().unwrap();
    assert_eq!(
        (job.article.as_str(), job.side.as_str()),
        ("12-ai-technology", "union")
    );
    let table = d.h.state.table.as_ref().unwrap();
    let start = work::editor_start(&d.h.repo, &table.snapshot, &job.article, &job.side);
    let latest =
        d.h.repo
            .text(
                table.snapshot.find("12").unwrap().passes["union"],
                "union.md",
            )
            .unwrap();
    assert_eq!(
        start, latest,
        "the editor starts from the side's latest text"
    );
    d.send(Message::Record(Box::new(work::edited(
        &job,
        Ok(format!("{start}\nA new sentence.\n")),
    ))));
    assert_eq!(d.step(), Step::Note);
    assert_eq!(d.form().text.as_ref().unwrap().source, "$EDITOR");

    // A result for a form that was closed is dropped.
    d.key(KeyCode::Esc).keys("p");
    d.send(Message::Record(Box::new(work::edited(
        &job,
        Ok("stale\n".into()),
    ))));
    assert_eq!(d.step(), Step::Details);
    assert!(d.form().text.is_none());
}

#[test]
fn the_form_update_is_pure_and_typing_goes_to_the_note() {
    let d = Desk::as_person("chief@union.example");
    let table = d.h.state.table.as_ref().unwrap();
    let mut form = RecordForm::new(
        &table.snapshot,
        table.history.as_ref().unwrap(),
        "13",
        Some(Kind::Status),
        d.h.state.recording.context.as_ref(),
        7,
    )
    .unwrap();
    let key = |c| FormMsg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    assert_eq!(
        recording::update(&mut form, key(KeyCode::Enter)),
        Outcome::Continue
    );
    assert_eq!(form.status, Some(record::Verb::Set(Status::Impasse)));
    assert_eq!(
        form.step,
        Step::Details,
        "impasse asks only when: the day and its session"
    );
    assert_eq!(
        recording::update(&mut form, key(KeyCode::Enter)),
        Outcome::Continue
    );
    assert_eq!(form.step, Step::Note);
    for c in "Stalled on notice; q and ? are text here".chars() {
        assert_eq!(
            recording::update(&mut form, key(KeyCode::Char(c))),
            Outcome::Continue
        );
    }
    let Outcome::Submit(request) = recording::update(&mut form, key(KeyCode::Enter)) else {
        panic!("Enter on the note submits");
    };
    assert_eq!(request.article, "13-mental-health-triage");
    assert_eq!(request.action, record::Action::Set(StatusChange::Impasse));
    assert_eq!(
        request.note.as_deref(),
        Some("Stalled on notice; q and ? are text here")
    );
    assert_eq!(form.step, Step::Checking);
    assert_eq!(
        recording::update(&mut form, key(KeyCode::Esc)),
        Outcome::Cancel
    );
}

// ---- through the shell's functions into a real repository ---------------------------------------

#[test]
fn a_pass_from_a_file_becomes_one_commit_and_the_index_is_extended() {
    let mut d = Desk::as_person("ai-lead@union.example");
    let before = d.h.repo.head().unwrap().commit;
    let file = d.root().join("../union-counter.md");
    std::fs::write(&file, "12.1 The Employer gives 90 days' notice.\n").unwrap();
    d.select("12-ai-technology").keys("p");
    d.keys(&file.display().to_string()).key(KeyCode::Enter);
    assert_eq!(d.step(), Step::Note, "{:?}", d.form().message);
    d.keys("Moves on notice.").key(KeyCode::Enter);
    let Step::Confirm(plan) = d.step() else {
        panic!("the plan is shown to confirm: {:?}", d.step());
    };
    assert_eq!(
        plan.sentence,
        "Coalition of Health Care Unions pass #3 on Article 12 — Artificial Intelligence and Technology"
    );
    let screen = d.h.screen();
    assert!(
        screen.contains("proposals/12-ai-technology/union.md"),
        "{screen}"
    );
    assert!(
        screen.contains("ai-lead <ai-lead@union.example>"),
        "{screen}"
    );
    assert_eq!(
        d.h.repo.head().unwrap().commit,
        before,
        "nothing written before Enter"
    );

    d.key(KeyCode::Enter);
    let Step::Done(WriteOutcome::Recorded {
        commit, warning, ..
    }) = d.step()
    else {
        panic!("recorded: {:?}", d.step());
    };
    assert_eq!(warning, None);
    assert_eq!(d.h.repo.head().unwrap().commit, commit);
    assert!(
        d.h.screen()
            .contains(&format!("Recorded as {}", recording::short(commit)))
    );

    let message = d.git(&["log", "-1", "--format=%an <%ae>%n%B"]);
    assert!(
        message.starts_with("ai-lead <ai-lead@union.example>\n"),
        "{message}"
    );
    assert!(message.contains("\n    Moves on notice.\n"), "{message}");
    assert!(
        message.contains("Bargain-Article: 12-ai-technology"),
        "{message}"
    );
    assert!(message.contains("Bargain-Side: union"), "{message}");
    assert!(message.contains("Bargain-Session: 2025-08-05"), "{message}");
    assert_eq!(
        d.git(&["status", "--porcelain"]),
        "",
        "work tree brought along"
    );

    let table = d.h.state.table.as_ref().unwrap();
    assert_eq!(
        table.snapshot.commit, commit,
        "the snapshot is the new commit's"
    );
    let built = History::build(&Repo::open(&d.root()).unwrap()).unwrap();
    assert_same_index(table.history.as_ref().unwrap(), &built);
    let row = table
        .rows
        .iter()
        .find(|r| r.id == "12-ai-technology")
        .unwrap();
    assert_eq!(
        row.progress.passes.get("union"),
        Some(&3),
        "the tracker counts the new pass"
    );
    assert_eq!(row.whose_move.as_deref(), Some("employer"));

    d.key(KeyCode::Enter);
    assert!(!d.is_open());
}

#[test]
fn in_a_table_kept_by_the_union_its_lead_enters_the_employers_pass_as_received() {
    let mut d = Desk::at(
        Harness::demo_kept_by("union", 80, 24),
        "ai-lead@union.example",
    );
    let file = d.root().join("../employer-counter.md");
    std::fs::write(&file, "12.1 The Employer gives 60 days' notice.\n").unwrap();
    d.select("12-ai-technology").keys("p");
    // The side field: the employer's, not the recorder's own.
    focus_field(&mut d, &FieldKey::Side);
    let side = |d: &Desk| {
        d.form()
            .fields
            .iter()
            .find(|f| f.key == FieldKey::Side)
            .and_then(|f| f.value())
    };
    for _ in 0..3 {
        if side(&d).as_deref() == Some("employer") {
            break;
        }
        d.key(KeyCode::Right);
    }
    assert_eq!(side(&d).as_deref(), Some("employer"));
    focus_field(&mut d, &FieldKey::Path);
    d.keys(&file.display().to_string()).key(KeyCode::Enter);
    assert_eq!(d.step(), Step::Note, "{:?}", d.form().message);
    d.key(KeyCode::Enter);
    let Step::Confirm(plan) = d.step() else {
        panic!("the plan is shown to confirm: {:?}", d.step());
    };
    assert!(
        plan.sentence.starts_with("Example Health pass"),
        "{}",
        plan.sentence
    );
    d.key(KeyCode::Enter);
    assert!(
        matches!(d.step(), Step::Done(WriteOutcome::Recorded { .. })),
        "{:?}",
        d.step()
    );
    let message = d.git(&["log", "-1", "--format=%ae%n%B"]);
    assert!(
        message.starts_with("ai-lead@union.example\n"),
        "entered by the union's lead: {message}"
    );
    assert!(message.contains("Bargain-Side: employer"), "{message}");
    assert!(
        message.contains("Bargain-Received:"),
        "kept as received: {message}"
    );
}

#[test]
fn a_ta_at_the_keyboard_is_proposed_then_countersigned_by_the_other_side() {
    let mut d = Desk::as_person("chief@union.example");
    let ta_at_the_keyboard = |d: &mut Desk| {
        d.select("12-ai-technology")
            .keys("S")
            .choose_status("tentatively-agreed");
        d.key(KeyCode::Down).key(KeyCode::Right).key(KeyCode::Enter);
        d.key(KeyCode::Enter);
        assert!(matches!(d.step(), Step::Confirm(_)), "{:?}", d.step());
        d.key(KeyCode::Enter);
        assert!(
            matches!(d.step(), Step::Done(WriteOutcome::Recorded { .. })),
            "{:?}\n{}",
            d.step(),
            d.h.screen()
        );
    };
    ta_at_the_keyboard(&mut d);
    let yaml_path = d.root().join("proposals/12-ai-technology/article.yaml");
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    assert!(
        yaml.contains("status: open"),
        "proposed, not yet agreed: {yaml}"
    );
    assert!(yaml.contains("union: chief@union.example"), "{yaml}");
    let message = d.git(&["log", "-1", "--format=%B"]);
    assert!(message.contains("Bargain-Change: ta-proposed"), "{message}");

    // The employer's chief countersigns the same text under their own name.
    d.key(KeyCode::Esc);
    d.become_person("chief@employer.example");
    ta_at_the_keyboard(&mut d);
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    assert!(yaml.contains("status: tentatively-agreed"), "{yaml}");
    assert!(yaml.contains("union: chief@union.example"), "{yaml}");
    assert!(yaml.contains("employer: chief@employer.example"), "{yaml}");
    assert!(yaml.contains("kind: countersigned"), "{yaml}");
    let message = d.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.contains("Bargain-Status: tentatively-agreed"),
        "{message}"
    );
    assert!(
        message.contains("Bargain-Change: ta-countersigned"),
        "{message}"
    );
    assert_eq!(
        d.git(&["log", "-1", "--format=%ae"]).trim(),
        "chief@employer.example"
    );
    let row =
        d.h.state
            .table
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .find(|r| r.id == "12-ai-technology")
            .cloned()
            .unwrap();
    assert_eq!(
        row.status,
        Some(Status::TentativelyAgreed),
        "the list shows the TA at once"
    );
}

#[test]
fn a_member_is_refused_in_words_and_nothing_is_written() {
    let mut d = Desk::as_person("mh-rep@union.example");
    let before = d.h.repo.head().unwrap().commit;
    d.select("12-ai-technology")
        .keys("S")
        .choose_status("impasse");
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    let Step::Refused(why) = d.step() else {
        panic!("refused: {:?}", d.step());
    };
    assert!(why.contains("mh-rep@union.example is a member"), "{why}");
    assert!(why.contains("may record on article 12"), "{why}");
    let screen = d.h.screen();
    assert!(screen.contains("Not recorded"), "{screen}");
    assert!(screen.contains("is a member"), "{screen}");
    assert_eq!(d.h.repo.head().unwrap().commit, before);
    d.key(KeyCode::Enter);
    assert_eq!(
        d.step(),
        Step::Note,
        "Enter goes back to change the request"
    );
}

#[test]
fn a_branch_moved_since_the_check_is_refused_and_the_table_reloaded() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("13-mental-health-triage")
        .keys("S")
        .choose_status("impasse");
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    assert!(matches!(d.step(), Step::Confirm(_)));
    // Someone else records first.
    let repo = Repo::open(&d.root()).unwrap();
    let head = repo.head().unwrap().commit;
    let other = writer::commit(
        &repo,
        &CommitRequest {
            files: vec![FileWrite {
                path: "proposals/13-mental-health-triage/employer.md".into(),
                content: Some(b"Employer counter.\n".to_vec()),
            }],
            message: "Employer counter\n".into(),
            author: Author {
                name: "Employer chief negotiator".into(),
                email: "chief@employer.example".into(),
                time: None,
            },
            expected_head: Some(head),
        },
    )
    .unwrap();
    d.key(KeyCode::Enter);
    let Step::Done(WriteOutcome::Refused(why)) = d.step() else {
        panic!("refused: {:?}", d.step());
    };
    assert!(
        why.contains("branch moved") && why.contains("reloaded"),
        "{why}"
    );
    assert_eq!(
        d.h.repo.head().unwrap().commit,
        other,
        "nothing of ours written"
    );
    let table = d.h.state.table.as_ref().unwrap();
    assert_eq!(
        table.snapshot.commit, other,
        "the table shown is the new one"
    );
    assert_same_index(
        table.history.as_ref().unwrap(),
        &History::build(&repo).unwrap(),
    );
}

#[test]
fn a_reopen_needs_the_other_side_or_is_forced_and_flagged() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("14-ambient-documentation")
        .keys("S")
        .choose_status("reopen");
    assert_eq!(d.step(), Step::Details);
    let keys: Vec<FieldKey> = d.form().fields.iter().map(|f| f.key.clone()).collect();
    assert_eq!(
        keys,
        [
            FieldKey::ReopenBy("employer".into()),
            FieldKey::Force,
            FieldKey::Date,
            FieldKey::Session
        ],
        "the recorder speaks for their own side; the other side is asked for"
    );
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    let Step::Refused(why) = d.step() else {
        panic!("refused: {:?}", d.step());
    };
    assert!(why.contains("needs the agreement of every side"), "{why}");
    // The way on is named in the form's own fields, never as a command-line flag.
    assert!(why.contains("“Agrees for …”"), "{why}");
    assert!(why.contains("“Without every side” to yes"), "{why}");
    assert!(!why.contains("--"), "{why}");

    // Back to the details: forced, the reopen is recorded and flagged.
    d.key(KeyCode::Enter).key(KeyCode::BackTab);
    assert_eq!(d.step(), Step::Details);
    d.key(KeyCode::Down)
        .key(KeyCode::Right)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    let Step::Confirm(plan) = d.step() else {
        panic!("confirm: {:?}", d.step());
    };
    assert!(plan.forced);
    assert!(d.h.screen().contains("Forced: flagged in the history"));
    d.key(KeyCode::Enter);
    assert!(
        matches!(d.step(), Step::Done(WriteOutcome::Recorded { .. })),
        "{:?}",
        d.step()
    );
    let message = d.git(&["log", "-1", "--format=%B"]);
    assert!(message.contains("Bargain-Forced: yes"), "{message}");
    assert!(message.contains("Bargain-Status: open"), "{message}");
}

#[test]
fn a_reopen_with_the_other_sides_agreement_is_not_forced() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("14-ambient-documentation")
        .keys("S")
        .choose_status("reopen");
    d.key(KeyCode::Right)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    let Step::Confirm(plan) = d.step() else {
        panic!("confirm: {:?}", d.step());
    };
    assert!(!plan.forced);
    assert!(
        plan.message
            .contains("Bargain-Reopened-By: chief@union.example, chief@employer.example"),
        "{}",
        plan.message
    );
}

// ---- when it happened: the day and the session ---------------------------------------------------

/// The session picker's value: `Some("")` is between sessions, `None` nothing chosen.
fn session_value(d: &Desk) -> Option<String> {
    d.form()
        .fields
        .iter()
        .find(|f| f.key == FieldKey::Session)
        .expect("the form asks for the session")
        .value()
}

/// Moves the focus in the details to the field `key`.
fn focus_field(d: &mut Desk, key: &FieldKey) {
    for _ in 0..12 {
        if d.form().fields.get(d.form().focus).map(|f| &f.key) == Some(key) {
            return;
        }
        d.key(KeyCode::Down);
    }
    panic!("no field {key:?}");
}

#[test]
fn the_session_defaults_to_the_one_that_includes_the_day_and_follows_a_new_date() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("13-mental-health-triage")
        .keys("S")
        .choose_status("impasse");
    assert_eq!(d.step(), Step::Details);
    assert_eq!(session_value(&d).as_deref(), Some("August session"));
    let screen = d.h.screen();
    assert!(
        screen.contains("August session (2025-08-05 to 2025-08-07)"),
        "{screen}"
    );
    // A day of the July session: the picker follows it.
    focus_field(&mut d, &FieldKey::Date);
    for _ in 0..10 {
        d.key(KeyCode::Backspace);
    }
    d.keys("2025-07-16");
    assert_eq!(session_value(&d).as_deref(), Some("July session"));
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    let Step::Confirm(plan) = d.step() else {
        panic!("confirm: {:?}", d.step());
    };
    assert!(
        plan.message.contains("Bargain-Session: 2025-07-15"),
        "{}",
        plan.message
    );
    assert!(
        plan.message.contains("Bargain-Date: 2025-07-16"),
        "{}",
        plan.message
    );
}

#[test]
fn a_day_in_no_session_is_never_filed_by_guess_the_form_asks() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("13-mental-health-triage")
        .keys("S")
        .choose_status("impasse");
    focus_field(&mut d, &FieldKey::Date);
    for _ in 0..10 {
        d.key(KeyCode::Backspace);
    }
    d.keys("2025-07-30");
    assert_eq!(session_value(&d), None, "no session includes the day");
    assert!(
        d.form()
            .message
            .as_deref()
            .is_some_and(|m| m.contains("no session includes 2025-07-30")),
        "{:?}",
        d.form().message
    );
    d.key(KeyCode::Enter);
    assert_eq!(
        d.step(),
        Step::Details,
        "Enter does not go on without a session"
    );
    assert!(
        d.form()
            .message
            .as_deref()
            .is_some_and(|m| m.contains("“Session”") && m.contains("between sessions")),
        "{:?}",
        d.form().message
    );
    // Between sessions, chosen by hand, is kept when the day is typed again.
    focus_field(&mut d, &FieldKey::Session);
    d.key(KeyCode::Left);
    assert_eq!(session_value(&d).as_deref(), Some(""));
    focus_field(&mut d, &FieldKey::Date);
    d.key(KeyCode::Backspace).keys("1");
    assert_eq!(
        session_value(&d).as_deref(),
        Some(""),
        "a session picked by hand stays"
    );
    d.key(KeyCode::Enter);
    assert_eq!(d.step(), Step::Note, "{:?}", d.form().message);
    let request = d.form().request().unwrap();
    assert_eq!(request.session, record::SessionChoice::Between);
    assert_eq!(request.date, Date::parse("2025-07-31"));
    d.key(KeyCode::Enter);
    let Step::Confirm(plan) = d.step() else {
        panic!("confirm: {:?}", d.step());
    };
    assert!(
        !plan.message.contains("Bargain-Session"),
        "{}",
        plan.message
    );
}

#[test]
fn a_pass_asks_its_day_and_session_too() {
    let mut d = Desk::as_person("ai-lead@union.example");
    d.select("12-ai-technology").keys("p");
    let keys: Vec<FieldKey> = d.form().fields.iter().map(|f| f.key.clone()).collect();
    assert_eq!(
        keys,
        [
            FieldKey::Side,
            FieldKey::Path,
            FieldKey::Date,
            FieldKey::Session
        ]
    );
    assert_eq!(session_value(&d).as_deref(), Some("August session"));
}

// ---- adding an article -----------------------------------------------------------------------------

#[test]
fn an_article_added_at_the_keyboard_is_one_commit_and_shows_in_the_list() {
    let mut d = Desk::as_person("chief@union.example");
    let current = d.root().join("../current-15.md");
    std::fs::write(&current, "15.1 Employees may bring a support person.\n").unwrap();
    d.keys("1").keys("a");
    assert_eq!(d.form().kind, Kind::Article);
    assert_eq!(d.step(), Step::Details);
    assert_eq!(
        d.form().fields[2].value().as_deref(),
        Some("ai"),
        "the topic in view is offered first"
    );
    let screen = d.h.screen();
    assert!(screen.contains("Add an article to the table"), "{screen}");
    // What is missing is said in the form's words.
    d.key(KeyCode::Enter);
    assert!(
        d.form().message.as_deref() == Some("type the article's “Number”"),
        "{:?}",
        d.form().message
    );
    d.keys("15").key(KeyCode::Down).keys("Patient Advocacy");
    d.key(KeyCode::Down).key(KeyCode::Down);
    d.keys(&current.display().to_string()).key(KeyCode::Enter);
    assert_eq!(d.step(), Step::Note, "{:?}", d.form().message);
    assert!(d.h.screen().contains("A note for the record"));
    d.keys("Opened at the August session.").key(KeyCode::Enter);
    let Step::Confirm(plan) = d.step() else {
        panic!("confirm: {:?}", d.step());
    };
    assert_eq!(
        plan.sentence,
        "Article 15 — Patient Advocacy added to AI & technology"
    );
    let paths: Vec<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "proposals/15-patient-advocacy/article.yaml",
            "proposals/15-patient-advocacy/current.md"
        ]
    );
    d.key(KeyCode::Enter);
    assert!(
        matches!(d.step(), Step::Done(WriteOutcome::Recorded { .. })),
        "{:?}",
        d.step()
    );
    let message = d.git(&["log", "-1", "--format=%ae%n%B"]);
    assert!(message.starts_with("chief@union.example\n"), "{message}");
    assert!(
        message.contains("Bargain-Change: article-added"),
        "{message}"
    );
    assert!(
        message.contains("Opened at the August session."),
        "{message}"
    );
    assert_eq!(
        d.git(&["show", "HEAD:proposals/15-patient-advocacy/current.md"]),
        "15.1 Employees may bring a support person.\n"
    );
    assert_eq!(
        d.h.selected_id(),
        "15-patient-advocacy",
        "the new article is selected in the list"
    );
    let table = d.h.state.table.as_ref().unwrap();
    assert_same_index(
        table.history.as_ref().unwrap(),
        &History::build(&d.h.repo).unwrap(),
    );
    assert_eq!(
        d.git(&["rev-list", "--count", &format!("{}..HEAD", plan.base)])
            .trim(),
        "1",
        "one commit"
    );
}

#[test]
fn a_number_already_used_is_refused_in_the_forms_words_and_nothing_is_written() {
    let mut d = Desk::as_person("chief@union.example");
    let before = d.h.repo.head().unwrap().commit;
    d.keys("a")
        .keys("12")
        .key(KeyCode::Down)
        .keys("Another AI article");
    d.key(KeyCode::Down).key(KeyCode::Right);
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    let Step::Refused(why) = d.step() else {
        panic!("refused: {:?}", d.step());
    };
    assert!(
        why.contains("article number 12 is already used by 12-ai-technology"),
        "{why}"
    );
    assert!(why.contains("give another “Number”"), "{why}");
    assert!(!why.contains("--"), "{why}");
    assert_eq!(d.h.repo.head().unwrap().commit, before);
}

#[test]
fn a_member_may_not_add_an_article_and_is_told_who_may() {
    let mut d = Desk::as_person("mh-rep@union.example");
    let before = d.h.repo.head().unwrap().commit;
    d.keys("a").keys("16").key(KeyCode::Down).keys("Parking");
    d.key(KeyCode::Down).key(KeyCode::Right);
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    let Step::Refused(why) = d.step() else {
        panic!("refused: {:?}", d.step());
    };
    assert!(
        why.contains("a chief negotiator, a lead of the topic or a secretary may add"),
        "{why}"
    );
    assert_eq!(d.h.repo.head().unwrap().commit, before);
}

#[test]
fn the_add_article_key_is_in_the_one_key_table() {
    use bargain::tui::keys::{self, Action, Scope};
    let binding = keys::BINDINGS
        .iter()
        .find(|b| b.action == Action::AddArticle)
        .expect("bound");
    assert_eq!(binding.label, "a");
    assert!(
        keys::bar(Scope::List)
            .iter()
            .any(|b| b.action == Action::AddArticle)
    );
    let h = Harness::demo(160, 48);
    let bar = h.screen().lines().last().unwrap_or_default().to_string();
    assert!(bar.contains("a add article"), "the key bar shows it: {bar}");
    let lines = bargain::tui::help::lines(74);
    assert!(
        lines
            .iter()
            .any(|l| l.text.starts_with("add an article to the table")),
        "the help lists it"
    );
}

// ---- the popup, rendered ---------------------------------------------------------------------

#[test]
fn screen_80x24_record_status_picker() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("12-ai-technology").keys("S").key(KeyCode::Down);
    insta::assert_snapshot!(d.h.styled());
}

#[test]
fn screen_80x24_add_article() {
    let mut d = Desk::as_person("chief@union.example");
    d.keys("2")
        .keys("a")
        .keys("25")
        .key(KeyCode::Down)
        .keys("Float Pool Staffing");
    insta::assert_snapshot!(d.h.styled());
}

#[test]
fn screen_80x24_record_ta_signatories() {
    // Jointly kept: the recorder signs for their own side only; the employer countersigns.
    let mut d = Desk::as_person("chief@union.example");
    d.select("12-ai-technology")
        .keys("S")
        .choose_status("tentatively-agreed");
    insta::assert_snapshot!(d.h.styled());
}

#[test]
fn screen_80x24_record_confirmation() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("12-ai-technology")
        .keys("S")
        .choose_status("tentatively-agreed");
    d.key(KeyCode::Down).key(KeyCode::Right).key(KeyCode::Enter);
    d.keys("Both sides initialled at the table.")
        .key(KeyCode::Enter);
    insta::assert_snapshot!(d.h.styled());
}

#[test]
fn screen_80x24_record_result() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("13-mental-health-triage")
        .keys("S")
        .choose_status("impasse");
    d.key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    insta::assert_snapshot!(d.styled_redacted());
}

#[test]
fn screen_80x24_record_refusal() {
    let mut d = Desk::as_person("mh-rep@union.example");
    d.select("12-ai-technology")
        .keys("S")
        .choose_status("impasse");
    d.key(KeyCode::Enter).key(KeyCode::Enter);
    insta::assert_snapshot!(d.h.styled());
}

#[test]
fn text_written_in_the_editor_is_kept_as_a_draft_until_it_is_recorded() {
    let d = Desk::as_person("ai-lead@union.example");
    let repo = &d.h.repo;
    let snapshot = repo.snapshot().unwrap();
    let id = "12-ai-technology";
    let latest = work::editor_start(repo, &snapshot, id, "union");
    assert!(!latest.is_empty(), "starts from the side's latest text");
    // Written, then refused (or the TUI closed): the words wait under .git/.
    work::save_draft(repo, id, "union", "Words written at the table.\n").unwrap();
    assert!(repo.git.path().join("bargain/drafts").is_dir());
    assert_eq!(
        work::editor_start(repo, &snapshot, id, "union"),
        "Words written at the table.\n"
    );
    assert_eq!(
        work::editor_start(repo, &snapshot, id, "employer"),
        work::editor_start(repo, &snapshot, id, "employer"),
        "another side's draft is its own"
    );
    assert_ne!(
        work::editor_start(repo, &snapshot, id, "employer"),
        "Words written at the table.\n"
    );
    // Recorded: the draft is gone and the next edit starts from the recorded pass.
    let history = bargain_core::store::History::build(repo).unwrap();
    let actor = Actor {
        name: "Union AI lead".into(),
        email: "ai-lead@union.example".into(),
    };
    let request = bargain_core::record::Request::new(
        "12",
        bargain_core::record::Action::Pass {
            side: "union".into(),
            text: "Words written at the table.\n".into(),
            received: false,
        },
    );
    let plan = bargain_core::record::check(
        repo,
        &snapshot,
        &history,
        &actor,
        Date::parse("2025-08-07").unwrap(),
        &request,
    )
    .unwrap();
    let written = work::apply(repo, 1, &plan, &history);
    assert!(matches!(written.outcome, WriteOutcome::Recorded { .. }));
    assert_eq!(
        std::fs::read_dir(repo.git.path().join("bargain/drafts"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn recording_while_behind_the_remote_offers_to_sync_first() {
    use bargain::tui::state::SyncState;
    let mut d = Desk::as_person("chief@union.example");
    d.h.state.table.as_mut().unwrap().sync = SyncState::Upstream {
        ahead: 0,
        behind: 2,
        unsent: 0,
        fetched_at: None,
        problem: None,
    };
    d.select("12-ai-technology").keys("S");
    assert!(d.h.state.recording.form.is_some(), "the form still opens");
    let flash = d.h.state.flash.clone().unwrap_or_default();
    assert!(
        flash.contains("2 commits you have not received") && flash.contains("y to sync first"),
        "{flash}"
    );
}

#[test]
fn a_countersigned_ta_is_one_history_row_that_opens_the_agreed_text() {
    let mut d = Desk::as_person("chief@union.example");
    d.select("14-ambient-documentation");
    d.key(KeyCode::Enter);
    let article = d.h.state.article.as_ref().expect("the article is open");
    let tas: Vec<_> = article
        .history
        .iter()
        .filter(|r| r.what.contains("tentative agreement"))
        .collect();
    // Proposed, then countersigned: two things done, two rows (not three with ta.md).
    assert_eq!(tas.len(), 2, "{:#?}", article.history);
    let countersigned = tas
        .iter()
        .find(|r| r.what.contains("countersigned"))
        .expect("the countersignature");
    assert!(countersigned.has_text, "the TA row opens ta.md");
    assert_eq!(countersigned.file, "ta.md");
}
