//! A change of `bargaining.yaml`, judged by what it changed: each side's people and topic leads,
//! sessions, topics, the table's settings — each asked of [`judge`] with the table as it stood
//! before — and whether it grants its own author anything ([`grants_itself`]).

use super::{Findings, Severity};
use crate::model::{Person, Table};
use crate::record::rights::{Deed, TableChange, grants_itself, judge};
use std::collections::BTreeSet;

fn judge_change(
    rules: &Table,
    before: &Table,
    after: &Table,
    email: &str,
    mut violation: impl FnMut(String),
) {
    let mut ask = |what: &str, deed: Deed<'_>| {
        if let Err(denial) = judge(rules, email, "", deed) {
            violation(format!(
                "{what} changed in bargaining.yaml by someone without the right: {email} {denial}"
            ));
        }
    };
    if before.name != after.name
        || before.format != after.format
        || before.sides != after.sides
        || before.kept_by != after.kept_by
        || before.require_signed != after.require_signed
    {
        ask(
            "the table's settings (name, sides, kept_by, require_signed)",
            Deed::Table(TableChange::Settings),
        );
    }
    if before.sessions != after.sessions {
        ask("the sessions", Deed::Table(TableChange::Session));
    }
    let topics = |t: &Table| -> Vec<(String, String)> {
        t.topics
            .iter()
            .map(|t| (t.id.clone(), t.title.clone()))
            .collect()
    };
    if topics(before) != topics(after) {
        ask("the topics", Deed::Table(TableChange::Topic));
    }
    // Each side whose people or topic leads changed.
    let mut sides: BTreeSet<String> = BTreeSet::new();
    let emails: BTreeSet<&str> = before
        .people
        .iter()
        .chain(&after.people)
        .map(|p| p.email.as_str())
        .collect();
    for e in emails {
        let was: Option<&Person> = before.person(e);
        let now: Option<&Person> = after.person(e);
        if was != now {
            sides.extend(was.into_iter().chain(now).map(|p| p.side.clone()));
        }
    }
    let leads = |t: &Table, side: &str| -> Vec<(String, Vec<String>)> {
        t.topics
            .iter()
            .map(|topic| {
                let mut people = topic.leads.get(side).cloned().unwrap_or_default();
                people.sort();
                (topic.id.clone(), people)
            })
            .filter(|(_, people)| !people.is_empty())
            .collect()
    };
    let lead_sides: BTreeSet<&String> = before
        .topics
        .iter()
        .chain(&after.topics)
        .flat_map(|t| t.leads.keys())
        .collect();
    for side in lead_sides {
        if leads(before, side) != leads(after, side) {
            sides.insert(side.clone());
        }
    }
    for side in &sides {
        ask(
            &format!("{side}'s people or topic leads"),
            Deed::People { side },
        );
    }
    let granted = grants_itself(before, after, email);
    if !granted.is_empty() {
        violation(format!(
            "bargaining.yaml changed to give its own author ({email}) {}: a grant is made by someone else with the right",
            granted.join(", ")
        ));
    }
}

/// Judges a change of `bargaining.yaml` (`before` → `after`) by the commit's author, with the
/// rights of `rules` (the table in force); whether it holds.
pub(super) fn judge_commit(
    rules: &Table,
    before: &Table,
    after: &Table,
    found: &mut Findings<'_, '_>,
) -> bool {
    let email = found.commit.email.to_string();
    let mut messages = Vec::new();
    judge_change(rules, before, after, &email, |m| messages.push(m));
    let holds = messages.is_empty();
    for message in messages {
        found.push(Severity::Violation, None, message);
    }
    holds
}
