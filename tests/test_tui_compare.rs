//! The named comparisons (`bargain_core::comparison`, shared by the TUI and `bargain diff`): which two
//! texts each one shows and how they are labelled.

use crate::common::Fixture;
use bargain_core::comparison::{CompareError, Comparison, VersionRef, resolve, resolve_three_way};
use bargain_core::store::History;

fn table() -> Fixture {
    let f = Fixture::new();
    f.on("2025-06-03")
        .article("12-ai", 12, "AI", "ai", Some("Current text.\n"));
    f.pass("12-ai", "union", "Union one.\n", "ai-lead@union.example");
    f.on("2025-06-04").pass(
        "12-ai",
        "employer",
        "Employer one.\n",
        "ai-lead@employer.example",
    );
    f.on("2025-07-15")
        .pass("12-ai", "union", "Union two.\n", "ai-lead@union.example");
    f.article("13-new", 13, "New", "ai", None);
    f.pass("13-new", "union", "Brand new.\n", "ai-lead@union.example");
    f
}

fn texts(f: &Fixture, article: &str, c: &Comparison) -> Result<(String, String), CompareError> {
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let history = History::build(&repo).unwrap();
    resolve(&repo, &snapshot, &history, article, c).map(|(a, b)| (a.text, b.text))
}

#[test]
fn sides_reads_forwards_from_the_older_latest_pass_to_the_newer() {
    let f = table();
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let history = History::build(&repo).unwrap();
    // The employer passed in June, the union answered in July: employer → union.
    let (old, new) = resolve(&repo, &snapshot, &history, "12", &Comparison::Sides).unwrap();
    assert_eq!(
        (old.text.as_str(), new.text.as_str()),
        ("Employer one.\n", "Union two.\n")
    );
    assert_eq!(old.label.pass, Some(1));
    assert_eq!(old.label.side.as_deref(), Some("employer"));
    assert_eq!(old.label.date.unwrap().to_string(), "2025-06-04");
    assert_eq!(new.label.title, "Test Union pass 2");
    assert_eq!(new.label.session.as_deref(), Some("July session"));
    assert_eq!(new.label.author.as_deref(), Some("Union AI lead"));
    // Only the union has passed on a new article: its words are new, not struck.
    let (old, new) = resolve(&repo, &snapshot, &history, "13", &Comparison::Sides).unwrap();
    assert_eq!(old.label.title, "no pass from Test Employer yet");
    assert_eq!((old.text.as_str(), new.text.as_str()), ("", "Brand new.\n"));
}

#[test]
fn sides_with_one_pass_on_an_article_with_current_language_compares_against_it() {
    let f = Fixture::new();
    f.article("12-ai", 12, "AI", "ai", Some("Current text.\n"));
    f.pass(
        "12-ai",
        "employer",
        "Employer one.\n",
        "ai-lead@employer.example",
    );
    assert_eq!(
        texts(&f, "12", &Comparison::Sides).unwrap(),
        ("Current text.\n".into(), "Employer one.\n".into())
    );
}

#[test]
fn since_last_compares_a_sides_two_latest_passes_or_the_current_language() {
    let f = table();
    let union = Comparison::SinceLast("union".into());
    assert_eq!(
        texts(&f, "12", &union).unwrap(),
        ("Union one.\n".into(), "Union two.\n".into())
    );
    let employer = Comparison::SinceLast("employer".into());
    assert_eq!(
        texts(&f, "12", &employer).unwrap(),
        ("Current text.\n".into(), "Employer one.\n".into())
    );
    assert!(matches!(
        texts(&f, "13", &employer),
        Err(CompareError::NoSuchVersion(_))
    ));
    assert_eq!(
        texts(&f, "12", &Comparison::SinceLast("nobody".into())),
        Err(CompareError::UnknownSide("nobody".into()))
    );
}

#[test]
fn vs_current_of_a_new_article_is_all_insertion() {
    let f = table();
    let c = Comparison::VsCurrent("union".into());
    assert_eq!(
        texts(&f, "12", &c).unwrap(),
        ("Current text.\n".into(), "Union two.\n".into())
    );
    assert_eq!(
        texts(&f, "13-new", &c).unwrap(),
        (String::new(), "Brand new.\n".into())
    );
}

#[test]
fn ta_needs_a_tentative_agreement() {
    let f = table();
    let err = texts(&f, "12", &Comparison::Ta).unwrap_err();
    assert_eq!(err.to_string(), "this article has no tentative agreement");
    f.commit_as(
        "chief@union.example",
        &[("proposals/12-ai/ta.md", Some("Agreed.\n"))],
        "TA",
    );
    assert_eq!(
        texts(&f, "12", &Comparison::Ta).unwrap(),
        ("Current text.\n".into(), "Agreed.\n".into())
    );
}

#[test]
fn any_two_versions_by_pass_number_or_commit() {
    let f = table();
    let c = Comparison::parse("union#1..employer#1").unwrap();
    assert_eq!(
        texts(&f, "12", &c).unwrap(),
        ("Union one.\n".into(), "Employer one.\n".into())
    );
    let repo = f.repo();
    let history = History::build(&repo).unwrap();
    let second_union = history.pass("12-ai", "union", 2).unwrap();
    let id = history.commit(second_union).id.to_string();
    let c = Comparison::Versions(VersionRef::Current, VersionRef::parse(&id[..8]).unwrap());
    assert_eq!(
        texts(&f, "12", &c).unwrap(),
        ("Current text.\n".into(), "Union two.\n".into())
    );
    assert!(matches!(
        texts(&f, "12", &Comparison::parse("union#9..ta").unwrap()),
        Err(CompareError::NoSuchVersion(_))
    ));
}

#[test]
fn three_way_has_the_current_language_as_base_and_each_sides_latest() {
    let f = table();
    let repo = f.repo();
    let snapshot = repo.snapshot().unwrap();
    let history = History::build(&repo).unwrap();
    let (base, sides) = resolve_three_way(&repo, &snapshot, &history, "12").unwrap();
    assert_eq!(base.text, "Current text.\n");
    let got: Vec<&str> = sides.iter().map(|v| v.text.as_str()).collect();
    assert_eq!(got, ["Union two.\n", "Employer one.\n"]);
    assert_eq!(
        texts(&f, "12", &Comparison::ThreeWay),
        Err(CompareError::NeedsThreeWay)
    );
}
