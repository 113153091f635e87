//! The writer on a hostile or unusual repository (issue 14, items 8–15), and the fuzz corpora
//! replayed on stable Rust.

use crate::common::Fixture;
use bargain_core::record::RecordError;
use bargain_core::store::writer::{self, Author, CommitRequest, FileWrite, WriteError};
use std::path::Path;
use std::process::Command;

/// One commit straight through the writer, as `email`, on top of HEAD.
fn write(f: &Fixture, files: &[(&str, Option<&[u8]>)]) -> Result<git2::Oid, WriteError> {
    let repo = f.repo();
    let request = CommitRequest {
        files: files
            .iter()
            .map(|(path, content)| FileWrite {
                path: path.to_string(),
                content: content.map(<[u8]>::to_vec),
            })
            .collect(),
        message: "A recording\n\nBargain-Article: 12-ai\n".to_string(),
        author: Author {
            name: "Union chief".to_string(),
            email: "chief@union.example".to_string(),
            time: None,
        },
        expected_head: Some(f.head()),
    };
    writer::commit(&repo, &request)
}

fn problems(f: &Fixture) -> Vec<String> {
    f.repo()
        .snapshot()
        .expect("table loads")
        .all_problems()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_writer_never_writes_through_a_link_and_links_in_proposals_are_findings() {
    let f = Fixture::new();
    f.two_articles();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("stolen.md");
    // A committed link where the union's pass goes, a linked article folder, and a hidden link
    // named like the writer's temporary files.
    f.symlink(target.to_str().unwrap(), "proposals/12-ai/union.md");
    f.symlink(outside.path().to_str().unwrap(), "proposals/30-linked");
    f.symlink(
        target.to_str().unwrap(),
        "proposals/12-ai/.union.md.bargain-4242",
    );
    f.symlink("/etc", "proposals/.hidden");
    f.commit_by_hand("typo fixes");
    let before = f.head();

    for path in ["proposals/12-ai/union.md", "proposals/30-linked/union.md"] {
        let err = write(&f, &[(path, Some(&b"Pass.\n"[..]))]).unwrap_err();
        assert!(matches!(&err, WriteError::Link(p) if p == path), "{err}");
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
    assert_eq!(f.head(), before, "nothing recorded");
    assert!(!target.exists(), "nothing written outside the repository");
    assert!(!outside.path().join("union.md").exists());
    assert!(
        std::fs::symlink_metadata(f.file("proposals/12-ai/union.md"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is left as it was, not replaced behind the user's back"
    );

    let found = problems(&f);
    for path in [
        "proposals/12-ai/union.md",
        "proposals/30-linked",
        "proposals/12-ai/.union.md.bargain-4242",
        "proposals/.hidden",
    ] {
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("{path}: ")) && p.contains("symbolic link")),
            "{path} is a finding: {found:#?}"
        );
    }
}

#[test]
fn a_submodule_under_proposals_is_a_finding() {
    let f = Fixture::new();
    f.two_articles();
    let head = f.head().to_string();
    for path in ["proposals/.vendored", "proposals/12-ai/union.md"] {
        f.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},{path}"),
        ]);
    }
    f.git(&["commit", "-q", "-m", "vendor"]);
    let found = problems(&f);
    for path in ["proposals/.vendored", "proposals/12-ai/union.md"] {
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("{path}: ")) && p.contains("submodule")),
            "{path}: {found:#?}"
        );
    }
}

/// The pid of a process that has finished (and so is certainly not running).
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("true runs");
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_stale_branch_lock_is_named_and_cleared_only_when_it_is_provably_ours() {
    let f = Fixture::new();
    f.two_articles();
    let lock = f.file(".git/refs/heads/main.lock");

    // A lock some git process holds: named, never touched.
    std::fs::write(&lock, "").unwrap();
    let err = f
        .record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .unwrap_err();
    let RecordError::Write(WriteError::RefLocked(named)) = &err else {
        panic!("expected the branch lock, got {err}");
    };
    assert_eq!(named, &lock);
    let said = err.to_string();
    assert!(said.contains("refs/heads/main.lock"), "{said}");
    assert!(!said.contains("index.lock"), "{said}");
    assert!(lock.exists(), "someone else's lock is left alone");

    // A writer killed while moving the branch: its journal (stage files, a pid that is gone)
    // and the lock made at the same moment. The next recording clears it and goes on.
    std::fs::remove_file(&lock).unwrap();
    let journal = format!(
        "commit {}\npid {}\nstage files\n\nproposals/12-ai/union.md\n",
        "0123456789abcdef0123456789abcdef01234567",
        dead_pid()
    );
    std::fs::write(f.file(".git/bargain-journal"), journal).unwrap();
    std::fs::write(&lock, "").unwrap();
    f.record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .expect("the stale lock of a dead writer is cleared");
    assert!(!lock.exists());
    assert!(!f.file(".git/bargain-journal").exists());
    assert_eq!(
        f.committed("proposals/12-ai/union.md").as_deref(),
        Some("Union text.\n")
    );
}

#[test]
fn with_autocrlf_a_crlf_pass_is_normalised_and_leaves_nothing_unrecorded() {
    let f = Fixture::new();
    f.two_articles();
    f.git(&["config", "core.autocrlf", "true"]);
    f.record_pass(
        "ai-lead@union.example",
        "12",
        "union",
        "Line one.\r\nLine two.\r\n",
    )
    .expect("union pass");
    assert_eq!(
        f.committed("proposals/12-ai/union.md").as_deref(),
        Some("Line one.\nLine two.\n"),
        "stored as git stores it under autocrlf"
    );
    assert_eq!(f.porcelain(), "", "index and work tree agree with HEAD");
    assert!(f.repo().uncommitted().is_empty());
    f.record_pass(
        "ai-lead@employer.example",
        "12",
        "employer",
        "Employer line.\r\n",
    )
    .expect("the next pass is not refused");
    assert_eq!(f.porcelain(), "");

    // A `text` attribute converts too, even without autocrlf; `-text` keeps the bytes exact.
    let g = Fixture::new();
    g.two_articles();
    g.write(
        ".gitattributes",
        "*.md text\nproposals/21-staffing/*.md -text\n",
    );
    g.commit_by_hand("line endings");
    g.record_pass("ai-lead@union.example", "12", "union", "A.\r\nB.\r\n")
        .unwrap();
    assert_eq!(
        g.committed("proposals/12-ai/union.md").as_deref(),
        Some("A.\nB.\n")
    );
    g.record_pass("staffing-lead@union.example", "21", "union", "C.\r\n")
        .unwrap();
    assert_eq!(
        g.committed("proposals/21-staffing/union.md").as_deref(),
        Some("C.\r\n")
    );
    assert_eq!(g.porcelain(), "");
}

#[test]
fn line_endings_and_ident_are_stored_as_git_stores_them_and_the_recorder_is_told() {
    let f = Fixture::new();
    f.two_articles();
    f.write(".gitattributes", "*.md ident\n");
    f.commit_by_hand("ident");
    f.git(&["config", "core.autocrlf", "true"]);
    f.identity("ai-lead@union.example");
    f.write(
        ".git/new.md",
        "Revision $Id: typed by someone $ here.\r\nLine two.\r\n",
    );
    let run = f.run(&["pass", "12", "--side", "union", "--file", ".git/new.md"]);
    run.assert_exit(0);
    assert_eq!(
        f.committed("proposals/12-ai/union.md").as_deref(),
        Some("Revision $Id$ here.\nLine two.\n"),
        "stored as git's clean filters store it"
    );
    let note = run
        .lines("note: proposals/12-ai/union.md:")
        .first()
        .copied()
        .unwrap_or_else(|| panic!("the recorder is told: {run:?}"));
    assert!(note.contains("CRLF") && note.contains("as LF"), "{note}");
    assert!(note.contains("$Id$") && note.contains("ident"), "{note}");
    // The index and the work tree agree with HEAD, so the next pass is not refused.
    assert_eq!(f.porcelain(), "");
    f.identity("ai-lead@employer.example");
    f.write(".git/answer.md", "Employer answer.\n");
    let run = f.run(&[
        "pass",
        "12",
        "--side",
        "employer",
        "--file",
        ".git/answer.md",
    ]);
    run.assert_exit(0);
    assert!(
        !run.stderr.contains("note: proposals"),
        "nothing to say: {}",
        run.stderr
    );
}

fn hook(f: &Fixture, folder: &str, name: &str, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = f.file(&format!("{folder}/{name}"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_failing_pre_commit_or_commit_msg_hook_refuses_the_recording_with_its_output() {
    let f = Fixture::new();
    f.two_articles();
    let before = f.head();
    hook(
        &f,
        ".git/hooks",
        "pre-commit",
        "echo 'no passes after \x1b[31mmidnight'; exit 3",
    );
    let err = f
        .record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .unwrap_err();
    let said = err.to_string();
    assert!(
        matches!(
            &err,
            RecordError::Write(WriteError::Hook {
                hook: "pre-commit",
                ..
            })
        ),
        "{said}"
    );
    assert!(said.contains("exit status 3"), "{said}");
    assert!(said.contains("no passes after ^[[31mmidnight"), "{said}");
    assert_eq!(f.head(), before);
    assert!(!f.file("proposals/12-ai/union.md").exists());

    std::fs::remove_file(f.file(".git/hooks/pre-commit")).unwrap();
    hook(
        &f,
        ".git/hooks",
        "commit-msg",
        "grep -q 'Reviewed-by' \"$1\" || { echo 'missing Reviewed-by' >&2; exit 1; }",
    );
    let err = f
        .record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .unwrap_err();
    let said = err.to_string();
    assert!(
        said.contains("commit-msg hook refused") && said.contains("missing Reviewed-by"),
        "{said}"
    );
    assert_eq!(f.head(), before);
}

#[test]
fn hooks_in_core_hooks_path_run_as_git_commit_runs_them() {
    let f = Fixture::new();
    f.two_articles();
    f.git(&["config", "core.hooksPath", "table-hooks"]);
    // pre-commit sees the recording staged; commit-msg gets the message; post-commit runs after.
    hook(
        &f,
        "table-hooks",
        "pre-commit",
        "git diff --cached --name-only > .git/seen-staged",
    );
    hook(
        &f,
        "table-hooks",
        "commit-msg",
        "cp \"$1\" .git/seen-message",
    );
    hook(
        &f,
        "table-hooks",
        "post-commit",
        "git rev-parse HEAD > .git/seen-head",
    );
    // A hook in .git/hooks is not run when core.hooksPath is set, as with git.
    hook(&f, ".git/hooks", "pre-commit", "exit 1");
    let id = f
        .record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .expect("the hooks pass");
    let read = |name: &str| std::fs::read_to_string(f.file(&format!(".git/{name}"))).unwrap();
    assert_eq!(read("seen-staged"), "proposals/12-ai/union.md\n");
    assert!(read("seen-message").contains("Bargain-Article"));
    assert_eq!(read("seen-head").trim(), id.to_string());
}

#[test]
fn an_untracked_or_ignored_file_the_recording_would_write_is_never_overwritten() {
    let f = Fixture::new();
    f.two_articles();
    f.write(".gitignore", "ta.md\n");
    f.commit_by_hand("ignore drafts");
    f.record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .unwrap();
    f.record_pass("ai-lead@employer.example", "12", "employer", "Agreed.\n")
        .unwrap();
    // An ignored local draft where the TA goes.
    f.write("proposals/12-ai/ta.md", "my private notes\n");
    let err = f
        .agree(
            "12",
            "chief@union.example",
            "chief@employer.example",
            Some("employer"),
        )
        .unwrap_err();
    assert!(
        matches!(&err, RecordError::Write(WriteError::Untracked(p)) if p == &["proposals/12-ai/ta.md"]),
        "{err}"
    );
    assert!(err.to_string().contains("untracked or ignored"), "{err}");
    assert_eq!(
        std::fs::read_to_string(f.file("proposals/12-ai/ta.md")).unwrap(),
        "my private notes\n"
    );

    // An untracked draft of a pass, likewise.
    f.write("proposals/21-staffing/union.md", "half a draft\n");
    let err = f
        .record_pass("staffing-lead@union.example", "21", "union", "Pass.\n")
        .unwrap_err();
    assert!(
        matches!(&err, RecordError::Write(WriteError::Untracked(_))),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(f.file("proposals/21-staffing/union.md")).unwrap(),
        "half a draft\n"
    );
}

#[test]
fn oversized_yaml_and_texts_are_refused_unread_naming_file_and_cap() {
    use bargain_core::text::{MAX_TEXT_BYTES, MAX_YAML_BYTES};
    let f = Fixture::new();
    f.two_articles();
    // Many short list items under an unknown key, just over the cap.
    let mut yaml = String::from("number: 12\ntitle: AI\ntopic: ai\nstatus: open\nx:\n");
    while yaml.len() as u64 <= MAX_YAML_BYTES {
        yaml.push_str("- a\n");
    }
    f.write("proposals/12-ai/article.yaml", &yaml);
    let big_pass = "word ".repeat(MAX_TEXT_BYTES as usize / 5 + 1);
    f.write("proposals/21-staffing/union.md", &big_pass);
    f.commit_by_hand("big files");

    let found = problems(&f);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("proposals/12-ai/article.yaml: is ")
                && p.ends_with("over the cap of 512 KB for this kind of file; it was not read")),
        "{found:#?}"
    );
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let entry = snapshot.find("21").unwrap();
    let err = repo
        .text(entry.passes["union"], "proposals/21-staffing/union.md")
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("proposals/21-staffing/union.md: is 16.0 MB, over the cap of 16 MB"),
        "{err}"
    );

    // The writer refuses to record what it could not read back.
    let before = f.head();
    let err = write(
        &f,
        &[("proposals/12-ai/union.md", Some(big_pass.as_bytes()))],
    )
    .unwrap_err();
    assert!(
        matches!(&err, WriteError::TooLarge(p) if p.file == "proposals/12-ai/union.md"),
        "{err}"
    );
    assert!(err.to_string().contains("over the cap of 16 MB"), "{err}");
    assert_eq!(f.head(), before);

    // A table file over the cap: the table cannot load, and says why.
    let g = Fixture::new();
    let mut table = crate::common::TABLE_YAML.to_string();
    table.push_str("# padding\n");
    while table.len() as u64 <= MAX_YAML_BYTES {
        table.push_str("#.......................................\n");
    }
    g.write("bargaining.yaml", &table);
    g.commit_by_hand("padding");
    let err = g.repo().snapshot().unwrap_err().to_string();
    assert!(
        err.starts_with("bargaining.yaml: is ") && err.contains("over the cap of 512 KB"),
        "{err}"
    );
}

#[test]
fn twenty_parallel_passes_all_land() {
    let f = Fixture::new();
    f.identity("chief@union.example");
    let mut ids = Vec::new();
    for n in 0..20u32 {
        let id = format!("{}-article", 50 + n);
        f.article(&id, 50 + n, &format!("Article {n}"), "ai", None);
        f.write(&format!("pass-{n}.md"), format!("Union pass {n}.\n"));
        ids.push(id);
    }
    let children: Vec<_> = (0..20u32)
        .map(|n| {
            Command::new(env!("CARGO_BIN_EXE_bargain"))
                .args([
                    "pass",
                    &(50 + n).to_string(),
                    "--side",
                    "union",
                    "--file",
                    &format!("pass-{n}.md"),
                ])
                .current_dir(f.path())
                .env("NO_COLOR", "1")
                .env("BARGAIN_TEST_TODAY", f.today().to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("bargain runs")
        })
        .collect();
    for (n, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "pass {n}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(
            f.committed(&format!("proposals/{id}/union.md")),
            Some(format!("Union pass {n}.\n")),
            "{id}"
        );
    }
    assert!(!f.porcelain().contains("proposals/"), "{}", f.porcelain());
}

/// A repository on a 1 MB tmpfs, filled: the blob write fails for want of space, and says so.
#[test]
fn disk_full_at_the_blob_write_says_so() {
    let mount = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(mount.path())
        .output();
    if !mounted.is_ok_and(|o| o.status.success()) {
        crate::common::skip_here("disk full (cannot mount a small tmpfs: needs root)");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(mount.path());
    let root = mount.path().join("table");
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(&root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    std::fs::create_dir_all(&root).unwrap();
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(root.join("bargaining.yaml"), crate::common::TABLE_YAML).unwrap();
    git(&["add", "-A"]);
    git(&[
        "-c",
        "user.name=Chief",
        "-c",
        "user.email=chief@union.example",
        "commit",
        "-q",
        "-m",
        "Open the table",
    ]);
    // Fill what is left.
    let mut filler = std::fs::File::create(mount.path().join("filler")).unwrap();
    let block = vec![b'x'; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    drop(filler);

    let repo = bargain_core::store::Repo::open(&root).unwrap();
    let head = repo.git.head().unwrap().target();
    // Text that does not compress: one distinct number per line.
    let text: String = (0..40_000u64)
        .map(|n| format!("{}\n", n.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
        .collect();
    let err = writer::commit(
        &repo,
        &CommitRequest {
            files: vec![FileWrite {
                path: "proposals/12-ai/union.md".to_string(),
                content: Some(text.into_bytes()),
            }],
            message: "Pass\n".to_string(),
            author: Author {
                name: "Chief".to_string(),
                email: "chief@union.example".to_string(),
                time: None,
            },
            expected_head: head,
        },
    )
    .unwrap_err();
    let said = err.to_string();
    assert!(
        said.to_lowercase().contains("no space left on device"),
        "{said}"
    );
    assert!(!said.contains("no error"), "{said}");
}

#[test]
fn every_fuzz_corpus_file_replays_through_its_target() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    for (name, target) in bargain_core::fuzz::TARGETS {
        let folder = corpus.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{name} has a corpus");
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&bytes));
            assert!(outcome.is_ok(), "{name}: {} fails", file.display());
            replayed += 1;
        }
    }
    assert!(replayed >= bargain_core::fuzz::TARGETS.len());
}

#[test]
fn the_redline_target_holds_its_oracle_on_hand_made_cases() {
    // Cases the fuzz target's oracle must accept: CRLF, lone CR, control characters, markers
    // inside the text, invalid UTF-8 (replaced), one side empty.
    for case in [
        &b"a\r\nb\r\n\0a\r\nc\r\n"[..],
        b"x\ry\0x\rz",
        b"[-{+ not markers +}-]\0[~ {~ \\ @union|",
        b"\xff\xfe bad\0bad \xff",
        b"\0only new",
        b"only old\0",
        b"moved to \xc2\xb6 1: x\n\nSection two words here.\0Section two words here.\n\nmoved to \xc2\xb6 1: x",
    ] {
        bargain_core::fuzz::redline(case);
        bargain_core::fuzz::plain_markers(case);
    }
}

#[test]
fn a_ta_with_no_draft_in_the_way_records_and_leaves_a_clean_work_tree() {
    // The untracked check raises no false alarm: the TA's new ta.md is written.
    let f = Fixture::new();
    f.agreed_article();
    assert!(f.committed("proposals/12-ai/ta.md").is_some());
    assert_eq!(f.porcelain(), "");
}

#[test]
fn verify_fails_on_a_repository_with_no_or_a_broken_table() {
    let f = Fixture::empty_repo();
    f.write("README.md", "not a table\n");
    f.git(&["add", "-A"]);
    f.git(&[
        "-c",
        "user.name=Someone",
        "-c",
        "user.email=someone@union.example",
        "commit",
        "-q",
        "-m",
        "no table",
    ]);
    let run = f.run(&["verify"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("bargaining.yaml"), "{}", run.stderr);

    let g = Fixture::new();
    g.write("bargaining.yaml", "format: [unclosed\n");
    g.commit_by_hand("break the table");
    let run = g.run(&["verify"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("bargaining.yaml"), "{}", run.stderr);
}

#[test]
fn control_and_bidi_characters_never_reach_a_commit_message_raw() {
    let message = bargain_core::events::compose_message(
        "Pass on 12 \u{1b}[2J\u{202e}gnirts",
        &["line one\u{7}\n\u{2066}line two\u{9b}".to_string()],
        &bargain_core::events::Trailers::default(),
    );
    assert!(
        !message.chars().any(bargain_core::text::needs_escape),
        "{message:?}"
    );
    assert!(
        message.starts_with("Pass on 12  [2J gnirts\n"),
        "{message:?}"
    );
}

/// A hand commit whose author line's timestamp cannot be parsed (git fsck: "bad date"), made the
/// only way one can be: written as a raw object.
fn commit_with_a_bad_date(f: &Fixture, message: &str) -> String {
    f.git(&["add", "-A"]);
    let tree = f.git(&["write-tree"]).trim().to_string();
    let parent = f.git(&["rev-parse", "HEAD"]).trim().to_string();
    let raw = format!(
        "tree {tree}\nparent {parent}\nauthor Union member <member@union.example> yesterday +0000\ncommitter Union member <member@union.example> 1754400000 +0000\n\n{message}\n"
    );
    let file = f.path().join(".git/raw-commit");
    std::fs::write(&file, raw).unwrap();
    let id = f.git(&[
        "hash-object",
        "-t",
        "commit",
        "-w",
        "--literally",
        ".git/raw-commit",
    ]);
    f.git(&["update-ref", "refs/heads/main", id.trim()]);
    f.git(&["reset", "-q"]);
    id.trim().to_string()
}

#[test]
fn a_commit_with_an_unparseable_timestamp_is_shown_undated_and_the_rest_goes_on() {
    let f = Fixture::new();
    f.two_articles();
    f.write("proposals/12-ai/union.md", "Union text typed by hand.\n");
    let id = commit_with_a_bad_date(&f, "hand pass with a broken date");
    // libgit2 itself refuses the commit; bargain reads it raw.
    assert!(
        git2::Repository::open(f.path())
            .unwrap()
            .find_commit(git2::Oid::from_str(&id).unwrap())
            .is_err()
    );
    let log = f.run(&["log"]);
    log.assert_exit(0);
    let line = log
        .stdout
        .lines()
        .find(|l| l.contains(&id[..10]))
        .unwrap_or_else(|| panic!("the commit is listed:\n{}", log.stdout));
    assert!(line.starts_with("undated "), "{line}");
    assert!(
        line.contains("member@union.example") && line.contains("[hand-made]"),
        "{line}"
    );
    // Older commits are still there, dated.
    assert!(
        log.stdout.lines().filter(|l| l.starts_with("20")).count() >= 2,
        "{}",
        log.stdout
    );
    let diff = f.run(&["diff", "12", "--color", "never"]);
    assert_eq!(diff.code, Some(0), "{}", diff.stderr);
    let status = f.run(&["status"]);
    assert!(
        !status.stderr.contains("cannot be read"),
        "{}",
        status.stderr
    );
    assert!(status.stdout.contains("12"), "{}", status.stdout);
    let verify = f.run(&["verify"]);
    assert!(
        verify.stdout.contains("commits checked"),
        "{}{}",
        verify.stdout,
        verify.stderr
    );
    assert!(
        verify.stdout.contains(&id[..10]),
        "the hand commit is listed: {}",
        verify.stdout
    );
    // A recording on top of it still lands.
    f.record_pass(
        "ai-lead@employer.example",
        "12",
        "employer",
        "Employer answer.\n",
    )
    .unwrap();
    f.run(&["log", "12"]).assert_exit(0);
}
