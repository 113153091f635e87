//! Reading a table: the tracker, the history index, and every kind of bad input.

use crate::common::{Fixture, Run};
use bargain::store::History;

#[test]
fn passes_are_numbered_per_side_and_whose_move_follows_the_last_pass() {
    let f = Fixture::new();
    f.article("12-ai", 12, "AI", "ai", Some("Old text.\n"));
    f.pass(
        "12-ai",
        "union",
        "Union text one.\n",
        "ai-lead@union.example",
    );
    f.pass(
        "12-ai",
        "employer",
        "Employer text one.\n",
        "ai-lead@employer.example",
    );
    f.pass(
        "12-ai",
        "union",
        "Union text two.\n",
        "ai-lead@union.example",
    );
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let history = History::build(&repo).unwrap();
    let rows = bargain::tracker::rows(&snapshot, &history, None);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].progress.passes["union"], 2);
    assert_eq!(rows[0].progress.passes["employer"], 1);
    assert_eq!(rows[0].whose_move.as_deref(), Some("employer"));
}

// ---------------------------------------------------------------------------------------------
// Bad input (issue 2). The rule: exit non-zero only when nothing can be shown, never a panic,
// every error names the file (and line and column where there is one) and what was expected,
// and one broken article never stops the others from loading.
// ---------------------------------------------------------------------------------------------

/// A table with one clean article (21, staffing) that must keep loading whatever else is broken.
fn table_with_a_good_article() -> Fixture {
    let f = Fixture::new();
    f.article("21-staffing", 21, "Joint Staffing", "staffing", None);
    f.pass(
        "21-staffing",
        "union",
        "Staffing plans are joint.\n",
        "staffing-lead@union.example",
    );
    f
}

/// Commits `article.yaml` of a broken article 12 as given, runs `status`, and checks that it
/// exits 1, lists both articles, and names the problem with `expected` in the line.
fn broken_article_yaml_is_named(yaml: &str, expected: &[&str]) -> Run {
    let f = table_with_a_good_article();
    f.commit_as(
        "chief@union.example",
        &[("proposals/12-ai/article.yaml", Some(yaml))],
        "A broken article",
    );
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(
        run.stdout.contains("Joint Staffing"),
        "the good article still loads:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.lines().any(|l| l.starts_with("12 ")),
        "the broken article is listed:\n{}",
        run.stdout
    );
    let problems = run.lines("problem: ");
    let named = problems
        .iter()
        .find(|p| p.starts_with("proposals/12-ai/article.yaml"))
        .unwrap_or_else(|| panic!("no problem names the file: {problems:?}"));
    for word in expected {
        assert!(named.contains(word), "`{word}` missing from: {named}");
    }
    assert!(
        !problems.iter().any(|p| p.contains("21-staffing")),
        "the good article has no problem: {problems:?}"
    );
    run
}

#[test]
fn outside_a_repository_status_says_to_run_init_and_exits_2() {
    let f = Fixture::bare_dir();
    let run = f.run(&["status"]);
    run.assert_exit(2);
    assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
    assert!(
        run.stderr.contains("not inside a git repository"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("bargain init"), "{}", run.stderr);
}

#[test]
fn repository_without_a_committed_table_says_how_to_start() {
    let f = Fixture::bare_dir();
    f.git(&["init", "-q", "-b", "main"]);
    f.git(&["config", "user.name", "Someone"]);
    f.git(&["config", "user.email", "someone@example.org"]);
    f.write("notes.txt", "not a table\n");
    f.commit_by_hand("Some unrelated work");
    // A bargaining.yaml in the work tree that is not committed is not the table either.
    f.write("bargaining.yaml", crate::common::TABLE_YAML);
    let run = f.run(&["status"]);
    run.assert_exit(2);
    assert!(
        run.stderr.contains("no bargaining.yaml is committed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("bargain init"), "{}", run.stderr);
}

#[test]
fn empty_repository_says_there_are_no_commits_and_init_starts_one() {
    let f = Fixture::empty_repo();
    let run = f.run(&["status"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("no commits yet"), "{}", run.stderr);
    assert!(run.stderr.contains("bargain init"), "{}", run.stderr);
    assert!(matches!(
        f.repo().snapshot(),
        Err(bargain::store::StoreError::Empty(_))
    ));
    f.run(&["init"]).assert_exit(0);
    f.run(&["status"]).assert_exit(0);
}

#[test]
fn malformed_table_yaml_names_file_line_and_column() {
    let broken = crate::common::TABLE_YAML.replacen(
        "name: Test Table\n",
        "name: Test Table\n  oops: : [\n",
        1,
    );
    let f = Fixture::with_table(&broken);
    let run = f.run(&["status"]);
    run.assert_exit(2);
    assert!(
        run.stdout.is_empty(),
        "nothing can be shown: {}",
        run.stdout
    );
    let message = run.stderr.trim();
    assert!(
        message.starts_with("bargain: bargaining.yaml:3:"),
        "file:line:col first: {message}"
    );
    match f.repo().snapshot() {
        Err(bargain::store::StoreError::BadTable(p)) => {
            assert_eq!(p.file, "bargaining.yaml");
            assert_eq!(p.line, Some(3));
            assert!(p.column.is_some());
        }
        other => panic!("expected a bad table, got {other:?}"),
    }
}

#[test]
fn table_with_a_misspelled_key_names_the_key_and_what_was_expected() {
    let broken = crate::common::TABLE_YAML.replacen("sessions:", "sesions:", 1);
    let f = Fixture::with_table(&broken);
    let run = f.run(&["status"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("bargaining.yaml:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown field `sesions`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`sessions`"),
        "what was expected: {}",
        run.stderr
    );
}

#[test]
fn malformed_article_yaml_names_file_line_and_column_and_the_rest_load() {
    let run = broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: ai\n  status: : open\n",
        &["article.yaml:4:"],
    );
    assert!(run.stdout.contains("unreadable"), "{}", run.stdout);
}

#[test]
fn unknown_status_is_named_with_the_statuses_expected() {
    broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: ai\nstatus: agreed\n",
        &["article.yaml:4:", "`agreed`", "tentatively-agreed"],
    );
}

#[test]
fn unknown_topic_is_named_with_the_table_topics() {
    let run = broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: robots\nstatus: open\n",
        &["unknown topic `robots`", "ai, staffing"],
    );
    // The article itself is readable: its title is shown.
    assert!(run.stdout.contains("AI"), "{}", run.stdout);
}

#[test]
fn unknown_side_in_withdrawn_by_is_named() {
    broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: ai\nstatus: withdrawn\nwithdrawn_by: management\n",
        &["withdrawn_by", "`management`", "union, employer"],
    );
}

#[test]
fn unknown_side_among_ta_signatories_is_named() {
    broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: ai\nstatus: tentatively-agreed\nta:\n  date: 2025-06-04\n  signatories: { union: chief@union.example, bosses: chief@employer.example }\n",
        &["signatory", "`bosses`", "union, employer"],
    );
}

#[test]
fn misspelled_key_in_article_yaml_is_named_with_the_keys_expected() {
    broken_article_yaml_is_named(
        "number: 12\ntitel: AI\ntopic: ai\nstatus: open\n",
        &["article.yaml:2:", "unknown field `titel`", "`title`"],
    );
}

#[test]
fn pass_file_of_an_unknown_side_is_named() {
    let f = table_with_a_good_article();
    f.article("12-ai", 12, "AI", "ai", None);
    f.pass(
        "12-ai",
        "management",
        "Our text.\n",
        "chief@employer.example",
    );
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(run.stdout.contains("Joint Staffing"), "{}", run.stdout);
    let problems = run.lines("problem: ");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("proposals/12-ai/management.md")
                && p.contains("`management`")
                && p.contains("union, employer")),
        "{problems:?}"
    );
}

#[test]
fn broken_article_is_listed_and_the_rest_still_load() {
    let f = table_with_a_good_article();
    f.commit_as(
        "chief@union.example",
        &[
            ("proposals/12-ai/article.yaml", Some("number: [\n")),
            (
                "proposals/13-x/article.yaml",
                Some("number: 13\ntitle: X\ntopic: ai\nstatus: nope\n"),
            ),
            ("proposals/14-y/current.md", Some("No article.yaml here.\n")),
            ("proposals/15-z/article.yaml", Some("")),
        ],
        "Four broken articles",
    );
    let repo = f.repo();
    let snapshot = repo.snapshot().expect("the table loads");
    let ids: Vec<&str> = snapshot.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["12-ai", "13-x", "14-y", "15-z", "21-staffing"]);
    for broken in &snapshot.articles[..4] {
        assert!(broken.article.is_none(), "{}", broken.id);
        assert!(!broken.problems.is_empty(), "{}", broken.id);
    }
    assert!(snapshot.articles[2].problems[0].message.contains("missing"));
    let good = &snapshot.articles[4];
    assert!(good.problems.is_empty(), "{:?}", good.problems);
    assert_eq!(good.article.as_ref().map(|a| a.number), Some(21));

    let run = f.run(&["status"]);
    run.assert_exit(1);
    for number in ["12 ", "13 ", "14 ", "15 ", "21 "] {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(number)),
            "row {number}missing:\n{}",
            run.stdout
        );
    }
    assert_eq!(run.lines("problem: ").len(), 4, "{}", run.stderr);
}

#[test]
fn two_articles_with_one_number_are_both_flagged_and_both_listed() {
    let f = table_with_a_good_article();
    f.article("12-ai", 12, "AI", "ai", None);
    f.article("12-robots", 12, "Robots", "ai", None);
    let snapshot = f.repo().snapshot().unwrap();
    let twelves: Vec<_> = snapshot
        .articles
        .iter()
        .filter(|a| a.number() == Some(12))
        .collect();
    assert_eq!(twelves.len(), 2);
    assert!(twelves[0].problems[0].message.contains("12-robots"));
    assert!(twelves[1].problems[0].message.contains("12-ai"));

    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(
        run.stdout.contains("AI") && run.stdout.contains("Robots"),
        "{}",
        run.stdout
    );
    let problems = run.lines("problem: ");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("proposals/12-ai/article.yaml")
                && p.contains("number 12 is also used by 12-robots"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("proposals/12-robots/article.yaml")
                && p.contains("number 12 is also used by 12-ai"))
    );
}

#[test]
fn text_that_is_not_utf8_is_named_with_file_and_line_and_status_still_works() {
    let f = table_with_a_good_article();
    f.article("12-ai", 12, "AI", "ai", None);
    f.commit_bytes_as(
        "ai-lead@union.example",
        &[(
            "proposals/12-ai/union.md",
            Some(b"First line.\nSecond \xff\xfe line.\n".as_slice()),
        )],
        "A pass saved in the wrong encoding",
    );
    f.commit_bytes_as(
        "ai-lead@employer.example",
        &[(
            "proposals/12-ai/employer.md",
            Some(b"One.\nTwo.\nThree \x00\x01\x02 binary\n".as_slice()),
        )],
        "A binary file as a pass",
    );
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let entry = snapshot.find("12").unwrap();
    let not_utf8 = repo
        .text(entry.passes["union"], &entry.path("union.md"))
        .unwrap_err();
    assert_eq!(not_utf8.file, "proposals/12-ai/union.md");
    assert_eq!((not_utf8.line, not_utf8.column), (Some(2), Some(8)));
    assert!(
        not_utf8
            .to_string()
            .starts_with("proposals/12-ai/union.md:2:8: ")
    );
    assert!(not_utf8.message.contains("UTF-8"));
    let binary = repo
        .text(entry.passes["employer"], &entry.path("employer.md"))
        .unwrap_err();
    assert_eq!(binary.file, "proposals/12-ai/employer.md");
    assert_eq!(binary.line, Some(3));
    assert!(binary.message.contains("binary"));

    let run = f.run(&["status"]);
    run.assert_exit(0);
    assert!(run.stdout.contains("Joint Staffing"), "{}", run.stdout);
    let row = run.stdout.lines().find(|l| l.starts_with("12 ")).unwrap();
    assert!(row.contains("open"), "{row}");
}

#[test]
fn article_yaml_that_is_not_utf8_is_named_and_the_rest_load() {
    let f = table_with_a_good_article();
    f.commit_bytes_as(
        "chief@union.example",
        &[(
            "proposals/12-ai/article.yaml",
            Some(b"number: 12\ntitle: Caf\xe9\ntopic: ai\nstatus: open\n".as_slice()),
        )],
        "Latin-1 by mistake",
    );
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(run.stdout.contains("Joint Staffing"));
    let problems = run.lines("problem: ");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("proposals/12-ai/article.yaml:2:11: ") && p.contains("UTF-8")),
        "{problems:?}"
    );
}

#[test]
fn symlinked_article_folder_is_flagged_and_never_followed() {
    let f = table_with_a_good_article();
    // A real folder outside proposals/ that looks like an article.
    f.write(
        "elsewhere/article.yaml",
        "number: 99\ntitle: Smuggled\ntopic: ai\nstatus: open\n",
    );
    f.symlink("../elsewhere", "proposals/99-smuggled");
    f.commit_by_hand("ln -s an article folder");
    let snapshot = f.repo().snapshot().unwrap();
    assert!(
        snapshot.find("99").is_none(),
        "a symlinked folder is not read"
    );
    assert!(
        snapshot
            .problems
            .iter()
            .any(|p| p.file == "proposals/99-smuggled" && p.message.contains("symbolic link"))
    );
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(!run.stdout.contains("Smuggled"), "{}", run.stdout);
    assert!(run.stdout.contains("Joint Staffing"));
    assert!(
        run.lines("problem: ")
            .iter()
            .any(|p| p.starts_with("proposals/99-smuggled: ") && p.contains("symbolic link")),
        "{}",
        run.stderr
    );
}

#[test]
fn symlinked_file_inside_an_article_is_flagged_and_never_read() {
    let f = table_with_a_good_article();
    f.article("12-ai", 12, "AI", "ai", None);
    f.symlink("../21-staffing/union.md", "proposals/12-ai/union.md");
    f.symlink("../21-staffing/article.yaml", "proposals/12-ai/current.md");
    f.commit_by_hand("ln -s files of another article");
    let snapshot = f.repo().snapshot().unwrap();
    let entry = snapshot.find("12").unwrap();
    assert!(entry.passes.is_empty(), "{:?}", entry.passes);
    assert_eq!(entry.current, None);
    let flagged: Vec<&str> = entry.problems.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        flagged,
        ["proposals/12-ai/current.md", "proposals/12-ai/union.md"]
    );
    f.run(&["status"]).assert_exit(1);
}

#[test]
fn paths_that_would_leave_the_repository_are_flagged_and_never_followed() {
    let f = table_with_a_good_article();
    f.symlink("../../etc", "proposals/50-etc");
    f.symlink("/etc", "proposals/51-root-etc");
    f.article("12-ai", 12, "AI", "ai", None);
    f.symlink("../../../../../../etc/passwd", "proposals/12-ai/union.md");
    f.symlink("/etc/hostname", "proposals/12-ai/ta.md");
    f.commit_by_hand("ln -s out of the repository");
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(!run.stdout.contains("root:"), "{}", run.stdout);
    let problems = run.lines("problem: ");
    for file in [
        "proposals/50-etc: ",
        "proposals/51-root-etc: ",
        "proposals/12-ai/union.md: ",
        "proposals/12-ai/ta.md: ",
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(file) && p.contains("symbolic link")),
            "{file} not flagged: {problems:?}"
        );
    }
    let snapshot = f.repo().snapshot().unwrap();
    let entry = snapshot.find("12").unwrap();
    assert!(entry.passes.is_empty() && entry.ta.is_none());
}

#[test]
fn symlinked_table_file_is_refused_not_followed() {
    let f = Fixture::bare_dir();
    f.git(&["init", "-q", "-b", "main"]);
    f.git(&["config", "user.name", "Someone"]);
    f.git(&["config", "user.email", "someone@example.org"]);
    f.write("real.yaml", crate::common::TABLE_YAML);
    f.symlink("real.yaml", "bargaining.yaml");
    f.commit_by_hand("the table file as a link");
    let run = f.run(&["status"]);
    run.assert_exit(2);
    assert!(
        run.stderr.starts_with("bargain: bargaining.yaml: ")
            && run.stderr.contains("symbolic link"),
        "{}",
        run.stderr
    );
}

#[test]
fn symlinked_proposals_folder_is_flagged_and_the_table_still_shows() {
    let f = Fixture::new();
    f.write(
        "elsewhere/12-ai/article.yaml",
        "number: 12\ntitle: Smuggled\ntopic: ai\nstatus: open\n",
    );
    f.symlink("elsewhere", "proposals");
    f.commit_by_hand("proposals as a link");
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(run.stdout.contains("Test Table"));
    assert!(!run.stdout.contains("Smuggled"));
    assert!(
        run.lines("problem: ")
            .iter()
            .any(|p| p.starts_with("proposals: ") && p.contains("symbolic link")),
        "{}",
        run.stderr
    );
}
