//! `bargain sync`: clones of one bare repository, over file:// and git://, integrating
//! concurrent recordings by what they mean; kept recordings; the pre-receive hook.

use crate::common::Fixture;
use crate::common::servers::{self, Shared, clone, git_in};
use bargain_core::record::StatusChange;

fn sync(f: &Fixture) -> crate::common::Run {
    f.run(&["sync"])
}

fn verify_clean(f: &Fixture) {
    f.run(&["verify"]).assert_exit(0);
    f.git(&["fsck", "--strict", "--no-progress"]);
}

/// Two laptops record on different articles; both land, each once, in either order.
fn recordings_on_different_articles_both_land(url: &str, shared: &Shared) {
    let a = clone(url, "ai-lead@union.example");
    let b = clone(url, "staffing-lead@employer.example");
    a.record_pass("ai-lead@union.example", "12", "union", "Union AI text.\n")
        .expect("A records");
    b.record_pass(
        "staffing-lead@employer.example",
        "21",
        "employer",
        "Employer staffing text.\n",
    )
    .expect("B records");
    let sent = sync(&a);
    sent.assert_exit(0);
    assert!(
        sent.stdout
            .contains("Sent: 12-ai · Test Union pass 1 · by Union AI lead"),
        "{}",
        sent.stdout
    );
    let both = sync(&b);
    both.assert_exit(0);
    assert!(
        both.stdout
            .contains("Received: 12-ai · Test Union pass 1 · by Union AI lead"),
        "{}",
        both.stdout
    );
    assert!(
        both.stdout
            .contains("Sent: 21-staffing · Test Employer pass 1 · by Employer staffing lead"),
        "{}",
        both.stdout
    );
    let back = sync(&a);
    back.assert_exit(0);
    assert!(
        back.stdout.contains("Received: 21-staffing"),
        "{}",
        back.stdout
    );
    assert_eq!(a.head().to_string(), shared.head());
    assert_eq!(b.head().to_string(), shared.head());
    assert_eq!(
        a.committed("proposals/21-staffing/employer.md").as_deref(),
        Some("Employer staffing text.\n")
    );
    assert_eq!(a.porcelain(), "");
    assert_eq!(b.porcelain(), "");
    // B's recording was replayed: same author, date and message, on top of A's.
    let log = a.git(&["log", "--format=%an|%ad|%s", "--date=raw", "-2"]);
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines[0].starts_with("staffing-lead|1748941200 +0000|Test Employer pass #1"),
        "{log}"
    );
    assert!(
        lines[1].starts_with("ai-lead|1748941200 +0000|Test Union pass #1"),
        "{log}"
    );
    verify_clean(&a);
}

#[test]
fn recordings_on_different_articles_both_land_over_file_url() {
    let shared = Shared::new();
    recordings_on_different_articles_both_land(&shared.file_url(), &shared);
}

#[test]
fn recordings_on_different_articles_both_land_over_git_daemon() {
    let shared = Shared::new();
    let Some(daemon) = servers::git_daemon(shared.dir.path()) else {
        crate::common::skip_here("git daemon could not be started on 127.0.0.1");
        return;
    };
    let url = format!("git://127.0.0.1:{}/table.git", daemon.port);
    recordings_on_different_articles_both_land(&url, &shared);
}

#[test]
fn same_pass_number_taken_is_kept_unsent_then_redone_as_the_next_pass() {
    let shared = Shared::new();
    let a = clone(&shared.file_url(), "ai-lead@union.example");
    let b = clone(&shared.file_url(), "chief@union.example");
    a.record_pass("ai-lead@union.example", "12", "union", "A's words.\n")
        .expect("A");
    b.record_pass("chief@union.example", "12", "union", "B's words.\n")
        .expect("B");
    sync(&a).assert_exit(0);
    let kept = sync(&b);
    kept.assert_exit(1);
    assert!(
        kept.stdout
            .contains("Received: 12-ai · Test Union pass 1 · by Union AI lead"),
        "{}",
        kept.stdout
    );
    assert!(
        kept.stdout
            .contains("Kept unsent 1: \"Test Union pass #1 on Article 12 — AI\" by chief"),
        "{}",
        kept.stdout
    );
    assert!(
        kept.stdout
            .contains("it would now be recorded as \"Test Union pass #2 on Article 12 — AI\""),
        "{}",
        kept.stdout
    );
    // Visible with plain git, the branch is the remote's, nothing in the work tree is lost.
    let unsent = b.git(&["log", "-1", "--format=%s", "refs/bargain/unsent/1"]);
    assert_eq!(unsent.trim(), "Test Union pass #1 on Article 12 — AI");
    assert_eq!(b.head().to_string(), shared.head());
    assert_eq!(
        b.committed("proposals/12-ai/union.md").as_deref(),
        Some("A's words.\n")
    );
    assert_eq!(b.porcelain(), "");
    // `status` lists it too, and the list alone says the same.
    let status = b.run(&["status"]);
    assert!(
        status
            .stderr
            .contains("note: Kept unsent 1: \"Test Union pass #1"),
        "{}",
        status.stderr
    );
    let list = b.run(&["sync", "--list"]);
    list.assert_exit(1);
    assert!(
        list.stdout.contains("refs/bargain/unsent/1"),
        "{}",
        list.stdout
    );
    let redone = b.run(&["sync", "--redo", "1"]);
    redone.assert_exit(0);
    assert!(
        redone
            .stdout
            .contains("Recorded again: Test Union pass #2 on Article 12 — AI"),
        "{}",
        redone.stdout
    );
    assert!(
        redone
            .stdout
            .contains("Sent: 12-ai · Test Union pass 2 · by Union chief negotiator"),
        "{}",
        redone.stdout
    );
    assert!(b.git(&["for-each-ref", "refs/bargain/unsent/"]).is_empty());
    assert_eq!(b.head().to_string(), shared.head());
    verify_clean(&b);
}

#[test]
fn pass_after_the_other_sides_ta_is_kept_with_the_ta_guard_as_reason_and_can_be_discarded() {
    let shared = Shared::new();
    let a = clone(&shared.file_url(), "chief@union.example");
    let b = clone(&shared.file_url(), "ai-lead@employer.example");
    for f in [&a, &b] {
        f.git(&["pull", "-q"]);
    }
    a.record_pass("ai-lead@union.example", "12", "union", "Same words.\n")
        .expect("pass");
    a.record_pass(
        "ai-lead@employer.example",
        "12",
        "employer",
        "Same words.\n",
    )
    .expect("pass");
    sync(&a).assert_exit(0);
    sync(&b).assert_exit(0);
    a.agree("12", "chief@union.example", "chief@employer.example", None)
        .expect("TA");
    b.record_pass(
        "ai-lead@employer.example",
        "12",
        "employer",
        "Second thoughts.\n",
    )
    .expect("pass");
    sync(&a).assert_exit(0);
    let kept = sync(&b);
    kept.assert_exit(1);
    assert!(
        kept.stdout
            .contains("Kept unsent 1: \"Test Employer pass #2"),
        "{}",
        kept.stdout
    );
    assert!(
        kept.stdout.contains("tentatively agreed"),
        "{}",
        kept.stdout
    );
    assert_eq!(
        b.committed("proposals/12-ai/employer.md").as_deref(),
        Some("Same words.\n")
    );
    let discarded = b.run(&["sync", "--discard", "1"]);
    discarded.assert_exit(0);
    assert!(
        discarded.stdout.contains("Discarded unsent recording 1"),
        "{}",
        discarded.stdout
    );
    sync(&b).assert_exit(0);
    verify_clean(&b);
}

#[test]
fn status_changes_replay_on_the_new_head() {
    let shared = Shared::new();
    let a = clone(&shared.file_url(), "chief@union.example");
    let b = clone(&shared.file_url(), "chief@employer.example");
    a.record_pass("ai-lead@union.example", "12", "union", "Words.\n")
        .expect("pass");
    b.record_set("chief@employer.example", "21", StatusChange::Impasse)
        .expect("impasse");
    b.record_set("chief@employer.example", "21", StatusChange::Open)
        .expect("open");
    b.record_set(
        "chief@employer.example",
        "21",
        StatusChange::Withdrawn { by: None },
    )
    .expect("withdrawn");
    sync(&a).assert_exit(0);
    let replayed = sync(&b);
    replayed.assert_exit(0);
    assert_eq!(
        replayed.stdout.matches("Sent: 21-staffing").count(),
        3,
        "{}",
        replayed.stdout
    );
    let yaml = b
        .committed("proposals/21-staffing/article.yaml")
        .expect("yaml");
    assert!(
        yaml.contains("status: withdrawn") && yaml.contains("withdrawn_by: employer"),
        "{yaml}"
    );
    verify_clean(&b);
}

#[test]
fn hand_commit_that_conflicts_stops_the_sync_and_changes_nothing() {
    let shared = Shared::new();
    let a = clone(&shared.file_url(), "chief@union.example");
    let b = clone(&shared.file_url(), "chief@union.example");
    a.write("NOTES.md", "from A\n");
    a.commit_by_hand("Notes from A");
    b.write("NOTES.md", "from B\n");
    b.commit_by_hand("Notes from B");
    sync(&a).assert_exit(0);
    let before = b.head();
    let stopped = sync(&b);
    stopped.assert_exit(1);
    assert!(
        stopped
            .stderr
            .contains("was made by hand with git and does not apply cleanly"),
        "{}",
        stopped.stderr
    );
    assert!(stopped.stderr.contains("NOTES.md"), "{}", stopped.stderr);
    assert_eq!(b.head(), before);
    assert_eq!(b.porcelain(), "");
}

#[test]
fn hand_commit_that_applies_cleanly_is_carried_over() {
    let shared = Shared::new();
    let a = clone(&shared.file_url(), "chief@union.example");
    let b = clone(&shared.file_url(), "chief@union.example");
    a.record_pass("ai-lead@union.example", "12", "union", "Words.\n")
        .expect("pass");
    b.write("NOTES.md", "from B\n");
    b.commit_by_hand("Notes from B");
    sync(&a).assert_exit(0);
    sync(&b).assert_exit(0);
    assert_eq!(b.committed("NOTES.md").as_deref(), Some("from B\n"));
    assert_eq!(
        b.committed("proposals/12-ai/union.md").as_deref(),
        Some("Words.\n")
    );
    assert_eq!(b.head().to_string(), shared.head());
}

#[test]
fn unreachable_remote_exits_2_and_changes_nothing() {
    let shared = Shared::new();
    let a = clone(&shared.file_url(), "chief@union.example");
    a.record_pass("ai-lead@union.example", "12", "union", "Words.\n")
        .expect("pass");
    let before = a.head();
    let port = servers::free_port();
    a.git(&[
        "remote",
        "set-url",
        "origin",
        &format!("git://127.0.0.1:{port}/table.git"),
    ]);
    let failed = sync(&a);
    failed.assert_exit(2);
    assert!(
        failed.stderr.contains("could not reach origin"),
        "{}",
        failed.stderr
    );
    assert_eq!(a.head(), before);
}

/// The pre-receive hook the README shows: `bargain verify --range OLD..NEW` per pushed branch.
fn install_hook(shared: &Shared) {
    use std::os::unix::fs::PermissionsExt;
    let hook = shared.path().join("hooks/pre-receive");
    let script = format!(
        "#!/bin/sh\nwhile read old new ref; do\n  case \"$new\" in 0000000000000000000000000000000000000000) continue;; esac\n  \"{}\" verify --range \"$old..$new\" || exit 1\ndone\n",
        env!("CARGO_BIN_EXE_bargain")
    );
    std::fs::write(&hook, script).expect("hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn pre_receive_hook_rejects_a_ta_recorded_by_someone_outside_the_table_and_accepts_a_valid_one() {
    let shared = Shared::new();
    install_hook(&shared);
    let a = clone(&shared.file_url(), "chief@union.example");
    a.record_pass("ai-lead@union.example", "12", "union", "Same words.\n")
        .expect("pass");
    a.record_pass(
        "ai-lead@employer.example",
        "12",
        "employer",
        "Same words.\n",
    )
    .expect("pass");
    sync(&a).assert_exit(0);
    let before = shared.head();
    // A TA recorded with the tool's trailers by someone who is not among the people.
    let trailers = bargain_core::events::Trailers {
        article: Some("12-ai".to_string()),
        status: Some(bargain_core::model::Status::TentativelyAgreed),
        change: Some(bargain_core::events::Change::TaAttested),
        ..Default::default()
    };
    let message = bargain_core::events::compose_message(
        "Tentative agreement on Article 12 — AI",
        &[],
        &trailers,
    );
    let yaml = "number: 12\ntitle: AI\ntopic: ai\nstatus: tentatively-agreed\nta:\n  date: 2025-06-03\n  signatories:\n    union: outsider@elsewhere.example\n    employer: chief@employer.example\n";
    a.commit_as(
        "outsider@elsewhere.example",
        &[
            ("proposals/12-ai/article.yaml", Some(yaml)),
            ("proposals/12-ai/ta.md", Some("Same words.\n")),
        ],
        &message,
    );
    let push = std::process::Command::new("git")
        .args(["push", "origin", "main"])
        .current_dir(a.path())
        .output()
        .expect("git push");
    let said = String::from_utf8_lossy(&push.stderr).into_owned();
    assert!(!push.status.success(), "push accepted: {said}");
    assert!(said.contains("pre-receive hook declined"), "{said}");
    assert!(said.contains("outsider@elsewhere.example"), "{said}");
    assert_eq!(shared.head(), before, "the bare repository did not move");

    // The same table, a valid TA: proposed and countersigned by the chiefs.
    let b = clone(&shared.file_url(), "chief@union.example");
    b.agree("12", "chief@union.example", "chief@employer.example", None)
        .expect("TA");
    let accepted = sync(&b);
    accepted.assert_exit(0);
    assert_eq!(shared.head(), b.head().to_string());
}

#[test]
fn tui_sync_key_receives_a_recording_extending_the_index_and_the_header_says_so() {
    use crate::test_tui::Harness;
    use bargain::tui::state::{Message, SyncProblem, SyncState};
    use bargain::tui::{Effect, update};
    use bargain_core::store::History;
    let shared = Shared::new();
    let a = clone(&shared.file_url(), "ai-lead@union.example");
    let b = clone(&shared.file_url(), "chief@union.example");
    a.record_pass("ai-lead@union.example", "12", "union", "Union AI text.\n")
        .expect("A records");
    sync(&a).assert_exit(0);

    let mut h = Harness::open(b.path(), 120, 30, false);
    h.index();
    // `y` asks the shell for a sync; nothing is done by `update` itself.
    let effects = update(
        &mut h.state,
        Message::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('y'),
        )),
    );
    assert_eq!(effects, vec![Effect::Sync]);
    // The shell's job: a real sync, and the index extended by the one incoming commit.
    let history = h.state.table.as_ref().unwrap().history.clone().unwrap();
    let before = history.commits.len();
    let synced = bargain::tui::jobs::sync(&b.repo(), &history);
    assert_eq!(synced.said, "synced: 0 sent, 1 received");
    let table = synced.table.as_ref().expect("the table moved");
    assert_eq!(table.history.commits.len(), before + 1);
    assert_eq!(
        table
            .history
            .commits
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        History::build(&b.repo())
            .unwrap()
            .commits
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
    );
    h.send(Message::Synced(Box::new(synced)));
    let screen = h.screen();
    assert!(screen.contains("synced (fetched"), "{screen}");
    assert!(screen.contains("synced: 0 sent, 1 received"), "{screen}");
    // A failed sign-in and kept recordings are states of the header, not a hang.
    h.send(Message::Fetched(SyncState::Upstream {
        ahead: 1,
        behind: 2,
        unsent: 1,
        fetched_at: None,
        problem: Some(SyncProblem::Auth),
    }));
    let screen = h.screen();
    assert!(
        screen.contains("↑1 to send ↓2 to receive, 1 unsent, sign-in failed"),
        "{screen}"
    );
}

/// Runs `bargain sync` in `f` with extra environment (as a user's shell would have it).
fn sync_with_env(f: &Fixture, env: &[(&str, &str)]) -> crate::common::Run {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bargain"));
    command
        .arg("sync")
        .current_dir(f.path())
        .env("NO_COLOR", "1")
        .env("BARGAIN_TEST_TODAY", f.today().to_string());
    for (k, v) in env {
        command.env(k, v);
    }
    crate::common::Run::from(command.output().expect("bargain runs"))
}

/// A clone made with `config` set first (credentials, ssh command), as a user's git would be.
fn clone_configured(
    url: &str,
    email: &str,
    config: &[(&str, &str)],
    env: &[(&str, &str)],
) -> Fixture {
    let f = Fixture::bare_dir();
    f.git(&["init", "-q", "-b", "main"]);
    for (k, v) in config {
        f.git(&["config", k, v]);
    }
    f.identity(email);
    let mut fetch = std::process::Command::new("git");
    fetch
        .args(["fetch", "-q", url, "main:refs/remotes/origin/main"])
        .current_dir(f.path());
    for (k, v) in env {
        fetch.env(k, v);
    }
    let out = fetch.output().expect("git fetch");
    assert!(
        out.status.success(),
        "fetch: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    f.git(&["remote", "add", "origin", url]);
    f.git(&["reset", "-q", "--hard", "origin/main"]);
    f.git(&["branch", "-q", "--set-upstream-to=origin/main"]);
    f
}

const HELPER: &str =
    "!f() { test \"$1\" = get && echo username=ai-lead && echo password=s3cret-Pa55; }; f";

#[test]
fn smart_http_with_basic_auth_through_the_users_credential_helper() {
    let shared = Shared::new();
    let Some(http) = servers::smart_http(shared.dir.path(), "ai-lead", "s3cret-Pa55") else {
        crate::common::skip_here(
            "smart HTTP test needs lighttpd and git-http-backend (apt-get install lighttpd)",
        );
        return;
    };
    let url = format!("http://127.0.0.1:{}/git/table.git", http.port);
    let a = clone_configured(
        &url,
        "ai-lead@union.example",
        &[("credential.helper", HELPER)],
        &[],
    );
    let b = clone_configured(
        &url,
        "staffing-lead@employer.example",
        &[("credential.helper", HELPER)],
        &[],
    );
    a.record_pass("ai-lead@union.example", "12", "union", "Over HTTP.\n")
        .expect("A");
    b.record_pass(
        "staffing-lead@employer.example",
        "21",
        "employer",
        "Also over HTTP.\n",
    )
    .expect("B");
    let sent = sync(&a);
    sent.assert_exit(0);
    let both = sync(&b);
    both.assert_exit(0);
    assert!(
        both.stdout.contains("Received: 12-ai · Test Union pass 1"),
        "{}",
        both.stdout
    );
    sync(&a).assert_exit(0);
    assert_eq!(a.head().to_string(), shared.head());
    assert_eq!(b.head().to_string(), shared.head());
    for run in [&sent, &both] {
        assert!(
            !String::from_utf8_lossy(&run.raw).contains("s3cret"),
            "a password was printed"
        );
    }
}

#[test]
fn authentication_failure_is_reported_without_prompting_or_hanging() {
    let shared = Shared::new();
    let Some(http) = servers::smart_http(shared.dir.path(), "ai-lead", "s3cret-Pa55") else {
        crate::common::skip_here(
            "the authentication test needs lighttpd and git-http-backend (apt-get install lighttpd)",
        );
        return;
    };
    let url = format!("http://127.0.0.1:{}/git/table.git", http.port);
    let a = clone_configured(
        &url,
        "ai-lead@union.example",
        &[("credential.helper", HELPER)],
        &[],
    );
    // The helper is gone: git would have to ask, and in batch mode it must not.
    a.git(&["config", "--unset", "credential.helper"]);
    let started = std::time::Instant::now();
    let failed = sync_with_env(
        &a,
        &[
            ("GIT_CONFIG_NOSYSTEM", "1"),
            ("HOME", a.path().to_str().unwrap()),
        ],
    );
    failed.assert_exit(2);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        failed.stderr.contains("authentication failed for origin"),
        "{}",
        failed.stderr
    );
    // The library's own background fetch says the same, as a state.
    let repo = a.repo();
    let upstream = bargain_core::store::remote::Upstream::of_head(&repo).expect("upstream");
    let got = bargain_core::store::remote::fetch(
        &repo,
        &upstream,
        bargain_core::store::remote::Mode::Background,
    );
    assert!(
        matches!(got, Err(bargain_core::store::remote::NetError::Auth { .. })),
        "{got:?}"
    );
}

#[test]
fn ssh_with_a_key_made_in_the_test_through_git_ssh_command() {
    let shared = Shared::new();
    let keys = tempfile::tempdir().expect("temp");
    let Some((_sshd, ssh)) = servers::sshd(keys.path()) else {
        crate::common::skip_here(
            "the ssh test needs sshd and ssh-keygen (apt-get install openssh-server)",
        );
        return;
    };
    let url = format!(
        "ssh://{}@127.0.0.1{}",
        servers::user(),
        shared.path().display()
    );
    let env = [("GIT_SSH_COMMAND", ssh.as_str())];
    let url = url.replacen("127.0.0.1", &format!("127.0.0.1:{}", _sshd.port), 1);
    let a = clone_configured(&url, "ai-lead@union.example", &[], &env);
    let b = clone_configured(&url, "chief@union.example", &[], &env);
    a.record_pass("ai-lead@union.example", "12", "union", "Over ssh.\n")
        .expect("A");
    b.record_set(
        "chief@union.example",
        "21",
        bargain_core::record::StatusChange::Impasse,
    )
    .expect("B");
    sync_with_env(&a, &env).assert_exit(0);
    let both = sync_with_env(&b, &env);
    both.assert_exit(0);
    assert!(
        both.stdout.contains("Received: 12-ai · Test Union pass 1"),
        "{}",
        both.stdout
    );
    assert!(
        both.stdout.contains("Sent: 21-staffing · status: impasse"),
        "{}",
        both.stdout
    );
    assert_eq!(b.head().to_string(), shared.head());
    // Without the key, batch mode fails at once instead of asking for a password.
    let failed = sync_with_env(
        &a,
        &[(
            "GIT_SSH_COMMAND",
            &format!(
                "ssh -p {} -o IdentitiesOnly=yes -o IdentityFile=/dev/null -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no",
                _sshd.port
            ),
        )],
    );
    failed.assert_exit(2);
}

/// xorshift64*: a seeded sequence, so a failing run can be replayed with its seed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn three_clones_hundred_random_recordings_with_killed_syncs_converge() {
    use bargain_core::record::{Action, Request, StatusChange};
    use std::time::{Duration, Instant};
    let seed = std::env::var("BARGAIN_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 | 1)
        });
    eprintln!("seed {seed} (BARGAIN_SYNC_SEED={seed} replays this run)");
    let mut dice = Dice(seed);
    let shared = Shared::new();
    let people = [
        ("ai-lead@union.example", "union", "12"),
        ("ai-lead@employer.example", "employer", "12"),
        ("staffing-lead@union.example", "union", "21"),
        ("staffing-lead@employer.example", "employer", "21"),
    ];
    let chiefs = ["chief@union.example", "chief@employer.example"];
    let clones: Vec<Fixture> = (0..3)
        .map(|i| clone(&shared.file_url(), chiefs[i % 2]))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(150);
    let mut succeeded: Vec<String> = Vec::new();
    let mut killed = 0;
    for k in 0..300 {
        if Instant::now() > deadline {
            eprintln!("seed {seed}: stopped after {k} recordings (time bound)");
            break;
        }
        let f = &clones[k % 3];
        let note = format!("op-{seed}-{k}");
        let article = ["12", "21"][dice.below(2) as usize];
        let (email, request) = match dice.below(6) {
            0..=2 => {
                let candidates: Vec<_> = people.iter().filter(|p| p.2 == article).collect();
                let (email, side, _) = candidates[dice.below(2) as usize];
                let text = format!("Words {} of {side}.\n", dice.below(1000));
                (*email, crate::common::pass_request(article, side, &text))
            }
            3 => (
                chiefs[dice.below(2) as usize],
                Request::new(
                    article,
                    Action::Set(
                        [StatusChange::Impasse, StatusChange::Open][dice.below(2) as usize].clone(),
                    ),
                ),
            ),
            4 => (
                chiefs[dice.below(2) as usize],
                if dice.below(2) == 0 {
                    Request::new(article, Action::Set(crate::common::ta(&[], None)))
                } else {
                    Request::new(article, Action::Sign)
                },
            ),
            _ => {
                let who = dice.below(2) as usize;
                (
                    chiefs[who],
                    Request::new(
                        article,
                        Action::Set(StatusChange::Reopen {
                            agreed_by: vec![chiefs[1 - who].to_string()],
                        }),
                    ),
                )
            }
        };
        let mut request = request;
        request.note = Some(note.clone());
        if f.record_as(email, &request).is_ok() {
            succeeded.push(note);
        }
        match dice.below(4) {
            0 => {
                let _ = sync(f);
            }
            1 => {
                // A sync killed part-way.
                let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_bargain"))
                    .arg("sync")
                    .current_dir(f.path())
                    .env("BARGAIN_TEST_TODAY", f.today().to_string())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .expect("bargain runs");
                std::thread::sleep(Duration::from_millis(dice.below(60)));
                let _ = child.kill();
                let _ = child.wait();
                killed += 1;
            }
            _ => {}
        }
    }
    // A final sync in each clone, then once more so every clone has everyone's.
    let mut said = String::new();
    for _ in 0..2 {
        for f in &clones {
            let run = sync(f);
            said.push_str(&format!("{:?}\n{}{}\n", run.code, run.stdout, run.stderr));
            assert!(
                run.code == Some(0) || run.code == Some(1),
                "seed {seed}: final sync failed: {}{}",
                run.stdout,
                run.stderr
            );
        }
    }
    let head = shared.head();
    for f in &clones {
        assert_eq!(
            f.head().to_string(),
            head,
            "seed {seed}: clones differ; the final syncs said:\n{said}"
        );
        assert_eq!(
            f.porcelain(),
            "",
            "seed {seed}: work tree differs from HEAD"
        );
        f.git(&["fsck", "--strict", "--no-progress"]);
    }
    git_in(&shared.path(), &["fsck", "--strict", "--no-progress"]);
    clones[0].run(&["verify"]).assert_exit(0);
    let history = clones[0].git(&["log", "--format=%B%x00"]);
    let mut unsent = String::new();
    for f in &clones {
        for r in f
            .git(&[
                "for-each-ref",
                "--format=%(refname)",
                "refs/bargain/unsent/",
            ])
            .lines()
        {
            unsent.push_str(&f.git(&["log", "-1", "--format=%B%x00", r]));
        }
    }
    for note in &succeeded {
        let marker = format!("    {note}\n");
        let landed = history.matches(&marker).count();
        let kept = unsent.matches(&marker).count();
        assert!(
            (landed == 1 && kept == 0) || (landed == 0 && kept == 1),
            "seed {seed}: {note} is {landed} times in the history and {kept} times unsent"
        );
    }
    // Every pass's sentence carries the number the history gives it.
    let repo = clones[0].repo();
    let index = bargain_core::store::History::build(&repo).expect("history");
    for (article, events) in &index.articles {
        for event in events {
            if let bargain_core::events::FileKind::Pass { number, .. } = &event.kind {
                let summary = &index.commit(event).summary;
                assert!(
                    summary.contains(&format!("pass #{number} ")),
                    "seed {seed}: {article}: \"{summary}\" is pass {number}"
                );
            }
        }
    }
    eprintln!(
        "seed {seed}: {} recordings succeeded, {killed} syncs killed, all clones at {head}",
        succeeded.len()
    );
}
