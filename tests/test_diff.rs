//! `bargain diff`: redlines of an article under each comparison, and of two loose files, as a
//! reader sees them on a terminal, in a pipe, in HTML and in Markdown.

use crate::common::Fixture;
use bargain_core::export::redline_text::plain_parse;

/// The demo table, built in the fixture's folder.
fn demo() -> Fixture {
    let f = Fixture::bare_dir();
    bargain_core::demo::build(&f.file("table"), &Default::default(), None).expect("demo builds");
    f
}

/// The marked text of a plain document: everything after the header's blank line.
fn body(document: &str) -> &str {
    document.split_once("\n\n").map_or("", |(_, body)| body)
}

#[test]
fn files_redline_parses_back_into_both_texts_and_exits_zero() {
    let f = Fixture::bare_dir();
    let old = "12.1 The Employer shall give notice.\n\n12.2 Training is paid.\n";
    let new = "12.1 The Employer shall give written notice.\n\n12.2 Training is paid time.\n";
    f.write("old.md", old);
    f.write("new.md", new);
    let run = f.run(&["diff", "--files", "old.md", "new.md"]);
    run.assert_exit(0);
    assert!(run.stdout.contains("{+written +}"), "{}", run.stdout);
    let (o, n) = plain_parse(body(&run.stdout)).expect("plain output parses");
    assert_eq!((o.as_str(), n.as_str()), (old, new));
    // Identical files: exit 0 too, and the summary says so.
    let same = f.run(&["diff", "--files", "old.md", "old.md"]);
    same.assert_exit(0);
    assert!(
        same.stdout.contains("no change of words"),
        "{}",
        same.stdout
    );
}

#[test]
fn control_sequences_in_documents_are_never_sent_to_the_terminal() {
    let f = Fixture::bare_dir();
    f.write("old.md", "Plain text.\n");
    f.write(
        "new.md",
        "Plain text \x1b[2J\x1b]52;c;ZXZpbA==\x07 and \u{9b}31m more\u{202e}. \u{200f}RLM\u{200e}.\n",
    );
    for format in ["plain", "ansi", "html", "md"] {
        let run = f.run(&["diff", "--files", "old.md", "new.md", "--format", format]);
        run.assert_exit(0);
        let raw = String::from_utf8_lossy(&run.raw).into_owned();
        // One escaping table for every output: the marks that reorder text too (U+200E/F).
        for bad in [
            "\x1b[2J", "\x1b]52", "\x07", "\u{9b}", "\u{202e}", "\u{200e}", "\u{200f}",
        ] {
            assert!(
                !raw.contains(bad),
                "{format} output carries {bad:?}: {raw:?}"
            );
        }
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_under_no_color() {
    let f = Fixture::bare_dir();
    f.write("old.md", "The Employer shall give notice.\n");
    f.write("new.md", "The Employer shall give written notice.\n");
    // The fixture runs with NO_COLOR and a pipe: plain markers.
    let piped = f.run(&["diff", "--files", "old.md", "new.md"]);
    assert!(!piped.raw.contains(&0x1b), "{:?}", piped.stdout);
    assert!(piped.stdout.contains("{+written +}"));
    // Asked for: SGR styling (strike for deletions, underline for insertions), no markers.
    let coloured = f.run(&["diff", "--files", "old.md", "new.md", "--color", "always"]);
    assert!(
        coloured.stdout.contains("\x1b[32;4mwritten "),
        "{:?}",
        coloured.stdout
    );
    assert!(!coloured.stdout.contains("{+"));
}

#[test]
fn html_and_markdown_are_whole_documents() {
    let f = Fixture::bare_dir();
    f.write("old.md", "Notice is <required>.\n");
    f.write("new.md", "Written notice is <required>.\n");
    let html = f.run(&["diff", "--files", "old.md", "new.md", "--format", "html"]);
    html.assert_exit(0);
    assert!(html.stdout.starts_with("<!DOCTYPE html>"));
    assert!(html.stdout.contains("<ins>"), "{}", html.stdout);
    assert!(html.stdout.contains("&lt;required&gt;"));
    let md = f.run(&["diff", "--files", "old.md", "new.md", "--format", "md"]);
    md.assert_exit(0);
    assert!(md.stdout.starts_with("# "), "{}", md.stdout);
}

#[test]
fn unreadable_inputs_are_named_and_exit_two() {
    let f = Fixture::bare_dir();
    f.write("good.md", "Text.\n");
    f.write("binary.md", b"Text\0with a NUL\n");
    f.write("latin1.md", b"caf\xe9\n");
    let missing = f.run(&["diff", "--files", "good.md", "missing.md"]);
    missing.assert_exit(2);
    assert!(missing.stderr.contains("missing.md"), "{}", missing.stderr);
    let binary = f.run(&["diff", "--files", "good.md", "binary.md"]);
    binary.assert_exit(2);
    assert!(binary.stderr.contains("binary.md:1"), "{}", binary.stderr);
    let latin = f.run(&["diff", "--files", "latin1.md", "good.md"]);
    latin.assert_exit(2);
    assert!(latin.stderr.contains("latin1.md:1:4"), "{}", latin.stderr);
    assert!(latin.stderr.contains("UTF-8"), "{}", latin.stderr);
}

/// Files of 64 KB and more are mapped rather than read: the same checks and the same text.
#[test]
fn large_inputs_are_checked_and_compared_like_small_ones() {
    let f = Fixture::bare_dir();
    let line = "The Employer shall post every vacancy for fourteen days.\n";
    let body = line.repeat(2_000);
    assert!(body.len() > 100_000);
    f.write("old.md", format!("\u{feff}{body}"));
    f.write("new.md", format!("{body}Added at the end.\n"));
    let mut bad = body.clone().into_bytes();
    bad.extend_from_slice(b"caf\xe9\n");
    f.write("latin1.md", bad);
    let run = f.run(&["diff", "--files", "old.md", "new.md", "--color", "never"]);
    run.assert_exit(0);
    // The byte-order mark is not text, and the rest is compared as it is.
    assert!(!run.stdout.contains('\u{feff}'), "a BOM was shown");
    assert!(run.stdout.contains("{+Added at the end."), "{}", run.stdout);
    let latin = f.run(&["diff", "--files", "old.md", "latin1.md"]);
    latin.assert_exit(2);
    assert!(
        latin.stderr.contains("latin1.md:2001:4"),
        "{}",
        latin.stderr
    );
    let dir = f.run(&["diff", "--files", "old.md", "."]);
    dir.assert_exit(2);
    assert!(dir.stderr.contains("directory"), "{}", dir.stderr);
}

#[test]
fn header_names_the_article_and_both_versions() {
    let f = demo();
    let run = f.run_in("table", &["diff", "12", "since-last", "employer"]);
    run.assert_exit(0);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("Article 12 — Artificial Intelligence and Technology")
    );
    let old = lines.next().unwrap_or_default();
    let new = lines.next().unwrap_or_default();
    assert!(old.starts_with("old: Example Health pass 1"), "{old}");
    assert!(new.starts_with("new: Example Health pass 2"), "{new}");
    assert!(new.contains("August session"), "{new}");
    assert!(new.contains("Employer AI & technology lead"), "{new}");
    // Every change is the new text's (the header says whose): no side tag on any of them.
    assert!(run.stdout.contains("{+"), "{}", run.stdout);
    assert!(!run.stdout.contains("@employer|"), "{}", run.stdout);
    // Three-way mixes sides: there each change says whose it is.
    let three = f.run_in("table", &["diff", "12", "three-way"]);
    three.assert_exit(0);
    assert!(three.stdout.contains("@union|"), "{}", three.stdout);
}

#[test]
fn every_named_comparison_and_picked_versions_work_on_the_demo() {
    let f = demo();
    for args in [
        vec!["diff", "12"],
        vec!["diff", "12-ai-technology", "sides"],
        vec!["diff", "21", "since-last", "union"],
        vec!["diff", "21", "vs-current", "union"],
        vec!["diff", "14", "ta"],
        vec!["diff", "12", "three-way"],
        vec!["diff", "14", "--from", "union#1", "--to", "employer#2"],
        vec!["diff", "41", "--from", "current", "--to", "ta"],
    ] {
        let run = f.run_in("table", &args);
        run.assert_exit(0);
        assert!(
            run.stdout.starts_with("Article "),
            "{args:?}: {}",
            run.stdout
        );
    }
    // A new article against current language is all insertion.
    let new_article = f.run_in("table", &["diff", "12", "vs-current", "union"]);
    assert!(
        new_article.stdout.contains(" 0 deleted"),
        "{}",
        new_article.stdout
    );
}

#[test]
fn unknown_article_comparison_or_version_is_refused_with_exit_two() {
    let f = demo();
    let cases: [(&[&str], &str); 5] = [
        (&["diff", "99"], "no article `99`"),
        (&["diff", "12", "sideways"], "unknown comparison `sideways`"),
        (&["diff", "12", "since-last", "management"], "management"),
        (
            &["diff", "12", "--from", "union#9", "--to", "ta"],
            "union#9",
        ),
        (
            &["diff", "12", "--from", "nonsense!", "--to", "ta"],
            "unknown version",
        ),
    ];
    for (args, expected) in cases {
        let run = f.run_in("table", args);
        run.assert_exit(2);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
}
