//! Nothing is lost: the real `bargain pass` killed with SIGKILL at every step of a write and at
//! random moments, and writers racing each other (threads and processes).

use crate::common::Fixture;
use bargain_core::record;
use bargain_core::store::History;
use bargain_core::store::writer;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A text file outside the repository, for `--file`.
fn text_file(f: &Fixture, name: &str, text: &str) -> PathBuf {
    let path = f.path().parent().unwrap().join(format!(
        "{}-{name}",
        f.path().file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

/// Waits until the paused writer has written `marker`; fails (instead of hanging) when the
/// writer ended before it got there.
fn wait_for_pause(child: &mut Child, marker: &Path) {
    while !marker.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the writer ended ({status}) before pausing at {}",
                marker.display()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn spawn_pass(f: &Fixture, file: &Path, pause: Option<(&str, &Path)>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bargain"));
    command
        .args([
            "pass",
            "12",
            "--side",
            "union",
            "--date",
            "2025-06-04",
            "--file",
        ])
        .arg(file)
        .current_dir(f.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some((step, marker)) = pause {
        command.env("BARGAIN_TEST_PAUSE", format!("{step}:{}", marker.display()));
    }
    command.spawn().expect("bargain runs")
}

/// `git fsck --strict` succeeds (the fixture's `git` panics otherwise) and reports no error.
fn fsck_clean(f: &Fixture) {
    let out = Command::new("git")
        .args(["fsck", "--strict", "--no-progress"])
        .current_dir(f.path())
        .output()
        .unwrap();
    let report =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "git fsck failed: {report}");
    for bad in ["error", "missing", "broken", "corrupt"] {
        assert!(!report.contains(bad), "git fsck: {report}");
    }
}

fn union_passes(f: &Fixture) -> Vec<String> {
    let repo = f.repo();
    let history = History::build(&repo).unwrap();
    history
        .passes("12-ai", "union")
        .map(|e| {
            let blob = repo.git.find_blob(e.blob.unwrap()).unwrap();
            String::from_utf8_lossy(blob.content()).into_owned()
        })
        .collect()
}

fn setup() -> Fixture {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Pass zero.\n")
        .unwrap();
    f.identity("ai-lead@union.example");
    f
}

#[test]
fn a_writer_killed_at_each_step_leaves_git_fsck_clean_and_loses_nothing() {
    for (step, lands) in [
        ("commit-written", false),
        ("branch-moved", true),
        ("file-written", true),
        ("index-started", true),
        ("index-written", true),
    ] {
        let f = setup();
        let before = f.head();
        let file = text_file(&f, step, &format!("Text at {step}.\n"));
        let marker = file.with_extension("paused");
        let mut child = spawn_pass(&f, &file, Some((step, &marker)));
        let started = Instant::now();
        while !marker.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the writer never reached {step}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        fsck_clean(&f);
        let landed = f.head() != before;
        assert_eq!(landed, lands, "{step}");
        let expected: Vec<String> = if landed {
            vec!["Pass zero.\n".into(), format!("Text at {step}.\n")]
        } else {
            vec!["Pass zero.\n".into()]
        };
        assert_eq!(union_passes(&f), expected, "{step}");

        // The next write finishes the interrupted one first; nothing is clobbered.
        let next = text_file(&f, &format!("{step}-next"), "The next pass.\n");
        let out = Command::new(env!("CARGO_BIN_EXE_bargain"))
            .args(["pass", "12", "--side", "union", "--file"])
            .arg(&next)
            .env("BARGAIN_TEST_TODAY", f.today().to_string())
            .current_dir(f.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{step}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(f.porcelain(), "", "{step}: work tree and index follow HEAD");
        assert!(!f.file(".git/bargain-journal").exists());
        let mut expected = expected;
        expected.push("The next pass.\n".into());
        assert_eq!(union_passes(&f), expected, "{step}");
        fsck_clean(&f);
        for p in [file, marker, next] {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[test]
fn recover_finishes_an_interrupted_write_and_leaves_later_edits_alone() {
    let f = setup();
    let file = text_file(&f, "recover", "Recorded text.\n");
    let marker = file.with_extension("paused");
    let mut child = spawn_pass(&f, &file, Some(("branch-moved", &marker)));
    wait_for_pause(&mut child, &marker);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_ne!(
        f.porcelain(),
        "",
        "the work tree still shows the previous text"
    );
    assert_eq!(
        std::fs::read_to_string(f.file("proposals/12-ai/union.md")).unwrap(),
        "Pass zero.\n"
    );
    let finished = writer::recover(&f.repo()).unwrap();
    assert_eq!(finished, vec!["proposals/12-ai/union.md".to_string()]);
    assert_eq!(f.porcelain(), "");
    assert_eq!(
        std::fs::read_to_string(f.file("proposals/12-ai/union.md")).unwrap(),
        "Recorded text.\n"
    );
    assert!(writer::recover(&f.repo()).unwrap().is_empty());

    // Killed again, and someone edits the file before the recovery: their edit stays.
    let file = text_file(&f, "recover-2", "Second recorded text.\n");
    let mut child = spawn_pass(
        &f,
        &file,
        Some(("branch-moved", &marker.with_extension("2"))),
    );
    while !marker.with_extension("2").exists() {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    f.write("proposals/12-ai/union.md", "A person's edit.\n");
    assert!(writer::recover(&f.repo()).unwrap().is_empty());
    assert_eq!(
        std::fs::read_to_string(f.file("proposals/12-ai/union.md")).unwrap(),
        "A person's edit.\n"
    );
    fsck_clean(&f);
    for p in [file, marker.clone(), marker.with_extension("2")] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn writers_killed_at_random_moments_never_corrupt_or_lose_a_pass() {
    let f = setup();
    let mut landed = vec!["Pass zero.\n".to_string()];
    // A small fixed generator: the same "random" moments on every run.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..24 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % 60_000);
        let text = format!("Pass {i} of the random run.\n");
        let file = text_file(&f, &format!("random-{i}"), &text);
        let before = f.head();
        let mut child = spawn_pass(&f, &file, None);
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        fsck_clean(&f);
        writer::recover(&f.repo()).unwrap();
        assert_eq!(f.porcelain(), "", "run {i}: consistent after recovery");
        if f.head() != before {
            landed.push(text.clone());
        }
        assert_eq!(
            union_passes(&f),
            landed,
            "run {i}: every landed pass is kept"
        );
        assert_eq!(
            std::fs::read_to_string(f.file("proposals/12-ai/union.md")).unwrap(),
            *landed.last().unwrap()
        );
        let _ = std::fs::remove_file(file);
    }
}

#[test]
fn two_writers_at_once_one_retries_and_nothing_is_lost() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("chief@union.example");
    let path = f.path().to_path_buf();
    for round in 0..6 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = ["12", "21"]
            .into_iter()
            .map(|article| {
                let barrier = barrier.clone();
                let path = path.clone();
                std::thread::spawn(move || {
                    let repo = bargain_core::store::Repo::open(&path).unwrap();
                    let request = crate::common::pass_request(
                        article,
                        "union",
                        &format!("Round {round} on {article}.\n"),
                    );
                    barrier.wait();
                    record::record(
                        &repo,
                        &request,
                        bargain_core::model::Date::parse("2025-06-04").expect("a June session day"),
                    )
                })
            })
            .collect();
        for h in handles {
            let result = h.join().unwrap();
            assert!(result.is_ok(), "round {round}: {:?}", result.err());
        }
        assert_eq!(f.porcelain(), "", "round {round}");
    }
    let history = History::build(&f.repo()).unwrap();
    assert_eq!(history.passes("12-ai", "union").count(), 6);
    assert_eq!(history.passes("21-staffing", "union").count(), 6);
    fsck_clean(&f);
}

#[test]
fn two_bargain_processes_at_once_both_land_or_one_is_refused_cleanly() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("chief@union.example");
    for round in 0..4 {
        let children: Vec<(String, Child)> = ["12", "21"]
            .into_iter()
            .map(|article| {
                let text = format!("Process round {round} on {article}.\n");
                let file = text_file(&f, &format!("proc-{round}-{article}"), &text);
                let child = Command::new(env!("CARGO_BIN_EXE_bargain"))
                    .args([
                        "pass",
                        article,
                        "--side",
                        "union",
                        "--date",
                        "2025-06-04",
                        "--file",
                    ])
                    .arg(&file)
                    .current_dir(f.path())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                (text, child)
            })
            .collect();
        for (text, child) in children {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => {
                    let log = f.git(&["log", "-p", "--format=%H"]);
                    assert!(
                        log.contains(text.trim()),
                        "{text} reported recorded but missing"
                    );
                }
                Some(1) => assert!(
                    err.contains("moved") || err.contains("another bargain"),
                    "{err}"
                ),
                other => panic!("unexpected exit {other:?}: {err}"),
            }
        }
        assert_eq!(f.porcelain(), "", "round {round}");
    }
    fsck_clean(&f);
}

#[test]
fn an_index_lock_left_by_a_killed_writer_is_cleared_and_a_foreign_one_is_respected() {
    for (step, ours) in [("index-started", true), ("file-written", false)] {
        let f = setup();
        let file = text_file(&f, step, "Locked text.\n");
        let marker = file.with_extension("paused");
        let mut child = spawn_pass(&f, &file, Some((step, &marker)));
        wait_for_pause(&mut child, &marker);
        // What libgit2 would have left had the kill come during its index write (or, before the
        // index stage, what a git command running now holds).
        std::fs::write(f.file(".git/index.lock"), b"").unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        let result = writer::recover(&f.repo());
        if ours {
            assert_eq!(
                result.unwrap(),
                vec!["proposals/12-ai/union.md".to_string()]
            );
            assert!(!f.file(".git/index.lock").exists());
            assert_eq!(f.porcelain(), "");
        } else {
            assert!(
                matches!(result, Err(writer::WriteError::Locked)),
                "{result:?}"
            );
            assert!(
                f.file(".git/index.lock").exists(),
                "git's lock is never taken away"
            );
            std::fs::remove_file(f.file(".git/index.lock")).unwrap();
            writer::recover(&f.repo()).unwrap();
            assert_eq!(f.porcelain(), "");
        }
        fsck_clean(&f);
        for p in [file, marker] {
            let _ = std::fs::remove_file(p);
        }
    }
}
