//! The history index kept in `.git/bargain/`: written on the first start, reused and extended on
//! the next, and — whatever happened to the file or to history — never a different answer from
//! a walk of all history. One article's commands walk only that article's folder.

use crate::common::Fixture;
use bargain_core::store::{History, Repo, Reuse, Stale, index_cache};
use git2::Oid;
use std::sync::Arc;

/// What a cold walk of all history finds.
fn cold(f: &Fixture) -> History {
    History::build(&f.repo()).expect("history")
}

fn assert_same(loaded: &History, built: &History) {
    assert_eq!(loaded.head, built.head, "covers the same commit");
    assert_eq!(loaded.commits, built.commits, "the same commits");
    assert_eq!(loaded.articles, built.articles, "the same events");
    assert_eq!(loaded.shallow, built.shallow);
}

fn load(f: &Fixture) -> (History, Reuse) {
    History::load(&f.repo()).expect("history loads")
}

fn index_file(f: &Fixture) -> std::path::PathBuf {
    index_cache::path(&f.repo())
}

/// A small negotiation: two articles, passes by both sides, a status change, a TA.
fn negotiated() -> Fixture {
    let f = Fixture::new();
    f.agreed_article();
    f.record_pass(
        "staffing-lead@union.example",
        "21",
        "union",
        "Staffing: four nurses a ward.\n",
    )
    .expect("pass");
    f
}

/// Every command that reads history, as the user sees it.
fn outputs(f: &Fixture) -> Vec<String> {
    [
        &["status", "--format", "csv"][..],
        &["log"],
        &["log", "12"],
        &["log", "21"],
        &["diff", "12", "--color", "never"],
        &["diff", "21", "--color", "never"],
    ]
    .iter()
    .map(|args| {
        let run = f.run(args);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        format!("{args:?} → {:?}\n{}{}", run.code, run.stdout, run.stderr)
    })
    .collect()
}

/// The outputs with no index on disk (it is removed first and again after).
fn cold_outputs(f: &Fixture) -> Vec<String> {
    let _ = std::fs::remove_file(index_file(f));
    let out = outputs(f);
    let _ = std::fs::remove_file(index_file(f));
    out
}

#[test]
fn index_is_written_on_first_start_then_reused_then_extended() {
    let f = negotiated();
    let (first, reuse) = load(&f);
    assert_eq!(reuse, Reuse::Rebuilt(Stale::Missing));
    assert!(
        index_file(&f).is_file(),
        "the index is kept in .git/bargain/"
    );
    assert_same(&first, &cold(&f));

    let (second, reuse) = load(&f);
    assert_eq!(reuse, Reuse::Loaded);
    assert_same(&second, &cold(&f));

    f.record_pass(
        "staffing-lead@employer.example",
        "21",
        "employer",
        "Staffing: three nurses a ward.\n",
    )
    .expect("pass");
    f.record_pass(
        "staffing-lead@union.example",
        "21",
        "union",
        "Staffing: four nurses a ward, five at night.\n",
    )
    .expect("pass");
    let (third, reuse) = load(&f);
    assert_eq!(
        reuse,
        Reuse::Extended(2),
        "only the two new commits are read"
    );
    assert_same(&third, &cold(&f));
    let (_, reuse) = load(&f);
    assert_eq!(reuse, Reuse::Loaded, "the extended index was written back");
}

#[test]
fn commands_print_the_same_with_the_index_on_disk_as_without() {
    let f = negotiated();
    let cold = cold_outputs(&f);
    // The first run writes the index, the second reads it.
    assert_eq!(outputs(&f), cold);
    assert!(index_file(&f).is_file());
    assert_eq!(outputs(&f), cold);
    // Status writes the index; the next commands extend it by a commit made since.
    f.run(&["status"]).assert_exit(0);
    f.pass(
        "12-ai",
        "union",
        "Union text, again.\n",
        "ai-lead@union.example",
    );
    let warm = outputs(&f);
    assert_eq!(load(&f).1, Reuse::Loaded, "the extended index was written");
    assert_ne!(warm, cold, "the new pass shows");
    assert_eq!(warm, cold_outputs(&f));
}

/// Damages the file with `damage`, then checks the damage is noticed, the index rebuilt to the
/// cold answer, and the file good again.
fn damaged(damage: impl Fn(&mut Vec<u8>), expected: Stale) {
    let f = negotiated();
    let cold_out = cold_outputs(&f);
    load(&f);
    let path = index_file(&f);
    let mut bytes = std::fs::read(&path).expect("index written");
    damage(&mut bytes);
    std::fs::write(&path, &bytes).expect("damage");
    let (history, reuse) = load(&f);
    assert_eq!(reuse, Reuse::Rebuilt(expected));
    assert_same(&history, &cold(&f));
    assert_eq!(load(&f).1, Reuse::Loaded, "the rebuilt index was written");
    std::fs::write(&path, &bytes).expect("damage again");
    assert_eq!(outputs(&f), cold_out, "the commands answer as a cold run");
}

#[test]
fn corrupt_bytes_are_detected_and_the_index_rebuilt() {
    // A byte of the body changed: the checksum no longer matches.
    damaged(
        |b| {
            let last = b.len() - 30;
            b[last] ^= 0x55;
        },
        Stale::Corrupt,
    );
}

#[test]
fn a_changed_checksum_is_detected() {
    damaged(|b| b[25] ^= 1, Stale::Corrupt);
}

#[test]
fn a_truncated_file_is_detected_and_the_index_rebuilt() {
    damaged(|b| b.truncate(b.len() / 2), Stale::Corrupt);
}

#[test]
fn an_empty_or_foreign_file_is_detected() {
    damaged(Vec::clear, Stale::Corrupt);
    damaged(
        |b| *b = b"format: 1\nname: not an index\n".to_vec(),
        Stale::Corrupt,
    );
}

#[test]
fn an_index_of_another_format_version_is_rebuilt() {
    let other = index_cache::FORMAT + 1;
    damaged(
        |b| b[16..20].copy_from_slice(&other.to_le_bytes()),
        Stale::OtherFormat(other),
    );
}

#[test]
fn every_prefix_and_every_flipped_byte_of_an_index_is_refused_without_panic() {
    let f = negotiated();
    let history = cold(&f);
    let shallow = [0; 32];
    let bytes = index_cache::encode(&history, &shallow).expect("encodes");
    assert_same(
        &index_cache::decode(&bytes, &shallow).expect("decodes"),
        &history,
    );
    for n in 0..bytes.len() {
        assert!(
            index_cache::decode(&bytes[..n], &shallow).is_err(),
            "prefix {n}"
        );
    }
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x80;
        assert!(index_cache::decode(&flipped, &shallow).is_err(), "byte {i}");
    }
}

#[test]
fn an_amended_commit_is_detected_as_rewritten_history() {
    let f = negotiated();
    load(&f);
    f.write(
        "proposals/21-staffing/union.md",
        "Staffing: five nurses a ward.\n",
    );
    f.git(&[
        "commit",
        "-q",
        "-a",
        "--amend",
        "-m",
        "Pass on 21 by union, amended",
    ]);
    let (history, reuse) = load(&f);
    assert_eq!(reuse, Reuse::Rebuilt(Stale::Rewritten));
    assert_same(&history, &cold(&f));
    assert_eq!(outputs(&f), cold_outputs(&f));
}

#[test]
fn a_reset_to_another_branch_is_detected_as_rewritten_history() {
    let f = negotiated();
    let fork = f.head();
    f.pass("12-ai", "union", "Main's text.\n", "ai-lead@union.example");
    load(&f);
    f.git(&["checkout", "-q", "-b", "other", &fork.to_string()]);
    f.pass("12-ai", "union", "Other's text.\n", "ai-lead@union.example");
    f.git(&["checkout", "-q", "main"]);
    f.git(&["reset", "-q", "--hard", "other"]);
    let (history, reuse) = load(&f);
    assert_eq!(reuse, Reuse::Rebuilt(Stale::Rewritten));
    assert_same(&history, &cold(&f));

    // Back to an older commit of the same branch: the index is ahead of HEAD.
    load(&f);
    f.git(&["reset", "-q", "--hard", &fork.to_string()]);
    assert_eq!(load(&f).1, Reuse::Rebuilt(Stale::Rewritten));
    assert_eq!(outputs(&f), cold_outputs(&f));
}

#[test]
fn an_index_copied_from_another_repository_is_not_used() {
    let a = negotiated();
    load(&a);
    let b = Fixture::new();
    b.two_articles();
    b.pass(
        "21-staffing",
        "employer",
        "Other table.\n",
        "staffing-lead@employer.example",
    );
    let cold_b = cold_outputs(&b);
    std::fs::create_dir_all(index_file(&b).parent().expect("folder")).expect("mkdir");
    std::fs::copy(index_file(&a), index_file(&b)).expect("copy the index");
    let (history, reuse) = load(&b);
    assert_eq!(reuse, Reuse::Rebuilt(Stale::Rewritten));
    assert_same(&history, &cold(&b));
    std::fs::copy(index_file(&a), index_file(&b)).expect("copy the index again");
    assert_eq!(outputs(&b), cold_b);
}

#[test]
fn a_shallow_clone_deepened_since_rebuilds_its_index() {
    let f = negotiated();
    let clone = f.clone_shallow();
    let (history, reuse) = load(&clone);
    assert_eq!(reuse, Reuse::Rebuilt(Stale::Missing));
    assert!(history.shallow);
    assert_eq!(load(&clone).1, Reuse::Loaded);
    clone.git(&["fetch", "-q", "--unshallow"]);
    let (history, reuse) = load(&clone);
    assert_eq!(reuse, Reuse::Rebuilt(Stale::ShallowChanged));
    assert_same(&history, &cold(&clone));
    assert!(!history.shallow);
}

/// An article's events as commit ids, comparable between indexes of different scope.
fn timeline(history: &History, article: &str) -> Vec<(Oid, String, Option<Oid>)> {
    history
        .events(article)
        .iter()
        .map(|e| (history.commit(e).id, format!("{:?}", e.kind), e.blob))
        .collect()
}

#[test]
fn one_article_walk_finds_what_the_whole_walk_finds_through_merges_and_removals() {
    let f = negotiated();
    let fork = f.head();
    f.git(&["checkout", "-q", "-b", "side"]);
    f.pass(
        "12-ai",
        "union",
        "Side branch text.\n",
        "ai-lead@union.example",
    );
    f.pass(
        "21-staffing",
        "employer",
        "Side staffing.\n",
        "staffing-lead@employer.example",
    );
    f.git(&["checkout", "-q", "main"]);
    f.pass(
        "21-staffing",
        "union",
        "Main staffing.\n",
        "staffing-lead@union.example",
    );
    f.git(&["merge", "-q", "--no-edit", "-X", "ours", "side"]);
    // A file removed, then a whole folder removed, then the folder back, all by hand.
    f.git(&["rm", "-q", "proposals/21-staffing/employer.md"]);
    f.commit_by_hand("Drop the employer's staffing text");
    f.git(&["rm", "-q", "-r", "proposals/12-ai"]);
    f.commit_by_hand("Remove article 12");
    f.git(&["checkout", "-q", &fork.to_string(), "--", "proposals/12-ai"]);
    f.commit_by_hand("Restore article 12");
    let whole = cold(&f);
    assert!(whole.articles.len() >= 2);
    for article in whole.articles.keys().map(String::as_str).chain(["99-none"]) {
        let one = History::of_article(&f.repo(), article).expect("one article");
        assert_eq!(one.scope(), Some(article));
        assert_eq!(
            timeline(&one, article),
            timeline(&whole, article),
            "{article}"
        );
        assert!(one.articles.keys().all(|a| a == article));
    }
}

#[test]
fn one_article_walk_of_a_line_of_commits_finds_what_the_whole_walk_finds() {
    let f = negotiated();
    f.git(&["rm", "-q", "proposals/12-ai/ta.md"]);
    f.commit_by_hand("Drop the TA text by hand");
    f.pass(
        "12-ai",
        "union",
        "Union text, reopened.\n",
        "ai-lead@union.example",
    );
    let whole = cold(&f);
    for article in ["12-ai", "21-staffing", "99-none"] {
        let one = History::of_article(&f.repo(), article).expect("one article");
        assert_eq!(
            timeline(&one, article),
            timeline(&whole, article),
            "{article}"
        );
        assert_eq!(one.head, whole.head);
    }
    assert!(!timeline(&whole, "12-ai").is_empty());
}

#[test]
fn one_article_index_is_never_written_to_disk() {
    let f = negotiated();
    let one = History::of_article(&f.repo(), "12-ai").expect("one article");
    one.save(&f.repo()).expect("nothing to write");
    assert!(!index_file(&f).exists());
    // A cold `diff` or `log` of one article does not write the index either.
    f.run(&["diff", "12", "--color", "never"]).assert_exit(0);
    f.run(&["log", "12"]).assert_exit(0);
    assert!(!index_file(&f).exists());
}

#[test]
fn a_read_only_index_folder_still_answers() {
    let f = negotiated();
    let cold_out = cold_outputs(&f);
    // A file where the folder should be: the index cannot be written.
    let folder = index_file(&f).parent().expect("folder").to_path_buf();
    std::fs::remove_dir_all(&folder).expect("the index folder exists");
    std::fs::write(&folder, b"not a folder").expect("block the folder");
    assert_eq!(
        load(&f).1,
        Reuse::Rebuilt(Stale::Unreadable(std::io::ErrorKind::NotADirectory))
    );
    assert_eq!(outputs(&f), cold_out);
}

#[test]
fn search_corpus_reuses_the_entries_of_articles_a_write_did_not_change() {
    let f = negotiated();
    let repo = Repo::open(f.path()).expect("open");
    let before = bargain::tui::search::corpus(&repo, &repo.snapshot().expect("snapshot"));
    f.pass(
        "21-staffing",
        "employer",
        "Staffing: seven nurses.\n",
        "staffing-lead@employer.example",
    );
    let after = bargain::tui::search::corpus(&repo, &repo.snapshot().expect("snapshot"));
    let entry = |c: &bargain::tui::search::Corpus, id: &str| {
        c.articles
            .iter()
            .find(|(a, _)| a == id)
            .map(|(_, t)| Arc::clone(t))
            .expect("entry")
    };
    assert!(
        Arc::ptr_eq(&entry(&before, "12-ai"), &entry(&after, "12-ai")),
        "the unchanged article is not read again"
    );
    assert!(!Arc::ptr_eq(
        &entry(&before, "21-staffing"),
        &entry(&after, "21-staffing")
    ));
    assert!(entry(&after, "21-staffing").contains("seven nurses"));
    assert!(!entry(&before, "21-staffing").contains("seven nurses"));
}
