//! The redline engine and its renderers, on real contract language and on arbitrary text.
//!
//! The real text is the pairs of Oregon agreements the project carries in `tests/data/`
//! (public domain; provenance in its README). Most tests use the State Hospital RN pair,
//! articles paired by number; every pair is rebuilt from the plain output, whole and
//! article by article as the importer splits it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use bargain_core::export::redline_text::{ansi, html, md, plain, plain_of, plain_parse};
use bargain_core::redline::{Options, Redline, SegmentKind, compare, three_way};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Real data

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/oregon-afscme-osh-rn")
}

fn agreement(name: &str) -> String {
    let path = data_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "the project's test data is missing: cannot read {} ({e}). The redline tests read \
             real agreements from tests/data/ in the clone; restore it with git checkout.",
            path.display()
        )
    });
    String::from_utf8(bytes).expect("the agreements are UTF-8")
}

fn old_agreement() -> String {
    agreement("state-afscme-osh-registered-nurses-2023-2025.txt")
}

fn new_agreement() -> String {
    agreement("state-afscme-osh-registered-nurses-2025-2027.txt")
}

/// The article number a line heads, if it is an article heading (`ARTICLE 12 - …`, or
/// `### ARTICLE 12 - …` as in these pdftotext files).
fn article_heading(line: &str) -> Option<u32> {
    let rest = line
        .strip_prefix("### ")
        .unwrap_or(line)
        .strip_prefix("ARTICLE ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Articles by number: from a heading to the next heading of any kind. The table of
/// contents names every article once before the body, so the last occurrence wins.
fn articles(text: &str) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(u32, String)> = None;
    for line in text.split_inclusive('\n') {
        let heading = article_heading(line);
        if (heading.is_some() || line.starts_with("### "))
            && let Some((n, body)) = current.take()
        {
            out.insert(n, body);
        }
        if let Some(n) = heading {
            current = Some((n, String::new()));
        }
        if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
        }
    }
    if let Some((n, body)) = current {
        out.insert(n, body);
    }
    out
}

fn article_pairs() -> Vec<(u32, String, String)> {
    let (old, new) = (articles(&old_agreement()), articles(&new_agreement()));
    let pairs: Vec<_> = old
        .iter()
        .filter_map(|(n, a)| new.get(n).map(|b| (*n, a.clone(), b.clone())))
        .collect();
    assert!(
        pairs.len() > 50,
        "expected the agreements' articles, found {}",
        pairs.len()
    );
    pairs
}

/// Paragraphs (blank-line separated) of `text`, each with its trailing blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut gap = false;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        if !blank && (gap || out.is_empty()) {
            out.push(String::new());
            gap = false;
        }
        gap |= blank && !out.is_empty();
        match out.last_mut() {
            Some(p) => p.push_str(line),
            None => out.push(line.to_owned()),
        }
    }
    out
}

fn assert_exact(r: &Redline, old: &str, new: &str) {
    assert!(r.old_text() == old, "old text not rebuilt exactly");
    assert!(r.new_text() == new, "new text not rebuilt exactly");
    let (o, n) = plain_parse(&plain(r)).expect("plain output parses");
    assert!(o == old && n == new, "plain markers do not round-trip");
}

/// Characters no renderer may emit raw (a CR is allowed only before LF).
fn raw_control(s: &str) -> Option<char> {
    let chars: Vec<char> = s.chars().collect();
    chars.iter().enumerate().find_map(|(i, &c)| {
        let bad = match c {
            '\n' | '\t' => false,
            '\r' => chars.get(i + 1) != Some(&'\n'),
            c if c.is_control() => true,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
            _ => false,
        };
        bad.then_some(c)
    })
}

/// The ANSI renderer's own SGR sequences (`ESC [ digits/semicolons m`) removed.
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find("\x1b[") {
        out.push_str(&rest[..p]);
        let after = &rest[p + 2..];
        let len = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[len..].starts_with('m') {
            rest = &after[len + 1..];
        } else {
            out.push_str("\x1b[");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn assert_no_raw_controls(r: &Redline) {
    for (name, out) in [
        ("plain", plain(r)),
        ("ansi", strip_sgr(&ansi(r))),
        ("html", html(r, "Article")),
        ("md", md(r)),
    ] {
        if let Some(c) = raw_control(&out) {
            panic!("{name} output contains a raw {:?}", c);
        }
    }
}

fn words<'t>(r: &Redline<'t>, kind: SegmentKind) -> Vec<&'t str> {
    r.segments
        .iter()
        .filter(|s| s.kind == kind && !s.layout)
        .map(|s| s.text)
        .collect()
}

#[test]
fn every_real_article_pair_rebuilds_both_texts_exactly() {
    // Unoptimised tests on a busy CI machine: a margin over the default second.
    let opts = Options {
        deadline: Duration::from_secs(10),
        ..Options::default()
    };
    for (n, old, new) in article_pairs() {
        let r = compare(&old, &new, &opts);
        assert!(!r.coarse, "article {n} hit the deadline");
        assert_exact(&r, &old, &new);
        assert_no_raw_controls(&r);
        for c in r.changes() {
            assert!(r.segments[c.segments.clone()].iter().any(|s| !s.layout));
            assert!(c.old_paragraph <= r.old_paragraphs && c.new_paragraph <= r.new_paragraphs);
        }
    }
}

#[test]
fn whole_agreements_rebuild_exactly_within_the_deadline() {
    let (old, new) = (old_agreement(), new_agreement());
    // Generous: tests run unoptimised on a busy machine; speed is the benchmark's job.
    let opts = Options {
        deadline: Duration::from_secs(60),
        ..Options::default()
    };
    let r = compare(&old, &new, &opts);
    assert!(!r.coarse);
    assert_exact(&r, &old, &new);
    assert_no_raw_controls(&r);
    assert!(r.summary.changed_paragraphs > 0 && !r.changes().is_empty());
}

/// The real pairs the project carries, one folder each under `tests/data/`.
const REAL_PAIRS: [&str; 4] = [
    "oregon-aee-engineers",
    "oregon-afscme-doc-security",
    "oregon-afscme-doj-attorneys",
    "oregon-afscme-osh-rn",
];

/// The older and newer agreement of a folder of `tests/data/` (its two `.txt` files, the
/// older one first by name).
fn real_pair(folder: &str) -> (String, String) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("a readable folder").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{} holds one pair", dir.display());
    let read = |p: &PathBuf| {
        String::from_utf8(std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
            .expect("the agreements are UTF-8")
    };
    (read(&files[0]), read(&files[1]))
}

/// Both texts of a real pair rebuilt from the plain output of its redline: the whole
/// agreements, then every unit (article, letter, appendix) the two share, as the importer
/// splits them.
fn pair_rebuilds_from_the_plain_output(folder: &str) {
    let (old, new) = real_pair(folder);
    // Generous: tests run unoptimised on a busy machine; speed is the benchmark's job.
    let opts = Options {
        deadline: Duration::from_secs(60),
        ..Options::default()
    };
    let r = compare(&old, &new, &opts);
    assert!(!r.coarse, "{folder}: the whole file hit the deadline");
    assert_exact(&r, &old, &new);
    assert!(!r.changes().is_empty(), "{folder}: the editions differ");
    let news: BTreeMap<String, String> = bargain_testutils::agreement_articles(&new)
        .into_iter()
        .collect();
    let mut shared = 0;
    for (id, a) in bargain_testutils::agreement_articles(&old) {
        let Some(b) = news.get(&id) else { continue };
        let r = compare(&a, b, &opts);
        assert!(!r.coarse, "{folder} unit {id}: hit the deadline");
        let (o, n) = plain_parse(&plain(&r)).expect("plain output parses");
        assert!(
            o == a && n == *b,
            "{folder} unit {id}: plain markers do not round-trip"
        );
        shared += 1;
    }
    assert!(shared >= 20, "{folder}: only {shared} units shared");
}

#[test]
fn every_folder_of_real_text_has_its_rebuild_test() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/data")
        .map(|e| e.expect("a readable folder").path())
        .filter(|p| p.is_dir())
        .map(|p| {
            p.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    assert_eq!(
        found, REAL_PAIRS,
        "add a rebuild test below for each new pair"
    );
}

#[test]
fn aee_engineers_rebuild_from_the_plain_output() {
    pair_rebuilds_from_the_plain_output(REAL_PAIRS[0]);
}

#[test]
fn doc_security_rebuilds_from_the_plain_output() {
    pair_rebuilds_from_the_plain_output(REAL_PAIRS[1]);
}

#[test]
fn doj_attorneys_rebuild_from_the_plain_output() {
    pair_rebuilds_from_the_plain_output(REAL_PAIRS[2]);
}

#[test]
fn osh_nurses_rebuild_from_the_plain_output() {
    pair_rebuilds_from_the_plain_output(REAL_PAIRS[3]);
}

#[test]
fn one_word_edit_in_a_real_article_is_one_deletion_and_one_insertion() {
    let old = articles(&old_agreement())[&7].clone();
    assert!(old.contains("held unlawful"));
    let new = old.replacen("held unlawful", "held illegal", 1);
    let r = compare(&old, &new, &Options::by("union"));
    assert_exact(&r, &old, &new);
    assert_eq!(words(&r, SegmentKind::Deleted), ["unlawful"]);
    assert_eq!(words(&r, SegmentKind::Inserted), ["illegal"]);
    assert_eq!((r.summary.deleted_words, r.summary.inserted_words), (1, 1));
    assert_eq!(r.summary.changed_paragraphs, 1);
    let changes = r.changes();
    assert_eq!(changes.len(), 1);
    let first = &r.segments[changes[0].segments.start];
    assert_eq!(first.by, ["union"]);
    assert!(plain(&r).contains("held [-@union|unlawful-]{+@union|illegal+}"));
}

#[test]
fn one_word_change_in_the_whole_agreement_is_found_alone() {
    let old = new_agreement();
    let new = old.replacen("Employer shall", "Employer must", 1);
    let r = compare(&old, &new, &Options::default());
    assert_exact(&r, &old, &new);
    assert_eq!(words(&r, SegmentKind::Deleted), ["shall"]);
    assert_eq!(words(&r, SegmentKind::Inserted), ["must"]);
    assert_eq!(r.changes().len(), 1);
}

/// The paragraphs of the first real article with at least four, each of at least `min_words`
/// words, the last ending in a blank line (so any of them can be moved to the end).
fn four_paragraphs(min_words: usize) -> Vec<String> {
    let art = articles(&old_agreement())
        .into_values()
        .find(|a| {
            let ps = paragraphs(a);
            ps.len() >= 4 && ps.iter().all(|p| p.split_whitespace().count() >= min_words)
        })
        .expect("an article with four paragraphs");
    let mut ps = paragraphs(&art);
    if !ps.last().unwrap().ends_with("\n\n") {
        ps.last_mut().unwrap().push_str("\n\n");
    }
    ps
}

#[test]
fn moved_paragraph_is_reported_as_moved_with_both_ends_linked() {
    // A real article with several paragraphs; move its second paragraph to the end.
    let mut ps = four_paragraphs(8);
    let old: String = ps.concat();
    let moved = ps.remove(1);
    ps.push(moved.clone());
    let new: String = ps.concat();

    let r = compare(&old, &new, &Options::default());
    assert_exact(&r, &old, &new);
    assert_eq!(r.moves.len(), 1, "{}", plain(&r));
    let m = &r.moves[0];
    assert!(m.exact);
    assert_eq!(
        r.segments[m.from_segment].kind,
        SegmentKind::MovedFrom(m.id)
    );
    assert_eq!(r.segments[m.to_segment].kind, SegmentKind::MovedTo(m.id));
    assert_eq!(r.segments[m.from_segment].text, moved);
    assert_eq!((m.from_paragraph, m.to_paragraph), (1, ps.len() - 1));
    assert_eq!((r.summary.deleted_words, r.summary.inserted_words), (0, 0));
    assert!(r.summary.moved_words > 0);
    let p = plain(&r);
    assert!(p.contains(&format!("[>moved to ¶{}: ", ps.len())));
    assert!(p.contains("{>moved from ¶2: "));
}

#[test]
fn words_changed_inside_a_moved_paragraph_are_marked_at_both_ends() {
    // A real article's second paragraph moved to the end with one word changed on the way:
    // the classic edit a plain "moved" marker would hide.
    let mut ps = four_paragraphs(12);
    let old: String = ps.concat();
    let moved = ps.remove(1);
    let word = moved
        .split_whitespace()
        .nth(6)
        .expect("a seventh word")
        .to_owned();
    let edited = moved.replacen(&format!(" {word} "), " Zanzibar ", 1);
    assert_ne!(edited, moved, "the word {word:?} stands between spaces");
    ps.push(edited);
    let new: String = ps.concat();

    let r = compare(&old, &new, &Options::default());
    assert_exact(&r, &old, &new);
    assert_eq!(r.moves.len(), 1, "{}", plain(&r));
    let m = &r.moves[0];
    assert!(!m.exact);
    // Each end starts at its first piece; the changed word sits between pieces of it.
    let kinds: Vec<SegmentKind> = r.segments.iter().map(|s| s.kind).collect();
    assert_eq!(kinds[m.from_segment], SegmentKind::MovedFrom(m.id));
    assert_eq!(kinds[m.to_segment], SegmentKind::MovedTo(m.id));
    let at = |kind: SegmentKind, text: &str| {
        r.segments
            .iter()
            .position(|s| s.kind == kind && s.text == text)
    };
    let deleted = at(SegmentKind::Deleted, &word).expect("the old word deleted at the source");
    let inserted = at(SegmentKind::Inserted, "Zanzibar").expect("the new word inserted");
    assert_eq!(kinds[deleted - 1], SegmentKind::MovedFrom(m.id));
    assert_eq!(kinds[deleted + 1], SegmentKind::MovedFrom(m.id));
    assert_eq!(kinds[inserted - 1], SegmentKind::MovedTo(m.id));
    assert_eq!(kinds[inserted + 1], SegmentKind::MovedTo(m.id));
    assert_eq!((r.summary.deleted_words, r.summary.inserted_words), (1, 1));
    // Each end is named once, however many pieces it is cut into.
    let p = plain(&r);
    assert_eq!(p.matches("[>moved to ¶").count(), 1, "{p}");
    assert_eq!(p.matches("{>moved from ¶2: ").count(), 1, "{p}");
    assert!(p.contains("{+Zanzibar+}"), "{p}");
    let h = html(&r, "t");
    assert_eq!(h.matches("id=\"move-0-from\"").count(), 1);
    assert_eq!(h.matches("id=\"move-0-to\"").count(), 1);
    // Merged with another side's changes, the move still starts at its first pieces.
    let t = three_way(
        &old,
        &[("union", &new), ("employer", &old)],
        &Options::default(),
    );
    assert_eq!(t.side_text("union").as_deref(), Some(new.as_str()));
    let m = &t.moves[0];
    assert!(!m.exact);
    for (k, kind) in [
        (m.from_segment, SegmentKind::MovedFrom(m.id)),
        (m.to_segment, SegmentKind::MovedTo(m.id)),
    ] {
        assert_eq!(t.segments[k].kind, kind);
        assert_ne!(t.segments[k - 1].kind, kind, "not the first piece");
    }
}

#[test]
fn every_move_in_the_real_agreements_starts_at_its_first_pieces() {
    let (old, new) = (old_agreement(), new_agreement());
    let r = compare(&old, &new, &Options::default());
    assert_exact(&r, &old, &new);
    assert!(r.moves.iter().any(|m| !m.exact), "some moves carry edits");
    for m in &r.moves {
        for (k, kind) in [
            (m.from_segment, SegmentKind::MovedFrom(m.id)),
            (m.to_segment, SegmentKind::MovedTo(m.id)),
        ] {
            assert_eq!(r.segments[k].kind, kind);
            assert!(r.segments[..k].iter().all(|s| s.kind != kind), "{kind:?}");
        }
    }
}

#[test]
fn text_pushed_across_a_page_header_is_a_move_in_the_real_agreements() {
    let (old, new) = (articles(&old_agreement()), articles(&new_agreement()));
    let r = compare(&old[&6], &new[&6], &Options::default());
    assert_exact(&r, &old[&6], &new[&6]);
    let m = r
        .moves
        .iter()
        .find(|m| {
            r.segments[m.to_segment]
                .text
                .contains("may engage in any type of strike")
        })
        .expect("the paragraph pushed to the other side of the page header is a move");
    assert!(m.exact);
    // The page footer's new years are an ordinary edit.
    assert!(words(&r, SegmentKind::Deleted).contains(&"2023"));
}

#[test]
fn rewritten_paragraph_is_whole_delete_plus_insert() {
    let arts = articles(&old_agreement());
    let old = arts[&7].clone();
    let ps = paragraphs(&old);
    let rewritten = paragraphs(&arts[&58])
        .into_iter()
        .max_by_key(|p| p.len())
        .unwrap();
    let new = format!("{}{}", ps[0], rewritten);
    let r = compare(&old, &new, &Options::default());
    assert_exact(&r, &old, &new);
    assert_eq!(words(&r, SegmentKind::Deleted), [ps[1].as_str()]);
    assert_eq!(words(&r, SegmentKind::Inserted), [rewritten.as_str()]);
}

#[test]
fn rewrapped_lines_are_not_word_changes() {
    let old = articles(&old_agreement())[&5].clone();
    // Re-wrap every paragraph at 60 columns, as a different PDF export would.
    let new: String = paragraphs(&old)
        .iter()
        .map(|p| {
            let mut out = String::new();
            let mut col = 0;
            for w in p.split_whitespace() {
                if col > 0 && col + w.len() > 60 {
                    out.push('\n');
                    col = 0;
                } else if col > 0 {
                    out.push(' ');
                    col += 1;
                }
                out.push_str(w);
                col += w.len();
            }
            out + "\n\n"
        })
        .collect();
    let r = compare(&old, &new, &Options::default());
    assert_exact(&r, &old, &new);
    assert_eq!(r.summary.inserted_words + r.summary.deleted_words, 0);
    assert_eq!(r.summary.changed_paragraphs, 0);
    assert!(r.summary.layout_changes > 0);
    assert!(r.changes().is_empty());
    assert!(!r.is_unchanged());
}

#[test]
fn control_characters_never_appear_raw_in_any_renderer() {
    let old = articles(&old_agreement())[&4].clone();
    assert!(old.contains('\u{c}'), "the real text has form feeds");
    let new = old.replacen(
        "Section 1.",
        "Section 1.\x1b[2J\x1b]0;owned\x07 \u{9b}31m \u{202e}evil\u{202c} \x7f\r",
        1,
    );
    let r = compare(&old, &new, &Options::default());
    assert_exact(&r, &old, &new);
    assert_no_raw_controls(&r);
    assert!(plain(&r).contains("\\x1b[2J"));
    assert!(strip_sgr(&ansi(&r)).contains("^[[2J"));
}

#[test]
fn identical_inputs_give_no_change() {
    let text = old_agreement();
    let r = compare(&text, &text, &Options::default());
    assert!(r.is_unchanged() && r.changes().is_empty() && !r.coarse);
    assert_eq!(r.summary, Default::default());
    assert_exact(&r, &text, &text);
}

#[test]
fn deadline_fallback_stays_exact_and_is_flagged() {
    let (old, new) = (old_agreement(), new_agreement());
    let opts = Options {
        deadline: Duration::ZERO,
        ..Options::default()
    };
    let r = compare(&old, &new, &opts);
    assert!(r.coarse);
    assert_exact(&r, &old, &new);

    // A pathological input: one huge paragraph of repetitive tokens, reversed.
    let old: String = (0..60_000).map(|i| format!("w{} ", i % 7)).collect();
    let new: String = (0..60_000).rev().map(|i| format!("w{} ", i % 11)).collect();
    let opts = Options {
        deadline: Duration::from_millis(50),
        ..Options::default()
    };
    let start = std::time::Instant::now();
    let r = compare(&old, &new, &opts);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    assert_exact(&r, &old, &new);
}

#[test]
fn three_way_tags_each_change_with_its_side() {
    let base = articles(&old_agreement())[&7].clone();
    let union = base.replacen("held unlawful", "held illegal", 1);
    let employer = base.replacen("upon demand", "upon written demand", 1);
    let t = three_way(
        &base,
        &[("union", &union), ("employer", &employer)],
        &Options::default(),
    );
    assert_eq!(t.base_text(), base);
    assert_eq!(t.side_text("union").unwrap(), union);
    assert_eq!(t.side_text("employer").unwrap(), employer);
    assert!(t.conflicts.is_empty());
    let tagged: Vec<(&str, &[String])> = t
        .segments
        .iter()
        .filter(|s| s.kind != SegmentKind::Equal)
        .map(|s| (s.text, s.by.as_slice()))
        .collect();
    assert_eq!(
        tagged,
        [
            ("unlawful", &["union".to_owned()][..]),
            ("illegal", &["union".to_owned()][..]),
            ("written ", &["employer".to_owned()][..]),
        ]
    );
    let p = plain_of(&t.segments, &t.moves);
    assert!(p.contains("{+@employer|written +}"));
}

#[test]
fn three_way_shows_the_same_change_once_and_flags_conflicts() {
    let base = "The Employer shall pay the fee.\n\nThe Union shall meet.\n";
    let same = "The Employer shall pay the fee.\n\nThe Union will meet.\n";
    let t = three_way(
        base,
        &[("union", same), ("employer", same)],
        &Options::default(),
    );
    assert!(t.conflicts.is_empty());
    let ins: Vec<_> = t
        .segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Inserted)
        .collect();
    assert_eq!(ins.len(), 1);
    assert_eq!(ins[0].by, ["union", "employer"]);

    // Both sides rewrite the same words differently: a conflict.
    let union = "The Employer will pay the fee.\n\nThe Union shall meet.\n";
    let employer = "The Employer must pay the fee.\n\nThe Union shall meet.\n";
    let t = three_way(
        base,
        &[("union", union), ("employer", employer)],
        &Options::default(),
    );
    assert_eq!(t.base_text(), base);
    assert_eq!(t.side_text("union").unwrap(), union);
    assert_eq!(t.side_text("employer").unwrap(), employer);
    assert_eq!(t.conflicts.len(), 1);
    assert_eq!(t.conflicts[0].sides, ["union", "employer"]);
    let c = &t.segments[t.conflicts[0].segments.clone()];
    assert!(c.iter().any(|s| s.by == ["union"]) && c.iter().any(|s| s.by == ["employer"]));
}

// ---------------------------------------------------------------------------------------
// Properties on arbitrary text

/// Pieces that stress the engine and the escaping: CRLF, blank lines, combining marks,
/// emoji sequences, lone punctuation, marker look-alikes, controls, other scripts.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z]{1,8}",
        2 => Just(" ".to_owned()),
        1 => Just("\n".to_owned()),
        1 => Just("\r\n".to_owned()),
        1 => Just("\n\n".to_owned()),
        1 => Just("\r\n\r\n".to_owned()),
        1 => prop::sample::select(vec![
            "e\u{301}", "\u{301}", "👩‍👩‍👧", "🇨🇦", "日本語", "مرحبا", "’", "—", "…",
            ".", ",", ";", "(", ")", "[", "]", "{", "}", "-", "+", "~", "<", ">", "@", "|",
            "\\", "[-", "-]", "{+", "+}", "[~", "~}", "[>", "<]", "{>", "<}", "\\x1b", "¶",
            "\x1b", "\x1b[31m", "\u{85}", "\u{9b}", "\x7f", "\x00", "\r", "\t", "\u{c}",
            "\u{202e}", "\u{2028}", "\u{feff}", "....", "  ",
        ]).prop_map(str::to_owned),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat())
}

/// A text and an edited copy of it (so the two share most of their content).
fn text_pair() -> impl Strategy<Value = (String, String)> {
    (
        prop::collection::vec(piece(), 0..60),
        prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, piece()), 0..6),
    )
        .prop_map(|(pieces, edits)| {
            let mut new = pieces.clone();
            for (at, op, p) in edits {
                match op {
                    0 if !new.is_empty() => {
                        new.remove(at.index(new.len()));
                    }
                    1 if !new.is_empty() => {
                        let i = at.index(new.len());
                        new[i] = p;
                    }
                    _ => {
                        let i = at.index(new.len() + 1);
                        new.insert(i, p);
                    }
                }
            }
            // Sometimes move a stretch, to exercise move detection.
            if new.len() > 10 {
                let chunk: Vec<String> = new.drain(2..6).collect();
                new.extend(chunk);
            }
            (pieces.concat(), new.concat())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn redline_rebuilds_both_texts_exactly((old, new) in text_pair()) {
        let r = compare(&old, &new, &Options::default());
        prop_assert_eq!(r.old_text(), old.clone());
        prop_assert_eq!(r.new_text(), new.clone());
        prop_assert_eq!(r.is_unchanged(), old == new);
        for m in &r.moves {
            prop_assert_eq!(r.segments[m.from_segment].kind, SegmentKind::MovedFrom(m.id));
            prop_assert_eq!(r.segments[m.to_segment].kind, SegmentKind::MovedTo(m.id));
        }
    }

    #[test]
    fn arbitrary_strings_rebuild_exactly(old in any::<String>(), new in any::<String>()) {
        let r = compare(&old, &new, &Options::default());
        prop_assert_eq!(r.old_text(), old.clone());
        prop_assert_eq!(r.new_text(), new.clone());
        prop_assert_eq!(plain_parse(&plain(&r)).unwrap(), (old, new));
    }

    #[test]
    fn identical_texts_are_unchanged(t in text()) {
        let r = compare(&t, &t, &Options::default());
        prop_assert!(r.is_unchanged());
        prop_assert!(r.changes().is_empty());
    }

    #[test]
    fn plain_markers_round_trip((old, new) in text_pair(), side in "[a-z,|\\\\]{0,6}") {
        let opts = if side.is_empty() { Options::default() } else { Options::by(side) };
        let r = compare(&old, &new, &opts);
        let p = plain(&r);
        prop_assert_eq!(plain_parse(&p).unwrap(), (old, new));
        prop_assert_eq!(raw_control(&p), None);
    }

    #[test]
    fn renderers_never_emit_raw_controls((old, new) in text_pair()) {
        let r = compare(&old, &new, &Options::by("union"));
        prop_assert_eq!(raw_control(&strip_sgr(&ansi(&r))), None);
        prop_assert_eq!(raw_control(&html(&r, &old)), None);
        prop_assert_eq!(raw_control(&md(&r)), None);
    }

    #[test]
    fn three_way_rebuilds_every_text((base, a) in text_pair(), (_, b) in text_pair()) {
        let t = three_way(&base, &[("a", &a), ("b", &b)], &Options::default());
        prop_assert_eq!(t.base_text(), base.as_str());
        prop_assert_eq!(t.side_text("a").unwrap(), a.as_str());
        prop_assert_eq!(t.side_text("b").unwrap(), b.as_str());
    }
}
