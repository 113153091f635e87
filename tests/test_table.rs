//! Reading a table: the tracker, the history index, and every kind of bad input.

use crate::common::Fixture;
use bargain::store::History;

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
    let rows = bargain::tracker::rows(&snapshot, &history, None);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].progress.passes["union"], 2);
    assert_eq!(rows[0].progress.passes["employer"], 1);
    assert_eq!(rows[0].whose_move.as_deref(), Some("employer"));
}
