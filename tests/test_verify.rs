//! `verify`: the audit of a whole history, with hand-made commits made by the real git CLI.

use crate::common::{Fixture, TABLE_YAML, pass_request};
use bargain_core::record::verify::{self, Audit, Severity};
use bargain_core::store::History;

fn audit(f: &Fixture) -> Audit {
    let repo = f.repo();
    let history = History::build(&repo).unwrap();
    verify::audit(&repo, &history).unwrap()
}

fn violations(audit: &Audit) -> Vec<String> {
    audit.violations().map(|v| v.message.clone()).collect()
}

#[test]
fn recorded_history_verifies_clean() {
    let f = Fixture::new();
    f.agreed_article();
    let a = audit(&f);
    assert!(a.is_clean(), "{:?}", violations(&a));
    // The fixture's "Open article" commits carry no trailers: listed as hand-made only.
    assert!(a.findings.iter().all(|x| x.severity == Severity::HandMade));
    let out = f.bargain(&["verify"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no violations"));
}

#[test]
fn the_demo_negotiation_verifies_clean() {
    let f = Fixture::bare_dir();
    let dir = f.path().join("demo");
    bargain_core::demo::build(&dir, &Default::default(), None).unwrap();
    let repo = bargain_core::store::Repo::open(&dir).unwrap();
    let history = History::build(&repo).unwrap();
    let a = verify::audit(&repo, &history).unwrap();
    assert!(a.is_clean(), "{:?}", a.violations().collect::<Vec<_>>());
    assert!(a.findings.is_empty(), "{:?}", a.findings);
}

#[test]
fn hand_made_status_change_by_a_member_is_a_violation() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("member@union.example");
    f.write(
        "proposals/12-ai/article.yaml",
        "number: 12\ntitle: AI\ntopic: ai\nstatus: impasse\n",
    );
    f.commit_by_hand("declare impasse");
    let a = audit(&f);
    let v = violations(&a);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("status changed from open to impasse by someone without the right"),
        "{v:?}"
    );
    assert!(
        v[0].contains("member@union.example is a member, neither"),
        "{v:?}"
    );
    assert!(
        a.findings
            .iter()
            .any(|x| x.severity == Severity::HandMade && x.message.contains("declare impasse"))
    );
    let out = f.bargain(&["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("violation: 2025-06-03"), "{stdout}");
    assert!(stdout.contains("on 12-ai"), "{stdout}");
    assert!(stdout.contains("1 violation"), "{stdout}");
}

#[test]
fn hand_made_pass_for_the_other_side_is_a_violation() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("ai-lead@employer.example");
    f.write(
        "proposals/12-ai/union.md",
        "Words put in the union's mouth.\n",
    );
    f.commit_by_hand("union text");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("a pass of union was recorded by someone without the right"),
        "{v:?}"
    );
}

#[test]
fn ta_altered_without_a_reopen_is_a_violation_and_its_hash_no_longer_matches() {
    let f = Fixture::new();
    f.agreed_article();
    f.identity("chief@union.example");
    f.write("proposals/12-ai/ta.md", "Agreed text, quietly improved.\n");
    f.commit_by_hand("fix typo");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v.iter().any(|m| m.contains(
            "ta.md changed after the tentative agreement of 2025-06-04 without a reopen"
        )),
        "{v:?}"
    );
    assert!(
        v.iter()
            .any(|m| m.contains("ta.md does not match the hash recorded in article.yaml")),
        "{v:?}"
    );
}

#[test]
fn a_pass_while_agreed_is_a_violation_by_hand_and_flagged_when_forced() {
    let f = Fixture::new();
    f.agreed_article();
    let mut request = pass_request("12", "union", "Forced words.\n");
    request.force = true;
    f.record_as("ai-lead@union.example", &request).unwrap();
    let a = audit(&f);
    assert!(a.is_clean(), "{:?}", violations(&a));
    assert!(a.findings.iter().any(|x| {
        x.severity == Severity::Flagged
            && x.message
                .contains("changed agreed language, recorded as forced")
    }));

    f.identity("ai-lead@employer.example");
    f.write("proposals/12-ai/employer.md", "Unforced words.\n");
    f.commit_by_hand("employer edit");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("changed tentatively agreed language without a reopen"));
}

#[test]
fn hand_made_ta_missing_a_signatory_and_hand_made_reopen_are_violations() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("chief@union.example");
    let text = "Our words.\n";
    let hash = bargain_core::model::TentativeAgreement::hash_of(text.as_bytes());
    f.write("proposals/12-ai/ta.md", text);
    f.write(
        "proposals/12-ai/article.yaml",
        format!(
            "number: 12\ntitle: AI\ntopic: ai\nstatus: tentatively-agreed\nta:\n  date: 2025-06-04\n  signatories: {{ union: chief@union.example }}\n  sha256: {hash}\n"
        ),
    );
    f.commit_by_hand("TA");
    let v = violations(&audit(&f));
    assert_eq!(
        v,
        vec!["the TA is missing a signatory of employer".to_string()]
    );

    f.write(
        "proposals/12-ai/article.yaml",
        "number: 12\ntitle: AI\ntopic: ai\nstatus: open\n",
    );
    std::fs::remove_file(f.file("proposals/12-ai/ta.md")).unwrap();
    f.commit_by_hand("reopen");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v[1].contains(
            "reopened (tentatively-agreed → open) without the recorded agreement of employer"
        ),
        "{v:?}"
    );
}

#[test]
fn rights_are_judged_by_the_table_in_force_when_the_change_was_made() {
    let f = Fixture::new();
    f.two_articles();
    // The member records while a member: a violation, even after being made chief later.
    f.identity("member@union.example");
    f.write("proposals/12-ai/union.md", "Member's text.\n");
    f.commit_by_hand("member pass");
    let promoted = TABLE_YAML.replace(
        "email: member@union.example, side: union, roles: [member]",
        "email: member@union.example, side: union, roles: [chief-negotiator]",
    );
    // The union's chief promotes them (nobody grants themselves a role).
    f.identity("chief@union.example");
    f.write("bargaining.yaml", &promoted);
    f.commit_by_hand("promote the member");
    // Now a chief: this pass is fine.
    f.identity("member@union.example");
    f.write("proposals/12-ai/union.md", "Chief's text.\n");
    f.commit_by_hand("chief pass");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 1, "{v:?}");
    // Promoting oneself in the same commit as the change does not help.
    let f = Fixture::new();
    f.two_articles();
    f.identity("member@union.example");
    f.write("bargaining.yaml", &promoted);
    f.write("proposals/12-ai/union.md", "Self-promoted.\n");
    f.commit_by_hand("promote and pass");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 3, "{v:?}");
    assert!(
        v[0].contains("union's people or topic leads changed"),
        "{v:?}"
    );
    assert!(
        v[1].contains("to give its own author (member@union.example) the role chief-negotiator"),
        "{v:?}"
    );
    assert!(
        v[2].contains("a pass of union was recorded by someone without the right"),
        "{v:?}"
    );
}

#[test]
fn an_unreadable_table_is_a_violation_and_later_commits_are_judged_by_the_last_readable_one() {
    let f = Fixture::new();
    f.two_articles();
    f.identity("chief@union.example");
    f.write("bargaining.yaml", "format: [broken\n");
    f.commit_by_hand("break the table");
    f.write("proposals/12-ai/union.md", "Text.\n");
    f.commit_by_hand("pass while broken");
    f.identity("member@union.example");
    f.write("proposals/12-ai/union.md", "A member's text.\n");
    f.commit_by_hand("member pass while broken");
    let v = violations(&audit(&f));
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v[0].contains("bargaining.yaml cannot be read after this commit"),
        "{v:?}"
    );
    // The chief's pass is judged by the last readable table and holds; the member's does not.
    assert!(v[1].contains("member@union.example is a member"), "{v:?}");
}
