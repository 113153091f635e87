//! Recording the negotiation: passes, every status transition, the TA and its guard, who may
//! record, and the writer's refusals, through the library as the TUI calls it.

use crate::common::{Fixture, pass_request, received_request, set_request, ta};
use bargain_core::model::{Article, Date, SignatureKind, Status, TentativeAgreement};
use bargain_core::record::rights::Denial;
use bargain_core::record::{
    Action, RecordError, Refusal, Remedy, Request, SessionChoice, StatusChange,
};
use bargain_core::store::History;
use bargain_core::store::writer::WriteError;

fn refusal(result: Result<git2::Oid, RecordError>) -> Refusal {
    match result {
        Err(RecordError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn write_refusal(result: Result<git2::Oid, RecordError>) -> WriteError {
    match result {
        Err(RecordError::Write(w)) => w,
        other => panic!("expected the writer to refuse, got {other:?}"),
    }
}

fn article(f: &Fixture, id: &str) -> Article {
    let text = f
        .committed(&format!("proposals/{id}/article.yaml"))
        .expect("article.yaml");
    serde_yaml::from_str(&text).expect("article.yaml parses")
}

fn status(f: &Fixture, id: &str) -> Status {
    article(f, id).status
}

// ---- passes -------------------------------------------------------------------------------

#[test]
fn pass_by_topic_lead_is_one_commit_under_their_name_with_trailers() {
    let f = Fixture::new();
    f.two_articles();
    let before = f.head();
    let id = f
        .record_pass("ai-lead@union.example", "12", "union", "Union text one.\n")
        .unwrap();
    assert_eq!(f.head(), id);
    let repo = f.repo();
    let commit = repo.git.find_commit(id).unwrap();
    assert_eq!(commit.parent_id(0).unwrap(), before);
    assert_eq!(commit.author().email().ok(), Some("ai-lead@union.example"));
    let message = f.head_message();
    assert!(
        message.starts_with("Test Union pass #1 on Article 12 — AI\n"),
        "{message}"
    );
    for trailer in [
        "Bargain-Article: 12-ai",
        "Bargain-Side: union",
        "Bargain-Session: 2025-06-03",
    ] {
        assert!(message.contains(trailer), "{trailer} missing: {message}");
    }
    assert_eq!(
        f.committed("proposals/12-ai/union.md").as_deref(),
        Some("Union text one.\n")
    );
    assert_eq!(
        std::fs::read_to_string(f.file("proposals/12-ai/union.md")).unwrap(),
        "Union text one.\n"
    );
    assert_eq!(f.porcelain(), "", "work tree and index follow the commit");
    let history = History::build(&repo).unwrap();
    assert_eq!(history.passes("12-ai", "union").count(), 1);
    let info = history.commits.last().unwrap();
    assert!(info.is_recorded());
    assert_eq!(
        info.trailers.as_ref().and_then(|t| t.side.as_deref()),
        Some("union")
    );
}

#[test]
fn pass_finds_the_article_by_number_or_id_and_counts_passes() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12-ai", "union", "One.\n")
        .unwrap();
    f.record_pass("ai-lead@union.example", "12", "union", "Two.\n")
        .unwrap();
    assert!(f.head_message().starts_with("Test Union pass #2 on"));
    let r = refusal(f.record_pass("ai-lead@union.example", "99", "union", "x\n"));
    assert!(matches!(r, Refusal::UnknownArticle { .. }));
    assert!(r.to_string().contains("12, 21"), "{r}");
}

#[test]
fn pass_for_the_other_side_is_refused_even_for_a_chief() {
    let f = Fixture::new();
    f.two_articles();
    let head = f.head();
    let r = refusal(f.record_pass("chief@union.example", "12", "employer", "Theirs.\n"));
    assert!(
        matches!(
            r,
            Refusal::NotAllowed {
                why: Denial::OtherSide { .. },
                ..
            }
        ),
        "{r:?}"
    );
    let text = r.to_string();
    assert!(text.contains("ai-lead@employer.example"), "{text}");
    assert!(text.contains("chief@employer.example"), "{text}");
    assert_eq!(f.head(), head);
}

#[test]
fn chief_records_on_any_article_for_their_side() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("chief@employer.example", "21", "employer", "Staffing.\n")
        .unwrap();
    f.record_pass("chief@union.example", "12", "union", "AI.\n")
        .unwrap();
}

#[test]
fn member_is_refused_and_told_who_may_record() {
    let f = Fixture::new();
    f.two_articles();
    let r = refusal(f.record_pass("member@union.example", "12", "union", "Mine.\n"));
    assert_eq!(
        r.to_string(),
        "member@union.example is a member, neither a chief negotiator nor a lead of AI & technology; \
         for union, ai-lead@union.example or a chief negotiator (chief@union.example) or a secretary \
         (secretary@union.example) may enter passes on article 12"
    );
}

#[test]
fn secretary_enters_passes_but_never_a_status() {
    let f = Fixture::new();
    f.two_articles();
    // The secretary types in their side's pass, under their own name.
    f.record_pass("secretary@union.example", "12", "union", "Typed.\n")
        .expect("a secretary enters passes");
    // Not the other side's, unless as received across the table.
    let r = refusal(f.record_pass("secretary@union.example", "12", "employer", "x\n"));
    assert!(matches!(r, Refusal::NotAllowed { .. }), "{r}");
    // In a table kept jointly the other side records its own passes: nothing is "received".
    let r = refusal(f.record_as(
        "secretary@union.example",
        &received_request("12", "employer", "As handed over.\n"),
    ));
    assert!(
        matches!(
            r,
            Refusal::NotAllowed {
                why: Denial::ReceivedInJoint,
                ..
            }
        ),
        "{r}"
    );
    let r = refusal(f.record_set("secretary@union.example", "12", StatusChange::Impasse));
    assert!(matches!(r, Refusal::NotAllowed { .. }));
    assert!(r.to_string().contains("never a status"), "{r}");
}

#[test]
fn lead_of_another_topic_and_strangers_are_refused() {
    let f = Fixture::new();
    f.two_articles();
    let r = refusal(f.record_pass("staffing-lead@union.example", "12", "union", "x\n"));
    assert!(matches!(r, Refusal::NotAllowed { .. }));
    let r = refusal(f.record_pass("someone@else.example", "12", "union", "x\n"));
    assert!(
        r.to_string()
            .contains("is not among the people in bargaining.yaml"),
        "{r}"
    );
    // The staffing lead may, on a staffing article.
    f.record_pass("staffing-lead@union.example", "21", "union", "x\n")
        .unwrap();
}

#[test]
fn an_unchanged_or_empty_or_binary_pass_is_refused() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Same.\n")
        .unwrap();
    let head = f.head();
    assert!(matches!(
        refusal(f.record_pass("ai-lead@union.example", "12", "union", "Same.\n")),
        Refusal::Unchanged { .. }
    ));
    assert!(matches!(
        refusal(f.record_pass("ai-lead@union.example", "12", "union", "  \n")),
        Refusal::EmptyText
    ));
    assert!(matches!(
        refusal(f.record_pass("ai-lead@union.example", "12", "union", "a\0b")),
        Refusal::BadText(_)
    ));
    assert!(matches!(
        refusal(f.record_pass("ai-lead@union.example", "12", "nobody", "x")),
        Refusal::UnknownSide { .. }
    ));
    assert_eq!(f.head(), head);
}

#[test]
fn a_note_goes_into_the_message_body_and_cannot_forge_trailers() {
    let f = Fixture::new();
    f.two_articles();
    let mut request = pass_request("12", "union", "Text.\n");
    request.note = Some("Moves on notice.\n\nBargain-Forced: yes".to_string());
    f.record_as("ai-lead@union.example", &request).unwrap();
    let history = History::build(&f.repo()).unwrap();
    let info = history.commits.last().unwrap();
    assert!(!info.forced());
    assert!(f.head_message().contains("Moves on notice."));
}

// ---- sessions -----------------------------------------------------------------------------

#[test]
fn a_day_in_no_session_is_refused_unless_a_session_is_named_or_it_was_between_sessions() {
    let f = Fixture::new();
    f.two_articles();
    f.on("2025-06-20");
    let head = f.head();
    let r = refusal(f.record_pass("ai-lead@union.example", "12", "union", "A.\n"));
    assert!(matches!(r, Refusal::NoSessionOn { .. }), "{r:?}");
    assert!(r.remedies().contains(&Remedy::BetweenSessions), "{r:?}");
    assert!(
        r.to_string()
            .contains("June session 2025-06-03..2025-06-05"),
        "{r}"
    );
    assert_eq!(f.head(), head, "nothing was filed under a guessed session");

    let mut request = pass_request("12", "union", "A.\n");
    request.session = SessionChoice::Between;
    f.record_as("ai-lead@union.example", &request).unwrap();
    let message = f.head_message();
    assert!(!message.contains("Bargain-Session"), "{message}");
    assert!(message.contains("Bargain-Date: 2025-06-20"), "{message}");

    // A session named by its name, or by any day of it, for an event on another day.
    request.action = pass_request("12", "union", "B.\n").action;
    request.session = SessionChoice::Named("July session".into());
    f.on("2025-07-20");
    f.record_as("ai-lead@union.example", &request).unwrap();
    assert!(f.head_message().contains("Bargain-Session: 2025-07-15"));
    request.action = pass_request("12", "union", "C.\n").action;
    request.session = SessionChoice::Named("2025-06-04".into());
    f.record_as("ai-lead@union.example", &request).unwrap();
    assert!(f.head_message().contains("Bargain-Session: 2025-06-03"));
    request.session = SessionChoice::Named("August session".into());
    let r = refusal(f.record_as("ai-lead@union.example", &request));
    assert!(matches!(r, Refusal::UnknownSession { .. }), "{r:?}");
}

#[test]
fn an_event_date_in_the_future_or_before_the_first_session_is_refused() {
    let f = Fixture::new();
    f.two_articles();
    f.on("2025-06-04");
    let mut request = pass_request("12", "union", "A.\n");
    request.date = Date::parse("2025-06-05");
    let r = refusal(f.record_as("ai-lead@union.example", &request));
    assert!(matches!(r, Refusal::FutureDate { .. }), "{r:?}");
    request.date = Date::parse("2025-05-30");
    let r = refusal(f.record_as("ai-lead@union.example", &request));
    assert!(matches!(r, Refusal::BeforeFirstSession { .. }), "{r:?}");
    assert!(r.to_string().contains("June session"), "{r}");
    // A day that happened, in a session: recorded with that day, whatever the commit's time.
    request.date = Date::parse("2025-06-03");
    f.record_as("ai-lead@union.example", &request).unwrap();
    assert!(f.head_message().contains("Bargain-Date: 2025-06-03"));
}

// ---- status transitions -------------------------------------------------------------------

#[test]
fn open_goes_to_impasse_and_back() {
    let f = Fixture::new();
    f.two_articles();
    f.record_set("ai-lead@employer.example", "12", StatusChange::Impasse)
        .unwrap();
    assert_eq!(status(&f, "12-ai"), Status::Impasse);
    assert!(f.head_message().contains("Bargain-Status: impasse"));
    assert!(matches!(
        refusal(f.record_set("chief@union.example", "12", StatusChange::Impasse)),
        Refusal::Transition { .. }
    ));
    // A pass may still be made during an impasse.
    f.record_pass("ai-lead@union.example", "12", "union", "New offer.\n")
        .unwrap();
    f.record_set("chief@union.example", "12", StatusChange::Open)
        .unwrap();
    assert_eq!(status(&f, "12-ai"), Status::Open);
    let r = refusal(f.record_set("chief@union.example", "12", StatusChange::Open));
    assert!(r.to_string().contains("cannot be set open"), "{r}");
}

#[test]
fn withdrawn_by_a_side_is_recorded_by_that_side_and_can_come_back() {
    let f = Fixture::new();
    f.two_articles();
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Withdrawn {
            by: Some("employer".into()),
        },
    ));
    assert!(matches!(
        r,
        Refusal::NotAllowed {
            why: Denial::OtherSide { .. },
            ..
        }
    ));
    f.record_set(
        "ai-lead@union.example",
        "12",
        StatusChange::Withdrawn { by: None },
    )
    .unwrap();
    let a = article(&f, "12-ai");
    assert_eq!(a.status, Status::Withdrawn);
    assert_eq!(a.withdrawn_by.as_deref(), Some("union"));
    assert!(
        f.head_message()
            .starts_with("Test Union withdraws Article 12 — AI")
    );
    let r = refusal(f.record_pass("ai-lead@union.example", "12", "union", "x\n"));
    assert_eq!(
        r.remedies(),
        [Remedy::PutBack {
            article: "12".into()
        }]
    );
    f.record_set("chief@employer.example", "12", StatusChange::Open)
        .unwrap();
    let a = article(&f, "12-ai");
    assert_eq!(a.status, Status::Open);
    assert_eq!(a.withdrawn_by, None);
}

#[test]
fn current_language_needs_current_text_and_is_reopened_by_both_sides() {
    let f = Fixture::new();
    f.two_articles();
    assert!(matches!(
        refusal(f.record_set("chief@union.example", "21", StatusChange::CurrentLanguage)),
        Refusal::NoCurrentLanguage { .. }
    ));
    f.record_set("chief@union.example", "12", StatusChange::CurrentLanguage)
        .unwrap();
    assert_eq!(status(&f, "12-ai"), Status::CurrentLanguage);
    let r = refusal(f.record_set("chief@union.example", "12", StatusChange::Open));
    assert!(r.to_string().contains("reopen"), "{r}");
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Reopen { agreed_by: vec![] },
    ));
    assert!(matches!(r, Refusal::ReopenNeedsEverySide { .. }), "{r:?}");
    f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Reopen {
            agreed_by: vec!["ai-lead@employer.example".into()],
        },
    )
    .unwrap();
    assert_eq!(status(&f, "12-ai"), Status::Open);
}

#[test]
fn ratified_only_after_a_ta_and_then_final() {
    let f = Fixture::new();
    f.two_articles();
    let ratify = || StatusChange::Ratified;
    let r = refusal(f.record_set("chief@union.example", "12", ratify()));
    assert!(
        r.to_string()
            .contains("only a tentative agreement can be ratified"),
        "{r}"
    );
    f.record_pass("ai-lead@union.example", "12", "union", "Words.\n")
        .unwrap();
    f.record_pass("ai-lead@employer.example", "12", "employer", "Words.\n")
        .unwrap();
    f.agree(
        "12",
        "chief@union.example",
        "ai-lead@employer.example",
        None,
    )
    .unwrap();
    f.record_set("chief@employer.example", "12", ratify())
        .unwrap();
    let a = article(&f, "12-ai");
    assert_eq!(a.status, Status::Ratified);
    assert_eq!(
        a.ratified,
        Some(f.today()),
        "ratified on the day it is recorded"
    );
    assert!(a.ta.is_some(), "the TA is kept through ratification");
    for change in [
        StatusChange::Open,
        StatusChange::Impasse,
        StatusChange::Reopen {
            agreed_by: vec!["chief@employer.example".into()],
        },
    ] {
        let r = refusal(f.record_set("chief@union.example", "12", change));
        assert!(r.to_string().contains("ratified"), "{r}");
    }
    assert!(matches!(
        refusal(f.record_pass("ai-lead@union.example", "12", "union", "Later.\n")),
        Refusal::TaGuard { .. }
    ));
}

#[test]
fn reopen_of_an_open_article_is_refused() {
    let f = Fixture::new();
    f.two_articles();
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Reopen {
            agreed_by: vec!["chief@employer.example".into()],
        },
    ));
    assert!(r.to_string().contains("already on the table"), "{r}");
}

// ---- tentative agreement ------------------------------------------------------------------

#[test]
fn ta_of_identical_texts_is_proposed_then_countersigned_and_writes_ta_md() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Agreed words.\n")
        .unwrap();
    f.record_pass(
        "ai-lead@employer.example",
        "12",
        "employer",
        "Agreed words.\n",
    )
    .unwrap();
    f.record_set("ai-lead@union.example", "12", ta(&[], None))
        .unwrap();
    // Proposed: signed for the union, still open, awaiting the employer.
    let a = article(&f, "12-ai");
    assert_eq!(a.status, Status::Open);
    let proposal = a.proposal.expect("a TA proposal");
    assert_eq!(proposal.signatories["union"], "ai-lead@union.example");
    assert!(!proposal.signatories.contains_key("employer"));
    assert!(f.head_message().contains("Bargain-Change: ta-proposed"));
    assert!(f.committed("proposals/12-ai/ta.md").is_none());
    // The proposer cannot finish it alone.
    let r = refusal(f.record_as("chief@union.example", &Request::new("12", Action::Sign)));
    assert!(matches!(r, Refusal::AlreadySigned { .. }), "{r:?}");

    f.record_as("chief@employer.example", &Request::new("12", Action::Sign))
        .unwrap();
    let a = article(&f, "12-ai");
    assert_eq!(a.status, Status::TentativelyAgreed);
    assert!(a.proposal.is_none());
    let agreement = a.ta.unwrap();
    assert_eq!(agreement.date.to_string(), "2025-06-03");
    assert_eq!(agreement.signatories["union"], "ai-lead@union.example");
    assert_eq!(agreement.signatories["employer"], "chief@employer.example");
    for side in ["union", "employer"] {
        assert_eq!(
            agreement.signatures[side].kind,
            SignatureKind::Countersigned,
            "{side}"
        );
    }
    let text = f.committed("proposals/12-ai/ta.md").unwrap();
    assert_eq!(text, "Agreed words.\n");
    assert_eq!(
        agreement.sha256.as_deref(),
        Some(TentativeAgreement::hash_of(text.as_bytes()).as_str())
    );
    let message = f.head_message();
    assert!(
        message.contains("Bargain-Status: tentatively-agreed"),
        "{message}"
    );
    assert!(
        message.contains("Bargain-Change: ta-countersigned"),
        "{message}"
    );
    assert!(message.starts_with("Tentative agreement on Article 12 — AI"));
    assert_eq!(f.porcelain(), "");
}

#[test]
fn a_countersignature_is_refused_once_the_proposed_text_changed() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "W.\n")
        .unwrap();
    f.record_pass("ai-lead@employer.example", "12", "employer", "W.\n")
        .unwrap();
    f.record_set("chief@union.example", "12", ta(&[], Some("union")))
        .unwrap();
    f.record_pass("ai-lead@union.example", "12", "union", "W, changed.\n")
        .unwrap();
    let r = refusal(f.record_as("chief@employer.example", &Request::new("12", Action::Sign)));
    assert!(matches!(r, Refusal::ProposalTextChanged { .. }), "{r:?}");
    // Nothing to countersign on an article without a proposal.
    let r = refusal(f.record_as("chief@employer.example", &Request::new("21", Action::Sign)));
    assert!(matches!(r, Refusal::NoProposal { .. }), "{r:?}");
}

#[test]
fn in_a_joint_table_the_other_sides_signatory_is_not_named_by_the_proposer() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "W.\n")
        .unwrap();
    f.record_pass("ai-lead@employer.example", "12", "employer", "W.\n")
        .unwrap();
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        ta(&["chief@employer.example"], None),
    ));
    assert!(
        r.to_string().contains("signs in a commit of their own"),
        "{r}"
    );
    assert_eq!(status(&f, "12-ai"), Status::Open);
}

#[test]
fn in_a_kept_table_a_ta_names_both_signatories_and_attests_the_other() {
    let f = Fixture::kept_by("union");
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "W.\n")
        .unwrap();
    f.record_as(
        "ai-lead@union.example",
        &received_request("12", "employer", "W.\n"),
    )
    .unwrap();
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        ta(&["chief@union.example"], None),
    ));
    assert!(matches!(r, Refusal::MissingSignatories { .. }), "{r:?}");
    assert!(r.to_string().contains("missing: for employer"), "{r}");
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        ta(&["chief@union.example", "ai-lead@union.example"], None),
    ));
    assert!(r.to_string().contains("both sign for union"), "{r}");
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        ta(&["chief@union.example", "member@employer.example"], None),
    ));
    assert!(r.to_string().contains("may sign"), "{r}");
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        ta(&["chief@union.example", "nobody@employer.example"], None),
    ));
    assert!(r.to_string().contains("not among the people"), "{r}");
    assert_eq!(status(&f, "12-ai"), Status::Open);
    // The employer's people do not record in the union's record.
    let r = refusal(f.record_pass("ai-lead@employer.example", "12", "employer", "x\n"));
    assert!(matches!(r, Refusal::NotAllowed { .. }), "{r:?}");

    f.record_set(
        "chief@union.example",
        "12",
        ta(&["chief@union.example", "chief@employer.example"], None),
    )
    .unwrap();
    let agreement = article(&f, "12-ai").ta.unwrap();
    assert_eq!(
        agreement.signatures["union"].kind,
        SignatureKind::Countersigned
    );
    let attested = &agreement.signatures["employer"];
    assert_eq!(attested.kind, SignatureKind::Attested);
    assert_eq!(attested.attested_by.as_deref(), Some("chief@union.example"));
    assert_eq!(status(&f, "12-ai"), Status::TentativelyAgreed);
}

#[test]
fn ta_of_differing_texts_needs_the_agreed_side_named() {
    let f = Fixture::new();
    f.two_articles();
    let r = refusal(f.record_set("chief@union.example", "12", ta(&[], None)));
    assert!(matches!(r, Refusal::TextsDiffer { .. }), "{r:?}");
    f.record_pass("ai-lead@union.example", "12", "union", "U.\n")
        .unwrap();
    let r = refusal(f.record_set("chief@union.example", "12", ta(&[], Some("employer"))));
    assert!(matches!(r, Refusal::NoAgreedText { .. }), "{r:?}");
    f.record_pass("ai-lead@employer.example", "12", "employer", "E.\n")
        .unwrap();
    let r = refusal(f.record_set("chief@union.example", "12", ta(&[], None)));
    assert!(
        matches!(&r.remedies()[..], [Remedy::NameAgreedText { sides }] if sides.len() == 2),
        "{r:?}"
    );
    f.agree(
        "12",
        "chief@union.example",
        "chief@employer.example",
        Some("employer"),
    )
    .unwrap();
    assert_eq!(
        f.committed("proposals/12-ai/ta.md").as_deref(),
        Some("E.\n")
    );
    assert!(
        f.head_message().contains("on Test Employer's text"),
        "{}",
        f.head_message()
    );
}

#[test]
fn pass_that_edits_ta_language_is_refused_unless_forced_and_then_flagged() {
    let f = Fixture::new();
    f.agreed_article();
    let head = f.head();
    let r = refusal(f.record_pass("ai-lead@union.example", "12", "union", "Changed.\n"));
    assert!(matches!(r, Refusal::TaGuard { .. }));
    assert!(r.overridable(), "{r:?}");
    assert!(
        !r.to_string().contains("--"),
        "no flag in the library's words: {r}"
    );
    assert_eq!(f.head(), head);
    let mut request = pass_request("12", "union", "Changed.\n");
    request.force = true;
    f.record_as("ai-lead@union.example", &request).unwrap();
    let message = f.head_message();
    assert!(message.contains("Bargain-Forced: yes"), "{message}");
    assert!(
        message.contains(
            "    Recorded as forced: this pass changes language tentatively agreed on 2025-06-04"
        ),
        "{message}"
    );
    assert_eq!(status(&f, "12-ai"), Status::TentativelyAgreed);
}

#[test]
fn reopening_a_ta_needs_both_sides_and_is_recorded_as_such() {
    let f = Fixture::new();
    f.agreed_article();
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Reopen { agreed_by: vec![] },
    ));
    assert!(r.to_string().contains("every side"), "{r}");
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Reopen {
            agreed_by: vec!["employer".into()],
        },
    ));
    assert!(r.to_string().contains("is a side, not a person"), "{r}");
    let r = refusal(f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Reopen {
            agreed_by: vec!["member@employer.example".into()],
        },
    ));
    assert!(matches!(r, Refusal::BadAgreement { .. }));
    f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Reopen {
            agreed_by: vec!["ai-lead@employer.example".into()],
        },
    )
    .unwrap();
    let message = f.head_message();
    assert!(
        message.contains("Bargain-Reopened-By: chief@union.example, ai-lead@employer.example"),
        "{message}"
    );
    assert!(message.contains("Bargain-Status: open"));
    let a = article(&f, "12-ai");
    assert_eq!(a.status, Status::Open);
    assert_eq!(a.ta, None);
    assert_eq!(f.committed("proposals/12-ai/ta.md"), None);
    assert!(!f.file("proposals/12-ai/ta.md").exists());
    assert_eq!(f.porcelain(), "");
    // Back on the table: passes are recorded again.
    f.record_pass("ai-lead@union.example", "12", "union", "New.\n")
        .unwrap();
}

#[test]
fn forced_reopen_without_the_other_side_is_flagged() {
    let f = Fixture::new();
    f.agreed_article();
    let mut request = set_request("12", StatusChange::Reopen { agreed_by: vec![] });
    request.force = true;
    f.record_as("chief@union.example", &request).unwrap();
    let message = f.head_message();
    assert!(message.contains("Bargain-Forced: yes"));
    assert!(message.contains("without the recorded agreement of employer"));
    assert_eq!(status(&f, "12-ai"), Status::Open);
}

#[test]
fn a_note_on_a_status_is_kept_in_article_yaml() {
    let f = Fixture::new();
    f.two_articles();
    let mut request = set_request("12", StatusChange::Impasse);
    request.note = Some("Parked until the wage package.".into());
    f.record_as("chief@employer.example", &request).unwrap();
    assert_eq!(
        article(&f, "12-ai").note.as_deref(),
        Some("Parked until the wage package.")
    );
}

// ---- the writer's refusals, through record ------------------------------------------------

#[test]
fn a_dirty_work_tree_is_never_clobbered() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Committed.\n")
        .unwrap();
    f.write("proposals/12-ai/union.md", "Half-typed edit.\n");
    let head = f.head();
    let w = write_refusal(f.record_pass("ai-lead@union.example", "12", "union", "Other.\n"));
    assert!(matches!(w, WriteError::Uncommitted(_)), "{w:?}");
    assert!(w.to_string().contains("proposals/12-ai/union.md"), "{w}");
    assert_eq!(f.head(), head);
    assert_eq!(
        std::fs::read_to_string(f.file("proposals/12-ai/union.md")).unwrap(),
        "Half-typed edit.\n"
    );
    // A staged change is also in the way of a status change that writes article.yaml.
    f.write(
        "proposals/12-ai/article.yaml",
        "number: 12\ntitle: AI!\ntopic: ai\nstatus: open\n",
    );
    f.git(&["add", "proposals/12-ai/article.yaml"]);
    let w = write_refusal(f.record_set("chief@union.example", "12", StatusChange::Impasse));
    assert!(matches!(w, WriteError::Uncommitted(_)));
    // The edit recorded as the pass itself is fine: the file already holds the new text.
    f.git(&["reset", "-q", "--hard"]);
    f.write("proposals/12-ai/union.md", "Typed in place.\n");
    f.record_pass("ai-lead@union.example", "12", "union", "Typed in place.\n")
        .unwrap();
    assert_eq!(f.porcelain(), "");
}

#[test]
fn refused_while_merging_locked_or_detached() {
    let f = Fixture::new();
    f.two_articles();
    let head = f.head();
    let git_dir = f.file(".git");

    std::fs::write(git_dir.join("MERGE_HEAD"), format!("{head}\n")).unwrap();
    let w = write_refusal(f.record_pass("ai-lead@union.example", "12", "union", "x\n"));
    assert!(matches!(w, WriteError::InProgress(_)), "{w:?}");
    std::fs::remove_file(git_dir.join("MERGE_HEAD")).unwrap();

    std::fs::create_dir_all(git_dir.join("rebase-merge")).unwrap();
    let w = write_refusal(f.record_pass("ai-lead@union.example", "12", "union", "x\n"));
    assert!(matches!(w, WriteError::InProgress(_)), "{w:?}");
    std::fs::remove_dir_all(git_dir.join("rebase-merge")).unwrap();

    std::fs::write(git_dir.join("index.lock"), "").unwrap();
    let w = write_refusal(f.record_pass("ai-lead@union.example", "12", "union", "x\n"));
    assert!(matches!(w, WriteError::Locked), "{w:?}");
    std::fs::remove_file(git_dir.join("index.lock")).unwrap();

    f.git(&["checkout", "-q", "--detach"]);
    let w = write_refusal(f.record_pass("ai-lead@union.example", "12", "union", "x\n"));
    assert!(matches!(w, WriteError::Detached), "{w:?}");
    f.git(&["checkout", "-q", "main"]);

    assert_eq!(f.head(), head);
    assert_eq!(f.porcelain(), "");
    f.record_pass("ai-lead@union.example", "12", "union", "x\n")
        .unwrap();
}

#[test]
fn a_plan_whose_branch_moved_underneath_is_refused() {
    let f = Fixture::new();
    f.two_articles();
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let history = History::build(&repo).unwrap();
    let actor = bargain_core::record::Actor {
        name: "AI".into(),
        email: "ai-lead@union.example".into(),
    };
    let plan = bargain_core::record::check(
        &repo,
        &snapshot,
        &history,
        &actor,
        f.today(),
        &pass_request("12", "union", "Mine.\n"),
    )
    .unwrap();
    // Someone else records in between.
    f.record_pass("ai-lead@employer.example", "12", "employer", "Theirs.\n")
        .unwrap();
    let moved = f.head();
    let w = bargain_core::record::apply(&repo, &plan).unwrap_err();
    assert!(matches!(w, WriteError::BranchMoved { .. }), "{w:?}");
    assert!(w.to_string().contains("reload and try again"));
    assert_eq!(f.head(), moved);
    assert_eq!(f.committed("proposals/12-ai/union.md"), None);
    assert_eq!(f.porcelain(), "");
}

#[test]
fn the_new_commit_extends_the_history_index_without_a_new_walk() {
    let f = Fixture::new();
    f.two_articles();
    let repo = f.repo();
    let mut history = History::build(&repo).unwrap();
    let walked = history.commits.len();
    let id = f
        .record_pass("ai-lead@union.example", "12", "union", "Text.\n")
        .unwrap();
    history
        .extend_to(&repo, id, &mut |_| std::ops::ControlFlow::Continue(()))
        .unwrap();
    assert_eq!(history.commits.len(), walked + 1);
    assert_eq!(history.head, Some(id));
    assert_eq!(history.passes("12-ai", "union").count(), 1);
}

// ---- the whole transition table -----------------------------------------------------------

/// Article 12 with a pass of each side, then brought into `status` by recording.
fn article_in(status: Status) -> Fixture {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .unwrap();
    f.record_pass(
        "ai-lead@employer.example",
        "12",
        "employer",
        "Agreed text.\n",
    )
    .unwrap();
    let chief = "chief@union.example";
    match status {
        Status::Open => {}
        Status::Impasse => {
            f.record_set(chief, "12", StatusChange::Impasse).unwrap();
        }
        Status::Withdrawn => {
            f.record_set(chief, "12", StatusChange::Withdrawn { by: None })
                .unwrap();
        }
        Status::CurrentLanguage => {
            f.record_set(chief, "12", StatusChange::CurrentLanguage)
                .unwrap();
        }
        Status::TentativelyAgreed | Status::Ratified => {
            f.agree("12", chief, "chief@employer.example", Some("employer"))
                .unwrap();
            if status == Status::Ratified {
                f.record_set(chief, "12", StatusChange::Ratified).unwrap();
            }
        }
    }
    assert_eq!(status_of(&f), status);
    f
}

fn status_of(f: &Fixture) -> Status {
    status(f, "12-ai")
}

#[test]
fn every_transition_is_allowed_or_refused_as_the_table_says() {
    let changes = || {
        vec![
            StatusChange::Open,
            StatusChange::Impasse,
            StatusChange::CurrentLanguage,
            StatusChange::Withdrawn { by: None },
            // Jointly kept: the recorder proposes; the other side countersigns later.
            ta(&[], Some("employer")),
            StatusChange::Ratified,
            StatusChange::Reopen {
                agreed_by: vec!["chief@employer.example".into()],
            },
        ]
    };
    let expected: [(Status, &[&str]); 6] = [
        (
            Status::Open,
            &[
                "impasse",
                "current-language",
                "withdrawn",
                "tentatively-agreed",
            ],
        ),
        (
            Status::Impasse,
            &[
                "open",
                "current-language",
                "withdrawn",
                "tentatively-agreed",
            ],
        ),
        (Status::Withdrawn, &["open"]),
        (Status::CurrentLanguage, &["reopen"]),
        (Status::TentativelyAgreed, &["ratified", "reopen"]),
        (Status::Ratified, &[]),
    ];
    for (from, allowed) in expected {
        let words: Vec<&str> = bargain_core::record::Verb::next(from)
            .iter()
            .map(|v| v.as_str())
            .collect();
        assert_eq!(words, allowed);
        let f = article_in(from);
        let repo = f.repo();
        let snapshot = repo.snapshot().unwrap();
        let history = History::build(&repo).unwrap();
        let actor = bargain_core::record::Actor {
            name: "chief".into(),
            email: "chief@union.example".into(),
        };
        for change in changes() {
            let word = change.verb().as_str();
            let result = bargain_core::record::check(
                &repo,
                &snapshot,
                &history,
                &actor,
                f.today(),
                &set_request("12", change.clone()),
            );
            if allowed.contains(&word) {
                let plan = result.unwrap_or_else(|r| panic!("{from} → {word}: {r}"));
                let trailer = match change.target() {
                    Status::TentativelyAgreed => "Bargain-Change: ta-proposed".to_string(),
                    target => format!("Bargain-Status: {target}"),
                };
                assert!(plan.message.contains(&trailer), "{}", plan.message);
            } else {
                let r = result.expect_err(&format!("{from} → {word} must be refused"));
                assert!(
                    matches!(r, Refusal::Transition { .. }),
                    "{from} → {word}: {r:?}"
                );
            }
        }
        // The allowed ones really commit (the first of them, on this fixture).
        if let Some(first) = changes()
            .into_iter()
            .find(|c| allowed.contains(&c.verb().as_str()))
        {
            let target = first.target();
            f.record_set("chief@union.example", "12", first).unwrap();
            if target == Status::TentativelyAgreed {
                f.record_as("chief@employer.example", &Request::new("12", Action::Sign))
                    .unwrap();
            }
            assert_eq!(status_of(&f), target);
            assert_eq!(f.porcelain(), "");
        }
    }
}

#[test]
fn each_role_may_set_status_as_documented() {
    let f = Fixture::new();
    f.two_articles();
    // (who, article, allowed)
    let cases = [
        ("chief@union.example", "12", true),
        ("chief@employer.example", "21", true),
        ("ai-lead@union.example", "12", true),
        ("ai-lead@employer.example", "12", true),
        ("ai-lead@union.example", "21", false),
        ("staffing-lead@employer.example", "21", true),
        ("staffing-lead@employer.example", "12", false),
        ("member@union.example", "12", false),
        ("member@employer.example", "21", false),
        ("secretary@union.example", "12", false),
        ("stranger@example.org", "12", false),
    ];
    for (who, article, allowed) in cases {
        let before = f.head();
        let result = f.record_set(who, article, StatusChange::Impasse);
        if allowed {
            result.unwrap_or_else(|e| panic!("{who} on {article}: {e}"));
            f.record_set(who, article, StatusChange::Open).unwrap();
        } else {
            let r = refusal(result);
            assert!(matches!(r, Refusal::NotAllowed { .. }), "{who}: {r:?}");
            assert!(r.to_string().contains("may record on article"), "{r}");
            assert_eq!(f.head(), before);
        }
    }
}

#[test]
fn a_number_carried_by_several_folders_is_refused_with_the_folders() {
    let f = Fixture::new();
    f.article("33-one", 33, "One", "ai", None);
    f.article("33-two", 33, "Two", "ai", None);
    let head = f.head();
    let r = refusal(f.record_set("chief@union.example", "33", StatusChange::Impasse));
    assert!(
        matches!(&r, Refusal::AmbiguousNumber { number: 33, folders } if folders.len() == 2),
        "{r:?}"
    );
    assert!(r.to_string().contains("33-one, 33-two"), "{r}");
    assert_eq!(f.head(), head, "nothing was recorded");
    // By its folder, it is found.
    f.record_set("chief@union.example", "33-two", StatusChange::Impasse)
        .unwrap();
}

#[test]
fn a_note_the_size_of_a_document_is_refused() {
    let f = Fixture::new();
    f.two_articles();
    let mut request = pass_request("12", "union", "Words.\n");
    request.note = Some("A long note. ".repeat(2_000));
    let r = refusal(f.record_as("ai-lead@union.example", &request));
    assert!(r.to_string().contains("a note may hold"), "{r}");
    request.note = Some("Handed across at 10:40.".into());
    f.record_as("ai-lead@union.example", &request).unwrap();
}
