//! Reading a table: the tracker, the history index, and every kind of bad input.

use crate::common::{Fixture, Run};
use bargain_core::store::History;

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
    let rows = bargain_core::tracker::rows(&snapshot, &history, None);
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

/// The cells of article `number`'s row in `status`'s text table (columns are 2+ spaces apart).
fn row_cells(stdout: &str, number: u32) -> Vec<String> {
    let prefix = format!("{number} ");
    let row = stdout
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no row {number} in:\n{stdout}"));
    row.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

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
    // One problem line names the file and says all of `expected`.
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("proposals/12-ai/article.yaml")
                && expected.iter().all(|word| p.contains(word))),
        "no problem names the file with {expected:?}: {problems:?}"
    );
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
        Err(bargain_core::store::StoreError::Empty(_))
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
        Err(bargain_core::store::StoreError::BadTable(p)) => {
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
fn table_inconsistencies_are_listed_and_the_articles_still_load() {
    let table = crate::common::TABLE_YAML
        .replacen(
            "email: member@union.example, side: union",
            "email: member@union.example, side: unoin",
            1,
        )
        .replacen("end: 2025-07-17", "end: 2025-07-01", 1);
    let f = Fixture::with_table(&table);
    f.article("21-staffing", 21, "Joint Staffing", "staffing", None);
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(run.stdout.contains("Joint Staffing"), "{}", run.stdout);
    let problems = run.lines("problem: ");
    assert!(
        problems.iter().any(|p| p.starts_with("bargaining.yaml: ")
            && p.contains("member@union.example")
            && p.contains("`unoin`")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("bargaining.yaml: ")
            && p.contains("July session")
            && p.contains("before it starts")),
        "{problems:?}"
    );
}

#[test]
fn bargain_without_a_command_shows_the_tracker() {
    let f = table_with_a_good_article();
    let bare = f.run(&[]);
    bare.assert_exit(0);
    assert_eq!(bare.stdout, f.run(&["status"]).stdout);
    // From a folder inside the repository too.
    let inside = f.run_in("proposals/21-staffing", &["status"]);
    inside.assert_exit(0);
    assert_eq!(inside.stdout, bare.stdout);
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
    let run = broken_article_yaml_is_named(
        "number: 12\ntitle: Artificial Intelligence\ntopic: ai\nstatus: agreed\n",
        &["article.yaml:4:", "`agreed`", "tentatively-agreed"],
    );
    // The title is still readable, so the broken row is recognisable in the list.
    assert!(
        run.stdout.contains("Artificial Intelligence"),
        "{}",
        run.stdout
    );
}

#[test]
fn ta_without_its_record_or_a_signatory_is_named() {
    broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: ai\nstatus: tentatively-agreed\n",
        &["status is tentatively-agreed but there is no `ta:`"],
    );
    broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: ai\nstatus: tentatively-agreed\nta:\n  date: 2025-06-04\n  signatories: { union: chief@union.example }\n",
        &["the TA has no signatory for `employer`"],
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
fn ta_signatory_who_is_not_a_person_of_that_side_is_named() {
    broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: ai\nstatus: tentatively-agreed\nta:\n  date: 2025-06-04\n  signatories: { union: stranger@example.org, employer: chief@employer.example }\n",
        &["stranger@example.org", "not among the people"],
    );
    broken_article_yaml_is_named(
        "number: 12\ntitle: AI\ntopic: ai\nstatus: tentatively-agreed\nta:\n  date: 2025-06-04\n  signatories: { union: chief@employer.example, employer: ai-lead@employer.example }\n",
        &[
            "chief@employer.example",
            "signs for `union` but belongs to `employer`",
        ],
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

    // Status still shows the table, and names both files as problems (exit 1).
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(run.stdout.contains("Joint Staffing"), "{}", run.stdout);
    // Both problems are the article's, and neither text counts as a pass.
    assert_eq!(row_cells(&run.stdout, 12)[3], "open (2 problems)");
    assert!(
        run.stderr
            .contains("problem: proposals/12-ai/union.md:2:8: is not UTF-8 text"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("problem: proposals/12-ai/employer.md:3: is binary"),
        "{}",
        run.stderr
    );
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

/// A table whose every name carries terminal control sequences: ESC [ 2J (clear screen), OSC 52
/// (write the clipboard), C1 CSI (U+009B), DEL, and a bidi override.
const HOSTILE_TABLE: &str = r#"format: 1
name: "Evil\e[2J Table\e]52;c;cm0gLXJmIH4=\a"
sides:
  - id: union
    name: "Union\e]52;c;cm0gLXJmIH4=\a"
  - id: "em\e[2Jployer"
    name: "Employer\x9b31m"
topics:
  - id: ai
    title: "AI\e[31m red\x9b2J\x7f\u202e"
people:
  - { name: "Chief\e[2J", email: chief@union.example, side: union, roles: [chief-negotiator] }
sessions:
  - { name: "June\e[2J", start: 2025-06-03, end: 2025-06-05 }
"#;

fn assert_no_control_sequences(run: &Run, format: &str) {
    let raw = &run.raw;
    let bad = [
        ("ESC", &b"\x1b"[..]),
        ("BEL", &b"\x07"[..]),
        ("DEL", &b"\x7f"[..]),
        ("C1 CSI", "\u{9b}".as_bytes()),
        ("RLO", "\u{202e}".as_bytes()),
    ];
    for (name, bytes) in bad {
        assert!(
            !raw.windows(bytes.len()).any(|w| w == bytes),
            "raw {name} printed by status --format {format}:\n{}{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn terminal_escape_sequences_are_never_printed_raw_in_any_format() {
    let f = Fixture::with_table(HOSTILE_TABLE);
    let evil_folder = "12-\u{1b}[2Jai\u{9b}1m";
    f.commit_as(
        "chief@union.example",
        &[
            (
                &format!("proposals/{evil_folder}/article.yaml"),
                Some(
                    "number: 12\ntitle: \"Title\\e]52;c;cm0gLXJmIH4=\\a\\e[2J\\x9b\"\ntopic: ai\nstatus: open\nnote: \"\\e[2J\"\n",
                ),
            ),
            (
                &format!("proposals/{evil_folder}/em\u{1b}[2Jployer.md"),
                Some("Their text.\n"),
            ),
            (
                "proposals/13-plain/article.yaml",
                Some("number: 13\ntitle: Plain\ntopic: \"a\\e[2Ji\"\nstatus: open\n"),
            ),
            (
                "proposals/13-plain/\u{1b}]52;c;eA==\u{7}.md",
                Some("A file named with OSC 52.\n"),
            ),
        ],
        "Names with control sequences",
    );
    // Uncommitted work-tree files with hostile names show up in a note.
    f.write("proposals/13-plain/\u{1b}[2Jnote.md", "draft\n");
    for format in ["table", "md", "csv", "json"] {
        let run = f.run(&["status", "--format", format]);
        run.assert_exit(1);
        assert_no_control_sequences(&run, format);
        assert!(run.stdout.contains("Title"), "{format}: {}", run.stdout);
        assert!(
            run.stderr.contains("note: not yet recorded"),
            "{format}: {}",
            run.stderr
        );
        match format {
            "json" => {
                let value: serde_json::Value =
                    serde_json::from_str(&run.stdout).expect("status --format json is JSON");
                // JSON escaping keeps the text exact for a program to read.
                assert_eq!(
                    value["table"],
                    "Evil\u{1b}[2J Table\u{1b}]52;c;cm0gLXJmIH4=\u{7}"
                );
                assert_eq!(
                    value["articles"][0]["title"],
                    "Title\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J\u{9b}"
                );
                assert_eq!(value["articles"][0]["id"], evil_folder);
            }
            // CSV has no table name; the title shows the sequences visibly.
            "csv" => assert!(
                run.stdout
                    .contains("Title^[]52;c;cm0gLXJmIH4=^G^[[2J<U+009B>"),
                "{format}: shown visibly: {}",
                run.stdout
            ),
            _ => assert!(
                run.stdout.contains("Evil^[[2J Table^[]52;c;cm0gLXJmIH4=^G"),
                "{format}: shown visibly: {}",
                run.stdout
            ),
        }
    }
    // Problems (stderr) name the hostile files visibly.
    let run = f.run(&["status"]);
    assert!(
        run.stderr.contains("proposals/12-^[[2Jai<U+009B>1m/"),
        "{}",
        run.stderr
    );
}

#[test]
fn repository_text_cannot_forge_problem_or_note_lines() {
    let f = table_with_a_good_article();
    f.commit_as(
        "chief@union.example",
        &[(
            "proposals/12-ai/article.yaml",
            Some(
                "number: 12\ntitle: AI\ntopic: ai\nstatus: \"open\\nproblem: none, all is well\"\n",
            ),
        )],
        "A status with a newline in it",
    );
    f.write(
        "proposals/21-staffing/x\nnote: everything is recorded.md",
        "draft\n",
    );
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert_eq!(run.lines("problem: ").len(), 1, "{}", run.stderr);
    assert_eq!(run.lines("note: ").len(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .all(|l| l.starts_with("problem: ") || l.starts_with("note: ")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("^Jproblem: none"), "{}", run.stderr);
}

#[test]
fn damaged_article_folder_is_listed_and_the_rest_still_load() {
    let f = table_with_a_good_article();
    f.article("12-ai", 12, "AI", "ai", None);
    let repo = f.repo();
    let tree = repo
        .git
        .head()
        .unwrap()
        .peel_to_tree()
        .unwrap()
        .get_path(std::path::Path::new("proposals/12-ai"))
        .unwrap()
        .id()
        .to_string();
    drop(repo);
    // The fixture's objects are loose: remove the folder's tree object.
    std::fs::remove_file(f.file(&format!(".git/objects/{}/{}", &tree[..2], &tree[2..]))).unwrap();

    let snapshot = f.repo().snapshot().expect("the table still loads");
    let damaged = snapshot.find("12-ai").expect("listed");
    assert!(damaged.problems[0].message.contains("git fsck"));
    assert!(snapshot.find("21").unwrap().article.is_some());

    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(run.stdout.contains("Joint Staffing"), "{}", run.stdout);
    let problems = run.lines("problem: ");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("proposals/12-ai: cannot be read")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("the history cannot be read")),
        "{problems:?}"
    );
}

#[test]
fn a_10_mb_article_loads_and_does_not_slow_the_others() {
    use std::time::{Duration, Instant};
    let f = Fixture::new();
    for n in 0..12u32 {
        let id = format!("{}-article", 20 + n);
        f.article(
            &id,
            20 + n,
            &format!("Article {n}"),
            "staffing",
            Some("Old.\n"),
        );
        f.pass(
            &id,
            "union",
            &format!("Union {n}.\n"),
            "staffing-lead@union.example",
        );
        f.pass(
            &id,
            "employer",
            &format!("Employer {n}.\n"),
            "staffing-lead@employer.example",
        );
    }
    // Fastest of several runs: two cores are shared, the minimum is the honest figure.
    let load = || {
        (0..7)
            .map(|_| {
                let start = Instant::now();
                let repo = f.repo();
                let snapshot = repo.snapshot().unwrap();
                let history = History::build(&repo).unwrap();
                assert!(bargain_core::tracker::rows(&snapshot, &history, None).len() >= 12);
                start.elapsed()
            })
            .min()
            .unwrap()
    };
    let without = load();

    let paragraph =
        "The employer shall staff every unit according to the joint plan. ".repeat(16) + "\n\n";
    let big = paragraph.repeat(10 * 1024 * 1024 / paragraph.len() + 1);
    assert!(big.len() >= 10 * 1024 * 1024);
    f.article("12-big", 12, "Big", "ai", Some(&big));
    f.pass("12-big", "union", &big, "ai-lead@union.example");
    let mut edited = big.clone();
    edited.push_str("One more sentence.\n");
    f.pass("12-big", "employer", &edited, "ai-lead@employer.example");
    let with = load();

    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let entry = snapshot.find("12-big").unwrap();
    let start = Instant::now();
    let text = repo
        .text(entry.passes["employer"], &entry.path("employer.md"))
        .unwrap();
    let read_big = start.elapsed();
    assert_eq!(text, edited);
    let history = History::build(&repo).unwrap();
    let progress = history.progress("12-big", &snapshot.table.sides);
    assert_eq!(
        (progress.passes["union"], progress.passes["employer"]),
        (1, 1)
    );
    let start = Instant::now();
    let run = f.run(&["status"]);
    let status_big = start.elapsed();
    run.assert_exit(0);
    assert!(run.stdout.contains("Big"));

    eprintln!(
        "10 MB article: snapshot + history of 13 articles {with:?} (12 without it: {without:?}); \
         reading the 10 MB text {read_big:?}; bargain status {status_big:?}"
    );
    assert!(
        with <= without * 5 + Duration::from_millis(20),
        "the 10 MB article slowed loading from {without:?} to {with:?}"
    );
    assert!(with < Duration::from_secs(2), "loading took {with:?}");
}

#[test]
fn detached_head_is_shown_with_a_note() {
    let f = table_with_a_good_article();
    let first = f.head();
    f.pass(
        "21-staffing",
        "employer",
        "Counter.\n",
        "staffing-lead@employer.example",
    );
    f.git(&["checkout", "-q", "--detach", &first.to_string()]);
    let repo = f.repo();
    let head = repo.head().unwrap();
    assert_eq!((head.branch.as_deref(), head.commit), (None, first));
    let notes = repo.notes(&head);
    assert!(notes.iter().any(|n| n.contains("detached")), "{notes:?}");

    let run = f.run(&["status"]);
    run.assert_exit(0);
    assert!(run.stdout.contains("Joint Staffing"));
    let row = row_cells(&run.stdout, 21);
    assert_eq!(
        row[3..6],
        ["open", "1", "0"],
        "the detached commit's passes"
    );
    let notes = run.lines("note: ");
    assert!(
        notes.iter().any(|n| n.starts_with("HEAD is detached at ")),
        "{}",
        run.stderr
    );
}

#[test]
fn shallow_clone_is_shown_with_a_note() {
    let f = table_with_a_good_article();
    f.pass(
        "21-staffing",
        "employer",
        "Counter.\n",
        "staffing-lead@employer.example",
    );
    f.pass(
        "21-staffing",
        "union",
        "Again.\n",
        "staffing-lead@union.example",
    );
    let clone = f.clone_shallow();
    let repo = clone.repo();
    let head = repo.head().unwrap();
    assert!(head.shallow);
    assert_eq!(head.branch.as_deref(), Some("main"));
    assert!(
        repo.notes(&head)
            .iter()
            .any(|n| n.contains("shallow clone"))
    );
    let history = History::build(&repo).unwrap();
    assert!(history.shallow);
    assert_eq!(
        history.commits.len(),
        1,
        "one commit is all a depth-1 clone has"
    );

    let run = clone.run(&["status"]);
    run.assert_exit(0);
    assert!(run.stdout.contains("Joint Staffing"), "{}", run.stdout);
    assert!(
        run.lines("note: ")
            .iter()
            .any(|n| n.contains("shallow clone")),
        "{}",
        run.stderr
    );
}

#[test]
fn uncommitted_edit_is_noted_and_never_counted_as_a_pass() {
    let f = table_with_a_good_article();
    let before = f.run(&["status"]);
    before.assert_exit(0);
    assert!(before.lines("note: ").is_empty(), "{}", before.stderr);
    f.write(
        "proposals/21-staffing/union.md",
        "An edit nobody committed.\n",
    );
    f.write(
        "proposals/21-staffing/employer.md",
        "A new file, not added.\n",
    );
    let run = f.run(&["status"]);
    run.assert_exit(0);
    assert_eq!(
        run.stdout, before.stdout,
        "the tracker is HEAD's, not the work tree's"
    );
    let notes = run.lines("note: ");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("not yet recorded"), "{}", notes[0]);
    assert!(
        notes[0].contains("proposals/21-staffing/union.md"),
        "{}",
        notes[0]
    );
    assert!(
        notes[0].contains("proposals/21-staffing/employer.md"),
        "{}",
        notes[0]
    );
    // Staged is still not recorded.
    f.git(&["add", "-A"]);
    let staged = f.run(&["status"]);
    assert_eq!(staged.stdout, before.stdout);
    assert!(staged.lines("note: ")[0].contains("union.md"));
    let repo = f.repo();
    let progress = History::build(&repo)
        .unwrap()
        .progress("21-staffing", &repo.snapshot().unwrap().table.sides);
    assert_eq!(progress.total_passes(), 1);
}

/// Union and employer passes of article 12 (from History), as the tracker counts them.
fn passes_of(f: &Fixture, article: &str) -> (u32, u32) {
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let progress = History::build(&repo)
        .unwrap()
        .progress(article, &snapshot.table.sides);
    (progress.passes["union"], progress.passes["employer"])
}

#[test]
fn commits_made_by_hand_are_understood_from_the_paths_they_touch() {
    let f = Fixture::new();
    f.write(
        "proposals/12-ai/article.yaml",
        "number: 12\ntitle: AI\ntopic: ai\nstatus: open\n",
    );
    f.write("proposals/12-ai/union.md", "Union one.\n");
    f.commit_by_hand("union opens on AI");
    f.write("proposals/12-ai/employer.md", "Employer one.\n");
    f.write(
        "proposals/21-staffing/article.yaml",
        "number: 21\ntitle: Staffing\ntopic: staffing\nstatus: open\n",
    );
    f.write("proposals/21-staffing/union.md", "Union staffing.\n");
    f.commit_by_hand("employer counters on AI; union opens staffing, one commit");
    f.write("proposals/12-ai/union.md", "Union two.\n");
    f.commit_by_hand("union again");
    assert_eq!(passes_of(&f, "12-ai"), (2, 1));
    assert_eq!(passes_of(&f, "21-staffing"), (1, 0));
    let history = History::build(&f.repo()).unwrap();
    assert!(history.commits.iter().all(|c| !c.is_recorded()));
    let run = f.run(&["status"]);
    run.assert_exit(0);
    let row = row_cells(&run.stdout, 12);
    assert_eq!(row[3..7], ["open", "2", "1", "employer"]);
}

/// Article 12 with one union pass, committed by the tool, and a branch `side` from there.
fn article_with_a_branch() -> Fixture {
    let f = Fixture::new();
    f.article("12-ai", 12, "AI", "ai", None);
    f.pass("12-ai", "union", "Union one.\n", "ai-lead@union.example");
    f.git(&["branch", "side"]);
    f
}

#[test]
fn merge_of_two_branches_each_adding_a_pass_loses_none_and_counts_none_twice() {
    let f = article_with_a_branch();
    f.git(&["switch", "-q", "side"]);
    f.write("proposals/12-ai/union.md", "Union two, on a branch.\n");
    f.commit_by_hand("union's second pass, on a branch");
    f.git(&["switch", "-q", "main"]);
    f.write("proposals/12-ai/employer.md", "Employer one.\n");
    f.commit_by_hand("employer's first pass, on main");
    f.git(&["merge", "-q", "--no-ff", "side", "-m", "Merge the branch"]);
    assert_eq!(passes_of(&f, "12-ai"), (2, 1));
    let history = History::build(&f.repo()).unwrap();
    let numbers: Vec<u32> = history
        .passes("12-ai", "union")
        .map(|e| match e.kind {
            bargain_core::store::history::FileKind::Pass { number, .. } => number,
            _ => 0,
        })
        .collect();
    assert_eq!(numbers, [1, 2]);
    f.run(&["status"]).assert_exit(0);
}

#[test]
fn merge_conflict_resolved_with_new_text_is_a_new_pass_of_that_side() {
    let f = article_with_a_branch();
    f.git(&["switch", "-q", "side"]);
    f.write(
        "proposals/12-ai/union.md",
        "Union two, as the AI lead wrote it.\n",
    );
    f.commit_by_hand("union two on a branch");
    f.git(&["switch", "-q", "main"]);
    f.write(
        "proposals/12-ai/union.md",
        "Union two, as the chief wrote it.\n",
    );
    f.commit_by_hand("union two on main");
    let merge = std::process::Command::new("git")
        .args(["merge", "-q", "--no-ff", "side", "-m", "merge"])
        .current_dir(f.path())
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge conflicts");
    // Mid-merge, the table is HEAD's, with a note; the conflicted file is not a pass.
    let mid = f.run(&["status"]);
    mid.assert_exit(0);
    let notes = mid.lines("note: ");
    assert!(
        notes.iter().any(|n| n.contains("in progress (Merge)")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("proposals/12-ai/union.md")),
        "{notes:?}"
    );
    assert_eq!(passes_of(&f, "12-ai"), (2, 0));
    f.write(
        "proposals/12-ai/union.md",
        "Union three: both drafts, reconciled.\n",
    );
    f.commit_by_hand("Merge the branch, texts reconciled by hand");
    // Pass one, each branch's pass, and the reconciled text.
    assert_eq!(passes_of(&f, "12-ai"), (4, 0));
    f.run(&["status"]).assert_exit(0);
}

#[test]
fn merge_conflict_resolved_by_taking_one_branch_text_adds_no_pass() {
    let f = article_with_a_branch();
    f.git(&["switch", "-q", "side"]);
    f.write("proposals/12-ai/union.md", "Union two, branch.\n");
    f.commit_by_hand("union two on a branch");
    f.git(&["switch", "-q", "main"]);
    f.write("proposals/12-ai/union.md", "Union two, main.\n");
    f.commit_by_hand("union two on main");
    let _ = std::process::Command::new("git")
        .args(["merge", "-q", "--no-ff", "side", "-m", "merge"])
        .current_dir(f.path())
        .output()
        .unwrap();
    f.git(&["checkout", "--theirs", "proposals/12-ai/union.md"]);
    f.commit_by_hand("Merge the branch, its text wins");
    assert_eq!(passes_of(&f, "12-ai"), (3, 0));
}

#[test]
fn init_starts_an_empty_table_that_status_reads() {
    let f = Fixture::bare_dir();
    let run = f.run(&["init", "table"]);
    run.assert_exit(0);
    assert!(
        run.stdout.contains("Started an empty table"),
        "{}",
        run.stdout
    );
    let run = f.run_in("table", &["status"]);
    run.assert_exit(0);
    assert!(run.stdout.contains("Our Agreement 2026"), "{}", run.stdout);
    assert!(run.stderr.is_empty(), "no problem, no note: {}", run.stderr);
    assert!(run.stdout.contains("TAs: 0/0"), "{}", run.stdout);
    let for_json = f.run_in("table", &["status", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&for_json.stdout).unwrap();
    assert_eq!(value["articles"].as_array().map(Vec::len), Some(0));
}

#[test]
fn init_refuses_when_a_table_already_exists() {
    let f = Fixture::new();
    let head = f.head();
    let run = f.run(&["init"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("bargaining.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains("already"), "{}", run.stderr);
    assert_eq!(f.head(), head, "nothing was committed");
    let table = std::fs::read_to_string(f.file("bargaining.yaml")).unwrap();
    assert_eq!(table, crate::common::TABLE_YAML);
}

#[test]
fn init_refuses_a_folder_with_a_table_file_without_making_it_a_repository() {
    let f = Fixture::bare_dir();
    f.write("bargaining.yaml", "format: 1\n");
    let run = f.run(&["init"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("already"), "{}", run.stderr);
    assert!(!f.file(".git").exists(), "a refusal changes nothing");
}

#[test]
fn deeply_nested_yaml_is_refused_quickly_and_the_rest_load() {
    use std::time::{Duration, Instant};
    let f = table_with_a_good_article();
    // 200 KB of flow nesting: the YAML parser is quadratic in depth (over a minute here).
    let deep = format!(
        "number: 12\ntitle: {}{}\ntopic: ai\nstatus: open\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    f.commit_as(
        "chief@union.example",
        &[("proposals/12-ai/article.yaml", Some(&deep))],
        "A pathological article.yaml",
    );
    let start = Instant::now();
    let run = f.run(&["status"]);
    let took = start.elapsed();
    run.assert_exit(1);
    assert!(took < Duration::from_secs(5), "status took {took:?}");
    assert!(run.stdout.contains("Joint Staffing"));
    let problems = run.lines("problem: ");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("proposals/12-ai/article.yaml:2:") && p.contains("nest")),
        "{problems:?}"
    );

    let table = crate::common::TABLE_YAML.replacen(
        "name: Test Table",
        &format!("name: {}{}", "{a: ".repeat(50_000), "}".repeat(50_000)),
        1,
    );
    let f = Fixture::with_table(&table);
    let start = Instant::now();
    let run = f.run(&["status"]);
    run.assert_exit(2);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(
        run.stderr.starts_with("bargain: bargaining.yaml:2:"),
        "{}",
        run.stderr
    );
}

#[test]
fn symlinked_side_file_is_never_counted_as_a_pass() {
    let f = table_with_a_good_article();
    f.article("12-ai", 12, "AI", "ai", None);
    f.symlink("../../../../etc/passwd", "proposals/12-ai/union.md");
    f.commit_by_hand("ln -s a pass out of the repository");
    assert_eq!(passes_of(&f, "12-ai"), (0, 0));
}

#[test]
fn pass_file_of_an_unknown_side_never_decides_whose_move() {
    let f = table_with_a_good_article();
    f.article("12-ai", 12, "AI", "ai", None);
    f.pass("12-ai", "union", "Union text.\n", "ai-lead@union.example");
    f.pass(
        "12-ai",
        "management",
        "Stray file.\n",
        "chief@employer.example",
    );
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let history = History::build(&repo).unwrap();
    let rows = bargain_core::tracker::rows(&snapshot, &history, None);
    let row = rows.iter().find(|r| r.id == "12-ai").unwrap();
    assert_eq!(row.whose_move.as_deref(), Some("employer"));
    assert!(!row.progress.passes.contains_key("management"));
}

/// A pass is a commit that puts a side's text on the table. The same text committed on two
/// branches is two passes: telling a cherry-pick from a side re-tabling earlier language would
/// take ancestry checks per version, and both readings are defensible. Kept as documented behaviour.
#[test]
fn same_text_committed_on_two_branches_counts_as_two_passes() {
    let f = article_with_a_branch();
    f.git(&["switch", "-q", "side"]);
    f.write("proposals/12-ai/union.md", "Union two.\n");
    f.commit_by_hand("union two, on a branch");
    f.git(&["switch", "-q", "main"]);
    f.write("proposals/12-ai/union.md", "Union two.\n");
    f.write("proposals/12-ai/employer.md", "Employer one.\n");
    f.commit_by_hand("union two picked onto main, with employer one");
    f.git(&["merge", "-q", "--no-ff", "side", "-m", "Merge the branch"]);
    assert_eq!(passes_of(&f, "12-ai"), (3, 1));
}

#[test]
fn a_stopped_index_walk_leaves_the_index_as_it_was() {
    use std::ops::ControlFlow;
    let f = Fixture::new();
    f.article("12-ai", 12, "AI", "ai", None);
    let repo = f.repo();
    let before = History::build(&repo).unwrap();
    // More than one progress report's worth of commits (the walk reports every 256).
    for n in 0..300 {
        let side = if n % 2 == 0 { "union" } else { "employer" };
        let email = format!("ai-lead@{side}.example");
        f.pass("12-ai", side, &format!("Text {n}.\n"), &email);
    }
    let tip = f.head();
    let mut stopped = before.clone();
    let mut reports = 0;
    stopped
        .extend_to(&repo, tip, &mut |_| {
            reports += 1;
            // Stop at the second report, after 256 commits were taken in.
            if reports == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(reports, 2);
    assert_eq!(stopped.commits, before.commits);
    assert_eq!(stopped.articles, before.articles);
    assert_eq!(stopped.head, before.head);
    // And it extends fully afterwards, the same as a fresh walk.
    stopped
        .extend_to(&repo, tip, &mut |_| ControlFlow::Continue(()))
        .unwrap();
    let fresh = History::build(&repo).unwrap();
    assert_eq!(stopped.commits, fresh.commits);
    assert_eq!(stopped.articles, fresh.articles);
    assert_eq!(passes_of(&f, "12-ai"), (150, 150));
}

#[test]
fn the_tracker_prints_the_ta_its_signatures_the_note_and_the_session_in_every_format() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Same.\n")
        .unwrap();
    f.record_pass("ai-lead@employer.example", "12", "employer", "Same.\n")
        .unwrap();
    f.record_pass("staffing-lead@union.example", "21", "union", "S.\n")
        .unwrap();
    f.record_pass("staffing-lead@employer.example", "21", "employer", "S.\n")
        .unwrap();
    // 21: proposed by the union, awaiting the employer.
    f.record_set("chief@union.example", "21", crate::common::ta(&[], None))
        .unwrap();
    // 12: agreed in July, entered with its day at the table and a note.
    f.on("2025-07-16");
    f.record_set("chief@union.example", "12", crate::common::ta(&[], None))
        .unwrap();
    let mut sign = bargain_core::record::Request::new("12", bargain_core::record::Action::Sign);
    sign.note = Some("Initialled at the table.".into());
    f.record_as("chief@employer.example", &sign).unwrap();

    let text = f.run(&["status"]);
    text.assert_exit(0);
    let line = text.stdout.lines().find(|l| l.starts_with("12 ")).unwrap();
    assert!(
        line.contains(
            "2025-07-16 · union chief@union.example (countersigned), employer chief@employer.example (countersigned)"
        ),
        "{line}"
    );
    assert!(line.contains("2025-07-16 (July session)"), "{line}");
    assert!(line.contains("Initialled at the table."), "{line}");
    let line = text.stdout.lines().find(|l| l.starts_with("21 ")).unwrap();
    assert!(line.contains("open — TA awaiting Test Employer"), "{line}");

    let md = f.run(&["status", "--format", "md"]);
    assert!(md.stdout.contains("| TA | Note |"), "{}", md.stdout);
    assert!(
        md.stdout.contains("Initialled at the table."),
        "{}",
        md.stdout
    );

    let csv = f.run(&["status", "--format", "csv"]);
    let header = csv.stdout.lines().next().unwrap();
    assert!(
        header.contains("last_session,ta_date,union_signatory,union_signature,employer_signatory,employer_signature,awaiting,note"),
        "{header}"
    );
    let row = csv.stdout.lines().find(|l| l.starts_with("12,")).unwrap();
    assert!(
        row.contains("July session,2025-07-16,chief@union.example,countersigned,chief@employer.example,countersigned,,Initialled at the table."),
        "{row}"
    );
    let row = csv.stdout.lines().find(|l| l.starts_with("21,")).unwrap();
    assert!(row.contains(",employer,"), "{row}");

    let json: serde_json::Value =
        serde_json::from_str(&f.run(&["status", "--format", "json"]).stdout).unwrap();
    let a12 = &json["articles"][0];
    assert_eq!(a12["ta"]["date"], "2025-07-16");
    assert_eq!(
        a12["ta"]["signatures"][1]["email"],
        "chief@employer.example"
    );
    assert_eq!(a12["ta"]["signatures"][1]["kind"], "countersigned");
    assert_eq!(a12["last_session"], "July session");
    assert_eq!(a12["note"], "Initialled at the table.");
    assert_eq!(json["articles"][1]["awaiting"][0], "employer");
}

#[test]
fn one_article_is_read_alone_where_its_folder_name_settles_which_it_is() {
    let f = Fixture::new();
    f.two_articles();
    f.article("7-odd", 8, "Numbered apart from its folder", "ai", None);
    let repo = f.repo();
    let full = repo.snapshot().unwrap();
    for key in ["12", "12-ai", "21", "8", "7-odd", "7", "99"] {
        let one = repo.snapshot_of(key).unwrap();
        assert_eq!(
            one.find(key).map(|a| (&a.id, a.number(), &a.passes)),
            full.find(key).map(|a| (&a.id, a.number(), &a.passes)),
            "{key}"
        );
        assert_eq!(one.table, full.table, "{key}");
    }
    // Named by its folder: only that article is read.
    assert_eq!(repo.snapshot_of("12").unwrap().articles.len(), 1);
    assert_eq!(repo.snapshot_of("12-ai").unwrap().articles.len(), 1);
    // A number its folder does not carry: the whole table is read to find it.
    assert_eq!(
        repo.snapshot_of("8").unwrap().articles.len(),
        full.articles.len()
    );
    f.record_pass("ai-lead@union.example", "8", "union", "Union text.\n")
        .unwrap();
    let log = f.run(&["log", "8"]);
    log.assert_exit(0);
    assert!(log.stdout.contains("7-odd"), "{}", log.stdout);
    let diff = f.run(&["diff", "8", "--color", "never"]);
    diff.assert_exit(0);
    assert!(diff.stdout.contains("Article 8"), "{}", diff.stdout);
}

#[test]
fn a_folder_renamed_by_hand_keeps_its_pass_count() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Union pass one.\n")
        .unwrap();
    f.record_pass(
        "ai-lead@employer.example",
        "12",
        "employer",
        "Employer pass one.\n",
    )
    .unwrap();
    f.git(&["mv", "proposals/12-ai", "proposals/12-ai-technology"]);
    f.identity("chief@union.example");
    f.git(&["commit", "-q", "-m", "Rename the folder"]);
    let cells = |f: &Fixture| {
        let run = f.run(&["status", "--format", "csv"]);
        let cell = |name: &str| run.csv_cell("12", name);
        (
            cell("id"),
            cell("union_passes"),
            cell("employer_passes"),
            cell("whose_move"),
        )
    };
    assert_eq!(
        cells(&f),
        (
            "12-ai-technology".into(),
            "1".into(),
            "1".into(),
            "union".into()
        ),
        "the record goes on under the new name"
    );
    // Not an article taken off the table: the audit finds nothing against the rules.
    let verify = f.run(&["verify"]);
    assert!(verify.stdout.contains("no violations"), "{}", verify.stdout);
    // The next pass is the union's second, not its first.
    f.record_pass("ai-lead@union.example", "12", "union", "Union pass two.\n")
        .unwrap();
    assert_eq!(cells(&f).1, "2");
    // Renamed and edited in one commit (same article.yaml): still the same article.
    f.git(&[
        "mv",
        "proposals/12-ai-technology",
        "proposals/12-artificial-intelligence",
    ]);
    f.write(
        "proposals/12-artificial-intelligence/current.md",
        "Edited while renaming.\n",
    );
    f.commit_by_hand("Rename again");
    assert_eq!(cells(&f).1, "2");
}
