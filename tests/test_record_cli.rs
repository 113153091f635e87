//! The recording verbs of the real binary: `pass`, `set`, `log`, `verify`, their output and exit
//! codes (0 recorded, 1 refused, 2 could not run).

use crate::common::Fixture;

fn run(f: &Fixture, args: &[&str]) -> (i32, String, String) {
    let out = f.bargain(args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bargain_pass_records_under_git_identity_and_refuses_with_exit_1() {
    let f = Fixture::new();
    f.two_articles();
    let text = f.path().join("..").join(format!(
        "pass-{}.md",
        f.path().file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&text, "Union opens.\n").unwrap();
    let file = text.to_str().unwrap();

    f.identity("member@union.example");
    let (code, _, err) = run(&f, &["pass", "12", "--side", "union", "--file", file]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("for union, ai-lead@union.example or a chief negotiator (chief@union.example) or a secretary (secretary@union.example) may enter passes on article 12"),
        "{err}"
    );
    assert!(err.contains("nothing was recorded"), "{err}");

    f.identity("ai-lead@union.example");
    f.on("2025-07-16");
    let (code, out, err) = run(
        &f,
        &[
            "pass",
            "12-ai",
            "--side",
            "union",
            "--file",
            file,
            "--session",
            "July session",
            "--note",
            "Opening proposal.",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Recorded: Test Union pass #1 on Article 12 — AI ("),
        "{out}"
    );
    let message = f.head_message();
    assert!(message.contains("Bargain-Session: 2025-07-15"), "{message}");
    assert!(message.contains("Opening proposal."));
    assert!(f.git(&["log", "-1", "--format=%ae"]).trim() == "ai-lead@union.example");
    std::fs::remove_file(&text).unwrap();

    // Standard input, and the errors that stop everything (exit 2).
    let (code, _, err) = run(
        &f,
        &[
            "pass",
            "12",
            "--side",
            "union",
            "--file",
            "/nonexistent/x.md",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(
        &f,
        &[
            "pass", "12", "--side", "union", "--file", "-", "--date", "June",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a date"), "{err}");
    let (code, _, err) = run(
        &f,
        &[
            "pass",
            "12",
            "--side",
            "union",
            "--file",
            "-",
            "--session",
            "June",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("June"), "{err}");
}

#[test]
fn bargain_set_walks_a_ta_from_signing_to_reopen() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "U.\n")
        .unwrap();
    f.record_pass("ai-lead@employer.example", "12", "employer", "E.\n")
        .unwrap();
    f.identity("chief@union.example");
    f.on("2025-06-05");
    // Jointly kept: the union's chief cannot sign for the employer.
    let (code, _, err) = run(
        &f,
        &[
            "set",
            "12",
            "tentatively-agreed",
            "--sign",
            "ai-lead@employer.example",
            "--agreed",
            "employer",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("signs in a commit of their own"), "{err}");
    let (code, out, err) = run(
        &f,
        &["set", "12", "tentatively-agreed", "--agreed", "employer"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Tentative agreement proposed on Article 12"),
        "{out}"
    );
    assert!(out.contains("awaiting Test Employer"), "{out}");
    // The employer's lead countersigns under their own name.
    f.identity("ai-lead@employer.example");
    let (code, out, err) = run(&f, &["sign", "12"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Tentative agreement on Article 12"), "{out}");
    assert!(
        f.committed("proposals/12-ai/article.yaml")
            .unwrap()
            .contains("date: 2025-06-05")
    );
    let (code, _, err) = run(&f, &["sign", "12"]);
    assert_eq!(code, 1, "{err}");

    f.identity("chief@union.example");
    let (code, _, err) = run(&f, &["set", "12", "reopen"]);
    assert_eq!(code, 1);
    assert!(err.contains("every side"), "{err}");
    let (code, _, err) = run(
        &f,
        &["set", "12", "reopen", "--by", "chief@employer.example"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        f.head_message()
            .contains("Bargain-Reopened-By: chief@union.example, chief@employer.example")
    );

    let (code, _, err) = run(&f, &["set", "12", "withdrawn"]);
    assert_eq!(code, 0, "{err}");
    assert!(f.head_message().starts_with("Test Union withdraws"));
    let (code, _, _) = run(&f, &["set", "12", "sideways"]);
    assert_eq!(code, 2, "clap rejects an unknown status");
}

#[test]
fn bargain_log_reads_the_record_by_article_and_session() {
    let f = Fixture::new();
    f.two_articles();
    f.on("2025-06-04");
    f.record_pass("ai-lead@union.example", "12", "union", "June.\n")
        .unwrap();
    f.on("2025-07-16");
    f.record_pass("ai-lead@employer.example", "12", "employer", "July.\n")
        .unwrap();
    f.record_pass(
        "staffing-lead@union.example",
        "21",
        "union",
        "July staffing.\n",
    )
    .unwrap();

    let (code, out, _) = run(&f, &["log", "12"]);
    assert_eq!(code, 0);
    assert!(out.contains("ai-lead@union.example  June session"), "{out}");
    assert!(out.contains("12-ai: Test Employer pass 1"), "{out}");
    assert!(!out.contains("21-staffing: union"), "{out}");

    let (code, out, _) = run(&f, &["log", "--session", "2025-07-17"]);
    assert_eq!(code, 0);
    assert!(out.contains("12-ai: Test Employer pass 1"), "{out}");
    assert!(out.contains("21-staffing: Test Union pass 1"), "{out}");
    assert!(!out.contains("June session"), "{out}");

    let (code, _, err) = run(&f, &["log", "--session", "2025-08-20"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no session `2025-08-20` in bargaining.yaml"),
        "{err}"
    );
    // A session by its name, as `pass --session` takes it.
    let (code, out, err) = run(&f, &["log", "--session", "july session"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("12-ai: Test Employer pass 1"), "{out}");
    assert!(!out.contains("June session"), "{out}");
    let (code, _, _) = run(&f, &["log", "77"]);
    assert_eq!(code, 2);
}

#[test]
fn bargain_set_rejects_flags_of_another_status_and_writer_refusals_exit_1() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("chief@union.example");
    let (code, _, err) = run(
        &f,
        &["set", "12", "impasse", "--sign", "chief@union.example"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--sign belongs to `set ARTICLE tentatively-agreed`"),
        "{err}"
    );
    let (code, _, err) = run(&f, &["set", "12", "impasse", "--agreed", "union"]);
    assert_eq!(code, 2, "{err}");
    // A day after today is refused by the rules (exit 1), not by the flags.
    let (code, _, err) = run(&f, &["set", "12", "impasse", "--date", "2025-06-04"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("in the future"), "{err}");

    f.write("proposals/12-ai/article.yaml", "edited by hand\n");
    let (code, _, err) = run(&f, &["set", "12", "impasse"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("proposals/12-ai/article.yaml has uncommitted changes; commit or stash them first, nothing was written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(f.file("proposals/12-ai/article.yaml")).unwrap(),
        "edited by hand\n"
    );
    let (code, _, err) = run(
        &f,
        &["--repo", "/nonexistent-bargain-dir", "set", "12", "impasse"],
    );
    assert_eq!(code, 2, "{err}");
}

/// A clone of `url` in a new folder, with `email` as its git identity (one laptop each).
fn laptop(url: &str, email: &str) -> Fixture {
    let laptop = Fixture::bare_dir();
    let target = laptop.path().display().to_string();
    laptop.git(&["clone", "-q", url, &target]);
    laptop.identity(email);
    laptop
}

#[test]
fn a_ta_is_proposed_on_one_laptop_and_countersigned_on_the_other_through_a_bare_remote() {
    let origin = Fixture::new();
    origin.two_articles();
    origin
        .record_pass("ai-lead@union.example", "12", "union", "Agreed words.\n")
        .unwrap();
    origin
        .record_pass(
            "ai-lead@employer.example",
            "12",
            "employer",
            "Agreed words.\n",
        )
        .unwrap();
    let remote = Fixture::bare_dir();
    let bare = remote.path().join("table.git");
    origin.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let url = format!("file://{}", bare.display());
    let union = laptop(&url, "chief@union.example");
    let employer = laptop(&url, "chief@employer.example");

    // The union's chief proposes and pushes.
    union.on("2025-06-04");
    let (code, out, err) = run(&union, &["set", "12", "tentatively-agreed"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("awaiting Test Employer"), "{out}");
    union.git(&["push", "-q", "origin", "main"]);

    // The employer's chief pulls, sees it awaiting them, countersigns and pushes.
    employer.git(&["pull", "-q", "--ff-only"]);
    let (_, status, _) = run(&employer, &["status"]);
    let row = status.lines().find(|l| l.starts_with("12 ")).unwrap();
    assert!(row.contains("open — TA awaiting Test Employer"), "{row}");
    employer.on("2025-06-04");
    let (code, _, err) = run(&employer, &["sign", "12"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        employer.git(&["log", "-1", "--format=%ae"]).trim(),
        "chief@employer.example",
        "the countersignature is the employer's own commit"
    );
    employer.git(&["push", "-q", "origin", "main"]);

    // Back on the union's laptop: agreed, signed by each side in a commit of its own.
    union.git(&["pull", "-q", "--ff-only"]);
    let (_, status, _) = run(&union, &["status"]);
    let row = status.lines().find(|l| l.starts_with("12 ")).unwrap();
    assert!(row.contains("tentatively-agreed"), "{row}");
    assert!(
        row.contains("union chief@union.example (countersigned), employer chief@employer.example (countersigned)"),
        "{row}"
    );
    let (code, log, _) = run(&union, &["log", "12"]);
    assert_eq!(code, 0);
    assert!(log.contains("tentative agreement proposed"), "{log}");
    assert!(log.contains("chief@employer.example"), "{log}");
    let (code, out, err) = run(&union, &["verify"]);
    assert_eq!(code, 0, "{out}{err}");
}
