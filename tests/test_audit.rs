//! The audit against forged changes (issue 14, items 1–7): each forgery is a commit made with the
//! plain git CLI, judged by `verify` by what it changed, never by what its message claims.

use crate::common::{Fixture, TABLE_YAML, set_request};
use bargain_core::record::StatusChange;
use bargain_core::record::verify::{self, Audit, Severity};
use bargain_core::store::History;
use std::path::Path;
use std::process::Command;

fn audit(f: &Fixture) -> Audit {
    let repo = f.repo();
    let history = History::build(&repo).unwrap();
    verify::audit(&repo, &history).unwrap()
}

fn violations(audit: &Audit) -> Vec<String> {
    audit.violations().map(|v| v.message.clone()).collect()
}

fn has(v: &[String], needle: &str) -> bool {
    v.iter().any(|m| m.contains(needle))
}

const ARTICLE_12: &str = "proposals/12-ai/article.yaml";

/// Article 12 of `two_articles`, with `status` and nothing else.
fn article_12(status: &str) -> String {
    format!("number: 12\ntitle: AI\ntopic: ai\nstatus: {status}\n")
}

#[test]
fn an_outsider_who_makes_themselves_chief_is_a_violation_and_stays_an_outsider() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("outsider@elsewhere.example");
    let employer_member = "  - { name: Employer member, email: member@employer.example, side: employer, roles: [member] }\n";
    let forged = TABLE_YAML.replace(
        employer_member,
        &format!(
            "{employer_member}  - {{ name: Outsider, email: outsider@elsewhere.example, side: union, roles: [chief-negotiator] }}\n"
        ),
    );
    f.write("bargaining.yaml", &forged);
    f.commit_by_hand("typo fixes");
    // Then, as the "chief", moves the article.
    f.write(ARTICLE_12, article_12("impasse"));
    f.commit_by_hand("impasse");
    let v = violations(&audit(&f));
    assert!(
        has(
            &v,
            "union's people or topic leads changed in bargaining.yaml by someone without the right: outsider@elsewhere.example is not among the people"
        ),
        "{v:?}"
    );
    assert!(
        has(
            &v,
            "to give its own author (outsider@elsewhere.example) a place among union's people"
        ),
        "{v:?}"
    );
    // The forged roster never became the rules: the later change is judged without the outsider.
    assert!(
        has(
            &v,
            "status changed from open to impasse by someone without the right: outsider@elsewhere.example is not among the people"
        ),
        "{v:?}"
    );
    let run = f.run(&["verify"]);
    run.assert_exit(1);
    assert!(run.stdout.contains("3 violations"), "{}", run.stdout);
}

#[test]
fn a_side_chief_changes_their_own_sides_people_and_no_one_elses() {
    let f = Fixture::new();
    f.two_articles();
    // The union's chief makes the union member a secretary: allowed.
    f.identity("chief@union.example");
    let promoted = TABLE_YAML.replace(
        "email: member@union.example, side: union, roles: [member]",
        "email: member@union.example, side: union, roles: [secretary]",
    );
    f.write("bargaining.yaml", &promoted);
    f.commit_by_hand("member becomes secretary");
    let v = violations(&audit(&f));
    assert!(v.is_empty(), "{v:?}");
    // The union's chief demotes the employer's chief: not theirs to change.
    let demoted = promoted.replace(
        "email: chief@employer.example, side: employer, roles: [chief-negotiator]",
        "email: chief@employer.example, side: employer, roles: [member]",
    );
    f.write("bargaining.yaml", &demoted);
    f.commit_by_hand("tidy roles");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("employer's people or topic leads changed in bargaining.yaml by someone without the right: chief@union.example records for union, not for employer"),
        "{v:?}"
    );
    // A secretary adds a session: allowed; a member retitles a topic: not.
    f.identity("secretary@union.example");
    let sessions = demoted.replace(
        "  - { name: July session, start: 2025-07-15, end: 2025-07-17 }\n",
        "  - { name: July session, start: 2025-07-15, end: 2025-07-17 }\n  - { name: August session, start: 2025-08-05, end: 2025-08-06 }\n",
    );
    f.write("bargaining.yaml", &sessions);
    f.commit_by_hand("August session");
    assert_eq!(violations(&audit(&f)).len(), 1);
    f.identity("member@employer.example");
    f.write(
        "bargaining.yaml",
        sessions.replace("title: AI & technology", "title: Robots"),
    );
    f.commit_by_hand("retitle");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v[1].contains("the topics changed in bargaining.yaml"),
        "{v:?}"
    );
}

#[test]
fn a_chief_ratifying_an_open_article_by_hand_is_a_violation_whatever_its_trailers_say() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("chief@union.example");
    f.write(ARTICLE_12, article_12("ratified"));
    // A forged trailer of the tool's own kind: a label, which changes nothing in the judgment.
    f.commit_by_hand("Ratified: article 12\n\nBargain-Article: 12-ai\nBargain-Status: ratified");
    let a = audit(&f);
    let v = violations(&a);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("status changed from open to ratified: no rule goes from open to ratified"),
        "{v:?}"
    );
}

#[test]
fn withdrawn_to_impasse_by_hand_is_a_violation() {
    let f = Fixture::new();
    f.two_articles();
    f.record_set(
        "chief@union.example",
        "12",
        StatusChange::Withdrawn { by: None },
    )
    .unwrap();
    assert!(audit(&f).is_clean());
    f.identity("chief@union.example");
    f.write(ARTICLE_12, article_12("impasse"));
    f.commit_by_hand("impasse");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("no rule goes from withdrawn to impasse"),
        "{v:?}"
    );
}

#[test]
fn deleting_an_agreed_article_rewriting_current_language_or_emptying_its_record_are_violations() {
    let f = Fixture::new();
    f.agreed_article();
    assert!(audit(&f).is_clean(), "{:?}", violations(&audit(&f)));
    f.identity("member@employer.example");
    f.write(
        "proposals/12-ai/current.md",
        "Rewritten current language.\n",
    );
    f.commit_by_hand("fix current");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("the current language was changed by someone without the right: member@employer.example is a member"),
        "{v:?}"
    );
    f.write(ARTICLE_12, "");
    f.commit_by_hand("empty");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[1].contains("proposals/12-ai/article.yaml"), "{v:?}");
    assert!(v[1].contains("judged by its last readable record"), "{v:?}");
    f.git(&["rm", "-rq", "proposals/12-ai"]);
    f.git(&["commit", "-qm", "remove article 12"]);
    let v = violations(&audit(&f));
    assert!(
        has(
            &v,
            "article.yaml was removed: no rule takes an article off the table"
        ),
        "{v:?}"
    );
}

#[test]
fn an_unreadable_record_cannot_launder_an_edited_ta() {
    let f = Fixture::new();
    f.agreed_article();
    let yaml = f.committed(ARTICLE_12).unwrap();
    f.identity("chief@union.example");
    // Commit 1: article.yaml unparseable, and ta.md edited.
    f.write(ARTICLE_12, "number: [broken\n");
    f.write("proposals/12-ai/ta.md", "Words nobody signed.\n");
    f.commit_by_hand("wip");
    // Commit 2: article.yaml restored, with the new text's hash.
    let hash = bargain_core::model::TentativeAgreement::hash_of(b"Words nobody signed.\n");
    let old = bargain_core::model::TentativeAgreement::hash_of(b"Agreed text.\n");
    assert!(yaml.contains(&old), "{yaml}");
    f.write(ARTICLE_12, yaml.replace(&old, &hash));
    f.commit_by_hand("restore");
    let v = violations(&audit(&f));
    assert!(has(&v, "proposals/12-ai/article.yaml"), "{v:?}");
    assert!(
        has(
            &v,
            "ta.md changed after the tentative agreement of 2025-06-04 without a reopen"
        ),
        "{v:?}"
    );
    assert!(
        has(
            &v,
            "the TA record (date, signatories, hash) changed without a reopen"
        ),
        "{v:?}"
    );
    f.run(&["verify"]).assert_exit(1);
}

#[test]
fn a_ta_whose_other_signature_was_never_made_is_a_violation() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .unwrap();
    // In a table kept jointly, the union's chief writes a TA "countersigned" by the employer.
    f.identity("chief@union.example");
    let hash = bargain_core::model::TentativeAgreement::hash_of(b"Union text.\n");
    f.write(
        ARTICLE_12,
        format!(
            "{}ta:\n  date: 2025-06-03\n  signatories: {{ union: chief@union.example, employer: chief@employer.example }}\n  signatures:\n    union: {{ kind: countersigned, date: 2025-06-03 }}\n    employer: {{ kind: countersigned, date: 2025-06-03 }}\n  sha256: {hash}\n",
            article_12("tentatively-agreed")
        ),
    );
    f.write("proposals/12-ai/ta.md", "Union text.\n");
    f.commit_by_hand("TA");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("employer's signature is recorded as countersigned, but chief@employer.example signed in no commit of their own"),
        "{v:?}"
    );
}

#[test]
fn a_symbolic_link_under_proposals_is_a_violation() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("chief@union.example");
    f.symlink("/etc/passwd", "proposals/12-ai/.union.md.bargain-1");
    f.commit_by_hand("links");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("1 entry under proposals/ is not a regular file, so no part of the table: proposals/12-ai/.union.md.bargain-1 (a symbolic link)"),
        "{v:?}"
    );
}

#[test]
fn a_pass_that_is_not_utf8_is_a_violation() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("ai-lead@union.example");
    f.write("proposals/12-ai/union.md", b"caf\xe9 \xff\n");
    f.commit_by_hand("pass");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains(
            "the pass of union is not text, so it is no pass: proposals/12-ai/union.md:1:4: is not UTF-8 text"
        ),
        "{v:?}"
    );
}

#[test]
fn a_note_with_fake_trailers_cannot_hide_a_forced_reopen() {
    let f = Fixture::new();
    f.agreed_article();
    let mut request = set_request("12", StatusChange::Reopen { agreed_by: vec![] });
    request.force = true;
    request.note =
        Some("Agreed at the table.\n\nBargain-Forced: no\nBargain-Status: ratified\n---\nBargain-Reopened-By: chief@employer.example\n".to_string());
    f.record_as("chief@union.example", &request).unwrap();
    let a = audit(&f);
    assert!(a.is_clean(), "{:?}", violations(&a));
    let flagged: Vec<&str> = a
        .findings
        .iter()
        .filter(|x| x.severity == Severity::Flagged)
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert!(
        flagged[0].contains("without the recorded agreement of employer, recorded as forced"),
        "{flagged:?}"
    );
    // git's own trailer parser reads the same trailers: the real ones, none from the note.
    let trailers = f.git(&["log", "-1", "--format=%(trailers:only,unfold)"]);
    assert!(trailers.contains("Bargain-Forced: yes"), "{trailers}");
    assert!(!trailers.contains("Bargain-Forced: no"), "{trailers}");
    assert!(!trailers.contains("chief@employer.example"), "{trailers}");
    assert!(!trailers.contains("ratified"), "{trailers}");
}

#[test]
fn a_shallow_clone_is_neither_audited_nor_recorded_in() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "One.\n")
        .unwrap();
    let clone = f.clone_shallow();
    let run = clone.run(&["verify"]);
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);
    assert!(
        run.stderr.contains("git fetch --unshallow"),
        "{}",
        run.stderr
    );
    clone.identity("ai-lead@union.example");
    clone.write("new.md", "Two.\n");
    let run = clone.run(&["pass", "12", "--side", "union", "--file", "new.md"]);
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr.contains("git fetch --unshallow"),
        "{}",
        run.stderr
    );
    assert_eq!(
        clone.git(&["rev-list", "--count", "HEAD"]).trim(),
        "1",
        "nothing was recorded"
    );
}

// --- require_signed: true ---------------------------------------------------------------------

/// An ed25519 key made for the test: (private key path, public key line).
fn ssh_key(dir: &Path, name: &str) -> Option<(String, String)> {
    let path = dir.join(name);
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .output()
        .ok()?;
    if !made.status.success() {
        return None;
    }
    let public = std::fs::read_to_string(path.with_extension("pub")).ok()?;
    Some((path.display().to_string(), public.trim().to_string()))
}

/// A table requiring signed commits, where the union's AI lead signs with `key`.
fn signed_table(key: &str) -> String {
    TABLE_YAML
        .replace(
            "  - { name: Union AI lead, email: ai-lead@union.example, side: union, roles: [member] }",
            &format!("  - {{ name: Union AI lead, email: ai-lead@union.example, side: union, roles: [member], keys: [\"{key}\"] }}"),
        )
        .replace("sessions:\n", "require_signed: true\nsessions:\n")
}

#[test]
fn with_require_signed_a_commit_signed_by_the_authors_key_holds_and_others_do_not() {
    let keys = tempfile::tempdir().unwrap();
    let Some((private, public)) = ssh_key(keys.path(), "lead") else {
        crate::common::skip("ssh-keygen not installed");
        return;
    };
    let (other, _) = ssh_key(keys.path(), "other").unwrap();
    let f = Fixture::with_table(&signed_table(&public));
    f.identity("ai-lead@union.example");
    f.git(&["config", "gpg.format", "ssh"]);
    f.git(&["config", "user.signingkey", &private]);
    f.write(ARTICLE_12, article_12("open"));
    f.git(&["add", "-A"]);
    // The article is added by the lead (their topic), signed with their key.
    f.git(&["commit", "-q", "-S", "-m", "Open article 12"]);
    f.write("proposals/12-ai/union.md", "Signed text.\n");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-S", "-m", "pass"]);
    let a = audit(&f);
    let v = violations(&a);
    // The first commit founds the table (nothing to check it against).
    assert!(v.is_empty(), "{v:?}");
    // Unsigned: refused.
    f.write("proposals/12-ai/union.md", "Unsigned text.\n");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "--no-gpg-sign", "-m", "pass"]);
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("this one is not signed"), "{v:?}");
    // Signed by a key the table does not list for the author: refused.
    f.git(&["config", "user.signingkey", &other]);
    f.write("proposals/12-ai/union.md", "Wrongly signed text.\n");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-S", "-m", "pass"]);
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v[1].contains(
            "the commit's signature is not by a key bargaining.yaml lists for ai-lead@union.example"
        ),
        "{v:?}"
    );
}

/// An OpenPGP key for `email` made in `home` (no passphrase); its fingerprint and its armored
/// public key. `None` when gpg is not installed.
fn gpg_key(home: &Path, email: &str) -> Option<(String, String)> {
    let gpg = |args: &[&str]| {
        Command::new("gpg")
            .arg("--homedir")
            .arg(home)
            .args(["--batch", "--no-tty", "--passphrase", ""])
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
    };
    gpg(&[
        "--quick-gen-key",
        &format!("Test <{email}>"),
        "ed25519",
        "sign",
        "never",
    ])?;
    let listed = gpg(&["--with-colons", "--list-secret-keys", email])?;
    let fingerprint = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .find(|l| l.starts_with("fpr:"))?
        .split(':')
        .nth(9)?
        .to_string();
    let public = gpg(&["--armor", "--export", &fingerprint])?;
    Some((
        fingerprint,
        String::from_utf8_lossy(&public.stdout).trim().to_string(),
    ))
}

#[test]
fn with_require_signed_openpgp_signatures_are_checked_against_the_listed_key() {
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        home.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let Some((lead, public)) = gpg_key(home.path(), "ai-lead@union.example") else {
        crate::common::skip("gpg not installed (or cannot make a key)");
        return;
    };
    let (other, _) = gpg_key(home.path(), "someone@elsewhere.example").unwrap();
    // git and bargain sign through gpg.program, here gpg with the test's own keyring.
    let wrapper = home.path().join("gpg-in-test");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\nexec gpg --homedir '{}' --batch --pinentry-mode loopback --passphrase '' \"$@\"\n", home.path().display()),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let f = Fixture::with_table(&signed_table(&public.replace('\n', "\\n")));
    f.identity("ai-lead@union.example");
    f.git(&["config", "gpg.program", wrapper.to_str().unwrap()]);
    f.git(&["config", "user.signingkey", &lead]);
    f.write(ARTICLE_12, article_12("open"));
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-S", "-m", "Open article 12"]);
    // A recording signed the way `git commit -S` signs, by the listed key: it holds.
    f.write(".git/pass.md", "Signed with OpenPGP.\n");
    f.run(&["pass", "12", "--side", "union", "--file", ".git/pass.md"])
        .assert_exit(0);
    let raw = f.git(&["cat-file", "commit", "HEAD"]);
    assert!(raw.contains("-----BEGIN PGP SIGNATURE-----"), "{raw}");
    let v = violations(&audit(&f));
    assert!(v.is_empty(), "{v:?}");
    // Signed by a key the table does not list for the author: a violation that says so.
    f.git(&["config", "user.signingkey", &other]);
    f.write("proposals/12-ai/union.md", "Signed by somebody else.\n");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-S", "-m", "pass"]);
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains(
            "the commit's signature is not by a key bargaining.yaml lists for ai-lead@union.example"
        ),
        "{v:?}"
    );
    // And `bargain verify` fails on it.
    let run = f.run(&["verify"]);
    assert_ne!(run.code, Some(0), "{run:?}");
}

#[test]
fn recordings_are_signed_as_git_commit_dash_s_would_and_verify_accepts_them() {
    let keys = tempfile::tempdir().unwrap();
    let Some((private, public)) = ssh_key(keys.path(), "lead") else {
        crate::common::skip("ssh-keygen not installed");
        return;
    };
    let f = Fixture::with_table(&signed_table(&public));
    f.identity("ai-lead@union.example");
    f.write(ARTICLE_12, article_12("open"));
    f.write("new.md", "Signed by the tool.\n");
    // Required by the table, but no key configured: refused, nothing written.
    f.git(&["add", ARTICLE_12]);
    f.git(&["commit", "-q", "-m", "Open article 12"]);
    let before = f.head();
    let run = f.run(&["pass", "12", "--side", "union", "--file", "new.md"]);
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("require_signed"), "{}", run.stderr);
    assert_eq!(f.head(), before);
    // With git's own settings, the tool signs as `git commit -S` does.
    f.git(&["config", "gpg.format", "ssh"]);
    f.git(&["config", "user.signingkey", &private]);
    f.run(&["pass", "12", "--side", "union", "--file", "new.md"])
        .assert_exit(0);
    let raw = f.git(&["cat-file", "commit", "HEAD"]);
    assert!(raw.contains("-----BEGIN SSH SIGNATURE-----"), "{raw}");
    // git itself accepts the signature against the same key.
    let allowed = keys.path().join("allowed");
    std::fs::write(&allowed, format!("ai-lead@union.example {public}\n")).unwrap();
    f.git(&[
        "config",
        "gpg.ssh.allowedSignersFile",
        &allowed.display().to_string(),
    ]);
    assert_eq!(f.git(&["log", "-1", "--format=%G?"]).trim(), "G");
    // Only the hand commit that opened the article is unsigned.
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("not signed"), "{v:?}");
    let run = f.run(&["verify"]);
    assert!(run.stdout.contains("1 violation"), "{}", run.stdout);
}

#[test]
fn commit_gpgsign_is_honoured_where_the_table_does_not_require_it() {
    let keys = tempfile::tempdir().unwrap();
    let Some((private, _)) = ssh_key(keys.path(), "chief") else {
        crate::common::skip("ssh-keygen not installed");
        return;
    };
    let f = Fixture::new();
    f.two_articles();
    f.git(&["config", "commit.gpgsign", "true"]);
    f.git(&["config", "gpg.format", "ssh"]);
    f.git(&["config", "user.signingkey", &private]);
    f.record_pass("ai-lead@union.example", "12", "union", "Signed.\n")
        .unwrap();
    let raw = f.git(&["cat-file", "commit", "HEAD"]);
    assert!(raw.contains("-----BEGIN SSH SIGNATURE-----"), "{raw}");
    // A broken key refuses the recording instead of writing it unsigned.
    f.git(&["config", "user.signingkey", "/nonexistent/key"]);
    let before = f.head();
    let err = f
        .record_pass("ai-lead@union.example", "12", "union", "Unsigned?\n")
        .unwrap_err();
    assert!(
        err.to_string().contains("could not sign the commit"),
        "{err}"
    );
    assert_eq!(f.head(), before);
}

// --- status shows what verify would flag on the current state ---------------------------------

#[test]
fn status_shows_a_tampered_ta_as_a_problem() {
    let f = Fixture::new();
    f.agreed_article();
    f.run(&["status"]).assert_exit(0);
    f.identity("chief@union.example");
    f.write("proposals/12-ai/ta.md", "Words nobody signed.\n");
    f.commit_by_hand("typo");
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(
        run.stderr.contains(
            "problem: proposals/12-ai/ta.md: ta.md does not match the hash recorded in article.yaml"
        ),
        "{}",
        run.stderr
    );
    // Again, with the texts' hashes known from `.git/bargain/facts-v1`: the same answer.
    let warm = f.run(&["status"]);
    assert_eq!((warm.code, &warm.stderr), (run.code, &run.stderr));
    // Without the text at all.
    f.git(&["rm", "-q", "proposals/12-ai/ta.md"]);
    f.git(&["commit", "-qm", "drop ta"]);
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(
        run.stderr
            .contains("the article stands agreed but has no ta.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn status_shows_a_pass_that_is_not_text_and_a_status_no_rule_reached() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("ai-lead@union.example");
    f.write("proposals/12-ai/union.md", b"caf\xe9 \xff\n");
    f.commit_by_hand("pass");
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(
        run.stderr.contains("problem: proposals/12-ai/union.md"),
        "{}",
        run.stderr
    );
    f.identity("chief@union.example");
    f.write(
        "proposals/21-staffing/article.yaml",
        "number: 21\ntitle: Staffing\ntopic: staffing\nstatus: ratified\n",
    );
    f.commit_by_hand("ratify");
    let run = f.run(&["status"]);
    run.assert_exit(1);
    assert!(
        run.stderr.contains(
            "proposals/21-staffing/article.yaml: status ratified was reached from open by no rule"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_latest_pass_that_is_not_text_is_not_counted_and_never_flips_whose_move() {
    let f = Fixture::new();
    f.two_articles();
    f.record_pass("ai-lead@union.example", "12", "union", "Union text.\n")
        .unwrap();
    let row = |f: &Fixture| {
        let run = f.run(&["status", "--format", "csv"]);
        let cell = |name: &str| run.csv_cell("12", name);
        (
            cell("union_passes"),
            cell("employer_passes"),
            cell("whose_move"),
            run,
        )
    };
    let (union, employer, whose, _) = row(&f);
    assert_eq!(
        (union.as_str(), employer.as_str(), whose.as_str()),
        ("1", "0", "employer")
    );
    // The employer's reply committed by hand as bytes that are not text.
    f.identity("ai-lead@employer.example");
    f.write(
        "proposals/12-ai/employer.md",
        b"\xff\xfe garbled \x00 reply\n",
    );
    f.commit_by_hand("employer reply");
    let (union, employer, whose, run) = row(&f);
    assert_eq!(
        (union.as_str(), employer.as_str(), whose.as_str()),
        ("1", "0", "employer"),
        "not a pass: {}",
        run.stderr
    );
    run.assert_exit(1);
    assert!(
        run.stderr.contains("proposals/12-ai/employer.md") && run.stderr.contains("not counted"),
        "{}",
        run.stderr
    );
    // Replaced by a real text, it counts.
    f.write("proposals/12-ai/employer.md", "Employer reply.\n");
    f.commit_by_hand("employer reply, readable");
    let (_, employer, whose, _) = row(&f);
    assert_eq!(
        (employer.as_str(), whose.as_str()),
        ("2", "union"),
        "numbered after the unreadable one"
    );
}

#[test]
fn status_answers_the_same_from_the_facts_it_kept_and_from_damaged_ones() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("ai-lead@union.example");
    f.write("proposals/12-ai/union.md", b"caf\xe9 \xff\n");
    f.commit_by_hand("pass");
    f.identity("chief@union.example");
    f.write(
        "proposals/21-staffing/article.yaml",
        "number: 21\ntitle: Staffing\ntopic: staffing\nstatus: ratified\n",
    );
    f.commit_by_hand("ratify");
    let facts = f.dir.path().join(".git/bargain/facts-v1");
    let cold = f.run(&["status"]);
    cold.assert_exit(1);
    assert!(facts.exists(), "the first run keeps what it learnt");
    assert!(
        cold.stderr.contains("problem: proposals/12-ai/union.md"),
        "{}",
        cold.stderr
    );
    assert!(
        cold.stderr.contains("reached from open by no rule"),
        "{}",
        cold.stderr
    );
    // Warm: the same problems, learnt from the file, not from the blobs.
    let warm = f.run(&["status"]);
    assert_eq!(
        (warm.stdout.as_str(), warm.stderr.as_str()),
        (cold.stdout.as_str(), cold.stderr.as_str())
    );
    // Damaged or replaced by nonsense: ignored, the answer is the cold one, and it is rewritten.
    let mut bytes = std::fs::read(&facts).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    std::fs::write(&facts, &bytes).unwrap();
    let damaged = f.run(&["status"]);
    assert_eq!(damaged.stderr, cold.stderr);
    assert_ne!(std::fs::read(&facts).unwrap(), bytes, "rewritten");
    std::fs::write(&facts, b"not facts at all").unwrap();
    assert_eq!(f.run(&["status"]).stderr, cold.stderr);
}

#[test]
fn a_merge_is_judged_by_what_it_made_not_by_what_its_parents_brought() {
    let f = Fixture::new();
    f.two_articles();
    // Two branches, each a legitimate pass by its own side.
    f.git(&["checkout", "-qb", "employer-work"]);
    f.identity("ai-lead@employer.example");
    f.write("proposals/12-ai/employer.md", "Employer text.\n");
    f.commit_by_hand("employer pass");
    f.git(&["checkout", "-q", "main"]);
    f.identity("ai-lead@union.example");
    f.write("proposals/12-ai/union.md", "Union text.\n");
    f.commit_by_hand("union pass");
    // A member merges them: the merge itself changes nothing anyone recorded.
    f.identity("member@union.example");
    f.git(&["merge", "-q", "--no-edit", "employer-work"]);
    let a = audit(&f);
    assert!(a.is_clean(), "{:?}", violations(&a));
    // A merge that makes a text neither side recorded is named.
    f.git(&["checkout", "-qb", "other"]);
    f.identity("ai-lead@employer.example");
    f.write("proposals/12-ai/employer.md", "Employer again.\n");
    f.commit_by_hand("employer pass 2");
    f.git(&["checkout", "-q", "main"]);
    f.identity("member@union.example");
    f.git(&["merge", "-q", "--no-ff", "--no-commit", "other"]);
    f.write("proposals/12-ai/union.md", "Slipped in during the merge.\n");
    f.git(&["add", "-A"]);
    f.git(&["commit", "-q", "-m", "Merge other"]);
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("the merge made union.md as neither side recorded it"),
        "{v:?}"
    );
}
