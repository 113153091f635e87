//! Sessions, topics and articles added from the tool (`bargain session|topic|article`): one
//! commit each with trailers, the committee's comments in `bargaining.yaml` kept, and the rules'
//! refusals (overlaps, numbers taken, who may).

use crate::common::Fixture;

#[test]
fn a_session_is_added_as_one_commit_and_the_yaml_keeps_its_comments() {
    let f = Fixture::with_table(&crate::common::TABLE_YAML.replace(
        "sessions:\n",
        "# Dates agreed at the ground-rules meeting.\nsessions:\n",
    ));
    let run = f.run(&[
        "session",
        "add",
        "August session",
        "--from",
        "2025-08-05",
        "--to",
        "2025-08-07",
    ]);
    run.assert_exit(0);
    assert!(
        run.stdout
            .starts_with("Recorded: Session added: August session, 2025-08-05 to 2025-08-07"),
        "{}",
        run.stdout
    );
    let yaml = f.committed("bargaining.yaml").unwrap();
    assert!(
        yaml.contains("# Dates agreed at the ground-rules meeting."),
        "{yaml}"
    );
    assert!(
        yaml.contains("  - name: August session\n    start: 2025-08-05\n    end: 2025-08-07\n"),
        "{yaml}"
    );
    let message = f.head_message();
    assert!(
        message.contains("Bargain-Change: session-added"),
        "{message}"
    );
    assert_eq!(
        f.git(&["log", "-1", "--format=%ae"]).trim(),
        "chief@union.example"
    );
    assert_eq!(f.porcelain(), "");

    // The log reads it as what it is, not as a hand edit.
    let log = f.run(&["log"]);
    log.assert_exit(0);
    assert!(!log.stdout.contains("hand-made"), "{}", log.stdout);

    // A pass on one of its days is filed under it.
    f.two_articles();
    f.on("2025-08-06");
    std::fs::write(f.file("p.md"), "August words.\n").unwrap();
    let pass = f.run(&["pass", "12", "--side", "union", "--file", "p.md"]);
    pass.assert_exit(0);
    assert!(f.head_message().contains("Bargain-Session: 2025-08-05"));
    let list = f.run(&["session"]);
    list.assert_exit(0);
    assert!(
        list.stdout
            .contains("August session  2025-08-05 .. 2025-08-07  ← today"),
        "{}",
        list.stdout
    );
}

#[test]
fn sessions_that_overlap_run_backwards_or_repeat_a_name_are_refused() {
    let f = Fixture::new();
    let head = f.head();
    for (args, says) in [
        (
            ["Late June", "2025-06-05", "2025-06-06"],
            "overlaps `June session`",
        ),
        (
            ["Backwards", "2025-09-02", "2025-09-01"],
            "cannot end (2025-09-01) before it starts (2025-09-02)",
        ),
        (
            ["june SESSION", "2025-10-01", "2025-10-02"],
            "already has a session named",
        ),
    ] {
        let run = f.run(&[
            "session", "add", args[0], "--from", args[1], "--to", args[2],
        ]);
        run.assert_exit(1);
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert!(
            run.stderr.contains("nothing was recorded"),
            "{}",
            run.stderr
        );
    }
    let run = f.run(&[
        "session",
        "add",
        "X",
        "--from",
        "2025-13-01",
        "--to",
        "2025-13-02",
    ]);
    run.assert_exit(2);
    f.identity("member@union.example");
    let run = f.run(&[
        "session",
        "add",
        "Fall",
        "--from",
        "2025-10-01",
        "--to",
        "2025-10-02",
    ]);
    run.assert_exit(1);
    assert!(run.stderr.contains("is a member"), "{}", run.stderr);
    assert!(run.stderr.contains("may add sessions"), "{}", run.stderr);
    assert_eq!(f.head(), head, "nothing was committed");
    // A secretary keeps the calendar.
    f.identity("secretary@union.example");
    f.run(&[
        "session",
        "add",
        "Fall",
        "--from",
        "2025-10-01",
        "--to",
        "2025-10-02",
    ])
    .assert_exit(0);
}

#[test]
fn a_topic_is_added_with_its_own_sides_leads() {
    let f = Fixture::new();
    let run = f.run(&[
        "topic",
        "add",
        "benefits",
        "Health & welfare benefits",
        "--lead",
        "member@union.example",
    ]);
    run.assert_exit(0);
    let table = f.repo().snapshot().unwrap().table;
    let topic = table.topics.iter().find(|t| t.id == "benefits").unwrap();
    assert_eq!(topic.title, "Health & welfare benefits");
    assert_eq!(
        topic.leads["union"],
        vec!["member@union.example".to_string()]
    );
    assert!(f.head_message().contains("Bargain-Change: topic-added"));
    // The new lead may now record on the topic's articles.
    assert!(bargain_core::record::may_record(
        &table,
        "member@union.example",
        "benefits"
    ));

    for (args, says) in [
        (
            vec!["topic", "add", "benefits", "Again"],
            "already has a topic",
        ),
        (vec!["topic", "add", "Bad Id", "T"], "lowercase letters"),
        (
            vec![
                "topic",
                "add",
                "pay",
                "Pay",
                "--lead",
                "member@employer.example",
            ],
            "each side names its own leads",
        ),
        (
            vec!["topic", "add", "pay", "Pay", "--lead", "nobody@x.example"],
            "not among the people",
        ),
    ] {
        let run = f.run(&args);
        run.assert_exit(1);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    f.identity("ai-lead@union.example");
    let run = f.run(&["topic", "add", "pay", "Pay"]);
    run.assert_exit(1);
    assert!(run.stderr.contains("may add topics"), "{}", run.stderr);
    let list = f.run(&["topic"]);
    list.assert_exit(0);
    assert!(
        list.stdout.contains("benefits  Health & welfare benefits"),
        "{}",
        list.stdout
    );
}

#[test]
fn an_article_is_added_then_retitled_and_keeps_its_passes() {
    let f = Fixture::new();
    f.two_articles();
    std::fs::write(f.file("current.md"), "Today's contract words.\n").unwrap();
    let run = f.run(&[
        "article",
        "add",
        "44",
        "Workplace Violence Prevention",
        "--topic",
        "staffing",
        "--current",
        "current.md",
    ]);
    run.assert_exit(0);
    assert!(
        run.stdout.contains(
            "Article 44 — Workplace Violence Prevention added to Staffing & patient care"
        ),
        "{}",
        run.stdout
    );
    let id = "44-workplace-violence-prevention";
    let yaml = f
        .committed(&format!("proposals/{id}/article.yaml"))
        .unwrap();
    assert!(yaml.contains("status: open"), "{yaml}");
    assert_eq!(
        f.committed(&format!("proposals/{id}/current.md"))
            .as_deref(),
        Some("Today's contract words.\n")
    );
    let message = f.head_message();
    assert!(
        message.contains(&format!("Bargain-Article: {id}")),
        "{message}"
    );
    assert!(
        message.contains("Bargain-Change: article-added"),
        "{message}"
    );

    for (args, says) in [
        (
            vec!["article", "add", "12", "Another", "--topic", "ai"],
            "article number 12 is already used by 12-ai",
        ),
        (
            vec!["article", "add", "45", "Pay", "--topic", "economics"],
            "no topic `economics`",
        ),
    ] {
        let run = f.run(&args);
        run.assert_exit(1);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }

    // The lead of the topic passes, retitles; the passes stay with the article.
    f.identity("staffing-lead@union.example");
    std::fs::write(f.file("p.md"), "Union words.\n").unwrap();
    f.run(&["pass", "44", "--side", "union", "--file", "p.md"])
        .assert_exit(0);
    let run = f.run(&["article", "retitle", "44", "Violence Prevention"]);
    run.assert_exit(0);
    assert!(
        run.stdout
            .contains("Article 44 retitled: Workplace Violence Prevention → Violence Prevention"),
        "{}",
        run.stdout
    );
    assert!(
        f.head_message()
            .contains("Bargain-Change: article-retitled")
    );
    let status = f.run(&["status", "--format", "csv"]);
    status.assert_exit(0);
    let row = status
        .stdout
        .lines()
        .find(|l| l.starts_with("44,"))
        .unwrap_or_else(|| panic!("{}", status.stdout));
    assert!(row.contains("Violence Prevention"), "{row}");
    assert!(!row.contains("Workplace"), "{row}");
    let log = f.run(&["log", "44"]);
    log.assert_exit(0);
    assert!(log.stdout.contains("pass 1"), "{}", log.stdout);
    assert!(!log.stdout.contains("hand-made"), "{}", log.stdout);
    // Another topic's lead may not.
    f.identity("ai-lead@union.example");
    f.run(&["article", "retitle", "44", "Mine"]).assert_exit(1);
}
