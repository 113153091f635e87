//! `bargain demo`: the example negotiation replayed into a real repository, checked against
//! the script it replays (`proposals/script.yaml`, parsed by `bargain_core::demo::script()`).

use crate::common::Fixture;
use bargain_core::model::{Date, Role, Status, TentativeAgreement};
use bargain_core::store::history::FileKind;
use bargain_core::store::{History, Repo};
use std::collections::BTreeMap;

/// Builds the demo with the real binary in `<fixture>/demo` and opens it.
fn built_demo() -> (Fixture, Repo) {
    let f = Fixture::bare_dir();
    let run = f.run(&["demo", "demo", "--no-tui"]);
    run.assert_exit(0);
    let printed = std::path::PathBuf::from(run.stdout.trim());
    assert_eq!(
        printed,
        std::fs::canonicalize(f.file("demo")).unwrap(),
        "--no-tui prints the path"
    );
    let repo = Repo::open(&f.file("demo")).expect("the demo is a repository");
    (f, repo)
}

/// The commits of the demo, oldest first.
fn commits(repo: &Repo) -> Vec<git2::Commit<'_>> {
    let mut walk = repo.git.revwalk().unwrap();
    walk.push_head().unwrap();
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .unwrap();
    walk.map(|id| repo.git.find_commit(id.unwrap()).unwrap())
        .collect()
}

fn trailer<'a>(commit: &'a git2::Commit<'_>, key: &str) -> Option<&'a str> {
    commit
        .message()
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(": "))
}

#[test]
fn demo_replays_every_script_entry_as_one_commit_by_its_person() {
    let (table, script) = bargain_core::demo::script().expect("the shipped script parses");
    let (_f, repo) = built_demo();
    let all = commits(&repo);
    // In a table kept jointly a TA is two commits: the entry's proposal, then the other side's
    // countersignature right after it.
    for (i, commit) in all.iter().enumerate() {
        if trailer(commit, "Bargain-Change") == Some("ta-countersigned") {
            let proposal = &all[i - 1];
            assert_eq!(trailer(proposal, "Bargain-Change"), Some("ta-proposed"));
            assert_eq!(
                trailer(proposal, "Bargain-Article"),
                trailer(commit, "Bargain-Article")
            );
            let side = |c: &git2::Commit<'_>| {
                table
                    .person(c.author().email().unwrap())
                    .map(|p| p.side.clone())
            };
            assert_ne!(side(proposal), side(commit), "each side signs for itself");
        }
    }
    let commits: Vec<_> = all
        .iter()
        .filter(|c| trailer(c, "Bargain-Change") != Some("ta-countersigned"))
        .cloned()
        .collect();
    assert_eq!(
        commits.len(),
        1 + script.len(),
        "the opening commit, then one per entry (and a countersignature per TA)"
    );
    assert!(
        commits.iter().all(|c| c.parent_count() <= 1),
        "a straight line"
    );

    let opening = table.person(commits[0].author().email().unwrap()).unwrap();
    assert!(opening.roles.contains(&Role::ChiefNegotiator));
    for (i, (commit, entry)) in commits[1..].iter().zip(&script).enumerate() {
        let email = commit.author().email().unwrap().to_string();
        assert_eq!(email, entry.by, "entry {}", i + 1);
        let person = table
            .person(&email)
            .unwrap_or_else(|| panic!("{email} of entry {} is not among the people", i + 1));
        assert_eq!(
            trailer(commit, "Bargain-Article"),
            Some(entry.article.as_str())
        );
        assert_eq!(
            trailer(commit, "Bargain-Session"),
            Some(entry.session.to_string().as_str())
        );
        match &entry.pass {
            Some(side) => {
                assert_eq!(
                    &person.side,
                    side,
                    "entry {}: a pass is made by its own side",
                    i + 1
                );
                assert_eq!(trailer(commit, "Bargain-Side"), Some(side.as_str()));
            }
            // A TA entry is the proposal; the status lands with the countersignature after it.
            None if entry.status == Some(Status::TentativelyAgreed) => {
                assert_eq!(trailer(commit, "Bargain-Change"), Some("ta-proposed"))
            }
            None => assert_eq!(
                trailer(commit, "Bargain-Status"),
                entry.status.map(Status::as_str)
            ),
        }
    }
}

#[test]
fn demo_commits_are_dated_inside_sessions_in_order() {
    let (table, _script) = bargain_core::demo::script().unwrap();
    let (_f, repo) = built_demo();
    let mut previous = i64::MIN;
    for commit in commits(&repo) {
        let when = commit.author().when();
        let date = Date::from_git_time(when.seconds(), when.offset_minutes());
        assert!(
            table.session_on(date).is_some(),
            "{} on {date} is outside every session",
            String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
        );
        assert!(
            when.seconds() >= previous,
            "{} goes back in time",
            String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
        );
        previous = when.seconds();
        assert_eq!(commit.committer().when().seconds(), when.seconds());
    }
}

#[test]
fn demo_ends_with_the_statuses_and_passes_the_script_says() {
    let (_table, script) = bargain_core::demo::script().unwrap();
    let (f, repo) = built_demo();
    let snapshot = repo.snapshot().unwrap();
    let history = History::build(&repo).unwrap();
    assert_eq!(
        snapshot.all_problems().count(),
        0,
        "{:?}",
        snapshot.problems
    );

    let mut expected_status: BTreeMap<&str, Status> = BTreeMap::new();
    let mut expected_passes: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for entry in &script {
        expected_status
            .entry(&entry.article)
            .or_insert(Status::Open);
        if let Some(status) = entry.status {
            expected_status.insert(&entry.article, status);
        }
        if let Some(side) = &entry.pass {
            *expected_passes.entry((&entry.article, side)).or_default() += 1;
        }
    }
    for entry in &snapshot.articles {
        let article = entry.article.as_ref().unwrap();
        let expected = expected_status
            .get(entry.id.as_str())
            .copied()
            .unwrap_or(Status::Open);
        assert_eq!(article.status, expected, "{}", entry.id);
        let progress = history.progress(&entry.id, &snapshot.table.sides);
        for side in &snapshot.table.sides {
            assert_eq!(
                progress.passes[&side.id],
                expected_passes
                    .get(&(entry.id.as_str(), side.id.as_str()))
                    .copied()
                    .unwrap_or(0),
                "{} passes of {}",
                side.id,
                entry.id
            );
        }
    }

    let count = |s: Status| {
        snapshot
            .articles
            .iter()
            .filter(|a| a.article.as_ref().unwrap().status == s)
            .count()
    };
    assert!(snapshot.articles.len() >= 12, "{}", snapshot.articles.len());
    assert!(count(Status::TentativelyAgreed) >= 4);
    assert_eq!(count(Status::Withdrawn), 1);
    assert!(count(Status::CurrentLanguage) >= 1);
    let withdrawn = snapshot
        .articles
        .iter()
        .find(|a| a.article.as_ref().unwrap().status == Status::Withdrawn)
        .unwrap();
    assert!(withdrawn.article.as_ref().unwrap().withdrawn_by.is_some());

    let run = f.run_in("demo", &["status"]);
    run.assert_exit(0);
    assert!(
        run.stderr.is_empty(),
        "no problem and no note: {}",
        run.stderr
    );
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with(char::is_numeric))
            .count(),
        snapshot.articles.len()
    );
}

#[test]
fn demo_tentative_agreements_hash_the_agreed_text_and_name_both_signatories() {
    let (_table, script) = bargain_core::demo::script().unwrap();
    let (_f, repo) = built_demo();
    let snapshot = repo.snapshot().unwrap();
    let history = History::build(&repo).unwrap();
    let mut tas = 0;
    for entry in script
        .iter()
        .filter(|e| e.status == Some(Status::TentativelyAgreed))
    {
        let article = snapshot.find(&entry.article).unwrap();
        let recorded = article.article.as_ref().unwrap();
        let ta = recorded.ta.as_ref().expect("a TA is recorded");
        let blob = repo.git.find_blob(article.ta.expect("ta.md")).unwrap();
        assert_eq!(
            ta.sha256.as_deref(),
            Some(TentativeAgreement::hash_of(blob.content()).as_str()),
            "{}: sha256 is of ta.md",
            entry.article
        );
        for side in &snapshot.table.sides {
            let email = &ta.signatories[&side.id];
            assert_eq!(
                snapshot.table.person(email).map(|p| p.side.as_str()),
                Some(side.id.as_str()),
                "{}: {email} signs for {}",
                entry.article,
                side.id
            );
        }
        // ta.md is exactly the pass that was agreed.
        let (side, n) = entry.agreed.as_deref().unwrap().split_once('#').unwrap();
        let pass = history
            .pass(&entry.article, side, n.parse().unwrap())
            .unwrap();
        assert_eq!(pass.blob, Some(blob.id()), "{}", entry.article);
        assert!(matches!(pass.kind, FileKind::Pass { .. }));
        tas += 1;
    }
    assert!(tas >= 4);
}

#[test]
fn demo_identity_is_a_chief_negotiator() {
    let (table, _) = bargain_core::demo::script().unwrap();
    let (_f, repo) = built_demo();
    let config = repo.git.config().unwrap().snapshot().unwrap();
    let email = config.get_str("user.email").unwrap();
    let person = table.person(email).expect("a person of the table");
    assert!(person.roles.contains(&Role::ChiefNegotiator));
    assert_eq!(config.get_str("user.name").unwrap(), person.name);
}

#[test]
fn demo_articles_are_found_by_number_and_by_id() {
    let (_f, repo) = built_demo();
    let snapshot = repo.snapshot().unwrap();
    let by_number = snapshot.find("12").expect("by number");
    assert_eq!(by_number.id, "12-ai-technology");
    let by_id = snapshot.find("12-ai-technology").expect("by id");
    assert_eq!(by_id.id, by_number.id);
    assert_eq!(
        snapshot.find(" 42 ").map(|a| a.id.as_str()),
        Some("42-dependent-death-benefit")
    );
    assert!(snapshot.find("99").is_none());
    assert!(snapshot.find("ai").is_none());
    assert!(snapshot.find("").is_none());
}

#[test]
fn demo_refuses_to_overwrite_a_folder_that_is_not_a_demo() {
    let f = Fixture::bare_dir();
    f.write("mine/notes.txt", "my own work\n");
    let run = f.run(&["demo", "mine", "--no-tui"]);
    run.assert_exit(2);
    assert!(
        run.stderr.contains("is not a bargain demo"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(f.file("mine/notes.txt")).unwrap(),
        "my own work\n"
    );
    assert!(!f.file("mine/.git").exists());

    // A real table is not a demo either.
    let table = Fixture::new();
    let head = table.head();
    let run = table.run(&["demo", ".", "--no-tui"]);
    run.assert_exit(2);
    assert_eq!(table.head(), head);
    assert!(table.file("bargaining.yaml").exists());
}

#[test]
fn demo_rebuilds_an_untouched_demo_and_keeps_one_someone_worked_in() {
    let (f, repo) = built_demo();
    let head = repo.head().unwrap().commit;
    drop(repo);
    // Untouched: rebuilt from scratch (a stray file inside .git is gone), to the same commits.
    std::fs::write(f.file("demo/.git/left-behind"), "x").unwrap();
    f.run(&["demo", "demo", "--no-tui"]).assert_exit(0);
    assert!(!f.file("demo/.git/left-behind").exists(), "rebuilt");
    assert_eq!(
        Repo::open(&f.file("demo")).unwrap().head().unwrap().commit,
        head,
        "deterministic"
    );

    // Touched (an edit not committed): kept as it is.
    f.write("demo/proposals/12-ai-technology/union.md", "my draft\n");
    f.run(&["demo", "demo", "--no-tui"]).assert_exit(0);
    assert_eq!(
        std::fs::read_to_string(f.file("demo/proposals/12-ai-technology/union.md")).unwrap(),
        "my draft\n"
    );

    // Touched (a commit of its own): kept as it is.
    let git = std::process::Command::new("git")
        .args(["commit", "-qam", "my own pass"])
        .current_dir(f.file("demo"))
        .output()
        .unwrap();
    assert!(
        git.status.success(),
        "{}",
        String::from_utf8_lossy(&git.stderr)
    );
    let mine = Repo::open(&f.file("demo")).unwrap().head().unwrap().commit;
    assert_ne!(mine, head);
    f.run(&["demo", "demo", "--no-tui"]).assert_exit(0);
    assert_eq!(
        Repo::open(&f.file("demo")).unwrap().head().unwrap().commit,
        mine
    );
}

#[test]
fn demo_without_no_tui_builds_then_prints_the_tracker() {
    let f = Fixture::bare_dir();
    let run = f.run(&["demo", "demo"]);
    run.assert_exit(0);
    assert!(
        run.stdout.starts_with("Built the example negotiation in "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("National Agreement 2025"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("TAs: "), "{}", run.stdout);
}

#[test]
fn the_kept_demo_enters_the_employers_passes_as_received_and_attests_its_signatures() {
    let f = Fixture::bare_dir();
    f.run(&["demo", "kept", "--no-tui", "--kept-by", "union"])
        .assert_exit(0);
    let repo = Repo::open(&f.file("kept")).unwrap();
    let snapshot = repo.snapshot().unwrap();
    assert_eq!(snapshot.table.kept_by.side(), Some("union"));
    // Every commit is by the union's people; the employer's words arrive as received.
    for commit in commits(&repo) {
        let email = commit.author().email().unwrap().to_string();
        assert!(email.ends_with("@union.example"), "{email}");
    }
    let log = f.run_in("kept", &["log", "12"]);
    log.assert_exit(0);
    assert!(
        log.stdout.contains(
            "Example Health pass 1 · received 2025-06-05 · entered by Union AI & technology lead"
        ),
        "{}",
        log.stdout
    );
    let status = f.run_in("kept", &["status", "--format", "csv"]);
    let row = status
        .stdout
        .lines()
        .find(|l| l.starts_with("14,"))
        .unwrap();
    assert!(row.contains(",countersigned,"), "{row}");
    assert!(row.contains(",attested,"), "{row}");
}
